"""The documents of the workbench's Positions, Perceptions and Levels views.

- :func:`positions_document`: drama theory's card table of a model with ``confrontation:``
  (``standoff dilemmas``: :func:`~standoff.analysis.dilemmas.analyse_dilemmas`), with the
  sentences of the report's positions section
  (:func:`~standoff.report.confrontation.positions_section_of`), under a reading the user
  chooses.
- :func:`perceptions_document`: the first-level hypergame of a model with ``perceptions:``
  (``standoff hypergame``: :func:`~standoff.analysis.hypergame.analyse_hypergame`), with the
  sentences of the report's perceptions section.
- :func:`levels_document`: a hierarchical model's levels as the report draws them
  (:func:`~standoff.report.levels.build_levels`, an SVG whose model text is XML-escaped),
  and each local conflict's stability table (the Stability tab's rows).

:func:`sections_of` says which of these a compiled model has, so the page shows only
those tabs. Nothing here computes anything of its own: each is the library's result as
JSON, with the report's words.
"""

from __future__ import annotations

from typing import Any

from standoff.graph import DEFAULT_MAX_STATES, Conflict


def sections_of(conflict: Conflict) -> dict[str, bool]:
    """Which optional sections the model (as written) has: ``confrontation`` (a card
    table), ``perceptions`` (some decision maker perceives the game differently) and
    ``hierarchy`` (local conflicts): the report's tests for its sections."""
    from standoff.analysis.hierarchy import is_hierarchical
    from standoff.analysis.hypergame import perceptions_of

    return {"confrontation": conflict.spec.confrontation() is not None,
            "perceptions": bool(perceptions_of(conflict.spec)),
            "hierarchy": is_hierarchical(conflict)}


def _names(conflict: Conflict) -> dict[str, str]:
    return {d.id: d.name for d in conflict.spec.dms}


def positions_document(conflict: Conflict, reading: str | None = None) -> dict[str, Any]:
    """The card table, each party's dilemmas with their sentences, which position is
    acceptable to whom, and the report's sentences, under ``reading`` (``worst``, ``best``
    or ``all``; default: the model's ``confrontation: reading:``).

    The fields of ``standoff dilemmas --format json`` (``card_table``, ``dilemmas``,
    ``acceptable``, ``summary``, ``definitions``, ...), and: ``title``, ``readings`` (the
    choices), ``model_reading``, ``columns`` (the card table's columns after the option:
    each party's position, then the threatened future), ``parties`` (``[{id, name}]``),
    ``by_party`` (each party's dilemmas, with ``line``: the command's sentence),
    ``acceptability`` (per position, to each other party), ``sentences`` and ``evidence``
    (the report's positions section: its sentences and where each value comes from).
    Raises the library's located error for a model without ``confrontation:``."""
    from standoff.analysis.dilemmas import analyse_dilemmas
    from standoff.model.confrontation import READINGS
    from standoff.report.confrontation import positions_section_of
    from standoff.web.library import numpy_free

    result = analyse_dilemmas(conflict, reading)
    doc = result.to_dict()
    section = positions_section_of(conflict, result.table.reading)
    names = _names(conflict)
    columns = [k for k in doc["card_table"][0] if k not in ("option", "owner", "text")] \
        if doc["card_table"] else []
    by_party = []
    for party in doc["parties"]:
        items = [{**d, "party_name": names[d["party"]], "other_name": names[d["other"]],
                  "line": f"{d['party']}: {d['dilemma']} dilemma with {d['other']}: "
                  f"{d['sentence']}."}
                 for d in doc["dilemmas"] if d["party"] == party]
        by_party.append({"party": party, "name": names[party], "dilemmas": items})
    acceptability = []
    for party in doc["parties"]:
        acceptability.append({
            "position_of": party, "name": names[party],
            "to": [{"party": a["to"], "name": names[a["to"]], "acceptable": a["acceptable"]}
                   for a in doc["acceptable"] if a["position_of"] == party],
            "acceptable_to_every_other_party":
                doc["acceptable_to_every_other_party"][party]})
    return numpy_free({
        **doc,
        "title": conflict.title,
        "readings": list(READINGS),
        "model_reading": result.section.reading,
        "columns": columns,
        "parties": [{"id": p, "name": names[p]} for p in doc["parties"]],
        "by_party": by_party,
        "acceptability": acceptability,
        "sentences": section.sentences,
        "evidence": section.evidence,
    })


#: The concepts the Perceptions view computes by default (the report's).
PERCEPTION_CONCEPTS = ("nash", "gmr", "smr", "seq", "sim")


def perceptions_document(conflict: Conflict, concepts: list[str] | None = None,
                         max_states: int = DEFAULT_MAX_STATES) -> dict[str, Any]:
    """The game each decision maker perceives, the hypergame equilibria and the strategic
    surprises under ``concepts`` (default :data:`PERCEPTION_CONCEPTS`).

    The fields of ``standoff hypergame --format json``, with each entry of
    ``perceptions`` given ``name`` and ``sentence`` (the report's sentence on that
    decision maker's perception, null for one that perceives the model as written), and
    ``sentences``: the report's sentences on what follows under each concept. Raises
    ValueError for an unknown concept; a model without ``perceptions:`` raises a
    :class:`ModelError`."""
    from standoff.analysis.hypergame import analyse_hypergame, perceptions_of
    from standoff.concepts import STABILITY, parse_concepts
    from standoff.report.confrontation import hypergame_sentences, perception_sentence
    from standoff.web.library import numpy_free

    spec = conflict.spec
    stated = perceptions_of(spec)
    if not stated:
        raise spec.error((), "the model has no 'perceptions:' section, so every decision "
                         "maker perceives the model as written",
                         "add 'perceptions:' (per decision maker: unknown_options, "
                         "unrecognised_states, preferences it attributes to others; "
                         "docs/perceptions.md)")
    keys = [c.key for c in parse_concepts(concepts or list(PERCEPTION_CONCEPTS), STABILITY)]
    result = analyse_hypergame(conflict, keys, max_states=max_states)
    doc = result.to_dict()
    names = _names(conflict)
    for entry in doc["perceptions"]:
        d = conflict.dm_index(entry["decision_maker"])
        entry["name"] = names[entry["decision_maker"]]
        entry["sentence"] = perception_sentence(spec, d) if d in stated else None
    doc["title"] = conflict.title
    doc["sentences"] = hypergame_sentences(result, keys)
    return numpy_free(doc)


def levels_document(conflict: Conflict, concepts: list[str] | None = None) -> dict[str, Any]:
    """A hierarchical model's levels: ``svg`` (the report's drawing, model text
    XML-escaped), ``common_decision_makers``, ``common_moves``, ``consistency`` (the
    report's sentence per common decision maker) and ``local_conflicts``: per local
    conflict its ``name``, ``title``, ``sentences`` (the report's), ``states``,
    ``decision_makers``, ``concepts`` and ``stability`` (rows as the Stability tab's:
    ``state``, ``pattern``, ``taken``, ``stable[concept][dm]``, ``equilibrium[concept]``).
    Concepts: those of ``concepts`` the hierarchical papers define (Nash, GMR, SMR, SEQ;
    all four by default). Raises the library's error for a model without local
    conflicts."""
    from standoff.analysis import analyze
    from standoff.analysis.hierarchy import hierarchical_analysis
    from standoff.concepts import label, parse_concepts
    from standoff.report.levels import LEVEL_CONCEPTS, build_levels
    from standoff.web.library import MAX_LISTED_STATES, numpy_free, stability_rows

    analysis = hierarchical_analysis(conflict)
    given = [c.key for c in parse_concepts(concepts)] if concepts else []
    keys = [k for k in given if k in LEVEL_CONCEPTS] or list(LEVEL_CONCEPTS)
    section = build_levels(conflict, keys)
    local_conflicts = []
    for view, (name, title, sentences) in zip(analysis.locals, section.local, strict=True):
        c = view.conflict
        local_analysis = analyze(c, keys)
        listed = list(range(min(c.state_count, MAX_LISTED_STATES)))
        local_conflicts.append({
            "name": name, "title": title, "sentences": list(sentences),
            "states": c.state_count,
            "states_note": "" if len(listed) == c.state_count else
            f"Listing the first {len(listed)} of {c.state_count:,} states.",
            "decision_makers": [{"id": d.id, "name": d.name,
                                 "common": d.id in analysis.hierarchy.common}
                                for d in c.spec.dms],
            "concepts": [{"key": k, "name": label(k)} for k in keys],
            "equilibria": local_analysis.equilibria,
            "stability": stability_rows(local_analysis, listed),
        })
    return numpy_free({
        "title": conflict.title,
        "svg": section.svg,
        "common_decision_makers": [{"id": d, "name": _names(conflict)[d]}
                                   for d in analysis.hierarchy.common],
        "common_moves": analysis.hierarchy.common_moves,
        "consistency": list(section.consistency),
        "local_conflicts": local_conflicts,
    })
