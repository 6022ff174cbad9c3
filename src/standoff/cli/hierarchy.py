"""``standoff hierarchy MODEL``: local and overall stability of a hierarchical model.

For each local conflict it prints the local states with each of its decision makers'
verdicts; then the overall states, each with the local states it combines, the verdicts of
every decision maker and the equilibria; then, for each common decision maker, whether its
overall preferences are consistent with its local ones (:mod:`standoff.analysis.hierarchy`,
docs/hierarchy.md).
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from standoff.cli.analysis import MaxStates, ModelPath, parse_concepts_option
from standoff.cli.common import OutputOption, check_writable, emit, emit_text, load_conflict
from standoff.concepts import resolve
from standoff.errors import ModelError
from standoff.output import json_text

if TYPE_CHECKING:
    import numpy as np

#: The concepts whose overall definitions the hierarchical papers give (docs/hierarchy.md).
HIERARCHY_CONCEPTS = "nash,gmr,smr,seq"


class Format(StrEnum):
    table = "table"
    json = "json"
    markdown = "markdown"


def _mark(value: bool) -> str:
    return "✓" if value else "·"


def _verdicts(conflict, concepts: tuple[str, ...], kernel) -> dict[str, dict[str, np.ndarray]]:
    return {c: {d: kernel(c)(conflict, k) for k, d in enumerate(conflict.dm_ids)}
            for c in concepts}


def _equilibria(verdicts: dict[str, np.ndarray]) -> np.ndarray:
    import numpy as np

    return np.logical_and.reduce(list(verdicts.values()))


def _table(conflict, verdicts, concepts, extra_columns=None) -> list[str]:
    """One line per state: id, pattern, [extra], per concept the verdicts of every decision
    maker in decision-maker order, then the concepts under which it is an equilibrium."""
    lines = []
    dms = conflict.dm_ids
    head = "  state  pattern"
    if extra_columns is not None:
        head += "  " + extra_columns[0]
    head += "  " + "  ".join(f"{resolve(c).label}[{' '.join(dms)}]" for c in concepts)
    lines.append(head + "  equilibrium under")
    for s in range(conflict.state_count):
        row = f"  {s + 1:<5}  {conflict.pattern(s):<7}"
        if extra_columns is not None:
            row += "  " + extra_columns[1](s)
        for c in concepts:
            row += "  " + " ".join(_mark(bool(verdicts[c][d][s])) for d in dms).ljust(
                len(resolve(c).label) + 2 + len(" ".join(dms)))
        under = [resolve(c).label for c in concepts if _equilibria(verdicts[c])[s]]
        lines.append(row + "  " + ", ".join(under))
    return lines


def hierarchy_command(
    model: ModelPath,
    concepts: Annotated[str | None, typer.Option(
        "--concepts", help=f"Comma-separated concepts (default {HIERARCHY_CONCEPTS}).")] = None,
    local: Annotated[str | None, typer.Option(
        "--local", help="Show only this local conflict (and the overall model).")] = None,
    format: Annotated[Format, typer.Option("--format", "-f", metavar="[table|json|markdown]",
                                           help="The output format: table (plain text), "
                                           "json or markdown.")] = Format.table,
    max_states: MaxStates = 1 << 22,
    compare: Annotated[Path | None, typer.Option(
        "--compare", help="A flat model of the same conflict to compare claims and "
        "equilibria with.", show_default=False)] = None,
    output: OutputOption = None,
) -> None:
    """Print the local and the overall stability of a hierarchical model (local_conflicts)."""
    from standoff.analysis.hierarchy import hierarchical_analysis, inconsistencies, is_hierarchical
    from standoff.stability import kernel

    if max_states < 1:
        raise ModelError(f"--max-states must be at least 1, not {max_states}",
                         file="--max-states", hint="give a number of states, e.g. 4194304")
    if output is not None:
        check_writable([output], inputs=[model] + ([compare] if compare is not None else []))
    keys = parse_concepts_option(concepts or HIERARCHY_CONCEPTS, "--concepts",
                                 HIERARCHY_CONCEPTS)
    conflict = load_conflict(Path(model), max_states)
    if not is_hierarchical(conflict):
        raise ModelError("this model has no local conflicts", file=str(model),
                         hint="'standoff hierarchy' reads models with 'local_conflicts:' and "
                         "'common_decision_makers:' (docs/hierarchy.md); use 'standoff "
                         "analyze' for this one")
    analysis = hierarchical_analysis(conflict)
    views = analysis.locals if local is None else (analysis.local(local),)
    local_verdicts = {v.local.name: _verdicts(v.conflict, keys, kernel) for v in views}
    overall_verdicts = _verdicts(conflict, keys, kernel)
    consistency = {dm: inconsistencies(analysis, dm) for dm in analysis.hierarchy.common}
    comparison = None
    if compare is not None:
        from standoff.analysis.comparison import compare_conflicts

        comparison = compare_conflicts(conflict, load_conflict(Path(compare), max_states), keys)
    if format is Format.json:
        doc = {
            "title": conflict.title,
            "common_decision_makers": list(analysis.hierarchy.common),
            "common_moves": analysis.hierarchy.common_moves,
            "local_conflicts": [
                {
                    "name": v.local.name,
                    "title": v.local.title,
                    "states": [
                        {"state": s + 1, "pattern": v.conflict.pattern(s),
                         "stable": {c: {d: bool(local_verdicts[v.local.name][c][d][s])
                                        for d in v.conflict.dm_ids} for c in keys},
                         "equilibrium": [c for c in keys
                                         if _equilibria(local_verdicts[v.local.name][c])[s]]}
                        for s in range(v.conflict.state_count)
                    ],
                }
                for v in views
            ],
            "overall": [
                {"state": s + 1, "pattern": conflict.pattern(s),
                 "local_states": {v.local.name: int(v.local_state[s]) + 1 for v in views},
                 "stable": {c: {d: bool(overall_verdicts[c][d][s]) for d in conflict.dm_ids}
                            for c in keys},
                 "equilibrium": [c for c in keys if _equilibria(overall_verdicts[c])[s]]}
                for s in range(conflict.state_count)
            ],
            "consistent": {dm: not found for dm, found in consistency.items()},
        }
        if comparison is not None:
            from standoff.report.comparison import comparison_json

            doc["comparison"] = comparison_json(comparison)
        emit(json_text(doc), output)
        return
    if format is Format.markdown:
        text = _markdown(conflict, analysis, views, keys, local_verdicts, overall_verdicts,
                         consistency)
        if comparison is not None:
            from standoff.report.comparison import comparison_markdown

            text += "\n" + "\n".join([f"## Compared with the {comparison.names[1]} model", "",
                                      *comparison_markdown(comparison)])
        emit(text, output)
        return
    out = [f"{conflict.title}: {len(analysis.locals)} local conflicts, common decision "
           f"maker(s) {', '.join(analysis.hierarchy.common)} "
           f"(moves: {analysis.hierarchy.common_moves.replace('_', ' ')})", ""]
    for v in views:
        c = v.conflict
        out.append(f"Local conflict {v.local.name}: {v.local.title} ({c.state_count} states)")
        out.append("  options: " + ", ".join(c.option_keys))
        out += _table(c, local_verdicts[v.local.name], keys)
        out.append("")
    names = [v.local.name for v in views]
    out.append(f"Overall model ({conflict.state_count} states, each a combination of local "
               "states)")
    out.append("  options: " + ", ".join(conflict.option_keys))
    out += _table(conflict, overall_verdicts, keys, (
        "local states (" + " ".join(names) + ")",
        lambda s: " ".join(str(int(v.local_state[s]) + 1) for v in views).ljust(
            len("local states (" + " ".join(names) + ")"))))
    out.append("")
    for dm, found in consistency.items():
        if not found:
            out.append(f"The overall preferences of {dm} are consistent with its local ones "
                       "(the relations of docs/hierarchy.md apply).")
        else:
            where = "; ".join(f"{name}: states " + ", ".join(f"{a} and {b}" for a, b in pairs)
                              for name, pairs in found.items())
            out.append(f"The overall preferences of {dm} disagree with its local ones on "
                       f"states that differ in one local conflict only ({where}); the "
                       "relations of docs/hierarchy.md that assume consistency do not apply.")
    if comparison is not None:
        from standoff.report.comparison import comparison_text

        out += ["", *comparison_text(comparison)]
    emit_text("\n".join(out) + "\n", output)


def _markdown(conflict, analysis, views, keys, local_verdicts, overall_verdicts,
              consistency) -> str:
    """The two levels as Markdown: a section per local conflict, then the overall model with
    the local states each overall state combines (model text escaped by ``md_text``)."""
    from standoff.report.markdown import markdown_table, md_text

    def table(c, verdicts, local_columns=None) -> list[str]:
        header = ["state", "pattern", *(local_columns or []),
                  *(f"{resolve(k).label}: {d}" for k in keys for d in c.dm_ids),
                  "equilibrium under"]
        body = []
        for s in range(c.state_count):
            cells = [str(s + 1), c.pattern(s)]
            if local_columns is not None:
                cells += [str(int(v.local_state[s]) + 1) for v in views]
            cells += [_mark(bool(verdicts[k][d][s])) for k in keys for d in c.dm_ids]
            cells.append(", ".join(resolve(k).label for k in keys
                                   if _equilibria(verdicts[k])[s]))
            body.append(cells)
        rows = markdown_table(header, body)
        return rows

    h = analysis.hierarchy
    out = [f"# {md_text(conflict.title)}", "",
           f"{len(analysis.locals)} local conflicts; common decision maker(s): "
           + ", ".join(md_text(d) for d in h.common)
           + f"; common moves: {md_text(h.common_moves.replace('_', ' '))}. "
           "✓ stable, · not stable.", ""]
    for v in views:
        out += [f"## Local conflict {md_text(v.local.name)}: {md_text(v.local.title)}", "",
                "Options: " + ", ".join(md_text(k) for k in v.conflict.option_keys) + ".", ""]
        out += table(v.conflict, local_verdicts[v.local.name]) + [""]
    out += ["## Overall model", "",
            "Each overall state combines one state of every local conflict (columns "
            + ", ".join(md_text(v.local.name) for v in views) + "). Options: "
            + ", ".join(md_text(k) for k in conflict.option_keys) + ".", ""]
    out += table(conflict, overall_verdicts, [v.local.name for v in views]) + [""]
    for dm, found in consistency.items():
        verdict = "are consistent with its local ones" if not found else \
            "disagree with its local ones on states that differ in one local conflict only"
        out.append(f"The overall preferences of {md_text(dm)} {verdict}.")
    return "\n".join(out) + "\n"


def register(app: typer.Typer) -> None:
    app.command("hierarchy")(hierarchy_command)
