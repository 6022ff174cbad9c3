"""A self-contained HTML report: one file, inline CSS and SVG, no script, no network.

Sections (each an ``<h2>`` with a stable ``id``), the answer first: ``summary`` (the bottom
line: which claims follow, which fail and where, which depend on the variant or the
concept; the equilibria and where the status quo can move; what the model does not have),
``claims`` (verdicts per concept and variant, witnesses in plain language), ``model`` (the
model in words), ``evidence`` (each premise → its quote, or "assumption" with its reason),
``equilibria``, ``evolution``, ``variants`` (side by side), then the detailed tables
``states`` and ``stability`` (per decision maker and concept) and ``graph`` (the state graph
as inline SVG, :mod:`standoff.report.svg`). Sections the model has nothing for (no claims,
no evidence, no variants, no status quo) are left out; the summary says so in one line.
Every table sits in its own horizontally scrolling container, so a wide one (the stability
grid) never widens the page. When the model
file has a ``bargaining:`` section, ``bargaining`` (every model's forecast, the round tables,
the positions-by-round plots and the zone of possible agreement). A file with only a
``bargaining:`` section gets a report of that section alone
(:func:`render_bargaining_html`).
"""

from __future__ import annotations

from html import escape

from standoff._version import __version__
from standoff.analysis.claims import ClaimResult, Verdict, state_in_words
from standoff.analysis.result import stability_rows as _rows
from standoff.analysis.variants import variant_names
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
    has_evidence,
    listed_equilibria,
    model_in_words,
    paths_more_hint,
    report_states,
    round_rows,
    verdict_phrase,
    zopa_rows,
    zopa_sentences,
)
from standoff.report.html_text import html_table as _table
from standoff.report.svg import state_graph_svg

SECTIONS = (
    ("summary", "Bottom line"),
    ("claims", "Claims"),
    ("comparison", "Compared with the other model"),
    ("firmness", "How firm is each conclusion"),
    ("positions", "Positions and dilemmas (card table)"),
    ("perceptions", "Perceptions"),
    ("model", "The model in words"),
    ("levels", "Levels: the local conflicts and who links them"),
    ("evidence", "Evidence: where each premise comes from"),
    ("equilibria", "Equilibria"),
    ("evolution", "Evolution from the status quo"),
    ("variants", "Variants side by side"),
    ("states", "States"),
    ("stability", "Stability per decision maker and concept"),
    ("graph", "State graph"),
)

#: The section added when the model file has a ``bargaining:`` section.
BARGAINING_SECTION = ("bargaining", "Bargaining over issues on a scale")

_CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,Helvetica,Arial,sans-serif;max-width:70rem;
margin:2rem auto;padding:0 1rem;line-height:1.45;color:#1b1b1b}
h1{font-size:1.6rem}h2{margin-top:2.2rem;border-bottom:1px solid #ccc;padding-bottom:.2rem}
table{border-collapse:collapse;margin:.6rem 0;font-size:.92rem}
th,td{border:1px solid #ccc;padding:.25rem .5rem;vertical-align:top;text-align:left}
th{background:#f3f3f3}code,.pattern{font-family:ui-monospace,Menlo,Consolas,monospace}
.holds{background:#e6f4ea}.fails{background:#fce8e6}.mixed{background:#fff4d6}
.eq{font-weight:bold;background:#e6f4ea}.sq{outline:2px solid #ff7f0e}
.assumption{color:#8a4b00}.none{color:#a00}.note{color:#555;font-size:.9rem}
blockquote{margin:.3rem 0 .3rem 1rem;padding-left:.6rem;border-left:3px solid #bbb;color:#333}
details{margin:.3rem 0}summary{cursor:pointer}nav a{margin-right:.8rem}
.graph,.scroll{overflow-x:auto;max-width:100%}
.graph svg{max-width:100%;height:auto}
.summary{background:#f6f8fa;border:1px solid #d0d7de;padding:.4rem 1rem;border-radius:6px}
p,li{overflow-wrap:anywhere}td code{overflow-wrap:anywhere}
"""


#: The start of a table in its own scrolling container (closed by ``</table></div>``).
_OPEN = '<div class="scroll"><table><thead><tr>'


def _cls(holds: bool, mixed: bool = False) -> str:
    return "mixed" if mixed else ("holds" if holds else "fails")


def render_html(content: ReportContent) -> str:
    """The whole report as one HTML document."""
    base = content.base
    c = base.conflict
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(c.title)} — standoff report</title>",
        f"<style>{_CSS}</style></head><body>",
        f"<h1>{escape(c.title)}</h1>",
        '<p class="note">standoff takes no side. The model encodes one view of the conflict; '
        "sentences in quotation marks are what its source holds, not statements of fact, and "
        "the verdicts below say only whether the source's conclusions follow from its "
        "premises as encoded here.</p>",
        "<nav>" + "".join(f'<a href="#{k}">{escape(t)}</a>' for k, t in _nav(content))
        + "</nav>",
    ]
    for key in present_sections(content):
        parts += _render_table()[key](content)
    if content.bargaining is not None:
        parts += bargaining_html(content.bargaining)
    parts.append(f'<p class="note">Made by standoff {escape(__version__)} from '
                 f"{escape(content.spec.file)}; concepts: "
                 f"{escape(', '.join(concept_name(k) for k in content.concepts))}.</p>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def present_sections(content: ReportContent) -> list[str]:
    """The keys of the sections this report has, in :data:`SECTIONS` order: no claims
    section without claims, no evidence section when nothing cites evidence, no variants
    section for the model alone, no evolution section without a status quo."""
    skip = set()
    if not content.spec.claims:
        skip.add("claims")
    if not has_evidence(content):
        skip.add("evidence")
    if len(content.runs) <= 1 and len(variant_names(content.spec)) <= 1:
        skip.add("variants")
    if content.base.conflict.status_quo is None:
        skip.add("evolution")
    if not any(p.declares_uncertainty for p in content.spec.preferences):
        skip.add("firmness")
    if content.levels is None:
        skip.add("levels")
    if content.comparison is None:
        skip.add("comparison")
    from standoff.report.confrontation import has_confrontation, has_perceptions

    if not has_confrontation(content):
        skip.add("positions")
    if not has_perceptions(content):
        skip.add("perceptions")
    return [k for k, _ in SECTIONS if k not in skip]


def _nav(content: ReportContent) -> tuple[tuple[str, str], ...]:
    titles = dict(SECTIONS)
    shown = tuple((k, titles[k]) for k in present_sections(content))
    return shown + ((BARGAINING_SECTION,) if content.bargaining is not None else ())




def bargaining_html(section: BargainingSection) -> list[str]:
    """The bargaining section: forecasts, rounds with plots, and the ZOPA."""
    from standoff.bargaining.plot import rounds_svg

    key, title = BARGAINING_SECTION
    m = section.model
    out = [f'<h2 id="{key}">{escape(title)}</h2>',
           f"<p>{escape(m.title)}: {len(m.actors)} actors, {len(m.issues)} issue(s). "
           "Forecasts of where bargaining lands, by model (docs/bargaining.md states each "
           "model's equations and its accuracy on DEU III).</p>",
           '<h3 id="bargaining-forecasts">Forecasts</h3>',
           _table(*forecast_rows(section))]
    cites = [f"<li><b>{escape(n)}</b>: {escape(f.citation)}"
             + (f" ({escape(section.notes[n])})" if n in section.notes else "") + "</li>"
             for n, f in section.forecasts.items()]
    cites += [f"<li><b>{escape(n)}</b>: not run: {escape(msg)}</li>"
              for n, msg in section.failures.items()]
    out.append('<ul class="note">' + "".join(cites) + "</ul>")
    for name in section.dynamic:
        f = section.forecasts[name]
        out.append(f'<h3 id="bargaining-{escape(name)}">Rounds: {escape(name)}</h3>')
        for res in f.issues.values():
            out.append(f"<p>Issue {escape(res.issue)}: forecast {res.forecast:.4g}"
                       + (f"; stopped after {res.details['steps']} steps: "
                          f"{escape(str(res.details['stopped']))}"
                          if "stopped" in res.details else "") + ".</p>")
            out.append(_table(*round_rows(res)))
        out.append(f'<div class="graph plot" id="plot-{escape(name)}">'
                   + rounds_svg(f).strip() + "</div>")
    z = section.zopa
    out.append('<h3 id="bargaining-zopa">Zone of possible agreement</h3>')
    out.append(f"<p>Rule: {escape(str(z['rule']))}.</p>")
    out.append(_table(["issue", "zone", "gap", "blocking", "smallest concession"],
                      zopa_rows(z)))
    sentences = zopa_sentences(z, section.forecasts)
    out.append("<ul>" + "".join(f"<li>{escape(s)}</li>" for s in sentences) + "</ul>")
    return out


def render_bargaining_html(section: BargainingSection, file: str) -> str:
    """A report for a file that holds only a bargaining section."""
    title = section.model.title
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(title)} — standoff report</title>",
        f"<style>{_CSS}</style></head><body>",
        f"<h1>{escape(title)}</h1>",
        '<p class="note">standoff takes no side. The inputs encode one view of the positions '
        "and priorities of the actors; the forecasts say where the models expect bargaining "
        "to land under those inputs, not what any actor wants.</p>",
        *bargaining_html(section),
        f'<p class="note">Made by standoff {escape(__version__)} from {escape(file)}.</p>',
        "</body></html>",
    ]
    return "\n".join(parts) + "\n"


def _evolution(content: ReportContent) -> list[str]:
    """Status quo analysis of the base model: reachable equilibria and evolution tables."""
    out = [_h2("evolution")]
    sq = evolution_of(content)
    if sq is None:
        out.append(f'<p class="note">{escape(evolution_missing(content))}</p>')
        return out
    sentences = sq.sentences(paths_more_hint(content.spec))
    out.append("<ul>" + "".join(f"<li>{escape(t)}</li>" for t in sentences) + "</ul>")
    for path in sq.paths:
        rows = sq.evolution_table(path)
        out.append(f"<h3>Path to {escape(content.base.conflict.show(path.target - 1))}</h3>")
        out.append(_OPEN + "".join(f"<th>{escape(h)}</th>" for h in rows[0])
                   + "</tr></thead><tbody>")
        for row in rows[1:]:
            out.append("<tr>" + "".join(f"<td>{escape(x)}</td>" for x in row) + "</tr>")
        out.append("</tbody></table></div>")
    out.append('<p class="note">Legal sequences of unilateral improvements (no decision maker '
               "moves twice in a row); * marks an option that changed. Li, Kilgour &amp; Hipel "
               "(2005).</p>")
    return out


def _summary(content: ReportContent) -> list[str]:
    """The bottom line: the claims, the equilibria and the status quo, what is missing."""
    line = bottom_line(content)
    out = [_h2("summary"), '<div class="summary">']
    if line.claims:
        out.append("<ul>" + "".join(f"<li>{escape(t)}</li>" for t in line.claims) + "</ul>")
    out.append("<ul>" + "".join(f"<li>{escape(t)}</li>" for t in line.outcomes) + "</ul>")
    if line.missing:
        out.append(f'<p class="note">{escape(line.missing)}</p>')
    out.append("</div>")
    return out


def _h2(key: str) -> str:
    return f'<h2 id="{key}">{escape(dict(SECTIONS)[key])}</h2>'


def _model(content: ReportContent) -> list[str]:
    out = [_h2("model")]
    for heading, sentences in model_in_words(content.base.conflict):
        out.append(f"<h3>{escape(heading)}</h3><ul>")
        out += [f"<li>{escape(s)}</li>" for s in sentences]
        out.append("</ul>")
    return out


def _evidence(content: ReportContent) -> list[str]:
    rows = evidence_rows(content.spec)
    out = [_h2("evidence")]
    if not rows:
        out.append("<p>The model has no statements to support.</p>")
        return out
    out.append(f"<p>{escape(evidence_summary(rows))}</p>")
    out.append(_OPEN + "<th>where</th><th>statement</th><th>evidence</th>"
               "</tr></thead><tbody>")
    for r in rows:
        if r.kind == "quote":
            ev = (f"{escape(_source(content, r.source))} holds that:"
                  f"<blockquote>“{escape(r.support)}”</blockquote>")
        elif r.kind == "assumption":
            ev = f'<span class="assumption">assumption: {escape(r.support)}</span>'
        else:
            ev = '<span class="none">no evidence given</span>'
        if r.note:
            ev += f'<div class="note">{escape(r.note)}</div>'
        statement = escape(r.statement) if r.prose else f"<code>{escape(r.statement)}</code>"
        out.append(f"<tr><td>{escape(r.where)}</td><td>{statement}</td><td>{ev}</td></tr>")
    out.append("</tbody></table></div>")
    return out


def _source(content: ReportContent, source: str | None) -> str:
    from standoff.report.content import source_label

    label = source_label(content.spec, source)
    return label[0].upper() + label[1:]


def _states(content: ReportContent) -> list[str]:
    run = content.base
    c = run.conflict
    out = [_h2("states"), "<p>Pattern positions (Y taken, N not taken, – irrelevant): "
           + "; ".join(f"{k + 1}. <code>{escape(key)}</code>"
                       for k, key in enumerate(c.option_keys)) + ".</p>"]
    shown, note = report_states(run)
    if note:
        out.append(f'<p class="note">{escape(note)}</p>')
    out.append(_OPEN + "<th>state</th><th>pattern</th><th>options taken</th>"
               + "".join(f"<th>rank for {escape(d)}</th>" for d in c.dm_ids)
               + "</tr></thead><tbody>")
    for s in shown:
        cls = ' class="sq"' if c.status_quo == s else ""
        words = state_in_words(c, s).split(": ", 1)[1]
        label = f"{s + 1}" + (" (status quo)" if c.status_quo == s else "")
        out.append(f"<tr{cls}><td>{label}</td><td class=\"pattern\">{escape(c.pattern(s))}</td>"
                   f"<td>{escape(words)}</td>"
                   + "".join(f"<td>{int(c.ranks[i, s])}</td>" for i in range(len(c.dm_ids)))
                   + "</tr>")
    out.append("</tbody></table></div><p class=\"note\">Rank: higher is preferred; equal ranks "
               "tie.</p>")
    return out


def _stability(content: ReportContent) -> list[str]:
    run = content.base
    shown, note = report_states(run)
    header, rows = _rows(run.analysis, shown)
    out = [_h2("stability"), "<p>✓ stable for that decision maker under that concept, · not "
           "stable. A state stable for every decision maker is an equilibrium.</p>"]
    if note:
        out.append(f'<p class="note">{escape(note)}</p>')
    out.append(_OPEN + "".join(f"<th>{escape(h)}</th>" for h in header)
               + "</tr></thead><tbody>")
    for row in rows:
        cls = ' class="eq"' if row[-1] else ""
        out.append(f"<tr{cls}>" + "".join(f"<td>{escape(x)}</td>" for x in row) + "</tr>")
    out.append("</tbody></table></div>")
    return out


def _equilibria(content: ReportContent) -> list[str]:
    run = content.base
    c = run.conflict
    out = [_h2("equilibria"), "<ul>"]
    for concept in run.analysis.concepts:
        states = run.analysis.equilibria[concept]
        if not states:
            out.append(f"<li><b>{escape(concept_name(concept))}</b>: none</li>")
            continue
        head, more = listed_equilibria(states)
        items = "".join(f"<li>{escape(state_in_words(c, s - 1))}</li>" for s in head)
        items += f"<li>{escape(more)}</li>" if more else ""
        out.append(f"<li><b>{escape(concept_name(concept))}</b>:<ul>{items}</ul></li>")
    out.append("</ul>")
    return out


def _verdict_block(v: Verdict) -> str:
    text = f'<div class="{_cls(v.holds)}">{escape(v.summary)}</div>'
    if v.details:
        text += "<ul>" + "".join(f"<li>{escape(d)}</li>" for d in v.details) + "</ul>"
    return text


def _claims(content: ReportContent) -> list[str]:
    out = [_h2("claims")]
    spec = content.spec
    names = [run.name for run in content.runs]
    out.append(_OPEN + "<th>claim</th><th>check</th>"
               + "".join(f"<th>{escape(n)}</th>" for n in names)
               + "<th>across variants</th></tr></thead><tbody>")
    for claim in spec.claims:
        results = content.claim_results(claim.id)
        cells = []
        for r in results:
            word = r.verdict_word
            mixed = word.startswith("mixed")
            detail = f'<div class="note">{escape(r.verdict_text)}</div>' if mixed else ""
            cells.append(f'<td class="{_cls(r.holds, mixed)}"><b>{escape(word)}</b>{detail}</td>')
        out.append(f'<tr><td><a href="#claim-{escape(claim.id)}">{escape(claim.id)}</a></td>'
                   f"<td><code>{escape(claim.check)}</code></td>{''.join(cells)}"
                   f"<td>{escape(content.claim_summary(claim.id))}</td></tr>")
    out.append("</tbody></table></div>")
    for claim in spec.claims:
        results = content.claim_results(claim.id)
        out.append(f'<h3 id="claim-{escape(claim.id)}">{escape(claim.id)}</h3>')
        out.append(f"<p>{escape(_capital(claim_sentence(spec, claim.id)))}.</p>")
        out.append(f"<p>Checked as <code>{escape(claim.check)}</code>: "
                   f"<b>{escape(content.claim_summary(claim.id))}</b>.</p>")
        if len(results) > 1 and len({r.verdict_word for r in results}) > 1:
            out.append("<p>The verdict depends on assumptions that differ between "
                       "variants (see <a href=\"#variants\">Variants</a>).</p>")
        for r in results:
            out.append(_result_block(r, content))
    return out


def _result_block(r: ClaimResult, content: ReportContent) -> str:
    run = next(x for x in content.runs if x.name == r.variant)
    head = f"In variant <b>{escape(r.variant)}</b> ({escape(run.description)}): " \
        f"{escape(verdict_phrase(r))}"
    shown: set[bool] = set()
    blocks = []
    for v in r.verdicts:
        if v.holds in shown:
            blocks.append(f'<div class="{_cls(v.holds)}">{escape(v.summary)}</div>')
            continue
        shown.add(v.holds)
        blocks.append(_verdict_block(v))
    is_open = " open" if r.variant == content.runs[0].name else ""
    return f"<details{is_open}><summary>{head}</summary>{''.join(blocks)}</details>"


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _variants(content: ReportContent) -> list[str]:
    out = [_h2("variants")]
    out.append("<ul>" + "".join(f"<li><b>{escape(r.name)}</b>: {escape(r.description)}</li>"
                                for r in content.runs) + "</ul>")
    if len(content.runs) > 1:
        out.append('<p class="note">State numbers can differ between variants that change '
                   "feasibility; the option patterns do not.</p>")
    out.append(_OPEN + "<th>concept</th>"
               + "".join(f"<th>{escape(r.name)}</th>" for r in content.runs)
               + "</tr></thead><tbody>")
    for concept in content.concepts:
        cells = "".join(f"<td>{escape(equilibria_text(r, concept))}</td>" for r in content.runs)
        out.append(f"<tr><td>{escape(concept_name(concept))} equilibria</td>{cells}</tr>")
    out.append("</tbody></table></div>")
    return out


def _render_table() -> dict:
    from standoff.report.confrontation import perceptions_html, positions_html
    from standoff.report.robustness import firmness_html

    return {"summary": _summary, "claims": _claims, "firmness": firmness_html,
            "positions": positions_html, "perceptions": perceptions_html,
            "model": _model, "evidence": _evidence, "levels": _levels,
            "comparison": _comparison,
            "equilibria": _equilibria, "evolution": _evolution, "variants": _variants,
            "states": _states, "stability": _stability, "graph": _graph}


def _levels(content: ReportContent) -> list[str]:
    """The drawing of the levels, each local conflict on its own, and consistency."""
    levels = content.levels
    if levels is None:  # pragma: no cover - present_sections leaves the section out
        return []
    out = [_h2("levels"),
           "<p>The common decision makers (above) take part in every local conflict they "
           "are joined to (below); each local conflict lists its decision makers with "
           "their options there. A state of the overall model combines one state of every "
           "local conflict.</p>",
           f'<div class="graph">{levels.svg}</div>']
    for name, title, sentences in levels.local:
        out.append(f"<h3>Local conflict {escape(name)}: {escape(title)}</h3><ul>")
        out += [f"<li>{escape(s)}</li>" for s in sentences]
        out.append("</ul>")
    out += [f"<p>{escape(s)}</p>" for s in levels.consistency]
    return out


def _comparison(content: ReportContent) -> list[str]:
    from standoff.report.comparison import comparison_html

    if content.comparison is None:  # pragma: no cover - present_sections leaves it out
        return []
    return comparison_html(content.comparison, _h2("comparison"))


def _graph(content: ReportContent) -> list[str]:
    """One picture per variant (the base open, the others folded)."""
    out = [_h2("graph"),
           "<p>Each circle is a state: its number, its option pattern under it, and the "
           "concepts under which it is an equilibrium. Arrows are unilateral improvements, "
           "coloured by the decision maker who would make them; grey lines join states "
           "whose moves improve for nobody who can make them. The orange band follows the "
           "shortest evolution from the status quo to the equilibria it can reach. A large "
           "graph shows the status quo's neighbourhood and the equilibria, in columns by "
           "the number of moves from the status quo, and says how many states it leaves "
           "out.</p>"]
    for k, run in enumerate(content.runs):
        name = "" if len(content.runs) == 1 else f" — variant {run.name}"
        picture = state_graph_svg(run.analysis,
                                  title=f"{run.conflict.title}: state graph{name}")
        body = f'<div class="graph">{picture.svg}</div>'
        if k == 0:
            out.append(body)
        else:
            out.append(f"<details><summary>State graph of variant {escape(run.name)}: "
                       f"{escape(run.description)}</summary>{body}</details>")
    return out
