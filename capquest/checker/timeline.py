"""The anomaly timeline as rich renderables: one lane per node and per client session, operations as bars
from invocation to completion, anomalies in red, faults shaded. `capquest check --svg` saves it as a
picture; the game's "Why?" view can draw the same lines for any time window (for example around one
anomaly, stepping from one to the next).

Bars are coloured ASCII marks (r read, w update, ? failed, x anomaly, ! the one explained) rather than
box-drawing glyphs, so the picture keeps its width in a terminal that draws East-Asian-ambiguous
characters wide (a Korean locale) and reads without colour.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from rich.cells import cell_len
from rich.console import Group
from rich.text import Text

from capquest.checker.anomaly import ANOMALY_KINDS, Anomaly, format_time
from capquest.history import History, Op

# Cell classes, in increasing priority when several operations share a cell.
EMPTY, READ, UPDATE, FAILED, ANOMALY, FOCUS = range(6)
# Colours from the fixed 256-colour palette, not the 16 a terminal theme may repaint (a theme drew "blue"
# violet under a legend saying blue); the legend names these colours.
STYLES = {
    READ: "white on dodger_blue3",
    UPDATE: "black on green3",
    FAILED: "black on yellow3",
    ANOMALY: "white on dark_red",
    FOCUS: "bold white on red1",
}
# Every kind of bar has its own ASCII mark too, so lanes are told apart without colour (NO_COLOR, a
# monochrome terminal, a colour-blind reader); ASCII keeps the width in a Korean terminal.
MARKS = {READ: "r", UPDATE: "w", FAILED: "?", ANOMALY: "x", FOCUS: "!"}
FAULT_STYLE = "on grey30"
FAULT_MARK = {"partition": "P", "crash": "X", "lag_spike": "L"}
LABEL_WIDTH = 18


@dataclass(frozen=True)
class Lane:
    label: str
    cells: tuple[int, ...]
    shaded: tuple[bool, ...]
    marks: tuple[str, ...] = ()


def history_span(history: History) -> tuple[int, int]:
    """The first invocation and the last completion (or invocation) in the history."""
    ops = history["ops"]
    if not ops:
        return 0, 1
    start = min(op["invoke"] for op in ops)
    end = max(op["complete"] if op["complete"] is not None else op["invoke"] for op in ops)
    return start, max(end, start + 1)


def anomaly_window(anomaly: Anomaly, *, pad: float = 0.5) -> tuple[int, int]:
    """A window around one anomaly's operations, padded by `pad` of its length on each side."""
    length = max(anomaly.end - anomaly.start, 1_000)
    margin = int(length * pad)
    return max(0, anomaly.start - margin), anomaly.end + margin


def _columns(start: int, end: int, width: int, t0: int, t1: int) -> tuple[int, int] | None:
    """The columns [c0, c1] an interval covers, or None when it is outside the window."""
    if t1 < start or t0 > end:
        return None
    scale = width / (end - start)
    c0 = max(0, int((t0 - start) * scale))
    c1 = min(width - 1, int((t1 - start) * scale))
    return c0, max(c0, c1)


def _op_class(op: Op, flagged: set[int], focused: set[int]) -> int:
    if op["id"] in focused:
        return FOCUS
    if op["id"] in flagged:
        return ANOMALY
    if op["outcome"] != "ok":
        return FAILED
    return READ if op["f"] == "read" else UPDATE


def build_lanes(
    history: History,
    anomalies: Sequence[Anomaly],
    *,
    start: int | None = None,
    end: int | None = None,
    width: int = 80,
    sessions: Iterable[int] | None = None,
    max_sessions: int = 12,
    lang: str | None = None,
    focus: Anomaly | None = None,
) -> tuple[int, int, list[Lane]]:
    """The lanes of a time window: a fault lane, a lane per node, then a lane per session (the sessions
    given, else those involved in anomalies, else the first ones), each `width` cells. The operations of
    `focus` (the anomaly being explained) stand out from the other anomalies'."""
    from capquest.i18n import t

    span = history_span(history)
    start = span[0] if start is None else start
    end = span[1] if end is None else max(end, start + 1)
    flagged = {op_id for a in anomalies for op_id in a.ops}
    focused = set(focus.ops) if focus is not None else set()
    ops = history["ops"]
    nodes = list(dict.fromkeys([*history["nodes"], *(op["node"] for op in ops if op["node"])]))
    if sessions is None:
        involved = [
            a.session for a in anomalies if a.session is not None and a.end >= start and a.start <= end
        ]
        chosen = list(dict.fromkeys(involved))
        if not chosen:
            chosen = sorted({op["session"] for op in ops})
        sessions = chosen[:max_sessions]
    session_list = list(sessions)

    node_cells = {n: [EMPTY] * width for n in nodes}
    session_cells = {s: [EMPTY] * width for s in session_list}
    for op in ops:
        complete = op["complete"]
        cols = _columns(start, end, width, op["invoke"], complete if complete is not None else op["invoke"])
        if cols is None:
            continue
        cls = _op_class(op, flagged, focused)
        rows = []
        if op["node"]:
            rows.append(node_cells[op["node"]])
        row = session_cells.get(op["session"])
        if row is not None:
            rows.append(row)
        for cells in rows:
            for c in range(cols[0], cols[1] + 1):
                if cells[c] < cls:
                    cells[c] = cls

    everywhere = [False] * width
    per_node: dict[str, list[bool]] = {n: [False] * width for n in nodes}
    marks = [" "] * width
    for fault in history["faults"]:
        cols = _columns(start, end, width, fault["start"], fault["end"])
        if cols is None:
            continue
        target = per_node.get(fault["node"]) if fault["kind"] != "partition" and fault["node"] else everywhere
        if target is None:
            target = everywhere
        for c in range(cols[0], cols[1] + 1):
            target[c] = True
            marks[c] = FAULT_MARK.get(fault["kind"], "F")
    lanes = [Lane(t("checker.lane_faults", lang), tuple([EMPTY] * width), tuple(everywhere), tuple(marks))]
    for n in nodes:
        shade = tuple(a or b for a, b in zip(everywhere, per_node[n], strict=True))
        lanes.append(Lane(t("checker.lane_node", lang, name=n), tuple(node_cells[n]), shade))
    for s in session_list:
        lanes.append(
            Lane(t("checker.lane_session", lang, name=s), tuple(session_cells[s]), tuple(everywhere))
        )
    return start, end, lanes


def _fit(label: str, width: int) -> str:
    """`label` cut or padded to exactly `width` terminal cells (Korean letters take two)."""
    out = ""
    for ch in label:
        if cell_len(out + ch) > width:
            break
        out += ch
    return out + " " * (width - cell_len(out))


def lane_text(lane: Lane) -> Text:
    text = Text(_fit(lane.label, LABEL_WIDTH), style="bold")
    text.append(" ")
    for c, cls in enumerate(lane.cells):
        if cls == EMPTY:
            mark = lane.marks[c] if lane.marks else " "
            text.append(mark, style=FAULT_STYLE if lane.shaded[c] else "")
        else:
            # A mark as well as a colour: every kind of bar reads without colour too.
            text.append(MARKS[cls], style=STYLES[cls])
    return text


def _tick(us: int, span: int, lang: str | None) -> str:
    """A tick label: seconds, or microseconds for a window under a millisecond (an imported log whose
    times count events, where every second-label would read 0.000s)."""
    if span < 1_000:
        from capquest.i18n import t

        return t("checker.microseconds", lang, us=us)
    return format_time(us, lang)


def axis_text(start: int, end: int, width: int, lang: str | None = None, every: int = 20) -> Text:
    """A time axis: a tick label every `every` columns."""
    line = [" "] * width
    for c in range(0, width, every):
        label = "|" + _tick(start + (end - start) * c // width, end - start, lang)
        if c + len(label) > width:
            break
        line[c : c + len(label)] = list(label)
    return Text(" " * (LABEL_WIDTH + 1) + "".join(line), style="dim")


def timeline_lines(
    history: History,
    anomalies: Sequence[Anomaly],
    *,
    start: int | None = None,
    end: int | None = None,
    width: int = 80,
    sessions: Iterable[int] | None = None,
    max_sessions: int = 12,
    lang: str | None = None,
    focus: Anomaly | None = None,
) -> list[Text]:
    """The timeline of a window as rich Text lines: title, axis, one line per lane, legend."""
    from capquest.i18n import t

    start, end, lanes = build_lanes(
        history,
        anomalies,
        start=start,
        end=end,
        width=width,
        sessions=sessions,
        max_sessions=max_sessions,
        lang=lang,
        focus=focus,
    )
    title = t(
        "checker.timeline_title",
        lang,
        start=_tick(start, end - start, lang),
        end=_tick(end, end - start, lang),
    )
    lines = [Text(title, style="bold underline"), axis_text(start, end, width, lang)]
    lines.extend(lane_text(lane) for lane in lanes)
    lines.append(Text(t("checker.legend", lang), style="dim"))
    return lines


def timeline_picture(
    history: History,
    anomalies: Sequence[Anomaly],
    *,
    width: int = 100,
    lang: str | None = None,
    listed: int = 12,
) -> Group:
    """The whole run, then a close-up of the headline anomaly (the first of the most serious kind, in the
    lesson's order: an oversold unit before a stale read), then `listed` anomalies explained, in that
    order too: what `capquest check --svg` draws."""
    parts: list[Text] = timeline_lines(history, anomalies, width=width, lang=lang)
    if anomalies:
        rank = {kind: n for n, kind in enumerate(ANOMALY_KINDS)}
        anomalies = sorted(anomalies, key=lambda a: (rank[a.kind], a.time))
        first = anomalies[0]
        if first.kind != "not_linearizable":  # that one gets its own close-up with its story, below
            a0, a1 = anomaly_window(first)
            involved = [first.session] if first.session is not None else []
            involved += [
                a.session for a in anomalies if a.session is not None and a.start <= a1 and a.end >= a0
            ]
            parts.append(Text(""))
            parts.extend(
                timeline_lines(
                    history,
                    anomalies,
                    start=a0,
                    end=a1,
                    width=width,
                    sessions=list(dict.fromkeys(involved))[:8],
                    lang=lang,
                    focus=first,
                )
            )
        parts.append(Text(""))
        for n, a in enumerate(anomalies[:listed], 1):
            line = Text()
            line.append(f"{n:>3}. ", style="bold")
            line.append(f"[{a.title(lang)}] ", style="bold red")
            line.append(a.explain(lang))
            parts.append(line)
        if len(anomalies) > listed:
            from capquest.i18n import t

            parts.append(
                Text(t("checker.shown_first", lang, shown=listed, total=len(anomalies)), style="dim")
            )
        story = next((a for a in anomalies if a.kind == "not_linearizable"), None)
        if story is not None:
            parts.extend(_minimal_story(history, story, width, lang))
    return Group(*parts)


def _minimal_story(history: History, story: Anomaly, width: int, lang: str | None) -> list[Text]:
    """The first non-linearizable key's smallest set of operations: a close-up with only their
    sessions, then in words why no order of them works (capquest.checker.minimal)."""
    from capquest.checker.minimal import story_lines

    ids = set(story.ops)
    ops = [op for op in history["ops"] if op["id"] in ids]
    if not ops:
        return []
    # The story's own span, padded by half of it: an imported log counts time in events, not
    # microseconds, so anomaly_window's minimum of a millisecond would squeeze it into one column.
    pad = max(1, (story.end - story.start) // 2)
    a0, a1 = max(0, story.start - pad), story.end + pad
    sessions = list(dict.fromkeys(op["session"] for op in sorted(ops, key=lambda op: op["invoke"])))
    parts = [Text("")]
    parts.extend(
        timeline_lines(
            history, [story], start=a0, end=a1, width=width, sessions=sessions[:8], lang=lang, focus=story
        )
    )
    lines = story_lines(history, story, lang)
    parts.append(Text(f"{story.key}: {lines[0]}", style="bold"))
    parts.extend(Text(line) for line in lines[1:])
    return parts


def save_timeline_svg(
    history: History,
    anomalies: Sequence[Anomaly],
    path: str,
    *,
    width: int = 100,
    lang: str | None = None,
) -> None:
    """Write the timeline picture as an SVG file (rich's own renderer: no Textual). OSError on failure."""
    import io

    from rich.console import Console

    console = Console(
        record=True, width=LABEL_WIDTH + width + 2, file=io.StringIO(), color_system="truecolor"
    )
    console.print(timeline_picture(history, anomalies, width=width, lang=lang), soft_wrap=False)
    console.save_svg(path, title="capquest check")
