"""The Why? view quotes, for a stale read, the lag of the node that answered at that moment: the read's
time minus the commit time of the oldest write its answer does not reflect. Level 1's replica card once
said "only 999 remained since t=0.176s" and then "replica-1 0 ms"."""

from __future__ import annotations

from pathlib import Path

import pytest

from capquest.checker import check
from capquest.packs import load_pack
from capquest.play import run
from capquest.tui.screens.why import ENGINE_LAG_LINES, ReadLags, quoted_read_lag
from capquest.tui.widgets.anomaly_timeline import format_lag

LEVELS = Path(__file__).resolve().parents[3] / "levels"
CAMPAIGN = load_pack(LEVELS / "campaign")
CARDS = [(level, card.id) for level in CAMPAIGN.levels for card in level.cards]
# every built-in run: the campaign, the tutorial and the example pack
BUILT_IN = CARDS + [
    (level, card.id)
    for pack in ("tutorial", "example")
    for level in load_pack(LEVELS / pack).levels
    for card in level.cards
]


def test_a_sub_millisecond_lag_is_not_zero() -> None:
    assert format_lag(0.08, "en") == "80 µs" and format_lag(0.0004, "ko") == "1마이크로초"


@pytest.mark.slow
@pytest.mark.parametrize(("level", "card"), BUILT_IN, ids=[f"{lv.id}/{c}" for lv, c in BUILT_IN])
def test_every_stale_read_quotes_the_lag_the_engine_recorded(level, card: str) -> None:
    """Issue 13 §2: every stale read is quoted with the lag the engine recorded for what answered it, when
    it answered: a replica or a cache-aside copy, a quorum's replies, a cache stock counter, a node
    missing writes accepted across a partition (`Outcome.read_lag_us`). The figure is positive and at
    least as old as the newest write the checker names (the explanation says "since t_since"): the oldest
    write the answer missed was committed no later than that one completed."""
    outcome = run(level, card).outcome
    history = outcome.history
    ops = {op["id"]: op for op in history["ops"]}
    lags = ReadLags(history)
    for anomaly in check(history, linearizability=False).anomalies:
        if anomaly.kind != "stale_read":
            continue
        op = ops[anomaly.ops[0]]
        quoted = quoted_read_lag(op, outcome.read_lag_us, lambda: lags)
        assert quoted is not None, anomaly.explain("en")
        lag, from_engine = quoted
        assert from_engine, anomaly.explain("en")
        assert lag == outcome.read_lag_us[op["id"]], anomaly.explain("en")
        assert lag > 0, anomaly.explain("en")
        assert (
            outcome.read_lag_source.get(op["id"], "replica") in ENGINE_LAG_LINES
        )  # a line says what answered
        if anomaly.facts["t_since"]:
            assert lag >= anomaly.facts["t_at"] - anomaly.facts["t_since"], anomaly.explain("en")
        # a history with no engine record (a student's file) gets its lag from the history: positive too,
        # and at least as old as the newest write the checker names (one run, both quotes held)
        history_lag = lags.lag_us(op)
        assert history_lag is not None and history_lag > 0, anomaly.explain("en")
        assert history_lag >= anomaly.facts["t_at"] - anomaly.facts["t_since"], anomaly.explain("en")
        assert format_lag(history_lag / 1000) not in ("0 ms", "0밀리초")


def test_without_engine_data_the_history_gives_the_lag() -> None:
    """A history with no engine record (a real database's, a student's file) still gets a lag."""
    level = next(lv for lv, _ in CARDS)
    outcome = run(level, level.cards[0].id).outcome
    history = outcome.history
    ops = {op["id"]: op for op in history["ops"]}
    lags = ReadLags(history)
    stale = [a for a in check(history, linearizability=False).anomalies if a.kind == "stale_read"]
    for anomaly in stale:
        op = ops[anomaly.ops[0]]
        assert quoted_read_lag(op, {}, lambda: lags) == (lags.lag_us(op), False)
