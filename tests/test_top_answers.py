"""The search's top answers: ranked when the site is built, one file per four-letter start."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from generator.site.top_answers import (
    LONGEST_START,
    SHOWN,
    SUMMARY_CHARACTERS,
    UNSPACED,
    Entry,
    file_of,
    rank,
    write_top_answers,
)

ROOT = Path(__file__).resolve().parent.parent


def entry(title: str, text: str = "", boost: float = 1.0, summary: str = "") -> Entry:
    url = "/" + "-".join(title.lower().split()) + "/"
    return Entry(url, title, "Tool", summary, text, min(10.0, 2 * boost), min(10.0, boost / 2))


def best_titles(entries: list[Entry], key: str) -> list[str]:
    return [entries[n].title for n in rank(entries)[key].best]


def test_a_start_finds_every_word_it_begins_the_whole_word_first() -> None:
    entries = [
        entry("Planning", "the roadmap and the roadmap again"),
        entry("Roadmap review"),
        entry("Road"),
        entry("Unrelated", "nothing here"),
    ]
    answers = rank(entries)
    assert answers["road"].count == 3
    assert best_titles(entries, "road")[0] == "Road"
    assert set(best_titles(entries, "road")) == {"Road", "Roadmap review", "Planning"}
    assert answers["roadmap"].count == 2
    assert best_titles(entries, "roadmap")[0] == "Roadmap review"  # the title outweighs the text
    assert "roadmapx" not in answers and "ro" not in answers


def test_an_entry_whose_title_holds_the_word_comes_before_those_that_mention_it() -> None:
    # As Pagefind's title boost has it: twelve mentions do not outweigh a title.
    entries = [entry("Lead time", "release " * 12 + "words"), entry("Release notes", "shipped")]
    assert best_titles(entries, "release") == ["Release notes", "Lead time"]


def test_a_start_is_one_term_of_every_word_it_begins() -> None:
    # Counted word by word, the rare "released" (high IDF) outranked eight mentions of
    # "release"; as one term, the entry that says it most comes first.
    entries = [
        entry("Alpha", "released once " + "other words " * 4),
        entry("Beta", "release " * 8),
        *(entry(f"Filler {n}", "release") for n in range(6)),
    ]
    assert best_titles(entries, "release")[0] == "Beta"
    assert rank(entries)["release"].count == 8


def test_a_key_is_stemmed_as_pagefind_stems_a_query() -> None:
    # "metrics" is searched as "metric", which both entries hold; "ops" as "op", whole.
    entries = [entry("Metric targets"), entry("Metrics review"), entry("Product ops")]
    answers = rank(entries)
    assert answers["metrics"].count == answers["metric"].count == 2
    assert answers["op"].count == 1 and "pr" not in answers


def test_two_letters_are_a_whole_word() -> None:
    entries = [entry("PM handbook"), entry("PMO charter"), entry("Pump")]
    answers = rank(entries)
    assert answers["pm"].count == 1 and best_titles(entries, "pm") == ["PM handbook"]
    assert answers["pmo"].count == 1
    assert "pu" not in answers  # a start of two letters is not a key


def test_the_kinds_boost_ranks_and_ties_keep_catalogue_order() -> None:
    entries = [
        entry("First", "metrics matter"),
        entry("Second", "metrics matter"),
        entry("Boosted", "metrics matter", boost=4.0),
    ]
    assert best_titles(entries, "metrics") == ["Boosted", "First", "Second"]


def test_only_the_best_are_kept_but_every_match_is_counted() -> None:
    entries = [entry(f"Entry {n}", "metric " * (1 + n % 3)) for n in range(3 * SHOWN)]
    answer = rank(entries)["metric"]
    assert answer.count == 3 * SHOWN and len(answer.best) == SHOWN
    assert len(set(answer.best)) == SHOWN


def test_long_words_are_keys_whole_and_by_their_first_letters() -> None:
    word = "internationalisation"
    answers = rank([entry("Language", word)])
    assert word in answers and word[:LONGEST_START] in answers
    assert word[: LONGEST_START + 1] not in answers


def test_words_of_scripts_written_without_spaces_are_not_keys() -> None:
    # A run of Han, kana or Thai letters is a phrase: "产品" is in "产品经理" though no word
    # begins with it. Were such runs keys, a missing key could not mean "no entry holds it".
    answers = rank([entry("产品经理 handbook", "プロダクト ผลิตภัณฑ์ 𠀀字 제품 관리")])
    assert set(answers) == {"handbook"[:n] for n in range(3, 9)} | {"제품", "관리"}


def test_the_search_box_knows_the_same_scripts() -> None:
    script = (ROOT / "site_templates/assets/javascripts/playbook-search.js").read_text("utf-8")
    found = re.search(r"const UNSPACED = /\[(.*?)\]/u;", script)
    assert found, "playbook-search.js names the scripts written without spaces"
    escape = r"\\u\{?([0-9a-fA-F]+)\}?"
    in_js = [(int(a, 16), int(b, 16)) for a, b in re.findall(f"{escape}-{escape}", found[1])]
    in_python = [(ord(UNSPACED[i]), ord(UNSPACED[i + 2])) for i in range(0, len(UNSPACED), 3)]
    assert in_js == in_python and len(in_python) == len(UNSPACED) // 3


def test_the_files_hold_every_key_in_the_file_its_start_picks(tmp_path: Path) -> None:
    hostile = '</script><img src=x onerror="alert(1)">\n\u202e'
    entries = [
        entry("Roadmap", summary=hostile),
        entry("Résumé review", "café crème", summary="s " * SUMMARY_CHARACTERS),
        entry("Road", "roadmap"),
        *(entry(f"Entry {word}", f"{word}ing {word}ed") for word in ("alpha", "beta", "gamma")),
    ]
    write_top_answers(entries, tmp_path / "one")
    write_top_answers(entries, tmp_path / "two")
    names = sorted(p.name for p in (tmp_path / "one").iterdir())
    for name in names:  # the same entries, the same bytes
        assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "two" / name).read_bytes()
    files = json.loads((tmp_path / "one" / "files.json").read_text("utf-8"))["files"]
    assert files > 1
    assert sorted(names) == sorted(["files.json", *(f"{n}.json" for n in range(files))])

    def read(number: int) -> dict[str, Any]:
        content: dict[str, Any] = json.loads((tmp_path / "one" / f"{number}.json").read_text())
        return content

    answers = rank(entries)
    seen = set()
    for number in range(files):
        content = read(number)
        for key, (count, best) in content["keys"].items():
            assert file_of(key, files) == number and key[:4] == key[:4].lower()
            assert count == answers[key].count
            shown = [content["entries"][n] for n in best]
            assert [e[0] for e in shown] == [entries[n].url for n in answers[key].best]
            seen.add(key)
    assert seen == set(answers)
    roadmap = read(file_of("roadmap", files))
    assert [hostile] == [e[3] for e in roadmap["entries"] if e[1] == "Roadmap"]  # as text
    cafe = read(file_of("café", files))
    summary = next(e[3] for e in cafe["entries"] if e[1] == "Résumé review")
    assert summary.endswith("…") and len(summary) <= SUMMARY_CHARACTERS + 1
