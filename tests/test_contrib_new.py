"""`playbook new`: a scaffold that validates, never overwrites, and explains bad input."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from subprocess import CompletedProcess

import pytest
import yaml

from generator.content.frontmatter import FrontMatter, split_front_matter

ROOT = Path(__file__).parent.parent
BASE = ROOT / "tests" / "cases" / "_base" / "playbook"
KINDS = sorted(
    p.name.removesuffix(".schema.json")
    for p in (ROOT / "schemas").glob("*.schema.json")
    if p.name != "common.schema.json"
)
Cli = Callable[..., CompletedProcess[str]]


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A small valid playbook with roles, pillars, tools and the rest to refer to."""
    shutil.copytree(ROOT / "schemas", tmp_path / "schemas")
    shutil.copytree(BASE, tmp_path / "playbook")
    return tmp_path


def diagnostics(cli: Cli, root: Path) -> list[dict[str, object]]:
    result = cli("--root", str(root), "validate", "--format", "json")
    assert "Traceback" not in result.stderr
    found: list[dict[str, object]] = json.loads(result.stdout)["diagnostics"]
    return found


def front_matter(path: Path) -> dict[str, object]:
    text = path.read_text("utf-8")
    if path.suffix == ".md":
        front = split_front_matter(text)
        assert isinstance(front, FrontMatter), front
        text = front.yaml_text
    loaded: dict[str, object] = yaml.safe_load(text)
    return loaded


@pytest.mark.parametrize("kind", KINDS)
def test_each_kind_scaffolds_an_entry_that_validates(
    playbook_cli: Cli, repo: Path, kind: str
) -> None:
    result = playbook_cli("--root", str(repo), "new", kind, "fresh-entry")
    assert result.returncode == 0, result.stderr
    written = Path(result.stdout.strip())
    written = written if written.is_absolute() else Path.cwd() / written
    assert written.parent == repo / "playbook" / kind
    assert written.stem == "fresh-entry"
    assert diagnostics(playbook_cli, repo) == []


def test_yml_scaffold_starts_with_the_schema_modeline(playbook_cli: Cli, repo: Path) -> None:
    playbook_cli("new", "tools", "whiteboard", cwd=repo)
    first = (repo / "playbook/tools/whiteboard.yml").read_text("utf-8").splitlines()[0]
    assert first == "# yaml-language-server: $schema=../../schemas/tools.schema.json"
    assert (repo / first.split("=", 1)[1].replace("../../", "")).is_file()


def test_path_printed_is_the_file_written(playbook_cli: Cli, repo: Path) -> None:
    result = playbook_cli("new", "glossary", "lead-time", cwd=repo)
    assert result.stdout.strip() == "playbook/glossary/lead-time.yml"
    assert (repo / result.stdout.strip()).is_file()


def test_title_owner_and_form_options_are_used(playbook_cli: Cli, repo: Path) -> None:
    result = playbook_cli(
        "new",
        "faq",
        "how-often",
        "--title",
        "How often: weekly, or #1?",
        "--owner",
        "@acme/support",
        "--owner",
        "@jane",
        "--form",
        "md",
        cwd=repo,
    )
    assert result.returncode == 0, result.stderr
    fields = front_matter(repo / "playbook/faq/how-often.md")
    assert fields["title"] == "How often: weekly, or #1?"
    assert fields["owners"] == ["@acme/support", "@jane"]
    assert diagnostics(playbook_cli, repo) == []


def test_reference_placeholders_name_existing_entries(playbook_cli: Cli, repo: Path) -> None:
    playbook_cli("new", "processes", "onboarding", cwd=repo)
    fields = front_matter(repo / "playbook/processes/onboarding.yml")
    roles = {p.stem for p in (repo / "playbook/roles").glob("*.yml")}
    raci = fields["raci"]
    assert isinstance(raci, dict) and set(raci) <= roles
    assert fields["owner"] in roles
    assert sorted(raci.values()) == ["A", "R"]


def test_without_entries_to_refer_to_only_references_need_filling_in(
    playbook_cli: Cli, tmp_path: Path
) -> None:
    shutil.copytree(ROOT / "schemas", tmp_path / "schemas")
    (tmp_path / "playbook").mkdir()
    for kind in KINDS:
        assert playbook_cli("new", kind, "first", cwd=tmp_path).returncode == 0
    rules = {str(d["rule"]) for d in diagnostics(playbook_cli, tmp_path)}
    assert rules <= {"ref-unknown"}


def test_refuses_to_overwrite_and_keeps_the_file(playbook_cli: Cli, repo: Path) -> None:
    existing = repo / "playbook/roles/lead.yml"
    before = existing.read_bytes()
    result = playbook_cli("new", "roles", "lead", cwd=repo)
    assert result.returncode == 1
    assert "playbook/roles/lead.yml already exists" in result.stderr
    assert "never overwrites" in result.stderr
    assert existing.read_bytes() == before
    assert result.stdout == ""


def test_refuses_an_id_taken_in_the_other_form(playbook_cli: Cli, repo: Path) -> None:
    result = playbook_cli("new", "faq", "why", "--form", "md", cwd=repo)
    assert result.returncode == 1
    assert "playbook/faq/why.yml" in result.stderr
    assert not (repo / "playbook/faq/why.md").exists()


def test_unknown_kind_is_a_usage_error_listing_the_kinds(playbook_cli: Cli, repo: Path) -> None:
    result = playbook_cli("new", "role", "analyst", cwd=repo)
    assert result.returncode == 2
    assert "unknown kind 'role'" in result.stderr
    assert all(kind in result.stderr for kind in KINDS)
    assert "Traceback" not in result.stderr


def test_a_file_where_the_kind_folder_goes_is_a_usage_error(playbook_cli: Cli, repo: Path) -> None:
    blocker = repo / "playbook/glossary"
    shutil.rmtree(blocker, ignore_errors=True)
    blocker.write_text("not a folder\n", encoding="utf-8")
    result = playbook_cli("new", "glossary", "kpi", cwd=repo)
    assert result.returncode == 2
    assert "cannot create playbook/glossary/kpi.yml" in result.stderr
    assert "Traceback" not in result.stderr
    assert blocker.read_text(encoding="utf-8") == "not a folder\n"


@pytest.mark.parametrize(
    "bad_id", ["Data_Analyst", "data--analyst", "-analyst", "analyst.yml", "x" * 81, "../escape"]
)
def test_bad_id_is_a_usage_error_stating_the_rule(
    playbook_cli: Cli, repo: Path, bad_id: str
) -> None:
    result = playbook_cli("new", "roles", "--", bad_id, cwd=repo)
    assert result.returncode == 2
    assert "lowercase" in result.stderr and "hyphens" in result.stderr
    assert sorted(p.name for p in (repo / "playbook/roles").iterdir()) == ["lead.yml", "member.yml"]
    assert not (repo / "escape.yml").exists()


def test_form_the_kind_does_not_allow_is_a_usage_error(playbook_cli: Cli, repo: Path) -> None:
    result = playbook_cli("new", "roles", "analyst", "--form", "md", cwd=repo)
    assert result.returncode == 2
    assert not (repo / "playbook/roles/analyst.md").exists()


def test_invalid_owner_is_a_usage_error_and_writes_nothing(playbook_cli: Cli, repo: Path) -> None:
    result = playbook_cli("new", "roles", "analyst", "--owner", "not a handle", cwd=repo)
    assert result.returncode == 2
    assert not (repo / "playbook/roles/analyst.yml").exists()
