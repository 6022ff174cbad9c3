"""Unilateral moves of option form: one move structure per decision maker.

Definition (Fang, Hipel & Kilgour 1993, ch. 3; BRIEF §2): a unilateral move by decision
maker *i* from state *s* changes a non-empty subset of *i*'s own options (and nothing
else), lands on a feasible state *t* ≠ *s*, and respects each changed option's direction
(``take``: only not-taken → taken; ``drop``: only taken → not taken). The direction of an
option is ignored when the option is irrelevant in *s* or in *t* (a collapsed state): it
has no value there to keep or to undo. Leaving a collapsed state, the options that were
irrelevant start from "not taken".

Three representations share one interface (``min_over``, ``max_over``, ``nonempty``,
``improvements``, ``of``, ``edge_count``):

* :class:`MoveGraph`: ``R_i`` as an explicit sparse graph (compressed sparse rows), used
  with collapsed states, grouped moves, or state spaces too sparse for a grid;
* :class:`LatticeMoves`: the implicit form for any state space without collapsed states
  (constraints coupling decision makers, move directions): ``R_i(s)`` is the part of the
  coset of *s* whose irreversible options are "further along" than in *s*, and reductions
  over it are passes over a grid of classes (see the class);
* :class:`CosetMoves`: the implicit form used when the state space is a product of each
  decision maker's feasible choices and *i*'s options can all be taken and undone. Then
  ``R_i(s)`` is every other state that agrees with *s* on everybody else's options (the
  *coset* of *s*), and minima over it are reductions along one axis of an array: no move
  is ever stored (Xu, Hipel & Kilgour 2009 exploit the same structure with matrices).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

INFINITY = np.iinfo(np.int64).max


@dataclass(frozen=True, eq=False)
class MoveGraph:
    """``R_i`` for one decision maker, in compressed sparse row form: the targets of state
    ``s`` are ``targets[start[s]:start[s + 1]]``."""

    start: np.ndarray  # int64, length m + 1
    targets: np.ndarray  # int32 or int64, 0-based target states

    @property
    def size(self) -> int:
        return int(self.start.shape[0] - 1)

    @property
    def edge_count(self) -> int:
        return int(self.targets.shape[0])

    def sources(self) -> np.ndarray:
        """The source state of every edge (same order as ``targets``)."""
        return np.repeat(np.arange(self.size, dtype=np.int64), np.diff(self.start))

    def of(self, s: int) -> np.ndarray:
        """``R_i(s)`` as an array of 0-based states."""
        return self.targets[self.start[s] : self.start[s + 1]]

    def materialize(self) -> MoveGraph:
        return self

    def nonempty(self) -> np.ndarray:
        """Whether each state has at least one move."""
        return np.diff(self.start) > 0

    def counts(self) -> np.ndarray:
        """Number of moves from each state."""
        return np.diff(self.start)

    def _reduce(self, ufunc, values: np.ndarray, empty: int) -> np.ndarray:
        nonempty = self.nonempty()
        if values.ndim == 1:  # one array (the engine's case): no batch axes to carry
            out = np.full(self.size, empty, dtype=np.int64)
            if self.edge_count:
                out[nonempty] = ufunc.reduceat(values[self.targets], self.start[:-1][nonempty])
            return out
        out = np.full((*values.shape[:-1], self.size), empty, dtype=np.int64)
        if self.edge_count:
            out[..., nonempty] = ufunc.reduceat(values[..., self.targets],
                                                self.start[:-1][nonempty], axis=-1)
        return out

    def min_over(self, values: np.ndarray, empty: int = INFINITY) -> np.ndarray:
        """``min over t ∈ R(s) of values[t]`` for every ``s`` (``empty`` where R(s) = ∅).

        ``values`` may carry leading batch axes (shape ``(..., states)``): each row is
        reduced on its own, over the same moves."""
        return self._reduce(np.minimum, values, empty)

    def max_over(self, values: np.ndarray, empty: int = -1) -> np.ndarray:
        """``max over t ∈ R(s) of values[t]`` for every ``s`` (``empty`` where R(s) = ∅)."""
        return self._reduce(np.maximum, values, empty)

    def successors(self, frontier: np.ndarray) -> np.ndarray:
        """One step from a set of states: for each state t, a state of ``frontier`` (a
        boolean mask) that can move to t, or -1 if none can."""
        src = self.sources()
        hit = frontier[src]
        out = np.full(self.size, -1, dtype=np.int64)
        out[self.targets[hit]] = src[hit]  # any of several sources will do
        return out

    def improvements(self, rank: np.ndarray) -> MoveGraph:
        """``R_i⁺``: the moves to a state the mover ranks strictly higher."""
        keep = rank[self.targets] > np.repeat(rank, np.diff(self.start))
        kept_before = np.zeros(self.edge_count + 1, dtype=np.int64)  # kept edges before each
        np.cumsum(keep, out=kept_before[1:])
        return MoveGraph(kept_before[self.start], self.targets[keep])

    @staticmethod
    def from_edges(m: int, src: np.ndarray, dst: np.ndarray, unique: bool = True) -> MoveGraph:
        """Build from edge lists; with ``unique=False`` repeated edges are merged."""
        dtype = np.int32 if m < 2**31 else np.int64
        if src.size and not unique:
            key = src.astype(np.int64) * m + dst.astype(np.int64)
            key.sort()
            keep = np.ones(key.shape, dtype=bool)
            keep[1:] = key[1:] != key[:-1]
            key = key[keep]
            src, dst = key // m, key % m
        order = np.argsort(src, kind="stable") if src.size else src
        counts = np.bincount(src, minlength=m) if src.size else np.zeros(m, dtype=np.int64)
        start = np.zeros(m + 1, dtype=np.int64)
        np.cumsum(counts, out=start[1:])
        return MoveGraph(start, np.asarray(dst[order], dtype=dtype))


class _ExplicitView:
    """Explicit-graph attributes of an implicit move structure, built on first use (for
    code that walks edges; the stability kernels never need them)."""

    def materialize(self) -> MoveGraph:  # pragma: no cover - defined by subclasses
        raise NotImplementedError

    @property
    def start(self) -> np.ndarray:
        return self.materialize().start

    @property
    def targets(self) -> np.ndarray:
        return self.materialize().targets

    def sources(self) -> np.ndarray:
        return self.materialize().sources()


@dataclass(frozen=True, eq=False)
class CosetMoves(_ExplicitView):
    """``R_i(s)`` = the coset of *s* minus *s*, in a product state space.

    States are numbered in mixed radix (the first decision maker's choice varies fastest);
    decision maker *i*'s choice is the digit with ``radix`` values and place value
    ``stride``. Viewing any per-state array as shape ``(outer, radix, inner)`` puts each
    coset on axis 1.
    """

    size: int
    radix: int
    stride: int
    _cache: dict = field(default_factory=dict, repr=False)

    @property
    def shape(self) -> tuple[int, int, int]:
        return (self.size // (self.radix * self.stride), self.radix, self.stride)

    @property
    def edge_count(self) -> int:
        return self.size * (self.radix - 1)

    def digit(self, s: int) -> int:
        return (s // self.stride) % self.radix

    def of(self, s: int) -> np.ndarray:
        d = self.digit(s)
        base = s - d * self.stride
        others = np.delete(np.arange(self.radix, dtype=np.int64), d)
        return base + others * self.stride

    def nonempty(self) -> np.ndarray:
        return np.full(self.size, self.radix > 1, dtype=bool)

    def counts(self) -> np.ndarray:
        return np.full(self.size, self.radix - 1, dtype=np.int64)

    def _excluding_self(self, ufunc, values: np.ndarray, empty: int) -> np.ndarray:
        """The reduction over each coset minus the state itself; leading batch axes of
        ``values`` (shape ``(..., states)``) are kept."""
        values = np.asarray(values, dtype=np.int64)
        batch = values.shape[:-1]
        v = values.reshape((-1, *self.shape))
        pad = np.full((v.shape[0], v.shape[1], 1, v.shape[3]), empty, dtype=np.int64)
        before = ufunc.accumulate(np.concatenate([pad, v[:, :, :-1, :]], axis=2), axis=2)
        after = ufunc.accumulate(np.concatenate([pad, v[:, :, :0:-1, :]], axis=2), axis=2)
        return ufunc(before, after[:, :, ::-1, :]).reshape((*batch, self.size))

    def min_over(self, values: np.ndarray, empty: int = INFINITY) -> np.ndarray:
        return self._excluding_self(np.minimum, values, empty)

    def max_over(self, values: np.ndarray, empty: int = -1) -> np.ndarray:
        return self._excluding_self(np.maximum, values, empty)

    def improvements(self, rank: np.ndarray) -> CosetImprovements:
        return CosetImprovements(self, np.asarray(rank, dtype=np.int64))

    def successors(self, frontier: np.ndarray) -> np.ndarray:
        """One step from a set of states: t is reached when another state of its coset is
        in ``frontier``; the parent given is the first (or, for t itself in the frontier,
        the second) frontier state of the coset."""
        f = np.asarray(frontier, dtype=bool).reshape(self.shape)
        index = np.arange(self.size, dtype=np.int64).reshape(self.shape)
        big = np.iinfo(np.int64).max
        marked = np.where(f, index, big)
        first = marked.min(axis=1, keepdims=True)
        second = np.partition(marked, 1, axis=1)[:, 1:2, :] if self.radix > 1 else marked
        parent = np.where(index == first, second, first)
        return np.where(parent == big, -1, parent).reshape(-1)

    def materialize(self) -> MoveGraph:
        """The same moves as an explicit graph (for small models and explanations)."""
        if "graph" not in self._cache:
            states = np.arange(self.size, dtype=np.int64)
            digit = (states // self.stride) % self.radix
            base = states - digit * self.stride
            others = np.arange(self.radix, dtype=np.int64)
            dst = base[:, None] + others[None, :] * self.stride
            keep = others[None, :] != digit[:, None]
            # row by row, each state's targets in increasing order: already the CSR layout
            start = np.arange(self.size + 1, dtype=np.int64) * (self.radix - 1)
            dtype = np.int32 if self.size < 2**31 else np.int64
            self._cache["graph"] = MoveGraph(start, dst[keep].astype(dtype))
        return self._cache["graph"]


@dataclass(frozen=True, eq=False)
class CosetImprovements(_ExplicitView):
    """``R_i⁺(s)`` in a product state space: the states of the coset of *s* that *i* ranks
    strictly higher than *s*. Minima over it are suffix minima along each coset sorted by
    rank."""

    moves: CosetMoves
    rank: np.ndarray
    _cache: dict = field(default_factory=dict, repr=False)

    @property
    def size(self) -> int:
        return self.moves.size

    @cached_property
    def lines(self) -> tuple[np.ndarray, np.ndarray]:
        """Each coset (a *line*: ``L = outer index × inner + inner index`` of the shape
        ``(outer, radix, inner)``) sorted by rank, as two flat arrays of ``lines × radix``
        entries: ``at[L·radix + q]``, the state at position q of line L, and
        ``enter[L·radix + q]`` = ``L·(radix + 1) + h`` with h the first position of the
        line ranked strictly above position q (``radix`` if none). With ``suffix`` the
        suffix reductions of a line's values in sorted order, padded with one empty entry
        per line (shape ``(lines, radix + 1)``), a reduction over ``R_i⁺`` at every state
        is ``out[at] = suffix.ravel()[enter]``: one gather, one accumulate along whole
        rows, one gather and one scatter.

        The lines are copied to contiguous rows and sorted by one sort of 64-bit keys
        (rank above, position in the line below), cheaper than an argsort along the
        coset's axis (strided for every decision maker but the first)."""
        outer, radix, inner = self.moves.shape
        lines = outer * inner
        if not self.size:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
        r = self.rank.reshape(outer, radix, inner)
        low = int(r.min())
        bits = max(1, (radix - 1).bit_length())
        keys = np.array(r.transpose(0, 2, 1), dtype=np.int64, order="C", copy=True)
        keys = keys.reshape(lines, radix)  # a copy: the sort below works in place
        if int(r.max()) - low >= 2 ** (62 - bits):  # pragma: no cover - 2^38 ranks
            order = np.argsort(keys, axis=1, kind="stable")
            ranked = np.take_along_axis(keys, order, axis=1)
        else:
            keys -= low
            keys <<= bits
            keys |= np.arange(radix, dtype=np.int64)
            keys.sort(axis=1)
            order = keys & ((1 << bits) - 1)
            keys >>= bits
            ranked = keys
        first = np.arange(lines, dtype=np.int64)
        first = (first // inner) * (radix * inner) + first % inner  # state at position 0
        at = order
        at *= inner
        at += first[:, None]
        # enter: the next tie-group start after each position, as a suffix minimum (in the
        # memory of the sorted ranks, once they have been compared: few fresh arrays)
        new_group = ranked[:, 1:] != ranked[:, :-1]
        enter = ranked
        enter[...] = radix
        np.copyto(enter[:, :-1], np.arange(1, radix, dtype=np.int64), where=new_group)
        del new_group
        np.minimum.accumulate(enter[:, ::-1], axis=1, out=enter[:, ::-1])
        enter += (np.arange(lines, dtype=np.int64) * (radix + 1))[:, None]
        return at.reshape(-1), enter.reshape(-1)

    @cached_property
    def _sorted(self) -> tuple[np.ndarray, np.ndarray]:
        """Per coset (shape ``(outer, radix, inner)``): the order by rank, and for each
        sorted position the first position holding a strictly higher rank (from
        :attr:`lines`)."""
        outer, radix, inner = self.moves.shape
        at, enter = self.lines
        lines = outer * inner
        first = np.arange(lines, dtype=np.int64)
        first = (first // inner) * (radix * inner) + first % inner
        dtype = np.int32 if radix < 2**31 else np.int64
        order = ((at.reshape(lines, radix) - first[:, None]) // inner).astype(dtype)
        higher = (enter.reshape(lines, radix)
                  - (np.arange(lines, dtype=np.int64) * (radix + 1))[:, None]).astype(dtype)
        return (np.ascontiguousarray(order.reshape(outer, inner, radix).transpose(0, 2, 1)),
                np.ascontiguousarray(higher.reshape(outer, inner, radix).transpose(0, 2, 1)))

    def nonempty(self) -> np.ndarray:
        r = self.rank.reshape(self.moves.shape)
        return (r < r.max(axis=1, keepdims=True)).reshape(-1)

    def counts(self) -> np.ndarray:
        order, higher = self._sorted
        out = np.empty(self.moves.shape, dtype=np.int64)
        np.put_along_axis(out, order, self.moves.radix - higher.astype(np.int64), axis=1)
        return out.reshape(-1)

    def _reduce(self, ufunc, values: np.ndarray, empty: int) -> np.ndarray:
        at, enter = self.lines
        radix = self.moves.radix
        values = np.asarray(values, dtype=np.int64)
        ranked = values[at].reshape(-1, radix)
        suffix = np.empty((ranked.shape[0], radix + 1), dtype=np.int64)
        suffix[:, radix] = empty
        ufunc.accumulate(ranked[:, ::-1], axis=1, out=suffix[:, radix - 1::-1])
        out = np.empty(self.size, dtype=np.int64)
        out[at] = suffix.reshape(-1)[enter]
        return out

    def min_over(self, values: np.ndarray, empty: int = INFINITY) -> np.ndarray:
        return self._reduce(np.minimum, values, empty)

    def max_over(self, values: np.ndarray, empty: int = -1) -> np.ndarray:
        return self._reduce(np.maximum, values, empty)

    def successors(self, frontier: np.ndarray) -> np.ndarray:
        """One step of improvements from a set of states: t is reached from the frontier
        state of its coset that the mover ranks lowest, if that rank is below t's."""
        f = np.asarray(frontier, dtype=bool).reshape(self.moves.shape)
        r = self.rank.reshape(self.moves.shape)
        index = np.arange(self.size, dtype=np.int64).reshape(self.moves.shape)
        big = np.iinfo(np.int64).max
        lowest = np.where(f, r, big).min(axis=1, keepdims=True)
        where = np.where(f & (r == lowest), index, big).min(axis=1, keepdims=True)
        reached = (lowest < big) & (r > lowest)
        return np.where(reached, np.broadcast_to(where, r.shape), -1).reshape(-1)

    @property
    def edge_count(self) -> int:
        return int(self.counts().sum())

    def of(self, s: int) -> np.ndarray:
        coset = np.concatenate([self.moves.of(s), [s]])
        return np.sort(coset[self.rank[coset] > self.rank[s]])

    def materialize(self) -> MoveGraph:
        if "graph" not in self._cache:
            self._cache["graph"] = self.moves.materialize().improvements(self.rank)
        return self._cache["graph"]


_IDENTITY = {np.minimum: INFINITY, np.maximum: np.iinfo(np.int64).min}


def _superset_closure(ufunc, classes: np.ndarray, bits: int, strict: bool) -> np.ndarray:
    """For an array whose last axis is indexed by a ``bits``-bit pattern ``a``, the
    reduction of its entries over the patterns ``b ⊇ a`` (``b ⊋ a`` with ``strict``): one
    pass per bit over the array viewed with one axis of length 2 per bit."""
    lead = classes.shape[:-1]
    closed = classes.copy()
    view = closed.reshape((*lead, *([2] * bits)))
    first = len(lead)
    for axis in range(first, first + bits):
        low = tuple([slice(None)] * axis + [0])
        high = tuple([slice(None)] * axis + [1])
        ufunc(view[low], view[high], out=view[low])
    if not strict:
        return closed
    out = np.full(classes.shape, _IDENTITY[ufunc], dtype=classes.dtype)
    out_view = out.reshape(view.shape)
    for axis in range(first, first + bits):
        low = tuple([slice(None)] * axis + [0])
        high = tuple([slice(None)] * axis + [1])
        ufunc(out_view[low], view[high], out=out_view[low])
    return out


def _gather(rows: np.ndarray, index: np.ndarray) -> np.ndarray:
    """``rows[:, index]``; one row is indexed as a flat array (faster in numpy)."""
    if rows.shape[0] == 1:
        return rows[0][index][None, :]
    return rows[:, index]


def _scatter(rows: np.ndarray, index: np.ndarray, values: np.ndarray) -> None:
    """``rows[:, index] = values``; one row is indexed as a flat array."""
    if rows.shape[0] == 1:
        rows[0][index] = values[0]
    else:
        rows[:, index] = values


def _fill_grid(rows: np.ndarray, state_at: np.ndarray, identity: int) -> np.ndarray:
    """A grid whose cell ``k`` holds ``rows[:, state_at[k]]``, or ``identity`` where
    ``state_at[k]`` is the number of states (a hole)."""
    padded = np.empty((rows.shape[0], rows.shape[1] + 1), dtype=np.int64)
    padded[:, :-1] = rows
    padded[:, -1] = identity
    return _gather(padded, state_at)


def _states_at(cells: np.ndarray, size: int) -> np.ndarray:
    """For a grid of ``size`` cells, the state in each cell (``len(cells)`` for holes)."""
    state_at = np.full(size, cells.shape[0], dtype=np.intp)
    state_at[cells] = np.arange(cells.shape[0], dtype=np.intp)
    return state_at


def _batch_rows(values: np.ndarray) -> tuple[np.ndarray, tuple[int, ...]]:
    """``values`` (shape ``(..., states)``) as int64 rows, and its leading batch shape."""
    values = np.asarray(values, dtype=np.int64)
    batch = values.shape[:-1]
    return values.reshape(int(np.prod(batch, dtype=np.int64)), values.shape[-1]), batch


@dataclass(frozen=True, eq=False)
class LatticeMoves(_ExplicitView):
    """``R_i`` without stored moves in a state space without collapsed states: any
    feasibility constraints, any move directions.

    Write *i*'s options of a state as ``(a, u)``: ``a`` the bits of its irreversible options
    (a ``take`` option as it is, a ``drop`` option negated, so that every allowed change
    raises a bit of ``a``), ``u`` the bits of its reversible options. A flip of any
    non-empty set of *i*'s options from *s* to a feasible *t* respects every direction
    exactly when ``a(t) ⊇ a(s)``, so

        ``R_i(s)`` = the feasible states *t* ≠ *s* of the coset of *s* (same options of
        everybody else) with ``a(t) ⊇ a(s)``.

    A *class* is a pair ``(coset, a)``. States sit in a grid with one row per value of
    ``u`` and one column per class (holes where a combination is infeasible). A reduction
    over ``R_i(s)`` combines the reduction over the other states of the class of *s*
    (exclusive prefix and suffix down its column) with the reduction over the classes
    ``(coset, b)``, ``b ⊋ a(s)`` (a superset closure, one pass per irreversible option):
    a few passes over the grid, each over whole rows, instead of one visit per move.
    Without irreversible options this is the coset of a product space with holes.
    """

    size: int
    space: object  # the StateSpace, for the explicit graph and single states' moves
    own: int
    take: int
    drop: int
    classes: np.ndarray  # per state, its class: coset · 2**irreversible + a
    cell: np.ndarray  # per state, its flat position in the grid: u · (classes) + class
    shape: tuple[int, int, int]  # (2**reversible, cosets, 2**irreversible)
    irreversible_bits: int
    _cache: dict = field(default_factory=dict, repr=False)

    @property
    def class_count(self) -> int:
        return self.shape[1] * self.shape[2]

    @cached_property
    def _state_at(self) -> np.ndarray:
        """The state in each grid cell (the number of states for holes)."""
        return _states_at(self.cell, self.shape[0] * self.class_count)

    @cached_property
    def _without_moves(self) -> np.ndarray:
        return np.flatnonzero(~self.nonempty())

    def counts(self) -> np.ndarray:
        if "counts" not in self._cache:
            per_class = np.bincount(self.classes, minlength=self.class_count)
            closed = _superset_closure(np.add, per_class.reshape(self.shape[1:]),
                                       self.irreversible_bits, strict=False)
            self._cache["counts"] = closed.reshape(-1)[self.classes] - 1
        return self._cache["counts"]

    def nonempty(self) -> np.ndarray:
        if "nonempty" not in self._cache:
            self._cache["nonempty"] = self.counts() > 0
        return self._cache["nonempty"]

    @property
    def edge_count(self) -> int:
        return int(self.counts().sum())

    def of(self, s: int) -> np.ndarray:
        """``R_i(s)`` in the order of the explicit graph (flipped option sets in the order
        :func:`unilateral_moves` tries them)."""
        space = self.space
        pattern = space.patterns[s]  # type: ignore[attr-defined]
        flips = np.array(_submasks(self.own), dtype=np.uint64)
        targets = space.state_of(pattern ^ flips)  # type: ignore[attr-defined]
        wrong = flips & ((np.uint64(self.take) & pattern) | (np.uint64(self.drop) & ~pattern))
        return targets[(targets >= 0) & (wrong == 0)]

    def _reduce(self, ufunc, values: np.ndarray, empty: int) -> np.ndarray:
        rows, batch = _batch_rows(values)
        identity = _IDENTITY[ufunc]
        length, cosets, width = self.shape
        n = self.class_count
        grid = _fill_grid(rows, self._state_at, identity).reshape(rows.shape[0], length, n)
        loop = length <= LATTICE_LOOP_ROWS  # row by row: each step a whole row of classes
        if loop:
            whole = grid[:, 0].copy()
            for u in range(1, length):
                ufunc(whole, grid[:, u], out=whole)
        else:
            whole = ufunc.reduce(grid, axis=1)
        # running: the classes strictly above, then everything below row u in the column
        running = _superset_closure(ufunc, whole.reshape(-1, cosets, width),
                                    self.irreversible_bits, strict=True).reshape(-1, n)
        del whole
        result = np.empty_like(grid)
        result[:, 0] = identity
        if loop:
            for u in range(1, length):  # exclusive prefix down each column
                ufunc(result[:, u - 1], grid[:, u - 1], out=result[:, u])
            for u in range(length - 1, -1, -1):  # exclusive suffix, with the classes above
                ufunc(result[:, u], running, out=result[:, u])
                ufunc(running, grid[:, u], out=running)
        else:
            ufunc.accumulate(grid[:, :-1], axis=1, out=result[:, 1:])
            after = ufunc.accumulate(grid[:, :0:-1], axis=1)[:, ::-1]
            ufunc(result[:, :-1], after, out=result[:, :-1])
            ufunc(result, running[:, None, :], out=result)
            del after
        del grid
        out = _gather(result.reshape(rows.shape[0], -1), self.cell)
        if empty != identity:  # without moves the reduction is the identity already
            out[:, self._without_moves] = empty
        return out.reshape((*batch, self.size))

    def min_over(self, values: np.ndarray, empty: int = INFINITY) -> np.ndarray:
        """``min over t ∈ R_i(s) of values[t]`` (``empty`` where R_i(s) = ∅); ``values`` may
        carry leading batch axes."""
        return self._reduce(np.minimum, values, empty)

    def max_over(self, values: np.ndarray, empty: int = -1) -> np.ndarray:
        """``max over t ∈ R_i(s) of values[t]`` (``empty`` where R_i(s) = ∅)."""
        return self._reduce(np.maximum, values, empty)

    def improvements(self, rank: np.ndarray) -> LatticeImprovements | MoveGraph:
        """``R_i⁺`` for ``rank``: implicit when there are few irreversible options (its
        reductions query each of the ``2**irreversible`` classes above a state), the
        explicit graph otherwise."""
        if self.irreversible_bits > LATTICE_IMPROVEMENT_BITS:
            return self.materialize().improvements(rank)
        return LatticeImprovements(self, np.asarray(rank, dtype=np.int64))

    def successors(self, frontier: np.ndarray) -> np.ndarray:
        """One step from a set of states (see :meth:`MoveGraph.successors`)."""
        return self.materialize().successors(frontier)

    def materialize(self) -> MoveGraph:
        """The same moves as an explicit graph, built on first use."""
        if "graph" not in self._cache:
            self._cache["graph"] = unilateral_moves(self.space, self.own, self.take,
                                                    self.drop)
        return self._cache["graph"]


#: at most this many irreversible options for implicit improvements (queries per state
#: grow as 2**bits)
LATTICE_IMPROVEMENT_BITS = 4
#: grids with at most this many rows are scanned row by row (fast whole-row operations);
#: taller ones with one accumulation along the columns
LATTICE_LOOP_ROWS = 256


@dataclass(frozen=True, eq=False)
class LatticeImprovements(_ExplicitView):
    """``R_i⁺(s)`` over :class:`LatticeMoves`: the states of ``R_i(s)`` that *i* ranks
    strictly higher than *s*.

    A second grid holds each class's states sorted by rank down its column (one row per
    position, plus a row of identities). For every state and every class ``b ⊇ a(s)`` of
    its coset, the cell of the first state of ``b`` ranked above it is found once (a
    binary search). A reduction over ``R_i⁺`` is then a suffix reduction down the columns
    and ``2**irreversible`` gathers."""

    moves: LatticeMoves
    rank: np.ndarray
    _cache: dict = field(default_factory=dict, repr=False)

    @property
    def size(self) -> int:
        return self.moves.size

    @cached_property
    def _queries(self) -> tuple[np.ndarray, np.ndarray, list[list[np.ndarray]], np.ndarray]:
        """How a reduction reads the rank-sorted grid.

        Returns the states in *query order* (by pattern ``a``, then position in the class,
        then coset); the state in each grid cell (the number of states for holes); per
        pattern ``a`` (a block of consecutive states in query order), for each offset
        ``e`` with ``e ∩ a = ∅``, the cell of class ``(coset, a | e)`` holding the first
        state ranked above each state of the block; and the positions (in query order) of
        the states without improvements."""
        moves = self.moves
        length, _, width = moves.shape
        n = moves.class_count
        rank = self.rank - self.rank.min()
        spread = int(rank.max()) + 1
        key = moves.classes * spread + rank
        by_key = np.argsort(key, kind="stable")  # by class, then rank
        sorted_key = key[by_key]
        del key
        classes = moves.classes[by_key]
        class_start = np.searchsorted(sorted_key, np.arange(n, dtype=np.int64) * spread)
        position = np.arange(self.size, dtype=np.int64) - class_start[classes]
        cell = position * n + classes  # grid cell of each state, in key order
        state_at = np.append(by_key, self.size)[_states_at(cell, (length + 1) * n)]
        del cell
        small = np.int16 if length < 2**15 else np.int64
        pattern = classes % width
        order_parts, blocks = [], []
        for a in range(width):
            members = np.flatnonzero(pattern == a)  # key order: by coset, then rank
            members = members[np.argsort(position[members].astype(small), kind="stable")]
            coset = classes[members] // width
            searched = sorted_key[members] - classes[members] * spread  # the ranks
            queries = []
            for e in range(width):
                if e & a:
                    continue
                above = coset * width + (a | e)
                found = np.searchsorted(sorted_key, above * spread + searched, side="right")
                queries.append((found - class_start[above]) * n + above)
            order_parts.append(by_key[members])
            blocks.append(queries)
        order = np.concatenate(order_parts)
        without = np.flatnonzero(~self.nonempty()[order])
        return order, state_at, blocks, without

    def _reduce(self, ufunc, values: np.ndarray, empty: int) -> np.ndarray:
        order, state_at, blocks, without = self._queries
        rows, batch = _batch_rows(values)
        length = self.moves.shape[0]
        n = self.moves.class_count
        identity = _IDENTITY[ufunc]
        grid = _fill_grid(rows, state_at, identity)
        columns = grid.reshape(rows.shape[0], length + 1, n)
        if length <= LATTICE_LOOP_ROWS:
            for position in range(length - 1, -1, -1):  # suffix down each column
                ufunc(columns[:, position], columns[:, position + 1],
                      out=columns[:, position])
        else:
            ufunc.accumulate(columns[:, ::-1], axis=1, out=columns[:, ::-1])
        found = np.empty_like(rows)
        start = 0
        for queries in blocks:
            if not queries[0].shape[0]:
                continue
            stop = start + queries[0].shape[0]
            part = found[:, start:stop]
            part[...] = _gather(grid, queries[0])
            for more in queries[1:]:
                ufunc(part, _gather(grid, more), out=part)
            start = stop
        del grid
        if empty != identity:  # without improvements every query meets identities
            found[:, without] = empty
        out = np.empty_like(found)
        _scatter(out, order, found)
        return out.reshape((*batch, self.size))

    def min_over(self, values: np.ndarray, empty: int = INFINITY) -> np.ndarray:
        return self._reduce(np.minimum, values, empty)

    def max_over(self, values: np.ndarray, empty: int = -1) -> np.ndarray:
        return self._reduce(np.maximum, values, empty)

    def nonempty(self) -> np.ndarray:
        if "nonempty" not in self._cache:
            self._cache["nonempty"] = self.moves.max_over(self.rank) > self.rank
        return self._cache["nonempty"]

    def counts(self) -> np.ndarray:
        order, _, blocks, _ = self._queries
        n = self.moves.class_count
        sizes = np.bincount(self.moves.classes, minlength=n)
        found = np.concatenate([
            sum((sizes[q % n] - q // n for q in queries), np.zeros(queries[0].shape, np.int64))
            for queries in blocks])  # per class above: the states ranked higher
        out = np.empty(self.size, dtype=np.int64)
        out[order] = found
        return out

    @property
    def edge_count(self) -> int:
        return int(self.counts().sum())

    def of(self, s: int) -> np.ndarray:
        targets = self.moves.of(s)
        return targets[self.rank[targets] > self.rank[s]]

    def successors(self, frontier: np.ndarray) -> np.ndarray:
        return self.materialize().successors(frontier)

    def materialize(self) -> MoveGraph:
        if "graph" not in self._cache:
            self._cache["graph"] = self.moves.materialize().improvements(self.rank)
        return self._cache["graph"]


@dataclass(frozen=True, eq=False)
class BatchedImprovements:
    """``R_i⁺`` for a batch of rank arrays over one explicit move graph: row ``b`` of
    :meth:`min_over` and :meth:`max_over` reduces over the moves from each state to a state
    that ``ranks[b]`` places strictly higher. Used when many preference profiles share one
    move structure (inverse analysis, robustness sweeps)."""

    graph: MoveGraph
    ranks: np.ndarray  # shape (batch, states)

    @property
    def size(self) -> int:
        return self.graph.size

    @cached_property
    def _better(self) -> np.ndarray:
        """Per batch row and edge, whether the edge is an improvement under that row."""
        g = self.graph
        return self.ranks[:, g.targets] > self.ranks[:, g.sources()]

    def _reduce(self, ufunc, values: np.ndarray, empty: int) -> np.ndarray:
        g = self.graph
        values = np.asarray(values, dtype=np.int64)
        out = np.full((self.ranks.shape[0], g.size), empty, dtype=np.int64)
        nonempty = g.nonempty()
        if g.edge_count:
            kept = np.where(self._better, values[..., g.targets], empty)
            out[:, nonempty] = ufunc.reduceat(kept, g.start[:-1][nonempty], axis=-1)
        return out

    def min_over(self, values: np.ndarray, empty: int = INFINITY) -> np.ndarray:
        return self._reduce(np.minimum, values, empty)

    def max_over(self, values: np.ndarray, empty: int = -1) -> np.ndarray:
        return self._reduce(np.maximum, values, empty)


Moves = MoveGraph | CosetMoves | CosetImprovements | LatticeMoves | LatticeImprovements
#: ``R_i``: a decision maker's unilateral moves, as a conflict holds them
UnilateralMoves = MoveGraph | CosetMoves | LatticeMoves


def _submasks(mask: int) -> list[int]:
    """Every non-empty subset of the bits of ``mask``."""
    out = []
    sub = mask
    while sub:
        out.append(sub)
        sub = (sub - 1) & mask
    return out


def unilateral_moves(space, own: int, take: int, drop: int) -> MoveGraph:
    """``R_i`` as an explicit graph, for the decision maker owning the options in ``own``.

    ``take`` / ``drop`` are the masks of the options with those directions. Each non-empty
    subset of the decision maker's options is flipped in every state at once; a first pass
    counts the moves of each state and a second writes them into place, so memory holds
    the graph once and nothing more.
    """
    v = space.patterns
    m = space.size
    states = np.arange(m, dtype=np.int64)
    has_irrelevant = bool(space.n_ordinary < m)
    take_u, drop_u = np.uint64(take), np.uint64(drop)
    masks = _submasks(own)

    def targets_of(d: int) -> tuple[np.ndarray, np.ndarray]:
        dm = np.uint64(d)
        t = space.state_of(v ^ dm)
        ok = (t >= 0) & (t != states)
        if d & (take | drop) or has_irrelevant:
            wrong = dm & ((take_u & v) | (drop_u & ~v))
            if has_irrelevant:
                wrong &= ~space.irrelevant
                wrong &= ~space.irrelevant[np.where(ok, t, 0)]
            ok &= wrong == 0
        return ok, t

    if has_irrelevant:
        # with collapsed states several subsets can lead to the same target: merge them
        srcs, dsts = [], []
        for d in masks:
            ok, t = targets_of(d)
            srcs.append(states[ok])
            dsts.append(t[ok])
        src = np.concatenate(srcs) if srcs else np.zeros(0, dtype=np.int64)
        dst = np.concatenate(dsts) if dsts else np.zeros(0, dtype=np.int64)
        return MoveGraph.from_edges(m, src, dst, unique=False)
    if space.lookup is not None:
        return _moves_by_lookup(space, masks, take, drop)
    counts = np.zeros(m, dtype=np.int64)
    for d in masks:
        ok, _ = targets_of(d)
        counts += ok
    start = np.zeros(m + 1, dtype=np.int64)
    np.cumsum(counts, out=start[1:])
    targets = np.empty(int(start[-1]), dtype=np.int32 if m < 2**31 else np.int64)
    cursor = start[:-1].copy()
    for d in masks:
        ok, t = targets_of(d)
        where = cursor[ok]
        targets[where] = t[ok]
        cursor[ok] += 1
    return MoveGraph(start, targets)


CACHED_MASK_ENTRIES = 1 << 28  # booleans kept between the counting and the writing pass


def _moves_by_lookup(space, masks: list[int], take: int, drop: int) -> MoveGraph:
    """:func:`unilateral_moves` for state spaces without collapsed states that keep a table
    from every bit pattern to its state: a flip of the options in ``d`` leads from pattern
    ``v`` to ``lookup[v ^ d]`` (a different state, as patterns are distinct), and it is
    allowed unless it flips an option against its direction (``blocked``, computed once).
    The first pass counts each state's moves and keeps which flips are allowed; the
    second writes the targets in the same order (flip masks in ``masks`` order)."""
    lookup = space.lookup
    m = space.size
    codes = space.patterns.astype(np.int64)
    restricted = take | drop
    blocked = None
    if restricted:
        v = space.patterns
        blocked = ((np.uint64(take) & v) | (np.uint64(drop) & ~v)).astype(np.int64)
    keep = len(masks) * m <= CACHED_MASK_ENTRIES

    def allowed(d: int) -> np.ndarray:
        ok = lookup[codes ^ np.int64(d)] >= 0
        if blocked is not None and d & restricted:
            ok &= (blocked & np.int64(d)) == 0
        return ok

    counts = np.zeros(m, dtype=np.int64)
    kept: list[np.ndarray | None] = []
    for d in masks:
        ok = allowed(d)
        counts += ok
        if keep:
            kept.append(ok)
    start = np.zeros(m + 1, dtype=np.int64)
    np.cumsum(counts, out=start[1:])
    del counts
    targets = np.empty(int(start[-1]), dtype=np.int32 if m < 2**31 else np.int64)
    cursor = start[:-1].copy()
    for n, d in enumerate(masks):
        kept_ok = kept[n] if keep else None
        ok = kept_ok if kept_ok is not None else allowed(d)
        src = np.flatnonzero(ok)
        targets[cursor[src]] = lookup[codes[src] ^ np.int64(d)]
        cursor[src] += 1
        if keep:
            kept[n] = None
    return MoveGraph(start, targets)


#: the grid of :class:`LatticeMoves` may have at most this many cells per state (holes are
#: infeasible combinations); sparser state spaces keep the explicit graph
LATTICE_CELLS_PER_STATE = 4


def _coset_ids(patterns: np.ndarray, own: int, n_bits: int) -> tuple[np.ndarray, int]:
    """Number the cosets of a decision maker owning the options ``own``: states with the
    same options of everybody else share an id (ids 0, 1, ... in increasing order of
    those options). With few other options, a table over their compacted patterns;
    otherwise a sort."""
    other_bits = [k for k in range(n_bits) if not own >> k & 1]
    if len(other_bits) > 24:
        _, coset = np.unique(patterns & np.uint64(~own & (2**64 - 1)), return_inverse=True)
        return coset.reshape(-1).astype(np.int64), int(coset.max()) + 1
    compact = np.zeros(patterns.shape, dtype=np.int64)
    for j, k in enumerate(other_bits):
        compact |= ((patterns >> np.uint64(k)) & np.uint64(1)).astype(np.int64) << j
    present = np.zeros(1 << len(other_bits), dtype=np.int64)
    present[compact] = 1
    number = np.cumsum(present) - 1
    return number[compact], int(number[-1]) + 1


def lattice_layout(space, own: int) -> tuple[np.ndarray, int] | None:
    """Whether ``R_i`` of the decision maker owning the options in ``own`` is held as
    :class:`LatticeMoves`, decided before any move is built: its coset ids and number of
    cosets if so; None (the explicit graph) when the state space has collapsed states, the
    decision maker has more than 30 options, or the grid would be mostly holes (more than
    :data:`LATTICE_CELLS_PER_STATE` cells per state, plus 4,096)."""
    m = space.size
    if space.n_ordinary < m or m == 0:
        return None
    bits = [k for k in range(64) if own >> k & 1]
    if len(bits) > 30:
        return None
    coset, n_cosets = _coset_ids(space.patterns, own, len(space.spec.options))
    if (n_cosets << len(bits)) > LATTICE_CELLS_PER_STATE * m + 4096:
        return None
    return coset, n_cosets


def lattice_bytes(states: int, cells: int, irreversible_bits: int) -> int:
    """An upper estimate of the bytes one decision maker's :class:`LatticeMoves` occupy
    during an analysis, with ``cells`` grid cells: per state its class, grid cell, move
    count and a reduction's result (8 bytes each) and whether it has moves; per cell the
    state held there and a reduction's two working grids (8 bytes each). Improvements over
    at most :data:`LATTICE_IMPROVEMENT_BITS` irreversible options
    (:class:`LatticeImprovements`) add the rank-sorted grid (one more cell per class and
    cell) and per state its queries (8 bytes for each of up to ``2**bits`` classes above
    it), its rank, six sort and search arrays and a reduction's two results; with more, the
    improvements are an explicit graph, which :func:`standoff.graph.states.estimate_memory`
    counts as such."""
    per_state = 4 * 8 + 1
    per_cell = 3 * 8
    if irreversible_bits <= LATTICE_IMPROVEMENT_BITS:
        per_state += 8 * (1 << irreversible_bits) + 9 * 8
        per_cell += 2 * 8
    return states * per_state + cells * per_cell


def lattice_moves(space, own: int, take: int, drop: int,
                  layout: tuple[np.ndarray, int] | None = None) -> LatticeMoves | None:
    """``R_i`` as :class:`LatticeMoves` for the decision maker owning the options in
    ``own`` (``take`` / ``drop``: the masks of the options with those directions), or None
    when :func:`lattice_layout` keeps the explicit graph. ``layout``: that function's
    answer, if the caller has it already (the compiler asks first, for its memory check)."""
    if layout is None:
        layout = lattice_layout(space, own)
        if layout is None:
            return None
    coset, n_cosets = layout
    m = space.size
    patterns = space.patterns
    bits = [k for k in range(64) if own >> k & 1]
    irreversible = [k for k in bits if (take | drop) >> k & 1]
    reversible = [k for k in bits if not (take | drop) >> k & 1]
    classes = coset.astype(np.int64).reshape(-1) << len(irreversible)
    for j, k in enumerate(irreversible):
        bit = ((patterns >> np.uint64(k)) & np.uint64(1)).astype(np.int64)
        if drop >> k & 1:
            bit ^= 1
        classes |= bit << j
    row = np.zeros(m, dtype=np.int64)
    for j, k in enumerate(reversible):
        row |= ((patterns >> np.uint64(k)) & np.uint64(1)).astype(np.int64) << j
    n = n_cosets << len(irreversible)
    shape = (1 << len(reversible), n_cosets, 1 << len(irreversible))
    return LatticeMoves(m, space, own, take, drop, classes, row * n + classes,
                        shape, len(irreversible))
