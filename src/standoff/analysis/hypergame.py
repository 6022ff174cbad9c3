"""First-level hypergames in the graph model: stability in the game each decision maker
perceives, hypergame equilibria and strategic surprises (docs/hypergames.md).

What was read, and what is implemented
--------------------------------------
Only the abstracts of the papers could be read (the full texts were not available to the
authors of this module); docs/hypergames.md lists exactly what each abstract says.

* Obeidi, Kilgour & Hipel, "Perceptual graph model systems", Group Decision and Negotiation
  18(3):261-277, 2009, abstract: each decision maker has its own graph model (a *perceptual
  graph model*) and experiences the conflict independently. Their "Perceptual stability
  analysis of a graph model system" (IEEE SMC, 2009), abstract: "Phase 1, individual
  stability analysis is applied to each DM's graph model ... from the point of view of the
  owner of the model ... using standard ... solution concepts". **Implemented**: the
  stability of a state for decision maker *i* is computed, with the standard solution
  concepts of :mod:`standoff.stability`, in the game *i* perceives. Not implemented (not
  read): their "perceptual solution concepts" and Phase 2 (metastability analysis).
* Aljefri, Bashar, Fang & Hipel, "First-level hypergame for investigating misperception in
  conflicts", IEEE Trans. SMC: Systems 48(12), 2018: only its title was seen (in a reference
  list). Aljefri et al., "General hypergame analysis within the graph model for conflict
  resolution", Int. J. Systems Science: Operations & Logistics 7:18-33 (online 2018),
  abstract: misperceptions of a decision maker about itself and about its opponents; "the
  universal sets of options and states ... are used to construct each DM's subjective
  hypergame"; the equilibria are "classified ... into eight classes of resolutions".
  Aljefri, Fang & Hipel, "Modeling misperception of options and preferences in the graph
  model for conflict resolution", IEEE SMC 2014, abstract: unknown options; "steady,
  unsteady, and stealthy equilibria". **Implemented**: the model as written is the
  universal game; each decision maker's game is built from it. **Not implemented**: the
  eight classes and the steady/unsteady/stealthy sets, whose definitions could not be read.
* Wang, Hipel & Fraser, "Modeling misperceptions in games", Behavioral Science 33(3), 1988:
  not read.

Reconstructions (standoff's own reading, labelled as such in the output and the docs):

1. *The game decision maker i perceives* (``G_i``): the universal game's states without
   those *i* does not recognise (a state matching one of its ``unrecognised_states``
   statements, or where an option in its ``unknown_options`` is taken); the moves of every
   decision maker between the remaining states; *i*'s own preferences as written, and for
   every other decision maker *j* the preference *i* attributes to *j* (as written where
   *i* attributes none), each restricted to the remaining states.
2. *Stable for i*: the state is in ``G_i`` and stable for *i* in ``G_i`` under the concept.
   A state *i* does not recognise is never stable for it.
3. *Hypergame equilibrium*: a state stable for every decision maker in the game that
   decision maker perceives (so every decision maker recognises it).
4. *Strategic surprise*: a state some decision maker does not recognise, recognised by at
   least one decision maker, and stable for every decision maker that recognises it: those
   who foresee it have no reason to leave it, and those who do not were surprised.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from standoff.concepts import STABILITY, Concept, check_decision_makers, parse_concepts
from standoff.errors import NoFeasibleStateError
from standoff.graph import DEFAULT_MAX_STATES, Conflict, compile_model
from standoff.model.expressions import Expr
from standoff.model.loader import (
    BASE_VARIANT,
    ModelSpec,
    PerceptionSpec,
    PreferenceSpec,
    StatementSpec,
)
from standoff.stability import kernel

#: Where a definition comes from, for every output (docs/hypergames.md says more).
CITATIONS = {
    "perceived game": "Obeidi, Kilgour & Hipel (2009) Perceptual graph model systems, Group "
    "Decision and Negotiation 18(3):261-277 (abstract: each decision maker has its own "
    "graph model); Aljefri et al., General hypergame analysis within the graph model, Int. "
    "J. Systems Science: Operations & Logistics 7 (abstract: subjective games built from "
    "the universal sets of options and states); the construction itself is standoff's "
    "reconstruction",
    "stability": "computed with the standard solution concepts in each decision maker's "
    "own perceived game (Obeidi, Kilgour & Hipel 2009, perceptual stability analysis, "
    "phase 1, abstract)",
    "hypergame equilibrium": "reconstruction: stable for every decision maker in the game "
    "it perceives",
    "strategic surprise": "reconstruction: not recognised by some decision maker, stable "
    "for every decision maker that recognises it",
    "not implemented": "the eight classes of hypergame equilibria (Aljefri et al., IJSSOL) "
    "and the "
    "steady/unsteady/stealthy equilibria (Aljefri, Fang & Hipel 2014): their definitions "
    "could not be read",
}


@dataclass(frozen=True, eq=False)
class PerceivedGame:
    """The game decision maker ``dm`` perceives.

    Attributes:
        dm: the decision maker's 0-based index.
        conflict: the perceived game, compiled (its own state numbering).
        states: for each perceived state, its 0-based index in the universal game.
        recognised: bool over the universal game's states: which ``dm`` recognises.
        perception: the perception read from the file (None: as written).
    """

    dm: int
    conflict: Conflict
    states: np.ndarray
    recognised: np.ndarray
    perception: PerceptionSpec | None


@dataclass(eq=False)
class HypergameResult:
    """Stability in each decision maker's perceived game, for some concepts.

    ``stable[key]`` and ``stable_as_written[key]`` are bool arrays of shape (decision
    makers, universal states): stable for the decision maker in the game it perceives, and
    in the model as written.
    """

    conflict: Conflict
    concepts: tuple[Concept, ...]
    games: tuple[PerceivedGame, ...]
    stable: dict[str, np.ndarray] = field(default_factory=dict)
    stable_as_written: dict[str, np.ndarray] = field(default_factory=dict)

    @property
    def recognised(self) -> np.ndarray:
        """Bool (decision makers, states): which decision maker recognises which state."""
        return np.stack([g.recognised for g in self.games])

    def equilibria(self, concept: str) -> list[int]:
        """Hypergame equilibria (0-based universal states) under ``concept``."""
        return [int(s) for s in np.flatnonzero(self.stable[_key(self, concept)].all(axis=0))]

    def equilibria_as_written(self, concept: str) -> list[int]:
        """Equilibria of the model as written (everyone perceiving the universal game)."""
        table = self.stable_as_written[_key(self, concept)]
        return [int(s) for s in np.flatnonzero(table.all(axis=0))]

    def surprises(self, concept: str) -> list[tuple[int, list[int]]]:
        """Strategic surprises under ``concept``: (state, decision makers not recognising
        it), states 0-based, decision makers by index."""
        stable = self.stable[_key(self, concept)]
        seen = self.recognised
        ok = (stable | ~seen).all(axis=0) & seen.any(axis=0) & ~seen.all(axis=0)
        return [(int(s), [int(d) for d in np.flatnonzero(~seen[:, s])])
                for s in np.flatnonzero(ok)]

    def misperceiving(self) -> list[int]:
        """Decision makers whose perceived game differs from the model as written."""
        return [g.dm for g in self.games if g.perception is not None
                and (not g.recognised.all() or g.perception.preferences)]

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready summary: states by id (1-based) and pattern, decision makers by id."""
        c = self.conflict
        dm_ids = c.dm_ids

        def state(s: int) -> dict[str, Any]:
            return {"id": s + 1, "pattern": c.pattern(s), "taken": c.taken(s)}

        games = []
        for g in self.games:
            p = g.perception
            games.append({
                "decision_maker": dm_ids[g.dm],
                "perceives_as_written": p is None or (bool(g.recognised.all())
                                                      and not p.preferences),
                "unknown_options": [c.option_keys[k] for k in p.unknown_options] if p else [],
                "unrecognised_statements": [s.text for s in p.unrecognised] if p else [],
                "attributed_preferences": [dm_ids[j] for j, _ in p.preferences] if p else [],
                "unrecognised_states": [int(s) + 1 for s in np.flatnonzero(~g.recognised)],
                "states_perceived": int(g.recognised.sum()),
            })
        concepts = {}
        for concept in self.concepts:
            key = concept.key
            concepts[key] = {
                "label": concept.label,
                "hypergame_equilibria": [state(s) for s in self.equilibria(key)],
                "equilibria_as_written": [state(s) for s in self.equilibria_as_written(key)],
                "strategic_surprises": [
                    {**state(s), "not_recognised_by": [dm_ids[d] for d in who]}
                    for s, who in self.surprises(key)],
                "stable_for": {
                    dm_ids[d]: {"perceived": [int(s) + 1 for s in
                                              np.flatnonzero(self.stable[key][d])],
                                "as_written": [int(s) + 1 for s in
                                               np.flatnonzero(self.stable_as_written[key][d])]}
                    for d in range(len(dm_ids))},
            }
        return {
            "model": c.title,
            "variant": c.spec.variant,
            "states": c.state_count,
            "perceptions": games,
            "concepts": concepts,
            "definitions": dict(CITATIONS),
        }


def _key(result: HypergameResult, concept: str) -> str:
    wanted = parse_concepts([concept], STABILITY)[0].key
    if wanted not in result.stable:
        done = ", ".join(c.key for c in result.concepts)
        raise KeyError(f"concept '{concept}' was not analysed (analysed: {done})")
    return wanted


def perceptions_of(spec: ModelSpec) -> dict[int, PerceptionSpec]:
    """The perception of each decision maker that has one, in ``spec``'s variant: the
    variant's own, else the one of the variant it extends (and so on), else the model's."""
    chain: list[str] = []
    name: str | None = spec.variant
    while name is not None and name != BASE_VARIANT and name not in chain:
        chain.append(name)
        v = spec.variant_spec(name)
        name = v.extends if v is not None else None
    chain.append(BASE_VARIANT)
    out: dict[int, PerceptionSpec] = {}
    for name in reversed(chain):
        for p in spec.perceptions:
            if p.variant == name:
                out[p.dm] = p
    return out


def _true_statement(path: tuple[str | int, ...]) -> StatementSpec:
    return StatementSpec("true", Expr("const", value=True), None, None, None, path)


def perceived_game(conflict: Conflict, perception: PerceptionSpec | None, dm: int,
                   max_states: int = DEFAULT_MAX_STATES) -> PerceivedGame:
    """The game decision maker ``dm`` perceives (reconstruction 1 of the module docstring).

    With no perception, or one that removes no state (no state matches its statements or
    takes an unknown option) and attributes no preference, the universal game itself is
    returned (same states, moves and ranks), so results reduce to
    the analysis of the model as written.

    Raises a located :class:`~standoff.errors.ModelError` when the decision maker
    recognises no state, or when states are removed in a model with ``collapse:``
    statements (not supported).
    """
    spec = conflict.spec
    n = conflict.state_count
    if perception is None or (not perception.unknown_options and not perception.unrecognised
                              and not perception.preferences):
        return PerceivedGame(dm, conflict, np.arange(n), np.ones(n, dtype=bool), perception)
    ranks = conflict.ranks
    if perception.preferences:
        prefs = list(spec.preferences)
        for j, pref in perception.preferences:
            prefs[j] = pref
        attributed = dataclasses.replace(spec, preferences=tuple(prefs), claims=(),
                                         variants=(), perceptions=())
        ranks = compile_model(attributed, max_states=max_states).ranks
    patterns = conflict.space.patterns
    hidden = np.zeros(n, dtype=bool)
    for stmt in perception.unrecognised:
        assert stmt.expr is not None
        hidden |= np.asarray(stmt.expr.evaluate_bits(patterns), dtype=bool)
    for k in perception.unknown_options:
        hidden |= ((patterns >> np.uint64(k)) & np.uint64(1)).astype(bool)
    if not hidden.any():
        game = Conflict(spec, conflict.space, conflict.moves, ranks, conflict.status_quo)
        return PerceivedGame(dm, game, np.arange(n), np.ones(n, dtype=bool), perception)
    if hidden.all():
        raise spec.error(perception.path, f"'{spec.dms[dm].id}' recognises no state of the "
                         "conflict: its unknown options and unrecognised states cover every "
                         "state", "list fewer unknown options or unrecognised states")
    if spec.collapses:
        raise spec.error(perception.path, "unknown options and unrecognised states cannot be "
                         "combined with 'collapse:' statements yet (a collapsed state "
                         "stands for several option patterns, which a perception may split)",
                         "remove the 'collapse:' statements, or keep to attributed "
                         "preferences in this model's perceptions")
    removed = tuple(
        StatementSpec(spec.options[k].key, Expr("var", index=k), None, None, None,
                      (*perception.path, "unknown_options"))
        for k in perception.unknown_options
    ) + perception.unrecognised
    trivial = tuple(PreferenceSpec("prioritize", statements=(_true_statement(p.path),),
                                   path=p.path) for p in spec.preferences)
    restricted = dataclasses.replace(
        spec, infeasible=spec.infeasible + removed, preferences=trivial, status_quo=None,
        claims=(), variants=(), perceptions=())
    who = f"'{spec.dms[dm].id}'"
    try:
        small = compile_model(restricted, max_states=max_states)
    except NoFeasibleStateError:
        raise spec.error(perception.path, f"{who} recognises no state of the conflict: its "
                         "unknown options and unrecognised states cover every state",
                         "list fewer unknown options or unrecognised states") from None
    states = conflict.space.state_of(small.space.patterns)
    if (states < 0).any():
        raise spec.error(perception.path, f"the game {who} perceives has a state the model "
                         "as written does not have (a collapsed state changed by the "
                         "perception)",
                         "name unrecognised states by statements that do not cut through a "
                         "collapsed state")
    recognised = np.zeros(n, dtype=bool)
    recognised[states] = True
    sub = ranks[:, states]
    dense = np.stack([np.unique(row, return_inverse=True)[1].reshape(-1) for row in sub])
    status_quo = None
    if conflict.status_quo is not None and recognised[conflict.status_quo]:
        status_quo = int(np.flatnonzero(states == conflict.status_quo)[0])
    game = Conflict(spec, small.space, small.moves, dense.astype(np.int64), status_quo)
    return PerceivedGame(dm, game, states, recognised, perception)


def analyse_hypergame(conflict: Conflict, concepts: str | Iterable[str] | None = None,
                      max_states: int = DEFAULT_MAX_STATES) -> HypergameResult:
    """Stability of every state for every decision maker in the game it perceives, for
    ``concepts`` (the stability-analysis concepts: individual ones, L(h), NM; default Nash,
    GMR, SMR, SEQ, SIM), with the same in the model as written for comparison.

    Raises :class:`~standoff.concepts.UnknownConceptError` for a concept not taken, a
    :class:`~standoff.errors.ModelError` for NM/L(h) on more than two decision makers or a
    decision maker recognising no state.
    """
    if not isinstance(conflict, Conflict):
        raise TypeError(f"analyse_hypergame() expects a Conflict (standoff.compile(...)), "
                        f"not {type(conflict).__name__}")
    chosen = parse_concepts(concepts, STABILITY)
    for concept in chosen:
        check_decision_makers(concept, conflict.dm_ids, conflict.spec.file)
    perceptions = perceptions_of(conflict.spec)
    games = tuple(perceived_game(conflict, perceptions.get(d), d, max_states)
                  for d in range(len(conflict.dm_ids)))
    result = HypergameResult(conflict, chosen, games)
    n = conflict.state_count
    for concept in chosen:
        compute = kernel(concept)
        table = np.zeros((len(games), n), dtype=bool)
        written = np.zeros((len(games), n), dtype=bool)
        for g in games:
            written[g.dm] = np.asarray(compute(conflict, g.dm), dtype=bool)
            if g.conflict is conflict:
                table[g.dm] = written[g.dm]
            else:
                table[g.dm, g.states] = np.asarray(compute(g.conflict, g.dm), dtype=bool)
        result.stable[concept.key] = table
        result.stable_as_written[concept.key] = written
    return result


__all__ = ["CITATIONS", "HypergameResult", "PerceivedGame", "analyse_hypergame",
           "perceived_game", "perceptions_of"]
