"""What a change does to the playbook: entities added, changed, renamed, removed between two states.

`BASE` is a revision; the other side is a revision too, or the working tree (files as they are
on disk, committed or not, as validation reads them). The comparison starts from the merge base
of the two, as a pull request's diff does, so changes made on the base branch meanwhile are not
shown as undone.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from generator.config import CONTENT_DIR, SCHEMA_DIR
from generator.content.discover import discover
from generator.content.load import git_blob_id
from generator.content.schemas import SchemaSet
from generator.files import read_regular
from generator.history.cache import HistoryCache, fingerprint
from generator.history.changes import VersionReader, VersionRef, describe, referenced, rendered
from generator.history.digest import VERBS
from generator.history.gitlog import GitRepository, open_repository
from generator.history.versions import Version, slot_of
from generator.model import EntityChange, KindSpec

MAX_RENAME_PAIRS = 10_000
"""Above this many (removed x added) pairs only exact renames are found: similarity is quadratic."""
RENAME_SIMILARITY = 0.5
"""git's default: a removed and an added file at least half alike are one renamed file."""


@dataclass(frozen=True, slots=True)
class PlaybookDiff:
    """The entity changes between two states of the playbook."""

    base: str
    """The commit compared from (the merge base of BASE and HEAD)."""
    head: str | None
    """The commit compared to; None for the working tree."""
    changes: tuple[EntityChange, ...]
    """In order: added, changed, renamed, removed; each by key."""

    def count(self, change: str) -> int:
        return sum(1 for c in self.changes if c.change == change)


def compare(root: Path, schemas: SchemaSet, base: str, head: str | None) -> PlaybookDiff:
    """Give what changed from `base` to `head` (None: the working tree); GitUnavailable: no git."""
    repo = open_repository(root)
    head_commit = repo.resolve(head) if head is not None else None
    base_commit = repo.resolve(base)
    current = head_commit or repo.head()
    start = (repo.merge_base(base_commit, current) if current else None) or base_commit
    kinds = schemas.specs
    kind_schemas = {name: kind.schema for name, kind in schemas.kinds.items()}
    store = HistoryCache(repo.git_dir, fingerprint({**kind_schemas, "": schemas.shared}))
    reader = VersionReader(store, repo.blobs)
    before = _tree(repo, start, kinds)
    if head_commit is None:
        after = {}
        for side, raw in _working_tree(root, kinds):
            reader.provide(side.blob, raw)
            after[side.slot.key] = side
    else:
        after = _tree(repo, head_commit, kinds)
    # Every side that differs, read in one stream before renames are looked for among them.
    reader.prefetch(
        [side for key, side in before.items() if after.get(key) != side]
        + [side for key, side in after.items() if before.get(key) != side]
    )
    pairs = list(_pairs(before, after, reader))
    changes = [c for old, new in pairs if (c := describe(old, new, reader, kind_schemas))]
    named = (after.get(key) or before.get(key) for key in referenced(changes))
    reader.prefetch(side for side in named if side and side.blob_key not in store.titles)
    name_of = _namer(before, after, reader)
    ordered = sorted(
        (rendered(c, name_of) for c in changes),
        key=lambda c: (VERBS.index(c.change), c.key),
    )
    store.save()
    return PlaybookDiff(base=start, head=head_commit, changes=tuple(ordered))


def _tree(repo: GitRepository, commit: str, kinds: Mapping[str, KindSpec]) -> dict[str, VersionRef]:
    sides: dict[str, VersionRef] = {}
    for path, blob in repo.tree(commit, (CONTENT_DIR, SCHEMA_DIR)).items():
        if not path.startswith(repo.prefix):
            continue
        slot = slot_of(path[len(repo.prefix) :], kinds)
        if slot is not None:
            sides[slot.key] = VersionRef(slot, blob)
    return sides


def _working_tree(root: Path, kinds: Mapping[str, KindSpec]) -> Iterator[tuple[VersionRef, bytes]]:
    """Give the entity and schema files on disk, as validation finds them, with their bytes."""
    schemas = [p for p in sorted((root / SCHEMA_DIR).glob("*.schema.json")) if p.is_file()]
    entities, _ = discover(root / CONTENT_DIR, root, kinds)  # what it refuses, validate reports
    paths = [(p.relative_to(root).as_posix(), p) for p in schemas]
    paths += [(candidate.rel, candidate.path) for candidate in entities]
    for rel, path in paths:
        slot = slot_of(rel, kinds)
        if slot is None:
            continue
        try:
            raw = read_regular(path)
        except OSError:  # gone, or a pipe swapped in: validation reports it
            continue
        yield VersionRef(slot, git_blob_id(raw)), raw


def _pairs(
    before: dict[str, VersionRef], after: dict[str, VersionRef], reader: VersionReader
) -> Iterator[tuple[VersionRef | None, VersionRef | None]]:
    """Give (old, new) per entity; a removed and an added file alike enough are one rename."""
    for key in sorted(before.keys() & after.keys()):
        if before[key] != after[key]:
            yield before[key], after[key]
    removed = [before[k] for k in sorted(before.keys() - after.keys())]
    added = [after[k] for k in sorted(after.keys() - before.keys())]
    renames = _renames(removed, added, reader)
    yield from renames
    paired = {side.slot for pair in renames for side in pair}
    yield from ((None, side) for side in added if side.slot not in paired)
    yield from ((side, None) for side in removed if side.slot not in paired)


def _renames(
    removed: list[VersionRef], added: list[VersionRef], reader: VersionReader
) -> list[tuple[VersionRef, VersionRef]]:
    """Pair removed and added entities: same bytes first, then the most alike of the same kind."""
    by_blob: dict[str, VersionRef] = {}
    for side in added:
        by_blob.setdefault(side.blob, side)
    pairs: list[tuple[VersionRef, VersionRef]] = []
    for old in removed:
        new = by_blob.pop(old.blob, None)
        if new is not None:
            pairs.append((old, new))
    paired = {side.slot for pair in pairs for side in pair}
    rest_old = [o for o in removed if o.slot not in paired]
    rest_new = [n for n in added if n.slot not in paired]
    if len(rest_old) * len(rest_new) > MAX_RENAME_PAIRS:
        return pairs
    kinds = {o.slot.kind for o in rest_old} & {n.slot.kind for n in rest_new}
    lines = {s.slot: _lines(reader.version(s)) for s in rest_old + rest_new if s.slot.kind in kinds}
    scored = []
    for new in rest_new:
        new_lines = lines.get(new.slot)
        if new_lines is None:
            continue
        # The second sequence is analysed once, then compared with every removed entity.
        matcher = difflib.SequenceMatcher(None, b=new_lines, autojunk=False)
        for old in rest_old:
            old_lines = lines.get(old.slot) if old.slot.kind == new.slot.kind else None
            if old_lines is not None:
                score = _similarity(matcher, old_lines)
                if score >= RENAME_SIMILARITY:
                    scored.append((-score, old.slot.key, new.slot.key, old, new))
    used: set[str] = set()
    for _, old_key, new_key, old, new in sorted(scored, key=lambda s: s[:3]):
        if old_key not in used and new_key not in used:
            used.update((old_key, new_key))
            pairs.append((old, new))
    return pairs


def _similarity(matcher: difflib.SequenceMatcher[str], old: list[str]) -> float:
    """Give how alike the old lines and the matcher's new lines are, 0 to 1, as git judges."""
    matcher.set_seq1(old)
    if matcher.real_quick_ratio() < RENAME_SIMILARITY or matcher.quick_ratio() < RENAME_SIMILARITY:
        return 0.0
    return matcher.ratio()


def _lines(version: Version | None) -> list[str] | None:
    """Give a version as lines to compare (None when unreadable)."""
    if version is None:
        return None
    fields = json.dumps(version.fields, sort_keys=True, indent=0, ensure_ascii=False, default=str)
    return fields.splitlines() + (version.body or "").splitlines()


def _namer(
    before: dict[str, VersionRef], after: dict[str, VersionRef], reader: VersionReader
) -> Callable[[str], str]:
    """Give `kind/id` -> title on the new side (else the old side), read only when asked for."""

    def name_of(key: str) -> str:
        side = after.get(key) or before.get(key)
        title = reader.title(side) if side else None
        return title or key.rpartition("/")[2]

    return name_of
