"""standoff: strategic conflict analysis with the Graph Model for Conflict Resolution.

>>> import standoff
>>> conflict = standoff.load("examples/elmira.yaml")      # doctest: +SKIP
>>> result = standoff.analyze(conflict)                     # doctest: +SKIP
>>> result.equilibria["seq"]                                # doctest: +SKIP
[5, 8, 9]

The names of the public API (``__all__``) are loaded on first use (a module-level
``__getattr__``, PEP 562): ``import standoff`` alone does not import numpy, pydantic or the
analysis modules, so the command line starts quickly and loads only what a command needs.
"""

from __future__ import annotations

import importlib
import importlib.util
from os import PathLike
from pathlib import Path
from typing import TYPE_CHECKING, Any

from standoff._version import __version__
from standoff.costs import DEFAULT_MAX_STATES
from standoff.errors import CapacityError, LookupArgumentError, ModelError, ParameterError

if TYPE_CHECKING:
    from standoff.analysis.claims import check_claims
    from standoff.analysis.coalitions import analyze_coalitions
    from standoff.analysis.explain import Explanation
    from standoff.analysis.inverse import inverse_analysis
    from standoff.analysis.paths import status_quo_analysis
    from standoff.analysis.result import Analysis, analyze
    from standoff.graph.conflict import Conflict, compile_model
    from standoff.graph.picture import StateGraphPicture
    from standoff.model.loader import ModelSpec, read_model


#: Public name -> the module that defines it, imported on first access.
_LAZY = {
    "Analysis": "standoff.analysis.result",
    "analyze": "standoff.analysis.result",
    "Explanation": "standoff.analysis.explain",
    "check_claims": "standoff.analysis.claims",
    "analyze_coalitions": "standoff.analysis.coalitions",
    "inverse_analysis": "standoff.analysis.inverse",
    "status_quo_analysis": "standoff.analysis.paths",
    "Conflict": "standoff.graph.conflict",
    "compile_model": "standoff.graph.conflict",
    "StateGraphPicture": "standoff.graph.picture",
    "ModelSpec": "standoff.model.loader",
    "read_model": "standoff.model.loader",
}


def __getattr__(name: str) -> Any:
    """Import a public name of the API on first use and keep it in the package's namespace;
    a subpackage or module (``standoff.analysis``, ``standoff.graph``…) is imported when
    first named, as the package used to import them eagerly."""
    module = _LAZY.get(name)
    if module is not None:
        value = getattr(importlib.import_module(module), name)
    elif not name.startswith("_") and importlib.util.find_spec(f"{__name__}.{name}"):
        value = importlib.import_module(f"{__name__}.{name}")
    else:
        raise AttributeError(f"module 'standoff' has no attribute {name!r}")
    globals()[name] = value
    return value


def load(path: str | Path, max_states: int = DEFAULT_MAX_STATES) -> Conflict:
    """Read, validate and compile a model file (YAML or JSON) into a :class:`Conflict`.

    Raises :class:`ModelError`
    (with file, line and a fix) for a bad file and :class:`CapacityError` when the state
    space would exceed ``max_states``; TypeError when ``path`` is not a path or
    ``max_states`` not an int, ValueError when ``max_states`` < 1.
    """
    from standoff.graph.conflict import compile_model
    from standoff.model.loader import read_model

    if not isinstance(path, str | PathLike):
        raise TypeError(f"load expects the path of a model file (str or Path), not "
                        f"{type(path).__name__}")
    if isinstance(max_states, bool) or not isinstance(max_states, int):
        raise TypeError(f"max_states must be an int (a number of states), not "
                        f"{max_states!r} ({type(max_states).__name__})")
    if max_states < 1:
        raise ValueError(f"max_states must be at least 1, not {max_states}")
    return compile_model(read_model(path), max_states=max_states)


def robustness(conflict, *args, **kwargs):
    """How firm each claim and equilibrium is under the model's declared uncertainty, and
    what it rests on: :func:`standoff.analysis.robustness.robustness` (docs/robustness.md)."""
    from standoff.analysis.robustness import robustness as run

    return run(conflict, *args, **kwargs)


__all__ = [
    "DEFAULT_MAX_STATES",
    "Analysis",
    "CapacityError",
    "Conflict",
    "Explanation",
    "LookupArgumentError",
    "ModelError",
    "ModelSpec",
    "ParameterError",
    "StateGraphPicture",
    "__version__",
    "analyze",
    "analyze_coalitions",
    "check_claims",
    "compile_model",
    "inverse_analysis",
    "load",
    "read_model",
    "status_quo_analysis",
    "robustness",
]


def __dir__() -> list[str]:
    """Only the public API (``__all__``), not the submodules and helpers imported here;
    subpackages (``standoff.bargaining``, ``standoff.report``…) are imported by name."""
    return sorted(__all__)
