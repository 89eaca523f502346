"""Reading the bundled site in headless Chromium on a laptop and a phone, light and dark:
templates people can use, wayfinding, folded page details, and no serious axe-core finding."""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from test_site_browser import TIMEOUT_MS, Visit, browser, site  # noqa: F401 (fixtures)

pytestmark = pytest.mark.browser

VIEWPORTS = {"laptop": (1366, 900), "phone": (390, 844)}


@pytest.fixture(scope="module")
def model(site: str) -> dict[str, Any]:  # noqa: F811
    with urllib.request.urlopen(site + "playbook.json", timeout=30) as response:
        result: dict[str, Any] = json.load(response)
    return result


def entities(model: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [e for e in model["entities"] if e["kind"] == kind]


def open_visit(browser: Any, site: str, viewport: str, scheme: str = "light") -> Visit:  # noqa: F811
    width, height = VIEWPORTS[viewport]
    context = browser.new_context(
        viewport={"width": width, "height": height},
        color_scheme=scheme,
        has_touch=viewport == "phone",
        is_mobile=viewport == "phone",
    )
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    visit = Visit(page, site)

    def route(request_route: Any) -> None:
        if request_route.request.url.startswith(site):
            request_route.continue_()
        else:
            visit.external.append(request_route.request.url)
            request_route.abort()

    page.route("**/*", route)
    page.on("pageerror", lambda error: visit.errors.append(f"page error: {error}"))
    # Requests that would leave the site are refused above; the console reports each refusal.
    page.on(
        "console",
        lambda m: (
            visit.errors.append(f"{m.location.get('url', '')}: {m.text}")
            if m.type == "error" and "net::ERR_FAILED" not in m.text
            else None
        ),
    )
    return visit


@pytest.fixture(params=sorted(VIEWPORTS))
def reader(request: pytest.FixtureRequest, site: str, browser: Any) -> Iterator[Visit]:  # noqa: F811
    visit = open_visit(browser, site, request.param)
    try:
        yield visit
    finally:
        visit.page.context.close()


def article_text(visit: Visit) -> str:
    return str(visit.page.locator("article").inner_text())


def catalogue_links(visit: Visit, kind: str) -> list[str]:
    """Give the entry pages a catalogue lists, in its order, as site paths."""
    visit.go(f"{kind}/")
    hrefs = visit.page.eval_on_selector_all(
        "article li a", "els => els.map(e => new URL(e.href).pathname)"
    )
    return [h for h in dict.fromkeys(hrefs) if re.fullmatch(rf"/{kind}/[^/]+/", h)]


# Templates people can use


def test_every_task_list_is_checkboxes_named_by_their_item(reader: Visit, model: Any) -> None:
    with_tasks = [e for e in entities(model, "templates") if "- [ ]" in e.get("body", "")]
    assert with_tasks, "the bundled templates have checklists"
    for template in with_tasks:
        reader.go(f"templates/{template['id']}/")
        boxes = reader.page.locator("article .task-list-item input[type=checkbox]")
        assert boxes.count() == template["body"].count("- [ ]"), template["id"]
        assert "[ ]" not in article_text(reader), template["id"]
        first = boxes.first
        name = first.get_attribute("aria-label") or ""
        item = first.locator("xpath=ancestor::li[1]").inner_text()
        assert name and name in " ".join(item.split()), template["id"]
    box = reader.page.locator("article .task-list-item input[type=checkbox]").first
    box.check(force=True)  # the theme hides the input and draws the box in its place
    assert box.is_checked()
    reader.check_no_errors()


def test_template_downloads_as_markdown_with_links_to_the_site(reader: Visit, model: Any) -> None:
    template = next(e for e in entities(model, "templates") if e["id"] == "launch-checklist")
    reader.go("templates/launch-checklist/")
    link = reader.page.get_by_role("link", name="Download as Markdown")
    with reader.page.expect_download() as event:
        link.click()
    download = event.value
    assert download.suggested_filename == "launch-checklist.md"
    text = Path(download.path()).read_text(encoding="utf-8")
    assert text.startswith(f"# {template['title']}\n")
    assert "- [ ] All stories accepted against acceptance criteria" in text
    # Links reach the published pages, not the source files the page was written from.
    assert "(https://playbook.example.org/processes/launch-readiness/)" in text
    assert ".yml)" not in text
    reader.check_no_errors()


def test_template_markdown_is_copied_with_the_copy_button(site: str, browser: Any) -> None:  # noqa: F811
    visit = open_visit(browser, site, "laptop")
    visit.page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    visit.go("templates/launch-checklist/")
    with urllib.request.urlopen(site + "templates/launch-checklist.md.txt") as response:
        expected = response.read().decode("utf-8")
    visit.page.locator(".playbook-download summary").click()
    block = visit.page.locator(".playbook-download pre")
    block.hover()
    block.locator("button[data-md-type=copy]").click()
    copied = visit.page.evaluate("navigator.clipboard.readText()")
    assert copied.strip() == expected.strip()
    visit.check_no_errors()
    visit.page.context.close()


# Reader pages without contributor details


def test_contributor_details_are_folded_at_the_end_and_kept_out_of_search(
    reader: Visit, model: Any
) -> None:
    term = entities(model, "glossary")[0]
    reader.go(f"glossary/{term['id']}/")
    details = reader.page.locator("article details.playbook-review")
    assert details.count() == 1
    assert details.get_attribute("open") is None
    assert details.get_attribute("data-search-exclude") is not None
    assert details.get_attribute("data-pagefind-ignore") is not None
    before = reader.page.evaluate(
        """() => {
        const details = document.querySelector("article details.playbook-review");
        const range = document.createRange();
        range.setStartBefore(document.querySelector("article h1"));
        range.setEndBefore(details);
        return range.toString();
    }"""
    )
    assert term["title"] in before
    for label in ("Id:", "Page maintained by", "Created:", "Last reviewed"):
        assert label not in before
    index = site_search_index(reader.base)
    if index is not None:  # the theme's own search: the page's text starts with its content
        text = next(d["text"] for d in index["docs"] if d["location"] == f"glossary/{term['id']}/")
        assert "Id:" not in text and "Maintained by" not in text
    details.locator("summary").click()
    opened = details.inner_text()
    assert f"Id: {term['kind']}/{term['id']}" in opened
    assert "Page maintained by:" in opened
    reader.check_no_errors()


def site_search_index(base: str) -> dict[str, Any] | None:
    """Give the theme's search index, or None when the site searches another way."""
    try:
        with urllib.request.urlopen(base + "search/search_index.json", timeout=30) as response:
            index: dict[str, Any] = json.load(response)
    except urllib.error.HTTPError:
        return None
    return index


# Wayfinding


def test_entry_page_shows_breadcrumbs_its_catalogue_and_its_neighbours(reader: Visit) -> None:
    order = catalogue_links(reader, "roles")
    assert len(order) >= 3
    reader.go(order[1].lstrip("/"))
    crumbs = reader.page.locator("nav.md-path a")
    assert [" ".join(t.split()) for t in crumbs.all_inner_texts()] == ["Home", "Roles"]
    assert crumbs.nth(1).evaluate("e => new URL(e.href).pathname") == "/roles/"
    active = reader.page.locator(".md-nav--primary .md-nav__item--active > a.md-nav__link")
    assert [" ".join(t.split()) for t in active.all_text_contents()] == ["Roles"]
    previous = reader.page.locator("a.md-footer__link--prev")
    following = reader.page.locator("a.md-footer__link--next")
    assert previous.evaluate("e => new URL(e.href).pathname") == order[0]
    assert following.evaluate("e => new URL(e.href).pathname") == order[2]
    following.click()
    reader.page.wait_for_url(f"**{order[2]}")
    reader.check_no_errors()


@pytest.mark.parametrize(("kind", "noun"), [("glossary", "terms"), ("faq", "questions")])
def test_glossary_and_faq_are_filed_a_to_z_with_a_counted_intro(
    reader: Visit, model: Any, kind: str, noun: str
) -> None:
    listed = entities(model, kind)
    reader.go(f"{kind}/")
    assert f"{len(listed)} {noun}. Each links to its page." in article_text(reader)
    letters = reader.page.locator("nav.playbook-az a")
    initials = sorted({e["title"][0].upper() for e in listed})
    assert letters.all_inner_texts() == initials
    middle = len(initials) // 2
    letter = letters.nth(middle)
    target = letter.get_attribute("href") or ""
    letter.click()
    reader.page.wait_for_url(f"**/{kind}/{target}")
    heading = reader.page.locator(f"article h2{target}")
    assert heading.inner_text().replace("¶", "").strip() == initials[middle]
    top = heading.evaluate("e => e.getBoundingClientRect().top")
    assert 0 <= top < VIEWPORTS["phone"][1] / 2, "the letter's heading is scrolled into view"
    filed = heading.locator("xpath=following-sibling::ul[1]/li/a").all_inner_texts()
    assert filed and all(title[0].upper() == initials[middle] for title in filed)
    reader.check_no_errors()


def test_tags_page_fits_and_a_tag_link_opens_its_tag(reader: Visit) -> None:
    reader.go("tags/")
    height = reader.page.evaluate("document.documentElement.scrollHeight")
    assert height < 2500, f"the tags page is {height} px long"
    reader.go("guides/using-this-playbook/")
    tag = reader.page.locator("article a[href*='tags/#']").first
    name = (tag.get_attribute("href") or "").rsplit("#", 1)[1]
    tag.click()
    reader.page.wait_for_url(f"**/tags/#{name}")
    opened = reader.page.locator("details.playbook-tag[open]")
    assert opened.count() == 1
    assert opened.locator("summary").inner_text().startswith(name)
    assert opened.get_by_role("link", name="Using this playbook").is_visible()
    reader.check_no_errors()


def test_not_found_page_offers_search_and_the_catalogues(reader: Visit) -> None:
    reader.go("404.html")
    assert reader.page.locator("article h1").inner_text() == "Page not found"
    catalogues = reader.page.locator(".playbook-404-catalogues a")
    assert "Roles" in catalogues.all_inner_texts() and "Glossary" in catalogues.all_inner_texts()
    for href in catalogues.evaluate_all("els => els.map(e => e.href)"):
        with urllib.request.urlopen(href) as response:
            assert response.status == 200
    reader.page.get_by_role("searchbox", name="Search the playbook").fill("roadmap")
    reader.page.get_by_role("button", name="Search").click()
    reader.page.wait_for_url("**/?q=roadmap")
    assert reader.page.locator("input.md-search__input").input_value() == "roadmap"
    reader.check_no_errors()


def test_abbreviation_shows_its_meaning_on_tap_or_hover(reader: Visit) -> None:
    reader.go("processes/kpi-monitoring/")
    abbreviation = reader.page.locator("article abbr").first
    meaning = abbreviation.get_attribute("title")
    assert meaning
    if reader.page.viewport_size["width"] < 600:
        abbreviation.tap()
    else:
        abbreviation.hover()
    tooltip = reader.page.locator(".md-tooltip2--active")
    tooltip.wait_for()
    assert tooltip.inner_text().strip() == meaning
    reader.check_no_errors()


def test_numbered_steps_stay_one_list(reader: Visit) -> None:
    reader.go("guides/using-this-playbook/")
    steps = reader.page.locator("h2#proposing-a-change ~ ol").first.locator(":scope > li")
    assert steps.count() == 5
    assert steps.nth(3).inner_text().startswith("Open a pull request")
    assert steps.nth(4).inner_text().startswith("Merge")


# Accessibility

PAGE_TYPES = {
    "home": "",
    "catalogue": "processes/",
    "glossary catalogue": "glossary/",
    "role": "roles/product-manager/",
    "pillar": "pillars/data-analysis-and-insights/",
    "process": "processes/launch-readiness/",
    "tool": "tools/jira/",
    "framework": "frameworks/rice-scoring/",
    "metric": "metrics/cycle-time/",
    "template": "templates/launch-checklist/",
    "guide": "guides/using-this-playbook/",
    "question": "faq/what-is-product-ops/",
    "term": "glossary/okr/",
    "team": "teams/product-ops/",
    "raci": "raci-matrix/",
    "tags": "tags/",
    "changelog": "changelog/",
    "health": "health/",
    "reference": "contributor-reference/",
    "not found": "404.html",
}


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("viewport", sorted(VIEWPORTS))
def test_no_serious_accessibility_violation_on_any_page_type(
    site: str,  # noqa: F811
    browser: Any,  # noqa: F811
    viewport: str,
    scheme: str,
) -> None:
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    visit = open_visit(browser, site, viewport, scheme)
    found = []
    for name, path in PAGE_TYPES.items():
        visit.go(path)
        visit.page.locator("[data-md-color-scheme]").first.wait_for(state="attached")
        results = axe.run(visit.page)
        for violation in results.response["violations"]:
            if violation["impact"] in ("serious", "critical"):
                targets = [node["target"] for node in violation["nodes"][:3]]
                found.append(f"{name}: {violation['id']} ({violation['impact']}) at {targets}")
    assert found == []
    visit.page.context.close()
