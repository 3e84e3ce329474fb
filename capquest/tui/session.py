"""The play session: everything the play screens (level, replay, results, compare, Why?) share for one
visit to a level, handed down from screen to screen as an attribute, and the runner that plays a level
(the shared play path by default; tests pass a fake).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from capquest.i18n import language, t
from capquest.packs.model import Card, LevelFile
from capquest.tui.widgets.glyphs import Glyphs, glyphs_for

if TYPE_CHECKING:
    from capquest.play import RunResult

# (level, card id or None, seed or None for the level's, per-data-class assignment or None) -> RunResult
Runner = Callable[[LevelFile, "str | None", "int | None", "Mapping[str, str] | None"], "RunResult"]


def play_runner(
    level: LevelFile, card_id: str | None, seed: int | None, assign: Mapping[str, str] | None
) -> RunResult:
    """The real runner: the shared play path (imported on first use, it pulls in the engine)."""
    from capquest.play import run

    return run(level, card_id, seed=seed, assign=assign)


@dataclass
class PlaySession:
    """Everything the play screens share for one visit to a level, handed down by the app."""

    level: LevelFile
    runner: Runner = play_runner
    clock: Callable[[], float] = time.monotonic  # the replay's time source (a fake one in tests)
    ascii_borders: bool | None = None  # None: follow the app's `ascii_borders` setting
    reduced_motion: bool | None = None  # None: follow TEXTUAL_ANIMATIONS / the app's animation level
    speed: float = 1  # the replay's starting speed (1, 2 or 4; the shell's setting may also say 0.5)
    runs: list[Any] = field(default_factory=list)  # RunResults of this visit, oldest first
    custom_assign: dict[str, str] | None = None  # the hybrid assignment last run as "custom"

    @property
    def glyphs(self) -> Glyphs:
        return glyphs_for(language(), bool(self.ascii_borders))

    def adopt_app_settings(self, app: object) -> None:
        """Fill the settings left open (None) from the host app's public attributes, if it has them."""
        if self.ascii_borders is None:
            self.ascii_borders = bool(getattr(app, "ascii_borders", False))
        speed = getattr(app, "replay_speed", None)
        if speed in (0.5, 1, 2, 4):
            self.speed = speed

    def motion_reduced(self, app_animation_level: str | None = None) -> bool:
        if self.reduced_motion is not None:
            return self.reduced_motion
        return os.environ.get("TEXTUAL_ANIMATIONS", "").lower() == "none" or app_animation_level == "none"

    def latest_by_card(self, seed: int | None = None) -> dict[str, Any]:
        """The latest run of each card (and of "custom" for a hybrid assignment). With `seed`, a card's
        latest run at that seed wins over later ones at other seeds (a reseed in Compare), so a chart of
        the cards compares them on the same night."""
        latest: dict[str, Any] = {}
        for result in self.runs:
            held = latest.get(result.card)
            if seed is None or held is None or result.seed == seed or held.seed != seed:
                latest[result.card] = result
        return latest

    def best_by_card(self) -> dict[str, tuple[float, int]]:
        best: dict[str, tuple[float, int]] = {}
        for result in self.runs:
            if result.card not in best or result.score.score > best[result.card][0]:
                best[result.card] = (result.score.score, result.score.stars)
        return best

    def card(self, card_id: str) -> Card | None:
        return next((c for c in self.level.cards if c.id == card_id), None)

    def card_title(self, card_id: str) -> str:
        card = self.card(card_id)
        return card.title.get(language()) if card else t("play.custom")
