"""Each cap of the README's "Limits" section: stated there with the value the code uses, and held at its
edge (the cap itself passes, one past it is refused). Caps tested elsewhere are named at the end."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

from capquest.errors import SaveFormatError
from capquest.history import MAX_FILE_BYTES as MAX_HISTORY_BYTES
from capquest.packs import check_pack, checks, loader, shape
from capquest.saves import envelope, model
from capquest.saves.export import read_export

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "tests" / "packs" / "fixtures" / "only-en"


def _limits_section() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return text.split("## Limits", 1)[1].split("\n## ", 1)[0]


@pytest.mark.parametrize(
    "stated",
    [
        f"| {loader.MAX_FILE_BYTES // 1024} KB |",
        f"| {shape.MAX_NESTING} deep |",
        f"| {shape.MAX_KEY_PARTS} |",
        f"| {loader.MAX_LEVELS} |",
        f"| {checks.MAX_SIMULATED_OPS:,} |",
        "| 1,000,000 |",
        f"below {checks.MIN_POSITIVE:f}",
        f"| {envelope.MAX_FILE_BYTES // 1024 // 1024} MB |",
        f"| {MAX_HISTORY_BYTES // 1024 // 1024} MB |",
        f"| {model.MAX_PACKS} |",
        f"| {model.MAX_LEVELS} |",
        f"| {model.MAX_CONCEPTS:,} |",
        "| 4,300 digits |",
    ],
)
def test_the_readme_states_each_cap_as_the_code_has_it(stated: str) -> None:
    assert stated in _limits_section()


def _pack_with(tmp_path: Path, line: str, *, after: str = "") -> list[str]:
    """The problems of the fixture pack with `line` put first in its level (or after the line `after`)."""
    pack = tmp_path / "pack"
    shutil.copytree(FIXTURE, pack)
    level = (pack / "one.toml").read_text(encoding="utf-8")
    level = level.replace(after, f"{after}\n{line}", 1) if after else f"{line}\n{level}"
    (pack / "one.toml").write_text(level, encoding="utf-8")
    return [p.reason for p in check_pack(pack).problems]


def test_nesting_at_the_cap_parses_one_past_is_refused(tmp_path: Path) -> None:
    deep = shape.MAX_NESTING
    at_cap = _pack_with(tmp_path / "a", "x = " + "[" * deep + "]" * deep)
    assert not any("nest more than" in r for r in at_cap)  # it parses (then is an unknown field)
    past = _pack_with(tmp_path / "b", "x = " + "[" * (deep + 1) + "]" * (deep + 1))
    assert past == [f"arrays and tables nest more than {deep} deep here"]


def test_dotted_keys_at_the_cap_parse_one_past_is_refused(tmp_path: Path) -> None:
    parts = shape.MAX_KEY_PARTS
    at_cap = _pack_with(tmp_path / "a", ".".join(["k"] * parts) + " = 1")
    assert not any("parts here" in r for r in at_cap)
    past = _pack_with(tmp_path / "b", ".".join(["k"] * (parts + 1)) + " = 1")
    assert past == [f"a dotted key or table name of more than {parts} parts here"]


def test_levels_per_pack_at_the_cap_and_one_past(tmp_path: Path) -> None:
    pack = tmp_path / "pack"
    shutil.copytree(FIXTURE, pack)
    manifest = (pack / "pack.toml").read_text(encoding="utf-8")
    level = (pack / "one.toml").read_text(encoding="utf-8")
    for n in range(loader.MAX_LEVELS + 1):
        (pack / f"l{n}.toml").write_text(level.replace('id = "one"', f'id = "l{n}"'), encoding="utf-8")
    (pack / "one.toml").unlink()

    def listing(count: int) -> list[str]:
        ids = ", ".join(f'"l{n}"' for n in range(count))
        (pack / "pack.toml").write_text(re.sub(r"levels = \[.*?\]", f"levels = [{ids}]", manifest), "utf-8")
        return [str(p) for p in check_pack(pack).errors]

    assert listing(loader.MAX_LEVELS) == []
    (past,) = listing(loader.MAX_LEVELS + 1)
    assert f"at most {loader.MAX_LEVELS} item(s) allowed" in past


def test_weights_and_costs_at_the_cap_pass_one_past_is_refused(tmp_path: Path) -> None:
    assert _pack_with(tmp_path / "a", "oversell_cost = 1_000_000", after="[scoring]") == []
    (past,) = _pack_with(tmp_path / "b", "oversell_cost = 1_000_001", after="[scoring]")
    assert "1000000" in past


def test_a_save_at_the_cap_is_read_one_byte_past_is_not(tmp_path: Path) -> None:
    at_cap, past = tmp_path / "at.capquest", tmp_path / "past.capquest"
    for path, size in ((at_cap, envelope.MAX_FILE_BYTES), (past, envelope.MAX_FILE_BYTES + 1)):
        with open(path, "wb") as out:
            out.truncate(size)  # sparse: no disk used
    with pytest.raises(SaveFormatError) as read:
        read_export(at_cap)
    assert read.value.reason == "bad_magic"  # read, and found not to be an export
    with pytest.raises(SaveFormatError) as refused:
        read_export(past)
    assert refused.value.reason == "too_big"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_pipe_is_refused_unread_by_every_reader(tmp_path: Path) -> None:
    from capquest.inputfiles import InputFileRefused, read_input

    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    with pytest.raises(InputFileRefused) as refused:
        read_input(pipe, 1024)
    assert refused.value.refusal == "not_a_file"


# Tested where they live: the 256 KB pack file (tests/packs/test_broken_packs.py, a file over the size
# limit), 200,000 simulated operations (tests/packs/broken/limits), 4,300 digits (broken/long-number and
# tests/checker/test_checker_hostile_input.py), the 256 MB history (test_checker_hostile_input.py), 100
# packs, 500 levels and 1,000 glossary cards in progress (tests/saves/test_saves_hostile.py).
