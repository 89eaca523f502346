"""Links found without a full Markdown parse are exactly the links markdown-it finds."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.checks import references
from generator.checks.references import MarkdownLink, markdown_links, walk
from generator.config import load_config
from generator.pipeline import validate_playbook

ROOT = Path(__file__).resolve().parent.parent

CASES = [
    "see [a](b.yml) and [c](d.md)",
    "[a\nb](x.yml)",
    "[a\n\nb](x.yml)",
    "# [a\nb](x.yml)",
    "[a\n- b](x.yml)",
    "[a\n1. b](c)",
    "[a\n12 b](c)",
    "[a\n_b](c)",
    "[a\n1) b](c)",
    "[a](https://example.com/x?y=1#z)",
    "[a](javascript:alert(1))",
    "[a](javascript:x)",
    "![img](pic.png)",
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
    "| x | [a](b) |\n|---|---|\n| y | z |",
    "| x | [a\nb](c) |",
    "x\n===\n[a](b)",
    "[a](b)[c](d)",
    "[a](b) [a](b)",
    "* [a](b)\n* [c](d)",
    "1. [a](b)",
    "[a](b)\n---",
    "text ](b) [x",
    "[a](b)\n[a]: c",
    "[a](mailto:x@y.com)",
    "[a](HTTPS://EXAMPLE.COM)",
    "[a](vbscript:x)",
    "[a](data:image/png;base64,xx)",
    "[a](#frag)",
    "[a](//host/x)",
    "[a](/abs)",
    "[a](b)\n  [c\n  d](e)",
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


@pytest.mark.parametrize("text", CASES)
def test_same_links_as_markdown_it(text: str) -> None:
    slow = full_parse(text)
    assert [link.target for link in markdown_links(text)] == [link.target for link in slow]
    fast = references._plain_links(text)
    if fast is None:  # not sure: markdown_links parsed it fully, as checked above
        return
    assert [link.target for link in fast] == [link.target for link in slow]
    if len({link.target for link in slow}) == len(slow):  # a repeated target is found at its first
        assert fast == slow


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


def test_both_paths_are_exercised_by_the_cases() -> None:
    taken = sum(references._plain_links(text) is not None for text in CASES)
    assert 0 < taken < len(CASES), "the cases must try both the fast path and the full parse"
