"""Claims: a source's conclusions, written in a small language and checked against an analysis.

The language itself (forms, parser, :class:`Claim`) is :mod:`standoff.model.claims_grammar`,
below the model loader, which parses every claim when it reads a model; this module gives
each form its meaning: an evaluation function (:data:`EVALUATORS`) from a parsed claim and an
:class:`~standoff.analysis.result.Analysis` to a :class:`Verdict`.

A claim sentence (the ``check:`` of an entry under ``claims:``; docs/claims.md) is one of
the *claim forms* below, optionally followed by ``under CONCEPT[, CONCEPT...]``::

    no equilibrium has STATEMENT
    every equilibrium has STATEMENT
    some equilibrium has STATEMENT
    SUBJECT is stable for DM[, DM... | and DM]      (or: for every decision maker)
    SUBJECT is not stable for DM[, DM... | and DM]
    SUBJECT is an equilibrium
    SUBJECT is not an equilibrium

``STATEMENT`` is a statement of the model's expression language (option ids with ``not``,
``and``, ``or``, ``if``, ``iff``; :mod:`standoff.model.expressions`); ``SUBJECT`` is such a
statement or ``the status quo``. Without ``under``, a claim is checked under every concept
computed (by default Nash, GMR, SMR, SEQ and SIM).

Meaning (E_c = the equilibria under concept c, X = the states where the statement holds):

* ``no equilibrium has X``: E_c ∩ X = ∅;
* ``every equilibrium has X``: E_c ⊆ X (true, and flagged as vacuous, when E_c = ∅);
* ``some equilibrium has X``: E_c ∩ X ≠ ∅;
* ``X is stable for D``: X ≠ ∅ and every state of X is c-stable for every DM in D;
* ``X is not stable for D``: X ≠ ∅ and no state of X is c-stable for any DM in D;
* ``X is an equilibrium``: as ``X is stable for every decision maker``, i.e. X ≠ ∅ and
  X ⊆ E_c;
* ``X is not an equilibrium``: X ∩ E_c = ∅ (in each state of X *someone* would leave), the
  same as ``no equilibrium has X``; when X = ∅ it holds vacuously, and is flagged so.

Claims about the status quo (``the status quo`` as SUBJECT, ``... reachable from the status
quo``) need a model with ``status_quo:``; without one they are refused when the model is
read. Limited-move concepts (``nm``, ``l1``, ``l2``, ...) are defined for two decision
makers only; a claim naming one in a model with more is refused likewise. Decision maker ids
that are words of the claim language
(:data:`~standoff.model.claims_grammar.RESERVED_DM_IDS`) are refused by the loader.

New forms are added with :func:`register_form`: a :class:`ClaimForm` (a regular expression
with named groups ``subject``, a state expression, and, if needed, ``dms``) and an
evaluation function.
Every verdict carries its witness in plain language, built from
:meth:`standoff.analysis.result.Analysis.explain` sentences.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from standoff.analysis.dilemmas import analyse_dilemmas, incompatible, summary_sentences
from standoff.analysis.paths import nearest_path, reachable_states
from standoff.concepts import STABILITY, parse_concepts
from standoff.concepts import label as catalogue_label
from standoff.graph.conflict import Conflict
from standoff.model.claims_grammar import (
    BY_ANY_MOVES,
    Claim,
    ClaimForm,
    Subject,
    add_form,
    form_of,
    remove_form,
)
from standoff.provenance import Provenance
from standoff.stability.limited_move import LimitedMoveExplanation
from standoff.words import html_lines, html_table, plural

if TYPE_CHECKING:
    from standoff.analysis.result import Analysis

#: At most this many states are explained one by one in a witness.
MAX_WITNESSES = 3


def select(subject: Subject, conflict: Conflict) -> np.ndarray:
    """Boolean mask over the conflict's states (0-based): those a claim is about."""
    return subject.mask(conflict.space.patterns, conflict.status_quo)


# -- verdicts --------------------------------------------------------------------------------
@dataclass(frozen=True)
class Verdict:
    """Whether a claim holds under one concept, and why.

    Attributes:
        concept: the concept key (None for forms that use no concept).
        holds: the verdict.
        summary: one sentence stating the verdict and its main reason.
        details: further sentences: the witness states and their explanations.
        witnesses: ids of the states the witness is about.
        vacuous: true when the claim holds only because there is nothing to check.
    """

    concept: str | None
    holds: bool
    summary: str
    details: tuple[str, ...] = ()
    witnesses: tuple[int, ...] = ()
    vacuous: bool = False

    def to_dict(self) -> dict:
        return {
            "concept": self.concept,
            "holds": self.holds,
            "vacuous": self.vacuous,
            "summary": self.summary,
            "details": list(self.details),
            "witnesses": list(self.witnesses),
        }


Evaluator = Callable[[Claim, "Analysis", str | None], Verdict]


def register_form(form: ClaimForm, evaluate: Evaluator) -> ClaimForm:
    """Add a claim form: its sentence shape to the grammar
    (:func:`standoff.model.claims_grammar.add_form`; forms are tried in the order added, the
    first match wins) and ``evaluate`` (``(claim, analysis, concept) -> Verdict``) as its
    meaning."""
    add_form(form)
    EVALUATORS[form.name] = evaluate
    return form


def unregister_form(name: str) -> None:
    """Remove a claim form added with :func:`register_form`."""
    remove_form(name)
    EVALUATORS.pop(name, None)


# -- words -----------------------------------------------------------------------------------
def concept_label(concept: str | None) -> str:
    """Display name of a concept key (``seq`` → ``SEQ``); "" for None."""
    if concept is None:
        return ""
    return catalogue_label(concept)


def state_in_words(conflict: Conflict, s: int) -> str:
    """``"5 (NYNNY): Ukraine continues deep strikes"``: a state (0-based) with the texts of
    the options taken in it."""
    texts = [
        o.text for o, v in zip(conflict.spec.options, conflict.option_values(s), strict=True) if v
    ]
    return f"{conflict.show(s)}: " + ("; ".join(texts) if texts else "no option taken")


def _listed(conflict: Conflict, states: Sequence[int], limit: int = 8) -> str:
    shown = [conflict.show(s) for s in states[:limit]]
    if len(states) > limit:
        shown.append(f"and {len(states) - limit} more")
    return ", ".join(shown)


def _names(conflict: Conflict, dms: Sequence[int]) -> str:
    names = [conflict.spec.dms[i].name for i in dms]
    if len(names) == len(conflict.dm_ids) and len(names) > 2:
        return "every decision maker"
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def why_unstable(analysis: Analysis, concept: str, s: int, dms: Sequence[int] | None = None) -> str:
    """One sentence: the first listed decision maker for which ``s`` (0-based) is not stable
    under ``concept``, and its undeterred unilateral improvement (for a limited-move concept:
    the move it would make and the outcome it anticipates)."""
    c = analysis.conflict
    for i in dms if dms is not None else range(len(c.dm_ids)):
        if analysis.stable[concept][i, s]:
            continue
        ex = analysis.explain(s + 1, c.dm_ids[i], concept)
        if isinstance(ex, LimitedMoveExplanation):
            moves = ex.moves
            chosen = ex.chosen
            if chosen is not None and chosen in moves:
                return f"{ex.sentences[0]} {ex.sentences[1 + moves.index(chosen)]}"
            return ex.sentences[0]
        for d, sentence in zip(ex.improvements, ex.sentences[1:], strict=False):
            if not d.sanctioned:
                return sentence
        return ex.sentences[0]
    return f"{c.show(s)} is {concept_label(concept)} stable for all of them."


def why_stable(analysis: Analysis, concept: str, s: int, dms: Sequence[int] | None = None,
               per_dm: int = 1) -> list[str]:
    """Sentences showing why ``s`` (0-based) is stable for the given decision makers: for
    each, the verdict and up to ``per_dm`` deterred improvements (for a limited-move concept:
    up to ``per_dm`` moves and the outcomes they are anticipated to end at, none better)."""
    c = analysis.conflict
    out = []
    for i in dms if dms is not None else range(len(c.dm_ids)):
        ex = analysis.explain(s + 1, c.dm_ids[i], concept)
        name = c.spec.dms[i].name
        if isinstance(ex, LimitedMoveExplanation):
            moves = ex.moves
            out.append(ex.sentences[0])
            if not moves:
                out.extend(ex.sentences[1:2])
                continue
            out.extend(ex.sentences[1 : 1 + per_dm])
            if len(moves) > per_dm:
                more = len(moves) - per_dm
                out.append(f"({name} has {plural(more, 'more move')} from {c.show(s)}, none "
                           "anticipated to end at a state it prefers.)")
            continue
        if not ex.improvements:
            out.append(ex.sentences[0])
            continue
        out.extend(ex.sentences[1 : 1 + per_dm])
        if len(ex.improvements) > per_dm:
            more = len(ex.improvements) - per_dm
            out.append(f"({name} has {plural(more, 'more improvement')} from {c.show(s)}, "
                       "each deterred likewise.)")
    return out


# -- evaluation of the built-in forms --------------------------------------------------------
def _eq(analysis: Analysis, concept: str) -> np.ndarray:
    return analysis.equilibrium_mask(concept)


def _ids(mask: np.ndarray) -> list[int]:
    return [int(s) for s in np.flatnonzero(mask)]


def _about(claim: Claim) -> str:
    return claim.subject.text


def _no_state(claim: Claim, concept: str | None, holds: bool) -> Verdict:
    """The verdict when no state is the claim's subject (a statement no feasible state has;
    a model without a status quo, for claims parsed without the loader's check)."""
    what = "the model has no status quo" if claim.subject.expr is None else \
        f"no feasible state has {_about(claim)}"
    under = f" under {concept_label(concept)}" if concept is not None else ""
    word = "Holds vacuously" if holds else "Fails trivially"
    return Verdict(concept, holds, f"{word}{under}: {what}.", vacuous=holds)


def _eval_no_equilibrium(claim: Claim, analysis: Analysis, concept: str | None) -> Verdict:
    assert concept is not None
    c = analysis.conflict
    label = concept_label(concept)
    x = select(claim.subject, c)
    eq = _eq(analysis, concept)
    bad = _ids(eq & x)
    if bad:
        s = bad[0]
        details = [f"{label} equilibrium {state_in_words(c, s)}.",
                   *why_stable(analysis, concept, s)]
        if len(bad) > 1:
            details.append(f"Other {label} equilibria with it: {_listed(c, bad[1:])}.")
        what = "(the status quo) is an equilibrium" if claim.subject.expr is None else \
            f"is an equilibrium and has {_about(claim)}"
        return Verdict(concept, False, f"Fails under {label}: {c.show(s)} {what}.",
                       tuple(details), tuple(t + 1 for t in bad))
    if not x.any():
        return _no_state(claim, concept, True)
    return _none_is_equilibrium(claim, analysis, concept, x, holds=True)


def _none_is_equilibrium(
    claim: Claim, analysis: Analysis, concept: str, x: np.ndarray, holds: bool
) -> Verdict:
    c = analysis.conflict
    label = concept_label(concept)
    states = _ids(x)
    eq = _ids(_eq(analysis, concept))
    if not eq:
        eq_text = f"there is no {label} equilibrium at all"
    elif len(eq) == 1:
        eq_text = f"the only {label} equilibrium is {c.show(eq[0])}"
    else:
        eq_text = f"the {label} equilibria are {_listed(c, eq)}"
    verdict = f"{'Holds' if holds else 'Fails'} under {label}"
    if claim.subject.expr is None:
        summary = (f"{verdict}: the status quo, {c.show(states[0])}, is not an equilibrium "
                   f"({eq_text}).")
    elif len(states) == 1:
        summary = (f"{verdict}: the only state with {_about(claim)}, {c.show(states[0])}, is "
                   f"not an equilibrium ({eq_text}).")
    else:
        summary = (f"{verdict}: none of the {len(states)} states with {_about(claim)} is an "
                   f"equilibrium ({eq_text}).")
    details = [f"{c.show(s)} is not an equilibrium: {why_unstable(analysis, concept, s)}"
               for s in states[:MAX_WITNESSES]]
    if len(states) > MAX_WITNESSES:
        rest = len(states) - MAX_WITNESSES
        details.append(f"The other {plural(rest, 'state')} with it "
                       f"{'is' if rest == 1 else 'are'} unstable for someone as well.")
    return Verdict(concept, holds, summary, tuple(details),
                   tuple(s + 1 for s in states[:MAX_WITNESSES]))


def _eval_every_equilibrium(claim: Claim, analysis: Analysis, concept: str | None) -> Verdict:
    assert concept is not None
    c = analysis.conflict
    label = concept_label(concept)
    x = select(claim.subject, c)
    eq = _eq(analysis, concept)
    if not eq.any():
        return Verdict(concept, True, f"Holds vacuously under {label}: there is no {label} "
                       "equilibrium at all.", vacuous=True)
    bad = _ids(eq & ~x)
    if bad:
        s = bad[0]
        details = [f"{label} equilibrium {state_in_words(c, s)}.",
                   *why_stable(analysis, concept, s)]
        if len(bad) > 1:
            details.append(f"Other {label} equilibria without it: {_listed(c, bad[1:])}.")
        return Verdict(concept, False, f"Fails under {label}: {c.show(s)} is an equilibrium "
                       f"without {_about(claim)}.", tuple(details), tuple(t + 1 for t in bad))
    good = _ids(eq)
    return Verdict(concept, True, f"Holds under {label}: every equilibrium ({_listed(c, good)}) "
                   f"has {_about(claim)}.",
                   tuple(f"{label} equilibrium {state_in_words(c, s)}." for s in good[:5]),
                   tuple(s + 1 for s in good))


def _eval_some_equilibrium(claim: Claim, analysis: Analysis, concept: str | None) -> Verdict:
    assert concept is not None
    c = analysis.conflict
    label = concept_label(concept)
    x = select(claim.subject, c)
    good = _ids(_eq(analysis, concept) & x)
    if good:
        s = good[0]
        details = [f"{label} equilibrium {state_in_words(c, s)}.",
                   *why_stable(analysis, concept, s)]
        return Verdict(concept, True, f"Holds under {label}: {c.show(s)} is an equilibrium and "
                       f"has {_about(claim)}.", tuple(details), tuple(t + 1 for t in good))
    if not x.any():
        return _no_state(claim, concept, False)
    return _none_is_equilibrium(claim, analysis, concept, x, holds=False)


def _eval_stable(claim: Claim, analysis: Analysis, concept: str | None,
                 negated: bool = False) -> Verdict:
    assert concept is not None
    c = analysis.conflict
    label = concept_label(concept)
    x = select(claim.subject, c)
    if not x.any():
        return _no_state(claim, concept, False)
    states = _ids(x)
    dms = claim.dms
    who = _names(c, dms)
    stable = np.logical_and.reduce(analysis.stable[concept][list(dms)], axis=0)
    unstable_any = ~stable
    stable_any = np.logical_or.reduce(analysis.stable[concept][list(dms)], axis=0)
    subject = "the status quo" if claim.subject.expr is None else _about(claim)
    if not negated:
        bad = [s for s in states if unstable_any[s]]
        if bad:
            s = bad[0]
            failing = [i for i in dms if not analysis.stable[concept][i, s]]
            content = [i for i in dms if analysis.stable[concept][i, s]]
            summary = (f"Fails under {label}: {c.show(s)} ({subject}) is not {label} stable "
                       f"for {_names(c, failing)}")
            if content:
                summary += f" (it is for {_names(c, content)})"
            return Verdict(concept, False, summary + ".",
                           tuple(why_unstable(analysis, concept, s, [i]) for i in failing),
                           (s + 1,))
        s = states[0]
        many = f" (all {len(states)} states with it)" if len(states) > 1 else ""
        return Verdict(concept, True, f"Holds under {label}: {c.show(s)} ({subject}) is {label} "
                       f"stable for {who}{many}.", tuple(why_stable(analysis, concept, s, dms)),
                       tuple(t + 1 for t in states))
    bad = [s for s in states if stable_any[s]]
    if bad:
        s = bad[0]
        content = [i for i in dms if analysis.stable[concept][i, s]]
        return Verdict(concept, False, f"Fails under {label}: {c.show(s)} ({subject}) is {label} "
                       f"stable for {_names(c, content)}.",
                       tuple(why_stable(analysis, concept, s, content)), (s + 1,))
    details = []
    for s in states[:MAX_WITNESSES]:
        for i in dms:
            details.append(why_unstable(analysis, concept, s, [i]))
    return Verdict(concept, True, f"Holds under {label}: {subject} is not {label} stable for "
                   f"{who}.", tuple(details), tuple(s + 1 for s in states[:MAX_WITNESSES]))


def _eval_not_stable(claim: Claim, analysis: Analysis, concept: str | None) -> Verdict:
    return _eval_stable(claim, analysis, concept, negated=True)


def _eval_reachable(claim: Claim, analysis: Analysis, concept: str | None,
                    negated: bool = False) -> Verdict:
    """``STATEMENT is [not] reachable from the status quo [by any moves]``: some state where
    STATEMENT holds can be reached from the status quo by a legal sequence of unilateral
    improvements (Li, Kilgour & Hipel 2005; no decision maker moves twice in a row), or of
    any unilateral moves. The witness is a shortest path; for the negation, the set of
    states that are reachable. No solution concept is used."""
    c = analysis.conflict
    kind = "any" if BY_ANY_MOVES.search(claim.text.split(" under ")[0]) else "ui"
    how = "by any moves" if kind == "any" else "by unilateral improvements"
    if c.status_quo is None:  # refused when the model is read; kept for hand-built claims
        return Verdict(None, False, "Cannot be checked: the model states no status quo "
                       "(add 'status_quo:' to the model).")
    target = select(claim.subject, c)
    if not target.any():
        word = "Holds vacuously" if negated else "Fails trivially"
        return Verdict(None, negated, f"{word}: no feasible state has {claim.subject.text}.",
                       vacuous=negated)
    # one path, to the nearest state with the statement, however many are reachable
    best = nearest_path(c, target, moves=kind)
    if best is not None:
        sentence = best.sentence(c)
        verdict = not negated
        head = (f"{'Holds' if verdict else 'Fails'}: {c.show(best.target - 1)}, which has "
                f"{claim.subject.text}, is reachable from the status quo {how}.")
        return Verdict(None, verdict, head, (sentence,), (best.target,))
    reach = reachable_states(c, moves=kind)
    count = int(reach.sum())
    reached = [int(s) + 1 for s in np.flatnonzero(reach)[:12]]
    shown = ", ".join(c.show(s - 1) for s in reached)
    more = f" and {count - 12} more" if count > 12 else ""
    verdict = negated
    head = (f"{'Holds' if verdict else 'Fails'}: no state with {claim.subject.text} is "
            f"reachable from the status quo {how}.")
    return Verdict(None, verdict, head, (f"The states reachable {how} are {shown}{more}.",),
                   tuple(reached))


def _eval_not_reachable(claim: Claim, analysis: Analysis, concept: str | None) -> Verdict:
    return _eval_reachable(claim, analysis, concept, negated=True)


# -- claims about the card table (docs/confrontation.md) -------------------------------------
def _card_table(claim: Claim, analysis: Analysis) -> tuple[Any, Verdict | None]:
    """The dilemma analysis of the analysed conflict's card table, or the verdict that the
    claim cannot be checked (no card table in this variant; a named party states no
    position)."""
    c = analysis.conflict
    if c.spec.confrontation() is None:
        return None, Verdict(None, False, "Cannot be checked: this variant has no "
                             "'confrontation:' section.")
    result = analyse_dilemmas(c)
    parties = result.table.parties
    missing = [d for d in claim.dms if d not in parties]
    if missing:
        names = ", ".join(c.spec.dms[d].name for d in missing)
        return result, Verdict(None, False, f"Fails: {names} states no position in the card "
                               "table.")
    return result, None


def _eval_dilemma(claim: Claim, analysis: Analysis, concept: str | None,
                  negated: bool = False) -> Verdict:
    """``DM has a[n] DILEMMA dilemma [with DM]`` (and ``has no``): whether the dilemma
    predicate of :mod:`standoff.analysis.dilemmas` holds for the party, with the other
    party named or with any other party."""
    result, refused = _card_table(claim, analysis)
    if refused is not None:
        return refused
    party = claim.dms[0]
    other = claim.dms[1] if len(claim.dms) > 1 else None
    name = claim.detail or ""
    found = [d for d in result.dilemmas if d.name == name and d.party == party
             and (other is None or d.other == other)]
    who = result.name(party)
    with_whom = f" with {result.name(other)}" if other is not None else ""
    reading = f"(reading '{result.table.reading}')"
    if found:
        summary = (f"{'Fails' if negated else 'Holds'}: {who} has a {name} dilemma"
                   f"{with_whom} {reading}.")
        return Verdict(None, not negated, summary,
                       tuple(d.sentence[0].upper() + d.sentence[1:] + "." for d in found))
    summary = (f"{'Holds' if negated else 'Fails'}: {who} has no {name} dilemma{with_whom} "
               f"{reading}.")
    return Verdict(None, negated, summary)


def _eval_no_dilemma(claim: Claim, analysis: Analysis, concept: str | None) -> Verdict:
    return _eval_dilemma(claim, analysis, concept, negated=True)


def _eval_incompatible(claim: Claim, analysis: Analysis, concept: str | None,
                       negated: bool = False) -> Verdict:
    """``the positions of DM and DM are [in]compatible``: incompatible when every pair of
    the named positions has no feasible state in common; compatible when some feasible
    state agrees with all of them."""
    result, refused = _card_table(claim, analysis)
    if refused is not None:
        return refused
    t = result.table
    dms = claim.dms
    names = " and ".join(result.name(d) for d in dms)
    if negated:
        both = np.logical_and.reduce([t.positions[d].states(t.patterns) for d in dms])
        ok = bool(both.any())
        states = [int(s) + 1 for s in np.flatnonzero(both)][:MAX_WITNESSES]
        text = (f"{'Holds' if ok else 'Fails'}: the positions of {names} are "
                f"{'' if ok else 'not '}compatible"
                + (f" (state {states[0]} agrees with all of them)." if ok else "."))
        return Verdict(None, ok, text, witnesses=tuple(states))
    pairs = [(a, b) for k, a in enumerate(dms) for b in dms[k + 1:]]
    bad = [(a, b) for a, b in pairs if not incompatible(t, a, b)]
    if bad:
        a, b = bad[0]
        return Verdict(None, False, f"Fails: the positions of {result.name(a)} and "
                       f"{result.name(b)} are compatible: some feasible state agrees with "
                       "both.")
    return Verdict(None, True, f"Holds: the positions of {names} are incompatible: no "
                   "feasible state agrees with "
                   + ("both." if len(dms) == 2 else "any two of them."))


def _eval_compatible(claim: Claim, analysis: Analysis, concept: str | None) -> Verdict:
    return _eval_incompatible(claim, analysis, concept, negated=True)


def _eval_acceptable(claim: Claim, analysis: Analysis, concept: str | None,
                     negated: bool = False) -> Verdict:
    """``the position of DM is [not] acceptable to DM[, DM...]`` (or to every other party):
    each named party prefers (does not prefer) the position to the threatened future."""
    result, refused = _card_table(claim, analysis)
    if refused is not None:
        return refused
    party = claim.dms[0]
    others = [d for d in claim.dms[1:] if d != party] or \
        [d for d in result.table.parties if d != party]
    who = result.name(party)
    wrong = [o for o in others if result.acceptable.get((party, o), False) == negated]
    reading = f"(reading '{result.table.reading}')"
    if wrong:
        names = ", ".join(result.name(o) for o in wrong)
        verb = "prefers" if negated else "does not prefer"
        return Verdict(None, False, f"Fails: {names} {verb} {who}'s position to the "
                       f"threatened future {reading}.")
    names = ", ".join(result.name(o) for o in others)
    verb = "does not prefer" if negated else "prefers"
    return Verdict(None, True, f"Holds: {names} {verb} {who}'s position to the threatened "
                   f"future {reading}.")


def _eval_not_acceptable(claim: Claim, analysis: Analysis, concept: str | None) -> Verdict:
    return _eval_acceptable(claim, analysis, concept, negated=True)


def _eval_no_acceptable_position(claim: Claim, analysis: Analysis,
                                 concept: str | None) -> Verdict:
    """``no position is acceptable to every other party``: for every party's position some
    other party does not prefer it to the threatened future."""
    result, refused = _card_table(claim, analysis)
    if refused is not None:
        return refused
    good = [p for p in result.table.parties if result.acceptable_to_all(p)]
    reading = f"(reading '{result.table.reading}')"
    if good:
        return Verdict(None, False, f"Fails: {result.name(good[0])}'s position is "
                       f"acceptable to every other party {reading}.",
                       tuple(summary_sentences(result)))
    details = []
    for p in result.table.parties:
        refusing = [o for o in result.table.parties
                    if o != p and not result.acceptable[(p, o)]]
        details.append(f"{result.name(p)}'s position: not preferred to the threatened "
                       "future by " + ", ".join(result.name(o) for o in refusing) + ".")
    return Verdict(None, True, "Holds: no position is acceptable to every other party "
                   f"{reading}.", tuple(details))


#: The meaning of each claim form of the grammar: form name → evaluation function.
EVALUATORS: dict[str, Evaluator] = {
    "no-equilibrium": _eval_no_equilibrium,
    "every-equilibrium": _eval_every_equilibrium,
    "some-equilibrium": _eval_some_equilibrium,
    "not-equilibrium": _eval_no_equilibrium,
    "equilibrium": _eval_stable,
    "not-stable": _eval_not_stable,
    "stable": _eval_stable,
    "not-reachable": _eval_not_reachable,
    "reachable": _eval_reachable,
    "dilemma": _eval_dilemma,
    "no-dilemma": _eval_no_dilemma,
    "incompatible": _eval_incompatible,
    "compatible": _eval_compatible,
    "acceptable": _eval_acceptable,
    "not-acceptable": _eval_not_acceptable,
    "no-acceptable-position": _eval_no_acceptable_position,
}


# -- checking claims over an analysis --------------------------------------------------------
@dataclass(frozen=True)
class ClaimResult:
    """The verdicts of one claim in one variant (``variant`` is ``base`` for the model)."""

    id: str
    variant: str
    verdicts: tuple[Verdict, ...]
    provenance: Provenance | None = None

    @property
    def holds(self) -> bool:
        """True when the claim holds under every concept it is checked under."""
        return all(v.holds for v in self.verdicts)

    @property
    def verdict_word(self) -> str:
        """The short verdict of this claim in this variant, the one word every view uses
        (the claims table, the sentences across variants, the report): ``holds`` (under
        every concept checked), ``fails`` (under none) or ``mixed (k/n)`` (under k of the
        n concepts)."""
        yes = sum(v.holds for v in self.verdicts)
        if yes == len(self.verdicts):
            return "holds"
        if yes == 0:
            return "fails"
        return f"mixed ({yes}/{len(self.verdicts)})"

    @property
    def verdict_text(self) -> str:
        """``holds``, ``fails``, or ``holds under Nash, GMR; fails under SEQ``."""
        yes = [concept_label(v.concept) for v in self.verdicts if v.holds]
        no = [concept_label(v.concept) for v in self.verdicts if not v.holds]
        if not no:
            return "holds"
        if not yes:
            return "fails"
        return f"holds under {', '.join(yes)}; fails under {', '.join(no)}"

    def __repr__(self) -> str:
        return f"<ClaimResult {self.id} ({self.variant}): {self.verdict_text}>"

    def to_frame(self) -> Any:
        """A pandas DataFrame: one row per concept the claim was checked under (concept,
        holds, vacuous, the verdict's sentence, the witness states)."""
        import pandas as pd

        return pd.DataFrame(
            [[concept_label(v.concept), v.holds, v.vacuous, v.summary,
              ", ".join(map(str, v.witnesses))] for v in self.verdicts],
            columns=["concept", "holds", "vacuous", "summary", "witnesses"])

    def _repr_html_(self) -> str:
        title = f"Claim {self.id} ({self.variant}): {self.verdict_word}"
        return html_lines(title, []) + html_table(
            ["concept", "verdict", "why"],
            [[concept_label(v.concept), "holds" if v.holds else "fails", v.summary]
             for v in self.verdicts])

    def to_dict(self) -> dict:
        return {"id": self.id, "variant": self.variant, "holds": self.holds,
                "verdict": self.verdict_text, "verdicts": [v.to_dict() for v in self.verdicts],
                "provenance": None if self.provenance is None else self.provenance.to_dict()}


def claim_concepts(claim: Claim, computed: Sequence[str]) -> tuple[str | None, ...]:
    """The concepts a claim is checked under, given those computed."""
    form = form_of(claim)
    if not form.uses_concepts:
        return (None,)
    return claim.concepts if claim.concepts is not None else tuple(computed)


def concepts_needed(claims: Sequence[Claim], default: Sequence[str]) -> tuple[str, ...]:
    """The default concepts plus every concept a claim names after ``under``."""
    out = list(default)
    for claim in claims:
        for c in claim.concepts or ():
            if c not in out:
                out.append(c)
    return tuple(out)


def check_claim(claim_id: str, claim: Claim, analysis: Analysis, variant: str | None = None,
                default_concepts: Sequence[str] | None = None) -> ClaimResult:
    """Evaluate one parsed claim over an analysis (under its concepts, or every concept in
    ``default_concepts``, or every concept the analysis computed). The result is labelled
    ``variant``, by default the variant the analysed conflict was compiled from. An unknown
    concept in ``default_concepts`` raises :class:`~standoff.concepts.UnknownConceptError`."""
    _require_analysis(analysis, "check_claim")
    if variant is None:
        variant = analysis.conflict.spec.variant
    form = form_of(claim)
    computed = analysis.concepts if default_concepts is None else tuple(
        c.key for c in parse_concepts(default_concepts, STABILITY))
    evaluate = EVALUATORS[form.name]
    verdicts = tuple(evaluate(claim, analysis, concept)
                     for concept in claim_concepts(claim, computed))
    spec = analysis.conflict.spec
    provenance = Provenance(tuple(v.concept for v in verdicts if v.concept is not None),
                            {"claim": claim_id, "check": claim.text}, variant=variant,
                            title=spec.title, path=spec.file)
    return ClaimResult(claim_id, variant, verdicts, provenance)


class ClaimResults(list):
    """The results of several claims: a list of :class:`ClaimResult` that also shows
    itself as one table in a notebook and gives a DataFrame (one row per claim and
    variant: the verdict word and, per concept, holds or fails)."""

    def to_frame(self) -> Any:
        import pandas as pd

        rows = []
        for r in self:
            row: dict[str, Any] = {"claim": r.id, "variant": r.variant,
                                   "verdict": r.verdict_word}
            for v in r.verdicts:
                row[concept_label(v.concept)] = "holds" if v.holds else "fails"
            rows.append(row)
        return pd.DataFrame(rows)

    def _repr_html_(self) -> str:
        return html_table(["claim", "variant", "verdict", "why (first concept)"],
                          [[r.id, r.variant, r.verdict_text,
                            r.verdicts[0].summary if r.verdicts else ""] for r in self])


def check_claims(analysis: Analysis, variant: str | None = None,
                 default_concepts: Sequence[str] | None = None) -> list[ClaimResult]:
    """Evaluate every claim of the analysed model (``spec.claims``), labelled ``variant``
    (by default the variant the analysed conflict was compiled from: ``base`` for the model
    as written)."""
    _require_analysis(analysis, "check_claims")
    if default_concepts is not None:  # refuse an unknown concept even without claims
        default_concepts = tuple(c.key for c in parse_concepts(default_concepts, STABILITY))
    return ClaimResults(check_claim(spec.id, spec.claim, analysis, variant, default_concepts)
                        for spec in analysis.conflict.spec.claims)


def _require_analysis(analysis: object, caller: str) -> None:
    """TypeError unless ``analysis`` is an :class:`Analysis` (claims are checked against
    computed verdicts, not against a conflict or a path)."""
    from standoff.analysis.result import Analysis

    if not isinstance(analysis, Analysis):
        raise TypeError(f"{caller} expects an Analysis, e.g. "
                        f"{caller}(standoff.analyze(conflict)), not {type(analysis).__name__}")


def variant_summary(results: Sequence[ClaimResult]) -> str:
    """Across variants, for one claim, in the words of the claims table
    (:attr:`ClaimResult.verdict_word`): ``holds in every variant``, ``fails in every
    variant``, ``holds only in variants a, b (mixed in c (3/5); fails in d)``, or, when it
    holds fully in no variant, ``mixed in c (3/5); fails in d``. A variant where the claim
    holds under some concepts only is never called failed. One result: its verdict text."""
    if len(results) == 1:
        return results[0].verdict_text
    yes = [r.variant for r in results if r.verdict_word == "holds"]
    no = [r.variant for r in results if r.verdict_word == "fails"]
    mixed = [f"{r.variant} {r.verdict_word.removeprefix('mixed ')}" for r in results
             if r.verdict_word.startswith("mixed")]
    if len(yes) == len(results):
        return "holds in every variant"
    if len(no) == len(results):
        return "fails in every variant"
    rest = "; ".join(([f"mixed in {', '.join(mixed)}"] if mixed else [])
                     + ([f"fails in {', '.join(no)}"] if no else []))
    if not yes:
        return rest
    word = "variant" if len(yes) == 1 else "variants"
    return f"holds only in {word} {', '.join(yes)} ({rest})"
