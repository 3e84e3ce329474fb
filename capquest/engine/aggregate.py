"""A server at its real size under the full-rate traffic, when only a sample of the requests is simulated.

Why. A level may declare `scale` k: one simulated request stands for k real ones. The sampled requests
are a 1/k thinning of the real arrival stream, so they carry the races that matter (two orders reading the
same stock, a GET then a DECR) but not the load: a server of c connections fed only the sample sits
nearly idle, and a server shrunk to c/k connections (what the first engine did) is a different queueing
system. Erlang C's wait at one utilisation grows sharply as c shrinks (100 connections at utilisation
0.95 wait 0.2 ms on a 2 ms query; 2 connections wait 19 ms), and below one core a lone query runs slower
than the CPU can run it. Neither is the server the level describes.

What instead. The server keeps its real c (connections, or cores when the CPU is what saturates first)
and the *full-rate* traffic drives its state as aggregate load; a sampled request then waits in that
state:
- offered load A (in busy servers) = real arrival rate at t (the level's rate profile) x this server's
  visits per arrival (an exponentially weighted count over the last ~256 arrivals, so routing changes such
  as a partition are followed within a few hundred requests) x mean service time;
- below saturation (A < c) the state is the stationary M/M/c queue: a request waits with the Erlang C
  probability, and then for an exponential time of mean S / (c - A) (fixed service: half of it, the
  Allen-Cunneen correction, exact for one server by Pollaczek-Khinchine). Processor sharing on k cores
  has the same number-in-system process as M/M/k, so the same wait on c = k gives its mean response time;
- at and past saturation a fluid backlog takes over: the virtual wait of a new request grows at
  A/c - 1 seconds per second while A > c, drains at one second per second when A < c, and stops growing
  at the clients' timeout (a request that would wait longer gives up before its turn and adds no work).
  That is the seed's Black Friday: the queue grows every second, the pool fills, clients time out.
Busy connections and the waiting line follow from Little's law (L = lambda W) for the replay and the
pool metrics. At scale 1 the engine still simulates every request one by one on discrete servers.

What stays sampled: row locks (`SELECT ... FOR UPDATE`) queue among the sampled orders only; a sampled
lock waiter holds its connection and counts `scale` times in the pool's occupancy, but does not slow the
aggregate queue. So the lock queue a large scale shows is shorter than the real one (the seed's 450
waiters read as about 100 at scale 100), while latency, errors and pool exhaustion come from the full
load. Quorum nodes always use this model (at scale 1 too): a quorum read's replies are planned when it
is sent, which an analytic queue allows and a discrete one would not.
"""

from __future__ import annotations

import random
from math import log

from capquest.engine.model import Server
from capquest.engine.workload import rate_at

# Visits per arrival are weighted by BETA ** (arrivals since): a memory of about 1 / (1 - BETA) arrivals.
BETA = 1.0 - 1.0 / 256
# Past this utilisation the stationary wait is held here and the fluid backlog carries the overload.
RHO_CAP = 0.99


def erlang_c(c: int, a: float) -> float:
    """Probability that an arrival waits in M/M/c with offered load a < c (Erlang B recursion)."""
    if a <= 0:
        return 0.0
    b = 1.0
    for k in range(1, c + 1):
        b = a * b / (k + a * b)
        if b < 1e-12 and k > a:
            return 0.0
    return c * b / (c - a * (1.0 - b))


class AggregateQueue:
    """The queue of one real-size server, driven by the full-rate load; `wait` draws a sampled visit's
    wait for a connection (or a core)."""

    __slots__ = (
        "backlog",
        "c",
        "cache",
        "factor",
        "flat_rate",
        "last_i",
        "last_t",
        "load",
        "load_cap",
        "mean_s",
        "mean_us",
        "points",
        "pool",
        "rnd",
        "timeout_us",
        "uses_cores",
        "visits",
    )

    def __init__(self, spec: Server, points: list[tuple[float, float]], timeout_us: int, rng: random.Random):
        self.pool = spec.pool
        self.uses_cores = spec.cores is not None
        self.c = spec.pool if spec.cores is None else min(spec.pool, spec.cores)
        self.load_cap = RHO_CAP * self.c  # the stationary queue's load is held here (see RHO_CAP)
        self.mean_us = spec.service_ms * 1000.0
        self.mean_s = spec.service_ms / 1000.0
        self.factor = 0.5 if spec.service == "fixed" else 1.0  # Allen-Cunneen: (1 + cv^2) / 2
        self.points = points  # the real-world rate profile, (seconds, requests/s)
        self.flat_rate = points[0][1] if len(points) == 1 else None  # a constant rate needs no lookup
        self.timeout_us = timeout_us
        self.rnd = rng.random
        self.visits = 0.0
        self.last_i = 0
        self.backlog = 0.0  # fluid virtual wait (us) beyond the stationary queue
        self.last_t = 0
        self.load = 0.0  # offered load (busy servers) at the last visit
        self.cache: dict[int, float] = {}

    def _offered(self, t: int, i: int, draws: int) -> float:
        gap = i - self.last_i
        if gap > 0:
            self.visits *= BETA**gap
            self.last_i = i
        self.visits += draws
        share = self.visits * (1.0 - BETA) / (1.0 - BETA ** (self.last_i + 1))
        rate = self.flat_rate
        if rate is None:
            rate = rate_at(self.points, t / 1_000_000)
        return rate * share * self.mean_s

    def _advance(self, t: int, load: float) -> None:
        dt = t - self.last_t
        if dt > 0:
            backlog = self.backlog + dt * (self.load / self.c - 1.0)
            self.backlog = 0.0 if backlog < 0 else min(backlog, float(self.timeout_us))
            self.last_t = t
        self.load = load

    def _p_wait(self, load: float) -> float:
        key = round(load * 1024)
        p = self.cache.get(key)
        if p is None:
            p = self.cache[key] = erlang_c(self.c, key / 1024)
        return p

    def stationary_wait_us(self, load: float) -> float:
        """Mean wait of the stationary queue at this load (capped at RHO_CAP)."""
        a = min(load, RHO_CAP * self.c)
        return self._p_wait(a) * self.factor * self.mean_us / (self.c - a)

    def wait(self, t: int, i: int, draws: int) -> int:
        """Microseconds visit `draws` (queries) of request i waits at t before it is served."""
        # _offered and _advance, inlined (this runs once per sampled visit): the same arithmetic
        gap = i - self.last_i
        if gap > 0:
            self.visits *= BETA**gap
            self.last_i = i
        self.visits += draws
        rate = self.flat_rate
        if rate is None:
            rate = rate_at(self.points, t / 1_000_000)
        load = rate * (self.visits * (1.0 - BETA) / (1.0 - BETA ** (self.last_i + 1))) * self.mean_s
        c = self.c
        dt = t - self.last_t
        if dt > 0:
            backlog = self.backlog + dt * (self.load / c - 1.0)
            self.backlog = (
                0.0 if backlog < 0 else (backlog if backlog < self.timeout_us else float(self.timeout_us))
            )
            self.last_t = t
        self.load = load
        wait = self.backlog
        a = load if load < self.load_cap else self.load_cap
        if a > 0:
            key = round(a * 1024)
            p = self.cache.get(key)
            if p is None:
                p = self.cache[key] = erlang_c(c, key / 1024)
            rnd = self.rnd
            if rnd() < p:
                wait += -log(1.0 - rnd()) * self.factor * self.mean_us / (c - a)
        return int(wait)

    def occupancy(self, t: int, lock_holders: float) -> tuple[float, float]:
        """(busy connections, requests waiting for one) at t, by Little's law, real-world."""
        self._advance(t, self.load)
        load = self.load
        rate = load / self.mean_s if self.mean_s else 0.0
        queued = rate * (self.stationary_wait_us(load) + self.backlog) / 1_000_000
        if self.uses_cores:  # processor sharing: every query in the system holds a connection
            in_system = load + queued + lock_holders
            busy = min(float(self.pool), in_system)
            return busy, in_system - busy
        busy = min(float(self.pool), load + lock_holders)
        return busy, queued + max(0.0, load + lock_holders - self.pool)
