"""Drama theory's dilemmas, computed from a card table over the model's options and the
preferences the model already has (docs/confrontation.md).

What was read, and what is reconstructed
----------------------------------------
The primary texts (Howard, "Drama theory and its relation to game theory", Group Decision
and Negotiation 3, 1994; Howard, *Confrontation Analysis*, CCRP 1999; Bryant, *The Six
Dilemmas of Collaboration*, Wiley 2003) could not be read. What could be read (secondary
and tertiary sources, listed with what each says in docs/confrontation.md): a card table
(options board) is a table of yes/no decisions in which each party states its *position*
(what it would like to happen) and the parties' *threatened future* (what will happen if
they cannot agree); the dilemmas of "version 1" of the theory are named cooperation,
trust, deterrence, inducement, positioning and threat; a *rejection* dilemma and a
*persuasion* dilemma appear in the later version, which looks at single options; version
1 compares *scenarios* (sets of option choices). Every definition below is therefore
**standoff's reconstruction** from those names and the issue's wording, labelled so in
every output (``definitions`` in JSON).

Futures and how they are compared
---------------------------------
A *future* fixes some options (taken or not) and leaves the others open; it stands for the
set of feasible states that agree with every value it fixes. Party *i* compares two
futures F and G by its ranking of states (``Conflict.ranks``, higher is better) under one
of three *readings* (the model's ``confrontation: reading:``, by default ``worst``):

* ``worst``: i prefers F to G when the worst state of F is better for i than the worst
  state of G (a cautious party: it expects the open options to be set against it);
* ``best``: when the best state of F is better for i than the best state of G;
* ``all``: when every state of F is better for i than every state of G (the worst of F
  is better than the best of G): a preference that holds however the open options fall.

With fully specified futures (one state each) the three readings agree.

*i has a unilateral improvement from F* when some future G that keeps every other
party's values of F, fixes every option of i, and differs from F on an option F fixes
for i, is preferred by i to F (same reading). A future that fixes none of i's options
leaves i nothing to defect from.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from standoff.graph import Conflict
from standoff.model.confrontation import DILEMMA_NAMES, READINGS, ConfrontationSpec, FutureSpec

U64 = np.uint64

#: Where each definition comes from (every one is a reconstruction; docs/confrontation.md
#: says what could be read).
CITATIONS = {
    "card table": "Howard, Confrontation Analysis (CCRP 1999), as summarised in secondary "
    "sources (docs/confrontation.md): each party's position and the threatened future, "
    "side by side over yes/no options",
    "future comparison": "standoff's choice: a future is a set of states; it is compared by "
    "its worst states, its best states, or all of them (the 'reading')",
    "threat": "reconstruction: the party prefers the other's position to the threatened "
    "future, so its threat to carry out the threatened future is not credible",
    "deterrence": "reconstruction: the other prefers the threatened future to the party's "
    "position, so the party's threat does not deter it",
    "positioning": "reconstruction: the party prefers the other's position to its own",
    "inducement": "reconstruction: the party has a unilateral improvement from its own "
    "position, so its promise to implement it is not credible",
    "trust": "reconstruction: the other has a unilateral improvement from the party's "
    "position, so the party could not trust it to implement the position once agreed",
    "rejection": "reconstruction: the party prefers the threatened future to the other's "
    "position, so it rejects that position",
    "acceptable": "reconstruction: a position is acceptable to a party when the party "
    "prefers it to the threatened future",
    "incompatible": "two positions are incompatible when no feasible state agrees with "
    "both (they fix an option to different values, or their values cannot occur together)",
    "not implemented": "the persuasion dilemma and the option-by-option dilemmas of the "
    "later version of the theory; self-dilemmas; the Confrontation Manager software's "
    "own rules (none could be read)",
}


# -- the card table as plain data ------------------------------------------------------------
@dataclass(frozen=True)
class Future:
    """Option values as bits: option ``k`` is fixed when bit ``k`` of ``mask`` is set, and
    taken when bit ``k`` of ``values`` is set too."""

    mask: int
    values: int

    def states(self, patterns: np.ndarray) -> np.ndarray:
        """Bool mask over states (their bit patterns): those that agree with the future."""
        return (patterns & U64(self.mask)) == U64(self.values & self.mask)


@dataclass(frozen=True, eq=False)
class CardTable:
    """What the dilemma predicates read: states as bit patterns, each decision maker's
    utility over them (higher is better), each decision maker's own options as a bit mask,
    the parties' positions, the threatened future and the reading.

    Attributes:
        patterns: uint64 bit pattern of each state.
        utility: shape (decision makers, states); higher is preferred.
        own: bit mask of each decision maker's options.
        positions: decision maker index -> its position.
        threat: the threatened future (stated intentions included).
        reading: ``worst``, ``best`` or ``all`` (module docstring).
    """

    patterns: np.ndarray
    utility: np.ndarray
    own: tuple[int, ...]
    positions: dict[int, Future]
    threat: Future
    reading: str = "worst"

    @property
    def parties(self) -> tuple[int, ...]:
        """Decision makers (indices) with a position."""
        return tuple(self.positions)


@dataclass(frozen=True)
class Comparison:
    """Whether party ``party`` prefers future A to future B under the table's reading, and
    the deciding states (``a`` of A, ``b`` of B, 0-based; -1 when a future is empty)."""

    holds: bool
    a: int
    b: int


def compare(table: CardTable, party: int, first: Future, second: Future) -> Comparison:
    """Whether ``party`` prefers ``first`` to ``second`` (module docstring, "Futures and how
    they are compared"); an empty future is preferred to nothing and nothing to it."""
    u = table.utility[party]
    a_states = np.flatnonzero(first.states(table.patterns))
    b_states = np.flatnonzero(second.states(table.patterns))
    if not len(a_states) or not len(b_states):
        return Comparison(False, -1, -1)
    worst_a = int(a_states[np.argmin(u[a_states])])
    best_a = int(a_states[np.argmax(u[a_states])])
    worst_b = int(b_states[np.argmin(u[b_states])])
    best_b = int(b_states[np.argmax(u[b_states])])
    if table.reading == "best":
        a, b = best_a, best_b
    elif table.reading == "all":
        a, b = worst_a, best_b
    else:
        a, b = worst_a, worst_b
    return Comparison(bool(u[a] > u[b]), a, b)


def prefers(table: CardTable, party: int, first: Future, second: Future) -> bool:
    """Whether ``party`` prefers future ``first`` to future ``second`` (:func:`compare`)."""
    return compare(table, party, first, second).holds


def unilateral_improvement(table: CardTable, party: int, future: Future) -> Future | None:
    """A future ``party`` prefers to ``future`` that it can bring about alone by setting its
    own options against the values ``future`` fixes for them (other parties' values kept),
    or None (module docstring)."""
    own = table.own[party]
    fixed_own = future.mask & own
    if not fixed_own:
        return None
    others = Future(future.mask & ~own, future.values & ~own)
    free = table.patterns[others.states(table.patterns)] & U64(own)
    for choice in sorted({int(c) for c in free}):
        if (choice & fixed_own) == (future.values & fixed_own):
            continue  # keeps every value the future fixes for the party: no defection
        deviation = Future(others.mask | own, (others.values & ~own) | choice)
        if prefers(table, party, deviation, future):
            return deviation
    return None


# -- the dilemma predicates: (table, party, other) -> bool -------------------------------------
def threat_dilemma(table: CardTable, party: int, other: int) -> bool:
    """*Threat dilemma* (reconstruction; Howard 1999 names it, definition not read): ``party``
    prefers ``other``'s position to the threatened future, so its threat to bring about the
    threatened future if ``other`` does not accept its position is not credible."""
    return prefers(table, party, table.positions[other], table.threat)


def deterrence_dilemma(table: CardTable, party: int, other: int) -> bool:
    """*Deterrence dilemma* (reconstruction): ``other`` prefers the threatened future to
    ``party``'s position, so ``party``'s threat does not deter ``other`` from rejecting it.
    The mirror of the rejection dilemma: deterrence(p, o) = rejection(o, p)."""
    return prefers(table, other, table.threat, table.positions[party])


def positioning_dilemma(table: CardTable, party: int, other: int) -> bool:
    """*Positioning dilemma* (reconstruction): ``party`` prefers ``other``'s position to its
    own, so its own position is not the one it should be holding out for."""
    return prefers(table, party, table.positions[other], table.positions[party])


def inducement_dilemma(table: CardTable, party: int, other: int) -> bool:
    """*Inducement dilemma* (reconstruction): ``party`` has a unilateral improvement from
    its own position, so its promise to ``other`` to implement that position if ``other``
    accepts it is not credible. ``other`` only names whom the promise is made to."""
    return unilateral_improvement(table, party, table.positions[party]) is not None


def trust_dilemma(table: CardTable, party: int, other: int) -> bool:
    """*Trust dilemma* (reconstruction; Howard's *cooperation* dilemma seen from the other
    side): ``other`` has a unilateral improvement from ``party``'s position, so ``party``
    could not trust ``other`` to implement that position once agreed."""
    return unilateral_improvement(table, other, table.positions[party]) is not None


def rejection_dilemma(table: CardTable, party: int, other: int) -> bool:
    """*Rejection dilemma* (reconstruction): ``party`` prefers the threatened future to
    ``other``'s position, so it rejects that position (and must carry out its threat)."""
    return prefers(table, party, table.threat, table.positions[other])


def acceptable(table: CardTable, party: int, other: int) -> bool:
    """Whether ``party``'s position is acceptable to ``other``: ``other`` prefers it to the
    threatened future (strictly; a tie is neither acceptance nor rejection)."""
    return prefers(table, other, table.positions[party], table.threat)


def incompatible(table: CardTable, party: int, other: int) -> bool:
    """Whether the positions of ``party`` and ``other`` are incompatible: no feasible state
    agrees with both."""
    both = (table.positions[party].states(table.patterns)
            & table.positions[other].states(table.patterns))
    return not bool(both.any())


#: Each dilemma's predicate, by name (the order of :data:`DILEMMA_NAMES`).
PREDICATES: dict[str, Callable[[CardTable, int, int], bool]] = {
    "threat": threat_dilemma,
    "deterrence": deterrence_dilemma,
    "positioning": positioning_dilemma,
    "inducement": inducement_dilemma,
    "trust": trust_dilemma,
    "rejection": rejection_dilemma,
}
assert tuple(PREDICATES) == DILEMMA_NAMES

#: One sentence per dilemma: why it holds ({party} and {other} are names).
SENTENCES = {
    "threat": "{party} prefers {other}'s position to the threatened future, so its threat "
    "is not credible",
    "deterrence": "{other} prefers the threatened future to {party}'s position, so "
    "{party}'s threat does not deter {other}",
    "positioning": "{party} prefers {other}'s position to its own",
    "inducement": "{party} would gain by not implementing its own position, so its promise "
    "to implement it is not credible to {other}",
    "trust": "{other} would gain by not implementing {party}'s position, so {party} could "
    "not trust {other} to implement it once agreed",
    "rejection": "{party} prefers the threatened future to {other}'s position, so it "
    "rejects that position",
}


# -- from a compiled conflict ----------------------------------------------------------------
def _future(fixed: dict[int, bool]) -> Future:
    mask = sum(1 << k for k in fixed)
    return Future(mask, sum(1 << k for k, v in fixed.items() if v))


def card_table(conflict: Conflict, reading: str | None = None) -> CardTable:
    """The card table of ``conflict``'s variant, as plain data. Raises a located
    :class:`~standoff.errors.ModelError` when the model has no ``confrontation:`` section
    or a future names values no feasible state has."""
    spec = conflict.spec
    section = spec.confrontation()
    if section is None:
        raise no_confrontation_error(conflict)
    if reading is not None and reading not in READINGS:
        raise ValueError(f"unknown reading '{reading}' (use {', '.join(READINGS)})")
    patterns = conflict.space.patterns
    futures = [*section.positions, section.threatened, *section.intentions]
    for f in futures:
        if not _future(f.fixed()).states(patterns).any():
            raise spec.error(f.path, f"no feasible state agrees with this {f.kind}",
                             "a future's values must be possible together: check them "
                             "against 'feasibility:' ('standoff states MODEL' lists the "
                             "feasible states)")
    threat = _future(section.threat())
    if not threat.states(patterns).any():
        raise spec.error(section.threatened.path, "no feasible state agrees with the "
                         "threatened future together with the stated intentions",
                         "make the stated intentions possible together with the "
                         "threatened future (see 'feasibility:')")
    positions = {p.party: _future(p.fixed()) for p in section.positions
                 if p.party is not None}
    return CardTable(patterns, np.asarray(conflict.ranks), conflict.own_masks, positions,
                     threat, reading or section.reading)


def no_confrontation_error(conflict: Conflict) -> Any:
    """The located error for a model (or variant) without a card table."""
    spec = conflict.spec
    where = "" if spec.variant == "base" else f" (nor does variant '{spec.variant}')"
    dm = spec.dms[0]
    example = f"{dm.id}: {{options: {{{spec.options[dm.options[0]].key}: true}}}}"
    return spec.error((), f"the model has no 'confrontation:' section{where}, so there are "
                      "no positions to analyse",
                      "add 'confrontation:' with 'positions:' (per party: the option values "
                      f"its proposal fixes, e.g. '{example}') and 'threatened_future:' "
                      "(docs/confrontation.md)")


@dataclass(frozen=True)
class Dilemma:
    """One dilemma that holds: ``name`` for ``party`` with respect to ``other`` (decision
    maker indices), its sentence and the deciding states (0-based; empty for the
    unilateral-improvement dilemmas, whose witness is ``deviation``)."""

    name: str
    party: int
    other: int
    sentence: str
    states: tuple[int, ...] = ()
    deviation: Future | None = None


@dataclass(eq=False)
class DilemmaResult:
    """The dilemmas of a card table, the acceptability of each position and the pairs of
    incompatible positions."""

    conflict: Conflict
    section: ConfrontationSpec
    table: CardTable
    dilemmas: list[Dilemma] = field(default_factory=list)
    #: (party, other) -> whether party's position is acceptable to other
    acceptable: dict[tuple[int, int], bool] = field(default_factory=dict)
    incompatible: list[tuple[int, int]] = field(default_factory=list)

    def holds(self, name: str, party: int, other: int | None = None) -> bool:
        """Whether ``party`` has dilemma ``name`` (with ``other``, or with anyone)."""
        return any(d.name == name and d.party == party and (other is None or d.other == other)
                   for d in self.dilemmas)

    def acceptable_to_all(self, party: int) -> bool:
        """Whether ``party``'s position is acceptable to every other party."""
        return all(ok for (p, _), ok in self.acceptable.items() if p == party)

    def name(self, d: int) -> str:
        return self.conflict.spec.dms[d].name

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready summary (decision makers by id, states by 1-based id)."""
        c = self.conflict
        ids = c.dm_ids
        return {
            "model": c.title,
            "variant": c.spec.variant,
            "reading": self.table.reading,
            "parties": [ids[p] for p in self.table.parties],
            "card_table": card_table_rows(self),
            "dilemmas": [
                {"dilemma": d.name, "party": ids[d.party], "other": ids[d.other],
                 "sentence": d.sentence,
                 "states": [s + 1 for s in d.states],
                 "deviation": None if d.deviation is None else
                 _values_text(c, d.deviation)}
                for d in self.dilemmas],
            "acceptable": [
                {"position_of": ids[p], "to": ids[o], "acceptable": ok}
                for (p, o), ok in self.acceptable.items()],
            "acceptable_to_every_other_party": {
                ids[p]: self.acceptable_to_all(p) for p in self.table.parties},
            "incompatible_positions": [[ids[p], ids[o]] for p, o in self.incompatible],
            "summary": summary_sentences(self),
            "definitions": dict(CITATIONS),
        }


def _values_text(conflict: Conflict, future: Future) -> str:
    parts = []
    for k, key in enumerate(conflict.option_keys):
        if future.mask >> k & 1:
            parts.append(key if future.values >> k & 1 else f"not {key}")
    return " and ".join(parts)


def card_table_rows(result: DilemmaResult) -> list[dict[str, Any]]:
    """One row per option: its key, owner, text and, per party's position and the
    threatened future, ``yes`` (taken), ``no`` (not taken) or ``open``; a value the
    threatened future has from a stated intention is marked ``(stated)``."""
    section = result.section
    c = result.conflict
    written = section.threatened.fixed()
    stated = {k: v for i in section.intentions for k, v in i.fixed().items()}
    rows = []
    for k, opt in enumerate(c.spec.options):
        row: dict[str, Any] = {"option": opt.key, "owner": c.dm_ids[opt.dm], "text": opt.text}
        for p in section.positions:
            assert p.party is not None
            row[f"position of {c.dm_ids[p.party]}"] = _cell(p.fixed().get(k))
        value = written.get(k)
        cell = _cell(value)
        if value is None and k in stated:
            cell = _cell(stated[k]) + " (stated)"
        row["threatened future"] = cell
        rows.append(row)
    return rows


def _cell(value: bool | None) -> str:
    return "open" if value is None else ("yes" if value else "no")


def summary_sentences(result: DilemmaResult) -> list[str]:
    """Plain sentences: which positions are incompatible, which are acceptable to whom."""
    out = []
    name = result.name
    for p, o in result.incompatible:
        out.append(f"The positions of {name(p)} and {name(o)} are incompatible: no feasible "
                   "state agrees with both.")
    parties = result.table.parties
    for p in parties:
        rejected = [o for o in parties if o != p and not result.acceptable[(p, o)]]
        if not rejected:
            out.append(f"{name(p)}'s position is acceptable to every other party (each "
                       "prefers it to the threatened future).")
        else:
            out.append(f"{name(p)}'s position is not acceptable to "
                       + ", ".join(name(o) for o in rejected)
                       + " (not preferred to the threatened future).")
    if len(parties) > 1 and not any(result.acceptable_to_all(p) for p in parties):
        out.append("No position is acceptable to every other party.")
    return out


def analyse_dilemmas(conflict: Conflict, reading: str | None = None) -> DilemmaResult:
    """Every dilemma of every party with every other party, the acceptability of each
    position to each other party, and the incompatible pairs of positions, for
    ``conflict``'s variant (its ``confrontation:`` section; ``reading`` overrides the
    section's)."""
    table = card_table(conflict, reading)
    section = conflict.spec.confrontation()
    assert section is not None
    result = DilemmaResult(conflict, section, table)
    parties = table.parties
    names = conflict.spec.dms
    for p in parties:
        for o in parties:
            if o == p:
                continue
            result.acceptable[(p, o)] = acceptable(table, p, o)
            if p < o and incompatible(table, p, o):
                result.incompatible.append((p, o))
            for dilemma, predicate in PREDICATES.items():
                if not predicate(table, p, o):
                    continue
                sentence = SENTENCES[dilemma].format(party=names[p].name,
                                                     other=names[o].name)
                states, deviation = _witness(table, dilemma, p, o)
                result.dilemmas.append(Dilemma(dilemma, p, o, sentence, states, deviation))
    return result


def _witness(table: CardTable, dilemma: str, p: int, o: int
             ) -> tuple[tuple[int, ...], Future | None]:
    """The deciding states of a comparison dilemma, or the deviation of a
    unilateral-improvement one."""
    pos, threat = table.positions, table.threat
    if dilemma == "inducement":
        return (), unilateral_improvement(table, p, pos[p])
    if dilemma == "trust":
        return (), unilateral_improvement(table, o, pos[p])
    who, first, second = {
        "threat": (p, pos[o], threat),
        "deterrence": (o, threat, pos[p]),
        "positioning": (p, pos[o], pos[p]),
        "rejection": (p, threat, pos[o]),
    }[dilemma]
    c = compare(table, who, first, second)
    return (c.a, c.b), None


__all__ = ["CITATIONS", "PREDICATES", "CardTable", "Comparison", "Dilemma", "DilemmaResult",
           "Future", "FutureSpec", "acceptable", "analyse_dilemmas", "card_table", "compare",
           "deterrence_dilemma", "incompatible", "inducement_dilemma", "positioning_dilemma",
           "prefers", "rejection_dilemma", "threat_dilemma", "trust_dilemma",
           "unilateral_improvement"]
