"""The `playbook` command: options in, exit code out. Everything else lives in the pipeline."""

from __future__ import annotations

import contextlib
import json
import os
import sys
from collections.abc import Callable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar

import click

from generator.checks.report import (
    FORMATS,
    format_codequality,
    format_github,
    format_json,
    format_text,
)
from generator.config import Config, load_config
from generator.content.discover import MAX_FILE_BYTES
from generator.errors import BuildError, ConfigError, PlaybookError
from generator.files import read_regular
from generator.model import Severity
from generator.pipeline import Validation, validate_playbook
from generator.printable import visible_lines

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2
F = TypeVar("F", bound=Callable[..., Any])


class Ctx:
    """Options every command shares, and the repository's settings, read once."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._config: Config | None = None

    def config(self) -> Config:
        """Give the settings (raises ConfigError, which commands turn into exit code 2)."""
        if self._config is None:
            self._config = load_config(self.root)
        return self._config

    def strict(self, flag: bool) -> bool:
        """Tell whether warnings fail this run: `--strict`, or `strict = true` in the settings."""
        return flag or self.config().strict


def echo(text: str, *, err: bool = False, nl: bool = True) -> None:
    """Print output that may hold content, paths or git data, with every hidden character shown."""
    click.echo(visible_lines(text), err=err, nl=nl)


def _fail_usage(error: PlaybookError) -> None:
    echo(f"playbook: error: {error}", err=True)
    sys.exit(EXIT_USAGE)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--root",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("."),
    show_default=True,
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
            raw = read_regular(root / rel, limit=MAX_FILE_BYTES)  # never a pipe: it would block
        except OSError:
            return None
        return raw.decode("utf-8", errors="replace").split("\n")

    return lines


def report(validation: Validation, output_format: str, root: Path, *, context: bool) -> str:
    """Format the issues of a validation in the chosen form."""
    issues, entities = validation.issues, len(validation.playbook)
    if output_format == "json":
        return format_json(issues, entities)
    if output_format == "github":
        return format_github(issues, entities)
    if output_format == "codequality":
        return format_codequality(issues)
    return format_text(issues, entities, source_lines_in(root) if context else None)


def validated(obj: Ctx) -> Validation:
    """Give the validation of the repository; a usage or configuration error exits 2."""
    try:
        return validate_playbook(obj.config())
    except PlaybookError as error:
        _fail_usage(error)
        raise  # unreachable: _fail_usage exits


def format_option(function: F) -> F:
    return click.option(
        "--format",
        "output_format",
        type=click.Choice(FORMATS),
        default="text",
        show_default=True,
        help="How to print problems: text for people, json for tools, github for annotations, "
        "codequality for a GitLab Code Quality report.",
    )(function)


def strict_option(function: F) -> F:
    return click.option("--strict", is_flag=True, help="Fail on warnings too.")(function)


@cli.command()
@format_option
@strict_option
@click.option(
    "--context/--no-context",
    default=None,
    help="Show the offending source line with a caret (default: on a terminal).",
)
@click.pass_obj
def validate(obj: Ctx, output_format: str, strict: bool, context: bool | None) -> None:
    """Check every entry: syntax, schema, references and rules. Writes nothing."""
    validation = validated(obj)
    show_context = sys.stdout.isatty() if context is None else context
    echo(report(validation, output_format, obj.root, context=show_context), nl=False)
    sys.exit(EXIT_INVALID if validation.failed(obj.strict(strict)) else EXIT_OK)


@cli.command()
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["json"]),
    default="json",
    show_default=True,
    help="Output form.",
)
@click.pass_obj
def export(obj: Ctx, output_format: str) -> None:
    """Print the whole validated model as JSON (problems go to stderr)."""
    from generator.export import export_model

    validation = validated(obj)
    if validation.failed():
        echo(format_text(validation.issues, len(validation.playbook)), err=True, nl=False)
        sys.exit(EXIT_INVALID)
    echo(json.dumps(export_model(validation), indent=2, ensure_ascii=False, sort_keys=False))


@cli.command("new")
@click.argument("kind")
@click.argument("entity_id", metavar="ID")
@click.option("--title", help="Title of the entry (default: made from the id).")
@click.option(
    "--owner",
    "owners",
    multiple=True,
    help="Owner handle such as @acme/product-ops; repeat for several "
    "(default: the usual owners of this kind).",
)
@click.option(
    "--form",
    type=click.Choice(["yml", "md"]),
    help="File form, for kinds that allow both (default: the kind's first form).",
)
@click.pass_obj
def new(
    obj: Ctx,
    kind: str,
    entity_id: str,
    title: str | None,
    owners: tuple[str, ...],
    form: str | None,
) -> None:
    """Create playbook/KIND/ID.yml (or .md) with every required field filled. Never overwrites."""
    from generator import codeowners as owners_file
    from generator.scaffold import EntityExistsError, check_new, scaffold_entity, write_new

    validation = validated(obj)
    committed = owners_file.read_codeowners(obj.root)
    owners_current = committed == owners_file.render_codeowners(validation.playbook)
    try:
        kind_schema, form = check_new(validation.schemas, kind, entity_id, form)
        scaffold = scaffold_entity(
            kind_schema, entity_id, form, validation.playbook, title=title, owners=owners
        )
        path = write_new(obj.root, scaffold, kind_schema.spec.forms)
    except EntityExistsError as error:
        echo(f"playbook: error: {error}", err=True)
        sys.exit(EXIT_INVALID)
    except PlaybookError as error:
        _fail_usage(error)
        return
    try:
        shown = path.relative_to(Path.cwd())
    except ValueError:
        shown = path
    echo(shown.as_posix())
    if owners_current:  # keep the repository valid; a file with hand edits is left to its author
        expected = owners_file.render_codeowners(validated(obj).playbook)
        try:
            owners_file.write_codeowners(obj.root, expected)
        except PlaybookError as error:
            _fail_usage(error)
        echo(f"updated {owners_file.CODEOWNERS} with the new entry's owners", err=True)
    echo("next: replace each TODO, then run `playbook validate`", err=True)


@cli.command()
@click.option(
    "--check",
    is_flag=True,
    help="Write nothing; exit 1 if .github/CODEOWNERS is missing or out of date.",
)
@click.pass_obj
def codeowners(obj: Ctx, check: bool) -> None:
    """Write .github/CODEOWNERS from the owners of each entry, so owners review its changes."""
    from generator import codeowners as owners_file
    from generator.pipeline import LOADER_RULES

    validation = validated(obj)
    unreadable = [i for i in validation.issues if i.rule in LOADER_RULES]
    if unreadable:
        echo(format_text(unreadable, len(validation.playbook)), err=True, nl=False)
        echo(
            f"playbook: error: fix these entries first; {owners_file.CODEOWNERS} would "
            "lose their owners",
            err=True,
        )
        sys.exit(EXIT_INVALID)
    expected = owners_file.render_codeowners(validation.playbook)
    current = owners_file.read_codeowners(obj.root) == expected
    if check:
        if not current:
            echo(
                f"playbook: {owners_file.CODEOWNERS} is missing or out of date: run "
                "`playbook codeowners` and commit it",
                err=True,
            )
            sys.exit(EXIT_INVALID)
        echo(f"{owners_file.CODEOWNERS} is up to date")
        return
    if not current:
        try:
            owners_file.write_codeowners(obj.root, expected)
        except PlaybookError as error:  # .github/CODEOWNERS is a folder, .github a file...
            _fail_usage(error)
    echo(owners_file.CODEOWNERS)


def _day(value: str | None, config: Config, option: str) -> Any:
    """Give the day `value` names (YYYY-MM-DD), else today in the configured time zone."""
    from generator.review import parse_date, today_in

    if value is None:
        zone = config.health.timezone
        from zoneinfo import ZoneInfo

        return today_in(ZoneInfo(zone) if zone else None)
    day = parse_date(value)
    if day is None:
        _fail_usage(ConfigError(f"{option} {value}: write a day of the calendar as YYYY-MM-DD"))
    return day


@cli.command()
@click.argument("entries", nargs=-1, metavar="[KIND/ID]...")
@click.option("--missing", is_flag=True, help="Also every entry that has no review date yet.")
@click.option(
    "--by",
    metavar="TEAM",
    help="Who reviewed: a team id or a handle (default: each entry's first owning team).",
)
@click.option("--date", "day", metavar="YYYY-MM-DD", help="Day of the review (default: today).")
@click.pass_obj
def review(
    obj: Ctx, entries: tuple[str, ...], missing: bool, by: str | None, day: str | None
) -> None:
    """Record a review of each entry: set `last_reviewed` and `reviewed_by`, nothing else.

    A review means the entry was read in full and is still accurate, still how the organisation
    works and still useful. Only those two lines of each file change; comments and layout stay.
    """
    from generator.reviews import record_reviews, select_entries

    validation = validated(obj)
    config = obj.config()
    when = _day(day, config, "--date")
    try:
        if day is not None and when > _day(None, config, "--date"):
            raise ConfigError(f"--date {day}: a review cannot be recorded for a day to come")
        chosen = select_entries(validation.playbook, entries, missing)
        if not chosen and not missing:
            raise ConfigError("name the entries reviewed as KIND/ID, or give --missing")
        recorded = record_reviews(obj.root, validation, chosen, by, when)
    except PlaybookError as error:
        _fail_usage(error)
        return
    for item in recorded:
        verb = "reviewed" if item.changed else "already reviewed"
        echo(f"{item.entity.source.path}: {verb} {item.day} by {item.by}")
    echo(f"{sum(r.changed for r in recorded)} of {len(recorded)} entries updated", err=True)


@cli.command()
@format_option
@click.option("--as-of", "as_of", metavar="YYYY-MM-DD", help="The day to judge (default: today).")
@click.pass_obj
def health(obj: Ctx, output_format: str, as_of: str | None) -> None:
    """Report review states, unreachable owners, orphans and scores per team.

    Exit 1 when a finding named in `[tool.playbook.health] fail_on` is present or the score is
    below `min_score`; the other findings are warnings.
    """
    from generator.health import check_health, failed
    from generator.health_report import health_report

    validation = validated(obj)
    config = obj.config()
    day = _day(as_of, config, "--as-of")
    if validation.failed():
        errors = [i for i in validation.issues if i.severity is Severity.ERROR]
        echo(format_text(errors, len(validation.playbook)), err=True, nl=False)
        echo("playbook: error: fix these problems first (`playbook validate`)", err=True)
        sys.exit(EXIT_INVALID)
    files = validation.files
    result = check_health(
        validation.playbook,
        config.health,
        day,
        lambda key, pointer: files[key].locate(pointer),
    )
    echo(health_report(result, output_format), nl=False)
    sys.exit(EXIT_INVALID if failed(result, config.health) else EXIT_OK)


@cli.command()
@click.option("--as-of", "as_of", metavar="YYYY-MM-DD", help="The day to judge (default: today).")
@click.option("--dry-run", is_flag=True, help="Print what would be done; change nothing.")
@click.pass_obj
def remind(obj: Ctx, as_of: str | None, dry_run: bool) -> None:
    """Open, update or close one issue per owning team listing its entries to review.

    Run on a schedule in CI (see .github/workflows/reminders.yml). Each issue carries a hidden
    marker, so runs never open a second issue for a team; it closes once all are reviewed.
    """
    import os

    from generator.health import check_health, report_json
    from generator.issue_hosts import host_from_environment
    from generator.reminders import plan, reminders

    validation = validated(obj)
    config = obj.config()
    day = _day(as_of, config, "--as-of")
    if validation.failed():
        echo(format_text(validation.issues, len(validation.playbook)), err=True, nl=False)
        sys.exit(EXIT_INVALID)
    files = validation.files
    result = check_health(
        validation.playbook, config.health, day, lambda key, ptr: files[key].locate(ptr)
    )
    try:
        host, file_url = host_from_environment(os.environ)
        wanted = reminders(report_json(result), file_url)
        actions = plan(wanted, host.issues())
        for action in actions:
            where = f" #{action.number}" if action.number else ""
            echo(f"{'would ' if dry_run else ''}{action.verb}{where}: {action.title}")
            if not dry_run:
                host.apply(action)
    except PlaybookError as error:
        echo(f"playbook: error: {error}", err=True)
        sys.exit(EXIT_INVALID)
    if not actions:
        echo("reminder issues are up to date")


def _prepare_site(obj: Ctx, strict: bool) -> tuple[Config, Any]:
    """Validate and render for render/build/serve; print the report; exit 1 or 2 on failure."""
    from generator.site.build import prepare

    try:
        config = obj.config()
        generated = prepare(config, obj.strict(strict))
    except PlaybookError as error:
        _fail_usage(error)
        raise  # unreachable: _fail_usage exits
    if generated.validation.issues or not generated.rendered:
        echo(report(generated.validation, "text", obj.root, context=sys.stdout.isatty()), nl=False)
    if not generated.rendered:
        sys.exit(EXIT_INVALID)
    if generated.history.warning:  # the changelog page says it too; the terminal should
        echo(f"playbook: warning: {generated.history.warning}", err=True)
    return config, generated


def _site_step(step: Callable[[], Any]) -> Any:
    """Run a step that writes output: bad usage exits 2, a failed build exits 1."""
    try:
        return step()
    except ConfigError as error:
        _fail_usage(error)
    except BuildError as error:
        echo(f"playbook: error: {error}", err=True)
        sys.exit(EXIT_INVALID)


def out_option(help_text: str) -> Callable[[F], F]:
    """Give the `--out DIR` option of the commands that write output."""
    return click.option(
        "--out", type=click.Path(file_okay=False, path_type=Path), default=None, help=help_text
    )


@cli.command()
@out_option("Folder for the Markdown tree (default: docs_dir of mkdocs.yml, build/docs).")
@strict_option
@click.pass_obj
def render(obj: Ctx, out: Path | None, strict: bool) -> None:
    """Validate, then write only the generated Markdown tree (for any engine reading mkdocs.yml)."""
    from generator.site.build import write_docs

    config, generated = _prepare_site(obj, strict)
    folder = _site_step(lambda: write_docs(config, generated, out))
    echo(f"Markdown tree written to {folder}")


@cli.command()
@out_option("Folder for the built site (default: mkdocs.yml's site_dir, else site/).")
@strict_option
@click.pass_obj
def build(obj: Ctx, out: Path | None, strict: bool) -> None:
    """Validate, render and build the site; on any failure the previous site is left as it was."""
    from generator.site.build import build_site

    config, generated = _prepare_site(obj, strict)
    site = _site_step(lambda: build_site(config, generated, out, obj.strict(strict)))
    echo(f"Site built in {site}")


@cli.command()
@click.option(
    "--dev-addr",
    metavar="IP:PORT",
    default=None,
    help="Address to serve on (default: mkdocs.yml's dev_addr, 127.0.0.1:8000).",
)
@click.pass_obj
def serve(obj: Ctx, dev_addr: str | None) -> None:
    """Preview the site locally; it rebuilds when playbook/, schemas/ or site_templates/ change."""
    from generator.site.build import serve_site

    config, generated = _prepare_site(obj, False)
    _site_step(lambda: serve_site(config, generated, dev_addr))


HISTORY_FORMATS = click.Choice(["md", "json"])


@cli.command()
@click.option("--since", metavar="REV", help="Only changes after this revision (tag, commit...).")
@click.option(
    "--format",
    "output_format",
    type=HISTORY_FORMATS,
    default="md",
    show_default=True,
    help="md for people, json for tools.",
)
@click.pass_obj
def changelog(obj: Ctx, since: str | None, output_format: str) -> None:
    """Print the changelog from git: per commit, which entries changed and how."""
    from generator.history.report import changelog_json, changelog_markdown
    from generator.pipeline import load_history

    validation = validated(obj)
    try:
        history = load_history(obj.config(), validation, since=since)
    except PlaybookError as error:  # GitUnavailable: an unknown --since revision
        _fail_usage(error)
        return
    if history.warning:
        echo(f"playbook: warning: {history.warning}", err=True)
    echo(
        changelog_json(history) if output_format == "json" else changelog_markdown(history),
        nl=False,
    )


@cli.command("diff")
@click.argument("base")
@click.argument("head", required=False)
@click.option(
    "--format",
    "output_format",
    type=HISTORY_FORMATS,
    default="md",
    show_default=True,
    help="md for a pull-request comment, json for tools.",
)
@click.pass_obj
def diff_command(obj: Ctx, base: str, head: str | None, output_format: str) -> None:
    """Show what a change does to the playbook: entries added, changed, renamed, removed.

    Compares the merge base of BASE and HEAD with HEAD, as a pull request does. Without HEAD,
    the working tree is compared: files as they are on disk, committed or not.
    """
    from generator.history.report import diff_json, diff_markdown
    from generator.pipeline import diff_revisions

    try:
        result = diff_revisions(obj.config(), base, head)
    except PlaybookError as error:  # includes GitUnavailable: no git, an unknown revision
        _fail_usage(error)
        return
    echo(diff_json(result) if output_format == "json" else diff_markdown(result), nl=False)


def main() -> None:
    """The `playbook` command: run it, write out what it printed, and leave at once.

    Python would otherwise free every object of the model one by one before exiting (a tenth
    of a second at 10,000 entities, a third after a build) only to hand the memory back.
    """
    try:
        cli(prog_name="playbook")
        code = EXIT_OK
    except SystemExit as done:
        if isinstance(done.code, str):
            echo(done.code, err=True)
        code = done.code if isinstance(done.code, int) else (EXIT_OK if done.code is None else 1)
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # a reader gone (`playbook ... | head`)
            stream.flush()
    os._exit(code)


__all__ = [
    "EXIT_INVALID",
    "EXIT_OK",
    "EXIT_USAGE",
    "Ctx",
    "cli",
    "main",
]
