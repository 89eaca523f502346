"""Record reviews: which entries `playbook review` edits, who reviewed them and on which day."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from generator.content.edit import set_scalar_fields, write_atomically
from generator.errors import PlaybookError
from generator.model import Entity, Playbook
from generator.suggest import did_you_mean
from generator.teams import team_named, teams_by_handle
from generator.validation import Validation


class ReviewUsageError(PlaybookError):
    """The entries or options named cannot be reviewed (exit code 2)."""


@dataclass(frozen=True, slots=True)
class Recorded:
    """One review as written (or found already there)."""

    entity: Entity
    day: str
    by: str
    changed: bool
    """False when the file already said this."""


def select_entries(playbook: Playbook, targets: Sequence[str], missing: bool) -> list[Entity]:
    """Give the entries named `KIND/ID`, then (with `missing`) every entry never reviewed."""
    chosen: dict[str, Entity] = {}
    for target in targets:
        kind, _, entity_id = target.strip().strip("/").partition("/")
        if kind not in playbook.kinds:
            raise ReviewUsageError(
                f"'{target}': unknown kind '{kind}'"
                + did_you_mean(kind, playbook.kinds)
                + "; write KIND/ID, e.g. processes/customer-feedback-loop"
            )
        entity_id = (
            entity_id.rsplit(".", 1)[0] if entity_id.endswith((".yml", ".md")) else entity_id
        )
        entity = playbook.get(kind, entity_id)
        if entity is None:
            raise ReviewUsageError(
                f"'{target}': no {playbook.kinds[kind].singular.lower()} '{entity_id}'"
                + did_you_mean(entity_id, playbook.entities.get(kind, {}))
                + " (if its file exists, `playbook validate` says why it cannot be read)"
            )
        chosen.setdefault(entity.key, entity)
    if missing:
        for entity in playbook:
            if not entity.fields.get("last_reviewed"):
                chosen.setdefault(entity.key, entity)
    return list(chosen.values())


def reviewer_for(playbook: Playbook, entity: Entity, by: str | None) -> str:
    """Give the handle to record as `reviewed_by`: `--by` (a team id or a handle), else the
    first owner that is a team, else the first owner."""
    teams = teams_by_handle(playbook)
    if by is None:
        owners = entity.owners
        named = [h for h in owners if team_named(teams, h) is not None]
        if named or owners:
            return str((named or owners)[0])
        raise ReviewUsageError(f"{entity.source.path}: has no owners; say who reviewed with --by")
    if by.startswith("@"):
        if "/" in by and teams and team_named(teams, by) is None:
            handles = sorted(str(playbook.handle_of(t)) for t in teams.values())
            raise ReviewUsageError(
                f"--by {by}: not the handle of a team" + did_you_mean(by, handles)
            )
        return by
    team = next((t for t in playbook.teams() if t.id == by), None)
    handle = playbook.handle_of(team) if team is not None else None
    if handle is None:
        raise ReviewUsageError(
            f"--by {by}: not a team id"
            + did_you_mean(by, [t.id for t in playbook.teams()])
            + f"; give a team id from playbook/{playbook.team_kind or 'teams'}/ or a handle"
            " such as @jdoe"
        )
    return handle


def record_reviews(
    root: Path, validation: Validation, entries: Sequence[Entity], by: str | None, day: date
) -> list[Recorded]:
    """Set `last_reviewed` and `reviewed_by` of each entry, editing only those lines.

    Every edit is prepared before the first is written, so a problem leaves every file as it was.
    """
    planned: list[tuple[Path, bytes, bytes | None, Recorded]] = []
    for entity in entries:
        reviewer = reviewer_for(validation.playbook, entity, by)
        values = {"last_reviewed": day.isoformat(), "reviewed_by": reviewer}
        loaded = validation.files[entity.key]
        path = root / loaded.rel
        try:
            raw = path.read_bytes()
        except OSError as error:
            raise ReviewUsageError(f"{loaded.rel}: cannot read: {error.strerror}") from error
        same = all(loaded.data.get(k) == v for k, v in values.items())
        edited = None if same else set_scalar_fields(loaded, raw, values)
        planned.append((path, raw, edited, Recorded(entity, day.isoformat(), reviewer, not same)))
    for path, raw, edited, _ in planned:
        if edited is not None:
            write_atomically(path, raw, edited)
    return [recorded for *_, recorded in planned]
