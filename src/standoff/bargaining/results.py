"""Result records shared by the bargaining models: frozen, with their provenance."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from standoff.provenance import Provenance
from standoff.words import html_lines, html_table, significant


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

    def __repr__(self) -> str:
        shown = ", ".join(f"{k} {significant(v.forecast):g}" for k, v in self.issues.items())
        return f"<Forecast by the {self.model} model: {shown}>"

    def to_frame(self) -> Any:
        """A pandas DataFrame: one row per issue with the forecast (4 significant digits;
        ``.issues`` keeps every digit), the number of rounds run and, where the model
        records it, why the run stopped."""
        import pandas as pd

        return pd.DataFrame(self._rows(), columns=["issue", "forecast", "rounds", "stopped"])

    def _rows(self) -> list[list[object]]:
        return [[k, significant(v.forecast), max(len(v.rounds) - 1, 0),
                 v.details.get("stopped")]
                for k, v in self.issues.items()]

    def _repr_html_(self) -> str:
        lines = [self.citation] if self.citation else []
        lines += list(dict.fromkeys(v.details["note"] for v in self.issues.values()
                                    if v.details.get("note")))
        return html_lines(f"Forecast by the {self.model} model", lines) + html_table(
            ["issue", "forecast", "rounds", "stopped"], self._rows())

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
