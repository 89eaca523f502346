"""The Markdown tree: structure, links, backlinks, edit links, escaping, history, determinism."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import markdown
import pytest
import yaml
from sitekit import FIXTURE, HOSTILE_TITLE, REPO_URL, make_site_repo, tree_bytes

from generator.checks.mermaid import diagram_problems
from generator.config import load_config
from generator.errors import ConfigError
from generator.export import export_model
from generator.history.digest import BULK
from generator.model import ChangelogEntry, Commit, EntityChange, EntityHistory, History, Release
from generator.pipeline import Validation, validate_playbook
from generator.site import paths
from generator.site.duties import raci_shapes
from generator.site.mermaid import flowchart, label
from generator.site.render import SiteSettings, render_site


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return make_site_repo(tmp_path / "repo")


@pytest.fixture
def validation(repo: Path) -> Validation:
    result = validate_playbook(load_config(repo))
    assert not result.failed(), result.issues
    return result


def settings(repo: Path) -> SiteSettings:
    return SiteSettings(
        template_dir=repo / "site_templates", repo_url=REPO_URL, edit_uri="edit/main/"
    )


def render(repo: Path, validation: Validation, history: History | None = None) -> dict[str, str]:
    return render_site(validation, history or History(), settings(repo))


def front_matter(page: str) -> dict[str, object]:
    _, head, _ = page.split("---\n", 2)
    data = yaml.safe_load(head)
    assert isinstance(data, dict)
    return data


def to_html(page: str) -> str:
    """Convert a generated page with the site's Markdown extensions (front matter removed)."""
    body = page.split("---\n", 2)[2]
    return markdown.markdown(
        body,
        extensions=[
            *("abbr", "admonition", "attr_list", "md_in_html", "tables", "toc"),
            *("pymdownx.superfences", "pymdownx.tasklist"),
        ],
        extension_configs={
            "pymdownx.superfences": {
                "custom_fences": [{"name": "mermaid", "class": "mermaid", "format": _fence}]
            }
        },
    )


def _fence(
    source: str, language: str, class_name: str, options: object, md: object, **kw: object
) -> str:
    from generator.site.fences import mermaid_fence

    return mermaid_fence(source, language, class_name, options, md, **kw)


def test_tree_has_home_catalogues_entity_pages_and_site_pages(
    repo: Path, validation: Validation
) -> None:
    files = render(repo, validation)
    assert list(files) == sorted(files)
    for kind in validation.playbook.kinds:
        assert paths.catalogue_page(kind) in files
    for entity in validation.playbook:
        assert paths.entity_page(entity.kind, entity.id) in files
    for page in (
        paths.HOME,
        paths.RACI,
        paths.CHANGELOG,
        paths.TAGS,
        paths.REFERENCE,
        paths.MODEL_JSON,
    ):
        assert page in files
    assert "assets/playbook.css" in files
    assert json.loads(files[paths.MODEL_JSON]) == json.loads(json.dumps(export_model(validation)))


def test_navigation_lists_catalogues_not_entities(repo: Path, validation: Validation) -> None:
    nav = yaml.safe_load(render(repo, validation)[paths.NAV])["nav"]
    targets = [next(iter(item.values())) for item in nav]
    assert targets[0] == paths.HOME
    assert {paths.catalogue_page(k) for k in validation.playbook.kinds} <= set(targets)
    assert {paths.RACI, paths.CHANGELOG, paths.TAGS, paths.REFERENCE} <= set(targets)
    assert not {paths.entity_page(e.kind, e.id) for e in validation.playbook} & set(targets)


def test_links_to_source_files_point_at_generated_pages(repo: Path, validation: Validation) -> None:
    files = render(repo, validation)
    process = files["processes/feedback-loop.md"]
    assert "[Amplitude](../tools/amplitude.md)" in process
    assert "(../templates/brief.md)" in process
    assert "(../processes/feedback-loop.md#steps)" in files["pillars/data-insights.md"]
    assert "[product ops manager](product-ops-manager.md)" in files["roles/product-manager.md"]
    for path, text in files.items():
        if path.endswith(".md"):
            prose = re.sub(r"`[^`\n]*`", "", text)
            assert not re.search(r"\]\([^)\s]*\.yml(#[^)]*)?\)", prose), path


def test_backlinks_show_who_uses_an_entity(repo: Path, validation: Validation) -> None:
    page = render(repo, validation)["tools/amplitude.md"]
    tool = files_used_by(page)
    assert "[Run the feedback loop](../processes/feedback-loop.md)" in tool
    assert "[Activation rate](../metrics/activation-rate.md)" in tool
    # The pillar links the tool back, but the tool's own fields already show it: listed once.
    pillar = "[Data and insights](../pillars/data-insights.md)"
    assert pillar not in tool and page.split("## Used by", 1)[0].count(pillar) == 1
    # A process that names the tool in its purpose and in a step is listed once, under both.
    assert tool.count("[Run the feedback loop]") == 1
    assert "- **Processes** (purpose, steps): [Run the feedback loop]" in tool
    role = files_used_by(render(repo, validation)["roles/product-ops-manager.md"])
    assert "[Product manager](product-manager.md)" in role


def files_used_by(page: str) -> str:
    assert "## Used by" in page
    return page.split("## Used by", 1)[1]


def test_entity_pages_edit_their_source_file(repo: Path, validation: Validation) -> None:
    files = render(repo, validation)
    for entity in validation.playbook:
        meta = front_matter(files[paths.entity_page(entity.kind, entity.id)])
        assert meta["edit_url"] == f"{REPO_URL}/edit/main/{entity.source.path}"
        assert meta["search"] == {"boost": validation.playbook.kinds[entity.kind].search_boost}
    assert "edit_url" not in front_matter(files[paths.catalogue_page("tools")])
    assert "edit_url" not in front_matter(files[paths.HOME])


def test_edit_uri_template_and_missing_repository(repo: Path, validation: Validation) -> None:
    custom = SiteSettings(
        repo / "site_templates",
        repo_url="https://git.example.org/team/pb",
        edit_uri_template="-/edit/trunk/{path}",
    )
    page = render_site(validation, History(), custom)["tools/amplitude.md"]
    assert (
        front_matter(page)["edit_url"]
        == "https://git.example.org/team/pb/-/edit/trunk/playbook/tools/amplitude.yml"
    )
    bare = render_site(validation, History(), SiteSettings(repo / "site_templates"))
    assert "edit_url" not in front_matter(bare["tools/amplitude.md"])
    quoted = SiteSettings(
        repo / "site_templates", repo_url=REPO_URL, edit_uri_template="blob/{path!q}"
    )
    assert quoted.edit_url("playbook/a b.yml") == f"{REPO_URL}/blob/playbook%2Fa%20b.yml"


def test_mkdocs_yml_is_read_as_mkdocs_reads_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from generator.site.render import DEFAULT_SITE_NAME
    from generator.site.settings import read_mkdocs_yml, site_settings

    (tmp_path / "mkdocs.yml").write_text(
        'site_url: !ENV [PB_TEST_SITE_URL, "https://default.example/"]\n'
        "site_name: !ENV PB_TEST_UNSET\n"
        "markdown_extensions:\n  - custom: !!python/name:os.sep\n",
        encoding="utf-8",
    )
    monkeypatch.delenv("PB_TEST_UNSET", raising=False)
    monkeypatch.delenv("PB_TEST_SITE_URL", raising=False)
    config = load_config(tmp_path)
    settings = site_settings(config, read_mkdocs_yml(tmp_path))
    assert settings.site_url == "https://default.example/"
    assert settings.site_name == DEFAULT_SITE_NAME
    monkeypatch.setenv("PB_TEST_SITE_URL", "https://env.example/")
    assert site_settings(config, read_mkdocs_yml(tmp_path)).site_url == "https://env.example/"


@pytest.mark.parametrize("template", ["{foo}", "{0}", "{path", "{path!x}", "{path.x}", "{path[a]}"])
def test_a_broken_edit_uri_template_is_a_configuration_error(template: str) -> None:
    with pytest.raises(ConfigError, match="edit_uri_template"):
        SiteSettings(Path("site_templates"), repo_url=REPO_URL, edit_uri_template=template)


@pytest.mark.parametrize(
    ("text", "problem"),
    [("{% if %}\n", "Expected an expression"), ("Tags\n\n{{ nope }}\n", "'nope' is undefined")],
)
def test_a_broken_page_template_is_located(
    repo: Path, validation: Validation, text: str, problem: str
) -> None:
    template = repo / "site_templates" / "pages" / "tags.md.j2"
    template.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as raised:
        render(repo, validation)
    assert str(raised.value).startswith(f"{template}:{text.count(chr(10))}: ")
    assert problem in str(raised.value)


def test_a_missing_page_template_or_a_binary_asset_is_a_configuration_error(
    repo: Path, validation: Validation
) -> None:
    (repo / "site_templates" / "pages" / "entity.md.j2").unlink()
    with pytest.raises(ConfigError, match=r"no page template entity\.md\.j2"):
        render(repo, validation)
    (repo / "site_templates" / "pages" / "entity.md.j2").write_text("x\n", encoding="utf-8")
    (repo / "site_templates" / "assets" / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n\xff")
    with pytest.raises(ConfigError, match=r"logo\.png"):
        render(repo, validation)


def test_hostile_text_shows_as_text_and_never_as_markup(repo: Path, validation: Validation) -> None:
    page = render(repo, validation)["tools/hostile.md"]
    html = to_html(page)
    assert "<script" not in html and "<img" not in html and "<b>" not in html
    assert "javascript:" not in re.sub(
        r"&[a-z]+;|\\", "", "".join(re.findall(r'href="[^"]*"', html))
    )
    assert not re.search(r"<[^>]*\son[a-z]+=", html)
    heading = re.search(r"<h1[^>]*>(.*?)</h1>", html)
    assert heading is not None
    import html as html_module

    assert html_module.unescape(re.sub(r"<[^>]+>", "", heading[1])) == HOSTILE_TITLE
    meta = front_matter(page)
    assert "<" not in str(meta["title"]) and '"' not in str(meta["title"])
    assert html_module.unescape(str(meta["title"])) == HOSTILE_TITLE


def test_content_markdown_goes_through_safe_markdown(
    repo: Path, validation: Validation, monkeypatch: pytest.MonkeyPatch
) -> None:
    from generator.site import sanitize

    monkeypatch.setattr(sanitize, "safe_markdown", lambda text: f"SANITISED[{text}]")
    files = render(repo, validation)
    assert "SANITISED[Turn what customers say" in files["processes/feedback-loop.md"]
    assert "SANITISED[Gather feedback" in files["processes/feedback-loop.md"]
    assert "SANITISED[Score each idea" in files["frameworks/rice.md"]
    assert (
        "SANITISED["
        not in files["processes/feedback-loop.md"]
        .split("# Run the feedback loop")[1]
        .split("\n")[2]
    )


def test_process_page_reads_as_a_process(repo: Path, validation: Validation) -> None:
    page = render(repo, validation)["processes/feedback-loop.md"]
    for heading in (
        "## Purpose",
        "## Who is involved (RACI)",
        "## Inputs",
        "## Outputs",
        "## Steps",
        "### 1. ",
        "### 2. Review and decide",
        "## Metrics",
        "## Document templates",
    ):
        assert heading in page
    assert "| [Product ops manager](../roles/product-ops-manager.md) | **A**: Accountable |" in page
    assert (
        "**Role:** [Product manager](../roles/product-manager.md) · "
        "**Tools:** [Amplitude](../tools/amplitude.md)" in page
    )
    assert "- **Owner role:** [Product ops manager](../roles/product-ops-manager.md)" in page
    assert page.index("```mermaid") < page.index("### 1. ")


def test_mermaid_labels_cannot_break_the_diagram() -> None:
    hostile = 'Collect "feedback" [all] --> end; click x call alert(1)\n```\n<b>'
    assert re.fullmatch(r"[A-Za-z0-9 ,.\-#;]*", label(hostile))
    chart = flowchart(hostile, [(hostile, "Role <x>", "step-1"), ("Second", "Role", "step-2")])
    assert chart.startswith("flowchart TB\n")
    assert "```" not in chart and '"feedback"' not in chart and "<b>" not in chart
    assert re.search(r'step1\[".*"\] --> step2\["', chart)
    assert len(re.findall(r'step\d+\["', chart)) == 2
    # One statement each, whatever the title says: no `;`, no code, no markup in them.
    title, description = chart.split("\n")[1:3]
    assert title.startswith("    accTitle: Steps of Collect feedback all --")
    assert description.startswith("    accDescr: 2 steps: 1. Collect feedback")
    assert not re.search(r"[;<>\"\[\]`#]", title + description)
    clicks = [line.strip() for line in chart.splitlines() if "click" in line.split()[:1]]
    assert clicks == ['click step1 href "#step-1"', 'click step2 href "#step-2"']
    # Only in-page anchors become links; the site's scan accepts those and nothing else.
    assert "click" not in flowchart("T", [("A", "R", "javascript:x")])
    lines = [(n, 0, text) for n, text in enumerate(chart.split("\n"))]
    assert list(diagram_problems(lines, page_links=True)) == []
    assert [p.message for p in diagram_problems(lines)] == [
        "`click` makes the diagram run code"
    ] * 2
    for hostile_link in (
        'click step1 href "https://x.org"',
        'click step1 href "#a" _blank',
        "click step1 call alert(1)",
        'click step1 href "#a"; click x call y()',
    ):
        assert list(diagram_problems([(0, 0, hostile_link)], page_links=True)), hostile_link


def test_diagram_is_a_mermaid_fence_left_out_of_search(repo: Path, validation: Validation) -> None:
    html = to_html(render(repo, validation)["processes/feedback-loop.md"])
    block = re.search(
        r'<pre class="mermaid" data-search-exclude><code>(.*?)</code></pre>', html, re.S
    )
    assert block is not None and "flowchart TB" in block[1]


def test_abbreviations_are_defined_where_they_are_used(repo: Path, validation: Validation) -> None:
    files = render(repo, validation)
    assert (
        files["roles/product-ops-manager.md"].rstrip().endswith("*[KPI]: Key performance indicator")
    )
    assert "*[KPI]" not in files["tools/amplitude.md"]
    assert '<abbr title="Key performance indicator">KPI</abbr>' in to_html(
        files["roles/product-ops-manager.md"]
    )


def test_catalogues_group_tools_by_category_and_processes_by_pillar(
    repo: Path, validation: Validation
) -> None:
    files = render(repo, validation)
    tools = files[paths.catalogue_page("tools")]
    assert (
        tools.index("## Analytics")
        < tools.index("[Amplitude](amplitude.md)")
        < tools.index("## Feedback")
    )
    processes = files[paths.catalogue_page("processes")]
    assert processes.index("## Data and insights") < processes.index(
        "[Run the feedback loop](feedback-loop.md)"
    )


def test_raci_tags_reference_and_search_tuning(repo: Path, validation: Validation) -> None:
    files = render(repo, validation)
    raci = files[paths.RACI]
    assert "[Product manager](roles/product-manager.md)" in raci
    assert re.search(
        r"\| \[Run the feedback loop\]\(processes/feedback-loop.md\) \|"
        r'.*<abbr title="Accountable">A</abbr>.*\|',
        raci,
    )
    assert '<div id="data" markdown="1">' in files[paths.TAGS]
    assert "- **Tools:** [Amplitude](tools/amplitude.md)" in files[paths.TAGS]
    assert "[data](../tags.md#data)" in files["tools/amplitude.md"]
    reference = files[paths.REFERENCE]
    assert "`steps[].role`" in reference and "## Processes" in reference
    assert reference.count("`summary`") == 1
    for page in (paths.TAGS, paths.CHANGELOG, paths.catalogue_page("tools")):
        assert front_matter(files[page])["search"] == {"exclude": True}
    # The matrix is found by search, and has the width of the page (no table of contents).
    assert "search" not in front_matter(raci) and front_matter(raci)["hide"] == ["toc"]


def test_raci_matrix_has_one_table_per_pillar_with_only_its_roles(tmp_path: Path) -> None:
    files = dict(FIXTURE)
    files["playbook/pillars/enablement.md"] = (
        "---\ntitle: Enablement\nsummary: Help teams work.\nowners: ['@acme/ops']\norder: 2\n"
        "practices:\n  - name: Training\n    description: Teach the tools.\n---\nEnablement.\n"
    )
    files["playbook/roles/trainer.yml"] = (
        "title: Trainer\nsummary: Teaches the tools.\nowners: ['@acme/ops']\ntype: partner\n"
        "mission: Teach.\nresponsibilities: [Run training]\n"
    )
    files["playbook/processes/onboarding.yml"] = (
        "title: Onboard a team\nsummary: Teach a new team the tools.\nowners: ['@acme/ops']\n"
        "purpose: Get a team going.\ntrigger: A new team.\ncadence: on-demand\nowner: trainer\n"
        "pillars: [enablement]\nraci:\n  trainer: A\n  product-manager: R\n"
        "inputs: [A team]\noutputs: [A trained team]\n"
        "steps:\n  - name: Train\n    role: trainer\n    description: Run the course.\n"
    )
    repo = make_site_repo(tmp_path / "repo", files)
    validation = validate_playbook(load_config(repo))
    assert not validation.failed(), validation.issues
    raci = render(repo, validation)[paths.RACI]
    sections = dict((part.split("\n", 1)[0], part) for part in raci.split("\n## ")[1:])
    assert list(sections) == ["Data and insights", "Enablement"]
    data, enablement = sections["Data and insights"], sections["Enablement"]
    assert "(roles/product-ops-manager.md)" in data and "(roles/trainer.md)" not in data
    assert "(roles/trainer.md)" in enablement
    assert "(roles/product-ops-manager.md)" not in enablement
    assert re.search(
        r"\| \[Onboard a team\]\(processes/onboarding.md\) \| "
        r'<abbr title="Responsible">R</abbr> \| <abbr title="Accountable">A</abbr> \|',
        enablement,
    )
    assert "feedback-loop" not in enablement and "onboarding" not in data


def test_empty_history_renders_and_warns_once(repo: Path, validation: Validation) -> None:
    files = render(
        repo, validation, History(warning="not a git repository: history is unavailable")
    )
    assert files[paths.CHANGELOG].count("not a git repository") == 1
    assert "No changes are recorded yet." in files[paths.CHANGELOG]
    assert "## History" not in files["tools/amplitude.md"]
    assert not any(
        "not a git repository" in text for path, text in files.items() if path != paths.CHANGELOG
    )


def test_changelog_folds_bulk_changes_and_names_schemas_once(
    repo: Path, validation: Validation
) -> None:
    bulk = BULK + 5
    added = tuple(EntityChange(f"roles/r{n}", "added", f"Role {n}") for n in range(bulk))
    schemas = tuple(
        EntityChange(f"schemas/{kind}", "changed", f"{kind.title()} schema", ("Field added",))
        for kind in ("roles", "tools", "metrics")
    )
    small = (EntityChange("tools/amplitude", "changed", "Amplitude"),)
    commit = Commit("b" * 40, "Ann", "2026-03-04T10:00:00+00:00", "Seed")
    entry = ChangelogEntry(commit, (*added, *small, *schemas))
    log = render(repo, validation, History(releases=(Release("Unreleased", None, (entry,)),)))[
        paths.CHANGELOG
    ]
    folded = log.split('<details markdown="1">', 1)[1].split("</details>", 1)[0]
    assert folded.startswith(f"\n<summary>{bulk} entries added</summary>")
    assert folded.count("\n- ") == bulk and "Added:" not in folded  # the count says the verb
    assert log.count("schema") == 3 + 1  # one line naming the three, one detail line each
    assert log.count("- Schemas: 3 schemas changed (Roles, Tools, Metrics)") == 1
    assert "- Changed: [Amplitude](tools/amplitude.md)" in log


def test_history_shows_on_entity_pages_and_changelog(repo: Path, validation: Validation) -> None:
    commit = Commit("a" * 40, "Ann <Author>", "2026-03-04T10:00:00+00:00", "Add <b>Amplitude</b>")
    change = EntityChange("tools/amplitude", "added", "Amplitude", ("category: analytics",))
    gone = EntityChange("tools/old-tool", "removed", "Old tool")
    history = History(
        releases=(
            Release("v1.0", "2026-03-05T00:00:00+00:00", (ChangelogEntry(commit, (change, gone)),)),
        ),
        entities={
            "tools/amplitude": EntityHistory(
                "2026-03-04T10:00:00+00:00", "2026-03-04T10:00:00+00:00", ((commit, change),)
            )
        },
    )
    files = render(repo, validation, history)
    log = files[paths.CHANGELOG]
    assert f"## [v1.0]({REPO_URL}/tree/v1.0) (2026-03-05)" in log
    assert f"### 2026-03-04: Add &lt;b&gt;Amplitude&lt;/b&gt; {{ #commit-{'a' * 12} }}" in log
    assert f"commit [`{'a' * 12}`]({REPO_URL}/commit/{'a' * 40})" in log
    assert (
        "[Amplitude](tools/amplitude.md)" in log
        and "Old tool" in log
        and "(tools/old-tool" not in log
    )
    assert "<b>" not in log and "&lt;b&gt;" in log
    tool = files["tools/amplitude.md"]
    assert "**Created:** 2026-03-04" in tool
    assert (
        "## History" in tool and "data-search-exclude" in tool and "Add &lt;b&gt;Amplitude" in tool
    )


def test_rendering_is_deterministic_and_has_no_absolute_paths(repo: Path) -> None:
    """Two processes with different hash seeds (set and dict orders) write the same tree."""
    trees = []
    for seed in ("1", "2"):
        out = repo.parent / f"tree-{seed}"
        result = subprocess.run(
            [sys.executable, "-m", "generator", "render", "--out", str(out)],
            cwd=repo,
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert result.returncode == 0, result.stdout + result.stderr
        trees.append(tree_bytes(out))
    assert trees[0] == trees[1] and trees[0]
    for data in trees[0].values():
        assert str(repo).encode() not in data and str(repo.parent).encode() not in data


def test_fixture_covers_every_kind() -> None:
    kinds = {path.split("/")[1] for path in FIXTURE}
    assert kinds == {
        "roles",
        "pillars",
        "processes",
        "tools",
        "frameworks",
        "metrics",
        "templates",
        "guides",
        "faq",
        "glossary",
    }


def test_raci_shape_is_read_from_the_schemas(validation: Validation) -> None:
    [shape] = raci_shapes(validation.schemas)
    assert (shape.kind, shape.field, shape.role_kind, shape.field_title) == (
        "processes", "raci", "roles", "RACI",
    )  # fmt: skip
    assert (shape.steps, shape.step_role, shape.step_name) == ("steps", "role", "name")
    assert ("cadence", "Cadence") in shape.facts
    assert {kind for _, _, kind in shape.refs} >= {"pillars", "metrics", "templates"}
    assert {kind for _, _, kind in shape.step_refs} == {"tools", "templates"}


def test_role_page_lists_its_part_in_each_process_by_letter(
    repo: Path, validation: Validation
) -> None:
    files = render(repo, validation)
    manager = files["roles/product-manager.md"]
    part = manager.split("## Part in processes", 1)[1].split("\n## ", 1)[0]
    assert "### Responsible for (1) { #part-r }" in part
    assert "**R** (Responsible): this role does the work." in part
    assert "- **[Run the feedback loop](../processes/feedback-loop.md)** · Cadence: Monthly" in part
    step = re.search(
        r"    - Step \[1\. (.*)\]\(\.\./processes/feedback-loop\.md#step-1\)(.*)", part
    )
    assert step is not None and "click" in step[1] and "**Tools:** [Amplitude]" in step[2]
    assert "#step-2" not in part  # the product ops manager's step, not this role's
    assert "    - **Metrics:** [Activation rate](../metrics/activation-rate.md)" in part
    assert "    - **Templates:** [Problem brief](../templates/brief.md)" in part
    ops = files["roles/product-ops-manager.md"]
    assert (
        "### Accountable for (1) { #part-a }" in ops
        and "(../processes/feedback-loop.md#step-2)" in ops
    )
    # The duties list the process; "used by" does not repeat it.
    assert manager.count("(../processes/feedback-loop.md)") == 1
    process = files["processes/feedback-loop.md"]
    assert process.index("## Steps") < process.index("## Who is involved (RACI)")
    assert "### 1. " in process and "{ #step-1 }" in process and "{ #step-2 }" in process


def test_catalogue_intros_count_with_the_schemas_nouns(repo: Path, validation: Validation) -> None:
    files = render(repo, validation)
    assert "\n1 term. Each links to its page." in files[paths.catalogue_page("glossary")]
    assert "\n1 question. Each links to its page." in files[paths.catalogue_page("faq")]
    assert "\n2 roles. Each links to its page." in files[paths.catalogue_page("roles")]


def test_glossary_is_filed_a_to_z_with_a_row_of_letters(repo: Path, validation: Validation) -> None:
    glossary = to_html(render(repo, validation)[paths.catalogue_page("glossary")])
    assert '<nav aria-label="Glossary A to Z" class="playbook-az">' in glossary
    assert '<a href="#k">K</a>' in glossary and '<h2 id="k">K</h2>' in glossary
    assert "playbook-az" not in render(repo, validation)[paths.catalogue_page("tools")]


def test_template_download_is_its_markdown_with_links_to_the_site(
    repo: Path, validation: Validation
) -> None:
    body = (
        "See the [loop](../processes/feedback-loop.yml#steps).\n\n````\ncode\n````\n\n- [ ] Done\n"
    )
    source = repo / "playbook/templates/brief.md"
    front, _, _ = source.read_text(encoding="utf-8").partition("\n---\n")
    source.write_text(f"{front}\n---\n{body}", encoding="utf-8")
    files = render(repo, validate_playbook(load_config(repo)))
    download = files["templates/brief.md.txt"]
    assert download.startswith("# Problem brief\n\n")
    # Without a site address, relative to where the file is served (templates/brief.md.txt).
    assert "(../processes/feedback-loop/#steps)" in download
    page = files["templates/brief.md"]
    assert '{ download="brief.md" .md-button .md-button--primary }' in page
    # The copy block's fence is longer than any in the template, so the template cannot end it.
    assert "`````markdown\n# Problem brief" in page
    html = to_html(page)
    assert html.count('<li class="task-list-item">') == 1
    assert "````\ncode\n````" in html


def test_page_details_are_folded_after_the_content(repo: Path, validation: Validation) -> None:
    page = render(repo, validation)["tools/amplitude.md"]
    details = page.index('<details class="playbook-review"')
    assert page.index("- **Id:** `tools/amplitude`") > details
    assert page.index("**Page maintained by:**") > details
    assert page.index("## Used by") < details
