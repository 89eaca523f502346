"""Read entity files into plain data with positions: bytes -> text -> front matter -> YAML."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import Any

from generator.content.discover import MAX_FILE_BYTES, Candidate
from generator.content.frontmatter import FrontMatter, split_front_matter
from generator.content.yamlread import Pointer, locate, read_yaml
from generator.model import Issue, Severity, SourceRef

RULES = frozenset({"yaml-root", "encoding", "file-too-large", "id-format", "id-reserved"})
"""The rules of the problems loading a file reports, besides its reader's (yamlread.RULES and
frontmatter.RULES)."""
ID_PATTERN = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*\Z")
MAX_ID_LENGTH = 80


RESERVED_IDS = frozenset(
    {"con", "prn", "aux", "nul"}
    | {f"{device}{n}" for device in ("com", "lpt") for n in range(1, 10)}
)
"""Names Windows keeps for devices, in any case and with any extension: a repository with such a
file cannot be checked out there."""


def is_reserved_id(stem: str) -> bool:
    """Tell whether an id is a name Windows reserves for a device (`con`, `aux`, `com1`...)."""
    return stem.lower() in RESERVED_IDS


def is_valid_id(stem: str) -> bool:
    """Tell whether a file name (without extension) is a valid id: the one reading of the rule."""
    return ID_PATTERN.match(stem) is not None and len(stem) <= MAX_ID_LENGTH


@dataclass(slots=True)
class LoadedFile:
    """One entity file, read: its fields (not yet validated), body and positions."""

    kind: str
    id: str
    rel: str
    form: str
    yaml_text: str
    line_offset: int
    """Lines before the YAML text starts in the file (1 for front matter)."""
    data: dict[str, Any]
    body: str | None
    body_line: int

    def locate(self, pointer: Pointer, *, key: bool = False) -> SourceRef:
        """Give the file position of the value (or key) at `pointer`.

        It parses the text again, so it is for reporting problems only.
        """
        line, column = locate(self.yaml_text, pointer, key=key)
        return SourceRef(self.rel, line + self.line_offset, column)


def git_blob_id(raw: bytes) -> str:
    """Give the id git gives these bytes, so caches and history agree on it."""
    return hashlib.sha1(b"blob %d\0" % len(raw) + raw, usedforsecurity=False).hexdigest()


def load_file(candidate: Candidate, raw: bytes) -> tuple[LoadedFile | None, list[Issue]]:
    """Give the file's data, or None and the reasons it could not be read."""
    issues: list[Issue] = []

    def problem(line: int, column: int, rule: str, message: str, hint: str) -> None:
        issues.append(
            Issue(SourceRef(candidate.rel, line, column), Severity.ERROR, rule, message, hint)
        )

    if not is_valid_id(candidate.stem):
        problem(
            1,
            1,
            "id-format",
            f"'{candidate.stem}' is not a valid id (the file name is the id)",
            "rename the file to lowercase words joined by hyphens,"
            f" e.g. '{suggest_id(candidate.stem)}.{candidate.form}'",
        )
        return None, issues
    if is_reserved_id(candidate.stem):
        problem(
            1,
            1,
            "id-reserved",
            f"'{candidate.stem}' is a device name on Windows, so the repository could not be "
            "checked out there",
            f"rename the file, e.g. to '{candidate.stem}-entry.{candidate.form}'",
        )
        return None, issues
    if len(raw) > MAX_FILE_BYTES:
        problem(
            1,
            1,
            "file-too-large",
            f"the file is {len(raw):,} bytes; the limit is {MAX_FILE_BYTES:,}",
            "split it into several entries",
        )
        return None, issues
    text = _decode(raw, candidate.rel, issues)
    if text is None:
        return None, issues
    text = text.replace("\r\n", "\n")
    if "\r" in text:  # YAML 1.2 reads a lone CR as a line end; the editor's reader refuses it
        before = text[: text.index("\r")]
        problem(
            before.count("\n") + 1,
            len(before) - before.rfind("\n"),
            "encoding",
            "a carriage return on its own (an old Mac line end): editors read such a file"
            " differently from CI",
            "save the file with ordinary (LF or CRLF) line ends",
        )
        return None, issues
    yaml_text, offset, body, body_line = text, 0, None, 1
    if candidate.form == "md":
        split = split_front_matter(text)
        if not isinstance(split, FrontMatter):
            problem(split.line, 1, split.rule, split.message, split.hint)
            return None, issues
        yaml_text, offset, body, body_line = split.yaml_text, 1, split.body, split.body_line
    document = read_yaml(yaml_text)
    for p in document.problems:
        problem(p.line + offset, p.column, p.rule, p.message, p.hint)
    if document.problems:
        return None, issues
    if not isinstance(document.value, dict):
        found = "nothing" if document.value is None else type(document.value).__name__
        problem(
            1 + offset,
            1,
            "yaml-root",
            f"expected fields (`name: value` lines), found {found}",
            "start with `title: ...` and the other fields of this kind",
        )
        return None, issues
    return LoadedFile(
        kind=candidate.kind,
        id=candidate.stem,
        rel=candidate.rel,
        form=candidate.form,
        yaml_text=yaml_text,
        line_offset=offset,
        data=document.value,
        body=body,
        body_line=body_line,
    ), issues


def _decode(raw: bytes, rel: str, issues: list[Issue]) -> str | None:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        before = raw[: error.start]
        line = before.count(b"\n") + 1
        column = len(before) - (before.rfind(b"\n") + 1) + 1
        issues.append(
            Issue(
                SourceRef(rel, line, column),
                Severity.ERROR,
                "encoding",
                f"byte 0x{raw[error.start]:02x} is not valid UTF-8",
                "save the file as UTF-8 (most editors have an 'encoding' setting)",
            )
        )
        return None


def suggest_id(stem: str) -> str:
    """Give the nearest valid id to a file name, for hints."""
    words = re.findall(r"[a-z0-9]+", stem.lower())
    return "-".join(words)[:MAX_ID_LENGTH] or "new-entry"
