"""Save-to-reload in `playbook serve`: from writing an entity's file to the browser showing it.

    python -m benchmarks.preview ROOT [--saves 5]

Starts `playbook serve` on ROOT, opens the first process's page in headless Chromium, then
changes that process's summary `--saves` times: each time, the seconds from the write to the
page (reloaded by the server's live reload) showing the new words. Prints
`{"seconds": median, "saves": [...], "first_build": ...}` as its last line.
"""

from __future__ import annotations

import argparse
import json
import re
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from benchmarks.probe import CHROMIUM, CHROMIUM_ARGS

TIMEOUT = 300.0
SETTLE = 4.0
"""Seconds between saves: time for the search index, written after the reload."""
SUMMARY = re.compile(r"^summary: .*$", re.MULTILINE)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_for_line(server: subprocess.Popen[str], wanted: str) -> None:
    assert server.stdout is not None
    deadline = time.monotonic() + TIMEOUT
    for line in server.stdout:
        if wanted in line:
            return
        if time.monotonic() > deadline:
            break
    raise RuntimeError(f"playbook serve never said {wanted!r} (exit {server.poll()})")


def preview(root: Path, saves: int) -> dict[str, Any]:
    from playwright.sync_api import sync_playwright

    entry = sorted((root / "playbook" / "processes").glob("*.yml"))[0]
    original = entry.read_text(encoding="utf-8")
    port = _free_port()
    started = time.perf_counter()
    server = subprocess.Popen(
        [sys.executable, "-m", "generator", "--root", str(root), "serve", "--dev-addr",
         f"127.0.0.1:{port}"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    timings: list[float] = []
    try:
        _wait_for_line(server, "Serving on")
        first_build = time.perf_counter() - started
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                page = browser.new_page()
                page.goto(f"http://127.0.0.1:{port}/processes/{entry.stem}/")
                for save in range(saves):
                    word = f"Zyzzogeton{save}x"
                    changed = re.sub(
                        r"^summary: .*$", f"summary: Now {word}.", original, flags=re.M
                    )
                    written = time.perf_counter()
                    entry.write_text(changed, encoding="utf-8")
                    page.wait_for_function(
                        f"document.body && document.body.innerText.includes({word!r})",
                        timeout=TIMEOUT * 1000,
                        polling=50,
                    )
                    timings.append(time.perf_counter() - written)
                    time.sleep(SETTLE)  # the server is idle again (the search index written)
            finally:
                browser.close()
    finally:
        entry.write_text(original, encoding="utf-8")
        server.terminate()
        server.wait(timeout=60)
    return {"seconds": statistics.median(timings), "saves": timings, "first_build": first_build}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("root", type=Path)
    parser.add_argument("--saves", type=int, default=5)
    args = parser.parse_args()
    print(json.dumps(preview(args.root, args.saves)))


if __name__ == "__main__":
    main()
