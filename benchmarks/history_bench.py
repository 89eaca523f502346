"""Time reading the playbook's history: first build, cached build, and the `git log` floor.

Usage: python benchmarks/history_bench.py [--repo DIR] [--entities 1000] [--commits 5000] [--runs 5]

Builds the synthetic repository (benchmarks/history_repo.py) unless --repo names one, then
prints the best of --runs for: a bare `git log --name-status` over playbook/ and schemas/ (the
floor), the history with an empty cache (first build) and with a warm cache, and their ratios.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.history_repo import write_history_repo
from generator.content.schemas import load_schemas
from generator.history.cache import CACHE_DIR
from generator.history.reader import read_history

OUT = Path(__file__).resolve().parent / "out" / "history-repo"


def best(
    runs: int, action: Callable[[], object], before: Callable[[], object] | None = None
) -> float:
    """Give the shortest wall time of `runs` calls of `action` (`before` runs untimed first)."""
    times = []
    for _ in range(runs):
        if before:
            before()
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--repo", type=Path)
    parser.add_argument("--entities", type=int, default=1000)
    parser.add_argument("--commits", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    root = args.repo or OUT
    if args.repo is None:
        write_history_repo(root, entities=args.entities, commits=args.commits)
    schemas = load_schemas(root / "schemas", root)

    def floor() -> None:
        subprocess.run(["git", "log", "--name-status", "--", "playbook", "schemas"], cwd=root,
                       stdout=subprocess.DEVNULL, check=True)  # fmt: skip

    def clear() -> None:
        shutil.rmtree(root / CACHE_DIR, ignore_errors=True)

    def history() -> None:
        read_history(root, schemas)

    history()  # warm the OS file cache and git's packs once before anything is timed
    cold = best(max(1, args.runs // 2), history, before=clear)
    history()
    # Floor and cached build alternate, so a busy machine slows both alike.
    floor_times, warm_times = [], []
    for _ in range(args.runs):
        floor_times.append(best(1, floor))
        warm_times.append(best(1, history))
    floor_time, warm = min(floor_times), min(warm_times)
    result = read_history(root, schemas)
    entries = sum(len(r.entries) for r in result.releases)
    print(f"repository: {root} ({len(result.entities)} entities in history, {entries} entries)")
    print(f"git log --name-status (floor): {floor_time:6.3f} s")
    print(f"history, first build:          {cold:6.3f} s  ({cold / floor_time:.1f}x floor)")
    print(f"history, cached build:         {warm:6.3f} s  ({warm / floor_time:.2f}x floor)")


if __name__ == "__main__":
    main()
