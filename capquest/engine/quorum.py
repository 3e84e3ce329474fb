"""A Dynamo/Cassandra-style quorum store (`QuorumStore`): every key on all N nodes, last-write-wins.

The coordinator (a node in the client's region, else the nearest) sends each request to every node it can
reach; a write is acknowledged after W nodes applied it, a read answers after R nodes replied, with the
value of the highest timestamp among them. One-way delay = RTT/2 + a small seeded jitter. Each node is a
server with the store's model: a request waits in the node's queue (`AggregateQueue`, driven by the
full-rate load of every request the store sees, at every scale), then takes its service time; a write is
applied `apply_delay_ms` (+ any lag spike) after that, a fixed time or an exponential one of that mean,
and acknowledged once applied. With exponential delays this is the WARS model of Probabilistically
Bounded Staleness (Bailis et al., VLDB 2012): W (write to a node, applied), A (ack back), R (read request)
and S (read response) legs, so R + W <= N reads stale with a probability that falls with the time since the
write. Read repair (optional) writes the newest value a read returned back to the contacted nodes that
answered with an older one, one hop after the coordinator learns it.

Counters (view counts) merge like a grow-only counter: a read counts the distinct increments its R
replies have seen, so R + W > N reads every acknowledged increment. Read repair leaves counters alone."""

from __future__ import annotations

import random
from bisect import bisect_right, insort
from math import log as _log
from operator import itemgetter

from capquest.engine.aggregate import AggregateQueue

LEVELS = ("ONE", "QUORUM", "ALL")


def needed(level: str | int, n: int) -> int:
    """How many of n nodes a consistency level waits for (a number above n waits for all n)."""
    if isinstance(level, int):
        return min(level, n)
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
        service_us: list[float],
        one_way: list[list[int]],
        rng: random.Random,
        queues: list[AggregateQueue],
        exponential: list[bool],
        read_repair: bool = False,
    ) -> None:
        self.names = names
        self.regions = regions
        self.apply_delay_us = apply_delay_us
        self.service_us = service_us
        self.one_way = one_way
        self.rng = rng
        self.queues = queues
        self.exponential = exponential
        self.read_repair = read_repair
        self.repairs = 0
        self.n = len(names)
        # per node: key -> sorted list of (apply_time, ts, value); counters: (apply_time, incr_id)
        self.entries: list[dict[str, list[tuple]]] = [{} for _ in names]
        # per node: a counter increment's id -> when that node applied it (every node gets every one)
        self.applied_at: list[dict[tuple[int, int], int]] = [{} for _ in names]

    def coordinator(self, client_region: int) -> int:
        best, best_d = 0, None
        for i, r in enumerate(self.regions):
            d = self.one_way[client_region][r]
            if best_d is None or d < best_d:
                best, best_d = i, d
        return best

    def _service(self, node: int) -> int:
        mean = self.service_us[node]
        if mean < 0:  # a fixed service time (stored negated)
            return int(-mean)
        return int(-_log(1.0 - self.rng.random()) * mean) if mean > 0 else 0

    def _apply_delay(self, node: int) -> int:
        mean = self.apply_delay_us[node]
        if self.exponential[node] and mean > 0:
            return int(-_log(1.0 - self.rng.random()) * mean)
        return mean

    def write(
        self,
        t: int,
        coord: int,
        key: str,
        ts: tuple[int, int],
        value: int | str | None,
        reach,
        extra_delay,
        op: int = 0,
    ) -> list[int]:
        """Send a write from coordinator node `coord` at t. `reach(node, t)` -> None if the node gets it,
        else the time it gets it after repair (end of the fault). Returns the ack times (at the
        coordinator) of the nodes reached now, sorted. `value` None = a counter increment (id in ts)."""
        creg = self.regions[coord]
        rnd = self.rng.random
        one_way = self.one_way
        out = one_way[creg]
        acks = []
        for i, reg in enumerate(self.regions):
            d = out[reg]
            hop = d + int(rnd() * (d * 0.1 + 50))
            arrive = t + hop
            late = reach(i, t)
            if late is None:
                # the node queues, serves, then applies; it acknowledges once the write is applied
                applied = arrive + self.queues[i].wait(arrive, op, 1) + self._service(i)
                applied += self._apply_delay(i) + extra_delay(i, arrive)
            else:  # cut off: the write reaches it when the fault ends (hinted handoff), unacknowledged
                applied = max(arrive + self.apply_delay_us[i] + extra_delay(i, arrive), late + hop)
            entry = (applied, ts) if value is None else (applied, ts, value)
            lst = self.entries[i].get(key)
            if lst is None:
                lst = self.entries[i][key] = []
            insort(lst, entry)
            if value is None:
                self.applied_at[i][ts] = applied
            if late is None:
                d = one_way[reg][creg]
                acks.append(applied + (d + int(rnd() * (d * 0.1 + 50))))
        acks.sort()
        return acks

    def read_plan(self, t: int, coord: int, reach, op: int = 0) -> list[tuple[int, int, int]]:
        """Replies a read sent at t would get: sorted (reply_time, node, read_time)."""
        creg = self.regions[coord]
        rnd = self.rng.random
        one_way = self.one_way
        out = one_way[creg]
        replies = []
        for i, reg in enumerate(self.regions):
            if reach(i, t) is not None:
                continue
            d = out[reg]
            at = t + (d + int(rnd() * (d * 0.1 + 50)))
            at += self.queues[i].wait(at, op, 1) + self._service(i)
            d = one_way[reg][creg]
            replies.append((at + (d + int(rnd() * (d * 0.1 + 50))), i, at))
        replies.sort()
        return replies

    def read_value(self, key: str, chosen: list[tuple[int, int, int]], initial, counter: bool):
        """The merged answer of the chosen replies (each node's state at its read time)."""
        if counter:
            # Entries are sorted by apply time: a node's state at `at` is a prefix of its list. One node
            # holds each increment once, so a single reply counts its prefix; several count the union.
            # The union of several prefixes is the longest one plus the increments beyond it that another
            # reply has applied: counted from the (short) tail, not by a set of every increment, which
            # made each read cost as much as the key's whole history.
            replies = []
            for _, i, at in chosen:
                lst = self.entries[i].get(key)
                if lst:
                    replies.append((bisect_right(lst, (at, (1 << 62, 0))), i, at, lst))
            if not replies:
                return initial
            longest = max(replies, key=itemgetter(0))
            count, node = longest[0], longest[1]
            others = [(self.applied_at[i], at) for _, i, at, _ in replies if i != node]
            for _, ts in longest[3][count:]:
                for applied_at, at in others:
                    if applied_at[ts] <= at:
                        count += 1
                        break
            return initial + count
        return self.newest(key, chosen, initial)[1]

    def _newest_at(self, node: int, key: str, at: int) -> tuple | None:
        """The (applied, ts, value) entry of the highest timestamp node holds for key at `at`."""
        lst = self.entries[node].get(key)
        if not lst:
            return None
        j = bisect_right(lst, (at, (1 << 62, 0)))
        best = None
        # Entries are sorted by apply time and a write's timestamp never exceeds its apply time, so
        # scanning back from the read time can stop below the best timestamp found so far.
        while j > 0:
            j -= 1
            entry = lst[j]
            if best is not None and entry[0] < best[1][0]:
                break
            if best is None or entry[1] > best[1]:
                best = entry
        return best

    def newest(self, key: str, chosen, initial) -> tuple[tuple[int, int] | None, int | str]:
        """(timestamp, value) of the newest write among the chosen replies (None, initial: none)."""
        best_ts, best = None, initial
        for _, i, at in chosen:
            entry = self._newest_at(i, key, at)
            if entry is not None and (best_ts is None or entry[1] > best_ts):
                best_ts, best = entry[1], entry[2]
        return best_ts, best

    def oldest_missed(
        self,
        key: str,
        chosen: list[tuple[int, int, int]],
        counter: bool,
        committed_us: dict[int, int],
        t: int,
    ) -> int | None:
        """When the oldest write to key that the chosen replies' merged answer misses was committed (its
        W-th acknowledgement reached its coordinator: `committed_us` by op id), among those committed
        before t; None when the answer misses none. A register's answer reflects every write up to the
        timestamp it returned (last write wins); a counter's, each increment some reply had applied."""
        # A missed write is still unapplied on every chosen node at its read time: walking the shortest
        # of those tails finds them all. Every write has an entry on every node (`write`).
        entries = self.entries
        tail, node, start = -1, 0, 0
        for _, k, k_at in chosen:
            lst = entries[k].get(key)
            if not lst:
                return None
            j = bisect_right(lst, (k_at, (1 << 62, 0)))
            if j == len(lst):
                return None  # this reply had applied every write: the answer misses none
            if tail < 0 or len(lst) - j < tail:
                tail, node, start = len(lst) - j, k, j
        lst = entries[node][key]
        best = None if counter else self.newest(key, chosen, None)[0]
        others = (
            [(self.applied_at[k], k_at) for _, k, k_at in chosen if k != node]
            if counter and len(chosen) > 1
            else ()
        )
        oldest = t
        for j in range(start, len(lst)):
            ts = lst[j][1]
            committed = committed_us.get(ts[1], t)
            if committed >= oldest:
                continue  # committed at or after the read, or not the oldest
            if counter:
                if others and any(applied[ts] <= k_at for applied, k_at in others):
                    continue  # another reply had applied it: the merged count has it
            elif best is not None and ts <= best:
                continue  # older than the value returned: last write wins
            oldest = committed
        return oldest if oldest < t else None

    def repair(self, t: int, coord: int, key: str, replies, ts: tuple[int, int], value) -> None:
        """Read repair: every contacted node that answered older than (ts, value) gets it, one hop after
        the coordinator has both the answer (t) and that node's reply."""
        creg = self.regions[coord]
        for reply_at, i, at in replies:
            entry = self._newest_at(i, key, at)
            if entry is not None and entry[1] >= ts:
                continue
            self.repairs += 1
            insort(
                self.entries[i].setdefault(key, []),
                (max(t, reply_at) + self.one_way[creg][self.regions[i]], ts, value),
            )
