"""The benchmark harness runs end to end on tiny sizes and prints every row (no timing asserted)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # benchmarks/ is a folder of the repository, not an installed package

from benchmarks.run import parse_args  # noqa: E402
from benchmarks.suites import LABELS  # noqa: E402


def test_quick_run_prints_every_row(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "benchmarks", "--quick", "--workspace", str(tmp_path / "ws")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    lines = result.stdout.splitlines()
    for suite, labels in LABELS.items():
        for label in labels:
            assert any(line.startswith(f"| {label} ") for line in lines), (
                suite,
                label,
                result.stdout,
            )
    validate = next(line for line in lines if line.startswith("| playbook validate "))
    assert "not measured" not in validate, result.stderr[-3000:]
    for comparison in ("check-jsonschema / validate", "validate / parse floor", "peak memory"):
        assert any(comparison in line for line in lines), result.stdout


@pytest.mark.parametrize(
    "argv", [["--sizes", "abc"], ["--sizes", "10"], ["--sizes", ","], ["--only", "validaton"]]
)
def test_bad_arguments_are_usage_errors(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        parse_args(argv)
    assert exit_info.value.code == 2
    assert f"argument {argv[0]}" in capsys.readouterr().err


def test_synthetic_playbook_is_valid(tmp_path: Path) -> None:
    from benchmarks.synth import write_playbook

    written = write_playbook(tmp_path / "repo", 60)
    kinds = {rel.split("/")[1] for rel in written.files}
    assert len(kinds) == 10
    result = subprocess.run(
        [sys.executable, "-m", "generator", "--root", str(written.root), "validate"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout
    assert "no problems" in result.stdout


def test_synthetic_history_ends_with_the_playbook(tmp_path: Path) -> None:
    from benchmarks.synth import synth_files, write_history

    files = synth_files(30)
    root = tmp_path / "repo"
    write_history(root, files, commits=80)
    count = subprocess.run(
        ["git", "-C", str(root), "rev-list", "--count", "HEAD"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert int(count) >= 80
    for rel, text in files.items():
        written = (root / rel).read_text("utf-8")
        assert written.split("\nsummary:")[0] == text.split("\nsummary:")[0], rel
    assert not list((root / "playbook").glob("*/draft-*")), "drafts are renamed by the end"
