"""The Why? view quotes, for a stale read, the lag of the node that answered at that moment: the read's
time minus the commit time of the oldest write its answer does not reflect. Level 1's replica card once
said "only 999 remained since t=0.176s" and then "replica-1 0 ms"."""

from __future__ import annotations

from pathlib import Path

import pytest

from capquest.checker import check
from capquest.packs import load_pack
from capquest.play import run
from capquest.tui.screens.why import ReadLags
from capquest.tui.widgets.anomaly_timeline import format_lag

CAMPAIGN = load_pack(Path(__file__).resolve().parents[3] / "levels" / "campaign")
CARDS = [(level, card.id) for level in CAMPAIGN.levels for card in level.cards]


@pytest.mark.slow
@pytest.mark.parametrize(("level", "card"), CARDS, ids=[f"{lv.id}/{c}" for lv, c in CARDS])
def test_every_stale_read_is_quoted_with_a_positive_lag(level, card: str) -> None:
    history = run(level, card).outcome.history
    ops = {op["id"]: op for op in history["ops"]}
    lags = ReadLags(history)
    for anomaly in check(history, linearizability=False).anomalies:
        if anomaly.kind != "stale_read":
            continue
        lag = lags.lag_us(ops[anomaly.ops[0]])
        assert lag is not None and lag > 0, anomaly.explain("en")
        # at least as old as the newest write the checker names: the oldest one unapplied came first
        assert lag >= anomaly.facts["t_at"] - anomaly.facts["t_since"], anomaly.explain("en")
        assert format_lag(lag / 1000) not in ("0 ms", "0밀리초")


def test_a_sub_millisecond_lag_is_not_zero() -> None:
    assert format_lag(0.08, "en") == "80 µs" and format_lag(0.0004, "ko") == "1마이크로초"
