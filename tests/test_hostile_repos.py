"""Hostile repositories and failing machines: nothing forged, nothing lost, nothing hangs.

Each section is one class of attack or failure, reproduced with real files, real git
repositories, real pipes and real signals, and run through the command as a user runs it.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from subprocess import CompletedProcess

import pytest

from generator.checks.issue_report import (
    format_codequality,
    format_github,
    format_json,
    format_text,
)
from generator.model import Issue, Severity, SourceRef

ROOT = Path(__file__).parent.parent
BASE = ROOT / "tests" / "cases" / "_base" / "playbook"
Cli = Callable[..., CompletedProcess[str]]
QUICK = 60
"""Seconds a command on a ten-entry playbook may take before it counts as hanging."""


@pytest.fixture
def base_repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    shutil.copytree(ROOT / "schemas", root / "schemas")
    shutil.copytree(BASE, root / "playbook")
    return root


# --- 3. never block on a file that is not a regular file ------------------------------------


def test_a_pipe_as_an_entry_file_is_reported_without_blocking(
    playbook_cli: Cli, base_repo: Path
) -> None:
    os.mkfifo(base_repo / "playbook/roles/pipe.yml")
    result = playbook_cli("validate", "--context", cwd=base_repo, timeout=QUICK)
    assert result.returncode == 1
    assert "playbook/roles/pipe.yml:1:1: error[file-type]:" in result.stdout


def test_on_a_terminal_the_default_context_does_not_block(base_repo: Path) -> None:
    """The context printer is on by default on a terminal: a real pseudo-terminal here."""
    import pty
    import sys

    os.mkfifo(base_repo / "playbook/roles/pipe.yml")
    controller, terminal = pty.openpty()
    try:
        done = subprocess.run(
            [sys.executable, "-m", "generator", "validate"], cwd=base_repo, stdout=terminal,
            stderr=terminal, timeout=QUICK, check=False,
        )  # fmt: skip
        os.close(terminal)
        output = b""
        while True:
            try:
                chunk = os.read(controller, 65536)
            except OSError:  # the terminal's other end is closed: all is read
                break
            if not chunk:
                break
            output += chunk
    finally:
        os.close(controller)
    assert done.returncode == 1
    assert b"playbook/roles/pipe.yml:1:1: error[file-type]:" in output


def test_a_pipe_as_a_kind_folder_is_reported_without_blocking(
    playbook_cli: Cli, base_repo: Path
) -> None:
    shutil.rmtree(base_repo / "playbook/tools")
    os.mkfifo(base_repo / "playbook/tools")
    result = playbook_cli("validate", "--context", cwd=base_repo, timeout=QUICK)
    assert result.returncode == 1
    assert "playbook/tools:1:1: error[file-unreadable]:" in result.stdout


def test_a_pipe_swapped_in_after_discovery_is_not_read(
    base_repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from generator import validation as stage
    from generator.config import load_config

    real_discover = stage.discover

    def discover_then_swap(*args: object, **kwargs: object) -> object:
        found = real_discover(*args, **kwargs)  # type: ignore[arg-type]
        entry = base_repo / "playbook/tools/board.yml"
        entry.unlink()
        os.mkfifo(entry)  # the file is now a pipe nobody writes to
        return found

    monkeypatch.setattr(stage, "discover", discover_then_swap)
    validation = stage.validate_playbook(load_config(base_repo))
    issues = [i for i in validation.issues if i.source.path == "playbook/tools/board.yml"]
    assert [(i.rule, i.severity) for i in issues] == [("file-type", Severity.ERROR)]


@pytest.mark.parametrize(
    "where", ["pyproject.toml", "schemas/tools.schema.json", ".github/CODEOWNERS"]
)
def test_pipes_among_the_settings_never_block(
    playbook_cli: Cli, base_repo: Path, where: str
) -> None:
    path = base_repo / where
    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)
    os.mkfifo(path)
    result = playbook_cli("validate", "--context", cwd=base_repo, timeout=QUICK)
    assert "Traceback" not in result.stderr
    assert result.returncode in (0, 1, 2)


def test_the_reader_refuses_a_pipe_a_folder_and_an_oversized_file(tmp_path: Path) -> None:
    from generator.files import FileTooLarge, NotRegularFile, read_regular

    os.mkfifo(tmp_path / "pipe")
    with pytest.raises(NotRegularFile):
        read_regular(tmp_path / "pipe")
    with pytest.raises(NotRegularFile):
        read_regular(tmp_path)
    (tmp_path / "big").write_bytes(b"x" * 100)
    with pytest.raises(FileTooLarge):
        read_regular(tmp_path / "big", limit=99)
    assert read_regular(tmp_path / "big", limit=100) == b"x" * 100
    (tmp_path / "link").symlink_to(tmp_path / "big")
    with pytest.raises(OSError):
        read_regular(tmp_path / "link", follow=False)


# --- 10. nothing printed can drive the terminal or forge a line -----------------------------

HIDDEN = "\x1b]0;PWNED\x07 \x1b[2J \u202e \x85 \u2028 \x9b \u200f \x7f"


def _hostile_issue() -> Issue:
    return Issue(
        SourceRef("playbook/roles/evil\nplaybook/roles/x.yml:1:1: error[forged]: no.yml", 2, 3),
        Severity.ERROR,
        "schema",
        f"title: {HIDDEN}\nplaybook/x.yml:9:9: error[forged]: fake",
        f"hint {HIDDEN}",
    )


def _no_hidden(text: str, keep: str = "\n") -> None:
    assert all(c.isprintable() or c in keep for c in text), repr(text)


def test_every_format_shows_hidden_characters_and_forges_no_line() -> None:
    issue = _hostile_issue()
    text = format_text([issue], 1, lambda rel: [f"title: {HIDDEN}", "x"])
    _no_hidden(text)
    assert len(text.splitlines()) == 5  # the issue, context, caret, hint, summary
    assert "\\u001b]0;PWNED" in text and "\\u202e" in text and "\\u0085" in text
    github = format_github([issue], 1)
    _no_hidden(github)
    assert [line[:8] for line in github.splitlines()[:-1]] == ["::error "]
    # JSON spells the escapes its own way: a tool decodes exactly what the file holds.
    document = format_json([issue], 1)
    _no_hidden(document)
    decoded = json.loads(document)["diagnostics"][0]
    assert (decoded["file"], decoded["hint"]) == (issue.source.path, issue.hint)
    quality = format_codequality([issue])
    _no_hidden(quality)
    assert json.loads(quality)[0]["location"]["path"] == issue.source.path


def test_a_file_name_with_a_newline_and_escapes_is_one_inert_issue(
    playbook_cli: Cli, base_repo: Path
) -> None:
    name = "x\nlead.yml:1:1: error[forged]: \x1b]0;PWNED\x07\u202e.txt"
    (base_repo / "playbook/roles" / name).write_text("title: x\n")
    (base_repo / "playbook/roles/lead.yml").write_text(
        (BASE / "roles/lead.yml").read_text() + f"bogus: '{HIDDEN}'\n"
    )
    for output_format in ("text", "github", "json", "codequality"):
        result = playbook_cli(
            "validate", "--context", "--format", output_format, cwd=base_repo, timeout=QUICK
        )
        assert result.returncode == 1
        _no_hidden(result.stdout + result.stderr)
        assert "forged" not in "".join(line.split(":", 1)[0] for line in result.stdout.splitlines())
        if output_format == "text":
            starts = [line for line in result.stdout.splitlines() if "error[" in line]
            assert sorted(line.split(":")[0] for line in starts) == [
                "playbook/roles/lead.yml",
                "playbook/roles/x\\nlead.yml",
            ]
        if output_format in ("json", "codequality"):
            json.loads(result.stdout)


def test_git_output_is_printed_inert(playbook_cli: Cli, base_repo: Path) -> None:
    git = ["git", "-c", "user.name=A\x1b]0;PWNED\x07", "-c", "user.email=a@example.org"]
    subprocess.run(["git", "init", "-q", str(base_repo)], check=True)
    subprocess.run([*git, "-C", str(base_repo), "add", "-A"], check=True)
    subprocess.run(
        [*git, "-C", str(base_repo), "commit", "-qm", "start \x1b[31mred\u202e"], check=True
    )
    for output_format in ("md", "json"):
        result = playbook_cli("changelog", "--format", output_format, cwd=base_repo)
        assert result.returncode == 0, result.stderr
        _no_hidden(result.stdout + result.stderr)
        assert "\\u001b" in result.stdout


# --- 1. nothing committed can change what history says --------------------------------------


def git(root: Path, *args: str) -> str:
    """Run git in `root` with a fixed identity and no user or system settings."""
    env = {**os.environ, "HOME": str(root.parent), "GIT_CONFIG_NOSYSTEM": "1"}
    done = subprocess.run(
        ["git", "-c", "user.name=Ada", "-c", "user.email=ada@example.org", *args],
        cwd=root, env=env, capture_output=True, text=True, check=True,
    )  # fmt: skip
    return done.stdout


def _retitled_history(root: Path) -> None:
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "Start the playbook")
    lead = root / "playbook/roles/lead.yml"
    lead.write_text(lead.read_text().replace("title: Team lead", "title: Team leader"))
    git(root, "commit", "-qam", "Retitle the lead")


def _forge(document: object) -> object:
    """Give the cache document with every title and detail replaced by a forged one."""
    if isinstance(document, dict):
        return {k: "FORGED" if k == "title" else _forge(v) for k, v in document.items()}
    if isinstance(document, list):
        return ["FORGED" if isinstance(v, str) else _forge(v) for v in document]
    return "FORGED" if isinstance(document, str) else document


def test_a_committed_cache_cannot_forge_the_changelog_or_the_diff(
    playbook_cli: Cli, base_repo: Path, tmp_path: Path
) -> None:
    from generator.history.cache import CACHE_DIR, seal, unseal

    _retitled_history(base_repo)
    honest = playbook_cli("changelog", "--format", "json", cwd=base_repo)
    assert honest.returncode == 0 and "Team leader" in honest.stdout
    made = Path(git(base_repo, "rev-parse", "--absolute-git-dir").strip()) / CACHE_DIR
    assert sorted(p.name for p in made.iterdir())  # the cache was written, in the git folder
    # Every place a cache could be looked for in the tree, with doctored copies of the real one.
    for folder in (".playbook-cache/history", "playbook-cache/history", ".git-cache/history"):
        forged = base_repo / folder
        forged.mkdir(parents=True)
        for cached in made.iterdir():
            text = unseal(cached.read_bytes())
            assert text is not None
            (forged / cached.name).write_bytes(seal(json.dumps(_forge(json.loads(text))).encode()))
    git(base_repo, "add", "-A", "-f")
    git(base_repo, "commit", "-qm", "Add a cache")
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", str(base_repo), str(clone))
    changelog = playbook_cli("changelog", "--format", "json", cwd=clone)
    assert changelog.returncode == 0, changelog.stderr
    assert "FORGED" not in changelog.stdout and "Team leader" in changelog.stdout
    diff = playbook_cli("diff", "HEAD~2", "HEAD~1", "--format", "json", cwd=clone)
    assert diff.returncode == 0, diff.stderr
    assert "FORGED" not in diff.stdout and json.loads(diff.stdout)["changes"]


def test_the_history_cache_never_follows_a_link(
    playbook_cli: Cli, base_repo: Path, tmp_path: Path
) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (base_repo / ".playbook-cache").symlink_to(elsewhere)
    (base_repo / "playbook-cache").symlink_to(elsewhere)
    _retitled_history(base_repo)
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", str(base_repo), str(clone))
    assert (clone / ".playbook-cache").is_symlink()  # what a fresh clone of the attack holds
    # And a link where the cache lives, as only someone on the machine can make.
    git_dir = Path(git(clone, "rev-parse", "--absolute-git-dir").strip())
    (git_dir / "playbook-cache").symlink_to(elsewhere)
    for _ in range(2):  # the second run would read what the first wrote
        result = playbook_cli("changelog", "--format", "json", cwd=clone)
        assert result.returncode == 0, result.stderr
        assert "Team leader" in result.stdout
    assert list(elsewhere.iterdir()) == []


# --- 6. Mermaid diagrams are read statement by statement, as Mermaid reads them ------------

HOSTILE_DIAGRAMS = [
    ("click-after-semicolon", "graph TD\nA-->B; click B call alert(1)", 3, "`click`"),
    ("click-href-script", 'graph TD\nA-->D\nclick D href "javascript:alert(1)"', 4, "`click`"),
    ("click-callback", "graph TD\nA-->D\n  CLICK D callback", 4, "`CLICK`"),
    ("outside-image", 'graph TD\nA["<<img src=https://evil.example/p.png>"]', 3, "<img"),
    ("tag-with-attributes", 'graph TD\nA["<b onclick=alert(1)>x</b>"]', 3, "<b"),
    ("css-address", "graph TD\nA-->B\nstyle A fill:url(https://evil.example/x)", 4, "url("),
    ("shape-image", 'flowchart TD\nA@{ img: "/x.png", label: "x" }', 3, "shape data"),
    ("directive", '%%{init: {"securityLevel": "loose"}}%%\ngraph TD', 2, "directive"),
    ("front-matter", "---\nconfig:\n  securityLevel: loose\n---\ngraph TD", 2, "front matter"),
    ("sequence-link", "sequenceDiagram\nlink A: Site @ https://evil.example", 3, "`link`"),
]
SAFE_DIAGRAMS = [
    'graph TD\nA["a < b; raw data: x"] --> B["<b>bold</b><br/>#lt;img#gt;"]\n%% click comment',
    "graph LR\nA-->B\nlinkStyle 0 stroke:#f00\nclassDef x fill:#eee",
]


def _guide(body: str) -> str:
    return f"---\ntitle: Intro\nsummary: Start here.\nowners: ['@acme/ops']\n---\n{body}\n"


@pytest.mark.parametrize(
    ("diagram", "line", "shown"),
    [case[1:] for case in HOSTILE_DIAGRAMS],
    ids=[case[0] for case in HOSTILE_DIAGRAMS],
)
def test_a_hostile_diagram_is_refused_with_its_location(
    base_repo: Path, diagram: str, line: int, shown: str
) -> None:
    from generator.config import load_config
    from generator.pipeline import validate_playbook

    for body in (
        f"```mermaid\n{diagram}\n```",
        "- a list\n\n" + _indent(f"~~~mermaid\n{diagram}\n~~~"),
    ):
        (base_repo / "playbook/guides/intro.md").write_text(_guide(f"Text.\n\n{body}"))
        issues = validate_playbook(load_config(base_repo)).issues
        found = [i for i in issues if i.rule == "mermaid-unsafe"]
        assert found and all(i.severity is Severity.ERROR for i in found)
        first = found[0]
        assert first.source.path == "playbook/guides/intro.md"
        offset = 8 if body.startswith("```") else 10  # front matter, text and the fence
        assert first.source.line == offset + line - 1
        assert any(shown in i.message for i in found), [i.message for i in found]


def _indent(text: str) -> str:
    return "\n".join("    " + line for line in text.split("\n"))


@pytest.mark.parametrize("diagram", [case[1] for case in HOSTILE_DIAGRAMS])
def test_the_sanitiser_shows_a_hostile_diagram_as_code(diagram: str) -> None:
    from hostile import site_markdown

    from generator.site.sanitize import safe_markdown
    from generator.site.scan import scan_page

    openings = ("```mermaid", "```{.mermaid}", "``` { .mermaid }")
    texts = [f"{opening}\n{diagram}\n```" for opening in openings]
    for text in [*texts, "- a list\n\n" + _indent(f"```mermaid\n{diagram}\n```")]:
        page = site_markdown()(safe_markdown(text))
        assert 'class="mermaid"' not in page
        assert scan_page(page) == []
        raw = site_markdown()(text)
        assert 'class="mermaid"' in raw and scan_page(raw)  # unsanitised, the scanner sees it


@pytest.mark.parametrize("diagram", SAFE_DIAGRAMS)
def test_ordinary_diagrams_pass_and_are_drawn(base_repo: Path, diagram: str) -> None:
    from hostile import site_markdown

    from generator.config import load_config
    from generator.pipeline import validate_playbook
    from generator.site.sanitize import safe_markdown
    from generator.site.scan import scan_page

    text = f"```mermaid\n{diagram}\n```"
    (base_repo / "playbook/guides/intro.md").write_text(_guide(text))
    assert validate_playbook(load_config(base_repo)).issues == ()
    page = site_markdown()(safe_markdown(text))
    assert 'class="mermaid"' in page and scan_page(page) == []


# --- 12. control characters in Markdown, reserved ids, a root without playbook/ -------------


@pytest.mark.parametrize("char", ["\x00", "\x1b", "\x85", "\x07", "\x9b", "\x7f"])
def test_control_characters_in_markdown_are_refused_with_a_location(
    base_repo: Path, char: str
) -> None:
    from generator.config import load_config
    from generator.pipeline import validate_playbook

    (base_repo / "playbook/guides/intro.md").write_bytes(
        _guide(f"Fine.\n\nBad {char}]0;x here.").encode("utf-8")
    )
    issues = validate_playbook(load_config(base_repo)).issues
    assert [(i.source.line, i.source.column, i.rule) for i in issues] == [
        (8, 5, "markdown-control")
    ]
    assert f"U+{ord(char):04X}" in issues[0].message


def test_control_characters_are_located_once_per_line() -> None:
    from generator.checks.markdown import check_unsafe_text

    text = "ok\tand\r\nbad \x01 and \x02\n\nfine\n\u00e9\x7f\x85"
    found = [(p.line, p.column, p.message[-22:]) for p in check_unsafe_text(text)]
    assert found == [
        (2, 5, "U+0001 is not allowed in text"[-22:]),
        (5, 2, "U+007F is not allowed in text"[-22:]),
    ]


@pytest.mark.parametrize("name", ["con", "aux", "nul", "prn", "com1", "lpt9"])
def test_windows_device_names_are_refused_as_ids(
    playbook_cli: Cli, base_repo: Path, name: str
) -> None:
    shutil.copy(base_repo / "playbook/tools/board.yml", base_repo / f"playbook/tools/{name}.yml")
    result = playbook_cli("validate", "--no-context", cwd=base_repo)
    assert result.returncode == 1
    assert f"playbook/tools/{name}.yml:1:1: error[id-reserved]:" in result.stdout
    new = playbook_cli("new", "roles", name, cwd=base_repo)
    assert new.returncode == 2 and "device name on Windows" in new.stderr
    assert not (base_repo / f"playbook/roles/{name}.yml").exists()


def test_a_root_with_schemas_but_no_playbook_is_a_usage_error(
    playbook_cli: Cli, base_repo: Path
) -> None:
    shutil.rmtree(base_repo / "playbook")
    for command in ("validate", "build", "export"):
        result = playbook_cli("--root", str(base_repo), command, timeout=QUICK)
        assert result.returncode == 2, (command, result.stdout, result.stderr)
        assert "no playbook/ folder" in result.stderr


# --- 5. glossary abbreviations that collide with the Markdown engine's placeholders ---------


@pytest.mark.parametrize("abbreviation", ["wzxhzdk", "klzzwxh", "hzzhzkh", "amp", "0", "12"])
def test_an_abbreviation_the_engine_uses_is_refused_at_its_field(
    base_repo: Path, abbreviation: str
) -> None:
    from generator.config import load_config
    from generator.pipeline import validate_playbook

    term = base_repo / "playbook/glossary/kpi.yml"
    term.write_text(
        term.read_text().replace("abbreviation: KPI", f"abbreviation: '{abbreviation}'")
    )
    issues = validate_playbook(load_config(base_repo)).issues
    reserved = [i for i in issues if i.rule == "abbreviation-reserved"]
    assert [i.source.path for i in reserved] == ["playbook/glossary/kpi.yml"]
    assert {i.rule for i in issues} <= {"abbreviation-reserved", "schema"}  # schema: no letter
    line = term.read_text().split("\n").index(f"abbreviation: '{abbreviation}'") + 1
    assert (reserved[0].source.line, reserved[0].source.column) == (line, 15)


def test_the_refused_abbreviations_do_corrupt_pages_and_ordinary_ones_do_not() -> None:
    from hostile import site_markdown

    from generator.checks.abbreviations import reserved_reason

    page = "KPI x wzxhzdk 0 12.\n\n```python\nx = 1\n```\n\nA &amp; B\n\n"
    for abbreviation in ("wzxhzdk", "0", "KPI", "AMP", "OKR"):
        html = site_markdown()(page + f"*[{abbreviation}]: a term\n")
        broken = "\x02" in html or "<pre" not in html or "&amp;" not in html
        assert broken == (reserved_reason(abbreviation) is not None), abbreviation


# --- 11. playbook new never writes outside the repository ----------------------------------


def test_new_does_not_write_through_a_symlinked_kind_folder(
    playbook_cli: Cli, base_repo: Path, tmp_path: Path
) -> None:
    elsewhere = tmp_path / "elsewhere"
    shutil.move(base_repo / "playbook/tools", elsewhere)
    (base_repo / "playbook/tools").symlink_to(elsewhere)
    before = sorted(p.name for p in elsewhere.iterdir())
    result = playbook_cli("new", "tools", "wiki", cwd=base_repo)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "cannot create playbook/tools/wiki.yml" in result.stderr
    assert "symbolic link" in result.stderr
    assert sorted(p.name for p in elsewhere.iterdir()) == before
    # A link where the new file would go is an existing entry: never written through either.
    (base_repo / "playbook/roles/ghost.yml").symlink_to(tmp_path / "ghost.yml")
    result = playbook_cli("new", "roles", "ghost", cwd=base_repo)
    assert result.returncode == 1 and "never overwrites" in result.stderr
    assert not (tmp_path / "ghost.yml").exists()


# --- 2. the scan of every build: its shortcut never passes what the parser would report -----

HOSTILE_HTML = [
    '<img src="x" ONERROR="alert(1)">', "<svg/onload=alert(1)>", '<a href="x"onclick=alert(1)>',
    '<a href="&#106;avascript:alert(1)">x</a>', '<a href=" javascript:alert(1)">x</a>',
    '<a href="java\tscript:alert(1)">x</a>', '<a HREF="JAVASCRIPT:alert(1)">x</a>',
    '<form action="javascript:alert(1)"></form>', '<use xlink:href="data:image/svg+xml,x"/>',
    '<div style="background:url(&#106;avascript:alert(1))">', '<p style="x:expression(alert(1))">',
    "<IFRAME src=x></IFRAME>", '<meta http-equiv="refresh" content="0;url=https://evil">',
    "<SCRIPT>alert(1)</SCRIPT>", '<script src="//evil.example/x.js"></script>',
    "<script>alert(1)", '<pre class="mermaid"><code>graph TD\nclick A call alert(1)</code></pre>',
    '<base href="https://evil.example/">', '<iframe srcdoc="&lt;script&gt;x&lt;/script&gt;">',
]  # fmt: skip


@pytest.mark.parametrize("snippet", HOSTILE_HTML)
def test_the_scan_shortcut_never_passes_a_finding(snippet: str) -> None:
    from hostile import HOSTILE_MARKDOWN, site_markdown

    from generator.site.scan import plainly_clean, scan_page

    page = f"<html><body><p>text</p>{snippet}<p>more</p></body></html>"
    assert scan_page(page), snippet
    assert not plainly_clean(page)
    for _, markdown in HOSTILE_MARKDOWN:
        rendered = site_markdown()(markdown)
        if scan_page(rendered):
            assert not plainly_clean(rendered), markdown
