"""`playbook serve` in a browser: a saved change reloads the page; invalid content shows its
located problems in the page, which comes back by itself once they are fixed."""

from __future__ import annotations

import os
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sitekit import ROOT, make_site_repo, start_preview

sys.path.insert(0, str(ROOT))  # benchmarks/ is a folder of the repository, not an installed package

from benchmarks.probe import CHROMIUM, CHROMIUM_ARGS

pytestmark = pytest.mark.browser

TIMEOUT_MS = 120_000


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=5):
            return True
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return False


@pytest.fixture
def preview(tmp_path: Path) -> Iterator[tuple[Path, str]]:
    """A small playbook served by `playbook serve`; give (root, base URL) once it answers."""
    if not Path(CHROMIUM).is_file():
        if os.environ.get("CI") == "true":
            pytest.fail(f"Chromium is not installed at {CHROMIUM} (CI=true)")
        pytest.skip(f"Chromium is not installed at {CHROMIUM}")
    repo = make_site_repo(tmp_path / "repo")
    process, base = start_preview(repo)
    try:
        deadline = time.monotonic() + TIMEOUT_MS / 1000
        while not _answers(base):
            assert process.poll() is None, "playbook serve stopped"
            assert time.monotonic() < deadline, "playbook serve never answered"
            time.sleep(0.3)
        yield repo, base
    finally:
        process.terminate()
        process.wait(timeout=30)


@pytest.fixture
def page(preview: tuple[Path, str]) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser.new_page(viewport={"width": 1366, "height": 900})
        finally:
            browser.close()


def _shows(page: Any, text: str) -> None:
    page.wait_for_function(
        "text => document.body && document.body.innerText.includes(text)",
        arg=text,
        timeout=TIMEOUT_MS,
        polling=200,
    )


def test_the_open_page_follows_saves_problems_and_their_fix(
    preview: tuple[Path, str], page: Any
) -> None:
    repo, base = preview
    tool = repo / "playbook" / "tools" / "amplitude.yml"
    good = tool.read_text(encoding="utf-8")
    page.goto(base + "tools/amplitude/")
    _shows(page, "Product analytics for events")

    tool.write_text(good.replace("Product analytics", "Saved analytics"), encoding="utf-8")
    _shows(page, "Saved analytics for events")  # reloaded by itself: the test never navigates

    tool.write_text(good + "broken: [\n", encoding="utf-8")
    _shows(page, "The playbook has problems")
    shown = page.inner_text("body")
    assert "playbook/tools/amplitude.yml:" in shown and "error[yaml-syntax]" in shown
    assert "hint:" in shown

    tool.write_text(good, encoding="utf-8")
    _shows(page, "Product analytics for events")
    assert "The playbook has problems" not in page.inner_text("body")


def _found(page: Any, query: str) -> list[str]:
    """Search the open page for `query` (after a fresh load); give the result addresses."""
    page.reload()
    page.locator("input.md-search__input").fill(query)
    page.wait_for_function(
        "() => document.querySelector('[data-playbook-search]')?.dataset.state === 'done'",
        timeout=TIMEOUT_MS,
    )
    return list(
        page.eval_on_selector_all(
            ".md-search-result__item > a", "els => els.map(e => new URL(e.href).pathname)"
        )
    )


def test_search_follows_a_save(preview: tuple[Path, str], page: Any) -> None:
    repo, base = preview
    tool = repo / "playbook" / "tools" / "amplitude.yml"
    page.goto(base + "tools/amplitude/")
    assert _found(page, "Zyzzogeton") == []
    tool.write_text(
        tool.read_text(encoding="utf-8").replace("Product analytics", "Zyzzogeton analytics"),
        encoding="utf-8",
    )
    _shows(page, "Zyzzogeton analytics for events")
    # The page comes first; the index follows within seconds (it is written after the reload).
    deadline = time.monotonic() + TIMEOUT_MS / 1000
    while (found := _found(page, "Zyzzogeton")) == []:
        assert time.monotonic() < deadline, "the search never found the saved words"
        time.sleep(0.5)
    assert found[0].rstrip("/").endswith("/tools/amplitude")
