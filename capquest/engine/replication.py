"""The primary's write log and its asynchronous replicas (`ReplicaLog`).

Every write committed on the primary gets the next log position. Replica r applies position k at
    apply_r[k] = max(commit[k] + lag_r (+ a lag spike), apply_r[k-1] + 1 / apply_rate_r)
(postponed to the end of a partition or crash that cuts it off), so its lag grows whenever writes arrive
faster than it applies them. Apply times are known at commit, so a replica read is a bisect over the
key's apply times: the value as of what that replica had applied when the read ran."""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass


@dataclass
class ReplicaSpec:
    lag_us: int
    apply_interval_us: float  # 1 / simulated apply rate
    spikes: list[tuple[int, int, int]]  # (start, end, extra lag) for writes committed in [start, end)
    outages: list[tuple[int, int]]  # (start, end): cut off from the primary (partition) or crashed


class ReplicaLog:
    def __init__(self, specs: list[ReplicaSpec]) -> None:
        self.specs = specs
        self.commit_t: list[int] = []
        self.key_commit: dict[str, list[int]] = {}
        self.key_vals: dict[str, list[int | str]] = {}
        self.apply_t: list[list[int]] = [[] for _ in specs]
        self.key_apply: list[dict[str, list[int]]] = [{} for _ in specs]
        self._last: list[float] = [0.0] * len(specs)
        self._replicas = [
            (spec.lag_us, spec.apply_interval_us, spec.spikes, spec.outages, apply_r, key_apply_r)
            for spec, apply_r, key_apply_r in zip(specs, self.apply_t, self.key_apply, strict=True)
        ]

    def commit(self, key: str, value: int | str, t: int) -> None:
        self.commit_t.append(t)
        kc = self.key_commit.get(key)
        if kc is None:
            self.key_commit[key] = [t]
            self.key_vals[key] = [value]
        else:
            kc.append(t)
            self.key_vals[key].append(value)
        last = self._last
        # one tuple per replica, unpacked in the loop: no attribute lookups per write and replica
        for r, (lag_us, interval_us, spikes, outages, apply_r, key_apply_r) in enumerate(self._replicas):
            a: float = t + lag_us
            if spikes:
                for s, e, extra in spikes:
                    if s <= t < e:
                        a += extra
            paced = last[r] + interval_us
            if paced > a:
                a = paced
            if outages:
                for s, e in outages:
                    if s <= a < e:
                        a = e
            last[r] = a
            ai = int(a)
            apply_r.append(ai)
            ka = key_apply_r.get(key)
            if ka is None:
                key_apply_r[key] = [ai]
            else:
                ka.append(ai)

    def replica_value(self, r: int, key: str, t: int, initial: int | str) -> int | str:
        ka = self.key_apply[r].get(key)
        if not ka:
            return initial
        i = bisect_right(ka, t)
        return self.key_vals[key][i - 1] if i else initial

    def value_at(self, key: str, t: int, initial: int | str) -> int | str:
        """The primary's committed value of `key` at time t (a cache filled at t holds this)."""
        kc = self.key_commit.get(key)
        if not kc:
            return initial
        i = bisect_right(kc, t)
        return self.key_vals[key][i - 1] if i else initial

    def applied(self, r: int, t: int) -> int:
        """How many log positions replica r has applied by t (its freshness, for monotonic reads)."""
        return bisect_right(self.apply_t[r], t)

    def lag_us(self, r: int, t: int) -> int:
        """How long the oldest write not yet applied on replica r has waited (0 when caught up)."""
        n = bisect_right(self.apply_t[r], t)
        if n >= len(self.commit_t):
            return 0
        return max(0, t - self.commit_t[n])
