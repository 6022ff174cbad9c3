"""The zone of possible agreement (ZOPA) on issues measured on a scale.

**Acceptable range.** Actor i accepts an outcome x on issue k when it prefers x to no
agreement. Its range R_ik is, in order of precedence:

1. the ``acceptable: [lo, hi]`` given in the input;
2. with a ``reservation`` point r (the worst outcome it accepts) and symmetric single-peaked
   preferences around its position p: R = [p - |r - p|, p + |r - p|] (clipped to the scale);
3. with a status quo q on the issue (the no-agreement outcome): the outcomes at least as
   good as q, R = [p - |q - p|, p + |q - p|] (clipped); outcomes *equal* in value to no
   agreement count as acceptable (closed intervals);
4. otherwise the whole scale (reported as ``unconstrained``).

**Two-level games** (Putnam 1988, "Diplomacy and domestic politics: the logic of two-level
games", *International Organization* 42(3)): an agreement must also be ratified at home.
Each of the actor's ``ratifiers`` has its own acceptable range; the actor's *win-set* is
the intersection of its own range and its ratifiers' ranges. Ratifiers are veto players
inside the actor, and they are reported by name (``actor/ratifier``) when they block.

**Who must agree.** ``unanimity`` (default): every actor with a stance on the issue.
``qualified_majority``: the actors accepting x must hold at least ``threshold`` of the total
weight (capability, or one vote each) of the actors with a stance, and every listed veto
player must accept.

**Zone.** Under unanimity Z_k = [max_i lo_i, min_i hi_i] if max lo <= min hi, else empty.
Under a qualified majority Z_k = {x : weight of actors with x in R_i >= threshold x W and
all veto players accept x}, a union of intervals (``zones``; ``zone`` is their hull).

If the ranges come from the status quo, the status quo itself is always weakly acceptable;
``status_quo_only`` flags a zone that is the single point q: no outcome is strictly better
than no agreement for every required party.

**Gap and smallest concession.** If Z_k is empty, we report the smallest uniform concession
delta* = min_x min {d : widening every needed range by d on both sides opens a zone at x}
(minimax: nobody concedes more than delta*), the point x* where the zone opens, and what each
party concedes. ``gap`` = 2 delta*, which under unanimity equals max lo - min hi: the distance
by which the most distant floor and ceiling fail to meet. We also report the smallest *total*
concession min_x sum_i dist(x, R_i) (unanimity only) and every pair of ranges that fail to
meet, with its gap. ``blocking``: under unanimity, the actors whose ranges fail to meet at
least one other range; under a qualified majority, the actors that must concede at x*.

**Across issues.** The issue-by-issue joint zone is the product of the issue zones; it
exists iff every issue has a zone (``joint.exists``). A package deal can do better (trading
across issues); see ``joint.package`` when every issue has a status quo: we search for an
outcome vector that every required actor *strictly* prefers to the status quo under the
salience-weighted linear loss U_i(x) = -sum_k s_ik |x_k - p_ik| / w_k (w_k the width of
issue k's scale, so issues on different scales are comparable), within the actors'
explicit hard limits (``acceptable`` and ratifier ranges); an actor with no salience on any
issue is indifferent and does not need to gain (see :mod:`standoff.bargaining.package`).
Under a qualified majority the
package must satisfy only the members of some minimal winning coalition (every veto player
plus enough weight); ``joint.package.coalition`` names the one that makes it possible.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations
from typing import Any

import numpy as np

from standoff.bargaining.inputs import AgreementRule, BargainingModel, Issue, Stance
from standoff.errors import ModelError
from standoff.words import html_lines, html_table, significant

_EPS = 1e-9


@dataclass(frozen=True)
class Constraint:
    """One range that must contain the outcome: an actor's own or one of its ratifiers'."""

    actor: str
    label: str
    lo: float
    hi: float

    def distance(self, x: float) -> float:
        """How far x lies outside the range (0 inside)."""
        return max(self.lo - x, x - self.hi, 0.0)


def acceptable_range(stance: Stance, issue: Issue) -> tuple[tuple[float, float], str]:
    """The actor's own acceptable range on the issue and where it came from."""
    p = stance.position
    if stance.acceptable is not None:
        return stance.acceptable, "acceptable"
    if stance.reservation is not None:
        d = abs(stance.reservation - p)
        return (max(issue.low, p - d), min(issue.high, p + d)), "reservation"
    if issue.status_quo is not None:
        d = abs(issue.status_quo - p)
        return (max(issue.low, p - d), min(issue.high, p + d)), "status_quo"
    return (issue.low, issue.high), "unconstrained"


def constraints(stance: Stance, issue: Issue) -> list[Constraint]:
    """The actor's range and its ratifiers' ranges (its two-level win-set)."""
    (lo, hi), _ = acceptable_range(stance, issue)
    out = [Constraint(stance.actor, stance.actor, lo, hi)]
    for r in stance.ratifiers:
        out.append(Constraint(stance.actor, f"{stance.actor}/{r.name}", *r.acceptable))
    return out


def win_set(stance: Stance, issue: Issue) -> tuple[float, float] | None:
    """Intersection of the actor's and its ratifiers' ranges; None if empty."""
    cs = constraints(stance, issue)
    lo = max(c.lo for c in cs)
    hi = min(c.hi for c in cs)
    return (lo, hi) if lo <= hi + _EPS else None


def _weights(issue: Issue, rule: AgreementRule) -> dict[str, float]:
    if rule.weight == "count":
        return {s.actor: 1.0 for s in issue.stances}
    return {s.actor: s.capability for s in issue.stances}


def _need(issue: Issue, rule: AgreementRule) -> tuple[set[str], float]:
    """Veto players on the issue and the weight the acceptors must reach."""
    actors = set(issue.actors)
    if rule.rule == "unanimity":
        return actors, 0.0
    w = _weights(issue, rule)
    return actors & set(rule.veto), rule.threshold * sum(w.values())


def _accepts(cons: dict[str, list[Constraint]], x: float) -> set[str]:
    return {a for a, cs in cons.items() if all(c.distance(x) <= _EPS for c in cs)}


def _zone_points(issue: Issue, cons: dict[str, list[Constraint]], rule: AgreementRule,
                 ) -> list[tuple[float, float]]:
    """The zone as a union of closed intervals (exact: coverage changes only at endpoints)."""
    veto, need_w = _need(issue, rule)
    w = _weights(issue, rule)
    ends = {issue.low, issue.high}
    for cs in cons.values():
        for c in cs:
            ends.update((c.lo, c.hi))
    pts = sorted(e for e in ends if issue.low - _EPS <= e <= issue.high + _EPS)

    def ok(x: float) -> bool:
        acc = _accepts(cons, x)
        return veto <= acc and sum(w[a] for a in acc) >= need_w - _EPS

    intervals: list[list[float]] = []
    for j, e in enumerate(pts):
        for x, lo, hi in ((e, e, e),) + (
            ((((e + pts[j + 1]) / 2), e, pts[j + 1]),) if j + 1 < len(pts) else ()
        ):
            if ok(x):
                if intervals and intervals[-1][1] >= lo - _EPS:
                    intervals[-1][1] = max(intervals[-1][1], hi)
                else:
                    intervals.append([lo, hi])
    return [(a, b) for a, b in intervals]


def _minimax_concession(issue: Issue, cons: dict[str, list[Constraint]], rule: AgreementRule,
                        ) -> tuple[float, float, dict[str, float]]:
    """delta*, x* and each party's concession (see module docstring)."""
    veto, need_w = _need(issue, rule)
    w = _weights(issue, rule)
    ends = sorted({e for cs in cons.values() for c in cs for e in (c.lo, c.hi)})
    cands = set(ends)
    cands.update((a + b) / 2 for a, b in combinations(ends, 2))
    best = (np.inf, 0.0)
    for x in sorted(cands):
        if not issue.low - _EPS <= x <= issue.high + _EPS:
            continue
        d = {a: max(c.distance(x) for c in cs) for a, cs in cons.items()}
        base = max((d[a] for a in veto), default=0.0)
        acc_w = sum(w[a] for a in d if d[a] <= base + _EPS)
        delta = base
        if acc_w < need_w - _EPS:
            for a in sorted((a for a in d if d[a] > base + _EPS), key=lambda a: d[a]):
                acc_w += w[a]
                delta = d[a]
                if acc_w >= need_w - _EPS:
                    break
            else:
                continue
        if delta < best[0] - _EPS:
            best = (delta, x)
    delta, x = best
    by: dict[str, float] = {}
    for cs in cons.values():
        for c in cs:
            if c.distance(x) > _EPS and c.distance(x) <= delta + _EPS:
                by[c.label] = c.distance(x)
    return float(delta), float(x), by


def _total_concession(cons: dict[str, list[Constraint]]) -> tuple[float, float, dict[str, float]]:
    """min_x sum of distances of every range to x (the cost is convex piecewise linear,
    so an endpoint is optimal)."""
    allc = [c for cs in cons.values() for c in cs]
    ends = sorted({e for c in allc for e in (c.lo, c.hi)})
    costs = [(sum(c.distance(x) for c in allc), x) for x in ends]
    cost, x = min(costs)
    by = {c.label: c.distance(x) for c in allc if c.distance(x) > _EPS}
    return float(cost), float(x), by


def issue_zone(issue: Issue, rule: AgreementRule | None = None) -> dict[str, Any]:
    """The zone of possible agreement on one issue (see module docstring for every key)."""
    rule = rule or AgreementRule()
    cons = {s.actor: constraints(s, issue) for s in issue.stances}
    sources = {s.actor: acceptable_range(s, issue)[1] for s in issue.stances}
    ranges = {
        c.label: [c.lo, c.hi] for cs in cons.values() for c in cs
    }
    win_sets = {s.actor: win_set(s, issue) for s in issue.stances}
    zones = _zone_points(issue, cons, rule)
    out: dict[str, Any] = {
        "rule": rule.rule,
        "ranges": ranges,
        "range_source": sources,
        "win_sets": {a: (list(v) if v else None) for a, v in win_sets.items()},
    }
    if zones:
        out.update(zone=[zones[0][0], zones[-1][1]], zones=[list(z) for z in zones],
                   connected=len(zones) == 1, blocking=[], gap=0.0, conflicts=[],
                   concession=None)
        q = issue.status_quo
        out["status_quo_only"] = bool(
            q is not None and abs(zones[0][0] - q) <= _EPS and abs(zones[-1][1] - q) <= _EPS
        )
        return out
    allc = [c for cs in cons.values() for c in cs]
    conflicts: list[dict[str, Any]] = []
    for a, b in combinations(allc, 2):
        lo_side, hi_side = (a, b) if a.hi < b.lo else (b, a)
        g = hi_side.lo - lo_side.hi
        if g > _EPS:
            conflicts.append({"below": lo_side.label, "above": hi_side.label, "gap": g})
    conflicts.sort(key=lambda c: -c["gap"])
    delta, x, by = _minimax_concession(issue, cons, rule)
    out.update(zone=None, zones=[], connected=False, gap=2 * delta, conflicts=conflicts,
               concession={"amount": delta, "at": x, "by": by})
    if rule.rule == "unanimity":
        blocking = {c.actor for c in allc for k in conflicts if c.label in (k["below"],
                                                                             k["above"])}
        cost, xt, byt = _total_concession(cons)
        out["total_concession"] = {"amount": cost, "at": xt, "by": byt}
    else:
        blocking = {lbl.split("/")[0] for lbl in by}
    out["blocking"] = [a for a in issue.actors if a in blocking]
    return out


class ZopaResult(dict):
    """The result of :func:`zopa`: the JSON shape as a dict (``rule``, ``issues``,
    ``joint``), which also shows itself as a table in a notebook and gives a DataFrame
    (one row per issue: the zone's ends to 4 significant digits, whether it is connected,
    and when there is no zone the gap and the actors blocking)."""

    _COLUMNS = ("issue", "zone from", "zone to", "connected", "gap", "blocking", "bounds")

    def unbounded(self) -> list[str]:
        """The issues on which no actor gives an acceptable range, a reservation or a
        status quo: their zone is the whole scale by default and says nothing."""
        return [k for k, v in self["issues"].items()
                if all(src == "unconstrained" for src in v["range_source"].values())]

    def _rows(self) -> list[list[object]]:
        rows: list[list[object]] = []
        free = set(self.unbounded())
        for k, v in self["issues"].items():
            zone = v.get("zone")
            rows.append([k, None if zone is None else significant(zone[0]),
                         None if zone is None else significant(zone[1]),
                         v.get("connected"), significant(v.get("gap") or 0.0),
                         ", ".join(v.get("blocking") or []),
                         "none given: the whole scale" if k in free else "given"])
        return rows

    def to_frame(self) -> Any:
        import pandas as pd

        return pd.DataFrame(self._rows(), columns=list(self._COLUMNS))

    def __repr__(self) -> str:
        parts = []
        free = set(self.unbounded())
        for k, v in self["issues"].items():
            zone = v.get("zone")
            if k in free:
                parts.append(f"{k}: no bounds given")
            elif zone is None:
                parts.append(f"{k}: no zone (gap {significant(v.get('gap') or 0.0):g})")
            else:
                parts.append(f"{k}: {significant(zone[0]):g} to {significant(zone[1]):g}")
        return f"<ZopaResult ({self['rule']}): {'; '.join(parts)}; .to_frame() or as a dict>"

    def _repr_html_(self) -> str:
        joint = self["joint"]
        free = self.unbounded()
        if free and len(free) == len(self["issues"]):
            line = "The input gives no bounds on any issue; it says nothing about agreement."
        elif joint["exists"]:
            line = "Every issue has a zone (below)" + (
                f"; the input gives no bounds on {', '.join(free)}." if free else ".")
        else:
            line = ("No zone on: " + ", ".join(joint["failing_issues"]) + ".")
        return html_lines(f"Zone of possible agreement ({self['rule']})", [line]) + \
            html_table(list(self._COLUMNS), self._rows())


def zopa(model: BargainingModel, rule: AgreementRule | None = None, *,
         max_coalitions: int | None = None, strict: bool = False) -> ZopaResult:
    """Zones on every issue and across issues: the fixed JSON shape of ``standoff zopa``.

    ``max_coalitions`` bounds the package-deal search under a qualified majority (see
    :mod:`standoff.bargaining.package`). When it would be exceeded, ``strict`` re-raises the
    :class:`ModelError` (the command line); otherwise ``joint.package`` is
    ``{"exists": null, "note": ...}`` (the report).
    """
    rule = rule or model.agreement
    issues = {i.id: issue_zone(i, rule) for i in model.issues}
    exists = all(v["zone"] is not None for v in issues.values())
    joint: dict[str, Any] = {
        "exists": exists,
        "box": {k: v["zone"] for k, v in issues.items()},
        "failing_issues": [k for k, v in issues.items() if v["zone"] is None],
    }
    if len(model.issues) > 1 and all(i.status_quo is not None for i in model.issues):
        from standoff.bargaining.package import MAX_COALITIONS, package_deal

        try:
            joint["package"] = package_deal(model, rule, max_coalitions or MAX_COALITIONS)
        except ModelError as err:
            if strict:
                raise
            joint["package"] = {"exists": None, "note": err.message}
    return ZopaResult(rule=rule.rule, issues=issues, joint=joint)
