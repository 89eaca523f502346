"""Draw a process's steps as a Mermaid flowchart whose labels cannot break the diagram."""

from __future__ import annotations

import re
from collections.abc import Sequence

# Everything outside this set becomes a Mermaid entity code (`#34;`), which Mermaid shows as text.
_UNSAFE = re.compile(r"[^A-Za-z0-9 ,.\-]")
_ANCHOR = re.compile(r"[a-z0-9][a-z0-9-]*")

PER_ROW = 3
"""Steps per row: three boxes stay readable at a phone's width, and a seven-step process is three
short rows rather than one column a screen and a half tall."""


def label(text: str) -> str:
    """Give text as a Mermaid label body: one line, every special character as an entity code."""
    flat = " ".join(text.split())
    return _UNSAFE.sub(lambda m: f"#{ord(m[0])};", flat)


def flowchart(title: str, steps: Sequence[tuple[str, str, str]]) -> str:
    """Give a flowchart of (step name, role title, anchor) triples: numbered boxes, left to right
    in rows of PER_ROW, each box a link to its step's heading on the page.

    Rows are subgraphs linked to each other, not box to box: Mermaid keeps a subgraph's own
    direction only while none of its boxes links outside it. Links are in-page anchors only,
    which Mermaid's default `strict` security level allows and the site's scan accepts.
    """
    names = ", then ".join(
        f"{n}. {_plain(name)} by {_plain(role)}" for n, (name, role, _) in _numbered(steps)
    )
    lines = [
        "flowchart TB",
        f"    accTitle: Steps of {_plain(title)}",
        f"    accDescr: {len(steps)} steps: {names}",
    ]
    rows = [steps[start : start + PER_ROW] for start in range(0, len(steps), PER_ROW)]
    number = 0
    for row_number, row in enumerate(rows, start=1):
        lines += [f'    subgraph row{row_number} [" "]', "        direction LR"]
        boxes = []
        for name, role, _ in row:
            number += 1
            boxes.append(
                f'step{number}["{number}#46; {label(name)}<br/><small>{label(role)}</small>"]'
            )
        lines += ["        " + " --> ".join(boxes), "    end"]
    lines += [f"    row{n} --> row{n + 1}" for n in range(1, len(rows))]
    for n, (_, _, anchor) in _numbered(steps):
        if _ANCHOR.fullmatch(anchor):
            lines.append(f'    click step{n} href "#{anchor}"')
    lines += [f"    style row{n} fill:none,stroke:none" for n in range(1, len(rows) + 1)]
    return "\n".join(lines) + "\n"


def _plain(text: str) -> str:
    """Give text for the accessible title and description, read as plain text: no codes, no
    character that could end the statement (`;`) or start markup."""
    return " ".join(_UNSAFE.sub(" ", text.replace("'", "")).split())


def _numbered(steps: Sequence[tuple[str, str, str]]) -> list[tuple[int, tuple[str, str, str]]]:
    return list(enumerate(steps, start=1))
