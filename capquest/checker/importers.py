"""Histories from other tools, as capquest histories: Jepsen-style EDN (`--from edn`: one map per line,
or one vector of maps -- also the shape of Porcupine's key-value test logs) and the text lines older
Jepsen tests print (`--from jepsen-log`: `INFO  jepsen.util - 3	:invoke	:cas	[1 4]`).

Each operation is an `:invoke` paired with the next completion of the same `:process`:
- `:ok` -- it happened; a read's value is the one its `:ok` carries;
- `:fail` -- it certainly did not happen: a cas becomes a failed cas ("mismatch": it saw another
  value); a failed read, write, put, append or add is left out (it changed nothing and saw nothing);
- `:info`, or no completion at all -- it may or may not have happened (outcome "fail", error "timeout",
  complete null), as Jepsen means it.

Functions: `:read`, `:write`, `:cas [old new]` on one register (key "register", starting at nil), or
`:get`, `:put`, `:append` on `:key`s (Porcupine's kv: strings, starting at ""; a key whose reads are
vectors is a list register starting at nil), and `:add` on a counter (starting at 0). Operations of
the `:nemesis` and unknown functions are skipped and counted. Times: `:time` (nanoseconds) in
microseconds when every event has one, else the event's position (one microsecond per event), so only
the order of events matters.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from capquest.checker.edn import EdnError, Keyword, read_all
from capquest.history import FORMAT, History, HistoryError, HistoryProblem, validate_history, version_needed

SOURCES = ("edn", "jepsen-log")
REGISTER_KEY = "register"

_FUNCTIONS = {
    "read": "read",
    "get": "read",
    "write": "write",
    "put": "write",
    "cas": "cas",
    "append": "append",
    "add": "incr",
}


@dataclass
class _Event:
    process: Any
    type: str
    f: str
    value: Any
    key: Any
    time: int | None
    line: int


@dataclass
class Imported:
    """A converted history, and what was left out on the way."""

    history: History
    skipped: dict[str, int] = field(default_factory=dict)  # reason -> count (nemesis, unknown :f, ...)


def _error(reason: str, line: int, column: int = 1, **values: Any) -> HistoryError:
    return HistoryError([HistoryProblem("", reason, (("line", line), ("column", column), *values.items()))])


# ---------------------------------------------------------------------------------------------- readers
def _events_from_edn(text: str) -> list[_Event]:
    maps: list[tuple[Any, int]] = []
    try:
        values = list(read_all(text))
    except EdnError as exc:
        raise _error(exc.reason, exc.line, exc.column, **exc.values) from None
    if len(values) == 1 and isinstance(values[0][0], list):
        # One vector of maps: the maps carry no line of their own; number them by position.
        maps = [(item, n + 1) for n, item in enumerate(values[0][0])]
    else:
        maps = values
    events = []
    for item, line in maps:
        if not isinstance(item, dict):
            raise _error("import_not_map", line)
        events.append(_event(item, line))
    return events


def _event(item: dict[Any, Any], line: int) -> _Event:
    for name in ("process", "type", "f"):
        if Keyword(name) not in item:
            raise _error("import_missing", line, field=f":{name}")
    kind = item[Keyword("type")]
    if not isinstance(kind, Keyword) or kind not in ("invoke", "ok", "fail", "info"):
        raise _error("import_type", line, value=_shown(kind))
    f = item[Keyword("f")]
    time = item.get(Keyword("time"))
    return _Event(
        item[Keyword("process")],
        str(kind),
        str(f) if isinstance(f, str) else _shown(f),
        item.get(Keyword("value")),
        item.get(Keyword("key")),
        time if isinstance(time, int) and not isinstance(time, bool) and time >= 0 else None,
        line,
    )


_LOG_LINE = re.compile(r"jepsen\.util - (\S+)\t(\S+)\t(\S+)(?:\t(.*))?$")


def _events_from_log(text: str) -> list[_Event]:
    events = []
    for number, raw in enumerate(text.splitlines(), start=1):
        if "jepsen.util - " not in raw:
            continue  # the log's other lines
        match = _LOG_LINE.search(raw)
        if match is None:
            raise _error("import_log_line", number, raw.find("jepsen.util - ") + 1)
        process_text, kind, f, value_text = match.groups()
        column = match.start(4) + 1 if value_text is not None else len(raw)
        try:
            process = _one_value(process_text or "")
            value = _one_value(value_text) if value_text else None
        except EdnError as exc:
            raise _error(exc.reason, number, column + exc.column - 1, **exc.values) from None
        if not kind.startswith(":") or kind[1:] not in ("invoke", "ok", "fail", "info"):
            raise _error("import_type", number, match.start(2) + 1, value=kind)
        events.append(_Event(process, kind[1:], f.lstrip(":"), value, None, None, number))
    return events


def _one_value(text: str) -> Any:
    values = list(read_all(text))
    if len(values) != 1:
        raise EdnError("import_one_value", 1, 1)
    return values[0][0]


def _shown(value: Any) -> str:
    return repr(value) if not isinstance(value, str) else value


# ------------------------------------------------------------------------------------------- conversion
def _to_history(events: list[_Event]) -> Imported:
    skipped: dict[str, int] = {}
    pending: dict[Any, tuple[int, _Event]] = {}
    pairs: list[tuple[int, _Event, int | None, _Event | None]] = []  # (position, invoke, position, end)
    use_time = bool(events) and all(e.time is not None for e in events)
    for position, e in enumerate(events):
        if not isinstance(e.process, int) or isinstance(e.process, bool):
            skipped["nemesis"] = skipped.get("nemesis", 0) + 1
            continue
        if e.type == "invoke":
            if e.process in pending:
                raise _error("import_pending", e.line, process=e.process, other=pending[e.process][1].line)
            pending[e.process] = (position, e)
        else:
            opened = pending.pop(e.process, None)
            if opened is None:
                raise _error("import_no_invoke", e.line, process=e.process)
            pairs.append((opened[0], opened[1], position, e))
    for position, e in pending.values():
        pairs.append((position, e, None, None))  # never answered: may or may not have happened
    pairs.sort(key=lambda p: p[0])

    def at(position: int) -> int:
        return events[position].time // 1000 if use_time else position  # type: ignore[operator]  # every time is set when use_time

    ops: list[dict[str, Any]] = []
    reads_lists: set[str] = set()
    string_values: set[str] = set()
    counters: set[str] = set()
    for position, invoke, end_position, end in pairs:
        f = _FUNCTIONS.get(invoke.f)
        if f is None:
            skipped[f":{invoke.f}"] = skipped.get(f":{invoke.f}", 0) + 1
            continue
        key = REGISTER_KEY if invoke.key is None else str(invoke.key)
        outcome = end.type if end is not None else "info"
        if outcome == "fail" and f != "cas":
            skipped["fail"] = skipped.get("fail", 0) + 1
            continue
        if f == "read" and outcome != "ok":
            continue  # a read that got no answer saw nothing
        op: dict[str, Any] = {
            "id": len(ops),
            "session": invoke.process,
            "f": f,
            "key": key,
            "invoke": at(position),
            "complete": at(end_position) if outcome in ("ok", "fail") and end_position is not None else None,
            "node": "",
            "outcome": "ok" if outcome == "ok" else "fail",
            "error": {"ok": "", "fail": "mismatch", "info": "timeout"}[outcome],
        }
        if f == "read":
            op["value"] = _value(end.value if end is not None else None, end or invoke)
            if isinstance(op["value"], list):
                reads_lists.add(key)
            elif isinstance(op["value"], str):
                string_values.add(key)
        elif f == "cas":
            pair = invoke.value
            if not isinstance(pair, list) or len(pair) != 2:
                raise _error("import_cas", invoke.line, value=_shown(pair))
            op["expected"], op["value"] = _value(pair[0], invoke), _value(pair[1], invoke)
        else:
            op["value"] = _value(invoke.value, invoke)
            if isinstance(op["value"], list):
                raise _error("import_value", invoke.line, value=_shown(invoke.value))
            if f == "incr":
                counters.add(key)
                if not isinstance(op["value"], int):
                    raise _error("import_value", invoke.line, value=_shown(invoke.value))
            elif isinstance(op["value"], str):
                string_values.add(key)
        ops.append(op)
    keys = list(dict.fromkeys(op["key"] for op in ops))
    appended = {op["key"] for op in ops if op["f"] == "append"}
    initial: dict[str, Any] = {}
    kinds: dict[str, str] = {}
    for key in keys:
        if key in counters:
            initial[key], kinds[key] = 0, "counter"
        elif key != REGISTER_KEY and key in string_values and key not in reads_lists:
            initial[key], kinds[key] = "", "register"  # Porcupine's kv: a missing key reads ""
        else:
            initial[key], kinds[key] = None, "register"
        if key in appended and key in reads_lists:
            initial[key] = None
    history: dict[str, Any] = {
        "format": FORMAT,
        "version": 1,
        "time_unit": "us",
        "initial": initial,
        "kinds": kinds,
        "nodes": [],
        "faults": [],
        "ops": ops,
    }
    history["version"] = version_needed(history)  # type: ignore[arg-type]  # in the History shape, validated next
    return Imported(validate_history(history), skipped)


def _value(value: Any, event: _Event) -> Any:
    """A value as the history format holds it: strings, integers, null, and lists of those."""
    if value is None or (isinstance(value, int | str) and not isinstance(value, bool)):
        return str(value) if isinstance(value, Keyword) else value
    if isinstance(value, list) and all(
        v is None or (isinstance(v, int | str) and not isinstance(v, bool)) for v in value
    ):
        return [str(v) if isinstance(v, Keyword) else v for v in value]
    raise _error("import_value", event.line, value=_shown(value))


def import_history(text: str, source: str) -> Imported:
    """`text` in the format `source` ("edn" or "jepsen-log") as a validated capquest history, or
    HistoryError naming the line (and column) of the first problem."""
    events = _events_from_edn(text) if source == "edn" else _events_from_log(text)
    return _to_history(events)


def import_file(path: str, source: str) -> Imported:
    """Read and convert a file (HistoryError when it cannot be read, or is not what `source` says)."""
    from capquest.history import read_history_text

    return import_history(read_history_text(path), source)
