"""In-process probes, each run as its own process: they time the work alone, without start-up.

    python -m benchmarks.probe history ROOT [--cold]
    python -m benchmarks.probe search SITE_DIR [--query WORD] [--second WORD] [--facet KIND]

Each prints `{"seconds": ...}` (and what else it found) as its last line.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import itertools
import json
import shutil
import statistics
import threading
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

KEYS = """
window.__keys = [];
document.addEventListener("input", () => window.__keys.push(performance.now()), true);
"""
"""Records, relative to the start of navigation, when each key was typed."""

FIRST_RESULT = """
(() => {
  const seen = () => {
    if (window.__firstResult === undefined && document.querySelector(".md-search-result__item")) {
      window.__firstResult = performance.now();
    }
  };
  new MutationObserver(seen).observe(document, {childList: true, subtree: true});
})();
"""
"""Records, relative to the start of navigation, when the first search result is shown."""

KEY_BEFORE_FIRST_RESULT = "Math.max(...window.__keys.filter((k) => k <= window.__firstResult))"
"""When the key before the first results was typed: an engine answers as the reader types, so
its first results may be for the first letters."""


def history(root: Path, cold: bool) -> dict[str, Any]:
    """Give the time to read the history of the repository at `root` (cache emptied if `cold`)."""
    from generator.content.schemas import load_schemas
    from generator.history.cache import CACHE_DIR
    from generator.history.gitlog import open_repository
    from generator.history.reader import read_history

    if cold:
        shutil.rmtree(open_repository(root).git_dir / CACHE_DIR, ignore_errors=True)
    schemas = load_schemas(root / "schemas", root)
    started = time.perf_counter()
    result = read_history(root, schemas)
    seconds = time.perf_counter() - started
    dated = sum(1 for h in result.entities.values() if h.created and h.updated)
    return {"seconds": seconds, "entities_dated": dated, "warning": result.warning}


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


SEARCH_FILES = ("/pagefind/", "/search/", "/workers/search", "/lunr/")
"""Where each engine's files are: Pagefind's bundle; Material's index, worker and lunr."""


def search(site: Path, query: str, second: str, facet: str | None) -> dict[str, Any]:
    """Give the time from navigation start to the first search result on the site's home page,
    the bytes of search files fetched by then and, with `facet` (a kind) on a site that has
    facets, the same for opening the filters and choosing that kind; then the time for the
    query in the address, and for it with a `second` word (which the top answers do not hold:
    Pagefind answers it)."""
    from playwright.sync_api import sync_playwright

    handler = functools.partial(_QuietHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    fetched: list[tuple[float, int]] = []  # (when the response ended, epoch ms; its bytes)

    def finished(request: Any) -> None:
        if any(part in request.url for part in SEARCH_FILES):
            timing = request.timing
            ended = timing["startTime"] + max(timing["responseEnd"], 0)
            fetched.append((ended, int(request.sizes()["responseBodySize"])))

    result: dict[str, Any] = {}
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                context = browser.new_context(viewport={"width": 1280, "height": 900})
                context.on("requestfinished", finished)
                page = context.new_page()
                for script in (KEYS, FIRST_RESULT, FACETS_OPENED):
                    page.add_init_script(script)
                base = f"http://127.0.0.1:{server.server_address[1]}/"
                page.goto(base, wait_until="commit")
                field = page.locator("input.md-search__input")
                field.focus()
                field.press_sequentially(query)
                page.wait_for_function("window.__firstResult !== undefined", timeout=300_000)
                result["seconds"] = float(page.evaluate("window.__firstResult")) / 1000
                typed = page.evaluate(f"window.__firstResult - {KEY_BEFORE_FIRST_RESULT}")
                result["key_to_result_seconds"] = float(typed) / 1000
                page.wait_for_timeout(300)  # the request events of the last fragments
                # What was fetched by the first results: not what is fetched after them (a
                # search that starts Pagefind once the page is idle).
                shown = float(page.evaluate("performance.timeOrigin + window.__firstResult"))
                result["search_bytes"] = sum(size for ended, size in fetched if ended <= shown)
                if facet is not None and page.locator(".playbook-facets").count():
                    result.update(_faceted_query(page, facet, fetched))
                result["address_seconds"] = _from_the_address(browser, base, query)
                words = f"{query} {second}"
                result["words_address_seconds"] = _from_the_address(browser, base, words)
                result["words_typed_seconds"] = _typed_as_a_reader(browser, base, words)
            finally:
                browser.close()
    finally:
        server.shutdown()
        server.server_close()
    return result


def _from_the_address(browser: Any, base: str, query: str) -> float | None:
    """Give the time from navigation start to the first result for a query in the address
    (`?q=`: the 404 page's form, a browser's site search), in a fresh context: what the engine
    does from page load to its answer, without the probe's keystrokes."""
    from playwright.sync_api import TimeoutError as NoAnswer

    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        page.add_init_script(FIRST_RESULT)
        page.goto(f"{base}?q={quote(query)}", wait_until="commit")
        try:
            page.wait_for_function("window.__firstResult !== undefined", timeout=120_000)
        except NoAnswer:  # an engine that does not read the address never answers
            return None
        return float(page.evaluate("window.__firstResult")) / 1000
    finally:
        context.close()


LAST_CHANGE = """
(() => {
  window.__lastChange = 0;
  const watch = () => {
    const list = document.querySelector(".md-search-result__list");
    if (!list) return false;
    new MutationObserver(() => { window.__lastChange = performance.now(); })
      .observe(list, {childList: true, subtree: true, characterData: true});
    return true;
  };
  if (!watch()) document.addEventListener("DOMContentLoaded", watch);
})();
"""
"""Records when the results last changed."""

READER_KEYS_MS = 120
"""Between keystrokes: a quick reader, about 100 words a minute."""


def _typed_as_a_reader(browser: Any, base: str, words: str) -> float | None:
    """Give the time from the last keystroke to the results for `words`, typed into the box of
    a fresh page as soon as it is there, at a reader's pace: what a reader of several words
    waits for once they have typed (an engine may use the time they spend typing).

    The last keystroke is taken as the reader pressed it: at the pace of the first word (whose
    answers are the cheapest), counted from the first key. A page whose script holds the main
    thread delays the keystrokes the probe sends, not the reader's fingers."""
    from playwright.sync_api import TimeoutError as NoAnswer

    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        page.add_init_script(KEYS)
        page.add_init_script(LAST_CHANGE)
        page.goto(base, wait_until="commit")
        page.locator("input.md-search__input").press_sequentially(words, delay=READER_KEYS_MS)
        settled = "window.__lastChange > window.__keys.at(-1)"
        settled += " && performance.now() - window.__lastChange > 1000"  # and then no change
        try:
            page.wait_for_function(settled, timeout=120_000)
        except NoAnswer:
            return None
        keys = [float(k) for k in page.evaluate("window.__keys")]
        first_word = keys[: len(words.split(maxsplit=1)[0])]
        gaps = [b - a for a, b in itertools.pairwise(first_word)]
        pace = statistics.median(gaps) if gaps else READER_KEYS_MS  # a one-letter first word
        # Never after the key as it came: a pace a little slower than the rest would put the
        # reader's last key after the results (a negative wait).
        pressed = min(keys[0] + (len(words) - 1) * pace, keys[-1])
        return (float(page.evaluate("window.__lastChange")) - pressed) / 1000
    finally:
        context.close()


FACETS_OPENED = """
document.addEventListener("click", (event) => {
  if (event.target.closest?.(".playbook-facets summary")) window.__facetsOpened = performance.now();
}, true);
"""
"""Records when the reader opened the filters."""

CHOOSE_FACET = """
([facet, value]) => new Promise((resolve) => {
  const box = document.querySelector("[data-playbook-search]");
  const observer = new MutationObserver(() => {
    if (box.dataset.state === "done") {
      observer.disconnect();
      requestAnimationFrame(() => resolve(performance.now()));
    }
  });
  observer.observe(box, {attributes: true, attributeFilter: ["data-state"]});
  const select = document.querySelector(`select[name="${facet}"]`);
  select.value = value;
  select.dispatchEvent(new Event("change"));
})
"""
"""Chooses a facet value; resolves with the time the search box has answered it."""


def _faceted_query(page: Any, kind: str, fetched: list[tuple[float, int]]) -> dict[str, float]:
    """Open the filters and narrow the results to one kind, as soon as the choice is there:
    the time from the click to the answer (a search still running when the filters open, to
    count every facet, is part of it), and the bytes it took."""
    before = len(fetched)
    page.locator(".playbook-facets summary").click()
    page.locator("select[name=kind]").wait_for()
    answered = float(page.evaluate(CHOOSE_FACET, ["kind", kind]))
    seconds = (answered - float(page.evaluate("window.__facetsOpened"))) / 1000
    page.wait_for_timeout(300)
    facet_bytes = sum(size for _, size in fetched[before:])
    return {"facet_seconds": seconds, "facet_bytes": facet_bytes}


def _word(text: str) -> str:
    """Give a query word as given; refuse one that is blank or holds a space."""
    if not text.strip() or text.split() != [text]:
        raise argparse.ArgumentTypeError(f"not a single word: {text!r}")
    return text


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    commands = parser.add_subparsers(dest="probe", required=True)
    history_parser = commands.add_parser("history")
    history_parser.add_argument("root", type=Path)
    history_parser.add_argument("--cold", action="store_true")
    search_parser = commands.add_parser("search")
    search_parser.add_argument("site", type=Path)
    search_parser.add_argument("--query", default="roadmap", type=_word)
    search_parser.add_argument(
        "--second", default="review", type=_word, help="a word for a two-word query"
    )
    search_parser.add_argument("--facet", default="Processes", help="a kind to narrow to")
    args = parser.parse_args()
    if args.probe == "history":
        result = history(args.root, args.cold)
    else:
        result = search(args.site, args.query, args.second, args.facet or None)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
