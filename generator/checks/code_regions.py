"""Where a Markdown text is code, as both of its Markdown engines read it.

Two Markdown engines read the same text: markdown-it (CommonMark, in validation) and
Python-Markdown (the site). They disagree about what is code: an indented block inside a list,
a fence with an unusual info string, a code span running over a line break are code for one and
raw HTML for the other. So only code both are sure about counts as code here: a fence that opens
and closes at the start of a line with the same plain marker, outside any list or quote, and a
code span on one line. Everything else is text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from generator.checks.references import commonmark_parser

_FENCE_OPEN = re.compile(r"(`{3,}|~{3,})[ \t]*([\w#.+-]*)[ \t]*\Z")
"""An opening fence both engines accept: a marker and at most a plain language name."""
_FENCE_LIKE = re.compile(r"[ \t]*(?:`{3,}|~{3,})")


@dataclass(frozen=True, slots=True)
class Fence:
    """A fenced code block both engines read as code (0-based lines, both fences included)."""

    first: int
    last: int
    info: str
    """The language name after the opening marker, e.g. `mermaid`."""


@dataclass(frozen=True, slots=True)
class CodeMap:
    """Where a Markdown text is code, for both engines."""

    lines: tuple[str, ...]
    fences: tuple[Fence, ...]
    spans: dict[int, tuple[tuple[int, int], ...]]
    """0-based line -> [start, end) columns of one-line code spans (backticks included)."""
    fenced: frozenset[int]
    """The 0-based lines that sit in a fence, fence lines included."""


def code_map(text: str) -> CodeMap:
    """Give the code regions of Markdown `text` that both engines agree on."""
    lines = tuple(text.split("\n"))
    fences = tuple(_fences(text, lines)) if ("```" in text or "~~~" in text) else ()
    fenced = frozenset(n for fence in fences for n in range(fence.first, fence.last + 1))
    spans: dict[int, tuple[tuple[int, int], ...]] = {}
    if "`" in text:
        for number, line in enumerate(lines):
            if number not in fenced and "`" in line:
                found = code_spans(line)
                if found:
                    spans[number] = found
    return CodeMap(lines, fences, spans, fenced)


def _fences(text: str, lines: tuple[str, ...]) -> list[Fence]:
    fences: list[Fence] = []
    # The parser that finds links; what it makes of links does not change where fences are.
    for token in commonmark_parser().parse(text):
        if token.type != "fence" or token.level != 0 or token.map is None:
            continue
        first, end = token.map
        last = end - 1
        opening = _FENCE_OPEN.match(lines[first])
        if opening is None or last <= first or lines[last].rstrip(" \t") != opening.group(1):
            continue
        if any(_FENCE_LIKE.match(lines[n]) for n in range(first + 1, last)):
            continue  # a fence-like line inside: the engines may close the block at different lines
        fences.append(Fence(first, last, opening.group(2)))
    return fences


def code_spans(line: str) -> tuple[tuple[int, int], ...]:
    """Give the [start, end) columns of the code spans of one line, as both engines see them.

    A backtick run after a backslash never opens a span (Python-Markdown's rule, stricter than
    CommonMark's); a span closes at the next run of the same length.
    """
    spans: list[tuple[int, int]] = []
    position, length = 0, len(line)
    while position < length:
        start = line.find("`", position)
        if start < 0:
            break
        end = start
        while end < length and line[end] == "`":
            end += 1
        run = end - start
        if start > 0 and line[start - 1] == "\\":
            position = end
            continue
        close = _closing_run(line, end, run)
        if close is None:
            position = end
            continue
        spans.append((start, close + run))
        position = close + run
    return tuple(spans)


def _closing_run(line: str, position: int, run: int) -> int | None:
    length = len(line)
    while position < length:
        start = line.find("`", position)
        if start < 0:
            return None
        end = start
        while end < length and line[end] == "`":
            end += 1
        if end - start == run:
            return start
        position = end
    return None


def in_code(code: CodeMap, line: int, column: int) -> bool:
    """Tell whether 0-based (line, column) is code both engines show as code."""
    if line in code.fenced:
        return True
    return any(start <= column < end for start, end in code.spans.get(line, ()))
