"""What every part of a `Simulation` shares: its state and the steps the parts call on one another.

The parts (`network`, `routing`, `servers`, `stock`, `worker`, `quorum_coordinator`, `replay`) are pieces
of one class, `core.Simulation`; each inherits this declaration so it reads on its own and type-checks.
Nothing here runs: attributes are set by `Simulation.__init__` and `Simulation._reset`.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from capquest.engine.model import Scenario
    from capquest.engine.quorum import QuorumStore
    from capquest.engine.replication import ReplicaLog
    from capquest.engine.routing import CompiledPolicy
    from capquest.engine.servers import ServerState
    from capquest.engine.workload import Arrivals


class SimulationState:
    # the world, built once
    scenario: Scenario
    scale: int
    duration_us: int
    timeout_us: int
    regions: list[str]
    one_way: list[list[int]]
    req: list[list[int]]
    resp: list[list[int]]
    partitions: list[tuple[int, int, dict[int, int]]]
    node_groups: list[dict[str, int]]  # per partition: the group of each node it names
    partition_names_nodes: bool
    has_replicas: bool
    policy_of_kind: list[CompiledPolicy]
    used_pols: list[CompiledPolicy]
    servers: list[ServerState]
    n_replicas: int
    simple_replicas: bool
    track_marks: bool
    needs_cache: bool
    log: ReplicaLog
    cache_idx: int
    cache_ttl_us: int
    counter_ttl_us: int | None
    quorum: QuorumStore | None
    quorum_crashes: list[list[tuple[int, int]]]
    quorum_healthy: bool
    quorum_coordinators: dict[int, int | None]
    quorum_spikes: list[list[tuple[int, int, int]]]
    worker_interval: float
    arr: Arrivals
    # per run
    now: int
    heap: list[tuple]
    _seq: Callable[[], int]
    hist: list[dict]
    op_server_index: list[int]
    op_step: list[int]
    owed_us: list[int]
    op_pending: dict[int, tuple]
    read_lag_us: dict[int, int]
    read_lag_source: dict[int, str]
    partition_writes: bool
    unreconciled_since: dict[int, int]
    reconciled_at: list[int]
    reconciled_oldest: list[int]
    quorum_committed_us: dict[int, int]
    counter_queued: dict[str, deque[int]]
    counter_missed: dict[str, int]
    committed: dict[str, Any]
    cache_counters: dict[str, int]
    counter_expiry: dict[str, int]
    last_write: list[int]
    watermark: list[int]
    locked: set[str]
    lock_queues: dict[str, deque[int]]
    lock_waiters: int
    lock_peak: int
    order_queue: deque[int]
    worker_busy: bool
    worker_next: float
    worker_peak: int
    cancels: list[dict]
    reconcile_q: dict[int, list[int]]
    compensated: int
    frames: list[tuple[int, dict[str, float]]]
    round_robin: int
    strong_reads: int
    eventual_reads: int
    writes: int

    if TYPE_CHECKING:  # the steps one part calls on another (each defined in its part)

        def _push(self, t: int, ev: int, a: int, b: int) -> None: ...
        def cut_until(self, a: int, b: int, t: int) -> int | None: ...
        def node_cut_until(self, a: int, a_node: str, b: int, b_node: str, t: int) -> int | None: ...
        def client_cut_until(self, client_region: int, srv: ServerState, t: int) -> int | None: ...
        @staticmethod
        def down_until(windows: list[tuple[int, int]], t: int) -> int | None: ...
        def _local_node(self, client_region: int, t: int) -> ServerState | None: ...
        def _fail(self, op: dict, at: int, error: str) -> None: ...
        def _answer(self, op: dict, at: int, node: str) -> bool: ...
        def _note_write(self, op: dict, at: int) -> None: ...
        def _to_server(self, t: int, i: int, srv: ServerState, step: int, client_region: int) -> None: ...
        def _send_primary_write(self, t, i, op, step, client_region, policy) -> None: ...
        def _chain(
            self, t: int, i: int, came_from: ServerState, client_region: int, step: int, dest: ServerState
        ) -> None: ...
        def _arrive(self, t: int, i: int) -> None: ...
        def _start(self, t: int, i: int, srv: ServerState) -> None: ...
        def _execute(self, t: int, i: int, srv: ServerState, demand: int) -> None: ...
        def _release(self, t: int, srv: ServerState) -> None: ...
        def _unlock(self, t: int, key: str, srv: ServerState) -> None: ...
        def _done(self, t: int, fin: int, i: int, srv: ServerState) -> None: ...
        def _cache_stock(self, key: str, t: int) -> int: ...
        def _commit(self, key: str, value: Any, t: int) -> None: ...
        def _order_checked(
            self, t: int, at: int, i: int, op: dict, seen: Any, srv: ServerState | None
        ) -> None: ...
        def _enqueue(self, t: int, i: int) -> None: ...
        def _pending_reconcile(self, heal: int, i: int) -> None: ...
        def _reconcile(self, t: int) -> None: ...
        def _quorum_write(self, t, i, op, client_region, policy, value) -> None: ...
        def _quorum_read(self, t, i, op, client_region, policy, kind) -> None: ...
