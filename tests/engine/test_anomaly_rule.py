"""The engine's anomaly sweep uses the checker's real-time rule: a before b when a.complete < b.invoke."""

from __future__ import annotations

from capquest.engine.anomalies import count_anomalies


def _op(i, f, invoke, complete, **kw):
    base = {"id": i, "session": i, "f": f, "key": "stock/0", "invoke": invoke, "complete": complete}
    return {**base, "node": "primary", "outcome": "ok", "error": "", **kw}


def _history(ops):
    return {"format": "capquest-history", "version": 1, "time_unit": "us", "initial": {"stock/0": 1},
            "nodes": ["primary"], "faults": [], "ops": ops}  # fmt: skip


def test_an_order_completing_exactly_at_a_reads_invoke_is_concurrent_with_it():
    sold = _op(0, "order", 0, 100, qty=1, seen=1)
    at_the_same_instant = _op(1, "read", 100, 150, value=1)  # may see the stock before the sale
    check_at_the_same_instant = _op(2, "order", 100, 160, qty=1, seen=1, outcome="fail", error="timeout")
    assert count_anomalies(_history([sold, at_the_same_instant, check_at_the_same_instant])).stale_reads == 0


def test_a_read_invoked_after_the_order_completed_is_stale():
    sold = _op(0, "order", 0, 100, qty=1, seen=1)
    after = _op(1, "read", 101, 150, value=1)
    check_after = _op(2, "order", 101, 160, qty=1, seen=1, outcome="fail", error="timeout")
    assert count_anomalies(_history([sold, after, check_after])).stale_reads == 2
