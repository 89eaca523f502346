"""Find entity files under `playbook/<kind>/`, refusing what must not be read."""

from __future__ import annotations

import os
import stat
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from generator.model import Issue, KindSpec, Severity, SourceRef

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


def discover(
    content_root: Path, repo_root: Path, kinds: Mapping[str, KindSpec]
) -> tuple[list[Candidate], list[Issue]]:
    """Give the entity files in a stable order, and problems with the tree itself."""
    candidates: list[Candidate] = []
    issues: list[Issue] = []
    total_bytes = 0
    real_root = content_root.resolve()

    def rel(path: Path) -> str:
        try:
            return path.relative_to(repo_root).as_posix()
        except ValueError:
            return path.as_posix()

    def report(
        path: Path, rule: str, message: str, hint: str, severity: Severity = Severity.ERROR
    ) -> None:
        issues.append(Issue(SourceRef(rel(path)), severity, rule, message, hint))

    if not content_root.is_dir():
        return candidates, issues
    for entry in sorted(content_root.iterdir()):
        if entry.name.startswith(".") or entry.is_file():
            continue  # README.md and dotfiles beside the kind folders are not entities
        if entry.name not in kinds:
            report(
                entry,
                "unknown-folder",
                f"'{entry.name}' is not a kind of entry",
                "use one of: " + ", ".join(kinds),
                Severity.WARNING,
            )
            continue
        if entry.is_symlink():
            report(
                entry,
                "file-symlink",
                "kind folders must not be symbolic links",
                "make it a real folder",
            )
            continue
        spec = kinds[entry.name]
        folder_rel = rel(entry)  # once per folder: relative_to per file costs 0.1 s at 10k
        try:  # scandir knows each entry's type without a stat call per file
            items = sorted(os.scandir(entry), key=lambda item: item.name)
        except OSError as error:  # not a folder after all (a pipe...), or not readable
            report(
                entry,
                "file-unreadable",
                f"cannot read the folder: {error.strerror}",
                f"make playbook/{entry.name} a folder you can read",
            )
            continue
        for item in items:
            name, path = item.name, Path(item.path)
            if name.startswith("."):
                if name.rpartition(".")[2] in (*spec.forms, "yaml", "markdown"):
                    report(
                        path,
                        "file-hidden",
                        f"'{name}' is hidden (its name starts with a dot), so it is not read",
                        f"to publish it, rename it to an id such as {_visible(name)}",
                        Severity.WARNING,
                    )
                continue  # other dotfiles (.gitkeep, editor swap files) are not entries
            try:
                is_dir = item.is_dir()
            except OSError:  # a symbolic link that loops
                report(path, "file-symlink", _LOOP, "replace the link with the file itself")
                continue
            if is_dir:
                report(
                    path,
                    "nested-folder",
                    "entries sit directly in their kind folder; this folder is not read",
                    f"move its files up into playbook/{spec.name}/",
                    Severity.WARNING,
                )
                continue
            stem, dot, ext = name.rpartition(".")
            if not dot or ext not in spec.forms:
                if ext in ("yaml", "markdown") and ("yml" if ext == "yaml" else "md") in spec.forms:
                    hint = f"rename it to {stem}.{'yml' if ext == 'yaml' else 'md'}"
                else:
                    hint = (
                        f"{spec.plural} are " + " or ".join(f".{f}" for f in spec.forms) + " files"
                    )
                report(path, "file-extension", f"'{name}' is not read as an entry", hint)
                continue
            if item.is_symlink() and not _inside(_resolved(path), real_root):
                report(
                    path,
                    "file-symlink",
                    "a symbolic link that leads outside playbook/ is not read",
                    "replace the link with the file itself",
                )
                continue
            size = _regular_size(item)
            if isinstance(size, str):
                report(path, "file-type", size, "replace it with an ordinary text file")
                continue
            if size > MAX_FILE_BYTES:  # refused before reading: the file may be huge
                report(
                    path,
                    "file-too-large",
                    f"the file is {size:,} bytes; the limit is {MAX_FILE_BYTES:,}",
                    "split it into several entries",
                )
                continue
            total_bytes += size
            if total_bytes > MAX_TOTAL_BYTES:
                report(
                    content_root,
                    "playbook-too-large",
                    f"the entry files add up to more than {MAX_TOTAL_BYTES:,} bytes",
                    "split the playbook; this much text is not a playbook",
                )
                return candidates, issues
            candidates.append(Candidate(spec.name, path, f"{folder_rel}/{name}", stem, ext))
            if len(candidates) > MAX_FILES:
                report(
                    content_root,
                    "too-many-files",
                    f"more than {MAX_FILES} entry files",
                    "split the playbook; this many files is not a playbook",
                )
                return candidates[:MAX_FILES], issues
    return candidates, issues


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
