"""The changelog as an Atom feed (RFC 4287): deterministic, and every commit field as text."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from html import escape

from generator.history.digest import commit_anchor, commit_view, newest_instant
from generator.model import ChangelogEntry, EntityChange, History

ATOM = "http://www.w3.org/2005/Atom"
MAX_ENTRIES = 50
"""Feed readers want recent news, not the whole history."""
EPOCH = "1970-01-01T00:00:00Z"
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
"""Characters XML 1.0 cannot carry, even escaped; a commit subject may hold them."""


def atom_feed(
    history: History,
    site_url: str,
    title: str,
    changelog_path: str = "changelog/",
    feed_path: str = "feed.xml",
    page_of: Callable[[str], str | None] = lambda key: None,
) -> str:
    """Give the Atom document of the newest changelog entries, newest first.

    Each entry links its commit's heading on the changelog page and, through `page_of` (an
    entry's `kind/id` -> its page below the site's root, or None), the pages it changed.
    Two calls with the same history give the same bytes: the feed's date is its newest
    entry's (the latest instant, whatever the offsets), never the time of the build.
    """
    base = site_url.rstrip("/") + "/"
    page = base + changelog_path.lstrip("/")
    entries = [entry for release in history.releases for entry in release.entries][:MAX_ENTRIES]
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")
    _text(feed, "id", page)
    _text(feed, "title", title)
    _text(feed, "updated", newest_instant([e.commit.date for e in entries], EPOCH))
    _link(feed, page, "alternate", "text/html")
    _link(feed, base + feed_path.lstrip("/"), "self", "application/atom+xml")
    _text(feed, "generator", "playbook")
    for entry in entries:
        feed.append(_entry(entry, page, base, page_of))
    ET.indent(feed)
    return ET.tostring(feed, encoding="unicode", xml_declaration=True) + "\n"


def _entry(
    entry: ChangelogEntry, page: str, base: str, page_of: Callable[[str], str | None]
) -> ET.Element:
    commit = entry.commit
    element = ET.Element(f"{{{ATOM}}}entry")
    _text(element, "id", f"{page}#{commit.sha}")
    _text(element, "title", commit.subject or commit.sha[:12])
    _text(element, "updated", commit.date)
    _text(element, "published", commit.date)
    author = ET.SubElement(element, f"{{{ATOM}}}author")
    _text(author, "name", commit.author or "unknown")
    _link(element, f"{page}#{commit_anchor(commit)}", "alternate", "text/html")
    pages = {c.key: page_of(c.key) for c in entry.changes if c.change != "removed"}
    for path in pages.values():
        if path is not None:
            _link(element, base + path, "related", "text/html")
    _text(element, "summary", _summary(entry))
    items = "".join(
        f"<li>{_html(change, base, pages.get(change.key))}</li>" for change in entry.changes
    )
    content = _text(element, "content", f"<ul>{items}</ul>")
    content.set("type", "html")
    return element


def _summary(entry: ChangelogEntry) -> str:
    """Give the entry's changes in a line, as the changelog page shows them before it is opened:
    a long list as its count, the schemas together."""
    view = commit_view(entry)
    parts = []
    for group in view.groups:
        parts += [group.summary] if group.folded else [_headline(c) for c in group.changes]
    if view.schemas is not None:
        parts.append(f"{view.schemas.summary} ({view.schemas.names})")
    return "; ".join(parts)


def _headline(change: EntityChange) -> str:
    if change.change == "renamed" and change.renamed_from:
        return f"{change.title} renamed from {change.renamed_from}"
    return f"{change.title} {change.change}"


def _html(change: EntityChange, base: str, path: str | None) -> str:
    title = f"<strong>{escape(change.title)}</strong>"
    if path is not None:
        title = f'<a href="{escape(base + path)}">{title}</a>'
    text = f"{title} ({escape(change.key)}) {escape(change.change)}"
    if change.renamed_from:
        text += f" from {escape(change.renamed_from)}"
    if change.details:
        text += "<ul>" + "".join(f"<li>{escape(d)}</li>" for d in change.details) + "</ul>"
    return text


def _text(parent: ET.Element, name: str, text: str) -> ET.Element:
    element = ET.SubElement(parent, f"{{{ATOM}}}{name}")
    element.text = CONTROL.sub("", text)
    return element


def _link(parent: ET.Element, href: str, rel: str, media: str | None) -> None:
    link = ET.SubElement(parent, f"{{{ATOM}}}link", {"href": href, "rel": rel})
    if media:
        link.set("type", media)
