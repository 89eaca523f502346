"""The benchmarks: each suite prepares its repository, times the generator and its floor, and
gives rows (figures) and ratios (the comparisons the targets are about)."""

from __future__ import annotations

import json
import shlex
import shutil
import statistics
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml

from benchmarks import synth
from benchmarks.history_repo import write_history_repo
from benchmarks.measure import Figure, Run, measure, python, run_once

PLAYBOOK = python("-m", "generator")
MKDOCS = python("-m", "mkdocs")
SLOW_RUN = 20.0
"""A command slower than this (seconds) is run three times at most, to keep the whole run short."""


@dataclass(frozen=True, slots=True)
class Row:
    """One line of the figures table."""

    label: str
    size: str
    figure: Figure | None = None
    note: str = ""
    unit: str = "s"
    """`s` for timings; `MB` for a size, given as the figure-less `value`."""
    value: float | None = None


@dataclass(frozen=True, slots=True)
class Ratio:
    """A comparison against a floor, with the target it is held to."""

    label: str
    value: float | None
    target: str
    passed: bool | None
    how: str = ""
    cpu_value: float | None = None
    """The same comparison on CPU seconds, which a busy machine disturbs less than wall time."""


@dataclass(slots=True)
class Results:
    rows: list[Row] = field(default_factory=list)
    ratios: list[Ratio] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Settings:
    workspace: Path
    sizes: tuple[int, ...]
    commits: int
    runs: int


def timed(command: list[str], settings: Settings, **options: Any) -> Figure:
    """Measure `command`; after one slow run, stop at three."""
    return timed_together([(command, options)], settings)[0]


def timed_together(
    commands: list[tuple[list[str], dict[str, Any]]], settings: Settings, *, all_runs: bool = False
) -> list[Figure]:
    """Measure commands that are compared, their runs interleaved (a, b, a, b...) so a busy
    machine weighs on each alike; after a slow round, stop at three rounds (unless `all_runs`).

    Run i of each figure comes from round i, so figures can be compared round by round."""
    rounds: list[list[Figure]] = []
    planned = settings.runs
    while len(rounds) < max(1, planned):
        rounds.append([measure(command, 1, **options) for command, options in commands])
        if not all_runs and len(rounds) == 1 and max(f.median for f in rounds[0]) >= SLOW_RUN:
            planned = min(planned, 3)
    return [
        Figure(tuple(run for figures in rounds for run in figures[i].runs))
        for i in range(len(commands))
    ]


def at_least(value: float | None, target: float) -> bool | None:
    return None if value is None else value >= target


def at_most(value: float | None, target: float) -> bool | None:
    return None if value is None else value <= target


def ratio(numerator: Figure | None, denominator: Figure | None) -> float | None:
    if numerator is None or denominator is None or denominator.median <= 0:
        return None
    return numerator.median / denominator.median


def cpu_ratio(numerator: Figure, denominator: Figure) -> float | None:
    return numerator.cpu / denominator.cpu if denominator.cpu > 0 else None


# --- validation ---------------------------------------------------------------------------


def paired_share(built: Figure, bare: Figure, value: Callable[[Run], float]) -> float:
    """Give the median over rounds of (built - bare) / built: the two runs of a round ran back
    to back, so a machine that speeds up or slows down between rounds moves both alike."""
    shares = [
        max(0.0, value(b) - value(f)) / value(b)
        for b, f in zip(built.runs, bare.runs, strict=True)
        if value(b) > 0
    ]
    return statistics.median(shares) if shares else 0.0


def playbook_repo(settings: Settings, n: int) -> Path:
    """Give a repository of `n` synthetic entities (no history), writing it once."""
    root = settings.workspace / f"playbook-{n}"
    if not (root / "playbook").is_dir():
        synth.write_playbook(root, n)
    else:
        synth.copy_project_files(root)
    return root


def check_jsonschema_inputs(root: Path, out: Path) -> list[list[str]]:
    """Write bundled per-kind schemas and the front matter of `.md` files as YAML; give the
    check-jsonschema command for each kind folder (it reads neither `$ref`s to siblings nor
    front matter)."""
    from generator.content.frontmatter import FrontMatter, split_front_matter
    from generator.content.schemas import load_schemas

    schemas = load_schemas(root / "schemas", root)
    commands = []
    for kind_dir in sorted((root / "playbook").iterdir()):
        kind = kind_dir.name
        schema_file = out / "schemas" / f"{kind}.schema.json"
        schema_file.parent.mkdir(parents=True, exist_ok=True)
        schema_file.write_text(json.dumps(schemas.kinds[kind].schema), "utf-8")
        files = []
        for path in sorted(kind_dir.iterdir()):
            if path.suffix == ".md":
                front = split_front_matter(path.read_text("utf-8"))
                assert isinstance(front, FrontMatter), f"{path}: {front}"
                copy = out / "front-matter" / kind / f"{path.stem}.yml"
                copy.parent.mkdir(parents=True, exist_ok=True)
                copy.write_text(front.yaml_text, "utf-8")
                path = copy
            files.append(str(path))
        tool = shutil.which("check-jsonschema") or "check-jsonschema"
        commands.append([tool, "--schemafile", str(schema_file), *files])
    return commands


def validation(settings: Settings, n: int) -> Results:
    """`playbook validate` against check-jsonschema on the same files and the parse floor."""
    results = Results()
    root = playbook_repo(settings, n)
    size = f"{n:,}"
    cj_dir = settings.workspace / f"check-jsonschema-{n}"
    script = cj_dir / "check.sh"  # one file: ten thousand paths exceed one argument's limit
    lines = [shlex.join(c) + " >/dev/null" for c in check_jsonschema_inputs(root, cj_dir)]
    script.write_text("set -e\n" + "\n".join(lines) + "\n", "utf-8")
    validate, floor, cj = timed_together(
        [
            ([*PLAYBOOK, "--root", str(root), "validate", "--no-context"], {}),
            (python("-m", "benchmarks.parse_floor", str(root)), {}),
            (["sh", str(script)], {}),
        ],
        settings,
        all_runs=True,  # the targets are ratios of a few seconds: three runs are too few here
    )
    results.rows.append(Row("playbook validate", size, validate))
    results.rows.append(Row("  floor: parse only (PyYAML C loader)", size, floor))
    results.rows.append(Row("  floor: check-jsonschema, per kind", size, cj))
    results.ratios.append(
        Ratio(
            f"check-jsonschema / validate ({size})",
            ratio(cj, validate),
            ">= 10x",
            at_least(ratio(cj, validate), 10),
            "the target applies at 10,000",
            cpu_ratio(cj, validate),
        )
    )
    results.ratios.append(
        Ratio(
            f"validate / parse floor ({size})",
            ratio(validate, floor),
            "<= 2x",
            at_most(ratio(validate, floor), 2),
            "the target applies at 10,000",
            cpu_ratio(validate, floor),
        )
    )
    return results


# --- site build, history, dates -----------------------------------------------------------


def dated_repo(settings: Settings, n: int) -> Path:
    """Give the repository of `n` entities with history and `pages/`, writing it once (a kept
    workspace reuses it only for the same sizes)."""
    root = settings.workspace / f"dated-{n}-{settings.commits}"
    if not (root / ".git").is_dir():
        synth.write_dated_playbook(root, n, settings.commits)
    else:
        synth.copy_project_files(root)
    return root


def mkdocs_config(path: Path, settings: dict[str, Any]) -> Path:
    path.write_text(yaml.safe_dump(settings, sort_keys=False), "utf-8")
    return path


def bare_config(root: Path, rendered: Path, site: Path) -> Path:
    """Give an mkdocs.yml that builds the rendered tree as it is: the project's settings, its
    navigation, its plugins without ours, and Material's search (our plugin indexes the site
    for search, so the floor is a searchable site too). It sits beside mkdocs.yml, whose
    relative paths (theme overrides) are relative to the file that names them."""
    from generator.site.settings import read_mkdocs_yml

    plugins = [
        p
        for p in read_mkdocs_yml(root).get("plugins", [])
        if p != "playbook" and not (isinstance(p, dict) and "playbook" in p)
    ]
    if not any(p == "search" or (isinstance(p, dict) and "search" in p) for p in plugins):
        plugins.append("search")
    settings: dict[str, Any] = {
        "INHERIT": "mkdocs.yml",
        "docs_dir": str(rendered),
        "site_dir": str(site),
        "plugins": plugins,
    }
    nav_file = rendered / ".nav.yml"
    if nav_file.is_file():
        settings.update(yaml.safe_load(nav_file.read_text("utf-8")))
    return mkdocs_config(root / "mkdocs.bare.yml", settings)


def site_build(settings: Settings, n: int) -> tuple[Results, Path | None]:
    """`playbook build` against a bare `mkdocs build` of the Markdown tree it renders."""
    results = Results()
    size = f"{n:,}"
    root = dated_repo(settings, n)
    site = settings.workspace / f"site-{n}"
    build = [*PLAYBOOK, "--root", str(root), "build", "--out", str(site)]
    run_once(build)  # untimed: fills the history cache, as any earlier build has
    rendered = settings.workspace / f"rendered-{n}"
    render_command = [*PLAYBOOK, "--root", str(root), "render", "--out", str(rendered)]
    run_once(render_command)
    config = bare_config(root, rendered, settings.workspace / f"bare-site-{n}")
    # Every round: the share is a tenth of runs that this machine's speed moves by a tenth.
    built, bare = timed_together(
        [
            (build, {}),
            ([*MKDOCS, "build", "-q", "-f", str(config)], {"cwd": root}),
        ],
        settings,
        all_runs=True,
    )
    render = timed(render_command, settings)
    results.rows.append(Row("playbook build (history cached)", size, built))
    results.rows.append(Row("  of which playbook render", size, render))
    results.rows.append(Row("  floor: bare mkdocs build, same tree", size, bare))
    share = paired_share(built, bare, lambda run: run.wall)
    from_medians = max(0.0, built.median - bare.median) / built.median
    results.ratios.append(
        Ratio(
            f"generator's share of playbook build ({size})",
            share,
            "< 10%",
            share < 0.10,
            f"median of (build - bare mkdocs) / build per round; of medians {from_medians:.1%}",
            paired_share(built, bare, lambda run: run.cpu),
        )
    )
    return results, site


def history(settings: Settings, n: int) -> Results:
    """Reading the history, first and cached, against `git log --name-status`."""
    results = Results()
    root = settings.workspace / f"history-{n}-{settings.commits}"
    if not (root / ".git").is_dir():
        write_history_repo(root, entities=n, commits=settings.commits)
    size = f"{settings.commits:,} commits"
    probe = python("-m", "benchmarks.probe", "history", str(root))
    cache = root / ".git" / "playbook-cache"
    first = timed([*probe, "--cold"], settings, reported=True)
    results.rows.append(Row("history, first read (empty cache)", size, first))
    cached = timed(probe, settings, reported=True)
    results.rows.append(Row("history, cached", size, cached))
    floor = timed(
        ["git", "-C", str(root), "log", "--name-status", "--", "playbook", "schemas"], settings
    )
    results.rows.append(Row("  floor: git log --name-status", size, floor))
    shutil.rmtree(cache, ignore_errors=True)
    results.ratios.append(
        Ratio(
            "history cached / git log",
            ratio(cached, floor),
            "<= 2x",
            at_most(ratio(cached, floor), 2),
        )
    )
    results.ratios.append(Ratio("history first read / git log", ratio(first, floor), "-", None))
    return results


def dates(settings: Settings, n: int) -> Results:
    """Per-page created/updated dates: our history pass against the git-date plugin's cost."""
    results = Results()
    root = dated_repo(settings, n)
    size = f"{n:,} pages"
    first_page = sorted((root / "pages" / "roles").glob("*.md"))[0].relative_to(root / "pages")
    base: dict[str, Any] = {
        "site_name": "Dates",
        "docs_dir": str(root / "pages"),
        "theme": {"name": "material"},
        "nav": [{"Home": first_page.as_posix()}],
    }
    plain = mkdocs_config(
        settings.workspace / "dates-plain.yml",
        {
            **base,
            "site_dir": str(settings.workspace / "dates-plain"),
            "plugins": ["search"],
        },
    )
    dated = mkdocs_config(
        settings.workspace / "dates-plugin.yml",
        {
            **base,
            "site_dir": str(settings.workspace / "dates-plugin"),
            "plugins": ["search", {"git-revision-date-localized": {"enable_creation_date": True}}],
        },
    )
    ours = timed(
        [*python("-m", "benchmarks.probe", "history", str(root)), "--cold"], settings, reported=True
    )
    results.rows.append(Row("dates for every page: history, first read", size, ours))
    cached = timed(python("-m", "benchmarks.probe", "history", str(root)), settings, reported=True)
    results.rows.append(Row("  the same, history cached", size, cached))
    without, with_plugin = timed_together(
        [
            ([*MKDOCS, "build", "-q", "-f", str(plain)], {"cwd": root}),
            ([*MKDOCS, "build", "-q", "-f", str(dated)], {"cwd": root}),
        ],
        settings,
    )
    results.rows.append(Row("  mkdocs build, no date plugin", size, without))
    results.rows.append(Row("  mkdocs build + git-revision-date plugin", size, with_plugin))
    added = with_plugin.median - without.median
    results.rows.append(Row("  time the date plugin adds", size, value=added))
    value = added / ours.median if ours.median > 0 else None
    results.ratios.append(
        Ratio(
            "date plugin's added time / our dates",
            value,
            ">= 20x",
            at_least(value, 20),
            "ours: the whole first history read, which dates every entity",
        )
    )
    cached_value = added / cached.median if cached.median > 0 else None
    results.ratios.append(
        Ratio(
            "date plugin's added time / our dates, cached",
            cached_value,
            ">= 20x",
            at_least(cached_value, 20),
            "ours: the history read with a warm cache",
        )
    )
    return results


# --- search -------------------------------------------------------------------------------


def material_config(root: Path, site: Path) -> Path:
    """Give an mkdocs.yml that builds the same site with Material's search plugin (our plugin
    still renders the pages; with Material's plugin on, the header shows Material's search)."""
    return mkdocs_config(
        root / "mkdocs.material.yml",
        {"INHERIT": "mkdocs.yml", "site_dir": str(site), "plugins": ["playbook", "search"]},
    )


def folder_mb(folder: Path) -> float:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 1e6


OPTIONAL_SEARCH_FIGURES = (
    ("key_to_result_seconds", "  from the keystroke to its results"),
    ("address_seconds", "  the same, the query in the address (?q=)"),
    ("words_address_seconds", "  two words in the address"),
    ("words_typed_seconds", "  two words typed at a reader's pace: last key to results"),
)
"""The probe's figures beside the first results, each the median of the runs that gave it."""


def search(settings: Settings, n: int, site: Path | None) -> Results:
    """Pagefind (the site's search) beside Material's search on the same site in the same run:
    page load to first results, bytes of search files fetched by then, a faceted query, and
    the index size on disk."""
    results = Results()
    size = f"{n:,}"
    if site is not None and (site / "pagefind").is_dir():
        root = dated_repo(settings, n)  # the build suite's site
    else:
        # A size the build suite did not cover: build it once, and once each its two parts, so
        # the memory of the generator alone and of MkDocs alone show beside the whole.
        once = replace(settings, runs=1)
        root, site = playbook_repo(settings, n), settings.workspace / f"site-{n}"
        build = timed([*PLAYBOOK, "--root", str(root), "build", "--out", str(site)], once)
        results.rows.append(Row("playbook build (no history), once", size, build))
        rendered = settings.workspace / f"rendered-{n}"
        render = timed([*PLAYBOOK, "--root", str(root), "render", "--out", str(rendered)], once)
        results.rows.append(Row("  playbook render, once", size, render))
        config = bare_config(root, rendered, settings.workspace / f"bare-site-{n}")
        bare = timed([*MKDOCS, "build", "-q", "-f", str(config)], once, cwd=root)
        results.rows.append(Row("  bare mkdocs build of that tree, once", size, bare))
    material = settings.workspace / f"material-site-{n}"
    run_once([*MKDOCS, "build", "-q", "-f", str(material_config(root, material))], cwd=root)
    results.rows.append(
        Row("search index size: Pagefind", size, value=folder_mb(site / "pagefind"), unit="MB")
    )
    index = material / "search" / "search_index.json"
    results.rows.append(
        Row("  Material's search_index.json", size, value=index.stat().st_size / 1e6, unit="MB")
    )
    sites = {"Pagefind": site, "Material": material}
    reports: dict[str, list[tuple[Run, dict[str, Any]]]] = {name: [] for name in sites}
    for _ in range(max(1, settings.runs)):  # interleaved: a busy minute weighs on both
        for name, folder in sites.items():
            run, text = run_once(python("-m", "benchmarks.probe", "search", str(folder)))
            reports[name].append((run, json.loads(text.strip().splitlines()[-1])))
    for name, measured in reports.items():
        first = Figure(tuple(replace(run, wall=r["seconds"]) for run, r in measured))
        results.rows.append(Row(f"search: page load to first results, {name}", size, first))
        for figure, label in OPTIONAL_SEARCH_FIGURES:  # an engine may not answer them
            values = [r[figure] for _, r in measured if r.get(figure) is not None]
            if values:
                results.rows.append(Row(f"{label}, {name}", size, value=statistics.median(values)))
        fetched = statistics.median(r["search_bytes"] for _, r in measured) / 1e6
        label = f"  bytes fetched by the first query, {name}"
        results.rows.append(Row(label, size, value=fetched, unit="MB"))
        if all("facet_seconds" in r for _, r in measured):
            facet = statistics.median(r["facet_seconds"] for _, r in measured)
            label = f"  faceted query: open the filters, choose a kind, {name}"
            results.rows.append(Row(label, size, value=facet))
            facet_bytes = statistics.median(r["facet_bytes"] for _, r in measured) / 1e6
            label = f"  bytes: opening the facets and that query, {name}"
            results.rows.append(Row(label, size, value=facet_bytes, unit="MB"))
    return results


def preview(settings: Settings, n: int) -> Results:
    """Save-to-reload in `playbook serve`: from writing an entity's file to the browser
    showing the change, beside a full build of the same playbook (what a save cost before
    `serve` rebuilt only the changed pages)."""
    size = f"{n:,}"
    root = playbook_repo(settings, n)
    saves = max(3, settings.runs)
    run, text = run_once(python("-m", "benchmarks.preview", str(root), "--saves", str(saves)))
    report = json.loads(text.strip().splitlines()[-1])
    reload = Figure(tuple(replace(run, wall=seconds) for seconds in report["saves"]))
    site = settings.workspace / f"preview-full-{n}"
    full = timed([*PLAYBOOK, "--root", str(root), "build", "--out", str(site)], settings)
    return Results(
        rows=[
            Row("serve: save to reload in the browser", size, reload),
            Row("  serve: first build, to serving", size, value=report["first_build"]),
            Row("  a full playbook build (no history)", size, full),
        ],
        ratios=[
            Ratio(
                f"serve: save to reload at {size} (s)",
                reload.median,
                "< 3",
                at_most(reload.median, 3.0),
                "median of the saves; a full build is the row above it",
            )
        ],
    )


LABELS = {
    "validation": (
        "playbook validate",
        "  floor: parse only (PyYAML C loader)",
        "  floor: check-jsonschema, per kind",
    ),
    "build": (
        "playbook build (history cached)",
        "  of which playbook render",
        "  floor: bare mkdocs build, same tree",
    ),
    "history": (
        "history, first read (empty cache)",
        "history, cached",
        "  floor: git log --name-status",
    ),
    "dates": (
        "dates for every page: history, first read",
        "  the same, history cached",
        "  mkdocs build, no date plugin",
        "  mkdocs build + git-revision-date plugin",
        "  time the date plugin adds",
    ),
    "search": (
        "search index size: Pagefind",
        "  Material's search_index.json",
        "search: page load to first results, Pagefind",
        "  from the keystroke to its results, Pagefind",
        "  the same, the query in the address (?q=), Pagefind",
        "  two words in the address, Pagefind",
        "  two words typed at a reader's pace: last key to results, Pagefind",
        "  bytes fetched by the first query, Pagefind",
        "  faceted query: open the filters, choose a kind, Pagefind",
        "  bytes: opening the facets and that query, Pagefind",
        "search: page load to first results, Material",
        "  from the keystroke to its results, Material",
        "  the same, the query in the address (?q=), Material",
        "  two words in the address, Material",
        "  two words typed at a reader's pace: last key to results, Material",
        "  bytes fetched by the first query, Material",
    ),
    "preview": (
        "serve: save to reload in the browser",
        "  serve: first build, to serving",
        "  a full playbook build (no history)",
    ),
}
"""The rows each suite gives, so a suite that cannot run still shows what is missing."""
