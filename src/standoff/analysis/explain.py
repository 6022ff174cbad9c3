"""Why a state is stable or not: the unilateral improvements and what deters each of them.

For a state *s*, decision maker *i* and concept *c*, :func:`explain` lists every unilateral
improvement ``s1`` of *i* from *s* and, when it is deterred, the shortest sanctioning
sequence: a legal sequence of the opponents' moves (for SEQ, of their unilateral
improvements) from ``s1`` to a state ``s2`` that *i* does not prefer to *s*; for SMR it
also lists *i*'s counter-moves from ``s2`` (none of which is better for *i* than *s*); for
SIM, the opponents' simultaneous improvements that combine with *i*'s move into such a
state. Definitions as in :mod:`standoff.stability`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from itertools import product
from typing import TYPE_CHECKING, Any

import numpy as np

from standoff.concepts import FORESIGHT, RELATIONAL, STABILITY, label, resolve
from standoff.errors import LookupArgumentError
from standoff.graph.conflict import Conflict, is_int
from standoff.model.attitudes import describe
from standoff.stability.common import opponents
from standoff.stability.relational import (
    _others,
    _rsmr_acceptable,
    _shortest,
    _why_improvement,
    _why_no_improvement,
    attitudes,
    relational_improvement_graphs,
    relational_preferred,
)
from standoff.stability.sequences import shortest_legal_sequence, step_targets
from standoff.words import html_lines, html_table, plural

if TYPE_CHECKING:
    from standoff.stability.limited_move import LimitedMoveExplanation

MAX_SIM_COMBINATIONS = 200_000


class _TooManyCombinations(Exception):
    """The simultaneous reactions are too many to search for an explanation."""


@dataclass(frozen=True)
class Step:
    """One move in a sequence: ``dm`` moves from ``source`` to ``target`` (state ids)."""

    dm: str
    source: int
    target: int


@dataclass(frozen=True)
class Deterrence:
    """A unilateral improvement of the focal decision maker and what (if anything) deters it.

    Attributes:
        improvement: the state ``s1`` the decision maker could move to (id).
        sanctioned: whether the opponents can deter it under the concept.
        sequence: the opponents' sanctioning moves from ``s1`` (empty for Nash, or if none).
        outcome: the state the sanction ends in (``s2``), if sanctioned.
        counter_moves: for SMR, the focal decision maker's moves from ``s2`` (none better).
    """

    improvement: int
    sanctioned: bool
    sequence: tuple[Step, ...] = ()
    outcome: int | None = None
    counter_moves: tuple[int, ...] = ()


@dataclass(frozen=True)
class Explanation:
    """The reasons behind one verdict: ``state`` is (or is not) ``concept``-stable for ``dm``."""

    state: int
    dm: str
    concept: str
    stable: bool
    improvements: tuple[Deterrence, ...]
    sentences: tuple[str, ...]

    def __str__(self) -> str:
        return "\n".join(self.sentences)

    def __repr__(self) -> str:
        verdict = "stable" if self.stable else "not stable"
        return (f"<Explanation: state {self.state} {verdict} for {self.dm} under "
                f"{label(self.concept)}; {len(self.improvements)} improvement(s); "
                "print() it for the reasons, .to_frame() for the table>")

    def _rows(self) -> list[list[object]]:
        return [[d.improvement, d.sanctioned,
                 "; ".join(f"{s.dm}: {s.source}→{s.target}" for s in d.sequence),
                 d.outcome, ", ".join(map(str, d.counter_moves))]
                for d in self.improvements]

    _COLUMNS = ("improvement to", "sanctioned", "sanction", "sanction ends in",
                "counter-moves")

    def to_frame(self) -> Any:
        """A pandas DataFrame: one row per unilateral improvement of the decision maker,
        whether it is sanctioned, by which moves, the state the sanction ends in and (SMR)
        the counter-moves."""
        import pandas as pd

        return pd.DataFrame(self._rows(), columns=list(self._COLUMNS))

    def _repr_html_(self) -> str:
        verdict = "stable" if self.stable else "not stable"
        title = f"State {self.state}: {verdict} for {self.dm} under {label(self.concept)}"
        table = html_table(list(self._COLUMNS), self._rows()) if self.improvements else ""
        return html_lines(title, list(self.sentences)) + table

    def to_dict(self) -> dict:
        return {
            "state": self.state,
            "dm": self.dm,
            "concept": self.concept,
            "stable": self.stable,
            "improvements": [
                {
                    "to": d.improvement,
                    "sanctioned": d.sanctioned,
                    "sequence": [
                        {"dm": s.dm, "from": s.source, "to": s.target} for s in d.sequence
                    ],
                    "outcome": d.outcome,
                    "counter_moves": list(d.counter_moves),
                }
                for d in self.improvements
            ],
            "text": list(self.sentences),
        }


def _sanctioning_sequence(
    conflict: Conflict, dm: int, s1: int, acceptable: Callable[[int], bool], improving: bool
) -> tuple[Step, ...] | None:
    """Shortest legal sequence of the opponents' moves (their improvements, for SEQ) from
    ``s1`` to a state for which ``acceptable`` is true."""
    found = shortest_legal_sequence(
        conflict, opponents(conflict, dm), s1, acceptable, improving
    )
    if found is None:
        return None
    return tuple(Step(conflict.dm_ids[j], a + 1, b + 1) for j, a, b in found)


def _acceptable_test(conflict: Conflict, dm: int, s: int, smr: bool) -> Callable[[int], bool]:
    """Whether a state ``s2`` ends a sanction of ``dm``'s move away from ``s``: ``dm`` likes
    it no better than ``s`` (for SMR, nor any state ``dm`` can move to from it: the escape
    value of :func:`standoff.stability.smr.escape_value`, computed for ``s2`` alone)."""
    rank = conflict.ranks[dm]
    level = rank[s]

    def acceptable(s2: int) -> bool:
        if rank[s2] > level:
            return False
        return not smr or not bool((rank[conflict.moves[dm].of(s2)] > level).any())

    return acceptable


def _simultaneous(
    conflict: Conflict, dm: int, s: int, s1: int
) -> tuple[tuple[Step, ...], int] | None:
    """Opponents' simultaneous improvements from ``s`` that, with ``s → s1``, deter it."""
    group = opponents(conflict, dm)
    v = conflict.space.patterns
    choices = [[-1, *(int(t) for t in step_targets(conflict, j, s, True))] for j in group]
    rank = conflict.ranks[dm]
    count = 0
    for combo in product(*choices):
        if all(c < 0 for c in combo):
            continue
        count += 1
        if count > MAX_SIM_COMBINATIONS:
            raise _TooManyCombinations
        pattern = int(v[s]) & ~conflict.own_masks[dm] | int(v[s1]) & conflict.own_masks[dm]
        for j, t in zip(group, combo, strict=True):
            if t >= 0:
                mask = conflict.own_masks[j]
                pattern = pattern & ~mask | int(v[t]) & mask
        s2 = int(conflict.space.state_of(np.array([pattern], dtype=np.uint64))[0])
        if s2 >= 0 and rank[s2] <= rank[s]:
            steps = tuple(
                Step(conflict.dm_ids[j], s + 1, t + 1)
                for j, t in zip(group, combo, strict=True)
                if t >= 0
            )
            return steps, s2
    return None


def _changes(conflict: Conflict, s: int, t: int) -> str:
    """The options that differ between ``s`` and ``t``; in a hierarchical model each change
    also names its local conflict (``us.stay→Y in local conflict war``)."""
    a = conflict.option_values(s)
    b = conflict.option_values(t)
    hierarchy = conflict.spec.extra.get("hierarchy")
    parts = []
    for key, x, y in zip(conflict.option_keys, a, b, strict=True):
        if x != y:
            shown = "–" if y is None else ("Y" if y else "N")
            where = "" if hierarchy is None else \
                f" in local conflict {hierarchy.local_of_option(key)}"
            parts.append(f"{key}→{shown}{where}")
    return ", ".join(parts)


def _where(conflict: Conflict, s: int, t: int) -> str:
    """`` in local conflict war`` (or ``… war and domestic``) for a move of a hierarchical
    model; empty for any other model."""
    hierarchy = conflict.spec.extra.get("hierarchy")
    if hierarchy is None:
        return ""
    changed = [key for key, x, y in zip(conflict.option_keys, conflict.option_values(s),
                                        conflict.option_values(t), strict=True) if x != y]
    names = list(dict.fromkeys(hierarchy.local_of_option(key) for key in changed))
    return f" in local conflict {' and '.join(names)}" if names else ""


def explain(
    conflict: Conflict, state: int, dm: str | int, concept: str
) -> Explanation | LimitedMoveExplanation:
    """Explain the verdict for ``state`` (1-based id), decision maker ``dm`` and ``concept``.

    Limited-move concepts (``l1``, ``l2``, …, ``nm``) are explained by their anticipated
    lines of play (:func:`standoff.stability.limited_move.explain_concept`). Raises
    :class:`~standoff.concepts.UnknownConceptError` for a concept that is not one of
    :data:`standoff.concepts.STABILITY`."""
    if not isinstance(conflict, Conflict):
        raise TypeError(f"explain expects a Conflict (standoff.load(...)), not "
                        f"{type(conflict).__name__}")
    if not is_int(state):
        raise TypeError(f"a state is given by its number, an int from 1 to "
                        f"{conflict.state_count}, not {state!r} ({type(state).__name__})")
    if not isinstance(concept, str):
        raise TypeError(f"a concept is given by its name, e.g. 'seq', not {concept!r} "
                        f"({type(concept).__name__})")
    if not 1 <= state <= conflict.state_count:
        raise LookupArgumentError(f"state {state} does not exist",
                                  hint=f"states are numbered 1 to {conflict.state_count}")
    state = int(state)
    i = conflict.dm_index(dm)
    record = resolve(concept, STABILITY)
    concept = record.key
    if record.family == FORESIGHT:
        from standoff.stability.limited_move import explain_concept

        return explain_concept(conflict, state, dm, concept)
    if record.family == RELATIONAL:  # RNash, RGMR, RSMR, RSEQ under attitudes
        return explain_relational(conflict, state, dm, concept)
    s = state - 1
    name = conflict.spec.dms[i].name
    label = record.label
    # only the moves from the states the explanation visits are looked at: nothing is
    # computed for the whole model (its improvement graphs, SMR's escape values)
    ui = [int(t) for t in step_targets(conflict, i, s, True)]
    items: list[Deterrence] = []
    text: list[str] = []
    show = conflict.show
    acceptable = _acceptable_test(conflict, i, s, smr=concept == "smr")
    for s1 in ui:
        move = (
            f"{name} would gain by moving from {show(s)} to {show(s1)} "
            f"({_changes(conflict, s, s1)})"
        )
        if concept == "nash":
            items.append(Deterrence(s1 + 1, False))
            text.append(move + ".")
            continue
        if concept == "sim":
            try:
                found = _simultaneous(conflict, i, s, s1)
            except _TooManyCombinations:
                from standoff.stability.sim import sim_stable

                # too many to list one by one: the verdict comes from the full computation
                state_stable = bool(sim_stable(conflict, i)[s])
                items.append(Deterrence(s1 + 1, state_stable))
                text.append(move + f"; the others' simultaneous reactions are too many (over "
                            f"{MAX_SIM_COMBINATIONS:,}) to list the one that "
                            f"{'deters' if state_stable else 'would deter'} it here.")
                continue
            if found is None:
                items.append(Deterrence(s1 + 1, False))
                text.append(move + ", and no simultaneous improvement of the others makes "
                            f"that move turn out no better than {show(s)}.")
            else:
                steps, s2 = found
                items.append(Deterrence(s1 + 1, True, steps, s2 + 1))
                who = "; ".join(
                    f"{conflict.spec.dms[conflict.dm_index(st.dm)].name} {st.source}→{st.target}"
                    + _where(conflict, st.source - 1, st.target - 1)
                    for st in steps
                )
                text.append(move + f", but if at the same time {who}, the result is {show(s2)},"
                            f" which {name} likes no better than {show(s)}.")
            continue
        seq = _sanctioning_sequence(conflict, i, s1, acceptable, improving=concept == "seq")
        if seq is None:
            kind = "credible sanction (a sequence of their own improvements)" if concept == "seq" \
                else "sanction"
            items.append(Deterrence(s1 + 1, False))
            text.append(move + f", and the others have no {kind} that leaves {name} no better "
                        f"off than at {show(s)}.")
            continue
        s2 = seq[-1].target - 1
        counters: tuple[int, ...] = ()
        if concept == "smr":
            counters = tuple(int(t) + 1 for t in conflict.moves[i].of(s2))
        items.append(Deterrence(s1 + 1, True, seq, s2 + 1, counters))
        answer = ", then ".join(
            f"{conflict.spec.dms[conflict.dm_index(st.dm)].name} moves {st.source}→{st.target}"
            + _where(conflict, st.source - 1, st.target - 1)
            for st in seq
        )
        sentence = move + f", but {answer}, ending at {show(s2)}, which {name} likes no " \
            f"better than {show(s)}."
        if concept == "smr":
            if counters:
                listed = ", ".join(show(t - 1) for t in counters)
                sentence += (
                    f" {name}'s counter-moves from there ({listed}) are no better than "
                    f"{show(s)} either."
                )
            else:
                sentence += f" {name} has no counter-move from there."
        text.append(sentence)
    stable = all(d.sanctioned for d in items)
    if not ui:
        head = f"{show(s)} is {label} stable for {name}: {name} has no unilateral improvement " \
            "from it."
    elif stable:
        head = f"{show(s)} is {label} stable for {name}: every unilateral improvement is deterred."
    else:
        bad = [d.improvement for d in items if not d.sanctioned]
        if len(bad) == 1:
            what = f"the move to {bad[0]} is not deterred"
        else:
            listed = ", ".join(map(str, bad[:-1])) + f" and {bad[-1]}"
            what = f"the moves to {listed} are not deterred"
        if concept == "nash":  # said once here, not on every move
            what = (f"{name} has {plural(len(bad), 'unilateral improvement')}, and Nash "
                    "stability does not consider sanctions")
        head = f"{show(s)} is not {label} stable for {name}: {what}."
    return Explanation(state, conflict.dm_ids[i], concept, stable, tuple(items),
                       (head, *text))


# -- relational concepts (attitudes; docs/structure.md) ---------------------------------------
def explain_relational(conflict: Conflict, state: int, dm: str | int, concept: str):
    """Explain RNash, RGMR, RSMR or RSEQ (``concept``, a key) for ``state`` (1-based) and
    ``dm``: each relational improvement of ``dm``, the attitudes that make it one, and the
    shortest sanctioning sequence (of the others' moves; for RSEQ of their relational
    improvements) to a state that is not a relational improvement on ``state``, saying why
    it is not; for RSMR also ``dm``'s counter-moves from there. Returns an
    :class:`standoff.analysis.explain.Explanation`."""
    from standoff.concepts import resolve

    record = resolve(concept)
    i = conflict.dm_index(dm)
    s = int(state) - 1
    name = conflict.spec.dms[i].name
    show = conflict.show
    held = describe(attitudes(conflict), [d.name for d in conflict.spec.dms], i)
    improvements = [int(t) for t in relational_improvement_graphs(conflict)[i].of(s)]
    if record.key == "rsmr":
        acceptable = _rsmr_acceptable(conflict, i, s)
    else:
        acceptable = ~relational_preferred(conflict, i, s)
    others = _others(conflict, i)
    items = []
    text = []
    for s1 in improvements:
        move = (f"{name} would gain relationally by moving from {show(s)} to {show(s1)}: "
                f"under its attitudes ({held}) {s1 + 1} is a relational improvement on "
                f"{s + 1} ({_why_improvement(conflict, i, s, s1)})")
        if record.key == "rnash":
            items.append(Deterrence(s1 + 1, False))
            text.append(move + "; under RNash stability sanctions are not considered.")
            continue
        found = _shortest(conflict, others, s1, lambda t: bool(acceptable[t]),
                          improving=record.key == "rseq")
        if found is None:
            kind = ("relational sanction (a sequence of their own relational improvements)"
                    if record.key == "rseq" else "sanction")
            items.append(Deterrence(s1 + 1, False))
            text.append(move + f", and the others have no {kind} that ends at a state that is "
                        f"not a relational improvement on {s + 1} for {name}.")
            continue
        steps = tuple(Step(conflict.dm_ids[j], a + 1, b + 1) for j, a, b in found)
        s2 = found[-1][2]
        counters: tuple[int, ...] = ()
        if record.key == "rsmr":
            counters = tuple(int(t) + 1 for t in conflict.moves[i].of(s2))
        items.append(Deterrence(s1 + 1, True, steps, s2 + 1, counters))
        answer = ", then ".join(
            f"{conflict.spec.dms[conflict.dm_index(st.dm)].name} moves {st.source}→{st.target}"
            + (" (a relational improvement for it)" if record.key == "rseq" else "")
            for st in steps)
        sentence = (move + f", but {answer}, ending at {show(s2)}, which is no relational "
                    f"improvement on {s + 1} for {name}: "
                    f"{_why_no_improvement(conflict, i, s, s2)}.")
        if record.key == "rsmr":
            if counters:
                sentence += (f" None of {name}'s counter-moves from there "
                             f"({', '.join(map(str, counters))}) is a relational improvement "
                             f"on {s + 1} either.")
            else:
                sentence += f" {name} has no counter-move from there."
        text.append(sentence)
    stable = all(d.sanctioned for d in items)
    label = record.label
    if not improvements:
        head = (f"{show(s)} is {label} stable for {name}: under its attitudes ({held}) "
                f"{name} has no relational improvement from it.")
    elif stable:
        head = (f"{show(s)} is {label} stable for {name}: every relational improvement is "
                "deterred.")
    else:
        bad = [d.improvement for d in items if not d.sanctioned]
        listed = str(bad[0]) if len(bad) == 1 else \
            ", ".join(map(str, bad[:-1])) + f" and {bad[-1]}"
        what = f"the move{'s' if len(bad) > 1 else ''} to {listed} "
        what += "is not deterred" if len(bad) == 1 else "are not deterred"
        head = f"{show(s)} is not {label} stable for {name}: {what}."
    return Explanation(int(state), conflict.dm_ids[i], record.key, stable, tuple(items),
                       (head, *text))
