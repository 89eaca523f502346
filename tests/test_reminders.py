"""Reminder issues against a fake GitHub (and GitLab) API on 127.0.0.1: one issue per team,
updated in place, closed once reviewed, never duplicated across runs. No network."""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from subprocess import CompletedProcess
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import yaml

from generator.reminders import Issue, Reminder, plan

Run = Callable[..., CompletedProcess[str]]
ROOT = Path(__file__).resolve().parent.parent


@dataclass
class FakeHost:
    """An issue tracker in memory that answers like GitHub's REST API (or GitLab's)."""

    flavour: str = "github"
    issues: list[dict[str, Any]] = field(default_factory=list)
    requests: list[tuple[str, str, Any, str]] = field(default_factory=list)
    """(method, path, JSON body, authorisation header) of every request."""

    def handle(self, method: str, url: str, body: Any, auth: str) -> tuple[int, Any]:
        self.requests.append((method, url, body, auth))
        parts = urlsplit(url)
        gitlab = self.flavour == "gitlab"
        number_key, text_key = ("iid", "description") if gitlab else ("number", "body")
        match = re.fullmatch(r".*/issues(?:/(\d+))?(/comments|/notes)?", parts.path)
        if match is None:
            return 404, {"message": "Not Found"}
        number, sub = match.group(1), match.group(2)
        if method == "GET" and number is None:
            query = parse_qs(parts.query)
            label = query.get("labels", [""])[0]
            page = int(query.get("page", ["1"])[0])
            chosen = [i for i in self.issues if label in i["labels"]]
            return 200, chosen[(page - 1) * 100 : page * 100]
        if method == "POST" and number is None:
            labels = body["labels"]
            issue = {
                number_key: len(self.issues) + 1,
                "title": body["title"],
                text_key: body[text_key],
                "state": "opened" if gitlab else "open",
                "labels": labels.split(",") if isinstance(labels, str) else labels,
                "comments": [],
            }
            self.issues.append(issue)
            return 201, issue
        issue = next((i for i in self.issues if str(i[number_key]) == number), None)
        if issue is None:
            return 404, {"message": "Not Found"}
        if sub and method == "POST":
            issue["comments"].append(body["body"])
            return 201, {"body": body["body"]}
        if method in ("PATCH", "PUT"):
            for key in ("title", text_key):
                if key in body:
                    issue[key] = body[key]
            state = body.get("state") or {"close": "closed", "reopen": "opened"}.get(
                body.get("state_event", "")
            )
            if state:
                issue["state"] = state
            return 200, issue
        return 405, {"message": "Method Not Allowed"}

    def by_team(self) -> dict[str, dict[str, Any]]:
        text_key = "description" if self.flavour == "gitlab" else "body"
        found = {}
        for issue in self.issues:
            team = re.search(r"playbook-reminder: (.+?) -->", issue[text_key])
            assert team is not None
            assert team.group(1) not in found or found[team.group(1)]["state"] != "open"
            found[team.group(1)] = issue
        return found


@pytest.fixture
def fake_host() -> Iterator[tuple[FakeHost, str]]:
    host = FakeHost()

    class Handler(BaseHTTPRequestHandler):
        def _answer(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = json.loads(self.rfile.read(length)) if length else None
            auth = self.headers.get("Authorization") or self.headers.get("PRIVATE-TOKEN") or ""
            status, answer = host.handle(self.command, self.path, body, auth)
            data = json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = do_PATCH = do_PUT = _answer

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield host, f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def team(team_id: str) -> str:
    return (
        f"title: Team {team_id}\nsummary: A team.\nowners: ['@acme/{team_id}']\n"
        f"handle: '@acme/{team_id}'\ncontact:\n  chat: '#{team_id}'\nlast_reviewed: 2026-02-01\n"
    )


def tool(name: str, owner: str, reviewed: str, extra: str = "") -> str:
    return (
        f"title: {name.title()}\nsummary: A tool.\nowners: ['@acme/{owner}']\ncategory: delivery\n"
        f"used_for: [Work]\nlast_reviewed: {reviewed}\nreview_every: 3 months\n{extra}"
    )


FILES = {
    "playbook/teams/data.yml": team("data"),
    "playbook/teams/ops.yml": team("ops"),
    # Each is linked from another, so none is an orphan.
    "playbook/tools/board.yml": tool("board", "data", "2025-10-01", "related: [tools/wiki]\n"),
    "playbook/tools/sheet.yml": tool("sheet", "data", "2025-11-01", "alternatives: [board]\n"),
    "playbook/tools/wiki.yml": tool("wiki", "ops", "2026-02-20", "related: [tools/sheet]\n"),
}
DAY = "2026-03-02"


def remind(run: Run, root: Path, api: str, *args: str) -> CompletedProcess[str]:
    env = {
        "GITHUB_API_URL": api,
        "GITHUB_REPOSITORY": "acme/playbook",
        "GITHUB_TOKEN": "secret-token",
        "GITHUB_SERVER_URL": "https://github.example",
        "GITHUB_REF_NAME": "main",
    }
    done = run("--root", str(root), "remind", "--as-of", DAY, *args, env=env)
    assert "Traceback" not in done.stderr
    return done


def test_one_issue_per_team_across_runs_then_closed_when_reviewed(
    mini_repo: Callable[[dict[str, str]], Path],
    playbook_cli: Run,
    fake_host: tuple[FakeHost, str],
) -> None:
    host, api = fake_host
    root = mini_repo(FILES)
    first = remind(playbook_cli, root, api)
    assert first.returncode == 0, first.stderr
    assert first.stdout == "open: Playbook review: 2 entries for Team data\n"
    (issue,) = host.issues
    assert issue["labels"] == ["playbook-review"] and issue["state"] == "open"
    body = issue["body"]
    assert body.startswith("<!-- playbook-reminder: data -->\n@acme/data, entries your team")
    assert (
        "- [ ] [Board](https://github.example/acme/playbook/blob/main/playbook/tools/board.yml)"
        " (`tools/board`): overdue since 2026-01-01 (last reviewed 2025-10-01), 1 entry links to it"
    ) in body
    assert "playbook review tools/board tools/sheet" in body
    assert all(auth == "Bearer secret-token" for *_, auth in host.requests)

    again = remind(playbook_cli, root, api)
    assert again.stdout == "reminder issues are up to date\n"
    assert len(host.issues) == 1

    playbook_cli("--root", str(root), "review", "tools/board", "--date", DAY)
    third = remind(playbook_cli, root, api)
    assert third.stdout == "update #1: Playbook review: 1 entry for Team data\n"
    assert "tools/board" not in host.issues[0]["body"]

    playbook_cli("--root", str(root), "review", "tools/sheet", "--date", DAY)
    fourth = remind(playbook_cli, root, api)
    assert fourth.stdout == "close #1: Playbook review: 1 entry for Team data\n"
    assert host.issues[0]["state"] == "closed"
    assert host.issues[0]["comments"] == ["Every entry listed here has been reviewed: closing."]
    assert remind(playbook_cli, root, api).stdout == "reminder issues are up to date\n"

    (root / "playbook/tools/sheet.yml").write_text(FILES["playbook/tools/sheet.yml"])
    fifth = remind(playbook_cli, root, api)
    assert fifth.stdout == "reopen #1: Playbook review: 1 entry for Team data\n"
    assert host.issues[0]["state"] == "open" and len(host.issues) == 1
    host.by_team()


def test_unreachable_owners_share_one_issue_and_dry_run_changes_nothing(
    mini_repo: Callable[[dict[str, str]], Path],
    playbook_cli: Run,
    fake_host: tuple[FakeHost, str],
) -> None:
    host, api = fake_host
    files = {
        **FILES,
        "playbook/tools/wiki.yml": tool("wiki", "nobody", "2026-02-20", "related: [tools/sheet]\n"),
    }
    root = mini_repo(files)
    dry = remind(playbook_cli, root, api, "--dry-run")
    assert dry.stdout.splitlines() == [
        "would open: Playbook review: 2 entries for Team data",
        "would open: Playbook: 1 entry without a reachable owner",
    ]
    assert host.issues == [] and all(method == "GET" for method, *_ in host.requests)
    remind(playbook_cli, root, api)
    teams = host.by_team()
    assert set(teams) == {"data", "(no team)"}
    assert "`tools/wiki`" in teams["(no team)"]["body"]


def test_host_errors_are_reported_not_raised(
    mini_repo: Callable[[dict[str, str]], Path], playbook_cli: Run
) -> None:
    root = mini_repo(FILES)
    done = remind(playbook_cli, root, "http://127.0.0.1:9")
    assert done.returncode == 1
    assert "playbook: error: GET /repos/acme/playbook/issues" in done.stderr
    missing = playbook_cli("--root", str(root), "remind", env={"GITHUB_REPOSITORY": ""})
    assert missing.returncode == 1 and "GITHUB_TOKEN" in missing.stderr


def test_a_malformed_issue_listing_is_an_error_not_a_traceback(
    mini_repo: Callable[[dict[str, str]], Path],
    playbook_cli: Run,
    fake_host: tuple[FakeHost, str],
) -> None:
    host, api = fake_host
    host.issues.append({"title": "no number", "state": "open", "labels": ["playbook-review"]})
    done = remind(playbook_cli, mini_repo(FILES), api)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "playbook: error: listing issues: an issue without a usable" in done.stderr


def test_gitlab_issues_are_kept_the_same_way(
    mini_repo: Callable[[dict[str, str]], Path],
    playbook_cli: Run,
    fake_host: tuple[FakeHost, str],
) -> None:
    host, api = fake_host
    host.flavour = "gitlab"
    root = mini_repo(FILES)
    env = {
        "GITLAB_CI": "true",
        "CI_API_V4_URL": api + "/api/v4",
        "CI_PROJECT_ID": "42",
        "CI_PROJECT_URL": "https://gitlab.example/acme/playbook",
        "CI_DEFAULT_BRANCH": "main",
        "PLAYBOOK_GITLAB_TOKEN": "gl-token",
        "GITHUB_REPOSITORY": "",
    }
    args = ("--root", str(root), "remind", "--as-of", DAY)
    assert playbook_cli(*args, env=env).returncode == 0
    assert playbook_cli(*args, env=env).stdout == "reminder issues are up to date\n"
    (issue,) = host.issues
    assert issue["state"] == "opened" and issue["labels"] == ["playbook-review"]
    assert (
        "https://gitlab.example/acme/playbook/-/blob/main/playbook/tools/board.yml"
        in (issue["description"])
    )
    assert {auth for *_, auth in host.requests} == {"gl-token"}
    assert all(path.startswith("/api/v4/projects/42/issues") for _, path, *_ in host.requests)


def test_plan_closes_duplicates_and_leaves_other_issues_alone() -> None:
    wanted = [Reminder("data", "Review data", "<!-- playbook-reminder: data -->\nbody\n")]
    existing = [
        Issue(3, "Review data", "<!-- playbook-reminder: data -->\nbody\n", True),
        Issue(2, "Old", "<!-- playbook-reminder: data -->\nold\n", True),
        Issue(1, "Someone's own issue", "no marker", True),
    ]
    actions = plan(wanted, existing)
    assert [(a.verb, a.number) for a in actions] == [("close", 2)]


def test_reminder_issue_text_cannot_be_forged_by_content(
    mini_repo: Callable[[dict[str, str]], Path],
    playbook_cli: Run,
    fake_host: tuple[FakeHost, str],
) -> None:
    host, api = fake_host
    files = dict(FILES)
    files["playbook/tools/board.yml"] = files["playbook/tools/board.yml"].replace(
        "title: Board", "title: '[click](https://evil.example) @everyone <b>x</b>'"
    )
    root = mini_repo(files)
    remind(playbook_cli, root, api)
    body = host.issues[0]["body"]
    from markdown_it import MarkdownIt

    html = MarkdownIt("commonmark").render(body)
    assert "evil.example" not in "".join(re.findall(r'href="([^"]*)"', html))
    assert "<b>" not in html and "@everyone" not in html
    assert "[click](https://evil.example) @\u2060everyone <b>x</b>" in html.replace(
        "&lt;", "<"
    ).replace("&gt;", ">")


def test_workflows_schedule_reminders_with_least_privilege() -> None:
    workflow = yaml.load(
        (ROOT / ".github/workflows/reminders.yml").read_text(), Loader=yaml.BaseLoader
    )
    assert workflow["on"]["schedule"][0]["cron"]
    assert workflow["permissions"] == {"contents": "read", "issues": "write"}
    runs = [s.get("run", "") for s in workflow["jobs"]["remind"]["steps"]]
    assert "playbook remind" in runs
    gitlab = yaml.safe_load((ROOT / "reminders.gitlab-ci.yml.example").read_text())
    job = gitlab["review-reminders"]
    assert job["rules"] == [{"if": '$CI_PIPELINE_SOURCE == "schedule"'}]
    assert "playbook remind" in job["script"]


def test_an_orphan_is_listed_in_its_teams_issue(
    mini_repo: Callable[[dict[str, str]], Path],
    playbook_cli: Run,
    fake_host: tuple[FakeHost, str],
) -> None:
    host, api = fake_host
    files = {**FILES, "playbook/tools/lonely.yml": tool("lonely", "ops", "2026-02-20")}
    root = mini_repo(files)
    done = remind(playbook_cli, root, api)
    assert "open: Playbook review: 1 entry for Team ops" in done.stdout
    body = host.by_team()["ops"]["body"]
    assert "### Nothing links to these" in body and "`tools/lonely`" in body
    assert "### To review" not in body
