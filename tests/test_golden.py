"""Golden copy: the small fixture playbook, built to its Markdown tree and a few HTML pages, is
compared with the stored copy under `tests/golden/`, so a reviewer sees every output change
in the diff.

Regenerate after a deliberate change, then read the diff:

    PLAYBOOK_REGEN=1 python -m pytest tests/test_golden.py
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from sitekit import make_site_repo, tree_bytes

GOLDEN = Path(__file__).parent / "golden"
WHEN = "2025-03-04T05:06:07+00:00"
PAGES = (
    "index.html",
    "roles/product-manager/index.html",
    "processes/feedback-loop/index.html",
    "changelog/index.html",
)
"""The pages whose article is kept: the home page, a role, a process and the changelog."""


def _run(repo: Path, *command: str) -> None:
    env = {
        **os.environ, "GIT_AUTHOR_DATE": WHEN, "GIT_COMMITTER_DATE": WHEN,
        "GIT_AUTHOR_NAME": "Ann", "GIT_AUTHOR_EMAIL": "ann@example.org",
        "GIT_COMMITTER_NAME": "Ann", "GIT_COMMITTER_EMAIL": "ann@example.org",
        "SOURCE_DATE_EPOCH": "1741064767",
    }  # fmt: skip
    result = subprocess.run(
        command, cwd=repo, env=env, capture_output=True, text=True, timeout=300, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr


class _Article(HTMLParser):
    """Keep the page's `<article>`: the content we render, not the theme's chrome around it."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.depth = 0
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "article" or self.depth:
            self.depth += tag == "article"
            self.parts.append(self.get_starttag_text() or "")

    def handle_endtag(self, tag: str) -> None:
        if self.depth:
            self.parts.append(f"</{tag}>")
            self.depth -= tag == "article"

    def handle_data(self, data: str) -> None:
        if self.depth:
            self.parts.append(data)

    def handle_entityref(self, name: str) -> None:
        self.handle_data(f"&{name};")

    def handle_charref(self, name: str) -> None:
        self.handle_data(f"&#{name};")


def article(html: str) -> str:
    parser = _Article()
    parser.feed(html)
    return "".join(parser.parts).strip() + "\n"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    """Give the golden outputs of the fixture: `tree/...` and `html/...`, by path."""
    repo = make_site_repo(tmp_path_factory.mktemp("golden") / "repo")
    _run(repo, "git", "init", "-q", "-b", "main")
    _run(repo, "git", "add", "-A")
    _run(repo, "git", "commit", "-q", "-m", "First version of the playbook")
    _run(repo, sys.executable, "-m", "generator", "render", "--out", "tree")
    _run(repo, sys.executable, "-m", "generator", "build", "--out", "site")
    outputs = {
        f"tree/{path}": data
        for path, data in tree_bytes(repo / "tree").items()
        if not _copied_asset(repo, path, data)
    }
    for page in PAGES:
        html = (repo / "site" / page).read_text("utf-8")
        outputs[f"html/{page}"] = article(html).encode()
    return outputs


def _copied_asset(repo: Path, path: str, data: bytes) -> bool:
    """Tell whether a file is a theme asset copied as it is (megabytes of Mermaid, no news)."""
    source = repo / "site_templates" / path
    return path.startswith("assets/") and source.is_file() and source.read_bytes() == data


def test_the_golden_copy_is_current(built: dict[str, bytes]) -> None:
    if os.environ.get("PLAYBOOK_REGEN"):
        shutil.rmtree(GOLDEN, ignore_errors=True)
        for path, data in built.items():
            (GOLDEN / path).parent.mkdir(parents=True, exist_ok=True)
            (GOLDEN / path).write_bytes(data)
        pytest.skip("golden copy regenerated: review the diff, then run the tests again")
    stored = tree_bytes(GOLDEN)
    assert sorted(built) == sorted(stored), "files added or removed; regenerate and review"
    changed = [path for path in built if built[path] != stored[path]]
    assert not changed, f"output changed in {changed[:10]}; regenerate and review the diff"


def test_each_kept_page_has_its_article(built: dict[str, bytes]) -> None:
    for page in PAGES:
        assert built[f"html/{page}"].startswith(b"<article"), page
