"""Seeded mutation fuzzing: bad content never crashes validation, hostile content never builds live.

By default a small budget keeps this under a minute. A long run:

    FUZZ_RUNS=5000 FUZZ_BUILDS=30 pytest -p no:cacheprovider -m slow tests/test_fuzz.py

`FUZZ_SEED` picks another sequence. An input that ever breaks validation is saved under
tests/fuzz-regressions/<case>/ (files overlaid on the fixture playbook) and replayed here on every
run.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from generator.checks.issue_report import format_json, format_text
from generator.config import load_config
from generator.content import schemas as schema_loader
from generator.site.scan import scan_site
from generator.validation import known_rules, validate_playbook

sys.path.insert(0, str(Path(__file__).parent))
from hostile import HOSTILE_MARKDOWN
from sitekit import FIXTURE, make_site_repo

REGRESSIONS = Path(__file__).parent / "fuzz-regressions"
SEED = int(os.environ.get("FUZZ_SEED", "20240611"))
RUNS = int(os.environ.get("FUZZ_RUNS", "300"))
BUILDS = int(os.environ.get("FUZZ_BUILDS", "2"))
CLI_SAMPLE = 4
TIMEOUT = 20
"""Seconds one validation may take: a fixture playbook validates in a fraction of one."""

YAML_TOKENS = [
    b": ", b"- ", b"&a ", b"*a", b"!!python/object:os.system ", b"!!binary ", b"<<: ", b"\t",
    b'"', b"'", b"[", b"]", b"{", b"}", b"\n---\n", b"\xef\xbb\xbf", b"\x00", b"\xff\xfe",
    b"\xc3", b"? ", b"|", b">", b"#", b"%YAML 1.1\n", b"~", b"no", b"2024-01-02", b"1e400",
    b"\n" + b"  " * 40 + b"- x", b"[" * 50, b"{a: " * 40, b"\r", "\u2028".encode(),
]  # fmt: skip
HOSTILE_VALUES = [text.encode() for _, text in HOSTILE_MARKDOWN] + [
    b"<script>alert(1)</script>", b"javascript:alert(1)", b"jav&#x09;ascript:alert(1)",
    b"\"]; click A call alert(1); B[\"", b"{: onclick=alert(1) }", b"%%{init: {}}%%",
]  # fmt: skip


def _mutate(data: bytes, rng: random.Random) -> bytes:
    """Give `data` with one to three random edits: bytes, lines, YAML tokens or hostile values."""
    for _ in range(rng.randint(1, 3)):
        operation = rng.randrange(9)
        at = rng.randint(0, len(data))
        lines = data.split(b"\n")
        line = rng.randrange(len(lines))
        if operation == 0 and data:
            index = rng.randrange(len(data))
            data = data[:index] + bytes([data[index] ^ (1 << rng.randrange(8))]) + data[index + 1 :]
        elif operation == 1:
            data = data[:at] + bytes([rng.randrange(256)]) + data[at:]
        elif operation == 2:
            data = data[:at] + data[at + rng.randint(1, 40) :]
        elif operation == 3:
            lines.insert(line, lines[line])
            data = b"\n".join(lines)
        elif operation == 4 and len(lines) > 1:
            del lines[line]
            data = b"\n".join(lines)
        elif operation == 5:
            other = rng.randrange(len(lines))
            lines[line], lines[other] = lines[other], lines[line]
            data = b"\n".join(lines)
        elif operation == 6:
            data = data[:at] + rng.choice(YAML_TOKENS) + data[at:]
        else:
            data = _insert_value(lines, line, rng.choice(HOSTILE_VALUES), rng)
    return data


def _insert_value(lines: list[bytes], line: int, value: bytes, rng: random.Random) -> bytes:
    """Put a hostile value into a line: after `key: `, quoted or not, or as a body line."""
    text = lines[line]
    if b": " in text and rng.random() < 0.7:
        key, _, _ = text.partition(b": ")
        quoted = (
            json.dumps(value.decode("utf-8", "replace")).encode() if rng.random() < 0.6 else value
        )
        lines[line] = key + b": " + quoted
    else:
        lines.insert(line, value)
    return b"\n".join(lines)


@pytest.fixture(scope="module")
def fuzz_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_site_repo(tmp_path_factory.mktemp("fuzz"))


@pytest.fixture
def cached_schemas(monkeypatch: pytest.MonkeyPatch) -> None:
    """Load the schemas once: only content changes between fuzzed runs."""
    cache: dict[tuple[Path, Path], Any] = {}
    original = schema_loader.load_schemas

    def load(schema_dir: Path, root: Path) -> Any:
        if (schema_dir, root) not in cache:
            cache[(schema_dir, root)] = original(schema_dir, root)
        return cache[(schema_dir, root)]

    monkeypatch.setattr("generator.validation.load_schemas", load)


class _Timeout(Exception):
    pass


@contextmanager
def _time_limit(seconds: int) -> Iterator[None]:
    def expire(signum: int, frame: Any) -> None:
        raise _Timeout

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def _check_validation(root: Path) -> str | None:
    """Validate in-process; give what went wrong (a crash, a hang, a bad report) or None."""
    try:
        with _time_limit(TIMEOUT):
            validation = validate_playbook(load_config(root))
            text = format_text(validation.issues, len(validation.playbook))
            json.loads(format_json(validation.issues, len(validation.playbook)))
    except _Timeout:
        return f"validation took more than {TIMEOUT} s"
    except Exception as error:  # any exception here is a bug: bad content must become issues
        return f"{type(error).__name__}: {error}"
    rules = known_rules()
    for issue in validation.issues:
        if issue.rule not in rules or issue.source.line < 1 or issue.source.column < 1:
            return f"bad issue: {issue}"
        if not issue.message or not issue.source.path.startswith("playbook/"):
            return f"bad issue: {issue}"
    if "Traceback" in text:
        return "a traceback in the report"
    return None


def _save_regression(rel: str, data: bytes, problem: str, corpus: Path = REGRESSIONS) -> Path:
    case = corpus / hashlib.sha1(data, usedforsecurity=False).hexdigest()[:12]
    (case / rel).parent.mkdir(parents=True, exist_ok=True)
    (case / rel).write_bytes(data)
    (case / "PROBLEM.txt").write_text(problem + "\n", "utf-8")
    return case


def _replay(case: Path, base: Path) -> str | None:
    """Validate the fixture with a saved case's files laid over it; give what went wrong."""
    root = make_site_repo(base)
    for path in sorted(case.rglob("*")):
        if path.is_file() and path.name != "PROBLEM.txt":
            target = root / path.relative_to(case)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(path.read_bytes())
    return _check_validation(root)


def _inputs(count: int, seed: int) -> Iterator[tuple[str, bytes]]:
    rng = random.Random(seed)
    sources = sorted(FIXTURE)
    for _ in range(count):
        rel = rng.choice(sources)
        yield rel, _mutate(FIXTURE[rel].encode(), rng)


def _fuzz_validation(root: Path, runs: int, seed: int) -> None:
    failures = []
    for rel, data in _inputs(runs, seed):
        target = root / rel
        original = target.read_bytes()
        target.write_bytes(data)
        try:
            problem = _check_validation(root)
        finally:
            target.write_bytes(original)
        if problem:
            failures.append(f"{_save_regression(rel, data, problem)}: {problem}")
    assert not failures, "\n".join(failures)


def test_fuzzed_files_validate_without_crashing(fuzz_repo: Path, cached_schemas: None) -> None:
    _fuzz_validation(fuzz_repo, min(RUNS, 300), SEED)


@pytest.mark.slow
def test_long_fuzz_run(fuzz_repo: Path, cached_schemas: None) -> None:
    _fuzz_validation(fuzz_repo, RUNS, SEED + 1)


def _cases() -> list[Path]:
    return sorted(p for p in REGRESSIONS.iterdir() if p.is_dir()) if REGRESSIONS.is_dir() else []


@pytest.mark.parametrize("case", _cases(), ids=lambda p: p.name)
def test_fuzz_regressions_stay_fixed(case: Path, tmp_path: Path, cached_schemas: None) -> None:
    problem = _replay(case, tmp_path / "repo")
    assert problem is None, f"{problem}; first seen as: {(case / 'PROBLEM.txt').read_text('utf-8')}"


def test_a_saved_failure_is_replayed_until_fixed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The corpus is empty while nothing breaks: prove that what the fuzzer saves is replayed."""
    rel, data = next(_inputs(1, SEED))
    crash = "RuntimeError: the mutated file came back"
    working = validate_playbook

    def broken(config: Any) -> Any:
        if (config.root / rel).read_bytes() == data:
            raise RuntimeError("the mutated file came back")
        return working(config)

    case = _save_regression(rel, data, crash, corpus=tmp_path / "corpus")
    monkeypatch.setitem(globals(), "validate_playbook", broken)
    assert _replay(case, tmp_path / "still-broken") == crash
    monkeypatch.undo()
    assert _replay(case, tmp_path / "fixed") is None


def test_the_command_line_ends_cleanly_on_fuzzed_files(fuzz_repo: Path, tmp_path: Path) -> None:
    root = tmp_path / "repo"
    shutil.copytree(fuzz_repo, root)
    for rel, data in _inputs(CLI_SAMPLE, SEED + 2):
        target = root / rel
        original = target.read_bytes()
        target.write_bytes(data)
        try:
            result = subprocess.run(
                [sys.executable, "-m", "generator", "validate", "--format", "text"], cwd=root,
                capture_output=True, text=True, timeout=120, check=False,
            )  # fmt: skip
        finally:
            target.write_bytes(original)
        output = result.stdout + result.stderr
        assert result.returncode in (0, 1), output
        assert "Traceback" not in output


def _hostile_playbook(rng: random.Random) -> dict[str, str]:
    """Give the fixture with hostile values placed in a few fields and bodies, YAML kept valid."""
    files = dict(FIXTURE)
    for rel in rng.sample(sorted(FIXTURE), 4):
        lines = files[rel].split("\n")
        value = rng.choice(HOSTILE_VALUES).decode()
        candidates = [
            n for n, line in enumerate(lines) if line.startswith(("  - name: ", "summary: "))
        ]
        if rel.endswith(".md"):
            lines.append(value)
        elif candidates:
            number = rng.choice(candidates)
            key = lines[number].split(": ", 1)[0]
            lines[number] = f"{key}: {json.dumps(value[:100])}"
        files[rel] = "\n".join(lines)
    return files


def _fuzz_builds(base: Path, builds: int, seed: int) -> None:
    rng = random.Random(seed)
    for number in range(builds):
        root = make_site_repo(base / f"build-{number}", _hostile_playbook(rng))
        result = subprocess.run(
            [sys.executable, "-m", "generator", "build"], cwd=root, capture_output=True,
            text=True, timeout=300, check=False,
        )  # fmt: skip
        output = result.stdout + result.stderr
        assert result.returncode in (0, 1) and "Traceback" not in output, output
        if result.returncode == 0:
            assert [str(f) for f in scan_site(root / "site")] == []
        shutil.rmtree(root)


def test_fuzzed_hostile_content_builds_no_live_script(tmp_path: Path) -> None:
    _fuzz_builds(tmp_path, min(BUILDS, 2), SEED + 3)


@pytest.mark.slow
def test_long_fuzz_of_builds(tmp_path: Path) -> None:
    _fuzz_builds(tmp_path, max(BUILDS, 30), SEED + 4)


# --- mkdocs.yml and the history cache are fuzzed too ----------------------------------------

MKDOCS_VALUES = [
    b'"javascript:alert(1)//"', b'"<img src=x onerror=alert(1)>"', b"'\"><script>x</script>'",
    b'"jav&#x09;ascript:alert(1)"', b'"//evil.example/x"', b'"\\e]0;PWNED\\a"', b'"a\\u202eb"',
    b"!ENV [NOPE, 'x']", b"!!python/name:os.system", b"{link: 'data:text/html,x'}",
    b"[{'<b>': index.md}]", b"'\\\\\"-alert(1)-\\\\\"'",
]  # fmt: skip
MKDOCS_KEYS = [
    b"site_name", b"site_url", b"repo_url", b"edit_uri", b"edit_uri_template", b"copyright",
    b"site_description", b"extra", b"nav", b"extra_css", b"theme", b"repo_name",
]  # fmt: skip


def _mutate_mkdocs(data: bytes, rng: random.Random) -> bytes:
    """Give mkdocs.yml with hostile settings added, or with random edits."""
    if rng.random() < 0.6:
        key, value = rng.choice(MKDOCS_KEYS), rng.choice(MKDOCS_VALUES)
        if key == b"extra" and not value.startswith(b"{"):
            value = b"{homepage: " + value + b"}"
        return data + b"\n" + key + b": " + value + b"\n"
    return _mutate(data, rng)


def _check_site_settings(root: Path) -> str | None:
    """Read settings and render in-process; give what went wrong (a crash or a hang) or None."""
    from generator.errors import PlaybookError
    from generator.pipeline import render_playbook, write_docs

    try:
        with _time_limit(TIMEOUT):
            generated = render_playbook(load_config(root), False)
            if generated.rendered:
                write_docs(load_config(root), generated)
    except _Timeout:
        return f"rendering took more than {TIMEOUT} s"
    except PlaybookError:
        return None  # a usage error, named: what a hostile mkdocs.yml should get
    except Exception as error:
        return f"{type(error).__name__}: {error}"
    return None


def test_fuzzed_mkdocs_yml_never_crashes_the_site_commands(
    fuzz_repo: Path, tmp_path: Path, cached_schemas: None
) -> None:
    root = tmp_path / "repo"
    shutil.copytree(fuzz_repo, root)
    original = (root / "mkdocs.yml").read_bytes()
    rng = random.Random(SEED + 5)
    failures = []
    for _ in range(min(RUNS, 60)):
        data = _mutate_mkdocs(original, rng)
        (root / "mkdocs.yml").write_bytes(data)
        problem = _check_site_settings(root)
        if problem:
            failures.append(f"{_save_regression('mkdocs.yml', data, problem)}: {problem}")
    assert not failures, "\n".join(failures)


def test_fuzzed_mkdocs_yml_builds_no_live_script(fuzz_repo: Path, tmp_path: Path) -> None:
    rng = random.Random(SEED + 6)
    original = (fuzz_repo / "mkdocs.yml").read_bytes()
    for number in range(min(BUILDS, 2)):
        root = tmp_path / f"build-{number}"
        shutil.copytree(fuzz_repo, root)
        (root / "mkdocs.yml").write_bytes(_mutate_mkdocs(original, rng))
        result = subprocess.run(
            [sys.executable, "-m", "generator", "build"], cwd=root, capture_output=True,
            text=True, timeout=300, check=False,
        )  # fmt: skip
        output = result.stdout + result.stderr
        assert result.returncode in (0, 1, 2) and "Traceback" not in output, output
        if result.returncode == 0:
            assert [str(f) for f in scan_site(root / "site")] == []


def _git(root: Path, *args: str) -> str:
    env = {**os.environ, "HOME": str(root.parent), "GIT_CONFIG_NOSYSTEM": "1"}
    return subprocess.run(
        ["git", "-c", "user.name=Ada", "-c", "user.email=ada@example.org", *args],
        cwd=root, env=env, capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip


def test_a_fuzzed_history_cache_never_changes_history(tmp_path: Path) -> None:
    from generator.content.schemas import load_schemas
    from generator.history.cache import CACHE_DIR
    from generator.history.reader import read_history

    root = make_site_repo(tmp_path / "repo")
    _git(root, "init", "-q", "-b", "main")
    _git(root, "add", "-A")
    _git(root, "commit", "-qm", "Start")
    role = root / "playbook/roles/product-manager.yml"
    role.write_text(role.read_text().replace("Product manager", "Product lead"))
    _git(root, "commit", "-qam", "Retitle")
    schemas = load_schemas(root / "schemas", root)
    honest = read_history(root, schemas, cache=False)
    read_history(root, schemas)  # fills the cache
    cache = Path(_git(root, "rev-parse", "--absolute-git-dir").strip()) / CACHE_DIR
    files = sorted(cache.iterdir())
    pristine = {path: path.read_bytes() for path in files}
    rng = random.Random(SEED + 7)
    for _ in range(min(RUNS, 40)):
        for path, data in pristine.items():
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path)
            else:
                path.unlink(missing_ok=True)
            damage = rng.randrange(6)
            if damage == 0:
                path.symlink_to(root / "playbook")
            elif damage == 1:
                os.mkfifo(path)
            elif damage == 2:
                path.mkdir()
            else:
                path.write_bytes(_mutate(data, rng))
        with _time_limit(TIMEOUT):
            assert read_history(root, schemas) == honest
