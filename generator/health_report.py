"""Print a health report as text, JSON, GitHub annotations or a GitLab Code Quality report."""

from __future__ import annotations

import json

from generator.checks.issue_report import format_codequality, format_github, format_text, to_dict
from generator.health import HealthReport, report_json
from generator.review import ReviewState


def health_report(report: HealthReport, output_format: str) -> str:
    """Give the report in the chosen form."""
    if output_format == "json":
        document = {**report_json(report), "diagnostics": [to_dict(i) for i in report.issues]}
        return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    if output_format == "github":
        return format_github(report.issues, len(report.entries)) + headline(report) + "\n"
    if output_format == "codequality":
        return format_codequality(report.issues)
    return "\n".join([headline(report), "", *team_lines(report), ""]) + format_text(
        report.issues, len(report.entries)
    )


def headline(report: HealthReport) -> str:
    """Give the one-line summary: score and counts."""
    states = ", ".join(f"{report.count(state)} {state.label.lower()}" for state in ReviewState)
    return (
        f"Playbook health on {report.as_of}: score {report.score}/100 "
        f"({len(report.entries)} entries: {states}; {len(report.unowned)} without a reachable "
        f"owner; {len(report.orphans)} orphaned)"
    )


def team_lines(report: HealthReport) -> list[str]:
    """Give one line per team, worst score first."""
    if not report.teams:
        return ["No teams in playbook/teams/: no entry has an owner readers can reach."]
    lines = ["Teams, worst first:"]
    for team in report.teams:
        parts = [
            f"{len(team.in_state(state))} {state.label.lower()}"
            for state in (ReviewState.OVERDUE, ReviewState.NEVER, ReviewState.DUE_SOON)
            if team.in_state(state)
        ]
        detail = f": {', '.join(parts)}" if parts else ""
        lines.append(
            f"  {team.score:>3}/100  {team.team.title} ({team.team.fields.get('handle')}), "
            f"{len(team.entries)} entries{detail}"
        )
    return lines
