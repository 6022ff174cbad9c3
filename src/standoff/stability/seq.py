"""Sequential stability (SEQ).

Definition (Fraser & Hipel 1979; Fang, Hipel & Kilgour 1993, ch. 4): *s* is SEQ for *i* iff
for every ``s1 ∈ R_i⁺(s)`` there is ``s2 ∈ R⁺_{N∖i}(s1)`` with ``s2 ≾_i s``: the sanction is
made of the opponents' own unilateral improvements (a credible sanction), in legal sequences.

On implicit coset moves the test "some improvement of *i* is not sanctioned" uses
:func:`~standoff.stability.reachability.improvement_escapes` (a maximum along *i*'s axis);
the opponents' improvements still need their cosets sorted by their own ranks.
"""

from __future__ import annotations

import numpy as np

from standoff.graph.conflict import Conflict
from standoff.graph.moves import CosetMoves
from standoff.stability.common import improvement_graphs, opponents, unsanctioned
from standoff.stability.reachability import group_reach_minimum, improvement_escapes


def seq_stable(conflict: Conflict, dm: int) -> np.ndarray:
    """Boolean array over states: SEQ stable for decision maker ``dm``."""
    ui = improvement_graphs(conflict)
    group = [ui[j] for j in opponents(conflict, dm)]
    floor = group_reach_minimum(group, conflict.ranks[dm])
    if isinstance(conflict.moves[dm], CosetMoves):  # no sort of i's cosets by rank
        return ~improvement_escapes(conflict.moves[dm], conflict.ranks[dm], floor)
    return ~unsanctioned(conflict, dm, floor)
