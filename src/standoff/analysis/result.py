"""Run solution concepts over a conflict and keep the verdicts as a frozen record.

An :class:`Analysis` holds, for every concept computed, a boolean matrix (decision makers ×
states) of individual stability, and the equilibria (states stable for every decision
maker). It records how it was computed (concepts, standoff version) and can explain any
verdict (:meth:`Analysis.explain`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import numpy as np

from standoff._version import __version__
from standoff.analysis.explain import Explanation, explain
from standoff.graph.conflict import Conflict
from standoff.stability import CONCEPT_NAMES, CONCEPTS, known_concept

DEFAULT_CONCEPTS = ("nash", "gmr", "smr", "seq", "sim")
_CHOICES = (*DEFAULT_CONCEPTS, "l1, l2, … (limited move, 2 DMs)", "nm (non-myopic, 2 DMs)")


def parse_concepts(concepts: str | Iterable[str] | None) -> tuple[str, ...]:
    """Normalise a concept list (``"nash,seq"`` or an iterable); raise ValueError if unknown."""
    if concepts is None:
        return DEFAULT_CONCEPTS
    if isinstance(concepts, str):
        concepts = [c for c in concepts.split(",")]
    out: list[str] = []
    for c in concepts:
        key = c.strip().lower()
        if not key:
            continue
        if not known_concept(key):
            raise ValueError(
                f"unknown concept '{c.strip()}'; choose from {', '.join(_CHOICES)}"
            )
        if key not in out:
            out.append(key)
    if not out:
        raise ValueError(f"no concept given; choose from {', '.join(_CHOICES)}")
    return tuple(out)


@dataclass(frozen=True, eq=False)
class Analysis:
    """Stability of every state for every decision maker under each concept computed.

    Attributes:
        conflict: the compiled conflict analysed.
        concepts: concept keys computed (``nash``, ``gmr``, ``smr``, ``seq``, ``sim``).
        stable: ``stable[concept][i, s]`` is True when state ``s`` (0-based) is stable for
            decision maker ``i``.
        version: the standoff version that computed it.
    """

    conflict: Conflict
    concepts: tuple[str, ...]
    stable: MappingProxyType
    version: str = __version__
    _explained: dict = field(default_factory=dict, repr=False)

    # -- queries (state ids are 1-based) ------------------------------------------------------
    def stable_states(self, concept: str, dm: str | int) -> list[int]:
        """Ids of the states stable for ``dm`` under ``concept``."""
        row = self.stable[concept.lower()][self.conflict.dm_index(dm)]
        return [int(s) + 1 for s in np.flatnonzero(row)]

    def is_stable(self, state: int, dm: str | int, concept: str) -> bool:
        return bool(self.stable[concept.lower()][self.conflict.dm_index(dm), state - 1])

    def equilibrium_mask(self, concept: str) -> np.ndarray:
        """Boolean array over states: stable for every decision maker."""
        return np.logical_and.reduce(self.stable[concept.lower()], axis=0)

    @property
    def equilibria(self) -> dict[str, list[int]]:
        """``{concept: [state ids stable for every decision maker]}``."""
        return {
            c: [int(s) + 1 for s in np.flatnonzero(self.equilibrium_mask(c))]
            for c in self.concepts
        }

    def explain(self, state: int, dm: str | int, concept: str) -> Explanation:
        """Why ``state`` is or is not stable for ``dm`` under ``concept`` (see
        :func:`standoff.analysis.explain.explain`)."""
        return explain(self.conflict, state, dm, concept)

    # -- views ----------------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """The ``standoff-analysis/1`` JSON document (see docs/cli.md)."""
        c = self.conflict
        states = []
        for s in range(c.state_count):
            values = c.option_values(s)
            states.append({
                "id": s + 1,
                "pattern": c.pattern(s),
                "options": dict(zip(c.option_keys, values, strict=True)),
            })
        return {
            "format": "standoff-analysis/1",
            "title": c.title,
            "view": c.spec.view,
            "standoff_version": self.version,
            "concepts": list(self.concepts),
            "decision_makers": list(c.dm_ids),
            "options": [
                {"id": o.key, "dm": c.spec.dms[o.dm].id, "text": o.text, "moves": o.moves}
                for o in c.spec.options
            ],
            "states": states,
            "status_quo": None if c.status_quo is None else c.status_quo + 1,
            "stability": {
                concept: {dm: self.stable_states(concept, dm) for dm in c.dm_ids}
                for concept in self.concepts
            },
            "equilibria": self.equilibria,
        }

    def to_frame(self):
        """A pandas DataFrame: one row per state, its pattern, one column per concept × DM,
        and one equilibrium column per concept."""
        import pandas as pd

        c = self.conflict
        data: dict[str, Any] = {"pattern": [c.pattern(s) for s in range(c.state_count)]}
        for concept in self.concepts:
            for i, dm in enumerate(c.dm_ids):
                data[f"{concept}:{dm}"] = self.stable[concept][i]
            data[f"{concept}:equilibrium"] = self.equilibrium_mask(concept)
        frame = pd.DataFrame(data, index=pd.RangeIndex(1, c.state_count + 1, name="state"))
        return frame

    def _repr_html_(self) -> str:
        from standoff.report.tables import analysis_html

        return analysis_html(self)

    def __repr__(self) -> str:
        eq = "; ".join(f"{CONCEPT_NAMES[k]} {v}" for k, v in self.equilibria.items())
        return f"<Analysis of {self.conflict.title!r}: equilibria {eq}>"


def analyze(
    conflict: Conflict, concepts: str | Iterable[str] | None = None, progress=None
) -> Analysis:
    """Compute individual stability for every decision maker and state under ``concepts``.

    ``concepts`` defaults to Nash, GMR, SMR, SEQ and SIM. ``progress`` is an optional
    callable ``(done, total, label)`` for progress reporting.
    """
    keys = parse_concepts(concepts)
    n = len(conflict.dm_ids)
    if "sim" in keys:  # refuse a SIM that would not finish before doing any other work
        from standoff.stability.sim import check_sim_cost

        for i in range(n):
            check_sim_cost(conflict, i)
    stable = {}
    total = len(keys) * n
    done = 0
    for key in keys:
        rows = []
        for i in range(n):
            if progress is not None:  # name the step being worked on
                progress(done, total, f"{CONCEPT_NAMES[key]} for {conflict.dm_ids[i]}")
            rows.append(CONCEPTS[key](conflict, i))
            done += 1
        matrix = np.vstack(rows)
        matrix.setflags(write=False)
        stable[key] = matrix
    if progress is not None:
        progress(done, total, "done")
    return Analysis(conflict, keys, MappingProxyType(stable))
