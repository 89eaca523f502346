"""Read Mermaid diagrams the way Mermaid does, and say what in them could run script or fetch.

Mermaid ends a statement at a line break or a `;` (a `;` in a `#59;` code is part of the code),
and draws labels as HTML, in which its character codes (`#60;`) and HTML entities show as text.
So, statement by statement, a diagram from content is refused when it holds:

- an interaction statement (`click`, `call`, `callback`, `href`, `link`, `links`);
- configuration (`%%{init: ...}%%` directives, `---` front matter), which can change how it runs;
- an HTML tag other than a few plain ones without attributes (`<br>`, `<b>`, `<small>`...);
- an address outside the page (`https://`, `//host`, `url(...)`) or a script or data address,
  or shape data (`A@{ img: ... }`), which loads images.

The same reading serves validation (located errors), the sanitiser (a diagram with a problem is
shown as code, not drawn) and the scan of the built site.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

_FENCE_OPEN = re.compile(
    r"(?P<prefix>[ \t>*+\-0-9.)]*?)(?P<fence>`{3,}|~{3,})[ \t]*(?:\{[ \t]*\.)?mermaid\b", re.I
)
"""An opening mermaid fence (```` ```mermaid ```` or ```` ```{.mermaid} ````) at any depth of lists
or quotes: the fences extension draws all of those."""
_CONTAINER = re.compile(r"[ \t>]*")
_ACTION = re.compile(r"[ \t]*(click|call|callback|href|links?)\b", re.I)
_DIRECTIVE = re.compile(r"%%[ \t]*\{")
_COMMENT = re.compile(r"[ \t]*%%")
_TAG = re.compile(r"<(/?)([A-Za-z!?][^\s/>]*)([^>]*)(>?)")
_PLAIN_TAGS = frozenset({"br", "b", "i", "em", "strong", "small", "sub", "sup", "u", "s"})
_ADDRESS = re.compile(
    r"[A-Za-z][A-Za-z0-9+.\-]*://|(?<![\w:/])//[^\s/]|\burl[ \t]*\(|"
    r"\b(?:javascript|vbscript|data):(?=\S)",
    re.I,
)
_MERMAID_CODE = re.compile(r"#(\d+|[A-Za-z]\w*);")
"""Mermaid's character codes (`#60;`, `#lt;`), which it shows as the character, as text."""
_SHAPE_DATA = re.compile(r"@\{")
_PAGE_LINK = re.compile(
    r'[ \t]*click[ \t]+[A-Za-z][A-Za-z0-9_]*[ \t]+href[ \t]+"#[a-z0-9][a-z0-9-]*"[ \t]*'
)
"""The one interaction the site's own diagrams use: a box that links to a heading of its page.
An in-page anchor loads nothing and runs nothing; content may not use it (validation refuses
every `click`), only the scan of the built site accepts it."""


@dataclass(frozen=True, slots=True)
class DiagramProblem:
    """Something in a diagram that could run script or load from outside (1-based, in the text)."""

    line: int
    column: int
    message: str


@dataclass(frozen=True, slots=True)
class MermaidFence:
    """A mermaid fence in a Markdown text (0-based lines)."""

    opening: int
    """Line of the opening fence."""
    info_column: int
    """Where `mermaid` starts on that line."""
    body: tuple[tuple[int, int, str], ...]
    """(line, column where the diagram text starts, diagram text) per line inside the fence."""


def mermaid_fences(text: str) -> Iterator[MermaidFence]:
    """Give every mermaid fence of a Markdown text, nested in lists or quotes or not."""
    if "mermaid" not in text.lower():
        return
    lines = text.split("\n")
    number = 0
    while number < len(lines):
        opening = _FENCE_OPEN.match(lines[number])
        if not opening:
            number += 1
            continue
        fence, first = opening["fence"], number
        body = []
        number += 1
        while number < len(lines):
            start = _CONTAINER.match(lines[number])
            column = start.end() if start else 0
            content = lines[number][column:]
            if content.startswith(fence[0] * len(fence)) and not content.strip(fence[0]).strip():
                break
            body.append((number, column, content))
            number += 1
        yield MermaidFence(first, opening.end(0) - len("mermaid"), tuple(body))
        number += 1


def diagram_problems(
    lines: Sequence[tuple[int, int, str]], page_links: bool = False
) -> Iterator[DiagramProblem]:
    """Give what could run script or load from outside, per statement of a diagram.

    With `page_links`, a `click NODE href "#anchor"` statement (a link within the page) passes.
    """
    for index, (line, column, content) in enumerate(lines):
        if content.strip() == "---" and index == 0:
            yield DiagramProblem(line + 1, column + 1, "diagram configuration (front matter)")
            continue
        if _COMMENT.match(content) and not _DIRECTIVE.match(content.lstrip()):
            continue  # a comment: Mermaid ignores the whole line
        yield from _line_problems(line, column, content, page_links)


def _line_problems(
    line: int, column: int, content: str, page_links: bool
) -> Iterator[DiagramProblem]:
    def problem(at: int, message: str) -> DiagramProblem:
        return DiagramProblem(line + 1, column + at + 1, message)

    directive = _DIRECTIVE.search(content)
    if directive:
        yield problem(directive.start(), "a %%{...}%% directive changes how Mermaid runs")
    # Mermaid reads `#59;` as one character before it looks for `;`: blank the codes (same
    # length, so columns hold) and split what is left.
    statements = _MERMAID_CODE.sub(lambda m: " " * len(m[0]), content)
    offset = 0
    for statement in statements.split(";"):
        action = _ACTION.match(statement)
        if action and not (page_links and _PAGE_LINK.fullmatch(statement)):
            yield problem(offset + action.start(1), f"`{action[1]}` makes the diagram run code")
        offset += len(statement) + 1
    for found in _SHAPE_DATA.finditer(content):
        yield problem(found.start(), "shape data (`@{...}`) can load images from anywhere")
    # Only a literal `<` starts a tag: Mermaid shows `#60;` and `&lt;` as text.
    for tag in _TAG.finditer(content):
        closing, name, attributes, end = tag.groups()
        if not (name.lower() in _PLAIN_TAGS and attributes.strip() in ("", "/") and end):
            yield problem(tag.start(), f"HTML `<{closing}{name}...>` in a label")
    for address in _ADDRESS.finditer(content):
        yield problem(address.start(), f"the address `{address.group().strip()}` leaves the site")


def markdown_diagram_problems(text: str) -> list[DiagramProblem]:
    """Give the problems of every mermaid diagram in a Markdown text."""
    return [p for fence in mermaid_fences(text) for p in diagram_problems(fence.body)]
