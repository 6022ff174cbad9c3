"""Stokman & Van Oosten's exchange model: actors trade positions across pairs of issues.

Reference: Stokman, F. N. & Van Oosten, R. (1994), "The exchange of voting positions: an
object-oriented model of policy networks", in Bueno de Mesquita & Stokman (eds.),
*European Community Decision Making*, Yale UP, pp. 105-127. Summarised in Thomson et al.
(2006), *The European Union Decides*, ch. 8 (Arregui, Stokman & Thomson).

Equations (on issue k, capability c_ik, salience s_ik, position x_ik of actor i):

* expected outcome: O_k = sum_i c_ik s_ik x_ik / W_k, W_k = sum_i c_ik s_ik (compromise);
* an exchange of actors i and j on issues k and l is possible when both issues see i and j on
  opposite sides of O and i is relatively more interested in k: s_ik / s_il > s_jk / s_jl.
  Then j shifts its position on k towards x_ik (moving O_k towards i by a = c_jk s_jk Dx_jk
  / W_k) and i shifts on l towards x_jl (moving O_l towards j by b = c_il s_il Dx_il / W_l);
* utility is linear in the distance of the outcome weighted by salience, so the gains are
  G_i = s_ik a - s_il b and G_j = s_jl b - s_jk a;
* **equal gain** (the variant implemented): G_i = G_j, i.e. b = a (s_ik + s_jk) / (s_il +
  s_jl); the larger move is capped at the partner's position (an actor shifts at most to the
  position of the actor it trades with), the other scaled to keep the gains equal. Then
  G = a (s_ik s_jl - s_il s_jk) / (s_il + s_jl) > 0.

Rounds: all feasible exchanges are computed against the round's expected outcomes and
carried out in decreasing order of gain; a stance (actor, issue) takes part in at most one
exchange per round. Rounds repeat until no exchange is possible or ``rounds`` is reached.
The forecast is the expected outcome O_k after the last round.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from standoff.bargaining.inputs import BargainingModel
from standoff.bargaining.options import bounded, describe, parse_options
from standoff.bargaining.results import Forecast, IssueForecast

_EPS = 1e-9


@dataclass(frozen=True)
class ExchangeOptions:
    """Options of the exchange model.

    rounds: the largest number of exchange rounds (the model usually stops earlier).
    min_gain: exchanges whose gain (per actor, salience x scale-fraction units) is below
        this are ignored; stops endless tiny trades.
    """

    rounds: int = bounded(10, 0)
    min_gain: float = bounded(1e-6, 0.0)

    @classmethod
    def parse(cls, given: dict[str, Any]) -> ExchangeOptions:
        return parse_options(cls, given, "exchange")

    def with_rounds(self, rounds: int) -> ExchangeOptions:
        return replace(self, rounds=rounds)


def _outcomes(x: np.ndarray, w: np.ndarray, has: np.ndarray) -> np.ndarray:
    ww = np.where(has, w, 0.0)
    tot = ww.sum(axis=0)
    plain = np.where(has, x, 0.0).sum(axis=0) / np.maximum(has.sum(axis=0), 1)
    return np.where(tot > _EPS, (ww * np.where(has, x, 0.0)).sum(axis=0) / np.where(
        tot > _EPS, tot, 1.0), plain)


def _candidates(
    x: np.ndarray, s: np.ndarray, w: np.ndarray, W: np.ndarray, has: np.ndarray,
    width: np.ndarray, expected: np.ndarray, min_gain: float,
) -> tuple[np.ndarray, ...]:
    """Every profitable exchange: actor i demands on issue k (j moves towards i there) and
    supplies on issue m (i moves towards j), for every ordered pair of actors, as arrays
    ``(gain, i, j, k, m, a, b)``. The conditions, per pair of issues: both actors hold
    stances on both; i cares relatively more about k than j does
    (s_ik s_jm > s_im s_jk); the two sit on opposite sides of the expected outcome on each
    issue; the weights involved are positive. The shifts ``a`` (on k) and ``b`` (on m) are
    the largest with equal gain for both, and the gain must exceed ``min_gain``. Computed
    for all pairs of actors and all pairs of issues at once, as one (actors, actors,
    issues, issues) mask: the same arithmetic, element by element, as one pair at a time,
    and the same row order (i, then j, then k, then m), so the output is identical."""
    n, K = x.shape
    deviation = x - expected[None, :]
    # axes: (i, j, k, m); every ordered pair of actors and of issues at once
    both = has[:, None, :] & has[None, :, :]  # (i, j, issue)
    opposed = deviation[:, None, :] * deviation[None, :, :] < -_EPS
    usable = both & opposed & (W > _EPS)[None, None, :]
    demand = usable & (w > _EPS)[None, :, :]  # j's weight on issue k
    supply = usable & (w > _EPS)[:, None, :]  # i's weight on issue m
    ok = demand[:, :, :, None] & supply[:, :, None, :]
    ok &= ~np.eye(K, dtype=bool)[None, None, :, :]
    ok &= ~np.eye(n, dtype=bool)[:, :, None, None]
    # s_ik s_jm > s_jk s_im (+ tolerance), the products formed as np.outer(s[i], s[j]) did
    ok &= (s[:, None, :, None] * s[None, :, None, :]
           > s[None, :, :, None] * s[:, None, None, :] + _EPS)
    i, j, k, m = np.nonzero(ok)
    if not i.size:
        empty = np.zeros(0)
        index = np.zeros(0, dtype=np.int64)
        return empty, index, index, index, index, empty, empty
    a_max = w[j, k] * np.abs(x[i, k] - x[j, k]) / W[k] / width[k]
    b_max = w[i, m] * np.abs(x[j, m] - x[i, m]) / W[m] / width[m]
    ratio = (s[i, k] + s[j, k]) / (s[i, m] + s[j, m])
    first = ratio * a_max <= b_max
    a = np.where(first, a_max, b_max / ratio)
    b = np.where(first, ratio * a_max, b_max)
    gain = s[i, k] * a - s[i, m] * b
    keep = gain > min_gain
    return gain[keep], i[keep], j[keep], k[keep], m[keep], a[keep], b[keep]


def _gain_order(gain: np.ndarray, *keys: np.ndarray) -> list[int]:
    """The order in which exchanges are taken: larger gain first; gains equal to 12
    significant digits (the same gain computed along two paths can differ in the last
    bits) in the order of ``keys`` (actors, then issues).

    Rounding to 12 digits keeps the order of the gains and moves a gain by at most 5e-12
    of its size, and two different gains that round alike differ by less than 1e-11 of
    their size. So only the distinct gains with a neighbour closer than 1e-10 (relative)
    are rounded; the others keep their exact value, which sorts them the same way.
    """
    values, inverse = np.unique(gain, return_inverse=True)
    close = np.abs(np.diff(values)) <= 1e-10 * np.maximum(np.abs(values[1:]),
                                                          np.abs(values[:-1]))
    near = np.zeros(values.shape, dtype=bool)
    near[1:] |= close
    near[:-1] |= close
    key = values.copy()
    key[near] = [float(f"{v:.12g}") for v in values[near].tolist()]
    return np.lexsort((*keys[::-1], -key[inverse.reshape(-1)])).tolist()


def exchange_round(x: np.ndarray, s: np.ndarray, c: np.ndarray, has: np.ndarray,
                   width: np.ndarray, min_gain: float = 1e-6,
                   ) -> tuple[np.ndarray, list[dict[str, Any]]]:
    """One round of equal-gain exchanges; returns new positions and the exchanges made.

    Arrays are (actors, issues); ``has`` marks the stances that exist. Gains are computed
    with distances as fractions of each issue's scale ``width``.
    """
    n, K = x.shape
    w = c * s
    W = np.where(has, w, 0.0).sum(axis=0)
    expected = _outcomes(x, w, has)
    gain, demander, supplier, demanded, supplied, a, b = _candidates(
        x, s, w, W, has, width, expected, min_gain)
    order = _gain_order(gain, demander, supplier, demanded, supplied)
    used = np.zeros((n, K), dtype=bool).tolist()
    new = x.copy()
    done = []
    rows = zip(order, demander[order].tolist(), supplier[order].tolist(),
               demanded[order].tolist(), supplied[order].tolist(), strict=True)
    for t, i, j, k, m in rows:
        if used[i][k] or used[j][k] or used[i][m] or used[j][m]:
            continue
        used[i][k] = used[j][k] = used[i][m] = used[j][m] = True
        dxj = a[t] * width[k] * W[k] / w[j, k]
        dxi = b[t] * width[m] * W[m] / w[i, m]
        new[j, k] = x[j, k] + np.sign(x[i, k] - x[j, k]) * dxj
        new[i, m] = x[i, m] + np.sign(x[j, m] - x[i, m]) * dxi
        done.append({"demander": i, "supplier": j, "issue_demanded": k, "issue_supplied": m,
                     "gain": float(gain[t]), "shift_supplier": float(dxj),
                     "shift_demander": float(dxi)})
    return new, done


#: Most (demander, supplier, issue demanded, issue supplied) combinations examined over a
#: run: about 0.5 µs each when most are profitable (the exchanges are then sorted and
#: taken one by one), so up to about a minute.
MAX_EXCHANGE_COMBINATIONS = 10**8


def run_work(model: BargainingModel, opt: ExchangeOptions) -> int:
    """The combinations of two actors and two issues a run may examine (every round)."""
    n, K = len(model.actors), len(model.issues)
    return n * (n - 1) * K * (K - 1) * max(opt.rounds, 1)


def check_cost(model: BargainingModel, opt: ExchangeOptions) -> None:
    """Refuse, before the first round, a run that would examine more than
    :data:`MAX_EXCHANGE_COMBINATIONS` combinations of two actors and two issues, or whose
    candidate exchanges of one round (about 120 bytes each, at most one per combination)
    would not fit in memory."""
    from standoff.costs import check_cost as refuse_over
    from standoff.words import plural

    n, K = len(model.actors), len(model.issues)
    per_round = n * (n - 1) * K * (K - 1)
    refuse_over(
        f"the exchange model with {plural(n, 'actor')} and {plural(K, 'issue')} "
        f"({plural(opt.rounds, 'round')})",
        memory=120 * per_round, work=run_work(model, opt),
        work_limit=MAX_EXCHANGE_COMBINATIONS,
        unit="combinations of two actors and two issues", file=model.path,
        hint="every pair of actors may trade on every pair of issues: split the file into "
        "groups of related issues, or use --set rounds=N with a smaller N")


def exchange(model: BargainingModel, options: ExchangeOptions | None = None) -> Forecast:
    """Run the equal-gain exchange model over all issues of ``model`` (see module doc);
    refused first by :func:`check_cost` when too large."""
    opt = options or ExchangeOptions()
    check_cost(model, opt)
    actors = [a.id for a in model.actors]
    index = {a: k for k, a in enumerate(actors)}
    K = len(model.issues)
    n = len(actors)
    x = np.zeros((n, K))
    s = np.zeros((n, K))
    c = np.zeros((n, K))
    has = np.zeros((n, K), dtype=bool)
    for k, issue in enumerate(model.issues):
        for st in issue.stances:
            i = index[st.actor]
            x[i, k], s[i, k], c[i, k], has[i, k] = st.position, st.salience, st.capability, True
    width = np.array([i.width for i in model.issues])
    history = [x.copy()]
    outcomes = [_outcomes(x, c * s, has)]
    trades: list[list[dict[str, Any]]] = []
    stopped = f"reached the round limit ({opt.rounds})"
    for _ in range(opt.rounds):
        x, done = exchange_round(x, s, c, has, width, opt.min_gain)
        if not done:
            stopped = "no exchange left that both sides gain from"
            break
        history.append(x.copy())
        outcomes.append(_outcomes(x, c * s, has))
        trades.append([
            {**d, "demander": actors[d["demander"]], "supplier": actors[d["supplier"]],
             "issue_demanded": model.issues[d["issue_demanded"]].id,
             "issue_supplied": model.issues[d["issue_supplied"]].id}
            for d in done
        ])
    out = {}
    for k, issue in enumerate(model.issues):
        rows = [i for i in range(n) if has[i, k]]
        out[issue.id] = IssueForecast(
            issue=issue.id,
            forecast=float(outcomes[-1][k]),
            actors=tuple(actors[i] for i in rows),
            rounds=tuple(tuple(float(h[i, k]) for i in rows) for h in history),
            details={
                "steps": len(history) - 1,
                "stopped": stopped,
                **({"note": "one issue: there is nothing to exchange it for, so the forecast "
                            "is the capability x salience weighted mean of the positions "
                            "(the compromise model)"} if K == 1 else {}),
                "mean": [float(o[k]) for o in outcomes],
                "exchanges": [t for rnd in trades for t in rnd
                              if issue.id in (t["issue_demanded"], t["issue_supplied"])],
            },
        )
    return Forecast("exchange", out, describe(opt),
                    "Stokman & Van Oosten 1994 (equal-gain exchange)")
