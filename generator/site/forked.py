"""Run many small, independent renderings on every core: forked workers, results in order.

Rendering pages is pure Python and holds the GIL, so threads would not help; a forked worker
starts with the whole model already in memory (nothing is pickled on the way in) and sends its
pages back as one pickle. Only on Linux, only from a process with a single thread (forking a
threaded process can copy a lock another thread holds), and only for enough work to pay for
the fork. A worker that fails for any reason is not trusted: its share is done again here, so
errors are raised where they always were, and the result never depends on the workers.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
import sys
import threading
from collections.abc import Callable, Sequence
from typing import NoReturn, cast

MIN_TASKS_PER_WORKER = 150
"""Below this many pages per worker, the fork and the pickle cost more than they save."""
MAX_WORKERS = 4


def run_all(tasks: Sequence[Callable[[], str]]) -> list[str]:
    """Give `[task() for task in tasks]`, spreading the tasks over the available cores."""
    workers = worker_count(len(tasks))
    if workers == 1:
        return [task() for task in tasks]
    pending: dict[int, tuple[int, int]] = {}  # share -> (pid, read end of its pipe)
    results: list[str | None] = [None] * len(tasks)
    try:
        for share in range(1, workers):
            read_fd, write_fd = os.pipe()
            pid = os.fork()
            if pid == 0:  # the worker
                os.close(read_fd)
                _work(tasks[share::workers], write_fd)
            os.close(write_fd)
            pending[share] = (pid, read_fd)
        results[0::workers] = [task() for task in tasks[0::workers]]
        for share in range(1, workers):
            pid, read_fd = pending.pop(share)
            texts = _collect(pid, read_fd, len(tasks[share::workers]))
            results[share::workers] = (
                texts if texts is not None else [task() for task in tasks[share::workers]]
            )
    finally:  # also when a task raised here: no worker outlives the call
        for pid, read_fd in pending.values():
            os.close(read_fd)
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
    assert all(text is not None for text in results)  # every share was filled above
    return cast(list[str], results)


def worker_count(tasks: int) -> int:
    """Give how many processes should share `tasks` tasks here (1: do them in this one)."""
    if sys.platform != "linux" or threading.active_count() > 1:
        return 1
    cores = len(os.sched_getaffinity(0))
    return max(1, min(cores, MAX_WORKERS, tasks // MIN_TASKS_PER_WORKER))


def _work(tasks: Sequence[Callable[[], str]], write_fd: int) -> NoReturn:
    """Do the tasks in the forked worker, send the results, and leave without any clean-up
    (no atexit handlers, no flushing of the parent's buffered output a second time)."""
    status = 1
    try:
        payload = pickle.dumps([task() for task in tasks], protocol=pickle.HIGHEST_PROTOCOL)
        with os.fdopen(write_fd, "wb") as stream:
            stream.write(payload)
        status = 0
    except BaseException:  # the parent redoes this share and raises what it raises
        pass
    finally:
        os._exit(status)


def _collect(pid: int, read_fd: int, expected: int) -> list[str] | None:
    """Give a worker's results, or None when it failed or sent anything but `expected` texts.

    Reaps the worker and closes the pipe."""
    with os.fdopen(read_fd, "rb") as stream:
        payload = stream.read()
    _, status = os.waitpid(pid, 0)
    if status != 0 or not payload:
        return None
    try:
        texts = pickle.loads(payload)
    except Exception:  # a truncated pickle: redo the share
        return None
    if not isinstance(texts, list) or len(texts) != expected:
        return None
    if not all(isinstance(text, str) for text in texts):
        return None
    return texts
