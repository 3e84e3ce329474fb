"""`CapQuestApp`: the game shell. It owns the pack, the progress store, the settings and the language;
screens ask it for them and tell it what happened (`record_run`, `set_setting`).

Everything that varies between runs is injected — the pack (or a loader of it), the progress store, the
clock, the language — so tests build the app from fakes and every frame is deterministic. To paint the
first screen fast, only the title screen is imported up front; the pack loads in a worker thread after
the title is on screen, and the other screens are imported when first opened.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from typing import Any, ClassVar, Literal

from textual import work
from textual.app import App
from textual.binding import Binding, BindingType
from textual.reactive import reactive

from capquest.i18n import LANGS, detect_language, set_language, t
from capquest.tui.progress import (
    REPLAY_SPEEDS,
    Campaign,
    LevelRecord,
    MemoryProgressStore,
    Pack,
    ProgressStore,
    campaign,
    level_records,
    seen_concepts,
    settings_of,
)
from capquest.tui.screens.base import localise_bindings
from capquest.tui.theme import THEME_NAMES, THEMES, border_kind
from capquest.tui.tutorial.host import TUTORIAL_BINDINGS, TutorialHost

Start = Literal["title", "campaign", "tutorial"]
PackSource = Pack | Callable[[], Pack] | None


def _builtin_pack() -> Pack:
    from capquest.packs import builtin_pack  # lands with the packs work; imported off the UI thread

    return builtin_pack()


class CapQuestApp(TutorialHost, App[int]):
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
        # Textual's ctrl+c copies text by default; here it leaves the game, as in any terminal program.
        Binding("ctrl+c", "quit", "shell.bind.quit", id="quit-ctrl-c", show=False, priority=True),
        Binding("q", "quit", "shell.bind.quit", id="quit-q", show=False),
        *TUTORIAL_BINDINGS,  # [ and ]: back and skip in the guided tutorial (no-ops outside it)
    ]

    language: reactive[str] = reactive("en", init=False)
    ascii_borders: reactive[bool] = reactive(False, init=False)

    def __init__(
        self,
        *,
        pack: PackSource = None,
        store: ProgressStore | None = None,
        clock: Callable[[], float] = time.time,
        language: str | None = None,
        start: Start = "title",
    ) -> None:
        """`pack`: a loaded pack, or a function that loads one (run in a worker), or None for the
        built-in campaign. `store`: the progress store (default: in memory, nothing saved). `clock`:
        wall-clock seconds, for anything that shows or records time. `language`: forced language (from
        `--lang`); None resolves it from CAPQUEST_LANG, the saved setting, then the locale."""
        from capquest.tui.commands import CapQuestCommands

        self.COMMANDS = {CapQuestCommands}  # instance-level: the palette holds only the game's commands
        super().__init__()
        for theme in THEMES:
            self.register_theme(theme)
        self.clock = clock
        self.store: ProgressStore = store if store is not None else MemoryProgressStore()
        self.start = start
        self.pack: Pack | None = None
        self.pack_error: str | None = None
        self._pack_source: PackSource = pack
        if pack is not None and not callable(pack):
            self.pack = pack
        self.progress: Any = {}
        self.notices: list[str] = []
        self.settings: dict[str, Any] = settings_of(None)
        self.revealed_concepts: list[str] = []  # glossary cards shown by a tutorial step this session
        self._explicit_language = language
        self._load_progress()
        initial = detect_language(language, saved=self.settings.get("language"))
        set_language(initial)
        self.set_reactive(CapQuestApp.language, initial)
        self.set_reactive(CapQuestApp.ascii_borders, bool(self.settings["ascii_borders"]))
        self.theme = self.settings["theme"] if self.settings["theme"] in THEME_NAMES else THEME_NAMES[0]
        self._apply_motion()
        localise_bindings(self)

    # ------------------------------------------------------------------------------ state and store
    def _load_progress(self) -> None:
        try:
            report = self.store.load()
            self.progress = getattr(report, "progress", {}) or {}
            self.notices = [str(n) for n in getattr(report, "notices", ()) or ()]
        except Exception as exc:  # a store that cannot load must not stop the game; the player is told
            self.progress = {}
            self.notices = [t("shell.save_unreadable", reason=str(exc))]
        stored = getattr(self.store, "settings", None)
        self.settings = settings_of({"settings": stored} if isinstance(stored, dict) else self.progress)

    @property
    def records(self) -> dict[str, LevelRecord]:
        return level_records(self.progress)

    def campaign(self) -> Campaign | None:
        return campaign(self.pack, self.records) if self.pack is not None else None

    def seen_concepts(self, extra: tuple[str, ...] = ()) -> list[Any]:
        if self.pack is None:
            return []
        return seen_concepts(self.pack, self.records, (*self.revealed_concepts, *extra))

    def reveal_concept(self, concept_id: str) -> None:
        """A tutorial step (or a level) showed this glossary card: it stays in the glossary."""
        if concept_id not in self.revealed_concepts:
            self.revealed_concepts.append(concept_id)

    def record_run(self, result: Any) -> None:
        """Save a finished run (`capquest.play.RunResult`) and refresh every screen's view of progress."""
        try:
            returned = self.store.record_run(
                result.level,
                score=result.score.score,
                stars=result.score.stars,
                passed=result.score.passed,
                card=result.card,
                seed=result.seed,
            )
        except Exception as exc:  # never lose the game over a save problem: say so, keep playing
            self.notify(t("shell.save_failed", reason=str(exc)), severity="error", timeout=8)
            return
        self._refresh_progress(returned)

    def _refresh_progress(self, returned: Any = None) -> None:
        if returned is not None and (isinstance(returned, dict) or hasattr(returned, "levels")):
            self.progress = returned
        else:
            self._load_progress()
        self._broadcast_state()

    def set_setting(self, key: str, value: Any) -> None:
        """Change a setting, apply it at once and save it."""
        self.settings[key] = value
        try:
            self.store.set_setting(key, value)
        except Exception as exc:
            self.notify(t("shell.save_failed", reason=str(exc)), severity="error", timeout=8)
        if key == "language" and value in LANGS:
            self.language = value
        elif key == "theme":
            self.theme = value
        elif key == "ascii_borders":
            self.ascii_borders = bool(value)
        elif key == "reduced_motion":
            self._apply_motion()

    def reset_progress(self) -> None:
        """Start over; the store keeps the old progress as a backup."""
        try:
            returned = self.store.reset()
        except Exception as exc:
            self.notify(t("shell.save_failed", reason=str(exc)), severity="error", timeout=8)
            return
        self.revealed_concepts.clear()
        self._refresh_progress(returned)
        self.notify(t("shell.reset_done"))

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

    def watch_ascii_borders(self, value: bool) -> None:
        self.set_class(value, "-ascii")
        self.refresh_css(animate=False)

    async def watch_language(self, language: str) -> None:
        set_language(language)
        localise_bindings(self)
        for screen in list(self.screen_stack):
            retranslate = getattr(screen, "retranslate", None)
            if retranslate is not None:
                await retranslate()
        self.screen.refresh_bindings()

    def _broadcast_state(self) -> None:
        for screen in self.screen_stack:
            hook = getattr(screen, "state_changed", None)
            if hook is not None:
                hook()

    # ------------------------------------------------------------------------------ lifecycle
    def on_mount(self) -> None:
        self.set_class(self.ascii_borders, "-ascii")
        from capquest.tui.screens.title import TitleScreen

        self.push_screen(TitleScreen())
        if self.pack is None:
            self.call_after_refresh(self._load_pack)
        else:
            self._after_pack()

    @work(thread=True, exclusive=True, group="pack")
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

    # ------------------------------------------------------------------------------ navigation
    def open_campaign(self, focus_level: str | None = None) -> None:
        from capquest.tui.screens.campaign_map import CampaignMapScreen

        self.push_screen(CampaignMapScreen(focus_level=focus_level))

    def open_level(self, level_id: str, *, tutorial: bool = False) -> None:
        """Open the level screen (the play screens' entry point) for an unlocked level."""
        if self.pack is None:
            self.notify(t("shell.pack_loading"))
            return
        state = self.campaign()
        slot = next((s for s in state.slots if s.id == level_id), None) if state else None
        if slot is None:
            self.notify(t("shell.level_unknown", level=level_id), severity="warning")
            return
        if not slot.unlocked:
            self.notify(t("shell.level_locked"), severity="warning")
            return
        try:
            from capquest.tui.screens.level import LevelScreen
        except ImportError:
            self.notify(t("shell.level_screen_missing"), severity="warning")
            return
        self.push_screen(LevelScreen(slot.level, self.pack))

    def open_tutorial(self) -> None:
        """The guided course (`levels/tutorial`), resumed where the player left it."""
        from capquest.tui.tutorial.app import saved_position
        from capquest.tui.tutorial.flow import TutorialFlow
        from capquest.tutorial.course import load_course

        store = self.store if hasattr(self.store, "set_tutorial_position") else None

        def done() -> None:
            self.tutorial_flow = None

        self.tutorial_flow = TutorialFlow(
            self, load_course(), lang=self.language, store=store, saved=saved_position(store),  # type: ignore[arg-type]
            ascii_borders=self.ascii_borders, reduced_motion=self.reduced_motion or None, on_exit=done)
        self.tutorial_flow.start()

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
        extra = tuple(getattr(c, "id", "") for c in getattr(self.screen, "help_concepts", list)())
        self.push_screen(GlossaryScreen(self.seen_concepts(extra)))

    def action_back(self) -> None:
        if len(self.screen_stack) > 2:  # never pop the title (the default screen sits under it)
            self.pop_screen()
