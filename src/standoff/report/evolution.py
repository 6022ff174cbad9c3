"""Markdown of the evolution analyses: status quo analysis (``standoff paths``) and
coalition analysis (``standoff coalitions``). Model text (titles, names, sentences) is
escaped with :func:`standoff.report.markdown.md_text`."""

from __future__ import annotations

from standoff.analysis.coalitions import CoalitionAnalysis
from standoff.analysis.paths import StatusQuoAnalysis
from standoff.concepts import COALITIONS
from standoff.concepts import label as concept_label
from standoff.report.markdown import markdown_table, md_text


def _title(heading: str, title: str, variant: str | None, note: str | None) -> list[str]:
    """The first lines: ``# heading: title`` (``— variant NAME`` when a variant is named),
    then ``note`` (Markdown, already escaped) when given."""
    suffix = f" — variant {md_text(variant)}" if variant is not None else ""
    lines = [f"# {heading}: {md_text(title)}{suffix}", ""]
    if note:
        lines += [note + ".", ""]
    return lines


def status_quo_markdown(result: StatusQuoAnalysis, variant: str | None = None,
                        note: str | None = None) -> str:
    """The status quo analysis as Markdown: the reachable equilibria, then each path with
    its evolution table, then the targets that cannot be reached. ``variant`` names a
    variant in the title, ``note`` (Markdown) is a line under it."""
    c = result.conflict
    lines = _title("Status quo analysis", c.title, variant, note)
    lines += [f"- {md_text(s)}"
              for s in result.sentences()[: 1 + len(result.reachable_equilibria)]]
    for p in result.paths:
        lines += ["", f"## Path to {md_text(c.show(p.target - 1))}", "",
                  md_text(p.sentence(c)), ""]
        rows = result.evolution_table(p)
        lines += markdown_table(rows[0], rows[1:])
    if result.paths_omitted:
        lines += ["", md_text(result.omitted_sentence())]
    if result.unreachable:
        lines += ["", md_text(result.unreachable_sentence())]
    return "\n".join(lines) + "\n"


def coalitions_markdown(result: CoalitionAnalysis, variant: str | None = None,
                        note: str | None = None) -> str:
    """The coalition stability table as Markdown: per coalition its coalitional
    improvements and the states stable for it under each coalition concept, then the states
    stable for every coalition listed. ``variant`` and ``note`` as for
    :func:`status_quo_markdown`."""
    c = result.conflict
    keys = COALITIONS.concept_keys()
    rows = []
    for r in result.coalitions:
        imp = "; ".join(f"{s}→{', '.join(map(str, t))}" for s, t in r.improvements.items())
        cells = [", ".join(map(str, r.stable[k])) or "none" for k in keys]
        rows.append([" + ".join(r.members), imp or "none", *cells])
    lines = _title("Coalition analysis", c.title, variant, note) + markdown_table(
        ["coalition", "coalitional improvements",
         *(record.label for record in COALITIONS.concepts())], rows)
    lines += ["", "States stable for each coalition listed above: " + "; ".join(
        f"{concept_label(k)} {v or 'none'}" for k, v in result.equilibria.items())]
    return "\n".join(lines) + "\n"
