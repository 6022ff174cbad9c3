"""The state graph as an SVG picture, drawn in pure Python (no graphviz, no matplotlib).

States are nodes on a grid: the column is the choice of the first decision makers, the
row the choice of the others (the split is chosen to make the grid about as wide as it is
high, a little wider), so a move by a "column" decision maker runs along a row and a move
by a "row" decision maker along a column. Moves are curves coloured by the decision maker
who makes them, with an arrow at each end the move can be made in; long moves along a row
or column bow out so that they do not hide shorter ones. A node's fill says under how many
of the concepts computed it is an equilibrium; the status quo has a thick orange ring.

Graphs with more than :data:`MAX_NODES` states are cut down to the status quo, its one-move
neighbours and the equilibria (strongest first), and the picture says what was left out.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from xml.sax.saxutils import escape

import numpy as np

from standoff.analysis.result import Analysis

MAX_NODES = 40
PALETTE = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2",
           "#17becf", "#7f7f7f", "#bcbd22")
CELL_W, CELL_H, RADIUS, MARGIN = 118, 92, 17, 40


@dataclass(frozen=True)
class GraphPicture:
    """An SVG document and what it shows."""

    svg: str
    shown: tuple[int, ...]  # 0-based states drawn
    left_out: int  # states not drawn
    note: str  # what was left out, or ""


def _attr(value: object) -> str:
    return escape(str(value), {'"': "&quot;"})


def select_states(analysis: Analysis, limit: int = MAX_NODES) -> tuple[list[int], str]:
    """The states to draw (0-based) and a note on what was left out (empty if none)."""
    c = analysis.conflict
    n = c.state_count
    if n <= limit:
        return list(range(n)), ""
    strength = np.zeros(n, dtype=np.int64)
    for concept in analysis.concepts:
        strength += analysis.equilibrium_mask(concept)
    eq = [int(s) for s in np.argsort(-strength, kind="stable") if strength[s] > 0]
    neighbours: list[int] = []
    if c.status_quo is not None:
        for graph in c.moves:
            neighbours.extend(int(t) for t in graph.of(c.status_quo))
    order = [] if c.status_quo is None else [c.status_quo]
    order += neighbours[: limit // 2] + eq + neighbours[limit // 2 :]
    shown_set: list[int] = []
    for s in order:
        if s not in shown_set:
            shown_set.append(s)
        if len(shown_set) >= limit:
            break
    shown = sorted(shown_set)
    left = n - len(shown)
    n_eq = int((strength > 0).sum())
    parts = ["the status quo and (some of) its one-move neighbours"] \
        if c.status_quo is not None else []
    drawn_eq = sum(1 for s in shown if strength[s] > 0)
    parts.append(f"{drawn_eq} of the {n_eq} states that are an equilibrium under some concept")
    note = (f"Showing {len(shown)} of {n} states: {' and '.join(parts)}. {left} states and "
            "their moves are left out; the tables list every state.")
    return shown, note


def _layout(analysis: Analysis, states: list[int]) -> dict[int, tuple[float, float]]:
    c = analysis.conflict
    masks = c.own_masks
    pats = c.space.patterns
    irr = c.space.irrelevant
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
        width, height = len(cols) * CELL_W, len(rows) * CELL_H
        score = abs(math.log(width / height) - math.log(1.6))
        if best is None or score < best[0] - 1e-9:
            best = (score, across, down, cols, rows)
    assert best is not None
    _, across, down, cols, rows = best
    col_of = {k: i for i, k in enumerate(cols)}
    row_of = {k: i for i, k in enumerate(rows)}
    return {
        s: (MARGIN + CELL_W * (col_of[key(s, across)] + 0.5),
            MARGIN + 30 + CELL_H * (row_of[key(s, down)] + 0.5))
        for s in states
    }


def state_graph_svg(analysis: Analysis, limit: int = MAX_NODES,
                    title: str | None = None) -> GraphPicture:
    """Draw the state graph of an analysed conflict (see the module docstring)."""
    c = analysis.conflict
    shown, note = select_states(analysis, limit)
    pos = _layout(analysis, shown)
    keep = set(shown)
    strength = np.zeros(c.state_count, dtype=np.int64)
    for concept in analysis.concepts:
        strength += analysis.equilibrium_mask(concept)
    n_concepts = len(analysis.concepts)
    width = max(x for x, _ in pos.values()) + CELL_W / 2 + MARGIN
    height = max(y for _, y in pos.values()) + CELL_H / 2 + MARGIN
    legend_h = 22 * (len(c.dm_ids) + 4)
    width = max(width, 420, 2 * MARGIN + 8.5 * len(title or c.title))
    total_h = height + legend_h
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" height="{total_h:.0f}" '
        f'viewBox="0 0 {width:.0f} {total_h:.0f}" role="img" font-family="sans-serif">',
        f"<title>{escape(title or 'State graph of ' + c.title)}</title>",
        "<defs>",
    ]
    for i, _ in enumerate(c.dm_ids):
        colour = PALETTE[i % len(PALETTE)]
        out.append(
            f'<marker id="arrow{i}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" '
            f'markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" '
            f'fill="{colour}"/></marker>'
        )
    out.append("</defs>")
    out.append(f'<text x="{MARGIN}" y="{MARGIN - 8}" font-size="14" font-weight="bold">'
               f"{escape(title or c.title)}</text>")
    # moves
    out.append('<g fill="none" stroke-width="1.6" opacity="0.85">')
    for i, graph in enumerate(c.moves):
        colour = PALETTE[i % len(PALETTE)]
        done: set[tuple[int, int]] = set()
        for s in shown:
            for t in (int(x) for x in graph.of(s)):
                if t not in keep or (min(s, t), max(s, t)) in done:
                    continue
                done.add((min(s, t), max(s, t)))
                back = s in set(int(x) for x in graph.of(t))
                out.append(_edge(pos[s], pos[t], colour, i, back, c.dm_ids[i], s, t))
    out.append("</g>")
    # states
    for s in shown:
        x, y = pos[s]
        k = int(strength[s])
        fill = "#ffffff" if k == 0 else ("#1a7f37" if k == n_concepts else "#a6dba0")
        text_fill = "#ffffff" if k == n_concepts and k > 0 else "#000000"
        eq_under = [concept for concept in analysis.concepts
                    if analysis.equilibrium_mask(concept)[s]]
        tip = f"{c.show(s)}; equilibrium under: {', '.join(eq_under) or 'none'}"
        if c.status_quo == s:
            tip += "; status quo"
            out.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{RADIUS + 5}" fill="none" '
                       'stroke="#ff7f0e" stroke-width="4"/>')
        out.append(f'<g><title>{escape(tip)}</title><circle cx="{x:.1f}" cy="{y:.1f}" '
                   f'r="{RADIUS}" fill="{fill}" stroke="#333333" stroke-width="1.5"/>'
                   f'<text x="{x:.1f}" y="{y + 4.5:.1f}" font-size="13" text-anchor="middle" '
                   f'fill="{text_fill}">{s + 1}</text></g>')
        out.append(f'<text x="{x + RADIUS * 0.55:.1f}" y="{y + RADIUS + 13:.1f}" '
                   'font-size="10.5" font-family="monospace" fill="#333333">'
                   f"{escape(c.pattern(s))}</text>")
    # legend
    ly = height + 6
    out.append(f'<g font-size="12" transform="translate({MARGIN},{ly:.0f})">')
    for i, dm in enumerate(c.dm_ids):
        colour = PALETTE[i % len(PALETTE)]
        y = 22 * i
        out.append(f'<line x1="0" y1="{y}" x2="30" y2="{y}" stroke="{colour}" '
                   f'stroke-width="2.5" marker-end="url(#arrow{i})"/>')
        out.append(f'<text x="40" y="{y + 4}">moves by {escape(c.spec.dms[i].name)} '
                   f"({escape(dm)})</text>")
    y = 22 * len(c.dm_ids)
    items = [("#1a7f37", f"equilibrium under every concept computed ({n_concepts})"),
             ("#a6dba0", "equilibrium under some concepts"), ("#ffffff", "not an equilibrium")]
    for k, (fill, label) in enumerate(items):
        yy = y + 22 * k
        out.append(f'<circle cx="15" cy="{yy}" r="7" fill="{fill}" stroke="#333333"/>'
                   f'<text x="40" y="{yy + 4}">{escape(label)}</text>')
    yy = y + 22 * len(items)
    if c.status_quo is not None:
        out.append(f'<circle cx="15" cy="{yy}" r="8" fill="none" stroke="#ff7f0e" '
                   f'stroke-width="3"/><text x="40" y="{yy + 4}">status quo</text>')
    out.append("</g>")
    if note:
        out.append(f'<text x="{MARGIN}" y="{total_h - 6:.0f}" font-size="11" '
                   f'fill="#555555">{escape(note)}</text>')
    out.append("</svg>")
    return GraphPicture("\n".join(out), tuple(shown), c.state_count - len(shown), note)


def _edge(a: tuple[float, float], b: tuple[float, float], colour: str, dm: int, both: bool,
          dm_id: str, s: int, t: int) -> str:
    (x1, y1), (x2, y2) = a, b
    dx, dy = x2 - x1, y2 - y1
    length = math.hypot(dx, dy) or 1.0
    nx, ny = -dy / length, dx / length
    aligned = abs(dx) < 1e-6 or abs(dy) < 1e-6
    cells = length / (CELL_W if abs(dx) > abs(dy) else CELL_H)
    # long moves along a row or column bow out in proportion; diagonal ones a little
    bow = (0.0 if cells < 1.5 else 0.22 * length) if aligned else 0.08 * length
    # bow always to the same side of the directed pair (lower state first) so the two
    # directions of a move share one curve
    if s > t:
        bow = -bow
    cx, cy = (x1 + x2) / 2 + nx * bow, (y1 + y2) / 2 + ny * bow
    sx, sy = _towards(x1, y1, cx, cy, RADIUS + 2)
    ex, ey = _towards(x2, y2, cx, cy, RADIUS + 2)
    start = f' marker-start="url(#arrow{dm})"' if both else ""
    return (f'<path d="M{sx:.1f},{sy:.1f} Q{cx:.1f},{cy:.1f} {ex:.1f},{ey:.1f}" '
            f'stroke="{colour}" marker-end="url(#arrow{dm})"{start}>'
            f"<title>{escape(dm_id)}: {s + 1} → {t + 1}{' and back' if both else ''}</title>"
            "</path>")


def _towards(x: float, y: float, tx: float, ty: float, dist: float) -> tuple[float, float]:
    dx, dy = tx - x, ty - y
    d = math.hypot(dx, dy) or 1.0
    return x + dx / d * dist, y + dy / d * dist
