"""Helpers shared by the tests of paths, coalitions, limited-move and inverse analysis."""

from __future__ import annotations

from itertools import product
from math import prod
from typing import Any

from hypothesis import strategies as st
from model_builders import reference_spec, spec_from_dict
from strategies import conflicts, expressions

import standoff.reference as ref
from standoff.graph import compile_model


def any_conflicts(max_dms: int = 3, max_options: int = 6):
    """Random conflicts, with general or product state spaces (both engine paths)."""
    return st.booleans().flatmap(
        lambda product: conflicts(max_dms=max_dms, max_options=max_options, product=product)
    )


def compiled(model: dict):
    """(engine conflict, reference model) for a random model.

    The strategies only produce models with a feasible state, so a model error here is a
    defect of the strategy or of the loader, and fails the test."""
    spec = spec_from_dict(model)
    conflict = compile_model(spec)
    return conflict, ref.build(reference_spec(spec))


def _combination(names: list[str], values: tuple[bool, ...]) -> str:
    """The statement true for exactly this combination of values of ``names``."""
    return " and ".join(n if v else f"not {n}" for n, v in zip(names, values, strict=True))


@st.composite
def few_state_conflicts(draw, max_dms: int = 3, max_options: int = 4,
                        max_states: int = 5) -> dict[str, Any]:
    """A random model with between 2 and ``max_states`` states, built to size.

    The feasible combinations of options are drawn first and every other combination is
    excluded by an ``infeasible`` statement naming it, so no model is filtered out. Half of
    the models are products (each decision maker's combinations are excluded separately, as
    :func:`strategies.conflicts` does with ``product=True``); the others may have a collapse
    statement, whose matching feasible combinations merge into one state."""
    if max_states < 2:
        raise ValueError("max_states must be at least 2")
    n_dms = draw(st.integers(2, max_dms))
    counts = [1] * n_dms
    for _ in range(draw(st.integers(0, max_options - n_dms))):
        counts[draw(st.integers(0, n_dms - 1))] += 1
    owned: list[list[str]] = []
    for c in counts:
        start = sum(len(o) for o in owned)
        owned.append([f"o{k}" for k in range(start, start + c)])
    names = [n for group in owned for n in group]
    infeasible: list[str] = []
    collapse: list[str] = []
    if draw(st.booleans()):  # a product of each decision maker's own feasible combinations
        sizes = []
        for group in owned:
            room = max_states // prod(sizes)
            sizes.append(draw(st.integers(1, min(2 ** len(group), room))))
        if prod(sizes) < 2:
            sizes[draw(st.integers(0, n_dms - 1))] = 2
        for group, size in zip(owned, sizes, strict=True):
            combos = list(product([False, True], repeat=len(group)))
            kept = draw(st.permutations(combos))[:size]
            infeasible += [_combination(group, v) for v in combos if v not in kept]
    else:
        combos = list(product([False, True], repeat=len(names)))
        ordinary_min, ordinary_max = 2, max_states
        matched: list[tuple[bool, ...]] = []
        if draw(st.integers(0, 2)) == 0:
            literals = draw(st.lists(st.sampled_from(range(len(names))), min_size=1,
                                     max_size=2, unique=True))
            polarity = {k: draw(st.booleans()) for k in literals}
            collapse.append(_combination([names[k] for k in literals],
                                         tuple(polarity[k] for k in literals)))
            matched = [v for v in combos if all(v[k] == polarity[k] for k in literals)]
            combos = [v for v in combos if v not in matched]
            ordinary_min, ordinary_max = 1, max_states - 1  # the collapsed state is one more
            matched = draw(st.permutations(matched))[:draw(st.integers(1, len(matched)))]
        size = draw(st.integers(ordinary_min, min(ordinary_max, len(combos))))
        kept = matched + draw(st.permutations(combos))[:size]
        infeasible += [_combination(names, v) for v in product([False, True],
                                                                repeat=len(names))
                       if v not in kept]
    dms: dict[str, Any] = {}
    preferences: dict[str, Any] = {}
    for d, group in enumerate(owned):
        moves = {n: draw(st.sampled_from(["both", "both", "take", "drop"])) for n in group}
        dms[f"dm{d}"] = {"name": f"Decision maker {d}",
                         "options": {n: {"text": f"option {n}", "moves": moves[n]}
                                     for n in group}}
        statements = draw(st.lists(expressions(names), min_size=1, max_size=4))
        if draw(st.booleans()):
            preferences[f"dm{d}"] = {"prioritize": statements}
        else:
            preferences[f"dm{d}"] = {"weights": [
                {"statement": s, "weight": draw(st.integers(-2, 3))} for s in statements]}
    model: dict[str, Any] = {"format": "standoff/1", "title": "random conflict with few states",
                             "decision_makers": dms, "preferences": preferences}
    feasibility = {k: v for k, v in (("infeasible", infeasible), ("collapse", collapse)) if v}
    if feasibility:
        model["feasibility"] = feasibility
    return model

