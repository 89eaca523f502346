"""Find raw HTML in Markdown: each `<` outside code that would open a tag, located.

What counts as code is what both Markdown engines agree on (`code_regions.py`); everything else
is text, where a `<` is neutralised or refused.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from generator.checks.code_regions import code_map, in_code

_TAG_START = re.compile(r"<[A-Za-z/!?]")
_SAFE_AUTOLINK = re.compile(r"<(?:https?://[^\s<>\"'`\\]+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+)>")
"""`<https://...>` and `<name@example.org>`: links for both engines, never a tag."""


@dataclass(frozen=True, slots=True)
class RawHtml:
    """Raw HTML found in Markdown text, 1-based within that text."""

    line: int
    column: int
    snippet: str
    """The start of the tag, for messages."""


def safe_autolink_at(line: str, column: int) -> int:
    """Give the length of a safe autolink starting at `column`, or 0."""
    match = _SAFE_AUTOLINK.match(line, column)
    return match.end() - column if match else 0


def raw_html(text: str) -> list[RawHtml]:
    """Give every place where Markdown `text` has raw HTML (a tag, comment or declaration)."""
    if "<" not in text:
        return []
    code = code_map(text)
    found: list[RawHtml] = []
    for number, line in enumerate(code.lines):
        if "<" not in line or number in code.fenced:
            continue
        for match in _TAG_START.finditer(line):
            column = match.start()
            if in_code(code, number, column) or safe_autolink_at(line, column):
                continue
            found.append(RawHtml(number + 1, column + 1, _snippet(line, column)))
    return found


def _snippet(line: str, column: int) -> str:
    end = line.find(">", column)
    text = line[column : end + 1] if 0 <= end < column + 60 else line[column : column + 60] + "..."
    return text
