"""Relational stability: RNash, RGMR, RSMR and RSEQ under attitudes.

Sources (docs/structure.md says exactly what could be read of them): Inohara, Hipel &
Walker (2007) "Conflict analysis approaches for investigating attitudes and misperceptions
in the War of 1812", J. Systems Science and Systems Engineering 16(2):181–201 (abstract
read: relational preferences, moves and stability concepts describe attitudes); Inohara &
Hipel (2009) "Interrelationships among attitude-based and conventional stability concepts
within the graph model for conflict resolution", Proc. IEEE SMC 2009 (abstract read: the
two propositions quoted in :mod:`tests.test_relational`). The sections holding the formal
definitions could not be read. **What follows is a reconstruction**, built from the
attitude semantics the abstracts describe and checked against both propositions of the
2009 abstract, which it satisfies exactly (property tests in tests/test_relational.py).

Attitudes ``e_ij`` ∈ {+1, 0, −1} (:mod:`standoff.model.attitudes`; default: +1 toward
itself, 0 toward the others). For decision maker *i* and states *s*, *t*:

* ``t ⪰ʲ s`` under ``e_ij``: ``t ⪰_j s`` if ``e_ij = +`` (i wants what j wants);
  ``s ⪰_j t`` if ``e_ij = −`` (i wants what j does not want); always, if ``e_ij = 0``
  (j's preferences do not matter to i).
* *t is a relational improvement on s for i* (``t ∈ RP_i(s)``): ``t ≠ s`` and
  ``t ⪰ʲ s`` for every decision maker *j* (itself included). With only the default
  attitudes and strict preferences this is ``t ≻_i s``; with ties it also takes in moves
  to a state *i* likes equally (our reading of why the 2009 propositions assume
  "complete and anti-symmetric" preferences).
* ``R_i^{+E}(s) = R_i(s) ∩ RP_i(s)``: the *relational unilateral improvements*.
* ``R_H^{+E}(s)``: legal sequences (no decision maker twice in a row) of relational
  unilateral improvements, each measured from the state it moves from, by the members of
  *H*, each under its own attitudes.

Then, with ``H = N ∖ {i}``, state *s* is, for *i*:

* **RNash** iff ``R_i^{+E}(s) = ∅``;
* **RGMR** iff for every ``s1 ∈ R_i^{+E}(s)`` some ``s2 ∈ R_H(s1)`` has ``s2 ∉ RP_i(s)``;
* **RSMR** iff for every ``s1 ∈ R_i^{+E}(s)`` some ``s2 ∈ R_H(s1)`` has ``s2 ∉ RP_i(s)``
  and ``s3 ∉ RP_i(s)`` for every ``s3 ∈ R_i(s2)``;
* **RSEQ** iff for every ``s1 ∈ R_i^{+E}(s)`` some ``s2 ∈ R_H^{+E}(s1)`` has
  ``s2 ∉ RP_i(s)``.

These are Nash, GMR, SMR and SEQ with "better for i" (``≻_i``) replaced by "a relational
improvement on s for i" (``RP_i(s)``): the 2007 abstract speaks of "relational
definitions for preferences, movements and stability concepts".

Implementation. ``s2 ∉ RP_i(s)`` reads ``s2 = s`` or, for some *j* with ``e_ij ≠ 0``,
``e_ij·rank_j(s2) < e_ij·rank_j(s)``. "Some ``s2`` in ``R_H(s1)`` satisfies one of these"
is "for some *j*, the minimum of ``e_ij·rank_j`` over ``R_H(s1)`` is below its value at
*s*" or "``s ∈ R_H(s1)``", so RGMR and RSEQ take one call of
:func:`~standoff.stability.reachability.group_reach_minimum` per attitude that is not
neutral. ``s ∈ R_H(s1)`` is impossible when no state is collapsed (``s1`` differs from
*s* in *i*'s options, which the others' moves never change); with collapsed states it is
checked state by state. RSMR's condition on ``s3`` does not split that way: a per-attitude
escape value settles most relational improvements (a sufficient test), and the others'
reachability settles the rest state by state (:func:`rsmr_stable`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from standoff.graph.conflict import Conflict
from standoff.graph.moves import MoveGraph
from standoff.model.attitudes import WORDS, attitude_matrix
from standoff.stability.reachability import group_reach_minimum
from standoff.stability.sequences import (
    MAX_MATRIX_STATES,
    all_legal_reach,
    shortest_legal_sequence,
)

__all__ = [
    "attitudes",
    "relational_improvement_graphs",
    "relational_preferred",
    "rgmr_stable",
    "rnash_stable",
    "rseq_stable",
    "rsmr_stable",
]


def attitudes(conflict: Conflict) -> np.ndarray:
    """The attitude matrix ``e[i, j]`` (+1, 0, -1) of the conflict's model (the default
    filled in; see :mod:`standoff.model.attitudes`). Cached on the conflict; read-only."""
    key = "attitudes"
    if key not in conflict._cache:
        spec = conflict.spec
        conflict._cache[key] = attitude_matrix(len(spec.dms), getattr(spec, "attitudes", ()))
    return conflict._cache[key]


def _criteria(conflict: Conflict, dm: int) -> list[np.ndarray]:
    """``e_ij · rank_j`` for every *j* toward whom ``dm`` is not neutral: *t* is a
    relational improvement on *s* iff ``t ≠ s`` and every criterion is at least as high at
    *t* as at *s*."""
    e = attitudes(conflict)[dm]
    return [int(e[j]) * conflict.ranks[j].astype(np.int64) for j in np.flatnonzero(e)]


def relational_preferred(conflict: Conflict, dm: int, s: int) -> np.ndarray:
    """``RP_i(s)`` as a boolean array over states: the relational improvements on state
    ``s`` (0-based) for decision maker ``dm``."""
    out = np.ones(conflict.state_count, dtype=bool)
    for c in _criteria(conflict, dm):
        out &= c >= c[s]
    out[s] = False
    return out


def relational_improvement_graphs(conflict: Conflict) -> tuple[MoveGraph, ...]:
    """``R_i^{+E}`` for every decision maker: its moves to a relational improvement on the
    state it moves from (cached on the conflict)."""
    key = "relational improvements"
    if key not in conflict._cache:
        graphs = []
        for i, moves in enumerate(conflict.moves):
            graph = moves.materialize()
            src = graph.sources()
            dst = np.asarray(graph.targets, dtype=np.int64)
            keep = np.ones(dst.shape, dtype=bool)
            for c in _criteria(conflict, i):
                keep &= c[dst] >= c[src]
            counts = np.bincount(src[keep], minlength=graph.size)
            start = np.zeros(graph.size + 1, dtype=np.int64)
            np.cumsum(counts, out=start[1:])
            graphs.append(MoveGraph(start, graph.targets[keep]))
        conflict._cache[key] = tuple(graphs)
    return conflict._cache[key]


def _others(conflict: Conflict, dm: int) -> list[int]:
    return [j for j in range(len(conflict.dm_ids)) if j != dm]


def rnash_stable(conflict: Conflict, dm: int) -> np.ndarray:
    """Boolean array over states: RNash stable for ``dm`` (no relational unilateral
    improvement; definition in the module docstring, a reconstruction)."""
    return ~relational_improvement_graphs(conflict)[dm].nonempty()


def _sanctioned(conflict: Conflict, dm: int, group: Sequence) -> np.ndarray:
    """RGMR (``group`` = the others' moves) or RSEQ (their relational improvements):
    True where every relational improvement of ``dm`` reaches, through ``group``, a state
    that is not a relational improvement on the start."""
    ui = relational_improvement_graphs(conflict)[dm]
    src = ui.sources()
    dst = np.asarray(ui.targets, dtype=np.int64)
    done = np.zeros(dst.shape, dtype=bool)
    for c in _criteria(conflict, dm):
        floor = group_reach_minimum(group, c)
        done |= floor[dst] < c[src]
    if conflict.space.collapse_of and not done.all():
        # s ∈ R_H(s1): possible only through collapsed states (module docstring)
        for s in np.unique(src[~done]):
            value = np.ones(conflict.state_count, dtype=np.int64)
            value[s] = 0
            back = group_reach_minimum(group, value) == 0
            edges = ~done & (src == s)
            done[edges] = back[dst[edges]]
    stable = np.ones(conflict.state_count, dtype=bool)
    stable[src[~done]] = False
    return stable


def rgmr_stable(conflict: Conflict, dm: int) -> np.ndarray:
    """Boolean array over states: RGMR stable for ``dm`` (definition in the module
    docstring, a reconstruction)."""
    return _sanctioned(conflict, dm, [conflict.moves[j] for j in _others(conflict, dm)])


def rseq_stable(conflict: Conflict, dm: int) -> np.ndarray:
    """Boolean array over states: RSEQ stable for ``dm``: sanctions made of the others'
    relational improvements, each under its own attitudes (a reconstruction)."""
    graphs = relational_improvement_graphs(conflict)
    return _sanctioned(conflict, dm, [graphs[j] for j in _others(conflict, dm)])


def _rsmr_acceptable(conflict: Conflict, dm: int, s: int) -> np.ndarray:
    """The states ``s2`` that sanction for RSMR at ``s``: not in ``RP_i(s)``, and no move of
    ``dm`` from them lands in ``RP_i(s)``."""
    preferred = relational_preferred(conflict, dm, s)
    escape = conflict.moves[dm].max_over(preferred.astype(np.int64), empty=0) > 0
    return ~preferred & ~escape


def rsmr_stable(conflict: Conflict, dm: int) -> np.ndarray:
    """Boolean array over states: RSMR stable for ``dm`` (definition in the module
    docstring, a reconstruction).

    RSMR implies RGMR, so only the RGMR stable states with a relational improvement are
    examined. A relational improvement ``s1`` of ``s`` is first checked with one escape
    value per attitude that is not neutral, ``v_j(t) = max(c_j(t), max over R_i(t) of
    c_j)`` with ``c_j = e_ij·rank_j``: if the others can reach from ``s1`` a state where
    some ``v_j`` is below ``c_j(s)``, that state sanctions (``c_j`` alone already puts it
    and all of ``dm``'s counter-moves outside ``RP_i(s)``). What that test leaves open is
    settled under the definition itself: for models of up to
    :data:`~standoff.stability.sequences.MAX_MATRIX_STATES` states with the others'
    reachability matrix (:func:`~standoff.stability.sequences.all_legal_reach`), beyond
    that with one reachability minimum per state left open."""
    ui = relational_improvement_graphs(conflict)[dm]
    stable = rgmr_stable(conflict, dm).copy()
    candidates = stable & ui.nonempty()
    if not candidates.any():
        return stable
    others = _others(conflict, dm)
    group = [conflict.moves[j] for j in others]
    src = ui.sources()
    dst = np.asarray(ui.targets, dtype=np.int64)
    edges = candidates[src]
    src, dst = src[edges], dst[edges]
    done = np.zeros(dst.shape, dtype=bool)
    criteria = _criteria(conflict, dm)
    for c in criteria:
        escape = np.maximum(c, conflict.moves[dm].max_over(c, empty=np.iinfo(np.int64).min))
        floor = group_reach_minimum(group, escape)
        done |= floor[dst] < c[src]
    pending = np.flatnonzero(~done)
    if not pending.size:
        return stable
    # what is left, exactly: the states sanctioning for RSMR at s (_rsmr_acceptable), and
    # whether the others reach one of them from s1
    reach = all_legal_reach(conflict, others) \
        if conflict.state_count <= MAX_MATRIX_STATES else None
    for s in np.unique(src[pending]):
        acceptable = _rsmr_acceptable(conflict, dm, int(s))
        targets = dst[pending[src[pending] == s]]
        if reach is not None:
            stable[s] = bool(np.all((reach[targets] & acceptable).any(axis=1)))
        else:
            value = np.where(acceptable, 0, 1).astype(np.int64)
            stable[s] = bool(np.all(group_reach_minimum(group, value)[targets] == 0))
    return stable


# -- legal sequences, one state at a time -----------------------------------------------------
def _shortest(conflict: Conflict, members: Sequence[int], source: int,
              accept: Callable[[int], bool], improving: bool
              ) -> list[tuple[int, int, int]] | None:
    """Shortest legal sequence of moves (relational improvements, if ``improving``) by
    ``members`` from ``source`` to a state ``accept`` takes: ``(dm, from, to)`` steps
    (0-based), or None (:func:`standoff.stability.sequences.shortest_legal_sequence` over
    these moves)."""
    graphs = relational_improvement_graphs(conflict) if improving else conflict.moves
    return shortest_legal_sequence(conflict, members, source, accept,
                                   steps_of=lambda j, s: graphs[j].of(s))


def _why_improvement(conflict: Conflict, dm: int, s: int, t: int) -> str:
    """Why state ``t`` is a relational improvement on ``s`` for ``dm``, in words: for
    each attitude that is not neutral, "at least as good" (positive) or "no better"
    (negative) for that decision maker; "any other state is" when all are neutral."""
    e = attitudes(conflict)[dm]
    parts = []
    for j in np.flatnonzero(e):
        whom = "itself" if j == dm else conflict.spec.dms[j].name
        if e[j] > 0:
            better = conflict.ranks[j, t] > conflict.ranks[j, s]
            parts.append(f"{'better' if better else 'as good'} for {whom}")
        else:
            worse = conflict.ranks[j, t] < conflict.ranks[j, s]
            parts.append(f"{'worse' if worse else 'no better'} for {whom}")
    if not parts:
        return "with every attitude neutral, any other state is one"
    return ", ".join(parts)


def _why_no_improvement(conflict: Conflict, dm: int, s: int, t: int) -> str:
    """Why state ``t`` is not a relational improvement on ``s`` for ``dm``, in words."""
    if t == s:
        return f"it is {s + 1} itself"
    e = attitudes(conflict)[dm]
    for j in np.flatnonzero(e):
        worse = conflict.ranks[j, t] < conflict.ranks[j, s]
        better = conflict.ranks[j, t] > conflict.ranks[j, s]
        whom = "itself" if j == dm else conflict.spec.dms[j].name
        if e[j] > 0 and worse:
            return f"it is worse than {s + 1} for {whom} ({WORDS[1]} attitude)"
        if e[j] < 0 and better:
            return f"it is better than {s + 1} for {whom} ({WORDS[-1]} attitude)"
    return f"it is not a relational improvement on {s + 1}"  # pragma: no cover
