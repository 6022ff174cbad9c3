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

import numpy as np

from standoff.graph.conflict import Conflict
from standoff.stability.common import improvement_graphs, opponents

U64 = np.uint64


def _pairs(
    start_a: np.ndarray, start_b: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """All (a, b) index pairs sharing a state, for two CSR lists over the same states."""
    count_a = np.diff(start_a)
    count_b = np.diff(start_b)
    per_state = count_a * count_b
    total = int(per_state.sum())
    state = np.repeat(np.arange(count_a.shape[0], dtype=np.int64), per_state)
    first = np.zeros(per_state.shape[0] + 1, dtype=np.int64)
    np.cumsum(per_state, out=first[1:])
    local = np.arange(total, dtype=np.int64) - first[state]
    nb = count_b[state]
    return state, start_a[state] + local // nb, start_b[state] + local % nb


def sim_stable(conflict: Conflict, dm: int) -> np.ndarray:
    """Boolean array over states: SIM stable for decision maker ``dm``."""
    space = conflict.space
    m = space.size
    v = space.patterns
    ui = [g.materialize() for g in improvement_graphs(conflict)]
    # Opponents' joint reactions per state, as (override mask, contributed bits) lists in
    # CSR form; start with "nobody moves" and extend opponent by opponent.
    react_start = np.arange(m + 1, dtype=np.int64)
    react_override = np.zeros(m, dtype=U64)
    react_bits = np.zeros(m, dtype=U64)
    for j in opponents(conflict, dm):
        mask = U64(conflict.own_masks[j])
        g = ui[j]
        # choices of j at each state: stay, or one of its improvements
        n_choices = np.diff(g.start) + 1
        c_start = np.zeros(m + 1, dtype=np.int64)
        np.cumsum(n_choices, out=c_start[1:])
        c_override = np.zeros(int(c_start[-1]), dtype=U64)
        c_bits = np.zeros(int(c_start[-1]), dtype=U64)
        pos = np.delete(np.arange(int(c_start[-1])), c_start[:-1])  # slots after "stay"
        c_override[pos] = mask
        c_bits[pos] = v[g.targets] & mask
        state, a, b = _pairs(react_start, c_start)
        react_override = react_override[a] | c_override[b]
        react_bits = react_bits[a] | c_bits[b]
        counts = np.bincount(state, minlength=m)
        react_start = np.zeros(m + 1, dtype=np.int64)
        np.cumsum(counts, out=react_start[1:])
    # drop the reaction where nobody moves
    moved = react_override != 0
    counts = np.bincount(
        np.repeat(np.arange(m), np.diff(react_start))[moved], minlength=m
    )
    react_override = react_override[moved]
    react_bits = react_bits[moved]
    react_start = np.zeros(m + 1, dtype=np.int64)
    np.cumsum(counts, out=react_start[1:])

    own = U64(conflict.own_masks[dm])
    g = ui[dm]
    rank = conflict.ranks[dm]
    state, e, r = _pairs(g.start, react_start)
    combined = (
        (v[state] & ~(own | react_override[r])) | (v[g.targets[e]] & own) | react_bits[r]
    )
    t = space.state_of(combined)
    sanctions = (t >= 0) & (rank[np.where(t >= 0, t, 0)] <= rank[state])
    sanctioned_edge = np.zeros(g.edge_count, dtype=bool)
    sanctioned_edge[e[sanctions]] = True
    unstable = np.zeros(m, dtype=bool)
    unstable[g.sources()[~sanctioned_edge]] = True
    return ~unstable
