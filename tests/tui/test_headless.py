"""The headless parts of the TUI package import without Textual (so the CLI's other commands and the
app's first import stay light), and the campaign rules derived from progress."""

from __future__ import annotations

import subprocess
import sys

from capquest.tui.progress import (
    LevelRecord,
    campaign,
    level_records,
    seen_concepts,
    settings_of,
    unlocked_ids,
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


def test_records_are_read_per_pack_from_the_save_model_and_from_mappings() -> None:
    from capquest.saves.model import LevelProgress, PackProgress, Progress

    progress = Progress(
        packs={
            "p": PackProgress(
                levels={"a": LevelProgress(stars=2, best_score=10.0, attempts=2, passed=True)},
                unlocked=["a", "b"],
            )
        }
    )
    assert level_records(progress, "p") == {
        "a": LevelRecord(best_score=10.0, stars=2, attempts=2, passed=True)
    }
    assert level_records(progress, "other") == {}
    assert unlocked_ids(progress, "p") == {"a", "b"}
    raw = {"packs": {"p": {"levels": {"a": {"stars": 7, "attempts": 1}}}}}
    assert level_records(raw, "p")["a"] == LevelRecord(best_score=None, stars=3, attempts=1, passed=True)
    assert level_records(None, "p") == {}


def test_a_level_the_save_lists_as_unlocked_is_open(fake_pack) -> None:
    state = campaign(fake_pack(), {}, unlocked={"the-partition"})
    assert [s.unlocked for s in state.slots] == [True, False, False, False, True]


def test_settings_defaults_and_the_stores_default_theme() -> None:
    from capquest.saves.model import Progress, Settings

    assert settings_of(Progress())["theme"] == "capquest"
    settings = settings_of(Progress(settings=Settings(theme="capquest-light", replay_speed=2.0)))
    assert settings["theme"] == "capquest-light" and settings["replay_speed"] == 2.0
    assert settings_of(None)["ascii_borders"] is False


def test_memory_store_keeps_the_best_and_backs_up_on_reset() -> None:
    from fakes import MemoryProgressStore

    store = MemoryProgressStore()
    store.record_run("p", "a", "x", None, 1, 500.0, 1, True, "d1")
    store.record_run("p", "a", "y", None, 1, 300.0, 0, False, "d2")
    level = store.progress.packs["p"].levels["a"]
    assert (level.best_score, level.stars, level.attempts, level.passed) == (500.0, 1, 2, True)
    assert level.best_run.card == "x"
    store.set_setting("language", "ko")
    store.reset()
    assert store.progress.packs == {}
    assert store.progress.settings.language == "ko"
    assert store.backups[0].packs["p"].levels["a"].best_score == 500.0
