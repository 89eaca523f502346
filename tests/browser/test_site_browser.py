"""The published site in headless Chromium: home, navigation, search, RACI, diagrams, edit links."""

from __future__ import annotations

import json
import os
import re
import shutil
import sys
import urllib.request
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from conftest import run_playbook
from sitekit import REPO_URL, ROOT, make_site_repo, serve_folder

sys.path.insert(0, str(ROOT))  # benchmarks/ is a folder of the repository, not an installed package

from benchmarks.probe import CHROMIUM, CHROMIUM_ARGS

pytestmark = pytest.mark.browser

TIMEOUT_MS = 60_000
"""Generous: CI runs two test workers on two cores while the search worker indexes the site."""


def missing(what: str) -> None:
    """Fail in CI, where every browser test must run; skip on a developer machine."""
    if os.environ.get("CI") == "true":
        pytest.fail(f"{what} (CI=true: browser tests must run)")
    pytest.skip(what)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Build the bundled playbook (or the small fixture while it does not validate) and serve it."""
    base = tmp_path_factory.mktemp("browser")
    bundled = run_playbook("--root", str(ROOT), "validate", "--no-context")
    if bundled.returncode == 0:
        repo = base / "repo"
        for folder in ("playbook", "schemas", "site_templates"):
            shutil.copytree(ROOT / folder, repo / folder)
        shutil.copy(ROOT / "mkdocs.yml", repo / "mkdocs.yml")
    else:
        repo = make_site_repo(base / "repo")
    result = run_playbook("--root", str(repo), "build", env={"NO_MKDOCS_2_WARNING": "1"})
    assert result.returncode == 0, result.stdout + result.stderr
    with serve_folder(repo / "site") as base:
        yield base


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).is_file():
        missing(f"Chromium is not installed at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield instance
        finally:
            instance.close()


@dataclass
class Visit:
    """A browser page on the local site, with the errors it reported."""

    page: Any
    base: str
    errors: list[str] = field(default_factory=list)
    external: list[str] = field(default_factory=list)
    """Requests that left the site (all refused): the site must work without them."""

    def go(self, path: str) -> None:
        self.page.goto(self.base + path, wait_until="load")

    def check_no_errors(self) -> None:
        assert self.errors == []


# Material swaps each diagram into a closed shadow root; open ones let the test see the svg.
OPEN_SHADOW_ROOTS = """
const attach = Element.prototype.attachShadow;
Element.prototype.attachShadow = function (init) {
  return attach.call(this, {...init, mode: "open"});
};
"""


@pytest.fixture
def visit(site: str, browser: Any) -> Iterator[Visit]:
    context = browser.new_context()
    context.add_init_script(OPEN_SHADOW_ROOTS)
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    visit = Visit(page, site)

    def route(request_route: Any) -> None:
        url = request_route.request.url
        if url.startswith(site):
            request_route.continue_()
        else:
            visit.external.append(url)
            request_route.abort()  # no network: repository facts and the like are not fetched

    def console(message: Any) -> None:
        location = str(message.location.get("url", ""))
        external = bool(location) and not location.startswith(site)
        if message.type == "error" and not external and "net::ERR_FAILED" not in message.text:
            visit.errors.append(f"{location}: {message.text}")

    page.route("**/*", route)
    page.on("console", console)
    page.on("pageerror", lambda error: visit.errors.append(f"page error: {error}"))
    try:
        yield visit
    finally:
        context.close()


def heading(visit: Visit) -> str:
    """Give the page's title as shown, without the permalink sign."""
    return str(visit.page.locator("article h1").first.inner_text()).replace("¶", "").strip()


def test_home_page_renders(visit: Visit) -> None:
    visit.go("")
    assert heading(visit) == "Product Operations Playbook"
    assert visit.page.locator(".md-nav--primary").get_by_text("Processes").count() >= 1
    visit.check_no_errors()


def test_navigation_reaches_a_role_and_a_process(visit: Visit) -> None:
    visit.go("")
    for section in ("Roles", "Processes"):
        visit.page.locator(".md-nav--primary .md-nav__link", has_text=section).first.click()
        visit.page.wait_for_url(f"**/{section.lower()}/")
        entry = visit.page.locator("article li a").first
        title = entry.inner_text()
        entry.click()
        visit.page.wait_for_url(f"**/{section.lower()}/*/")
        assert heading(visit) == title
    visit.check_no_errors()


def most_used_tool(base: str) -> tuple[str, str]:
    """Give (id, title) of the tool most process steps use: the hardest one to rank first."""
    with urllib.request.urlopen(base + "playbook.json", timeout=30) as response:
        model = json.load(response)
    uses: Counter[str] = Counter()
    for entity in model["entities"]:
        if entity["kind"] == "processes":
            for step in entity["fields"].get("steps", []):
                uses.update(step.get("tools", []))
    titles = {e["id"]: e["title"] for e in model["entities"] if e["kind"] == "tools"}
    tool_id = max(titles, key=lambda t: (uses[t], t))
    return tool_id, titles[tool_id]


def test_search_puts_the_tools_page_first(visit: Visit) -> None:
    tool_id, title = most_used_tool(visit.base)
    visit.go("")
    search = visit.page.locator("input.md-search__input")
    search.click()
    # Typing before the search worker has built its index would never show results.
    visit.page.locator(".md-search-result__meta", has_text="Type to start searching").wait_for()
    search.press_sequentially(title, delay=30)  # Material searches on key events, not `fill`
    first = visit.page.locator(".md-search-result__item > a").first
    first.wait_for()
    assert urlsplit(first.get_attribute("href") or "").path.rstrip("/").endswith(f"tools/{tool_id}")
    visit.check_no_errors()


def test_raci_matrix_renders(visit: Visit) -> None:
    visit.go("raci-matrix/")
    table = visit.page.locator("article table").first
    assert table.locator("th").first.inner_text() == "Process"
    assert table.locator("tbody tr").count() >= 1
    # A string `has_text` matches any cell containing an "a"; a RACI letter is the whole cell.
    assert table.locator("tbody td", has_text=re.compile(r"^\s*A\s*$")).count() >= 1
    visit.check_no_errors()


def test_process_diagram_renders_and_edit_link_opens_the_source(visit: Visit) -> None:
    visit.go("processes/")
    visit.page.locator("article li a").first.click()
    visit.page.wait_for_url("**/processes/*/")
    process_id = visit.page.url.rstrip("/").rsplit("/", 1)[1]
    diagram = visit.page.locator("div.mermaid svg")
    diagram.first.wait_for()
    assert visit.page.locator("div.mermaid svg .node").count() >= 1
    edit = visit.page.locator("a.md-content__button[href*='/edit/']")
    assert edit.get_attribute("href") == f"{REPO_URL}/edit/main/playbook/processes/{process_id}.yml"
    visit.check_no_errors()


def search_pages(visit: Visit, query: str) -> list[str]:
    """Type a query and give the distinct result pages in rank order, once the list settles."""
    search = visit.page.locator("input.md-search__input")
    search.fill("")
    search.press_sequentially(query, delay=20)
    previous: list[str] = []
    for _ in range(40):  # results follow keystrokes: wait until two readings agree
        visit.page.wait_for_timeout(250)
        hrefs = visit.page.eval_on_selector_all(
            ".md-search-result__item > a", "els => els.map(e => e.getAttribute('href'))"
        )
        pages = list(dict.fromkeys(urlsplit(h).path.rstrip("/") for h in hrefs if h))
        if pages and pages == previous:
            return pages
        previous = pages
    return previous


def test_search_finds_an_entry_of_every_kind_in_the_top_three(visit: Visit) -> None:
    with urllib.request.urlopen(visit.base + "playbook.json", timeout=30) as response:
        model = json.load(response)
    first_of_kind: dict[str, dict[str, Any]] = {}
    for entity in model["entities"]:
        first_of_kind.setdefault(entity["kind"], entity)
    visit.go("")
    visit.page.locator("input.md-search__input").click()
    visit.page.locator(".md-search-result__meta", has_text="Type to start searching").wait_for()
    misses = []
    for kind, entity in sorted(first_of_kind.items()):
        pages = search_pages(visit, entity["title"])
        if not any(page.endswith(f"/{kind}/{entity['id']}") for page in pages[:3]):
            misses.append(f"{entity['title']!r} -> {pages[:3]}")
    assert misses == []
    visit.check_no_errors()
