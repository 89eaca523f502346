"""Write a text as a YAML scalar that every reader takes back as exactly that text."""

from __future__ import annotations

import json
import re

# What PyYAML refuses to read, or reads as a line break, escaped as \uXXXX in a quoted scalar.
_YAML_UNPRINTABLE = re.compile(
    "[^\x09\x0a\x0d\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]"
)


def yaml_quote(text: str) -> str:
    """Give a double-quoted YAML scalar holding `text` (a JSON string, unprintables escaped)."""
    quoted = json.dumps(text, ensure_ascii=False)
    return _YAML_UNPRINTABLE.sub(lambda m: f"\\u{ord(m[0]):04x}", quoted)
