"""Where things are and what cuts them off: the fault lookups (partitions between groups of regions,
crashed nodes) the rest of the simulation asks at a given time."""

from __future__ import annotations

from typing import TYPE_CHECKING

from capquest.engine.events import US
from capquest.engine.model import Scenario, Topology
from capquest.engine.state import SimulationState

if TYPE_CHECKING:
    from capquest.engine.servers import ServerState


def region_index(scenario: Scenario) -> tuple[list[str], dict[str, int]]:
    """Every region named anywhere in the scenario, in a fixed order, and the index of each."""
    topo = scenario.topology
    regions = list(topo.regions)
    named = [topo.primary_region, *(r.region for r in topo.replicas)]
    if topo.cache is not None:
        named.append(topo.cache.region)
    if topo.quorum is not None:
        named += [node.region for node in topo.quorum.nodes]
    named += [share.region for share in scenario.workload.client_regions]
    for name in named:
        if name not in regions:
            regions.append(name)
    return regions, {name: i for i, name in enumerate(regions)}


def region_delays(topo: Topology, ridx: dict[str, int]) -> tuple[list[list[int]], ...]:
    """One-way delays between regions (us), and the delays of a request's first hop and of its answer.

    A request's first hop inside a region is delivered at once and its round trip added to the answer
    (an event saved per request; the server still acts between invoke and complete). Later steps, and
    hops across regions, travel for real."""
    size = len(ridx)
    local = int(topo.local_rtt_ms * 1000) // 2
    one_way = [[local] * size for _ in range(size)]
    for link in topo.links:
        if link.a in ridx and link.b in ridx and link.a != link.b:
            d = int(link.rtt_ms * 1000) // 2
            one_way[ridx[link.a]][ridx[link.b]] = d
            one_way[ridx[link.b]][ridx[link.a]] = d
    request = [[0 if a == b else one_way[a][b] for b in range(size)] for a in range(size)]
    answer = [[2 * local if a == b else one_way[a][b] for b in range(size)] for a in range(size)]
    return one_way, request, answer


def fault_windows(scenario: Scenario, ridx: dict[str, int]):
    """The scheduled faults in microseconds: partitions as (start, end, group of each region index),
    crashes by node name as (start, end), lag spikes by node name as (start, end, extra lag)."""
    partitions: list[tuple[int, int, dict[int, int]]] = []
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
            partitions.append((s, e, group_of))
        elif f.kind == "crash":
            crashes.setdefault(f.node, []).append((s, e))
        else:
            spikes.setdefault(f.node, []).append((s, e, int(f.extra_lag_ms * 1000)))
    return partitions, crashes, spikes


class Network(SimulationState):
    """Partition and crash lookups, over the windows `Simulation.__init__` read from the faults."""

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

    def _local_node(self, client_region: int, t: int) -> ServerState | None:
        """A replica (or the cache) this client can reach during a partition, nearest first."""
        best = None
        for srv in self.servers[1:]:
            if (
                self.cut_until(client_region, srv.region, t) is None
                and self.down_until(srv.crashes, t) is None
            ):
                if (
                    best is None
                    or self.one_way[client_region][srv.region] < self.one_way[client_region][best.region]
                ):
                    best = srv
        return best
