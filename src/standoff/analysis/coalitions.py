"""Coalition analysis: what groups of decision makers can achieve together.

For each coalition *H* (every group of two or more decision makers, or the ones the user
names) this computes the coalitional improvements ``R_H⁺⁺(s)`` (states *H* can reach by a
legal sequence of its members' moves and that every member strictly prefers) and the
states stable for *H* under CNash, CGMR, CSMR and CSEQ (Inohara & Hipel 2008, Systems
Engineering 11(4):343–359). The definitions, and the sanction rule of each concept, are in
:mod:`standoff.stability.coalition` and ``docs/evolution.md``.

Golden case (Elmira, 9 states): MoE and Uniroyal together move 5 → 6 → 8, and both prefer
8 to 5, so the Nash equilibrium 5 is not CNash for that coalition.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from itertools import combinations
from typing import Any

import numpy as np

from standoff.concepts import COALITIONS, Concept, resolve
from standoff.concepts import label as concept_label
from standoff.costs import check_cost
from standoff.errors import ParameterError
from standoff.graph.conflict import Conflict
from standoff.provenance import Provenance, of_model
from standoff.stability.coalition import CoalitionStability, shortest_legal_sequence
from standoff.stability.sequences import MAX_MATRIX_STATES, reaching
from standoff.words import html_lines, html_table, plural


@dataclass(frozen=True)
class CoalitionMove:
    """A coalitional improvement ``source → target`` and whether (and how) it is deterred.

    ``sequence``: the members' moves reaching ``target``; ``sanction``: the opponents' moves
    from ``target`` to ``outcome`` that leave some member no better off (empty if none).
    """

    source: int
    target: int
    sequence: tuple[tuple[str, int, int], ...]
    sanctioned: bool
    sanction: tuple[tuple[str, int, int], ...] = ()
    outcome: int | None = None


@dataclass(frozen=True)
class CoalitionExplanation:
    """Why ``state`` is (or is not) stable for a coalition under ``concept``."""

    state: int
    members: tuple[str, ...]
    concept: str
    stable: bool
    moves: tuple[CoalitionMove, ...]
    sentences: tuple[str, ...]

    def __str__(self) -> str:
        return "\n".join(self.sentences)

    def to_dict(self) -> dict[str, Any]:
        def steps(seq: Iterable[tuple[str, int, int]]) -> list[dict[str, Any]]:
            return [{"dm": d, "from": f, "to": t} for d, f, t in seq]

        return {
            "state": self.state,
            "members": list(self.members),
            "concept": self.concept,
            "stable": self.stable,
            "improvements": [
                {"to": m.target, "sequence": steps(m.sequence), "sanctioned": m.sanctioned,
                 "sanction": steps(m.sanction), "outcome": m.outcome}
                for m in self.moves
            ],
            "text": list(self.sentences),
        }


@dataclass(frozen=True, eq=False)
class CoalitionResult:
    """Coalitional improvements and CNash/CGMR/CSMR/CSEQ stability for one coalition."""

    conflict: Conflict
    members: tuple[str, ...]
    improvements: dict[int, list[int]]
    stable: dict[str, list[int]]
    _engine: CoalitionStability

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "members": list(self.members),
            "improvements": {str(s): t for s, t in self.improvements.items()},
        }
        out.update(self.stable)
        return out

    def explain(self, state: int, concept: str | Concept = "cnash") -> CoalitionExplanation:
        """Every coalitional improvement from ``state`` and what deters it (if anything)
        under ``concept``, a coalition concept of :mod:`standoff.concepts` (any other raises
        :class:`~standoff.concepts.UnknownConceptError`)."""
        return _explain(self, state, concept)

    def sentence(self) -> str:
        c = self.conflict
        names = " and ".join(c.spec.dms[c.dm_index(d)].name for d in self.members)
        if not self.improvements:
            return f"{names} together have no move that all of them prefer, from any state."
        parts = [f"{s}→{', '.join(map(str, t))}" for s, t in self.improvements.items()]
        return f"{names} together can improve on: " + "; ".join(parts) + "."


@dataclass(frozen=True, eq=False)
class CoalitionAnalysis:
    """Coalition analysis for a class of coalitions (:func:`analyze_coalitions`)."""

    conflict: Conflict
    coalitions: tuple[CoalitionResult, ...]
    provenance: Provenance | None = None

    @property
    def equilibria(self) -> dict[str, list[int]]:
        """States stable for every coalition of the class, per concept."""
        out = {}
        m = self.conflict.state_count
        for concept in COALITIONS.concept_keys():
            mask = np.ones(m, dtype=bool)
            for r in self.coalitions:
                stable = np.zeros(m, dtype=bool)
                stable[np.array(r.stable[concept], dtype=np.int64) - 1] = True
                mask &= stable
            out[concept] = [int(s) + 1 for s in np.flatnonzero(mask)]
        return out

    def coalition(self, members: Iterable[str]) -> CoalitionResult:
        key = set(members)
        for r in self.coalitions:
            if set(r.members) == key:
                return r
        raise KeyError(f"coalition {sorted(key)} was not analysed")

    def __repr__(self) -> str:
        return (f"<CoalitionAnalysis of {self.conflict.title!r}: "
                f"{len(self.coalitions)} coalitions; .to_frame() for the table>")

    def to_frame(self) -> Any:
        """A pandas DataFrame: one row per coalition analysed (its members, its coalitional
        improvements, and per coalition concept the states stable for it)."""
        import pandas as pd

        return pd.DataFrame([self._row(r) for r in self.coalitions],
                            columns=self._header())

    def _header(self) -> list[str]:
        return ["coalition", "coalitional improvements",
                *(record.label for record in COALITIONS.concepts())]

    def _row(self, r: CoalitionResult) -> list[str]:
        improvements = "; ".join(f"{s}→{', '.join(map(str, t))}"
                                 for s, t in r.improvements.items())
        return [" + ".join(r.members), improvements or "none",
                *(", ".join(map(str, r.stable[k])) or "none"
                  for k in COALITIONS.concept_keys())]

    def _repr_html_(self) -> str:
        eq = "; ".join(f"{concept_label(k)} {', '.join(map(str, v)) or 'none'}"
                       for k, v in self.equilibria.items())
        title = f"Coalition analysis: {self.conflict.title}"
        return (html_lines(title, [f"Coalitions analysed: {len(self.coalitions)}; states "
                                   f"stable for every one of them: {eq}."])
                + html_table(self._header(), [self._row(r) for r in self.coalitions]))

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": "standoff-coalitions/1",
            "title": self.conflict.title,
            "provenance": None if self.provenance is None else self.provenance.to_dict(),
            "coalitions": [r.to_dict() for r in self.coalitions],
            "equilibria": self.equilibria,
            "text": [r.sentence() for r in self.coalitions],
        }


def _no_state(state: int) -> bool:
    """The ``accept`` test that no state passes."""
    return False


def parse_coalition(conflict: Conflict, text: str) -> tuple[int, ...]:
    """``"moe+uniroyal"`` (or ``moe,uniroyal``) → decision-maker indices."""
    parts = [p.strip() for p in text.replace(",", "+").split("+") if p.strip()]
    out = []
    for p in parts:
        out.append(conflict.dm_parameter(p, "coalitions", f" in coalition '{text}'"))
    if not out:
        raise ParameterError(f"empty coalition '{text}'", parameter="coalitions",
                             hint="name decision maker ids joined by '+', e.g. moe+uniroyal")
    return tuple(sorted(set(out)))


#: Most (start state x move) visits the state-by-state coalition search may make; the
#: search runs in Python at roughly a microsecond per visit, so this is about two minutes.
MAX_COALITION_WORK = 10**8

#: Most (coalition, state) pairs examined one by one in Python (each coalition's
#: improvements and its four stabilities are decided state by state, at 100 to 300 µs per
#: state): up to about half a minute. A model with n decision makers has 2^n − n − 1
#: coalitions of two or more, so this also bounds how many decision makers are analysed
#: together (8 with one option each; 5 with two).
MAX_COALITION_PAIRS = 100_000


def all_coalitions(conflict: Conflict, min_size: int = 1) -> list[tuple[int, ...]]:
    """Every group of at least ``min_size`` decision makers (indices), smallest first."""
    n = len(conflict.dm_ids)
    return [c for size in range(min_size, n + 1) for c in combinations(range(n), size)]


def coalition_count(n: int, min_size: int = 2) -> int:
    """The number of groups of at least ``min_size`` of ``n`` decision makers."""
    return sum(math.comb(n, k) for k in range(max(min_size, 0), n + 1))


def check_coalition_count(conflict: Conflict, count: int, what: str = "coalition analysis",
                          steps: float | None = None, hint: str | None = None) -> None:
    """Refuse, before the coalitions are even listed, ``count`` coalitions examined state by
    state (:data:`MAX_COALITION_PAIRS`), or ``steps`` search steps over them
    (:data:`MAX_COALITION_WORK`). ``hint`` replaces the default fix (name fewer
    coalitions)."""
    m = conflict.state_count
    n = len(conflict.dm_ids)
    hint = hint or ("name the coalitions to analyse (--coalition a+b, repeatable; coalitions= "
                    f"in the library) instead of all {count:,} of the {n} decision makers, or "
                    "give the model fewer decision makers or states")
    where = conflict.spec.file
    what = f"{what} ({plural(count, 'coalition')} over {plural(m, 'state')})"
    check_cost(what, work=count * m, work_limit=MAX_COALITION_PAIRS,
               unit="(coalition, state) pairs", file=where, hint=hint)
    if steps is not None:
        check_cost(what, work=steps, work_limit=MAX_COALITION_WORK, unit="search steps",
                   file=where, hint=hint)


def reach_matrix_bytes(conflict: Conflict, group: Sequence[int]) -> int:
    """Peak bytes of :func:`~standoff.stability.sequences.all_legal_reach` for ``group``:
    a row of bits per state for each member and three working copies, one gathered row per
    move, and the unpacked states x states result (three copies while it is transposed)."""
    m = conflict.state_count
    words = (m + 63) // 64
    moves = max(int(np.asarray(conflict.moves[j].counts()).sum()) for j in group)
    return 8 * words * (3 * moves + (len(group) + 2) * m) + 3 * m * m


def check_coalition_cost(conflict: Conflict, groups: Sequence[tuple[int, ...]],
                         retained: bool = False, what: str = "coalition analysis") -> None:
    """Refuse, before computing, coalition analyses that would not finish or not fit.

    Every coalition is examined state by state (:func:`check_coalition_count`). A coalition
    of several decision makers (and, for CSMR, its opponents) needs the set of states it
    reaches by legal sequences from every state. Up to
    :data:`~standoff.stability.sequences.MAX_MATRIX_STATES` states these sets are one bit
    matrix (work: moves x states/64 per round, memory: :func:`reach_matrix_bytes`, one
    coalition at a time unless ``retained``, when every coalition's states x states result
    is kept at once); beyond, a search from each state (work: states x moves, over all the
    coalitions). Single decision makers only need their own moves.
    """
    check_coalition_count(conflict, len(groups), what)
    m = conflict.state_count
    n = len(conflict.dm_ids)
    moves = [int(np.asarray(conflict.moves[j].counts()).sum()) for j in range(n)]
    peak = kept = work = searched = 0
    for members in groups:
        opponents = tuple(j for j in range(n) if j not in members)
        for group in (members, opponents) if not retained else (members,):
            if len(group) < 2:
                continue
            if m <= MAX_MATRIX_STATES:
                peak = max(peak, kept + reach_matrix_bytes(conflict, group))
                kept += m * m if retained else 0
            else:
                searched += sum(moves[j] for j in group)
                work += m * sum(moves[j] for j in group)
    if m <= MAX_MATRIX_STATES:
        # the reachable sets of one coalition (members and opponents) are kept while it is
        # analysed
        check_cost(f"{what} ({plural(len(groups), 'coalition')} over {plural(m, 'state')})",
                   memory=peak + (0 if retained else 2 * m * m), file=conflict.spec.file,
                   hint="give the decision makers fewer options, or analyse single decision "
                   "makers (analyze) instead of coalitions")
        return
    check_cost(f"{what} ({plural(len(groups), 'coalition')}), searching legal sequences from "
               f"each of the {m:,} states over {searched:,} moves,", work=work,
               work_limit=MAX_COALITION_WORK, unit="steps", file=conflict.spec.file,
               hint="coalition concepts need every state's reachable set; give the "
               "decision makers fewer options or add feasibility constraints")


def analyze_coalitions(
    conflict: Conflict,
    coalitions: Sequence[Iterable[str | int]] | None = None,
    min_size: int = 2,
) -> CoalitionAnalysis:
    """Coalitional improvements and CNash, CGMR, CSMR, CSEQ for each coalition.

    ``coalitions``: the class to analyse, each a collection of decision-maker ids (or
    indices); default every group of at least ``min_size`` decision makers.
    """
    if coalitions is None:
        check_coalition_count(conflict, coalition_count(len(conflict.dm_ids), min_size))
        groups = all_coalitions(conflict, min_size)
    else:
        groups = []
        for g in coalitions:
            if isinstance(g, str):
                members = parse_coalition(conflict, g)
            else:
                members = tuple(sorted({conflict.dm_index(d) for d in g}))
            if members not in groups:
                groups.append(members)
    check_coalition_cost(conflict, groups)
    results = []
    for members in groups:
        engine = CoalitionStability(conflict, members)
        improvements = {
            int(s) + 1: [int(t) + 1 for t in targets]
            for s, targets in engine.improvement_map().items()
        }
        stable = {
            k: [int(s) + 1 for s in np.flatnonzero(engine.stable(k))]
            for k in COALITIONS.concept_keys()
        }
        engine.release()  # the reachable sets are rebuilt if an explanation needs them
        results.append(CoalitionResult(conflict, tuple(conflict.dm_ids[i] for i in members),
                                       improvements, stable, engine))
    provenance = of_model(conflict.spec, COALITIONS.concept_keys(),
                          coalitions=[list(r.members) for r in results], min_size=min_size)
    return CoalitionAnalysis(conflict, tuple(results), provenance)


def _explain(result: CoalitionResult, state: int,
             concept: str | Concept) -> CoalitionExplanation:
    record = resolve(concept, COALITIONS)  # UnknownConceptError for any other concept
    concept = record.key
    c = result.conflict
    engine = result._engine
    s = state - 1
    members = engine.members
    opponents = engine.opponents
    names = " and ".join(c.spec.dms[i].name for i in members)
    label = record.label

    def named(seq: list[tuple[int, int, int]] | None) -> tuple[tuple[str, int, int], ...]:
        return tuple((c.dm_ids[d], a + 1, b + 1) for d, a, b in seq or [])

    ranks = c.ranks[list(members)]
    moves = []
    sentences = []
    for s1 in engine.improvements(s):
        s1 = int(s1)
        path = named(shortest_legal_sequence(c, members, s, reaching(s1)))
        how = ", ".join(f"{d} {a}→{b}" for d, a, b in path)
        deterred = engine.sanctioned(s, s1, concept)
        sanction: tuple[tuple[str, int, int], ...] = ()
        outcome = None
        if deterred:
            accept: Callable[[int], bool]
            if concept == "csmr":
                target = engine.smr_sanction(s, s1)
                accept = reaching(target) if target is not None else _no_state
            else:

                def accept(x: int) -> bool:
                    return bool(np.any(ranks[:, x] <= ranks[:, s]))

            seq = shortest_legal_sequence(c, opponents, s1, accept,
                                          improving=concept == "cseq")
            sanction = named(seq)
            outcome = sanction[-1][2] if sanction else None
        moves.append(CoalitionMove(state, s1 + 1, path, deterred, sanction, outcome))
        text = (f"{names} can move together from {c.show(s)} to {c.show(s1)} ({how}), which "
                f"every member prefers")
        if deterred and outcome is not None:
            seq_text = ", ".join(f"{d} {a}→{b}" for d, a, b in sanction)
            text += (f"; but the others can respond ({seq_text}), ending at "
                     f"{c.show(outcome - 1)}, which leaves a member no better off")
            if concept == "csmr":
                text += " and from which the coalition cannot reach a state all prefer"
        elif concept != "cnash":
            text += "; no sanction deters it"
        sentences.append(text + ".")
    stable = all(m.sanctioned for m in moves)
    verdict = "is" if stable else "is not"
    head = f"{c.show(s)} {verdict} {label} stable for the coalition of {names}"
    if not moves:
        head += ": the coalition has no move from it that every member prefers"
    return CoalitionExplanation(state, result.members, concept, stable, tuple(moves),
                                (head + ".", *sentences))


__all__ = [
    "CoalitionAnalysis",
    "CoalitionExplanation",
    "CoalitionMove",
    "CoalitionResult",
    "analyze_coalitions",
    "parse_coalition",
]
