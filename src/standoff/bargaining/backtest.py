"""Backtests: how close each model comes to recorded outcomes.

Scores over the issues with a recorded outcome (0-100 scale for DEU III): mean absolute
error, median absolute error, and the share of issues forecast within 10 points
(|forecast - outcome| <= 10). Baselines, as in Thomson et al. (2006, ch. 10, Achen):

* ``weighted_mean``: the compromise model, capability x salience weighted mean;
* ``median_actor``: the capability x salience weighted median position (the Condorcet
  winner under weighted voting);
* ``constant_50``: always the middle of the scale.

Models: ``exchange`` (run on all issues of a proposal together), ``expected_utility``
(per issue) and ``spatial`` (the KTAB-style model, one issue at a time because DEU III
actors often lack a position on some issues of a proposal), with their default options
unless given. Every model sees the same issues.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import numpy as np

from standoff.bargaining.compromise import weighted_mean, weighted_median
from standoff.bargaining.deu3 import DEUDataset
from standoff.bargaining.inputs import BargainingModel
from standoff.errors import COMMAND_LINE, ModelError

BASELINES = ("weighted_mean", "median_actor", "constant_50")
#: the forecast command's names for the two baselines it also offers
ALIASES = {"compromise": "weighted_mean", "median": "median_actor"}
MODELS = (*BASELINES, "exchange", "expected_utility", "expected_utility_paper", "spatial")


def _per_issue(fn: Callable[[np.ndarray, np.ndarray, np.ndarray], float],
               ) -> Callable[[BargainingModel, dict[str, Any]], dict[str, float]]:
    def run(proposal: BargainingModel, options: dict[str, Any]) -> dict[str, float]:
        out = {}
        for issue in proposal.issues:
            x, s, c = issue.arrays()
            out[issue.id] = fn(x, s, c)
        return out

    return run


def _exchange(proposal: BargainingModel, options: dict[str, Any]) -> dict[str, float]:
    from standoff.bargaining.exchange import ExchangeOptions, exchange

    f = exchange(proposal, ExchangeOptions.parse(options.get("exchange", {})))
    return {k: v.forecast for k, v in f.issues.items()}


def _eu(preset: str | None) -> Callable[[BargainingModel, dict[str, Any]], dict[str, float]]:
    def run(proposal: BargainingModel, options: dict[str, Any]) -> dict[str, float]:
        from standoff.bargaining.expected_utility import EUOptions, expected_utility

        given = dict(options.get("expected_utility", {}))
        if preset:
            given.setdefault("preset", preset)
        f = expected_utility(proposal, EUOptions.parse(given))
        return {k: v.forecast for k, v in f.issues.items()}

    return run


def _spatial(proposal: BargainingModel, options: dict[str, Any]) -> dict[str, float]:
    from standoff.bargaining.spatial import SMPOptions, spatial

    given = {"dimensions": "separate", **options.get("spatial", {})}
    f = spatial(proposal, SMPOptions.parse(given))
    return {k: v.forecast for k, v in f.issues.items()}


RUNNERS: dict[str, Callable[[BargainingModel, dict[str, Any]], dict[str, float]]] = {
    "weighted_mean": _per_issue(lambda x, s, c: weighted_mean(x, c * s)),
    "median_actor": _per_issue(lambda x, s, c: weighted_median(x, c * s)),
    "constant_50": _per_issue(lambda x, s, c: 50.0),
    "exchange": _exchange,
    "expected_utility": _eu(None),
    "expected_utility_paper": _eu("paper"),
    "spatial": _spatial,
}


def score(errors: Iterable[float]) -> dict[str, float]:
    """Mean and median absolute error and the share within 10 points."""
    e = np.abs(np.asarray(list(errors), dtype=float))
    if e.size == 0:
        return {"mae": float("nan"), "median_error": float("nan"), "within_10": float("nan"),
                "n": 0}
    return {"mae": float(e.mean()), "median_error": float(np.median(e)),
            "within_10": float(np.mean(e <= 10.0 + 1e-9)), "n": int(e.size)}


def backtest(dataset: DEUDataset, models: Iterable[str] = MODELS, limit: int | None = None,
             eu_options: dict[str, Any] | None = None,
             exchange_options: dict[str, Any] | None = None,
             keep_forecasts: bool = False,
             model_options: dict[str, dict[str, Any]] | None = None,
             progress: Callable[[int, int, str], object] | None = None) -> dict[str, Any]:
    """Run ``models`` on every proposal of ``dataset``; score issues with an outcome.

    ``progress``, when given, is called ``(done, total, label)`` before each proposal (the
    label is its title) and once at the end, as :func:`standoff.analysis.analyze` calls it.

    ``model_options`` maps ``exchange``, ``expected_utility`` or ``spatial`` to that model's
    options (``NAME=VALUE`` strings allowed); ``eu_options`` and ``exchange_options`` are
    the same for one model each. ``compromise`` and ``median`` (the forecast command's
    names) are accepted for ``weighted_mean`` and ``median_actor``.

    Returns the fixed JSON shape ``{"issues": N, "models": {NAME: {"mae", "median_error",
    "within_10", "n"}}, "treatment": ...}``.
    """
    names = list(dict.fromkeys(ALIASES.get(m, m) for m in models))
    if not names:
        raise ModelError("no model to score", file=COMMAND_LINE,
                         hint="e.g. --models " + ",".join(BASELINES))
    unknown = [m for m in names if m not in RUNNERS]
    if unknown:
        raise ModelError("unknown backtest model(s): " + ", ".join(unknown), file=COMMAND_LINE,
                         hint="choose from: " + ", ".join(RUNNERS)
                         + " (compromise and median are accepted for the first two)")
    options = {"expected_utility": eu_options or {}, "exchange": exchange_options or {},
               **{k: dict(v) for k, v in (model_options or {}).items()}}
    for model, given in options.items():
        if not given:
            continue
        users = [m for m in names if m == model or m.startswith(model + "_")]
        if not users:
            raise ModelError(
                f"options for {model} ({', '.join(given)}) but {model} is not among the "
                "models scored", file=COMMAND_LINE,
                hint=f"add {model} to --models, or drop the option",
            )
    proposals = dataset.proposals[:limit] if limit else dataset.proposals
    errors: dict[str, list[float]] = {m: [] for m in names}
    forecasts: list[dict[str, Any]] = []
    for done, prop in enumerate(proposals):
        if progress is not None:
            progress(done, len(proposals), prop.title)
        scored = [(i, i.outcome) for i in prop.issues if i.outcome is not None]
        if not scored:
            continue
        results = {m: RUNNERS[m](prop, options) for m in names}
        for issue, outcome in scored:
            row: dict[str, Any] = {"proposal": prop.title, "issue": issue.id,
                                   "outcome": outcome}
            for m in names:
                errors[m].append(results[m][issue.id] - float(outcome))
                row[m] = results[m][issue.id]
            forecasts.append(row)
    if progress is not None:
        progress(len(proposals), len(proposals), "done")
    out: dict[str, Any] = {
        "issues": len(forecasts),
        "models": {m: score(errors[m]) for m in names},
        "treatment": dataset.treatment,
        "capability": dataset.capability,
        "options": {k: v for k, v in options.items() if v},
    }
    if keep_forecasts:
        out["forecasts"] = forecasts
    return out
