"""The lab's clients: play a Plan against a running Cluster and record what they saw as a history.

Open loop, as the engine's workload is: each operation is sent at its scheduled time whether or not
earlier ones have answered, from concurrent asyncio tasks sharing one psycopg connection pool per
server. Each card's policy is the SQL the seed chapter writes:

- read_then_write: `SELECT units` where the card reads (the replica), then, if it looked enough,
  `UPDATE stock SET units = units - q` on the primary, unconditionally (the seed's bug);
- for_update: `SELECT units ... FOR UPDATE`, then the UPDATE, in one transaction on the primary;
- conditional_update: `UPDATE ... SET units = units - q WHERE units >= q`, one atomic statement;
- read-your-writes: a session's reads go to the primary for the (compressed) window after its write;
- monotonic reads: a session reads only a replica whose replayed WAL position is at least the one it
  last read at (polled every few milliseconds), else the primary.

Times are the client's monotonic clock (microseconds from the first operation's schedule origin);
`node` is the server that answered, named by its role and real port ("replica-1:54321").
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable
from typing import Any

from capquest.history import FORMAT, VERSION, History, Op
from capquest.lab.plan import LabOp, Plan
from capquest.lab.postgres import Cluster

PRIMARY_POOL = 16  # connections from the clients to the primary
REPLICA_POOL = 8  # ... and to each replica
LSN_POLL_S = 0.01
READY_TIMEOUT_S = 30.0

Progress = Callable[[int, int], None]  # (operations answered, operations in the plan)


class LabCancelled(Exception):
    """The run was cancelled (the game's Cancel): servers are stopped as on any other exit."""


class LabTimeout(RuntimeError):
    """A replica did not catch up or take its new delay in time."""


_LSN = "pg_current_wal_lsn() - '0/0'::pg_lsn"
_REPLAY_LSN = "pg_last_wal_replay_lsn() - '0/0'::pg_lsn"
_TABLES = (
    "DROP TABLE IF EXISTS stock, register, counter",
    "CREATE TABLE stock (key text PRIMARY KEY, units integer NOT NULL)",
    "CREATE TABLE register (key text PRIMARY KEY, value text)",
    "CREATE TABLE counter (key text PRIMARY KEY, value bigint NOT NULL)",
)
_READ = {
    "stock_read": "SELECT units, {lsn} FROM stock WHERE key = %s",
    "catalog_read": "SELECT value, {lsn} FROM register WHERE key = %s",
    "profile_read": "SELECT value, {lsn} FROM register WHERE key = %s",
    "counter_read": "SELECT value, {lsn} FROM counter WHERE key = %s",
}


def _table_of(key: str) -> str:
    prefix = key.split("/", 1)[0]
    return {"stock": "stock", "views": "counter"}.get(prefix, "register")


def play(
    cluster: Cluster,
    plan: Plan,
    *,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
) -> History:
    """Load the plan's initial data, give the replicas their delay, play every operation, and return
    the clients' history. Ctrl-C (KeyboardInterrupt) and `cancel` stop it; the caller's Cluster then
    stops the servers."""
    if len(plan.replica_names) > len(cluster.replica_servers):
        raise ValueError(f"the plan needs {len(plan.replica_names)} replicas, the cluster has fewer")
    return asyncio.run(_Player(cluster, plan, progress, cancel or threading.Event()).run())


class _Player:
    def __init__(
        self, cluster: Cluster, plan: Plan, progress: Progress | None, cancel: threading.Event
    ) -> None:
        self.cluster = cluster
        self.plan = plan
        self.progress = progress
        self.cancel = cancel
        self.primary = f"primary:{cluster.primary.port}"
        self.replicas = [
            f"{name}:{server.port}"
            for name, server in zip(plan.replica_names, cluster.replica_servers, strict=False)
        ]
        self.conninfo = {self.primary: cluster.primary.conninfo()}
        for node, server in zip(self.replicas, cluster.replica_servers, strict=False):
            self.conninfo[node] = server.conninfo()
        self.replay_lsn: dict[str, int] = dict.fromkeys(self.replicas, 0)
        self.floor: dict[int, int] = {}  # session -> WAL position its last read saw (monotonic reads)
        self.last_write: dict[int, int] = {}  # session -> when (us) it last wrote (read-your-writes)
        self.records: list[Op] = []
        self.done = 0
        self.pools: dict[str, Any] = {}
        self.t0 = 0

    def now_us(self) -> int:
        return (time.monotonic_ns() - self.t0) // 1000

    # ------------------------------------------------------------------------------------ the run
    async def run(self) -> History:
        import psycopg

        await self._prepare()
        from psycopg_pool import AsyncConnectionPool

        for node, info in self.conninfo.items():
            size = PRIMARY_POOL if node == self.primary else REPLICA_POOL
            pool = AsyncConnectionPool(
                info, min_size=size, max_size=size, kwargs={"autocommit": True}, open=False, timeout=30
            )
            self.pools[node] = pool
        poller: asyncio.Task | None = None
        tasks: set[asyncio.Task] = set()
        try:
            for pool in self.pools.values():
                await pool.open(wait=True, timeout=READY_TIMEOUT_S)
            if any(policy.monotonic_reads for policy in self.plan.policies.values()) and self.replicas:
                poller = asyncio.create_task(self._poll_lsn(psycopg))
            self.t0 = time.monotonic_ns()
            for op in self.plan.ops:
                await self._wait_until(op.at_us)
                task = asyncio.create_task(self._run_op(op))
                tasks.add(task)
                task.add_done_callback(tasks.discard)
            while tasks:
                self._check_cancel()
                await asyncio.wait(tasks, timeout=0.05)
        finally:
            for task in (*tasks, *([poller] if poller else [])):
                task.cancel()
            await asyncio.gather(*tasks, *([poller] if poller else []), return_exceptions=True)
            for pool in self.pools.values():
                await pool.close(timeout=2.0)
        return self._history()

    def _check_cancel(self) -> None:
        if self.cancel.is_set():
            raise LabCancelled()

    async def _wait_until(self, at_us: int) -> None:
        while True:
            self._check_cancel()
            delay = at_us - self.now_us()
            if delay <= 0:
                return
            await asyncio.sleep(min(delay / 1_000_000, 0.05))

    def _history(self) -> History:
        self.records.sort(key=lambda r: (r["invoke"], r["id"]))
        kinds = {key: "stock" for key in self.plan.initial if key.startswith("stock/")}
        history: dict[str, Any] = {
            "format": FORMAT,
            "version": VERSION,
            "time_unit": "us",
            "initial": dict(self.plan.initial),
            "nodes": [self.primary, *self.replicas],
            "faults": [],
            "ops": self.records,
            "kinds": kinds,
        }
        return history  # type: ignore[return-value]

    # -------------------------------------------------------------------------------- preparation
    async def _prepare(self) -> None:
        """Fresh tables with the plan's initial values, replicas caught up with no delay, then the
        plan's delay in force on every replica before the first operation."""
        import psycopg

        self.cluster.set_apply_delay(0.0)
        await self._wait_delays(psycopg, [0.0] * len(self.replicas))
        async with await psycopg.AsyncConnection.connect(self.conninfo[self.primary]) as conn:
            for statement in _TABLES:
                await conn.execute(statement)
            by_table: dict[str, list[tuple[str, Any]]] = {"stock": [], "register": [], "counter": []}
            for key, value in self.plan.initial.items():
                by_table[_table_of(key)].append((key, value))
            async with conn.cursor() as cur:
                await cur.executemany("INSERT INTO stock VALUES (%s, %s)", by_table["stock"])
                await cur.executemany("INSERT INTO register VALUES (%s, %s)", by_table["register"])
                await cur.executemany("INSERT INTO counter VALUES (%s, %s)", by_table["counter"])
            await conn.commit()
            await conn.set_autocommit(True)
            cur = await conn.execute(f"SELECT {_LSN}")
            row = await cur.fetchone()
            target = int(row[0]) if row else 0
        deadline = time.monotonic() + READY_TIMEOUT_S
        for node in self.replicas:
            async with await psycopg.AsyncConnection.connect(self.conninfo[node], autocommit=True) as conn:
                while True:
                    self._check_cancel()
                    cur = await conn.execute(f"SELECT {_REPLAY_LSN}")
                    row = await cur.fetchone()
                    if row and row[0] is not None and int(row[0]) >= target:
                        break
                    if time.monotonic() > deadline:
                        raise LabTimeout(f"{node} did not catch up with the primary")
                    await asyncio.sleep(0.02)
        delays = list(self.plan.apply_delay_ms[: len(self.replicas)])
        self.cluster.set_apply_delay(delays)
        await self._wait_delays(psycopg, delays)

    async def _wait_delays(self, psycopg: Any, delays: list[float]) -> None:
        deadline = time.monotonic() + READY_TIMEOUT_S
        for node, delay in zip(self.replicas, delays, strict=True):
            async with await psycopg.AsyncConnection.connect(self.conninfo[node], autocommit=True) as conn:
                while True:
                    self._check_cancel()
                    cur = await conn.execute(
                        "SELECT setting FROM pg_settings WHERE name = 'recovery_min_apply_delay'"
                    )
                    row = await cur.fetchone()
                    if row and int(row[0]) == round(delay):
                        break
                    if time.monotonic() > deadline:
                        raise LabTimeout(f"{node} did not take its apply delay")
                    await asyncio.sleep(0.02)

    async def _poll_lsn(self, psycopg: Any) -> None:
        """Each replica's replayed WAL position, a few milliseconds old at most: a lower bound of what
        a read there sees, which is what choosing a replica 'at least as fresh' needs."""
        conns = {
            node: await psycopg.AsyncConnection.connect(self.conninfo[node], autocommit=True)
            for node in self.replicas
        }
        try:
            while True:
                for node, conn in conns.items():
                    try:
                        cur = await conn.execute(f"SELECT {_REPLAY_LSN}")
                        row = await cur.fetchone()
                        if row and row[0] is not None:
                            self.replay_lsn[node] = int(row[0])
                    except psycopg.Error:
                        pass
                await asyncio.sleep(LSN_POLL_S)
        finally:
            for conn in conns.values():
                await conn.close()

    # -------------------------------------------------------------------------------- operations
    def _route_read(self, op: LabOp) -> str:
        policy = self.plan.policies[op.kind]
        if policy.read_from != "replica" or not self.replicas:
            return self.primary
        window_us = self.plan.ryw_window_ms(op.kind) * 1000
        if window_us > 0:
            wrote = self.last_write.get(op.session)
            if wrote is not None and self.now_us() - wrote < window_us:
                return self.primary
        if policy.monotonic_reads:
            floor = self.floor.get(op.session, 0)
            fresh = [node for node in self.replicas if self.replay_lsn[node] >= floor]
            if not fresh:
                return self.primary
            return fresh[op.id % len(fresh)]
        return self.replicas[op.id % len(self.replicas)]

    async def _read(self, node: str, op: LabOp, sql: str) -> Any:
        lsn = _LSN if node == self.primary else _REPLAY_LSN
        async with self.pools[node].connection() as conn:
            cur = await conn.execute(sql.format(lsn=lsn), (op.key,))
            row = await cur.fetchone()
        if row is None:
            return None
        value, seen_lsn = row
        if seen_lsn is not None:
            self.floor[op.session] = max(self.floor.get(op.session, 0), int(seen_lsn))
        return value

    async def _run_op(self, op: LabOp) -> None:
        import psycopg
        from psycopg_pool import PoolTimeout

        invoke = self.now_us()
        record: dict[str, Any] = {
            "id": op.id,
            "session": op.session,
            "f": "read",
            "key": op.key,
            "invoke": invoke,
            "complete": None,
            "node": "",
            "outcome": "ok",
            "error": "",
        }
        if op.kind == "order":
            record.update(f="order", qty=op.qty)
        elif op.kind == "profile_write":
            record.update(f="write", value=op.value)
        elif op.kind == "event_write":
            record.update(f="incr", value=1)
        try:
            await asyncio.wait_for(self._perform(op, record), self.plan.timeout_ms / 1000)
            record["complete"] = self.now_us()
        except TimeoutError:
            # The client gave up; the statement may still take effect (the checker treats it so).
            record.update(complete=self.now_us(), outcome="fail", error="timeout")
        except (psycopg.Error, PoolTimeout, OSError):
            record.update(complete=self.now_us(), outcome="fail", error="unavailable")
        if record["f"] in ("write", "incr") or (record["f"] == "order" and record["outcome"] == "ok"):
            self.last_write[op.session] = self.now_us()
        if record["f"] == "read" and record["outcome"] != "ok":
            record.pop("value", None)
        self.records.append(record)  # type: ignore[arg-type]
        self.done += 1
        if self.progress is not None:
            self.progress(self.done, len(self.plan.ops))

    async def _perform(self, op: LabOp, record: dict[str, Any]) -> None:
        kind = op.kind
        if kind in _READ:
            node = self._route_read(op)
            record["node"] = node
            value = await self._read(node, op, _READ[kind])
            record["value"] = int(value) if kind in ("stock_read", "counter_read") else value
            return
        if kind in ("profile_write", "event_write"):
            self.last_write[op.session] = self.now_us()
            record["node"] = self.primary
            sql = (
                "UPDATE register SET value = %s WHERE key = %s"
                if kind == "profile_write"
                else "UPDATE counter SET value = value + %s WHERE key = %s"
            )
            async with self.pools[self.primary].connection() as conn:
                await conn.execute(sql, (op.value if kind == "profile_write" else 1, op.key))
            return
        await self._order(op, record)

    async def _order(self, op: LabOp, record: dict[str, Any]) -> None:
        policy = self.plan.policies["order"]
        record["node"] = self.primary
        if policy.stock_check == "conditional_update":
            record["seen"] = None
            async with self.pools[self.primary].connection() as conn:
                cur = await conn.execute(
                    "UPDATE stock SET units = units - %s WHERE key = %s AND units >= %s RETURNING units",
                    (op.qty, op.key, op.qty),
                )
                taken = await cur.fetchone()
            if taken is None:
                record.update(outcome="fail", error="out_of_stock")
            return
        if policy.stock_check == "for_update":
            async with self.pools[self.primary].connection() as conn, conn.transaction():
                cur = await conn.execute("SELECT units FROM stock WHERE key = %s FOR UPDATE", (op.key,))
                row = await cur.fetchone()
                seen = int(row[0]) if row else 0
                record["seen"] = seen
                if seen >= op.qty:
                    await conn.execute("UPDATE stock SET units = units - %s WHERE key = %s", (op.qty, op.key))
            if seen < op.qty:
                record.update(outcome="fail", error="out_of_stock")
            return
        # read_then_write: the check where the card reads, then an unconditional decrement on the primary.
        check_node = self._route_read(op)
        record["check_node"] = check_node
        value = await self._read(check_node, op, _READ["stock_read"])
        seen = int(value) if value is not None else 0
        record["seen"] = seen
        if seen < op.qty:
            record.update(node=check_node, outcome="fail", error="out_of_stock")
            return
        async with self.pools[self.primary].connection() as conn:
            await conn.execute("UPDATE stock SET units = units - %s WHERE key = %s", (op.qty, op.key))
