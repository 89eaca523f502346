"""Make Markdown from content safe to publish: no live HTML or script reaches a page.

The text is edited in place, never re-rendered, so everything else stays as written:

- every `<` outside code becomes `&lt;` (raw HTML shows as text), except `<https://...>` and
  `<name@example.org>` autolinks;
- every `{` outside code becomes `\\{`, so attribute lists (`{: onclick=...}`) stay text;
- a link, image or reference definition whose address would run script (`javascript:`,
  `vbscript:`, `data:`, however encoded or split) points at `#unsafe-` instead;
- a Mermaid fence whose diagram could run script or fetch from outside
  (`generator.checks.mermaid`) becomes a plain code block: it is shown, not drawn.

What counts as code is decided by `generator.checks.html`, conservatively: code the two Markdown
engines might read differently is treated as text, so at worst a `<` shows as `&lt;` in code.
"""

from __future__ import annotations

import html
import re

from generator.checks.code_regions import CodeMap, code_map, in_code
from generator.checks.html import safe_autolink_at
from generator.checks.mermaid import diagram_problems, mermaid_fences
from generator.checks.references import is_unsafe_url

_INTERESTING = re.compile(r"\\[\\`*_{}\[\]()>#+\-.!]|[<{]|\](?=[(:])")
"""What the scan stops at: a backslash escape (skipped whole), `<`, `{`, and `](` or `]:`."""
_ENTITY = re.compile(r"&(?:#[0-9]{1,8};?|#[xX][0-9a-fA-F]{1,8};?|[A-Za-z][A-Za-z0-9]{1,31};?)")
_PERCENT = re.compile(r"%[0-9a-fA-F]{2}")
_SCHEME_CHAR = re.compile(r"[A-Za-z0-9+.\-]")
_MAX_SCHEME_SOURCE = 256
"""Source characters read while decoding a scheme: far more than any encoded `javascript:`."""
BLOCKED_URL = "#unsafe-"

Edit = tuple[int, int, str]
"""Replace text[start:end] with the string."""


def safe_markdown(text: str) -> str:
    """Give the Markdown with raw HTML shown as text rather than interpreted."""
    diagrams = _mermaid_edits(text)
    if not diagrams and not any(c in text for c in "<{]"):
        return text
    code = code_map(text)
    starts = _line_starts(code.lines)
    return _apply(text, _text_edits(text, code, starts) + diagrams)


def _line_starts(lines: tuple[str, ...]) -> list[int]:
    starts, offset = [], 0
    for line in lines:
        starts.append(offset)
        offset += len(line) + 1
    return starts


def _text_edits(text: str, code: CodeMap, starts: list[int]) -> list[Edit]:
    edits: list[Edit] = []
    for number, line in enumerate(code.lines):
        if number in code.fenced:
            continue
        skip_to = 0
        for match in _INTERESTING.finditer(line):
            column = match.start()
            if column < skip_to or in_code(code, number, column):
                continue
            found = match.group()
            at = starts[number] + column
            if found == "<":
                autolink = safe_autolink_at(line, column)
                if autolink:
                    skip_to = column + autolink
                else:
                    edits.append((at, at + 1, "&lt;"))
            elif found == "{":
                edits.append((at, at + 1, "\\{"))
            elif found == "]":
                blocked = _unsafe_destination(text, at + 2)
                if blocked is not None:
                    edits.append(blocked)
    return edits


def _unsafe_destination(text: str, position: int) -> Edit | None:
    """Give the edit that defuses the link address starting at `position`, if it runs script.

    Reads the address the way a browser will: entities and percent escapes decoded, tabs and
    line breaks dropped, and stops at the scheme's colon.
    """
    length = len(text)
    while position < length and text[position] in " \t\n\r":
        position += 1
    if position < length and text[position] == "<":
        position += 1
    start, scheme = position, ""
    while position < length and position - start < _MAX_SCHEME_SOURCE:
        char, width = _decoded_char(text, position)
        position += width
        if char in ("\t", "\n", "\r") or (not scheme and char <= " "):
            continue
        if char == ":":
            if is_unsafe_url(scheme + ":"):
                return (start, position, BLOCKED_URL)
            return None
        if len(char) != 1 or not _SCHEME_CHAR.match(char):
            return None
        scheme += char
    return None


def _decoded_char(text: str, position: int) -> tuple[str, int]:
    """Give the character at `position` as the browser reads it, and its width in the source."""
    char = text[position]
    if char == "&":
        entity = _ENTITY.match(text, position)
        if entity:
            return html.unescape(entity.group()), entity.end() - position
    elif char == "%":
        escape = _PERCENT.match(text, position)
        if escape:
            return chr(int(escape.group()[1:], 16)), 3
    elif char == "\\" and position + 1 < len(text) and not text[position + 1].isalnum():
        return text[position + 1], 2
    return char, 1


def _mermaid_edits(text: str) -> list[Edit]:
    """Give the edits that turn each Mermaid fence with a problem into a plain code block.

    Fences nested in lists or quotes count too: the fences extension draws those as well.
    """
    edits: list[Edit] = []
    starts: list[int] | None = None
    for fence in mermaid_fences(text):
        if any(True for _ in diagram_problems(fence.body)):
            starts = starts or _line_starts(tuple(text.split("\n")))
            at = starts[fence.opening] + fence.info_column
            edits.append((at, at + len("mermaid"), "text"))
    return edits


def _apply(text: str, edits: list[Edit]) -> str:
    if not edits:
        return text
    parts: list[str] = []
    position = 0
    for start, end, replacement in sorted(edits):
        if start < position:
            continue  # overlapping edits cannot happen; keep the first if they ever do
        parts.append(text[position:start])
        parts.append(replacement)
        position = end
    parts.append(text[position:])
    return "".join(parts)
