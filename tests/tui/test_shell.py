"""Pilot tests of the shell, keys only: navigation, live language switch, settings saved through the
store, the reset confirmation, help and glossary from anywhere, locks."""

from __future__ import annotations

from textual.widgets import Footer, OptionList, Static

from capquest.i18n import t
from capquest.tui.progress import LevelRecord


async def _ready(pilot) -> None:
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def _footer_text(app) -> str:
    footer = app.screen.query_one(Footer)
    return " ".join(str(key.description) for key in footer.query("FooterKey"))


async def test_title_menu_with_arrows_and_enter_opens_the_campaign_map(build_app) -> None:
    app = build_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await _ready(pilot)
        assert type(app.screen).__name__ == "TitleScreen"
        menu = app.screen.query_one("#menu", OptionList)
        assert menu.get_option("continue").disabled  # nothing to continue yet
        assert menu.highlighted == 0
        await pilot.press("enter")  # New game
        await _ready(pilot)
        assert type(app.screen).__name__ == "CampaignMapScreen"
        await pilot.press("escape")
        await _ready(pilot)
        assert type(app.screen).__name__ == "TitleScreen"


async def test_continue_lands_on_the_next_level_to_play(build_app, passed_two) -> None:
    app = build_app(records=passed_two)
    async with app.run_test(size=(80, 24)) as pilot:
        await _ready(pilot)
        await pilot.press("2")
        await _ready(pilot)
        levels = app.screen.query_one("#levels", OptionList)
        assert levels.get_option_at_index(levels.highlighted).id == "five-in-stock"
        await pilot.press("down")  # the chapter heading is skipped, the next level is locked
        assert levels.get_option_at_index(levels.highlighted).id == "read-your-writes"


async def test_a_locked_level_does_not_open(build_app, passed_two) -> None:
    opened: list[str] = []
    app = build_app(records=passed_two)
    async with app.run_test(size=(80, 24)) as pilot:
        await _ready(pilot)
        await pilot.press("2")
        await _ready(pilot)
        map_screen = app.screen
        app.push_screen = lambda screen, *a, **k: opened.append(type(screen).__name__)  # type: ignore[method-assign]
        await pilot.press("5")  # level 5 is locked
        await pilot.pause()
        assert app.screen is map_screen
        assert "LevelScreen" not in opened


async def test_language_switch_is_live_in_screens_and_footer_and_saved(build_app, memory_store) -> None:
    store = memory_store()
    app = build_app(store=store)
    async with app.run_test(size=(80, 24)) as pilot:
        await _ready(pilot)
        assert "Help" in _footer_text(app)
        await pilot.press("5")  # settings; the first row is the language
        await _ready(pilot)
        await pilot.press("enter")
        await _ready(pilot)
        assert app.language == "ko"
        assert store.settings.language == "ko"
        assert "도움말" in _footer_text(app)
        assert "설정" in str(app.screen.query_one("#settings-title", Static).render())
        await pilot.press("escape")
        await _ready(pilot)
        menu = app.screen.query_one("#menu", OptionList)  # the title under it was re-rendered too
        assert "새 게임" in str(menu.get_option_at_index(0).prompt)
        assert "종료" in _footer_text(app)


async def test_saved_language_is_used_at_start_unless_forced(build_app) -> None:
    app = build_app(lang=None, settings={"language": "ko"})  # type: ignore[arg-type]
    async with app.run_test(size=(80, 24)) as pilot:
        await _ready(pilot)
        assert app.language == "ko"
    app = build_app(lang="en", settings={"language": "ko"})
    async with app.run_test(size=(80, 24)) as pilot:
        await _ready(pilot)
        assert app.language == "en"


async def test_settings_change_with_arrows_apply_and_persist(build_app, memory_store) -> None:
    store = memory_store()
    app = build_app(store=store)
    async with app.run_test(size=(80, 24)) as pilot:
        await _ready(pilot)
        await pilot.press("5")
        await _ready(pilot)
        await pilot.press("down", "right")  # theme
        assert app.theme == "capquest-light" == store.settings.theme
        await pilot.press("left")
        assert app.theme == "capquest" == store.settings.theme
        await pilot.press("down", "space")  # ASCII borders
        assert app.ascii_borders and store.settings.ascii_borders is True
        assert app.has_class("-ascii")
        await pilot.press("down", "enter")  # reduced motion
        assert store.settings.reduced_motion is True and app.reduced_motion
        await pilot.press("down", "right")  # replay speed 1x -> 2x
        assert store.settings.replay_speed == 2.0 == app.replay_speed
    # A new app on the same store starts with what was saved.
    app = build_app(store=store)
    async with app.run_test(size=(80, 24)) as pilot:
        await _ready(pilot)
        assert app.ascii_borders and app.replay_speed == 2.0


async def test_reset_asks_first_and_no_keeps_everything(build_app, memory_store, passed_two) -> None:
    store = memory_store(records=passed_two)
    app = build_app(store=store)
    async with app.run_test(size=(80, 24)) as pilot:
        await _ready(pilot)
        await pilot.press("5")
        await _ready(pilot)
        await pilot.press("end", "enter")
        await _ready(pilot)
        assert type(app.screen).__name__ == "ConfirmScreen"
        await pilot.press("enter")  # the focus is on "no": a stray Enter destroys nothing
        await _ready(pilot)
        assert type(app.screen).__name__ == "SettingsScreen"
        assert app.records == passed_two and store.backups == []
        await pilot.press("enter")
        await _ready(pilot)
        await pilot.press("y")
        await _ready(pilot)
        assert store.progress.packs == {}
        assert store.backups and store.backups[0].packs["test-campaign"].levels["black-friday"].stars == 3
        assert app.records == {}


async def test_new_game_over_progress_confirms_then_starts_over(build_app, memory_store, passed_two) -> None:
    store = memory_store(records=passed_two)
    app = build_app(store=store)
    async with app.run_test(size=(80, 24)) as pilot:
        await _ready(pilot)
        await pilot.press("1")
        await _ready(pilot)
        await pilot.press("escape")  # changed my mind
        await _ready(pilot)
        assert app.records == passed_two
        await pilot.press("1")
        await _ready(pilot)
        await pilot.press("y")
        await _ready(pilot)
        assert type(app.screen).__name__ == "CampaignMapScreen"
        assert store.progress.packs == {} and store.backups


async def test_help_lists_the_screens_own_bindings_and_the_levels_concept(build_app, passed_two) -> None:
    app = build_app(records=passed_two, lang="ko")
    async with app.run_test(size=(80, 24)) as pilot:
        await _ready(pilot)
        await pilot.press("2")
        await _ready(pilot)
        await pilot.press("question_mark")
        await _ready(pilot)
        help_screen = app.screen
        assert type(help_screen).__name__ == "HelpScreen"
        rows = dict((d, k) for k, d in help_screen.key_rows())
        assert rows["뒤로"] == "esc" and rows["번호로 레벨 열기"] == "1-9"
        body = str(help_screen.body())
        assert "격리는 일관성이 아니다" in body  # the highlighted level's concept, in Korean
        await pilot.press("escape")
        await _ready(pilot)
        assert type(app.screen).__name__ == "CampaignMapScreen"


async def test_help_opens_over_the_modal_screens_too(build_app, passed_two) -> None:
    """A modal screen hides the app's keys: the glossary, the pack picker and a confirmation each answer
    F1 themselves, with a word about what they are for."""
    app = build_app(records=passed_two)
    async with app.run_test(size=(80, 24)) as pilot:
        await _ready(pilot)
        for open_keys, modal in (
            (("g",), "GlossaryScreen"),
            (("4",), "PackPickerScreen"),
            (("1",), "ConfirmScreen"),
        ):  # New game over progress asks first
            await pilot.press(*open_keys)
            await _ready(pilot)
            assert type(app.screen).__name__ == modal
            await pilot.press("f1")
            await _ready(pilot)
            help_screen = app.screen
            assert type(help_screen).__name__ == "HelpScreen" and help_screen.for_screen.help_text()
            await pilot.press("escape")  # help closes, back on the modal
            await _ready(pilot)
            assert type(app.screen).__name__ == modal
            await pilot.press("escape")
            await _ready(pilot)
            assert type(app.screen).__name__ == "TitleScreen"


async def test_glossary_opens_from_any_screen_with_both_terms(build_app) -> None:
    app = build_app(records={"black-friday": LevelRecord(attempts=1)})
    async with app.run_test(size=(80, 24)) as pilot:
        await _ready(pilot)
        await pilot.press("5")  # even from settings
        await _ready(pilot)
        await pilot.press("g")
        await _ready(pilot)
        assert type(app.screen).__name__ == "GlossaryScreen"
        assert [c.id for c in app.screen.concepts] == ["cap"]
        terms = app.screen.query_one("#terms", OptionList)
        row = str(terms.get_option_at_index(0).prompt)
        assert "CAP theorem" in row and "CAP 정리" in row
        assert "CAP theorem" in _card_text(app)  # a met card shows its explanation
        assert "replicated system chooses" in _card_text(app)
        await pilot.press("g")  # the same key closes it
        await _ready(pilot)
        assert type(app.screen).__name__ == "SettingsScreen"


def _card_text(app) -> str:
    return str(app.screen.query_one("#card-text", Static).render())


async def test_the_glossary_lists_every_card_from_the_start_locked_ones_by_term_only(build_app) -> None:
    """Issue 13 §4: the glossary can be browsed from the start (locked entries show their term)."""
    for lang in ("en", "ko"):
        app = build_app(lang=lang)  # a first start: nothing played, nothing seen
        async with app.run_test(size=(80, 24)) as pilot:
            await _ready(pilot)
            await pilot.press("g")
            await _ready(pilot)
            assert type(app.screen).__name__ == "GlossaryScreen"
            terms = app.screen.query_one("#terms", OptionList)
            assert terms.option_count == len(app.pack.concepts) == 5
            assert app.screen.concepts == []  # none met yet
            await pilot.press("down")  # "Linearizability", unlocked by level 2
            await _ready(pilot)
            card = _card_text(app)
            assert "Linearizability" in card and "선형성" in card
            assert "Every operation appears" not in card and "모든 연산이" not in card  # no definition
            title = "The read replica" if lang == "en" else "읽기 복제본"
            assert title in card and "2" in card


async def test_the_progress_summary_opens_from_the_map_per_chapter(build_app, passed_two) -> None:
    """Issue 13 §4: a progress and concept summary exists outside the tutorial."""
    for lang, words in (
        (
            "en",
            ("Chapter 1: The night", "Levels passed: 2 of 3", "Stars: 4 of 9", "Concept cards met: 2 of 3"),
        ),
        ("ko", ("1장: 그날 밤", "통과한 레벨: 3개 중 2개", "별: 9개 중 4개", "만난 개념 카드: 3장 중 2장")),
    ):
        app = build_app(lang=lang, records=passed_two, start="campaign")
        async with app.run_test(size=(80, 24)) as pilot:
            await _ready(pilot)
            assert type(app.screen).__name__ == "CampaignMapScreen"
            assert ("Progress" if lang == "en" else "진행 상황") in _footer_text(app)
            await pilot.press("p")
            await _ready(pilot)
            assert type(app.screen).__name__ == "ProgressScreen"
            text = str(app.screen.query_one("#progress-text", Static).render())
            for word in words:
                assert word in text, (lang, word, text)
            assert "0" in text.split(words[0])[1]  # chapter 2 follows, nothing passed there
            await pilot.press("escape")
            await _ready(pilot)
            assert type(app.screen).__name__ == "CampaignMapScreen"


async def test_damaged_save_is_told_on_the_title(build_app) -> None:
    app = build_app(notices=["progress.cqsave moved to progress.cqsave.corrupt-1"])
    async with app.run_test(size=(80, 24)) as pilot:
        await _ready(pilot)
        notice = app.screen.query_one("#title-notice", Static)
        assert notice.display and "corrupt-1" in str(notice.render())


async def test_pack_loads_in_a_worker_after_the_title_and_errors_are_shown(build_app) -> None:
    def broken():
        raise ValueError("levels/pack.toml: chapters: field required")

    app = build_app(pack=broken)
    async with app.run_test(size=(80, 24)) as pilot:
        await _ready(pilot)
        assert app.pack is None
        notice = str(app.screen.query_one("#title-notice", Static).render())
        assert "chapters: field required" in notice
        await pilot.press("1")
        await _ready(pilot)
        assert "chapters" in str(app.screen.query_one("#map-header", Static).render())


async def test_quit_keys_exit_from_anywhere(build_app) -> None:
    for key in ("ctrl+q", "ctrl+c", "q"):
        app = build_app()
        async with app.run_test(size=(80, 24)) as pilot:
            await _ready(pilot)
            await pilot.press("5")
            await _ready(pilot)
            await pilot.press(key)
            await pilot.pause()
        assert app.return_code == 0, key


async def test_the_real_save_is_opened_after_the_first_paint_and_its_settings_applied(
    build_app, tmp_path
) -> None:
    from capquest.saves import ProgressStore

    home = tmp_path / "save"
    ProgressStore(home).set_setting("language", "ko")
    ProgressStore(home).set_setting("ascii_borders", True)
    app = build_app(lang=None, store=lambda: ProgressStore(home))
    async with app.run_test(size=(80, 24)) as pilot:
        await _ready(pilot)
        assert app.language == "ko" and app.ascii_borders
        menu = app.screen.query_one("#menu", OptionList)
        assert "새 게임" in str(menu.get_option_at_index(0).prompt)
        await pilot.press("5")
        await _ready(pilot)
        await pilot.press("down", "right")  # theme, saved in the real file
    assert ProgressStore(home).settings.theme == "capquest-light"


async def test_a_damaged_save_is_set_aside_and_the_title_says_so(build_app, tmp_path) -> None:
    from capquest.saves import ProgressStore

    home = tmp_path / "save"
    home.mkdir()
    (home / "progress.msgpack").write_bytes(b"not a save file")
    app = build_app(store=lambda: ProgressStore(home))
    async with app.run_test(size=(80, 24)) as pilot:
        await _ready(pilot)
        notice = app.screen.query_one("#title-notice", Static)
        assert notice.display and "progress.corrupt-1.msgpack" in str(notice.render())
    assert (home / "progress.corrupt-1.msgpack").read_bytes() == b"not a save file"


async def test_the_title_hosts_the_guided_course_and_leaving_it_comes_back(build_app, memory_store) -> None:
    store = memory_store()
    app = build_app(store=store)
    async with app.run_test(size=(100, 30)) as pilot:
        await _ready(pilot)
        await pilot.press("3")  # Tutorial
        for _ in range(100):
            if type(app.screen).__name__ == "LevelScreen":
                break
            await pilot.pause(0.02)
        assert type(app.screen).__name__ == "LevelScreen"
        assert app.tutorial_flow is not None and app.tutorial_flow.active
        assert app.screen.session.level.id == app.tutorial_flow.controller.current.level.id
        await pilot.press("right_square_bracket")  # skip a step: the position is saved in the store
        await pilot.pause()
        assert store.progress.tutorial is not None
        await pilot.press("escape")  # out of the course
        for _ in range(100):
            if type(app.screen).__name__ == "TitleScreen":
                break
            await pilot.pause(0.02)
        assert type(app.screen).__name__ == "TitleScreen" and app.tutorial_flow is None


async def test_the_mouse_works_too(build_app, passed_two) -> None:
    app = build_app(records=passed_two)
    async with app.run_test(size=(80, 24)) as pilot:
        await _ready(pilot)
        menu = app.screen.query_one("#menu", OptionList)
        # Click the "Settings" line of the menu (border row + five entries above it).
        await pilot.click(menu, offset=(4, 1 + 4))
        await _ready(pilot)
        assert type(app.screen).__name__ == "SettingsScreen"
        settings = app.screen.query_one("#settings", OptionList)
        await pilot.click(settings, offset=(4, 1 + 1))  # the theme row: a click changes it
        await _ready(pilot)
        assert app.theme == "capquest-light"


async def test_level_packs_entry_lists_installed_packs_and_plays_the_chosen_one(build_app) -> None:
    from pathlib import Path

    from capquest.packs import load_pack
    from capquest.packs.installed import install
    from capquest.tui.screens.campaign_map import CampaignMapScreen
    from capquest.tui.screens.pack_picker import PackPickerScreen

    example = load_pack(Path(__file__).resolve().parents[2] / "levels" / "example")
    install(example)  # into this test's CAPQUEST_HOME
    app = build_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await _ready(pilot)
        await pilot.press("4")  # Level packs
        await _ready(pilot)
        assert isinstance(app.screen, PackPickerScreen)
        listed = [pack_id for pack_id, _, _ in app.screen.packs]
        assert listed == ["campaign", example.id]
        await pilot.press("down", "enter")
        await _ready(pilot)
        assert isinstance(app.screen, CampaignMapScreen)
        assert app.pack_id == example.id
        assert [slot.level.id for slot in app.campaign().slots] == [lv.id for lv in example.levels]


def test_a_map_title_wraps_at_its_words_instead_of_being_cut():
    """'2 AM: twenty times the tra…' at 100x30 and 14 of 15 Korean titles cut at 80x24."""
    from pathlib import Path
    from types import SimpleNamespace

    from rich.console import Console

    from capquest.packs import load_pack
    from capquest.tui.screens.campaign_map import level_row

    pack = load_pack(Path(__file__).resolve().parents[2] / "levels" / "campaign")
    for lang in ("en", "ko"):
        for i, level in enumerate(pack.levels, 1):
            record = SimpleNamespace(stars=1, best_score=640.0)
            slot = SimpleNamespace(index=i, unlocked=True, record=record, level=level)
            console = Console(width=36, record=True, color_system=None)
            console.print(level_row(slot, lang, ascii_only=False, colour="yellow"))
            shown = console.export_text()
            assert "…" not in shown
            words = " ".join(line[14:].strip() for line in shown.splitlines())
            assert words.split() == level.title.get(lang).split(), (lang, shown)


def _progress_total(app) -> str:
    return str(app.screen.query_one("#progress-text", Static).render()).splitlines()[0]


async def test_the_glossary_and_the_progress_summary_count_the_same_cards_met(build_app, passed_two) -> None:
    """Issue 13: the glossary opened over the map counted the highlighted level's cards as met (so they can
    be read) while the progress summary did not: "3 of 5" in one, "2 of 5" in the other. Same save, same
    count; a card on screen stays readable without being counted."""
    for lang, (heading, total) in (
        ("en", ("Glossary (2 of 5 cards met)", "2 of 5 concept cards met")),
        ("ko", ("카드 5장 중 2장을 만남", "개념 카드 5장 중 2장을 만남")),
    ):
        app = build_app(lang=lang, records=passed_two, start="campaign")
        async with app.run_test(size=(100, 30)) as pilot:
            await _ready(pilot)
            # The map highlights level 3, the next to play: its card is not met yet.
            on_screen = [c.id for c in app.screen.help_concepts()]
            assert on_screen and not set(on_screen) & {c.id for c in app.seen_concepts()}
            await pilot.press("g")
            await _ready(pilot)
            assert heading in app.screen.query_one("#glossary-panel").border_title
            entry = next(e for e in app.screen.entries if e.concept.id == on_screen[0])
            assert entry.readable and not entry.met
            await pilot.press("escape", "p")
            await _ready(pilot)
            assert type(app.screen).__name__ == "ProgressScreen"
            assert total in _progress_total(app), _progress_total(app)


async def test_the_progress_summary_opens_from_the_title_and_the_command_palette(
    build_app, passed_two
) -> None:
    """Issue 13: the summary was reachable only from the map's `p`. The title has it (a menu entry and `p`,
    shown in the footer) and so does the command palette, in both languages, with help saying so."""
    for lang, label, query in (("en", "Progress", "progress"), ("ko", "진행 상황", "진행")):
        app = build_app(lang=lang, records=passed_two)
        async with app.run_test(size=(80, 24)) as pilot:
            await _ready(pilot)
            assert type(app.screen).__name__ == "TitleScreen"
            assert label in _footer_text(app)
            assert "p" in t("shell.help.title", lang) and "Ctrl+P" in t("shell.help.title", lang)
            for keys in (("p",), ("7",), ("ctrl+p", *query, "enter")):
                await pilot.press(*keys)
                await _ready(pilot)
                assert type(app.screen).__name__ == "ProgressScreen", (lang, keys)
                assert "2 " in _progress_total(app) or "2개" in _progress_total(app)
                await pilot.press("escape")
                await _ready(pilot)
                assert type(app.screen).__name__ == "TitleScreen", (lang, keys)
            menu = app.screen.query_one("#menu", OptionList)
            assert label in str(menu.get_option("progress").prompt)
