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


_ANY_STEP = frozenset({"[]", "{}", "*"})
"""Pattern steps that are not a field name."""

Reached = tuple[tuple[str | int, ...], Any, bool]
"""(pointer, value, is_key) for a value a pattern reaches."""


def walk(value: Any, pattern: Pattern, pointer: tuple[str | int, ...] = ()) -> list[Reached]:
    """Give (pointer, value, is_key) for every value the pattern reaches.

    A list, filled by plain recursion: nested generators cost a third of linking 10,000 entities.
    """
    reached: list[Reached] = []
    _walk(value, pattern, 0, pointer, reached)
    return reached


def _walk(
    value: Any, pattern: Pattern, at: int, pointer: tuple[str | int, ...], out: list[Reached]
) -> None:
    if at == len(pattern):
        out.append((pointer, value, False))
        return
    step = pattern[at]
    if step == "[]":
        if isinstance(value, list):
            for index, item in enumerate(value):
                _walk(item, pattern, at + 1, (*pointer, index), out)
    elif step == "{}":
        if isinstance(value, dict) and at + 1 == len(pattern):
            out.extend(((*pointer, name), name, True) for name in value)
    elif step == "*":
        if isinstance(value, dict):
            for name, item in value.items():
                _walk(item, pattern, at + 1, (*pointer, name), out)
    elif isinstance(value, dict) and step in value:
        _walk(value[step], pattern, at + 1, (*pointer, step), out)


def field_references(origin: str, data: dict[str, Any], kind: KindSchema) -> Iterator[Reference]:
    """Give the references held in the fields the schema marks with `x-playbook-ref`."""
    for ref_field in kind.ref_fields:
        first = ref_field.pattern[:1]
        if first and first[0] not in data and first[0] not in _ANY_STEP:
            continue  # most optional fields are absent: no walk for them
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
    links: list[MarkdownLink] = []
    for match in _PLAIN_LINK.finditer(text):
        label, target = match.group(1), match.group(2)
        if "\n" in label:
            first = text[text.rfind("\n", 0, match.start()) + 1 : match.start()].lstrip()
            rest = label.split("\n")[1:]
            if first.startswith(("#", "|")) or not all(_CONTINUES.match(line) for line in rest):
                return None  # a heading, table row or new block could cut the link
        if (":" in target or target.startswith("//")) and not _kept_as_written(target):
            return None  # a scheme or host: only markdown-it's own normalising is exact
        at = match.start(2)
        line, column = text.count("\n", 0, at) + 1, at - text.rfind("\n", 0, at)
        links.append(MarkdownLink(line, column, target))
    if not len(links) == text.count("[") == text.count("]") == text.count("]("):
        return None
    return links


def _kept_as_written(target: str) -> bool:
    """Tell whether markdown-it keeps a link target as written (imported only for such links)."""
    from markdown_it.common.normalize_url import normalizeLink, validateLink

    return bool(normalizeLink(target) == target and validateLink(target))


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
    origin: str,
    folder: str,
    link: MarkdownLink,
    at: SourceRef | None,
    field: str,
    pointer: tuple[str | int, ...] = (),
) -> Reference | None:
    """Turn a relative link from a file in `folder` to a playbook source file into a reference;
    other links give None. `pointer` locates a link in a YAML field when it is reported."""
    target = playbook_file(folder, link.target)
    if target is None:
        return None
    return Reference(origin, "file", target, field, pointer, source=at)


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
