"""Find the references an entity makes: fields the schema marks, and links in its Markdown."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from generator.checks.schema import json_path
from generator.content.schemas import KindSchema, Pattern
from generator.model import Reference, SourceRef

CONTENT_DIR = "playbook"
_LINK_HINT = re.compile(r"\]\(|\]:")
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*):")


@dataclass(frozen=True, slots=True)
class MarkdownLink:
    """A link found in Markdown text, 1-based within that text."""

    line: int
    column: int
    target: str


def walk(value: Any, pattern: Pattern, pointer: tuple[str | int, ...] = ()) -> Iterator[tuple[tuple[str | int, ...], Any, bool]]:
    """Give (pointer, value, is_key) for every value the pattern reaches."""
    if not pattern:
        yield pointer, value, False
        return
    step, rest = pattern[0], pattern[1:]
    if step == "[]":
        if isinstance(value, list):
            for index, item in enumerate(value):
                yield from walk(item, rest, (*pointer, index))
    elif step == "{}":
        if isinstance(value, dict) and not rest:
            for name in value:
                yield (*pointer, name), name, True
    elif step == "*":
        if isinstance(value, dict):
            for name, item in value.items():
                yield from walk(item, rest, (*pointer, name))
    elif isinstance(value, dict) and step in value:
        yield from walk(value[step], rest, (*pointer, step))


def field_references(origin: str, data: dict[str, Any], kind: KindSchema) -> Iterator[Reference]:
    """Give the references held in the fields the schema marks with `x-playbook-ref`."""
    for ref_field in kind.ref_fields:
        for pointer, value, is_key in walk(data, ref_field.pattern):
            if isinstance(value, str):
                yield Reference(origin, ref_field.kind, value, json_path(pointer), pointer, key=is_key)


def markdown_links(text: str) -> list[MarkdownLink]:
    """Give every link and image target in Markdown text, skipping code."""
    if not _LINK_HINT.search(text):
        return []
    from markdown_it import MarkdownIt

    links: list[MarkdownLink] = []
    lines = text.split("\n")
    for token in _parser(MarkdownIt).parse(text):
        if token.type != "inline" or not token.children or token.map is None:
            continue
        for child in token.children:
            target = child.attrs.get("href") if child.type == "link_open" else (
                child.attrs.get("src") if child.type == "image" else None)
            if isinstance(target, str):
                line, column = _find(lines, token.map[0], token.map[1], target)
                links.append(MarkdownLink(line, column, target))
    return links


_PARSERS: dict[type, Any] = {}


def _parser(markdown_it: type) -> Any:
    if markdown_it not in _PARSERS:
        parser = markdown_it("commonmark", {"linkify": False}).enable("table")
        parser.validateLink = lambda url: True  # see every link, including the dangerous ones
        _PARSERS[markdown_it] = parser
    return _PARSERS[markdown_it]


def _find(lines: list[str], first: int, end: int, target: str) -> tuple[int, int]:
    for number in range(first, min(end, len(lines))):
        column = lines[number].find(target)
        if column >= 0:
            return number + 1, column + 1
    return first + 1, 1


def link_reference(
    origin: str, rel_path: str, link: MarkdownLink, at: SourceRef | None, field: str
) -> Reference | None:
    """Turn a relative link to a playbook source file into a reference; other links give None."""
    target = link.target.split("#", 1)[0].split("?", 1)[0]
    if not target or _SCHEME.match(target) or target.startswith(("/", "//")):
        return None
    resolved = posixpath.normpath(posixpath.join(posixpath.dirname(rel_path), target))
    parts = resolved.split("/")
    if len(parts) != 3 or parts[0] != CONTENT_DIR:
        return None
    kind, name = parts[1], parts[2]
    return Reference(origin, "file", f"{kind}/{name}", field, source=at)


def is_unsafe_url(url: str) -> bool:
    """Tell whether a link could run script: javascript:, vbscript:, data: (any spelling)."""
    cleaned = re.sub(r"[\x00-\x20]+", "", _unescape(url)).lower()
    return cleaned.startswith(("javascript:", "vbscript:", "data:"))


def _unescape(text: str) -> str:
    import html
    import urllib.parse

    return urllib.parse.unquote(html.unescape(text))
