"""Legal sequences of unilateral moves, one state at a time.

A *legal sequence* for a group *H* is a sequence of unilateral moves by members of *H* in
which a decision maker may move several times but never twice in a row (Fang, Hipel &
Kilgour 1993; Xu, Hipel & Kilgour 2009; BRIEF §2). The all-states minimum over ``R_H`` is
:func:`standoff.stability.reachability.group_reach_minimum`; the functions here search
from a single state, breadth first over (state, last mover), for explanations, evolution
paths, inverse analysis and coalition analysis: :func:`legal_reach` (``R_H(s)`` as a set),
:func:`shortest_legal_sequence` (one shortest sequence to a state passing a test),
:func:`legal_search` (shortest sequences of all decision makers to every state, vectorised
over the move structures, for evolution paths) and :func:`all_legal_reach` (``R_H(s)`` for
every state at once, as a matrix).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from standoff.graph.conflict import Conflict
from standoff.stability.common import improvement_graphs


def step_targets(conflict: Conflict, dm: int, s: int, improving: bool) -> np.ndarray:
    """``R_dm(s)``, or ``R⁺_dm(s)`` when ``improving``."""
    targets = conflict.moves[dm].of(s)
    if improving:
        rank = conflict.ranks[dm]
        targets = targets[rank[targets] > rank[s]]
    return targets


def legal_reach(
    conflict: Conflict, members: Sequence[int], s: int, improving: bool = False
) -> np.ndarray:
    """``R_H(s)`` (or ``R_H⁺(s)``) for one state ``s``: breadth-first search over
    (state, last mover), a member never moving twice in a row. Sorted 0-based states."""
    seen: set[tuple[int, int]] = set()
    queue: deque[tuple[int, int]] = deque([(s, -1)])
    reached: set[int] = set()
    while queue:
        state, last = queue.popleft()
        for j in members:
            if j == last:
                continue
            for t in step_targets(conflict, j, state, improving):
                node = (int(t), j)
                if node not in seen:
                    seen.add(node)
                    reached.add(int(t))
                    queue.append(node)
    return np.array(sorted(reached), dtype=np.int64)


def reaching(target: int) -> Callable[[int], bool]:
    """The ``accept`` test of :func:`shortest_legal_sequence` for one target state."""

    def accept(state: int) -> bool:
        return state == target

    return accept


def shortest_legal_sequence(
    conflict: Conflict,
    members: Sequence[int],
    source: int,
    accept: Callable[[int], bool],
    improving: bool = False,
    steps_of: Callable[[int, int], np.ndarray] | None = None,
) -> list[tuple[int, int, int]] | None:
    """Shortest legal sequence of moves by ``members`` from ``source`` to a state for which
    ``accept`` is true: a list of ``(dm, from, to)`` (0-based), or None if there is none.

    Each step of decision maker ``j`` from ``s`` goes to :func:`step_targets` (its moves, or
    its unilateral improvements if ``improving``), or to ``steps_of(j, s)`` when given (the
    relational concepts search their relational improvements this way)."""
    if steps_of is None:
        def steps_of(j: int, s: int) -> np.ndarray:
            return step_targets(conflict, j, s, improving)
    start = (source, -1)
    parent: dict[tuple[int, int], tuple[int, int] | None] = {start: None}
    queue: deque[tuple[int, int]] = deque([start])
    while queue:
        node = queue.popleft()
        state, last = node
        for j in members:
            if j == last:
                continue
            for t in steps_of(j, state):
                nxt = (int(t), j)
                if nxt in parent:
                    continue
                parent[nxt] = node
                if accept(int(t)):
                    steps = []
                    cur: tuple[int, int] | None = nxt
                    while cur is not None and parent[cur] is not None:
                        prev = parent[cur]
                        assert prev is not None
                        steps.append((cur[1], prev[0], cur[0]))
                        cur = prev
                    return list(reversed(steps))
                queue.append(nxt)
    return None


@dataclass(frozen=True)
class LegalSearch:
    """The legal sequences of every decision maker from one state, shortest first:
    ``level[j, t]`` is the fewest steps of a legal sequence from ``start`` ending with ``j``
    moving to ``t`` (−1 if none); ``parent[j, t]`` and ``parent_mover[j, t]`` give the node
    it came from (mover −1 is the start). ``R_N(start)`` is the set of ``t`` with some
    ``level[j, t] ≥ 0``."""

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


def legal_search(conflict: Conflict, start: int, improving: bool = False) -> LegalSearch:
    """Level-synchronous breadth-first search over (state, last mover) from ``start``.

    Each level asks every decision maker's move structure for the states one move away
    from the frontier states it may move from (those whose last mover was someone else),
    so implicit coset moves are never listed edge by edge: the search for whole-model
    evolution paths and reachability from a status quo (:mod:`standoff.analysis.paths`);
    cached on the conflict. With ``improving``, every step is a unilateral improvement."""
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


MAX_MATRIX_STATES = 8192


def all_legal_reach(
    conflict: Conflict, members: Sequence[int], improving: bool = False
) -> np.ndarray:
    """``R_H(s)`` (or ``R_H⁺(s)``) for every state at once, as a boolean matrix:
    ``out[s, t]`` is True when ``t ∈ R_H(s)``.

    With ``T_j(v)`` the set of start states from which ``v`` is reached by a legal sequence
    whose last mover is ``j``:

        T_j(v) = ∪ over moves u → v of j of ( {u} ∪ ∪_{k ≠ j} T_k(u) )

    iterated from empty sets to the fixed point; each set is a row of 64-bit words, so one
    round costs (number of moves) × (states / 64) word operations. Meant for models of up to
    :data:`MAX_MATRIX_STATES` states (the result has states² entries).
    """
    m = conflict.state_count
    words = (m + 63) // 64
    identity = np.zeros((m, words), dtype=np.uint64)
    states = np.arange(m)
    identity[states, states // 64] = np.uint64(1) << (states % 64).astype(np.uint64)
    edges = []
    for j in members:
        graph = conflict.moves[j].materialize()
        src = graph.sources()
        dst = np.asarray(graph.targets, dtype=np.int64)
        if improving:
            rank = conflict.ranks[j]
            keep = rank[dst] > rank[src]
            src, dst = src[keep], dst[keep]
        order = np.argsort(dst, kind="stable")
        src, dst = src[order], dst[order]
        heads = np.flatnonzero(np.r_[True, dst[1:] != dst[:-1]]) if dst.size else dst
        edges.append((src, dst, heads))
    last = [np.zeros((m, words), dtype=np.uint64) for _ in members]
    while True:
        changed = False
        for a, (src, dst, heads) in enumerate(edges):
            if not src.size:
                continue
            before = identity.copy()
            for b in range(len(members)):
                if b != a:
                    before |= last[b]
            gathered = np.bitwise_or.reduceat(before[src], heads, axis=0)
            updated = last[a].copy()
            updated[dst[heads]] |= gathered
            if not np.array_equal(updated, last[a]):
                changed = True
                last[a] = updated
        if not changed:
            break
    reached_from = np.zeros((m, words), dtype=np.uint64)
    for rows in last:
        reached_from |= rows
    # row v of ``reached_from`` holds the start states s with v ∈ R_H(s): transpose
    bits = np.unpackbits(reached_from.view(np.uint8), axis=1, bitorder="little")[:, :m]
    return bits.astype(bool).T.copy()
