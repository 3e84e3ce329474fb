"""Checks across fields and files, run once every file has passed its own pydantic validation.

pydantic checks each value against its type and bounds; these check what a type cannot say: references
between files and fields (chapters, cards, regions, nodes, concepts), orders (star thresholds, rate points,
fault windows), tutorial steps that make sense for their kind, translations, and the simulation budget
that keeps a hostile pack from asking for an hour of work.
"""

from __future__ import annotations

import dataclasses
import math
import re
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from pydantic import BaseModel

from capquest.engine.model import Policy, Scenario
from capquest.packs.messages import say
from capquest.packs.model import Card, ConceptsFile, LevelFile, Manifest, Text
from capquest.packs.positions import KeyLines
from capquest.packs.problems import Problem, Severity, did_you_mean, field_path
from capquest.packs.tutorial import tutorial_problems

MAX_SIMULATED_OPS = 200_000  # operations one level may simulate (duration × rate ÷ scale)
# A service rate the engine turns into an interval (1 / rate): 0 means "never"; a positive one below this
# would be an interval past any clock (apply_rps = 1e-300 overflowed the engine).
MIN_SERVICE_RATE = 0.001
# The smallest positive number a level may hold: below it, 1 / x or x / 1,000,000 leaves the range of a
# float (a rate of 5e-324 divided by zero in the arrival process).
MIN_POSITIVE = 0.000001

Loc = tuple[str | int, ...]


class Reporter:
    """Collects problems for the files of one pack, placing each on its line when it can."""

    def __init__(self, lines: dict[str, KeyLines]) -> None:
        self.lines = lines
        self.problems: list[Problem] = []

    def add(self, file: str, loc: Loc, reason: str, severity: Severity = "error") -> None:
        keys = self.lines.get(file)
        line = keys.line_of(loc) if keys and loc else None
        self.problems.append(Problem(file, field_path(loc), line, reason, severity))


def _unknown(what: str, name: str, known: Sequence[str]) -> str:
    reason = say("unknown_ref", what=say(f"what_{what}"), name=name) + did_you_mean(name, known)
    if known:
        reason += say("known", known=", ".join(dict.fromkeys(known)))
    return reason


def _duplicates(ids: Iterable[str]) -> Iterator[tuple[int, str]]:
    seen: set[str] = set()
    for i, ident in enumerate(ids):
        if ident in seen:
            yield i, ident
        seen.add(ident)


# ----------------------------------------------------------------------------------------------- texts
# Drawn one or two columns wide depending on the terminal (East Asian Width "A"): box drawing, arrows,
# geometric shapes and stars misalign Korean layouts.
_AMBIGUOUS = re.compile("[\u2190-\u21ff\u2200-\u22ff\u2460-\u24ff\u2500-\u25ff\u2600-\u26ff]")


def _ambiguous(text: str) -> str | None:
    found = _AMBIGUOUS.search(text)
    return found.group() if found else None


def walk_texts(model: BaseModel, loc: Loc = ()) -> Iterator[tuple[Loc, Text]]:
    """Every `Text` inside a pydantic model, with its location as written in the file."""
    for name, info in type(model).model_fields.items():
        key = info.alias or name
        value = getattr(model, name)
        yield from _texts_in(value, (*loc, key))


def _texts_in(value: Any, loc: Loc) -> Iterator[tuple[Loc, Text]]:
    if isinstance(value, Text):
        yield loc, value
    elif isinstance(value, BaseModel):
        yield from walk_texts(value, loc)
    elif isinstance(value, tuple):
        for i, item in enumerate(value):
            yield from _texts_in(item, (*loc, i))


def check_texts(
    report: Reporter, file: str, model: BaseModel, languages: Sequence[str], *, strict: bool
) -> None:
    """Each text has the pack's languages (a warning for instructor packs, an error for built-in ones)
    and its Korean keeps ambiguous-width glyphs out."""
    severity: Severity = "error" if strict else "warning"
    for loc, text in walk_texts(model):
        values = {"en": text.en, "ko": text.ko}
        if not any(v and v.strip() for v in values.values()):
            report.add(file, loc, say("empty_text"))
            continue
        for lang in languages:
            value = values.get(lang)
            if not (value and value.strip()):
                report.add(file, loc, say("missing_translation", lang=lang, langs=list(languages)), severity)
        glyph = _ambiguous(text.ko or "")
        if glyph:
            report.add(file, (*loc, "ko"), say("ambiguous_glyph", glyph=glyph), severity)


# ------------------------------------------------------------------------------------------------ pack
def check_manifest(report: Reporter, file: str, manifest: Manifest) -> None:
    for i, ident in _duplicates(manifest.levels):
        report.add(file, ("levels", i), say("duplicate", id=ident))
    for i, ident in _duplicates(c.id for c in manifest.chapters):
        report.add(file, ("chapters", i, "id"), say("duplicate", id=ident))


def check_concepts(report: Reporter, file: str, concepts: ConceptsFile) -> None:
    for i, ident in _duplicates(c.id for c in concepts.concepts):
        report.add(file, ("concepts", i, "id"), say("duplicate", id=ident))


def simulated_ops(scenario: Scenario) -> int:
    """Operations a run simulates: the area under the rate profile over the run, divided by the scale.
    The rate is linear between points, flat before the first and after the last."""
    workload = scenario.workload
    duration = workload.duration_s
    points = sorted((p.at_s, p.rps) for p in workload.rate)
    total = 0.0
    t, rate = 0.0, points[0][1]
    for at, rps in points:
        if at > duration:
            total += (duration - t) * (rate + (rate + (rps - rate) * (duration - t) / (at - t))) / 2
            return math.ceil(total / workload.scale)
        total += (at - t) * (rate + rps) / 2
        t, rate = at, rps
    total += (duration - t) * rate
    return math.ceil(total / workload.scale)


def check_level(
    report: Reporter,
    file: str,
    expected_id: str,
    level: LevelFile,
    chapters: Sequence[str],
    concepts: Sequence[str],
) -> None:
    if level.id != expected_id:
        report.add(file, ("id",), say("id_mismatch", got=level.id, expected=f"{level.id}.toml"))
    if chapters and level.chapter not in chapters:
        report.add(file, ("chapter",), _unknown("chapter", level.chapter, chapters))
    for i, concept in enumerate(level.concepts):
        if concept not in concepts:
            report.add(file, ("concepts", i), _unknown("concept", concept, concepts))
    _check_scenario(report, file, level.scenario)
    _check_service_rates(report, file, level.scenario)
    for loc, value in _numbers(level.scenario, ("scenario",)):
        if 0 < abs(value) < MIN_POSITIVE:
            report.add(file, loc, say("number_too_small", limit=f"{MIN_POSITIVE:f}", got=value))
    _check_counter_ttl(report, file, level)
    _check_cards(report, file, level)
    _check_scoring(report, file, level)
    _check_tutorial(report, file, level, concepts)


def _check_scenario(report: Reporter, file: str, scenario: Scenario) -> None:
    workload, topology = scenario.workload, scenario.topology
    at = ("scenario", "workload")
    ops = simulated_ops(scenario)
    if ops > MAX_SIMULATED_OPS:
        need = math.ceil(ops * workload.scale / MAX_SIMULATED_OPS)
        report.add(
            file,
            (*at, "duration_s"),
            say("ops_limit", ops=f"{ops:,}", limit=f"{MAX_SIMULATED_OPS:,}", scale=need),
        )
    for i in range(1, len(workload.rate)):
        prev, point = workload.rate[i - 1].at_s, workload.rate[i].at_s
        if point <= prev:
            report.add(file, (*at, "rate", i, "at_s"), say("rate_order", at=_num(point), prev=_num(prev)))
    for i, rate_point in enumerate(workload.rate):
        if rate_point.at_s > workload.duration_s:
            report.add(
                file,
                (*at, "rate", i, "at_s"),
                say("rate_after_end", at=_num(rate_point.at_s), duration=_num(workload.duration_s)),
                "warning",
            )

    regions = list(topology.regions)
    topo = ("scenario", "topology")
    for i, ident in _duplicates(regions):
        report.add(file, (*topo, "regions", i), say("duplicate", id=ident))

    def region(loc: Loc, name: str) -> None:
        if name not in regions:
            report.add(file, loc, _unknown("region", name, regions))

    region((*topo, "primary_region"), topology.primary_region)
    for i, link in enumerate(topology.links):
        region((*topo, "links", i, "a"), link.a)
        region((*topo, "links", i, "b"), link.b)
        if link.a == link.b:
            report.add(file, (*topo, "links", i), say("link_self"))
    for i, replica in enumerate(topology.replicas):
        region((*topo, "replicas", i, "region"), replica.region)
    if topology.cache is not None:
        region((*topo, "cache", "region"), topology.cache.region)
    quorum_nodes = [n.name for n in topology.quorum.nodes] if topology.quorum else []
    if topology.quorum is not None:
        for i, node in enumerate(topology.quorum.nodes):
            region((*topo, "quorum", "nodes", i, "region"), node.region)
    for i, share in enumerate(workload.client_regions):
        region((*at, "client_regions", i, "region"), share.region)

    replica_names = [r.name for r in topology.replicas]
    for i, ident in _duplicates(replica_names):
        report.add(file, (*topo, "replicas", i, "name"), say("duplicate", id=ident))
    for i, ident in _duplicates(quorum_nodes):
        report.add(file, (*topo, "quorum", "nodes", i, "name"), say("duplicate", id=ident))
    lagging = replica_names + quorum_nodes
    nodes = ["primary", *(["cache"] if topology.cache else []), *lagging]

    for i, fault in enumerate(scenario.faults):
        loc: Loc = ("scenario", "faults", i)
        if fault.until_s <= fault.at_s:
            report.add(
                file, (*loc, "until_s"), say("fault_window", until=_num(fault.until_s), at=_num(fault.at_s))
            )
        if fault.at_s >= workload.duration_s:
            report.add(
                file,
                (*loc, "at_s"),
                say("fault_after_end", at=_num(fault.at_s), duration=_num(workload.duration_s)),
                "warning",
            )
        if fault.kind == "partition":
            # a group may name nodes as well as regions (a region keeps its meaning if a node shares its
            # name); one group naming a node is a cut already: the node from everything outside it
            names_node = any(n not in regions and n in nodes for group in fault.groups for n in group)
            if len(fault.groups) < 2 and not names_node:
                report.add(file, (*loc, "groups"), say("partition_groups", got=len(fault.groups)))
            seen: set[str] = set()
            for g, group in enumerate(fault.groups):
                for r, name in enumerate(group):
                    if name not in regions and name not in nodes:
                        report.add(
                            file, (*loc, "groups", g, r), _unknown("region_or_node", name, regions + nodes)
                        )
                    if name in seen:
                        twice = "region_twice" if name in regions or name not in nodes else "node_twice"
                        report.add(file, (*loc, "groups", g, r), say(twice, name=name))
                    seen.add(name)
        else:
            known = nodes if fault.kind == "crash" else lagging
            if not fault.node:
                report.add(file, (*loc, "node"), say("fault_node_missing", kind=fault.kind))
            elif fault.node not in known:
                report.add(file, (*loc, "node"), _unknown("node", fault.node, known))


def _numbers(value: Any, loc: Loc) -> Iterator[tuple[Loc, float]]:
    """Every float in a scenario (frozen dataclasses, tuples), with its location as written."""
    if isinstance(value, float):
        yield loc, value
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for f in dataclasses.fields(value):
            yield from _numbers(getattr(value, f.name), (*loc, f.name))
    elif isinstance(value, tuple):
        for i, item in enumerate(value):
            yield from _numbers(item, (*loc, i))


def _check_service_rates(report: Reporter, file: str, scenario: Scenario) -> None:
    topology = scenario.topology
    rates: list[tuple[Loc, float]] = [(("scenario", "topology", "worker", "rps"), topology.worker.rps)]
    for i, replica in enumerate(topology.replicas):
        rates.append((("scenario", "topology", "replicas", i, "apply_rps"), replica.apply_rps))
    for loc, rate in rates:
        if 0 < rate < MIN_SERVICE_RATE:
            report.add(file, loc, say("rate_too_small", limit=MIN_SERVICE_RATE, got=rate))


def _check_counter_ttl(report: Reporter, file: str, level: LevelFile) -> None:
    """Cache drift that cannot happen: the counter outlives the run, or no card keeps one (only orders
    sent to the cache queue take stock from a cached counter)."""
    cache = level.scenario.topology.cache
    if cache is None or cache.counter_ttl_s is None:
        return
    loc: Loc = ("scenario", "topology", "cache", "counter_ttl_s")
    duration = level.scenario.workload.duration_s
    if cache.counter_ttl_s >= duration:
        report.add(
            file,
            loc,
            say("counter_ttl_after_end", ttl=_num(cache.counter_ttl_s), duration=_num(duration)),
            "warning",
        )
    if not any(card.classes.get("orders", card.policy).write_to == "cache_queue" for card in level.cards):
        report.add(file, loc, say("counter_ttl_unused"), "warning")


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def _check_policy(report: Reporter, file: str, loc: Loc, policy: Policy, scenario: Scenario) -> None:
    """A policy naming a part the topology lacks. The engine would quietly serve a replica or quorum
    read from the primary (the card would not do what it says: an error), and adds a default cache in the
    primary's region (it works, but the author may not know: a warning)."""
    topology = scenario.topology
    needs: list[tuple[str, str, str]] = []
    if policy.read_from == "replica" and not topology.replicas:
        needs.append(("read_from", "replica", "part_replica"))
    if policy.read_from == "quorum" and topology.quorum is None:
        needs.append(("read_from", "quorum", "part_quorum"))
    if policy.write_to == "quorum" and topology.quorum is None:
        needs.append(("write_to", "quorum", "part_quorum"))
    for field, value, part in needs:
        report.add(file, (*loc, field), say("needs_part", field=field, value=value, part=say(part)))
    if topology.quorum is not None:
        n = len(topology.quorum.nodes)
        for field, acks in (("read_level", policy.read_level), ("write_level", policy.write_level)):
            if isinstance(acks, int) and acks > n:
                report.add(file, (*loc, field), say("acks_above_n", field=field, value=acks, n=n))
    if topology.cache is None:
        for field, value in (("read_from", policy.read_from), ("write_to", policy.write_to)):
            if value in ("cache", "cache_queue"):
                report.add(file, (*loc, field), say("default_cache", field=field, value=value), "warning")


def _check_cards(report: Reporter, file: str, level: LevelFile) -> None:
    ids = [c.id for c in level.cards]
    by_id: dict[str, Card] = {c.id: c for c in level.cards}
    for i, ident in _duplicates(ids):
        report.add(file, ("cards", i, "id"), say("duplicate", id=ident))
    offered = level.hybrid.classes if level.hybrid else ()
    for i, card in enumerate(level.cards):
        loc: Loc = ("cards", i)
        _check_policy(report, file, (*loc, "policy"), card.policy, level.scenario)
        for data_class, policy in card.classes.items():
            _check_policy(report, file, (*loc, "classes", data_class), policy, level.scenario)
        if card.class_ == "hybrid" and not card.assign and not card.classes:
            report.add(file, (*loc, "class"), say("hybrid_no_assign"), "warning")
        for data_class, target in card.assign.items():
            where = (*loc, "assign", data_class)
            if target == card.id:
                report.add(file, where, say("hybrid_self"))
            elif target not in by_id:
                report.add(file, where, _unknown("card", target, ids))
            elif by_id[target].assign:
                report.add(file, where, say("hybrid_nested", name=target))
            if level.hybrid and data_class not in offered:
                report.add(file, where, say("hybrid_class_unoffered", name=data_class), "warning")
    if level.hybrid:
        for i, ident in _duplicates(level.hybrid.classes):
            report.add(file, ("hybrid", "classes", i), say("duplicate", id=ident))
        for i, ident in _duplicates(level.hybrid.cards):
            report.add(file, ("hybrid", "cards", i), say("duplicate", id=ident))
        for i, target in enumerate(level.hybrid.cards):
            if target not in by_id:
                report.add(file, ("hybrid", "cards", i), _unknown("card", target, ids))
            elif by_id[target].assign:
                report.add(file, ("hybrid", "cards", i), say("hybrid_nested", name=target))


def _check_scoring(report: Reporter, file: str, level: LevelFile) -> None:
    scoring = level.scoring
    par, two, three = scoring.stars
    if not par < two < three:
        report.add(
            file,
            ("scoring", "stars"),
            say("stars_order", got="[" + ", ".join(_num(s) for s in scoring.stars) + "]"),
        )
    if par > scoring.budget:
        report.add(
            file, ("scoring", "stars", 0), say("par_above_budget", par=_num(par), budget=_num(scoring.budget))
        )
    else:  # the level can be passed, but its top stars can never be won: most likely a slip
        for index, key in ((1, "two_above_budget"), (2, "three_above_budget")):
            if scoring.stars[index] > scoring.budget:
                at = ("scoring", "stars", index)
                threshold = _num(scoring.stars[index])
                report.add(file, at, say(key, stars=threshold, budget=_num(scoring.budget)), "warning")
                break


def _check_tutorial(report: Reporter, file: str, level: LevelFile, concepts: Sequence[str]) -> None:
    """The tutorial's own rules (capquest.packs.tutorial: what each kind of step needs, the screen
    targets, cards, data classes, concepts and figures it names)."""
    for loc, reason in tutorial_problems(level, concepts):
        report.add(file, loc, reason)
