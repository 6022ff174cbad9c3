"""Admissible preferences: every distinct preference a declaration of uncertainty allows.

A model file may declare what its author is unsure of (docs/model-format.md, "Declared
uncertainty"): ``any_order`` groups in ``prioritize`` and ``ranking``, ``uncertain: true``
statements in ``prioritize`` and ``weights``, and weight ranges ``[low, high]``. The
*admissible preferences* of a decision maker are every distinct complete preorder over the
states that the declaration produces; they are enumerated here and deduplicated by rank
vector (two readings that order the states alike are one preference). The *admissible
profiles* are the product of the decision makers' admissible preferences
(:class:`ProfileSpace`).

How each declaration is enumerated:

* ``any_order`` (prioritize and ranking): every permutation of every group, combined with
* ``uncertain`` (prioritize and weights): the statement included or left out;
* weight ranges: with one range in play (for a given choice of uncertain statements) the
  enumeration is **exact**: a state's score is ``base + w * selected``, so the order changes
  only at the thresholds ``w*`` where two states' scores are equal; every threshold inside
  the range, every open interval between consecutive thresholds (one point each) and the
  two ends are tried, in exact rational arithmetic. With two or more ranges in one
  decision maker's weights the orders found are those at the points of a grid (each
  range's ends and midpoint, combined) and on the exact one-range sweeps through every grid
  point; every order listed is reachable (it comes with its weights) but an order
  reachable only elsewhere may be missed: :attr:`DecisionMakerPreferences.exact` is then
  False and the outputs say so.

The *base reading* (groups in the order written, uncertain statements included, ranges at
their midpoint) is what every other command analyses; it is always admissible preference 0.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from standoff.graph.conflict import Conflict
from standoff.graph.preferences import dense_ranks
from standoff.model.loader import PreferenceSpec, StatementSpec


@dataclass(frozen=True)
class DecisionMakerPreferences:
    """The admissible preferences of one decision maker.

    Attributes:
        dm: the decision maker's id.
        ranks: shape (k, states): row ``a`` is admissible preference ``a`` as dense ranks
            (higher is preferred); row 0 is the base reading.
        readings: for each row, the reading of the declaration that produced it, in words
            (empty for a decision maker that declares nothing).
        declared: how many readings the declaration spells out before duplicates merge.
        exact: False when a weight enumeration with several ranges may miss orders.
    """

    dm: str
    ranks: np.ndarray
    readings: tuple[str, ...]
    declared: int
    exact: bool = True

    @property
    def count(self) -> int:
        return int(self.ranks.shape[0])


def _selects(stmt: StatementSpec, conflict: Conflict) -> np.ndarray:
    if stmt.state is not None:
        sel = np.zeros(conflict.state_count, dtype=bool)
        sel[stmt.state - 1] = True
        return sel
    assert stmt.expr is not None
    return stmt.expr.evaluate_bits(conflict.space.patterns)


def _quoted(text: str) -> str:
    return f"'{text}'"


class _Collector:
    """Distinct rank vectors, first reading kept."""

    def __init__(self, base: np.ndarray) -> None:
        self.rows: list[np.ndarray] = []
        self.readings: list[str] = []
        self.seen: set[bytes] = set()
        self.exact = True
        self.declared = 0
        self.add(base, "as written")
        self.declared = 0

    def add(self, ranks: np.ndarray, reading: str) -> None:
        self.declared += 1
        key = ranks.astype(np.int64).tobytes()
        if key in self.seen:
            return
        self.seen.add(key)
        self.rows.append(ranks.astype(np.int64))
        self.readings.append(reading)


def _group_orders(groups: tuple[tuple[int, ...], ...]):
    """Every combination of permutations of the groups (identity first)."""
    return itertools.product(*(itertools.permutations(g) for g in groups))


def _apply_orders(count: int, groups, orders) -> list[int]:
    sequence = list(range(count))
    for group, order in zip(groups, orders, strict=True):
        for position, item in zip(group, order, strict=True):
            sequence[position] = item
    return sequence


def _order_words(texts: list[str], groups, orders) -> list[str]:
    words = []
    for group, order in zip(groups, orders, strict=True):
        if tuple(order) != tuple(group):
            words.append(" before ".join(_quoted(texts[k]) for k in order))
    return words


def _dense_rows(scores: np.ndarray) -> np.ndarray:
    """Dense ranks of every row of ``scores`` (0 for the row's smallest value)."""
    order = np.argsort(scores, axis=1, kind="stable")
    ordered = np.take_along_axis(scores, order, axis=1)
    steps = np.zeros(ordered.shape, dtype=np.int64)
    steps[:, 1:] = np.cumsum(ordered[:, 1:] != ordered[:, :-1], axis=1)
    out = np.empty_like(steps)
    np.put_along_axis(out, order, steps, axis=1)
    return out


def _prioritize(pref: PreferenceSpec, conflict: Conflict, base: np.ndarray) -> _Collector:
    """Every reading at once: a weight matrix (readings × statements) times the statements'
    truth table (statements × states), then dense ranks row by row."""
    stmts = pref.statements
    masks = np.array([_selects(s, conflict) for s in stmts], dtype=np.int64)
    texts = [s.text for s in stmts]
    uncertain = [k for k, s in enumerate(stmts) if s.uncertain]
    readings: list[tuple] = []
    weights = []
    for orders in _group_orders(pref.any_order):
        sequence = _apply_orders(len(stmts), pref.any_order, orders)
        for dropped in itertools.product((False, True), repeat=len(uncertain)):
            left_out = frozenset(k for k, d in zip(uncertain, dropped, strict=True) if d)
            kept = [k for k in sequence if k not in left_out]
            row = np.zeros(len(stmts), dtype=np.int64)
            for position, k in enumerate(kept):
                row[k] = 1 << (len(kept) - 1 - position)
            weights.append(row)
            readings.append((orders, left_out))
    ranks = _dense_rows(np.array(weights) @ masks)
    out = _Collector(base)
    for row, (orders, left_out) in zip(ranks, readings, strict=True):
        key = row.tobytes()
        out.declared += 1
        if key in out.seen:
            continue
        words = _order_words(texts, pref.any_order, orders)
        words += [f"without {_quoted(texts[k])}" for k in sorted(left_out)]
        out.seen.add(key)
        out.rows.append(row)
        out.readings.append("; ".join(words) or "as written")
    return out


def _ranking(pref: PreferenceSpec, conflict: Conflict, base: np.ndarray) -> _Collector:
    items = pref.ranking
    masks = []
    for item in items:
        sel = np.zeros(conflict.state_count, dtype=bool)
        for stmt in item:
            sel |= _selects(stmt, conflict)
        masks.append(sel)
    texts = [" = ".join(s.text for s in item) for item in items]
    out = _Collector(base)
    for orders in _group_orders(pref.any_order):
        sequence = _apply_orders(len(items), pref.any_order, orders)
        score = np.zeros(conflict.state_count, dtype=np.int64)
        for position, k in enumerate(sequence):
            score[masks[k]] = len(items) - position
        out.add(dense_ranks(score),
                "; ".join(_order_words(texts, pref.any_order, orders)) or "as written")
    return out


def _dense_fraction_ranks(scores: list[Fraction]) -> list[int]:
    distinct = sorted(set(scores))
    index = {v: r for r, v in enumerate(distinct)}
    return [index[v] for v in scores]


def _number(value: Fraction) -> str:
    """A weight exactly: an integer, a short decimal, or a fraction ``p/q``."""
    if value.denominator == 1:
        return str(value.numerator)
    short = f"{float(value):.6g}"
    return short if Fraction(short) == value else f"{value.numerator}/{value.denominator}"


def _weights(pref: PreferenceSpec, conflict: Conflict, base: np.ndarray) -> _Collector:
    stmts = pref.statements
    m = conflict.state_count
    masks = [_selects(s, conflict) for s in stmts]
    uncertain = [k for k, s in enumerate(stmts) if s.uncertain]
    out = _Collector(base)
    for dropped in itertools.product((False, True), repeat=len(uncertain)):
        left_out = {k for k, d in zip(uncertain, dropped, strict=True) if d}
        kept = [k for k in range(len(stmts)) if k not in left_out]
        fixed = [k for k in kept if stmts[k].weight_range is None]
        ranged = [k for k in kept if stmts[k].weight_range is not None]
        base_score = [Fraction(0)] * m
        for k in fixed:
            w = Fraction(stmts[k].weight)  # type: ignore[arg-type]
            for s in np.flatnonzero(masks[k]):
                base_score[s] += w
        left_words = [f"without {_quoted(stmts[k].text)}" for k in sorted(left_out)]
        for point in _weight_points(ranged, stmts, masks, base_score, out):
            score = list(base_score)
            for k, w in zip(ranged, point, strict=True):
                for s in np.flatnonzero(masks[k]):
                    score[s] += w
            words = [f"weight of {_quoted(stmts[k].text)} = {_number(w)}"
                     for k, w in zip(ranged, point, strict=True)]
            out.add(np.array(_dense_fraction_ranks(score), dtype=np.int64),
                    "; ".join(left_words + words) or "as written")
    return out


def _thresholds(k: int, masks, base_score: list[Fraction], low: Fraction,
                high: Fraction) -> list[Fraction]:
    """The values of weight ``k`` strictly inside (low, high) at which two states' scores
    (``base_score + w * masks[k]``) are equal: where the order can change."""
    inside = [base_score[s] for s in np.flatnonzero(masks[k])]
    outside = [base_score[s] for s in np.flatnonzero(~masks[k])]
    found = set()
    for a in set(inside):
        for b in set(outside):
            w = b - a  # a + w == b
            if low < w < high:
                found.add(w)
    return sorted(found)


def _sweep(values: list[Fraction], low: Fraction, high: Fraction) -> list[Fraction]:
    """The ends, each threshold, and one point inside every interval between them."""
    points = [low, *values, high]
    out = list(points)
    for a, b in itertools.pairwise(points):
        out.append((a + b) / 2)
    return out


def _weight_points(ranged, stmts, masks, base_score, out) -> list[tuple[Fraction, ...]]:
    if not ranged:
        return [()]
    bounds = [tuple(Fraction(x) for x in stmts[k].weight_range) for k in ranged]
    if len(ranged) == 1:
        (low, high), = bounds
        return [(w,) for w in _sweep(_thresholds(ranged[0], masks, base_score, low, high),
                                     low, high)]
    out.exact = False
    grid = [(lo, (lo + hi) / 2, hi) for lo, hi in bounds]
    points: list[tuple[Fraction, ...]] = []
    for corner in itertools.product(*grid):
        points.append(tuple(corner))
        for j, k in enumerate(ranged):  # the exact one-range sweep through this point
            shifted = list(base_score)
            for jj, kk in enumerate(ranged):
                if jj != j:
                    for s in np.flatnonzero(masks[kk]):
                        shifted[s] += corner[jj]
            low, high = bounds[j]
            for w in _sweep(_thresholds(k, masks, shifted, low, high), low, high):
                point = list(corner)
                point[j] = w
                points.append(tuple(point))
    return points


def admissible_preferences(conflict: Conflict, dm: int) -> DecisionMakerPreferences:
    """Every distinct preference decision maker ``dm`` (0-based) may have under the
    uncertainty its preference declares; row 0 is the base reading (``conflict.ranks``)."""
    pref = conflict.spec.preferences[dm]
    base = np.asarray(conflict.ranks[dm], dtype=np.int64)
    dm_id = conflict.dm_ids[dm]
    if not pref.declares_uncertainty:
        return DecisionMakerPreferences(dm_id, base[None, :].copy(), ("as written",), 1)
    if pref.kind == "prioritize":
        out = _prioritize(pref, conflict, base)
    elif pref.kind == "ranking":
        out = _ranking(pref, conflict, base)
    else:
        out = _weights(pref, conflict, base)
    ranks = np.vstack(out.rows)
    ranks.setflags(write=False)
    return DecisionMakerPreferences(dm_id, ranks, tuple(out.readings), out.declared,
                                    out.exact)


@dataclass(frozen=True)
class ProfileSpace:
    """The admissible profiles: one admissible preference per decision maker, every
    combination. Profile ``p`` is numbered in mixed radix, the last decision maker's
    choice varying fastest; profile 0 is the base reading."""

    dms: tuple[DecisionMakerPreferences, ...]

    @property
    def counts(self) -> tuple[int, ...]:
        return tuple(d.count for d in self.dms)

    @property
    def size(self) -> int:
        return math.prod(self.counts)

    @property
    def exact(self) -> bool:
        """False when some decision maker's enumeration may miss orders (several ranges)."""
        return all(d.exact for d in self.dms)

    @property
    def declares_uncertainty(self) -> bool:
        return self.size > 1 or any(d.declared > 1 for d in self.dms)

    def digits(self, profiles: np.ndarray) -> np.ndarray:
        """Shape (len(profiles), decision makers): each profile's preference indices."""
        profiles = np.asarray(profiles, dtype=np.int64)
        out = np.empty((profiles.shape[0], len(self.dms)), dtype=np.int64)
        rest = profiles.copy()
        for i in range(len(self.dms) - 1, -1, -1):
            out[:, i] = rest % self.dms[i].count
            rest //= self.dms[i].count
        return out

    def digits_of(self, profile: int) -> tuple[int, ...]:
        """A profile's preference indices, in Python integers (any size)."""
        out = []
        for d in reversed(self.dms):
            profile, k = divmod(int(profile), d.count)
            out.append(k)
        return tuple(reversed(out))

    def index(self, digits: tuple[int, ...]) -> int:
        p = 0
        for d, k in zip(self.dms, digits, strict=True):
            p = p * d.count + int(k)
        return p

    def ranks(self, profile: int) -> np.ndarray:
        """The rank matrix (decision makers × states) of one profile."""
        digits = self.digits_of(profile)
        return np.vstack([d.ranks[k] for d, k in zip(self.dms, digits, strict=True)])

    def describe(self, profile: int) -> dict[str, str]:
        """``{dm id: reading}`` for every decision maker whose preference is uncertain."""
        digits = self.digits_of(profile)
        return {d.dm: d.readings[k] for d, k in zip(self.dms, digits, strict=True)
                if d.count > 1}


def profile_space(conflict: Conflict) -> ProfileSpace:
    """The admissible profiles of a compiled conflict (its model's declared uncertainty)."""
    key = "admissible profiles"
    if key not in conflict._cache:
        conflict._cache[key] = ProfileSpace(tuple(
            admissible_preferences(conflict, i) for i in range(len(conflict.dm_ids))))
    return conflict._cache[key]
