"""Status quo analysis: where can the conflict go from today's state, and how?

Definition (Li, Kilgour & Hipel 2005, "Status quo analysis in the graph model for conflict
resolution", J. Operational Research Society 56(6):699–707; Xu, Hipel, Kilgour & Fang
2018, ch. on status quo analysis). From the status quo *s₀* the conflict evolves by a
sequence of moves, one decision maker at a time. A state is **reachable** when some
sequence leads to it from *s₀*; standoff uses the legal sequences of BRIEF §2, as for
sanctions: a decision maker may move several times, never twice in a row (two consecutive
moves by one decision maker are one move). Three kinds of step are offered:

* ``moves="ui"`` (the default): every step is a unilateral improvement of the decision
  maker who makes it, measured from the state it moves from — the reachable set is
  ``{s₀} ∪ R_N⁺(s₀)``;
* ``moves="any"``: every step is a unilateral move — ``{s₀} ∪ R_N(s₀)``;
* ``coalitions=True``: every step is a coalitional improvement ``R_H⁺⁺`` of some coalition
  *H* (a state every member prefers, reached by a legal sequence of the members' moves;
  see :mod:`standoff.stability.coalition`); singletons are coalitions, so unilateral
  improvements are included, and one coalition never makes two steps in a row.

The reachable equilibria are the equilibria (of each concept analysed) among the reachable
states. For each, :func:`shortest_path` gives an evolution path with the fewest steps
(breadth-first search over (state, last mover)); :class:`StatusQuoAnalysis` renders the
classic evolution table (status quo → transitional states → final state, who moved and which
options changed) as text, Markdown and JSON.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from standoff.analysis.coalitions import (
    all_coalitions,
    check_coalition_cost,
    check_coalition_count,
    coalition_count,
)
from standoff.analysis.result import Analysis, analyze
from standoff.concepts import label as concept_label
from standoff.errors import ModelError, ParameterError
from standoff.graph.conflict import Conflict, is_int
from standoff.provenance import Provenance, of_model
from standoff.stability.coalition import CoalitionStability, shortest_legal_sequence
from standoff.stability.sequences import LegalSearch, legal_search, reaching
from standoff.words import html_lines, html_table

MOVE_KINDS = ("ui", "any")
MAX_PATHS = 50
#: The text names at most this many reachable equilibria per concept, then says how many
#: there are in all (the lists themselves, in ``to_dict``, are complete).
MAX_LISTED = 50


@dataclass(frozen=True)
class PathStep:
    """One step of an evolution path (state ids are 1-based).

    Attributes:
        source, target: the states before and after the step.
        movers: the decision maker who moved, or the members of the coalition.
        changed: keys of the options whose value changed (``lg.insist``).
        values: the new value of each changed option (None: irrelevant there).
        moves: for a coalition's step, the members' individual moves ``(dm, from, to)``.
    """

    source: int
    target: int
    movers: tuple[str, ...]
    changed: tuple[str, ...]
    values: tuple[bool | None, ...]
    moves: tuple[tuple[str, int, int], ...] = ()

    @property
    def dm(self) -> str:
        """The mover as one id: ``lg``, or ``moe+uniroyal`` for a coalition."""
        return "+".join(self.movers)

    def changes(self) -> str:
        """``lg.insist→Y``: the changed options and their new values."""
        marks = {True: "Y", False: "N", None: "–"}
        return ", ".join(f"{k}→{marks[v]}" for k, v in zip(self.changed, self.values,
                                                          strict=True))

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "from": self.source,
            "to": self.target,
            "dm": self.dm,
            "changed": list(self.changed),
            "values": dict(zip(self.changed, self.values, strict=True)),
        }
        if len(self.movers) > 1:
            out["coalition"] = list(self.movers)
            out["moves"] = [{"dm": d, "from": f, "to": t} for d, f, t in self.moves]
        return out


@dataclass(frozen=True)
class EvolutionPath:
    """A shortest evolution path from ``start`` to ``target`` (ids)."""

    start: int
    target: int
    steps: tuple[PathStep, ...]

    @property
    def states(self) -> tuple[int, ...]:
        """The states visited, status quo first."""
        return (self.start, *(s.target for s in self.steps))

    def sentence(self, conflict: Conflict) -> str:
        """The path in words."""
        if not self.steps:
            return f"{conflict.show(self.start - 1)} is where the conflict starts."
        parts = []
        for step in self.steps:
            who = " and ".join(_name(conflict, d) for d in step.movers)
            parts.append(f"{who} move{'' if len(step.movers) > 1 else 's'} to "
                         f"{conflict.show(step.target - 1)} ({step.changes()})")
        n = len(self.steps)
        return (f"From {conflict.show(self.start - 1)} the conflict can reach "
                f"{conflict.show(self.target - 1)} in {n} step{'s' if n > 1 else ''}: "
                + "; then ".join(parts) + ".")

    def to_dict(self) -> dict[str, Any]:
        return {"to": self.target, "steps": [s.to_dict() for s in self.steps]}


def _name(conflict: Conflict, dm: str) -> str:
    return conflict.spec.dms[conflict.dm_index(dm)].name


def _start(conflict: Conflict, start: int | np.integer | None) -> int:
    """0-based start state: ``start`` (1-based id) or the model's status quo."""
    if start is not None:
        if not 1 <= start <= conflict.state_count:
            raise ParameterError(f"state {start} does not exist", parameter="start",
                                 hint=f"states are numbered 1 to {conflict.state_count}")
        return int(start) - 1
    if conflict.status_quo is None:
        raise ModelError(
            "the model has no status quo to start from",
            file=conflict.spec.file,
            hint="add 'status_quo: [options taken today]' to the model file, or give a "
            "starting state (start= in the library, --from STATE on the command line)",
        )
    return conflict.status_quo


def _check_moves(moves: str, coalitions: bool) -> None:
    if moves not in MOVE_KINDS:
        raise ParameterError(f"unknown kind of move {moves!r}", parameter="moves",
                             hint="use one of: 'ui' (unilateral improvements, the default), "
                             "'any' (any unilateral move)")
    if coalitions and moves != "ui":
        raise ParameterError("moves of any kind cannot be combined with coalitional steps, "
                             "which are improvements", parameter="moves",
                             hint="with coalitions, allow only unilateral improvements "
                             "('ui', the default)")


# -- search over (state, last mover) ---------------------------------------------------------


def _path_from_search(
    conflict: Conflict, search: LegalSearch, target: int
) -> EvolutionPath | None:
    if target == search.start:
        return EvolutionPath(search.start + 1, target + 1, ())
    raw = search.moves_to(target)
    if raw is None:
        return None
    steps = tuple(_step(conflict, (conflict.dm_ids[j],), s, t) for j, s, t in raw)
    return EvolutionPath(search.start + 1, target + 1, steps)


def _step(
    conflict: Conflict, movers: tuple[str, ...], s: int, t: int,
    moves: tuple[tuple[str, int, int], ...] = (),
) -> PathStep:
    """A :class:`PathStep` from 0-based ``s`` to ``t`` with the options that changed."""
    before, after = conflict.option_values(s), conflict.option_values(t)
    changed, values = [], []
    for key, a, b in zip(conflict.option_keys, before, after, strict=True):
        if b is None:
            continue  # irrelevant in the target: not a change anyone made
        if bool(a) != b:
            changed.append(key)
            values.append(b)
    return PathStep(s + 1, t + 1, movers, tuple(changed), tuple(values), moves)


# -- coalitional steps -----------------------------------------------------------------------


def _checked_coalitions(conflict: Conflict) -> list[tuple[int, ...]]:
    """Every coalition (singletons included) for coalitional steps, after refusing searches
    that would not finish or not fit: the search finds each coalition's improvements from
    each state reached, expands each state at most twice (trying every coalition), and
    keeps every coalition's reachable sets while it runs."""
    n = len(conflict.dm_ids)
    count = coalition_count(n, 1)
    what = "the search for paths with coalitional steps"
    check_coalition_count(
        conflict, count, what, steps=2.0 * conflict.state_count * count,
        hint=f"coalitional steps may be taken by any of the {count:,} groups of the {n} "
        "decision makers; leave out --coalitions (unilateral improvements only), or give "
        "the model fewer decision makers or states")
    groups = all_coalitions(conflict)
    check_coalition_cost(conflict, groups, retained=True, what=what)
    return groups


def _coalition_search(
    conflict: Conflict, start: int, coalitions: Sequence[tuple[int, ...]]
) -> dict[tuple[int, int], tuple[int, int] | None]:
    """BFS over (state, last coalition); steps are coalitional improvements. The result is
    kept on the conflict, so the reachable states and every shortest path from ``start``
    share one search.

    A state is expanded at most twice: once reached with two different last coalitions
    g1 and g2, every coalition may move next from it (any but g1 after the first, g1 after
    the second), and those expansions came first, so a third would find nothing new. The
    parent map is exactly that of expanding every node."""
    key = ("coalition_search", start, tuple(coalitions))
    if key in conflict._cache:
        return conflict._cache[key]
    groups = [CoalitionStability(conflict, tuple(c)) for c in coalitions]
    parent: dict[tuple[int, int], tuple[int, int] | None] = {(start, -1): None}
    expansions = np.zeros(conflict.state_count, dtype=np.int8)
    queue = deque([(start, -1)])
    while queue:
        node = queue.popleft()
        s, last = node
        if expansions[s] >= 2:
            continue
        expansions[s] += 1
        for g, group in enumerate(groups):
            if g == last:
                continue
            for t in group.improvements(s):
                nxt = (int(t), g)
                if nxt not in parent:
                    parent[nxt] = node
                    queue.append(nxt)
    conflict._cache[key] = parent
    return parent


def _coalition_path(
    conflict: Conflict, parent: dict, coalitions: Sequence[tuple[int, ...]], start: int,
    target: int,
) -> EvolutionPath | None:
    if target == start:
        return EvolutionPath(start + 1, target + 1, ())
    # BFS order: dict insertion order is discovery order, so the first node found is nearest.
    node = next((k for k in parent if k[0] == target and k[1] >= 0), None)
    if node is None:
        return None
    raw = []
    while parent[node] is not None:
        prev = parent[node]
        raw.append((node[1], prev[0], node[0]))
        node = prev
    steps = []
    for g, s, t in reversed(raw):
        members = coalitions[g]
        names = tuple(conflict.dm_ids[k] for k in members)
        inner = shortest_legal_sequence(conflict, members, s, reaching(t)) or []
        moves = tuple((conflict.dm_ids[d], a + 1, b + 1) for d, a, b in inner)
        steps.append(_step(conflict, names, s, t, moves if len(members) > 1 else ()))
    return EvolutionPath(start + 1, target + 1, tuple(steps))


# -- public API ------------------------------------------------------------------------------


def reachable_states(
    conflict: Conflict, moves: str = "ui", start: int | None = None, coalitions: bool = False
) -> np.ndarray:
    """Boolean array over states: reachable from the status quo (or ``start``, an id)."""
    _check_moves(moves, coalitions)
    s0 = _start(conflict, start)
    out = np.zeros(conflict.state_count, dtype=bool)
    out[s0] = True
    if coalitions:
        for s, _ in _coalition_search(conflict, s0, _checked_coalitions(conflict)):
            out[s] = True
        return out
    search = legal_search(conflict, s0, improving=moves == "ui")
    out |= np.any(search.level >= 0, axis=0)
    return out


def is_reachable(
    conflict: Conflict, state: int, moves: str = "ui", start: int | None = None,
    coalitions: bool = False,
) -> bool:
    """Whether ``state`` (id) is reachable from the status quo (for claims)."""
    return bool(reachable_states(conflict, moves, start, coalitions)[state - 1])


def shortest_path(
    conflict: Conflict, target: int, moves: str = "ui", start: int | None = None,
    coalitions: bool = False,
) -> EvolutionPath | None:
    """A shortest evolution path from the status quo (or ``start``) to ``target`` (ids), or
    None if ``target`` is not reachable."""
    _check_moves(moves, coalitions)
    s0 = _start(conflict, start)
    if not 1 <= target <= conflict.state_count:
        raise ParameterError(f"state {target} does not exist", parameter="target",
                             hint=f"states are numbered 1 to {conflict.state_count}")
    if coalitions:
        groups = _checked_coalitions(conflict)
        parent = _coalition_search(conflict, s0, groups)
        return _coalition_path(conflict, parent, groups, s0, target - 1)
    return _path_from_search(conflict, legal_search(conflict, s0, moves == "ui"), target - 1)


def nearest_path(
    conflict: Conflict, targets: np.ndarray, moves: str = "ui", start: int | None = None,
) -> EvolutionPath | None:
    """A shortest evolution path from the status quo (or ``start``, an id) to the nearest
    of ``targets`` (a boolean array over states): the reachable target with the fewest steps,
    the lowest state number among equally near ones; None if no target is reachable.

    The distances come from the one breadth-first search :func:`reachable_states` uses, and
    one path is built whatever the number of reachable targets (the witness of a
    reachability claim)."""
    _check_moves(moves, False)
    s0 = _start(conflict, start)
    search = legal_search(conflict, s0, improving=moves == "ui")
    steps = search.steps()
    hits = np.flatnonzero(np.asarray(targets, dtype=bool) & (steps >= 0))
    if hits.size == 0:
        return None
    nearest = int(hits[np.argmin(steps[hits])])  # argmin: the first, lowest id, on ties
    return _path_from_search(conflict, search, nearest)


def _analysis(conflict: Conflict, analysis: Analysis | None,
              concepts: str | Iterable[str] | None) -> Analysis:
    """``analysis``, or a fresh one under ``concepts`` (not both)."""
    if analysis is None:
        return analyze(conflict, concepts)
    if concepts is not None:
        raise TypeError("give an analysis or the concepts to analyse, not both")
    return analysis


def reachable_equilibria(
    conflict: Conflict, analysis: Analysis | None = None, moves: str = "ui",
    start: int | None = None, coalitions: bool = False,
    concepts: str | Iterable[str] | None = None,
) -> dict[str, list[int]]:
    """``{concept: [equilibria reachable from the status quo]}`` for each concept of
    ``analysis`` (default: a fresh analysis under ``concepts``, by default the five classic
    concepts; see :func:`status_quo_analysis`)."""
    analysis = _analysis(conflict, analysis, concepts)
    reach = reachable_states(conflict, moves, start, coalitions)
    return {
        c: [int(s) + 1 for s in np.flatnonzero(analysis.equilibrium_mask(c) & reach)]
        for c in analysis.concepts
    }


def select_states(conflict: Conflict, selector: str) -> list[int]:
    """State ids chosen by ``selector``: a state number, or a statement over options
    (``accept and insist``), evaluated on each state's option values (irrelevant options
    count as not taken)."""
    text = selector.strip()
    if text.isdigit():
        state = int(text)
        if not 1 <= state <= conflict.state_count:
            raise ParameterError(f"state {state} does not exist", parameter="selector",
                                 hint=f"states are numbered 1 to {conflict.state_count}")
        return [state]
    from standoff.model.expressions import ExpressionError, parse

    options = conflict.spec.options

    def resolve(name: str, position: int) -> int:
        exact = [k for k, o in enumerate(options) if o.key == name]
        found = exact or [k for k, o in enumerate(options) if o.id == name]
        if len(found) == 1:
            return found[0]
        if found:
            raise ExpressionError(f"option '{name}' is ambiguous", position,
                                  " or ".join(options[k].key for k in found))
        raise ExpressionError(f"unknown option '{name}'", position,
                              "known options: " + ", ".join(o.key for o in options))

    try:
        expr = parse(text, resolve)
    except ExpressionError as exc:
        raise ParameterError(f"bad statement '{text}': {exc.message}", parameter="selector",
                             hint=exc.hint or "write a state number or a statement over options, "
                         "e.g. 'accept and not insist'") from None
    chosen = [s + 1 for s in range(conflict.state_count)
              if expr.evaluate([bool(v) for v in conflict.option_values(s)])]
    if not chosen:
        raise ParameterError(f"no state satisfies '{text}'", parameter="selector",
                             hint="'standoff states MODEL' lists the states and their options")
    return chosen


@dataclass(frozen=True, eq=False)
class StatusQuoAnalysis:
    """Where the conflict can go from its status quo, and the shortest way to each target.

    Attributes:
        conflict: the conflict analysed.
        start: the status quo (or chosen starting state), id.
        moves: ``"ui"`` or ``"any"``; ``coalitions``: whether coalitional steps were allowed.
        reachable: ids of every reachable state (the start included).
        equilibria: ``{concept: equilibria}`` of the analysis used.
        reachable_equilibria: ``{concept: reachable equilibria}``.
        targets: the states asked about (default: every equilibrium of any concept).
        paths: a shortest path to each reachable target other than the start;
            ``unreachable``: the targets that cannot be reached.
    """

    conflict: Conflict
    start: int
    moves: str
    coalitions: bool
    reachable: tuple[int, ...]
    equilibria: dict[str, list[int]]
    reachable_equilibria: dict[str, list[int]]
    targets: tuple[int, ...]
    paths: tuple[EvolutionPath, ...]
    unreachable: tuple[int, ...]
    paths_omitted: int = 0
    provenance: Provenance | None = None

    @property
    def at_start(self) -> list[str]:
        """The concepts under which the starting state is itself an equilibrium."""
        return [k for k, states in self.equilibria.items() if self.start in states]

    def path_to(self, target: int) -> EvolutionPath | None:
        return next((p for p in self.paths if p.target == target), None)

    @property
    def how(self) -> str:
        if self.coalitions:
            return "coalitional improvements"
        return "unilateral improvements" if self.moves == "ui" else "unilateral moves"

    def sentences(self, more_hint: str = "ask for them with --to") -> list[str]:
        """The analysis in sentences. ``more_hint`` tells how to get the paths left out when
        there are more than :data:`MAX_PATHS` targets; the default suits ``standoff paths``
        (whose option ``--to`` it names), a report passes the whole command. At most
        :data:`MAX_LISTED` reachable equilibria are named per concept."""
        c = self.conflict
        out = [
            f"From the status quo {c.show(self.start - 1)}, {len(self.reachable)} of "
            f"{c.state_count} states are reachable by legal sequences of {self.how}."
        ]
        for concept, states in self.reachable_equilibria.items():
            label = concept_label(concept)
            if states:
                named = ", ".join(c.show(s - 1) for s in states[:MAX_LISTED])
                if len(states) > MAX_LISTED:
                    named += (f", … ({len(states):,} in all; 'standoff paths --format json' "
                              "lists every one)")
                out.append(f"{label} equilibria reachable: {named}.")
            else:
                out.append(f"No {label} equilibrium is reachable.")
        at_start = self.at_start
        if at_start:
            labels = ", ".join(concept_label(k) for k in at_start)
            out.append(f"The status quo {c.show(self.start - 1)} is itself an equilibrium "
                       f"({labels}).")
        out.extend(p.sentence(c) for p in self.paths)
        if self.paths_omitted:
            out.append(self.omitted_sentence(more_hint))
        if self.unreachable:
            out.append(self.unreachable_sentence())
        return out

    def omitted_sentence(self, more_hint: str = "ask for them with --to") -> str:
        """How many reachable targets have no path shown (more than :data:`MAX_PATHS`), and
        ``more_hint``: how to get them."""
        return (f"Paths are shown to the {len(self.paths)} nearest targets; "
                f"{self.paths_omitted:,} more reachable targets are left out ({more_hint}).")

    def unreachable_sentence(self) -> str:
        """The targets that cannot be reached, in one sentence (at most :data:`MAX_PATHS`
        named, then how many more)."""
        c = self.conflict
        named = ", ".join(c.show(t - 1) for t in self.unreachable[:MAX_PATHS])
        rest = len(self.unreachable) - MAX_PATHS
        more = f" and {rest:,} more" if rest > 0 else ""
        return f"Not reachable by {self.how}: {named}{more}."

    def __str__(self) -> str:
        return "\n".join(self.sentences())

    def __repr__(self) -> str:
        return (f"<StatusQuoAnalysis of {self.conflict.title!r} from state {self.start}: "
                f"{len(self.reachable)} reachable states, {len(self.paths)} paths, "
                f"{len(self.unreachable)} targets unreachable; print() it or .to_frame()>")

    _COLUMNS = ("target", "step", "mover", "from", "to", "changes")

    def _rows(self) -> list[list[object]]:
        return [[p.target, k + 1, step.dm, step.source, step.target, step.changes()]
                for p in self.paths for k, step in enumerate(p.steps)]

    def to_frame(self) -> Any:
        """A pandas DataFrame: one row per step of each path (the target the path leads
        to, the step's number, who moves, from and to which state, the options changed)."""
        import pandas as pd

        return pd.DataFrame(self._rows(), columns=list(self._COLUMNS))

    def _repr_html_(self) -> str:
        c = self.conflict
        lines = self.sentences()[: 1 + len(self.reachable_equilibria) + bool(self.at_start)]
        if self.paths_omitted:
            lines.append(f"{self.paths_omitted:,} more reachable targets are left out.")
        if self.unreachable:
            lines.append(self.unreachable_sentence())
        table = html_table(list(self._COLUMNS), self._rows()) if self.paths else ""
        return html_lines(f"Status quo analysis: {c.title}", lines) + table

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": "standoff-paths/1",
            "title": self.conflict.title,
            "provenance": None if self.provenance is None else self.provenance.to_dict(),
            "status_quo": self.start,
            "moves": self.moves,
            "coalitions": self.coalitions,
            "reachable": list(self.reachable),
            "at_status_quo": self.at_start,
            "paths": [p.to_dict() for p in self.paths],
            "unreachable": list(self.unreachable),
            "paths_omitted": self.paths_omitted,
            "reachable_equilibria": self.reachable_equilibria,
            "equilibria": self.equilibria,
            "text": self.sentences(),
        }

    def evolution_table(self, path: EvolutionPath) -> list[list[str]]:
        """The classic evolution table: one row per option (its value in each state of the
        path; ``*`` marks a change), then a row naming who moved."""
        c = self.conflict
        states = [s - 1 for s in path.states]
        header = ["option"] + [
            ("status quo " if k == 0 else "") + str(s + 1) for k, s in enumerate(states)
        ]
        rows = [header]
        marks = {True: "Y", False: "N", None: "–"}
        for k, key in enumerate(c.option_keys):
            row = [key]
            for n, s in enumerate(states):
                v = marks[c.option_values(s)[k]]
                if n > 0 and key in path.steps[n - 1].changed:
                    v += "*"
                row.append(v)
            rows.append(row)
        rows.append(["moved"] + [""] + [step.dm for step in path.steps])
        return rows


def status_quo_analysis(
    conflict: Conflict,
    analysis: Analysis | None = None,
    moves: str = "ui",
    coalitions: bool = False,
    targets: Sequence[int] | None = None,
    start: int | None = None,
    concepts: str | Iterable[str] | None = None,
) -> StatusQuoAnalysis:
    """Reachable states and equilibria from the status quo, with a shortest path to each
    target (default: every equilibrium of any concept of ``analysis``).

    Without ``analysis``, the conflict is analysed under ``concepts`` (keys of
    :mod:`standoff.concepts`, as :func:`~standoff.analysis.analyze` takes them; an unknown one
    raises :class:`~standoff.concepts.UnknownConceptError`).

    TypeError when ``conflict`` is not a Conflict, ``analysis`` not an Analysis (or None)
    or ``start`` not a state number (or None)."""
    if not isinstance(conflict, Conflict):
        raise TypeError(f"status_quo_analysis expects a Conflict (standoff.load(...)), not "
                        f"{type(conflict).__name__}")
    if analysis is not None and not isinstance(analysis, Analysis):
        raise TypeError(f"analysis must be an Analysis (standoff.analyze(conflict)) or None, "
                        f"not {type(analysis).__name__}")
    if start is not None and not is_int(start):
        raise TypeError(f"start is a state number, an int from 1 to {conflict.state_count}, "
                        f"not {start!r} ({type(start).__name__})")
    _check_moves(moves, coalitions)
    s0 = _start(conflict, start)
    analysis = _analysis(conflict, analysis, concepts)
    reach = reachable_states(conflict, moves, s0 + 1, coalitions)
    equilibria = analysis.equilibria
    if targets is None:
        chosen = sorted({s for states in equilibria.values() for s in states})
    else:
        chosen = sorted(set(targets))
    unreachable = [t for t in chosen if t != s0 + 1 and not reach[t - 1]]
    wanted = [t for t in chosen if t != s0 + 1 and reach[t - 1]]
    omitted = 0
    if len(wanted) > MAX_PATHS:
        # keep the nearest targets (fewest steps), then by state number
        if not coalitions:
            levels = legal_search(conflict, s0, moves == "ui").level
            steps = np.where(levels >= 0, levels, np.iinfo(np.int64).max).min(axis=0)
            wanted = sorted(wanted, key=lambda t: (int(steps[t - 1]), t))
        omitted = len(wanted) - MAX_PATHS
        wanted = sorted(wanted[:MAX_PATHS])
    paths = []
    for t in wanted:
        path = shortest_path(conflict, t, moves, s0 + 1, coalitions)
        assert path is not None
        paths.append(path)
    return StatusQuoAnalysis(
        conflict=conflict,
        start=s0 + 1,
        moves=moves,
        coalitions=coalitions,
        reachable=tuple(int(s) + 1 for s in np.flatnonzero(reach)),
        equilibria=equilibria,
        reachable_equilibria={
            c: [s for s in states if reach[s - 1]] for c, states in equilibria.items()
        },
        targets=tuple(chosen),
        paths=tuple(paths),
        unreachable=tuple(unreachable),
        paths_omitted=omitted,
        provenance=of_model(conflict.spec, analysis.concepts, moves=moves,
                            coalitions=coalitions, start=s0 + 1,
                            targets=None if targets is None else chosen),
    )


__all__ = [
    "MAX_LISTED",
    "MOVE_KINDS",
    "EvolutionPath",
    "PathStep",
    "StatusQuoAnalysis",
    "all_coalitions",
    "is_reachable",
    "nearest_path",
    "reachable_equilibria",
    "reachable_states",
    "select_states",
    "shortest_path",
    "status_quo_analysis",
]
