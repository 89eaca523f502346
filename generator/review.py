"""Review dates: intervals, next due dates and the state of an entry on a given day. Pure.

A review is a person confirming that an entry is still accurate, still how the organisation
works and still useful. It is recorded as the entry's `last_reviewed` date; the next one falls
due `review_every` later (the entry's own interval, else its kind's). Dates are calendar days
without a time zone: "today" is the caller's to decide (the reader's day in the browser, the
configured time zone in CI).
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from enum import StrEnum
from typing import Any

DEFAULT_INTERVAL = "1 year"
"""How often an entry is reviewed when neither it nor its kind's schema says."""
DEFAULT_DUE_SOON_DAYS = 30
"""How many days before the due date an entry counts as due soon."""
REVIEW_FIELDS = ("last_reviewed", "reviewed_by", "review_every")
"""The review fields every kind allows (defined in `schemas/common.schema.json`)."""

_INTERVAL = re.compile(r"([1-9][0-9]{0,3}) (day|week|month|year)s?\Z")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}\Z")


class ReviewState(StrEnum):
    """Where an entry stands on a given day."""

    OVERDUE = "overdue"
    NEVER = "never-reviewed"
    DUE_SOON = "due-soon"
    CURRENT = "current"

    @property
    def label(self) -> str:
        return _LABELS[self]

    @property
    def rank(self) -> int:
        """Worst first: overdue 0, never reviewed 1, due soon 2, current 3."""
        return list(ReviewState).index(self)


_LABELS = {
    ReviewState.OVERDUE: "Overdue",
    ReviewState.NEVER: "Never reviewed",
    ReviewState.DUE_SOON: "Due soon",
    ReviewState.CURRENT: "Current",
}


@dataclass(frozen=True, slots=True)
class Interval:
    """A review interval: a count of days, weeks, months or years."""

    count: int
    unit: str
    """`day`, `week`, `month` or `year`."""

    def __str__(self) -> str:
        return f"{self.count} {self.unit}{'s' * (self.count != 1)}"


def parse_interval(text: str) -> Interval | None:
    """Give the interval `text` names (`90 days`, `6 weeks`, `1 month`, `2 years`), else None."""
    match = _INTERVAL.match(text.strip()) if isinstance(text, str) else None
    if match is None:
        return None
    return Interval(int(match[1]), match[2])


def parse_date(text: Any) -> date | None:
    """Give the calendar date of a `YYYY-MM-DD` string, or None if it is not one (2026-02-30)."""
    if not isinstance(text, str) or not _DATE.match(text):
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def add_interval(start: date, interval: Interval) -> date:
    """Give `start` plus the interval; months and years that lack the day end on the month's last.

    Jan 31 + 1 month is Feb 28 (29 in a leap year); Feb 29 + 1 year is Feb 28.
    """
    if interval.unit in ("day", "week"):
        return start + timedelta(days=interval.count * (7 if interval.unit == "week" else 1))
    months = interval.count * (12 if interval.unit == "year" else 1)
    year, month = divmod(start.month - 1 + months, 12)
    year, month = start.year + year, month + 1
    if year > date.max.year:
        return date.max
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True, slots=True)
class Review:
    """An entry's review facts, independent of the day they are looked at."""

    last_reviewed: date | None
    reviewed_by: str | None
    interval: Interval
    next_due: date | None
    """None when the entry was never reviewed."""
    soon_from: date | None
    """The first day the entry counts as due soon."""

    def state(self, today: date) -> ReviewState:
        """Give the state on `today`: overdue from the due day on."""
        if self.next_due is None or self.soon_from is None:
            return ReviewState.NEVER
        if today >= self.next_due:
            return ReviewState.OVERDUE
        if today >= self.soon_from:
            return ReviewState.DUE_SOON
        return ReviewState.CURRENT


def review_of(
    fields: Mapping[str, Any], kind_interval: str, due_soon_days: int = DEFAULT_DUE_SOON_DAYS
) -> Review:
    """Give the review facts of an entity's fields; an unreadable date counts as never reviewed."""
    interval = (
        parse_interval(str(fields.get("review_every", "")))
        or parse_interval(kind_interval)
        or parse_interval(DEFAULT_INTERVAL)
    )
    assert interval is not None
    last = parse_date(fields.get("last_reviewed"))
    by = fields.get("reviewed_by")
    due = add_interval(last, interval) if last else None
    soon = max(last, due - timedelta(days=due_soon_days)) if last and due else None
    return Review(last, by if isinstance(by, str) else None, interval, due, soon)


def today_in(zone: tzinfo | None, now: datetime | None = None) -> date:
    """Give the calendar day it is in `zone` (the machine's own when None) at `now`."""
    moment = now if now is not None else datetime.now().astimezone()
    if moment.tzinfo is None:
        moment = moment.astimezone()
    return moment.astimezone(zone).date() if zone is not None else moment.astimezone().date()


def readable(day: date | None) -> str:
    """Give a day as readers see it: `5 January 2026`."""
    return f"{day.day} {calendar.month_name[day.month]} {day.year}" if day else ""
