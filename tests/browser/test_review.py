"""Review states in headless Chromium with a faked clock: worked out on the reader's own day.

The site is built once; the browser's clock and time zone change between visits, as they do for
readers of a site that is not rebuilt.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from conftest import run_playbook
from sitekit import FIXTURE, make_site_repo, serve_folder
from test_site_browser import browser

pytestmark = pytest.mark.browser

__all__ = ["browser"]  # the fixture, shared with the site's other browser tests

TIMEOUT_MS = 60_000

TEAMS = {
    "playbook/teams/product-ops.yml": """\
title: Product operations
summary: Runs the playbook.
owners: ["@acme/product-ops"]
handle: "@acme/product-ops"
contact:
  chat: "#product-ops"
  chat_url: https://chat.example.org/product-ops
  email: product-ops@example.org
roles: [product-ops-manager]
""",
    "playbook/teams/data.yml": """\
title: Data
summary: Keeps the metrics true.
owners: ["@acme/data"]
handle: "@acme/data"
contact:
  email: data@example.org
""",
}
REVIEWS = {
    # Due 2026-04-05; due soon from 2026-03-06 (30 days before).
    "playbook/tools/amplitude.yml": 'last_reviewed: "2026-01-05"\nreview_every: 3 months\n'
    'reviewed_by: "@acme/data"\n',
    "playbook/metrics/activation-rate.yml": "last_reviewed: 2025-10-01\nreview_every: 3 months\n",
    "playbook/glossary/kpi.yml": "last_reviewed: 2025-12-01\nreview_every: 3 months\n",
    "playbook/roles/product-ops-manager.yml": "last_reviewed: 2026-03-20\n",
}


def _files() -> dict[str, str]:
    files = {**FIXTURE, **TEAMS}
    for path, lines in REVIEWS.items():
        owners = re.search(r"^owners: .*\n", files[path], re.MULTILINE)
        assert owners is not None
        files[path] = files[path][: owners.end()] + lines + files[path][owners.end() :]
    return files


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    repo = make_site_repo(tmp_path_factory.mktemp("review") / "repo", _files())
    result = run_playbook("--root", str(repo), "build", env={"NO_MKDOCS_2_WARNING": "1"})
    assert result.returncode == 0, result.stdout + result.stderr
    with serve_folder(repo / "site") as base:
        yield base


def open_page(browser: Any, site: str, path: str, zone: str, local: str) -> Any:
    """Open `path` with the browser's clock at `local` (wall time in `zone`) and give the page."""
    context = browser.new_context(timezone_id=zone)
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.route("**/*", lambda r: r.continue_() if r.request.url.startswith(site) else r.abort())
    moment = datetime.fromisoformat(local).replace(tzinfo=ZoneInfo(zone))
    page.clock.set_fixed_time(moment)
    page.goto(site + path, wait_until="load")
    page.wait_for_selector("[data-state]")
    assert errors == []
    return page


def about(page: Any) -> Any:
    """Open the folded "About this page" block, as a reader does, and give it."""
    box = page.locator(".playbook-review")
    box.locator("summary").click()
    return box


def review_state(page: Any) -> tuple[str, str]:
    box = page.locator(".playbook-review").first
    return str(box.get_attribute("data-state")), str(
        box.locator(".playbook-review-state").inner_text()
    )


@pytest.mark.parametrize(
    ("zone", "local", "state"),
    [
        ("UTC", "2026-03-05T12:00", "current"),
        ("UTC", "2026-03-06T00:00", "due-soon"),
        ("UTC", "2026-04-04T23:59", "due-soon"),
        ("UTC", "2026-04-05T00:00", "overdue"),
        # Evening of the 4th in California is already the 5th in UTC: not yet due there.
        ("America/Los_Angeles", "2026-04-04T23:30", "due-soon"),
        ("America/Los_Angeles", "2026-04-05T00:10", "overdue"),
        # Early on the 5th at UTC+14 is still the 4th in UTC: due there all the same.
        ("Pacific/Kiritimati", "2026-04-05T00:30", "overdue"),
    ],
)
def test_state_turns_on_the_readers_own_day(
    site: str, browser: Any, zone: str, local: str, state: str
) -> None:
    page = open_page(browser, site, "tools/amplitude/", zone, local)
    found, text = review_state(page)
    assert found == state
    assert "5 April 2026" in text
    page.context.close()


def test_page_names_the_team_its_contact_and_the_reviewer(site: str, browser: Any) -> None:
    page = open_page(browser, site, "tools/amplitude/", "UTC", "2026-03-01T09:00")
    box = about(page)
    text = box.inner_text()
    assert "Last reviewed: 5 January 2026 by Data" in text
    assert "reviewed every 3 months" in text
    team = box.get_by_role("link", name="Data").first
    assert team.get_attribute("href") == "../../teams/data/"
    assert box.get_by_role("link", name="data@example.org").get_attribute("href") == (
        "mailto:data@example.org"
    )
    page.context.close()


def test_never_reviewed_and_an_owner_that_is_no_team(site: str, browser: Any) -> None:
    page = open_page(browser, site, "roles/product-manager/", "UTC", "2026-03-01T09:00")
    state, text = review_state(page)
    assert (state, text) == ("never-reviewed", "Never reviewed")
    owners = about(page).inner_text()
    assert "@acme/product (not a team of this playbook" in owners
    page.context.close()


def test_process_shows_the_maintaining_team_and_the_accountable_role(
    site: str, browser: Any
) -> None:
    page = open_page(browser, site, "processes/feedback-loop/", "UTC", "2026-03-01T09:00")
    text = about(page).inner_text()
    assert "Page maintained by: Product operations (#product-ops, product-ops@example.org)" in text
    assert re.search(r"Accountable for the outcome \(RACI\): \S", text)
    page.context.close()


def rows(page: Any) -> list[tuple[str, int, str]]:
    cells = page.locator("table td .playbook-review-state")
    found = []
    for index in range(cells.count()):
        cell = cells.nth(index)
        if cell.is_visible():
            row = cell.locator("xpath=ancestor::tr")
            entry = str(row.locator("td").nth(1).inner_text())
            found.append(
                (
                    str(cell.get_attribute("data-state")),
                    int(cell.get_attribute("data-links")),
                    entry,
                )
            )
    return found


def test_health_page_is_worst_first_and_filters_by_team(site: str, browser: Any) -> None:
    page = open_page(browser, site, "health/", "UTC", "2026-04-10T09:00")
    listed = rows(page)
    rank = ["overdue", "never-reviewed", "due-soon", "current"]
    assert [rank.index(s) for s, _, _ in listed] == sorted(rank.index(s) for s, _, _ in listed)
    overdue = [(links, entry) for state, links, entry in listed if state == "overdue"]
    assert sorted(entry for _, entry in overdue) == [
        "Activation rate",
        "Amplitude",
        "Key performance indicator",
    ]
    assert [links for links, _ in overdue] == sorted((links for links, _ in overdue), reverse=True)
    summary = page.locator(".playbook-health-summary").inner_text()
    assert f"{len(listed)} entries, 3 overdue" in summary
    page.select_option("#playbook-health-team", "data")
    data_rows = rows(page)
    assert {entry for _, _, entry in data_rows} >= {"Amplitude", "Activation rate"}
    assert "Product ops manager" not in {entry for _, _, entry in data_rows}
    assert "3 overdue" in page.locator(".playbook-health-summary").inner_text()
    score = page.locator('.playbook-team-score[data-team="data"]').inner_text()
    assert re.fullmatch(r"\d+/100", score)
    assert int(score.split("/")[0]) < 50
    page.context.close()


def test_team_page_lists_what_it_maintains(site: str, browser: Any) -> None:
    page = open_page(browser, site, "teams/product-ops/", "UTC", "2026-03-25T09:00")
    entries = {entry for _, _, entry in rows(page)}
    assert "Product ops manager" in entries and "Amplitude" not in entries
    chat = page.get_by_role("link", name="#product-ops").first
    assert chat.get_attribute("href") == "https://chat.example.org/product-ops"
    page.context.close()
