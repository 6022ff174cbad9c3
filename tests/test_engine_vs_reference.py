"""The fast engine agrees with the literal reference implementation on random conflicts.

The reference (:mod:`standoff.reference`) is written from the definitions in BRIEF §2
(Fang, Hipel & Kilgour 1993; Xu, Hipel & Kilgour 2009) with sets and loops; the engine
uses bit patterns, sparse move graphs and the (state, last mover) reachability kernel.
Hypothesis generates conflicts with 2-4 decision makers, up to 8 options, random move
directions, feasibility groups, infeasible statements, collapsed states and preference ties.
"""

from __future__ import annotations

import pytest
from conftest import example_count
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from model_builders import reference_spec, spec_from_dict
from strategies import conflicts

import standoff.reference as ref
from standoff.analysis import analyze
from standoff.graph import compile_model
from standoff.graph.moves import CosetMoves
from standoff.stability.reachability import group_reach_minimum

CONCEPTS = {"nash": ref.nash, "gmr": ref.gmr, "smr": ref.smr, "seq": ref.seq, "sim": ref.sim}
SETTINGS = settings(
    max_examples=example_count(150), deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


def _compile(model: dict):
    """(spec, engine conflict); the strategies draw only models with a feasible state, so a
    model error fails the test rather than filtering the model out."""
    spec = spec_from_dict(model)
    return spec, compile_model(spec)


@SETTINGS
@given(st.one_of(conflicts(), conflicts(product=True)))
def test_states_and_moves_match_reference(model):
    spec, conflict = _compile(model)
    reference = ref.build(reference_spec(spec))
    assert conflict.state_count == len(reference.vectors)
    for s in range(conflict.state_count):
        values = conflict.option_values(s)
        assert tuple(bool(x) for x in values) == reference.vectors[s + 1]
        irrelevant = frozenset(k for k, x in enumerate(values) if x is None)
        assert irrelevant == reference.irrelevant[s + 1]
    for i, dm in enumerate(conflict.dm_ids):
        for s in range(conflict.state_count):
            mine = {int(t) + 1 for t in conflict.moves[i].of(s)}
            assert mine == set(reference.moves[dm][s + 1]), (dm, s + 1)
    for i, dm in enumerate(conflict.dm_ids):
        for s in range(conflict.state_count):
            for t in range(conflict.state_count):
                assert conflict.prefers(i, s, t) == ref.prefers(reference, dm, s + 1, t + 1)


@SETTINGS
@given(st.one_of(conflicts(), conflicts(product=True)))
def test_stability_matches_reference(model):
    spec, conflict = _compile(model)
    reference = ref.build(reference_spec(spec))
    result = analyze(conflict)
    for concept, oracle in CONCEPTS.items():
        for dm in conflict.dm_ids:
            assert set(result.stable_states(concept, dm)) == oracle(reference, dm), (concept, dm)
        assert set(result.equilibria[concept]) == ref.equilibria(reference, concept_name(concept))


def concept_name(key: str) -> str:
    return {"nash": "Nash", "gmr": "GMR", "smr": "SMR", "seq": "SEQ", "sim": "SIM"}[key]


@settings(max_examples=example_count(80), deadline=None)
@given(st.one_of(conflicts(max_dms=4, max_options=7), conflicts(max_dms=4, product=True)))
def test_reachability_kernel_matches_legal_sequences(model):
    """min over R_H(s) of a value equals the minimum over the reference's R_H(s)."""
    spec, conflict = _compile(model)
    reference = ref.build(reference_spec(spec))
    for i in range(len(conflict.dm_ids)):
        others = [j for j in range(len(conflict.dm_ids)) if j != i]
        group = [conflict.moves[j] for j in others]
        value = conflict.ranks[i]
        floor = group_reach_minimum(group, value)
        names = [conflict.dm_ids[j] for j in others]
        for s in range(conflict.state_count):
            reach = ref.reachable_by_group(reference, names, s + 1)
            expected = min((int(value[t - 1]) for t in reach), default=None)
            if expected is None:
                assert floor[s] == pytest.approx(2**63 - 1)
            else:
                assert floor[s] == expected


@settings(max_examples=example_count(60), deadline=None)
@given(conflicts(max_dms=3, max_options=6))
def test_explanations_agree_with_verdicts(model):
    """Every explanation's verdict equals the engine's, and its sanctioning sequences are
    legal: each step is a move of an opponent, no opponent moves twice in a row, and (for
    SEQ) each step improves the mover's position."""
    spec, conflict = _compile(model)
    result = analyze(conflict)
    for concept in ("nash", "gmr", "smr", "seq", "sim"):
        for i in range(len(conflict.dm_ids)):
            for state in range(1, conflict.state_count + 1):
                why = result.explain(state, i, concept)
                assert why.stable == result.is_stable(state, i, concept)
                for d in why.improvements:
                    if concept in ("sim", "nash") or not d.sanctioned:
                        continue
                    previous = None
                    at = d.improvement - 1
                    for step in d.sequence:
                        j = conflict.dm_index(step.dm)
                        assert j != i and j != previous
                        assert step.source - 1 == at
                        assert step.target - 1 in set(conflict.moves[j].of(at).tolist())
                        if concept == "seq":
                            assert conflict.prefers(j, step.target - 1, at)
                        at = step.target - 1
                        previous = j
                    assert conflict.ranks[i, at] <= conflict.ranks[i, state - 1]


@settings(max_examples=example_count(60), deadline=None)
@given(conflicts(max_dms=4, max_options=9, product=True))
def test_product_spaces_use_implicit_moves_and_agree(model):
    """Product state spaces take the implicit coset path (no stored moves) for decision
    makers whose options are all reversible; verdicts still match the reference."""
    spec, conflict = _compile(model)
    assert conflict.space.product is not None
    for i, d in enumerate(spec.dms):
        reversible = all(spec.options[k].moves == "both" for k in d.options)
        assert isinstance(conflict.moves[i], CosetMoves) == reversible
    reference = ref.build(reference_spec(spec))
    for i, dm in enumerate(conflict.dm_ids):
        for s in range(conflict.state_count):
            assert {int(t) + 1 for t in conflict.moves[i].of(s)} == set(reference.moves[dm][s + 1])
    result = analyze(conflict)
    for concept, oracle in CONCEPTS.items():
        for dm in conflict.dm_ids:
            assert set(result.stable_states(concept, dm)) == oracle(reference, dm), (concept, dm)


@settings(max_examples=example_count(60), deadline=None)
@given(st.one_of(conflicts(max_dms=4, max_options=7), conflicts(max_dms=4, product=True)))
def test_all_states_reach_matrix_matches_reference(model):
    """R_H(s) and R_H⁺(s) for every s at once (bitset fixed point) equal the reference's
    literal Ω construction, for every group of two or more decision makers."""
    from itertools import combinations

    from standoff.stability.sequences import all_legal_reach

    spec, conflict = _compile(model)
    reference = ref.build(reference_spec(spec))
    n = len(conflict.dm_ids)
    for size in range(2, n + 1):
        for group in combinations(range(n), size):
            names = [conflict.dm_ids[j] for j in group]
            for improving in (False, True):
                matrix = all_legal_reach(conflict, group, improving)
                for s in range(conflict.state_count):
                    mine = {int(t) + 1 for t in matrix[s].nonzero()[0]}
                    assert mine == ref.reachable_by_group(reference, names, s + 1, improving)
