"""What the player does to the night, and the faults and rate profile it makes.

An `Action` happens at a simulated moment (integer milliseconds, so the schedule is exact data). Faults
opened by actions last until a later `heal` (or the end of the night). A `surge` is a step in the rate
profile: from its moment the rate is the surge's, whatever the level's profile said after it.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, replace
from typing import Literal

from capquest.engine.model import Fault, RatePoint, Scenario, Workload
from capquest.i18n import t

ActionKind = Literal["partition", "crash", "lag_spike", "surge", "heal"]
ACTION_KINDS: tuple[ActionKind, ...] = ("partition", "crash", "lag_spike", "surge", "heal")
MAX_RATE_POINTS = 32  # the pack format's limit on a rate profile
MAX_FAULTS = 32  # the pack format's limit on scheduled faults


@dataclass(frozen=True)
class Action:
    """One thing done to the night. `regions`: the side a partition cuts off from the rest: regions, and
    nodes by their names in the topology (a named node is cut from everything outside the side). `node`: the
    node a crash or a lag spike hits. `extra_lag_ms`: a lag spike's size. `rps`: a surge's new rate
    (real-world requests per second)."""

    kind: ActionKind
    at_ms: int
    regions: tuple[str, ...] = ()
    node: str = ""
    extra_lag_ms: float = 0.0
    rps: float = 0.0


@dataclass(frozen=True)
class ActionProblem:
    """Why an action cannot be taken: a catalogue key (`sandbox.<key>`) and its values."""

    key: str
    values: tuple[tuple[str, str], ...] = ()

    def text(self, lang: str | None = None) -> str:
        return t(f"sandbox.{self.key}", lang, **dict(self.values))


def crashable_nodes(scenario: Scenario) -> tuple[str, ...]:
    """Nodes a crash can hit: the names the engine and the pack format know."""
    topology = scenario.topology
    names = ["primary"]
    if topology.cache is not None:
        names.append("cache")
    names += [r.name for r in topology.replicas]
    if topology.quorum is not None:
        names += [n.name for n in topology.quorum.nodes]
    return tuple(names)


def lagging_nodes(scenario: Scenario) -> tuple[str, ...]:
    """Nodes that apply writes behind the primary, so a lag spike means something."""
    topology = scenario.topology
    names = [r.name for r in topology.replicas]
    if topology.quorum is not None:
        names += [n.name for n in topology.quorum.nodes]
    return tuple(names)


def _open_at(kind: ActionKind) -> bool:
    return kind in ("partition", "crash", "lag_spike")


def check_action(scenario: Scenario, actions: tuple[Action, ...], action: Action) -> ActionProblem | None:
    """None when `action` can join `actions` on this scenario, else why not (shown beside the field)."""
    duration_ms = round(scenario.workload.duration_s * 1000)
    if not 0 <= action.at_ms < duration_ms:
        return ActionProblem("bad_moment", (("at", _seconds(action.at_ms)), ("end", _seconds(duration_ms))))
    regions = scenario.topology.regions
    if action.kind == "partition":
        known_sides = (*regions, *crashable_nodes(scenario))
        unknown = [r for r in action.regions if r not in known_sides]
        if unknown:
            return ActionProblem("unknown_side", (("name", unknown[0]), ("known", ", ".join(known_sides))))
        side = set(action.regions)
        # with every region on the cut-off side, every client is with every node: nothing is cut
        if not side or side >= set(regions):
            return ActionProblem("partition_nothing", (("known", ", ".join(known_sides)),))
    elif action.kind in ("crash", "lag_spike"):
        known = crashable_nodes(scenario) if action.kind == "crash" else lagging_nodes(scenario)
        if not known:
            return ActionProblem("no_lagging_node")
        if action.node not in known:
            return ActionProblem("unknown_node", (("name", action.node), ("known", ", ".join(known))))
        if action.kind == "lag_spike" and not 0 < action.extra_lag_ms <= 600_000:
            return ActionProblem("bad_lag", (("got", _number(action.extra_lag_ms)),))
    elif action.kind == "surge":
        if not 0 < action.rps <= 1_000_000:
            return ActionProblem("bad_rate", (("got", _number(action.rps)),))
        points = len(_rate_with(scenario.workload, (*actions, action)))
        if points > MAX_RATE_POINTS:
            return ActionProblem("too_many_surges", (("limit", str(MAX_RATE_POINTS)),))
    elif action.kind == "heal":
        if not any(_open_at(a.kind) and a.at_ms <= action.at_ms for a in _unhealed(actions, action.at_ms)):
            return ActionProblem("nothing_to_heal")
    if _open_at(action.kind) and len(scenario.faults) + len(
        faults_of((*actions, action), duration_ms, regions)
    ) > (MAX_FAULTS):
        return ActionProblem("too_many_faults", (("limit", str(MAX_FAULTS)),))
    return None


def _seconds(ms: int) -> str:
    return f"{ms / 1000:.1f}"


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def _in_time_order(actions: tuple[Action, ...]) -> list[Action]:
    # A stable sort: two actions at the same moment keep the order they were taken in.
    return sorted(actions, key=lambda a: a.at_ms)


def _unhealed(actions: tuple[Action, ...], before_ms: int) -> list[Action]:
    """The fault actions still open at `before_ms` (taken before it and not healed since)."""
    open_: list[Action] = []
    for action in _in_time_order(actions):
        if action.at_ms > before_ms:
            break
        if _open_at(action.kind):
            open_.append(action)
        elif action.kind == "heal":
            open_ = []
    return open_


def faults_of(actions: tuple[Action, ...], duration_ms: int, regions: tuple[str, ...]) -> tuple[Fault, ...]:
    """The faults the actions make, in time order: each lasts until the next heal after it, or the end.
    A partition cuts the chosen regions off from every other region, and each chosen node from everything
    not chosen (its own region's clients included, unless its region is chosen too)."""
    ordered = _in_time_order(actions)
    heals = [a.at_ms for a in ordered if a.kind == "heal"]
    faults = []
    for action in ordered:
        if not _open_at(action.kind):
            continue
        until = next((h for h in heals if h >= action.at_ms), duration_ms)
        if until <= action.at_ms:  # healed at the moment it started: nothing happened
            continue
        faults.append(_fault(action, until, regions))
    return tuple(faults)


def _fault(action: Action, until_ms: int, regions: tuple[str, ...]) -> Fault:
    at_s, until_s = action.at_ms / 1000, until_ms / 1000
    if action.kind == "partition":
        rest = tuple(r for r in regions if r not in action.regions)
        return Fault(kind="partition", at_s=at_s, until_s=until_s, groups=(action.regions, rest))
    if action.kind == "crash":
        return Fault(kind="crash", at_s=at_s, until_s=until_s, node=action.node)
    return Fault(
        kind="lag_spike", at_s=at_s, until_s=until_s, node=action.node, extra_lag_ms=action.extra_lag_ms
    )


def _rate_at(points: list[tuple[float, float]], t_s: float) -> float:
    """The profile's rate at `t_s`: linear between points, flat before the first and after the last."""
    if t_s <= points[0][0]:
        return points[0][1]
    for (a, ra), (b, rb) in itertools.pairwise(points):
        if a <= t_s <= b:
            return ra if b == a else ra + (rb - ra) * (t_s - a) / (b - a)
    return points[-1][1]


STEP_S = 0.001  # a surge climbs to its rate within one millisecond: a step, as the pack format can say it


def _rate_with(workload: Workload, actions: tuple[Action, ...]) -> tuple[RatePoint, ...]:
    points = sorted((p.at_s, p.rps) for p in workload.rate)
    for action in _in_time_order(actions):
        if action.kind != "surge":
            continue
        at = action.at_ms / 1000
        before = [(a, r) for a, r in points if a < at]
        if before:
            before.append((at, _rate_at(points, at)))
        points = [*before, (round(at + STEP_S, 3) if before else at, action.rps)]
    return tuple(RatePoint(at_s=a, rps=r) for a, r in points)


def apply_actions(scenario: Scenario, actions: tuple[Action, ...]) -> Scenario:
    """The scenario with the actions' faults after its own and the surges in its rate profile."""
    duration_ms = round(scenario.workload.duration_s * 1000)
    faults = faults_of(actions, duration_ms, scenario.topology.regions)
    workload = scenario.workload
    if any(a.kind == "surge" for a in actions):
        workload = replace(workload, rate=_rate_with(workload, actions))
    return replace(scenario, workload=workload, faults=(*scenario.faults, *faults))
