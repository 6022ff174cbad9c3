"""Slow, literal reference implementation of GMCR stability (the test oracle).

Plain Python sets and loops written directly from the definitions in Kilgour, Hipel &
Fang (1987), Fang, Hipel & Kilgour (1993) and Xu, Hipel & Kilgour (2009). Use it to check
the fast engine in ``standoff.graph`` and ``standoff.stability``; do not use it for large
models.
"""

from standoff.reference.option_form import (
    DIRECTIONS,
    OptionFormSpec,
    ReferenceModel,
    Vector,
    all_vectors,
    build,
    nonempty_subsets,
    pattern_matches,
    vector_from_pattern,
)
from standoff.reference.stability import (
    CONCEPTS,
    equilibria,
    gmr,
    is_gmr,
    is_nash,
    is_seq,
    is_sim,
    is_smr,
    nash,
    not_better,
    opponents,
    prefers,
    reachable_by_group,
    seq,
    sim,
    simultaneous_outcome,
    smr,
    stable_sets,
    unilateral_improvements,
    unilateral_moves,
)

__all__ = [
    "CONCEPTS",
    "DIRECTIONS",
    "OptionFormSpec",
    "ReferenceModel",
    "Vector",
    "all_vectors",
    "build",
    "equilibria",
    "gmr",
    "is_gmr",
    "is_nash",
    "is_seq",
    "is_sim",
    "is_smr",
    "nash",
    "nonempty_subsets",
    "not_better",
    "opponents",
    "pattern_matches",
    "prefers",
    "reachable_by_group",
    "seq",
    "sim",
    "simultaneous_outcome",
    "smr",
    "stable_sets",
    "unilateral_improvements",
    "unilateral_moves",
    "vector_from_pattern",
]
