"""Unilateral moves of option form, as one sparse graph per decision maker.

Definition (Fang, Hipel & Kilgour 1993, ch. 3; BRIEF §2): a unilateral move by decision
maker *i* from state *s* changes a non-empty subset of *i*'s own options (and nothing
else), lands on a feasible state *t* ≠ *s*, and respects each changed option's direction
(``take``: only not-taken → taken; ``drop``: only taken → not taken). The direction of an
option is ignored when the option is irrelevant in *s* or in *t* (a collapsed state):
it has no value there to keep or to undo. Leaving a collapsed state, the options that were
irrelevant start from "not taken".

``R_i(s)`` is stored in compressed sparse row form: the targets of state ``s`` are
``targets[start[s]:start[s + 1]]``, sorted, without repeats.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from standoff.graph.states import U64, StateSpace


@dataclass(frozen=True)
class MoveGraph:
    """``R_i`` for one decision maker, in compressed sparse row form."""

    start: np.ndarray  # int64, length m + 1
    targets: np.ndarray  # int64, the 0-based target states

    @property
    def size(self) -> int:
        return int(self.start.shape[0] - 1)

    @property
    def edge_count(self) -> int:
        return int(self.targets.shape[0])

    def sources(self) -> np.ndarray:
        """The source state of every edge (same order as ``targets``)."""
        return np.repeat(np.arange(self.size, dtype=np.int64), np.diff(self.start))

    def of(self, s: int) -> np.ndarray:
        """``R_i(s)`` as an array of 0-based states."""
        return self.targets[self.start[s] : self.start[s + 1]]

    @staticmethod
    def from_edges(m: int, src: np.ndarray, dst: np.ndarray) -> MoveGraph:
        """Build from edge lists (repeats are merged)."""
        if src.size:
            key = np.unique(src.astype(np.int64) * m + dst.astype(np.int64))
            src, dst = key // m, key % m
        counts = np.bincount(src, minlength=m) if src.size else np.zeros(m, dtype=np.int64)
        start = np.zeros(m + 1, dtype=np.int64)
        np.cumsum(counts, out=start[1:])
        return MoveGraph(start, np.asarray(dst, dtype=np.int64))


def _submasks(mask: int) -> list[int]:
    """Every non-empty subset of the bits of ``mask``."""
    out = []
    sub = mask
    while sub:
        out.append(sub)
        sub = (sub - 1) & mask
    return out


def unilateral_moves(
    space: StateSpace, own: int, take: int, drop: int
) -> MoveGraph:
    """``R_i`` for the decision maker owning the options in bit mask ``own``.

    ``take`` / ``drop`` are the masks of the options with those directions.
    """
    v = space.patterns
    irr_src = space.irrelevant
    m = space.size
    srcs, dsts = [], []
    states = np.arange(m, dtype=np.int64)
    for d in _submasks(own):
        dm = U64(d)
        w = v ^ dm
        wrong = dm & ((U64(take) & v) | (U64(drop) & ~v)) & ~irr_src
        t = space.state_of(w)
        ok = (t >= 0) & (t != states)
        if not ok.any():
            continue
        tt = np.where(ok, t, 0)
        ok &= (wrong & ~space.irrelevant[tt]) == 0
        srcs.append(states[ok])
        dsts.append(t[ok])
    if srcs:
        src = np.concatenate(srcs)
        dst = np.concatenate(dsts)
    else:
        src = dst = np.zeros(0, dtype=np.int64)
    return MoveGraph.from_edges(m, src, dst)
