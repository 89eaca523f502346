"""Links found without a full Markdown parse are exactly the links markdown-it finds."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.checks import references
from generator.checks.references import MarkdownLink, markdown_links, walk
from generator.config import load_config
from generator.pipeline import validate_playbook

ROOT = Path(__file__).resolve().parent.parent

FAST_CASES = [
    "see [a](b.yml) and [c](d.md)",
    "[a\nb](x.yml)",
    "[a\n12 b](c)",
    "[a](https://example.com/x?y=1#z)",
    "![img](pic.png)",
    "| x | [a](b) |\n|---|---|\n| y | z |",
    "x\n===\n[a](b)",
    "[a](b)[c](d)",
    "[a](b) [a](b)",
    "* [a](b)\n* [c](d)",
    "1. [a](b)",
    "[a](b)\n---",
    "[a](mailto:x@y.com)",
    "[a](HTTPS://EXAMPLE.COM)",
    "[a](data:image/png;base64,xx)",
    "[a](#frag)",
    "[a](//host/x)",
    "[a](/abs)",
    "[a](b)\n  [c\n  d](e)",
]
"""Texts the fast path answers: its links must be exactly markdown-it's."""

FULL_PARSE_CASES = [
    "[a\n\nb](x.yml)",
    "# [a\nb](x.yml)",
    "[a\n- b](x.yml)",
    "[a\n1. b](c)",
    "[a\n_b](c)",
    "[a\n1) b](c)",
    "[a](javascript:alert(1))",
    "[a](javascript:x)",
    '[a](b "t")',
    "[a] (b)",
    "[a][b]",
    "[[a]](b)",
    "    [a](b)",
    "`[a](b)`",
    "<a href=x>[a](b)</a>",
    "[a](<b c>)",
    "[a](b%20c)",
    "[a](café.yml)",
    "| x | [a\nb](c) |",
    "text ](b) [x",
    "[a](b)\n[a]: c",
    "[a](vbscript:x)",
    "> [a](b)",
    "[a](b)\\",
    "[a]\n(b)",
    "~~~\n[a](b)\n~~~",
    "[a](b&c)",
    "[a](../roles/x.yml)\n\n    [b](c)",
    "\t[a](b)",
    "[a|b](c)",
    "[a](b|c)",
]
"""Texts where code, HTML, containers, titles, escapes or unusual targets could change what
is a link: the fast path must decline them, so markdown-it parses them."""


def full_parse(text: str) -> list[MarkdownLink]:
    """The links markdown_links finds with its fast path switched off: markdown-it's."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(references, "_plain_links", lambda text: None)
        return markdown_links(text)


def markdown_texts() -> list[str]:
    """Every Markdown text validation reads links from in the bundled playbook: bodies and
    the fields its schemas mark as Markdown."""
    validation = validate_playbook(load_config(ROOT))
    texts: list[str] = []
    for loaded in validation.files.values():
        for pattern in validation.schemas.kinds[loaded.kind].markdown_fields:
            texts.extend(text for _, text, _ in walk(loaded.data, pattern) if isinstance(text, str))
        if loaded.body:
            texts.append(loaded.body)
    return texts


@pytest.mark.parametrize("text", FAST_CASES)
def test_the_fast_path_finds_what_markdown_it_finds(text: str) -> None:
    fast, slow = references._plain_links(text), full_parse(text)
    assert fast is not None, "the fast path declined a plain text"
    assert [link.target for link in fast] == [link.target for link in slow]
    if len({link.target for link in slow}) == len(slow):  # a repeated target is found at its first
        assert fast == slow
    assert markdown_links(text) == fast


@pytest.mark.parametrize("text", FULL_PARSE_CASES)
def test_the_fast_path_declines_what_it_cannot_be_sure_of(text: str) -> None:
    assert references._plain_links(text) is None
    assert markdown_links(text) == full_parse(text)


def test_same_links_on_the_bundled_playbook() -> None:
    compared = 0
    for text in markdown_texts():
        fast = references._plain_links(text)
        if fast is not None:
            assert [link.target for link in fast] == [link.target for link in full_parse(text)]
            compared += len(fast)
    assert compared, "no link of the bundled playbook took the fast path: nothing was compared"


def test_fast_path_is_taken_for_plain_links() -> None:
    text = "Ask the [product manager](../roles/product-manager.yml).\nThen [review\nit](../x.md)."
    assert references._plain_links(text) is not None
    assert [link.target for link in markdown_links(text)] == [
        "../roles/product-manager.yml",
        "../x.md",
    ]


def test_code_and_html_still_get_a_full_parse() -> None:
    assert references._plain_links("`[a](b)` and [c](d)") is None
    assert [link.target for link in markdown_links("`[a](b)` and [c](d)")] == ["d"]
