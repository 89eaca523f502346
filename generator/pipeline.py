"""The table of contents: every command's path through the stages, top to bottom.

    validate_playbook -> read_history -> render_site -> write_docs -> build_site
                                                                       (engine, index_search)

Each stage is a function of values to a value, in a module of its own; this module only puts
them in order. The command line (`cli.py`) and the MkDocs adapter (`mkdocs_plugin.py`) call
these functions and nothing below them. History, the renderer and the site engine are imported
by the functions that need them, so validating loads none of them.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from generator.checks.issue_report import format_text
from generator.config import Config
from generator.errors import BuildError, ConfigError
from generator.model import History
from generator.validation import Validation, validate_playbook

if TYPE_CHECKING:
    from generator.history.revision_diff import PlaybookDiff

__all__ = [
    "Site",
    "Validation",
    "build_site",
    "diff_revisions",
    "index_search",
    "read_history",
    "render_playbook",
    "serve_site",
    "validate_playbook",
    "write_docs",
]


@dataclass(frozen=True, slots=True)
class Site:
    """A validated playbook and, when it passed, its history and rendered Markdown tree."""

    validation: Validation
    mkdocs: Mapping[str, Any]
    """mkdocs.yml's values, read once for every stage (or MkDocs' own, under the adapter)."""
    history: History = field(default_factory=History)
    files: Mapping[str, str] = field(default_factory=dict)
    """{relative path: text}; empty when validation failed."""

    @property
    def rendered(self) -> bool:
        return bool(self.files)

    @property
    def nav(self) -> list[dict[str, str]]:
        """The site's navigation: home, the kind catalogues, then the site-wide pages."""
        from generator.site.render import navigation

        return navigation(self.validation.playbook)

    @property
    def problems(self) -> str:
        """The located problems, as `playbook validate` prints them."""
        return format_text(self.validation.issues, len(self.validation.playbook))


def read_history(config: Config, validation: Validation, since: str | None = None) -> History:
    """Give the playbook's history from git (empty, with a warning, when git cannot give it).

    With `since`, only the changes after that revision; an unknown revision raises GitUnavailable.
    """
    from generator.history.reader import history_names
    from generator.history.reader import read_history as read

    names = history_names(validation.playbook)
    return read(config.root, validation.schemas, names, since=since)


def render_playbook(config: Config, strict: bool, mkdocs: Mapping[str, Any] | None = None) -> Site:
    """Validate; if the content passes, read its history and render the site's Markdown tree.

    Nothing is written. `mkdocs` is mkdocs.yml's values when the caller has them already.
    """
    from generator.site.render import render_site
    from generator.site.settings import read_mkdocs_yml, site_settings

    values = read_mkdocs_yml(config.root) if mkdocs is None else mkdocs
    settings = site_settings(config, values)
    validation = validate_playbook(config)
    if validation.failed(strict):
        return Site(validation, values)
    history = read_history(config, validation)
    return Site(validation, values, history, render_site(validation, history, settings))


def write_docs(config: Config, site: Site, out: Path | None = None) -> Path:
    """Write the rendered tree to `out` (default: mkdocs.yml's docs_dir); give the folder."""
    from generator.site.settings import docs_dir, source_folders
    from generator.site.write import write_tree

    folder = out if out is not None else docs_dir(config, site.mkdocs)
    write_tree(site.files, folder, config.root, source_folders(config))
    return folder


def build_site(config: Config, site: Site, out: Path | None, strict: bool) -> Path:
    """Build the site with MkDocs into a temporary sibling of `out`, then swap it in; give `out`.

    A failure leaves the previous `out` exactly as it was.
    """
    from concurrent.futures import ThreadPoolExecutor

    from generator.site.build import check_built_site, source_date_epoch
    from generator.site.search import place_search_index
    from generator.site.settings import MKDOCS_FILE, check_theme_folder, site_dir, source_folders
    from generator.site.write import check_target, discard, staging_folder, swap_in

    mkdocs_yml = config.root / MKDOCS_FILE
    if not mkdocs_yml.is_file():
        raise ConfigError(f"no {MKDOCS_FILE} in {config.root}")
    check_theme_folder(config, site.mkdocs)
    built = out if out is not None else site_dir(config, site.mkdocs)
    target = check_target(built, config.root, source_folders(config))
    docs = write_docs(config, site)  # before MkDocs starts: it refuses a missing docs_dir
    staging = staging_folder(target)
    try:
        # The index needs only the model: it is written while the engine builds the pages.
        with ThreadPoolExecutor(max_workers=1) as indexer:
            indexed = indexer.submit(index_search, config, site, staging, place=False)
            with source_date_epoch(site.history):
                _run_engine(config, site, docs, staging, strict)
            indexed.result()
        place_search_index(staging)
        check_built_site(staging)
    except BaseException as error:
        discard(staging)
        if isinstance(error, OSError):  # a full disk, a folder that cannot be written...
            raise BuildError(
                f"cannot write the site into {built}: {error.strerror or error}"
            ) from error
        raise
    swap_in(staging, target)
    return built


def serve_site(config: Config, dev_addr: str | None) -> None:
    """Preview the site until interrupted: every saved source file rebuilds it once.

    While the content is invalid, the browser shows the located problems instead of the site,
    and the site comes back by itself once they are fixed.
    """
    from generator.site.build import check_built_site
    from generator.site.preview import Afterwards, serve_preview
    from generator.site.settings import (
        MKDOCS_FILE,
        check_theme_folder,
        docs_dir,
        read_mkdocs_yml,
        source_folders,
    )
    from generator.site.write import write_tree

    afterwards = Afterwards()

    def rebuild(into: Path, serve_url: str, engine_unchanged: bool) -> str | None:
        afterwards.wait()
        site = render_playbook(config, strict=False)
        if not site.rendered:
            return site.problems
        check_theme_folder(config, site.mkdocs)
        docs = docs_dir(config, site.mkdocs)
        written = write_tree(site.files, docs, config.root, source_folders(config))
        # MkDocs rebuilds only the changed pages (and copies the changed files) when no page
        # came or went, and the theme and settings are as the last complete build saw them: a
        # page removed would stay in the site, a new one be missing from its neighbours' links.
        dirty = engine_unchanged and written.same_paths
        started = time.time() - 2  # file systems that keep whole seconds round down
        _run_engine(config, site, docs, into, False, serve_url, dirty)
        check_built_site(into, since=started if dirty else None)  # the rest was checked before
        if dirty:  # the reader sees the change at once, and its search a few seconds later
            afterwards.run(lambda: index_search(config, site, into))
        else:
            index_search(config, site, into)
        return None

    mkdocs_yml = config.root / MKDOCS_FILE
    watched = (*source_folders(config), mkdocs_yml)
    engine_inputs = (mkdocs_yml, config.template_dir)
    serve_preview(read_mkdocs_yml(config.root), watched, engine_inputs, dev_addr, rebuild)


def index_search(config: Config, site: Site, built: Path, place: bool = True) -> int:
    """Write the search index into a built site from the model (not from the built pages), and
    put it in place unless `place` is false; give the number of records."""
    from generator.site.search import place_search_index, write_search_index

    directory_urls = bool(site.mkdocs.get("use_directory_urls", True))
    count = write_search_index(site.validation, config, built, directory_urls)
    if place:
        place_search_index(built)
    return count


def _run_engine(
    config: Config,
    site: Site,
    docs: Path,
    into: Path,
    strict: bool,
    serve_url: str | None = None,
    dirty: bool = False,
) -> None:
    """Run MkDocs over the written tree, handing its adapter what the pipeline has done."""
    from generator.mkdocs_plugin import PlaybookPlugin
    from generator.site.build import load_engine_config, run_engine
    from generator.site.settings import MKDOCS_FILE

    engine = load_engine_config(config.root / MKDOCS_FILE, into, strict, serve_url)
    PlaybookPlugin.hand_over(engine, site, docs.resolve())
    run_engine(engine, serve_url, dirty)


def diff_revisions(config: Config, base: str, head: str | None = None) -> PlaybookDiff:
    """Give what a change does to the playbook: the merge base of `base` and `head` against
    `head`, or against the working tree without `head` (raises GitUnavailable)."""
    from generator.content.schemas import load_schemas
    from generator.history.revision_diff import compare

    return compare(config.root, load_schemas(config.schema_dir, config.root), base, head)
