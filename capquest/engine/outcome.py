"""What a run produces: metrics, the operation history (see `capquest.history`), a compact trace for the
replay view, and a digest that names the run."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

import orjson

from capquest.history import History


@dataclass(frozen=True)
class Latency:
    p50: float
    p95: float
    p99: float
    mean: float


@dataclass(frozen=True)
class Metrics:
    """Real-world figures (the level's scale applied to counts of requests; units of stock never scaled)."""

    requests: int
    orders_accepted: int
    oversold_units: int
    compensated_orders: int
    stale_reads: int
    ryw_violations: int
    monotonic_violations: int
    error_rate: float  # failed / requests, 0-1; a timeout is a failure
    latency_ms: Latency  # of all requests that got an answer (ok or error), client-observed
    cost_units: float
    simulated_ops: int  # operations really simulated (before scaling)
    timeouts: int = 0
    extra: dict[str, float] = field(default_factory=dict)  # engine-specific figures (pool peak, max lag...)


@dataclass(frozen=True)
class TraceFrame:
    """One replay frame: the state of the system at `t_us` (a frame every trace interval)."""

    t_us: int
    values: dict[str, float]  # e.g. "rps", "primary.pool_busy", "replica-1.lag_ms", "stock/0", "errors"...
    events: tuple[str, ...] = ()  # e.g. "partition:start", "oversell:stock/0"


@dataclass(frozen=True)
class Outcome:
    metrics: Metrics
    history: History
    trace: tuple[TraceFrame, ...]
    digest: str
    # op id -> lag (µs) of what answered a read (or an order's stock check) that could be stale, at the
    # moment it answered: the read's time minus the commit time of the oldest write, committed before the
    # read, that the answer does not reflect; 0 when it reflects every one. Recorded by the engine, outside
    # the history: the digest does not cover it. Per source (`read_lag_source`):
    # - absent: a replica (any key: the oldest write committed on the primary it had not applied) or a
    #   cache-aside copy (the oldest committed after the copy was filled), read at the query's time;
    # - "partition": any of those or the primary, when the oldest write it lacked was accepted on the
    #   other side of a partition: such a write counts from its acknowledgement to its client until the
    #   node has it (the primary at the heal, a replica once it applies the reconciled write);
    # - "quorum": the replies a quorum read merged, at the last chosen reply's read time: a write is
    #   committed when its W-th acknowledgement reaches its coordinator; a register's answer reflects
    #   every write up to the timestamp it returned (last write wins), a counter's the increments some
    #   reply had applied. For the freshest reply this is the lag of that replica;
    # - "counter": a cache stock counter with counter_ttl_s, for that key only: it lacks the orders still
    #   in the worker's queue when it was last reloaded from the primary, each committed (acknowledged)
    #   when it took the counter before.
    read_lag_us: dict[int, int] = field(default_factory=dict)
    read_lag_source: dict[int, str] = field(default_factory=dict)  # for a positive lag only


def canonical_json(history: History | dict[str, Any]) -> bytes:
    """The history as canonical JSON: sorted keys, compact separators, UTF-8, non-ASCII unescaped.

    orjson writes exactly the bytes `json.dumps(sort_keys=True, separators=(",", ":"),
    ensure_ascii=False)` does for what a history holds (strings, integers, lists, string keys; a test
    holds the two equal), about 40x faster: this runs on every run. What orjson refuses (an integer
    beyond 64 bits) goes the slow way."""
    try:
        return orjson.dumps(history, option=orjson.OPT_SORT_KEYS)
    except TypeError:
        return json.dumps(history, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


OPS_PER_CHUNK = 2048


def history_digest(history: History | dict[str, Any]) -> str:
    """sha256 of the history as canonical JSON (sorted keys, compact separators, UTF-8).

    The bytes are those of `canonical_json(history)`, hashed as they are written: the top-level object
    key by key and its op list a chunk of ops at a time, so the whole text (about 160 bytes per op) is
    never held at once."""
    digest = hashlib.sha256()
    feed = digest.update
    dumps, sort_keys = orjson.dumps, orjson.OPT_SORT_KEYS
    try:
        feed(b"{")
        for n, key in enumerate(sorted(history)):
            value = history[key]  # type: ignore[literal-required]  # any key the history holds
            feed(b"," if n else b"")
            feed(dumps(key))
            feed(b":")
            if key == "ops" and isinstance(value, list) and len(value) > OPS_PER_CHUNK:
                # a list is "[" + its items joined by "," + "]": chunks without their brackets, comma-joined
                feed(b"[")
                for start in range(0, len(value), OPS_PER_CHUNK):
                    feed(b"," if start else b"")
                    feed(dumps(value[start : start + OPS_PER_CHUNK], option=sort_keys)[1:-1])
                feed(b"]")
            else:
                feed(dumps(value, option=sort_keys))
        feed(b"}")
    except TypeError:  # what orjson refuses (an integer beyond 64 bits) goes the slow way, whole
        return hashlib.sha256(canonical_json(history)).hexdigest()
    return digest.hexdigest()
