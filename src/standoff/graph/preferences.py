"""Preferences as rank arrays.

GMCR II's three ways to state a preference (Fang, Hipel & Kilgour 1993, ch. 3; Hipel,
Kilgour, Fang & Peng 1997):

* option prioritization: statements listed most important first; statement *k* of *K*
  weighs 2^(K−k); a state's score is the sum of the weights of the statements true there;
  equal scores tie;
* option weighting: each statement has a numeric weight; scores are summed the same way;
* direct ranking: items best first, each selecting states (a statement, or a state number);
  a nested list is a tie; every state must be selected exactly once.

Scores are turned into dense ranks (0 = least preferred), so ``rank[i, s] > rank[i, t]``
means decision maker *i* strictly prefers *s* to *t* and equal ranks mean indifference.

Weighted scores are the sum of the selected weights *in statement order* in floating point
(as :mod:`standoff.reference` computes them), so rounding decides near-ties exactly as
there.

How it is computed (issue 17): statements are evaluated on one cached boolean column per
option, never on the 64-bit patterns. In a product state space a column lives on its
decision maker's axis only (``radix`` values), statements are evaluated on the axes they
mention, compressed to the distinct values of the options they mention, summed per group
of axes, and the groups are broadcast-added once into the full array. Summing by groups
reassociates the floating-point sum; that is exact when every weight is a multiple of one
power of two and the sums stay below 2^53 (integer weights, option prioritization). For
other weights the grouped sum ``F`` and the statement-order sum ``S`` differ by at most
``E = 2 γ_K Σ|w|`` (``γ_K = K u / (1 − K u)``, ``u = 2^-53``, Higham 2002, §4.2, for any
summation order of K terms), so states whose ``F`` lie more than ``2E`` apart are ordered
the same by ``S``; only runs of states closer than that are re-scored with ``S`` one state
at a time. Dense ranks come from the distinct scores directly when the (integer) scores
span a small range, and otherwise from one sort of 64-bit keys.
"""

from __future__ import annotations

import math

import numpy as np

from standoff.graph.states import StateSpace
from standoff.model.expressions import Expr
from standoff.model.loader import PreferenceSpec, StatementSpec
from standoff.model.schema import MAX_WEIGHT


def _check_weight(stmt: StatementSpec, space: StateSpace, dm_id: str) -> None:
    """Refuse a weight that is not a finite number within ±:data:`MAX_WEIGHT`.

    The model loader already refuses such weights; this guards specs built in code, where a
    NaN would make every score incomparable and 1e308 would overflow the sums.
    """
    weight = stmt.weight
    assert weight is not None
    if not math.isfinite(weight) or abs(weight) > MAX_WEIGHT:
        raise space.spec.error(
            stmt.path,
            f"preferences of '{dm_id}': the weight {weight!r} of '{stmt.text}' is not a finite "
            f"number between -{MAX_WEIGHT:.0e} and {MAX_WEIGHT:.0e}",
            "use finite weights of moderate size; only the order of the scores matters",
        )



class StatementEvaluator:
    """Truth values of statements on every state, as arrays broadcastable to the states.

    In a product space the states are viewed as an array with one axis per decision maker
    (the last decision maker first, so the first one's digit varies fastest, as states are
    numbered); option ``k`` of decision maker ``d`` is then a boolean column along axis
    ``D - 1 - d`` only. Otherwise the states are one axis and each option's column is
    computed once from the bit patterns and cached.
    """

    def __init__(self, space: StateSpace) -> None:
        self.space = space
        self._columns: dict[int, np.ndarray] = {}
        spec = space.spec
        self.product = space.product is not None
        if self.product:
            assert space.product is not None
            n = len(spec.dms)
            self.shape: tuple[int, ...] = tuple(reversed(space.radices))
            # per option: (axis, local bit); per axis: local patterns of its feasible digits
            self.axis_of: dict[int, tuple[int, int]] = {}
            self.local: list[np.ndarray] = [np.zeros(0, np.uint64)] * n
            for d, dm in enumerate(spec.dms):
                offset = dm.options[0]
                axis = n - 1 - d
                self.local[axis] = np.flatnonzero(space.product[d] >= 0).astype(np.uint64)
                for k in dm.options:
                    self.axis_of[k] = (axis, k - offset)
        else:
            self.shape = (space.size,)

    def column(self, k: int) -> np.ndarray:
        """Option ``k`` taken (True) or not, broadcastable to :attr:`shape`."""
        if k not in self._columns:
            if self.product:
                axis, bit = self.axis_of[k]
                values = ((self.local[axis] >> np.uint64(bit)) & np.uint64(1)).astype(bool)
                view = [1] * len(self.shape)
                view[axis] = values.shape[0]
                self._columns[k] = values.reshape(view)
            else:
                patterns = self.space.patterns
                self._columns[k] = ((patterns >> np.uint64(k)) & np.uint64(1)).astype(bool)
        return self._columns[k]

    def evaluate(self, expr: Expr, column=None) -> np.ndarray:
        """Truth values of ``expr``, broadcastable to :attr:`shape` (``column`` maps an option
        to its column; default :meth:`column`)."""
        column = column or self.column
        op = expr.op
        if op == "var":
            return column(expr.index)
        if op == "const":
            return np.full((1,) * len(self.shape), expr.value, dtype=bool)
        if op == "not":
            return ~self.evaluate(expr.args[0], column)
        values = [self.evaluate(a, column) for a in expr.args]
        if op == "and":
            out = values[0]
            for v in values[1:]:
                out = out & v
            return out
        if op == "or":
            out = values[0]
            for v in values[1:]:
                out = out | v
            return out
        # "if" and "iff" chains are left folds: (a if b) if c (model.expressions.Expr)
        out = values[0]
        for right in values[1:]:
            out = (out | ~right) if op == "if" else out == right  # iff
        return out

    def selects(self, stmt: StatementSpec) -> np.ndarray:
        """The states ``stmt`` selects, as a flat boolean array over states."""
        space = self.space
        if stmt.state is not None:
            sel = np.zeros(space.size, dtype=bool)
            if not 1 <= stmt.state <= space.size:
                raise space.spec.error(
                    stmt.path,
                    f"state {stmt.state} does not exist (the model has states 1 to "
                    f"{space.size})",
                    "run 'standoff states MODEL' to list the states and their numbers",
                )
            sel[stmt.state - 1] = True
            return sel
        assert stmt.expr is not None
        return np.broadcast_to(self.evaluate(stmt.expr), self.shape).reshape(-1)

    def weighted_sum_by_axes(self, statements: list[StatementSpec],
                             weights: list[float]) -> np.ndarray:
        """``Σ weight_k · [statement_k]`` over a product space, summed per group of axes.

        Statements are grouped by the set of axes they mention; each group is evaluated on
        the distinct values of the options it mentions on each of its axes, summed there in
        statement order, and expanded to its axes by one gather. The groups are then added
        into the full array (a different association than statement order; see the module
        docstring for when that is exact). Returns the scores in state order.
        """
        assert self.product
        dtype = np.float64 if any(isinstance(w, float) for w in weights) else np.int64
        groups: dict[tuple[int, ...], list[tuple[Expr, float]]] = {}
        for stmt, w in zip(statements, weights, strict=True):
            assert stmt.expr is not None
            axes = tuple(sorted({self.axis_of[k][0] for k in stmt.expr.options()}))
            groups.setdefault(axes, []).append((stmt.expr, w))
        ndim = len(self.shape)
        total: np.ndarray | None = None
        for axes, items in groups.items():
            masks = dict.fromkeys(axes, 0)
            for expr, _ in items:
                for k in expr.options():
                    axis, bit = self.axis_of[k]
                    masks[axis] |= 1 << bit
            distinct, inverse = {}, {}
            for axis in axes:
                codes = self.local[axis] & np.uint64(masks[axis])
                distinct[axis], inverse[axis] = np.unique(codes, return_inverse=True)

            def compressed(k: int, distinct=distinct) -> np.ndarray:
                axis, bit = self.axis_of[k]
                values = ((distinct[axis] >> np.uint64(bit)) & np.uint64(1)).astype(bool)
                view = [1] * ndim
                view[axis] = values.shape[0]
                return values.reshape(view)

            grid = [distinct[a].shape[0] if a in axes else 1 for a in range(ndim)]
            part = np.zeros(grid, dtype=dtype)
            for expr, w in items:
                sel = self.evaluate(expr, compressed)
                part += np.where(sel, dtype(w), dtype(0))
            for axis in axes:  # expand each compressed axis to every choice on it
                part = np.take(part, inverse[axis].reshape(-1), axis=axis)
            if total is None and part.shape == self.shape:
                total = part
            else:
                if total is None:
                    total = np.zeros(self.shape, dtype=dtype)
                total += part
        if total is None:
            total = np.zeros(self.shape, dtype=dtype)
        return total.reshape(-1)


def _quantum(weights: list[float]) -> int | None:
    """The exponent of the largest power of two that divides every non-zero weight."""
    lowest = None
    for w in weights:
        if w == 0:
            continue
        mantissa, exponent = math.frexp(w)
        m = int(abs(mantissa) * 2**53)
        lsb = exponent - 53 + ((m & -m).bit_length() - 1)
        lowest = lsb if lowest is None else min(lowest, lsb)
    return lowest


def _exactly_summable(weights: list[float]) -> bool:
    """Whether every sum of a subset of ``weights``, in any order, is exact in float64:
    all are multiples of one power of two ``q`` and ``Σ|w| / q < 2^53``."""
    lowest = _quantum(weights)
    return lowest is None or sum(abs(w) for w in weights) < 2.0 ** (53 + lowest)


def _sequential_scores(pref: PreferenceSpec, patterns: np.ndarray) -> np.ndarray:
    """Weighted scores of the states with these bit patterns, summed in statement order."""
    out = np.zeros(patterns.shape, dtype=np.float64)
    for stmt in pref.statements:
        assert stmt.expr is not None and stmt.weight is not None
        np.add(out, stmt.weight, out=out, where=stmt.expr.evaluate_bits(patterns))
    return out


def scores(pref: PreferenceSpec, space: StateSpace, dm_id: str, show,
           evaluator: StatementEvaluator | None = None) -> np.ndarray:
    """Raw scores of every state for one decision maker (higher is better).

    Weighted scores equal the statement-order floating-point sum (see the module docstring;
    in product spaces with weights that are not exactly summable the order is checked and
    repaired by :func:`rank_matrix`, so use that for ranks).
    """
    ev = evaluator or StatementEvaluator(space)
    m = space.size
    statements = list(pref.statements)
    if pref.kind in ("prioritize", "weights"):
        if pref.kind == "prioritize":
            weights: list = [1 << (len(statements) - k) for k in range(1, len(statements) + 1)]
        else:
            for stmt in statements:
                _check_weight(stmt, space, dm_id)
            weights = [float(stmt.weight) for stmt in statements]  # type: ignore[arg-type]
        if ev.product and all(stmt.state is None for stmt in statements):
            return ev.weighted_sum_by_axes(statements, weights)
        dtype = np.int64 if pref.kind == "prioritize" else np.float64
        out = np.zeros(m, dtype=dtype)
        for stmt, w in zip(statements, weights, strict=True):
            np.add(out, dtype(w), out=out, where=ev.selects(stmt))
        return out
    n_items = len(pref.ranking)
    out = np.full(m, -1, dtype=np.int64)
    first_item = np.full(m, -1, dtype=np.int64)
    for k, item in enumerate(pref.ranking):
        sel = np.zeros(m, dtype=bool)
        for stmt in item:
            sel |= ev.selects(stmt)
        clash = sel & (first_item >= 0)
        if clash.any():
            s = int(np.flatnonzero(clash)[0])
            raise space.spec.error(
                item[0].path,
                f"ranking of '{dm_id}': state {show(s)} is selected by item "
                f"{int(first_item[s]) + 1} and again by item {k + 1}",
                "each state must be selected by exactly one ranking item; make the statements "
                "exclusive or put the states in one tie group (a nested list)",
            )
        out[sel] = n_items - k
        first_item[sel] = k
    missing = np.flatnonzero(out < 0)
    if missing.size:
        listed = ", ".join(show(int(s)) for s in missing[:5])
        more = f" and {missing.size - 5} more" if missing.size > 5 else ""
        raise space.spec.error(
            (*pref.path, "ranking"),
            f"ranking of '{dm_id}' does not place state(s) {listed}{more}",
            "add items selecting them (a statement or a state number), or add them to a tie "
            "group (a nested list)",
        )
    return out


SMALL_RANGE_FACTOR = 4
CHUNK = 1 << 20  # elements per block of the pairwise passes (bounds temporary memory)


def sort_order(values: np.ndarray, near: float | None = None):
    """An order that sorts ``values`` (ties in any order), by one sort of 64-bit keys that
    carry the state index in their low bits (cheaper than an argsort).

    Integer values whose range fits are packed exactly; floats are packed by a monotone
    quantisation ``q = floor((v - low) * scale)`` (non-decreasing in ``v``, as correctly
    rounded arithmetic is), and the runs of equal ``q`` are then put in order by the values
    themselves. With ``near`` (floats only), also returns, for each pair of neighbours in
    that order, whether they may lie within ``near`` of each other: ``q`` is within
    ``1 + 2^-13`` of the exact ``(v - low) * scale``, so neighbours whose ``q`` differ by
    more than ``near * scale + 2`` are further apart than ``near``."""
    m = values.shape[0]
    if m == 0:
        order = np.zeros(0, dtype=np.int64)
        return order if near is None else (order, np.zeros(0, dtype=bool))
    bits = max(1, (m - 1).bit_length())
    low, high = values.min(), values.max()
    exact = values.dtype.kind in "iu" and int(high) - int(low) < 2 ** (63 - bits)
    assert near is None or not exact
    if exact:
        keys = (values - low).astype(np.int64)
    else:
        span = float(high) - float(low)
        scale = (2.0 ** (62 - bits) - 1) / span if span > 0 else 0.0
        keys = ((values.astype(np.float64) - float(low)) * scale).astype(np.int64)
    keys <<= np.int64(bits)
    keys |= np.arange(m, dtype=np.int64)
    keys.sort()
    index_mask = np.int64((1 << bits) - 1)
    if exact:
        keys &= index_mask
        return keys
    shift = np.int64(bits)
    shared = np.empty(m - 1, dtype=bool)
    candidate = np.empty(m - 1, dtype=bool) if near is not None else None
    limit = near * scale + 2 if near is not None else 0.0
    for a in range(0, m - 1, CHUNK):  # differences of neighbouring q, in blocks
        b = min(a + CHUNK, m - 1)
        dq = (keys[a + 1 : b + 1] >> shift) - (keys[a:b] >> shift)
        np.equal(dq, 0, out=shared[a:b])
        if candidate is not None:
            np.less_equal(dq, limit, out=candidate[a:b])
    positions = None
    if shared.any():
        member = np.zeros(m, dtype=bool)
        member[1:] |= shared
        member[:-1] |= shared
        positions = np.flatnonzero(member)
        quantised = keys[positions] >> shift
    del shared
    keys &= index_mask
    order = keys
    if positions is not None:
        states = order[positions]
        by = np.lexsort((values[states], quantised))
        order[positions] = states[by]
    return order if near is None else (order, candidate)


def dense_ranks(values: np.ndarray, order: np.ndarray | None = None) -> np.ndarray:
    """Dense ranks of ``values``: 0 for the smallest, equal values share a rank.

    Integer values spanning a small range are ranked through a table of the values that
    occur (no sort); others through :func:`sort_order`."""
    m = values.shape[0]
    if m == 0:
        return np.zeros(0, dtype=np.int64)
    if values.dtype.kind in "iu" and order is None:
        low = int(values.min())
        span = int(values.max()) - low
        if span < SMALL_RANGE_FACTOR * m:
            shifted = (values - low).astype(np.int64)
            present = np.zeros(span + 1, dtype=bool)
            present[shifted] = True
            table = np.cumsum(present, dtype=np.int64) - 1
            return table[shifted]
    if order is None:
        order = sort_order(values)
    ordered = values[order]
    new = np.empty(m, dtype=np.int64)
    new[0] = 0
    new[1:] = ordered[1:] != ordered[:-1]
    ranks = np.empty(m, dtype=np.int64)
    ranks[order] = np.cumsum(new)
    return ranks


def _repaired_ranks(pref: PreferenceSpec, space: StateSpace, evaluator: StatementEvaluator,
                    out: np.ndarray | None = None) -> np.ndarray:
    """Dense ranks of the statement-order sums ``S``, from the grouped sums ``F``
    (:meth:`StatementEvaluator.weighted_sum_by_axes`).

    ``|F − S| <= E`` (module docstring): states more than ``2E`` apart in ``F`` keep their
    order and are distinct in ``S``; runs of states closer than that (in the order of ``F``)
    are re-scored with ``S`` and ordered by it."""
    weights = [float(stmt.weight) for stmt in pref.statements]  # type: ignore[arg-type]
    grouped = evaluator.weighted_sum_by_axes(list(pref.statements), weights)
    k = len(weights) + 2
    u = 2.0 ** -53
    error = 2 * (k * u / (1 - k * u)) * sum(abs(w) for w in weights)
    threshold = 4 * error * (1 + 1e-6)
    m = grouped.shape[0]
    order, candidate = sort_order(grouped, near=threshold)
    close = np.zeros(max(m - 1, 0), dtype=bool)
    pairs = np.flatnonzero(candidate)
    del candidate
    close[pairs] = grouped[order[pairs + 1]] - grouped[order[pairs]] <= threshold
    del grouped, pairs
    new = np.ones(m, dtype=np.int32)
    new[0] = 0
    if close.any():
        member = np.zeros(m, dtype=bool)
        member[1:] |= close
        member[:-1] |= close
        positions = np.flatnonzero(member)
        # Run ids of the members only: neighbouring members share a run exactly when they
        # are adjacent in the order and close (a gap means a non-member between them), so
        # no cumulative sum over every state is needed.
        starts = np.ones(positions.shape[0], dtype=bool)
        starts[1:] = ~((positions[1:] == positions[:-1] + 1) & close[positions[:-1]])
        run = np.cumsum(starts, dtype=np.int64)
        states = order[positions]
        exact = _sequential_scores(pref, space.patterns[states])
        by = np.lexsort((exact, run))
        order[positions] = states[by]
        exact, runs = exact[by], run[by]
        same = np.zeros(positions.shape[0], dtype=bool)
        same[1:] = (runs[1:] == runs[:-1]) & (exact[1:] == exact[:-1])
        new[positions[same]] = 0
    ranks = np.empty(m, dtype=np.int64) if out is None else out
    ranks[order] = np.cumsum(new, dtype=np.int32 if m < 2**31 else np.int64)
    return ranks


def rank_matrix(space: StateSpace, show) -> np.ndarray:
    """Ranks of every state for every decision maker (shape: decision makers × states)."""
    spec = space.spec
    evaluator = StatementEvaluator(space)
    ranks = np.empty((len(spec.preferences), space.size), dtype=np.int64)
    for d, pref in enumerate(spec.preferences):
        reassociated = (
            pref.kind == "weights" and evaluator.product
            and all(stmt.state is None for stmt in pref.statements)
        )
        if reassociated:
            for stmt in pref.statements:
                _check_weight(stmt, space, spec.dms[d].id)
            weights = [float(stmt.weight) for stmt in pref.statements]  # type: ignore[arg-type]
            if not _exactly_summable(weights):
                _repaired_ranks(pref, space, evaluator, out=ranks[d])
                continue
        values = scores(pref, space, spec.dms[d].id, show, evaluator)
        if reassociated:
            # exactly summable: the sums are multiples of a power of two below 2^53
            values = _as_integers(values, pref)
        ranks[d] = dense_ranks(values)
        del values
    return ranks


def _as_integers(values: np.ndarray, pref: PreferenceSpec) -> np.ndarray:
    """Exactly summable weighted scores as the integers they are multiples of (below 2^53)."""
    lowest = _quantum([float(s.weight) for s in pref.statements])  # type: ignore[arg-type]
    return np.ldexp(values, -(lowest or 0)).astype(np.int64)
