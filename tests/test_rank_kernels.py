"""The stability kernels over plain data, ``(moves, ranks, dm)`` (issue 10).

Nash, GMR, SMR and SEQ are functions of the compiled moves and a rank array, so that
analyses varying preferences (inverse analysis, robustness sweeps) call the engine's
kernels rather than copies of them. A rank array may hold a batch of profiles over the same
moves. Checked here: every row of a batch equals the literal reference implementation
(:mod:`standoff.reference`) under that row's preferences and the kernel called on the row
alone, on the examples (explicit and implicit coset moves) and on generated conflicts; the
conflict functions are the kernels on the conflict's own ranks; bad rank arrays are
errors naming the parameter.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from conftest import example_count
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from model_builders import spec_from_dict
from strategies import conflicts

import standoff
import standoff.reference as ref
from standoff.concepts import UnknownConceptError
from standoff.errors import ParameterError
from standoff.graph import compile_model
from standoff.graph.conflict import Conflict
from standoff.reference.option_form import ReferenceModel
from standoff.stability import kernel, rank_kernel

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
MODELS = ["chicken", "prisoners_dilemma", "syria_iraq", "elmira", "cuban_missile_crisis",
          "garrison"]
CONCEPTS = ["nash", "gmr", "smr", "seq"]


def _reference(conflict: Conflict, ranks: np.ndarray) -> ReferenceModel:
    """The conflict's states and moves with the preferences of ``ranks``, as the literal
    reference model (written as a graph: option vectors are placeholders)."""
    dms = conflict.dm_ids
    states = range(conflict.state_count)
    return ReferenceModel(
        dms=dms, vectors={s + 1: () for s in states}, irrelevant={},
        moves={dm: {s + 1: frozenset(int(t) + 1 for t in conflict.moves[i].of(s))
                    for s in states} for i, dm in enumerate(dms)},
        payoff={dm: {s + 1: float(ranks[i, s]) for s in states} for i, dm in enumerate(dms)},
        owner=(), direction=(), state_by_vector={},
    )


def _profiles(conflict: Conflict, count: int, seed: int) -> np.ndarray:
    """The model's own ranks and ``count`` random profiles (ties allowed), stacked."""
    rng = np.random.default_rng(seed)
    n, m = conflict.ranks.shape
    drawn = rng.integers(0, max(2, m // 2 + 1), size=(count, n, m))
    return np.concatenate([conflict.ranks[None].astype(np.int64), drawn])


def _check_batch(conflict: Conflict, batch: np.ndarray) -> None:
    for concept in CONCEPTS:
        stable = rank_kernel(concept)
        for d, dm in enumerate(conflict.dm_ids):
            rows = stable(conflict.moves, batch, d)
            assert rows.shape == (batch.shape[0], conflict.state_count)
            for b, ranks in enumerate(batch):
                expected = getattr(ref, concept)(_reference(conflict, ranks), dm)
                assert {int(s) + 1 for s in np.flatnonzero(rows[b])} == expected, (
                    concept, dm, b)
                assert rows[b].tolist() == stable(conflict.moves, ranks, d).tolist()


@pytest.mark.parametrize("name", MODELS)
def test_batches_agree_with_reference_on_the_examples(name):
    conflict = standoff.load(EXAMPLES / f"{name}.yaml")
    _check_batch(conflict, _profiles(conflict, 6, seed=len(name)))


@pytest.mark.parametrize("name", MODELS)
def test_conflict_functions_are_the_kernels_on_the_models_ranks(name):
    conflict = standoff.load(EXAMPLES / f"{name}.yaml")
    for concept in CONCEPTS:
        for d in range(len(conflict.dm_ids)):
            assert (kernel(concept)(conflict, d).tolist()
                    == rank_kernel(concept)(conflict.moves, conflict.ranks, d).tolist())


@pytest.mark.slow
@settings(max_examples=example_count(30), deadline=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(conflicts(max_dms=3, max_options=5), conflicts(max_dms=3, max_options=5,
                                                                 product=True)),
       st.integers(0, 2**16))
def test_batches_agree_with_reference_on_generated_conflicts(model, seed):
    conflict = compile_model(spec_from_dict(model))
    _check_batch(conflict, _profiles(conflict, 3, seed))


def test_bad_rank_arrays_name_the_parameter():
    conflict = standoff.load(EXAMPLES / "chicken.yaml")
    stable = rank_kernel("gmr")
    with pytest.raises(ParameterError) as wrong_shape:
        stable(conflict.moves, conflict.ranks[:, :3], 0)
    assert wrong_shape.value.parameter == "ranks" and "(2, 4)" in wrong_shape.value.hint
    with pytest.raises(ParameterError) as floats:
        stable(conflict.moves, conflict.ranks.astype(float), 0)
    assert floats.value.parameter == "ranks"
    with pytest.raises(ParameterError) as dm:
        stable(conflict.moves, conflict.ranks, 2)
    assert dm.value.parameter == "dm"


def test_rank_kernels_cover_the_inverse_concepts_only():
    assert rank_kernel("SEQ") is rank_kernel("seq")
    with pytest.raises(UnknownConceptError):
        rank_kernel("sim")
