"""Check one file's fields against its kind's schema, each error at its own line and column."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from generator.content.load import LoadedFile
from generator.content.schemas import KindSchema, resolve, schema_at, step_into
from generator.model import Issue, Severity
from generator.suggest import did_you_mean

RULES = frozenset({"schema", "unknown-field"})
"""The rules of the problems the schema check reports."""


def check_schema(loaded: LoadedFile, kind: KindSchema) -> list[Issue]:
    """Give the schema problems of a file, as the schema engine finds them.

    Values are checked exactly as YAML 1.2 reads them, as editors check them: `version: 1.10`
    is a number, and a field that wants text says so (quote it).
    """
    if kind.is_valid(loaded.data):
        return []
    issues: list[Issue] = []
    for error in kind.errors(loaded.data):
        issues.extend(_issues_for(error, loaded, kind))
    return issues


@functools.lru_cache(maxsize=4096)
def json_path(pointer: tuple[str | int, ...]) -> str:
    """Give `steps[2].role` for ('steps', 2, 'role')."""
    text = ""
    for segment in pointer:
        text += (
            f"[{segment}]"
            if isinstance(segment, int)
            else (f".{segment}" if text else str(segment))
        )
    return text or "(top level)"


@dataclass(frozen=True, slots=True)
class Failure:
    """One engine error, with what explaining it needs."""

    pointer: tuple[str | int, ...]
    """Where the failing value sits in the file's fields."""
    where: str
    """The same, as readers write it: `steps[2].role`."""
    detail: dict[str, Any]
    """The keyword's own facts: the missing property, the allowed options, the types..."""
    instance: Any
    message: str
    node: Mapping[str, Any]
    """The subschema holding the failed keyword."""

    @property
    def field_hint(self) -> str:
        return str(self.node.get("description", ""))


Found = tuple[str, str, str, tuple[str | int, ...], bool]
"""(rule, message, hint, where it points, whether at the key rather than the value)."""


def _issues_for(error: Any, loaded: LoadedFile, kind: KindSchema) -> Iterator[Issue]:
    pointer = tuple(error.instance_path)
    node = _schema_node(kind.schema, error.schema_path[:-1]) or schema_at(kind.schema, pointer)
    failure = Failure(
        pointer=pointer,
        where=json_path(pointer),
        detail=error.kind.as_dict(),
        instance=error.instance,
        message=str(error.message),
        node=node or {},
    )
    explain = EXPLAIN.get(error.kind.name, _any_keyword)
    for rule, message, hint, at, key in explain(failure, kind):
        yield Issue(loaded.locate(at, key=key), Severity.ERROR, rule, message, hint)


def _unknown_fields(f: Failure, kind: KindSchema) -> Iterator[Found]:
    allowed = list(f.node.get("properties", {}))
    hint = "allowed fields: " + ", ".join(allowed) if allowed else "remove it"
    for name in f.detail.get("unexpected", []):
        message = f"{json_path((*f.pointer, name))}: unknown field '{name}'"
        yield "unknown-field", message + did_you_mean(name, allowed), hint, (*f.pointer, name), True


def _required(f: Failure, kind: KindSchema) -> Iterator[Found]:
    missing = str(f.detail.get("property", ""))
    described = resolve(kind.schema, f.node.get("properties", {}).get(missing, {}))
    description = str(described.get("description", ""))
    hint = f"add `{missing}:`" + (f" ({description})" if description else "")
    yield "schema", f"{f.where}: required field '{missing}' is missing", hint, f.pointer, False


def _enum(f: Failure, kind: KindSchema) -> Iterator[Found]:
    choices = [str(c) for c in f.detail.get("options", [])]
    message = f"{f.where}: {f.instance!r} is not one of {', '.join(choices)}"
    hint = f.field_hint or "use one of the listed values"
    yield "schema", message + did_you_mean(str(f.instance), choices), hint, f.pointer, False


def _type(f: Failure, kind: KindSchema) -> Iterator[Found]:
    expected = f.detail.get("types", f.node.get("type"))
    if isinstance(expected, list) and len(expected) == 1:
        expected = expected[0]
    message = f"{f.where}: expected {_kind_of(expected)}, found {_describe(f.instance)}"
    yield "schema", message, _type_hint(expected, f.instance, f.field_hint), f.pointer, False


def _property_names(f: Failure, kind: KindSchema) -> Iterator[Found]:
    yield "schema", f"{f.where}: {f.message}", f.field_hint, f.pointer, True


def _unique(f: Failure, kind: KindSchema) -> Iterator[Found]:
    message = f"{f.where}: the list has the same item twice"
    yield "schema", message, "remove the repeated item", f.pointer, False


def _pattern(f: Failure, kind: KindSchema) -> Iterator[Found]:
    message = f"{f.where}: {f.instance!r} does not have the expected form"
    yield "schema", message, f.field_hint, f.pointer, False


def _any_keyword(f: Failure, kind: KindSchema) -> Iterator[Found]:
    yield "schema", f"{f.where}: {f.message}", f.field_hint, f.pointer, False


EXPLAIN: dict[str, Callable[[Failure, KindSchema], Iterator[Found]]] = {
    "additionalProperties": _unknown_fields,
    "unevaluatedProperties": _unknown_fields,
    "required": _required,
    "enum": _enum,
    "type": _type,
    "propertyNames": _property_names,
    "uniqueItems": _unique,
    "pattern": _pattern,
}
"""How to say each keyword's failure in the playbook's words; others get the engine's message."""


def _schema_node(schema: Mapping[str, Any], path: Sequence[str | int]) -> Mapping[str, Any] | None:
    """Give the subschema holding the failed keyword; refs are inlined, so `$ref` steps vanish."""
    node: Any = schema
    for step in path:
        node = resolve(schema, node) if step == "$ref" else step_into(node, step)
    return resolve(schema, node) if isinstance(node, dict) else None


def _type_hint(expected: Any, found: Any, field_hint: str) -> str:
    if expected == "string" and not isinstance(found, (dict, list)):
        return "put the value in quotes to keep it as text"
    if expected == "array":
        return "write a list: one `- item` per line under the field"
    if expected == "object":
        return "write `name: value` lines indented under the field"
    return field_hint


def _kind_of(expected: Any) -> str:
    names = {
        "string": "text",
        "array": "a list",
        "object": "fields (a mapping)",
        "integer": "a whole number",
        "number": "a number",
        "boolean": "true or false",
    }
    if isinstance(expected, list):
        return " or ".join(names.get(str(e), str(e)) for e in expected)
    return names.get(str(expected), str(expected))


def _describe(value: Any) -> str:
    if value is None:
        return "nothing (an empty value)"
    if isinstance(value, bool):
        return f"{str(value).lower()} (a boolean)"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "fields (a mapping)"
    return f"the text {value!r}"
