"""Implicit improvements of product spaces (:class:`~standoff.graph.moves.CosetImprovements`)
agree with their definition, state by state.

``R_i⁺(s)`` is the set of states of the coset of *s* (the states that differ from *s* in
*i*'s digit only) that *i* ranks strictly higher than *s*. The structure answers minima
and maxima over it from each coset sorted by rank (``lines``: one sort of 64-bit keys per
contiguous copy of the cosets, issue 17); the reachability worklist reduces only the
cosets that changed. Both are checked here against a literal loop over the definition,
with ranks that tie, span large values and are negative, for every digit position of
mixed-radix spaces, and the rank array must come out unchanged (the sort works on a copy).
"""

from __future__ import annotations

import numpy as np
from conftest import example_count
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from standoff.graph.moves import CosetImprovements, CosetMoves
from standoff.stability.reachability import _reduce_changed

SETTINGS = settings(max_examples=example_count(120), deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])


@st.composite
def coset_cases(draw):
    radices = draw(st.lists(st.integers(1, 5), min_size=1, max_size=3))
    digit = draw(st.integers(0, len(radices) - 1))
    size = int(np.prod(radices))
    stride = int(np.prod(radices[:digit]))
    scale = draw(st.sampled_from([1, 10**9]))
    rank = np.array(draw(st.lists(st.integers(-3, 4), min_size=size, max_size=size)),
                    dtype=np.int64) * scale
    values = np.array(draw(st.lists(st.integers(-6, 6), min_size=size, max_size=size)),
                      dtype=np.int64)
    return CosetMoves(size=size, radix=radices[digit], stride=stride), rank, values


@SETTINGS
@given(coset_cases())
def test_minima_and_maxima_over_improvements_follow_the_definition(case):
    moves, rank, values = case
    kept = rank.copy()
    improvements = CosetImprovements(moves, rank)
    low = improvements.min_over(values, empty=99)
    high = improvements.max_over(values, empty=-99)
    counts = improvements.counts()
    assert np.array_equal(rank, kept)
    for s in range(moves.size):
        better = [int(t) for t in moves.of(s) if rank[t] > rank[s]]
        assert low[s] == min((values[t] for t in better), default=99)
        assert high[s] == max((values[t] for t in better), default=-99)
        assert counts[s] == len(better)
        assert improvements.of(s).tolist() == sorted(better)


@SETTINGS
@given(coset_cases(), st.data())
def test_the_worklist_reduces_only_changed_cosets_to_the_same_minima(case, data):
    """``_reduce_changed`` updates a minimum over ``R_i⁺`` after the values changed at a few
    states, reducing only their cosets: the result is the full reduction."""
    moves, rank, values = case
    improvements = CosetImprovements(moves, rank)
    current = improvements.min_over(values)
    changed = data.draw(st.lists(st.integers(0, moves.size - 1), max_size=3, unique=True))
    lowered = values.copy()
    for s in changed:
        lowered[s] -= data.draw(st.integers(0, 5))
    result, _ = _reduce_changed(improvements, lowered, np.array(changed, dtype=np.int64),
                                current)
    assert np.array_equal(current, improvements.min_over(lowered))
    if result is not None:
        before = improvements.min_over(values)
        assert sorted(result.tolist()) == np.flatnonzero(current != before).tolist()
