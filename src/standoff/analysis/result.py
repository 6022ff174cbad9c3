"""Run solution concepts over a conflict and keep the verdicts as a frozen record.

An :class:`Analysis` holds, for every concept computed, a boolean matrix (decision makers ×
states) of individual stability, and the equilibria (states stable for every decision
maker). It records how it was computed (concepts, standoff version) and can explain any
verdict (:meth:`Analysis.explain`).
"""

from __future__ import annotations

import html
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from os import PathLike
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import numpy as np

from standoff._version import __version__
from standoff.analysis.explain import Explanation, explain
from standoff.concepts import (
    STABILITY,
    Concept,
    check_decision_makers,
    label,
    resolve,
)
from standoff.concepts import label as concept_label
from standoff.concepts import parse_concepts as _parse_concepts
from standoff.errors import LookupArgumentError
from standoff.graph.conflict import Conflict, is_int
from standoff.provenance import Provenance, of_model
from standoff.stability import kernel
from standoff.stability.common import steps_to

if TYPE_CHECKING:
    import pandas as pd

    from standoff.stability.limited_move import LimitedMoveExplanation

#: About this many state ids at most appear in ``repr(analysis)`` (shared by the concepts).
MAX_REPR_STATES = 100


def parse_concepts(concepts: str | Iterable[str | Concept] | None) -> tuple[str, ...]:
    """The keys of a concept list (``"nash,seq"`` or an iterable of strings) that
    :func:`analyze` takes, read through the catalogue (:func:`standoff.concepts.parse_concepts`);
    None gives :data:`standoff.concepts.DEFAULT_CONCEPTS`.

    Raises TypeError when ``concepts`` (or an item of it) is not a string, and
    :class:`~standoff.concepts.UnknownConceptError` (a ValueError) when a concept is unknown
    or none is given.
    """
    return tuple(c.key for c in _parse_concepts(concepts, STABILITY))


_is_int = is_int


@dataclass(frozen=True, eq=False)
class Analysis:
    """Stability of every state for every decision maker under each concept computed.

    Attributes:
        conflict: the compiled conflict analysed.
        concepts: concept keys computed (``nash``, ``gmr``, ``smr``, ``seq``, ``sim``).
        stable: ``stable[concept][i, s]`` is True when state ``s`` (0-based) is stable for
            decision maker ``i``.
        version: the standoff version that computed it.
        provenance: how it was computed (concepts, variant, model, version).
    """

    conflict: Conflict
    concepts: tuple[str, ...]
    stable: MappingProxyType
    version: str = __version__
    provenance: Provenance | None = None
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
        """The 0-based index of decision maker ``dm`` (see :meth:`Conflict.dm_index`)."""
        return self.conflict.dm_index(dm)

    def _concept(self, concept: object) -> str:
        """The key of a concept this analysis computed; a clear error otherwise."""
        computed = ", ".join(self.concepts)
        if not isinstance(concept, str):
            raise TypeError(f"a concept is given by its name ({computed}), "
                            f"not {concept!r} ({type(concept).__name__})")
        key = concept.strip().lower()
        if key in self.concepts:
            return key
        key = resolve(concept).key  # UnknownConceptError for a concept that does not exist
        raise LookupArgumentError(
            f"concept '{key}' was not computed in this analysis (computed: {computed}); "
            f"run analyze(conflict, concepts=[..., '{key}']) to have it")

    # -- queries (state ids are 1-based) ------------------------------------------------------
    def stable_states(self, concept: str, dm: str | int) -> list[int]:
        """Ids of the states stable for ``dm`` (id, name or 0-based index) under ``concept``.

        Raises TypeError for an argument of the wrong type, :class:`LookupArgumentError`
        (a KeyError and a ValueError) for an unknown decision maker or a concept that was not
        computed, and :class:`~standoff.concepts.UnknownConceptError` for a concept that does
        not exist.
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

    def explain(
        self, state: int, dm: str | int, concept: str
    ) -> Explanation | LimitedMoveExplanation:
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

    def _provenance(self) -> Provenance:
        """The provenance given by :func:`analyze`, or (for an Analysis built by hand) the
        one its conflict and concepts imply."""
        return self.provenance or of_model(self.conflict.spec, self.concepts)

    # -- views ----------------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """The ``standoff-analysis/1`` JSON document (see docs/cli.md)."""
        c = self.conflict
        value_of = {"Y": True, "N": False, "–": None}
        states = [{
            "id": s + 1,
            "pattern": pattern,
            "options": {k: value_of[letter]
                        for k, letter in zip(c.option_keys, pattern, strict=True)},
        } for s, pattern in enumerate(c.patterns())]
        return self.document(
            states,
            {concept: {dm: self.stable_states(concept, dm) for dm in c.dm_ids}
             for concept in self.concepts},
            self.equilibria)

    def document(self, states: object, stability: dict, equilibria: dict) -> dict[str, Any]:
        """The ``standoff-analysis/1`` document around its long lists, given: the states,
        the stable states (``{concept: {dm: ...}}``) and the equilibria (``{concept:
        ...}``); :meth:`to_dict` gives them as lists, a writer of long JSON text may give
        placeholders (:func:`standoff.report.json_listing.analysis_json_parts`)."""
        c = self.conflict
        return {
            "format": "standoff-analysis/1",
            "title": c.title,
            "view": c.spec.view,
            "standoff_version": self.version,
            "provenance": self._provenance().to_dict(),
            "concepts": list(self.concepts),
            "decision_makers": list(c.dm_ids),
            "options": [
                {"id": o.key, "dm": c.spec.dms[o.dm].id, "text": o.text, "moves": o.moves}
                for o in c.spec.options
            ],
            "states": states,
            "status_quo": None if c.status_quo is None else c.status_quo + 1,
            "stability": stability,
            "equilibria": equilibria,
        }

    def to_frame(self) -> pd.DataFrame:
        """A pandas DataFrame: one row per state, its pattern, one column per concept × DM,
        and one equilibrium column per concept."""
        import pandas as pd

        c = self.conflict
        data: dict[str, Any] = {"pattern": c.patterns()}
        for concept in self.concepts:
            for i, dm in enumerate(c.dm_ids):
                data[f"{concept}:{dm}"] = self.stable[concept][i]
            data[f"{concept}:equilibrium"] = self.equilibrium_mask(concept)
        frame = pd.DataFrame(data, index=pd.RangeIndex(1, c.state_count + 1, name="state"))
        return frame

    def plot(self, decision_makers=None, concepts=None, paths: bool = True,
             limit: int | None = None, layout: str = "auto", title: str | None = None):
        """The state graph as a picture (:func:`standoff.analysis.plot.plot`): unilateral
        improvements as arrows coloured by decision maker, equilibria marked per concept,
        the evolution paths from the status quo highlighted. The object returned shows
        itself in a notebook, ``.save("graph.svg")`` (or ``.png``/``.pdf`` with matplotlib)
        writes it, ``.to_networkx()`` gives the graph. ``decision_makers`` keeps those
        decision makers' moves only; ``limit`` is the most states drawn (default 40)."""
        from standoff.analysis.plot import MAX_NODES, plot

        return plot(self, decision_makers, concepts, paths,
                    MAX_NODES if limit is None else limit, layout, title)

    def to_networkx(self):
        """The state graph as a networkx ``DiGraph`` with the attributes of the GraphML
        export (:func:`standoff.analysis.graphdata.to_networkx`); needs networkx."""
        from standoff.analysis.graphdata import to_networkx

        return to_networkx(self)

    def _repr_html_(self) -> str:
        """The notebook view: a summary and at most :data:`MAX_SHOWN_STATES` rows (every
        row when the model is that small; otherwise the status quo and equilibria)."""
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
            parts.append(f"{label(key)} {text}")
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
    ``progress`` is an optional callable ``(done, total, label)`` for progress reporting:
    called before each concept for each decision maker, and within one that works in parts
    (SIM over a large model) before each part, the label then saying "part k of n".
    Raises TypeError for arguments of the wrong type,
    :class:`~standoff.concepts.UnknownConceptError` (a ValueError) for unknown concepts, and
    :class:`~standoff.errors.ModelError` for a concept defined for two decision makers in a
    model with another number.
    """
    if isinstance(conflict, str | PathLike):
        from standoff.graph import compile_model
        from standoff.model import read_model

        conflict = compile_model(read_model(Path(conflict)))
    elif not isinstance(conflict, Conflict):
        raise TypeError("analyze expects a Conflict from standoff.load(...) or the path of a "
                        f"model file, not {type(conflict).__name__}")
    keys = parse_concepts(concepts)
    if progress is not None and not callable(progress):
        raise TypeError("progress must be a callable (done, total, label), not "
                        f"{type(progress).__name__}")
    for key in keys:  # before any work is done
        check_decision_makers(key, conflict.dm_ids, file=conflict.spec.file)
    n = len(conflict.dm_ids)
    if "sim" in keys:  # refuse a SIM that would not finish before doing any other work
        from standoff.stability.sim import check_sim_cost

        for i in range(n):
            check_sim_cost(conflict, i)
    stable = {}
    total = len(keys) * n
    done = 0
    for key in keys:
        compute = kernel(key)
        rows = []
        for i in range(n):
            step = f"{label(key)} for {conflict.dm_ids[i]}"
            if progress is None:
                rows.append(compute(conflict, i))
            else:  # name the step being worked on, and the parts of a long one (SIM)
                progress(done, total, step)

                def part(k: int, parts: int, done: int = done, step: str = step) -> None:
                    if parts > 1:
                        progress(done, total, f"{step}, part {k + 1} of {parts}")

                with steps_to(part):
                    rows.append(compute(conflict, i))
            done += 1
        matrix = np.vstack(rows)
        matrix.setflags(write=False)
        stable[key] = matrix
    if progress is not None:
        progress(done, total, "done")
    return Analysis(conflict, keys, MappingProxyType(stable),
                    provenance=of_model(conflict.spec, keys))


# -- the stability table as data, and the notebook's view -------------------------------------
# The header and rows (strings) of the stability table: rows are states (id and Y/N/–
# pattern), one column per concept and decision maker (✓ stable, · not) and a last column
# naming the concepts under which the state is an equilibrium. Every rendering of the table
# (standoff.report.tables, the HTML and Markdown reports) starts from these; analysis_html is
# the small HTML view a notebook shows (Analysis._repr_html_), kept here because the result
# object must provide it itself.
YES, NO = "✓", "·"

#: A bounded view (the notebook's, the terminal's) shows at most this many states.
MAX_TABLE_STATES = 100


def stability_rows(
    result: Analysis, states: list[int] | None = None
) -> tuple[list[str], list[list[str]]]:
    """Header and rows of the stability table, for ``states`` (0-based; default: all)."""
    c = result.conflict
    header = ["state", "pattern"]
    for concept in result.concepts:
        for dm in c.dm_ids:
            header.append(f"{concept_label(concept)} {dm}")
    header.append("equilibrium under")
    eq = {k: result.equilibrium_mask(k) for k in result.concepts}
    rows = []
    for s in range(c.state_count) if states is None else states:
        label = str(s + 1) + (" (status quo)" if c.status_quo == s else "")
        row = [label, c.pattern(s)]
        for concept in result.concepts:
            for i in range(len(c.dm_ids)):
                row.append(YES if result.stable[concept][i, s] else NO)
        row.append(", ".join(concept_label(k) for k in result.concepts if eq[k][s]))
        rows.append(row)
    return header, rows


def shown_states(result: Analysis, limit: int = MAX_TABLE_STATES) -> list[int] | None:
    """The states (0-based) a bounded view shows: None (every state) when there are at most
    ``limit``; otherwise the status quo first, then equilibria under any concept, at most
    ``limit`` states in all, in state order."""
    c = result.conflict
    if c.state_count <= limit:
        return None
    marked = np.zeros(c.state_count, dtype=bool)
    for k in result.concepts:
        marked |= result.equilibrium_mask(k)
    chosen = [] if c.status_quo is None else [c.status_quo]
    for s in np.flatnonzero(marked)[: limit + 1]:
        if len(chosen) >= limit:
            break
        if int(s) not in chosen:
            chosen.append(int(s))
    return sorted(chosen)


def analysis_html(result: Analysis) -> str:
    """An HTML summary and stability table (used by notebooks through ``_repr_html_``).

    Models of more than :data:`MAX_TABLE_STATES` states show only the status quo and up to
    that many equilibria, and say how many states are left out and how to get them all.
    """
    c = result.conflict
    states = shown_states(result)
    header, rows = stability_rows(result, states)
    sq = "" if c.status_quo is None else f", status quo {html.escape(c.show(c.status_quo))}"
    parts = [f"<p><b>{html.escape(c.title)}</b>: {c.state_count:,} states, "
             f"{len(c.dm_ids)} decision makers{sq}</p>"]
    if states is not None:
        n_eq = int(np.logical_or.reduce([result.equilibrium_mask(k)
                                         for k in result.concepts]).sum())
        which = "the first equilibria" if n_eq > len(states) - (c.status_quo is not None) \
            else "the equilibria"
        counts = "; ".join(f"{html.escape(concept_label(k))} {len(v):,}"
                           for k, v in result.equilibria.items())
        parts.append(f"<p>Equilibria: {counts}. The table shows {len(states):,} of "
                     f"{c.state_count:,} states (the status quo and {which}); "
                     f"{c.state_count - len(states):,} states are not shown. Every state is "
                     "in <code>.to_frame()</code> and <code>.to_dict()</code>.</p>")
    parts += ["<table>", "<thead><tr>"]
    parts += [f"<th>{html.escape(h)}</th>" for h in header]
    parts.append("</tr></thead><tbody>")
    for row in rows:
        parts.append("<tr>" + "".join(f"<td>{html.escape(x)}</td>" for x in row) + "</tr>")
    parts.append("</tbody></table>")
    return "".join(parts)
