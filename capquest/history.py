"""The operation history: what clients saw, and no more. A contract between the engine (which writes it)
and the checker (which reads it and finds anomalies on its own). Neither imports the other; both import
this module. Instructors can convert histories from other tools to this format (`capquest check`).

Format versions 1 and 2, as JSON (and as the Python dicts below). Version 2 adds the operations real
key-value stores have (`append`, `cas`, a counter's `set`) and register values other than strings; a
version-1 file reads exactly as it always did, and the engine still writes version 1 (`VERSION`).

    {
      "format": "capquest-history",
      "version": 1,                          # or 2 (`LATEST_VERSION`): see the kinds below
      "time_unit": "us",                     # every time is an integer number of microseconds
      "initial": {"stock/0": 5, "profile/3": "p3.0", "views/0": 0, ...},   # key -> initial value
      "nodes": ["primary", "replica-1", "cache", ...],                      # nodes that served operations
      "faults": [{"kind": "partition", "start": 2000000, "end": 5000000,
                  "groups": [["seoul"], ["busan"]], "node": ""}, ...],
      "ops": [ Op, ... ]                     # sorted by (invoke, id)
    }

An Op is one client operation, from invocation to completion:

    {"id": 17, "session": 4, "f": "order", "key": "stock/0",
     "invoke": 1000, "complete": 2500,       # complete is null when the client never got an answer
     "node": "replica-1",                    # the node that answered (or "" when none did)
     "outcome": "ok" | "fail",               # "fail" = an error or a timeout: the request failed
     "error": "" | "timeout" | "unavailable" | "out_of_stock",
     ...fields of its kind...}

Kinds (`f`) and their fields:
- "read":  `value` — the value read (an int for stock/views counters, a string for profile registers;
           version 2: a register may also hold an int, and an append register's read is its whole value).
- "write": `value` — the value written to a register (a string; version 2: a string, an int or null).
           Values may repeat (Jepsen's histories repeat them); the checker handles that.
- "order": `qty` — units asked for; `seen` — the stock value the order's check read (null when the check
           and the decrement were one atomic step). outcome "ok" means the client was told "ordered":
           the units count as sold at `complete`, whatever happens later.
- "incr":  `value` — the amount added to a counter (views).
- "append" (version 2): `value` — appended to a register: a string register (initial value a string)
           concatenates a string; any other register is a list (null reads as the empty list) and gains
           one element (a string, an int or null). A read returns the whole string or list.
- "cas"    (version 2): `expected`, `value` — compare-and-set on a register: outcome "ok" means the
           register held `expected` and now holds `value`; outcome "fail" with error "mismatch" means it
           did not hold `expected` and nothing changed (a failed cas is a read); any other failure may or
           may not have taken effect.
- "set"    (version 2): `value` — sets a counter to an integer.
- "cancel": `order` — id of an accepted order that a background worker cancelled (compensation); its
           `invoke` = `complete` = when the customer was told. A cancel does not give stock back: the
           order was cancelled because the stock was not there.

Definitions the engine and the checker both count (see ../shared/domain.md):
- Real-time order: a precedes b when a.complete < b.invoke; at a tie they overlap.
- The *sold* state of a stock key at time t: initial − Σ qty of "order" ops with outcome ok and
  complete < t, floored at 0 for display. A read of a stock key is **stale** when it returns more than
  the sold state at its `invoke` (a decrement acknowledged before the read began is not reflected).
  An order's check is a read too: an order whose `seen` is more than the sold state at its `invoke`
  counts as a stale read.
- An order with outcome ok **oversells** the units that take the key's accepted total past its initial
  stock, taking accepted orders in order of `complete` (ties by id): oversold_units = Σ over keys of
  max(0, accepted units − initial stock).
- A register read is **stale** when it returns the value of a write w and some other write w' to the same
  key was invoked after w completed and itself completed before the read was invoked. A read of a
  counter (views) is stale when it returns less than initial + Σ increments completed before its invoke.
- A register value is *older* than another when the write that produced it completed before the
  other's write was invoked (the initial value is older than every written one); writes that overlap in
  time have no order, so a read of either is never called older. A value written more than once names
  no single write: its reads are left to the linearizability check.
- **Read-your-writes violation**: a session reads a register older than its own latest write that
  completed before the read's invoke.
- **Monotonic-read violation**: a session reads a register value older than one it has already read
  (a counter: a smaller number than it already read; a stock key, which only goes down: a larger one).
Each stale/RYW/monotonic read is counted once per kind (a read may be both stale and a RYW violation).

Optional top-level field: `"kinds": {"stock/7": "stock", ...}` names the kind of data of a key whose ops
do not show it (a key that is only read); otherwise a key with orders is a stock, with increments or sets
a counter, with writes, appends or cas a register, and a key only read is a counter if its initial value is a number.

Validation (`validate_history`, `load_history`) and the JSON Schema (`history_schema`) live here too, so
the format has one owner. Unknown fields (at the top level and in an op) are ignored: a tool may add its
own. `docs/history-format.md` explains the format to people converting histories from other tools.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, NotRequired, TypedDict

from capquest.errors import HistoryError

FORMAT = "capquest-history"
VERSION = 1  # what the engine writes (its digests cover it): every version-1 file stays version 1
LATEST_VERSION = 2
VERSIONS: tuple[int, ...] = (1, 2)

OpFunction = Literal["read", "write", "order", "incr", "cancel", "append", "cas", "set"]
Outcome = Literal["ok", "fail"]


class Op(TypedDict):
    id: int
    session: int
    f: OpFunction
    key: str
    invoke: int
    complete: int | None
    node: str
    outcome: Outcome
    error: str
    value: NotRequired[Any]
    qty: NotRequired[int]
    seen: NotRequired[int | None]
    order: NotRequired[int]
    expected: NotRequired[Any]


class FaultRecord(TypedDict):
    kind: str
    start: int
    end: int
    groups: list[list[str]]
    node: str


class History(TypedDict):
    format: str
    version: int
    time_unit: str
    initial: dict[str, Any]
    nodes: list[str]
    faults: list[FaultRecord]
    ops: list[Op]
    kinds: NotRequired[dict[str, str]]  # the kind of data of keys that are only read


# ------------------------------------------------------------------------------------------ validation
# pydantic checks the shape (types, required fields, one variant per `f`); a hand pass then checks what a
# schema cannot say (unique ids, complete >= invoke, one kind of data per key, a cancel names an order).

MAX_PROBLEMS = 20
OP_FUNCTIONS: tuple[str, ...] = ("read", "write", "order", "incr", "cancel", "append", "cas", "set")
VERSION_2_FUNCTIONS: tuple[str, ...] = ("append", "cas", "set")
KNOWN_ERRORS: tuple[str, ...] = ("", "timeout", "unavailable", "out_of_stock", "mismatch")
FAULT_KINDS: tuple[str, ...] = ("partition", "crash", "lag_spike")

_adapter: Any = None


def _history_adapter() -> Any:
    """The pydantic TypeAdapter of the format, built on first use: the engine imports this module for
    its types and should not pay for pydantic."""
    global _adapter
    if _adapter is not None:
        return _adapter
    from typing import Annotated

    from pydantic import ConfigDict, Field, TypeAdapter, WithJsonSchema, with_config
    from typing_extensions import TypedDict as _TD  # pydantic needs it before Python 3.12

    time_us = Annotated[int, Field(ge=0)]
    scalar = {"type": ["integer", "string", "null"]}
    any_value = Annotated[
        Any,
        WithJsonSchema(
            {
                "anyOf": [scalar, {"type": "array", "items": scalar}],
                "description": "an integer for a stock or counter key; a string or null for a register "
                "(version 2 also: an integer, or a list for an append register)",
            }
        ),
    ]
    element = Annotated[Any, WithJsonSchema({**scalar, "description": "a string, an integer or null"})]
    config = ConfigDict(strict=True, extra="allow")

    @with_config(config)
    class OpBase(_TD):
        id: Annotated[int, Field(ge=0, description="unique per history")]
        session: Annotated[int, Field(description="the client session that issued the operation")]
        key: Annotated[str, Field(min_length=1)]
        invoke: Annotated[time_us, Field(description="when the client sent the request (us)")]
        complete: Annotated[
            time_us | None, Field(description="when the client got an answer (us); null: it never did")
        ]
        node: Annotated[str, Field(description='the node that answered, or "" when none did')]
        outcome: Literal["ok", "fail"]
        error: Annotated[
            str,
            Field(description='"", "timeout", "unavailable", "out_of_stock", "mismatch" (a cas), or another'),
        ]

    class ReadOp(OpBase):
        f: Literal["read"]
        value: NotRequired[any_value]

    class WriteOp(OpBase):
        f: Literal["write"]
        value: Annotated[element, Field(description="the value written (version 1: a string)")]

    class OrderOp(OpBase):
        f: Literal["order"]
        qty: Annotated[int, Field(ge=1, description="units asked for")]
        seen: NotRequired[
            Annotated[int | None, Field(description="the stock the order's check read; null when atomic")]
        ]

    class IncrOp(OpBase):
        f: Literal["incr"]
        value: Annotated[int, Field(description="the amount added to the counter")]

    class CancelOp(OpBase):
        f: Literal["cancel"]
        order: Annotated[int, Field(description="id of the accepted order a worker cancelled")]

    class AppendOp(OpBase):
        f: Literal["append"]
        value: Annotated[element, Field(description="version 2: a string to concatenate, or one element")]

    class CasOp(OpBase):
        f: Literal["cas"]
        expected: Annotated[element, Field(description="version 2: the value the register must hold")]
        value: Annotated[element, Field(description="the value it then holds")]

    class SetOp(OpBase):
        f: Literal["set"]
        value: Annotated[int, Field(description="version 2: the value a counter is set to")]

    any_op = Annotated[
        ReadOp | WriteOp | OrderOp | IncrOp | CancelOp | AppendOp | CasOp | SetOp, Field(discriminator="f")
    ]

    @with_config(config)
    class FaultSpan(_TD):
        kind: Annotated[str, Field(description="partition, crash or lag_spike")]
        start: time_us
        end: time_us
        groups: list[list[str]]
        node: str

    @with_config(ConfigDict(strict=True, extra="allow", title="capquest history"))
    class HistoryFile(_TD):
        format: Literal["capquest-history"]
        version: Annotated[int, Field(description="format version; this capquest reads 1 and 2")]
        time_unit: Literal["us"]
        initial: dict[str, any_value]
        nodes: list[str]
        faults: list[FaultSpan]
        ops: list[any_op]
        kinds: NotRequired[
            Annotated[
                dict[str, Literal["stock", "counter", "register"]],
                Field(description="optional: the kind of data of keys that are only read"),
            ]
        ]

    _adapter = TypeAdapter(HistoryFile)
    return _adapter


def history_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of the history format, versions 1 and 2."""
    schema = _history_adapter().json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["description"] = "An operation history for `capquest check` (see docs/history-format.md)."
    return schema


@dataclass(frozen=True)
class HistoryProblem:
    """One reason a file is not a valid history: where (a field path as written in the file, or "" for
    the whole file) and why (a key of the `history` UI catalogue, with its values)."""

    path: str
    reason: str
    values: tuple[tuple[str, Any], ...] = ()

    def text(self, lang: str | None = "en") -> str:
        from capquest.i18n import t  # here, not at the top: the engine imports this module

        reason = t(f"history.{self.reason}", lang, **dict(self.values))
        return f"{self.path}: {reason}" if self.path else reason


def _problem(path: str, reason: str, /, **values: Any) -> HistoryProblem:
    return HistoryProblem(path, reason, tuple(values.items()))


def _path(loc: tuple[Any, ...]) -> str:
    out = ""
    previous: Any = None
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif (
            previous is not None
            and isinstance(previous, int)
            and part in OP_FUNCTIONS
            and out.startswith("ops")
        ):
            pass  # pydantic names the variant of a tagged union; the reader only needs the op index
        else:
            out += f".{part}" if out else str(part)
        previous = part
    return out or "(top level)"


# pydantic's error types -> reasons of the `history` catalogue
_REASONS = {
    "int_type": "int_type",
    "int_from_float": "int_type",
    "string_type": "string_type",
    "missing": "missing",
    "dict_type": "object_type",
    "list_type": "list_type",
    "typed_dict_type": "object_type",
    "model_type": "object_type",
    "union_tag_invalid": "tag_invalid",
    "union_tag_not_found": "tag_missing",
}


def _reason(error: Any) -> tuple[str, dict[str, Any]]:
    kind = error["type"]
    if kind in _REASONS:
        return _REASONS[kind], {"choices": ", ".join(OP_FUNCTIONS)} if kind.startswith("union_tag") else {}
    if kind == "greater_than_equal":
        return "at_least", {"ge": error["ctx"]["ge"]}
    if kind == "literal_error":
        return "literal", {"expected": str(error["ctx"]["expected"])}
    message = str(error["msg"])
    return "other", {"message": message.replace("Input should be", "must be").replace("Input", "value")}


def _shape_problems(data: object, limit: int) -> tuple[list[HistoryProblem], int]:
    try:
        _history_adapter().validate_python(data)
    except ValueError as exc:  # pydantic's ValidationError
        errors = exc.errors(include_url=False)  # type: ignore[attr-defined]  # pydantic's ValidationError, a ValueError
        problems: list[HistoryProblem] = []
        seen: set[HistoryProblem] = set()
        for err in errors:
            loc = tuple(err["loc"])
            if err["type"].startswith("union_tag"):
                loc += ("f",)  # pydantic points at the op; the culprit is its `f`
            reason, values = _reason(err)
            found = _problem(_path(loc), reason, **values)
            if found not in seen:
                seen.add(found)
                problems.append(found)
        return problems[:limit], max(0, len(problems) - limit)
    return [], 0


DATA_KINDS: tuple[str, ...] = ("stock", "counter", "register")


def data_kind(first_update: str | None, initial: Any, hint: str | None = None) -> str:
    """A key's kind of data: "stock" when it has orders (or cancels), "counter" when it has increments,
    "register" when it has writes (`first_update`: the `f` of any of its non-read ops). A key that is only
    read takes its kind from the history's optional `kinds` map (`hint`), else from its initial value: a
    string or null makes a register, a number a counter."""
    if first_update is not None:
        return _KIND_OF_F[first_update]
    if hint in DATA_KINDS:
        return hint
    return "counter" if isinstance(initial, int) and not isinstance(initial, bool) else "register"


def key_kinds(history: History) -> dict[str, str]:
    """Every key's kind of data (see `data_kind`). `validate_history` makes sure a key never mixes kinds."""
    first: dict[str, str | None] = {}
    for op in history["ops"]:
        key = op["key"]
        if op["f"] != "read":
            if first.get(key) is None:
                first[key] = op["f"]
        elif key not in first:
            first[key] = None
    initial = history["initial"]
    hints = history.get("kinds") or {}
    return {key: data_kind(f, initial.get(key), hints.get(key)) for key, f in first.items()}


_KIND_OF_F = {
    "order": "stock",
    "cancel": "stock",
    "incr": "counter",
    "set": "counter",
    "write": "register",
    "append": "register",
    "cas": "register",
}


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_element(value: object) -> bool:
    return value is None or isinstance(value, str) or _is_int(value)


def _is_register_value(value: object, version: int) -> bool:
    """Version 1: a string or null. Version 2: also an integer, or a list of those (an append register)."""
    if value is None or isinstance(value, str):
        return True
    if version < 2:
        return False
    return _is_int(value) or (isinstance(value, list) and all(map(_is_element, value)))


def version_needed(history: History) -> int:
    """The lowest format version that can hold `history` (what a converter should write)."""
    for op in history["ops"]:
        if op["f"] in VERSION_2_FUNCTIONS:
            return 2
        if op["f"] in ("read", "write") and not _is_register_value(op.get("value"), 1):
            if op["f"] == "write" or key_kinds(history).get(op["key"]) == "register":
                return 2
    kinds = key_kinds(history)
    for key, value in history["initial"].items():
        if kinds.get(key, "register") == "register" and not _is_register_value(value, 1):
            return 2
    return 1


def _meaning_problems(history: History, limit: int) -> tuple[list[HistoryProblem], int]:
    problems: list[HistoryProblem] = []
    more = 0

    def problem(path: str, reason: str, /, **values: Any) -> None:
        nonlocal more
        if len(problems) < limit:
            problems.append(_problem(path, reason, **values))
        else:
            more += 1

    version = history["version"]
    if version not in VERSIONS:
        problem("version", "version", version=version, supported=", ".join(map(str, VERSIONS)))
        return problems, more
    for i, fault in enumerate(history["faults"]):
        if fault["end"] < fault["start"]:
            problem(f"faults[{i}].end", "end_before_start")
    ops = history["ops"]
    first_index: dict[int, int] = {}
    orders: set[int] = set()
    key_kind: dict[str, tuple[str, int]] = {}
    for i, op in enumerate(ops):
        op_id = op["id"]
        if op_id in first_index:
            problem(f"ops[{i}].id", "duplicate_id", id=op_id, other=first_index[op_id])
        else:
            first_index[op_id] = i
        f = op["f"]
        if f == "order":
            orders.add(op_id)
        elif f in VERSION_2_FUNCTIONS and version < 2:
            problem(f"ops[{i}].f", "needs_version", f=f, version=2)
        complete = op["complete"]
        if complete is None:
            if op["outcome"] == "ok":
                problem(f"ops[{i}].outcome", "fail_when_null")
        elif complete < op["invoke"]:
            problem(f"ops[{i}].complete", "complete_before_invoke")
        kind = _KIND_OF_F.get(f)
        if kind is not None:
            key = op["key"]
            known = key_kind.get(key)
            if known is None:
                key_kind[key] = (kind, i)
            elif known[0] != kind:
                problem(f"ops[{i}].f", "kind_clash", key=key, known=known[0], where=known[1], f=f, kind=kind)
    for i, op in enumerate(ops):
        if op["f"] == "cancel" and op["order"] not in orders:
            problem(f"ops[{i}].order", "no_order", order=op["order"])
    hints = history.get("kinds")
    if hints is not None:
        if not isinstance(hints, dict):
            problem("kinds", "kinds_object")
        else:
            for key, hint in hints.items():
                if hint not in DATA_KINDS:
                    problem(f"kinds.{key}", "kinds_one_of")
                elif key in key_kind and key_kind[key][0] != hint:
                    problem(
                        f"kinds.{key}", "kinds_says", hint=hint, where=key_kind[key][1], kind=key_kind[key][0]
                    )
    if problems:
        return problems, more
    kinds = key_kinds(history)
    initial = history["initial"]
    for key, value in initial.items():
        kind = kinds.get(key)
        if kind in ("stock", "counter") and not _is_int(value):
            problem(f"initial.{key}", "value_int", kind=kind)
        elif kind == "register" and not _is_register_value(value, version):
            problem(f"initial.{key}", "value_register" if version < 2 else "value_register_2")
    for key, kind in kinds.items():
        if kind == "stock" and key not in initial:
            problem("initial", "no_initial_stock", key=key)
    for i, op in enumerate(ops):
        f = op["f"]
        if f == "read" and op["outcome"] == "ok":
            if "value" not in op:
                problem(f"ops[{i}].value", "read_value_missing")
                continue
            value = op["value"]
            if kinds[op["key"]] == "register":
                if not _is_register_value(value, version):
                    problem(f"ops[{i}].value", "value_register" if version < 2 else "value_register_2")
            elif not _is_int(value):
                problem(f"ops[{i}].value", "value_int", kind=kinds[op["key"]])
        elif f == "write" and version < 2 and not isinstance(op["value"], str):
            problem(f"ops[{i}].value", "string_type")
        elif f in ("write", "append", "cas") and not _is_element(op["value"]):
            problem(f"ops[{i}].value", "element")
        elif f == "cas" and not _is_element(op["expected"]):
            problem(f"ops[{i}].expected", "element")
        elif f == "append" and isinstance(initial.get(op["key"]), str) and not isinstance(op["value"], str):
            problem(f"ops[{i}].value", "append_string", key=op["key"])
        elif f == "append" and not isinstance(initial.get(op["key"]), str | list | None):
            problem(f"ops[{i}].f", "append_initial", key=op["key"])
    return problems, more


def validate_history(data: object, *, limit: int = MAX_PROBLEMS) -> History:
    """`data` (parsed JSON) as a History, or HistoryError listing the first problems ("path: reason")."""
    if not isinstance(data, dict):
        raise HistoryError([_problem("(top level)", "object_type")])
    if data.get("format") != FORMAT:
        raise HistoryError([_problem("format", "format", format=FORMAT)])
    problems, more = _shape_problems(data, limit)
    if not problems:
        problems, more = _meaning_problems(data, limit)  # type: ignore[arg-type]  # the shape was just checked
    if problems:
        raise HistoryError(problems, more)
    return data  # type: ignore[return-value]  # validated: a History now


MAX_FILE_BYTES = 256 * 1024 * 1024  # a history file larger than this is refused before reading


def read_history_bytes(path: str | Path) -> bytes:
    """A history file's bytes, refusing before reading a byte what is not a regular file (a FIFO,
    /dev/zero) or is over `MAX_FILE_BYTES`: HistoryError with one line."""
    import os
    import stat

    try:
        info = os.stat(path)
        if not stat.S_ISREG(info.st_mode):
            raise HistoryError([_problem("", "not_regular")])
        if info.st_size > MAX_FILE_BYTES:
            raise HistoryError([_problem("", "too_big", size=info.st_size, limit=MAX_FILE_BYTES)])
        return Path(path).read_bytes()
    except OSError as exc:
        raise HistoryError([_problem("", "cannot_read", reason=exc.strerror or str(exc))]) from None


def read_history_text(path: str | Path) -> str:
    """`read_history_bytes` as UTF-8 text (HistoryError when it is not)."""
    try:
        return read_history_bytes(path).decode("utf-8")
    except UnicodeDecodeError:
        raise HistoryError([_problem("", "not_utf8")]) from None


def load_history(path: str | Path) -> History:
    """Read and validate a history file; HistoryError (with a one-line reason) for anything wrong."""
    import json

    raw = read_history_bytes(path)
    try:
        data = json.loads(raw)
    except UnicodeDecodeError:
        raise HistoryError([_problem("", "not_utf8")]) from None
    except json.JSONDecodeError as exc:
        raise HistoryError(
            [_problem("", "not_json", message=exc.msg, line=exc.lineno, column=exc.colno)]
        ) from None
    except RecursionError:
        raise HistoryError([_problem("", "too_deep")]) from None
    except ValueError:  # an integer of more than 4,300 digits (Python's limit), even in an ignored field
        raise HistoryError([_problem("", "number_too_long")]) from None
    return validate_history(data)
