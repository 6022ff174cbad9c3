"""The catalogue of solution concepts: one frozen record per concept (the bottom layer).

Every part of standoff that takes a solution concept (analysis, explanations, claims,
inverse analysis, status quo paths, coalition analysis, reports, the command line) reads it
here, so a concept is named, labelled, cited and checked the same way everywhere. This
module imports nothing from standoff but :mod:`standoff.errors`; the functions computing
each concept live in :mod:`standoff.stability` (``standoff.stability.kernel(concept)``).

* :data:`CATALOGUE` is a read-only mapping from key to :class:`Concept`, in the order the
  concepts are listed to users.
* Limited-move stability L(h) is a family of concepts, one per horizon *h*: its keys
  ``l1``, ``l2``, … are understood by :func:`resolve` for *h* from 1 to
  :data:`MAX_LIMITED_MOVE_HORIZON` and built on demand (:func:`limited_move`); nothing is
  registered or cached.
* :func:`resolve` turns a key (any case, surrounding spaces ignored) into its record;
  :func:`parse_concepts` does it for a comma-separated list.
* An unknown concept, or one the caller does not take (a :class:`Scope`), raises
  :class:`UnknownConceptError` from every entry point, the library and the command line
  alike.
* The rule "this concept is defined for exactly two decision makers" is checked by
  :func:`check_decision_makers`, and only there.

>>> from standoff.concepts import CATALOGUE
>>> [key for key, c in CATALOGUE.items() if c.family == "individual"]
['nash', 'gmr', 'smr', 'seq', 'sim']
>>> CATALOGUE["seq"].label, CATALOGUE["seq"].needs_two_decision_makers
('SEQ', False)
>>> sorted({c.family for c in CATALOGUE.values()})
['coalition', 'foresight', 'individual', 'relational']
>>> [key for key, c in CATALOGUE.items() if c.family == "relational"]
['rnash', 'rgmr', 'rsmr', 'rseq']
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType

from standoff.errors import ModelError

#: Concepts of one decision maker's stability (Nash, GMR, SMR, SEQ, SIM).
INDIVIDUAL = "individual"
#: Concepts of anticipation over several moves (limited move L(h), non-myopic NM).
FORESIGHT = "foresight"
#: Concepts of a coalition's stability (CNash, CGMR, CSMR, CSEQ).
COALITION = "coalition"
#: Concepts of one decision maker's stability under attitudes (RNash, RGMR, RSMR, RSEQ).
RELATIONAL = "relational"
FAMILIES = (INDIVIDUAL, FORESIGHT, COALITION, RELATIONAL)

#: The largest horizon *h* of a limited-move key ``l<h>`` that :func:`resolve` accepts.
MAX_LIMITED_MOVE_HORIZON = 1000

_FAMILY_WORDS = {
    INDIVIDUAL: "individual stability",
    FORESIGHT: "limited-move stability",
    COALITION: "coalition stability",
    RELATIONAL: "relational stability",
}

_GRAPH_MODEL = ("Kilgour, Hipel & Fang (1987) Automatica 23(1):41–55; Fang, Hipel & Kilgour "
                "(1993) Interactive Decision Making, Wiley")
_LIMITED_MOVE = ("Kilgour (1985) Anticipation and stability in two-person noncooperative "
                 "games, in Dynamic Models of International Conflict; Fang, Hipel & Kilgour "
                 "(1993) Interactive Decision Making, Wiley, ch. 5")
_COALITIONS = ("Inohara & Hipel (2008) Coalition analysis in the graph model for conflict "
               "resolution, Systems Engineering 11(4):343–359")
_ATTITUDES = ("Inohara, Hipel & Walker (2007) J. Systems Science and Systems Engineering "
              "16(2):181–201; Inohara & Hipel (2009) IEEE SMC (interrelationships among "
              "attitude-based and conventional stability concepts); definitions as "
              "reconstructed in docs/structure.md")


@dataclass(frozen=True)
class Concept:
    """One solution concept.

    Attributes:
        key: the key users type (``nash``, ``l2``, ``cseq``); lower case.
        label: the name shown in tables and sentences (``Nash``, ``L2``, ``CSEQ``).
        family: :data:`INDIVIDUAL`, :data:`FORESIGHT`, :data:`COALITION` or
            :data:`RELATIONAL`.
        needs_two_decision_makers: defined only for conflicts of exactly two decision
            makers (checked by :func:`check_decision_makers`).
        inverse: inverse analysis (counting the rankings that make a state an equilibrium)
            supports it.
        option_form: it needs the option form of the model (SIM combines option vectors),
            not only the graph of moves.
        citation: where the definition comes from.
        definition: the definition in one line, for state *s* and decision maker *i*
            (coalition *H* for the coalition concepts).
        horizon: *h* for limited-move stability L(h); None otherwise.
    """

    key: str
    label: str
    family: str
    needs_two_decision_makers: bool
    inverse: bool
    option_form: bool
    citation: str
    definition: str
    horizon: int | None = None

    def __str__(self) -> str:
        return self.key


_ENTRIES = (
    Concept("nash", "Nash", INDIVIDUAL, False, True, False,
            f"Howard (1971) Paradoxes of Rationality, MIT Press; {_GRAPH_MODEL}",
            "s is stable for i when i has no unilateral improvement from s."),
    Concept("gmr", "GMR", INDIVIDUAL, False, True, False,
            f"Howard (1971) Paradoxes of Rationality, MIT Press; {_GRAPH_MODEL}",
            "every unilateral improvement of i from s is sanctioned: the others can reach a "
            "state no better for i than s."),
    Concept("smr", "SMR", INDIVIDUAL, False, True, False,
            f"Howard (1971) Paradoxes of Rationality, MIT Press; {_GRAPH_MODEL}",
            "as GMR, and from the sanctioning state no move of i leads to a state i prefers "
            "to s."),
    Concept("seq", "SEQ", INDIVIDUAL, False, True, False,
            f"Fraser & Hipel (1979) IEEE Trans. SMC 9(12):805–816; {_GRAPH_MODEL}",
            "as GMR, with sanctions made of the others' own unilateral improvements."),
    Concept("sim", "SIM", INDIVIDUAL, False, False, True,
            f"Fraser & Hipel (1984) Conflict Analysis, North-Holland; {_GRAPH_MODEL}",
            "every unilateral improvement of i from s is sanctioned by the others' "
            "simultaneous unilateral improvements from s, combined option by option."),
    Concept("nm", "NM", FORESIGHT, True, False, False, _LIMITED_MOVE,
            "s is L(h) stable for i for every sufficiently large horizon h (non-myopic "
            "stability)."),
    Concept("cnash", "CNash", COALITION, False, False, False, _COALITIONS,
            "coalition H has no move from s that every member strictly prefers."),
    Concept("cgmr", "CGMR", COALITION, False, False, False, _COALITIONS,
            "every coalitional improvement of H from s is answered by the others with a state "
            "where some member is not better off than at s."),
    Concept("csmr", "CSMR", COALITION, False, False, False, _COALITIONS,
            "as CGMR, and from that state H cannot reach a state every member prefers to s."),
    Concept("cseq", "CSEQ", COALITION, False, False, False, _COALITIONS,
            "as CGMR, with answers made of the others' own unilateral improvements."),
    Concept("rnash", "RNash", RELATIONAL, False, False, False, _ATTITUDES,
            "s is stable for i when i has no relational improvement from s (a move to a "
            "state that i's attitudes rank at least as high for every decision maker i is "
            "not neutral toward)."),
    Concept("rgmr", "RGMR", RELATIONAL, False, False, False, _ATTITUDES,
            "every relational improvement of i from s is sanctioned: the others can reach a "
            "state that is not a relational improvement on s for i."),
    Concept("rsmr", "RSMR", RELATIONAL, False, False, False, _ATTITUDES,
            "as RGMR, and from the sanctioning state no move of i is a relational "
            "improvement on s."),
    Concept("rseq", "RSEQ", RELATIONAL, False, False, False, _ATTITUDES,
            "as RGMR, with sanctions made of the others' own relational improvements."),
)

#: Every concept with a fixed key, by key, in the order they are listed to users. The
#: limited-move concepts ``l1`` … ``l<MAX_LIMITED_MOVE_HORIZON>`` are not listed one by one:
#: :func:`resolve` and :func:`limited_move` build their records.
CATALOGUE: Mapping[str, Concept] = MappingProxyType({c.key: c for c in _ENTRIES})


def limited_move(horizon: int) -> Concept:
    """The record of limited-move stability L(``horizon``), built anew (nothing is stored).

    Any horizon of at least 1 gives a record; the keys :func:`resolve` accepts stop at
    :data:`MAX_LIMITED_MOVE_HORIZON`.

    >>> limited_move(2).key, limited_move(2).label, limited_move(2) == resolve("L2")
    ('l2', 'L2', True)
    """
    if isinstance(horizon, bool) or not isinstance(horizon, int):
        raise TypeError(f"a horizon is an int, not {horizon!r} ({type(horizon).__name__})")
    if horizon < 1:
        raise ValueError(f"the horizon of L(h) must be at least 1, not {horizon}")
    return Concept(
        f"l{horizon}", f"L{horizon}", FORESIGHT, True, False, False, _LIMITED_MOVE,
        f"with moves alternating and at most {horizon} of them, i starting, i does not leave s "
        "(no move of i is anticipated to end at a state i prefers to s).",
        horizon=horizon,
    )


# -- which concepts an entry point takes -----------------------------------------------------
@dataclass(frozen=True)
class Scope:
    """The concepts one kind of analysis takes, and those it uses when none is named.

    Attributes:
        name: the analysis in words, for error messages (``inverse analysis``).
        families: the concept families it takes.
        default: the keys used when no concept is named.
        inverse_only: take only concepts that inverse analysis supports.
    """

    name: str
    families: frozenset[str]
    default: tuple[str, ...]
    inverse_only: bool = False

    def accepts(self, concept: Concept) -> bool:
        """Whether this scope takes ``concept``."""
        return concept.family in self.families and (concept.inverse or not self.inverse_only)

    def concepts(self) -> tuple[Concept, ...]:
        """The catalogue entries it takes (limited-move L(h) aside)."""
        return tuple(c for c in CATALOGUE.values() if self.accepts(c))

    def concept_keys(self) -> tuple[str, ...]:
        """The keys of :meth:`concepts`."""
        return tuple(c.key for c in self.concepts())

    @property
    def takes_limited_move(self) -> bool:
        """Whether it takes the keys ``l1``, ``l2``, …"""
        return self.accepts(limited_move(1))

    def keys_in_words(self, decision_makers: int | None = None) -> str:
        """The keys it takes, as a user reads them. With ``decision_makers`` (the number in
        the model), concepts defined for another number are left out.

        >>> STABILITY.keys_in_words()  # doctest: +NORMALIZE_WHITESPACE
        'nash, gmr, smr, seq, sim, rnash, rgmr, rsmr, rseq; for two decision makers also nm
        and l1 … l1000 (limited move)'
        >>> STABILITY.keys_in_words(decision_makers=3)
        'nash, gmr, smr, seq, sim, rnash, rgmr, rsmr, rseq'
        """
        plain = [c.key for c in self.concepts() if not c.needs_two_decision_makers]
        pair = [c.key for c in self.concepts() if c.needs_two_decision_makers]
        if self.takes_limited_move:
            pair.append(f"l1 … l{MAX_LIMITED_MOVE_HORIZON} (limited move)")
        if not plain:
            return ", ".join(pair) + " (for two decision makers)"
        if not pair or decision_makers not in (None, 2):
            return ", ".join(plain)
        if decision_makers == 2:
            return ", ".join(plain + pair)
        return ", ".join(plain) + "; for two decision makers also " + " and ".join(pair)


#: Every concept; the default is the individual concepts.
EVERY = Scope("standoff", frozenset(FAMILIES), ("nash", "gmr", "smr", "seq", "sim"))
#: What :func:`standoff.analyze` (and explanations, claims, paths, reports) take.
STABILITY = Scope("stability analysis", frozenset({INDIVIDUAL, FORESIGHT, RELATIONAL}),
                  ("nash", "gmr", "smr", "seq", "sim"))
#: What coalition analysis takes.
COALITIONS = Scope("coalition analysis", frozenset({COALITION}),
                   ("cnash", "cgmr", "csmr", "cseq"))
#: What inverse analysis takes.
INVERSE = Scope("inverse analysis", frozenset({INDIVIDUAL}), ("nash", "gmr", "smr", "seq"),
                inverse_only=True)
#: What the limited-move explanations take.
LIMITED_MOVE = Scope("limited-move stability", frozenset({FORESIGHT}), ("nm",))

#: The concepts computed when none is named: Nash, GMR, SMR, SEQ and SIM.
DEFAULT_CONCEPTS = STABILITY.default


# -- errors ----------------------------------------------------------------------------------
class UnknownConceptError(ModelError, ValueError):
    """A concept that does not exist, or that the analysis asked for does not take.

    The one exception every entry point raises for a bad concept (it is a
    :class:`~standoff.errors.ModelError`, so the command line prints it as a located message
    with exit code 2, and a :class:`ValueError` for library callers). Attributes beyond
    those of ModelError: ``key`` (the concept as given), ``suggestion`` (the closest known
    key, if any) and ``position`` (the character offset in a claim sentence, if the concept
    was read from one).
    """

    def __init__(self, message: str, file: str | None = None, line: int | None = None,
                 column: int | None = None, hint: str | None = None, *, key: str = "",
                 suggestion: str | None = None, position: int | None = None) -> None:
        super().__init__(message, file, line, column, hint)
        self.key = key
        self.suggestion = suggestion
        self.position = position

    def located(self, file: str | None, line: int | None = None, column: int | None = None,
                hint: str | None = None, message: str | None = None) -> UnknownConceptError:
        """The same error, placed in ``file`` (a file or a command-line option) and
        optionally given another hint or message."""
        return UnknownConceptError(
            self.message if message is None else message, file, line, column,
            self.hint if hint is None else hint, key=self.key, suggestion=self.suggestion,
            position=self.position)

    def __str__(self) -> str:
        if self.file is None and self.line is None:
            return self.message + (f"; {self.hint}" if self.hint else "")
        return self.render()


def _suggest(text: str, scope: Scope) -> str | None:
    """The known key closest to ``text``, if one is close."""
    m = re.fullmatch(r"l\W*0*(\d{1,6})\W*", text)
    if m and 1 <= int(m.group(1)) <= MAX_LIMITED_MOVE_HORIZON and scope.takes_limited_move:
        return f"l{int(m.group(1))}"
    keys = list(scope.concept_keys()) or list(CATALOGUE)
    labels = {c.label.lower(): c.key for c in CATALOGUE.values() if c.key in keys}
    found = difflib.get_close_matches(text, keys + list(labels), n=1, cutoff=0.6)
    if found:
        return labels.get(found[0], found[0])
    return None


def _unknown(given: str, scope: Scope, what: str,
             known: Concept | None = None) -> UnknownConceptError:
    """The error for ``given``; ``known``: its record, when it exists outside ``scope`` (then
    only its individual or coalition counterpart is suggested)."""
    text = given.strip().lower()
    if known is None:
        guess = _suggest(text, scope)
    else:
        pair = {f"c{known.key}", known.key[1:]}
        guess = next((k for k in scope.concept_keys() if k in pair), None)
    mean = f"; did you mean '{guess}'?" if guess else "."
    return UnknownConceptError(f"{what}{mean} Known concepts: {scope.keys_in_words()}",
                               key=given, suggestion=guess)


def _limited_move_key(text: str, given: str) -> Concept | None:
    """The L(h) record for a key ``l<h>``; None if ``text`` is not of that shape."""
    m = re.fullmatch(r"l(\d+)", text)
    if m is None:
        return None
    digits = m.group(1)
    horizon = int(digits) if len(digits) <= 9 else MAX_LIMITED_MOVE_HORIZON + 1
    if not 1 <= horizon <= MAX_LIMITED_MOVE_HORIZON:
        shown = digits if len(digits) <= 12 else digits[:12] + "…"
        raise UnknownConceptError(
            f"the horizon of limited-move stability '{given.strip()[:14]}' is out of range: "
            f"h = {shown}, and l<h> is computed for h from 1 to {MAX_LIMITED_MOVE_HORIZON}",
            hint=f"use l1 to l{MAX_LIMITED_MOVE_HORIZON}, or nm for the limit of long horizons",
            key=given)
    if digits != str(horizon):
        return None  # leading zeros: unknown, with l<h> suggested
    return limited_move(horizon)


def resolve(key: str | Concept, scope: Scope = EVERY) -> Concept:
    """The record of concept ``key`` (case and surrounding spaces ignored).

    Limited-move keys ``l<h>`` are understood for *h* from 1 to
    :data:`MAX_LIMITED_MOVE_HORIZON` without registering anything. ``scope`` restricts the
    concepts accepted (e.g. :data:`INVERSE`). Raises :class:`UnknownConceptError` for a key
    that names no concept, a horizon out of range, or a concept outside ``scope``; TypeError
    for a key that is not a string.

    >>> resolve("nash").label
    'Nash'
    >>> resolve(" SEQ ").key
    'seq'
    >>> resolve("l3").horizon
    3
    >>> resolve("nsh")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    standoff.concepts.UnknownConceptError: unknown concept 'nsh'; did you mean 'nash'? ...
    >>> resolve("sim", INVERSE)
    Traceback (most recent call last):
    ...
    standoff.concepts.UnknownConceptError: inverse analysis does not take 'sim' (SIM). \
Known concepts: nash, gmr, smr, seq
    >>> resolve("l0")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    standoff.concepts.UnknownConceptError: the horizon of limited-move stability 'l0' is out \
of range: h = 0, and l<h> is computed for h from 1 to 1000; ...
    """
    if isinstance(key, Concept):
        concept: Concept | None = key
        given = key.key
    elif isinstance(key, str):
        given = key
        text = key.strip().lower()
        concept = CATALOGUE.get(text) or _limited_move_key(text, key)
        if concept is None:
            raise _unknown(key, scope, f"unknown concept '{key.strip()}'")
    else:
        raise TypeError(f"a concept is given by its key ({scope.keys_in_words()}), not "
                        f"{key!r} ({type(key).__name__})")
    assert concept is not None
    if not scope.accepts(concept):
        raise _unknown(given, scope, f"{scope.name} does not take '{concept.key}' "
                       f"({concept.label})", known=concept)
    return concept


def parse_concepts(concepts: str | Iterable[str | Concept] | None,
                   scope: Scope = EVERY) -> tuple[Concept, ...]:
    """The records of a concept list: ``"nash, seq"``, or an iterable of keys (or records).

    None gives the scope's default concepts. Empty items are skipped and repeats dropped.
    Raises TypeError for an argument that is not a string or an iterable of strings, and
    :class:`UnknownConceptError` for an unknown concept or an empty list.

    >>> [c.key for c in parse_concepts("Nash, seq,,l2, nash")]
    ['nash', 'seq', 'l2']
    >>> [c.label for c in parse_concepts(None)]
    ['Nash', 'GMR', 'SMR', 'SEQ', 'SIM']
    """
    if concepts is None:
        return tuple(CATALOGUE[k] for k in scope.default)
    items: Iterable[str | Concept]
    if isinstance(concepts, str):
        items = concepts.split(",")
    elif isinstance(concepts, Iterable):
        items = concepts
    else:
        raise TypeError("concepts must be a string such as 'nash,seq' or a list of strings, "
                        f"not {type(concepts).__name__}")
    out: list[Concept] = []
    for item in items:
        if isinstance(item, str) and not item.strip():
            continue
        if not isinstance(item, str | Concept):
            raise TypeError(f"a concept must be a string such as 'nash', not {item!r} "
                            f"({type(item).__name__}); choose from {scope.keys_in_words()}")
        concept = resolve(item, scope)
        if concept not in out:
            out.append(concept)
    if not out:
        raise UnknownConceptError(f"no concept given; choose from {scope.keys_in_words()}")
    return tuple(out)


def label(key: str | Concept) -> str:
    """The display name of a concept key (``seq`` → ``SEQ``, ``l2`` → ``L2``).

    >>> label("cseq")
    'CSEQ'
    """
    return resolve(key).label


# -- the one rule about the number of decision makers ----------------------------------------
def check_decision_makers(concept: str | Concept, dm_ids: Sequence[str],
                          file: str | None = None) -> None:
    """Raise :class:`~standoff.errors.ModelError` (placed in ``file``) when ``concept`` is
    defined for exactly two decision makers and ``dm_ids`` lists another number. This is
    the only place the rule is checked.

    >>> check_decision_makers("nm", ["us", "them"])
    >>> check_decision_makers("nm", ["a", "b", "c"])  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    standoff.errors.ModelError: <input>: error: 'nm' (limited-move stability) is defined for \
two decision makers; this model has 3 (a, b, c)
      fix: use nash, gmr, smr, seq or sim for this model, ...
    """
    c = resolve(concept)
    if not c.needs_two_decision_makers or len(dm_ids) == 2:
        return
    others = [k.key for k in CATALOGUE.values()
              if k.family == INDIVIDUAL and not k.needs_two_decision_makers]
    raise ModelError(
        f"'{c.key}' ({_FAMILY_WORDS[c.family]}) is defined for two decision makers; this "
        f"model has {len(dm_ids)} ({', '.join(dm_ids)})",
        file=file,
        hint=f"use {', '.join(others[:-1])} or {others[-1]} for this model, or analyse a "
        "two-decision-maker version of it (standoff implements no limited-move stability "
        "for more than two decision makers)",
    )


__all__ = [
    "CATALOGUE",
    "COALITION",
    "COALITIONS",
    "DEFAULT_CONCEPTS",
    "EVERY",
    "FAMILIES",
    "FORESIGHT",
    "INDIVIDUAL",
    "INVERSE",
    "LIMITED_MOVE",
    "MAX_LIMITED_MOVE_HORIZON",
    "RELATIONAL",
    "STABILITY",
    "Concept",
    "Scope",
    "UnknownConceptError",
    "check_decision_makers",
    "label",
    "limited_move",
    "parse_concepts",
    "resolve",
]
