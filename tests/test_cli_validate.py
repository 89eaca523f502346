"""`playbook validate` and `playbook export` as a user runs them: exit codes and output forms."""

from __future__ import annotations

import json
import os
import re
import shutil
from collections.abc import Callable
from pathlib import Path
from subprocess import CompletedProcess

import pytest

CASES = Path(__file__).parent / "cases"
ROOT = Path(__file__).parent.parent
Cli = Callable[..., CompletedProcess[str]]


@pytest.fixture
def base_repo(tmp_path: Path) -> Path:
    shutil.copytree(ROOT / "schemas", tmp_path / "schemas")
    shutil.copytree(CASES / "_base" / "playbook", tmp_path / "playbook")
    return tmp_path


def test_bundled_playbook_is_valid_without_warnings(playbook_cli: Cli) -> None:
    result = playbook_cli("validate", "--strict", cwd=ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no problems" in result.stdout


def test_valid_exits_zero(playbook_cli: Cli, base_repo: Path) -> None:
    result = playbook_cli("--root", str(base_repo), "validate")
    assert result.returncode == 0
    assert result.stdout.strip() == "10 entries checked: no problems"


def test_every_problem_at_once_with_location_and_exit_one(
    playbook_cli: Cli, base_repo: Path
) -> None:
    (base_repo / "playbook/tools/board.yml").write_text("title: [unclosed\n")
    process = base_repo / "playbook/processes/review.yml"
    process.write_text(process.read_text().replace("lead: A", "lead: R"))
    result = playbook_cli("validate", "--no-context", cwd=base_repo)
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert any(
        line.startswith("playbook/tools/board.yml:1:8: error[yaml-syntax]:") for line in lines
    )
    assert any(
        line.startswith("playbook/processes/review.yml:") and "[raci-accountable]" in line
        for line in lines
    )
    assert "Traceback" not in result.stdout + result.stderr


def test_context_shows_source_line_and_caret(playbook_cli: Cli, base_repo: Path) -> None:
    tool = base_repo / "playbook/tools/board.yml"
    tool.write_text(tool.read_text().replace("category: delivery", "category: delivry"))
    result = playbook_cli("validate", "--context", cwd=base_repo)
    lines = result.stdout.splitlines()
    index = next(i for i, line in enumerate(lines) if "[schema]" in line)
    assert lines[index + 1].endswith("| category: delivry")
    caret_line = lines[index + 2]
    assert caret_line.index("^") == lines[index + 1].index("delivry")
    assert lines[index + 3].startswith("  hint: ")


def test_json_format(playbook_cli: Cli, base_repo: Path) -> None:
    (base_repo / "playbook/tools/board.yml").write_text("title: x\ntitle: y\n")
    result = playbook_cli("validate", "--format", "json", cwd=base_repo)
    assert result.returncode == 1
    document = json.loads(result.stdout)
    assert len(document["diagnostics"]) == 1
    first = document["diagnostics"][0]
    assert set(first) >= {"file", "line", "column", "severity", "rule", "message"}
    assert (first["file"], first["line"], first["column"], first["rule"]) == (
        "playbook/tools/board.yml",
        2,
        1,
        "yaml-duplicate-key",
    )
    assert document["summary"]["errors"] == len(document["diagnostics"])


def test_warnings_pass_unless_strict(playbook_cli: Cli, base_repo: Path) -> None:
    guide = base_repo / "playbook/guides/intro.md"
    guide.write_text(guide.read_text().replace("Read the", "# Intro\n\nRead the"))
    assert playbook_cli("validate", cwd=base_repo).returncode == 0
    assert playbook_cli("validate", "--strict", cwd=base_repo).returncode == 1


def test_disabled_rule_is_silent(playbook_cli: Cli, base_repo: Path) -> None:
    guide = base_repo / "playbook/guides/intro.md"
    guide.write_text(guide.read_text().replace("Read the", "# Intro\n\nRead the"))
    (base_repo / "pyproject.toml").write_text('[tool.playbook]\ndisable = ["heading-title"]\n')
    result = playbook_cli("validate", "--strict", cwd=base_repo)
    assert result.returncode == 0, result.stdout


@pytest.mark.parametrize(
    ("pyproject", "message"),
    [
        ('[tool.playbook]\ndisable = ["no-such-rule"]\n', "no-such-rule"),
        ('[tool.playbook]\ndisable = ["yaml-syntax"]\n', "yaml-syntax"),
        ("[tool.playbook]\ncolour = 1\n", "colour"),
        ("[tool.playbook\n", "cannot read"),
        ("tool = 1\n", "[tool.playbook] must be a table"),
        ("[tool]\nplaybook = 5\n", "[tool.playbook] must be a table"),
        ('[tool.playbook]\nstrict = "no"\n', "strict must be true or false"),
    ],
)
def test_configuration_errors_exit_two(
    playbook_cli: Cli, base_repo: Path, pyproject: str, message: str
) -> None:
    (base_repo / "pyproject.toml").write_text(pyproject)
    result = playbook_cli("validate", cwd=base_repo)
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_usage_errors_exit_two(playbook_cli: Cli, tmp_path: Path) -> None:
    assert playbook_cli("validate", "--format", "xml", cwd=tmp_path).returncode == 2
    missing = playbook_cli("--root", str(tmp_path / "nowhere"), "validate")
    assert missing.returncode == 2
    assert "Traceback" not in missing.stderr
    no_schemas = playbook_cli("validate", cwd=tmp_path)
    assert no_schemas.returncode == 2
    assert "schemas" in no_schemas.stderr


def test_broken_schema_is_a_configuration_error(playbook_cli: Cli, base_repo: Path) -> None:
    (base_repo / "schemas/tools.schema.json").write_text('{"type": 12}')
    result = playbook_cli("validate", cwd=base_repo)
    assert result.returncode == 2
    assert "tools.schema.json" in result.stderr


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda text: "true", "a schema must be a JSON object"),
        (lambda text: re.sub(r'"forms": \[[^\]]*\]', '"forms": 5', text), "x-playbook.forms"),
        (
            lambda text: text.replace('"folder": "tools"', '"folder": "tools", "body": "requried"'),
            "x-playbook.body",
        ),
        (
            lambda text: text.replace("common.schema.json#/$defs/", "common.schema.json#/$defs/no"),
            "points nowhere",
        ),
        (
            lambda text: text.replace('"folder": "tools"', '"folder": "tools", "counted": "tools"'),
            "x-playbook.counted",
        ),
        (
            lambda text: text.replace(
                '"folder": "tools"', '"folder": "tools", "counted": {"one": "tool", "other": ""}'
            ),
            "x-playbook.counted",
        ),
    ],
)
def test_schema_mistakes_are_configuration_errors(
    playbook_cli: Cli, base_repo: Path, change: Callable[[str], str], message: str
) -> None:
    schema = base_repo / "schemas/tools.schema.json"
    text = schema.read_text(encoding="utf-8")
    assert change(text) != text
    schema.write_text(change(text), encoding="utf-8")
    result = playbook_cli("validate", cwd=base_repo)
    assert result.returncode == 2
    assert "tools.schema.json" in result.stderr and message in result.stderr
    assert "Traceback" not in result.stderr


def test_link_loops_and_a_kind_that_is_not_a_folder_are_located(
    playbook_cli: Cli, base_repo: Path
) -> None:
    tools = base_repo / "playbook/tools"
    (tools / "loop-a.yml").symlink_to(tools / "loop-b.yml")
    (tools / "loop-b.yml").symlink_to(tools / "loop-a.yml")
    faq = base_repo / "playbook/faq"
    shutil.rmtree(faq, ignore_errors=True)
    os.mkfifo(faq)
    result = playbook_cli("validate", "--no-context", cwd=base_repo)
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert "playbook/tools/loop-a.yml:1:1: error[file-symlink]" in result.stdout
    assert "playbook/tools/loop-b.yml:1:1: error[file-symlink]" in result.stdout
    assert "playbook/faq:1:1: error[file-unreadable]: cannot read the folder" in result.stdout


def test_lone_carriage_returns_are_refused(playbook_cli: Cli, base_repo: Path) -> None:
    """YAML 1.2 reads a lone CR as a line break, the editor's reader refuses it, and engines
    count lines differently around it (raw HTML could hide there): the file is refused."""
    guide = base_repo / "playbook/guides/old-mac.md"
    guide.write_bytes(
        b"---\rtitle: Old Mac\rsummary: Written with lone carriage returns.\r"
        b"owners: ['@acme/ops']\r---\ra\rb\rc\rd\r\n```\n<b>x</b>\n```\n<i>\r"
    )
    (base_repo / "pyproject.toml").write_text('[tool.playbook]\nhtml = "refuse"\n')
    result = playbook_cli("validate", "--no-context", cwd=base_repo)
    assert "Traceback" not in result.stderr
    assert result.returncode == 1
    assert "playbook/guides/old-mac.md:1:4: error[encoding]: a carriage return" in result.stdout


def test_symlink_out_of_the_content_root_is_not_followed(
    playbook_cli: Cli, base_repo: Path
) -> None:
    secret = base_repo.parent / "secret.yml"
    secret.write_text("title: secret token 12345\n")
    (base_repo / "playbook/tools/leak.yml").symlink_to(secret)
    result = playbook_cli("validate", cwd=base_repo)
    assert result.returncode == 1
    assert "playbook/tools/leak.yml:1:1: error[file-symlink]" in result.stdout
    assert "12345" not in result.stdout


def test_oversized_file_is_refused_quickly(playbook_cli: Cli, base_repo: Path) -> None:
    (base_repo / "playbook/guides/huge.md").write_text("---\ntitle: x\n---\n" + "word " * 300_000)
    result = playbook_cli("validate", cwd=base_repo)
    assert result.returncode == 1
    assert "error[file-too-large]" in result.stdout


def test_export_gives_every_entity_with_its_source(playbook_cli: Cli, base_repo: Path) -> None:
    result = playbook_cli("export", "--format", "json", cwd=base_repo)
    assert result.returncode == 0, result.stderr
    model = json.loads(result.stdout)
    by_key = {f"{e['kind']}/{e['id']}": e for e in model["entities"]}
    assert len(by_key) == 10
    review = by_key["processes/review"]
    assert review["source"] == "playbook/processes/review.yml"
    assert review["title"] == "Weekly review"
    assert review["fields"]["raci"] == {"lead": "A", "member": "R"}
    assert by_key["guides/intro"]["body"].startswith("Read the")


def test_export_refuses_invalid_content(playbook_cli: Cli, base_repo: Path) -> None:
    (base_repo / "playbook/tools/board.yml").write_text("title: [\n")
    result = playbook_cli("export", cwd=base_repo)
    assert result.returncode == 1
    assert result.stdout == ""
    assert "yaml-syntax" in result.stderr


def test_validation_does_not_import_mkdocs(repo_root: Path) -> None:
    import subprocess
    import sys

    code = (
        "import sys; from pathlib import Path; from generator.config import load_config;"
        "from generator.pipeline import validate_playbook;"
        f"validate_playbook(load_config(Path({str(repo_root)!r})));"
        "print(any(m == 'mkdocs' or m.startswith('mkdocs.') for m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
