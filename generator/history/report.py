"""Print a changelog or a playbook diff as Markdown (for people, PR comments) or JSON (for tools).

Everything that comes from commits or content (subjects, authors, titles, details) is text:
in Markdown it is escaped so it can never become a link, an image, emphasis or HTML.
"""

from __future__ import annotations

import json
import re
from typing import Any

from generator.history.compare import ORDER, PlaybookDiff
from generator.model import ChangelogEntry, EntityChange, History

MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#|~&])")
"""Characters that can start markup mid-line; `(` and `!` cannot once `[` is escaped."""
SPACES = re.compile(r"\s+")
VERBS = {
    "added": "Added",
    "changed": "Changed",
    "reviewed": "Reviewed",
    "renamed": "Renamed",
    "removed": "Removed",
}


def md_text(text: str) -> str:
    """Give `text` as literal Markdown text: one line, every markup character escaped."""
    return MARKDOWN_SPECIAL.sub(r"\\\1", SPACES.sub(" ", text).strip())


def _change_lines(change: EntityChange, verb: bool) -> list[str]:
    where = f"`{change.key}`"
    if change.renamed_from:
        where += f", was `{change.renamed_from}`"
    lead = f"{VERBS.get(change.change, change.change)} " if verb else ""
    lines = [f"- {lead}**{md_text(change.title)}** ({where})"]
    lines.extend(f"  - {md_text(detail)}" for detail in change.details)
    return lines


def changelog_markdown(history: History, title: str = "Changelog") -> str:
    """Give the changelog as a Markdown document: releases, then commits, then entity changes."""
    lines = [f"# {md_text(title)}", ""]
    if history.warning:
        lines += [f"> **Note:** {md_text(history.warning)}", ""]
    if not history.releases:
        lines += ["No changes to the playbook yet.", ""]
    for release in history.releases:
        when = f" ({release.date[:10]})" if release.date else ""
        lines += [f"## {md_text(release.name)}{when}", ""]
        for entry in release.entries:
            lines += _entry_lines(entry)
    return "\n".join(lines).rstrip("\n") + "\n"


def _entry_lines(entry: ChangelogEntry) -> list[str]:
    commit = entry.commit
    lines = [
        f"### {commit.date[:10]}: {md_text(commit.subject or '(no subject)')}",
        "",
        f"{md_text(commit.author)}, commit `{commit.sha[:12]}`",
        "",
    ]
    for change in entry.changes:
        lines += _change_lines(change, verb=True)
    return [*lines, ""]


def changelog_json(history: History) -> str:
    """Give the changelog as JSON."""
    document = {
        "warning": history.warning,
        "releases": [
            {
                "name": release.name,
                "date": release.date,
                "entries": [_entry_json(entry) for entry in release.entries],
            }
            for release in history.releases
        ],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def _entry_json(entry: ChangelogEntry) -> dict[str, Any]:
    commit = entry.commit
    return {
        "commit": {
            "sha": commit.sha,
            "author": commit.author,
            "date": commit.date,
            "subject": commit.subject,
        },
        "changes": [change_json(change) for change in entry.changes],
    }


def change_json(change: EntityChange) -> dict[str, Any]:
    """Give one entity change as JSON-ready data."""
    return {
        "key": change.key,
        "change": change.change,
        "title": change.title,
        "renamed_from": change.renamed_from,
        "details": list(change.details),
    }


def _counts(diff: PlaybookDiff) -> dict[str, int]:
    return {kind: diff.count(kind) for kind in ORDER}


def diff_markdown(diff: PlaybookDiff) -> str:
    """Give what a change does to the playbook as Markdown, for a pull-request comment."""
    head = f"`{diff.head[:12]}`" if diff.head else "the working tree"
    lines = ["## Playbook changes", ""]
    if not diff.changes:
        lines += [f"No change to the playbook's content from `{diff.base[:12]}` to {head}."]
        return "\n".join(lines) + "\n"
    counts = _counts(diff)
    # Reviews are listed only when there are some: most changes record none.
    summary = ", ".join(f"{n} {kind}" for kind, n in counts.items() if n or kind != "reviewed")
    lines += [f"**{summary}** (from `{diff.base[:12]}` to {head})", ""]
    for kind in ORDER:
        group = [c for c in diff.changes if c.change == kind]
        if not group:
            continue
        lines += [f"### {VERBS[kind]} ({len(group)})", ""]
        for change in group:
            lines += _change_lines(change, verb=False)
        lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"


def diff_json(diff: PlaybookDiff) -> str:
    """Give what a change does to the playbook as JSON."""
    document = {
        "base": diff.base,
        "head": diff.head,
        "counts": _counts(diff),
        "changes": [change_json(change) for change in diff.changes],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
