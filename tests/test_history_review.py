"""A review is its own kind of change in the history: "reviewed by @team", not a field edit."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from subprocess import CompletedProcess

import pytest

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")

Run = Callable[..., CompletedProcess[str]]

TEAM = """\
title: Data
summary: The data team.
owners: ["@acme/data"]
handle: "@acme/data"
contact:
  chat: "#data"
"""
TOOL = """\
title: Board
summary: A board for work.
owners: ["@acme/data"]
category: delivery
used_for: [Planning]
"""


def git(root: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=Ana", "-c", "user.email=ana@example.org", *args],
        cwd=root,
        check=True,
        capture_output=True,
    )


def commit(root: Path, message: str) -> None:
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", message)


def changes(run: Run, root: Path) -> list[tuple[str, str, str, list[str]]]:
    done = run("--root", str(root), "changelog", "--format", "json")
    assert done.returncode == 0, done.stderr
    found = []
    for release in json.loads(done.stdout)["releases"]:
        for entry in release["entries"]:
            for change in entry["changes"]:
                found.append(
                    (entry["commit"]["subject"], change["key"], change["change"], change["details"])
                )
    return found


def test_review_is_its_own_change(
    mini_repo: Callable[[dict[str, str]], Path], playbook_cli: Run
) -> None:
    root = mini_repo({"playbook/teams/data.yml": TEAM, "playbook/tools/board.yml": TOOL})
    git(root, "init", "-q")
    commit(root, "Add the board")
    done = playbook_cli("--root", str(root), "review", "tools/board", "--date", "2026-03-01")
    assert done.returncode == 0, done.stderr
    commit(root, "Review the board")
    path = root / "playbook/tools/board.yml"
    path.write_text(
        path.read_text()
        .replace("2026-03-01", "2026-04-01")
        .replace("A board for work.", "A board.")
    )
    commit(root, "Review and reword the board")
    found = changes(playbook_cli, root)
    assert found[:2] == [
        (
            "Review and reword the board",
            "tools/board",
            "changed",
            ["Reviewed by @acme/data on 2026-04-01", 'Summary: "A board for work." → "A board."'],
        ),
        ("Review the board", "tools/board", "reviewed", ["Reviewed by @acme/data on 2026-03-01"]),
    ]
    markdown = playbook_cli("--root", str(root), "changelog").stdout
    assert "- Reviewed **Board** (`tools/board`)" in markdown
    assert "Last reviewed" not in markdown


def test_review_shows_in_the_entry_history_on_the_site(
    mini_repo: Callable[[dict[str, str]], Path], playbook_cli: Run, tmp_path: Path
) -> None:
    root = mini_repo({"playbook/teams/data.yml": TEAM, "playbook/tools/board.yml": TOOL})
    shutil.copytree(Path(__file__).parent.parent / "site_templates", root / "site_templates")
    git(root, "init", "-q")
    commit(root, "Add the board")
    playbook_cli("--root", str(root), "review", "tools/board", "--date", "2026-03-01")
    commit(root, "Review the board")
    out = tmp_path / "docs"
    done = playbook_cli("--root", str(root), "render", "--out", str(out))
    assert done.returncode == 0, done.stdout + done.stderr
    page = (out / "tools/board.md").read_text()
    assert "Reviewed: Review the board (Ana)" in page
    assert "<li>Reviewed by @acme/data on 2026-03-01</li>" in page
    # The review box holds the review fields; the facts list does not repeat them.
    assert page.count("**Last reviewed:**") == 1
    assert "**Reviewed by:**" not in page
    assert "- **Last reviewed:** 1 March 2026 by [Data](../teams/data.md)" in page
