"""Commands over a model's claims and variants: ``claims`` and ``report``."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from standoff.cli.analysis import AllVariantsOption, MaxStates, ModelPath, VariantOption
from standoff.cli.common import (
    OutputFile,
    OutputOption,
    ProgressBar,
    check_writable,
    emit,
    emit_rendered,
    load_conflict,
    model_kind,
    write_files,
)
from standoff.errors import ModelError
from standoff.output import json_text, terminal_text


class ClaimsFormat(StrEnum):
    table = "table"
    json = "json"
    markdown = "markdown"


class ReportFormat(StrEnum):
    html = "html"
    markdown = "markdown"


def _selected_variants(conflict, variant: str | None, all_variants: bool) -> tuple[str, ...]:
    """``--variant NAME`` → that one; otherwise (or with ``--all-variants``) every one."""
    from standoff.analysis.variants import unknown_variant, variant_names

    names = variant_names(conflict.spec)
    if variant is not None and all_variants:
        raise ModelError("--variant and --all-variants cannot be used together",
                         file="--variant", hint="give one of them")
    if variant is not None:
        if variant not in names:
            raise unknown_variant(conflict.spec, variant)
        return (variant,)
    return names


def _concepts(concepts: str | None) -> tuple[str, ...] | None:
    if concepts is None:
        return None
    from standoff.cli.analysis import parse_concepts_option as parse

    return parse(concepts)


def claims_command(
    model: ModelPath,
    variant: VariantOption = None,
    all_variants: AllVariantsOption = False,
    concepts: Annotated[
        str | None,
        typer.Option("--concepts", "-c", help="Concepts for claims without 'under' "
                     "(default: nash,gmr,smr,seq,sim)."),
    ] = None,
    format: Annotated[
        ClaimsFormat, typer.Option("--format", "-f", help="Output format: table (plain "
                                   "text), json or markdown.")
    ] = ClaimsFormat.table,
    output: OutputOption = None,
    strict: Annotated[
        bool, typer.Option("--strict", help="Exit with code 1 when a claim fails.")
    ] = False,
    max_states: MaxStates = 1 << 22,
) -> None:
    """Check the model's claims: each verdict per concept and per variant, with its witness.

    Every variant is checked unless --variant names one. Exit code 0 whatever the verdicts;
    with --strict, 1 when some claim fails.
    """
    from standoff.report.content import build_report

    keys = _concepts(concepts)
    if output is not None:
        check_writable([output], inputs=[model])
    conflict = load_conflict(model, max_states)
    names = _selected_variants(conflict, variant, all_variants)
    if not conflict.spec.claims:  # nothing to check: no analysis (a big model took minutes)
        _no_claims(conflict, format, output)
        return
    with ProgressBar("checking claims") as progress:
        content = build_report(conflict, keys, names, max_states=max_states,
                               progress=progress)
    if format is ClaimsFormat.json:
        emit(json_text(claims_json(content)), output)
    elif format is ClaimsFormat.markdown:
        emit(claims_markdown(content), output)
    else:
        emit_rendered(lambda console: print_claims(content, console), output)
    if strict and content.any_claim_fails:
        raise typer.Exit(1)


def _no_claims(conflict, format: ClaimsFormat, output: Path | None) -> None:
    """What ``claims`` prints for a model that states no claims, without analysing it."""
    spec = conflict.spec
    if format is ClaimsFormat.json:
        emit(json_text({"format": "standoff-claims/1", "title": spec.title, "view": spec.view,
                        "claims": [], "all_hold": True}), output)
        return
    note = "The model states no claims (add a 'claims:' section; see docs/claims.md)."
    if format is ClaimsFormat.markdown:
        from standoff.report.markdown import md_text

        emit(f"# Claims: {md_text(spec.title)}\n\n{note}\n", output)
    else:
        emit(f"{terminal_text(spec.title)}: no claims\n{note}\n", output)


def claims_json(content) -> dict:
    """``standoff-claims/1``: every claim with its verdicts per variant and concept."""
    from standoff.report.content import claim_sentence
    from standoff.report.robustness import claims_firmness

    spec = content.spec
    firmness = claims_firmness(content)
    claims = []
    for claim in spec.claims:
        ev = claim.evidence
        claims.append({
            "id": claim.id,
            "check": claim.check,
            "sentence": claim_sentence(spec, claim.id),
            "source": ev.source if ev else None,
            "quote": ev.quote if ev else None,
            "assumption": ev.assumption if ev else None,
            "summary": content.claim_summary(claim.id),
            "variants": {r.variant: r.to_dict() for r in content.claim_results(claim.id)},
            "firmness": None if firmness is None else {
                **firmness[claim.id].to_dict(), "text": firmness[claim.id].phrase()},
        })
    return {
        "format": "standoff-claims/1",
        "title": spec.title,
        "view": spec.view,
        "variants": [{"name": r.name, "description": r.description} for r in content.runs],
        "concepts": list(content.concepts),
        "claims": claims,
        "all_hold": not content.any_claim_fails,
    }


def claims_markdown(content) -> str:
    """The claims table and witnesses as Markdown; model text (title, view, variant names,
    claim sentences, witnesses) escaped with :func:`~standoff.report.markdown.md_text`, the
    checks in code spans."""
    from standoff.report.content import claim_sentence, verdict_phrase
    from standoff.report.markdown import markdown_table, md_code, md_text

    spec = content.spec
    out = [f"# Claims: {md_text(spec.title)}", ""]
    if spec.view:
        out += [f"*View encoded:* {md_text(spec.view)}", ""]
    out += markdown_table(
        ["claim", "check", *(r.name for r in content.runs), "across variants"],
        [[claim.id, md_code(claim.check),
          *(r.verdict_word for r in content.claim_results(claim.id)),
          content.claim_summary(claim.id)] for claim in spec.claims])
    out += ["", "Variants:", ""]
    out += [f"- **{md_text(r.name)}**: {md_text(r.description)}" for r in content.runs]
    out.append("")
    for claim in spec.claims:
        sentence = claim_sentence(spec, claim.id)
        out += [f"## {md_text(claim.id)}", "",
                md_text(sentence[:1].upper() + sentence[1:] + "."), ""]
        for r in content.claim_results(claim.id):
            out.append(f"- **{md_text(r.variant)}**: {md_text(verdict_phrase(r))}")
            for depth, line in _witness_lines(r):
                out.append("  " * depth + f"  - {md_text(line)}")
        out.append("")
    return "\n".join(out) + "\n"


def _witness_lines(result) -> list[tuple[int, str]]:
    """Each concept's summary (depth 0); the details (depth 1) of the first verdict of each
    outcome."""
    lines: list[tuple[int, str]] = []
    shown: set[bool] = set()
    for v in result.verdicts:
        lines.append((0, v.summary))
        if v.holds not in shown:
            shown.add(v.holds)
            lines += [(1, d) for d in v.details]
    return lines


def _cell(result) -> Text:
    """The verdict word of the claims table (:attr:`ClaimResult.verdict_word`: holds, fails
    or mixed (k/n)), coloured."""
    word = result.verdict_word
    style = {"holds": "green", "fails": "red"}.get(word, "yellow")
    return Text(word, style=style)


def print_claims(content, console: Console) -> None:
    """The claims table (verdict per variant) and, per claim, the witnesses."""
    from standoff.report.content import claim_sentence, verdict_phrase

    spec = content.spec
    console.print(Text.assemble((terminal_text(spec.title), "bold"),
                                f": {len(spec.claims)} claims, {len(content.runs)} variant(s)"))
    if spec.view:
        console.print(f"View encoded: {spec.view}", highlight=False)
    if not spec.claims:
        console.print("The model states no claims (add a 'claims:' section; see "
                      "docs/claims.md).")
        return
    table = Table()
    table.add_column("claim", overflow="fold")
    for run in content.runs:
        table.add_column(run.name, overflow="fold")
    for claim in spec.claims:
        table.add_row(claim.id, *(_cell(r) for r in content.claim_results(claim.id)))
    console.print(table)
    console.print("holds: under every concept checked; fails: under none; mixed (k/n): under "
                  "k of the n concepts (details below).", highlight=False)
    console.print("Variants:", highlight=False)
    for run in content.runs:
        console.print(f"  {run.name}: {run.description}", highlight=False, markup=False)
    if len(content.runs) > 1:
        console.print("Across variants:", highlight=False)
        for claim in spec.claims:
            console.print(f"  {claim.id}: {content.claim_summary(claim.id)}", highlight=False,
                          markup=False)
    from standoff.report.robustness import claims_firmness

    firmness = claims_firmness(content)
    for claim in spec.claims:
        console.print()
        sentence = claim_sentence(spec, claim.id)
        console.print(Text.assemble((claim.id, "bold"),
                                    terminal_text(f": {sentence[:1].upper() + sentence[1:]}")))
        console.print(f"  checked as: {claim.check}", highlight=False, markup=False)
        console.print(f"  verdict: {content.claim_summary(claim.id)}", highlight=False)
        if firmness is not None:
            console.print(f"  firmness (declared uncertainty, model as written): holds "
                          f"{firmness[claim.id].phrase()}", highlight=False, markup=False)
        for r in content.claim_results(claim.id):
            console.print(f"  [{r.variant}] {verdict_phrase(r)}", highlight=False, markup=False)
            for depth, line in _witness_lines(r):
                console.print("    " * (depth + 1) + line, highlight=False, markup=False)


def report_command(
    model: Annotated[Path, typer.Argument(
        help="Model file (YAML or JSON); a bargaining-only file may also be a KTAB CSV or a "
        "decide TSV.", show_default=False)],
    output: Annotated[
        Path, typer.Option("--output", "-o", help="The report file to write: FILE.html or "
                           "FILE.md.", show_default=False)
    ],
    format: Annotated[
        ReportFormat | None, typer.Option(
            "--format", "-f", help="Output format: html or markdown. Taken from the --output "
            "file's extension (.html or .htm, .md or .markdown) when not given.",
            show_default=False)
    ] = None,
    concepts: Annotated[
        str | None,
        typer.Option("--concepts", "-c", help="Concepts (default: nash,gmr,smr,seq,sim)."),
    ] = None,
    variant: VariantOption = None,
    all_variants: AllVariantsOption = False,
    max_states: MaxStates = 1 << 22,
    compare: Annotated[
        Path | None, typer.Option(
            "--compare", help="Another model of the same conflict (e.g. the flat form of a "
            "hierarchical one) to compare claims and equilibria with.", show_default=False)
    ] = None,
) -> None:
    """Write a self-contained report (.html, or .md with the state graph beside it as .svg).

    It holds the model in words, the evidence for each premise, the states, stability per
    decision maker and concept, the equilibria, the claims with witnesses, the variants side
    by side and a picture of the state graph. If the file has a 'bargaining:' section, the
    report adds every bargaining model's forecast, the rounds, the positions-by-round plots
    and the zone of possible agreement; a file with only that section (or a KTAB CSV /
    decide TSV file) gets a bargaining report.
    """
    from dataclasses import replace

    from standoff.report.content import build_report
    from standoff.report.html import render_html
    from standoff.report.markdown import render_markdown
    from standoff.report.svg import state_graph_svg

    suffix = output.suffix.lower()
    if format is None:
        if suffix not in (".html", ".htm", ".md", ".markdown"):
            raise ModelError(f"cannot tell the report format from '{output.name}'",
                             file="--output", hint="name the file FILE.html or FILE.md, or "
                             "give --format html or markdown")
        format = ReportFormat.markdown if suffix in (".md", ".markdown") else ReportFormat.html
    markdown = format is ReportFormat.markdown
    suffix = ".md" if markdown else ".html"
    check_writable([output], inputs=[model] + ([compare] if compare is not None else []))
    kind = model_kind(model)
    if kind == "bargaining":
        _bargaining_report(model, output, suffix)
        return
    if markdown:
        check_writable([(output.with_suffix(".svg"), _GRAPH)], inputs=[model])
    keys = _concepts(concepts)
    conflict = load_conflict(model, max_states)
    other = None if compare is None else load_conflict(compare, max_states)
    names = _selected_variants(conflict, variant, all_variants)
    with ProgressBar("analysing") as progress:
        content = build_report(conflict, keys, names, max_states=max_states,
                               progress=progress, compare=other)
    if kind == "both":
        content = replace(content, bargaining=_bargaining_section(model))
    if not markdown:
        write_files([(output, render_html(content), "")], inputs=[model])
        typer.echo(f"wrote {output}")
        return
    svg_path = output.with_suffix(".svg")
    picture = state_graph_svg(content.base.analysis,
                              title=f"{content.base.conflict.title}: state graph")
    plots, plot_files = _plots(content.bargaining, output)
    write_files([(svg_path, picture.svg + "\n", _GRAPH), *plot_files,
                 (output, render_markdown(content, svg_path.name, plots), "")], inputs=[model])
    typer.echo(f"wrote {output} and {svg_path}"
               + (f" and {len(plots)} plot(s)" if plots else ""))


#: What the SVG beside a Markdown report is, for error messages.
_GRAPH = " (the state graph written beside the report)"


def _bargaining_section(model: Path):
    from standoff.bargaining import load_model
    from standoff.report.content import build_bargaining

    return build_bargaining(load_model(model))


def _plots(section, output: Path) -> tuple[dict[str, str], list[OutputFile]]:
    """One positions-by-round SVG per dynamic model, to go beside a Markdown report:
    ``({model: file name}, [files to write])``."""
    if section is None:
        return {}, []
    from standoff.bargaining.plot import rounds_svg

    names = {}
    files: list[OutputFile] = []
    for name in section.dynamic:
        path = output.with_name(f"{output.stem}.{name}.svg")
        files.append((path, rounds_svg(section.forecasts[name]),
                      f" (the {name} plot written beside the report)"))
        names[name] = path.name
    return names, files


def _bargaining_report(model: Path, output: Path, suffix: str) -> None:
    from standoff.report.html import render_bargaining_html
    from standoff.report.markdown import render_bargaining_markdown

    section = _bargaining_section(model)
    if suffix in (".html", ".htm"):
        write_files([(output, render_bargaining_html(section, str(model)), "")],
                    inputs=[model])
        typer.echo(f"wrote {output}")
        return
    plots, plot_files = _plots(section, output)
    write_files([*plot_files,
                 (output, render_bargaining_markdown(section, str(model), plots), "")],
                inputs=[model])
    typer.echo(f"wrote {output}" + (f" and {len(plots)} plot(s)" if plots else ""))


def register(app: typer.Typer) -> None:
    app.command("claims")(claims_command)
    app.command("report")(report_command)
