"""The YAML reader against YAML 1.2, through libyaml's parser and PyYAML's pure-Python one.

What libyaml accepts and YAML 1.2 refuses is refused with a location; what is read is read as a
YAML 1.2 core-schema reader (the one in the editor's language server) reads it. The values were
checked against that reader, the `yaml` package from npm at 2.9, by hand: the tests need no npm.
"""

from __future__ import annotations

import math
from typing import Any

import pytest
import yaml

from generator.content import yamlread
from generator.content.yamlread import MAX_DEPTH, YamlDocument, read_yaml

LOADERS: list[Any] = [yamlread.PyLoader]
if hasattr(yamlread, "CLoader"):
    LOADERS.insert(0, yamlread.CLoader)


@pytest.fixture(params=LOADERS, ids=lambda loader: loader.__name__, autouse=True)
def loader(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setattr(yamlread, "Loader", request.param)
    return request.param


ANY_RULE = ("yaml-syntax", "yaml-directive")
"""Where libyaml and the pure-Python parser refuse the same text for different reasons."""

# (what, text, rule, (line, column) or None where the parser's own message places it)
REFUSED: list[tuple[str, str, str | tuple[str, ...], tuple[int, int] | None]] = [
    # Comments need a space before `#`.
    ("comment after quotes", 'title: "Board"# note\n', "yaml-syntax", (1, 15)),
    ("comment after brackets", "tags: [a, b]#note\n", "yaml-syntax", (1, 13)),
    ("comment after quotes, Windows line ends", 'a: 1\r\nb: "x"#c\r\n', "yaml-syntax", (2, 7)),
    ("comment after comma", "tags: [a,#note\n  b]\n", "yaml-syntax", (1, 10)),
    ("comment after block indicator", "notes: >#note\n  text\n", "yaml-syntax", None),
    ("comment after directive", "%YAML 1.2#x\n---\na: 1\n", ANY_RULE, None),
    # Lines of a quoted text or bracket must be indented past their field.
    ("quoted text back at the margin", 'summary: "one\ntwo"\n', "yaml-syntax", (2, 1)),
    ("bracket back at the margin", "tags: [a,\nb]\n", "yaml-syntax", (2, 1)),
    ("closing bracket at the margin", "tags: [a,\n  b\n]\n", "yaml-syntax", (3, 1)),
    ("nested field's quoted text", 'a:\n  b: "one\n  two"\n', "yaml-syntax", (3, 1)),
    ("list item's bracket", "- [a,\nb]\n", "yaml-syntax", (2, 1)),
    ("tab as indentation in quotes", 'summary: "one\n\ttwo"\n', "yaml-syntax", (2, 1)),
    ("tab as indentation in brackets", "- [\n\tone,\n two\n ]\n", "yaml-syntax", (2, 1)),
    # Tabs where YAML 1.2 wants indentation: libyaml refuses these itself.
    ("tab-indented field", "a:\n\tb: 1\n", "yaml-syntax", None),
    ("tab-indented value", "a:\n\tvalue\n", "yaml-syntax", None),
    # Block texts: indicators and leading blank lines.
    ("blank line longer than the text", "notes: |\n     \n  text\n", "yaml-syntax", None),
    ("blank lines then less text", "notes: >\n \n  \n   \n # text\n", "yaml-syntax", (5, 1)),
    ("indentation indicator 0", "notes: |0\n  text\n", "yaml-syntax", None),
    ("two-digit indicator", "notes: |10\n  text\n", "yaml-syntax", None),
    ("words after the indicator", "notes: > first\n  second\n", "yaml-syntax", None),
    ("indicator at the field's column", "notes:\n|\n  text\n", "yaml-syntax", (2, 1)),
    ("indicator at a list's column", "- - \n  |\n   text\n", "yaml-syntax", (2, 3)),
    ("explicit key's block text", "? \n|\n x\n: 1\n", "yaml-syntax", (2, 1)),
    ("top-level text that looks like a comment", "--- |\n#text\n", "yaml-syntax", (2, 1)),
    ("block text of spaces only", "notes: |2\n     \n", "yaml-syntax", (1, 8)),
    ("spaces ending the file in a block text", "notes: |\n  x\n   ", "yaml-syntax", (3, 1)),
    ("spaces ending the file in a kept text", "notes: >+\n  x\n  ", "yaml-syntax", (3, 1)),
    # Indicators in brackets.
    ("lone dash in brackets", "tags: [-]\n", "yaml-syntax", (1, 8)),
    ("dashes in brackets", "tags: [-, -]\n", "yaml-syntax", (1, 8)),
    ("question mark glued in braces", "owners: {?team: ops}\n", "yaml-syntax", (1, 10)),
    ("question mark glued in brackets", "tags: [?x]\n", "yaml-syntax", (1, 8)),
    ("lone colon", "a: :\n", "yaml-syntax", None),
    # Structure libyaml refuses itself.
    ("implicit key over two lines in brackets", "[ key\n  : value ]\n", "yaml-syntax", None),
    ("document end inside quotes", '--- "a\n... x\nb"\n', "yaml-syntax", None),
    ("field less indented", "a: 1\n b: 2\n", "yaml-syntax", None),
    ("list item less indented", "a:\n   - x\n  - y\n", "yaml-syntax", None),
    ("mapping on the --- line", "--- a: 1\n    b: 2\n", "yaml-syntax", None),
    ("comment between plain lines", "a: one\n# note\n  two\n", "yaml-syntax", None),
    ("key of two quoted lines", '"a\n b": 1\n', "yaml-syntax", None),
    ("text after quotes", 'a: "x" more\n', "yaml-syntax", None),
    ("nested compact mapping", "a: b: c\n", "yaml-syntax", None),
    ("extra closing bracket", "[a, b] ]\n", "yaml-syntax", None),
    ("empty entry in brackets", "[a, , b]\n", "yaml-syntax", None),
    ("bad escape", 'a: "\\."\n', "yaml-syntax", None),
    ("single quote escaped in double quotes", 'a: "it\\\'s"\n', "yaml-syntax", None),
    ("unclosed quote", 'a: "open\n', "yaml-syntax", None),
    ("key longer than 1024 characters", "k" * 1100 + ": v\n", "yaml-syntax", None),
    # One document, no directives: `%YAML 1.1` would make `yes` true for a YAML 1.2 reader.
    ("two documents", "a: 1\n---\nb: 2\n", "yaml-syntax", None),
    ("document after end marker", "a: 1\n...\nb: 2\n", "yaml-syntax", None),
    ("YAML 1.1 directive", "%YAML 1.1\n---\nenabled: yes\n", "yaml-directive", (1, 1)),
    ("YAML 1.2 directive", "%YAML 1.2\n---\na: 1\n", "yaml-directive", (1, 1)),
    ("TAG directive", "%TAG !e! tag:example.com,2000:\n---\na: 1\n", "yaml-directive", None),
    ("unknown directive", "%FOO bar\n---\na: 1\n", ANY_RULE, None),
    ("directive twice", "%YAML 1.2\n%YAML 1.2\n---\na: 1\n", "yaml-syntax", None),
    # Anchors, aliases and tags are refused where they are written.
    ("unused anchor", "category: &kind tools\n", "yaml-alias", (1, 11)),
    ("anchor on a key", "&k title: x\n", "yaml-alias", (1, 1)),
    ("anchor after a JSON key", '{"a":&x 1}\n', "yaml-alias", (1, 6)),
    ("alias", "a: &x 1\nb: *x\n", "yaml-alias", (1, 4)),
    ("undefined alias", "a: *x\n", "yaml-syntax", (1, 4)),
    ("merge key", "<<: {a: 1}\n", "yaml-alias", (1, 1)),
    ("the reader's own internal tag", "a: !plain 12\n", "yaml-tag", (1, 4)),
    ("internal tag, verbatim", "a: !<!plain> 12\n", "yaml-tag", (1, 4)),
    ("non-specific tag", "a: ! 12\n", "yaml-tag", (1, 4)),
    ("int tag", "a: !!int 12\n", "yaml-tag", (1, 4)),
    ("str tag on a list", "a: !!str [1]\n", "yaml-tag", (1, 4)),
    ("map tag on a list", "a: !!map [1]\n", "yaml-tag", (1, 4)),
    ("local tag after a JSON key", '{"a":!x 1}\n', "yaml-tag", (1, 6)),
    ("tag after a glued question mark", "{?!x 12: a}\n", ("yaml-syntax", "yaml-tag"), None),
    ("python tag", "a: !!python/object/apply:os.system [ls]\n", "yaml-tag", (1, 4)),
    # Keys are names; YAML 1.2 reads these as numbers, booleans or null.
    ("number key", "1.10: a\n", "yaml-key", (1, 1)),
    ("octal key", "0755: a\n", "yaml-key", (1, 1)),
    ("boolean key", "true: a\n", "yaml-key", (1, 1)),
    ("null key", "~: a\n", "yaml-key", (1, 1)),
    ("list as key", "? [a, b]\n: c\n", "yaml-key", (1, 3)),
    ("duplicate key, quoted once", 'a: 1\n"a": 2\n', "yaml-duplicate-key", (2, 1)),
    # Integers a reader whose numbers are doubles (the editor's) would round.
    ("integer past 2**53", "n: 9007199254740992\n", "yaml-number", (1, 4)),
    ("negative integer past 2**53", "n: [-9007199254740993]\n", "yaml-number", (1, 5)),
    ("hex integer past 2**53", "n: 0x20000000000000\n", "yaml-number", (1, 4)),
    ("integer of 5,000 digits", "n: " + "7" * 5_000 + "\n", "yaml-number", (1, 4)),
    # Characters YAML 1.1 readers take for line breaks, and control characters.
    ("next line character", "a: x\x85y\n", "yaml-syntax", (1, 5)),
    ("line separator", "a: x\u2028y\n", "yaml-syntax", (1, 5)),
    ("paragraph separator in quotes", 'a: "x\u2029y"\n', "yaml-syntax", (1, 6)),
    ("NUL", "a: \x00\n", "yaml-syntax", None),
    ("DEL", "a: x\x7f\n", "yaml-syntax", None),
]


@pytest.mark.parametrize(
    ("what", "text", "rule", "position"), REFUSED, ids=[case[0] for case in REFUSED]
)
def test_invalid_or_ambiguous_yaml_is_refused_with_a_location(
    what: str, text: str, rule: str | tuple[str, ...], position: tuple[int, int] | None
) -> None:
    doc = read_yaml(text)
    assert doc.value is None
    assert doc.problems, f"{what}: accepted as {doc.value!r}"
    problem = doc.problems[0]
    assert problem.rule in ((rule,) if isinstance(rule, str) else rule), problem
    assert problem.line >= 1 and problem.column >= 1 and problem.message and problem.hint
    if position is not None:
        assert (problem.line, problem.column) == position, problem


NAN = float("nan")
INF = float("inf")

READ: list[tuple[str, str, Any]] = [
    ("decimal and octal-looking ints", "n: [0, -0, +1, 007, 0755]\n", [0, 0, 1, 7, 755]),
    ("octal and hex ints", "n: [0o17, 0x1F, 0x1f]\n", [15, 31, 31]),
    ("the largest ints every reader reads alike",
     "n: [9007199254740991, -9007199254740991, 0x1FFFFFFFFFFFFF, 000000000000000000001]\n",
     [2**53 - 1, -(2**53 - 1), 2**53 - 1, 1]),
    ("floats", "n: [1., .5, -.5, +1.5, 1e3, 1E3, 1e+3, 2.5e-3, 1.e3, 01.50]\n",
     [1.0, 0.5, -0.5, 1.5, 1000.0, 1000.0, 1000.0, 0.0025, 1000.0, 1.5]),
    ("infinities", "n: [.inf, .Inf, .INF, -.inf, +.inf, -.Inf]\n",
     [INF, INF, INF, -INF, INF, -INF]),
    ("not-a-number", "n: [.nan, .NaN, .NAN]\n", [NAN, NAN, NAN]),
    ("text that only looks like numbers",
     "n: [0X1F, 0o8, 1_000, 0b101, -0o17, -0x1F, 12e, 1.2.3, -.nan, .Nan, .infinity, ., e3]\n",
     ["0X1F", "0o8", "1_000", "0b101", "-0o17", "-0x1F", "12e", "1.2.3", "-.nan", ".Nan",
      ".infinity", ".", "e3"]),
    ("nulls", "n: [~, null, Null, NULL, '']\nm:\n", {"n": [None, None, None, None, ""], "m": None}),
    ("text that only looks like null", "n: [nUll, none, None, Nil]\n",
     ["nUll", "none", "None", "Nil"]),
    ("booleans", "b: [true, True, TRUE, false, False, FALSE]\n",
     [True, True, True, False, False, False]),
    ("YAML 1.1 booleans are text", "b: [tRue, yes, no, on, off, y, n, Yes, NO]\n",
     ["tRue", "yes", "no", "on", "off", "y", "n", "Yes", "NO"]),
    ("dates and times are text", "d: [2024-01-02, 12:30:00, 190:20:30]\n",
     ["2024-01-02", "12:30:00", "190:20:30"]),
    ("quoted and tagged text", "t: ['12', \"true\", !!str 1.5, !!str '']\n",
     ["12", "true", "1.5", ""]),
    ("kept line ends", "t: |+\n  line\n\n", "line\n\n"),
    ("stripped line ends", "t: |-\n  line\n\n", "line"),
    ("folded text", "t: >\n  one\n  two\n\n  three\n    more\n", "one two\nthree\n  more\n"),
    ("indentation indicator", "t: |2\n    two more spaces\n", "  two more spaces\n"),
    ("block text at the end of the file", "t: |\n  one\n  two", "one\ntwo\n"),
    ("kept text at the end of the file", "t: |+\n  one", "one\n"),
    ("spaces ending the file after a field", "t: x\n   ", "x"),
    ("tab after the colon", "t:\tvalue\n", "value"),
    ("tabs in brackets", "t: [ a ,\tb ]\n", ["a", "b"]),
    ("escapes", 't: "\\x41\\u00e9\\t\\/\\_"\n', "A\u00e9\t/\u00a0"),
    ("folded quoted text", 't: "one\n  two\n\n  three"\n', "one two\nthree"),
    ("near misses of comments, tags and anchors",
     "t: [C# and F#, https://x.org/#top, R&D, Done!, Tom & Jerry]\n",
     ["C# and F#", "https://x.org/#top", "R&D", "Done!", "Tom & Jerry"]),
    ("question marks inside text in brackets", "t: [https://x.org/?q=1, What next?]\n",
     ["https://x.org/?q=1", "What next?"]),
    ("comment lines in brackets may sit anywhere", "t: [a,\n# note\n  b]\n", ["a", "b"]),
    ("a list at its field's column", "t:\n- a\n- b\n", ["a", "b"]),
    ("Windows line ends", "t: |\r\n  one\r\n  two\r\n", "one\ntwo\n"),
    ("old Mac line ends", "t: [a,\r  b]\r", ["a", "b"]),
]  # fmt: skip


PURE_PYTHON_REFUSES = {
    "tab after the colon",
    "tabs in brackets",
    "question marks inside text in brackets",
}
"""Valid YAML that PyYAML's pure-Python scanner refuses (tabs between tokens, `?` in brackets):
refused with a location, never read otherwise."""


def _same(found: Any, expected: Any) -> bool:
    if isinstance(expected, float) and math.isnan(expected):
        return isinstance(found, float) and math.isnan(found)
    if isinstance(expected, list):
        return (
            isinstance(found, list)
            and len(found) == len(expected)
            and all(map(_same, found, expected))
        )
    if isinstance(expected, dict):
        return (
            isinstance(found, dict)
            and found.keys() == expected.keys()
            and all(_same(found[k], expected[k]) for k in expected)
        )
    return type(found) is type(expected) and found == expected


@pytest.mark.parametrize(("what", "text", "value"), READ, ids=[case[0] for case in READ])
def test_values_are_read_as_yaml_1_2_core_schema_reads_them(
    what: str, text: str, value: Any, loader: Any
) -> None:
    doc = read_yaml(text)
    if loader is yamlread.PyLoader and what in PURE_PYTHON_REFUSES:
        assert doc.value is None and doc.problems[0].rule == "yaml-syntax"
        return
    assert doc.problems == []
    expected = value if isinstance(value, dict) else {text.split(":", 1)[0]: value}
    assert _same(doc.value, expected), doc.value


def test_every_problem_is_reported_once_in_the_order_of_the_text() -> None:
    doc = read_yaml('a: [[b,\nc]]\nd: &x "e"#f\ng: !t h\n')
    assert [(p.line, p.column, p.rule) for p in doc.problems] == [
        (2, 1, "yaml-syntax"),
        (3, 4, "yaml-alias"),
        (3, 10, "yaml-syntax"),
        (4, 4, "yaml-tag"),
    ]


def test_plain_scalars_are_read_as_yaml_1_2_core_values() -> None:
    doc = read_yaml("a: 0755\nb: [1., .inf, true, word, '12']\nc: ~\n")
    assert doc.value == {"a": 755, "b": [1.0, float("inf"), True, "word", "12"], "c": None}
    assert isinstance(doc.value["b"][0], float) and isinstance(doc.value["b"][2], bool)


def _deepest_crossing(doc: YamlDocument) -> tuple[int, int]:
    assert [p.rule for p in doc.problems] == ["yaml-depth"], doc.problems
    return doc.problems[0].line, doc.problems[0].column


@pytest.mark.parametrize("levels", [MAX_DEPTH + 1, 1_001, 5_000])
def test_deep_brackets_are_refused_at_the_bracket_that_crosses_the_limit(levels: int) -> None:
    # The mapping is the first level, so the 32nd bracket, at column 8 + 31, is the 33rd level.
    text = "notes: " + "[" * levels + "]" * levels + "\n"
    assert _deepest_crossing(read_yaml(text)) == (1, 8 + MAX_DEPTH - 1)


def test_deep_brackets_between_items_are_located_too() -> None:
    text = "notes: " + "[a, " * 1_001 + "]" * 1_001 + "\n"
    assert _deepest_crossing(read_yaml(text)) == (1, 8 + 4 * (MAX_DEPTH - 1))


def test_deep_indentation_is_refused_at_the_line_that_crosses_the_limit() -> None:
    text = "".join("  " * level + f"k{level}:\n" for level in range(1_001))
    # Mapping n (from 0) starts on line n + 1 at column 2n + 1; the 33rd is too deep.
    assert _deepest_crossing(read_yaml(text)) == (MAX_DEPTH + 1, 2 * MAX_DEPTH + 1)


def test_libyaml_nesting_limit_is_the_error_the_reader_knows(loader: Any) -> None:
    if loader is yamlread.PyLoader:
        pytest.skip("the pure-Python parser has no nesting limit")
    try:
        yamlread.compose("[" * 1_001 + "]" * 1_001)
    except yaml.YAMLError as error:
        assert yamlread._NESTING_ERROR in str(error)
    else:
        pytest.skip("libyaml before 0.2.6 has no nesting limit")


class _NestingLimited(yamlread.PyLoader):
    """A parser that fails on deep brackets as libyaml 0.2.6 does: before any event, no depth."""

    def check_event(self, *choices: Any) -> bool:
        if "[" * 100 in self.buffer:
            raise yaml.scanner.ScannerError(
                None, None, "exceeded maximum nesting depth while increasing flow level"
            )
        return bool(super().check_event(*choices))


def test_a_parser_nesting_limit_becomes_yaml_depth_at_the_crossing_bracket(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(yamlread, "Loader", _NestingLimited)
    text = "title: x\nnotes: " + "[" * 1_001 + "]" * 1_001 + "\n"
    assert _deepest_crossing(read_yaml(text)) == (2, 8 + MAX_DEPTH - 1)
