"""What an organisation's own schema says is what validation does: 2020-12 keywords, refs that
JSON Pointer allows, no defaults written into content. Run as a user runs the CLI."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT

CASES = ROOT / "tests" / "cases"
Cli = Callable[..., subprocess.CompletedProcess[str]]
BOARD = "playbook/tools/board.yml"


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    shutil.copytree(ROOT / "schemas", tmp_path / "schemas")
    shutil.copytree(CASES / "_base" / "playbook", tmp_path / "playbook")
    return tmp_path


def edit_schema(repo: Path, change: Callable[[dict[str, Any]], None]) -> None:
    path = repo / "schemas/tools.schema.json"
    schema = json.loads(path.read_text(encoding="utf-8"))
    change(schema)
    path.write_text(json.dumps(schema, indent=2), encoding="utf-8")


def add_lines(repo: Path, text: str) -> None:
    path = repo / BOARD
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


def props(schema: dict[str, Any]) -> dict[str, Any]:
    properties: dict[str, Any] = schema["properties"]
    return properties


@pytest.mark.parametrize(
    ("change", "content", "expected"),
    [
        (  # keywords beside a $ref apply too
            lambda s: props(s)["tags"].update(maxItems=1),
            "tags: [one, two]\n",
            "has more than 1 item",
        ),
        (
            lambda s: (s.pop("additionalProperties"), s.update(unevaluatedProperties=False)),
            "colour: red\n",
            "unknown field 'colour'",
        ),
        (
            lambda s: s.update(dependentRequired={"vendor": ["website"]}),
            "vendor: Acme\n",
            "required field 'website' is missing",
        ),
        (
            lambda s: props(s)["used_for"].update(
                prefixItems=[{"const": "Tracking work"}], items={"type": "string"}
            ),
            "",
            None,
        ),
        (
            lambda s: props(s)["used_for"].update(
                prefixItems=[{"const": "Planning"}], items={"type": "string"}
            ),
            "",
            "used_for[0]",
        ),
        (
            lambda s: props(s)["used_for"].update(contains={"pattern": "^T"}, maxContains=0),
            "",
            "used_for",
        ),
    ],
)
def test_keywords_of_2020_12_are_enforced(
    playbook_cli: Cli,
    repo: Path,
    change: Callable[[dict[str, Any]], None],
    content: str,
    expected: str | None,
) -> None:
    edit_schema(repo, change)
    add_lines(repo, content)
    result = playbook_cli("validate", "--no-context", cwd=repo)
    assert "Traceback" not in result.stderr
    if expected is None:
        assert result.returncode == 0, result.stdout + result.stderr
        return
    assert result.returncode == 1, result.stdout + result.stderr
    assert f"{BOARD}:" in result.stdout and expected in result.stdout


def test_defaults_are_never_written_into_content(playbook_cli: Cli, repo: Path) -> None:
    edit_schema(repo, lambda s: props(s)["vendor"].update(default=42))
    result = playbook_cli("export", cwd=repo)
    assert result.returncode == 0, result.stdout + result.stderr
    board = next(e for e in json.loads(result.stdout)["entities"] if e["id"] == "board")
    assert "vendor" not in board["fields"]


@pytest.mark.parametrize(
    ("defs", "ref"),
    [
        ({"a/b": {"type": "string"}}, "#/$defs/a~1b"),
        ({"a~b": {"type": "string"}}, "#/$defs/a~0b"),
        ({"50%": {"type": "string"}}, "#/$defs/50%25"),
        ({"anything": True}, "#/$defs/anything"),
        ({"pair": {"prefixItems": [{"type": "string"}]}}, "#/$defs/pair/prefixItems/0"),
    ],
)
def test_refs_json_pointer_allows_are_followed(
    playbook_cli: Cli, repo: Path, defs: dict[str, Any], ref: str
) -> None:
    def change(schema: dict[str, Any]) -> None:
        schema.setdefault("$defs", {}).update(defs)
        props(schema)["vendor"] = {"title": "Vendor", "description": "Who sells it.", "$ref": ref}

    edit_schema(repo, change)
    add_lines(repo, "vendor: Acme\n")
    result = playbook_cli("validate", cwd=repo)
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_ref_to_a_false_schema_refuses_every_value(playbook_cli: Cli, repo: Path) -> None:
    def change(schema: dict[str, Any]) -> None:
        schema.setdefault("$defs", {})["never"] = False
        props(schema)["vendor"] = {
            "title": "Vendor",
            "description": "Unused.",
            "$ref": "#/$defs/never",
        }

    edit_schema(repo, change)
    add_lines(repo, "vendor: Acme\n")
    result = playbook_cli("validate", "--no-context", cwd=repo)
    assert result.returncode == 1 and f"{BOARD}:8:9: error[schema]: vendor:" in result.stdout


def test_refs_outside_the_schemas_folder_are_never_fetched(playbook_cli: Cli, repo: Path) -> None:
    edit_schema(repo, lambda s: props(s)["vendor"].update({"$ref": "https://example.org/x.json"}))
    result = playbook_cli("validate", cwd=repo)
    assert result.returncode == 2
    assert "tools.schema.json" in result.stderr and "nothing is fetched" in result.stderr
    assert "Traceback" not in result.stderr
