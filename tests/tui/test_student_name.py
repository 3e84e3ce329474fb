"""The first screen of a served classroom session: the student's name, checked by the class folder
(capquest.saves.classroom), refused with a message or accepted into the title with their own store."""

from __future__ import annotations

from pathlib import Path

from capquest.saves.classroom import ClassFolder
from capquest.serve.session import class_sign_in
from capquest.tui.app import CapQuestApp


async def _type(pilot, text: str) -> None:
    if text:
        await pilot.press(*text)
    await pilot.press("enter")
    await pilot.pause()


def _refusal(app: CapQuestApp) -> str:
    message = app.screen.query_one("#name-refused")
    return str(message.render()) if message.display else ""


async def test_names_are_refused_with_a_reason_then_the_title_opens_on_the_students_store(
    tmp_path: Path, fake_pack
) -> None:
    class_dir = tmp_path / "class"
    live = ClassFolder(class_dir).sign_in("Kim")  # another tab holds this name
    app = CapQuestApp(pack=fake_pack(), language="en", sign_in=class_sign_in(class_dir))
    app.animation_level = "none"
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert type(app.screen).__name__ == "StudentNameScreen"
        await _type(pilot, "")
        assert "at least one letter or digit" in _refusal(app)
        await _type(pilot, "nul")
        assert '"nul" cannot be used as a name' in _refusal(app)
        for _ in "nul":
            await pilot.press("backspace")
        await _type(pilot, "kim")
        assert '"Kim" is playing right now in another window' in _refusal(app)
        assert type(app.screen).__name__ == "StudentNameScreen" and app.student is None
        for _ in "kim":
            await pilot.press("backspace")
        await _type(pilot, "Alice Park")
        for _ in range(100):
            if app.store is not None:
                break
            await pilot.pause(0.02)
        assert type(app.screen).__name__ == "TitleScreen"
        assert app.student == "Alice-Park"
        assert Path(app.store.home) == class_dir / "Alice-Park"  # type: ignore[union-attr]
        assert [type(s).__name__ for s in app.screen_stack][-1:] == ["TitleScreen"]
        assert len(app.screen_stack) == 2  # the name screen is gone: back never returns to it
    live.close()


async def test_the_name_screen_speaks_korean(tmp_path: Path, fake_pack) -> None:
    app = CapQuestApp(pack=fake_pack(), language="ko", sign_in=class_sign_in(tmp_path / "class"))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await _type(pilot, "con")
        assert "이름으로 쓸 수 없습니다" in _refusal(app)
