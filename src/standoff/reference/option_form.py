"""States and unilateral moves of an option-form graph model, computed literally.

This is the slow reference ("test oracle") for the compiler in ``standoff.graph``. It
enumerates every option vector, applies the feasibility test and the collapse rules one
vector at a time, and builds each decision maker's moves by trying every non-empty subset
of that decision maker's options. Nothing here is meant to be fast.

Option form (Fang, Hipel & Kilgour 1993, *Interactive Decision Making*, ch. 2; Kilgour,
Hipel & Fang 1987, Automatica 23(1):41-55): each decision maker (DM) controls some yes/no
options; a state is a feasible assignment of all options; a unilateral move by DM i changes
a non-empty subset of i's own options, respecting each option's allowed direction, and
ends in another feasible state.

Project decisions implemented here (see the docstring of :func:`build`):

* option 0 is the least significant bit when ordinary states are numbered;
* a *collapsed* state stands for every feasible vector that matches its trigger; only its
  fixed literals are relevant there, and irrelevant options count as not taken;
* the direction of an option is ignored when that option is irrelevant in the state a move
  starts from or in the state it ends in.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from itertools import combinations

Vector = tuple[bool, ...]
"""A full option vector: entry k is True when option k is taken."""

Predicate = Callable[[Vector], bool]
Collapse = tuple[Predicate, tuple[tuple[int, bool], ...]]

DIRECTIONS = ("both", "take", "drop")
"""Allowed option directions: ``both``; ``take`` (only N->Y); ``drop`` (only Y->N)."""


@dataclass(frozen=True)
class OptionFormSpec:
    """An option-form model given by plain Python callables.

    Attributes:
        dms: decision maker ids, in order.
        owner: ``owner[k]`` is the index (into ``dms``) of the DM controlling option k.
        direction: per option, ``"both"``, ``"take"`` (only N->Y) or ``"drop"`` (only Y->N).
        feasible: feasibility of a full option vector.
        collapses: each collapse is ``(trigger, fixed literals)``. ``trigger(v)`` says that
            the feasible vector ``v`` belongs to this collapsed state; the fixed literals
            ``((option index, value), ...)`` are the options that stay relevant there, all
            other options are irrelevant. The first matching trigger (in list order) wins.
        payoff: per DM (same order as ``dms``), a number evaluated on a state's canonical
            vector; higher is more preferred, equal numbers mean indifference.
    """

    dms: tuple[str, ...]
    owner: tuple[int, ...]
    direction: tuple[str, ...]
    feasible: Predicate
    collapses: tuple[Collapse, ...]
    payoff: tuple[Callable[[Vector], float], ...]


@dataclass(frozen=True)
class ReferenceModel:
    """A compiled graph model, as plain dictionaries keyed by state id (1..m).

    Attributes:
        dms: decision maker ids, in order.
        vectors: state id -> canonical option vector.
        irrelevant: state id -> option indices irrelevant there (empty for ordinary states).
        moves: ``moves[dm][s]`` is R_i(s), the states DM ``dm`` reaches from ``s`` in one
            unilateral move.
        payoff: ``payoff[dm][s]``; s1 is preferred to s2 by ``dm`` iff its payoff is larger,
            and the two are equally preferred iff the payoffs are equal.
        owner: ``owner[k]`` is the index of the DM controlling option k (as in the spec).
        direction: per option, ``"both"``, ``"take"`` or ``"drop"`` (as in the spec).
        state_by_vector: every feasible full option vector -> the state it belongs to.
            (A model written directly as a graph, e.g. in a test, may leave this empty.)
    """

    dms: tuple[str, ...]
    vectors: dict[int, Vector]
    irrelevant: dict[int, frozenset[int]]
    moves: dict[str, dict[int, frozenset[int]]]
    payoff: dict[str, dict[int, float]]
    owner: tuple[int, ...]
    direction: tuple[str, ...]
    state_by_vector: dict[Vector, int]

    @property
    def states(self) -> list[int]:
        """All state ids, in increasing order."""
        return sorted(self.vectors)

    def options_of(self, dm: str) -> list[int]:
        """Indices of the options controlled by ``dm``."""
        index = self.dms.index(dm)
        return [k for k, who in enumerate(self.owner) if who == index]

    def state_of(self, vector: Sequence[bool]) -> int | None:
        """The state a full option vector belongs to, or None if the vector is infeasible."""
        return self.state_by_vector.get(tuple(bool(x) for x in vector))


def all_vectors(number_of_options: int) -> Iterator[Vector]:
    """Every boolean vector of the given length, in increasing binary value.

    Option 0 is the least significant bit: the value of a vector is the sum of 2**k over
    the options k it takes.
    """
    for value in range(2**number_of_options):
        yield tuple(bool((value >> k) & 1) for k in range(number_of_options))


def nonempty_subsets(items: Sequence[int]) -> Iterator[tuple[int, ...]]:
    """Every non-empty subset of ``items``, as tuples."""
    for size in range(1, len(items) + 1):
        yield from combinations(items, size)


def _direction_allows(direction: str, was_taken: bool) -> bool:
    """Whether an option with this direction may be flipped away from ``was_taken``."""
    if direction == "both":
        return True
    if direction == "take":
        return not was_taken
    if direction == "drop":
        return was_taken
    raise ValueError(f"unknown option direction {direction!r}; use one of {DIRECTIONS}")


def build(spec: OptionFormSpec) -> ReferenceModel:
    """Enumerate the states and unilateral moves of an option-form model.

    States. All 2**K vectors are enumerated (K options). A vector v is feasible iff
    ``spec.feasible(v)``. A feasible vector belongs to the collapsed state of the first
    collapse whose trigger is true for it; every other feasible vector is an ordinary state.
    Ids start at 1: ordinary states first, in increasing binary value (option 0 is the least
    significant bit), then one state per collapse that has at least one feasible vector, in
    the order of ``spec.collapses``.

    The canonical vector of an ordinary state is itself; that of a collapsed state has the
    fixed literals' values and every other option False ("irrelevant options count as not
    taken"). The options not among the fixed literals are irrelevant in a collapsed state.

    Moves (Fang, Hipel & Kilgour 1993, ch. 2). DM i moves from state s with canonical
    vector v by choosing a non-empty subset D of its options and flipping exactly those in
    v, giving w. The target is t = state_of(w). It is a unilateral move iff t exists,
    t != s, and every flipped option k in D respects its direction (``take``: v[k] was
    False; ``drop``: v[k] was True), except that the direction of option k is ignored when k
    is irrelevant in s or in t. R_i(s) is the set of such targets.

    Payoffs are evaluated on the canonical vectors.
    """
    number_of_options = len(spec.owner)
    if len(spec.direction) != number_of_options:
        raise ValueError("owner and direction must have one entry per option")
    if len(spec.payoff) != len(spec.dms):
        raise ValueError("payoff must have one function per decision maker")
    for direction in spec.direction:
        if direction not in DIRECTIONS:
            raise ValueError(f"unknown option direction {direction!r}; use one of {DIRECTIONS}")

    # 1. Classify every vector: infeasible, ordinary, or belonging to collapse c.
    ordinary: list[Vector] = []
    members_of_collapse: dict[int, list[Vector]] = {c: [] for c in range(len(spec.collapses))}
    for vector in all_vectors(number_of_options):
        if not spec.feasible(vector):
            continue
        collapse_index = None
        for c, (trigger, _fixed) in enumerate(spec.collapses):
            if trigger(vector):
                collapse_index = c
                break
        if collapse_index is None:
            ordinary.append(vector)
        else:
            members_of_collapse[collapse_index].append(vector)

    # 2. Number the states and record canonical vectors and irrelevant options.
    vectors: dict[int, Vector] = {}
    irrelevant: dict[int, frozenset[int]] = {}
    state_by_vector: dict[Vector, int] = {}
    next_id = 1
    for vector in ordinary:  # already in increasing binary value
        vectors[next_id] = vector
        irrelevant[next_id] = frozenset()
        state_by_vector[vector] = next_id
        next_id += 1
    for c, (_trigger, fixed) in enumerate(spec.collapses):
        if not members_of_collapse[c]:
            continue
        canonical = [False] * number_of_options
        for option, value in fixed:
            canonical[option] = value
        relevant = {option for option, _value in fixed}
        vectors[next_id] = tuple(canonical)
        irrelevant[next_id] = frozenset(set(range(number_of_options)) - relevant)
        for vector in members_of_collapse[c]:
            state_by_vector[vector] = next_id
        next_id += 1

    # 3. Unilateral moves of each DM.
    moves: dict[str, dict[int, frozenset[int]]] = {}
    for dm_index, dm in enumerate(spec.dms):
        own_options = [k for k in range(number_of_options) if spec.owner[k] == dm_index]
        moves[dm] = {}
        for s, v in vectors.items():
            reachable: set[int] = set()
            for flipped in nonempty_subsets(own_options):
                w = list(v)
                for k in flipped:
                    w[k] = not w[k]
                t = state_by_vector.get(tuple(w))
                if t is None or t == s:
                    continue
                respects_directions = True
                for k in flipped:
                    if k in irrelevant[s] or k in irrelevant[t]:
                        continue
                    if not _direction_allows(spec.direction[k], v[k]):
                        respects_directions = False
                        break
                if respects_directions:
                    reachable.add(t)
            moves[dm][s] = frozenset(reachable)

    # 4. Payoffs on canonical vectors.
    payoff: dict[str, dict[int, float]] = {}
    for dm_index, dm in enumerate(spec.dms):
        payoff[dm] = {s: float(spec.payoff[dm_index](v)) for s, v in vectors.items()}

    return ReferenceModel(
        dms=tuple(spec.dms),
        vectors=vectors,
        irrelevant=irrelevant,
        moves=moves,
        payoff=payoff,
        owner=tuple(spec.owner),
        direction=tuple(spec.direction),
        state_by_vector=state_by_vector,
    )


def pattern_matches(pattern: str, vector: Sequence[bool]) -> bool:
    """Whether an option vector matches a ``Y``/``N``/``-`` pattern (``-`` matches both).

    Character k of the pattern refers to option k (option 0 first).
    """
    if len(pattern) != len(vector):
        raise ValueError(f"pattern {pattern!r} has {len(pattern)} options, vector {len(vector)}")
    for char, taken in zip(pattern, vector, strict=True):
        if char == "Y" and not taken:
            return False
        if char == "N" and taken:
            return False
        if char not in "YN-":
            raise ValueError(f"pattern {pattern!r}: use only Y, N and -")
    return True


def vector_from_pattern(pattern: str) -> Vector:
    """The option vector of a pattern made of ``Y`` and ``N`` only (``-`` counts as N)."""
    for char in pattern:
        if char not in "YN-":
            raise ValueError(f"pattern {pattern!r}: use only Y, N and -")
    return tuple(char == "Y" for char in pattern)


__all__ = [
    "DIRECTIONS",
    "OptionFormSpec",
    "ReferenceModel",
    "Vector",
    "all_vectors",
    "build",
    "nonempty_subsets",
    "pattern_matches",
    "vector_from_pattern",
]
