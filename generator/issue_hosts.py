"""The issue APIs of GitHub and GitLab, as far as reminders need them: list, open, edit, close.

Plain HTTPS with the standard library; addresses and tokens come from the CI environment.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping
from typing import Any, Protocol

from generator.errors import EXIT_INVALID, PlaybookError
from generator.reminders import LABEL, Action, Issue

TIMEOUT = 30
MAX_PAGES = 50


class HostError(PlaybookError):
    """The git host refused or could not be reached (exit code 1: the run failed, not its usage)."""

    exit_code = EXIT_INVALID


class IssueHost(Protocol):
    def issues(self) -> list[Issue]: ...

    def apply(self, action: Action) -> None: ...


class _Client:
    def __init__(self, api: str, headers: Mapping[str, str]) -> None:
        self.api = api.rstrip("/")
        self.headers = dict(headers)

    def call(self, method: str, path: str, body: Mapping[str, Any] | None = None) -> Any:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(
            self.api + path,
            data=data,
            method=method,
            headers={**self.headers, "Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
                text = response.read().decode("utf-8")
        except urllib.error.HTTPError as error:
            raise HostError(
                f"{method} {path}: the host answered {error.code} {error.reason}"
            ) from None
        except (urllib.error.URLError, OSError) as error:
            raise HostError(f"{method} {path}: cannot reach {self.api}: {error}") from error
        try:
            return json.loads(text) if text else None
        except json.JSONDecodeError as error:
            raise HostError(f"{method} {path}: the host's answer is not JSON") from error


def _labelled_issues(client: _Client, base: str) -> list[dict[str, Any]]:
    """Give every issue with the reminders' label, open or closed, page by page."""
    found: list[dict[str, Any]] = []
    for page in range(1, MAX_PAGES + 1):
        batch = client.call(
            "GET", f"{base}/issues?state=all&labels={LABEL}&per_page=100&page={page}"
        )
        if not isinstance(batch, list):
            raise HostError("listing issues: the host's answer is not a list")
        found += [item for item in batch if isinstance(item, dict)]
        if len(batch) < 100:
            break
    return found


def _issue(item: Mapping[str, Any], number: str, body: str, open_state: str) -> Issue:
    """Give one listed issue, named by the host's own field names; a malformed one is refused."""
    try:
        return Issue(
            int(item[number]), str(item["title"]), str(item.get(body) or ""),
            item["state"] == open_state,
        )  # fmt: skip
    except (KeyError, TypeError, ValueError) as error:
        raise HostError(f"listing issues: an issue without a usable {error}") from None


class GitHub:
    """Issues of one GitHub repository (`owner/name`)."""

    def __init__(self, api: str, repository: str, token: str) -> None:
        self.base = f"/repos/{urllib.parse.quote(repository, safe='/')}"
        self.client = _Client(
            api,
            {
                "Authorization": f"Bearer {token}",
                "Accept": "application/vnd.github+json",
                "X-GitHub-Api-Version": "2022-11-28",
                "User-Agent": "playbook-remind",
            },
        )

    def issues(self) -> list[Issue]:
        return [
            _issue(item, "number", "body", "open")
            for item in _labelled_issues(self.client, self.base)
            if "pull_request" not in item  # GitHub lists pull requests among issues
        ]

    def apply(self, action: Action) -> None:
        if action.verb == "open":
            body = {"title": action.title, "body": action.body, "labels": [LABEL]}
            self.client.call("POST", f"{self.base}/issues", body)
            return
        path = f"{self.base}/issues/{action.number}"
        if action.verb == "close":
            self.client.call("POST", f"{path}/comments", {"body": action.comment})
            self.client.call("PATCH", path, {"state": "closed", "state_reason": "completed"})
            return
        edit = {"title": action.title, "body": action.body}
        self.client.call(
            "PATCH", path, {**edit, "state": "open"} if action.verb == "reopen" else edit
        )


class GitLab:
    """Issues of one GitLab project (`group/name` or its numeric id)."""

    def __init__(self, api: str, project: str, token: str) -> None:
        self.base = f"/projects/{urllib.parse.quote(project, safe='')}"
        self.client = _Client(api, {"PRIVATE-TOKEN": token, "User-Agent": "playbook-remind"})

    def issues(self) -> list[Issue]:
        return [
            _issue(item, "iid", "description", "opened")
            for item in _labelled_issues(self.client, self.base)
        ]

    def apply(self, action: Action) -> None:
        if action.verb == "open":
            body = {"title": action.title, "description": action.body, "labels": LABEL}
            self.client.call("POST", f"{self.base}/issues", body)
            return
        path = f"{self.base}/issues/{action.number}"
        if action.verb == "close":
            self.client.call("POST", f"{path}/notes", {"body": action.comment})
            self.client.call("PUT", path, {"state_event": "close"})
            return
        edit: dict[str, Any] = {"title": action.title, "description": action.body}
        if action.verb == "reopen":
            edit["state_event"] = "reopen"
        self.client.call("PUT", path, edit)


def host_from_environment(environ: Mapping[str, str]) -> tuple[IssueHost, str | None]:
    """Give the issue host this CI job runs for, and the address prefix of files on its branch.

    GitHub Actions: GITHUB_REPOSITORY, GITHUB_TOKEN (GITHUB_API_URL, GITHUB_SERVER_URL,
    GITHUB_REF_NAME). GitLab CI: CI_PROJECT_ID or CI_PROJECT_PATH, PLAYBOOK_GITLAB_TOKEN (an
    access token allowed to write issues), CI_API_V4_URL, CI_PROJECT_URL, CI_DEFAULT_BRANCH.
    """
    if environ.get("GITLAB_CI") or environ.get("CI_API_V4_URL"):
        project = environ.get("CI_PROJECT_ID") or environ.get("CI_PROJECT_PATH")
        token = environ.get("PLAYBOOK_GITLAB_TOKEN")
        if not project or not token:
            raise HostError("on GitLab, set PLAYBOOK_GITLAB_TOKEN (a token that may write issues)")
        api = environ.get("CI_API_V4_URL", "https://gitlab.com/api/v4")
        url = environ.get("CI_PROJECT_URL")
        branch = environ.get("CI_DEFAULT_BRANCH", "main")
        return GitLab(api, project, token), f"{url}/-/blob/{branch}/" if url else None
    repository, token = environ.get("GITHUB_REPOSITORY"), environ.get("GITHUB_TOKEN")
    if not repository or not token:
        raise HostError(
            "set GITHUB_REPOSITORY (owner/name) and GITHUB_TOKEN, as GitHub Actions does"
        )
    api = environ.get("GITHUB_API_URL", "https://api.github.com")
    server = environ.get("GITHUB_SERVER_URL", "https://github.com").rstrip("/")
    branch = environ.get("GITHUB_REF_NAME", "main")
    return GitHub(api, repository, token), f"{server}/{repository}/blob/{branch}/"
