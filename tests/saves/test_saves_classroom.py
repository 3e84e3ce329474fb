"""A served class folder: student names made safe for a file name, one live session per name, and the
report reading each student's progress as their export."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from capquest.cli import main
from capquest.errors import StudentNameError
from capquest.saves.classroom import (
    SESSION_LOCK,
    ClassFolder,
    class_students,
    student_folder_name,
)
from capquest.saves.store import ProgressStore
from tests.saves.test_saves_export_report import FakeReplay, fake_engine  # noqa: F401 (a fixture)


@pytest.mark.parametrize(
    ("typed", "folder"),
    [
        ("Alice", "Alice"),
        ("  Kim  Min-jun ", "Kim-Min-jun"),
        ("박지훈", "박지훈"),
        ("प्रिया", "प्रिया"),  # a letter and its combining vowel sign stay together
        ("../../etc/passwd", "etcpasswd"),
        ("..", None),
        ("/", None),
        ("   ", None),
        ("_-_", None),
        ("\u0301", None),
        ("\x1b[31mred", "31mred"),
        ("a/b\\c:d*e?f", "abcdef"),
        (".hidden", "hidden"),
        ("x" * 100, "x" * 40),
    ],
)
def test_names_become_one_safe_folder_name(typed: str, folder: str | None) -> None:
    if folder is None:
        with pytest.raises(StudentNameError) as refused:
            student_folder_name(typed)
        assert refused.value.reason == "empty"
    else:
        assert student_folder_name(typed) == folder
        assert "/" not in folder and "\\" not in folder and folder not in (".", "..")


@pytest.mark.parametrize("typed", ["CON", "nul", "com1", "Lpt9", "aux.txt"])
def test_names_the_file_system_reserves_are_refused(typed: str) -> None:
    with pytest.raises(StudentNameError) as refused:
        student_folder_name(typed)
    assert refused.value.reason == "reserved"


def test_a_live_name_is_refused_and_freed_when_its_session_ends(tmp_path: Path) -> None:
    room = ClassFolder(tmp_path / "class")
    first = room.sign_in("Alice")
    assert first.home == tmp_path / "class" / "Alice" and (first.home / SESSION_LOCK).is_file()
    for again in ("Alice", "alice", " ALICE "):  # the same student, however the case is typed
        with pytest.raises(StudentNameError) as refused:
            room.sign_in(again)
        assert refused.value.reason == "in_use"
    other = room.sign_in("Bob")  # another name is not held up
    first.close()
    second = room.sign_in("alice")
    assert second.home == first.home  # resumes the same folder
    second.close()
    other.close()


def test_a_link_planted_in_the_class_folder_is_not_followed(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (tmp_path / "class").mkdir()
    (tmp_path / "class" / "mallory").symlink_to(outside)
    with pytest.raises(StudentNameError) as refused:
        ClassFolder(tmp_path / "class").sign_in("mallory")
    assert refused.value.reason == "reserved"
    assert not (outside / SESSION_LOCK).exists()


def _play(home: Path, level_id: str, card: str, seed: int = 1) -> None:
    got = FakeReplay.outcome(level_id, card, seed)
    ProgressStore(home).record_run(
        "campaign", level_id, card, {}, seed, got.score, got.stars, True, got.digest
    )


def test_report_reads_a_served_class_folder(
    tmp_path: Path,
    fake_engine: type[FakeReplay],  # noqa: F811
    capsys: pytest.CaptureFixture[str],
) -> None:
    room = ClassFolder(tmp_path / "class")
    for name, card in (("Alice", "cp-lock"), ("박지훈", "ap-cache")):
        session = room.sign_in(name)
        _play(session.home, "flash-sale", card)
        session.close()
    room.sign_in("Zed").close()  # signed in, never played: no progress file, not a row
    (tmp_path / "class" / "notes").mkdir()  # a folder the teacher made: not a student

    records = list(class_students(tmp_path / "class"))
    assert [export.student for _, export in records] == ["Alice", "박지훈"]

    out_csv = tmp_path / "class.csv"
    assert main(["report", str(tmp_path / "class"), "--csv", str(out_csv)]) == 0
    out = capsys.readouterr().out
    assert "Students: 2. Files read: 2, unreadable: 0. Runs that do not reproduce: 0." in out
    with open(out_csv, encoding="utf-8-sig") as f:
        rows = list(csv.DictReader(f))
    assert [(r["student"], r["level"], r["card"], r["check"]) for r in rows] == [
        ("Alice", "flash-sale", "cp-lock", "reproduced"),
        ("박지훈", "flash-sale", "ap-cache", "reproduced"),
    ]

    # One student's own folder reads as that student alone.
    assert main(["report", str(tmp_path / "class" / "Alice")]) == 0
    assert "Students: 1. Files read: 1" in capsys.readouterr().out


def test_report_lists_a_damaged_student_file_and_reads_the_others(
    tmp_path: Path,
    fake_engine: type[FakeReplay],  # noqa: F811
    capsys: pytest.CaptureFixture[str],
) -> None:
    room = ClassFolder(tmp_path / "class")
    for name in ("Alice", "Bob"):
        session = room.sign_in(name)
        _play(session.home, "flash-sale", "cp-lock")
        session.close()
    progress = tmp_path / "class" / "Bob" / "progress.msgpack"
    progress.write_bytes(progress.read_bytes()[:30])

    assert main(["report", str(tmp_path / "class")]) == 1
    out = capsys.readouterr().out
    assert "Students: 1. Files read: 1, unreadable: 1." in out
    assert "Traceback" not in out
