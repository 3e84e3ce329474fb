"""Snapshots of the Why? view in English and Korean at 80x24 and 120x36: the replica level's first
oversell, the empty state of a CP card, and a hand-made history with a partition in ASCII mode. The engine
is deterministic and the checker runs to completion before the picture is taken."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from test_why_flow import _history_with_faults
from why_app import CONSISTENT, OVERSELLS, WhyTestApp, checked, run_card

from capquest.engine.outcome import TraceFrame

SIZES = {"80x24": (80, 24), "120x36": (120, 36)}
LANGS = ("en", "ko")


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("lang", LANGS)
def test_first_oversell(snap_compare, lang, size):
    app = WhyTestApp(run_card(OVERSELLS), lang=lang, start="why")
    assert snap_compare(app, terminal_size=SIZES[size], run_before=checked)


@pytest.mark.parametrize("lang", LANGS)
def test_nothing_to_explain(snap_compare, lang):
    app = WhyTestApp(run_card(CONSISTENT), lang=lang, start="why")
    assert snap_compare(app, terminal_size=(80, 24), run_before=checked)


def test_partition_ascii_korean(snap_compare):
    trace = tuple(
        TraceFrame(t_us=t, values={"busan.lag_ms": float(t // 1000)}) for t in range(0, 700_001, 100_000)
    )
    result = SimpleNamespace(
        level="hand-made", card="ap", seed=7, outcome=SimpleNamespace(history=_history_with_faults(), trace=trace)
    )
    app = WhyTestApp(result, lang="ko", start="why", ascii_borders=True)
    assert snap_compare(app, terminal_size=(120, 36), run_before=checked)
