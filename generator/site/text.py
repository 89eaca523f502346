"""Turn content strings into safe inline Markdown and table cells."""

from __future__ import annotations

import re

_SPACE = re.compile(r"\s+")
# Characters that start Markdown syntax anywhere in a line (Python-Markdown's escapable ones);
# `<`, `>` and `&` are left to HTML escaping, list markers are escaped only where they start.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]#|])")
_LIST_START = re.compile(r"^(\d+)([.)])|^([-+])")
def plain_inline(text: str) -> str:
    """Give plain text as one line of Markdown that shows exactly that text, never syntax."""
    flat = _SPACE.sub(" ", text).strip()
    escaped = _MARKDOWN_SPECIAL.sub(r"\\\1", flat)
    return _LIST_START.sub(lambda m: f"{m[1]}\\{m[2]}" if m[1] else f"\\{m[3]}", escaped)


def code_span(text: str) -> str:
    """Give text as an inline code span; Markdown escapes code itself, so only backticks matter."""
    flat = _SPACE.sub(" ", text).strip()
    fence = "`" * (max((len(run) for run in re.findall(r"`+", flat)), default=0) + 1)
    padded = f" {flat} " if flat.startswith("`") or flat.endswith("`") else flat
    return f"{fence}{padded}{fence}"


def table_cell(markdown: str) -> str:
    """Give Markdown folded into one table cell: one line, pipes escaped."""
    return _SPACE.sub(" ", markdown).strip().replace("|", "\\|")


def first_date(timestamp: str | None) -> str:
    """Give the `YYYY-MM-DD` part of an ISO 8601 timestamp, or an empty string."""
    return timestamp[:10] if timestamp else ""
