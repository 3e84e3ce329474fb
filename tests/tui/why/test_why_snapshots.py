"""Snapshots of the Why? view in English and Korean at 80x24 and 120x36: the seed's oversell in miniature
(hand-made, see histories.py, so engine tuning never rewrites these pictures), the empty state of a CP
run, and a partition in ASCII mode. The checker runs to completion before the picture is taken."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from histories import five_to_six
from test_why_flow import _history_with_faults
from why_app import WhyTestApp, checked

from capquest.engine.outcome import TraceFrame

SIZES = {"80x24": (80, 24), "120x36": (120, 36)}
LANGS = ("en", "ko")


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("lang", LANGS)
def test_first_oversell(snap_compare, lang, size):
    app = WhyTestApp(five_to_six(), lang=lang, start="why")
    assert snap_compare(app, terminal_size=SIZES[size], run_before=checked)


@pytest.mark.parametrize("lang", LANGS)
def test_nothing_to_explain(snap_compare, lang):
    app = WhyTestApp(five_to_six(consistent=True), lang=lang, start="why")
    assert snap_compare(app, terminal_size=(80, 24), run_before=checked)


def test_partition_ascii_korean(snap_compare):
    trace = tuple(
        TraceFrame(t_us=t, values={"busan.lag_ms": float(t // 1000)}) for t in range(0, 700_001, 100_000)
    )
    result = SimpleNamespace(
        level="hand-made",
        card="ap",
        seed=7,
        outcome=SimpleNamespace(history=_history_with_faults(), trace=trace),
    )
    app = WhyTestApp(result, lang="ko", start="why", ascii_borders=True)
    assert snap_compare(app, terminal_size=(120, 36), run_before=checked)
