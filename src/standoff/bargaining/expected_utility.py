"""Bueno de Mesquita's expected-utility (challenge) model, as read by Scholz et al. (2011).

References: Bueno de Mesquita, B. (1994), "Political forecasting: an expected utility
method", in Bueno de Mesquita & Stokman (eds.), *European Community Decision Making*, Yale
UP; Scholz, J. B., Calbert, G. J. & Smith, G. A. (2011), "Unravelling Bueno de Mesquita's
group decision model", *Journal of Theoretical Politics* 23(4) (conference version ICAART
2011, pp. 18-30). Equations below follow Scholz et al.; their numbering is not repeated.

One issue; actors with position x_i, capability c_i, salience s_i; distances are fractions
of the scale, d(a, b) = |a - b| / (high - low) (option ``distance``).

* **Votes.** Actor k's vote between positions of i and j:
  v_k(i, j) = c_k s_k ((|x_k - x_j| / range)^e_k - (|x_k - x_i| / range)^e_k), positive if
  k prefers i; e_k = 1 (option ``vote_risk=neutral``) or k's risk exponent R_k (``voter``,
  as in Scholz et al.'s code).
* **Median.** The position that wins every pairwise vote: the actor position minimising
  sum_k c_k s_k |x_k - x| (= the weighted median; option ``median``).
* **Probability of success** of i against j (option ``probability``):
  ``pairwise``: P_ij = sum_{k: v_k(i,j) > 0} v_k(i,j) / sum_k |v_k(i,j)| (so P_ij + P_ji = 1);
  ``all_pairs``: the same numerator over sum_k sum_a sum_b |v_k(a,b)|, the votes over every
  pair of actors (Scholz et al.'s code; makes P small, which damps conflicts);
  ``capability``: P_ij = sum_{k prefers i} c_k s_k / sum_{k not indifferent} c_k s_k.
  P_ij = 0 when x_i = x_j.
* **Utilities** of i (risk exponent R_i):
  U_s = 2 - 4 (0.5 - 0.5 d_ij)^R_i (i wins against j), U_f = 2 - 4 (0.5 + 0.5 d_ij)^R_i
  (i loses), U_b = 2 - 4 (0.5 - 0.25 (d_im + d_ij))^R_i and U_w = 2 - 4 (0.5 + 0.25 (d_im +
  d_ij))^R_i (things get better / worse without a challenge), U_sq = 2 - 4 (0.5)^R_i;
  d_im is i's distance to the median.
* **Expected utility** of i challenging j:
  EU_ij = s_j (P_ij U_s + (1 - P_ij) U_f) + (1 - s_j) U_s - Q U_sq - (1 - Q)(T U_b + (1 - T)
  U_w), with Q the probability that the status quo persists without a challenge (Scholz
  et al.: "no value for Q was given, we chose Q = 1.0") and T = 1 if i is closer to the
  median than j, else 0 (option ``t_rule``).
* **Risk.** With risk-neutral utilities (R = 1), a security score X_i (option ``security``):
  ``others_challenge``: X_i = sum_{j != i} EU_ji (what the others expect from challenging i:
  a vulnerable, risk-acceptant position scores high); ``own_challenges``: X_i = sum_{j != i}
  EU_ij. Then r_i = (2 X_i - X_max - X_min) / (X_max - X_min) in [-1, 1] and
  R_i = (1 - r_i / 3) / (1 + r_i / 3) in [0.5, 2].
* **Offers.** For receiver j and proposer i, e_ij = EU of i challenging j and e_ji = EU
  of j challenging i, each with its challenger's own exponent (``perspective=own``) or
  both with the receiver's exponent (``receiver``: the receiver judges the pair, as in
  Scholz et al.'s code and BDM's "from i's perspective"):
  both positive and e_ij > e_ji: *conflict* that i wins, j is offered x_i;
  e_ij > 0 > e_ji and e_ij > |e_ji|: *compromise*, j is offered x_j + (x_i - x_j)
  |e_ji / e_ij|; e_ij > 0 > e_ji and |e_ji| >= e_ij: *capitulation*, j is offered x_i
  (option ``capitulation=false`` drops these offers); otherwise no offer.
* **Offer choice** (option ``offer``): ``closest`` (the offer needing the smallest move, the
  rule the papers state), ``by_kind`` (conflict offers first, then compromise, then
  capitulation; closest within the kind), ``scholz_code`` (as ``by_kind``, but among
  compromises the one minimising (|e_ji| x_i + |e_ij| x_j) / (|e_ji| + |e_ij|), the
  selection found in Scholz et al.'s code), ``strongest`` (the challenger with the largest
  e_ij), ``mean``. All actors move at once; the round is repeated.
* **Forecast.** The median after the last round (option ``forecast``: ``median`` or
  ``mean``, the capability x salience weighted mean). Stopping (option ``stop``): ``rounds``
  runs exactly ``rounds`` rounds; ``stable`` stops early once the forecast has moved less
  than ``tolerance`` x range for ``patience`` consecutive rounds. On the EC emission case
  the model does not converge (the median oscillates), so a stopping rule is a real choice.

**Defaults** are the ``scholz2011`` preset: the only reading we found that reproduces a
published round table (all ten rounds of the EC emission case to two decimals). The
``paper`` preset follows the printed equations instead. Neither beats the weighted mean on
DEU III (docs/bargaining.md).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, Literal

import numpy as np

from standoff.bargaining.compromise import weighted_mean, weighted_median
from standoff.bargaining.inputs import BargainingModel, Issue
from standoff.bargaining.options import bounded, describe, parse_options
from standoff.bargaining.results import Forecast, IssueForecast
from standoff.errors import ModelError
from standoff.words import plural

_EPS = 1e-12


@dataclass(frozen=True)
class EUOptions:
    """Named options of the expected-utility model (defaults and reasons in the docs)."""

    rounds: int = bounded(10, 0)
    q: float = bounded(1.0, 0.0, 1.0)
    t_rule: Literal["closer_to_median", "farther_from_median"] = "closer_to_median"
    probability: Literal["pairwise", "all_pairs", "capability"] = "all_pairs"
    vote_risk: Literal["neutral", "voter"] = "voter"
    perspective: Literal["own", "receiver"] = "receiver"
    capitulation: bool = True
    median: Literal["pairwise", "weighted_median", "capability_only"] = "pairwise"
    security: Literal["others_challenge", "own_challenges"] = "others_challenge"
    risk: Literal["computed", "neutral"] = "computed"
    offer: Literal["closest", "by_kind", "scholz_code", "strongest", "mean"] = "scholz_code"
    distance: Literal["scale", "positions"] = "scale"
    forecast: Literal["median", "mean"] = "median"
    stop: Literal["rounds", "stable"] = "stable"
    tolerance: float = bounded(0.01, 0.0, 1.0)
    patience: int = bounded(1, 1)

    @classmethod
    def parse(cls, given: dict[str, Any]) -> EUOptions:
        """Options from ``NAME=VALUE`` pairs; ``preset=NAME`` starts from :data:`PRESETS`."""
        given = dict(given)
        name = given.pop("preset", None)
        if name is None:
            return parse_options(cls, given, "expected_utility")
        if name not in PRESETS:
            raise ModelError(f"unknown preset '{name}'",
                             hint="presets: " + ", ".join(sorted(PRESETS)))
        return parse_options(cls, {**describe(PRESETS[name]), **given}, "expected_utility")

    def with_rounds(self, rounds: int) -> EUOptions:
        return replace(self, rounds=rounds)


#: Named sets of options. ``scholz2011`` reproduces the round table of Scholz et al. (2011)
#: on the EC emission case (their probability denominator sums the votes over all pairs,
#: voters' distances carry their risk exponents, both sides of a pair are evaluated with
#: the receiving actor's exponent, and offers are taken by kind: conflict, then compromise,
#: then capitulation). ``paper`` follows the equations as printed: P_ij + P_ji = 1, each
#: actor its own exponent, the offer needing the least move.
PRESETS: dict[str, EUOptions] = {
    "scholz2011": EUOptions(),
    "paper": EUOptions(probability="pairwise", vote_risk="neutral", perspective="own",
                       offer="closest"),
}


def median_position(x: np.ndarray, c: np.ndarray, s: np.ndarray, how: str) -> float:
    """The median under option ``how`` (see module docstring)."""
    if how == "weighted_median":
        return weighted_median(x, c * s)
    w = c if how == "capability_only" else c * s
    if w.sum() <= _EPS:
        w = np.ones_like(x)
    loss = np.abs(x[:, None] - x[None, :]) * w[:, None]  # loss[k, i] = w_k |x_k - x_i|
    total = loss.sum(axis=0)
    best = np.flatnonzero(total <= total.min() + 1e-12)
    return float(np.min(x[best]))  # ties: the lowest such position (stated)


def _votes(x: np.ndarray, c: np.ndarray, s: np.ndarray, rng: float, exponent: np.ndarray,
           ) -> np.ndarray:
    """v[k, i, j] = c_k s_k ((|x_k - x_j| / range)^e_k - (|x_k - x_i| / range)^e_k)."""
    d = (np.abs(x[:, None] - x[None, :]) / rng) ** exponent[:, None]  # d[k, m]
    return (c * s)[:, None, None] * (d[:, None, :] - d[:, :, None])


def _probability(x: np.ndarray, c: np.ndarray, s: np.ndarray, rng: float, R: np.ndarray,
                 opt: EUOptions) -> np.ndarray:
    """P[i, j]: probability that i prevails against j (option ``probability``)."""
    exponent = R if opt.vote_risk == "voter" else np.ones_like(x)
    v = _votes(x, c, s, rng, exponent)
    pos = np.clip(v, 0, None).sum(axis=0)
    if opt.probability == "pairwise":
        den = np.abs(v).sum(axis=0)
    elif opt.probability == "all_pairs":
        den = np.full_like(pos, np.abs(v).sum())
    else:
        w = (c * s)[:, None, None]
        pos = (w * (v > _EPS)).sum(axis=0)
        den = (w * (np.abs(v) > _EPS)).sum(axis=0)
    P = np.where(den > _EPS, pos / np.where(den > _EPS, den, 1.0), 0.0)
    same = np.abs(x[:, None] - x[None, :]) <= _EPS
    return np.where(same, 0.0, P)


def expected_utilities(x: np.ndarray, c: np.ndarray, s: np.ndarray, R: np.ndarray,
                       med: float, rng: float, opt: EUOptions,
                       exponent: np.ndarray | None = None) -> np.ndarray:
    """EU[i, j]: actor i's expected utility of challenging j (see module docstring).

    ``exponent[i, j]`` is the risk exponent used for the pair (default R_i, i's own); the
    votes behind P use R as the voters' exponents when ``vote_risk`` is ``voter``.
    """
    P = _probability(x, c, s, rng, R, opt)
    d = np.abs(x[:, None] - x[None, :]) / rng
    dm = (np.abs(x - med) / rng)[:, None]
    r = R[:, None] if exponent is None else exponent
    us = 2 - 4 * (0.5 - 0.5 * d) ** r
    uf = 2 - 4 * (0.5 + 0.5 * d) ** r
    ub = 2 - 4 * np.clip(0.5 - 0.25 * (dm + d), 0, None) ** r
    uw = 2 - 4 * np.clip(0.5 + 0.25 * (dm + d), None, 1.0) ** r
    usq = 2 - 4 * 0.5 ** r
    closer = np.abs(x - med)[:, None] < np.abs(x - med)[None, :]
    T = closer if opt.t_rule == "closer_to_median" else ~closer
    sj = s[None, :]
    eu = (sj * (P * us + (1 - P) * uf) + (1 - sj) * us
          - opt.q * usq - (1 - opt.q) * (T * ub + (1 - T) * uw))
    np.fill_diagonal(eu, 0.0)
    return eu


def risk_exponents(x: np.ndarray, c: np.ndarray, s: np.ndarray, med: float, rng: float,
                   opt: EUOptions) -> np.ndarray:
    """R_i in [0.5, 2] from the security scores (see module docstring)."""
    n = len(x)
    if opt.risk == "neutral":
        return np.ones(n)
    eu = expected_utilities(x, c, s, np.ones(n), med, rng, opt)
    X = eu.sum(axis=0) if opt.security == "others_challenge" else eu.sum(axis=1)
    spread = X.max() - X.min()
    if spread <= _EPS:
        return np.ones(n)
    r = (2 * X - X.max() - X.min()) / spread
    return (1 - r / 3) / (1 + r / 3)


_KIND_ORDER = {"conflict": 0, "compromise": 1, "capitulation": 2}


def one_round(x: np.ndarray, c: np.ndarray, s: np.ndarray, rng: float, opt: EUOptions,
              ) -> tuple[np.ndarray, dict[str, Any]]:
    """One round of challenges and offers; returns the new positions and the round's data.

    For receiver j and proposer i: e_ij = EU of i challenging j, e_ji = EU of j challenging
    i, both with each actor's own risk exponent (``perspective=own``) or both with j's
    (``perspective=receiver``).
    """
    med = median_position(x, c, s, opt.median)
    R = risk_exponents(x, c, s, med, rng, opt)
    own = expected_utilities(x, c, s, R, med, rng, opt)
    if opt.perspective == "receiver":
        seen_by_target = expected_utilities(x, c, s, R, med, rng, opt,
                                            exponent=np.broadcast_to(R[None, :], own.shape))
    else:
        seen_by_target = own
    n = len(x)
    offers: list[list[tuple[float, float, int, str, float]]] = [[] for _ in range(n)]
    for j in range(n):  # receiver
        for i in range(n):  # proposer
            if i == j or abs(x[i] - x[j]) <= _EPS:
                continue
            eij = seen_by_target[i, j]  # i challenges j
            eji = own[j, i]  # j challenges i, with j's own exponent in both perspectives
            if eij <= 0:
                continue
            if eji > 0:
                if eij > eji:
                    offers[j].append((x[i], eij, i, "conflict", eji))
            elif eij > abs(eji):
                offers[j].append((x[j] + (x[i] - x[j]) * abs(eji / eij), eij, i, "compromise",
                                  eji))
            elif opt.capitulation:
                offers[j].append((x[i], eij, i, "capitulation", eji))
    new = x.copy()
    chosen: list[dict[str, Any] | None] = [None] * n
    for j in range(n):
        if not offers[j]:
            continue
        if opt.offer == "closest":
            pos, e, i, kind, _ = min(offers[j], key=lambda o: (abs(o[0] - x[j]), -o[1]))
        elif opt.offer == "strongest":
            pos, e, i, kind, _ = max(offers[j], key=lambda o: (o[1], -abs(o[0] - x[j])))
        elif opt.offer in ("by_kind", "scholz_code"):
            first = min(_KIND_ORDER[o[3]] for o in offers[j])
            pool = [o for o in offers[j] if _KIND_ORDER[o[3]] == first]
            if opt.offer == "scholz_code" and pool[0][3] == "compromise":
                def key(o: tuple, j: int = j) -> float:
                    return (abs(o[4]) * x[o[2]] + abs(o[1]) * x[j]) / (abs(o[4]) + abs(o[1]))
            else:
                def key(o: tuple, j: int = j) -> float:
                    return abs(o[0] - x[j])
            pos, e, i, kind, _ = min(pool, key=key)
        else:
            pos = float(np.mean([o[0] for o in offers[j]]))
            i, kind = -1, "mean"
        new[j] = pos
        chosen[j] = {"from": i, "kind": kind, "position": float(pos)}
    return new, {"median": med, "risk": R.tolist(), "chosen": chosen}


def forecast_issue(issue: Issue, opt: EUOptions) -> IssueForecast:
    """Run the model on one issue; rounds, medians and means are recorded."""
    x, s, c = issue.arrays()
    fixed_rng = issue.width

    def rng_of(pos: np.ndarray) -> float:
        if opt.distance == "scale":
            return fixed_rng
        spread = float(pos.max() - pos.min())
        return spread if spread > _EPS else 1.0

    def summary(pos: np.ndarray) -> tuple[float, float]:
        return median_position(pos, c, s, opt.median), weighted_mean(pos, c * s)

    history = [x.copy()]
    med0, mean0 = summary(x)
    medians, means = [med0], [mean0]
    kinds: list[list[str | None]] = []
    risks: list[list[float]] = []
    still = 0
    stopped = (f"ran every round ({opt.rounds})" if opt.stop == "rounds" else
               f"reached the round limit ({opt.rounds}) before the {opt.forecast} settled")
    for _ in range(opt.rounds):
        x, data = one_round(x, c, s, rng_of(x), opt)
        history.append(x.copy())
        med, mean = summary(x)
        medians.append(med)
        means.append(mean)
        kinds.append([d["kind"] if d else None for d in data["chosen"]])
        risks.append(data["risk"])
        series = medians if opt.forecast == "median" else means
        if opt.stop == "stable":
            still = still + 1 if abs(series[-1] - series[-2]) < opt.tolerance * fixed_rng else 0
            if still >= opt.patience:
                stopped = (f"stable: the {opt.forecast} moved less than {opt.tolerance:g} of "
                           f"the scale for {plural(opt.patience, 'round')} (stop=stable)")
                break
    value = medians[-1] if opt.forecast == "median" else means[-1]
    return IssueForecast(
        issue=issue.id,
        forecast=float(value),
        actors=tuple(issue.actors),
        rounds=tuple(tuple(float(v) for v in h) for h in history),
        details={"median": medians, "mean": means, "offers_taken": kinds, "risk": risks,
                 "steps": len(history) - 1, "stopped": stopped},
    )


#: Most (voter, challenger, target) cells computed over a whole run: at a few nanoseconds
#: per cell and operation, up to about half a minute.
MAX_VOTE_CELLS = 2 * 10**9


def run_work(model: BargainingModel, opt: EUOptions) -> int:
    """The vote cells a run may compute (actors³ per issue, table and round)."""
    tables = 1 + (opt.risk != "neutral") + (opt.perspective == "receiver")
    return sum(len(i.actors) ** 3 for i in model.issues) * tables * max(opt.rounds, 1)


def check_cost(model: BargainingModel, opt: EUOptions) -> None:
    """Refuse, before any round, a run whose vote arrays (actors³ numbers per issue, about
    four such arrays at once) would not fit in memory, or whose rounds would compute more
    than :data:`MAX_VOTE_CELLS` cells (up to three expected-utility tables per round)."""
    from standoff.costs import check_cost as refuse_over
    from standoff.words import plural

    largest = max((len(i.actors) for i in model.issues), default=0)
    cells = run_work(model, opt)
    refuse_over(
        f"the expected-utility model with {plural(largest, 'actor')} on an issue "
        f"({plural(len(model.issues), 'issue')}, {plural(opt.rounds, 'round')})",
        memory=4 * 8 * largest**3, work=cells, work_limit=MAX_VOTE_CELLS,
        unit="vote cells (actors³ per issue, table and round)", file=model.path,
        hint="the model compares every actor's vote on every pair of actors (actors³ "
        "numbers): merge actors into fewer blocs or use the compromise or median model; "
        "--set rounds=N with a smaller N shortens the run")


def expected_utility(model: BargainingModel, options: EUOptions | None = None) -> Forecast:
    """Run the expected-utility model on every issue of ``model`` (refused first by
    :func:`check_cost` when too large)."""
    opt = options or EUOptions()
    check_cost(model, opt)
    out = {i.id: forecast_issue(i, opt) for i in model.issues}
    return Forecast("expected_utility", out, describe(opt),
                    "Bueno de Mesquita 1994; Scholz, Calbert & Smith 2011")
