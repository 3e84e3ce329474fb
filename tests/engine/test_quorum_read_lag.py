"""The lag a quorum read is recorded with (`QuorumStore.oldest_missed`, issue 13 §2): when the oldest write
the merged answer misses was committed, among those committed before the read."""

from __future__ import annotations

import random

from capquest.engine.quorum import QuorumStore


def _store(n: int) -> QuorumStore:
    return QuorumStore(
        [f"node-{k}" for k in range(n)], [0] * n, [0] * n, [0.0] * n, [[0]], random.Random(0), [], [False] * n
    )


def test_a_register_misses_the_newer_writes_committed_before_the_read() -> None:
    store = _store(2)
    # (applied, (timestamp, op), value): op 1 then op 2 then op 3 on both nodes; node-1 applies op 2 late
    store.entries[0]["k"] = [(10, (5, 1), "a"), (40, (30, 2), "b"), (90, (80, 3), "c")]
    store.entries[1]["k"] = [(10, (5, 1), "a"), (200, (30, 2), "b"), (210, (80, 3), "c")]
    committed = {1: 12, 2: 45, 3: 95}
    one = [(0, 1, 60)]  # node-1 alone, read at 60: it holds "a" only
    assert store.oldest_missed("k", one, False, committed, 60) == 45
    assert store.oldest_missed("k", one, False, committed, 45) is None  # op 2 not committed yet
    both = [(0, 0, 60), (0, 1, 60)]  # node-0 has "b": last write wins, only op 3 is newer (uncommitted)
    assert store.oldest_missed("k", both, False, committed, 60) is None
    assert store.oldest_missed("k", both, False, committed, 100) == 95


def test_a_counter_misses_only_the_increments_no_reply_had_applied() -> None:
    store = _store(2)
    store.entries[0]["v"] = [(10, (5, 1)), (50, (20, 2)), (70, (30, 3))]
    store.entries[1]["v"] = [(15, (5, 1)), (25, (30, 3)), (90, (20, 2))]
    for node, entries in enumerate(store.entries):
        store.applied_at[node] = {ts: applied for applied, ts in entries["v"]}
    committed = {1: 16, 2: 30, 3: 35}
    # node-0 at 40 has op 1; node-1 at 40 has ops 1 and 3: op 2 (committed 30) is missed by both
    assert store.oldest_missed("v", [(0, 0, 40), (0, 1, 40)], True, committed, 40) == 30
    # node-0 alone at 40 misses op 2 (30) and op 3 (35): the oldest counts
    assert store.oldest_missed("v", [(0, 0, 40)], True, committed, 40) == 30
    # node-0 at 60 has ops 1 and 2, node-1 at 60 has op 3: the union misses nothing
    assert store.oldest_missed("v", [(0, 0, 60), (0, 1, 60)], True, committed, 60) is None
