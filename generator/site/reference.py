"""The contributor reference: each kind's fields as its schema describes them."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from typing import Any

from generator.content.schemas import SHARED, KindSchema, resolve


@dataclass(frozen=True, slots=True)
class FieldDoc:
    """One field of a kind, described for someone writing an entry."""

    path: str
    """`steps[].role` for a field inside list items."""
    title: str
    description: str
    """Markdown, from the schema."""
    type: str
    required: bool
    allowed: tuple[str, ...]
    """The values an enum allows."""
    references: str | None
    """The kind the field names by id, `*` for `kind/id`, or None."""
    markdown: bool
    shared: bool = False
    """Defined once for every kind (`common.schema.json`): documented once, not per kind."""


def field_docs(kind: KindSchema) -> list[FieldDoc]:
    """Give every field of the kind in schema order, nested fields after their parent."""
    shared = {
        name
        for name, node in kind.source.get("properties", {}).items()
        if isinstance(node, dict) and str(node.get("$ref", "")).startswith(SHARED + "#")
    }
    return [
        replace(doc, shared=doc.path in shared)
        for doc in _fields(kind.schema, resolve(kind.schema, kind.schema), "")
    ]


def shared_field_docs(kinds: Iterable[KindSchema]) -> list[FieldDoc]:
    """Give the fields every kind shares, once; required when every kind requires them."""
    found: dict[str, FieldDoc] = {}
    for kind in kinds:
        for doc in field_docs(kind):
            if doc.shared:
                first = found.setdefault(doc.path, doc)
                found[doc.path] = replace(first, required=first.required and doc.required)
    return list(found.values())


def _fields(schema: Mapping[str, Any], node: Mapping[str, Any], prefix: str) -> Iterator[FieldDoc]:
    required = set(node.get("required", ()))
    for name, raw in node.get("properties", {}).items():
        field = resolve(schema, raw)
        path = f"{prefix}{name}"
        yield FieldDoc(
            path=path,
            title=str(field.get("title", name)),
            description=str(field.get("description", "")),
            type=type_name(schema, field),
            required=name in required,
            allowed=tuple(str(v) for v in _enum(schema, field)),
            references=_reference(schema, field),
            markdown=field.get("contentMediaType") == "text/markdown",
        )
        items = field.get("items")
        if isinstance(items, dict):
            item = resolve(schema, items)
            if item.get("properties"):
                yield from _fields(schema, item, f"{path}[].")


def type_name(schema: Mapping[str, Any], field: Mapping[str, Any]) -> str:
    """Give the field's type in words: `text`, `list of ids`, `map of role id to letter`."""
    if "enum" in field:
        return "one of the allowed values"
    kind = field.get("type")
    if kind == "array":
        items = resolve(schema, field.get("items", {}))
        if items.get("type") == "object":
            return "list of entries"
        return f"list of {_plural(type_name(schema, items))}"
    if kind == "object":
        return "map" if field.get("additionalProperties") not in (None, False) else "fields"
    if "x-playbook-ref" in field:
        return "id"
    if field.get("contentMediaType") == "text/markdown":
        return "Markdown text"
    return {
        "string": "text",
        "integer": "whole number",
        "number": "number",
        "boolean": "yes/no",
    }.get(str(kind), str(kind or "any"))


def _plural(name: str) -> str:
    return {
        "text": "texts",
        "id": "ids",
        "Markdown text": "Markdown texts",
        "whole number": "whole numbers",
        "one of the allowed values": "allowed values",
    }.get(name, name)


def _enum(schema: Mapping[str, Any], field: Mapping[str, Any]) -> list[Any]:
    if "enum" in field:
        return list(field["enum"])
    for sub in (field.get("items"), field.get("additionalProperties")):
        if isinstance(sub, dict) and "enum" in (node := resolve(schema, sub)):
            return list(node["enum"])
    return []


def _reference(schema: Mapping[str, Any], field: Mapping[str, Any]) -> str | None:
    for node in (field, field.get("items"), field.get("propertyNames")):
        if isinstance(node, dict):
            target = resolve(schema, node).get("x-playbook-ref")
            if isinstance(target, str):
                return target
    return None
