"""Limited-move, coalition, status quo and inverse analysis, written literally.

The slow reference ("test oracle") for :mod:`standoff.stability.limited_move`,
:mod:`standoff.stability.coalition`, :mod:`standoff.analysis.paths` and
:mod:`standoff.analysis.inverse`: plain recursion, sets and loops over a
:class:`~standoff.reference.option_form.ReferenceModel`, one definition per function.

References:
    Kilgour (1985) Anticipation and stability in two-person noncooperative games;
    Fang, Hipel & Kilgour (1993) Interactive Decision Making, Wiley, ch. 5 (L(h), NM).
    Inohara & Hipel (2008) Coalition analysis in the graph model for conflict resolution,
    Systems Engineering 11(4):343-359 (CNash, CGMR, CSMR, CSEQ).
    Li, Kilgour & Hipel (2005) Status quo analysis in the graph model for conflict
    resolution, J. Operational Research Society 56(6):699-707.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from itertools import combinations, permutations, product

from standoff.reference.option_form import ReferenceModel
from standoff.reference.stability import (
    equilibria,
    not_better,
    prefers,
    reachable_by_group,
    unilateral_improvements,
)

# -- limited move (two decision makers) ------------------------------------------------------


def anticipation_table(m: ReferenceModel, h: int) -> list[dict[tuple[str, int], int]]:
    """[G_0, ..., G_h], each a dict (dm, s) -> anticipated final state, for two DMs moving
    alternately (Kilgour 1985; Fang, Hipel & Kilgour 1993, ch. 5).

    G_0(i, s) = s. For h >= 1, i's profitable moves are the t in R_i(s) with
    G_{h-1}(j, t) >_i s (j the other DM). If there is none, G_h(i, s) = s; otherwise i takes
    the profitable move whose anticipated outcome it likes best. Tie rule: among equally
    liked outcomes, the one the opponent j likes least, then the smallest state id.
    """
    if len(m.dms) != 2:
        raise ValueError("limited-move stability needs exactly two decision makers")
    table = [{(dm, s): s for dm in m.dms for s in m.states}]
    for _ in range(h):
        previous = table[-1]
        current = {}
        for dm in m.dms:
            other = m.dms[1] if dm == m.dms[0] else m.dms[0]
            for s in m.states:
                best = None
                result = s
                for t in sorted(m.moves[dm][s]):
                    outcome = previous[(other, t)]
                    if not prefers(m, dm, outcome, s):
                        continue
                    key = (-m.payoff[dm][outcome], m.payoff[other][outcome], outcome)
                    if best is None or key < best:
                        best = key
                        result = outcome
                current[(dm, s)] = result
        table.append(current)
    return table


def anticipated_outcome(m: ReferenceModel, dm: str, s: int, h: int) -> int:
    """G_h(i, s) (see :func:`anticipation_table`)."""
    return anticipation_table(m, h)[h][(dm, s)]


def is_limited_move_stable(m: ReferenceModel, dm: str, s: int, h: int) -> bool:
    """L(h) stability: G_h(i, s) = s (Kilgour 1985; Fang, Hipel & Kilgour 1993, ch. 5)."""
    return anticipated_outcome(m, dm, s, h) == s


def is_nonmyopic_stable(m: ReferenceModel, dm: str, s: int, window: int = 40) -> bool:
    """NM stability, read as "L(h) stable for all sufficiently large h": checked here as
    L(h) stable for every h in [window, 2 * window] (exact when the anticipation sequence
    has settled into its cycle by ``window`` and the cycle is at most ``window`` long, as
    it is for the small models the tests use)."""
    table = anticipation_table(m, 2 * window)
    return all(table[h][(dm, s)] == s for h in range(window, 2 * window + 1))


# -- coalitions ------------------------------------------------------------------------------


def coalitional_improvements(m: ReferenceModel, coalition: Iterable[str], s: int) -> set[int]:
    """R_H++(s): states in R_H(s) that every member of H strictly prefers to s."""
    members = list(coalition)
    return {
        t for t in reachable_by_group(m, members, s)
        if all(prefers(m, k, t, s) for k in members)
    }


def _complement(m: ReferenceModel, coalition: Iterable[str]) -> list[str]:
    members = set(coalition)
    return [j for j in m.dms if j not in members]


def _some_member_not_better(m: ReferenceModel, coalition: Iterable[str], t: int, s: int) -> bool:
    return any(not_better(m, k, t, s) for k in coalition)


def is_cnash(m: ReferenceModel, coalition: Iterable[str], s: int) -> bool:
    """CNash: the coalition has no coalitional improvement from s (Inohara & Hipel 2008)."""
    return not coalitional_improvements(m, coalition, s)


def is_cgmr(m: ReferenceModel, coalition: Iterable[str], s: int) -> bool:
    """CGMR: every s1 in R_H++(s) has some s2 in R_{N-H}(s1) with s2 <=_k s for some k in H."""
    members = list(coalition)
    others = _complement(m, members)
    for s1 in coalitional_improvements(m, members, s):
        reach = reachable_by_group(m, others, s1) if others else set()
        if not any(_some_member_not_better(m, members, s2, s) for s2 in reach):
            return False
    return True


def is_csmr(m: ReferenceModel, coalition: Iterable[str], s: int) -> bool:
    """CSMR: as CGMR, and from that s2 no s3 in R_H(s2) is preferred to s by every member."""
    members = list(coalition)
    others = _complement(m, members)
    for s1 in coalitional_improvements(m, members, s):
        reach = reachable_by_group(m, others, s1) if others else set()
        sanctioned = False
        for s2 in reach:
            if not _some_member_not_better(m, members, s2, s):
                continue
            escape = any(
                all(prefers(m, k, s3, s) for k in members)
                for s3 in reachable_by_group(m, members, s2)
            )
            if not escape:
                sanctioned = True
                break
        if not sanctioned:
            return False
    return True


def is_cseq(m: ReferenceModel, coalition: Iterable[str], s: int) -> bool:
    """CSEQ: as CGMR with s2 in R+_{N-H}(s1), the opponents' legal sequences of UIs."""
    members = list(coalition)
    others = _complement(m, members)
    for s1 in coalitional_improvements(m, members, s):
        reach = reachable_by_group(m, others, s1, improving=True) if others else set()
        if not any(_some_member_not_better(m, members, s2, s) for s2 in reach):
            return False
    return True


COALITION_TESTS = {"cnash": is_cnash, "cgmr": is_cgmr, "csmr": is_csmr, "cseq": is_cseq}


def coalition_stable(m: ReferenceModel, coalition: Iterable[str], concept: str) -> set[int]:
    """States stable for the coalition under ``concept`` (cnash, cgmr, csmr, cseq)."""
    test = COALITION_TESTS[concept]
    members = list(coalition)
    return {s for s in m.states if test(m, members, s)}


# -- status quo analysis ---------------------------------------------------------------------


def reachable_from(m: ReferenceModel, start: int, moves: str = "ui") -> set[int]:
    """States reachable from ``start`` (itself included) by a legal sequence of all the
    DMs' unilateral improvements (``moves="ui"``) or unilateral moves (``"any"``)."""
    reach = reachable_by_group(m, m.dms, start, improving=moves == "ui")
    return reach | {start}


def coalitions_of(m: ReferenceModel) -> list[tuple[str, ...]]:
    """Every non-empty group of DMs, singletons first."""
    return [c for size in range(1, len(m.dms) + 1) for c in combinations(m.dms, size)]


def reachable_by_coalitional_improvements(
    m: ReferenceModel, start: int, coalitions: Sequence[tuple[str, ...]] | None = None
) -> set[int]:
    """States reachable from ``start`` by steps that are coalitional improvements of some
    coalition in ``coalitions`` (default: every non-empty group), the same coalition never
    making two steps in a row."""
    groups = list(coalitions) if coalitions is not None else coalitions_of(m)
    seen: set[tuple[int, tuple[str, ...] | None]] = {(start, None)}
    frontier: list[tuple[int, tuple[str, ...] | None]] = [(start, None)]
    while frontier:
        nxt: list[tuple[int, tuple[str, ...] | None]] = []
        for state, last in frontier:
            for g in groups:
                if g == last:
                    continue
                for t in coalitional_improvements(m, g, state):
                    if (t, g) not in seen:
                        seen.add((t, g))
                        nxt.append((t, g))
        frontier = nxt
    return {s for s, _ in seen}


def shortest_path_length(m: ReferenceModel, start: int, target: int, moves: str = "ui") -> int:
    """Fewest steps of a legal sequence (UIs or any moves) from ``start`` to ``target``;
    -1 if unreachable. Expands the set of (state, last mover) pairs level by level."""
    if target == start:
        return 0
    level: set[tuple[int, str | None]] = {(start, None)}
    seen = set(level)
    steps = 0
    while level:
        steps += 1
        nxt: set[tuple[int, str | None]] = set()
        for state, last in level:
            for j in m.dms:
                if j == last:
                    continue
                targets = (
                    unilateral_improvements(m, j, state) if moves == "ui" else m.moves[j][state]
                )
                for t in targets:
                    if (t, j) not in seen:
                        seen.add((t, j))
                        nxt.add((t, j))
        if any(t == target for t, _ in nxt):
            return steps
        level = nxt
    return -1


# -- inverse analysis ------------------------------------------------------------------------


def with_ranking(m: ReferenceModel, dm: str, ranking: Sequence[int]) -> ReferenceModel:
    """The model with ``dm``'s preference replaced by a strict ranking (best first)."""
    size = len(ranking)
    payoff = dict(m.payoff)
    payoff[dm] = {s: size - k for k, s in enumerate(ranking)}
    return dataclasses.replace(m, payoff=payoff)


def inverse_count(
    m: ReferenceModel,
    state: int,
    vary: Sequence[str],
    concept: str,
    given: Sequence[tuple[str, int, int]] = (),
) -> tuple[int, int]:
    """(profiles making ``state`` an equilibrium under ``concept``, profiles considered):
    every strict ranking of every DM in ``vary`` is tried (brute force), keeping the
    profiles in which each ``(dm, a, b)`` of ``given`` has dm preferring a to b."""
    states = m.states
    good = total = 0
    per_dm = []
    for dm in vary:
        orders = []
        for order in permutations(states):
            position = {s: k for k, s in enumerate(order)}
            if all(position[a] < position[b] for d, a, b in given if d == dm):
                orders.append(order)
        per_dm.append(orders)
    for profile in product(*per_dm):
        model = m
        for dm, order in zip(vary, profile, strict=True):
            model = with_ranking(model, dm, order)
        total += 1
        if state in equilibria(model, concept):
            good += 1
    return good, total


__all__ = [
    "COALITION_TESTS",
    "anticipated_outcome",
    "anticipation_table",
    "coalition_stable",
    "coalitional_improvements",
    "coalitions_of",
    "inverse_count",
    "is_cgmr",
    "is_cnash",
    "is_csmr",
    "is_cseq",
    "is_limited_move_stable",
    "is_nonmyopic_stable",
    "reachable_by_coalitional_improvements",
    "reachable_from",
    "shortest_path_length",
    "with_ranking",
]
