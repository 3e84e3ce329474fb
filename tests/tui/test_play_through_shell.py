"""The shell hosting the play screens: from the campaign map into a level, a real run through the
engine, progress saved in the store (and the next level unlocked), then on to the next level."""

from __future__ import annotations

from capquest.scoring import score_text


async def _wait_for(pilot, name: str, tries: int = 100):
    for _ in range(tries):
        if type(pilot.app.screen).__name__ == name:
            await pilot.pause()
            return pilot.app.screen
        await pilot.pause(0.02)
    raise AssertionError(f"{name} never showed; on {pilot.app.screen!r}")


async def test_play_level_one_from_the_map_records_progress_and_opens_level_two(
    build_app, memory_store
) -> None:
    store = memory_store()
    app = build_app(store=store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("enter")  # New game
        await _wait_for(pilot, "CampaignMapScreen")
        await pilot.press("enter")  # level 1, highlighted
        level = await _wait_for(pilot, "LevelScreen")
        assert level.session.level.id == "black-friday"
        await pilot.press("1", "r")  # choose the first card, run it
        await _wait_for(pilot, "ReplayScreen")
        for _ in range(50):
            if store.runs:
                break
            await pilot.pause(0.02)
        [run] = store.runs
        assert (run["pack"], run["level"], run["card"]) == ("test-campaign", "black-friday", "primary-only")
        assert len(run["digest"]) == 64
        saved = store.progress.packs["test-campaign"]
        assert saved.levels["black-friday"].attempts == 1
        assert run["passed"] and "the-replica" in saved.unlocked  # a small level: the first card passes
        assert app.records["black-friday"].best_score == run["score"]
        await pilot.press("enter")  # skip to the results
        await _wait_for(pilot, "ResultsScreen")
        await pilot.press("n")  # next level
        level = await _wait_for(pilot, "LevelScreen")
        assert level.session.level.id == "the-replica"
        assert [type(s).__name__ for s in app.screen_stack][-2:] == ["CampaignMapScreen", "LevelScreen"]
        await pilot.press("escape")
        await _wait_for(pilot, "CampaignMapScreen")
        prompt = app.screen.query_one("#levels").get_option("black-friday").prompt
        row = " ".join(str(cell) for column in prompt.columns for cell in column.cells)  # a grid row
        assert score_text(run["score"]) in row  # the map shows the new best score, as every screen does
