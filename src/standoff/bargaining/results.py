"""Result records shared by the bargaining models: frozen, with their provenance."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from standoff.provenance import Provenance


@dataclass(frozen=True)
class IssueForecast:
    """The forecast on one issue.

    Attributes:
        issue: issue id.
        forecast: the predicted outcome on the issue's scale.
        actors: actor ids, the order of every row of ``rounds``.
        rounds: positions by round; ``rounds[0]`` are the initial positions. Models without
            dynamics (compromise, median) have a single row.
        details: model-specific numbers (e.g. the median and mean after each round).
    """

    issue: str
    forecast: float
    actors: tuple[str, ...]
    rounds: tuple[tuple[float, ...], ...]
    details: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Forecast:
    """A model's forecasts on every issue, with the options it ran with."""

    model: str
    issues: dict[str, IssueForecast]
    options: dict[str, Any] = field(default_factory=dict)
    citation: str = ""
    #: how it was computed (model, options, input file, standoff version); set by
    #: :func:`standoff.bargaining.run_model`
    provenance: Provenance | None = None

    def to_json(self) -> dict[str, Any]:
        """The fixed JSON shape ``{"model": NAME, "issues": {ID: {"forecast", "rounds"}}}``."""
        return {
            "model": self.model,
            "options": self.options,
            "citation": self.citation,
            "provenance": None if self.provenance is None else self.provenance.to_dict(),
            "issues": {
                k: {
                    "forecast": v.forecast,
                    "rounds": [list(r) for r in v.rounds],
                    "actors": list(v.actors),
                    **{key: val for key, val in v.details.items() if key not in ("forecast",)},
                }
                for k, v in self.issues.items()
            },
        }
