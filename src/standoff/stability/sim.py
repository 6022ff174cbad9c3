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


def check_sim_cost(conflict: Conflict, dm: int) -> None:
    """Refuse (CapacityError) when SIM for ``dm`` would test more than
    :data:`MAX_COMBINATIONS` combinations, or when the general kernel's first stage alone
    would test more than :data:`MAX_SINGLE_MOVER_PAIRS` pairs (through
    :func:`standoff.costs.check_cost`); cheap, so callers can ask before any work."""
    hint = ("leave SIM out (e.g. --concepts nash,gmr,smr,seq); SIM grows with the "
            "product of every decision maker's improvements per state")
    if not _two_free_dms(conflict):
        check_cost(f"SIM for {conflict.dm_ids[dm]}", work=_single_mover_pairs(conflict, dm),
                   work_limit=MAX_SINGLE_MOVER_PAIRS, file=conflict.spec.file, hint=hint,
                   unit="tests of an improvement against an opponent's improvement "
                   "(each about 50 ns)")
    if _two_free_dms(conflict):
        radices = conflict.space.radices
        n_i, n_j = radices[dm], radices[1 - dm]
        cost = float(n_i) * n_i * n_j
        what = "compare"
    else:
        cost = float(_combinations_per_state(conflict, dm).sum())
        what = "test"
    if cost > MAX_COMBINATIONS:
        raise CapacityError(
            f"SIM for {conflict.dm_ids[dm]} would {what} {cost:,.0f} combinations of "
            f"simultaneous improvements (the limit is {MAX_COMBINATIONS:,})",
            file=conflict.spec.file,
            hint=hint,
        )


def _sim_two_cosets(conflict: Conflict, dm: int) -> np.ndarray:
    """SIM for two decision makers who can both move freely in a product space.

    A state is a pair of digits (x, y): x the focal decision maker's choice, y the
    opponent's. The opponent's improvements from (x, y) are the y′ it ranks above y in
    column x; the focal move to x′ is sanctioned iff some such y′ gives
    rank_i(x′, y′) ≤ rank_i(x, y). Sorting each column by the opponent's rank turns
    "some y′ ranked above y" into a suffix minimum, so the cost is (choices of i)² ×
    (choices of the opponent) rather than one test per pair of improvements.
    """
    other = 1 - dm
    radices = conflict.space.radices
    n_i, n_j = radices[dm], radices[other]
    # view ranks as matrices indexed [x, y]; decision maker 0's digit varies fastest
    def as_matrix(values: np.ndarray) -> np.ndarray:
        grid = values.reshape(radices[1], radices[0])  # [digit of DM 1, digit of DM 0]
        return grid.T if dm == 0 else grid

    rank_i = as_matrix(conflict.ranks[dm])
    rank_j = as_matrix(conflict.ranks[other])
    order = np.argsort(rank_j, axis=1, kind="stable")
    sorted_j = np.take_along_axis(rank_j, order, axis=1)
    position = np.arange(n_j)[None, :]
    starts = np.where(
        np.concatenate([np.ones((n_i, 1), dtype=bool), sorted_j[:, 1:] != sorted_j[:, :-1]],
                       axis=1),
        position, n_j,
    )
    nxt = np.concatenate([starts[:, 1:], np.full((n_i, 1), n_j)], axis=1)
    higher = np.minimum.accumulate(nxt[:, ::-1], axis=1)[:, ::-1]  # [x, p]
    unstable = np.zeros((n_i, n_j), dtype=bool)
    block = max(1, CHUNK_COMBINATIONS // max(1, n_i * n_j))
    for x0 in range(0, n_i, block):
        report_step(x0 // block, -(-n_i // block))
        xs = slice(x0, min(n_i, x0 + block))
        # candidate[x, x1, p] = rank_i(x1, y at sorted position p of column x)
        candidate = rank_i[:, order[xs]].transpose(1, 0, 2)
        suffix = np.minimum.accumulate(candidate[:, :, ::-1], axis=2)[:, :, ::-1]
        pad = np.full(suffix.shape[:2] + (1,), np.iinfo(np.int64).max, dtype=np.int64)
        suffix = np.concatenate([suffix, pad], axis=2)
        idx = np.broadcast_to(higher[xs][:, None, :], candidate.shape)
        best = np.take_along_axis(suffix, idx, axis=2)  # [x, x1, p]
        best_y = np.empty_like(best)
        np.put_along_axis(best_y, np.broadcast_to(order[xs][:, None, :], best.shape), best, 2)
        here = rank_i[xs][:, None, :]  # rank_i(x, y)
        improves = rank_i[None, :, :] > here  # focal move x -> x1 is an improvement
        unstable[xs] = (improves & (best_y > here)).any(axis=1)
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
