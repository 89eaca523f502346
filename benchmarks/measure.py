"""Run commands as separate processes and time them: wall clock, CPU and peak memory of each run."""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

QUIET_ENV = {"NO_MKDOCS_2_WARNING": "1", "PYTHONWARNINGS": "ignore"}
"""Keeps notices that do not change the work out of the output."""


@dataclass(frozen=True, slots=True)
class Run:
    """One run of one command."""

    wall: float
    """Seconds from start to exit (or what the command reported it measured itself)."""
    cpu: float
    """User plus system seconds of the process and the children it waited for."""
    peak_mib: float
    """Largest resident set of the process or any of its children, MiB."""


@dataclass(frozen=True, slots=True)
class Figure:
    """Several runs of one benchmark: the median and the spread."""

    runs: tuple[Run, ...]

    @property
    def median(self) -> float:
        return statistics.median(r.wall for r in self.runs)

    @property
    def low(self) -> float:
        return min(r.wall for r in self.runs)

    @property
    def high(self) -> float:
        return max(r.wall for r in self.runs)

    @property
    def cpu(self) -> float:
        return statistics.median(r.cpu for r in self.runs)

    @property
    def peak_mib(self) -> float:
        return max(r.peak_mib for r in self.runs)


class CommandFailed(RuntimeError):
    """A benchmarked command exited with an error: its figures would mean nothing."""


def run_once(
    command: Sequence[str], cwd: Path | None = None, env: Mapping[str, str] | None = None
) -> tuple[Run, str]:
    """Run `command` once; give its figures and its output (stdout and stderr together)."""
    with tempfile.TemporaryFile() as output:
        started = time.perf_counter()
        process = subprocess.Popen(
            list(command),
            cwd=cwd,
            env={**os.environ, **QUIET_ENV, **(env or {})},
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
        # wait4 gives this child's own resource use; RUSAGE_CHILDREN would mix all runs.
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        output.seek(0)
        text = output.read().decode("utf-8", errors="replace")
    if process.returncode != 0:
        tail = "\n".join(text.strip().splitlines()[-15:])
        raise CommandFailed(f"{' '.join(command[:3])}... exited {process.returncode}:\n{tail}")
    return Run(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024), text


def measure(
    command: Sequence[str],
    runs: int,
    *,
    cwd: Path | None = None,
    env: Mapping[str, str] | None = None,
    before: Callable[[], object] | None = None,
    reported: bool = False,
) -> Figure:
    """Run `command` `runs` times (`before` untimed before each); give the figures.

    With `reported`, the command prints `{"seconds": ...}` last, timing the work it does
    itself (without interpreter start-up), and that is the run's wall time.
    """
    results = []
    for _ in range(max(1, runs)):
        if before is not None:
            before()
        run, text = run_once(command, cwd, env)
        if reported:
            seconds = float(json.loads(text.strip().splitlines()[-1])["seconds"])
            run = Run(seconds, run.cpu, run.peak_mib)
        results.append(run)
    return Figure(tuple(results))


def python(*args: str) -> list[str]:
    """Give the command that runs this interpreter with `args`."""
    return [sys.executable, *args]


def machine() -> dict[str, str]:
    """Give what the figures depend on: cores, CPU model, memory, Python, load."""
    model = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
        memory = Path("/proc/meminfo").read_text().splitlines()[0].split()[1]
        memory_text = f"{int(memory) / 1024 / 1024:.1f} GiB"
    except OSError:
        memory_text = "unknown"
    return {
        "cores": str(os.cpu_count()),
        "cpu": model,
        "memory": memory_text,
        "python": sys.version.split()[0],
        "load": " ".join(f"{x:.2f}" for x in os.getloadavg()),
        "pagefind": _pagefind_version(),
    }


def _pagefind_version() -> str:
    """Give the version of the Pagefind the builds use (`PLAYBOOK_PAGEFIND` can name another)."""
    from generator.errors import PlaybookError
    from generator.site.pagefind import pagefind_binary

    try:
        answer = subprocess.run(
            [str(pagefind_binary()), "--version"],
            capture_output=True,
            text=True,
            check=False,
            timeout=30,
        )
    except (PlaybookError, OSError, subprocess.TimeoutExpired) as error:
        return f"unavailable ({error})"
    return answer.stdout.strip() or "unknown"
