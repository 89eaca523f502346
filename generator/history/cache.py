"""The on-disk history cache, keyed by git blob ids, so a second build reads almost nothing.

Two files under `.playbook-cache/history/` (git-ignored):

- `versions.json`: blob id + form -> the version the validation loader read from it (or null
  when it was unreadable). Only loaded when a change is not in the second file.
- `changes-<fingerprint>.json`: per pair of blobs, the change details; per blob, the title. The
  fingerprint covers the schemas (field titles and references) and the wording's version, so
  editing a schema re-words history from the versions file without reading git again.

A missing, corrupt or unwritable cache only makes the build slower: it is never an error.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from generator.history.versions import Version

CACHE_DIR = ".playbook-cache/history"
FORMAT = 2
"""Bump when the loader or the detail wording changes what is stored."""


def fingerprint(schemas: Mapping[str, Any]) -> str:
    """Give a short id of everything the wording of details depends on."""
    text = json.dumps([FORMAT, schemas], sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha1(text.encode(), usedforsecurity=False).hexdigest()[:16]


class HistoryCache:
    """Versions, titles and change details remembered between builds."""

    def __init__(self, directory: Path | None, schemas_id: str) -> None:
        self.directory = directory
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

    def version(self, blob_key: str) -> Version | bool | None:
        """Give the cached version of a blob, None if it was unreadable, False if not cached."""
        versions = self._load_versions()
        if blob_key not in versions:
            return False
        stored = versions[blob_key]
        if stored is None:
            return None
        if not isinstance(stored, dict):
            return False  # not what we write: read the blob again
        fields, body = stored.get("f"), stored.get("b")
        if not isinstance(fields, dict) or not (body is None or isinstance(body, str)):
            return False
        return Version(fields, body)

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
        if self.directory is None:
            return
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
        if self.directory is None:
            return {}
        try:
            document = json.loads((self.directory / name).read_text("utf-8"))
        except (OSError, UnicodeDecodeError, ValueError, RecursionError):
            return {}
        if not isinstance(document, dict) or document.get("format") != FORMAT:
            return {}
        return document

    def _write(self, name: str, document: Mapping[str, Any]) -> None:
        assert self.directory is not None
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(
                dir=self.directory, prefix=f".{name}.", suffix=".tmp"
            )
            try:
                # dumps, not dump: only the one-shot encoder is the C one (five times faster).
                text = json.dumps(document, ensure_ascii=False, separators=(",", ":"))
                with os.fdopen(handle, "w", encoding="utf-8") as stream:
                    stream.write(text)
                os.replace(temporary, self.directory / name)
            except BaseException:
                Path(temporary).unlink(missing_ok=True)
                raise
        except (OSError, TypeError, ValueError):
            return


def _mapping(document: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    """Give `document[key]` when it is an object, else nothing: a damaged cache is no error."""
    value = document.get(key)
    return value if isinstance(value, dict) else {}
