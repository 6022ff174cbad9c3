"""Run a bargaining model by name, with options given as ``NAME=VALUE`` strings."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

from standoff.bargaining.inputs import BargainingModel
from standoff.bargaining.options import option_error
from standoff.bargaining.results import Forecast
from standoff.provenance import Provenance


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
        raise option_error(f"the {name} model takes no options (got {', '.join(opts)})",
                         hint="drop the --set flags")


MODELS: dict[str, Callable[..., Forecast]] = {
    "compromise": _compromise,
    "median": _median,
    "exchange": _exchange,
    "expected_utility": _expected_utility,
    "spatial": _spatial,
}


def run_model(model: BargainingModel, name: str, rounds: int | str | None = None, /,
              **options: Any) -> Forecast:
    """Run model ``name`` (one of :data:`MODELS`) on every issue of ``model``.

    The number of rounds may come as ``rounds`` or as the option ``rounds=N`` (as
    ``--set rounds=N`` on the command line), not both; static models ignore it.
    """
    if name not in MODELS:
        raise option_error(f"unknown model '{name}'", hint="choose one of: " + ", ".join(MODELS))
    if "rounds" in options:
        if rounds is not None:
            raise option_error("the number of rounds is given twice (--rounds and --set rounds)",
                             hint="give it once")
        rounds = options.pop("rounds")
    if rounds is not None:
        try:
            rounds = int(rounds)
        except (TypeError, ValueError):
            raise option_error(f"rounds={rounds!r} must be a whole number",
                             hint="e.g. --rounds 10") from None
        if rounds < 0:
            raise option_error(f"rounds={rounds} must be at least 0", hint="e.g. --rounds 10")
    forecast = MODELS[name](model, rounds, **options)
    parameters = {"rounds": rounds, **forecast.options}
    provenance = Provenance((name,), parameters, title=model.title, path=model.path)
    return dataclasses.replace(forecast, provenance=provenance)
