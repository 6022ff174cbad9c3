"""The report as Markdown (GitHub flavour), with the state graph as a separate SVG file.

Same sections as the HTML report (:mod:`standoff.report.html`). Markdown viewers do not
render inline SVG reliably, so :func:`render_markdown` takes the name of the picture file
it links to; ``standoff report -o FILE.md`` writes ``FILE.svg`` beside it.
"""

from __future__ import annotations

from standoff._version import __version__
from standoff.analysis.claims import state_in_words
from standoff.report.content import (
    ReportContent,
    claim_sentence,
    concept_name,
    equilibria_text,
    evidence_rows,
    evolution_of,
    model_in_words,
    source_label,
)
from standoff.report.html import SECTIONS
from standoff.report.tables import _rows


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    out = ["| " + " | ".join(_cell(h) for h in header) + " |", "|" + "---|" * len(header)]
    out += ["| " + " | ".join(_cell(x) for x in row) + " |" for row in rows]
    return out + [""]


def render_markdown(content: ReportContent, svg_name: str | None = None) -> str:
    """The whole report as Markdown; ``svg_name`` is the state-graph file to link to."""
    titles = dict(SECTIONS)
    base = content.base
    c = base.conflict
    spec = content.spec
    out = [f"# {c.title}", "",
           "*standoff takes no side. The model encodes one view of the conflict; sentences in "
           "quotation marks are what its source holds, not statements of fact.*", ""]

    out += [f"## {titles['model']}", ""]
    for heading, sentences in model_in_words(c):
        out += [f"### {heading}", ""] + [f"- {s}" for s in sentences] + [""]

    out += [f"## {titles['evidence']}", ""]
    rows = []
    for r in evidence_rows(spec):
        if r.kind == "quote":
            ev = f"{source_label(spec, r.source)} holds that “{r.support}”"
        elif r.kind == "assumption":
            ev = f"assumption: {r.support}"
        else:
            ev = "no evidence given"
        rows.append([r.where, f"`{r.statement}`", ev + (f" ({r.note})" if r.note else "")])
    out += _table(["where", "statement", "evidence"], rows) if rows else \
        ["The model has no statements to support.", ""]

    out += [f"## {titles['states']}", ""]
    rows = []
    for s in range(c.state_count):
        label = f"{s + 1}" + (" (status quo)" if c.status_quo == s else "")
        rows.append([label, f"`{c.pattern(s)}`", state_in_words(c, s).split(": ", 1)[1],
                     *(str(int(c.ranks[i, s])) for i in range(len(c.dm_ids)))])
    out += _table(["state", "pattern", "options taken", *(f"rank for {d}" for d in c.dm_ids)],
                  rows)
    out += ["Pattern positions: " + "; ".join(f"{k + 1}. `{key}`"
                                              for k, key in enumerate(c.option_keys)) + ".", ""]

    out += [f"## {titles['stability']}", ""]
    header, srows = _rows(base.analysis)
    out += _table(header, srows)

    out += [f"## {titles['equilibria']}", ""]
    for concept in base.analysis.concepts:
        states = base.analysis.equilibria[concept]
        out.append(f"- **{concept_name(concept)}**: "
                   + ("; ".join(state_in_words(c, s - 1) for s in states) or "none"))
    out.append("")

    out += [f"## {titles['evolution']}", ""]
    sq = evolution_of(content)
    if sq is None:
        out += ["The model states no status quo (or is too large for this section).", ""]
    else:
        out += [f"- {t}" for t in sq.sentences()] + [""]
        for path in sq.paths:
            rows = sq.evolution_table(path)
            out += [f"### Path to {c.show(path.target - 1)}", ""]
            out += _table(rows[0], rows[1:])

    out += [f"## {titles['claims']}", ""]
    if not spec.claims:
        out += ["The model states no claims.", ""]
    else:
        names = [run.name for run in content.runs]
        crows = [[claim.id, f"`{claim.check}`",
                  *(r.verdict_text for r in content.claim_results(claim.id)),
                  content.claim_summary(claim.id)] for claim in spec.claims]
        out += _table(["claim", "check", *names, "across variants"], crows)
        for claim in spec.claims:
            sentence = claim_sentence(spec, claim.id)
            out += [f"### {claim.id}", "", sentence[:1].upper() + sentence[1:] + ".", "",
                    f"Checked as `{claim.check}`: **{content.claim_summary(claim.id)}**.", ""]
            for r in content.claim_results(claim.id):
                out.append(f"- Variant **{r.variant}**: {r.verdict_text}.")
                shown: set[bool] = set()
                for v in r.verdicts:
                    out.append(f"  - {v.summary}")
                    if v.holds not in shown:
                        shown.add(v.holds)
                        out += [f"    - {d}" for d in v.details]
            out.append("")

    out += [f"## {titles['variants']}", ""]
    out += [f"- **{r.name}**: {r.description}" for r in content.runs] + [""]
    vrows = [[f"{concept_name(k)} equilibria", *(equilibria_text(r, k) for r in content.runs)]
             for k in content.concepts]
    out += _table(["concept", *(r.name for r in content.runs)], vrows)

    out += [f"## {titles['graph']}", ""]
    if svg_name:
        out += [f"![State graph of {c.title}]({svg_name})", ""]
    else:
        out += ["(The state graph is drawn in the HTML report.)", ""]
    out.append(f"<sub>standoff {__version__}; concepts "
               f"{', '.join(concept_name(k) for k in content.concepts)}.</sub>")
    return "\n".join(out) + "\n"
