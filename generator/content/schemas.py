"""Load the JSON Schemas: one per kind, checked against the meta-schema, compiled once."""

from __future__ import annotations

import functools
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import jsonschema_rs

from generator.errors import ConfigError
from generator.files import read_regular_text
from generator.model import Catalogue, KindSpec, Mirror
from generator.review import DEFAULT_INTERVAL, parse_interval
from generator.suggest import did_you_mean

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
    """The schema with every `$ref` inlined by the engine, for reading field help and shapes."""
    source: dict[str, Any]
    """The schema as written, for the contributor reference."""
    ref_fields: tuple[RefField, ...]
    markdown_fields: tuple[Pattern, ...]
    validator: jsonschema_rs.Validator = field(repr=False)
    """The one engine that decides, and explains, whether content passes."""

    def is_valid(self, value: Any) -> bool:
        """Tell whether `value` passes; never changes it (no defaults are filled in)."""
        return self.validator.is_valid(value)

    def errors(self, value: Any) -> list[jsonschema_rs.ValidationError]:
        """Give the engine's errors for `value`: the same engine that answered `is_valid`."""
        return list(self.validator.iter_errors(value))


@dataclass(slots=True)
class SchemaSet:
    """Every kind's schema, in catalogue order."""

    kinds: dict[str, KindSchema]
    shared: dict[str, Any]

    @property
    def specs(self) -> dict[str, KindSpec]:
        return {name: kind.spec for name, kind in self.kinds.items()}


BASE_URI = "https://playbook.invalid/schemas/"
"""Where the schema files are said to live, so relative refs resolve as editors resolve them on
disk; `.invalid` can never be fetched, and nothing is: refs outside the folder are refused."""


def load_schemas(schema_dir: Path, repo_root: Path) -> SchemaSet:
    """Read every `*.schema.json`; a broken schema is a configuration error (exit 2)."""
    if not schema_dir.is_dir():
        raise ConfigError(f"no schemas folder at {schema_dir}")
    paths = sorted(schema_dir.glob("*.schema.json"))
    documents = {path.name: _read_schema(path) for path in paths}
    registry = _registry(documents)
    raw = {p.name.removesuffix(".schema.json"): (p, documents[p.name]) for p in paths}
    raw.pop(SHARED.removesuffix(".schema.json"), None)
    shared = documents.get(SHARED, {})
    found = [_kind_schema(name, *raw[name], registry, documents, repo_root) for name in raw]
    if not found:
        raise ConfigError(f"no kind schemas (*.schema.json) in {schema_dir}")
    found.sort(key=lambda k: (k.spec.order is None, k.spec.order or 0, k.spec.name))
    kinds = {kind.spec.name: kind for kind in found}
    _check_catalogues(kinds)
    _check_mirrors(kinds)
    teams = [kind.spec.schema_path for kind in kinds.values() if kind.spec.team_handle]
    if len(teams) > 1:
        raise ConfigError(
            f"{teams[1]}: `x-playbook.teams` is declared by {teams[0]} too; one kind holds the"
            " teams that entries' owners name"
        )
    return SchemaSet(kinds=kinds, shared=shared)


def _check_catalogues(kinds: Mapping[str, KindSchema]) -> None:
    for kind in kinds.values():
        target = kind.spec.catalogue.group_kind
        if target is not None and target not in kinds:
            raise ConfigError(
                f"{kind.spec.schema_path}: `x-playbook.catalogue.group_by` refers to the kind "
                f"{target!r}, which has no schema"
            )


def _check_mirrors(kinds: Mapping[str, KindSchema]) -> None:
    """A mirrored list names a kind that names this one back in the field it says."""
    for kind in kinds.values():
        for mirror in kind.spec.mirrors:
            listed = kinds.get(mirror.kind)
            back = listed and any(
                ref.kind == kind.spec.name and mirror.back in ref.pattern
                for ref in listed.ref_fields
            )
            if not back:
                raise ConfigError(
                    f"{kind.spec.schema_path}: `x-playbook.mirrors.{mirror.field}` says the"
                    f" {mirror.kind} it lists name this kind in their `{mirror.back}`, but no"
                    f" field of that name in the {mirror.kind} schema refers to {kind.spec.name}"
                )


def _read_schema(path: Path) -> dict[str, Any]:
    """Give one schema file's JSON, checked against the meta-schema it declares."""
    from jsonschema.exceptions import SchemaError

    try:
        text = read_regular_text(path)
        document = json.loads(text)
        if not isinstance(document, dict):
            raise ConfigError(f"{path}: a schema must be a JSON object")
        _check_schema(text)
        _check_extensions(document, path)
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ConfigError(f"{path}: cannot read schema: {error}") from error
    except SchemaError as error:
        raise ConfigError(f"{path}: not a valid JSON Schema: {error.message}") from error
    return document


NAMED_SCHEMAS = frozenset({"properties", "patternProperties", "$defs", "dependentSchemas"})
"""Keywords whose object maps names (of fields, of definitions) to subschemas."""


def _check_extensions(node: Any, path: Path, at: str = "") -> None:
    """Refuse our keywords where they would be ignored: `x-playbook` anywhere but the top, and
    any `x-playbook-...` but `x-playbook-ref` (a misspelt one would check nothing)."""
    if isinstance(node, list):
        for index, item in enumerate(node):
            _check_extensions(item, path, f"{at}/{index}")
        return
    if not isinstance(node, dict):
        return
    for key, value in node.items():
        place = f"{at}/{key}"
        known = key == "x-playbook-ref" or (key == "x-playbook" and not at)
        if str(key).startswith("x-playbook") and not known:
            raise ConfigError(
                f"{path}: `{key}` at {place[: -len(str(key)) - 1] or '/'} is not read: a kind is"
                " declared by `x-playbook` at the top of its schema, and a field that names"
                " entries by `x-playbook-ref`"
                + did_you_mean(str(key), ("x-playbook", "x-playbook-ref"))
            )
        if key in NAMED_SCHEMAS and isinstance(value, dict):
            for name, schema in value.items():
                _check_extensions(schema, path, f"{place}/{name}")
        elif key != "x-playbook":
            _check_extensions(value, path, place)


@functools.lru_cache(maxsize=256)
def _check_schema(text: str) -> None:
    """Check a schema's text against its meta-schema (raises SchemaError). Remembered by text:
    a preview validates the same schemas on every save, and this is a tenth of a second."""
    from jsonschema.validators import validator_for

    document = json.loads(text)
    validator_for(document).check_schema(document)


def _refuse_retrieval(uri: str) -> Any:
    raise ValueError(f"{uri} is not a schema in the schemas folder, and nothing is fetched")


def _registry(documents: Mapping[str, dict[str, Any]]) -> jsonschema_rs.Registry:
    """Give every schema file as a resource, under its file name and under its own `$id`."""
    resources: list[tuple[str, Any]] = []
    for name, document in documents.items():
        resources.append((BASE_URI + name, document))
        own_id = document.get("$id")
        if isinstance(own_id, str) and own_id.rstrip("#") != BASE_URI + name:
            resources.append((own_id.rstrip("#"), document))
    try:
        return jsonschema_rs.Registry(resources, retriever=_refuse_retrieval)
    except (ValueError, jsonschema_rs.ReferencingError) as error:
        culprit = next((n for n in documents if not _resolvable(n, resources)), "schemas")
        raise ConfigError(f"{culprit}: {_first_line(error)}") from error


def _resolvable(name: str, resources: list[tuple[str, Any]]) -> bool:
    """Tell whether one file's refs resolve within the folder (to name the one that does not)."""
    own = [r for r in resources if r[0] == BASE_URI + name]
    others = [(uri, True) for uri, _ in resources if uri != BASE_URI + name]
    try:  # the other files as placeholders: only this file's own refs are followed
        jsonschema_rs.Registry(own + others, retriever=_refuse_retrieval)
    except (ValueError, jsonschema_rs.ReferencingError):
        return False
    return True


def _first_line(error: BaseException) -> str:
    return str(getattr(error, "message", error)).strip().splitlines()[0]


def _kind_schema(
    name: str,
    path: Path,
    document: dict[str, Any],
    registry: jsonschema_rs.Registry,
    documents: Mapping[str, dict[str, Any]],
    repo_root: Path,
) -> KindSchema:
    inlined = inline_refs(document, path.name, documents)
    spec = _kind_spec(name, path, document, inlined, repo_root)
    try:
        validator = compile_validator(document, BASE_URI + path.name, registry)
    except (ValueError, jsonschema_rs.ReferencingError) as error:
        raise ConfigError(
            f"{path}: a $ref points nowhere ({_first_line(error)}); refs name a place in this"
            f" schema (`#/$defs/...`) or in another file of the schemas folder"
            f" (`{SHARED}#/$defs/...`)"
        ) from error
    return KindSchema(
        spec=spec,
        schema=inlined,
        source=document,
        ref_fields=tuple(_ref_fields(inlined)),
        markdown_fields=tuple(_markdown_fields(inlined)),
        validator=validator,
    )


def compile_validator(
    document: dict[str, Any] | bool, uri: str, registry: jsonschema_rs.Registry | None = None
) -> jsonschema_rs.Validator:
    """Give the engine's validator for one schema: the draft its `$schema` names (2020-12 if
    none), and nothing fetched from anywhere.

    `format` stays an annotation, as 2020-12 says; editors may assert it, so our schemas
    check shapes with `pattern`, which every engine asserts alike.
    """
    return jsonschema_rs.validator_for(
        document, registry=registry, base_uri=uri, retriever=_refuse_retrieval
    )


KIND_KEYS = frozenset({
    "folder", "singular", "plural", "forms", "body", "order", "catalogue", "counted",
    "download", "start_here", "home", "body_field", "abbreviation", "tree", "mirrors",
    "targets", "facet", "teams", "search_boost", "review_every",
})  # fmt: skip
"""The keys of `x-playbook`: any other is a typo that would otherwise be ignored."""


def _kind_spec(
    name: str, path: Path, document: dict[str, Any], inlined: dict[str, Any], repo_root: Path
) -> KindSpec:
    meta = document.get("x-playbook")
    if not isinstance(meta, dict) or meta.get("folder") != name:
        raise ConfigError(f"{path}: needs an `x-playbook` object whose `folder` is {name!r}")
    for key in meta:
        if key not in KIND_KEYS:
            raise ConfigError(
                f"{path}: `x-playbook.{key}` is not a key of a kind's declaration"
                + did_you_mean(str(key), KIND_KEYS)
                + "; CONTRIBUTING.md lists them"
            )
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
    return KindSpec(
        name=name,
        singular=str(meta.get("singular", name)),
        plural=str(meta.get("plural", name)),
        forms=forms,
        body=body,
        schema_path=schema_path,
        search_boost=_boost(meta.get("search_boost", 2.0), path),
        review_every=_review_every(meta.get("review_every", DEFAULT_INTERVAL), path),
        order=_order(meta.get("order"), path),
        catalogue=_catalogue(meta.get("catalogue"), inlined, path),
        counted=_counted(meta, name, path),
        download=_download(meta.get("download", False), body, path),
        start_here=_start_here(meta.get("start_here", 0), path),
        home=_home(meta.get("home"), path),
        body_field=_text_field(meta, "body_field", "the body of a .yml entry", inlined, path),
        abbreviation=_text_field(meta, "abbreviation", "the short form", inlined, path),
        tree=_tree(meta.get("tree"), name, inlined, path),
        mirrors=_mirrors(meta.get("mirrors", {}), inlined, path),
        targets=_targets(meta.get("targets", False), inlined, path),
        facet=_facet(meta.get("facet", False), name, path),
        team_handle=_text_field(meta, "teams", "each team's handle", inlined, path),
    )


FIXED_FACETS = ("kind", "role", "raci", "team", "tag", "review")
"""The search's own filters (site/search.py): a kind that is a facet may not take their names."""


def _facet(value: Any, name: str, path: Path) -> bool:
    """Read `x-playbook.facet`: whether search filters by the entries of this kind."""
    if not isinstance(value, bool) or (value and name in FIXED_FACETS):
        raise ConfigError(
            f"{path}: `x-playbook.facet` must be true or false, and a kind named one of"
            f" {', '.join(FIXED_FACETS)} cannot be a facet (search has a filter of that name)"
        )
    return value


def _reference_of(node: Any) -> str | None:
    """Give the kind a field (or the items of a list field) refers to, if it is one kind."""
    if not isinstance(node, dict):
        return None
    items = node.get("items")
    target = node.get(
        "x-playbook-ref", items.get("x-playbook-ref") if isinstance(items, dict) else None
    )
    return target if isinstance(target, str) and target != "*" else None


def _tree(value: Any, name: str, inlined: Mapping[str, Any], path: Path) -> str | None:
    """Read `x-playbook.tree`: the field that names an entry's parent of the same kind."""
    if value is None:
        return None
    node = inlined.get("properties", {}).get(value) if isinstance(value, str) else None
    if not isinstance(node, dict) or node.get("type") != "string" or _reference_of(node) != name:
        raise ConfigError(
            f"{path}: `x-playbook.tree` must name a field that holds the id of one other"
            f' {name} entry (`"type": "string", "x-playbook-ref": "{name}"`), such as the'
            " role a role reports to"
        )
    return str(value)


def _mirrors(value: Any, inlined: Mapping[str, Any], path: Path) -> tuple[Mirror, ...]:
    """Read `x-playbook.mirrors`: {list field: the field of the listed entries that names this
    entry back}."""
    hint = (
        f"{path}: `x-playbook.mirrors` maps a list field of this kind to the field in which"
        ' each entry it lists names this one back, such as {"processes": "templates"}'
    )
    if not isinstance(value, dict):
        raise ConfigError(hint)
    mirrors = []
    for field_name, back in value.items():
        node = inlined.get("properties", {}).get(field_name)
        kind = _reference_of(node) if isinstance(node, dict) and "items" in node else None
        if kind is None or not isinstance(back, str):
            raise ConfigError(f"{hint}; {field_name!r} is not a list of one kind's ids")
        mirrors.append(Mirror(field_name, kind, back))
    return tuple(mirrors)


TARGET_FIELDS = ("target", "healthy_range", "review_threshold", "direction")
"""The fields a kind with `x-playbook.targets` declares (the rule reads them by these names)."""


def _targets(value: Any, inlined: Mapping[str, Any], path: Path) -> bool:
    """Read `x-playbook.targets`: whether entries set a target, range and review threshold."""
    missing = [f for f in TARGET_FIELDS if f not in inlined.get("properties", {})]
    if not isinstance(value, bool) or (value and missing):
        raise ConfigError(
            f"{path}: `x-playbook.targets` must be true or false, and true only for a schema"
            f" with the fields {', '.join(TARGET_FIELDS)}"
            + (f" (missing: {', '.join(missing)})" if value is True else "")
        )
    return value


def _download(value: Any, body: str, path: Path) -> bool:
    """Read `x-playbook.download`: whether readers take the entries away as Markdown files."""
    if not isinstance(value, bool) or (value and body == "none"):
        raise ConfigError(
            f"{path}: `x-playbook.download` must be true or false, and true only for a kind whose"
            " entries have a Markdown body (the file readers take away)"
        )
    return value


def _start_here(value: Any, path: Path) -> int:
    """Read `x-playbook.start_here`: how many entries the home page's "Start here" lists."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ConfigError(
            f"{path}: `x-playbook.start_here` must be a whole number: how many of the kind's"
            " entries, by their `order`, the home page lists under Start here"
        )
    return value


def _home(value: Any, path: Path) -> str | None:
    """Read `x-playbook.home`: the line "Start here" gives the kind's catalogue."""
    if value is not None and not (isinstance(value, str) and value.strip()):
        raise ConfigError(
            f"{path}: `x-playbook.home` must be text: what the catalogue offers a newcomer, shown"
            " beside its link under the home page's Start here"
        )
    return value


def _text_field(
    meta: Mapping[str, Any], key: str, holds: str, inlined: Mapping[str, Any], path: Path
) -> str | None:
    """Read an `x-playbook` key that names one of the schema's text fields."""
    value = meta.get(key)
    if value is None:
        return None
    node = inlined.get("properties", {}).get(value) if isinstance(value, str) else None
    if not isinstance(node, dict) or node.get("type") != "string":
        raise ConfigError(
            f"{path}: `x-playbook.{key}` must name one of the schema's text fields"
            f' (`"type": "string"`), the one that holds {holds}'
        )
    return str(value)


def _counted(meta: dict[str, Any], name: str, path: Path) -> tuple[str, str]:
    """Give the nouns a count of entries takes (`x-playbook.counted`), else the kind's names."""
    value = meta.get("counted")
    if value is None:
        return str(meta.get("singular", name)).lower(), str(meta.get("plural", name)).lower()
    words = (value.get("one"), value.get("other")) if isinstance(value, dict) else ()
    if len(words) != 2 or not all(isinstance(w, str) and w.strip() for w in words):
        raise ConfigError(
            f'{path}: `x-playbook.counted` must be {{"one": ..., "other": ...}}, the nouns'
            ' a count reads with, such as {"one": "term", "other": "terms"}'
        )
    return str(words[0]), str(words[1])


def _order(value: Any, path: Path) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise ConfigError(f"{path}: `x-playbook.order` must be a whole number (1 comes first)")
    return value


CATALOGUE_HINT = (
    '{"group_by": FIELD} with, for a field of fixed values, {"labels": {VALUE: TITLE}}; '
    'or {"a_to_z": true}'
)


_GROUPING = frozenset({"group_by", "labels"})


def _catalogue(value: Any, inlined: Mapping[str, Any], path: Path) -> Catalogue:
    """Read `x-playbook.catalogue`: which field groups the kind's catalogue, and group titles."""
    if value is None:
        return Catalogue()
    if value == {"a_to_z": True}:
        return Catalogue(a_to_z=True)
    field = value.get("group_by") if isinstance(value, dict) else None
    labels = value.get("labels", {}) if isinstance(value, dict) else None
    if not isinstance(field, str) or not isinstance(labels, dict) or not set(value) <= _GROUPING:
        raise ConfigError(f"{path}: `x-playbook.catalogue` must be {CATALOGUE_HINT}")
    if not all(isinstance(k, str) and isinstance(v, str) for k, v in labels.items()):
        raise ConfigError(f"{path}: `x-playbook.catalogue.labels` maps values to titles (text)")
    node = inlined.get("properties", {}).get(field)
    if not isinstance(node, dict):
        raise ConfigError(
            f"{path}: `x-playbook.catalogue.group_by` names {field!r}, which is not a field "
            "of this kind"
        )
    return Catalogue(field, _reference_of(node), tuple(sorted(labels.items())))


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


def inline_refs(
    document: dict[str, Any], name: str, documents: Mapping[str, dict[str, Any]]
) -> dict[str, Any]:
    """Give a copy of a schema with each `$ref` to a file of the folder replaced by its target.

    The keywords beside a `$ref` stay, as 2020-12 applies both; key order stays as written (it
    is the order fields are shown in). A recursive ref is left in place, for `resolve`.
    """

    def expand(node: Any, base: str, active: frozenset[str]) -> Any:
        if isinstance(node, list):
            return [expand(item, base, active) for item in node]
        if not isinstance(node, dict):
            return node
        ref = node.get("$ref")
        copied = {key: expand(value, base, active) for key, value in node.items() if key != "$ref"}
        if not isinstance(ref, str):
            return {**copied, "$ref": ref} if "$ref" in node else copied
        file, _, fragment = ref.removeprefix(BASE_URI).partition("#")
        target_file = file or base
        where = f"{target_file}#{fragment}"
        target = pointer_target(documents.get(target_file), "#" + fragment)
        if where in active or not isinstance(target, dict):
            return {"$ref": ref, **copied}  # recursive, or an anchor or `$id` only the engine knows
        return {**expand(target, target_file, active | {where}), **copied}

    inlined: dict[str, Any] = expand(document, name, frozenset())
    return inlined


def pointer_target(document: Any, ref: str) -> Any:
    """Give what a local ref (`#/$defs/a~1b`, `#/prefixItems/0`) points at, or None.

    JSON Pointer as RFC 6901 reads it in a URI fragment: percent-decoded, then `~1` is `/`
    and `~0` is `~`; a number steps into a list.
    """
    if not ref.startswith("#"):
        return None
    target = document
    fragment = unquote(ref[1:])
    if not fragment:
        return target
    if not fragment.startswith("/"):
        return None  # an anchor name: the engine resolved it; our walks stop here
    for raw in fragment[1:].split("/"):
        target = step_into(target, raw.replace("~1", "/").replace("~0", "~"))
    return target


def step_into(node: Any, step: str | int) -> Any:
    """Give the member or item `step` names in a JSON value, or None."""
    if isinstance(node, dict):
        return node.get(str(step))
    if isinstance(node, list) and str(step).isdigit() and int(step) < len(node):
        return node[int(step)]
    return None


def resolve(schema: Mapping[str, Any], node: Mapping[str, Any]) -> Mapping[str, Any]:
    """Follow a `$ref` the engine left in place (a recursive one), keeping the keywords beside it.

    `schema` is a `KindSchema.schema`, where the engine has already inlined every other ref.
    """
    ref = node.get("$ref")
    target = pointer_target(schema, ref) if isinstance(ref, str) else None
    if not isinstance(target, dict) or target is node:
        return node
    merged = dict(target)
    merged.update({k: v for k, v in node.items() if k != "$ref"})
    return merged


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


MAX_PATTERN = 32
"""Content nests no deeper than YAML's depth limit, so a recursive schema is walked that far."""


def field_nodes(
    schema: Mapping[str, Any], node: Mapping[str, Any], pattern: Pattern = ()
) -> Iterator[tuple[Pattern, Mapping[str, Any]]]:
    """Give (pattern, subschema) for every place a value can sit, the root first."""
    if len(pattern) > MAX_PATTERN:
        return
    node = resolve(schema, node)
    yield pattern, node
    for step, sub in children(schema, node):
        yield from field_nodes(schema, sub, (*pattern, step))


def _ref_fields(schema: Mapping[str, Any]) -> Iterator[RefField]:
    for pattern, node in field_nodes(schema, schema):
        if isinstance(target := node.get("x-playbook-ref"), str):
            yield RefField(pattern, target)


def _markdown_fields(schema: Mapping[str, Any]) -> Iterator[Pattern]:
    for pattern, node in field_nodes(schema, schema):
        if node.get("contentMediaType") == "text/markdown":
            yield pattern


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
