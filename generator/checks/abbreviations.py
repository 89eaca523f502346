"""Glossary abbreviations that would collide with the Markdown engine's own placeholders.

Python-Markdown swaps code blocks, raw HTML, `&` and backslash escapes for placeholders such as
`STX wzxhzdk:3 ETX` and `STX 92 ETX` while it works, and the `abbr` extension then wraps every
whole-word match of an abbreviation, placeholders included. An abbreviation `wzxhzdk` or `3`
would break the placeholders apart and turn code blocks and entities on every page that uses it
into debris. Those abbreviations are refused; they cannot be switched off.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from generator.model import Issue, Playbook, Severity, SourceRef

RULE = "abbreviation-reserved"
ENGINE_WORDS = ("wzxhzdk", "klzzwxh", "hzzhzkh", "czjqqkd", "amp", "zz1337820767766393qq",
                "qq3936677670287331zz")  # fmt: skip
"""The words of Python-Markdown's placeholders (markdown.util, the critic and footnotes
extensions), which sit between STX and ETX characters in the text being converted."""


def reserved_reason(abbreviation: str) -> str | None:
    """Give why an abbreviation would collide with the engine's placeholders, or None."""
    # Matching is case-sensitive and by whole word, as the abbr extension matches.
    for word in ENGINE_WORDS:
        if abbreviation == word or abbreviation.startswith(f"{word}:"):
            return f"'{word}' is a word the Markdown engine uses for its own placeholders"
    if any(c.isdigit() for c in abbreviation) and not any(c.isalpha() for c in abbreviation):
        return "numbers alone match the engine's numbered placeholders"
    if "\x02" in abbreviation or "\x03" in abbreviation:
        return "it holds the engine's placeholder markers (STX or ETX)"
    return None


def check_abbreviations(
    playbook: Playbook, locate: Callable[[str, tuple[str | int, ...], bool], SourceRef]
) -> Iterator[Issue]:
    """Give an error, at the field, for each abbreviation the engine would mangle."""
    for term, name, abbreviation in playbook.abbreviations():
        reason = reserved_reason(abbreviation)
        if reason:
            yield Issue(
                locate(term.key, (name,), False),
                Severity.ERROR,
                RULE,
                f"{name}: '{abbreviation}' cannot be used: {reason}",
                "use the abbreviation as it is written in text, with at least one letter",
            )
