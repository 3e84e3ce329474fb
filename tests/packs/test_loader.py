"""Loading valid packs: the example, single-language packs, the built-in standard, lookups, the cache."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest

from capquest.engine.model import Scenario, Workload
from capquest.packs import (
    PackError,
    UnknownLevelError,
    builtin_levels_dir,
    builtin_pack,
    check_pack,
    load_pack,
)
from capquest.packs.checks import MAX_SIMULATED_OPS, simulated_ops
from capquest.packs.model import LevelFile

HERE = Path(__file__).parent
REPO = HERE.parent.parent
EXAMPLE = REPO / "levels" / "example"
FIXTURES = HERE / "fixtures"


def test_example_pack_is_valid_without_warnings():
    report = check_pack(EXAMPLE)
    assert report.problems == []
    pack = report.pack
    assert pack is not None and pack.id == "bookstore"
    assert [level.id for level in pack.levels] == ["first-steps", "last-copies", "split-the-store"]
    assert all(isinstance(level, LevelFile) for level in pack.levels)
    assert [c.id for c in pack.chapters] == ["semester-start"]
    assert {c.id for c in pack.concepts} == {"replication-lag", "check-then-act"}
    assert pack.chapter_levels("semester-start") == pack.levels


@pytest.mark.parametrize("name, lang", [("only-en", "en"), ("only-ko", "ko")])
def test_a_single_language_pack_is_valid(name, lang):
    pack = load_pack(FIXTURES / name)
    assert pack.warnings == ()
    assert pack.manifest.languages == (lang,)
    # The game falls back to the language the pack has.
    other = "ko" if lang == "en" else "en"
    assert pack.levels[0].title.get(other) == pack.levels[0].title.get(lang) != ""


def test_declaring_a_language_the_texts_lack_warns_an_instructor_but_fails_a_builtin_pack(tmp_path):
    pack = tmp_path / "pack"
    shutil.copytree(FIXTURES / "only-en", pack)
    manifest = (pack / "pack.toml").read_text(encoding="utf-8")
    (pack / "pack.toml").write_text(manifest.replace('["en"]', '["en", "ko"]'), encoding="utf-8")
    instructor = check_pack(pack)
    assert instructor.ok and instructor.warnings
    assert all("no 'ko' text" in p.reason for p in instructor.warnings)
    # every Text of the pack is reported: manifest title, chapter title, level title/briefing/debrief, card texts
    assert len(instructor.warnings) == 2 + 3 + 3
    builtin = check_pack(pack, builtin=True)
    assert not builtin.ok and len(builtin.errors) == 8
    with pytest.raises(PackError):
        load_pack(pack, builtin=True)


def test_load_pack_accepts_the_path_of_a_file_in_the_pack_too():
    assert load_pack(EXAMPLE / "pack.toml").id == "bookstore"
    assert load_pack(EXAMPLE / "last-copies.toml").id == "bookstore"


def test_unknown_level_lookup_names_the_levels_and_the_nearest():
    pack = load_pack(EXAMPLE)
    with pytest.raises(UnknownLevelError) as caught:
        pack.level("last-copy")
    message = str(caught.value)
    assert "did you mean 'last-copies'" in message
    assert "first-steps, last-copies, split-the-store" in message
    assert isinstance(caught.value, LookupError)
    assert pack.level("last-copies").id == "last-copies"


def test_loads_are_cached_until_a_file_changes(tmp_path):
    pack_dir = tmp_path / "pack"
    shutil.copytree(FIXTURES / "only-en", pack_dir)
    first = load_pack(pack_dir)
    assert load_pack(pack_dir) is first
    level = pack_dir / "one.toml"
    level.write_text(
        level.read_text(encoding="utf-8").replace("A quiet day.", "A busy day."), encoding="utf-8"
    )
    later = time.time() + 5
    os.utime(level, (later, later))
    second = load_pack(pack_dir)
    assert second is not first and second.levels[0].briefing.en == "A busy day."


def test_missing_folder_is_a_problem_not_an_exception(tmp_path):
    report = check_pack(tmp_path / "nothing")
    assert not report.ok and "no pack.toml here" in report.problems[0].reason


def test_builtin_levels_are_found_in_the_source_tree():
    assert builtin_levels_dir() == REPO / "levels"


@pytest.mark.skipif(not (REPO / "levels" / "campaign" / "pack.toml").exists(), reason="no campaign yet")
def test_builtin_campaign_loads_to_the_builtin_standard():
    pack = builtin_pack()
    assert pack.builtin and pack.levels
    assert [p for p in pack.warnings if p.severity == "error"] == []


def test_simulated_operations_follow_the_rate_profile():
    def ops(duration, points, scale=1):
        from capquest.engine.model import RatePoint

        rate = tuple(RatePoint(at, rps) for at, rps in points)
        return simulated_ops(Scenario(workload=Workload(duration_s=duration, rate=rate, scale=scale)))

    assert ops(10, [(0, 100)]) == 1000  # flat
    assert ops(10, [(0, 0), (10, 100)]) == 500  # a ramp: the triangle's area
    assert ops(10, [(0, 100), (5, 300)]) == 1000 + 1500  # ramp for 5 s, flat after the last point
    assert ops(10, [(0, 0), (20, 200)]) == 500  # a point after the end: interpolated to the end
    assert ops(10, [(0, 100)], scale=10) == 100
    assert ops(600, [(0, 20_000)], scale=60) == MAX_SIMULATED_OPS
