"""Issue 11's holes in the save path, each reproduced: progress lost silently, a file read before it is
looked at, a notice that says the wrong thing, and a store that writes what it then refuses to read."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from capquest.errors import SaveFormatError
from capquest.saves import model, store
from capquest.saves.export import read_export
from capquest.saves.store import ProgressStore, read_progress


def _play(s: ProgressStore, level: str = "flash-sale", score: float = 500.0, pack: str = "campaign") -> None:
    s.record_run(pack, level, "cp-lock", {}, 1, score, 1, True, f"d{score}")


def _two_saves(home: Path) -> ProgressStore:
    s = ProgressStore(home)
    _play(s, score=500.0)
    _play(s, score=600.0)  # the backup now holds the first save
    return s


def test_a_missing_file_with_a_good_backup_is_restored_and_the_player_told(home: Path) -> None:
    """The state a crash leaves between setting a damaged file aside and restoring the backup: loading
    started fresh, and two saves later the backup was overwritten."""
    _two_saves(home)
    (home / "progress.msgpack").unlink()

    s = ProgressStore(home)
    loaded = s.load()

    assert [n.kind for n in loaded.notices] == ["restored"]
    assert "restored from its backup" in loaded.notices[0].message("en")
    assert loaded.progress.packs["campaign"].levels["flash-sale"].attempts == 1
    _play(s, "other")
    _play(s, "third")
    level = ProgressStore(home).progress.packs["campaign"].levels["flash-sale"]
    assert level.attempts == 1 and level.best_score == 500.0


def test_a_damaged_file_in_a_read_only_home_shows_the_backups_progress(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _two_saves(home)
    (home / "progress.msgpack").write_bytes(b"\x00" * 64)

    def refuse(*args: object, **kwargs: object) -> None:
        raise OSError(errno.EROFS, "Read-only file system")

    monkeypatch.setattr(store, "move_aside", refuse)
    monkeypatch.setattr(store, "write_atomic", refuse)
    loaded = ProgressStore(home).load()

    assert loaded.progress.packs["campaign"].levels["flash-sale"].best_score == 500.0
    (notice,) = loaded.notices
    assert notice.kind == "damaged" and notice.recovered == "backup" and notice.not_moved
    assert "could not be set aside" in notice.message("en")
    assert (home / "progress.msgpack").read_bytes() == b"\x00" * 64  # left where it was


def test_a_renamed_file_is_never_said_to_be_left_untouched(home: Path) -> None:
    """A damaged file set aside, then a backup the disk cannot read: the notice said 'read_failed ...
    left untouched' about a file that had just been renamed."""
    _two_saves(home)
    (home / "progress.msgpack").write_bytes(b"\x00" * 64)
    backup = home / "progress.msgpack.bak"
    backup.unlink()
    backup.mkdir()  # reading it is an OSError, not a damaged file

    (notice,) = ProgressStore(home).load().notices
    assert notice.kind == "damaged" and notice.kept_as is not None and notice.kept_as.exists()
    assert "untouched" not in notice.message("en")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_pipe_in_place_of_the_progress_file_is_set_aside_not_read(home: Path) -> None:
    _two_saves(home)
    (home / "progress.msgpack").unlink()
    os.mkfifo(home / "progress.msgpack")  # reading it would wait forever for a writer

    loaded = ProgressStore(home).load()
    (notice,) = loaded.notices
    assert (notice.kind, notice.reason, notice.recovered) == ("damaged", "not_a_file", "backup")
    assert loaded.progress.packs["campaign"].levels["flash-sale"].attempts == 1  # the backup's


def test_a_huge_sparse_file_is_refused_before_a_byte_is_read(home: Path, tmp_path: Path) -> None:
    sparse = tmp_path / "huge.capquest"
    with open(sparse, "wb") as out:
        out.truncate(30 * 1024**3)  # 30 GB, no disk used
    with pytest.raises(SaveFormatError) as refused:
        read_export(sparse)
    assert refused.value.reason == "too_big"
    home.mkdir(parents=True, exist_ok=True)
    sparse.rename(home / "progress.msgpack")
    with pytest.raises(SaveFormatError):
        read_progress(home / "progress.msgpack")
    (notice,) = ProgressStore(home).load().notices
    assert notice.reason == "too_big" and notice.kept_as is not None


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="no /dev/zero here")
def test_a_device_is_not_read() -> None:
    with pytest.raises(SaveFormatError) as refused:
        read_export(Path("/dev/zero"))
    assert refused.value.reason == "not_a_file"


def test_the_store_never_writes_more_packs_than_it_reads(home: Path) -> None:
    """More than 100 packs in progress made every later save 'damaged'."""
    s = ProgressStore(home)
    for n in range(model.MAX_PACKS):
        s.unlock(f"pack-{n}", "first")
    assert s.take_notices() == []

    s.record_run("one-too-many", "first", "cp", {}, 1, 10.0, 0, False, "d")
    (notice,) = s.take_notices()
    assert notice.kind == "limit" and f"at most {model.MAX_PACKS} packs" in notice.message("en")
    again = ProgressStore(home).load()
    assert again.notices == () and len(again.progress.packs) == model.MAX_PACKS
    s.record_run("pack-0", "first", "cp", {}, 1, 10.0, 0, False, "d")  # a pack already there: fine
    assert s.take_notices() == []


def test_the_store_never_writes_more_levels_or_concepts_than_it_reads(home: Path) -> None:
    s = ProgressStore(home)
    current = s.progress
    current.packs["campaign"] = model.PackProgress(unlocked=[f"l{n}" for n in range(model.MAX_LEVELS)])
    current.concepts_seen = [f"c{n}" for n in range(model.MAX_CONCEPTS)]
    s._state.view = current  # as if many sessions had filled it
    s._state.base = current.model_copy(deep=True)

    s.unlock("campaign", "one-more")
    s.mark_concept_seen("one-more")
    assert [n.what for n in s.take_notices()] == ["levels", "concepts"]
    _play(s, "l1")  # a level already unlocked still records
    assert s.take_notices() == []
    assert ProgressStore(home).load().notices == ()
