"""`CapQuestApp`: the game shell. It owns the pack, the progress store, the settings and the language;
screens ask it for them and tell it what happened (`record_run`, `set_setting`).

Everything that varies between runs is injected — the pack (or a loader of it), the progress store, the
clock, the language — so tests build the app from fakes and every frame is deterministic. To paint the
first screen fast, only the title screen is imported up front; the save file and the pack are opened
in a worker thread after the title is on screen, and the other screens are imported when first opened.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Mapping
from typing import Any, ClassVar, Literal

from textual import work
from textual.app import App
from textual.binding import Binding, BindingType
from textual.reactive import reactive
from textual.screen import Screen

from capquest.errors import StudentNameError
from capquest.i18n import LANGS, detect_language, set_language, t
from capquest.tui.bindings import localize_bindings
from capquest.tui.progress import (
    REPLAY_SPEEDS,
    Campaign,
    GlossaryEntry,
    LevelRecord,
    Pack,
    ProgressStore,
    campaign,
    chapter_progress,
    glossary_entries,
    level_records,
    seen_concepts,
    settings_of,
    unlocked_ids,
)
from capquest.tui.screens.base import CapQuestScreen
from capquest.tui.shell import (
    ChangeSetting,
    OpenCampaign,
    OpenLevel,
    OpenProgress,
    OpenSandbox,
    OpenSettings,
    OpenTutorial,
    ResetProgress,
    SwitchPack,
)
from capquest.tui.theme import THEME_NAMES, THEMES, border_kind
from capquest.tui.tutorial.host import TUTORIAL_BINDINGS, TutorialKeys

Start = Literal["title", "campaign", "tutorial", "sandbox"]
PackSource = Pack | Callable[[], Pack] | None


def _builtin_pack() -> Pack:
    from capquest.packs import builtin_pack  # imported off the UI thread (pydantic)

    return builtin_pack()


class CapQuestApp(TutorialKeys, App[int]):  # TutorialKeys: Enter and 1-6 in the guided course
    """The capquest game."""

    TITLE = "capquest"
    CSS_PATH = "app.tcss"
    ENABLE_COMMAND_PALETTE = True
    COMMAND_PALETTE_BINDING = "ctrl+p"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f1", "help", "shell.bind.help", id="help", key_display="F1"),
        Binding("question_mark", "help", "shell.bind.help", id="help-question", show=False),
        Binding("g", "glossary", "shell.bind.glossary", id="glossary"),
        Binding("f2", "glossary", "shell.bind.glossary", id="glossary-f2", show=False),
        Binding("ctrl+q", "quit", "shell.bind.quit", id="quit", priority=True, key_display="^q"),
        # Declared here (not left to Textual) so its description follows the language; app.tcss keeps
        # it out of the crowded footers (the help screen lists it).
        Binding(
            "ctrl+p",
            "command_palette",
            "shell.bind.palette",
            id="palette",
            priority=True,
            show=False,
            key_display="^p",
        ),
        # Textual's ctrl+c copies text by default; here it leaves the game, as in any terminal program.
        Binding("ctrl+c", "quit", "shell.bind.quit", id="quit-ctrl-c", show=False, priority=True),
        Binding("q", "quit", "shell.bind.quit", id="quit-q", show=False),
        # The guided course's keys: [ back, ] skip (no play screen uses them), Enter next and 1-6 answer
        # (only while the course's narrator has the word).
        *TUTORIAL_BINDINGS,
    ]

    language: reactive[str] = reactive("en", init=False)
    ascii_borders: reactive[bool] = reactive(False, init=False)

    def __init__(
        self,
        *,
        pack: PackSource = None,
        store: ProgressStore | Callable[[], ProgressStore] | None = None,
        clock: Callable[[], float] = time.monotonic,
        language: str | None = None,
        start: Start = "title",
        runner: Callable[..., Any] | None = None,
        sign_in: Callable[[str], tuple[str, Callable[[], ProgressStore]]] | None = None,
    ) -> None:
        """`pack`: a loaded pack, or a function that loads one (run in a worker), or None for the
        built-in campaign. `store`: the progress store, or a function that opens it (then it is read in a
        worker after the first paint, like the pack); default in memory, nothing saved. `clock`:
        seconds, for the replay's timing. `language`: forced language (from `--lang`); None resolves it
        from CAPQUEST_LANG, the saved setting, then the locale. `runner`: how a level is run (the play
        path by default; tests pass a fake). `sign_in`: a served classroom session (`capquest serve`): the
        first screen asks the student's name and passes it to `sign_in`, which returns the name as kept
        and the function that opens that student's store, or raises an error with a `reason` and `name`
        (capquest.errors.StudentNameError) that the screen shows."""
        from capquest.tui.commands import CapQuestCommands

        self.COMMANDS = {CapQuestCommands}  # instance-level: the palette holds only the game's commands
        super().__init__()
        for theme in THEMES:
            self.register_theme(theme)
        self.clock = clock
        self.runner = runner
        if store is None:
            from capquest.saves import MemoryStore

            store = MemoryStore()
        self._store_source = store
        self.store: ProgressStore | None = None  # None while a store factory is opening it
        self._pending_settings: list[tuple[str, Any]] = []  # changed before the store was open
        self._explicit_language = language
        self.start = start
        self.sign_in = sign_in
        self.student: str | None = None  # the signed-in student of a served session
        self.sandbox_start: tuple[Any, str | None] | None = None  # (level, pack folder) for start="sandbox"
        self.pack: Pack | None = None
        self.pack_error: str | None = None
        self._pack_source: PackSource = pack
        if pack is not None and not callable(pack):
            self.pack = pack
        self.progress: Any = None
        self.notices: list[Any] = []  # what the player must be told about their save file
        self.settings: dict[str, Any] = settings_of(None)
        self.revealed_concepts: list[str] = []  # glossary cards shown this session (saved as seen too)
        self.tutorial_flow: Any = None  # capquest.tui.tutorial.flow.TutorialFlow while the course runs
        self.last_level: str | None = None  # the level opened last (the map comes back to it)
        self._run_started: tuple[str | None, dict[str, str] | None] = (None, None)
        self._tutorial_records_runs = False  # True while a pack's own tutorial level is played narrated
        if hasattr(type(store), "load"):  # a store, not a function that opens one
            self.store = store
            self._load_progress()
        initial = detect_language(language, saved=self.settings.get("language"))
        set_language(initial)
        self.set_reactive(CapQuestApp.language, initial)
        self.set_reactive(CapQuestApp.ascii_borders, bool(self.settings["ascii_borders"]))
        self.theme = self.settings["theme"] if self.settings["theme"] in THEME_NAMES else THEME_NAMES[0]
        self._apply_motion()
        localize_bindings(self)

    # ------------------------------------------------------------------------------ state and store
    def _load_progress(self) -> None:
        try:
            report = self.store.load()  # type: ignore[union-attr]
            self.progress = report.progress
            self.notices = list(report.notices)
        except Exception as exc:  # a store that cannot load must not stop the game; the player is told
            self.progress = None
            self.notices = [t("shell.save_unreadable", reason=str(exc))]
        self.settings = settings_of(self.progress)

    def notice_text(self, notice: Any) -> str:
        """A save-file notice in the current language (`capquest.saves.Notice.message`), or as given."""
        message = getattr(notice, "message", None)
        return message(self.language) if callable(message) else str(notice)

    @property
    def pack_id(self) -> str:
        return self.pack.manifest.id if self.pack is not None else ""

    @property
    def records(self) -> dict[str, LevelRecord]:
        return level_records(self.progress, self.pack_id) if self.pack is not None else {}

    def campaign(self) -> Campaign | None:
        if self.pack is None:
            return None
        return campaign(self.pack, self.records, unlocked_ids(self.progress, self.pack_id))

    def seen_concepts(self, extra: tuple[str, ...] = ()) -> list[Any]:
        if self.pack is None:
            return []
        saved = tuple(getattr(self.progress, "concepts_seen", ()) or ())
        return seen_concepts(self.pack, self.records, (*saved, *self.revealed_concepts, *extra))

    def glossary_entries(self, on_screen: tuple[str, ...] = ()) -> list[GlossaryEntry]:
        """Every glossary card of the pack: met as `seen_concepts()` says (saved and revealed cards, and
        those of levels tried), the cards `on_screen` readable too but not counted as met."""
        if self.pack is None:
            return []
        saved = tuple(getattr(self.progress, "concepts_seen", ()) or ())
        return glossary_entries(self.pack, self.records, (*saved, *self.revealed_concepts), on_screen)

    def reveal_concept(self, concept_id: str) -> None:
        """A tutorial step (or a level) showed this glossary card: it stays in the glossary, and saved."""
        if concept_id not in self.revealed_concepts:
            self.revealed_concepts.append(concept_id)
        if self.store is not None:
            self._change(self.store.mark_concept_seen, concept_id)

    def record_run(
        self, result: Any, card: str | None = None, assign: Mapping[str, str] | None = None
    ) -> None:
        """Save a finished run (`capquest.play.RunResult`; `card`/`assign` as passed to `play.run`), open
        the next level when it passed, and refresh every screen's view of progress."""
        if self.pack is None:
            return
        card_id = card if card is not None or assign else (None if result.card == "custom" else result.card)
        self._change(
            self.store.record_run,
            self.pack_id,
            result.level,
            card_id,
            dict(assign or {}),
            result.seed,
            result.score.score,
            result.score.stars,
            result.score.passed,
            result.outcome.digest,
        )
        state = self.campaign()
        following = state.after(result.level) if state else None
        if result.score.passed and following is not None:
            self._change(self.store.unlock, self.pack_id, following.id)  # type: ignore[union-attr]
        self._broadcast_state()

    def _change(self, method: Callable[..., Any], *args: Any) -> Any:
        """Call a store method that changes progress; a save problem is told, never fatal."""
        if self.store is None:
            self.notify(t("shell.save_loading"), severity="warning", markup=False)
            return None
        try:
            returned = method(*args)
        except Exception as exc:  # never lose the game over a save problem: say so, keep playing
            self.notify(t("shell.save_failed", reason=str(exc)), severity="error", timeout=8, markup=False)
            return None
        try:
            self.progress = self.store.progress
            for notice in self.store.take_notices():
                self.notify(self.notice_text(notice), severity="warning", timeout=10, markup=False)
        except Exception as exc:
            self.notify(t("shell.save_failed", reason=str(exc)), severity="error", timeout=8, markup=False)
        return returned

    def set_setting(self, key: str, value: Any) -> None:
        """Change a setting, apply it at once and save it."""
        self.settings[key] = value
        if self.store is None:
            self._pending_settings.append((key, value))  # saved once the store is open
        else:
            self._change(self.store.set_setting, key, value)
        if key == "language" and value in LANGS:
            self.language = value
        elif key == "theme":
            self.theme = value
        elif key == "ascii_borders":
            self.ascii_borders = bool(value)
        elif key == "reduced_motion":
            self._apply_motion()

    def reset_progress(self) -> None:
        """Start over; the store keeps the old progress as a backup file."""
        if self.store is None:
            self.notify(t("shell.save_loading"), severity="warning", markup=False)
            return
        kept = self._change(self.store.reset)
        self.revealed_concepts.clear()
        self._broadcast_state()
        self.notify(
            t("shell.reset_done_file", path=str(kept)) if kept else t("shell.reset_done"), markup=False
        )

    # ------------------------------------------------------------------------------ settings effects
    @property
    def reduced_motion(self) -> bool:
        """True when animations should not play (the setting, or TEXTUAL_ANIMATIONS=none)."""
        return self.animation_level == "none"

    @property
    def replay_speed(self) -> float:
        speed = self.settings.get("replay_speed", 1.0)
        return float(speed) if speed in REPLAY_SPEEDS else 1.0

    def _apply_motion(self) -> None:
        env_none = os.environ.get("TEXTUAL_ANIMATIONS", "").lower() == "none"
        if self.settings.get("reduced_motion") or env_none:
            self.animation_level = "none"
        else:
            from textual import constants

            self.animation_level = constants.TEXTUAL_ANIMATIONS

    def get_css_variables(self) -> dict[str, str]:
        variables = super().get_css_variables()
        variables["border-kind"] = border_kind(getattr(self, "ascii_borders", False))
        return variables

    _ASCII_KEYS: ClassVar[dict[str, str]] = {
        "left": "left",
        "right": "right",
        "up": "up",
        "down": "down",
        "enter": "enter",
    }

    def get_key_display(self, binding: Binding) -> str:
        # Arrow glyphs are East-Asian ambiguous too: spell the keys out with ASCII borders on.
        if self.ascii_borders and binding.key_display is None and binding.key in self._ASCII_KEYS:
            return self._ASCII_KEYS[binding.key]
        return super().get_key_display(binding)

    async def watch_ascii_borders(self, value: bool) -> None:
        self.set_class(value, "-ascii")
        self.refresh_css(animate=False)
        # The play screens draw their diagrams, bars and stars with the session's glyphs (CSS cannot
        # reach those): hand the setting down and redraw them.
        stale = [
            screen
            for screen in self.screen_stack
            if isinstance(screen, CapQuestScreen)
            and screen.session is not None
            and bool(screen.session.ascii_borders) != value
        ]
        for screen in stale:
            assert screen.session is not None
            screen.session.ascii_borders = value
        for screen in stale:
            await screen.retranslate()

    async def watch_language(self, language: str) -> None:
        set_language(language)
        localize_bindings(self)
        for screen in list(self.screen_stack):
            if isinstance(screen, CapQuestScreen):
                await screen.retranslate()
        self.screen.refresh_bindings()

    def _broadcast_state(self) -> None:
        from textual.css.query import NoMatches

        for screen in self.screen_stack:
            if isinstance(screen, CapQuestScreen):
                try:
                    screen.state_changed()
                except NoMatches:  # the screen is being rebuilt (a language switch): it reads the state then
                    pass

    # ------------------------------------------------------------------------------ lifecycle
    def on_mount(self) -> None:
        self.set_class(self.ascii_borders, "-ascii")
        if self.sign_in is not None:
            from capquest.tui.screens.student_name import StudentNameScreen

            self.push_screen(StudentNameScreen())  # the title comes once the student is known
            return
        self._open_title()

    def sign_in_student(self, typed: str) -> str | None:
        """The name screen's Enter: sign the student in and open the title with their progress, or say
        (in the current language) why the name was refused."""
        assert self.sign_in is not None
        try:
            self.student, self._store_source = self.sign_in(typed)
        except StudentNameError as exc:
            return t(f"serve.name_{exc.reason}", name=exc.name)
        self.store = None  # the student's own store is opened after the title is painted
        self.pop_screen()
        self._open_title()
        self.notify(t("serve.signed_in", name=self.student), markup=False)
        return None

    def _open_title(self) -> None:
        from capquest.tui.screens.title import TitleScreen

        self.push_screen(TitleScreen())
        if self.store is None or self.pack is None:
            self.call_after_refresh(self._load_data)  # after the title is painted
        else:
            self._after_pack()

    @work(thread=True, exclusive=True, group="load")
    def _load_data(self) -> None:
        """Open the save file, then load the pack, off the UI thread (both import pydantic)."""
        if self.store is None:
            try:
                store = self._store_source()  # type: ignore[operator]
            except Exception as exc:  # no save folder: play on in memory, and say so
                from capquest.saves import MemoryStore

                notice = t("shell.save_unreadable", reason=str(exc))
                self.call_from_thread(self._store_ready, MemoryStore(), [notice])
            else:
                self.call_from_thread(self._store_ready, store)
        if self.pack is None:
            self._load_pack()

    def _store_ready(self, store: ProgressStore, notices: list[str] | None = None) -> None:
        self.store = store
        self._load_progress()
        self.notices.extend(notices or ())
        for key, value in self._pending_settings:
            self.settings[key] = value
            self._change(store.set_setting, key, value)
        self._pending_settings.clear()
        saved = self.settings.get("language")
        if self._explicit_language is None and not os.environ.get("CAPQUEST_LANG") and saved in LANGS:
            self.language = saved
        if self.settings["theme"] in THEME_NAMES:
            self.theme = self.settings["theme"]
        self.ascii_borders = bool(self.settings["ascii_borders"])
        self._apply_motion()
        self._broadcast_state()

    def _load_pack(self) -> None:
        source = self._pack_source
        try:
            pack = source() if callable(source) else _builtin_pack()
        except Exception as exc:  # a broken pack is reported on the title screen, not a traceback
            self.call_from_thread(self._pack_failed, str(exc))
            return
        self.call_from_thread(self._pack_ready, pack)

    def _pack_ready(self, pack: Pack) -> None:
        self.pack = pack
        self.pack_error = None
        self._broadcast_state()
        self._after_pack()

    def switch_pack(self, pack: Pack) -> None:
        """Play another pack (the title's Level packs): its own progress, from its campaign map."""
        self._pack_ready(pack)
        self.open_campaign()

    def _pack_failed(self, reason: str) -> None:
        self.pack_error = reason
        self._broadcast_state()

    def _after_pack(self) -> None:
        if self.start == "campaign":
            self.start = "title"
            self.open_campaign()
        elif self.start == "tutorial":
            self.start = "title"
            self.open_tutorial()
        elif self.start == "sandbox":
            self.start = "title"
            level, folder = self.sandbox_start or (None, None)
            self.open_sandbox(level, pack_folder=folder)

    # ------------------------------------------------------------------------------ navigation
    def open_campaign(self, focus_level: str | None = None) -> None:
        from capquest.tui.screens.campaign_map import CampaignMapScreen

        self.push_screen(CampaignMapScreen(focus_level=focus_level))

    def open_sandbox(self, level: Any = None, *, pack_folder: str | None = None) -> None:
        """The sandbox, blank or with `level`'s scenario pre-filled. It writes no progress."""
        from capquest.tui.screens.sandbox import SandboxScreen, sandbox_for

        origin = f"{self.pack_id}/{level.id}" if level is not None else ""
        self.push_screen(
            SandboxScreen(
                sandbox_for(level, origin),
                pack_folder=pack_folder,
                from_level=level is not None,
                # A served student's browser must not write files where the server runs.
                can_save=self.sign_in is None,
            )
        )

    def open_level(self, level_id: str) -> None:
        """Open the level screen (the play screens' entry point) for an unlocked level."""
        if self.pack is None:
            self.notify(t("shell.pack_loading"), markup=False)
            return
        state = self.campaign()
        slot = next((s for s in state.slots if s.id == level_id), None) if state else None
        if slot is None:
            self.notify(t("shell.level_unknown", level=level_id), severity="warning", markup=False)
            return
        if not slot.unlocked:
            self.notify(t("shell.level_locked"), severity="warning", markup=False)
            return
        try:
            from capquest.tui.screens.level import LevelScreen
        except ImportError:
            self.notify(t("shell.level_screen_missing"), severity="warning", markup=False)
            return
        if self.tutorial_flow is not None and self.tutorial_flow.active:
            # The narration belongs to the level it was started on: leaving for any level ends it.
            self.tutorial_flow.quit()
        kwargs: dict[str, Any] = {"clock": self.clock}
        if self.runner is not None:
            kwargs["runner"] = self.runner
        self.last_level = slot.id
        for concept_id in slot.level.concepts:  # the briefing names them: they join the glossary
            self.reveal_concept(concept_id)
        if slot.level.tutorial and not self.pack.builtin:
            self._open_pack_tutorial(slot.level)
            return
        self.push_screen(LevelScreen(slot.level, self.pack, **kwargs))

    def _open_pack_tutorial(self, level: Any) -> None:
        """An instructor's level with `[[tutorial]]` steps plays narrated, step by step: the guided
        course's flow over this one level. Unlike the course, its runs are the pack's progress."""
        from capquest.tui.session import play_runner
        from capquest.tui.tutorial.flow import TutorialFlow
        from capquest.tutorial.course import Course

        assert self.pack is not None
        course = Course(self.pack.manifest, (level,), {c.id: c for c in self.pack.concepts})
        self.tutorial_flow = TutorialFlow(
            self,
            course,
            lang=self.language,
            runner=self.runner or play_runner,
            store=None,  # the save keeps one course position, the built-in course's: leave it alone
            clock=self.clock,
            replay_clock=self.clock,
            ascii_borders=self.ascii_borders,
            reduced_motion=True if self.reduced_motion else None,
            on_exit=self._tutorial_left,
        )
        self._tutorial_records_runs = True
        self.tutorial_flow.start()

    def open_tutorial(self) -> None:
        """The guided course (capquest.tui.tutorial), hosted in this app over the title: its position is
        kept in the save file, and leaving it comes back here."""
        if self.tutorial_flow is not None and self.tutorial_flow.active:
            return
        try:
            from capquest.tui.session import play_runner
            from capquest.tui.tutorial.flow import TutorialFlow
            from capquest.tutorial.course import load_course

            course = load_course()
        except Exception as exc:  # a missing or broken course: say so, stay on the title
            self.notify(t("shell.no_tutorial", reason=str(exc)), severity="warning", timeout=8, markup=False)
            return
        self.tutorial_flow = TutorialFlow(
            self,
            course,
            lang=self.language,
            runner=self.runner or play_runner,
            store=self.store,
            saved=getattr(self.progress, "tutorial", None),
            clock=self.clock,
            replay_clock=self.clock,
            ascii_borders=self.ascii_borders,
            reduced_motion=True if self.reduced_motion else None,
            on_exit=self._tutorial_left,
        )
        self.tutorial_flow.start()

    def _tutorial_left(self) -> None:
        self.tutorial_flow = None
        self._tutorial_records_runs = False
        if self.store is not None:
            self.progress = self.store.progress
        self._broadcast_state()

    def _tutorial_act(self, kind: str, **fields: Any) -> None:
        if self.tutorial_flow is not None and self.tutorial_flow.active:
            from capquest.tutorial.controller import PlayerAction

            self.tutorial_flow.act(PlayerAction(kind, **fields))

    def action_tutorial_back(self) -> None:
        if self.tutorial_flow is not None and self.tutorial_flow.active:
            self.tutorial_flow.back()

    def action_tutorial_skip(self) -> None:
        if self.tutorial_flow is not None and self.tutorial_flow.active:
            self.tutorial_flow.skip()

    def open_settings(self) -> None:
        from capquest.tui.screens.settings import SettingsScreen

        self.push_screen(SettingsScreen())

    def action_help(self) -> None:
        from capquest.tui.screens.help import HelpScreen

        if isinstance(self.screen, HelpScreen):
            return
        self.push_screen(HelpScreen(self.screen))

    def action_glossary(self) -> None:
        from capquest.tui.screens.glossary import GlossaryScreen

        if isinstance(self.screen, GlossaryScreen):
            return
        on_screen = tuple(c.id for c in self.concepts_on_screen(self.screen))
        self.push_screen(GlossaryScreen(self.glossary_entries(on_screen)))
        self._tutorial_act("open_glossary")

    def concepts_on_screen(self, screen: Screen) -> list[Any]:
        """The glossary concepts of what `screen` shows: its own `help_concepts()`, else those of the
        level it plays (the play screens carry a `session.level`)."""
        if not isinstance(screen, CapQuestScreen):
            return []
        if concepts := list(screen.help_concepts()):
            return concepts
        ids = tuple(screen.session.level.concepts) if screen.session is not None else ()
        if not ids or self.pack is None:
            return []
        return [c for c in self.pack.concepts if c.id in ids]

    # ------------------------------------------------------------------------------ screens ask
    # What screens (and the palette) ask of the shell, posted up as messages (`capquest.tui.shell`).
    def on_open_campaign(self, event: OpenCampaign) -> None:
        self.open_campaign(event.focus_level)

    def on_open_level(self, event: OpenLevel) -> None:
        self.open_level(event.level_id)

    def on_open_tutorial(self, event: OpenTutorial) -> None:
        self.open_tutorial()

    def on_open_sandbox(self, event: OpenSandbox) -> None:
        self.open_sandbox(event.level)

    def on_open_settings(self, event: OpenSettings) -> None:
        self.open_settings()

    def on_open_progress(self, event: OpenProgress) -> None:
        from capquest.tui.screens.progress_summary import ProgressScreen

        state = self.campaign()
        if state is None or isinstance(self.screen, ProgressScreen):
            return
        entries = self.glossary_entries()
        self.push_screen(ProgressScreen(chapter_progress(state, entries), entries))

    def on_switch_pack(self, event: SwitchPack) -> None:
        self.switch_pack(event.pack)

    def on_change_setting(self, event: ChangeSetting) -> None:
        self.set_setting(event.key, event.value)
        self._broadcast_state()

    def on_reset_progress(self, event: ResetProgress) -> None:
        self.reset_progress()

    # ------------------------------------------------------------------------------ play screens
    # The play screens post these up; the shell records progress and moves between levels.
    def on_level_screen_run_started(self, event: Any) -> None:
        # What was asked for (the card, or the per-class assignment): the save keeps it to replay the run.
        self._run_started = (event.card_id, dict(event.assign) if event.assign else None)

    def on_level_screen_run_finished(self, event: Any) -> None:
        card, assign = self._run_started
        self._run_started = (None, None)
        if self.tutorial_flow is not None and self.tutorial_flow.active:
            self.tutorial_flow.run_finished(event.result)  # a course level: the course keeps its own record
            if not self._tutorial_records_runs:
                return
        self.record_run(event.result, card, assign)

    # What the guided course listens for: passed to the running flow.
    def on_level_screen_card_chosen(self, event: Any) -> None:
        self._tutorial_act("choose_card", card=event.card_id)

    def on_level_screen_class_assigned(self, event: Any) -> None:
        self._tutorial_act("assign_class", card=event.card_id, data_class=event.data_class)

    def on_level_screen_glossary_requested(self, event: Any) -> None:
        self._tutorial_act("open_glossary")

    def on_results_screen_chart_opened(self, event: Any) -> None:
        self._tutorial_act("open_chart")

    def on_results_screen_next_level_requested(self, event: Any) -> None:
        state = self.campaign()
        following = state.after(event.level_id) if state else None
        from capquest.tui.screens.campaign_map import CampaignMapScreen

        while len(self.screen_stack) > 2 and not isinstance(self.screen, CampaignMapScreen):
            self.pop_screen()
        if following is not None:
            self.open_level(following.id)

    def on_results_screen_why_requested(self, event: Any) -> None:
        self._tutorial_act("open_why")
        try:
            from capquest.tui.screens.why import WhyScreen  # the checker's "why" view, when it lands
        except ImportError:
            self.notify(t("shell.why_missing"), severity="warning", markup=False)
            return
        self.push_screen(WhyScreen(event.result, session=event.session))

    def action_command_palette(self) -> None:
        from textual.command import CommandPalette

        if self.use_command_palette and not CommandPalette.is_open(self):
            self.push_screen(
                CommandPalette(id="--command-palette", placeholder=t("shell.palette_placeholder"))
            )

    def action_back(self) -> None:
        if len(self.screen_stack) > 2:  # never pop the title (the default screen sits under it)
            self.pop_screen()
