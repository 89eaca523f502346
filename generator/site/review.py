"""What the pages show about reviews and ownership: dates for the browser, teams and contacts.

Nothing here depends on the day of the build: pages carry the dates, and the browser works out
the state on the reader's own day, so an unchanged site still turns "overdue" on the due day
and two builds of one commit stay identical.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from urllib.parse import quote

from generator.config import HealthSettings
from generator.content.raci import RaciShape, raci_of
from generator.health import EntryHealth, entry_health
from generator.model import Entity, Playbook, entity_key
from generator.review import Review, readable, review_of
from generator.teams import owners_of, team_named


@dataclass(frozen=True, slots=True)
class Contact:
    """One way to reach a team: its label and, when it can be opened, an address."""

    label: str
    url: str | None


@dataclass(frozen=True, slots=True)
class ReviewView:
    """The review and ownership facts of one page."""

    review: Review
    teams: tuple[Entity, ...]
    """Teams that maintain the entry."""
    unknown_owners: tuple[str, ...]
    """Handles in `owners` that are no team's."""
    reviewer: Entity | str | None
    """The team that reviewed it last, or the handle as written."""
    accountable: tuple[str, ...]
    """The `kind/id` of each role marked `A` in the entry's RACI."""

    @property
    def links(self) -> set[str]:
        """Give the `kind/id` of every entry the review box links."""
        found = {team.key for team in self.teams}
        if isinstance(self.reviewer, Entity):
            found.add(self.reviewer.key)
        return found | set(self.accountable)

    @property
    def due(self) -> str:
        return self.review.next_due.isoformat() if self.review.next_due else ""

    @property
    def soon(self) -> str:
        return self.review.soon_from.isoformat() if self.review.soon_from else ""

    @property
    def due_text(self) -> str:
        return readable(self.review.next_due)

    @property
    def reviewed_text(self) -> str:
        return readable(self.review.last_reviewed)


def review_view(
    entity: Entity,
    playbook: Playbook,
    teams: Mapping[str, Entity],
    due_soon_days: int,
    raci: RaciShape | None = None,
) -> ReviewView:
    """Give what the page of `entity` shows about its review and its owners (with the roles
    Accountable for it, when its kind has a RACI)."""
    review = review_of(entity.fields, playbook.kinds[entity.kind].review_every, due_soon_days)
    owners = owners_of(entity, teams)
    found = {o.team.key: o.team for o in owners if o.team is not None}
    reviewer_handle = review.reviewed_by
    reviewer: Entity | str | None = reviewer_handle
    if reviewer_handle is not None:
        reviewer = team_named(teams, reviewer_handle) or reviewer_handle
    accountable = (
        ()
        if raci is None
        else tuple(entity_key(raci.role_kind, r) for r, x in raci_of(entity, raci).items() if x == "A")
    )
    return ReviewView(
        review=review,
        teams=tuple(found.values()),
        unknown_owners=tuple(o.handle for o in owners if o.team is None),
        reviewer=reviewer,
        accountable=accountable,
    )


_URL_SAFE = "/:?#&=%@+~!$*,;-._"


def contacts(team: Entity) -> list[Contact]:
    """Give the ways to reach a team, each as a label and an address it can be opened at."""
    contact = team.fields.get("contact")
    if not isinstance(contact, dict):
        return []
    found = []
    chat, chat_url = contact.get("chat"), contact.get("chat_url")
    if isinstance(chat, str):
        found.append(Contact(chat, _https(chat_url)))
    email = contact.get("email")
    if isinstance(email, str):
        found.append(Contact(email, "mailto:" + quote(email, safe="@.+-_")))
    page = _https(contact.get("page"))
    if page:
        found.append(Contact("team page", page))
    return found


def _https(url: object) -> str | None:
    if not isinstance(url, str) or not url.startswith("https://") or any(c.isspace() for c in url):
        return None
    return quote(url, safe=_URL_SAFE)


@dataclass(frozen=True, slots=True)
class SiteHealth:
    """What the health page and the team pages list, in the build's (day-free) order."""

    entries: tuple[EntryHealth, ...]
    """Never reviewed first, then by due date, most linked first on the same day."""
    teams: tuple[Entity, ...]
    owned: Mapping[str, tuple[EntryHealth, ...]]
    """Team key -> the entries it maintains, in the same order."""


def site_health(playbook: Playbook, due_soon_days: int) -> SiteHealth:
    """Give the entries for the health page; the browser re-sorts them on the reader's day."""
    # States are left to the browser. Never reviewed, then earliest due, is already worst first
    # on any day; the browser then puts the most linked first among the overdue.
    settings = HealthSettings(due_soon_days=due_soon_days)
    entries = sorted(entry_health(playbook, settings, date.min), key=_day_free_order)
    teams = sorted(playbook.teams(), key=lambda t: (t.title.lower(), t.id))
    owned = {
        team.key: tuple(e for e in entries if any(t.key == team.key for t in e.teams))
        for team in teams
    }
    return SiteHealth(tuple(entries), tuple(teams), owned)


def _day_free_order(entry: EntryHealth) -> tuple[bool, str, int, str]:
    due = entry.review.next_due
    return (due is not None, due.isoformat() if due else "", -len(entry.linked_from), entry.entity.key)


