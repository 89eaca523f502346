"""`playbook codeowners`: CODEOWNERS from the entries' owners, deterministic, and kept current."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from subprocess import CompletedProcess

import pytest
import yaml

from generator.codeowners import CODEOWNERS, write_codeowners
from generator.content.frontmatter import FrontMatter, split_front_matter
from generator.errors import ConfigError

ROOT = Path(__file__).parent.parent
BASE = ROOT / "tests" / "cases" / "_base" / "playbook"
Cli = Callable[..., CompletedProcess[str]]


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    shutil.copytree(ROOT / "schemas", tmp_path / "schemas")
    shutil.copytree(BASE, tmp_path / "playbook")
    return tmp_path


def owners_of(path: Path) -> list[str]:
    text = path.read_text("utf-8")
    if path.suffix == ".md":
        front = split_front_matter(text)
        assert isinstance(front, FrontMatter), front
        text = front.yaml_text
    return list(yaml.safe_load(text)["owners"])


def set_owners(path: Path, owners: list[str]) -> None:
    old = json.dumps(owners_of(path))
    lines = path.read_text("utf-8").splitlines(keepends=True)
    index = next(i for i, line in enumerate(lines) if line.startswith("owners:"))
    lines[index] = f"owners: {json.dumps(owners)}\n"
    path.write_text("".join(lines), encoding="utf-8")
    assert json.dumps(owners_of(path)) != old


def rules(cli: Cli, root: Path) -> list[str]:
    result = cli("--root", str(root), "validate", "--format", "json")
    return [str(d["rule"]) for d in json.loads(result.stdout)["diagnostics"]]


def test_one_sorted_line_per_entry_with_its_owners(playbook_cli: Cli, repo: Path) -> None:
    set_owners(repo / "playbook/roles/lead.yml", ["@acme/ops", "@jane-doe"])
    result = playbook_cli("codeowners", cwd=repo)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == CODEOWNERS
    text = (repo / CODEOWNERS).read_text("utf-8")
    header = [line for line in text.splitlines() if line.startswith("#")]
    assert any("generated" in line.lower() for line in header)
    assert any("playbook codeowners" in line for line in header)
    rules_lines = [line for line in text.splitlines() if line and not line.startswith("#")]
    entries = sorted(p.relative_to(repo).as_posix() for p in (repo / "playbook").rglob("*.*"))
    assert [line.split()[0] for line in rules_lines] == [f"/{rel}" for rel in entries]
    assert rules_lines == sorted(rules_lines)
    for line in rules_lines:
        path, *owners = line.split()
        assert owners == owners_of(repo / path.lstrip("/"))
    assert "/playbook/roles/lead.yml @acme/ops @jane-doe" in rules_lines


def test_output_is_byte_identical_across_runs_and_file_order(
    playbook_cli: Cli, repo: Path, tmp_path: Path
) -> None:
    playbook_cli("codeowners", cwd=repo)
    first = (repo / CODEOWNERS).read_bytes()
    again = tmp_path / "again"
    shutil.copytree(repo / "schemas", again / "schemas")
    # Copy the entries in reverse order, so directory order differs from the first repository.
    for source in sorted((repo / "playbook").rglob("*.*"), reverse=True):
        target = again / source.relative_to(repo)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(source, target)
    playbook_cli("codeowners", cwd=again)
    assert (again / CODEOWNERS).read_bytes() == first
    playbook_cli("codeowners", cwd=repo)
    assert (repo / CODEOWNERS).read_bytes() == first


def test_check_passes_when_current_and_writes_nothing(playbook_cli: Cli, repo: Path) -> None:
    playbook_cli("codeowners", cwd=repo)
    before = (repo / CODEOWNERS).stat().st_mtime_ns
    result = playbook_cli("codeowners", "--check", cwd=repo)
    assert result.returncode == 0, result.stderr
    assert (repo / CODEOWNERS).stat().st_mtime_ns == before


def test_check_fails_when_stale_and_says_how_to_fix(playbook_cli: Cli, repo: Path) -> None:
    playbook_cli("codeowners", cwd=repo)
    committed = (repo / CODEOWNERS).read_text("utf-8")
    set_owners(repo / "playbook/tools/board.yml", ["@acme/tooling"])
    result = playbook_cli("codeowners", "--check", cwd=repo)
    assert result.returncode == 1
    assert "run `playbook codeowners`" in result.stderr
    assert (repo / CODEOWNERS).read_text("utf-8") == committed


def test_check_fails_when_missing(playbook_cli: Cli, repo: Path) -> None:
    result = playbook_cli("codeowners", "--check", cwd=repo)
    assert result.returncode == 1
    assert not (repo / CODEOWNERS).exists()


def test_validate_reports_a_stale_file_as_an_error(playbook_cli: Cli, repo: Path) -> None:
    assert "codeowners-stale" not in rules(playbook_cli, repo)  # no file: nothing to compare
    playbook_cli("codeowners", cwd=repo)
    assert playbook_cli("validate", cwd=repo).returncode == 0
    set_owners(repo / "playbook/roles/member.yml", ["@acme/people"])
    result = playbook_cli("validate", "--no-context", cwd=repo)
    assert result.returncode == 1
    stale = [line for line in result.stdout.splitlines() if "[codeowners-stale]" in line]
    assert len(stale) == 1
    assert stale[0].startswith(f"{CODEOWNERS}:")
    assert "error[codeowners-stale]" in stale[0]
    assert "playbook codeowners" in result.stdout
    playbook_cli("codeowners", cwd=repo)
    assert playbook_cli("validate", cwd=repo).returncode == 0


def test_stale_line_points_at_the_first_difference(playbook_cli: Cli, repo: Path) -> None:
    playbook_cli("codeowners", cwd=repo)
    lines = (repo / CODEOWNERS).read_text("utf-8").splitlines()
    target = next(
        i for i, line in enumerate(lines) if line.startswith("/playbook/roles/member.yml")
    )
    set_owners(repo / "playbook/roles/member.yml", ["@acme/people"])
    result = playbook_cli("validate", "--format", "json", cwd=repo)
    stale = [d for d in json.loads(result.stdout)["diagnostics"] if d["rule"] == "codeowners-stale"]
    assert [d["line"] for d in stale] == [target + 1]


def test_stale_rule_can_be_switched_off(playbook_cli: Cli, repo: Path) -> None:
    (repo / ".github").mkdir()
    (repo / CODEOWNERS).write_text("* @acme/everyone\n", encoding="utf-8")
    assert "codeowners-stale" in rules(playbook_cli, repo)
    (repo / "pyproject.toml").write_text('[tool.playbook]\ndisable = ["codeowners-stale"]\n')
    assert playbook_cli("validate", cwd=repo).returncode == 0


def test_unreadable_entry_blocks_writing_rather_than_dropping_its_owners(
    playbook_cli: Cli, repo: Path
) -> None:
    playbook_cli("codeowners", cwd=repo)
    committed = (repo / CODEOWNERS).read_text("utf-8")
    (repo / "playbook/tools/board.yml").write_text("title: [unclosed\n", encoding="utf-8")
    validation = playbook_cli("validate", "--no-context", cwd=repo)
    assert "[yaml-syntax]" in validation.stdout
    assert "[codeowners-stale]" not in validation.stdout
    result = playbook_cli("codeowners", cwd=repo)
    assert result.returncode == 1
    assert "playbook/tools/board.yml" in result.stderr
    assert (repo / CODEOWNERS).read_text("utf-8") == committed


def test_a_folder_in_the_way_is_a_configuration_error(tmp_path: Path) -> None:
    (tmp_path / CODEOWNERS).mkdir(parents=True)
    with pytest.raises(ConfigError, match=r"cannot write \.github/CODEOWNERS"):
        write_codeowners(tmp_path, "* @acme/everyone\n")
    assert [p.name for p in (tmp_path / ".github").iterdir()] == ["CODEOWNERS"]  # no temporary


def test_new_entry_leaves_the_repository_valid(playbook_cli: Cli, repo: Path) -> None:
    playbook_cli("codeowners", cwd=repo)
    result = playbook_cli("new", "roles", "analyst", "--owner", "@acme/data", cwd=repo)
    assert result.returncode == 0, result.stderr
    assert "/playbook/roles/analyst.yml @acme/data" in (repo / CODEOWNERS).read_text("utf-8")
    check = playbook_cli("validate", cwd=repo)
    assert check.returncode == 0, check.stdout + check.stderr


def test_new_entry_leaves_a_hand_edited_codeowners_alone(playbook_cli: Cli, repo: Path) -> None:
    (repo / ".github").mkdir()
    (repo / CODEOWNERS).write_text("* @acme/everyone\n", encoding="utf-8")
    assert playbook_cli("new", "roles", "analyst", cwd=repo).returncode == 0
    assert (repo / CODEOWNERS).read_text("utf-8") == "* @acme/everyone\n"


def test_web_editor_contributor_gets_an_edit_they_can_make_in_the_browser(
    playbook_cli: Cli, repo: Path
) -> None:
    """An entry added without running any command: CI names the exact line to add and where;
    making that one edit by hand (as in the git host's editor) makes validation pass."""
    playbook_cli("codeowners", cwd=repo)
    shutil.copy(repo / "playbook/roles/lead.yml", repo / "playbook/roles/coach.yml")
    result = playbook_cli("validate", "--format", "json", cwd=repo)
    stale = [d for d in json.loads(result.stdout)["diagnostics"] if d["rule"] == "codeowners-stale"]
    assert len(stale) == 1 and result.returncode == 1
    wanted = stale[0]["message"].split("`")[1]
    assert wanted.startswith("/playbook/roles/coach.yml ")
    lines = (repo / CODEOWNERS).read_text("utf-8").split("\n")
    lines.insert(stale[0]["line"] - 1, wanted)
    (repo / CODEOWNERS).write_text("\n".join(lines), encoding="utf-8")
    assert playbook_cli("validate", cwd=repo).returncode == 0
