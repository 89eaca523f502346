"""`playbook serve`: MkDocs' live-reloading server over the sources, never over its own output.

MkDocs' own `serve` watches docs_dir, which the pipeline writes: every save rebuilt twice. This
server watches only the folders the site is made from, and while the content is invalid it
answers every page with the located problems (reloading by itself once they are fixed) where
MkDocs' would stall the browser.
"""

from __future__ import annotations

import contextlib
import html
import ipaddress
import logging
import shutil
import signal
import sys
import tempfile
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from mkdocs.livereload import LiveReloadServer
from watchdog.events import (
    FileCreatedEvent,
    FileDeletedEvent,
    FileModifiedEvent,
    FileMovedEvent,
    FileSystemEvent,
    FileSystemEventHandler,
)
from watchdog.observers.api import BaseObserver, ObservedWatch
from watchdog.observers.polling import PollingObserver

from generator.errors import ConfigError, PlaybookError
from generator.printable import visible
from generator.site.build import show_engine_messages

log = logging.getLogger("mkdocs.plugins.playbook")
DEFAULT_ADDRESS = "127.0.0.1:8000"

Rebuild = Callable[[Path, str, bool], str | None]
"""Builds the site into a folder for a served address (only the changed pages, when the third
argument allows it); gives None, or the problems that stopped it."""


class Afterwards:
    """Work a rebuild leaves until the browser has reloaded (the search index), one job at a
    time: the next rebuild waits for it first, so two never write the site at once."""

    PAUSE = 1.0
    """Seconds to leave the machine to the browser's reload first: the indexer takes every
    core while it runs, and a reload that waits for it is late by as much."""

    def __init__(self) -> None:
        self.thread: threading.Thread | None = None
        self.hurry = threading.Event()
        """Set by a rebuild that waits: the pause is over."""

    def run(self, job: Callable[[], object]) -> None:
        self.wait()
        self.hurry = threading.Event()
        self.thread = threading.Thread(target=self._run, args=(job, self.hurry), daemon=True)
        self.thread.start()

    def wait(self) -> None:
        if self.thread is not None:
            self.hurry.set()
            self.thread.join()
            self.thread = None

    def _run(self, job: Callable[[], object], hurry: threading.Event) -> None:
        hurry.wait(self.PAUSE)
        try:
            job()
        except PlaybookError as error:  # the pages are served; only the search is behind
            log.error("playbook: the search index was not updated: %s", error)


class PreviewServer(LiveReloadServer):
    """The live-reloading server, answering pages with the problems while there are some."""

    def __init__(
        self,
        rebuild: Rebuild,
        site_dir: Path,
        engine_inputs: Sequence[Path],
        host: str,
        port: int,
        mount: str,
    ) -> None:
        super().__init__(self.build, host, port, str(site_dir), mount)
        self.rebuild, self.site_dir, self.engine_inputs = rebuild, site_dir, engine_inputs
        self.problems: bytes | None = None
        """The problems page, while the last build stopped on problems."""
        self.built_with: tuple[tuple[str, int, int], ...] | None = None
        """The engine's own inputs (settings, theme) as the last complete build saw them."""
        self.error_handler = self._error_page

    def build(self) -> None:
        """Build the site, or keep the problems that stopped it to show them."""
        log.info("Building the playbook...")
        inputs = fingerprint(self.engine_inputs)
        try:
            # Only the changed pages, unless the engine's own inputs changed since the last
            # complete build: a new theme or setting touches every page.
            problems = self.rebuild(self.site_dir, self.url, inputs == self.built_with)
        except PlaybookError as error:  # a broken template, mkdocs.yml or engine run
            problems = f"playbook: error: {error}"
        self.built_with = inputs if problems is None else None
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


def fingerprint(paths: Sequence[Path]) -> tuple[tuple[str, int, int], ...]:
    """Give each file under `paths` with its modification time and size, to notice changes."""
    found: list[tuple[str, int, int]] = []
    for top in paths:
        for path in [top, *sorted(top.rglob("*"))] if top.is_dir() else [top]:
            with contextlib.suppress(OSError):  # gone since it was listed
                status = path.lstat()
                found.append((str(path), status.st_mtime_ns, status.st_size))
    return tuple(found)


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
    mkdocs: Mapping[str, Any],
    watched: Sequence[Path],
    engine_inputs: Sequence[Path],
    dev_addr: str | None,
    rebuild: Rebuild,
) -> None:
    """Build into a temporary folder, serve it, and rebuild once per change under `watched`.

    `mkdocs` is mkdocs.yml's values (its address and site_url); `engine_inputs` are what the
    engine reads besides the Markdown (mkdocs.yml, the theme).
    """
    show_engine_messages(logging.INFO)
    logging.getLogger("mkdocs.commands.build").addFilter(_not_the_dirty_warning)
    host, port = serve_address(dev_addr or mkdocs.get("dev_addr") or DEFAULT_ADDRESS)
    site_url = mkdocs.get("site_url")
    mount = urlsplit(site_url if isinstance(site_url, str) else "/").path or "/"
    site_dir = Path(tempfile.mkdtemp(prefix="playbook-preview-"))
    stopped = signal.signal(signal.SIGTERM, _interrupt)  # a stop, as Ctrl-C: clean up too
    try:
        server = PreviewServer(rebuild, site_dir, engine_inputs, host, port, mount)
        server.observer = listener(watched)  # type: ignore[assignment]  # typed as its own kind
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
        signal.signal(signal.SIGTERM, stopped)
        shutil.rmtree(site_dir, ignore_errors=True)


CHANGES: list[type[FileSystemEvent]] = [
    FileCreatedEvent,
    FileModifiedEvent,
    FileMovedEvent,
    FileDeletedEvent,
]
"""What a save is: a file written, made, moved into place or removed. Not a file opened or
read, which the system reports too, and which every build does to every source file."""

if sys.platform == "linux":
    from watchdog.observers.inotify import InotifyObserver

    class ChangeListener(InotifyObserver):
        """The system's own events (inotify), for saves only."""

        def schedule(
            self,
            event_handler: FileSystemEventHandler,
            path: str | Path,
            *,
            recursive: bool = False,
            event_filter: list[type[FileSystemEvent]] | None = None,
            follow_symlink: bool = False,
        ) -> ObservedWatch:
            return super().schedule(
                event_handler,
                path,
                recursive=recursive,
                event_filter=event_filter or CHANGES,
                follow_symlink=follow_symlink,
            )


def listener(watched: Sequence[Path]) -> BaseObserver:
    """Give the watcher that hears of a save at once (inotify, on Linux) if it can watch every
    folder here, else the engine's own, which looks every half second (0.25 s of every save).

    Where the system's limit on watches is reached, looking is what works."""
    if sys.platform != "linux":
        return PollingObserver(timeout=0.5)
    trial = ChangeListener()
    try:
        for path in watched:
            if path.exists():
                trial.schedule(FileSystemEventHandler(), str(path), recursive=True)
        trial.start()
    except OSError as error:
        log.info("Looking for changes every half second (%s)", visible(str(error)))
        return PollingObserver(timeout=0.5)
    finally:
        with contextlib.suppress(RuntimeError):  # it did not start
            trial.stop()
            trial.join()
    return ChangeListener()


def _not_the_dirty_warning(record: logging.LogRecord) -> bool:
    # The engine warns of stale links on every partial rebuild: this server makes one only when
    # no page came or went, and the next full build (any new page or setting) brings all back.
    return not record.getMessage().startswith("A 'dirty' build is being performed")


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def serve_address(value: object) -> tuple[str, int]:
    """Give the host and port of an `IP:PORT` address, as MkDocs' dev_addr reads it."""
    host, _, port = str(value).rpartition(":")
    try:
        if host != "localhost":
            ipaddress.ip_address(host.strip("[]"))
        number = int(port)
    except ValueError:
        number = -1
    if not 0 <= number <= 65535:
        raise ConfigError(f"dev_addr {visible(str(value))}: give an address as IP:PORT, e.g. 127.0.0.1:8000")
    return host.strip("[]"), number
