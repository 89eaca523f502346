"""The search's top answers: ranked when the site is built, one file per three-letter start."""

from __future__ import annotations

import json
from pathlib import Path

from generator.site.top_answers import (
    LONGEST_START,
    SHOWN,
    SUMMARY_CHARACTERS,
    Entry,
    rank,
    shard_name,
    write_top_answers,
)


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


def test_the_files_hold_every_key_by_its_start_in_a_stable_order(tmp_path: Path) -> None:
    hostile = '</script><img src=x onerror="alert(1)">\n\u202e'
    entries = [
        entry("Roadmap", summary=hostile),
        entry("Résumé review", "café crème", summary="s " * SUMMARY_CHARACTERS),
        entry("Road", "roadmap"),
    ]
    write_top_answers(entries, tmp_path / "one")
    write_top_answers(entries, tmp_path / "two")
    files = sorted((tmp_path / "one").iterdir())
    assert [f.read_bytes() for f in files] == [
        (tmp_path / "two" / f.name).read_bytes() for f in files
    ]
    answers = rank(entries)
    seen = set()
    for file in files:
        content = json.loads(file.read_text(encoding="utf-8"))
        for key, (count, best) in content["keys"].items():
            assert file.name == f"{shard_name(key)}.json"
            assert count == answers[key].count
            shown = [content["entries"][n] for n in best]
            assert [e[0] for e in shown] == [entries[n].url for n in answers[key].best]
            seen.add(key)
    assert seen == set(answers)
    roadmap = json.loads((tmp_path / "one" / f"{shard_name('roa')}.json").read_text("utf-8"))
    assert [hostile] == [e[3] for e in roadmap["entries"] if e[1] == "Roadmap"]  # as text
    cafe = json.loads((tmp_path / "one" / f"{shard_name('café')}.json").read_text("utf-8"))
    summary = cafe["entries"][0][3]
    assert summary.endswith("…") and len(summary) <= SUMMARY_CHARACTERS + 1
