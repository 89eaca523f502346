"""Where each generated page lives in the Markdown tree, and relative links between pages."""

from __future__ import annotations

HOME = "index.md"
RACI = "raci-matrix.md"
CHANGELOG = "changelog.md"
TAGS = "tags.md"
REFERENCE = "contributor-reference.md"
HEALTH = "health.md"
MODEL_JSON = "playbook.json"
FEED = "feed.xml"
UPDATED_JSON = "assets/updated.json"
"""Each entry page's last change, for the browser's "changed since your last visit"."""
FACETS_JSON = "assets/search-facets.json"
"""The search's filters and their labels, in order, for the search box."""
NAV = ".nav.yml"
"""The navigation as data; a dot file, so engines do not publish it as a page."""
ASSETS = "assets"
RESERVED_FOLDERS = frozenset({ASSETS, "search", "stylesheets", "javascripts"})
"""Folder names a kind may not take: the site engine or our assets use them."""


def entity_page(kind: str, entity_id: str) -> str:
    """Give the page path of an entity; `index` would collide with the catalogue, so it moves."""
    return f"{kind}/{'index_' if entity_id == 'index' else entity_id}.md"


def catalogue_page(kind: str) -> str:
    """Give the page path of a kind's catalogue."""
    return f"{kind}/index.md"


def relative_url(from_page: str, to_path: str, anchor: str = "") -> str:
    """Give the link from one generated file to another, as Markdown wants it (to the .md file).

    Both are tree paths with forward slashes; computed by hand, as `posixpath.relpath` asks the
    file system for the working directory on every call.
    """
    base = from_page.split("/")[:-1]
    target = to_path.split("/")
    common = 0
    while common < len(base) and common < len(target) - 1 and base[common] == target[common]:
        common += 1
    url = "/".join([".."] * (len(base) - common) + target[common:])
    return f"{url}#{anchor}" if anchor else url


def download_file(kind: str, entity_id: str) -> str:
    """Give the path of an entry's download: `.txt`, as an `.md` file would be built as a page."""
    return f"{kind}/{entity_id}.md.txt"


def page_url(page: str, directory_urls: bool = True) -> str:
    """Give where MkDocs publishes a page: `roles/x.md` -> `roles/x/` (directory URLs, its
    default), or `roles/x.html`."""
    stem = page.removesuffix(".md")
    if not directory_urls:
        return stem + ".html"
    if stem == "index" or stem.endswith("/index"):
        return stem.removesuffix("index")
    return stem + "/"
