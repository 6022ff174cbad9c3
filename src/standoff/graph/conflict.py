"""A compiled conflict: states, moves and preferences as immutable numpy arrays.

:func:`compile_model` turns a :class:`~standoff.model.loader.ModelSpec` into a
:class:`Conflict`. States are 0-based indices internally and 1-based ids everywhere a
user sees them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import TypeGuard, overload

import numpy as np

from standoff.costs import format_bytes, memory_budget
from standoff.errors import (
    CapacityError,
    LookupArgumentError,
    ModelError,
    NoFeasibleStateError,
    ParameterError,
    StatusQuoInfeasibleError,
)
from standoff.graph.moves import (
    CosetMoves,
    MoveGraph,
    UnilateralMoves,
    lattice_layout,
    lattice_moves,
    unilateral_moves,
)
from standoff.graph.picture import (
    MAX_NODES,
    StateGraphPicture,
    draw_state_graph,
    networkx_graph,
    state_attributes,
    state_moves,
)
from standoff.graph.preferences import rank_matrix
from standoff.graph.states import (
    DEFAULT_MAX_STATES,
    StateSpace,
    enumerate_states,
    estimate_memory,
    implicit_dms,
)
from standoff.graph.views import StateTable
from standoff.model.loader import ModelSpec, StatementSpec


def is_int(value: object) -> TypeGuard[int | np.integer]:
    """True for ints (numpy's included), False for bools and everything else: what the
    library accepts as a state number or an index."""
    if type(value) is int:  # the common case, checked first: this guards hot accessors
        return True
    return isinstance(value, int | np.integer) and not isinstance(value, bool | np.bool_)


@dataclass(frozen=True, eq=False)
class Conflict:
    """A graph model in option form, compiled.

    Attributes:
        spec: the model as read from its file (names, statements, evidence).
        space: the feasible states (bit patterns, collapsed states).
        moves: ``R_i`` for each decision maker, in decision-maker order.
        ranks: preference ranks, shape (decision makers, states); higher is preferred.
        status_quo: 0-based index of the status quo state, or None.
    """

    spec: ModelSpec
    space: StateSpace
    moves: tuple[UnilateralMoves, ...]
    ranks: np.ndarray
    status_quo: int | None
    _cache: dict = field(default_factory=dict, repr=False)

    # -- names -----------------------------------------------------------------------------
    @property
    def title(self) -> str:
        return self.spec.title

    @property
    def dm_ids(self) -> tuple[str, ...]:
        return tuple(d.id for d in self.spec.dms)

    @property
    def option_keys(self) -> tuple[str, ...]:
        return tuple(o.key for o in self.spec.options)

    @property
    def state_count(self) -> int:
        return self.space.size

    def dm_index(self, dm: object) -> int:
        """The 0-based index of a decision maker given by its id, its name or its index.

        This is the one place where decision makers are looked up from what a user typed
        (``--dm``, ``--vary``, ``--given``, ``--coalition``, and the library's
        ``stable_states``, ``is_stable``, ``explain`` ...). Ids come first: a string that
        is a decision maker's id means that decision maker, even when it is also another
        one's name. A name is used only when it is no decision maker's id and exactly one
        decision maker has it.

        Raises:
            TypeError: ``dm`` is neither a str nor an int (bools are not indices).
            LookupArgumentError: (a KeyError and a ValueError) an index outside 0 to
                n - 1, an unknown id or name, or a name shared by several decision
                makers; the message lists them and ``hint`` says what to give instead.
        """
        if is_int(dm):
            if 0 <= dm < len(self.spec.dms):
                return int(dm)
            ids = self.dm_ids
            raise LookupArgumentError(
                f"decision maker index {int(dm)} does not exist",
                hint=f"give an id ({', '.join(ids)}) or an index from 0 to {len(ids) - 1}")
        ids = self.dm_ids
        if not isinstance(dm, str):
            raise TypeError(f"a decision maker is given by its id ({', '.join(ids)}), its "
                            f"name or its 0-based index, not {dm!r} ({type(dm).__name__})")
        if dm in ids:
            return ids.index(dm)
        named = [i for i, d in enumerate(self.spec.dms) if d.name == dm]
        if len(named) == 1:
            return named[0]
        if named:
            listed = ", ".join(f"{ids[i]} ({self.spec.dms[i].name})" for i in named)
            raise LookupArgumentError(
                f"'{dm}' is the name of {len(named)} decision makers: {listed}",
                hint="give the id instead: " + " or ".join(ids[i] for i in named))
        raise LookupArgumentError(f"unknown decision maker '{dm}'",
                                  hint=f"use one of: {', '.join(ids)}")

    def dm_parameter(self, text: str | int, parameter: str, within: str = "") -> int:
        """:meth:`dm_index` for a decision maker given to a library ``parameter`` (e.g.
        ``"vary"``): an unknown or ambiguous one is a
        :class:`~standoff.errors.ParameterError` naming the parameter (the command line
        reports it at its own option), with the same message and fix. ``within`` is
        appended to the message (e.g. ``" in coalition 'a+b'"``)."""
        try:
            return self.dm_index(text)
        except LookupArgumentError as error:
            raise ParameterError(error.message + within, parameter=parameter,
                                 hint=error.hint) from None

    # -- states ----------------------------------------------------------------------------
    def state_index(self, s: object) -> int:
        """``s`` checked as a 0-based state index (state id ``s + 1``), returned as an int.

        The methods below take 0-based indices, as the engine does; outputs show ids.
        Raises TypeError unless ``s`` is an int (numpy's included, bools excluded) and
        LookupArgumentError (a KeyError and a ValueError) outside 0 to n - 1.
        """
        if not is_int(s):
            raise TypeError(f"a state is given here by its 0-based index, an int from 0 to "
                            f"{self.state_count - 1}, not {s!r} ({type(s).__name__})")
        if not 0 <= s < self.space.patterns.shape[0]:
            raise LookupArgumentError(
                f"state index {int(s)} does not exist",
                hint=f"0-based indices run from 0 to {self.state_count - 1} (state id "
                f"= index + 1; a negative index does not count from the end)")
        return int(s)

    def option_values(self, s: int) -> list[bool | None]:
        """Option values of state ``s`` (0-based); None where the option is irrelevant."""
        s = self.state_index(s)
        v = int(self.space.patterns[s])
        irr = int(self.space.irrelevant[s])
        return [
            None if (irr >> k) & 1 else bool((v >> k) & 1) for k in range(len(self.spec.options))
        ]

    def pattern(self, s: int) -> str:
        """Option pattern of state ``s`` (0-based) as Y/N/– in option order."""
        return "".join(
            "–" if x is None else ("Y" if x else "N") for x in self.option_values(s)
        )

    def patterns(self, states: Sequence[int] | np.ndarray | None = None) -> list[str]:
        """The patterns of ``states`` (0-based; every state by default) as
        :meth:`pattern` writes them, computed for all at once (a listing of a million
        states spent most of its time in :meth:`pattern` one state at a time).

        >>> from standoff import load
        >>> c = load("examples/elmira.yaml")
        >>> c.patterns([0, 8]) == [c.pattern(0), c.pattern(8)]
        True
        """
        index = (np.arange(self.state_count) if states is None
                 else np.asarray(states, dtype=np.int64))
        width = len(self.spec.options)
        if index.shape[0] == 0 or width == 0:
            return [""] * int(index.shape[0])
        bits = np.uint64(1) << np.arange(width, dtype=np.uint64)
        values = (self.space.patterns[index][:, None] & bits) != 0
        irrelevant = (self.space.irrelevant[index][:, None] & bits) != 0
        letters = np.where(irrelevant, "–", np.where(values, "Y", "N"))
        return np.ascontiguousarray(letters).view(f"<U{width}").reshape(-1).tolist()

    @overload
    def show(self) -> StateTable: ...
    @overload
    def show(self, s: int) -> str: ...

    def show(self, s: int | None = None) -> str | StateTable:
        """``"5 (NYNNY)"``: a state as users see it, by id and pattern (``s`` 0-based).

        Without ``s``, a table of every state (:class:`~standoff.graph.views.StateTable`:
        pattern, options taken, status quo, each decision maker's rank), which prints as
        text, shows as HTML in a notebook and gives a DataFrame with ``.to_frame()``."""
        if s is None:
            return StateTable(self)
        return f"{self.state_index(s) + 1} ({self.pattern(s)})"

    def graph(self, decision_makers=None, limit: int = MAX_NODES, layout: str = "auto",
              title: str | None = None) -> StateGraphPicture:
        """The state graph as a picture (:mod:`standoff.graph.picture`): unilateral
        improvements as arrows coloured by decision maker, other moves grey, the status quo
        ringed. Equilibria and evolution paths need an analysis: ``analyze(conflict)
        .plot()`` draws the same picture with them. ``decision_makers`` (ids, names or
        0-based indices) keeps those decision makers' moves only."""
        if isinstance(decision_makers, str | int):
            decision_makers = [decision_makers]
        movers = None if decision_makers is None else sorted(
            {self.dm_index(d) for d in decision_makers})
        if isinstance(limit, bool) or not isinstance(limit, int):
            raise TypeError(f"limit is a number of states (an int), not {limit!r}")
        if limit < 1:
            raise ParameterError(f"limit must be at least 1, not {limit}", parameter="limit",
                                 hint="e.g. limit=40 (the default)")
        return draw_state_graph(self, movers=movers, limit=limit, layout=layout, title=title,
                                network=self.to_networkx)

    def to_networkx(self):
        """The state graph as a networkx ``DiGraph`` (nodes: state numbers with ``pattern``,
        ``taken``, ``status_quo``, ``rank_DM``; edges: ``mover``, ``improvement``), the
        attributes of the GraphML export without verdicts; needs networkx."""
        return networkx_graph({"title": self.title}, state_attributes(self),
                              state_moves(self), self.dm_ids)

    def taken(self, s: int) -> list[str]:
        """Keys of the options taken in state ``s`` (0-based)."""
        return [k for k, x in zip(self.option_keys, self.option_values(s), strict=True) if x]

    @cached_property
    def own_masks(self) -> tuple[int, ...]:
        """Bit mask of each decision maker's options."""
        return tuple(sum(1 << k for k in d.options) for d in self.spec.dms)

    def move_count(self) -> int:
        """Number of unilateral moves of all decision makers together."""
        return sum(g.edge_count for g in self.moves)

    def prefers(self, dm: int | str, s: int, t: int) -> bool:
        """Whether decision maker ``dm`` (see :meth:`dm_index`) strictly prefers state ``s``
        to ``t`` (0-based indices)."""
        i = self.dm_index(dm)
        return bool(self.ranks[i, self.state_index(s)] > self.ranks[i, self.state_index(t)])

    def __repr__(self) -> str:
        return (
            f"<Conflict {self.title!r}: {len(self.dm_ids)} decision makers, "
            f"{len(self.option_keys)} options, {self.state_count} states>"
        )


def compile_model(spec: ModelSpec, max_states: int = DEFAULT_MAX_STATES) -> Conflict:
    """Enumerate states, build each decision maker's moves and rank its preferences."""
    space = enumerate_states(spec, max_states=max_states)
    if space.size == 0:
        raise _as(NoFeasibleStateError, spec.error(
            ("feasibility",),
            "no state is feasible: the constraints exclude every combination of options",
            "relax 'exactly_one'/'infeasible' constraints; check that 'infeasible' lists what "
            "can NOT happen",
        ))

    implicit = implicit_dms(spec, space.product is not None)
    grouped = spec.extra.get("move_groups", {})
    # which decision makers' moves are held as lattices: decided here, before the memory
    # check, so that the check counts the representation built below
    layouts = {}
    for index, d in enumerate(spec.dms):
        if index not in implicit and index not in grouped:
            layout = lattice_layout(space, sum(1 << k for k in d.options))
            if layout is not None:
                layouts[index] = layout
    lattice = {
        index: (n_cosets << len(spec.dms[index].options),
                sum(1 for k in spec.dms[index].options if spec.options[k].moves != "both"))
        for index, (_, n_cosets) in layouts.items()
    }
    needed = estimate_memory(spec, space.size, implicit, lattice)
    budget = memory_budget()
    if needed > budget:
        raise CapacityError(
            f"the model has {space.size:,} states and its moves could need up to "
            f"{format_bytes(needed)}, more than the {format_bytes(budget)} available",
            file=spec.file,
            hint="give decision makers fewer options each (moves grow as 2^options per "
            "decision maker) or add feasibility constraints",
        )

    def show(s: int) -> str:
        return _show(space, s)

    moves: list[UnilateralMoves] = []
    for index, d in enumerate(spec.dms):
        if index in implicit:
            moves.append(CosetMoves(space.size, space.radices[index], space.strides[index]))
            continue
        own = take = drop = 0
        for k in d.options:
            bit = 1 << k
            own |= bit
            if spec.options[k].moves == "take":
                take |= bit
            elif spec.options[k].moves == "drop":
                drop |= bit
        lattice_form = (lattice_moves(space, own, take, drop, layouts[index])
                        if index in layouts else None)
        moves.append(lattice_form if lattice_form is not None
                     else unilateral_moves(space, own, take, drop))
    for index, masks in spec.extra.get("move_groups", {}).items():
        moves[index] = _grouped_moves(space, masks, spec)
    ranks = rank_matrix(space, show)
    status_quo = None
    if spec.status_quo is not None:
        pattern = sum(1 << k for k in spec.status_quo)
        sq = int(space.state_of(np.array([pattern], dtype=np.uint64))[0])
        if sq < 0:
            raise _as(StatusQuoInfeasibleError, _status_quo_error(spec, space, pattern))
        status_quo = sq
    return Conflict(spec, space, tuple(moves), ranks, status_quo)


def _status_quo_error(spec: ModelSpec, space: StateSpace, pattern: int) -> ModelError:
    """The error for a status quo that is not a feasible state, at the status quo: which
    options it takes, and each feasibility constraint it breaks with the line it is on."""
    taken = [spec.options[k].key for k in range(len(spec.options)) if (pattern >> k) & 1]
    shown = ", ".join(taken) if taken else "no option"
    broken = []
    lines = []
    for kind, constraint in space.violated(pattern):
        line, _ = spec.locations.find(constraint.path)
        at = f" (line {line})" if line is not None else ""
        if line is not None:
            lines.append(str(line))
        if isinstance(constraint, StatementSpec):  # kind "infeasible"
            broken.append(f"the infeasible statement '{constraint.text}'{at}")
        else:
            names = [spec.options[k].key for k in constraint.options]
            count = sum(1 for k in constraint.options if (pattern >> k) & 1)
            broken.append(f"the {kind} group [{', '.join(names)}]{at}, of which it takes "
                          f"{count}")
    if not broken:  # not expected: every infeasible pattern breaks some constraint
        return spec.error(("status_quo",), f"the status quo is not a feasible state ({shown} "
                          "taken)", "list exactly the options taken today; check them "
                          "against the feasibility constraints")
    where = ("the constraint at line " + lines[0] if len(lines) == 1 else
             "the constraints at lines " + ", ".join(lines) if lines else
             "the feasibility constraints")
    return spec.error(
        ("status_quo",),
        f"the status quo is not a feasible state: with {shown} taken it breaks "
        + "; ".join(broken),
        f"list exactly the options taken today; if they are right, correct {where}",
    )


def _grouped_moves(space: StateSpace, masks: tuple[int, ...], spec: ModelSpec) -> MoveGraph:
    """The moves of a decision maker who changes the options of one group (bit mask) at a
    time: the union of the option-form moves over each group's options alone. Used for a
    common decision maker of a hierarchical model, who moves in one local conflict at a time
    (``common_moves: one_local_conflict``, :mod:`standoff.model.hierarchy`)."""
    take = sum(1 << k for k, o in enumerate(spec.options) if o.moves == "take")
    drop = sum(1 << k for k, o in enumerate(spec.options) if o.moves == "drop")
    sources, targets = [], []
    for mask in masks:
        graph = unilateral_moves(space, mask, take & mask, drop & mask)
        sources.append(graph.sources())
        targets.append(graph.targets.astype(np.int64))
    return MoveGraph.from_edges(space.size, np.concatenate(sources), np.concatenate(targets))


def _as(kind: type[ModelError], error: ModelError) -> ModelError:
    """``error`` as an error of the more specific type ``kind`` (same message and place)."""
    return kind(error.message, error.file, error.line, error.column, error.hint)


def _show(space: StateSpace, s: int) -> str:
    v = int(space.patterns[s])
    irr = int(space.irrelevant[s])
    chars = []
    for k in range(len(space.spec.options)):
        chars.append("–" if (irr >> k) & 1 else ("Y" if (v >> k) & 1 else "N"))
    return f"{s + 1} ({''.join(chars)})"
