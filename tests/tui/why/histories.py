"""Hand-made runs for the Why? view's snapshots: the seed's story in miniature (5 in stock, buyers check
the stock on lagging replicas, then order on the primary), so the pictures change only when the view or
the checker does, never when the engine's tuning moves a number."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from capquest.engine.outcome import TraceFrame

STOCK = 5
BUYERS = 6  # the sixth buyer makes the sixth sale of five units
LAG_US = 1_200_000  # how far the replicas are behind the primary
SPIKE = (1_500_000, 2_500_000, 2_000_000)  # replica-2's lag spike: start, end, lag meanwhile


def lag_us(node: str, t: int) -> int:
    return SPIKE[2] if node == "replica-2" and SPIKE[0] <= t < SPIKE[1] else LAG_US


STEP_US = 400_000  # a buyer every 0.4 s


def five_to_six(*, consistent: bool = False) -> SimpleNamespace:
    """A RunResult-shaped object. `consistent`: buyers check on the primary and the order is an atomic
    decrement that refuses at zero (the CP card); otherwise they check on a replica and always buy."""
    ops: list[dict[str, Any]] = []
    sold_at: list[int] = []  # completion times of accepted orders
    op_id = 0
    for buyer in range(BUYERS):
        t = 100_000 + buyer * STEP_US
        node = "primary" if consistent else f"replica-{buyer % 2 + 1}"
        as_of = t if consistent else t - lag_us(node, t)
        seen = STOCK - sum(1 for done in sold_at if done <= as_of)
        common = {"session": buyer + 1, "key": "stock/0", "error": ""}
        ops.append(
            {
                **common,
                "id": op_id,
                "f": "read",
                "invoke": t,
                "complete": t + 3_000,
                "node": node,
                "outcome": "ok",
                "value": seen,
            }
        )
        op_id += 1
        accepted = (STOCK - len(sold_at) > 0) if consistent else seen > 0
        ops.append(
            {
                **common,
                "id": op_id,
                "f": "order",
                "invoke": t + 10_000,
                "complete": t + 25_000,
                "node": "primary",
                "outcome": "ok" if accepted else "fail",
                "error": "" if accepted else "out_of_stock",
                "qty": 1,
                "seen": None if consistent else seen,
            }
        )
        op_id += 1
        if accepted:
            sold_at.append(t + 25_000)
    nodes = ["primary"] if consistent else ["primary", "replica-1", "replica-2"]
    history = {
        "format": "capquest-history",
        "version": 1,
        "time_unit": "us",
        "initial": {"stock/0": STOCK},
        "nodes": nodes,
        "faults": []
        if consistent
        else [{"kind": "lag_spike", "start": SPIKE[0], "end": SPIKE[1], "groups": [], "node": "replica-2"}],
        "ops": ops,
    }
    replicas = [] if consistent else ["replica-1", "replica-2"]
    trace = tuple(
        TraceFrame(t_us=t, values={f"{n}.lag_ms": lag_us(n, t) / 1000 for n in replicas})
        for t in range(0, 3_000_001, 250_000)
    )
    card = "primary-check" if consistent else "replica-check"
    return SimpleNamespace(
        level="five-to-six", card=card, seed=1, outcome=SimpleNamespace(history=history, trace=trace)
    )
