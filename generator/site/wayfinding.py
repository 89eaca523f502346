"""Place entity pages, which the navigation leaves out, under their catalogue for the theme.

An entity page's parent becomes its kind's catalogue, so breadcrumbs read Home > Roles and the
navigation highlights Roles while the page is shown; previous and next follow the order the
catalogue lists its entries in. Works on the engine's page objects by their attributes only
(`file.src_uri`, `parent`, `previous_page`, `next_page`), so nothing here imports the engine.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable
from typing import Any

_ENTRY_LINK = re.compile(r"\]\(([^()\s#/]+\.md)\)")
"""A catalogue's link to one of its entries: a file in the same folder (`product-manager.md`)."""


def place_entity_pages(nav_pages: Iterable[Any], all_pages: Iterable[Any]) -> None:
    """Give each page outside the navigation whose folder has a catalogue in it a place there."""
    catalogues = {
        posixpath.dirname(page.file.src_uri): page
        for page in nav_pages
        if posixpath.basename(page.file.src_uri) == "index.md" and "/" in page.file.src_uri
    }
    members: dict[str, dict[str, Any]] = {}
    for page in all_pages:
        folder, name = posixpath.split(page.file.src_uri)
        if folder in catalogues and page is not catalogues[folder] and page.parent is None:
            page.parent = catalogues[folder]
            members.setdefault(folder, {})[name] = page
    for folder, pages in members.items():
        _link_in_order(_catalogue_order(catalogues[folder], pages))


def _catalogue_order(catalogue: Any, pages: dict[str, Any]) -> list[Any]:
    """Give the entry pages in the order their catalogue links them, each once."""
    names = _ENTRY_LINK.findall(catalogue.file.content_string)
    return [pages[name] for name in dict.fromkeys(names) if name in pages]


def _link_in_order(pages: list[Any]) -> None:
    for before, after in zip(pages, pages[1:], strict=False):
        before.next_page = after
        after.previous_page = before
