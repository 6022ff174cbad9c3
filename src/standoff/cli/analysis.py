"""Commands over the graph model: ``analyze``, ``check``, ``explain``, ``states``, ``schema``."""

from __future__ import annotations

import csv
import io
import json
import sys
import time
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from standoff.cli.common import (
    check_dm_and_state,
    check_writable,
    emit,
    emit_rendered,
    emit_text,
    load_conflict,
    make_console,
)
from standoff.concepts import STABILITY, Scope, UnknownConceptError, parse_concepts
from standoff.errors import ModelError
from standoff.output import csv_text, json_text, terminal_text

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


def select_variants(model: Path, max_states: int, variant: str | None, all_variants: bool,
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


def variant_heading(conflict, name: str) -> str:
    """``Variant NAME: what it changes``, the heading of one variant's section (plain text;
    :func:`variant_heading_markdown` is the Markdown form)."""
    from standoff.analysis.variants import describe_variant

    return f"Variant {name}: {describe_variant(conflict.spec, name)}"


def variant_heading_markdown(conflict, name: str) -> str:
    """``Variant NAME: what it changes`` as Markdown, built from the variant's name and
    description, each escaped (:func:`~standoff.report.markdown.md_text`)."""
    from standoff.analysis.variants import describe_variant
    from standoff.report.markdown import md_text

    return f"Variant {md_text(name)}: {md_text(describe_variant(conflict.spec, name))}"


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


def parse_concepts_option(concepts: str | None, option: str = "--concepts",
                          example: str = "nash,gmr,smr,seq,sim",
                          scope: Scope = STABILITY) -> tuple[str, ...]:
    """The concept keys given to ``option``, read through the catalogue
    (:mod:`standoff.concepts`) among those ``scope`` takes; None gives the scope's default.
    A bad key is an :class:`~standoff.concepts.UnknownConceptError` placed at that option."""
    try:
        return tuple(c.key for c in parse_concepts(concepts, scope))
    except UnknownConceptError as exc:
        raise exc.located(option, hint=exc.hint or f"e.g. {option} {example}") from None


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

    keys = parse_concepts_option(concepts)
    if output is not None:
        check_writable([output], inputs=[model])
    selected = select_variants(model, max_states, variant, all_variants)
    results = []
    for name, conflict in selected:
        progress = _Progress()
        try:
            results.append((name, analyze(conflict, keys, progress=progress)))
        finally:
            progress.close()
    several = len(results) > 1 or variant is not None
    if format is Format.table:

        def render(console) -> None:
            for k, (name, result) in enumerate(results):
                if several:
                    if k:
                        console.print()
                    console.print(variant_heading(result.conflict, name), style="bold")
                print_analysis(result, console)

        emit_rendered(render, output)
        return
    if format is Format.json:
        if len(results) == 1:
            doc = results[0][1].to_dict()
            if variant is not None:
                doc["variant"] = variant
        else:
            doc = variants_json(
                results[0][1].conflict.title,
                [(name, r.conflict, "analysis", r.to_dict()) for name, r in results])
        text = json_text(doc)
    elif format is Format.markdown:
        text = "\n".join(
            analysis_markdown(result, variant_heading_markdown(result.conflict, name)
                              if several else None, name if several else None)
            for name, result in results)
    else:
        text = "".join(analysis_csv(result, name if several else None, header=k == 0)
                       for k, (name, result) in enumerate(results))
    emit(text, output)


def variants_json(title: str, items: list[tuple[str, object, str, dict]]) -> dict:
    """``standoff-variants/1``: one entry per ``(variant name, conflict, key, document)``,
    with the variant's description and the document under ``key``."""
    return {"format": "standoff-variants/1", "title": title,
            "variants": [{"variant": name,
                          "description": variant_heading(conflict, name).split(": ", 1)[1],
                          key: doc} for name, conflict, key, doc in items]}


def check_command(
    model: ModelPath,
    max_states: MaxStates = 1 << 22,
    variant: VariantOption = None,
    all_variants: AllVariantsOption = False,
) -> None:
    """Validate a model file (and every variant) and report its size; exit 2 with a located
    message if it is bad."""
    selected = select_variants(model, max_states, variant, all_variants, default_all=True)
    for name, conflict in selected:
        moves = sum(g.edge_count for g in conflict.moves)
        sq = "none" if conflict.status_quo is None else conflict.show(conflict.status_quo)
        label = f"{model}: ok" if name == "base" else f"{model}: variant {name}: ok"
        claims = len(conflict.spec.claims)
        tail = f"; {claims} claim{'s' if claims != 1 else ''}" if name == "base" and claims \
            else ""
        typer.echo(terminal_text(
            f"{label}: {len(conflict.dm_ids)} decision makers, {len(conflict.option_keys)} "
            f"options, {conflict.state_count} states, {moves} unilateral moves; status quo "
            f"{sq}{tail}"
        ))


def states_command(
    model: ModelPath,
    format: Annotated[Format, typer.Option("--format", "-f")] = Format.table,
    max_states: MaxStates = 1 << 22,
    variant: VariantOption = None,
    all_variants: AllVariantsOption = False,
) -> None:
    """List the states with their numbers, option patterns and each DM's preference rank."""
    from rich.table import Table

    selected = select_variants(model, max_states, variant, all_variants)
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
    labelled = len(docs) > 1 or variant is not None
    if format is Format.json:
        if len(docs) == 1 and variant is None:
            doc: dict = {"states": docs[0][2]}
        elif len(docs) == 1:
            doc = {"variant": variant, "states": docs[0][2]}
        else:
            doc = {"variants": [{"variant": name, "states": rows} for name, _, rows in docs]}
        emit(json_text(doc), None)
    elif format is Format.csv:
        emit(_states_csv(docs, labelled=len(docs) > 1), None)
    elif format is Format.markdown:
        emit("\n".join(_states_markdown(conflict, rows, name if labelled else None)
                       for name, conflict, rows in docs), None)
    else:
        for name, conflict, rows in docs:
            suffix = f" — variant {name}" if labelled else ""
            table = Table(title=f"{conflict.title}{suffix}: states (rank: higher is preferred)")
            for h in _state_columns(conflict):
                table.add_column(h)
            for r in rows:
                table.add_row(*_state_cells(r, "–"))
            make_console().print(table)


def _state_columns(conflict) -> tuple[str, ...]:
    """The columns of the states listing: state, pattern, options taken, one per DM."""
    return ("state", "pattern", "options taken", *conflict.dm_ids)


def _state_cells(row: dict, none: str) -> list[str]:
    """One state's cells (``none`` stands for no option taken)."""
    return [str(row["id"]), row["pattern"], ", ".join(row["taken"]) or none,
            *(str(v) for v in row["rank"].values())]


def _states_csv(docs: list[tuple[str, object, list[dict]]], labelled: bool) -> str:
    """The states as CSV, the table's columns (with a leading ``variant`` column when there
    are several variants; their decision makers are the same)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    lead = ["variant"] if labelled else []
    writer.writerow([*lead, *map(csv_text, _state_columns(docs[0][1]))])
    for name, _, rows in docs:
        for r in rows:
            cells = _state_cells(r, "")
            writer.writerow([*([csv_text(name)] if labelled else []), r["id"],
                             *map(csv_text, cells[1:3]), *r["rank"].values()])
    return buffer.getvalue()


def _states_markdown(conflict, rows: list[dict], variant: str | None) -> str:
    """The states as a Markdown table under a heading (naming the variant, if given); model
    text escaped with :func:`~standoff.report.markdown.md_text`."""
    from standoff.report.markdown import md_text

    suffix = f" — variant {md_text(variant)}" if variant is not None else ""
    header = _state_columns(conflict)
    out = [f"# {md_text(conflict.title)}{suffix}: states", ""]
    if variant is not None:
        out += [variant_heading_markdown(conflict, variant) + ".", ""]
    out += ["Rank: higher is preferred. Pattern positions: Y taken, N not taken, – irrelevant.",
            "", "| " + " | ".join(md_text(h) for h in header) + " |", "|" + "---|" * len(header)]
    for r in rows:
        out.append("| " + " | ".join(md_text(c) for c in _state_cells(r, "–")) + " |")
    return "\n".join(out) + "\n"


def explain_command(
    model: ModelPath,
    state: Annotated[int, typer.Argument(help="State number.")],
    dm: Annotated[str, typer.Option("--dm", help="Decision maker id.")],
    concept: Annotated[str, typer.Option(
        "--concept", help="nash, gmr, smr, seq, sim; rnash, rgmr, rsmr, rseq (under "
        "attitudes); nm, l<h>.")] = "seq",
    format: Annotated[Format, typer.Option(
        "--format", "-f", metavar="[table|json|markdown]",
        help="table (plain text), json or markdown; an explanation has no CSV form.",
    )] = Format.table,
    max_states: MaxStates = 1 << 22,
    variant: VariantOption = None,
    all_variants: AllVariantsOption = False,
) -> None:
    """Explain why STATE is or is not stable for a decision maker under a concept."""
    from standoff.analysis import explain

    if format is Format.csv:
        raise ModelError("explain writes an explanation in sentences, which has no CSV form",
                         file="--format", hint="use --format table (plain text), json or "
                         "markdown; 'standoff analyze MODEL --format csv' gives the verdicts "
                         "as CSV")
    keys = parse_concepts_option(concept, "--concept", "seq")
    if len(keys) != 1:
        raise ModelError(f"--concept takes one concept, not {len(keys)}", file="--concept",
                         hint="e.g. --concept seq; run explain once per concept")
    selected = select_variants(model, max_states, variant, all_variants)
    several = len(selected) > 1
    docs: list[dict] = []
    texts: list[str] = []
    for name, conflict in selected:
        check_dm_and_state(conflict, name, dm, state, several or variant is not None, model)
        result = explain(conflict, state, dm, keys[0])
        if format is Format.json:
            doc = result.to_dict()
            if several or variant is not None:
                doc["variant"] = name
            docs.append(doc)
        elif format is Format.markdown:
            heading = f"## {variant_heading_markdown(conflict, name)}\n\n" if several else ""
            texts.append(heading + _explanation_markdown(result))
        else:
            texts.append((variant_heading(conflict, name) + "\n" if several else "")
                         + str(result) + "\n")
    if format is Format.json:
        out = docs[0] if len(docs) == 1 else {"variants": docs}
        emit(json_text(out), None)
    elif format is Format.markdown:
        emit("\n".join(texts), None)
    else:
        emit_text("\n".join(texts), None)


def _explanation_markdown(result) -> str:
    """An explanation as Markdown: the verdict as a paragraph, then one item per unilateral
    improvement (:func:`~standoff.report.markdown.sentences_markdown`)."""
    from standoff.report.markdown import sentences_markdown

    return sentences_markdown(result.sentences)


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
