"""Breadth-first search over legal sequences of unilateral moves from one state.

A legal sequence (BRIEF §2) never lets a decision maker move twice in a row, so the search
runs over pairs (state, last mover). :func:`legal_search` gives, for every decision maker
``j`` and state ``t``, the fewest steps of a legal sequence from the start that ends with
``j`` moving to ``t``, and a parent to rebuild one shortest sequence. The status quo analysis
(:mod:`standoff.analysis.paths`) and the state-graph picture (:mod:`standoff.analysis.plot`)
share it; it imports neither, so both can use it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from standoff.graph.conflict import Conflict
from standoff.stability.common import improvement_graphs


@dataclass(frozen=True)
class LegalSearch:
    """Breadth-first search result: ``level[j, t]`` is the fewest steps of a legal sequence
    from the start ending with ``j`` moving to ``t`` (−1 if none); ``parent[j, t]`` and
    ``parent_mover[j, t]`` give the node it came from (mover −1 is the start)."""

    start: int
    level: np.ndarray
    parent: np.ndarray
    parent_mover: np.ndarray

    def steps(self) -> np.ndarray:
        """Fewest steps from the start to each state (0 for the start, −1 if unreachable)."""
        big = np.iinfo(np.int64).max
        best = np.where(self.level >= 0, self.level, big).min(axis=0)
        best = np.where(best == big, -1, best)
        best[self.start] = 0
        return best

    def moves_to(self, target: int) -> list[tuple[int, int, int]] | None:
        """One shortest legal sequence to ``target`` (0-based) as ``(mover, from, to)``
        triples, start first; ``[]`` for the start itself, None when it is unreachable."""
        if target == self.start:
            return []
        levels = self.level[:, target]
        if not (levels >= 0).any():
            return None
        j = int(np.argmin(np.where(levels >= 0, levels, np.iinfo(np.int64).max)))
        raw = []
        t = target
        while j >= 0:
            s = int(self.parent[j, t])
            raw.append((j, s, t))
            j, t = int(self.parent_mover[j, t]), s
        return list(reversed(raw))


def legal_search(conflict: Conflict, start: int, improving: bool) -> LegalSearch:
    """Level-synchronous breadth-first search over (state, last mover) from ``start``
    (0-based), by unilateral improvements (``improving``) or by any unilateral moves.

    Each level asks every decision maker's move structure for the states one move away
    from the frontier states it may move from (those whose last mover was someone else),
    so implicit coset moves are never listed edge by edge. Cached on the conflict."""
    key = ("status_quo_search", start, improving)
    if key in conflict._cache:
        return conflict._cache[key]
    n, m = len(conflict.dm_ids), conflict.state_count
    structures = improvement_graphs(conflict) if improving else conflict.moves
    level = np.full((n, m), -1, dtype=np.int64)
    parent = np.full((n, m), -1, dtype=np.int64)
    parent_mover = np.full((n, m), -1, dtype=np.int64)
    frontier = np.zeros((n, m), dtype=bool)
    depth = 0
    while True:
        depth += 1
        new = np.zeros((n, m), dtype=bool)
        for j in range(n):
            if depth == 1:
                origin = np.zeros(m, dtype=bool)
                origin[start] = True
            else:
                origin = np.any(np.delete(frontier, j, axis=0), axis=0)
                if not origin.any():
                    continue
            sources_of = structures[j].successors(origin)
            reached = (sources_of >= 0) & (level[j] < 0)
            if not reached.any():
                continue
            targets = np.flatnonzero(reached)
            sources = sources_of[targets]
            level[j][targets] = depth
            parent[j][targets] = sources
            new[j][targets] = True
            if depth > 1:
                movers = np.full(targets.shape[0], -1, dtype=np.int64)
                for k in range(n):
                    if k == j:
                        continue
                    hit = (movers < 0) & frontier[k][sources]
                    movers[hit] = k
                parent_mover[j][targets] = movers
        if not new.any():
            break
        frontier = new
    result = LegalSearch(start, level, parent, parent_mover)
    conflict._cache[key] = result
    return result
