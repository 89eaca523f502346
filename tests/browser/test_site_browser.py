"""The published site in headless Chromium: home, navigation, search and its facets, RACI, diagrams,
edit links."""

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
"""Generous: CI runs two test workers on two cores."""


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
    field = open_search(visit)
    field.press_sequentially(title, delay=30)  # as a reader types: a search per keystroke
    settled(visit)
    assert shown(visit)[1][0].endswith(f"tools/{tool_id}")
    visit.check_no_errors()


def test_a_two_letter_query_finds_that_word_whole(visit: Visit) -> None:
    # Every entry whose title holds a two-letter word (an abbreviation such as "PM") is found
    # by it; and the word is matched whole, not as the start of longer words.
    model = bundled_model(visit)
    by_word: dict[str, set[str]] = {}
    for entity in model["entities"]:
        for word in re.findall(r"\b[A-Z]{2}\b", entity["title"]):
            by_word.setdefault(word, set()).add(f"/{entity['kind']}/{entity['id']}")
    assert by_word, "the bundled playbook has titles with two-letter words"
    open_search(visit)
    for word, pages in sorted(by_word.items())[:6]:
        found = search_pages(visit, word)
        assert pages & set(found), word
        texts = visit.page.locator(".md-search-result__item mark").all_text_contents()
        whole = re.compile(rf"(?<![a-z]){word}(?![a-z])", re.IGNORECASE)  # "power-bi" holds it
        assert all(whole.search(t) for t in texts), (word, texts)
    visit.check_no_errors()


def test_a_one_word_query_is_answered_by_the_top_answers_and_more_words_by_pagefind(
    visit: Visit,
) -> None:
    model = bundled_model(visit)
    process = next(e for e in model["entities"] if e["kind"] == "processes")
    first, second, *_ = [*re.findall(r"[a-z]{4,}", process["title"].lower()), "process"]
    requested: list[str] = []
    visit.page.on("request", lambda request: requested.append(urlsplit(request.url).path))
    open_search(visit)
    pages = search_pages(visit, first[:-1])  # a word being typed: the start of one
    assert pages and shown(visit)[0] >= len(pages)
    marks = visit.page.locator(".md-search-result__item mark").all_text_contents()
    assert all(m.lower().startswith(first[:-1]) for m in marks), marks
    assert any("/pagefind/answers/" in path for path in requested)
    # The list of files comes with the page (preloaded), and that one request is all it takes.
    assert len([path for path in requested if path.endswith("/answers/files.json")]) == 1
    pagefinds = (".pf_index", ".pf_fragment")
    assert not [path for path in requested if path.endswith(pagefinds)]
    pages = search_pages(visit, f"{first} {second}")
    assert pages and [path for path in requested if path.endswith(pagefinds)]
    # In its worker: ranking a common word there does not hold up the reader's keystrokes.
    assert "/pagefind/pagefind-worker.js" in requested
    visit.check_no_errors()


PAGEFIND_COUNT = """async (query) => {
  const pagefind = await import(new URL("pagefind/pagefind.js", document.baseURI).href);
  return (await pagefind.search(query)).results.length;
}"""
"""How many pages Pagefind itself finds for a query, asked apart from the search box."""


PAGEFIND_TOP = """async (query) => {
  const pagefind = await import(new URL("pagefind/pagefind.js", document.baseURI).href);
  const found = await pagefind.search(query);
  const best = await Promise.all(found.results.slice(0, 3).map(async (r) => (await r.data()).url));
  return [found.results.length, best];
}"""
"""Pagefind's own count and three best pages for a query, asked apart from the search box."""


def test_the_top_answers_count_and_rank_as_pagefind_does(visit: Visit) -> None:
    # A one-word query is answered from the top answers; opening the filters (or adding a
    # word) hands it to Pagefind. For nearly every word of the playbook's titles the two must
    # agree on how many entries match, and the box's first answer be among Pagefind's best
    # three.
    model = bundled_model(visit)
    title_words = {
        w for e in model["entities"] for w in re.findall(r"[a-z]{3,}", e["title"].lower())
    }
    sample = sorted(title_words)[::5]
    open_search(visit)
    counted, first = [], []
    for word in sample:
        pages = search_pages(visit, word)
        count, best = visit.page.evaluate(PAGEFIND_TOP, word)
        counted.append(shown(visit)[0] == count)
        first.append(bool(pages) and pages[0] in [urlsplit(u).path.rstrip("/") for u in best])
    assert sum(counted) >= 0.9 * len(sample), [
        w for w, c in zip(sample, counted, strict=True) if not c
    ]
    assert sum(first) >= 0.85 * len(sample), [
        w for w, f in zip(sample, first, strict=True) if not f
    ]
    visit.check_no_errors()


def test_a_last_word_of_a_letter_or_two_is_searched_once_the_reader_pauses(visit: Visit) -> None:
    # Such a start matches nearly every page, so the search waits for the next keystroke; when
    # none comes, what the box holds is answered all the same.
    model = bundled_model(visit)
    process = next(e for e in model["entities"] if e["kind"] == "processes")
    first = re.findall(r"[a-z]{4,}", process["title"].lower())[0]
    open_search(visit)
    for short in ("a", "th"):
        query = f"{first} {short}"
        pages = search_pages(visit, query)
        assert pages and shown(visit)[0] == visit.page.evaluate(PAGEFIND_COUNT, query), query
    visit.check_no_errors()


def test_a_word_of_a_script_written_without_spaces_is_left_to_pagefind(visit: Visit) -> None:
    # "产品" can be inside a longer run of Han letters, which no start of a word finds: the
    # top answers hold no such keys, so their lacking it would not mean no entry holds it.
    # Pagefind is asked instead, and the top answers' files are not.
    requested: list[str] = []
    visit.page.on("request", lambda request: requested.append(urlsplit(request.url).path))
    open_search(visit)
    for query in ("产品", "ソフト", "ผลิตภัณฑ์"):
        requested.clear()
        search_pages(visit, query)
        assert not [path for path in requested if "/answers/" in path], query
        assert shown(visit)[0] == 0, query  # the bundled playbook is in English
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


# --- search (Pagefind, assets/javascripts/playbook-search.js) ---------------------------

REPOSITORY_FACTS = "https://api.github.com/repos/example-org/playbook"
"""Material asks the host of `repo_url` for its stars and version: the one request that leaves
the site, the theme's own, refused here like any other."""


def bundled_model(visit: Visit) -> dict[str, Any]:
    with urllib.request.urlopen(visit.base + "playbook.json", timeout=30) as response:
        model: dict[str, Any] = json.load(response)
    return model


def open_search(visit: Visit) -> Any:
    """Open the home page's search box; give its field."""
    visit.go("")
    field = visit.page.locator("input.md-search__input")
    field.click()
    return field


def settled(visit: Visit) -> None:
    """Wait until the results shown answer what the box and the facets hold."""
    visit.page.wait_for_function(
        "document.querySelector('[data-playbook-search]').dataset.state === 'done'"
    )


def shown(visit: Visit) -> tuple[int, list[str]]:
    """Give the count of matching entries the box reports and the pages it lists, in order."""
    meta = str(visit.page.locator(".md-search-result__meta").inner_text())
    count = 0 if meta.startswith("No ") else int(re.sub(r"\D", "", meta) or -1)
    hrefs = visit.page.eval_on_selector_all(
        ".md-search-result__item > a", "els => els.map(e => e.getAttribute('href'))"
    )
    return count, [urlsplit(h).path.rstrip("/") for h in hrefs if h]


def search_pages(visit: Visit, query: str) -> list[str]:
    """Search for `query` in the open box; give the result pages in rank order."""
    visit.page.locator("input.md-search__input").fill(query)
    settled(visit)
    return shown(visit)[1]


def choose(visit: Visit, facet: str, value: str) -> None:
    """Open the filters if they are closed and choose `value` of `facet` ("" for any)."""
    facets = visit.page.locator(".playbook-facets")
    if not facets.evaluate("details => details.open"):
        facets.locator("summary").click()
    visit.page.locator(f"select[name={facet}]").select_option(value)
    settled(visit)


def option_counts(visit: Visit, facet: str) -> dict[str, int]:
    """Give value -> the count its option shows."""
    labels = visit.page.eval_on_selector_all(
        f"select[name={facet}] option", "els => els.map(e => [e.value, e.textContent])"
    )
    counts = {}
    for value, label in labels:
        if value:
            found = re.search(r"\((\d+)\)$", label)
            assert found, label
            counts[value] = int(found.group(1))
    return counts


def test_search_finds_every_entry_in_the_top_three_by_its_title(visit: Visit) -> None:
    model = bundled_model(visit)
    open_search(visit)
    misses = []
    for entity in model["entities"]:
        pages = search_pages(visit, entity["title"])
        if not any(page.endswith(f"/{entity['kind']}/{entity['id']}") for page in pages[:3]):
            misses.append(f"{entity['title']!r} -> {pages[:3]}")
    assert misses == [], "\n".join(misses)
    assert [url for url in visit.external if not url.startswith(REPOSITORY_FACTS)] == []
    visit.check_no_errors()


def test_keyboard_opens_a_result_and_its_page_marks_the_words(visit: Visit) -> None:
    model = bundled_model(visit)
    process = next(e for e in model["entities"] if e["kind"] == "processes")
    visit.go("")
    visit.page.keyboard.press("/")
    field = visit.page.locator("input.md-search__input")
    assert field.evaluate("input => input === document.activeElement")
    assert visit.page.locator("#__search").is_checked()
    visit.page.keyboard.type(process["title"], delay=20)
    settled(visit)
    visit.page.keyboard.press("ArrowDown")
    first = visit.page.locator(".md-search-result__item > a").first
    assert first.get_attribute("aria-selected") == "true"
    assert first.evaluate("link => link === document.activeElement")
    visit.page.keyboard.press("Enter")
    visit.page.wait_for_url(f"**/processes/{process['id']}/?h=*")
    assert heading(visit) == process["title"]
    words = {w.casefold() for w in process["title"].split() if len(w) > 1}
    # Text contents, not inner texts: marks in folded sections are hidden but still marked.
    marked = visit.page.locator("article mark[data-md-highlight]").all_text_contents()
    assert marked and {m.casefold() for m in marked} <= words
    assert words & {m.casefold() for m in marked} == words  # every word of the query is marked
    # Escape closes the box again.
    visit.page.keyboard.press("/")
    assert visit.page.locator("#__search").is_checked()
    visit.page.keyboard.press("Escape")
    assert not visit.page.locator("#__search").is_checked()
    visit.check_no_errors()


def test_a_page_opened_without_a_search_marks_nothing(visit: Visit) -> None:
    visit.go("processes/")
    visit.page.locator("article li a").first.click()
    visit.page.wait_for_url("**/processes/*/")
    visit.page.wait_for_load_state("load")
    assert visit.page.locator("article mark").count() == 0
    visit.check_no_errors()


def test_facets_browse_with_an_empty_query_and_combine(visit: Visit) -> None:
    model = bundled_model(visit)
    entities = model["entities"]
    processes = {f"/processes/{e['id']}" for e in entities if e["kind"] == "processes"}
    roles = {e["id"]: e["title"] for e in entities if e["kind"] == "roles"}
    accountable: dict[str, set[str]] = {}
    for entity in entities:
        for role, letter in (entity["fields"].get("raci") or {}).items():
            if letter == "A":
                accountable.setdefault(role, set()).add(f"/{entity['kind']}/{entity['id']}")
    role = max(sorted(accountable), key=lambda r: len(accountable[r]))
    open_search(visit)
    visit.page.locator(".playbook-facets summary").click()
    visit.page.locator("select[name=kind]").wait_for()
    # Before any query, each value shows how many entries it holds.
    kinds = Counter(e["kind"] for e in entities)
    assert sum(option_counts(visit, "kind").values()) == len(entities)
    assert option_counts(visit, "kind")["Processes"] == kinds["processes"]
    assert sum(option_counts(visit, "review").values()) == len(entities)
    # "Every process the <role> is Accountable for": an empty query and two facets.
    choose(visit, "kind", "Processes")
    count, pages = shown(visit)
    assert count == len(processes) and pages and set(pages) <= processes
    # The chosen facet still shows its other values, counted without it.
    assert sum(option_counts(visit, "kind").values()) == len(entities)
    choose(visit, "raci", f"{roles[role]}: A")
    expected = accountable[role] & processes
    count, pages = shown(visit)
    assert count == len(expected) >= 1
    assert set(pages) <= expected and len(pages) == min(count, 10)
    # The other facets count what the chosen ones leave.
    assert option_counts(visit, "raci")[f"{roles[role]}: A"] == len(expected)
    assert sum(option_counts(visit, "review").values()) == len(expected)
    # A review state no entry is in leaves nothing (the bundled entries are all current).
    assert option_counts(visit, "review")["overdue"] == 0
    choose(visit, "review", "overdue")
    assert shown(visit) == (0, [])
    choose(visit, "review", "")
    # A kind the schemas make a facet (the pillars): the entries whose fields name the pillar.
    choose(visit, "raci", "")
    choose(visit, "kind", "")
    pillar = next(e for e in entities if e["kind"] == "pillars")
    naming = {
        f"/{e['kind']}/{e['id']}"
        for e in entities
        if pillar["id"] in (e["fields"].get("pillars") or [])
    }
    assert option_counts(visit, "pillars")[pillar["title"]] == len(naming) >= 1
    choose(visit, "pillars", pillar["title"])
    count, pages = shown(visit)
    assert count == len(naming) and set(pages) <= naming
    choose(visit, "pillars", "")
    choose(visit, "kind", "Processes")
    # With a query, the facets narrow its results; "any" widens them again.
    choose(visit, "raci", "")
    visit.page.locator("input.md-search__input").fill("roadmap")
    settled(visit)
    narrowed, pages = shown(visit)
    assert narrowed >= 1 and set(pages) <= processes
    choose(visit, "kind", "")
    widened, pages = shown(visit)
    assert widened > narrowed and not set(pages) <= processes
    visit.check_no_errors()


def test_search_says_so_when_its_index_cannot_be_loaded(visit: Visit) -> None:
    visit.page.route("**/pagefind/**", lambda request_route: request_route.abort())
    field = open_search(visit)
    field.fill("roadmap")
    settled(visit)
    meta = visit.page.locator(".md-search-result__meta").inner_text()
    assert meta.startswith("Search is not available")
    assert shown(visit)[1] == []
    assert not [e for e in visit.errors if e.startswith("page error")]  # no unhandled failure
