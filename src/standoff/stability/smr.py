"""Symmetric metarationality (SMR).

Definition (Howard 1971; Fang, Hipel & Kilgour 1993, ch. 4): *s* is SMR for *i* iff for
every ``s1 ∈ R_i⁺(s)`` there is ``s2 ∈ R_{N∖i}(s1)`` with ``s2 ≾_i s`` and, moreover,
``s3 ≾_i s`` for every ``s3 ∈ R_i(s2)`` (no counter-move of *i* escapes the sanction).

Implementation: a sanction state ``s2`` qualifies iff
``escape(s2) = max(rank_i(s2), max over R_i(s2) of rank_i) <= rank_i(s)``, so SMR is GMR
with ``escape`` in place of ``rank_i`` in the reachability minimum.

Closed form on product spaces with free moves (issue 17; notation of
:mod:`standoff.stability.gmr`):

    s is SMR for i  ⟺  r_i(s) ≥ min over x_H of (max over x_i of r[x_i, x_H]),

the minimax of *i*. Reasoning: ``escape`` is the maximum of ``r`` over *i*'s whole axis,
``e(x_H)``, and does not depend on ``x_i``. *s* is unstable iff some ``t`` in *i*'s coset
has ``min(r_i(t), floor(t)) > r_i(s)`` with ``floor(t)`` the minimum of ``e`` over
``R_H(t)``, which is every opponents' choice, except perhaps ``x_H(t)`` itself. The
maximum over *i*'s coset is ``min(max over x_i of r[x_i, x_H], floor) = min(e(x_H),
floor)``, the minimum of ``e`` over all opponents' choices, whichever ``x_H`` is excluded
from ``floor``. As the minimax is at least the maximin, SMR ⊆ GMR, as it must be.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from standoff.graph.conflict import Conflict
from standoff.graph.moves import Moves, UnilateralMoves
from standoff.stability.common import check_ranks, escapes, improvement_graphs, others
from standoff.stability.reachability import coset_axes, group_reach_minimum


def escape_value(conflict: Conflict, dm: int) -> np.ndarray:
    """``max(rank(s2), best rank among i's moves from s2)`` for every state ``s2``."""
    return escape_values(conflict.moves[dm], conflict.ranks[dm])


def escape_values(moves: UnilateralMoves, rank: np.ndarray) -> np.ndarray:
    """:func:`escape_value` over plain data: ``moves`` of the decision maker, its ``rank``
    (shape ``(..., states)``)."""
    return np.maximum(rank, moves.max_over(rank))


def minimax_level(ranks: np.ndarray, shape: tuple[int, ...], dm: int) -> np.ndarray:
    """``min over x_H of max over x_i of r[x_i, x_H]`` on a product space for ``dm``'s ranks
    (shape ``(..., states)``); the result has shape ``(..., 1)``."""
    lead = ranks.ndim - 1
    r = ranks.reshape((*ranks.shape[:-1], *shape))
    axis = lead + len(shape) - 1 - dm
    best = r.max(axis=axis)
    return best.reshape((*ranks.shape[:-1], -1)).min(axis=-1, keepdims=True)


def smr_kernel(
    moves: Sequence[UnilateralMoves], ranks: np.ndarray, dm: int,
    improvements: Sequence[Moves] | None = None,
) -> np.ndarray:
    """SMR stability over plain data (arguments and result as
    :func:`~standoff.stability.nash.nash_kernel`).

    >>> import standoff
    >>> c = standoff.load("examples/chicken.yaml")
    >>> smr_kernel(c.moves, c.ranks, 0).tolist() == smr_stable(c, 0).tolist()
    True
    """
    ranks = check_ranks(moves, ranks, dm)
    rank = ranks[..., dm, :]
    shape = coset_axes(moves)
    if shape is not None:
        return rank >= minimax_level(rank, shape, dm)
    floor = group_reach_minimum([moves[j] for j in others(ranks, dm)],
                                escape_values(moves[dm], rank))
    return ~escapes(moves, rank, dm, floor, improvements)


def smr_stable(conflict: Conflict, dm: int) -> np.ndarray:
    """Boolean array over states: SMR stable for decision maker ``dm``.

    Chicken (``examples/chicken.yaml``; states 1 both swerve, 2 driver 1 drives straight
    on, 3 driver 2 does, 4 both do: the crash), states given by number:

    >>> import standoff
    >>> chicken = standoff.load("examples/chicken.yaml")
    >>> smr_stable(chicken, 0).nonzero()[0] + 1   # from the crash, no escape beats 1
    array([1, 2, 3])
    """
    return smr_kernel(conflict.moves, conflict.ranks, dm, improvement_graphs(conflict))
