"""A structured and a flat model compared (:mod:`standoff.analysis.comparison`), as rows and
sentences every output shares, rendered as HTML, Markdown and plain text.

The rows: one per claim (where it is written, its verdict in each model, and, where the
verdicts differ or the claim cannot be written in one model, why in words); and per concept
one per outcome, i.e. per combination of values of the shared options that is an
equilibrium in at least one model (the equilibria of each model with those values, and for
a model without one, why none of its states with those values is an equilibrium).
"""

from __future__ import annotations

from html import escape

from standoff.analysis.claims import ClaimResult
from standoff.analysis.claims import concept_label as verdict_concept
from standoff.analysis.comparison import (
    ClaimComparison,
    EquilibriumGroup,
    ModelComparison,
    comparison_summary,
)
from standoff.concepts import label as concept_label
from standoff.report.html_text import html_table as _table
from standoff.report.markdown_text import markdown_table, md_text


def _verdict(result: ClaimResult | None) -> str:
    return "cannot be written" if result is None else result.verdict_text


def claim_difference(comparison: ModelComparison, row: ClaimComparison) -> str:
    """Why the verdicts of a claim differ between the two models, in words ("" when they
    agree): the parser's reason where a model cannot express it, else, for the first concept
    whose verdicts differ, each model's one-sentence reason."""
    a, b = comparison.names
    missing = [f"the {name} model lacks it: {reason}" for name, reason in row.missing.items()]
    if missing:
        return "; ".join(missing)
    ra, rb = row.results[a], row.results[b]
    if ra is None or rb is None:  # pragma: no cover - covered by ``missing``
        return ""
    for va, vb in zip(ra.verdicts, rb.verdicts, strict=False):
        if va.holds != vb.holds:
            return (f"under {verdict_concept(va.concept)}, in the {a} model: {va.summary} "
                    f"In the {b} model: {vb.summary}")
    return ""


def claim_rows(comparison: ModelComparison) -> tuple[list[str], list[list[str]]]:
    """Header and rows of the claims table."""
    a, b = comparison.names
    header = ["claim", "written in", "check", f"{a} model", f"{b} model", "why they differ"]
    rows = [[row.id, row.origin, row.check, _verdict(row.results[a]),
             _verdict(row.results[b]), claim_difference(comparison, row)]
            for row in comparison.claims]
    return header, rows


def _states(comparison: ModelComparison, name: str, group: EquilibriumGroup) -> str:
    conflict = comparison.analysis(name).conflict
    return ", ".join(conflict.show(s) for s in group.states[name]) or "none"


def group_rows(comparison: ModelComparison, concept: str) -> tuple[list[str], list[list[str]]]:
    """Header and rows of one concept's table of corresponding equilibria."""
    a, b = comparison.names
    header = ["shared option values", f"{a} equilibria", f"{b} equilibria", "why one has none"]
    rows = []
    for group in comparison.groups[concept]:
        why = "; ".join(f"in the {name} model, {text}" for name, text in group.why.items())
        rows.append([comparison.values_text(group.values), _states(comparison, a, group),
                     _states(comparison, b, group), why])
    return header, rows


def comparison_intro(comparison: ModelComparison) -> list[str]:
    """The opening sentences: the summary, the shared options, each model's own options."""
    out = comparison_summary(comparison)
    out.append("Shared options: " + (", ".join(comparison.shared) or "none") + ".")
    for name, keys in comparison.own.items():
        if keys:
            out.append(f"Only in the {name} model: " + ", ".join(keys) + ".")
    out.append("Equilibria correspond when they give every shared option the same value; "
               "the state numbers are each model's own.")
    return out


def comparison_html(comparison: ModelComparison, heading: str) -> list[str]:
    """The comparison as HTML (``heading`` is the section's ``<h2>``, already HTML)."""
    out = [heading, "<ul>" + "".join(f"<li>{escape(s)}</li>"
                                      for s in comparison_intro(comparison)) + "</ul>",
           "<h3>Claims in both models</h3>", _table(*claim_rows(comparison))]
    for concept in comparison.groups:
        out += [f"<h3>{escape(concept_label(concept))} equilibria, matched by the shared "
                "options</h3>", _table(*group_rows(comparison, concept))]
    return out



def comparison_markdown(comparison: ModelComparison) -> list[str]:
    """The comparison as Markdown lines (without its section heading)."""
    out = [f"- {md_text(s)}" for s in comparison_intro(comparison)] + [""]
    out += ["### Claims in both models", "", *markdown_table(*claim_rows(comparison)), ""]
    for concept in comparison.groups:
        out += [f"### {md_text(concept_label(concept))} equilibria, matched by the shared "
                "options", "", *markdown_table(*group_rows(comparison, concept)), ""]
    return out


def comparison_text(comparison: ModelComparison) -> list[str]:
    """The comparison as plain-text lines (the ``table`` format of ``standoff hierarchy``)."""
    a, b = comparison.names
    out = [f"Compared with the {b} model:", *(f"  {s}" for s in comparison_intro(comparison)),
           "", "  Claims:"]
    for row in claim_rows(comparison)[1]:
        out.append(f"    {row[0]} (written in {row[1]}): {a}: {row[3]}; {b}: {row[4]}")
        if row[5]:
            out.append(f"      why they differ: {row[5]}")
    for concept in comparison.groups:
        out += ["", f"  {concept_label(concept)} equilibria by shared option values:"]
        for row in group_rows(comparison, concept)[1]:
            out.append(f"    {row[0]}: {a} {row[1]}; {b} {row[2]}")
            if row[3]:
                out.append(f"      why: {row[3]}")
    return out


def comparison_json(comparison: ModelComparison) -> dict:
    """The comparison as a JSON-ready dict (state ids 1-based)."""
    return {
        "models": list(comparison.names),
        "shared_options": list(comparison.shared),
        "own_options": {name: list(keys) for name, keys in comparison.own.items()},
        "claims": [
            {"id": row.id, "written_in": row.origin, "check": row.check,
             "verdicts": {name: None if r is None else r.verdict_text
                          for name, r in row.results.items()},
             "holds": {name: None if r is None else r.holds
                       for name, r in row.results.items()},
             "why_they_differ": claim_difference(comparison, row)}
            for row in comparison.claims],
        "equilibria": {
            concept: [
                {"shared_values": dict(zip(comparison.shared, g.values, strict=True)),
                 "states": {name: [s + 1 for s in states]
                            for name, states in g.states.items()},
                 "why_none": g.why}
                for g in groups]
            for concept, groups in comparison.groups.items()},
    }


__all__ = ["claim_difference", "claim_rows", "comparison_html", "comparison_intro",
           "comparison_json", "comparison_markdown", "comparison_text", "group_rows"]
