"""Premise dependence and robustness margins: what each verdict rests on.

A *premise* of a model is one thing the modeller wrote that a verdict may depend on:

* a preference statement (``prioritize`` or ``weights``) of one decision maker;
* a feasibility constraint (an ``exactly_one`` / ``at_most_one`` / ``at_least_one`` group,
  or an ``infeasible`` statement);
* for a variant, its supposition (the variant itself: dropping it is the base model).

A premise is **quoted** when it carries a ``source`` + ``quote`` (checked against the
source when the model is read) and an **assumption** otherwise (an ``assumption:`` or
nothing at all). Ranking items are not premises (a ranking must place every state); the
robustness margin covers rankings.

All verdicts here are those of the *base reading* of the model (docs/model-format.md):

* **critical premises** (:func:`premise_dependence`): each premise is dropped in turn and
  the model re-analysed; a premise whose removal flips a verdict is critical for it;
* **minimal sufficient sets**: sets S of at most ``max_size`` premises such that the model
  keeping only S of the premises (every other preference statement and feasibility
  constraint dropped; a variant's supposition is kept) gives the same verdict, and no
  proper subset of S does;
* **adjacent swaps**: for prioritized preferences, exchanging two neighbouring statements
  of one decision maker; the swaps that flip a verdict are listed;
* **robustness margin** (:func:`margins`): the fewest elementary steps in one decision
  maker's ranking of the states that flip a verdict, with the witness ranking. A step
  moves one state by one place in the ranking: out of a tie to just above or below its
  tie class, or (when alone in its class) into the tie class just above or below. Two
  steps exchange two neighbouring states of a strict ranking (one adjacent transposition,
  one unit of Kendall's distance): the margin in adjacent transpositions is steps / 2.
  The search is breadth first up to ``max_steps``; "more than max_steps" is reported when
  no ranking that close flips the verdict.
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from standoff.analysis.batch import BatchEngine
from standoff.analysis.sweep import ClaimCheck, claim_holds
from standoff.graph import compile_model
from standoff.graph.conflict import Conflict
from standoff.graph.preferences import dense_ranks, scores
from standoff.model.loader import BASE_VARIANT, Evidence, ModelSpec


@dataclass(frozen=True)
class Premise:
    """One premise of a model (see the module docstring).

    Attributes:
        key: a stable id, e.g. ``preferences.us.1``, ``feasibility.at_most_one.0``,
            ``variant.maga``.
        kind: ``preference``, ``feasibility`` or ``variant``.
        text: the premise in words.
        quoted: True when it quotes its source.
        dm: the decision maker a preference statement belongs to (else None).
        index: its position (statement, group or infeasible statement index).
    """

    key: str
    kind: str
    text: str
    quoted: bool
    dm: int | None = None
    index: int = 0
    evidence: Evidence | None = None

    def to_dict(self) -> dict:
        out = {"premise": self.text, "key": self.key, "kind": self.kind,
               "quoted": self.quoted}
        if self.evidence is not None:
            if self.evidence.quote:
                out["quote"] = self.evidence.quote
            if self.evidence.assumption:
                out["assumption"] = self.evidence.assumption
        return out


def _quoted(evidence: Evidence | None) -> bool:
    return evidence is not None and evidence.quote is not None


def premises_of(spec: ModelSpec) -> tuple[Premise, ...]:
    """Every premise of a model, in file order (preferences, feasibility, variant)."""
    out: list[Premise] = []
    for d, pref in enumerate(spec.preferences):
        if pref.kind == "ranking":
            continue
        dm_id = spec.dms[d].id
        for k, stmt in enumerate(pref.statements):
            out.append(Premise(f"preferences.{dm_id}.{k}", "preference",
                               f"{dm_id} prefers {stmt.text}", _quoted(stmt.evidence), d, k,
                               stmt.evidence))
    for g, group in enumerate(spec.groups):
        names = ", ".join(spec.options[k].key for k in group.options)
        words = group.kind.replace("_", " ")
        out.append(Premise(f"feasibility.group.{g}", "feasibility",
                           f"{words} of {names}", False, None, g))
    for k, stmt in enumerate(spec.infeasible):
        out.append(Premise(f"feasibility.infeasible.{k}", "feasibility",
                           f"infeasible: {stmt.text}", _quoted(stmt.evidence), None, k,
                           stmt.evidence))
    if spec.variant != BASE_VARIANT:
        variant = spec.variant_spec(spec.variant)
        evidence = variant.evidence if variant is not None else None
        text = variant.description if variant is not None else spec.variant
        out.append(Premise(f"variant.{spec.variant}", "variant",
                           f"variant {spec.variant}: {text}", _quoted(evidence), None, 0,
                           evidence))
    return tuple(out)


# -- verdicts of a configuration ---------------------------------------------------------
@dataclass(frozen=True)
class Tracked:
    """The verdicts followed: claims (overall, under their concepts) and equilibria
    (concept, base state index)."""

    checks: tuple[ClaimCheck, ...]
    equilibria: tuple[tuple[str, int], ...]

    @property
    def size(self) -> int:
        return len(self.checks) + len(self.equilibria)


class Evaluator:
    """Verdicts of the tracked claims and equilibria for models derived from one spec by
    dropping premises; compiles each distinct feasibility once."""

    def __init__(self, conflict: Conflict, tracked: Tracked, concepts: Sequence[str],
                 engine: BatchEngine | None = None):
        self.conflict = conflict
        self.spec = conflict.spec
        self.tracked = tracked
        self.concepts = tuple(concepts)
        self.premises = premises_of(self.spec)
        self.engine = engine if engine is not None else BatchEngine(conflict)
        # the model as written needs no compiling
        self._compiled: dict = {(frozenset(), frozenset(), False): (conflict, self.engine)}
        self.runs = 0

    def _conflict_for(self, groups: frozenset[int], infeasible: frozenset[int],
                      base_variant: bool) -> tuple[Conflict, BatchEngine] | None:
        key = (groups, infeasible, base_variant)
        if key not in self._compiled:
            spec = self.spec
            if base_variant:
                from standoff.analysis.variants import base_spec

                spec = base_spec(spec)
            spec = dataclasses.replace(
                spec, groups=tuple(g for k, g in enumerate(spec.groups) if k not in groups),
                infeasible=tuple(s for k, s in enumerate(spec.infeasible)
                                 if k not in infeasible))
            try:
                conflict = compile_model(spec)
            except Exception:  # noqa: BLE001 - a configuration with no feasible state
                self._compiled[key] = None
            else:
                self._compiled[key] = (conflict, BatchEngine(conflict))
        return self._compiled[key]

    def _ranks(self, conflict: Conflict, dropped: frozenset[int],
               swaps: tuple[tuple[int, int], ...] = ()) -> np.ndarray:
        """The base-reading ranks with the dropped preference premises removed."""
        spec = conflict.spec
        rows = []
        for d, pref in enumerate(spec.preferences):
            gone = {p.index for k, p in enumerate(self.premises)
                    if k in dropped and p.kind == "preference" and p.dm == d}
            statements = list(pref.statements)
            for dm, position in swaps:
                if dm == d:
                    statements[position], statements[position + 1] = \
                        statements[position + 1], statements[position]
            if not gone and not any(dm == d for dm, _ in swaps):
                rows.append(np.asarray(conflict.ranks[d], dtype=np.int64))
                continue
            kept = tuple(s for k, s in enumerate(statements) if k not in gone) \
                if not swaps else tuple(statements)
            changed = dataclasses.replace(pref, statements=kept, any_order=())
            raw = scores(changed, conflict.space, spec.dms[d].id, lambda s: str(s + 1))
            rows.append(dense_ranks(raw))
        return np.vstack(rows)

    def verdicts(self, configurations: Sequence[frozenset[int]],
                 swaps: Sequence[tuple[tuple[int, int], ...]] | None = None) -> np.ndarray:
        """Shape (configurations, tracked): the verdicts with each set of premises
        dropped (and, if given, each tuple of (decision maker, position) swaps made)."""
        out = np.zeros((len(configurations), self.tracked.size), dtype=bool)
        groups: dict = {}
        for c, dropped in enumerate(configurations):
            f_groups = frozenset(self.premises[k].index for k in dropped
                                 if self.premises[k].key.startswith("feasibility.group"))
            f_inf = frozenset(self.premises[k].index for k in dropped
                              if self.premises[k].key.startswith("feasibility.infeasible"))
            base_variant = any(self.premises[k].kind == "variant" for k in dropped)
            groups.setdefault((f_groups, f_inf, base_variant), []).append(c)
        for (f_groups, f_inf, base_variant), members in groups.items():
            compiled = self._conflict_for(f_groups, f_inf, base_variant)
            if compiled is None:
                continue  # no feasible state: every verdict False (nothing is stable)
            conflict, engine = compiled
            ranks = np.stack([
                self._ranks(conflict, configurations[c], swaps[c] if swaps else ())
                for c in members])
            out[members] = self.evaluate(conflict, engine, ranks)
        self.runs += len(configurations)
        return out

    def evaluate(self, conflict: Conflict, engine: BatchEngine,
                 ranks: np.ndarray) -> np.ndarray:
        """Tracked verdicts for a batch of rank profiles on ``conflict``."""
        stable = engine.evaluate(ranks, self.concepts)
        out = np.zeros((ranks.shape[0], self.tracked.size), dtype=bool)
        for k, check in enumerate(self.tracked.checks):
            out[:, k] = claim_holds(check, conflict, stable, ranks, engine).all(axis=1)
        if self.tracked.equilibria:
            base = self.conflict.space
            for e, (concept, s) in enumerate(self.tracked.equilibria):
                if conflict is self.conflict:
                    index = s
                else:
                    pattern = np.array([base.patterns[s]], dtype=np.uint64)
                    index = int(conflict.space.state_of(pattern)[0])
                if index < 0:
                    continue
                out[:, len(self.tracked.checks) + e] = stable[concept][:, :, index].all(axis=1)
        return out


@dataclass(frozen=True)
class Dependence:
    """What the tracked verdicts rest on (see the module docstring)."""

    premises: tuple[Premise, ...]
    base: np.ndarray  # (tracked,)
    critical: tuple[tuple[int, ...], ...]  # per verdict: premise indices
    sufficient: tuple[tuple[tuple[int, ...], ...], ...]  # per verdict: minimal sets
    max_size: int
    swaps: tuple[tuple[tuple[int, int], ...], ...]  # per verdict: (dm, position) swaps
    runs: int


def premise_dependence(evaluator: Evaluator, max_size: int = 3) -> Dependence:
    """Critical premises, minimal sufficient sets (up to ``max_size``) and flipping
    adjacent swaps for every tracked verdict of the base reading."""
    premises = evaluator.premises
    n = len(premises)
    base = evaluator.verdicts([frozenset()])[0]
    drop_one = evaluator.verdicts([frozenset({k}) for k in range(n)])
    critical = tuple(tuple(int(k) for k in np.flatnonzero(drop_one[:, v] != base[v]))
                     for v in range(base.shape[0]))
    droppable = [k for k in range(n) if premises[k].kind != "variant"]
    kept_sets: list[tuple[int, ...]] = []
    for size in range(0, min(max_size, len(droppable)) + 1):
        kept_sets.extend(itertools.combinations(droppable, size))
    everything = frozenset(droppable)
    keep_only = evaluator.verdicts([everything - frozenset(s) for s in kept_sets])
    sufficient: list[tuple[tuple[int, ...], ...]] = []
    for v in range(base.shape[0]):
        found: list[tuple[int, ...]] = []
        for row, kept in enumerate(kept_sets):
            if keep_only[row, v] != base[v]:
                continue
            if any(set(f) <= set(kept) for f in found):
                continue
            found.append(kept)
        sufficient.append(tuple(found))
    swap_list: list[tuple[int, int]] = []
    spec = evaluator.spec
    for d, pref in enumerate(spec.preferences):
        if pref.kind == "prioritize":
            swap_list.extend((d, k) for k in range(len(pref.statements) - 1))
    swapped = evaluator.verdicts([frozenset()] * len(swap_list),
                                 [((d, k),) for d, k in swap_list]) if swap_list else \
        np.zeros((0, base.shape[0]), dtype=bool)
    swaps = tuple(tuple(swap_list[r] for r in np.flatnonzero(swapped[:, v] != base[v]))
                  for v in range(base.shape[0]))
    return Dependence(premises, base, critical, tuple(sufficient), max_size, swaps,
                      evaluator.runs)


# -- robustness margin -------------------------------------------------------------------
def neighbours(ranks: np.ndarray) -> list[np.ndarray]:
    """Every ranking one step away (see the module docstring), as dense ranks."""
    out = []
    seen = {ranks.tobytes()}
    doubled = 2 * ranks.astype(np.int64)
    sizes = np.bincount(ranks)
    for s in range(ranks.shape[0]):
        r = int(ranks[s])
        alone = sizes[r] == 1
        for value in ((2 * r + 2, 2 * r - 2) if alone else (2 * r + 1, 2 * r - 1)):
            moved = doubled.copy()
            moved[s] = value
            new = dense_ranks(moved)
            key = new.tobytes()
            if key not in seen:
                seen.add(key)
                out.append(new)
    return out


@dataclass(frozen=True)
class Margin:
    """The fewest steps in one decision maker's ranking that flip a verdict
    (``steps`` None: more than ``searched``), with the witness ranking."""

    steps: int | None
    searched: int
    dm: int | None = None
    ranks: np.ndarray | None = None


def margins(evaluator: Evaluator, max_steps: int = 2, max_rankings: int = 200_000,
            dms: Sequence[int] | None = None) -> tuple[Margin, ...]:
    """Robustness margin of every tracked verdict of the base reading (breadth-first
    search over each decision maker's rankings, at most ``max_rankings`` per DM)."""
    conflict = evaluator.conflict
    engine = evaluator.engine
    base_ranks = np.asarray(conflict.ranks, dtype=np.int64)
    base = evaluator.evaluate(conflict, engine, base_ranks[None])[0]
    best: list[Margin] = [Margin(None, max_steps) for _ in range(base.shape[0])]
    for d in (range(len(conflict.dm_ids)) if dms is None else dms):
        frontier = [base_ranks[d]]
        visited = {base_ranks[d].tobytes()}
        for step in range(1, max_steps + 1):
            if all(m.steps is not None and m.steps < step for m in best):
                break
            layer = []
            for r in frontier:
                for new in neighbours(r):
                    key = new.tobytes()
                    if key not in visited:
                        visited.add(key)
                        layer.append(new)
            if not layer or len(visited) > max_rankings:
                break
            profiles = np.repeat(base_ranks[None], len(layer), axis=0)
            profiles[:, d] = np.stack(layer)
            verdicts = _batched(evaluator, engine, profiles)
            for v in range(base.shape[0]):
                steps = best[v].steps
                if steps is not None and steps <= step:
                    continue
                flips = np.flatnonzero(verdicts[:, v] != base[v])
                if flips.size:
                    best[v] = Margin(step, max_steps, d, layer[int(flips[0])])
            frontier = layer
    return tuple(best)


def _batched(evaluator: Evaluator, engine: BatchEngine, profiles: np.ndarray,
             size: int = 4096) -> np.ndarray:
    parts = [evaluator.evaluate(evaluator.conflict, engine, profiles[lo:lo + size])
             for lo in range(0, profiles.shape[0], size)]
    return np.concatenate(parts, axis=0)


def ranking_words(conflict: Conflict, ranks: np.ndarray,
                  show: Callable[[int], str] | None = None) -> list[list[int]]:
    """A rank vector as tie classes of state ids, best first."""
    classes = []
    for r in sorted(set(int(x) for x in ranks), reverse=True):
        classes.append([int(s) + 1 for s in np.flatnonzero(ranks == r)])
    return classes
