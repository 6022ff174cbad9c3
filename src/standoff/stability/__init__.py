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
"""The largest horizon h of L(h): each horizon is one more pass over every state and move,
and its anticipated outcomes are kept for the explanations; ``nm`` gives the long run."""


def horizon_range_problem(horizon: int, shown: str | None = None) -> str | None:
    """Why ``horizon`` cannot be used for L(h), or None when it can (1 to
    :data:`MAX_LIMITED_MOVE_HORIZON`); ``shown`` is how to write it (default: the number)."""
    if 1 <= horizon <= MAX_LIMITED_MOVE_HORIZON:
        return None
    return (f"the limited-move horizon must be from 1 to {MAX_LIMITED_MOVE_HORIZON:,}, not "
            f"{shown or format(horizon, ',')}: each horizon is one more pass over every "
            "state and move, and its anticipated outcomes are kept; use nm (non-myopic) for "
            "the long run")


def limited_move_key_problem(key: str) -> str | None:
    """For a key of the form ``l`` + digits (``l5000``, ``l0``), why its horizon cannot be
    used; None for every other key (known or unknown)."""
    key = key.strip().lower()
    if len(key) > 1 and key[0] == "l" and key[1:].isascii() and key[1:].isdigit():
        digits = key[1:].lstrip("0") or "0"
        if len(digits) > 18:  # shown shortened, never converted (int() refuses 4,300 digits)
            return (f"'{key[:20]}…': " + str(horizon_range_problem(
                MAX_LIMITED_MOVE_HORIZON + 1, f"a number of {len(digits):,} digits")))
        problem = horizon_range_problem(int(digits))
        if problem is not None:
            return f"'{key}': {problem}"
    return None


def known_concept(key: str) -> bool:
    """Whether ``key`` names a concept; limited-move keys ``l1``, ``l2``, … are registered
    in :data:`CONCEPTS` and :data:`CONCEPT_NAMES` the first time they are asked for."""
    key = key.strip().lower()
    if key in CONCEPTS:
        return True
    if len(key) > 1 and key[0] == "l" and key[1:].isascii() and key[1:].isdigit():
        if len(key) > 20:
            return False
        horizon = int(key[1:])
        if not 1 <= horizon <= MAX_LIMITED_MOVE_HORIZON or key != f"l{horizon}":
            return False
        CONCEPTS[key] = limited_move_concept(horizon)
        CONCEPT_NAMES[key] = f"L{horizon}"
        return True
    return False


__all__ = ["CONCEPTS", "CONCEPT_NAMES", "MAX_LIMITED_MOVE_HORIZON", "gmr_stable",
           "horizon_range_problem", "known_concept", "limited_move_key_problem", "nash_stable",
           "nonmyopic_stable", "seq_stable", "sim_stable", "smr_stable"]
