"""The fast engine agrees with the literal reference implementation on random conflicts.

The reference (:mod:`standoff.reference`) is written from the definitions in BRIEF §2
(Fang, Hipel & Kilgour 1993; Xu, Hipel & Kilgour 2009) with sets and loops; the engine
uses bit patterns, sparse move graphs and the (state, last mover) reachability kernel.
Hypothesis generates conflicts with 2-4 decision makers, up to 8 options, random move
directions, feasibility groups, infeasible statements, collapsed states and preference ties.
"""

from __future__ import annotations

import numpy as np
import pytest
from conftest import example_count
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from model_builders import reference_spec, spec_from_dict
from strategies import chain_conflicts, conflicts, offset_cancellations

import standoff.reference as ref
from standoff.analysis import analyze
from standoff.concepts import CATALOGUE, INDIVIDUAL
from standoff.graph import compile_model
from standoff.graph.moves import CosetMoves
from standoff.stability.reachability import group_reach_minimum

#: The reference oracle of every individual concept of the catalogue, by key.
CONCEPTS = {c.key: getattr(ref, c.key) for c in CATALOGUE.values() if c.family == INDIVIDUAL}
SETTINGS = settings(
    max_examples=example_count(150), deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


def _compile(model: dict):
    """(spec, engine conflict); the strategies draw only models with a feasible state, so a
    model error fails the test rather than filtering the model out."""
    spec = spec_from_dict(model)
    return spec, compile_model(spec)


@pytest.mark.slow
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


@pytest.mark.slow
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
    return CATALOGUE[key].label


@pytest.mark.slow
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


@pytest.mark.slow
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


@pytest.mark.slow
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


@pytest.mark.slow
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


@settings(max_examples=60, deadline=None)
@given(offset_cancellations())
def test_sim_keeps_reactions_whose_state_shifts_cancel(case):
    """Two opponents' simultaneous improvements that change the state number by +k and -k
    still form a reaction (someone moved): SIM matches the reference for every decision
    maker, and the constructed state is SIM stable for the focal decision maker."""
    model, focal, witness = case
    spec, conflict = _compile(model)
    i = conflict.dm_index(focal)
    s = witness - 1
    # the construction did what it says: two opponents' improvements shift s by +k and -k
    shifts = {
        int(t) - s
        for j in range(len(conflict.dm_ids))
        if j != i
        for t in conflict.moves[j].of(s)
        if conflict.prefers(j, int(t), s)
    }
    assert any(k > 0 and -k in shifts for k in shifts)
    reference = ref.build(reference_spec(spec))
    assert ref.is_sim(reference, focal, witness)
    result = analyze(conflict)
    for concept in ("nash", "sim"):
        for dm in conflict.dm_ids:
            assert set(result.stable_states(concept, dm)) == CONCEPTS[concept](reference, dm), (
                concept,
                dm,
            )
    assert result.is_stable(witness, focal, "sim")
    assert result.explain(witness, i, "sim").stable


def test_sim_offset_cancel_reproducer_agrees_with_explain():
    """tests/repro/22_sim_offset_cancel.yaml: at state 6 C's improvement to 3 is sanctioned
    by A 6→7 and B 6→5 together (state numbers +1 and -1). ``analyze`` calls state 6 SIM
    stable for C, and for every state its verdict for C is the one ``explain`` gives."""
    import json
    from pathlib import Path

    from cli_runner import run

    path = Path(__file__).parent / "repro" / "22_sim_offset_cancel.yaml"
    analysed = run("analyze", path, "--concepts", "sim", "--format", "json")
    assert analysed.code == 0, analysed.err
    document = json.loads(analysed.out)
    stable_for_c = set(document["stability"]["sim"]["C"])
    assert 6 in stable_for_c
    for state in document["states"]:
        explained = run("explain", path, str(state["id"]), "--dm", "C", "--concept", "sim",
                        "--format", "json")
        assert explained.code == 0, explained.err
        assert json.loads(explained.out)["stable"] == (state["id"] in stable_for_c)


# Weights whose sums round: 0.1 + 0.2 != 0.3 in floating point, 1e-16 vanishes next to 1
# but not next to 1e-16, and 1e12 swamps the rest. The engine sums statements per group of
# decision makers in product spaces and must still rank exactly like the statement-order
# sums of the reference (issue 17).
ROUNDING_WEIGHTS = [0.1, 0.2, 0.3, -0.3, 0.7, 1 / 3, -1 / 3, 1e-16, -2.5e-17, 1e12, 1.0, -1.0]


@st.composite
def float_weighted_conflicts(draw, product: bool):
    model = draw(conflicts(max_dms=3, max_options=8, product=product))
    for pref in model["preferences"].values():
        statements = pref.pop("prioritize", None) or [w["statement"] for w in pref.pop("weights")]
        pref["weights"] = [{"statement": s, "weight": draw(st.sampled_from(ROUNDING_WEIGHTS))}
                           for s in statements]
    return model


@settings(max_examples=80, deadline=None)
@given(st.one_of(float_weighted_conflicts(product=True), float_weighted_conflicts(False)))
def test_float_weights_rank_like_the_statement_order_sum(model):
    spec, conflict = _compile(model)
    reference = ref.build(reference_spec(spec))
    for i, dm in enumerate(conflict.dm_ids):
        for s in range(conflict.state_count):
            for t in range(conflict.state_count):
                assert conflict.prefers(i, s, t) == ref.prefers(reference, dm, s + 1, t + 1)
        ranks = conflict.ranks[i]
        assert set(np.unique(ranks)) == set(range(int(ranks.max()) + 1))  # dense


@st.composite
def free_product_conflicts(draw, max_dms: int = 3):
    """Product spaces in which every option can be taken and dropped: every decision
    maker's moves are implicit cosets (the closed forms of GMR and SMR apply)."""
    model = draw(conflicts(max_dms=max_dms, max_options=8, product=True))
    for dm in model["decision_makers"].values():
        for option in dm["options"].values():
            option["moves"] = "both"
    return model


@settings(max_examples=80, deadline=None)
@given(free_product_conflicts())
def test_closed_forms_match_general_kernels_and_reference(model):
    """GMR = rank ≥ maximin and SMR = rank ≥ minimax on free product spaces (docstrings of
    standoff.stability.gmr/smr), and the coset form of the sanction test
    (improvement_escapes), agree with the general (state, last mover) kernel and with the
    literal reference."""
    from standoff.stability import gmr_stable, seq_stable, smr_stable
    from standoff.stability.common import improvement_graphs, unsanctioned
    from standoff.stability.reachability import coset_axes, improvement_escapes
    from standoff.stability.smr import escape_value

    spec, conflict = _compile(model)
    assert coset_axes(conflict.moves) is not None
    reference = ref.build(reference_spec(spec))
    ui = improvement_graphs(conflict)
    for i, dm in enumerate(conflict.dm_ids):
        others = [j for j in range(len(conflict.dm_ids)) if j != i]
        rank = conflict.ranks[i]
        general = {
            "gmr": group_reach_minimum([conflict.moves[j] for j in others], rank),
            "smr": group_reach_minimum([conflict.moves[j] for j in others],
                                       escape_value(conflict, i)),
            "seq": group_reach_minimum([ui[j] for j in others], rank),
        }
        fast = {"gmr": gmr_stable, "smr": smr_stable, "seq": seq_stable}
        for concept, floor in general.items():
            expected = ~unsanctioned(conflict, i, floor)
            np.testing.assert_array_equal(
                ~improvement_escapes(conflict.moves[i], rank, floor), expected)
            mine = fast[concept](conflict, i)
            np.testing.assert_array_equal(mine, expected, err_msg=concept)
            oracle = CONCEPTS[concept](reference, dm)
            assert {int(s) + 1 for s in np.flatnonzero(mine)} == oracle, (concept, dm)


@pytest.mark.slow
@settings(max_examples=example_count(60), deadline=None)
@given(st.one_of(chain_conflicts(), conflicts(max_dms=4, max_options=7),
                 conflicts(max_dms=4, product=True)),
       st.sampled_from([0, 1, 2, None]))
def test_reachability_rounds_and_graph_pass_match_legal_sequences(model, rounds):
    """The reachability minimum over ``R_H`` and ``R_H⁺`` (issue 17): after any number of
    rounds of the worklist iteration, the graph pass that finishes the work (``max_rounds``
    0, 1, 2) or the default policy gives the reference's minimum, on random conflicts and
    on long improving chains, cycles and cut chains (``strategies.chain_conflicts``). On
    the old kernel a cap on the rounds below the chain's length raised an error."""
    from standoff.stability.common import improvement_graphs

    spec, conflict = _compile(model)
    reference = ref.build(reference_spec(spec))
    ui = improvement_graphs(conflict)
    n = len(conflict.dm_ids)
    for i in range(n):
        others = [j for j in range(n) if j != i]
        names = [conflict.dm_ids[j] for j in others]
        value = conflict.ranks[i]
        for improving, group in ((False, [conflict.moves[j] for j in others]),
                                 (True, [ui[j] for j in others])):
            floor = group_reach_minimum(group, value, max_rounds=rounds)
            expected = []
            for s in range(conflict.state_count):
                reach = ref.reachable_by_group(reference, names, s + 1, improving)
                expected.append(min((int(value[t - 1]) for t in reach), default=2**63 - 1))
            np.testing.assert_array_equal(floor, expected, err_msg=f"{i} {improving}")


@pytest.mark.slow
@settings(max_examples=example_count(40), deadline=None)
@given(chain_conflicts())
def test_chain_conflicts_match_reference(model):
    """Every individual concept on the adversarial chain shapes agrees with the reference
    (SEQ's sanctions run along the whole chain or around its cycle)."""
    spec, conflict = _compile(model)
    reference = ref.build(reference_spec(spec))
    result = analyze(conflict)
    for concept, oracle in CONCEPTS.items():
        for dm in conflict.dm_ids:
            assert set(result.stable_states(concept, dm)) == oracle(reference, dm), (concept, dm)


def test_graph_pass_with_batch_rows_matches_each_row():
    """The graph pass over a batch of values (leading axis, as robustness sweeps pass
    them) gives each row's own minimum, for explicit and batched improvement structures."""
    from standoff.graph.moves import BatchedImprovements

    conflict = compile_model(spec_from_dict(_CHAIN_CUT))
    m = conflict.state_count
    rng = np.random.default_rng(17)
    values = rng.integers(0, 9, size=(3, m))
    group = [conflict.moves[1], conflict.moves[2]]
    together = group_reach_minimum(group, values, max_rounds=0)
    for b in range(3):
        np.testing.assert_array_equal(together[b], group_reach_minimum(group, values[b]))
    ranks = rng.integers(0, 4, size=(3, 3, m))
    batched = [BatchedImprovements(conflict.moves[j].materialize(), ranks[:, j, :])
               for j in (1, 2)]
    together = group_reach_minimum(batched, values, max_rounds=0)
    for b in range(3):
        single = [conflict.moves[j].materialize().improvements(ranks[b, j]) for j in (1, 2)]
        np.testing.assert_array_equal(together[b], group_reach_minimum(single, values[b]))


#: A cut chain of 2 (2^3 - 1) = 14 improvements (strategies.chain_conflicts, fixed draws)
_CHAIN_CUT = {
    "format": "standoff/1",
    "title": "cut chain",
    "decision_makers": {
        "dm0": {"name": "A", "options": {"c0": {"text": "c0"}}},
        "dm1": {"name": "B", "options": {f"a{t}": {"text": f"a{t}"} for t in range(3)}},
        "dm2": {"name": "C", "options": {f"b{t}": {"text": f"b{t}"} for t in range(3)}},
    },
    "feasibility": {"infeasible": ["a0 and not a1 and b0 and b1"]},
    "preferences": {
        "dm0": {"weights": [{"statement": "c0", "weight": 1},
                            {"statement": "a0 and a1 and a2 and b0 and b1 and b2",
                             "weight": -20}]},
        "dm1": {"weights": [{"statement": "a0", "weight": -1}, {"statement": "a1",
                                                                "weight": -2}]},
        "dm2": {"weights": [{"statement": "b0", "weight": -1}]},
    },
}


def test_values_beyond_float_precision_stay_exact():
    """Values 2^53 or more apart cannot go through the graph pass's floating-point
    distances: the rounds then run to the end, even under a cap of 0 rounds, and the
    minimum stays exact."""
    conflict = compile_model(spec_from_dict(_CHAIN_CUT))
    group = [conflict.moves[1], conflict.moves[2]]
    values = conflict.ranks[0].astype(np.int64) * (2**60) + 1
    np.testing.assert_array_equal(group_reach_minimum(group, values, max_rounds=0),
                                  group_reach_minimum(group, values))
    plain = group_reach_minimum(group, conflict.ranks[0])
    reached = plain < 2**63 - 1
    np.testing.assert_array_equal(group_reach_minimum(group, values)[reached],
                                  plain[reached] * (2**60) + 1)


@settings(max_examples=example_count(60), deadline=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(conflicts(), st.data())
def test_patterns_of_many_states_are_the_patterns_of_each(model, data):
    """``Conflict.patterns`` (all states at once, used by the CSV and JSON listings) writes
    what ``Conflict.pattern`` writes state by state, collapsed states' ``–`` included, for
    every state and for any selection in any order."""
    _, conflict = _compile(model)
    n = conflict.state_count
    assert conflict.patterns() == [conflict.pattern(s) for s in range(n)]
    chosen = data.draw(st.lists(st.integers(0, n - 1), max_size=8))
    assert conflict.patterns(chosen) == [conflict.pattern(s) for s in chosen]
