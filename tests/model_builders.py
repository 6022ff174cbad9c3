"""Build models in memory for tests: from a dict (as a model file would hold) to a spec."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from standoff.model.loader import ModelSpec, build_spec
from standoff.model.schema import ModelFile
from standoff.model.yamlio import parse_text
from standoff.reference import OptionFormSpec


def spec_from_dict(data: dict[str, Any], base: Path | None = None) -> ModelSpec:
    """Validate and resolve a model given as a dict, exactly as the file loader would."""
    text = yaml.safe_dump(data, sort_keys=False)
    parsed, locs = parse_text(text, "<test>")
    model = ModelFile.model_validate(parsed)
    return build_spec(model, locs, base or Path.cwd(), parsed)


def reference_spec(spec: ModelSpec) -> OptionFormSpec:
    """The same model as plain callables for the literal reference implementation.

    Feasibility, collapse triggers and payoffs are evaluated one vector at a time with the
    statement trees' ``evaluate`` (not the engine's vectorised bit arithmetic).
    """

    def feasible(v: tuple[bool, ...]) -> bool:
        for g in spec.groups:
            n = sum(v[k] for k in g.options)
            if g.kind == "exactly_one" and n != 1:
                return False
            if g.kind == "at_most_one" and n > 1:
                return False
            if g.kind == "at_least_one" and n < 1:
                return False
        return not any(s.expr.evaluate(v) for s in spec.infeasible)

    def payoff_of(pref):
        if pref.kind == "prioritize":
            k_total = len(pref.statements)
            return lambda v: sum(
                2 ** (k_total - k)
                for k, s in enumerate(pref.statements, start=1)
                if s.expr.evaluate(v)
            )
        if pref.kind == "weights":
            return lambda v: sum(s.weight for s in pref.statements if s.expr.evaluate(v))

        def ranked(v):
            for k, item in enumerate(pref.ranking):
                if any(s.expr.evaluate(v) for s in item):
                    return -k
            raise AssertionError("ranking does not cover a vector")

        return ranked

    return OptionFormSpec(
        dms=tuple(d.id for d in spec.dms),
        owner=tuple(o.dm for o in spec.options),
        direction=tuple(o.moves for o in spec.options),
        feasible=feasible,
        collapses=tuple((c.expr.evaluate, c.literals) for c in spec.collapses),
        payoff=tuple(payoff_of(p) for p in spec.preferences),
    )
