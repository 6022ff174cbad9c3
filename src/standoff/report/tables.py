"""Stability tables in text (rich), Markdown, CSV and HTML.

Rows are states (id and Y/N/– pattern); there is one column per concept and decision
maker (✓ stable, · not) and a last column naming the concepts under which the state is an
equilibrium (stable for every decision maker).
"""

from __future__ import annotations

import csv
import io
from typing import TYPE_CHECKING

import numpy as np

from standoff.analysis.result import MAX_TABLE_STATES, NO, YES
from standoff.analysis.result import stability_rows as _rows
from standoff.concepts import label as concept_label

if TYPE_CHECKING:
    from standoff.analysis.result import Analysis

MAX_LISTED = 50


def option_legend(result: Analysis) -> list[str]:
    """Lines explaining the pattern's letters: position → option."""
    c = result.conflict
    lines = []
    for k, o in enumerate(c.spec.options):
        lines.append(f"{k + 1:>2}. {o.key}: {o.text}")
    return lines


def analysis_markdown(result: Analysis, variant_line: str | None = None,
                      variant: str | None = None) -> str:
    """The stability table and equilibria as GitHub-flavoured Markdown (model text escaped
    with :func:`standoff.report.markdown.md_text`).

    For one of several variants, ``variant`` (its name) is added to the title and
    ``variant_line`` (Markdown, already escaped: what the variant changes) follows it.
    """
    from standoff.report.markdown import markdown_table, md_text

    c = result.conflict
    header, rows = _rows(result)
    suffix = f" — variant {md_text(variant)}" if variant is not None else ""
    out = [f"# {md_text(c.title)}{suffix}", ""]
    if variant_line:
        out += [variant_line + ".", ""]
    if c.spec.view:
        out += [f"*View encoded:* {md_text(c.spec.view)}", ""]
    out += ["Pattern positions (Y taken, N not taken, – irrelevant):", ""]
    out += [f"- {md_text(line.strip())}" for line in option_legend(result)]
    out += ["", *markdown_table(header, rows)]
    out += ["", "## Equilibria", ""]
    for k, states in result.equilibria.items():
        shown = ", ".join(c.show(s - 1) for s in states) or "none"
        out.append(f"- **{concept_label(k)}**: {md_text(shown)}")
    out.append("")
    out.append(f"<sub>standoff {result.version}; concepts {', '.join(result.concepts)}.</sub>")
    return "\n".join(out) + "\n"


def analysis_csv(result: Analysis, variant: str | None = None, header: bool = True) -> str:
    """One row per state; columns ``state, pattern, <concept>:<dm>..., <concept>:equilibrium``
    (stable and equilibrium as 1 or 0). With ``variant``, a first column ``variant`` holds
    its name; ``header=False`` leaves out the header row (for the variants after the first).
    Text cells (names, patterns) go through :func:`standoff.output.csv_text`; numbers are
    written as numbers."""
    from standoff.output import csv_text

    frame = result.to_frame()
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    lead = [] if variant is None else [csv_text(variant)]
    if header:
        writer.writerow([*(["variant"] if lead else []), "state",
                         *map(csv_text, frame.columns)])
    patterns = [csv_text(p) for p in frame["pattern"]]
    flags = frame.drop(columns="pattern").to_numpy(dtype=np.int8).tolist()
    writer.writerows([*lead, state, pattern, *row]
                     for state, pattern, row in zip(frame.index.tolist(), patterns, flags,
                                                    strict=True))
    return buf.getvalue()


def print_analysis(result: Analysis, console) -> None:
    """Print the stability table and the equilibria to a rich console.

    When one column per concept and decision maker fits the console, that is the layout;
    otherwise each concept gets one column holding the decision makers' marks in order.
    """
    from rich import box
    from rich.table import Table
    from rich.text import Text

    from standoff.output import terminal_text

    c = result.conflict
    shown_states = None
    if c.state_count > MAX_TABLE_STATES:
        marked = np.zeros(c.state_count, dtype=bool)
        for k in result.concepts:
            marked |= result.equilibrium_mask(k)
        if c.status_quo is not None:
            marked[c.status_quo] = True
        shown_states = [int(s) for s in np.flatnonzero(marked)[: 2 * MAX_TABLE_STATES]]
    header, rows = _rows(result, shown_states)
    console.print(Text.assemble((terminal_text(c.title), "bold"), f": {c.state_count:,} states, "
                                f"{len(c.dm_ids)} decision makers, {len(c.option_keys)} options"))
    if c.spec.view:
        console.print(f"View encoded: {c.spec.view}", highlight=False)
    console.print("Pattern positions (Y taken, N not taken, – irrelevant):")
    for line in option_legend(result):
        console.print("  " + line, highlight=False)
    if shown_states is not None:
        console.print(f"The table shows the status quo and the equilibria ({len(shown_states):,}"
                      f" of {c.state_count:,} states); --format csv or json lists every state.",
                      highlight=False)
    rows_empty = not rows
    n_dm = len(c.dm_ids)
    state_w = max((len(r[0]) for r in rows), default=5)
    pattern_w = max(len(c.option_keys), 7)
    full_w = state_w + pattern_w + 8 + sum(
        max(len(c.dm_ids[i % n_dm]), len(concept_label(result.concepts[i // n_dm]))) + 3
        for i in range(n_dm * len(result.concepts))
    ) + max((len(r[-1]) for r in rows), default=0) + 20
    table = Table(box=box.SIMPLE_HEAD, header_style="bold", pad_edge=False)
    table.add_column("state", no_wrap=True)
    table.add_column("pattern", no_wrap=True)
    if full_w <= console.width:
        for concept in result.concepts:
            for i, dm in enumerate(c.dm_ids):
                top = concept_label(concept) if i == 0 else ""
                table.add_column(f"{top}\n{dm}", justify="center", no_wrap=True)
        cells = [r[2:-1] for r in rows]
    else:
        console.print("Each concept column shows, in order, " + ", ".join(c.dm_ids)
                      + f" ({YES} stable, {NO} not); ★ marks an equilibrium.", highlight=False)
        for concept in result.concepts:
            table.add_column(concept_label(concept), justify="left", no_wrap=True)
        eq = [result.equilibrium_mask(k) for k in result.concepts]
        cells = [
            ["".join(r[2 + k * n_dm: 2 + (k + 1) * n_dm]) + (" ★" if eq[k][s] else "")
             for k in range(len(result.concepts))]
            for s, r in enumerate(rows)
        ]
    if full_w <= console.width:
        table.add_column("equilibrium under")
    for row, mid in zip(rows, cells, strict=True):
        last = [row[-1]] if full_w <= console.width else []
        table.add_row(row[0], row[1], *mid, *last, style="bold green" if row[-1] else None)
    if not rows_empty:
        console.print(table)
    console.print("Equilibria", style="bold")
    for k, states in result.equilibria.items():
        shown = ", ".join(c.show(s - 1) for s in states[:MAX_LISTED]) or "none"
        if len(states) > MAX_LISTED:
            shown += f", … ({len(states):,} in all)"
        console.print(f"  {concept_label(k):<5} {shown}", highlight=False)
