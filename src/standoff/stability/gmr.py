"""General metarationality (GMR).

Definition (Howard 1971; Fang, Hipel & Kilgour 1993, ch. 4; n decision makers: Xu, Hipel &
Kilgour 2009): *s* is GMR for *i* iff for every ``s1 ∈ R_i⁺(s)`` there is
``s2 ∈ R_{N∖i}(s1)`` with ``s2 ≾_i s``; ``R_{N∖i}`` uses legal sequences (a decision maker
may move again, never twice in a row).
"""

from __future__ import annotations

import numpy as np

from standoff.graph.conflict import Conflict
from standoff.stability.common import opponents, unsanctioned
from standoff.stability.reachability import group_reach_minimum


def gmr_stable(conflict: Conflict, dm: int) -> np.ndarray:
    """Boolean array over states: GMR stable for decision maker ``dm``."""
    group = [conflict.moves[j] for j in opponents(conflict, dm)]
    floor = group_reach_minimum(group, conflict.ranks[dm])
    return ~unsanctioned(conflict, dm, floor)
