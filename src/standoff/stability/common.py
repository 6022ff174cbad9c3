"""Pieces every solution concept uses: improvements per decision maker, the opponents, and
the hook through which a long computation reports its steps."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

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


#: Where the concept being computed reports its steps (``done, total``): set by
#: :func:`steps_to` around one kernel call, ``None`` when nobody listens.
_STEP_HOOK: ContextVar[Callable[[int, int], object] | None] = ContextVar(
    "standoff_step_hook", default=None)


def report_step(done: int, total: int) -> None:
    """Called by a kernel inside a long computation (SIM works in chunks of states): hands
    ``done`` of ``total`` steps to the hook of :func:`steps_to`, if one is set."""
    hook = _STEP_HOOK.get()
    if hook is not None:
        hook(done, total)


@contextmanager
def steps_to(hook: Callable[[int, int], object] | None) -> Iterator[None]:
    """Within the ``with`` block, steps reported with :func:`report_step` go to ``hook``
    (e.g. a progress bar's label moving within one concept for one decision maker)."""
    token = _STEP_HOOK.set(hook)
    try:
        yield
    finally:
        _STEP_HOOK.reset(token)
