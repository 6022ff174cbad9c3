"""Commands over the graph model: ``analyze``, ``check``, ``explain``, ``states``, ``schema``."""

from __future__ import annotations

import json
import sys
import time
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from standoff.cli.common import load_conflict, make_console
from standoff.errors import ModelError

MaxStates = Annotated[
    int,
    typer.Option("--max-states", help="Refuse models whose state space would exceed this."),
]
ModelPath = Annotated[Path, typer.Argument(help="Model file (YAML or JSON).", show_default=False)]
VariantOption = Annotated[
    str | None,
    typer.Option("--variant", help="Use this variant of the model (see 'variants:'); "
                 "'base' is the model as written."),
]
AllVariantsOption = Annotated[
    bool, typer.Option("--all-variants", help="Run for the model and every variant.")
]


class Format(StrEnum):
    table = "table"
    json = "json"
    markdown = "markdown"
    csv = "csv"


def _variants(model: Path, max_states: int, variant: str | None, all_variants: bool,
              default_all: bool = False) -> list[tuple[str, object]]:
    """``[(variant name, compiled conflict)]`` as selected by --variant / --all-variants
    (default: the model as written, or every variant when ``default_all``)."""
    from standoff.analysis.variants import variant_conflicts, variant_names

    conflict = load_conflict(model, max_states)
    if variant is not None and all_variants:
        raise ModelError("--variant and --all-variants cannot be used together",
                         file="--variant", hint="give one of them")
    if variant is not None:
        names: tuple[str, ...] = (variant,)
    elif all_variants or default_all:
        names = variant_names(conflict.spec)
    else:
        return [("base", conflict)]
    return list(variant_conflicts(conflict, names, max_states=max_states).items())


def _heading(conflict, name: str) -> str:
    from standoff.analysis.variants import describe_variant

    return f"Variant {name}: {describe_variant(conflict.spec, name)}"


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

            self.bar = Progress(console=make_console(stderr=True), transient=True)
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
    variant: VariantOption = None,
    all_variants: AllVariantsOption = False,
) -> None:
    """Stability of every state for every decision maker, and the equilibria."""
    from standoff.analysis import analyze
    from standoff.report.tables import analysis_csv, analysis_markdown, print_analysis

    keys = _concepts(concepts)
    selected = _variants(model, max_states, variant, all_variants)
    results = []
    for name, conflict in selected:
        progress = _Progress()
        try:
            results.append((name, analyze(conflict, keys, progress=progress)))
        finally:
            progress.close()
    several = len(results) > 1 or variant is not None
    if format is Format.table:
        console = make_console(soft_wrap=False) if output is None else \
            make_console(file=open(output, "w", encoding="utf-8"), width=200)  # noqa: SIM115
        for k, (name, result) in enumerate(results):
            if several:
                if k:
                    console.print()
                console.print(_heading(result.conflict, name), style="bold")
            print_analysis(result, console)
        if output is not None:
            console.file.close()
        return
    if format is Format.json:
        if len(results) == 1:
            doc = results[0][1].to_dict()
            if variant is not None:
                doc["variant"] = variant
        else:
            doc = {"format": "standoff-variants/1", "title": results[0][1].conflict.title,
                   "variants": [{"variant": name,
                                 "description": _heading(r.conflict, name).split(": ", 1)[1],
                                 "analysis": r.to_dict()} for name, r in results]}
        text = json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
    elif format is Format.markdown:
        parts = []
        for name, result in results:
            head = f"<!-- {_heading(result.conflict, name)} -->\n" if several else ""
            body = analysis_markdown(result)
            if several:
                body = body.replace(f"# {result.conflict.title}",
                                    f"# {result.conflict.title} — variant {name}", 1)
            parts.append(head + body)
        text = "\n".join(parts)
    else:
        if not several:
            text = analysis_csv(results[0][1])
        else:
            lines = []
            for k, (name, result) in enumerate(results):
                body = analysis_csv(result).splitlines()
                if k == 0:
                    lines.append("variant," + body[0])
                lines += [f"{name},{row}" for row in body[1:]]
            text = "\n".join(lines) + "\n"
    _emit(text, output)


def _emit(text: str, output: Path | None) -> None:
    if output is None:
        sys.stdout.write(text)
    else:
        output.write_text(text, encoding="utf-8")


def check_command(
    model: ModelPath,
    max_states: MaxStates = 1 << 22,
    variant: VariantOption = None,
    all_variants: AllVariantsOption = False,
) -> None:
    """Validate a model file (and every variant) and report its size; exit 2 with a located
    message if it is bad."""
    selected = _variants(model, max_states, variant, all_variants, default_all=True)
    for name, conflict in selected:
        moves = sum(g.edge_count for g in conflict.moves)
        sq = "none" if conflict.status_quo is None else conflict.show(conflict.status_quo)
        label = f"{model}: ok" if name == "base" else f"{model}: variant {name}: ok"
        claims = len(conflict.spec.claims)
        tail = f"; {claims} claim{'s' if claims != 1 else ''}" if name == "base" and claims \
            else ""
        typer.echo(
            f"{label}: {len(conflict.dm_ids)} decision makers, {len(conflict.option_keys)} "
            f"options, {conflict.state_count} states, {moves} unilateral moves; status quo "
            f"{sq}{tail}"
        )


def states_command(
    model: ModelPath,
    format: Annotated[Format, typer.Option("--format", "-f")] = Format.table,
    max_states: MaxStates = 1 << 22,
    variant: VariantOption = None,
    all_variants: AllVariantsOption = False,
) -> None:
    """List the states with their numbers, option patterns and each DM's preference rank."""
    from rich.table import Table

    selected = _variants(model, max_states, variant, all_variants)
    docs = []
    for name, conflict in selected:
        rows = []
        for s in range(conflict.state_count):
            rows.append({
                "id": s + 1,
                "pattern": conflict.pattern(s),
                "taken": conflict.taken(s),
                "rank": {dm: int(conflict.ranks[i, s]) for i, dm in enumerate(conflict.dm_ids)},
            })
        docs.append((name, conflict, rows))
    if format is Format.json:
        if len(docs) == 1 and variant is None:
            doc: dict = {"states": docs[0][2]}
        elif len(docs) == 1:
            doc = {"variant": variant, "states": docs[0][2]}
        else:
            doc = {"variants": [{"variant": name, "states": rows} for name, _, rows in docs]}
        _emit(json.dumps(doc, indent=2, ensure_ascii=False) + "\n", None)
        return
    for name, conflict, rows in docs:
        suffix = f" — variant {name}" if len(docs) > 1 or variant is not None else ""
        table = Table(title=f"{conflict.title}{suffix}: states (rank: higher is preferred)")
        for h in ("state", "pattern", "options taken", *conflict.dm_ids):
            table.add_column(h)
        for r in rows:
            table.add_row(str(r["id"]), r["pattern"], ", ".join(r["taken"]) or "–",
                          *(str(v) for v in r["rank"].values()))
        make_console().print(table)


def explain_command(
    model: ModelPath,
    state: Annotated[int, typer.Argument(help="State number.")],
    dm: Annotated[str, typer.Option("--dm", help="Decision maker id.")],
    concept: Annotated[str, typer.Option("--concept", help="nash, gmr, smr, seq or sim.")] = "seq",
    format: Annotated[Format, typer.Option("--format", "-f")] = Format.table,
    max_states: MaxStates = 1 << 22,
    variant: VariantOption = None,
    all_variants: AllVariantsOption = False,
) -> None:
    """Explain why STATE is or is not stable for a decision maker under a concept."""
    from standoff.analysis import explain

    keys = _concepts(concept)
    selected = _variants(model, max_states, variant, all_variants)
    several = len(selected) > 1
    docs = []
    for name, conflict in selected:
        try:
            conflict.dm_index(dm)
        except KeyError:
            raise ModelError(f"unknown decision maker '{dm}'", file="--dm",
                             hint=f"use one of: {', '.join(conflict.dm_ids)}") from None
        if not 1 <= state <= conflict.state_count:
            where = f" in variant {name}" if several or variant is not None else ""
            raise ModelError(f"state {state} does not exist{where}", file="STATE",
                             hint=f"states are numbered 1 to {conflict.state_count}; "
                             f"'standoff states {model}' lists them")
        result = explain(conflict, state, dm, keys[0])
        if format is Format.json:
            doc = result.to_dict()
            if several or variant is not None:
                doc["variant"] = name
            docs.append(doc)
        else:
            if several:
                typer.echo(("\n" if docs else "") + _heading(conflict, name))
            typer.echo(str(result))
            docs.append({})
    if format is Format.json:
        out = docs[0] if len(docs) == 1 else {"variants": docs}
        _emit(json.dumps(out, indent=2, ensure_ascii=False) + "\n", None)


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
