"""Check the mkdocs.yml values that reach every page: no markup, no script, only web addresses.

The theme prints these values into pages as they are (MkDocs' templates do not escape), in
text, in attributes and inside inline scripts, so a value is refused (exit 2, naming its key)
unless it is inert wherever it lands:

- text (`site_name`, `copyright`, nav titles, `extra` and `theme` values...) holds no `<`, `>`,
  `"`, backquote, backslash or control character;
- an address (`site_url`, `repo_url`, `edit_uri`, `extra.social[].link`...) is http(s) (or
  mailto: where the theme links to people), or a path inside the site;
- nothing anywhere reads as a script or data address, in any spelling.

The built site is scanned as well (`scan.py`); this check names the key instead of a page.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any
from urllib.parse import urlsplit

from generator.checks.references import is_unsafe_url
from generator.errors import ConfigError
from generator.printable import visible

PAGE_TEXT = ("site_name", "site_description", "site_author", "copyright", "repo_name")
ABSOLUTE_ADDRESSES = ("site_url", "repo_url")
"""Must be absolute web addresses: the feed, canonical links and the repository button."""
ADDRESSES = ("edit_uri", "edit_uri_template")
"""A path joined to repo_url, or an absolute web address."""
TREES = ("extra", "theme", "nav", "extra_css", "extra_javascript")
"""Folders of values the theme prints somewhere on a page."""
ADDRESS_NAMES = frozenset({
    "link", "href", "url", "homepage", "scope", "src", "logo", "favicon", "path", "repo_url",
})  # fmt: skip
"""Keys inside those trees whose values are addresses."""
WEB_SCHEMES = frozenset({"http", "https"})
LINK_SCHEMES = WEB_SCHEMES | {"mailto"}
_MARKUP = re.compile(r"[<>\"`\\]")
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:")
_NAV_ENTITY = re.compile(r"&(?:#|[A-Za-z]+;)")
"""The theme strips tags from page titles, which decodes entities: none in nav titles."""


def check_mkdocs_values(settings: Mapping[str, Any], source: str = "mkdocs.yml") -> None:
    """Refuse the settings if a value that reaches a page could carry markup or script."""
    problems = list(mkdocs_value_problems(settings))
    if problems:
        raise ConfigError(
            f"{source}: " + "; ".join(problems) + ". Values shown on pages are plain text and "
            "web addresses: remove the markup, or use an https:// address"
        )


def mkdocs_value_problems(settings: Mapping[str, Any]) -> Iterator[str]:
    """Give `key: why` for each value that reaches a page and is not inert there."""
    for key in PAGE_TEXT:
        yield from _text(key, settings.get(key))
    for key in ABSOLUTE_ADDRESSES:
        yield from _address(key, settings.get(key), WEB_SCHEMES, relative=False)
    for key in ADDRESSES:
        yield from _address(key, settings.get(key), WEB_SCHEMES, relative=True)
    for key in TREES:
        yield from _tree(key, settings.get(key), nav=key == "nav")


def _text(key: str, value: Any, *, nav: bool = False) -> Iterator[str]:
    if not isinstance(value, str):
        return
    shown = repr(visible(value))[:80]
    if is_unsafe_url(value):
        yield f"{key}: {shown} is a script or data address"
    elif not value.replace("\n", " ").isprintable():
        yield f"{key}: {shown} holds a control or invisible character"
    elif _MARKUP.search(value):
        yield f"{key}: {shown} holds markup (< > \" ` or \\)"
    elif nav and _NAV_ENTITY.search(value):
        yield f"{key}: {shown} holds an HTML entity"


def _address(key: str, value: Any, schemes: frozenset[str], *, relative: bool) -> Iterator[str]:
    if not isinstance(value, str) or not value:
        return
    problems = list(_text(key, value))
    if problems:
        yield from problems
        return
    if " " in value:
        yield f"{key}: {value!r} holds a space"
        return
    if not _SCHEME.match(value):
        if not relative:
            yield f"{key}: {value!r} is not an absolute address (https://...)"
        elif value.startswith("//"):
            yield f"{key}: {value!r} leaves out the scheme: write https://"
        return
    parts = urlsplit(value)
    if parts.scheme.lower() not in schemes:
        allowed = " or ".join(sorted(schemes))
        yield f"{key}: {value!r} is a {parts.scheme}: address; only {allowed} addresses reach pages"
    elif parts.scheme.lower() in WEB_SCHEMES and not parts.netloc:
        yield f"{key}: {value!r} names no host"


def _tree(key: str, value: Any, *, nav: bool) -> Iterator[str]:
    if isinstance(value, Mapping):
        for name, item in value.items():
            where = f"{key}.{name}"
            if nav:  # `- Title: page.md`: the key is a title the theme prints
                yield from _text(f"{key} title", name, nav=True)
            yield from _leaf_or_tree(where, str(name), item, nav=nav)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _leaf_or_tree(f"{key}[{index}]", key.rpartition(".")[2], item, nav=nav)
    else:
        yield from _leaf_or_tree(key, key.rpartition(".")[2], value, nav=nav)


def _leaf_or_tree(where: str, name: str, value: Any, *, nav: bool) -> Iterator[str]:
    if isinstance(value, Mapping | list):
        yield from _tree(where, value, nav=nav)
    elif isinstance(value, str):
        if nav or name in ADDRESS_NAMES or name in ("extra_css", "extra_javascript"):
            yield from _address(where, value, LINK_SCHEMES, relative=True)
        else:
            yield from _text(where, value)
