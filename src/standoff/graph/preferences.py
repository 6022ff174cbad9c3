"""Preferences as rank arrays.

GMCR II's three ways to state a preference (Fang, Hipel & Kilgour 1993, ch. 3; Hipel,
Kilgour, Fang & Peng 1997):

* option prioritization: statements listed most important first; statement *k* of *K*
  weighs 2^(K−k); a state's score is the sum of the weights of the statements true there;
  equal scores tie;
* option weighting: each statement has a numeric weight; scores are summed the same way;
* direct ranking: items best first, each selecting states (a statement, or a state number);
  a nested list is a tie; every state must be selected exactly once.

Scores are turned into dense ranks (0 = least preferred), so ``rank[i, s] > rank[i, t]``
means decision maker *i* strictly prefers *s* to *t* and equal ranks mean indifference.
"""

from __future__ import annotations

import math

import numpy as np

from standoff.graph.states import StateSpace
from standoff.model.loader import PreferenceSpec, StatementSpec
from standoff.model.schema import MAX_WEIGHT


def _selects(stmt: StatementSpec, space: StateSpace) -> np.ndarray:
    if stmt.state is not None:
        sel = np.zeros(space.size, dtype=bool)
        if not 1 <= stmt.state <= space.size:
            raise space.spec.error(
                stmt.path,
                f"state {stmt.state} does not exist (the model has states 1 to {space.size})",
                "run 'standoff states MODEL' to list the states and their numbers",
            )
        sel[stmt.state - 1] = True
        return sel
    assert stmt.expr is not None
    return stmt.expr.evaluate_bits(space.patterns)


def _check_weight(stmt: StatementSpec, space: StateSpace, dm_id: str) -> None:
    """Refuse a weight that is not a finite number within ±:data:`MAX_WEIGHT`.

    The model loader already refuses such weights; this guards specs built in code, where a
    NaN would make every score incomparable and 1e308 would overflow the sums.
    """
    weight = stmt.weight
    assert weight is not None
    if not math.isfinite(weight) or abs(weight) > MAX_WEIGHT:
        raise space.spec.error(
            stmt.path,
            f"preferences of '{dm_id}': the weight {weight!r} of '{stmt.text}' is not a finite "
            f"number between -{MAX_WEIGHT:.0e} and {MAX_WEIGHT:.0e}",
            "use finite weights of moderate size; only the order of the scores matters",
        )


def scores(pref: PreferenceSpec, space: StateSpace, dm_id: str, show) -> np.ndarray:
    """Raw scores of every state for one decision maker (higher is better)."""
    m = space.size
    if pref.kind == "prioritize":
        k_total = len(pref.statements)
        out = np.zeros(m, dtype=np.int64)
        for k, stmt in enumerate(pref.statements, start=1):
            out += _selects(stmt, space).astype(np.int64) << np.int64(k_total - k)
        return out
    if pref.kind == "weights":
        out_f = np.zeros(m, dtype=np.float64)
        for stmt in pref.statements:
            assert stmt.weight is not None
            _check_weight(stmt, space, dm_id)
            out_f += np.where(_selects(stmt, space), stmt.weight, 0.0)
        return out_f
    n_items = len(pref.ranking)
    out = np.full(m, -1, dtype=np.int64)
    first_item = np.full(m, -1, dtype=np.int64)
    for k, item in enumerate(pref.ranking):
        sel = np.zeros(m, dtype=bool)
        for stmt in item:
            sel |= _selects(stmt, space)
        clash = sel & (first_item >= 0)
        if clash.any():
            s = int(np.flatnonzero(clash)[0])
            raise space.spec.error(
                item[0].path,
                f"ranking of '{dm_id}': state {show(s)} is selected by item "
                f"{int(first_item[s]) + 1} and again by item {k + 1}",
                "each state must be selected by exactly one ranking item; make the statements "
                "exclusive or put the states in one tie group (a nested list)",
            )
        out[sel] = n_items - k
        first_item[sel] = k
    missing = np.flatnonzero(out < 0)
    if missing.size:
        listed = ", ".join(show(int(s)) for s in missing[:5])
        more = f" and {missing.size - 5} more" if missing.size > 5 else ""
        raise space.spec.error(
            (*pref.path, "ranking"),
            f"ranking of '{dm_id}' does not place state(s) {listed}{more}",
            "add items selecting them (a statement or a state number), or add them to a tie "
            "group (a nested list)",
        )
    return out


def dense_ranks(values: np.ndarray) -> np.ndarray:
    """Dense ranks of ``values``: 0 for the smallest, equal values share a rank."""
    _, inverse = np.unique(values, return_inverse=True)
    return inverse.astype(np.int64)


def rank_matrix(space: StateSpace, show) -> np.ndarray:
    """Ranks of every state for every decision maker (shape: decision makers × states)."""
    spec = space.spec
    rows = [
        dense_ranks(scores(pref, space, spec.dms[d].id, show))
        for d, pref in enumerate(spec.preferences)
    ]
    return np.vstack(rows) if rows else np.zeros((0, space.size), dtype=np.int64)
