"""`capquest report` with the real play path: runs recorded from `capquest.play.run` reproduce, a
tampered claim does not. Uses the cheapest built-in level, a few simulations in all."""

from __future__ import annotations

import csv
from pathlib import Path

import msgpack
import pytest

from capquest import play
from capquest.cli import main
from capquest.packs import builtin_pack
from capquest.saves.envelope import encode
from capquest.saves.store import ProgressStore

LEVEL = "ordinary-night"


def _record(home: Path, card: str | None, seed: int, assign: dict[str, str]) -> float:
    pack = builtin_pack()
    result = play.run(pack.level(LEVEL), card, seed=seed, assign=assign or None)
    ProgressStore(home).record_run(
        pack.id, LEVEL, card, assign, result.seed, result.score.score, result.score.stars,
        result.score.passed, result.outcome.digest,
    )  # fmt: skip
    return result.score.score


@pytest.mark.slow
def test_report_reproduces_real_runs_and_flags_a_tampered_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("CAPQUEST_HOME", str(tmp_path / "teacher"))  # no installed packs: the campaign only
    folder = tmp_path / "handed-in"
    pack_id = builtin_pack().id
    plays = {
        "Ada": ("one-postgres", 1, {}),
        "Linus": (None, 2, {"orders": "one-postgres", "catalog": "add-replica"}),  # an explicit assignment
    }
    scores = {}
    for name, (card, seed, assign) in plays.items():
        scores[name] = _record(tmp_path / name, card, seed, assign)
        monkeypatch.setenv("CAPQUEST_HOME", str(tmp_path / name))
        assert main(["export", "--name", name, "--out", str(folder / f"{name}.capquest")]) == 0
    # Mallory hands in Ada's file with a better score and a fresh checksum.
    envelope = msgpack.unpackb((folder / "Ada.capquest").read_bytes())
    payload = msgpack.unpackb(envelope["payload"])
    payload["student"] = "Mallory"
    payload["packs"][pack_id][LEVEL]["best_run"]["score"] = scores["Ada"] + 5
    (folder / "Mallory.capquest").write_bytes(encode("export", payload))
    monkeypatch.setenv("CAPQUEST_HOME", str(tmp_path / "teacher"))
    out_csv = tmp_path / "class.csv"
    capsys.readouterr()

    assert main(["report", str(folder), "--csv", str(out_csv)]) == 1

    with open(out_csv, encoding="utf-8-sig") as f:
        rows = {r["student"]: r for r in csv.DictReader(f)}
    assert {name: rows[name]["check"] for name in rows} == {
        "Ada": "reproduced",
        "Linus": "reproduced",
        "Mallory": "mismatch",
    }
    assert float(rows["Linus"]["best_score"]) == scores["Linus"]
    assert rows["Linus"]["assign"] == "catalog=add-replica;orders=one-postgres"
    assert f"claims score {scores['Ada'] + 5:g}, the run gives {scores['Ada']:g}" in rows["Mallory"]["detail"]
    assert "Traceback" not in capsys.readouterr().err


@pytest.mark.slow
def test_report_checks_a_pack_the_teacher_names_by_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # A class plays `capquest --pack FOLDER` without installing it; the teacher has the same folder.
    from capquest.packs import load_pack

    folder = Path(__file__).resolve().parents[2] / "levels" / "example"
    pack = load_pack(folder)
    result = play.run(pack.level("first-steps"), "primary")
    ProgressStore(tmp_path / "ada").record_run(
        pack.id, "first-steps", "primary", {}, result.seed, result.score.score, result.score.stars,
        result.score.passed, result.outcome.digest,
    )  # fmt: skip
    monkeypatch.setenv("CAPQUEST_HOME", str(tmp_path / "ada"))
    handed_in = tmp_path / "ada.capquest"
    assert main(["export", "--name", "Ada", "--out", str(handed_in)]) == 0
    monkeypatch.setenv("CAPQUEST_HOME", str(tmp_path / "teacher"))  # nothing installed
    out_csv = tmp_path / "class.csv"
    capsys.readouterr()

    assert main(["report", str(handed_in), "--csv", str(out_csv)]) == 0
    out = capsys.readouterr().out
    assert "is not installed" in out and "--pack FOLDER" in out
    with open(out_csv, encoding="utf-8-sig") as f:
        assert [r["check"] for r in csv.DictReader(f)] == ["unverified"]

    assert main(["report", str(handed_in), "--pack", str(folder), "--csv", str(out_csv)]) == 0
    with open(out_csv, encoding="utf-8-sig") as f:
        assert [r["check"] for r in csv.DictReader(f)] == ["reproduced"]

    # A folder that is no pack, or a broken one: one line, exit 2.
    capsys.readouterr()
    assert main(["report", str(handed_in), "--pack", str(tmp_path / "nowhere")]) == 2
    assert (
        main(
            [
                "report",
                str(handed_in),
                "--pack",
                str(Path(__file__).parents[1] / "packs" / "broken" / "scoring"),
            ]
        )
        == 2
    )
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 2 and "no pack folder" in err[0] and "capquest pack validate" in err[1]
