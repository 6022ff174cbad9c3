"""Helpers shared by the tests of paths, coalitions, limited-move and inverse analysis."""

from __future__ import annotations

from hypothesis import assume
from hypothesis import strategies as st
from model_builders import reference_spec, spec_from_dict
from strategies import conflicts

import standoff.reference as ref
from standoff.errors import ModelError
from standoff.graph import compile_model


def any_conflicts(max_dms: int = 3, max_options: int = 6):
    """Random conflicts, with general or product state spaces (both engine paths)."""
    return st.booleans().flatmap(
        lambda product: conflicts(max_dms=max_dms, max_options=max_options, product=product)
    )


def compiled(model: dict):
    """(engine conflict, reference model) for a random model; skip infeasible ones."""
    spec = spec_from_dict(model)
    try:
        conflict = compile_model(spec)
    except ModelError:
        assume(False)
    return conflict, ref.build(reference_spec(spec))
