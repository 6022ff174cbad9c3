"""Analyses over a compiled conflict: stability verdicts, equilibria, explanations."""

from standoff.analysis.explain import Deterrence, Explanation, Step, explain
from standoff.analysis.result import Analysis, analyze, parse_concepts
from standoff.concepts import DEFAULT_CONCEPTS

__all__ = ["DEFAULT_CONCEPTS", "Analysis", "Deterrence", "Explanation", "Step", "analyze",
           "explain", "parse_concepts"]
