"""Per-key linearizability: hand-made verdicts, the give-up answer, and the polynomial special cases held
to the exhaustive search on random small histories."""

from __future__ import annotations

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from capquest.checker import check
from capquest.checker.linearizability import check_key, counting, read_mapping, search, unit_schedule
from capquest.checker.reference_store import client_op as op
from capquest.checker.reference_store import history_of, reference_history
from capquest.history import validate_history


def verdict(key, data, ops, initial, budget=100_000):
    return check_key(key, data, ops, initial, budget).verdict


# ----------------------------------------------------------------------------------------- registers
def test_concurrent_writes_read_in_a_consistent_order_are_linearizable():
    ops = [
        op(1, "write", "r", 0, 10, value="b"),
        op(2, "write", "r", 5, 15, value="c"),
        op(3, "read", "r", 16, 20, value="c"),
        op(4, "read", "r", 21, 22, value="c"),
    ]
    v = verdict("r", "register", ops, "a")
    assert (v.verdict, v.method) == ("ok", "read-mapping")


def test_reading_back_and_forth_is_not_linearizable():
    # b finished before the first read began, so b is before it; reading c then b puts b after c: no.
    ops = [
        op(1, "write", "r", 0, 10, value="b"),
        op(2, "write", "r", 5, 15, value="c"),
        op(3, "read", "r", 16, 17, value="c"),
        op(4, "read", "r", 18, 19, value="b"),
    ]
    v = verdict("r", "register", ops, "a")
    assert (v.verdict, v.method) == ("violation", "read-mapping")
    assert set(v.witness) <= {1, 2, 3, 4} and 4 in v.witness
    assert search(ops, "register", "a")[0] == "violation"


def test_a_value_nobody_wrote_and_a_read_from_the_future():
    unknown = [op(1, "write", "r", 0, 10, value="b"), op(2, "read", "r", 20, 25, value="zzz")]
    future = [op(1, "read", "r", 0, 5, value="b"), op(2, "write", "r", 10, 15, value="b")]
    for ops, template in ((unknown, "lin_unknown_value"), (future, "lin_future_read")):
        result = check_key("r", "register", ops, "a")
        assert result.verdict.verdict == "violation"
        assert result.anomaly is not None and result.anomaly.template == template


def test_duplicate_written_values_fall_back_to_the_search():
    ops = [
        op(1, "write", "r", 0, 10, value="b"),
        op(2, "write", "r", 20, 30, value="b"),
        op(3, "read", "r", 40, 45, value="b"),
    ]
    v = verdict("r", "register", ops, "a")
    assert (v.verdict, v.method) == ("ok", "search")


# ----------------------------------------------------------------------------------- stock and counter
def test_accepted_orders_past_the_stock_are_a_counting_violation():
    ops = [op(i, "order", "s", 10 * i, 10 * i + 5, qty=1) for i in range(1, 5)]
    v = verdict("s", "stock", ops, 3)
    assert (v.verdict, v.method) == ("violation", "counting")
    assert sorted(v.witness) == [1, 2, 3, 4]


def test_orders_within_the_stock_are_proved_by_counting_alone():
    ops = [op(i, "order", "s", 0, 100, qty=1) for i in range(1, 4)]
    v = verdict("s", "stock", ops, 3)
    assert (v.verdict, v.method, v.states) == ("ok", "counting", 0)


def test_refusing_an_order_while_stock_remains_is_a_violation():
    ops = [op(1, "order", "s", 0, 5, qty=1, outcome="fail", error="out_of_stock")]
    assert verdict("s", "stock", ops, 2).verdict == "violation"


def test_stock_reads_need_a_schedule_or_a_search_when_counting_cannot_decide():
    ops = [
        op(1, "order", "s", 0, 10, qty=1),
        op(2, "order", "s", 0, 10, qty=1),
        op(3, "read", "s", 2, 8, value=2),  # after one of them, before the other
        op(4, "read", "s", 12, 14, value=1),
    ]
    v = verdict("s", "stock", ops, 3)
    assert (v.verdict, v.method) == ("ok", "schedule")  # unit orders: a schedule proves it
    assert search(ops, "stock", 3)[0] == "ok"
    # Reading 2 again after both completed is not possible.
    bad = [*ops[:3], op(4, "read", "s", 12, 14, value=2)]
    assert verdict("s", "stock", bad, 3).verdict == "violation"


def gave_up_history():
    """Increments of 1 and 2 (no unit-step schedule), all overlapping, and reads the bounds allow: only
    the search can decide, and 5 states are not enough."""
    ops = [op(i, "incr", "v", 0, 1000, value=1 + i % 2) for i in range(1, 12)]
    ops += [op(100 + i, "read", "v", 10 + i, 990, session=i, value=i) for i in range(1, 12)]
    return ops


def test_search_gives_up_with_unknown_and_the_report_keeps_it_out_of_the_anomalies():
    ops = gave_up_history()
    v = verdict("v", "counter", ops, 0, budget=5)
    assert (v.verdict, v.states) == ("unknown", 5)
    assert "5" in v.describe("en") and "5" in v.describe("ko")
    report = check(validate_history(history_of({"v": 0}, ops)), budget=5)
    assert report.anomalies == ()
    assert [k.verdict for k in report.keys] == ["unknown"]


def test_failed_updates_may_or_may_not_have_happened():
    # A timed-out increment, seen by one read and not by a later one... is not linearizable; seen by
    # the later read only is.
    timed_out = op(1, "incr", "v", 0, None, value=1, outcome="fail", error="timeout", node="")
    ok = [timed_out, op(2, "read", "v", 10, 15, value=0), op(3, "read", "v", 20, 25, value=1)]
    bad = [timed_out, op(2, "read", "v", 10, 15, value=1), op(3, "read", "v", 20, 25, value=0)]
    assert verdict("v", "counter", ok, 0).verdict == "ok"
    assert verdict("v", "counter", bad, 0).verdict == "violation"


# --------------------------------------------------------- the special cases agree with the search
@st.composite
def small_register_history(draw):
    n_writes = draw(st.integers(1, 4))
    n_reads = draw(st.integers(1, 5))
    values = [f"v{i}" for i in range(n_writes)]
    ops = []
    for i in range(n_writes + n_reads):
        a = draw(st.integers(0, 20))
        b = a + draw(st.integers(0, 8))
        failed = draw(st.booleans()) and draw(st.booleans())
        if i < n_writes:
            ops.append(
                op(
                    i,
                    "write",
                    "r",
                    a,
                    None if failed else b,
                    value=values[i],
                    outcome="fail" if failed else "ok",
                    error="timeout" if failed else "",
                )
            )
        else:
            ops.append(op(i, "read", "r", a, b, value=draw(st.sampled_from(["init", *values]))))
    return ops


@settings(max_examples=300, deadline=None)
@given(small_register_history())
def test_read_mapping_agrees_with_the_search(ops):
    fast = read_mapping("r", ops, "init", len(ops))
    assert fast is not None
    assert fast.verdict.verdict == search(ops, "register", "init")[0]


@st.composite
def small_counter_history(draw):
    data = draw(st.sampled_from(["stock", "counter"]))
    ops = []
    for i in range(draw(st.integers(1, 7))):
        a = draw(st.integers(0, 20))
        b = a + draw(st.integers(0, 8))
        kind = draw(st.sampled_from(["update", "update", "read", "failed", "refused"]))
        if kind == "read":
            ops.append(op(i, "read", "k", a, b, value=draw(st.integers(0, 5))))
        elif data == "stock":
            qty = draw(st.integers(1, 2))
            if kind == "update":
                ops.append(op(i, "order", "k", a, b, qty=qty))
            elif kind == "failed":
                ops.append(op(i, "order", "k", a, None, qty=qty, outcome="fail", error="timeout"))
            else:
                ops.append(op(i, "order", "k", a, b, qty=qty, outcome="fail", error="out_of_stock"))
        else:
            outcome = "fail" if kind == "failed" else "ok"
            ops.append(
                op(
                    i,
                    "incr",
                    "k",
                    a,
                    None if outcome == "fail" else b,
                    value=1,
                    outcome=outcome,
                    error="timeout" if outcome == "fail" else "",
                )
            )
    return data, draw(st.integers(0, 4)), ops


@settings(max_examples=300, deadline=None)
@given(small_counter_history())
def test_counting_never_contradicts_the_search(case):
    data, initial, ops = case
    fast = counting("k", data, ops, initial, len(ops))
    if fast is not None:
        assert fast.verdict.verdict == search(ops, data, initial)[0]
    if unit_schedule(data, ops, initial):  # a schedule is a certificate: the search must agree
        assert search(ops, data, initial)[0] == "ok"


# ------------------------------------------------------------------------ histories of a correct store
@settings(max_examples=15, deadline=None)
@given(st.integers(0, 10_000), st.integers(50, 400), st.integers(1, 8))
def test_a_linearizable_store_yields_no_anomaly_and_every_key_ok(seed, n, sessions):
    history = validate_history(reference_history(seed, ops=n, sessions=sessions, stock=n // 10))
    report = check(history)
    assert report.anomalies == ()
    assert {k.verdict for k in report.keys} == {"ok"}


@settings(max_examples=15, deadline=None)
@given(st.integers(0, 10_000), st.integers(0, 3_000))
def test_the_order_of_ops_in_the_file_does_not_change_the_verdict(seed, lag):
    history = reference_history(seed, ops=300, sessions=5, stock=20, lag_us=lag)
    shuffled = dict(history)
    shuffled["ops"] = list(history["ops"])
    random.Random(seed).shuffle(shuffled["ops"])
    assert check(shuffled).to_json("en") == check(history).to_json("en")


def test_a_lagging_replica_is_caught():
    history = validate_history(reference_history(7, ops=600, sessions=8, stock=20, lag_us=5_000))
    report = check(history)
    assert report.counts["stale_read"] > 0 and report.counts["oversold"] > 0
    assert any(k.verdict == "violation" for k in report.keys)


def test_times_past_two_to_the_62_do_not_collide_with_the_unanswered_sentinel():
    # A failed write may land any time after its invocation, so b can take effect after c and before
    # the read: linearizable, and no read is stale. With the old sentinel (2^62) as b's "completion",
    # times above it made b look finished before c began (issue 11).
    for base in (0, 1 << 62, 1 << 70):
        ops = [
            op(1, "write", "r", base + 1, None, outcome="fail", error="timeout", value="b"),
            op(2, "write", "r", base + 5, base + 10, value="c"),
            op(3, "read", "r", base + 20, base + 25, value="b"),
        ]
        report = check(validate_history(history_of({"r": "a"}, ops)))
        assert report.anomalies == (), base
        assert [k.verdict for k in report.keys] == ["ok"], base
