"""JSON Schema of the pack format, generated from the pydantic models (so it cannot drift from the code).

Editors use it for completion and inline errors: see docs/authoring.md ("Editor support").
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from capquest.packs.model import ConceptsFile, LevelFile, Manifest

DIALECT = "https://json-schema.org/draft/2020-12/schema"
MODELS: dict[str, type[BaseModel]] = {"level": LevelFile, "manifest": Manifest, "concepts": ConceptsFile}
FILE_NAMES = {
    "level": "level.schema.json",
    "manifest": "manifest.schema.json",
    "concepts": "concepts.schema.json",
}


def schema(which: str) -> dict[str, Any]:
    """The schema of one kind of file: "level" (`<level-id>.toml`), "manifest" (`pack.toml`) or
    "concepts" (`concepts.toml`)."""
    model = MODELS[which]
    return {"$schema": DIALECT, **model.model_json_schema()}


def combined_schema() -> dict[str, Any]:
    """One document for all three kinds of file: any of them validates against it."""
    defs: dict[str, Any] = {}
    any_of = []
    for model in MODELS.values():
        doc = model.model_json_schema()
        defs.update(doc.pop("$defs", {}))
        defs[model.__name__] = doc
        any_of.append({"$ref": f"#/$defs/{model.__name__}"})
    return {
        "$schema": DIALECT,
        "title": "capquest level pack file (pack.toml, concepts.toml or a level)",
        "anyOf": any_of,
        "$defs": dict(sorted(defs.items())),
    }
