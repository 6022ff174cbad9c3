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

import numpy as np

from standoff.graph.conflict import Conflict
from standoff.graph.moves import CosetMoves
from standoff.stability.common import opponents, unsanctioned
from standoff.stability.reachability import coset_axes, group_reach_minimum, improvement_escapes


def security_level(ranks: np.ndarray, shape: tuple[int, ...], dm: int) -> int:
    """``max over x_i of min over x_H of r[x_i, x_H]`` on a product space (``shape`` from
    :func:`~standoff.stability.reachability.coset_axes`)."""
    r = ranks.reshape(shape)
    axis = len(shape) - 1 - dm
    others = tuple(a for a in range(len(shape)) if a != axis)
    return int(r.min(axis=others).max())


def gmr_stable(conflict: Conflict, dm: int) -> np.ndarray:
    """Boolean array over states: GMR stable for decision maker ``dm``."""
    rank = conflict.ranks[dm]
    shape = coset_axes(conflict.moves)
    if shape is not None:
        return rank >= security_level(rank, shape, dm)
    group = [conflict.moves[j] for j in opponents(conflict, dm)]
    floor = group_reach_minimum(group, rank)
    if isinstance(conflict.moves[dm], CosetMoves):
        return ~improvement_escapes(conflict.moves[dm], rank, floor)
    return ~unsanctioned(conflict, dm, floor)
