"""Reminder issues: one per owning team listing what needs review, kept in step with the playbook.

Pure planning. Each issue carries a hidden marker naming its team, so a run finds the issue an
earlier run opened instead of opening another: it is updated while the team has entries to
review, closed with a comment once it has none, and reopened if entries fall due again.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

LABEL = "playbook-review"
MARKER = "<!-- playbook-reminder: {team} -->"
_MARKER = re.compile(r"<!-- playbook-reminder: ([a-z0-9-]+|\(no team\)) -->")
UNOWNED = "(no team)"
"""The marker of the issue that lists entries no team can be reminded about."""


@dataclass(frozen=True, slots=True)
class Issue:
    """An issue on the git host, as the planner needs it."""

    number: int
    title: str
    body: str
    open: bool

    @property
    def team(self) -> str | None:
        match = _MARKER.search(self.body)
        return match[1] if match else None


@dataclass(frozen=True, slots=True)
class Action:
    """One thing to do on the git host."""

    verb: str
    """`open`, `update`, `reopen` or `close`."""
    team: str
    title: str
    body: str
    number: int | None = None
    comment: str | None = None


@dataclass(frozen=True, slots=True)
class Reminder:
    """What one team's issue should say."""

    team: str
    title: str
    body: str


def reminders(report: Mapping[str, Any], file_url: str | None) -> list[Reminder]:
    """Give the issue each team should have, from `playbook health --format json` data.

    A team with nothing overdue or never reviewed has none; entries without a reachable owner
    share one issue.
    """
    found = []
    for team in report.get("teams", []):
        due = [*team.get("overdue", []), *team.get("never-reviewed", [])]
        orphans = team.get("orphans", [])
        if due or orphans:
            found.append(_team_reminder(team, due, orphans, report, file_url))
    unowned = report.get("unowned", [])
    if unowned:
        lines = [
            MARKER.format(team=UNOWNED),
            "These playbook entries name no team in `owners`, so no one is reminded to review "
            "them. Give each the `handle` of a team in `playbook/teams/`:",
            "",
            *(_line(entry, file_url) for entry in unowned),
            "",
            _footer(report),
        ]
        count = len(unowned)
        title = f"Playbook: {count} entr{'ies' if count != 1 else 'y'} without a reachable owner"
        found.append(Reminder(UNOWNED, title, "\n".join(lines) + "\n"))
    return found


def _team_reminder(
    team: Mapping[str, Any], due: Sequence[Mapping[str, Any]],
    orphans: Sequence[Mapping[str, Any]], report: Mapping[str, Any], file_url: str | None,
) -> Reminder:  # fmt: skip
    handle = str(team.get("handle") or "")
    count = len(due) + len(orphans)
    title = f"Playbook review: {count} entr{'ies' if count != 1 else 'y'} for {team['title']}"
    lines = [MARKER.format(team=team["id"]), f"{_mention(handle)}, entries your team maintains:"]
    if due:
        keys = " ".join(str(entry["key"]) for entry in due)
        lines += [
            "",
            "### To review",
            "",
            "A review means reading the entry and confirming it is still accurate, still how we "
            "work and still useful (fix it first if not).",
            "",
            *(_line(entry, file_url) for entry in due),
            "",
            "When you have reviewed them, record it (this list updates on the next run):",
            "",
            "```sh",
            f"playbook review {keys}",
            "```",
        ]
    if orphans:
        lines += [
            "",
            "### Nothing links to these",
            "",
            "Readers find them only by search. Link to each from the entries it belongs with "
            "(`related`), or retire it:",
            "",
            *(_line(entry, file_url) for entry in orphans),
        ]
    lines += ["", _footer(report)]
    return Reminder(str(team["id"]), title, "\n".join(lines) + "\n")


def _mention(handle: str) -> str:
    return (
        handle
        if re.fullmatch(r"@[A-Za-z0-9][A-Za-z0-9-]*(?:/[A-Za-z0-9._-]+)?", handle)
        else ("Hello")
    )


def _line(entry: Mapping[str, Any], file_url: str | None) -> str:
    title = _text(str(entry.get("title", entry["key"])))
    path = str(entry["file"])
    link = f"[{title}]({file_url}{path})" if file_url else title
    if entry.get("state") == "overdue":
        when = f"overdue since {entry['next_due']} (last reviewed {entry['last_reviewed']})"
    elif entry.get("state") == "never-reviewed":
        when = "never reviewed"
    else:
        when = f"{entry.get('state', '')}, next review due {entry.get('next_due')}"
    links = int(entry.get("linked_from", 0))
    linked = f", {links} {'entries link' if links != 1 else 'entry links'} to it" if links else ""
    return f"- [ ] {link} (`{entry['key']}`): {when}{linked}"


def _text(text: str) -> str:
    """Give content as plain text in Markdown: no links, mentions, HTML or emphasis from it."""
    escaped = re.sub(r"([\\`*_{}\[\]()<>#|~!&])", r"\\\1", " ".join(text.split()))
    return escaped.replace("@", "@\u2060")  # a word joiner: no one is mentioned by a title


def _footer(report: Mapping[str, Any]) -> str:
    return (
        f"_Opened and kept up to date by `playbook remind` from the health report of "
        f"{report.get('as_of')}; the playbook's score is {report.get('score')}/100._"
    )


def plan(wanted: Iterable[Reminder], existing: Iterable[Issue]) -> list[Action]:
    """Give what to do so each team has exactly its wanted issue and no stale one stays open."""
    mine: dict[str, list[Issue]] = {}
    for issue in sorted(existing, key=lambda i: (not i.open, -i.number)):
        if issue.team is not None:
            mine.setdefault(issue.team, []).append(issue)
    actions = []
    wanted_teams = set()
    for reminder in wanted:
        wanted_teams.add(reminder.team)
        issues = mine.get(reminder.team, [])
        current = issues[0] if issues else None
        if current is None:
            actions.append(Action("open", reminder.team, reminder.title, reminder.body))
        elif not current.open:
            actions.append(
                Action("reopen", reminder.team, reminder.title, reminder.body, current.number)
            )
        elif (current.title, current.body) != (reminder.title, reminder.body):
            actions.append(
                Action("update", reminder.team, reminder.title, reminder.body, current.number)
            )
        actions.extend(_close(i, "duplicate") for i in issues[1:] if i.open)
    for team, issues in sorted(mine.items()):
        if team not in wanted_teams:
            actions.extend(_close(i, "reviewed") for i in issues if i.open)
    return actions


def _close(issue: Issue, why: str) -> Action:
    comment = (
        "Every entry listed here has been reviewed: closing."
        if why == "reviewed"
        else "Another issue tracks these reviews: closing this one."
    )
    return Action("close", issue.team or "", issue.title, issue.body, issue.number, comment)
