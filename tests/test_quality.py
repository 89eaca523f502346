"""The project checks itself: ruff (lint and format), strict mypy and its layering."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run(*command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)


def test_ruff_lint() -> None:
    result = run(sys.executable, "-m", "ruff", "check", "generator", "tests", "benchmarks")
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_format() -> None:
    result = run(
        sys.executable, "-m", "ruff", "format", "--check", "generator", "tests", "benchmarks"
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_strict() -> None:
    result = run(sys.executable, "-m", "mypy")
    assert result.returncode == 0, result.stdout + result.stderr


STAGES = ("content", "checks", "history", "site")
UPPER = frozenset({"generator.pipeline", "generator.cli", "generator.mkdocs_plugin"})


def imported(path: Path) -> set[str]:
    """Give every module a file imports, at the top or inside a function."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def test_stages_never_import_the_layers_above_them() -> None:
    reaching_up = {
        path.relative_to(ROOT).as_posix(): sorted(imported(path) & UPPER)
        for stage in STAGES
        for path in (ROOT / "generator" / stage).rglob("*.py")
        if imported(path) & UPPER
    }
    assert not reaching_up
    assert "generator.pipeline" in imported(ROOT / "generator" / "mkdocs_plugin.py")  # it can fail
