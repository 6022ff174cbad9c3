"""Implicit moves of constrained spaces (:class:`~standoff.graph.moves.LatticeMoves`) agree
with the explicit move graph they replace and with the reference implementation.

Constrained models (cross-decision-maker infeasibility, irreversible options, nothing
collapsed) store no moves: a decision maker's moves from *s* are the feasible states of
its coset whose irreversible options are "further along" (issue 17). Every reduction the
stability kernels use is checked here against :class:`~standoff.graph.moves.MoveGraph`
built by :func:`~standoff.graph.moves.unilateral_moves` (the old path), with values that
tie and batch axes, and the verdicts against :mod:`standoff.reference`.
"""

from __future__ import annotations

import numpy as np
import pytest
from conftest import example_count
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from model_builders import reference_spec, spec_from_dict
from strategies import conflicts

import standoff.graph.moves as moves_module
import standoff.reference as ref
from standoff.analysis import analyze
from standoff.concepts import CATALOGUE, INDIVIDUAL
from standoff.graph import compile_model
from standoff.graph.moves import LatticeImprovements, LatticeMoves, MoveGraph, unilateral_moves
from standoff.stability.reachability import group_reach_minimum

SETTINGS = settings(max_examples=example_count(80), deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])
CONCEPTS = {c.key: getattr(ref, c.key) for c in CATALOGUE.values() if c.family == INDIVIDUAL}


def _explicit(conflict, i: int) -> MoveGraph:
    """Decision maker ``i``'s moves built as before issue 17: the explicit graph."""
    spec = conflict.spec
    own = take = drop = 0
    for k in spec.dms[i].options:
        own |= 1 << k
        take |= (spec.options[k].moves == "take") << k
        drop |= (spec.options[k].moves == "drop") << k
    return unilateral_moves(conflict.space, own, take, drop)


def _same_reductions(implicit, explicit: MoveGraph, values: np.ndarray) -> None:
    for v in (values[0], values):  # one array, and a batch of two
        for empty in (-7, 2, 99):  # below, inside and above the values
            assert np.array_equal(implicit.min_over(v, empty), explicit.min_over(v, empty))
            assert np.array_equal(implicit.max_over(v, empty), explicit.max_over(v, empty))


@SETTINGS
@given(conflicts(max_dms=4, max_options=8, constrained=True), st.integers(0, 2**32 - 1),
       st.booleans())
def test_lattice_moves_equal_the_explicit_graph(model, seed, tall):
    """With ``tall``, the grids take the path for many reversible options (one
    accumulation along the columns instead of a loop over the rows)."""
    saved = moves_module.LATTICE_LOOP_ROWS
    moves_module.LATTICE_LOOP_ROWS = 0 if tall else saved
    try:
        _check_lattice_moves(model, seed)
    finally:
        moves_module.LATTICE_LOOP_ROWS = saved


def _check_lattice_moves(model: dict, seed: int) -> None:
    conflict = compile_model(spec_from_dict(model))
    rng = np.random.default_rng(seed)
    values = rng.integers(-3, 6, size=(2, conflict.state_count))
    implicit_count = 0
    for i, moves in enumerate(conflict.moves):
        explicit = _explicit(conflict, i)
        if not isinstance(moves, LatticeMoves):
            continue
        implicit_count += 1
        assert moves.edge_count == explicit.edge_count
        assert np.array_equal(moves.counts(), explicit.counts())
        assert np.array_equal(moves.nonempty(), explicit.nonempty())
        for s in range(conflict.state_count):  # same targets, same order
            assert moves.of(s).tolist() == explicit.of(s).tolist()
        _same_reductions(moves, explicit, values)
        improving = moves.improvements(conflict.ranks[i])
        assert isinstance(improving, LatticeImprovements)
        better = explicit.improvements(conflict.ranks[i])
        assert np.array_equal(improving.counts(), better.counts())
        assert np.array_equal(improving.nonempty(), better.nonempty())
        for s in range(conflict.state_count):
            assert improving.of(s).tolist() == better.of(s).tolist()
        _same_reductions(improving, better, values)
        graph = moves.materialize()
        assert np.array_equal(graph.start, explicit.start)
        assert np.array_equal(graph.targets, explicit.targets)
    # the state space has no collapsed state, so the grid is used unless it is too sparse
    assert implicit_count > 0 or conflict.state_count * 4 < 2 ** len(conflict.option_keys)


@pytest.mark.slow
@SETTINGS
@given(conflicts(max_dms=4, max_options=8, constrained=True), st.booleans())
def test_constrained_spaces_match_reference(model, explicit_improvements):
    """Moves, the group reachability minimum and every concept's verdicts equal the
    reference's on constrained spaces (the lattice path; with ``explicit_improvements``
    the improvements are explicit graphs, as for many irreversible options)."""
    saved = moves_module.LATTICE_IMPROVEMENT_BITS
    moves_module.LATTICE_IMPROVEMENT_BITS = -1 if explicit_improvements else saved
    try:
        _check_against_reference(model)
    finally:
        moves_module.LATTICE_IMPROVEMENT_BITS = saved


def _check_against_reference(model: dict) -> None:
    spec = spec_from_dict(model)
    conflict = compile_model(spec)
    reference = ref.build(reference_spec(spec))
    for i, dm in enumerate(conflict.dm_ids):
        for s in range(conflict.state_count):
            assert {int(t) + 1 for t in conflict.moves[i].of(s)} == set(reference.moves[dm][s + 1])
        others = [j for j in range(len(conflict.dm_ids)) if j != i]
        floor = group_reach_minimum([conflict.moves[j] for j in others], conflict.ranks[i])
        names = [conflict.dm_ids[j] for j in others]
        for s in range(conflict.state_count):
            reach = ref.reachable_by_group(reference, names, s + 1)
            expected = min((int(conflict.ranks[i, t - 1]) for t in reach), default=2**63 - 1)
            assert floor[s] == expected
    result = analyze(conflict)
    for concept, oracle in CONCEPTS.items():
        for dm in conflict.dm_ids:
            assert set(result.stable_states(concept, dm)) == oracle(reference, dm), (concept, dm)


def test_benchmark_shape_uses_lattice_moves():
    """The constrained benchmark shape (3 decision makers, cross-decision-maker
    infeasibility, a third of the options irreversible) stores no moves, and counts the
    same moves as the explicit graph."""
    import importlib.util
    import sys
    from pathlib import Path

    path = Path(__file__).resolve().parent.parent / "benchmarks" / "scale.py"
    module_spec = importlib.util.spec_from_file_location("benchmark_scale", path)
    assert module_spec is not None and module_spec.loader is not None
    scale = importlib.util.module_from_spec(module_spec)
    sys.modules["benchmark_scale"] = scale  # its dataclasses look their module up
    try:
        module_spec.loader.exec_module(scale)
    finally:
        del sys.modules["benchmark_scale"]
    conflict = compile_model(spec_from_dict(scale.make_model(scale.Case(3, 12, True, "nash"))))
    assert all(isinstance(g, LatticeMoves) for g in conflict.moves)
    assert conflict.move_count() == sum(
        _explicit(conflict, i).edge_count for i in range(len(conflict.dm_ids)))
