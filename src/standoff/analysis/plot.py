"""The state graph of an analysed conflict as a picture (``analysis.plot()``).

Adds to the picture of :mod:`standoff.graph.picture` what the analysis knows: the
equilibria of each concept computed (marked on each state), the fewest unilateral
the evolution paths, shortest legal sequences of unilateral improvements from the status quo to
the :data:`MAX_HIGHLIGHTED` nearest equilibria (under any concept), highlighted, and for
the layered layout the fewest moves from the status quo to each state.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from standoff.analysis.graphdata import Verdicts, to_networkx
from standoff.concepts import label as concept_label
from standoff.errors import ParameterError
from standoff.graph.picture import MAX_NODES, StateGraphPicture, draw_state_graph
from standoff.stability.sequences import legal_search

#: Paths to at most this many equilibria (the nearest first) are highlighted.
MAX_HIGHLIGHTED = 12


def evolution(analysis: Verdicts) -> tuple[np.ndarray | None, frozenset[tuple[int, int]]]:
    """The fewest unilateral moves from the status quo to each state (−1: unreachable; None
    without a status quo) and the moves (0-based) of the shortest legal sequences of
    unilateral improvements to the nearest reachable equilibria."""
    c = analysis.conflict
    if c.status_quo is None:
        return None, frozenset()
    search = legal_search(c, c.status_quo, improving=True)
    steps = legal_search(c, c.status_quo, improving=False).steps()
    marked = np.zeros(c.state_count, dtype=bool)
    for concept in analysis.concepts:
        marked |= analysis.equilibrium_mask(concept)
    improving = search.steps()
    targets = [int(s) for s in np.flatnonzero(marked & (improving > 0))]
    targets.sort(key=lambda s: (int(improving[s]), s))
    moves: set[tuple[int, int]] = set()
    for t in targets[:MAX_HIGHLIGHTED]:
        for _, s, u in search.moves_to(t) or []:
            moves.add((s, u))
    return steps, frozenset(moves)


def plot(
    analysis: Verdicts,
    decision_makers: Iterable[str | int] | str | None = None,
    concepts: Iterable[str] | str | None = None,
    paths: bool = True,
    limit: int = MAX_NODES,
    layout: str = "auto",
    title: str | None = None,
) -> StateGraphPicture:
    """Draw the state graph of ``analysis`` (see :mod:`standoff.graph.picture` for what
    the picture shows).

    ``decision_makers`` keeps the moves of those decision makers only (ids, names or
    0-based indices); ``concepts`` marks the equilibria of those concepts only (default:
    every concept computed); ``paths=False`` leaves the evolution paths unmarked; ``limit``
    is the most states drawn; ``layout`` one of ``auto``, ``layered``, ``grid``, ``spring``.
    Raises TypeError or :class:`~standoff.errors.ParameterError` for a bad argument and
    :class:`~standoff.errors.LookupArgumentError` for an unknown decision maker or concept.
    """
    c = analysis.conflict
    if isinstance(decision_makers, str | int):
        decision_makers = [decision_makers]
    movers = None if decision_makers is None else sorted(
        {c.dm_index(d) for d in decision_makers})
    if isinstance(concepts, str):
        concepts = [x for x in concepts.split(",") if x.strip()]
    keys = analysis.concepts if concepts is None else [
        analysis._concept(k) for k in concepts]  # type: ignore[attr-defined]
    if isinstance(limit, bool) or not isinstance(limit, int):
        raise TypeError(f"limit is a number of states (an int), not {limit!r}")
    if limit < 1:
        raise ParameterError(f"limit must be at least 1, not {limit}", parameter="limit",
                             hint="e.g. limit=40 (the default)")
    steps, path_moves = evolution(analysis)
    return draw_state_graph(
        c,
        equilibria={concept_label(k): analysis.equilibrium_mask(k) for k in keys},
        path_moves=path_moves if paths else frozenset(),
        steps=steps,
        movers=movers,
        limit=limit,
        layout=layout,
        title=title,
        network=lambda: to_networkx(analysis),
    )
