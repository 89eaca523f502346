"""Data-driven rule cases: `tests/cases/<rule>/{valid,invalid}/` mini-playbooks and exact reports.

Every case is the shared `_base` playbook with the case's files laid over it. Regenerate the
expected reports after a deliberate change with `PLAYBOOK_REGEN=1 pytest tests/test_cases.py`,
then read the diff: the files are the specification.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from generator.checks.issue_report import format_text
from generator.config import load_config
from generator.pipeline import validate_playbook

CASES = Path(__file__).parent / "cases"
ROOT = Path(__file__).parent.parent


def case_dirs() -> list[Path]:
    return sorted(
        p
        for p in CASES.glob("*/*")
        if p.parent.name != "_base"
        and p.is_dir()
        and p.parent.parent == CASES
        and (p / "playbook").is_dir()
    )


def build_case(case: Path, dest: Path) -> Path:
    """Lay the case's files over the base playbook in `dest`; give the repository root."""
    shutil.copytree(ROOT / "schemas", dest / "schemas")
    shutil.copytree(CASES / "_base" / "playbook", dest / "playbook")
    shutil.copytree(case / "playbook", dest / "playbook", dirs_exist_ok=True, symlinks=True)
    return dest


@pytest.mark.parametrize("case", case_dirs(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_case_report(case: Path, tmp_path: Path) -> None:
    root = build_case(case, tmp_path / "repo")
    validation = validate_playbook(load_config(root))
    report = format_text(validation.issues, len(validation.playbook))
    expected_file = case / "expected.txt"
    rules = {issue.rule for issue in validation.issues}
    if case.name == "valid":
        assert not validation.issues
    else:
        assert case.parent.name in rules, f"the case never triggers its own rule {case.parent.name}"
    if os.environ.get("PLAYBOOK_REGEN"):
        expected_file.write_text(report, encoding="utf-8")
        pytest.skip("expected report regenerated: review the diff, then run the tests again")
    assert report == expected_file.read_text(encoding="utf-8")


def test_base_playbook_is_clean(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "schemas", tmp_path / "schemas")
    shutil.copytree(CASES / "_base" / "playbook", tmp_path / "playbook")
    validation = validate_playbook(load_config(tmp_path))
    assert validation.issues == ()
    assert len(validation.playbook) == 10


def test_unreadable_file_is_reported_not_raised(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = build_case(CASES / "_base", tmp_path / "repo")
    blocked = root / "playbook" / "tools" / "board.yml"
    from generator import validation as stage

    read_regular = stage.read_regular

    def refuse(path: Path, **options: int) -> bytes:
        if path == blocked:  # root reads any file, so the refusal is made here
            raise PermissionError(13, "Permission denied")
        return read_regular(path, **options)

    monkeypatch.setattr(stage, "read_regular", refuse)
    validation = validate_playbook(load_config(root))
    assert [(i.source.path, i.rule) for i in validation.issues] == [
        ("playbook/tools/board.yml", "file-unreadable")
    ]
    assert "Permission denied" in validation.issues[0].message


def test_too_many_files_stops_discovery(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from generator.content import discover

    root = build_case(CASES / "_base", tmp_path / "repo")
    monkeypatch.setattr(discover, "MAX_FILES", 3)
    validation = validate_playbook(load_config(root))
    assert "too-many-files" in {i.rule for i in validation.issues}
    assert len(validation.playbook) == 3
