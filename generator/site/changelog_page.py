"""`playbook changelog --format md`: the site's changelog text, with entries named by id."""

from __future__ import annotations

from dataclasses import dataclass


from markupsafe import Markup

from generator.history.digest import ChangelogView, changelog_view
from generator.model import History
from generator.site import paths
from generator.site.render import inline, template_environment
from generator.site.text import code_span


@dataclass(frozen=True, slots=True)
class PlainLinks:
    """What the changelog template asks of its page, for a terminal: names and ids, no links."""

    def link(self, key: str, text: str | None = None) -> Markup:
        return Markup(f"**{inline(text or key)}** ({code_span(key)})")

    def url(self, target: str, anchor: str = "") -> Markup:
        return Markup(target + (f"#{anchor}" if anchor else ""))


def changelog_markdown(history: History, title: str = "Changelog") -> str:
    """Give the changelog as a Markdown document, written by the site's changelog template."""
    env = template_environment(None)
    template = env.from_string(
        '{% import "_changelog.md.j2" as c with context %}# {{ title }}\n\n{{ c.changelog(view, anchors=false) }}'
    )
    view: ChangelogView = changelog_view(history)
    text = template.render(page=PlainLinks(), title=title, view=view, paths=paths)
    return text.rstrip("\n") + "\n"



