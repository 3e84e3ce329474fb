"""The background worker of the cache-and-queue design (validates queued orders on the primary and
cancels the oversold ones: compensation), and the reconciliation of writes accepted on the far side of
a partition when it heals."""

from __future__ import annotations

from math import ceil

from capquest.engine.events import EV_WORKER, PRIMARY
from capquest.engine.state import SimulationState
from capquest.engine.workload import ORDER


class OrderWorker(SimulationState):
    """The order queue's worker and partition reconciliation."""

    def _enqueue(self, t: int, i: int) -> None:
        self.order_queue.append(i)
        if len(self.order_queue) > self.worker_peak:
            self.worker_peak = len(self.order_queue)
        if not self.worker_busy and self.worker_interval != float("inf"):  # a stopped worker never drains
            self.worker_busy = True
            at = max(float(t), self.worker_next)
            self._push(ceil(at), EV_WORKER, 0, 0)

    def _worker(self, t: int) -> None:
        primary = self.servers[PRIMARY]
        down = self.down_until(primary.crashes, t) if primary.crashes else None
        if down is not None:
            self._push(down, EV_WORKER, 0, 0)
            return
        i = self.order_queue.popleft()
        op = self.hist[i]
        key = op["key"]
        f = op["f"]
        if f == "order":
            if self.counter_ttl_us is not None:
                self.counter_queued[key].popleft()  # no longer queued: a later reload reflects it
            cur = self.committed[key]
            if cur >= op["qty"]:  # UPDATE ... WHERE stock >= qty
                self._commit(key, cur - op["qty"], t)
                self.writes += 1
            else:
                self.compensated += 1
                if self.policy_of_kind[ORDER].compensate:
                    self.cancels.append(
                        {
                            "id": -1,
                            "session": op["session"],
                            "f": "cancel",
                            "key": key,
                            "invoke": t,
                            "complete": t,
                            "node": "worker",
                            "outcome": "ok",
                            "error": "",
                            "order": i,
                        }
                    )
        elif f == "write":
            self._commit(key, op["value"], t)
            self.writes += 1
        else:
            self._commit(key, self.committed[key] + 1, t)
            self.writes += 1
        self.worker_next = t + self.worker_interval
        if self.order_queue:
            self._push(ceil(self.worker_next), EV_WORKER, 0, 0)
        else:
            self.worker_busy = False

    def _reconcile(self, t: int) -> None:
        """Writes accepted on the far side of a partition reach the primary when it heals."""
        self.unreconciled_since.pop(t, None)
        before = len(self.reconciled_oldest)
        for i in self.reconcile_q.pop(t, []):
            op = self.hist[i]
            key = op["key"]
            if op["complete"] < t:  # a read's lag counts it from its acknowledgement, not from this commit
                self.reconciled_at.append(len(self.log.commit_t))
                self.reconciled_oldest.append(op["complete"])
            if op["f"] == "order":
                cur = self.committed[key]
                self._commit(key, cur - op["qty"], t)
            elif op["f"] == "write":
                self._commit(key, op["value"], t)
            else:
                self._commit(key, self.committed[key] + 1, t)
            self.writes += 1
        oldest = self.reconciled_oldest  # from each position on, the oldest acknowledgement
        for k in range(len(oldest) - 2, -1, -1):
            if oldest[k + 1] < oldest[k]:
                oldest[k] = oldest[k + 1]
            elif k < before:
                break  # the entries before this one were already minima of what follows

    def _pending_reconcile(self, heal: int, i: int) -> None:
        now = self.now
        if heal <= now:  # the partition healed while this order was being checked
            self.reconcile_q.setdefault(now, []).append(i)
            self._reconcile(now)
            return
        self.reconcile_q.setdefault(heal, []).append(i)
        self.partition_writes = True
        # acknowledged to its client already: every node lacks it until the heal (a read's lag)
        accepted = self.hist[i]["complete"]
        first = self.unreconciled_since.get(heal)
        if first is None or accepted < first:
            self.unreconciled_since[heal] = accepted
