"""The semantic diff: what changed between two versions of an entity, in the playbook's words."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from generator.content.schemas import load_schemas
from generator.history.field_diff import (
    body_details,
    entity_details,
    placeholders,
    render,
    schema_details,
    sections,
)

ROOT = Path(__file__).resolve().parent.parent
NAMES = {
    "roles/product-manager": "Product manager",
    "roles/product-ops-manager": "Product ops manager",
    "roles/data-analyst": "Data analyst",
    "tools/jira": "Jira",
    "pillars/delivery": "Delivery",
    "pillars/discovery": "Discovery",
}


@pytest.fixture(scope="module")
def kinds() -> dict[str, Any]:
    loaded = load_schemas(ROOT / "schemas", ROOT)
    return {name: kind.schema for name, kind in loaded.kinds.items()}


def words(
    schema: dict[str, Any] | None,
    old: dict[str, Any],
    new: dict[str, Any],
    old_body: str | None = None,
    new_body: str | None = None,
) -> list[str]:
    """Give the details as readers see them, with references named."""
    details = entity_details(schema, old, new, old_body, new_body)
    return [render(d, lambda key: NAMES.get(key, key)) for d in details]


def process(**changes: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "title": "Bug triage",
        "summary": "Sort incoming bugs.",
        "owners": ["@acme/ops"],
        "purpose": "Keep the backlog honest.",
        "trigger": "A bug is reported.",
        "cadence": "weekly",
        "owner": "product-ops-manager",
        "pillars": ["delivery"],
        "raci": {"product-ops-manager": "A", "product-manager": "C"},
        "inputs": ["Bug reports from support"],
        "outputs": ["A ranked list"],
        "steps": [
            {"name": "Collect", "role": "product-ops-manager", "description": "Gather bugs."},
            {"name": "Assess", "role": "product-manager", "description": "Rank them."},
        ],
        "tags": ["data", "quality"],
    }
    base.update(copy.deepcopy(changes))
    return base


def test_identical_versions_have_no_details(kinds: dict[str, Any]) -> None:
    assert words(kinds["processes"], process(), process()) == []


def test_raci_letters_are_named_by_role_title(kinds: dict[str, Any]) -> None:
    new = process(raci={"product-ops-manager": "R", "product-manager": "A"})
    assert words(kinds["processes"], process(), new) == [
        "RACI: Product ops manager A → R",
        "RACI: Product manager C → A",
    ]


def test_raci_roles_added_and_removed(kinds: dict[str, Any]) -> None:
    new = process(raci={"product-ops-manager": "A", "data-analyst": "I"})
    assert words(kinds["processes"], process(), new) == [
        "RACI: Product manager removed (was C)",
        "RACI: Data analyst added as I",
    ]


def test_step_added_in_the_middle_is_numbered_where_it_lands(kinds: dict[str, Any]) -> None:
    steps = process()["steps"]
    steps.insert(1, {"name": "Triage", "role": "product-manager", "description": "Decide."})
    assert words(kinds["processes"], process(), process(steps=steps)) == ['Step 2 "Triage" added']


def test_step_removed_and_step_fields_changed(kinds: dict[str, Any]) -> None:
    steps = process()["steps"]
    removed = process(steps=steps[:1])
    assert words(kinds["processes"], process(), removed) == ['Step 2 "Assess" removed']
    steps[1] = {**steps[1], "role": "data-analyst", "tools": ["jira"], "description": "Rank all."}
    assert words(kinds["processes"], process(), process(steps=steps)) == [
        'Step 2 "Assess" role: Product manager → Data analyst',
        'Step 2 "Assess" step description reworded',
        'Step 2 "Assess" tools: Jira added',
    ]


def test_step_renamed_in_place(kinds: dict[str, Any]) -> None:
    steps = process()["steps"]
    steps[0] = {**steps[0], "name": "Gather"}
    assert words(kinds["processes"], process(), process(steps=steps)) == [
        "Step 1 renamed Collect → Gather"
    ]


def test_steps_moved(kinds: dict[str, Any]) -> None:
    steps = process()["steps"]
    moved = process(steps=[steps[1], steps[0]])
    assert words(kinds["processes"], process(), moved) == ['Step 1 "Assess" moved from 2']


def test_lists_of_ids_and_handles(kinds: dict[str, Any]) -> None:
    new = process(owners=["@acme/ops", "@x"], tags=["quality"], pillars=["delivery", "discovery"])
    assert words(kinds["processes"], process(), new) == [
        "Pillars: Discovery added",
        "Owners: @x added",
        "Tags: data removed",
    ]


def test_reordered_list(kinds: dict[str, Any]) -> None:
    new = process(tags=["quality", "data"])
    assert words(kinds["processes"], process(), new) == ["Tags reordered"]


def test_short_text_is_quoted_long_text_is_reworded(kinds: dict[str, Any]) -> None:
    new = process(summary="Sort and rank incoming bugs.", trigger="x " * 50, cadence="monthly")
    assert words(kinds["processes"], process(), new) == [
        'Summary: "Sort incoming bugs." → "Sort and rank incoming bugs."',
        "Trigger reworded",
        "Cadence: weekly → monthly",
    ]
    assert words(kinds["processes"], process(), process(purpose="Keep it honest.")) == [
        "Purpose reworded"  # a Markdown field is always reworded, never quoted
    ]


def test_title_is_always_shown(kinds: dict[str, Any]) -> None:
    long_title = "Triage " + "very " * 20 + "long"
    assert words(kinds["processes"], process(), process(title=long_title))[0].startswith(
        'Title: "Bug triage" → "Triage very'
    )


def test_phrases_edited_in_place(kinds: dict[str, Any]) -> None:
    new = process(inputs=["Bug reports from support and sales"])
    assert words(kinds["processes"], process(), new) == ["Inputs: item 1 reworded"]


def test_fields_added_and_removed(kinds: dict[str, Any]) -> None:
    old = process()
    new = process(metrics=["cycle-time"])
    del new["tags"]
    assert words(kinds["processes"], old, new) == [
        "Metrics: metrics/cycle-time added",
        "Tags: data, quality removed",
    ]
    role_old = {"title": "PM", "summary": "s", "owners": ["@a"], "type": "core"}
    role_new = {**role_old, "reports_to": "product-ops-manager"}
    del role_new["type"]
    assert words(kinds["roles"], role_old, role_new) == [
        "Role type removed (was core)",
        "Reports to set to Product ops manager",
    ]


def test_fields_without_a_schema_use_their_key(kinds: dict[str, Any]) -> None:
    assert words(None, {"due_date": "2024-01-01"}, {"due_date": "2024-02-01"}) == [
        "Due date: 2024-01-01 → 2024-02-01"
    ]
    assert words(None, {"x": [1]}, {"x": {"a": 1}}) == ["X changed"]


def test_content_braces_are_text_not_placeholders(kinds: dict[str, Any]) -> None:
    new = process(summary="Use {roles/product-manager} literally")
    details = entity_details(kinds["processes"], process(), new)
    assert list(placeholders(details[0])) == []
    assert render(details[0], lambda key: "WRONG") == (
        'Summary: "Sort incoming bugs." → "Use {roles/product-manager} literally"'
    )


def test_sections_ignore_headings_in_code_fences() -> None:
    body = "Intro\n\n## Why\n\nBecause.\n\n```\n# not a heading\n```\n\n## How to start\n\nGo."
    assert [title for title, _ in sections(body)] == [None, "Why", "How to start"]


def test_body_compared_by_section() -> None:
    old = "Intro.\n\n## Why\n\nBecause.\n\n## How to start\n\nGo.\n"
    new = "Intro, longer.\n\n## How to start\n\nGo now.\n\n## Next steps\n\nMore.\n"
    assert body_details(old, new) == [
        "Introduction reworded",
        'Section "How to start" changed',
        'Section "Next steps" added',
        'Section "Why" removed',
    ]


def test_body_section_renamed_and_reordered() -> None:
    old = "## A\n\nOne.\n\n## B\n\nTwo.\n"
    assert body_details(old, "## A2\n\nOne.\n\n## B\n\nTwo.\n") == ['Section "A" renamed to "A2"']
    assert body_details(old, "## B\n\nTwo.\n\n## A\n\nOne.\n") == ["Sections reordered"]
    assert body_details(None, "Text") == ["Text added"]
    assert body_details(old, old + "\n\n") == []


def test_schema_changes_are_named_by_field_title() -> None:
    old = {"required": ["title"], "properties": {"title": {"title": "Title"}}}
    new = {
        "required": ["title", "owner"],
        "properties": {"title": {"title": "Title"}, "owner": {"title": "Owner role"}},
    }
    assert schema_details(old, new) == (
        'Field "Owner role" added',
        'Field "Owner role" now required',
    )
    assert schema_details(new, old) == ('Field "Owner role" removed',)
    assert schema_details(old, {**old, "description": "x"}) == ("Descriptions or rules changed",)
