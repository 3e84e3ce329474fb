"""The golden files of every released save format still load, with their content intact.

`saves/progress-v1.msgpack` was written once by `saves/make_golden.py` (format 1, capquest 0.1.0). When a
later format adds a migration, these tests must keep passing unchanged: a player's old save still opens.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from capquest.saves.envelope import FORMAT_VERSION
from capquest.saves.export import read_export
from capquest.saves.store import ProgressStore

GOLDEN = Path(__file__).resolve().parents[2] / "saves"


def test_golden_progress_v1_loads_with_its_content(home: Path) -> None:
    home.mkdir()
    shutil.copyfile(GOLDEN / "progress-v1.msgpack", home / "progress.msgpack")

    report = ProgressStore(home).load()

    assert all(notice.kind == "upgraded" for notice in report.notices)  # an upgrade, never "damaged"
    assert bool(report.notices) == (FORMAT_VERSION > 1)
    p = report.progress
    levels = p.packs["campaign"].levels
    assert set(levels) == {"flash-sale", "hybrid-shop", "partition"}
    flash = levels["flash-sale"]
    assert (flash.stars, flash.best_score, flash.attempts, flash.passed) == (2, 812.5, 3, True)
    assert flash.best_run is not None and (flash.best_run.card, flash.best_run.seed) == ("cp-lock", 1)
    hybrid = levels["hybrid-shop"].best_run
    assert hybrid is not None and hybrid.card is None
    assert hybrid.assign == {"catalog": "ap-cache", "orders": "cp-lock"} and hybrid.digest == "b" * 64
    assert (levels["partition"].passed, levels["partition"].best_score) == (False, -120.0)
    assert p.packs["campaign"].unlocked == ["flash-sale", "hybrid-shop", "partition", "read-your-writes"]
    assert p.packs["teacher-pack"].unlocked == ["intro"]
    s = p.settings
    assert (s.language, s.theme, s.ascii_borders, s.reduced_motion, s.replay_speed) == (
        "ko",
        "high-contrast",
        True,
        True,
        2.0,
    )
    assert p.tutorial is not None and (p.tutorial.pack_id, p.tutorial.level_id, p.tutorial.step) == (
        "campaign",
        "flash-sale",
        4,
    )
    assert p.concepts_seen == ["cap", "pacelc", "read-your-writes"]


def test_golden_progress_v1_goes_on_saving(home: Path) -> None:
    home.mkdir()
    shutil.copyfile(GOLDEN / "progress-v1.msgpack", home / "progress.msgpack")
    store = ProgressStore(home)
    store.record_run("campaign", "flash-sale", "cp-lock", {}, 2, 900.0, 3, True, "d" * 64)
    level = ProgressStore(home).level("campaign", "flash-sale")
    assert (level.attempts, level.best_score, level.stars) == (4, 900.0, 3)


@pytest.mark.parametrize("name", ["export-v1.capquest"])
def test_golden_export_v1_reads(name: str) -> None:
    exported = read_export(GOLDEN / name)
    assert exported.student == "김민지"
    assert exported.packs["campaign"]["hybrid-shop"].attempts == 5
    assert exported.packs["campaign"]["partition"].best_run is not None
    assert exported.pack_versions == {"campaign": "1.0.0"}
