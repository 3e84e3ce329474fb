"""Scores and the Pareto frontier: what every screen and `pack solve` show comes from here."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from capquest.scoring import pareto_frontier, score_text, shown_score

CAMPAIGN = Path(__file__).resolve().parent.parent / "levels" / "campaign"


def test_a_card_tied_with_a_frontier_card_on_both_axes_is_on_the_frontier() -> None:
    # card 2 tied card 1 on both axes and vanished from the frontier
    assert pareto_frontier([(10.0, 0.0), (10.0, 0.0), (5.0, 3.0), (20.0, 0.0)]) == [2, 0, 1]


@given(st.lists(st.tuples(st.integers(0, 5), st.integers(0, 5)), max_size=12))
def test_the_frontier_is_every_point_no_other_beats(points: list[tuple[int, int]]) -> None:
    def beaten(p: tuple[int, int]) -> bool:
        return any(q[0] <= p[0] and q[1] <= p[1] and q != p for q in points)

    expected = {i for i, p in enumerate(points) if not beaten(p)}
    assert set(pareto_frontier([(float(x), float(y)) for x, y in points])) == expected


def test_a_score_is_shown_as_a_whole_number_rounded_down() -> None:
    assert [score_text(x) for x in (-57.4, 0.0, 699.99, 700.0, 966.79, 1000.0)] == [
        "-58",
        "0",
        "699",
        "700",
        "966",
        "1000",
    ]  # fmt: skip  (699.99 must not read as a passed par of 700)


def test_every_view_shows_the_same_score(capsys) -> None:
    """The tutorial showed "-57.4" where the results showed whole numbers: one way, on every view."""
    from capquest.cli import main
    from capquest.packs import load_pack
    from capquest.play import run
    from capquest.tui.widgets.metric_table import ROWS
    from capquest.tutorial.figures import figures

    level = load_pack(CAMPAIGN).level("five-to-six")
    card = level.cards[2]
    result = run(level, card.id)
    assert not float(result.score.score).is_integer()  # a score with decimals, to tell the ways apart
    shown = str(shown_score(result.score.score))
    score_row = next(row for row in ROWS if row.key == "score")
    assert score_row.show(score_row.value(result)) == shown  # results and compare tables
    assert figures(result)["score"] == shown  # tutorial narration and recap
    assert main(["simulate", level.id, "--card", card.id]) == 0  # the CLI's table
    out = capsys.readouterr().out
    assert f" {shown} " in out and f"{result.score.score:,.1f}" not in out
