"""Read files of the repository without ever blocking: ordinary files only, checked once opened.

Anyone who can commit, or who shares the machine, can put a named pipe, a device or a socket
where a file is expected, or swap one in after the tree was listed. Opening a pipe for reading
waits for a writer forever, so every read goes through here: the open never waits (O_NONBLOCK),
and what was opened is checked with fstat, which is the only answer that cannot change after
the check.
"""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from pathlib import Path

NOT_REGULAR = "not an ordinary file (a pipe, device or socket), so it is not read"
_CHUNK = 1 << 16


class NotRegularFile(OSError):
    """What was opened is not an ordinary file."""

    def __init__(self, path: Path | str) -> None:
        super().__init__(errno.EINVAL, NOT_REGULAR, str(path))


class FileTooLarge(OSError):
    """The file holds more bytes than the caller reads."""

    def __init__(self, path: Path | str, limit: int) -> None:
        super().__init__(errno.EFBIG, f"larger than {limit:,} bytes", str(path))
        self.limit = limit


def read_regular(path: Path | str, *, limit: int | None = None, follow: bool = True) -> bytes:
    """Give the bytes of the ordinary file at `path`.

    Raises NotRegularFile for anything else, FileTooLarge past `limit` bytes (read no further),
    and OSError as `open` does; with `follow=False` a symbolic link is refused (ELOOP).
    """
    flags = os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC | (0 if follow else os.O_NOFOLLOW)
    descriptor = os.open(path, flags)
    try:
        if not stat.S_ISREG(os.fstat(descriptor).st_mode):
            raise NotRegularFile(path)
        chunks: list[bytes] = []
        size = 0
        while chunk := os.read(descriptor, _CHUNK):
            chunks.append(chunk)
            size += len(chunk)
            if limit is not None and size > limit:
                raise FileTooLarge(path, limit)
        return b"".join(chunks)
    finally:
        os.close(descriptor)


def read_regular_text(path: Path | str, *, errors: str = "strict") -> str:
    """Give the UTF-8 text of the ordinary file at `path` (NotRegularFile, OSError as above)."""
    return read_regular(path).decode("utf-8", errors=errors)


def is_regular(path: Path) -> bool:
    """Tell whether `path` names an ordinary file (links followed), without opening it."""
    try:
        return stat.S_ISREG(path.stat().st_mode)
    except OSError:
        return False


def write_atomic(
    path: Path, data: str | bytes, *, mode: int = 0o644, durable: bool = False
) -> None:
    """Replace the file at `path` with `data` at once: a reader sees the old file or the new one,
    never half of either, and a failed write leaves the old file as it was (OSError raised).

    `durable` also waits until the bytes are on disk: for files people wrote, not for caches.
    """
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data.encode("utf-8") if isinstance(data, str) else data)
            if durable:
                stream.flush()
                os.fsync(stream.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
