"""Check Markdown text before the site engine sees it: size and nesting limits, and raw HTML.

Python-Markdown is quadratic or recursive on some shapes: a thousand headings take a second,
four thousand take seven; thousands of `[` in one paragraph, quotes or lists nested hundreds
deep take minutes or end in a RecursionError. Real pages come nowhere near the limits below,
so text beyond them is refused here, with its position, and never reaches the engine.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from generator.checks.html import raw_html
from generator.checks.mermaid import markdown_diagram_problems
from generator.checks.references import walk
from generator.checks.schema import json_path
from generator.content.fenced import unfenced_lines
from generator.content.load import LoadedFile
from generator.content.schemas import KindSchema
from generator.content.yamlread import Pointer
from generator.model import Issue, Severity, SourceRef

RULES = frozenset({
    "markdown-depth", "markdown-size", "html-raw", "mermaid-unsafe", "markdown-control",
})  # fmt: skip
"""The rules of the problems these checks report."""
MAX_LINE_CHARS = 20_000
"""Longest line of any text field or Markdown body; a long paragraph on one line is ~3,000."""
MAX_BLOCK_CHARS = 30_000
"""Longest paragraph (lines without a blank line between them): code spans cost quadratic time."""
MAX_NESTING = 16
"""Deepest nesting of quotes and list items at the start of a line."""
MAX_INDENT = 64
"""Widest indentation outside fenced code: sixteen list levels of four spaces."""
MAX_BRACKET_DEPTH = 32
"""Deepest nesting of `[` in one text."""
MAX_BRACKETS = 1_000
"""Most `[` in one text: a link each; footnote references cost quadratic time."""
MAX_BLOCKS = 2_000
"""Most blocks (paragraphs, headings, list items, definitions) in one text."""

_CONTAINERS = re.compile(r"(?:[ \t]{0,3}(?:>|[-*+](?=[ \t])|\d{1,9}[.)](?=[ \t]))[ \t]?)+")
_BLOCK_START = re.compile(
    r"^[ \t]*(?:[#>*+|:=_-]|\d{1,9}[.)]|\[|!!!|\?\?\?)|\n[ \t]*\n(?=[ \t]*\S)", re.MULTILINE
)


@dataclass(frozen=True, slots=True)
class TextProblem:
    """A problem in a text, located 1-based within that text."""

    line: int
    column: int
    rule: str
    message: str
    hint: str


def check_text_size(text: str) -> list[TextProblem]:
    """Give the problem with the longest line of a plain text field, if it is too long."""
    if len(text) <= MAX_LINE_CHARS:
        return []
    for number, line in enumerate(text.split("\n"), start=1):
        if len(line) > MAX_LINE_CHARS:
            return [
                TextProblem(
                    number,
                    MAX_LINE_CHARS + 1,
                    "markdown-size",
                    f"a line of {len(line):,} characters; the limit is {MAX_LINE_CHARS:,}",
                    "break the text into shorter lines or paragraphs",
                )
            ]
    return []


def check_markdown_limits(text: str) -> list[TextProblem]:
    """Give the first problem of each kind that would make the site engine slow or crash."""
    problems = check_text_size(text)
    problems.extend(_long_block(text))
    problems.extend(_nesting(text))
    problems.extend(_brackets(text))
    blocks = len(_BLOCK_START.findall(text)) if text.count("\n") > MAX_BLOCKS else 0
    if blocks > MAX_BLOCKS:
        problems.append(
            TextProblem(
                1,
                1,
                "markdown-size",
                f"{blocks:,} paragraphs, headings and list items; the limit is {MAX_BLOCKS:,}",
                "split the text into several entries",
            )
        )
    return problems


def _long_block(text: str) -> Iterator[TextProblem]:
    if len(text) <= MAX_BLOCK_CHARS:
        return
    line = 1
    for block in re.split(r"(\n[ \t]*\n)", text):
        if len(block) > MAX_BLOCK_CHARS:
            yield TextProblem(
                line + (len(block) - len(block.lstrip("\n"))),
                1,
                "markdown-size",
                f"a paragraph of {len(block):,} characters; the limit is {MAX_BLOCK_CHARS:,}",
                "split it with blank lines, or into several entries",
            )
            return
        line += block.count("\n")


def _nesting(text: str) -> Iterator[TextProblem]:
    if ">" not in text and "\n" + " " * MAX_INDENT not in text and not _deep_markers(text):
        return
    for number, line in unfenced_lines(text):
        containers = _CONTAINERS.match(line)
        depth = sum(1 for c in containers.group() if c in ">-*+.)") if containers else 0
        indent = len(line.expandtabs(4)) - len(line.expandtabs(4).lstrip())
        if depth > MAX_NESTING or indent > MAX_INDENT:
            message = (
                f"quotes or lists nested {depth} deep; the limit is {MAX_NESTING}"
                if depth > MAX_NESTING
                else f"a line indented {indent} spaces; the limit is {MAX_INDENT}"
            )
            yield TextProblem(
                number,
                1,
                "markdown-depth",
                message,
                "flatten the structure: a page reads best with two or three levels at most",
            )
            return


def _deep_markers(text: str) -> bool:
    return any(marker * MAX_NESTING in text for marker in ("- ", "* ", "+ ", "> "))


def _brackets(text: str) -> Iterator[TextProblem]:
    count = text.count("[")
    if count > MAX_BRACKETS:
        yield TextProblem(
            1,
            1,
            "markdown-size",
            f"{count:,} `[` brackets (links); the limit is {MAX_BRACKETS:,}",
            "split the text into several entries",
        )
        return
    if count <= MAX_BRACKET_DEPTH:
        return
    depth = 0
    for number, line in enumerate(text.split("\n"), start=1):
        for column, char in enumerate(line, start=1):
            if char == "[":
                depth += 1
                if depth > MAX_BRACKET_DEPTH:
                    yield TextProblem(
                        number,
                        column,
                        "markdown-depth",
                        f"`[` brackets nested more than {MAX_BRACKET_DEPTH} deep",
                        "close each `[` with `]`; links do not nest",
                    )
                    return
            elif char == "]":
                depth = max(0, depth - 1)


def check_raw_html(text: str) -> list[TextProblem]:
    """Give a problem for each piece of raw HTML in Markdown text."""
    return [
        TextProblem(
            found.line,
            found.column,
            "html-raw",
            f'raw HTML `{found.snippet}` is not allowed (html = "refuse" in pyproject.toml)',
            "write it in Markdown; to show a tag as text, put it in backticks: `<br>`",
        )
        for found in raw_html(text)
    ]


def check_unsafe_text(text: str) -> list[TextProblem]:
    """Give the control characters and the diagrams that could run script or fetch, located."""
    problems = [
        TextProblem(
            p.line,
            p.column,
            "mermaid-unsafe",
            f"diagram: {p.message}",
            "draw boxes, arrows and plain labels only; link to pages from the text around it",
        )
        for p in markdown_diagram_problems(text)
    ]
    lines_seen: set[int] = set()
    for found in _CONTROL.finditer(text):
        at = found.start()
        number = text.count("\n", 0, at) + 1
        if number in lines_seen:
            continue  # one per line is enough to find them
        lines_seen.add(number)
        problems.append(
            TextProblem(
                number,
                at - text.rfind("\n", 0, at),
                "markdown-control",
                f"the control character U+{ord(found.group()):04X} is not allowed in text",
                "delete it; pasted text sometimes carries invisible characters",
            )
        )
    return problems


_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
"""A C0 or C1 control character, or DEL: any but tab and the line ends."""


def check_markdown(loaded: LoadedFile, kind: KindSchema, *, refuse_html: bool) -> list[Issue]:
    """Give the limit, control character, diagram (and, when refusing raw HTML, the HTML)
    problems of one file's text."""
    issues: list[Issue] = []
    markdown_at: set[Pointer] = set()
    for pattern in kind.markdown_fields:
        for pointer, text, _ in walk(loaded.data, pattern):
            if isinstance(text, str):
                markdown_at.add(pointer)
                problems = check_markdown_limits(text)
                if not problems:
                    problems = check_unsafe_text(text)
                if refuse_html and not problems:
                    problems = check_raw_html(text)
                issues.extend(_field_issue(loaded, pointer, p) for p in problems)
    # No value is longer than the YAML it was read from: short files skip the walk of every value.
    strings = _strings(loaded.data, ()) if len(loaded.yaml_text) > MAX_LINE_CHARS else ()
    for pointer, text in strings:
        if pointer not in markdown_at:
            issues.extend(_field_issue(loaded, pointer, p) for p in check_text_size(text))
    if loaded.body:
        problems = check_markdown_limits(loaded.body)
        if not problems:
            problems = check_unsafe_text(loaded.body)
        if refuse_html and not problems:
            problems = check_raw_html(loaded.body)
        for p in problems:
            at = SourceRef(loaded.rel, loaded.body_line + p.line - 1, p.column)
            issues.append(Issue(at, Severity.ERROR, p.rule, p.message, p.hint))
    return issues


def _strings(value: Any, pointer: Pointer) -> Iterator[tuple[Pointer, str]]:
    if isinstance(value, str):
        yield pointer, value
    elif isinstance(value, dict):
        for name, item in value.items():
            yield from _strings(item, (*pointer, name))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _strings(item, (*pointer, index))


def _field_issue(loaded: LoadedFile, pointer: Pointer, p: TextProblem) -> Issue:
    """Locate a problem inside a field: exactly in a `|` block, else at the field's value."""
    at = loaded.locate(pointer)
    lines = loaded.yaml_text.split("\n")
    index = at.line - loaded.line_offset - 1
    if 0 <= index < len(lines) and lines[index][at.column - 1 : at.column].startswith("|"):
        content = index + p.line
        if content < len(lines):
            indent = len(lines[content]) - len(lines[content].lstrip(" "))
            at = SourceRef(at.path, at.line + p.line, indent + p.column)
    return Issue(at, Severity.ERROR, p.rule, f"{json_path(pointer)}: {p.message}", p.hint)
