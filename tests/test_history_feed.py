"""The Atom feed of the changelog: valid, deterministic, commit text kept as text."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from generator.history.feed import MAX_ENTRIES, atom_feed
from generator.history.history_report import changelog_markdown
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


def test_the_changelog_escapes_what_commits_and_content_say() -> None:
    rendered = changelog_markdown(history(entry(1, "Use *stars*", "A_B")))
    assert r"### 2024-01-02: Use \*stars\*" in rendered
    assert r"A\_B, commit `" in rendered
    assert r"- Changed **Bug &lt;triage&gt;** (`processes/bug-triage`)" in rendered


def test_the_printed_changelog_arranges_a_commit_as_the_site_page_does() -> None:
    # Changes by verb (added before changed, whatever order the commit gives), and every
    # schema the commit touched on one line, as on the changelog page.
    changes = (
        EntityChange(key="schemas/roles", change="changed", title="roles schema",
                     details=("Field `level` added",)),
        EntityChange(key="roles/pm", change="changed", title="PM"),
        EntityChange(key="schemas/tools", change="added", title="tools schema"),
        EntityChange(key="tools/jira", change="added", title="Jira"),
    )  # fmt: skip
    commit = entry(1).commit
    rendered = changelog_markdown(history(ChangelogEntry(commit, changes)))
    body = rendered[rendered.index("commit `") :]
    assert body.index("- Added **Jira** (`tools/jira`)") < body.index(
        "- Changed **PM** (`roles/pm`)"
    )
    assert "- Schemas: 1 schema added, 1 changed (roles, tools)" in body
    assert "  - roles schema: Field \\`level\\` added" in body  # as text, not code
    assert "schemas/roles" not in body
