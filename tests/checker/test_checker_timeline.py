"""The timeline's lanes: what the SVG and the game's "Why?" view draw."""

from __future__ import annotations

from rich.cells import cell_len

from capquest.checker import check
from capquest.checker.reference_store import client_op as op
from capquest.checker.reference_store import history_of
from capquest.checker.timeline import ANOMALY, EMPTY, FOCUS, READ, UPDATE, build_lanes, timeline_lines


def scene():
    ops = [
        op(1, "write", "profile/1", 0, 100, session=1, value="b"),
        op(2, "read", "profile/1", 500, 600, session=2, node="replica-1", value="a"),
        op(3, "read", "profile/1", 800, 900, session=3, value="b"),
    ]
    faults = [{"kind": "lag_spike", "start": 200, "end": 700, "groups": [], "node": "replica-1"}]
    history = history_of({"profile/1": "a"}, ops, faults)
    history["nodes"] = ["primary", "replica-1"]
    return history


def test_lanes_place_operations_anomalies_and_faults_in_time():
    history = scene()
    report = check(history, linearizability=False)
    stale = report.by_kind("stale_read")[0]
    _, _, lanes = build_lanes(history, report.anomalies, start=0, end=1000, width=10, focus=stale, lang="en")
    by_label = {lane.label: lane for lane in lanes}
    assert [lane.label for lane in lanes] == ["faults", "node primary", "node replica-1", "session 2"]
    primary, replica = by_label["node primary"], by_label["node replica-1"]
    assert primary.cells[0] == FOCUS  # the write the stale read missed is part of the anomaly
    assert primary.cells[8] == READ  # read #3 at 800-900, fine
    assert replica.cells[5] == FOCUS and replica.cells[3] == EMPTY
    assert replica.shaded[3] and not replica.shaded[9] and not primary.shaded[3]  # the lag spike's node
    assert by_label["faults"].marks[4] == "L"
    assert UPDATE not in primary.cells and ANOMALY not in primary.cells


def test_lines_keep_their_width_in_korean():
    history = scene()
    report = check(history)
    lines = timeline_lines(history, report.anomalies, width=40, lang="ko")
    lane_lines = [line for line in lines if line.plain.startswith(("노드", "세션", "장애"))]
    assert len(lane_lines) == 4
    assert {cell_len(line.plain) for line in lane_lines} == {18 + 1 + 40}


def test_the_anomaly_explained_is_marked_apart_from_the_others_without_colour():
    """Bright red `!` for the anomaly being explained, dark red `x` for the rest: the marks say it where
    colours do not (a monochrome terminal, a printed hand-out)."""
    history = scene()
    report = check(history, linearizability=False)
    stale = report.by_kind("stale_read")[0]
    others = [op(4, "read", "profile/1", 950, 990, session=4, node="replica-1", value="a")]
    history["ops"] = [*history["ops"], *others]
    report = check(history, linearizability=False)
    assert len(report.by_kind("stale_read")) == 2
    lines = timeline_lines(history, report.anomalies, start=0, end=1000, width=10, lang="en", focus=stale)
    replica = next(line.plain for line in lines if line.plain.startswith("node replica-1"))
    bars = replica[19:]
    assert bars[5] == "!" and bars[9] == "x"


def test_a_log_timed_in_events_gets_microsecond_ticks_and_its_story_a_close_up(tmp_path):
    from capquest.checker.timeline import save_timeline_svg

    ops = [
        op(1, "write", "r", 0, 1, session=1, value="b"),
        op(2, "read", "r", 3, 4, session=2, value="b"),
        op(3, "read", "r", 6, 7, session=3, value="a"),
    ]
    history = history_of({"r": "a"}, ops)
    lines = timeline_lines(history, [], width=40, lang="en")
    assert lines[0].plain == "Timeline 0µs to 7µs" and "|0.000s" not in lines[1].plain
    assert "마이크로초" in timeline_lines(history, [], width=40, lang="ko")[1].plain
    # Two cas from 1 both succeeded: not linearizable, and no other anomaly.
    cas = [
        op(1, "write", "r", 0, 1, session=1, value="1"),
        op(2, "cas", "r", 2, 5, session=2, expected="1", value="2"),
        op(3, "cas", "r", 3, 6, session=3, expected="1", value="3"),
    ]
    history = history_of({"r": "a"}, cas)
    history["version"] = 2
    anomalies = check(history).anomalies
    assert [a.kind for a in anomalies] == ["not_linearizable"]
    out = tmp_path / "story.svg"
    save_timeline_svg(history, anomalies, str(out), lang="en")
    text = out.read_text(encoding="utf-8").replace("&#160;", " ")
    assert "A smallest set that cannot be ordered: 2 operations" in text
    assert text.count("Timeline ") == 2  # the whole run, and the story's close-up (not a second one)


def test_lanes_are_told_apart_by_mark_without_colour_and_the_legend_names_the_colours_drawn():
    """The Why? timeline was colour-only and its legend said "blue: read" where reads were drawn violet
    (the terminal theme repaints the 16 ANSI colours); with NO_COLOR nothing told reads from writes."""
    from capquest.checker.timeline import ANOMALY, FAILED, FOCUS, MARKS, READ, STYLES, UPDATE, Lane, lane_text
    from capquest.i18n import t

    kinds = (READ, UPDATE, FAILED, ANOMALY, FOCUS)
    lane = Lane("s1", kinds, (False,) * len(kinds))
    drawn = lane_text(lane).plain[-len(kinds) :]  # the text alone, as NO_COLOR shows it
    assert len(set(drawn)) == len(kinds) and " " not in drawn
    for lang in ("en", "ko"):
        for legend in (t("checker.legend", lang), t("why.legend", lang)):
            for kind in kinds:
                assert MARKS[kind] in legend.split(), (lang, kind, legend)
    en = t("checker.legend", "en")
    for kind, colour in ((READ, "blue"), (UPDATE, "green"), (FAILED, "yellow"), (ANOMALY, "dark_red")):
        assert colour.replace("_", " ") in en and colour in STYLES[kind], (kind, STYLES[kind])
        # a colour from the fixed palette: the theme cannot repaint it into another one
        assert STYLES[kind].split(" on ")[-1] not in ("blue", "green", "yellow", "red", "magenta"), kind
