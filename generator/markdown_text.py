"""Turn content strings into Markdown that shows exactly that text: for the site and for git hosts.

One escaper serves both readers of our Markdown: Python-Markdown (the site) and CommonMark
(GitHub and GitLab comments, `playbook changelog`). Both honour a backslash before the
characters below, and both read an HTML character reference as the character itself, so `<`,
`>`, `&` and `~` (strikethrough on the hosts and with pymdownx) are written as references.
"""

from __future__ import annotations

import re

_SPACE = re.compile(r"\s+")
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]#|])")
"""Characters that start Markdown syntax anywhere in a line; list markers only where they start."""
_LIST_START = re.compile(r"^(\d+)([.)])|^([-+])")
_REFERENCES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", "~": "&#126;"}
_BY_REFERENCE = re.compile("[&<>~]")


def literal(text: str) -> str:
    """Give plain text as one line of Markdown that shows exactly that text, never syntax or HTML.

    Quotes are left alone: generated Markdown never puts plain text inside an HTML attribute.
    """
    flat = _SPACE.sub(" ", text).strip()
    escaped = _MARKDOWN_SPECIAL.sub(r"\\\1", flat)  # before the references, which hold a `#`
    escaped = _LIST_START.sub(lambda m: f"{m[1]}\\{m[2]}" if m[1] else f"\\{m[3]}", escaped)
    return _BY_REFERENCE.sub(lambda m: _REFERENCES[m[0]], escaped)


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
