"""Run solution concepts over a conflict and keep the verdicts as a frozen record.

An :class:`Analysis` holds, for every concept computed, a boolean matrix (decision makers ×
states) of individual stability, and the equilibria (states stable for every decision
maker). It records how it was computed (concepts, standoff version) and can explain any
verdict (:meth:`Analysis.explain`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from os import PathLike
from types import MappingProxyType
from typing import Any

import numpy as np

from standoff._version import __version__
from standoff.analysis.explain import Explanation, explain
from standoff.graph.conflict import Conflict
from standoff.stability import (
    CONCEPT_NAMES,
    CONCEPTS,
    known_concept,
    limited_move_key_problem,
)

DEFAULT_CONCEPTS = ("nash", "gmr", "smr", "seq", "sim")
#: About this many state ids at most appear in ``repr(analysis)`` (shared by the concepts).
MAX_REPR_STATES = 100
_CHOICES = (*DEFAULT_CONCEPTS, "l1, l2, … (limited move, 2 DMs)", "nm (non-myopic, 2 DMs)")


class HorizonRangeError(ValueError):
    """A limited-move concept ``l<h>`` whose horizon is out of range (``l0``, ``l5000``)."""


def parse_concepts(concepts: str | Iterable[str] | None) -> tuple[str, ...]:
    """Normalise a concept list (``"nash,seq"`` or an iterable of strings).

    Raises TypeError when ``concepts`` (or an item of it) is not a string, ValueError when a
    concept is unknown or none is given (:class:`HorizonRangeError`, a ValueError, when it
    is ``l<h>`` with h out of range).
    """
    if concepts is None:
        return DEFAULT_CONCEPTS
    if isinstance(concepts, str):
        concepts = [c for c in concepts.split(",")]
    elif not isinstance(concepts, Iterable):
        raise TypeError("concepts must be a string such as 'nash,seq' or a list of strings, "
                        f"not {type(concepts).__name__}")
    out: list[str] = []
    for c in concepts:
        if not isinstance(c, str):
            raise TypeError(f"a concept must be a string such as 'nash', not {c!r} "
                            f"({type(c).__name__}); choose from {', '.join(_CHOICES)}")
        key = c.strip().lower()
        if not key:
            continue
        problem = limited_move_key_problem(key)
        if problem is not None:
            raise HorizonRangeError(problem)
        if not known_concept(key):
            raise ValueError(
                f"unknown concept '{c.strip()}'; choose from {', '.join(_CHOICES)}"
            )
        if key not in out:
            out.append(key)
    if not out:
        raise ValueError(f"no concept given; choose from {', '.join(_CHOICES)}")
    return tuple(out)


class LookupArgumentError(KeyError, ValueError):
    """A state, decision maker or concept that the analysis does not have.

    It is both a :class:`KeyError` (as an unknown decision maker or state always was) and a
    :class:`ValueError`, so either may be caught; its text is the plain message.
    """

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


def _is_int(value: object) -> bool:
    """True for ints (numpy's included), False for bools and everything else."""
    return isinstance(value, int | np.integer) and not isinstance(value, bool | np.bool_)


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

    # -- checks on arguments --------------------------------------------------------------
    def _state(self, state: object) -> int:
        """The 0-based index of state id ``state`` (1-based); a clear error otherwise."""
        n = self.conflict.state_count
        if not _is_int(state):
            raise TypeError(f"a state is given by its number, an int from 1 to {n}, "
                            f"not {state!r} ({type(state).__name__})")
        if not 1 <= int(state) <= n:
            raise LookupArgumentError(
                f"state {int(state)} does not exist (states are numbered 1 to {n})")
        return int(state) - 1

    def _dm(self, dm: object) -> int:
        """The 0-based index of decision maker ``dm`` (an id, a name or a 0-based index)."""
        ids = self.conflict.dm_ids
        if _is_int(dm):
            if not 0 <= int(dm) < len(ids):
                raise LookupArgumentError(
                    f"decision maker index {int(dm)} does not exist: give an id "
                    f"({', '.join(ids)}) or an index from 0 to {len(ids) - 1}")
            return int(dm)
        if not isinstance(dm, str):
            raise TypeError(f"a decision maker is given by its id ({', '.join(ids)}) or its "
                            f"0-based index, not {dm!r} ({type(dm).__name__})")
        try:
            return self.conflict.dm_index(dm)
        except KeyError:
            raise LookupArgumentError(
                f"unknown decision maker '{dm}' (known: {', '.join(ids)})") from None

    def _concept(self, concept: object) -> str:
        """The key of a concept this analysis computed; a clear error otherwise."""
        computed = ", ".join(self.concepts)
        if not isinstance(concept, str):
            raise TypeError(f"a concept is given by its name ({computed}), "
                            f"not {concept!r} ({type(concept).__name__})")
        key = concept.strip().lower()
        if key in self.concepts:
            return key
        if known_concept(key):
            raise LookupArgumentError(
                f"concept '{key}' was not computed in this analysis (computed: {computed}); "
                f"run analyze(conflict, concepts=[..., '{key}']) to have it")
        raise LookupArgumentError(f"unknown concept '{concept}' (computed here: {computed})")

    # -- queries (state ids are 1-based) ------------------------------------------------------
    def stable_states(self, concept: str, dm: str | int) -> list[int]:
        """Ids of the states stable for ``dm`` (id, name or 0-based index) under ``concept``.

        Raises TypeError for an argument of the wrong type, and :class:`LookupArgumentError`
        (a KeyError and a ValueError) for an unknown decision maker or a concept that was not
        computed.
        """
        row = self.stable[self._concept(concept)][self._dm(dm)]
        return [int(s) + 1 for s in np.flatnonzero(row)]

    def is_stable(self, state: int, dm: str | int, concept: str) -> bool:
        """Whether state ``state`` (1-based id) is stable for ``dm`` under ``concept``.

        Raises as :meth:`stable_states` does, and for a state that does not exist.
        """
        s = self._state(state)
        return bool(self.stable[self._concept(concept)][self._dm(dm), s])

    def equilibrium_mask(self, concept: str) -> np.ndarray:
        """Boolean array over states: stable for every decision maker."""
        return np.logical_and.reduce(self.stable[self._concept(concept)], axis=0)

    @property
    def equilibria(self) -> dict[str, list[int]]:
        """``{concept: [state ids stable for every decision maker]}``."""
        return {
            c: [int(s) + 1 for s in np.flatnonzero(self.equilibrium_mask(c))]
            for c in self.concepts
        }

    def explain(self, state: int, dm: str | int, concept: str) -> Explanation:
        """Why ``state`` is or is not stable for ``dm`` under ``concept`` (see
        :func:`standoff.analysis.explain.explain`); the concept need not have been computed
        here. State and decision maker are checked as in :meth:`is_stable`."""
        self._state(state)
        self._dm(dm)
        if not isinstance(concept, str):
            raise TypeError(f"a concept is given by its name, not {concept!r} "
                            f"({type(concept).__name__})")
        return explain(self.conflict, int(state), dm if isinstance(dm, str) else int(dm),
                       concept)

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
        """The notebook view: a summary and at most :data:`MAX_SHOWN_STATES` rows (every
        row when the model is that small; otherwise the status quo and equilibria)."""
        from standoff.report.tables import analysis_html

        return analysis_html(self)

    def __repr__(self) -> str:
        c = self.conflict
        parts = []
        per_concept = max(10, MAX_REPR_STATES // max(len(self.concepts), 1))
        cut = False
        for key, states in self.equilibria.items():
            shown = states[:per_concept]
            text = "[" + ", ".join(map(str, shown))
            if len(shown) < len(states):
                cut = True
                text += f", …] ({len(states) - len(shown):,} of {len(states):,} not shown)"
            else:
                text += "]"
            parts.append(f"{CONCEPT_NAMES[key]} {text}")
        sq = "" if c.status_quo is None else f", status quo {c.status_quo + 1}"
        more = "; all of them: .equilibria, .to_dict() or .to_frame()" if cut else ""
        return (f"<Analysis of {c.title!r}: {c.state_count:,} states{sq}; equilibria "
                f"{'; '.join(parts)}{more}>")


def analyze(
    conflict: Conflict | str | PathLike,
    concepts: str | Iterable[str] | None = None,
    progress: Callable[[int, int, str], object] | None = None,
) -> Analysis:
    """Compute individual stability for every decision maker and state under ``concepts``.

    ``conflict`` is a :class:`Conflict` (from :func:`standoff.load`) or the path of a model
    file, which is loaded first. ``concepts`` defaults to Nash, GMR, SMR, SEQ and SIM.
    ``progress`` is an optional callable ``(done, total, label)`` for progress reporting.
    Raises TypeError for arguments of the wrong type and ValueError for unknown concepts.
    """
    if isinstance(conflict, str | PathLike):
        from standoff.graph import compile_model
        from standoff.model import read_model

        conflict = compile_model(read_model(conflict))
    elif not isinstance(conflict, Conflict):
        raise TypeError("analyze expects a Conflict from standoff.load(...) or the path of a "
                        f"model file, not {type(conflict).__name__}")
    keys = parse_concepts(concepts)
    if progress is not None and not callable(progress):
        raise TypeError("progress must be a callable (done, total, label), not "
                        f"{type(progress).__name__}")
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
