"""The bundled playbook keeps its promises: metric targets, tool access, what each role is not."""

from __future__ import annotations

from pathlib import Path

from generator.config import load_config
from generator.pipeline import validate_playbook

ROOT = Path(__file__).resolve().parent.parent


def test_every_bundled_metric_has_targets_and_says_where_they_come_from() -> None:
    validation = validate_playbook(load_config(ROOT))
    metrics = list(validation.playbook.of_kind("metrics"))
    assert metrics
    missing = [
        m.id
        for m in metrics
        if not m.fields.get("target_basis")
        or "healthy_range" not in m.fields
        or "target" not in m.fields
        or not m.fields.get("data_sources")
    ]
    assert missing == []


def test_every_bundled_tool_says_who_administers_it_and_how_to_get_access() -> None:
    validation = validate_playbook(load_config(ROOT))
    tools = list(validation.playbook.of_kind("tools"))
    assert tools
    missing = [
        t.id
        for t in tools
        if not all(t.fields.get(name) for name in ("approval", "administered_by", "access"))
    ]
    assert missing == []


def test_every_partner_role_says_what_it_is_not() -> None:
    validation = validate_playbook(load_config(ROOT))
    partners = [
        r for r in validation.playbook.of_kind("roles") if r.fields.get("type") == "partner"
    ]
    assert partners
    assert [r.id for r in partners if not r.fields.get("differs_from")] == []
