"""`playbook serve`, the README's main command: it serves the site and rebuilds on a change."""

from __future__ import annotations

import signal
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from sitekit import make_site_repo, start_preview


def fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return str(response.read().decode("utf-8"))
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return None


def wait_for(url: str, text: str, seconds: float = 90) -> str:
    """Give the page at `url` once it holds `text`; fail after `seconds`."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        page = fetch(url)
        if page is not None and text in page:
            return page
        time.sleep(0.3)
    pytest.fail(f"{url} did not show {text!r} within {seconds} s")


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[Path, str]]:
    """A fixture repository served by `playbook serve` on a free port; give (root, base URL).

    The server's messages go to `serve.log` beside the repository."""
    repo = make_site_repo(tmp_path / "repo")
    log = tmp_path / "serve.log"
    with log.open("w", encoding="utf-8") as stderr:
        process, base = start_preview(repo, stderr)
        try:
            yield repo, base
        finally:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
    assert "Traceback" not in log.read_text(encoding="utf-8")


def test_serve_shows_the_site_and_rebuilds_when_an_entry_changes(served: tuple[Path, str]) -> None:
    repo, base = served
    page = wait_for(base + "tools/amplitude/", "Product analytics for events")
    assert "Amplitude" in page
    tool = repo / "playbook" / "tools" / "amplitude.yml"
    tool.write_text(
        tool.read_text(encoding="utf-8").replace(
            "Product analytics for events", "Event analytics for products"
        ),
        encoding="utf-8",
    )
    wait_for(base + "tools/amplitude/", "Event analytics for products")


def builds(repo: Path) -> int:
    """Count the builds the server has begun so far."""
    return (repo.parent / "serve.log").read_text(encoding="utf-8").count("Building the playbook")


def test_one_save_rebuilds_once(served: tuple[Path, str]) -> None:
    repo, base = served
    wait_for(base + "tools/amplitude/", "Product analytics for events")
    assert builds(repo) == 1
    tool = repo / "playbook" / "tools" / "amplitude.yml"
    tool.write_text(
        tool.read_text(encoding="utf-8").replace("Product analytics", "Saved once"),
        encoding="utf-8",
    )
    wait_for(base + "tools/amplitude/", "Saved once for events")
    time.sleep(3)  # a rebuild the first one set off (its own output) would have begun by now
    assert builds(repo) == 2


def test_invalid_content_shows_its_problems_in_the_browser_then_recovers(
    served: tuple[Path, str],
) -> None:
    repo, base = served
    wait_for(base, "</html>")
    tool = repo / "playbook" / "tools" / "amplitude.yml"
    good = tool.read_text(encoding="utf-8")
    tool.write_text(good + "broken: [\n", encoding="utf-8")
    located = "playbook/tools/amplitude.yml:"
    for page in ("", "tools/amplitude/", "roles/", "no/such/page/"):
        shown = wait_for(base + page, "The playbook has problems")
        assert located in shown and "error[yaml-syntax]" in shown, shown
        assert "livereload" in shown  # it reloads by itself once the problems are fixed
    tool.write_text(good, encoding="utf-8")
    page = wait_for(base + "tools/amplitude/", "Product analytics for events")
    assert "The playbook has problems" not in page


def test_serve_starts_on_invalid_content_and_shows_why(tmp_path: Path) -> None:
    repo = make_site_repo(tmp_path / "repo")
    tool = repo / "playbook" / "tools" / "amplitude.yml"
    good = tool.read_text(encoding="utf-8")
    tool.write_text(good.replace("title:", "title: [", 1), encoding="utf-8")
    process, base = start_preview(repo)
    try:
        assert "error[yaml-syntax]" in wait_for(base, "The playbook has problems")
        tool.write_text(good, encoding="utf-8")
        wait_for(base + "tools/amplitude/", "Product analytics for events")
    finally:
        process.terminate()  # as a service manager stops it: the preview folder is removed too
        assert process.wait(timeout=30) == 0


def test_saves_are_heard_at_once_where_the_system_can_watch_every_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from watchdog.observers.polling import PollingObserver

    from generator.site import preview

    folders = [tmp_path / "playbook", tmp_path / "schemas"]
    for folder in folders:
        folder.mkdir()
    heard = preview.listener(folders)
    assert not isinstance(heard, PollingObserver)  # the system's events, not a look every 0.5 s

    class Refused(preview.ChangeListener):
        def start(self) -> None:
            raise OSError(28, "inotify watch limit reached")

    monkeypatch.setattr(preview, "ChangeListener", Refused)
    assert isinstance(preview.listener(folders), PollingObserver)
