"""Stability in a hierarchical model: the overall (product) model and each local conflict.

The overall model of a hierarchical file (:mod:`standoff.model.hierarchy`) is an ordinary
compiled :class:`~standoff.graph.Conflict`, so every concept of the catalogue applies to it
unchanged; the *overall* Nash, GMR, SMR and SEQ verdicts are those of the product model,
with the common decision makers' preferences over the combined states (He, Kilgour & Hipel,
INFOR 51(3), 2013, as summarised in its abstract and in He's 2015 thesis abstract: stability
in the hierarchical model is stability in the overall graph). This module adds what only a
hierarchical model has:

* :func:`hierarchical_analysis`: every local conflict compiled as a model of its own, and
  the map from each overall state to the local state of every local conflict;
* :func:`inconsistencies`: where a common decision maker's overall preferences disagree with
  its preferences inside a local conflict, between two overall states that differ in that
  local conflict only. Where there is none we call the overall preference *consistent with
  the local ones*; the relations between local and overall stability proved in
  docs/hierarchy.md (and tested in tests/test_hierarchy_properties.py) assume it.

The relations themselves are statements about these verdicts; they are reconstructions
proved in docs/hierarchy.md, because the theorems of the papers could not be read.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

from standoff.errors import ModelError
from standoff.graph import Conflict, compile_model
from standoff.model.hierarchy import Hierarchy, LocalConflict
from standoff.stability import kernel


@dataclass(frozen=True, eq=False)
class LocalView:
    """One local conflict: its compiled model, and for every overall state (0-based) the
    0-based local state it contains (``local_state``)."""

    local: LocalConflict
    conflict: Conflict
    local_state: np.ndarray


@dataclass(frozen=True, eq=False)
class HierarchicalAnalysis:
    """A hierarchical model: the overall conflict and its local conflicts."""

    overall: Conflict
    hierarchy: Hierarchy
    locals: tuple[LocalView, ...]

    def local(self, name: str) -> LocalView:
        """The local conflict ``name``; a :class:`ModelError` naming the known ones if
        there is none."""
        for view in self.locals:
            if view.local.name == name:
                return view
        known = ", ".join(v.local.name for v in self.locals)
        raise ModelError(f"unknown local conflict '{name}'", file="--local",
                         hint=f"use one of: {known}")

    @cached_property
    def common_indices(self) -> tuple[int, ...]:
        return tuple(self.overall.dm_index(d) for d in self.hierarchy.common)

    def local_states(self, s: int) -> dict[str, int]:
        """The local state (0-based) of every local conflict in overall state ``s``."""
        return {v.local.name: int(v.local_state[s]) for v in self.locals}

    def stable(self, concept: str, dm: str) -> np.ndarray:
        """Overall verdicts: bool over overall states, ``dm`` ``concept``-stable."""
        return kernel(concept)(self.overall, self.overall.dm_index(dm))

    def local_stable(self, name: str, concept: str, dm: str) -> np.ndarray:
        """Local verdicts in local conflict ``name``: bool over its local states."""
        view = self.local(name)
        return kernel(concept)(view.conflict, view.conflict.dm_index(dm))


def is_hierarchical(conflict: Conflict) -> bool:
    """Whether ``conflict`` was read from a model with ``local_conflicts:``."""
    return isinstance(conflict.spec.extra.get("hierarchy"), Hierarchy)


def hierarchical_analysis(conflict: Conflict) -> HierarchicalAnalysis:
    """The local conflicts of a hierarchical ``conflict``, compiled, with the map from
    overall to local states. Raises :class:`ModelError` for a model without local
    conflicts."""
    hierarchy = conflict.spec.extra.get("hierarchy")
    if not isinstance(hierarchy, Hierarchy):
        raise ModelError("this model has no local conflicts", file=conflict.spec.file,
                         hint="a hierarchical model has 'local_conflicts:' and "
                         "'common_decision_makers:' (docs/hierarchy.md)")
    patterns = conflict.space.patterns
    keys = conflict.option_keys
    views = []
    for lc in hierarchy.local_conflicts:
        local = compile_model(lc.spec)
        local_patterns = np.zeros(patterns.shape, dtype=np.uint64)
        for j, key in enumerate(lc.option_keys):
            bit = (patterns >> np.uint64(keys.index(key))) & np.uint64(1)
            local_patterns |= bit << np.uint64(j)
        states = local.space.state_of(local_patterns)
        if (states < 0).any():  # pragma: no cover - the product never leaves a local space
            raise AssertionError("an overall state has no local state")
        views.append(LocalView(lc, local, states.astype(np.int64)))
    return HierarchicalAnalysis(conflict, hierarchy, tuple(views))


def inconsistencies(analysis: HierarchicalAnalysis, dm: str, limit: int = 3
                    ) -> dict[str, list[tuple[int, int]]]:
    """Pairs of overall states (1-based ids) that differ only in one local conflict and on
    which common decision maker ``dm``'s overall preference disagrees with its preference in
    that local conflict (one prefers, the other does not, or they order the pair
    oppositely); at most ``limit`` pairs per local conflict, only local conflicts with some.
    """
    overall = analysis.overall
    i = overall.dm_index(dm)
    rank = overall.ranks[i]
    out: dict[str, list[tuple[int, int]]] = {}
    for view in analysis.locals:
        if dm not in view.local.dm_ids:
            continue
        local_rank = view.conflict.ranks[view.conflict.dm_index(dm)][view.local_state]
        # the rest of the overall state: the pattern outside this local conflict's options
        mask = 0
        for key in view.local.option_keys:
            mask |= 1 << overall.option_keys.index(key)
        rest = overall.space.patterns & np.uint64(~mask & ((1 << 64) - 1))
        found: list[tuple[int, int]] = []
        for value in np.unique(rest):
            members = np.flatnonzero(rest == value)
            a = rank[members]
            b = local_rank[members]
            sign_overall = np.sign(a[:, None] - a[None, :])
            sign_local = np.sign(b[:, None] - b[None, :])
            bad = np.argwhere(np.triu(sign_overall != sign_local, 1))
            for x, y in bad[:limit - len(found)]:
                found.append((int(members[x]) + 1, int(members[y]) + 1))
            if len(found) >= limit:
                break
        if found:
            out[view.local.name] = found
    return out


__all__ = ["HierarchicalAnalysis", "LocalView", "hierarchical_analysis", "inconsistencies",
           "is_hierarchical"]
