"""Who does what on the site: the RACI shapes the schemas declare (`content/raci.py`), read
into the matrix and each role's part. Nothing here names a kind or a field."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from generator.content.raci import LETTERS, RaciShape, raci_of, raci_shapes
from generator.content.schemas import SchemaSet
from generator.model import Entity, Playbook
from generator.site.context import COMMON_FIELDS


MATRIX_TITLE = "RACI matrix"
MATRIX_SUMMARY = (
    "Who is Responsible, Accountable, Consulted and Informed in every process, role by role."
)
"""The matrix page's title and summary: its page, the navigation and its search record."""


def page_shapes(schemas: SchemaSet) -> tuple[RaciShape, ...]:
    """Give the RACI shapes as pages show them: the fields every page shows in one place
    (title, owners, tags...) are not among a process's facts or what it uses."""
    return raci_shapes(schemas, COMMON_FIELDS)


def step_anchor(number: int) -> str:
    """Give the id of the heading of step `number` (1-based) on a process page."""
    return f"step-{number}"


@dataclass(frozen=True, slots=True)
class RefList:
    """Entries one field names: its title, the kind they are of, their ids."""

    title: str
    kind: str
    ids: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class StepPart:
    """A step a role performs: its number, name, anchor on the process page and what it uses."""

    number: int
    name: str
    anchor: str
    uses: tuple[RefList, ...]


@dataclass(frozen=True, slots=True)
class Duty:
    """One process a role takes part in, with its letter and the steps it performs."""

    process: Entity
    letter: str
    facts: tuple[tuple[str, str], ...]
    """(title, value): the cadence and other fixed-choice facts."""
    steps: tuple[StepPart, ...]
    uses: tuple[RefList, ...]


@dataclass(frozen=True, slots=True)
class DutyGroup:
    """A role's duties under one letter: "Accountable for", with what that letter asks."""

    letter: str
    word: str
    heading: str
    meaning: str
    duties: tuple[Duty, ...]


def role_duties(
    playbook: Playbook, shapes: Sequence[RaciShape]
) -> dict[str, tuple[DutyGroup, ...]]:
    """Give each role's part (`kind/id` -> groups A, R, C, I), from every process that names it."""
    found: dict[str, dict[str, list[Duty]]] = {}
    for shape in shapes:
        for process in sorted(playbook.of_kind(shape.kind), key=lambda p: (p.title.lower(), p.id)):
            for role, letter in raci_of(process, shape).items():
                duty = Duty(
                    process=process,
                    letter=letter,
                    facts=_facts(process, shape),
                    steps=tuple(_steps_of(process, shape, role)),
                    uses=_uses(process, shape.refs),
                )
                key = f"{shape.role_kind}/{role}"
                found.setdefault(key, {}).setdefault(letter, []).append(duty)
    return {
        key: tuple(
            DutyGroup(letter, *LETTERS[letter], tuple(by_letter[letter]))
            for letter in LETTERS
            if letter in by_letter
        )
        for key, by_letter in sorted(found.items())
    }


def part_links(groups: Sequence[DutyGroup]) -> set[str]:
    """Give the `kind/id` of every entry a role's part links: its processes, what they and the
    role's steps use (so "used by" on the role's page need not list them again)."""
    found = set()
    for duty in (duty for group in groups for duty in group.duties):
        found.add(duty.process.key)
        lists = [*duty.uses, *(used for step in duty.steps for used in step.uses)]
        found.update(f"{used.kind}/{key}" for used in lists for key in used.ids)
    return found


def _facts(process: Entity, shape: RaciShape) -> tuple[tuple[str, str], ...]:
    return tuple(
        (title, str(process.fields[name])) for name, title in shape.facts if name in process.fields
    )


def _uses(fields: Entity | Mapping[str, Any], refs: Sequence[tuple[str, str, str]]) -> tuple[RefList, ...]:
    values = fields.fields if isinstance(fields, Entity) else fields
    lists = []
    for name, title, kind in refs:
        ids = values.get(name)
        if isinstance(ids, list) and ids:
            lists.append(RefList(title, kind, tuple(str(i) for i in ids)))
    return tuple(lists)


def _steps_of(process: Entity, shape: RaciShape, role: str) -> list[StepPart]:
    steps = process.fields.get(shape.steps) if shape.steps else None
    if not isinstance(steps, list):
        return []
    parts = []
    for number, step in enumerate(steps, start=1):
        if isinstance(step, dict) and step.get(shape.step_role) == role:
            name = str(step.get(shape.step_name, "")) if shape.step_name else ""
            parts.append(StepPart(number, name, step_anchor(number), _uses(step, shape.step_refs)))
    return parts


@dataclass(frozen=True, slots=True)
class MatrixTable:
    """One table of the RACI matrix: a group of processes against the roles they name."""

    group: str
    roles: tuple[Entity, ...]
    rows: tuple[tuple[Entity, tuple[str, ...]], ...]
    """Per process, its letter for each role column ("" where it has none)."""


def matrix_table(
    playbook: Playbook, shape: RaciShape, group: str, processes: Sequence[Entity]
) -> MatrixTable:
    """Give one table of the matrix: only the roles these processes name, sorted by title.

    Tables are made per group of processes: one matrix of every process against every role
    grows with the square of the playbook and is too wide to read long before that.
    """
    named = {role for process in processes for role in raci_of(process, shape)}
    roles = tuple(
        role
        for role in sorted(playbook.of_kind(shape.role_kind), key=lambda r: (r.title.lower(), r.id))
        if role.id in named
    )
    rows = tuple(
        (process, tuple(raci_of(process, shape).get(role.id, "") for role in roles))
        for process in sorted(processes, key=lambda p: (p.title.lower(), p.id))
    )
    return MatrixTable(group, roles, rows)


def names_the_matrix(
    entity: Entity, abbreviation: str | None, shapes: Sequence[RaciShape]
) -> bool:
    """Tell whether an entry is about the RACI itself (its title or the short form of it is
    the field's title, "RACI", as a word), so its page links to the matrix."""
    words = set(entity.title.replace("(", " ").replace(")", " ").split())
    if abbreviation is not None:
        words.add(abbreviation.strip())
    return any(shape.field_title in words for shape in shapes)
