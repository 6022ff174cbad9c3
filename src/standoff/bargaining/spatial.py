"""A KTAB-style spatial model of politics (SMP): probabilistic Condorcet elections, risk
from position probability, bargains between pairs of actors, and the 2 % stopping rule.

Sources. KAPSARC's Toolkit for Behavioral Analysis (KTAB, MIT licence): Wise, B. &
Bankes, S. (2015), "Non-spatial probabilistic Condorcet election methodology", arXiv
1505.02691 (the PCE); Efird, B., Lester, L. & Wise, B. (2016), "An introduction to the
KAPSARC Toolkit for Behavioral Analysis (KTAB)", KAPSARC discussion paper; Wise, B.,
Lester, L. & Efird, B. (2015), "Multidimensional bargaining using KTAB", KAPSARC
discussion paper; the KTAB SMP user guide (``web/tutorial/SMPTutorial.md``, v1.4, 2019),
which names every model parameter below; and the reference log of KTAB's own run on the
China SOE scenario (``examples/smp/doc/20170530_ref-SOE-Pol-Comp.txt``), whose printed
intermediate values fixed the details the prose leaves open. Every line here was written
from these equations; no KTAB code was used. docs/bargaining.md lists which parts match
the reference run to its printed precision and which do not.

Notation: actors i = 1..n with capability c_i, current position x_i (a vector over the
issues, each issue rescaled to [0, 1]) and salience vector s_i. The ideal point of an actor
is its current position (KTAB's identity "ideal accommodation").

1. **Value** of position y to actor i (risk neutral; saliences normalised to unit length):
   v_i(y) = 1 - || s_i o (x_i - y) || / || s_i ||   (o: element-wise product).
   An actor with all saliences 0 values every position at 1 (indifferent).
2. **Votes** (option ``voting``, KTAB "VotingRule") of actor k between options a and b with
   utilities u: ``prop``: w_k = c_k (u_k(a) - u_k(b)); ``binary``: c_k sign(.);
   ``cubic``: c_k (.)^3; ``prop_binary``: 0.8 prop + 0.2 binary; ``prop_cubic``: the mean
   of prop and cubic.
3. **Probabilistic Condorcet election** (Wise & Bankes 2015). Coalition strength of a over b:
   S(a:b) = sum_k max(0, w_k(a:b)). Victory probability (option ``victory``,
   "VictoryProbModel"): P[a>b] = S(a:b)^e / (S(a:b)^e + S(b:a)^e), e = 1 (``linear``:
   2:1 gives 2/3), 2 (``square``), 4 (``quartic``), 8 (``octic``), or the stronger side
   wins outright (``binary``); 1/2 when both strengths are 0. "Conditional" PCE: the
   probability that option a is the outcome is p_a = prod_{b != a} P[a>b] / sum over a of
   the same product.
4. **Risk from position probability** (option ``risk_range``, "BigRRange"): with p the
   PCE probabilities of the actors' positions under risk-neutral values,
   R_i = R_lo + (1 - R_lo) (p_i - p_min) / (p_max - p_min): the holder of the most probable
   position is risk averse (R = 1), of the least probable one risk seeking (R_lo = -1/2 for
   ``mid``, 0 for ``min``, -1 for ``max``). All equal: R = 0.
5. **Risk-aware utility**: u_i(y) = v (1 + R_i (1 - v)), v = v_i(y) (quadratic: concave
   for R > 0, convex for R < 0, and u(0) = 0, u(1) = 1).
6. **Perception** (option ``risk_adjust``, "BigRAdjust"): actor h estimates i's risk
   attitude as R^h_i = R_h + a (R_i - R_h), a = 1/3 (``one_third``, i.e. (2 R_h + R_i)/3),
   0, 1/2, 2/3 or 1 (``none``, ``half``, ``two_thirds``, ``full``).
7. **Utility of a state** (the positions of all actors) to actor k: the mean of
   u_k(x_m) over the actors' positions m (the value the reference log prints for every
   bargain, ``u_im``).
8. **Challenges** (our reading; see docs). Actor i estimates, with its perceived
   utilities u^i, the probability P^i[i>j] that i's position defeats j's in a PCE between
   the two (rule 3, every actor voting). Its expected gain from challenging j is
   E_i(j) = P u_i(state with x_j := x_i) + (1 - P) u_i(state with x_i := x_j) - u_i(state)
   = (2P - 1)(u_i(x_i) - u_i(x_j)) / n; i proposes a bargain to the j with the largest
   positive E_i(j). (KTAB's logged gains are instead, given its P, the BDM form
   (u_i(x_i) - u_i(x_j)) ((1 - S_j) + S_j (2P - 1)) with S_j the sum of j's saliences; its
   P is not recovered, so this rule is kept; see docs.)
9. **Bargain positions** (option ``interpolation``, "InterVecBrgn"; "InitOnlyInterp": the
   initiator's P): both actors are asked to adopt, on each issue d,
   y_d = (a_i x_id + a_j x_jd) / (a_i + a_j) with a_i = (s_id P)^2, a_j = (s_jd (1-P))^2
   (``s2p2``) or a_i = s_id P, a_j = s_jd (1 - P) (``s1p1``).
10. **Resolution** ("StateTransitions: Deterministic"). Each actor k holds a queue: keeping
    its position, then every bargain it takes part in (its own first, then the others in
    initiator order). All actors vote on the queue's options by the utility of the state
    each would produce (rule 7, objective risk attitudes); the option with the highest
    conditional-PCE probability (rule 3) wins, first in the queue on ties, and k moves to
    the position that bargain gives it. All actors move at once.
11. **Stopping** (the "2 % rule"): with d_t the root-mean-square change of all positions
    (0-100 scale) in step t, stop after step t >= 2 when d_t < ``tolerance`` x d_1
    (tolerance 0.02), when nothing moved, or after ``rounds`` steps (default 100).
12. **Forecast**: the PCE over the final positions (risk-aware, objective) gives each
    position a probability; ``forecast=mean`` (default) reports the probability-weighted
    mean position per issue, ``mode`` the most probable position.

Issues are the model's dimensions; every actor needs a stance on every issue
(``dimensions=joint``, the default) or each issue is run as a model of its own
(``dimensions=separate``).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, Literal

import numpy as np

from standoff.bargaining.inputs import BargainingModel
from standoff.bargaining.options import describe, parse_options
from standoff.bargaining.results import Forecast, IssueForecast
from standoff.errors import ModelError

_EPS = 1e-12
_ADJUST = {"none": 0.0, "one_third": 1.0 / 3.0, "half": 0.5, "two_thirds": 2.0 / 3.0,
           "full": 1.0}
_RISK_LOW = {"min": 0.0, "mid": -0.5, "max": -1.0}
_VICTORY_EXPONENT = {"linear": 1.0, "square": 2.0, "quartic": 4.0, "octic": 8.0}


@dataclass(frozen=True)
class SMPOptions:
    """Options of the spatial model (KTAB parameter names in brackets).

    victory: [VictoryProbModel] linear, square, quartic, octic, binary.
    voting: [VotingRule] prop, binary, cubic, prop_binary, prop_cubic.
    risk_range: [BigRRange] mid, min, max.
    risk_adjust: [BigRAdjust] one_third, none, half, two_thirds, full.
    interpolation: [InterVecBrgn] s2p2, s1p1.
    tolerance: the stopping rule's share of the first step's RMS change (0.02).
    rounds: the largest number of steps.
    forecast: mean (PCE-weighted mean of the final positions) or mode.
    dimensions: joint (all issues one space) or separate (one model per issue).
    """

    victory: Literal["linear", "square", "quartic", "octic", "binary"] = "linear"
    voting: Literal["prop", "binary", "cubic", "prop_binary", "prop_cubic"] = "prop"
    risk_range: Literal["mid", "min", "max"] = "mid"
    risk_adjust: Literal["one_third", "none", "half", "two_thirds", "full"] = "one_third"
    interpolation: Literal["s2p2", "s1p1"] = "s2p2"
    tolerance: float = 0.02
    rounds: int = 100
    forecast: Literal["mean", "mode"] = "mean"
    dimensions: Literal["joint", "separate"] = "joint"

    @classmethod
    def parse(cls, given: dict[str, Any]) -> SMPOptions:
        """Build the options from ``NAME=VALUE`` pairs (strings allowed)."""
        opt = parse_options(cls, given, "spatial")
        if opt.rounds < 1:
            raise ModelError("option rounds must be at least 1", hint="e.g. --set rounds=50")
        if not 0.0 <= opt.tolerance < 1.0:
            raise ModelError("option tolerance must lie in [0, 1)",
                             hint="e.g. --set tolerance=0.02")
        return opt

    def with_rounds(self, rounds: int) -> SMPOptions:
        """A copy with another step limit."""
        return replace(self, rounds=max(1, rounds))


# --------------------------------------------------------------------------------------
# The building blocks (rules 1-7), plain functions over arrays
# --------------------------------------------------------------------------------------


def values(ideal: np.ndarray, salience: np.ndarray, options: np.ndarray) -> np.ndarray:
    """Rule 1: V[i, m] = 1 - ||s_i o (x_i - y_m)|| / ||s_i||; arrays (n, D) and (m, D), or
    with the same leading batch axes on all three ((B, n, D), (B, m, D) -> (B, n, m)).

    >>> values(np.array([[0.0]]), np.array([[1.0]]), np.array([[0.0], [0.25]]))
    array([[1.  , 0.75]])
    """
    norm = np.linalg.norm(salience, axis=-1)
    w = np.divide(salience, norm[..., None], out=np.zeros_like(salience),
                  where=norm[..., None] > 0)
    # saliences so small (below about 1e-150) that their squares underflow: normalise them
    # by their largest first, or the weights come out wrong (or all 0)
    top = np.abs(salience).max(axis=-1, initial=0.0)
    tiny = (top > 0) & (norm < 1e-140)
    if tiny.any():
        scaled = salience[tiny] / top[tiny][:, None]
        w[tiny] = scaled / np.linalg.norm(scaled, axis=-1)[:, None]
    diff = ideal[..., :, None, :] - options[..., None, :, :]
    return 1.0 - np.sqrt(((w[..., :, None, :] * diff) ** 2).sum(axis=-1))


def risk_utility(v: np.ndarray, risk: np.ndarray) -> np.ndarray:
    """Rule 5: u = v (1 + R (1 - v)), R per row (``risk`` has the shape of ``v`` without
    its last axis).

    >>> float(risk_utility(np.array([[0.5]]), np.array([1.0]))[0, 0])
    0.75
    """
    return v * (1.0 + risk[..., None] * (1.0 - v))


def votes(utility: np.ndarray, capability: np.ndarray, rule: str) -> np.ndarray:
    """Rule 2: W[k, a, b], actor k's vote for option a over option b."""
    return _vote(utility[:, :, None] - utility[:, None, :], capability[:, None, None], rule)


#: voting rules whose vote on -du is exactly the negated vote on du in floating point
#: (products, 0.8 x + 0.2 sign x and negation are symmetric; a cube from ``**`` is not
#: assumed to be)
_ODD_RULES = ("prop", "binary", "prop_binary")


#: Utility differences at most this far from 0 are no preference for the sign votes
#: (``binary``, ``prop_binary``): utilities lie within [0, 2], so rounding leaves
#: differences near 1e-16 between options an actor values equally (two targets at the same
#: weighted distance), and a sign vote must not turn that into a whole vote.
SIGN_TOLERANCE = 1e-12


def preference_sign(du: np.ndarray) -> np.ndarray:
    """-1, 0 or 1: the side a utility difference favours, 0 within :data:`SIGN_TOLERANCE`."""
    return np.where(du > SIGN_TOLERANCE, 1.0, np.where(du < -SIGN_TOLERANCE, -1.0, 0.0))


def _vote(du: np.ndarray, c: np.ndarray, rule: str) -> np.ndarray:
    """Rule 2 on utility differences ``du`` (voters on axis 0) and capabilities ``c``
    (shaped to broadcast against ``du``)."""
    if rule == "prop":
        return c * du
    if rule == "binary":
        return c * preference_sign(du)
    if rule == "cubic":
        return c * du ** 3
    if rule == "prop_binary":
        return c * (0.8 * du + 0.2 * preference_sign(du))
    if rule == "prop_cubic":
        return c * (du + du ** 3) / 2.0
    raise ModelError(f"unknown voting rule '{rule}'", hint="prop, binary, cubic, ...")


def victory_probability(strength: np.ndarray, rule: str) -> np.ndarray:
    """Rule 3: P[a>b] from coalition strengths S[a, b] = S(a:b)."""
    p = pair_probability(strength, strength.T, rule)
    np.fill_diagonal(p, 0.5)
    return p


def pair_probability(a: np.ndarray, b: np.ndarray, rule: str) -> np.ndarray:
    """Rule 3 for two sides at a time: P[a>b] element-wise from strengths a and b.

    >>> pair_probability(np.array([2.0]), np.array([1.0]), "linear").round(4).tolist()
    [0.6667]
    """
    if rule == "binary":
        return np.where(a > b * (1 + 1e-9), 1.0, np.where(b > a * (1 + 1e-9), 0.0, 0.5))
    e = _VICTORY_EXPONENT[rule]
    top = a ** e
    bottom = top + b ** e
    return np.divide(top, bottom, out=np.full_like(top, 0.5), where=bottom > _EPS)


def condorcet_probabilities(utility: np.ndarray, capability: np.ndarray, voting: str = "prop",
                            victory: str = "linear") -> tuple[np.ndarray, np.ndarray]:
    """Rule 3: the conditional PCE over the options (columns of ``utility``).

    Returns (p, P): p[a] the probability that option a is the outcome, P[a, b] = P[a>b].

    >>> u = np.array([[1.0, 0.0], [1.0, 0.0], [0.0, 1.0]])
    >>> p, P = condorcet_probabilities(u, np.ones(3))
    >>> [round(float(v), 4) for v in p]
    [0.6667, 0.3333]
    """
    w = votes(utility, capability, voting)
    strength = np.clip(w, 0.0, None).sum(axis=0)
    P = victory_probability(strength, victory)
    m = P.shape[0]
    with np.errstate(divide="ignore"):
        logs = np.log(P)
    mask = ~np.eye(m, dtype=bool)
    score = np.where(mask, logs, 0.0).sum(axis=1)
    if np.all(np.isneginf(score)):
        return np.full(m, 1.0 / m), P
    score = score - score[np.isfinite(score)].max()
    p = np.exp(score)
    return p / p.sum(), P


def risk_attitudes(position_probability: np.ndarray, risk_range: str = "mid") -> np.ndarray:
    """Rule 4: R_i from the probability of each actor's position.

    >>> risk_attitudes(np.array([0.5, 0.35, 0.2])).round(3).tolist()
    [1.0, 0.25, -0.5]
    """
    lo = _RISK_LOW[risk_range]
    p = position_probability
    spread = p.max() - p.min()
    if spread <= _EPS:
        return np.zeros_like(p)
    return lo + (1.0 - lo) * (p - p.min()) / spread


def perceived_risk(risk: np.ndarray, observer: int, adjust: str = "one_third") -> np.ndarray:
    """Rule 6: R^h_i = R_h + a (R_i - R_h) for observer h."""
    return risk[observer] + _ADJUST[adjust] * (risk - risk[observer])


# --------------------------------------------------------------------------------------
# One step (rules 8-10)
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Bargain:
    """A bargain proposed by ``initiator`` to ``target``: both are to adopt ``position``."""

    initiator: int
    target: int
    position: tuple[float, ...]
    probability: float
    gain: float


@dataclass(frozen=True)
class StepRecord:
    """What happened in one step: risk attitudes, bargains, each actor's chosen option."""

    risk: tuple[float, ...]
    position_probability: tuple[float, ...]
    bargains: tuple[Bargain, ...]
    chosen: tuple[int, ...]  # index into bargains, -1 = kept its position


@dataclass(frozen=True)
class SMPState:
    """Capabilities, saliences and the current positions (issues rescaled to [0, 1])."""

    capability: np.ndarray
    salience: np.ndarray
    position: np.ndarray

    def moved(self, position: np.ndarray) -> SMPState:
        """The same actors at new positions."""
        return replace(self, position=position)


def _state_risk(state: SMPState, opt: SMPOptions) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    v = values(state.position, state.salience, state.position)
    p, _ = condorcet_probabilities(v, state.capability, opt.voting, opt.victory)
    risk = risk_attitudes(p, opt.risk_range)
    return v, p, risk


def _probabilities(options: np.ndarray, capability: np.ndarray, voting: str, victory: str
                   ) -> np.ndarray:
    """Rule 3 for a batch of elections: ``options[e, k, a]`` is voter k's utility of option
    a in election e, ``capability[e, k]`` its capability; returns p[e, a], with the same
    arithmetic along the same axes as :func:`condorcet_probabilities`, election by
    election."""
    du = options[:, :, :, None] - options[:, :, None, :]
    w = _vote(du, capability[:, :, None, None], voting)
    strength = np.clip(w, 0.0, None).sum(axis=1)  # (e, a, b), over the voters
    P = pair_probability(strength, strength.transpose(0, 2, 1), victory)
    m = P.shape[1]
    diagonal = np.eye(m, dtype=bool)
    P[:, diagonal] = 0.5
    with np.errstate(divide="ignore"):
        logs = np.log(P)
    score = np.where(diagonal[None], 0.0, logs).sum(axis=2)
    finite = np.isfinite(score)
    top = np.where(finite, score, -np.inf).max(axis=1)
    none = ~finite.any(axis=1)  # every option has probability 0: all equally likely
    with np.errstate(invalid="ignore"):
        p = np.exp(score - np.where(none, 0.0, top)[:, None])
        p = p / p.sum(axis=1, keepdims=True)
    p[none] = 1.0 / m
    return p


def election_winners(options: np.ndarray, capability: np.ndarray, voting: str = "prop",
                     victory: str = "linear") -> np.ndarray:
    """Rule 3 for a batch of elections: ``options[e, k, a]`` is voter k's utility of option
    a in election e; ``capability`` is per voter (k,) or per election and voter (e, k).
    Returns the index of the most probable option of each election (the first on ties),
    exactly as ``argmax`` of :func:`condorcet_probabilities`' ``p`` election by election.
    """
    c = np.broadcast_to(capability, options.shape[:2])
    return np.argmax(_probabilities(options, c, voting, victory), axis=1)


def _batch_risk(x: np.ndarray, s: np.ndarray, c: np.ndarray, opt: SMPOptions
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Rules 1, 3 and 4 for a batch of runs (B, n, D): values, position probabilities and
    risk attitudes, run by run as :func:`risk_attitudes`."""
    v = values(x, s, x)
    p = _probabilities(v, c, opt.voting, opt.victory)
    lo = _RISK_LOW[opt.risk_range]
    spread = p.max(axis=1) - p.min(axis=1)
    flat = spread <= _EPS
    low = p.min(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        risk = lo + (1.0 - lo) * (p - low[:, None]) / spread[:, None]
    risk[flat] = 0.0
    return v, p, risk


def _batch_challenges(v: np.ndarray, risk: np.ndarray, capability: np.ndarray,
                      opt: SMPOptions) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`challenges` for a batch of runs: arrays (B, n, n), (B, n), (B, n)."""
    n = capability.shape[1]
    every = np.arange(n)
    perceived = risk[:, :, None] + _ADJUST[opt.risk_adjust] * (risk[:, None, :]
                                                                 - risk[:, :, None])
    u = v[:, None, :, :] * (1.0 + perceived[:, :, :, None] * (1.0 - v[:, None, :, :]))
    # own[b, i, k] = U[b, i, k, i]: k's utility of i's position, as i perceives it
    own = np.diagonal(u, axis1=1, axis2=3).transpose(0, 2, 1)
    c = capability[:, None, :, None]
    w = _vote(own[:, :, :, None] - u, c, opt.voting)
    strength = np.clip(w, 0.0, None).sum(axis=2)
    if opt.voting in _ODD_RULES:  # the vote of u(j) - u(i) is exactly -w: negate it
        np.negative(w, out=w)
    else:
        w = _vote(u - own[:, :, :, None], c, opt.voting)
    against = np.clip(w, 0.0, None).sum(axis=2)
    prob = pair_probability(strength, against, opt.victory)  # P^i[i>j]
    mine = np.diagonal(u, axis1=1, axis2=2).transpose(0, 2, 1)  # mine[b, i, j] = U[b, i, i, j]
    loss = mine[:, every, every][:, :, None] - mine
    gain = (2.0 * prob - 1.0) * loss / n
    gain[:, every, every] = -np.inf
    target = np.argmax(gain, axis=2)
    best = np.take_along_axis(gain, target[:, :, None], axis=2)[:, :, 0]
    chance = np.take_along_axis(prob, target[:, :, None], axis=2)[:, :, 0]
    return np.where(best > _EPS, target, -1), chance, best


def challenges(v: np.ndarray, risk: np.ndarray, capability: np.ndarray, opt: SMPOptions
               ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Rule 8 for every actor at once: each actor's best challenge.

    ``v`` is V[k, m] (rule 1) over the actors' positions and ``risk`` the objective risk
    attitudes. Returns, per challenger i, the target j (``-1``: no challenge worth making),
    P^i[i>j] and the expected gain E_i(j). Computed on (observer, voter, option) arrays of
    actors³ numbers: U[i, k, m] is actor k's utility of position m as i perceives it
    (rules 5-6), with the same arithmetic, element by element, as one observer at a time.
    Ties go to the lowest target index (``argmax``).
    """
    target, prob, gain = _batch_challenges(v[None], np.asarray(risk)[None],
                                           np.asarray(capability)[None], opt)
    return target[0], prob[0], gain[0]


def bargain_positions(x_i: np.ndarray, x_j: np.ndarray, s_i: np.ndarray, s_j: np.ndarray,
                      probability: np.ndarray, interpolation: str) -> np.ndarray:
    """Rule 9 for many bargains at once: row b is the position proposed by an initiator
    at ``x_i[b]`` with saliences ``s_i[b]`` to a target at ``x_j[b]`` (``s_j[b]``), with
    the initiator's probability ``probability[b]`` (the midpoint where both weights
    vanish)."""
    p = probability[:, None]
    if interpolation == "s2p2":
        a_i, a_j = (s_i * p) ** 2, (s_j * (1.0 - p)) ** 2
    else:
        a_i, a_j = s_i * p, s_j * (1.0 - p)
    tot = a_i + a_j
    return np.where(tot > _EPS, (a_i * x_i + a_j * x_j) / np.where(tot > _EPS, tot, 1.0),
                    (x_i + x_j) / 2.0)


def _batch_resolve(x: np.ndarray, s: np.ndarray, c: np.ndarray, risk: np.ndarray,
                   run: np.ndarray, initiator: np.ndarray, target: np.ndarray, ys: np.ndarray,
                   opt: SMPOptions) -> np.ndarray:
    """:func:`resolve` for a batch of runs (B, n, D); bargain g belongs to run ``run[g]``.
    Returns chosen[b, k], a bargain index g or -1."""
    B, n = c.shape
    u_obj = risk_utility(values(x, s, x), risk)  # (B, n, n)
    # u_y[g, k]: voter k's utility (in run[g]) of bargain g's position
    u_y = risk_utility(values(x[run], s[run], ys[:, None, :]), risk[run])[:, :, 0]
    base = u_obj.mean(axis=2)  # (B, n)
    # utility of the state each bargain produces, for every voter of its run
    bargain_state = base[run] + (2.0 * u_y - u_obj[run, :, initiator]
                                 - u_obj[run, :, target]) / n
    # each actor's queue: its own bargain first, then those it is the target of
    own = {(b, i): g for g, (b, i) in enumerate(zip(run.tolist(), initiator.tolist(),
                                                    strict=True))}
    targeted: dict[tuple[int, int], list[int]] = {}
    for g, (b, j) in enumerate(zip(run.tolist(), target.tolist(), strict=True)):
        targeted.setdefault((b, j), []).append(g)
    queues: dict[int, list[list[int]]] = {}
    for key in sorted(set(own) | set(targeted)):
        queue = [own[key]] if key in own else []
        queue += [g for g in targeted.get(key, []) if g not in queue]
        queues.setdefault(len(queue), []).append([*key, *queue])
    chosen = np.full((B, n), -1)
    for rows in queues.values():
        table = np.array(rows)
        runs, voters, lined_up = table[:, 0], table[:, 1], table[:, 2:]
        options = np.concatenate([base[runs][:, :, None],
                                  bargain_state[lined_up].transpose(0, 2, 1)], axis=2)
        best = np.argmax(_probabilities(options, c[runs], opt.voting, opt.victory), axis=1)
        moving = best > 0
        chosen[runs[moving], voters[moving]] = lined_up[moving, best[moving] - 1]
    return chosen


def resolve(x: np.ndarray, s: np.ndarray, c: np.ndarray, risk: np.ndarray,
            initiator: np.ndarray, target: np.ndarray, ys: np.ndarray, opt: SMPOptions
            ) -> np.ndarray:
    """Rule 10: which bargain each actor takes (``-1``: it keeps its position).

    Bargain b was proposed by ``initiator[b]`` to ``target[b]`` at position ``ys[b]``.
    Every actor's queue election is held at once, the actors batched by queue length.
    """
    run = np.zeros(len(initiator), dtype=int)
    return _batch_resolve(x[None], s[None], np.asarray(c)[None], np.asarray(risk)[None], run,
                          np.asarray(initiator), np.asarray(target), np.asarray(ys), opt)[0]


def _batch_step(x: np.ndarray, s: np.ndarray, c: np.ndarray, opt: SMPOptions
                ) -> tuple[np.ndarray, list[StepRecord]]:
    """Rules 4-10 for a batch of runs with the same numbers of actors and issues: arrays
    (B, n, D), (B, n, D), (B, n). Returns the new positions and each run's record."""
    B = c.shape[0]
    v, p_pos, risk = _batch_risk(x, s, c, opt)
    target, prob, gain = _batch_challenges(v, risk, c, opt)
    run, initiator = np.nonzero(target >= 0)  # run-major, then initiator order
    target = target[run, initiator]
    prob, gain = prob[run, initiator], gain[run, initiator]
    new = x.copy()
    chosen = np.full(c.shape, -1)
    first = np.zeros(B + 1, dtype=int)
    if run.size:
        ys = bargain_positions(x[run, initiator], x[run, target], s[run, initiator],
                               s[run, target], prob, opt.interpolation)
        chosen = _batch_resolve(x, s, c, risk, run, initiator, target, ys, opt)
        moving = chosen >= 0
        new[moving] = ys[chosen[moving]]
        first[1:] = np.cumsum(np.bincount(run, minlength=B))
        rows = list(zip(initiator.tolist(), target.tolist(), ys.tolist(), prob.tolist(),
                        gain.tolist(), strict=True))
        made = [Bargain(i, j, tuple(y), pij, g) for i, j, y, pij, g in rows]
        local = np.where(chosen >= 0, chosen - first[:B, None], -1)
    else:
        made = []
        local = chosen
    records = [StepRecord(tuple(risk[b].tolist()), tuple(p_pos[b].tolist()),
                          tuple(made[first[b]:first[b + 1]]), tuple(local[b].tolist()))
               for b in range(B)]
    return new, records


def step(state: SMPState, opt: SMPOptions) -> tuple[SMPState, StepRecord]:
    """One step of the model: challenges, bargains and their resolution (rules 8-10).

    Vectorised across actors: every challenge at once (:func:`challenges`), then every
    actor's queue election at once, batched by queue length (:func:`election_winners`);
    :func:`run_many` also batches independent runs (the issues of ``dimensions=separate``).
    ``standoff.reference.spatial`` is the same step written literally from the rules, one
    actor and one option at a time; the tests compare the two.
    """
    new, (record,) = _batch_step(state.position[None], state.salience[None],
                                 state.capability[None], opt)
    return state.moved(new[0]), record


@dataclass(frozen=True)
class SMPRun:
    """A full run: positions by step (0-100 scale per issue) and why it stopped."""

    positions: tuple[np.ndarray, ...]
    records: tuple[StepRecord, ...]
    rms: tuple[float, ...]
    stopped: str
    probability: np.ndarray
    forecast: np.ndarray
    extra: dict[str, Any] = field(default_factory=dict)


def run(capability: np.ndarray, position: np.ndarray, salience: np.ndarray,
        options: SMPOptions | None = None) -> SMPRun:
    """Run the model on arrays: positions (n, D) on 0-100, saliences (n, D) >= 0.

    Stops by the 2 % rule (rule 11) and forecasts by rule 12.
    """
    return run_many([(capability, position, salience)], options)[0]


#: Most actors³ cells per array of a batch of runs (:func:`run_many`): runs are batched
#: only up to this, so a batch's arrays stay within about 32 MB each.
BATCH_CELLS = 4 * 10**6


def run_many(problems: list[tuple[np.ndarray, np.ndarray, np.ndarray]],
             options: SMPOptions | None = None) -> list[SMPRun]:
    """:func:`run` on many independent problems ``(capability, position, salience)`` at
    once: problems with the same numbers of actors and issues step together on arrays with
    a batch axis (each leaves the batch when it stops; at most :data:`BATCH_CELLS` actors³
    cells per batch), with the same arithmetic, problem by problem, as one at a time."""
    opt = options or SMPOptions()
    out: list[SMPRun | None] = [None] * len(problems)
    shapes: dict[tuple[int, ...], list[int]] = {}
    for k, (_, position, _) in enumerate(problems):
        shapes.setdefault(np.shape(position), []).append(k)
    batches = []
    for shape, same in shapes.items():
        size = max(1, BATCH_CELLS // max(shape[0] ** 3, 1))
        batches += [same[k:k + size] for k in range(0, len(same), size)]
    for members in batches:
        c = np.array([np.asarray(problems[k][0], float) for k in members])
        x = np.array([np.asarray(problems[k][1], float) / 100.0 for k in members])
        s = np.array([np.asarray(problems[k][2], float) for k in members])
        history: list[list[np.ndarray]] = [[x[b].copy()] for b in range(len(members))]
        records: list[list[StepRecord]] = [[] for _ in members]
        rms: list[list[float]] = [[] for _ in members]
        stopped = [f"reached {opt.rounds} steps"] * len(members)
        active = np.arange(len(members))
        for t in range(1, opt.rounds + 1):
            new, recs = _batch_step(x[active], s[active], c[active], opt)
            x[active] = new
            still = []
            for b, rec in zip(active.tolist(), recs, strict=True):
                records[b].append(rec)
                history[b].append(x[b].copy())
                d = float(np.sqrt(np.mean(((history[b][-1] - history[b][-2]) * 100.0) ** 2)))
                rms[b].append(d)
                first = rms[b][0]
                if d <= _EPS:
                    stopped[b] = f"no actor moved in step {t}"
                elif t >= 2 and first > _EPS and d < opt.tolerance * first:
                    stopped[b] = (f"converged: RMS change {d:.4g} in step {t} is "
                                  f"{d / first:.4f} of the first step's (< {opt.tolerance:g})")
                else:
                    still.append(b)
            active = np.array(still, dtype=int)
            if not active.size:
                break
        for b, k in enumerate(members):
            state = SMPState(c[b], s[b], x[b])
            v, _, risk = _state_risk(state, opt)
            prob, _ = condorcet_probabilities(risk_utility(v, risk), state.capability,
                                              opt.voting, opt.victory)
            final = state.position * 100.0
            forecast = (final[int(np.argmax(prob))] if opt.forecast == "mode"
                        else prob @ final)
            out[k] = SMPRun(tuple(h * 100.0 for h in history[b]), tuple(records[b]),
                            tuple(rms[b]), stopped[b], prob, forecast)
    return [r for r in out if r is not None]


# --------------------------------------------------------------------------------------
# On a BargainingModel
# --------------------------------------------------------------------------------------


def _arrays(model: BargainingModel, issue_ids: list[str]
            ) -> tuple[list[str], np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    issues = [model.issue(i) for i in issue_ids]
    actors = [a.id for a in model.actors if all(a.id in iss.actors for iss in issues)]
    n, D = len(actors), len(issues)
    x = np.zeros((n, D))
    s = np.zeros((n, D))
    c = np.zeros((n, D))
    for d, iss in enumerate(issues):
        by = {st.actor: st for st in iss.stances}
        for a, aid in enumerate(actors):
            st = by[aid]
            x[a, d] = (st.position - iss.low) / iss.width * 100.0
            s[a, d], c[a, d] = st.salience, st.capability
    low = np.array([iss.low for iss in issues])
    width = np.array([iss.width for iss in issues])
    return actors, x, s, c, low, width


#: Most (voter, option, option) cells computed over a whole run: at about 25 ns per cell
#: (measured at 30 actors on the benchmark machine, the step vectorised across actors), up
#: to about 12 seconds.
MAX_VOTE_CELLS = 5 * 10**8


def run_work(model: BargainingModel, opt: SMPOptions) -> int:
    """The vote cells a run may compute (actors³ twice per step, every step to the limit)."""
    n = len(model.actors)
    runs = 1 if opt.dimensions == "joint" else len(model.issues)
    return runs * 2 * n**3 * (opt.rounds + 1)


def check_cost(model: BargainingModel, opt: SMPOptions) -> None:
    """Refuse, before any step, a run whose vote arrays (actors³ numbers: each actor's vote
    on every pair of positions, about four such arrays at once, for each run of a batch,
    see :data:`BATCH_CELLS`) would not fit in memory,
    or whose steps would compute more than :data:`MAX_VOTE_CELLS` cells (per step: the
    positions' probabilities, then each actor's challenges, actors² each)."""
    from standoff.costs import check_cost as refuse_over
    from standoff.words import plural

    n = len(model.actors)
    runs = 1 if opt.dimensions == "joint" else len(model.issues)
    cells = run_work(model, opt)
    refuse_over(
        f"the spatial model with {plural(n, 'actor')} ({plural(runs, 'run')} of up to "
        f"{plural(opt.rounds, 'step')})",
        memory=4 * 8 * max(n**3, min(runs, max(1, BATCH_CELLS // max(n**3, 1))) * n**3),
        work=cells, work_limit=MAX_VOTE_CELLS,
        unit="vote cells (actors³ per run and step)", file=model.path,
        hint="the model weighs every actor's vote on every pair of positions (actors³ "
        "numbers): merge actors into fewer blocs or use the compromise or median model; "
        "--set rounds=N with a smaller N shortens the run")


def spatial(model: BargainingModel, options: SMPOptions | None = None) -> Forecast:
    """Run the KTAB-style spatial model on every issue of ``model`` (see module doc); refused
    first by :func:`check_cost` when too large."""
    opt = options or SMPOptions()
    check_cost(model, opt)
    ids = [i.id for i in model.issues]
    if opt.dimensions == "joint":
        complete = all(set(i.actors) == {a.id for a in model.actors} for i in model.issues)
        if not complete:
            missing = [i.id for i in model.issues
                       if set(i.actors) != {a.id for a in model.actors}]
            raise ModelError(
                "the spatial model treats the issues as one space, so every actor needs a "
                f"position on every issue; missing on: {', '.join(missing)}",
                file=model.path,
                hint="add the missing positions, or run each issue alone with "
                     "--set dimensions=separate",
            )
        groups = [ids]
    else:
        groups = [[i] for i in ids]
    out: dict[str, IssueForecast] = {}
    inputs = [_arrays(model, group) for group in groups]
    if any(len(actors) == 0 for actors, *_ in inputs):
        raise ModelError("no actor has a position on every issue", file=model.path,
                         hint="use -o dimensions=separate")
    # a stance's capability overrides the actor's; one per actor. The groups (the issues,
    # with dimensions=separate) run side by side on arrays with a batch axis.
    runs = run_many([(c.mean(axis=1), x, s) for _, x, s, c, _, _ in inputs], opt)
    for group, (actors, _, _, _, low, width), res in zip(groups, inputs, runs, strict=True):
        for d, iid in enumerate(group):
            scale = width[d] / 100.0
            rows = tuple(tuple(float(low[d] + h[a, d] * scale) for a in range(len(actors)))
                         for h in res.positions)
            out[iid] = IssueForecast(
                issue=iid,
                forecast=float(low[d] + res.forecast[d] * scale),
                actors=tuple(actors),
                rounds=rows,
                details={
                    "steps": len(res.records),
                    "stopped": res.stopped,
                    "rms_change": list(res.rms),
                    "probability": [float(v) for v in res.probability],
                    "risk": [list(r.risk) for r in res.records],
                    "bargains": [
                        [{"initiator": actors[b.initiator], "target": actors[b.target],
                          "position": float(low[d] + b.position[d] * width[d]),
                          "probability": b.probability, "gain": b.gain}
                         for b in r.bargains]
                        for r in res.records
                    ],
                    "dimensions": group,
                },
            )
    return Forecast("spatial", out, describe(opt),
                    "KTAB spatial model of politics (Wise & Bankes 2015; Efird, Lester & "
                    "Wise 2016; Wise, Lester & Efird 2015)")
