"""The whole validated model as plain JSON-ready data, for tools and for the site."""

from __future__ import annotations

from typing import Any

from generator import __version__
from generator.validation import Validation

FORMAT_VERSION = 1


def export_model(validation: Validation) -> dict[str, Any]:
    """Give every entity with its kind, id, title, source path and fields.

    Kinds come in catalogue order, entities by id.
    """
    playbook = validation.playbook
    return {
        "format": FORMAT_VERSION,
        "generator": f"playbook {__version__}",
        "kinds": {
            name: {"singular": spec.singular, "plural": spec.plural, "schema": spec.schema_path}
            for name, spec in playbook.kinds.items()
        },
        "entities": [
            {
                "kind": entity.kind,
                "id": entity.id,
                "title": entity.title,
                "source": entity.source.path,
                "fields": dict(entity.fields),
                **({"body": entity.body} if entity.body is not None else {}),
            }
            for entity in playbook
        ],
    }
