"""The `playbook` command: options in, exit code out. Everything else lives in the pipeline."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar

import click

from generator.checks.report import FORMATS, format_github, format_json, format_text
from generator.config import Config, load_config
from generator.errors import PlaybookError
from generator.model import Severity
from generator.pipeline import Validation, validate_playbook

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2
F = TypeVar("F", bound=Callable[..., Any])


class Ctx:
    """Options every command shares."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def config(self) -> Config:
        return load_config(self.root)


def _fail_usage(error: PlaybookError) -> None:
    click.echo(f"playbook: error: {error}", err=True)
    sys.exit(EXIT_USAGE)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--root", type=click.Path(file_okay=False, path_type=Path), default=Path("."), show_default=True,
    help="Repository root (holds playbook/, schemas/, mkdocs.yml).",
)
@click.version_option(package_name="playbook")
@click.pass_context
def cli(ctx: click.Context, root: Path) -> None:
    """Validate, render and publish an operating playbook kept as YAML and Markdown."""
    ctx.obj = Ctx(root.resolve() if root.exists() else root)


def source_lines_in(root: Path) -> Callable[[str], Sequence[str] | None]:
    @lru_cache(maxsize=64)
    def lines(rel: str) -> Sequence[str] | None:
        try:
            return (root / rel).read_text("utf-8", errors="replace").split("\n")
        except OSError:
            return None

    return lines


def report(validation: Validation, output_format: str, root: Path, *, context: bool) -> str:
    """Format the issues of a validation in the chosen form."""
    issues, entities = validation.issues, len(validation.playbook)
    if output_format == "json":
        return format_json(issues, entities)
    if output_format == "github":
        return format_github(issues, entities)
    return format_text(issues, entities, source_lines_in(root) if context else None)


def run_validation(obj: Ctx, output_format: str, strict: bool, context: bool | None) -> Validation:
    """Validate, print the report (to stderr when stdout carries data), and give the result."""
    try:
        config = obj.config()
        validation = validate_playbook(config)
    except PlaybookError as error:
        _fail_usage(error)
        raise  # unreachable: _fail_usage exits
    show_context = sys.stdout.isatty() if context is None else context
    click.echo(report(validation, output_format, obj.root, context=show_context), nl=False)
    return validation


def format_option(function: F) -> F:
    return click.option(
        "--format", "output_format", type=click.Choice(FORMATS), default="text", show_default=True,
        help="How to print problems: text for people, json for tools, github for annotations.",
    )(function)


def strict_option(function: F) -> F:
    return click.option("--strict", is_flag=True, help="Fail on warnings too.")(function)


@cli.command()
@format_option
@strict_option
@click.option("--context/--no-context", default=None,
              help="Show the offending source line with a caret (default: on a terminal).")
@click.pass_obj
def validate(obj: Ctx, output_format: str, strict: bool, context: bool | None) -> None:
    """Check every entry: syntax, schema, references and rules. Writes nothing."""
    validation = run_validation(obj, output_format, strict, context)
    strict = strict or obj.config().strict
    sys.exit(EXIT_INVALID if validation.failed(strict) else EXIT_OK)


@cli.command()
@click.option("--format", "output_format", type=click.Choice(["json"]), default="json",
              show_default=True, help="Output form.")
@click.pass_obj
def export(obj: Ctx, output_format: str) -> None:
    """Print the whole validated model as JSON (problems go to stderr)."""
    from generator.export import export_model

    try:
        validation = validate_playbook(obj.config())
    except PlaybookError as error:
        _fail_usage(error)
        return
    if validation.failed():
        click.echo(format_text(validation.issues, len(validation.playbook)), err=True, nl=False)
        sys.exit(EXIT_INVALID)
    click.echo(json.dumps(export_model(validation), indent=2, ensure_ascii=False, sort_keys=False))


def main() -> None:
    cli(prog_name="playbook")


__all__ = ["EXIT_INVALID", "EXIT_OK", "EXIT_USAGE", "Ctx", "cli", "main", "run_validation", "Severity"]
