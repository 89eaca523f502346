"""Who does what, as the schemas declare it: the RACI fields the rules check and the site shows.

Nothing here names a kind or a field. A RACI field is any map whose keys refer to entities of
one kind (the roles) and whose values are RACI letters; a kind with such a field is a process
kind; its steps are the list of records with a field that refers to a role; its owner is a
field that names one role; its facts (the cadence) are its fields with a fixed set of values;
what it uses are its reference lists.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from generator.content.schemas import KindSchema, SchemaSet, resolve
from generator.model import Entity

LETTERS: Mapping[str, tuple[str, str, str]] = {
    "A": ("Accountable", "Accountable for", "answers for the outcome and has the final say"),
    "R": ("Responsible", "Responsible for", "does the work"),
    "C": ("Consulted", "Consulted on", "gives input before the work is done or decided"),
    "I": ("Informed", "Informed of", "is told of progress and outcomes"),
}
"""Each RACI letter: its word, the heading of a role's duties under it, and what it asks."""


@dataclass(frozen=True, slots=True)
class RaciShape:
    """Where one kind keeps its RACI, its steps and its facts, as its schema declares them."""

    kind: str
    field: str
    """The RACI map: role id -> letter."""
    role_kind: str
    field_title: str
    """The RACI field's title in the schema ("RACI"): entries named so link to the matrix."""
    steps: str | None = None
    step_role: str | None = None
    step_name: str | None = None
    step_refs: tuple[tuple[str, str, str], ...] = ()
    """(field, title, kind) of each reference list inside a step (tools, templates)."""
    facts: tuple[tuple[str, str], ...] = ()
    """(field, title) of each top-level field with a fixed set of values (cadence)."""
    refs: tuple[tuple[str, str, str], ...] = ()
    """(field, title, kind) of each top-level reference list (pillars, metrics, templates)."""
    owner: str | None = None
    """The field naming the one role that owns an entry: its Accountable role."""


def raci_shapes(schemas: SchemaSet, apart: frozenset[str] = frozenset()) -> tuple[RaciShape, ...]:
    """Give every kind with a RACI field, in catalogue order; fields in `apart` are no facts
    or reference lists of it (a page shows them elsewhere)."""
    found = (raci_shape(kind_schema, apart) for kind_schema in schemas.kinds.values())
    return tuple(shape for shape in found if shape is not None)


def raci_shape(kind_schema: KindSchema, apart: frozenset[str] = frozenset()) -> RaciShape | None:
    """Give the shape of the kind's RACI: its first field that maps roles to letters."""
    kind, schema = kind_schema.spec.name, kind_schema.schema
    properties: Mapping[str, Any] = resolve(schema, schema).get("properties", {})
    nodes = {name: resolve(schema, node) for name, node in properties.items()}
    for name, node in nodes.items():
        role_kind = _raci_role_kind(node)
        if role_kind is not None:
            return _shape(kind, name, role_kind, nodes, schema, apart)
    return None


def _raci_role_kind(node: Mapping[str, Any]) -> str | None:
    keys, values = node.get("propertyNames"), node.get("additionalProperties")
    if not isinstance(keys, dict) or not isinstance(values, dict):
        return None
    letters, role_kind = values.get("enum"), keys.get("x-playbook-ref")
    known = isinstance(letters, list) and letters and all(x in LETTERS for x in letters)
    return role_kind if isinstance(role_kind, str) and known else None


def _shape(
    kind: str,
    field: str,
    role_kind: str,
    nodes: Mapping[str, Mapping[str, Any]],
    schema: Mapping[str, Any],
    apart: frozenset[str],
) -> RaciShape:
    steps = step_role = step_name = owner = None
    step_refs: tuple[tuple[str, str, str], ...] = ()
    facts, refs = [], []
    for name, node in nodes.items():
        if name == field:
            continue
        if (
            owner is None
            and node.get("type") == "string"
            and node.get("x-playbook-ref") == role_kind
        ):
            owner = name
        if name in apart:
            continue
        title = str(node.get("title", name))
        items = resolve(schema, node.get("items", {})) if node.get("type") == "array" else {}
        if isinstance(node.get("enum"), list):
            facts.append((name, title))
        elif isinstance(items.get("x-playbook-ref"), str) and items["x-playbook-ref"] != kind:
            refs.append((name, title, str(items["x-playbook-ref"])))
        elif steps is None and isinstance(items.get("properties"), dict):
            record = {k: resolve(schema, v) for k, v in items["properties"].items()}
            role = next(
                (k for k, v in record.items() if v.get("x-playbook-ref") == role_kind), None
            )
            if role is not None:
                steps, step_role = name, role
                step_name = next((k for k in items.get("required", ()) if k in record), None)
                step_refs = tuple(_ref_lists(record, schema))
    return RaciShape(
        kind=kind,
        field=field,
        role_kind=role_kind,
        field_title=str(nodes[field].get("title", field)),
        steps=steps,
        step_role=step_role,
        step_name=step_name,
        step_refs=step_refs,
        facts=tuple(facts),
        refs=tuple(refs),
        owner=owner,
    )


def _ref_lists(
    record: Mapping[str, Mapping[str, Any]], schema: Mapping[str, Any]
) -> list[tuple[str, str, str]]:
    found = []
    for name, node in record.items():
        items = resolve(schema, node.get("items", {})) if node.get("type") == "array" else {}
        if isinstance(items.get("x-playbook-ref"), str):
            found.append((name, str(node.get("title", name)), str(items["x-playbook-ref"])))
    return found


def raci_of(entity: Entity, shape: RaciShape) -> dict[str, str]:
    """Give an entity's RACI as role id -> letter (empty when it has none)."""
    raci = entity.fields.get(shape.field)
    return {str(k): str(v) for k, v in raci.items()} if isinstance(raci, dict) else {}
