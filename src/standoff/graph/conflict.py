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
    ModelError,
    NoFeasibleStateError,
    StatusQuoInfeasibleError,
)
from standoff.graph.moves import CosetMoves, Moves, unilateral_moves
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

    def dm_index(self, dm: str | int) -> int:
        """Index of a decision maker given by id (or name, or index)."""
        if isinstance(dm, int):
            return dm
        for i, d in enumerate(self.spec.dms):
            if dm in (d.id, d.name):
                return i
        raise KeyError(f"unknown decision maker '{dm}' (known: {', '.join(self.dm_ids)})")

    # -- states ----------------------------------------------------------------------------
    def option_values(self, s: int) -> list[bool | None]:
        """Option values of state ``s`` (0-based); None where the option is irrelevant."""
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
        """``"5 (NYNNY)"``: a state as users see it, by id and pattern."""
        return f"{s + 1} ({self.pattern(s)})"

    def taken(self, s: int) -> list[str]:
        """Keys of the options taken in state ``s``."""
        return [k for k, x in zip(self.option_keys, self.option_values(s), strict=True) if x]

    @cached_property
    def own_masks(self) -> tuple[int, ...]:
        """Bit mask of each decision maker's options."""
        return tuple(sum(1 << k for k in d.options) for d in self.spec.dms)

    def move_count(self) -> int:
        """Number of unilateral moves of all decision makers together."""
        return sum(g.edge_count for g in self.moves)

    def prefers(self, dm: int, s: int, t: int) -> bool:
        """Whether decision maker ``dm`` strictly prefers state ``s`` to ``t``."""
        return bool(self.ranks[dm, s] > self.ranks[dm, t])

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
