"""Every card of every campaign level, run through the play path, teaches its level's lesson.

The properties come from the story and the theory (domain.md), not from the engine's own numbers: a `cp`
card never oversells or reads stale; the replica card oversells and the primary card does not; fresh
reads without a lock still oversell; R + W > N never reads stale; under a partition the PC card errors and
the PA card answers; the hybrid beats every pure card. Each run is the level's own seed (deterministic).
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from capquest.engine.outcome import Metrics
from capquest.play import RunResult, run

from .balance_table import card_result
from .campaign_files import level, manifest

LEVEL_IDS = list(manifest().levels)
TUTORIAL_LEVELS = {"ordinary-night"}  # a calm night: every card passes, the point is to learn the console
# Levels that are a choice, not a trap: every card may pass, and they differ in stars.
CHOICE_LEVELS = {"dynamo-reads", "seoul-busan"}

# The obvious-but-wrong card of a level, and the axes (the seed's reason) whose penalties alone sink it
# below par.
WRONG = {
    "two-am": ("one-postgres", ("errors",)),
    "five-to-six": ("replica-check", ("oversell",)),
    "all-on-primary": ("cp-for-update", ("errors", "latency")),
    "fresh-but-wrong": ("fresh-no-lock", ("oversell",)),
    "cache-and-queue": ("cp-for-update", ("errors",)),
    "atomic-decrement": ("get-then-decr", ("oversell",)),
    "read-your-writes": ("replica-reads", ("anomalies",)),
    "monotonic-reads": ("any-replica", ("anomalies",)),
    "bounded-staleness": ("replica", ("anomalies",)),
    "mongo-majority": ("w1-local", ("anomalies",)),
    "cassandra-quorum": ("one-one", ("anomalies",)),
    "hybrid-finale": ("all-cp", ("errors", "latency")),
}


def r(level_id: str, card_id: str) -> RunResult:
    return card_result(level_id, card_id)


def m(level_id: str, card_id: str) -> Metrics:
    return r(level_id, card_id).outcome.metrics


def anomalies(level_id: str, card_id: str) -> int:
    x = m(level_id, card_id)
    return x.stale_reads + x.ryw_violations + x.monotonic_violations


def axes(level_id: str, card_id: str) -> tuple[float, ...]:
    """What the player weighs, each lower-is-better: oversold, p99, errors, cost, anomalous reads."""
    x = m(level_id, card_id)
    return (x.oversold_units, x.latency_ms.p99, x.error_rate, x.cost_units, anomalies(level_id, card_id))


def card_ids(level_id: str) -> list[str]:
    return [c.id for c in level(level_id).cards]


# ------------------------------------------------------------------------------------- every level
@pytest.mark.parametrize("level_id", LEVEL_IDS)
def test_cp_cards_never_oversell_or_read_stale(level_id: str) -> None:
    for card in level(level_id).cards:
        if card.class_ == "cp":
            x = m(level_id, card.id)
            assert x.oversold_units == 0, f"{level_id}/{card.id}"
            assert x.stale_reads == x.ryw_violations == x.monotonic_violations == 0, f"{level_id}/{card.id}"


@pytest.mark.parametrize("level_id", LEVEL_IDS)
def test_no_single_card_wins_every_axis(level_id: str) -> None:
    if level_id in TUTORIAL_LEVELS:
        pytest.skip("on a calm night the single primary may win everywhere: that is its lesson")
    ids = card_ids(level_id)
    for card in ids:
        mine = axes(level_id, card)
        others = [axes(level_id, other) for other in ids if other != card]
        wins_all = all(all(a <= b for a, b in zip(mine, theirs, strict=True)) for theirs in others)
        assert not wins_all, f"{level_id}: {card} is at least as good as every other card on every axis"


@pytest.mark.parametrize("level_id", LEVEL_IDS)
def test_par_is_reachable_and_some_card_misses_it(level_id: str) -> None:
    par = level(level_id).scoring.stars[0]
    scores = {card: r(level_id, card).score.score for card in card_ids(level_id)}
    assert max(scores.values()) >= par, scores
    if level_id not in TUTORIAL_LEVELS | CHOICE_LEVELS:
        assert min(scores.values()) < par, f"{level_id}: every card passes: {scores}"


@pytest.mark.parametrize("level_id", sorted(WRONG))
def test_obvious_but_wrong_card_fails_for_the_seeds_reason(level_id: str) -> None:
    card, reasons = WRONG[level_id]
    lv = level(level_id)
    result = r(level_id, card)
    assert not result.score.passed, f"{level_id}/{card} passes"
    # Those axes alone are enough to lose the level: it fails for the seed's reason, not another.
    penalty = sum(result.score.breakdown[axis] for axis in reasons)
    assert penalty > lv.scoring.budget - lv.scoring.stars[0], result.score.breakdown


# ------------------------------------------------------------------------------------- chapter 1
def test_an_ordinary_night_is_calm() -> None:
    for card in card_ids("ordinary-night"):
        x = m("ordinary-night", card)
        assert x.error_rate < 0.01 and x.latency_ms.p99 < 1000, card
        assert r("ordinary-night", card).score.passed


def test_twenty_times_the_traffic_melts_the_single_primary() -> None:
    calm, storm = m("ordinary-night", "one-postgres"), m("two-am", "one-postgres")
    # The seed's shape: latency up by two orders of magnitude, errors in the tens of percent.
    assert storm.latency_ms.p99 >= 100 * calm.latency_ms.p99
    assert storm.error_rate >= 0.10 and storm.timeouts > 0
    assert storm.oversold_units == 0
    # Moving reads to a replica relieves the primary, and oversells.
    replica = m("two-am", "add-replica")
    assert replica.error_rate < storm.error_rate and replica.oversold_units > 0
    # One statement instead of a lock and two queries: not worse than FOR UPDATE.
    assert m("two-am", "atomic-update").error_rate <= storm.error_rate


# ------------------------------------------------------------------------------------- chapter 2
def test_five_in_stock_six_sold() -> None:
    assert m("five-to-six", "replica-check").oversold_units >= 1  # the stale check oversells
    assert m("five-to-six", "primary-check").oversold_units == 0
    show = m("five-to-six", "replica-show-primary-sell")
    assert show.oversold_units == 0  # the decision moved to the primary, in one atomic step
    assert show.stale_reads > 0  # while the page still shows the replica's stock


# ------------------------------------------------------------------------------------- chapter 3
def test_cp_on_one_primary_is_consistent_and_unavailable() -> None:
    cp = m("all-on-primary", "cp-for-update")
    assert cp.oversold_units == 0 and cp.error_rate >= 0.10
    replica = m("all-on-primary", "replica-check")
    assert replica.error_rate < cp.error_rate  # reads kept answering, even while the primary was down
    assert replica.oversold_units > 0


def test_linearizable_reads_without_isolation_still_oversell() -> None:
    fresh = m("fresh-but-wrong", "fresh-no-lock")
    assert fresh.stale_reads == 0  # every read was fresh ...
    assert fresh.oversold_units > 0  # ... and it oversold anyway: consistency is not isolation
    locked = m("fresh-but-wrong", "for-update")
    assert locked.oversold_units == 0
    assert locked.latency_ms.p99 > fresh.latency_ms.p99  # the lock queue is the price


# ------------------------------------------------------------------------------------- chapter 4
def test_cache_queue_and_compensation_is_fast_and_catches_every_oversell() -> None:
    ap, cp = m("cache-and-queue", "ap-cache-queue"), m("cache-and-queue", "cp-for-update")
    assert ap.latency_ms.p99 * 10 < cp.latency_ms.p99
    assert ap.error_rate < 0.01 < cp.error_rate
    # The worker cancels every order it finds oversold (one unit per order here): found late, not avoided.
    scale = level("cache-and-queue").scenario.workload.scale
    assert ap.compensated_orders == ap.oversold_units * scale
    # a few percent of the orders at most, not a collapse (both in real-world orders: units are not scaled)
    assert ap.compensated_orders < 0.05 * ap.orders_accepted


def test_atomic_decrement_closes_the_get_then_decr_race() -> None:
    racy, atomic = m("atomic-decrement", "get-then-decr"), m("atomic-decrement", "atomic-decr")
    assert racy.oversold_units > 0 and racy.compensated_orders > 0
    assert atomic.oversold_units == 0
    cp = m("atomic-decrement", "cp-atomic")
    assert cp.cost_units < atomic.cost_units  # no cache and no worker to pay for


# ------------------------------------------------------------------------------------- chapter 5
def test_read_your_writes_window() -> None:
    assert m("read-your-writes", "replica-reads").ryw_violations > 0
    assert m("read-your-writes", "ryw-window").ryw_violations == 0
    assert m("read-your-writes", "primary-reads").ryw_violations == 0
    best = max(card_ids("read-your-writes"), key=lambda c: r("read-your-writes", c).score.score)
    assert best == "ryw-window"


def test_monotonic_reads_never_go_back() -> None:
    assert m("monotonic-reads", "any-replica").monotonic_violations > 0
    assert m("monotonic-reads", "monotonic").monotonic_violations == 0
    assert m("monotonic-reads", "primary").monotonic_violations == 0


def test_bounded_staleness_sits_between_replica_and_primary() -> None:
    replica, bounded = anomalies("bounded-staleness", "replica"), anomalies("bounded-staleness", "bounded-1s")
    assert replica > bounded > 0 == anomalies("bounded-staleness", "primary")
    # falling back only while the replica lags keeps most reads off the primary
    assert (
        m("bounded-staleness", "bounded-1s").latency_ms.p99 < m("bounded-staleness", "primary").latency_ms.p99
    )


# ------------------------------------------------------------------------------------- chapter 6
def test_majority_pays_latency_for_freshness_without_any_fault() -> None:
    one, maj = m("mongo-majority", "w1-local"), m("mongo-majority", "majority")
    assert one.stale_reads > 0 and maj.stale_reads == 0
    assert maj.latency_ms.p50 > one.latency_ms.p50  # the E of PACELC: paid on a healthy day
    assert m("mongo-majority", "majority-write").stale_reads > 0  # R + W = N: no overlap guarantee


def test_quorum_overlap_and_availability() -> None:
    one, quorum, write_all = (m("cassandra-quorum", c) for c in ("one-one", "quorum-quorum", "write-all"))
    assert one.stale_reads > 0 and one.error_rate == 0
    assert quorum.stale_reads == 0 and quorum.error_rate == 0  # R + W > N, and a majority survives a crash
    assert write_all.error_rate > 0  # W = ALL cannot write with a node down
    assert write_all.stale_reads == 0  # acknowledged writes are on every node a read can ask


def test_strong_reads_cost_more_and_are_never_stale() -> None:
    eventual, strong = m("dynamo-reads", "eventual"), m("dynamo-reads", "strong")
    assert eventual.stale_reads > 0 and strong.stale_reads == 0
    assert strong.cost_units > eventual.cost_units


def test_partition_pc_refuses_pa_answers() -> None:
    pc, pc_el, pa = (m("seoul-busan", c) for c in ("pc-ec", "pc-el", "pa-el"))
    assert pc.error_rate > 0 and pc_el.error_rate > 0
    assert pa.error_rate < pc.error_rate
    assert pa.oversold_units > 0 or pa.stale_reads > 0  # answered, not necessarily right
    assert pc.oversold_units == 0 and pc.stale_reads == 0
    assert pc_el.oversold_units == 0  # orders are still decided in Seoul


# ------------------------------------------------------------------------------------- chapter 7
def test_everything_ap_oversells_the_doorbuster_through_cache_drift_and_compensates() -> None:
    lv = level("hybrid-finale")
    ap = m("hybrid-finale", "all-ap")
    assert ap.oversold_units > 0
    # one unit per order: the worker cancels exactly the oversold units, found late
    assert ap.compensated_orders == ap.oversold_units * lv.scenario.workload.scale
    # the cause is the drift: with counters that never expire, the same card sells no unit twice
    topology = replace(lv.scenario.topology, cache=replace(lv.scenario.topology.cache, counter_ttl_s=None))
    steady = lv.model_copy(update={"scenario": replace(lv.scenario, topology=topology)})
    assert run(steady, "all-ap").outcome.metrics.oversold_units == 0
    # and orders decided on the primary are untouched by it
    assert m("hybrid-finale", "seed-hybrid").oversold_units == 0


def test_the_hybrid_beats_every_pure_card() -> None:
    hybrid = r("hybrid-finale", "seed-hybrid")
    for card in card_ids("hybrid-finale"):
        if card != "seed-hybrid":
            assert hybrid.score.score > r("hybrid-finale", card).score.score, card
    hm, cp = hybrid.outcome.metrics, m("hybrid-finale", "all-cp")
    assert hm.oversold_units == 0
    assert hm.error_rate < cp.error_rate and hm.latency_ms.p99 < cp.latency_ms.p99
    assert hybrid.score.passed
