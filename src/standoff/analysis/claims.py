"""Claims: a source's conclusions, written in a small language and checked against an analysis.

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
that are words of the claim language (:data:`RESERVED_DM_IDS`) are refused by the loader.

New forms are added with :func:`register_form`: a regular expression with named groups
``subject`` (a state expression) and, if needed, ``dms``, and an evaluation function.
Every verdict carries its witness in plain language, built from
:meth:`standoff.analysis.result.Analysis.explain` sentences.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from standoff.model.expressions import Expr, ExpressionError, parse
from standoff.words import plural

if TYPE_CHECKING:
    from standoff.analysis.result import Analysis
    from standoff.graph.conflict import Conflict

#: At most this many states are explained one by one in a witness.
MAX_WITNESSES = 3

STATUS_QUO_WORDS = ("the status quo", "status quo")
EVERY_DM_WORDS = ("every decision maker", "all decision makers", "everyone", "all")

#: Words that cannot be decision maker ids, because a claim would read them as part of the
#: claim language, each with what it means there. Compared case-insensitively; ``and``,
#: ``not``, ... are refused for every id already.
RESERVED_DM_IDS: dict[str, str] = {
    "all": "'for all' means every decision maker",
    "everyone": "'for everyone' means every decision maker",
    "under": "'under' starts the list of solution concepts",
}


def is_limited_move(concept: str) -> bool:
    """Whether ``concept`` is a limited-move concept (``nm``, ``l1``, ``l2``, ...), which is
    defined for two decision makers only."""
    key = concept.lower()
    return key == "nm" or re.fullmatch(r"l[0-9]+", key) is not None


# -- parsed claims ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Subject:
    """The states a claim is about: a statement over options, or the status quo."""

    text: str
    expr: Expr | None  # None: the status quo

    def select(self, conflict: Conflict) -> np.ndarray:
        """Boolean mask over the conflict's states (0-based)."""
        if self.expr is None:
            mask = np.zeros(conflict.state_count, dtype=bool)
            if conflict.status_quo is not None:
                mask[conflict.status_quo] = True
            return mask
        return self.expr.evaluate_bits(conflict.space.patterns)


@dataclass(frozen=True)
class Claim:
    """A parsed claim sentence.

    Attributes:
        form: the name of its claim form (``no-equilibrium``, ``stable``, ...).
        text: the sentence as written.
        subject: the states it is about.
        dms: decision maker indices (forms about stability for some decision makers).
        concepts: the concepts named after ``under``, or None for "every concept computed".
    """

    form: str
    text: str
    subject: Subject
    dms: tuple[int, ...] = ()
    concepts: tuple[str, ...] | None = None


@dataclass(frozen=True)
class ClaimContext:
    """What the parser needs to know about the model.

    Attributes:
        resolve_option: option name and character position → option index (raises
            :class:`ExpressionError` for an unknown name).
        dm_ids: the decision maker ids, in model order.
        concepts: the concept keys accepted after ``under``.
        has_status_quo: whether the model states a status quo (claims about it need one).
        known_concept: optionally, a further test for concept keys not in ``concepts``
            (e.g. :func:`standoff.stability.known_concept`, which accepts ``l1``, ``l2``, ...).
    """

    resolve_option: Callable[[str, int], int]
    dm_ids: tuple[str, ...]
    concepts: tuple[str, ...]
    has_status_quo: bool = True
    known_concept: Callable[[str], bool] | None = None


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


@dataclass(frozen=True)
class ClaimForm:
    """One sentence shape of the claim language.

    Attributes:
        name: the form's name (``Claim.form``).
        template: how it is written, for documentation and error hints.
        pattern: matched (case-insensitively, in full) against the sentence without its
            ``under`` part; named groups ``subject`` and optionally ``dms``.
        evaluate: ``(claim, analysis, concept) -> Verdict``.
        uses_concepts: False for forms whose verdict does not depend on a concept.
        subject_may_be_status_quo: whether ``the status quo`` is allowed as subject.
        needs_status_quo: True for forms that are about the status quo whatever their
            subject (``... reachable from the status quo``): refused in a model without one.
    """

    name: str
    template: str
    pattern: re.Pattern[str]
    evaluate: Evaluator
    uses_concepts: bool = True
    subject_may_be_status_quo: bool = True
    needs_status_quo: bool = False


FORMS: list[ClaimForm] = []


def register_form(form: ClaimForm) -> ClaimForm:
    """Add a claim form (forms are tried in registration order; the first match wins)."""
    FORMS[:] = [f for f in FORMS if f.name != form.name]
    FORMS.append(form)
    return form


# -- parsing ---------------------------------------------------------------------------------
_UNDER = re.compile(r"\s+under\s+", re.IGNORECASE)
_UNDER_AT_END = re.compile(r"\s+under\s*$", re.IGNORECASE)
_STATUS_QUO = re.compile(r"\bstatus\s+quo\b", re.IGNORECASE)


def parse_claim(text: str, ctx: ClaimContext) -> Claim:
    """Parse a claim sentence; raise :class:`ExpressionError` (with a character position).

    >>> from standoff.model.expressions import parse
    >>> ctx = ClaimContext(lambda n, p: ["a", "b"].index(n), ("x", "y"), ("nash", "seq"))
    >>> parse_claim("no equilibrium has a and not b under seq", ctx).concepts
    ('seq',)
    """
    if not isinstance(text, str) or not text.strip():
        raise ExpressionError("the claim is empty", 0, _forms_hint())
    body_end = len(text.rstrip())
    concepts = None
    unders = list(_UNDER.finditer(text))
    if _UNDER_AT_END.search(text) is not None:
        raise ExpressionError("'under' names no concept", text.lower().rindex("under"),
                              _concepts_hint(ctx))
    if unders:
        last = unders[-1]
        concepts = _parse_concepts(text, last.end(), ctx)
        body_end = last.start()
    body = text[:body_end]
    lead = len(body) - len(body.lstrip())
    for form in FORMS:
        m = form.pattern.fullmatch(body.strip())
        if m is None:
            continue
        subject = _parse_subject(body, m, lead, ctx, form)
        dms: tuple[int, ...] = ()
        if "dms" in m.groupdict():
            if not m.group("dms"):
                dms = tuple(range(len(ctx.dm_ids)))
            else:
                dms = _parse_dms(m.group("dms"), lead + m.start("dms"), ctx)
        if concepts is not None and not form.uses_concepts:
            raise ExpressionError(
                f"'{form.template}' does not depend on a solution concept",
                body_end,
                "remove the 'under ...' part",
            )
        if form.needs_status_quo and not ctx.has_status_quo:
            found = _STATUS_QUO.search(body)
            raise _no_status_quo(found.start() if found else lead)
        return Claim(form.name, text, subject, dms, concepts)
    raise ExpressionError("this sentence is not one of the claim forms", lead, _forms_hint())


def _no_status_quo(position: int) -> ExpressionError:
    """The error for a claim about the status quo in a model that states none."""
    return ExpressionError(
        "this claim is about the status quo, but the model states no status quo",
        position,
        "add 'status_quo:' to the model, listing the options taken today (e.g. "
        "'status_quo: [strike]'; '[]' if none is taken), or rewrite the claim without it",
    )


def _concept_keys(ctx: ClaimContext) -> str:
    """The concept keys a claim may name, in words."""
    keys = [c for c in ctx.concepts if not is_limited_move(c)]
    if len(ctx.dm_ids) == 2:
        keys += ["nm", "l1, l2, ... (limited move)"]
    return ", ".join(keys)


def _concepts_hint(ctx: ClaimContext) -> str:
    """The hint for ``under`` with no concept after it."""
    return (f"list concepts after 'under', one or more of: {_concept_keys(ctx)} (e.g. "
            "'under nash, seq'), or remove 'under'")


def _forms_hint() -> str:
    return "write one of: " + "; ".join(f"'{f.template}'" for f in FORMS) + \
        " (optionally followed by 'under CONCEPT, ...'; see docs/claims.md)"


def _parse_subject(
    body: str, m: re.Match[str], lead: int, ctx: ClaimContext, form: ClaimForm
) -> Subject:
    raw = m.group("subject")
    start = lead + m.start("subject")
    if raw.strip().lower() in STATUS_QUO_WORDS:
        if not form.subject_may_be_status_quo:
            raise ExpressionError(
                "the status quo cannot be used here", start, "write a statement over options"
            )
        if not ctx.has_status_quo:
            raise _no_status_quo(start + len(raw) - len(raw.lstrip()))
        return Subject("the status quo", None)
    try:
        expr = parse(raw, ctx.resolve_option)
    except ExpressionError as exc:
        raise ExpressionError(exc.message, start + exc.position, exc.hint) from None
    return Subject(raw.strip(), expr)


def _parse_dms(raw: str, start: int, ctx: ClaimContext) -> tuple[int, ...]:
    if raw.strip().lower() in EVERY_DM_WORDS:
        return tuple(range(len(ctx.dm_ids)))
    out: list[int] = []
    for m in re.finditer(r"[^,\s]+", raw):
        word = m.group(0)
        if word.lower() == "and":
            continue
        if word not in ctx.dm_ids:
            raise ExpressionError(
                f"unknown decision maker '{word}'",
                start + m.start(),
                "use decision maker ids: " + ", ".join(ctx.dm_ids)
                + " (or 'every decision maker')",
            )
        index = ctx.dm_ids.index(word)
        if index not in out:
            out.append(index)
    if not out:
        raise ExpressionError("no decision maker named", start, "name one, e.g. "
                              f"'for {ctx.dm_ids[0]}'")
    return tuple(out)


def _parse_concepts(text: str, start: int, ctx: ClaimContext) -> tuple[str, ...]:
    out: list[str] = []
    for m in re.finditer(r"[^,\s]+", text[start:]):
        word = m.group(0)
        if word.lower() == "and":
            continue
        key = word.lower()
        known = key in ctx.concepts or (ctx.known_concept is not None
                                        and ctx.known_concept(key))
        problem = None
        if not known and ctx.known_concept is not None:  # l<h> with h out of range
            from standoff.stability import limited_move_key_problem

            problem = limited_move_key_problem(key)
        if problem is not None:
            raise ExpressionError(problem, start + m.start(), "e.g. 'under l2' or 'under nm'")
        if not known:
            raise ExpressionError(
                f"unknown solution concept '{word}'",
                start + m.start(),
                f"use concept keys: {_concept_keys(ctx)}",
            )
        if is_limited_move(key) and len(ctx.dm_ids) != 2:
            raise ExpressionError(
                f"'{word}' (limited-move stability) is defined for two decision makers; this "
                f"model has {len(ctx.dm_ids)} ({', '.join(ctx.dm_ids)})",
                start + m.start(),
                "use nash, gmr, smr, seq or sim for this claim (standoff implements no "
                "limited-move stability for more than two decision makers)",
            )
        if key not in out:
            out.append(key)
    if not out:
        raise ExpressionError("'under' names no concept", start, _concepts_hint(ctx))
    return tuple(out)


# -- words -----------------------------------------------------------------------------------
def concept_label(concept: str | None) -> str:
    """Display name of a concept key (``seq`` → ``SEQ``)."""
    from standoff.stability import CONCEPT_NAMES

    if concept is None:
        return ""
    return CONCEPT_NAMES.get(concept, concept)


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


def _limited_move(ex: object) -> bool:
    """Whether an explanation is a limited-move one (moves and lines of play, no
    improvements with sanctions)."""
    from standoff.stability.limited_move import LimitedMoveExplanation

    return isinstance(ex, LimitedMoveExplanation)


def why_unstable(analysis: Analysis, concept: str, s: int, dms: Sequence[int] | None = None) -> str:
    """One sentence: the first listed decision maker for which ``s`` (0-based) is not stable
    under ``concept``, and its undeterred unilateral improvement (for a limited-move concept:
    the move it would make and the outcome it anticipates)."""
    c = analysis.conflict
    for i in dms if dms is not None else range(len(c.dm_ids)):
        if analysis.stable[concept][i, s]:
            continue
        ex = analysis.explain(s + 1, c.dm_ids[i], concept)
        if _limited_move(ex):
            moves = ex.moves  # type: ignore[attr-defined]
            chosen = ex.chosen  # type: ignore[attr-defined]
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
        if _limited_move(ex):
            moves = ex.moves  # type: ignore[attr-defined]
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
    x = claim.subject.select(c)
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
    x = claim.subject.select(c)
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
    x = claim.subject.select(c)
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
    x = claim.subject.select(c)
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


_I = re.IGNORECASE | re.DOTALL
register_form(ClaimForm("no-equilibrium", "no equilibrium has STATEMENT",
                        re.compile(r"no\s+equilibrium\s+has\s+(?P<subject>.+)", _I),
                        _eval_no_equilibrium, subject_may_be_status_quo=False))
register_form(ClaimForm("every-equilibrium", "every equilibrium has STATEMENT",
                        re.compile(r"every\s+equilibrium\s+has\s+(?P<subject>.+)", _I),
                        _eval_every_equilibrium, subject_may_be_status_quo=False))
register_form(ClaimForm("some-equilibrium", "some equilibrium has STATEMENT",
                        re.compile(r"some\s+equilibrium\s+has\s+(?P<subject>.+)", _I),
                        _eval_some_equilibrium, subject_may_be_status_quo=False))
register_form(ClaimForm("not-equilibrium", "SUBJECT is not an equilibrium",
                        re.compile(r"(?P<subject>.+?)\s+is\s+not\s+an\s+equilibrium", _I),
                        _eval_no_equilibrium))
register_form(ClaimForm("equilibrium", "SUBJECT is an equilibrium",
                        re.compile(r"(?P<subject>.+?)\s+is\s+an\s+equilibrium(?P<dms>)?", _I),
                        _eval_stable))
register_form(ClaimForm("not-stable", "SUBJECT is not stable for DM[, DM...]",
                        re.compile(r"(?P<subject>.+?)\s+is\s+not\s+stable\s+for\s+(?P<dms>.+)", _I),
                        _eval_not_stable))
register_form(ClaimForm("stable", "SUBJECT is stable for DM[, DM...]",
                        re.compile(r"(?P<subject>.+?)\s+is\s+stable\s+for\s+(?P<dms>.+)", _I),
                        _eval_stable))


# -- checking claims over an analysis --------------------------------------------------------
@dataclass(frozen=True)
class ClaimResult:
    """The verdicts of one claim in one variant (``variant`` is ``base`` for the model)."""

    id: str
    variant: str
    verdicts: tuple[Verdict, ...]

    @property
    def holds(self) -> bool:
        """True when the claim holds under every concept it is checked under."""
        return all(v.holds for v in self.verdicts)

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

    def to_dict(self) -> dict:
        return {"id": self.id, "variant": self.variant, "holds": self.holds,
                "verdict": self.verdict_text, "verdicts": [v.to_dict() for v in self.verdicts]}


def claim_concepts(claim: Claim, computed: Sequence[str]) -> tuple[str | None, ...]:
    """The concepts a claim is checked under, given those computed."""
    form = form_of(claim)
    if not form.uses_concepts:
        return (None,)
    return claim.concepts if claim.concepts is not None else tuple(computed)


def form_of(claim: Claim) -> ClaimForm:
    for form in FORMS:
        if form.name == claim.form:
            return form
    raise KeyError(f"unknown claim form '{claim.form}'")


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
    ``variant``, by default the variant the analysed conflict was compiled from."""
    if variant is None:
        variant = analysis.conflict.spec.variant
    form = form_of(claim)
    computed = tuple(default_concepts) if default_concepts is not None else analysis.concepts
    verdicts = tuple(form.evaluate(claim, analysis, concept)
                     for concept in claim_concepts(claim, computed))
    return ClaimResult(claim_id, variant, verdicts)


def check_claims(analysis: Analysis, variant: str | None = None,
                 default_concepts: Sequence[str] | None = None) -> list[ClaimResult]:
    """Evaluate every claim of the analysed model (``spec.claims``), labelled ``variant``
    (by default the variant the analysed conflict was compiled from: ``base`` for the model
    as written)."""
    return [check_claim(spec.id, spec.claim, analysis, variant, default_concepts)
            for spec in analysis.conflict.spec.claims]


def variant_summary(results: Sequence[ClaimResult]) -> str:
    """Across variants, for one claim: ``holds in every variant``, ``fails in every
    variant`` or ``holds only in variants a, b (fails in c)``."""
    yes = [r.variant for r in results if r.holds]
    no = [r.variant for r in results if not r.holds]
    if len(results) == 1:
        return results[0].verdict_text
    if not no:
        return "holds in every variant"
    if not yes:
        return "fails in every variant"
    word = "variant" if len(yes) == 1 else "variants"
    return f"holds only in {word} {', '.join(yes)} (fails in {', '.join(no)})"


# Forms about evolution from the status quo live in their own module (they need the
# status quo analysis); importing it registers them.
from standoff.analysis import claims_reachability  # noqa: E402, F401
