"""The history format: validation reports the first problems with their path, and the JSON Schema
describes the same format."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from capquest.checker.reference_store import client_op as op
from capquest.checker.reference_store import history_of, reference_history
from capquest.errors import HistoryError
from capquest.history import history_schema, key_kinds, load_history, validate_history

SEED = Path(__file__).parent / "histories" / "seed_replica_oversell.json"


def base():
    return json.loads(SEED.read_text(encoding="utf-8"))


def problems_of(history) -> list[str]:
    with pytest.raises(HistoryError) as err:
        validate_history(history)
    return err.value.problems


def test_reference_and_fixture_histories_are_valid():
    validate_history(reference_history(1, ops=300, lag_us=2000))
    validate_history(base())
    load_history(SEED)


BROKEN = [
    (lambda h: h["ops"][3].update(invoke=1.5), "ops[3].invoke: must be an integer"),
    (lambda h: h["ops"][3].update(invoke=True), "ops[3].invoke: must be an integer"),
    (lambda h: h["ops"][2].pop("node"), "ops[2].node: is missing"),
    (lambda h: h["ops"][1].update(f="reed"), "ops[1].f: must be one of read, write, order, incr, cancel"),
    (lambda h: h["ops"][0].update(outcome="OK"), "ops[0].outcome: must be 'ok' or 'fail'"),
    (lambda h: h["ops"][0].update(qty=0), "ops[0].qty: must be at least 1"),
    (lambda h: h["ops"][4].update(id=1), "ops[4].id: duplicate id 1 (also ops[0])"),
    (lambda h: h["ops"][4].update(complete=1), "ops[4].complete: must not be before invoke"),
    (lambda h: h["ops"][4].update(complete=None), "ops[4].outcome: must be 'fail' when complete is null"),
    (lambda h: h["ops"][7].update(value="five"), "ops[7].value: must be an integer (the key is a stock)"),
    (lambda h: h["ops"][7].pop("value"), "ops[7].value: is missing (an ok read must say what it read)"),
    (lambda h: h.update(version=3), "version: unsupported version 3 (this capquest reads versions 1, 2)"),
    (lambda h: h.update(time_unit="ms"), "time_unit: must be 'us'"),
    (lambda h: h["initial"].pop("stock/0"), "initial: has no initial stock for 'stock/0'"),
    (lambda h: h["faults"][0].update(end=0), "faults[0].end: must not be before start"),
    (lambda h: h.update(ops={}), "ops: must be a list"),
    (lambda h: h.update(kinds={"stock/0": "counter"}), "kinds.stock/0: says counter, but ops[0]"),
]


@pytest.mark.parametrize(("change", "expected"), BROKEN)
def test_first_problem_names_its_path(change, expected):
    history = base()
    change(history)
    assert any(p.startswith(expected) for p in problems_of(history)), problems_of(history)


@pytest.mark.parametrize(("change", "expected"), BROKEN)
def test_a_korean_player_gets_the_reason_in_korean_with_the_path_as_written(change, expected):
    history = base()
    change(history)
    with pytest.raises(HistoryError) as err:
        validate_history(history)
    english = [p.text("en") for p in err.value.details]
    path = next(
        p.path for p, text in zip(err.value.details, english, strict=True) if text.startswith(expected)
    )
    korean = err.value.message("ko")
    assert "history." not in korean  # every reason is in the catalogue
    assert any("\uac00" <= ch <= "\ud7a3" for ch in korean), korean
    assert any(p.text("ko").startswith(path + ": ") for p in err.value.details)


def test_one_key_holds_one_kind_of_data_and_a_cancel_names_an_order():
    ops = [
        op(1, "order", "k", 0, 5, qty=1),
        op(2, "incr", "k", 10, 15, value=1),
        op(3, "cancel", "k", 20, 20, order=99),
    ]
    problems = problems_of(history_of({"k": 1}, ops))
    assert problems[0].startswith("ops[1].f: key 'k' is a stock (see ops[0]); a incr op needs a counter key")
    assert "ops[2].order: no order op has id 99" in problems


def test_many_problems_are_cut_to_the_first_ones():
    history = base()
    for o in history["ops"]:
        o["invoke"] = "x"
    with pytest.raises(HistoryError) as err:
        validate_history(history, limit=3)
    assert len(err.value.problems) == 3 and err.value.more == 5
    assert str(err.value).endswith("(and 7 more problems)")


def test_unknown_fields_are_allowed_so_tools_can_add_their_own():
    history = base()
    history["tool"] = "my-converter 1.0"
    history["ops"][0]["trace_id"] = "abc"
    validate_history(history)


def test_key_kinds():
    ops = [
        op(1, "order", "s", 0, 5, qty=1),
        op(2, "incr", "v", 0, 5, value=1),
        op(3, "write", "p", 0, 5, value="x"),
        op(4, "read", "n", 0, 5, value=3),
        op(5, "read", "q", 0, 5, value=None),
    ]
    history = history_of({"s": 1, "v": 0, "p": "a", "n": 3, "q": None}, ops)
    assert key_kinds(history) == {
        "s": "stock",
        "v": "counter",
        "p": "register",
        "n": "counter",
        "q": "register",
    }
    history["kinds"] = {"n": "stock"}
    assert key_kinds(history)["n"] == "stock"


def test_schema_describes_the_format():
    schema = history_schema()
    json.dumps(schema)  # plain JSON
    assert schema["$schema"].endswith("2020-12/schema")
    assert set(schema["required"]) == {"format", "version", "time_unit", "initial", "nodes", "faults", "ops"}
    ops_items = schema["properties"]["ops"]["items"]
    variants = {ref.rsplit("/", 1)[-1] for ref in ops_items["discriminator"]["mapping"].values()}
    assert set(ops_items["discriminator"]["mapping"]) == {
        *("read", "write", "order", "incr", "cancel"),
        *("append", "cas", "set"),  # version 2
    }
    for name in variants:
        required = set(schema["$defs"][name]["required"])
        assert {"id", "session", "f", "key", "invoke", "complete", "node", "outcome", "error"} <= required
    assert "qty" in schema["$defs"]["OrderOp"]["required"]
    assert "order" in schema["$defs"]["CancelOp"]["required"]
    assert {"expected", "value"} <= set(schema["$defs"]["CasOp"]["required"])
    assert schema["$defs"]["SetOp"]["properties"]["value"]["type"] == "integer"


def test_schema_agrees_with_validation_on_types():
    # Every field the schema marks integer is refused as a string by validation, and vice versa accepted.
    schema = history_schema()
    order_props = schema["$defs"]["OrderOp"]["properties"]
    history = base()
    for field in ("id", "session", "invoke", "qty"):
        assert order_props[field]["type"] == "integer"
        broken = copy.deepcopy(history)
        broken["ops"][0][field] = "1"
        assert problems_of(broken)[0] == f"ops[0].{field}: must be an integer"


def test_committed_schema_file_is_up_to_date():
    committed = Path(__file__).resolve().parents[2] / "docs" / "history.schema.json"
    assert json.loads(committed.read_text(encoding="utf-8")) == history_schema(), (
        "regenerate docs/history.schema.json from capquest.history.history_schema()"
    )


def test_what_is_not_a_regular_file_or_has_a_huge_number_is_one_line(tmp_path):
    import os

    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    with pytest.raises(HistoryError) as err:
        load_history(fifo)  # refused before reading: no hang
    assert err.value.problems == ["not a regular file"]
    big = base()
    text = json.dumps(big).replace('"ops"', '"x": ' + "9" * 5000 + ', "ops"', 1)
    path = tmp_path / "h.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(HistoryError) as err:
        load_history(path)
    assert err.value.problems == ["not valid JSON: a number with more than 4,300 digits"]
