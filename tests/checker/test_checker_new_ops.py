"""Format version 2: append, compare-and-set and a counter's set, by hand-written histories whose
verdicts are known (each says why), and the validation of the new operations."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from capquest.checker import check
from capquest.checker.linearizability import budget_for, check_key
from capquest.checker.reference_store import client_op as op
from capquest.checker.reference_store import history_of
from capquest.history import HistoryError, validate_history, version_needed


def v2(initial, ops, kinds=None):
    history = history_of(initial, ops)
    history["version"] = 2
    if kinds:
        history["kinds"] = kinds
    return validate_history(history)


def verdict(initial, ops, data="register", key="k"):
    return check_key(key, data, ops, initial, 200_000).verdict


def fail(op_id, f, key, invoke, complete=None, error="timeout", **fields):
    return op(op_id, f, key, invoke, complete, outcome="fail", error=error, **fields)


# ------------------------------------------------------------------------------------------- append
def test_list_appends_read_in_one_order_are_linearizable_without_a_search():
    ops = [
        op(1, "append", "k", 0, 10, value=1),
        op(2, "append", "k", 5, 15, value=2),  # overlaps 1: either order, and the reads pick 2 then 1? no:
        op(3, "read", "k", 16, 20, value=[1, 2]),
        op(4, "read", "k", 2, 4, value=[]),
    ]
    v = verdict([], ops)
    assert (v.verdict, v.method) == ("ok", "append-order")


def test_reads_that_disagree_on_the_order_of_appends_are_not_linearizable():
    # Two reads after both appends finished: one saw [1, 2], the other [2, 1].
    ops = [
        op(1, "append", "k", 0, 10, value=1),
        op(2, "append", "k", 0, 10, value=2),
        op(3, "read", "k", 20, 25, value=[1, 2]),
        op(4, "read", "k", 30, 35, value=[2, 1]),
    ]
    assert verdict([], ops).verdict == "violation"


def test_an_append_that_finished_before_a_read_began_must_be_in_it():
    ops = [op(1, "append", "k", 0, 10, value="x"), op(2, "read", "k", 20, 25, value=[])]
    assert verdict(None, ops).verdict == "violation"  # null starts a list register: it reads as []
    # A timed-out append may not have happened: the same read is fine.
    ops[0] = fail(1, "append", "k", 0, value="x")
    assert verdict(None, ops).verdict == "ok"


def test_a_read_cannot_see_an_append_before_it_began():
    # The read finished before the append was invoked, yet saw its element.
    ops = [op(1, "read", "k", 0, 5, value=[7]), op(2, "append", "k", 10, 20, value=7)]
    assert verdict([], ops).verdict == "violation"


def test_string_appends_concatenate_and_repeated_pieces_are_searched():
    # Porcupine's kv shape: appends of strings to "" and gets of the whole string; "x" appended twice.
    ops = [
        op(1, "append", "k", 0, 10, value="x"),
        op(2, "append", "k", 5, 15, value="y"),
        op(3, "append", "k", 12, 30, value="x"),
        op(4, "read", "k", 16, 18, value="yx"),  # y before x: fine, they overlapped
        op(5, "read", "k", 40, 45, value="yxx"),
    ]
    v = verdict("", ops)
    assert (v.verdict, v.method) == ("ok", "search")
    ops[4] = op(5, "read", "k", 40, 45, value="xyx")  # contradicts the earlier read's "yx" prefix
    assert verdict("", ops).verdict == "violation"


def test_append_and_write_on_one_key_mix():
    ops = [
        op(1, "write", "k", 0, 5, value="a"),
        op(2, "append", "k", 10, 15, value="b"),
        op(3, "read", "k", 20, 25, value="ab"),
    ]
    assert verdict("", ops).verdict == "ok"
    ops[2] = op(3, "read", "k", 20, 25, value="b")
    assert verdict("", ops).verdict == "violation"


# ---------------------------------------------------------------------------------------------- cas
def test_cas_chain_like_a_jepsen_etcd_register():
    ops = [
        op(1, "write", "k", 0, 5, value=1),
        op(2, "cas", "k", 10, 20, expected=1, value=4),
        fail(3, "cas", "k", 12, 22, error="mismatch", expected=1, value=5),  # lost the race: saw 4
        op(4, "read", "k", 30, 35, value=4),
    ]
    assert verdict(None, ops).verdict == "ok"


def test_two_successful_cas_from_the_same_value_cannot_both_happen():
    ops = [
        op(1, "write", "k", 0, 5, value=1),
        op(2, "cas", "k", 10, 20, expected=1, value=2),
        op(3, "cas", "k", 10, 20, expected=1, value=3),
    ]
    assert verdict(None, ops).verdict == "violation"


def test_a_failed_cas_is_a_read_and_a_timed_out_cas_may_have_happened():
    # The register holds 1 throughout, so a cas expecting 1 cannot fail by mismatch.
    mismatch = [
        op(1, "write", "k", 0, 5, value=1),
        fail(2, "cas", "k", 10, 20, error="mismatch", expected=1, value=2),
    ]
    assert verdict(None, mismatch).verdict == "violation"
    # A cas that timed out, then a read of its new value: it happened.
    timed_out = [
        op(1, "write", "k", 0, 5, value=1),
        fail(2, "cas", "k", 10, None, expected=1, value=2),
        op(3, "read", "k", 30, 35, value=2),
    ]
    assert verdict(None, timed_out).verdict == "ok"
    # ... but not if the register never held what it expected.
    timed_out[1] = fail(2, "cas", "k", 10, None, expected=9, value=2)
    assert verdict(None, timed_out).verdict == "violation"


def test_repeated_values_are_handled_by_the_search():
    # Jepsen histories repeat values: write 1, write 2, write 1; a read of 1 after the last is fine,
    # a read of 2 after all three completed is not.
    ops = [
        op(1, "write", "k", 0, 5, value=1),
        op(2, "write", "k", 10, 15, value=2),
        op(3, "write", "k", 20, 25, value=1),
        op(4, "read", "k", 30, 35, value=1),
    ]
    assert verdict(None, ops).verdict == "ok"
    ops[3] = op(4, "read", "k", 30, 35, value=2)
    assert verdict(None, ops).verdict == "violation"


# ---------------------------------------------------------------------------------------- counter set
def test_a_counter_reset_then_incremented():
    ops = [
        op(1, "incr", "c", 0, 5, value=3),
        op(2, "set", "c", 10, 15, value=0),
        op(3, "incr", "c", 20, 25, value=1),
        op(4, "read", "c", 30, 35, value=1),
    ]
    report = check(v2({"c": 0}, ops))
    assert report.anomalies == () and [k.verdict for k in report.keys] == ["ok"]
    ops[3] = op(4, "read", "c", 30, 35, value=4)  # as if the set never happened
    report = check(v2({"c": 0}, ops))
    assert [k.verdict for k in report.keys] == ["violation"]
    assert [a.kind for a in report.anomalies] == ["not_linearizable"]


def test_a_read_below_earlier_increments_is_no_stale_read_once_the_counter_can_be_set():
    ops = [
        op(1, "incr", "c", 0, 5, value=3),
        op(2, "set", "c", 6, 8, value=1),
        op(3, "read", "c", 10, 12, value=1),
    ]
    assert check(v2({"c": 0}, ops)).anomalies == ()


# ------------------------------------------------------------------------------------ format rules
def test_version_1_files_cannot_use_version_2_operations():
    history = history_of({"k": []}, [op(1, "append", "k", 0, 5, value=1)])
    with pytest.raises(HistoryError) as err:
        validate_history(history)
    assert err.value.problems[0].startswith("ops[0].f: a append op needs format version 2")
    assert version_needed(history) == 2
    history["version"] = 2
    validate_history(history)


def test_version_1_keeps_its_string_registers():
    history = history_of({"k": None}, [op(1, "write", "k", 0, 5, value=3)])
    with pytest.raises(HistoryError) as err:
        validate_history(history)
    assert err.value.problems == ["ops[0].value: must be a string"]
    history["version"] = 2
    validate_history(history)


@pytest.mark.parametrize(
    ("initial", "change", "expected"),
    [
        ({"k": ""}, op(1, "append", "k", 0, 5, value=3), "ops[0].value: must be a string: 'k' starts"),
        (
            {"k": None},
            op(1, "cas", "k", 0, 5, expected=[1], value=3),
            "ops[0].expected: must be a string, an",
        ),
        ({"k": None}, op(1, "cas", "k", 0, 5, value=3), "ops[0].expected: is missing"),
        ({"c": 0}, op(1, "set", "c", 0, 5, value="3"), "ops[0].value: must be an integer"),
        (
            {"k": None},
            op(1, "write", "k", 0, 5, value=1.5),
            "ops[0].value: must be a string, an integer or null",
        ),
        (
            {"k": "x"},
            op(1, "set", "k", 0, 5, value=1),
            "initial.k: must be an integer (the key is a counter)",
        ),
        ({"k": 7}, op(1, "append", "k", 0, 5, value=1), "ops[0].f: cannot append to 'k': its initial value"),
    ],
)
def test_version_2_operations_are_validated(initial, change, expected):
    history = history_of({**initial, "k": initial.get("k", 5)}, [change])
    history["version"] = 2
    with pytest.raises(HistoryError) as err:
        validate_history(history)
    assert err.value.problems[0].startswith(expected), err.value.problems


def test_the_budget_grows_with_the_key():
    assert budget_for(10) == 200_000 and budget_for(1_000) == 2_000_000 and budget_for(10**6) == 5_000_000


# ---------------------------------------------------------------------------------- the smallest story
def test_the_smallest_subset_keeps_the_write_a_read_saw():
    # Without write #1, read #3 of "b" alone would be "a value nobody wrote": a violation the history
    # does not have. The story is write #1, then read #2 of the old value.
    ops = [
        op(1, "write", "r", 0, 100, session=1, value="b"),
        op(2, "read", "r", 500, 600, session=2, value="a"),
        op(3, "read", "r", 800, 900, session=3, value="b"),
        op(4, "read", "r", 950, 990, session=4, value="b"),
    ]
    report = check(validate_history(history_of({"r": "a"}, ops)))
    (key,) = report.keys
    assert key.witness == (1, 2) and key.minimal
    (story,) = report.by_kind("not_linearizable")
    assert story.ops == (1, 2)


def test_the_story_is_told_in_both_languages_and_on_the_svg(tmp_path):
    from capquest.checker.minimal import explain_minimal
    from capquest.checker.timeline import save_timeline_svg

    ops = [
        op(1, "write", "k", 0, 5, value=1),
        op(2, "cas", "k", 10, 20, expected=1, value=2),
        op(3, "cas", "k", 12, 22, expected=1, value=3),
        op(4, "read", "k", 40, 45, value=3),
        op(5, "read", "k", 50, 55, value=3),
    ]
    history = v2({"k": None}, ops)
    report = check(history)
    (key,) = report.keys
    # Two cas from 1 cannot both succeed, whether or not write #1 happened: #2 and #3 are the story.
    assert key.witness == (2, 3) and key.minimal
    story = [o for o in ops if o["id"] in key.witness]
    left_out = [o for o in ops if o["id"] not in key.witness]
    en = explain_minimal(story, "register", None, "en", left_out)
    assert en[0].startswith("A smallest set that cannot be ordered: 2 operations")
    assert "Left out, and counted as may-or-may-not-have-happened: #1" in en[3]
    assert "they all overlap in time" in "\n".join(en)
    assert any("#1 → #2 → #3: #3 succeeded, but the value was 2, not 1" in line for line in en), en
    ko = explain_minimal(story, "register", None, "ko", left_out)
    assert ko[0].startswith("순서를 정할 수 없는 가장 작은 집합: 연산 2개")
    before = explain_minimal([*ops[:2], op(3, "read", "k", 30, 35, value=1)], "register", None, "en")
    assert "  #1 finished before #2 began, so #1 comes first" in before
    out = tmp_path / "t.svg"
    save_timeline_svg(history, report.anomalies, str(out), lang="en")
    svg = out.read_text(encoding="utf-8").replace("&#160;", " ")
    assert "A&#160;smallest" in out.read_text(encoding="utf-8") or "A smallest" in svg


def test_an_unanswered_op_in_a_witness_keeps_the_json_finite():
    # Unshrunk, the search's witness holds the timed-out cas; its span ends at its invocation, not at
    # infinity, so the JSON stays JSON. (Shrunk stories never hold one: it is a maybe-op already.)
    import json

    ops = [
        op(1, "write", "k", 0, 5, value=1),
        fail(2, "cas", "k", 10, None, expected=1, value=2),
        op(3, "read", "k", 20, 25, value=2),
        op(4, "read", "k", 30, 35, value=1),
    ]
    for shrink in (False, True):
        report = check(v2({"k": None}, ops), shrink=shrink)
        (story,) = report.by_kind("not_linearizable")
        assert story.end == 35
        json.dumps(report.to_json("en"), allow_nan=False)
    assert 2 in check(v2({"k": None}, ops), shrink=False).keys[0].witness


def test_an_append_to_a_register_holding_a_number_cannot_happen():
    # Version 2 registers may hold integers; an append to one is not a step the register can take.
    ops = [
        op(1, "write", "k", 0, 5, value=3),
        op(2, "append", "k", 10, 15, value="x"),
        op(3, "read", "k", 20, 25, value="3x"),
    ]
    assert verdict("", ops).verdict == "violation"
    ops[1] = fail(2, "append", "k", 10, value="x")  # timed out: it may not have happened, fine
    ops[2] = op(3, "read", "k", 20, 25, value=3)
    assert verdict("", ops).verdict == "ok"
    report = check(v2({"k": ""}, ops))
    assert [k.verdict for k in report.keys] == ["ok"]


# ------------------------------------------------------------------------------------------- robustness
_values = st.one_of(st.none(), st.integers(-2, 3), st.sampled_from(["", "a", "b", "ab"]))
_read_values = st.one_of(_values, st.lists(st.one_of(st.none(), st.integers(0, 2), st.just("a")), max_size=3))


@st.composite
def _mixed_register(draw):
    initial = draw(st.one_of(st.none(), st.just(""), st.just("a"), st.just([]), st.just([1])))
    ops = []
    for i in range(draw(st.integers(1, 7))):
        f = draw(st.sampled_from(["read", "write", "append", "cas"]))
        invoke = draw(st.integers(0, 40))
        complete = draw(st.one_of(st.none(), st.integers(invoke, invoke + 20)))
        outcome = "ok" if complete is not None and draw(st.booleans()) else "fail"
        error = draw(st.sampled_from(["", "timeout", "mismatch"])) if outcome == "fail" else ""
        fields = {}
        if f == "read":
            fields["value"] = draw(_read_values)
        elif f == "append" and isinstance(initial, str):
            fields["value"] = draw(st.sampled_from(["a", "b", "xy"]))
        else:
            fields["value"] = draw(_values)
        if f == "cas":
            fields["expected"] = draw(_values)
        ops.append(op(i, f, "k", invoke, complete, outcome=outcome, error=error, **fields))
    return initial, ops


@settings(max_examples=200, deadline=None, derandomize=True)
@given(_mixed_register())
def test_any_valid_mix_of_register_operations_is_checked_without_a_crash(case):
    initial, ops = case
    history = history_of({"k": initial}, ops)
    history["version"] = 2
    try:
        valid = validate_history(history)
    except HistoryError:
        return
    report = check(valid)
    assert [k.verdict for k in report.keys] in (["ok"], ["violation"], ["unknown"])
