"""The Mermaid fence format for pymdownx.superfences: a diagram the search index leaves out."""

from __future__ import annotations

import html
from typing import Any


def mermaid_fence(
    source: str, language: str, class_name: str, options: Any, md: Any, **kwargs: Any
) -> str:
    """Give the `<pre class="mermaid">` block Material renders, marked so search skips its labels.

    The steps are listed as text on the same page; indexing the diagram would repeat them.
    """
    code = html.escape(source)
    return f'<pre class="{html.escape(class_name)}" data-search-exclude><code>{code}</code></pre>'
