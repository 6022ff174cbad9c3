"""Two models of one conflict compared through the options they share.

Made for a hierarchical (structured) model and the same conflict written flat with fewer
decision makers (docs/hierarchy.md, "Comparing a structured and a flat model"), but it
works for any two models. The comparison has two parts:

* **Claims.** Every claim of either model is parsed against the other one as well (its
  check sentence, by option and decision maker ids). Where both models have every option
  and decision maker it names, it is checked in both and the two verdicts are set side by
  side; otherwise the comparison says which name the other model lacks.
* **Equilibria.** The *shared options* are the option keys (``dm.option``) both models
  have. Each equilibrium is projected on the shared options (their values in it); for
  every concept, the equilibria of the two models are grouped by that projection, so a
  group pairs the equilibria of one model with those of the other that agree on every
  shared option. A group with equilibria in one model only gets a reason in plain words:
  how many states of the other model have those shared values, for which decision makers
  they are unstable, and the undeterred move that breaks the nearest miss (the state
  stable for the most decision makers).

Nothing here assumes a particular relation between the two models; which verdicts agree is
what the comparison reports, not what it presumes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from standoff.analysis.claims import ClaimResult, check_claim, concepts_needed, why_unstable
from standoff.analysis.result import Analysis
from standoff.concepts import UnknownConceptError
from standoff.concepts import label as concept_label
from standoff.graph.conflict import Conflict
from standoff.model.claims_grammar import Claim, parse_claim
from standoff.model.expressions import ExpressionError
from standoff.model.loader import claim_context
from standoff.words import plural


@dataclass(frozen=True)
class ClaimComparison:
    """One claim, checked in each model where it can be expressed.

    Attributes:
        id: the claim's id in the model it comes from.
        origin: the name of the model it is written in (or both names, joined by " and ",
            when both models have a claim of this id with the same check sentence).
        check: its check sentence.
        results: by model name, its result there, or None where it cannot be expressed.
        missing: by model name, why it cannot be expressed there (the parser's message).
    """

    id: str
    origin: str
    check: str
    results: dict[str, ClaimResult | None]
    missing: dict[str, str]

    @property
    def in_both(self) -> bool:
        """Whether the claim could be checked in both models."""
        return all(r is not None for r in self.results.values())

    @property
    def agree(self) -> bool | None:
        """Whether the verdict words agree in both models (None if not checked in both)."""
        if not self.in_both:
            return None
        words = {r.verdict_word for r in self.results.values() if r is not None}
        return len(words) == 1


@dataclass(frozen=True)
class EquilibriumGroup:
    """The equilibria of both models under one concept that agree on the shared options.

    Attributes:
        concept: the concept's key.
        values: the value of every shared option (in :attr:`ModelComparison.shared`
            order).
        states: by model name, its equilibria (0-based) with these values.
        why: by model name, for a model with no such equilibrium: the reason in words.
    """

    concept: str
    values: tuple[bool, ...]
    states: dict[str, tuple[int, ...]]
    why: dict[str, str]

    @property
    def matched(self) -> bool:
        """Whether both models have an equilibrium with these shared values."""
        return all(self.states.values())


@dataclass(frozen=True)
class ModelComparison:
    """Two analysed models compared: ``names`` (say ``("structured", "flat")``) and their
    analyses in the same order, the shared option keys, each model's options of its own, the
    claims of both, and per concept the groups of equilibria (matched groups first)."""

    names: tuple[str, str]
    analyses: tuple[Analysis, Analysis]
    shared: tuple[str, ...]
    own: dict[str, tuple[str, ...]]
    claims: tuple[ClaimComparison, ...]
    groups: dict[str, tuple[EquilibriumGroup, ...]]

    def analysis(self, name: str) -> Analysis:
        """The analysis of the model called ``name``."""
        return self.analyses[self.names.index(name)]

    def values_text(self, values: Sequence[bool]) -> str:
        """The shared option values in words: ``us.withdraw, not russia.accept, …``."""
        return ", ".join(key if v else f"not {key}"
                         for key, v in zip(self.shared, values, strict=True))


def _projection(analysis: Analysis, shared: Sequence[str]) -> np.ndarray:
    """For every state, the values of the shared options (a bool matrix, states × shared)."""
    c = analysis.conflict
    patterns = c.space.patterns
    columns = [(patterns >> np.uint64(c.option_keys.index(key))) & np.uint64(1)
               for key in shared]
    if not columns:
        return np.zeros((c.state_count, 0), dtype=bool)
    return np.stack(columns, axis=1).astype(bool)


def _parse_for(claim_text: str, analysis: Analysis) -> tuple[Claim | None, str]:
    """The claim parsed against ``analysis``'s model, or None and the parser's reason."""
    try:
        return parse_claim(claim_text, claim_context(analysis.conflict.spec)), ""
    except (ExpressionError, UnknownConceptError) as exc:
        return None, exc.message


def _claims(names: tuple[str, str], analyses: tuple[Analysis, Analysis],
            concepts: Sequence[str]) -> tuple[ClaimComparison, ...]:
    out: list[ClaimComparison] = []
    seen: dict[tuple[str, str], int] = {}
    for k, (name, analysis) in enumerate(zip(names, analyses, strict=True)):
        for spec in analysis.conflict.spec.claims:
            if (spec.id, spec.check) in seen:
                earlier = out[seen[(spec.id, spec.check)]]
                out[seen[(spec.id, spec.check)]] = ClaimComparison(
                    earlier.id, f"{earlier.origin} and {name}", earlier.check,
                    earlier.results, earlier.missing)
                continue
            results: dict[str, ClaimResult | None] = {}
            missing: dict[str, str] = {}
            for other_name, other in zip(names, analyses, strict=True):
                claim, reason = (spec.claim, "") if other is analysis else \
                    _parse_for(spec.check, other)
                if claim is None:
                    results[other_name] = None
                    missing[other_name] = reason
                    continue
                results[other_name] = check_claim(spec.id, claim, other, None, concepts)
            seen[(spec.id, spec.check)] = len(out)
            out.append(ClaimComparison(spec.id, names[k], spec.check, results, missing))
    return tuple(out)


def _why_none(analysis: Analysis, concept: str, candidates: np.ndarray) -> str:
    """Why no state among ``candidates`` (0-based ids) is an equilibrium, in words."""
    c = analysis.conflict
    if len(candidates) == 0:
        return "no feasible state has these values"
    label = concept_label(concept)
    stable = analysis.stable[concept][:, candidates]
    first_unstable: dict[int, int] = {}
    for column in range(len(candidates)):
        i = int(np.flatnonzero(~stable[:, column])[0])
        first_unstable[i] = first_unstable.get(i, 0) + 1
    who = "; ".join(f"{c.spec.dms[i].name} in {n}" for i, n in sorted(
        first_unstable.items(), key=lambda item: -item[1]))
    nearest = int(candidates[int(np.argmax(stable.sum(axis=0)))])
    if len(candidates) == 1:
        head = f"its one state with these values, {c.show(nearest)}, is not a {label} " \
               "equilibrium"
    else:
        head = (f"none of its {len(candidates)} states with these values is a {label} "
                f"equilibrium (the first decision maker that would leave: {who})")
    return f"{head}. {'Nearest miss: ' if len(candidates) > 1 else ''}" \
           f"{why_unstable(analysis, concept, nearest)}"


def _groups(names: tuple[str, str], analyses: tuple[Analysis, Analysis],
            shared: tuple[str, ...], concept: str) -> tuple[EquilibriumGroup, ...]:
    projections = [_projection(a, shared) for a in analyses]
    found: dict[tuple[bool, ...], dict[str, list[int]]] = {}
    for name, analysis, projection in zip(names, analyses, projections, strict=True):
        for s in np.flatnonzero(analysis.equilibrium_mask(concept)):
            values = tuple(bool(v) for v in projection[s])
            found.setdefault(values, {n: [] for n in names})[name].append(int(s))
    groups = []
    for values, states in found.items():
        why = {}
        for name, analysis, projection in zip(names, analyses, projections, strict=True):
            if states[name]:
                continue
            candidates = np.flatnonzero((projection == np.array(values, dtype=bool))
                                        .all(axis=1)) if shared else \
                np.arange(analysis.conflict.state_count)
            why[name] = _why_none(analysis, concept, candidates)
        groups.append(EquilibriumGroup(concept, values,
                                       {n: tuple(v) for n, v in states.items()}, why))
    groups.sort(key=lambda g: (not g.matched, [-int(v) for v in g.values]))
    return tuple(groups)


def compare_models(first: Analysis, second: Analysis, names: tuple[str, str],
                   concepts: Sequence[str]) -> ModelComparison:
    """Compare two analysed models (see the module text) under ``concepts`` (each must have
    been computed in both analyses). ``names`` labels them in the output."""
    if names[0] == names[1]:
        raise ValueError("the two models need different names")
    analyses = (first, second)
    keys = [a.conflict.option_keys for a in analyses]
    shared = tuple(k for k in keys[0] if k in keys[1])
    own = {name: tuple(k for k in ks if k not in shared)
           for name, ks in zip(names, keys, strict=True)}
    return ModelComparison(
        names, analyses, shared, own, _claims(names, analyses, concepts),
        {concept: _groups(names, analyses, shared, concept) for concept in concepts})


def default_names(first: Conflict, second: Conflict) -> tuple[str, str]:
    """How the comparison calls the two models: ``structured`` for a hierarchical one and
    ``flat`` for the other; ``first`` and ``second`` when that does not tell them apart."""
    from standoff.analysis.hierarchy import is_hierarchical

    names = tuple("structured" if is_hierarchical(c) else "flat" for c in (first, second))
    return ("first", "second") if names[0] == names[1] else (names[0], names[1])


def compare_conflicts(first: Conflict, second: Conflict, concepts: Sequence[str],
                      names: tuple[str, str] | None = None) -> ModelComparison:
    """Analyse both models (under ``concepts`` and every concept a claim of either names)
    and compare them (:func:`compare_models`); ``names`` defaults to
    :func:`default_names`."""
    from standoff.analysis.result import analyze

    claims = [c.claim for c in (*first.spec.claims, *second.spec.claims)]
    needed = concepts_needed(claims, tuple(concepts))
    return compare_models(analyze(first, needed), analyze(second, needed),
                          names or default_names(first, second), tuple(concepts))


def comparison_summary(comparison: ModelComparison) -> list[str]:
    """A few sentences a reader follows: how many claims both models can express and how
    many verdicts agree, and per concept how many groups of equilibria are matched."""
    a, b = comparison.names
    both = [c for c in comparison.claims if c.in_both]
    agree = [c for c in both if c.agree]
    out = [f"The {a} and the {b} model share {plural(len(comparison.shared), 'option')}; "
           f"{plural(len(both), 'claim')} can be checked in both, and "
           f"{len(agree)} of them get the same verdict."]
    for concept, groups in comparison.groups.items():
        matched = sum(g.matched for g in groups)
        only = {n: sum(1 for g in groups if g.states[n] and not g.matched)
                for n in comparison.names}
        out.append(
            f"{concept_label(concept)}: {plural(matched, 'outcome')} (values of the shared "
            f"options) {'is' if matched == 1 else 'are'} an equilibrium in both; "
            f"{only[a]} only in the {a} model, {only[b]} only in the {b} model.")
    return out


__all__ = ["ClaimComparison", "EquilibriumGroup", "ModelComparison", "compare_conflicts",
           "compare_models", "comparison_summary", "default_names"]
