"""The reachability kernel shared by every sanction-based solution concept.

Definition (Fang, Hipel & Kilgour 1993; Xu, Hipel & Kilgour 2009; BRIEF §2): ``R_H(s)`` is
the set of states that the group *H* can reach from *s* by a *legal sequence* of unilateral
moves by its members, in which a decision maker may move several times but never twice in
a row. ``R_H⁺(s)`` is the same with every step a unilateral improvement for the decision
maker who makes it, measured from the state it moves from.

The sanction tests need only one number per state: the minimum of some value (a decision
maker's rank, or for SMR its "best escape") over ``R_H(s)``. :func:`group_reach_minimum`
computes it for all states at once on the graph whose nodes are (state, last mover): with

    B_j(t) = min(value(t), min over k ≠ j of C_k(t))      (at t, j moved last)
    C_j(s) = min over t ∈ R_j(s) of B_j(t)                   (j moves first from s)

the wanted minimum is min_j C_j(s). Iterating these two equations from C = +∞ decreases
every C monotonically to the minimum over all legal sequences (each round extends the
sequences considered by one move), so it ends after at most as many rounds as the longest
shortest legal sequence, and the cost of one round is linear in the number of moves (or,
for implicit coset moves, in the number of states).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import numpy as np

from standoff.graph.moves import INFINITY, Moves

__all__ = ["INFINITY", "MinOver", "group_reach_minimum"]


class MinOver(Protocol):
    """A move structure as the reachability kernel sees it: minima over each state's moves
    (every structure of :mod:`standoff.graph.moves`)."""

    def min_over(self, values: np.ndarray, empty: int = ...) -> np.ndarray: ...


def group_reach_minimum(
    group_moves: Sequence[MinOver], value: np.ndarray, max_rounds: int | None = None
) -> np.ndarray:
    """For every state s, the minimum of ``value`` over ``R_H(s)`` (legal sequences).

    ``group_moves`` holds one move structure per member of *H* (pass improvement
    structures for ``R_H⁺``). Returns +∞ (``INFINITY``) where ``R_H(s)`` is empty.
    ``value`` may carry leading batch axes (shape ``(..., states)``) when the structures
    reduce such arrays row by row (:class:`~standoff.graph.moves.MoveGraph`,
    :class:`~standoff.graph.moves.CosetMoves`,
    :class:`~standoff.graph.moves.BatchedImprovements`).
    """
    value = np.asarray(value, dtype=np.int64)
    n = len(group_moves)
    if n == 0:
        return np.full(value.shape, INFINITY, dtype=np.int64)
    if n == 1:
        return group_moves[0].min_over(value)
    current = [np.full(value.shape, INFINITY, dtype=np.int64) for _ in range(n)]
    rounds = 0
    limit = max_rounds if max_rounds is not None else value.shape[-1] * n + 1
    while True:
        rounds += 1
        changed = False
        for j in range(n):
            others = np.full(value.shape, INFINITY, dtype=np.int64)
            for k in range(n):
                if k != j:
                    np.minimum(others, current[k], out=others)
            np.minimum(others, value, out=others)
            updated = group_moves[j].min_over(others)
            if not changed and not np.array_equal(updated, current[j]):
                changed = True
            current[j] = updated
        if not changed:
            break
        if rounds > limit:  # pragma: no cover - cannot happen: values only decrease
            raise RuntimeError("reachability did not converge")
    out = current[0].copy()
    for c in current[1:]:
        np.minimum(out, c, out=out)
    return out


def improvement_escapes(moves: Moves, rank: np.ndarray, floor: np.ndarray) -> np.ndarray:
    """States from which the mover has an unsanctioned unilateral improvement.

    "Some ``s1 ∈ R_i⁺(s)`` has ``floor[s1] > rank(s)``" is the same as
    "``max over t ∈ R_i(s) of min(rank(t), floor(t)) > rank(s)``": a ``t`` with
    ``min(rank(t), floor(t)) > rank(s)`` has ``rank(t) > rank(s)`` (it is an improvement)
    and ``floor(t) > rank(s)``, and conversely. The right-hand side needs the moves ``R_i``
    only, not the improvements ``R_i⁺``, so on implicit coset moves it is one reduction
    along an axis instead of a sort of every coset by rank. ``rank`` and ``floor`` may carry
    leading batch axes (shape ``(..., states)``).
    """
    from standoff.graph.moves import CosetMoves

    rank = np.asarray(rank, dtype=np.int64)
    capped = np.minimum(rank, floor)
    if isinstance(moves, CosetMoves):
        # s itself may join the maximum: min(rank(s), floor(s)) <= rank(s) never counts
        shape = (-1, *moves.shape)
        best = capped.reshape(shape).max(axis=2, keepdims=True)
        return (best > rank.reshape(shape)).reshape(rank.shape)
    return moves.max_over(capped, empty=-1) > rank


def coset_axes(moves: Sequence[Moves]) -> tuple[int, ...] | None:
    """If every decision maker's moves are implicit cosets of one product space, the shape
    that puts each decision maker on its own axis (the last decision maker first, so axis
    ``len(moves) - 1 - d`` belongs to decision maker ``d``); None otherwise."""
    from standoff.graph.moves import CosetMoves

    if not moves or not all(isinstance(g, CosetMoves) for g in moves):
        return None
    return tuple(g.radix for g in reversed(moves))  # type: ignore[union-attr]
