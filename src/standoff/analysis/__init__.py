"""Analyses over a compiled conflict: stability verdicts, equilibria, explanations.

The modules of the analyses (``standoff.analysis.claims``, ``paths``…) are imported when
first named (a module ``__getattr__``, PEP 562), not with the package."""

import importlib
import importlib.util
from typing import Any

from standoff.analysis.explain import Deterrence, Explanation, Step, explain
from standoff.analysis.result import Analysis, analyze, parse_concepts
from standoff.concepts import DEFAULT_CONCEPTS

__all__ = ["DEFAULT_CONCEPTS", "Analysis", "Deterrence", "Explanation", "Step", "analyze",
           "explain", "parse_concepts"]


def __getattr__(name: str) -> Any:
    """A module of the package (``claims``, ``paths``, ``robustness``…), imported on first
    use: ``import standoff`` then ``standoff.analysis.claims.check_claims(...)`` works
    without the package importing every analysis up front."""
    if not name.startswith("_") and importlib.util.find_spec(f"{__name__}.{name}"):
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
