"""`playbook review`: only the review lines change, in YAML files and in front matter."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from subprocess import CompletedProcess

TEAM = """\
title: Data
summary: The data team.
owners: ["@acme/data"]
handle: "@acme/data"
contact:
  chat: "#data"
"""
TOOL = """\
# A comment that must survive.
title: Board   # trailing comment
summary: A board for work.
owners: ["@acme/data"]
category: delivery
used_for:
  - Planning   # kept
"""
GUIDE = """\
---
title: Intro
summary: Where to start.
owners: ["@acme/data"]
last_reviewed: '2025-01-01'  # reviewed at the offsite
---
Some *text* here.
"""

Run = Callable[..., CompletedProcess[str]]


def files(crlf: bool = False) -> dict[str, str]:
    tool = TOOL.replace("\n", "\r\n") if crlf else TOOL
    return {
        "playbook/teams/data.yml": TEAM,
        "playbook/tools/board.yml": tool,
        "playbook/guides/intro.md": GUIDE,
    }


def test_review_adds_the_fields_and_touches_nothing_else(
    mini_repo: Callable[[dict[str, str]], Path], playbook_cli: Run
) -> None:
    root = mini_repo(files())
    done = playbook_cli("--root", str(root), "review", "tools/board", "--date", "2026-03-01")
    assert done.returncode == 0, done.stderr
    assert "reviewed 2026-03-01 by @acme/data" in done.stdout
    text = (root / "playbook/tools/board.yml").read_text()
    assert text == TOOL + 'last_reviewed: "2026-03-01"\nreviewed_by: "@acme/data"\n'
    assert playbook_cli("--root", str(root), "validate", "--strict").returncode == 0


def test_review_replaces_a_date_in_front_matter_keeping_quotes_and_comment(
    mini_repo: Callable[[dict[str, str]], Path], playbook_cli: Run
) -> None:
    root = mini_repo(files())
    done = playbook_cli(
        "--root", str(root), "review", "guides/intro", "--date", "2026-03-01", "--by", "@jdoe"
    )
    assert done.returncode == 0, done.stderr
    text = (root / "playbook/guides/intro.md").read_text()
    assert text == GUIDE.replace(
        "last_reviewed: '2025-01-01'  # reviewed at the offsite\n",
        "last_reviewed: '2026-03-01'  # reviewed at the offsite\nreviewed_by: \"@jdoe\"\n",
    )


def test_review_keeps_windows_line_ends(
    mini_repo: Callable[[dict[str, str]], Path], playbook_cli: Run
) -> None:
    root = mini_repo(files(crlf=True))
    done = playbook_cli("--root", str(root), "review", "tools/board", "--date", "2026-03-01")
    assert done.returncode == 0, done.stderr
    raw = (root / "playbook/tools/board.yml").read_bytes()
    assert raw.startswith(TOOL.replace("\n", "\r\n").encode())
    assert raw.count(b"\r\n") == raw.count(b"\n")


def test_missing_reviews_every_entry_without_a_date(
    mini_repo: Callable[[dict[str, str]], Path], playbook_cli: Run
) -> None:
    root = mini_repo(files())
    done = playbook_cli("--root", str(root), "review", "--missing", "--by", "data")
    assert done.returncode == 0, done.stderr
    assert "playbook/tools/board.yml: reviewed" in done.stdout
    assert "playbook/teams/data.yml: reviewed" in done.stdout
    assert "intro" not in done.stdout  # it has a date already
    assert "2025-01-01" in (root / "playbook/guides/intro.md").read_text()


def test_bad_names_are_usage_errors_and_nothing_is_written(
    mini_repo: Callable[[dict[str, str]], Path], playbook_cli: Run
) -> None:
    root = mini_repo(files())
    before = (root / "playbook/tools/board.yml").read_bytes()
    for args, message in [
        (("tools/bord",), "did you mean 'board'"),
        (("tool/board",), "did you mean 'tools'"),
        (("tools/board", "--by", "dta"), "did you mean 'data'"),
        (("tools/board", "--by", "@acme/dta"), "did you mean '@acme/data'"),
        (("tools/board", "--date", "2026-02-30"), "YYYY-MM-DD"),
        (("tools/board", "--date", "2999-01-01"), "day to come"),
        ((), "KIND/ID"),
    ]:
        done = playbook_cli("--root", str(root), "review", *args)
        assert done.returncode == 2, (args, done.stdout, done.stderr)
        assert message in done.stderr
        assert "Traceback" not in done.stderr
    assert (root / "playbook/tools/board.yml").read_bytes() == before


def test_a_review_shows_in_health(
    mini_repo: Callable[[dict[str, str]], Path], playbook_cli: Run
) -> None:
    root = mini_repo(files())
    args = ("--root", str(root), "health", "--format", "json", "--as-of", "2026-03-02")
    import json

    before = json.loads(playbook_cli(*args).stdout)
    assert before["summary"]["never-reviewed"] == 2
    playbook_cli("--root", str(root), "review", "tools/board", "--date", "2026-03-01")
    after = json.loads(playbook_cli(*args).stdout)
    assert after["summary"]["never-reviewed"] == 1
    assert after["summary"]["current"] == 1
