"""'Did you mean' suggestions."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


def closest(word: str, choices: Iterable[str]) -> str | None:
    """Give the choice closest to `word`, if one is close enough to be a typo of it."""
    matches = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return matches[0] if matches else None


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """Give ` (did you mean 'x'?)` for the closest choice, or an empty string."""
    match = closest(word, choices)
    return f" (did you mean '{match}'?)" if match else ""
