"""Package deals across issues: is there an outcome vector every required actor prefers?

With status quo q_k on every issue and the salience-weighted linear loss (the utility of
the exchange model, Stokman & Van Oosten 1994), actor i's gain from outcome x over no
agreement is

    g_i(x) = sum_k s_ik (|q_k - p_ik| - |x_k - p_ik|) / w_k,      w_k = width of scale k.

Even when no single issue has an outcome every actor strictly prefers, a package may exist
(logrolling). We solve the linear programme

    maximise t  subject to  t <= g_i(x) for every required actor i with some salience,
                            x_k within the scale and every explicit hard limit
                            (``acceptable`` ranges and ratifiers' ranges),

linearising |x_k - p_ik| by u_ik >= +-(x_k - p_ik). A package strictly better for everyone
exists iff t* > 0; t* = 0 means only outcomes as good as the status quo (e.g. q itself).
The solver is a plain two-phase simplex with Bland's rule, written for this module.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from standoff.bargaining.inputs import AgreementRule, BargainingModel

_EPS = 1e-9


def simplex_max(c: np.ndarray, a: np.ndarray, b: np.ndarray) -> tuple[str, np.ndarray, float]:
    """Maximise c.z subject to a z <= b, z >= 0 (two-phase simplex, Bland's rule).

    Returns (status, z, value) with status ``optimal``, ``infeasible`` or ``unbounded``.

    >>> s, z, v = simplex_max(np.array([1.0, 1.0]), np.array([[1.0, 2.0], [3.0, 1.0]]),
    ...                       np.array([4.0, 6.0]))
    >>> s, round(v, 6)
    ('optimal', 2.8)
    """
    m, n = a.shape
    a = a.astype(float).copy()
    b = b.astype(float).copy()
    neg = b < 0
    a[neg] *= -1
    b[neg] *= -1
    # columns: n originals, m slacks (+1 for <= rows, -1 for flipped rows), artificials
    n_art = int(neg.sum())
    width = n + m + n_art
    tab = np.zeros((m, width + 1))
    tab[:, :n] = a
    tab[np.arange(m), n + np.arange(m)] = np.where(neg, -1.0, 1.0)
    basis = np.empty(m, dtype=int)
    art_cols = []
    k = 0
    for r in range(m):
        if neg[r]:
            col = n + m + k
            tab[r, col] = 1.0
            basis[r] = col
            art_cols.append(col)
            k += 1
        else:
            basis[r] = n + r
    tab[:, -1] = b

    def run(cost: np.ndarray, allowed: np.ndarray) -> str:
        while True:
            cb = cost[basis]
            reduced = cost - cb @ tab[:, :-1]
            enter = next((j for j in range(width) if allowed[j] and reduced[j] > _EPS), None)
            if enter is None:
                return "optimal"
            col = tab[:, enter]
            rows = [r for r in range(m) if col[r] > _EPS]
            if not rows:
                return "unbounded"
            ratios = [(tab[r, -1] / col[r], basis[r], r) for r in rows]
            best = min(q for q, _, _ in ratios)
            leave = min((bv, r) for q, bv, r in ratios if q <= best + _EPS)[1]
            tab[leave] /= tab[leave, enter]
            for r in range(m):
                if r != leave and abs(tab[r, enter]) > 0:
                    tab[r] -= tab[r, enter] * tab[leave]
            basis[leave] = enter

    allowed = np.ones(width, dtype=bool)
    if n_art:
        cost1 = np.zeros(width)
        cost1[art_cols] = -1.0
        run(cost1, allowed)
        if tab[[r for r in range(m) if basis[r] in art_cols], -1].sum() > 1e-7:
            return "infeasible", np.zeros(n), float("nan")
        # drive remaining (zero-valued) artificials out of the basis where possible
        for r in range(m):
            if basis[r] in art_cols:
                j = next((j for j in range(n + m) if abs(tab[r, j]) > _EPS), None)
                if j is not None:
                    tab[r] /= tab[r, j]
                    for q in range(m):
                        if q != r:
                            tab[q] -= tab[q, j] * tab[r]
                    basis[r] = j
        allowed[art_cols] = False
    cost2 = np.zeros(width)
    cost2[:n] = c
    status = run(cost2, allowed)
    z = np.zeros(width)
    z[basis] = tab[:, -1]
    return status, z[:n], float(c @ z[:n])


def package_deal(model: BargainingModel, rule: AgreementRule | None = None) -> dict[str, Any]:
    """Search for a package every required actor strictly prefers (see module docstring)."""
    from standoff.bargaining.zopa import Constraint

    rule = rule or model.agreement
    issues = list(model.issues)
    if rule.rule != "unanimity":
        return {"exists": None, "note": "package analysis is implemented for unanimity only"}
    if any(i.status_quo is None for i in issues):
        return {"exists": None, "note": "every issue needs a status quo"}
    K = len(issues)
    lo = np.array([i.low for i in issues])
    hi = np.array([i.high for i in issues])
    width = np.array([i.width for i in issues])
    q = np.array([i.status_quo for i in issues], dtype=float)
    actors = sorted({a for i in issues for a in i.actors}, key=[x.id for x in model.actors].index)
    pos = np.zeros((len(actors), K))
    sal = np.zeros((len(actors), K))
    has = np.zeros((len(actors), K), dtype=bool)
    for k, issue in enumerate(issues):
        for s in issue.stances:
            i = actors.index(s.actor)
            pos[i, k], sal[i, k], has[i, k] = s.position, s.salience, True
            hard = []
            if s.acceptable is not None:
                hard.append(Constraint(s.actor, s.actor, *s.acceptable))
            hard += [Constraint(s.actor, f"{s.actor}/{r.name}", *r.acceptable)
                     for r in s.ratifiers]
            for c in hard:
                lo[k] = max(lo[k], c.lo)
                hi[k] = min(hi[k], c.hi)
    if np.any(lo > hi + _EPS):
        bad = [issues[k].id for k in range(K) if lo[k] > hi[k] + _EPS]
        return {"exists": False, "maximin_gain": None, "outcome": None,
                "note": "explicit hard limits leave no outcome on " + ", ".join(bad)}
    required = [i for i in range(len(actors)) if sal[i][has[i]].sum() > _EPS]
    # variables: y_k = x_k - lo_k (K), u_ik for has[i,k] (U), t+ and t- (2)
    pairs = [(i, k) for i in required for k in range(K) if has[i, k] and sal[i, k] > 0]
    U = len(pairs)
    nvar = K + U + 2
    rows: list[np.ndarray] = []
    rhs: list[float] = []
    for k in range(K):
        r = np.zeros(nvar)
        r[k] = 1.0
        rows.append(r)
        rhs.append(hi[k] - lo[k])
    for j, (i, k) in enumerate(pairs):
        r = np.zeros(nvar)  # x_k - p <= u  ->  y_k - u <= p - lo_k
        r[k], r[K + j] = 1.0, -1.0
        rows.append(r)
        rhs.append(pos[i, k] - lo[k])
        r = np.zeros(nvar)  # p - x_k <= u  -> -y_k - u <= lo_k - p
        r[k], r[K + j] = -1.0, -1.0
        rows.append(r)
        rhs.append(lo[k] - pos[i, k])
    for i in required:  # t + sum s u / w <= sum s |q - p| / w
        r = np.zeros(nvar)
        r[K + U], r[K + U + 1] = 1.0, -1.0
        for j, (ii, k) in enumerate(pairs):
            if ii == i:
                r[K + j] = sal[i, k] / width[k]
        rows.append(r)
        rhs.append(float(sum(sal[i, k] * abs(q[k] - pos[i, k]) / width[k]
                             for k in range(K) if has[i, k])))
    c = np.zeros(nvar)
    c[K + U], c[K + U + 1] = 1.0, -1.0
    status, z, value = simplex_max(c, np.array(rows), np.array(rhs))
    if status != "optimal":
        return {"exists": False, "maximin_gain": None, "outcome": None, "note": status}
    x = lo + z[:K]
    gains = {
        actors[i]: float(sum(sal[i, k] * (abs(q[k] - pos[i, k]) - abs(x[k] - pos[i, k]))
                             / width[k] for k in range(K) if has[i, k]))
        for i in required
    }
    return {
        "exists": bool(value > 1e-7),
        "maximin_gain": float(value),
        "outcome": {issues[k].id: float(x[k]) for k in range(K)},
        "gains": gains,
    }
