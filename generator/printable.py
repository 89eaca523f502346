"""Make text from content, paths and git safe to print: hidden characters become visible escapes.

A terminal obeys escape sequences (ESC, OSC, C1 controls such as NEL), a right-to-left override
reorders what follows it, and a newline inside a file name would start what looks like a new
report line. Every such character is written as a `\\uXXXX` escape instead, which is also how
JSON spells it, so the same pass keeps JSON output valid and its values unchanged once decoded.
"""

from __future__ import annotations

_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def visible(text: str, keep: str = "") -> str:
    """Give `text` with every unprintable character but those in `keep` as a visible escape.

    Unprintable is Python's reading: controls, format characters (bidi overrides, zero-width
    marks), line and paragraph separators, surrogates left by undecodable file names, unassigned
    and private-use code points, and spaces other than the ASCII one.
    """
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() or c in keep else _escape(c) for c in text)


def _escape(char: str) -> str:
    if char in _NAMED:
        return _NAMED[char]
    code = ord(char)
    if code > 0xFFFF:  # written as its UTF-16 pair, as JSON does
        code -= 0x10000
        return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"
    return f"\\u{code:04x}"


def visible_lines(text: str) -> str:
    """Give multi-line output with its line breaks kept and every other hidden character shown."""
    return visible(text, keep="\n")
