"""Hostile repositories and failing machines: nothing forged, nothing lost, nothing hangs.

Each section is one class of attack or failure, reproduced with real files, real git
repositories, real pipes and real signals, and run through the command as a user runs it.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from subprocess import CompletedProcess

import pytest

from generator.checks.report import format_codequality, format_github, format_json, format_text
from generator.model import Issue, Severity, SourceRef

ROOT = Path(__file__).parent.parent
BASE = ROOT / "tests" / "cases" / "_base" / "playbook"
Cli = Callable[..., CompletedProcess[str]]
QUICK = 60
"""Seconds a command on a ten-entry playbook may take before it counts as hanging."""


@pytest.fixture
def base_repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    shutil.copytree(ROOT / "schemas", root / "schemas")
    shutil.copytree(BASE, root / "playbook")
    return root


# --- 3. never block on a file that is not a regular file ------------------------------------


def test_a_pipe_as_an_entry_file_is_reported_without_blocking(
    playbook_cli: Cli, base_repo: Path
) -> None:
    os.mkfifo(base_repo / "playbook/roles/pipe.yml")
    result = playbook_cli("validate", "--context", cwd=base_repo, timeout=QUICK)
    assert result.returncode == 1
    assert "playbook/roles/pipe.yml:1:1: error[file-type]:" in result.stdout


def test_a_pipe_as_a_kind_folder_is_reported_without_blocking(
    playbook_cli: Cli, base_repo: Path
) -> None:
    shutil.rmtree(base_repo / "playbook/tools")
    os.mkfifo(base_repo / "playbook/tools")
    result = playbook_cli("validate", "--context", cwd=base_repo, timeout=QUICK)
    assert result.returncode == 1
    assert "playbook/tools:1:1: error[file-unreadable]:" in result.stdout


def test_a_pipe_swapped_in_after_discovery_is_not_read(
    base_repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from generator import pipeline
    from generator.config import load_config

    real_discover = pipeline.discover

    def discover_then_swap(*args: object, **kwargs: object) -> object:
        found = real_discover(*args, **kwargs)  # type: ignore[arg-type]
        entry = base_repo / "playbook/tools/board.yml"
        entry.unlink()
        os.mkfifo(entry)  # the file is now a pipe nobody writes to
        return found

    monkeypatch.setattr(pipeline, "discover", discover_then_swap)
    validation = pipeline.validate_playbook(load_config(base_repo))
    issues = [i for i in validation.issues if i.source.path == "playbook/tools/board.yml"]
    assert [(i.rule, i.severity) for i in issues] == [("file-type", Severity.ERROR)]


@pytest.mark.parametrize(
    "where", ["pyproject.toml", "schemas/tools.schema.json", ".github/CODEOWNERS"]
)
def test_pipes_among_the_settings_never_block(
    playbook_cli: Cli, base_repo: Path, where: str
) -> None:
    path = base_repo / where
    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)
    os.mkfifo(path)
    result = playbook_cli("validate", "--context", cwd=base_repo, timeout=QUICK)
    assert "Traceback" not in result.stderr
    assert result.returncode in (0, 1, 2)


def test_the_reader_refuses_a_pipe_a_folder_and_an_oversized_file(tmp_path: Path) -> None:
    from generator.files import FileTooLarge, NotRegularFile, read_regular

    os.mkfifo(tmp_path / "pipe")
    with pytest.raises(NotRegularFile):
        read_regular(tmp_path / "pipe")
    with pytest.raises(NotRegularFile):
        read_regular(tmp_path)
    (tmp_path / "big").write_bytes(b"x" * 100)
    with pytest.raises(FileTooLarge):
        read_regular(tmp_path / "big", limit=99)
    assert read_regular(tmp_path / "big", limit=100) == b"x" * 100
    (tmp_path / "link").symlink_to(tmp_path / "big")
    with pytest.raises(OSError):
        read_regular(tmp_path / "link", follow=False)


# --- 10. nothing printed can drive the terminal or forge a line -----------------------------

HIDDEN = "\x1b]0;PWNED\x07 \x1b[2J \u202e \x85 \u2028 \x9b \u200f \x7f"


def _hostile_issue() -> Issue:
    return Issue(
        SourceRef("playbook/roles/evil\nplaybook/roles/x.yml:1:1: error[forged]: no.yml", 2, 3),
        Severity.ERROR,
        "schema",
        f"title: {HIDDEN}\nplaybook/x.yml:9:9: error[forged]: fake",
        f"hint {HIDDEN}",
    )


def _no_hidden(text: str, keep: str = "\n") -> None:
    assert all(c.isprintable() or c in keep for c in text), repr(text)


def test_every_format_shows_hidden_characters_and_forges_no_line() -> None:
    issue = _hostile_issue()
    text = format_text([issue], 1, lambda rel: [f"title: {HIDDEN}", "x"])
    _no_hidden(text)
    assert len(text.splitlines()) == 5  # the issue, context, caret, hint, summary
    assert "\\u001b]0;PWNED" in text and "\\u202e" in text and "\\u0085" in text
    github = format_github([issue], 1)
    _no_hidden(github)
    assert [line[:8] for line in github.splitlines()[:-1]] == ["::error "]
    # JSON spells the escapes its own way: a tool decodes exactly what the file holds.
    document = format_json([issue], 1)
    _no_hidden(document)
    decoded = json.loads(document)["diagnostics"][0]
    assert (decoded["file"], decoded["hint"]) == (issue.source.path, issue.hint)
    quality = format_codequality([issue])
    _no_hidden(quality)
    assert json.loads(quality)[0]["location"]["path"] == issue.source.path


def test_a_file_name_with_a_newline_and_escapes_is_one_inert_issue(
    playbook_cli: Cli, base_repo: Path
) -> None:
    name = "x\nlead.yml:1:1: error[forged]: \x1b]0;PWNED\x07\u202e.txt"
    (base_repo / "playbook/roles" / name).write_text("title: x\n")
    (base_repo / "playbook/roles/lead.yml").write_text(
        (BASE / "roles/lead.yml").read_text() + f"bogus: '{HIDDEN}'\n"
    )
    for output_format in ("text", "github", "json", "codequality"):
        result = playbook_cli(
            "validate", "--context", "--format", output_format, cwd=base_repo, timeout=QUICK
        )
        assert result.returncode == 1
        _no_hidden(result.stdout + result.stderr)
        assert "forged" not in "".join(line.split(":", 1)[0] for line in result.stdout.splitlines())
        if output_format == "text":
            starts = [line for line in result.stdout.splitlines() if "error[" in line]
            assert sorted(line.split(":")[0] for line in starts) == [
                "playbook/roles/lead.yml",
                "playbook/roles/x\\nlead.yml",
            ]
        if output_format in ("json", "codequality"):
            json.loads(result.stdout)


def test_git_output_is_printed_inert(playbook_cli: Cli, base_repo: Path) -> None:
    git = ["git", "-c", "user.name=A\x1b]0;PWNED\x07", "-c", "user.email=a@example.org"]
    subprocess.run(["git", "init", "-q", str(base_repo)], check=True)
    subprocess.run([*git, "-C", str(base_repo), "add", "-A"], check=True)
    subprocess.run(
        [*git, "-C", str(base_repo), "commit", "-qm", "start \x1b[31mred\u202e"], check=True
    )
    for output_format in ("md", "json"):
        result = playbook_cli("changelog", "--format", output_format, cwd=base_repo)
        assert result.returncode == 0, result.stderr
        _no_hidden(result.stdout + result.stderr)
        assert "\\u001b" in result.stdout


# --- 1. nothing committed can change what history says --------------------------------------


def git(root: Path, *args: str) -> str:
    """Run git in `root` with a fixed identity and no user or system settings."""
    env = {**os.environ, "HOME": str(root.parent), "GIT_CONFIG_NOSYSTEM": "1"}
    done = subprocess.run(
        ["git", "-c", "user.name=Ada", "-c", "user.email=ada@example.org", *args],
        cwd=root, env=env, capture_output=True, text=True, check=True,
    )  # fmt: skip
    return done.stdout


def _retitled_history(root: Path) -> None:
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "Start the playbook")
    lead = root / "playbook/roles/lead.yml"
    lead.write_text(lead.read_text().replace("title: Team lead", "title: Team leader"))
    git(root, "commit", "-qam", "Retitle the lead")


def _forge(document: object) -> object:
    """Give the cache document with every title and detail replaced by a forged one."""
    if isinstance(document, dict):
        return {k: "FORGED" if k == "title" else _forge(v) for k, v in document.items()}
    if isinstance(document, list):
        return ["FORGED" if isinstance(v, str) else _forge(v) for v in document]
    return "FORGED" if isinstance(document, str) else document


def test_a_committed_cache_cannot_forge_the_changelog_or_the_diff(
    playbook_cli: Cli, base_repo: Path, tmp_path: Path
) -> None:
    from generator.history.cache import CACHE_DIR

    _retitled_history(base_repo)
    honest = playbook_cli("changelog", "--format", "json", cwd=base_repo)
    assert honest.returncode == 0 and "Team leader" in honest.stdout
    made = Path(git(base_repo, "rev-parse", "--absolute-git-dir").strip()) / CACHE_DIR
    assert sorted(p.name for p in made.iterdir())  # the cache was written, in the git folder
    # Every place a cache could be looked for in the tree, with doctored copies of the real one.
    for folder in (".playbook-cache/history", "playbook-cache/history", ".git-cache/history"):
        forged = base_repo / folder
        forged.mkdir(parents=True)
        for cached in made.iterdir():
            (forged / cached.name).write_text(json.dumps(_forge(json.loads(cached.read_text()))))
    git(base_repo, "add", "-A", "-f")
    git(base_repo, "commit", "-qm", "Add a cache")
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", str(base_repo), str(clone))
    changelog = playbook_cli("changelog", "--format", "json", cwd=clone)
    assert changelog.returncode == 0, changelog.stderr
    assert "FORGED" not in changelog.stdout and "Team leader" in changelog.stdout
    diff = playbook_cli("diff", "HEAD~2", "HEAD~1", "--format", "json", cwd=clone)
    assert diff.returncode == 0, diff.stderr
    assert "FORGED" not in diff.stdout and json.loads(diff.stdout)["changes"]


def test_the_history_cache_never_follows_a_link(
    playbook_cli: Cli, base_repo: Path, tmp_path: Path
) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (base_repo / ".playbook-cache").symlink_to(elsewhere)
    (base_repo / "playbook-cache").symlink_to(elsewhere)
    _retitled_history(base_repo)
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", str(base_repo), str(clone))
    assert (clone / ".playbook-cache").is_symlink()  # what a fresh clone of the attack holds
    # And a link where the cache lives, as only someone on the machine can make.
    git_dir = Path(git(clone, "rev-parse", "--absolute-git-dir").strip())
    (git_dir / "playbook-cache").symlink_to(elsewhere)
    for _ in range(2):  # the second run would read what the first wrote
        result = playbook_cli("changelog", "--format", "json", cwd=clone)
        assert result.returncode == 0, result.stderr
        assert "Team leader" in result.stdout
    assert list(elsewhere.iterdir()) == []
