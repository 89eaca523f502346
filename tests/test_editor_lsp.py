"""Editor = CI: the real YAML language server, driven over LSP as an editor drives it, reads
the shipped schemas through each file's modeline and agrees with `playbook validate`.

The server comes from npm (`tests/editor/package.json`), installed by `.ci/run`.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path
from queue import Empty, Queue
from typing import Any

import pytest

from tests.conftest import ROOT, run_playbook

SERVER = ROOT / "tests" / "editor" / "node_modules" / ".bin" / "yaml-language-server"
TIMEOUT = 30.0


class LanguageServer:
    """A JSON-RPC client over the server's stdio: requests, notifications, and what it sends."""

    def __init__(self, root: Path) -> None:
        self.process = subprocess.Popen(
            [str(SERVER), "--stdio"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            cwd=root,
        )
        self.inbox: Queue[dict[str, Any]] = Queue()
        self.next_id = 0
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        stream = self.process.stdout
        assert stream is not None
        while True:
            length = 0
            while (line := stream.readline()) not in (b"\r\n", b""):
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":")[1])
            if not line:
                return
            self.inbox.put(json.loads(stream.read(length)))

    def send(self, message: dict[str, Any]) -> None:
        body = json.dumps({"jsonrpc": "2.0", **message}).encode()
        stdin = self.process.stdin
        assert stdin is not None
        stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        stdin.flush()

    def request(self, method: str, params: dict[str, Any]) -> Any:
        self.next_id += 1
        self.send({"id": self.next_id, "method": method, "params": params})
        reply = self.wait(lambda m: m.get("id") == self.next_id and "method" not in m)
        return reply.get("result")

    def wait(self, wanted: Any) -> dict[str, Any]:
        """Give the next message `wanted` accepts, answering the server's own requests."""
        while True:
            try:
                message = self.inbox.get(timeout=TIMEOUT)
            except Empty:
                pytest.fail("the language server did not answer in time")
            if "method" in message and "id" in message:  # e.g. workspace/configuration
                items = message.get("params", {}).get("items", [])
                self.send({"id": message["id"], "result": [SETTINGS["yaml"]] * len(items)})
                continue
            if wanted(message):
                return message

    def close(self) -> None:
        self.process.kill()
        self.process.wait()
        self.reader.join(timeout=TIMEOUT)  # it stops at the end of the server's output
        for stream in (self.process.stdin, self.process.stdout):
            if stream is not None:
                stream.close()


SETTINGS: dict[str, Any] = {
    "yaml": {"validate": True, "hover": True, "completion": True, "schemaStore": {"enable": False}}
}


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("editor")
    for folder in ("schemas", "playbook"):
        shutil.copytree(ROOT / folder, base / folder)
    return base


@pytest.fixture(scope="module")
def server(repo: Path) -> Iterator[LanguageServer]:
    if not SERVER.is_file():
        if os.environ.get("CI") == "true":
            pytest.fail(
                "yaml-language-server is not installed (CI=true: npm ci --prefix tests/editor)"
            )
        pytest.skip("yaml-language-server is not installed: npm ci --prefix tests/editor")
    client = LanguageServer(repo)
    client.request(
        "initialize",
        {
            "processId": os.getpid(),
            "rootUri": repo.as_uri(),
            "capabilities": {"workspace": {"configuration": True}},
            "workspaceFolders": [{"uri": repo.as_uri(), "name": "repo"}],
        },
    )
    client.send({"method": "initialized", "params": {}})
    client.send({"method": "workspace/didChangeConfiguration", "params": {"settings": SETTINGS}})
    yield client
    client.close()


def open_file(server: LanguageServer, path: Path) -> list[dict[str, Any]]:
    """Open a file as an editor does; give the diagnostics the server publishes for it."""
    uri = path.as_uri()
    text = path.read_text(encoding="utf-8")
    server.send(
        {
            "method": "textDocument/didOpen",
            "params": {
                "textDocument": {"uri": uri, "languageId": "yaml", "version": 1, "text": text}
            },
        }
    )
    message = server.wait(
        lambda m: m.get("method") == "textDocument/publishDiagnostics" and m["params"]["uri"] == uri
    )
    diagnostics: list[dict[str, Any]] = message["params"]["diagnostics"]
    return diagnostics


def close_file(server: LanguageServer, path: Path) -> None:
    server.send(
        {"method": "textDocument/didClose", "params": {"textDocument": {"uri": path.as_uri()}}}
    )


def editor_error_lines(diagnostics: list[dict[str, Any]]) -> set[int]:
    """Give the 1-based lines the editor marks as errors (severity 1)."""
    return {d["range"]["start"]["line"] + 1 for d in diagnostics if d.get("severity") == 1}


def ci_error_lines(repo: Path, rel: str) -> set[int]:
    result = run_playbook("validate", "--format", "json", cwd=repo)
    assert result.returncode in (0, 1), result.stderr
    return {
        d["line"]
        for d in json.loads(result.stdout)["diagnostics"]
        if d["file"] == rel and d["severity"] == "error"
    }


OWNERS = json.dumps(["@example-org/product-ops"])


def term(title: str, definition: str, more: str = "") -> str:
    """A glossary entry as a contributor writes it, with its modeline."""
    return (
        "# yaml-language-server: $schema=../../schemas/glossary.schema.json\n"
        f"title: {title}\nsummary: A term.\nowners: {OWNERS}\ndefinition: {definition}\n{more}"
    )


def tool(category: str, used_for: str) -> str:
    """A tool entry as a contributor writes it, with its modeline."""
    return (
        "# yaml-language-server: $schema=../../schemas/tools.schema.json\n"
        f"title: Wiki\nsummary: Notes.\nowners: {OWNERS}\ncategory: {category}\n"
        f"used_for: {used_for}\n"
    )


ENTRIES = {  # name: (kind, text, whether it has an error)
    "a number as a title": ("glossary", term("1.10", "Words."), True),
    "a number as a definition": ("glossary", term("T", "2024"), True),
    "a quoted number is text": ("glossary", term('"1.10"', '"2024"'), False),
    "yes and dates are text in YAML 1.2": ("glossary", term("yes", "2024-01-02"), False),
    "an unknown field": ("glossary", term("T", "Words.", "colour: red\n"), True),
    "a value not in the list": ("tools", tool("documentaton", "[Notes]"), True),
    "a number in a list of text": ("tools", tool("documentation", "[Notes, 3]"), True),
}


@pytest.mark.parametrize("name", list(ENTRIES))
def test_editor_and_ci_mark_the_same_lines(server: LanguageServer, repo: Path, name: str) -> None:
    kind, text, has_error = ENTRIES[name]
    rel = f"playbook/{kind}/editor-check-{list(ENTRIES).index(name)}.yml"
    path = repo / rel
    path.write_text(text, encoding="utf-8")
    try:
        editor = editor_error_lines(open_file(server, path))
        close_file(server, path)
        ci = ci_error_lines(repo, rel)
    finally:
        path.unlink()
    assert editor == ci, f"editor marks lines {sorted(editor)}, CI lines {sorted(ci)}"
    assert bool(ci) is has_error


def test_bundled_entries_are_clean_in_the_editor(server: LanguageServer, repo: Path) -> None:
    paths = sorted((repo / "playbook").glob("*/*.yml"))
    assert paths
    for path in paths[::7]:  # a spread over every kind, kept short
        assert editor_error_lines(open_file(server, path)) == set(), path
        close_file(server, path)


def test_hover_shows_the_schema_description(server: LanguageServer, repo: Path) -> None:
    path = next(iter(sorted((repo / "playbook/glossary").glob("*.yml"))))
    open_file(server, path)
    line = next(
        i
        for i, text in enumerate(path.read_text(encoding="utf-8").splitlines())
        if text.startswith("summary:")
    )
    hover = server.request(
        "textDocument/hover",
        {"textDocument": {"uri": path.as_uri()}, "position": {"line": line, "character": 2}},
    )
    schema = json.loads((repo / "schemas/common.schema.json").read_text(encoding="utf-8"))
    description = schema["$defs"]["summary"]["description"]
    assert hover is not None and description[:40] in json.dumps(hover["contents"])


def test_completion_offers_the_kinds_fields(server: LanguageServer, repo: Path) -> None:
    path = next(iter(sorted((repo / "playbook/glossary").glob("*.yml"))))
    text = path.read_text(encoding="utf-8") + "\n"
    path.write_text(text, encoding="utf-8")
    try:
        open_file(server, path)
        line = len(text.splitlines())
        result = server.request(
            "textDocument/completion",
            {"textDocument": {"uri": path.as_uri()}, "position": {"line": line, "character": 0}},
        )
    finally:
        path.write_text(text[:-1], encoding="utf-8")
    items = result["items"] if isinstance(result, dict) else result
    labels = {item["label"] for item in items}
    schema = json.loads((repo / "schemas/glossary.schema.json").read_text(encoding="utf-8"))
    optional = set(schema["properties"]) - set(yaml_keys(text))
    assert optional and optional <= labels, sorted(optional - labels)


def yaml_keys(text: str) -> list[str]:
    return [line.split(":")[0] for line in text.splitlines() if line[:1].isalpha()]
