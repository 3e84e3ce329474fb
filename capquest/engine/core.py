"""The discrete-event simulation behind `simulate()`.

Time is an integer number of microseconds. Events are tuples `(t, seq, kind, a, b)` on one heap (seq makes
the order total and deterministic); arrivals are drawn up front and merged with the heap, so most
operations cost a couple of heap events. Per-operation state lives in parallel lists indexed by op id,
and the history op dict written for each operation is the only per-operation object.

Servers (`_Server`) are connection pools in front of a CPU: a query waits FIFO for a connection, then
runs either on its own (cores = None: M/M/c) or in processor sharing with the other active queries
(cores = k: virtual time advances at min(1, k/n) per query; a generation counter voids departure events
made stale by an arrival). A client that times out gets an error at its deadline; a query already running
keeps its connection and CPU until done (its work is wasted: overloads feed themselves), then rolls back;
a query still waiting for a connection or a row lock is dropped when its turn comes.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import deque
from heapq import heappop, heappush, heapreplace
from itertools import count
from math import ceil
from math import log as _log

from capquest.engine.aggregate import AggregateQueue
from capquest.engine.model import OP_DATA_CLASS, OP_KINDS, Cache, Policy, Scenario, Server, Strategy
from capquest.engine.quorum import QuorumStore, needed
from capquest.engine.replication import ReplicaLog, ReplicaSpec
from capquest.engine.streams import stream
from capquest.engine.workload import (
    COUNTER_READ,
    EVENT_WRITE,
    ORDER,
    PROFILE_WRITE,
    STOCK_READ,
    Arrivals,
    draw_arrivals,
)

US = 1_000_000
TRACE_FRAMES = 50

# event kinds
EV_ARRIVE, EV_DONE, EV_PS, EV_WORKER, EV_FRAME, EV_QREAD, EV_RECONCILE, EV_START, EV_LOCK = range(9)
# what a query does when it finishes
ST_READ, ST_WRITE, ST_DECR, ST_FORUPD, ST_COND, ST_CGET, ST_CDECR, ST_CATOM, ST_CWRITE = range(9)

PRIMARY = 0


class _Server:
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
        self, idx: int, name: str, region: int, spec: Server, rng, queue: AggregateQueue | None = None
    ) -> None:
        self.idx = idx
        self.name = name
        self.region = region
        # The real server, at every scale: with a sampled workload (scale > 1) the full-rate traffic
        # drives `aggregate`, the queue the sampled requests wait in (see `capquest.engine.aggregate`).
        self.pool = spec.pool
        self.cores = None if queue is not None else spec.cores
        self.aggregate = queue
        self.busy = 0
        self.peak = 0
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
            rnd = rng.random
            lam = 1.0 / mean
            # random.expovariate(lam), inlined: the same numbers, one call fewer per query
            self.draw = lambda: int(-_log(1.0 - rnd()) / lam) + 1
        # processor sharing: virtual time, its last update, active count, (finish vt, op) heap, generation
        self.vt = 0.0
        self.last = 0
        self.n = 0
        self.heap: list[tuple[float, int]] = []
        self.gen = 0


class _Pol:
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


class Simulation:
    def __init__(self, scenario: Scenario, strategy: Strategy, seed: int) -> None:
        self.scenario = scenario
        w = scenario.workload
        topo = scenario.topology
        self.scale = w.scale
        self.duration_us = int(w.duration_s * US)
        self.timeout_us = int(w.timeout_ms * 1000)

        # regions and one-way delays
        regions = list(topo.regions)
        for name in [topo.primary_region, *(r.region for r in topo.replicas)]:
            if name not in regions:
                regions.append(name)
        if topo.cache is not None and topo.cache.region not in regions:
            regions.append(topo.cache.region)
        if topo.quorum is not None:
            for node in topo.quorum.nodes:
                if node.region not in regions:
                    regions.append(node.region)
        for share in w.client_regions:
            if share.region not in regions:
                regions.append(share.region)
        self.regions = regions
        ridx = {name: i for i, name in enumerate(regions)}
        local = int(topo.local_rtt_ms * 1000) // 2
        one_way = [[local] * len(regions) for _ in regions]
        for link in topo.links:
            if link.a in ridx and link.b in ridx and link.a != link.b:
                d = int(link.rtt_ms * 1000) // 2
                one_way[ridx[link.a]][ridx[link.b]] = d
                one_way[ridx[link.b]][ridx[link.a]] = d
        self.one_way = one_way
        # A request's first hop inside a region is delivered at once and its round trip added to the
        # answer (an event saved per request; the server still acts between invoke and complete). Later
        # steps, and hops across regions, travel for real.
        self.req = [
            [0 if a == b else one_way[a][b] for b in range(len(regions))] for a in range(len(regions))
        ]
        self.resp = [
            [2 * local if a == b else one_way[a][b] for b in range(len(regions))] for a in range(len(regions))
        ]
        client_regions = [ridx[s.region] for s in w.client_regions] or [ridx[topo.primary_region]]
        client_weights = [s.weight for s in w.client_regions] or [1.0]

        # faults
        self.partitions: list[tuple[int, int, dict[int, int]]] = []
        crashes: dict[str, list[tuple[int, int]]] = {}
        spikes: dict[str, list[tuple[int, int, int]]] = {}
        for f in scenario.faults:
            s, e = int(f.at_s * US), int(f.until_s * US)
            if e <= s:
                continue
            if f.kind == "partition":
                group_of = {}
                for gi, group in enumerate(f.groups):
                    for name in group:
                        if name in ridx:
                            group_of[ridx[name]] = gi
                self.partitions.append((s, e, group_of))
            elif f.kind == "crash":
                crashes.setdefault(f.node, []).append((s, e))
            else:
                spikes.setdefault(f.node, []).append((s, e, int(f.extra_lag_ms * 1000)))

        # policies per op kind (a hybrid picks one per data class)
        self.has_replicas = bool(topo.replicas)
        has_quorum = topo.quorum is not None
        self.kind_pol = [
            _Pol(strategy.policy_for(OP_DATA_CLASS[k]), self.has_replicas, has_quorum) for k in OP_KINDS
        ]
        mix = w.mix
        active = [getattr(mix, k) > 0 for k in OP_KINDS]
        used = [p for p, a in zip(self.kind_pol, active, strict=True) if a]
        needs_cache = any(p.read_from == "cache" or p.write_to == "cache_queue" for p in used)
        cache = (
            topo.cache
            if topo.cache is not None
            else (Cache(region=topo.primary_region) if needs_cache else None)
        )

        # servers: primary, replicas, cache
        service_rng = stream(seed, "service")
        queue_rng = stream(seed, "queueing")
        real_rate = sorted((p.at_s, p.rps) for p in w.rate)

        def queue(spec: Server) -> AggregateQueue | None:
            if w.scale == 1:
                return None  # every request is simulated: the discrete servers are exact
            return AggregateQueue(spec, real_rate, self.timeout_us, queue_rng)

        self.servers: list[_Server] = [
            _Server(0, "primary", ridx[topo.primary_region], topo.primary, service_rng, queue(topo.primary))
        ]
        self.servers[0].crashes = crashes.get("primary", [])
        specs = []
        for r in topo.replicas:
            srv = _Server(len(self.servers), r.name, ridx[r.region], r.server, service_rng, queue(r.server))
            srv.crashes = crashes.get(r.name, [])
            self.servers.append(srv)
            outages = list(srv.crashes)
            for s, e, group_of in self.partitions:
                if self._cut_groups(group_of, srv.region, self.servers[0].region):
                    outages.append((s, e))
            interval = US * w.scale / r.apply_rps if r.apply_rps > 0 else float(self.duration_us * 10)
            specs.append(ReplicaSpec(int(r.lag_ms * 1000), interval, spikes.get(r.name, []), sorted(outages)))
        self.n_replicas = len(topo.replicas)
        if self.servers[0].aggregate is None and any(
            p.stock_check == "for_update" and p.write_to != "cache_queue" for p in used
        ):
            self.servers[0].direct = False  # orders hold a connection while they wait for a row lock
        self.log = ReplicaLog(specs)
        self.cache_idx = -1
        self.counter_ttl_us: int | None = None
        if cache is not None:
            self.cache_idx = len(self.servers)
            srv = _Server(
                self.cache_idx, "cache", ridx[cache.region], cache.server, service_rng, queue(cache.server)
            )
            srv.crashes = crashes.get("cache", [])
            self.servers.append(srv)
            self.cache_ttl_us = max(1, int(cache.ttl_s * US))
            if cache.counter_ttl_s is not None:
                # expiring stock counters: the plain lookup is swapped for one that reloads (hot loop
                # untouched when the setting is absent)
                self.counter_ttl_us = max(1, int(cache.counter_ttl_s * US))
                self._cache_stock = self._cache_stock_expiring  # type: ignore[method-assign]  # chosen once per run: no per-call test
        self.quorum: QuorumStore | None = None
        if topo.quorum is not None:
            q = topo.quorum
            node_servers = [n.server or q.server for n in q.nodes]
            quorum_rng = stream(seed, "quorum-queueing")
            self.quorum = QuorumStore(
                [n.name for n in q.nodes],
                [ridx[n.region] for n in q.nodes],
                [int(n.apply_delay_ms * 1000) for n in q.nodes],
                # a fixed service time is stored negated
                [spec.service_ms * (-1000.0 if spec.service == "fixed" else 1000.0) for spec in node_servers],
                one_way,
                stream(seed, "network"),
                # every node queues under the store's full-rate load, at every scale
                [AggregateQueue(spec, real_rate, self.timeout_us, quorum_rng) for spec in node_servers],
                [n.apply_delay == "exponential" for n in q.nodes],
                q.read_repair,
            )
            self.q_crashes = [crashes.get(n.name, []) for n in q.nodes]
            self.q_healthy = not self.partitions and not any(self.q_crashes)
            self.q_coord: dict[int, int | None] = {}
            self.q_spikes = [spikes.get(n.name, []) for n in q.nodes]
        self.worker_interval = US * w.scale / topo.worker.rps if topo.worker.rps > 0 else float("inf")

        self.arr: Arrivals = draw_arrivals(w, seed, client_weights)
        self.arr.session_region = [client_regions[i] for i in self.arr.session_region]
        self.used_pols = used
        self.simple_replicas = not self.partitions and not any(
            srv.crashes for srv in self.servers[1 : 1 + self.n_replicas]
        )
        self.track_marks = any(p.monotonic for p in used)  # freshness watermarks, for monotonic reads
        self.needs_cache = needs_cache

    # ------------------------------------------------------------------------------------------ faults
    @staticmethod
    def _cut_groups(group_of: dict[int, int], a: int, b: int) -> bool:
        ga = group_of.get(a)
        gb = group_of.get(b)
        return ga is not None and gb is not None and ga != gb

    def cut_until(self, a: int, b: int, t: int) -> int | None:
        """None if regions a and b can talk at t, else when the partition between them ends."""
        for s, e, group_of in self.partitions:
            if s <= t < e and self._cut_groups(group_of, a, b):
                return e
        return None

    @staticmethod
    def down_until(windows: list[tuple[int, int]], t: int) -> int | None:
        for s, e in windows:
            if s <= t < e:
                return e
        return None

    # ------------------------------------------------------------------------------------------- run
    def run(self) -> None:
        arr = self.arr
        n = len(arr.times)
        a_times, a_kinds, a_keys, a_sess, a_qty, a_vals = (
            arr.times,
            arr.kinds,
            arr.keys,
            arr.sessions,
            arr.qtys,
            arr.values,
        )
        sess_region = arr.session_region
        self.hist: list[dict] = [None] * n  # type: ignore[list-item]  # filled by index before it is read
        hist = self.hist
        self.o_node = [0] * n
        self.o_step = [0] * n
        self.o_owe = [0] * n
        self.o_extra: dict[int, tuple] = {}
        self.cur: dict[str, int | str] = dict(arr.initial)
        self.cache_ctr: dict[str, int] = {}
        self.cache_exp: dict[str, int] = {}  # when each stock counter expires (counter_ttl_s only)
        self.last_write = [-(1 << 60)] * self.scenario.workload.sessions
        self.watermark = [0] * self.scenario.workload.sessions
        self.locked: set[str] = set()
        self.lockq: dict[str, deque[int]] = {}
        self.lock_waiters = 0
        self.lock_peak = 0
        self.worker_q: deque[int] = deque()  # indices into the history
        self.worker_busy = False
        self.worker_next = 0.0
        self.worker_peak = 0
        self.cancels: list[dict] = []
        self.reconcile_q: dict[int, list[int]] = {}
        self.compensated = 0
        self.frames: list[tuple[int, dict[str, float]]] = []
        self.rr = 0
        self.strong_reads = 0
        self.eventual_reads = 0
        self.writes = 0
        self.heap: list[tuple] = []
        self._seq = count().__next__
        self.now = 0
        heap = self.heap
        servers = self.servers
        kind_pol = self.kind_pol
        deadline = self.timeout_us
        frame_us = max(1, self.duration_us // TRACE_FRAMES)
        for k in range(1, TRACE_FRAMES + 1):
            self._push(k * frame_us, EV_FRAME, k, 0)
        for s, e, _ in self.partitions:
            self._push(e, EV_RECONCILE, s, e)

        i = 0
        end = 1 << 62  # "no more arrivals": later than any event
        next_arrival = a_times[0] if n else end
        invoke = self._invoke
        done = self._done
        arrive = self._arrive
        seq = self._seq
        o_node = self.o_node
        while True:
            if next_arrival <= (heap[0][0] if heap else end):
                if next_arrival == end:
                    break  # no arrival left and an empty heap
                t = next_arrival
                self.now = t
                kind = a_kinds[i]
                s = a_sess[i]
                cr = sess_region[s]
                # one dict literal per request: its final shape at once ("_dl", "_cr" leave at the end)
                if kind == ORDER:
                    op = {
                        "id": i,
                        "session": s,
                        "f": "order",
                        "key": a_keys[i],
                        "invoke": t,
                        "complete": None,
                        "node": "",
                        "outcome": "fail",
                        "error": "",
                        "qty": a_qty[i],
                        "seen": None,
                        "_dl": t + deadline,
                        "_cr": cr,
                    }
                elif kind == PROFILE_WRITE:
                    op = {
                        "id": i,
                        "session": s,
                        "f": "write",
                        "key": a_keys[i],
                        "invoke": t,
                        "complete": None,
                        "node": "",
                        "outcome": "fail",
                        "error": "",
                        "value": a_vals[i],
                        "_dl": t + deadline,
                        "_cr": cr,
                    }
                elif kind == EVENT_WRITE:
                    op = {
                        "id": i,
                        "session": s,
                        "f": "incr",
                        "key": a_keys[i],
                        "invoke": t,
                        "complete": None,
                        "node": "",
                        "outcome": "fail",
                        "error": "",
                        "value": 1,
                        "_dl": t + deadline,
                        "_cr": cr,
                    }
                else:
                    op = {
                        "id": i,
                        "session": s,
                        "f": "read",
                        "key": a_keys[i],
                        "invoke": t,
                        "complete": None,
                        "node": "",
                        "outcome": "fail",
                        "error": "",
                        "_dl": t + deadline,
                        "_cr": cr,
                    }
                hist[i] = op
                invoke(t, i, kind, kind_pol[kind], cr, op, a_vals[i])
                i += 1
                next_arrival = a_times[i] if i < n else end
                continue
            t, _, ev, a, b = heappop(heap)
            self.now = t
            if ev == EV_DONE:
                done(t, t, a, servers[b])
            elif ev == EV_START:
                done(t, b, a, servers[o_node[a]])
            elif ev == EV_ARRIVE:
                arrive(t, a)
            elif ev == EV_LOCK:
                self._start(t, a, servers[o_node[a]])
            elif ev == EV_PS:
                srv = servers[a]
                if b != srv.gen:
                    continue
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
                    heappush(heap, (t + wait if wait > 0 else t, seq(), EV_PS, a, gen))
                for opi in finished:
                    done(t, t, opi, srv)
            elif ev == EV_QREAD:
                self._quorum_read_done(t, a)
            elif ev == EV_WORKER:
                self._worker(t)
            elif ev == EV_FRAME:
                self._frame(t)
            else:
                self._reconcile(t)

    def _push(self, t: int, ev: int, a: int, b: int) -> None:
        heappush(self.heap, (t, self._seq(), ev, a, b))

    # ------------------------------------------------------------------------------------ invocation
    def _invoke(self, t, i, kind, pol, cr, op, value) -> None:
        if kind == ORDER:
            if pol.write_to == "cache_queue":
                o_step = ST_CATOM if pol.atomic else ST_CGET
                self._send_cache(t, i, op, o_step, cr, pol)
            elif pol.stock_check != "read_then_write":
                self._send_primary_write(
                    t, i, op, ST_FORUPD if pol.stock_check == "for_update" else ST_COND, cr, pol
                )
            else:
                self._send_read(t, i, op, cr, pol, kind)
        elif kind == PROFILE_WRITE or kind == EVENT_WRITE:
            if pol.write_to == "cache_queue":
                self._send_cache(t, i, op, ST_CWRITE, cr, pol)
            elif pol.write_to == "quorum":
                self._quorum_write(t, i, op, cr, pol, value)
            else:
                self._send_primary_write(t, i, op, ST_WRITE, cr, pol)
        else:
            self._send_read(t, i, op, cr, pol, kind)

    def _fail(self, op: dict, at: int, error: str) -> None:
        if at > op["_dl"]:
            at, error = op["_dl"], "timeout"
        op["complete"] = at
        op["error"] = error

    def _answer(self, op: dict, at: int, node: str) -> bool:
        """The client gets an ok answer at `at` from `node` (or a timeout if that is past its deadline)."""
        if at > op["_dl"]:
            op["complete"] = op["_dl"]
            op["error"] = "timeout"
            return False
        op["complete"] = at
        op["outcome"] = "ok"
        op["node"] = node
        return True

    def _to_server(self, t: int, i: int, srv: _Server, step: int, cr: int) -> None:
        self.o_node[i] = srv.idx
        self.o_step[i] = step
        at = t + self.req[cr][srv.region]
        if at == self.now:
            self._arrive(at, i)
        else:
            heappush(self.heap, (at, self._seq(), EV_ARRIVE, i, 0))

    def _send_cache(self, t, i, op, step, cr, pol) -> None:
        srv = self.servers[self.cache_idx]
        if self.partitions and self.cut_until(cr, srv.region, t) is not None:
            self._fail(op, t + self.one_way[cr][cr] * 2, "unavailable")
            return
        self._to_server(t, i, srv, step, cr)

    def _send_primary_write(self, t, i, op, step, cr, pol) -> None:
        primary = self.servers[PRIMARY]
        heal = self.cut_until(cr, primary.region, t) if self.partitions else None
        if heal is None:
            self._to_server(t, i, primary, step, cr)
            return
        if pol.refuse:
            self._fail(op, t + self.one_way[cr][cr] * 2, "unavailable")
            return
        # serve_local: accept on this side of the partition, reconcile with the primary when it heals
        local = self._local_node(cr, t)
        if local is None:
            self._fail(op, t + self.one_way[cr][cr] * 2, "unavailable")
            return
        if op["f"] == "order":
            # the check reads what this side has: a local replica (stale), else nothing to check against
            if local.idx != PRIMARY and 0 < local.idx <= self.n_replicas:
                self._to_server(t, i, local, ST_READ, cr)
                self.o_extra[i] = (heal,)
                return
        at = t + self.one_way[cr][local.region] * 2
        if self._answer(op, at, local.name):
            self._pending_reconcile(heal, i)
            self._note_write(op, at)

    def _local_node(self, cr: int, t: int) -> _Server | None:
        """A replica (or the cache) this client can reach during a partition, nearest first."""
        best = None
        for srv in self.servers[1:]:
            if self.cut_until(cr, srv.region, t) is None and self.down_until(srv.crashes, t) is None:
                if best is None or self.one_way[cr][srv.region] < self.one_way[cr][best.region]:
                    best = srv
        return best

    def _pending_reconcile(self, heal: int, i: int) -> None:
        now = self.now
        if heal <= now:  # the partition healed while this order was being checked
            self.reconcile_q.setdefault(now, []).append(i)
            self._reconcile(now)
            return
        self.reconcile_q.setdefault(heal, []).append(i)

    def _note_write(self, op: dict, at: int) -> None:
        s = op["session"]
        if at > self.last_write[s]:
            self.last_write[s] = at

    def _send_read(self, t, i, op, cr, pol, kind) -> None:
        src = pol.read_from
        s = op["session"]
        if pol.ryw_us and src != "quorum" and t - self.last_write[s] < pol.ryw_us:
            src = "primary"
        if src == "quorum":
            self._quorum_read(t, i, op, cr, pol, kind)
            return
        primary = self.servers[PRIMARY]
        primary_cut = bool(self.partitions) and self.cut_until(cr, primary.region, t) is not None
        if primary_cut and pol.refuse:
            self._fail(op, t + self.one_way[cr][cr] * 2, "unavailable")
            return
        srv: _Server | None
        if src == "cache":
            srv = self.servers[self.cache_idx]
            if self.cut_until(cr, srv.region, t) is not None:
                self._fail(op, t + self.one_way[cr][cr] * 2, "unavailable")
                return
            self.eventual_reads += 1
            self._to_server(t, i, srv, ST_READ, cr)
            return
        if src == "replica":
            if self.simple_replicas and pol.max_stale_us is None and not pol.monotonic:
                # _pick_replica's round robin, inlined for its common case
                srv = self.servers[1 + self.rr % self.n_replicas]
                self.rr += 1
            else:
                srv = self._pick_replica(t, s, cr, pol)
            if srv is not None:
                self.eventual_reads += 1
                self._to_server(t, i, srv, ST_READ, cr)
                return
        if primary_cut:
            srv = self._local_node(cr, t)
            if srv is None:
                self._fail(op, t + self.one_way[cr][cr] * 2, "unavailable")
                return
            self.eventual_reads += 1
            self._to_server(t, i, srv, ST_READ, cr)
            return
        self.strong_reads += 1
        self._to_server(t, i, primary, ST_READ, cr)

    def _pick_replica(self, t: int, s: int, cr: int, pol: _Pol) -> _Server | None:
        nrep = self.n_replicas
        start = self.rr
        self.rr += 1
        if self.simple_replicas and pol.max_stale_us is None and not pol.monotonic:
            return self.servers[1 + start % nrep]
        log = self.log
        for k in range(nrep):
            r = (start + k) % nrep
            srv = self.servers[1 + r]
            if self.partitions and self.cut_until(cr, srv.region, t) is not None:
                continue
            if srv.crashes and self.down_until(srv.crashes, t) is not None:
                continue
            if pol.max_stale_us is not None and log.lag_us(r, t) > pol.max_stale_us:
                continue
            if pol.monotonic and log.applied(r, t) < self.watermark[s]:
                continue
            return srv
        return None

    # --------------------------------------------------------------------------------------- servers
    def _arrive(self, t: int, i: int) -> None:
        srv = self.servers[self.o_node[i]]
        dl = self.hist[i]["_dl"]
        if t > dl:
            return  # the client has given up: it will be recorded as a timeout
        if srv.crashes and self.down_until(srv.crashes, t) is not None:
            return  # a crashed node answers nothing
        queue = srv.aggregate
        if queue is not None:
            # a real-size server under the full-rate load: this sampled request waits in its queue
            locking = self.o_step[i] == ST_FORUPD
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
            if cores is not None and self.o_step[i] != ST_FORUPD:
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

    def _start(self, t: int, i: int, srv: _Server) -> None:
        demand = srv.draw()
        if self.o_step[i] == ST_FORUPD:
            key = self.hist[i]["key"]
            if key in self.locked:
                self.lockq.setdefault(key, deque()).append(i)
                self.lock_waiters += 1
                if self.lock_waiters > self.lock_peak:
                    self.lock_peak = self.lock_waiters
                return
            self.locked.add(key)
            demand += srv.draw()  # SELECT ... FOR UPDATE, then the UPDATE, in one transaction
        self._execute(t, i, srv, demand)

    def _execute(self, t: int, i: int, srv: _Server, demand: int) -> None:
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

    def _ps_schedule(self, t: int, srv: _Server) -> None:
        gen = srv.gen + 1
        srv.gen = gen
        n_act = srv.n
        if n_act:
            cores = srv.cores
            assert cores is not None  # only a server with cores shares them between its queries
            dt = srv.heap[0][0] - srv.vt
            if n_act > cores:  # at full speed the rate is 1.0, and x / 1.0 == x
                dt = dt / (cores / n_act)
            wait = ceil(dt)
            heappush(self.heap, (t + wait if wait > 0 else t, self._seq(), EV_PS, srv.idx, gen))

    def _release(self, t: int, srv: _Server) -> None:
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
            if t > hist[j]["_dl"]:
                continue  # gave up while waiting for a connection
            srv.started += 1
            srv.waited += t - since
            self._start(t, j, srv)
            return
        srv.busy -= 1

    def _unlock(self, t: int, key: str, srv: _Server) -> None:
        q = self.lockq.get(key)
        hist = self.hist
        while q:
            j = q.popleft()
            self.lock_waiters -= 1
            if t > hist[j]["_dl"]:
                self._release(t, srv)  # cancelled while waiting for the lock: frees its connection
                continue
            self._execute(t, j, srv, srv.draw() + srv.draw())
            return
        self.locked.discard(key)

    def _done(self, t: int, fin: int, i: int, srv: _Server) -> None:
        """Query i on srv takes effect at t and finishes at fin (t == fin for a query that ran on the
        event path; a direct server's query takes effect as it starts, like a statement's snapshot)."""
        step = self.o_step[i]
        op = self.hist[i]
        key = op["key"]
        cr = op["_cr"]
        back = fin + self.resp[srv.region][cr] + self.o_owe[i]
        if not srv.direct:
            if step == ST_FORUPD:
                self._unlock(t, key, srv)
            self._release(t, srv)
        elif step == ST_FORUPD:
            self._unlock(t, key, srv)
        if step == ST_READ:
            self._read_done(t, fin, i, op, srv, back)
        elif step == ST_DECR or step == ST_FORUPD or step == ST_COND:
            cur = self.cur[key]
            stock = cur if isinstance(cur, int) else 0
            if step != ST_DECR:
                if step == ST_FORUPD:
                    op["seen"] = max(0, stock)
                if stock < op["qty"]:
                    self._fail(op, back, "out_of_stock")
                    if op["error"] == "out_of_stock":
                        op["node"] = srv.name
                    return
            if back <= op["_dl"]:
                self._commit(key, stock - op["qty"], t)
                self.writes += 1
            self._answer(op, back, srv.name)
        elif step == ST_WRITE:
            if back <= op["_dl"]:
                cur = self.cur[key]
                self._commit(key, op["value"] if op["f"] == "write" else cur + 1, t)  # type: ignore[operator]  # a counter's value is an int
                self.writes += 1
            if self._answer(op, back, srv.name):
                self._note_write(op, back)
        elif step == ST_CGET:
            seen = self._cache_stock(key, t)
            op["seen"] = max(0, seen)
            if seen < op["qty"]:
                self._fail(op, back, "out_of_stock")
                if op["error"] == "out_of_stock":
                    op["node"] = srv.name
                return
            if back > op["_dl"]:
                self._fail(op, back, "timeout")
                return
            self._chain(fin, i, srv, cr, ST_CDECR, srv)
        elif step == ST_CDECR or step == ST_CATOM:
            stock = self._cache_stock(key, t)
            if step == ST_CATOM and stock < op["qty"]:
                self._fail(op, back, "out_of_stock")
                if op["error"] == "out_of_stock":
                    op["node"] = srv.name
                return
            self.cache_ctr[key] = stock - op["qty"]
            if self._answer(op, back, srv.name):
                self._enqueue(t, i)
        elif step == ST_CWRITE:
            if self._answer(op, back, srv.name):
                self._enqueue(t, i)
                self._note_write(op, back)

    def _chain(self, t: int, i: int, came_from: _Server, cr: int, step: int, dest: _Server) -> None:
        """The client's app got step k's answer and sends step k+1 to `dest`."""
        # The app really waits for the answer before the next step: the time between the steps is the
        # window in which other clients race (a GET then a DECR), so it is never folded away.
        self._to_server(t + self.resp[came_from.region][cr], i, dest, step, cr)

    def _cache_stock(self, key: str, t: int) -> int:
        v = self.cache_ctr.get(key)
        if v is None:
            v = self.cache_ctr[key] = self.cur_initial(key)
        return v

    def _cache_stock_expiring(self, key: str, t: int) -> int:
        """`_cache_stock` with counters that expire `counter_ttl_us` after they were loaded. The first
        load is the starting stock (the cache is warmed before the sale); a reload reads the primary's
        committed stock, which lacks every order still waiting in the worker's queue, so the counter
        comes back higher than the truth and the cache sells those units again."""
        v = self.cache_ctr.get(key)
        if v is None:
            v = self.cache_ctr[key] = self.cur_initial(key)
            self.cache_exp[key] = t + self.counter_ttl_us  # type: ignore[operator]  # set whenever counters expire (this path)
        elif t >= self.cache_exp[key]:
            cur = self.cur[key]
            v = self.cache_ctr[key] = cur if isinstance(cur, int) else 0
            self.cache_exp[key] = t + self.counter_ttl_us  # type: ignore[operator]  # set whenever counters expire (this path)
        return v

    def cur_initial(self, key: str) -> int:
        v = self.arr.initial[key]
        return v if isinstance(v, int) else 0

    def _commit(self, key: str, value, t: int) -> None:
        self.cur[key] = value
        self.log.commit(key, value, t)

    def _read_value(self, srv: _Server, key: str, t: int):
        idx = srv.idx
        if idx == PRIMARY:
            return self.cur[key]
        if idx == self.cache_idx:
            if key in self.cache_ctr:
                if self.counter_ttl_us is not None:
                    return self._cache_stock(key, t)  # an expired counter is reloaded by a read too
                return self.cache_ctr[key]
            # a cache-aside copy, refreshed from the primary every ttl
            return self.log.value_at(key, t - t % self.cache_ttl_us, self.arr.initial[key])
        return self.log.replica_value(idx - 1, key, t, self.arr.initial[key])

    def _read_done(self, t: int, fin: int, i: int, op: dict, srv: _Server, back: int) -> None:
        key = op["key"]
        idx = srv.idx
        if idx == PRIMARY:
            value = self.cur[key]
        elif idx == self.cache_idx:
            value = self._read_value(srv, key, t)
        else:
            # ReplicaLog.replica_value, inlined: a bisect over the key's apply times on that replica
            log = self.log
            ka = log.key_apply[idx - 1].get(key)
            if ka:
                j = bisect_right(ka, t)
                value = log.key_vals[key][j - 1] if j else self.arr.initial[key]
            else:
                value = self.arr.initial[key]
        if key[0] == "s" and value < 0:  # type: ignore[operator]  # stock keys (s...) hold ints
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
        dl = op["_dl"]  # _answer, inlined
        if back > dl:
            op["complete"] = dl
            op["error"] = "timeout"
            return
        op["complete"] = back
        op["outcome"] = "ok"
        op["node"] = srv.name
        op["value"] = value

    def _order_checked(self, t: int, at: int, i: int, op: dict, seen, srv: _Server | None) -> None:
        """The check step of a read-then-write order read `seen` at t (its answer reaches the app at
        `at`, owed time included)."""
        op["seen"] = seen
        if at > op["_dl"]:
            self._fail(op, at, "timeout")
            return
        if seen < op["qty"]:
            self._fail(op, at, "out_of_stock")
            if op["error"] == "out_of_stock":
                op["node"] = srv.name if srv is not None else ""
            return
        extra = self.o_extra.pop(i, None)
        if extra is not None and len(extra) == 1:
            # serve_local during a partition: accept here, reconcile with the primary at the heal
            if self._answer(op, at, srv.name if srv is not None else ""):
                self._pending_reconcile(extra[0], i)
            return
        pol = self.kind_pol[ORDER]
        cr = op["_cr"]
        if pol.write_to == "quorum":
            self._quorum_write(at, i, op, cr, pol, seen - op["qty"])
            return
        # the app sends the decrement once the check's answer is back (the race window is real time)
        self._send_primary_write(at - self.o_owe[i], i, op, ST_DECR, cr, pol)

    # ---------------------------------------------------------------------------------------- worker
    def _enqueue(self, t: int, i: int) -> None:
        self.worker_q.append(i)
        if len(self.worker_q) > self.worker_peak:
            self.worker_peak = len(self.worker_q)
        if not self.worker_busy and self.worker_interval != float("inf"):  # a stopped worker never drains
            self.worker_busy = True
            at = max(float(t), self.worker_next)
            self._push(ceil(at), EV_WORKER, 0, 0)

    def _worker(self, t: int) -> None:
        primary = self.servers[PRIMARY]
        down = self.down_until(primary.crashes, t) if primary.crashes else None
        if down is not None:
            self._push(down, EV_WORKER, 0, 0)
            return
        i = self.worker_q.popleft()
        op = self.hist[i]
        key = op["key"]
        f = op["f"]
        if f == "order":
            cur = self.cur[key]
            if cur >= op["qty"]:  # UPDATE ... WHERE stock >= qty
                self._commit(key, cur - op["qty"], t)
                self.writes += 1
            else:
                self.compensated += 1
                if self.kind_pol[ORDER].compensate:
                    self.cancels.append(
                        {
                            "id": -1,
                            "session": op["session"],
                            "f": "cancel",
                            "key": key,
                            "invoke": t,
                            "complete": t,
                            "node": "worker",
                            "outcome": "ok",
                            "error": "",
                            "order": i,
                        }
                    )
        elif f == "write":
            self._commit(key, op["value"], t)
            self.writes += 1
        else:
            counter = self.cur[key]
            assert isinstance(counter, int)  # an increment's key is a counter
            self._commit(key, counter + 1, t)
            self.writes += 1
        self.worker_next = t + self.worker_interval
        if self.worker_q:
            self._push(ceil(self.worker_next), EV_WORKER, 0, 0)
        else:
            self.worker_busy = False

    # ------------------------------------------------------------------------------ partition heals
    def _reconcile(self, t: int) -> None:
        """Writes accepted on the far side of a partition reach the primary when it heals."""
        for i in self.reconcile_q.pop(t, []):
            op = self.hist[i]
            key = op["key"]
            if op["f"] == "order":
                cur = self.cur[key]
                self._commit(key, cur - op["qty"], t)
            elif op["f"] == "write":
                self._commit(key, op["value"], t)
            else:
                self._commit(key, self.cur[key] + 1, t)  # type: ignore[operator]  # a counter's value is an int
            self.writes += 1

    # -------------------------------------------------------------------------------------- quorum
    @staticmethod
    def _q_always(node: int, t: int) -> None:
        return None

    def _q_reach(self, coord_region: int):
        store = self.quorum
        assert store is not None
        if self.q_healthy:
            return self._q_always  # no partition and no crash: every node is always reachable
        regions = store.regions

        def reach(node: int, t: int) -> int | None:
            down = self.down_until(self.q_crashes[node], t)
            cut = self.cut_until(coord_region, regions[node], t) if self.partitions else None
            if down is None:
                return cut
            return down if cut is None else max(down, cut)

        return reach

    def _q_extra(self, node: int, t: int) -> int:
        if not self.q_spikes[node]:
            return 0
        return sum(extra for s, e, extra in self.q_spikes[node] if s <= t < e)

    def _q_coordinator(self, cr: int, t: int) -> int | None:
        store = self.quorum
        assert store is not None
        if self.q_healthy:
            best = self.q_coord.get(cr, -1)
            if best != -1:
                return best
            self.q_coord[cr] = best = self._q_nearest(cr, t)
            return best
        return self._q_nearest(cr, t)

    def _q_nearest(self, cr: int, t: int) -> int | None:
        store = self.quorum
        assert store is not None
        best = None
        for k in range(store.n):
            if self.down_until(self.q_crashes[k], t) is not None:
                continue
            if self.partitions and self.cut_until(cr, store.regions[k], t) is not None:
                continue
            if best is None or self.one_way[cr][store.regions[k]] < self.one_way[cr][store.regions[best]]:
                best = k
        return best

    def _quorum_write(self, t, i, op, cr, pol, value) -> None:
        store = self.quorum
        assert store is not None
        coord = self._q_coordinator(cr, t)
        if coord is None:
            self._fail(op, t + self.one_way[cr][cr] * 2, "unavailable")
            return
        creg = store.regions[coord]
        hop = self.one_way[cr][creg]
        tc = t + hop
        reach = self._q_reach(creg)
        alive = store.n if self.q_healthy else sum(1 for k in range(store.n) if reach(k, tc) is None)
        need = needed(pol.write_level, store.n)
        if alive < need:
            if pol.refuse or alive == 0:
                self._fail(op, tc + hop, "unavailable")
                return
            need = alive
        if op["f"] == "incr":
            acks = store.write(tc, coord, op["key"], (tc, i), None, reach, self._q_extra, i)
        else:
            acks = store.write(tc, coord, op["key"], (tc, i), value, reach, self._q_extra, i)
        self.writes += 1
        at = acks[need - 1] + hop
        if self._answer(op, at, store.names[coord]):
            self._note_write(op, at)

    def _quorum_read(self, t, i, op, cr, pol, kind) -> None:
        store = self.quorum
        assert store is not None
        coord = self._q_coordinator(cr, t)
        if coord is None:
            self._fail(op, t + self.one_way[cr][cr] * 2, "unavailable")
            return
        creg = store.regions[coord]
        hop = self.one_way[cr][creg]
        tc = t + hop
        replies = store.read_plan(tc, coord, self._q_reach(creg), i)
        need = needed(pol.read_level, store.n)
        if len(replies) < need:
            if pol.refuse or not replies:
                self._fail(op, tc + hop, "unavailable")
                return
            need = len(replies)
        if need >= needed("QUORUM", store.n):
            self.strong_reads += 1
        else:
            self.eventual_reads += 1
        chosen = replies[:need]
        evaluate_at = max(at for _, _, at in chosen)
        self.o_extra[i] = (chosen, chosen[-1][0] + hop, coord, kind, replies)
        self._push(evaluate_at, EV_QREAD, i, 0)

    def _quorum_read_done(self, t: int, i: int) -> None:
        store = self.quorum
        assert store is not None
        chosen, at, coord, kind, replies = self.o_extra.pop(i)
        node = store.names[coord]
        op = self.hist[i]
        key = op["key"]
        initial = self.arr.initial[key]
        counter = kind == COUNTER_READ
        if store.read_repair and not counter:
            ts, value = store.newest(key, chosen, initial)
            if ts is not None:
                store.repair(t, coord, key, replies, ts, value)
        else:
            value = store.read_value(key, chosen, initial, counter)
        if kind == STOCK_READ or kind == ORDER:
            value = max(0, value)
        if op["f"] == "order":
            self._order_checked(t, at, i, op, value, None)
            if op["error"] == "out_of_stock":
                op["node"] = node
            return
        if self._answer(op, at, node):
            op["value"] = value

    # ---------------------------------------------------------------------------------------- trace
    def _frame(self, t: int) -> None:
        values: dict[str, float] = {}
        primary = self.servers[PRIMARY]
        scale = self.scale
        if primary.aggregate is not None:
            busy, waiting = primary.aggregate.occupancy(t, self.lock_waiters * scale)
            if busy > primary.peak:
                primary.peak = busy
            values["primary.pool_busy"] = round(busy, 1)
            values["primary.pool_waiting"] = round(waiting, 1)
        else:
            busy = sum(1 for f in primary.free if f > t) if primary.direct else primary.busy
            if busy > primary.peak:
                primary.peak = busy
            values["primary.pool_busy"] = busy
            waitq = primary.waitq
            hist = self.hist
            while waitq and hist[waitq[0]]["_dl"] < t:  # clients that gave up leave the count
                primary.queued_at.pop(waitq.popleft(), None)
            values["primary.pool_waiting"] = len(waitq)
        values["lock_waiters"] = self.lock_waiters * scale
        for r in range(self.n_replicas):
            values[f"{self.servers[1 + r].name}.lag_ms"] = self.log.lag_us(r, t) / 1000.0
        for item in range(min(3, self.scenario.workload.items)):
            key = f"stock/{item}"
            if key in self.cur:
                stock = self.cur[key]
                assert isinstance(stock, int)  # stock/<n> keys hold units
                values[key] = stock
                if key in self.cache_ctr:
                    values[f"cache.{key}"] = self.cache_ctr[key]
        values["worker.queue"] = len(self.worker_q) * scale
        values["partition"] = 1.0 if any(s <= t < e for s, e, _ in self.partitions) else 0.0
        self.frames.append((t, values))
