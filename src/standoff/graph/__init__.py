"""Compile a model into states (bit patterns), moves per decision maker and preference ranks."""

from standoff.graph.conflict import Conflict, compile_model
from standoff.graph.moves import MoveGraph
from standoff.graph.states import DEFAULT_MAX_STATES, StateSpace, estimate_states

__all__ = [
    "DEFAULT_MAX_STATES",
    "Conflict",
    "MoveGraph",
    "StateSpace",
    "compile_model",
    "estimate_states",
]
