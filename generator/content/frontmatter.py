"""Split a Markdown file into its YAML front matter and its body."""

from __future__ import annotations

from dataclasses import dataclass

RULES = frozenset({"frontmatter-missing", "frontmatter-unclosed"})
"""The rules of the problems splitting front matter reports."""

FENCE = "---"


@dataclass(frozen=True, slots=True)
class FrontMatter:
    """The two parts of a `.md` entity file."""

    yaml_text: str
    """The front matter, without its fences; its line 1 is line 2 of the file."""
    body: str
    body_line: int
    """Line of the file where the body starts."""


@dataclass(frozen=True, slots=True)
class FrontMatterProblem:
    line: int
    rule: str
    message: str
    hint: str


def split_front_matter(text: str) -> FrontMatter | FrontMatterProblem:
    """Give the front matter and body of `text`, or the problem that stops us finding them."""
    lines = text.split("\n")
    if lines[0].rstrip() != FENCE:
        return FrontMatterProblem(
            1,
            "frontmatter-missing",
            "a Markdown entry must start with front matter",
            "put a line `---` first, then the fields (title, summary, owners...), then `---`",
        )
    for number, line in enumerate(lines[1:], start=2):
        if line.rstrip() in (FENCE, "..."):
            return FrontMatter(
                yaml_text="\n".join(lines[1 : number - 1]) + "\n",
                body="\n".join(lines[number:]),
                body_line=number + 1,
            )
    return FrontMatterProblem(
        1,
        "frontmatter-unclosed",
        "the front matter opened on line 1 is never closed",
        "add a line with `---` after the last field, before the Markdown text",
    )
