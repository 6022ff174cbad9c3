"""The report as Markdown (GitHub flavour), with the state graph as a separate SVG file.

Same sections as the HTML report (:mod:`standoff.report.html`). Markdown viewers do not
render inline SVG reliably, so :func:`render_markdown` takes the name of the picture file
it links to; ``standoff report -o FILE.md`` writes ``FILE.svg`` beside it, and for the
bargaining section one ``FILE.MODEL.svg`` per model with rounds (positions by round).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from urllib.parse import quote

from standoff._version import __version__
from standoff.analysis.claims import state_in_words
from standoff.output import terminal_text
from standoff.report.content import (
    BargainingSection,
    ReportContent,
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
    zopa_rows,
    zopa_sentences,
)
from standoff.report.html import BARGAINING_SECTION, SECTIONS
from standoff.report.tables import _rows


class Md(str):
    """Text that is already Markdown (built by this module): table cells of this type are
    not escaped again."""


#: Characters that mean something to Markdown wherever they stand (backslash first).
_INLINE = re.compile(r"([\\`*\[\]|~#$])")
#: ``_`` opens or closes emphasis only at a word boundary; inside a word it is a letter.
_UNDERSCORE = re.compile(r"(?<![0-9A-Za-z])_|_(?![0-9A-Za-z])")
#: What would start a block (list, heading, rule) at the beginning of a line.
_BLOCK_START = re.compile(r"^(\s*)([-+=]|\d+(?=[.)]))")


def md_text(text: object) -> str:
    """Model text (a name, a description, a quote, a claim's text…) made safe for Markdown:
    it reads as the same literal text wherever it is put (a paragraph, a list item, a table
    cell, a heading, an image's alt text).

    ``&``, ``<`` and ``>`` become HTML entities, so no raw HTML passes through; ``\\ ` * [ ]
    | ~ # $`` and a ``_`` at a word boundary are backslash-escaped (emphasis, code, links,
    table cells, headings, maths); a leading ``-``, ``+``, ``=`` or ``1.`` cannot start a
    block; line breaks and tabs become spaces, and other control characters visible escapes
    (:func:`standoff.output.terminal_text`), so printed Markdown cannot drive a terminal.
    This is the one escaping function of every Markdown output (reports, ``--format
    markdown`` of every command).
    """
    out = terminal_text(" ".join(str(text).split("\n")).replace("\r", " ").replace("\t", " "))
    out = out.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    out = _INLINE.sub(r"\\\1", out)
    out = _UNDERSCORE.sub(r"\\_", out)
    match = _BLOCK_START.match(out)
    if match:
        lead, mark = match.groups()
        if mark[0].isdigit():  # "1." or "1)": escape the punctuation after the number
            end = match.end()
            out = out[:end] + "\\" + out[end:]
        else:
            out = lead + "\\" + out[len(lead):]
    return out


#: A state as the explanations show it: its number and option pattern, "5 (NYNNY)".
_SHOWN_STATE = re.compile(r"\b(\d+) \(([YN–]+)\)")


def sentences_markdown(sentences: Sequence[str]) -> str:
    """An explanation's sentences as Markdown: the first (the verdict) as a paragraph, the
    others as list items; every sentence escaped with :func:`md_text`, and each state's
    option pattern ("5 (NYNNY)") put in a code span."""
    if not sentences:
        return ""
    verdict, *reasons = (md_text(s) for s in sentences)
    text = "\n".join([verdict, *(["", *(f"- {r}" for r in reasons)] if reasons else [])])
    return _SHOWN_STATE.sub(lambda m: f"{m.group(1)} (`{m.group(2)}`)", text) + "\n"


def md_code(text: object) -> Md:
    """Model text as a code span (shown literally; a backtick inside lengthens the fence)."""
    body = terminal_text(" ".join(str(text).splitlines()))
    if not body:
        return Md("")
    longest = max((len(run) for run in re.findall(r"`+", body)), default=0)
    fence = "`" * (longest + 1)
    if body.startswith("`") or body.endswith("`"):
        body = f" {body} "
    return Md(f"{fence}{body}{fence}")


def md_link_target(name: str) -> str:
    """A file name as a link destination: percent-encoded (spaces, parentheses, ``<``…), so
    ``sp ace.svg`` becomes ``sp%20ace.svg`` and the link stays valid CommonMark."""
    return quote(name, safe="/")


def md_image(alt: str, target: str) -> Md:
    """``![alt](target)`` with the alt text escaped and the target percent-encoded."""
    return Md(f"![{md_text(alt)}]({md_link_target(target)})")


def _cell(text: str) -> str:
    if isinstance(text, Md):  # already Markdown: only the table's own needs remain
        return text.replace("|", "\\|").replace("\n", " ")
    return md_text(text)


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    """A GitHub table; plain cells are escaped with :func:`md_text`, :class:`Md` cells kept."""
    out = ["| " + " | ".join(_cell(h) for h in header) + " |", "|" + "---|" * len(header)]
    out += ["| " + " | ".join(_cell(x) for x in row) + " |" for row in rows]
    return out + [""]


def bargaining_markdown(section: BargainingSection,
                        svg_names: dict[str, str] | None = None) -> list[str]:
    """The bargaining section as Markdown lines; ``svg_names`` maps a model to its plot."""
    m = section.model
    out = [f"## {BARGAINING_SECTION[1]}", "",
           f"{md_text(m.title)}: {len(m.actors)} actors, {len(m.issues)} issue(s). Forecasts "
           "of where bargaining lands, by model (docs/bargaining.md states each model's "
           "equations and its accuracy on DEU III).", "", "### Forecasts", ""]
    out += _table(*forecast_rows(section))
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
            out += _table(*round_rows(res))
        if svg_names and name in svg_names:
            out += [md_image(f"{name}: positions by round", svg_names[name]), ""]
    z = section.zopa
    out += ["### Zone of possible agreement", "", md_text(f"Rule: {z['rule']}."), ""]
    out += _table(["issue", "zone", "gap", "blocking", "smallest concession"], zopa_rows(z))
    out += [f"- {md_text(s)}" for s in zopa_sentences(z)] + [""]
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

    Every piece of text taken from the model goes through :func:`md_text` (or
    :func:`md_code`), and every link target through :func:`md_link_target`.
    """
    titles = dict(SECTIONS)
    base = content.base
    c = base.conflict
    spec = content.spec
    out = [f"# {md_text(c.title)}", "",
           "*standoff takes no side. The model encodes one view of the conflict; sentences in "
           "quotation marks are what its source holds, not statements of fact.*", ""]

    out += [f"## {titles['model']}", ""]
    for heading, sentences in model_in_words(c):
        out += [f"### {md_text(heading)}", ""] + [f"- {md_text(s)}" for s in sentences] + [""]

    out += [f"## {titles['evidence']}", ""]
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
    if rows:
        out += [md_text(evidence_summary(ev_rows)), ""]
        out += _table(["where", "statement", "evidence"], rows)
    else:
        out += ["The model has no statements to support.", ""]

    out += [f"## {titles['states']}", ""]
    rows = []
    shown, note = report_states(base)
    if note:
        out += [md_text(note), ""]
    for s in shown:
        label = f"{s + 1}" + (" (status quo)" if c.status_quo == s else "")
        rows.append([label, md_code(c.pattern(s)), state_in_words(c, s).split(": ", 1)[1],
                     *(str(int(c.ranks[i, s])) for i in range(len(c.dm_ids)))])
    out += _table(["state", "pattern", "options taken", *(f"rank for {d}" for d in c.dm_ids)],
                  rows)
    out += ["Pattern positions: " + "; ".join(f"{k + 1}. {md_code(key)}"
                                              for k, key in enumerate(c.option_keys)) + ".", ""]

    out += [f"## {titles['stability']}", ""]
    header, srows = _rows(base.analysis, shown)
    if note:
        out += [md_text(note), ""]
    out += _table(header, srows)

    out += [f"## {titles['equilibria']}", ""]
    for concept in base.analysis.concepts:
        states = base.analysis.equilibria[concept]
        head, more = listed_equilibria(states)
        words = "; ".join([*(state_in_words(c, s - 1) for s in head), *([more] if more else [])])
        out.append(f"- **{md_text(concept_name(concept))}**: " + (md_text(words) or "none"))
    out.append("")

    out += [f"## {titles['evolution']}", ""]
    sq = evolution_of(content)
    if sq is None:
        out += [md_text(evolution_missing(content)), ""]
    else:
        out += [f"- {md_text(t)}" for t in sq.sentences(paths_more_hint(spec))] + [""]
        for path in sq.paths:
            table = sq.evolution_table(path)
            out += [f"### Path to {md_text(c.show(path.target - 1))}", ""]
            out += _table(table[0], table[1:])

    out += [f"## {titles['claims']}", ""]
    if not spec.claims:
        out += ["The model states no claims.", ""]
    else:
        names = [run.name for run in content.runs]
        crows = [[claim.id, md_code(claim.check),
                  *(r.verdict_text for r in content.claim_results(claim.id)),
                  content.claim_summary(claim.id)] for claim in spec.claims]
        out += _table(["claim", "check", *names, "across variants"], crows)
        for claim in spec.claims:
            sentence = claim_sentence(spec, claim.id)
            out += [f"### {md_text(claim.id)}", "",
                    md_text(sentence[:1].upper() + sentence[1:] + "."), "",
                    f"Checked as {md_code(claim.check)}: "
                    f"**{md_text(content.claim_summary(claim.id))}**.", ""]
            for r in content.claim_results(claim.id):
                out.append(f"- Variant **{md_text(r.variant)}**: {md_text(r.verdict_text)}.")
                shown: set[bool] = set()
                for v in r.verdicts:
                    out.append(f"  - {md_text(v.summary)}")
                    if v.holds not in shown:
                        shown.add(v.holds)
                        out += [f"    - {md_text(d)}" for d in v.details]
            out.append("")

    from standoff.report.robustness import firmness_markdown

    out += firmness_markdown(content)
    out += [f"## {titles['variants']}", ""]
    out += [f"- **{md_text(r.name)}**: {md_text(r.description)}" for r in content.runs] + [""]
    vrows = [[f"{concept_name(k)} equilibria", *(equilibria_text(r, k) for r in content.runs)]
             for k in content.concepts]
    out += _table(["concept", *(r.name for r in content.runs)], vrows)

    out += [f"## {titles['graph']}", ""]
    if svg_name:
        out += [md_image(f"State graph of {c.title}", svg_name), ""]
    else:
        out += ["(The state graph is drawn in the HTML report.)", ""]
    if content.bargaining is not None:
        out += bargaining_markdown(content.bargaining, bargaining_svgs)
    out.append(f"<sub>standoff {__version__}; concepts "
               f"{md_text(', '.join(concept_name(k) for k in content.concepts))}.</sub>")
    return "\n".join(out) + "\n"
