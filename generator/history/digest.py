"""The changelog as readers read it: per commit, changes grouped by verb, bulk changes counted,
schema changes on one line, anchors and links to the git host. Pure: builds values, prints nothing.

The site's changelog page renders this value (`site_templates/pages/_changelog.md.j2`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import quote

from generator.history.versions import SCHEMA_KIND
from generator.model import ChangelogEntry, Commit, EntityChange, History

BULK = 12
"""More changes of one verb than this in one commit are summarised ("170 entries added") and
folded: a seed commit's list would bury every later one."""
VERBS = ("added", "changed", "reviewed", "renamed", "removed")
LABELS = {
    "added": "Added",
    "changed": "Changed",
    "reviewed": "Reviewed",
    "renamed": "Renamed",
    "removed": "Removed",
}


@dataclass(frozen=True, slots=True)
class ChangeGroup:
    """One commit's changes of one verb ("added"), in the order the commit gives them."""

    verb: str
    label: str
    changes: tuple[EntityChange, ...]

    @property
    def folded(self) -> bool:
        """Whether the list is long enough to show as a count that opens into the list."""
        return len(self.changes) > BULK

    @property
    def summary(self) -> str:
        noun = "entry" if len(self.changes) == 1 else "entries"
        return f"{len(self.changes)} {noun} {self.verb}"


@dataclass(frozen=True, slots=True)
class SchemaGroup:
    """Every schema a commit changed, on one line: schema edits touch many kinds at once."""

    changes: tuple[EntityChange, ...]

    @property
    def names(self) -> str:
        return ", ".join(c.title.removesuffix(" schema") for c in self.changes)

    @property
    def summary(self) -> str:
        """Count by verb: "12 schemas added", "2 schemas changed, 1 added"."""
        verbs = [*VERBS, *sorted({c.change for c in self.changes} - set(VERBS))]
        counts = [(v, n) for v in verbs if (n := sum(c.change == v for c in self.changes))]
        (verb, first), rest = counts[0], counts[1:]
        head = f"{first} schema{'' if first == 1 else 's'} {verb}"
        return ", ".join([head, *(f"{n} {v}" for v, n in rest)])


@dataclass(frozen=True, slots=True)
class CommitView:
    """One commit of the changelog."""

    commit: Commit
    anchor: str
    """The id of its heading on the changelog page (`commit-<12 hex>`): the feed links it."""
    url: str | None
    """The commit on the git host, when `repo_url` is set."""
    groups: tuple[ChangeGroup, ...]
    schemas: SchemaGroup | None

    @property
    def short(self) -> str:
        return self.commit.sha[:12]

    @property
    def keys(self) -> tuple[str, ...]:
        """The `kind/id` of every entry the commit changed and that still exists under it."""
        return tuple(c.key for g in self.groups for c in g.changes if c.change != "removed")


@dataclass(frozen=True, slots=True)
class ReleaseView:
    """A release (a tag) or Unreleased, with its commits newest first."""

    name: str
    date: str | None
    url: str | None
    """The tag on the git host, when `repo_url` is set; None for Unreleased."""
    commits: tuple[CommitView, ...]


@dataclass(frozen=True, slots=True)
class ChangelogView:
    """The whole changelog, newest release first."""

    releases: tuple[ReleaseView, ...]
    warning: str | None = None
    feed: str | None = None
    """The Atom feed's path in the site, when the site publishes one."""


def commit_anchor(commit: Commit) -> str:
    """Give the id of a commit's heading on the changelog page."""
    return f"commit-{commit.sha[:12]}"


def changelog_view(
    history: History, repo_url: str | None = None, feed: str | None = None
) -> ChangelogView:
    """Give the changelog arranged for reading; links to the host only when `repo_url` is set."""
    host = repo_url.rstrip("/") if repo_url else None
    releases = tuple(
        ReleaseView(
            name=release.name,
            date=release.date,
            url=f"{host}/tree/{quote(release.name, safe='')}" if host and release.date else None,
            commits=tuple(commit_view(entry, host) for entry in release.entries),
        )
        for release in history.releases
    )
    return ChangelogView(releases=releases, warning=history.warning, feed=feed)


def commit_view(entry: ChangelogEntry, host: str | None = None) -> CommitView:
    """Give one commit arranged for reading; a link to it only when `host` is given."""
    schemas = tuple(c for c in entry.changes if c.key.startswith(SCHEMA_KIND + "/"))
    entities = [c for c in entry.changes if not c.key.startswith(SCHEMA_KIND + "/")]
    verbs = [*VERBS, *sorted({c.change for c in entities} - set(VERBS))]
    groups = tuple(
        ChangeGroup(verb, LABELS.get(verb, verb.capitalize()), members)
        for verb in verbs
        if (members := tuple(c for c in entities if c.change == verb))
    )
    commit = entry.commit
    return CommitView(
        commit=commit,
        anchor=commit_anchor(commit),
        url=f"{host}/commit/{commit.sha}" if host else None,
        groups=groups,
        schemas=SchemaGroup(schemas) if schemas else None,
    )


def newest_instant(dates: Sequence[str], default: str) -> str:
    """Give the latest of ISO 8601 timestamps as an instant, not as the greatest string:
    `10:00+02:00` is before `09:00+00:00`. Unreadable dates are passed over."""
    best: tuple[datetime, str] | None = None
    for text in dates:
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            continue
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        if best is None or moment > best[0]:
            best = (moment, text)
    return best[1] if best else default
