"""The play widgets' logic, without an app: the catalogue, the chart's frontier, which run is better,
the topology's cut links and its alignment in Korean."""

from __future__ import annotations

import ast
import re
import tomllib
import unicodedata
from dataclasses import replace
from pathlib import Path

from play_fakes import fake_level, fake_run
from rich.cells import cell_len
from rich.console import Console

import capquest
from capquest.engine.model import DATA_CLASSES, Link, Topology
from capquest.i18n import t
from capquest.tui.widgets.glyphs import FANCY, PLAIN, glyphs_for, pad
from capquest.tui.widgets.metric_table import ROWS, better_side
from capquest.tui.widgets.replay_view import event_text, stock_keys
from capquest.tui.widgets.topology import TopologyDiagram, cut_links
from capquest.tui.widgets.tradeoff_chart import ChartPoint, TradeoffChart

PACKAGE = Path(capquest.__file__).parent
CATALOG = tomllib.loads((PACKAGE / "i18n" / "catalog" / "play.toml").read_text(encoding="utf-8"))


def _used_keys() -> set[str]:
    """Every literal "play.<key>" the play screens and widgets look up."""
    keys = set()
    for path in [*(PACKAGE / "tui" / "screens").glob("*.py"), *(PACKAGE / "tui" / "widgets").glob("*.py")]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                keys.update(re.findall(r"^play\.([a-z0-9_]+)$", node.value))
    return keys


def test_every_play_string_the_code_uses_exists_in_both_languages():
    used = _used_keys()
    assert {"level_run_button", "key_level_run", "help_level"} <= used  # the scan does find them
    prefixes = {k for k in used if k.endswith("_")}  # completed at run time, below
    dynamic = {f"class_{c}" for c in ("cp", "ap", "hybrid")} | {f"dc_{d}" for d in DATA_CLASSES}
    dynamic |= {f"metric_{row.key}" for row in ROWS} | {"event_partition_start", "event_partition_end"}
    dynamic |= {f"event_{kind}_{phase}" for kind in ("crash", "lag_spike") for phase in ("start", "end")}
    assert all(any(k.startswith(p) for k in dynamic) for p in prefixes), prefixes
    missing = sorted(k for k in (used - prefixes) | dynamic if k not in CATALOG)
    assert not missing
    for key, texts in CATALOG.items():
        assert texts.get("en") and texts.get("ko"), key


def test_korean_strings_hold_no_ambiguous_width_glyphs():
    for key, texts in CATALOG.items():
        bad = [ch for ch in texts["ko"] if unicodedata.east_asian_width(ch) == "A"]
        assert not bad, (key, bad)


def test_plain_glyphs_are_ascii_and_the_ascii_setting_alone_chooses_them():
    for value in vars(PLAIN).values():
        assert value.isascii(), value
    assert glyphs_for("ko", True) is PLAIN and glyphs_for("en", True) is PLAIN
    assert glyphs_for("en", False) is FANCY and glyphs_for("ko", False) is FANCY  # the setting decides


def test_pad_measures_terminal_cells():
    assert cell_len(pad("재고", 8)) == 8 and pad("재고", 8).startswith("재고")
    assert cell_len(pad("카탈로그카탈로그", 7)) == 7 and pad("카탈로그카탈로그", 7).endswith("~")


def test_better_side_follows_each_metrics_direction():
    level = fake_level()
    lock, replica = fake_run(level, "for-update"), fake_run(level, "replica-read")
    by_key = {row.key: row for row in ROWS}
    assert lock.outcome.metrics.oversold_units < replica.outcome.metrics.oversold_units
    assert better_side(by_key["oversold"], lock, replica) == -1  # fewer oversold units wins
    assert better_side(by_key["p99"], lock, replica) == 1  # the replica answers faster
    assert better_side(by_key["score"], replica, lock) == (
        1 if lock.score.score > replica.score.score else -1
    )
    assert better_side(by_key["oversold"], lock, lock) == 0
    shifted = replace(lock, score=replace(lock.score, score=lock.score.score + 0.01))
    assert better_side(by_key["score"], lock, shifted) == 0  # both show the same figure: a tie


def _render(widget, width: int) -> list[str]:
    console = Console(width=width, record=True, color_system=None, legacy_windows=False)
    console.print(widget.render(), crop=False)
    return console.export_text().splitlines()


def test_chart_frontier_and_untried_cards():
    points = [
        ChartPoint("1", "fast but oversells", "ap", 10.0, 4),
        ChartPoint("2", "slow and safe", "cp", 2000.0, 0),
        ChartPoint("3", "dominated", "cp", 3000.0, 2, current=True),
        ChartPoint("4", "never tried", "ap", None, None),
    ]
    chart = TradeoffChart(points, glyphs=PLAIN)
    assert [p.label for p in chart.frontier()] == ["1", "2"]
    text = chart.render().plain
    assert "? never tried" in text
    assert f"{t('play.chart_frontier')}: 1, 2" in text


def test_topology_cuts_links_across_partition_groups_only():
    topo = Topology(
        regions=("seoul", "busan", "tokyo"),
        links=(Link("seoul", "busan", 10.0), Link("busan", "tokyo", 30.0)),
    )
    assert cut_links(topo, [(("seoul",), ("busan", "tokyo"))]) == {("seoul", "busan")}
    assert cut_links(topo, []) == set()


def test_topology_boxes_align_in_korean_cells():
    level = fake_level()
    diagram = TopologyDiagram(level.scenario.topology, glyphs=PLAIN)
    diagram.show_state({"replica-1.lag_ms": 1234.0}, cut=set(), crashed={"replica-1"}, phase=0)
    lines = diagram.render().plain.splitlines()
    box = [line for line in lines if line.startswith(("+", "|"))]
    widths = {cell_len(line) for line in box[:4]}  # the first region's box: every row as wide
    assert len(widths) == 1, lines


def test_replay_reads_stock_keys_and_names_events():
    frames = fake_run(fake_level(), "replica-read").outcome.trace
    assert stock_keys(frames) == ["stock/0", "stock/1"]
    assert event_text("crash:primary:start") == t("play.event_crash_start", node="primary")
    assert event_text("something-new") == "something-new"  # unknown events show as written


def test_the_chart_compares_cards_at_the_results_seed_not_a_later_reseed():
    from capquest.tui.screens.results import chart_points
    from capquest.tui.session import PlaySession

    level = fake_level()
    session = PlaySession(level, runner=fake_run)
    lock_1 = fake_run(level, "for-update", 1)
    replica_1 = fake_run(level, "replica-read", 1)
    lock_2 = fake_run(level, "for-update", 2)  # Compare's "other seed" of the lock, run after
    session.runs += [lock_1, replica_1, lock_2]
    by_label = {p.label: p for p in chart_points(session, replica_1)}
    assert lock_2.outcome.metrics.latency_ms.p99 != lock_1.outcome.metrics.latency_ms.p99
    assert by_label["2"].p99_ms == lock_1.outcome.metrics.latency_ms.p99  # the same night as the replica's
    assert by_label["1"].current and by_label["1"].p99_ms == replica_1.outcome.metrics.latency_ms.p99
    assert session.latest_by_card()["for-update"] is lock_2  # without a seed: simply the latest


def test_chart_tells_apart_cards_that_land_on_the_same_place():
    points = [
        ChartPoint("1", "primary", "cp", 2000.0, 0),
        ChartPoint("2", "primary again", "cp", 2000.0, 0, current=True),  # tied with 1 on both axes
        ChartPoint("3", "replica", "ap", 10.0, 4),
    ]
    chart = TradeoffChart(points, glyphs=PLAIN)
    assert [p.label for p in chart.frontier()] == ["3", "1", "2"]  # the tie is on the frontier too
    zero_row = next(line for line in chart.render().plain.splitlines() if line.startswith("  0 |"))
    drawn = zero_row.split("|", 1)[1]
    assert "1" in drawn and "2" in drawn  # both drawn side by side, neither hidden under the other


def test_a_hand_of_one_card_is_not_called_1_to_1():
    from capquest.i18n import set_language
    from capquest.tui.screens.level import hand_title

    for lang in ("en", "ko"):
        set_language(lang)
        try:
            assert "1-1" not in hand_title(1) and "1-3" in hand_title(3)
        finally:
            set_language("en")


async def test_chart_card_names_wrap_at_words_and_are_never_cut():
    """Issue 13 §5.6: the frontier's card names were cut mid-word ("Everything on the prim…")."""
    import re

    from textual.app import App, ComposeResult
    from textual.geometry import Region

    points = [
        ChartPoint("1", "Everything on the primary server", "cp", 2000.0, 0),
        ChartPoint("2", "Cache and queue, reconcile later", "ap", 10.0, 4, current=True),
        ChartPoint("3", "모두 주 서버로 보내고 나중에 맞추기", "hybrid", 40.0, 1),
        ChartPoint("4", "Read from the nearest replica", "ap", None, None),
    ]

    class ChartApp(App):
        CSS = "TradeoffChart { width: 30; }"

        def compose(self) -> ComposeResult:
            yield TradeoffChart(points, glyphs=PLAIN)

    app = ChartApp()
    async with app.run_test(size=(60, 50)):
        chart = app.query_one(TradeoffChart)
        strips = chart.render_lines(Region(0, 0, chart.size.width, chart.size.height))
        shown = "\n".join(strip.text.rstrip() for strip in strips)
        width = chart.size.width
    assert "…" not in shown, shown
    assert max(cell_len(line) for line in shown.splitlines()) <= width
    for p in points:
        for word in p.title.split():
            assert re.search(rf"(^|\s){re.escape(word)}(\s|$)", shown, re.M), (word, shown)
    assert shown.count(t("play.chart_oversold_n", n=4)) == 1  # the figures stay, on a line of their own
    frontier = " ".join(shown.split(t("play.chart_frontier").split()[0], 1)[1].split("\n\n")[0].split())
    assert frontier.endswith(": 2, 3, 1"), frontier  # the frontier's line wraps too, labels whole
    assert t("play.chart_x_axis_log").split()[-1] in shown.split()  # the x-axis caption, whole words
