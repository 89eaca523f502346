"""The MkDocs adapter: run the pipeline before MkDocs reads docs_dir. The only engine-aware code."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any, ClassVar

from mkdocs.config import config_options
from mkdocs.config.base import Config as MkDocsBaseConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin

from generator.checks.report import format_issue, format_text
from generator.config import Config, load_config
from generator.errors import PlaybookError
from generator.model import Severity
from generator.site.generate import Generated, generate
from generator.site.scan import scan_site
from generator.site.search import write_search_index
from generator.site.settings import read_mkdocs_file, site_settings, source_folders
from generator.site.write import write_tree

log = logging.getLogger("mkdocs.plugins.playbook")


class PlaybookPluginConfig(MkDocsBaseConfig):  # type: ignore[no-untyped-call]
    """Options of the `playbook` plugin in mkdocs.yml."""

    root = config_options.Optional(config_options.Type(str))
    """Repository root; defaults to the folder of mkdocs.yml."""


class PlaybookPlugin(BasePlugin[PlaybookPluginConfig]):  # type: ignore[no-untyped-call]
    """Validates and renders the playbook into `docs_dir`, then lets MkDocs build it."""

    handoff: ClassVar[tuple[Generated, Path] | None] = None
    """Set by `playbook build` and `playbook serve` for the engine's next build: what they have
    just validated, rendered and written (to that folder), so it is not all done again; the
    CLI has also reported its problems already. Taken once."""

    def __init__(self) -> None:
        self.repository: Config | None = None
        self.scan_after_build = False
        """Under plain `mkdocs build` (no hand-off), the plugin scans the site itself."""
        self.generated: Generated | None = None

    def on_config(self, config: Any) -> Any:
        root = Path(self.config.root or Path(config.config_file_path).parent).resolve()
        prepared, written = PlaybookPlugin.handoff or (None, None)
        PlaybookPlugin.handoff = None
        self.scan_after_build = prepared is None
        try:
            # Read again as written: the checks need the values before MkDocs parses them.
            read_mkdocs_file(Path(config.config_file_path))
            repository = load_config(root)
            generated = prepared or generate(
                repository,
                site_settings(repository, config),
                repository.strict or bool(config.strict),
            )
        except PlaybookError as error:
            raise PluginError(f"playbook: {error}") from error
        self.repository, self.generated = repository, generated
        if not generated.rendered:
            # Raised before anything is written: the previous docs folder and site stay as they are.
            report = format_text(generated.validation.issues, len(generated.validation.playbook))
            raise PluginError("the playbook has problems; nothing was built\n" + report)
        if prepared is None:  # else the CLI has printed them with its report
            for issue in generated.validation.issues:
                if issue.severity is Severity.WARNING:
                    log.warning(format_issue(issue))
        docs = Path(config.docs_dir)
        if docs.resolve() != written:
            try:
                write_tree(generated.files, docs, root, source_folders(repository))
            except PlaybookError as error:
                raise PluginError(f"playbook: {error}") from error
        if config.nav is None:
            config.nav = generated.nav
        return config

    def on_post_build(self, config: Any) -> None:
        if self.generated is not None and self.repository is not None:  # search, every build
            try:
                write_search_index(self.generated, self.repository, config)
            except PlaybookError as error:
                raise PluginError(f"playbook: {error}") from error
        # `playbook build` scans its staging folder before swapping it in; plain `mkdocs build`
        # writes in place, so the least it can do is fail.
        if self.scan_after_build:
            findings = scan_site(Path(config.site_dir))
            if findings:
                shown = "; ".join(str(f) for f in findings[:5])
                raise PluginError(f"playbook: the built site failed the safety scan: {shown}")

    def on_page_markdown(self, markdown: str, page: Any, config: Any, files: Any) -> str:
        # Generated pages have no source of their own in docs_dir: the edit button goes to the
        # entity's file in playbook/ when the renderer named one, and is hidden otherwise.
        edit_url = page.meta.get("edit_url")
        page.edit_url = edit_url if isinstance(edit_url, str) else None
        return markdown

    def on_serve(self, server: Any, config: Any, builder: Any) -> Any:
        repository = self.repository
        if repository is not None:
            for folder in source_folders(repository):
                if folder.is_dir():
                    server.watch(str(folder))
        return server
