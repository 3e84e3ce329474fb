"""Scores and the Pareto frontier: what every screen and `pack solve` show comes from here."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from capquest.scoring import pareto_frontier


def test_a_card_tied_with_a_frontier_card_on_both_axes_is_on_the_frontier() -> None:
    # card 2 tied card 1 on both axes and vanished from the frontier
    assert pareto_frontier([(10.0, 0.0), (10.0, 0.0), (5.0, 3.0), (20.0, 0.0)]) == [2, 0, 1]


@given(st.lists(st.tuples(st.integers(0, 5), st.integers(0, 5)), max_size=12))
def test_the_frontier_is_every_point_no_other_beats(points: list[tuple[int, int]]) -> None:
    def beaten(p: tuple[int, int]) -> bool:
        return any(q[0] <= p[0] and q[1] <= p[1] and q != p for q in points)

    expected = {i for i, p in enumerate(points) if not beaten(p)}
    assert set(pareto_frontier([(float(x), float(y)) for x, y in points])) == expected
