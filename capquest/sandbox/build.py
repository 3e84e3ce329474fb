"""The build form: the system and its traffic as plain text fields, and the `Scenario` they make.

A view shows one input per field (`FIELDS`, in order) and the problem of each bad field beside it. A part
whose fields were not changed is kept from the base scenario exactly as it was (a level's per-replica
servers, its quorum nodes' delays), so starting from a level and changing nothing reproduces the level.

Lists are written as people write them: regions `seoul, busan`; round trips `seoul-busan=10`; replicas
`replica-busan@busan`; a rate profile `0=1000, 5=20000` (seconds=requests/s) or one rate `5000`; the mix
`order=1, catalog_read=5`; client regions `seoul=1, busan=1`. An empty cache or quorum field means none.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from pydantic import TypeAdapter, ValidationError

from capquest.engine.model import (
    OP_KINDS,
    Cache,
    Link,
    OpMix,
    Quorum,
    QuorumNode,
    RatePoint,
    RegionShare,
    Replica,
    Scenario,
    Topology,
    Worker,
    Workload,
)
from capquest.i18n import t

# (field id, the part of the system it belongs to). The order is the form's.
FIELDS: tuple[tuple[str, str], ...] = (
    ("regions", "network"),
    ("links", "network"),
    ("primary_region", "primary"),
    ("pool", "primary"),
    ("cores", "primary"),
    ("service_ms", "primary"),
    ("replicas", "replicas"),
    ("replica_lag_ms", "replicas"),
    ("replica_apply_rps", "replicas"),
    ("cache", "cache"),
    ("counter_ttl_s", "cache"),
    ("worker_rps", "worker"),
    ("quorum_n", "quorum"),
    ("quorum_regions", "quorum"),
    ("rate", "traffic"),
    ("duration_s", "traffic"),
    ("scale", "traffic"),
    ("mix", "traffic"),
    ("clients", "traffic"),
    ("items", "traffic"),
    ("stock", "traffic"),
    ("hot_stock", "traffic"),
    ("skew", "traffic"),
    ("timeout_ms", "traffic"),
)
FIELD_IDS = tuple(name for name, _ in FIELDS)
PARTS = ("network", "primary", "replicas", "cache", "worker", "quorum", "traffic")


@dataclass(frozen=True)
class BuildProblem:
    """A bad field: which one, and why (a catalogue key `sandbox.<key>` and its values)."""

    field: str
    key: str
    values: tuple[tuple[str, str], ...] = ()

    def text(self, lang: str | None = None) -> str:
        return t(f"sandbox.{self.key}", lang, **dict(self.values))


class _Bad(Exception):
    def __init__(self, key: str, **values: object) -> None:
        super().__init__(key)
        self.key = key
        self.values = tuple((k, str(v)) for k, v in values.items())


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def _pairs(values: Mapping[str, float]) -> str:
    return ", ".join(f"{k}={_num(v)}" for k, v in values.items())


def form_of(scenario: Scenario) -> dict[str, str]:
    """The form's text for a scenario (what a level pre-fills)."""
    w, topo = scenario.workload, scenario.topology
    primary = topo.primary
    quorum = topo.quorum
    replica = topo.replicas[0] if topo.replicas else None
    quorum_regions: list[str] = []
    for node in quorum.nodes if quorum else ():
        if node.region not in quorum_regions:
            quorum_regions.append(node.region)
    rate = (
        _num(w.rate[0].rps)
        if len(w.rate) == 1 and w.rate[0].at_s == 0
        else ", ".join(f"{_num(p.at_s)}={_num(p.rps)}" for p in w.rate)
    )
    return {
        "regions": ", ".join(topo.regions),
        "links": ", ".join(f"{link.a}-{link.b}={_num(link.rtt_ms)}" for link in topo.links),
        "primary_region": topo.primary_region,
        "pool": str(primary.pool),
        "cores": "" if primary.cores is None else str(primary.cores),
        "service_ms": _num(primary.service_ms),
        "replicas": ", ".join(f"{r.name}@{r.region}" for r in topo.replicas),
        "replica_lag_ms": _num(replica.lag_ms) if replica else "50",
        "replica_apply_rps": _num(replica.apply_rps) if replica else "5000",
        "cache": topo.cache.region if topo.cache else "",
        "counter_ttl_s": ""
        if topo.cache is None or topo.cache.counter_ttl_s is None
        else _num(topo.cache.counter_ttl_s),
        "worker_rps": _num(topo.worker.rps),
        "quorum_n": str(len(quorum.nodes)) if quorum else "",
        "quorum_regions": ", ".join(quorum_regions),
        "rate": rate,
        "duration_s": _num(w.duration_s),
        "scale": str(w.scale),
        "mix": _pairs({k: getattr(w.mix, k) for k in OP_KINDS if getattr(w.mix, k)}),
        "clients": _pairs({s.region: s.weight for s in w.client_regions}),
        "items": str(w.items),
        "stock": str(w.stock),
        "hot_stock": "" if w.hot_item_stock is None else str(w.hot_item_stock),
        "skew": _num(w.popularity_skew),
        "timeout_ms": _num(w.timeout_ms),
    }


# ----------------------------------------------------------------------------------------------- parsing
def _int(text: str, low: int, high: int) -> int:
    try:
        value = int(text.strip())
    except ValueError:
        raise _Bad("not_whole", got=text.strip()) from None
    if not low <= value <= high:
        raise _Bad("out_of_range", got=value, low=low, high=high)
    return value


def _float(text: str, low: float, high: float, *, above: bool = False) -> float:
    try:
        value = float(text.strip())
    except ValueError:
        raise _Bad("not_number", got=text.strip()) from None
    if value != value or (value <= low if above else value < low) or value > high:
        raise _Bad(
            "above_range" if above else "out_of_range", got=_num(value), low=_num(low), high=_num(high)
        )
    return value


def _names(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def _name(text: str) -> str:
    name = text.strip()
    if not 1 <= len(name) <= 40 or any(c in name for c in "=@,\"'"):
        raise _Bad("bad_name", got=name)
    return name


def _assignments(text: str) -> list[tuple[str, str]]:
    out = []
    for part in _names(text):
        key, eq, value = part.partition("=")
        if not eq or not key.strip() or not value.strip():
            raise _Bad("bad_pair", got=part)
        out.append((key.strip(), value.strip()))
    return out


def _region(name: str, regions: list[str]) -> str:
    if name not in regions:
        raise _Bad("unknown_region", name=name, known=", ".join(regions))
    return name


def _regions(form: Mapping[str, str]) -> list[str]:
    regions = [_name(r) for r in _names(form["regions"])]
    if not regions:
        raise _Bad("no_regions")
    if len(regions) > 16:
        raise _Bad("too_many", limit=16)
    for i, name in enumerate(regions):
        if name in regions[:i]:
            raise _Bad("twice", name=name)
    return regions


def _links(text: str, regions: list[str]) -> tuple[Link, ...]:
    links = []
    seen = set()
    for pair, rtt in _assignments(text):
        a, dash, b = pair.partition("-")
        if not dash:
            raise _Bad("bad_link", got=pair)
        a, b = _region(a.strip(), regions), _region(b.strip(), regions)
        if a == b:
            raise _Bad("link_self", name=a)
        if frozenset((a, b)) in seen:
            raise _Bad("twice", name=pair)
        seen.add(frozenset((a, b)))
        links.append(Link(a=a, b=b, rtt_ms=_float(rtt, 0, 600_000)))
    return tuple(links)


def _placed(text: str, regions: list[str], limit: int) -> list[tuple[str, str]]:
    """`name@region, ...`"""
    out: list[tuple[str, str]] = []
    for part in _names(text):
        name, at, region = part.partition("@")
        if not at:
            raise _Bad("bad_placed", got=part)
        name = _name(name)
        if name in ("primary", "cache", "worker") or name in [n for n, _ in out]:
            raise _Bad("twice", name=name)
        out.append((name, _region(region.strip(), regions)))
    if len(out) > limit:
        raise _Bad("too_many", limit=limit)
    return out


def _rate(text: str) -> tuple[RatePoint, ...]:
    text = text.strip()
    if "=" not in text:
        if not text:
            raise _Bad("rate_zero")
        return (RatePoint(at_s=0.0, rps=_float(text, 0, 1_000_000, above=True)),)
    points = []
    for at_text, rps_text in _assignments(text):
        points.append(RatePoint(at_s=_float(at_text, 0, 600), rps=_float(rps_text, 0, 1_000_000)))
    if len(points) > 32:
        raise _Bad("too_many", limit=32)
    if any(b.at_s <= a.at_s for a, b in itertools.pairwise(points)):
        raise _Bad("rate_order")
    if not any(p.rps > 0 for p in points):
        raise _Bad("rate_zero")
    return tuple(points)


def _mix(text: str) -> OpMix:
    weights: dict[str, float] = {}
    for kind, weight in _assignments(text):
        if kind not in OP_KINDS:
            raise _Bad("unknown_op", name=kind, known=", ".join(OP_KINDS))
        weights[kind] = _float(weight, 0, 1_000_000)
    if not any(weights.values()):
        raise _Bad("mix_empty")
    return OpMix(**{k: weights.get(k, 0.0) for k in OP_KINDS})


def _clients(text: str, regions: list[str]) -> tuple[RegionShare, ...]:
    return tuple(
        RegionShare(region=_region(region, regions), weight=_float(weight, 0, 1_000_000, above=True))
        for region, weight in _assignments(text)
    )


# ---------------------------------------------------------------------------------------------- building
def scenario_of(form: Mapping[str, str], base: Scenario) -> tuple[Scenario | None, tuple[BuildProblem, ...]]:
    """The scenario the form describes (parts left as in `base` kept verbatim), or None and every
    problem, each beside its field. Never raises on bad text."""
    before = form_of(base)
    text = {name: str(form.get(name, before[name])) for name in FIELD_IDS}
    changed = {part for name, part in FIELDS if text[name].strip() != before[name].strip()}
    problems: list[BuildProblem] = []
    topo, w = base.topology, base.workload

    def field(name: str, make: Callable[[], Any]) -> Any:
        try:
            return make()
        except _Bad as bad:
            problems.append(BuildProblem(name, bad.key, bad.values))
            return None

    regions = field("regions", lambda: _regions(text)) or list(topo.regions)
    links = field("links", lambda: _links(text["links"], regions))
    primary_region = field("primary_region", lambda: _region(text["primary_region"].strip(), regions))
    pool = field("pool", lambda: _int(text["pool"], 1, 100_000))
    # A pack cannot write "no core limit" (TOML has no null), so the sandbox asks for a number.
    cores = field("cores", lambda: _int(text["cores"], 1, 1024))
    service_ms = field("service_ms", lambda: _float(text["service_ms"], 0, 60_000, above=True))
    placed = field("replicas", lambda: _placed(text["replicas"], regions, 16))
    lag_ms = field("replica_lag_ms", lambda: _float(text["replica_lag_ms"], 0, 600_000))
    apply_rps = field(
        "replica_apply_rps", lambda: _float(text["replica_apply_rps"], 0, 1_000_000, above=True)
    )
    cache_region = field(
        "cache", lambda: _region(text["cache"].strip(), regions) if text["cache"].strip() else ""
    )
    counter_ttl = field(
        "counter_ttl_s",
        lambda: (
            None if not text["counter_ttl_s"].strip() else _float(text["counter_ttl_s"], 0, 600, above=True)
        ),
    )
    worker_rps = field("worker_rps", lambda: _float(text["worker_rps"], 0, 1_000_000))
    quorum_n = field(
        "quorum_n", lambda: None if not text["quorum_n"].strip() else _quorum_n(text["quorum_n"])
    )
    quorum_regions = field(
        "quorum_regions", lambda: [_region(r, regions) for r in _names(text["quorum_regions"])]
    )
    rate = field("rate", lambda: _rate(text["rate"]))
    duration = field("duration_s", lambda: _float(text["duration_s"], 0, 600, above=True))
    scale = field("scale", lambda: _int(text["scale"], 1, 100_000))
    mix = field("mix", lambda: _mix(text["mix"]))
    clients = field("clients", lambda: _clients(text["clients"], regions))
    items = field("items", lambda: _int(text["items"], 1, 10_000))
    stock = field("stock", lambda: _int(text["stock"], 0, 10_000_000))
    hot = field(
        "hot_stock", lambda: None if not text["hot_stock"].strip() else _int(text["hot_stock"], 0, 10_000_000)
    )
    skew = field("skew", lambda: _float(text["skew"], 0, 4))
    timeout = field("timeout_ms", lambda: _float(text["timeout_ms"], 0, 600_000, above=True))
    if quorum_n is not None and quorum_regions == []:
        problems.append(BuildProblem("quorum_regions", "quorum_no_regions"))
    if problems:
        return None, tuple(problems)

    primary = topo.primary
    if "primary" in changed:
        primary = replace(primary, pool=pool, cores=cores, service_ms=service_ms)
    replicas = topo.replicas
    if "replicas" in changed:
        kept = {(r.name, r.region): r for r in topo.replicas}
        replicas = tuple(
            replace(
                kept.get((name, region)) or Replica(name=name, region=region, server=primary),
                lag_ms=lag_ms,
                apply_rps=apply_rps,
            )
            for name, region in placed
        )
    cache = topo.cache
    if "cache" in changed:
        cache = (
            None
            if not cache_region
            else replace(cache or Cache(), region=cache_region, counter_ttl_s=counter_ttl)
        )
    quorum = topo.quorum
    if "quorum" in changed:
        quorum = None
        if quorum_n is not None:
            nodes = tuple(
                QuorumNode(name=f"node-{i + 1}", region=quorum_regions[i % len(quorum_regions)])
                for i in range(quorum_n)
            )
            quorum = Quorum(nodes=nodes) if topo.quorum is None else replace(topo.quorum, nodes=nodes)
    topology = topo
    if changed & {"network", "primary", "replicas", "cache", "worker", "quorum"}:
        topology = Topology(
            regions=tuple(regions),
            links=links if "network" in changed else topo.links,
            local_rtt_ms=topo.local_rtt_ms,
            primary_region=primary_region,
            primary=primary,
            replicas=replicas,
            cache=cache,
            worker=Worker(rps=worker_rps) if "worker" in changed else topo.worker,
            quorum=quorum,
        )
    workload = w
    if "traffic" in changed:
        workload = Workload(
            duration_s=duration,
            scale=scale,
            rate=rate,
            mix=mix,
            items=items,
            popularity_skew=skew,
            stock=stock,
            hot_item_stock=hot,
            max_qty=w.max_qty,
            sessions=w.sessions,
            client_regions=clients,
            timeout_ms=timeout,
        )
    scenario = replace(base, topology=topology, workload=workload, faults=_still_meaningful(base, topology))
    try:  # the engine's own bounds, as the pack format applies them
        TypeAdapter(Scenario).validate_python(TypeAdapter(Scenario).dump_python(scenario))
    except ValidationError as error:
        return None, (BuildProblem(_field_of(error), "invalid", (("reason", error.errors()[0]["msg"]),)),)
    return scenario, ()


def _still_meaningful(base: Scenario, topology: Topology) -> tuple:
    """The base scenario's own faults that still name parts of the rebuilt system (a renamed region or a
    removed replica takes its faults with it, rather than leaving a level that does not validate)."""
    nodes = {"primary", *(r.name for r in topology.replicas)}
    if topology.cache is not None:
        nodes.add("cache")
    if topology.quorum is not None:
        nodes |= {n.name for n in topology.quorum.nodes}
    regions = set(topology.regions)
    kept = []
    for fault in base.faults:
        if fault.kind == "partition":
            if all(r in regions or r in nodes for group in fault.groups for r in group):
                kept.append(fault)
        elif fault.node in nodes:
            kept.append(fault)
    return tuple(kept)


def _quorum_n(text: str) -> int:
    n = _int(text, 0, 15)
    if n == 0:
        raise _Bad("quorum_zero")
    return n


def _field_of(error: ValidationError) -> str:
    loc = [str(part) for part in error.errors()[0]["loc"]]
    for name in reversed(loc):
        if name in FIELD_IDS:
            return name
    return "regions" if "topology" in loc else "rate"
