"""The Atom feed of the changelog: valid, deterministic, commit text kept as text."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from generator.history.digest import BULK, changelog_view, newest_instant
from generator.history.feed import MAX_ENTRIES, atom_feed
from generator.history.report import changelog_markdown, md_text
from generator.model import ChangelogEntry, Commit, EntityChange, History, Release

NS = {"a": "http://www.w3.org/2005/Atom"}


def entry(number: int, subject: str = "Change", author: str = "Ada") -> ChangelogEntry:
    commit = Commit(
        sha=f"{number:040x}", author=author, date=f"2024-01-{number % 28 + 1:02d}T10:00:00+00:00",
        subject=subject,
    )  # fmt: skip
    change = EntityChange(
        key="processes/bug-triage", change="changed", title="Bug <triage>",
        details=("RACI: Product manager C → A", 'Step 2 "Triage" added'),
    )  # fmt: skip
    return ChangelogEntry(commit, (change,))


def history(*entries: ChangelogEntry) -> History:
    return History(releases=(Release("Unreleased", None, entries),))


def test_feed_is_atom_with_one_entry_per_commit() -> None:
    text = atom_feed(history(entry(3), entry(2)), "https://ops.example.org/", "Ops playbook")
    root = ET.fromstring(text.encode())
    assert root.tag == "{http://www.w3.org/2005/Atom}feed"
    assert root.findtext("a:title", namespaces=NS) == "Ops playbook"
    assert root.findtext("a:id", namespaces=NS) == "https://ops.example.org/changelog/"
    assert root.findtext("a:updated", namespaces=NS) == "2024-01-04T10:00:00+00:00"
    links = {link.get("rel"): link.get("href") for link in root.findall("a:link", NS)}
    assert links == {
        "alternate": "https://ops.example.org/changelog/",
        "self": "https://ops.example.org/feed.xml",
    }
    items = root.findall("a:entry", NS)
    assert [e.findtext("a:id", namespaces=NS) for e in items] == [
        f"https://ops.example.org/changelog/#{3:040x}",
        f"https://ops.example.org/changelog/#{2:040x}",
    ]
    for item in items:  # what RFC 4287 requires of every entry
        for required in ("a:id", "a:title", "a:updated", "a:author/a:name"):
            assert item.findtext(required, namespaces=NS)


def test_feed_is_deterministic_and_dated_by_its_newest_entry() -> None:
    one = atom_feed(history(entry(5), entry(1)), "https://x.org", "T")
    two = atom_feed(history(entry(5), entry(1)), "https://x.org", "T")
    assert one == two
    empty = ET.fromstring(atom_feed(History(), "https://x.org", "T").encode())
    assert empty.findtext("a:updated", namespaces=NS) == "1970-01-01T00:00:00Z"


def test_commit_text_stays_text() -> None:
    subject = "Fix <script>alert(1)</script> & [x](javascript:y)\x01"
    text = atom_feed(history(entry(1, subject, "Mallory <b>")), "https://x.org", "T")
    assert "<script>" not in text
    item = ET.fromstring(text.encode()).find("a:entry", NS)
    assert item is not None
    assert item.findtext("a:title", namespaces=NS) == subject[:-1]  # control character dropped
    assert item.findtext("a:author/a:name", namespaces=NS) == "Mallory <b>"
    content = item.find("a:content", NS)
    assert content is not None and content.get("type") == "html"
    assert "<strong>Bug &lt;triage&gt;</strong>" in (content.text or "")
    assert "<li>RACI: Product manager C → A</li>" in (content.text or "")


def test_feed_keeps_the_newest_entries() -> None:
    many = history(*(entry(n) for n in range(MAX_ENTRIES + 10, 0, -1)))
    items = ET.fromstring(atom_feed(many, "https://x.org", "T").encode()).findall("a:entry", NS)
    assert len(items) == MAX_ENTRIES
    assert items[0].findtext("a:id", namespaces=NS, default="").endswith(f"{MAX_ENTRIES + 10:040x}")


def test_markdown_text_escapes_every_markup_character() -> None:
    assert md_text("a *b* _c_ `d` ![e](f) <g> & #h | ~i~ j\\") == (
        r"a \*b\* \_c\_ \`d\` !\[e\](f) \<g\> \& \#h \| \~i\~ j\\"
    )
    assert md_text("two\nlines") == "two lines"
    rendered = changelog_markdown(history(entry(1, "Use *stars*", "A_B")))
    assert r"### 2024-01-02: Use \*stars\*" in rendered
    assert r"A\_B, commit `" in rendered
    assert r"- Changed **Bug \<triage\>** (`processes/bug-triage`)" in rendered


def dated(number: int, date: str, *changes: EntityChange) -> ChangelogEntry:
    commit = Commit(sha=f"{number:040x}", author="Ada", date=date, subject=f"Commit {number}")
    return ChangelogEntry(commit, changes or (EntityChange("roles/pm", "changed", "PM"),))


def test_feed_is_dated_by_the_latest_instant_not_the_greatest_string() -> None:
    # 11:00+02:00 is 09:00 UTC: the greatest string, but the earlier instant.
    early = dated(1, "2024-01-02T11:00:00+02:00")
    late = dated(2, "2024-01-02T10:30:00+00:00")
    root = ET.fromstring(atom_feed(history(early, late), "https://x.org", "T").encode())
    assert root.findtext("a:updated", namespaces=NS) == "2024-01-02T10:30:00+00:00"
    assert newest_instant(["2024-01-02T11:00:00+02:00", "junk", "2024-01-02T10:30:00Z"], "-") == (
        "2024-01-02T10:30:00Z"
    )
    assert newest_instant(["junk"], "none") == "none"


def test_feed_entries_link_an_anchor_the_changelog_page_has_and_the_pages_they_changed() -> None:
    changes = (
        EntityChange("roles/pm", "changed", "PM"),
        EntityChange("tools/old", "removed", "Old tool"),
        EntityChange("tools/gone", "changed", "Not on the site"),
    )
    one = history(dated(7, "2024-03-01T10:00:00+00:00", *changes))
    pages = {"roles/pm": "roles/pm/"}
    text = atom_feed(one, "https://x.org/", "T", page_of=pages.get)
    item = ET.fromstring(text.encode()).find("a:entry", NS)
    assert item is not None
    links = [(link.get("rel"), link.get("href")) for link in item.findall("a:link", NS)]
    [anchor] = [href for rel, href in links if rel == "alternate"]
    assert [href for rel, href in links if rel == "related"] == ["https://x.org/roles/pm/"]
    content = item.findtext("a:content", namespaces=NS, default="")
    assert '<a href="https://x.org/roles/pm/"><strong>PM</strong></a>' in content
    # The anchor is the id the changelog page gives that commit's heading.
    fragment = (anchor or "").split("#", 1)[1]
    assert fragment == changelog_view(one).releases[0].commits[0].anchor
    assert anchor == f"https://x.org/changelog/#commit-{f'{7:040x}'[:12]}"


def test_bulk_changes_are_counted_and_schemas_listed_once_per_commit() -> None:
    added = tuple(EntityChange(f"roles/r{n}", "added", f"Role {n}") for n in range(BULK + 5))
    schemas = tuple(
        EntityChange(f"schemas/{kind}", "changed", f"{kind.title()} schema", ("Field added",))
        for kind in ("roles", "tools", "metrics")
    )
    small = (EntityChange("tools/jira", "changed", "Jira"),)
    one = history(dated(1, "2024-01-01T00:00:00+00:00", *added, *small, *schemas))
    [commit] = changelog_view(one, "https://git.example.org/org/repo/").releases[0].commits
    assert [(g.verb, g.folded) for g in commit.groups] == [("added", True), ("changed", False)]
    assert commit.groups[0].summary == f"{BULK + 5} entries added"
    assert commit.url == f"https://git.example.org/org/repo/commit/{1:040x}"
    assert commit.schemas is not None and commit.schemas.names == "Roles, Tools, Metrics"
    assert commit.schemas.summary == "3 schemas changed"


def test_schema_line_counts_each_verb() -> None:
    schemas = (
        EntityChange("schemas/roles", "added", "Role schema"),
        EntityChange("schemas/tools", "changed", "Tool schema"),
        EntityChange("schemas/metrics", "changed", "Metric schema"),
    )
    [commit] = (
        changelog_view(history(dated(1, "2024-01-01T00:00:00+00:00", *schemas))).releases[0].commits
    )
    assert commit.schemas is not None
    assert commit.schemas.summary == "1 schema added, 2 changed"
