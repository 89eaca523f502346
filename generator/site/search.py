"""The site's search index: one record per entry, built from the model, indexed by Pagefind.

Pagefind splits the index into chunks, so a reader's browser fetches a few of them per query
whatever the size of the playbook. Each record is a small HTML document we write from the
model (never read back from the built pages): Pagefind reads per-element weights, filters,
meta and sort keys from it, where its plain-text records could carry no weights, and the
kind's `search_boost` is a weight.

Facets (Pagefind filters): kind, each kind the schemas make a facet (`x-playbook.facet`: the
pillars), role, RACI (`Role: letter`), team, tag and review, each value as readers see it
(titles, not ids). The search box reads which facets there are, and their labels, from
`assets/search-facets.json`.
Review states change with the reader's day, so the index holds the dates (`soon/due`, or
`never`) and the browser groups them into states, as the pages' review boxes do.
"""

from __future__ import annotations

import json
import re
import shutil
from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from html import escape
from pathlib import Path

from generator.config import Config
from generator.content.raci import RaciShape, raci_of, raci_shapes
from generator.content.schemas import FIXED_FACETS, SchemaSet
from generator.model import Entity, KindSpec, Playbook, Reference
from generator.review import review_of
from generator.site import paths
from generator.site.context import FieldView, field_views
from generator.site.duties import MATRIX_SUMMARY, MATRIX_TITLE
from generator.site.pagefind import IndexedPage, write_pagefind_bundle
from generator.site.top_answers import Entry, write_top_answers
from generator.site.write import cannot_write
from generator.teams import owners_of, teams_by_handle
from generator.validation import Validation

SEARCH_FOLDER = "pagefind"
"""Where the index goes in the site: Pagefind's bundle, and the top answers in `answers/`."""
ANSWERS = "answers"
MAX_WEIGHT = 10.0
"""Pagefind's largest element weight."""


@dataclass(frozen=True, slots=True)
class Facet:
    """A filter records may carry, as the search box names it."""

    name: str
    label: str


def search_facets(kinds: Mapping[str, KindSpec]) -> tuple[Facet, ...]:
    """Give the filters, in the order the search box shows them: the kind, the kinds that are
    facets (by the kind's name: `pillars`), then roles, RACI letters, teams, tags, review."""
    fixed = dict(zip(FIXED_FACETS, ("Kind", "Role", "RACI", "Team", "Tag", "Review"), strict=True))
    named = [Facet(kind, spec.singular) for kind, spec in kinds.items() if spec.facet]
    return (
        Facet("kind", fixed["kind"]),
        *named,
        *(Facet(name, label) for name, label in fixed.items() if name != "kind"),
    )


def facets_json(kinds: Mapping[str, KindSpec]) -> str:
    """Give the facets as the search box reads them: `[[name, label], ...]`."""
    return json.dumps([[f.name, f.label] for f in search_facets(kinds)]) + "\n"


@dataclass(frozen=True, slots=True)
class SearchRecord:
    """What the index holds about one entry."""

    url: str
    """Address from the site root, `/roles/product-manager/`."""
    title: str
    kind: str
    """The kind's singular name, shown beside the title."""
    summary: str
    text: tuple[str, ...]
    """The entry's own prose as plain text, paragraph by paragraph: what excerpts come from."""
    filters: Mapping[str, tuple[str, ...]]
    boost: float
    """The kind's `search_boost` (1 is neutral)."""


NEW_INDEX = f".{SEARCH_FOLDER}-new"
"""Where the index is written in the site before it is put in place: hidden, so the engine's
cleaning of the site (which spares hidden entries) leaves it while the two run side by side."""


def write_search_index(
    validation: Validation, config: Config, site_dir: Path, directory_urls: bool = True
) -> int:
    """Index every entry into `<site_dir>/.pagefind-new/`, for Pagefind and as top answers;
    give the number of records. `place_search_index` then puts it in place of the index in use."""
    shapes = raci_shapes(validation.schemas)
    records = search_records(
        validation.playbook, validation.schemas, config.health.due_soon_days, directory_urls
    )
    records += matrix_record(validation.playbook, shapes, directory_urls)
    fresh = site_dir / NEW_INDEX
    shutil.rmtree(fresh, ignore_errors=True)
    count = write_pagefind_bundle((IndexedPage(r.url, record_html(r)) for r in records), fresh)
    try:
        write_top_answers([answer_entry(r) for r in records], fresh / ANSWERS)
    except OSError as error:
        raise cannot_write(error, fresh / ANSWERS) from error
    return count


def place_search_index(site_dir: Path) -> None:
    """Put the index just written in place of the one in use (a preview serves it meanwhile)."""
    current, stale = site_dir / SEARCH_FOLDER, site_dir / f".{SEARCH_FOLDER}-old"
    shutil.rmtree(stale, ignore_errors=True)
    try:
        if current.exists():
            current.rename(stale)
        (site_dir / NEW_INDEX).rename(current)
    except OSError as error:
        raise cannot_write(error, current) from error
    shutil.rmtree(stale, ignore_errors=True)


def search_records(
    playbook: Playbook, schemas: SchemaSet, due_soon_days: int, directory_urls: bool = True
) -> list[SearchRecord]:
    """Give one record per entry, in catalogue order (kinds, then ids): the index's page order."""
    teams = teams_by_handle(playbook)
    references = _field_references(playbook.references)
    shapes = {shape.kind: shape for shape in raci_shapes(schemas)}
    role_kinds = {shape.role_kind for shape in shapes.values()}
    facet_kinds = [kind for kind, spec in playbook.kinds.items() if spec.facet]
    records = []
    for entity in playbook:
        spec = playbook.kinds[entity.kind]
        views = field_views(entity, schemas.kinds[entity.kind])
        filters = {
            "kind": (spec.plural,),
            **_reference_filters(
                playbook, entity, references.get(entity.key, ()), facet_kinds, role_kinds, shapes
            ),
            "team": tuple(
                sorted({o.team.title for o in owners_of(entity, teams) if o.team is not None})
            ),
            "tag": tuple(sorted({str(t) for t in entity.tags})),
            "review": (_review_value(entity, spec, due_soon_days),),
        }
        records.append(
            SearchRecord(
                url="/" + paths.page_url(paths.entity_page(entity.kind, entity.id), directory_urls),
                title=entity.title,
                kind=spec.singular,
                summary=plain_text(entity.summary),
                text=tuple(_prose(views, entity.body)),
                filters={name: values for name, values in filters.items() if values},
                boost=spec.search_boost,
            )
        )
    return records


def matrix_record(
    playbook: Playbook, shapes: Sequence[RaciShape], directory_urls: bool = True
) -> tuple[SearchRecord, ...]:
    """Give the RACI matrix's record, if the schemas declare a RACI: it is found by the
    processes and roles it lists. It carries no facets: browsing by facet lists entries."""
    lines = [
        f"{process.title}: " + ", ".join(sorted(_letters(playbook, process, shape, "{} ({})")))
        for shape in shapes
        for process in playbook.of_kind(shape.kind)
        if raci_of(process, shape)
    ]
    if not lines:
        return ()
    return (
        SearchRecord(
            url="/" + paths.page_url(paths.RACI, directory_urls),
            title=MATRIX_TITLE,
            kind="Page",
            summary=MATRIX_SUMMARY,
            text=tuple(lines),
            filters={},
            boost=1.0,
        ),
    )


def _letters(playbook: Playbook, entry: Entity, shape: RaciShape, form: str) -> set[str]:
    """Give each role of an entry's RACI with its letter, by the role's title, in `form`."""
    return {
        form.format(_title(playbook, shape.role_kind, role), letter)
        for role, letter in raci_of(entry, shape).items()
    }


def weights(record: SearchRecord) -> tuple[float, float]:
    """Give the weights of a record's title and of its text.

    The title weighs most and the kind's boost scales every word of the entry: Pagefind has no
    per-page boost, but words weighted by their kind rank that kind's pages higher.
    """
    return min(MAX_WEIGHT, 2 * record.boost), min(MAX_WEIGHT, record.boost / 2)


def answer_entry(record: SearchRecord) -> Entry:
    """Give a record as the top answers hold it: the same words, with the same weights."""
    title_weight, text_weight = weights(record)
    text = " ".join(p for p in (record.summary, *record.text) if p)
    return Entry(
        record.url, record.title, record.kind, record.summary, text, title_weight, text_weight
    )


def record_html(record: SearchRecord) -> str:
    """Give the document Pagefind indexes for a record; every value escaped."""
    title_weight, text_weight = weights(record)
    tags = [
        _data_tag("data-pagefind-filter", f"{name}:{value}")
        for name, values in record.filters.items()
        for value in values
    ]
    tags += [
        _data_tag("data-pagefind-meta", f"kind:{record.kind}"),
        _data_tag("data-pagefind-meta", f"summary:{record.summary}"),
        _data_tag("data-pagefind-sort", f"title:{record.title.casefold()}"),
    ]
    paragraphs = "".join(f"<p>{escape(p)}</p>" for p in (record.summary, *record.text) if p)
    return (
        '<html lang="en"><body>'
        + "".join(tags)
        + "<main data-pagefind-body>"
        + f'<h1 data-pagefind-meta="title" data-pagefind-weight="{title_weight:g}">'
        + f"{escape(record.title)}</h1>"
        + f'<div data-pagefind-weight="{text_weight:g}">{paragraphs}</div>'
        + "</main></body></html>"
    )


def _data_tag(attribute: str, value: str) -> str:
    """Give an empty element that carries one `name:value` for Pagefind."""
    return f'<i {attribute}="{escape(value)}"></i>'


def _field_references(references: Sequence[Reference]) -> dict[str, list[Reference]]:
    """Give `kind/id` -> the references its fields make (links in prose are not facets)."""
    by_origin: dict[str, list[Reference]] = defaultdict(list)
    for reference in references:
        if reference.field != "body" and reference.source is None:
            by_origin[reference.origin].append(reference)
    return by_origin


def _reference_filters(
    playbook: Playbook,
    entity: Entity,
    references: Sequence[Reference],
    facet_kinds: Sequence[str],
    role_kinds: set[str],
    shapes: Mapping[str, RaciShape],
) -> dict[str, tuple[str, ...]]:
    """Give the facets an entry's fields name (its pillars, roles and RACI letters), by the
    titles readers see (`Product Manager: A`); the references are valid, so every one names an
    entry. Roles are the kinds the schemas' RACI fields refer to."""
    named = {
        kind: {_title(playbook, kind, r.target) for r in references if r.kind == kind}
        for kind in facet_kinds
    }
    roles = {_title(playbook, r.kind, r.target) for r in references if r.kind in role_kinds}
    shape = shapes.get(entity.kind)
    letters = _letters(playbook, entity, shape, "{}: {}") if shape is not None else set()
    return {
        **{kind: tuple(sorted(titles)) for kind, titles in named.items()},
        "role": tuple(sorted(roles)),
        "raci": tuple(sorted(letters)),
    }


def _title(playbook: Playbook, kind: str, entity_id: str) -> str:
    """Give the title of the entry an id names, or the id if there is none."""
    named = playbook.get(kind, entity_id)
    return entity_id if named is None else named.title


def _review_value(entity: Entity, spec: KindSpec, due_soon_days: int) -> str:
    """Give `soon/due` (ISO dates), or `never`: the browser works out the state on its day."""
    review = review_of(entity.fields, spec.review_every, due_soon_days)
    if review.next_due is None or review.soon_from is None:
        return "never"
    return f"{review.soon_from.isoformat()}/{review.next_due.isoformat()}"


def _prose(views: Sequence[FieldView], body: str | None) -> Iterator[str]:
    """Give the entry's own text, field by field in schema order, then its body."""
    for view in views:
        if view.shape in ("markdown", "text"):
            yield plain_text(str(view.value))
        elif view.shape == "texts":
            yield from (plain_text(str(item)) for item in view.value)
        elif view.shape == "records":
            for record in view.records:
                yield from _prose(record, None)
    if body:
        yield from (plain_text(part) for part in re.split(r"\n\s*\n", body) if part.strip())


_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_MARKUP = re.compile(
    r"(?m)^\s{0,3}(?:#{1,6}\s+|>\s?|[-*+]\s+|\d+[.)]\s+)|[*`~]+|(?<!\w)_+|_+(?!\w)|<[^>]*>"
)


def plain_text(markdown: str) -> str:
    """Give Markdown as the words a reader sees: link texts kept, syntax and HTML tags dropped."""
    text = _MARKUP.sub("", _LINK.sub(r"\1", markdown))
    return " ".join(text.split())
