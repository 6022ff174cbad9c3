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

**Who must prefer the package.** Under ``unanimity`` every actor with a stance on some
issue (the LP above with all of them). Under a ``qualified_majority`` with threshold theta,
weights w_i (the actor's general capability, or 1 each with ``weight: count``) and veto
players V, a coalition S is *winning* when V is a subset of S and
sum_{i in S} w_i >= theta sum_i w_i (the actors of every issue together). A package passes
iff some winning coalition all strictly prefer it; only the coalition's members' gain rows
and hard limits enter the LP (a non-member need not accept). A member with no salience on
any issue of the package is indifferent: it gets no gain row (it does not need to gain and
does not block), and a coalition of indifferent members only accepts any package within
their hard limits (reported as ``vacuous``). Dropping a member removes constraints, so the
LP's optimum t*(S) can only rise: it suffices to check the *minimal* winning coalitions,
and a package exists iff some minimal coalition is vacuous or has t*(S) > 0. We report the coalition
attaining that maximum (``coalition``; the others are ``outside``), every minimal coalition
that admits a package, and, if none does, the best coalition's t* (no coalition gains
anything; a negative t* is the uniform gain every member would have to give up). The number
of minimal winning coalitions can grow exponentially with the number of actors; above
``max_coalitions`` (default 2000) the search refuses with a :class:`ModelError`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from standoff.bargaining.inputs import AgreementRule, BargainingModel, Issue
from standoff.errors import ModelError

_EPS = 1e-9
MAX_COALITIONS = 2000
"""Default limit on the minimal winning coalitions checked under a qualified majority."""


#: Most tableau entries updated by one linear programme, estimated as (rows x columns)
#: per pivot and about one pivot per row: roughly ten seconds of work.
MAX_SIMPLEX_WORK = 3 * 10**9


def check_simplex_cost(rows: int, variables: int, issues: int, file: str | None = None
                       ) -> None:
    """Refuse (:class:`CapacityError`), before it is built, a package-deal linear
    programme whose dense simplex tableau (rows x (variables + 2 rows) numbers) would not
    fit in memory or would take more than :data:`MAX_SIMPLEX_WORK` entry updates;
    ``file`` is the bargaining file, named in the message."""
    from standoff.costs import check_cost
    from standoff.words import plural

    columns = variables + 2 * rows + 1
    check_cost(
        f"the package deal over {plural(issues, 'issue')} (a linear programme of "
        f"{plural(rows, 'constraint')} and {plural(variables, 'variable')})",
        memory=3 * 8 * rows * columns, work=float(rows) * columns * rows,
        work_limit=MAX_SIMPLEX_WORK, unit="tableau updates", file=file,
        hint="the package deal weighs every issue against every other in one programme: "
        "check fewer issues at a time (split the file), or read the per-issue zones, which "
        "need no programme")


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
        # each pivot works on whole columns and rows at once (the same arithmetic, entry
        # by entry, as one row at a time)
        while True:
            cb = cost[basis]
            reduced = cost - cb @ tab[:, :-1]
            entering = np.flatnonzero(allowed & (reduced > _EPS))
            if not entering.size:
                return "optimal"
            enter = int(entering[0])  # Bland: the first improving column
            col = tab[:, enter]
            rows = np.flatnonzero(col > _EPS)
            if not rows.size:
                return "unbounded"
            ratios = tab[rows, -1] / col[rows]
            tied = rows[ratios <= ratios.min() + _EPS]
            leave = int(tied[np.argmin(basis[tied])])  # Bland: the smallest basic variable
            tab[leave] /= tab[leave, enter]
            factor = tab[:, enter].copy()
            factor[leave] = 0.0
            change = np.abs(factor) > 0
            tab[change] -= factor[change, None] * tab[leave]
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


@dataclass
class _Package:
    """The arrays of the package LP for every actor with a stance on some issue."""

    issues: list[Issue]
    actors: list[str]
    lo: np.ndarray
    hi: np.ndarray
    width: np.ndarray
    q: np.ndarray
    pos: np.ndarray
    sal: np.ndarray
    has: np.ndarray
    limits: list[list[tuple[int, float, float]]]  # per actor: (issue index, lo, hi)
    file: str | None = None  # the bargaining file, for error messages


def _setup(model: BargainingModel) -> _Package:
    issues = list(model.issues)
    K = len(issues)
    order = [x.id for x in model.actors]
    actors = sorted({a for i in issues for a in i.actors}, key=order.index)
    pos = np.zeros((len(actors), K))
    sal = np.zeros((len(actors), K))
    has = np.zeros((len(actors), K), dtype=bool)
    limits: list[list[tuple[int, float, float]]] = [[] for _ in actors]
    for k, issue in enumerate(issues):
        for s in issue.stances:
            i = actors.index(s.actor)
            pos[i, k], sal[i, k], has[i, k] = s.position, s.salience, True
            if s.acceptable is not None:
                limits[i].append((k, *s.acceptable))
            limits[i] += [(k, *r.acceptable) for r in s.ratifiers]
    return _Package(
        issues=issues, actors=actors,
        lo=np.array([i.low for i in issues], dtype=float),
        hi=np.array([i.high for i in issues], dtype=float),
        width=np.array([i.width for i in issues], dtype=float),
        q=np.array([i.status_quo for i in issues], dtype=float),
        pos=pos, sal=sal, has=has, limits=limits, file=model.path,
    )


def _solve(pk: _Package, members: list[int]) -> dict[str, Any]:
    """The maximin LP of the module docstring with only ``members``' constraints.

    Every member's hard limits bound x; every member with some salience gets a gain row.
    """
    K = len(pk.issues)
    lo, hi = pk.lo.copy(), pk.hi.copy()
    for i in members:
        for k, a, b in pk.limits[i]:
            lo[k] = max(lo[k], a)
            hi[k] = min(hi[k], b)
    if np.any(lo > hi + _EPS):
        bad = [pk.issues[k].id for k in range(K) if lo[k] > hi[k] + _EPS]
        return {"exists": False, "maximin_gain": None, "outcome": None,
                "note": "explicit hard limits leave no outcome on " + ", ".join(bad)}
    hi = np.maximum(hi, lo)
    sal, pos, has, q, width = pk.sal, pk.pos, pk.has, pk.q, pk.width
    required = [i for i in members if sal[i][has[i]].sum() > _EPS]
    if not required:
        # nobody in the coalition cares about these issues: nobody needs to gain, so every
        # package within the members' hard limits passes (vacuously); we name the status
        # quo, moved into those limits
        return {"exists": True, "vacuous": True, "maximin_gain": None,
                "outcome": {pk.issues[k].id: float(min(max(q[k], lo[k]), hi[k]))
                            for k in range(K)}, "gains": {},
                "note": "no member of the coalition gives any salience to these issues, so "
                        "it accepts any package within its members' limits"}
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
    check_simplex_cost(len(rows), nvar, K, pk.file)
    status, z, value = simplex_max(c, np.array(rows), np.array(rhs))
    if status != "optimal":
        return {"exists": False, "maximin_gain": None, "outcome": None, "note": status}
    x = lo + z[:K]
    gains = {
        pk.actors[i]: float(sum(sal[i, k] * (abs(q[k] - pos[i, k]) - abs(x[k] - pos[i, k]))
                                / width[k] for k in range(K) if has[i, k]))
        for i in required
    }
    return {
        "exists": bool(value > 1e-7),
        "maximin_gain": float(value),
        "outcome": {pk.issues[k].id: float(x[k]) for k in range(K)},
        "gains": gains,
    }


def minimal_winning_coalitions(weights: Sequence[float], need: float, forced: Sequence[int],
                               limit: int) -> list[list[int]] | None:
    """Every minimal winning coalition, or None if there are more than ``limit``.

    A coalition S is *winning* when it contains every ``forced`` (veto) index and
    sum_{i in S} w_i >= need; it is *minimal* when dropping any non-forced member makes it
    losing. Depth-first search over the other actors in decreasing weight: a branch stops
    as soon as it wins (its last member is its lightest optional one, so dropping any
    optional member loses) and is pruned when even all remaining actors cannot reach
    ``need``. Every surviving branch ends in a minimal winning coalition, so the search
    visits O(n x number of coalitions) nodes; each coalition is found once.

    >>> minimal_winning_coalitions([0.4, 0.35, 0.25], 0.6, [], 10)
    [[0, 1], [0, 2], [1, 2]]
    >>> minimal_winning_coalitions([0.4, 0.35, 0.25], 0.6, [2], 10)
    [[0, 2], [1, 2]]
    """
    forced = sorted(set(forced))
    optional = sorted((i for i in range(len(weights)) if i not in forced),
                      key=lambda i: (-weights[i], i))
    suffix = [0.0] * (len(optional) + 1)
    for j in range(len(optional) - 1, -1, -1):
        suffix[j] = suffix[j + 1] + weights[optional[j]]
    found: list[list[int]] = []
    base = float(sum(weights[i] for i in forced))
    if base >= need - _EPS:
        return [forced]

    def dfs(j: int, chosen: list[int], w: float) -> bool:
        """False once the limit is exceeded."""
        if w >= need - _EPS:
            found.append(sorted(forced + chosen))
            return len(found) <= limit
        if j == len(optional) or w + suffix[j] < need - _EPS:
            return True
        chosen.append(optional[j])
        ok = dfs(j + 1, chosen, w + weights[optional[j]])
        chosen.pop()
        return ok and dfs(j + 1, chosen, w)

    if not dfs(0, [], base):
        return None
    return found


def package_deal(model: BargainingModel, rule: AgreementRule | None = None,
                 max_coalitions: int = MAX_COALITIONS) -> dict[str, Any]:
    """Search for a package that every member of some winning coalition strictly prefers.

    Under ``unanimity`` the only winning coalition is every actor. Under a
    ``qualified_majority`` we solve the LP of the module docstring for each minimal
    winning coalition (see :func:`minimal_winning_coalitions`) and report the one with the
    largest maximin gain. Raises :class:`ModelError` when there are more than
    ``max_coalitions`` coalitions to check.
    """
    rule = rule or model.agreement
    if any(i.status_quo is None for i in model.issues):
        return {"exists": None, "note": "every issue needs a status quo"}
    pk = _setup(model)
    everyone = list(range(len(pk.actors)))
    if rule.rule == "unanimity":
        res = _solve(pk, everyone)
        return {"rule": rule.rule, **res, "coalition": list(pk.actors), "outside": []}
    caps = {a.id: a.capability for a in model.actors}
    weights = [1.0 if rule.weight == "count" else float(caps[a]) for a in pk.actors]
    need = rule.threshold * sum(weights)
    forced = [pk.actors.index(v) for v in rule.veto if v in pk.actors]
    coalitions = minimal_winning_coalitions(weights, need, forced, max_coalitions)
    if coalitions is None:
        raise ModelError(
            f"the package-deal search under a qualified majority of {rule.threshold:g} "
            f"would check more than {max_coalitions} minimal winning coalitions of "
            f"{len(pk.actors)} actors (one linear programme each)",
            file=model.path,
            hint="name veto players (--veto or 'agreement: {veto: [...]}'), raise the limit "
                 "with --max-coalitions N, or use --rule unanimity",
        )
    # best: a package some members gain from (largest maximin gain), then a vacuous pass
    # (a coalition indifferent to every issue), then the least-bad failure
    best: tuple[tuple[bool, bool, float], int, dict[str, Any]] | None = None
    with_package: list[list[str]] = []
    for n, members in enumerate(coalitions):
        res = _solve(pk, members)
        names = [pk.actors[i] for i in members]
        if res["exists"]:
            with_package.append(names)
        t = res["maximin_gain"]
        score = (bool(res["exists"]), not res.get("vacuous", False),
                 -np.inf if t is None else float(t))
        if best is None or score > best[0]:
            best = (score, n, res)
    if best is None:  # no coalition at all: the threshold exceeds everyone's weight
        return {"rule": rule.rule, "exists": False, "maximin_gain": None, "outcome": None,
                "coalition": None, "outside": list(pk.actors), "coalitions_checked": 0,
                "coalitions_with_package": [], "weight_needed": need,
                "note": "no coalition reaches the threshold"}
    _, n, res = best
    members = coalitions[n]
    return {
        "rule": rule.rule,
        **res,
        "coalition": [pk.actors[i] for i in members],
        "outside": [a for i, a in enumerate(pk.actors) if i not in members],
        "coalition_weight": float(sum(weights[i] for i in members)),
        "weight_needed": float(need),
        "coalitions_checked": len(coalitions),
        "coalitions_with_package": with_package,
    }
