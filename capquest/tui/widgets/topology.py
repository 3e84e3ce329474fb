"""The system's topology drawn as a diagram: one box per region holding its nodes, links between
regions with their round-trip time. During a replay the same diagram shows replica lag, pool use, a
partition cutting links and crashed nodes, with packets moving along the links."""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping

from rich.cells import cell_len
from rich.style import Style
from rich.text import Text
from textual.widget import Widget

from capquest.engine.model import Fault, Topology
from capquest.i18n import t
from capquest.tui.widgets.glyphs import FANCY, Glyphs
from capquest.units import ms_text

_NODE = Style(bold=True)
_STATE = Style(dim=True)
_HOT = Style(color="red", bold=True)
_LINK = Style(color="cyan")


def cut_links(topology: Topology, partitions: Iterable[tuple[tuple[str, ...], ...]]) -> set[tuple[str, str]]:
    """Links (a, b) whose ends sit in different groups of an active partition."""
    cut: set[tuple[str, str]] = set()
    for groups in partitions:
        side = {region: i for i, group in enumerate(groups) for region in group}
        for link in topology.links:
            if link.a in side and link.b in side and side[link.a] != side[link.b]:
                cut.add((link.a, link.b))
    return cut


class TopologyDiagram(Widget):
    """Renders `topology`; `show_state` adds a replay frame's values, cut links and crashed nodes."""

    DEFAULT_CSS = """
    TopologyDiagram { height: auto; width: 1fr; text-wrap: nowrap; text-overflow: ellipsis; }
    """

    def __init__(
        self, topology: Topology, *, glyphs: Glyphs = FANCY, id: str | None = None, classes: str | None = None
    ) -> None:
        super().__init__(id=id, classes=classes)
        self.topology = topology
        self.glyphs = glyphs
        self.values: Mapping[str, float] = {}
        self.cut: set[tuple[str, str]] = set()
        self.crashed: set[str] = set()
        self.phase = 0  # moves the packets along the links; 0 and unchanged under reduced motion

    def show_state(
        self, values: Mapping[str, float], *, cut: set[tuple[str, str]], crashed: set[str], phase: int
    ) -> None:
        self.values, self.cut, self.crashed, self.phase = values, cut, crashed, phase
        self.refresh()  # same regions, same rows: no new layout needed (that would reflow the screen)

    # ----------------------------------------------------------------------------------------- layout
    def _region_lines(self, region: str) -> list[Text]:
        topo = self.topology
        lines: list[Text] = []

        def node(tag: str, name: str, state: str = "") -> None:
            down = name in self.crashed
            line = Text(f"{tag} ", style=_STATE)
            line.append(name, style=_HOT if down else _NODE)
            if down:
                line.append(f" {t('play.topo_down')}", style=_HOT)
            elif state:
                line.append(f" {state}", style=_STATE)
            lines.append(line)

        if region == topo.primary_region:
            busy = self.values.get("primary.pool_busy")
            node("P", "primary", "" if busy is None else f"{busy:.0f}/{topo.primary.pool}")
        for replica in topo.replicas:
            if replica.region == region:
                lag = self.values.get(f"{replica.name}.lag_ms")
                state = ms_text(lag) if lag is not None else f"~{ms_text(replica.lag_ms)}"
                node("R", replica.name, f"{t('play.topo_lag')} {state}")
        if topo.cache is not None and topo.cache.region == region:
            node("C", "cache")
        if topo.quorum is not None:
            for qn in topo.quorum.nodes:
                if qn.region == region:
                    node("Q", qn.name)
        if not lines:
            lines.append(Text(t("play.topo_clients_only"), style=_STATE))
        return lines

    def _box(self, region: str) -> list[Text]:
        g = self.glyphs
        body = self._region_lines(region)
        inner = max([cell_len(region) + 2, *(line.cell_len for line in body)])
        top = Text(g.tl + g.h)
        top.append(f" {region} ", style=Style(bold=True, color="yellow"))
        top.append(g.h * (inner - cell_len(region) - 1) + g.tr)
        out = [top]
        for line in body:
            row = Text(g.v + " ")
            row.append_text(line)
            row.append(" " * (inner - line.cell_len) + " " + g.v)
            out.append(row)
        out.append(Text(g.bl + g.h * (inner + 2) + g.br))
        return out

    def _rtt(self, a: str, b: str) -> tuple[str, bool] | None:
        for link in self.topology.links:
            if {link.a, link.b} == {a, b}:
                return ms_text(link.rtt_ms), ((link.a, link.b) in self.cut or (link.b, link.a) in self.cut)
        return None

    def _wire(self, width: int, is_cut: bool) -> Text:
        g = self.glyphs
        if is_cut:
            half = (width - 1) // 2
            return Text(g.h * half + g.cut + g.h * (width - half - 1), style=_HOT)
        cells = [g.h] * width
        if self.phase:  # packets of replication traffic drift along the link
            for i in range(self.phase % 4, width, 4):
                cells[i] = g.dot
        return Text("".join(cells), style=_LINK)

    def render(self) -> Text:
        regions = list(self.topology.regions)
        boxes = [self._box(r) for r in regions]
        links = [self._rtt(a, b) for a, b in itertools.pairwise(regions)]
        wires = [max(cell_len(lk[0]) + 2, 6) if lk else 3 for lk in links]
        total = sum(b[0].cell_len for b in boxes) + sum(wires)
        width = self.size.width or 80
        lines = self._horizontal(boxes, links, wires) if total <= width else self._vertical(boxes, links)
        extra = self._other_links(regions)
        out = Text("\n").join(lines + extra)
        out.no_wrap = True
        return out

    def _horizontal(self, boxes: list[list[Text]], links: list, wires: list[int]) -> list[Text]:
        height = max(len(b) for b in boxes)
        rows = [Text() for _ in range(height)]
        for i, box in enumerate(boxes):
            w = box[0].cell_len
            for r in range(height):
                rows[r].append_text(box[r] if r < len(box) else Text(" " * w))
            if i < len(links):
                link, ww = links[i], wires[i]
                for r in range(height):
                    if link is None:
                        rows[r].append(" " * ww)
                    elif r == 0:
                        rows[r].append(link[0].center(ww), style=_STATE)
                    elif r == 1:
                        rows[r].append_text(self._wire(ww, link[1]))
                    else:
                        rows[r].append(" " * ww)
        return rows

    def _vertical(self, boxes: list[list[Text]], links: list) -> list[Text]:
        g = self.glyphs
        rows: list[Text] = []
        for i, box in enumerate(boxes):
            rows.extend(box)
            if i < len(links) and links[i] is not None:
                label, is_cut = links[i]
                mark = g.cut if is_cut else (g.dot if self.phase % 2 else g.v)
                rows.append(Text(f"   {mark} {label}", style=_HOT if is_cut else _LINK))
        return rows

    def _other_links(self, regions: list[str]) -> list[Text]:
        adjacent = {frozenset(p) for p in itertools.pairwise(regions)}
        out = []
        for link in self.topology.links:
            if frozenset((link.a, link.b)) in adjacent:
                continue
            is_cut = (link.a, link.b) in self.cut
            line = Text(
                f"{link.a} {self.glyphs.h * 2} {link.b} {ms_text(link.rtt_ms)}",
                style=_HOT if is_cut else _STATE,
            )
            if is_cut:
                line.append(f" {self.glyphs.cut}")
            out.append(line)
        return out


def fault_lines(faults: Iterable[Fault], lang: str | None = None) -> list[str]:
    """The faults to come, one line each, in the player's language."""
    out = []
    for f in faults:
        if f.kind == "partition":
            what = " | ".join(", ".join(g) for g in f.groups)
            out.append(t("play.fault_partition", lang, at=f"{f.at_s:g}", until=f"{f.until_s:g}", groups=what))
        elif f.kind == "crash":
            out.append(t("play.fault_crash", lang, at=f"{f.at_s:g}", until=f"{f.until_s:g}", node=f.node))
        else:
            out.append(
                t(
                    "play.fault_lag_spike",
                    lang,
                    at=f"{f.at_s:g}",
                    until=f"{f.until_s:g}",
                    node=f.node,
                    extra=ms_text(f.extra_lag_ms),
                )
            )
    return out
