"""Nash stability (rationality, R).

Definition (Howard 1971; Fang, Hipel & Kilgour 1993, ch. 4): state *s* is Nash stable for
decision maker *i* iff *i* has no unilateral improvement from *s*: ``R_i⁺(s) = ∅``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from standoff.graph.conflict import Conflict
from standoff.graph.moves import INFINITY, Moves, UnilateralMoves
from standoff.stability.common import check_ranks, improvement_graphs


def nash_kernel(
    moves: Sequence[UnilateralMoves], ranks: np.ndarray, dm: int,
    improvements: Sequence[Moves] | None = None,
) -> np.ndarray:
    """Nash stability over plain data: ``moves`` (one structure per decision maker, as in
    ``Conflict.moves``), ``ranks`` of shape ``(decision makers, states)`` or ``(batch,
    decision makers, states)``, decision maker index ``dm``. Returns a boolean array over
    states (one row per profile for a batch). ``improvements``: ``R_i⁺`` already built for
    a single rank array (:func:`~standoff.stability.common.improvement_graphs`).

    >>> import numpy as np, standoff
    >>> c = standoff.load("examples/prisoners_dilemma.yaml")
    >>> nash_kernel(c.moves, c.ranks, 0).tolist() == nash_stable(c, 0).tolist()
    True
    >>> swapped = np.stack([c.ranks, c.ranks[::-1]])   # two profiles, one call
    >>> nash_kernel(c.moves, swapped, 0).shape
    (2, 4)
    """
    ranks = check_ranks(moves, ranks, dm)
    if improvements is not None and ranks.ndim == 2:
        return ~improvements[dm].nonempty()
    rank = ranks[..., dm, :]
    return ~(moves[dm].max_over(rank, empty=-INFINITY) > rank)


def nash_stable(conflict: Conflict, dm: int) -> np.ndarray:
    """Boolean array over states: Nash stable for decision maker ``dm``.

    Chicken (``examples/chicken.yaml``; states 1 both swerve, 2 driver 1 drives straight
    on, 3 driver 2 does, 4 both do: the crash), states given by number:

    >>> import standoff
    >>> chicken = standoff.load("examples/chicken.yaml")
    >>> nash_stable(chicken, 0).nonzero()[0] + 1   # driver 1 has no improvement there
    array([2, 3])
    """
    return nash_kernel(conflict.moves, conflict.ranks, dm, improvement_graphs(conflict))
