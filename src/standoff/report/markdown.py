"""The report as Markdown (GitHub flavour), with the state graph as a separate SVG file.

Same sections as the HTML report (:mod:`standoff.report.html`). Markdown viewers do not
render inline SVG reliably, so :func:`render_markdown` takes the name of the picture file
it links to; ``standoff report -o FILE.md`` writes ``FILE.svg`` beside it, and for the
bargaining section one ``FILE.MODEL.svg`` per model with rounds (positions by round).
"""

from __future__ import annotations

from standoff._version import __version__
from standoff.analysis.claims import state_in_words
from standoff.analysis.result import stability_rows as _rows
from standoff.report.content import (
    BargainingSection,
    ReportContent,
    bottom_line,
    claim_sentence,
    concept_name,
    equilibria_text,
    evidence_rows,
    evidence_summary,
    evolution_missing,
    evolution_of,
    forecast_rows,
    listed_equilibria,
    model_in_words,
    paths_more_hint,
    report_states,
    round_rows,
    source_label,
    verdict_phrase,
    zopa_rows,
    zopa_sentences,
)
from standoff.report.html import BARGAINING_SECTION, SECTIONS, present_sections
from standoff.report.markdown_text import (  # noqa: F401 (the public names of Markdown text)
    Md,
    markdown_table,
    md_code,
    md_image,
    md_link_target,
    md_text,
    sentences_markdown,
)


def bargaining_markdown(section: BargainingSection,
                        svg_names: dict[str, str] | None = None) -> list[str]:
    """The bargaining section as Markdown lines; ``svg_names`` maps a model to its plot."""
    m = section.model
    out = [f"## {BARGAINING_SECTION[1]}", "",
           f"{md_text(m.title)}: {len(m.actors)} actors, {len(m.issues)} issue(s). Forecasts "
           "of where bargaining lands, by model (docs/bargaining.md states each model's "
           "equations and its accuracy on DEU III).", "", "### Forecasts", ""]
    out += [*markdown_table(*forecast_rows(section)), ""]
    out += [f"- **{md_text(n)}**: {md_text(f.citation)}"
            + (f" ({md_text(section.notes[n])})" if n in section.notes else "")
            for n, f in section.forecasts.items()]
    out += [f"- **{md_text(n)}**: not run: {md_text(msg)}"
            for n, msg in section.failures.items()]
    out.append("")
    for name in section.dynamic:
        f = section.forecasts[name]
        out += [f"### Rounds: {md_text(name)}", ""]
        for res in f.issues.values():
            stop = (f"; stopped after {res.details['steps']} steps: {res.details['stopped']}"
                    if "stopped" in res.details else "")
            out += [md_text(f"Issue {res.issue}: forecast {res.forecast:.4g}{stop}."), ""]
            out += [*markdown_table(*round_rows(res)), ""]
        if svg_names and name in svg_names:
            out += [md_image(f"{name}: positions by round", svg_names[name]), ""]
    z = section.zopa
    out += ["### Zone of possible agreement", "", md_text(f"Rule: {z['rule']}."), ""]
    out += [*markdown_table(["issue", "zone", "gap", "blocking", "smallest concession"],
                            zopa_rows(z)), ""]
    out += [f"- {md_text(s)}" for s in zopa_sentences(z, section.forecasts)] + [""]
    return out


def render_bargaining_markdown(section: BargainingSection, file: str,
                               svg_names: dict[str, str] | None = None) -> str:
    """A Markdown report for a file that holds only a bargaining section."""
    out = [f"# {md_text(section.model.title)}", "",
           "*standoff takes no side. The inputs encode one view of the positions and "
           "priorities of the actors; the forecasts say where the models expect bargaining to "
           "land under those inputs, not what any actor wants.*", ""]
    out += bargaining_markdown(section, svg_names)
    out.append(f"<sub>standoff {__version__}; from {md_text(file)}.</sub>")
    return "\n".join(out) + "\n"


def render_markdown(content: ReportContent, svg_name: str | None = None,
                    bargaining_svgs: dict[str, str] | None = None) -> str:
    """The whole report as Markdown; ``svg_name`` is the state-graph file to link to,
    ``bargaining_svgs`` the positions-by-round plots of the bargaining section.

    The sections are those of the HTML report, in its order (the bottom line and the claims
    first, the detailed tables last) and with the same ones left out when the model has
    nothing for them (:func:`standoff.report.html.present_sections`).

    Every piece of text taken from the model goes through :func:`md_text` (or
    :func:`md_code`), and every link target through :func:`md_link_target`.
    """
    c = content.base.conflict
    out = [f"# {md_text(c.title)}", "",
           "*standoff takes no side. The model encodes one view of the conflict; sentences in "
           "quotation marks are what its source holds, not statements of fact.*", ""]
    titles = dict(SECTIONS)
    for key in present_sections(content):
        out += [f"## {titles[key]}", ""]
        if key == "graph":
            if svg_name:
                out += [md_image(f"State graph of {c.title}", svg_name), ""]
            else:
                out += ["(The state graph is drawn in the HTML report.)", ""]
        else:
            out += _MD_SECTIONS[key](content)
    if content.bargaining is not None:
        out += bargaining_markdown(content.bargaining, bargaining_svgs)
    out.append(f"<sub>standoff {__version__}; concepts "
               f"{md_text(', '.join(concept_name(k) for k in content.concepts))}.</sub>")
    return "\n".join(out) + "\n"


def _md_summary(content: ReportContent) -> list[str]:
    line = bottom_line(content)
    out = [f"- {md_text(t)}" for t in line.claims]
    if out:
        out.append("")
    out += [f"- {md_text(t)}" for t in line.outcomes] + [""]
    if line.missing:
        out += [f"*{md_text(line.missing)}*", ""]
    return out


def _md_model(content: ReportContent) -> list[str]:
    out: list[str] = []
    for heading, sentences in model_in_words(content.base.conflict):
        out += [f"### {md_text(heading)}", ""] + [f"- {md_text(s)}" for s in sentences] + [""]
    return out


def _md_evidence(content: ReportContent) -> list[str]:
    spec = content.spec
    ev_rows = evidence_rows(spec)
    rows: list[list[str]] = []
    for r in ev_rows:
        if r.kind == "quote":
            ev = f"{source_label(spec, r.source)} holds that “{r.support}”"
        elif r.kind == "assumption":
            ev = f"assumption: {r.support}"
        else:
            ev = "no evidence given"
        statement = r.statement if r.prose else md_code(r.statement)
        rows.append([r.where, statement, ev + (f" ({r.note})" if r.note else "")])
    return [md_text(evidence_summary(ev_rows)), "",
            *markdown_table(["where", "statement", "evidence"], rows), ""]


def _md_states(content: ReportContent) -> list[str]:
    base = content.base
    c = base.conflict
    out: list[str] = []
    rows = []
    shown, note = report_states(base)
    if note:
        out += [md_text(note), ""]
    for s in shown:
        label = f"{s + 1}" + (" (status quo)" if c.status_quo == s else "")
        rows.append([label, md_code(c.pattern(s)), state_in_words(c, s).split(": ", 1)[1],
                     *(str(int(c.ranks[i, s])) for i in range(len(c.dm_ids)))])
    out += [*markdown_table(
        ["state", "pattern", "options taken", *(f"rank for {d}" for d in c.dm_ids)], rows), ""]
    out += ["Pattern positions: " + "; ".join(f"{k + 1}. {md_code(key)}"
                                              for k, key in enumerate(c.option_keys)) + ".", ""]
    return out


def _md_stability(content: ReportContent) -> list[str]:
    base = content.base
    shown, note = report_states(base)
    header, srows = _rows(base.analysis, shown)
    return ([md_text(note), ""] if note else []) + [*markdown_table(header, srows), ""]


def _md_equilibria(content: ReportContent) -> list[str]:
    base = content.base
    c = base.conflict
    out = []
    for concept in base.analysis.concepts:
        states = base.analysis.equilibria[concept]
        head, more = listed_equilibria(states)
        words = "; ".join([*(state_in_words(c, s - 1) for s in head), *([more] if more else [])])
        out.append(f"- **{md_text(concept_name(concept))}**: " + (md_text(words) or "none"))
    return out + [""]


def _md_evolution(content: ReportContent) -> list[str]:
    c = content.base.conflict
    sq = evolution_of(content)
    if sq is None:
        return [md_text(evolution_missing(content)), ""]
    out = [f"- {md_text(t)}" for t in sq.sentences(paths_more_hint(content.spec))] + [""]
    for path in sq.paths:
        table = sq.evolution_table(path)
        out += [f"### Path to {md_text(c.show(path.target - 1))}", ""]
        out += [*markdown_table(table[0], table[1:]), ""]
    return out


def _md_claims(content: ReportContent) -> list[str]:
    spec = content.spec
    names = [run.name for run in content.runs]
    crows = [[claim.id, md_code(claim.check),
              *(r.verdict_word for r in content.claim_results(claim.id)),
              content.claim_summary(claim.id)] for claim in spec.claims]
    out = [*markdown_table(["claim", "check", *names, "across variants"], crows), ""]
    out += ["holds: under every concept checked; fails: under none; mixed (k/n): under k of "
            "the n concepts.", ""]
    for claim in spec.claims:
        sentence = claim_sentence(spec, claim.id)
        out += [f"### {md_text(claim.id)}", "",
                md_text(sentence[:1].upper() + sentence[1:] + "."), "",
                f"Checked as {md_code(claim.check)}: "
                f"**{md_text(content.claim_summary(claim.id))}**.", ""]
        for r in content.claim_results(claim.id):
            out.append(f"- Variant **{md_text(r.variant)}**: {md_text(verdict_phrase(r))}.")
            shown: set[bool] = set()
            for v in r.verdicts:
                out.append(f"  - {md_text(v.summary)}")
                if v.holds not in shown:
                    shown.add(v.holds)
                    out += [f"    - {md_text(d)}" for d in v.details]
        out.append("")
    return out


def _md_variants(content: ReportContent) -> list[str]:
    out = [f"- **{md_text(r.name)}**: {md_text(r.description)}" for r in content.runs] + [""]
    vrows = [[f"{concept_name(k)} equilibria", *(equilibria_text(r, k) for r in content.runs)]
             for k in content.concepts]
    return out + [*markdown_table(["concept", *(r.name for r in content.runs)], vrows), ""]


def _md_firmness(content: ReportContent) -> list[str]:
    from standoff.report.robustness import firmness_markdown

    return firmness_markdown(content)


def _md_levels(content: ReportContent) -> list[str]:
    levels = content.levels
    if levels is None:  # pragma: no cover - present_sections leaves the section out
        return []
    out = ["(The drawing of the levels is in the HTML report.)", ""]
    for name, title, sentences in levels.local:
        out += [f"### Local conflict {md_text(name)}: {md_text(title)}", ""]
        out += [f"- {md_text(s)}" for s in sentences] + [""]
    return out + [md_text(s) + "\n" for s in levels.consistency]


def _md_comparison(content: ReportContent) -> list[str]:
    from standoff.report.comparison import comparison_markdown

    if content.comparison is None:  # pragma: no cover - present_sections leaves it out
        return []
    return comparison_markdown(content.comparison)


def _md_positions(content: ReportContent) -> list[str]:
    from standoff.report.confrontation import positions_markdown

    return positions_markdown(content)


def _md_perceptions(content: ReportContent) -> list[str]:
    from standoff.report.confrontation import perceptions_markdown

    return perceptions_markdown(content)


_MD_SECTIONS = {"summary": _md_summary, "levels": _md_levels, "comparison": _md_comparison,
                "claims": _md_claims, "firmness": _md_firmness,
                "positions": _md_positions, "perceptions": _md_perceptions,
                "model": _md_model,
                "evidence": _md_evidence, "equilibria": _md_equilibria,
                "evolution": _md_evolution, "variants": _md_variants, "states": _md_states,
                "stability": _md_stability}
