"""Hostile content: sanitised Markdown, located refusals, limits, a site with no live script."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from generator.checks.references import is_unsafe_url, markdown_links
from generator.config import load_config
from generator.content import discover
from generator.model import Issue
from generator.pipeline import Validation, validate_playbook
from generator.site.sanitize import safe_markdown
from generator.site.scan import scan_page, scan_site

sys.path.insert(0, str(Path(__file__).parent))
from hostile import HOSTILE_MARKDOWN, SAFE_MARKDOWN, site_markdown
from sitekit import FIXTURE, make_site_repo

GUIDE = """\
---
title: A guide
summary: A guide for the hardening tests.
owners: ["@acme/product-ops"]
---
{body}
"""
ROLE = """\
title: {title}
summary: A role for the hardening tests.
owners: ["@acme/product"]
type: core
mission: |
{mission}
responsibilities:
  - Do the work
"""


def _validate(root: Path) -> Validation:
    return validate_playbook(load_config(root))


def _issues(validation: Validation, rule: str) -> list[Issue]:
    return [i for i in validation.issues if i.rule == rule]


def _indent(text: str) -> str:
    return "\n".join("  " + line if line else "" for line in text.split("\n"))


# --- The sanitiser, on the site's own Markdown engine ---------------------------------------


@pytest.mark.parametrize(
    ("name", "markdown"), HOSTILE_MARKDOWN, ids=[n for n, _ in HOSTILE_MARKDOWN]
)
def test_sanitised_markdown_renders_no_live_script(name: str, markdown: str) -> None:
    html = site_markdown()(safe_markdown(markdown))
    assert scan_page(html) == [], html


def test_the_hostile_cases_do_run_script_when_not_sanitised() -> None:
    render = site_markdown()
    live = [name for name, markdown in HOSTILE_MARKDOWN if scan_page(render(markdown))]
    # A few are harmless to Python-Markdown today but dangerous to other engines; the rest prove
    # that the cases test something.
    assert len(live) >= len(HOSTILE_MARKDOWN) - 5


@pytest.mark.parametrize(
    ("name", "markdown"), HOSTILE_MARKDOWN, ids=[n for n, _ in HOSTILE_MARKDOWN]
)
def test_sanitising_twice_changes_nothing_more(name: str, markdown: str) -> None:
    once = safe_markdown(markdown)
    assert safe_markdown(once) == once


@pytest.mark.parametrize(("name", "markdown"), SAFE_MARKDOWN, ids=[n for n, _ in SAFE_MARKDOWN])
def test_safe_markdown_renders_as_before(name: str, markdown: str) -> None:
    render = site_markdown()
    assert render(safe_markdown(markdown)) == render(markdown)


def test_code_keeps_its_tags_and_text_shows_them() -> None:
    text = "Write `<br>` or\n\n```\n<script>x()</script>\n```\n\nbut not <b>this</b>."
    html = site_markdown()(safe_markdown(text))
    assert "<code>&lt;br&gt;</code>" in html
    assert "&lt;script&gt;x()&lt;/script&gt;" in html
    assert "&lt;b&gt;this&lt;/b&gt;" in html


def test_attribute_lists_show_as_text() -> None:
    html = site_markdown()(safe_markdown("## Title { #id onclick=alert(1) }"))
    assert not re.search(r"<[^>]*\sonclick=", html)
    assert "{ #id onclick=alert(1) }" in html


def test_unsafe_link_targets_become_fragments() -> None:
    html = site_markdown()(safe_markdown("[x](jav&#x09;ascript:alert(1)) [y](java\nscript:z)"))
    assert re.findall(r'href="([^"]*)"', html) == ["#unsafe-alert(1)", "#unsafe-z"]


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)", "JAVASCRIPT:x", " \x01javascript:x", "jav&#x09;ascript:x",
        "jav&#9;ascript:x", "java&Tab;script:x", "java&NewLine;script:x", "java\nscript:x",
        "java\tscript:x", "&#106;avascript:x", "&#x6A;avascript:x", "&#0000106avascript:x",
        "javascript&colon;x", "javascript&#58;x", "javascript%3Ax", "%6Aavascript:x",
        "&amp;#106;avascript:x", "%26%23106%3Bavascript:x", "javascript\\:x", "java\u200bscript:x",
        "vbscript:msgbox(1)", "data:text/html,<script>x</script>", "DATA:text/html;base64,AAAA",
        "d&#x61;ta:text/html,x",
    ],
)  # fmt: skip
def test_unsafe_urls_are_recognised_in_every_spelling(url: str) -> None:
    assert is_unsafe_url(url)


@pytest.mark.parametrize(
    "url",
    ["https://example.org/javascript:x", "../roles/x.yml", "#javascript", "mailto:a@b.org",
     "/data/x", "https://example.org/?q=data:x", "javascripts/app"],
)  # fmt: skip
def test_ordinary_urls_are_not_unsafe(url: str) -> None:
    assert not is_unsafe_url(url)


# --- Validation: located errors ----------------------------------------------------------------


def test_unsafe_links_are_located_errors_in_bodies_and_fields(
    mini_repo: Callable[[dict[str, str]], Path],
) -> None:
    root = mini_repo({
        "playbook/guides/a-guide.md": GUIDE.format(body="Intro\n\n[x](jav&#x09;ascript:x)\n"),
        "playbook/roles/a-role.yml": ROLE.format(
            title="A role", mission=_indent("Text\n\n[x](&#106;avascript:alert(1))")
        ),
    })  # fmt: skip
    found = {(i.source.path, i.source.line) for i in _issues(_validate(root), "link-unsafe")}
    assert ("playbook/guides/a-guide.md", 8) in found
    assert any(path == "playbook/roles/a-role.yml" for path, _ in found)


def test_raw_html_is_escaped_by_default_and_refused_when_configured(
    mini_repo: Callable[[dict[str, str]], Path],
) -> None:
    root = mini_repo({
        "playbook/guides/a-guide.md": GUIDE.format(body="Intro\n\nSee <b onclick=x>, `<i>`.\n"),
        "playbook/roles/a-role.yml": ROLE.format(title="A", mission=_indent("One\ntwo <iframe>")),
    })  # fmt: skip
    assert not _issues(_validate(root), "html-raw")
    (root / "pyproject.toml").write_text('[tool.playbook]\nhtml = "refuse"\n', "utf-8")
    issues = _issues(_validate(root), "html-raw")
    places = {(i.source.path, i.source.line, i.source.column) for i in issues}
    assert ("playbook/guides/a-guide.md", 8, 5) in places
    assert ("playbook/roles/a-role.yml", 7, 7) in places  # `two <iframe`, in the `|` block
    assert all("`<i>`" not in i.message for i in issues)  # code is not raw HTML
    assert all(i.hint for i in issues)


def test_plain_fields_and_tags_cannot_carry_markup(
    mini_repo: Callable[[dict[str, str]], Path],
) -> None:
    role = (
        ROLE.format(title="'<script>alert(1)</script>'", mission="  Text") + 'tags: ["<script>"]\n'
    )
    validation = _validate(mini_repo({"playbook/roles/a-role.yml": role}))
    assert any(i.rule == "schema" and "tags" in i.message for i in validation.issues)


@pytest.mark.parametrize(
    ("body", "rule"),
    [
        ("[" * 5_000 + "x" + "]" * 5_000, "markdown-size"),
        ("[" * 100 + "x", "markdown-depth"),
        ("\n".join(">" * n + " a" for n in range(1, 200)), "markdown-depth"),
        ("\n".join("  " * n + "- a" for n in range(500)), "markdown-depth"),
        ("- " * 1_000 + "a", "markdown-depth"),
        ("word " * 10_000, "markdown-size"),
        ("# heading\n" * 5_000, "markdown-size"),
    ],
    ids=["brackets", "nested-brackets", "quotes", "nested-list", "list-on-one-line", "long-line",
         "headings"],
)  # fmt: skip
def test_bodies_the_engine_cannot_handle_are_refused(
    mini_repo: Callable[[dict[str, str]], Path], body: str, rule: str
) -> None:
    validation = _validate(mini_repo({"playbook/guides/a-guide.md": GUIDE.format(body=body)}))
    found = _issues(validation, rule)
    assert found and validation.failed()
    assert all(i.source.path == "playbook/guides/a-guide.md" and i.source.line >= 6 for i in found)


def test_a_file_with_too_many_values_is_refused(
    mini_repo: Callable[[dict[str, str]], Path],
) -> None:
    role = ROLE.format(title="A role", mission="  Text") + "skills: [" + "a, " * 60_000 + "a]\n"
    issues = _issues(_validate(mini_repo({"playbook/roles/a-role.yml": role})), "yaml-size")
    assert len(issues) == 1 and issues[0].source.line == 9


def test_oversized_and_special_files_are_never_read(
    mini_repo: Callable[[dict[str, str]], Path],
) -> None:
    root = mini_repo({})
    roles = root / "playbook" / "roles"
    roles.mkdir(parents=True, exist_ok=True)
    with (roles / "huge.yml").open("wb") as huge:
        huge.truncate(8 * 1024**3)  # sparse: reading it would take minutes and 8 GiB
    os.mkfifo(roles / "pipe.yml")  # reading a pipe blocks forever
    validation = _validate(root)
    rules = {i.source.path: i.rule for i in validation.issues}
    assert rules["playbook/roles/huge.yml"] == "file-too-large"
    assert rules["playbook/roles/pipe.yml"] == "file-type"


def test_the_whole_playbook_has_a_size_limit(
    mini_repo: Callable[[dict[str, str]], Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = mini_repo({
        f"playbook/roles/role-{n}.yml": ROLE.format(title=f"Role {n}", mission="  Text")
        for n in range(5)
    })  # fmt: skip
    monkeypatch.setattr(discover, "MAX_TOTAL_BYTES", 400)
    assert _issues(_validate(root), "playbook-too-large")


# --- The built site ------------------------------------------------------------------------------


def _reaches_the_build(markdown: str) -> bool:
    """Tell whether validation lets this Markdown through (unsafe links and diagrams are errors)."""
    from generator.checks.markdown import check_unsafe_text

    unsafe_link = any(is_unsafe_url(link.target) for link in markdown_links(markdown))
    return not unsafe_link and not check_unsafe_text(markdown)


HOSTILE_STEP = '"]; click step1 call alert(1); A["<img src=x onerror=alert(2)>'


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Build a site whose content tries every class of injection that validation lets through."""
    passing = [markdown for _, markdown in HOSTILE_MARKDOWN if _reaches_the_build(markdown)]
    files = dict(FIXTURE)
    files["playbook/guides/hostile-guide.md"] = GUIDE.format(body="\n\n".join(passing))
    files["playbook/roles/hostile-role.yml"] = ROLE.format(
        title="'<img src=x onerror=alert(1)> {: onclick=alert(2) }'",
        mission=_indent("\n\n".join(passing[:12])),
    )
    process = files["playbook/processes/feedback-loop.yml"]
    files["playbook/processes/feedback-loop.yml"] = process.replace(
        "  - name: Review and decide", f"  - name: '{HOSTILE_STEP}'"
    )
    root = make_site_repo(tmp_path_factory.mktemp("hostile"), files)
    result = subprocess.run(
        [sys.executable, "-m", "generator", "build"], cwd=root, capture_output=True, text=True,
        timeout=300, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    return root / "site"


def test_the_built_site_has_no_live_script(hostile_site: Path) -> None:
    assert [str(f) for f in scan_site(hostile_site)] == []


def test_hostile_content_is_shown_as_text(hostile_site: Path) -> None:
    guide = next(hostile_site.glob("guides/hostile-guide*/index.html")).read_text("utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in guide
    assert "onclick" in guide  # as text: the scanner above found no such attribute
    process = next(hostile_site.glob("processes/feedback-loop*/index.html")).read_text("utf-8")
    diagram = process.split('class="mermaid"', 1)[1].split("</pre>", 1)[0]
    assert "#60;img" in diagram  # the step name is a label, its `<` a Mermaid entity
    # The only interaction is the site's own: each box links to its step's heading on the page.
    clicks = re.findall(r"^\s*click\b.*$", diagram, re.MULTILINE)
    assert clicks and all(
        re.fullmatch(r"\s*click step(\d+) href &quot;#step-\1&quot;", line) for line in clicks
    ), clicks
