"""Inverse analysis: which preferences would make a desired state an equilibrium?

Question (Kinsara, Kilgour & Hipel 2015, "Inverse approach to the graph model for conflict
resolution", IEEE SMC: Systems 45(5):734–742): given a state
*s\\** and a set *V* of decision makers whose preferences are uncertain, count (and show)
the strict rankings of the states, one per decision maker in *V* (the others keep the
model's preferences), under which *s\\** is an equilibrium for a concept. Partial
constraints ("Syria still prefers 1 to 3") restrict the rankings considered.

How the counts are obtained (exactly, without listing all rankings where possible):

* **Down-set sums.** Whether *s\\** is Nash, GMR or SMR stable for a decision maker *d*
  depends on *d*'s ranking only through the set ``D`` of states *d* ranks **below** *s\\**:
  every test compares a state with *s\\** (``s1 ≻_d s*``, ``s2 ≾_d s*``, ``s3 ≾_d s*``),
  and the opponents' moves do not depend on preferences. The same holds for SEQ when no
  other varied decision maker takes part in the sanctions against *d*. The number of
  rankings with a given ``D`` is ``e(D) · e(U)`` (``U`` the states above *s\\**, ``e`` the
  number of orders of a set compatible with the partial constraints — ``|X|!`` without
  constraints), so the count is a sum over the ``2^(m−1)`` subsets ``D``, not the ``m!``
  rankings.
* **Inclusion–exclusion.** In a two-decision-maker model where *d* is varied and the other
  decision maker *k* is not, *s\\** is SEQ stable for *k* iff each unilateral improvement
  ``s1`` of *k* from *s\\** is answered by a move ``s1 → t`` that *d* prefers (``t ≻_d s1``)
  and that leaves *k* no better off than at *s\\**: a conjunction of clauses, each a union of
  order constraints. The rankings violating a set of clauses satisfy a set of pairwise
  constraints, so inclusion–exclusion over clause sets, each term a down-set sum with
  those constraints added, gives the count exactly.
* **Enumeration** of all rankings (with the constraints) is the fallback for the other
  cases (several varied decision makers that sanction each other under SEQ), refused
  above :data:`MAX_ENUMERATION` profiles, and is used by the tests as the reference.

Golden (Syria–Iraq 1975, state 2, Syria's 720 rankings): Nash 240, GMR 384, SMR 300,
SEQ 384 (the GMCR+ handout's 420 for SEQ is an error; see the case file).
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import combinations, islice
from math import factorial, prod
from typing import Any

import numpy as np

from standoff.concepts import INVERSE, label, parse_concepts
from standoff.errors import ParameterError
from standoff.graph.conflict import Conflict
from standoff.provenance import Provenance, of_model
from standoff.stability import kernel, rank_kernel
from standoff.stability.coalition import legal_reach
from standoff.words import html_lines, html_table

MAX_SMART_STATES = 16
"""Down-set sums handle models up to this many states (2^(m−1) subsets)."""
MAX_ENUMERATION = 200_000
MAX_CONSTRAINED_STATES = 16
"""Enumeration is refused above this many ranking profiles."""
MAX_CLAUSES = 16

Constraint = tuple[int, int]  # (a, b): a is preferred to b (0-based states)


@dataclass(frozen=True, eq=False)
class InverseResult:
    """How many rankings of the varied decision makers make ``state`` an equilibrium.

    Attributes:
        state: the desired state (id); ``vary``: the varied decision makers' ids.
        given: the partial constraints ``(dm, a, b)``: dm prefers state a to state b.
        rankings: the number of ranking profiles considered (all that meet ``given``).
        counts: ``{concept: profiles under which state is an equilibrium}``.
        methods: how each count was obtained (``down-set sum``, ``inclusion–exclusion``,
            ``enumeration``).
        conditions: ``{concept: [sentences]}``: the conditions in words.
        examples: ``{concept: [{dm: ranking best first}]}``: representative profiles,
            those closest to the model's own rankings first.
        refused: ``{concept: why}``: concepts asked for but not counted, because counting
            them would list too many profiles one by one (the others are still counted).
    """

    conflict: Conflict
    state: int
    vary: tuple[str, ...]
    given: tuple[tuple[str, int, int], ...]
    rankings: int
    counts: dict[str, int]
    methods: dict[str, str]
    conditions: dict[str, list[str]]
    examples: dict[str, list[dict[str, list[int]]]]
    provenance: Provenance | None = None
    refused: dict[str, str] = field(default_factory=dict)

    def sentences(self) -> list[str]:
        c = self.conflict
        who = ", ".join(c.spec.dms[c.dm_index(d)].name for d in self.vary)
        out = [f"Varying the ranking of {who} over {self.rankings:,} strict ranking"
               f"{'s' if self.rankings != 1 else ''}"
               + (" (meeting the given constraints)" if self.given else "") + ":"]
        for k, n in self.counts.items():
            share = n / self.rankings if self.rankings else 0.0
            out.append(f"{c.show(self.state - 1)} is an equilibrium under "
                       f"{label(k)} for {n:,} of them ({share:.1%}).")
        for k, why in self.refused.items():
            out.append(f"{label(k)}: {why}.")
        return out

    def __str__(self) -> str:
        return "\n".join(self.sentences())

    def __repr__(self) -> str:
        counts = ", ".join(f"{label(k)} {n:,}" for k, n in self.counts.items())
        return (f"<InverseResult: state {self.state}, varying {', '.join(self.vary)}: "
                f"equilibrium under {counts} of {self.rankings:,} rankings>")

    def _rows(self) -> list[list[object]]:
        rows: list[list[object]] = []
        for k, n in self.counts.items():
            share = n / self.rankings if self.rankings else 0.0
            rows.append([label(k), n, self.rankings, round(100 * share, 1), self.methods.get(k)])
        rows += [[label(k), None, self.rankings, None, f"not counted: {why}"]
                 for k, why in self.refused.items()]
        return rows

    _COLUMNS = ("concept", "rankings where it is an equilibrium", "rankings", "share (%)",
                "method")

    def to_frame(self) -> Any:
        """A pandas DataFrame: one row per concept: how many of the rankings considered
        make the state an equilibrium, of how many, the share in percent (one decimal) and
        how the count was obtained (or why it was not counted)."""
        import pandas as pd

        return pd.DataFrame(self._rows(), columns=list(self._COLUMNS))

    def _repr_html_(self) -> str:
        sentences = self.sentences()
        return (html_lines(f"Inverse analysis of state {self.state}: {self.conflict.title}",
                           sentences[:1])
                + html_table(list(self._COLUMNS),
                             [[r[0], f"{r[1]:,}" if r[1] is not None else "",
                               f"{r[2]:,}", "" if r[3] is None else f"{r[3]:.1f}", r[4]]
                              for r in self._rows()]))

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": "standoff-inverse/1",
            "title": self.conflict.title,
            "provenance": None if self.provenance is None else self.provenance.to_dict(),
            "state": self.state,
            "vary": list(self.vary),
            "given": [{"dm": d, "prefers": a, "to": b} for d, a, b in self.given],
            "rankings": self.rankings,
            "counts": self.counts,
            "methods": self.methods,
            "conditions": self.conditions,
            "examples": self.examples,
            "refused": self.refused,
            "text": self.sentences(),
        }


# -- counting orders -------------------------------------------------------------------------


class _Orders:
    """Orders of the states other than ``star`` split by the down-set below ``star``.

    Bit ``k`` of a mask stands for ``others[k]``.
    """

    def __init__(self, m: int, star: int) -> None:
        self.m = m
        self.star = star
        self.others = [s for s in range(m) if s != star]
        self.bit = {s: 1 << k for k, s in enumerate(self.others)}
        self.size = 1 << len(self.others)
        self.masks = np.arange(self.size, dtype=np.int64)
        self._extensions: dict[frozenset[Constraint], np.ndarray] = {}

    def mask(self, states: Iterable[int]) -> int:
        return sum(self.bit.get(int(s), 0) for s in set(int(x) for x in states))

    def extensions(self, constraints: frozenset[Constraint]) -> np.ndarray:
        """``e[X]``: orders of the subset X (mask) compatible with the constraints that lie
        inside X (``a ≻ b`` with both in X)."""
        if constraints in self._extensions:
            return self._extensions[constraints]
        n = len(self.others)
        inner = [(a, b) for a, b in constraints if a != self.star and b != self.star]
        if not inner:
            pop = np.array([bin(x).count("1") for x in range(self.size)], dtype=np.int64)
            e = np.array([factorial(int(p)) for p in pop], dtype=object)
        else:
            above = [0] * n
            for a, b in inner:
                above[self.others.index(b)] |= self.bit[a]
            e = np.zeros(self.size, dtype=object)
            e[0] = 1
            for x in range(1, self.size):
                total = 0
                rest = x
                while rest:
                    low = rest & -rest
                    k = low.bit_length() - 1
                    if above[k] & x == 0:  # others[k] may be the best of X
                        total += e[x ^ low]
                    rest ^= low
                e[x] = total
        self._extensions[constraints] = e
        return e

    def compatible(self, constraints: frozenset[Constraint]) -> np.ndarray:
        """Down-sets D for which no constraint crosses the wrong way (U above star above D)."""
        ok = np.ones(self.size, dtype=bool)
        d = self.masks
        for a, b in constraints:
            if a == self.star:
                ok &= (d & self.bit[b]) != 0
            elif b == self.star:
                ok &= (d & self.bit[a]) == 0
            else:
                ok &= ~(((d & self.bit[a]) != 0) & ((d & self.bit[b]) == 0))
        return ok

    def weighted_count(self, predicate: np.ndarray, constraints: frozenset[Constraint]) -> int:
        """Σ over down-sets D with ``predicate[D]`` of the orders with that down-set."""
        e = self.extensions(constraints)
        full = self.size - 1
        keep = predicate & self.compatible(constraints)
        idx = np.flatnonzero(keep)
        return int(sum(e[i] * e[full ^ i] for i in idx))


# -- the conditions --------------------------------------------------------------------------


@dataclass
class _Setup:
    conflict: Conflict
    star: int
    varied: tuple[int, ...]
    constraints: dict[int, frozenset[Constraint]]
    orders: _Orders | None
    used_clauses: bool = False

    @property
    def n(self) -> int:
        return len(self.conflict.dm_ids)

    def moves(self, d: int, s: int) -> list[int]:
        return [int(t) for t in self.conflict.moves[d].of(s)]


def _downset_predicate(setup: _Setup, d: int, concept: str) -> np.ndarray | None:
    """``pred[D]`` for every down-set D, or None if the concept's test for ``d`` does not
    depend on ``d``'s ranking through its down-set alone."""
    c = setup.conflict
    orders = setup.orders
    assert orders is not None
    star = setup.star
    opponents = [j for j in range(setup.n) if j != d]
    if concept == "seq" and any(j in setup.varied for j in opponents):
        return None
    dsets = orders.masks
    pred = np.ones(orders.size, dtype=bool)
    for s1 in setup.moves(d, star):
        below = (dsets & orders.bit[s1]) != 0  # s1 not better than star: no improvement
        if concept == "nash":
            pred &= below
            continue
        if concept in ("gmr", "seq"):
            reach = legal_reach(c, opponents, s1, improving=concept == "seq")
            if star in set(reach.tolist()):
                continue  # the opponents can bring it back to star itself
            pred &= below | ((dsets & orders.mask(reach)) != 0)
            continue
        # smr: some s2 in R_H(s1) not better than star from which no move of d is better
        reach = legal_reach(c, opponents, s1)
        ok = below.copy()
        for s2 in reach.tolist():
            escape = orders.mask(t for t in setup.moves(d, s2) if t != star)
            good = (dsets & escape) == escape
            if s2 != star:
                good &= (dsets & orders.bit[s2]) != 0
            ok |= good
        pred &= ok
    return pred


def _fixed_clauses(
    setup: _Setup, k: int, concept: str, stable_now: bool
) -> list[list[tuple[int, int, int]]] | None | bool:
    """The condition that ``star`` is stable for the fixed decision maker ``k``:
    True/False when it does not depend on the varied rankings, a list of clauses
    (each a list of atoms ``(v, t, s1)``: v prefers t to s1) when it is a conjunction of
    unions of order constraints, or None when neither applies."""
    opponents = [j for j in range(setup.n) if j != k]
    if concept != "seq" or not any(j in setup.varied for j in opponents):
        return stable_now
    if len(opponents) != 1:
        return None
    v = opponents[0]
    rank = setup.conflict.ranks[k]
    star = setup.star
    clauses = []
    for s1 in setup.moves(k, star):
        if rank[s1] <= rank[star]:
            continue
        clause = [(v, t, s1) for t in setup.moves(v, s1) if rank[t] <= rank[star]]
        if not clause:
            return False
        clauses.append(clause)
    return clauses if clauses else True


def _smart_count(setup: _Setup, concept: str, engine_stable: dict[int, bool]) -> int | None:
    """The exact count by down-set sums and inclusion–exclusion, or None if not applicable."""
    if setup.orders is None:
        return None
    predicates = {}
    for d in setup.varied:
        pred = _downset_predicate(setup, d, concept)
        if pred is None:
            return None
        predicates[d] = pred
    clauses: list[list[tuple[int, int, int]]] = []
    for k in range(setup.n):
        if k in setup.varied:
            continue
        cond = _fixed_clauses(setup, k, concept, engine_stable[k])
        if cond is None:
            return None
        if cond is False:
            return 0
        if isinstance(cond, list):
            clauses.extend(cond)
    if len(clauses) > MAX_CLAUSES:
        return None
    setup.used_clauses = bool(clauses)
    total = 0
    for size in range(len(clauses) + 1):
        for chosen in combinations(clauses, size):
            extra: dict[int, set[Constraint]] = {d: set() for d in setup.varied}
            for clause in chosen:
                for v, t, s1 in clause:
                    extra[v].add((s1, t))  # the clause fails: v does not prefer t to s1
            term = prod(
                setup.orders.weighted_count(
                    predicates[d], setup.constraints[d] | frozenset(extra[d]))
                for d in setup.varied
            )
            total += -term if size % 2 else term
    return total


# -- direct evaluation (enumeration and examples) --------------------------------------------


def stable_at(conflict: Conflict, ranks: np.ndarray, d: int, s: int, concept: str) -> bool:
    """Whether ``s`` is ``concept``-stable for ``d`` under the given rank matrix: the
    concept's kernel over plain data (:func:`standoff.stability.rank_kernel`) at ``s``."""
    return bool(rank_kernel(concept)(conflict.moves, ranks, d)[s])


def _equilibria_at(conflict: Conflict, ranks: np.ndarray, s: int, concept: str) -> np.ndarray:
    """For a batch of rank arrays (shape ``(profiles, decision makers, states)``), whether
    ``s`` is a ``concept`` equilibrium under each: one kernel call per decision maker."""
    stable = rank_kernel(concept)
    out = np.ones(ranks.shape[0], dtype=bool)
    for d in range(ranks.shape[1]):
        out &= stable(conflict.moves, ranks, d)[:, s]
    return out


#: Profiles evaluated together by the kernels (one batch of rank arrays per call).
BATCH_PROFILES = 2048


def _profile_batches(
    conflict: Conflict, varied: Sequence[int], rows: Sequence[np.ndarray]
) -> Iterator[np.ndarray]:
    """Every combination of one rank row per varied decision maker (``rows[k]``: the rank
    arrays allowed for ``varied[k]``, one per row), in the order of
    :func:`itertools.product`, as batches of full rank arrays (the other decision makers
    keep the model's ranks)."""
    shape = tuple(r.shape[0] for r in rows)
    total = prod(shape)
    for first in range(0, total, BATCH_PROFILES):
        flat = np.arange(first, min(total, first + BATCH_PROFILES))
        picks = np.unravel_index(flat, shape)
        batch = np.repeat(conflict.ranks[None, :, :], flat.shape[0], axis=0)
        for d, r, pick in zip(varied, rows, picks, strict=True):
            batch[:, d, :] = r[pick]
        yield batch


def _ranks_from(order: Sequence[int]) -> np.ndarray:
    m = len(order)
    r = np.zeros(m, dtype=np.int64)
    for k, s in enumerate(order):
        r[s] = m - k
    return r


def _predecessors(m: int, constraints: frozenset[Constraint]) -> list[int]:
    """Per state, the bit set of the states that must be ranked above it."""
    above = [0] * m
    for a, b in constraints:
        above[b] |= 1 << a
    return above


def _orders_meeting(m: int, constraints: frozenset[Constraint]) -> Iterator[tuple[int, ...]]:
    """Every strict ranking of the m states (best first) in which each constrained pair
    (a, b) has a above b: the linear extensions of the constraints, built state by state
    (a state may come next once every state required above it is placed), so the work is
    proportional to the number of rankings produced, not to m!."""
    above = _predecessors(m, constraints)
    order: list[int] = []

    def extend(placed: int) -> Iterator[tuple[int, ...]]:
        if len(order) == m:
            yield tuple(order)
            return
        for s in range(m):
            if not (placed >> s) & 1 and above[s] & ~placed == 0:
                order.append(s)
                yield from extend(placed | (1 << s))
                order.pop()

    yield from extend(0)


def count_orders(m: int, constraints: frozenset[Constraint]) -> int:
    """Number of strict rankings of m states meeting the constraints, without listing them.

    The c states named in constraints are ordered in ``e`` ways (linear extensions, counted
    by dynamic programming over the subsets placed first); the other m - c states can be
    interleaved freely, which multiplies by m!/c!. Refused when c exceeds
    :data:`MAX_CONSTRAINED_STATES` (2^c subsets).
    """
    involved = sorted({s for pair in constraints for s in pair})
    c = len(involved)
    if c > MAX_CONSTRAINED_STATES:
        raise ParameterError(
            f"the given constraints name {c} states; counting the rankings that meet "
            f"them is limited to {MAX_CONSTRAINED_STATES}", parameter="given",
            hint="give fewer constraints, or constraints on fewer distinct states")
    index = {st: k for k, st in enumerate(involved)}
    local = frozenset((index[a], index[b]) for a, b in constraints)
    above = _predecessors(c, local)
    ways = [0] * (1 << c)
    ways[0] = 1
    for placed in range(1 << c):
        w = ways[placed]
        if not w:
            continue
        for k in range(c):
            if not (placed >> k) & 1 and above[k] & ~placed == 0:
                ways[placed | (1 << k)] += w
    return ways[-1] * (factorial(m) // factorial(c))


def _big(n: int) -> str:
    """An integer for people: exact up to 10^12, then ``about 6.4e+15``."""
    if n < 10**12:
        return f"{n:,}"
    # no str(n): Python refuses to print integers of more than 4,300 digits (m! for a few
    # thousand states); the leading digits come from the bit length instead
    digits = int(n.bit_length() * 0.30102999566398120) - 1  # log10(2), an underestimate
    while n >= 10 ** (digits + 1):
        digits += 1
    while n < 10 ** digits:
        digits -= 1
    lead = n // 10 ** max(digits - 2, 0)
    return f"about {lead / 100:.1f}e+{digits}"


def _topological(states: Sequence[int], constraints: frozenset[Constraint],
                 preference: np.ndarray) -> list[int] | None:
    """An order of ``states`` (best first) meeting the constraints among them, as close
    as possible to ``preference`` (the model's ranks): greedily the best available."""
    left = set(states)
    out = []
    while left:
        free = [s for s in left if not any(a in left and b == s for a, b in constraints)]
        if not free:
            return None
        best = max(free, key=lambda s: (preference[s], -s))
        out.append(best)
        left.remove(best)
    return out


# -- the public function ---------------------------------------------------------------------


def inverse_analysis(
    conflict: Conflict,
    state: int,
    vary: Sequence[str | int],
    concepts: str | Sequence[str] | None = None,
    given: Sequence[tuple[str | int, int, int]] = (),
    examples: int = 3,
    method: str = "auto",
) -> InverseResult:
    """Count the strict rankings of the ``vary`` decision makers making ``state`` an
    equilibrium under each concept (see the module docstring for how).

    ``given``: partial constraints ``(dm, a, b)``: ``dm`` prefers state ``a`` to state
    ``b`` (ids); ``dm`` must be varied. ``method``: ``"auto"`` (exact counting where it
    applies, enumeration otherwise) or ``"enumerate"`` (always list every profile).
    ``concepts`` (keys, or ``"nash,seq"``) defaults to every concept inverse analysis
    supports (:data:`standoff.concepts.INVERSE`: Nash, GMR, SMR and SEQ); any other raises
    :class:`~standoff.concepts.UnknownConceptError`.
    """
    concepts = tuple(c.key for c in parse_concepts(concepts, INVERSE))
    m = conflict.state_count
    if not 1 <= state <= m:
        raise ParameterError(f"state {state} does not exist", parameter="state",
                             hint=f"states are numbered 1 to {m}")
    star = state - 1
    if not vary:
        raise ParameterError("no decision maker to vary", parameter="vary",
                             hint=f"name one or more of: {', '.join(conflict.dm_ids)}")
    varied = []
    for d in vary:
        i = conflict.dm_parameter(d, "vary")
        if i not in varied:
            varied.append(i)
    varied_t = tuple(sorted(varied))
    constraints: dict[int, set[Constraint]] = {d: set() for d in varied_t}
    given_out = []
    for dm, a, b in given:
        i = conflict.dm_parameter(dm, "given", " in a constraint")
        if i not in constraints:
            raise ParameterError(f"'{conflict.dm_ids[i]}' is not varied, so a constraint on "
                                 "its ranking has no effect", parameter="given",
                                 hint="add it to the decision makers varied, or drop the "
                                 "constraint")
        for x in (a, b):
            if not 1 <= x <= m:
                raise ParameterError(f"state {x} does not exist", parameter="given",
                                     hint=f"states are numbered 1 to {m}")
        if a == b:
            raise ParameterError(f"a state cannot be preferred to itself ({a})",
                                 parameter="given", hint="write e.g. 'syria prefers 1 to 3'")
        constraints[i].add((a - 1, b - 1))
        given_out.append((conflict.dm_ids[i], a, b))
    frozen = {d: frozenset(v) for d, v in constraints.items()}
    orders = _Orders(m, star) if m <= MAX_SMART_STATES else None
    setup = _Setup(conflict, star, varied_t, frozen, orders)

    # total number of profiles
    if orders is not None:
        everything = np.ones(orders.size, dtype=bool)
        per_dm_total = {d: orders.weighted_count(everything, frozen[d]) for d in varied_t}
    else:
        per_dm_total = {d: (factorial(m) if not frozen[d] else -1) for d in varied_t}
    if any(v < 0 for v in per_dm_total.values()):
        per_dm_total = {d: count_orders(m, frozen[d]) for d in varied_t}
    total = prod(per_dm_total.values())
    if total == 0:
        raise ParameterError("the constraints contradict each other: no ranking meets them "
                             "all", parameter="given", hint="check the constraints for a cycle")

    counts: dict[str, int] = {}
    methods: dict[str, str] = {}
    pending = []
    for k in concepts:
        engine_stable = {i: bool(kernel(k)(conflict, i)[star]) for i in range(len(
            conflict.dm_ids)) if i not in varied_t}
        value = _smart_count(setup, k, engine_stable) if method == "auto" else None
        if value is None:
            pending.append(k)
        else:
            counts[k] = value
            methods[k] = "inclusion–exclusion" if setup.used_clauses else "down-set sum"
    refused: dict[str, str] = {}
    if pending and total > MAX_ENUMERATION:
        # refuse only the concepts that need enumeration; the others are counted
        why = (f"would list {_big(total)} ranking profiles one by one, more than the limit "
               f"of {MAX_ENUMERATION:,}")
        cheap = [k for k in concepts if k not in pending]
        narrow = ("add --given constraints to narrow the rankings"
                  + (", or vary fewer decision makers" if len(varied_t) > 1 else ""))
        if not cheap:
            raise ParameterError(
                f"counting {', '.join(label(k) for k in pending)} {why}", parameter="vary",
                hint=narrow)
        for k in pending:
            refused[k] = (f"not counted: it {why}; {narrow} (--concepts "
                          f"{','.join(cheap)} counts the others alone)")
        concepts = tuple(cheap)
        pending = []
    if pending:
        for k in pending:
            counts[k] = 0
            methods[k] = "enumeration"
        rows = [np.array([_ranks_from(order) for order in _orders_meeting(m, frozen[d])],
                         dtype=np.int64).reshape(-1, m) for d in varied_t]
        for batch in _profile_batches(conflict, varied_t, rows):
            for k in pending:
                counts[k] += int(_equilibria_at(conflict, batch, star, k).sum())
    counts = {k: counts[k] for k in concepts}
    methods = {k: methods[k] for k in concepts}
    found = {k: _examples(setup, k, examples) if counts[k] else [] for k in concepts}
    return InverseResult(
        conflict=conflict,
        state=state,
        vary=tuple(conflict.dm_ids[d] for d in varied_t),
        given=tuple(given_out),
        rankings=total,
        counts=counts,
        methods=methods,
        conditions={k: _conditions(setup, k) for k in concepts},
        examples=found,
        provenance=of_model(conflict.spec, concepts, state=state,
                            vary=[conflict.dm_ids[d] for d in varied_t],
                            given=[list(g) for g in given_out], examples=examples,
                            method=method),
        refused=refused,
    )


def _examples(setup: _Setup, concept: str, wanted: int) -> list[dict[str, list[int]]]:
    """Up to ``wanted`` profiles making ``star`` an equilibrium: orders built around a
    down-set (closest to the model's own down-set first), then random orders. The
    candidates are tried in that order, in batches of growing size (one kernel call per
    decision maker and batch)."""
    c = setup.conflict
    star = setup.star
    out: list[dict[str, list[int]]] = []
    if wanted <= 0:
        return out
    candidates = _example_candidates(setup)
    size = 16
    while chunk := list(islice(candidates, size)):
        ranks = np.repeat(c.ranks[None, :, :], len(chunk), axis=0)
        for b, profile in enumerate(chunk):
            for d, order in profile.items():
                ranks[b, d] = _ranks_from(order)
        for hit in np.flatnonzero(_equilibria_at(c, ranks, star, concept)):
            found = chunk[int(hit)]
            out.append({c.dm_ids[d]: [s + 1 for s in found[d]] for d in setup.varied})
            if len(out) >= wanted:
                return out
        size = min(4 * size, BATCH_PROFILES)
    return out


def _example_candidates(setup: _Setup) -> Iterator[dict[int, list[int]]]:
    """The profiles :func:`_examples` tries, in order, each once and each meeting the
    constraints: for one varied decision maker, orders around each down-set (closest to the
    model's own first, at most 5000); then 3000 random profiles (fixed seed)."""
    c = setup.conflict
    star, m = setup.star, c.state_count
    seen: set[tuple] = set()

    def fresh(profile: dict[int, list[int]]) -> bool:
        key = tuple(tuple(profile[d]) for d in setup.varied)
        if key in seen:
            return False
        seen.add(key)
        for d, order in profile.items():
            pos = {s: k for k, s in enumerate(order)}
            if not all(pos[a] < pos[b] for a, b in setup.constraints[d]):
                return False
        return True

    others = [s for s in range(m) if s != star]
    if len(setup.varied) == 1 and m <= MAX_SMART_STATES:
        d = setup.varied[0]
        actual = {s for s in others if c.ranks[d, s] < c.ranks[d, star]}
        candidates = []
        for size in range(len(others) + 1):
            for below in combinations(others, size):
                candidates.append((len(actual.symmetric_difference(below)), below))
        candidates.sort()
        for _, below in candidates[:5000]:
            above = [s for s in others if s not in below]
            top = _topological(above, setup.constraints[d], c.ranks[d])
            bottom = _topological(list(below), setup.constraints[d], c.ranks[d])
            if top is None or bottom is None:
                continue
            profile = {d: [*top, star, *bottom]}
            if fresh(profile):
                yield profile
    rng = random.Random(0)
    for _ in range(3000):
        profile = {}
        for d in setup.varied:
            order = list(range(m))
            rng.shuffle(order)
            profile[d] = order
        if fresh(profile):
            yield profile


def _conditions(setup: _Setup, concept: str) -> list[str]:
    """The conditions for ``star`` to be an equilibrium, in words."""
    c = setup.conflict
    star = setup.star
    out = []
    for d in setup.varied:
        name = c.spec.dms[d].name
        opponents = [j for j in range(setup.n) if j != d]
        for s1 in setup.moves(d, star):
            if concept == "nash":
                out.append(f"{name} ranks {star + 1} above {s1 + 1}.")
                continue
            if concept == "smr":
                out.append(f"{name} ranks {star + 1} above {s1 + 1}, or the others can move "
                           f"from {s1 + 1} to a state {name} ranks no higher than {star + 1} "
                           f"and from which no move of {name} leads above {star + 1}.")
                continue
            if concept == "seq" and any(j in setup.varied for j in opponents):
                out.append(f"{name} ranks {star + 1} above {s1 + 1}, or the others' own "
                           f"improvements from {s1 + 1} lead to a state {name} ranks no "
                           f"higher than {star + 1}.")
                continue
            reach = set(legal_reach(c, opponents, s1, improving=concept == "seq").tolist())
            if star in reach:
                out.append(f"A move by {name} to {s1 + 1} can always be reversed to "
                           f"{star + 1} by the others: no condition.")
                continue
            alternatives = ", ".join(str(s + 1) for s in sorted(reach))
            out.append(f"{name} ranks {star + 1} above {s1 + 1}"
                       + (f", or above one of {alternatives} (the others' "
                          f"{'improvements' if concept == 'seq' else 'moves'} from "
                          f"{s1 + 1})" if reach else "") + ".")
    for k in range(setup.n):
        if k in setup.varied:
            continue
        name = c.spec.dms[k].name
        opponents = [j for j in range(setup.n) if j != k]
        if concept == "seq" and any(j in setup.varied for j in opponents):
            rank = c.ranks[k]
            improvements = [s1 for s1 in setup.moves(k, star) if rank[s1] > rank[star]]
            if not improvements:
                out.append(f"{name} (not varied) has no improvement from {star + 1}.")
            for s1 in improvements:
                answers = [t + 1 for j in opponents for t in setup.moves(j, s1)
                           if rank[t] <= rank[star]]
                out.append(f"{name}'s improvement {star + 1}→{s1 + 1} must be answered by a "
                           f"move the others prefer, to one of {answers or 'no state'} "
                           "(no better for it than the desired state).")
        else:
            ok = bool(kernel(concept)(c, k)[star])
            out.append(f"{name} (not varied) {'already finds' if ok else 'does not find'} "
                       f"{star + 1} stable.")
    return out


def parse_given(text: str) -> tuple[str, int, int]:
    """``"syria prefers 1 to 3"`` (or ``"syria: 1 > 3"``) → ``("syria", 1, 3)``."""
    words = text.replace(":", " ").replace(">", " prefers_gt ").split()
    try:
        if "prefers" in words:
            k = words.index("prefers")
            dm, a, b = " ".join(words[:k]), int(words[k + 1]), int(words[k + 3])
            if words[k + 2] != "to":
                raise ValueError
        else:
            k = words.index("prefers_gt")
            dm, a, b = " ".join(words[: k - 1]), int(words[k - 1]), int(words[k + 1])
    except (ValueError, IndexError):
        raise ParameterError(f"cannot read the constraint '{text}'", parameter="given",
                             hint="write 'DM prefers A to B' with state numbers, e.g. "
                         "'syria prefers 1 to 3'") from None
    return dm, a, b


__all__ = [
    "InverseResult",
    "inverse_analysis",
    "parse_given",
    "stable_at",
]
