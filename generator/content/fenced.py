"""Which lines of a Markdown text sit inside fenced code, by CommonMark's rule for fences."""

from __future__ import annotations

import re
from collections.abc import Iterator

_FENCE = re.compile(r"[ \t]{0,3}(`{3,}|~{3,})")


def unfenced_lines(text: str) -> Iterator[tuple[int, str]]:
    """Give (1-based number, line) for each line outside fenced code; fence lines are code too.

    A fence closes at a line of the same character, at least as long as the one that opened it.
    """
    fence: str | None = None
    for number, line in enumerate(text.split("\n"), start=1):
        marker = _FENCE.match(line)
        if fence is not None:
            if marker and _closes(fence, marker.group(1), line[marker.end() :]):
                fence = None
            continue
        if marker and not (marker.group(1)[0] == "`" and "`" in line[marker.end() :]):
            fence = marker.group(1)
            continue
        yield number, line


def _closes(fence: str, marker: str, rest: str) -> bool:
    return marker[0] == fence[0] and len(marker) >= len(fence) and not rest.strip()
