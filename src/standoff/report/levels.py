"""The levels of a hierarchical model as an SVG picture, written directly (no graphviz, nothing
fetched at run time).

What is drawn (:func:`levels_svg`): the common decision makers in a row of boxes at the top
(the higher level), the local conflicts in a row of boxes below (the lower level), and a
line from each common decision maker to every local conflict it takes part in. A local
conflict's box gives its name and title, then each of its decision makers with its options
in that local conflict; the common decision makers' lines are set in their colour, so one
sees in which arena each of their options lies. Every text from the model is XML-escaped.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape

from standoff.graph.conflict import Conflict
from standoff.model.hierarchy import Hierarchy

#: Colours of the common decision makers (cycled), and of the local decision makers' text.
COMMON_COLOURS = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd")
LOCAL_COLOUR = "#333333"
#: Layout in pixels.
BOX_WIDTH = 340
GAP = 40
LINE = 16
PAD = 10
WRAP = 40  # characters per line inside a box (about 7.5 px each at 13 px)


def _attr(value: object) -> str:
    return escape(str(value), {'"': "&quot;"})


@dataclass(frozen=True)
class _Line:
    text: str
    colour: str
    bold: bool = False


def _local_lines(hierarchy: Hierarchy, index: int, colours: dict[str, str]) -> list[_Line]:
    lc = hierarchy.local_conflicts[index]
    spec = lc.spec
    lines = [_Line(part, "#000000", True) for part in textwrap.wrap(
        f"Local conflict {lc.name}: {lc.title}", WRAP)]
    for dm in spec.dms:
        options = ", ".join(spec.options[k].id for k in dm.options)
        role = " (common)" if dm.id in colours else ""
        colour = colours.get(dm.id, LOCAL_COLOUR)
        wrapped = textwrap.wrap(f"{dm.name}{role}: {options}", WRAP,
                                subsequent_indent="    ")
        lines += [_Line(part, colour) for part in wrapped]
    return lines


def levels_svg(hierarchy: Hierarchy, names: dict[str, str]) -> str:
    """The picture of the two levels of ``hierarchy`` as one SVG document; ``names`` gives
    the display name of each common decision maker by id."""
    commons = list(hierarchy.common)
    colours = {dm: COMMON_COLOURS[k % len(COMMON_COLOURS)] for k, dm in enumerate(commons)}
    local_lines = [_local_lines(hierarchy, k, colours)
                   for k in range(len(hierarchy.local_conflicts))]
    count = len(local_lines)
    width = max(count, len(commons)) * (BOX_WIDTH + GAP) + GAP
    common_lines = {dm: textwrap.wrap(f"{names.get(dm, dm)} (common decision maker)", WRAP)
                    for dm in commons}
    common_height = max(len(v) for v in common_lines.values()) * LINE + 2 * PAD
    top = 40
    local_top = top + common_height + 70
    local_height = max(len(lines) for lines in local_lines) * LINE + 2 * PAD
    height = local_top + local_height + GAP
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
           f'viewBox="0 0 {width} {height}" font-family="Helvetica, Arial, sans-serif" '
           'font-size="13" class="levels">',
           "<title>Levels of the hierarchical model</title>",
           f'<text x="{PAD}" y="{top - 14}" font-size="12" fill="#555">higher level: '
           "common decision makers</text>",
           f'<text x="{PAD}" y="{local_top - 14}" font-size="12" fill="#555">lower level: '
           "local conflicts</text>"]
    # common decision makers, spread evenly above the local conflicts
    common_width = BOX_WIDTH
    row = len(commons) * (BOX_WIDTH + GAP) - GAP
    centres: dict[str, float] = {}
    for k, dm in enumerate(commons):
        x = (width - row) / 2 + k * (BOX_WIDTH + GAP)
        cx = x + common_width / 2
        centres[dm] = cx
        out.append(f'<g class="common" data-id="{_attr(dm)}">'
                   f'<rect x="{x:.1f}" y="{top}" width="{common_width}" '
                   f'height="{common_height}" rx="8" fill="#ffffff" '
                   f'stroke="{colours[dm]}" stroke-width="2.5"/>')
        for j, part in enumerate(common_lines[dm]):
            out.append(f'<text x="{cx:.1f}" y="{top + PAD + (j + 1) * LINE - 4}" '
                       f'text-anchor="middle" font-weight="bold" fill="{colours[dm]}">'
                       f"{escape(part)}</text>")
        out.append("</g>")
    # local conflicts, each with a line up to its common decision makers
    locals_row = count * (BOX_WIDTH + GAP) - GAP
    for k, lc in enumerate(hierarchy.local_conflicts):
        x = (width - locals_row) / 2 + k * (BOX_WIDTH + GAP)
        for dm in commons:
            if dm in lc.dm_ids:
                out.append(f'<line x1="{centres[dm]:.1f}" y1="{top + common_height}" '
                           f'x2="{x + BOX_WIDTH / 2:.1f}" y2="{local_top}" '
                           f'stroke="{colours[dm]}" stroke-width="2"/>')
        out.append(f'<g class="local" data-id="{_attr(lc.name)}">'
                   f'<rect x="{x:.1f}" y="{local_top}" width="{BOX_WIDTH}" '
                   f'height="{local_height}" rx="8" fill="#f6f8fa" stroke="#888"/>')
        for j, line in enumerate(local_lines[k]):
            weight = ' font-weight="bold"' if line.bold else ""
            out.append(f'<text x="{x + PAD:.1f}" y="{local_top + PAD + (j + 1) * LINE - 4}" '
                       f'fill="{line.colour}"{weight}>{escape(line.text)}</text>')
        out.append("</g>")
    out.append("</svg>")
    return "\n".join(out)




@dataclass(frozen=True)
class LevelsSection:
    """The levels section of a report on a hierarchical model: the drawing (``svg``), per
    local conflict its name, title and sentences (its decision makers with their options,
    its equilibria on its own under each concept), and a sentence per common decision maker
    on whether its overall preferences are consistent with its local ones."""

    svg: str
    local: tuple[tuple[str, str, tuple[str, ...]], ...]
    consistency: tuple[str, ...]


#: The concepts whose local equilibria the levels section lists (those of docs/hierarchy.md).
LEVEL_CONCEPTS = ("nash", "gmr", "smr", "seq")


def build_levels(conflict: Conflict, concepts: Sequence[str]) -> LevelsSection:
    """The levels section of a hierarchical ``conflict``: each local conflict analysed on
    its own under those of ``concepts`` in :data:`LEVEL_CONCEPTS`."""
    from standoff.analysis.claims import state_in_words
    from standoff.analysis.hierarchy import hierarchical_analysis, inconsistencies
    from standoff.analysis.result import analyze
    from standoff.concepts import label

    analysis = hierarchical_analysis(conflict)
    hierarchy = analysis.hierarchy
    keys = tuple(k for k in concepts if k in LEVEL_CONCEPTS) or LEVEL_CONCEPTS
    names = {d.id: d.name for d in conflict.spec.dms}
    local = []
    for view in analysis.locals:
        c = view.conflict
        sentences = []
        for dm in c.spec.dms:
            role = "common decision maker" if dm.id in hierarchy.common else \
                "local decision maker"
            options = "; ".join(c.spec.options[k].text for k in dm.options)
            sentences.append(f"{dm.name} ({role}): {options}.")
        local_analysis = analyze(c, keys)
        for key in keys:
            states = local_analysis.equilibria[key]
            words = "; ".join(state_in_words(c, s - 1) for s in states[:6])
            more = f"; and {len(states) - 6} more" if len(states) > 6 else ""
            sentences.append(f"{label(key)} equilibria of this local conflict on its own: "
                             + (words + more if states else "none") + ".")
        local.append((view.local.name, view.local.title, tuple(sentences)))
    consistency = []
    for common_id in hierarchy.common:
        found = inconsistencies(analysis, common_id)
        if not found:
            consistency.append(f"The overall preferences of {names[common_id]} are consistent with "
                               "its local ones: between two overall states that differ in "
                               "one local conflict only, it prefers what it prefers there.")
        else:
            where = "; ".join(f"{name} (e.g. states " + ", ".join(
                f"{a} and {b}" for a, b in pairs) + ")" for name, pairs in found.items())
            consistency.append(
                f"The overall preferences of {names[common_id]} disagree with its local ones in "
                f"{where}: what it wants in one local conflict depends on the other, so the "
                "relations between local and overall stability that assume consistency "
                "(docs/hierarchy.md) do not apply.")
    return LevelsSection(levels_svg(hierarchy, names), tuple(local), tuple(consistency))


__all__ = ["LEVEL_CONCEPTS", "LevelsSection", "build_levels", "levels_svg"]
