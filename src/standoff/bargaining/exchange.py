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
    cands = []
    for i in range(n):
        for j in range(n):
            if i == j:
                continue
            for k in range(K):
                for m in range(K):
                    if k == m or not (has[i, k] and has[j, k] and has[i, m] and has[j, m]):
                        continue
                    # i demands on k, supplies on m
                    if s[i, k] * s[j, m] <= s[i, m] * s[j, k] + _EPS:
                        continue
                    if (x[i, k] - expected[k]) * (x[j, k] - expected[k]) >= -_EPS:
                        continue
                    if (x[i, m] - expected[m]) * (x[j, m] - expected[m]) >= -_EPS:
                        continue
                    if w[j, k] <= _EPS or w[i, m] <= _EPS or W[k] <= _EPS or W[m] <= _EPS:
                        continue
                    a_max = w[j, k] * abs(x[i, k] - x[j, k]) / W[k] / width[k]
                    b_max = w[i, m] * abs(x[j, m] - x[i, m]) / W[m] / width[m]
                    ratio = (s[i, k] + s[j, k]) / (s[i, m] + s[j, m])
                    if ratio * a_max <= b_max:
                        a, b = a_max, ratio * a_max
                    else:
                        a, b = b_max / ratio, b_max
                    gain = s[i, k] * a - s[i, m] * b
                    if gain > min_gain:
                        cands.append((gain, i, j, k, m, a, b))
    # larger gain first; gains equal to 12 significant digits (the same gain computed along
    # two paths can differ in the last bits) are taken in actor, then issue order
    cands.sort(key=lambda t: (-float(f"{t[0]:.12g}"), t[1], t[2], t[3], t[4]))
    used: set[tuple[int, int]] = set()
    new = x.copy()
    done = []
    for gain, i, j, k, m, a, b in cands:
        stances = {(i, k), (j, k), (i, m), (j, m)}
        if stances & used:
            continue
        used |= stances
        dxj = a * width[k] * W[k] / w[j, k]
        dxi = b * width[m] * W[m] / w[i, m]
        new[j, k] = x[j, k] + np.sign(x[i, k] - x[j, k]) * dxj
        new[i, m] = x[i, m] + np.sign(x[j, m] - x[i, m]) * dxi
        done.append({"demander": i, "supplier": j, "issue_demanded": k, "issue_supplied": m,
                     "gain": float(gain), "shift_supplier": float(dxj),
                     "shift_demander": float(dxi)})
    return new, done


def exchange(model: BargainingModel, options: ExchangeOptions | None = None) -> Forecast:
    """Run the equal-gain exchange model over all issues of ``model`` (see module doc)."""
    opt = options or ExchangeOptions()
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
