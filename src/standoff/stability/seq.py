"""Sequential stability (SEQ).

Definition (Fraser & Hipel 1979; Fang, Hipel & Kilgour 1993, ch. 4): *s* is SEQ for *i* iff
for every ``s1 ∈ R_i⁺(s)`` there is ``s2 ∈ R⁺_{N∖i}(s1)`` with ``s2 ≾_i s``: the sanction is
made of the opponents' own unilateral improvements (a credible sanction), in legal sequences.

On implicit coset moves the test "some improvement of *i* is not sanctioned" uses
:func:`~standoff.stability.reachability.improvement_escapes` (a maximum along *i*'s axis);
the opponents' improvements still need their cosets sorted by their own ranks.

No closed form like GMR's and SMR's (issue 17). With two decision makers the opponents'
``R_H⁺`` is one decision maker's improvements and the kernel is already one suffix minimum
per coset, without rounds. With three or more on a free product space, GMR and SMR reduce
to a maximin and a minimax because ``R_H(t)`` is the whole product of the opponents'
choices: every opponent can reach any choice of its own in one move, so two moves reach
everything and the sequences never matter. ``R_H⁺`` has no such collapse: an improvement
must improve for its mover, and the legal sequences of improvements can be as long as the
opponents' choices allow. In the "chain" rows of ``benchmarks/scale.py`` (two opponents
with ``w`` options each, everything free) each state has exactly one way forward and the
improving sequences run 2 (2^w − 1) moves, so the sanction floor of a state is decided by a
state that many moves away, and changing the preferences at the end of the chain changes
the floor at its start. We know of no formula in a fixed number of reductions along the
axes that follows such chains (this is an argument, not a proof of impossibility), so SEQ
keeps the (state, last mover) fixed point, with its worklist and its bounded graph pass
(:mod:`standoff.stability.reachability`).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from standoff.graph.conflict import Conflict
from standoff.graph.moves import Moves, UnilateralMoves
from standoff.stability.common import (
    check_ranks,
    escapes,
    improvement_graphs,
    improving,
    others,
)
from standoff.stability.reachability import group_reach_minimum


def seq_kernel(
    moves: Sequence[UnilateralMoves], ranks: np.ndarray, dm: int,
    improvements: Sequence[Moves] | None = None,
) -> np.ndarray:
    """SEQ stability over plain data (arguments and result as
    :func:`~standoff.stability.nash.nash_kernel`). For a batch of rank arrays the
    opponents' improvements are masks over their explicit moves, one row per profile.

    >>> import standoff
    >>> c = standoff.load("examples/chicken.yaml")
    >>> seq_kernel(c.moves, c.ranks, 0).tolist() == seq_stable(c, 0).tolist()
    True
    """
    ranks = check_ranks(moves, ranks, dm)
    rank = ranks[..., dm, :]
    group = improving(moves, ranks, others(ranks, dm), improvements)
    floor = group_reach_minimum(group, rank)
    return ~escapes(moves, rank, dm, floor, improvements)


def seq_stable(conflict: Conflict, dm: int) -> np.ndarray:
    """Boolean array over states: SEQ stable for decision maker ``dm``.

    Chicken (``examples/chicken.yaml``; states 1 both swerve, 2 driver 1 drives straight
    on, 3 driver 2 does, 4 both do: the crash), states given by number:

    >>> import standoff
    >>> chicken = standoff.load("examples/chicken.yaml")
    >>> seq_stable(chicken, 0).nonzero()[0] + 1   # driving into the crash is no improvement
    array([2, 3])
    """
    return seq_kernel(conflict.moves, conflict.ranks, dm, improvement_graphs(conflict))
