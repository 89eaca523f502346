"""Typed, frozen playbook entities with source positions. No I/O, no third-party imports."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Severity(StrEnum):
    """How bad an issue is: errors fail validation, warnings only with --strict."""

    ERROR = "error"
    WARNING = "warning"


def entity_key(kind: str, entity_id: str) -> str:
    """Give the `kind/id` that names an entity across kinds."""
    return f"{kind}/{entity_id}"


@dataclass(frozen=True, slots=True, order=True)
class SourceRef:
    """A place in the repository."""

    path: str
    """Path relative to the repository root, with forward slashes."""
    line: int = 1
    """1-based line."""
    column: int = 1
    """1-based column."""


@dataclass(frozen=True, slots=True)
class Issue:
    """One problem found in the content, located and explained."""

    source: SourceRef
    severity: Severity
    rule: str
    """Rule id, e.g. `ref-unknown`; configuration can switch rules off by it."""
    message: str
    hint: str = ""
    """How to fix it, for a contributor who is not an engineer."""

    def sort_key(self) -> tuple[str, int, int, str, str]:
        return (self.source.path, self.source.line, self.source.column, self.rule, self.message)


@dataclass(frozen=True, slots=True)
class Catalogue:
    """How a kind's catalogue page groups its entries (`x-playbook.catalogue`)."""

    group_by: str | None = None
    """The field whose value names an entry's group; None: one list."""
    group_kind: str | None = None
    """The kind `group_by` refers to: groups are its entries, in their order, by title, and an
    entry goes under the first one it names."""
    labels: tuple[tuple[str, str], ...] = ()
    """Group titles for field values (`core` -> `Core roles`); others are the value, capitalised."""
    a_to_z: bool = False
    """Filed A to Z by title, with a row of letters to jump by (instead of `group_by`)."""


@dataclass(frozen=True, slots=True)
class Mirror:
    """A list field whose entries name the entry back (`x-playbook.mirrors`): a template's
    `processes` each name the template in their `templates`."""

    field: str
    """The list on this kind: `processes`."""
    kind: str
    """The kind it lists: `processes`."""
    back: str
    """The field, at any depth of a listed entry, that names this one: `templates`."""


@dataclass(frozen=True, slots=True)
class KindSpec:
    """A kind of entity as its schema declares it (`x-playbook`)."""

    name: str
    """Kind id and folder name under `playbook/`, e.g. `roles`."""
    singular: str
    """What one entry is called, as a heading: `Term`."""
    plural: str
    """The kind's section title: `Glossary`."""
    forms: tuple[str, ...]
    """Allowed file extensions without the dot: `yml`, `md`."""
    body: str
    """For `.md` files: `required`, `optional` or `none`."""
    schema_path: str
    """Path of the schema file relative to the repository root."""
    search_boost: float = 2.0
    """How much the site's search favours this kind's pages over other pages (1 is neutral)."""
    review_every: str = "1 year"
    """How often entries of this kind are reviewed unless an entry says otherwise."""
    order: int | None = None
    """Where the kind comes among the catalogues (`x-playbook.order`); unordered kinds follow,
    by name."""
    catalogue: Catalogue = Catalogue()
    counted: tuple[str, str] = ("entry", "entries")
    """How a count of entries reads, for one and for any other number: `1 term`, `42 terms`."""
    download: bool = False
    """Readers take its entries away as Markdown files (`x-playbook.download`): templates."""
    start_here: int = 0
    """How many of its entries, by their `order`, the home page's "Start here" lists
    (`x-playbook.start_here`): the first guides."""
    home: str | None = None
    """What the kind's catalogue offers a newcomer, as the home page's "Start here" says it
    beside the link (`x-playbook.home`): "who is responsible for what"."""
    body_field: str | None = None
    """The field that holds the body in a `.yml` entry (`x-playbook.body_field`): an entry of
    either form then has exactly one of the two (a question's answer)."""
    abbreviation: str | None = None
    """The field that holds a short form of the entry's title (`x-playbook.abbreviation`): the
    site explains the short form wherever it is written."""
    tree: str | None = None
    """The field that names each entry's parent among its own kind (`x-playbook.tree`): the
    entries form a tree, never a circle (a role's `reports_to`)."""
    mirrors: tuple[Mirror, ...] = ()
    """Lists of other entries that must name this entry back (`x-playbook.mirrors`)."""
    team_handle: str | None = None
    """Its entries are the teams that maintain entries, and this field holds each team's handle,
    the one entries' `owners` name (`x-playbook.teams`). One kind at most declares it."""
    facet: bool = False
    """Search can narrow results to the entries that name one of its entries (`x-playbook.facet`):
    "every process of the pillar Discovery". The filter is named after the kind."""
    targets: bool = False
    """Its entries set a target, a healthy range and a review threshold in the fields of those
    names, with a `direction` (`x-playbook.targets`): the site shows them together and a rule
    checks that they agree."""


@dataclass(frozen=True, slots=True)
class Reference:
    """A reference from one entity to another, in a field or as a Markdown link."""

    origin: str
    """`kind/id` of the entity that holds the reference."""
    kind: str
    """Kind the reference must point to; `*` when any kind may be named as `kind/id`;
    `file` for a Markdown link to a source file (`roles/product-manager.yml`)."""
    target: str
    """The id, `kind/id` or file path as written."""
    field: str
    """Where it sits, for messages: `raci`, `steps[2].role`, or `body` for a Markdown link."""
    pointer: tuple[str | int, ...] = ()
    """Path to the value inside the entity's fields, for locating it on demand."""
    source: SourceRef | None = None
    """Known position (Markdown links); field references are located only when reported."""
    key: bool = False
    """True when the reference is a mapping key (a RACI role) rather than a value."""

    @property
    def target_key(self) -> str:
        """The `kind/id` the reference points at."""
        if self.kind == "file":
            return self.target.rsplit(".", 1)[0]
        return self.target if self.kind == "*" else entity_key(self.kind, self.target)


@dataclass(frozen=True, slots=True)
class Entity:
    """One playbook entry: a file under `playbook/<kind>/`."""

    kind: str
    id: str
    source: SourceRef
    """The file, at line 1."""
    fields: Mapping[str, Any]
    """The validated YAML fields (front matter for `.md` files)."""
    body: str | None = None
    """Markdown body of a `.md` file."""
    body_line: int = 1
    """Line of the file where the body starts."""

    @property
    def key(self) -> str:
        """The `kind/id` that names this entity across kinds."""
        return entity_key(self.kind, self.id)

    @property
    def title(self) -> str:
        return str(self.fields.get("title", self.id))

    @property
    def summary(self) -> str:
        return str(self.fields.get("summary", ""))

    @property
    def owners(self) -> tuple[str, ...]:
        return tuple(self.fields.get("owners", ()))

    @property
    def tags(self) -> tuple[str, ...]:
        return tuple(self.fields.get("tags", ()))


@dataclass(frozen=True, slots=True)
class Playbook:
    """Every entity, by kind, plus the references between them."""

    kinds: Mapping[str, KindSpec]
    entities: Mapping[str, Mapping[str, Entity]]
    """kind -> id -> entity, each sorted by id."""
    references: tuple[Reference, ...] = field(default=())

    def __iter__(self) -> Iterator[Entity]:
        for kind in self.kinds:
            yield from self.entities.get(kind, {}).values()

    def __len__(self) -> int:
        return sum(len(ids) for ids in self.entities.values())

    def get(self, kind: str, entity_id: str) -> Entity | None:
        return self.entities.get(kind, {}).get(entity_id)

    def of_kind(self, kind: str) -> list[Entity]:
        return list(self.entities.get(kind, {}).values())

    @property
    def team_kind(self) -> str | None:
        """The kind whose entries are the teams (`x-playbook.teams`), if one is declared."""
        return next((k for k, spec in self.kinds.items() if spec.team_handle), None)

    def teams(self) -> list[Entity]:
        """Give every team, by id."""
        kind = self.team_kind
        return [] if kind is None else self.of_kind(kind)

    def handle_of(self, team: Entity) -> str | None:
        """Give a team's handle, from the field its kind declares for it, if it holds one."""
        field_name = self.kinds[team.kind].team_handle
        handle = team.fields.get(field_name) if field_name else None
        return handle if isinstance(handle, str) else None

    def abbreviation_of(self, entity: Entity) -> str | None:
        """Give the short form of the entry's title, in the field its kind declares for one
        (`x-playbook.abbreviation`), if it has one."""
        field = self.kinds[entity.kind].abbreviation
        value = entity.fields.get(field) if field is not None else None
        return value if isinstance(value, str) else None

    def abbreviations(self) -> Iterator[tuple[Entity, str, str]]:
        """Give every short form an entry holds: the entry, the field and the short form."""
        for kind, spec in self.kinds.items():
            if spec.abbreviation is None:
                continue
            for entity in self.of_kind(kind):
                value = self.abbreviation_of(entity)
                if value is not None:
                    yield entity, spec.abbreviation, value


# --- History: what changed, commit by commit (built from git by generator.history) ---


@dataclass(frozen=True, slots=True)
class Commit:
    """A commit that touched the playbook."""

    sha: str
    author: str
    """Author name, shown as text."""
    date: str
    """Author date, ISO 8601 with offset."""
    subject: str
    """First line of the message, shown as text."""


@dataclass(frozen=True, slots=True)
class EntityChange:
    """What one commit did to one entity."""

    key: str
    """`kind/id` after the change (before it, for a removal)."""
    change: str
    """`added`, `changed`, `reviewed` (only the review date and reviewer), `renamed` or
    `removed`."""
    title: str
    details: tuple[str, ...] = ()
    """Field-level changes in the playbook's words, e.g. `RACI: product manager C → A`."""
    renamed_from: str | None = None
    """`kind/id` before a rename."""


@dataclass(frozen=True, slots=True)
class ChangelogEntry:
    """One commit and the entity changes it made."""

    commit: Commit
    changes: tuple[EntityChange, ...]


@dataclass(frozen=True, slots=True)
class Release:
    """Changelog entries under one tag, or under `Unreleased` for those after the newest tag."""

    name: str
    date: str | None
    entries: tuple[ChangelogEntry, ...]
    """Newest first."""


@dataclass(frozen=True, slots=True)
class EntityHistory:
    """One entity's dates and changes."""

    created: str | None
    updated: str | None
    entries: tuple[tuple[Commit, EntityChange], ...]
    """Newest first."""


@dataclass(frozen=True, slots=True)
class History:
    """The playbook's history as the site shows it. Empty outside git."""

    releases: tuple[Release, ...] = ()
    """Newest first; `Unreleased` on top when there are changes after the newest tag."""
    entities: Mapping[str, EntityHistory] = field(default_factory=dict)
    """`kind/id` -> its history."""
    warning: str | None = None
    """Why history is missing or partial (no git, shallow clone), for one clear message."""
