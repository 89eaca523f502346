"""Arrange changelog entries: into releases by tag, and into each entity's own history. Pure."""

from __future__ import annotations

from collections.abc import Sequence

from generator.history.gitlog import Tag
from generator.model import ChangelogEntry, Commit, EntityChange, EntityHistory, Release

UNRELEASED = "Unreleased"


def group_releases(
    entries: Sequence[ChangelogEntry],
    mainline: Sequence[tuple[str, Sequence[str]]],
    tags: Sequence[Tag],
) -> tuple[Release, ...]:
    """Give the entries under the tag of the release that first contained them, newest first.

    `mainline` is (commit, names of its tags) along the first-parent chain from HEAD, newest
    first, holding at least every commit of `entries` and every tagged commit. A commit belongs
    to the nearest tag at or above it on that chain, or to Unreleased when there is none. Tags on
    commits off the main line make no release. When one commit has several tags, the newest
    (then the greatest name) names the release.
    """
    by_name = {tag.name: tag for tag in tags}
    release_of: dict[str, Tag | None] = {}
    current: Tag | None = None
    for sha, names in mainline:
        here = [by_name[n] for n in names if n in by_name]
        if here:
            current = max(here, key=lambda t: (t.date, t.name))
        release_of[sha] = current
    grouped: dict[str | None, list[ChangelogEntry]] = {}
    order: list[Tag | None] = []
    for entry in entries:
        tag = release_of.get(entry.commit.sha)
        name = tag.name if tag else None
        if name not in grouped:
            grouped[name] = []
            order.append(tag)
        grouped[name].append(entry)
    releases = [
        Release(
            name=tag.name if tag else UNRELEASED,
            date=tag.date if tag else None,
            entries=tuple(grouped[tag.name if tag else None]),
        )
        for tag in order
    ]
    return tuple(releases)


def entity_histories(entries: Sequence[ChangelogEntry]) -> dict[str, EntityHistory]:
    """Give each entity's changes, newest first, following renames; keyed by its last `kind/id`."""
    lists: dict[str, list[tuple[Commit, EntityChange]]] = {}
    for entry in reversed(entries):  # oldest first, so renames carry the earlier changes along
        for change in entry.changes:
            if change.renamed_from is not None and change.renamed_from != change.key:
                earlier = lists.pop(change.renamed_from, [])
                lists[change.key] = [*lists.get(change.key, []), *earlier]
            lists.setdefault(change.key, []).append((entry.commit, change))
    histories: dict[str, EntityHistory] = {}
    for key in sorted(lists):
        items = lists[key]
        created = items[0][0].date if items[0][1].change == "added" else None
        histories[key] = EntityHistory(
            created=created, updated=items[-1][0].date, entries=tuple(reversed(items))
        )
    return histories
