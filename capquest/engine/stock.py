"""What a finished query does to the data: stock decrements and checks, cache counters (expiring or not),
profile and counter writes, and what a read sees on the primary, a replica or the cache."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import deque
from typing import TYPE_CHECKING

from capquest.engine.events import (
    PRIMARY,
    STEP_CACHE_ATOMIC,
    STEP_CACHE_DECR,
    STEP_CACHE_GET,
    STEP_CACHE_WRITE,
    STEP_CONDITIONAL,
    STEP_DECREMENT,
    STEP_FOR_UPDATE,
    STEP_READ,
    STEP_WRITE,
)
from capquest.engine.state import SimulationState
from capquest.engine.workload import ORDER

if TYPE_CHECKING:
    from capquest.engine.servers import ServerState


class StockAndCache(SimulationState):
    """The effects of queries on the committed data and the cache."""

    def _done(self, t: int, fin: int, i: int, srv: ServerState) -> None:
        """Query i on srv takes effect at t and finishes at fin (t == fin for a query that ran on the
        event path; a direct server's query takes effect as it starts, like a statement's snapshot)."""
        step = self.op_step[i]
        op = self.hist[i]
        key = op["key"]
        client_region = self.arr.session_region[op["session"]]
        back = fin + self.resp[srv.region][client_region] + self.owed_us[i]
        if not srv.direct:
            if step == STEP_FOR_UPDATE:
                self._unlock(t, key, srv)
            self._release(t, srv)
        elif step == STEP_FOR_UPDATE:
            self._unlock(t, key, srv)
        if step == STEP_READ:
            self._read_done(t, fin, i, op, srv, back)
        elif step == STEP_DECREMENT or step == STEP_FOR_UPDATE or step == STEP_CONDITIONAL:
            cur = self.committed[key]
            stock = cur if isinstance(cur, int) else 0
            if step != STEP_DECREMENT:
                if step == STEP_FOR_UPDATE:
                    op["seen"] = max(0, stock)
                if stock < op["qty"]:
                    self._fail(op, back, "out_of_stock")
                    if op["error"] == "out_of_stock":
                        op["node"] = srv.name
                    return
            if back <= (op["invoke"] + self.timeout_us):
                self._commit(key, stock - op["qty"], t)
                self.writes += 1
            self._answer(op, back, srv.name)
        elif step == STEP_WRITE:
            if back <= (op["invoke"] + self.timeout_us):
                cur = self.committed[key]
                self._commit(key, op["value"] if op["f"] == "write" else cur + 1, t)
                self.writes += 1
            if self._answer(op, back, srv.name):
                self._note_write(op, back)
        elif step == STEP_CACHE_GET:
            seen = self._cache_stock(key, t)
            if self.counter_ttl_us is not None:  # only an expiring counter can lack an order
                self._counter_lag(i, key, t)
            op["seen"] = max(0, seen)
            if seen < op["qty"]:
                self._fail(op, back, "out_of_stock")
                if op["error"] == "out_of_stock":
                    op["node"] = srv.name
                return
            if back > (op["invoke"] + self.timeout_us):
                self._fail(op, back, "timeout")
                return
            self._chain(fin, i, srv, client_region, STEP_CACHE_DECR, srv)
        elif step == STEP_CACHE_DECR or step == STEP_CACHE_ATOMIC:
            stock = self._cache_stock(key, t)
            if step == STEP_CACHE_ATOMIC and stock < op["qty"]:
                self._fail(op, back, "out_of_stock")
                if op["error"] == "out_of_stock":
                    op["node"] = srv.name
                return
            self.cache_counters[key] = stock - op["qty"]
            if self._answer(op, back, srv.name):
                self._enqueue(t, i)
                if self.counter_ttl_us is not None:  # what a reload of this counter will lack (worker pops)
                    self.counter_queued.setdefault(key, deque()).append(t)
        elif step == STEP_CACHE_WRITE:
            if self._answer(op, back, srv.name):
                self._enqueue(t, i)
                self._note_write(op, back)

    def _cache_stock(self, key: str, t: int) -> int:
        v = self.cache_counters.get(key)
        if v is None:
            v = self.cache_counters[key] = self.cur_initial(key)
        return v

    def _cache_stock_expiring(self, key: str, t: int) -> int:
        """`_cache_stock` with counters that expire `counter_ttl_us` after they were loaded. The first
        load is the starting stock (the cache is warmed before the sale); a reload reads the primary's
        committed stock, which lacks every order still waiting in the worker's queue, so the counter
        comes back higher than the truth and the cache sells those units again."""
        v = self.cache_counters.get(key)
        if v is None:
            v = self.cache_counters[key] = self.cur_initial(key)
            self.counter_expiry[key] = t + self.counter_ttl_us  # type: ignore[operator]  # set whenever counters expire (this path)
        elif t >= self.counter_expiry[key]:
            cur = self.committed[key]
            v = self.cache_counters[key] = cur if isinstance(cur, int) else 0
            self.counter_expiry[key] = t + self.counter_ttl_us  # type: ignore[operator]  # set whenever counters expire (this path)
            queued = self.counter_queued.get(key)
            if queued:  # the oldest order the reloaded counter lacks
                self.counter_missed[key] = queued[0]
            else:
                self.counter_missed.pop(key, None)
        return v

    def _counter_lag(self, i: int, key: str, t: int) -> None:
        """Read i of key's expiring counter at t: its lag is t minus when the oldest order it lacks (queued
        when it was last reloaded) took the counter before."""
        missed = self.counter_missed.get(key)
        if missed is not None and missed < t:
            self.read_lag_us[i] = t - missed
            self.read_lag_source[i] = "counter"
        else:
            self.read_lag_us[i] = 0

    def _partition_lag(self, i: int, t: int, n: int | None) -> None:
        """Read i at t lacks every write accepted across a partition and not yet reconciled, and (a node
        that has applied only the log's first n positions; None: the primary) every reconciled one at a
        position from n on. Such a write counts from its acknowledgement to its client: when the oldest
        of them was acknowledged before t and before the oldest write the node lacked otherwise, it sets
        the read's lag."""
        oldest = min(self.unreconciled_since.values()) if self.unreconciled_since else t
        positions = self.reconciled_at
        if n is not None and positions and n <= positions[-1]:  # some reconciled write not applied yet
            k = bisect_left(positions, n)
            if self.reconciled_oldest[k] < oldest:
                oldest = self.reconciled_oldest[k]
        if oldest < t and t - oldest > self.read_lag_us.get(i, 0):
            self.read_lag_us[i] = t - oldest
            self.read_lag_source[i] = "partition"

    def cur_initial(self, key: str) -> int:
        v = self.arr.initial[key]
        return v if isinstance(v, int) else 0

    def _commit(self, key: str, value, t: int) -> None:
        self.committed[key] = value
        self.log.commit(key, value, t)

    def _read_value(self, srv: ServerState, key: str, t: int):
        idx = srv.idx
        if idx == PRIMARY:
            return self.committed[key]
        if idx == self.cache_idx:
            if key in self.cache_counters:
                if self.counter_ttl_us is not None:
                    return self._cache_stock(key, t)  # an expired counter is reloaded by a read too
                return self.cache_counters[key]
            # a cache-aside copy, refreshed from the primary every ttl
            return self.log.value_at(key, t - t % self.cache_ttl_us, self.arr.initial[key])
        return self.log.replica_value(idx - 1, key, t, self.arr.initial[key])

    def _read_done(self, t: int, fin: int, i: int, op: dict, srv: ServerState, back: int) -> None:
        key = op["key"]
        idx = srv.idx
        if idx == PRIMARY:
            value = self.committed[key]
            if self.unreconciled_since:  # it lacks the writes accepted across a partition
                self.read_lag_us[i] = 0
                self._partition_lag(i, t, None)
        elif idx == self.cache_idx:
            value = self._read_value(srv, key, t)
            if key not in self.cache_counters:
                # a cache-aside copy holds what was committed when it was filled: its lag is t minus the
                # commit time of the oldest write committed after that
                commit_t = self.log.commit_t
                n = bisect_right(commit_t, t - t % self.cache_ttl_us)
                self.read_lag_us[i] = t - commit_t[n] if n < len(commit_t) and commit_t[n] < t else 0
                if self.partition_writes:
                    self._partition_lag(i, t, n)
            elif self.counter_ttl_us is not None:
                self._counter_lag(i, key, t)
        else:
            # ReplicaLog.replica_value, inlined: a bisect over the key's apply times on that replica
            log = self.log
            ka = log.key_apply[idx - 1].get(key)
            if ka:
                j = bisect_right(ka, t)
                value = log.key_vals[key][j - 1] if j else self.arr.initial[key]
            else:
                value = self.arr.initial[key]
            # ReplicaLog.lag_us, inlined: t minus the commit time of the oldest write not yet applied here
            n = bisect_right(log.apply_t[idx - 1], t)
            commit_t = log.commit_t
            self.read_lag_us[i] = t - commit_t[n] if n < len(commit_t) and commit_t[n] < t else 0
            if self.partition_writes:
                self._partition_lag(i, t, n)
        if key[0] == "s" and value < 0:
            value = 0  # stock is shown floored at 0
        if self.track_marks:
            s = op["session"]
            if idx == PRIMARY:
                mark = len(self.log.commit_t)
            elif idx == self.cache_idx:
                mark = 0
            else:
                mark = self.log.applied(idx - 1, t)
            if mark > self.watermark[s]:
                self.watermark[s] = mark
        if op["f"] == "order":
            self._order_checked(fin, back, i, op, value, srv)
            return
        dl = op["invoke"] + self.timeout_us  # _answer, inlined
        if back > dl:
            op["complete"] = dl
            op["error"] = "timeout"
            return
        op["complete"] = back
        op["outcome"] = "ok"
        op["node"] = srv.name
        op["value"] = value

    def _order_checked(self, t: int, at: int, i: int, op: dict, seen, srv: ServerState | None) -> None:
        """The check step of a read-then-write order read `seen` at t (its answer reaches the app at
        `at`, owed time included)."""
        op["seen"] = seen
        if at > (op["invoke"] + self.timeout_us):
            self._fail(op, at, "timeout")
            return
        if seen < op["qty"]:
            self._fail(op, at, "out_of_stock")
            if op["error"] == "out_of_stock":
                op["node"] = srv.name if srv is not None else ""
            return
        extra = self.op_pending.pop(i, None)
        if extra is not None and len(extra) == 1:
            # serve_local during a partition: accept here, reconcile with the primary at the heal
            if self._answer(op, at, srv.name if srv is not None else ""):
                self._pending_reconcile(extra[0], i)
            return
        policy = self.policy_of_kind[ORDER]
        client_region = self.arr.session_region[op["session"]]
        if policy.write_to == "quorum":
            self._quorum_write(at, i, op, client_region, policy, seen - op["qty"])
            return
        # the app sends the decrement once the check's answer is back (the race window is real time)
        if self.partitions:
            self._send_primary_write(at - self.owed_us[i], i, op, STEP_DECREMENT, client_region, policy)
        else:  # _send_primary_write's path when nothing is ever cut off
            self._to_server(at - self.owed_us[i], i, self.servers[PRIMARY], STEP_DECREMENT, client_region)
