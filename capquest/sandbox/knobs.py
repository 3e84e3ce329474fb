"""The policy knobs set by hand: a form of choices and numbers, and the `Policy` they make.

R and W are whole numbers of quorum nodes, 1 to N. A count that equals the level the card named (ONE,
QUORUM = a majority, ALL) keeps that name, so a level's card set by hand is still the same card; any
other count goes to the engine as a number (R + W > N: every read quorum meets every write quorum).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

from capquest.engine.model import Acks, Policy, Scenario
from capquest.engine.quorum import needed
from capquest.i18n import t

# (field, its choices); a field without choices is a number.
KNOBS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("read_from", ("primary", "replica", "cache", "quorum")),
    ("write_to", ("primary", "cache_queue", "quorum")),
    ("stock_check", ("read_then_write", "for_update", "conditional_update")),
    ("cache_decrement", ("get_then_decr", "atomic")),
    ("compensate", ("yes", "no")),
    ("on_partition", ("refuse", "serve_local")),
    ("monotonic_reads", ("no", "yes")),
    ("ryw_window_ms", ()),
    ("max_staleness_ms", ()),
    ("read_r", ()),
    ("write_w", ()),
)
KNOB_IDS = tuple(name for name, _ in KNOBS)
CHOICES = dict(KNOBS)


@dataclass(frozen=True)
class KnobProblem:
    field: str
    key: str
    values: tuple[tuple[str, str], ...] = ()

    def text(self, lang: str | None = None) -> str:
        return t(f"sandbox.{self.key}", lang, **dict(self.values))


def _count(level: str | int, n: int) -> int:
    return needed(level, n)


def quorum_size(scenario: Scenario) -> int:
    quorum = scenario.topology.quorum
    return len(quorum.nodes) if quorum else 0


def knobs_of(policy: Policy, scenario: Scenario) -> dict[str, str]:
    n = quorum_size(scenario)
    return {
        "read_from": policy.read_from,
        "write_to": policy.write_to,
        "stock_check": policy.stock_check,
        "cache_decrement": policy.cache_decrement,
        "compensate": "yes" if policy.compensate else "no",
        "on_partition": policy.on_partition,
        "monotonic_reads": "yes" if policy.monotonic_reads else "no",
        "ryw_window_ms": _num(policy.ryw_window_ms),
        "max_staleness_ms": "" if policy.max_staleness_ms is None else _num(policy.max_staleness_ms),
        "read_r": str(_count(policy.read_level, n)) if n else "",
        "write_w": str(_count(policy.write_level, n)) if n else "",
    }


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def _level(text: str, n: int, was: Acks, name: str) -> tuple[Acks | None, KnobProblem | None]:
    try:
        count = int(text.strip())
    except ValueError:
        return None, KnobProblem(name, "not_whole", (("got", text.strip()),))
    if count < 1:
        return None, KnobProblem(name, "quorum_count_low", (("got", str(count)),))
    if count > n:
        return None, KnobProblem(name, "quorum_count_high", (("got", str(count)), ("n", str(n))))
    if _count(was, n) == count:  # the same count as the card said: keep how it said it
        return was, None
    return count, None


def policy_of(
    knobs: Mapping[str, str], scenario: Scenario, base: Policy | None = None
) -> tuple[Policy | None, tuple[KnobProblem, ...]]:
    """The policy the knobs describe (starting from `base`), or None and every problem."""
    base = base or Policy()
    problems: list[KnobProblem] = []
    values: dict[str, object] = {}
    for name, choices in KNOBS:
        if not choices:
            continue
        value = knobs.get(name, "")
        if value not in choices:
            problems.append(
                KnobProblem(name, "unknown_choice", (("got", value), ("known", ", ".join(choices))))
            )
            continue
        values[name] = value == "yes" if name in ("compensate", "monotonic_reads") else value
    for name in ("ryw_window_ms", "max_staleness_ms"):
        text = knobs.get(name, "").strip()
        if name == "max_staleness_ms" and not text:
            values[name] = None
            continue
        try:
            number = float(text or "0")
        except ValueError:
            problems.append(KnobProblem(name, "not_number", (("got", text),)))
            continue
        if not 0 <= number <= 600_000:
            problems.append(
                KnobProblem(name, "out_of_range", (("got", text), ("low", "0"), ("high", "600000")))
            )
            continue
        values[name] = number
    n = quorum_size(scenario)
    uses_quorum = values.get("read_from") == "quorum" or values.get("write_to") == "quorum"
    if uses_quorum and not n:
        problems.append(KnobProblem("read_r", "no_quorum_store"))
    elif n:
        for name, attr in (("read_r", "read_level"), ("write_w", "write_level")):
            level, problem = _level(knobs.get(name, ""), n, getattr(base, attr), name)
            if problem:
                problems.append(problem)
            else:
                values[attr] = level
    if problems:
        return None, tuple(problems)
    return replace(base, **values), ()  # type: ignore[arg-type]  # each value was checked against its knob above
