"""Relations between local and overall stability in hierarchical models, as properties.

The theorems of He, Kilgour & Hipel (INFOR 51(3), 2013) and of He's thesis (Waterloo, 2015)
relating local to overall stability could not be read (only the abstracts, which say that
such relations are proved and used to compute overall stability); see docs/hierarchy.md.
The relations tested here are therefore the ones stated and proved in docs/hierarchy.md
(section "Relations between local and overall stability", R1 to R5), a reconstruction, each
checked on generated hierarchical models against the engine's verdicts on the overall
(product) model and on each local conflict compiled on its own.

Generated models: two or three local conflicts; one common decision maker ``c`` with one or
two options in each; one or two local decision makers per local conflict with one or two
options each; options of every direction; local preferences as weights on literals and
pairs of literals (ties happen); sometimes a pair of options that cannot both be taken; the
common decision maker's overall preferences either a
positively weighted sum of its local scores (*consistent*, docs/hierarchy.md) or arbitrary
weights on statements across local conflicts.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
from conftest import example_count
from hypothesis import given, settings
from hypothesis import strategies as st

from standoff.analysis.hierarchy import hierarchical_analysis, inconsistencies
from standoff.graph import compile_model
from standoff.model.loader import model_from_document
from standoff.model.yamlio import Locations
from standoff.stability import kernel

DIRECTIONS = ("both", "both", "take", "drop")


@st.composite
def hierarchical_documents(draw, consistent: bool, moves: str | None = None,
                           budget: int = 8) -> dict[str, Any]:
    """A hierarchical model document (see the module docstring) with at most ``budget``
    options in all (so at most 2^budget overall states)."""
    count = draw(st.integers(2, 3))
    local: dict[str, Any] = {}
    overall_weights: dict[str, int] = {}
    for k in range(count):
        left = budget - (count - k - 1) * 2
        c_options = [f"c{k}_{j}" for j in range(draw(st.integers(1, min(2, left - 1))))]
        left -= len(c_options)
        dms: dict[str, Any] = {"c": {"options": {
            o: {"text": o, "moves": draw(st.sampled_from(DIRECTIONS))} for o in c_options}}}
        names = list(c_options)
        for m in range(draw(st.integers(1, 2 if left >= 2 else 1))):
            if left <= 0:
                break
            opts = [f"o{k}_{m}_{j}" for j in range(draw(st.integers(1, min(2, left))))]
            left -= len(opts)
            dms[f"l{k}_{m}"] = {"name": f"local {k}.{m}", "options": {
                o: {"text": o, "moves": draw(st.sampled_from(DIRECTIONS))} for o in opts}}
            names += opts
        budget -= len(names)
        literal = st.sampled_from(names).flatmap(
            lambda n: st.sampled_from([n, f"not {n}"]))
        statement = st.one_of(literal, st.tuples(literal, literal).map(
            lambda p: f"{p[0]} and {p[1]}"))

        def weights(statement: st.SearchStrategy[str] = statement) -> dict[str, int]:
            drawn = draw(st.lists(st.tuples(statement, st.integers(-3, 3)), min_size=1,
                                  max_size=4))
            return dict(drawn)

        preferences = {dm: {"weights": weights()} for dm in dms}
        local[f"g{k}"] = {"decision_makers": dms, "preferences": preferences}
        if len(names) >= 2 and draw(st.booleans()):  # a constraint across two options
            pair = draw(st.lists(st.sampled_from(names), min_size=2, max_size=2,
                                 unique=True))
            local[f"g{k}"]["feasibility"] = {"infeasible": [f"{pair[0]} and {pair[1]}"]}
        if consistent:
            factor = draw(st.integers(1, 3))
            for text, w in preferences["c"]["weights"].items():
                overall_weights[text] = factor * w  # texts of different conflicts differ
        else:
            for text, w in weights().items():
                overall_weights[text] = overall_weights.get(text, 0) + w
    if not consistent:
        all_names = [o for body in local.values() for d in body["decision_makers"].values()
                     for o in d["options"]]
        pairs = draw(st.lists(st.tuples(st.sampled_from(all_names), st.sampled_from(all_names),
                                        st.integers(-3, 3)), max_size=3))
        for a, b, w in pairs:
            overall_weights[f"{a} and not {b}"] = w
    return {
        "format": "standoff/1",
        "title": "generated",
        "common_decision_makers": {"c": {"name": "common"}},
        "common_moves": moves or draw(st.sampled_from(["one_local_conflict",
                                                        "several_local_conflicts"])),
        "local_conflicts": local,
        "overall_preferences": {"c": {"weights": overall_weights}},
    }


def analysed(doc: dict[str, Any]):
    spec = model_from_document(doc, Locations("generated.yaml"), Path("."))
    return hierarchical_analysis(compile_model(spec))


def local_dms(analysis):
    """(local view, local decision maker) for every local decision maker."""
    return [(view, dm) for view in analysis.locals for dm in view.local.dm_ids
            if dm not in analysis.hierarchy.common]


def lifted(view, concept: str, dm: str) -> np.ndarray:
    """The local verdicts of ``dm`` in ``view``'s local conflict, per overall state."""
    local = kernel(concept)(view.conflict, view.conflict.dm_index(dm))
    return local[view.local_state]


@settings(max_examples=example_count(40), deadline=None)
@given(hierarchical_documents(consistent=False))
def test_r1_local_decision_maker_nash_gmr_smr_are_local(doc):
    """R1 (docs/hierarchy.md; reconstruction, proved there): for a local decision maker,
    whatever the common decision makers' overall preferences and in both move modes, a state
    is Nash, GMR and SMR stable in the overall model iff its local state is in its local
    conflict."""
    analysis = analysed(doc)
    overall = analysis.overall
    for view, dm in local_dms(analysis):
        for concept in ("nash", "gmr", "smr"):
            got = kernel(concept)(overall, overall.dm_index(dm))
            assert np.array_equal(got, lifted(view, concept, dm)), (concept, dm)


@settings(max_examples=example_count(40), deadline=None)
@given(hierarchical_documents(consistent=True, moves="one_local_conflict"))
def test_r2_local_decision_maker_seq_is_local_when_consistent(doc):
    """R2 (docs/hierarchy.md; reconstruction): with the common decision maker's overall
    preferences consistent with its local ones and moves in one local conflict at a time, a
    state is SEQ stable for a local decision maker iff its local state is."""
    analysis = analysed(doc)
    assert not inconsistencies(analysis, "c")
    overall = analysis.overall
    for view, dm in local_dms(analysis):
        got = kernel("seq")(overall, overall.dm_index(dm))
        assert np.array_equal(got, lifted(view, "seq", dm)), dm


@settings(max_examples=example_count(40), deadline=None)
@given(hierarchical_documents(consistent=True))
def test_r3_common_decision_maker_nash_is_nash_in_every_local_conflict(doc):
    """R3 (docs/hierarchy.md; reconstruction): with consistent overall preferences, in both
    move modes, a state is Nash stable for the common decision maker iff each of its local
    states is Nash stable for it; so (with R1) a state is a Nash equilibrium of the overall
    model iff every local state is a Nash equilibrium of its local conflict."""
    analysis = analysed(doc)
    overall = analysis.overall
    got = kernel("nash")(overall, overall.dm_index("c"))
    expected = np.logical_and.reduce([lifted(view, "nash", "c") for view in analysis.locals])
    assert np.array_equal(got, expected)
    equilibria = np.logical_and.reduce(
        [kernel("nash")(overall, i) for i in range(len(overall.dm_ids))])
    local_equilibria = np.logical_and.reduce([
        lifted(view, "nash", dm) for view in analysis.locals for dm in view.local.dm_ids])
    assert np.array_equal(equilibria, local_equilibria)


@settings(max_examples=example_count(40), deadline=None)
@given(hierarchical_documents(consistent=True))
def test_r4_local_gmr_and_seq_everywhere_imply_overall(doc):
    """R4 (docs/hierarchy.md; reconstruction): with consistent overall preferences (one
    common decision maker, either move mode), a state whose every local state is GMR (SEQ)
    stable for the common decision maker is GMR (SEQ) stable for it overall. (The converse
    fails: a local decision maker of another local conflict can sanction.)"""
    analysis = analysed(doc)
    overall = analysis.overall
    for concept in ("gmr", "seq"):
        got = kernel(concept)(overall, overall.dm_index("c"))
        everywhere = np.logical_and.reduce(
            [lifted(view, concept, "c") for view in analysis.locals])
        assert not (everywhere & ~got).any(), concept


def test_r4_converse_fails_on_an_example():
    """The converse of R4 is not a theorem: in the illustrative example some overall state
    is GMR stable for the common decision maker while one of its local states is not (a
    province of the other local conflict supplies the sanction)."""
    from standoff import load

    root = Path(__file__).resolve().parents[1]
    analysis = hierarchical_analysis(load(root / "examples/hierarchy/central-and-provinces.yaml"))
    overall = analysis.overall
    got = kernel("gmr")(overall, overall.dm_index("centre"))
    everywhere = np.logical_and.reduce(
        [lifted(view, "gmr", "centre") for view in analysis.locals])
    assert (got & ~everywhere).any()


def reference_model(conflict):
    """The overall conflict as the literal reference's model: states 1..m, the engine's
    moves (the common decision maker's in one local conflict at a time), ranks as payoffs."""
    import standoff.reference as ref

    m = conflict.state_count
    vectors = {s + 1: tuple(conflict.option_values(s)) for s in range(m)}
    return ref.ReferenceModel(
        dms=conflict.dm_ids,
        vectors=vectors,
        irrelevant={s: frozenset() for s in vectors},
        moves={dm: {s + 1: frozenset(int(t) + 1 for t in conflict.moves[i].of(s))
                    for s in range(m)} for i, dm in enumerate(conflict.dm_ids)},
        payoff={dm: {s + 1: float(conflict.ranks[i, s]) for s in range(m)}
                for i, dm in enumerate(conflict.dm_ids)},
        owner=tuple(o.dm for o in conflict.spec.options),
        direction=tuple(o.moves for o in conflict.spec.options),
        state_by_vector={v: s for s, v in vectors.items()},
    )


@settings(max_examples=example_count(15), deadline=None)
@given(hierarchical_documents(consistent=False, moves="one_local_conflict", budget=6))
def test_engine_agrees_with_the_literal_reference_on_hierarchical_models(doc):
    """The engine's Nash, GMR, SMR and SEQ on the overall model, whose common decision maker
    moves in one local conflict at a time (moves that are not plain option-form moves),
    agree with the literal definitions of :mod:`standoff.reference` on the same moves."""
    import standoff.reference as ref

    overall = analysed(doc).overall
    model = reference_model(overall)
    oracle = {"nash": ref.is_nash, "gmr": ref.is_gmr, "smr": ref.is_smr, "seq": ref.is_seq}
    for concept, literal in oracle.items():
        for i, dm in enumerate(overall.dm_ids):
            got = kernel(concept)(overall, i)
            want = [literal(model, dm, s + 1) for s in range(overall.state_count)]
            assert got.tolist() == want, (concept, dm)


def flat_by_hand(doc: dict[str, Any]) -> dict[str, Any]:
    """The generated hierarchical model written as one ordinary model, independently of
    :mod:`standoff.model.hierarchy` (the generated option names are unique in the model):
    the common decision maker's options of every local conflict under one entry, the local
    decision makers and constraints as they are, the overall preferences for ``c``."""
    dms: dict[str, Any] = {"c": {"name": "common", "options": {}}}
    infeasible: list[str] = []
    preferences: dict[str, Any] = {}
    for body in doc["local_conflicts"].values():
        for dm, entry in body["decision_makers"].items():
            if dm == "c":
                dms["c"]["options"].update(entry["options"])
            else:
                dms[dm] = entry
                preferences[dm] = body["preferences"][dm]
        infeasible += body.get("feasibility", {}).get("infeasible", [])
    preferences["c"] = doc["overall_preferences"]["c"]
    return {"format": "standoff/1", "title": "flat", "decision_makers": dms,
            "feasibility": {"infeasible": infeasible}, "preferences": preferences}


@settings(max_examples=example_count(30), deadline=None)
@given(hierarchical_documents(consistent=False, moves="several_local_conflicts"))
def test_differential_generated_models_equal_their_flat_form(doc):
    """Differential test on generated models: with ``several_local_conflicts`` the overall
    model is the conflict written flat, so every verdict of Nash, GMR, SMR, SEQ and SIM is
    the same state by state (matched by option pattern)."""
    overall = analysed(doc).overall
    flat = compile_model(model_from_document(flat_by_hand(doc), Locations("flat.yaml"),
                                             Path(".")))
    assert overall.state_count == flat.state_count
    position = {key: k for k, key in enumerate(flat.option_keys)}
    flat_state = {tuple(sorted(flat.taken(s))): s for s in range(flat.state_count)}
    order = [flat_state[tuple(sorted(overall.taken(s)))] for s in range(overall.state_count)]
    assert set(position) == set(overall.option_keys)
    for concept in ("nash", "gmr", "smr", "seq", "sim"):
        for dm in flat.dm_ids:
            got = kernel(concept)(overall, overall.dm_index(dm))
            want = kernel(concept)(flat, flat.dm_index(dm))[order]
            assert np.array_equal(got, want), (concept, dm)
