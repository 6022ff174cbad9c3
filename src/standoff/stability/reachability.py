"""The reachability kernel shared by every sanction-based solution concept.

Definition (Fang, Hipel & Kilgour 1993; Xu, Hipel & Kilgour 2009; BRIEF §2): ``R_H(s)`` is
the set of states that the group *H* can reach from *s* by a *legal sequence* of unilateral
moves by its members, in which a decision maker may move several times but never twice in
a row. ``R_H⁺(s)`` is the same with every step a unilateral improvement for the decision
maker who makes it, measured from the state it moves from.

The sanction tests need only one number per state: the minimum of some value (a decision
maker's rank, or for SMR its "best escape") over ``R_H(s)``. :func:`group_reach_minimum`
computes it for all states at once on the graph whose nodes are (state, last mover): with

    B_j(t) = min(value(t), min over k ≠ j of C_k(t))      (at t, j moved last)
    C_j(s) = min over t ∈ R_j(s) of B_j(t)                   (j moves first from s)

the wanted minimum is min_j C_j(s). It is found in two stages:

1. **Rounds** (Gauss–Seidel): iterating the two equations from C = +∞ decreases every C
   monotonically towards the minimum over all legal sequences; after round r every legal
   sequence of at most r moves has been counted. A round costs one reduction per member
   over its moves (for implicit coset moves, over the states), and on implicit coset
   improvements (:class:`~standoff.graph.moves.CosetImprovements`, SEQ on product spaces)
   only the cosets holding a state whose input changed in the previous round are
   reduced again (a worklist of cosets), so late rounds that change few states cost little.
   Most models settle in a handful of rounds (the last round confirms that nothing changed).
2. **One graph pass** when the rounds have not settled within a work budget
   (:data:`GRAPH_PASS_WORK_RATIO` times the size of that graph; long improving chains need
   as many rounds as they have moves): the minimum of ``value`` over everything reachable
   in an explicit graph on (state, last mover) nodes, computed by a single shortest-path
   search (:func:`reach_minimum_by_graph`). The total work is then bounded by a constant
   times the size of the graph, whatever the length of the chains.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Protocol

import numpy as np

from standoff.costs import memory_budget
from standoff.graph.moves import (
    INFINITY,
    BatchedImprovements,
    CosetImprovements,
    CosetMoves,
    MoveGraph,
    Moves,
)

__all__ = [
    "INFINITY",
    "GRAPH_PASS_WORK_RATIO",
    "MinOver",
    "group_reach_minimum",
    "reach_minimum_by_graph",
]

#: The rounds stop and the graph pass finishes the work once the rounds have processed
#: this many times the graph pass's own size in elements (moves plus states, see
#: :func:`_graph_size`). One element of a round costs a few nanoseconds (a vectorised
#: reduction); one node or edge of the graph pass about half a microsecond (a compiled
#: Dijkstra search), so the rounds are given the same order of time as the graph pass.
GRAPH_PASS_WORK_RATIO = 32

#: Bytes per node or edge that the graph pass holds at its peak (edge lists, the sparse
#: matrix scipy builds from them, the distances); where the graph would not fit in
#: :func:`~standoff.costs.memory_budget`, the rounds run to the end instead.
GRAPH_PASS_BYTES = 64

#: Rounds always tried before the graph pass is considered (small models settle in a few
#: rounds, and the graph pass has a fixed cost of its own).
MIN_ROUNDS = 8


class MinOver(Protocol):
    """A move structure as the reachability kernel sees it: minima over each state's moves
    (every structure of :mod:`standoff.graph.moves`)."""

    def min_over(self, values: np.ndarray, empty: int = ...) -> np.ndarray: ...


def group_reach_minimum(
    group_moves: Sequence[MinOver], value: np.ndarray, max_rounds: int | None = None
) -> np.ndarray:
    """For every state s, the minimum of ``value`` over ``R_H(s)`` (legal sequences).

    ``group_moves`` holds one move structure per member of *H* (pass improvement
    structures for ``R_H⁺``). Returns +∞ (``INFINITY``) where ``R_H(s)`` is empty.
    ``value`` may carry leading batch axes (shape ``(..., states)``) when the structures
    reduce such arrays row by row (:class:`~standoff.graph.moves.MoveGraph`,
    :class:`~standoff.graph.moves.CosetMoves`,
    :class:`~standoff.graph.moves.BatchedImprovements`).

    By default the rounds run until they settle or have done
    :data:`GRAPH_PASS_WORK_RATIO` times the graph pass's work (and at least
    :data:`MIN_ROUNDS` rounds); then the graph pass finishes. ``max_rounds`` caps the
    rounds instead (0: the graph pass at once). Either way the result is the exact minimum.
    """
    value = np.asarray(value, dtype=np.int64)
    n = len(group_moves)
    if n == 0:
        return np.full(value.shape, INFINITY, dtype=np.int64)
    if n == 1:
        return group_moves[0].min_over(value)
    budget: float
    if max_rounds is None:
        size = _graph_size(group_moves, value)
        budget, rounds = GRAPH_PASS_WORK_RATIO * size, MIN_ROUNDS
        if GRAPH_PASS_BYTES * size > memory_budget():
            budget = math.inf  # the graph would not fit: the rounds go on to the end
    else:
        budget, rounds = 0, max_rounds
    finite = value[value < INFINITY]
    if finite.size and int(finite.max()) - int(finite.min()) >= 2**53:
        budget = math.inf  # distances in floating point would round: rounds to the end
    if value.ndim == 1:
        current = _rounds(group_moves, value, rounds, budget)
    else:
        current = _batch_rounds(group_moves, value, rounds, budget)
    if current is None:
        return reach_minimum_by_graph(group_moves, value)
    out = current[0].copy()
    for c in current[1:]:
        np.minimum(out, c, out=out)
    return out


def _full_work(moves: MinOver, m: int) -> int:
    """Elements one full reduction over ``moves`` touches (for the work budget)."""
    if isinstance(moves, MoveGraph):
        return moves.edge_count + m
    if isinstance(moves, BatchedImprovements):
        return moves.graph.edge_count * moves.ranks.shape[0] + m
    return 4 * m


def _graph_size(group_moves: Sequence[MinOver], value: np.ndarray) -> int:
    """Nodes plus edges of the graph pass of :func:`reach_minimum_by_graph`."""
    m, h = value.shape[-1], len(group_moves)
    rows = int(np.prod(value.shape[:-1], dtype=np.int64))
    size = (2 * h + h * (h - 1)) * m
    for g in group_moves:
        if isinstance(g, MoveGraph):
            size += g.edge_count + m
        elif isinstance(g, BatchedImprovements):
            size += g.graph.edge_count
        elif isinstance(g, CosetMoves | CosetImprovements):
            size += 6 * m
        else:  # any other structure goes through its explicit graph
            size += int(np.asarray(g.counts()).sum()) + m  # type: ignore[attr-defined]
    return size * rows


def _rounds(
    group_moves: Sequence[MinOver], value: np.ndarray, limit: int, budget: float
) -> list[np.ndarray] | None:
    """The C_j of the module docstring once the rounds have settled, or None if they have
    not settled within ``limit`` rounds and ``budget`` elements of work.

    A worklist: each member's input ``min(value, C_k for k ≠ j)`` is kept and updated
    only where some C_k changed; a member whose input did not change since its last
    reduction is skipped, and on implicit coset improvements only the cosets holding a
    changed input are reduced again. As every C only decreases, the inputs are updated by
    a minimum at the changed states."""
    n, m = len(group_moves), value.shape[0]
    current = [np.full(m, INFINITY, dtype=np.int64) for _ in range(n)]
    inputs = [value.copy() for _ in range(n)]
    pending: list[np.ndarray | None] = [None] * n  # states whose input changed; None: all
    spent = 0
    rounds = 0
    while any(p is None or p.size for p in pending):
        if rounds >= limit and spent >= budget:
            return None
        rounds += 1
        for j in range(n):
            todo = pending[j]
            if todo is not None and not todo.size:
                continue
            pending[j] = np.zeros(0, dtype=np.int64)
            changed, work = _reduce_changed(group_moves[j], inputs[j], todo, current[j])
            spent += work
            if changed is None:  # many states changed: update the others' inputs densely
                for k in range(n):
                    if k != j:
                        lower = np.minimum(inputs[k], current[j])
                        if not np.array_equal(lower, inputs[k]):
                            inputs[k] = lower
                            pending[k] = None
                continue
            if not changed.size:
                continue
            lowered = current[j][changed]
            for k in range(n):
                if k != j:
                    old = inputs[k][changed]
                    drop = lowered < old
                    if drop.any():
                        inputs[k][changed[drop]] = lowered[drop]
                        waiting = pending[k]
                        if waiting is not None:  # None: k reduces everything anyway
                            pending[k] = np.concatenate([waiting, changed[drop]])
    return current


def _reduce_changed(
    moves: MinOver, values: np.ndarray, todo: np.ndarray | None, current: np.ndarray
) -> tuple[np.ndarray | None, int]:
    """Update ``current = moves.min_over(values)`` in place, given that it held the
    reduction of an input that differed from ``values`` only at the states ``todo`` (None:
    anywhere). Returns the states whose value changed (None when they are more than a
    sixteenth of all, to be handled densely) and the elements of work done. On implicit
    coset improvements only the cosets holding a state of ``todo`` are reduced (unless
    most are); other structures reduce everything."""
    m = values.shape[0]
    if isinstance(moves, CosetImprovements) and todo is not None:
        outer_n, radix, inner_n = moves.moves.shape
        at, enter = moves.lines
        line = (todo // (radix * inner_n)) * inner_n + todo % inner_n
        lines = np.unique(line)
        if lines.size * 4 <= outer_n * inner_n:
            states = at.reshape(-1, radix)[lines]  # by rank, per coset
            ranked = values[states]
            suffix = np.empty((lines.size, radix + 1), dtype=np.int64)
            suffix[:, radix] = INFINITY
            np.minimum.accumulate(ranked[:, ::-1], axis=1, out=suffix[:, radix - 1::-1])
            higher = enter.reshape(-1, radix)[lines] - (lines * (radix + 1))[:, None]
            result = np.take_along_axis(suffix, higher, axis=1)
            before = current[states]
            differs = result != before
            changed = states[differs]
            current[changed] = result[differs]
            return changed, 4 * lines.size * radix
    updated = moves.min_over(values)
    differs = updated != current
    count = int(np.count_nonzero(differs))
    if count * 16 > m:
        current[...] = updated
        return None, _full_work(moves, m)
    changed = np.flatnonzero(differs)
    current[changed] = updated[changed]
    return changed, _full_work(moves, m)


def _batch_rounds(
    group_moves: Sequence[MinOver], value: np.ndarray, limit: int, budget: float
) -> list[np.ndarray] | None:
    """:func:`_rounds` for values with batch axes: plain Gauss–Seidel rounds, every
    reduction over everything."""
    n, m = len(group_moves), value.shape[-1]
    current = [np.full(value.shape, INFINITY, dtype=np.int64) for _ in range(n)]
    spent = 0
    rounds = 0
    while True:
        if rounds >= limit and spent >= budget:
            return None
        rounds += 1
        changed = False
        for j in range(n):
            others = value.copy()
            for k in range(n):
                if k != j:
                    np.minimum(others, current[k], out=others)
            updated = group_moves[j].min_over(others)
            spent += _full_work(group_moves[j], m) * (value.size // m)
            if not changed and not np.array_equal(updated, current[j]):
                changed = True
            current[j] = updated
        if not changed:
            return current


def _landing_edges(
    moves: MinOver, j: int, m: int, start_node: int, aux: int, rows: int
) -> tuple[list[tuple[np.ndarray, np.ndarray]], list[list[tuple[np.ndarray, np.ndarray]]], int]:
    """The edges that take member ``j``'s "about to move from t" node (``start_node + t``)
    to its landing nodes ``(u, j)`` (``j * m + u``) for every ``u ∈ R_j(t)``, as edge lists
    shared by all batch rows, edge lists per batch row, and the number of auxiliary nodes
    used (numbered from ``aux``).

    Implicit coset moves use chains of auxiliary nodes instead of one edge per move: for
    improvements, one node per position of each coset sorted by rank, each leading to the
    next and to the state at its position, so that entering at the first strictly better
    position reaches exactly the improvements; for plain coset moves, a chain forwards and
    one backwards along each coset, entered just after and just before the state."""
    land = j * m
    if isinstance(moves, MoveGraph):
        return [(start_node + moves.sources(), land + moves.targets.astype(np.int64))], [], 0
    if isinstance(moves, BatchedImprovements):
        g = moves.graph
        src, dst = start_node + g.sources(), land + g.targets.astype(np.int64)
        better = moves._better
        return [], [[(src[better[b]], dst[better[b]])] for b in range(rows)], 0
    if isinstance(moves, CosetImprovements):
        # chain node aux + p for position q of line L (p = L·radix + q), as in moves.lines
        radix = moves.moves.radix
        at, enter = moves.lines
        lines = at.shape[0] // radix
        position = np.arange(at.shape[0], dtype=np.int64).reshape(lines, radix)
        line_of = np.arange(lines, dtype=np.int64)[:, None]
        higher = enter.reshape(lines, radix) - line_of * (radix + 1)
        ok = higher < radix
        edges = [
            (aux + position[:, :-1].ravel(), aux + position[:, 1:].ravel()),
            (aux + position.ravel(), land + at),
            (start_node + at.reshape(lines, radix)[ok],
             aux + (line_of * radix + higher)[ok]),
        ]
        return edges, [], m
    if isinstance(moves, CosetMoves):
        outer, n, inner = moves.shape
        index = np.arange(m, dtype=np.int64).reshape(outer, n, inner)
        forward, backward = aux, aux + m
        edges = [
            (forward + index[:, :-1, :].ravel(), forward + index[:, 1:, :].ravel()),
            (backward + index[:, 1:, :].ravel(), backward + index[:, :-1, :].ravel()),
            (forward + index.ravel(), land + index.ravel()),
            (backward + index.ravel(), land + index.ravel()),
            (start_node + index[:, :-1, :].ravel(), forward + index[:, 1:, :].ravel()),
            (start_node + index[:, 1:, :].ravel(), backward + index[:, :-1, :].ravel()),
        ]
        return edges, [], 2 * m
    graph = moves.materialize()  # type: ignore[attr-defined]  # any other Moves structure
    return _landing_edges(graph, j, m, start_node, aux, rows)


def reach_minimum_by_graph(group_moves: Sequence[MinOver], value: np.ndarray) -> np.ndarray:
    """:func:`group_reach_minimum` in one pass over an explicit graph, whatever the length
    of the legal sequences.

    Nodes, per batch row: ``(u, j)`` "at u, j moved last" (value ``value[u]``), ``X_j(t)``
    "at t, j about to move" (no value) and the auxiliary chain nodes of implicit coset
    moves (no value). Edges: ``(u, j) → X_k(u)`` for every member k ≠ j, and ``X_j(t)`` to
    every ``(u, j)`` with ``u ∈ R_j(t)`` (:func:`_landing_edges`). The paths from ``X_j(s)``
    are then exactly the legal sequences from s that j starts, and the answer at s is the
    minimum, over the members j, of the smallest value on a node reachable from ``X_j(s)``.

    That "smallest value reachable" is a shortest-path length: reverse every edge, give it
    length 0, add a source node with an edge of length ``value[u] - min(value)`` to every
    ``(u, j)``; the distance from the source to a node is the least value that the node
    reaches. One Dijkstra search (``scipy.sparse.csgraph.dijkstra``, compiled) computes it
    for every node; cycles need no special care. Distances are sums of one integer below
    2^53 and zeros, so they are exact in floating point.
    """
    from scipy.sparse import csr_matrix
    from scipy.sparse.csgraph import dijkstra

    value = np.asarray(value, dtype=np.int64)
    batch, m = value.shape[:-1], value.shape[-1]
    rows = value.reshape(-1, m)
    n_rows, h = rows.shape[0], len(group_moves)
    start_node = h * m  # X_j(t) = start_node + j * m + t
    aux = 2 * h * m
    shared: list[tuple[np.ndarray, np.ndarray]] = []
    per_row: list[list[tuple[np.ndarray, np.ndarray]]] = [[] for _ in range(n_rows)]
    states = np.arange(m, dtype=np.int64)
    for j, g in enumerate(group_moves):
        for k in range(h):
            if k != j:
                shared.append((j * m + states, start_node + k * m + states))
        edges, row_edges, used = _landing_edges(g, j, m, start_node + j * m, aux, n_rows)
        shared.extend(edges)
        for b, e in enumerate(row_edges):
            per_row[b].extend(e)
        aux += used
    per_graph = aux
    finite = rows < INFINITY
    low = int(rows[finite].min()) if finite.any() else 0
    if finite.any() and int(rows[finite].max()) - low >= 2**53:
        raise ValueError("values span 2^53 or more: the graph pass would round them")
    source = n_rows * per_graph
    index = np.int32 if source < 2**31 - 1 else np.int64
    src_parts, dst_parts = [], []
    for b in range(n_rows):
        offset = b * per_graph
        for s, d in shared + per_row[b]:
            src_parts.append((s + offset).astype(index))
            dst_parts.append((d + offset).astype(index))
    del shared, per_row
    bs, us = np.nonzero(finite)
    weights = (rows[bs, us] - low).astype(np.float64)
    landed = np.concatenate([(bs * per_graph + j * m + us).astype(index) for j in range(h)])
    internal = int(sum(p.size for p in src_parts))
    # reversed internal edges (length 0) and the source's edges
    head = np.concatenate([*dst_parts, np.full(landed.size, source, dtype=index)])
    del dst_parts
    tail = np.concatenate([*src_parts, landed])
    del src_parts
    length = np.concatenate([np.zeros(internal), np.tile(weights, h)])
    graph = csr_matrix((length, (head, tail)), shape=(source + 1, source + 1))
    distance = dijkstra(graph, directed=True, indices=source)
    starts = distance[: source].reshape(n_rows, per_graph)[:, start_node:start_node + h * m]
    best = starts.reshape(n_rows, h, m).min(axis=1)
    out = np.full(best.shape, INFINITY, dtype=np.int64)
    reached = np.isfinite(best)
    out[reached] = best[reached].astype(np.int64) + low
    return out.reshape((*batch, m))


def improvement_escapes(moves: Moves, rank: np.ndarray, floor: np.ndarray) -> np.ndarray:
    """States from which the mover has an unsanctioned unilateral improvement.

    "Some ``s1 ∈ R_i⁺(s)`` has ``floor[s1] > rank(s)``" is the same as
    "``max over t ∈ R_i(s) of min(rank(t), floor(t)) > rank(s)``": a ``t`` with
    ``min(rank(t), floor(t)) > rank(s)`` has ``rank(t) > rank(s)`` (it is an improvement)
    and ``floor(t) > rank(s)``, and conversely. The right-hand side needs the moves ``R_i``
    only, not the improvements ``R_i⁺``, so on implicit coset moves it is one reduction
    along an axis instead of a sort of every coset by rank. ``rank`` and ``floor`` may carry
    leading batch axes (shape ``(..., states)``).
    """
    from standoff.graph.moves import CosetMoves

    rank = np.asarray(rank, dtype=np.int64)
    capped = np.minimum(rank, floor)
    if isinstance(moves, CosetMoves):
        # s itself may join the maximum: min(rank(s), floor(s)) <= rank(s) never counts
        shape = (-1, *moves.shape)
        best = capped.reshape(shape).max(axis=2, keepdims=True)
        return (best > rank.reshape(shape)).reshape(rank.shape)
    return moves.max_over(capped, empty=-1) > rank


def coset_axes(moves: Sequence[Moves]) -> tuple[int, ...] | None:
    """If every decision maker's moves are implicit cosets of one product space, the shape
    that puts each decision maker on its own axis (the last decision maker first, so axis
    ``len(moves) - 1 - d`` belongs to decision maker ``d``); None otherwise."""
    from standoff.graph.moves import CosetMoves

    if not moves or not all(isinstance(g, CosetMoves) for g in moves):
        return None
    return tuple(g.radix for g in reversed(moves))  # type: ignore[union-attr]
