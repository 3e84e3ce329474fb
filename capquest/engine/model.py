"""The engine's inputs: a *scenario* (what the world does to the system) and a *strategy* (how the system
is built to answer it).

These frozen dataclasses are the single source of truth for both the engine and the level-pack format:
`capquest.packs` validates the `[scenario]` and `[cards.*]` tables of a level file directly against them
with pydantic (unknown keys are errors, constraints come from the `Annotated` metadata below), and the JSON
Schema of the pack format is generated from them. So: every field has a default that makes sense, a
docstring-style comment, and bounds that keep a hostile pack from asking for an hour of simulation.

Units: times in the *inputs* are milliseconds or seconds as named (people write packs); the engine converts
them to integer microseconds once. Rates are *real-world* figures; `Workload.scale` says how many real
requests one simulated request stands for.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated, Literal

from annotated_types import Ge, Gt, Le, MaxLen, MinLen

# pydantic reads this when validating these stdlib dataclasses: unknown keys are errors (typos must fail).
_STRICT = {"extra": "forbid"}

OpKind = Literal[
    "order",  # check the stock of an item and take `qty` units of it (the seed's place_order)
    "stock_read",  # show an item's remaining stock ("only 3 left!")
    "catalog_read",  # browse or search the catalogue
    "profile_write",  # a session updates its own profile
    "profile_read",  # a session reads its own profile (read-your-writes lives here)
    "event_write",  # log an analytics event (increments a view counter)
    "counter_read",  # read a view counter (monotonic reads live here)
]
OP_KINDS: tuple[OpKind, ...] = (
    "order",
    "stock_read",
    "catalog_read",
    "profile_write",
    "profile_read",
    "event_write",
    "counter_read",
)

DataClass = Literal["orders", "inventory", "catalog", "profile", "analytics"]
DATA_CLASSES: tuple[DataClass, ...] = ("orders", "inventory", "catalog", "profile", "analytics")
# Which data class serves each operation: a hybrid strategy picks a policy per data class.
OP_DATA_CLASS: dict[OpKind, DataClass] = {
    "order": "orders",
    "stock_read": "inventory",
    "catalog_read": "catalog",
    "profile_write": "profile",
    "profile_read": "profile",
    "event_write": "analytics",
    "counter_read": "analytics",
}

Name = Annotated[str, MinLen(1), MaxLen(40)]
Seconds = Annotated[float, Ge(0), Le(600)]
Millis = Annotated[float, Ge(0), Le(600_000)]
Rate = Annotated[float, Ge(0), Le(1_000_000)]
# A weight or a price: bounded, so that no sum or product of them overflows to infinity (a NaN score).
Weight = Annotated[float, Ge(0), Le(1_000_000)]


# ----------------------------------------------------------------------------------------------- scenario
@dataclass(frozen=True)
class RatePoint:
    """One point of the arrival-rate profile; the rate is linear between points, flat after the last."""

    __pydantic_config__ = _STRICT
    at_s: Seconds = 0.0
    rps: Rate = 1000.0  # real-world requests per second


@dataclass(frozen=True)
class OpMix:
    """Relative weights of the operations (they need not sum to 1). Fixed fields, not a dict, so the
    engine never depends on mapping order."""

    __pydantic_config__ = _STRICT
    order: Weight = 1.0
    stock_read: Weight = 0.0
    catalog_read: Weight = 0.0
    profile_write: Weight = 0.0
    profile_read: Weight = 0.0
    event_write: Weight = 0.0
    counter_read: Weight = 0.0


@dataclass(frozen=True)
class RegionShare:
    __pydantic_config__ = _STRICT
    region: Name
    weight: Annotated[float, Gt(0), Le(1_000_000)] = 1.0


@dataclass(frozen=True)
class Workload:
    __pydantic_config__ = _STRICT
    duration_s: Annotated[float, Gt(0), Le(600)] = 10.0
    # One simulated request stands for `scale` real ones, so 20,000 req/s fits the run budget. Metrics are
    # reported in real-world figures; units of stock are never scaled.
    scale: Annotated[int, Ge(1), Le(100_000)] = 1
    rate: Annotated[tuple[RatePoint, ...], MinLen(1), MaxLen(32)] = (RatePoint(),)
    mix: OpMix = field(default_factory=OpMix)
    items: Annotated[int, Ge(1), Le(10_000)] = 20
    popularity_skew: Annotated[float, Ge(0), Le(4)] = 1.0  # Zipf exponent: item 0 is the hottest
    stock: Annotated[int, Ge(0), Le(10_000_000)] = 1000  # units per item at the start
    hot_item_stock: Annotated[int, Ge(0), Le(10_000_000)] | None = None  # stock of item 0, if different
    max_qty: Annotated[int, Ge(1), Le(10)] = 1  # an order takes 1..max_qty units
    sessions: Annotated[int, Ge(1), Le(100_000)] = 200  # client sessions (for session guarantees)
    # Where clients are. Empty: all in the primary's region.
    client_regions: Annotated[tuple[RegionShare, ...], MaxLen(16)] = ()
    timeout_ms: Annotated[float, Gt(0), Le(600_000)] = 5000.0  # a client gives up (counts as failed)


@dataclass(frozen=True)
class Server:
    """A database-like node: a connection pool in front of a CPU.

    With `cores = None` each connection is a server of its own (M/M/c with c = pool); with a number, the
    active queries share that many cores (processor sharing), so a query slows as concurrency grows —
    the mechanism behind the seed's 0.1 s → 15 s."""

    __pydantic_config__ = _STRICT
    pool: Annotated[int, Ge(1), Le(100_000)] = 100
    cores: Annotated[int, Ge(1), Le(1024)] | None = 8
    service_ms: Annotated[float, Gt(0), Le(60_000)] = 2.0  # mean CPU time of one query, unloaded
    service: Literal["exponential", "fixed"] = "exponential"


@dataclass(frozen=True)
class Link:
    __pydantic_config__ = _STRICT
    a: Name
    b: Name
    rtt_ms: Millis


@dataclass(frozen=True)
class Replica:
    """An asynchronous read replica: applies the primary's write log in order, `lag_ms` behind at
    best, and no faster than `apply_rps` writes per second (real-world), so lag grows under write load."""

    __pydantic_config__ = _STRICT
    name: Name
    region: Name
    lag_ms: Millis = 10.0
    apply_rps: Rate = 5000.0
    server: Server = field(default_factory=Server)


@dataclass(frozen=True)
class Cache:
    """A Redis-like in-memory node holding stock counters (and cached catalogue pages)."""

    __pydantic_config__ = _STRICT
    region: Name = "seoul"
    server: Server = field(default_factory=lambda: Server(pool=10_000, cores=None, service_ms=0.2))
    ttl_s: Seconds = 300.0  # cached catalogue pages live this long
    # A stock counter expires this long after it was loaded, and the next access reloads it from the
    # primary's committed stock, which has not yet seen the orders still queued for the worker: the
    # counter drifts above the truth (the seed's AP oversell). None: a counter, once loaded from the
    # starting stock, lives for the whole run.
    counter_ttl_s: Annotated[float, Gt(0), Le(600)] | None = None


@dataclass(frozen=True)
class Worker:
    """The background worker that drains the order queue and validates each order on the primary."""

    __pydantic_config__ = _STRICT
    rps: Rate = 2000.0  # orders per second it can validate (real-world)


@dataclass(frozen=True)
class QuorumNode:
    """One node of the quorum store. It queues like any server (`server`, else the store's), and applies
    a write `apply_delay_ms` after it arrives: always that long ("constant"), or a random time of that
    mean ("exponential", the probabilistic staleness window of PBS, Bailis et al. 2012)."""

    __pydantic_config__ = _STRICT
    name: Name
    region: Name
    apply_delay_ms: Millis = 0.0  # extra time before this node applies a write (a slow or lagging node)
    apply_delay: Literal["constant", "exponential"] = "constant"
    server: Server | None = None  # this node's own server; None: the store's `server`


@dataclass(frozen=True)
class Quorum:
    """A Dynamo/Cassandra-style store: every key on all N nodes, last-write-wins by timestamp. Each node
    is a server of its own with this model (pool, cores, service time), so a busy store is a slow one."""

    __pydantic_config__ = _STRICT
    nodes: Annotated[tuple[QuorumNode, ...], MinLen(1), MaxLen(15)]
    server: Server = field(default_factory=lambda: Server(pool=1000, cores=8, service_ms=0.5))
    # After a read, the coordinator writes the newest value it returned back to the nodes it contacted
    # that answered with an older one (asynchronously: the client does not wait).
    read_repair: bool = False


@dataclass(frozen=True)
class Topology:
    __pydantic_config__ = _STRICT
    regions: Annotated[tuple[Name, ...], MinLen(1), MaxLen(16)] = ("seoul",)
    links: Annotated[tuple[Link, ...], MaxLen(120)] = ()  # round trips between regions
    local_rtt_ms: Millis = 0.5  # round trip inside a region
    primary_region: Name = "seoul"
    primary: Server = field(default_factory=Server)
    replicas: Annotated[tuple[Replica, ...], MaxLen(16)] = ()
    cache: Cache | None = None
    worker: Worker = field(default_factory=Worker)
    quorum: Quorum | None = None


FaultKind = Literal["partition", "crash", "lag_spike"]


@dataclass(frozen=True)
class Fault:
    """A scheduled fault. `partition`: messages between regions of different `groups` are lost; a node
    (primary, cache, replica, quorum node) named in a group is cut from everything outside its group.
    `crash`: node `node` answers nothing. `lag_spike`: replica or quorum node `node` applies writes
    `extra_lag_ms` later."""

    __pydantic_config__ = _STRICT
    kind: FaultKind
    at_s: Seconds
    until_s: Seconds
    groups: Annotated[tuple[tuple[Name, ...], ...], MaxLen(8)] = ()
    node: Annotated[str, MaxLen(40)] = ""
    extra_lag_ms: Millis = 0.0


@dataclass(frozen=True)
class Prices:
    """What infrastructure costs, for the cost axis (abstract "cost units")."""

    __pydantic_config__ = _STRICT
    primary_per_s: Weight = 1.0
    replica_per_s: Weight = 0.5
    cache_per_s: Weight = 0.3
    quorum_node_per_s: Weight = 0.5
    worker_per_s: Weight = 0.1
    # Per million real-world reads: a strongly consistent read costs twice an eventual one (DynamoDB's RCU).
    strong_read_per_m: Weight = 2.0
    eventual_read_per_m: Weight = 1.0
    write_per_m: Weight = 2.0


@dataclass(frozen=True)
class Scenario:
    __pydantic_config__ = _STRICT
    workload: Workload = field(default_factory=Workload)
    topology: Topology = field(default_factory=Topology)
    faults: Annotated[tuple[Fault, ...], MaxLen(32)] = ()
    prices: Prices = field(default_factory=Prices)


# ----------------------------------------------------------------------------------------------- strategy
Level = Literal["ONE", "QUORUM", "ALL"]
# A consistency level: Cassandra's names, or how many of the N nodes must answer (R) or acknowledge (W).
Acks = Level | Annotated[int, Ge(1), Le(15)]


@dataclass(frozen=True)
class Policy:
    """How one data class is served. A card's behaviour comes only from these fields."""

    __pydantic_config__ = _STRICT
    # Where reads go. "replica": an async replica (round-robin, or per the freshness rules below).
    read_from: Literal["primary", "replica", "cache", "quorum"] = "primary"
    # Where writes go. "cache_queue": decrement/update the cache, enqueue, answer at once; the worker
    # applies it to the primary later (the seed's AP design).
    write_to: Literal["primary", "cache_queue", "quorum"] = "primary"
    # How an order checks and takes stock:
    #   read_then_write     read the stock (from read_from), then an unconditional decrement (the seed's bug)
    #   for_update          SELECT ... FOR UPDATE on the primary: a row lock serialises orders per item
    #   conditional_update  UPDATE ... SET stock = stock - q WHERE stock >= q (atomic, no lock queue)
    stock_check: Literal["read_then_write", "for_update", "conditional_update"] = "read_then_write"
    # With write_to = cache_queue: "get_then_decr" reads then decrements in two steps (races);
    # "atomic" decrements and checks the result in one step (a Lua script).
    cache_decrement: Literal["get_then_decr", "atomic"] = "get_then_decr"
    compensate: bool = True  # the worker cancels orders it finds oversold (else they ship nothing, silently)
    # Quorum store consistency levels: R and W as numbers of nodes, or Cassandra's names (ONE = 1,
    # QUORUM = floor(N/2)+1, ALL = N).
    read_level: Acks = "QUORUM"
    write_level: Acks = "QUORUM"
    # Read from the primary for this long after the session's own write (the seed's 10 s). 0 = off.
    ryw_window_ms: Millis = 0.0
    # Read only a replica at least as fresh as the one the session last read; else fall back to the primary.
    monotonic_reads: bool = False
    # Bounded staleness: read a replica only while its lag is at most this; else the primary. None = off.
    max_staleness_ms: Millis | None = None
    # During a partition, on the side without the primary or a quorum: refuse (error), or serve what is
    # local (possibly stale; writes accepted locally and reconciled later).
    on_partition: Literal["refuse", "serve_local"] = "refuse"


@dataclass(frozen=True)
class ClassPolicy:
    __pydantic_config__ = _STRICT
    data_class: DataClass
    policy: Policy


@dataclass(frozen=True)
class Strategy:
    """What the engine runs: one policy for every data class, overridden per class for a hybrid."""

    __pydantic_config__ = _STRICT
    default: Policy = field(default_factory=Policy)
    per_class: Annotated[tuple[ClassPolicy, ...], MaxLen(5)] = ()

    def policy_for(self, data_class: DataClass) -> Policy:
        for cp in self.per_class:
            if cp.data_class == data_class:
                return cp.policy
        return self.default
