"""Build the playbook's History from git in one pass over the log of `playbook/` and `schemas/`.

How history is read:

- One `git log --first-parent -M --raw -z` over the two folders gives every commit on the main
  line and, per commit, each file's old and new blob id (renames followed).
- Merges: a merge commit is diffed against its first parent and the changes are attributed to
  the merge, which is how they reached the main line (the merge of a pull request). Commits of
  the merged branch are not listed separately, so nothing is counted twice.
- The blobs not yet cached are streamed through one `git cat-file --batch`, each parsed at most
  once with the validation loader, and remembered by blob id in the git folder (see `cache.py`).
- A shallow clone gives history from its oldest commit on (that commit is the baseline, not a
  change), with one warning in `History.warning`; outside git, or without git, the History is
  empty with one warning; an empty repository gives an empty History.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

from generator.config import CONTENT_DIR, SCHEMA_DIR
from generator.content.schemas import SchemaSet
from generator.gcpause import collection_paused
from generator.history.cache import HistoryCache, fingerprint
from generator.history.changelog import entity_histories, group_releases
from generator.history.changes import VersionReader, VersionRef, describe, needs_reading, rendered
from generator.history.gitlog import (
    NO_HISTORY,
    SHALLOW,
    GitRepository,
    GitUnavailable,
    RawCommit,
    open_repository,
)
from generator.history.versions import Slot, slot_of
from generator.model import ChangelogEntry, Commit, Entity, History, KindSpec

HISTORY_PATHS = (CONTENT_DIR, SCHEMA_DIR)


def read_history(
    root: Path,
    schemas: SchemaSet,
    names: Mapping[str, str] | None = None,
    *,
    since: str | None = None,
    cache: bool = True,
) -> History:
    """Give the history of the playbook at `root`: releases, per-entity histories, any warning.

    `names` maps `kind/id` to today's titles (the validated playbook) for references named in
    details; entities no longer present are named by their last title in history. `since`
    limits the changelog to commits after that revision (GitUnavailable if it names none).
    """
    try:
        repo = open_repository(root)
    except GitUnavailable as reason:
        return History(warning=NO_HISTORY.format(reason=reason))
    try:
        head = repo.head()
        if head is None:
            return History()  # no commits yet: nothing has happened, not a problem
        revisions = [f"{repo.resolve(since)}..{head}"] if since is not None else [head]
        with collection_paused():
            return _read(repo, root, schemas, names or {}, revisions, cache)
    except GitUnavailable as reason:
        if since is not None:
            raise
        return History(warning=NO_HISTORY.format(reason=reason))


def _read(
    repo: GitRepository,
    root: Path,
    schemas: SchemaSet,
    names: Mapping[str, str],
    revisions: list[str],
    use_cache: bool,
) -> History:
    kind_schemas = {name: kind.schema for name, kind in schemas.kinds.items()}
    store = HistoryCache(
        repo.git_dir if use_cache else None, fingerprint({**kind_schemas, "": schemas.shared})
    )
    commits = repo.log(revisions, HISTORY_PATHS)
    boundary = repo.shallow_boundary()
    reader = VersionReader(store, repo.blobs)
    side = _side_finder(repo.prefix, schemas.specs)
    pending = [(commit, _sides(commit, side)) for commit in commits if commit.sha not in boundary]
    reader.prefetch(
        needed
        for _, sides in pending
        for old, new in sides
        for needed in needs_reading(old, new, store)
    )
    entries: list[ChangelogEntry] = []
    for commit, sides in pending:
        changes = [c for old, new in sides if (c := describe(old, new, reader, kind_schemas))]
        if changes:
            entries.append(ChangelogEntry(_commit(commit), tuple(changes)))
    store.save()
    name_of = _namer(names, entries)
    entries = [
        ChangelogEntry(e.commit, tuple(rendered(c, name_of) for c in e.changes)) for e in entries
    ]
    tags = repo.tags() if any(commit.tags for commit in commits) else []
    mainline = [(commit.sha, commit.tags) for commit in commits]
    warning = None
    if boundary:
        oldest = min(
            (c.date for c in commits if c.sha in boundary), default="the oldest commit fetched"
        )
        warning = SHALLOW.format(date=oldest)
    return History(
        releases=group_releases(entries, mainline, tags),
        entities=entity_histories(entries),
        warning=warning,
    )


VersionRefFinder = Callable[[str | None, str | None], VersionRef | None]


def _sides(
    commit: RawCommit, side: VersionRefFinder
) -> list[tuple[VersionRef | None, VersionRef | None]]:
    """Give (before, after) for each entity the commit touched; a form switch is one change."""
    pairs: list[tuple[VersionRef | None, VersionRef | None]] = []
    for change in commit.files:
        old = side(change.old_path, change.old_blob)
        new = side(change.new_path, change.new_blob)
        if old or new:
            pairs.append((old, new))
    added = {new.slot.key for old, new in pairs if new and not old}
    if not added:
        return pairs
    switched = {
        old.slot.key: old for old, new in pairs if old and not new and old.slot.key in added
    }
    merged: list[tuple[VersionRef | None, VersionRef | None]] = []
    for old, new in pairs:
        if old and not new and old.slot.key in switched:
            continue
        merged.append(
            (switched[new.slot.key], new)
            if new and not old and new.slot.key in switched
            else (old, new)
        )
    return merged


def _side_finder(prefix: str, kinds: Mapping[str, KindSpec]) -> VersionRefFinder:
    """Give a function from (path in git, blob) to the entity side it holds, remembering paths."""
    slots: dict[str, Slot | None] = {}

    def side(path: str | None, blob: str | None) -> VersionRef | None:
        if path is None or blob is None:
            return None
        if path not in slots:
            inside = path.startswith(prefix)
            slots[path] = slot_of(path[len(prefix) :], kinds) if inside else None
        slot = slots[path]
        return VersionRef(slot, blob) if slot else None

    return side


def _commit(commit: RawCommit) -> Commit:
    return Commit(sha=commit.sha, author=commit.author, date=commit.date, subject=commit.subject)


def _namer(names: Mapping[str, str], entries: list[ChangelogEntry]) -> Callable[[str], str]:
    """Give `kind/id` -> display name: title today, else its last title in history, else the id."""
    last: dict[str, str] = {}
    for entry in reversed(entries):  # oldest first, so later titles win
        for change in entry.changes:
            last[change.key] = change.title

    def name_of(key: str) -> str:
        return names.get(key) or last.get(key) or key.rpartition("/")[2]

    return name_of


def history_names(entities: Iterable[Entity]) -> dict[str, str]:
    """Give `kind/id` -> title for the entities of a validated playbook."""
    return {entity.key: entity.title for entity in entities}
