"""Commands over the graph model: ``analyze``, ``check``, ``explain``, ``states``, ``schema``."""

from __future__ import annotations

import json
import sys
import time
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from standoff.errors import ModelError

MaxStates = Annotated[
    int,
    typer.Option("--max-states", help="Refuse models whose state space would exceed this."),
]
ModelPath = Annotated[Path, typer.Argument(help="Model file (YAML or JSON).", show_default=False)]


class Format(StrEnum):
    table = "table"
    json = "json"
    markdown = "markdown"
    csv = "csv"


def _load(model: Path, max_states: int):
    from standoff import load

    return load(model, max_states=max_states)


class _Progress:
    """A rich progress bar on standard error, shown only once work has taken over 2 s."""

    def __init__(self) -> None:
        self.started = time.perf_counter()
        self.bar = None
        self.task = None

    def __call__(self, done: int, total: int, label: str) -> None:
        if self.bar is None:
            if time.perf_counter() - self.started < 2.0 or not sys.stderr.isatty():
                return
            from rich.progress import Progress

            self.bar = Progress(console=Console(stderr=True), transient=True)
            self.bar.start()
            self.task = self.bar.add_task("analysing", total=total)
        self.bar.update(self.task, completed=done, description=label)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.stop()


def _concepts(concepts: str | None) -> tuple[str, ...]:
    from standoff.analysis import parse_concepts

    try:
        return parse_concepts(concepts)
    except ValueError as exc:
        raise ModelError(str(exc), file="--concepts",
                         hint="e.g. --concepts nash,gmr,smr,seq,sim") from None


def analyze_command(
    model: ModelPath,
    concepts: Annotated[
        str | None,
        typer.Option("--concepts", "-c", help="Comma-separated: nash,gmr,smr,seq,sim."),
    ] = None,
    format: Annotated[Format, typer.Option("--format", "-f", help="Output format.")] = Format.table,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write to this file instead.")
    ] = None,
    max_states: MaxStates = 1 << 22,
) -> None:
    """Stability of every state for every decision maker, and the equilibria."""
    from standoff.analysis import analyze
    from standoff.report.tables import analysis_csv, analysis_markdown, print_analysis

    keys = _concepts(concepts)
    conflict = _load(model, max_states)
    progress = _Progress()
    try:
        result = analyze(conflict, keys, progress=progress)
    finally:
        progress.close()
    if format is Format.table:
        if output is None:
            print_analysis(result, Console(soft_wrap=False))
            return
        console = Console(file=open(output, "w", encoding="utf-8"), width=200)  # noqa: SIM115
        print_analysis(result, console)
        console.file.close()
        return
    if format is Format.json:
        text = json.dumps(result.to_dict(), indent=2, ensure_ascii=False) + "\n"
    elif format is Format.markdown:
        text = analysis_markdown(result)
    else:
        text = analysis_csv(result)
    _emit(text, output)


def _emit(text: str, output: Path | None) -> None:
    if output is None:
        sys.stdout.write(text)
    else:
        output.write_text(text, encoding="utf-8")


def check_command(model: ModelPath, max_states: MaxStates = 1 << 22) -> None:
    """Validate a model file and report its size; exit 2 with a located message if it is bad."""
    conflict = _load(model, max_states)
    moves = sum(g.edge_count for g in conflict.moves)
    sq = "none" if conflict.status_quo is None else conflict.show(conflict.status_quo)
    typer.echo(
        f"{model}: ok: {len(conflict.dm_ids)} decision makers, {len(conflict.option_keys)} "
        f"options, {conflict.state_count} states, {moves} unilateral moves; status quo {sq}"
    )


def states_command(
    model: ModelPath,
    format: Annotated[Format, typer.Option("--format", "-f")] = Format.table,
    max_states: MaxStates = 1 << 22,
) -> None:
    """List the states with their numbers, option patterns and each DM's preference rank."""
    conflict = _load(model, max_states)
    rows = []
    for s in range(conflict.state_count):
        rows.append({
            "id": s + 1,
            "pattern": conflict.pattern(s),
            "taken": conflict.taken(s),
            "rank": {dm: int(conflict.ranks[i, s]) for i, dm in enumerate(conflict.dm_ids)},
        })
    if format is Format.json:
        _emit(json.dumps({"states": rows}, indent=2, ensure_ascii=False) + "\n", None)
        return
    from rich.table import Table

    table = Table(title=f"{conflict.title}: states (rank: higher is preferred)")
    for h in ("state", "pattern", "options taken", *conflict.dm_ids):
        table.add_column(h)
    for r in rows:
        table.add_row(str(r["id"]), r["pattern"], ", ".join(r["taken"]) or "–",
                      *(str(v) for v in r["rank"].values()))
    Console().print(table)


def explain_command(
    model: ModelPath,
    state: Annotated[int, typer.Argument(help="State number.")],
    dm: Annotated[str, typer.Option("--dm", help="Decision maker id.")],
    concept: Annotated[str, typer.Option("--concept", help="nash, gmr, smr, seq or sim.")] = "seq",
    format: Annotated[Format, typer.Option("--format", "-f")] = Format.table,
    max_states: MaxStates = 1 << 22,
) -> None:
    """Explain why STATE is or is not stable for a decision maker under a concept."""
    from standoff.analysis import explain

    keys = _concepts(concept)
    conflict = _load(model, max_states)
    try:
        conflict.dm_index(dm)
    except KeyError:
        raise ModelError(f"unknown decision maker '{dm}'", file="--dm",
                         hint=f"use one of: {', '.join(conflict.dm_ids)}") from None
    if not 1 <= state <= conflict.state_count:
        raise ModelError(f"state {state} does not exist", file="STATE",
                         hint=f"states are numbered 1 to {conflict.state_count}; "
                         f"'standoff states {model}' lists them")
    result = explain(conflict, state, dm, keys[0])
    if format is Format.json:
        _emit(json.dumps(result.to_dict(), indent=2, ensure_ascii=False) + "\n", None)
    else:
        typer.echo(str(result))


def schema_command() -> None:
    """Print the JSON Schema of the model file format standoff/1."""
    from standoff.model.schema import ModelFile

    typer.echo(json.dumps(ModelFile.model_json_schema(), indent=2))


def register(app: typer.Typer) -> None:
    app.command("analyze")(analyze_command)
    app.command("check")(check_command)
    app.command("states")(states_command)
    app.command("explain")(explain_command)
    app.command("schema")(schema_command)
