"""History from real git repositories built in tmp_path: changelog, releases, edges, cache, CLI."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from generator import pipeline
from generator.config import load_config
from generator.content.schemas import SchemaSet, load_schemas
from generator.history import changes as changes_module
from generator.history.cache import CACHE_DIR, seal, unseal
from generator.history.gitlog import GitRepository, open_repository
from generator.history.reader import read_history
from generator.history.revision_diff import compare
from generator.model import ChangelogEntry, History
from generator.pipeline import validate_playbook

ROOT = Path(__file__).resolve().parent.parent
GIT = shutil.which("git")
pytestmark = pytest.mark.skipif(GIT is None, reason="needs git")


def cache_of(root: Path) -> Path:
    """Give the history cache folder of the repository at `root` (in its git folder)."""
    return open_repository(root).git_dir / CACHE_DIR


def role(title: str, summary: str = "Owns the product.") -> str:
    return f"title: {title}\nsummary: {summary}\nowners: ['@acme/ops']\nmission: Serve users.\n"


def triage_process(raci: str, steps: str, owners: str = "'@acme/ops'", tags: str = "data") -> str:
    return (
        "# yaml-language-server: $schema=../../schemas/processes.schema.json\n"
        "title: Bug triage\n"
        "summary: Sort incoming bugs.\n"
        f"owners: [{owners}]\n"
        "purpose: Keep the backlog honest.\n"
        "trigger: A bug is reported.\n"
        "cadence: weekly\n"
        "owner: product-ops-manager\n"
        "pillars: [delivery]\n"
        f"raci:\n{raci}"
        "inputs: [Bug reports]\n"
        "outputs: [A ranked list]\n"
        f"steps:\n{steps}"
        f"tags: [{tags}, quality]\n"
    )


def step(name: str, role_id: str) -> str:
    return f"  - name: {name}\n    role: {role_id}\n    description: {name} the bugs.\n"


RACI_BEFORE = "  product-ops-manager: A\n  product-manager: C\n"
RACI_AFTER = "  product-ops-manager: R\n  product-manager: A\n"
STEPS_BEFORE = step("Collect", "product-ops-manager") + step("Assess", "product-manager")
STEPS_AFTER = (
    step("Collect", "product-ops-manager")
    + step("Triage", "product-manager")
    + step("Assess", "product-manager")
)
GUIDE_BEFORE = (
    "---\ntitle: Getting started\nsummary: Start here.\nowners: ['@acme/ops']\n---\n\n"
    "Welcome.\n\n## Why\n\nBecause.\n\n## How to start\n\nRead.\n"
)
GUIDE_AFTER = (
    "---\ntitle: Getting started\nsummary: Start here.\nowners: ['@acme/ops']\n---\n\n"
    "Welcome.\n\n## How to start\n\nRead the roles first.\n\n## Next steps\n\nAsk.\n"
)


class Repo:
    """A git repository in tmp_path with deterministic authors and dates."""

    def __init__(self, root: Path, home: Path) -> None:
        self.root = root
        self.clock = 1_700_000_000
        home.mkdir(parents=True, exist_ok=True)
        self.env = {
            **os.environ,
            "HOME": str(home),
            "GIT_CONFIG_NOSYSTEM": "1",
            "GIT_CEILING_DIRECTORIES": str(root.parent),
        }
        self.git("init", "-q", "-b", "main")
        self.git("config", "user.name", "Ada Lovelace")
        self.git("config", "user.email", "ada@example.org")
        self.git("config", "commit.gpgsign", "false")
        self.git("config", "tag.gpgsign", "false")

    def git(self, *args: str, env: dict[str, str] | None = None) -> str:
        done = subprocess.run(
            ["git", *args], cwd=self.root, env={**self.env, **(env or {})},
            capture_output=True, text=True, check=True,
        )  # fmt: skip
        return done.stdout.strip()

    def write(self, rel: str, text: str) -> None:
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")

    def commit(self, subject: str, author: str = "Ada Lovelace <ada@example.org>") -> str:
        self.clock += 3600
        date = f"{self.clock} +0000"
        self.git("add", "-A")
        self.git(
            "commit", "-q", "--allow-empty", "-m", subject, f"--author={author}",
            env={"GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date},
        )  # fmt: skip
        return self.git("rev-parse", "HEAD")

    def tag(self, name: str, message: str | None = None) -> None:
        self.clock += 60
        date = f"{self.clock} +0000"
        args = ["tag", "-a", name, "-m", message] if message else ["tag", name]
        self.git(*args, env={"GIT_COMMITTER_DATE": date})


@pytest.fixture
def new_repo(tmp_path: Path) -> Callable[[str], Repo]:
    def make(name: str = "repo") -> Repo:
        root = tmp_path / name
        shutil.copytree(ROOT / "schemas", root / "schemas")
        (root / "playbook").mkdir()
        return Repo(root, tmp_path / "home")

    return make


@pytest.fixture
def schemas() -> SchemaSet:
    return load_schemas(ROOT / "schemas", ROOT)


@pytest.fixture
def story(new_repo: Callable[[str], Repo]) -> Repo:
    """A playbook's life: additions, nested edits, a rename, a removal, a merge, tags."""
    repo = new_repo("repo")
    repo.commit("Start the playbook")  # schemas only
    repo.write("playbook/roles/product-manager.yml", role("Product manager"))
    repo.write("playbook/roles/product-ops-manager.yml", role("Product ops manager"))
    repo.write("playbook/processes/bug-triage.yml", triage_process(RACI_BEFORE, STEPS_BEFORE))
    repo.commit("Add roles and the triage process")
    repo.write(
        "playbook/processes/bug-triage.yml",
        triage_process(RACI_AFTER, STEPS_AFTER, owners="'@acme/ops', '@acme/pm'", tags="ops"),
    )
    repo.commit("Make the product manager accountable", "Grace Hopper <grace@example.org>")
    repo.tag("v0.1")
    repo.git("mv", "playbook/processes/bug-triage.yml", "playbook/processes/issue-triage.yml")
    repo.commit("Rename the triage process")
    repo.git("checkout", "-q", "-b", "topic")
    repo.write("playbook/roles/product-manager.yml", role("Product manager", "Owns outcomes."))
    repo.commit("Reword the product manager")
    repo.git("checkout", "-q", "main")
    repo.write("playbook/guides/getting-started.md", GUIDE_BEFORE)
    repo.commit("Add a guide")
    repo.clock += 3600
    date = f"{repo.clock} +0000"
    repo.git(
        "merge", "-q", "--no-ff", "-m", "Merge branch 'topic'", "topic",
        env={"GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date},
    )  # fmt: skip
    repo.tag("v0.2", "Second release")
    repo.write("playbook/guides/getting-started.md", GUIDE_AFTER)
    repo.git("rm", "-q", "playbook/roles/product-ops-manager.yml")
    repo.commit("Rework the guide; drop the ops manager")
    repo.write("README.md", "Not part of the playbook.\n")
    repo.commit("Add a README")
    repo.tag("v0.3")
    repo.write("playbook/roles/product-manager.yml", role("Product lead", "Owns outcomes."))
    repo.commit("Retitle the product manager")
    return repo


SCHEMA_TITLES = [
    (
        path.name.removesuffix(".schema.json"),
        json.loads(path.read_text("utf-8"))["title"] + " schema",
    )
    for path in sorted((ROOT / "schemas").glob("*.schema.json"))
]


def entries(history: History) -> list[ChangelogEntry]:
    return [entry for release in history.releases for entry in release.entries]


def summary(history: History, with_schemas: bool = False) -> list[tuple[str, list[Any]]]:
    """Give (subject, [(change, key, title, details, renamed_from)]) per entry, newest first."""
    found = []
    for entry in entries(history):
        changes = [
            (c.change, c.key, c.title, c.details, c.renamed_from)
            for c in entry.changes
            if with_schemas or not c.key.startswith("schemas/")
        ]
        if changes:
            found.append((entry.commit.subject, changes))
    return found


def test_changelog_entries_in_the_playbooks_words(story: Repo, schemas: SchemaSet) -> None:
    history = read_history(story.root, schemas)
    assert history.warning is None
    assert summary(history, with_schemas=True) == [
        ("Retitle the product manager", [
            ("changed", "roles/product-manager", "Product lead", (
                'Title: "Product manager" → "Product lead"',), None),
        ]),
        ("Rework the guide; drop the ops manager", [
            ("changed", "guides/getting-started", "Getting started", (
                'Section "How to start" changed',
                'Section "Next steps" added',
                'Section "Why" removed',
            ), None),
            ("removed", "roles/product-ops-manager", "Product ops manager", (), None),
        ]),
        ("Merge branch 'topic'", [
            ("changed", "roles/product-manager", "Product manager", (
                'Summary: "Owns the product." → "Owns outcomes."',), None),
        ]),
        ("Add a guide", [("added", "guides/getting-started", "Getting started", (), None)]),
        ("Rename the triage process", [
            ("renamed", "processes/issue-triage", "Bug triage", (), "processes/bug-triage"),
        ]),
        ("Make the product manager accountable", [
            ("changed", "processes/bug-triage", "Bug triage", (
                "RACI: Product ops manager A → R",
                "RACI: Product lead C → A",
                'Step 2 "Triage" added',
                "Owners: @acme/pm added",
                "Tags: ops added",
                "Tags: data removed",
            ), None),
        ]),
        ("Add roles and the triage process", [
            ("added", "processes/bug-triage", "Bug triage", (), None),
            ("added", "roles/product-manager", "Product manager", (), None),
            ("added", "roles/product-ops-manager", "Product ops manager", (), None),
        ]),
        ("Start the playbook", [
            ("added", f"schemas/{name}", title, (), None) for name, title in SCHEMA_TITLES
        ]),
    ]  # fmt: skip


def test_commits_keep_author_date_and_subject(story: Repo, schemas: SchemaSet) -> None:
    history = read_history(story.root, schemas)
    accountable = next(e for e in entries(history) if e.commit.subject.startswith("Make"))
    assert accountable.commit.author == "Grace Hopper"
    assert accountable.commit.sha == story.git("rev-parse", "v0.1")
    assert accountable.commit.date == story.git("log", "-1", "--format=%aI", "v0.1")


def test_releases_by_tag_newest_first_unreleased_on_top(story: Repo, schemas: SchemaSet) -> None:
    history = read_history(story.root, schemas)
    releases = [(r.name, [e.commit.subject for e in r.entries]) for r in history.releases]
    assert releases == [
        ("Unreleased", ["Retitle the product manager"]),
        # v0.3 tags a commit that touches no playbook file: it still closes a release
        ("v0.3", ["Rework the guide; drop the ops manager"]),
        ("v0.2", ["Merge branch 'topic'", "Add a guide", "Rename the triage process"]),
        ("v0.1", [
            "Make the product manager accountable",
            "Add roles and the triage process",
            "Start the playbook",
        ]),
    ]  # fmt: skip
    dates = {r.name: r.date for r in history.releases}
    assert dates["Unreleased"] is None
    commit_date = story.git("log", "-1", "--format=%cI", "v0.1")
    assert dates["v0.1"] == commit_date  # lightweight: the commit's date
    tagger_date = story.git("for-each-ref", "--format=%(taggerdate:iso-strict)", "refs/tags/v0.2")
    assert dates["v0.2"] == tagger_date  # annotated: the tag's own date


def test_merge_is_one_entry_and_the_branch_commit_is_not_repeated(
    story: Repo, schemas: SchemaSet
) -> None:
    subjects = [e.commit.subject for e in entries(read_history(story.root, schemas))]
    assert "Merge branch 'topic'" in subjects
    assert "Reword the product manager" not in subjects


def test_entity_history_follows_renames(story: Repo, schemas: SchemaSet) -> None:
    history = read_history(story.root, schemas)
    triage = history.entities["processes/issue-triage"]
    assert [(c.subject, e.change) for c, e in triage.entries] == [
        ("Rename the triage process", "renamed"),
        ("Make the product manager accountable", "changed"),
        ("Add roles and the triage process", "added"),
    ]
    assert triage.created == triage.entries[-1][0].date
    assert triage.updated == triage.entries[0][0].date
    assert "processes/bug-triage" not in history.entities
    removed = history.entities["roles/product-ops-manager"]
    assert removed.entries[0][1].change == "removed"


def test_since_limits_the_changelog(story: Repo, schemas: SchemaSet) -> None:
    history = read_history(story.root, schemas, since="v0.2")
    assert [e.commit.subject for e in entries(history)] == [
        "Retitle the product manager",
        "Rework the guide; drop the ops manager",
    ]


def test_references_are_named_by_todays_titles(story: Repo, schemas: SchemaSet) -> None:
    names = {"roles/product-manager": "PM (today)"}
    history = read_history(story.root, schemas, names)
    details = [
        d
        for e in entries(history)
        if e.commit.subject.startswith("Make")
        for c in e.changes
        for d in c.details
    ]
    assert "RACI: PM (today) C → A" in details


def test_pipeline_read_history_uses_the_validated_playbook(story: Repo) -> None:
    config = load_config(story.root)
    history = pipeline.read_history(config, validate_playbook(config))
    assert history.releases[0].name == "Unreleased"
    assert "processes/issue-triage" in history.entities


def test_detached_head(story: Repo, schemas: SchemaSet) -> None:
    story.git("checkout", "-q", "--detach", "v0.2")
    history = read_history(story.root, schemas)
    assert history.warning is None
    assert [r.name for r in history.releases] == ["v0.2", "v0.1"]


def test_empty_repository(new_repo: Callable[[str], Repo], schemas: SchemaSet) -> None:
    repo = new_repo("empty")
    history = read_history(repo.root, schemas)
    assert history == History()


def test_outside_git_one_warning_how_to_get_history(
    tmp_path: Path, schemas: SchemaSet, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "plain"
    shutil.copytree(ROOT / "schemas", root / "schemas")
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    history = read_history(root, schemas)
    assert history.releases == () and dict(history.entities) == {}
    assert history.warning is not None
    assert "not inside a git repository" in history.warning
    assert "fetch-depth: 0" in history.warning


def test_without_a_git_command(
    story: Repo, schemas: SchemaSet, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    empty = tmp_path / "no-tools"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    history = read_history(story.root, schemas)
    assert history.releases == ()
    assert history.warning is not None and "git is not installed" in history.warning


def test_shallow_clone_builds_with_one_warning(
    story: Repo, schemas: SchemaSet, tmp_path: Path
) -> None:
    clone = tmp_path / "shallow"
    subprocess.run(
        ["git", "clone", "-q", "--depth", "2", f"file://{story.root}", str(clone)],
        check=True, env=story.env, capture_output=True,
    )  # fmt: skip
    history = read_history(clone, schemas)
    assert history.warning is not None
    assert "shallow clone" in history.warning and "fetch-depth: 0" in history.warning
    # The oldest fetched commit is the baseline: its files are not reported as all added.
    assert [e.commit.subject for e in entries(history)] == ["Retitle the product manager"]
    assert history.entities["roles/product-manager"].created is None

    single = tmp_path / "shallow1"
    subprocess.run(
        ["git", "clone", "-q", "--depth", "1", f"file://{story.root}", str(single)],
        check=True, env=story.env, capture_output=True,
    )  # fmt: skip
    history = read_history(single, schemas)
    assert entries(history) == [] and history.warning is not None


def test_playbook_in_a_subfolder_of_the_repository(
    new_repo: Callable[[str], Repo], schemas: SchemaSet
) -> None:
    repo = new_repo("mono")
    (repo.root / "docs").mkdir()
    shutil.move(repo.root / "schemas", repo.root / "docs" / "schemas")
    repo.write("docs/playbook/roles/product-manager.yml", role("Product manager"))
    repo.write("playbook/roles/elsewhere.yml", role("Not this playbook"))
    repo.commit("Add a role")
    history = read_history(repo.root / "docs", schemas)
    assert summary(history) == [
        ("Add a role", [("added", "roles/product-manager", "Product manager", (), None)])
    ]


def test_unreadable_versions_and_formatting_only_changes(
    new_repo: Callable[[str], Repo], schemas: SchemaSet
) -> None:
    repo = new_repo("rough")
    repo.write("playbook/roles/analyst.yml", role("Analyst"))
    repo.commit("Add the analyst")
    repo.write("playbook/roles/analyst.yml", "title: [unclosed\n")
    repo.commit("Break the analyst")
    repo.write("playbook/roles/analyst.yml", role("Analyst", "Finds things out."))
    repo.commit("Fix the analyst")
    repo.write("playbook/roles/analyst.yml", "# a comment\n" + role("Analyst", "Finds things out."))
    repo.commit("Comment the analyst")
    repo.write("playbook/roles/Bad Name.yml", role("Not an entity"))
    repo.write("playbook/notes.md", "Not an entity either.\n")
    repo.commit("Add files that are not entities")
    assert summary(read_history(repo.root, schemas)) == [
        ("Fix the analyst", [("changed", "roles/analyst", "Analyst", (), None)]),
        ("Break the analyst", [("changed", "roles/analyst", "analyst", (), None)]),
        ("Add the analyst", [("added", "roles/analyst", "Analyst", (), None)]),
    ]


def test_schema_changes_are_in_the_changelog(
    new_repo: Callable[[str], Repo], schemas: SchemaSet
) -> None:
    repo = new_repo("schemas")
    repo.commit("Start")
    path = repo.root / "schemas" / "roles.schema.json"
    document = json.loads(path.read_text("utf-8"))
    document["properties"]["level"] = {
        "title": "Level",
        "description": "How senior.",
        "type": "string",
    }
    path.write_text(json.dumps(document, indent=2), "utf-8")
    repo.commit("Roles get a level")
    assert summary(read_history(repo.root, schemas), with_schemas=True)[:1] == [
        (
            "Roles get a level",
            [("changed", "schemas/roles", "Role schema", ('Field "Level" added',), None)],
        )
    ]


def test_second_build_reads_no_blob_and_gives_the_same_history(
    story: Repo, schemas: SchemaSet, monkeypatch: pytest.MonkeyPatch
) -> None:
    parsed: list[str] = []
    real_read = changes_module.read_version

    def counting(slot: Any, raw: bytes) -> Any:
        parsed.append(f"{slot.kind}:{raw!r}")
        return real_read(slot, raw)

    monkeypatch.setattr(changes_module, "read_version", counting)
    first = read_history(story.root, schemas)
    assert parsed and len(parsed) == len(set(parsed))  # each blob parsed at most once
    assert (cache_of(story.root) / "versions.json").is_file()

    def no_blobs(self: GitRepository, ids: Any) -> Iterator[tuple[str, bytes | None]]:
        raise AssertionError(f"a cached build read blobs: {list(ids)}")

    monkeypatch.setattr(GitRepository, "blobs", no_blobs)
    parsed.clear()
    second = read_history(story.root, schemas)
    assert second == first
    assert parsed == []


def test_blobs_are_read_in_order_and_missing_ones_give_none(story: Repo) -> None:
    blob = story.git("rev-parse", "HEAD:playbook/roles/product-manager.yml")
    commit = story.git("rev-parse", "HEAD")
    missing = "0123456789" * 4
    read = list(open_repository(story.root).blobs([blob, missing, commit, blob]))
    assert [blob_id for blob_id, _ in read] == [blob, missing, commit, blob]
    on_disk = (story.root / "playbook" / "roles" / "product-manager.yml").read_bytes()
    assert [raw for _, raw in read] == [on_disk, None, None, on_disk]


def test_blob_stream_outruns_the_pipe_and_stops_early_without_hanging(story: Repo) -> None:
    blob = story.git("rev-parse", "HEAD:playbook/roles/product-manager.yml")
    on_disk = (story.root / "playbook" / "roles" / "product-manager.yml").read_bytes()
    repo = open_repository(story.root)
    many = [blob] * 5000  # 205 kB of ids: more than a pipe holds, so git and we take turns
    assert all(raw == on_disk for _, raw in repo.blobs(many))
    stream = repo.blobs(many)
    assert next(stream) == (blob, on_disk)
    stream.close()  # git is stopped and the writer thread ends, though most ids were not sent


def test_corrupt_cache_is_ignored(story: Repo, schemas: SchemaSet) -> None:
    first = read_history(story.root, schemas)
    cached = sorted((cache_of(story.root)).iterdir())
    names = [path.name for path in cached]
    assert "versions.json" in names and any(name.startswith("changes-") for name in names)
    for path in cached:
        path.write_text("{not json", "utf-8")
    assert read_history(story.root, schemas) == first
    assert read_history(story.root, schemas, cache=False) == first


@pytest.mark.parametrize(
    "damage",  # part of a cache file -> what replaces it; {"*": x} replaces each entry with x
    [
        {"titles": [1, 2], "details": "x", "versions": [[1]]},
        {"titles": {"*": 5}, "details": {"*": [1]}, "versions": {"*": "x"}},
        {"versions": {"*": {"f": [], "b": 3}}},
    ],
)
def test_cache_of_the_wrong_shape_is_read_again(
    story: Repo, schemas: SchemaSet, damage: dict[str, Any]
) -> None:
    """JSON the cache never writes (edited by hand, another version) is no error, nor trusted."""
    first = read_history(story.root, schemas)
    for path in (cache_of(story.root)).iterdir():
        text = unseal(path.read_bytes())
        assert text is not None
        document = json.loads(text)
        for part, value in damage.items():
            if part in document:
                stored = document[part]
                document[part] = (
                    {key: value["*"] for key in stored} if isinstance(value, dict) else value
                )
        path.write_bytes(seal(json.dumps(document).encode()))  # well sealed, wrongly shaped
    assert read_history(story.root, schemas) == first
    for path in (cache_of(story.root)).glob("changes-*.json"):
        path.unlink()  # so that the versions file is what is read
    assert read_history(story.root, schemas) == first


def test_cache_folder_that_cannot_be_cleaned_is_no_error(story: Repo, schemas: SchemaSet) -> None:
    first = read_history(story.root, schemas)
    (cache_of(story.root) / "changes-0000000000000000.json").mkdir()  # not ours to remove
    for path in (cache_of(story.root)).glob("changes-*.json"):
        if path.is_file():
            path.unlink()  # so the next read writes its changes file again
    assert read_history(story.root, schemas) == first


# --- The commands, run as a user runs them ---


def test_cli_changelog_markdown_escapes_commit_text(
    new_repo: Callable[[str], Repo], playbook_cli: Callable[..., Any]
) -> None:
    repo = new_repo("cli")
    repo.write("playbook/roles/analyst.yml", role("Analyst <b>"))
    repo.commit(
        "Add <script>alert(1)</script> [x](javascript:y) *now*",
        author="Mallory *Bold* <m@example.org>",
    )
    done = playbook_cli("changelog", cwd=repo.root)
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert out.startswith("# Changelog\n")
    assert "## Unreleased" in out
    assert "<script>" not in out and "[x](" not in out
    assert r"Add &lt;script&gt;alert(1)&lt;/script&gt; \[x\](javascript:y) \*now\*" in out
    assert r"Mallory \*Bold\*" in out
    assert r"- Added **Analyst &lt;b&gt;** (`roles/analyst`)" in out
    assert done.stderr == ""


def test_cli_changelog_json_and_since(story: Repo, playbook_cli: Callable[..., Any]) -> None:
    done = playbook_cli("changelog", "--format", "json", "--since", "v0.3", cwd=story.root)
    assert done.returncode == 0, done.stderr
    document = json.loads(done.stdout)
    assert document["warning"] is None
    [release] = document["releases"]
    assert release["name"] == "Unreleased"
    [entry] = release["entries"]
    assert entry["commit"]["subject"] == "Retitle the product manager"
    assert entry["changes"] == [
        {
            "key": "roles/product-manager",
            "change": "changed",
            "title": "Product lead",
            "renamed_from": None,
            "details": ['Title: "Product manager" → "Product lead"'],
        }
    ]
    bad = playbook_cli("changelog", "--since", "no-such-tag", cwd=story.root)
    assert bad.returncode == 2
    assert "'no-such-tag' is not a commit" in bad.stderr


def test_cli_changelog_outside_git_warns_once(
    tmp_path: Path, playbook_cli: Callable[..., Any]
) -> None:
    root = tmp_path / "plain"
    shutil.copytree(ROOT / "schemas", root / "schemas")
    (root / "playbook").mkdir()
    done = playbook_cli("changelog", cwd=root, env={"GIT_CEILING_DIRECTORIES": str(tmp_path)})
    assert done.returncode == 0
    assert done.stderr.count("warning") == 1 and "fetch-depth: 0" in done.stderr
    assert "No changes to the playbook yet." in done.stdout


def test_cli_diff_working_tree_against_a_branch(
    story: Repo, playbook_cli: Callable[..., Any]
) -> None:
    base = story.git("rev-parse", "v0.3")
    # Uncommitted and untracked work counts: the working tree is what the contributor sees.
    story.write("playbook/roles/data-analyst.yml", role("Data analyst"))
    story.git("mv", "playbook/processes/issue-triage.yml", "playbook/processes/triage.yml")
    done = playbook_cli("diff", "v0.3", cwd=story.root)
    assert done.returncode == 0, done.stderr
    assert done.stdout == (
        "## Playbook changes\n\n"
        f"**1 added, 1 changed, 1 renamed, 0 removed** (from `{base[:12]}` to the working tree)\n\n"
        "### Added (1)\n\n"
        "- **Data analyst** (`roles/data-analyst`)\n\n"
        "### Changed (1)\n\n"
        "- **Product lead** (`roles/product-manager`)\n"
        '  - Title: "Product manager" → "Product lead"\n\n'
        "### Renamed (1)\n\n"
        "- **Bug triage** (`processes/triage`, was `processes/issue-triage`)\n"
    )


def test_diff_of_the_working_tree_reads_what_validation_reads(
    story: Repo, schemas: SchemaSet, tmp_path: Path
) -> None:
    outside = tmp_path / "outside.yml"
    outside.write_text(role("Outside"), "utf-8")
    (story.root / "playbook" / "roles" / "outside.yml").symlink_to(outside)
    story.write("playbook/roles/inside.yml", role("Inside"))
    diff = compare(story.root, schemas, "HEAD", None)
    assert [(c.change, c.key) for c in diff.changes] == [("added", "roles/inside")]


def test_diff_pairs_an_edited_file_under_a_new_name_as_a_rename(
    story: Repo, schemas: SchemaSet
) -> None:
    (story.root / "playbook" / "roles" / "product-manager.yml").unlink()
    (story.root / "playbook" / "guides" / "getting-started.md").unlink()
    story.write("playbook/roles/product-lead.yml", role("Product lead", "Owns the outcomes."))
    diff = compare(story.root, schemas, "HEAD", None)
    assert [(c.change, c.key, c.renamed_from, c.details) for c in diff.changes] == [
        (
            "renamed",
            "roles/product-lead",
            "roles/product-manager",
            ('Summary: "Owns outcomes." → "Owns the outcomes."',),
        ),
        ("removed", "guides/getting-started", None, ()),
    ]


def test_cli_diff_between_revisions_from_the_merge_base(
    story: Repo, playbook_cli: Callable[..., Any]
) -> None:
    story.git("checkout", "-q", "-b", "feature", "v0.3")
    story.write("playbook/roles/data-analyst.yml", role("Data analyst"))
    story.commit("Add the data analyst")
    # main moved on after the branch point (the retitle); the branch must not appear to undo it
    done = playbook_cli("diff", "main", "feature", "--format", "json", cwd=story.root)
    assert done.returncode == 0, done.stderr
    document = json.loads(done.stdout)
    assert document["base"] == story.git("rev-parse", "v0.3^{commit}")
    assert document["head"] == story.git("rev-parse", "feature")
    assert document["counts"] == {
        "added": 1,
        "changed": 0,
        "reviewed": 0,
        "renamed": 0,
        "removed": 0,
    }
    assert [c["key"] for c in document["changes"]] == ["roles/data-analyst"]

    same = playbook_cli("diff", "HEAD", "HEAD", cwd=story.root)
    assert "No change to the playbook's content" in same.stdout

    bad = playbook_cli("diff", "nope", cwd=story.root)
    assert bad.returncode == 2 and "'nope' is not a commit" in bad.stderr
