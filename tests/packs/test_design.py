"""Design warnings and `pack solve`: the logic on made-up outcomes, then the real engine on the example."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import pytest

from capquest.cli import main
from capquest.design import (
    MAX_ASSIGNMENTS,
    Outcome,
    assignments,
    design_warnings,
    dominated_by,
    solve_level,
)
from capquest.packs import load_pack
from capquest.packs.model import Hybrid

REPO = Path(__file__).parent.parent.parent
EXAMPLE = REPO / "levels" / "example"
TEMPLATE = REPO / "capquest" / "packs" / "template"


def fake_result(oversold=0, p99=10.0, errors=0.0, cost=5.0, stale=0, score=900.0, stars=3, history=None):
    metrics = SimpleNamespace(
        oversold_units=oversold,
        latency_ms=SimpleNamespace(p99=p99),
        error_rate=errors,
        cost_units=cost,
        stale_reads=stale,
        ryw_violations=0,
        monotonic_violations=0,
    )
    return SimpleNamespace(
        outcome=SimpleNamespace(metrics=metrics, history=history),
        score=SimpleNamespace(score=score, stars=stars, passed=stars > 0),
    )


def fake_runner(table):
    """A runner answering from `table`: card id (or None for an assignment) -> result."""

    def run(level, card_id, *, seed=None, assign=None):
        key = card_id if assign is None else tuple(sorted(assign.items()))
        value = table[key] if key in table else table.get("*")
        if isinstance(value, Exception):
            raise value
        return value

    return run


def outcome(label, *axes, assign=None):
    oversold, p99, errors, cost, anomalies = axes
    return Outcome(label, label, assign or {}, oversold, p99, errors, cost, anomalies, 0.0, 0, False)


def test_dominance_needs_no_worse_everywhere_and_better_somewhere():
    a = outcome("a", 0, 10, 0, 5, 0)
    b = outcome("b", 0, 20, 0, 5, 0)  # worse p99 only: dominated by a
    c = outcome("c", 3, 5, 0, 5, 0)  # more oversold, lower p99: a trade-off
    d = outcome("d", 0, 10, 0, 5, 0)  # a twin of a: tied, not dominated
    assert dominated_by([a, b, c, d]) == {"b": "a"}


def test_design_warnings_name_the_dominated_card_and_an_unreachable_par():
    pack = load_pack(EXAMPLE)
    level = pack.level("last-copies")
    runner = fake_runner(
        {
            "replica-read": fake_result(oversold=12, p99=9, score=500, stars=0),
            "fresh-enough": fake_result(oversold=1, p99=12, score=550, stars=0),  # worse than conditional
            "conditional": fake_result(oversold=0, p99=11, score=590, stars=0),
        }
    )
    only = SimpleNamespace(levels=(level,), path=pack.path)
    problems = design_warnings(only, runner)
    assert [(p.field, p.severity) for p in problems] == [
        ("cards[1].id", "warning"),
        ("scoring.stars[0]", "warning"),
    ]
    assert "'fresh-enough' is beaten or tied on every axis" in problems[0].reason
    assert "by card 'conditional'" in problems[0].reason
    assert problems[1].reason == "no card reaches par 600: the best is card 'conditional' with 590"
    assert problems[0].line is not None and problems[1].line is not None


def test_a_hybrid_card_winning_everywhere_is_not_a_design_problem():
    pack = load_pack(EXAMPLE)
    level = pack.level("split-the-store")
    runner = fake_runner(
        {
            "all-primary": fake_result(errors=0.3, p99=5000, score=400, stars=0),
            "all-replica": fake_result(oversold=9, p99=1200, cost=7.6, score=660, stars=0),
            "split": fake_result(p99=80, cost=7.6, score=990),
        }
    )
    assert design_warnings(SimpleNamespace(levels=(level,), path=pack.path), runner) == []


def _partitioned(*ops):
    """A history with a partition from 1 s to 2 s and the given (invoke_us, outcome, error) ops."""
    return {
        "faults": [{"kind": "partition", "start": 1_000_000, "end": 2_000_000}],
        "ops": [{"invoke": at, "outcome": outcome, "error": error} for at, outcome, error in ops],
    }


def test_a_card_whose_run_contradicts_its_class_is_warned_at_its_class():
    pack = load_pack(EXAMPLE)
    level = pack.level("last-copies")  # replica-read ap, fresh-enough ap, conditional cp
    refusing = _partitioned(
        (500_000, "fail", "unavailable"),  # before the partition: not a refusal of it
        (1_200_000, "fail", "unavailable"),
        (1_500_000, "fail", "timeout"),  # late, not refused
        (1_900_000, "fail", "unavailable"),
        (2_000_000, "fail", "unavailable"),  # the partition has healed
    )
    runner = fake_runner(
        {
            "replica-read": fake_result(oversold=12, p99=9, score=500, stars=0, history=refusing),
            "fresh-enough": fake_result(oversold=1, p99=8, score=550, stars=0),
            "conditional": fake_result(oversold=0, p99=11, stale=4, score=990, stars=3),
        }
    )
    problems = design_warnings(SimpleNamespace(levels=(level,), path=pack.path), runner)
    by_field = {p.field: p.reason for p in problems}
    scale = level.scenario.workload.scale
    assert by_field["cards[0].class"] == (
        f"card 'replica-read' is labelled ap but refuses {2 * scale} requests during the level's scheduled "
        "partition: an ap card answers; label it cp, or hybrid when only some data refuses"
    )
    assert (
        "card 'conditional' is labelled cp but in its own level it oversells 0 units and makes 4 stale"
        in (by_field["cards[2].class"])
    )
    assert "cards[1].class" not in by_field  # an ap card that answers is what it says


def test_a_card_the_engine_cannot_run_is_a_warning_not_a_crash():
    pack = load_pack(EXAMPLE)
    level = pack.level("first-steps")
    runner = fake_runner({"primary": RuntimeError("boom")})
    [problem] = design_warnings(SimpleNamespace(levels=(level,), path=pack.path), runner)
    assert problem.severity == "warning" and "RuntimeError: boom" in problem.reason


def test_small_assignment_spaces_are_run_whole():
    level = load_pack(EXAMPLE).level("split-the-store")
    total, picks, sampled = assignments(level, seed=1)
    assert (total, len(picks), sampled) == (8, 8, False)
    assert len({tuple(p.items()) for p in picks}) == 8
    assert all(set(p) == {"orders", "inventory", "catalog"} for p in picks)


def test_large_assignment_spaces_are_sampled_by_seed():
    level = load_pack(EXAMPLE).level("split-the-store")
    many = level.model_copy(
        update={"hybrid": Hybrid(classes=("orders", "inventory", "catalog", "profile", "analytics"),
                                 cards=("a", "b", "c", "d"))}
    )  # fmt: skip
    total, picks, sampled = assignments(many, seed=5)
    assert (total, len(picks), sampled) == (4**5, MAX_ASSIGNMENTS, True)
    assert len({tuple(p.items()) for p in picks}) == MAX_ASSIGNMENTS
    assert all(set(p.values()) <= {"a", "b", "c", "d"} and len(p) == 5 for p in picks)
    assert assignments(many, seed=5)[1] == picks
    assert assignments(many, seed=6)[1] != picks


def test_solve_marks_the_oversold_vs_p99_frontier():
    level = load_pack(EXAMPLE).level("last-copies")
    runner = fake_runner(
        {
            "replica-read": fake_result(oversold=12, p99=9),
            "fresh-enough": fake_result(oversold=1, p99=20),  # beaten by conditional on both axes
            "conditional": fake_result(oversold=0, p99=11),
        }
    )
    solution = solve_level(level, runner)
    assert {o.label: o.frontier for o in solution.outcomes} == {
        "replica-read": True,
        "fresh-enough": False,
        "conditional": True,
    }
    assert solution.assignments_total == 0 and solution.failures == []


# ------------------------------------------------------------------------------------ with the real engine
@pytest.mark.slow
def test_solve_the_example_pack(capsys):
    assert main(["pack", "solve", str(EXAMPLE), "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    levels = {level["level"]: level for level in doc["levels"]}
    assert set(levels) == {"first-steps", "last-copies", "split-the-store"}
    copies = {run["label"]: run for run in levels["last-copies"]["runs"]}
    # The lesson of the level: the lagging replica oversells; the atomic check on the primary never does.
    assert copies["replica-read"]["oversold_units"] > 0
    assert copies["conditional"]["oversold_units"] == 0
    split = levels["split-the-store"]
    assert (split["assignments_total"], split["assignments_run"], split["sampled"]) == (8, 8, False)
    assert len(split["runs"]) == 3 + 8
    assert split["frontier"]
    # The assignment matching the hybrid card reproduces the card's run exactly.
    by_label = {run["label"]: run for run in split["runs"]}
    same = by_label["orders=all-primary inventory=all-primary catalog=all-replica"]
    assert (same["oversold_units"], same["p99_ms"], same["score"]) == (
        by_label["split"]["oversold_units"],
        by_label["split"]["p99_ms"],
        by_label["split"]["score"],
    )
    # The command spreads the runs over processes; in one process they come out the same.
    alone = solve_level(load_pack(EXAMPLE).level("last-copies"))
    assert [o.to_json() for o in alone.outcomes] == levels["last-copies"]["runs"]


@pytest.mark.slow
@pytest.mark.parametrize("pack_dir", ["campaign", "tutorial", "example"])
def test_every_built_in_card_keeps_the_promise_of_its_class(pack_dir):
    """A cp card never oversells or reads stale in its own level; an ap card never refuses during a
    scheduled partition ("Show on the replica, sell on the primary" was labelled ap; PC/EL refused as ap)."""
    pack = load_pack(REPO / "levels" / pack_dir)
    problems = design_warnings(pack)
    assert [p for p in problems if p.field.endswith(".class")] == []


@pytest.mark.slow
def test_solve_one_level_as_a_table(capsys):
    assert main(["pack", "solve", str(EXAMPLE), "first-steps", "--seed", "3"]) == 0
    out = capsys.readouterr().out
    assert "first-steps (seed 3)" in out and "frontier" in out and "primary" in out
    assert main(["pack", "solve", str(EXAMPLE), "last-copys"]) == 2
    assert "did you mean 'last-copies'" in capsys.readouterr().err


@pytest.mark.slow
def test_every_card_of_the_template_plays_and_every_level_can_be_passed():
    from capquest.play import run

    pack = load_pack(TEMPLATE)
    for level in pack.levels:
        results = [run(level, card.id) for card in level.cards]
        assert max(r.score.score for r in results) >= level.scoring.stars[0], level.id


def test_solve_table_keeps_every_number_readable_beside_a_five_class_assignment(capsys):
    from capquest.cli.pack_tools import _print_solution
    from capquest.design import Solution

    label = " ".join(f"{c}=all-replica" for c in ("orders", "inventory", "catalog", "profile", "analytics"))
    run = Outcome(label, None, {}, 12, 1237.25, 0.0473, 7.6, 3410, 660.6, 1, True, True)
    _print_solution(Solution("mix", 11, (600.0, 900.0, 980.0), [run], 1024, 500, True))
    out = capsys.readouterr().out
    assert "1024 hybrid assignments, so a seeded sample of 500" in out
    for shown in ("1237.2", "4.73", "3410", "660", "frontier", "analytics=all-replica"):
        assert shown in out, shown
    assert "…" not in out
