"""Two builds of one commit are byte-identical: at another path, on another day, dated by
SOURCE_DATE_EPOCH when it is set."""

from __future__ import annotations

import gzip
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sitekit import make_site_repo, tree_bytes

WHEN = "2025-03-04T05:06:07+00:00"
EPOCH = 1_000_000_000  # 2001-09-09


def _git(repo: Path, *args: str) -> None:
    env = {
        **os.environ, "GIT_AUTHOR_DATE": WHEN, "GIT_COMMITTER_DATE": WHEN,
        "GIT_AUTHOR_NAME": "<b onclick=alert(1)>Ann</b>", "GIT_AUTHOR_EMAIL": "ann@example.org",
        "GIT_COMMITTER_NAME": "Ann", "GIT_COMMITTER_EMAIL": "ann@example.org",
    }  # fmt: skip
    subprocess.run(["git", *args], cwd=repo, env=env, check=True, capture_output=True)


def _build(repo: Path, epoch: int | None = None) -> dict[str, bytes]:
    env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    if epoch is not None:
        env["SOURCE_DATE_EPOCH"] = str(epoch)
    result = subprocess.run(
        [sys.executable, "-m", "generator", "build"], cwd=repo, env=env, capture_output=True,
        text=True, timeout=300, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    return tree_bytes(repo / "site")


@pytest.fixture(scope="module")
def origin(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A repository with one commit of the fixture playbook."""
    repo = make_site_repo(tmp_path_factory.mktemp("origin") / "repo")
    _git(repo, "init", "-q", "-b", "main")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "First <script>alert(1)</script> version")
    return repo


def _clone(origin: Path, target: Path) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        ["git", "clone", "-q", str(origin), str(target)], check=True, capture_output=True
    )
    return target


def test_one_commit_builds_the_same_bytes_at_any_path(origin: Path, tmp_path: Path) -> None:
    first = _build(_clone(origin, tmp_path / "a"))
    second = _build(_clone(origin, tmp_path / "somewhere" / "much" / "deeper" / "b"))
    assert first == second
    assert not any(str(tmp_path).encode() in data for data in first.values())


def test_source_date_epoch_dates_the_build(origin: Path, tmp_path: Path) -> None:
    repo = _clone(origin, tmp_path / "c")
    with (repo / "mkdocs.yml").open("a", encoding="utf-8") as mkdocs_yml:
        mkdocs_yml.write("\nsite_url: https://playbook.example.org/\n")  # the sitemap is dated
    dated = _build(repo, EPOCH)
    day = time.strftime("%Y-%m-%d", time.gmtime(EPOCH))
    assert day.encode() in dated["sitemap.xml"]
    assert gzip.decompress(dated["sitemap.xml.gz"]) == dated["sitemap.xml"]
    assert _build(repo, EPOCH) == dated
    later = _build(repo, EPOCH + 86_400)
    assert later != dated and later.keys() == dated.keys()


def test_without_source_date_epoch_the_date_comes_from_history(
    origin: Path, tmp_path: Path
) -> None:
    repo = _clone(origin, tmp_path / "e")
    site = _build(repo)
    stamped = int.from_bytes(site["sitemap.xml.gz"][4:8], "little")  # the gzip header's mtime
    assert time.strftime("%Y-%m-%d", time.gmtime(stamped)) == WHEN[:10]  # MkDocs keeps the day
    assert _build(repo) == site


def test_commit_metadata_reaches_pages_only_as_text(origin: Path, tmp_path: Path) -> None:
    from generator.site.scan import scan_site

    repo = _clone(origin, tmp_path / "d")
    _build(repo)
    assert [str(f) for f in scan_site(repo / "site")] == []
