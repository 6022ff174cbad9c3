"""A compiled conflict: states, moves and preferences as immutable numpy arrays.

:func:`compile_model` turns a :class:`~standoff.model.loader.ModelSpec` into a
:class:`Conflict`. States are 0-based indices internally and 1-based ids everywhere a
user sees them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from standoff.errors import (
    CapacityError,
    LookupArgumentError,
    ModelError,
    NoFeasibleStateError,
    ParameterError,
    StatusQuoInfeasibleError,
)
from standoff.graph.moves import CosetMoves, MoveGraph, Moves, unilateral_moves
from standoff.graph.preferences import rank_matrix
from standoff.graph.states import (
    DEFAULT_MAX_STATES,
    StateSpace,
    enumerate_states,
    estimate_memory,
    format_bytes,
    implicit_dms,
    memory_budget,
)
from standoff.model.loader import ModelSpec


def is_int(value: object) -> bool:
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
    moves: tuple[Moves, ...]
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

    def dm_parameter(self, text: str, parameter: str, within: str = "") -> int:
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

    def show(self, s: int) -> str:
        """``"5 (NYNNY)"``: a state as users see it, by id and pattern (``s`` 0-based)."""
        return f"{self.state_index(s) + 1} ({self.pattern(s)})"

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
    needed = estimate_memory(spec, space.size, implicit)
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

    moves: list[Moves] = []
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
        moves.append(unilateral_moves(space, own, take, drop))
    for index, masks in spec.extra.get("move_groups", {}).items():
        moves[index] = _grouped_moves(space, masks, spec)
    ranks = rank_matrix(space, show)
    status_quo = None
    if spec.status_quo is not None:
        pattern = sum(1 << k for k in spec.status_quo)
        sq = int(space.state_of(np.array([pattern], dtype=np.uint64))[0])
        if sq < 0:
            raise _as(StatusQuoInfeasibleError, spec.error(
                ("status_quo",),
                "the status quo is not a feasible state",
                "list exactly the options taken today; check them against the feasibility "
                "constraints",
            ))
        status_quo = sq
    return Conflict(spec, space, tuple(moves), ranks, status_quo)


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
