"""Files from and for other tools: ``standoff import gmcr-plus`` and ``standoff export``.

* ``standoff import gmcr-plus FILE.gmcr [-o MODEL.yaml]`` converts a GMCR+ project into a
  standoff/1 model (:mod:`standoff.model.gmcr_plus`); what is not imported is printed on
  standard error and written in the model's comment header.
* ``standoff export MODEL -f graphml|dot|csv [-o FILE]`` writes the state graph with every
  verdict (GraphML, DOT) or the verdicts as a tidy CSV (:mod:`standoff.analysis.export`);
  the format is taken from the output file's extension when ``-f`` is not given.
"""

from __future__ import annotations

import os
import sys
import tempfile
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from standoff.cli.common import (
    OutputOption,
    ProgressBar,
    check_writable,
    emit,
    emit_csv,
    load_conflict,
)
from standoff.errors import ModelError

import_app = typer.Typer(
    name="import",
    context_settings={"help_option_names": ["-h", "--help"]},
    help="Convert a project file of another tool into a standoff model.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _same_file(a: Path, b: Path) -> bool:
    """Whether two paths name the same file (an output must never overwrite its input)."""
    try:
        return a.exists() and b.exists() and os.path.samefile(a, b)
    except OSError:
        return a.resolve() == b.resolve()


def _refuse_overwriting_input(source: Path, output: Path | None, what: str) -> None:
    if output is not None and _same_file(source, output):
        raise ModelError(f"the output file {output} is the {what} itself", file="--output",
                         hint="choose another --output file; the input is never overwritten")


class ImportFormat(StrEnum):
    yaml = "yaml"


def gmcr_plus_command(
    source: Annotated[Path, typer.Argument(help="The GMCR+ project file (.gmcr).",
                                           show_default=False)],
    output: Annotated[Path | None, typer.Option(
        "--output", "-o", help="Write the model to this file (YAML) instead of printing it.",
        show_default=False,
    )] = None,
    format: Annotated[ImportFormat, typer.Option(
        "--format", "-f", help="Output format: yaml, the model file format (with a comment "
        "header naming the source file).",
    )] = ImportFormat.yaml,
) -> None:
    """Convert a GMCR+ project file (.gmcr) into a standoff model file.

    Options, decision makers, infeasible conditions, move directions and preferences
    (prioritized conditions or manual rankings, as the file says) are imported.
    Misperceptions, coalitions and anything else the file holds are listed as not imported,
    here and in the model's comment header.
    """
    from standoff import load
    from standoff.model.gmcr_plus import read_gmcr_plus

    _refuse_overwriting_input(source, output, "GMCR+ file")
    if output is not None:
        check_writable([output])
    imported = read_gmcr_plus(source)
    text = imported.to_yaml()
    # the written model must load: check it before anything is written
    with tempfile.TemporaryDirectory() as folder:
        probe = Path(folder) / (output.name if output is not None else "model.yaml")
        probe.write_text(text, encoding="utf-8")
        try:
            conflict = load(probe)
        except ModelError as error:
            error.file = str(output or "the imported model")
            raise
    for item, line in zip(imported.not_imported, imported.not_imported_lines, strict=True):
        where = f"{source}:{line}" if line is not None else str(source)
        sys.stderr.write(f"{where}: not imported: {item}\n")
    emit(text, output)
    if output is not None:
        sys.stderr.write(
            f"wrote {output}: {len(conflict.dm_ids)} decision makers, "
            f"{len(conflict.option_keys)} options, {conflict.state_count} states"
            + (f"; {len(imported.not_imported)} part(s) of the file not imported (listed "
               "above and in the file's header)" if imported.not_imported else "")
            + f"; next: standoff analyze {output}\n")


import_app.command("gmcr-plus")(gmcr_plus_command)


class ExportFormat(StrEnum):
    graphml = "graphml"
    dot = "dot"
    csv = "csv"


_SUFFIXES = {".graphml": ExportFormat.graphml, ".dot": ExportFormat.dot,
             ".gv": ExportFormat.dot, ".csv": ExportFormat.csv}


def export_command(
    model: Annotated[Path, typer.Argument(help="Model file (YAML or JSON).",
                                          show_default=False)],
    format: Annotated[ExportFormat | None, typer.Option(
        "--format", "-f", help="Output format: graphml or dot (the state graph with every "
        "verdict) or csv (one row per state, decision maker and concept). Taken from the "
        "--output file's extension (.graphml, .dot or .gv, .csv) when not given.",
        show_default=False,
    )] = None,
    output: OutputOption = None,
    concepts: Annotated[str | None, typer.Option(
        "--concepts", "-c", help="Comma-separated concepts to include: nash,gmr,smr,seq,sim.",
    )] = None,
    variant: Annotated[str | None, typer.Option(
        "--variant", help="Use this variant of the model (see 'variants:'); 'base' is the "
        "model as written.",
    )] = None,
    max_states: Annotated[int, typer.Option(
        "--max-states", help="Refuse models whose state space would exceed this.",
    )] = 1 << 22,
) -> None:
    """Export the stability results for other tools: the state graph or a tidy CSV.

    GraphML (for yEd, Gephi or networkx) and DOT (for Graphviz) hold the state graph with
    every verdict; the CSV has one row per state, decision maker and concept.
    """
    from standoff.analysis import analyze
    from standoff.analysis.export import export
    from standoff.cli.analysis import parse_concepts_option

    if format is None:
        suffix = output.suffix.lower() if output is not None else ""
        if suffix not in _SUFFIXES:
            raise ModelError(
                "no export format given" + (f" and the extension '{suffix}' names none"
                                            if suffix else ""),
                file="--format",
                hint="give --format graphml, dot or csv, or an --output file ending in "
                ".graphml, .dot (or .gv) or .csv")
        format = _SUFFIXES[suffix]
    keys = parse_concepts_option(concepts)
    _refuse_overwriting_input(model, output, "model file")
    if output is not None:
        check_writable([output])
    if variant is not None:
        from standoff.analysis.variants import variant_conflicts

        conflict = variant_conflicts(load_conflict(model, max_states), (variant,),
                                     max_states=max_states)[variant]
    else:
        conflict = load_conflict(model, max_states)
    with ProgressBar("analysing") as progress:
        result = analyze(conflict, keys, progress=progress)
    text = export(result, format.value, variant)
    if format is ExportFormat.csv:  # the command line's one rule: a BOM in a file
        emit_csv(text, output)
    else:
        emit(text, output)


def register(app: typer.Typer) -> None:
    app.add_typer(import_app, name="import")
    app.command("export")(export_command)
