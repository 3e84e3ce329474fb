"""The headless parts of the TUI package import without Textual (so the CLI's other commands and the
app's first import stay light), and the campaign rules derived from progress."""

from __future__ import annotations

import subprocess
import sys

from capquest.tui.progress import (
    LevelRecord,
    MemoryProgressStore,
    campaign,
    level_records,
    seen_concepts,
    settings_of,
)


def test_headless_modules_do_not_load_textual() -> None:
    code = (
        "import sys\n"
        "import capquest.tui.launch, capquest.tui.progress, capquest.cli\n"
        "loaded = sorted(m for m in sys.modules if m == 'textual' or m.startswith('textual.'))\n"
        "print(loaded)\n"
        "sys.exit(1 if loaded else 0)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_a_fresh_campaign_opens_only_the_first_level(fake_pack) -> None:
    state = campaign(fake_pack(), {})
    assert [s.unlocked for s in state.slots] == [True, False, False, False, False]
    assert not state.started
    assert state.next_level().id == "black-friday"


def test_passing_a_level_opens_the_next_and_failing_does_not(fake_pack) -> None:
    records = {
        "black-friday": LevelRecord(best_score=900, stars=3, attempts=1, passed=True),
        "the-replica": LevelRecord(best_score=200, stars=0, attempts=3, passed=False),
    }
    state = campaign(fake_pack(), records)
    assert [s.unlocked for s in state.slots] == [True, True, False, False, False]
    assert state.next_level().id == "the-replica"
    assert state.total_stars == 3


def test_a_passed_level_stays_open_even_if_an_earlier_record_is_missing(fake_pack) -> None:
    records = {"five-in-stock": LevelRecord(best_score=700, stars=2, attempts=1, passed=True)}
    unlocked = {s.id: s.unlocked for s in campaign(fake_pack(), records).slots}
    assert unlocked["five-in-stock"] and unlocked["read-your-writes"]
    assert not unlocked["the-replica"]


def test_chapters_group_levels_in_unlock_order(fake_pack) -> None:
    state = campaign(fake_pack(), {})
    assert [g.chapter.id for g in state.chapters] == ["night", "morning"]
    assert [s.index for g in state.chapters for s in g.slots] == [1, 2, 3, 4, 5]


def test_glossary_holds_the_concepts_of_levels_tried_and_revealed(fake_pack) -> None:
    pack = fake_pack()
    records = {"the-replica": LevelRecord(attempts=1)}
    assert [c.id for c in seen_concepts(pack, records)] == ["linearizability"]
    assert [c.id for c in seen_concepts(pack, records, extra=("pacelc",))] == ["linearizability", "pacelc"]
    assert seen_concepts(pack, {}) == []


def test_records_are_read_from_mappings_and_objects_and_clamped() -> None:
    progress = {
        "levels": {"a": {"best_score": 10, "stars": 7, "attempts": 2}, "b": LevelRecord(stars=1, passed=True)}
    }
    records = level_records(progress)
    assert records["a"] == LevelRecord(best_score=10.0, stars=3, attempts=2, passed=True)
    assert records["b"].passed
    assert level_records(None) == {}


def test_unknown_settings_are_ignored_and_defaults_filled() -> None:
    settings = settings_of({"settings": {"theme": "capquest-light", "bogus": 1}})
    assert settings["theme"] == "capquest-light"
    assert "bogus" not in settings
    assert settings["replay_speed"] == 1.0


def test_memory_store_keeps_the_best_and_backs_up_on_reset() -> None:
    store = MemoryProgressStore()
    store.record_run("a", score=500, stars=1, passed=True, card="x", seed=1)
    store.record_run("a", score=300, stars=0, passed=False, card="y", seed=1)
    assert store.levels["a"] == LevelRecord(best_score=500, stars=1, attempts=2, passed=True)
    store.set_setting("language", "ko")
    store.reset()
    assert store.levels == {}
    assert store.settings == {"language": "ko"}
    assert store.backups[0]["levels"]["a"].best_score == 500
