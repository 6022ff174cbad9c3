"""Commands over the graph model: ``analyze``, ``check``, ``explain``, ``states``, ``schema``."""

from __future__ import annotations

import csv
import io
import json
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from standoff.cli.common import (
    OutputOption,
    ProgressBar,
    check_dm_and_state,
    check_writable,
    emit,
    emit_csv,
    emit_rendered,
    emit_text,
    load_conflict,
    model_kind,
    spinner,
)
from standoff.concepts import STABILITY, Scope, UnknownConceptError, parse_concepts
from standoff.errors import ModelError
from standoff.output import (
    FORMULA_START,
    csv_text,
    json_spliced_utf8,
    json_text,
    splice_token,
    terminal_text,
)

if TYPE_CHECKING:

    from standoff.graph.conflict import Conflict

MaxStates = Annotated[
    int,
    typer.Option("--max-states", min=1,
                 help="Refuse models whose state space would exceed this (1 or more)."),
]
ModelPath = Annotated[Path, typer.Argument(help="The model file (YAML or JSON).",
                                           show_default=False)]
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
                    default_all: bool = False) -> list[tuple[str, Conflict]]:
    """``[(variant name, compiled conflict)]`` as selected by --variant / --all-variants
    (default: the model as written, or every variant when ``default_all``)."""
    from standoff.analysis.variants import compile_variant, variant_conflicts, variant_names
    from standoff.model import read_model

    if variant is not None and all_variants:
        raise ModelError("--variant and --all-variants cannot be used together",
                         file="--variant", hint="give one of them")
    if variant is not None:  # only that variant is compiled, not the model as written first
        with spinner(f"compiling variant {variant} of {model} …"):
            return [(variant, compile_variant(read_model(model), variant, max_states))]
    conflict = load_conflict(model, max_states)
    if all_variants or default_all:
        names = variant_names(conflict.spec)
    else:
        return [("base", conflict)]
    with spinner(f"compiling the variants of {model} …"):
        return list(variant_conflicts(conflict, names, max_states=max_states).items())


#: Copies of its text a JSON listing holds at its peak: the listing is written as text a
#: block of states at a time (:mod:`standoff.report.json_listing`) and held whole only as
#: UTF-8 bytes, once as the encoded blocks and once joined. Measured on a 1,048,576-state,
#: 20-option model (benchmarks/README.md, "Issue 17: JSON listings").
JSON_TEXT_COPIES = 2


def check_json_listing(selected: list[tuple[str, Conflict]], what: str, model: Path,
                       lists: int = 0) -> None:
    """Refuse, before any work, a JSON document listing every state of ``selected`` whose
    text would not fit in memory (:data:`JSON_TEXT_COPIES` times its size in bytes, bounded
    from the columns: :func:`~standoff.report.json_listing.states_listing_bytes`, or with
    ``lists`` lists of state ids per variant, the stable states and equilibria of an
    analysis, :func:`~standoff.report.json_listing.analysis_listing_bytes`). The compiled
    models are already in memory and not counted."""
    from standoff.costs import check_cost
    from standoff.report.json_listing import analysis_listing_bytes, states_listing_bytes

    several = len(selected) > 1
    if lists:
        size = sum(analysis_listing_bytes(c, lists, indent=10 if several else 4)
                   for _, c in selected)
    else:
        size = sum(states_listing_bytes(c, indent=8 if several else 4) for _, c in selected)
    states = sum(c.state_count for _, c in selected)
    check_cost(f"{what} as JSON for {states:,} states", memory=JSON_TEXT_COPIES * size,
               file=str(model), hint="use --format csv (the same rows, far lighter), or "
               "fewer states (feasibility constraints, fewer options)")


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
    format: Annotated[Format, typer.Option(
        "--format", "-f", help="Output format: table (plain text), json, markdown or csv.",
    )] = Format.table,
    output: OutputOption = None,
    max_states: MaxStates = 1 << 22,
    variant: VariantOption = None,
    all_variants: AllVariantsOption = False,
) -> None:
    """Compute the stability of every state for every decision maker, and the equilibria.

    On a terminal, a progress bar on standard error shows the concept and decision maker
    being worked on.
    """
    from standoff.analysis import analyze
    from standoff.report.tables import analysis_csv, analysis_markdown, print_analysis

    keys = parse_concepts_option(concepts)
    if output is not None:
        check_writable([output], inputs=[model])
    selected = select_variants(model, max_states, variant, all_variants)
    if format is Format.json:
        check_json_listing(selected, "the analysis", model,
                           max(len(keys) * (len(c.dm_ids) + 1) for _, c in selected))
    results = []
    for name, conflict in selected:
        with ProgressBar("analysing" if name == "base" else f"variant {name}") as progress:
            results.append((name, analyze(conflict, keys, progress=progress)))
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
        emit(analysis_json(results, variant), output)
        return
    if format is Format.markdown:
        text = "\n".join(
            analysis_markdown(result, variant_heading_markdown(result.conflict, name)
                              if several else None, name if several else None)
            for name, result in results)
    else:
        emit_csv("".join(analysis_csv(result, name if several else None, header=k == 0)
                         for k, (name, result) in enumerate(results)), output)
        return
    emit(text, output)


def analysis_json(results: list[tuple[str, Any]], variant: str | None) -> bytes:
    """The JSON text of ``analyze -f json``, in UTF-8: one ``standoff-analysis/1``
    document, or a ``standoff-variants/1`` one holding several, with the long lists as text
    (:func:`~standoff.report.json_listing.analysis_json_parts`); the same bytes as
    :func:`json_text` of the documents built from ``to_dict()``."""
    from standoff.report.json_listing import analysis_json_parts

    parts: dict = {}
    docs = []
    for name, result in results:
        doc, more = analysis_json_parts(result)
        parts.update(more)
        docs.append((name, result.conflict, "analysis", doc))
    if len(docs) == 1:
        doc = docs[0][3]
        if variant is not None:  # the variant the result records it was computed on
            doc["variant"] = doc["provenance"]["variant"]
    else:
        doc = variants_json(results[0][1].conflict.title, docs)
    return json_spliced_utf8(doc, parts)


def variants_json(title: str, items: list[tuple[str, object, str, dict]]) -> dict:
    """``standoff-variants/1``: one entry per ``(variant name, conflict, key, document)``,
    with the variant's description and the document under ``key``."""
    return {"format": "standoff-variants/1", "title": title,
            "variants": [{"variant": name,
                          "description": variant_heading(conflict, name).split(": ", 1)[1],
                          key: doc} for name, conflict, key, doc in items]}


class CheckFormat(StrEnum):
    table = "table"
    json = "json"


def check_command(
    model: Annotated[Path, typer.Argument(
        help="The model file (YAML or JSON); a bargaining-only file may also be a KTAB CSV "
        "or a decide TSV.", show_default=False)],
    format: Annotated[CheckFormat, typer.Option(
        "--format", "-f", help="Output format: table (one line per model or variant) or json.",
    )] = CheckFormat.table,
    output: OutputOption = None,
    max_states: MaxStates = 1 << 22,
    variant: VariantOption = None,
    all_variants: AllVariantsOption = False,
) -> None:
    """Validate a model file and every variant, and report their sizes.

    A graph model is compiled (decision makers, options, states, moves, status quo); a
    bargaining section, or a file that holds only one (also a KTAB CSV or a decide TSV), is
    read and checked as the forecast command reads it. A bad file gives a message with its
    file and line, and exit code 2.
    """
    if output is not None:
        check_writable([output], inputs=[model])
    kind = model_kind(model)
    entries: list[dict] = []
    if kind != "bargaining":
        selected = select_variants(model, max_states, variant, all_variants, default_all=True)
        for name, conflict in selected:
            entries.append({
                "variant": name,
                "decision_makers": len(conflict.dm_ids),
                "options": len(conflict.option_keys),
                "states": conflict.state_count,
                "unilateral_moves": sum(g.edge_count for g in conflict.moves),
                "status_quo": None if conflict.status_quo is None
                else conflict.show(conflict.status_quo),
                "claims": len(conflict.spec.claims) if name == "base" else None,
            })
    bargaining: dict[str, Any] | None = None
    if kind != "graph":
        from standoff.bargaining import load_model

        found = load_model(model)
        bargaining = {
            "title": found.title,
            "actors": len(found.actors),
            "issues": len(found.issues),
            "outcomes": sum(1 for i in found.issues if i.outcome is not None),
            "rule": found.agreement.rule,
        }
    if format is CheckFormat.json:
        doc = {"format": "standoff-check/1", "file": str(model), "ok": True,
               "graph_model": entries or None, "bargaining": bargaining}
        emit(json_text(doc), output)
        return
    lines = []
    for entry in entries:
        name = entry["variant"]
        label = f"{model}: ok" if name == "base" else f"{model}: variant {name}: ok"
        claims = entry["claims"]
        tail = f"; {claims} claim{'s' if claims != 1 else ''}" if claims else ""
        lines.append(
            f"{label}: {entry['decision_makers']} decision makers, {entry['options']} options, "
            f"{entry['states']} states, {entry['unilateral_moves']} unilateral moves; status "
            f"quo {entry['status_quo'] or 'none'}{tail}")
    if bargaining is not None:
        n, k = bargaining["issues"], bargaining["outcomes"]
        lines.append(
            f"{model}: bargaining: ok: {bargaining['actors']} actors, {n} issue"
            f"{'s' if n != 1 else ''} ({k} with a recorded outcome); agreement rule "
            f"{bargaining['rule'].replace('_', ' ')}")
    emit_text("\n".join(lines) + "\n", output)


def states_command(
    model: ModelPath,
    format: Annotated[Format, typer.Option(
        "--format", "-f", help="Output format: table (plain text), json, markdown or csv.",
    )] = Format.table,
    output: OutputOption = None,
    max_states: MaxStates = 1 << 22,
    variant: VariantOption = None,
    all_variants: AllVariantsOption = False,
) -> None:
    """List the states: number, option pattern and each decision maker's preference rank."""
    from rich.table import Table

    if output is not None:
        check_writable([output], inputs=[model])
    selected = select_variants(model, max_states, variant, all_variants)
    if format is Format.json:  # column by column as text, without a dict per state
        check_json_listing(selected, "the list of states", model)
        emit(states_json(selected, variant), output)
        return
    if format is Format.csv:  # column by column, without a record per state
        emit_csv(_states_csv(selected, labelled=len(selected) > 1), output)
        return
    docs = []
    for name, conflict in selected:
        states = shown_states(conflict)
        keys = conflict.option_keys
        ranks = conflict.ranks[:, list(states)].T.tolist()
        rows = [{
            "id": s + 1,
            "pattern": pattern,
            "taken": [k for k, letter in zip(keys, pattern, strict=True) if letter == "Y"],
            "rank": dict(zip(conflict.dm_ids, rank, strict=True)),
        } for s, pattern, rank in zip(states, conflict.patterns(states), ranks, strict=True)]
        docs.append((name, conflict, rows))
    labelled = len(docs) > 1 or variant is not None
    if format is Format.markdown:
        emit("\n".join(_states_markdown(conflict, rows, name if labelled else None)
                       + _cut_note(conflict, rows, markdown=True)
                       for name, conflict, rows in docs), output)
    else:

        def render(console) -> None:
            for name, conflict, rows in docs:
                suffix = f" — variant {name}" if labelled else ""
                table = Table(title=f"{conflict.title}{suffix}: states (rank: higher is "
                              "preferred)")
                for h in _state_columns(conflict):
                    table.add_column(h)
                for r in rows:
                    table.add_row(*_state_cells(r, "–"))
                console.print(table)
                if len(rows) < conflict.state_count:
                    console.print(_cut_note(conflict, rows, markdown=False), highlight=False)

        emit_rendered(render, output)


def states_json(selected: list[tuple[str, Conflict]], variant: str | None) -> bytes:
    """The JSON text of ``states -f json``, in UTF-8: ``{"states": [...]}`` (with
    ``"variant"`` first when one was asked for), or ``{"variants": [{"variant", "states"},
    ...]}``; each state ``id``, ``pattern``, ``taken`` (option keys) and ``rank`` (per
    decision maker). Written column by column
    (:func:`standoff.report.json_listing.states_listing`): the bytes :func:`json_text`
    writes for the same document built as a dict per state."""
    from standoff.report.json_listing import states_listing

    parts = {splice_token(): states_listing(conflict) for _, conflict in selected}
    tokens = list(parts)
    doc: dict
    if len(selected) == 1 and variant is None:
        doc = {"states": tokens[0]}
    elif len(selected) == 1:
        doc = {"variant": variant, "states": tokens[0]}
    else:
        doc = {"variants": [{"variant": name, "states": token}
                            for (name, _), token in zip(selected, tokens, strict=True)]}
    return json_spliced_utf8(doc, parts)


#: The states listed by ``standoff states`` in a table or Markdown; CSV and JSON list all.
MAX_LISTED_STATES = 1_000


def shown_states(conflict) -> list[int]:
    """The states a table lists: all of them up to :data:`MAX_LISTED_STATES`, else the first
    that many in number order, with the status quo added where it lies beyond them."""
    count = min(conflict.state_count, MAX_LISTED_STATES)
    states = list(range(count))
    sq = conflict.status_quo
    if sq is not None and sq >= count:
        states[-1] = int(sq)
    return states


def _cut_note(conflict, rows: list[dict], markdown: bool) -> str:
    """The line under a listing that leaves states out ("" when it lists every state)."""
    if len(rows) >= conflict.state_count:
        return ""
    text = (f"The table lists {len(rows):,} of {conflict.state_count:,} states (the first "
            "ones in number order, and the status quo); --format csv or json lists every "
            "state.")
    return f"\n{text}\n" if markdown else text


def _state_columns(conflict) -> tuple[str, ...]:
    """The columns of the states listing: state, pattern, options taken, one per DM."""
    return ("state", "pattern", "options taken", *conflict.dm_ids)


def _state_cells(row: dict, none: str) -> list[str]:
    """One state's cells (``none`` stands for no option taken)."""
    return [str(row["id"]), row["pattern"], ", ".join(row["taken"]) or none,
            *(str(v) for v in row["rank"].values())]


def _states_csv(selected: list[tuple[str, Conflict]], labelled: bool) -> str:
    """The states as CSV, the table's columns (with a leading ``variant`` column when there
    are several variants; their decision makers are the same). Built column by column
    (:func:`taken_texts`; a million states in a few seconds instead of a record per
    state)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    lead = ["variant"] if labelled else []
    writer.writerow([*lead, *map(csv_text, _state_columns(selected[0][1]))])
    for name, conflict in selected:
        m = conflict.state_count
        columns: list[Any] = [map(str, range(1, m + 1)), conflict.patterns(),
                              map(_csv_field, taken_texts(conflict)),
                              *(map(str, rank) for rank in conflict.ranks.tolist())]
        if labelled:
            columns.insert(0, [_csv_field(csv_text(name))] * m)
        buffer.writelines(map(_csv_line, zip(*columns, strict=True)))
    return buffer.getvalue()


def _csv_line(fields: tuple[str, ...]) -> str:
    return ",".join(fields) + "\n"


def _csv_field(text: str) -> str:
    """``text`` as :mod:`csv` writes a field by default (``QUOTE_MINIMAL``): in double
    quotes, inner ones doubled, when it holds a comma, a double quote or a newline (the
    line terminator; carriage returns never reach here, :func:`csv_text` escapes them).

    >>> _csv_field("a, b"), _csv_field('a "b" c'), _csv_field("plain")
    ('"a, b"', '"a ""b"" c"', 'plain')
    """
    if "," in text or '"' in text or "\n" in text:
        return '"' + text.replace('"', '""') + '"'
    return text


#: Options per lookup table in :func:`taken_texts` (256 texts per table).
_TAKEN_CHUNK = 8


def taken_texts(conflict: Conflict) -> list[str]:
    """For every state, the options taken (``Y`` in its pattern) as CSV text: the option
    keys joined by ``", "`` (what the states table shows), through :func:`csv_text`.

    Built a few options at a time: for each group of :data:`_TAKEN_CHUNK` options, a table
    of the texts of its 256 combinations, gathered per state and concatenated, so a state
    costs a few string operations instead of one per option.

    >>> from standoff import load
    >>> c = load("examples/elmira.yaml")
    >>> taken_texts(c)[8] == ", ".join(c.taken(8))
    True
    """
    import numpy as np

    keys = conflict.option_keys
    m = conflict.state_count
    taken_bits = conflict.space.patterns & ~conflict.space.irrelevant
    text = np.full(m, "", dtype=object)
    for first in range(0, len(keys), _TAKEN_CHUNK):
        chunk = keys[first:first + _TAKEN_CHUNK]
        table = np.array(
            ["".join(", " + terminal_text(k) for b, k in enumerate(chunk) if code >> b & 1)
             for code in range(1 << len(chunk))], dtype=object)
        codes = (taken_bits >> np.uint64(first)) & np.uint64((1 << len(chunk)) - 1)
        text += table[codes.astype(np.intp)]
    texts = [t[2:] for t in text.tolist()]  # each text starts with the separator
    if any(k.startswith(FORMULA_START) for k in keys):  # a spreadsheet would evaluate them
        texts = [csv_text(t) for t in texts]
    return texts


def _states_markdown(conflict, rows: list[dict], variant: str | None) -> str:
    """The states as a Markdown table under a heading (naming the variant, if given); model
    text escaped with :func:`~standoff.report.markdown.md_text`."""
    from standoff.report.markdown import markdown_table, md_text

    suffix = f" — variant {md_text(variant)}" if variant is not None else ""
    header = _state_columns(conflict)
    out = [f"# {md_text(conflict.title)}{suffix}: states", ""]
    if variant is not None:
        out += [variant_heading_markdown(conflict, variant) + ".", ""]
    out += ["Rank: higher is preferred. Pattern positions: Y taken, N not taken, – irrelevant.",
            ""]
    out += markdown_table(header, [_state_cells(r, "–") for r in rows])
    return "\n".join(out) + "\n"


def explain_command(
    model: ModelPath,
    state: Annotated[int, typer.Argument(help="The state's number.")],
    dm: Annotated[str, typer.Option("--dm", help="The decision maker's id.")],
    concept: Annotated[str, typer.Option(
        "--concept", help="The solution concept: nash, gmr, smr, seq, sim; rnash, rgmr, rsmr or "
        "rseq under attitudes; nm or L(h) such as l2.")] = "seq",
    format: Annotated[Format, typer.Option(
        "--format", "-f", metavar="<table|json|markdown>",
        help="Output format: table (plain text), json or markdown; an explanation has no CSV "
        "form.",
    )] = Format.table,
    output: OutputOption = None,
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
    if output is not None:
        check_writable([output], inputs=[model])
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
        emit(json_text(out), output)
    elif format is Format.markdown:
        emit("\n".join(texts), output)
    else:
        emit_text("\n".join(texts), output)


def _explanation_markdown(result) -> str:
    """An explanation as Markdown: the verdict as a paragraph, then one item per unilateral
    improvement (:func:`~standoff.report.markdown.sentences_markdown`)."""
    from standoff.report.markdown import sentences_markdown

    return sentences_markdown(result.sentences)


class SchemaFormat(StrEnum):
    json = "json"


def schema_command(
    format: Annotated[SchemaFormat, typer.Option(
        "--format", "-f", help="Output format: json, the only form of a JSON Schema.",
    )] = SchemaFormat.json,
    output: OutputOption = None,
) -> None:
    """Print the JSON Schema of the model file format standoff/1."""
    from standoff.model.schema import ModelFile

    if output is not None:
        check_writable([output])
    emit(json.dumps(ModelFile.model_json_schema(), indent=2) + "\n", output)


def register(app: typer.Typer) -> None:
    app.command("analyze")(analyze_command)
    app.command("check")(check_command)
    app.command("states")(states_command)
    app.command("explain")(explain_command)
    app.command("schema")(schema_command)
