"""The coordinator side of the quorum store: picking a coordinator, which nodes it can reach under
faults, and turning a client's read or write into the store's replies (`capquest.engine.quorum`)."""

from __future__ import annotations

from capquest.engine.events import EV_QUORUM_READ
from capquest.engine.quorum import needed
from capquest.engine.state import SimulationState
from capquest.engine.workload import COUNTER_READ, ORDER, STOCK_READ


class QuorumCoordination(SimulationState):
    """Quorum reads and writes for the simulation."""

    @staticmethod
    def _quorum_always_reachable(node: int, t: int) -> None:
        return None

    def _quorum_reach(self, coord_region: int, coord_name: str = ""):
        store = self.quorum
        assert store is not None
        if self.quorum_healthy:
            return self._quorum_always_reachable  # no partition and no crash: every node is always reachable
        regions = store.regions
        names = store.names

        def reach(node: int, t: int) -> int | None:
            down = self.down_until(self.quorum_crashes[node], t)
            cut = (
                self.node_cut_until(coord_region, coord_name, regions[node], names[node], t)
                if self.partitions
                else None
            )
            if down is None:
                return cut
            return down if cut is None else max(down, cut)

        return reach

    def _quorum_lag_spike(self, node: int, t: int) -> int:
        if not self.quorum_spikes[node]:
            return 0
        return sum(extra for s, e, extra in self.quorum_spikes[node] if s <= t < e)

    def _quorum_coordinator(self, client_region: int, t: int) -> int | None:
        store = self.quorum
        assert store is not None
        if self.quorum_healthy:
            best = self.quorum_coordinators.get(client_region, -1)
            if best != -1:
                return best
            self.quorum_coordinators[client_region] = best = self._quorum_nearest(client_region, t)
            return best
        return self._quorum_nearest(client_region, t)

    def _quorum_nearest(self, client_region: int, t: int) -> int | None:
        store = self.quorum
        assert store is not None
        best = None
        for k in range(store.n):
            if self.down_until(self.quorum_crashes[k], t) is not None:
                continue
            if (
                self.partitions
                and self.node_cut_until(client_region, "", store.regions[k], store.names[k], t) is not None
            ):
                continue
            if (
                best is None
                or self.one_way[client_region][store.regions[k]]
                < self.one_way[client_region][store.regions[best]]
            ):
                best = k
        return best

    def _quorum_contact(self, t: int, op: dict, client_region: int):
        """The client's request reaches the nearest live coordinator: (coordinator, one-way hop, arrival
        time, which nodes it can reach), or None when there is none (the client is told so)."""
        store = self.quorum
        assert store is not None
        coord = self._quorum_coordinator(client_region, t)
        if coord is None:
            self._fail(op, t + self.one_way[client_region][client_region] * 2, "unavailable")
            return None
        creg = store.regions[coord]
        hop = self.one_way[client_region][creg]
        return coord, hop, t + hop, self._quorum_reach(creg, store.names[coord])

    def _quorum_write(self, t, i, op, client_region, policy, value) -> None:
        store = self.quorum
        assert store is not None
        contact = self._quorum_contact(t, op, client_region)
        if contact is None:
            return
        coord, hop, tc, reach = contact
        alive = store.n if self.quorum_healthy else sum(1 for k in range(store.n) if reach(k, tc) is None)
        need = needed(policy.write_level, store.n)
        if alive < need:
            if policy.refuse or alive == 0:
                self._fail(op, tc + hop, "unavailable")
                return
            need = alive
        written = None if op["f"] == "incr" else value  # an increment carries no value
        acks = store.write(tc, coord, op["key"], (tc, i), written, reach, self._quorum_lag_spike, i)
        self.writes += 1
        self.quorum_committed_us[i] = acks[need - 1]  # committed: a read's lag counts from here
        at = acks[need - 1] + hop
        if self._answer(op, at, store.names[coord]):
            self._note_write(op, at)

    def _quorum_read(self, t, i, op, client_region, policy, kind) -> None:
        store = self.quorum
        assert store is not None
        contact = self._quorum_contact(t, op, client_region)
        if contact is None:
            return
        coord, hop, tc, reach = contact
        replies = store.read_plan(tc, coord, reach, i)
        need = needed(policy.read_level, store.n)
        if len(replies) < need:
            if policy.refuse or not replies:
                self._fail(op, tc + hop, "unavailable")
                return
            need = len(replies)
        if need >= needed("QUORUM", store.n):
            self.strong_reads += 1
        else:
            self.eventual_reads += 1
        chosen = replies[:need]
        evaluate_at = max(at for _, _, at in chosen)
        self.op_pending[i] = (chosen, chosen[-1][0] + hop, coord, kind, replies)
        self._push(evaluate_at, EV_QUORUM_READ, i, 0)

    def _quorum_read_done(self, t: int, i: int) -> None:
        store = self.quorum
        assert store is not None
        chosen, at, coord, kind, replies = self.op_pending.pop(i)
        node = store.names[coord]
        op = self.hist[i]
        key = op["key"]
        initial = self.arr.initial[key]
        counter = kind == COUNTER_READ
        missed = store.oldest_missed(key, chosen, counter, self.quorum_committed_us, t)
        if missed is None:
            self.read_lag_us[i] = 0
        else:  # the source matters only to a lag the Why? view can quote
            self.read_lag_us[i] = t - missed
            self.read_lag_source[i] = "quorum"
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
