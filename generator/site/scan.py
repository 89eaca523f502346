"""Scan a built site for live script that did not come from the theme or the generator.

The last line of defence, used by the tests on every site they build: whatever the content
holds, the HTML must carry no script but Material's own, no event handler attribute, no
script or data address, no frame, object, embed, base or refresh, and no Mermaid diagram that
calls code.
"""

from __future__ import annotations

import functools
import html
import importlib.util
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from html.parser import HTMLParser
from pathlib import Path

from generator.checks.mermaid import diagram_problems
from generator.checks.references import is_unsafe_url
from generator.site.forked import run_all

URL_ATTRIBUTES = frozenset({
    "href", "src", "action", "formaction", "xlink:href", "data", "poster", "background",
    "lowsrc", "dynsrc", "ping", "codebase", "cite", "manifest", "icon", "longdesc", "usemap",
})  # fmt: skip
"""Attributes a browser follows or loads as an address."""
FORBIDDEN_TAGS = frozenset({"iframe", "frame", "frameset", "object", "embed", "applet", "base"})
_THEME_SCRIPT_SRC = re.compile(r"(?:\.\./)*/?assets/javascripts/[\w./-]+\.js\Z")
"""Material's bundles, addressed relative to the page or from the site root."""
_SEARCH_MODULE = re.compile(r"(?:\.\./)*/?pagefind/pagefind\.js\Z")
"""The one script of the search index the pages may preload: the file Pagefind's indexer
writes at the top of `pagefind/` (generator/site/search.py); nothing of content is there."""
_MODULE_LINK = re.compile(r"<link\b[^>]*\bmodulepreload\b[^>]*>", re.I)


@dataclass(frozen=True, slots=True, order=True)
class Finding:
    """Something in a built page that could run script."""

    path: str
    """Page path relative to the site folder."""
    line: int
    column: int
    kind: str
    """`script`, `event-attribute`, `unsafe-url`, `tag`, `refresh` or `mermaid`."""
    detail: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}: {self.kind}: {self.detail}"


def scan_site(site_dir: Path, since: float | None = None) -> list[Finding]:
    """Give every finding in the HTML pages under `site_dir` (written at `since` or later, if
    given: a preview rebuilds a few pages of a site scanned before), in path order.

    Pages are scanned on every core (forked workers).
    """
    pages = [
        page
        for page in sorted(site_dir.rglob("*.htm*"))
        if page.is_file() and (since is None or page.stat().st_mtime >= since)
    ]
    tasks = [functools.partial(_page_report, page, site_dir) for page in pages]
    return [Finding(*fields) for report in run_all(tasks) for fields in json.loads(report)]


def _page_report(page: Path, site_dir: Path) -> str:
    """Give the findings of one page as JSON (a worker sends text back)."""
    text = page.read_text("utf-8", errors="replace")
    if plainly_clean(text):
        return "[]"
    findings = scan_page(text, page.relative_to(site_dir).as_posix())
    return json.dumps([[f.path, f.line, f.column, f.kind, f.detail] for f in findings])


_SUSPECT_WORDS = (
    "<iframe", "<frame", "<object", "<embed", "<applet", "<base", "http-equiv", "srcdoc",
    "expression", "mermaid",
)  # fmt: skip
"""Anything the parser could report besides scripts, event attributes, addresses and styles:
seen anywhere in the page (text included), the page gets the full parse."""
_EVENT = re.compile(r"on[^\s/>=\"']*\s*=")
_VALUE = re.compile(r"""=\s*("[^"]*"|'[^']*'|[^\s>]*)""")
_STYLE = re.compile(r"""style\s*=\s*("[^"]*"|'[^']*'|[^\s>]*)""")
_SCRIPT = re.compile(r"<script\b([^>]*)>(.*?)</script\s*>", re.I | re.S)
_UNSAFE_START = ("javascript:", "vbscript:", "data:")
_ATTRIBUTE = re.compile(r"""([^\s"'/=>]+)(?:\s*=\s*("[^"]*"|'[^']*'|[^\s>]*))?""")


def plainly_clean(text: str) -> bool:
    """Tell, with plain searches only, that a page holds nothing the parser could report.

    Most pages of a site are the theme's own markup around plain text; the HTML parser costs
    seven seconds for a thousand of them, these searches a fraction of one. Anything unusual
    (an `on...=` or a frame anywhere, even in text; any attribute value that might read as a
    script address, whatever the attribute; a script that is not the theme's; a style that
    might decode to script; a diagram) means the page gets the full parse, so this never says
    clean where the parser would find something that can run. (An `on...` attribute with no
    value, which the parser lists and a browser ignores, is not looked for.)
    """
    low = text.lower()  # tag and attribute names are read in any case
    if any(word in low for word in _SUSPECT_WORDS):
        return False
    for event in _EVENT.finditer(low):
        if event.start() and low[event.start() - 1] in " \t\n\r\f\"'/":
            return False
    if any(_may_run(value.strip("\"'")) for value in _VALUE.findall(low)):
        return False
    for value in _STYLE.findall(low):
        if any(c in value for c in "&\\%") or "javascript" in value:
            return False
    for link in _MODULE_LINK.findall(text):
        if not allowed_module_link(_attributes(link[len("<link") : -1])):
            return False
    scripts = _SCRIPT.findall(text)  # the original text: inline scripts are compared exactly
    if len(scripts) != low.count("<script"):
        return False
    return all(allowed_script(_attributes(opening), content) for opening, content in scripts)


def _may_run(value: str) -> bool:
    """Tell whether an attribute value could be a script or data address (is_unsafe_url's
    reading, with a shortcut for the plain values that make up nearly all of a page)."""
    if value.isprintable() and not any(c in value for c in "&%\\"):
        return value.lstrip().startswith(_UNSAFE_START)
    return is_unsafe_url(html.unescape(value))


def _attributes(opening: str) -> dict[str, str]:
    return {
        name.lower(): html.unescape(value.strip("\"'"))
        for name, value in _ATTRIBUTE.findall(opening)
    }


def scan_page(text: str, path: str = "page.html") -> list[Finding]:
    """Give every finding in one HTML page."""
    scanner = _Scanner(path)
    scanner.feed(text)
    scanner.close()
    return scanner.findings


class _Scanner(HTMLParser):
    def __init__(self, path: str) -> None:
        super().__init__(convert_charrefs=True)
        self.path = path
        self.findings: list[Finding] = []
        self.script: tuple[int, int, dict[str, str]] | None = None
        self.script_text: list[str] = []
        self.mermaid_depth = 0
        self.mermaid_text: list[str] = []
        self.mermaid_at = (0, 0)

    def report(self, kind: str, detail: str, at: tuple[int, int] | None = None) -> None:
        line, offset = at or self.getpos()
        self.findings.append(Finding(self.path, line, offset + 1, kind, detail[:200]))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        for name, value in attrs:
            self.check_attribute(tag, name, value or "")
        if tag in FORBIDDEN_TAGS:
            self.report("tag", f"<{tag}>")
        if tag == "meta" and values.get("http-equiv", "").strip().lower() == "refresh":
            content = values.get("content", "")
            self.report("refresh", f"<meta http-equiv=refresh content={content!r}>")
        if tag == "link" and not allowed_module_link(values):
            self.report(
                "script", f"<link rel=modulepreload> not the site's own: {values.get('href')}"
            )
        if tag == "script":
            line, offset = self.getpos()
            self.script, self.script_text = (line, offset, values), []
        classes = values.get("class", "").split()
        if self.mermaid_depth:
            self.mermaid_depth += 1
        elif "mermaid" in classes:
            self.mermaid_depth, self.mermaid_text, self.mermaid_at = 1, [], self.getpos()

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self.script is not None:
            line, offset, values = self.script
            if not allowed_script(values, "".join(self.script_text)):
                detail = values.get("src") or "".join(self.script_text).strip()[:80]
                self.report("script", f"<script> not from the theme: {detail}", (line, offset))
            self.script = None
        if self.mermaid_depth:
            self.mermaid_depth -= 1
            if not self.mermaid_depth:
                self.check_mermaid("".join(self.mermaid_text))

    def close(self) -> None:
        super().close()
        if self.script is not None:  # never closed: a browser runs it all the same
            self.handle_endtag("script")

    def handle_data(self, data: str) -> None:
        if self.script is not None:
            self.script_text.append(data)
        if self.mermaid_depth:
            self.mermaid_text.append(data)

    def check_attribute(self, tag: str, name: str, value: str) -> None:
        if name.startswith("on"):
            self.report("event-attribute", f"<{tag} {name}={value!r}>")
        elif name == "srcdoc":
            self.report("unsafe-url", f"<{tag} srcdoc=...>")
        elif name in URL_ATTRIBUTES and is_unsafe_url(value):
            self.report("unsafe-url", f"<{tag} {name}={value!r}>")
        elif name == "style" and re.search(r"expression\s*\(|javascript:", value, re.I):
            self.report("unsafe-url", f"<{tag} style={value!r}>")

    def check_mermaid(self, source: str) -> None:
        # Read as validation reads diagrams from content: the one reading of what Mermaid does;
        # only the in-page links of the site's own step diagrams pass besides.
        lines = tuple((number, 0, text) for number, text in enumerate(source.split("\n")))
        for problem in diagram_problems(lines, page_links=True):
            self.report("mermaid", f"diagram line {problem.line}: {problem.message}", self.mermaid_at)


def allowed_module_link(attributes: dict[str, str | None] | dict[str, str]) -> bool:
    """Tell whether a `<link>` preloads no script but the theme's or the search index's own."""
    if "modulepreload" not in (attributes.get("rel") or "").lower().split():
        return True
    href = attributes.get("href") or ""
    return bool(_THEME_SCRIPT_SRC.match(href) or _SEARCH_MODULE.match(href))


def allowed_script(attributes: dict[str, str], content: str) -> bool:
    """Tell whether a `<script>` is the theme's own: its bundle, its config or its inline code."""
    if "src" in attributes:
        return not content.strip() and _THEME_SCRIPT_SRC.match(attributes["src"]) is not None
    if attributes.get("type") == "application/json" and attributes.get("id") == "__config":
        try:
            json.loads(content)
        except ValueError:
            return False
        return True
    return any(pattern.fullmatch(content) for pattern in theme_inline_scripts())


@lru_cache(maxsize=1)
def theme_inline_scripts() -> tuple[re.Pattern[str], ...]:
    """Give Material's inline scripts as patterns, read from its installed templates.

    A template value (`{{ base_url }}`) may be any text without quotes or markup; everything
    else must match the template exactly.
    """
    spec = importlib.util.find_spec("material")
    if spec is None or spec.origin is None:  # pragma: no cover - Material is a dependency
        return ()
    templates = Path(spec.origin).parent / "templates"
    patterns: list[re.Pattern[str]] = []
    for template in sorted(templates.rglob("*.html")):
        if template.name == "redirect.html":
            continue  # a page that only sends readers elsewhere; the generator makes none
        for body in _inline_scripts(template.read_text("utf-8")):
            parts = re.split(r"\{\{.*?\}\}", body)
            patterns.append(re.compile(r"[^\"'<>\\]*".join(re.escape(p) for p in parts)))
    return tuple(patterns)


def _inline_scripts(template: str) -> Iterator[str]:
    for match in re.finditer(r"<script>(.*?)</script>", template, re.S):
        if "{%" not in match.group(1):
            yield match.group(1)
