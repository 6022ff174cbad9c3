"""The report as Markdown (GitHub flavour), with the state graph as a separate SVG file.

Same sections as the HTML report (:mod:`standoff.report.html`). Markdown viewers do not
render inline SVG reliably, so :func:`render_markdown` takes the name of the picture file
it links to; ``standoff report -o FILE.md`` writes ``FILE.svg`` beside it, and for the
bargaining section one ``FILE.MODEL.svg`` per model with rounds (positions by round).
"""

from __future__ import annotations

from standoff._version import __version__
from standoff.analysis.claims import state_in_words
from standoff.report.content import (
    BargainingSection,
    ReportContent,
    claim_sentence,
    concept_name,
    equilibria_text,
    evidence_rows,
    evolution_of,
    forecast_rows,
    model_in_words,
    round_rows,
    source_label,
    zopa_rows,
    zopa_sentences,
)
from standoff.report.html import BARGAINING_SECTION, SECTIONS
from standoff.report.tables import _rows


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    out = ["| " + " | ".join(_cell(h) for h in header) + " |", "|" + "---|" * len(header)]
    out += ["| " + " | ".join(_cell(x) for x in row) + " |" for row in rows]
    return out + [""]


def bargaining_markdown(section: BargainingSection,
                        svg_names: dict[str, str] | None = None) -> list[str]:
    """The bargaining section as Markdown lines; ``svg_names`` maps a model to its plot."""
    m = section.model
    out = [f"## {BARGAINING_SECTION[1]}", "",
           f"{m.title}: {len(m.actors)} actors, {len(m.issues)} issue(s). Forecasts of where "
           "bargaining lands, by model (docs/bargaining.md states each model's equations and "
           "its accuracy on DEU III).", "", "### Forecasts", ""]
    out += _table(*forecast_rows(section))
    out += [f"- **{n}**: {f.citation}"
            + (f" ({section.notes[n]})" if n in section.notes else "")
            for n, f in section.forecasts.items()]
    out += [f"- **{n}**: not run: {msg}" for n, msg in section.failures.items()]
    out.append("")
    for name in section.dynamic:
        f = section.forecasts[name]
        out += [f"### Rounds: {name}", ""]
        for res in f.issues.values():
            stop = (f"; stopped after {res.details['steps']} steps: {res.details['stopped']}"
                    if "stopped" in res.details else "")
            out += [f"Issue {res.issue}: forecast {res.forecast:.4g}{stop}.", ""]
            out += _table(*round_rows(res))
        if svg_names and name in svg_names:
            out += [f"![{name}: positions by round]({svg_names[name]})", ""]
    z = section.zopa
    out += ["### Zone of possible agreement", "", f"Rule: {z['rule']}.", ""]
    out += _table(["issue", "zone", "gap", "blocking", "smallest concession"], zopa_rows(z))
    out += [f"- {s}" for s in zopa_sentences(z)] + [""]
    return out


def render_bargaining_markdown(section: BargainingSection, file: str,
                               svg_names: dict[str, str] | None = None) -> str:
    """A Markdown report for a file that holds only a bargaining section."""
    out = [f"# {section.model.title}", "",
           "*standoff takes no side. The inputs encode one view of the positions and "
           "priorities of the actors; the forecasts say where the models expect bargaining to "
           "land under those inputs, not what any actor wants.*", ""]
    out += bargaining_markdown(section, svg_names)
    out.append(f"<sub>standoff {__version__}; from {file}.</sub>")
    return "\n".join(out) + "\n"


def render_markdown(content: ReportContent, svg_name: str | None = None,
                    bargaining_svgs: dict[str, str] | None = None) -> str:
    """The whole report as Markdown; ``svg_name`` is the state-graph file to link to,
    ``bargaining_svgs`` the positions-by-round plots of the bargaining section."""
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
    if content.bargaining is not None:
        out += bargaining_markdown(content.bargaining, bargaining_svgs)
    out.append(f"<sub>standoff {__version__}; concepts "
               f"{', '.join(concept_name(k) for k in content.concepts)}.</sub>")
    return "\n".join(out) + "\n"
