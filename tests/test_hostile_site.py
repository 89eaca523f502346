"""Hostile repositories and failing machines, at the site: nothing forged, nothing lost.

Real builds of a small playbook, with a real tmpfs for a full disk and real signals to a real
child process; each section is one class of problem.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import run_playbook
from sitekit import make_site_repo, tree_bytes

from generator.site.write import MARKER

QUIET = {"NO_MKDOCS_2_WARNING": "1"}


def build(repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return run_playbook("--root", str(repo), "build", *args, env=QUIET)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fixture repository with its site built once."""
    repo = make_site_repo(tmp_path_factory.mktemp("built") / "repo")
    result = build(repo)
    assert result.returncode == 0, result.stdout + result.stderr
    return repo


@pytest.fixture
def repo(built: Path, tmp_path: Path) -> Path:
    """A copy of the built repository, site included, for one test to change."""
    copy = tmp_path / "repo"
    shutil.copytree(built, copy, symlinks=True)
    return copy


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if ".new-" in p.name or ".old-" in p.name)


# --- 2. the finished site is scanned on every build ----------------------------------------


def test_a_theme_override_that_adds_script_fails_the_build_and_keeps_the_site(
    repo: Path,
) -> None:
    before = tree_bytes(repo / "site")
    main = repo / "site_templates/overrides/main.html"
    main.write_text(
        main.read_text().replace("{{ super() }}", "{{ super() }}<script>alert(1)</script>")
    )
    result = build(repo)
    assert result.returncode == 1
    assert "failed the safety scan" in result.stderr and "alert(1)" in result.stderr
    assert "Traceback" not in result.stderr
    assert tree_bytes(repo / "site") == before
    assert leftovers(repo) == []


# --- 4. a full disk is one line, and the previous site stays -------------------------------


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A real 40 MB tmpfs, mounted for the test (needs root; skipped elsewhere)."""
    mount = tmp_path / "disk"
    mount.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=40m", "tmpfs", str(mount)],
        capture_output=True,
        check=False,
    )
    if done.returncode != 0:
        pytest.skip("cannot mount a tmpfs here")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def test_a_full_disk_during_the_engine_step_is_one_line_and_keeps_the_site(
    repo: Path, small_disk: Path
) -> None:
    site = small_disk / "site"
    first = build(repo, "--out", str(site))
    assert first.returncode == 0, first.stderr
    before = tree_bytes(site)
    # Fill the disk but for a little room: the staging folder is made, the engine runs out.
    free = shutil.disk_usage(small_disk).free
    with open(small_disk / "filler", "wb") as filler:
        filler.truncate(0)
        filler.write(b"\0" * max(free - 300_000, 0))
    result = build(repo, "--out", str(site))
    assert result.returncode == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith("playbook: error")]
    assert errors == [
        f"playbook: error: cannot write the site into {site}: No space left on device"
    ]
    assert "Traceback" not in result.stderr
    assert tree_bytes(site) == before
    assert leftovers(small_disk) == []


# --- 7. a killed build leaves staging folders that the next build removes -------------------


def test_staging_folders_of_a_killed_build_are_removed_by_the_next(repo: Path) -> None:
    command = [sys.executable, "-m", "generator", "--root", str(repo), "build"]
    child = subprocess.Popen(
        command, env={**os.environ, **QUIET}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    deadline = time.monotonic() + 120
    while not leftovers(repo) and child.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    child.send_signal(signal.SIGKILL)
    child.wait()
    assert child.returncode == -signal.SIGKILL
    stale = leftovers(repo)
    assert stale, "the build was killed before it made a staging folder"
    # Not ours: a user's folder named alike, without our marker, and one whose marker is a link.
    mine = repo / ".site.new-mine"
    mine.mkdir()
    (mine / "notes.txt").write_text("keep me")
    linked = repo / ".site.old-linked"
    linked.mkdir()
    (linked / MARKER).symlink_to(repo / "site" / MARKER)
    result = build(repo)
    assert result.returncode == 0, result.stderr
    assert leftovers(repo) == [".site.new-mine", ".site.old-linked"]
    assert (mine / "notes.txt").read_text() == "keep me"


def test_a_live_build_keeps_its_staging_folder(repo: Path) -> None:
    """Another run still filling its folder holds the marker's lock: its folder is left alone."""
    holder = subprocess.Popen(
        [
            sys.executable, "-c",
            "import sys, time; from pathlib import Path; "
            "from generator.site.write import staging_folder; "
            "print(staging_folder(Path(sys.argv[1])), flush=True); time.sleep(120)",
            str(repo / "site"),
        ],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert holder.stdout is not None
        live = Path(holder.stdout.readline().strip())
        assert live.is_dir() and (live / MARKER).is_file()
        result = build(repo)
        assert result.returncode == 0, result.stderr
        assert live.is_dir()
    finally:
        holder.kill()
        holder.wait()
        if holder.stdout is not None:
            holder.stdout.close()
    result = build(repo)  # its holder gone, the folder is a leftover like any other
    assert result.returncode == 0, result.stderr
    assert not live.exists()


# --- 8. only the writer's own marker proves a folder is ours ---------------------------------


def test_out_at_a_users_folder_with_a_sitemap_is_refused(repo: Path, tmp_path: Path) -> None:
    users = tmp_path / "my-folder"
    users.mkdir()
    (users / "sitemap.xml").write_text("<urlset/>")
    (users / "index.html").write_text("my page")
    (users / "thesis.txt").write_text("years of work")
    before = tree_bytes(users)
    result = build(repo, "--out", str(users))
    assert result.returncode == 2
    assert f"no {MARKER} in it" in result.stderr
    assert tree_bytes(users) == before
    # A marker that is a link to ours is no proof either.
    (users / MARKER).symlink_to(repo / "site" / MARKER)
    assert build(repo, "--out", str(users)).returncode == 2
    assert (users / "thesis.txt").read_text() == "years of work"
