"""Run the site engine (MkDocs) over a written Markdown tree, and check what it built.

MkDocs is imported only inside the functions that run it, so validating never loads it.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from generator.errors import BuildError
from generator.model import History
from generator.printable import visible_lines
from generator.site.scan import scan_site

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig


def load_engine_config(
    mkdocs_yml: Path,
    site_dir: Path,
    strict: bool,
    serve_url: str | None = None,
    dev_addr: str | None = None,
) -> MkDocsConfig:
    """Give MkDocs' reading of mkdocs.yml, building into `site_dir` (at `serve_url` if served)."""
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    show_engine_messages()
    options = {"dev_addr": dev_addr} if dev_addr else {}
    try:
        config = load_config(
            config_file=str(mkdocs_yml), site_dir=str(site_dir), strict=strict, **options
        )
    except MkDocsException as error:
        raise BuildError(f"the site engine failed: {error.format_message()}") from error
    if serve_url is not None:
        config.site_url = serve_url
    return config


def run_engine(config: MkDocsConfig, serve_url: str | None = None, dirty: bool = False) -> None:
    """Build the site MkDocs' configuration describes; BuildError says why it could not.

    `dirty`: into the site already there, rebuilding only pages whose Markdown is newer.
    """
    from mkdocs.commands.build import build
    from mkdocs.exceptions import MkDocsException

    try:
        config.plugins.on_startup(command="build" if serve_url is None else "serve", dirty=dirty)
        try:
            build(config, serve_url=serve_url, dirty=dirty)
        finally:
            config.plugins.on_shutdown()
    except MkDocsException as error:
        raise BuildError(f"the site engine failed: {error.format_message()}") from error


def check_built_site(folder: Path, since: float | None = None) -> None:
    """Refuse a finished site that could run script or load what is not the site's own.

    Whatever reached the pages (content, mkdocs.yml, the theme's custom_dir), the scan is the
    last line of defence; the build fails and the previous site stays. With `since`, only the
    pages written since then.
    """
    findings = scan_site(folder, since)
    if findings:
        shown = "; ".join(str(finding) for finding in findings[:5])
        more = f" (and {len(findings) - 5} more)" if len(findings) > 5 else ""
        raise BuildError(f"the built site failed the safety scan: {shown}{more}")


@contextmanager
def source_date_epoch(history: History) -> Iterator[None]:
    """Date the build by the newest change in history, unless SOURCE_DATE_EPOCH is already set.

    MkDocs stamps the sitemap with the build date; a date from history keeps two builds of one
    commit byte-identical on any day.
    """
    newest = _newest_commit_date(history)
    if "SOURCE_DATE_EPOCH" in os.environ or newest is None:
        yield
        return
    os.environ["SOURCE_DATE_EPOCH"] = str(int(newest.timestamp()))
    try:
        yield
    finally:
        del os.environ["SOURCE_DATE_EPOCH"]


def _newest_commit_date(history: History) -> datetime | None:
    dates = []
    for release in history.releases:
        for entry in release.entries:
            try:
                date = datetime.fromisoformat(entry.commit.date)
            except ValueError:
                continue
            if date.tzinfo is not None:
                dates.append(date)
    return max(dates, default=None)


def show_engine_messages(level: int = logging.WARNING) -> None:
    logger = logging.getLogger("mkdocs")
    if not any(getattr(h, "_playbook", False) for h in logger.handlers):
        handler = logging.StreamHandler()
        handler.setFormatter(_VisibleFormatter("%(levelname)-7s -  %(message)s"))
        handler._playbook = True  # type: ignore[attr-defined]
        logger.addHandler(handler)
    logger.setLevel(min(logger.level or level, level))


class _VisibleFormatter(logging.Formatter):
    """Formats the engine's messages, which quote paths and content, with hidden characters shown."""

    def format(self, record: logging.LogRecord) -> str:
        return visible_lines(super().format(record))
