"""The compromise model and the weighted median (Condorcet) position.

**Compromise** (Van den Bos 1991; Achen 2006, in Thomson, Stokman, Achen & König (eds.)
*The European Union Decides*): the outcome of issue k is the mean of the actors' positions
weighted by capability times salience,

    O_k = sum_i c_i s_ik x_ik / sum_i c_i s_ik.

**Weighted median** (Black 1948; the "median voter" of Bueno de Mesquita 1994): with
single-peaked, symmetric preferences and votes weighted by w_i = c_i s_ik, the position that
beats every other in pairwise votes (the Condorcet winner) is the weighted median: the
smallest position x_j with cumulative weight sum_{x_i <= x_j} w_i >= W/2, W = sum_i w_i.
If the cumulative weight equals W/2 exactly at x_j, every point of [x_j, x_{j+1}] ties;
we return the midpoint of that interval (stated tie rule).

Positions whose weight is zero take no part in the median (they cannot end a median
interval either). If every weight is zero (all saliences 0), both fall back to the
unweighted mean / median.
"""

from __future__ import annotations

import numpy as np

from standoff.bargaining.inputs import BargainingModel, Issue
from standoff.bargaining.results import Forecast, IssueForecast

_TOL = 1e-12


def weighted_mean(x: np.ndarray, w: np.ndarray) -> float:
    """sum w x / sum w; the unweighted mean if every weight is zero.

    >>> weighted_mean(np.array([0.0, 100.0]), np.array([1.0, 3.0]))
    75.0
    """
    x = np.asarray(x, dtype=float)
    w = np.asarray(w, dtype=float)
    total = w.sum()
    if total <= _TOL:
        return float(x.mean())
    return float((w * x).sum() / total)


def weighted_median(x: np.ndarray, w: np.ndarray) -> float:
    """The weighted median (Condorcet winner under weighted voting; see module docstring).

    >>> weighted_median(np.array([0.0, 50.0, 100.0]), np.array([1.0, 1.0, 3.0]))
    100.0
    >>> weighted_median(np.array([0.0, 100.0]), np.array([1.0, 1.0]))
    50.0
    >>> weighted_median(np.array([0.0, 10.0, 100.0]), np.array([1.0, 0.0, 1.0]))
    50.0
    """
    x = np.asarray(x, dtype=float)
    w = np.asarray(w, dtype=float)
    if w.sum() <= _TOL:
        w = np.ones_like(x)
    order = np.argsort(x, kind="stable")
    xs, ws = x[order], w[order]
    # merge equal positions so the tie rule works on distinct points
    pts, idx = np.unique(xs, return_inverse=True)
    wt = np.zeros(len(pts))
    np.add.at(wt, idx, ws)
    # a position nobody weighs (salience 0) takes no part, not even as a tie's end point
    keep = wt > _TOL
    pts, wt = pts[keep], wt[keep]
    cum = np.cumsum(wt)
    half = cum[-1] / 2.0
    j = int(np.searchsorted(cum, half - _TOL * max(1.0, half)))
    if abs(cum[j] - half) <= 1e-9 * max(1.0, half) and j + 1 < len(pts):
        return float((pts[j] + pts[j + 1]) / 2.0)
    return float(pts[j])


def _single(issue: Issue, value: float, weights: np.ndarray, kind: str) -> IssueForecast:
    x, _, _ = issue.arrays()
    details: dict = {"weights": weights.tolist()}
    if weights.sum() <= _TOL:
        details["note"] = (f"every capability x salience weight is 0 on this issue, so the "
                           f"forecast is the unweighted {kind}")
    return IssueForecast(
        issue=issue.id, forecast=value, actors=tuple(issue.actors), rounds=(tuple(x.tolist()),),
        details=details,
    )


def compromise(model: BargainingModel) -> Forecast:
    """Forecast every issue by the capability x salience weighted mean."""
    out = {}
    for issue in model.issues:
        x, s, c = issue.arrays()
        out[issue.id] = _single(issue, weighted_mean(x, c * s), c * s, "mean")
    return Forecast("compromise", out, {"weights": "capability x salience"},
                    "Achen 2006 (compromise model); Van den Bos 1991")


def median(model: BargainingModel) -> Forecast:
    """Forecast every issue by the capability x salience weighted median position."""
    out = {}
    for issue in model.issues:
        x, s, c = issue.arrays()
        out[issue.id] = _single(issue, weighted_median(x, c * s), c * s, "median")
    return Forecast("median", out, {"weights": "capability x salience",
                                    "tie": "midpoint of the median interval"},
                    "Black 1948; Bueno de Mesquita 1994 (median voter)")
