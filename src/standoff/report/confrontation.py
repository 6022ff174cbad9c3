"""The report's sections on positions (drama theory's card table, docs/confrontation.md)
and on perceptions (first-level hypergames, docs/hypergames.md), in plain words.

Each section appears only when the model has the section it reports on (``confrontation:``
or ``perceptions:``). Text about the model's premises never states the source's view as a
fact (:func:`standoff.report.content.evidence_words`).
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from standoff.analysis.dilemmas import DilemmaResult, analyse_dilemmas, card_table_rows
from standoff.analysis.hypergame import HypergameResult, analyse_hypergame, perceptions_of
from standoff.graph.conflict import Conflict
from standoff.model.confrontation import READINGS, FutureSpec
from standoff.model.loader import ModelSpec
from standoff.report.content import ReportContent, evidence_words
from standoff.report.html_text import html_table as _table
from standoff.report.markdown_text import markdown_table, md_text

#: The section titles (as in :data:`standoff.report.html.SECTIONS`).
POSITIONS_TITLE = "Positions and dilemmas (card table)"
PERCEPTIONS_TITLE = "Perceptions"

#: Concepts the perceptions section reports on, when the report computed them.
_HYPERGAME_CONCEPTS = ("nash", "gmr", "smr", "seq", "sim")


def has_confrontation(content: ReportContent) -> bool:
    """Whether the report's base model has a card table."""
    return content.base.conflict.spec.confrontation() is not None


def has_perceptions(content: ReportContent) -> bool:
    """Whether the report's base model states how some decision maker perceives it."""
    return bool(perceptions_of(content.base.conflict.spec))


# -- positions -------------------------------------------------------------------------------
@dataclass(frozen=True)
class PositionsSection:
    """What the positions section shows: the card table (header and rows), the dilemmas
    (party, dilemma, other, sentence), plain sentences, and where each value comes from."""

    header: list[str]
    rows: list[list[str]]
    dilemmas: list[list[str]]
    sentences: list[str]
    evidence: list[str]


def _name(conflict: Conflict, d: int) -> str:
    return conflict.spec.dms[d].name


def _acceptance_words(result: DilemmaResult) -> str:
    """One phrase: which positions are acceptable to every other party under a reading."""
    good = [_name(result.conflict, p) for p in result.table.parties
            if result.acceptable_to_all(p)]
    if not good:
        return "no position is acceptable to every other party"
    return ("the position of " + " and of ".join(good) + " "
            + ("is" if len(good) == 1 else "are") + " acceptable to every other party")


def positions_section(content: ReportContent) -> PositionsSection:
    """The card table of the base model and what follows from it."""
    return positions_section_of(content.base.conflict)


def positions_section_of(conflict: Conflict, reading: str | None = None
                         ) -> PositionsSection:
    """The positions section of ``conflict`` (a model with ``confrontation:``) under
    ``reading`` (default: the model's own); the workbench's Positions view shows it."""
    result = analyse_dilemmas(conflict, reading)
    rows = card_table_rows(result)
    columns = [k for k in rows[0] if k not in ("option", "owner", "text")]
    header = ["option", *columns]
    table = [[f"{r['option']}: {r['text']}", *(r[c] for c in columns)] for r in rows]
    dilemmas = [[conflict.dm_ids[d.party], d.name, conflict.dm_ids[d.other], d.sentence]
                for d in result.dilemmas]
    reading = result.table.reading
    sentences = [
        "The card table sets each party's position (the future it proposes) beside the "
        "threatened future (what happens if no position is accepted); 'open' marks an "
        "option a future leaves open. The dilemmas are computed from the preferences of "
        "the model, with definitions reconstructed from secondary sources "
        "(docs/confrontation.md).",
        f"A future that leaves options open is judged by its {reading} case (reading "
        f"'{reading}').",
        *result.to_dict()["summary"],
    ]
    others = [f"under reading '{other}', "
              + _acceptance_words(analyse_dilemmas(conflict, other))
              for other in READINGS if other != reading]
    whose = "the model's" if reading == result.section.reading else "the one chosen"
    sentences.append(f"How far this depends on the reading: under reading '{reading}' "
                     f"({whose}), {_acceptance_words(result)}; " + "; ".join(others) + ".")
    return PositionsSection(header, table, dilemmas, sentences,
                            _value_evidence(conflict))


def _value_evidence(conflict: Conflict) -> list[str]:
    section = conflict.spec.confrontation()
    assert section is not None
    spec = conflict.spec
    futures: list[FutureSpec] = [*section.positions, section.threatened, *section.intentions]
    out = []
    for f in futures:
        whose = "threatened future" if f.party is None else \
            f"{f.kind} of {spec.dms[f.party].name}"
        for v in f.values:
            key = spec.options[v.option].key
            value = key if v.taken else f"not {key}"
            out.append(f"{whose}: {value}: {evidence_words(spec, v.evidence)}")
    return out


def positions_markdown(content: ReportContent) -> list[str]:
    """The positions section's body as Markdown lines."""
    s = positions_section(content)
    out = [*(md_text(line) for line in s.sentences[:2]), "",
           *markdown_table(s.header, s.rows), ""]
    out += markdown_table(["party", "dilemma", "with", "why"], s.dilemmas) if s.dilemmas \
        else ["No party has a dilemma."]
    out.append("")
    out += [f"- {md_text(line)}" for line in s.sentences[2:]]
    out += ["", "Where each value comes from:", ""]
    out += [f"- {md_text(line)}" for line in s.evidence]
    return [*out, ""]


def positions_html(content: ReportContent) -> list[str]:
    """The positions section as HTML parts (with its heading)."""
    s = positions_section(content)
    out = [f'<h2 id="positions">{escape(POSITIONS_TITLE)}</h2>',
           *(f"<p>{escape(line)}</p>" for line in s.sentences[:2]), _table(s.header, s.rows)]
    out.append(_table(["party", "dilemma", "with", "why"], s.dilemmas) if s.dilemmas
               else "<p>No party has a dilemma.</p>")
    out.append("<ul>" + "".join(f"<li>{escape(line)}</li>" for line in s.sentences[2:])
               + "</ul>")
    out.append("<details><summary>Where each value comes from</summary><ul>"
               + "".join(f"<li>{escape(line)}</li>" for line in s.evidence)
               + "</ul></details>")
    return out



# -- perceptions -----------------------------------------------------------------------------
def perceptions_sentences(content: ReportContent) -> list[str]:
    """Plain sentences: each decision maker's perception with its evidence, then what
    follows under each concept the report computed (hypergame equilibria against the
    equilibria as written, strategic surprises)."""
    conflict = content.base.conflict
    spec = conflict.spec
    out = [perception_sentence(spec, d) for d in sorted(perceptions_of(spec))]
    keys = [k for k in content.concepts if k in _HYPERGAME_CONCEPTS]
    if not keys:
        return out
    result = analyse_hypergame(conflict, ",".join(keys))
    out.extend(hypergame_sentences(result, keys))
    return out


def perception_sentence(spec: ModelSpec, d: int) -> str:
    """The report's sentence on how decision maker ``d`` (index) perceives the conflict,
    with its evidence (``d`` must have a perception in ``spec``'s variant)."""
    p = perceptions_of(spec)[d]
    name = spec.dms[d].name
    what = p.description.strip() if p.description else \
        f"{name} perceives the conflict differently from the model as written."
    parts = []
    if p.preferences:
        parts.append("it attributes preferences of its own reading to "
                     + ", ".join(spec.dms[j].name for j, _ in p.preferences))
    if p.unknown_options:
        parts.append("it does not know the options "
                     + ", ".join(spec.options[k].key for k in p.unknown_options))
    if p.unrecognised:
        parts.append("it does not recognise the states where "
                     + "; ".join(s.text for s in p.unrecognised))
    return (f"{name}: {what} In the model: " + "; ".join(parts or ["no change"])
            + f" ({evidence_words(spec, p.evidence)}).")


def hypergame_sentences(result: HypergameResult, keys: list[str]) -> list[str]:
    """The report's sentences on what follows under each concept of ``keys`` (analysed in
    ``result``): hypergame equilibria against those as written, strategic surprises."""
    c = result.conflict
    out = []
    for key in keys:
        label = next(k.label for k in result.concepts if k.key == key)
        perceived = result.equilibria(key)
        written = result.equilibria_as_written(key)
        shown = ", ".join(c.show(s) for s in perceived) or "none"
        if perceived == written:
            line = (f"Under {label}, the perceptions change no equilibrium: the hypergame "
                    f"equilibria are those of the model as written ({shown}).")
        else:
            lost = [s for s in written if s not in perceived]
            gained = [s for s in perceived if s not in written]
            line = f"Under {label}, the hypergame equilibria are {shown}"
            if lost:
                line += ("; no longer an equilibrium once the perceptions are taken into "
                         "account: " + ", ".join(c.show(s) for s in lost))
            if gained:
                line += "; equilibria only because of the perceptions: " + ", ".join(
                    c.show(s) for s in gained)
            line += "."
        surprises = result.surprises(key)
        if surprises:
            line += " Strategic surprises: " + "; ".join(
                f"{c.show(s)} (not foreseen by "
                + ", ".join(c.spec.dms[d].name for d in who) + ")" for s, who in surprises) + "."
        out.append(line)
    out.append("Stability for each decision maker is computed in the game it perceives "
               "(docs/hypergames.md; the hypergame definitions are reconstructions).")
    return out


def perceptions_markdown(content: ReportContent) -> list[str]:
    """The perceptions section's body as Markdown lines."""
    return [*(f"- {md_text(line)}" for line in perceptions_sentences(content)), ""]


def perceptions_html(content: ReportContent) -> list[str]:
    """The perceptions section as HTML parts (with its heading)."""
    return [f'<h2 id="perceptions">{escape(PERCEPTIONS_TITLE)}</h2>', "<ul>"
            + "".join(f"<li>{escape(line)}</li>" for line in perceptions_sentences(content))
            + "</ul>"]
