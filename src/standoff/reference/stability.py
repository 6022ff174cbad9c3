"""Solution concepts of the Graph Model for Conflict Resolution, written literally.

This is the slow reference ("test oracle") for ``standoff.stability``: sets and loops over
a :class:`~standoff.reference.option_form.ReferenceModel`, one definition per function,
with no shortcuts. Every fast implementation must agree with it.

Notation (BRIEF section 2). N is the set of decision makers (DMs); for DM i and state s,
R_i(s) is the set of states i reaches in one unilateral move and
R_i+(s) = {t in R_i(s) : t >_i s} its unilateral improvements (UIs). Preferences come from
payoff numbers: t >_i s iff payoff_i(t) > payoff_i(s), and t <=_i s ("not better for i")
iff payoff_i(t) <= payoff_i(s). H = N minus {i} are i's opponents.

References:
    Kilgour, Hipel & Fang (1987) The graph model for conflicts, Automatica 23(1):41-55.
    Fang, Hipel & Kilgour (1993) Interactive Decision Making: The Graph Model for Conflict
    Resolution, Wiley (Nash, GMR, SMR, SEQ; SIM for option-form models).
    Xu, Hipel & Kilgour (2009) Matrix representation of solution concepts in
    multiple-decision-maker graph models, IEEE SMC-A 39(1):96-108 (legal sequences of
    moves by a group, with the set of possible last movers).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from itertools import product

from standoff.reference.option_form import ReferenceModel

CONCEPTS = ("Nash", "GMR", "SMR", "SEQ", "SIM")
"""Names of the solution concepts implemented here, as used in the case files."""


def prefers(m: ReferenceModel, dm: str, a: int, b: int) -> bool:
    """a >_dm b: ``dm`` strictly prefers state a to state b."""
    return m.payoff[dm][a] > m.payoff[dm][b]


def not_better(m: ReferenceModel, dm: str, a: int, b: int) -> bool:
    """a <=_dm b: state a is not better than state b for ``dm``."""
    return m.payoff[dm][a] <= m.payoff[dm][b]


def unilateral_moves(m: ReferenceModel, dm: str, s: int) -> set[int]:
    """R_i(s): the states DM i reaches from s in one unilateral move."""
    return set(m.moves[dm][s])


def unilateral_improvements(m: ReferenceModel, dm: str, s: int) -> set[int]:
    """R_i+(s) = {t in R_i(s) : t >_i s}, the unilateral improvements of DM i from s."""
    return {t for t in m.moves[dm][s] if prefers(m, dm, t, s)}


def reachable_by_group(
    m: ReferenceModel, group: Iterable[str], s: int, improving: bool = False
) -> set[int]:
    """R_H(s), or R_H+(s) when ``improving``: states a group H reaches by a legal sequence.

    A legal sequence is a sequence of unilateral moves by members of H in which a DM may
    move several times but never twice in a row (Fang, Hipel & Kilgour 1993; Xu, Hipel &
    Kilgour 2009). With Omega(s, t) the set of DMs that can be the last mover on a legal
    sequence from s to t:

    1. if j in H and t in R_j(s), then t in R_H(s) and j in Omega(s, t);
    2. if t in R_H(s), j in H, u in R_j(t) and Omega(s, t) != {j}, then u in R_H(s) and
       j in Omega(s, u).

    R_H(s) is the smallest set closed under these rules; we apply rule 2 until nothing
    changes. For R_H+(s) every step must be a unilateral improvement for the DM making it,
    measured from the state it moves from (R_j+ in place of R_j). The start s itself belongs
    to the result when a legal sequence returns to it. For H = {j} the result is R_j(s).
    """
    members = list(dict.fromkeys(group))

    def step(j: str, t: int) -> set[int]:
        if improving:
            return unilateral_improvements(m, j, t)
        return unilateral_moves(m, j, t)

    last_movers: dict[int, set[str]] = {}
    # Rule 1.
    for j in members:
        for t in step(j, s):
            last_movers.setdefault(t, set()).add(j)
    # Rule 2, until a fixed point.
    changed = True
    while changed:
        changed = False
        for t in list(last_movers):
            for j in members:
                if last_movers[t] == {j}:
                    continue  # j was necessarily the last mover: it may not move again now
                for u in step(j, t):
                    omega_u = last_movers.setdefault(u, set())
                    if j not in omega_u:
                        omega_u.add(j)
                        changed = True
    return set(last_movers)


def opponents(m: ReferenceModel, dm: str) -> list[str]:
    """H = N minus {i}: every DM other than ``dm``, in model order."""
    if dm not in m.dms:
        raise ValueError(f"unknown decision maker {dm!r}; the model has {list(m.dms)}")
    return [j for j in m.dms if j != dm]


def is_nash(m: ReferenceModel, dm: str, s: int) -> bool:
    """Nash (R) stability: R_i+(s) is empty (Kilgour, Hipel & Fang 1987)."""
    return not unilateral_improvements(m, dm, s)


def is_gmr(m: ReferenceModel, dm: str, s: int) -> bool:
    """General metarationality (GMR).

    s is GMR for i iff for every s1 in R_i+(s) there is s2 in R_H(s1), H = N minus {i},
    with s2 <=_i s (Fang, Hipel & Kilgour 1993).
    """
    others = opponents(m, dm)
    for s1 in unilateral_improvements(m, dm, s):
        sanctioned = False
        for s2 in reachable_by_group(m, others, s1):
            if not_better(m, dm, s2, s):
                sanctioned = True
                break
        if not sanctioned:
            return False
    return True


def is_smr(m: ReferenceModel, dm: str, s: int) -> bool:
    """Symmetric metarationality (SMR).

    s is SMR for i iff for every s1 in R_i+(s) there is s2 in R_H(s1) with s2 <=_i s and,
    for every s3 in R_i(s2), s3 <=_i s (i cannot escape the sanction) (Fang, Hipel &
    Kilgour 1993).
    """
    others = opponents(m, dm)
    for s1 in unilateral_improvements(m, dm, s):
        sanctioned = False
        for s2 in reachable_by_group(m, others, s1):
            if not not_better(m, dm, s2, s):
                continue
            escape = False
            for s3 in unilateral_moves(m, dm, s2):
                if not not_better(m, dm, s3, s):
                    escape = True
                    break
            if not escape:
                sanctioned = True
                break
        if not sanctioned:
            return False
    return True


def is_seq(m: ReferenceModel, dm: str, s: int) -> bool:
    """Sequential stability (SEQ).

    s is SEQ for i iff for every s1 in R_i+(s) there is s2 in R_H+(s1) with s2 <=_i s:
    the sanction is made only of the opponents' own unilateral improvements (Fang, Hipel &
    Kilgour 1993).
    """
    others = opponents(m, dm)
    for s1 in unilateral_improvements(m, dm, s):
        sanctioned = False
        for s2 in reachable_by_group(m, others, s1, improving=True):
            if not_better(m, dm, s2, s):
                sanctioned = True
                break
        if not sanctioned:
            return False
    return True


def simultaneous_outcome(
    m: ReferenceModel, dm: str, s: int, s1: int, responses: dict[str, int]
) -> int | None:
    """The state reached when i moves s -> s1 while each opponent j moves s -> responses[j].

    The combined option vector takes DM i's options from the canonical vector of s1, each
    moving opponent j's options from the canonical vector of responses[j], and every other
    option from the canonical vector of s. Returns None if that vector is infeasible.
    """
    if dm in responses:
        raise ValueError(f"{dm!r} cannot respond to its own move")
    combined = list(m.vectors[s])
    for k, owner_index in enumerate(m.owner):
        owner = m.dms[owner_index]
        if owner == dm:
            combined[k] = m.vectors[s1][k]
        elif owner in responses:
            combined[k] = m.vectors[responses[owner]][k]
    return m.state_of(combined)


def is_sim(m: ReferenceModel, dm: str, s: int) -> bool:
    """Simultaneous sanctioning (SIM), for option-form models.

    s is SIM for i iff every s1 in R_i+(s) is sanctioned by some combination in which each
    opponent j either does not move or makes one of its own UIs t_j in R_j+(s) from s
    itself, simultaneously with i, and at least one opponent moves; the combination
    sanctions s1 iff the combined option vector (see :func:`simultaneous_outcome`) is a
    feasible state s2 with s2 <=_i s (Fang, Hipel & Kilgour 1993).
    """
    others = opponents(m, dm)
    # Each opponent's choices: None (stay) or one of its UIs from s.
    choices: list[list[int | None]] = []
    for j in others:
        choices.append([None, *sorted(unilateral_improvements(m, j, s))])
    for s1 in unilateral_improvements(m, dm, s):
        sanctioned = False
        for combination in product(*choices):
            responses = {j: t for j, t in zip(others, combination, strict=True) if t is not None}
            if not responses:
                continue  # at least one opponent must move
            s2 = simultaneous_outcome(m, dm, s, s1, responses)
            if s2 is not None and not_better(m, dm, s2, s):
                sanctioned = True
                break
        if not sanctioned:
            return False
    return True


_TESTS: dict[str, Callable[[ReferenceModel, str, int], bool]] = {
    "Nash": is_nash,
    "GMR": is_gmr,
    "SMR": is_smr,
    "SEQ": is_seq,
    "SIM": is_sim,
}


def _stable(m: ReferenceModel, dm: str, concept: str) -> set[int]:
    if concept not in _TESTS:
        raise ValueError(f"unknown solution concept {concept!r}; use one of {CONCEPTS}")
    test = _TESTS[concept]
    return {s for s in m.states if test(m, dm, s)}


def nash(m: ReferenceModel, dm: str) -> set[int]:
    """States that are Nash stable for ``dm``."""
    return _stable(m, dm, "Nash")


def gmr(m: ReferenceModel, dm: str) -> set[int]:
    """States that are GMR stable for ``dm``."""
    return _stable(m, dm, "GMR")


def smr(m: ReferenceModel, dm: str) -> set[int]:
    """States that are SMR stable for ``dm``."""
    return _stable(m, dm, "SMR")


def seq(m: ReferenceModel, dm: str) -> set[int]:
    """States that are SEQ stable for ``dm``."""
    return _stable(m, dm, "SEQ")


def sim(m: ReferenceModel, dm: str) -> set[int]:
    """States that are SIM stable for ``dm``."""
    return _stable(m, dm, "SIM")


def equilibria(m: ReferenceModel, concept: str) -> set[int]:
    """Equilibria under ``concept``: the states stable for every DM."""
    result = set(m.states)
    for dm in m.dms:
        result &= _stable(m, dm, concept)
    return result


def stable_sets(
    m: ReferenceModel, concepts: Iterable[str] = CONCEPTS
) -> dict[str, dict[str, set[int]]]:
    """``{concept: {dm: states stable for dm under concept}}``."""
    return {concept: {dm: _stable(m, dm, concept) for dm in m.dms} for concept in concepts}


__all__ = [
    "CONCEPTS",
    "equilibria",
    "gmr",
    "is_gmr",
    "is_nash",
    "is_seq",
    "is_sim",
    "is_smr",
    "nash",
    "not_better",
    "opponents",
    "prefers",
    "reachable_by_group",
    "seq",
    "sim",
    "simultaneous_outcome",
    "smr",
    "stable_sets",
    "unilateral_improvements",
    "unilateral_moves",
]
