"""Find the references an entity makes: fields the schema marks, and links in its Markdown."""

from __future__ import annotations

import functools
import posixpath
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from generator.checks.schema import json_path
from generator.config import CONTENT_DIR
from generator.content.schemas import KindSchema, Pattern
from generator.model import Reference, SourceRef

_LINK_HINT = re.compile(r"\]\(|\]:|<[A-Za-z][A-Za-z0-9+.-]{1,31}:")
"""Text without `](`, `]:` or an autolink `<scheme:` has no link to find."""
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*):")


@dataclass(frozen=True, slots=True)
class MarkdownLink:
    """A link found in Markdown text, 1-based within that text."""

    line: int
    column: int
    target: str


def walk(
    value: Any, pattern: Pattern, pointer: tuple[str | int, ...] = ()
) -> Iterator[tuple[tuple[str | int, ...], Any, bool]]:
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
                yield Reference(
                    origin, ref_field.kind, value, json_path(pointer), pointer, key=is_key
                )


def markdown_links(text: str) -> list[MarkdownLink]:
    """Give every link and image target in Markdown text, skipping code."""
    if not _LINK_HINT.search(text):
        return []
    plain = _plain_links(text)
    return plain if plain is not None else _parsed_links(text)


def _parsed_links(text: str) -> list[MarkdownLink]:
    """Give every link and image target markdown-it finds in the text (the exact, slow path)."""
    links: list[MarkdownLink] = []
    lines = text.split("\n")
    for token in commonmark_parser().parse(text):
        if token.type != "inline" or not token.children or token.map is None:
            continue
        for child in token.children:
            target = (
                child.attrs.get("href")
                if child.type == "link_open"
                else (child.attrs.get("src") if child.type == "image" else None)
            )
            if isinstance(target, str):
                line, column = _find(lines, token.map[0], token.map[1], target)
                links.append(MarkdownLink(line, column, target))
    return links


# A full Markdown parse costs about a millisecond per text, most of a validation at scale. Text
# whose only brackets are simple inline links, with nothing that could hide them (code, HTML,
# escapes, entities, reference definitions, indented blocks), gives the same links by regex.
_UNSURE = ("`", "<", ">", "\\", "&", "~~~", "]:", "\n    ", "\n\t")
"""Code, HTML, escapes, entities, reference definitions, indented blocks (substring tests, fast)."""
_CONTINUES = re.compile(r" {0,3}(?!\d{1,9}[.)](?:\s|$))[^\W_]")
"""A line that goes on with the paragraph: it starts with a letter or digit, not a list number."""
_PLAIN_LINK = re.compile(r"\[([^\[\]|\n]*(?:\n[^\[\]|\n]*)*)\]\(([A-Za-z0-9._~:/?#@!$*+,;=-]+)\)")


def _plain_links(text: str) -> list[MarkdownLink] | None:
    """Give the links of text holding only plain `[label](target)` links; None when unsure."""
    if any(mark in text for mark in _UNSURE) or text.startswith(("    ", "\t")):
        return None
    from markdown_it.common.normalize_url import normalizeLink, validateLink

    links: list[MarkdownLink] = []
    for match in _PLAIN_LINK.finditer(text):
        label, target = match.group(1), match.group(2)
        if "\n" in label:
            first = text[text.rfind("\n", 0, match.start()) + 1 : match.start()].lstrip()
            rest = label.split("\n")[1:]
            if first.startswith(("#", "|")) or not all(_CONTINUES.match(line) for line in rest):
                return None  # a heading, table row or new block could cut the link
        if (":" in target or target.startswith("//")) and (
            normalizeLink(target) != target or not validateLink(target)
        ):
            return None  # a scheme or host: only markdown-it's own normalising is exact
        at = match.start(2)
        line, column = text.count("\n", 0, at) + 1, at - text.rfind("\n", 0, at)
        links.append(MarkdownLink(line, column, target))
    if not len(links) == text.count("[") == text.count("]") == text.count("]("):
        return None
    return links


@functools.cache
def commonmark_parser() -> Any:
    """Give the one CommonMark parser, made on first use (importing markdown-it is not free)."""
    from markdown_it import MarkdownIt

    parser: Any = MarkdownIt("commonmark", {"linkify": False}).enable("table")
    parser.validateLink = lambda url: True  # see every link, including the dangerous ones
    return parser


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
    target = playbook_file(posixpath.dirname(rel_path), link.target)
    return None if target is None else Reference(origin, "file", target, field, source=at)


@functools.lru_cache(maxsize=4096)
def playbook_file(folder: str, href: str) -> str | None:
    """Give `kind/file` for a link `href` from `folder` to a playbook source file, else None.

    The one reading of the link form: validation checks these links, the site aims them at
    pages. Cached: the same few targets are linked from the same kind folders thousands of times.
    """
    target = href.split("#", 1)[0].split("?", 1)[0]
    if not target or _SCHEME.match(target) or target.startswith(("/", "//")):
        return None
    parts = posixpath.normpath(posixpath.join(folder, target)).split("/")
    if len(parts) != 3 or parts[0] != CONTENT_DIR:
        return None
    return f"{parts[1]}/{parts[2]}"


_UNSAFE_SCHEMES = ("javascript:", "vbscript:", "livescript:", "data:")
_IGNORABLE = re.compile("[\x00-\x20\x7f\u00ad\u200b-\u200f\u2028\u2029\u2060\ufeff]+")
"""Whitespace, controls and invisible characters: browsers drop some of them inside a scheme."""
_MARKDOWN_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")


def is_unsafe_url(url: str) -> bool:
    """Tell whether a link could run script: javascript:, vbscript:, data: (any spelling).

    Decoded until nothing changes (entities, percent escapes, Markdown backslash escapes, in
    any nesting), with whitespace, control and invisible characters removed.
    """
    if not any(mark in url for mark in (":", "&", "%", "\\")):
        return False  # a scheme needs a colon, and only an entity or escape could spell one
    cleaned = _IGNORABLE.sub("", url)
    for _ in range(8):
        if cleaned.lower().startswith(_UNSAFE_SCHEMES):
            return True
        decoded = _IGNORABLE.sub("", _unescape(cleaned))
        if decoded == cleaned:
            return False
        cleaned = decoded
    return True  # still decoding after eight rounds: nobody writes a link like that


def _unescape(text: str) -> str:
    import html
    import urllib.parse

    return urllib.parse.unquote(html.unescape(_MARKDOWN_ESCAPE.sub(r"\1", text)))
