"""The search index: records from the model, a deterministic Pagefind bundle, and the scan's
narrow allowance for the index's script."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from generator.site.pagefind import IndexedPage, write_pagefind_bundle
from generator.site.scan import scan_page
from generator.site.search import SearchRecord, plain_text, record_html

PAGE = """<!doctype html><html><head>{head}</head><body><p>text</p></body></html>"""


def test_the_scan_allows_preloading_only_the_indexers_module() -> None:
    ours = '<link rel="modulepreload" href="../../pagefind/pagefind.js">'
    assert scan_page(PAGE.format(head=ours)) == []
    for forged in (
        '<link rel="modulepreload" href="../pagefind/evil.js">',
        '<link rel="modulepreload" href="pagefind/fragment/pagefind.js">',
        '<link rel="modulepreload" href="https://cdn.example.org/pagefind/pagefind.js">',
        '<link rel="MODULEPRELOAD" href="tools/amplitude/x.js">',
        '<script type="module" src="../pagefind/pagefind.js"></script>',
    ):
        findings = scan_page(PAGE.format(head=forged))
        assert [f.kind for f in findings] == ["script"], forged


def record(**changes: object) -> SearchRecord:
    values: dict[str, object] = {
        "url": "/tools/x/",
        "title": "X",
        "kind": "Tool",
        "summary": "A tool.",
        "text": (),
        "filters": {"kind": ("Tools",)},
        "boost": 5.0,
    }
    values.update(changes)
    return SearchRecord(**values)  # type: ignore[arg-type]


def test_record_documents_escape_every_value() -> None:
    html = record_html(
        record(title='<img src=x onerror="alert(1)">', filters={"tag": ('a" onclick="b',)})
    )
    assert "<img" not in html and 'onclick="b' not in html
    assert 'data-pagefind-filter="tag:a&quot; onclick=&quot;b"' in html


def test_plain_text_keeps_the_words_and_drops_the_syntax() -> None:
    markdown = "## Why\n\nSee the [tracking plan](../templates/p.md), **named** `report_exported`."
    assert plain_text(markdown) == "Why See the tracking plan, named report_exported."


def bundle_files(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def test_the_bundle_is_the_same_for_the_same_pages(tmp_path: Path) -> None:
    pytest.importorskip("pagefind_bin")
    pages = [
        IndexedPage(
            f"/k/{n}/",
            record_html(
                record(
                    url=f"/k/{n}/",
                    title=f"Entry {n}",
                    filters={
                        "tag": tuple(f"t{(n + i) % 9}" for i in range(3)),
                        "kind": (f"K{n % 4}",),
                    },
                )
            ),
        )
        for n in range(60)
    ]
    write_pagefind_bundle(pages, tmp_path / "one")
    write_pagefind_bundle(pages, tmp_path / "two")
    first, second = bundle_files(tmp_path / "one"), bundle_files(tmp_path / "two")
    assert first == second
    filters = [gzip.decompress(data) for name, data in first.items() if name.startswith("filter/")]
    assert len(filters) == 2
    entry = json.loads(first["pagefind-entry.json"])
    assert f"pagefind.{entry['languages']['en']['hash']}.pf_meta" in first
    # Only what the site's search loads is published: no UI, no other language.
    top = {name for name in first if "/" not in name}
    assert top == {
        "pagefind.js",
        "pagefind-worker.js",
        "pagefind-entry.json",
        "wasm.en.pagefind",
        f"pagefind.{entry['languages']['en']['hash']}.pf_meta",
    }
    assert {name.split("/")[0] for name in first if "/" in name} == {"filter", "fragment", "index"}


def test_an_index_that_cannot_be_written_is_a_located_error(tmp_path: Path) -> None:
    from generator.errors import BuildError
    from generator.site.search import NEW_INDEX, place_search_index

    site = tmp_path / "site"
    site.mkdir()
    (site / NEW_INDEX).write_text("a file where the index's folder goes", encoding="utf-8")
    with pytest.raises(BuildError, match=r"cannot write .*\.pagefind-new"):
        write_pagefind_bundle([IndexedPage("/x/", record_html(record()))], site / NEW_INDEX)
    with pytest.raises(BuildError, match="cannot write"):
        place_search_index(tmp_path / "missing")  # nothing was written to put in place
