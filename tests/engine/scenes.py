"""Scenario and strategy builders for the engine's tests and benchmark: the seed chapter's scenes, in
Python (the campaign's TOML levels are written separately)."""

from __future__ import annotations

from capquest.engine.model import (
    ClassPolicy,
    Fault,
    Link,
    OpMix,
    Policy,
    Quorum,
    QuorumNode,
    RatePoint,
    RegionShare,
    Replica,
    Scenario,
    Server,
    Strategy,
    Topology,
    Worker,
    Workload,
)

# ---------------------------------------------------------------------------------------- strategies
PRIMARY_ONLY = Strategy(Policy())  # reads and writes on the primary, check-then-act (the seed's start)
REPLICA_READS = Strategy(Policy(read_from="replica"))  # the seed's 3:00 am: stock read on the replica
CP_FOR_UPDATE = Strategy(Policy(stock_check="for_update"))  # the seed's CP design
CP_CONDITIONAL = Strategy(Policy(stock_check="conditional_update"))
AP_CACHE_QUEUE = Strategy(Policy(read_from="cache", write_to="cache_queue", cache_decrement="get_then_decr"))
AP_ATOMIC = Strategy(Policy(read_from="cache", write_to="cache_queue", cache_decrement="atomic"))
HYBRID = Strategy(
    Policy(read_from="replica"),
    (
        ClassPolicy("orders", Policy(stock_check="for_update")),
        ClassPolicy("profile", Policy(read_from="replica", ryw_window_ms=10_000)),
    ),
)


def quorum_strategy(read_level: str, write_level: str, on_partition: str = "refuse") -> Strategy:
    return Strategy(
        Policy(
            read_from="quorum",
            write_to="quorum",
            read_level=read_level,
            write_level=write_level,
            on_partition=on_partition,
        )  # type: ignore[arg-type]
    )


# ----------------------------------------------------------------------------------------- scenarios
SHOP_MIX = OpMix(order=0.3, stock_read=0.3, catalog_read=0.4)


def black_friday(rps: float, *, duration_s: float = 10.0, scale: int | None = None) -> Scenario:
    """One PostgreSQL: 1,000 connections, 32 cores, 2 ms of CPU per query (16,000 queries/s at best)."""
    if scale is None:
        scale = max(1, int(rps // 1000))
    return Scenario(
        workload=Workload(
            duration_s=duration_s,
            scale=scale,
            rate=(RatePoint(0, rps),),
            mix=SHOP_MIX,
            items=200,
            popularity_skew=1.0,
            stock=1_000_000,
            sessions=2000,
            timeout_ms=5000,
        ),
        topology=Topology(primary=Server(pool=1000, cores=32, service_ms=2.0)),
    )


def replica_oversell(
    lag_ms: float = 4000.0,
    stock: int = 5,
    rps: float = 400.0,
    duration_s: float = 10.0,
    apply_rps: float = 50_000,
) -> Scenario:
    """The seed's 3:00 am: a hot item with `stock` units, stock read on an async replica `lag_ms` behind."""
    return Scenario(
        workload=Workload(
            duration_s=duration_s,
            rate=(RatePoint(0, rps),),
            mix=OpMix(order=1.0),
            items=10,
            popularity_skew=1.2,
            stock=1000,
            hot_item_stock=stock,
            sessions=500,
            timeout_ms=5000,
        ),
        topology=Topology(
            primary=Server(pool=200, cores=None, service_ms=1.0),
            replicas=(
                Replica(
                    name="replica-1",
                    region="seoul",
                    lag_ms=lag_ms,
                    apply_rps=apply_rps,
                    server=Server(pool=200, cores=None, service_ms=1.0),
                ),
            ),
        ),
    )


def flash_sale(
    rps: float = 20_000, hot_stock: int = 1000, duration_s: float = 10.0, scale: int = 20
) -> Scenario:
    """Black Friday on a hot item, with a cache and a worker for the AP design."""
    return Scenario(
        workload=Workload(
            duration_s=duration_s,
            scale=scale,
            rate=(RatePoint(0, rps),),
            mix=OpMix(order=0.5, stock_read=0.2, catalog_read=0.3),
            items=200,
            popularity_skew=1.1,
            stock=10_000,
            hot_item_stock=hot_stock,
            sessions=5000,
            timeout_ms=5000,
        ),
        topology=Topology(
            primary=Server(pool=1000, cores=32, service_ms=2.0),
            replicas=(Replica(name="replica-1", region="seoul", lag_ms=50, apply_rps=20_000),),
            worker=Worker(rps=2000),
        ),
    )


def sessions_scene(lag_ms: float = 2000.0, rps: float = 500.0, duration_s: float = 10.0) -> Scenario:
    """Profiles and view counters on a lagging replica (session guarantees)."""
    return Scenario(
        workload=Workload(
            duration_s=duration_s,
            rate=(RatePoint(0, rps),),
            mix=OpMix(order=0, profile_write=0.2, profile_read=0.4, event_write=0.2, counter_read=0.2),
            items=20,
            sessions=100,
        ),
        topology=Topology(
            replicas=(
                Replica(name="replica-1", region="seoul", lag_ms=lag_ms),
                Replica(name="replica-2", region="seoul", lag_ms=lag_ms / 4),
            ),
        ),
    )


def quorum_scene(
    *,
    lagging_ms: float = 0.0,
    faults: tuple[Fault, ...] = (),
    rps: float = 500.0,
    duration_s: float = 6.0,
    client_regions: tuple[RegionShare, ...] = (),
) -> Scenario:
    """Three regions, one quorum node each (plus two in Seoul): N = 5."""
    return Scenario(
        workload=Workload(
            duration_s=duration_s,
            rate=(RatePoint(0, rps),),
            mix=OpMix(order=0, profile_write=0.3, profile_read=0.4, event_write=0.1, counter_read=0.2),
            items=10,
            sessions=100,
            client_regions=client_regions,
            timeout_ms=2000,
        ),
        topology=Topology(
            regions=("seoul", "busan", "tokyo"),
            links=(Link("seoul", "busan", 10), Link("seoul", "tokyo", 30), Link("busan", "tokyo", 35)),
            quorum=Quorum(
                nodes=(
                    QuorumNode("q-seoul-1", "seoul"),
                    QuorumNode("q-seoul-2", "seoul", apply_delay_ms=lagging_ms),
                    QuorumNode("q-seoul-3", "seoul"),
                    QuorumNode("q-busan", "busan"),
                    QuorumNode("q-tokyo", "tokyo"),
                )
            ),
        ),
        faults=faults,
    )


def partition_scene(duration_s: float = 6.0) -> Scenario:
    """Seoul (primary, replica) and Busan (replica); Busan is cut off from 2 s to 4 s."""
    return Scenario(
        workload=Workload(
            duration_s=duration_s,
            rate=(RatePoint(0, 600),),
            mix=OpMix(order=0.2, stock_read=0.4, profile_write=0.1, profile_read=0.3),
            items=20,
            stock=10_000,
            sessions=200,
            client_regions=(RegionShare("seoul", 2.0), RegionShare("busan", 1.0)),
            timeout_ms=2000,
        ),
        topology=Topology(
            regions=("seoul", "busan"),
            links=(Link("seoul", "busan", 10),),
            replicas=(
                Replica(name="replica-seoul", region="seoul", lag_ms=20),
                Replica(name="replica-busan", region="busan", lag_ms=20),
            ),
        ),
        faults=(Fault(kind="partition", at_s=2.0, until_s=4.0, groups=(("seoul",), ("busan",))),),
    )
