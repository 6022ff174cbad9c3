"""Pieces every solution concept uses: improvements per decision maker, the opponents, and
the checks and structures of the kernels over plain data, and the hook through which a long
computation reports its steps.

The kernels of Nash, GMR, SMR and SEQ (``nash_kernel`` … ``seq_kernel``) take the compiled
moves (``Conflict.moves``: one structure per decision maker), a rank array and the
decision maker. The rank array has shape ``(decision makers, states)``, or
``(batch, decision makers, states)`` for a batch of preference profiles over the same
moves; the result is a boolean array of shape ``(states,)`` or ``(batch, states)``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar

import numpy as np

from standoff.errors import ParameterError
from standoff.graph.conflict import Conflict
from standoff.graph.moves import BatchedImprovements, MoveGraph, Moves, UnilateralMoves
from standoff.stability.reachability import improvement_escapes


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


def check_ranks(moves: Sequence[UnilateralMoves], ranks: object, dm: int) -> np.ndarray:
    """``ranks`` as an int64 array for the kernels over ``moves`` (shape ``(decision makers,
    states)`` or ``(batch, decision makers, states)``), with ``dm`` a decision maker's
    index; a :class:`~standoff.errors.ParameterError` naming ``ranks`` or ``dm`` otherwise."""
    array = np.asarray(ranks)
    if array.dtype.kind not in "iu":
        raise ParameterError(f"ranks must hold integers, not {array.dtype}", parameter="ranks",
                             hint="give ranks as an integer array (higher is preferred)")
    n = len(moves)
    m = moves[0].size if moves else 0
    if array.ndim not in (2, 3) or array.shape[-2:] != (n, m):
        raise ParameterError(
            f"ranks of shape {array.shape} do not fit {n} decision makers and {m} states",
            parameter="ranks",
            hint=f"give shape ({n}, {m}), or (batch, {n}, {m}) for several profiles")
    if isinstance(dm, bool) or not isinstance(dm, int | np.integer) or not 0 <= dm < n:
        raise ParameterError(f"decision maker index {dm!r} does not exist", parameter="dm",
                             hint=f"give an index from 0 to {n - 1}")
    return array.astype(np.int64, copy=False)


def others(ranks: np.ndarray, dm: int) -> list[int]:
    """The indices of every decision maker but ``dm`` in a rank array."""
    return [j for j in range(ranks.shape[-2]) if j != dm]


def improving(
    moves: Sequence[UnilateralMoves], ranks: np.ndarray, members: Sequence[int],
    improvements: Sequence[Moves] | None = None,
) -> list[Moves | BatchedImprovements]:
    """``R_j⁺`` for each of ``members`` under ``ranks``: the given ``improvements`` (built
    for these ranks) when there are some, otherwise built here; for a batch of rank arrays,
    one :class:`~standoff.graph.moves.BatchedImprovements` per member over its explicit
    moves."""
    if ranks.ndim == 3:
        return [BatchedImprovements(moves[j].materialize(), ranks[:, j, :]) for j in members]
    if improvements is not None:
        return [improvements[j] for j in members]
    return [moves[j].improvements(ranks[j]) for j in members]


def escapes(
    moves: Sequence[UnilateralMoves], rank: np.ndarray, dm: int, floor: np.ndarray,
    improvements: Sequence[Moves] | None = None,
) -> np.ndarray:
    """States from which ``dm`` has a unilateral improvement whose sanction floor is above
    its rank there (``floor`` from the concept's reachability minimum): the states that are
    *not* stable. Uses ``dm``'s improvements when given as an explicit graph (one rank
    array), otherwise :func:`~standoff.stability.reachability.improvement_escapes` (one
    reduction over ``dm``'s moves; implicit improvements would first sort by rank)."""
    if improvements is not None and rank.ndim == 1 and isinstance(improvements[dm], MoveGraph):
        return improvements[dm].max_over(floor, empty=-1) > rank
    return improvement_escapes(moves[dm], rank, floor)
