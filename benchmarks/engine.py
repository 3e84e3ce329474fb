"""Engine benchmark: wall time of level runs, and the engine's order throughput beside the reference loop.

Prints, for every built-in level's cards (when `capquest.packs` finds the campaign) and for the engine's
own representative scenes, the median wall time of one run (engine alone, then engine + check + score);
then the orders/s of the engine on a replica-oversell scene (every order's stock read and write in the
history) beside `../shared/bench/reference.py` measured in the same run, and the ratio. Absolute times
are noisy on shared machines: read the ratio. The last line is `orders_per_s=<number>`.

    python benchmarks/engine.py [--quick] [--profile]
"""

from __future__ import annotations

import argparse
import cProfile
import importlib.util
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

REFERENCE = ROOT.parent / "shared" / "bench" / "reference.py"
BUDGET_MS = 150.0
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


def levels(repeat: int) -> None:
    try:
        from capquest.packs import builtin_pack
        from capquest.play import run
    except ImportError as exc:  # the packs layer is not there yet
        print(f"note: no built-in levels ({exc}); timing the engine's own scenes only")
        return
    try:
        from capquest.checker import check
    except ImportError:
        check = None
    pack = builtin_pack()
    print(f"{'level':22} {'card':26} {'ops':>6} {'engine ms':>10} {'+check ms':>10}")
    over = 0
    for level in pack.levels:
        for card in level.cards:
            result = run(level, card.id)
            engine_ms = _median_ms(lambda lv=level, c=card: run(lv, c.id), repeat)
            full_ms = engine_ms
            if check is not None:
                full_ms = _median_ms(lambda r=result: check(r.outcome.history), 1) + engine_ms
            over += full_ms > BUDGET_MS
            print(
                f"{level.id:22} {card.id:26} {result.outcome.metrics.simulated_ops:6d} "
                f"{engine_ms:10.1f} {full_ms:10.1f}"
            )
    print(f"runs over the {BUDGET_MS:.0f} ms budget: {over}")


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
    repeat = 1 if args.quick else 3
    if not args.quick:
        levels(repeat)
        campaign_memory()
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
