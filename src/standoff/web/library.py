"""The workbench's view of the library: model text in, JSON-ready documents out.

Everything here calls standoff's public functions (``compile_model``, ``analyze``,
``explain``, the claim checks, variants, the status quo analysis and the HTML report); the
only function the library does not offer is :func:`read_model_text`, which validates model
*text* (the editor's unsaved buffer) exactly as :func:`standoff.read_model` validates a
file: same parser, same schema, same located messages, with the file named as the user
knows it and evidence sources read relative to the model's folder.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from standoff.errors import CapacityError, ModelError
from standoff.graph import DEFAULT_MAX_STATES, Conflict, compile_model
from standoff.model.loader import ModelSpec
from standoff.model.yamlio import MAX_FILE_BYTES  # the loader's limit on a model file

#: States listed one by one (tables, rankings); bigger models list the status quo and the
#: equilibria only, as the report does.
MAX_LISTED_STATES = 500
#: States drawn in the interactive graph.
MAX_GRAPH_STATES = 150
#: Moves drawn in the interactive graph.
MAX_GRAPH_MOVES = 4000

Progress = Callable[[int, int, str], object]


def error_document(error: ModelError) -> dict[str, Any]:
    """A located error as the API returns it: the CLI's rendering and its parts."""
    return {
        "file": error.file,
        "line": error.line,
        "column": error.column,
        "message": error.message,
        "fix": error.hint,
        "text": error.render(),
        "kind": "capacity" if isinstance(error, CapacityError) else "model",
    }


def text_too_large(text: str, name: str) -> ModelError | None:
    """The loader's message for a model larger than it reads, or None."""
    if len(text.encode("utf-8")) > MAX_FILE_BYTES:
        return ModelError(
            f"the file is larger than {MAX_FILE_BYTES // 2**20} MiB",
            file=name,
            hint="a model file is a description of a conflict, not data; check the path",
        )
    return None


def read_model_text(text: str, name: str, base: Path, root: Path | None = None) -> ModelSpec:
    """Validate model text as :func:`standoff.read_model` validates a file named ``name``
    in folder ``base`` (:func:`standoff.model.loader.read_model_text`); raise the same
    located :class:`ModelError`. With ``root``, evidence source files (``sources: NAME:
    file:``) must lie inside that folder: the workbench reads nothing outside the folder it
    serves.
    """
    from standoff.model import loader
    from standoff.model.yamlio import parse_text

    too_large = text_too_large(text, name)
    if too_large is not None:
        raise too_large
    if text.startswith("\ufeff"):
        text = text[1:]
    data, locs = parse_text(text, name)

    def inside_root(model: Any) -> None:
        if root is None:
            return
        for source, entry in model.sources.items():
            if entry.file is not None and not (base / entry.file).resolve().is_relative_to(
                    root.resolve()):
                raise locs.error(
                    ("sources", source, "file"),
                    f"source file '{entry.file}' of source '{source}' lies outside the folder "
                    "the workbench serves",
                    "copy the source text into that folder and give its path relative to "
                    "the model file")

    return loader.model_from_document(data, locs, base, inside_root)


def compile_text(text: str, name: str, base: Path,
                 max_states: int = DEFAULT_MAX_STATES, root: Path | None = None) -> Conflict:
    """Validate and compile model text (see :func:`read_model_text`)."""
    return compile_model(read_model_text(text, name, base, root), max_states=max_states)


def summary(conflict: Conflict) -> dict[str, Any]:
    """What ``standoff check`` says about a valid model, as fields."""
    return {
        "title": conflict.title,
        "decision_makers": len(conflict.dm_ids),
        "options": len(conflict.option_keys),
        "states": conflict.state_count,
        "moves": int(conflict.move_count()),
        "status_quo": None if conflict.status_quo is None else conflict.status_quo + 1,
        "claims": len(conflict.spec.claims),
        "variants": [v.name for v in conflict.spec.variants],
    }


def _listed_states(conflict: Conflict, equilibria: dict[str, list[int]]) -> tuple[list[int], str]:
    """States (0-based) listed in tables, and a note on what is left out ('' if nothing)."""
    n = conflict.state_count
    if n <= MAX_LISTED_STATES:
        return list(range(n)), ""
    chosen = {s - 1 for states in equilibria.values() for s in states}
    if conflict.status_quo is not None:
        chosen.add(conflict.status_quo)
    shown = sorted(chosen)[:MAX_LISTED_STATES]
    return shown, (f"Listing {len(shown)} of {n:,} states: the status quo and the equilibria. "
                   "The command line lists them all: standoff analyze MODEL --format csv.")


def rankings(conflict: Conflict, listed: list[int]) -> list[dict[str, Any]]:
    """Each decision maker's preference over the listed states: best first, ties grouped."""
    out = []
    for i, dm in enumerate(conflict.dm_ids):
        ranks = conflict.ranks[i]
        levels: dict[int, list[int]] = {}
        for s in listed:
            levels.setdefault(int(ranks[s]), []).append(s + 1)
        ordered = [levels[r] for r in sorted(levels, reverse=True)]
        out.append({"dm": dm, "name": conflict.spec.dms[i].name, "ranking": ordered})
    return out


def stability_rows(analysis, listed: list[int]) -> list[dict[str, Any]]:
    """One row per listed state: pattern, stability per concept and decision maker, and
    whether it is an equilibrium under each concept."""
    conflict = analysis.conflict
    masks = {c: analysis.equilibrium_mask(c) for c in analysis.concepts}
    rows = []
    for s in listed:
        rows.append({
            "state": s + 1,
            "pattern": conflict.pattern(s),
            "taken": conflict.taken(s),
            "stable": {c: {dm: bool(analysis.stable[c][i, s])
                           for i, dm in enumerate(conflict.dm_ids)}
                       for c in analysis.concepts},
            "equilibrium": {c: bool(masks[c][s]) for c in analysis.concepts},
        })
    return rows


def graph_document(analysis, evolution: dict[str, Any] | None) -> dict[str, Any]:
    """The state graph: nodes, each decision maker's moves (with whether the move is a
    unilateral improvement for its mover), equilibria per concept and the evolution paths
    from the status quo. Big graphs are cut to :data:`MAX_GRAPH_STATES` states chosen as the
    report's picture chooses them."""
    from standoff.graph.picture import select_states

    conflict = analysis.conflict
    strength = np.zeros(conflict.state_count, dtype=np.int64)
    for concept in analysis.concepts:
        strength += analysis.equilibrium_mask(concept)
    on_paths = sorted({step[end] - 1 for path in (evolution or {}).get("paths", [])
                       for step in path["steps"] for end in ("from", "to")})
    shown, note = select_states(conflict, strength, on_paths, range(len(conflict.dm_ids)),
                                MAX_GRAPH_STATES)
    shown_set = set(shown)
    equilibria = analysis.equilibria
    nodes = [{"id": s + 1, "pattern": conflict.pattern(s), "taken": conflict.taken(s),
              "status_quo": s == conflict.status_quo,
              "equilibrium": [c for c in analysis.concepts if (s + 1) in equilibria[c]]}
             for s in shown]
    moves: list[dict[str, Any]] = []
    cut = False
    for i, dm in enumerate(conflict.dm_ids):
        rank = conflict.ranks[i]
        for s in shown:
            for t in conflict.moves[i].of(s):
                t = int(t)
                if t == s or t not in shown_set:
                    continue
                if len(moves) >= MAX_GRAPH_MOVES:
                    cut = True
                    break
                moves.append({"from": s + 1, "to": t + 1, "dm": dm,
                              "improvement": bool(rank[t] > rank[s])})
    if cut:
        note = (note + " " if note else "") + (
            f"Only the first {MAX_GRAPH_MOVES:,} moves are drawn.")
    path_states: set[int] = set()
    path_moves: list[dict[str, Any]] = []
    if evolution is not None:
        for path in evolution["paths"]:
            for step in path["steps"]:
                path_states.update((step["from"], step["to"]))
                path_moves.append({"from": step["from"], "to": step["to"], "dm": step["dm"]})
        if evolution["paths"]:
            path_states.add(evolution["status_quo"])
    return {
        "decision_makers": [{"id": d.id, "name": d.name} for d in conflict.spec.dms],
        "nodes": nodes,
        "moves": moves,
        "equilibria": equilibria,
        "status_quo": None if conflict.status_quo is None else conflict.status_quo + 1,
        "evolution": {"states": sorted(path_states), "moves": path_moves},
        "note": note,
    }


def _evolution(conflict: Conflict, analysis) -> dict[str, Any] | None:
    """The status quo analysis (unilateral improvements) as its JSON document, or None
    without a status quo or on a model too big to search."""
    from standoff.analysis.paths import status_quo_analysis
    from standoff.report.content import MAX_EVOLUTION_STATES

    if conflict.status_quo is None or conflict.state_count > MAX_EVOLUTION_STATES:
        return None
    return status_quo_analysis(conflict, analysis).to_dict()


def workbench_document(conflict: Conflict, concepts=None,
                       progress: Progress | None = None,
                       max_states: int = DEFAULT_MAX_STATES) -> dict[str, Any]:
    """Everything the results panes show, for a compiled model: states, rankings with ties,
    the stability table, equilibria, claims with verdicts and witnesses, the variants side
    by side, the evolution from the status quo and the state graph.

    Runs the same computations as ``standoff report`` (claims concepts included) and
    reports progress as ``(done, total, label)`` over all variants."""
    from standoff.analysis import analyze, parse_concepts
    from standoff.analysis.claims import check_claims, concepts_needed
    from standoff.analysis.variants import base_spec, describe_variant, variant_conflicts
    from standoff.concepts import label as concept_label
    from standoff.report.content import claim_sentence

    spec = base_spec(conflict.spec)
    default = parse_concepts(concepts)
    needed = concepts_needed([c.claim for c in spec.claims], default)
    compiled = variant_conflicts(conflict, None, max_states=max_states)
    steps_each = len(needed) * len(conflict.dm_ids)
    total = steps_each * len(compiled)
    runs = []
    for k, (name, variant_conflict) in enumerate(compiled.items()):
        def step(done: int, _total: int, label: str, k: int = k, name: str = name) -> None:
            if progress is not None:
                where = "" if name == "base" else f" (variant {name})"
                progress(k * steps_each + done, total, label + where)

        analysis = analyze(variant_conflict, needed, progress=step)
        runs.append((name, variant_conflict, analysis,
                     check_claims(analysis, name, default)))
    name, base, analysis, base_claims = runs[0]
    equilibria = analysis.equilibria
    listed, listed_note = _listed_states(base, equilibria)
    evolution = _evolution(base, analysis)
    claims = []
    for c in spec.claims:
        results = [r for _, _, _, rs in runs for r in rs if r.id == c.id]
        claims.append({"id": c.id, "check": c.check, "sentence": claim_sentence(spec, c.id),
                       "holds": all(r.holds for r in results),
                       "variants": [r.to_dict() for r in results]})
    variants = []
    for vname, vconflict, vanalysis, vclaims in runs:
        variants.append({
            "name": vname,
            "description": describe_variant(spec, vname),
            "states": vconflict.state_count,
            "equilibria": {c: [vconflict.pattern(s - 1) for s in states]
                           for c, states in vanalysis.equilibria.items()},
            "equilibrium_states": vanalysis.equilibria,
            "claims": {r.id: {"holds": r.holds, "verdict": r.verdict_text}
                       for r in vclaims},
        })
    if progress is not None:
        progress(total, total, "done")
    return {
        "format": "standoff-workbench/1",
        "title": base.title,
        "view": spec.view,
        "summary": summary(base),
        "concepts": [{"key": c, "name": concept_label(c)} for c in analysis.concepts],
        "decision_makers": [{"id": d.id, "name": d.name} for d in base.spec.dms],
        "options": [{"id": o.key, "dm": base.spec.dms[o.dm].id, "text": o.text,
                     "moves": o.moves} for o in base.spec.options],
        "states_note": listed_note,
        "rankings": rankings(base, listed),
        "stability": stability_rows(analysis, listed),
        "equilibria": equilibria,
        "claims": claims,
        "variants": variants,
        "evolution": evolution,
        "graph": graph_document(analysis, evolution),
    }


def explanations(conflict: Conflict, state: int, dm: str | None, concept: str | None,
                 concepts=None) -> list[dict[str, Any]]:
    """``standoff explain`` for one state: for the decision maker and concept given, or for
    every decision maker and every concept (default concepts) when they are not."""
    from standoff.analysis import explain, parse_concepts

    if not 1 <= state <= conflict.state_count:
        raise ModelError(f"state {state} does not exist", file="state",
                         hint=f"states are numbered 1 to {conflict.state_count}")
    if dm is not None:
        try:
            conflict.dm_index(dm)
        except KeyError:
            raise ModelError(f"unknown decision maker '{dm}'", file="dm",
                             hint=f"use one of: {', '.join(conflict.dm_ids)}") from None
        dms = [dm]
    else:
        dms = list(conflict.dm_ids)
    try:
        keys = parse_concepts(concept if concept is not None else concepts)
    except ValueError as exc:
        raise ModelError(str(exc), file="concept", hint="e.g. seq") from None
    out = []
    for d in dms:
        for key in keys:
            doc = explain(conflict, state, d, key).to_dict()
            doc["name"] = conflict.spec.dms[conflict.dm_index(d)].name
            out.append(doc)
    return out


def report_html(conflict: Conflict, concepts=None,
                max_states: int = DEFAULT_MAX_STATES) -> str:
    """The self-contained HTML report, as ``standoff report MODEL -o FILE.html`` writes it."""
    from standoff.report.content import build_report
    from standoff.report.html import render_html

    return render_html(build_report(conflict, concepts, None, max_states=max_states))


def numpy_free(value: Any) -> Any:
    """``value`` with numpy scalars turned into Python ones (for JSON)."""
    if isinstance(value, dict):
        return {str(k): numpy_free(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [numpy_free(v) for v in value]
    if isinstance(value, np.generic):
        return value.item()
    return value


def model_name(path: str | None) -> str:
    """How errors name an unsaved or saved buffer: its path in the folder, or
    ``untitled.yaml``."""
    return path if path else "untitled.yaml"


def analysis_task(payload: dict[str, Any], progress: Progress) -> dict[str, Any]:
    """The job run in a worker process: compile the model text and build the workbench
    document (payload: ``text``, ``name``, ``base``, ``root``, ``concepts``,
    ``max_states``)."""
    progress(0, 1, "compiling the model")
    root = payload.get("root")
    conflict = compile_text(payload["text"], payload["name"], Path(payload["base"]),
                            payload["max_states"], None if root is None else Path(root))
    return workbench_document(conflict, payload.get("concepts"), progress,
                              payload["max_states"])
