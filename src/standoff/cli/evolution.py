"""Commands beyond the classic stability table: ``paths``, ``coalitions``, ``inverse``,
``lookahead``.

* ``standoff paths MODEL``: status quo analysis (Li, Kilgour & Hipel 2005).
* ``standoff coalitions MODEL``: CNash/CGMR/CSMR/CSEQ per coalition (Inohara & Hipel 2008).
* ``standoff inverse MODEL --state S --vary DM``: rankings making S an equilibrium.
* ``standoff lookahead MODEL STATE --dm ID --horizon H``: the anticipated line of play
  behind an L(h) verdict (Kilgour 1985), for two-decision-maker models.
"""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from standoff.cli.common import load_conflict, make_console
from standoff.errors import ModelError

ModelPath = Annotated[Path, typer.Argument(help="Model file (YAML or JSON).", show_default=False)]
MaxStates = Annotated[
    int, typer.Option("--max-states", help="Refuse models whose state space would exceed this.")
]
Output = Annotated[
    Path | None, typer.Option("--output", "-o", help="Write to this file instead.")
]


class Format(StrEnum):
    table = "table"
    json = "json"
    markdown = "markdown"


class Moves(StrEnum):
    ui = "ui"
    any = "any"


TABLE_ITEMS = 20


def _abridged(items: list[str], sep: str) -> str:
    """At most :data:`TABLE_ITEMS` entries, then how many there are in all."""
    if len(items) <= TABLE_ITEMS:
        return sep.join(items)
    return sep.join(items[:TABLE_ITEMS]) + f"{sep}… ({len(items):,} in all)"


def _emit(text: str, output: Path | None) -> None:
    if output is None:
        sys.stdout.write(text)
    else:
        output.write_text(text, encoding="utf-8")


def _json(data: dict[str, Any], output: Path | None) -> None:
    _emit(json.dumps(data, indent=2, ensure_ascii=False) + "\n", output)


def _print(render, output: Path | None) -> None:
    """Render rich output to the terminal or to a file."""
    if output is None:
        render(make_console(soft_wrap=False))
        return
    with open(output, "w", encoding="utf-8") as handle:
        render(make_console(file=handle, width=200))


# -- paths -----------------------------------------------------------------------------------


def paths_command(
    model: ModelPath,
    to: Annotated[
        list[str] | None,
        typer.Option("--to", help="Target: a state number or a statement over options "
                     "(repeatable). Default: every equilibrium."),
    ] = None,
    moves: Annotated[Moves, typer.Option("--moves", help="Steps: ui (unilateral "
                                         "improvements) or any (any unilateral move).")
                     ] = Moves.ui,
    coalitions: Annotated[
        bool, typer.Option("--coalitions", help="Also allow coalitional improvements.")
    ] = False,
    start: Annotated[
        int | None, typer.Option("--from", help="Start here instead of the status quo.")
    ] = None,
    concepts: Annotated[
        str | None, typer.Option("--concepts", "-c", help="Concepts for the equilibria.")
    ] = None,
    format: Annotated[Format, typer.Option("--format", "-f")] = Format.table,
    output: Output = None,
    max_states: MaxStates = 1 << 22,
) -> None:
    """Status quo analysis: reachable equilibria and the shortest evolution path to each."""
    from standoff.analysis import analyze, parse_concepts
    from standoff.analysis.paths import select_states, status_quo_analysis

    try:
        keys = parse_concepts(concepts)
    except ValueError as exc:
        raise ModelError(str(exc), file="--concepts", hint="e.g. --concepts nash,seq") from None
    conflict = load_conflict(model, max_states)
    targets = None
    if to:
        targets = sorted({s for selector in to for s in select_states(conflict, selector)})
    result = status_quo_analysis(conflict, analyze(conflict, keys), moves.value, coalitions,
                                 targets, start)
    if format is Format.json:
        _json(result.to_dict(), output)
    elif format is Format.markdown:
        _emit(result.to_markdown(), output)
    else:
        _print(lambda console: _print_paths(result, console), output)


def _print_paths(result, console: Console) -> None:
    c = result.conflict
    for sentence in result.sentences()[: 1 + len(result.reachable_equilibria)]:
        console.print(sentence, highlight=False)
    if result.at_start:
        console.print(result.sentences()[1 + len(result.reachable_equilibria)],
                      highlight=False)
    for path in result.paths:
        table = Table(title=f"Evolution from {c.show(path.start - 1)} to "
                      f"{c.show(path.target - 1)}")
        rows = result.evolution_table(path)
        for h in rows[0]:
            table.add_column(h)
        for row in rows[1:]:
            table.add_row(*row)
        console.print(table)
        console.print(path.sentence(c), highlight=False)
    for t in result.unreachable:
        console.print(f"{c.show(t - 1)} cannot be reached by {result.how}.", highlight=False)


# -- coalitions ------------------------------------------------------------------------------


def coalitions_command(
    model: ModelPath,
    coalition: Annotated[
        list[str] | None,
        typer.Option("--coalition", help="A coalition, ids joined by '+' (repeatable). "
                     "Default: every group of two or more."),
    ] = None,
    explain: Annotated[
        int | None, typer.Option("--explain", help="Explain this state for each coalition.")
    ] = None,
    concept: Annotated[
        str, typer.Option("--concept", help="cnash, cgmr, csmr or cseq (for --explain).")
    ] = "cnash",
    format: Annotated[Format, typer.Option("--format", "-f")] = Format.table,
    output: Output = None,
    max_states: MaxStates = 1 << 22,
) -> None:
    """Coalitional improvements and CNash, CGMR, CSMR, CSEQ for each coalition."""
    from standoff.analysis.coalitions import analyze_coalitions
    from standoff.stability.coalition import COALITION_CONCEPT_NAMES, COALITION_CONCEPTS

    conflict = load_conflict(model, max_states)
    concept = concept.lower()
    if concept not in COALITION_CONCEPTS:
        raise ModelError(f"unknown coalition concept '{concept}'", file="--concept",
                         hint=f"use one of {', '.join(COALITION_CONCEPTS)}")
    if explain is not None and not 1 <= explain <= conflict.state_count:
        raise ModelError(f"state {explain} does not exist", file="--explain",
                         hint=f"states are numbered 1 to {conflict.state_count}")
    result = analyze_coalitions(conflict, coalition)
    if explain is not None:
        explanations = [r.explain(explain, concept) for r in result.coalitions]
        if format is Format.json:
            _json({"explanations": [e.to_dict() for e in explanations]}, output)
        else:
            _emit("\n\n".join(str(e) for e in explanations) + "\n", output)
        return
    if format is Format.json:
        _json(result.to_dict(), output)
        return
    if format is Format.markdown:
        _emit(result.to_markdown(), output)
        return

    def render(console: Console) -> None:
        table = Table(title=f"{conflict.title}: coalition stability")
        table.add_column("coalition")
        table.add_column("coalitional improvements")
        for k in COALITION_CONCEPTS:
            table.add_column(COALITION_CONCEPT_NAMES[k])
        cut = False
        for r in result.coalitions:
            items = [f"{s}→{', '.join(map(str, t))}" for s, t in r.improvements.items()]
            imp = _abridged(items, "; ")
            cut |= len(items) > TABLE_ITEMS
            cells = []
            for k in COALITION_CONCEPTS:
                cells.append(_abridged([str(x) for x in r.stable[k]], ", "))
                cut |= len(r.stable[k]) > TABLE_ITEMS
            table.add_row(" + ".join(r.members), imp or "none", *cells)
        console.print(table)
        for k, states in result.equilibria.items():
            shown = _abridged([conflict.show(s - 1) for s in states], ", ")
            cut |= len(states) > TABLE_ITEMS
            console.print(f"  {COALITION_CONCEPT_NAMES[k]:<6} stable for every coalition: "
                          + (shown or "none"), highlight=False)
        if cut:
            console.print(f"Long lists show their first {TABLE_ITEMS} entries; "
                          "--format json lists everything.", highlight=False)

    _print(render, output)


# -- inverse ---------------------------------------------------------------------------------


def inverse_command(
    model: ModelPath,
    state: Annotated[int, typer.Option("--state", help="The desired equilibrium (number).")],
    vary: Annotated[
        list[str], typer.Option("--vary", help="A decision maker whose ranking varies "
                                "(repeatable, or comma-separated).")
    ],
    given: Annotated[
        list[str] | None,
        typer.Option("--given", help="A constraint kept while varying, e.g. "
                     "'syria prefers 1 to 3' (repeatable)."),
    ] = None,
    concepts: Annotated[
        str, typer.Option("--concepts", "-c", help="Some of nash,gmr,smr,seq.")
    ] = "nash,gmr,smr,seq",
    examples: Annotated[int, typer.Option("--examples", help="Rankings to show per concept.")
                        ] = 3,
    enumerate_all: Annotated[
        bool, typer.Option("--enumerate", help="List every ranking instead of counting "
                           "smartly (slow; a check).")
    ] = False,
    format: Annotated[Format, typer.Option("--format", "-f")] = Format.table,
    output: Output = None,
    max_states: MaxStates = 1 << 22,
) -> None:
    """Count the rankings of the varied decision makers that make STATE an equilibrium."""
    from standoff.analysis.inverse import inverse_analysis, parse_given

    conflict = load_conflict(model, max_states)
    names = [v.strip() for item in vary for v in item.split(",") if v.strip()]
    keys = [k.strip().lower() for k in concepts.split(",") if k.strip()]
    constraints = [parse_given(g) for g in given or []]
    result = inverse_analysis(conflict, state, names, keys, constraints, examples,
                              "enumerate" if enumerate_all else "auto")
    if format is Format.json:
        _json(result.to_dict(), output)
        return
    lines = result.sentences()
    md = format is Format.markdown
    if md:
        lines = [f"# Inverse analysis: {conflict.title}", "", *(f"- {x}" for x in lines)]
    from standoff.stability import CONCEPT_NAMES

    for k in result.counts:
        lines.append("")
        lines.append(f"{'## ' if md else ''}{CONCEPT_NAMES[k]} ({result.methods[k]})")
        if md:
            lines.append("")
        lines += [f"  - {x}" if not md else f"- {x}" for x in result.conditions[k]]
        for ex in result.examples[k]:
            shown = "; ".join(f"{d}: {' > '.join(map(str, r))}" for d, r in ex.items())
            lines.append(f"  e.g. {shown}" if not md else f"- e.g. {shown}")
    _emit("\n".join(lines) + "\n", output)


# -- lookahead -------------------------------------------------------------------------------


def lookahead_command(
    model: ModelPath,
    state: Annotated[int, typer.Argument(help="State number.")],
    dm: Annotated[str, typer.Option("--dm", help="Decision maker id.")],
    horizon: Annotated[int, typer.Option("--horizon", "-h", help="Moves looked ahead.")] = 2,
    format: Annotated[Format, typer.Option("--format", "-f")] = Format.table,
    max_states: MaxStates = 1 << 22,
) -> None:
    """Explain L(h) stability: each move and the anticipated line of play (2 DMs)."""
    from standoff.stability.limited_move import explain_limited_move

    conflict = load_conflict(model, max_states)
    try:
        conflict.dm_index(dm)
    except KeyError:
        raise ModelError(f"unknown decision maker '{dm}'", file="--dm",
                         hint=f"use one of: {', '.join(conflict.dm_ids)}") from None
    if not 1 <= state <= conflict.state_count:
        raise ModelError(f"state {state} does not exist", file="STATE",
                         hint=f"states are numbered 1 to {conflict.state_count}")
    if horizon < 1:
        raise ModelError("the horizon must be at least 1", file="--horizon",
                         hint="e.g. --horizon 2")
    result = explain_limited_move(conflict, state, dm, horizon)
    if format is Format.json:
        _json(result.to_dict(), None)
    else:
        typer.echo(str(result))


def register(app: typer.Typer) -> None:
    app.command("paths")(paths_command)
    app.command("coalitions")(coalitions_command)
    app.command("inverse")(inverse_command)
    app.command("lookahead")(lookahead_command)
