"""Review dates: intervals in days, weeks, months and years, leap days, states and time zones."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from generator.review import (
    Interval,
    ReviewState,
    add_interval,
    parse_date,
    parse_interval,
    review_of,
    today_in,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("90 days", Interval(90, "day")),
        ("1 day", Interval(1, "day")),
        ("6 weeks", Interval(6, "week")),
        ("6 months", Interval(6, "month")),
        ("1 year", Interval(1, "year")),
        ("2 years", Interval(2, "year")),
    ],
)
def test_intervals_are_read(text: str, expected: Interval) -> None:
    assert parse_interval(text) == expected


@pytest.mark.parametrize("text", ["", "0 days", "six months", "6 fortnights", "6months", "-1 day"])
def test_bad_intervals_are_refused(text: str) -> None:
    assert parse_interval(text) is None


@pytest.mark.parametrize(
    ("start", "interval", "due"),
    [
        (date(2026, 1, 1), "90 days", date(2026, 4, 1)),
        (date(2026, 1, 1), "6 weeks", date(2026, 2, 12)),
        (date(2026, 1, 31), "1 month", date(2026, 2, 28)),
        (date(2028, 1, 31), "1 month", date(2028, 2, 29)),
        (date(2026, 8, 31), "6 months", date(2027, 2, 28)),
        (date(2026, 3, 31), "1 month", date(2026, 4, 30)),
        (date(2026, 11, 15), "3 months", date(2027, 2, 15)),
        (date(2028, 2, 29), "1 year", date(2029, 2, 28)),
        (date(2028, 2, 29), "4 years", date(2032, 2, 29)),
        (date(2028, 2, 1), "30 days", date(2028, 3, 2)),
        (date(2027, 2, 1), "30 days", date(2027, 3, 3)),
    ],
)
def test_next_due_dates(start: date, interval: str, due: date) -> None:
    parsed = parse_interval(interval)
    assert parsed is not None
    assert add_interval(start, parsed) == due


@pytest.mark.parametrize(
    "text", ["2026-02-30", "2026-13-01", "26-01-01", "2026-1-1", None, 20260101]
)
def test_dates_that_are_not_days(text: object) -> None:
    assert parse_date(text) is None


def test_leap_day_is_a_date() -> None:
    assert parse_date("2028-02-29") == date(2028, 2, 29)
    assert parse_date("2027-02-29") is None


def test_states_through_an_interval() -> None:
    review = review_of({"last_reviewed": "2026-01-31", "review_every": "1 month"}, "1 year", 7)
    assert review.next_due == date(2026, 2, 28)
    assert review.soon_from == date(2026, 2, 21)
    assert review.state(date(2026, 2, 20)) is ReviewState.CURRENT
    assert review.state(date(2026, 2, 21)) is ReviewState.DUE_SOON
    assert review.state(date(2026, 2, 27)) is ReviewState.DUE_SOON
    assert review.state(date(2026, 2, 28)) is ReviewState.OVERDUE


def test_kind_default_applies_without_an_entry_interval() -> None:
    review = review_of({"last_reviewed": "2026-01-01"}, "6 months")
    assert review.next_due == date(2026, 7, 1)
    assert str(review.interval) == "6 months"


def test_without_a_date_the_entry_was_never_reviewed() -> None:
    for fields in ({}, {"last_reviewed": "2026-02-30"}):
        review = review_of(fields, "1 year")
        assert review.next_due is None
        assert review.state(date(2026, 1, 1)) is ReviewState.NEVER


def test_due_soon_never_starts_before_the_review() -> None:
    review = review_of({"last_reviewed": "2026-01-01", "review_every": "7 days"}, "1 year", 30)
    assert review.soon_from == date(2026, 1, 1)


def test_today_depends_on_the_time_zone() -> None:
    moment = datetime(2026, 3, 1, 23, 30, tzinfo=UTC)
    assert today_in(UTC, moment) == date(2026, 3, 1)
    assert today_in(ZoneInfo("Pacific/Auckland"), moment) == date(2026, 3, 2)
    assert today_in(ZoneInfo("America/Los_Angeles"), moment) == date(2026, 3, 1)
    assert today_in(timezone(timedelta(hours=-12)), datetime(2026, 3, 1, 5, tzinfo=UTC)) == date(
        2026, 2, 28
    )
