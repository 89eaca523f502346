"""Hostile content for the hardening and fuzz tests, and the site's Markdown engine to try it on."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent

# One entry per class of attack: (id, Markdown). Each must render to HTML with no live script
# once sanitised; most do run script in Python-Markdown when they are not.
HOSTILE_MARKDOWN: list[tuple[str, str]] = [
    ("script-tag", "Hello <script>alert(1)</script> world"),
    ("script-block", "<script>\nalert(1)\n</script>\n"),
    ("script-after-backslash", "a\\<script>alert(1)</script>"),
    ("event-attribute", '<img src="x" onerror="alert(1)">'),
    ("event-attribute-svg", "<svg onload=alert(1)></svg>"),
    ("details-ontoggle", "<details open ontoggle=alert(1)><summary>x</summary></details>"),
    ("html-comment-script", "<!-- x --><script>alert(1)</script>"),
    ("iframe", '<iframe src="https://example.org"></iframe>'),
    ("object-embed", '<object data="x.swf"></object><embed src="x.swf">'),
    ("base-meta", '<base href="https://evil.example/">\n\n<meta http-equiv="refresh" content="0">'),
    ("html-anchor-js", '<a href="javascript:alert(1)">x</a>'),
    ("js-link", "[x](javascript:alert(1))"),
    ("js-link-case", "[x](JaVaScRiPt:alert(1))"),
    ("js-link-entity-tab", "[x](jav&#x09;ascript:alert(1))"),
    ("js-link-entity-letter", "[x](&#106;avascript:alert(1))"),
    ("js-link-entity-colon", "[x](javascript&colon;alert(1))"),
    ("js-link-newline", "[x](java\nscript:alert(1))"),
    ("js-link-percent", "[x](%6Aavascript:alert(1))"),
    ("js-link-leading-space", "[x](  \n  javascript:alert(1))"),
    ("js-link-angle", "[x](<javascript:alert(1)>)"),
    ("js-link-escape", "[x](javascript\\:alert(1))"),
    ("js-reference", "[x][r]\n\n[r]: javascript:alert(1)"),
    ("js-reference-next-line", "[x][r]\n\n[r]:\n    jav&#x0A;ascript:alert(1)"),
    ("js-autolink", "<javascript:alert(1)>"),
    ("vbscript", "[x](vbscript:msgbox(1))"),
    ("data-html-link", "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)"),
    ("data-image", "![x](data:text/html,<script>alert(1)</script>)"),
    ("image-js", "![x](javascript:alert(1))"),
    ("attr-list-block", 'A paragraph\n{: onclick="alert(1)" }'),
    ("attr-list-heading", "## Heading { #id .class onmouseover=alert(1) }"),
    ("attr-list-inline", "[x](https://example.org){ onclick=alert(1) }"),
    ("attr-list-escaped-backslash", "\\\\{: onclick=alert(1) }\n"),
    ("abbr", "*[HTML]: <b onclick=alert(1)>x</b>\n\nHTML"),
    ("indented-code-in-list", "- item\n\n      <script>alert(1)</script>\n"),
    ("code-span-over-lines", '`x\n<object data="javascript:alert(1)">`'),
    ("odd-fence-info", "```js!!!\n<script>alert(1)</script>\n```\n"),
    ("unclosed-fence-longer-close", "```\n<script>alert(1)</script>\n````\n"),
    ("indented-fence", "   ```\n<script>alert(1)</script>\n   ```\n"),
    ("md-in-html", '<div markdown="1" onclick="alert(1)">x</div>'),
    (
        "mermaid-injection",
        '```mermaid\ngraph TD\nA["<img src=x onerror=alert(1)>"] --> B\nclick A call alert(1)\n'
        'click B href "javascript:alert(1)"\n%%{init: {"securityLevel": "loose"}}%%\n```\n',
    ),
    ("autolink-attribute", '<https://x.example" onmouseover="alert(1)>'),
]

SAFE_MARKDOWN: list[tuple[str, str]] = [
    ("code-span", "Use `<br>` for a break, and `a < b`."),
    ("fence", "```html\n<script>kept as code</script>\n```\n"),
    ("autolink", "See <https://example.org/a?b=1&c=2> or write to <team@example.org>."),
    ("less-than", "Ship when 3 < 4 and 5 > 4."),
    ("link", "[Roles](../roles/product-manager.yml) and [site](https://example.org)."),
]


class _Loader(yaml.SafeLoader):
    """Reads mkdocs.yml, resolving `!!python/name:` to the object it names."""


def _python_name(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> Any:
    module, _, name = suffix.rpartition(".")
    return getattr(importlib.import_module(module), name)


_Loader.add_multi_constructor("tag:yaml.org,2002:python/name:", _python_name)


@lru_cache(maxsize=1)
def site_markdown() -> Callable[[str], str]:
    """Give a function rendering Markdown as the site does (mkdocs.yml's extensions).

    `attr_list` and `md_in_html` are added whether or not the site enables them: content must
    be safe with both, since the theme's templates may switch them on at any time.
    """
    import markdown

    config = yaml.load((ROOT / "mkdocs.yml").read_text("utf-8"), Loader=_Loader)
    extensions: list[str] = []
    configs: dict[str, Any] = {}
    for entry in config.get("markdown_extensions", []):
        name, options = next(iter(entry.items())) if isinstance(entry, dict) else (entry, {})
        extensions.append(name)
        configs[name] = options or {}
    for extra in ("attr_list", "md_in_html"):
        if extra not in extensions:
            extensions.append(extra)

    def render(text: str) -> str:
        return markdown.markdown(text, extensions=extensions, extension_configs=configs)

    return render
