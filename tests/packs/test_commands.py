"""`capquest pack validate|new|schema|install|list|remove`, through the real CLI entry point."""

from __future__ import annotations

import json
import shutil
import tomllib
from pathlib import Path

import pytest

from capquest.cli import main
from capquest.packs import check_pack, installed_folders, installed_packs, load_pack, locate_pack

HERE = Path(__file__).parent
REPO = HERE.parent.parent
EXAMPLE = REPO / "levels" / "example"
BROKEN = HERE / "broken"


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


# ------------------------------------------------------------------------------------------------ validate
def test_validate_a_valid_pack(capsys):
    # With the engine this also runs the design checks: the example is built to pass them cleanly.
    code, out, _ = run(capsys, "pack", "validate", str(EXAMPLE))
    assert code == 0
    assert out.strip().splitlines() == [f"{EXAMPLE}: pack 'bookstore' is valid (3 levels)"]


def test_validate_json_lists_errors_and_warnings_apart(capsys):
    code, out, _ = run(capsys, "pack", "validate", str(BROKEN / "cards"), "--json")
    assert code == 1
    doc = json.loads(out)
    assert doc["valid"] is False and doc["pack"] is None
    assert len(doc["errors"]) == 6 and len(doc["warnings"]) == 2
    assert set(doc["errors"][0]) == {"file", "field", "line", "reason", "severity"}
    code, out, _ = run(capsys, "pack", "validate", str(EXAMPLE), "--json", "--no-design")
    doc = json.loads(out)
    assert code == 0 and doc["valid"] and doc["pack"] == "bookstore" and doc["levels"] == 3
    assert doc["design_checks"] == "not_run"


def test_warnings_are_printed_but_do_not_fail(tmp_path, capsys):
    pack = tmp_path / "p"
    shutil.copytree(HERE / "fixtures" / "only-en", pack)
    (pack / "stray.toml").write_text("id = 1\n", encoding="utf-8")
    code, out, _ = run(capsys, "pack", "validate", str(pack), "--no-design")
    assert code == 0
    assert "warning: stray.toml is not listed" in out
    assert "with 1 warning(s)" in out


def test_validate_a_path_that_does_not_exist_is_a_usage_error(capsys, tmp_path):
    code, _, err = run(capsys, "pack", "validate", str(tmp_path / "nope"))
    assert code == 2
    assert err.strip() == f"capquest: no such file or folder: {tmp_path / 'nope'}"


def test_pack_without_subcommand_is_a_usage_error(capsys):
    assert run(capsys, "pack")[0] == 2


# ------------------------------------------------------------------------------------------------ new
def test_new_scaffolds_a_valid_pack_with_a_plain_a_hybrid_and_a_tutorial_level(tmp_path, capsys):
    target = tmp_path / "Networks 101"
    code, out, _ = run(capsys, "pack", "new", str(target))
    assert code == 0 and "created pack 'networks-101'" in out
    report = check_pack(target)
    assert report.problems == []
    pack = report.pack
    assert pack is not None and pack.id == "networks-101"
    kinds = {("tutorial" if lv.tutorial else "hybrid" if lv.hybrid else "plain") for lv in pack.levels}
    assert kinds == {"plain", "hybrid", "tutorial"}
    # The template explains itself: comments on most lines that set a field.
    text = (target / "rush-hour.toml").read_text(encoding="utf-8")
    assert text.count("#") >= 10
    # Its #:schema lines point at schema files written beside it.
    for name in ("pack.toml", "welcome.toml"):
        first = (target / name).read_text(encoding="utf-8").splitlines()[0]
        assert first.startswith("#:schema ")
        assert (target / first.removeprefix("#:schema ")).is_file()


def test_new_refuses_a_folder_that_is_not_empty(tmp_path, capsys):
    (tmp_path / "x").mkdir()
    (tmp_path / "x" / "keep.txt").write_text("mine", encoding="utf-8")
    code, _, err = run(capsys, "pack", "new", str(tmp_path / "x"))
    assert code == 2 and "not empty" in err
    assert [p.name for p in (tmp_path / "x").iterdir()] == ["keep.txt"]


# ------------------------------------------------------------------------------------------------ install
def test_install_list_remove(tmp_path, capsys):
    code, out, _ = run(capsys, "pack", "install", str(EXAMPLE))
    assert code == 0 and "installed pack 'bookstore' 1.0" in out
    [found] = installed_folders()
    assert found.id == "bookstore" and found.path == tmp_path / "home" / "packs" / "bookstore"
    [pack] = installed_packs()
    assert pack.id == "bookstore" and pack.levels == load_pack(EXAMPLE).levels
    assert locate_pack("bookstore") == found.path
    assert locate_pack(str(EXAMPLE)) == EXAMPLE
    with pytest.raises(LookupError, match="installed: bookstore"):
        locate_pack("bookshop")
    assert sorted(p.name for p in found.path.iterdir()) == sorted(p.name for p in EXAMPLE.glob("*.toml"))

    code, out, _ = run(capsys, "pack", "install", str(EXAMPLE))  # again: replaces it
    assert code == 0 and "replacing version 1.0" in out
    assert len(installed_packs()) == 1

    code, out, _ = run(capsys, "pack", "list", "--json")
    doc = json.loads(out)
    assert [(p["id"], p["version"], p["levels"], p["valid"]) for p in doc["packs"]] == [
        ("bookstore", "1.0", 3, True)
    ]
    code, out, _ = run(capsys, "pack", "list")
    assert code == 0 and "bookstore" in out and "The Campus Bookstore" in out

    code, _, err = run(capsys, "pack", "remove", "bookstor")
    assert code == 2 and "did you mean 'bookstore'" in err
    code, out, _ = run(capsys, "pack", "remove", "bookstore")
    assert code == 0 and installed_packs() == []
    code, out, _ = run(capsys, "pack", "list")
    assert "no packs installed" in out


def test_install_refuses_an_invalid_pack_and_writes_nothing(tmp_path, capsys):
    code, out, _ = run(capsys, "pack", "install", str(BROKEN / "scoring"))
    assert code == 1
    assert "not installed: the pack has 2 error(s)" in out
    assert installed_packs() == []
    assert not (tmp_path / "home" / "packs" / "scoring").exists()


def test_install_refuses_the_campaigns_id(tmp_path, capsys):
    pack = tmp_path / "p"
    shutil.copytree(HERE / "fixtures" / "only-en", pack)
    text = (pack / "pack.toml").read_text(encoding="utf-8")
    (pack / "pack.toml").write_text(text.replace('id = "only-en"', 'id = "campaign"'), encoding="utf-8")
    code, out, _ = run(capsys, "pack", "install", str(pack))
    assert code == 1 and "built-in campaign" in out
    assert installed_packs() == []


def test_a_damaged_installed_pack_is_listed_as_broken(tmp_path, capsys):
    run(capsys, "pack", "install", str(EXAMPLE))
    (tmp_path / "home" / "packs" / "bookstore" / "last-copies.toml").write_text("id = [", encoding="utf-8")
    _, out, _ = run(capsys, "pack", "list", "--json")
    [row] = json.loads(out)["packs"]
    assert row["valid"] is False and row["errors"] == 1


# ------------------------------------------------------------------------------------------------ schema
@pytest.mark.parametrize("which", ["level", "manifest", "concepts"])
def test_schema_of_one_kind(capsys, which):
    code, out, _ = run(capsys, "pack", "schema", "--which", which)
    doc = json.loads(out)
    assert code == 0 and doc["$schema"].startswith("https://json-schema.org/")
    assert doc["additionalProperties"] is False


def test_combined_schema_validates_every_file_of_the_example(capsys):
    jsonschema = pytest.importorskip("jsonschema")
    _, out, _ = run(capsys, "pack", "schema")
    check = jsonschema.Draft202012Validator(json.loads(out))
    for path in EXAMPLE.glob("*.toml"):
        with path.open("rb") as f:
            check.validate(tomllib.load(f))


def test_validate_holds_the_builtin_campaign_to_both_languages(tmp_path, capsys, monkeypatch):
    import capquest.packs.loader as loader

    campaign = tmp_path / "levels" / "campaign"
    shutil.copytree(HERE / "fixtures" / "only-en", campaign)
    text = (campaign / "pack.toml").read_text(encoding="utf-8")
    (campaign / "pack.toml").write_text(text.replace('["en"]', '["en", "ko"]'), encoding="utf-8")
    code, _, _ = run(capsys, "pack", "validate", str(campaign), "--no-design")
    assert code == 0  # an instructor pack: missing Korean is a warning
    monkeypatch.setattr(loader, "builtin_levels_dir", lambda: tmp_path / "levels")
    code, out, _ = run(capsys, "pack", "validate", str(campaign), "--no-design")
    assert code == 1 and "no 'ko' text" in out


def test_pack_new_where_nothing_can_be_written_is_one_line(tmp_path, capsys, monkeypatch):
    """Issue 11: `pack new` on a dangling link or an unwritable place gave a traceback."""
    dangling = tmp_path / "dangling"
    dangling.symlink_to(tmp_path / "nowhere" / "at-all")
    (tmp_path / "file").write_text("not a folder")
    for target in (dangling, tmp_path / "file" / "under-a-file"):
        assert main(["pack", "new", str(target)]) == 2
        err = capsys.readouterr().err
        assert "cannot create the pack at" in err and "Traceback" not in err
        assert len(err.strip().splitlines()) == 1
