"""The on-disk history cache, keyed by git blob ids, so a second build reads almost nothing.

Two files under `playbook-cache/history/` in the working tree's git folder (`.git/`, or
`.git/worktrees/<name>/`), never in the tree itself: no commit can put a file there, so nothing
anyone commits can change what history says. Links there are never followed.

- `versions.json`: blob id + form -> the version the validation loader read from it (or null
  when it was unreadable). Only loaded when a change is not in the second file.
- `changes-<fingerprint>.json`: per pair of blobs, the change details; per blob, the title. The
  fingerprint covers the schemas (field titles and references) and the wording's version, so
  editing a schema re-words history from the versions file without reading git again.

Each file starts with a SHA-256 of the rest, so a damaged file is read as no cache at all. A
missing, corrupt or unwritable cache only makes the build slower: it is never an error.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import stat
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator.files import read_regular, write_atomic
from generator.history.versions import Version

CACHE_DIR = "playbook-cache/history"
"""Relative to the working tree's git folder (`git rev-parse --absolute-git-dir`)."""
FORMAT = 2
"""Bump when the loader or the detail wording changes what is stored."""


def fingerprint(schemas: Mapping[str, Any]) -> str:
    """Give a short id of everything the wording of details depends on."""
    text = json.dumps([FORMAT, schemas], sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha1(text.encode(), usedforsecurity=False).hexdigest()[:16]


@dataclass(frozen=True, slots=True)
class Cached:
    """A blob's version as the cache remembers it."""

    version: Version | None
    """None: the blob could not be read as an entity."""


class HistoryCache:
    """Versions, titles and change details remembered between builds."""

    def __init__(self, git_dir: Path | None, schemas_id: str) -> None:
        self.git_dir = git_dir
        self.directory = git_dir / CACHE_DIR if git_dir is not None else None
        self._changes_name = f"changes-{schemas_id}.json"
        loaded = self._read(self._changes_name)
        self.titles: dict[str, str | None] = {
            key: title
            for key, title in _mapping(loaded, "titles").items()
            if title is None or isinstance(title, str)
        }
        """Blob key (`blob.form`) -> title of that version (None when unreadable or untitled)."""
        self.details: dict[str, list[str] | None] = {
            key: details
            for key, details in _mapping(loaded, "details").items()
            if details is None
            or (isinstance(details, list) and all(isinstance(d, str) for d in details))
        }
        """Pair key -> detail templates; None when a side was unreadable."""
        self._versions: dict[str, Any] | None = None
        self._dirty_versions = False
        self._dirty_changes = False

    def cached_version(self, blob_key: str) -> Cached | None:
        """Give what the cache knows of a blob's version (None: nothing, read the blob)."""
        versions = self._load_versions()
        if blob_key not in versions:
            return None
        stored = versions[blob_key]
        if stored is None:
            return Cached(None)  # known to be unreadable
        if not isinstance(stored, dict):
            return None  # not what we write: read the blob again
        fields, body = stored.get("f"), stored.get("b")
        if not isinstance(fields, dict) or not (body is None or isinstance(body, str)):
            return None
        return Cached(Version(fields, body))

    def remember_version(self, blob_key: str, version: Version | None) -> None:
        self._load_versions()[blob_key] = (
            None if version is None else {"f": version.fields, "b": version.body}
        )
        self._dirty_versions = True

    def remember_title(self, blob_key: str, title: str | None) -> None:
        self.titles[blob_key] = title
        self._dirty_changes = True

    def remember_details(self, pair_key: str, details: list[str] | None) -> None:
        self.details[pair_key] = details
        self._dirty_changes = True

    def save(self) -> None:
        """Write what changed; silently keep going when the folder cannot be written."""
        if self.directory is None or not (self._dirty_versions or self._dirty_changes):
            return
        if not self._real_folders(create=True):
            return  # never written through a link
        if self._dirty_versions and self._versions is not None:
            self._write("versions.json", {"format": FORMAT, "versions": self._versions})
        if self._dirty_changes:
            self._write(
                self._changes_name,
                {"format": FORMAT, "titles": self.titles, "details": self.details},
            )
            for stale in self.directory.glob("changes-*.json"):
                if stale.name != self._changes_name:
                    with contextlib.suppress(OSError):  # read-only, or not a file: keep going
                        stale.unlink(missing_ok=True)
        self._dirty_versions = self._dirty_changes = False

    def _load_versions(self) -> dict[str, Any]:
        if self._versions is None:
            self._versions = dict(_mapping(self._read("versions.json"), "versions"))
        return self._versions

    def _read(self, name: str) -> dict[str, Any]:
        if self.directory is None or not self._real_folders(create=False):
            return {}
        try:
            text = unseal(read_regular(self.directory / name, follow=False))
            if text is None:
                return {}  # damaged (a full disk, a stray edit): read git again
            document = json.loads(text)
        except (OSError, UnicodeDecodeError, ValueError, RecursionError):
            return {}
        if not isinstance(document, dict) or document.get("format") != FORMAT:
            return {}
        return document

    def _write(self, name: str, document: Mapping[str, Any]) -> None:
        assert self.directory is not None
        try:
            # dumps, not dump: only the one-shot encoder is the C one (five times faster).
            text = json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()
            write_atomic(self.directory / name, seal(text), mode=0o600)
        except (OSError, TypeError, ValueError):
            return

    def _real_folders(self, *, create: bool) -> bool:
        """Tell whether each folder from the git folder down to the cache is a real folder.

        A link anywhere on the way (`playbook-cache -> /elsewhere`) makes the cache unusable: it
        is neither read nor written through.
        """
        assert self.git_dir is not None
        path = self.git_dir
        for part in CACHE_DIR.split("/"):
            path = path / part
            if create:
                with contextlib.suppress(OSError):  # there already, or cannot be: checked below
                    os.mkdir(path)
            try:
                if not stat.S_ISDIR(os.lstat(path).st_mode):
                    return False
            except OSError:
                return False
        return True


def seal(text: bytes) -> bytes:
    """Give a cache file's bytes: a SHA-256 of the text on the first line, then the text."""
    return hashlib.sha256(text).hexdigest().encode("ascii") + b"\n" + text


def unseal(raw: bytes) -> bytes | None:
    """Give the text of a cache file, or None when it does not match its check sum."""
    digest, _, text = raw.partition(b"\n")
    return text if digest == hashlib.sha256(text).hexdigest().encode("ascii") else None


def _mapping(document: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    """Give `document[key]` when it is an object, else nothing: a damaged cache is no error."""
    value = document.get(key)
    return value if isinstance(value, dict) else {}
