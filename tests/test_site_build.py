"""The site end to end: CLI, MkDocs plugin, failure safety, links and the search index."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import run_playbook
from sitekit import REPO_URL, broken_links, make_site_repo, tree_bytes

QUIET = {"NO_MKDOCS_2_WARNING": "1"}
Run = Callable[..., subprocess.CompletedProcess[str]]


def build(repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return run_playbook("--root", str(repo), "build", *args, env=QUIET)


def mkdocs(repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "mkdocs", "build", *args]
    return subprocess.run(
        command,
        cwd=repo,
        env={**os.environ, **QUIET},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fixture repository with its site built once by `playbook build --strict`."""
    repo = make_site_repo(tmp_path_factory.mktemp("built") / "repo")
    result = build(repo, "--strict")
    assert result.returncode == 0, result.stdout + result.stderr
    return repo


def test_build_makes_the_site_with_every_page(built: Path) -> None:
    site = built / "site"
    for page in (
        "index.html",
        "roles/product-manager/index.html",
        "templates/brief/index.html",
        "processes/feedback-loop/index.html",
        "raci-matrix/index.html",
        "changelog/index.html",
        "tags/index.html",
        "contributor-reference/index.html",
        "playbook.json",
    ):
        assert (site / page).is_file(), page
    assert not (site / ".nav.yml").exists()
    model = json.loads((site / "playbook.json").read_text(encoding="utf-8"))
    assert {e["kind"] for e in model["entities"]} >= {"roles", "processes", "tools"}


def test_built_site_has_no_broken_internal_links(built: Path) -> None:
    assert broken_links(built / "site") == []


def test_hostile_fixture_puts_no_live_script_on_the_site(built: Path) -> None:
    from generator.site.scan import scan_site

    assert [str(finding) for finding in scan_site(built / "site")] == []


def test_edit_button_opens_the_source_file(built: Path) -> None:
    page = (built / "site" / "tools" / "amplitude" / "index.html").read_text(encoding="utf-8")
    assert f'href="{REPO_URL}/edit/main/playbook/tools/amplitude.yml"' in page
    catalogue = (built / "site" / "tools" / "index.html").read_text(encoding="utf-8")
    assert "/edit/main/" not in catalogue


def test_navigation_holds_catalogues_not_entities(built: Path) -> None:
    page = (built / "site" / "tools" / "amplitude" / "index.html").read_text(encoding="utf-8")
    nav = re.findall(r'<a href="([^"#]*)" class="md-nav__link', page)
    assert "../../roles/" in nav and "../" in nav and "../../raci-matrix/" in nav
    assert not [link for link in nav if link.count("/") > 3 or link.startswith("../../roles/p")]
    assert len(nav) == 17  # home, 11 kind catalogues, RACI, tags, changelog, health, reference


def pagefind_fragments(site: Path) -> dict[str, dict[str, Any]]:
    """Give what Pagefind stored for each page of the site's search index, by address."""
    import gzip

    fragments = {}
    for path in sorted((site / "pagefind" / "fragment").glob("*.pf_fragment")):
        data = gzip.decompress(path.read_bytes())
        assert data.startswith(b"pagefind_dcd")
        fragment = json.loads(data[len(b"pagefind_dcd") :])
        fragments[fragment["url"]] = fragment
    return fragments


def test_search_index_holds_every_entry_with_facets_from_the_model(built: Path) -> None:
    fragments = pagefind_fragments(built / "site")
    model = json.loads((built / "site" / "playbook.json").read_text(encoding="utf-8"))
    entries = {f"/{e['kind']}/{e['id']}/" for e in model["entities"]}
    assert set(fragments) == entries | {"/raci-matrix/"}
    process = fragments["/processes/feedback-loop/"]
    fields = next(
        e for e in model["entities"] if (e["kind"], e["id"]) == ("processes", "feedback-loop")
    )["fields"]
    roles = {e["id"]: e["title"] for e in model["entities"] if e["kind"] == "roles"}
    # Facet values are what readers see: titles, not ids.
    assert process["filters"]["kind"] == ["Processes"]
    assert process["filters"]["raci"] == sorted(
        f"{roles[r]}: {x}" for r, x in fields["raci"].items()
    )
    assert set(process["filters"]["role"]) >= {roles[r] for r in fields["raci"]}
    assert process["meta"]["title"] == fields["title"]
    # Snippets come from the entry's words, not from the page's labels and review box.
    assert fields["summary"] in process["content"]
    for page in fragments.values():
        assert not re.search(r"Maintained by|Last reviewed|flowchart", page["content"]), page["url"]
        assert bool(page["filters"].get("review")) == (page["url"] in entries), page["url"]
    # The RACI matrix is found by the processes and roles it lists, and is no facet's value.
    matrix = fragments["/raci-matrix/"]
    assert fields["title"] in matrix["content"]
    assert all(roles[r] in matrix["content"] for r in fields["raci"])
    assert not matrix["filters"]


def test_search_ranks_by_the_kinds_boost(built: Path) -> None:
    from generator.content.schemas import load_schemas
    from generator.site.search import record_html, search_records

    # The same words weigh more in a kind with a higher search_boost (tools 5, faq 2).
    schemas = load_schemas(built / "schemas", built)
    boosts = {name: kind.spec.search_boost for name, kind in schemas.kinds.items()}
    assert boosts["tools"] > boosts["faq"]
    from generator.config import load_config
    from generator.pipeline import validate_playbook

    validation = validate_playbook(load_config(built))
    records = {r.url: r for r in search_records(validation.playbook, validation.schemas, 30)}
    weights = {
        url: [float(w) for w in re.findall(r'data-pagefind-weight="([\d.]+)"', record_html(r))]
        for url, r in records.items()
    }
    assert weights["/tools/amplitude/"] > weights["/faq/what-is-product-ops/"]


def test_two_builds_are_byte_identical(built: Path, tmp_path: Path) -> None:
    repo = shutil.copytree(
        built, tmp_path / "again", ignore=shutil.ignore_patterns("site", "build")
    )
    commit_all(repo)
    first = build(repo)
    assert first.returncode == 0, first.stderr
    snapshot = tree_bytes(repo / "site")
    second = build(repo)
    assert second.returncode == 0, second.stderr
    assert tree_bytes(repo / "site") == snapshot
    assert not any(str(tmp_path).encode() in data for data in snapshot.values())


def commit_all(repo: Path) -> None:
    """Make `repo` a git repository with one commit of everything, dated for reproducibility."""
    when = "2026-01-02T03:04:05+00:00"
    env = {
        **os.environ,
        "GIT_AUTHOR_DATE": when,
        "GIT_COMMITTER_DATE": when,
        "GIT_AUTHOR_NAME": "Ann",
        "GIT_AUTHOR_EMAIL": "ann@example.org",
        "GIT_COMMITTER_NAME": "Ann",
        "GIT_COMMITTER_EMAIL": "ann@example.org",
    }
    for command in (
        ["init", "-q", "-b", "main"],
        ["add", "-A"],
        ["commit", "-q", "-m", "Start the playbook"],
    ):
        subprocess.run(["git", *command], cwd=repo, env=env, check=True, capture_output=True)


def test_invalid_content_exits_1_and_leaves_the_site_untouched(built: Path, tmp_path: Path) -> None:
    repo = shutil.copytree(built, tmp_path / "repo")
    site_before, docs_before = tree_bytes(repo / "site"), tree_bytes(repo / "build" / "docs")
    process = repo / "playbook" / "processes" / "feedback-loop.yml"
    process.write_text(
        process.read_text(encoding="utf-8").replace(
            "owner: product-ops-manager", "owner: product-op-manager"
        )
    )
    result = build(repo)
    assert result.returncode == 1
    assert re.search(
        r"playbook/processes/feedback-loop\.yml:\d+:\d+: error\[ref-unknown\]", result.stdout
    )
    assert tree_bytes(repo / "site") == site_before
    assert tree_bytes(repo / "build" / "docs") == docs_before
    assert sorted(p.name for p in repo.iterdir() if p.name.startswith(".")) == []


def test_a_failing_engine_build_leaves_the_site_untouched(built: Path, tmp_path: Path) -> None:
    repo = shutil.copytree(built, tmp_path / "repo")
    before = tree_bytes(repo / "site")
    guide = repo / "playbook" / "guides" / "using-this-playbook.md"
    guide.write_text(guide.read_text(encoding="utf-8") + "\nSee [the readme](../../README.md).\n")
    result = build(repo, "--strict")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "README.md" in result.stderr
    assert tree_bytes(repo / "site") == before
    assert sorted(p.name for p in repo.iterdir() if p.name.startswith(".")) == []


def test_refuses_to_build_over_the_sources(built: Path) -> None:
    result = build(built, "--out", str(built / "playbook"))
    assert result.returncode == 2
    assert (built / "playbook" / "tools" / "amplitude.yml").is_file()


def test_build_writes_where_mkdocs_yml_says(built: Path, tmp_path: Path) -> None:
    repo = shutil.copytree(built, tmp_path / "repo", ignore=shutil.ignore_patterns("site"))
    settings = repo / "mkdocs.yml"
    text = settings.read_text(encoding="utf-8")
    assert "\nsite_dir: site\n" in text
    settings.write_text(text.replace("\nsite_dir: site\n", "\nsite_dir: public\n"), "utf-8")
    result = build(repo)
    assert result.returncode == 0, result.stderr
    assert (repo / "public" / "tools" / "amplitude" / "index.html").is_file()
    assert not (repo / "site").exists()


def test_build_reports_each_warning_once(built: Path, tmp_path: Path) -> None:
    repo = shutil.copytree(built, tmp_path / "repo", ignore=shutil.ignore_patterns("site"))
    (repo / "playbook" / "misc").mkdir()
    result = build(repo)
    assert result.returncode == 0, result.stderr
    output = result.stdout + result.stderr
    assert output.count("warning[unknown-folder]") == 1, output


def test_plain_mkdocs_build_strict_runs_the_plugin(built: Path, tmp_path: Path) -> None:
    repo = shutil.copytree(built, tmp_path / "repo", ignore=shutil.ignore_patterns("site"))
    (repo / "build" / "docs" / "stale.md").write_text("# Stale\n", encoding="utf-8")
    tool = repo / "playbook" / "tools" / "amplitude.yml"
    tool.write_text(
        tool.read_text(encoding="utf-8").replace("title: Amplitude", "title: Amplitude Analytics")
    )
    result = mkdocs(repo, "--strict")
    assert result.returncode == 0, result.stderr
    assert not (repo / "build" / "docs" / "stale.md").exists()
    page = (repo / "site" / "tools" / "amplitude" / "index.html").read_text(encoding="utf-8")
    assert "Amplitude Analytics" in page


def test_plain_mkdocs_build_renders_what_playbook_build_renders(
    built: Path, tmp_path: Path
) -> None:
    repo = shutil.copytree(built, tmp_path / "repo", ignore=shutil.ignore_patterns("site"))
    docs = tree_bytes(repo / "build" / "docs")
    result = mkdocs(repo, "--strict")
    assert result.returncode == 0, result.stderr
    assert tree_bytes(repo / "build" / "docs") == docs
    assert "feed.xml" in docs  # mkdocs.yml sets site_url, and every page links the feed
    assert broken_links(repo / "site") == []


def test_build_writes_the_markdown_tree_once(
    built: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from generator import pipeline
    from generator.config import load_config
    from generator.site import write

    repo = shutil.copytree(built, tmp_path / "repo", ignore=shutil.ignore_patterns("site", "build"))
    written: list[Path] = []
    real = write.write_tree

    def counting(files: dict[str, str], out: Path, *rest: Any) -> bool:
        written.append(out)
        return real(files, out, *rest)

    monkeypatch.setattr(write, "write_tree", counting)  # the pipeline's and the adapter's
    monkeypatch.setenv("NO_MKDOCS_2_WARNING", "1")
    config = load_config(repo)
    pipeline.build_site(config, pipeline.render_playbook(config, False), None, False)
    assert written == [repo / "build" / "docs"]
    assert (repo / "site" / "index.html").is_file()


def test_a_broken_page_template_exits_2_with_its_location(built: Path, tmp_path: Path) -> None:
    repo = shutil.copytree(built, tmp_path / "repo", ignore=shutil.ignore_patterns("site"))
    (repo / "site_templates" / "pages" / "tags.md.j2").write_text("{% if %}\n", encoding="utf-8")
    result = run_playbook("--root", str(repo), "render")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert f"{repo / 'site_templates' / 'pages' / 'tags.md.j2'}:1: " in result.stderr


def test_plain_mkdocs_build_reports_content_errors_like_validate(
    built: Path, tmp_path: Path
) -> None:
    repo = shutil.copytree(built, tmp_path / "repo")
    before = tree_bytes(repo / "site")
    tool = repo / "playbook" / "tools" / "amplitude.yml"
    tool.write_text(
        tool.read_text(encoding="utf-8").replace("category: analytics", "category: analitics")
    )
    expected = run_playbook("--root", str(repo), "validate", "--no-context")
    assert expected.returncode == 1
    result = mkdocs(repo)
    assert result.returncode != 0
    first_issue = expected.stdout.splitlines()[0]
    assert first_issue.startswith("playbook/tools/amplitude.yml:")
    assert first_issue in result.stderr
    assert tree_bytes(repo / "site") == before


def test_render_writes_only_the_markdown_tree(built: Path, tmp_path: Path) -> None:
    out = tmp_path / "tree"
    result = run_playbook("--root", str(built), "render", "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert (out / "index.md").is_file() and (out / "processes" / "feedback-loop.md").is_file()
    assert not list(out.rglob("*.html"))


def test_validation_and_render_do_not_load_the_site_engine(built: Path) -> None:
    code = (
        "import sys; from pathlib import Path\n"
        "from generator.cli import cli\n"
        "from generator.pipeline import render_playbook\n"
        "from generator.config import load_config\n"
        f"generated = render_playbook(load_config(Path({str(built)!r})), False)\n"
        "assert generated.rendered\n"
        "engine = [m for m in sys.modules if m.split('.')[0] in ('mkdocs', 'material')]\n"
        "assert not engine, engine\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr


def test_the_scan_since_a_time_reads_only_the_pages_written_since(tmp_path: Path) -> None:
    from generator.site.scan import scan_site

    bad = "<html><body><script>alert(1)</script></body></html>"
    (tmp_path / "old.html").write_text(bad, encoding="utf-8")
    os.utime(tmp_path / "old.html", (1_000_000_000, 1_000_000_000))
    (tmp_path / "new.html").write_text(bad, encoding="utf-8")
    assert {f.path for f in scan_site(tmp_path)} == {"old.html", "new.html"}
    assert {f.path for f in scan_site(tmp_path, since=1_500_000_000)} == {"new.html"}
