"""What the lab plays, and how it says it cannot: no PostgreSQL needed."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from capquest.engine.workload import draw_arrivals
from capquest.lab import LabUnavailable, LabUnsupported, lab_cards, make_plan
from capquest.lab import postgres as pg
from capquest.lab.compare import Figures, lessons


def run_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "capquest", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=120,
    )


def test_the_plan_is_the_engines_schedule_compressed(levels) -> None:
    level = levels["five-to-six"]
    plan = make_plan(level, "replica-check", seconds=3)
    arrivals = draw_arrivals(level.scenario.workload, level.seed, [1.0])
    assert len(plan.ops) == len(arrivals.times)
    assert plan.compression == pytest.approx(5.0)
    assert [op.key for op in plan.ops] == arrivals.keys
    assert plan.ops[-1].at_us == int(arrivals.times[-1] / 5.0)
    assert plan.apply_delay_ms == (600.0, 600.0), "3 s of lag, compressed 5x"
    assert plan.timeout_ms == 8000, "a customer's patience is not compressed"
    assert make_plan(level, "replica-check", seconds=3, apply_delay_ms=1000).apply_delay_ms == (
        1000.0,
        1000.0,
    )


def test_the_default_plan_fits_twenty_seconds_and_the_rate_cap(levels) -> None:
    for level in levels.values():
        for card in lab_cards(level):
            plan = make_plan(level, card)
            assert plan.seconds <= 20.0 + 1e-9
            assert plan.rate <= 2500.0 + 1e-6
            assert plan.compression >= 1.0


def test_the_same_seed_gives_the_same_plan_and_another_seed_another(levels) -> None:
    level = levels["five-to-six"]
    assert make_plan(level, "replica-check", seed=7) == make_plan(level, "replica-check", seed=7)
    assert make_plan(level, "replica-check", seed=7).ops != make_plan(level, "replica-check", seed=8).ops


def test_the_lab_levels_include_each_lesson_and_exclude_quorums_caches_and_faults(levels) -> None:
    assert lab_cards(levels["five-to-six"]) == ["replica-check", "primary-check", "replica-show-primary-sell"]
    assert "atomic-update" in lab_cards(levels["two-am"])
    assert "for-update" in lab_cards(levels["fresh-but-wrong"])
    assert "ryw-window" in lab_cards(levels["read-your-writes"])
    assert "monotonic" in lab_cards(levels["monotonic-reads"])
    assert lab_cards(levels["cassandra-quorum"]) == []  # a quorum store
    assert lab_cards(levels["bounded-staleness"]) == []  # scheduled faults
    assert "ap-cache-queue" not in lab_cards(levels["cache-and-queue"])  # a cache
    with pytest.raises(LabUnsupported, match="quorum"):
        make_plan(levels["dynamo-reads"], "strong")


def test_missing_postgres_names_the_package(monkeypatch) -> None:
    monkeypatch.setattr(pg, "_candidate_dirs", lambda: [Path("/nonexistent/bin")])
    with pytest.raises(LabUnavailable, match="postgresql"):
        pg.find_bindir()


def test_the_cli_without_postgres_says_what_to_install(tmp_path: Path) -> None:
    env = {"CAPQUEST_PG_BINDIR": str(tmp_path)}  # a folder without PostgreSQL's programs
    out = run_cli("lab", "five-to-six", "--card", "replica-check", env=env)
    assert out.returncode == 1, out.stderr
    assert out.stderr.count("\n") == 1 and "postgresql" in out.stderr
    assert "Traceback" not in out.stderr


def test_lab_list_json_and_usage_errors(capsys: pytest.CaptureFixture[str]) -> None:
    from capquest.cli import main

    assert main(["lab", "--list", "--json"]) == 0
    listed = {row["id"]: row["cards"] for row in json.loads(capsys.readouterr().out)}
    assert "five-to-six" in listed and "cassandra-quorum" not in listed
    for args, needle in (
        (("lab",), "LEVEL_ID"),
        (("lab", "nope", "--card", "x"), "unknown level"),
        (("lab", "five-to-six"), "replica-check"),
        (("lab", "five-to-six", "--card", "nope"), "nope"),
        (("lab", "cassandra-quorum", "--card", "one-one"), "quorum"),
        (("lab", "five-to-six", "--card", "replica-check", "--seconds", "99"), "--seconds"),
        (("lab", "five-to-six", "--card", "replica-check", "--lag-ms", "-1"), "--lag-ms"),
    ):
        assert main(list(args)) == 2, args
        err = capsys.readouterr().err
        assert needle in err and err.count("\n") == 1, (args, err)
    assert main(["--lang", "ko", "lab", "cassandra-quorum", "--card", "one-one"]) == 2
    assert any("\uac00" <= ch <= "\ud7a3" for ch in capsys.readouterr().err)


def test_without_psycopg_the_lab_says_how_to_install_it(monkeypatch) -> None:
    from capquest.lab import check_ready

    monkeypatch.setitem(sys.modules, "psycopg", None)  # import psycopg -> ImportError
    with pytest.raises(LabUnavailable, match=r"capquest\[lab\]"):
        check_ready()


def _figures(**counts: int) -> Figures:
    base = dict.fromkeys(("oversold_units", "stale_reads", "ryw_violations", "monotonic_violations"), 0)
    base.update(counts)
    return Figures(ops=10, orders_accepted=5, error_rate=0.0, p50_ms=1.0, p99_ms=2.0, **base)


def test_one_lesson_per_anomaly_in_play_with_its_verdict() -> None:
    got = lessons(_figures(oversold_units=3), _figures(oversold_units=4, stale_reads=2), ("oversold_units",))
    assert [(lesson.kind, lesson.verdict) for lesson in got] == [
        ("oversold_units", "too"),
        ("stale_reads", "surprise"),
    ]
    assert got[0].text("replica-check", "en") == (
        "the replica-check card oversold on PostgreSQL too: 4 units (the engine predicted 3)"
    )
    assert any("\uac00" <= ch <= "\ud7a3" for ch in got[0].text("replica-check", "ko"))
    none = lessons(_figures(), _figures(), ("oversold_units",))
    assert [(lesson.kind, lesson.verdict) for lesson in none] == [("oversold_units", "none")]
    missed = lessons(_figures(ryw_violations=5), _figures(), ())
    assert [(lesson.kind, lesson.verdict) for lesson in missed] == [("ryw_violations", "missed")]


def test_the_lab_command_never_imports_textual() -> None:
    code = (
        "import sys, contextlib, io\n"
        "from capquest.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):\n"
        "    assert main(['lab', '--list', '--json']) == 0\n"
        "    assert main(['lab', 'cassandra-quorum', '--card', 'one-one']) == 2\n"
        "import capquest.lab, capquest.lab.clients, capquest.lab.view\n"
        "loaded = sorted(m for m in sys.modules if m.split('.')[0] == 'textual')\n"
        "assert not loaded, loaded\n"
        "print('ok')\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().endswith("ok")
