"""`capquest check`: exit codes, JSON, the SVG timeline, one-line errors, and what it must not import."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from capquest.checker.reference_store import client_op as op
from capquest.checker.reference_store import history_of, reference_history
from capquest.cli import check as command
from capquest.cli import main

from .test_checker_linearizability import gave_up_history

HISTORIES = Path(__file__).parent / "histories"


def write(tmp_path: Path, history: object, name: str = "h.json") -> str:
    path = tmp_path / name
    path.write_text(json.dumps(history), encoding="utf-8")
    return str(path)


def test_a_clean_history_exits_0(tmp_path, capsys):
    path = write(tmp_path, reference_history(2, ops=200, sessions=4))
    assert main(["check", path]) == 0
    assert "No anomalies" in capsys.readouterr().out


def test_the_seed_scene_exits_1_and_explains_itself(capsys):
    assert main(["check", str(HISTORIES / "seed_replica_oversell.json")]) == 1
    out = capsys.readouterr().out
    assert "oversold unit" in out and "Order #6" in out


def test_korean_output(capsys):
    assert main(["--lang", "ko", "check", str(HISTORIES / "seed_replica_oversell.json")]) == 1
    out = capsys.readouterr().out
    assert "초과 판매" in out and "주문 #6" in out


def test_json_lists_every_anomaly_with_its_ops(capsys):
    assert main(["check", str(HISTORIES / "seed_replica_oversell.json"), "--json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["counters"]["oversold_units"] == 1
    oversold = [a for a in data["anomalies"] if a["kind"] == "oversold"]
    assert oversold[0]["ops"] == [6, 5] and oversold[0]["explanation"].startswith("Order #6")
    assert data["linearizability"]["violation"] == 1
    assert data["linearizability"]["keys"][0]["method"] == "counting"


def test_a_key_the_search_gave_up_on_is_unknown_not_an_anomaly(tmp_path, capsys, monkeypatch):
    ops = gave_up_history()
    monkeypatch.setattr(command, "SEARCH_BUDGET", 5)
    path = write(tmp_path, history_of({"v": 0}, ops))
    assert main(["check", path, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["anomalies"] == [] and data["linearizability"]["unknown"] == 1
    assert main(["check", path]) == 0
    assert "gave up after 5 states" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ("{not json", "not valid JSON"),
        ("", "not valid JSON"),
        ("[1, 2]", "must be an object"),
        ('{"format": "something-else"}', "format: must be 'capquest-history'"),
        (None, "ops[1].invoke: must be an integer"),
        (b"\xff\xfe\x00garbage", "not valid JSON"),
    ],
)
def test_an_invalid_file_exits_2_with_one_line(tmp_path, capsys, content, reason):
    path = tmp_path / "bad.json"
    if content is None:
        history = json.loads((HISTORIES / "seed_replica_oversell.json").read_text())
        history["ops"][1]["invoke"] = "soon"
        path.write_text(json.dumps(history))
    elif isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content)
    assert main(["check", str(path)]) == 2
    err = capsys.readouterr().err
    assert reason in err and len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_a_missing_file_exits_2(tmp_path, capsys):
    assert main(["check", str(tmp_path / "nope.json")]) == 2
    assert "cannot read" in capsys.readouterr().err


def test_svg_timeline_is_written(tmp_path, capsys):
    out = tmp_path / "timeline.svg"
    assert main(["check", str(HISTORIES / "seed_replica_oversell.json"), "--svg", str(out)]) == 1
    svg = out.read_text(encoding="utf-8")
    assert svg.startswith("<svg") and "replica-2" in svg and "Order&#160;#6" in svg
    assert str(out) in capsys.readouterr().out


def test_svg_to_an_unwritable_place_exits_2(tmp_path, capsys):
    target = tmp_path / "no-such-dir" / "t.svg"
    assert main(["check", str(HISTORIES / "seed_replica_oversell.json"), "--svg", str(target)]) == 2
    assert "cannot write" in capsys.readouterr().err


def test_markup_in_a_file_is_shown_literally(tmp_path, capsys):
    ops = [
        op(1, "write", "[bold red]k", 0, 10, session=1, value="[link=x]b"),
        op(2, "read", "[bold red]k", 20, 25, session=2, value="a"),
    ]
    assert main(["check", write(tmp_path, history_of({"[bold red]k": "a"}, ops))]) == 1
    assert "[bold red]k" in capsys.readouterr().out


def test_checker_and_headless_check_import_neither_engine_nor_textual(tmp_path):
    svg = tmp_path / "t.svg"
    code = f"""
import sys
import capquest.checker, capquest.checker.timeline, capquest.cli.check
from capquest.cli import main
rc = main(["check", {str(HISTORIES / "seed_replica_oversell.json")!r}, "--svg", {str(svg)!r}, "--json"])
assert rc == 1, rc
bad = sorted(m for m in sys.modules if m.startswith(("capquest.engine", "textual")))
assert not bad, bad
"""
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert svg.exists()
