"""Pieces every solution concept uses: improvements per decision maker, the opponents."""

from __future__ import annotations

import numpy as np

from standoff.graph.conflict import Conflict
from standoff.graph.moves import Moves


def improvement_graphs(conflict: Conflict) -> tuple[Moves, ...]:
    """``R_i⁺`` for every decision maker (cached on the conflict)."""
    key = "improvements"
    if key not in conflict._cache:
        conflict._cache[key] = tuple(
            g.improvements(conflict.ranks[i]) for i, g in enumerate(conflict.moves)
        )
    return conflict._cache[key]


def opponents(conflict: Conflict, dm: int) -> list[int]:
    """``N \\ {i}``: every decision maker but ``dm``."""
    return [j for j in range(len(conflict.dm_ids)) if j != dm]


def unsanctioned(conflict: Conflict, dm: int, sanction_floor: np.ndarray) -> np.ndarray:
    """States with a unilateral improvement ``s1`` whose best sanction is still too good.

    ``sanction_floor[s1]`` is the lowest value the opponents can impose after ``s1``; a UI
    from ``s`` is deterred when ``sanction_floor[s1] <= rank_i(s)``. Returns a boolean
    array: True where some UI is not deterred.
    """
    ui = improvement_graphs(conflict)[dm]
    return ui.max_over(sanction_floor, empty=-1) > conflict.ranks[dm]
