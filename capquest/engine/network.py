"""Where things are and what cuts them off: the fault lookups (partitions between groups of regions
and named nodes, crashed nodes) the rest of the simulation asks at a given time."""

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
    the group of each node a partition names (by name, one dict per partition, in the same order),
    crashes by node name as (start, end), lag spikes by node name as (start, end, extra lag)."""
    partitions: list[tuple[int, int, dict[int, int]]] = []
    node_groups: list[dict[str, int]] = []
    crashes: dict[str, list[tuple[int, int]]] = {}
    spikes: dict[str, list[tuple[int, int, int]]] = {}
    for f in scenario.faults:
        s, e = int(f.at_s * US), int(f.until_s * US)
        if e <= s:
            continue
        if f.kind == "partition":
            group_of = {}
            node_of: dict[str, int] = {}
            for gi, group in enumerate(f.groups):
                for name in group:
                    if name in ridx:  # a region keeps its meaning even if a node shares its name
                        group_of[ridx[name]] = gi
                    elif name:
                        node_of[name] = gi
            partitions.append((s, e, group_of))
            node_groups.append(node_of)
        elif f.kind == "crash":
            crashes.setdefault(f.node, []).append((s, e))
        else:
            spikes.setdefault(f.node, []).append((s, e, int(f.extra_lag_ms * 1000)))
    return partitions, node_groups, crashes, spikes


class Network(SimulationState):
    """Partition and crash lookups, over the windows `Simulation.__init__` read from the faults."""

    @staticmethod
    def _cut_groups(group_of: dict[int, int], a: int, b: int) -> bool:
        ga = group_of.get(a)
        gb = group_of.get(b)
        return ga is not None and gb is not None and ga != gb

    @classmethod
    def _cut_ends(
        cls, group_of: dict[int, int], node_of: dict[str, int], a: int, a_node: str, b: int, b_node: str
    ) -> bool:
        """Whether one partition cuts end a from end b (each a region, and a node name or "" for a client).

        A node the partition names is cut from everything outside its group, its own region included;
        otherwise the regions decide, exactly as without node names."""
        if node_of and (a_node in node_of or b_node in node_of):
            return node_of.get(a_node, group_of.get(a)) != node_of.get(b_node, group_of.get(b))
        return cls._cut_groups(group_of, a, b)

    def node_cut_until(self, a: int, a_node: str, b: int, b_node: str, t: int) -> int | None:
        """`cut_until` between two ends that may be nodes (name, or "" for a client in region a or b)."""
        if not self.partition_names_nodes:
            return self.cut_until(a, b, t)
        for (s, e, group_of), node_of in zip(self.partitions, self.node_groups, strict=True):
            if s <= t < e and self._cut_ends(group_of, node_of, a, a_node, b, b_node):
                return e
        return None

    def client_cut_until(self, client_region: int, srv: ServerState, t: int) -> int | None:
        """None if a client in this region can reach server srv at t, else when the cut ends."""
        return self.node_cut_until(client_region, "", srv.region, srv.name, t)

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
                self.client_cut_until(client_region, srv, t) is None
                and self.down_until(srv.crashes, t) is None
            ):
                if (
                    best is None
                    or self.one_way[client_region][srv.region] < self.one_way[client_region][best.region]
                ):
                    best = srv
        return best
