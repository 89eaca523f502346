"""Strict YAML: libyaml composes, we construct, so positions, limits and YAML 1.2 scalars are ours.

PyYAML's own constructors resolve YAML 1.1 scalars (`no` -> False, `2024-01-02` -> date),
silently keep the last of two duplicate keys and expand alias bombs. Here the C parser only
builds the node tree; this module turns nodes into plain Python values and reports every
surprise as a located problem instead.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.resolver import BaseResolver

try:  # libyaml is an order of magnitude faster; fall back to the pure-Python parser.
    from yaml.cyaml import CParser as _Parser  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml.composer import Composer
    from yaml.parser import Parser
    from yaml.reader import Reader
    from yaml.scanner import Scanner

    class _Parser(Reader, Scanner, Parser, Composer):  # type: ignore[no-redef]
        def __init__(self, stream: str) -> None:
            Reader.__init__(self, stream)
            Scanner.__init__(self)
            Parser.__init__(self)
            Composer.__init__(self)


MAX_DEPTH = 32
"""Deepest nesting of mappings and lists; real playbook files need five or six."""

MAX_NODES = 50_000
"""Most values (keys, scalars, lists, mappings) in one file; a large real file has a few hundred."""
_NODE_SCAN_CHARS = MAX_NODES // 2
"""Every value takes at least two characters, so shorter texts need no count."""

PLAIN = "!plain"
"""Tag the composer gives untagged plain scalars, so we can tell them from `!!str 1`."""

_STD = "tag:yaml.org,2002:"
_ALLOWED_TAGS = {_STD + "str", _STD + "map", _STD + "seq", PLAIN}
_INT = re.compile(r"[-+]?(?:0|[1-9][0-9]*)\Z")
_FLOAT = re.compile(
    r"[-+]?(?:0|[1-9][0-9]*)?(?:\.[0-9]+)(?:[eE][-+]?[0-9]+)?\Z|[-+]?(?:0|[1-9][0-9]*)[eE][-+]?[0-9]+\Z"
)
_NUMBER_STARTS = frozenset("+-.0123456789")
"""What an _INT or _FLOAT can start with."""
_NULL = frozenset({"", "~", "null", "Null", "NULL"})
_TRUE = frozenset({"true", "True", "TRUE"})
_FALSE = frozenset({"false", "False", "FALSE"})

Pointer = tuple[str | int, ...]


class _Loader(_Parser, BaseResolver):
    """libyaml parser and composer, with no implicit typing at all."""

    def __init__(self, stream: str) -> None:
        _Parser.__init__(self, stream)
        BaseResolver.__init__(self)

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
    plain_scalars: dict[Pointer, str] = field(default_factory=dict)
    """Source text of plain scalars read as numbers or booleans, for schema-directed coercion."""


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


def _hint_for(message: str) -> str:
    for needle, hint in _SYNTAX_HINTS:
        if needle in message:
            return hint
    return "check the YAML syntax on this line"


def compose(text: str) -> Node | None:
    """Give the node tree of a single-document YAML text (raises yaml.YAMLError)."""
    loader = _Loader(text)
    try:
        return loader.get_single_node()
    finally:
        loader.dispose()


def read_yaml(text: str) -> YamlDocument:
    """Give the plain value of a YAML text, with every problem located, never raising."""
    doc = YamlDocument()
    over = _over_limits(text)
    if over is not None:
        doc.problems.append(over)
        return doc
    try:
        root = compose(text)
    except yaml.MarkedYAMLError as error:
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
        doc.problems.append(YamlProblem(line, column, "yaml-syntax", message, _hint_for(message)))
        return doc
    except yaml.YAMLError as error:  # ReaderError: bad characters, located by offset
        line, column = _offset_position(text, getattr(error, "position", 0))
        message = str(error).splitlines()[0]
        doc.problems.append(
            YamlProblem(line, column, "yaml-syntax", message, _hint_for(str(error)))
        )
        return doc
    except RecursionError:
        doc.problems.append(
            YamlProblem(1, 1, "yaml-depth", "nesting is too deep to read", "flatten the structure")
        )
        return doc
    if root is None:
        return doc
    # An alias is written `*name`: without a `*` no node can be met twice.
    doc.value = _Builder(doc, aliases="*" in text).build(root, (), 0)
    return doc


_DEEP_INDENT = "\n" + " " * (2 * MAX_DEPTH)
_DEEP_DASHES = "- " * 8
_DEEP_BRACKETS = re.compile(r"[\[{](?:\s*[\[{]){7}")


def _looks_deep(text: str) -> bool:
    """Tell whether a text may nest deeply: a deep indent, `- - - ...`, or 8 opening brackets.

    Substring tests and bracket counts first: one regex over every file cost as much as parsing.
    """
    return (
        _DEEP_INDENT in text
        or _DEEP_DASHES in text
        or (text.count("[") + text.count("{") >= 8 and _DEEP_BRACKETS.search(text) is not None)
    )


def _over_limits(text: str) -> YamlProblem | None:
    """Find the first place past MAX_DEPTH or MAX_NODES from the event stream, stopping there.

    libyaml composes recursively: thousands of brackets cost seconds and end in a
    RecursionError with no position; building a node costs about 8 µs, so a 1 MB list of
    one-letter items takes seconds. Counting events stops early. Only texts that look deep or
    are long pay for this scan.
    """
    check_count = len(text) > _NODE_SCAN_CHARS
    if not check_count and not _looks_deep(text):
        return None
    depth = count = 0
    loader = _Loader(text)
    try:
        while loader.check_event():
            event = loader.get_event()
            if isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
                continue
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    return _problem_at(
                        event,
                        "yaml-depth",
                        f"nesting is deeper than {MAX_DEPTH} levels",
                        "flatten the structure; playbook fields nest a few levels at most",
                    )
            if check_count and isinstance(
                event, (yaml.ScalarEvent, yaml.CollectionStartEvent, yaml.AliasEvent)
            ):
                count += 1
                if count > MAX_NODES:
                    return _problem_at(
                        event,
                        "yaml-size",
                        f"more than {MAX_NODES:,} values in one file",
                        "split the entry; a playbook file holds a page, not a data set",
                    )
    except yaml.YAMLError:
        return None  # the full read reports syntax errors with their positions
    finally:
        loader.dispose()
    return None


def _problem_at(event: yaml.Event, rule: str, message: str, hint: str) -> YamlProblem:
    mark = event.start_mark
    line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    return YamlProblem(line, column, rule, message, hint)


def _offset_position(text: str, offset: int) -> tuple[int, int]:
    before = text[:offset]
    return before.count("\n") + 1, offset - (before.rfind("\n") + 1) + 1


class _Builder:
    """Turns a node tree into dicts, lists and scalars, refusing what playbook files never need."""

    __slots__ = ("aliases", "doc", "reported", "seen")

    def __init__(self, doc: YamlDocument, aliases: bool = True) -> None:
        self.doc = doc
        self.aliases = aliases
        self.seen: set[int] = set()
        self.reported: set[int] = set()

    def problem(self, node: Node, rule: str, message: str, hint: str) -> None:
        mark = node.start_mark
        self.doc.problems.append(YamlProblem(mark.line + 1, mark.column + 1, rule, message, hint))

    def build(self, node: Node, pointer: Pointer, depth: int) -> Any:
        if self.aliases:
            if id(node) in self.seen:
                if id(node) in self.reported:
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
                "flatten the structure; playbook fields nest a few levels at most",
            )
            return None
        if isinstance(node, ScalarNode):
            return self.scalar(node, pointer)
        if isinstance(node, SequenceNode):
            return [self.build(item, (*pointer, i), depth + 1) for i, item in enumerate(node.value)]
        assert isinstance(node, MappingNode)
        return self.mapping(node, pointer, depth)

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
        elif text[:1] not in _NUMBER_STARTS:  # most scalars are words: no regex for them
            return text
        elif _INT.match(text):
            value = int(text)
        elif _FLOAT.match(text):
            value = float(text)
        else:
            return text
        self.doc.plain_scalars[pointer] = text
        return value

    def mapping(self, node: MappingNode, pointer: Pointer, depth: int) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode):
                self.problem(
                    key_node, "yaml-key", "a key must be a plain name", "write `name: value`"
                )
                continue
            key = key_node.value
            if key == "<<" and key_node.tag == PLAIN:
                self.problem(
                    key_node,
                    "yaml-alias",
                    "merge keys (<<) are not allowed",
                    "write the fields out in full",
                )
                continue
            if key in result:
                self.problem(
                    key_node,
                    "yaml-duplicate-key",
                    f"the key {key!r} appears twice in this mapping",
                    "remove one of them; only one value can be kept",
                )
                continue
            result[key] = self.build(value_node, (*pointer, key), depth + 1)
        return result


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
