"""The contribution set-up: workflows, pre-commit hooks, editor settings, GitLab example, guide."""

from __future__ import annotations

import json
import shutil
import subprocess
import textwrap
from pathlib import Path
from typing import Any

import pytest
import yaml

from generator.validation import known_rules

ROOT = Path(__file__).parent.parent
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
KINDS = sorted(
    p.name.removesuffix(".schema.json")
    for p in (ROOT / "schemas").glob("*.schema.json")
    if p.name != "common.schema.json"
)


def run(*command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        command, cwd=ROOT, capture_output=True, text=True, timeout=120, check=False
    )


def load(path: Path) -> Any:
    # PyYAML reads the key `on` as True (YAML 1.1); the BaseLoader keeps every key as text.
    return yaml.load(path.read_text("utf-8"), Loader=yaml.BaseLoader)


def steps(workflow: dict[str, Any]) -> list[dict[str, Any]]:
    return [step for job in workflow["jobs"].values() for step in job.get("steps", [])]


def test_workflows_pass_actionlint() -> None:
    actionlint = shutil.which("actionlint")
    assert actionlint, "actionlint is missing: pip install -e '.[test]' installs it"
    assert WORKFLOWS
    result = run(actionlint, "-no-color", *map(str, WORKFLOWS))
    assert result.returncode == 0, result.stdout + result.stderr


def test_workflows_match_the_github_workflow_schema() -> None:
    result = run(
        "check-jsonschema", "--builtin-schema", "vendor.github-workflows", *map(str, WORKFLOWS)
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_validate_workflow_checks_pull_requests_and_describes_the_change() -> None:
    workflow = load(ROOT / ".github/workflows/validate.yml")
    assert "pull_request" in workflow["on"]
    all_steps = steps(workflow)
    checkout = next(s for s in all_steps if s.get("uses", "").startswith("actions/checkout@"))
    assert checkout["with"]["fetch-depth"] == "0"
    assert any(s.get("uses", "").startswith("actions/setup-python@") for s in all_steps)
    scripts = "\n".join(s.get("run", "") for s in all_steps)
    assert "pip install" in scripts
    assert "playbook validate --format github" in scripts
    assert "playbook diff" in scripts and "--format md" in scripts
    assert "origin/${BASE_REF}" in scripts
    assert workflow["permissions"]["pull-requests"] == "write"
    comment = next(s for s in all_steps if s.get("uses", "").startswith("actions/github-script@"))
    assert "pr-comment.cjs" in comment["with"]["script"]


def test_publish_workflow_builds_main_and_deploys_to_pages() -> None:
    workflow = load(ROOT / ".github/workflows/publish.yml")
    assert workflow["on"]["push"]["branches"] == ["main"]
    assert workflow["permissions"]["pages"] == "write"
    assert workflow["permissions"]["id-token"] == "write"
    all_steps = steps(workflow)
    checkout = next(s for s in all_steps if s.get("uses", "").startswith("actions/checkout@"))
    assert checkout["with"]["fetch-depth"] == "0"
    assert any("playbook build" in s.get("run", "") for s in all_steps)
    uses = [s.get("uses", "").split("@")[0] for s in all_steps]
    assert "actions/upload-pages-artifact" in uses and "actions/deploy-pages" in uses
    deploy = next(
        job
        for job in workflow["jobs"].values()
        if any(s.get("uses", "").startswith("actions/deploy-pages@") for s in job["steps"])
    )
    assert deploy["environment"]["name"] == "github-pages"


COMMENT_SCENARIO = textwrap.dedent("""
    const { upsertComment, MARKER, MAX_BODY } = require(process.argv[2]);
    const comments = [
      { id: 1, user: { type: "User" }, body: "looks good" },
      { id: 2, user: { type: "User" }, body: MARKER + " quoted by a person" },
    ];
    const calls = [];
    let next = 100;
    const github = {
      paginate: async (method, params) => {
        calls.push(["list", params.issue_number]);
        return comments.slice();
      },
      rest: { issues: {
        listComments: () => {},
        createComment: async (p) => {
          const c = { id: next++, user: { type: "Bot" }, body: p.body };
          comments.push(c); calls.push(["create", c.id]); return { data: c };
        },
        updateComment: async (p) => {
          comments.find((c) => c.id === p.comment_id).body = p.body;
          calls.push(["update", p.comment_id]); return { data: {} };
        },
      } },
    };
    const context = { repo: { owner: "acme", repo: "playbook" }, issue: { number: 7 } };
    (async () => {
      const first = await upsertComment({ github, context, body: "## Changes\\n\\n- added" });
      const second = await upsertComment({ github, context, body: "## Changes\\n\\n- changed" });
      const third = await upsertComment({ github, context, body: "x".repeat(MAX_BODY * 2) });
      console.log(JSON.stringify({ first, second, third, calls, comments, MARKER, MAX_BODY }));
    })();
""")


def test_pull_request_comment_is_created_once_then_updated(tmp_path: Path) -> None:
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed")
    scenario = tmp_path / "scenario.cjs"
    scenario.write_text(COMMENT_SCENARIO, encoding="utf-8")
    result = run(node, str(scenario), str(ROOT / ".github/scripts/pr-comment.cjs"))
    assert result.returncode == 0, result.stderr
    outcome = json.loads(result.stdout)
    assert outcome["first"]["action"] == "created"
    assert outcome["second"] == {"action": "updated", "id": outcome["first"]["id"]}
    assert outcome["third"]["id"] == outcome["first"]["id"]
    bot = [c for c in outcome["comments"] if c["user"]["type"] == "Bot"]
    assert len(bot) == 1
    assert bot[0]["body"].startswith(outcome["MARKER"])
    assert len(bot[0]["body"]) <= outcome["MAX_BODY"]
    person = next(c for c in outcome["comments"] if c["id"] == 2)
    assert person["body"].endswith("quoted by a person")  # a person's comment is never edited


def test_pre_commit_hook_manifest_and_config_are_valid() -> None:
    pre_commit = shutil.which("pre-commit")
    assert pre_commit, "pre-commit is missing: pip install -e '.[test]' installs it"
    manifest = run(pre_commit, "validate-manifest", ".pre-commit-hooks.yaml")
    assert manifest.returncode == 0, manifest.stdout + manifest.stderr
    config = run(pre_commit, "validate-config", ".pre-commit-config.yaml")
    assert config.returncode == 0, config.stdout + config.stderr


def test_pre_commit_hook_runs_validate_on_content_changes() -> None:
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text("utf-8"))
    hook = next(h for h in hooks if h["id"] == "playbook-validate")
    assert hook["entry"] == "playbook validate"
    assert hook["language"] == "python"
    assert hook["pass_filenames"] is False
    # Validation also compares .github/CODEOWNERS with the entries' owners.
    assert hook["files"] == r"^(playbook/|schemas/|\.github/CODEOWNERS$)"
    config = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text("utf-8"))
    local = [h for repo in config["repos"] if repo["repo"] == "local" for h in repo["hooks"]]
    own = next(h for h in local if h["id"] == "playbook-validate")
    assert own["entry"] == "playbook validate" and own["files"] == hook["files"]
    ids = {h["id"] for repo in config["repos"] for h in repo["hooks"]}
    assert {"ruff", "ruff-format"} <= ids


def test_editor_maps_every_kind_to_its_schema() -> None:
    settings = json.loads((ROOT / ".vscode/settings.json").read_text("utf-8"))
    mapping = settings["yaml.schemas"]
    for kind in KINDS:
        assert mapping[f"./schemas/{kind}.schema.json"] == [f"playbook/{kind}/*.yml"]
    assert all((ROOT / schema).is_file() for schema in mapping)
    extensions = json.loads((ROOT / ".vscode/extensions.json").read_text("utf-8"))
    assert "redhat.vscode-yaml" in extensions["recommendations"]


def test_gitlab_example_is_valid_and_reports_code_quality() -> None:
    example = ROOT / ".gitlab-ci.yml.example"
    result = run(
        "check-jsonschema",
        "--default-filetype",
        "yaml",
        "--builtin-schema",
        "vendor.gitlab-ci",
        str(example),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    pipeline = yaml.safe_load(example.read_text("utf-8"))
    job = pipeline["validate"]
    report = job["artifacts"]["reports"]["codequality"]
    assert any("--format codequality" in line and report in line for line in job["script"])
    assert job["artifacts"]["when"] == "always"


def test_contributing_guide_explains_every_rule() -> None:
    guide = (ROOT / "CONTRIBUTING.md").read_text("utf-8")
    missing = sorted(rule for rule in known_rules() if f"`{rule}`" not in guide)
    assert not missing, f"add these rule ids to CONTRIBUTING.md: {missing}"
    assert "../roles/product-manager.yml" in guide
    assert "playbook serve" in guide and "playbook new" in guide


def test_pull_request_template_asks_for_validation() -> None:
    template = (ROOT / ".github/pull_request_template.md").read_text("utf-8")
    assert "playbook validate" in template
    assert "playbook codeowners" in template


def git(repo: Path, *args: str) -> None:
    identity = ["-c", "user.name=Pat Doe", "-c", "user.email=pat@example.org"]
    subprocess.run(["git", *identity, *args], cwd=repo, check=True, capture_output=True, timeout=60)


def test_diff_comment_carries_the_marker_and_the_change(tmp_path: Path) -> None:
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed")
    repo = tmp_path / "repo"
    shutil.copytree(ROOT / "schemas", repo / "schemas")
    shutil.copytree(ROOT / "tests/cases/_base/playbook", repo / "playbook")
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "Base playbook")
    git(repo, "switch", "-qc", "proposal")
    lead = repo / "playbook/roles/lead.yml"
    lead.write_text(lead.read_text("utf-8").replace("title: Team lead", "title: Team leader"))
    git(repo, "commit", "-qam", "Rename the lead role's title")
    # The same command the validate workflow runs, with the base branch as `origin/<base>` there.
    diff = subprocess.run(
        [shutil.which("playbook") or "playbook", "diff", "main", "HEAD", "--format", "md"],
        cwd=repo, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert diff.returncode == 0, diff.stderr
    assert "roles/lead" in diff.stdout
    script = "const m = require(process.argv[1]); process.stdout.write(m.commentBody(require('fs')"
    script += ".readFileSync(0, 'utf8')) + '\\n' + m.MARKER);"
    comment = subprocess.run(
        [node, "-e", script, str(ROOT / ".github/scripts/pr-comment.cjs")],
        input=diff.stdout, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert comment.returncode == 0, comment.stderr
    body, marker = comment.stdout.rsplit("\n", 1)
    assert body.startswith(marker + "\n")
    assert diff.stdout.strip() in body
