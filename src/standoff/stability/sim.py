"""Simultaneous stability (SIM), option form.

Definition (Fraser & Hipel 1984; Fang, Hipel & Kilgour 1993, ch. 4; BRIEF §2): *s* is SIM
for *i* iff every unilateral improvement ``s1`` of *i* from *s* is sanctioned by some
simultaneous reaction of the opponents: each opponent *j* either stays or takes one of its
own unilateral improvements ``t_j ∈ R_j⁺(s)`` *from s*, at least one of them moves, and the
option vector that combines *i*'s options from ``s1``, each moving *j*'s options from
``t_j`` and everyone else's from ``s`` is a feasible state not better for *i* than *s*.
Options are combined from the states' canonical patterns (irrelevant options as "not
taken"); the combination is then mapped to its state like any option vector (collapse
included).

"SEQ and SIM" (the column GMCR II reports) is read as the intersection: stable under both.

Cost (issue 17). The definition quantifies over joint reactions, so an improvement of *i*
from *s* that no reaction sanctions can only be called unsanctioned after every one of the
``Π_j (|R_j⁺(s)| + 1) − 1`` joint reactions has been tried: the work is a number of
(improvement, reaction) *combinations*, where SEQ's is a few reductions over the moves.
Measured on the 45,056-state, 4-decision-maker constrained benchmark row
(``python benchmarks/scale.py --cpu --only 4``; 1,619,968 moves, 838,464 of them
improvements): the staged kernel below tests 2.95, 7.10, 5.82 and 4.70 M combinations for
the four decision makers (20.6 M in all; 11.5 M of them in the single-mover stage, which
meets every improvement), and 5.9 M of those are the joint reactions of the improvements
that end up unsanctioned, which any exact method that tries reactions one by one must test
(7 times SEQ's 0.84 M improvement edges). With the combination table each combination
costs about 4 ns in the kernel proper (a column gather, an add, a table gather, a
minimum) and about 9 ns with the reaction lists built around it (was 50–75 ns combining
bit patterns); SIM then takes about 0.2 s warm, 0.3 s in the benchmark's process (listing
``R_i⁺`` explicitly, which SEQ never does, and building the tables included), against
0.05–0.07 s for SEQ: some 5 times SEQ, not 3. Closing that with numpy would need fewer
combinations, not cheaper ones: per-improvement early exit needs control flow per
element (it would save at most about a quarter, the combinations of improvements sanctioned
early), and skipping reactions needs a structural shortcut. The one found is for two
freely moving decision makers (:func:`_sim_two_cosets`): from (x, y) the opponent's
improvements are a prefix of column x sorted by its rank, one order shared by every y of
the column, so one running minimum per column answers all of them. With opponents *j*
and *k* and states (x, y, z), *j*'s improvements are a prefix of its order at (x, ·, z)
and *k*'s of its order at (x, y, ·): each order depends on the other's choice, no order
is shared by a whole line of states, and the two-dimensional prefix minima would have to
be rebuilt per state, which is the enumeration again.
"""

from __future__ import annotations

from itertools import combinations
from typing import NamedTuple

import numpy as np

from standoff.costs import check_cost
from standoff.errors import CapacityError
from standoff.graph.conflict import Conflict
from standoff.graph.moves import CosetMoves, MoveGraph
from standoff.stability.common import improvement_graphs, opponents, report_step

U64 = np.uint64


def _pairs(
    start_a: np.ndarray, start_b: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """All (a, b) index pairs sharing a state, for two CSR lists over the same states:
    each a repeated once per b of its state, the b's of its state counted up beside it
    (repeats and one running index; no division)."""
    count_a = np.diff(start_a)
    count_b = np.diff(start_b)
    owner = np.repeat(np.arange(count_a.shape[0], dtype=np.int64), count_a)  # state of each a
    reps = count_b[owner]
    total = int(reps.sum())
    a = np.repeat(np.arange(owner.shape[0], dtype=np.int64), reps)
    first = np.zeros(owner.shape[0], dtype=np.int64)  # where each a's run of pairs begins
    np.cumsum(reps[:-1], out=first[1:])
    b = np.arange(total, dtype=np.int64) + np.repeat(start_b[:-1][owner] - first, reps)
    return owner[a], a, b


CHUNK_COMBINATIONS = 4_000_000
MAX_COMBINATIONS = 2_000_000_000
#: The general kernel tests each (improvement, single opponent's improvement) pair at
#: about 10 ns through the combination table, about 50 ns when option patterns are
#: combined and looked up (no table): 10^8 pairs are some 1 to 5 seconds per decision
#: maker, and more is refused rather than run silently (issue 17).
MAX_SINGLE_MOVER_PAIRS = 100_000_000
#: The two-decision-maker kernel (:func:`_sim_two_cosets`) costs about 1 ns per rank table
#: cell with up to 65,534 distinct ranks (two-byte cells; measured 1.0 s for the 1.07·10^9
#: cells of 1,024 × 1,024 choices) and up to about 3 ns with four-byte cells: 2·10^10 cells
#: are some 20 to 60 seconds per decision maker, and more is refused.
MAX_TWO_DM_CELLS = 20_000_000_000
#: The fixed cost of one column step of that kernel (some 30 numpy calls, about 20 µs),
#: counted in cells so that many choices against few still count.
COLUMN_STEP_CELLS = 20_000


def _rows(graph, states: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The CSR rows of ``states`` (sorted state indices), re-based to start at 0."""
    counts = graph.counts()[states]
    start = np.zeros(states.shape[0] + 1, dtype=np.int64)
    np.cumsum(counts, out=start[1:])
    first = graph.start[states] - start[:-1]
    at = np.repeat(first, counts) + np.arange(int(start[-1]), dtype=np.int64)
    return start, graph.targets[at].astype(np.int64)


def _improvement_counts(conflict: Conflict) -> tuple[np.ndarray, ...]:
    """``|R_i⁺(s)|`` for every decision maker and state (cached: the cost checks, the
    chunking and the kernels all read them)."""
    key = "sim_improvement_counts"
    if key not in conflict._cache:
        conflict._cache[key] = tuple(g.counts().astype(np.int64)
                                     for g in improvement_graphs(conflict))
    return conflict._cache[key]


def _combinations_per_state(conflict: Conflict, dm: int) -> np.ndarray:
    """For each state, how many (improvement of ``dm``, joint reaction) pairs SIM tests
    (cached on the conflict: the cost check and the chunking both need it)."""
    key = ("sim_combinations", dm)
    if key not in conflict._cache:
        counts = _improvement_counts(conflict)
        per_state = counts[dm].astype(np.float64)
        for j in opponents(conflict, dm):
            per_state *= counts[j] + 1
        conflict._cache[key] = per_state
    return conflict._cache[key]


def _chunks(cost: np.ndarray, m: int) -> list[tuple[int, int]]:
    """State ranges whose number of (improvement, reaction) combinations stays bounded:
    a range ends where the running total passes a multiple of :data:`CHUNK_COMBINATIONS`,
    so each holds at most that many plus one state's own."""
    if not m:
        return []
    running = np.cumsum(cost)
    steps = np.arange(1, int(running[-1] // CHUNK_COMBINATIONS) + 1) * float(CHUNK_COMBINATIONS)
    cuts = np.searchsorted(running, steps, side="right")
    bounds = sorted({0, m, *cuts.tolist()})
    return [(lo, hi) for lo, hi in zip(bounds[:-1], bounds[1:], strict=True) if hi > lo]


def _two_free_dms(conflict: Conflict) -> bool:
    return len(conflict.dm_ids) == 2 and all(isinstance(g, CosetMoves) for g in conflict.moves)


def _single_mover_pairs(conflict: Conflict, dm: int) -> float:
    """How many (improvement of ``dm``, one opponent's improvement) pairs the general
    kernel's first stage tests (all of its work with one opponent; cached)."""
    key = ("sim_single_mover_pairs", dm)
    if key not in conflict._cache:
        counts = _improvement_counts(conflict)
        theirs = sum(counts[j] for j in opponents(conflict, dm))
        # a product and a sum, not a dot product: the first BLAS call of a process costs
        # some 0.1 s of thread start-up
        conflict._cache[key] = float((counts[dm] * np.asarray(theirs, dtype=np.float64)).sum())
    return conflict._cache[key]


def two_dm_cells(conflict: Conflict, dm: int) -> float:
    """The work of :func:`_sim_two_cosets` for ``dm``, in rank table cells: one pass of a
    few operations over (choices of dm) × (choices of the opponent) cells per choice of
    dm, plus the fixed cost of each of those column steps, counted as
    :data:`COLUMN_STEP_CELLS` cells."""
    radices = conflict.space.radices
    n_i, n_j = radices[dm], radices[1 - dm]
    return float(n_i) * (float(n_i) * n_j + COLUMN_STEP_CELLS)


def check_sim_cost(conflict: Conflict, dm: int) -> None:
    """Refuse (CapacityError, through :func:`standoff.costs.check_cost`) SIM work that would
    not finish: for two freely moving decision makers, more than
    :data:`MAX_TWO_DM_CELLS` cells of the suffix-minimum kernel (:func:`two_dm_cells`);
    otherwise more than :data:`MAX_SINGLE_MOVER_PAIRS` pairs in the general kernel's first
    stage, or more than :data:`MAX_COMBINATIONS` combinations in all. Cheap, so callers can
    ask before any work."""
    hint = ("leave SIM out (e.g. --concepts nash,gmr,smr,seq); SIM grows with the "
            "product of every decision maker's improvements per state")
    what = f"SIM for {conflict.dm_ids[dm]}"
    if _two_free_dms(conflict):
        check_cost(what, work=two_dm_cells(conflict, dm), work_limit=MAX_TWO_DM_CELLS,
                   file=conflict.spec.file, hint=hint,
                   unit="rank table cells (each about 1 to 3 ns)")
        return
    check_cost(what, work=_single_mover_pairs(conflict, dm),
               work_limit=MAX_SINGLE_MOVER_PAIRS, file=conflict.spec.file, hint=hint,
               unit="tests of an improvement against an opponent's improvement "
               "(each about 10 to 50 ns)")
    cost = float(_combinations_per_state(conflict, dm).sum())
    if cost > MAX_COMBINATIONS:
        raise CapacityError(
            f"{what} would test {cost:,.0f} combinations of simultaneous improvements "
            f"(the limit is {MAX_COMBINATIONS:,})",
            file=conflict.spec.file,
            hint=hint,
        )


def _distinct(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``np.unique(values, return_inverse=True)`` for a 1-D array, by one stable sort
    (``np.unique`` imports ``numpy.ma`` on its first call, some 20 ms of a SIM run)."""
    order = np.argsort(values, kind="stable")
    ordered = values[order]
    new = np.ones(ordered.shape[0], dtype=bool)
    np.not_equal(ordered[1:], ordered[:-1], out=new[1:])
    inverse = np.empty(values.shape[0], dtype=np.int64)
    inverse[order] = np.cumsum(new) - 1
    return ordered[new], inverse


def _dense_ranks(values: np.ndarray) -> np.ndarray:
    """``values`` replaced by their order among the distinct values (0, 1, ...), in the
    smallest unsigned type that also holds one larger sentinel (its maximum): comparisons
    between the values are unchanged and every pass over them moves fewer bytes."""
    distinct, dense = _distinct(values.reshape(-1))
    for kind in (np.uint8, np.uint16, np.uint32):
        if distinct.shape[0] < np.iinfo(kind).max:
            return dense.reshape(values.shape).astype(kind)
    return dense.reshape(values.shape).astype(np.uint64)  # pragma: no cover - > 2^32 ranks


def _running_minimum(values: np.ndarray, out: np.ndarray) -> None:
    """``out[q] = min(values[0..q])`` down the rows of a 2-D array (``np.minimum.accumulate``
    along axis 0, which numpy runs element by element): about √rows blocks of about √rows
    rows, a running minimum inside every block at once, then each block's rows lowered to
    the last row of the block before it. Whole-row operations throughout."""
    rows = values.shape[0]
    size = max(1, int(rows**0.5))
    full = rows - rows % size
    inner = values[:full].reshape(-1, size, values.shape[1])
    result = out[:full].reshape(-1, size, values.shape[1])
    result[:, 0] = inner[:, 0]
    for k in range(1, size):
        np.minimum(result[:, k - 1], inner[:, k], out=result[:, k])
    for b in range(1, result.shape[0]):
        np.minimum(result[b], result[b - 1, -1], out=result[b])
    for q in range(full, rows):
        np.minimum(out[q - 1] if q else values[q], values[q], out=out[q])


def _sim_two_cosets(conflict: Conflict, dm: int) -> np.ndarray:
    """SIM for two decision makers who can both move freely in a product space.

    A state is a pair of digits (x, y): x the focal decision maker *i*'s choice, y the
    opponent *j*'s; ``r_i``, ``r_j`` their ranks (higher is better). With one opponent, the
    definition (module docstring; ``standoff.reference.is_sim``; Fang, Hipel & Kilgour
    1993, ch. 4) reads: *i*'s improvement x → x′ from (x, y), ``r_i(x′, y) > r_i(x, y)``, is
    sanctioned iff *j* has an improvement y′ from the same state, ``r_j(x, y′) > r_j(x, y)``
    (*j* must move: staying is no reaction), with ``r_i(x′, y′) ≤ r_i(x, y)``. So (x, y) is
    unstable for *i* iff some x′ has

        min( r_i(x′, y), S(x, x′, y) ) > r_i(x, y),
        S(x, x′, y) = min { r_i(x′, y′) : r_j(x, y′) > r_j(x, y) }   (+∞ if none),

    and x′ = x never qualifies (its left side is at most ``r_i(x, y)``), so the test is
    ``M(x, y) > r_i(x, y)`` with ``M(x, y) = max over all x′`` of that minimum.

    Sort column x by ``r_j`` from best to worst. *j*'s improvements from the y at position
    p are the positions before the first of p's tie group, g(p), so S is an exclusive
    prefix minimum: ``S(x, x′, y_p) = P(x′, g(p) − 1)`` with ``P(x′, q)`` the minimum of
    ``r_i(x′, y)`` over positions 0..q. Without ties g(p) = p and the minimum above is just
    ``P(x′, p)``. Per column x this is one gather of the rank table in that column's order,
    one running minimum, (with ties) one gather of the running minimum at the tie groups'
    starts and a minimum, and a maximum over x′: a few passes over (choices of i) ×
    (choices of j) numbers, on ranks renumbered densely into the smallest unsigned type
    (one byte when *i* has at most 254 distinct ranks). The table is laid out [y, x′] so
    that the running minimum runs over whole rows. Positions after the last one where *i*
    has any improvement (in column x's order) cannot change a verdict and are cut off, and
    columns where *i* has no improvement at all are skipped. The work is (choices of i)²
    × (choices of j) per decision maker, the quantity :func:`check_sim_cost` bounds.
    """
    other = 1 - dm
    radices = conflict.space.radices
    n_i, n_j = radices[dm], radices[other]

    def as_matrix(values: np.ndarray) -> np.ndarray:
        """Per-state values as a matrix [x, y] (decision maker 0's digit varies fastest)."""
        grid = values.reshape(radices[1], radices[0])  # [digit of DM 1, digit of DM 0]
        return grid.T if dm == 0 else grid

    rank_i = _dense_ranks(as_matrix(conflict.ranks[dm]))
    rank_j = as_matrix(conflict.ranks[other])
    table = np.ascontiguousarray(rank_i.T)  # [y, x′] = r_i(x′, y)
    top = np.iinfo(table.dtype).max  # +∞: above every dense rank
    best = table.max(axis=1)  # per y, the best r_i over x′ (Nash: some improvement?)
    improvable = best[None, :] > rank_i  # [x, y]: i has an improvement from (x, y)
    order = np.argsort(-rank_j, axis=1, kind="stable")  # each column, best for j first
    sorted_j = np.take_along_axis(rank_j, order, axis=1)
    tied = sorted_j[:, 1:] == sorted_j[:, :-1]
    position = np.arange(n_j)
    unstable = np.zeros((n_i, n_j), dtype=bool)
    prefix = np.empty((n_j + 1, n_i), dtype=table.dtype)  # row 0: +∞, row q + 1: P(·, q)
    prefix[0] = top
    for x in range(n_i):
        if x % 64 == 0:
            report_step(x // 64, -(-n_i // 64))
        col = order[x]
        live = np.flatnonzero(improvable[x, col])
        if not live.size:
            continue
        length = int(live[-1]) + 1  # positions that can matter: up to the last improvable
        col = col[:length]
        candidate = table[col]  # [p, x′] = r_i(x′, y_p)
        running = prefix[1 : length + 1]
        _running_minimum(candidate, running)
        if tied[x, : length - 1].any():
            starts = np.where(np.concatenate([[False], tied[x, : length - 1]]), 0,
                              position[:length])
            np.maximum.accumulate(starts, out=starts)  # g(p): first position of p's group
            np.minimum(candidate, prefix[starts], out=candidate)  # min(r_i(x′, y_p), S)
            reach = candidate.max(axis=1)
        else:
            reach = running.max(axis=1)
        unstable[x, col] = reach > rank_i[x, col]
    flat = unstable.T if dm == 0 else unstable
    return ~flat.reshape(-1)


def _sanctions_by(conflict: Conflict, dm: int, ui: list[MoveGraph], own: MoveGraph,
                  movers: tuple[int, ...]) -> np.ndarray:
    """(The kernel without a combination table.) For each edge of ``own`` (improvements of
    ``dm``), whether a reaction in which
    exactly the opponents ``movers`` move, each to one of its improvements from the same
    state, sanctions it: the combined option vector is a state that ``dm`` does not prefer
    to the start. Reactions are built opponent by opponent, per chunk of states."""
    space = conflict.space
    rank = conflict.ranks[dm]
    product = space.product is not None
    v = space.patterns
    mine = U64(conflict.own_masks[dm])
    sanctioned = np.zeros(own.edge_count, dtype=bool)
    cost = own.counts().astype(np.float64)
    for j in movers:
        cost *= ui[j].counts()
    active = np.flatnonzero(cost)
    chunks = _chunks(cost[active], active.shape[0])
    for lo, hi in chunks:
        states = active[lo:hi]
        n = states.shape[0]
        react_start = np.arange(n + 1, dtype=np.int64)  # the empty reaction, then extended
        offset = np.zeros(n, dtype=np.int64)
        bits = np.zeros(n, dtype=U64)
        override = U64(0)
        for j in movers:
            g_start, g_targets = _rows(ui[j], states)
            state, a, b = _pairs(react_start, g_start)
            if product:
                offset = offset[a] + (g_targets[b] - states[state])
            else:
                mask = U64(conflict.own_masks[j])
                override |= mask
                bits = bits[a] | (v[g_targets[b]] & mask)
            react_start = np.zeros(n + 1, dtype=np.int64)
            np.cumsum(np.bincount(state, minlength=n), out=react_start[1:])
        own_start, own_targets = _rows(own, states)
        local, e, r = _pairs(own_start, react_start)
        source = states[local]
        if product:
            combined_state = own_targets[e] + offset[r]
        else:
            combined = (v[source] & ~(mine | override)) | (v[own_targets[e]] & mine) | bits[r]
            combined_state = space.state_of(combined)
        ok = combined_state >= 0
        hit = ok & (rank[np.where(ok, combined_state, 0)] <= rank[source])
        edge = own.start[source] + (e - own_start[local])  # e's index among all own edges
        sanctioned[edge[hit]] = True
    return sanctioned


#: The combination table of :func:`_combination_codes` is built when it has at most this
#: many cells, or eight per state (every decision maker's distinct option patterns
#: multiplied; 2^16 for the four-decision-maker benchmark row of issue 17).
MAX_TABLE_CELLS = 1 << 22
#: ... and never more than this: building it maps every cell's option pattern to its
#: state (some 16 bytes per cell while it is built, two or four kept per decision maker).
HARD_TABLE_CELLS = 1 << 24


class _Codes(NamedTuple):
    """Option patterns as codes (:func:`_combination_codes`)."""

    code: np.ndarray  # per state, its code (int64)
    digits: list[np.ndarray]  # per block (decision maker, then options of nobody), per state
    strides: list[int]  # per block, its place value
    states: np.ndarray  # per code, the state of its pattern, -1 where infeasible


def _combination_codes(conflict: Conflict) -> _Codes | None:
    """Option patterns as sums of per-decision-maker digits, or None when too many.

    Each decision maker's part of the canonical patterns (``pattern & own mask``) is
    numbered among the distinct parts that occur in some state; a state's *code* is the
    mixed-radix number of those numbers (plus one block for options of nobody, which no
    move changes). The pattern that SIM combines (module docstring) takes each decision
    maker's part from one state, so its code is ``code(s) + Σ_d (digit_d(t_d) −
    digit_d(s)) · stride_d``: a sum of per-move offsets, no bit operation. ``states`` maps
    every code to the state of its pattern (``space.state_of``: feasibility and collapse
    included), -1 where infeasible. Cached on the conflict."""
    key = "sim_codes"
    if key in conflict._cache:
        return conflict._cache[key]
    space = conflict.space
    v = space.patterns
    m = space.size
    masks = [int(k) for k in conflict.own_masks]
    union = 0
    for k in masks:
        if union & k:  # pragma: no cover - the loader gives each option one owner
            conflict._cache[key] = None
            return None
        union |= k
    rest = ~np.uint64(0)
    for k in masks:
        rest &= ~U64(k)
    blocks = [U64(k) for k in masks]
    if (v & rest).any():
        blocks.append(rest)
    distinct, digits = [], []
    for mask in blocks:
        values, inverse = _distinct(v & mask)
        distinct.append(values)
        digits.append(inverse)
    sizes = [d.shape[0] for d in distinct]
    total = 1
    for size in sizes:
        total *= size
    result: _Codes | None = None
    if total <= min(max(MAX_TABLE_CELLS, 8 * m), HARD_TABLE_CELLS):
        strides, place = [], 1
        for size in sizes:
            strides.append(place)
            place *= size
        code = np.zeros(m, dtype=np.int64)
        for digit, stride in zip(digits, strides, strict=True):
            code += digit * stride
        every = np.arange(total, dtype=np.int64)
        patterns = np.zeros(total, dtype=U64)
        for values, stride, size in zip(distinct, strides, sizes, strict=True):
            patterns |= values[(every // stride) % size]
        states = space.state_of(patterns)
        del patterns
        if m < 2**31:
            states = states.astype(np.int32)
        result = _Codes(code, digits, strides, states)
    conflict._cache[key] = result
    return result


def _reaction_offsets(conflict: Conflict, j: int, ui: list[MoveGraph],
                      codes: _Codes) -> np.ndarray:
    """For every improvement ``s → t`` of ``j`` (CSR order of ``ui[j]``), the code offset
    ``(digit_j(t) − digit_j(s)) · stride_j`` (cached)."""
    key = ("sim_offsets", j)
    if key not in conflict._cache:
        digits, strides = codes.digits, codes.strides
        g = ui[j]
        targets = np.asarray(g.targets, dtype=np.int64)
        digit = digits[j]
        conflict._cache[key] = (digit[targets] - digit[g.sources()]) * strides[j]
    return conflict._cache[key]


def _rank_table(conflict: Conflict, dm: int, codes: _Codes) -> tuple[np.ndarray, np.ndarray]:
    """``dm``'s dense rank of the state of every code, the largest value of the type where
    the code is infeasible (never ≤ a state's rank, so never a sanction), twice over: a
    padded reaction (offset = number of codes) reads the second half, all of it that value."""
    key = ("sim_rank_table", dm)
    if key not in conflict._cache:
        states = codes.states
        dense = _dense_ranks(conflict.ranks[dm])
        top = np.iinfo(dense.dtype).max
        table = np.full(2 * states.shape[0], top, dtype=dense.dtype)
        ok = states >= 0
        table[: states.shape[0]][ok] = dense[states[ok]]
        conflict._cache[key] = (dense, table)
    return conflict._cache[key]


#: Reaction lists of different lengths are padded to a common width: lengths up to
#: :data:`EXACT_WIDTHS` each have their own width, longer ones are grouped by powers of
#: :data:`BUCKET_RATIO` and padded to the longest of their group (little padding, few
#: groups).
EXACT_WIDTHS = 16
BUCKET_RATIO = 1.2


def _offset_rows(graph: MoveGraph, offsets: np.ndarray,
                 states: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The CSR rows of ``states`` (sorted) in ``graph``, re-based to start at 0, holding the
    per-edge ``offsets`` instead of the targets."""
    counts = graph.counts()[states]
    start = np.zeros(states.shape[0] + 1, dtype=np.int64)
    np.cumsum(counts, out=start[1:])
    at = np.repeat(graph.start[states] - start[:-1], counts) + np.arange(int(start[-1]))
    return start, offsets[at]


def _pair_sums(start_a: np.ndarray, values_a: np.ndarray, start_b: np.ndarray,
               values_b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per state, every ``a + b`` for ``a`` in its row of the first CSR list and ``b`` in
    its row of the second (each ``a`` with all the ``b``'s in turn), as a CSR list."""
    count_a = np.diff(start_a)
    count_b = np.diff(start_b)
    reps = np.repeat(count_b, count_a)  # how many b's each a meets
    start = np.zeros(count_a.shape[0] + 1, dtype=np.int64)
    np.cumsum(count_a * count_b, out=start[1:])
    first = np.zeros(reps.shape[0], dtype=np.int64)  # where each a's run begins
    np.cumsum(reps[:-1], out=first[1:])
    b = np.arange(int(start[-1]), dtype=np.int64)
    b += np.repeat(np.repeat(start_b[:-1], count_a) - first, reps)
    return start, np.repeat(values_a, reps) + values_b[b]


def _widths(counts: np.ndarray) -> np.ndarray:
    """The padded width of each (positive) count: itself up to :data:`EXACT_WIDTHS`, above
    that the largest count of its power of :data:`BUCKET_RATIO`."""
    group = np.where(counts <= EXACT_WIDTHS, counts,
                     EXACT_WIDTHS + np.floor(np.log(np.maximum(counts, 1) / EXACT_WIDTHS)
                                             / np.log(BUCKET_RATIO)).astype(np.int64) + 1)
    widest = np.zeros(int(group.max()) + 1, dtype=counts.dtype)
    np.maximum.at(widest, group, counts)
    return widest[group]


def _sanctions_in_table(conflict: Conflict, ui: list[MoveGraph], codes: _Codes, table: np.ndarray,
                        src: np.ndarray, base: np.ndarray, thr: np.ndarray,
                        subsets: list[tuple[int, ...]]) -> np.ndarray:
    """For each improvement of the focal decision maker (``src`` its state, sorted;
    ``base`` the code of its target; ``thr`` the rank of its state), whether a reaction in
    which exactly the opponents of one of ``subsets`` move, each to one of its improvements
    from ``src``, sanctions it: ``table[base + Σ offsets] ≤ thr``.

    Per chunk of states, every state's reactions (the offset sums over each subset's
    choices) are laid out as one column, columns of similar length padded to one height
    with an offset that reads a never-sanctioning cell; each improvement then meets its
    state's column as a whole: one column gather, one add, one table gather and one
    minimum per (improvement, reaction) combination, over [reaction, improvement]
    arrays whose reductions run along whole rows."""
    out = np.zeros(src.shape[0], dtype=bool)
    if not src.shape[0]:
        return out
    pad = table.shape[0] // 2
    kind = np.int32 if table.shape[0] < 2**31 else np.int64
    cut = np.flatnonzero(np.diff(src)) + 1
    first = np.concatenate([[0], cut])
    states_all = src[first]
    live = np.diff(np.concatenate([first, [src.shape[0]]]))
    edge_start = np.concatenate([[0], np.cumsum(live)])
    movers = sorted({j for subset in subsets for j in subset})
    counts = {j: _improvement_counts(conflict)[j][states_all] for j in movers}
    offsets = {j: _reaction_offsets(conflict, j, ui, codes) for j in movers}
    reactions = np.zeros(states_all.shape[0], dtype=np.int64)
    for subset in subsets:
        term = np.ones(states_all.shape[0], dtype=np.int64)
        for j in subset:
            term *= counts[j]
        reactions += term
    cost = reactions.astype(np.float64) * (live + 1)
    base = base.astype(kind)
    for lo, hi in _chunks(cost, states_all.shape[0]):
        states = states_all[lo:hi]
        n = hi - lo
        r = reactions[lo:hi]
        width = np.zeros(n, dtype=np.int64)
        some = r > 0
        if some.any():
            width[some] = _widths(r[some])
        # states by width (a radix sort on two-byte keys)
        order = np.argsort(width.astype(np.uint16) if width[-1:].size and width.max() < 2**16
                           else width, kind="stable")
        position = np.empty(n, dtype=np.int64)
        position[order] = np.arange(n)
        row_start = np.zeros(n + 1, dtype=np.int64)  # of each position's padded row
        np.cumsum(width[order], out=row_start[1:])
        flat = np.full(int(row_start[-1]), pad, dtype=kind)
        shift = row_start[:-1][position]  # where each state's next reactions go
        rows = {j: _offset_rows(ui[j], offsets[j], states) for j in movers}
        for subset in subsets:
            list_start, values = rows[subset[0]]
            for j in subset[1:]:
                list_start, values = _pair_sums(list_start, values, *rows[j])
            size = np.diff(list_start)
            at = np.arange(values.shape[0], dtype=np.int64)
            at += np.repeat(shift - list_start[:-1], size)
            flat[at] = values
            shift += size
        # improvements in the order of their states' positions (each state's run kept)
        e0 = int(edge_start[lo])
        run = live[lo:hi][order]
        run_first = np.zeros(n, dtype=np.int64)
        np.cumsum(run[:-1], out=run_first[1:])
        e_order = np.arange(int(run.sum()), dtype=np.int64)
        e_order += np.repeat(edge_start[lo:hi][order] - e0 - run_first, run)
        key_sorted = np.repeat(np.arange(n, dtype=np.int64), run)
        sorted_width = width[order]
        bounds = np.flatnonzero(np.diff(sorted_width)) + 1
        edge_bounds = np.concatenate([[0], np.cumsum(run)])
        for p0, p1 in zip(np.concatenate([[0], bounds]), np.concatenate([bounds, [n]]),
                          strict=True):
            w = int(sorted_width[p0])
            if not w:
                continue
            # [reaction, state]: reductions over axis 0 run along whole rows
            block = np.ascontiguousarray(flat[row_start[p0] : row_start[p1]].reshape(-1, w).T)
            a, b = int(edge_bounds[p0]), int(edge_bounds[p1])
            sel = e0 + e_order[a:b]
            x = block.take(key_sorted[a:b] - p0, axis=1)  # [reaction, improvement]
            x += base[sel]
            hit = table[x].min(axis=0) <= thr[sel]
            out[sel[hit]] = True
    return out


def sim_stable(conflict: Conflict, dm: int) -> np.ndarray:
    """Boolean array over states: SIM stable for decision maker ``dm``.

    Two freely moving decision makers have their own kernel (:func:`_sim_two_cosets`).
    Otherwise the combined option vector of simultaneous moves takes each mover's part of
    the pattern from its target, so with each decision maker's parts numbered (the codes
    of :func:`_combination_codes`) it is ``code(s1) + Σ_j offset(s → t_j)`` and its verdict
    one lookup in a table of *i*'s ranks by code (:func:`_sim_by_table`); when that table
    would be too large, option patterns are combined and mapped back to states
    (:func:`_sanctions_by`; in a product space by index arithmetic). Either way reactions
    are tried by the number of opponents who move (by the set of them without the table):
    single movers first, then pairs, and so on, each only on the improvements that fewer
    movers left unsanctioned (every reaction is tried before an improvement is called
    unsanctioned). Work is done in chunks of states to bound memory.

    Chicken (``examples/chicken.yaml``; states 1 both swerve, 2 driver 1 drives straight
    on, 3 driver 2 does, 4 both do: the crash), states given by number:

    >>> import standoff
    >>> chicken = standoff.load("examples/chicken.yaml")
    >>> sim_stable(chicken, 0).nonzero()[0] + 1   # 1→2 is sanctioned by 1→3 together: 4
    array([1, 2, 3])
    """
    space = conflict.space
    if _two_free_dms(conflict):
        check_sim_cost(conflict, dm)
        return _sim_two_cosets(conflict, dm)
    m = space.size
    others = opponents(conflict, dm)
    structures = improvement_graphs(conflict)
    check_sim_cost(conflict, dm)
    ui = [g.materialize() for g in structures]
    codes = _combination_codes(conflict)
    if codes is not None:
        return _sim_by_table(conflict, dm, ui, codes)
    # Reactions by the set of opponents who move: single movers first (a sum over the
    # opponents, not a product), then pairs, and so on; each set is tried only on the
    # improvements that the smaller sets left unsanctioned, at their own states.
    full = ui[dm]
    sources, targets = full.sources(), np.asarray(full.targets)
    alive = np.ones(full.edge_count, dtype=bool)
    subsets = [c for k in range(1, len(others) + 1) for c in combinations(others, k)]
    for step, movers in enumerate(subsets):
        report_step(step, len(subsets))
        left = np.flatnonzero(alive)
        if not left.size:
            break
        own = MoveGraph.from_edges(m, sources[left], targets[left])
        alive[left[_sanctions_by(conflict, dm, ui, own, movers)]] = False
    unstable = np.zeros(m, dtype=bool)
    unstable[sources[alive]] = True
    return ~unstable


def _sim_by_table(conflict: Conflict, dm: int, ui: list[MoveGraph], codes: _Codes) -> np.ndarray:
    """:func:`sim_stable` through the combination table (:func:`_combination_codes`):
    reactions by the number of opponents who move, single movers first, each number only
    on the improvements that fewer movers left unsanctioned (one stage per number rather
    than per set of movers: fewer passes over the improvements, which cost more than the
    extra combinations on the benchmark row)."""
    m = conflict.space.size
    others = opponents(conflict, dm)
    full = ui[dm]
    sources, targets = full.sources(), np.asarray(full.targets, dtype=np.int64)
    code, digits, strides = codes.code, codes.digits, codes.strides
    base = code[sources] + (digits[dm][targets] - digits[dm][sources]) * strides[dm]
    dense, table = _rank_table(conflict, dm, codes)
    thr = dense[sources]
    alive = np.ones(full.edge_count, dtype=bool)
    for k in range(1, len(others) + 1):
        report_step(k - 1, len(others))
        left = np.flatnonzero(alive)
        if not left.size:
            break
        hit = _sanctions_in_table(conflict, ui, codes, table, sources[left], base[left],
                                  thr[left], list(combinations(others, k)))
        alive[left[hit]] = False
    unstable = np.zeros(m, dtype=bool)
    unstable[sources[alive]] = True
    return ~unstable
