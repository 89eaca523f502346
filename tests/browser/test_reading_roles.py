"""Reading the site by role, in headless Chromium on a laptop (1366x900) and a phone (390x844):
the RACI matrix, a role's part, process pages that lead with the steps, the changelog and feed,
and "changed since your last visit"."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import urllib.request
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from conftest import run_playbook
from sitekit import REPO_URL, ROOT, serve_folder
from test_site_browser import OPEN_SHADOW_ROOTS, TIMEOUT_MS, Visit, browser, search_pages, visit

pytestmark = pytest.mark.browser

__all__ = ["browser", "visit"]  # the fixtures, shared with the site's other browser tests

VIEWPORTS = {"laptop": (1366, 900), "phone": (390, 844)}
ATOM = {"a": "http://www.w3.org/2005/Atom"}


# ---- The bundled playbook with a history ------------------------------------------------------

HISTORY = (
    ("2026-01-02T03:04:05+00:00", "Start the playbook", ()),
    # Three schemas in one commit: the changelog names them on one line.
    ("2026-01-05T10:00:00+02:00", "Describe terms, questions and frameworks more plainly",
     ("schemas/glossary.schema.json", "schemas/faq.schema.json", "schemas/frameworks.schema.json")),
    # The latest instant, though the smallest date string: 09:00Z is after 10:00+02:00.
    ("2026-01-05T09:00:00+00:00", "Say what the support and data roles own",
     ("playbook/roles/customer-success-lead.yml", "playbook/roles/data-analyst.yml",
      "playbook/processes/kpi-monitoring.yml")),
)  # fmt: skip


def _edit(path: Path) -> None:
    """Change an entry's summary, or a schema's description, keeping the file valid."""
    if path.suffix == ".json":
        schema = json.loads(path.read_text(encoding="utf-8"))
        schema["description"] += " Read by people who are new to product operations."
        path.write_text(json.dumps(schema, indent=2) + "\n", encoding="utf-8")
        return
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    at = next(n for n, line in enumerate(lines) if line.startswith("summary: "))
    summary = lines[at].removeprefix("summary: ").strip().strip('"')
    lines[at] = f"summary: {json.dumps(summary + ' Updated for this year.')}\n"
    path.write_text("".join(lines), encoding="utf-8")


def history_repo(repo: Path) -> Path:
    """Copy the bundled playbook into a git repository with the commits of HISTORY."""
    for folder in ("playbook", "schemas", "site_templates"):
        shutil.copytree(ROOT / folder, repo / folder)
    shutil.copy(ROOT / "mkdocs.yml", repo / "mkdocs.yml")
    ident = {"GIT_AUTHOR_NAME": "Ann", "GIT_AUTHOR_EMAIL": "ann@example.org",
             "GIT_COMMITTER_NAME": "Ann", "GIT_COMMITTER_EMAIL": "ann@example.org"}  # fmt: skip
    git = partial(subprocess.run, cwd=repo, check=True, capture_output=True)
    git(["git", "init", "-q", "-b", "main"])
    for when, subject, edits in HISTORY:
        for rel in edits:
            _edit(repo / rel)
        env = {**os.environ, **ident, "GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when}
        git(["git", "add", "-A"], env=env)
        git(["git", "commit", "-q", "-m", subject], env=env)
    return repo


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Build the bundled playbook, with a short git history, and serve it."""
    repo = history_repo(tmp_path_factory.mktemp("reading") / "repo")
    result = run_playbook("--root", str(repo), "build", env={"NO_MKDOCS_2_WARNING": "1"})
    assert result.returncode == 0, result.stdout + result.stderr
    with serve_folder(repo / "site") as base:
        yield base


def model(base: str) -> list[dict[str, Any]]:
    with urllib.request.urlopen(base + "playbook.json", timeout=30) as response:
        entities: list[dict[str, Any]] = json.load(response)["entities"]
    return entities


def fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=30) as response:
        return str(response.read().decode("utf-8"))


def sized(visit: Visit, viewport: str) -> Visit:
    width, height = VIEWPORTS[viewport]
    visit.page.set_viewport_size({"width": width, "height": height})
    return visit


def busiest_role(entities: list[dict[str, Any]]) -> tuple[str, list[dict[str, Any]]]:
    """Give the role named in the most RACIs, with those processes: the longest duty list."""
    processes = [e for e in entities if e["kind"] == "processes"]
    roles = [e["id"] for e in entities if e["kind"] == "roles"]
    role = max(roles, key=lambda r: (sum(r in p["fields"]["raci"] for p in processes), r))
    return role, [p for p in processes if role in p["fields"]["raci"]]


# ---- RACI matrix ------------------------------------------------------------------------------

TABLE_BOXES = """() => [...document.querySelectorAll('.playbook-raci')]
    .filter(b => !b.hidden).map(box => {
  const wrap = box.querySelector('.md-typeset__scrollwrap') || box;
  const w = wrap.getBoundingClientRect();
  const heads = [...box.querySelectorAll('thead th')].filter(c => !c.hidden).map(c => {
    const r = c.getBoundingClientRect(), role = c.querySelector('.playbook-raci-role');
    return {text: c.textContent.trim(), left: r.left, right: r.right,
            role: role ? role.dataset.role : null, title: role ? role.title : null,
            href: role && role.querySelector('a') ? role.querySelector('a').href : null};
  });
  return {left: w.left, right: w.right, scroll: wrap.scrollWidth, client: wrap.clientWidth,
          rows: box.querySelectorAll('tbody tr:not([hidden])').length, heads};
})"""


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_raci_matrix_shows_every_role_with_the_process_column_fixed(
    visit: Visit, viewport: str
) -> None:
    sized(visit, viewport).go("raci-matrix/")
    entities = model(visit.base)
    titles = {e["id"]: e["title"] for e in entities if e["kind"] == "roles"}
    named = {r for e in entities if e["kind"] == "processes" for r in e["fields"]["raci"]}
    tables = visit.page.evaluate(TABLE_BOXES)
    assert tables
    shown = {h["role"] for t in tables for h in t["heads"] if h["role"]}
    assert shown == named  # every role any process names has a column
    for table in tables:
        for head in table["heads"][1:]:  # full names, and the role's page, on every column
            assert head["title"] == titles[head["role"]] == head["text"]
            assert urlsplit(head["href"]).path.endswith(f"/roles/{head['role']}/")
        if viewport == "laptop":  # the whole table fits: no role off-screen
            assert table["scroll"] <= table["client"] + 1
            assert table["heads"][-1]["right"] <= table["right"] + 1
    # On a phone the table scrolls sideways under a process column that stays put.
    wide = next(t for t in tables if t["scroll"] > t["client"] + 1) if viewport == "phone" else None
    if wide is not None:
        index = tables.index(wide)
        box = visit.page.locator(".playbook-raci").nth(index)
        first_cell, letter_cell = box.locator("tbody td").nth(0), box.locator("tbody td").nth(1)
        before, letter_before = first_cell.bounding_box(), letter_cell.bounding_box()
        box.locator(".md-typeset__scrollwrap").evaluate("w => { w.scrollLeft = w.scrollWidth; }")
        after, letter_after = first_cell.bounding_box(), letter_cell.bounding_box()
        assert before and after and letter_before and letter_after
        # The letters scroll away under it; the process column stays whole on the screen.
        assert letter_before["x"] - letter_after["x"] > 100
        assert 0 <= after["x"] <= before["x"] and after["x"] + after["width"] <= 390
        last_head = box.locator("thead th").last.bounding_box()
        assert (
            last_head is not None and last_head["x"] + last_head["width"] <= VIEWPORTS["phone"][0]
        )
    visit.check_no_errors()


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_raci_role_chooser_shows_one_roles_part(visit: Visit, viewport: str) -> None:
    sized(visit, viewport).go("raci-matrix/")
    entities = model(visit.base)
    role, processes = busiest_role(entities)
    chooser = visit.page.locator(".playbook-raci-chooser select")
    chooser.select_option(role)
    tables = visit.page.evaluate(TABLE_BOXES)
    assert [h["role"] for t in tables for h in t["heads"]] == [None, role] * len(tables)
    assert sum(t["rows"] for t in tables) == len(processes)  # only the processes it is part of
    for table in tables:
        assert table["scroll"] <= table["client"] + 1  # one role fits on any screen
    letters = visit.page.locator(".playbook-raci tbody tr:not([hidden]) td:not([hidden]) abbr")
    assert letters.count() == len(processes)
    chooser.select_option("")
    again = visit.page.evaluate(TABLE_BOXES)
    assert sum(len(t["heads"]) for t in again) > 2 * len(again)
    visit.check_no_errors()


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_raci_matrix_finds_a_process_by_name(visit: Visit, viewport: str) -> None:
    sized(visit, viewport).go("raci-matrix/")
    processes = [e for e in model(visit.base) if e["kind"] == "processes"]
    word = processes[0]["title"].split()[-1].lower()
    matching = {p["title"] for p in processes if word in p["title"].lower()}
    assert 0 < len(matching) < len(processes)
    visit.page.locator(".playbook-raci-chooser input[type=search]").fill(word.upper())
    rows = visit.page.locator(".playbook-raci tbody tr:not([hidden]) td:first-child")
    assert {rows.nth(i).inner_text() for i in range(rows.count())} == matching
    # A group with no match goes, heading and all.
    headings = visit.page.locator("article h2:visible")
    assert headings.count() == len(visit.page.evaluate(TABLE_BOXES))
    visit.page.locator(".playbook-raci-chooser input[type=search]").fill("no such process")
    assert visit.page.locator("[role=status]").inner_text() == "No process matches."
    assert visit.page.locator(".playbook-raci:visible").count() == 0
    visit.page.locator(".playbook-raci-chooser input[type=search]").fill("")
    assert rows.count() == len(processes)
    visit.check_no_errors()


def test_raci_matrix_is_a_plain_table_without_script(site: str, browser: Any) -> None:
    context = browser.new_context(java_script_enabled=False, viewport={"width": 390, "height": 844})
    try:
        page = context.new_page()
        page.goto(site + "raci-matrix/")
        assert page.locator(".playbook-raci-chooser").count() == 0
        heads = page.locator(".playbook-raci thead .playbook-raci-role")
        named = {r for e in model(site) if e["kind"] == "processes" for r in e["fields"]["raci"]}
        assert {heads.nth(i).get_attribute("data-role") for i in range(heads.count())} == named
        sticky = page.locator(".playbook-raci tbody td").first.evaluate(
            "c => getComputedStyle(c).position"
        )
        assert sticky == "sticky"
    finally:
        context.close()


def test_raci_matrix_is_searchable_and_linked_from_the_raci_entries(visit: Visit) -> None:
    entities = model(visit.base)
    # Found by its title, and by "RACI" with the name of a process or role it lists.
    process = next(e for e in entities if e["kind"] == "processes" and e["fields"].get("raci"))
    role = next(
        e for e in entities if e["kind"] == "roles" and e["id"] in process["fields"]["raci"]
    )
    visit.go("")
    # Beside the framework of that name (which explains it, and links to it).
    assert "/raci-matrix" in search_pages(visit, "RACI matrix")[:3]
    for query in (f"{process['title']} RACI", f"RACI {role['title']}"):
        assert "/raci-matrix" in search_pages(visit, query)[:5], query
    about_raci = [
        e
        for e in entities
        if "RACI" in e["title"].split() or e["fields"].get("abbreviation") == "RACI"
    ]
    assert {e["kind"] for e in about_raci} >= {"glossary", "frameworks"}
    for entity in about_raci:
        visit.go(f"{entity['kind']}/{entity['id']}/")
        link = visit.page.locator("article a[href$='raci-matrix/']").first
        link.click()
        visit.page.wait_for_url("**/raci-matrix/")
    visit.check_no_errors()


# ---- A role's part ----------------------------------------------------------------------------

LETTER_HEADINGS = {
    "A": "Accountable for",
    "R": "Responsible for",
    "C": "Consulted on",
    "I": "Informed of",
}


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_role_page_says_what_its_part_is(visit: Visit, viewport: str) -> None:
    entities = model(visit.base)
    role, processes = busiest_role(entities)
    sized(visit, viewport).go(f"roles/{role}/")
    part = visit.page.evaluate(
        """() => {
      const h2 = [...document.querySelectorAll('article h2')]
        .find(h => h.textContent.startsWith('Part in processes'));
      const groups = []; let node = h2.nextElementSibling, group = null;
      while (node && node.tagName !== 'H2') {
        if (node.tagName === 'H3') {
          const heading = node.textContent.replace('¶', '').trim();
          group = {heading, id: node.id, items: []};
          groups.push(group);
        }
        if (node.tagName === 'UL' && group) {
          for (const li of node.children) {
            const main = li.querySelector('a');
            group.items.push({process: main.href, text: li.textContent,
              steps: [...li.querySelectorAll('li a')].filter(a => a.href.includes('#step-'))
                .map(a => a.href)});
          }
        }
        if (node.tagName === 'P' && group && !group.meaning) group.meaning = node.textContent;
        node = node.nextElementSibling;
      }
      return {top: h2.getBoundingClientRect().top + scrollY, groups,
              overflow: document.scrollingElement.scrollWidth - innerWidth};
    }"""
    )
    expected: dict[str, set[str]] = {}
    for process in processes:
        expected.setdefault(process["fields"]["raci"][role], set()).add(process["id"])
    order = [letter for letter in LETTER_HEADINGS if letter in expected]
    assert [g["heading"] for g in part["groups"]] == [
        f"{LETTER_HEADINGS[letter]} ({len(expected[letter])})" for letter in order
    ]
    for letter, group in zip(order, part["groups"], strict=True):
        assert group["id"] == f"part-{letter.lower()}"
        assert group["meaning"].startswith(f"{letter} (")  # the letter and what it asks
        ids = {
            urlsplit(item["process"]).path.rstrip("/").rsplit("/", 1)[1] for item in group["items"]
        }
        assert ids == expected[letter]
        for item in group["items"]:
            pid = urlsplit(item["process"]).path.rstrip("/").rsplit("/", 1)[1]
            process = next(p for p in processes if p["id"] == pid)
            assert process["fields"]["cadence"].replace("-", " ") in item["text"].lower()
            mine = [
                n
                for n, step in enumerate(process["fields"]["steps"], start=1)
                if step["role"] == role
            ]
            assert [int(s.rsplit("-", 1)[1]) for s in item["steps"]] == mine
            for kind in ("metrics", "templates"):
                if process["fields"].get(kind):
                    assert f"{kind.capitalize()}:" in item["text"]
    assert part["overflow"] <= 0  # nothing wider than the screen
    # A step link lands on that step's heading.
    step = next(s for g in part["groups"] for i in g["items"] for s in i["steps"])
    visit.page.goto(step)
    target = visit.page.locator(f"#{urlsplit(step).fragment}")
    assert target.evaluate("e => e.tagName") == "H3"
    assert re.match(rf"{urlsplit(step).fragment.split('-')[1]}\. ", target.inner_text())
    visit.check_no_errors()


def test_role_page_used_by_does_not_repeat_its_part(visit: Visit) -> None:
    role, processes = busiest_role(model(visit.base))
    visit.go(f"roles/{role}/")
    used = visit.page.evaluate(
        """() => { const h = document.getElementById('used-by'); if (!h) return [];
      return [...h.nextElementSibling.querySelectorAll('a')].map(a => a.href); }"""
    )
    for process in processes:
        assert not any(href.rstrip("/").endswith(f"processes/{process['id']}") for href in used)


# ---- Process pages ----------------------------------------------------------------------------


def longest_process(entities: list[dict[str, Any]]) -> dict[str, Any]:
    processes = [e for e in entities if e["kind"] == "processes"]
    return max(processes, key=lambda p: (len(p["fields"]["steps"]), p["id"]))


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_process_page_leads_with_a_compact_linked_diagram(visit: Visit, viewport: str) -> None:
    process = longest_process(model(visit.base))
    steps = process["fields"]["steps"]
    sized(visit, viewport).go(f"processes/{process['id']}/")
    visit.page.locator("div.mermaid svg").first.wait_for()
    drawn = visit.page.evaluate(
        """() => {
      const svg = document.querySelector('div.mermaid').shadowRoot.querySelector('svg');
      const r = svg.getBoundingClientRect();
      const content = document.querySelector('article').getBoundingClientRect();
      const label = svg.querySelector('.nodeLabel'), natural = svg.viewBox.baseVal.width;
      const links = [...svg.querySelectorAll('a')]
        .map(a => a.getAttribute('xlink:href') || a.getAttribute('href'));
      const title = svg.querySelector('title'), desc = svg.querySelector('desc');
      const heading = id => document.getElementById(id).getBoundingClientRect().top + scrollY;
      return {width: r.width, height: r.height, content: content.width, links,
              text: parseFloat(getComputedStyle(label).fontSize) * r.width / natural,
              labelledby: svg.getAttribute('aria-labelledby'),
              describedby: svg.getAttribute('aria-describedby'),
              title: title && title.textContent, desc: desc && desc.textContent,
              step1: heading('step-1'), raci: heading('who-is-involved-raci'),
              inputs: heading('inputs'), page: document.scrollingElement.scrollHeight,
              overflow: document.scrollingElement.scrollWidth - innerWidth}; }"""
    )
    assert sorted(drawn["links"]) == sorted(f"#step-{n}" for n in range(1, len(steps) + 1))
    assert drawn["title"] == f"Steps of {process['title']}"
    assert drawn["desc"].startswith(f"{len(steps)} steps: 1. ")
    assert drawn["labelledby"] and drawn["describedby"]
    # Left to right in rows: wider than tall, using the column's width, never a tall single file.
    assert drawn["width"] > drawn["height"]
    assert drawn["width"] >= 0.8 * drawn["content"]
    assert drawn["text"] >= 10  # px on the screen: the boxes stay legible, sideways on a phone
    assert drawn["step1"] < drawn["raci"] < drawn["inputs"]  # the steps come before the lists
    assert drawn["step1"] < 0.4 * drawn["page"]
    assert drawn["overflow"] <= 0
    # Each box links to its step: the last one lands on the last step's heading.
    last = visit.page.locator(f'div.mermaid svg a[*|href="#step-{len(steps)}"]')
    last.click()
    visit.page.wait_for_url(f"**#step-{len(steps)}")
    heading = visit.page.locator(f"#step-{len(steps)}")
    box = heading.bounding_box()
    assert box is not None and 0 <= box["y"] < VIEWPORTS[viewport][1]
    assert steps[-1]["name"] in heading.inner_text()
    visit.check_no_errors()


def test_used_by_lists_only_what_the_page_does_not_show(visit: Visit) -> None:
    entities = model(visit.base)
    for kind in ("processes", "tools", "roles", "pillars", "metrics"):
        for entity in [e for e in entities if e["kind"] == kind][:3]:
            visit.go(f"{kind}/{entity['id']}/")
            links = visit.page.evaluate(
                """() => { const used = document.getElementById('used-by');
              const article = document.querySelector('article');
              const here = location.href.split('#')[0];
              const page = a => a.href.split('#')[0];
              // The folded page details at the end (owners, Accountable) are not the content.
              const all = [...article.querySelectorAll('a[href]:not(.headerlink)')]
                .filter(a => page(a) !== here && !a.closest('details.playbook-review'));
              const after = (heading, a) => heading
                && (heading.compareDocumentPosition(a) & Node.DOCUMENT_POSITION_FOLLOWING);
              const history = document.getElementById('history');
              const isUsed = a => after(used, a) && !after(history, a);
              const list = used ? used.nextElementSibling : null;
              const lines = list ? list.querySelectorAll(':scope > li > strong') : [];
              const kinds = [...lines].map(s => s.textContent);
              return {before: all.filter(a => !isUsed(a)).map(page), kinds,
                      used: all.filter(isUsed).map(page).filter(h => !h.includes('/tags/'))}; }"""
            )
            repeated = set(links["used"]) & set(links["before"])
            assert not repeated, (entity["id"], repeated)
            # Each kind on one line, each entry on it once.
            assert len(links["kinds"]) == len(set(links["kinds"])), entity["id"]
            assert len(links["used"]) == len(set(links["used"])), entity["id"]


# ---- Changelog and feed -----------------------------------------------------------------------


def test_changelog_summarises_bulk_changes_and_links_commits(visit: Visit) -> None:
    visit.go("changelog/")
    subscribe = visit.page.locator("article a[href$='feed.xml']").first
    assert subscribe.is_visible()
    assert fetch(subscribe.evaluate("a => a.href")).startswith("<?xml")
    commits = visit.page.evaluate(
        """() => [...document.querySelectorAll('article h3')].map(h => {
      const items = []; let n = h.nextElementSibling;
      while (n && !/^H[23]$/.test(n.tagName)) { items.push(n); n = n.nextElementSibling; }
      const link = items.length && items[0].querySelector('a[href*="/commit/"]');
      const lines = items.flatMap(i => i.tagName === 'UL'
        ? [...i.children].map(li => li.firstChild.textContent) : []);
      const folded = items.filter(i => i.tagName === 'DETAILS').map(d => ({
        summary: d.querySelector('summary').textContent, open: d.open,
        count: d.querySelectorAll(':scope > ul > li').length}));
      return {id: h.id, link: link ? link.href : null, lines, folded};
    })"""
    )
    assert commits
    for commit in commits:
        assert re.fullmatch(r"commit-[0-9a-f]{12}", commit["id"])
        assert commit["link"].startswith(f"{REPO_URL}/commit/{commit['id'][7:]}")
        assert sum(line.startswith("Schemas:") for line in commit["lines"]) <= 1
        assert not any(line.endswith(" schema") for line in commit["lines"])
        for folded in commit["folded"]:
            assert not folded["open"]
            assert re.fullmatch(rf"{folded['count']} entries \w+", folded["summary"])
        # What shows before opening anything stays short.
        assert len(commit["lines"]) <= 15
    assert any(commit["folded"] for commit in commits)
    # The commit that edits three schemas names them on one line.
    schema_lines = [line for c in commits for line in c["lines"] if line.startswith("Schemas:")]
    assert "Schemas: 3 schemas changed (Question, Framework, Term)" in schema_lines
    visit.check_no_errors()


def test_only_the_changelog_announces_the_feed_so_pages_do_not_load_the_sitemap(
    visit: Visit,
) -> None:
    # The theme takes every `rel=alternate` link for another language of the site and fetches
    # and parses the whole sitemap for it, on every page load.
    sitemaps: list[str] = []
    visit.page.on("request", lambda r: sitemaps.append(r.url) if "sitemap" in r.url else None)
    for path in ("", "roles/product-manager/", "processes/"):
        visit.go(path)
        assert visit.page.locator("link[rel=alternate]").count() == 0, path
    visit.page.wait_for_timeout(300)
    assert sitemaps == []
    visit.go("changelog/")
    announced = visit.page.locator("link[rel=alternate][type='application/atom+xml']")
    assert fetch(announced.evaluate("link => link.href")).startswith("<?xml")


def test_feed_entries_link_anchors_that_exist_and_the_pages_they_changed(visit: Visit) -> None:
    feed = ET.fromstring(fetch(visit.base + "feed.xml").encode())
    visit.go("changelog/")
    ids = set(visit.page.evaluate("() => [...document.querySelectorAll('[id]')].map(e => e.id)"))
    entries = feed.findall("a:entry", ATOM)
    assert entries
    site_url = urlsplit(feed.findtext("a:id", namespaces=ATOM) or "")
    local = f"{site_url.scheme}://{site_url.netloc}/"
    related = 0
    for entry in entries:
        links = {
            (link.get("rel"), link.get("href") or "") for link in entry.findall("a:link", ATOM)
        }
        [alternate] = [href for rel, href in links if rel == "alternate"]
        assert urlsplit(alternate).fragment in ids
        for href in (href for rel, href in links if rel == "related"):
            related += 1
            assert fetch(href.replace(local, visit.base)).lstrip().startswith("<!doctype html>")
    assert related >= len(entries) // 2
    newest = max(
        entries,
        key=lambda e: datetime.fromisoformat(e.findtext("a:updated", namespaces=ATOM) or ""),
    )
    assert feed.findtext("a:updated", namespaces=ATOM) == newest.findtext(
        "a:updated", namespaces=ATOM
    )


# ---- Changed since your last visit ------------------------------------------------------------

REMEMBER = """([page, when]) => { localStorage.setItem('playbook.seen',
  JSON.stringify({'*': when, [page]: when})); }"""


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_pages_changed_since_the_last_visit_are_marked(visit: Visit, viewport: str) -> None:
    role, _ = busiest_role(model(visit.base))
    page = f"roles/{role}/"
    changes: list[str] = []
    visit.page.on("request", lambda r: changes.append(r.url) if "updated.json" in r.url else None)
    sized(visit, viewport).go(page)
    note = visit.page.locator(".playbook-changed-note")
    visit.page.wait_for_function("() => localStorage.getItem('playbook.seen') !== null")
    assert note.count() == 0  # a first visit marks nothing,
    assert changes == []  # so it does not fetch the list of changes
    visit.page.evaluate(REMEMBER, [page, "2000-01-01T00:00:00Z"])
    visit.go(page)
    note.wait_for()
    assert changes
    assert "after your last visit on 2000-01-01" in note.inner_text()
    visit.go(page)  # seen now: no longer marked
    visit.page.wait_for_timeout(300)
    assert note.count() == 0
    visit.go("roles/")
    marks = visit.page.locator("article a + .playbook-changed")
    marks.first.wait_for()  # pages never opened count from the first visit, in 2000
    marked = visit.page.evaluate(
        "() => [...document.querySelectorAll('article a + .playbook-changed')]"
        ".map(m => m.previousElementSibling.href)"
    )
    assert marked and not any(href.rstrip("/").endswith(role) for href in marked)
    visit.check_no_errors()


def test_storage_that_refuses_writes_breaks_nothing(site: str, browser: Any) -> None:
    context = browser.new_context()
    context.add_init_script(OPEN_SHADOW_ROOTS)
    # An old visit is remembered, then storage refuses every write, as a full quota or a private
    # mode does: marks that could never be cleared are not shown, and nothing fails.
    context.add_init_script(
        "localStorage.setItem('playbook.seen', JSON.stringify({'*': '2000-01-01T00:00:00Z'}));"
        "Storage.prototype.setItem = function () {"
        " throw new DOMException('full', 'QuotaExceededError'); };"
    )
    try:
        page = context.new_page()
        page.set_default_timeout(TIMEOUT_MS)
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(site + "roles/", wait_until="networkidle")
        assert page.locator("article li a").count() > 0
        assert page.locator(".playbook-changed").count() == 0
        assert errors == []
    finally:
        context.close()
