"""Entity pages get their catalogue as parent and their neighbours in the catalogue's order."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from generator.site.wayfinding import place_entity_pages


@dataclass
class FakeFile:
    src_uri: str
    content_string: str = ""


@dataclass(eq=False)
class FakePage:
    """The attributes of an engine page that wayfinding reads and sets."""

    file: FakeFile
    parent: Any = None
    previous_page: Any = None
    next_page: Any = None


def page(src_uri: str, text: str = "") -> FakePage:
    return FakePage(FakeFile(src_uri, text))


def test_entries_follow_their_catalogue_and_pages_in_the_navigation_stay_as_they_are() -> None:
    home = page("index.md")
    catalogue = page("roles/index.md", "- [B](b.md): one\n- [A](a.md): two [again](b.md)\n")
    a, b, stray = page("roles/a.md"), page("roles/b.md"), page("roles/not-listed.md")
    tags = page("tags.md")
    place_entity_pages([home, catalogue, tags], [home, catalogue, a, b, stray, tags])
    assert a.parent is catalogue and b.parent is catalogue and stray.parent is catalogue
    assert (b.previous_page, b.next_page) == (None, a)
    assert (a.previous_page, a.next_page) == (b, None)
    assert (stray.previous_page, stray.next_page) == (None, None)
    assert catalogue.parent is None and home.parent is None and tags.parent is None


def test_a_page_that_already_has_a_place_keeps_it() -> None:
    catalogue = page("roles/index.md", "[A](a.md)")
    section = object()
    placed = page("roles/a.md")
    placed.parent = section
    place_entity_pages([catalogue], [catalogue, placed])
    assert placed.parent is section
