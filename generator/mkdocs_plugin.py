"""The MkDocs adapter: run the pipeline before MkDocs reads docs_dir. The only engine-aware code
besides the engine runner (`site/build.py`) and the preview server (`site/preview.py`).

Under `playbook build` and `playbook serve` the pipeline has already validated, rendered and
written the tree, and hands it to this plugin's instance; under plain `mkdocs build` the plugin
runs the same pipeline itself.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mkdocs.config import config_options
from mkdocs.config.base import Config as MkDocsBaseConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin

from generator.checks.issue_report import format_issue
from generator.config import Config, load_config
from generator.errors import PlaybookError
from generator.model import Severity
from generator.pipeline import Site, index_search, render_playbook, write_docs
from generator.site.scan import scan_site
from generator.site.settings import read_mkdocs_file, source_folders
from generator.site.wayfinding import place_entity_pages

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig

log = logging.getLogger("mkdocs.plugins.playbook")


class PlaybookPluginConfig(MkDocsBaseConfig):  # type: ignore[no-untyped-call]
    """Options of the `playbook` plugin in mkdocs.yml."""

    root = config_options.Optional(config_options.Type(str))
    """Repository root; defaults to the folder of mkdocs.yml."""


class PlaybookPlugin(BasePlugin[PlaybookPluginConfig]):  # type: ignore[no-untyped-call]
    """Validates and renders the playbook into `docs_dir`, then lets MkDocs build it."""

    def __init__(self) -> None:
        self.handed: tuple[Site, Path] | None = None
        """What the pipeline has just validated, rendered and written (to that folder)."""
        self.repository: Config | None = None
        self.site: Site | None = None

    @classmethod
    def hand_over(cls, engine: MkDocsConfig, site: Site, written: Path) -> None:
        """Give the engine's instance of this plugin the pipeline's work, so it is not redone."""
        for plugin in engine.plugins.values():
            if isinstance(plugin, cls):
                plugin.handed = (site, written)

    def on_config(self, config: Any) -> Any:
        root = Path(self.config.root or Path(config.config_file_path).parent).resolve()
        try:
            self.repository = repository = load_config(root)
            if self.handed is not None:
                site, written = self.handed
            else:
                # Read again as written: the checks need the values before MkDocs parses them.
                read_mkdocs_file(Path(config.config_file_path))
                strict = repository.strict or bool(config.strict)
                site, written = render_playbook(repository, strict, mkdocs=config), None
                self._report(site)
            if Path(config.docs_dir).resolve() != written:
                write_docs(repository, site, Path(config.docs_dir))
        except PlaybookError as error:
            raise PluginError(f"playbook: {error}") from error
        self.site = site
        if config.nav is None:
            config.nav = site.nav
        return config

    @staticmethod
    def _report(site: Site) -> None:
        if not site.rendered:
            # Raised before anything is written: the previous docs folder and site stay as they are.
            raise PluginError("the playbook has problems; nothing was built\n" + site.problems)
        for issue in site.validation.issues:
            if issue.severity is Severity.WARNING:
                log.warning(format_issue(issue))

    def on_post_build(self, config: Any) -> None:
        # `playbook build` indexes and scans its staging folder before swapping it in; plain
        # `mkdocs build` writes in place, so the least it can do is fail.
        if self.handed is None and self.site is not None and self.repository is not None:
            try:
                index_search(self.repository, self.site, Path(config.site_dir))
            except PlaybookError as error:
                raise PluginError(f"playbook: {error}") from error
            findings = scan_site(Path(config.site_dir))
            if findings:
                shown = "; ".join(str(f) for f in findings[:5])
                raise PluginError(f"playbook: the built site failed the safety scan: {shown}")

    def on_nav(self, nav: Any, config: Any, files: Any) -> Any:
        place_entity_pages(nav.pages, [f.page for f in files.documentation_pages() if f.page])
        return nav

    def on_page_markdown(self, markdown: str, page: Any, config: Any, files: Any) -> str:
        # Generated pages have no source of their own in docs_dir: the edit button goes to the
        # entity's file in playbook/ when the renderer named one, and is hidden otherwise.
        edit_url = page.meta.get("edit_url")
        page.edit_url = edit_url if isinstance(edit_url, str) else None
        return markdown

    def on_serve(self, server: Any, config: Any, builder: Any) -> Any:
        # Plain `mkdocs serve`: rebuild when the sources change, not only the generated tree.
        if self.repository is not None:
            for folder in source_folders(self.repository):
                if folder.is_dir():
                    server.watch(str(folder))
        return server
