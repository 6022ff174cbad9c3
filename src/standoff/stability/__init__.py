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
}

CONCEPT_NAMES: dict[str, str] = {
    "nash": "Nash",
    "gmr": "GMR",
    "smr": "SMR",
    "seq": "SEQ",
    "sim": "SIM",
}

__all__ = ["CONCEPTS", "CONCEPT_NAMES", "gmr_stable", "nash_stable", "seq_stable",
           "sim_stable", "smr_stable"]
