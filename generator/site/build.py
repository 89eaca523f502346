"""`playbook render`, `build`, `serve`: run the pipeline, then the site engine; swap in on success.

MkDocs is imported only inside the functions that run it, so validating never loads it.
"""

from __future__ import annotations

import logging
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

from generator.config import Config
from generator.errors import BuildError, ConfigError
from generator.model import History
from generator.printable import visible_lines
from generator.site.generate import Generated, generate
from generator.site.settings import (
    MKDOCS_FILE,
    check_theme_folder,
    docs_dir,
    read_mkdocs_yml,
    site_dir,
    site_settings,
    source_folders,
)
from generator.site.scan import scan_site
from generator.site.write import check_target, discard, staging_folder, swap_in, write_tree

def prepare(config: Config, strict: bool) -> Generated:
    """Validate and, if the content passes, render the Markdown tree (nothing written yet)."""
    return generate(config, site_settings(config, read_mkdocs_yml(config.root)), strict)


def write_docs(config: Config, generated: Generated, out: Path | None = None) -> Path:
    """Write the rendered tree to `out` (default: mkdocs.yml's docs_dir); give the folder."""
    folder = out if out is not None else docs_dir(config, read_mkdocs_yml(config.root))
    write_tree(generated.files, folder, config.root, source_folders(config))
    return folder


def build_site(config: Config, generated: Generated, out: Path | None, strict: bool) -> Path:
    """Build the site with MkDocs into a temporary sibling of `out`, then swap it in; give `out`.

    A failure leaves the previous `out` exactly as it was.
    """
    mkdocs_yml = config.root / MKDOCS_FILE
    if not mkdocs_yml.is_file():
        raise ConfigError(f"no {MKDOCS_FILE} in {config.root}")
    mkdocs = read_mkdocs_yml(config.root)
    check_theme_folder(config, mkdocs)
    site = out if out is not None else site_dir(config, mkdocs)
    target = check_target(site, config.root, source_folders(config))
    # Written before MkDocs starts: it refuses a docs_dir that does not exist yet.
    docs = write_docs(config, generated)
    staging = staging_folder(target)
    try:
        with source_date_epoch(generated.history):
            _run_mkdocs(mkdocs_yml, staging, strict, generated, docs)
        check_built_site(staging)
    except BaseException as error:
        discard(staging)
        if isinstance(error, OSError):  # a full disk, a folder that cannot be written...
            raise BuildError(
                f"cannot write the site into {site}: {error.strerror or error}"
            ) from error
        raise
    swap_in(staging, target)
    return site


def check_built_site(folder: Path) -> None:
    """Refuse a finished site that could run script or load what is not the site's own.

    Whatever reached the pages (content, mkdocs.yml, the theme's custom_dir), the scan is the
    last line of defence; the build fails and the previous site stays.
    """
    findings = scan_site(folder)
    if findings:
        shown = "; ".join(str(finding) for finding in findings[:5])
        more = f" (and {len(findings) - 5} more)" if len(findings) > 5 else ""
        raise BuildError(f"the built site failed the safety scan: {shown}{more}")


def _run_mkdocs(
    mkdocs_yml: Path, site_dir: Path, strict: bool, generated: Generated, docs: Path
) -> None:
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    from generator.site.mkdocs_plugin import PlaybookPlugin

    _show_engine_warnings()
    try:
        mkdocs_config = load_config(
            config_file=str(mkdocs_yml), site_dir=str(site_dir), strict=strict
        )
        PlaybookPlugin.handoff = (generated, docs.resolve())
        mkdocs_config.plugins.on_startup(command="build", dirty=False)
        try:
            build(mkdocs_config)
        finally:
            PlaybookPlugin.handoff = None
            mkdocs_config.plugins.on_shutdown()
    except MkDocsException as error:
        raise BuildError(f"the site engine failed: {error.format_message()}") from error


def serve_site(config: Config, generated: Generated, dev_addr: str | None) -> None:
    """Write the tree, then run MkDocs' live-reloading server until interrupted."""
    from mkdocs.commands.serve import serve
    from mkdocs.exceptions import MkDocsException

    from generator.site.mkdocs_plugin import PlaybookPlugin

    check_theme_folder(config, read_mkdocs_yml(config.root))
    docs = write_docs(config, generated)
    PlaybookPlugin.handoff = (generated, docs.resolve())  # the first build reuses this work
    _show_engine_warnings(logging.INFO)
    options: dict[str, Any] = {"dev_addr": dev_addr} if dev_addr else {}
    try:
        serve(config_file=str(config.root / MKDOCS_FILE), livereload=True, **options)
    except MkDocsException as error:
        raise BuildError(f"the site engine failed: {error.format_message()}") from error
    finally:
        PlaybookPlugin.handoff = None


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


def _show_engine_warnings(level: int = logging.WARNING) -> None:
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
