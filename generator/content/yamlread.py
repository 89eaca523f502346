"""Strict YAML: libyaml composes, we construct, so positions, limits and YAML 1.2 scalars are ours.

PyYAML's own constructors resolve YAML 1.1 scalars (`no` -> False, `2024-01-02` -> date),
silently keep the last of two duplicate keys and expand alias bombs. Here the C parser only
builds the node tree; this module turns nodes into plain Python values and reports every
surprise as a located problem instead.

libyaml also accepts some text that YAML 1.2 calls invalid, and reads a little of it otherwise
than a YAML 1.2 reader (such as the one inside the editor's language server) would. What it
accepts that way is refused here, with a location: a file means one thing or nothing.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.composer import Composer
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.parser import Parser
from yaml.reader import Reader
from yaml.resolver import BaseResolver
from yaml.scanner import Scanner

RULES = frozenset({
    "yaml-syntax", "yaml-duplicate-key", "yaml-alias", "yaml-tag", "yaml-depth", "yaml-key",
    "yaml-directive", "yaml-number", "yaml-size",
})  # fmt: skip
"""The rules of the problems this reader reports: each makes a file unreadable."""
MAX_DEPTH = 32
"""Deepest nesting of mappings and lists; real playbook files need five or six."""

MAX_NODES = 50_000
"""Most values (keys, scalars, lists, mappings) in one file; a large real file has a few hundred."""
_NODE_SCAN_CHARS = MAX_NODES // 2
"""Every value takes at least two characters, so shorter texts need no count."""

PLAIN = ""
"""Tag the composer gives untagged plain scalars. No text can write an empty tag (`!<>` is a
syntax error), and every tag a text does write is refused or checked before building."""

_STD = "tag:yaml.org,2002:"
_ALLOWED_TAGS = {_STD + "str", _STD + "map", _STD + "seq", PLAIN}
_TAG_OF_EVENT = {
    yaml.ScalarEvent: _STD + "str",
    yaml.SequenceStartEvent: _STD + "seq",
    yaml.MappingStartEvent: _STD + "map",
}
"""The one tag a text may write on each kind of node: the one it has anyway."""

# YAML 1.2.2 core schema (section 10.3.2).
_INT = re.compile(r"[-+]?[0-9]+\Z")
_OCTAL = re.compile(r"0o[0-7]+\Z")
_HEX = re.compile(r"0x[0-9a-fA-F]+\Z")
_FLOAT = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?\Z")
_SPECIAL_FLOATS = {
    **{
        sign + inf: float(sign + "inf")
        for sign in ("", "+", "-")
        for inf in (".inf", ".Inf", ".INF")
    },
    **{nan: float("nan") for nan in (".nan", ".NaN", ".NAN")},
}
UNSAFE_INTEGER = 2**53
"""Integers from here on (and down from its negative) are rounded by readers whose numbers are
doubles, as the editor's are: 2**53 + 1 reads as 2**53."""
_NULL = frozenset({"", "~", "null", "Null", "NULL"})
_TRUE = frozenset({"true", "True", "TRUE"})
_FALSE = frozenset({"false", "False", "FALSE"})
_KEYWORDS = _NULL | _TRUE | _FALSE
_NOT_NAMES = _KEYWORDS | {"<<"}
"""Plain keys that are not names, besides numbers: null, booleans and the merge key."""
_SPECIAL_STARTS = frozenset("+-.0123456789?:")
"""What a number, or a lone indicator taken for text, can start with."""
_LONE_INDICATORS = frozenset({"-", "?", ":"})
"""Plain scalars libyaml reads as text where YAML 1.2 sees an indicator or an error (`[-]`)."""

Pointer = tuple[str | int, ...]


class _Untyped(BaseResolver):
    """Resolution without path resolvers or implicit types: the builder types the scalars."""

    # The composer calls these for every node: answering directly, without path resolvers or
    # implicit-type regexes, is a fifth of the cost of reading a file.
    def resolve(self, kind: type, value: Any, implicit: tuple[bool, bool]) -> str:
        if kind is ScalarNode:
            return PLAIN if implicit[0] else _STD + "str"
        return _STD + "seq" if kind is SequenceNode else _STD + "map"

    def descend_resolver(self, current_node: Any, current_index: Any) -> None:
        pass

    def ascend_resolver(self) -> None:
        pass


class PyLoader(Reader, Scanner, Parser, Composer, _Untyped):
    """PyYAML's pure-Python parser and composer: slower, and without libyaml's nesting limit."""

    def __init__(self, stream: str) -> None:
        Reader.__init__(self, stream)
        Scanner.__init__(self)
        Parser.__init__(self)
        Composer.__init__(self)
        _Untyped.__init__(self)


Loader: Any = PyLoader
"""The loader every read uses: libyaml's where PyYAML was built with it."""
try:  # libyaml is an order of magnitude faster
    from yaml.cyaml import CParser  # type: ignore[attr-defined]

    class CLoader(CParser, _Untyped):
        """libyaml's parser and composer."""

        def __init__(self, stream: str) -> None:
            CParser.__init__(self, stream)
            _Untyped.__init__(self)

    Loader = CLoader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    pass


@dataclass(frozen=True, slots=True)
class YamlProblem:
    """A problem in a YAML text, located 1-based within that text."""

    line: int
    column: int
    rule: str
    message: str
    hint: str = ""


@dataclass(slots=True)
class YamlDocument:
    """What reading a YAML text gives: the value (None if unreadable) and the problems."""

    value: Any = None
    problems: list[YamlProblem] = field(default_factory=list)


_SYNTAX_HINTS = (
    (
        "mapping values are not allowed",
        "a value that contains ': ' must be quoted, e.g. \"Step: review\"",
    ),
    ("found character '\\t'", "indent with spaces, not tabs"),
    (
        "could not find expected ':'",
        "each field is `name: value`; check the indentation of this line",
    ),
    ("found undefined alias", "anchors and aliases (&name, *name) are not used in playbook files"),
    ("expected a single document", "a file holds one document: remove the extra `---` line"),
    ("found unexpected end of stream", "a quote or bracket opened here is never closed"),
    ("while parsing a flow", "a bracket opened here is never closed, or items lack a comma"),
    ("while scanning a quoted scalar", "a quote opened here is never closed"),
    ("did not find expected key", "check the indentation: items of one list or mapping line up"),
    ("found a tab character", "indent with spaces, not tabs"),
    ("unacceptable character", "remove the control character; files are plain UTF-8 text"),
)
_NESTING_ERROR = "maximum nesting depth"
"""libyaml 0.2.6 and later stop at 1,000 levels with this message, before any event."""
_DEPTH_HINT = "flatten the structure; playbook fields nest a few levels at most"
_LIMIT_RULES = frozenset({"yaml-depth", "yaml-size"})


def _hint_for(message: str) -> str:
    for needle, hint in _SYNTAX_HINTS:
        if needle in message:
            return hint
    return "check the YAML syntax on this line"


def compose(text: str) -> Node | None:
    """Give the node tree of a single-document YAML text (raises yaml.YAMLError)."""
    loader = Loader(text)
    try:
        node: Node | None = loader.get_single_node()
        return node
    finally:
        loader.dispose()


def read_yaml(text: str) -> YamlDocument:
    """Give the plain value of a YAML text, with every problem located, never raising."""
    if "\r" in text:  # one kind of line break for the checks here; libyaml counts lines alike
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if text and not text.endswith("\n"):
        last = text[text.rfind("\n") + 1 :]
        if not last.strip(" \t"):
            return _ending_in_spaces(text, len(last))
        # libyaml drops the line break of a block text's last line at the end of the file.
        text += "\n"
    doc = YamlDocument()
    separator = _line_separator(text)
    if separator:
        doc.problems.append(separator)
        return doc
    doc.problems += _scan_events(text)
    if any(problem.rule in _LIMIT_RULES for problem in doc.problems):
        return doc  # composing would cost seconds or recurse too deep
    root, unreadable = _compose_located(text)
    if unreadable:
        doc.problems.append(unreadable)
    else:
        doc.problems += _token_problems(text)
    if root is not None:
        # An alias is written `*name`: without a `*` no node can be met twice. Where its anchor
        # was refused already, meeting it again needs no second word.
        anchored = any(problem.rule == "yaml-alias" for problem in doc.problems)
        builder = _Builder(doc, text, aliases="*" in text, anchors_refused=anchored)
        value = builder.build(root, (), 0, -1)
        if not doc.problems:
            doc.value = value
    # A line can be wrong for a bracket and for the bracket inside it: say so once.
    doc.problems = sorted(set(doc.problems), key=lambda p: (p.line, p.column, p.rule, p.message))
    return doc


def _compose_located(text: str) -> tuple[Node | None, YamlProblem | None]:
    """Give the node tree of a text, or the located reason it cannot be read."""
    try:
        return compose(text), None
    except yaml.MarkedYAMLError as error:
        return None, _nesting_problem(text, error) or _syntax_problem(error)
    except yaml.YAMLError as error:  # ReaderError: bad characters, located by offset
        line, column = _offset_position(text, getattr(error, "position", 0))
        message = str(error).splitlines()[0]
        return None, YamlProblem(line, column, "yaml-syntax", message, _hint_for(str(error)))
    except RecursionError:  # the pure-Python composer, thousands of levels deep
        return None, _deepest(text, PyLoader) or YamlProblem(
            1, 1, "yaml-depth", "nesting is too deep to read", _DEPTH_HINT
        )


def _ending_in_spaces(text: str, spaces: int) -> YamlDocument:
    """Read a text whose last line is spaces with no line break, where that line changes nothing.

    Such a line can be part of a block text that ends the file, and there libyaml and the
    editor's reader disagree on it, with a line break added or without. So the text is read
    with the line and without it, and refused where the two differ.
    """
    trimmed = read_yaml(text[:-spaces])
    if repr(read_yaml(text + "\n").value) == repr(trimmed.value):
        return trimmed
    line = text.count("\n") + 1
    problem = YamlProblem(
        line,
        1,
        "yaml-syntax",
        "the file ends in a line of spaces, which YAML readers read differently here",
        "delete the spaces at the end of the file, or end it with a line break",
    )
    return YamlDocument(problems=[problem])


def _syntax_problem(error: yaml.MarkedYAMLError) -> YamlProblem:
    mark = error.problem_mark or error.context_mark
    opened = error.context_mark
    if (
        opened
        and mark
        and mark.line > opened.line
        and ("flow" in str(error.context) or "quoted" in str(error.context))
    ):
        mark = opened  # an unclosed quote or bracket: point where it opened, not at the end
    message = " ".join(part for part in (error.problem, error.context) if part) or str(error)
    line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    return YamlProblem(line, column, "yaml-syntax", message, _hint_for(message))


def _nesting_problem(text: str, error: yaml.YAMLError) -> YamlProblem | None:
    """Give where MAX_DEPTH is crossed, if `error` is libyaml's own nesting limit."""
    if _NESTING_ERROR not in str(error):
        return None
    return _deepest(text, PyLoader)


_LINE_SEPARATORS = ("\x85", "\u2028", "\u2029")


def _line_separator(text: str) -> YamlProblem | None:
    """Refuse NEL, LS and PS: line breaks to libyaml (YAML 1.1), ordinary text to YAML 1.2."""
    for char in _LINE_SEPARATORS:
        # For ASCII and Latin-1 texts this is a constant-time test, not a scan.
        offset = text.find(char)
        if offset >= 0:
            line, column = _offset_position(text, offset)
            return YamlProblem(
                line,
                column,
                "yaml-syntax",
                f"the invisible character U+{ord(char):04X} is a line break to some YAML"
                " readers and text to others",
                "delete it, or use an ordinary line break",
            )
    return None


_DEEP_INDENT = "\n" + " " * (2 * MAX_DEPTH)
_DEEP_DASHES = "- " * 8
_PROPERTY = re.compile(r"(?:^|[\s\[\]{},:?\"'])[!&]")
"""Where a tag (`!`) or an anchor (`&`) may start: at a line start, after a space, an indicator
or a closing quote. Anywhere else libyaml reads `!` and `&` as text or refuses them."""


def _looks_deep(text: str) -> bool:
    """Tell whether a text may nest deeply: a deep indent, `- - - ...`, or many brackets.

    Substring tests and counts: one regex over every file cost as much as parsing. Depth the
    composer can take is caught while building; this only has to see the extreme.
    """
    return (
        _DEEP_INDENT in text
        or _DEEP_DASHES in text
        or text.count("[") + text.count("{") > MAX_DEPTH
    )


def _has_properties(text: str) -> bool:
    """Tell whether a text may write a tag or an anchor, which only the event stream shows."""
    return ("!" in text or "&" in text) and _PROPERTY.search(text) is not None


def _scan_events(text: str) -> list[YamlProblem]:
    """Give the problems only the event stream shows: limits crossed, anchors and tags.

    libyaml composes recursively: thousands of brackets cost seconds and end in a
    RecursionError with no position; building a node costs about 8 µs, so a 1 MB list of
    one-letter items takes seconds. Counting events stops early. Nodes keep neither anchors nor
    whether a tag was written. Only texts that look deep, are long or have a `!` or `&` where
    a tag or anchor can start pay for this scan.
    """
    check_limits = len(text) > _NODE_SCAN_CHARS or _looks_deep(text)
    check_properties = _has_properties(text)
    if not check_limits and not check_properties:
        return []
    try:
        return _event_problems(text, Loader, check_limits, check_properties)
    except yaml.YAMLError as error:
        nesting = _nesting_problem(text, error)
        return [nesting] if nesting else []  # the full read reports syntax errors
    except RecursionError:  # pragma: no cover - the event stream is not recursive
        return []


def _deepest(text: str, loader_class: Any) -> YamlProblem | None:
    """Give where a text first nests deeper than MAX_DEPTH, if it does."""
    try:
        problems = _event_problems(text, loader_class, True, False)
    except yaml.YAMLError:
        return None
    return next((p for p in problems if p.rule == "yaml-depth"), None)


def _event_problems(
    text: str, loader_class: Any, check_limits: bool, check_properties: bool
) -> list[YamlProblem]:
    """Walk the event stream; stop at the first limit crossed (raises yaml.YAMLError)."""
    problems: list[YamlProblem] = []
    depth = count = 0
    loader = loader_class(text)
    try:
        while loader.check_event():
            event = loader.get_event()
            kind = type(event)
            if kind is yaml.CollectionEndEvent or kind in (
                yaml.SequenceEndEvent,
                yaml.MappingEndEvent,
            ):
                depth -= 1
                continue
            if check_properties:
                problems += _property_problems(event)
            if not check_limits:
                continue
            if kind in (yaml.SequenceStartEvent, yaml.MappingStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    problems.append(
                        _problem_at(
                            event,
                            "yaml-depth",
                            f"nesting is deeper than {MAX_DEPTH} levels",
                            _DEPTH_HINT,
                        )
                    )
                    return problems
            if kind in (yaml.ScalarEvent, yaml.SequenceStartEvent, yaml.MappingStartEvent):
                count += 1
                if count > MAX_NODES:
                    problems.append(
                        _problem_at(
                            event,
                            "yaml-size",
                            f"more than {MAX_NODES:,} values in one file",
                            "split the entry; a playbook file holds a page, not a data set",
                        )
                    )
                    return problems
    finally:
        loader.dispose()
    return problems


def _property_problems(event: yaml.Event) -> list[YamlProblem]:
    """Refuse an event's anchor, and its tag unless it is the one the node has anyway."""
    problems: list[YamlProblem] = []
    if not isinstance(event, (yaml.ScalarEvent, yaml.CollectionStartEvent)):
        return problems  # aliases need an anchor, which is refused where it is written
    anchor = event.anchor
    if anchor is not None:
        problems.append(
            _problem_at(
                event,
                "yaml-alias",
                f"the anchor '&{anchor}' is not allowed: playbook files use no anchors or aliases",
                f"remove `&{anchor}`; where `*{anchor}` is used, write the value out in full",
            )
        )
    tag = event.tag
    if tag is not None and tag != _TAG_OF_EVENT.get(type(event)):
        problems.append(
            _problem_at(
                event,
                "yaml-tag",
                f"the tag {tag!r} is not allowed",
                "remove the tag; write plain values, quoted if need be",
            )
        )
    return problems


_TOKEN_ENDS = frozenset("\"'[]{},:?")
"""What a token can end with right before a `#`. A plain text takes a `#` after a letter, as
in `C#` or a link's `#part`, as text; a block text's `|#` is checked where it is built."""
_BEFORE_KEY = frozenset(" \t\n[{,")
"""What can stand before a `?` that libyaml takes for a key: a `?` inside a word is text."""


def _glued_comments(text: str) -> list[int]:
    """Give the offsets of the `#`s right after a token's last character.

    A `find` per `#`: files have one or two (the modeline), and a regex over every file costs
    more than that."""
    found = []
    at = text.find("#")
    while at >= 0:
        if at and text[at - 1] in _TOKEN_ENDS:
            found.append(at)
        at = text.find("#", at + 1)
    return found


def _glued_key(text: str) -> bool:
    """Tell whether a `?` that starts a token is followed by something other than a space."""
    at = text.find("?")
    while at >= 0:
        if (at == 0 or text[at - 1] in _BEFORE_KEY) and not text[at + 1 : at + 2].isspace():
            return True
        at = text.find("?", at + 1)
    return False


def _token_problems(text: str) -> list[YamlProblem]:
    """Give what only the token stream shows: comments without a space, `?x` in brackets,
    directives. libyaml accepts all three; YAML 1.2 refuses the first and reads the second as
    the text `?x`.

    Only texts with a `#` right after a quote, bracket or comma, a `?` before a non-space or a
    line starting with `%` pay for this scan.
    """
    glued = _glued_comments(text)
    keys = _glued_key(text)
    directives = text.startswith("%") or "\n%" in text
    if not glued and not keys and not directives:
        return []
    problems: list[YamlProblem] = []
    spans: list[tuple[int, int]] = []
    loader = Loader(text)
    try:
        while loader.check_token():
            token = loader.get_token()
            start, end = token.start_mark.index, token.end_mark.index
            if start == end:
                continue  # stream, block and simple-key tokens take no text
            spans.append((start, end))
            kind = type(token)
            if kind is yaml.DirectiveToken:
                problems.append(
                    _problem_at(
                        token,
                        "yaml-directive",
                        f"the directive '{text[start:end]}' is not allowed",
                        "remove the line starting with `%`; playbook files are plain YAML 1.2",
                    )
                )
            elif kind is yaml.KeyToken and end < len(text) and not text[end].isspace():
                problems.append(
                    _problem_at(
                        token,
                        "yaml-syntax",
                        "a `?` right before text in brackets starts a key for libyaml and is"
                        " part of the text for YAML 1.2",
                        'quote the text ("?x"), or put a space after `?` if it starts a key',
                    )
                )
    except yaml.YAMLError:
        return problems  # the full read has reported it already
    finally:
        loader.dispose()
    spans.sort()
    starts = [start for start, _ in spans]
    for offset in glued:
        index = bisect_right(starts, offset - 1) - 1
        # A `#` right after a token ends (`"x"#`, `],#`) and inside none starts a comment.
        if index >= 0 and spans[index][1] == offset:
            following = index + 1 < len(spans) and spans[index + 1][0] <= offset
            if not following:
                line, column = _offset_position(text, offset)
                problems.append(
                    YamlProblem(
                        line,
                        column,
                        "yaml-syntax",
                        "a comment must be separated from the value before it by a space",
                        "put a space before `#`, or quote the value if `#` belongs to it",
                    )
                )
    return problems


def _problem_at(event: yaml.Event | yaml.Token, rule: str, message: str, hint: str) -> YamlProblem:
    mark = event.start_mark
    line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    return YamlProblem(line, column, rule, message, hint)


def _offset_position(text: str, offset: int) -> tuple[int, int]:
    before = text[:offset]
    return before.count("\n") + 1, offset - (before.rfind("\n") + 1) + 1


_BLOCK_HEADER = re.compile(r"[|>](?:([1-9])[-+]?|[-+]([1-9])?)?(?:[ \t]|\Z)")
_BLOCK = frozenset({"|", ">"})
_SIMPLE_HEADERS = frozenset({"|", ">", "|-", ">-", "|+", ">+"})
"""The headers nearly every block text has: no indentation indicator, nothing after them."""


class _Builder:
    """Turns a node tree into dicts, lists and scalars, refusing what playbook files never need."""

    __slots__ = ("aliases", "anchors_refused", "doc", "reported", "seen", "text")

    def __init__(
        self, doc: YamlDocument, text: str, aliases: bool = True, anchors_refused: bool = False
    ) -> None:
        self.doc = doc
        self.text = text
        self.aliases = aliases
        self.anchors_refused = anchors_refused
        self.seen: set[int] = set()
        self.reported: set[int] = set()

    def problem(self, node: Node, rule: str, message: str, hint: str) -> None:
        mark = node.start_mark
        self.doc.problems.append(YamlProblem(mark.line + 1, mark.column + 1, rule, message, hint))

    def build(self, node: Node, pointer: Pointer, depth: int, block_column: int) -> Any:
        """Give the value of `node`; `block_column` is where the entries of the innermost block
        mapping or list around it start (-1 at the top)."""
        if self.aliases:
            if id(node) in self.seen:
                if id(node) in self.reported or self.anchors_refused:
                    return None
                self.reported.add(id(node))
                self.problem(
                    node,
                    "yaml-alias",
                    "anchors and aliases are not allowed",
                    "write the value out in full where it is needed",
                )
                return None
            self.seen.add(id(node))
        if node.tag not in _ALLOWED_TAGS:
            self.problem(
                node,
                "yaml-tag",
                f"the tag {node.tag!r} is not allowed",
                "remove the tag; write plain values, quoted if need be",
            )
            return None
        if depth > MAX_DEPTH:
            self.problem(
                node,
                "yaml-depth",
                f"nesting is deeper than {MAX_DEPTH} levels",
                _DEPTH_HINT,
            )
            return None
        if isinstance(node, ScalarNode):
            style = node.style  # plain scalars have none ('' from libyaml, None from Python)
            if style:
                if style in _BLOCK:
                    self.check_block_text(node, block_column)
                elif block_column >= 0 and node.start_mark.line != node.end_mark.line:
                    self.check_continuation(node, block_column, flow=False)
            return self.scalar(node, pointer)
        assert isinstance(node, (SequenceNode, MappingNode))
        if not node.flow_style:
            block_column = node.start_mark.column
        elif block_column >= 0 and node.start_mark.line != node.end_mark.line:
            self.check_continuation(node, block_column, flow=True)
        if isinstance(node, SequenceNode):
            return [
                self.build(item, (*pointer, i), depth + 1, block_column)
                for i, item in enumerate(node.value)
            ]
        return self.mapping(node, pointer, depth, block_column)

    def check_key(self, node: ScalarNode, block_column: int) -> None:
        """Check a quoted or block-text key as any such text is checked."""
        if node.style in _BLOCK:
            self.check_block_text(node, block_column)
        elif block_column >= 0 and node.start_mark.line != node.end_mark.line:
            self.check_continuation(node, block_column, flow=False)

    def check_continuation(self, node: Node, block_column: int, *, flow: bool) -> None:
        """Refuse the lines of a quoted text or bracketed list that are not indented past the
        block they are in: libyaml reads them, YAML 1.2 does not (`key: "a⏎b"`)."""
        lines = _lines_after(self.text, node.start_mark.index, node.end_mark.index)
        for number, line in enumerate(lines, node.start_mark.line + 1):
            content = line.lstrip(" \t")
            if not content or (flow and content.startswith("#")):
                continue  # empty lines and comment lines may be indented any way
            if len(line) - len(line.lstrip(" ")) <= block_column:
                self.doc.problems.append(
                    YamlProblem(
                        number + 1,
                        1,
                        "yaml-syntax",
                        "this line continues a quoted text or bracket opened on line"
                        f" {node.start_mark.line + 1} but is not indented past its field",
                        "indent it further than the field's name, with spaces (not tabs)",
                    )
                )
                return

    def check_block_text(self, node: ScalarNode, block_column: int) -> None:
        """Refuse what libyaml reads in a `|` or `>` header or leading lines and YAML 1.2 does
        not: a comment without a space (`>#`), blank lines longer than the first text line."""
        text = self.text
        start = node.start_mark.index
        header = text[start : text.find("\n", start)]  # the text ends with a line break
        if node.start_mark.column <= block_column:
            self.problem(
                node,
                "yaml-syntax",
                f"this `{header[0]}` text is not indented past the field it belongs to",
                f"put `{header[0]}` on the line of its field (`name: {header[0]}`)",
            )
            return
        simple = header in _SIMPLE_HEADERS  # no regex for the usual `|` and `>-`
        indicator = None if simple else _BLOCK_HEADER.match(header)
        if not simple and indicator is None:
            self.problem(
                node,
                "yaml-syntax",
                f"a comment after `{header[0]}` must be separated from it by a space",
                f"write `{header[0]} #...`",
            )
            return
        if indicator and (indicator.group(1) or indicator.group(2)):
            if node.value and not node.value.strip(" \n"):
                # Spaces past an explicit indentation are text to libyaml and the YAML 1.2
                # grammar, but an empty text to the editor's reader.
                self.problem(
                    node,
                    "yaml-syntax",
                    "a block text of nothing but spaces is read differently by YAML readers",
                    'write it as a quoted text, e.g. "  "',
                )
            return  # an explicit indentation: longer blank lines are text
        longest = 0
        number, begin = node.start_mark.line, start + len(header) + 1
        while begin < len(text):
            number, end = number + 1, text.find("\n", begin)
            line, begin = text[begin:end], end + 1
            spaces = len(line) - len(line.lstrip(" "))
            if spaces < len(line):
                if block_column < 0 and spaces == 0 and line.startswith("#"):
                    # Text to YAML 1.2 at the top level, where a block text needs no indent;
                    # libyaml ends the text there and takes the line for a comment.
                    self.doc.problems.append(
                        YamlProblem(
                            number + 1,
                            1,
                            "yaml-syntax",
                            "this line is text to YAML 1.2 and a comment to libyaml",
                            "indent the text under `|` or `>`, or quote it",
                        )
                    )
                elif block_column < spaces < longest:
                    self.doc.problems.append(
                        YamlProblem(
                            number + 1,
                            1,
                            "yaml-syntax",
                            "a blank line before the first line of this text has more spaces"
                            " than that line",
                            "remove the spaces on the blank lines, or indent the text further",
                        )
                    )
                return
            longest = max(longest, spaces)

    def scalar(self, node: ScalarNode, pointer: Pointer) -> Any:
        text: str = node.value
        if node.tag != PLAIN:
            return text
        if text in _NULL:
            return None
        value: Any
        if text in _TRUE:
            value = True
        elif text in _FALSE:
            value = False
        elif text[:1] not in _SPECIAL_STARTS:  # most scalars are words: no regex for them
            return text
        else:
            value = _number(text)
            if isinstance(value, int) and not -UNSAFE_INTEGER < value < UNSAFE_INTEGER:
                self.problem(
                    node,
                    "yaml-number",
                    f"the integer {text[:30]}{'...' if len(text) > 30 else ''} is too large"
                    " for every YAML reader to read it alike",
                    "quote it if it is a code or an identifier, or write it as a float (1.5e20)",
                )
                return None
            if value is None:
                if text in _LONE_INDICATORS:
                    self.problem(
                        node,
                        "yaml-syntax",
                        f"a lone `{text}` is an indicator in YAML 1.2, not a value",
                        f'quote it: "{text}"',
                    )
                return text
        return value

    def mapping(
        self, node: MappingNode, pointer: Pointer, depth: int, block_column: int
    ) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode):
                self.problem(
                    key_node, "yaml-key", "a key must be a plain name", "write `name: value`"
                )
                continue
            key = key_node.value
            if key_node.style:
                self.check_key(key_node, block_column)
            elif key in _NOT_NAMES or key[:1] in _SPECIAL_STARTS:
                if key == "<<" and key_node.tag == PLAIN:
                    self.problem(
                        key_node,
                        "yaml-alias",
                        "merge keys (<<) are not allowed",
                        "write the fields out in full",
                    )
                    continue
                if key_node.tag == PLAIN and not self.is_name(key_node):
                    continue
            if key in result:
                self.problem(
                    key_node,
                    "yaml-duplicate-key",
                    f"the key {key!r} appears twice in this mapping",
                    "remove one of them; only one value can be kept",
                )
                continue
            result[key] = self.build(value_node, (*pointer, key), depth + 1, block_column)
        return result

    def is_name(self, key_node: ScalarNode) -> bool:
        """Tell whether a plain key is text to YAML 1.2; refuse it with a location if not.

        Keys are kept as the text written, but YAML 1.2 readers take `1.10:` for the number 1.1
        and `~:` for null: a key means one thing to every reader or it is refused."""
        key: str = key_node.value
        if key in _KEYWORDS:
            found = "nothing (null)" if key in _NULL else "a boolean"
        elif key[:1] in _SPECIAL_STARTS and _number(key) is not None:
            found = "a number"
        else:
            return True
        shown = f"the key '{key}'" if key else "the empty key"
        self.problem(
            key_node,
            "yaml-key",
            f"{shown} is read as {found}, not as a name",
            f'quote it, e.g. "{key}": ..., or use a word' if key else "write `name: value`",
        )
        return False


def _lines_after(text: str, start: int, stop: int | None = None) -> Iterator[str]:
    """Give the lines after the one holding offset `start`, up to the one holding `stop`."""
    end = text.find("\n", start)
    while end >= 0 and (stop is None or end < stop):
        begin, end = end + 1, text.find("\n", end + 1)
        yield text[begin:end] if end >= 0 else text[begin:]


def _number(text: str) -> int | float | None:
    """Give the YAML 1.2 core-schema number a plain scalar means, or None if it is not one.

    A decimal integer of more than 16 digits is given as UNSAFE_INTEGER, out of range like
    itself: int() refuses texts of over 4,300 digits."""
    if _INT.match(text):
        digits = len(text.lstrip("+-").lstrip("0"))
        return int(text) if digits <= 16 else UNSAFE_INTEGER
    if _OCTAL.match(text):
        return int(text[2:], 8)
    if _HEX.match(text):
        return int(text[2:], 16)
    if _FLOAT.match(text):
        return float(text)
    return _SPECIAL_FLOATS.get(text)


def locate(text: str, pointer: Sequence[str | int], *, key: bool = False) -> tuple[int, int]:
    """Give the 1-based line and column of the node at `pointer` (or of its key).

    Where the pointer leads nowhere, the nearest parent that exists is given.
    """
    try:
        node = compose(text)
    except (yaml.YAMLError, RecursionError):
        return 1, 1
    if node is None:
        return 1, 1
    mark = node.start_mark
    for index, segment in enumerate(pointer):
        last = index == len(pointer) - 1
        child: Node | None = None
        if isinstance(node, MappingNode):
            for key_node, value_node in node.value:
                if isinstance(key_node, ScalarNode) and key_node.value == segment:
                    child = value_node
                    if last and key:
                        return key_node.start_mark.line + 1, key_node.start_mark.column + 1
                    break
        elif (
            isinstance(node, SequenceNode)
            and isinstance(segment, int)
            and 0 <= segment < len(node.value)
        ):
            child = node.value[segment]
        if child is None:
            break
        node = child
        mark = node.start_mark
    return mark.line + 1, mark.column + 1
