"""General metarationality (GMR).

Definition (Howard 1971; Fang, Hipel & Kilgour 1993, ch. 4; n decision makers: Xu, Hipel &
Kilgour 2009): *s* is GMR for *i* iff for every ``s1 ∈ R_i⁺(s)`` there is
``s2 ∈ R_{N∖i}(s1)`` with ``s2 ≾_i s``; ``R_{N∖i}`` uses legal sequences (a decision maker
may move again, never twice in a row).

Closed form on product spaces with free moves (issue 17). When the states are the product
of the decision makers' choices and every decision maker can move from any choice of its
own to any other (implicit coset moves), write ``r[x_i, x_H]`` for *i*'s rank with its own
choice ``x_i`` and the opponents' ``x_H``. Then

    s is GMR for i  ⟺  r_i(s) ≥ max over x_i of (min over x_H of r[x_i, x_H]),

the maximin ("security level") of *i*. Reasoning: with ``floor(s1)`` the minimum of
``r_i`` over ``R_H(s1)``, *s* is unstable iff some ``t ∈ R_i(s)`` has
``min(r_i(t), floor(t)) > r_i(s)`` (:func:`~standoff.stability.reachability.improvement_escapes`;
``t = s`` may be added, as ``min(r_i(s), ·) ≤ r_i(s)``). ``R_H(t)`` is every state that
differs from *t* in the opponents' choices only, except perhaps *t* itself; counting
``r_i(t)`` in the minimum restores *t*, so ``min(r_i(t), floor(t))`` is the minimum of
``r`` over the opponents' whole axes at ``x_i(t)``: the security level ``σ(x_i(t))``.
The maximum over *i*'s coset (all of *i*'s choices) is ``max σ``. With one opponent
whose choices are the rows of a matrix, this is the familiar maximin of a matrix game.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from standoff.graph.conflict import Conflict
from standoff.graph.moves import Moves, UnilateralMoves
from standoff.stability.common import check_ranks, escapes, improvement_graphs, others
from standoff.stability.reachability import coset_axes, group_reach_minimum


def security_level(ranks: np.ndarray, shape: tuple[int, ...], dm: int) -> np.ndarray:
    """``max over x_i of min over x_H of r[x_i, x_H]`` on a product space (``shape`` from
    :func:`~standoff.stability.reachability.coset_axes`) for ``dm``'s ranks (shape
    ``(..., states)``); the result has shape ``(..., 1)``, to compare with the ranks."""
    lead = ranks.ndim - 1
    r = ranks.reshape((*ranks.shape[:-1], *shape))
    axis = lead + len(shape) - 1 - dm
    rest = tuple(a for a in range(lead, r.ndim) if a != axis)
    level = r.min(axis=rest, keepdims=True).max(axis=axis, keepdims=True)
    return level.reshape((*ranks.shape[:-1], 1))


def gmr_kernel(
    moves: Sequence[UnilateralMoves], ranks: np.ndarray, dm: int,
    improvements: Sequence[Moves] | None = None,
) -> np.ndarray:
    """GMR stability over plain data (arguments and result as
    :func:`~standoff.stability.nash.nash_kernel`).

    >>> import standoff
    >>> c = standoff.load("examples/chicken.yaml")
    >>> gmr_kernel(c.moves, c.ranks, 1).tolist() == gmr_stable(c, 1).tolist()
    True
    """
    ranks = check_ranks(moves, ranks, dm)
    rank = ranks[..., dm, :]
    shape = coset_axes(moves)
    if shape is not None:
        return rank >= security_level(rank, shape, dm)
    floor = group_reach_minimum([moves[j] for j in others(ranks, dm)], rank)
    return ~escapes(moves, rank, dm, floor, improvements)


def gmr_stable(conflict: Conflict, dm: int) -> np.ndarray:
    """Boolean array over states: GMR stable for decision maker ``dm``.

    Chicken (``examples/chicken.yaml``; states 1 both swerve, 2 driver 1 drives straight
    on, 3 driver 2 does, 4 both do: the crash), states given by number:

    >>> import standoff
    >>> chicken = standoff.load("examples/chicken.yaml")
    >>> gmr_stable(chicken, 0).nonzero()[0] + 1   # from 1, driver 2 can answer 1→2 with 4
    array([1, 2, 3])
    """
    return gmr_kernel(conflict.moves, conflict.ranks, dm, improvement_graphs(conflict))
