"""Limited-move stability L(h) and non-myopic stability (NM), for two decision makers.

Definition (Kilgour 1985, "Anticipation and stability in two-person noncooperative games",
in Dynamic Models of International Conflict, Lynne Rienner; Fang, Hipel & Kilgour 1993,
*Interactive Decision Making*, ch. 5; Kilgour, Hipel & Fang 1987). With two decision makers
*i* and *j*, ``G_h(i, s)`` is the state at which the conflict is anticipated to end when *i*
is about to move at *s* and at most *h* moves remain (moves alternate, *i* first):

* ``G_0(i, s) = s``;
* for ``h ≥ 1`` let ``M_h(i, s) = {t ∈ R_i(s) : G_{h−1}(j, t) ≻_i s}``, the moves after
  which *i* expects to end better off than by staying. If ``M_h(i, s)`` is empty,
  ``G_h(i, s) = s`` (*i* stays and the play stops); otherwise ``G_h(i, s) = G_{h−1}(j, t*)``
  for the move ``t* ∈ M_h(i, s)`` whose anticipated outcome *i* likes best.

State *s* is **L(h) stable** for *i* iff ``G_h(i, s) = s``, i.e. ``M_h(i, s) = ∅``. L(1) is
Nash stability. *s* is **non-myopic (NM) stable** for *i* iff it is L(h) stable for every
sufficiently large *h* (the limit h → ∞ of Kilgour 1985). ``G_h`` depends only on
``G_{h−1}``, and there are finitely many functions of (DM, state), so the sequence
``G_1, G_2, …`` is eventually periodic; NM is decided exactly by following it until it
repeats and requiring L(h) stability at every horizon of the cycle (where the sequence has
a limit, the cycle has length one and this is the limit).

**Tie rule.** *i* moves only if it expects to end *strictly* better off than at *s*
(an anticipated outcome equally preferred to *s* does not justify a move). When several
moves in ``M_h(i, s)`` lead to anticipated outcomes that *i* ranks equally, *i* is assumed
to choose the one its opponent likes least (the cautious reading: the opponent, who must
anticipate *i*'s choice, plans for the worst); if the opponent is also indifferent among
them, the outcome with the smallest state number is taken. Such outcomes are equally ranked
by both decision makers, so this last choice cannot change any verdict. With strict
preferences the tie rule never applies.

Models with more than two decision makers are refused: the anticipation above needs a
strict alternation of two movers, and the multi-decision-maker extensions proposed in the
literature differ from one another (e.g. Soares et al., on alternative limited-move
stabilities with multiple DMs); standoff implements none of them.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np

from standoff.concepts import LIMITED_MOVE, Concept, check_decision_makers, limited_move, resolve
from standoff.costs import check_cost
from standoff.errors import ModelError
from standoff.graph.conflict import Conflict
from standoff.graph.moves import CosetMoves

MAX_HORIZON = 10_000
"""The largest horizon computed; NM stops with an error if no cycle appears by then."""


def require_two_decision_makers(conflict: Conflict, concept: str | Concept = "nm") -> None:
    """Raise :class:`ModelError` unless the conflict has exactly two decision makers (the
    rule and its message: :func:`standoff.concepts.check_decision_makers`)."""
    check_decision_makers(concept, conflict.dm_ids, file=conflict.spec.file)


@dataclass(frozen=True)
class Anticipation:
    """The anticipated outcomes ``G_h`` and chosen moves for horizons ``0..len-1``.

    ``outcome[h][i, s]`` is ``G_h(i, s)`` (0-based states); ``choice[h][i, s]`` is the move
    ``t*`` that *i* makes from *s* at horizon *h*, or −1 when *i* stays.
    """

    outcome: list[np.ndarray]
    choice: list[np.ndarray]

    @property
    def computed(self) -> int:
        """The largest horizon computed so far."""
        return len(self.outcome) - 1


#: Most moves whose anticipated outcomes are compared at once (an explicit move graph is
#: walked in slices of its sources, so the working arrays stay near 40 MiB).
MOVES_PER_SLICE = 1 << 19

#: Most visits of a state (by each decision maker) or of a stored move, over all the
#: horizons computed: at 50 to 150 ns each, up to about half a minute of work.
MAX_ANTICIPATION_WORK = 2 * 10**8


def _index_dtype(m: int) -> type:
    """The integer type of the stored anticipation (state numbers and -1)."""
    return np.int32 if m < 2**31 else np.int64


Key = Callable[[np.ndarray | slice], np.ndarray]


def _first_per_group(group: np.ndarray, keys: list[Key], items: np.ndarray | slice
                     ) -> np.ndarray:
    """Of ``items`` (indices in nondecreasing ``group`` order, or ``slice(None)`` for all),
    the one in each group with the smallest keys, compared in order: ``keys[0](items)``,
    then the next key among the items equal on it, and so on. The last key must differ
    within a group, so one item per group (in group order) is returned. Each key is
    evaluated only on the items still in the running, so ties are cheap."""
    for key in keys:
        values = key(items)
        g = group[items]
        heads = np.flatnonzero(np.concatenate(([True], g[1:] != g[:-1])))
        lengths = np.diff(np.append(heads, g.size))
        keep = values == np.repeat(np.minimum.reduceat(values, heads), lengths)
        items = np.flatnonzero(keep) if isinstance(items, slice) else items[keep]
    assert not isinstance(items, slice)
    return items


def _preference_keys(ranks: np.ndarray, i: int, result: np.ndarray, dst: np.ndarray
                     ) -> list[Key]:
    """The order in which *i* considers its moves (smallest first), as keys of move
    indices: the anticipated outcome (``result``, per move) best for *i*, then worst for
    *j*, then the smallest outcome, then the smallest move (``dst``: the state moved to)."""
    return [lambda k: -ranks[i][result[k]], lambda k: ranks[1 - i][result[k]],
            lambda k: result[k], lambda k: dst[k]]


def _choose(
    ranks: np.ndarray, i: int, previous_j: np.ndarray, start: np.ndarray, dst: np.ndarray,
    outcome: np.ndarray, choice: np.ndarray, low: int,
) -> None:
    """Write *i*'s choice and anticipated outcome for the states ``low, low + 1, …`` whose
    moves are ``dst`` (``start``: where each state's moves begin in ``dst``, relative to
    the slice, one more entry than states). The move chosen is the first in the order of
    :func:`_preference_keys`, and it is made only if *i* strictly prefers its anticipated
    outcome to the state it moves from (the first move has the best outcome, so if it
    does not qualify no move does)."""
    counts = np.diff(start)
    moving = np.flatnonzero(counts) + low
    if not moving.size:
        return
    source = np.repeat(np.arange(counts.size, dtype=np.int64), counts)
    result = previous_j[dst]
    chosen = _first_per_group(source, _preference_keys(ranks, i, result, dst), slice(None))
    ends = result[chosen]
    good = ranks[i][ends] > ranks[i][moving]
    outcome[moving[good]] = ends[good]
    choice[moving[good]] = dst[chosen[good]]


def _choose_in_cosets(
    ranks: np.ndarray, i: int, previous_j: np.ndarray, moves: CosetMoves,
    outcome: np.ndarray, choice: np.ndarray,
) -> None:
    """:func:`_choose` for moves that are whole cosets (a product state space), without
    listing the moves: from *s*, *i* can move to every other state of its coset, and the
    order of :func:`_preference_keys` over the coset's states does not depend on *s*. So
    the first move from *s* is the coset's first state, or its second when the first is
    *s* itself; it is made only if *i* strictly prefers its outcome to *s*."""
    outer, radix, inner = moves.shape
    if radix < 2:
        return
    # the states in coset order: each run of ``radix`` differs only in i's choice
    members: np.ndarray = np.arange(moves.size, dtype=np.int64).reshape(outer, radix, inner)
    members = members.transpose(0, 2, 1).reshape(-1)
    coset = np.repeat(np.arange(members.size // radix, dtype=np.int64), radix)
    keys = _preference_keys(ranks, i, previous_j[members], members)
    best = _first_per_group(coset, keys, slice(None))
    others = np.ones(members.size, dtype=bool)
    others[best] = False
    second = _first_per_group(coset, keys, np.flatnonzero(others))
    del others
    best_state, second_state = members[best][coset], members[second][coset]
    target = np.where(members == best_state, second_state, best_state)
    del best_state, second_state, coset
    ends = previous_j[target]
    good = ranks[i][ends] > ranks[i][members]
    outcome[members[good]] = ends[good]
    choice[members[good]] = target[good]


def _step(conflict: Conflict, previous: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``G_h`` and the chosen moves from ``G_{h−1}`` (``previous``, shape (2, states)).

    Moves stored as a graph are examined :data:`MOVES_PER_SLICE` at a time (each source's
    moves together); implicit coset moves by :func:`_choose_in_cosets`. Either way the
    working memory does not grow with the number of moves.
    """
    m = conflict.state_count
    dtype = _index_dtype(m)
    ranks = conflict.ranks
    outcome: np.ndarray = np.tile(np.arange(m, dtype=dtype), (2, 1))
    choice: np.ndarray = np.full((2, m), -1, dtype=dtype)
    for i in (0, 1):
        graph = conflict.moves[i]
        previous_j = previous[1 - i].astype(np.int64)
        if isinstance(graph, CosetMoves):
            _choose_in_cosets(ranks, i, previous_j, graph, outcome[i], choice[i])
            continue
        start = graph.start
        low = 0
        while low < m:
            high = int(np.searchsorted(start, start[low] + MOVES_PER_SLICE, side="right")) - 1
            high = min(max(high, low + 1), m)
            first, last = int(start[low]), int(start[high])
            if last > first:
                dst = np.asarray(graph.targets[first:last], dtype=np.int64)
                _choose(ranks, i, previous_j, start[low:high + 1] - first, dst, outcome[i],
                        choice[i], low)
            low = high
    return outcome, choice


def _stored_moves(conflict: Conflict) -> int:
    """Moves stored as graphs (implicit coset moves count none)."""
    return sum(g.edge_count for g in conflict.moves if not isinstance(g, CosetMoves))


def anticipation_cost(conflict: Conflict, horizon: int) -> tuple[int, int]:
    """``(bytes, work)`` to hold ``G_0 … G_horizon`` and compute them from nothing.

    Bytes: the stored outcomes and choices (4 numbers per state per horizon), the working
    arrays of one step (about 100 bytes per state, plus 80 per move of a slice) and a
    digest per horizon. Work: per horizon, each decision maker visits every state, and
    every stored move is visited.
    """
    m = conflict.state_count
    size = np.dtype(_index_dtype(m)).itemsize
    stored = 4 * size * m * (horizon + 1)
    moves = _stored_moves(conflict)
    working = 100 * m + 80 * min(moves, MOVES_PER_SLICE)
    return stored + working, horizon * (2 * m + moves)


def check_anticipation_cost(conflict: Conflict, horizon: int, concept: str | None = None
                            ) -> None:
    """Refuse (:class:`CapacityError`), before computing, an anticipation over ``horizon``
    moves that would not fit in memory or would exceed :data:`MAX_ANTICIPATION_WORK`.

    ``concept`` is ``None`` for L(``horizon``), or ``"NM"``: non-myopic stability follows
    the anticipation one horizon further at a time until it repeats, so it is refused at
    the first horizon over the limits.
    """
    memory, work = anticipation_cost(conflict, horizon)
    if concept is None:
        what = f"L({horizon:,})"
        hint = ("use a smaller horizon (each horizon visits every state and move once and "
                "keeps every state's anticipated outcome), or give the decision makers "
                "fewer options")
    else:
        what = concept
        hint = (f"{concept} follows the anticipation until it repeats, and it had not after "
                f"{horizon - 1:,} moves: use L(h) with a small horizon instead, or give the "
                "decision makers fewer options")
    check_cost(
        f"{what} for {conflict.state_count:,} states (anticipating {horizon:,} moves)",
        memory=memory, work=work, work_limit=MAX_ANTICIPATION_WORK,
        unit="state and move visits", file=conflict.spec.file, hint=hint,
    )


def anticipation(conflict: Conflict, horizon: int, concept: str | None = None
                 ) -> Anticipation:
    """``G_0 … G_horizon`` for both decision makers (cached on the conflict).

    Refused with a :class:`CapacityError` before any work when the horizons not yet
    computed would exceed the memory or work limit (:func:`check_anticipation_cost`).
    """
    require_two_decision_makers(conflict, limited_move(max(horizon, 1)))
    if horizon < 0:
        raise ValueError("the horizon must be at least 1")
    key = "limited_move_anticipation"
    cached: Anticipation | None = conflict._cache.get(key)
    if cached is None or cached.computed < horizon:
        check_anticipation_cost(conflict, horizon, concept)
    if cached is None:
        m = conflict.state_count
        dtype = _index_dtype(m)
        cached = Anticipation(
            [np.tile(np.arange(m, dtype=dtype), (2, 1))],
            [np.full((2, m), -1, dtype=dtype)],
        )
        conflict._cache[key] = cached
    while cached.computed < horizon:
        outcome, choice = _step(conflict, cached.outcome[-1])
        cached.outcome.append(outcome)
        cached.choice.append(choice)
    return cached


def limited_move_stable(conflict: Conflict, dm: int, horizon: int) -> np.ndarray:
    """Boolean array over states: L(``horizon``) stable for decision maker ``dm``."""
    if horizon < 1:
        raise ValueError("the horizon of L(h) must be at least 1")
    g = anticipation(conflict, horizon).outcome[horizon][dm]
    return g == np.arange(conflict.state_count)


def eventual_cycle(conflict: Conflict) -> tuple[int, int]:
    """``(first, period)``: ``G_h`` for ``h ≥ first`` repeats with the given period.

    Found by computing ``G_1, G_2, …`` until one equals an earlier one (a digest of each
    horizon is kept to find the candidate, and the arrays are compared to confirm it).
    Refused with a :class:`CapacityError` at the first horizon that would go over the
    limits of :func:`check_anticipation_cost`.
    """
    key = "limited_move_cycle"
    if key in conflict._cache:
        return conflict._cache[key]
    seen: dict[bytes, list[int]] = {}
    h = 0
    while True:
        h += 1
        if h > MAX_HORIZON:  # pragma: no cover - needs an enormous model
            raise ModelError(
                f"the limited-move anticipation did not repeat within {MAX_HORIZON} moves",
                file=conflict.spec.file, hint="use L(h) with an explicit horizon instead of NM",
            )
        a = anticipation(conflict, h, concept="NM")
        g = a.outcome[h]
        digest = hashlib.blake2b(g.tobytes(), digest_size=16).digest()
        earlier = next((k for k in seen.get(digest, []) if np.array_equal(a.outcome[k], g)),
                       None)
        if earlier is not None:
            result = (earlier, h - earlier)
            conflict._cache[key] = result
            return result
        seen.setdefault(digest, []).append(h)


def nonmyopic_stable(conflict: Conflict, dm: int) -> np.ndarray:
    """Boolean array over states: NM stable (L(h) stable for all large h) for ``dm``.

    Chicken (``examples/chicken.yaml``; states 1 both swerve, 2 driver 1 drives straight
    on, 3 driver 2 does, 4 both do: the crash), states given by number:

    >>> import standoff
    >>> chicken = standoff.load("examples/chicken.yaml")
    >>> nonmyopic_stable(chicken, 0).nonzero()[0] + 1   # and state 3 for driver 2
    array([1, 2])
    >>> nonmyopic_stable(chicken, 1).nonzero()[0] + 1
    array([1, 3])
    """
    require_two_decision_makers(conflict, "nm")
    first, period = eventual_cycle(conflict)
    out = np.ones(conflict.state_count, dtype=bool)
    for h in range(first, first + period):
        out &= limited_move_stable(conflict, dm, h)
    return out


def limited_move_concept(horizon: int) -> Callable[[Conflict, int], np.ndarray]:
    """The concept function ``(conflict, dm) -> stable states`` for L(``horizon``)."""

    def concept(conflict: Conflict, dm: int) -> np.ndarray:
        return limited_move_stable(conflict, dm, horizon)

    concept.__name__ = f"l{horizon}_stable"
    concept.__doc__ = f"Boolean array over states: L({horizon}) stable for ``dm``."
    return concept


# -- explanations --------------------------------------------------------------------------


@dataclass(frozen=True)
class AnticipatedMove:
    """One move *i* could make from the focal state and where it is anticipated to end."""

    move: int  # state id moved to
    outcome: int  # anticipated final state id
    line: tuple[tuple[str, int, int], ...]  # the anticipated play: (dm, from, to) ids
    better: bool  # whether the mover prefers the outcome to the focal state


@dataclass(frozen=True)
class LimitedMoveExplanation:
    """Why ``state`` is (or is not) L(h) stable for ``dm``: every move and its line of play."""

    state: int
    dm: str
    horizon: int
    stable: bool
    moves: tuple[AnticipatedMove, ...]
    chosen: AnticipatedMove | None
    sentences: tuple[str, ...]
    concept: str = ""  # the concept explained: "nm", or "" for L(horizon)

    def __str__(self) -> str:
        return "\n".join(self.sentences)

    def to_dict(self) -> dict:
        def move(a: AnticipatedMove) -> dict:
            return {
                "to": a.move,
                "outcome": a.outcome,
                "better": a.better,
                "line": [{"dm": d, "from": f, "to": t} for d, f, t in a.line],
            }

        return {
            "state": self.state,
            "dm": self.dm,
            "concept": self.concept or f"l{self.horizon}",
            "horizon": self.horizon,
            "stable": self.stable,
            "moves": [move(a) for a in self.moves],
            "chosen": None if self.chosen is None else move(self.chosen),
            "text": list(self.sentences),
        }


def line_of_play(
    conflict: Conflict, dm: int, state: int, horizon: int
) -> tuple[tuple[str, int, int], ...]:
    """The anticipated alternating play from ``state`` (0-based), ``dm`` moving first."""
    a = anticipation(conflict, horizon)
    line = []
    mover, s = dm, state
    for h in range(horizon, 0, -1):
        t = int(a.choice[h][mover, s])
        if t < 0:
            break
        line.append((conflict.dm_ids[mover], s + 1, t + 1))
        mover, s = 1 - mover, t
    return tuple(line)


def explain_limited_move(
    conflict: Conflict, state: int, dm: str | int, horizon: int
) -> LimitedMoveExplanation:
    """Explain L(``horizon``) stability of ``state`` (1-based id) for ``dm``."""
    require_two_decision_makers(conflict, limited_move(max(horizon, 1)))
    i = conflict.dm_index(dm)
    j = 1 - i
    s = state - 1
    a = anticipation(conflict, horizon)
    name = conflict.spec.dms[i].name
    moves = []
    for t in conflict.moves[i].of(s):
        t = int(t)
        outcome = int(a.outcome[horizon - 1][j, t])
        line: tuple[tuple[str, int, int], ...] = ((conflict.dm_ids[i], s + 1, t + 1),)
        if horizon > 1:
            line += line_of_play(conflict, j, t, horizon - 1)
        better = bool(conflict.ranks[i, outcome] > conflict.ranks[i, s])
        moves.append(AnticipatedMove(t + 1, outcome + 1, line, better))
    chosen_state = int(a.choice[horizon][i, s])
    chosen = next((m for m in moves if m.move == chosen_state + 1), None)
    stable = chosen is None
    verdict = "is" if stable else "is not"
    sentences = [
        f"{conflict.show(s)} {verdict} L({horizon}) stable for {name}: looking {horizon} "
        f"move{'s' if horizon > 1 else ''} ahead (alternating, {name} first)."
    ]
    for m in moves:
        play = ", ".join(f"{d} {f}→{conflict.show(t - 1)}" for d, f, t in m.line)
        sentences.append(
            f"Moving to {conflict.show(m.move - 1)} is anticipated to end at "
            f"{conflict.show(m.outcome - 1)} ({play}), which {name} "
            f"{'prefers' if m.better else 'does not prefer'} to {conflict.show(s)}."
        )
    if not moves:
        sentences.append(f"{name} has no move from {conflict.show(s)}.")
    if chosen is not None:
        sentences.append(
            f"{name} would move to {conflict.show(chosen.move - 1)}, expecting to end at "
            f"{conflict.show(chosen.outcome - 1)}."
        )
    return LimitedMoveExplanation(state, conflict.dm_ids[i], horizon, stable, tuple(moves),
                                  chosen, tuple(sentences))


def explain_concept(
    conflict: Conflict, state: int, dm: str | int, concept: str
) -> LimitedMoveExplanation:
    """Explain ``l<h>`` or ``nm`` for ``state`` (1-based) and ``dm``.

    For NM the explanation is that of L(h) at a horizon of the eventual cycle: the first
    one at which ``state`` is unstable, or the cycle's first horizon if it is stable at all.
    """
    record = resolve(concept, LIMITED_MOVE)
    if record.horizon is None:  # nm
        require_two_decision_makers(conflict, record)
        first, period = eventual_cycle(conflict)
        i = conflict.dm_index(dm)
        horizon = next((h for h in range(first, first + period)
                        if not limited_move_stable(conflict, i, h)[state - 1]), first)
        ex = explain_limited_move(conflict, state, dm, horizon)
        name = conflict.spec.dms[i].name
        cycle = f"the anticipation repeats from horizon {first} with period {period}"
        if ex.stable:
            why = f"it is L(h) stable for every horizon h from {first} on ({cycle})"
        else:
            why = (f"it is not L({horizon}) stable, and {cycle}, so it is unstable at "
                   "arbitrarily long horizons")
        head = (f"{conflict.show(state - 1)} {'is' if ex.stable else 'is not'} NM "
                f"(non-myopically) stable for {name}: {why}. At horizon {horizon} "
                f"({horizon} move{'s' if horizon > 1 else ''} ahead, alternating, {name} "
                "first):")
        return replace(ex, sentences=(head, *ex.sentences[1:]), concept="nm")
    return explain_limited_move(conflict, state, dm, record.horizon)


__all__ = [
    "Anticipation",
    "explain_concept",
    "LimitedMoveExplanation",
    "anticipation",
    "eventual_cycle",
    "explain_limited_move",
    "limited_move_concept",
    "limited_move_stable",
    "line_of_play",
    "nonmyopic_stable",
    "require_two_decision_makers",
]
