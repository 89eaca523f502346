"""Print a changelog or a playbook diff as Markdown (for people, PR comments) or JSON (for tools).

Everything that comes from commits or content (subjects, authors, titles, details) is text:
in Markdown it is escaped so it can never become a link, an image, emphasis or HTML.
"""

from __future__ import annotations

import json
from typing import Any

from generator.history.digest import LABELS, VERBS, CommitView, changelog_view
from generator.history.revision_diff import PlaybookDiff
from generator.markdown_text import literal
from generator.model import ChangelogEntry, EntityChange, History


def _change_lines(change: EntityChange, label: str | None) -> list[str]:
    where = f"`{change.key}`"
    if change.renamed_from:
        where += f", was `{change.renamed_from}`"
    lead = f"{label} " if label else ""
    lines = [f"- {lead}**{literal(change.title)}** ({where})"]
    lines.extend(f"  - {literal(detail)}" for detail in change.details)
    return lines


def changelog_markdown(history: History, title: str = "Changelog") -> str:
    """Give the changelog as a Markdown document: releases, then commits, then their changes,
    arranged as the site's changelog page arranges them (`history/digest.py`)."""
    view = changelog_view(history)
    lines = [f"# {literal(title)}", ""]
    if view.warning:
        lines += [f"> **Note:** {literal(view.warning)}", ""]
    if not view.releases:
        lines += ["No changes to the playbook yet.", ""]
    for release in view.releases:
        when = f" ({release.date[:10]})" if release.date else ""
        lines += [f"## {literal(release.name)}{when}", ""]
        for commit in release.commits:
            lines += _commit_lines(commit)
    return "\n".join(lines).rstrip("\n") + "\n"


def _commit_lines(view: CommitView) -> list[str]:
    commit = view.commit
    lines = [
        f"### {commit.date[:10]}: {literal(commit.subject or '(no subject)')}",
        "",
        f"{literal(commit.author)}, commit `{view.short}`",
        "",
    ]
    for group in view.groups:
        for change in group.changes:
            lines += _change_lines(change, group.label)
    if view.schemas is not None:
        lines.append(f"- Schemas: {view.schemas.summary} ({literal(view.schemas.names)})")
        lines.extend(
            f"  - {literal(change.title)}: {literal('; '.join(change.details))}"
            for change in view.schemas.changes
            if change.details
        )
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
    return {kind: diff.count(kind) for kind in VERBS}


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
    for kind in VERBS:
        group = [c for c in diff.changes if c.change == kind]
        if not group:
            continue
        lines += [f"### {LABELS[kind]} ({len(group)})", ""]
        for change in group:
            lines += _change_lines(change, None)
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
