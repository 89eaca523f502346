"""The playbook's health on one day: review states, reachable owners, orphans and scores. Pure.

An entry is healthy when its review is not overdue (current or due soon) and a team that can be
reached maintains it. A team's score is the share of its entries that are healthy; the
playbook's is the share of all entries. Orphans (entries no other entry links to) and links to
overdue entries are reported but do not count against the score.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from generator.config import HealthSettings
from generator.model import Entity, Issue, Playbook, Reference, Severity, SourceRef
from generator.review import Review, ReviewState, readable, review_of
from generator.teams import Owner, owners_of, teams_by_handle

Locate = Callable[[str, tuple[str | int, ...]], SourceRef]
"""Gives the position of a field of an entity (by `kind/id`)."""

RULES = {
    "overdue": "review-overdue",
    "due-soon": "review-due-soon",
    "never-reviewed": "review-missing",
    "unowned": "owner-unreachable",
    "orphan": "orphan",
    "links-to-overdue": "link-to-overdue",
    "review-in-future": "review-in-future",
}
"""Finding (as `fail_on` names it) -> the rule id its diagnostics carry."""


@dataclass(frozen=True, slots=True)
class EntryHealth:
    """One entry as the health report sees it."""

    entity: Entity
    review: Review
    state: ReviewState
    owners: tuple[Owner, ...]
    linked_from: tuple[str, ...]
    """`kind/id` of the other entries that refer to it."""

    @property
    def teams(self) -> tuple[Entity, ...]:
        unique = {o.team.key: o.team for o in self.owners if o.team is not None}
        return tuple(unique.values())

    @property
    def reachable(self) -> bool:
        return bool(self.teams)

    @property
    def healthy(self) -> bool:
        return self.reachable and self.state in (ReviewState.CURRENT, ReviewState.DUE_SOON)


@dataclass(frozen=True, slots=True)
class TeamHealth:
    """The entries one team maintains, worst first, and its score."""

    team: Entity
    entries: tuple[EntryHealth, ...]
    handle: str | None = None

    @property
    def score(self) -> int:
        return score(self.entries)

    def in_state(self, state: ReviewState) -> list[EntryHealth]:
        return [e for e in self.entries if e.state is state]


@dataclass(frozen=True, slots=True)
class HealthReport:
    """Everything `playbook health` prints, for one day."""

    as_of: date
    entries: tuple[EntryHealth, ...]
    """Every entry, worst first: overdue, never reviewed, due soon, current; most linked first."""
    teams: tuple[TeamHealth, ...]
    """Worst score first."""
    orphans: tuple[EntryHealth, ...]
    links_to_overdue: tuple[tuple[Reference, EntryHealth], ...]
    issues: tuple[Issue, ...]

    @property
    def score(self) -> int:
        return score(self.entries)

    @property
    def unowned(self) -> list[EntryHealth]:
        return [e for e in self.entries if not e.reachable]

    def count(self, state: ReviewState) -> int:
        return sum(1 for e in self.entries if e.state is state)


def score(entries: tuple[EntryHealth, ...] | list[EntryHealth]) -> int:
    """Give the share of healthy entries, 0-100, rounded down (100 for none)."""
    if not entries:
        return 100
    return 100 * sum(1 for e in entries if e.healthy) // len(entries)


def worst_first(entry: EntryHealth) -> tuple[int, int, str, str]:
    due = entry.review.next_due.isoformat() if entry.review.next_due else ""
    return (entry.state.rank, -len(entry.linked_from), due, entry.entity.key)


def incoming(playbook: Playbook) -> dict[str, tuple[str, ...]]:
    """Give `kind/id` -> the other entries that refer to it, in fields or links."""
    found: dict[str, dict[str, None]] = defaultdict(dict)
    for ref in playbook.references:
        if ref.target_key != ref.origin:
            found[ref.target_key][ref.origin] = None
    return {key: tuple(origins) for key, origins in found.items()}


def entry_health(playbook: Playbook, settings: HealthSettings, as_of: date) -> list[EntryHealth]:
    """Give every entry's review, state, owners and incoming links, worst first."""
    teams = teams_by_handle(playbook)
    links = incoming(playbook)
    entries = []
    for entity in playbook:
        review = review_of(
            entity.fields, playbook.kinds[entity.kind].review_every, settings.due_soon_days
        )
        entries.append(
            EntryHealth(
                entity,
                review,
                review.state(as_of),
                owners_of(entity, teams),
                links.get(entity.key, ()),
            )
        )
    return sorted(entries, key=worst_first)


def check_health(
    playbook: Playbook, settings: HealthSettings, as_of: date, locate: Locate
) -> HealthReport:
    """Give the health of the playbook on `as_of`, with a located diagnostic per finding."""
    entries = entry_health(playbook, settings, as_of)
    by_key = {e.entity.key: e for e in entries}
    teams = {t.key: t for t in playbook.teams()}
    owned: dict[str, list[EntryHealth]] = {key: [] for key in teams}
    for entry in entries:
        for team in entry.teams:
            owned[team.key].append(entry)
    team_health = sorted(
        (
            TeamHealth(teams[key], tuple(e), playbook.handle_of(teams[key]))
            for key, e in owned.items()
        ),
        key=lambda t: (t.score, t.team.title.lower()),
    )
    orphans = tuple(e for e in entries if _orphan(e, owned))
    to_overdue = tuple(
        (ref, by_key[ref.target_key])
        for ref in playbook.references
        if ref.target_key in by_key
        and ref.target_key != ref.origin
        and by_key[ref.target_key].state is ReviewState.OVERDUE
    )
    issues = sorted(
        _issues(entries, orphans, to_overdue, settings, as_of, locate), key=Issue.sort_key
    )
    return HealthReport(
        as_of, tuple(entries), tuple(team_health), orphans, to_overdue, tuple(issues)
    )


def _orphan(entry: EntryHealth, owned: Mapping[str, list[EntryHealth]]) -> bool:
    if entry.linked_from:
        return False
    return not owned.get(entry.entity.key)  # a team that maintains entries is no orphan


def _issues(
    entries: list[EntryHealth],
    orphans: tuple[EntryHealth, ...],
    to_overdue: tuple[tuple[Reference, EntryHealth], ...],
    settings: HealthSettings,
    as_of: date,
    locate: Locate,
) -> Iterator[Issue]:
    def issue(finding: str, at: SourceRef, message: str, hint: str) -> Issue:
        severity = Severity.ERROR if finding in settings.fail_on else Severity.WARNING
        return Issue(at, severity, RULES[finding], message, hint)

    for entry in entries:
        key, review = entry.entity.key, entry.review
        record = f"review it, then record it with `playbook review {key}`"
        if entry.state is ReviewState.OVERDUE and review.next_due:
            late = (as_of - review.next_due).days
            yield issue(
                "overdue",
                locate(key, ("last_reviewed",)),
                f"review overdue since {review.next_due} ({late} day{'s' * (late != 1)}; last "
                f"reviewed {review.last_reviewed}, every {review.interval})" + _linked(entry),
                record,
            )
        elif entry.state is ReviewState.DUE_SOON and review.next_due:
            yield issue(
                "due-soon",
                locate(key, ("last_reviewed",)),
                f"review due on {review.next_due} ({readable(review.next_due)})",
                record,
            )
        elif entry.state is ReviewState.NEVER:
            yield issue(
                "never-reviewed",
                entry.entity.source,
                "never reviewed: no `last_reviewed` date",
                record,
            )
        if review.last_reviewed and review.last_reviewed > as_of:
            yield issue(
                "review-in-future",
                locate(key, ("last_reviewed",)),
                f"last_reviewed: {review.last_reviewed} is after today ({as_of})",
                "write the day the review actually happened",
            )
        if not entry.reachable:
            handles = ", ".join(o.handle for o in entry.owners) or "no owners"
            yield issue(
                "unowned",
                locate(key, ("owners",)),
                f"no owner can be reached: {handles} is not a team of playbook/teams/",
                "name a team's `handle` in `owners`, or add the team in playbook/teams/",
            )
    for entry in orphans:
        yield issue(
            "orphan",
            entry.entity.source,
            "nothing links to this entry",
            "link to it from the entries it belongs with (`related`), or retire it",
        )
    for ref, target in to_overdue:
        yield issue(
            "links-to-overdue",
            ref.source or locate(ref.origin, ref.pointer),
            f"{ref.field}: links to {target.entity.key}, whose review is overdue",
            f"check that {target.entity.key} still says what this entry relies on",
        )


def _linked(entry: EntryHealth) -> str:
    count = len(entry.linked_from)
    return f"; {count} {'entries link' if count != 1 else 'entry links'} to it" if count else ""


def failed(report: HealthReport, settings: HealthSettings) -> bool:
    """Tell whether `playbook health` exits 1: an error finding, or a score below the minimum."""
    return report.score < settings.min_score or any(
        i.severity is Severity.ERROR for i in report.issues
    )


def entry_json(entry: EntryHealth) -> dict[str, Any]:
    """Give one entry's health as the JSON report and the reminders read it."""
    review = entry.review
    return {
        "key": entry.entity.key,
        "title": entry.entity.title,
        "file": entry.entity.source.path,
        "state": entry.state.value,
        "last_reviewed": review.last_reviewed.isoformat() if review.last_reviewed else None,
        "reviewed_by": review.reviewed_by,
        "review_every": str(review.interval),
        "next_due": review.next_due.isoformat() if review.next_due else None,
        "owners": [o.handle for o in entry.owners],
        "teams": [t.id for t in entry.teams],
        "linked_from": len(entry.linked_from),
    }


def report_json(report: HealthReport) -> dict[str, Any]:
    """Give the whole report as plain data."""
    counts = {state.value: report.count(state) for state in ReviewState}
    orphans = {e.entity.key for e in report.orphans}
    return {
        "as_of": report.as_of.isoformat(),
        "score": report.score,
        "summary": {
            "entries": len(report.entries),
            **counts,
            "unowned": len(report.unowned),
            "orphans": len(report.orphans),
        },
        "teams": [
            {
                "id": t.team.id,
                "title": t.team.title,
                "handle": t.handle,
                "score": t.score,
                "entries": len(t.entries),
                **{
                    state.value: [entry_json(e) for e in t.in_state(state)]
                    for state in (ReviewState.OVERDUE, ReviewState.NEVER, ReviewState.DUE_SOON)
                },
                "orphans": [entry_json(e) for e in t.entries if e.entity.key in orphans],
            }
            for t in report.teams
        ],
        "unowned": [entry_json(e) for e in report.unowned],
        "orphans": [e.entity.key for e in report.orphans],
        "links_to_overdue": [
            {"from": ref.origin, "field": ref.field, "to": target.entity.key}
            for ref, target in report.links_to_overdue
        ],
    }
