"""Run Pagefind's indexer on pages we give it, and write its search bundle deterministically.

Pagefind's binary speaks a small protocol on stdin/stdout (`pagefind --service`: base64 JSON
messages, each ended by a comma). We talk to it directly rather than through the `pagefind`
Python package, whose reader sleeps a tenth of a second before each reply: ten thousand pages
would take seventeen minutes; here they take a second.
"""

from __future__ import annotations

import base64
import contextlib
import gzip
import hashlib
import json
import os
import subprocess
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from generator.errors import BuildError, ConfigError
from generator.site.write import cannot_write

SIGNATURE = b"pagefind_dcd"
"""What every index file starts with once un-gzipped."""


@dataclass(frozen=True, slots=True)
class IndexedPage:
    """One page for the index: its address on the site and an HTML document to read it from."""

    url: str
    html: str


BINARY_VARIABLE = "PLAYBOOK_PAGEFIND"
"""Names another Pagefind executable: a release newer than the Python package index has (npm's
`@pagefind/linux-x64` 1.6 ranks common words five times faster at 10,000 pages), or a mirror's."""


def pagefind_binary() -> Path:
    """Give the Pagefind executable: the one `PLAYBOOK_PAGEFIND` names, else the one that the
    `pagefind-bin` package ships."""
    named = os.environ.get(BINARY_VARIABLE)
    if named:
        path = Path(named)
        if not (path.is_file() and os.access(path, os.X_OK)):
            raise ConfigError(
                f"{BINARY_VARIABLE} is {named!r}, which is not an executable file; "
                f"name Pagefind's executable, or unset {BINARY_VARIABLE} to use pagefind-bin's"
            )
        return path
    try:
        from pagefind_bin import get_executable

        return Path(get_executable())
    except (ImportError, FileNotFoundError) as error:
        raise BuildError(
            f"cannot build the search index: Pagefind is not installed ({error}); "
            "install it with: pip install 'pagefind-bin>=1.5'"
        ) from None


class _Service:
    """One `pagefind --service` process: a request, then its answer, one at a time."""

    def __init__(self, binary: Path) -> None:
        try:
            self.process = subprocess.Popen(
                [str(binary), "--service"],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
            )
        except OSError as error:  # not a program this machine can run
            raise BuildError(f"cannot start the search indexer {binary}: {error}") from None
        self.sent = 0
        self.pending = b""

    def ask(self, payload: dict[str, Any]) -> dict[str, Any]:
        assert self.process.stdin is not None and self.process.stdout is not None
        self.sent += 1
        message = json.dumps({"message_id": self.sent, "payload": payload}).encode()
        try:
            self.process.stdin.write(base64.b64encode(message) + b",")
            self.process.stdin.flush()
            # The bundle's files come as one reply of megabytes: gather the pieces, and look for
            # the end only in the newest.
            pieces = [self.pending]
            while b"," not in pieces[-1]:
                chunk = os.read(self.process.stdout.fileno(), 1 << 20)
                if not chunk:
                    raise BuildError("the search indexer (Pagefind) stopped unexpectedly")
                pieces.append(chunk)
        except BrokenPipeError:
            raise BuildError("the search indexer (Pagefind) stopped unexpectedly") from None
        reply, self.pending = b"".join(pieces).split(b",", 1)
        answer: dict[str, Any] = json.loads(base64.b64decode(reply))["payload"]
        if answer.get("type") == "Error":
            raise BuildError(f"the search indexer (Pagefind) refused: {answer.get('message')}")
        return answer

    def close(self) -> None:
        if self.process.stdin is not None:
            with contextlib.suppress(BrokenPipeError):  # it stopped: nothing more to hear
                self.process.stdin.close()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        if self.process.stdout is not None:
            self.process.stdout.close()


def write_pagefind_bundle(pages: Iterable[IndexedPage], out: Path, language: str = "en") -> int:
    """Index `pages` in the order given and write Pagefind's bundle into `out`; give the count.

    The indexer hands its files over (`GetFiles`) and we write them: after its own
    `WriteFiles` had answered, a build under load read the entry file empty."""
    service = _Service(pagefind_binary())
    try:
        config = {"force_language": language, "write_playground": False}
        index = service.ask({"type": "NewIndex", "config": config})["index_id"]
        count = 0
        for page in pages:
            service.ask(
                {"type": "AddFile", "index_id": index, "url": page.url, "file_contents": page.html}
            )
            count += 1
        files = service.ask({"type": "GetFiles", "index_id": index})["files"]
    finally:
        service.close()
    try:
        _write_files(files, out, language)
        make_deterministic(out)
    except OSError as error:  # a full disk, a folder removed meanwhile...
        raise cannot_write(error, out) from error
    return count


def _write_files(files: Iterable[dict[str, Any]], out: Path, language: str) -> None:
    """Write the files of the bundle the site's search loads, as the indexer handed them over."""
    for file in files:
        relative = PurePosixPath(file["path"])
        if relative.is_absolute() or ".." in relative.parts:
            raise BuildError(
                f"the search indexer (Pagefind) named a file outside its folder: {relative}"
            )
        if published(relative, language):
            target = out.joinpath(*relative.parts)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(base64.b64decode(file["content"]))


def published(relative: PurePosixPath, language: str) -> bool:
    """Tell whether a file of Pagefind's bundle is one the site's search loads
    (assets/javascripts/playbook-search.js, which runs Pagefind in its worker): not Pagefind's
    own user interfaces or another language's wasm."""
    if len(relative.parts) > 1:
        return relative.parts[0] in ("filter", "fragment", "index")
    kept = {"pagefind.js", "pagefind-worker.js", "pagefind-entry.json", f"wasm.{language}.pagefind"}
    return relative.name in kept or relative.suffix == ".pf_meta"


# --- the same bundle for the same pages -----------------------------------------------------
#
# Pagefind writes each filter's values in hash-map order, which changes from run to run, and
# names the filter files (and the meta file that lists them) by their content's hash. We sort
# the values, write the files again and rename them by the new content: same pages, same bytes.


def make_deterministic(out: Path) -> None:
    """Rewrite the filter files and the meta file of a Pagefind bundle in a stable order."""
    entry_path = out / "pagefind-entry.json"
    entry = json.loads(entry_path.read_text("utf-8"))
    for language, about in sorted(entry["languages"].items()):
        old_meta = out / f"pagefind.{about['hash']}.pf_meta"
        meta = _read(old_meta)
        renamed: dict[str, str] = {}
        for _, old_hash in meta[3]:
            old_file = out / "filter" / f"{old_hash}.pf_filter"
            filter_name, values = _read(old_file)
            data = _encode([filter_name, sorted(values, key=lambda pair: pair[0])])
            renamed[old_hash] = _write(out / "filter", language, 7, data, ".pf_filter")
            old_file.unlink()
        meta[3] = sorted([name, renamed[old]] for name, old in meta[3])
        about["hash"] = _write(out, language, 10, _encode(meta), ".pf_meta", prefix="pagefind.")
        old_meta.unlink()
    entry_path.write_text(json.dumps(entry, ensure_ascii=False, separators=(",", ":")), "utf-8")


def _read(path: Path) -> Any:
    data = gzip.decompress(path.read_bytes())
    if not data.startswith(SIGNATURE):
        raise BuildError(f"{path}: not a Pagefind index file")
    value, end = _decode(data, len(SIGNATURE))
    if end != len(data):
        raise BuildError(f"{path}: unexpected data after the index")
    return value


def _write(
    folder: Path, language: str, digits: int, data: bytes, suffix: str, prefix: str = ""
) -> str:
    """Write `data` as an index file named by its hash; give the name's hash part."""
    name = f"{language}_{hashlib.sha256(data).hexdigest()[:digits]}"
    packed = gzip.compress(SIGNATURE + data, compresslevel=9, mtime=0)
    (folder / f"{prefix}{name}{suffix}").write_bytes(packed)
    return name


# A CBOR reader and writer for what Pagefind's index files hold: integers, text, byte strings,
# arrays and maps, in definite lengths.


def _decode(data: bytes, at: int) -> tuple[Any, int]:
    head = data[at]
    major, info = head >> 5, head & 31
    at += 1
    if info < 24:
        argument = info
    elif info <= 27:
        size = 1 << (info - 24)
        argument = int.from_bytes(data[at : at + size], "big")
        at += size
    else:
        raise BuildError(f"unexpected CBOR item {head:#x} in the search index")
    if major == 0:
        return argument, at
    if major == 1:
        return -1 - argument, at
    if major == 2:
        return data[at : at + argument], at + argument
    if major == 3:
        return data[at : at + argument].decode("utf-8"), at + argument
    if major in (4, 5):
        items = []
        for _ in range(argument * (2 if major == 5 else 1)):
            item, at = _decode(data, at)
            items.append(item)
        if major == 5:
            return dict(zip(items[::2], items[1::2], strict=True)), at
        return items, at
    raise BuildError(f"unexpected CBOR item {head:#x} in the search index")


def _head(major: int, argument: int) -> bytes:
    if argument < 24:
        return bytes([major << 5 | argument])
    for info, size in ((24, 1), (25, 2), (26, 4), (27, 8)):
        if argument < 1 << (8 * size):
            return bytes([major << 5 | info]) + argument.to_bytes(size, "big")
    raise BuildError("a number in the search index is too large")


def _encode(value: Any) -> bytes:
    if isinstance(value, bool):
        raise BuildError("unexpected boolean in the search index")
    if isinstance(value, int):
        return _head(0, value) if value >= 0 else _head(1, -1 - value)
    if isinstance(value, str):
        raw = value.encode("utf-8")
        return _head(3, len(raw)) + raw
    if isinstance(value, bytes):
        return _head(2, len(value)) + value
    if isinstance(value, list):
        return _head(4, len(value)) + b"".join(_encode(item) for item in value)
    if isinstance(value, dict):
        return _head(5, len(value)) + b"".join(_encode(k) + _encode(v) for k, v in value.items())
    raise BuildError(f"unexpected {type(value).__name__} in the search index")
