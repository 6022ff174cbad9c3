"""The claim language: the sentences a model's ``claims:`` are written in, parsed.

A claim sentence (the ``check:`` of an entry under ``claims:``; docs/claims.md) is one of
the *claim forms* below, optionally followed by ``under CONCEPT[, CONCEPT...]``::

    no equilibrium has STATEMENT
    every equilibrium has STATEMENT
    some equilibrium has STATEMENT
    SUBJECT is stable for DM[, DM... | and DM]      (or: for every decision maker)
    SUBJECT is not stable for DM[, DM... | and DM]
    SUBJECT is an equilibrium
    SUBJECT is not an equilibrium
    STATEMENT is [not] reachable from the status quo [by any moves]
    DM has a[n] DILEMMA dilemma [with DM]           (the card table, docs/confrontation.md)
    DM has no DILEMMA dilemma [with DM]
    the positions of DM and DM are [in]compatible
    the position of DM is [not] acceptable to DM[, DM...] (or: to every other party)
    no position is acceptable to every other party

``STATEMENT`` is a statement of the model's expression language (option ids with ``not``,
``and``, ``or``, ``if``, ``iff``; :mod:`standoff.model.expressions`); ``SUBJECT`` is such a
statement or ``the status quo``. The concepts after ``under`` are keys of the catalogue
(:data:`standoff.concepts.STABILITY`).

This module is the grammar only: it turns a sentence into a :class:`Claim` (or a located
:class:`~standoff.model.expressions.ExpressionError`), which the model loader stores in
``ClaimSpec.claim``. What a claim *means* (its verdict over an analysis) is
:mod:`standoff.analysis.claims`, which holds one evaluation function per form name.
Decision maker ids that are words of the claim language (:data:`RESERVED_DM_IDS`) are
refused by the loader.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from standoff.concepts import STABILITY, UnknownConceptError, check_decision_makers, resolve
from standoff.errors import ModelError
from standoff.model.confrontation import DILEMMA_NAMES
from standoff.model.expressions import Expr, ExpressionError, parse

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


# -- parsed claims ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Subject:
    """The states a claim is about: a statement over options, or the status quo."""

    text: str
    expr: Expr | None  # None: the status quo

    def mask(self, patterns: np.ndarray, status_quo: int | None) -> np.ndarray:
        """Boolean mask over the states whose bit patterns are ``patterns`` (state ``s``,
        0-based, has ``patterns[s]``); ``status_quo`` is the 0-based status quo, if any."""
        if self.expr is None:
            mask = np.zeros(len(patterns), dtype=bool)
            if status_quo is not None:
                mask[status_quo] = True
            return mask
        return self.expr.evaluate_bits(patterns)


@dataclass(frozen=True)
class Claim:
    """A parsed claim sentence.

    Attributes:
        form: the name of its claim form (``no-equilibrium``, ``stable``, ...).
        text: the sentence as written.
        subject: the states it is about.
        dms: decision maker indices (forms about stability for some decision makers).
        concepts: the concepts named after ``under``, or None for "every concept computed".
        detail: a word the form names besides states and decision makers (the dilemma of
            ``DM has a DILEMMA dilemma``), else None.

    Claims about the card table have no states as subject: their subject is every state
    (the constant ``true``), and ``dms`` holds the decision makers they name in order
    (``russia has a threat dilemma with ukraine``: russia, then ukraine).
    """

    form: str
    text: str
    subject: Subject
    dms: tuple[int, ...] = ()
    concepts: tuple[str, ...] | None = None
    detail: str | None = None


@dataclass(frozen=True)
class ClaimContext:
    """What the parser needs to know about the model.

    Attributes:
        resolve_option: option name and character position → option index (raises
            :class:`ExpressionError` for an unknown name).
        dm_ids: the decision maker ids, in model order.
        has_status_quo: whether the model states a status quo (claims about it need one).
        has_confrontation: whether the model or one of its variants has a
            ``confrontation:`` section (claims about the card table need one).

    The concepts accepted after ``under`` are those of
    :data:`standoff.concepts.STABILITY` (the catalogue).
    """

    resolve_option: Callable[[str, int], int]
    dm_ids: tuple[str, ...]
    has_status_quo: bool = True
    has_confrontation: bool = True


@dataclass(frozen=True)
class ClaimForm:
    """One sentence shape of the claim language.

    Attributes:
        name: the form's name (``Claim.form``).
        template: how it is written, for documentation and error hints.
        pattern: matched (case-insensitively, in full) against the sentence without its
            ``under`` part; named groups ``subject`` and optionally ``dms``.
        uses_concepts: False for forms whose verdict does not depend on a concept.
        subject_may_be_status_quo: whether ``the status quo`` is allowed as subject.
        needs_status_quo: True for forms that are about the status quo whatever their
            subject (``... reachable from the status quo``): refused in a model without one.
        needs_confrontation: True for forms about the card table: refused in a model
            without a ``confrontation:`` section.

    A pattern without a ``subject`` group is about no states (its subject is every
    state); groups ``party`` and ``other`` name one decision maker each, ``dilemma`` one
    of :data:`~standoff.model.confrontation.DILEMMA_NAMES`.
    """

    name: str
    template: str
    pattern: re.Pattern[str]
    uses_concepts: bool = True
    subject_may_be_status_quo: bool = True
    needs_status_quo: bool = False
    needs_confrontation: bool = False


FORMS: list[ClaimForm] = []


def add_form(form: ClaimForm) -> ClaimForm:
    """Add a claim form to the grammar (forms are tried in the order added; the first match
    wins), replacing one of the same name. :func:`standoff.analysis.claims.register_form`
    adds a form together with its evaluation."""
    FORMS[:] = [f for f in FORMS if f.name != form.name]
    FORMS.append(form)
    return form


def remove_form(name: str) -> None:
    """Remove the claim form called ``name`` from the grammar (nothing if there is none)."""
    FORMS[:] = [f for f in FORMS if f.name != name]


def form_of(claim: Claim) -> ClaimForm:
    """The form a parsed claim was written in; KeyError for a form no longer known."""
    for form in FORMS:
        if form.name == claim.form:
            return form
    raise KeyError(f"unknown claim form '{claim.form}'")


# -- parsing ---------------------------------------------------------------------------------
_UNDER = re.compile(r"\s+under\s+", re.IGNORECASE)
_UNDER_AT_END = re.compile(r"\s+under\s*$", re.IGNORECASE)
_STATUS_QUO = re.compile(r"\bstatus\s+quo\b", re.IGNORECASE)


def parse_claim(text: str, ctx: ClaimContext) -> Claim:
    """Parse a claim sentence; raise :class:`ExpressionError` (with a character position),
    or :class:`~standoff.concepts.UnknownConceptError` (whose ``position`` is the character
    position) for an unknown concept after ``under``.

    >>> ctx = ClaimContext(lambda n, p: ["a", "b"].index(n), ("x", "y"))
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
        groups = m.groupdict()
        if "subject" in groups:
            subject = _parse_subject(body, m, lead, ctx, form)
        else:
            subject = Subject("every state", Expr("const", value=True))
        dms: tuple[int, ...] = ()
        if "dms" in groups:
            if not m.group("dms"):
                dms = tuple(range(len(ctx.dm_ids)))
            else:
                dms = _parse_dms(m.group("dms"), lead + m.start("dms"), ctx)
        for name in ("party", "other"):
            if groups.get(name):
                dms += _parse_dms(m.group(name), lead + m.start(name), ctx)
        if form.needs_confrontation and not ctx.has_confrontation:
            raise ExpressionError(
                "this claim is about the card table, but the model has no 'confrontation:' "
                "section", lead,
                "add 'confrontation:' with each party's position and the threatened future "
                "(docs/confrontation.md), or rewrite the claim without it")
        detail = groups.get("dilemma")
        if concepts is not None and not form.uses_concepts:
            raise ExpressionError(
                f"'{form.template}' does not depend on a solution concept",
                body_end,
                "remove the 'under ...' part",
            )
        if form.needs_status_quo and not ctx.has_status_quo:
            found = _STATUS_QUO.search(body)
            raise _no_status_quo(found.start() if found else lead)
        return Claim(form.name, text, subject, dms, concepts,
                     detail.lower() if detail else None)
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
    return STABILITY.keys_in_words(len(ctx.dm_ids))


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
        try:
            record = resolve(word, STABILITY)
        except UnknownConceptError as exc:
            raise UnknownConceptError(exc.message, hint=f"use concept keys: {_concept_keys(ctx)}",
                                      key=word, suggestion=exc.suggestion,
                                      position=start + m.start()) from None
        try:
            check_decision_makers(record, ctx.dm_ids)
        except ModelError as exc:
            raise ExpressionError(exc.message, start + m.start(), exc.hint) from None
        key = record.key
        if key not in out:
            out.append(key)
    if not out:
        raise ExpressionError("'under' names no concept", start, _concepts_hint(ctx))
    return tuple(out)


# -- the built-in forms ----------------------------------------------------------------------
_I = re.IGNORECASE | re.DOTALL
#: ``... reachable from the status quo [by unilateral improvements | by any moves]``
_REACHABLE_TAIL = (r"\s+reachable\s+from\s+the\s+status\s+quo(?:\s+by\s+(?:unilateral"
                   r"\s+improvements|any\s+moves?))?")
#: Whether a reachability claim (its text without ``under ...``) allows any moves.
BY_ANY_MOVES = re.compile(r"by\s+any\s+moves?\s*$", re.IGNORECASE)
#: The dilemma names a claim may use, as a regular expression alternation.
_DILEMMAS = "|".join(DILEMMA_NAMES)

for _form in (
    ClaimForm("no-equilibrium", "no equilibrium has STATEMENT",
              re.compile(r"no\s+equilibrium\s+has\s+(?P<subject>.+)", _I),
              subject_may_be_status_quo=False),
    ClaimForm("every-equilibrium", "every equilibrium has STATEMENT",
              re.compile(r"every\s+equilibrium\s+has\s+(?P<subject>.+)", _I),
              subject_may_be_status_quo=False),
    ClaimForm("some-equilibrium", "some equilibrium has STATEMENT",
              re.compile(r"some\s+equilibrium\s+has\s+(?P<subject>.+)", _I),
              subject_may_be_status_quo=False),
    ClaimForm("not-equilibrium", "SUBJECT is not an equilibrium",
              re.compile(r"(?P<subject>.+?)\s+is\s+not\s+an\s+equilibrium", _I)),
    ClaimForm("equilibrium", "SUBJECT is an equilibrium",
              re.compile(r"(?P<subject>.+?)\s+is\s+an\s+equilibrium(?P<dms>)?", _I)),
    ClaimForm("not-stable", "SUBJECT is not stable for DM[, DM...]",
              re.compile(r"(?P<subject>.+?)\s+is\s+not\s+stable\s+for\s+(?P<dms>.+)", _I)),
    ClaimForm("stable", "SUBJECT is stable for DM[, DM...]",
              re.compile(r"(?P<subject>.+?)\s+is\s+stable\s+for\s+(?P<dms>.+)", _I)),
    # about evolution from the status quo (status quo analysis); no concept
    ClaimForm("not-reachable", "STATEMENT is not reachable from the status quo [by any moves]",
              re.compile(r"(?P<subject>.+?)\s+is\s+not" + _REACHABLE_TAIL, _I),
              uses_concepts=False, subject_may_be_status_quo=False, needs_status_quo=True),
    ClaimForm("reachable", "STATEMENT is reachable from the status quo [by any moves]",
              re.compile(r"(?P<subject>.+?)\s+is" + _REACHABLE_TAIL, _I),
              uses_concepts=False, subject_may_be_status_quo=False, needs_status_quo=True),
    # about the card table (docs/confrontation.md); no concept
    ClaimForm("no-dilemma", "DM has no DILEMMA dilemma [with DM]",
              re.compile(r"(?P<party>[^\s,]+)\s+has\s+no\s+(?P<dilemma>" + _DILEMMAS
                         + r")\s+dilemma(?:\s+with\s+(?P<other>[^\s,]+))?", _I),
              uses_concepts=False, needs_confrontation=True),
    ClaimForm("dilemma", "DM has a DILEMMA dilemma [with DM]",
              re.compile(r"(?P<party>[^\s,]+)\s+has\s+an?\s+(?P<dilemma>" + _DILEMMAS
                         + r")\s+dilemma(?:\s+with\s+(?P<other>[^\s,]+))?", _I),
              uses_concepts=False, needs_confrontation=True),
    ClaimForm("incompatible", "the positions of DM and DM are incompatible",
              re.compile(r"the\s+positions\s+of\s+(?P<dms>.+?)\s+are\s+incompatible", _I),
              uses_concepts=False, needs_confrontation=True),
    ClaimForm("compatible", "the positions of DM and DM are compatible",
              re.compile(r"the\s+positions\s+of\s+(?P<dms>.+?)\s+are\s+compatible", _I),
              uses_concepts=False, needs_confrontation=True),
    ClaimForm("no-acceptable-position", "no position is acceptable to every other party",
              re.compile(r"no\s+position\s+is\s+acceptable\s+to\s+every\s+other\s+"
                         r"party", _I),
              uses_concepts=False, needs_confrontation=True),
    ClaimForm("not-acceptable", "the position of DM is not acceptable to DM[, DM...]",
              re.compile(r"the\s+position\s+of\s+(?P<party>[^\s,]+)\s+is\s+not\s+"
                         r"acceptable\s+to\s+(?:every\s+other\s+party|(?P<other>.+))", _I),
              uses_concepts=False, needs_confrontation=True),
    ClaimForm("acceptable", "the position of DM is acceptable to DM[, DM...]",
              re.compile(r"the\s+position\s+of\s+(?P<party>[^\s,]+)\s+is\s+"
                         r"acceptable\s+to\s+(?:every\s+other\s+party|(?P<other>.+))", _I),
              uses_concepts=False, needs_confrontation=True),
):
    add_form(_form)
del _form
