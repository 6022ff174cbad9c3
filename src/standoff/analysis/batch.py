"""Stability for many preference profiles over one compiled move structure.

A sweep over admissible preferences (:mod:`standoff.analysis.robustness`) evaluates the
same conflict (states, moves) under many rank matrices. :class:`BatchEngine` compiles what
does not depend on preferences once and evaluates a batch of rank arrays with numpy
operations whose leading axis is the profile:

* **Nash, GMR and SMR** of decision maker *i* depend only on *i*'s own ranks: the moves
  ``R_i`` are fixed, and so is the opponents' legal-sequence reach ``R_{N∖i}(s1)``. The
  reach sets are computed once, as a boolean matrix per decision maker (legal sequences on
  the (state, last mover) graph: a decision maker may move again, never twice in a row),
  and each distinct own preference in a batch is evaluated once, then gathered.
  (Above :data:`DENSE_REACH_LIMIT` states, the reach minimum is computed per distinct
  preference by :func:`standoff.stability.reachability.group_reach_minimum` instead,
  which is cheaper there; the tests compare both paths.)
* **SEQ** of *i* needs the opponents' *improving* reach ``R⁺_{N∖i}(s1)``, which depends on
  their preferences: the (state, last mover) minimum of
  :mod:`standoff.stability.reachability` is iterated with the profile as a leading axis,
  over the edge lists of the moves masked by each profile's improvements.
* Every other individual concept of the catalogue (SIM, L(h), NM) is computed profile by
  profile with its kernel on a copy of the conflict carrying the profile's ranks (slow
  path, exact, in-process only).

Definitions as in :mod:`standoff.stability` (BRIEF §2); the literal oracle
(:mod:`standoff.reference`) agrees with this module in tests/test_robustness.py.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

import numpy as np

from standoff.concepts import STABILITY, resolve
from standoff.graph.conflict import Conflict
from standoff.stability import kernel
from standoff.stability.reachability import group_reach_minimum

#: Concepts with a batched kernel here; others go profile by profile.
BATCHED = ("nash", "gmr", "smr", "seq")
#: Concepts whose verdict for decision maker i depends only on i's own preference.
OWN_PREFERENCE = ("nash", "gmr", "smr")
#: Largest number of states for which the opponents' reach is kept as a dense matrix;
#: above it each distinct preference goes through the reachability kernel (cheaper there:
#: the dense closure costs about m³ per round, and may need as many rounds as the longest
#: legal sequence, while the kernel makes a few passes over the moves per preference).
DENSE_REACH_LIMIT = 64

_BIG = np.iinfo(np.int64).max


@dataclasses.dataclass(frozen=True)
class _Edges:
    """``R_j`` as edge lists sorted by source (compressed sparse rows)."""

    start: np.ndarray  # (m + 1,)
    src: np.ndarray  # (E,)
    dst: np.ndarray  # (E,)
    nonempty_start: np.ndarray  # start[s] of the states with a move
    degree: int | None = None  # every state has this many moves (a regular structure)

    @property
    def size(self) -> int:
        return int(self.start.shape[0] - 1)

    def reduce(self, ufunc, values: np.ndarray, empty: int) -> np.ndarray:
        """Per profile and source state, ``ufunc`` over the edge ``values`` (shape
        (P, E)); ``empty`` where a state has no move."""
        p = values.shape[0]
        out = np.full((p, self.size), empty, dtype=np.int64)
        if self.dst.size:
            nonempty = np.diff(self.start) > 0
            out[:, nonempty] = ufunc.reduceat(values, self.nonempty_start, axis=1)
        return out

    def reduce_columns(self, ufunc, values: np.ndarray, empty: int,
                       where: np.ndarray | None = None) -> np.ndarray:
        """As :meth:`reduce` with the profile axis last: ``values`` (E, P) → (m, P)
        (rows are contiguous). Edges where ``where`` is False count as ``empty``. When
        every state has the same number of moves (product spaces) this is one reduction
        over a reshaped array."""
        p = values.shape[1]
        if self.degree is not None:
            shaped = values.reshape(self.size, self.degree, p)
            mask = None if where is None else where.reshape(self.size, self.degree, p)
            return ufunc.reduce(shaped, axis=1, where=mask if mask is not None else True,
                                initial=empty)
        if where is not None:
            values = np.where(where, values, empty)
        out = np.full((self.size, p), empty, dtype=values.dtype)
        if self.dst.size:
            nonempty = np.diff(self.start) > 0
            out[nonempty] = ufunc.reduceat(values, self.nonempty_start, axis=0)
        return out

    def any(self, mask: np.ndarray) -> np.ndarray:
        """Per profile and source state: whether some edge of ``mask`` (P, E) leaves it."""
        sums = np.zeros((mask.shape[0], self.dst.size + 1), dtype=np.int64)
        np.cumsum(mask, axis=1, out=sums[:, 1:])
        return (sums[:, self.start[1:]] - sums[:, self.start[:-1]]) > 0


def _edges(conflict: Conflict, j: int) -> _Edges:
    graph = conflict.moves[j].materialize()
    start = np.asarray(graph.start, dtype=np.int64)
    dst = np.asarray(graph.targets, dtype=np.int64)
    src = np.repeat(np.arange(start.shape[0] - 1, dtype=np.int64), np.diff(start))
    counts = np.diff(start)
    nonempty = counts > 0
    degree = int(counts[0]) if counts.size and counts[0] > 0 and (counts == counts[0]).all() \
        else None
    return _Edges(start, src, dst, start[:-1][nonempty], degree)


def _dense_reach(edges: Sequence[_Edges], m: int) -> np.ndarray:
    """``R_H(s)`` for every s as a boolean matrix: legal sequences of the group's moves
    (a member may move several times, never twice in a row)."""
    if not edges:
        return np.zeros((m, m), dtype=bool)
    adjacency = []
    for e in edges:
        a = np.zeros((m, m), dtype=np.float32)
        a[e.src, e.dst] = 1.0
        adjacency.append(a)
    last = [a > 0 for a in adjacency]  # last[j][s, u]: u reached from s, j moved last
    while True:
        changed = False
        for j, a in enumerate(adjacency):
            others = np.zeros((m, m), dtype=bool)
            for k, c in enumerate(last):
                if k != j:
                    others |= c
            extended = last[j] | ((others.astype(np.float32) @ a) > 0)
            if not np.array_equal(extended, last[j]):
                last[j] = extended
                changed = True
        if not changed:
            break
    out = np.zeros((m, m), dtype=bool)
    for c in last:
        out |= c
    return out


class BatchEngine:
    """One conflict's moves compiled for batched stability (see the module docstring).

    ``evaluate(ranks, concepts)`` takes rank arrays of shape (P, decision makers, states)
    and returns, per concept, a boolean array of the same shape: stable or not.
    """

    def __init__(self, conflict: Conflict) -> None:
        self.conflict = conflict
        self.m = conflict.state_count
        self.n = len(conflict.dm_ids)
        self.edges = tuple(_edges(conflict, j) for j in range(self.n))
        self._reach: dict[int, np.ndarray] = {}

    # -- preference-independent parts ------------------------------------------------------
    def reach(self, i: int) -> np.ndarray:
        """The opponents' reach ``R_{N∖i}`` as an (m, m) boolean matrix (built once)."""
        if i not in self._reach:
            group = [self.edges[j] for j in range(self.n) if j != i]
            self._reach[i] = _dense_reach(group, self.m)
        return self._reach[i]

    # -- own-preference concepts -----------------------------------------------------------
    def _improvements(self, i: int, ranks_i: np.ndarray) -> np.ndarray:
        e = self.edges[i]
        return ranks_i[:, e.dst] > ranks_i[:, e.src]

    def _unsanctioned(self, i: int, ranks_i: np.ndarray, ui: np.ndarray,
                      floor: np.ndarray) -> np.ndarray:
        e = self.edges[i]
        worst = np.where(ui, floor[:, e.dst], -1)
        return e.reduce(np.maximum, worst, -1) > ranks_i

    def _reach_minimum(self, i: int, values: np.ndarray) -> np.ndarray:
        """Per row of ``values`` (K, m): min over ``R_{N∖i}(s)`` (``_BIG`` where empty)."""
        out = np.empty(values.shape, dtype=np.int64)
        if self.m <= DENSE_REACH_LIMIT:
            reach = self.reach(i)
            has = reach.any(axis=1)
            for k in range(values.shape[0]):
                order = np.argsort(values[k], kind="stable")
                first = np.argmax(reach[:, order], axis=1)
                out[k] = np.where(has, values[k][order[first]], _BIG)
            return out
        group = [self.conflict.moves[j] for j in range(self.n) if j != i]
        for k in range(values.shape[0]):
            out[k] = group_reach_minimum(group, values[k])
        return out

    def own(self, concept: str, i: int, ranks_i: np.ndarray) -> np.ndarray:
        """Nash, GMR or SMR for decision maker ``i`` under each row of ``ranks_i`` (K, m)."""
        ranks_i = np.asarray(ranks_i, dtype=np.int64)
        ui = self._improvements(i, ranks_i)
        if concept == "nash":
            return ~self.edges[i].any(ui)
        if concept == "gmr":
            floor = self._reach_minimum(i, ranks_i)
        elif concept == "smr":
            e = self.edges[i]
            escape = np.maximum(ranks_i, e.reduce(np.maximum, ranks_i[:, e.dst], -1))
            floor = self._reach_minimum(i, escape)
        else:
            raise ValueError(f"'{concept}' is not an own-preference concept")
        return ~self._unsanctioned(i, ranks_i, ui, floor)

    # -- SEQ ------------------------------------------------------------------------------
    def seq(self, ranks: np.ndarray) -> np.ndarray:
        """SEQ for every decision maker under each profile of ``ranks`` (P, n, m).

        Internally the profile axis is last (states × profiles, 16-bit ranks below 32,767
        states, else 32-bit), so that
        the reductions over each state's moves run over contiguous rows."""
        p = ranks.shape[0]
        self._dtype = np.int16 if self.m < np.iinfo(np.int16).max else np.int32
        by_state = np.ascontiguousarray(ranks.transpose(1, 2, 0), dtype=self._dtype)
        ui = [by_state[j][e.dst] > by_state[j][e.src] for j, e in enumerate(self.edges)]
        out = np.empty((p, self.n, self.m), dtype=bool)
        for i in range(self.n):
            group = [j for j in range(self.n) if j != i]
            floor = self._improving_reach_minimum(group, ui, by_state[i])
            e = self.edges[i]
            best = e.reduce_columns(np.maximum, floor[e.dst], -1, where=ui[i])
            out[:, i] = ~(best > by_state[i]).T
        return out

    def _improving_reach_minimum(self, group: list[int], ui: list[np.ndarray],
                                 value: np.ndarray) -> np.ndarray:
        """Per profile (``value`` is states × profiles): min of ``value`` over
        ``R⁺_H(s)``, iterating the (state, last mover) equations of
        :mod:`standoff.stability.reachability` with a profile axis. Profiles whose
        minima stopped changing leave the iteration."""
        p = value.shape[1]
        dtype = value.dtype
        big = np.iinfo(dtype).max

        def step(j: int, target_value: np.ndarray, mask: np.ndarray) -> np.ndarray:
            e = self.edges[j]
            return e.reduce_columns(np.minimum, target_value[e.dst], big, where=mask)

        if not group:
            return np.full((self.m, p), big, dtype=dtype)
        if len(group) == 1:
            return step(group[0], value, ui[group[0]])
        current = {j: np.full((self.m, p), big, dtype=dtype) for j in group}
        active = np.arange(p)
        for _ in range(self.m * len(group) + 2):
            if active.size == 0:
                break
            changed = np.zeros(active.size, dtype=bool)
            whole = active.size == p
            for j in group:
                others = value if whole else value[:, active]
                for k in group:
                    if k != j:
                        others = np.minimum(others, current[k] if whole
                                            else current[k][:, active])
                mask = ui[j] if whole else ui[j][:, active]
                updated = step(j, others, mask)
                before = current[j] if whole else current[j][:, active]
                changed |= (updated != before).any(axis=0)
                if whole:
                    current[j] = updated
                else:
                    current[j][:, active] = updated
            active = active[changed]
        out = np.full((self.m, p), big, dtype=dtype)
        for c in current.values():
            np.minimum(out, c, out=out)
        return out

    # -- everything else, one profile at a time ----------------------------------------------
    def with_ranks(self, ranks: np.ndarray) -> Conflict:
        """A copy of the conflict with another rank matrix (fresh caches)."""
        fixed = np.asarray(ranks, dtype=np.int64).copy()
        fixed.setflags(write=False)
        return dataclasses.replace(self.conflict, ranks=fixed, _cache={})

    def slow(self, concept: str, ranks: np.ndarray) -> np.ndarray:
        compute = kernel(concept)
        out = np.empty((ranks.shape[0], self.n, self.m), dtype=bool)
        for k in range(ranks.shape[0]):
            copy = self.with_ranks(ranks[k])
            for i in range(self.n):
                out[k, i] = compute(copy, i)
        return out

    # -- the batch -------------------------------------------------------------------------
    def evaluate(self, ranks: np.ndarray, concepts: Sequence[str],
                 own_rows: Sequence[tuple[np.ndarray, np.ndarray]
                                    | tuple[np.ndarray, np.ndarray, bool]] | None = None,
                 own_cache: dict | None = None) -> dict[str, np.ndarray]:
        """Stability under each concept for every profile of ``ranks`` (P, n, m).

        ``own_rows`` may give, per decision maker, its distinct preferences (K_i, m), the
        index of each profile's row among them (P,) and optionally whether the table may
        be cached (a third item, True by default), as a sweep knows them; otherwise they
        are found with ``np.unique``. ``own_cache`` keeps own-preference tables between
        calls (keyed by concept and decision maker)."""
        ranks = np.asarray(ranks, dtype=np.int64)
        out: dict[str, np.ndarray] = {}
        if own_rows is None and any(c in OWN_PREFERENCE for c in concepts):
            own_rows = []
            for i in range(self.n):
                rows, inverse = np.unique(ranks[:, i, :], axis=0, return_inverse=True)
                own_rows.append((rows, inverse.reshape(-1)))
        for concept in concepts:
            key = resolve(concept, STABILITY).key
            if key in OWN_PREFERENCE:
                assert own_rows is not None
                result = np.empty(ranks.shape, dtype=bool)
                for i, (rows, index, *cacheable) in enumerate(own_rows):
                    if own_cache is not None and (not cacheable or cacheable[0]):
                        table = own_cache.get((key, i))
                        if table is None:
                            table = own_cache[(key, i)] = self.own(key, i, rows)
                    else:
                        table = self.own(key, i, rows)
                    result[:, i] = table[index]
                out[concept] = result
            elif key == "seq":
                out[concept] = self.seq(ranks)
            else:
                out[concept] = self.slow(key, ranks)
        return out
