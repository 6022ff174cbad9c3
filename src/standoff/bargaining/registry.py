"""Run a bargaining model by name, with options given as ``NAME=VALUE`` strings."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from standoff.bargaining.inputs import BargainingModel
from standoff.bargaining.results import Forecast
from standoff.errors import ModelError


def _compromise(model: BargainingModel, rounds: int | None, **opts: Any) -> Forecast:
    from standoff.bargaining.compromise import compromise

    _no_options("compromise", opts)
    return compromise(model)


def _median(model: BargainingModel, rounds: int | None, **opts: Any) -> Forecast:
    from standoff.bargaining.compromise import median

    _no_options("median", opts)
    return median(model)


def _exchange(model: BargainingModel, rounds: int | None, **opts: Any) -> Forecast:
    from standoff.bargaining.exchange import ExchangeOptions, exchange

    options = ExchangeOptions.parse(opts)
    if rounds is not None:
        options = options.with_rounds(rounds)
    return exchange(model, options)


def _expected_utility(model: BargainingModel, rounds: int | None, **opts: Any) -> Forecast:
    from standoff.bargaining.expected_utility import EUOptions, expected_utility

    options = EUOptions.parse(opts)
    if rounds is not None:
        options = options.with_rounds(rounds)
    return expected_utility(model, options)


def _spatial(model: BargainingModel, rounds: int | None, **opts: Any) -> Forecast:
    from standoff.bargaining.spatial import SMPOptions, spatial

    options = SMPOptions.parse(opts)
    if rounds is not None:
        options = options.with_rounds(rounds)
    return spatial(model, options)


def _no_options(name: str, opts: dict[str, Any]) -> None:
    if opts:
        raise ModelError(f"the {name} model takes no options (got {', '.join(opts)})",
                         hint="drop the --option flags")


MODELS: dict[str, Callable[..., Forecast]] = {
    "compromise": _compromise,
    "median": _median,
    "exchange": _exchange,
    "expected_utility": _expected_utility,
    "spatial": _spatial,
}


def run_model(model: BargainingModel, name: str, rounds: int | None = None,
              **options: Any) -> Forecast:
    """Run model ``name`` (one of :data:`MODELS`) on every issue of ``model``."""
    if name not in MODELS:
        raise ModelError(f"unknown model '{name}'", hint="choose one of: " + ", ".join(MODELS))
    return MODELS[name](model, rounds, **options)
