"""Jepsen-style EDN, Porcupine-style key-value logs and Jepsen's text log lines, written here, round-trip
through the importers: same operations, same verdicts; and every broken input is one line naming its
line and column."""

from __future__ import annotations

import json
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from capquest.checker import check
from capquest.checker.importers import import_history
from capquest.history import HistoryError, validate_history

# ------------------------------------------------------------------------------------ jepsen etcd (cas)
ETCD_LOG = """\
2017-01-01 12:00:00,000{GIT} INFO  jepsen.core - Running test
INFO  jepsen.util - 4	:invoke	:read	nil
INFO  jepsen.util - 4	:ok	:read	nil
INFO  jepsen.util - 1	:invoke	:write	1
INFO  jepsen.util - 2	:invoke	:cas	[2 4]
INFO  jepsen.util - 0	:invoke	:cas	[1 4]
INFO  jepsen.util - 1	:ok	:write	1
INFO  jepsen.util - 0	:ok	:cas	[1 4]
INFO  jepsen.util - 2	:fail	:cas	[2 4]
INFO  jepsen.util - :nemesis	:info	:start	nil
INFO  jepsen.util - 3	:invoke	:read	nil
INFO  jepsen.util - 3	:ok	:read	4
INFO  jepsen.util - 1	:invoke	:write	3
INFO  jepsen.util - 1	:info	:write	:timed-out
INFO  jepsen.util - 5	:invoke	:read	nil
INFO  jepsen.util - 5	:ok	:read	3
"""


def test_a_jepsen_log_imports_with_cas_failures_and_timeouts():
    imported = import_history(ETCD_LOG, "jepsen-log")
    history = imported.history
    assert history["version"] == 2 and history["initial"] == {"register": None}
    ops = {op["id"]: op for op in history["ops"]}
    fs = [(op["f"], op["outcome"], op["error"]) for op in history["ops"]]
    assert fs == [
        ("read", "ok", ""),
        ("write", "ok", ""),
        ("cas", "fail", "mismatch"),  # :fail cas: it saw another value
        ("cas", "ok", ""),
        ("read", "ok", ""),
        ("write", "fail", "timeout"),  # :info: may or may not have happened
        ("read", "ok", ""),
    ]
    assert ops[3]["expected"] == 1 and ops[3]["value"] == 4
    assert ops[5]["complete"] is None
    assert imported.skipped == {"nemesis": 1}
    report = check(history)
    assert [k.verdict for k in report.keys] == ["ok"]  # the timed-out write of 3 explains the last read
    # The same log where the last read sees a value nobody wrote: not linearizable.
    broken = import_history(ETCD_LOG.replace(":ok\t:read\t3", ":ok\t:read\t7"), "jepsen-log").history
    assert [k.verdict for k in check(broken).keys] == ["violation"]


# ----------------------------------------------------------------- jepsen EDN, from a linearizable run
def register_run(seed: int, n: int = 40) -> list[dict]:
    """A linearizable run of a register with read/write/cas by 4 processes, as Jepsen EDN events."""
    rng = random.Random(seed)
    value = None
    events: list[dict] = []
    busy: dict[int, dict] = {}
    for _ in range(n):
        process = rng.randrange(4)
        if process in busy:
            op = busy.pop(process)
            f = op["f"]
            if f == "read":
                events.append({**op, "type": "ok", "value": value})
            elif f == "write":
                value = op["value"]
                events.append({**op, "type": "ok"})
            else:
                old, new = op["value"]
                if value == old:
                    value = new
                    events.append({**op, "type": "ok"})
                else:
                    events.append({**op, "type": "fail"})
        else:
            f = rng.choice(("read", "write", "cas"))
            arg = (
                None
                if f == "read"
                else rng.randrange(3)
                if f == "write"
                else [rng.randrange(3), rng.randrange(3)]
            )
            op = {"process": process, "f": f, "value": arg}
            busy[process] = op
            events.append({**op, "type": "invoke"})
    return events


def edn(value) -> str:
    if value is None:
        return "nil"
    if isinstance(value, str) and value.startswith(":"):
        return value
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, list):
        return "[" + " ".join(edn(v) for v in value) + "]"
    return str(value)


def edn_map(event: dict) -> str:
    fields = {"process": event["process"], "type": ":" + event["type"], "f": ":" + event["f"]}
    fields["value"] = event["value"]
    if "key" in event:
        fields["key"] = event["key"]
    return "{" + ", ".join(f":{k} {edn(v)}" for k, v in fields.items()) + "}"


@pytest.mark.parametrize("shape", ["lines", "vector"])
def test_a_jepsen_edn_history_round_trips(shape):
    events = register_run(7)
    lines = [edn_map(e) for e in events]
    text = "\n".join(lines) + "\n" if shape == "lines" else "[" + "\n ".join(lines) + "]\n"
    history = import_history(text, "edn").history
    # Every invocation is there, in order, except a read nobody answered and a non-cas that failed.
    expected = []
    for i, e in enumerate(events):
        if e["type"] != "invoke":
            continue
        end = next((later["type"] for later in events[i + 1 :] if later["process"] == e["process"]), None)
        if (e["f"] == "read" and end != "ok") or (e["f"] != "cas" and end == "fail"):
            continue
        expected.append((e["f"], e["process"], end or "info"))
    outcome = {"": "ok", "mismatch": "fail", "timeout": "info"}
    assert [(op["f"], op["session"], outcome[op["error"]]) for op in history["ops"]] == expected
    assert [k.verdict for k in check(history).keys] == ["ok"]
    # The converted file is an ordinary history: written as JSON, it reads back the same.
    again = validate_history(json.loads(json.dumps(history)))
    assert again == history


# --------------------------------------------------------------------------------- porcupine kv logs
KV_OK = """\
{:process 0, :type :invoke, :f :append, :key "0", :value "x 0 0 y"}
{:process 1, :type :invoke, :f :get, :key "0", :value nil}
{:process 0, :type :ok, :f :append, :key "0", :value "x 0 0 y"}
{:process 1, :type :ok, :f :get, :key "0", :value ""}
{:process 0, :type :invoke, :f :put, :key "1", :value "x 0 1 y"}
{:process 0, :type :ok, :f :put, :key "1", :value "x 0 1 y"}
{:process 1, :type :invoke, :f :append, :key "0", :value "x 1 0 y"}
{:process 1, :type :ok, :f :append, :key "0", :value "x 1 0 y"}
{:process 0, :type :invoke, :f :get, :key "0", :value nil}
{:process 0, :type :ok, :f :get, :key "0", :value "x 0 0 yx 1 0 y"}
{:process 1, :type :invoke, :f :get, :key "1", :value nil}
{:process 1, :type :ok, :f :get, :key "1", :value "x 0 1 y"}
{:process 1, :type :invoke, :f :get, :key "5", :value nil}
{:process 1, :type :ok, :f :get, :key "5", :value ""}
"""


def test_a_porcupine_kv_log_round_trips():
    history = import_history(KV_OK, "edn").history
    assert history["initial"] == {"0": "", "1": "", "5": ""}
    assert [op["f"] for op in history["ops"]] == ["append", "read", "write", "append", "read", "read", "read"]
    report = check(history)
    assert {k.key: k.verdict for k in report.keys} == {"0": "ok", "1": "ok", "5": "ok"}
    # The bad twin: the second get of key 0 misses an append that finished before it began.
    bad = KV_OK.replace('"x 0 0 yx 1 0 y"', '"x 1 0 y"')
    verdicts = {k.key: k.verdict for k in check(import_history(bad, "edn").history).keys}
    assert verdicts == {"0": "violation", "1": "ok", "5": "ok"}
    assert json.loads(json.dumps(history)) == history


def test_a_list_append_key_and_a_counter():
    text = """
    {:process 0 :type :invoke :f :append :key :x :value 1}
    {:process 0 :type :ok :f :append :key :x :value 1}
    {:process 1 :type :invoke :f :read :key :x :value nil}
    {:process 1 :type :ok :f :read :key :x :value [1]}
    {:process 2 :type :invoke :f :add :key :c :value 2 :time 5000}
    """
    history = import_history(text, "edn").history
    assert history["initial"] == {"x": None, "c": 0}
    assert history["ops"][2]["complete"] is None and history["ops"][2]["f"] == "incr"
    assert [k.verdict for k in check(history).keys] == ["ok", "ok"]


# --------------------------------------------------------------------------------------- broken input
@pytest.mark.parametrize(
    ("source", "text", "expected"),
    [
        (
            "edn",
            "{:process 0, :type :invoke, :f :read}\n{:process 0 :type :ok",
            "line 2, column 1: '{' is never closed",
        ),
        (
            "edn",
            '{:process 0, :type :invoke, :f :read :value "a}',
            "line 1, column 45: a string that never ends",
        ),
        (
            "edn",
            "{:process 0, :type :begin, :f :read}",
            "line 1, column 1: :type must be :invoke, :ok, :fail or :info",
        ),
        ("edn", "{:process 0, :f :read}", "line 1, column 1: the operation has no :type"),
        (
            "edn",
            "[{:process 0 :type :ok :f :read}]",
            "line 1, column 1: a completion of process 0 with no invocation",
        ),
        (
            "edn",
            "{:process 0 :type :invoke :f :cas :value 3}",
            "line 1, column 1: a :cas value must be [old new]",
        ),
        ("edn", "{:process 0 :type :invoke :f :write :value 1.5}", "line 1, column 1: unsupported value 1.5"),
        ("edn", "7", "line 1, column 1: an operation must be a map"),
        ("edn", "[" * 100, "line 1, column 65: nested more than 64 deep"),
        (
            "jepsen-log",
            "INFO  jepsen.util - 3\t:invoke\t:cas\t[1 4",
            "line 1, column 36: '[' is never closed",
        ),
        ("jepsen-log", "INFO  jepsen.util - 3 :invoke :cas [1 4]", "line 1, column 7: expected 'jepsen.util"),
        ("jepsen-log", "x\nINFO  jepsen.util - 3\t:begin\t:cas\t[1 4]", "line 2, column 23: :type must be"),
    ],
)
def test_broken_input_is_one_line_with_its_place(source, text, expected):
    with pytest.raises(HistoryError) as err:
        import_history(text, source)
    assert err.value.message("en").startswith(expected), err.value.message("en")
    assert "\n" not in err.value.message("ko")


# ------------------------------------------------------------------------------------------------ fuzz
@settings(max_examples=150, deadline=None, derandomize=True)
@given(st.data())
def test_mutated_logs_convert_or_fail_with_one_line(data):
    """Bytes cut, doubled or replaced in a valid EDN history or Jepsen log: a history, or HistoryError
    with one line -- never another exception."""
    source, text = data.draw(st.sampled_from([("edn", KV_OK), ("jepsen-log", ETCD_LOG)]))
    for _ in range(data.draw(st.integers(1, 4))):
        i = data.draw(st.integers(0, len(text)))
        j = data.draw(st.integers(i, min(len(text), i + 12)))
        piece = data.draw(
            st.sampled_from(["", "{", "}", "[", "]", '"', ":", "#_", "\\", "9" * 30, " :ok", "\t"])
        )
        text = text[:i] + piece + text[j:]
    try:
        imported = import_history(text, source)
    except HistoryError as exc:
        assert "\n" not in exc.message("en") and "\n" not in exc.message("ko")
    else:
        check(imported.history)
