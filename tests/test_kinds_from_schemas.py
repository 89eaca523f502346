"""Kinds are what the schemas declare: a new kind is a schema and content, no Python; its place
among the catalogues and how its catalogue groups entries come from `x-playbook`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from conftest import run_playbook
from sitekit import make_site_repo

from generator.config import load_config
from generator.pipeline import validate_playbook
from generator.site.search import search_records

CHECKLIST_SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "Checklist",
    "type": "object",
    "x-playbook": {
        "folder": "checklists",
        "singular": "Checklist",
        "plural": "Checklists",
        "order": 0,
        "catalogue": {"group_by": "area", "labels": {"launch": "Launching"}},
    },
    "required": ["title", "summary", "owners", "area"],
    "additionalProperties": False,
    "properties": {
        "title": {"$ref": "common.schema.json#/$defs/title"},
        "summary": {"$ref": "common.schema.json#/$defs/summary"},
        "owners": {"$ref": "common.schema.json#/$defs/owners"},
        "area": {"enum": ["launch", "quality-review"]},
        "role": {"type": "string", "x-playbook-ref": "roles"},
    },
}


def checklist(title: str, area: str) -> str:
    return f'title: {title}\nsummary: Steps to follow.\nowners: ["@acme/product"]\narea: {area}\n'


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = make_site_repo(tmp_path / "repo")
    (root / "schemas" / "checklists.schema.json").write_text(
        json.dumps(CHECKLIST_SCHEMA, indent=2), encoding="utf-8"
    )
    for name, title, area in [
        ("go-live", "Go live", "launch"),
        ("beta", "Beta", "launch"),
        ("review", "Quality review", "quality-review"),
    ]:
        (root / "playbook" / "checklists").mkdir(exist_ok=True)
        (root / "playbook" / "checklists" / f"{name}.yml").write_text(
            checklist(title, area), encoding="utf-8"
        )
    return root


def test_a_new_kind_is_a_schema_and_content(repo: Path, tmp_path: Path) -> None:
    out = tmp_path / "tree"
    result = run_playbook("--root", str(repo), "render", "--out", str(out))
    assert result.returncode == 0, result.stdout + result.stderr
    assert (out / "checklists" / "go-live.md").is_file()
    catalogue = (out / "checklists" / "index.md").read_text(encoding="utf-8")
    launching, quality = catalogue.index("Launching"), catalogue.index("Quality review")
    assert launching < catalogue.index("Beta") < catalogue.index("Go live") < quality
    nav = yaml.safe_load((out / ".nav.yml").read_text(encoding="utf-8"))["nav"]
    sections = [next(iter(item)) for item in nav]
    assert sections.index("Checklists") < sections.index("Roles")  # order 0 comes first


def test_grouping_by_a_reference_follows_the_referenced_kind(repo: Path, tmp_path: Path) -> None:
    schema = json.loads((repo / "schemas" / "checklists.schema.json").read_text(encoding="utf-8"))
    schema["x-playbook"]["catalogue"] = {"group_by": "role"}
    (repo / "schemas" / "checklists.schema.json").write_text(json.dumps(schema), encoding="utf-8")
    entry = repo / "playbook" / "checklists" / "beta.yml"
    entry.write_text(entry.read_text(encoding="utf-8") + "role: product-manager\n", "utf-8")
    out = tmp_path / "tree"
    result = run_playbook("--root", str(repo), "render", "--out", str(out))
    assert result.returncode == 0, result.stdout + result.stderr
    catalogue = (out / "checklists" / "index.md").read_text(encoding="utf-8")
    assert catalogue.index("Product manager") < catalogue.index("Beta") < catalogue.index("Other")
    assert catalogue.index("Other") < catalogue.index("Go live")


@pytest.mark.parametrize(
    ("where", "said"),
    [
        (("properties", "role", "x-playbook-refs"), "`x-playbook-refs` at /properties/role is"),
        (("properties", "area", "x-playbook"), "`x-playbook` at /properties/area is not read"),
        (("x-playbook-mirrors",), "`x-playbook-mirrors` at / is not read"),
    ],
)
def test_our_keywords_where_they_would_be_ignored_are_refused(
    repo: Path, where: tuple[str, ...], said: str
) -> None:
    schema = json.loads((repo / "schemas" / "checklists.schema.json").read_text(encoding="utf-8"))
    node = schema
    for step in where[:-1]:
        node = node[step]
    node[where[-1]] = "roles"
    (repo / "schemas" / "checklists.schema.json").write_text(json.dumps(schema), encoding="utf-8")
    result = run_playbook("--root", str(repo), "validate")
    assert result.returncode == 2, result.stdout + result.stderr
    assert said in result.stderr and "checklists.schema.json" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("meta", "said"),
    [
        ({"order": "first"}, "`x-playbook.order` must be a whole number"),
        ({"catalogue": {"group_by": "colour"}}, "names 'colour', which is not a field"),
        ({"catalogue": ["area"]}, "`x-playbook.catalogue` must be"),
        ({"catalogue": {"group_by": "area", "labels": {"launch": 3}}}, "maps values to titles"),
        ({"abbreviation": "area"}, "`x-playbook.abbreviation` must name one of the schema's text"),
        (
            {"abbreviation": "colour"},
            "`x-playbook.abbreviation` must name one of the schema's text",
        ),
        ({"body_field": "area"}, "`x-playbook.body_field` must name one of the schema's text"),
        ({"download": True}, "true only for a kind whose entries have a Markdown body"),
        ({"start_here": "two"}, "`x-playbook.start_here` must be a whole number"),
        ({"tree": "role"}, "`x-playbook.tree` must name a field that holds the id of one other"),
        ({"tree": "colour"}, "`x-playbook.tree` must name a field"),
        ({"mirrors": {"area": "checklists"}}, "'area' is not a list of one kind's ids"),
        ({"mirrors": ["role"]}, "`x-playbook.mirrors` maps a list field"),
        ({"targets": True}, "missing: target, healthy_range, review_threshold, direction"),
        ({"targets": "yes"}, "`x-playbook.targets` must be true or false"),
        ({"facet": "yes"}, "`x-playbook.facet` must be true or false"),
        ({"home": 3}, "`x-playbook.home` must be text"),
        ({"mirror": {}}, "`x-playbook.mirror` is not a key of a kind's declaration (did you"),
    ],
)
def test_a_bad_declaration_is_a_configuration_error(
    repo: Path, meta: dict[str, object], said: str
) -> None:
    schema = json.loads((repo / "schemas" / "checklists.schema.json").read_text(encoding="utf-8"))
    schema["x-playbook"].update(meta)
    (repo / "schemas" / "checklists.schema.json").write_text(json.dumps(schema), encoding="utf-8")
    result = run_playbook("--root", str(repo), "validate")
    assert result.returncode == 2, result.stdout + result.stderr
    assert said in result.stderr and "checklists.schema.json" in result.stderr
    assert "Traceback" not in result.stderr


RUNBOOK_SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "Runbook",
    "type": "object",
    "x-playbook": {"folder": "runbooks", "singular": "Runbook", "plural": "Runbooks"},
    "required": ["title", "summary", "owners", "who"],
    "additionalProperties": False,
    "properties": {
        "title": {"$ref": "common.schema.json#/$defs/title"},
        "summary": {"$ref": "common.schema.json#/$defs/summary"},
        "owners": {"$ref": "common.schema.json#/$defs/owners"},
        "lead": {"type": "string", "x-playbook-ref": "roles"},
        "who": {
            "title": "Who does what",
            "type": "object",
            "propertyNames": {"x-playbook-ref": "roles"},
            "additionalProperties": {"enum": ["R", "A", "C", "I"]},
        },
        "stages": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["name"],
                "properties": {
                    "name": {"type": "string"},
                    "by": {"type": "string", "x-playbook-ref": "roles"},
                },
            },
        },
    },
}


def test_the_raci_rules_check_any_kind_whose_schema_declares_a_raci(repo: Path) -> None:
    # A kind with its RACI, owner and steps under other names than the processes' is checked
    # by the same rules, located on its own fields: the rules read the shape from the schema.
    (repo / "schemas" / "runbooks.schema.json").write_text(
        json.dumps(RUNBOOK_SCHEMA, indent=2), encoding="utf-8"
    )
    (repo / "playbook" / "runbooks").mkdir()
    (repo / "playbook" / "runbooks" / "outage.yml").write_text(
        'title: Outage\nsummary: When the site is down.\nowners: ["@acme/product"]\n'
        "lead: product-manager\nwho:\n  product-manager: C\n"
        "stages:\n  - name: Page the team\n    by: product-manager\n",
        encoding="utf-8",
    )
    result = run_playbook("--root", str(repo), "validate")
    assert result.returncode == 1, result.stdout + result.stderr
    found = {
        line.split(": ", 2)[1]: line
        for line in result.stdout.splitlines()
        if "playbook/runbooks/outage.yml:" in line
    }
    assert set(found) >= {
        "error[raci-accountable]",
        "error[raci-responsible]",
        "warning[step-role-responsible]",
        "warning[raci-owner]",
    }, result.stdout
    assert "who: exactly one role must be Accountable" in found["error[raci-accountable]"]
    assert "outage.yml:9:" in found["warning[step-role-responsible]"]  # stages[0].by
    assert (
        "stages[0].by: 'product-manager' does this step but is only C in the Who does what"
        in (found["warning[step-role-responsible]"])
    )
    assert "lead: 'product-manager' owns the runbook" in found["warning[raci-owner]"]


def test_any_kind_can_declare_the_field_that_abbreviates_its_titles(
    repo: Path, tmp_path: Path
) -> None:
    schema = json.loads((repo / "schemas" / "checklists.schema.json").read_text(encoding="utf-8"))
    schema["x-playbook"]["abbreviation"] = "short"
    schema["properties"]["short"] = {"type": "string"}
    (repo / "schemas" / "checklists.schema.json").write_text(json.dumps(schema), encoding="utf-8")
    entry = repo / "playbook" / "checklists" / "review.yml"
    entry.write_text(entry.read_text(encoding="utf-8") + "short: QRC\n", "utf-8")
    user = repo / "playbook" / "checklists" / "go-live.yml"
    user.write_text(user.read_text("utf-8").replace("Steps to follow.", "After the QRC."), "utf-8")
    out = tmp_path / "tree"
    result = run_playbook("--root", str(repo), "render", "--out", str(out))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "*[QRC]: Quality review" in (out / "checklists" / "go-live.md").read_text("utf-8")
    # The engine's own placeholder words are refused in this field as in the glossary's.
    entry.write_text(entry.read_text(encoding="utf-8").replace("QRC", "klzzwxh"), "utf-8")
    result = run_playbook("--root", str(repo), "validate")
    assert result.returncode == 1
    assert "review.yml:5:8: error[abbreviation-reserved]: short: 'klzzwxh'" in result.stdout


def test_a_new_entry_of_any_kind_with_a_raci_starts_with_one_that_passes(repo: Path) -> None:
    schema = {**RUNBOOK_SCHEMA, "required": ["title", "summary", "owners", "who", "lead"]}
    (repo / "schemas" / "runbooks.schema.json").write_text(json.dumps(schema), encoding="utf-8")
    result = run_playbook("--root", str(repo), "new", "runbooks", "outage")
    assert result.returncode == 0, result.stdout + result.stderr
    entry = yaml.safe_load((repo / "playbook/runbooks/outage.yml").read_text(encoding="utf-8"))
    assert sorted(entry["who"].values()) == ["A", "R"]
    assert entry["who"][entry["lead"]] == "A"  # the owner field names the Accountable role
    result = run_playbook("--root", str(repo), "validate", "--strict")
    assert result.returncode == 0, result.stdout + result.stderr


def test_any_kind_can_keep_its_body_in_a_field_in_yml_entries(repo: Path) -> None:
    schema = json.loads((repo / "schemas" / "checklists.schema.json").read_text(encoding="utf-8"))
    schema["x-playbook"].update({"forms": ["yml", "md"], "body_field": "steps"})
    schema["properties"]["steps"] = {"type": "string"}
    (repo / "schemas" / "checklists.schema.json").write_text(json.dumps(schema), encoding="utf-8")
    result = run_playbook("--root", str(repo), "validate")
    assert result.returncode == 1
    missing = [line for line in result.stdout.splitlines() if "error[faq-answer]" in line]
    assert len(missing) == 3 and all("this checklist has no steps" in m for m in missing)
    # A new entry starts with the field filled in, so it passes.
    for name in ("beta", "go-live", "review"):
        (repo / "playbook" / "checklists" / f"{name}.yml").unlink()
    result = run_playbook("--root", str(repo), "new", "checklists", "launch", "--form", "yml")
    assert result.returncode == 0, result.stdout + result.stderr
    entry = yaml.safe_load((repo / "playbook/checklists/launch.yml").read_text(encoding="utf-8"))
    assert entry["steps"]
    assert run_playbook("--root", str(repo), "validate").returncode == 0


def test_any_kind_can_start_readers_on_the_home_page_and_offer_downloads(
    repo: Path, tmp_path: Path
) -> None:
    schema = json.loads((repo / "schemas" / "checklists.schema.json").read_text(encoding="utf-8"))
    schema["x-playbook"].update({"start_here": 2, "forms": ["md"], "body": "required"})
    schema["x-playbook"]["home"] = "what to tick off before each step."
    schema["x-playbook"]["download"] = True
    schema["properties"]["order"] = {"type": "integer"}
    (repo / "schemas" / "checklists.schema.json").write_text(json.dumps(schema), encoding="utf-8")
    folder = repo / "playbook" / "checklists"
    for order, name in enumerate(("review", "beta", "go-live"), 1):
        text = (folder / f"{name}.yml").read_text(encoding="utf-8")
        (folder / f"{name}.yml").unlink()
        (folder / f"{name}.md").write_text(
            f"---\n{text}order: {order}\n---\n\n- [ ] Step one of {name}\n", encoding="utf-8"
        )
    out = tmp_path / "tree"
    result = run_playbook("--root", str(repo), "render", "--out", str(out))
    assert result.returncode == 0, result.stdout + result.stderr
    home = (out / "index.md").read_text(encoding="utf-8")
    start = home[home.index("Start here") :]
    assert start.index("Quality review") < start.index("Beta")  # by `order`, the first two
    assert "Go live" not in start.split("\n\n## ")[0]
    assert "- [Checklists](checklists/index.md): what to tick off before each step." in start
    download = out / "checklists" / "go-live.md.txt"
    assert "Step one of go-live" in download.read_text(encoding="utf-8")
    assert "Download as Markdown" in (out / "checklists" / "go-live.md").read_text("utf-8")


def _declare(repo: Path, meta: dict[str, object], fields: dict[str, object]) -> None:
    path = repo / "schemas" / "checklists.schema.json"
    schema = json.loads(path.read_text(encoding="utf-8"))
    schema["x-playbook"].update(meta)
    schema["properties"].update(fields)
    path.write_text(json.dumps(schema), encoding="utf-8")


def _append(repo: Path, name: str, text: str) -> None:
    entry = repo / "playbook" / "checklists" / f"{name}.yml"
    entry.write_text(entry.read_text(encoding="utf-8") + text, "utf-8")


def test_any_kind_can_declare_that_its_entries_form_a_tree(repo: Path) -> None:
    parent = {"type": "string", "x-playbook-ref": "checklists"}
    _declare(repo, {"tree": "within"}, {"within": parent})
    _append(repo, "beta", "within: go-live\n")
    _append(repo, "go-live", "within: review\n")
    assert run_playbook("--root", str(repo), "validate").returncode == 0
    _append(repo, "review", "within: beta\n")
    result = run_playbook("--root", str(repo), "validate")
    assert result.returncode == 1, result.stdout
    (line,) = [line for line in result.stdout.splitlines() if "[reports-to-cycle]" in line]
    assert "checklists/beta.yml:5:9: error[reports-to-cycle]: within: these checklists" in line
    assert "beta → go-live → review → beta" in line


def test_a_schema_can_ask_that_two_lists_name_each_other(repo: Path) -> None:
    # Checklists list the runbooks that follow them; each runbook names its checklists in a
    # field of its stages (any depth), under names that are neither templates nor processes.
    runbook = {
        **RUNBOOK_SCHEMA,
        "required": ["title", "summary", "owners"],
        "properties": {
            **RUNBOOK_SCHEMA["properties"],  # type: ignore[dict-item]
            "stages": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "name": {"type": "string"},
                        "uses": {"type": "array", "items": {"x-playbook-ref": "checklists"}},
                    },
                },
            },
        },
    }
    (repo / "schemas" / "runbooks.schema.json").write_text(json.dumps(runbook), encoding="utf-8")
    listing = {"type": "array", "items": {"type": "string", "x-playbook-ref": "runbooks"}}
    _declare(repo, {"mirrors": {"followed_by": "uses"}}, {"followed_by": listing})
    (repo / "playbook" / "runbooks").mkdir()
    (repo / "playbook" / "runbooks" / "outage.yml").write_text(
        'title: Outage\nsummary: When the site is down.\nowners: ["@acme/product"]\n'
        "stages:\n  - name: Check\n    uses: [beta]\n",
        encoding="utf-8",
    )
    _append(repo, "go-live", "followed_by: [outage]\n")
    result = run_playbook("--root", str(repo), "validate")
    found = sorted(line for line in result.stdout.splitlines() if "[template-process]" in line)
    assert len(found) == 2, result.stdout
    assert "beta.yml:1:1: warning[template-process]: followed_by: the runbook" in found[0]
    assert "'outage' names this checklist in its `uses` but is not listed" in found[0]
    assert "go-live.yml:5:15: warning[template-process]: followed_by[0]: 'outage' is" in found[1]
    # A declaration the other kind does not answer is a configuration error.
    _declare(repo, {"mirrors": {"followed_by": "checked_in"}}, {})
    result = run_playbook("--root", str(repo), "validate")
    assert result.returncode == 2 and "`x-playbook.mirrors.followed_by`" in result.stderr


TARGETS = {
    "direction": {"enum": ["up", "down", "target"]},
    "target": {"type": "number"},
    "healthy_range": {
        "type": "object",
        "properties": {"min": {"type": "number"}, "max": {"type": "number"}},
    },
    "review_threshold": {"type": "number"},
    "target_basis": {"type": "string", "contentMediaType": "text/markdown"},
}


def test_any_kind_can_set_targets_that_are_checked_and_shown_together(
    repo: Path, tmp_path: Path
) -> None:
    _declare(repo, {"targets": True}, TARGETS)
    _append(repo, "beta", "direction: up\ntarget: 90\nhealthy_range: {min: 80}\n")
    _append(repo, "beta", "review_threshold: 85\ntarget_basis: Last year's *median*.\n")
    result = run_playbook("--root", str(repo), "validate")
    (line,) = [line for line in result.stdout.splitlines() if "[metric-targets]" in line]
    assert "beta.yml:8:19: warning[metric-targets]: review_threshold: 85 is inside" in line
    out = tmp_path / "tree"
    result = run_playbook("--root", str(repo), "render", "--out", str(out))
    assert result.returncode == 0, result.stdout + result.stderr
    page = (out / "checklists" / "beta.md").read_text(encoding="utf-8")
    targets = page[page.index("## Targets") :]
    assert "- **Target:** 90" in targets and "- **Review when:** below 85" in targets
    assert "Last year's *median*." in targets


def test_any_kind_can_be_a_search_facet(repo: Path, tmp_path: Path) -> None:
    _declare(repo, {"facet": True}, {})
    runbook = {**RUNBOOK_SCHEMA, "required": ["title", "summary", "owners"]}
    runbook["properties"] = {
        **RUNBOOK_SCHEMA["properties"],  # type: ignore[dict-item]
        "checklists": {
            "type": "array",
            "items": {"type": "string", "x-playbook-ref": "checklists"},
        },
    }
    (repo / "schemas" / "runbooks.schema.json").write_text(json.dumps(runbook), encoding="utf-8")
    (repo / "playbook" / "runbooks").mkdir()
    (repo / "playbook" / "runbooks" / "outage.yml").write_text(
        'title: Outage\nsummary: When the site is down.\nowners: ["@acme/product"]\n'
        "checklists: [beta, review]\n",
        encoding="utf-8",
    )
    out = tmp_path / "tree"
    result = run_playbook("--root", str(repo), "render", "--out", str(out))
    assert result.returncode == 0, result.stdout + result.stderr
    facets = json.loads((out / "assets" / "search-facets.json").read_text(encoding="utf-8"))
    assert [name for name, _ in facets][:2] == ["kind", "checklists"]
    assert ["checklists", "Checklist"] in facets
    validation = validate_playbook(load_config(repo))
    records = search_records(validation.playbook, validation.schemas, 30)
    (outage,) = [r for r in records if r.title == "Outage"]
    assert outage.filters["checklists"] == ("Beta", "Quality review")  # by title


def test_the_teams_are_whatever_kind_the_schemas_say(repo: Path, tmp_path: Path) -> None:
    # The teams live in `squads/`, their handle in `slug`: owners resolve to them, their rules
    # and pages read the declared field, and `playbook new` fills it in.
    schemas = repo / "schemas"
    schema = json.loads((schemas / "teams.schema.json").read_text(encoding="utf-8"))
    (schemas / "teams.schema.json").unlink()
    schema["x-playbook"].update({"folder": "squads", "teams": "slug"})
    schema["properties"]["slug"] = schema["properties"].pop("handle")
    schema["required"] = ["slug" if r == "handle" else r for r in schema["required"]]
    (schemas / "squads.schema.json").write_text(json.dumps(schema), encoding="utf-8")
    squads = repo / "playbook" / "squads"
    squads.mkdir(parents=True)
    squad = (
        'title: Product\nsummary: Builds it.\nowners: ["@acme/product"]\nslug: "@acme/product"\n'
        'contact:\n  chat: "#product"\n'
    )
    (squads / "product.yml").write_text(squad, encoding="utf-8")
    result = run_playbook("--root", str(repo), "validate")
    assert "team-unknown" in result.stdout  # the fixture's other owners name no squad
    assert "'@acme/product' is not" not in result.stdout
    assert "a team in playbook/squads/" in result.stdout
    (squads / "again.yml").write_text(squad.replace("title: Product", "title: Again"), "utf-8")
    result = run_playbook("--root", str(repo), "validate")
    (line,) = [line for line in result.stdout.splitlines() if "team-handle-duplicate" in line]
    assert "squads/product.yml:4:7: error[team-handle-duplicate]: slug: '@acme/product'" in line
    (squads / "again.yml").unlink()
    # Its pages are laid out by the template named after its folder.
    kinds = repo / "site_templates" / "pages" / "kinds"
    (kinds / "teams.md.j2").rename(kinds / "squads.md.j2")
    out = tmp_path / "tree"
    assert run_playbook("--root", str(repo), "render", "--out", str(out)).returncode == 0
    assert "- **Handle:** `@acme/product`" in (out / "squads" / "product.md").read_text("utf-8")
    assert "| `@acme/product` |" in (out / "health.md").read_text(encoding="utf-8")
    result = run_playbook("--root", str(repo), "new", "squads", "ops")
    assert result.returncode == 0, result.stdout + result.stderr
    made = yaml.safe_load((squads / "ops.yml").read_text(encoding="utf-8"))
    assert made["slug"].startswith("@")  # the handle the other entries name most
    # Two kinds cannot both hold the teams.
    (schemas / "teams.schema.json").write_text(
        json.dumps({**schema, "x-playbook": {**schema["x-playbook"], "folder": "teams"}}), "utf-8"
    )
    result = run_playbook("--root", str(repo), "validate")
    assert result.returncode == 2 and "`x-playbook.teams` is declared by" in result.stderr
