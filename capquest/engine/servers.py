"""Servers: connection pools in front of a CPU, and row locks.

A query waits FIFO for a connection, then runs either on its own (cores = None: M/M/c) or in processor
sharing with the other active queries (cores = k: virtual time advances at min(1, k/n) per query; a
generation counter voids departure events made stale by an arrival). A client that times out gets an
error at its deadline; a query already running keeps its connection and CPU until done (its work is
wasted: overloads feed themselves), then rolls back; a query still waiting for a connection or a row lock
is dropped when its turn comes. With a sampled workload (scale > 1) the server is an `AggregateQueue`
instead: the sampled query waits in the queue the full-rate traffic builds."""

from __future__ import annotations

import random
from collections import deque
from collections.abc import Iterator
from heapq import heappop, heappush, heapreplace
from itertools import chain
from math import ceil
from math import log as _log
from typing import Any

from capquest.engine.aggregate import AggregateQueue
from capquest.engine.events import EV_DONE, EV_LOCK, EV_PS_DEPARTURE, EV_START, STEP_FOR_UPDATE
from capquest.engine.model import Server
from capquest.engine.state import SimulationState


def service_draws(rng: random.Random, batch: int = 512) -> Iterator[float]:
    """The unit exponentials -log(1 - u) of the service stream, drawn a batch at a time (as arrivals are);
    every exponential server takes the next one, so the servers share the stream in call order as before."""

    def batches() -> Iterator[list[float]]:
        rnd = rng.random
        while True:
            yield [-_log(1.0 - rnd()) for _ in range(batch)]

    return chain.from_iterable(batches())


class ServerState:
    __slots__ = (
        "aggregate",
        "busy",
        "cores",
        "crashes",
        "direct",
        "draw",
        "free",
        "gen",
        "heap",
        "idx",
        "last",
        "n",
        "name",
        "peak",
        "pool",
        "queued_at",
        "region",
        "started",
        "vt",
        "waited",
        "waitq",
    )

    def __init__(
        self,
        idx: int,
        name: str,
        region: int,
        spec: Server,
        unit_draws: Iterator[float],
        queue: AggregateQueue | None = None,
    ) -> None:
        self.idx = idx
        self.name = name
        self.region = region
        # The real server, at every scale: with a sampled workload (scale > 1) the full-rate traffic
        # drives `aggregate`, the queue the sampled requests wait in (see `capquest.engine.aggregate`).
        self.pool = spec.pool
        # None: no processor sharing (a FIFO pool, or an aggregate queue); the PS paths run only with a number
        self.cores: Any = None if queue is not None else spec.cores
        self.aggregate = queue
        self.busy = 0
        self.peak: float = 0  # busy connections at most (a fraction with an aggregate queue)
        self.waitq: deque[int] = deque()
        self.crashes: list[tuple[int, int]] = []
        # cores = None and no row locks: each connection serves on its own, so a FIFO pool is a heap of
        # the times its connections come free (Lindley's recursion): no event to start or release one.
        self.direct = spec.cores is None or queue is not None
        self.free: list[int] = []
        self.started = 0  # queries that got a connection, and their total wait for it (us)
        self.waited = 0
        self.queued_at: dict[int, int] = {}
        mean = spec.service_ms * 1000.0
        if spec.service == "fixed":
            fixed = max(1, round(mean))
            self.draw = lambda: fixed
        else:
            lam = 1.0 / mean
            # random.expovariate(lam) from the run's shared batches of unit exponentials: the same numbers
            # in the same order (-log(1 - u) / lam), two calls fewer per query
            unit = unit_draws.__next__
            self.draw = lambda: int(unit() / lam) + 1
        # processor sharing: virtual time, its last update, active count, (finish vt, op) heap, generation
        self.vt = 0.0
        self.last = 0
        self.n = 0
        self.heap: list[tuple[float, int]] = []
        self.gen = 0


class ConnectionPools(SimulationState):
    """Queries arriving at servers, waiting for connections, CPU and row locks."""

    def _arrive(self, t: int, i: int) -> None:
        srv = self.servers[self.op_server_index[i]]
        dl = self.hist[i]["invoke"] + self.timeout_us
        if t > dl:
            return  # the client has given up: it will be recorded as a timeout
        if srv.crashes and self.down_until(srv.crashes, t) is not None:
            return  # a crashed node answers nothing
        queue = srv.aggregate
        if queue is not None:
            # a real-size server under the full-rate load: this sampled request waits in its queue
            locking = self.op_step[i] == STEP_FOR_UPDATE
            start = t + queue.wait(t, i, 2 if locking else 1)
            if start > dl:
                return  # gave up waiting for a connection: a timeout
            srv.started += 1
            srv.waited += start - t
            if locking:  # then waits for the row lock among the sampled orders, holding its connection
                if start == t:
                    self._start(t, i, srv)
                else:
                    heappush(self.heap, (start, self._seq(), EV_LOCK, i, 0))
                return
            demand = srv.draw()
            if start == t:
                self._done(t, t + demand, i, srv)
            else:
                heappush(self.heap, (start, self._seq(), EV_START, i, start + demand))
            return
        if srv.direct:
            demand = srv.draw()
            free = srv.free
            if len(free) < srv.pool:
                heappush(free, t + demand)
                srv.started += 1
                self._done(t, t + demand, i, srv)
                return
            start = free[0]
            if start <= t:
                start = t
            elif start > dl:
                return  # gave up waiting for a connection: a timeout
            else:
                srv.peak = srv.pool
            heapreplace(free, start + demand)
            srv.started += 1
            srv.waited += start - t
            if start == t:
                self._done(t, t + demand, i, srv)
            else:
                heappush(self.heap, (start, self._seq(), EV_START, i, start + demand))
            return
        if srv.busy < srv.pool:
            busy = srv.busy + 1
            srv.busy = busy
            if busy > srv.peak:
                srv.peak = busy
            srv.started += 1
            cores = srv.cores
            if cores is not None and self.op_step[i] != STEP_FOR_UPDATE:
                # _start + _execute inlined for the common case: join the processor-sharing set
                demand = srv.draw()
                n_act = srv.n
                if n_act:
                    srv.vt += (t - srv.last) * (cores / n_act if n_act > cores else 1.0)
                srv.last = t
                srv.n = n_act + 1
                h = srv.heap
                heappush(h, (srv.vt + demand, i))
                if n_act < cores and h[0][1] != i:
                    return
                self._ps_schedule(t, srv)
                return
            self._start(t, i, srv)
        else:
            srv.waitq.append(i)
            srv.queued_at[i] = t

    def _start(self, t: int, i: int, srv: ServerState) -> None:
        demand = srv.draw()
        if self.op_step[i] == STEP_FOR_UPDATE:
            key = self.hist[i]["key"]
            if key in self.locked:
                self.lock_queues.setdefault(key, deque()).append(i)
                self.lock_waiters += 1
                if self.lock_waiters > self.lock_peak:
                    self.lock_peak = self.lock_waiters
                return
            self.locked.add(key)
            demand += srv.draw()  # SELECT ... FOR UPDATE, then the UPDATE, in one transaction
        self._execute(t, i, srv, demand)

    def _execute(self, t: int, i: int, srv: ServerState, demand: int) -> None:
        if srv.cores is None:
            heappush(self.heap, (t + demand, self._seq(), EV_DONE, i, srv.idx))
            return
        n_act = srv.n
        if n_act:
            cores = srv.cores
            srv.vt += (t - srv.last) * (cores / n_act if n_act > cores else 1.0)
        srv.last = t
        srv.n = n_act + 1
        h = srv.heap
        finish = srv.vt + demand
        heappush(h, (finish, i))
        if n_act < srv.cores and h[0][1] != i:
            return  # every query still runs at full speed and the next departure is unchanged
        self._ps_schedule(t, srv)

    def _ps_schedule(self, t: int, srv: ServerState) -> None:
        gen = srv.gen + 1
        srv.gen = gen
        n_act = srv.n
        if n_act:
            cores = srv.cores
            dt = srv.heap[0][0] - srv.vt
            if n_act > cores:  # at full speed the rate is 1.0, and x / 1.0 == x
                dt = dt / (cores / n_act)
            wait = ceil(dt)
            heappush(self.heap, (t + wait if wait > 0 else t, self._seq(), EV_PS_DEPARTURE, srv.idx, gen))

    def _release(self, t: int, srv: ServerState) -> None:
        if srv.aggregate is not None:
            return  # connections are the aggregate queue's business
        waitq = srv.waitq
        if not waitq:
            srv.busy -= 1
            return
        hist = self.hist
        while waitq:
            j = waitq.popleft()
            since = srv.queued_at.pop(j)
            if t > (hist[j]["invoke"] + self.timeout_us):
                continue  # gave up while waiting for a connection
            srv.started += 1
            srv.waited += t - since
            self._start(t, j, srv)
            return
        srv.busy -= 1

    def _unlock(self, t: int, key: str, srv: ServerState) -> None:
        q = self.lock_queues.get(key)
        hist = self.hist
        while q:
            j = q.popleft()
            self.lock_waiters -= 1
            if t > (hist[j]["invoke"] + self.timeout_us):
                self._release(t, srv)  # cancelled while waiting for the lock: frees its connection
                continue
            self._execute(t, j, srv, srv.draw() + srv.draw())
            return
        self.locked.discard(key)

    def _ps_departures(self, t: int, srv: ServerState, gen: int) -> None:
        """A processor-sharing server's next departure time came: the queries whose work is done leave."""
        if gen != srv.gen:
            return  # voided by a later arrival
        n_act = srv.n
        cores = srv.cores
        srv.vt += (t - srv.last) * (cores / n_act if n_act > cores else 1.0)
        srv.last = t
        finished = []
        h = srv.heap
        limit = srv.vt + 1e-6
        while h and h[0][0] <= limit:
            finished.append(heappop(h)[1])
        n_act -= len(finished)
        srv.n = n_act
        # _ps_schedule, inlined
        gen = srv.gen + 1
        srv.gen = gen
        if n_act:
            dt = h[0][0] - srv.vt
            if n_act > cores:
                dt = dt / (cores / n_act)
            wait = ceil(dt)
            heappush(self.heap, (t + wait if wait > 0 else t, self._seq(), EV_PS_DEPARTURE, srv.idx, gen))
        for opi in finished:
            self._done(t, t, opi, srv)
