"""`capquest check`: exit codes, JSON, the SVG timeline, one-line errors, and what it must not import."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from capquest.checker import linearizability
from capquest.checker.reference_store import client_op as op
from capquest.checker.reference_store import history_of, reference_history
from capquest.cli import check as command
from capquest.cli import main

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


def test_a_key_the_search_gave_up_on_is_unknown_not_an_anomaly_and_exits_3(tmp_path, capsys, monkeypatch):
    # Increments of 1 and 2, reads of every value 1..7, all overlapping: only the search can tell that
    # three steps of 1 cannot reach every value (not linearizable), in about 4,000 states.
    ops = [op(i, "incr", "v", 0, 1000, value=1 + i % 2) for i in range(1, 8)]
    ops += [op(100 + i, "read", "v", 10 + i, 990, session=i, value=i) for i in range(1, 8)]
    monkeypatch.setattr(command, "SEARCH_BUDGET", 5)
    path = write(tmp_path, history_of({"v": 0}, ops))
    assert main(["check", path, "--json"]) == 3
    data = json.loads(capsys.readouterr().out)
    assert data["anomalies"] == [] and data["linearizability"]["unknown"] == 1
    assert data["linearizability"]["budget"] == 5
    assert main(["check", path]) == 3
    out = capsys.readouterr().out
    assert "gave up after 5 states" in out and "budget of 5 states per key (--budget)" in out
    assert main(["--lang", "ko", "check", path, "--budget", "3"]) == 3
    assert "예산" in capsys.readouterr().out
    # --budget decides it; so does the default, which grows with the key ...
    assert main(["check", path, "--budget", "100000"]) == 1
    monkeypatch.setattr(command, "SEARCH_BUDGET", None)
    assert main(["check", path]) == 1
    # ... and when that is not enough, the message says it grew and how to raise it.
    monkeypatch.setattr(linearizability, "budget_for", lambda ops: 5)
    capsys.readouterr()
    assert main(["check", path]) == 3
    assert "stopped at 5 states for the largest undecided key" in capsys.readouterr().out


@pytest.mark.parametrize("value", ["0", "-5", "lots", "1e99"])
def test_a_bad_budget_is_a_usage_error(tmp_path, capsys, value):
    path = write(tmp_path, reference_history(2, ops=20, sessions=2))
    assert main(["check", path, "--budget", value]) == 2
    assert "--budget" in capsys.readouterr().err


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


# ---------------------------------------------------------------------------------- other tools' logs
JEPSEN_LOG = """\
INFO  jepsen.util - 1	:invoke	:write	1
INFO  jepsen.util - 1	:ok	:write	1
INFO  jepsen.util - 2	:invoke	:cas	[1 4]
INFO  jepsen.util - 3	:invoke	:cas	[1 5]
INFO  jepsen.util - 2	:ok	:cas	[1 4]
INFO  jepsen.util - 3	:ok	:cas	[1 5]
"""


def test_a_jepsen_log_is_checked_and_its_smallest_story_told(tmp_path, capsys):
    path = tmp_path / "jepsen.log"
    path.write_text(JEPSEN_LOG, encoding="utf-8")
    assert main(["check", str(path), "--from", "jepsen-log"]) == 1
    out = capsys.readouterr().out
    assert "register: A smallest set that cannot be ordered: 2 operations" in out
    assert "cas 1 → 4" in out and "cas 1 → 5" in out and "Left out" in out
    assert main(["--lang", "ko", "check", str(path), "--from", "jepsen-log"]) == 1
    assert "순서를 정할 수 없는 가장 작은 집합" in capsys.readouterr().out
    assert main(["check", str(path), "--from", "jepsen-log", "--json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["linearizability"]["keys"][0]["witness"] == [1, 2]
    assert data["linearizability"]["keys"][0]["minimal"] is True
    assert data["linearizability"]["stories"]["register"][0].startswith("A smallest set")


def test_to_json_writes_the_converted_history_which_checks_the_same(tmp_path, capsys):
    path = tmp_path / "kv.edn"
    path.write_text(
        '{:process 0, :type :invoke, :f :append, :key "k", :value "x"}\n'
        '{:process 0, :type :ok, :f :append, :key "k", :value "x"}\n'
        '{:process 1, :type :invoke, :f :get, :key "k", :value nil}\n'
        '{:process 1, :type :ok, :f :get, :key "k", :value ""}\n',
        encoding="utf-8",
    )
    assert main(["check", str(path), "--from", "edn", "--to", "json"]) == 0
    converted = tmp_path / "kv.json"
    converted.write_text(capsys.readouterr().out, encoding="utf-8")
    assert json.loads(converted.read_text(encoding="utf-8"))["version"] == 2
    assert main(["check", str(converted)]) == 1  # the get began after the append finished, yet saw ""
    assert main(["check", str(path), "--from", "edn"]) == 1


def test_a_broken_edn_file_exits_2_naming_line_and_column(tmp_path, capsys):
    path = tmp_path / "bad.edn"
    path.write_text("{:process 0, :type :invoke, :f :read}\n{:process 0 :type :ok :f :read :value [1 2}\n")
    assert main(["check", str(path), "--from", "edn"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "line 2, column 43: '}' closes '['" in err
    assert main(["--lang", "ko", "check", str(path), "--from", "edn"]) == 2
    assert "2행 43열" in capsys.readouterr().err


def test_the_readme_example_says_what_check_prints(tmp_path, capsys):
    """The README's "Checking your own store" section: its log, checked, prints its story."""
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Checking your own store") :]
    log = section[section.index("```clojure\n") + 11 : section.index("```\n", section.index("```clojure"))]
    shown = section.split("```\n")[2]  # the block after the log: the output
    path = tmp_path / "my-kv.edn"
    path.write_text(log, encoding="utf-8")
    assert main(["check", str(path), "--from", "edn"]) == 1
    out = capsys.readouterr().out

    def words(text: str) -> str:
        return " ".join(text.split())

    assert words(shown) in words(out)
