"""Symmetric metarationality (SMR).

Definition (Howard 1971; Fang, Hipel & Kilgour 1993, ch. 4): *s* is SMR for *i* iff for
every ``s1 ∈ R_i⁺(s)`` there is ``s2 ∈ R_{N∖i}(s1)`` with ``s2 ≾_i s`` and, moreover,
``s3 ≾_i s`` for every ``s3 ∈ R_i(s2)`` (no counter-move of *i* escapes the sanction).

Implementation: a sanction state ``s2`` qualifies iff
``escape(s2) = max(rank_i(s2), max over R_i(s2) of rank_i) <= rank_i(s)``, so SMR is GMR
with ``escape`` in place of ``rank_i`` in the reachability minimum.
"""

from __future__ import annotations

import numpy as np

from standoff.graph.conflict import Conflict
from standoff.stability.common import opponents, unsanctioned
from standoff.stability.reachability import group_reach_minimum


def escape_value(conflict: Conflict, dm: int) -> np.ndarray:
    """``max(rank(s2), best rank among i's moves from s2)`` for every state ``s2``."""
    rank = conflict.ranks[dm]
    return np.maximum(rank, conflict.moves[dm].max_over(rank))


def smr_stable(conflict: Conflict, dm: int) -> np.ndarray:
    """Boolean array over states: SMR stable for decision maker ``dm``."""
    group = [conflict.moves[j] for j in opponents(conflict, dm)]
    floor = group_reach_minimum(group, escape_value(conflict, dm))
    return ~unsanctioned(conflict, dm, floor)
