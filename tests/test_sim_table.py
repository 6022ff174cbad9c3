"""SIM through the combination table (``standoff.stability.sim._sim_by_table``, issue 17)
agrees with the literal reference (``standoff.reference.is_sim``), and so does the
pattern-combining kernel it falls back to when the table would be too large.

The shapes include 3-4 decision makers, collapsed states (whose canonical patterns leave
irrelevant options untaken), irreversible options, infeasible combinations coupling
decision makers, product spaces, and reaction lists long enough to be padded in groups;
chunks of a single state and padding groups of every size are forced by lowering the
module's limits.
"""

from __future__ import annotations

from itertools import product

import numpy as np
import pytest
from conftest import example_count
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from model_builders import reference_spec, spec_from_dict
from strategies import conflicts

import standoff.reference as ref
from standoff.graph import compile_model
from standoff.stability import sim as sim_module

SETTINGS = settings(max_examples=example_count(100), deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])
SHAPES = st.one_of(
    conflicts(max_dms=4, max_options=8),
    conflicts(max_dms=4, max_options=9, constrained=True),
    conflicts(max_dms=4, max_options=9, product=True),
)


def _check(model: dict, table: bool) -> None:
    spec = spec_from_dict(model)
    conflict = compile_model(spec)
    if sim_module._two_free_dms(conflict):
        return  # the two-free-decision-maker kernel (tests/test_sim_two_free.py)
    assert (sim_module._combination_codes(conflict) is not None) == table
    reference = ref.build(reference_spec(spec))
    for i, dm in enumerate(conflict.dm_ids):
        stable = set((np.flatnonzero(sim_module.sim_stable(conflict, i)) + 1).tolist())
        assert stable == ref.sim(reference, dm), dm


@pytest.mark.slow
@SETTINGS
@given(SHAPES)
def test_table_kernel_matches_reference(model):
    _check(model, table=True)


@pytest.mark.slow
@SETTINGS
@given(SHAPES, st.integers(1, 40), st.integers(1, 3))
def test_table_kernel_in_small_chunks_and_groups_matches_reference(model, chunk, exact):
    """Chunks of a few combinations (down to one state each) and reaction lists padded in
    groups from the first length on (every padding width path)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(sim_module, "CHUNK_COMBINATIONS", chunk)
        patch.setattr(sim_module, "EXACT_WIDTHS", exact)
        patch.setattr(sim_module, "BUCKET_RATIO", 1.5)
        _check(model, table=True)


@pytest.mark.slow
@SETTINGS
@given(SHAPES)
def test_pattern_kernel_without_table_matches_reference(model):
    """With no room for the table, the kernel that combines option patterns runs."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(sim_module, "MAX_TABLE_CELLS", 0)
        patch.setattr(sim_module, "HARD_TABLE_CELLS", 0)
        _check(model, table=False)


def _four_dms(collapse: bool) -> dict:
    """Four decision makers with three options each (up to seven improvements each, so up
    to 343 reactions of three movers per state), an irreversible option each, infeasible
    combinations across decision makers and, optionally, a collapsed state."""
    names = [f"o{k}" for k in range(12)]
    dms = {}
    for d in range(4):
        options = {}
        for k in range(3 * d, 3 * d + 3):
            moves = ("take", "drop")[d % 2] if k % 3 == 2 else "both"
            options[names[k]] = {"text": f"option {k}", "moves": moves}
        dms[f"dm{d}"] = {"name": f"DM {d}", "options": options}
    weights = {
        f"dm{d}": {"weights": [{"statement": f"{names[(5 * d + k) % 12]} and "
                                             f"{names[(7 * k + d) % 12]}",
                                "weight": (k * (d + 3)) % 7 - 3} for k in range(12)]
                   + [{"statement": names[k], "weight": ((k + d) % 5) - 2}
                      for k in range(12)]}
        for d in range(4)
    }
    feasibility: dict = {"infeasible": ["o0 and o4 and o8", "o1 and not o10", "o5 and o11"]}
    if collapse:
        feasibility["collapse"] = ["o2 and o3 and o9"]
    return {"format": "standoff/1", "title": "four", "decision_makers": dms,
            "preferences": weights, "feasibility": feasibility}


@pytest.mark.slow
@pytest.mark.parametrize("collapse", [False, True])
def test_four_decision_makers_with_long_reaction_lists_match_reference(collapse):
    model = _four_dms(collapse)
    _check(model, table=True)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(sim_module, "MAX_TABLE_CELLS", 0)
        patch.setattr(sim_module, "HARD_TABLE_CELLS", 0)
        _check(model, table=False)


@settings(max_examples=example_count(100), deadline=None)
@given(st.lists(st.tuples(st.lists(st.integers(-9, 9), max_size=4),
                          st.lists(st.integers(-9, 9), max_size=4)), min_size=1, max_size=6))
def test_pair_sums_are_every_sum_per_state(rows):
    def csr(lists):
        start = np.zeros(len(lists) + 1, dtype=np.int64)
        np.cumsum([len(x) for x in lists], out=start[1:])
        values = np.array([v for x in lists for v in x], dtype=np.int64)
        return start, values

    start_a, values_a = csr([a for a, _ in rows])
    start_b, values_b = csr([b for _, b in rows])
    start, values = sim_module._pair_sums(start_a, values_a, start_b, values_b)
    for k, (a, b) in enumerate(rows):
        assert values[start[k]:start[k + 1]].tolist() == [x + y for x, y in product(a, b)]


@given(st.lists(st.integers(1, 5000), min_size=1, max_size=60))
def test_widths_cover_each_count_with_little_padding(counts):
    array = np.array(counts, dtype=np.int64)
    width = sim_module._widths(array)
    assert (width >= array).all()
    assert (width <= np.maximum(array, sim_module.EXACT_WIDTHS * sim_module.BUCKET_RATIO)
            * sim_module.BUCKET_RATIO + 1).all()
    assert set(width.tolist()) <= set(counts)  # padded to a count that occurs


@given(st.lists(st.integers(0, 30), max_size=50))
def test_distinct_is_unique_with_inverse(values):
    array = np.array(values, dtype=np.uint64)
    distinct, inverse = sim_module._distinct(array)
    expected, expected_inverse = np.unique(array, return_inverse=True)
    assert distinct.tolist() == expected.tolist()
    assert inverse.tolist() == expected_inverse.reshape(-1).tolist()
