"""The ``hypergame`` command: stability in the game each decision maker perceives
(``perceptions:``, docs/hypergames.md), hypergame equilibria and strategic surprises."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from standoff.cli.analysis import (
    MaxStates,
    ModelPath,
    VariantOption,
    parse_concepts_option,
    select_variants,
)
from standoff.cli.common import check_writable, emit, emit_text
from standoff.output import json_text


class HypergameFormat(StrEnum):
    table = "table"
    json = "json"
    markdown = "markdown"


def _ids(states: list[dict[str, Any]]) -> str:
    return ", ".join(f"{s['id']} ({s['pattern']})" for s in states) or "none"


def _perception_lines(doc: dict[str, Any]) -> list[str]:
    lines = []
    for p in doc["perceptions"]:
        who = p["decision_maker"]
        if p["perceives_as_written"]:
            lines.append(f"- {who} perceives the model as written ({p['states_perceived']} "
                         "states)")
            continue
        parts = []
        if p["unknown_options"]:
            parts.append("does not know the option" + ("s " if len(p["unknown_options"]) > 1
                                                          else " ")
                         + ", ".join(p["unknown_options"]))
        if p["unrecognised_statements"]:
            parts.append("does not recognise the states where "
                         + "; ".join(f"'{s}'" for s in p["unrecognised_statements"]))
        if p["attributed_preferences"]:
            parts.append("attributes preferences of its own reading to "
                         + ", ".join(p["attributed_preferences"]))
        unseen = p["unrecognised_states"]
        tail = (f"; it perceives {p['states_perceived']} of {doc['states']} states"
                + (f" (not states {', '.join(map(str, unseen))})" if unseen else ""))
        lines.append(f"- {who} " + "; ".join(parts) + tail)
    return lines


def hypergame_text(doc: dict[str, Any]) -> str:
    """The plain-text report of one :meth:`HypergameResult.to_dict` document."""
    out = [f"{doc['model']} — first-level hypergame"
           + (f" (variant {doc['variant']})" if doc["variant"] != "base" else ""), "",
           "Perceptions:", *_perception_lines(doc), ""]
    for data in doc["concepts"].values():
        out.append(f"{data['label']}:")
        out.append(f"  hypergame equilibria: {_ids(data['hypergame_equilibria'])}")
        out.append(f"  equilibria of the model as written: {_ids(data['equilibria_as_written'])}")
        if data["strategic_surprises"]:
            out.append("  strategic surprises:")
            for s in data["strategic_surprises"]:
                out.append(f"    {s['id']} ({s['pattern']}): not foreseen by "
                           + ", ".join(s["not_recognised_by"]))
        else:
            out.append("  strategic surprises: none")
        for dm, sets in data["stable_for"].items():
            perceived = ", ".join(map(str, sets["perceived"])) or "none"
            line = f"  stable for {dm} in the game it perceives: {perceived}"
            if sets["perceived"] != sets["as_written"]:
                written = ", ".join(map(str, sets["as_written"])) or "none"
                line += f" (as written: {written})"
            out.append(line)
        out.append("")
    out.append("Definitions:")
    out.extend(f"- {k}: {v}" for k, v in doc["definitions"].items())
    return "\n".join(out) + "\n"


def hypergame_markdown(doc: dict[str, Any]) -> str:
    """The Markdown report of one :meth:`HypergameResult.to_dict` document (model text
    escaped)."""
    from standoff.report.markdown import markdown_table, md_text

    out = [f"# {md_text(doc['model'])}: first-level hypergame", "", "## Perceptions", ""]
    out.extend(md_text(line[2:]).join(("- ", "")) for line in _perception_lines(doc))
    out.append("")
    for data in doc["concepts"].values():
        surprises = "; ".join(f"{s['id']} ({s['pattern']}): not foreseen by "
                              + ", ".join(s["not_recognised_by"])
                              for s in data["strategic_surprises"]) or "none"
        rows = [["hypergame equilibria", _ids(data["hypergame_equilibria"])],
                ["equilibria as written", _ids(data["equilibria_as_written"])],
                ["strategic surprises", surprises]]
        for dm, sets in data["stable_for"].items():
            perceived = ", ".join(map(str, sets["perceived"])) or "none"
            written = ", ".join(map(str, sets["as_written"])) or "none"
            rows.append([f"stable for {dm} (perceived; as written)",
                         f"{perceived}; {written}"])
        out += [f"## {md_text(data['label'])}", "", *markdown_table(["", "states"], rows)]
        out.append("")
    out += ["## Definitions", ""]
    out.extend(f"- {md_text(k)}: {md_text(v)}" for k, v in doc["definitions"].items())
    return "\n".join(out) + "\n"


def hypergame_command(
    model: ModelPath,
    concepts: Annotated[
        str | None,
        typer.Option("--concepts", "-c", help="Comma-separated: nash,gmr,smr,seq,sim (also "
                     "l<h> and nm for two decision makers)."),
    ] = None,
    format: Annotated[HypergameFormat, typer.Option("--format", "-f", help="Output format.")
                      ] = HypergameFormat.table,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write to this file instead.")
    ] = None,
    max_states: MaxStates = 1 << 22,
    variant: VariantOption = None,
) -> None:
    """Stability in the game each decision maker perceives, with hypergame equilibria.

    Reads the model's 'perceptions:' and reports strategic surprises too (docs/hypergames.md)."""
    from standoff.analysis.hypergame import analyse_hypergame

    keys = parse_concepts_option(concepts)
    if output is not None:
        check_writable([output], inputs=[model])
    [(_, conflict)] = select_variants(model, max_states, variant, False)
    doc = analyse_hypergame(conflict, keys, max_states=max_states).to_dict()
    if format is HypergameFormat.json:
        emit(json_text(doc), output)
    elif format is HypergameFormat.markdown:
        emit(hypergame_markdown(doc), output)
    else:
        emit_text(hypergame_text(doc), output)


def register(app: typer.Typer) -> None:
    app.command("hypergame")(hypergame_command)
