"""The state space of an option-form model.

A *state* is a feasible assignment of all options (Fang, Hipel & Kilgour 1993, ch. 3),
stored as a bit pattern: option ``k`` (in file order: decision makers in order, each one's
options in order) is bit ``k``. Feasible patterns that satisfy a ``collapse`` statement
merge into one *collapsed* state, in which every option the statement does not mention is
irrelevant (shown as ``–``, evaluated as not taken).

Numbering (stable, documented in docs/model-format.md): ordinary states first, in
increasing value of their bit pattern (option 1 is the least significant bit), then one
collapsed state per ``collapse`` entry, in file order. State ids start at 1.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from standoff.costs import DEFAULT_MAX_STATES, format_bytes, memory_budget
from standoff.errors import CapacityError
from standoff.graph.moves import LATTICE_IMPROVEMENT_BITS, lattice_bytes
from standoff.model.loader import GroupConstraint, ModelSpec, StatementSpec

U64 = np.uint64


def _bit(k: int) -> np.uint64:
    return U64(1) << U64(k)


def group_ok(patterns: np.ndarray, kind: str, mask: int) -> np.ndarray:
    """Whether each pattern satisfies an exactly/at-most/at-least-one group over ``mask``."""
    x = patterns & U64(mask)
    at_most = (x & (x - U64(1))) == 0
    if kind == "at_most_one":
        return at_most
    nonzero = x != 0
    if kind == "at_least_one":
        return nonzero
    return nonzero & at_most


@dataclass(frozen=True)
class StateSpace:
    """Feasible states as canonical bit patterns, plus what is needed to map patterns back.

    Attributes:
        patterns: canonical pattern of each state (index ``s`` is state id ``s + 1``).
        irrelevant: per state, the bit mask of options irrelevant there (0 if ordinary).
        n_ordinary: number of ordinary (not collapsed) states; they come first, sorted.
        collapse_of: for each collapsed state (in order), the index of its collapse entry.
        product: when every constraint concerns one decision maker's options only and no
            state is collapsed, the state space is the product of each decision maker's
            feasible choices; then ``product`` holds, per decision maker, the table mapping
            its local option pattern to its digit (-1 if infeasible), and states are
            numbered in mixed radix, the first decision maker's digit varying fastest.
        lookup: a table from every bit pattern to its state (-1 if infeasible), kept when
            it is small enough; None otherwise.
    """

    patterns: np.ndarray
    irrelevant: np.ndarray
    n_ordinary: int
    collapse_of: tuple[int, ...]
    spec: ModelSpec
    product: tuple[np.ndarray, ...] | None = None
    lookup: np.ndarray | None = None

    @property
    def radices(self) -> tuple[int, ...]:
        """Number of feasible choices of each decision maker (product spaces only)."""
        assert self.product is not None
        return tuple(int((t >= 0).sum()) for t in self.product)

    @property
    def strides(self) -> tuple[int, ...]:
        """Place value of each decision maker's digit (product spaces only)."""
        out, place = [], 1
        for r in self.radices:
            out.append(place)
            place *= r
        return tuple(out)

    @property
    def size(self) -> int:
        return int(self.patterns.shape[0])

    def feasible(self, patterns: np.ndarray) -> np.ndarray:
        """Whether each (full) pattern satisfies every feasibility constraint."""
        ok = np.ones(patterns.shape, dtype=bool)
        for g in self.spec.groups:
            ok &= group_ok(patterns, g.kind, _mask(g.options))
        for stmt in self.spec.infeasible:
            assert stmt.expr is not None
            ok &= ~stmt.expr.evaluate_bits(patterns)
        return ok

    def violated(self, pattern: int) -> list[tuple[str, GroupConstraint | StatementSpec]]:
        """The feasibility constraints one full ``pattern`` breaks, in file order: each as
        ``(kind, constraint)`` with kind ``exactly_one``, ``at_most_one``, ``at_least_one``
        (a :class:`~standoff.model.loader.GroupConstraint`) or ``infeasible`` (the
        :class:`~standoff.model.loader.StatementSpec` that holds for the pattern)."""
        one = np.array([pattern], dtype=U64)
        out: list[tuple[str, GroupConstraint | StatementSpec]] = []
        for g in self.spec.groups:
            if not bool(group_ok(one, g.kind, _mask(g.options))[0]):
                out.append((g.kind, g))
        for stmt in self.spec.infeasible:
            assert stmt.expr is not None
            if bool(stmt.expr.evaluate_bits(one)[0]):
                out.append(("infeasible", stmt))
        return out

    def state_of(self, patterns: np.ndarray) -> np.ndarray:
        """The state index (0-based) of each pattern, or -1 where it is infeasible."""
        patterns = np.asarray(patterns, dtype=U64)
        if self.lookup is not None:
            return self.lookup[patterns.astype(np.int64)].astype(np.int64)
        if self.product is not None:
            return self._product_state_of(patterns)
        out = np.full(patterns.shape, -1, dtype=np.int64)
        ok = self.feasible(patterns)
        undecided = ok.copy()
        for c, k in enumerate(self.collapse_of):
            hit = undecided & self.spec.collapses[k].expr.evaluate_bits(patterns)
            out[hit] = self.n_ordinary + c
            undecided &= ~hit
        # a collapse entry without feasible patterns has no state; its patterns stay ordinary
        ordinary = self.patterns[: self.n_ordinary]
        pos = np.searchsorted(ordinary, patterns[undecided])
        pos = np.minimum(pos, max(self.n_ordinary - 1, 0))
        found = ordinary[pos] == patterns[undecided] if self.n_ordinary else np.zeros(0, bool)
        idx = np.where(found, pos, -1)
        out[undecided] = idx
        return out


    def _product_state_of(self, patterns: np.ndarray) -> np.ndarray:
        assert self.product is not None
        out = np.zeros(patterns.shape, dtype=np.int64)
        bad = np.zeros(patterns.shape, dtype=bool)
        for d, (table, place) in enumerate(zip(self.product, self.strides, strict=True)):
            offset = self.spec.dms[d].options[0]
            width = len(self.spec.dms[d].options)
            local = (patterns >> U64(offset)) & U64((1 << width) - 1)
            digit = table[local.astype(np.int64)]
            bad |= digit < 0
            out += digit.astype(np.int64) * place
        out[bad] = -1
        return out


def _mask(options: tuple[int, ...] | list[int]) -> int:
    m = 0
    for k in options:
        m |= 1 << k
    return m


def _components(spec: ModelSpec) -> tuple[list[list[int]], list[int]]:
    """Options linked by group constraints (merged when groups overlap), and free options."""
    parent = list(range(len(spec.options)))

    def find(a: int) -> int:
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    grouped: set[int] = set()
    for g in spec.groups:
        grouped.update(g.options)
        for o in g.options[1:]:
            parent[find(o)] = find(g.options[0])
    comps: dict[int, list[int]] = {}
    for o in sorted(grouped):
        comps.setdefault(find(o), []).append(o)
    free = [o for o in range(len(spec.options)) if o not in grouped]
    return list(comps.values()), free


def _component_patterns(spec: ModelSpec, comp: list[int]) -> np.ndarray:
    """All assignments of a component's options that satisfy its group constraints."""
    if len(comp) > 24:
        raise CapacityError(
            f"{len(comp)} options are tied together by overlapping feasibility groups",
            file=spec.file,
            hint="split the groups; at most 24 options may be linked by exactly_one/"
            "at_most_one/at_least_one groups",
        )
    local = np.arange(1 << len(comp), dtype=U64)
    full = np.zeros(local.shape, dtype=U64)
    for j, o in enumerate(comp):
        full |= ((local >> U64(j)) & U64(1)) << U64(o)
    ok = np.ones(full.shape, dtype=bool)
    members = set(comp)
    for g in spec.groups:
        if members.issuperset(g.options):
            ok &= group_ok(full, g.kind, _mask(g.options))
    return full[ok]


def estimate_states(spec: ModelSpec) -> int:
    """Upper bound on the number of feasible states, computed without enumerating them.

    Exact for models whose only constraints are exactly/at-most/at-least-one groups; an
    upper bound when ``infeasible`` statements remove more.
    """
    comps, free = _components(spec)
    count = 1 << len(free)
    for comp in comps:
        if len(comp) <= 24:
            count *= int(_component_patterns(spec, comp).shape[0])
        else:
            count *= 1 << len(comp)
    return count


def estimate_memory(spec: ModelSpec, states: int, implicit: set[int] | None = None,
                    lattice: dict[int, tuple[int, int]] | None = None) -> int:
    """Bytes needed for ``states`` states: patterns, ranks, working arrays and every
    decision maker's moves in the representation the compiler builds. Decision makers in
    ``implicit`` store no moves (cosets of a product space); those in ``lattice`` (decision
    maker → (grid cells, irreversible options)) are held as
    :class:`~standoff.graph.moves.LatticeMoves` (:func:`~standoff.graph.moves.lattice_bytes`;
    with more irreversible options than its implicit improvements take, the improvements
    are an explicit graph and counted as below); every other decision maker stores explicit
    move lists, bounded above: with k options it reaches at most 2^k − 1 states (targets,
    plus improvements, 4 bytes each)."""
    per_state = 16 + 8 * len(spec.dms) + 96
    total = 0
    for d, dm in enumerate(spec.dms):
        if implicit and d in implicit:
            continue
        explicit = 4 * ((1 << len(dm.options)) - 1) * 2
        if lattice and d in lattice:
            cells, irreversible = lattice[d]
            total += lattice_bytes(states, cells, irreversible)
            if irreversible <= LATTICE_IMPROVEMENT_BITS:
                continue
        per_state += explicit
    return states * per_state + total


def possible_lattice_dms(spec: ModelSpec, states: int,
                         implicit: set[int]) -> dict[int, tuple[int, int]]:
    """Before the states are enumerated: the decision makers whose moves may be held as
    :class:`~standoff.graph.moves.LatticeMoves` (nothing collapses, at most 30 options, not
    moving by groups), with the smallest grid they can have (one cell per state). An
    optimistic reading, so that the check before enumeration refuses only what cannot
    fit whatever the representation; :func:`standoff.graph.compile_model` checks again,
    with the representation it will build, before building any move."""
    if spec.collapses:
        return {}
    grouped = spec.extra.get("move_groups", {})
    plan = {}
    for d, dm in enumerate(spec.dms):
        if d in implicit or d in grouped or len(dm.options) > 30:
            continue
        irreversible = sum(1 for k in dm.options if spec.options[k].moves != "both")
        plan[d] = (states, irreversible)
    return plan


def implicit_dms(spec: ModelSpec, product: bool) -> set[int]:
    """Decision makers whose moves need no storage: in a product space, those whose every
    option can be taken and dropped (their moves are implicit cosets)."""
    if not product:
        return set()
    return {d for d, dm in enumerate(spec.dms)
            if all(spec.options[k].moves == "both" for k in dm.options)}


MAX_LOOKUP_BITS = 24


def _single_dm(spec: ModelSpec, options: set[int]) -> int | None:
    owners = {spec.options[k].dm for k in options}
    return owners.pop() if len(owners) == 1 else None


def product_tables(spec: ModelSpec) -> list[np.ndarray] | None:
    """Per decision maker, local pattern → digit (-1 if infeasible), if the state space is a
    product of the decision makers' own feasible choices; None otherwise."""
    if spec.collapses:
        return None
    local_groups: dict[int, list] = {}
    local_statements: dict[int, list] = {}
    for g in spec.groups:
        d = _single_dm(spec, set(g.options))
        if d is None:
            return None
        local_groups.setdefault(d, []).append(g)
    for stmt in spec.infeasible:
        assert stmt.expr is not None
        mentioned = stmt.expr.options()
        d = _single_dm(spec, mentioned) if mentioned else None
        if d is None:
            return None
        local_statements.setdefault(d, []).append(stmt)
    tables = []
    for d, dm in enumerate(spec.dms):
        offset, width = dm.options[0], len(dm.options)
        if width > MAX_LOOKUP_BITS or list(dm.options) != list(range(offset, offset + width)):
            return None
        local = np.arange(1 << width, dtype=U64)
        full = local << U64(offset)
        ok = np.ones(local.shape, dtype=bool)
        for g in local_groups.get(d, []):
            ok &= group_ok(full, g.kind, _mask(g.options))
        for stmt in local_statements.get(d, []):
            ok &= ~stmt.expr.evaluate_bits(full)
        table = np.full(local.shape, -1, dtype=np.int64)
        table[ok] = np.arange(int(ok.sum()))
        tables.append(table)
    return tables


def enumerate_states(spec: ModelSpec, max_states: int = DEFAULT_MAX_STATES) -> StateSpace:
    """Enumerate the feasible states of ``spec`` (refusing early if there would be too many)."""
    if len(spec.options) > 63:
        raise CapacityError(
            f"the model has {len(spec.options)} options; at most 63 are supported",
            file=spec.file,
            hint="merge options or split the conflict into smaller models",
        )
    tables = product_tables(spec)
    if tables is not None:
        estimate = 1
        for t in tables:
            estimate *= int((t >= 0).sum())
    else:
        estimate = estimate_states(spec)
    implicit = implicit_dms(spec, tables is not None)
    needed = estimate_memory(spec, estimate, implicit,
                             possible_lattice_dms(spec, estimate, implicit))
    if estimate > max_states:
        raise CapacityError(
            f"the state space would have up to {estimate:,} states (estimated memory "
            f"{format_bytes(needed)}), over the limit of {max_states:,} states",
            file=spec.file,
            hint="remove options or add feasibility constraints, or raise the limit with "
            "--max-states (max_states= in the library) if the machine has the memory",
        )
    budget = memory_budget()
    if needed > budget:  # checked whatever the state limit: nothing is allocated yet
        raise CapacityError(
            f"the state space would have up to {estimate:,} states, needing about "
            f"{format_bytes(needed)}, more than the {format_bytes(budget)} this machine can "
            "give (80% of its memory)",
            file=spec.file,
            hint="remove options or add feasibility constraints; a larger --max-states "
            "cannot help on this machine",
        )
    if tables is not None:
        return _product_space(spec, tables)
    comps, free = _components(spec)
    patterns = np.zeros(1, dtype=U64)
    for comp in comps:
        cp = _component_patterns(spec, comp)
        patterns = (patterns[:, None] | cp[None, :]).ravel()
    for o in free:
        patterns = np.concatenate([patterns, patterns | _bit(o)])
    ok = np.ones(patterns.shape, dtype=bool)
    for stmt in spec.infeasible:
        assert stmt.expr is not None
        ok &= ~stmt.expr.evaluate_bits(patterns)
    patterns = patterns[ok]
    undecided = np.ones(patterns.shape, dtype=bool)
    collapsed_patterns = []
    irrelevant = []
    collapse_of = []
    all_bits = (1 << len(spec.options)) - 1
    for k, c in enumerate(spec.collapses):
        hit = undecided & c.expr.evaluate_bits(patterns)
        if hit.any():
            relevant = _mask([o for o, _ in c.literals])
            collapsed_patterns.append(_mask([o for o, v in c.literals if v]))
            irrelevant.append(all_bits & ~relevant)
            collapse_of.append(k)
        undecided &= ~hit
    ordinary = np.sort(patterns[undecided])
    n_ord = int(ordinary.shape[0])
    all_patterns = np.concatenate([ordinary, np.array(collapsed_patterns, dtype=U64)])
    irr = np.concatenate([np.zeros(n_ord, dtype=U64), np.array(irrelevant, dtype=U64)])
    lookup = None
    n_bits = len(spec.options)
    if n_bits <= MAX_LOOKUP_BITS and (1 << n_bits) <= max(1 << 20, 16 * patterns.shape[0]):
        dtype = np.int32 if all_patterns.shape[0] < 2**31 else np.int64
        lookup = np.full(1 << n_bits, -1, dtype=dtype)
        lookup[ordinary.astype(np.int64)] = np.arange(n_ord, dtype=dtype)
        decided = ~undecided
        if decided.any():
            # every feasible pattern merged into a collapsed state points to it
            hits = patterns[decided]
            which = np.full(hits.shape, -1, dtype=np.int64)
            pending = np.ones(hits.shape, dtype=bool)
            for position, k in enumerate(collapse_of):
                hit = pending & spec.collapses[k].expr.evaluate_bits(hits)
                which[hit] = n_ord + position
                pending &= ~hit
            lookup[hits.astype(np.int64)] = which
    return StateSpace(all_patterns, irr, n_ord, tuple(collapse_of), spec, lookup=lookup)


def _product_space(spec: ModelSpec, tables: list[np.ndarray]) -> StateSpace:
    """States of a product space, built already sorted (mixed radix, first DM fastest)."""
    patterns = np.zeros(1, dtype=U64)
    for d in reversed(range(len(spec.dms))):
        offset = spec.dms[d].options[0]
        local = np.flatnonzero(tables[d] >= 0).astype(U64) << U64(offset)
        patterns = (patterns[:, None] | local[None, :]).ravel()
    m = int(patterns.shape[0])
    irrelevant = np.zeros(m, dtype=U64)
    return StateSpace(patterns, irrelevant, m, (), spec, product=tuple(tables))
