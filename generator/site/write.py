"""The one writer: put a generated tree in place atomically, or leave the previous one untouched.

Every folder it fills carries its marker file from the moment it is made. While a run fills or
retires a folder it holds a lock on that folder's marker, so a sibling left behind by a run that
was killed (`.site.new-*`, `.site.old-*`) is told from one still in use: it is ours (the marker)
and nobody holds it (the lock is free). The next run removes those, and only those.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import posixpath
import re
import shutil
import stat
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from generator.errors import BuildError, ConfigError

MARKER = ".playbook-generated"
"""Left in every folder this writer fills, so it only ever replaces folders it made."""
_HELD: dict[Path, int] = {}
"""Folder -> open descriptor of its marker, locked while this run works on the folder."""


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
    # Only the marker proves it: a sitemap.xml, an index.html or anything else a site holds can
    # be a user's own files, which must never be replaced.
    return _marker_status(folder) is not None


@dataclass(frozen=True, slots=True)
class Written:
    """What writing a tree changed."""

    changed: frozenset[str]
    """The paths added, changed or gone; none when the tree was left alone."""
    same_paths: bool
    """No path came or went: only contents changed (unknown, so false, in a folder not ours)."""


def compare_tree(files: Mapping[str, str], folder: Path) -> Written:
    """Give how `folder` differs from these files. Every path counts as changed in a folder
    that is not ours (no marker)."""
    if _marker_status(folder) is None:
        return Written(frozenset(files), same_paths=False)
    present = {
        p.relative_to(folder).as_posix()
        for p in folder.rglob("*")
        if p.is_file() and p.name != MARKER
    }
    changed = {path for path in files if path not in present or not _holds(folder / path, files[path])}
    return Written(frozenset(changed | (present - set(files))), present == set(files))


def _holds(path: Path, text: str) -> bool:
    try:
        return stat.S_ISREG(path.lstat().st_mode) and path.read_bytes() == text.encode("utf-8")
    except OSError:
        return False


def write_tree(
    files: Mapping[str, str], out: Path, root: Path, protected: Iterable[Path]
) -> Written:
    """Write the tree into `out` atomically; give what changed (nothing: left alone).

    The files go into a temporary sibling that is then swapped in, so readers (and a failed
    run) only ever see the old tree or the new one. An identical tree is left alone, so a
    watching server does not rebuild for nothing; an unchanged file is linked into the new
    tree, not written, so it keeps its modification time and the engine's dirty build skips it.
    """
    check_paths(files)
    target = check_target(out, root, protected)
    written = compare_tree(files, target)
    if not written.changed:
        return written
    staging = staging_folder(target)
    try:
        for path in sorted(files):
            destination = staging / path
            destination.parent.mkdir(parents=True, exist_ok=True)
            if path in written.changed or not _linked(target / path, destination):
                destination.write_bytes(files[path].encode("utf-8"))
    except BaseException as error:
        discard(staging)
        if isinstance(error, OSError):
            raise cannot_write(error, target) from error
        raise
    swap_in(staging, target)
    return written


def _linked(source: Path, destination: Path) -> bool:
    try:
        os.link(source, destination, follow_symlinks=False)
    except OSError:  # a file system without hard links: the file is written again
        return False
    return True


def cannot_write(error: OSError, where: Path) -> BuildError:
    """Give the located error for a folder or file that could not be written (disk full...)."""
    return BuildError(f"cannot write {error.filename or where}: {error.strerror or error}")


def swap_in(staging: Path, target: Path) -> None:
    """Put the finished sibling `staging` in place of `target`. On failure the old `target` stays."""
    try:
        _swap(staging, target)
    except OSError as error:
        raise cannot_write(error, target) from error
    finally:
        release(staging)
        release(target)


def _swap(staging: Path, target: Path) -> None:
    if not target.exists():
        os.rename(staging, target)
        return
    retired = Path(tempfile.mkdtemp(prefix=f".{target.name}.old-", dir=target.parent))
    _hold(target)  # so no other run takes it for a leftover while it is retired
    os.rename(target, retired)
    if target in _HELD:
        _HELD[retired] = _HELD.pop(target)
    try:
        os.rename(staging, target)
    except BaseException:
        os.rename(retired, target)
        if retired in _HELD:
            _HELD[target] = _HELD.pop(retired)
        discard(staging)
        raise
    discard(retired)


def staging_folder(target: Path) -> Path:
    """Give a fresh temporary sibling of `target`, marked and held, for something else to fill.

    Leftovers of killed runs beside `target` are removed first. Give it back with `swap_in` or
    `discard`.
    """
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        remove_leftovers(target)
        # A sibling is on the same file system, so the final rename is atomic; a dot keeps
        # engines from reading it as content.
        folder = Path(tempfile.mkdtemp(prefix=f".{target.name}.new-", dir=target.parent))
        os.close(os.open(folder / MARKER, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644))
        _hold(folder)
    except OSError as error:
        raise cannot_write(error, target) from error
    return folder


def discard(folder: Path) -> None:
    """Remove a staging or retired folder of this run."""
    shutil.rmtree(folder, ignore_errors=True)
    release(folder)


def release(folder: Path) -> None:
    """Let go of the lock on a folder's marker (the folder stays)."""
    descriptor = _HELD.pop(folder, None)
    if descriptor is not None:
        os.close(descriptor)


def remove_leftovers(target: Path) -> list[Path]:
    """Remove the siblings of `target` that killed runs left behind; give those removed.

    Only folders named as ours, holding our marker (no link followed), that no live run holds.
    """
    removed = []
    for folder in _leftover_names(target):
        descriptor = _lock_marker(folder)
        if descriptor is None:
            continue
        try:
            shutil.rmtree(folder, ignore_errors=True)
        finally:
            os.close(descriptor)
        removed.append(folder)
    return removed


def _leftover_names(target: Path) -> Iterator[Path]:
    pattern = re.compile(rf"\.{re.escape(target.name)}\.(?:new|old)-[^/]+\Z")
    with contextlib.suppress(OSError), os.scandir(target.parent) as entries:
        for entry in entries:
            if pattern.match(entry.name) and entry.is_dir(follow_symlinks=False):
                yield Path(entry.path)


def _hold(folder: Path) -> None:
    descriptor = _lock_marker(folder)
    if descriptor is not None:
        _HELD[folder] = descriptor


def _lock_marker(folder: Path) -> int | None:
    """Give the descriptor of the folder's marker, locked; None if there is none or it is held."""
    try:
        descriptor = os.open(
            folder / MARKER, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC
        )
    except OSError:
        return None
    try:
        if not stat.S_ISREG(os.fstat(descriptor).st_mode):
            raise OSError("not our marker")
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(descriptor)
        return None
    return descriptor


def _marker_status(folder: Path) -> os.stat_result | None:
    """Give the status of the folder's marker when it is an ordinary file (not a link), or None."""
    try:
        status = os.lstat(folder / MARKER)
    except OSError:
        return None
    return status if stat.S_ISREG(status.st_mode) else None
