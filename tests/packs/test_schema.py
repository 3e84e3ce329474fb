"""The JSON Schema agrees with the code: every field is in it, real files pass it, typos fail it, and the
copies under docs/schema/ (which the example pack's `#:schema` lines use) are up to date."""

from __future__ import annotations

import dataclasses
import functools
import json
import tomllib
import typing
from pathlib import Path

import pytest
from pydantic import BaseModel

from capquest.packs.schema import FILE_NAMES, MODELS, combined_schema, schema

jsonschema = pytest.importorskip("jsonschema")

REPO = Path(__file__).parent.parent.parent
EXAMPLE = REPO / "levels" / "example"
TEMPLATE = REPO / "capquest" / "packs" / "template"
KIND = {"pack.toml": "manifest", "concepts.toml": "concepts"}


@functools.cache
def validator(which: str):
    doc = schema(which)
    jsonschema.Draft202012Validator.check_schema(doc)  # the schema itself is well-formed
    return jsonschema.Draft202012Validator(doc)


def _models(tp, seen: set) -> None:
    """Every pydantic model and dataclass reachable from `tp`."""
    origin = typing.get_origin(tp)
    if origin is not None:
        for arg in typing.get_args(tp):
            _models(arg, seen)
        return
    if not isinstance(tp, type) or tp in seen:
        return
    if issubclass(tp, BaseModel):
        seen.add(tp)
        for f in tp.model_fields.values():
            _models(f.annotation, seen)
    elif dataclasses.is_dataclass(tp):
        seen.add(tp)
        for hint in typing.get_type_hints(tp, include_extras=True).values():
            _models(hint, seen)


def _field_names(tp) -> set[str]:
    if issubclass(tp, BaseModel):
        return {f.alias or name for name, f in tp.model_fields.items()}
    return {f.name for f in dataclasses.fields(tp)}


def test_every_field_of_every_model_is_in_the_schema():
    doc = combined_schema()
    seen: set = set()
    for model in MODELS.values():
        _models(model, seen)
    assert len(seen) > 20
    for tp in seen:
        properties = doc["$defs"][tp.__name__]["properties"]
        assert set(properties) == _field_names(tp), tp.__name__


SHIPPED = {"template": TEMPLATE, **{p.name: p for p in sorted((REPO / "levels").iterdir()) if p.is_dir()}}


def test_every_shipped_pack_is_checked():
    assert {"template", "example", "campaign", "tutorial"} <= set(SHIPPED)


@pytest.mark.parametrize("folder", list(SHIPPED.values()), ids=list(SHIPPED))
def test_pack_files_validate_against_their_schema(folder):
    # Every file capquest ships: an editor wired to the schema must not underline a correct file.
    combined = jsonschema.Draft202012Validator(combined_schema())
    files = sorted(folder.glob("*.toml"))
    assert files
    for path in files:
        with path.open("rb") as f:
            data = tomllib.load(f)
        validator(KIND.get(path.name, "level")).validate(data)
        combined.validate(data)


def test_the_schema_rejects_a_typo_and_an_out_of_range_value():
    with (EXAMPLE / "last-copies.toml").open("rb") as f:
        level = tomllib.load(f)
    level["scoring"]["oversel_cost"] = 3
    with pytest.raises(jsonschema.ValidationError):
        validator("level").validate(level)
    del level["scoring"]["oversel_cost"]
    level["scoring"]["oversell_cost"] = -5
    with pytest.raises(jsonschema.ValidationError):
        validator("level").validate(level)


@pytest.mark.parametrize("which", sorted(FILE_NAMES))
def test_docs_schema_files_are_up_to_date(which):
    committed = json.loads((REPO / "docs" / "schema" / FILE_NAMES[which]).read_text(encoding="utf-8"))
    assert committed == schema(which), (
        f"regenerate: capquest pack schema --which {which} > docs/schema/{FILE_NAMES[which]}"
    )


def test_example_files_point_editors_at_the_committed_schemas():
    for path in EXAMPLE.glob("*.toml"):
        first = path.read_text(encoding="utf-8").splitlines()[0]
        assert first.startswith("#:schema ")
        target = (path.parent / first.removeprefix("#:schema ")).resolve()
        assert target.name == FILE_NAMES[KIND.get(path.name, "level")] and target.is_file()
