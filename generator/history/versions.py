"""Name the files history looks at, and read one version of one with the validation loader."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator.config import CONTENT_DIR, SCHEMA_DIR
from generator.content.discover import Candidate
from generator.content.load import is_valid_id, load_file
from generator.model import KindSpec, entity_key

SCHEMA_KIND = "schemas"
"""Pseudo-kind under which changes to `schemas/<kind>.schema.json` are reported."""
SCHEMA_SUFFIX = ".schema.json"


@dataclass(frozen=True, slots=True)
class Slot:
    """What a path in the repository holds, for history: one entity (or schema) in one form."""

    kind: str
    id: str
    form: str
    """`yml`, `md`, or `json` for a schema."""

    @property
    def key(self) -> str:
        return entity_key(self.kind, self.id)


@dataclass(frozen=True, slots=True)
class Version:
    """One readable version of an entity: its fields and Markdown body (or a schema document)."""

    fields: Mapping[str, Any]
    body: str | None = None

    @property
    def title(self) -> str | None:
        title = self.fields.get("title")
        return title if isinstance(title, str) and title.strip() else None


def slot_of(path: str, kinds: Mapping[str, KindSpec]) -> Slot | None:
    """Give what `path` (relative to the playbook's root) holds, or None when it is no entity.

    The rules are discovery's: `playbook/<kind>/<id>.<form>` directly in a known kind folder,
    with a valid id and an allowed form; and `schemas/<kind>.schema.json`.
    """
    parts = path.split("/")
    if len(parts) == 2 and parts[0] == SCHEMA_DIR and parts[1].endswith(SCHEMA_SUFFIX):
        return Slot(SCHEMA_KIND, parts[1].removesuffix(SCHEMA_SUFFIX), "json")
    if len(parts) != 3 or parts[0] != CONTENT_DIR or parts[1] not in kinds:
        return None
    stem, dot, form = parts[2].rpartition(".")
    if not dot or form not in kinds[parts[1]].forms:
        return None
    if not is_valid_id(stem):  # dotfiles too
        return None
    return Slot(parts[1], stem, form)


def path_of(slot: Slot) -> str:
    """Give the repository path of a slot: the inverse of `slot_of`."""
    if slot.kind == SCHEMA_KIND:
        return f"{SCHEMA_DIR}/{slot.id}{SCHEMA_SUFFIX}"
    return f"{CONTENT_DIR}/{slot.kind}/{slot.id}.{slot.form}"


def read_version(slot: Slot, raw: bytes) -> Version | None:
    """Give the version held in `raw`, read exactly as validation reads it; None if unreadable."""
    if slot.kind == SCHEMA_KIND:
        try:
            document = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError, RecursionError):
            return None
        return Version(document) if isinstance(document, dict) else None
    rel = path_of(slot)
    loaded, _ = load_file(Candidate(slot.kind, Path(rel), rel, slot.id, slot.form), raw)
    if loaded is None:
        return None
    return Version(loaded.data, loaded.body)
