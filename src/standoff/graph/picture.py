"""The state graph as a picture that explains: where the conflict can go and where it stops.

What is drawn (:func:`draw_state_graph`):

* each state is a circle with its number inside and its option pattern under it; the fill
  says under how many of the concepts computed it is an equilibrium (dark green: all, light
  green: some, white: none) and a green line under the pattern names those concepts; the
  status quo has a thick orange ring;
* a **unilateral improvement** (a move its maker strictly prefers) is a solid arrow in the
  colour of the decision maker who makes it; a pair of states joined only by moves that
  improve for nobody who can make them is a thin grey line (arrowheads where the move can
  be made), so the picture shows at a glance who would move where;
* the **evolution paths** from the status quo (shortest legal sequences of unilateral
  improvements to each equilibrium) are highlighted with a broad orange band;
* ``decision_makers`` keeps the moves of some decision makers only.

Layouts: ``layered`` puts the status quo in the first column and every other state in the
column of the fewest unilateral moves (a legal sequence) that reach it, unreachable states
in a last column (the order inside a column follows the neighbours on the left, to
keep arrows short); ``grid`` places states on the options (the column is the choice of some
decision makers, the row that of the others, so one decision maker's moves run along a row);
``spring`` is networkx's Kamada–Kawai layout (needs networkx, the ``graph`` extra).
``auto`` is ``grid`` (whose rows and columns carry the options' meaning) when every state
is drawn, and ``layered`` (the neighbourhood of the status quo) when the graph is cut down.

Large graphs (more than ``limit`` states) show the status quo, the evolution paths, the
equilibria (strongest first) and the status quo's one-move neighbours, and the picture says
how many states are left out.

The picture is a list of shapes (circles, curves, texts) rendered to SVG here, or to PNG or
PDF with matplotlib when it is installed (:meth:`StateGraphPicture.save`). This module
takes the conflict duck-typed (it needs ``state_count``, ``moves``, ``ranks``,
``status_quo``, ``dm_ids``, ``spec``, ``pattern``, ``show``, ``own_masks``, ``space``) so that
:class:`~standoff.graph.conflict.Conflict` can offer it without importing it back.
"""

from __future__ import annotations

import hashlib
import math
import textwrap
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from os import PathLike
from pathlib import Path
from typing import Any

import numpy as np

from standoff.errors import ParameterError
from standoff.output import WriteFailure, replace_files

#: Most states drawn by default; larger graphs are cut down (see the module text).
MAX_NODES = 40
LAYOUTS = ("auto", "layered", "grid", "spring")
PALETTE = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#17becf",
           "#7f7f7f", "#bcbd22", "#ff7f0e")
GREY = "#b5b5b5"
PATH_COLOUR = "#ff9f1c"
ALL_FILL, SOME_FILL = "#1a7f37", "#a6dba0"
RADIUS = 17
COL_W, ROW_H, MARGIN, TOP = 170, 96, 36, 78
MAX_ROWS = 8  # states per column in the layered layout before a column is split
#: Above this many pairs of states joined only by moves that improve for nobody, those
#: grey lines are left out (the legend says how many).
MAX_GREY = 60


def escape(text: str) -> str:
    """``text`` as XML character data: ``&``, ``<`` and ``>`` written as entities (what
    ``xml.sax.saxutils.escape`` does, without importing it: it pulls in ``urllib`` and
    ``ssl``, a large share of the command line's start-up)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _attr(value: object) -> str:
    return escape(str(value)).replace('"', "&quot;")


# -- shapes ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Curve:
    """A quadratic curve from (x1, y1) through control (cx, cy) to (x2, y2)."""

    points: tuple[float, float, float, float, float, float]
    colour: str
    width: float
    opacity: float = 1.0
    dashed: bool = False
    arrow_start: bool = False
    arrow_end: bool = False
    tip: str = ""


@dataclass(frozen=True)
class Disc:
    x: float
    y: float
    r: float
    fill: str
    stroke: str
    width: float
    tip: str = ""
    label: str = ""
    label_colour: str = "#000000"
    label_size: float = 14.0


@dataclass(frozen=True)
class Label:
    x: float
    y: float
    text: str
    size: float
    anchor: str = "start"
    colour: str = "#222222"
    bold: bool = False
    mono: bool = False


Shape = Curve | Disc | Label


# -- the picture -------------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class StateGraphPicture:
    """A drawn state graph: SVG text, the shapes it is made of, and what it shows.

    Attributes:
        svg: the SVG document (shown inline by notebooks through ``_repr_svg_``).
        shown: the 0-based states drawn; ``left_out``: how many states are not drawn.
        note: what was left out, or ``""``.
        title: the title drawn at the top.
    """

    svg: str
    shown: tuple[int, ...]
    left_out: int
    note: str
    title: str
    width: float
    height: float
    shapes: tuple[Shape, ...] = field(repr=False, default=())
    network: Callable[[], Any] | None = field(repr=False, default=None)

    def _repr_svg_(self) -> str:
        return self.svg

    def __repr__(self) -> str:
        left = f", {self.left_out:,} left out" if self.left_out else ""
        return f"<StateGraphPicture {self.title!r}: {len(self.shown)} states{left}>"

    def to_networkx(self) -> Any:
        """The whole state graph as a networkx ``DiGraph`` (every state, not only those
        drawn), with the attributes of the GraphML export. Needs networkx."""
        if self.network is None:
            raise ParameterError("this picture was drawn without its graph",
                                 parameter="network",
                                 hint="draw it with analysis.plot() or conflict.graph()")
        return self.network()

    def save(self, path: str | PathLike) -> Path:
        """Write the picture to ``path``: ``.svg`` (built in), ``.png`` or ``.pdf`` (drawn
        with matplotlib, which must be installed). Returns the path written.

        Raises :class:`~standoff.errors.ParameterError` for another suffix, when matplotlib
        is missing for PNG/PDF, or when the file cannot be written."""
        if not isinstance(path, str | PathLike):
            raise TypeError(f"save expects a file path (str or Path), not {type(path).__name__}")
        target = Path(path)
        suffix = target.suffix.lower()
        if suffix == ".svg":
            data = self.svg.encode("utf-8")
        elif suffix in (".png", ".pdf"):
            data = self._matplotlib(suffix[1:])
        else:
            raise ParameterError(
                f"cannot save a picture as '{target.name}': the name must end in .svg, .png "
                "or .pdf", parameter="path",
                hint="e.g. save('graph.svg') (built in) or save('graph.png') (needs "
                "matplotlib)")
        try:
            replace_files([(target, data)])
        except WriteFailure as err:
            raise ParameterError(f"cannot write the picture: {err.reason}", parameter="path",
                                 hint="check that the folder exists and is writable") from None
        return target

    def _matplotlib(self, kind: str) -> bytes:
        """The shapes drawn with matplotlib, as PNG or PDF bytes."""
        try:
            import matplotlib

            matplotlib.use("Agg")
            from matplotlib.figure import Figure
            from matplotlib.patches import Circle, FancyArrowPatch
            from matplotlib.path import Path as MplPath
        except ImportError:
            raise ParameterError(
                f"saving a picture as {kind.upper()} needs matplotlib, which is not installed",
                parameter="path",
                hint="pip install 'standoff[plot]', or save it as .svg (built in)") from None
        import io

        dpi = 100
        fig = Figure(figsize=(self.width / dpi, self.height / dpi), dpi=dpi)
        ax = fig.add_axes((0, 0, 1, 1))
        ax.set_xlim(0, self.width)
        ax.set_ylim(self.height, 0)
        ax.set_axis_off()
        pt = 72 / dpi  # points per pixel
        for shape in self.shapes:
            if isinstance(shape, Curve):
                x1, y1, cx, cy, x2, y2 = shape.points
                path = MplPath([(x1, y1), (cx, cy), (x2, y2)],
                               [MplPath.MOVETO, MplPath.CURVE3, MplPath.CURVE3])
                style = {(False, False): "-", (False, True): "-|>", (True, False): "<|-",
                         (True, True): "<|-|>"}[(shape.arrow_start, shape.arrow_end)]
                ax.add_patch(FancyArrowPatch(
                    path=path, arrowstyle=style, mutation_scale=12, color=shape.colour,
                    linewidth=shape.width * pt, alpha=shape.opacity,
                    linestyle="--" if shape.dashed else "-", capstyle="round"))
            elif isinstance(shape, Disc):
                ax.add_patch(Circle((shape.x, shape.y), shape.r, facecolor=shape.fill,
                                    edgecolor=shape.stroke, linewidth=shape.width * pt,
                                    zorder=3))
                if shape.label:
                    ax.text(shape.x, shape.y, shape.label, ha="center", va="center",
                            fontsize=shape.label_size * pt, color=shape.label_colour, zorder=4,
                            fontweight="bold")
            else:
                ax.text(shape.x, shape.y, shape.text, fontsize=shape.size * pt,
                        ha={"start": "left", "middle": "center", "end": "right"}[shape.anchor],
                        va="baseline", color=shape.colour, zorder=4,
                        fontweight="bold" if shape.bold else "normal",
                        family="monospace" if shape.mono else "sans-serif")
        out = io.BytesIO()
        fig.savefig(out, format=kind, dpi=dpi)
        return out.getvalue()


def _svg(shapes: Sequence[Shape], width: float, height: float, title: str) -> str:
    colours = sorted({s.colour for s in shapes if isinstance(s, Curve)
                      and (s.arrow_start or s.arrow_end)})
    # ids unique to this picture: a page may inline several (one per variant)
    prefix = "m" + hashlib.sha1(f"{title}|{len(shapes)}".encode()).hexdigest()[:8]
    marker = {c: f"{prefix}-{k}" for k, c in enumerate(colours)}
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" '
           f'height="{height:.0f}" viewBox="0 0 {width:.0f} {height:.0f}" role="img" '
           'font-family="Helvetica, Arial, sans-serif" class="state-graph">',
           f"<title>{escape(title)}</title>", "<defs>"]
    for colour, key in marker.items():
        out.append(f'<marker id="{key}" viewBox="0 0 10 10" refX="9" refY="5" '
                   'markerWidth="6" markerHeight="6" orient="auto-start-reverse">'
                   f'<path d="M0,0 L10,5 L0,10 z" fill="{colour}"/></marker>')
    out.append("</defs>")
    for s in shapes:
        if isinstance(s, Curve):
            x1, y1, cx, cy, x2, y2 = s.points
            extra = ""
            if s.arrow_end:
                extra += f' marker-end="url(#{marker[s.colour]})"'
            if s.arrow_start:
                extra += f' marker-start="url(#{marker[s.colour]})"'
            if s.dashed:
                extra += ' stroke-dasharray="5,4"'
            if s.opacity < 1:
                extra += f' stroke-opacity="{s.opacity:g}"'
            tip = f"<title>{escape(s.tip)}</title>" if s.tip else ""
            out.append(f'<path d="M{x1:.1f},{y1:.1f} Q{cx:.1f},{cy:.1f} {x2:.1f},{y2:.1f}" '
                       f'fill="none" stroke="{s.colour}" stroke-width="{s.width:g}" '
                       f'stroke-linecap="round"{extra}>{tip}</path>')
        elif isinstance(s, Disc):
            tip = f"<title>{escape(s.tip)}</title>" if s.tip else ""
            label = (f'<text x="{s.x:.1f}" y="{s.y + s.label_size * 0.36:.1f}" '
                     f'font-size="{s.label_size:g}" '
                     f'font-weight="bold" text-anchor="middle" fill="{s.label_colour}">'
                     f"{escape(s.label)}</text>") if s.label else ""
            out.append(f'<g>{tip}<circle cx="{s.x:.1f}" cy="{s.y:.1f}" r="{s.r:g}" '
                       f'fill="{s.fill}" stroke="{s.stroke}" stroke-width="{s.width:g}"/>'
                       f"{label}</g>")
        else:
            font = ' font-family="DejaVu Sans Mono, Menlo, Consolas, monospace"' \
                if s.mono else ""
            bold = ' font-weight="bold"' if s.bold else ""
            anchor = f' text-anchor="{s.anchor}"' if s.anchor != "start" else ""
            out.append(f'<text x="{s.x:.1f}" y="{s.y:.1f}" font-size="{s.size:g}"'
                       f'{anchor}{bold}{font} fill="{s.colour}">{escape(s.text)}</text>')
    out.append("</svg>")
    return "\n".join(out)


# -- which states ------------------------------------------------------------------------------
def select_states(conflict: Any, strength: np.ndarray, path_states: Sequence[int],
                  movers: Sequence[int], limit: int) -> tuple[list[int], str]:
    """The states to draw (0-based, sorted) and a note on what was left out ("" if none):
    the status quo, the states on the evolution paths, the equilibria (strongest first),
    then the status quo's one-move neighbours (by ``movers``), at most ``limit``."""
    n = conflict.state_count
    if n <= limit:
        return list(range(n)), ""
    sq = conflict.status_quo
    equilibria = [int(s) for s in np.argsort(-strength, kind="stable") if strength[s] > 0]
    neighbours: list[int] = []
    if sq is not None:
        for i in movers:
            neighbours.extend(int(t) for t in conflict.moves[i].of(sq))
    # the status quo and the paths first; then the equilibria and the neighbours share
    # what is left (half each), and either takes the other's unused share
    half = max(1, (limit - 1 - len(path_states)) // 2)
    order = ([] if sq is None else [sq]) + list(path_states) + equilibria[:half] \
        + neighbours[:half] + equilibria[half:] + neighbours[half:]
    chosen: dict[int, None] = {}
    for s in order:
        if len(chosen) >= limit:
            break
        chosen.setdefault(int(s), None)
    shown = sorted(chosen)
    n_eq = len(equilibria)
    drawn_eq = sum(1 for s in shown if strength[s] > 0)
    parts = []
    if sq is not None:
        parts.append("the status quo")
        if path_states:
            parts.append("the evolution paths from it")
    parts.append(f"{drawn_eq} of the {n_eq:,} equilibria" if n_eq else "no equilibrium")
    if sq is not None:
        drawn_nb = len(set(neighbours) & set(shown))
        parts.append(f"{drawn_nb} of its {len(set(neighbours)):,} one-move neighbours")
    note = (f"Showing {len(shown)} of {n:,} states ({', '.join(parts)}); "
            f"{n - len(shown):,} states and their moves are left out.")
    return shown, note


# -- layouts -----------------------------------------------------------------------------------
def _grid(conflict: Any, states: list[int]) -> dict[int, tuple[float, float]]:
    """Column = choice of some decision makers, row = choice of the others (module text)."""
    masks = conflict.own_masks
    pats = conflict.space.patterns
    irr = conflict.space.irrelevant
    n_dm = len(masks)

    def key(s: int, dms: tuple[int, ...]) -> tuple[tuple[int, int], ...]:
        return tuple((int(pats[s]) & masks[i], int(irr[s]) & masks[i]) for i in dms)

    if n_dm <= 10:
        splits = [tuple(i for i in range(n_dm) if bits >> i & 1)
                  for bits in range(1, (1 << n_dm) - 1)]
    else:
        splits = [tuple(range(k)) for k in range(1, n_dm)]
    best = None
    for across in splits:
        down = tuple(i for i in range(n_dm) if i not in across)
        cols = sorted({key(s, across) for s in states})
        rows = sorted({key(s, down) for s in states})
        too_wide = len(cols) * COL_W > 1180  # wider than a report page
        score = (too_wide, abs(math.log(len(cols) * COL_W / (len(rows) * ROW_H))
                               - math.log(2.2)))
        if best is None or score[0] < best[0][0] or (
                score[0] == best[0][0] and score[1] < best[0][1] - 1e-9):
            best = (score, across, down, cols, rows)
    assert best is not None
    _, across, down, cols, rows = best
    col_of = {k: i for i, k in enumerate(cols)}
    row_of = {k: i for i, k in enumerate(rows)}
    return {s: (col_of[key(s, across)] * COL_W, row_of[key(s, down)] * ROW_H) for s in states}


def _neighbours(conflict: Any, states: list[int], movers: Sequence[int]) -> dict[int, set[int]]:
    keep = set(states)
    out: dict[int, set[int]] = {s: set() for s in states}
    for i in movers:
        for s in states:
            for t in (int(x) for x in conflict.moves[i].of(s)):
                if t in keep:
                    out[s].add(t)
                    out[t].add(s)
    return out


def _layered(conflict: Any, states: list[int], steps: np.ndarray, movers: Sequence[int]
             ) -> tuple[dict[int, tuple[float, float]], list[tuple[float, str]]]:
    """Columns by the fewest moves from the status quo; unreachable states last.
    Returns the positions and the column headings ``(x, text)``."""
    reach = sorted({int(steps[s]) for s in states if steps[s] >= 0})
    groups: list[tuple[str, list[int]]] = []
    for k in reach:
        text = "status quo" if k == 0 else f"{k} move{'s' if k > 1 else ''} away"
        groups.append((text, [s for s in states if steps[s] == k]))
    rest = [s for s in states if steps[s] < 0]
    if rest:
        groups.append(("not reachable", rest))
    near = _neighbours(conflict, states, movers)
    pos: dict[int, tuple[float, float]] = {}
    headings: list[tuple[float, str]] = []
    column = 0
    for text, members in groups:
        placed = [t for t in pos]

        def centre(s: int, placed: list[int] = placed) -> tuple[float, int]:
            ys = [pos[t][1] for t in near[s] if t in placed]
            return (sum(ys) / len(ys) if ys else 1e9, s)

        members = sorted(members, key=centre)
        chunks = [members[k:k + MAX_ROWS] for k in range(0, len(members), MAX_ROWS)]
        headings.append((column * COL_W, text))
        for chunk in chunks:
            offset = 0.0 if len(chunks) == 1 else 0.5 * (column % 2)
            for row, s in enumerate(chunk):
                pos[s] = (column * COL_W, (row + offset) * ROW_H)
            column += 1
    # centre short columns vertically against the tallest one
    tallest = max(y for _, y in pos.values())
    by_x: dict[float, list[int]] = {}
    for s, (x, _) in pos.items():
        by_x.setdefault(x, []).append(s)
    for x, members in by_x.items():
        height = max(pos[s][1] for s in members)
        shift = round((tallest - height) / 2 / (ROW_H / 2)) * (ROW_H / 2)
        for s in members:
            pos[s] = (x, pos[s][1] + shift)
    return pos, headings


def _spring(conflict: Any, states: list[int], movers: Sequence[int]
            ) -> dict[int, tuple[float, float]]:
    try:
        import networkx as nx
    except ImportError:
        raise ParameterError("the spring layout needs networkx, which is not installed",
                             parameter="layout",
                             hint="pip install 'standoff[graph]', or use layout='layered' "
                             "or 'grid' (built in)") from None
    g = nx.Graph()
    g.add_nodes_from(states)
    for s, ts in _neighbours(conflict, states, movers).items():
        g.add_edges_from((s, t) for t in ts)
    side = max(1.0, math.sqrt(len(states)))
    raw = nx.kamada_kawai_layout(g) if len(states) > 1 else {states[0]: (0.0, 0.0)}
    return {s: ((float(raw[s][0]) + 1) * side * COL_W * 0.45,
                (float(raw[s][1]) + 1) * side * ROW_H * 0.6) for s in states}


# -- drawing -----------------------------------------------------------------------------------
def _curve(a: tuple[float, float], b: tuple[float, float], s: int, t: int,
           box: tuple[float, float, float, float]) -> tuple[
        float, float, float, float, float, float]:
    """Points of the curve from state ``s`` at ``a`` to ``t`` at ``b``: nearly straight when
    short, bowed when it runs along a row or column past other states: outwards on the
    outer rows and columns of ``box`` (x0, y0, x1, y1), otherwise always to the same side
    of the pair, so both directions share one curve."""
    (x1, y1), (x2, y2) = a, b
    dx, dy = x2 - x1, y2 - y1
    length = math.hypot(dx, dy) or 1.0
    nx_, ny_ = -dy / length, dx / length
    along_x = abs(dy) < 1e-6 and abs(dx) > 1.5 * COL_W
    along_y = abs(dx) < 1e-6 and abs(dy) > 1.5 * ROW_H
    bow = (0.16 * length if (along_x or along_y) else 0.06 * length) * (-1 if s > t else 1)
    outward = (0.0, 0.0)
    if along_x and y1 in (box[1], box[3]) and box[1] != box[3]:
        outward = (0.0, -1.0 if y1 == box[1] else 1.0)
    elif along_y and x1 in (box[0], box[2]) and box[0] != box[2]:
        outward = (-1.0 if x1 == box[0] else 1.0, 0.0)
    if outward != (0.0, 0.0):
        bow = abs(bow) * (1 if nx_ * outward[0] + ny_ * outward[1] > 0 else -1)
    cx, cy = (x1 + x2) / 2 + nx_ * bow, (y1 + y2) / 2 + ny_ * bow
    sx, sy = _towards(x1, y1, cx, cy, RADIUS + 3)
    ex, ey = _towards(x2, y2, cx, cy, RADIUS + 3)
    return sx, sy, cx, cy, ex, ey


def _extent(points: tuple[float, float, float, float, float, float]) -> tuple[float, float]:
    """The lowest and highest y a quadratic curve reaches."""
    _, y1, _, cy, _, y2 = points
    mid = (y1 + 2 * cy + y2) / 4  # the curve at t = 1/2, its extreme for a symmetric bow
    return min(y1, y2, mid), max(y1, y2, mid)


def _towards(x: float, y: float, tx: float, ty: float, dist: float) -> tuple[float, float]:
    dx, dy = tx - x, ty - y
    d = math.hypot(dx, dy) or 1.0
    return x + dx / d * dist, y + dy / d * dist


def draw_state_graph(
    conflict: Any,
    *,
    equilibria: Mapping[str, np.ndarray] | None = None,
    path_moves: frozenset[tuple[int, int]] = frozenset(),
    steps: np.ndarray | None = None,
    movers: Sequence[int] | None = None,
    limit: int = MAX_NODES,
    layout: str = "auto",
    title: str | None = None,
    network: Callable[[], Any] | None = None,
) -> StateGraphPicture:
    """Draw the state graph (see the module text).

    ``equilibria`` maps a concept's label to a boolean mask over states; ``path_moves`` are
    the 0-based moves ``(from, to)`` to highlight; ``steps`` the fewest moves from the
    status quo to each state (−1: none), which the layered layout needs; ``movers`` the
    0-based decision makers whose moves are drawn (default: all).
    """
    if layout not in LAYOUTS:
        raise ParameterError(f"unknown layout {layout!r}", parameter="layout",
                             hint=f"use one of: {', '.join(LAYOUTS)}")
    equilibria = dict(equilibria or {})
    n_dm = len(conflict.dm_ids)
    movers = list(range(n_dm)) if movers is None else list(movers)
    strength = np.zeros(conflict.state_count, dtype=np.int64)
    for mask in equilibria.values():
        strength += np.asarray(mask, dtype=np.int64)
    path_states = list(dict.fromkeys(s for move in sorted(path_moves) for s in move))
    shown, note = select_states(conflict, strength, path_states, movers, limit)
    if layout == "auto":
        cut = len(shown) < conflict.state_count
        layout = "layered" if cut and steps is not None and conflict.status_quo is not None \
            else "grid"
    headings: list[tuple[float, str]] = []
    if layout == "layered":
        if steps is None or conflict.status_quo is None:
            raise ParameterError("the layered layout needs a status quo and the evolution "
                                 "from it", parameter="layout",
                                 hint="use analysis.plot(), or layout='grid'")
        pos, headings = _layered(conflict, shown, steps, movers)
    elif layout == "spring":
        pos = _spring(conflict, shown, movers)
    else:
        pos = _grid(conflict, shown)
    title = title or f"{conflict.title}: state graph"
    spec_dms = conflict.spec.dms
    # --- widen the columns for long option patterns
    pattern_w = 9 + 7.6 * max(len(conflict.pattern(s)) for s in shown)
    stretch = max(1.0, (pattern_w + 2 * RADIUS) / COL_W)
    if stretch > 1:
        pos = {s: (x * stretch, y) for s, (x, y) in pos.items()}
        headings = [(x * stretch, text) for x, text in headings]
    # --- moves: one curve per pair of states joined by a shown decision maker's move
    keep = set(shown)
    pairs: dict[tuple[int, int], list[tuple[int, int, int, bool]]] = {}
    for i in movers:
        rank = conflict.ranks[i]
        for s in shown:
            for t in (int(x) for x in conflict.moves[i].of(s)):
                if t in keep:
                    pairs.setdefault((min(s, t), max(s, t)), []).append(
                        (i, s, t, bool(rank[t] > rank[s])))
    xs = [x for x, _ in pos.values()]
    ys = [y for _, y in pos.values()]
    box = (min(xs), min(ys), max(xs), max(ys))
    reach = (box[1], box[3])
    for a, b in pairs:
        low, high = _extent(_curve(pos[a], pos[b], a, b, box))
        reach = (min(reach[0], low), max(reach[1], high))
    # --- geometry: shift everything below the title and headings (and curves bowing up)
    left = MARGIN + RADIUS + 4
    top = (TOP if headings else TOP - 22) + max(0.0, box[1] - reach[0] - RADIUS)
    pos = {s: (x + left, y + top) for s, (x, y) in pos.items()}
    box = (box[0] + left, box[1] + top, box[2] + left, box[3] + top)
    reach = (reach[0] + top, reach[1] + top)
    text_right = max(x for x, _ in pos.values()) + max(95.0, pattern_w + 12)
    shapes: list[Shape] = [Label(MARGIN, 28, title, 17, bold=True)]
    filtered = len(movers) < n_dm
    if filtered:
        names = ", ".join(spec_dms[i].name for i in movers) or "nobody"
        shapes.append(Label(MARGIN, 48, f"moves by {names} only", 13, colour="#555555"))
    for x, text in headings:
        shapes.append(Label(x + left, top - 34, text, 13, anchor="middle", colour="#555555",
                            bold=True))
    halos: list[Shape] = []
    grey: list[Shape] = []
    arrows: list[Shape] = []
    for (a, b), found in sorted(pairs.items()):
        improving = [m for m in found if m[3]]
        pts = _curve(pos[a], pos[b], a, b, box)
        for _, s, t, _ in found:
            if (s, t) in path_moves:
                halos.append(Curve(pts, PATH_COLOUR, 9, opacity=0.55,
                                   tip=f"evolution path from the status quo: {s + 1} → {t + 1}"))
        if improving:
            for i, s, t, _ in improving:
                forward = s == a
                who = spec_dms[i].name
                arrows.append(Curve(pts, PALETTE[i % len(PALETTE)], 2.2,
                                    arrow_end=forward, arrow_start=not forward,
                                    tip=f"{who} improves: {s + 1} → {t + 1}"))
        else:
            directions = {(s, t) for _, s, t, _ in found}
            who = ", ".join(dict.fromkeys(spec_dms[i].name for i, _, _, _ in found))
            grey.append(Curve(pts, GREY, 1.2, arrow_end=(a, b) in directions,
                              arrow_start=(b, a) in directions,
                              tip=f"{who}: move {a + 1} ↔ {b + 1}, an improvement for "
                              "nobody who makes it"))
    hidden = 0
    if len(grey) > MAX_GREY:  # too many to read: the improvements are what matters
        hidden, grey = len(grey), []
    shapes += halos + grey + arrows
    # --- states
    n_concepts = len(equilibria)
    for s in shown:
        x, y = pos[s]
        k = int(strength[s])
        fill = "#ffffff" if k == 0 else (ALL_FILL if k == n_concepts else SOME_FILL)
        under = [label for label, mask in equilibria.items() if mask[s]]
        tip = conflict.show(s)
        if conflict.status_quo == s:
            tip += ", the status quo"
            shapes.append(Disc(x, y, RADIUS + 6, "none", PATH_COLOUR, 4.5))
        tip += f"; equilibrium under {', '.join(under)}" if under else "; not an equilibrium"
        number = str(s + 1)
        shapes.append(Disc(x, y, RADIUS, fill, "#333333", 1.5, tip=tip, label=number,
                           label_colour="#ffffff" if fill == ALL_FILL else "#000000",
                           label_size={1: 14, 2: 14, 3: 13, 4: 11}.get(len(number), 9)))
        shapes.append(Label(x + 9, y + RADIUS + 14, conflict.pattern(s), 12.5,
                            mono=True, colour="#333333"))
        if under:
            text = "eq: all" if k == n_concepts and n_concepts > 2 else "eq: " + " ".join(under)
            shapes.append(Label(x + 9, y + RADIUS + 28, text, 11.5,
                                colour="#146c2e", bold=True))
    # --- legend, in two columns under the graph
    graph_bottom = max(box[3] + RADIUS + 44, reach[1] + 30)
    width = max(text_right, 860)
    rows_left: list[tuple[str, str]] = [("dm", str(i)) for i in movers]
    rows_left.append(("grey", ""))
    rows_right: list[tuple[str, str]] = []
    if path_moves:
        rows_right.append(("path", ""))
    if conflict.status_quo is not None:
        rows_right.append(("sq", ""))
    if equilibria:
        rows_right += [("all", ""), ("some", "")]
    line_h = 22
    for column, rows in enumerate((rows_left, rows_right)):
        lx = MARGIN + column * 400
        for r, (kind, arg) in enumerate(rows):
            ly = graph_bottom + r * line_h
            if kind == "dm":
                i = int(arg)
                shapes.append(Curve((lx, ly, lx + 17, ly, lx + 34, ly),
                                    PALETTE[i % len(PALETTE)], 2.2, arrow_end=True))
                text = f"improvement by {spec_dms[i].name}"
            elif kind == "grey":
                shapes.append(Curve((lx, ly, lx + 17, ly, lx + 34, ly), GREY, 1.2))
                text = ("a move that improves for nobody who makes it" if not hidden else
                        f"moves that improve for nobody: {hidden} pairs, not drawn")
            elif kind == "path":
                shapes.append(Curve((lx, ly, lx + 17, ly, lx + 34, ly), PATH_COLOUR, 9,
                                    opacity=0.55))
                text = "evolution path from the status quo"
            elif kind == "sq":
                shapes.append(Disc(lx + 17, ly, 8, "none", PATH_COLOUR, 3.5))
                text = "status quo"
            elif kind == "all":
                shapes.append(Disc(lx + 17, ly, 8, ALL_FILL, "#333333", 1))
                text = f"equilibrium under every concept ({', '.join(equilibria)})"
            else:
                shapes.append(Disc(lx + 17, ly, 8, SOME_FILL, "#333333", 1))
                text = "equilibrium under some (named under the state)"
            shapes.append(Label(lx + 46, ly + 4.5, text, 13))
    height = graph_bottom + line_h * max(len(rows_left), len(rows_right)) + 6
    if note:
        for line in textwrap.wrap(note, width=max(60, int((width - 2 * MARGIN) / 7.4))):
            shapes.append(Label(MARGIN, height + 6, line, 13, colour="#8a4b00", bold=True))
            height += 20
        height += 4
    picture_svg = _svg(shapes, width, height, title)
    return StateGraphPicture(picture_svg, tuple(shown), conflict.state_count - len(shown),
                             note, title, width, height, tuple(shapes), network)


# -- the graph as data (shared with the GraphML/DOT export and to_networkx) -------------------
@dataclass(frozen=True)
class Move:
    """One unilateral move: 0-based states, the mover's index, whether it improves."""

    source: int
    target: int
    mover: int
    improvement: bool


def state_moves(conflict: Any) -> Iterator[Move]:
    """Every unilateral move of every decision maker, by mover, then source, then target."""
    for i, graph in enumerate(conflict.moves):
        explicit = graph.materialize()
        sources = explicit.sources()
        targets = np.asarray(explicit.targets, dtype=np.int64)
        better = conflict.ranks[i, targets] > conflict.ranks[i, sources]
        for s, t, b in zip(sources.tolist(), targets.tolist(), better.tolist(), strict=True):
            yield Move(int(s), int(t), i, bool(b))


def state_attribute_names(conflict: Any) -> list[tuple[str, str, str]]:
    """``(name, GraphML type, description)`` of the attributes every state has."""
    names = [("state", "int", "state number"),
             ("pattern", "string", "option pattern: Y taken, N not taken, – irrelevant"),
             ("taken", "string", "options taken"),
             ("status_quo", "boolean", "the status quo")]
    names += [(f"rank_{dm}", "int", f"preference rank for {dm}: higher is preferred")
              for dm in conflict.dm_ids]
    return names


def state_attributes(conflict: Any) -> list[dict[str, object]]:
    """The attributes of every state, as :func:`state_attribute_names` names them."""
    rows = []
    for s in range(conflict.state_count):
        row: dict[str, object] = {
            "state": s + 1, "pattern": conflict.pattern(s),
            "taken": ", ".join(conflict.taken(s)), "status_quo": conflict.status_quo == s,
        }
        for i, dm in enumerate(conflict.dm_ids):
            row[f"rank_{dm}"] = int(conflict.ranks[i, s])
        rows.append(row)
    return rows


def networkx_graph(graph_attributes: Mapping[str, object],
                   nodes: Sequence[Mapping[str, object]], moves: Iterable[Move],
                   dm_ids: Sequence[str]) -> Any:
    """A networkx ``DiGraph``: one node per state keyed by its number (1-based) with
    ``nodes``' attributes, one edge per move with ``mover`` and ``improvement``."""
    try:
        import networkx as nx
    except ImportError:
        raise ParameterError("to_networkx needs networkx, which is not installed",
                             parameter="networkx",
                             hint="pip install 'standoff[graph]' (or pip install networkx)"
                             ) from None
    g = nx.DiGraph(**graph_attributes)
    g.add_nodes_from((int(row["state"]), dict(row)) for row in nodes)  # type: ignore[call-overload]
    g.add_edges_from((m.source + 1, m.target + 1,
                      {"mover": dm_ids[m.mover], "improvement": m.improvement})
                     for m in moves)
    return g
