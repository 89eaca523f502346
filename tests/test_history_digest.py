"""The changelog as readers read it (generator/history/digest.py) and the feed that links it:
bulk changes counted, schemas on one line, anchors that exist, the latest instant."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from generator.history.digest import BULK, changelog_view, newest_instant
from generator.history.feed import atom_feed
from generator.model import ChangelogEntry, Commit, EntityChange, History, Release

NS = {"a": "http://www.w3.org/2005/Atom"}


def history(*entries: ChangelogEntry) -> History:
    return History(releases=(Release("Unreleased", None, entries),))


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


def test_feed_summary_counts_bulk_changes_and_names_schemas_together() -> None:
    added = tuple(EntityChange(f"roles/r{n}", "added", f"Role {n}") for n in range(BULK + 1))
    schemas = tuple(
        EntityChange(f"schemas/{kind}", "added", f"{kind.title()} schema") for kind in ("a", "b")
    )
    small = EntityChange("tools/jira", "renamed", "Jira", renamed_from="tools/jra")
    one = history(dated(1, "2024-01-01T00:00:00+00:00", *added, small, *schemas))
    item = ET.fromstring(atom_feed(one, "https://x.org/", "T").encode()).find("a:entry", NS)
    assert item is not None
    assert item.findtext("a:summary", namespaces=NS) == (
        f"{BULK + 1} entries added; Jira renamed from tools/jra; 2 schemas added (A, B)"
    )
    # The content still lists every change.
    assert (item.findtext("a:content", namespaces=NS) or "").count("<li>") == BULK + 1 + 1 + 2
