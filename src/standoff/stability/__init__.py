"""Solution concepts of the Graph Model for Conflict Resolution, one module each.

Every concept is a function ``(conflict, dm) -> bool array over states``; they share the
reachability kernel in :mod:`standoff.stability.reachability`. The slow, literal reference
implementation used to test them lives in :mod:`standoff.reference`.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from standoff.graph.conflict import Conflict
from standoff.stability.gmr import gmr_stable
from standoff.stability.limited_move import limited_move_concept, nonmyopic_stable
from standoff.stability.nash import nash_stable
from standoff.stability.seq import seq_stable
from standoff.stability.sim import sim_stable
from standoff.stability.smr import smr_stable

Concept = Callable[[Conflict, int], np.ndarray]

CONCEPTS: dict[str, Concept] = {
    "nash": nash_stable,
    "gmr": gmr_stable,
    "smr": smr_stable,
    "seq": seq_stable,
    "sim": sim_stable,
    "nm": nonmyopic_stable,
}

CONCEPT_NAMES: dict[str, str] = {
    "nash": "Nash",
    "gmr": "GMR",
    "smr": "SMR",
    "seq": "SEQ",
    "sim": "SIM",
    "nm": "NM",
}

MAX_LIMITED_MOVE_HORIZON = 1000


def known_concept(key: str) -> bool:
    """Whether ``key`` names a concept; limited-move keys ``l1``, ``l2``, … are registered
    in :data:`CONCEPTS` and :data:`CONCEPT_NAMES` the first time they are asked for."""
    key = key.strip().lower()
    if key in CONCEPTS:
        return True
    if len(key) > 1 and key[0] == "l" and key[1:].isdigit():
        horizon = int(key[1:])
        if not 1 <= horizon <= MAX_LIMITED_MOVE_HORIZON or key != f"l{horizon}":
            return False
        CONCEPTS[key] = limited_move_concept(horizon)
        CONCEPT_NAMES[key] = f"L{horizon}"
        return True
    return False


__all__ = ["CONCEPTS", "CONCEPT_NAMES", "gmr_stable", "known_concept", "nash_stable",
           "nonmyopic_stable", "seq_stable", "sim_stable", "smr_stable"]
