"""Site test helpers: a small playbook of every kind and a link checker."""

from __future__ import annotations

import contextlib
import functools
import os
import posixpath
import shutil
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from html.parser import HTMLParser
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import IO, Any
from urllib.parse import unquote, urlsplit

ROOT = Path(__file__).resolve().parent.parent
REPO_URL = "https://github.com/example-org/playbook"

HOSTILE_TITLE = '<script>alert(1)</script> *x* [y](javascript:alert(2)) {: onclick="alert(3)" }'

FIXTURE: dict[str, str] = {
    "playbook/roles/product-manager.yml": """\
title: Product manager
summary: Owns the problem and the outcome for one product area.
owners: ["@acme/product"]
type: core
mission: |
  Decide what to build and why, together with the
  [product ops manager](../roles/product-ops-manager.yml).
responsibilities:
  - Set the product strategy for the area
works_with: [product-ops-manager]
tags: [strategy]
""",
    "playbook/roles/product-ops-manager.yml": """\
title: Product ops manager
summary: Runs the operating system of the product organisation.
owners: ["@acme/product-ops"]
type: core
mission: Make product work measurable and repeatable; track every KPI that matters.
responsibilities:
  - Run the feedback loop
tags: [strategy, data]
""",
    "playbook/pillars/data-insights.md": """\
---
title: Data and insights
summary: Give teams the data they need to decide.
owners: ["@acme/product-ops"]
order: 1
practices:
  - name: Dashboards
    description: Build one dashboard per [KPI](../glossary/kpi.yml) that a team owns.
    tools: [amplitude]
metrics: [activation-rate]
tags: [data]
---
Data helps teams decide. The [feedback loop](../processes/feedback-loop.yml#steps) feeds it.
""",
    "playbook/tools/amplitude.yml": """\
title: Amplitude
summary: Product analytics for events, funnels and retention.
owners: ["@acme/data"]
category: analytics
website: https://amplitude.com/
used_for:
  - Funnels and retention
pillars: [data-insights]
tags: [data]
""",
    "playbook/tools/hostile.yml": f"""\
title: '{HOSTILE_TITLE.replace("'", "''")}'
summary: 'A <b>tool</b> whose fields try to inject <img src=x onerror=alert(4)> markup.'
owners: ["@acme/data"]
category: feedback
used_for:
  - '<img src=x onerror=alert(5)>'
notes: |
  <script>alert(6)</script> Raw HTML in Markdown is shown as text.
""",
    "playbook/processes/feedback-loop.yml": """\
title: Run the feedback loop
summary: Collect, triage and answer customer feedback every month.
owners: ["@acme/product-ops"]
purpose: |
  Turn what customers say into decisions, with events from [Amplitude](../tools/amplitude.yml)
  and the [brief](../templates/brief.md).
trigger: The first Monday of the month.
cadence: monthly
owner: product-ops-manager
pillars: [data-insights]
raci:
  product-ops-manager: A
  product-manager: R
inputs:
  - Feedback from every channel
outputs:
  - A triaged feedback log
steps:
  - name: 'Collect "feedback" [all] --> end; click'
    role: product-manager
    description: Gather feedback from support and sales.
    tools: [amplitude, hostile]
  - name: Review and decide
    role: product-ops-manager
    description: Decide what to act on and track the KPI.
    templates: [brief]
metrics: [activation-rate]
templates: [brief]
tags: [feedback]
""",
    "playbook/metrics/activation-rate.yml": """\
title: Activation rate
summary: Share of new accounts that reach the first moment of value.
owners: ["@acme/data"]
definition: The share of sign-ups that complete the key action within seven days.
formula: activated accounts / new accounts
unit: percent
direction: up
owner: product-manager
data_sources: [amplitude]
""",
    "playbook/templates/brief.md": """\
---
title: Problem brief
summary: One page that states a problem before anyone designs a solution.
owners: ["@acme/product"]
owner: product-manager
processes: [feedback-loop]
---
## Problem

What is the problem, and for whom?
""",
    "playbook/guides/using-this-playbook.md": """\
---
title: Using this playbook
summary: How the playbook is organised and where to start.
owners: ["@acme/product-ops"]
order: 1
---
Start with the [product manager](../roles/product-manager.yml) role.
""",
    "playbook/faq/what-is-product-ops.yml": """\
title: What is product ops?
summary: The function that makes product work run smoothly.
owners: ["@acme/product-ops"]
answer: It is described by the [pillars](../pillars/data-insights.md).
""",
    "playbook/glossary/kpi.yml": """\
title: Key performance indicator
summary: A number that shows whether work is on track.
owners: ["@acme/data"]
abbreviation: KPI
definition: A measurable value that shows progress towards an objective.
""",
    "playbook/frameworks/rice.md": """\
---
title: RICE scoring
summary: Rank ideas by reach, impact, confidence and effort.
owners: ["@acme/product"]
when_to_use:
  - Comparing many ideas
processes: [feedback-loop]
---
Score each idea and sort by the result.
""",
}


def make_site_repo(base: Path, files: dict[str, str] | None = None) -> Path:
    """Create a repository with the project's schemas, templates, mkdocs.yml and a playbook."""
    base.mkdir(parents=True, exist_ok=True)
    shutil.copytree(ROOT / "schemas", base / "schemas")
    shutil.copytree(ROOT / "site_templates", base / "site_templates")
    shutil.copy(ROOT / "mkdocs.yml", base / "mkdocs.yml")
    for rel, text in (FIXTURE if files is None else files).items():
        path = base / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    (base / "playbook").mkdir(exist_ok=True)
    return base


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.targets: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value and ((tag == "a" and name == "href") or (name == "src" and tag != "iframe")):
                self.targets.append(value)
            if value and tag == "link" and name == "href":
                self.targets.append(value)


def broken_links(site: Path) -> list[str]:
    """Give `page -> target` for each internal link or asset of a built site that goes nowhere."""
    broken = []
    for page in sorted(site.rglob("*.html")):
        parser = _Links()
        parser.feed(page.read_text("utf-8"))
        base = page.relative_to(site).parent.as_posix()
        for target in parser.targets:
            parts = urlsplit(target)
            if parts.scheme or parts.netloc or not parts.path:
                continue
            path = unquote(parts.path)
            resolved = (
                posixpath.normpath(posixpath.join(base, path))
                if not path.startswith("/")
                else path[1:]
            )
            candidate = site / resolved
            if candidate.is_dir():
                candidate = candidate / "index.html"
            if not candidate.is_file():
                broken.append(f"{page.relative_to(site)} -> {target}")
    return broken


def tree_bytes(folder: Path) -> dict[str, bytes]:
    """Give every file under `folder` by relative path, with its bytes."""
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_preview(
    repo: Path, log: IO[str] | int = subprocess.DEVNULL
) -> tuple[subprocess.Popen[bytes], str]:
    """Start `playbook serve` on `repo` at a free port, as a user runs it (its messages to
    `log`: a file, never a pipe, which would stall it once full); give it and its address."""
    port = free_port()
    exe = shutil.which("playbook")
    command = [exe] if exe else [sys.executable, "-m", "generator"]
    process = subprocess.Popen(
        [*command, "--root", str(repo), "serve", "--dev-addr", f"127.0.0.1:{port}"],
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        stdout=subprocess.DEVNULL,
        stderr=log,
    )
    return process, f"http://127.0.0.1:{port}/"


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextlib.contextmanager
def serve_folder(folder: Path) -> Iterator[str]:
    """Serve a built site over HTTP on a free port while the block runs; give its address."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
