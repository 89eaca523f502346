"""Find entity files under `playbook/<kind>/`, refusing what must not be read."""

from __future__ import annotations

import os
import stat
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from generator.model import Issue, KindSpec, Severity, SourceRef

RULES = frozenset({
    "file-too-large", "file-extension", "file-symlink", "file-unreadable", "too-many-files",
    "file-type", "playbook-too-large",
})  # fmt: skip
"""The rules of the errors discovery reports: each keeps a file (or all of them) from loading."""
WARNING_RULES = frozenset({"unknown-folder", "nested-folder", "file-hidden"})
"""The rules of its warnings: files it leaves alone, which may be mistakes."""
MAX_FILE_BYTES = 1_000_000
"""A playbook page is a few kilobytes; a megabyte is a mistake or an attack."""
MAX_FILES = 50_000
MAX_TOTAL_BYTES = 100_000_000
"""All entry files together: fifty times the size of a large real playbook."""


@dataclass(frozen=True, slots=True)
class Candidate:
    """A file that should hold one entity."""

    kind: str
    path: Path
    rel: str
    """Path relative to the repository root, with forward slashes."""
    stem: str
    form: str
    """`yml` or `md`."""


@dataclass(frozen=True, slots=True)
class Refusal:
    """Why a path under `playbook/` is not read as an entry."""

    path: Path
    rule: str
    message: str
    hint: str
    severity: Severity = Severity.ERROR


def discover(
    content_root: Path, repo_root: Path, kinds: Mapping[str, KindSpec]
) -> tuple[list[Candidate], list[Issue]]:
    """Give the entity files in a stable order, and problems with the tree itself."""
    candidates: list[Candidate] = []
    refusals: list[Refusal] = []
    total_bytes = 0
    real_root = content_root.resolve()
    folders = sorted(content_root.iterdir()) if content_root.is_dir() else []
    for folder in folders:
        spec, items = _kind_folder(folder, kinds, refusals)
        if spec is None:
            continue
        folder_rel = _rel(folder, repo_root)  # once per folder: relative_to per file costs 0.1 s
        for item in items:
            found = _entry(item, spec, real_root)
            if isinstance(found, Refusal):
                refusals.append(found)
                continue
            if found is None:
                continue
            stem, ext, size = found
            total_bytes += size
            if total_bytes > MAX_TOTAL_BYTES:
                refusals.append(_too_much(content_root))
                return candidates, _issues(refusals, repo_root)
            path = Path(item.path)
            candidates.append(Candidate(spec.name, path, f"{folder_rel}/{item.name}", stem, ext))
            if len(candidates) > MAX_FILES:
                refusals.append(_too_many(content_root))
                return candidates[:MAX_FILES], _issues(refusals, repo_root)
    return candidates, _issues(refusals, repo_root)


def _kind_folder(
    folder: Path, kinds: Mapping[str, KindSpec], refusals: list[Refusal]
) -> tuple[KindSpec | None, list[os.DirEntry[str]]]:
    """Give a kind folder's spec and its entries by name, or no spec if it is not read."""
    if folder.name.startswith(".") or folder.is_file():
        return None, []  # README.md and dotfiles beside the kind folders are not entities
    if folder.name not in kinds:
        hint = "use one of: " + ", ".join(kinds)
        message = f"'{folder.name}' is not a kind of entry"
        refusals.append(Refusal(folder, "unknown-folder", message, hint, Severity.WARNING))
        return None, []
    if folder.is_symlink():
        message = "kind folders must not be symbolic links"
        refusals.append(Refusal(folder, "file-symlink", message, "make it a real folder"))
        return None, []
    try:  # scandir knows each entry's type without a stat call per file
        items = sorted(os.scandir(folder), key=lambda item: item.name)
    except OSError as error:  # not a folder after all (a pipe...), or not readable
        message = f"cannot read the folder: {error.strerror}"
        hint = f"make playbook/{folder.name} a folder you can read"
        refusals.append(Refusal(folder, "file-unreadable", message, hint))
        return None, []
    return kinds[folder.name], items


def _entry(
    item: os.DirEntry[str], spec: KindSpec, real_root: Path
) -> tuple[str, str, int] | Refusal | None:
    """Give (id, form, size) of an entry file, why it is refused, or None for other files."""
    name, path = item.name, Path(item.path)
    if name.startswith("."):
        if name.rpartition(".")[2] not in (*spec.forms, "yaml", "markdown"):
            return None  # other dotfiles (.gitkeep, editor swap files) are not entries
        message = f"'{name}' is hidden (its name starts with a dot), so it is not read"
        hint = f"to publish it, rename it to an id such as {_visible(name)}"
        return Refusal(path, "file-hidden", message, hint, Severity.WARNING)
    try:
        is_dir = item.is_dir()
    except OSError:  # a symbolic link that loops
        return Refusal(path, "file-symlink", _LOOP, "replace the link with the file itself")
    if is_dir:
        message = "entries sit directly in their kind folder; this folder is not read"
        hint = f"move its files up into playbook/{spec.name}/"
        return Refusal(path, "nested-folder", message, hint, Severity.WARNING)
    stem, dot, ext = name.rpartition(".")
    if not dot or ext not in spec.forms:
        message = f"'{name}' is not read as an entry"
        return Refusal(path, "file-extension", message, _extension_hint(stem, ext, spec))
    if item.is_symlink() and not _inside(_resolved(path), real_root):
        message = "a symbolic link that leads outside playbook/ is not read"
        return Refusal(path, "file-symlink", message, "replace the link with the file itself")
    size = _regular_size(item)
    if isinstance(size, str):
        return Refusal(path, "file-type", size, "replace it with an ordinary text file")
    if size > MAX_FILE_BYTES:  # refused before reading: the file may be huge
        message = f"the file is {size:,} bytes; the limit is {MAX_FILE_BYTES:,}"
        return Refusal(path, "file-too-large", message, "split it into several entries")
    return stem, ext, size


def _extension_hint(stem: str, ext: str, spec: KindSpec) -> str:
    usual = {"yaml": "yml", "markdown": "md"}.get(ext)
    if usual in spec.forms:
        return f"rename it to {stem}.{usual}"
    return f"{spec.plural} are " + " or ".join(f".{f}" for f in spec.forms) + " files"


def _too_much(content_root: Path) -> Refusal:
    message = f"the entry files add up to more than {MAX_TOTAL_BYTES:,} bytes"
    hint = "split the playbook; this much text is not a playbook"
    return Refusal(content_root, "playbook-too-large", message, hint)


def _too_many(content_root: Path) -> Refusal:
    message = f"more than {MAX_FILES} entry files"
    hint = "split the playbook; this many files is not a playbook"
    return Refusal(content_root, "too-many-files", message, hint)


def _rel(path: Path, repo_root: Path) -> str:
    try:
        return path.relative_to(repo_root).as_posix()
    except ValueError:
        return path.as_posix()


def _issues(refusals: list[Refusal], repo_root: Path) -> list[Issue]:
    return [
        Issue(SourceRef(_rel(r.path, repo_root)), r.severity, r.rule, r.message, r.hint)
        for r in refusals
    ]


def _regular_size(item: os.DirEntry[str]) -> int | str:
    """Give the size of a regular file, or why it is not one (a pipe would block reading).

    The scandir entry's stat: one system call, links followed (those inside playbook/ are read).
    """
    try:
        status = item.stat()
    except OSError as error:
        return f"cannot read the file: {error.strerror}"
    if not stat.S_ISREG(status.st_mode):
        return "not an ordinary file (a pipe, device or socket), so it is not read"
    return status.st_size


def _visible(name: str) -> str:
    """Give a name without the leading dots, for the hint: `.draft.yml` -> `draft.yml`."""
    stem, _, ext = name.lstrip(".").rpartition(".")
    return f"{stem or 'new-entry'}.{ext}"


_LOOP = "a symbolic link that loops is not read"


def _resolved(path: Path) -> Path | None:
    """Give where a link leads, or None when it loops (Python 3.11 raises RuntimeError)."""
    try:
        return path.resolve()
    except (OSError, RuntimeError):
        return None


def _inside(path: Path | None, root: Path) -> bool:
    if path is None:
        return False
    try:
        path.relative_to(root)
    except ValueError:
        return False
    return True
