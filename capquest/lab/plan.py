"""What the lab plays: a level's operations for one seed (the engine's own arrival schedule), time-
compressed to what one machine sustains, with each operation's routing policy from the card.

The seed fixes the schedule (which operation, key, session and quantity, and when, relative to the
others); the real database's timing is its own. Compression divides the level's times by the same factor:
arrival times, the replicas' base lag and the read-your-writes window, so the number of orders that fall
inside one lag window stays the level's. The client's timeout is not compressed: it is a customer's
patience, and a laptop shared with other work may answer late without the database being at fault.
"""

from __future__ import annotations

from dataclasses import dataclass

from capquest.engine.model import OP_DATA_CLASS, OP_KINDS, Policy, Strategy
from capquest.engine.workload import draw_arrivals
from capquest.errors import CapquestError
from capquest.packs.model import LevelFile

MAX_SECONDS = 20.0  # the longest a lab run plays
MAX_RATE = 2500.0  # operations per second one laptop's clients and servers keep up with
MAX_REPLICAS = 3


class LabUnsupported(CapquestError, ValueError):
    """This level or card cannot be played on PostgreSQL (a quorum store, a cache, a fault...): the
    message says why, in one line."""


@dataclass(frozen=True)
class LabOp:
    id: int
    session: int
    kind: str  # one of OP_KINDS
    key: str
    qty: int
    value: str | None  # what a profile write writes
    at_us: int  # when to send it, lab time from the start


@dataclass(frozen=True)
class Plan:
    level: str
    card: str
    seed: int
    ops: tuple[LabOp, ...]
    initial: dict[str, int | str]
    policies: dict[str, Policy]  # op kind -> the policy that serves it
    compression: float  # level seconds per lab second (>= 1)
    seconds: float  # lab seconds the schedule spans
    level_seconds: float  # the level's own duration
    replica_names: tuple[str, ...]
    apply_delay_ms: tuple[float, ...]  # per replica, lab milliseconds
    timeout_ms: float  # the level's client timeout, uncompressed

    @property
    def rate(self) -> float:
        return len(self.ops) / self.seconds if self.seconds > 0 else 0.0

    def ryw_window_ms(self, kind: str) -> float:
        return self.policies[kind].ryw_window_ms / self.compression


def _used_kinds(level: LevelFile) -> list[str]:
    mix = level.scenario.workload.mix
    return [k for k in OP_KINDS if getattr(mix, k) > 0] or ["order"]


def unsupported_reason(level: LevelFile, strategy: Strategy) -> str | None:
    """Why this level with this strategy cannot run in the lab (a catalogue key under `lab.`), or None."""
    scenario = level.scenario
    if scenario.topology.quorum is not None:
        return "why_quorum"
    if scenario.faults:
        return "why_faults"
    if len(scenario.topology.replicas) > MAX_REPLICAS:
        return "why_replicas"
    for kind in _used_kinds(level):
        policy = strategy.policy_for(OP_DATA_CLASS[kind])
        if policy.read_from not in ("primary", "replica") or policy.write_to != "primary":
            return "why_cache"
        if policy.max_staleness_ms is not None:
            return "why_staleness"
    return None


def card_reason(level: LevelFile, card_id: str) -> str | None:
    from capquest.play import strategy_for

    return unsupported_reason(level, strategy_for(level, card_id))


def lab_cards(level: LevelFile) -> list[str]:
    """The cards of a level that the lab can play (empty: the level is not a lab level)."""
    return [card.id for card in level.cards if card_reason(level, card.id) is None]


def make_plan(
    level: LevelFile,
    card_id: str,
    *,
    seed: int | None = None,
    seconds: float | None = None,
    apply_delay_ms: float | None = None,
) -> Plan:
    """The lab's plan for a level, card and seed. `seconds` shortens the run (default: the level's
    duration, at most MAX_SECONDS, longer only if the rate would pass MAX_RATE); `apply_delay_ms` sets
    every replica's base lag in lab milliseconds (default: the level's lag, compressed)."""
    from capquest.i18n import t
    from capquest.play import strategy_for

    strategy = strategy_for(level, card_id)
    reason = unsupported_reason(level, strategy)
    if reason is not None:
        raise LabUnsupported(t("lab.unsupported", level=level.id, card=card_id, why=t(f"lab.{reason}")))
    used_seed = level.seed if seed is None else seed
    workload = level.scenario.workload
    arrivals = draw_arrivals(workload, used_seed, [1.0])
    n = len(arrivals.times)
    duration = workload.duration_s
    target = min(duration, MAX_SECONDS) if seconds is None else min(float(seconds), duration, MAX_SECONDS)
    target = max(target, n / MAX_RATE)
    if target > MAX_SECONDS + 1e-9:
        raise LabUnsupported(t("lab.too_many_ops", level=level.id, ops=n, max=int(MAX_SECONDS * MAX_RATE)))
    compression = max(1.0, duration / target) if target > 0 else 1.0
    ops = tuple(
        LabOp(
            id=i,
            session=arrivals.sessions[i],
            kind=OP_KINDS[arrivals.kinds[i]],
            key=arrivals.keys[i],
            qty=arrivals.qtys[i],
            value=arrivals.values[i],
            at_us=int(arrivals.times[i] / compression),
        )
        for i in range(n)
    )
    replicas = level.scenario.topology.replicas
    if apply_delay_ms is None:
        delays = tuple(r.lag_ms / compression for r in replicas)
    else:
        delays = tuple(float(apply_delay_ms) for _ in replicas)
    return Plan(
        level=level.id,
        card=card_id,
        seed=used_seed,
        ops=ops,
        initial=dict(sorted(arrivals.initial.items())),
        policies={kind: strategy.policy_for(OP_DATA_CLASS[kind]) for kind in OP_KINDS},
        compression=compression,
        seconds=duration / compression,
        level_seconds=duration,
        replica_names=tuple(r.name for r in replicas),
        apply_delay_ms=delays,
        timeout_ms=workload.timeout_ms,
    )
