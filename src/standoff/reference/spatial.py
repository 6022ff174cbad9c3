"""Slow, literal reference of the KTAB-style spatial model (the test oracle).

Plain Python floats and loops, one actor, one option and one vote at a time, written from
the twelve rules in the docstring of ``standoff.bargaining.spatial`` (which cites the
sources: Wise & Bankes 2015, arXiv 1505.02691; Efird, Lester & Wise 2016; Wise, Lester &
Efird 2015; the KTAB SMP user guide). Where the fast model uses a closed form, this module
uses the definition instead:

* the expected gain of a challenge (rule 8) is computed from the three states it names,
  P u_i(x_j := x_i) + (1 - P) u_i(x_i := x_j) - u_i(state), each the mean utility over the
  actors' positions (rule 7), not from the simplified (2P - 1)(u_i(x_i) - u_i(x_j)) / n;
* each option of a queue election (rule 10) is the state with the two bargainers moved, its
  utility again the mean over the actors' positions;
* the conditional PCE (rule 3) multiplies the pairwise victory probabilities; the product
  is taken as a sum of logarithms (exp of the sum, shifted by the largest) so that many
  small factors do not underflow to 0, a rewriting that keeps every ratio between options.

The results agree with the fast model to floating-point rounding (sums taken in another
order, closed forms rewritten); decisions between options whose scores differ by rounding
alone can therefore differ, and the tests treat such near-ties as ties. It imports nothing
from the package above the base, as every reference module; do not use it on large inputs.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

Vector = list[float]
Matrix = list[list[float]]

#: strengths, gains and weights at or below this count as zero (as in the fast model)
EPS = 1e-12
_ADJUST = {"none": 0.0, "one_third": 1.0 / 3.0, "half": 0.5, "two_thirds": 2.0 / 3.0,
           "full": 1.0}
_RISK_LOW = {"min": 0.0, "mid": -0.5, "max": -1.0}
_EXPONENT = {"linear": 1.0, "square": 2.0, "quartic": 4.0, "octic": 8.0}


@dataclass(frozen=True)
class Options:
    """The model's options, with the names and defaults of ``SMPOptions``."""

    victory: str = "linear"
    voting: str = "prop"
    risk_range: str = "mid"
    risk_adjust: str = "one_third"
    interpolation: str = "s2p2"
    tolerance: float = 0.02
    rounds: int = 100
    forecast: str = "mean"


def value(ideal: Sequence[float], salience: Sequence[float], y: Sequence[float]) -> float:
    """Rule 1: v_i(y) = 1 - ||s_i o (x_i - y)|| / ||s_i||; 1 when every salience is 0."""
    norm = math.hypot(*salience)  # Euclidean length without underflow (math.hypot)
    if norm == 0.0:
        return 1.0
    # ||s o (x - y)|| / ||s|| as ||(s / ||s||) o (x - y)||: no product of two small numbers
    return 1.0 - math.hypot(*((s / norm) * (x - t)
                              for s, x, t in zip(salience, ideal, y, strict=True)))


def risk_utility(v: float, risk: float) -> float:
    """Rule 5: u = v (1 + R (1 - v))."""
    return v * (1.0 + risk * (1.0 - v))


#: Written out here rather than imported, so the reference stays independent of the fast path.
SIGN_TOLERANCE = 1e-12


def vote(difference: float, capability: float, rule: str) -> float:
    """Rule 2: a voter's vote for a over b from its utility difference u(a) - u(b); the
    sign votes read a difference within ``SIGN_TOLERANCE`` (1e-12) of 0 as no preference
    (rounding, not a preference: see :data:`standoff.bargaining.spatial.SIGN_TOLERANCE`)."""
    sign = (difference > SIGN_TOLERANCE) - (difference < -SIGN_TOLERANCE)
    if rule == "prop":
        return capability * difference
    if rule == "binary":
        return capability * sign
    if rule == "cubic":
        return capability * difference ** 3
    if rule == "prop_binary":
        return capability * (0.8 * difference + 0.2 * sign)
    if rule == "prop_cubic":
        return capability * (difference + difference ** 3) / 2.0
    raise ValueError(f"unknown voting rule {rule!r}")


def victory(strength_for: float, strength_against: float, rule: str) -> float:
    """Rule 3: P[a>b] from the coalition strengths S(a:b) and S(b:a)."""
    if rule == "binary":
        if strength_for > strength_against * (1 + 1e-9):
            return 1.0
        if strength_against > strength_for * (1 + 1e-9):
            return 0.0
        return 0.5
    e = _EXPONENT[rule]
    top = strength_for ** e
    bottom = top + strength_against ** e
    return top / bottom if bottom > EPS else 0.5


def election(utility: Sequence[Sequence[float]], capability: Sequence[float], voting: str,
             victory_rule: str) -> Vector:
    """Rule 3: the conditional PCE; ``utility[k][a]`` is voter k's utility of option a.
    Returns the probability of each option. Sums are ``math.fsum`` (correctly rounded, so
    independent of order): two options that are the same get exactly the same numbers."""
    m = len(utility[0])
    n = len(capability)

    def strength(a: int, b: int) -> float:
        return math.fsum(max(0.0, vote(utility[k][a] - utility[k][b], capability[k], voting))
                         for k in range(n))

    logs = []
    for a in range(m):
        factors = [victory(strength(a, b), strength(b, a), victory_rule)
                   for b in range(m) if b != a]
        logs.append(-math.inf if min(factors, default=1.0) == 0.0
                    else math.fsum(math.log(p) for p in factors))
    finite = [t for t in logs if t != -math.inf]
    if not finite:
        return [1.0 / m] * m
    top = max(finite)
    weights = [math.exp(t - top) if t != -math.inf else 0.0 for t in logs]
    return [w / sum(weights) for w in weights]


def most_probable(p: Sequence[float]) -> int:
    """The index of the most probable option, the first on ties."""
    return max(range(len(p)), key=lambda a: (p[a], -a))


def risk_attitudes(p: Sequence[float], risk_range: str) -> Vector:
    """Rule 4: R_i = R_lo + (1 - R_lo)(p_i - p_min) / (p_max - p_min); 0 when all equal."""
    lo, hi = min(p), max(p)
    if hi - lo <= EPS:
        return [0.0] * len(p)
    low = _RISK_LOW[risk_range]
    return [low + (1.0 - low) * (q - lo) / (hi - lo) for q in p]


def perceived(risk: Sequence[float], observer: int, adjust: str) -> Vector:
    """Rule 6: R^h_i = R_h + a (R_i - R_h) as observer h estimates every actor i."""
    a = _ADJUST[adjust]
    return [risk[observer] + a * (r - risk[observer]) for r in risk]


def state_utility(k: int, state: Sequence[Sequence[float]], ideal: Sequence[Sequence[float]],
                  salience: Sequence[Sequence[float]], risk: Sequence[float]) -> float:
    """Rule 7: actor k's utility of a state (one position per actor): the mean of
    u_k(x_m) over the positions, with risk attitudes ``risk`` (objective or perceived).

    The sum is ``math.fsum`` (correctly rounded), so it depends on the positions alone,
    not on which actor holds which: two states with the same positions in another order
    get exactly the same utility, as they must (two targets at one position tie exactly).
    """
    return math.fsum(risk_utility(value(ideal[k], salience[k], y), risk[k])
                     for y in state) / len(state)


def position_risk(capability: Sequence[float], salience: Sequence[Sequence[float]],
                  position: Sequence[Sequence[float]], opt: Options) -> tuple[Vector, Vector]:
    """Rule 4's inputs and output: the PCE probability of each actor's position under
    risk-neutral values, and the risk attitudes from it."""
    n = len(capability)
    v = [[value(position[k], salience[k], position[m]) for m in range(n)] for k in range(n)]
    p = election(v, capability, opt.voting, opt.victory)
    return p, risk_attitudes(p, opt.risk_range)


@dataclass(frozen=True)
class Challenge:
    """Rule 8 for one challenger: P^i[i>j] and E_i(j) for every j (None for j = i)."""

    probability: list[float | None]
    gain: list[float | None]
    target: int | None = field(default=None)


def challenge(i: int, capability: Sequence[float], salience: Sequence[Sequence[float]],
              position: Sequence[Sequence[float]], risk: Sequence[float],
              opt: Options) -> Challenge:
    """Rule 8: actor i's estimates, with its perceived utilities, of every challenge."""
    n = len(capability)
    seen = perceived(risk, i, opt.risk_adjust)

    def u(k: int, y: Sequence[float]) -> float:
        return risk_utility(value(position[k], salience[k], y), seen[k])

    probability: list[float | None] = []
    gain: list[float | None] = []
    here = state_utility(i, position, position, salience, seen)
    for j in range(n):
        if j == i:
            probability.append(None)
            gain.append(None)
            continue
        votes_for = sum(max(0.0, vote(u(k, position[i]) - u(k, position[j]), capability[k],
                                      opt.voting)) for k in range(n))
        votes_against = sum(max(0.0, vote(u(k, position[j]) - u(k, position[i]),
                                          capability[k], opt.voting)) for k in range(n))
        p = victory(votes_for, votes_against, opt.victory)
        won = [position[i] if m == j else position[m] for m in range(n)]
        lost = [position[j] if m == i else position[m] for m in range(n)]
        expected = (p * state_utility(i, won, position, salience, seen)
                    + (1.0 - p) * state_utility(i, lost, position, salience, seen))
        probability.append(p)
        gain.append(expected - here)
    best, best_gain = None, EPS  # the largest gain above EPS, the first on ties
    for j in range(n):
        g = gain[j]
        if g is not None and g > best_gain:
            best, best_gain = j, g
    return Challenge(probability, gain, best)


def bargain_position(i: int, j: int, p: float, salience: Sequence[Sequence[float]],
                     position: Sequence[Sequence[float]], interpolation: str) -> Vector:
    """Rule 9: the position both are asked to adopt, issue by issue."""
    out = []
    for d in range(len(position[i])):
        if interpolation == "s2p2":
            a_i, a_j = (salience[i][d] * p) ** 2, (salience[j][d] * (1.0 - p)) ** 2
        else:
            a_i, a_j = salience[i][d] * p, salience[j][d] * (1.0 - p)
        if a_i + a_j > EPS:
            out.append((a_i * position[i][d] + a_j * position[j][d]) / (a_i + a_j))
        else:
            out.append((position[i][d] + position[j][d]) / 2.0)
    return out


@dataclass(frozen=True)
class Bargain:
    """A proposal: ``initiator`` and ``target`` both to adopt ``position``."""

    initiator: int
    target: int
    position: Vector
    probability: float
    gain: float


def queue_of(k: int, bargains: Sequence[Bargain]) -> list[int]:
    """Rule 10: actor k's queue, its own bargain first, then those it is the target of."""
    queue = [b for b, bg in enumerate(bargains) if bg.initiator == k]
    return queue + [b for b, bg in enumerate(bargains) if bg.target == k and b not in queue]


def queue_election(k: int, capability: Sequence[float], salience: Sequence[Sequence[float]],
                   position: Sequence[Sequence[float]], risk: Sequence[float],
                   bargains: Sequence[Bargain], opt: Options) -> tuple[list[int], Vector]:
    """Rule 10 for actor k: its queue and the PCE probability of each option (keeping the
    current state first, then the state each bargain of the queue would produce), every
    actor voting by its objective utility of the state (rule 7)."""
    n = len(capability)
    queue = queue_of(k, bargains)
    states = [list(position)]
    for b in queue:
        moved = list(position)
        moved[bargains[b].initiator] = bargains[b].position
        moved[bargains[b].target] = bargains[b].position
        states.append(moved)
    utility = [[state_utility(voter, st, position, salience, risk) for st in states]
               for voter in range(n)]
    return queue, election(utility, capability, opt.voting, opt.victory)


@dataclass(frozen=True)
class Step:
    """One step: risk attitudes, challenges, bargains, each actor's choice (-1: keep), the
    new positions."""

    risk: Vector
    challenges: list[Challenge]
    bargains: list[Bargain]
    elections: list[tuple[list[int], Vector]]
    chosen: list[int]
    position: Matrix


def step(capability: Sequence[float], salience: Sequence[Sequence[float]],
         position: Sequence[Sequence[float]], opt: Options) -> Step:
    """Rules 8-10: one step of the model on positions rescaled to [0, 1]."""
    n = len(capability)
    _, risk = position_risk(capability, salience, position, opt)
    challenges = [challenge(i, capability, salience, position, risk, opt) for i in range(n)]
    bargains = []
    for i, ch in enumerate(challenges):
        if ch.target is None:
            continue
        p = ch.probability[ch.target]
        g = ch.gain[ch.target]
        assert p is not None and g is not None
        bargains.append(Bargain(i, ch.target, bargain_position(
            i, ch.target, p, salience, position, opt.interpolation), p, g))
    elections: list[tuple[list[int], Vector]] = []
    chosen = [-1] * n
    new = [list(x) for x in position]
    for k in range(n):
        queue, votes = queue_election(k, capability, salience, position, risk, bargains, opt)
        elections.append((queue, votes))
        if not queue:
            continue
        best = most_probable(votes)
        if best > 0:
            chosen[k] = queue[best - 1]
            new[k] = list(bargains[chosen[k]].position)
    return Step(risk, challenges, bargains, elections, chosen, new)


@dataclass(frozen=True)
class Run:
    """A run: positions (0-100) after each step, the steps, and the forecast."""

    positions: list[Matrix]
    steps: list[Step]
    rms: list[float]
    probability: Vector
    forecast: Vector


def run(capability: Sequence[float], position: Sequence[Sequence[float]],
        salience: Sequence[Sequence[float]], opt: Options | None = None) -> Run:
    """Rules 11-12: steps until the 2 % rule stops them, then the forecast. Positions on
    0-100 in and out."""
    opt = opt or Options()
    current = [[t / 100.0 for t in row] for row in position]
    history = [[[t * 100.0 for t in row] for row in current]]
    steps: list[Step] = []
    rms: list[float] = []
    for t in range(1, opt.rounds + 1):
        st = step(capability, salience, current, opt)
        steps.append(st)
        change = [((b - a) * 100.0) ** 2 for old, nw in zip(current, st.position, strict=True)
                  for a, b in zip(old, nw, strict=True)]
        d = math.sqrt(sum(change) / len(change))
        rms.append(d)
        current = st.position
        history.append([[t * 100.0 for t in row] for row in current])
        if d <= EPS:
            break
        if t >= 2 and rms[0] > EPS and d < opt.tolerance * rms[0]:
            break
    _, risk = position_risk(capability, salience, current, opt)
    n = len(capability)
    utility = [[risk_utility(value(current[k], salience[k], current[m]), risk[k])
                for m in range(n)] for k in range(n)]
    p = election(utility, capability, opt.voting, opt.victory)
    final = history[-1]
    if opt.forecast == "mode":
        forecast = list(final[most_probable(p)])
    else:
        forecast = [sum(p[m] * final[m][d] for m in range(n)) for d in range(len(final[0]))]
    return Run(history, steps, rms, p, forecast)
