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
"""

from __future__ import annotations

from itertools import combinations

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
#: about 50 ns (option patterns combined and looked up): 10^8 pairs are some 5 seconds
#: per decision maker, and more is refused rather than run silently (issue 17).
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


def _combinations_per_state(conflict: Conflict, dm: int) -> np.ndarray:
    """For each state, how many (improvement of ``dm``, joint reaction) pairs SIM tests
    (cached on the conflict: the cost check and the chunking both need it)."""
    key = ("sim_combinations", dm)
    if key not in conflict._cache:
        structures = improvement_graphs(conflict)
        per_state = structures[dm].counts().astype(np.float64)
        for j in opponents(conflict, dm):
            per_state *= structures[j].counts() + 1
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
    bounds = np.unique(np.concatenate([[0], cuts, [m]])).tolist()
    return [(lo, hi) for lo, hi in zip(bounds[:-1], bounds[1:], strict=True) if hi > lo]


def _two_free_dms(conflict: Conflict) -> bool:
    return len(conflict.dm_ids) == 2 and all(isinstance(g, CosetMoves) for g in conflict.moves)


def _single_mover_pairs(conflict: Conflict, dm: int) -> float:
    """How many (improvement of ``dm``, one opponent's improvement) pairs the general
    kernel's first stage tests (all of its work with one opponent)."""
    structures = improvement_graphs(conflict)
    own = structures[dm].counts().astype(np.float64)
    theirs = sum(structures[j].counts() for j in opponents(conflict, dm))
    return float(own @ np.asarray(theirs, dtype=np.float64))


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
               "(each about 50 ns)")
    cost = float(_combinations_per_state(conflict, dm).sum())
    if cost > MAX_COMBINATIONS:
        raise CapacityError(
            f"{what} would test {cost:,.0f} combinations of simultaneous improvements "
            f"(the limit is {MAX_COMBINATIONS:,})",
            file=conflict.spec.file,
            hint=hint,
        )


def _dense_ranks(values: np.ndarray) -> np.ndarray:
    """``values`` replaced by their order among the distinct values (0, 1, ...), in the
    smallest unsigned type that also holds one larger sentinel (its maximum): comparisons
    between the values are unchanged and every pass over them moves fewer bytes."""
    distinct, dense = np.unique(values, return_inverse=True)
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
    """For each edge of ``own`` (improvements of ``dm``), whether a reaction in which
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


def sim_stable(conflict: Conflict, dm: int) -> np.ndarray:
    """Boolean array over states: SIM stable for decision maker ``dm``.

    In a product state space the combined option vector of simultaneous moves is simply
    the state whose digits are taken from each mover's target, so it is computed by index
    arithmetic (``t_i + Σ_j (t_j − s)``); otherwise option patterns are combined and mapped
    back to states. Reactions are tried by the set of opponents who move: single movers
    first, then pairs, and so on, each set only on the improvements that the smaller sets
    left unsanctioned (every reaction is tried before an improvement is called
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
