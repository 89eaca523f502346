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


def test_plain_mkdocs_build_fails_on_the_scan_too(repo: Path) -> None:
    main = repo / "site_templates/overrides/main.html"
    main.write_text(
        main.read_text().replace("{{ super() }}", '{{ super() }}<img src="x" onerror="alert(1)">')
    )
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--site-dir", str(repo / "plain")],
        cwd=repo, env={**os.environ, **QUIET}, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode != 0
    assert "failed the safety scan" in result.stderr and "event-attribute" in result.stderr


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


# --- 2. mkdocs.yml values that reach pages are checked, naming the key ---------------------

HOSTILE_SETTINGS = [
    ('edit_uri: "javascript:alert(1)//"', "edit_uri:"),
    ('edit_uri_template: "javascript:alert(1)//{path}"', "edit_uri_template:"),
    ('repo_url: "javascript://%0aalert(1)"', "repo_url:"),
    ('repo_url: "//evil.example/x"', "repo_url:"),
    ('site_name: "<img src=x onerror=alert(1)>"', "site_name:"),
    ('site_url: "javascript:alert(1)"', "site_url:"),
    ("site_description: '\"><script>alert(1)</script>'", "site_description:"),
    ('copyright: "<a href=javascript:alert(1)>c</a>"', "copyright:"),
    ('repo_name: "\\e]0;PWNED\\a"', "repo_name:"),
    ('site_author: "a\\u202eb"', "site_author:"),
    (
        'extra: {social: [{icon: fontawesome/brands/github, link: "jav&#x09;ascript:alert(1)"}]}',
        "extra.social[0].link:",
    ),
    ('extra: {homepage: "data:text/html,<script>alert(1)</script>"}', "extra.homepage:"),
    ("extra: {scope: '\\\\\"-alert(1)-\\\\\"'}", "extra.scope:"),
    ('extra: {status: {new: "x\\" onmouseover=\\"alert(1)"}}', "extra.status.new:"),
    (
        "theme: {name: material, custom_dir: site_templates/overrides, font: false, "
        "palette: {primary: 'indigo\" onmouseover=\"alert(1)'}}",
        "theme.palette.primary:",
    ),
    ('nav: [{"<img src=x onerror=alert(1)>": index.md}]', "nav[0] title:"),
    ('nav: [{"&lt;/title&gt;": index.md}]', "nav[0] title:"),
    ('nav: [{Evil: "javascript:alert(1)"}]', "nav[0].Evil:"),
    ('extra_css: ["javascript:alert(1)"]', "extra_css[0]:"),
]


@pytest.mark.parametrize(("setting", "key"), HOSTILE_SETTINGS, ids=[k for _, k in HOSTILE_SETTINGS])
def test_a_hostile_mkdocs_value_is_refused_naming_its_key(
    repo: Path, setting: str, key: str
) -> None:
    before = tree_bytes(repo / "site")
    with (repo / "mkdocs.yml").open("a") as mkdocs_yml:
        mkdocs_yml.write(f"\n{setting}\n")  # a later key wins, in MkDocs as in our reader
    result = build(repo)
    assert result.returncode == 2, result.stdout + result.stderr
    assert f"playbook: error: mkdocs.yml: {key}" in result.stderr or f"; {key}" in result.stderr
    assert "Traceback" not in result.stderr
    assert all(c.isprintable() or c == "\n" for c in result.stderr)
    assert tree_bytes(repo / "site") == before


def test_plain_mkdocs_build_refuses_a_hostile_value_too(repo: Path) -> None:
    with (repo / "mkdocs.yml").open("a") as mkdocs_yml:
        mkdocs_yml.write('\nrepo_url: "javascript://%0aalert(1)"\n')
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--site-dir", str(repo / "plain")],
        cwd=repo, env={**os.environ, **QUIET}, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode != 0
    assert "repo_url:" in result.stderr
    assert not (repo / "plain" / "index.html").exists()


def test_ordinary_mkdocs_values_still_build(repo: Path) -> None:
    with (repo / "mkdocs.yml").open("a") as mkdocs_yml:
        mkdocs_yml.write(
            "\ncopyright: Copyright &copy; 2024 R&D's team\n"
            "site_author: Zoë O'Brien\n"
            "extra:\n  social:\n    - icon: fontawesome/solid/envelope\n"
            "      link: mailto:ops@example.org\n"
            "    - icon: fontawesome/brands/github\n      link: https://github.com/example-org\n"
        )
    result = build(repo)
    assert result.returncode == 0, result.stdout + result.stderr
    index = (repo / "site/index.html").read_text()
    assert "R&D's team" in index and "mailto:ops@example.org" in index


# --- 3. the theme folder: no pipe blocks the engine, no link publishes a file ---------------


@pytest.mark.parametrize("kind", ["pipe", "link"])
def test_a_pipe_or_link_in_the_theme_folder_is_refused(repo: Path, kind: str) -> None:
    before = tree_bytes(repo / "site")
    path = repo / "site_templates/overrides/partials/footer.html"
    path.parent.mkdir(parents=True, exist_ok=True)
    if kind == "pipe":
        os.mkfifo(path)
    else:
        path.symlink_to("/etc/passwd")
    result = run_playbook("--root", str(repo), "build", env=QUIET, timeout=120)
    assert result.returncode == 2, result.stderr
    assert "site_templates/overrides/partials/footer.html: the theme folder" in result.stderr
    assert tree_bytes(repo / "site") == before


def test_a_pipe_or_link_among_page_templates_and_assets_is_refused(repo: Path) -> None:
    template = repo / "site_templates/pages/home.md.j2"
    template.unlink()
    os.mkfifo(template)
    result = run_playbook("--root", str(repo), "build", env=QUIET, timeout=120)
    assert result.returncode == 2 and "cannot read the template" in result.stderr
    template.unlink()
    template.symlink_to("/etc/passwd")
    result = run_playbook("--root", str(repo), "build", env=QUIET, timeout=120)
    assert result.returncode == 2 and "symbolic link" in result.stderr
    template.unlink()
    shutil.copy(Path(__file__).parent.parent / "site_templates/pages/home.md.j2", template)
    (repo / "site_templates/assets/leak.txt").symlink_to("/etc/passwd")
    result = run_playbook("--root", str(repo), "build", env=QUIET, timeout=120)
    assert result.returncode == 2 and "cannot copy the site asset" in result.stderr


# --- 9. a repository git refuses: a warning with the fix, and no path on the site -----------


def test_a_repository_owned_by_another_user_warns_without_its_path(
    repo: Path, tmp_path: Path
) -> None:
    if os.geteuid() != 0:
        pytest.skip("needs root to give the repository to another user")
    env = {**os.environ, "HOME": str(tmp_path), "GIT_CONFIG_NOSYSTEM": "1"}
    for command in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "Start"]):
        subprocess.run(
            ["git", "-c", "user.name=Ada", "-c", "user.email=ada@example.org", *command],
            cwd=repo, env=env, check=True, capture_output=True,
        )  # fmt: skip
    subprocess.run(["chown", "-R", "4242:4242", str(repo)], check=True)
    result = run_playbook("--root", str(repo), "build", env={**QUIET, "HOME": str(tmp_path)})
    assert result.returncode == 0, result.stderr
    assert "safe.directory" in result.stderr and "dubious ownership" in result.stderr
    changelog = (repo / "site/changelog/index.html").read_text()
    assert "safe.directory" in changelog
    for page in (repo / "site").rglob("*.html"):
        assert str(tmp_path) not in page.read_text(), page


# --- 10. the search indexer named by the environment: checked, and the site kept -----------


@pytest.mark.parametrize(
    ("program", "code", "says"),
    [
        (None, 2, "PLAYBOOK_PAGEFIND is '{path}', which is not an executable file"),
        ("no interpreter line, so no program", 1, "cannot start the search indexer"),
        ("#!/bin/sh\nexit 0\n", 1, "the search indexer (Pagefind) stopped unexpectedly"),
    ],
    ids=["missing", "not-a-program", "quits"],
)
def test_a_bad_pagefind_executable_is_an_error_and_keeps_the_site(
    repo: Path, tmp_path: Path, program: str | None, code: int, says: str
) -> None:
    before = tree_bytes(repo / "site")
    path = tmp_path / "pagefind"
    if program is not None:
        path.write_text(program, encoding="utf-8")
        path.chmod(0o755)
    result = run_playbook(
        "--root", str(repo), "build", env={**QUIET, "PLAYBOOK_PAGEFIND": str(path)}
    )
    assert result.returncode == code, result.stderr
    assert says.format(path=path) in result.stderr
    assert "Traceback" not in result.stderr
    assert tree_bytes(repo / "site") == before
