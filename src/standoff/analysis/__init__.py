"""Analyses over a compiled conflict: stability verdicts, equilibria, explanations."""

from standoff.analysis.explain import Deterrence, Explanation, Step, explain
from standoff.analysis.result import DEFAULT_CONCEPTS, Analysis, analyze, parse_concepts

__all__ = ["DEFAULT_CONCEPTS", "Analysis", "Deterrence", "Explanation", "Step", "analyze",
           "explain", "parse_concepts"]
