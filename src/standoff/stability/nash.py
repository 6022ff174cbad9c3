"""Nash stability (rationality, R).

Definition (Howard 1971; Fang, Hipel & Kilgour 1993, ch. 4): state *s* is Nash stable for
decision maker *i* iff *i* has no unilateral improvement from *s*: ``R_i⁺(s) = ∅``.
"""

from __future__ import annotations

import numpy as np

from standoff.graph.conflict import Conflict
from standoff.stability.common import improvement_graphs


def nash_stable(conflict: Conflict, dm: int) -> np.ndarray:
    """Boolean array over states: Nash stable for decision maker ``dm``."""
    ui = improvement_graphs(conflict)[dm]
    return ~ui.nonempty()
