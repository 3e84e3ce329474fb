"""Broken tutorial steps are reported with their field path, before anyone plays them."""

from __future__ import annotations

import tomllib

from capquest.packs.model import LevelFile
from capquest.packs.tutorial import format_loc, tutorial_problems

HEAD = """
id = "broken"
chapter = "c"
title = { en = "t" }
briefing = { en = "b" }
debrief = { en = "d" }
[[cards]]
id = "safe"
class = "cp"
title = { en = "Safe" }
pitch = { en = "p" }
explanation = { en = "e" }
"""


def problems(steps: str, concepts: set[str] | None = None) -> dict[str, str]:
    level = LevelFile.model_validate(tomllib.loads(HEAD + steps))
    return {format_loc(loc): reason for loc, reason in tutorial_problems(level, concepts)}


def test_a_correct_step_has_no_problems() -> None:
    assert problems('[[tutorial]]\nkind = "await"\naction = "run"\ncard = "safe"\ntarget = "run"\n') == {}


def test_an_await_step_naming_a_card_the_level_lacks() -> None:
    found = problems(
        '[[tutorial]]\nkind = "narrate"\ntext = { en = "hi" }\n'
        '[[tutorial]]\nkind = "await"\naction = "choose_card"\ncard = "fsat"\n'
    )
    assert list(found) == ["tutorial[1].card"]
    assert "fsat" in found["tutorial[1].card"] and "safe" in found["tutorial[1].card"]


def test_each_kind_reports_what_it_is_missing() -> None:
    found = problems(
        '[[tutorial]]\nkind = "highlight"\n'
        '[[tutorial]]\nkind = "await"\n'
        '[[tutorial]]\nkind = "question"\ntext = { en = "?" }\n'
        '[[tutorial.choices]]\ntext = { en = "a" }\nexplanation = { en = "x" }\n'
        '[[tutorial.choices]]\ntext = { en = "b" }\nexplanation = { en = "y" }\n'
        '[[tutorial]]\nkind = "concept"\n'
        '[[tutorial]]\nkind = "concept"\nconcept = "nope"\n',
        concepts={"cap"},
    )
    assert set(found) == {
        "tutorial[0].text",
        "tutorial[0].target",
        "tutorial[1].action",
        "tutorial[2].choices",
        "tutorial[3].concept",
        "tutorial[4].concept",
    }
    assert "correct" in found["tutorial[2].choices"]


def test_fields_that_do_not_belong_to_the_kind_and_unknown_widgets() -> None:
    found = problems(
        '[[tutorial]]\nkind = "narrate"\ntext = { en = "hi" }\naction = "run"\n'
        '[[tutorial]]\nkind = "highlight"\ntext = { en = "x" }\ntarget = "sidebar"\n'
    )
    assert set(found) == {"tutorial[0].action", "tutorial[1].target"}
    assert "hand" in found["tutorial[1].target"]  # lists the widgets that exist


def test_assigning_a_data_class_needs_a_hybrid_level() -> None:
    found = problems(
        '[[tutorial]]\nkind = "await"\naction = "assign_class"\ndata_class = "orders"\n'
        '[[tutorial]]\nkind = "await"\naction = "run"\ndata_class = "orders"\n'
    )
    assert set(found) == {"tutorial[0].data_class", "tutorial[1].data_class"}


def test_figures_in_texts_must_exist() -> None:
    found = problems(
        '[[tutorial]]\nkind = "narrate"\n'
        'text = { en = "{oversold_units} and {speed}", ko = "{nope:p99_ms}" }\n'
    )
    assert set(found) == {"tutorial[0].text.en", "tutorial[0].text.ko"}
    assert "speed" in found["tutorial[0].text.en"] and "nope" in found["tutorial[0].text.ko"]


def test_pack_validate_reports_a_broken_step_of_the_course_with_file_and_field(tmp_path) -> None:
    """`capquest pack validate` on a copy of the course with one await step naming a card that does not
    exist: reported before anyone plays it, with the file, the line and the field path."""
    import shutil
    import subprocess
    import sys

    from capquest.tutorial.course import course_dir

    pack = tmp_path / "course"
    shutil.copytree(course_dir(), pack)
    level = pack / "t3-consistency-first.toml"
    text = level.read_text(encoding="utf-8")
    broken = text.replace(
        'action = "choose_card"\ncard = "all-on-primary"', 'action = "choose_card"\ncard = "all-on-primry"'
    )
    assert broken != text
    level.write_text(broken, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "capquest", "pack", "validate", str(pack), "--lang", "en"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1, done.stdout + done.stderr
    lines = [line for line in (done.stdout + done.stderr).splitlines() if "all-on-primry" in line]
    assert lines and "t3-consistency-first.toml:" in lines[0] and "tutorial[1].card" in lines[0], lines
