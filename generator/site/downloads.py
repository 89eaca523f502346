"""A document template as a Markdown file a reader downloads or copies, and fills in elsewhere."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Mapping
from dataclasses import dataclass

from markupsafe import Markup

from generator.model import Entity
from generator.site import paths
from generator.site.links import aim_links_at_site

_BACKTICKS = re.compile(r"`+")


@dataclass(frozen=True, slots=True)
class Download:
    """One entry's Markdown, as the file to download and the block to copy from."""

    path: str
    """Where the file goes in the generated tree (`templates/x.md.txt`)."""
    name: str
    """The name it is saved under (`x.md`)."""
    text: str
    """The Markdown: the title as a heading, then the body, its links aimed at the site."""

    @property
    def fence(self) -> Markup:
        """Give a code fence longer than any run of backticks in the text, so none closes it."""
        longest = max((len(run) for run in _BACKTICKS.findall(self.text)), default=0)
        return Markup("`" * max(3, longest + 1))

    @property
    def code(self) -> Markup:
        """Give the text for inside the fence: shown as code, so it is printed as it is."""
        return Markup(self.text.rstrip("\n"))


def template_download(
    entity: Entity, pages_by_source: Mapping[str, str], site_url: str | None
) -> Download:
    """Give the download of a document template; its links reach the site from anywhere when
    the site's address is known, else from where the file is served."""
    path = paths.download_file(entity.kind, entity.id)
    base = site_url if site_url else "../" * posixpath.dirname(path).count("/") + "../"
    body = aim_links_at_site(entity.body or "", entity.source.path, _dir(base), pages_by_source)
    text = f"# {entity.title}\n\n{body.strip()}\n"
    return Download(path=path, name=f"{entity.id}.md", text=text)


def _dir(url: str) -> str:
    return url if url.endswith("/") else url + "/"
