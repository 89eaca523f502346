"""The official JSON Schema Test Suite (draft 2020-12, required tests) through our schema object.

Each test gets the suite's verdict from `KindSchema.is_valid` and from `KindSchema.errors`
alike (one engine decides and explains), and validation never changes the instance.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from generator.content.schemas import BASE_URI, KindSchema, compile_validator, inline_refs
from generator.model import KindSpec

SUITE = Path(__file__).parent / "jsonschema_suite" / "draft2020-12"
REMOTE = "localhost:1234"
"""Groups that need the suite's remotes/ folder served locally; refs outside are never fetched."""


def _cases() -> Iterator[Any]:
    for path in sorted(SUITE.glob("*.json")):
        for group in json.loads(path.read_text(encoding="utf-8")):
            for test in group["tests"]:
                name = f"{path.stem}: {group['description']}: {test['description']}"
                yield pytest.param(group["schema"], test["data"], test["valid"], id=name)


def _schema_object(document: Any) -> KindSchema:
    spec = KindSpec("suite", "case", "cases", ("yml",), "none", "suite.schema.json")
    return KindSchema(
        spec=spec,
        schema=inline_refs(document, "suite.schema.json", {}) if isinstance(document, dict) else {},
        source=document if isinstance(document, dict) else {},
        ref_fields=(),
        markdown_fields=(),
        validator=compile_validator(document, BASE_URI + "suite.schema.json"),
    )


def test_the_suite_is_bundled() -> None:
    assert len(list(_cases())) > 1000


@pytest.mark.parametrize(("schema", "data", "valid"), list(_cases()))
def test_suite_verdict(schema: Any, data: Any, valid: bool) -> None:
    try:
        kind = _schema_object(schema)
    except ValueError as error:
        if REMOTE in str(error):
            pytest.skip("needs the suite's remote documents, which are never fetched")
        raise
    before = copy.deepcopy(data)
    assert kind.is_valid(data) is valid
    assert (not kind.errors(data)) is valid
    assert data == before, "validation must never change the content"
