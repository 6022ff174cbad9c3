"""Relational stability (RNash, RGMR, RSMR, RSEQ), written literally: the test oracle.

Sets and loops over a :class:`~standoff.reference.option_form.ReferenceModel`, one
definition per function, no shortcuts. The definitions are those of
:mod:`standoff.stability.relational`, which are a **reconstruction** of Inohara, Hipel &
Walker (2007) J. Systems Science and Systems Engineering 16(2):181–201 and Inohara & Hipel
(2009) IEEE SMC (only the abstracts could be read; docs/structure.md). Written here from
the definitions, not from the engine:

* attitudes ``e[i][j]`` in {"+", "0", "-"}, for every pair of decision makers, i = j
  included (:func:`discrete_attitudes` gives the default: "+" toward itself, "0" else);
* t is relationally at least as good as s for i with respect to j: if e[i][j] = "+",
  t >=_j s; if "-", s >=_j t; if "0", always;
* t is a relational improvement on s for i: t != s and the above holds for every j;
* R_i^{+E}(s): the states of R_i(s) that are relational improvements on s for i;
* R_H^{+E}(s): legal sequences of relational improvements of the members of H, each under
  its own attitudes and measured from the state it moves from.

RNash, RGMR, RSMR and RSEQ are Nash, GMR, SMR and SEQ (:mod:`standoff.reference.stability`)
with "t >_i s" replaced by "t is a relational improvement on s for i" and "t <=_i s" by its
negation.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from standoff.reference.option_form import ReferenceModel
from standoff.reference.stability import opponents, unilateral_moves

Attitudes = Mapping[str, Mapping[str, str]]


def discrete_attitudes(m: ReferenceModel) -> dict[str, dict[str, str]]:
    """Every decision maker "+" toward itself and "0" toward every other one."""
    return {i: {j: "+" if i == j else "0" for j in m.dms} for i in m.dms}


def totally_neutral_attitudes(m: ReferenceModel) -> dict[str, dict[str, str]]:
    """Every attitude "0", toward itself included."""
    return {i: {j: "0" for j in m.dms} for i in m.dms}


def at_least_as_good_toward(m: ReferenceModel, e: Attitudes, i: str, j: str,
                            t: int, s: int) -> bool:
    """t is relationally at least as good as s for i with respect to j (its attitude to j)."""
    attitude = e[i][j]
    if attitude == "+":
        return m.payoff[j][t] >= m.payoff[j][s]
    if attitude == "-":
        return m.payoff[j][s] >= m.payoff[j][t]
    if attitude == "0":
        return True
    raise ValueError(f"an attitude is '+', '0' or '-', not {attitude!r}")


def relational_improvement(m: ReferenceModel, e: Attitudes, i: str, t: int, s: int) -> bool:
    """t is a relational improvement on s for i: t != s, and t is relationally at least as
    good as s for i with respect to every decision maker."""
    if t == s:
        return False
    return all(at_least_as_good_toward(m, e, i, j, t, s) for j in m.dms)


def relational_unilateral_improvements(m: ReferenceModel, e: Attitudes, i: str,
                                       s: int) -> set[int]:
    """R_i^{+E}(s) = {t in R_i(s) : t is a relational improvement on s for i}."""
    return {t for t in unilateral_moves(m, i, s) if relational_improvement(m, e, i, t, s)}


def reachable_by_group_relationally(m: ReferenceModel, e: Attitudes, group: Iterable[str],
                                    s: int, improving: bool = False) -> set[int]:
    """R_H(s), or R_H^{+E}(s) when ``improving``: the smallest set closed under the two
    rules of legal sequences (Xu, Hipel & Kilgour 2009; see
    :func:`standoff.reference.stability.reachable_by_group`), the steps being relational
    unilateral improvements of their movers when ``improving``."""
    members = list(dict.fromkeys(group))

    def step(j: str, t: int) -> set[int]:
        if improving:
            return relational_unilateral_improvements(m, e, j, t)
        return unilateral_moves(m, j, t)

    last_movers: dict[int, set[str]] = {}
    for j in members:
        for t in step(j, s):
            last_movers.setdefault(t, set()).add(j)
    changed = True
    while changed:
        changed = False
        for t in list(last_movers):
            for j in members:
                if last_movers[t] == {j}:
                    continue
                for u in step(j, t):
                    omega = last_movers.setdefault(u, set())
                    if j not in omega:
                        omega.add(j)
                        changed = True
    return set(last_movers)


def is_rnash(m: ReferenceModel, e: Attitudes, i: str, s: int) -> bool:
    """RNash: R_i^{+E}(s) is empty."""
    return not relational_unilateral_improvements(m, e, i, s)


def is_rgmr(m: ReferenceModel, e: Attitudes, i: str, s: int) -> bool:
    """RGMR: every s1 in R_i^{+E}(s) has some s2 in R_H(s1) that is not a relational
    improvement on s for i."""
    others = opponents(m, i)
    for s1 in relational_unilateral_improvements(m, e, i, s):
        if not any(not relational_improvement(m, e, i, s2, s)
                   for s2 in reachable_by_group_relationally(m, e, others, s1)):
            return False
    return True


def is_rsmr(m: ReferenceModel, e: Attitudes, i: str, s: int) -> bool:
    """RSMR: every s1 in R_i^{+E}(s) has some s2 in R_H(s1) that is not a relational
    improvement on s for i and from which no s3 in R_i(s2) is one either."""
    others = opponents(m, i)
    for s1 in relational_unilateral_improvements(m, e, i, s):
        sanctioned = False
        for s2 in reachable_by_group_relationally(m, e, others, s1):
            if relational_improvement(m, e, i, s2, s):
                continue
            if any(relational_improvement(m, e, i, s3, s) for s3 in unilateral_moves(m, i, s2)):
                continue
            sanctioned = True
            break
        if not sanctioned:
            return False
    return True


def is_rseq(m: ReferenceModel, e: Attitudes, i: str, s: int) -> bool:
    """RSEQ: every s1 in R_i^{+E}(s) has some s2 in R_H^{+E}(s1) that is not a relational
    improvement on s for i."""
    others = opponents(m, i)
    for s1 in relational_unilateral_improvements(m, e, i, s):
        if not any(not relational_improvement(m, e, i, s2, s)
                   for s2 in reachable_by_group_relationally(m, e, others, s1, True)):
            return False
    return True


RELATIONAL_CONCEPTS = {"rnash": is_rnash, "rgmr": is_rgmr, "rsmr": is_rsmr, "rseq": is_rseq}


def relational_stable(m: ReferenceModel, e: Attitudes, concept: str, i: str) -> set[int]:
    """The states stable for i under ``concept`` (rnash, rgmr, rsmr or rseq)."""
    test = RELATIONAL_CONCEPTS[concept]
    return {s for s in m.states if test(m, e, i, s)}


__all__ = [
    "RELATIONAL_CONCEPTS",
    "at_least_as_good_toward",
    "discrete_attitudes",
    "is_rgmr",
    "is_rnash",
    "is_rseq",
    "is_rsmr",
    "reachable_by_group_relationally",
    "relational_improvement",
    "relational_stable",
    "relational_unilateral_improvements",
    "totally_neutral_attitudes",
]
