"""ProgressStore: round trip, merge rules, damaged files set aside (never overwritten), backup, reset,
migration, and a disk that refuses writes."""

from __future__ import annotations

import errno
from pathlib import Path

import msgpack
import pytest

from capquest.saves import envelope, paths, store
from capquest.saves.envelope import encode
from capquest.saves.model import Progress
from capquest.saves.store import ProgressStore, read_progress


def _play(
    s: ProgressStore, level: str = "flash-sale", score: float = 500.0, stars: int = 1, **kw: object
) -> store.RunRecorded:
    args = {"card": "cp-lock", "assign": {}, "seed": 1, "passed": stars >= 1, "digest": f"d{score}"}
    args.update(kw)
    return s.record_run("campaign", level, score=score, stars=stars, **args)  # type: ignore[arg-type]


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def test_data_dir_follows_capquest_home(home: Path) -> None:
    assert paths.data_dir() == home
    assert ProgressStore().path == home / "progress.msgpack"


def test_data_dir_defaults_to_platformdirs(monkeypatch: pytest.MonkeyPatch) -> None:
    import platformdirs

    monkeypatch.delenv("CAPQUEST_HOME", raising=False)
    assert paths.data_dir() == Path(platformdirs.user_data_dir("capquest"))


def test_round_trip_keeps_everything(home: Path) -> None:
    s = ProgressStore()
    assert s.load().notices == ()
    _play(s, score=640.0, stars=1)
    _play(
        s, "hybrid-shop", score=900.5, stars=3, card=None, assign={"orders": "cp-lock", "catalog": "ap-cache"}
    )
    s.unlock("campaign", "third")
    s.set_setting("language", "ko")
    s.set_setting("replay_speed", 2.5)
    s.set_tutorial_position("campaign", "flash-sale", 4)
    s.mark_concept_seen("cap")
    s.mark_concept_seen("pacelc")
    s.mark_concept_seen("cap")

    again = ProgressStore(home).load()
    assert again.notices == ()
    assert again.progress == s.progress
    p = again.progress
    assert p.packs["campaign"].unlocked == ["flash-sale", "hybrid-shop", "third"]
    hybrid = p.packs["campaign"].levels["hybrid-shop"]
    assert hybrid.best_run is not None
    assert hybrid.best_run.assign == {"catalog": "ap-cache", "orders": "cp-lock"}
    assert hybrid.best_run.card is None
    assert (p.settings.language, p.settings.replay_speed) == ("ko", 2.5)
    assert p.tutorial is not None and p.tutorial.step == 4
    assert p.concepts_seen == ["cap", "pacelc"]


def test_record_run_keeps_the_best_run_and_counts_every_attempt(home: Path) -> None:
    s = ProgressStore()
    assert _play(s, score=700.0, stars=2, seed=7).new_best
    worse = _play(s, score=300.0, stars=0, seed=8)
    assert not worse.new_best
    level = worse.level
    assert (level.attempts, level.stars, level.passed, level.best_score) == (2, 2, True, 700.0)
    assert level.best_run is not None and level.best_run.seed == 7
    better = _play(s, score=950.0, stars=3, seed=9).level
    assert (better.attempts, better.stars, better.best_score) == (3, 3, 950.0)
    assert better.best_run is not None and better.best_run.seed == 9
    assert ProgressStore(home).level("campaign", "flash-sale") == better


def test_bad_arguments_change_nothing(home: Path) -> None:
    s = ProgressStore()
    with pytest.raises(ValueError):
        s.set_setting("colour", "red")
    with pytest.raises(ValueError):
        s.set_setting("reduced_motion", "yes")
    with pytest.raises(ValueError):
        _play(s, stars=4)
    with pytest.raises(ValueError):
        _play(s, score=float("nan"))
    assert not (home / "progress.msgpack").exists()
    assert s.progress == Progress()


def _valid_file(home: Path) -> bytes:
    s = ProgressStore(home)
    _play(s, score=640.0, stars=1)
    return (home / "progress.msgpack").read_bytes()


def _flip(data: bytes) -> bytes:
    changed = bytearray(data)
    changed[-5] ^= 0x01  # inside the payload: only the checksum can tell
    return bytes(changed)


DAMAGE = {
    "bad_magic": lambda data: b"PK\x03\x04 not a save at all" + data[30:],
    "bad_checksum": _flip,
    "unreadable": lambda data: data[: len(data) * 2 // 3],
    "bad_content": lambda data: encode(
        "progress", {"packs": {"campaign": {"levels": {"l1": {"stars": "three"}}}}}
    ),
    "newer_version": lambda data: encode(
        "progress", {}, format_version=envelope.FORMAT_VERSION + 1, app="9.0"
    ),
    "wrong_kind": lambda data: encode("export", {"student": "x", "app_version": "0.1.0", "packs": {}}),
}


@pytest.mark.parametrize("reason", sorted(DAMAGE))
def test_damaged_file_is_set_aside_and_the_player_told(home: Path, reason: str) -> None:
    damaged = DAMAGE[reason](_valid_file(home))
    (home / "progress.msgpack").write_bytes(damaged)
    (home / "progress.msgpack.bak").unlink(missing_ok=True)

    report = ProgressStore(home).load()

    assert report.progress == Progress()
    (notice,) = report.notices
    assert (notice.kind, notice.reason, notice.recovered) == ("damaged", reason, "fresh")
    assert notice.kept_as == home / "progress.corrupt-1.msgpack"
    assert notice.kept_as.read_bytes() == damaged
    assert str(notice.kept_as) in notice.message("en")
    assert str(notice.kept_as) in notice.message("ko")
    assert notice.message("en") != notice.message("ko")


def test_set_aside_files_are_never_overwritten(home: Path) -> None:
    for n, garbage in enumerate((b"first broken file", b"second broken file", b"third"), start=1):
        home.mkdir(exist_ok=True)
        (home / "progress.msgpack").write_bytes(garbage)
        (notice,) = ProgressStore(home).load().notices
        assert notice.kept_as == home / f"progress.corrupt-{n}.msgpack"
    assert (home / "progress.corrupt-1.msgpack").read_bytes() == b"first broken file"
    assert (home / "progress.corrupt-2.msgpack").read_bytes() == b"second broken file"
    assert (home / "progress.corrupt-3.msgpack").read_bytes() == b"third"


def test_newer_version_is_refused_politely(home: Path) -> None:
    home.mkdir()
    future = encode("progress", {"packs": {}, "hovercraft": True}, format_version=7, app="3.2.0")
    (home / "progress.msgpack").write_bytes(future)
    (notice,) = ProgressStore(home).load().notices
    assert notice.reason == "newer_version"
    assert "3.2.0" in notice.detail and "7" in notice.detail
    assert "newer capquest" in notice.message("en")
    assert notice.kept_as is not None and notice.kept_as.read_bytes() == future


def test_backup_is_used_when_the_file_is_damaged(home: Path) -> None:
    s = ProgressStore(home)
    _play(s, score=600.0, stars=1)
    after_first = s.progress
    _play(s, score=800.0, stars=2)
    assert read_progress(home / "progress.msgpack.bak")[0] == after_first
    (home / "progress.msgpack").write_bytes(_flip((home / "progress.msgpack").read_bytes()))

    report = ProgressStore(home).load()

    (notice,) = report.notices
    assert (notice.recovered, notice.reason) == ("backup", "bad_checksum")
    assert report.progress == after_first
    assert "backup" in notice.message("en")
    # the restored progress is written back, so the next start is clean
    assert ProgressStore(home).load() == store.LoadReport(progress=after_first)


def test_damaged_backup_is_set_aside_too(home: Path) -> None:
    s = ProgressStore(home)
    _play(s, score=600.0)
    _play(s, score=800.0)
    (home / "progress.msgpack").write_bytes(b"junk")
    (home / "progress.msgpack.bak").write_bytes(b"more junk")

    report = ProgressStore(home).load()

    (notice,) = report.notices
    assert notice.recovered == "fresh" and report.progress == Progress()
    assert notice.backup_kept_as is not None and notice.backup_kept_as.read_bytes() == b"more junk"
    assert str(notice.backup_kept_as) in notice.message("en")


def test_file_damaged_while_the_game_runs_keeps_the_games_progress(home: Path) -> None:
    s = ProgressStore(home)
    _play(s, score=600.0, stars=1)
    (home / "progress.msgpack").write_bytes(b"scribbled over by something else")
    _play(s, "second", score=700.0, stars=2)

    (notice,) = s.take_notices()
    assert (notice.kind, notice.recovered) == ("damaged", "memory")
    assert notice.kept_as is not None and notice.kept_as.read_bytes() == b"scribbled over by something else"
    on_disk = ProgressStore(home).progress.packs["campaign"].levels
    assert (on_disk["flash-sale"].best_score, on_disk["second"].best_score) == (600.0, 700.0)
    assert s.take_notices() == []


def test_a_refused_write_loses_nothing(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    s = ProgressStore(home)
    _play(s, score=600.0)
    real_write = store.write_atomic

    def disk_full(*args: object, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(store, "write_atomic", disk_full)
    assert _play(s, score=700.0).level.attempts == 2  # the game goes on with it
    (notice,) = s.take_notices()
    assert notice.kind == "save_failed" and "No space left" in notice.message("en")
    assert ProgressStore(home).level("campaign", "flash-sale").attempts == 1

    monkeypatch.setattr(store, "write_atomic", real_write)
    _play(s, score=650.0)
    level = ProgressStore(home).level("campaign", "flash-sale")
    assert (level.attempts, level.best_score) == (3, 700.0)


def test_write_is_atomic_and_leaves_no_temporary_files(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    s = ProgressStore(home)
    _play(s, score=600.0)
    before = _files(home)

    def crash(src: object, dst: object) -> None:
        raise OSError(errno.EIO, "power cut")

    monkeypatch.setattr(store.os, "replace", crash)
    _play(s, score=900.0)
    assert _files(home) == before  # the old file whole; no half-written one; no leftover temp file


def test_reset_keeps_the_old_file_as_a_numbered_backup(home: Path) -> None:
    s = ProgressStore(home)
    _play(s, score=600.0, stars=1)
    s.set_setting("theme", "high-contrast")
    old_bytes = (home / "progress.msgpack").read_bytes()

    kept = s.reset()

    assert kept == home / "progress.reset-1.msgpack"
    assert kept.read_bytes() == old_bytes
    fresh = ProgressStore(home).load()
    assert fresh.notices == () and fresh.progress.packs == {}
    assert fresh.progress.settings.theme == "high-contrast"  # settings are not progress
    _play(s, score=100.0, stars=0)
    second = s.reset()
    assert second == home / "progress.reset-2.msgpack"
    assert kept.read_bytes() == old_bytes


def test_older_format_is_upgraded_through_the_migrations(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A made-up format 0 (stars kept as "pack/level" -> count) shows the migration path works; a real
    # format 2 will add MIGRATIONS[1] the same way, and the golden v1 file keeps it honest.
    def from_v0(payload: dict) -> dict:
        packs: dict = {}
        for key, stars in payload["stars"].items():
            pack, level = key.split("/")
            packs.setdefault(pack, {"levels": {}, "unlocked": []})["levels"][level] = {"stars": stars}
        return {"packs": packs, "concepts_seen": payload["seen"]}

    monkeypatch.setitem(envelope.MIGRATIONS, 0, from_v0)
    home.mkdir()
    v0 = encode(
        "progress", {"stars": {"campaign/flash-sale": 2}, "seen": ["cap"]}, format_version=0, app="0.0.1"
    )
    (home / "progress.msgpack").write_bytes(v0)

    report = ProgressStore(home).load()

    (notice,) = report.notices
    assert notice.kind == "upgraded"
    assert notice.kept_as == home / "progress.format-0-1.msgpack" and notice.kept_as.read_bytes() == v0
    assert report.progress.packs["campaign"].levels["flash-sale"].stars == 2
    assert report.progress.concepts_seen == ["cap"]
    data = msgpack.unpackb((home / "progress.msgpack").read_bytes())
    assert data["format"] == envelope.FORMAT_VERSION


def test_format_without_a_migration_is_set_aside(home: Path) -> None:
    home.mkdir()
    (home / "progress.msgpack").write_bytes(encode("progress", {}, format_version=0))
    (notice,) = ProgressStore(home).load().notices
    assert (notice.kind, notice.reason) == ("damaged", "older_version")


def test_saves_work_where_file_locks_do_not(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import fcntl

    def no_locks(fd: int, operation: int) -> None:
        raise OSError(errno.ENOLCK, "No locks available")

    monkeypatch.setattr(fcntl, "flock", no_locks)
    s = ProgressStore(home)
    _play(s, score=600.0)
    assert s.take_notices() == []
    assert ProgressStore(home).level("campaign", "flash-sale").attempts == 1


def test_reloading_keeps_changes_a_failed_save_still_owes(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    s = ProgressStore(home)
    monkeypatch.setattr(
        store, "write_atomic", lambda *a, **k: (_ for _ in ()).throw(OSError(errno.EROFS, "read-only"))
    )
    _play(s, score=600.0)
    assert s.load().progress.packs["campaign"].levels["flash-sale"].attempts == 1
    monkeypatch.undo()
    monkeypatch.setenv("CAPQUEST_HOME", str(home))
    s.mark_concept_seen("cap")
    assert ProgressStore(home).level("campaign", "flash-sale").attempts == 1


def test_a_crashs_temporary_files_are_removed_at_the_next_start(home: Path) -> None:
    s = ProgressStore(home)
    _play(s, score=600.0)
    leftovers = [home / ".progress.msgpack-k3j2.tmp", home / ".backup-123-abc.tmp"]
    for leftover in leftovers:
        leftover.write_bytes(b"half a save")
    (home / "progress.corrupt-1.msgpack").write_bytes(b"kept forever")

    assert ProgressStore(home).load().notices == ()
    assert not any(leftover.exists() for leftover in leftovers)
    assert (home / "progress.corrupt-1.msgpack").read_bytes() == b"kept forever"


def test_saved_language_is_read_without_touching_anything(home: Path) -> None:
    from capquest.saves.peek import saved_language

    assert saved_language() is None  # no folder, no file
    s = ProgressStore(home)
    s.set_setting("language", "ko")
    assert saved_language() == "ko"
    (home / "progress.msgpack").write_bytes(b"damaged")
    before = _files(home)
    assert saved_language() is None
    assert _files(home) == before  # a damaged file is left for the game to set aside and tell about


def test_a_copy_stuck_holding_the_lock_does_not_freeze_the_game(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from filelock import FileLock

    s = ProgressStore(home)
    s.load()
    monkeypatch.setattr(store, "LOCK_WAIT_S", 0.05)
    stuck = FileLock(s._lock_path)
    with stuck:  # another copy holds the lock and never lets go
        _play(s, score=600.0)
    assert s.take_notices() == []
    assert ProgressStore(home).level("campaign", "flash-sale").attempts == 1
