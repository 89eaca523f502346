"""Turn "this file went from blob A to blob B" into an EntityChange; read each blob at most once."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from generator.history.cache import HistoryCache
from generator.history.field_diff import (
    entity_details,
    is_review,
    placeholders,
    render,
    schema_details,
)
from generator.history.versions import SCHEMA_KIND, Slot, Version, read_version
from generator.model import EntityChange


@dataclass(frozen=True, slots=True)
class VersionRef:
    """One side of a change: which entity, and which blob holds it."""

    slot: Slot
    blob: str
    blob_key: str = field(init=False, repr=False, compare=False)
    """`blob.form`: how the cache names this version (one blob may be read as YAML or Markdown)."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "blob_key", f"{self.blob}.{self.slot.form}")


BlobSource = Callable[[list[str]], Iterator[tuple[str, bytes | None]]]
"""Gives (blob id, bytes or None) for the blob ids asked for: git's `cat-file --batch`."""


class VersionReader:
    """Versions and titles of blobs: from the cache, else read (once) from git and parsed (once)."""

    def __init__(self, cache: HistoryCache, blobs: BlobSource) -> None:
        self.cache = cache
        self._blobs = blobs
        self._raw: dict[str, bytes] = {}
        self._parsed: dict[str, Version | None] = {}

    def provide(self, blob: str, raw: bytes) -> None:
        """Make bytes known without git (a working-tree file)."""
        self._raw[blob] = raw

    def prefetch(self, sides: Iterable[VersionRef]) -> None:
        """Parse every side not yet known, reading the missing blobs from git in one stream."""
        wanted: dict[str, list[VersionRef]] = {}
        for side in sides:
            if side.blob_key in self._parsed:
                continue
            cached = self.cache.cached_version(side.blob_key)
            if cached is not None:
                self._parsed[side.blob_key] = cached.version
            elif side.blob in self._raw:
                self._parse(side, self._raw[side.blob])
            else:
                wanted.setdefault(side.blob, []).append(side)
        if wanted:
            for blob, raw in self._blobs(sorted(wanted)):
                for side in wanted.get(blob, ()):
                    self._parse(side, raw)
        for sides_of_blob in wanted.values():
            for side in sides_of_blob:
                self._parsed.setdefault(side.blob_key, None)

    def _parse(self, side: VersionRef, raw: bytes | None) -> None:
        if side.blob_key in self._parsed:
            return
        version = None if raw is None else read_version(side.slot, raw)
        self._parsed[side.blob_key] = version
        if raw is not None:  # a missing blob (shallow clone) may turn up later: do not remember it
            self.cache.remember_version(side.blob_key, version)

    def version(self, side: VersionRef) -> Version | None:
        if side.blob_key not in self._parsed:
            self.prefetch([side])
        return self._parsed.get(side.blob_key)

    def title(self, side: VersionRef) -> str | None:
        """Give the title of this version (the schema's title, for a schema), cached by blob."""
        if side.blob_key in self.cache.titles:
            return self.cache.titles[side.blob_key]
        version = self.version(side)
        title = version.title if version else None
        self.cache.remember_title(side.blob_key, title)
        return title


def needs_reading(
    old: VersionRef | None, new: VersionRef | None, cache: HistoryCache
) -> Iterator[VersionRef]:
    """Give the sides whose versions must be read to describe this change (none when cached)."""
    for side in (old, new):
        if side is not None and side.blob_key not in cache.titles:
            yield side
    if (
        old is not None
        and new is not None
        and old.blob != new.blob
        and pair_key(old, new) not in cache.details
    ):
        yield old
        yield new


def pair_key(old: VersionRef, new: VersionRef) -> str:
    return f"{new.slot.kind}:{old.blob_key}>{new.blob_key}"


def describe(
    old: VersionRef | None,
    new: VersionRef | None,
    reader: VersionReader,
    schemas: Mapping[str, Any],
) -> EntityChange | None:
    """Give what a change does to one entity, with detail templates; None when it changes nothing.

    A change that leaves every field and the text as they were (comments, quoting, line
    wrapping) changes nothing a reader sees, so it is left out.
    """
    if old is None and new is None:
        return None
    if old is None or new is None:
        side = new or old
        assert side is not None
        return EntityChange(
            key=side.slot.key, change="added" if new else "removed", title=_title(side, reader)
        )
    details: tuple[str, ...] = ()
    if old.blob != new.blob:
        key = pair_key(old, new)
        if key in reader.cache.details:
            cached = reader.cache.details[key]
        else:
            computed = _details(old, new, reader, schemas)
            cached = None if computed is None else list(computed)
            reader.cache.remember_details(key, cached)
        details = tuple(cached or ())
        if cached == [] and old.slot.key == new.slot.key:
            return None
    if old.slot.key == new.slot.key:
        if old.blob == new.blob and old.slot.form == new.slot.form:
            return None
        return EntityChange(
            key=new.slot.key,
            change="reviewed" if is_review(details) else "changed",
            title=_title(new, reader),
            details=details,
        )
    return EntityChange(
        key=new.slot.key,
        change="renamed",
        title=_title(new, reader),
        details=details,
        renamed_from=old.slot.key,
    )


def _details(
    old: VersionRef, new: VersionRef, reader: VersionReader, schemas: Mapping[str, Any]
) -> tuple[str, ...] | None:
    before, after = reader.version(old), reader.version(new)
    if before is None or after is None:
        return None
    if new.slot.kind == SCHEMA_KIND:
        return schema_details(before.fields, after.fields)
    return entity_details(
        schemas.get(new.slot.kind), before.fields, after.fields, before.body, after.body
    )


def _title(side: VersionRef, reader: VersionReader) -> str:
    title = reader.title(side)
    if side.slot.kind == SCHEMA_KIND:
        return f"{title or side.slot.id} schema"
    return title or side.slot.id


def rendered(change: EntityChange, name_of: Callable[[str], str]) -> EntityChange:
    """Give the change with its detail templates filled in with display names."""
    if not change.details:
        return change
    return replace(change, details=tuple(render(d, name_of) for d in change.details))


def referenced(changes: Iterable[EntityChange]) -> set[str]:
    """Give every `kind/id` the changes' details name."""
    return {key for change in changes for detail in change.details for key in placeholders(detail)}
