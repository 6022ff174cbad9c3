"""Stability results as files for other tools: the state graph as GraphML or DOT, and the
verdicts as a tidy CSV.

The state graph has one node per state and one directed edge per unilateral move:

* node attributes: ``state`` (1-based id), ``pattern`` (Y/N/– in option order), ``taken``
  (the options taken, comma-separated), ``status_quo``; for every decision maker ``rank_DM``
  (higher is preferred, as in ``standoff states``); for every concept computed and every
  decision maker ``CONCEPT_DM`` (stable or not for that decision maker), and
  ``CONCEPT_equilibrium`` (stable for every decision maker);
* edge attributes: ``mover`` (the decision maker who moves) and ``improvement`` (whether the
  move is a unilateral improvement: the mover strictly prefers the state moved to).

GraphML is written with typed keys (``int``, ``string``, ``boolean``) so that yEd, Gephi,
networkx (``read_graphml``) and igraph read the attributes with their types. DOT carries the
same attributes (Graphviz ignores the ones it does not know) and draws them: equilibria
under every concept computed with a double border, equilibria under some with a single
bold one, the status quo filled, unilateral improvements as solid arrows and other moves
dashed and grey. The tidy CSV has one row per state × decision maker × concept.

Model text (titles, names) is escaped for XML and DOT; characters neither can hold (control
characters) are replaced by U+FFFD. Nothing here needs a third-party package.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator

from standoff.analysis.graphdata import attribute_names as _attribute_names
from standoff.analysis.graphdata import check_moves as _check_moves
from standoff.analysis.graphdata import node_values as _node_values
from standoff.analysis.result import Analysis
from standoff.concepts import label as concept_label
from standoff.errors import CapacityError
from standoff.graph.picture import Move, state_moves

#: Most rows of the tidy CSV (states × decision makers × concepts).
MAX_CSV_ROWS = 10_000_000

FORMATS = ("graphml", "dot", "csv")

_NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def moves(result: Analysis) -> Iterator[Move]:
    """Every unilateral move of every decision maker, by mover, then source, then target."""
    return state_moves(result.conflict)


def _xml_text(value: str) -> str:
    """Text safe in XML 1.0 content and attribute values."""
    clean = _NOT_XML.sub("\ufffd", value)
    return (clean.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;").replace("\r", "&#13;").replace("\n", "&#10;")
            .replace("\t", "&#9;"))


def _shown(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def to_graphml(result: Analysis) -> str:
    """The state graph with every verdict, as a GraphML document (see the module text)."""
    _check_moves(result, "GraphML")
    c = result.conflict
    attributes = _attribute_names(result)
    out = ['<?xml version="1.0" encoding="UTF-8"?>',
           '<graphml xmlns="http://graphml.graphdrawing.org/xmlns" '
           'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
           'xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns '
           'http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">',
           '  <key id="title" for="graph" attr.name="title" attr.type="string"/>',
           '  <key id="concepts" for="graph" attr.name="concepts" attr.type="string"/>']
    keys = {}
    for k, (name, kind, description) in enumerate(attributes):
        keys[name] = f"n{k}"
        out.append(f'  <key id="n{k}" for="node" attr.name="{_xml_text(name)}" '
                   f'attr.type="{kind}"><desc>{_xml_text(description)}</desc></key>')
    out += ['  <key id="mover" for="edge" attr.name="mover" attr.type="string">'
            '<desc>the decision maker who moves</desc></key>',
            '  <key id="improvement" for="edge" attr.name="improvement" attr.type="boolean">'
            '<desc>a unilateral improvement: the mover prefers the state moved to</desc></key>',
            '  <graph id="states" edgedefault="directed">',
            f'    <data key="title">{_xml_text(c.title)}</data>',
            f'    <data key="concepts">{_xml_text(",".join(result.concepts))}</data>']
    for row in _node_values(result):
        out.append(f'    <node id="s{row["state"]}">')
        out += [f'      <data key="{keys[name]}">{_xml_text(_shown(row[name]))}</data>'
                for name, _, _ in attributes]
        out.append("    </node>")
    for k, move in enumerate(moves(result)):
        out.append(f'    <edge id="e{k + 1}" source="s{move.source + 1}" '
                   f'target="s{move.target + 1}"><data key="mover">'
                   f'{_xml_text(c.dm_ids[move.mover])}</data><data key="improvement">'
                   f'{_shown(move.improvement)}</data></edge>')
    out += ["  </graph>", "</graphml>"]
    return "\n".join(out) + "\n"


def _dot_text(value: str) -> str:
    """A DOT double-quoted string (quotes and backslashes escaped, lines as ``\\n``)."""
    clean = _NOT_XML.sub("\ufffd", value).replace("\r\n", "\n").replace("\r", "\n")
    clean = clean.replace("\t", " ")
    return '"' + clean.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def to_dot(result: Analysis) -> str:
    """The state graph with every verdict, as a Graphviz DOT digraph (see the module text)."""
    _check_moves(result, "DOT")
    c = result.conflict
    names = [n for n, _, _ in _attribute_names(result)]
    concepts = [concept_label(k) for k in result.concepts]
    legend = (f"{c.title}\nequilibria: double border = under every concept computed "
              f"({', '.join(concepts)}), bold = under some; solid arrows: unilateral "
              "improvements; dashed: other moves")
    out = [f"digraph {_dot_text(c.title)} {{",
           f"  graph [label={_dot_text(legend)}, labelloc=t, rankdir=LR];",
           '  node [shape=box, style=rounded, fontname="Helvetica"];',
           '  edge [fontname="Helvetica", fontsize=9];']
    for row in _node_values(result):
        under = [concept_label(k) for k in result.concepts if row[f"{k}_equilibrium"]]
        styles = ["rounded"]
        extra = []
        if under:
            styles.append("bold")
        if under and len(under) == len(result.concepts):
            extra.append("peripheries=2")
        if row["status_quo"]:
            styles.append("filled")
            extra.append('fillcolor="#e8eef7"')
        label = f"{row['state']}\n{row['pattern']}"
        if row["status_quo"]:
            label += "\nstatus quo"
        if under:
            label += "\nequilibrium: " + ", ".join(under)
        attrs = [f"label={_dot_text(label)}", f'style="{",".join(styles)}"', *extra]
        attrs += [f"{_dot_text(name)}={_dot_text(_shown(row[name]))}" for name in names]
        out.append(f"  s{row['state']} [{', '.join(attrs)}];")
    for move in moves(result):
        mover = c.dm_ids[move.mover]
        look = ("color=black, penwidth=1.6" if move.improvement
                else 'color="#999999", style=dashed')
        out.append(f"  s{move.source + 1} -> s{move.target + 1} [label={_dot_text(mover)}, "
                   f"mover={_dot_text(mover)}, improvement={_shown(move.improvement)}, "
                   f"{look}];")
    out.append("}")
    return "\n".join(out) + "\n"


CSV_COLUMNS = ("state", "pattern", "status_quo", "decision_maker", "rank", "concept",
               "stable", "equilibrium")


def to_tidy_csv(result: Analysis, variant: str | None = None) -> str:
    """One row per state × decision maker × concept (columns :data:`CSV_COLUMNS`, with a
    leading ``variant`` column when ``variant`` is given); verdicts are ``true``/``false``."""
    c = result.conflict
    rows = c.state_count * len(c.dm_ids) * len(result.concepts)
    if rows > MAX_CSV_ROWS:
        raise CapacityError(
            f"the CSV would have {rows:,} rows, more than {MAX_CSV_ROWS:,}",
            file=c.spec.file,
            hint="export fewer concepts (--concepts nash,seq), or use 'standoff analyze "
            "--format json', which lists the stable states per concept and decision maker",
        )
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    lead = [] if variant is None else [variant]
    writer.writerow([*(["variant"] if variant is not None else []), *CSV_COLUMNS])
    equilibria = {k: result.equilibrium_mask(k) for k in result.concepts}
    for s in range(c.state_count):
        pattern = c.pattern(s)
        sq = _shown(c.status_quo == s)
        for i, dm in enumerate(c.dm_ids):
            rank = int(c.ranks[i, s])
            for concept in result.concepts:
                writer.writerow([*lead, s + 1, pattern, sq, dm, rank, concept,
                                 _shown(bool(result.stable[concept][i, s])),
                                 _shown(bool(equilibria[concept][s]))])
    return buffer.getvalue()


def export(result: Analysis, format: str, variant: str | None = None) -> str:
    """``result`` in ``format`` (``graphml``, ``dot`` or ``csv``)."""
    if format == "graphml":
        return to_graphml(result)
    if format == "dot":
        return to_dot(result)
    if format == "csv":
        return to_tidy_csv(result, variant)
    raise ValueError(f"unknown export format {format!r}; choose from {', '.join(FORMATS)}")
