"""Run every benchmark and print the figures and the ratios against their floors.

    python -m benchmarks [--quick] [--sizes 1000,10000] [--commits 5000] [--runs 5]

Each figure is the median of several runs with its spread (min-max), the CPU seconds and the
peak memory of the process. The machine is shared: the load average is printed with the table.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from benchmarks import suites
from benchmarks.measure import machine
from benchmarks.suites import LABELS, Ratio, Results, Row, Settings
from benchmarks.synth import MIN_ENTITIES

QUICK_SIZES = (40,)
QUICK_COMMITS = 60
MEMORY_LIMIT_MIB = 1024


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks", description=__doc__.split("\n")[0]
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="tiny sizes and one run each: a smoke test that finishes in seconds",
    )
    parser.add_argument(
        "--sizes",
        type=sizes_arg,
        default=(1000, 10000),
        help=f"entity counts, comma-separated, each at least {MIN_ENTITIES} (default 1000,10000)",
    )
    parser.add_argument("--commits", type=int, default=5000, help="commits of history (5000)")
    parser.add_argument("--runs", type=int, default=5, help="runs per figure (5)")
    parser.add_argument(
        "--only",
        type=only_arg,
        default=frozenset(),
        help="suites to run, comma-separated: " + ",".join(LABELS),
    )
    parser.add_argument(
        "--workspace",
        type=Path,
        help="keep the generated repositories and sites here (default: a temp folder)",
    )
    parser.add_argument("--json", type=Path, help="also write the results to this file")
    args = parser.parse_args(argv)
    # Checked now, not after a run that can take half an hour.
    if args.workspace is not None and args.workspace.exists() and not args.workspace.is_dir():
        parser.error(f"--workspace {args.workspace} is not a folder")
    if args.json is not None and not args.json.parent.is_dir():
        parser.error(f"--json {args.json}: no folder {args.json.parent}")
    if args.quick:
        args.sizes, args.commits, args.runs = QUICK_SIZES, QUICK_COMMITS, 1
    return args


def sizes_arg(text: str) -> tuple[int, ...]:
    """Give the sorted entity counts of `--sizes`; refuse what no synthetic playbook can have."""
    try:
        sizes = tuple(sorted({int(s) for s in text.split(",") if s.strip()}))
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a list of numbers: {text!r}") from None
    if not sizes or sizes[0] < MIN_ENTITIES:
        raise argparse.ArgumentTypeError(f"each size must be at least {MIN_ENTITIES}")
    return sizes


def only_arg(text: str) -> frozenset[str]:
    """Give the suites `--only` names; refuse a name that is not a suite."""
    names = frozenset(s.strip() for s in text.split(",") if s.strip())
    unknown = sorted(names - set(LABELS))
    if unknown:
        raise argparse.ArgumentTypeError(f"no such suite: {', '.join(unknown)}")
    return names


def run_suite(name: str, size: str, call: Callable[[], Results]) -> Results:
    """Run one suite; if it cannot run, give its rows marked as not measured, and why."""
    started = time.perf_counter()
    try:
        results = call()
    except Exception as error:  # a missing tool or a failed build must not hide the other figures
        reason = str(error).strip().splitlines()[-1][:160] if str(error).strip() else repr(error)
        print(f"[{name}] not measured: {reason}", file=sys.stderr)
        return Results(
            rows=[Row(label, size, note=f"not measured: {reason}") for label in LABELS[name]]
        )
    print(f"[{name} {size}] done in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    return results


def run_all(settings: Settings, only: frozenset[str]) -> Results:
    """Run the selected suites in order; give every row and ratio."""
    total = Results()
    wanted = lambda name: not only or name in only  # noqa: E731

    def add(results: Results) -> None:
        total.rows.extend(results.rows)
        total.ratios.extend(results.ratios)
        if results.rows:  # as it goes, so a long run that is stopped still shows what it measured
            print(format_rows(results.rows), file=sys.stderr)

    for n in settings.sizes:
        if wanted("validation"):
            add(run_suite("validation", f"{n:,}", lambda n=n: suites.validation(settings, n)))  # type: ignore[misc]
    small = min(settings.sizes)
    sites: dict[int, Path | None] = {}
    if wanted("build"):

        def build() -> Results:
            results, sites[small] = suites.site_build(settings, small)
            return results

        add(run_suite("build", f"{small:,}", build))
    if wanted("history"):
        add(
            run_suite(
                "history", f"{settings.commits:,} commits", lambda: suites.history(settings, small)
            )
        )
    if wanted("dates"):
        add(run_suite("dates", f"{small:,} pages", lambda: suites.dates(settings, small)))
    if wanted("preview"):
        add(run_suite("preview", f"{small:,}", lambda: suites.preview(settings, small)))
    if wanted("search"):
        for n in settings.sizes:
            add(run_suite("search", f"{n:,}", lambda n=n: suites.search(settings, n, sites.get(n))))  # type: ignore[misc]
    peaks = [r.figure.peak_mib for r in total.rows if r.figure is not None]
    peak = max(peaks) if peaks else None
    total.ratios.append(
        Ratio(
            "peak memory of any run (MiB)",
            peak,
            f"< {MEMORY_LIMIT_MIB}",
            None if peak is None else peak < MEMORY_LIMIT_MIB,
            "largest resident set of any process",
        )
    )
    return total


def seconds(value: float) -> str:
    return f"{value * 1000:.0f} ms" if value < 1 else f"{value:.2f} s"


def format_rows(rows: Sequence[Row]) -> str:
    """Give the figures table."""
    head = ("benchmark", "size", "median", "spread (min-max)", "cpu", "peak MiB", "runs")
    lines = [head]
    for row in rows:
        if row.figure is not None:
            f = row.figure
            lines.append(
                (
                    row.label,
                    row.size,
                    seconds(f.median),
                    f"{seconds(f.low)} - {seconds(f.high)}",
                    seconds(f.cpu),
                    f"{f.peak_mib:.0f}",
                    str(len(f.runs)),
                )
            )
        elif row.value is not None:
            shown = f"{row.value:.2f} MB" if row.unit == "MB" else seconds(row.value)
            lines.append((row.label, row.size, shown, "", "", "", ""))
        else:
            lines.append((row.label, row.size, row.note or "n/a", "", "", "", ""))
    return _table(lines)


def format_ratios(ratios: Sequence[Ratio]) -> str:
    """Give the ratios table: each comparison, its target and whether it is met."""
    lines = [("comparison", "value", "target", "met", "on CPU time", "how")]
    for r in ratios:
        met = {True: "yes", False: "NO", None: "-"}[r.passed]
        shown = (_ratio_text(r, r.value), r.target, met, _ratio_text(r, r.cpu_value))
        lines.append((r.label, *shown, r.how))
    return _table(lines)


def _ratio_text(r: Ratio, value: float | None) -> str:
    if value is None:
        return "n/a" if value is r.value else ""
    if "%" in r.target:
        return f"{value:.1%}"
    if "MiB" in r.label:
        return f"{value:.0f}"
    return f"{value:.2f}x"


def _table(lines: list[tuple[str, ...]]) -> str:
    widths = [max(len(line[i]) for line in lines) for i in range(len(lines[0]))]
    out = []
    for number, line in enumerate(lines):
        out.append(
            "| " + " | ".join(cell.ljust(w) for cell, w in zip(line, widths, strict=True)) + " |"
        )
        if number == 0:
            out.append("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return "\n".join(out)


def to_json(results: Results, about: dict[str, str], settings: Settings) -> dict[str, Any]:
    return {
        "machine": about,
        "settings": {"sizes": settings.sizes, "commits": settings.commits, "runs": settings.runs},
        "rows": [
            {
                "label": r.label.strip(),
                "size": r.size,
                "note": r.note,
                "value": r.value,
                "runs": [[x.wall, x.cpu, x.peak_mib] for x in r.figure.runs] if r.figure else None,
            }
            for r in results.rows
        ],
        "ratios": [
            {"label": r.label, "value": r.value, "target": r.target, "met": r.passed}
            for r in results.ratios
        ],
    }


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    sizes, only = args.sizes, args.only
    workspace = args.workspace or Path(tempfile.mkdtemp(prefix="playbook-bench-"))
    workspace.mkdir(parents=True, exist_ok=True)
    settings = Settings(workspace.resolve(), sizes, args.commits, args.runs)
    before = machine()
    started = time.perf_counter()
    try:
        results = run_all(settings, only)
    finally:
        if args.workspace is None:
            shutil.rmtree(workspace, ignore_errors=True)
    after = machine()
    about = {**before, "load": f"{before['load']} before, {after['load']} after"}
    print(
        f"Machine: {about['cores']} cores, {about['cpu']}, {about['memory']}, "
        f"Python {about['python']}; load average (1, 5, 15 min) {about['load']}"
    )
    print(
        f"Sizes: {', '.join(f'{n:,}' for n in sizes)} entities; {args.commits:,} commits; "
        f"up to {args.runs} runs per figure; {time.perf_counter() - started:.0f} s in all\n"
    )
    print(format_rows(results.rows))
    print()
    print(format_ratios(results.ratios))
    if args.json:
        args.json.write_text(json.dumps(to_json(results, about, settings), indent=2), "utf-8")
    return 0
