"""Reporters for CI: GitHub workflow-command annotations and the GitLab Code Quality report."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Callable
from pathlib import Path
from subprocess import CompletedProcess

import pytest

from generator.checks.issue_report import FORMATS, format_codequality, format_github
from generator.model import Issue, Severity, SourceRef

ROOT = Path(__file__).parent.parent
BASE = ROOT / "tests" / "cases" / "_base" / "playbook"
Cli = Callable[..., CompletedProcess[str]]
COMMAND = re.compile(r"^::(?P<level>error|warning) (?P<props>[^:]*)::(?P<message>.*)$")

AWKWARD = [
    Issue(
        SourceRef("playbook/roles/a,b:c%d.yml", 3, 7),
        Severity.ERROR,
        "schema",
        "owners: 100% wrong, see: here\nand\r\nthere",
        "fix it: now, please",
    ),
    Issue(
        SourceRef("playbook/faq/why.yml", 1, 1),
        Severity.WARNING,
        "title-duplicate",
        "title: 'Why' is also the title of playbook/faq/how.yml",
        "",
    ),
    Issue(
        SourceRef("playbook/tools/x.yml", 12, 30),
        Severity.ERROR,
        "ref-unknown",
        "%0A is not an escape here",
        "use %25 literally",
    ),
]


def unescape(text: str) -> str:
    """Undo GitHub's escaping, as the runner does when it reads a workflow command."""
    plain = {"%0D": "\r", "%0A": "\n", "%3A": ":", "%2C": ",", "%25": "%"}
    return re.sub("%(0D|0A|3A|2C|25)", lambda m: plain[m[0]], text)


def parse_annotations(output: str) -> list[dict[str, str]]:
    annotations = []
    for line in output.splitlines():
        match = COMMAND.match(line)
        if match:
            props = dict(item.split("=", 1) for item in match["props"].split(","))
            annotations.append(
                {
                    "level": match["level"],
                    "message": unescape(match["message"]),
                    **{key: unescape(value) for key, value in props.items()},
                }
            )
    return annotations


def test_one_annotation_per_issue_with_file_line_and_column() -> None:
    annotations = parse_annotations(format_github(AWKWARD, 5))
    assert len(annotations) == len(AWKWARD)
    for issue, note in zip(AWKWARD, annotations, strict=True):
        assert note["file"] == issue.source.path
        assert note["line"] == str(issue.source.line)
        assert note["col"] == str(issue.source.column)
        assert note["level"] == issue.severity.value
        assert note["title"] == issue.rule
        assert note["message"].startswith(issue.message)
        assert issue.hint in note["message"]


def test_properties_escape_percent_newlines_commas_and_colons() -> None:
    output = format_github(AWKWARD[:1], 1)
    line = next(line for line in output.splitlines() if line.startswith("::"))
    props = COMMAND.match(line)
    assert props is not None
    file_value = props["props"].split(",")[0].removeprefix("file=")
    assert unescape(file_value) == AWKWARD[0].source.path
    assert not set(file_value) & {",", ":", "\n", "\r"}
    assert "%25" in file_value  # a literal % must not read as the start of an escape


def test_message_escapes_newlines_and_percent_so_each_annotation_is_one_line() -> None:
    output = format_github(AWKWARD, 5)
    commands = [line for line in output.splitlines() if line.startswith("::")]
    assert len(commands) == len(AWKWARD)
    message = parse_annotations(output)[2]["message"]
    assert message.startswith("%0A is not an escape here")
    assert "use %25 literally" in message


def test_summary_stays_a_plain_log_line() -> None:
    lines = format_github(AWKWARD, 5).splitlines()
    assert not lines[-1].startswith("::")
    assert "2 errors" in lines[-1]


def test_codequality_is_listed_as_a_format() -> None:
    assert "codequality" in FORMATS


def test_codequality_fields_match_gitlabs_format() -> None:
    report = json.loads(format_codequality(AWKWARD))
    assert isinstance(report, list) and len(report) == len(AWKWARD)
    for issue, entry in zip(AWKWARD, report, strict=True):
        assert set(entry) == {"description", "check_name", "fingerprint", "severity", "location"}
        assert entry["check_name"] == issue.rule
        assert entry["description"].startswith(issue.message)
        assert entry["location"] == {
            "path": issue.source.path,
            "lines": {"begin": issue.source.line},
        }
        assert entry["severity"] in {"info", "minor", "major", "critical", "blocker"}
    assert report[0]["severity"] != report[1]["severity"]  # errors weigh more than warnings


def test_codequality_fingerprints_are_unique_and_stable() -> None:
    twice = [AWKWARD[0], AWKWARD[0]]
    fingerprints = [e["fingerprint"] for e in json.loads(format_codequality([*AWKWARD, *twice]))]
    assert len(set(fingerprints)) == len(fingerprints)
    again = [e["fingerprint"] for e in json.loads(format_codequality([*AWKWARD, *twice]))]
    assert again == fingerprints


def test_codequality_fingerprint_survives_lines_moving() -> None:
    moved = Issue(
        SourceRef(AWKWARD[1].source.path, 40, 2),
        AWKWARD[1].severity,
        AWKWARD[1].rule,
        AWKWARD[1].message,
        AWKWARD[1].hint,
    )
    first, second = (json.loads(format_codequality([i]))[0] for i in (AWKWARD[1], moved))
    assert first["fingerprint"] == second["fingerprint"]
    other = Issue(AWKWARD[1].source, AWKWARD[1].severity, AWKWARD[1].rule, "another message")
    assert json.loads(format_codequality([other]))[0]["fingerprint"] != first["fingerprint"]


def test_codequality_for_no_issues_is_an_empty_list() -> None:
    assert json.loads(format_codequality([])) == []


@pytest.fixture
def broken_repo(tmp_path: Path) -> Path:
    shutil.copytree(ROOT / "schemas", tmp_path / "schemas")
    shutil.copytree(BASE, tmp_path / "playbook")
    tool = tmp_path / "playbook/tools/board.yml"
    tool.write_text(tool.read_text("utf-8").replace("category: delivery", "category: delivry"))
    return tmp_path


def test_cli_codequality_report_is_pure_json_and_fails_the_run(
    playbook_cli: Cli, broken_repo: Path
) -> None:
    result = playbook_cli("validate", "--format", "codequality", cwd=broken_repo)
    assert result.returncode == 1
    report = json.loads(result.stdout)
    assert [(e["check_name"], e["location"]["path"]) for e in report] == [
        ("schema", "playbook/tools/board.yml")
    ]
    text = playbook_cli("validate", "--format", "json", cwd=broken_repo)
    line = json.loads(text.stdout)["diagnostics"][0]["line"]
    assert report[0]["location"]["lines"]["begin"] == line


def test_cli_github_format_annotates_the_line(playbook_cli: Cli, broken_repo: Path) -> None:
    result = playbook_cli("validate", "--format", "github", cwd=broken_repo)
    assert result.returncode == 1
    notes = parse_annotations(result.stdout)
    assert [(n["level"], n["file"], n["title"]) for n in notes] == [
        ("error", "playbook/tools/board.yml", "schema")
    ]
    source = (broken_repo / notes[0]["file"]).read_text("utf-8").splitlines()
    assert "delivry" in source[int(notes[0]["line"]) - 1][int(notes[0]["col"]) - 1 :]
