"""Draw a process's steps as a Mermaid flowchart whose labels cannot break the diagram."""

from __future__ import annotations

import re
from collections.abc import Sequence

# Everything outside this set becomes a Mermaid entity code (`#34;`), which Mermaid shows as text.
_UNSAFE = re.compile(r"[^A-Za-z0-9 ,.\-]")


def label(text: str) -> str:
    """Give text as a Mermaid label body: one line, every special character as an entity code."""
    flat = " ".join(text.split())
    return _UNSAFE.sub(lambda m: f"#{ord(m[0])};", flat)


def flowchart(steps: Sequence[tuple[str, str]]) -> str:
    """Give a top-down flowchart of (step name, role title) pairs, numbered, one box per step."""
    lines = ["flowchart TD"]
    for number, (name, role) in enumerate(steps, start=1):
        lines.append(
            f'    step{number}["{number}#46; {label(name)}<br/><small>{label(role)}</small>"]'
        )
    for number in range(1, len(steps)):
        lines.append(f"    step{number} --> step{number + 1}")
    return "\n".join(lines) + "\n"
