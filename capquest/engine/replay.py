"""The replay trace: a snapshot of the system's state every 1/50 of the run, for the replay view."""

from __future__ import annotations

from capquest.engine.events import PRIMARY
from capquest.engine.state import SimulationState


class ReplayFrames(SimulationState):
    """Samples the pool, locks, replica lag, stock, the worker's queue and partitions into frames."""

    def _frame(self, t: int) -> None:
        values: dict[str, float] = {}
        busy: float
        primary = self.servers[PRIMARY]
        scale = self.scale
        if primary.aggregate is not None:
            busy, waiting = primary.aggregate.occupancy(t, self.lock_waiters * scale)
            if busy > primary.peak:
                primary.peak = busy
            values["primary.pool_busy"] = round(busy, 1)
            values["primary.pool_waiting"] = round(waiting, 1)
        else:
            busy = sum(1 for f in primary.free if f > t) if primary.direct else primary.busy
            if busy > primary.peak:
                primary.peak = busy
            values["primary.pool_busy"] = busy
            waitq = primary.waitq
            hist = self.hist
            while (
                waitq and (hist[waitq[0]]["invoke"] + self.timeout_us) < t
            ):  # clients that gave up leave the count
                primary.queued_at.pop(waitq.popleft(), None)
            values["primary.pool_waiting"] = len(waitq)
        values["lock_waiters"] = self.lock_waiters * scale
        # the quantity Outcome.read_lag_us records for a replica's read (t minus the commit time of the
        # oldest write not yet applied), sampled at the frame's instant: 0 whenever the replica has caught up at that instant,
        # even on a run whose reads between frames were stale
        for r in range(self.n_replicas):
            values[f"{self.servers[1 + r].name}.lag_ms"] = self.log.lag_us(r, t) / 1000.0
        for item in range(min(3, self.scenario.workload.items)):
            key = f"stock/{item}"
            if key in self.committed:
                values[key] = self.committed[key]
                if key in self.cache_counters:
                    values[f"cache.{key}"] = self.cache_counters[key]
        values["worker.queue"] = len(self.order_queue) * scale
        values["partition"] = 1.0 if any(s <= t < e for s, e, _ in self.partitions) else 0.0
        self.frames.append((t, values))
