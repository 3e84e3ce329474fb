"""Hand-made histories with known verdicts, one per anomaly kind, and the near misses that must not count.

Times are microseconds; op(...) builds one operation (see capquest.checker.reference_store)."""

from __future__ import annotations

import pytest

from capquest.checker import check
from capquest.checker.reference_store import client_op as op
from capquest.checker.reference_store import history_of
from capquest.history import validate_history


def run(initial, ops, kinds=None, **kw):
    history = history_of(initial, ops)
    if kinds:
        history["kinds"] = kinds  # the optional hint for keys that are only read
    return check(validate_history(history), **kw)


def kinds(report):
    return [(a.kind, a.ops) for a in report.anomalies]


# ------------------------------------------------------------------------------------------- oversell
def seed_scene():
    """The seed's read-replica scene: 5 in stock, five fresh orders, then a sixth that checked a replica
    still showing 5."""
    ops = [op(i + 1, "order", "stock/0", 10 * i, 10 * i + 5, session=i, qty=1, seen=5 - i) for i in range(5)]
    ops.append(op(6, "order", "stock/0", 50, 55, session=9, node="replica-2", qty=1, seen=5))
    return {"stock/0": 5}, ops


def test_seed_scene_oversells_one_unit_because_of_a_stale_check():
    report = run(*seed_scene())
    oversold = report.by_kind("oversold")
    assert len(oversold) == 1
    a = oversold[0]
    assert a.ops == (6, 5)  # the order, and the order whose acknowledgement it did not see
    assert a.units == 1 and a.template == "oversold_stale"
    assert a.facts["seen"] == 5 and a.facts["remaining"] == 0 and a.facts["t_since"] == 45
    assert report.counters()["oversold_units"] == 1
    # The sixth order's check is a stale read too; the five fresh checks are not.
    assert [s.ops[0] for s in report.by_kind("stale_read")] == [6]
    text = a.explain("en")
    assert "stock check saw 5" in text and "only 0 remained" in text and "#5" in text
    assert "재고 5개" in a.explain("ko")
    # An order's `node` is where it was answered, not where its check read: the history does not say
    # where that was, so neither explanation names a node.
    (stale,) = report.by_kind("stale_read")
    for lang in ("en", "ko"):
        assert "replica-2" not in a.explain(lang) and "replica-2" not in stale.explain(lang)
    assert "checked stock/0 and saw 5 in stock" in stale.explain("en")


def test_oversold_counts_units_not_orders():
    # 1 left, an order of 2 accepted: 1 unit oversold.
    ops = [
        op(1, "order", "stock/0", 0, 5, qty=2, seen=None),
        op(2, "order", "stock/0", 10, 15, qty=2, seen=None),
    ]
    report = run({"stock/0": 3}, ops)
    (a,) = report.by_kind("oversold")
    assert a.ops == (2,) and a.units == 1 and a.template == "oversold_blind"
    assert report.counts["oversold"] == 1


def test_race_with_fresh_checks_still_oversells():
    # Consistency is not isolation: both orders read a fresh "1 left", both decrement.
    ops = [
        op(1, "order", "stock/0", 0, 10, session=1, qty=1, seen=1),
        op(2, "order", "stock/0", 1, 12, session=2, qty=1, seen=1),
    ]
    report = run({"stock/0": 1}, ops)
    assert kinds(report)[:1] == [("oversold", (2,))]
    assert report.by_kind("oversold")[0].template == "oversold_race"
    assert report.by_kind("stale_read") == []


def test_refused_and_failed_orders_sell_nothing():
    ops = [
        op(1, "order", "stock/0", 0, 5, qty=1, seen=None),
        op(2, "order", "stock/0", 10, 15, qty=1, outcome="fail", error="out_of_stock"),
        op(3, "order", "stock/0", 20, None, qty=1, outcome="fail", error="timeout", node=""),
    ]
    report = run({"stock/0": 1}, ops)
    assert report.anomalies == ()


# ----------------------------------------------------------------------------------------- stale reads
def test_stock_read_after_an_acknowledged_order_is_stale():
    ops = [
        op(1, "order", "stock/0", 0, 10, qty=1, seen=None),
        op(2, "read", "stock/0", 20, 25, session=1, node="replica-1", value=3),
        op(3, "read", "stock/0", 5, 25, session=2, node="replica-1", value=3),  # concurrent: either is fine
        op(4, "read", "stock/0", 30, 35, session=3, value=2),
    ]
    report = run({"stock/0": 3}, ops)
    stale = report.by_kind("stale_read")
    assert [a.ops for a in stale] == [(2, 1)]
    assert stale[0].facts["expected"] == 2 and stale[0].node == "replica-1"


def test_counter_read_below_acknowledged_increments_is_stale():
    ops = [
        op(1, "incr", "views/0", 0, 10, value=1),
        op(2, "incr", "views/0", 0, 10, session=1, value=1),
        op(3, "read", "views/0", 20, 25, session=2, value=1),
        op(4, "read", "views/0", 5, 25, session=3, value=0),  # concurrent with both: not stale
    ]
    report = run({"views/0": 0}, ops)
    assert [a.ops[0] for a in report.by_kind("stale_read")] == [3]
    assert report.by_kind("stale_read")[0].facts["expected"] == 2


def register_ops():
    return [
        op(1, "write", "profile/1", 0, 10, session=1, value="b"),
        op(2, "read", "profile/1", 20, 25, session=2, node="replica-1", value="a"),
        op(3, "read", "profile/1", 20, 25, session=1, node="replica-1", value="a"),
    ]


def test_register_read_of_a_replaced_value_is_stale_and_breaks_read_your_writes():
    report = run({"profile/1": "a"}, register_ops(), linearizability=False)
    assert sorted(kinds(report)) == [
        ("read_your_writes", (3, 1)),
        ("stale_read", (2, 1)),
        ("stale_read", (3, 1)),
    ]
    assert report.counters()["stale_reads"] == 2 and report.counters()["ryw_violations"] == 1


def test_a_write_overlapping_the_read_makes_nothing_stale():
    ops = [
        op(1, "write", "profile/1", 0, 30, session=1, value="b"),
        op(2, "read", "profile/1", 10, 20, session=2, value="a"),
        op(3, "read", "profile/1", 21, 25, session=2, value="b"),
    ]
    assert run({"profile/1": "a"}, ops).anomalies == ()


def test_a_failed_write_never_makes_a_read_stale():
    # A timeout is not a "no": the write may land later, so reading the old value is fine.
    ops = [
        op(1, "write", "profile/1", 0, 10, session=1, value="b", outcome="fail", error="timeout"),
        op(2, "read", "profile/1", 20, 25, session=1, value="a"),
        op(3, "read", "profile/1", 30, 35, session=2, value="b"),
    ]
    assert run({"profile/1": "a"}, ops).anomalies == ()


# --------------------------------------------------------------------------------------- monotonic reads
def test_register_monotonic_read_violation_without_staleness():
    # "c" is being written (30..50); session 2 reads it at 36..41, then reads the older "b" at 45:
    # not stale (no write completed since "b"), but older than what it already saw.
    ops = [
        op(1, "write", "profile/1", 0, 10, session=1, value="b"),
        op(2, "write", "profile/1", 30, 50, session=1, value="c"),
        op(3, "read", "profile/1", 36, 41, session=2, value="c"),
        op(4, "read", "profile/1", 45, 48, session=2, node="replica-1", value="b"),
    ]
    report = run({"profile/1": "a"}, ops)
    assert [(a.kind, a.ops) for a in report.anomalies if a.kind != "not_linearizable"] == [
        ("monotonic_read", (4, 3))
    ]
    assert report.by_kind("not_linearizable")  # and no single order explains it


def test_counter_and_stock_monotonic_reads():
    ops = [
        op(1, "read", "views/0", 0, 5, session=1, value=2),
        op(2, "read", "views/0", 10, 15, session=1, value=1),
        op(3, "read", "views/0", 10, 15, session=2, value=1),  # another session: no violation
        op(4, "read", "stock/0", 0, 5, session=1, value=2),
        op(5, "read", "stock/0", 10, 15, session=1, value=3),
    ]
    report = run({"views/0": 0, "stock/0": 3}, ops, {"stock/0": "stock"}, linearizability=False)
    assert sorted(a.ops for a in report.by_kind("monotonic_read")) == [(2, 1), (5, 4)]
    # Without the hint a key that is only read, with a number, is a counter: 2 then 3 is fine there.
    report = run({"views/0": 0, "stock/0": 3}, ops, linearizability=False)
    assert sorted(a.ops for a in report.by_kind("monotonic_read")) == [(2, 1)]


def test_overlapping_reads_of_one_session_are_not_ordered():
    # A session with two reads in flight: the second began before the first ended, so it has not
    # "already read" the first one's value.
    ops = [
        op(1, "read", "views/0", 0, 20, session=1, value=2),
        op(2, "read", "views/0", 10, 30, session=1, value=1),
        op(3, "read", "views/0", 40, 45, session=1, value=1),  # after both: older than 2
        op(4, "incr", "views/0", 0, 100, session=9, value=1),
        op(5, "incr", "views/0", 0, 100, session=9, value=1),
    ]
    report = run({"views/0": 0}, ops, linearizability=False)
    assert [a.ops for a in report.by_kind("monotonic_read")] == [(3, 1)]


# ---------------------------------------------------------------------------------------- lost updates
def test_acknowledged_write_never_seen_again_is_a_lost_update():
    ops = [
        op(1, "write", "profile/1", 0, 10, session=1, value="b"),
        op(2, "read", "profile/1", 20, 25, session=2, value="a"),
        op(3, "read", "profile/1", 30, 35, session=3, value="a"),
    ]
    report = run({"profile/1": "a"}, ops)
    (lost,) = report.by_kind("lost_update")
    assert lost.ops == (1, 2, 3) and lost.facts["reads"] == 2


def test_a_lagging_replica_is_stale_not_lost():
    # The primary acknowledged "b"; only a lagging replica was read afterwards: nothing says it is gone.
    ops = [
        op(1, "write", "profile/1", 0, 10, session=1, value="b"),
        op(2, "read", "profile/1", 20, 25, session=2, node="replica-1", value="a"),
    ]
    report = run({"profile/1": "a"}, ops)
    assert report.by_kind("lost_update") == [] and report.by_kind("stale_read")


@pytest.mark.parametrize(
    "extra",
    [
        op(4, "read", "profile/1", 40, 45, session=4, value="b"),  # someone saw it: not lost
        op(4, "write", "profile/1", 40, 45, session=4, value="c"),  # a later write replaced it
    ],
)
def test_no_lost_update_when_the_write_was_seen_or_replaced(extra):
    ops = [
        op(1, "write", "profile/1", 0, 10, session=1, value="b"),
        op(2, "read", "profile/1", 20, 25, session=2, value="a"),
        op(3, "read", "profile/1", 30, 35, session=3, value="a"),
        extra,
    ]
    assert run({"profile/1": "a"}, ops).by_kind("lost_update") == []


def test_overwritten_by_a_concurrent_write_is_not_called_lost():
    # "c" overlaps "b": a linearizable register may order c after b, so reading c proves nothing lost.
    ops = [
        op(1, "write", "profile/1", 0, 10, session=1, value="b"),
        op(2, "write", "profile/1", 5, 50, session=2, value="c"),
        op(3, "read", "profile/1", 60, 65, session=3, value="c"),
    ]
    assert run({"profile/1": "a"}, ops).anomalies == ()


# ------------------------------------------------------------------------------------------ explanations
def test_every_anomaly_explains_itself_in_both_languages():
    initial, ops = seed_scene()
    ops = [
        *ops,
        op(11, "write", "profile/1", 0, 10, session=1, value="b"),
        op(12, "read", "profile/1", 20, 25, session=1, node="primary", value="a"),
        op(13, "read", "views/0", 0, 5, session=1, value=2),
        op(14, "read", "views/0", 10, 15, session=1, value=1),
    ]
    report = run({**initial, "profile/1": "a", "views/0": 0}, ops)
    assert {a.kind for a in report.anomalies} >= {
        "oversold",
        "stale_read",
        "read_your_writes",
        "monotonic_read",
        "lost_update",
        "not_linearizable",
    }
    for a in report.anomalies:
        en, ko = a.explain("en"), a.explain("ko")
        assert en != ko and "{" not in en and "{" not in ko
        assert f"#{a.ops[0]}" in en and f"#{a.ops[0]}" in ko
        assert not any(ch in ko for ch in "→★━│─"), ko  # no East-Asian-ambiguous glyphs in Korean
        assert a.to_json("ko")["explanation"] == ko


# --------------------------------------------------------------------------- real-time order at a tie
def test_an_order_completing_at_the_instant_a_read_starts_does_not_precede_it():
    # order [3,8], read [8,10] sees the old stock: they overlap (precedence needs complete < invoke), so
    # the read may come first. Linearizable, so no stale read (it was reported as one: issue 11).
    ops = [
        op(1, "order", "stock/0", 3, 8, qty=1, seen=None),
        op(2, "read", "stock/0", 8, 10, value=5),
        op(3, "order", "stock/0", 8, 12, qty=1, seen=5),  # an order's check at the tie too
    ]
    report = run({"stock/0": 5}, ops)
    assert report.anomalies == ()
    assert [k.verdict for k in report.keys] == ["ok"]
    # One microsecond later the order does precede the read: stale.
    later = [op(1, "order", "stock/0", 3, 7, qty=1, seen=None), op(2, "read", "stock/0", 8, 10, value=5)]
    assert [a.kind for a in run({"stock/0": 5}, later).anomalies] == ["stale_read", "not_linearizable"]


def test_an_oversold_check_is_stale_only_against_orders_completed_before_it_began():
    # 1 in stock; order 1 completes at 8, order 2 begins at 8 and its check saw 1: not stale (they
    # overlap), an oversell by a race, and the explanation must not claim "only 0 remained".
    ops = [op(1, "order", "stock/0", 3, 8, qty=1, seen=1), op(2, "order", "stock/0", 8, 12, qty=1, seen=1)]
    report = run({"stock/0": 1}, ops)
    (oversold,) = report.by_kind("oversold")
    assert oversold.template == "oversold_race" and oversold.ops == (2,)
    assert report.by_kind("stale_read") == []


def test_an_explanation_on_a_microsecond_clock_keeps_its_two_times_apart():
    """ "saw 1000 at t=0.000s, but only 999 remained since t=0.000s": both times rounded alike."""
    from capquest.checker import Anomaly

    a = Anomaly(
        "stale_read", "stock/0", (2, 1), 120, 80, 130, session=4, node="replica-1",
        template="stale_stock", facts={"t_at": 120, "t_since": 80, "value": 1000, "expected": 999, "writer": 1},
    )  # fmt: skip
    for lang, at, since in (("en", "0.00012s", "0.00008s"), ("ko", "0.00012초", "0.00008초")):
        text = a.explain(lang)
        assert f"t={at}" in text and f"t={since}" in text, text
    slow = Anomaly(
        "stale_read", "stock/0", (2, 1), 2_104_000, 1_500_000, 2_200_000, session=4, node="replica-1",
        template="stale_stock", facts={"t_at": 2_104_000, "t_since": 1_500_000, "value": 5, "expected": 4, "writer": 1},
    )  # fmt: skip
    assert "t=2.104s" in slow.explain("en") and "t=1.500s" in slow.explain("en")  # milliseconds as before
