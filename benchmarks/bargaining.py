"""Bargaining benchmark: how long each model takes, and how Monte Carlo scales with workers.

Usage::

    python benchmarks/bargaining.py            # every row (about a minute on 2 cores)
    python benchmarks/bargaining.py --quick    # CI-sized: fewer draws, 20 DEU III proposals

Rows:

* every ``forecast`` model on the EC car-emission case (10 actors, one issue) and the
  KTAB China SOE case (13 actors, two issues as one space);
* ``backtest deu3`` per model, on every proposal of the DEU III copy (skipped when the
  data file is not found: set ``STANDOFF_DEU3`` or keep ``../shared`` beside the project),
  and every model in one call (the issue 17 target: under 10 CPU seconds);
* Monte Carlo over the invented ranges of ``examples/bargaining/trade_two_level.yaml`` with
  the expected-utility model, on 1 worker and on every core, to show the parallel speed-up,
  with the draws per second (wall clock) in the ``rate`` column.

Times are wall-clock seconds and CPU seconds of the library calls (the files are loaded
once, outside the timing); CPU seconds include the worker processes' and are the figure to
compare on a shared machine. Each row also reports the peak resident memory of the process
so far (``ru_maxrss``), which only grows. The script runs against any checkout of the
library (``PYTHONPATH=/path/to/src``), so "before" and "after" use the same rows.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
EXAMPLES = HERE.parent / "examples" / "bargaining"
FORECAST_MODELS = ("compromise", "median", "exchange", "expected_utility", "spatial")
BACKTEST_MODELS = ("weighted_mean", "median_actor", "constant_50", "exchange",
                   "expected_utility", "expected_utility_paper", "spatial")


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _cpu() -> float:
    """CPU seconds of this process and of its reaped worker processes."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _timed(fn: Callable[[], Any]) -> tuple[float, float, Any]:
    """(wall seconds, CPU seconds, value) of one call."""
    cpu = _cpu()
    start = time.perf_counter()
    value = fn()
    return time.perf_counter() - start, _cpu() - cpu, value


def _row(what: str, case: str, seconds: float, cpu: float, result: str, rate: str = "") -> str:
    return (f"| {what:<34} | {case:<22} | {seconds:8.3f} | {cpu:8.3f} | {_peak_mib():9.0f} | "
            f"{rate:>10} | {result:<28} |")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="CI-sized run")
    args = parser.parse_args(argv)

    from standoff.bargaining import load_model, run_model
    from standoff.bargaining.backtest import backtest
    from standoff.bargaining.deu3 import find_data, load_deu3
    from standoff.bargaining.montecarlo import monte_carlo
    from standoff.errors import ModelError

    cores = os.cpu_count() or 1
    print(f"machine: {platform.processor() or platform.machine()}, {cores} cores, "
          f"Python {platform.python_version()}")
    print()
    print(f"| {'what':<34} | {'case':<22} | {'seconds':>8} | {'CPU s':>8} | {'peak MiB':>9} | "
          f"{'rate':>10} | {'result':<28} |")
    print(f"|{'-' * 36}|{'-' * 24}|{'-' * 9}:|{'-' * 9}:|{'-' * 10}:|{'-' * 11}:|{'-' * 30}|")

    cases = {"EC emissions": load_model(EXAMPLES / "ec_emissions.yaml"),
             "China SOE (KTAB)": load_model(EXAMPLES / "ktab_china_soe.yaml")}
    for case, model in cases.items():
        for name in FORECAST_MODELS:
            seconds, cpu, forecast = _timed(lambda m=model, n=name: run_model(m, n))
            values = ", ".join(f"{v.forecast:.2f}" for v in forecast.issues.values())
            print(_row(f"forecast --model {name}", case, seconds, cpu, f"forecast {values}"))

    try:
        data = load_deu3(find_data(os.environ.get("STANDOFF_DEU3")))
    except ModelError as err:
        print(f"| {'backtest deu3':<34} | {'(skipped)':<22} | {'':>8} | {'':>8} | {'':>9} | "
              f"{'':>10} | {err.message[:28]:<28} |")
    else:
        limit = 20 if args.quick else None
        for name in BACKTEST_MODELS:
            seconds, cpu, result = _timed(lambda n=name: backtest(data, [n], limit=limit))
            score = result["models"][name]
            case = f"DEU III, {result['issues']} issues"
            print(_row(f"backtest {name}", case, seconds, cpu, f"MAE {score['mae']:.2f}"))
        seconds, cpu, result = _timed(lambda: backtest(data, BACKTEST_MODELS, limit=limit))
        case = f"DEU III, {result['issues']} issues"
        print(_row(f"backtest, all {len(BACKTEST_MODELS)} models", case, seconds, cpu,
                   f"MAE spatial {result['models']['spatial']['mae']:.2f}"))

    trade = load_model(EXAMPLES / "trade_two_level.yaml")
    draws = 200 if args.quick else 2000
    for workers in sorted({1, cores}):
        seconds, cpu, mc = _timed(lambda w=workers: monte_carlo(
            trade, "expected_utility", draws, seed=1, workers=w))
        tariff = mc["issues"]["tariff"]
        print(_row(f"monte carlo x{draws}, {workers} worker(s)", "trade (two-level)", seconds,
                   cpu, f"tariff mean {tariff['mean']:.2f} sd {tariff['sd']:.2f}",
                   f"{draws / seconds:,.0f}/s"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
