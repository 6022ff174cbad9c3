"""Bargaining over issues on a scale: forecasts, the zone of possible agreement, backtests.

Models (one module each, all plain functions over a :class:`BargainingModel`):

* :mod:`~standoff.bargaining.compromise`: capability x salience weighted mean; weighted
  median (Condorcet) position.
* :mod:`~standoff.bargaining.exchange`: Stokman & Van Oosten's (1994) equal-gain exchange.
* :mod:`~standoff.bargaining.expected_utility`: Bueno de Mesquita's expected-utility
  challenge model as read by Scholz, Calbert & Smith (2011), with named options.
* :mod:`~standoff.bargaining.spatial`: a KTAB-style spatial model of politics
  (probabilistic Condorcet elections, risk from position probability, the 2 % rule).
* :mod:`~standoff.bargaining.zopa`: the zone of possible agreement, two-level ratification.
* :mod:`~standoff.bargaining.backtest` / :mod:`~standoff.bargaining.deu3`: accuracy on the
  DEU III dataset of EU legislative decisions.

:func:`run_model` runs any of them by name.
"""

from __future__ import annotations

from standoff.bargaining.importers import load_model
from standoff.bargaining.inputs import BargainingModel, Issue, Stance
from standoff.bargaining.registry import MODELS, run_model
from standoff.bargaining.results import Forecast, IssueForecast

__all__ = [
    "MODELS",
    "BargainingModel",
    "Forecast",
    "Issue",
    "IssueForecast",
    "Stance",
    "load_model",
    "run_model",
]
