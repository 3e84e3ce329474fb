"""The discrete-event simulation behind `simulate()`: the world it builds and its event loop.

Time is an integer number of microseconds. Events are tuples `(t, seq, kind, a, b)` on one heap (seq makes
the order total and deterministic); arrivals are drawn up front and merged with the heap, so most
operations cost a couple of heap events. Per-operation state lives in parallel lists indexed by op id,
and the history op dict written for each operation is the only per-operation object.

What each part models lives in its own module, each a piece of `Simulation`:
`network` (partitions and crashes), `routing` (where a request goes and what the client sees),
`servers` (connection pools, CPU, row locks; `aggregate` for a sampled workload), `stock` (what a query
does to stock, cache counters and registers), `worker` (the order queue's worker, compensation,
reconciliation after a partition), `quorum_coordinator` (+ `quorum`, the store), `replication`.
"""

from __future__ import annotations

from collections import deque
from heapq import heappop, heappush
from itertools import count

from capquest.engine.aggregate import AggregateQueue
from capquest.engine.events import (
    EV_ARRIVE,
    EV_DONE,
    EV_FRAME,
    EV_LOCK,
    EV_PS_DEPARTURE,
    EV_QUORUM_READ,
    EV_RECONCILE,
    EV_START,
    EV_WORKER,
    TRACE_FRAMES,
    US,
)
from capquest.engine.model import OP_DATA_CLASS, OP_KINDS, Cache, Scenario, Server, Strategy
from capquest.engine.network import Network, fault_windows, region_delays, region_index
from capquest.engine.quorum import QuorumStore
from capquest.engine.quorum_coordinator import QuorumCoordination
from capquest.engine.replay import ReplayFrames
from capquest.engine.replication import ReplicaLog, ReplicaSpec
from capquest.engine.routing import CompiledPolicy, Routing, request_op
from capquest.engine.servers import ConnectionPools, ServerState, service_draws
from capquest.engine.stock import StockAndCache
from capquest.engine.streams import stream
from capquest.engine.worker import OrderWorker
from capquest.engine.workload import Arrivals, draw_arrivals


class Simulation(
    Network, Routing, ConnectionPools, StockAndCache, OrderWorker, QuorumCoordination, ReplayFrames
):
    """One run: the topology built from the scenario, per-op state, and the event loop."""

    def __init__(self, scenario: Scenario, strategy: Strategy, seed: int) -> None:
        self.scenario = scenario
        w = scenario.workload
        topo = scenario.topology
        self.scale = w.scale
        self.duration_us = int(w.duration_s * US)
        self.timeout_us = int(w.timeout_ms * 1000)

        regions, ridx = region_index(scenario)
        self.regions = regions
        self.one_way, self.req, self.resp = region_delays(topo, ridx)
        one_way = self.one_way
        client_regions = [ridx[s.region] for s in w.client_regions] or [ridx[topo.primary_region]]
        client_weights = [s.weight for s in w.client_regions] or [1.0]
        self.partitions, self.node_groups, crashes, spikes = fault_windows(scenario, ridx)
        self.partition_names_nodes = any(self.node_groups)

        # policies per op kind (a hybrid picks one per data class)
        self.has_replicas = bool(topo.replicas)
        has_quorum = topo.quorum is not None
        self.policy_of_kind = [
            CompiledPolicy(strategy.policy_for(OP_DATA_CLASS[k]), self.has_replicas, has_quorum)
            for k in OP_KINDS
        ]
        mix = w.mix
        active = [getattr(mix, k) > 0 for k in OP_KINDS]
        used = [p for p, a in zip(self.policy_of_kind, active, strict=True) if a]
        needs_cache = any(p.read_from == "cache" or p.write_to == "cache_queue" for p in used)
        cache = (
            topo.cache
            if topo.cache is not None
            else (Cache(region=topo.primary_region) if needs_cache else None)
        )

        # servers: primary, replicas, cache
        service_rng = service_draws(stream(seed, "service"))
        queue_rng = stream(seed, "queueing")
        real_rate = sorted((p.at_s, p.rps) for p in w.rate)

        def queue(spec: Server) -> AggregateQueue | None:
            if w.scale == 1:
                return None  # every request is simulated: the discrete servers are exact
            return AggregateQueue(spec, real_rate, self.timeout_us, queue_rng)

        self.servers: list[ServerState] = [
            ServerState(
                0, "primary", ridx[topo.primary_region], topo.primary, service_rng, queue(topo.primary)
            )
        ]
        self.servers[0].crashes = crashes.get("primary", [])
        specs = []
        for r in topo.replicas:
            srv = ServerState(
                len(self.servers), r.name, ridx[r.region], r.server, service_rng, queue(r.server)
            )
            srv.crashes = crashes.get(r.name, [])
            self.servers.append(srv)
            outages = list(srv.crashes)
            primary_region = self.servers[0].region
            for (s, e, group_of), node_of in zip(self.partitions, self.node_groups, strict=True):
                # a replica cut from the primary stops applying and catches up when the cut heals
                if self._cut_ends(group_of, node_of, srv.region, srv.name, primary_region, "primary"):
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
            srv = ServerState(
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
            self.quorum_crashes = [crashes.get(n.name, []) for n in q.nodes]
            self.quorum_healthy = not self.partitions and not any(self.quorum_crashes)
            self.quorum_coordinators: dict[int, int | None] = {}
            self.quorum_spikes = [spikes.get(n.name, []) for n in q.nodes]
        self.worker_interval = US * w.scale / topo.worker.rps if topo.worker.rps > 0 else float("inf")

        self.arr: Arrivals = draw_arrivals(w, seed, client_weights)
        self.arr.session_region = [client_regions[i] for i in self.arr.session_region]
        self.used_pols = used
        self.simple_replicas = not self.partitions and not any(
            srv.crashes for srv in self.servers[1 : 1 + self.n_replicas]
        )
        self.track_marks = any(p.monotonic for p in used)  # freshness watermarks, for monotonic reads
        self.needs_cache = needs_cache

    # ------------------------------------------------------------------------------------------- run
    def run(self) -> None:
        arr = self.arr
        n = len(arr.times)
        self._reset(n)
        times, kinds, keys, sessions, qtys, values = (
            arr.times,
            arr.kinds,
            arr.keys,
            arr.sessions,
            arr.qtys,
            arr.values,
        )
        session_region = arr.session_region
        hist = self.hist
        heap = self.heap
        servers = self.servers
        policy_of_kind = self.policy_of_kind
        frame_us = max(1, self.duration_us // TRACE_FRAMES)
        for k in range(1, TRACE_FRAMES + 1):
            self._push(k * frame_us, EV_FRAME, k, 0)
        for s, e, _ in self.partitions:
            self._push(e, EV_RECONCILE, s, e)

        i = 0
        end = 1 << 62  # "no more arrivals": later than any event
        next_arrival = times[0] if n else end
        invoke, done, arrive, op_server = self._invoke, self._done, self._arrive, self.op_server_index
        while True:
            if next_arrival <= (heap[0][0] if heap else end):  # the next client request comes first
                if next_arrival == end:
                    break  # no arrival left and an empty heap
                t = self.now = next_arrival
                kind = kinds[i]
                client_region = session_region[sessions[i]]
                op = request_op(i, kind, sessions[i], keys[i], t, qtys[i], values[i])
                hist[i] = op
                invoke(t, i, kind, policy_of_kind[kind], client_region, op, values[i])
                i += 1
                next_arrival = times[i] if i < n else end
                continue
            t, _, ev, a, b = heappop(heap)
            self.now = t
            if ev == EV_DONE:
                done(t, t, a, servers[b])
            elif ev == EV_START:
                done(t, b, a, servers[op_server[a]])
            elif ev == EV_ARRIVE:
                arrive(t, a)
            elif ev == EV_LOCK:
                self._start(t, a, servers[op_server[a]])
            elif ev == EV_PS_DEPARTURE:
                self._ps_departures(t, servers[a], b)
            elif ev == EV_QUORUM_READ:
                self._quorum_read_done(t, a)
            elif ev == EV_WORKER:
                self._worker(t)
            elif ev == EV_FRAME:
                self._frame(t)
            else:
                self._reconcile(t)

    def _reset(self, n: int) -> None:
        """Per-run state: per-op columns for n requests, the data, locks, queues, counters, the heap."""
        self.hist: list[dict] = [None] * n  # type: ignore[list-item]  # filled by index before it is read
        self.op_server_index = [0] * n
        self.op_step = [0] * n
        self.owed_us = [0] * n
        self.op_pending: dict[int, tuple] = {}
        # op index -> lag (µs) of the replica that answered that read, when it answered: kept beside the
        # history (not in it) so every run's digest stays the same
        self.read_lag_us: dict[int, int] = {}
        # op index -> what answered a read with a lag, when not a replica or a cache-aside copy: "quorum",
        # "counter" (a cache stock counter), "partition" (its oldest missed write was accepted across one)
        self.read_lag_source: dict[int, str] = {}
        self.partition_writes = False  # a write was accepted across a partition (reads' lags count it)
        self.unreconciled_since: dict[int, int] = {}  # heal time -> oldest acceptance among its writes
        self.reconciled_at: list[int] = []  # log positions of reconciled writes acknowledged before then
        self.reconciled_oldest: list[int] = []  # from each of those on, the oldest acknowledgement
        self.quorum_committed_us: dict[int, int] = {}  # quorum write's op -> its W-th ack at the coordinator
        self.counter_queued: dict[str, deque[int]] = {}  # key -> when each queued order took its counter
        self.counter_missed: dict[str, int] = {}  # key -> oldest order its counter lacks since reloading
        self.committed: dict[str, int | str] = dict(self.arr.initial)
        self.cache_counters: dict[str, int] = {}
        self.counter_expiry: dict[str, int] = {}  # when each stock counter expires (counter_ttl_s only)
        self.last_write = [-(1 << 60)] * self.scenario.workload.sessions
        self.watermark = [0] * self.scenario.workload.sessions
        self.locked: set[str] = set()
        self.lock_queues: dict[str, deque[int]] = {}
        self.lock_waiters = 0
        self.lock_peak = 0
        self.order_queue: deque[int] = deque()
        self.worker_busy = False
        self.worker_next = 0.0
        self.worker_peak = 0
        self.cancels: list[dict] = []
        self.reconcile_q: dict[int, list[int]] = {}
        self.compensated = 0
        self.frames: list[tuple[int, dict[str, float]]] = []
        self.round_robin = 0
        self.strong_reads = 0
        self.eventual_reads = 0
        self.writes = 0
        self.heap: list[tuple] = []
        self._seq = count().__next__
        self.now = 0

    def _push(self, t: int, ev: int, a: int, b: int) -> None:
        heappush(self.heap, (t, self._seq(), ev, a, b))

    # --------------------------------------------------------------------------------------- servers

    # ------------------------------------------------------------------------------ partition heals

    # ---------------------------------------------------------------------------------------- trace
