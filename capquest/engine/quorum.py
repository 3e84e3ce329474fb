"""A Dynamo/Cassandra-style quorum store (`QuorumStore`): every key on all N nodes, last-write-wins.

The coordinator (a node in the client's region, else the nearest) sends each request to every node it can
reach; a write is acknowledged after W nodes applied it, a read answers after R nodes replied, with the
value of the highest timestamp among them. One-way delay = RTT/2 + a small seeded jitter; a node applies
a write `apply_delay_ms` (+ any lag spike) after it arrives. Nodes do not queue (each request costs its
service time only): the lessons here are about round trips and intersections, not about CPU.

Counters (view counts) merge like a grow-only counter: a read counts the distinct increments its R
replies have seen, so R + W > N reads every acknowledged increment."""

from __future__ import annotations

import random
from bisect import bisect_right, insort
from math import log as _log
from operator import itemgetter

LEVELS = ("ONE", "QUORUM", "ALL")


def needed(level: str, n: int) -> int:
    if level == "ONE":
        return 1
    if level == "ALL":
        return n
    return n // 2 + 1


class QuorumStore:
    def __init__(
        self,
        names: list[str],
        regions: list[int],
        apply_delay_us: list[int],
        service_us: float,
        one_way: list[list[int]],
        rng: random.Random,
    ) -> None:
        self.names = names
        self.regions = regions
        self.apply_delay_us = apply_delay_us
        self.service_us = service_us
        self.one_way = one_way
        self.rng = rng
        self.n = len(names)
        # per node: key -> sorted list of (apply_time, ts, value); counters: (apply_time, incr_id)
        self.entries: list[dict[str, list[tuple]]] = [{} for _ in names]

    def coordinator(self, client_region: int) -> int:
        best, best_d = 0, None
        for i, r in enumerate(self.regions):
            d = self.one_way[client_region][r]
            if best_d is None or d < best_d:
                best, best_d = i, d
        return best

    def _hop(self, a: int, b: int) -> int:
        d = self.one_way[a][b]
        return d + int(self.rng.random() * (d * 0.1 + 50))

    def _service(self) -> int:
        return int(self.rng.expovariate(1.0 / self.service_us)) if self.service_us > 0 else 0

    def write(
        self, t: int, coord: int, key: str, ts: tuple[int, int], value: int | str | None, reach, extra_delay
    ) -> list[int]:
        """Send a write from coordinator node `coord` at t. `reach(node, t)` -> None if the node gets it,
        else the time it gets it after repair (end of the fault). Returns the ack times (at the
        coordinator) of the nodes reached now, sorted. `value` None = a counter increment (id in ts)."""
        creg = self.regions[coord]
        # _hop and _service, inlined: the same draws from the same stream in the same order
        rnd = self.rng.random
        one_way = self.one_way
        out = one_way[creg]
        service_us = self.service_us
        lambd = 1.0 / service_us if service_us > 0 else 0.0
        acks = []
        for i, reg in enumerate(self.regions):
            d = out[reg]
            hop = d + int(rnd() * (d * 0.1 + 50))
            arrive = t + hop
            late = reach(i, t)
            applied = arrive + self.apply_delay_us[i] + extra_delay(i, arrive)
            if late is not None:
                applied = max(applied, late + hop)
            entry = (applied, ts) if value is None else (applied, ts, value)
            lst = self.entries[i].get(key)
            if lst is None:
                lst = self.entries[i][key] = []
            insort(lst, entry)
            if late is None:
                service = int(-_log(1.0 - rnd()) / lambd) if service_us > 0 else 0
                d = one_way[reg][creg]
                acks.append(applied + service + (d + int(rnd() * (d * 0.1 + 50))))
        acks.sort()
        return acks

    def read_plan(self, t: int, coord: int, reach) -> list[tuple[int, int, int]]:
        """Replies a read sent at t would get: sorted (reply_time, node, read_time)."""
        creg = self.regions[coord]
        # _hop and _service, inlined: the same draws from the same stream in the same order
        rnd = self.rng.random
        one_way = self.one_way
        out = one_way[creg]
        service_us = self.service_us
        lambd = 1.0 / service_us if service_us > 0 else 0.0
        replies = []
        for i, reg in enumerate(self.regions):
            if reach(i, t) is not None:
                continue
            d = out[reg]
            at = t + (d + int(rnd() * (d * 0.1 + 50)))
            if service_us > 0:
                at += int(-_log(1.0 - rnd()) / lambd)
            d = one_way[reg][creg]
            replies.append((at + (d + int(rnd() * (d * 0.1 + 50))), i, at))
        replies.sort()
        return replies

    def read_value(self, key: str, chosen: list[tuple[int, int, int]], initial, counter: bool):
        """The merged answer of the chosen replies (each node's state at its read time)."""
        if counter:
            # Entries are sorted by apply time: a node's state at `at` is a prefix of its list. One node
            # holds each increment once, so a single reply counts its prefix; several count the union.
            prefixes = []
            for _, i, at in chosen:
                lst = self.entries[i].get(key)
                if lst:
                    prefixes.append(lst[: bisect_right(lst, (at, (1 << 62, 0)))])
            if not prefixes:
                return initial
            if len(prefixes) == 1:
                return initial + len(prefixes[0])
            seen: set[int] = set()
            for prefix in prefixes:
                seen.update(map(itemgetter(1), prefix))
            return initial + len(seen)
        best_ts, best = None, initial
        for _, i, at in chosen:
            lst = self.entries[i].get(key)
            if not lst:
                continue
            j = bisect_right(lst, (at, (1 << 62, 0)))
            # Entries are sorted by apply time and a write's timestamp never exceeds its apply time, so
            # scanning back from the read time can stop below the best timestamp found so far.
            while j > 0:
                j -= 1
                applied, ts, value = lst[j]
                if best_ts is not None and applied < best_ts[0]:
                    break
                if best_ts is None or ts > best_ts:
                    best_ts, best = ts, value
        return best
