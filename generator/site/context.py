"""What the templates see: indexes over the playbook and each entity's fields shaped for reading."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Mapping, Sequence, Set as AbstractSet
from dataclasses import dataclass
from typing import Any

from generator.content.schemas import KindSchema, SchemaSet, resolve, schema_at
from generator.model import Entity, Playbook, Reference
from generator.review import REVIEW_FIELDS
from generator.site.paths import entity_page

COMMON_FIELDS = frozenset({"title", "summary", "owners", "tags", "related", "order", *REVIEW_FIELDS})
"""Fields every page shows in the same place, so the per-kind layout skips them (the review
fields in the review box of `_review.md.j2`)."""
BODY_FIELD = "body"
BODY_LABEL = "Mentioned in the text"


@dataclass(frozen=True, slots=True)
class Backlink:
    """An entity that points at the one a page is about, and the field it does it in."""

    origin: Entity
    field: str
    """Top-level field name of the origin, or `body` for a Markdown link."""
    label: str
    """The field's title from the origin's schema, for the reader."""


@dataclass(frozen=True, slots=True)
class SiteIndex:
    """Lookups computed once per build and shared by every page."""

    pages_by_source: Mapping[str, str]
    """Repository path of a source file -> its generated page."""
    backlinks: Mapping[str, tuple[Backlink, ...]]
    """`kind/id` -> who refers to it, sorted by kind order then title."""
    tags: Mapping[str, tuple[Entity, ...]]
    """Tag -> entities carrying it, both sorted."""
    abbreviations: Mapping[str, str]
    """Abbreviation -> what it stands for, from the glossary."""


@dataclass(frozen=True, slots=True)
class FieldView:
    """One field of an entity, with what the template needs to lay it out."""

    name: str
    title: str
    shape: str
    """`markdown`, `text`, `ref`, `refs`, `texts`, `records` or `map`."""
    value: Any
    ref_kind: str | None = None
    """For `ref`/`refs`/`map`: the kind referred to (`*` for `kind/id`)."""
    records: tuple[tuple[FieldView, ...], ...] = ()
    """For `records`: each item's fields."""


def build_index(playbook: Playbook, schemas: SchemaSet) -> SiteIndex:
    """Give the lookups every page shares: pages by source, backlinks, tags, abbreviations."""
    pages_by_source = {e.source.path: entity_page(e.kind, e.id) for e in playbook}
    return SiteIndex(
        pages_by_source=pages_by_source,
        backlinks=_backlinks(playbook, field_titles(schemas)),
        tags=_tags(playbook),
        abbreviations=_abbreviations(playbook),
    )


def top_field(reference: Reference) -> str:
    """Give the top-level field a reference sits in: `steps` for `steps[2].tools[0]`."""
    return re.split(r"[.\[]", reference.field, maxsplit=1)[0]


def _backlinks(
    playbook: Playbook, titles: Mapping[tuple[str, str], str]
) -> dict[str, tuple[Backlink, ...]]:
    order = {kind: number for number, kind in enumerate(playbook.kinds)}
    found: dict[str, dict[tuple[str, str], Backlink]] = defaultdict(dict)
    for reference in playbook.references:
        target = reference.target_key
        origin = entity_by_key(playbook, reference.origin)
        if origin is None or target == reference.origin or entity_by_key(playbook, target) is None:
            continue
        field = top_field(reference)
        label = BODY_LABEL if field == BODY_FIELD else titles.get((origin.kind, field), field)
        found[target].setdefault((reference.origin, field), Backlink(origin, field, label))
    return {
        target: tuple(
            sorted(
                links.values(),
                key=lambda b: (
                    order.get(b.origin.kind, 99),
                    b.origin.title.lower(),
                    b.origin.id,
                    b.field,
                ),
            )
        )
        for target, links in sorted(found.items())
    }


def backlink_groups(
    backlinks: Sequence[Backlink], kinds: Mapping[str, Any]
) -> list[tuple[str, str, list[Entity]]]:
    """Give backlinks grouped for reading: (origin kind's plural, field titles, entities).

    One line per kind, each entry on it once: the line names every field its entries refer
    from ("purpose, steps") rather than repeating an entry under each.
    """
    groups: dict[str, tuple[list[str], list[Entity]]] = {}
    for link in backlinks:
        spec = kinds.get(link.origin.kind)
        plural = str(spec.plural) if spec is not None else link.origin.kind
        labels, entities = groups.setdefault(plural, ([], []))
        if link.label not in labels:
            labels.append(link.label)
        if all(entity.key != link.origin.key for entity in entities):
            entities.append(link.origin)
    return [(plural, ", ".join(labels), entities) for plural, (labels, entities) in groups.items()]


def field_titles(schemas: SchemaSet) -> dict[tuple[str, str], str]:
    """Give (kind, top-level field) -> the field's title from the schema."""
    titles = {}
    for name, kind in schemas.kinds.items():
        for field, node in resolve(kind.schema, kind.schema).get("properties", {}).items():
            title = resolve(kind.schema, node).get("title")
            if isinstance(title, str):
                titles[(name, field)] = title
    return titles


def entity_by_key(playbook: Playbook, key: str) -> Entity | None:
    """Give the entity a `kind/id` key names, or None if there is none."""
    kind, _, entity_id = key.partition("/")
    return playbook.get(kind, entity_id)


def _tags(playbook: Playbook) -> dict[str, tuple[Entity, ...]]:
    tagged: dict[str, list[Entity]] = defaultdict(list)
    for entity in playbook:
        for tag in entity.tags:
            tagged[str(tag)].append(entity)
    return {
        tag: tuple(sorted(entities, key=lambda e: (e.title.lower(), e.key)))
        for tag, entities in sorted(tagged.items())
    }


def _abbreviations(playbook: Playbook) -> dict[str, str]:
    found: dict[str, str] = {}
    for term, _, abbreviation in playbook.abbreviations():
        if abbreviation not in found:
            found[abbreviation] = " ".join(term.title.split())
    return dict(sorted(found.items()))


def field_views(entity: Entity, kind: KindSchema) -> list[FieldView]:
    """Give the entity's own fields in schema order, each shaped for its layout."""
    properties = resolve(kind.schema, kind.schema).get("properties", {})
    views = []
    for name in properties:
        if name in COMMON_FIELDS or name not in entity.fields:
            continue
        view = _view(kind.schema, (name,), name, entity.fields[name])
        if view is not None:
            views.append(view)
    return views


def _view(
    schema: Mapping[str, Any], pointer: tuple[str | int, ...], name: str, value: Any
) -> FieldView | None:
    node = schema_at(schema, pointer) or {}
    title = str(node.get("title", name.replace("_", " ").capitalize()))
    ref = node.get("x-playbook-ref")
    if isinstance(value, str):
        if isinstance(ref, str):
            return FieldView(name, title, "ref", value, ref)
        shape = "markdown" if node.get("contentMediaType") == "text/markdown" else "text"
        return FieldView(name, title, shape, value)
    if isinstance(value, bool | int | float):
        return FieldView(
            name, title, "text", str(value).lower() if isinstance(value, bool) else str(value)
        )
    if isinstance(value, list):
        return _list_view(schema, pointer, name, title, value)
    if isinstance(value, dict):
        keys = node.get("propertyNames", {})
        key_ref = keys.get("x-playbook-ref") if isinstance(keys, dict) else None
        pairs = tuple((str(k), v) for k, v in value.items())
        return FieldView(name, title, "map", pairs, key_ref if isinstance(key_ref, str) else None)
    return None


def _list_view(
    schema: Mapping[str, Any],
    pointer: tuple[str | int, ...],
    name: str,
    title: str,
    value: Sequence[Any],
) -> FieldView:
    items = schema_at(schema, (*pointer, 0)) or {}
    ref = items.get("x-playbook-ref")
    if all(isinstance(item, dict) for item in value) and value:
        records = tuple(
            tuple(
                v
                for key, item in record.items()
                if (v := _view(schema, (*pointer, index, key), key, item)) is not None
            )
            for index, record in enumerate(value)
        )
        return FieldView(name, title, "records", value, records=records)
    strings = tuple(str(item) for item in value)
    if isinstance(ref, str):
        return FieldView(name, title, "refs", strings, ref)
    return FieldView(name, title, "texts", strings)


def forward_links(playbook: Playbook) -> dict[str, frozenset[str]]:
    """Give `kind/id` -> every entity it refers to itself, in fields or text."""
    found: dict[str, set[str]] = defaultdict(set)
    for reference in playbook.references:
        found[reference.origin].add(reference.target_key)
    return {origin: frozenset(targets) for origin, targets in found.items()}


def not_shown(backlinks: Sequence[Backlink], shown: AbstractSet[str]) -> tuple[Backlink, ...]:
    """Give the backlinks whose origin the page does not already link: "used by" lists news only."""
    return tuple(link for link in backlinks if link.origin.key not in shown)
