"""`playbook health` in every format against a small repository: overdue, due soon, never
reviewed, unreachable owners, orphans, links to overdue entries, scores and exit codes."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from subprocess import CompletedProcess

import pytest

Run = Callable[..., CompletedProcess[str]]

FILES = {
    "playbook/teams/data.yml": """\
title: Data
summary: The data team.
owners: ["@acme/data"]
handle: "@acme/data"
contact:
  chat: "#data"
last_reviewed: "2026-01-01"
""",
    "playbook/tools/board.yml": """\
title: Board
summary: A board for work.
owners: ["@acme/data"]
category: delivery
used_for: [Planning]
last_reviewed: "2025-06-01"
review_every: 6 months
""",
    "playbook/tools/sheet.yml": """\
title: Sheet
summary: A spreadsheet.
owners: ["@acme/data"]
category: analytics
used_for: [Sums]
alternatives: [board]
last_reviewed: 2026-01-20
review_every: 2 months
""",
    "playbook/tools/wiki.yml": """\
title: Wiki
summary: Pages.
owners: ["@acme/dat"]
category: documentation
used_for: [Notes]
related: [tools/sheet]
""",
}
AS_OF = "2026-03-02"


@pytest.fixture
def repo(mini_repo: Callable[[dict[str, str]], Path]) -> Path:
    return mini_repo(FILES)


def health(run: Run, root: Path, *args: str) -> CompletedProcess[str]:
    return run("--root", str(root), "health", "--as-of", AS_OF, *args)


def test_json_report(repo: Path, playbook_cli: Run) -> None:
    done = health(playbook_cli, repo, "--format", "json")
    assert done.returncode == 1  # an unreachable owner fails by default
    report = json.loads(done.stdout)
    assert report["as_of"] == AS_OF
    assert report["summary"] == {
        "entries": 4, "overdue": 1, "never-reviewed": 1, "due-soon": 1, "current": 1,
        "unowned": 1, "orphans": 1,
    }  # fmt: skip
    (team,) = report["teams"]
    assert team["id"] == "data"
    assert [e["key"] for e in team["overdue"]] == ["tools/board"]
    assert team["overdue"][0]["next_due"] == "2025-12-01"
    assert team["overdue"][0]["linked_from"] == 1
    assert [e["key"] for e in team["due-soon"]] == ["tools/sheet"]
    assert team["due-soon"][0]["next_due"] == "2026-03-20"
    assert team["score"] == 66  # team and sheet healthy, board overdue
    assert report["score"] == 50
    assert [e["key"] for e in report["unowned"]] == ["tools/wiki"]
    assert report["links_to_overdue"] == [
        {"from": "tools/sheet", "field": "alternatives[0]", "to": "tools/board"}
    ]
    rules = {(d["file"], d["rule"], d["severity"]) for d in report["diagnostics"]}
    assert ("playbook/tools/wiki.yml", "owner-unreachable", "error") in rules
    assert ("playbook/tools/board.yml", "review-overdue", "warning") in rules
    assert ("playbook/tools/wiki.yml", "review-missing", "warning") in rules
    assert ("playbook/tools/sheet.yml", "link-to-overdue", "warning") in rules


def test_text_report_locates_each_finding(repo: Path, playbook_cli: Run) -> None:
    done = health(playbook_cli, repo)
    out = done.stdout
    assert out.startswith(f"Playbook health on {AS_OF}: score 50/100")
    assert "66/100  Data (@acme/data), 3 entries: 1 overdue, 1 due soon" in out
    assert (
        "playbook/tools/board.yml:6:16: warning[review-overdue]: review overdue since 2025-12-01"
        " (91 days; last reviewed 2025-06-01, every 6 months); 1 entry links to it"
    ) in out
    assert "playbook/tools/wiki.yml:3:9: error[owner-unreachable]: no owner can be reached" in out
    assert "playbook/tools/sheet.yml:6:16: warning[link-to-overdue]" in out
    assert "hint: review it, then record it with `playbook review tools/board`" in out


def test_github_annotations(repo: Path, playbook_cli: Run) -> None:
    done = health(playbook_cli, repo, "--format", "github")
    lines = done.stdout.splitlines()
    assert any(
        line.startswith(
            "::warning file=playbook/tools/board.yml,line=6,col=16,title=review-overdue::"
        )
        for line in lines
    )
    assert any(line.startswith("::error file=playbook/tools/wiki.yml,line=3") for line in lines)
    assert lines[-1].startswith("Playbook health on")


def test_codequality_report(repo: Path, playbook_cli: Run) -> None:
    done = health(playbook_cli, repo, "--format", "codequality")
    report = json.loads(done.stdout)
    checks = {(r["location"]["path"], r["check_name"], r["severity"]) for r in report}
    assert ("playbook/tools/wiki.yml", "owner-unreachable", "major") in checks
    assert ("playbook/tools/board.yml", "review-overdue", "minor") in checks
    assert len({r["fingerprint"] for r in report}) == len(report)


def test_thresholds_come_from_pyproject(repo: Path, playbook_cli: Run) -> None:
    (repo / "playbook/tools/wiki.yml").write_text(
        FILES["playbook/tools/wiki.yml"].replace("@acme/dat", "@acme/data")
    )
    assert health(playbook_cli, repo).returncode == 0
    pyproject = repo / "pyproject.toml"
    pyproject.write_text('[tool.playbook.health]\nfail_on = ["overdue"]\n')
    assert health(playbook_cli, repo).returncode == 1
    assert "error[review-overdue]" in health(playbook_cli, repo).stdout
    pyproject.write_text("[tool.playbook.health]\nfail_on = []\nmin_score = 80\n")
    assert health(playbook_cli, repo).returncode == 1
    pyproject.write_text("[tool.playbook.health]\ndue_soon_days = 10\n")
    report = json.loads(health(playbook_cli, repo, "--format", "json").stdout)
    assert report["summary"]["due-soon"] == 0 and report["summary"]["current"] == 2


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        ('fail_on = ["stale"]', "fail_on must be a list of"),
        ("due_soon_days = -1", "due_soon_days"),
        ('timezone = "Mars/Olympus"', "timezone"),
        ("colour = 1", "unknown setting"),
    ],
)
def test_bad_settings_exit_2(repo: Path, playbook_cli: Run, setting: str, message: str) -> None:
    (repo / "pyproject.toml").write_text(f"[tool.playbook.health]\n{setting}\n")
    done = health(playbook_cli, repo)
    assert done.returncode == 2
    assert message in done.stderr and "Traceback" not in done.stderr


def test_the_day_turns_an_entry_overdue(repo: Path, playbook_cli: Run) -> None:
    def state(day: str) -> str:
        done = playbook_cli("--root", str(repo), "health", "--format", "json", "--as-of", day)
        team = json.loads(done.stdout)["teams"][0]
        return "overdue" if any(e["key"] == "tools/sheet" for e in team["overdue"]) else "not"

    assert state("2026-03-19") == "not"
    assert state("2026-03-20") == "overdue"


def test_unknown_owner_is_a_located_warning_with_a_suggestion(
    repo: Path, playbook_cli: Run
) -> None:
    done = playbook_cli("--root", str(repo), "validate")
    assert done.returncode == 0
    assert (
        "playbook/tools/wiki.yml:3:10: warning[team-unknown]: owners[0]: '@acme/dat' is not the"
        " handle of a team (did you mean '@acme/data'?)"
    ) in done.stdout
    assert playbook_cli("--root", str(repo), "validate", "--strict").returncode == 1


def test_orphans_and_impossible_dates(
    mini_repo: Callable[[dict[str, str]], Path], playbook_cli: Run
) -> None:
    files = dict(FILES)
    files["playbook/tools/lonely.yml"] = (
        files["playbook/tools/wiki.yml"]
        .replace("related: [tools/sheet]\n", "last_reviewed: 2026-02-30\n")
        .replace("@acme/dat", "@acme/data")
    )
    root = mini_repo(files)
    done = playbook_cli("--root", str(root), "validate")
    assert "playbook/tools/lonely.yml:6:16: error[review-date]" in done.stdout
    assert done.returncode == 1
    (root / "playbook/tools/lonely.yml").write_text(
        files["playbook/tools/lonely.yml"].replace("2026-02-30", "2026-02-28")
    )
    report = json.loads(health(playbook_cli, root, "--format", "json").stdout)
    assert sorted(report["orphans"]) == ["tools/lonely", "tools/wiki"]
