"""Routing: where each request goes under its card's policy (primary, replica, cache, quorum), and the
client side of a request: its answer, its failure, the round trips between steps."""

from __future__ import annotations

from heapq import heappush
from typing import TYPE_CHECKING

from capquest.engine.events import (
    EV_ARRIVE,
    PRIMARY,
    STEP_CACHE_ATOMIC,
    STEP_CACHE_GET,
    STEP_CACHE_WRITE,
    STEP_CONDITIONAL,
    STEP_FOR_UPDATE,
    STEP_READ,
    STEP_WRITE,
)
from capquest.engine.model import Policy
from capquest.engine.state import SimulationState
from capquest.engine.workload import EVENT_WRITE, ORDER, PROFILE_WRITE

if TYPE_CHECKING:
    from capquest.engine.servers import ServerState


def request_op(i: int, kind: int, session: int, key: str, t: int, qty: int, value) -> dict:
    """The history op of request i, in its final shape at once (a read gains its "value" when answered;
    the client's deadline is its invoke + the timeout, its region its session's)."""
    if kind == ORDER:
        return {"id": i, "session": session, "f": "order", "key": key, "invoke": t, "complete": None,
                "node": "", "outcome": "fail", "error": "", "qty": qty, "seen": None}  # fmt: skip
    if kind == PROFILE_WRITE:
        return {"id": i, "session": session, "f": "write", "key": key, "invoke": t, "complete": None,
                "node": "", "outcome": "fail", "error": "", "value": value}  # fmt: skip
    if kind == EVENT_WRITE:
        return {"id": i, "session": session, "f": "incr", "key": key, "invoke": t, "complete": None,
                "node": "", "outcome": "fail", "error": "", "value": 1}  # fmt: skip
    return {"id": i, "session": session, "f": "read", "key": key, "invoke": t, "complete": None,
            "node": "", "outcome": "fail", "error": ""}  # fmt: skip


class CompiledPolicy:
    """A policy compiled for the hot loop."""

    __slots__ = (
        "atomic",
        "compensate",
        "max_stale_us",
        "monotonic",
        "read_from",
        "read_level",
        "refuse",
        "ryw_us",
        "stock_check",
        "write_level",
        "write_to",
    )

    def __init__(self, p: Policy, has_replicas: bool, has_quorum: bool) -> None:
        read_from = p.read_from
        if read_from == "replica" and not has_replicas:
            read_from = "primary"
        if read_from == "quorum" and not has_quorum:
            read_from = "primary"
        write_to = p.write_to
        if write_to == "quorum" and not has_quorum:
            write_to = "primary"
        self.read_from = read_from
        self.write_to = write_to
        self.stock_check = p.stock_check
        self.atomic = p.cache_decrement == "atomic"
        self.compensate = p.compensate
        self.read_level = p.read_level
        self.write_level = p.write_level
        self.ryw_us = int(p.ryw_window_ms * 1000)
        self.monotonic = p.monotonic_reads
        self.max_stale_us = None if p.max_staleness_ms is None else int(p.max_staleness_ms * 1000)
        self.refuse = p.on_partition == "refuse"


class Routing(SimulationState):
    """Sends each request where its policy says, and records what the client sees."""

    def _invoke(self, t, i, kind, policy, client_region, op, value) -> None:
        if kind == ORDER:
            if policy.write_to == "cache_queue":
                op_step = STEP_CACHE_ATOMIC if policy.atomic else STEP_CACHE_GET
                self._send_cache(t, i, op, op_step, client_region, policy)
            elif policy.stock_check != "read_then_write":
                self._send_primary_write(
                    t,
                    i,
                    op,
                    STEP_FOR_UPDATE if policy.stock_check == "for_update" else STEP_CONDITIONAL,
                    client_region,
                    policy,
                )
            else:
                self._send_read(t, i, op, client_region, policy, kind)
        elif kind == PROFILE_WRITE or kind == EVENT_WRITE:
            if policy.write_to == "cache_queue":
                self._send_cache(t, i, op, STEP_CACHE_WRITE, client_region, policy)
            elif policy.write_to == "quorum":
                self._quorum_write(t, i, op, client_region, policy, value)
            else:
                self._send_primary_write(t, i, op, STEP_WRITE, client_region, policy)
        else:
            self._send_read(t, i, op, client_region, policy, kind)

    def _fail(self, op: dict, at: int, error: str) -> None:
        if at > (op["invoke"] + self.timeout_us):
            at, error = (op["invoke"] + self.timeout_us), "timeout"
        op["complete"] = at
        op["error"] = error

    def _answer(self, op: dict, at: int, node: str) -> bool:
        """The client gets an ok answer at `at` from `node` (or a timeout if that is past its deadline)."""
        if at > (op["invoke"] + self.timeout_us):
            op["complete"] = op["invoke"] + self.timeout_us
            op["error"] = "timeout"
            return False
        op["complete"] = at
        op["outcome"] = "ok"
        op["node"] = node
        return True

    def _to_server(self, t: int, i: int, srv: ServerState, step: int, client_region: int) -> None:
        self.op_server_index[i] = srv.idx
        self.op_step[i] = step
        at = t + self.req[client_region][srv.region]
        if at == self.now:
            self._arrive(at, i)
        else:
            heappush(self.heap, (at, self._seq(), EV_ARRIVE, i, 0))

    def _send_cache(self, t, i, op, step, client_region, policy) -> None:
        srv = self.servers[self.cache_idx]
        if self.partitions and self.client_cut_until(client_region, srv, t) is not None:
            self._fail(op, t + self.one_way[client_region][client_region] * 2, "unavailable")
            return
        self._to_server(t, i, srv, step, client_region)

    def _send_primary_write(self, t, i, op, step, client_region, policy) -> None:
        primary = self.servers[PRIMARY]
        heal = self.client_cut_until(client_region, primary, t) if self.partitions else None
        if heal is None:
            self._to_server(t, i, primary, step, client_region)
            return
        if policy.refuse:
            self._fail(op, t + self.one_way[client_region][client_region] * 2, "unavailable")
            return
        # serve_local: accept on this side of the partition, reconcile with the primary when it heals
        local = self._local_node(client_region, t)
        if local is None:
            self._fail(op, t + self.one_way[client_region][client_region] * 2, "unavailable")
            return
        if op["f"] == "order":
            # the check reads what this side has: a local replica (stale), else nothing to check against
            if local.idx != PRIMARY and 0 < local.idx <= self.n_replicas:
                self._to_server(t, i, local, STEP_READ, client_region)
                self.op_pending[i] = (heal,)
                return
        at = t + self.one_way[client_region][local.region] * 2
        if self._answer(op, at, local.name):
            self._pending_reconcile(heal, i)
            self._note_write(op, at)

    def _note_write(self, op: dict, at: int) -> None:
        s = op["session"]
        if at > self.last_write[s]:
            self.last_write[s] = at

    def _send_read(self, t, i, op, client_region, policy, kind) -> None:
        src = policy.read_from
        s = op["session"]
        if policy.ryw_us and src != "quorum" and t - self.last_write[s] < policy.ryw_us:
            src = "primary"
        if src == "quorum":
            self._quorum_read(t, i, op, client_region, policy, kind)
            return
        primary = self.servers[PRIMARY]
        primary_cut = bool(self.partitions) and self.client_cut_until(client_region, primary, t) is not None
        if primary_cut and policy.refuse:
            self._fail(op, t + self.one_way[client_region][client_region] * 2, "unavailable")
            return
        srv: ServerState | None
        if src == "cache":
            srv = self.servers[self.cache_idx]
            if self.client_cut_until(client_region, srv, t) is not None:
                self._fail(op, t + self.one_way[client_region][client_region] * 2, "unavailable")
                return
            self.eventual_reads += 1
            self._to_server(t, i, srv, STEP_READ, client_region)
            return
        if src == "replica":
            if self.simple_replicas and policy.max_stale_us is None and not policy.monotonic:
                # _pick_replica's round robin, inlined for its common case
                srv = self.servers[1 + self.round_robin % self.n_replicas]
                self.round_robin += 1
            else:
                srv = self._pick_replica(t, s, client_region, policy)
            if srv is not None:
                self.eventual_reads += 1
                self._to_server(t, i, srv, STEP_READ, client_region)
                return
        if primary_cut:
            srv = self._local_node(client_region, t)
            if srv is None:
                self._fail(op, t + self.one_way[client_region][client_region] * 2, "unavailable")
                return
            self.eventual_reads += 1
            self._to_server(t, i, srv, STEP_READ, client_region)
            return
        self.strong_reads += 1
        self._to_server(t, i, primary, STEP_READ, client_region)

    def _pick_replica(self, t: int, s: int, client_region: int, policy: CompiledPolicy) -> ServerState | None:
        nrep = self.n_replicas
        start = self.round_robin
        self.round_robin += 1
        if self.simple_replicas and policy.max_stale_us is None and not policy.monotonic:
            return self.servers[1 + start % nrep]
        log = self.log
        for k in range(nrep):
            r = (start + k) % nrep
            srv = self.servers[1 + r]
            if self.partitions and self.client_cut_until(client_region, srv, t) is not None:
                continue
            if srv.crashes and self.down_until(srv.crashes, t) is not None:
                continue
            if policy.max_stale_us is not None and log.lag_us(r, t) > policy.max_stale_us:
                continue
            if policy.monotonic and log.applied(r, t) < self.watermark[s]:
                continue
            return srv
        return None

    def _chain(
        self, t: int, i: int, came_from: ServerState, client_region: int, step: int, dest: ServerState
    ) -> None:
        """The client's app got step k's answer and sends step k+1 to `dest`."""
        # The app really waits for the answer before the next step: the time between the steps is the
        # window in which other clients race (a GET then a DECR), so it is never folded away.
        self._to_server(t + self.resp[came_from.region][client_region], i, dest, step, client_region)
