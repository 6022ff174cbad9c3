"""standoff: strategic conflict analysis with the Graph Model for Conflict Resolution.

>>> import standoff
>>> conflict = standoff.load("examples/elmira.yaml")      # doctest: +SKIP
>>> result = standoff.analyze(conflict)                     # doctest: +SKIP
>>> result.equilibria["seq"]                                # doctest: +SKIP
[5, 8, 9]
"""

from __future__ import annotations

from pathlib import Path

from standoff._version import __version__
from standoff.analysis import Analysis, Explanation, analyze
from standoff.errors import CapacityError, ModelError
from standoff.graph import DEFAULT_MAX_STATES, Conflict, compile_model
from standoff.model import ModelSpec, read_model


def load(path: str | Path, max_states: int = DEFAULT_MAX_STATES) -> Conflict:
    """Read, validate and compile a model file (YAML or JSON) into a :class:`Conflict`.

    Raises :class:`ModelError` (with file, line and a fix) for a bad file and
    :class:`CapacityError` when the state space would exceed ``max_states``.
    """
    return compile_model(read_model(path), max_states=max_states)


__all__ = [
    "DEFAULT_MAX_STATES",
    "Analysis",
    "CapacityError",
    "Conflict",
    "Explanation",
    "ModelError",
    "ModelSpec",
    "__version__",
    "analyze",
    "compile_model",
    "load",
    "read_model",
]
