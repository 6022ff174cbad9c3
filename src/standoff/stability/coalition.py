"""Coalition stability: CNash, CGMR, CSMR and CSEQ for a coalition of decision makers.

Definitions (Inohara & Hipel 2008, "Coalition analysis in the graph model for conflict
resolution", Systems Engineering 11(4):343–359; Kilgour, Hipel, Fang & Peng 2001 for
coalitional improvements; legal sequences as in BRIEF §2 and Xu, Hipel & Kilgour 2009).
For a coalition *H* ⊆ N and a state *s*:

* ``R_H(s)``: the states *H* reaches from *s* by a legal sequence of its members' unilateral
  moves (a member may move several times, never twice in a row).
* Coalitional improvements ``R_H⁺⁺(s) = {t ∈ R_H(s) : t ≻_k s for every k ∈ H}``: moves
  of the coalition that **every** member strictly prefers.
* The opponents are ``N ∖ H``; a state ``s2`` *sanctions* the coalition's move from *s*
  when **some member is not better off**: ``s2 ≾_k s`` for at least one ``k ∈ H``.

Stability of *s* for *H*:

* **CNash**: ``R_H⁺⁺(s) = ∅``.
* **CGMR**: every ``s1 ∈ R_H⁺⁺(s)`` is sanctioned by some ``s2 ∈ R_{N∖H}(s1)``.
* **CSMR**: as CGMR, and moreover the coalition cannot escape that ``s2``: no
  ``s3 ∈ R_H(s2)`` is a state every member prefers to *s*.
* **CSEQ**: as CGMR with ``s2 ∈ R⁺_{N∖H}(s1)``: the sanction is a legal sequence of the
  opponents' own unilateral improvements.

When *H* = N nobody is left to sanction, so all four coincide with CNash. For a single
decision maker *H* = {i} they are Nash, GMR, SMR and SEQ.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from standoff.concepts import COALITIONS, Concept, resolve
from standoff.graph.conflict import Conflict
from standoff.stability.common import improvement_graphs
from standoff.stability.reachability import INFINITY, group_reach_minimum
from standoff.stability.sequences import (
    MAX_MATRIX_STATES,
    all_legal_reach,
    legal_reach,
    shortest_legal_sequence,
    step_targets,
)


def improving_edges(conflict: Conflict, dm: int) -> tuple[np.ndarray, np.ndarray]:
    """The unilateral improvements of ``dm`` as edge arrays ``(sources, targets)``."""
    graph = conflict.moves[dm]
    src = graph.sources()
    dst = np.asarray(graph.targets, dtype=np.int64)
    rank = conflict.ranks[dm]
    keep = rank[dst] > rank[src]
    return src[keep], dst[keep]


@dataclass(eq=False)
class CoalitionStability:
    """CNash, CGMR, CSMR and CSEQ of every state for one coalition (computed lazily).

    ``members`` are decision-maker indices. Arrays are over 0-based states.
    """

    conflict: Conflict
    members: tuple[int, ...]
    _cache: dict = field(default_factory=dict, repr=False)

    @property
    def opponents(self) -> tuple[int, ...]:
        return tuple(j for j in range(len(self.conflict.dm_ids)) if j not in self.members)

    def _reach_of(self, group: tuple[int, ...], s: int, key: str) -> np.ndarray:
        """``R_group(s)``: from an all-states reach matrix for models of up to
        :data:`MAX_MATRIX_STATES` states, else by a search from ``s`` (memoised)."""
        c = self.conflict
        if c.state_count <= MAX_MATRIX_STATES:
            matrix_key = ("matrix", key)
            if matrix_key not in self._cache:
                self._cache[matrix_key] = all_legal_reach(c, group)
            return np.flatnonzero(self._cache[matrix_key][s])
        memo = self._cache.setdefault(key, {})
        if s not in memo:
            memo[s] = legal_reach(c, group, s)
        return memo[s]

    def release(self) -> None:
        """Forget the all-states reach matrices (states² entries each); they are rebuilt
        if needed again. The results computed from them are kept."""
        for key in [k for k in self._cache if isinstance(k, tuple) and k[0] == "matrix"]:
            del self._cache[key]

    def reach(self, s: int) -> np.ndarray:
        """``R_H(s)``."""
        return self._reach_of(self.members, s, "reach")

    def opponent_reach(self, s: int) -> np.ndarray:
        """``R_{N∖H}(s)``."""
        return self._reach_of(self.opponents, s, "opponent_reach")

    def all_better(self, targets: np.ndarray, s: int) -> np.ndarray:
        """For each target, whether every member strictly prefers it to ``s``."""
        ranks = self.conflict.ranks[list(self.members)]
        return np.all(ranks[:, targets] > ranks[:, [s]], axis=0)

    def improvements(self, s: int) -> np.ndarray:
        """``R_H⁺⁺(s)``: the coalition's moves that every member prefers."""
        memo = self._cache.setdefault("improvements", {})
        if s not in memo:
            reach = self.reach(s)
            memo[s] = reach[self.all_better(reach, s)]
        return memo[s]

    def improvement_map(self) -> dict[int, np.ndarray]:
        """``{s: R_H⁺⁺(s)}`` for every state with a coalitional improvement."""
        out = {}
        for s in range(self.conflict.state_count):
            ci = self.improvements(s)
            if ci.size:
                out[s] = ci
        return out

    def _floors(self, improving: bool) -> np.ndarray:
        """Per member k (rows): min over ``R_{N∖H}(s1)`` (or ``R⁺``) of k's rank."""
        key = ("floors", improving)
        if key not in self._cache:
            c = self.conflict
            opp = self.opponents
            if improving:
                ui = improvement_graphs(c)
                group = [ui[j] for j in opp]
            else:
                group = [c.moves[j] for j in opp]
            rows = []
            for k in self.members:
                if group:
                    rows.append(group_reach_minimum(group, c.ranks[k]))
                else:
                    rows.append(np.full(c.state_count, INFINITY, dtype=np.int64))
            self._cache[key] = np.vstack(rows)
        return self._cache[key]

    def sanctioned(self, s: int, s1: int, concept: str | Concept) -> bool:
        """Whether the coalition's improvement ``s → s1`` is sanctioned under ``concept``."""
        concept = (concept if isinstance(concept, Concept) else resolve(concept, COALITIONS)).key
        ranks = self.conflict.ranks[list(self.members)]
        if concept in ("cgmr", "cseq"):
            floors = self._floors(improving=concept == "cseq")
            return bool(np.any(floors[:, s1] <= ranks[:, s]))
        if concept == "csmr":
            return self.smr_sanction(s, s1) is not None
        return False  # cnash: nothing deters a coalitional improvement

    def smr_sanction(self, s: int, s1: int) -> int | None:
        """A state ``s2 ∈ R_{N∖H}(s1)`` leaving some member no better off than at ``s``
        from which the coalition cannot reach a state every member prefers to ``s``."""
        ranks = self.conflict.ranks[list(self.members)]
        for s2 in self.opponent_reach(s1):
            s2 = int(s2)
            if not np.any(ranks[:, s2] <= ranks[:, s]):
                continue
            escape = self.reach(s2)
            if escape.size and np.any(self.all_better(escape, s)):
                continue
            return s2
        return None

    def stable(self, concept: str | Concept) -> np.ndarray:
        """Boolean array over states: stable for the coalition under ``concept`` (a
        coalition concept of :mod:`standoff.concepts`; any other raises
        :class:`~standoff.concepts.UnknownConceptError`)."""
        record = resolve(concept, COALITIONS)
        key = ("stable", record.key)
        if key not in self._cache:
            m = self.conflict.state_count
            out = np.ones(m, dtype=bool)
            for s in range(m):
                for s1 in self.improvements(s):
                    if not self.sanctioned(s, int(s1), record):
                        out[s] = False
                        break
            self._cache[key] = out
        return self._cache[key]


def coalition_stable(conflict: Conflict, members: Sequence[int],
                     concept: str | Concept) -> np.ndarray:
    """Boolean array over states: stable for coalition ``members`` under ``concept``."""
    return CoalitionStability(conflict, tuple(sorted(set(members)))).stable(concept)


__all__ = [
    "CoalitionStability",
    "coalition_stable",
    "improving_edges",
    "legal_reach",
    "shortest_legal_sequence",
    "step_targets",
]
