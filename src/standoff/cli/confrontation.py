"""The ``dilemmas`` command: drama theory's card table (``confrontation:``,
docs/confrontation.md), each party's dilemmas and which positions are acceptable."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from standoff.cli.analysis import MaxStates, ModelPath, VariantOption, select_variants
from standoff.cli.common import check_writable, emit, emit_text
from standoff.output import json_text


class DilemmasFormat(StrEnum):
    table = "table"
    json = "json"
    markdown = "markdown"


class Reading(StrEnum):
    worst = "worst"
    best = "best"
    all = "all"


def _columns(doc: dict[str, Any]) -> list[str]:
    rows = doc["card_table"]
    return [k for k in rows[0] if k not in ("option", "owner", "text")] if rows else []


def _aligned(header: list[str], rows: list[list[str]]) -> str:
    """Columns padded to their widest cell, two spaces apart."""
    widths = [max(len(str(r[k])) for r in [header, *rows]) for k in range(len(header))]
    return "\n".join("  ".join(str(c).ljust(w) for c, w in zip(r, widths, strict=True)
                               ).rstrip() for r in [header, *rows])


def dilemmas_text(doc: dict[str, Any]) -> str:
    """The plain-text report of one :meth:`DilemmaResult.to_dict` document."""
    head = f"{doc['model']} — card table and dilemmas" + (
        f" (variant {doc['variant']})" if doc["variant"] != "base" else "")
    columns = _columns(doc)
    rows = [[r["option"], *(r[c] for c in columns)] for r in doc["card_table"]]
    out = [head, "", f"Card table (open: the future leaves the option open; reading "
           f"'{doc['reading']}'):", _aligned(["option", *columns], rows), ""]
    out.append("Dilemmas:")
    if doc["dilemmas"]:
        for d in doc["dilemmas"]:
            out.append(f"- {d['party']}: {d['dilemma']} dilemma with {d['other']}: "
                       f"{d['sentence']}.")
    else:
        out.append("- none")
    out += ["", "Positions:"]
    out.extend(f"- {line}" for line in doc["summary"])
    out += ["", "Definitions:"]
    out.extend(f"- {k}: {v}" for k, v in doc["definitions"].items())
    return "\n".join(out) + "\n"


def dilemmas_markdown(doc: dict[str, Any]) -> str:
    """The Markdown report of one :meth:`DilemmaResult.to_dict` document."""
    from standoff.report.markdown import markdown_table, md_text

    columns = _columns(doc)
    out = [f"# {md_text(doc['model'])}: card table and dilemmas", "",
           f"Reading: {md_text(doc['reading'])}.", "", "## Card table", "",
           *markdown_table(["option", *columns],
                           [[r["option"], *(r[c] for c in columns)]
                            for r in doc["card_table"]]),
           "", "## Dilemmas", ""]
    if doc["dilemmas"]:
        out += markdown_table(["party", "dilemma", "with", "why"],
                              [[d["party"], d["dilemma"], d["other"], d["sentence"]]
                               for d in doc["dilemmas"]])
    else:
        out.append("None.")
    out += ["", "## Positions", ""]
    out.extend(f"- {md_text(line)}" for line in doc["summary"])
    out += ["", "## Definitions", ""]
    out.extend(f"- {md_text(k)}: {md_text(v)}" for k, v in doc["definitions"].items())
    return "\n".join(out) + "\n"


def dilemmas_command(
    model: ModelPath,
    format: Annotated[DilemmasFormat, typer.Option("--format", "-f", help="Output format.")
                      ] = DilemmasFormat.table,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write to this file instead.")
    ] = None,
    reading: Annotated[
        Reading | None, typer.Option("--reading", help="How a future that leaves options "
                                     "open is compared: worst, best or all (default: the "
                                     "model's).")] = None,
    max_states: MaxStates = 1 << 22,
    variant: VariantOption = None,
) -> None:
    """Each party's dilemmas in the model's card table, and which positions are acceptable.

    Reads the model's 'confrontation:' (docs/confrontation.md)."""
    from standoff.analysis.dilemmas import analyse_dilemmas

    if output is not None:
        check_writable([output], inputs=[model])
    [(_, conflict)] = select_variants(model, max_states, variant, False)
    doc = analyse_dilemmas(conflict, None if reading is None else reading.value).to_dict()
    if format is DilemmasFormat.json:
        emit(json_text(doc), output)
    elif format is DilemmasFormat.markdown:
        emit(dilemmas_markdown(doc), output)
    else:
        emit_text(dilemmas_text(doc), output)


def register(app: typer.Typer) -> None:
    app.command("dilemmas")(dilemmas_command)
