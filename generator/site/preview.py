"""`playbook serve`: MkDocs' live-reloading server over the sources, never over its own output.

MkDocs' own `serve` watches docs_dir, which the pipeline writes: every save rebuilt twice. This
server watches only the folders the site is made from, and while the content is invalid it
answers every page with the located problems (reloading by itself once they are fixed) where
MkDocs' would stall the browser.
"""

from __future__ import annotations

import html
import logging
import shutil
import tempfile
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from mkdocs.livereload import LiveReloadServer

from generator.errors import ConfigError, PlaybookError
from generator.site.build import load_engine_config, show_engine_messages

log = logging.getLogger("mkdocs.plugins.playbook")

Rebuild = Callable[[Path, str], str | None]
"""Builds the site into a folder for a served address; gives None, or the problems that
stopped it."""


class PreviewServer(LiveReloadServer):
    """The live-reloading server, answering pages with the problems while there are some."""

    def __init__(self, rebuild: Rebuild, site_dir: Path, host: str, port: int, mount: str) -> None:
        super().__init__(self.build, host, port, str(site_dir), mount)
        self.rebuild, self.site_dir = rebuild, site_dir
        self.problems: bytes | None = None
        """The problems page, while the last build stopped on problems."""
        self.error_handler = self._error_page

    def build(self) -> None:
        """Build the site, or keep the problems that stopped it to show them."""
        log.info("Building the playbook...")
        try:
            problems = self.rebuild(self.site_dir, self.url)
        except PlaybookError as error:  # a broken template, mkdocs.yml or engine run
            problems = f"playbook: error: {error}"
        self.problems = None if problems is None else problems_page(problems)
        if problems is not None:
            log.error("the playbook has problems; the preview shows them until fixed\n%s", problems)

    def _serve_request(self, environ: Any, start_response: Any) -> Iterable[bytes] | None:
        problems, path = self.problems, str(environ.get("PATH_INFO", ""))
        if problems is None or not _is_page(path):
            return super()._serve_request(environ, start_response)
        with self._epoch_cond:
            epoch = self._visible_epoch
        content = self._inject_js_into_html(problems, epoch)  # type: ignore[no-untyped-call]
        start_response(  # the page reloads by itself once the problems are fixed
            "200 OK",
            [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(content)))],
        )
        return [content]

    def _error_page(self, code: int) -> bytes | None:
        page = self.site_dir / f"{code}.html"
        return page.read_bytes() if code == 404 and page.is_file() else None


def _is_page(path: str) -> bool:
    if path.startswith("/livereload/"):
        return False
    last = path.rsplit("/", 1)[-1]
    return last == "" or last.endswith(".html") or "." not in last


def problems_page(problems: str) -> bytes:
    """Give the page shown instead of the site while the content has problems."""
    return (
        "<!doctype html>\n<html lang=en><head><meta charset=utf-8>"
        "<meta name=viewport content='width=device-width, initial-scale=1'>"
        "<title>The playbook has problems</title>"
        "<style>body{font:16px/1.5 system-ui,sans-serif;margin:2rem;max-width:72rem}"
        "pre{white-space:pre-wrap;background:#f5f5f5;padding:1rem;border-radius:4px}</style>"
        "</head><body><main><h1>The playbook has problems</h1>"
        "<p>Nothing was built. Fix these and save: this page reloads by itself.</p>"
        f"<pre>{html.escape(problems)}</pre></main></body></html>\n"
    ).encode()


def serve_preview(
    mkdocs_yml: Path, watched: Sequence[Path], dev_addr: str | None, rebuild: Rebuild
) -> None:
    """Build into a temporary folder, serve it, and rebuild once per change under `watched`."""
    show_engine_messages(logging.INFO)
    site_dir = Path(tempfile.mkdtemp(prefix="playbook-preview-"))
    try:
        engine = load_engine_config(mkdocs_yml, site_dir, False, dev_addr=dev_addr)
        host, port = engine.dev_addr.host, engine.dev_addr.port
        mount = urlsplit(engine.site_url or "/").path or "/"
        server = PreviewServer(rebuild, site_dir, host, port, mount)
        server.build()
        for path in watched:
            if path.exists():
                server.watch(str(path))
        try:
            server.serve()  # type: ignore[no-untyped-call]
        except OSError as error:  # the address is taken, or not this machine's
            raise ConfigError(f"cannot serve on {host}:{port}: {error.strerror or error}") from error
        except KeyboardInterrupt:
            log.info("Shutting down...")
        finally:
            server.shutdown()
    finally:
        shutil.rmtree(site_dir, ignore_errors=True)
