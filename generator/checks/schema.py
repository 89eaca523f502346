"""Check one file's fields against its kind's schema, each error at its own line and column."""

from __future__ import annotations

import functools
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from generator.checks.suggest import did_you_mean
from generator.content.load import LoadedFile
from generator.content.schemas import KindSchema, resolve, schema_at, step_into
from generator.model import Issue, Severity


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


def _issues_for(error: Any, loaded: LoadedFile, kind: KindSchema) -> Iterator[Issue]:
    pointer = tuple(error.instance_path)
    where = json_path(pointer)
    keyword = error.kind.name
    detail = error.kind.as_dict()
    node = (
        _schema_node(kind.schema, error.schema_path[:-1]) or schema_at(kind.schema, pointer) or {}
    )
    field_hint = str(node.get("description", ""))

    def issue(
        rule: str, message: str, hint: str, at: tuple[str | int, ...] = pointer, key: bool = False
    ) -> Issue:
        return Issue(loaded.locate(at, key=key), Severity.ERROR, rule, message, hint)

    if keyword in ("additionalProperties", "unevaluatedProperties"):
        allowed = list(node.get("properties", {}))
        for name in detail.get("unexpected", []):
            hint = "allowed fields: " + ", ".join(allowed) if allowed else "remove it"
            yield issue(
                "unknown-field",
                f"{json_path((*pointer, name))}: unknown field '{name}'"
                + did_you_mean(name, allowed),
                hint,
                (*pointer, name),
                key=True,
            )
        return
    if keyword == "required":
        missing = str(detail.get("property", ""))
        described = resolve(kind.schema, node.get("properties", {}).get(missing, {}))
        description = str(described.get("description", ""))
        yield issue(
            "schema",
            f"{where}: required field '{missing}' is missing",
            f"add `{missing}:`" + (f" ({description})" if description else ""),
        )
        return
    if keyword == "enum":
        choices = [str(c) for c in detail.get("options", [])]
        yield issue(
            "schema",
            f"{where}: {error.instance!r} is not one of {', '.join(choices)}"
            + did_you_mean(str(error.instance), choices),
            field_hint or "use one of the listed values",
        )
        return
    if keyword == "type":
        expected = detail.get("types", node.get("type"))
        if isinstance(expected, list) and len(expected) == 1:
            expected = expected[0]
        yield issue(
            "schema",
            f"{where}: expected {_kind_of(expected)}, found {_describe(error.instance)}",
            _type_hint(expected, error.instance, field_hint),
        )
        return
    if keyword == "propertyNames":
        yield issue("schema", f"{where}: {error.message}", field_hint, key=True)
        return
    if keyword == "uniqueItems":
        yield issue(
            "schema", f"{where}: the list has the same item twice", "remove the repeated item"
        )
        return
    if keyword == "pattern":
        yield issue(
            "schema", f"{where}: {error.instance!r} does not have the expected form", field_hint
        )
        return
    yield issue("schema", f"{where}: {error.message}", field_hint)


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
