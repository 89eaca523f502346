"""The one writer: put a generated tree in place atomically, or leave the previous one untouched."""

from __future__ import annotations

import os
import posixpath
import shutil
from collections.abc import Iterable, Mapping
from pathlib import Path

from generator.errors import BuildError, ConfigError

MARKER = ".playbook-generated"
"""Left in every folder this writer fills, so it only ever replaces folders it made."""


def check_paths(files: Iterable[str]) -> None:
    """Refuse paths that leave the tree, are not normalised, or name one file twice (any case)."""
    seen: dict[str, str] = {}
    for path in files:
        parts = path.split("/")
        if (
            not path
            or path.startswith("/")
            or "\\" in path
            or "\0" in path
            or posixpath.normpath(path) != path
            or ".." in parts
            or path == MARKER
        ):
            raise BuildError(
                f"refusing to write {path!r}: not a plain path inside the output folder"
            )
        folded = path.casefold()
        if folded in seen:
            raise BuildError(f"refusing to write {path!r} twice (also given as {seen[folded]!r})")
        seen[folded] = path
    folders = {
        "/".join(parts[:depth])
        for parts in (path.split("/") for path in seen.values())
        for depth in range(1, len(parts))
    }
    for path in seen.values():
        if path in folders:
            raise BuildError(f"refusing to write {path!r}: it is both a file and a folder")


def check_target(out: Path, root: Path, protected: Iterable[Path]) -> Path:
    """Give the resolved output folder; refuse one that would replace sources or foreign files."""
    target = out.resolve()
    for guarded in (root.resolve(), *(p.resolve() for p in protected)):
        if target == guarded or guarded.is_relative_to(target):
            raise ConfigError(f"refusing to write into {out}: it would replace {guarded}")
    for guarded in protected:
        if target.is_relative_to(guarded.resolve()):
            raise ConfigError(f"refusing to write into {out}: it is inside {guarded}")
    if target.exists() and not target.is_dir():
        raise ConfigError(f"refusing to write into {out}: it is a file")
    if target.is_dir() and any(target.iterdir()) and not _made_by_a_build(target):
        raise ConfigError(
            f"refusing to replace {out}: it was not made by playbook (no {MARKER} in it); "
            "remove it or choose another --out"
        )
    return target


def _made_by_a_build(folder: Path) -> bool:
    # Ours carry the marker; a site built by plain `mkdocs build` has a sitemap and is fair game.
    return (folder / MARKER).is_file() or (folder / "sitemap.xml").is_file()


def same_tree(files: Mapping[str, str], folder: Path) -> bool:
    """Tell whether `folder` already holds exactly these files with these contents."""
    if not (folder / MARKER).is_file():
        return False
    present = {
        p.relative_to(folder).as_posix()
        for p in folder.rglob("*")
        if p.is_file() and p.name != MARKER
    }
    if present != set(files):
        return False
    return all((folder / path).read_bytes() == text.encode("utf-8") for path, text in files.items())


def write_tree(files: Mapping[str, str], out: Path, root: Path, protected: Iterable[Path]) -> bool:
    """Write the tree into `out` atomically; give False when `out` already held exactly it.

    The files go into a temporary sibling that is then swapped in, so readers (and a failed
    run) only ever see the old tree or the new one. An identical tree is left alone, so a
    watching server does not rebuild for nothing.
    """
    check_paths(files)
    target = check_target(out, root, protected)
    if same_tree(files, target):
        return False
    staging = staging_folder(target)
    try:
        for path in sorted(files):
            destination = staging / path
            destination.parent.mkdir(parents=True, exist_ok=True)
            destination.write_bytes(files[path].encode("utf-8"))
    except BaseException as error:
        shutil.rmtree(staging, ignore_errors=True)
        if isinstance(error, OSError):
            raise cannot_write(error, target) from error
        raise
    swap_in(staging, target)
    return True


def cannot_write(error: OSError, where: Path) -> BuildError:
    """Give the located error for a folder or file that could not be written (disk full...)."""
    return BuildError(f"cannot write {error.filename or where}: {error.strerror or error}")


def swap_in(staging: Path, target: Path) -> None:
    """Mark the finished sibling `staging` as ours and put it in place of `target`.

    On failure the old `target` stays.
    """
    try:
        _swap(staging, target)
    except OSError as error:
        raise cannot_write(error, target) from error


def _swap(staging: Path, target: Path) -> None:
    (staging / MARKER).touch()
    if not target.exists():
        os.rename(staging, target)
        return
    retired = _sibling(target, "old", create=False)
    os.rename(target, retired)
    try:
        os.rename(staging, target)
    except BaseException:
        os.rename(retired, target)
        shutil.rmtree(staging, ignore_errors=True)
        raise
    shutil.rmtree(retired, ignore_errors=True)


def staging_folder(target: Path) -> Path:
    """Give a fresh, empty temporary sibling of `target` for something else to fill."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        return _sibling(target, "new")
    except OSError as error:
        raise cannot_write(error, target) from error


def _sibling(target: Path, purpose: str, *, create: bool = True) -> Path:
    # A sibling is on the same file system, so the final rename is atomic; the pid keeps two
    # concurrent runs apart, and a dot keeps engines from reading it as content.
    folder = target.parent / f".{target.name}.{purpose}-{os.getpid()}"
    shutil.rmtree(folder, ignore_errors=True)
    if create:
        folder.mkdir()
    return folder
