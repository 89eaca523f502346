"""One escaper for every reader of our Markdown: the site's Python-Markdown and CommonMark hosts."""

from __future__ import annotations

import html
import random
import re
from collections.abc import Callable

import markdown
import pytest
from markdown_it import MarkdownIt

from generator.markdown_text import literal

SAMPLES = [
    "a *b* _c_ `d` ![e](f) <g> & #h | ~~i~~ j\\ {x}",
    "1. starts like a list",
    "2) another list",
    "- dash",
    "+ plus",
    "# a heading",
    "| a | b |",
    "<script>alert(1)</script>",
    "&amp; already a reference",
    "[link](https://example.org) and <https://example.org>",
    "**bold** __bold__ ``code``",
    "a\nsecond line\n\n- third",
]
ALPHABET = "ab 1.-+#|*_`~<>&[](){}!\\:;\"'\n"


def _site(text: str) -> str:
    return markdown.markdown(text, extensions=["tables", "attr_list", "pymdownx.tilde"])


def _host(text: str) -> str:
    return MarkdownIt("commonmark").enable(["strikethrough", "table"]).render(text)


def _shown(rendered: str) -> str:
    """Give the text a reader sees: one paragraph, tags dropped, references read."""
    assert rendered.count("<p>") <= 1, rendered  # no heading, list, table or second block
    assert not re.search(r"<(?!/?p>)[a-z/]", rendered), rendered  # no tag but the paragraph
    return html.unescape(re.sub(r"</?p>", "", rendered)).strip()


def _cases() -> list[str]:
    rng = random.Random(20261203)
    fuzzed = ["".join(rng.choice(ALPHABET) for _ in range(rng.randint(1, 24))) for _ in range(300)]
    return SAMPLES + fuzzed


@pytest.mark.parametrize("render", [_site, _host], ids=["site", "host"])
def test_literal_text_shows_exactly_that_text(render: Callable[[str], str]) -> None:
    for text in _cases():
        expected = " ".join(text.split())
        if not expected:
            continue
        assert _shown(render(literal(text))) == expected, text
