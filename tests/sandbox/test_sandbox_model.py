"""The sandbox's floor-2 model: the build form, the schedule of actions, the runs and "save as level"."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from capquest import play
from capquest.cli import main
from capquest.engine.model import Policy
from capquest.packs.loader import builtin_levels_dir, builtin_pack, load_pack
from capquest.sandbox import Action, Sandbox, blank_level, form_of, scenario_of
from capquest.sandbox.build import FIELD_IDS
from capquest.sandbox.keep import KeepError, keep, star_thresholds
from capquest.sandbox.knobs import knobs_of, policy_of

PARTITION = Action("partition", 3000, regions=("busan",))
HEAL = Action("heal", 7000)


def two_regions() -> Sandbox:
    """A blank sandbox built into Seoul + Busan with a replica in Busan, through the form only."""
    sandbox = Sandbox.from_level(blank_level())
    form = form_of(sandbox.scenario)
    form.update(
        regions="seoul, busan",
        links="seoul-busan=10",
        replicas="replica-busan@busan",
        clients="seoul=1, busan=1",
    )
    scenario, problems = scenario_of(form, sandbox.scenario)
    assert not problems and scenario is not None
    return sandbox.rebuilt(scenario)


def _during(values: tuple[float, ...], night, start_us: int, end_us: int) -> float:
    ends = night.series.ends_us
    return sum(v for v, end in zip(values, ends, strict=True) if start_us < end <= end_us)


# ------------------------------------------------------------------------------------------ the build form
@pytest.mark.parametrize("level", builtin_pack().levels, ids=lambda lv: lv.id)
def test_an_unchanged_form_keeps_the_level_scenario_exactly(level) -> None:
    scenario, problems = scenario_of(form_of(level.scenario), level.scenario)
    assert problems == ()
    assert scenario == level.scenario


@pytest.mark.parametrize(
    ("field", "text", "key"),
    [
        ("quorum_n", "0", "quorum_zero"),
        ("rate", "0", "above_range"),
        ("rate", "0=0, 5=0", "rate_zero"),
        ("regions", "", "no_regions"),
        ("links", "seoul-mars=10", "unknown_region"),
        ("pool", "many", "not_whole"),
        ("replicas", "replica-busan", "bad_placed"),
        ("mix", "order=0", "mix_empty"),
    ],
)
def test_bad_build_input_gets_a_message_beside_its_field(field: str, text: str, key: str) -> None:
    base = blank_level().scenario
    form = form_of(base)
    form[field] = text
    scenario, problems = scenario_of(form, base)
    assert scenario is None
    assert [(p.field, p.key) for p in problems] == [(field, key)]
    assert problems[0].text("en") and problems[0].text("ko") != problems[0].text("en")


@settings(max_examples=60, deadline=None)
@given(field=st.sampled_from(FIELD_IDS), text=st.text(max_size=30))
def test_any_text_in_any_field_never_crashes(field: str, text: str) -> None:
    base = blank_level().scenario
    form = form_of(base)
    form[field] = text
    scenario, problems = scenario_of(form, base)
    assert (scenario is None) == bool(problems)
    for problem in problems:
        assert problem.field in FIELD_IDS and not problem.text("en").startswith("sandbox.")


def test_r_and_w_are_any_count_of_the_quorum_nodes_and_r_above_n_is_refused_beside_r() -> None:
    base = blank_level().scenario
    form = form_of(base)
    form.update(quorum_n="5", quorum_regions="seoul")
    scenario, problems = scenario_of(form, base)
    assert scenario is not None and not problems
    knobs = knobs_of(Policy(read_from="quorum", write_to="quorum"), scenario)
    assert (knobs["read_r"], knobs["write_w"]) == ("3", "3")
    for r, key in (("6", "quorum_count_high"), ("0", "quorum_count_low"), ("two", "not_whole")):
        policy, problems = policy_of({**knobs, "read_r": r}, scenario)
        assert policy is None and [(p.field, p.key) for p in problems] == [("read_r", key)]
    # any count from 1 to N goes to the engine as a number; the card's own count keeps its name
    policy, problems = policy_of({**knobs, "read_r": "2", "write_w": "4"}, scenario)
    assert policy is not None and (policy.read_level, policy.write_level) == (2, 4)
    policy, problems = policy_of({**knobs, "read_r": "3"}, scenario)
    assert policy is not None and policy.read_level == "QUORUM"


# --------------------------------------------------------------------------------------------- the night
def test_a_partition_isolating_nothing_is_refused_with_a_reason() -> None:
    sandbox = two_regions()
    for regions in ((), ("seoul", "busan")):
        problem = sandbox.check(Action("partition", 1000, regions=regions))
        assert problem is not None and problem.key == "partition_nothing"
    assert sandbox.check(Action("heal", 1000)).key == "nothing_to_heal"  # type: ignore[union-attr]
    assert sandbox.check(Action("crash", 1000, node="replica-9")).key == "unknown_node"  # type: ignore[union-attr]
    assert sandbox.check(Action("surge", 1000, rps=0)).key == "bad_rate"  # type: ignore[union-attr]
    with pytest.raises(ValueError):
        sandbox.act(Action("partition", 1000, regions=()))


def test_a_partition_can_cut_off_nodes_as_well_as_regions() -> None:
    sandbox = two_regions()
    assert sandbox.check(Action("partition", 1000, regions=("replica-9",))).key == "unknown_side"  # type: ignore[union-attr]
    # every region on the cut-off side: every client stays with every node, whatever nodes are chosen
    problem = sandbox.check(Action("partition", 1000, regions=("seoul", "busan", "replica-busan")))
    assert problem is not None and problem.key == "partition_nothing"
    cut = sandbox.act(Action("partition", 3000, regions=("replica-busan",))).act(HEAL)
    assert cut.level().scenario.faults[0].groups == (("replica-busan",), ("seoul", "busan"))
    start, end = 3_000_000, 7_000_000
    # the replica stops applying while cut and catches up after the heal
    night = cut.choose("available").run()
    calm = two_regions().choose("available").run()
    assert _during(night.series.lag, night, start + 1_000_000, end) > 10 * _during(
        calm.series.lag, calm, start, end
    )
    assert night.series.lag[-1] < 1000
    # the primary stays reachable: the consistent card refuses nobody
    assert sum(cut.choose("consistent").run().series.errors) == 0
    # cutting off the primary itself, from its own region's clients too: the consistent card refuses
    # more than when only Busan is cut off
    refused = (
        two_regions()
        .act(Action("partition", 3000, regions=("primary",)))
        .act(HEAL)
        .choose("consistent")
        .run()
    )
    busan = two_regions().act(PARTITION).act(HEAL).choose("consistent").run()
    assert _during(refused.series.errors, refused, start, end) > 1.5 * _during(
        busan.series.errors, busan, start, end
    )


def test_actions_become_faults_until_the_heal_and_undo_takes_the_last_back() -> None:
    sandbox = two_regions().act(PARTITION).act(Action("crash", 4000, node="replica-busan")).act(HEAL)
    faults = sandbox.level().scenario.faults
    assert [(f.kind, f.at_s, f.until_s) for f in faults] == [("partition", 3.0, 7.0), ("crash", 4.0, 7.0)]
    assert faults[0].groups == (("busan",), ("seoul",))
    undone = sandbox.undo()
    assert [(f.kind, f.until_s) for f in undone.level().scenario.faults] == [
        ("partition", 10.0),
        ("crash", 10.0),
    ]
    assert undone.undo().undo().undo().level() == two_regions().level()


def test_a_surge_is_a_step_in_the_rate_profile_from_its_moment() -> None:
    sandbox = two_regions().act(Action("surge", 4000, rps=3000))
    rate = [(p.at_s, p.rps) for p in sandbox.level().scenario.workload.rate]
    assert rate == [(0.0, 1000.0), (4.0, 1000.0), (4.001, 3000.0)]
    night = sandbox.run()
    quiet = two_regions().run()
    assert night.result.outcome.metrics.requests > quiet.result.outcome.metrics.requests


def test_schedule_and_seed_are_the_whole_state() -> None:
    first = two_regions().act(PARTITION).act(HEAL).choose("available").run()
    again = two_regions().choose("available").act(PARTITION).act(HEAL).run()
    assert first.digest == again.digest
    assert first.series == again.series


def test_during_a_partition_cp_refuses_and_ap_answers_stale() -> None:
    sandbox = two_regions().act(PARTITION).act(HEAL)
    cp, ap = sandbox.choose("consistent").run(), sandbox.choose("available").run()
    start, end = 3_000_000, 7_000_000
    assert _during(cp.series.errors, cp, start, end) > 0
    assert _during(cp.series.stale, cp, 0, 10_000_000) == 0
    assert cp.result.outcome.metrics.oversold_units == 0
    assert _during(ap.series.errors, ap, start, end) == 0
    assert _during(ap.series.stale, ap, start, end) > 0
    # without the partition the consistent card refuses nobody
    calm = two_regions().choose("consistent").run()
    assert sum(calm.series.errors) == 0


def test_the_series_add_up_to_the_run_metrics() -> None:
    night = two_regions().act(PARTITION).choose("available").run()
    metrics = night.result.outcome.metrics
    assert sum(night.series.stale) == metrics.stale_reads
    assert night.series.oversold[-1] == metrics.oversold_units
    failed = sum(night.series.errors)
    assert failed == round(metrics.error_rate * metrics.requests)
    assert len(night.series.ends_us) == len(night.result.outcome.trace)


def test_knobs_and_assignments_become_cards() -> None:
    sandbox = two_regions()
    knobs = knobs_of(sandbox.chosen.policy, sandbox.scenario)
    policy, problems = policy_of({**knobs, "on_partition": "serve_local"}, sandbox.scenario)
    assert policy is not None and not problems
    handset = sandbox.choose_knobs(policy)
    assert handset.chosen.id == "knobs-1" and handset.chosen.class_ == "ap"
    assert handset.choose_knobs(policy).made == handset.made  # the same knobs: the same card
    mixed = handset.choose_assignment({"orders": "consistent", "catalog": "available"})
    assert mixed.chosen.class_ == "hybrid" and mixed.chosen.assign == {
        "orders": "consistent",
        "catalog": "available",
    }
    with pytest.raises(KeyError):
        handset.choose_assignment({"orders": "mix-1"})


# ------------------------------------------------------------------------------------------ save as level
def _simulate_json(capsys, level_id: str, card: str, pack: Path) -> dict:
    assert main(["simulate", level_id, "--card", card, "--pack", str(pack), "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_a_saved_level_validates_and_reproduces_every_digest(tmp_path: Path, capsys) -> None:
    sandbox = two_regions().act(PARTITION).act(Action("surge", 5000, rps=2500)).act(HEAL)
    knobs = knobs_of(sandbox.chosen.policy, sandbox.scenario)
    policy, _ = policy_of(
        {**knobs, "read_from": "replica", "stock_check": "read_then_write"}, sandbox.scenario
    )
    assert policy is not None
    nights = {}
    for step in (
        lambda s: s.choose("consistent"),
        lambda s: s.choose("available"),
        lambda s: s.choose_knobs(policy),
        lambda s: s.choose_assignment(
            {"orders": "consistent", "inventory": "available", "catalog": "available"}
        ),
    ):
        sandbox = step(sandbox)
        night = sandbox.run()
        sandbox = sandbox.remember(night)
        nights[sandbox.chosen.id] = night
    kept = keep(sandbox, tmp_path / "my-pack", "busan-cut")
    assert kept.report.ok, kept.report.problems
    # a hand-set card's class comes from its run on the saved night: this one reads a stale replica
    knobs = next(c for c in kept.level.cards if c.id == "knobs-1")
    assert knobs.class_ == "ap"
    pack = load_pack(tmp_path / "my-pack")
    level = pack.level("busan-cut")
    assert {c.id for c in level.cards} == set(nights)
    for card, night in nights.items():
        assert _simulate_json(capsys, "busan-cut", card, tmp_path / "my-pack")["digest"] == night.digest
    best = max(n.score.score for n in nights.values())
    assert level.scoring.stars[2] == int(best)
    assert main(["pack", "validate", str(tmp_path / "my-pack")]) == 0


def test_a_hand_set_card_that_keeps_every_promise_is_saved_as_cp(tmp_path: Path) -> None:
    sandbox = two_regions().act(PARTITION).act(HEAL)
    knobs = knobs_of(sandbox.chosen.policy, sandbox.scenario)
    policy, _ = policy_of({**knobs, "stock_check": "for_update"}, sandbox.scenario)
    assert policy is not None
    sandbox = sandbox.choose_knobs(policy)
    sandbox = sandbox.remember(sandbox.run())
    kept = keep(sandbox, tmp_path / "p", "locked")
    assert next(c for c in kept.level.cards if c.id == "knobs-1").class_ == "cp"
    assert kept.report.ok and not kept.report.warnings, kept.report.problems


def test_saving_from_a_campaign_level_into_an_existing_pack_updates_its_manifest(
    tmp_path: Path, capsys
) -> None:
    folder = tmp_path / "example"
    shutil.copytree(builtin_levels_dir() / "example", folder)
    before = load_pack(folder).manifest.levels
    level = builtin_pack().level("seoul-busan")
    sandbox = Sandbox.from_level(level, origin="campaign/seoul-busan").choose("pa-el")
    sandbox = sandbox.act(Action("lag_spike", 2000, node="replica-busan", extra_lag_ms=2000)).act(
        Action("heal", 2500)
    )
    night = sandbox.run()
    sandbox = sandbox.remember(night)
    kept = keep(sandbox, folder, "busan-lag")
    assert kept.report.ok, kept.report.problems
    pack = load_pack(folder)
    assert pack.manifest.levels == (*before, "busan-lag")
    assert "sandbox" in [c.id for c in pack.manifest.chapters]
    assert _simulate_json(capsys, "busan-lag", "pa-el", folder)["digest"] == night.digest
    # the same level again is refused unless asked to overwrite
    with pytest.raises(KeepError):
        keep(sandbox, folder, "busan-lag")
    assert keep(sandbox, folder, "busan-lag", overwrite=True).report.ok
    assert load_pack(folder).manifest.levels == (*before, "busan-lag")


def test_an_unchanged_campaign_level_reproduces_its_own_digest(tmp_path: Path) -> None:
    level = builtin_pack().level("seoul-busan")
    sandbox = Sandbox.from_level(level).choose("pc-ec")
    sandbox = sandbox.remember(sandbox.run())
    keep(sandbox, tmp_path / "p", "again")
    saved = load_pack(tmp_path / "p").level("again")
    assert play.run(saved, "pc-ec").outcome.digest == play.run(level, "pc-ec").outcome.digest


def test_a_bad_level_id_or_an_unwritable_folder_is_a_message_not_a_crash(tmp_path: Path) -> None:
    sandbox = two_regions()
    with pytest.raises(KeepError):
        keep(sandbox, tmp_path, "Not An Id")
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(KeepError):
        keep(sandbox, blocker / "pack", "fine-id")


def test_star_thresholds_go_up_and_stay_within_the_budget() -> None:
    for best, budget in ((950.4, 1000), (1200, 1000), (-40, 1000), (3, 5)):
        par, two, three = star_thresholds(best, budget)
        assert par < two < three <= budget


def test_capquest_sandbox_with_an_unknown_level_is_one_line_and_exit_2(capsys) -> None:
    assert main(["sandbox", "--level", "no-such-level"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("capquest: ") and len(err.strip().splitlines()) == 1


def _every_level():
    for pack in ("campaign", "tutorial", "example"):
        for level in load_pack(builtin_levels_dir() / pack).levels:
            yield pytest.param(pack, level, id=f"{pack}/{level.id}")


@pytest.mark.slow
@pytest.mark.parametrize(("pack", "level"), _every_level())
def test_every_built_in_level_broken_in_the_sandbox_saves_and_reproduces(
    pack: str, level, tmp_path: Path
) -> None:
    """Start from the level, crash a node halfway through the night, run its first two cards, save:
    the pack validates and each card's saved run has the digest the sandbox showed."""
    sandbox = Sandbox.from_level(level, origin=f"{pack}/{level.id}")
    halfway = int(level.scenario.workload.duration_s * 500)
    nodes = [
        n
        for n in ("replica-1", "cache", "primary")
        if sandbox.check(Action("crash", halfway, node=n)) is None
    ]
    sandbox = sandbox.act(Action("crash", halfway, node=nodes[0]))
    digests = {}
    for card in [c for c in level.cards if not c.assign][:2]:
        sandbox = sandbox.choose(card.id)
        night = sandbox.run()
        sandbox = sandbox.remember(night)
        digests[card.id] = night.digest
    kept = keep(sandbox, tmp_path / "p", "broken")
    assert kept.report.ok, kept.report.problems
    saved = load_pack(tmp_path / "p").level("broken")
    for card, digest in digests.items():
        assert play.run(saved, card).outcome.digest == digest


def test_integer_r_and_w_set_by_hand_run_save_and_reproduce(tmp_path: Path, capsys) -> None:
    base = two_regions()
    form = form_of(base.scenario)
    form.update(quorum_n="3", quorum_regions="seoul, busan", mix="profile_write=1, profile_read=3")
    scenario, problems = scenario_of(form, base.scenario)
    assert scenario is not None and not problems
    sandbox = base.rebuilt(scenario)
    knobs = {**knobs_of(sandbox.chosen.policy, scenario), "read_from": "quorum", "write_to": "quorum"}
    stale = {}
    for r, w in ((1, 1), (2, 2)):
        policy, problems = policy_of({**knobs, "read_r": str(r), "write_w": str(w)}, scenario)
        assert policy is not None, problems
        sandbox = sandbox.choose_knobs(policy)
        night = sandbox.run()
        sandbox = sandbox.remember(night)
        stale[(r, w)] = (night.result.outcome.metrics.stale_reads, sandbox.chosen.id, night.digest)
    assert stale[(2, 2)][0] == 0  # R + W > N: every read quorum meets the last write's quorum
    kept = keep(sandbox, tmp_path / "q", "quorum-by-hand")
    assert kept.report.ok, kept.report.problems
    for _, card, digest in stale.values():
        assert _simulate_json(capsys, "quorum-by-hand", card, tmp_path / "q")["digest"] == digest
    levels = {c.id: (c.policy.read_level, c.policy.write_level) for c in kept.level.cards}
    assert levels[stale[(1, 1)][1]] == (1, 1)  # written as numbers
    assert levels[stale[(2, 2)][1]] == ("QUORUM", "QUORUM")  # the card's own count keeps its name
