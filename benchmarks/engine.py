"""Engine benchmark: wall time of level runs, and the engine's order throughput beside the reference loop.

Prints, for every built-in run (campaign, tutorial and example packs, every card), the orders and stock
reads simulated one by one (speed must come from doing this same work faster, never from simulating less)
and the median wall time of 5 runs (engine alone, then engine + check + score, budget 50 ms); the engine's
own representative scenes; the peak traced memory per simulated operation; then the orders/s of the
engine on a replica-oversell scene (every order's stock read and write in the history) beside
`benchmarks/reference.py` (a copy of `../shared/bench/reference.py`) measured in the same run, and the
ratio. Absolute times are noisy on shared machines: read the ratio. The last line is
`orders_per_s=<number>`.

    python benchmarks/engine.py [--quick] [--profile]
"""

from __future__ import annotations

import argparse
import cProfile
import importlib.util
import json
import pstats
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from capquest.engine import simulate  # noqa: E402
from capquest.engine.core import Simulation  # noqa: E402
from capquest.engine.results import outcome_of  # noqa: E402
from tests.engine import scenes  # noqa: E402

REFERENCE = ROOT / "benchmarks" / "reference.py"
BUDGET_MS = 50.0
# Orders and stock reads simulated one by one per run, measured before the engine's speed work (engine 1):
# a run may not simulate fewer.
ONE_BY_ONE_BASELINE = ROOT / "benchmarks" / "one_by_one_baseline.json"
MEMORY_PER_OP_KB = 0.3
MEMORY_BUDGET_MB = 150.0

# A full campaign in a fresh interpreter: every card of every built-in level, engine + check + score,
# keeping every result as a player comparing runs would; prints the process's peak resident memory.
_CAMPAIGN_RUN = """
import resource, sys
sys.path.insert(0, sys.argv[1])
from capquest.checker import check
from capquest.packs import builtin_pack
from capquest.play import run
kept = []
for level in builtin_pack().levels:
    for card in level.cards:
        result = run(level, card.id)
        kept.append((result, check(result.outcome.history)))
print(len(kept), resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def _median_ms(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)


def one_by_one(history) -> tuple[int, int]:
    """Orders and stock reads simulated one by one (an order's check is in its `seen`)."""
    orders = reads = 0
    for op in history["ops"]:
        f = op["f"]
        if f == "order":
            orders += 1
        elif f == "read" and op["key"].startswith("stock/"):
            reads += 1
    return orders, reads


def levels(repeat: int) -> None:
    from capquest.checker import check
    from capquest.packs import builtin_pack, load_pack
    from capquest.play import run
    from capquest.tutorial.course import load_course

    packs = [
        ("campaign", builtin_pack()),
        ("tutorial", load_course()),
        ("example", load_pack(ROOT / "levels" / "example")),
    ]
    print(
        f"{'pack':9} {'level':22} {'card':26} {'orders':>7} {'stock rd':>8} {'engine ms':>10} {'+check ms':>10}"
    )
    baseline = json.loads(ONE_BY_ONE_BASELINE.read_text()) if ONE_BY_ONE_BASELINE.exists() else {}
    over = 0
    fewer = []
    worst = 0.0
    for pack_name, pack in packs:
        for level in pack.levels:
            for card in level.cards:
                result = run(level, card.id)
                orders, reads = one_by_one(result.outcome.history)
                before = baseline.get(f"{pack_name}/{level.id}/{card.id}")
                if before is not None and (orders < before[0] or reads < before[1]):
                    fewer.append(f"{pack_name}/{level.id}/{card.id}")
                engine_ms = _median_ms(lambda lv=level, c=card: run(lv, c.id), repeat)
                full_ms = _median_ms(lambda lv=level, c=card: check(run(lv, c.id).outcome.history), repeat)
                over += full_ms > BUDGET_MS
                worst = max(worst, full_ms)
                print(
                    f"{pack_name:9} {level.id:22} {card.id:26} {orders:7d} {reads:8d} "
                    f"{engine_ms:10.1f} {full_ms:10.1f}"
                )
    print(
        f"runs simulating fewer orders or stock reads one by one than the baseline: {len(fewer)} {' '.join(fewer)}"
    )
    print(
        f"runs over the {BUDGET_MS:.0f} ms budget (engine + check + score, median of {repeat}): {over}; worst {worst:.1f} ms"
    )


def memory_per_op() -> None:
    """Peak traced memory of one run divided by its simulated operations (budget 0.3 KB)."""
    import tracemalloc

    scenario = scenes.replica_oversell(rps=4000, duration_s=10)
    tracemalloc.start()
    outcome = simulate(scenario, scenes.REPLICA_READS, 1)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    ops = outcome.metrics.simulated_ops
    print(
        f"peak traced memory per simulated op: {peak / ops / 1024:.3f} KB ({ops:,} ops; budget {MEMORY_PER_OP_KB} KB)"
    )


def campaign_memory() -> None:
    done = subprocess.run(
        [sys.executable, "-c", _CAMPAIGN_RUN, str(ROOT)], capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        print(f"note: the campaign memory run failed: {done.stderr.strip().splitlines()[-1:]}")
        return
    runs, max_rss_kib = (int(x) for x in done.stdout.split())
    print(
        f"peak memory of a full campaign run ({runs} runs kept, with their checks): "
        f"{max_rss_kib / 1024:.0f} MB (budget {MEMORY_BUDGET_MB:.0f} MB)"
    )


def own_scenes(repeat: int) -> None:
    print(f"{'scene':28} {'ops':>6} {'ms':>8} {'us/op':>7}")
    for name, make, strategy in [
        ("black friday 1k, primary", lambda: scenes.black_friday(1000), scenes.PRIMARY_ONLY),
        ("black friday 20k, primary", lambda: scenes.black_friday(20000), scenes.PRIMARY_ONLY),
        ("replica oversell", lambda: scenes.replica_oversell(rps=1000), scenes.REPLICA_READS),
        ("flash sale, CP for update", lambda: scenes.flash_sale(), scenes.CP_FOR_UPDATE),
        ("flash sale, AP cache+queue", lambda: scenes.flash_sale(hot_stock=200), scenes.AP_CACHE_QUEUE),
        ("sessions on replicas", lambda: scenes.sessions_scene(), scenes.REPLICA_READS),
        (
            "quorum N=5 QUORUM/QUORUM",
            lambda: scenes.quorum_scene(lagging_ms=300),
            scenes.quorum_strategy("QUORUM", "QUORUM"),
        ),
        ("partition, refuse", lambda: scenes.partition_scene(), scenes.REPLICA_READS),
    ]:
        scenario = make()
        ops = simulate(scenario, strategy, 1).metrics.simulated_ops
        ms = _median_ms(lambda sc=scenario, st=strategy: simulate(sc, st, 1), repeat)
        print(f"{name:28} {ops:6d} {ms:8.1f} {ms * 1000 / ops:7.1f}")


def _reference_rate() -> float | None:
    if not REFERENCE.exists():
        return None
    spec = importlib.util.spec_from_file_location("capquest_bench_reference", REFERENCE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return float(module.rate(300_000))


def stages(scenario, strategy) -> None:
    """Where an order's wall time goes, stage by stage (best of 3 seeds): the budget is about 2 us per
    order end to end, so this says which stage would have to shrink."""
    from capquest.engine.anomalies import count_anomalies
    from capquest.engine.outcome import history_digest
    from capquest.engine.results import _history, _trace

    best: dict[str, float] = {}
    orders = 0
    for seed in (1, 2, 3):
        marks = [time.perf_counter()]
        sim = Simulation(scenario, strategy, seed)
        marks.append(time.perf_counter())
        sim.run()
        marks.append(time.perf_counter())
        history = _history(sim)
        marks.append(time.perf_counter())
        count_anomalies(history)
        marks.append(time.perf_counter())
        _trace(sim, history)
        marks.append(time.perf_counter())
        history_digest(history)
        marks.append(time.perf_counter())
        orders = sum(1 for op in history["ops"] if op["f"] == "order" and op["seen"] is not None)
        names = ("set-up + arrivals", "event loop", "history", "anomaly counts", "replay trace", "digest")
        for name, a, b in zip(names, marks, marks[1:], strict=False):
            best[name] = min(best.get(name, float("inf")), b - a)
    total = sum(best.values())
    print(f"where an order's time goes ({orders:,} orders, best of 3 seeds):")
    for name, seconds in best.items():
        print(f"  {name:20} {seconds * 1e6 / orders:6.2f} us/order  {seconds / total:6.1%}")


def throughput(profile: bool) -> tuple[float, float]:
    """Orders simulated per second of wall time: the whole simulate() call (arrivals, simulation,
    history, metrics, trace, digest), and the simulation alone."""
    scenario = scenes.replica_oversell(rps=4000, duration_s=10)
    strategy = scenes.REPLICA_READS
    best_full = best_sim = 0.0
    for seed in (1, 2, 3):
        t0 = time.perf_counter()
        sim = Simulation(scenario, strategy, seed)
        sim.run()
        t1 = time.perf_counter()
        outcome = outcome_of(sim)
        t2 = time.perf_counter()
        orders = sum(1 for op in outcome.history["ops"] if op["f"] == "order" and op["seen"] is not None)
        best_sim = max(best_sim, orders / (t1 - t0))
        best_full = max(best_full, orders / (t2 - t0))
    stages(scenario, strategy)
    if profile:
        prof = cProfile.Profile()
        prof.enable()
        simulate(scenario, strategy, 1)
        prof.disable()
        pstats.Stats(prof).sort_stats("tottime").print_stats(15)
    return best_full, best_sim


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="one repetition per run, no levels")
    parser.add_argument("--profile", action="store_true", help="print a cProfile of the throughput run")
    args = parser.parse_args()
    repeat = 1 if args.quick else 5
    if not args.quick:
        levels(repeat)
        campaign_memory()
    memory_per_op()
    own_scenes(repeat)
    reference = _reference_rate()
    full, sim_only = throughput(args.profile)
    print(f"engine orders/s (simulate, end to end): {full:,.0f}")
    print(f"engine orders/s (simulation alone):     {sim_only:,.0f}")
    if reference is None:
        print(f"note: {REFERENCE} not found; no reference ratio")
    else:
        print(f"reference orders/s (same run):          {reference:,.0f}")
        print(
            f"ratio end to end: {full / reference:.3f}   simulation alone: {sim_only / reference:.3f}"
            f"   (budget >= 0.25, aim 0.5)"
        )
    print(f"orders_per_s={full:.0f}")


if __name__ == "__main__":
    main()
