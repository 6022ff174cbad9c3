"""Legal sequences of unilateral moves, one state at a time.

A *legal sequence* for a group *H* is a sequence of unilateral moves by members of *H* in
which a decision maker may move several times but never twice in a row (Fang, Hipel &
Kilgour 1993; Xu, Hipel & Kilgour 2009; BRIEF §2). The all-states minimum over ``R_H`` is
:func:`standoff.stability.reachability.group_reach_minimum`; the functions here search
from a single state, breadth first over (state, last mover), for explanations, evolution
paths and coalition analysis.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Sequence

import numpy as np

from standoff.graph.conflict import Conflict


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


def shortest_legal_sequence(
    conflict: Conflict,
    members: Sequence[int],
    source: int,
    accept: Callable[[int], bool],
    improving: bool = False,
) -> list[tuple[int, int, int]] | None:
    """Shortest legal sequence of moves by ``members`` from ``source`` to a state for which
    ``accept`` is true: a list of ``(dm, from, to)`` (0-based), or None if there is none."""
    start = (source, -1)
    parent: dict[tuple[int, int], tuple[int, int] | None] = {start: None}
    queue: deque[tuple[int, int]] = deque([start])
    while queue:
        node = queue.popleft()
        state, last = node
        for j in members:
            if j == last:
                continue
            for t in step_targets(conflict, j, state, improving):
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
