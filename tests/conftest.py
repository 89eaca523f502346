"""Shared fixtures: the repository root, small playbooks in tmp_path, the CLI as a user runs it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def repo_root() -> Path:
    """The project's own repository root."""
    return ROOT


def make_repo(base: Path, files: dict[str, str]) -> Path:
    """Create a repository with the project's schemas and the given files; give its root."""
    shutil.copytree(ROOT / "schemas", base / "schemas")
    (base / "playbook").mkdir(exist_ok=True)
    for rel, text in files.items():
        path = base / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return base


@pytest.fixture
def mini_repo(tmp_path: Path) -> Callable[[dict[str, str]], Path]:
    """Give a function that builds a repository in tmp_path from {path: text}."""
    return lambda files: make_repo(tmp_path / "repo", files)


def run_playbook(
    *args: str, cwd: Path | None = None, env: dict[str, str] | None = None, timeout: float = 300
) -> subprocess.CompletedProcess[str]:
    """Run the installed `playbook` command as a user would; give the finished process."""
    exe = shutil.which("playbook")
    command = [exe, *args] if exe else [sys.executable, "-m", "generator", *args]
    return subprocess.run(
        command,
        cwd=cwd,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


@pytest.fixture
def playbook_cli() -> Callable[..., subprocess.CompletedProcess[str]]:
    return run_playbook
