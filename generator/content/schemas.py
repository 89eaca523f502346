"""Load the JSON Schemas: one per kind, checked against the meta-schema, compiled once."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.errors import ConfigError
from generator.model import KindSpec
from generator.review import DEFAULT_INTERVAL, parse_interval

SHARED = "common.schema.json"
"""Definitions every kind refers to; not a kind itself."""

Pattern = tuple[str, ...]
"""A path through an entity's fields: property names, `[]` for list items, `{}` for map keys
and `*` for map values."""


@dataclass(frozen=True, slots=True)
class RefField:
    """A place in an entity's fields that names another entity, as the schema declares it."""

    pattern: Pattern
    kind: str
    """Kind it points to, or `*` for `kind/id` references."""


@dataclass(slots=True)
class KindSchema:
    """One kind's schema and what we derive from it."""

    spec: KindSpec
    schema: dict[str, Any]
    """The schema with shared definitions bundled in, ready to validate."""
    source: dict[str, Any]
    """The schema as written, for the contributor reference."""
    ref_fields: tuple[RefField, ...]
    markdown_fields: tuple[Pattern, ...]
    _fast: Callable[[Any], Any] | None = field(default=None, repr=False)
    _detailed: Any = field(default=None, repr=False)

    def is_valid(self, value: Any) -> bool:
        """Tell quickly whether `value` passes; failures are then explained by `errors`."""
        if self._fast is None:
            self._fast = _compile_fast(self.schema)
        try:
            self._fast(value)
        except (
            Exception
        ):  # fastjsonschema raises JsonSchemaValueException; any failure -> slow path
            return False
        return True

    def errors(self, value: Any) -> list[Any]:
        """Give jsonschema's detailed errors for `value`."""
        if self._detailed is None:
            from jsonschema import Draft202012Validator

            self._detailed = Draft202012Validator(self.schema)
        return list(self._detailed.iter_errors(value))  # reports sort them by position


def _compile_fast(schema: dict[str, Any]) -> Callable[[Any], Any]:
    try:
        import fastjsonschema
    except ImportError:  # pragma: no cover - listed as a dependency
        from jsonschema import Draft202012Validator

        slow: Callable[[Any], Any] = Draft202012Validator(schema).validate
        return slow
    validate: Callable[[Any], Any] = fastjsonschema.compile(schema, use_formats=False)
    return validate


@dataclass(slots=True)
class SchemaSet:
    """Every kind's schema, in catalogue order."""

    kinds: dict[str, KindSchema]
    shared: dict[str, Any]

    @property
    def specs(self) -> dict[str, KindSpec]:
        return {name: kind.spec for name, kind in self.kinds.items()}


KIND_ORDER = (
    "roles", "pillars", "processes", "tools", "frameworks",
    "metrics", "templates", "guides", "faq", "glossary",
)  # fmt: skip
"""The order readers meet the kinds in; other kinds follow alphabetically."""


def load_schemas(schema_dir: Path, repo_root: Path) -> SchemaSet:
    """Read every `*.schema.json`; a broken schema is a configuration error (exit 2)."""
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import SchemaError

    if not schema_dir.is_dir():
        raise ConfigError(f"no schemas folder at {schema_dir}")
    shared: dict[str, Any] = {}
    raw: dict[str, tuple[Path, dict[str, Any]]] = {}
    for path in sorted(schema_dir.glob("*.schema.json")):
        try:
            document = json.loads(path.read_text(encoding="utf-8"))
            if not isinstance(document, dict):
                raise ConfigError(f"{path}: a schema must be a JSON object")
            Draft202012Validator.check_schema(document)
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
            raise ConfigError(f"{path}: cannot read schema: {error}") from error
        except SchemaError as error:
            raise ConfigError(f"{path}: not a valid JSON Schema: {error.message}") from error
        if path.name == SHARED:
            shared = document
        else:
            raw[path.name.removesuffix(".schema.json")] = (path, document)
    order = sorted(raw, key=lambda k: (KIND_ORDER.index(k) if k in KIND_ORDER else 99, k))
    kinds = {name: _kind_schema(name, *raw[name], shared, repo_root) for name in order}
    if not kinds:
        raise ConfigError(f"no kind schemas (*.schema.json) in {schema_dir}")
    return SchemaSet(kinds=kinds, shared=shared)


def _kind_schema(
    name: str, path: Path, document: dict[str, Any], shared: dict[str, Any], repo_root: Path
) -> KindSchema:
    meta = document.get("x-playbook")
    if not isinstance(meta, dict) or meta.get("folder") != name:
        raise ConfigError(f"{path}: needs an `x-playbook` object whose `folder` is {name!r}")
    forms_value = meta.get("forms", ["yml"])
    forms = tuple(forms_value) if isinstance(forms_value, list) else ()
    if not forms or any(form not in ("yml", "md") for form in forms):
        raise ConfigError(f"{path}: `x-playbook.forms` must list `yml` and/or `md`")
    body = meta.get("body", "none" if forms == ("yml",) else "optional")
    if body not in ("none", "optional", "required"):
        raise ConfigError(f"{path}: `x-playbook.body` must be `none`, `optional` or `required`")
    try:
        schema_path = path.resolve().relative_to(repo_root.resolve()).as_posix()
    except ValueError:
        schema_path = path.as_posix()
    spec = KindSpec(
        name=name,
        singular=str(meta.get("singular", name)),
        plural=str(meta.get("plural", name)),
        forms=forms,
        body=body,
        schema_path=schema_path,
        search_boost=_boost(meta.get("search_boost", 2.0), path),
        review_every=_review_every(meta.get("review_every", DEFAULT_INTERVAL), path),
    )
    bundled = bundle(document, shared)
    dangling = _dangling_ref(bundled)
    if dangling is not None:
        raise ConfigError(
            f"{path}: $ref {dangling!r} points nowhere; refs name `#/$defs/...` in this schema"
            f" or `{SHARED}#/$defs/...`"
        )
    return KindSchema(
        spec=spec,
        schema=bundled,
        source=document,
        ref_fields=tuple(_ref_fields(bundled, bundled, ())),
        markdown_fields=tuple(_markdown_fields(bundled, bundled, ())),
    )


def _boost(value: Any, path: Path) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 < value <= 100:
        raise ConfigError(f"{path}: `x-playbook.search_boost` must be a number from 0 to 100")
    return float(value)


def _review_every(value: Any, path: Path) -> str:
    if not isinstance(value, str) or parse_interval(value) is None:
        raise ConfigError(
            f"{path}: `x-playbook.review_every` must be an interval such as '6 months' or '90 days'"
        )
    return value


def bundle(document: dict[str, Any], shared: dict[str, Any]) -> dict[str, Any]:
    """Copy the shared definitions in and point `common.schema.json#/...` refs at them.

    Editors follow the relative reference on disk; validators get one self-contained schema.
    """
    bundled = copy.deepcopy(document)
    defs = bundled.setdefault("$defs", {})
    for name, definition in shared.get("$defs", {}).items():
        defs.setdefault(name, copy.deepcopy(definition))

    def rewrite(node: Any) -> None:
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith(SHARED + "#"):
                node["$ref"] = ref[len(SHARED) :]
            for value in node.values():
                rewrite(value)
        elif isinstance(node, list):
            for value in node:
                rewrite(value)

    rewrite(bundled)
    return bundled


def _dangling_ref(bundled: Mapping[str, Any]) -> str | None:
    """Give the first `$ref` of a bundled schema that leads nowhere inside it, if any."""
    stack: list[Any] = [bundled]
    while stack:
        node = stack.pop()
        if isinstance(node, list):
            stack.extend(node)
            continue
        if not isinstance(node, dict):
            continue
        ref = node.get("$ref")
        if isinstance(ref, str) and ref != "#":
            target: Any = bundled if ref.startswith("#/") else None
            for part in ref[2:].split("/") if target is not None else ():
                target = target.get(part) if isinstance(target, dict) else None
            if not isinstance(target, dict):
                return ref
        stack.extend(node.values())
    return None


def resolve(schema: Mapping[str, Any], node: Mapping[str, Any]) -> Mapping[str, Any]:
    """Follow a local `$ref` (one level is all our schemas use)."""
    ref = node.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/"):
        target: Any = schema
        for part in ref[2:].split("/"):
            target = target[part]
        merged = dict(target)
        merged.update({k: v for k, v in node.items() if k != "$ref"})
        return merged
    return node


def children(
    schema: Mapping[str, Any], node: Mapping[str, Any]
) -> Iterator[tuple[str, Mapping[str, Any]]]:
    """Give (step, subschema) for each place a value can sit under `node`."""
    node = resolve(schema, node)
    yield from node.get("properties", {}).items()
    if isinstance(node.get("items"), dict):
        yield "[]", node["items"]
    if isinstance(node.get("additionalProperties"), dict):
        yield "*", node["additionalProperties"]
    if isinstance(node.get("propertyNames"), dict):
        yield "{}", node["propertyNames"]


def _ref_fields(
    schema: Mapping[str, Any], node: Mapping[str, Any], pattern: Pattern
) -> Iterator[RefField]:
    node = resolve(schema, node)
    target = node.get("x-playbook-ref")
    if isinstance(target, str):
        yield RefField(pattern, target)
    for step, sub in children(schema, node):
        yield from _ref_fields(schema, sub, (*pattern, step))


def _markdown_fields(
    schema: Mapping[str, Any], node: Mapping[str, Any], pattern: Pattern
) -> Iterator[Pattern]:
    node = resolve(schema, node)
    if node.get("contentMediaType") == "text/markdown":
        yield pattern
    for step, sub in children(schema, node):
        yield from _markdown_fields(schema, sub, (*pattern, step))


def schema_at(
    schema: Mapping[str, Any], pointer: tuple[str | int, ...]
) -> Mapping[str, Any] | None:
    """Give the subschema that governs the value at `pointer`, if the schema says."""
    node: Mapping[str, Any] = resolve(schema, schema)
    for segment in pointer:
        steps = dict(children(schema, node))
        nxt = steps.get("[]") if isinstance(segment, int) else steps.get(segment, steps.get("*"))
        if nxt is None:
            return None
        node = resolve(schema, nxt)
    return node


def wants_string(node: Mapping[str, Any] | None) -> bool:
    """Tell whether a schema node accepts only strings (so a plain `1.10` means the text)."""
    if node is None:
        return False
    if node.get("type") == "string":
        return True
    enum = node.get("enum")
    return isinstance(enum, list) and bool(enum) and all(isinstance(v, str) for v in enum)
