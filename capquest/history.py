"""The operation history: what clients saw, and no more. A contract between the engine (which writes it)
and the checker (which reads it and finds anomalies on its own). Neither imports the other; both import
this module. Instructors can convert histories from other tools to this format (`capquest check`).

Format version 1, as JSON (and as the Python dicts below):

    {
      "format": "capquest-history",
      "version": 1,
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
- "read":  `value` — the value read (an int for stock/views counters, a string for profile registers).
- "write": `value` — the string written to a register. Register values are unique per key, so a value
           names the write that produced it.
- "order": `qty` — units asked for; `seen` — the stock value the order's check read (null when the check
           and the decrement were one atomic step). outcome "ok" means the client was told "ordered":
           the units count as sold at `complete`, whatever happens later.
- "incr":  `value` — the amount added to a counter (views).
- "cancel": `order` — id of an accepted order that a background worker cancelled (compensation); its
           `invoke` = `complete` = when the customer was told. A cancel does not give stock back: the
           order was cancelled because the stock was not there.

Definitions the engine and the checker both count (see ../shared/domain.md):
- The *sold* state of a stock key at time t: initial − Σ qty of "order" ops with outcome ok and
  complete ≤ t, floored at 0 for display. A read of a stock key is **stale** when it returns more than
  the sold state at its `invoke` (a decrement acknowledged before the read began is not reflected).
- An order with outcome ok **oversells** the units that take the key's accepted total past its initial
  stock, taking accepted orders in order of `complete` (ties by id): oversold_units = Σ over keys of
  max(0, accepted units − initial stock).
- A register read is **stale** when it returns the value of a write w and some other write w' to the same
  key was invoked after w completed and itself completed before the read was invoked. A read of a
  counter (views) is stale when it returns less than initial + Σ increments completed before its invoke.
- **Read-your-writes violation**: a session reads a register older than its own latest write that
  completed before the read's invoke.
- **Monotonic-read violation**: a session reads a register value older than one it has already read
  (a counter: a smaller number than it already read).
Each stale/RYW/monotonic read is counted once per kind (a read may be both stale and a RYW violation).
"""

from __future__ import annotations

from typing import Any, Literal, NotRequired, TypedDict

FORMAT = "capquest-history"
VERSION = 1

OpFunction = Literal["read", "write", "order", "incr", "cancel"]
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
