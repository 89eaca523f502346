"""The search's top answers: for every word, and every word's start, the best entries, ranked
when the site is built, so a one-word query is answered by one small fetch.

Pagefind answers every query, but first it reads metadata for every page and ranks every
match: at 10,000 entries a common word matches 7,000 pages and the first answer takes a second.
What a reader sees first is the top ten for one word (or the word being typed), and those can
be ranked in advance. The index holds, for each key, how many entries match and the ten best.
The keys that begin with the same four characters (a shorter key alone) are in the same file,
picked by a hash of those characters, about four starts to a file:

    answers/files.json   {"files": F}
    answers/<n>.json     {"keys": {key: [count, [i, ...]]},
                          "entries": [[url, title, kind, summary], ...]}

where `n` is the FNV-1a hash of the start's UTF-8, modulo F, and each `i` a place in the file's
own `entries`. Every file from 0 to F - 1 is written, so a word no entry holds is a file
without its key, not a missing file (which a browser reports as an error).

A key of three or more characters is a word's start ("road" finds "road" and "roadmap", the
whole word first); a two-letter key is that word whole ("PM"), as the search box has it. A
query fetches one file, and what it holds grows with the words that share a start, not with the
number of entries. Queries of several words, words the index has no key for (and words of
scripts written without spaces), and anything filtered go to Pagefind.

Ranking follows Pagefind's over the same record: BM25 with the same weights (the title counts
`2 x` the kind's `search_boost` and the text `boost / 2`, `search.record_html`), a start taken
as one term of every word it begins, and a boost for a title that holds it.
"""

from __future__ import annotations

import bisect
import heapq
import json
import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import snowballstemmer

SHOWN = 10
"""Answers kept per key: what the search box lists."""
SHARD = 4
"""Characters of a key that pick its file: the words of a common start ("con") are spread
over the files of their next letter, not all in one."""
STARTS_PER_FILE = 4
SHORTEST_START = 3
LONGEST_START = 16
"""Longer starts of a word are not keys: a query that long is a whole word, or Pagefind's."""
LONGEST_WORD = 40
SUMMARY_CHARACTERS = 240
K1, B = 1.2, 0.75
"""BM25's saturation and length normalisation, its usual values."""
TITLE_BOOST = 5.0
"""What a title that holds the key adds to an entry's score. Pagefind adds as much after BM25
(`ranking.metaWeights.title`, 5 by default, times the term's IDF), so an entry whose title
has the word comes before every entry whose text only mentions it."""

_WORD = re.compile(r"[^\W_]+")
UNSPACED = (
    "\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u3040-\u30ff\u31f0-\u31ff\u3400-\u4dbf"
    "\u4e00-\u9fff\uf900-\ufaff\uff66-\uff9f\U00020000-\U0003134f"
)
"""Thai, Lao, Myanmar, Khmer, kana and Han: scripts written without spaces between words, so
a run of their letters is a phrase, and "the word is not a key" would not mean "no entry holds
it". Words with them are not keys; the search box sends them to Pagefind (the same ranges are
in `playbook-search.js`)."""
_UNSPACED = re.compile(f"[{UNSPACED}]")


def words(text: str) -> list[str]:
    """Give a text's words, lower-cased: letters and digits, as the search box splits a query."""
    return _WORD.findall(text.lower())


@dataclass(frozen=True, slots=True)
class Entry:
    """What the index holds about one entry: its words, and what a result shows."""

    url: str
    title: str
    kind: str
    summary: str
    text: str
    title_weight: float
    text_weight: float


@dataclass(frozen=True, slots=True)
class Key:
    """A key's answer: how many entries match, and the best, by entry number."""

    count: int
    best: tuple[int, ...]


def rank(entries: Sequence[Entry]) -> dict[str, Key]:
    """Give every key (words and stems of two characters, starts of three or more) its answer.

    A key is searched as Pagefind searches a word: stemmed, then as the start of every stemmed
    word of the index (`metrics` finds "metric" too), as one term; a longer word counts for
    less (`road` counts whole in "road", four sevenths in "roadmap"). An entry's score is BM25
    of that term plus `TITLE_BOOST` when its title holds it. All of a key's entries share its
    IDF, which therefore does not change their order and is left out."""
    postings = Postings.of(entries)
    answers: dict[str, Key] = {}
    for key in _keys(postings):
        weighted: dict[int, float] = {}
        titled: set[int] = set()
        term = stem(key)
        for word in postings.matching(term, whole=len(key) < SHORTEST_START):
            share = len(term) / len(word)
            for entry, frequency in postings.frequencies[word].items():
                weighted[entry] = weighted.get(entry, 0.0) + share * frequency
            titled |= postings.titles.get(word, set())
        answers[key] = Key(len(weighted), _best(weighted, titled, postings.norms))
    return answers


_STEMMER = snowballstemmer.stemmer("english")


def stem(word: str) -> str:
    """Give a word's stem, as Pagefind stems the words of an English page and of a query
    (Snowball's English stemmer; the records are English, `search.record_html`)."""
    stemmed: str = _STEMMER.stemWord(word)
    return stemmed


@dataclass(frozen=True, slots=True)
class Postings:
    """Where each stemmed word is: its weighted frequency in each entry that holds it (the
    title and the text weighted as Pagefind weighs them, `search.record_html`) and the entries
    whose title holds it; the words as written, which make the keys; and each entry's BM25
    length norm."""

    frequencies: dict[str, dict[int, float]]
    titles: dict[str, set[int]]
    written: set[str]
    norms: list[float]
    stems: list[str]
    """The stemmed words in order, where those a term begins are side by side."""

    @classmethod
    def of(cls, entries: Sequence[Entry]) -> Postings:
        counted = [(Counter(words(e.title)), Counter(words(e.text))) for e in entries]
        lengths = [sum(title.values()) + sum(text.values()) for title, text in counted]
        average = (sum(lengths) / len(lengths)) if lengths else 1.0
        vocabulary = {w for title, text in counted for w in title.keys() | text.keys()}
        written = {w for w in vocabulary if 2 <= len(w) <= LONGEST_WORD and not _UNSPACED.search(w)}
        stem_of = {word: stem(word) for word in written}
        frequencies: dict[str, dict[int, float]] = {}
        titles: dict[str, set[int]] = {}
        for number, ((title, text), entry) in enumerate(zip(counted, entries, strict=True)):
            # In order: the sums of a stem's words then come out the same in every build.
            for word in sorted((title.keys() | text.keys()) & written):
                frequency = entry.title_weight * title[word] + entry.text_weight * text[word]
                held = frequencies.setdefault(stem_of[word], {})
                held[number] = held.get(number, 0.0) + frequency
                if word in title:
                    titles.setdefault(stem_of[word], set()).add(number)
        norms = [K1 * (1 - B + B * length / average) for length in lengths]
        return cls(frequencies, titles, written, norms, sorted(frequencies))

    def matching(self, term: str, whole: bool) -> list[str]:
        """Give the stemmed words a term finds: itself if `whole`, else every one it begins."""
        if whole:
            return [term] if term in self.frequencies else []
        at = bisect.bisect_left(self.stems, term)
        found = []
        while at < len(self.stems) and self.stems[at].startswith(term):
            found.append(self.stems[at])
            at += 1
        return found


def _keys(postings: Postings) -> set[str]:
    """Give the keys: a two-letter word or stem itself (Pagefind matches a two-letter query
    whole, against stems: "op" finds "ops"); a longer word as written each of its starts from
    three letters to `LONGEST_START`, and itself if it is longer still."""
    keys = {word for word in postings.stems if len(word) == 2}
    for word in postings.written:
        if len(word) == 2:
            keys.add(word)
            continue
        keys.update(
            word[:length] for length in range(SHORTEST_START, min(len(word), LONGEST_START) + 1)
        )
        if len(word) > LONGEST_START:
            keys.add(word)
    return keys


def _best(weighted: dict[int, float], titled: set[int], norms: list[float]) -> tuple[int, ...]:
    """Give the best entries, highest score first, ties in catalogue order: BM25's
    term-frequency part (it grows with the frequency, and less in long entries), and the title's
    boost. Every matching entry is scored: at 10,000 entries, 3.4 million of them."""
    saturation = K1 + 1
    scored = [
        (
            -(
                frequency * saturation / (frequency + norms[entry])
                + TITLE_BOOST * (entry in titled)
            ),
            entry,
        )
        for entry, frequency in weighted.items()
    ]
    return tuple(entry for _, entry in heapq.nsmallest(SHOWN, scored))


def file_of(key: str, files: int) -> int:
    """Give the number of the file a key is in: FNV-1a (32 bits) of its start's UTF-8."""
    hashed = 0x811C9DC5
    for byte in key[:SHARD].encode("utf-8"):
        hashed = ((hashed ^ byte) * 0x01000193) & 0xFFFFFFFF
    return hashed % files


def write_top_answers(entries: Sequence[Entry], out: Path) -> None:
    """Write the index of top answers into `out` (a new folder), in a stable order."""
    answers = rank(entries)
    files = max(1, math.ceil(len({key[:SHARD] for key in answers}) / STARTS_PER_FILE))
    grouped: list[list[str]] = [[] for _ in range(files)]
    for key in sorted(answers):
        grouped[file_of(key, files)].append(key)
    out.mkdir(parents=True)
    (out / "files.json").write_text(_json({"files": files}), encoding="utf-8")
    for number, keys in enumerate(grouped):
        shown = sorted({entry for key in keys for entry in answers[key].best})
        place = {entry: at for at, entry in enumerate(shown)}
        content = {
            "keys": {
                key: [answers[key].count, [place[entry] for entry in answers[key].best]]
                for key in keys
            },
            "entries": [
                [e.url, e.title, e.kind, _shortened(e.summary)] for e in (entries[n] for n in shown)
            ],
        }
        (out / f"{number}.json").write_text(_json(content), encoding="utf-8")


def _shortened(summary: str) -> str:
    """Give a summary cut at a word to about the length of a search result's excerpt."""
    if len(summary) <= SUMMARY_CHARACTERS:
        return summary
    return summary[:SUMMARY_CHARACTERS].rsplit(" ", 1)[0] + "…"


def _json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True) + "\n"
