"""Commands beyond the classic stability table: ``paths``, ``coalitions``, ``inverse``,
``lookahead``.

* ``standoff paths MODEL``: status quo analysis (Li, Kilgour & Hipel 2005).
* ``standoff coalitions MODEL``: CNash/CGMR/CSMR/CSEQ per coalition (Inohara & Hipel 2008).
* ``standoff inverse MODEL --state S --vary DM``: rankings making S an equilibrium.
* ``standoff lookahead MODEL STATE --dm ID --horizon H``: the anticipated line of play
  behind an L(h) verdict (Kilgour 1985), for two-decision-maker models.

``paths``, ``coalitions`` and ``lookahead`` take ``--variant NAME`` or ``--all-variants`` (one
section per variant, under a heading); ``inverse`` takes ``--variant NAME`` only.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from standoff.cli.analysis import (
    AllVariantsOption,
    VariantOption,
    parse_concepts_option,
    select_variants,
    variant_heading,
    variant_heading_markdown,
    variants_json,
)
from standoff.cli.common import (
    OutputOption,
    ProgressBar,
    check_dm_and_state,
    check_writable,
    emit,
    emit_rendered,
    emit_text,
)
from standoff.concepts import COALITIONS, INVERSE, label
from standoff.errors import ModelError
from standoff.output import json_text

if TYPE_CHECKING:
    from standoff.graph.conflict import Conflict

ModelPath = Annotated[Path, typer.Argument(help="The model file (YAML or JSON).",
                                           show_default=False)]
MaxStates = Annotated[
    int,
    typer.Option("--max-states", min=1,
                 help="Refuse models whose state space would exceed this (1 or more)."),
]
Output = OutputOption


class Format(StrEnum):
    table = "table"
    json = "json"
    markdown = "markdown"


FormatOption = Annotated[Format, typer.Option(
    "--format", "-f", help="Output format: table (plain text), json or markdown.")]


class Moves(StrEnum):
    ui = "ui"
    any = "any"


TABLE_ITEMS = 20


def _abridged(items: list[str], sep: str) -> str:
    """At most :data:`TABLE_ITEMS` entries, then how many there are in all."""
    if len(items) <= TABLE_ITEMS:
        return sep.join(items)
    return sep.join(items[:TABLE_ITEMS]) + f"{sep}… ({len(items):,} in all)"


@dataclass
class _Section:
    """One variant's result, ready to be shown in any format.

    Attributes:
        name: the variant (``base`` for the model as written).
        conflict: the variant's compiled conflict.
        to_dict: the JSON document.
        to_markdown: the Markdown text, given ``(variant, note)``: the variant's name for
            the title (``None`` when unlabelled) and a Markdown line saying what it changes.
        render: rich output for the terminal (``None`` when ``to_text`` gives plain text).
        to_text: plain text for the terminal, used when ``render`` is ``None``.
    """

    name: str
    conflict: Conflict
    to_dict: Callable[[], dict[str, Any]]
    to_markdown: Callable[[str | None, str | None], str]
    render: Callable[[Console], None] | None = None
    to_text: Callable[[], str] | None = None


def _write(sections: list[_Section], key: str, format: Format, output: Path | None,
           labelled: bool) -> None:
    """Print or write ``sections`` (one per variant) in ``format``; with ``labelled``, each
    under its variant's heading. Several sections in JSON make a ``standoff-variants/1``
    document with each result under ``key``."""
    if format is Format.json:
        if len(sections) == 1:
            doc = sections[0].to_dict()
            if labelled:  # as the result records it, when it carries its provenance
                provenance = doc.get("provenance") or {}
                doc["variant"] = provenance.get("variant", sections[0].name)
        else:
            doc = variants_json(sections[0].conflict.title,
                                [(x.name, x.conflict, key, x.to_dict()) for x in sections])
        emit(json_text(doc), output)
    elif format is Format.markdown:
        emit("\n".join(x.to_markdown(x.name if labelled else None,
                                     variant_heading_markdown(x.conflict, x.name)
                                     if labelled else None) for x in sections), output)
    elif sections[0].render is None:
        emit_text("\n".join((variant_heading(x.conflict, x.name) + "\n" if labelled else "")
                            + (x.to_text() if x.to_text is not None else "")
                            for x in sections), output)
    else:

        def render(console: Console) -> None:
            for k, x in enumerate(sections):
                if labelled:
                    if k:
                        console.print()
                    console.print(variant_heading(x.conflict, x.name), style="bold")
                if x.render is not None:
                    x.render(console)

        emit_rendered(render, output)


def _explanations_json(found: list[Any]) -> dict[str, Any]:
    """The JSON document of coalition explanations."""
    return {"explanations": [e.to_dict() for e in found]}


def _titled(title: str | None, variant: str | None, note: str | None, body: str) -> str:
    """Markdown ``body`` under a ``# title`` (Markdown, already escaped), the variant's
    name added to it and ``note`` (what the variant changes) below; with no ``title``, a
    labelled body gets the heading ``# Variant NAME``."""
    from standoff.report.markdown import md_text

    head = []
    if title is not None:
        head.append(f"# {title}" + (f" — variant {md_text(variant)}" if variant else ""))
    elif variant is not None:
        head.append(f"# Variant {md_text(variant)}")
    if head and note:
        head += ["", note + "."]
    return "\n".join([*head, ""]) + "\n" + body if head else body


def _sentences_section(name: str, conflict: Any, to_dict: Callable[[], dict[str, Any]],
                       explanations: list[Any]) -> _Section:
    """A section of explanations (sentences), in every format: plain text, each
    explanation's sentences as Markdown, JSON from ``to_dict``."""
    from standoff.report.markdown import sentences_markdown

    text = "\n\n".join(str(e) for e in explanations) + "\n"
    return _Section(
        name, conflict, to_dict,
        lambda variant, note: _titled(None, variant, note, "\n".join(
            sentences_markdown(e.sentences) for e in explanations)),
        to_text=lambda: text)


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
    format: FormatOption = Format.table,
    output: Output = None,
    max_states: MaxStates = 1 << 22,
    variant: VariantOption = None,
    all_variants: AllVariantsOption = False,
) -> None:
    """Status quo analysis: reachable equilibria and the shortest evolution path to each.

    With --all-variants, one section per variant (state numbers are each variant's own).
    """
    from standoff.analysis import analyze
    from standoff.analysis.paths import select_states, status_quo_analysis
    from standoff.report.evolution import status_quo_markdown

    keys = parse_concepts_option(concepts, example="nash,seq")
    if output is not None:
        check_writable([output], inputs=[model])
    sections = []
    for name, conflict in select_variants(model, max_states, variant, all_variants):
        targets = None
        if to:
            targets = sorted({s for selector in to for s in select_states(conflict, selector)})
        with ProgressBar("analysing" if name == "base" else f"variant {name}") as progress:
            analysis = analyze(conflict, keys, progress=progress)
        result = status_quo_analysis(conflict, analysis, moves.value, coalitions, targets,
                                     start)
        sections.append(_Section(name, conflict, result.to_dict,
                                 partial(status_quo_markdown, result),
                                 render=partial(_print_paths, result)))
    _write(sections, "paths", format, output, labelled=len(sections) > 1 or variant is not None)


def _print_paths(result, console: Console) -> None:
    c = result.conflict
    sentences = result.sentences()
    for sentence in sentences[: 1 + len(result.reachable_equilibria)]:
        console.print(sentence, highlight=False)
    if result.at_start:
        console.print(sentences[1 + len(result.reachable_equilibria)], highlight=False)
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
    if result.paths_omitted:
        console.print(result.omitted_sentence(), highlight=False)
    if result.unreachable:
        console.print(result.unreachable_sentence(), highlight=False)


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
        str, typer.Option("--concept", help="The coalition concept --explain explains: "
                          "cnash, cgmr, csmr or cseq.")
    ] = "cnash",
    format: FormatOption = Format.table,
    output: Output = None,
    max_states: MaxStates = 1 << 22,
    variant: VariantOption = None,
    all_variants: AllVariantsOption = False,
) -> None:
    """Coalitional improvements and CNash, CGMR, CSMR, CSEQ for each coalition.

    With --all-variants, one section per variant (state numbers are each variant's own).
    """
    from standoff.analysis.coalitions import analyze_coalitions
    from standoff.report.evolution import coalitions_markdown

    keys = parse_concepts_option(concept, "--concept", "cseq", COALITIONS)
    if len(keys) != 1:
        raise ModelError(f"--concept takes one concept, not {len(keys)}", file="--concept",
                         hint="e.g. --concept cseq; run coalitions once per concept")
    concept = keys[0]
    if output is not None:
        check_writable([output], inputs=[model])
    selected = select_variants(model, max_states, variant, all_variants)
    labelled = len(selected) > 1 or variant is not None
    sections = []
    for name, conflict in selected:
        if explain is not None and not 1 <= explain <= conflict.state_count:
            where = f" in variant {name}" if labelled else ""
            raise ModelError(f"state {explain} does not exist{where}", file="--explain",
                             hint=f"states are numbered 1 to {conflict.state_count}")
        result = analyze_coalitions(conflict, coalition)
        if explain is not None:
            found = [r.explain(explain, concept) for r in result.coalitions]
            sections.append(_sentences_section(
                name, conflict, partial(_explanations_json, found),
                found))
        else:
            sections.append(_Section(
                name, conflict, result.to_dict, partial(coalitions_markdown, result),
                render=partial(_print_coalitions, result)))
    key = "coalitions" if explain is None else "explanations"
    _write(sections, key, format, output, labelled)


def coalitions_analysed(result) -> str:
    """Which coalitions the "stable for each" lines speak of, exactly: the ones analysed,
    and which sizes were not (a state listed there need not be stable for a decision maker
    alone, which is a coalition of one)."""
    groups = [" + ".join(r.members) for r in result.coalitions]
    n = len(result.conflict.dm_ids)
    sizes = {len(r.members) for r in result.coalitions}
    left = [k for k in range(1, n + 1) if k not in sizes]
    text = (f"States stable for each of the {len(groups)} coalitions analysed "
            f"({'; '.join(groups)})" if len(groups) != 1 else
            f"States stable for the one coalition analysed ({groups[0]})")
    if left:
        words = {1: "single decision makers"}
        text += "; not analysed: " + ", ".join(words.get(k, f"coalitions of {k}") for k in left)
    return text + ":"


def _print_coalitions(result, console: Console) -> None:
    """The coalition stability table and the states stable for every coalition."""
    conflict = result.conflict
    table = Table(title=f"{conflict.title}: coalition stability")
    table.add_column("coalition")
    table.add_column("coalitional improvements")
    for record in COALITIONS.concepts():
        table.add_column(record.label)
    cut = False
    for r in result.coalitions:
        items = [f"{s}→{', '.join(map(str, t))}" for s, t in r.improvements.items()]
        imp = _abridged(items, "; ")
        cut |= len(items) > TABLE_ITEMS
        cells = []
        for k in COALITIONS.concept_keys():
            cells.append(_abridged([str(x) for x in r.stable[k]], ", "))
            cut |= len(r.stable[k]) > TABLE_ITEMS
        table.add_row(" + ".join(r.members), imp or "none", *cells)
    console.print(table)
    console.print(coalitions_analysed(result), highlight=False)
    for k, states in result.equilibria.items():
        shown = _abridged([conflict.show(s - 1) for s in states], ", ")
        cut |= len(states) > TABLE_ITEMS
        console.print(f"  {label(k):<6} stable for each of them: "
                      + (shown or "none"), highlight=False)
    if cut:
        console.print(f"Long lists show their first {TABLE_ITEMS} entries; "
                      "--format json lists everything.", highlight=False)


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
    examples: Annotated[int, typer.Option(
        "--examples", min=0, max=1000, help="Rankings to show per concept (0 to 1,000).")
    ] = 3,
    enumerate_all: Annotated[
        bool, typer.Option("--enumerate", help="List every ranking instead of counting "
                           "smartly (slow; a check).")
    ] = False,
    format: FormatOption = Format.table,
    output: Output = None,
    max_states: MaxStates = 1 << 22,
    variant: VariantOption = None,
) -> None:
    """Count the rankings of the varied decision makers that make STATE an equilibrium.

    --variant NAME runs it on a variant (the decision makers not varied keep that variant's
    preferences). There is no --all-variants: variants mostly replace preferences, which is
    what this command varies, and STATE may name another state in a variant that changes
    feasibility.
    """
    from standoff.analysis.inverse import inverse_analysis, parse_given

    if output is not None:
        check_writable([output], inputs=[model])
    ((name, conflict),) = select_variants(model, max_states, variant, False)
    names = [v.strip() for item in vary for v in item.split(",") if v.strip()]
    keys = parse_concepts_option(concepts, "--concepts", "nash,seq", INVERSE)
    constraints = [parse_given(g) for g in given or []]
    result = inverse_analysis(conflict, state, names, keys, constraints, examples,
                              "enumerate" if enumerate_all else "auto")
    section = _Section(name, conflict, result.to_dict,
                       lambda variant, note: _inverse_text(result, True, variant, note),
                       to_text=lambda: _inverse_text(result, markdown=False))
    _write([section], "inverse", format, output, labelled=variant is not None)


def _inverse_text(result, markdown: bool, variant: str | None = None,
                  note: str | None = None) -> str:
    """The counts, conditions and example rankings as plain text or Markdown (model text
    escaped with :func:`~standoff.report.markdown.md_text`; ``variant`` and ``note`` label
    the Markdown title)."""
    from standoff.report.markdown import md_text

    md = markdown
    lines = result.sentences()
    if md:
        lines = [f"- {md_text(x)}" for x in lines]
    for k in result.counts:
        lines.append("")
        lines.append(f"{'## ' if md else ''}{label(k)} ({result.methods[k]})")
        if md:
            lines.append("")
        lines += [f"  - {x}" if not md else f"- {md_text(x)}" for x in result.conditions[k]]
        for ex in result.examples[k]:
            shown = "; ".join(f"{d}: {' > '.join(map(str, r))}" for d, r in ex.items())
            lines.append(f"  e.g. {shown}" if not md else f"- e.g. {md_text(shown)}")
    body = "\n".join(lines) + "\n"
    if not md:
        return body
    return _titled(f"Inverse analysis: {md_text(result.conflict.title)}", variant, note, body)


# -- lookahead -------------------------------------------------------------------------------


def lookahead_command(
    model: ModelPath,
    state: Annotated[int, typer.Argument(help="The state's number.")],
    dm: Annotated[str, typer.Option("--dm", help="The decision maker's id.")],
    horizon: Annotated[int, typer.Option("--horizon", "-H", help="Moves looked ahead.")] = 2,
    format: FormatOption = Format.table,
    output: Output = None,
    max_states: MaxStates = 1 << 22,
    variant: VariantOption = None,
    all_variants: AllVariantsOption = False,
) -> None:
    """Explain L(h) stability: each move and the anticipated line of play (two DMs only).

    With --all-variants, one explanation per variant (STATE is each variant's own number).
    """
    from standoff.concepts import MAX_LIMITED_MOVE_HORIZON
    from standoff.stability.limited_move import explain_limited_move

    if not 1 <= horizon <= MAX_LIMITED_MOVE_HORIZON:
        raise ModelError(
            f"the limited-move horizon must be from 1 to {MAX_LIMITED_MOVE_HORIZON:,}, not "
            f"{horizon:,}: each horizon is one more pass over every state and move, and its "
            "anticipated outcomes are kept", file="--horizon",
            hint="e.g. --horizon 2; use --concept nm (non-myopic) for the long run")
    if output is not None:
        check_writable([output], inputs=[model])
    selected = select_variants(model, max_states, variant, all_variants)
    labelled = len(selected) > 1 or variant is not None
    sections = []
    for name, conflict in selected:
        check_dm_and_state(conflict, name, dm, state, labelled, model)
        result = explain_limited_move(conflict, state, dm, horizon)
        sections.append(_sentences_section(name, conflict, result.to_dict, [result]))
    _write(sections, "lookahead", format, output, labelled)


def register(app: typer.Typer) -> None:
    app.command("paths")(paths_command)
    app.command("coalitions")(coalitions_command)
    app.command("inverse")(inverse_command)
    app.command("lookahead")(lookahead_command)
