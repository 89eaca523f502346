"""Check one file's fields against its kind's schema, each error at its own line and column."""

from __future__ import annotations

import functools
from collections.abc import Iterator, Mapping
from typing import Any

from generator.checks.suggest import did_you_mean
from generator.content.load import LoadedFile
from generator.content.schemas import KindSchema, resolve, schema_at, wants_string
from generator.model import Issue, Severity


def coerce_plain_scalars(loaded: LoadedFile, kind: KindSchema) -> None:
    """Read `version: 1.10` as the text '1.10' where the schema wants a string."""
    for pointer, text in loaded.plain_scalars.items():
        if wants_string(schema_at(kind.schema, pointer)):
            parent: Any = loaded.data
            for segment in pointer[:-1]:
                parent = parent[segment]
            parent[pointer[-1]] = text


def check_schema(loaded: LoadedFile, kind: KindSchema) -> list[Issue]:
    """Give the schema problems of a file (none for the common, valid case, cheaply).

    Run `coerce_plain_scalars` first, so `1.10` is checked as the text the schema wants.
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
    pointer = tuple(error.absolute_path)
    where = json_path(pointer)
    node: Mapping[str, Any] = resolve(kind.schema, error.schema)

    def issue(
        rule: str, message: str, hint: str, at: tuple[str | int, ...] = pointer, key: bool = False
    ) -> Issue:
        return Issue(loaded.locate(at, key=key), Severity.ERROR, rule, message, hint)

    validator = error.validator
    if validator == "additionalProperties" and isinstance(error.instance, dict):
        allowed = list(node.get("properties", {}))
        for name in error.instance:
            if name not in allowed:
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
    if validator == "required":
        missing = str(error.message).split("'")[1] if "'" in error.message else ""
        described = resolve(kind.schema, node.get("properties", {}).get(missing, {}))
        description = str(described.get("description", ""))
        yield issue(
            "schema",
            f"{where}: required field '{missing}' is missing",
            f"add `{missing}:`" + (f" ({description})" if description else ""),
        )
        return
    field_hint = str(node.get("description", ""))
    if validator == "enum":
        choices = [str(c) for c in node["enum"]]
        yield issue(
            "schema",
            f"{where}: {error.instance!r} is not one of {', '.join(choices)}"
            + did_you_mean(str(error.instance), choices),
            field_hint or "use one of the listed values",
        )
        return
    if validator == "type":
        expected = node.get("type")
        hint = field_hint
        if expected == "string" and not isinstance(error.instance, (dict, list)):
            hint = "put the value in quotes to keep it as text"
        elif expected == "array":
            hint = "write a list: one `- item` per line under the field"
        elif expected == "object":
            hint = "write `name: value` lines indented under the field"
        yield issue(
            "schema",
            f"{where}: expected {_kind_of(expected)}, found {_describe(error.instance)}",
            hint,
        )
        return
    if validator == "propertyNames":
        yield issue("schema", f"{where}: {error.message}", field_hint, key=True)
        return
    if validator == "uniqueItems":
        yield issue(
            "schema", f"{where}: the list has the same item twice", "remove the repeated item"
        )
        return
    if validator == "pattern":
        yield issue(
            "schema", f"{where}: {error.instance!r} does not have the expected form", field_hint
        )
        return
    yield issue("schema", f"{where}: {error.message}", field_hint)


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
