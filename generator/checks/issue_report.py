"""Reporters: print issues as text, JSON, GitHub workflow commands or a GitLab Code Quality
report. They only format."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence

from generator.model import Issue, Severity
from generator.printable import visible, visible_lines

SourceLines = Callable[[str], Sequence[str] | None]
"""Gives the lines of a file by repository-relative path, or None if it cannot be read."""


def count_errors(issues: Sequence[Issue]) -> int:
    """Give how many of the issues are errors (the rest are warnings)."""
    return sum(1 for i in issues if i.severity is Severity.ERROR)


def summary(issues: Sequence[Issue], entities: int) -> str:
    """Give the closing line: counts of errors, warnings and files, or that all is well."""
    errors = count_errors(issues)
    warnings = len(issues) - errors
    files = len({i.source.path for i in issues})
    if not issues:
        return f"{entities} entries checked: no problems"
    parts = [f"{errors} error{'s' * (errors != 1)}", f"{warnings} warning{'s' * (warnings != 1)}"]
    return f"{', '.join(parts)} in {files} file{'s' * (files != 1)} ({entities} entries checked)"


def format_issue(issue: Issue) -> str:
    """Give the line every report and log uses: `path:line:col: severity[rule]: message`.

    Path and message are printed with hidden characters shown, so what a file is named or holds
    can neither drive the terminal nor start a line that reads as another issue.
    """
    s = issue.source
    return (
        f"{visible(s.path)}:{s.line}:{s.column}: {issue.severity.value}[{issue.rule}]: "
        f"{visible(issue.message)}"
    )


def format_text(
    issues: Sequence[Issue], entities: int, source_lines: SourceLines | None = None
) -> str:
    """Give `path:line:col: severity[rule]: message` lines, each with its hint.

    With `source_lines`, the offending line and a caret under the column come in between.
    """
    out: list[str] = []
    for issue in issues:
        s = issue.source
        out.append(format_issue(issue))
        lines = source_lines(s.path) if source_lines else None
        if lines is not None and 0 < s.line <= len(lines):
            line = lines[s.line - 1].rstrip("\n").expandtabs(1)
            gutter = f"{s.line:>5} | "
            out.append(gutter + visible(line))
            # The caret sits under the column as shown, escapes and all.
            shown = len(visible(line[: s.column - 1]))
            out.append(" " * (len(gutter) - 2) + "| " + " " * shown + "^")
        if issue.hint:
            out.append(f"  hint: {visible(issue.hint)}")
    out.append(summary(issues, entities))
    return "\n".join(out) + "\n"


def to_dict(issue: Issue) -> dict[str, object]:
    return {
        "file": issue.source.path,
        "line": issue.source.line,
        "column": issue.source.column,
        "severity": issue.severity.value,
        "rule": issue.rule,
        "message": issue.message,
        "hint": issue.hint,
    }


def format_json(issues: Sequence[Issue], entities: int) -> str:
    errors = count_errors(issues)
    document = {
        "diagnostics": [to_dict(i) for i in issues],
        "summary": {"errors": errors, "warnings": len(issues) - errors, "entities": entities},
    }
    return visible_lines(json.dumps(document, indent=2, ensure_ascii=False)) + "\n"


def _escape_data(text: str) -> str:
    # Line breaks are the runner's to decode (a message may have several lines); every other
    # hidden character is shown.
    return visible(text, keep="\r\n").replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def format_github(issues: Sequence[Issue], entities: int) -> str:
    """Give one workflow command per issue, so each shows on its line of the pull request."""
    out = []
    for issue in issues:
        level = "error" if issue.severity is Severity.ERROR else "warning"
        s = issue.source
        props = (
            f"file={_escape_property(s.path)},line={s.line},col={s.column},"
            f"title={_escape_property(issue.rule)}"
        )
        message = issue.message + (f"\n\nHint: {issue.hint}" if issue.hint else "")
        out.append(f"::{level} {props}::{_escape_data(message)}")
    out.append(summary(issues, entities))
    return "\n".join(out) + "\n"


CODEQUALITY_SEVERITY = {Severity.ERROR: "major", Severity.WARNING: "minor"}
"""GitLab's scale is info, minor, major, critical, blocker; errors block the merge, so major."""


def format_codequality(issues: Sequence[Issue]) -> str:
    """Give a GitLab Code Quality report: a JSON list with one object per issue.

    The fingerprint hashes the file, rule and message but not the line, so an issue keeps its
    identity when lines above it move and GitLab can tell new problems from old ones.
    """
    seen: dict[str, int] = {}
    report = []
    for issue in issues:
        identity = "\0".join((issue.source.path, issue.rule, issue.message))
        seen[identity] = seen.get(identity, 0) + 1
        if seen[identity] > 1:  # the same problem twice in a file: each needs its own fingerprint
            identity += f"\0{seen[identity]}"
        report.append(
            {
                "description": issue.message + (f" (hint: {issue.hint})" if issue.hint else ""),
                "check_name": issue.rule,
                "fingerprint": hashlib.md5(identity.encode(), usedforsecurity=False).hexdigest(),
                "severity": CODEQUALITY_SEVERITY[issue.severity],
                "location": {"path": issue.source.path, "lines": {"begin": issue.source.line}},
            }
        )
    return visible_lines(json.dumps(report, indent=2, ensure_ascii=False)) + "\n"


FORMATS = ("text", "json", "github", "codequality")
