"""The open workload, drawn before the run: Poisson arrivals following the rate profile, and for each
arrival its operation, key, session, quantity. Drawing it up front (in batches) keeps the event loop free
of it, and makes the arrivals identical across strategies for one seed (a fair comparison of cards)."""

from __future__ import annotations

import math
from bisect import bisect_left
from dataclasses import dataclass
from itertools import accumulate
from operator import itemgetter

from capquest.engine.model import OP_KINDS, Workload
from capquest.engine.streams import stream

# Operation codes, in OP_KINDS order.
ORDER, STOCK_READ, CATALOG_READ, PROFILE_WRITE, PROFILE_READ, EVENT_WRITE, COUNTER_READ = range(7)
READ_KINDS = frozenset((STOCK_READ, CATALOG_READ, PROFILE_READ, COUNTER_READ))
WRITE_KINDS = frozenset((PROFILE_WRITE, EVENT_WRITE))


@dataclass
class Arrivals:
    times: list[int]  # invoke, microseconds, non-decreasing
    kinds: list[int]
    keys: list[str]
    sessions: list[int]
    qtys: list[int]
    values: list[str | None]  # the value a profile write writes (unique per key)
    session_region: list[int]  # client region index of each session
    initial: dict[str, int | str]  # every key the arrivals touch -> its initial value


def rate_at(points: list[tuple[float, float]], t_s: float) -> float:
    """Piecewise-linear rate (simulated requests/s) at time t; flat before the first and after the last.
    `points` are sorted by time: the segment is found by bisection (this runs once per sampled visit)."""
    if t_s <= points[0][0]:
        return points[0][1]
    k = bisect_left(points, t_s, 1, key=itemgetter(0))  # the first segment (k-1, k) that ends at or after t
    if k == len(points):
        return points[-1][1]
    t0, r0 = points[k - 1]
    t1, r1 = points[k]
    if t1 <= t0:
        return r1
    return r0 + (r1 - r0) * (t_s - t0) / (t1 - t0)


def draw_arrivals(w: Workload, seed: int, region_weights: list[float]) -> Arrivals:
    points = sorted((p.at_s, p.rps / w.scale) for p in w.rate)
    peak = max(r for _, r in points)
    duration_us = int(w.duration_s * 1_000_000)
    times: list[int] = []
    if peak > 0:
        # Thinning (Lewis & Shedler): candidates at the peak rate, each kept with probability rate(t)/peak.
        rng = stream(seed, "arrivals")
        rnd = rng.random
        log = math.log
        per_us = peak / 1_000_000
        t = 0.0
        keep = times.append
        if len(points) == 1:
            while True:
                t += -log(1.0 - rnd()) / per_us  # rng.expovariate(per_us), inlined: the same numbers
                if t >= duration_us:
                    break
                keep(int(t))
        else:
            while True:
                t += -log(1.0 - rnd()) / per_us
                if t >= duration_us:
                    break
                if rnd() * peak < rate_at(points, t / 1_000_000):
                    keep(int(t))
    n = len(times)

    mix = w.mix
    weights = [getattr(mix, k) for k in OP_KINDS]
    if sum(weights) <= 0:
        weights = [1.0] + [0.0] * (len(OP_KINDS) - 1)
    kinds = stream(seed, "ops").choices(range(len(OP_KINDS)), cum_weights=list(accumulate(weights)), k=n)

    zipf = [1.0 / math.pow(i + 1, w.popularity_skew) for i in range(w.items)]
    items = stream(seed, "items").choices(range(w.items), cum_weights=list(accumulate(zipf)), k=n)
    srng = stream(seed, "sessions")
    srnd = srng.random
    n_sessions = w.sessions
    sessions = [int(srnd() * n_sessions) for _ in range(n)]
    qrng = stream(seed, "qty")
    qtys = [1 + int(qrng.random() * w.max_qty) for _ in range(n)] if w.max_qty > 1 else [1] * n

    rrng = stream(seed, "regions")
    if len(region_weights) > 1:
        session_region = rrng.choices(
            range(len(region_weights)), cum_weights=list(accumulate(region_weights)), k=w.sessions
        )
    else:
        session_region = [0] * w.sessions

    stock0 = w.stock if w.hot_item_stock is None else w.hot_item_stock
    # key names built once per item/session, not once per request
    stock_keys = [f"stock/{k}" for k in range(w.items)]
    catalog_keys = [f"catalog/{k}" for k in range(w.items)]
    views_keys = [f"views/{k}" for k in range(w.items)]
    profile_keys = [f"profile/{k}" for k in range(w.sessions)]
    by_kind = {
        ORDER: stock_keys,
        STOCK_READ: stock_keys,
        CATALOG_READ: catalog_keys,
        EVENT_WRITE: views_keys,
        COUNTER_READ: views_keys,
    }
    keys: list[str] = []
    values: list[str | None] = [None] * n
    writes_by_session: dict[int, int] = {}
    used_items: dict[int, set[int]] = {}
    used_sessions: set[int] = set()
    names_of = [by_kind.get(k) for k in range(len(OP_KINDS))]
    used_of: list[set[int] | None] = [None] * len(OP_KINDS)
    add_key = keys.append
    for i, kind in enumerate(kinds):
        names = names_of[kind]
        if names is not None:
            item = items[i]
            add_key(names[item])
            used = used_of[kind]
            if used is None:
                used = used_of[kind] = used_items[kind] = set()  # first use: keeps used_items' order
            used.add(item)
        else:
            s = sessions[i]
            add_key(profile_keys[s])
            used_sessions.add(s)
            if kind == PROFILE_WRITE:
                count = writes_by_session.get(s, 0) + 1
                writes_by_session[s] = count
                values[i] = f"p{s}.{count}"
    initial: dict[str, int | str] = {}
    for kind, used in used_items.items():
        for item in used:
            if kind == ORDER or kind == STOCK_READ:
                initial[stock_keys[item]] = stock0 if item == 0 else w.stock
            elif kind == CATALOG_READ:
                initial[catalog_keys[item]] = f"c{item}"
            else:
                initial[views_keys[item]] = 0
    for s in used_sessions:
        initial[profile_keys[s]] = f"p{s}.0"
    return Arrivals(times, kinds, keys, sessions, qtys, values, session_region, initial)
