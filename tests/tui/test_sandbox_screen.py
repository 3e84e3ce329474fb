"""The sandbox screen, driven like a player: build a two-region system through the sandbox's own widgets,
start the night, cut Busan off by key press after it started, and watch a CP card refuse and an AP card
answer stale during the partition. Also: bad input gets a message beside its field, the saved level
reproduces the digest shown, and the sandbox writes no progress."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Checkbox, Input, OptionList, Static

from capquest.packs.loader import load_pack
from capquest.play import run
from capquest.tui.screens.sandbox import SandboxScreen

TWO_REGIONS = {
    "regions": "seoul, busan",
    "links": "seoul-busan=10",
    "replicas": "replica-busan@busan",
    "clients": "seoul=1, busan=1",
}


async def settle(pilot) -> None:
    """Until the screen's run is drawn. Textual's idle wait takes a process starved of CPU (a loaded
    machine) for an idle one, and the sandbox starts its run's worker only after the next refresh, so
    waiting on the workers alone can return before the run began: wait on the screen's own `busy`."""
    await pilot.pause()
    for _ in range(3000):  # a bound, not a timing: a run that never ends fails here
        await pilot.app.workers.wait_for_complete()
        if not getattr(pilot.app.screen, "busy", False):
            break
        await pilot.pause(0.02)
    else:
        raise AssertionError("the sandbox's run never finished")
    await pilot.pause()


async def type_into(pilot, field: str, text: str) -> None:
    """Click the build field, clear it with backspaces and type `text`, key by key."""
    widget = pilot.app.screen.query_one(f"#build-{field}", Input)
    widget.scroll_visible(animate=False)
    await pilot.pause()
    await pilot.click(f"#build-{field}")
    await pilot.press("end", *["backspace"] * len(widget.value), *text)


async def open_sandbox(pilot) -> SandboxScreen:
    await settle(pilot)
    await pilot.press("6")  # the title's Sandbox entry
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, SandboxScreen)
    return screen


async def build_two_regions(pilot) -> None:
    await pilot.press("f5")
    await pilot.pause()
    for field, text in TWO_REGIONS.items():
        await type_into(pilot, field, text)
    await pilot.press("enter")
    await settle(pilot)


async def choose_card(pilot, index: int) -> None:
    await pilot.press("f6")
    await pilot.pause()
    cards = pilot.app.screen.query_one("#strategy-cards", OptionList)
    cards.focus()
    await pilot.pause()
    await pilot.press("home", *["down"] * index, "enter")
    await settle(pilot)


async def night_with_partition(pilot, card_index: int) -> SandboxScreen:
    screen = await open_sandbox(pilot)
    await build_two_regions(pilot)
    await choose_card(pilot, card_index)
    await pilot.press("f7", "r")  # start the night: it plays
    await settle(pilot)
    assert screen.started and screen.night is not None
    await pilot.press("space", "home", *["right"] * 6)  # paused, then the moment shown: 3.0 s
    assert screen.cursor_ms == 3000
    await pilot.press("p")  # cut off the checked regions (Busan, the side without the primary)
    await settle(pilot)
    await pilot.press(*["right"] * 4)  # 5.0 s: in the middle of the partition
    await settle(pilot)
    return screen


def during(screen: SandboxScreen, name: str, start_us: int, end_us: int) -> float:
    series = screen.night.series  # type: ignore[union-attr]
    values = series.values(name)
    return sum(v for v, end in zip(values, series.ends_us, strict=True) if start_us < end <= end_us)


@pytest.mark.parametrize(("card_index", "card_id"), [(0, "consistent"), (1, "available")])
async def test_a_partition_pressed_live_makes_cp_refuse_and_ap_answer_stale(
    build_app, card_index: int, card_id: str
) -> None:
    app = build_app(lang="en")
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await night_with_partition(pilot, card_index)
        sandbox = screen.sandbox
        assert sandbox.scenario.topology.regions == ("seoul", "busan")
        assert sandbox.chosen.id == card_id
        assert [(a.kind, a.at_ms, a.regions) for a in sandbox.actions] == [("partition", 3000, ("busan",))]
        fault = screen.night.level.scenario.faults[-1]  # type: ignore[union-attr]
        assert (fault.kind, fault.at_s, fault.groups) == ("partition", 3.0, (("busan",), ("seoul",)))
        errors = during(screen, "errors", 3_000_000, 10_000_000)
        stale = during(screen, "stale", 3_000_000, 10_000_000)
        if card_id == "consistent":
            assert errors > 0 and stale == 0  # refuses on the Busan side: errors, never a wrong answer
            assert during(screen, "errors", 0, 3_000_000) == 0
        else:
            assert errors == 0 and stale > 0  # answers from the Busan replica: stale, never an error
        # what the screen shows at the moment is the series' total up to it
        assert screen.night.series.until(5_000_000)["errors"] == during(screen, "errors", 0, 5_000_000)  # type: ignore[union-attr]
        # undo takes the partition back and the night runs again without it
        await pilot.press("u")
        await settle(pilot)
        assert screen.sandbox.actions == ()
        assert during(screen, "errors", 3_000_000, 10_000_000) == 0


async def test_bad_build_input_is_explained_beside_the_field(build_app) -> None:
    app = build_app(lang="en")
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_sandbox(pilot)
        assert str(screen.query_one("#sandbox-head").render()).startswith("Sandbox: ")  # painted at once
        lines = [str(o.prompt) for o in screen.query_one("#strategy-cards", OptionList).options]
        assert lines[0].startswith("* [CP] ") and "[AP] " in lines[1]  # shown literally, not as markup
        await pilot.press("f5")
        await type_into(pilot, "quorum_n", "0")
        await type_into(pilot, "rate", "0")
        await pilot.press("enter")
        await settle(pilot)
        quorum = str(screen.query_one("#build-problem-quorum_n").render())
        rate = str(screen.query_one("#build-problem-rate").render())
        assert "0 nodes" in quorum and "above 0" in rate
        await pilot.press("f7", "r")  # the night does not start on a broken build
        await settle(pilot)
        assert not screen.started
        await pilot.press("f7", "p")  # a fault before the night started: told, not crashed
        await settle(pilot)
        assert screen.sandbox.actions == ()


async def test_a_level_saved_from_the_screen_reproduces_the_digest_shown(build_app, tmp_path: Path) -> None:
    from capquest.saves import ProgressStore

    home = tmp_path / "home"
    store = ProgressStore(home)  # the real save file: the sandbox must not write it
    store.set_setting("ascii_borders", False)  # a save file exists before the sandbox opens
    before = {p.name: p.read_bytes() for p in home.iterdir() if p.is_file()}
    assert any(not name.endswith(".lock") for name in before)
    app = build_app(lang="en", store=store)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await night_with_partition(pilot, 1)
        shown = screen.night.digest  # type: ignore[union-attr]
        assert shown[:16] in str(screen.query_one("#night-figures").render())
        await pilot.press("ctrl+s")
        await settle(pilot)
        folder = pilot.app.screen.query_one("#save-folder", Input)
        folder.value = str(tmp_path / "class-pack")
        level = pilot.app.screen.query_one("#save-level", Input)
        level.value = "busan-goes-dark"
        await pilot.click("#save-go")
        await settle(pilot)
        result = str(pilot.app.screen.query_one("#save-result").render())
        assert "validate accepts" in result and shown[:16] in result
    saved = load_pack(tmp_path / "class-pack").level("busan-goes-dark")
    assert run(saved, "available").outcome.digest == shown
    # the sandbox wrote no progress: the data folder holds exactly what it held before
    after = {p.name: p.read_bytes() for p in home.iterdir() if p.is_file() and not p.name.endswith(".lock")}
    assert after == {k: v for k, v in before.items() if not k.endswith(".lock")}


async def test_compare_why_and_a_click_on_the_timeline(build_app) -> None:
    from capquest.tui.screens.compare import CompareScreen
    from capquest.tui.screens.why import WhyScreen
    from capquest.tui.widgets.night_chart import LABEL, NightChart

    app = build_app(lang="en")
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await night_with_partition(pilot, 0)
        chart = screen.query_one("#chart", NightChart)
        # a click on the timeline's middle column goes to the middle of the night, paused
        width = chart.content_size.width - LABEL - 11
        await pilot.click("#chart", offset=(LABEL + width // 2, 0))
        await pilot.pause()
        assert not screen.playing and abs(screen.cursor_ms - 5000) <= 10_000 // width + 1
        await pilot.press("w")  # Why? on this run
        await settle(pilot)
        assert isinstance(pilot.app.screen, WhyScreen)
        assert pilot.app.screen.result is screen.night.result  # type: ignore[union-attr]
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("v")  # the same schedule with the other card, side by side
        await settle(pilot)
        compare = pilot.app.screen
        assert isinstance(compare, CompareScreen)
        assert {r.card for r in compare.sides} == {"consistent", "available"}
        assert {r.outcome.digest for r in compare.session.runs if r.card == "consistent"} == {
            screen.night.digest  # type: ignore[union-attr]
        }


async def test_start_from_a_level_of_the_pack_prefills_its_scenario(build_app) -> None:
    from textual.widgets import Select

    from capquest.sandbox import form_of

    app = build_app(lang="en")
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_sandbox(pilot)
        level = pilot.app.pack.levels[1]
        await pilot.press("f5")
        start = screen.query_one("#start-from", Select)
        start.focus()
        await pilot.pause()
        start.value = level.id  # what choosing it in the list does
        await settle(pilot)
        assert screen.sandbox.start.id == level.id
        assert screen.sandbox.scenario == level.scenario
        shown = screen.query_one("#build-rate", Input).value
        assert shown == form_of(level.scenario)["rate"]
        assert {c.id for c in screen.sandbox.cards} == {c.id for c in level.cards}


async def test_the_mouse_breaks_and_heals_the_night_too(build_app) -> None:
    app = build_app(lang="en")
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_sandbox(pilot)
        await build_two_regions(pilot)
        await pilot.press("f7", "r")
        await settle(pilot)
        await pilot.press("space", "home", *["right"] * 4)  # 2.0 s
        await pilot.click("#do-partition")
        await settle(pilot)
        await pilot.press(*["right"] * 4)  # 4.0 s
        await pilot.click("#do-heal")
        await settle(pilot)
        assert [(a.kind, a.at_ms) for a in screen.sandbox.actions] == [("partition", 2000), ("heal", 4000)]
        fault = screen.night.level.scenario.faults[-1]  # type: ignore[union-attr]
        assert (fault.at_s, fault.until_s) == (2.0, 4.0)
        await pilot.click("#do-undo")
        await settle(pilot)
        assert [a.kind for a in screen.sandbox.actions] == ["partition"]


async def test_a_served_student_cannot_write_files_on_the_server(build_app) -> None:
    app = build_app(lang="en")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        pilot.app.sign_in = lambda name: (name, None)  # a served classroom session (capquest serve)
        screen = await open_sandbox(pilot)
        await pilot.press("f7", "r")
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert pilot.app.screen is screen  # no save dialog
        assert "served class session" in screen.message


async def test_a_partition_can_cut_off_a_chosen_node(build_app) -> None:
    app = build_app(lang="en")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_sandbox(pilot)
        await build_two_regions(pilot)
        await choose_card(pilot, 1)  # the available card reads replicas
        await pilot.press("f7", "r")
        await settle(pilot)
        await pilot.press("space", "home", *["right"] * 6)  # 3.0 s
        boxes = {str(box.name): box for box in screen.query(".cut-side").results(Checkbox)}
        assert list(boxes) == ["seoul", "busan", "primary", "replica-busan"]
        await pilot.click(boxes["busan"])  # uncheck: nothing chosen now
        await pilot.press("p")
        await settle(pilot)
        assert screen.sandbox.actions == ()  # a partition that isolates nothing stays refused
        assert "isolates nothing" in str(screen.query_one("#night-message", Static).render())
        await pilot.click(boxes["replica-busan"])
        await pilot.press("p")
        await settle(pilot)
        assert [(a.kind, a.regions) for a in screen.sandbox.actions] == [("partition", ("replica-busan",))]
        fault = screen.night.level.scenario.faults[-1]  # type: ignore[union-attr]
        assert fault.groups == (("replica-busan",), ("seoul", "busan"))
        # the replica, cut from the primary's stream, falls seconds behind; nobody is refused
        assert max(screen.night.series.lag) > 3000  # type: ignore[union-attr]
        assert during(screen, "errors", 0, 10_000_000) == 0
        # no node chosen for a crash: Textual's empty choice is Select.NULL (Select.BLANK is the
        # allow_blank flag, False); the crash key once asked for a node named 'Select.NULL' and was refused
        await pilot.press("right", "c")
        await settle(pilot)
        assert [a.kind for a in screen.sandbox.actions] == ["partition", "crash"]
        assert screen.sandbox.actions[-1].node == "primary"
        assert "NULL" not in str(screen.query_one("#night-message", Static).render())
