"""Point Markdown links to playbook source files at the generated page of that entity."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Mapping

from generator.checks.references import playbook_file
from generator.config import CONTENT_DIR
from generator.site.paths import page_url, relative_url


# A link target after `](`, or in a `[label]: target` definition; `<...>` brackets allowed.
_TARGET = re.compile(r"(\]\(\s*<?|^[ ]{0,3}\[[^\]\n]+\]:[ \t]*<?)([^\s<>()]+)", re.MULTILINE)


def _page_target(
    target: str, source: str, page: str, pages_by_source: Mapping[str, str]
) -> str | None:
    file = playbook_file(posixpath.dirname(source), target)
    destination = None if file is None else pages_by_source.get(f"{CONTENT_DIR}/{file}")
    if destination is None:
        return None
    return relative_url(page, destination, target.partition("#")[2])


def rewrite_links(text: str, source: str, page: str, pages_by_source: Mapping[str, str]) -> str:
    """Give the Markdown with links to playbook files (`../roles/x.yml`) aimed at their pages.

    `source` is the repository path of the file the text comes from, `page` the generated page it
    appears on. Only link targets (after `](` or in a `[label]: target` definition) change; a
    regular expression finds them, as parsing every text again would cost more than the rest of
    rendering.
    """
    if "](" not in text and "]:" not in text:
        return text

    def replace(match: re.Match[str]) -> str:
        new = _page_target(match[2], source, page, pages_by_source)
        return match[0] if new is None else match[1] + new

    return _TARGET.sub(replace, text)


def aim_links_at_site(
    text: str, source: str, base: str, pages_by_source: Mapping[str, str]
) -> str:
    """Give the Markdown with links to playbook files aimed at the published pages, for text read
    away from the site (a downloaded template). `base` is the site's address, or a path relative
    to where the text is served when the address is not known."""
    if "](" not in text and "]:" not in text:
        return text

    def replace(match: re.Match[str]) -> str:
        file = playbook_file(posixpath.dirname(source), match[2])
        page = None if file is None else pages_by_source.get(f"{CONTENT_DIR}/{file}")
        if page is None:
            return match[0]
        anchor = match[2].partition("#")[2]
        return f"{match[1]}{base}{page_url(page)}{'#' + anchor if anchor else ''}"

    return _TARGET.sub(replace, text)
