"""How firm is each conclusion: verdicts under declared uncertainty, and what they rest on.

:func:`robustness` puts together

1. the admissible profiles of the model's declared uncertainty
   (:mod:`standoff.analysis.admissible`);
2. a sweep over them (:mod:`standoff.analysis.sweep`): for each state, decision maker and
   concept, stable **robustly** (under every admissible profile), **possibly** (under some;
   with a witness profile on each side) or **never**; equilibria the same way; each claim
   holds in *k* of *n* profiles, exact up to 10^6 profiles, sampled beyond with a 95 %
   Wilson interval;
3. premise dependence and robustness margins of the base reading
   (:mod:`standoff.analysis.premises`).

Relation to Li, Hipel, Kilgour & Fang (2004), "Preference uncertainty in the graph model
for conflict resolution", IEEE Trans. SMC-A 34(4):507-520: they extend the graph model with
*uncertain preferences* (a decision maker may be unsure which of two states it prefers)
and define stability concepts that treat the uncertain pairs in different ways. Here the
uncertainty is declared differently (a set of admissible complete preorders, produced by
the model file's declarations), and the verdicts are counted over that set: "robustly
stable" is stable under every admissible preference, "possibly stable" under at least
one. docs/robustness.md says what of the paper could be read and what could not; no
definition of theirs is claimed to coincide with these.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from os import PathLike, fspath
from typing import Any

import numpy as np

from standoff._version import __version__
from standoff.analysis.admissible import ProfileSpace, profile_space
from standoff.analysis.premises import (
    Dependence,
    Evaluator,
    Margin,
    Premise,
    Tracked,
    margins,
    premise_dependence,
    ranking_words,
)
from standoff.analysis.sweep import (
    _NONE,
    EXACT_LIMIT,
    ClaimCheck,
    Sweep,
    sweep,
    wilson_interval,
)
from standoff.concepts import STABILITY, check_decision_makers, label, parse_concepts
from standoff.errors import LookupArgumentError
from standoff.graph.conflict import Conflict

#: The concepts a robustness run computes unless told otherwise (each has a batched
#: kernel; SIM, L(h) and NM can be asked for and go profile by profile).
ROBUSTNESS_CONCEPTS = ("nash", "gmr", "smr", "seq")


@dataclass(frozen=True)
class Firmness:
    """How firm one verdict is over the admissible profiles.

    Attributes:
        holds: profiles (or samples) in which it holds.
        of: profiles (or samples) evaluated.
        exact: True when every admissible profile was evaluated.
        interval: 95 % Wilson interval of the proportion when sampled, else None.
        witness_holds / witness_fails: ``{"profile": p, "preferences": {dm: reading}}``
            of the first profile on each side, or None.
        base: the verdict under the base reading (profile 0).
    """

    holds: int
    of: int
    exact: bool
    interval: tuple[float, float] | None
    witness_holds: dict | None
    witness_fails: dict | None
    base: bool

    @property
    def word(self) -> str:
        """``robust`` (holds in every profile), ``possible`` (in some) or ``never``."""
        if self.holds == self.of:
            return "robust"
        return "never" if self.holds == 0 else "possible"

    def phrase(self) -> str:
        what = "admissible profiles" if self.exact else "sampled profiles"
        if self.of == 1 and self.exact:
            return "(no declared uncertainty: one profile)"
        if self.holds == self.of:
            text = f"in all {self.of:,} {what}" if self.of > 1 else "(no declared uncertainty)"
        elif self.holds == 0:
            text = f"in none of the {self.of:,} {what}"
        else:
            text = f"in {self.holds:,} of {self.of:,} {what}"
        if self.interval is not None:
            text += f" (95 % interval {self.interval[0]:.3f} to {self.interval[1]:.3f})"
        return text

    def to_dict(self) -> dict:
        return {"holds": self.holds, "of": self.of, "exact": self.exact,
                "interval": None if self.interval is None else list(self.interval),
                "witnesses": {"holds": self.witness_holds, "fails": self.witness_fails}}


@dataclass(frozen=True)
class PremiseMap:
    """What one verdict rests on (base reading): critical premises with their effect,
    minimal sufficient sets, flipping swaps and the robustness margin."""

    critical: tuple[tuple[Premise, str], ...] = ()
    sufficient: tuple[tuple[Premise, ...], ...] = ()
    swaps: tuple[str, ...] = ()
    margin: dict | None = None

    def to_dict(self) -> dict:
        return {
            "critical_premises": [{"premise": p.text, "quoted": p.quoted, "effect": effect,
                                   "key": p.key, "kind": p.kind}
                                  for p, effect in self.critical],
            "sufficient_sets": [[p.text for p in group] for group in self.sufficient],
            "swaps": list(self.swaps),
            "margin": self.margin,
        }

    def in_words(self, has_source: bool = True) -> str:
        """``rests on 1 quoted premise (...) and 2 assumptions the text does not state
        (...)``; for a model that quotes no source, the unquoted premises are called
        "premises not quoted from a source"."""
        if not self.critical:
            return "no single premise carries it (dropping any one leaves it unchanged)"
        quoted = [p.text for p, _ in self.critical if p.quoted]
        assumed = [p.text for p, _ in self.critical if not p.quoted]
        parts = []
        if quoted:
            parts.append(f"{len(quoted)} quoted premise{'s' if len(quoted) > 1 else ''} ("
                         + "; ".join(quoted) + ")")
        if assumed:
            plural = "s" if len(assumed) > 1 else ""
            what = f"assumption{plural} the text does not state" if has_source else \
                f"premise{plural} not quoted from a source"
            parts.append(f"{len(assumed)} {what} (" + "; ".join(assumed) + ")")
        return "rests on " + " and ".join(parts)


@dataclass(frozen=True)
class ClaimFirmness:
    """A claim of the model: its firmness over the profiles, per concept, and its
    premise map."""

    id: str
    check: str
    firmness: Firmness
    by_concept: dict
    premises: PremiseMap = PremiseMap()

    def to_dict(self) -> dict:
        out = {"claim": self.id, **self.firmness.to_dict(), **self.premises.to_dict()}
        out["check"] = self.check
        out["base"] = "holds" if self.firmness.base else "fails"
        out["by_concept"] = self.by_concept
        return out


@dataclass(frozen=True)
class EquilibriumFirmness:
    """A state that is an equilibrium under some admissible profile, for one concept."""

    concept: str
    state: int  # 0-based
    pattern: str
    firmness: Firmness
    premises: PremiseMap = PremiseMap()

    def to_dict(self) -> dict:
        out = {"state": self.state + 1, "pattern": self.pattern, "concept": self.concept,
               **self.firmness.to_dict(), **self.premises.to_dict()}
        out["base"] = "equilibrium" if self.firmness.base else "not an equilibrium"
        return out


@dataclass(frozen=True, eq=False)
class RobustnessResult:
    """Everything :func:`robustness` found, frozen, with provenance.

    ``stable_counts[concept]`` (decision makers × states) counts the profiles in which each
    state is stable for each decision maker; ``stability(concept, dm, state)`` turns it
    into a :class:`Firmness`.
    """

    conflict: Conflict
    space: ProfileSpace
    concepts: tuple[str, ...]
    claims: tuple[ClaimFirmness, ...]
    equilibria: tuple[EquilibriumFirmness, ...]
    run: Sweep
    provenance: dict = field(default_factory=dict)

    # -- queries ----------------------------------------------------------------------------
    def _firmness(self, entry: list, index: Any, base: bool) -> Firmness:
        count, yes, no = entry
        k = int(count[index]) if np.ndim(count) else int(count)
        first_yes = int(yes[index]) if np.ndim(yes) else int(yes)
        first_no = int(no[index]) if np.ndim(no) else int(no)
        return _firmness(self.run, k, first_yes, first_no, base)

    def stability(self, concept: str, dm: str | int, state: int) -> Firmness:
        """Firmness of "state (1-based id) is stable for dm under concept"."""
        i = self.conflict.dm_index(dm)
        if concept not in self.concepts:
            raise LookupArgumentError(f"concept '{concept}' was not computed here "
                                      f"(computed: {', '.join(self.concepts)})")
        if not 1 <= int(state) <= self.conflict.state_count:
            raise LookupArgumentError(f"state {state} does not exist")
        entry = self.run.tally.stable[concept]
        base = bool(_base_stable(self, concept)[i, int(state) - 1])
        return self._firmness(entry, (i, int(state) - 1), base)

    def stability_class(self, concept: str) -> np.ndarray:
        """Decision makers × states: 2 robustly stable, 1 possibly, 0 never."""
        count = self.run.tally.stable[concept][0]
        return np.where(count == self.run.evaluated, 2, np.where(count > 0, 1, 0))

    # -- views ------------------------------------------------------------------------------
    def to_dict(self) -> dict:
        """The JSON document of ``standoff robustness --format json`` (docs/robustness.md)."""
        stability = []
        for concept in self.concepts:
            classes = self.stability_class(concept)
            for i, dm in enumerate(self.conflict.dm_ids):
                stability.append({
                    "concept": concept, "dm": dm,
                    "robustly_stable": [int(s) + 1 for s in np.flatnonzero(classes[i] == 2)],
                    "possibly_stable": [int(s) + 1 for s in np.flatnonzero(classes[i] == 1)],
                })
        return {"claims": [c.to_dict() for c in self.claims],
                "equilibria": [e.to_dict() for e in self.equilibria],
                "stability": stability,
                "provenance": self.provenance}

    def to_frame(self):
        """A pandas DataFrame: one row per claim and per (concept, equilibrium state), with
        the counts, the interval and the premises that carry it."""
        import pandas as pd

        rows = []
        for c in self.claims:
            rows.append(_frame_row("claim", c.id, None, c.firmness, c.premises))
        for e in self.equilibria:
            rows.append(_frame_row("equilibrium", f"{e.state + 1} ({e.pattern})", e.concept,
                                   e.firmness, e.premises))
        return pd.DataFrame(rows)

    def _repr_html_(self) -> str:
        """The notebook view: the summary line, then :meth:`to_frame` as a table (pandas
        escapes the cells)."""
        from html import escape

        return (f"<p><b>{escape(repr(self))}</b></p>"
                + self.to_frame().to_html(index=False, float_format=lambda x: f"{x:.4g}"))

    def __repr__(self) -> str:
        firm = sum(c.firmness.word == "robust" for c in self.claims)
        return (f"<Robustness of {self.conflict.title!r}: {self.run.evaluated:,} "
                f"{'profiles' if self.run.exact else 'sampled profiles'}; "
                f"{firm} of {len(self.claims)} claims hold or fail alike in every one>")


def _frame_row(kind: str, name: str, concept: str | None, f: Firmness,
               premises: PremiseMap) -> dict:
    return {"kind": kind, "name": name, "concept": concept,
            "base": f.base, "holds": f.holds, "of": f.of, "exact": f.exact,
            "low": None if f.interval is None else f.interval[0],
            "high": None if f.interval is None else f.interval[1],
            "firmness": f.word,
            "critical_quoted": "; ".join(p.text for p, _ in premises.critical if p.quoted),
            "critical_assumptions": "; ".join(p.text for p, _ in premises.critical
                                              if not p.quoted),
            "margin_steps": None if premises.margin is None else premises.margin["steps"]}


def _witness(run: Sweep, position: int) -> dict | None:
    profile = run.profile_at(position)
    if profile is None:
        return None
    return {"profile": profile, "preferences": run.space.describe(profile)}


def _firmness(run: Sweep, k: int, first_yes: int, first_no: int, base: bool) -> Firmness:
    n = run.evaluated
    interval = None if run.exact else wilson_interval(k, n)
    return Firmness(k, n, run.exact, interval,
                    _witness(run, first_yes) if first_yes != _NONE else None,
                    _witness(run, first_no) if first_no != _NONE else None, base)


def _base_stable(result: RobustnessResult, concept: str) -> np.ndarray:
    key = ("base stable", concept)
    cache = result.conflict._cache
    if key not in cache:
        from standoff.analysis.batch import BatchEngine

        engine = BatchEngine(result.conflict)
        cache[key] = engine.evaluate(np.asarray(result.conflict.ranks)[None],
                                     [concept])[concept][0]
    return cache[key]


def _checks(conflict: Conflict, names: Sequence[str] | None,
            concepts: tuple[str, ...]) -> tuple[ClaimCheck, ...]:
    from standoff.analysis.claims import claim_concepts

    specs = conflict.spec.claims
    if names:
        known = {c.id: c for c in specs}
        for name in names:
            if name not in known:
                raise LookupArgumentError(
                    f"unknown claim '{name}'",
                    hint="use one of: " + (", ".join(known) or "(the model has no claims)"))
        specs = tuple(known[n] for n in names)
    return tuple(ClaimCheck(c.id, c.claim, claim_concepts(c.claim, concepts)) for c in specs)


def robustness(
    conflict: Conflict | str | PathLike,
    claims: Iterable[str] | None = None,
    concepts: str | Iterable[str] | None = None,
    samples: int | None = None,
    seed: int | None = 0,
    workers: int | None = None,
    limit: int = EXACT_LIMIT,
    premises: bool = True,
    max_set_size: int = 3,
    margin_steps: int = 2,
    progress: Callable[[int, int], object] | None = None,
    backend: str | None = None,
    scheduler: str | None = None,
) -> RobustnessResult:
    """How firm each claim and equilibrium of a model is (see the module docstring).

    ``conflict`` is a compiled :class:`Conflict` or a model path. ``claims`` restricts the
    claims (ids); ``concepts`` defaults to :data:`ROBUSTNESS_CONCEPTS`, plus any concept a
    claim names after ``under``. ``samples``/``seed``/``limit`` choose exact enumeration or
    sampling. ``backend`` (``serial``, ``processes``, ``dask``), ``workers`` (default: the
    machine's cores) and ``scheduler`` (a dask address) choose where chunks of profiles
    run (:func:`standoff.analysis.sweep.sweep`; the result does not depend on it).
    ``premises`` adds
    premise dependence (sets up to ``max_set_size``) and robustness margins (up to
    ``margin_steps`` steps; 0 skips them) for the base reading.
    """
    if isinstance(conflict, str | PathLike):
        from standoff.graph import compile_model
        from standoff.model import read_model

        conflict = compile_model(read_model(fspath(conflict)))
    elif not isinstance(conflict, Conflict):
        raise TypeError("robustness expects a Conflict from standoff.load(...) or the path "
                        f"of a model file, not {type(conflict).__name__}")
    if samples is not None and (not isinstance(samples, int) or samples < 1):
        raise ValueError(f"samples must be a positive int, not {samples!r}")
    if workers is not None and (not isinstance(workers, int) or workers < 1):
        raise ValueError(f"workers must be a positive int, not {workers!r}")
    keys = tuple(c.key for c in parse_concepts(
        concepts if concepts is not None else ROBUSTNESS_CONCEPTS, STABILITY))
    claim_names = None if claims is None else [claims] if isinstance(claims, str) \
        else list(claims)
    for spec in conflict.spec.claims:
        for c in spec.claim.concepts or ():
            if c not in keys and (claim_names is None or spec.id in claim_names):
                keys = (*keys, c)
    for key in keys:
        check_decision_makers(key, conflict.dm_ids, file=conflict.spec.file)
    checks = _checks(conflict, claim_names, keys)
    space = profile_space(conflict)
    from standoff.analysis.batch import BatchEngine

    engine = BatchEngine(conflict)
    run = sweep(conflict, space, keys, checks, samples=samples, seed=seed, limit=limit,
                workers=workers, progress=progress, backend=backend, scheduler=scheduler,
                engine=engine)
    tally = run.tally

    # the base reading (profile 0) of every verdict
    base_ranks = np.asarray(conflict.ranks, dtype=np.int64)[None]
    base_stable = engine.evaluate(base_ranks, keys)
    from standoff.analysis.sweep import claim_holds

    base_claims = {ch.id: claim_holds(ch, conflict, base_stable, base_ranks, engine)[0]
                   for ch in checks}

    tracked_eq: list[tuple[str, int]] = []
    for concept in keys:
        count = tally.equilibria[concept][0]
        for s in np.flatnonzero(count > 0):
            tracked_eq.append((concept, int(s)))
    tracked = Tracked(checks, tuple(tracked_eq))
    maps: list[PremiseMap] = [PremiseMap() for _ in range(tracked.size)]
    dependence: Dependence | None = None
    if premises:
        evaluator = Evaluator(conflict, tracked, keys, engine)
        dependence = premise_dependence(evaluator, max_set_size)
        batched = all(k in ("nash", "gmr", "smr", "seq") for k in keys)
        found = margins(evaluator, margin_steps) if margin_steps > 0 and batched else None
        maps = [_premise_map(conflict, dependence, v, found[v] if found else None,
                             margin_steps)
                for v in range(tracked.size)]

    claim_out = []
    for k, ch in enumerate(checks):
        entry = tally.claims[ch.id]
        per = tally.claims[(ch.id, "by concept")][0]
        by_concept = {(c or "any"): int(per[j]) for j, c in enumerate(ch.concepts)}
        firm = _firmness(run, int(entry[0]), int(entry[1]), int(entry[2]),
                         bool(base_claims[ch.id].all()))
        claim_out.append(ClaimFirmness(ch.id, str(getattr(ch.claim, "text", "")), firm,
                                       by_concept, maps[k]))
    eq_out = []
    for e, (concept, state) in enumerate(tracked_eq):
        count, yes, no = tally.equilibria[concept]
        base = bool(base_stable[concept][0][:, state].all())
        firm = _firmness(run, int(count[state]), int(yes[state]), int(no[state]), base)
        eq_out.append(EquilibriumFirmness(concept, state, conflict.pattern(state), firm,
                                          maps[len(checks) + e]))
    provenance = {
        "standoff_version": __version__,
        "model": conflict.spec.file,
        "variant": conflict.spec.variant,
        "concepts": list(keys),
        "profiles": run.total,
        "evaluated": run.evaluated,
        "exact": run.exact,
        "samples": run.samples,
        "seed": run.seed,
        "limit": limit,
        "enumeration_exact": space.exact,
        "backend": run.workers,
        "chunk": run.chunk,
        "decision_makers": [
            {"dm": d.dm, "admissible": d.count, "declared": d.declared, "exact": d.exact}
            for d in space.dms],
        "premises": None if dependence is None else {
            "count": len(dependence.premises), "max_set_size": max_set_size,
            "margin_steps": margin_steps, "models_evaluated": dependence.runs},
    }
    return RobustnessResult(conflict, space, keys, tuple(claim_out), tuple(eq_out), run,
                            provenance)


def _premise_map(conflict: Conflict, dep: Dependence, v: int, margin: Margin | None,
                 margin_steps: int) -> PremiseMap:
    base = bool(dep.base[v])
    effect = "the verdict becomes 'fails'" if base else "the verdict becomes 'holds'"
    critical = tuple((dep.premises[k], effect) for k in dep.critical[v])
    sufficient = tuple(tuple(dep.premises[k] for k in group) for group in dep.sufficient[v])
    swaps = []
    for d, k in dep.swaps[v]:
        pref = conflict.spec.preferences[d]
        swaps.append(f"{conflict.dm_ids[d]}: '{pref.statements[k].text}' and "
                     f"'{pref.statements[k + 1].text}' exchanged")
    margin_out = None
    if margin is not None:
        margin_out = {"steps": margin.steps, "searched_up_to": margin_steps,
                      "transpositions": None if margin.steps is None else margin.steps / 2,
                      "dm": None if margin.dm is None else conflict.dm_ids[margin.dm],
                      "ranking": None if margin.ranks is None
                      else ranking_words(conflict, margin.ranks)}
    return PremiseMap(critical, sufficient, tuple(swaps), margin_out)


def concept_label(key: str) -> str:
    return label(key)
