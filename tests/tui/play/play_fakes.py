"""A deterministic stand-in for the engine, so the play screens can be built, tested and snapshotted
without waiting for (or depending on the timing of) `capquest.engine.simulate`.

`fake_run` has the signature of the screens' runner: (level, card_id, seed, assign) -> a real
`capquest.play.RunResult` with made-up figures. Its numbers come from the card's policy (a lock never oversells, a
replica read is fast and oversells, ...) so the screens show the shapes the lessons are about.
"""

from __future__ import annotations

import random
from collections.abc import Mapping

from capquest.engine.model import Policy
from capquest.engine.outcome import Latency, Metrics, Outcome, TraceFrame
from capquest.packs.model import LevelFile
from capquest.play import RunResult
from capquest.scoring import score


def _text(en: str, ko: str) -> dict[str, str]:
    return {"en": en, "ko": ko}


def fake_level(*, hybrid: bool = False) -> LevelFile:
    """A small level shaped like the campaign's replica-oversell level (two regions, a partition)."""
    cards = [
        {
            "id": "replica-read",
            "class": "ap",
            "title": _text("Read the replica", "복제본에서 읽기"),
            "pitch": _text(
                "Check stock on the fast replica, write to the primary.",
                "빠른 복제본에서 재고를 확인하고 주문은 마스터에 씁니다.",
            ),
            "explanation": _text(
                "The replica lagged behind the primary, so orders saw stock that was already sold.",
                "복제본이 마스터보다 늦어서, 이미 팔린 재고를 보고 주문했습니다.",
            ),
            "policy": {"read_from": "replica", "on_partition": "serve_local"},
        },
        {
            "id": "for-update",
            "class": "cp",
            "title": _text("Lock the row", "행 잠금"),
            "pitch": _text(
                "SELECT ... FOR UPDATE on the primary: one order at a time per item.",
                "마스터에서 SELECT ... FOR UPDATE: 상품마다 한 번에 한 주문.",
            ),
            "explanation": _text(
                "The lock serialised orders: nothing oversold, but the queue grew.",
                "잠금이 주문을 줄 세웠습니다. 초과 판매는 없지만 대기열이 길어졌습니다.",
            ),
            "policy": {"stock_check": "for_update"},
        },
        {
            "id": "cache-queue",
            "class": "ap",
            "title": _text("Cache + queue", "캐시 + 큐"),
            "pitch": _text(
                "Decrement a Redis counter, queue the order, apologise later.",
                "Redis 카운터를 줄이고 주문은 큐에 넣은 뒤 나중에 사과합니다.",
            ),
            "explanation": _text(
                "Fast answers; the worker cancelled what the counter got wrong.",
                "응답은 빨랐고, 카운터가 틀린 주문은 워커가 취소했습니다.",
            ),
            "policy": {"read_from": "cache", "write_to": "cache_queue", "on_partition": "serve_local"},
        },
        {
            "id": "conditional",
            "class": "cp",
            "title": _text("Conditional update", "조건부 갱신"),
            "pitch": _text(
                "UPDATE ... WHERE stock >= 1: atomic, no lock queue.",
                "UPDATE ... WHERE stock >= 1: 원자적이고 잠금 대기열이 없습니다.",
            ),
            "explanation": _text(
                "One atomic step checked and took the stock.",
                "한 번의 원자적 단계로 재고를 확인하고 차감했습니다.",
            ),
            "policy": {"stock_check": "conditional_update"},
        },
    ]
    data: dict = {
        "id": "black-friday" if not hybrid else "mixed-bag",
        "chapter": "ch1",
        "title": _text("Black Friday, 2 a.m.", "블랙 프라이데이, 새벽 2시"),
        "briefing": _text(
            "Traffic is twenty times normal. The single PostgreSQL is drowning, so we added a read "
            "replica. Five units of the hot item are left. Choose how orders check the stock.",
            "트래픽이 평소의 20배입니다. 단일 PostgreSQL이 버티지 못해 읽기 복제본을 붙였습니다. "
            "인기 상품은 5개 남았습니다. 주문이 재고를 어떻게 확인할지 고르세요.",
        ),
        "debrief": _text(
            "Reading stock from an asynchronous replica is reading the past. Linearizability is what "
            "the lock buys, and latency is what it costs: PACELC's E side.",
            "비동기 복제본에서 재고를 읽는 것은 과거를 읽는 것입니다. 잠금이 사 주는 것은 선형성이고, "
            "그 값은 지연 시간입니다. PACELC의 E 쪽입니다.",
        ),
        "seed": 7,
        "scenario": {
            "workload": {
                "duration_s": 10.0,
                "scale": 10,
                "rate": [{"at_s": 0, "rps": 1000}, {"at_s": 5, "rps": 20000}],
                "hot_item_stock": 5,
            },
            "topology": {
                "regions": ["seoul", "busan"],
                "links": [{"a": "seoul", "b": "busan", "rtt_ms": 12}],
                "primary_region": "seoul",
                "replicas": [{"name": "replica-1", "region": "busan", "lag_ms": 40}],
                "cache": {"region": "seoul"},
            },
            "faults": [{"kind": "partition", "at_s": 6, "until_s": 8, "groups": [["seoul"], ["busan"]]}],
        },
        "cards": cards,
        "scoring": {
            "budget": 1000,
            "oversell_cost": 100,
            "latency_cost": 5,
            "error_cost": 10,
            "cost_cost": 1,
            "stars": [600, 750, 850],
        },
    }
    if hybrid:
        data["hybrid"] = {
            "classes": ["orders", "inventory", "catalog"],
            "cards": ["replica-read", "for-update", "cache-queue"],
        }
        data["cards"] = [
            *cards[:3],
            {
                "id": "split",
                "class": "hybrid",
                "title": _text("Split by data", "데이터별로 나누기"),
                "pitch": _text(
                    "Lock the orders, cache the catalogue.", "주문은 잠그고 카탈로그는 캐시합니다."
                ),
                "explanation": _text(
                    "Each class got the guarantee it needed.", "각 데이터가 필요한 보장을 받았습니다."
                ),
                "assign": {"orders": "for-update", "inventory": "for-update", "catalog": "cache-queue"},
            },
        ]
    return LevelFile.model_validate(data)


def _profile(policy: Policy) -> tuple[int, float, float, float]:
    """(oversold units, p50 ms, p99 ms, error rate) a card of this policy roughly earns."""
    if policy.stock_check == "for_update":
        return 0, 40.0, 2400.0, 0.06
    if policy.stock_check == "conditional_update":
        return 0, 18.0, 650.0, 0.02
    if policy.write_to == "cache_queue":
        return 1, 2.0, 9.0, 0.0
    if policy.read_from == "replica":
        return 3, 6.0, 35.0, 0.0
    return 2, 25.0, 900.0, 0.03


def fake_run(
    level: LevelFile, card_id: str | None, seed: int | None = None, assign: Mapping[str, str] | None = None
) -> RunResult:
    by_id = {c.id: c for c in level.cards}
    card = by_id[card_id] if card_id else level.cards[0]
    mapping = {**card.assign, **(assign or {})}
    policy = by_id[mapping["orders"]].policy if "orders" in mapping else card.policy
    used_seed = level.seed if seed is None else seed
    rng = random.Random(f"{level.id}/{card.id}/{sorted(mapping.items())}/{used_seed}")
    oversold, p50, p99, errors = _profile(policy)
    oversold = oversold + (1 if oversold and rng.random() < 0.5 else 0)
    p99 = round(p99 * (0.9 + 0.2 * rng.random()), 1)
    metrics = Metrics(
        requests=200_000,
        orders_accepted=5 + oversold,
        oversold_units=oversold,
        compensated_orders=oversold if policy.write_to == "cache_queue" else 0,
        stale_reads=oversold * 40,
        ryw_violations=0,
        monotonic_violations=0,
        error_rate=errors,
        latency_ms=Latency(p50=p50, p95=round(p99 * 0.7, 1), p99=p99, mean=round(p50 * 1.4, 1)),
        cost_units=round(120 + 30 * rng.random(), 1),
        simulated_ops=20_000,
    )
    frames = []
    stock = 5
    lag = 40.0
    for i in range(41):  # a frame every 250 ms of a 10 s run
        t_us = i * 250_000
        rps = 1000 + min(i, 20) * 950
        events: list[str] = []
        if i == 24:
            events.append("partition:start")
        if i == 32:
            events.append("partition:end")
        if stock > -oversold and i in (6, 9, 12, 14, 17, 19, 22, 26):
            stock -= 1
            if stock < 0:
                events.append("oversell:stock/0")
        lag = lag * 1.15 if policy.read_from == "replica" and i < 24 else max(40.0, lag * 0.8)
        pool = min(100.0, rps / 200 * (3 if policy.stock_check == "for_update" else 1))
        frames.append(
            TraceFrame(
                t_us=t_us,
                values={
                    "rps": float(rps),
                    "primary.pool_busy": round(pool, 1),
                    "replica-1.lag_ms": round(lag, 1),
                    "stock/0": float(max(stock, 0) if policy.stock_check != "read_then_write" else stock),
                    "stock/1": float(800 - i * 7),
                    "errors": rps * errors * (2 if 24 <= i < 32 else 1),  # failed requests per second
                    "p99_ms": p99 * min(1.0, (i + 1) / 20),
                },
                events=tuple(events),
            )
        )
    outcome = Outcome(
        metrics=metrics,
        history=fake_history(oversold),
        trace=tuple(frames),
        digest=f"{rng.getrandbits(64):016x}",
    )
    return RunResult(
        level=level.id,
        card="custom" if assign else card.id,
        seed=used_seed,
        outcome=outcome,
        score=score(metrics, level.scoring),
        assign=dict(assign or {}),
    )


def fake_history(oversold: int) -> dict:
    """A history in the documented format: five units of stock/0, orders from four sessions whose stock
    checks read a lagging replica, so `oversold` orders beyond the five are accepted (the checker finds
    them), plus a partition between 6 and 8 s."""
    ops = []
    for i in range(5 + oversold):
        invoke = 1_000_000 + i * 400_000
        ops.append(
            {
                "id": i,
                "session": i % 4,
                "f": "order",
                "key": "stock/0",
                "invoke": invoke,
                "complete": invoke + 30_000,
                "node": "replica-1" if i % 2 else "primary",
                "outcome": "ok",
                "error": "",
                "qty": 1,
                "seen": max(1, 5 - i // 2),
            }
        )
    reads = [
        {
            "id": 100 + i,
            "session": i % 4,
            "f": "read",
            "key": "stock/0",
            "invoke": 1_200_000 + i * 500_000,
            "complete": 1_210_000 + i * 500_000,
            "node": "replica-1",
            "outcome": "ok",
            "error": "",
            "value": max(0, 5 - i // 3),
        }
        for i in range(6)
    ]
    return {
        "format": "capquest-history",
        "version": 1,
        "time_unit": "us",
        "initial": {"stock/0": 5},
        "nodes": ["primary", "replica-1"],
        "faults": [
            {
                "kind": "partition",
                "start": 6_000_000,
                "end": 8_000_000,
                "groups": [["seoul"], ["busan"]],
                "node": "",
            }
        ],
        "ops": sorted(ops + reads, key=lambda op: (op["invoke"], op["id"])),
    }


class FakeClock:
    """A clock the test moves by hand, so every replay frame is deterministic."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds
