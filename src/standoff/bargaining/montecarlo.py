"""Monte Carlo over input uncertainty: a distribution of forecasts.

A stance may give ``position_range: [lo, hi]`` and ``salience_range: [lo, hi]``. Each draw
replaces every such value by an independent uniform draw from its range (values without a
range stay fixed), runs the chosen model, and records the forecast on every issue. We report
the mean, standard deviation, 5/50/95 % quantiles and a 10-bin histogram over the scale.

Draws are split into fixed chunks of :data:`CHUNK` draws, each with its own seed spawned
from ``seed`` (``numpy.random.SeedSequence``), so results do not depend on the number of
worker processes. Chunks run in parallel on a standard-library process pool
(``concurrent.futures``); ``workers=1`` runs in this process.

Before any draw, :func:`check_cost` estimates the CPU time of all the runs (draws times
one run's worst case, from the model's own cost estimate) and refuses over
:data:`MAX_MONTE_CARLO_SECONDS`.
"""

from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from typing import Any

import numpy as np

from standoff.bargaining.inputs import BargainingModel
from standoff.errors import ModelError, ParameterError

CHUNK = 50
MAX_SAMPLES = 1_000_000

#: Most estimated CPU seconds of a whole Monte Carlo forecast (all draws, all workers).
MAX_MONTE_CARLO_SECONDS = 3600.0
#: Rough CPU seconds per unit of each model's own cost estimate (``run_work``), measured
#: on the 2-core benchmark machine (benchmarks/README.md) and rounded up: vote cells for
#: spatial and expected_utility, actor and issue pairs for exchange.
SECONDS_PER_UNIT = {"spatial": 3e-8, "expected_utility": 1e-8, "exchange": 5e-7}
#: Fixed CPU seconds per step of the spatial model, per run, and per stance drawn.
SECONDS_PER_STEP = 5e-4
SECONDS_PER_RUN = 1e-3
SECONDS_PER_STANCE = 5e-6


def draw(model: BargainingModel, rng: np.random.Generator) -> BargainingModel:
    """One model with every ranged position and salience drawn uniformly."""
    issues = []
    for issue in model.issues:
        stances = []
        for s in issue.stances:
            new = s
            if s.position_range is not None:
                new = replace(new, position=float(rng.uniform(*s.position_range)))
            if s.salience_range is not None:
                new = replace(new, salience=float(rng.uniform(*s.salience_range)))
            stances.append(new)
        issues.append(replace(issue, stances=tuple(stances)))
    return model.replace_issues(tuple(issues))


def run_seconds(model: BargainingModel, name: str, rounds: int | None = None,
                options: dict[str, Any] | None = None) -> float:
    """A rough upper estimate of one run's CPU seconds for model ``name``: the model's own
    work estimate (every round or step to its limit) times :data:`SECONDS_PER_UNIT`, plus
    the fixed costs. The static models (compromise, median) cost the fixed part only."""
    given = dict(options or {})
    if "rounds" in given and rounds is None:
        rounds = int(given.pop("rounds"))
    given.pop("rounds", None)
    fixed = SECONDS_PER_RUN + SECONDS_PER_STANCE * sum(len(i.stances) for i in model.issues)
    if name == "spatial":
        from standoff.bargaining.spatial import SMPOptions
        from standoff.bargaining.spatial import run_work as spatial_work

        opt = SMPOptions.parse(given)
        opt = opt.with_rounds(rounds) if rounds is not None else opt
        runs = 1 if opt.dimensions == "joint" else len(model.issues)
        return (fixed + SECONDS_PER_STEP * runs * (opt.rounds + 1)
                + SECONDS_PER_UNIT[name] * spatial_work(model, opt))
    if name == "expected_utility":
        from standoff.bargaining.expected_utility import EUOptions
        from standoff.bargaining.expected_utility import run_work as eu_work

        eu = EUOptions.parse(given)
        eu = eu.with_rounds(rounds) if rounds is not None else eu
        return fixed + SECONDS_PER_UNIT[name] * eu_work(model, eu)
    if name == "exchange":
        from standoff.bargaining.exchange import ExchangeOptions
        from standoff.bargaining.exchange import run_work as exchange_work

        ex = ExchangeOptions.parse(given)
        ex = ex.with_rounds(rounds) if rounds is not None else ex
        return fixed + SECONDS_PER_UNIT[name] * exchange_work(model, ex)
    return fixed


def check_cost(model: BargainingModel, name: str, samples: int, rounds: int | None = None,
               options: dict[str, Any] | None = None) -> float:
    """Refuse, before any draw, a Monte Carlo forecast whose ``samples`` runs would take
    more than :data:`MAX_MONTE_CARLO_SECONDS` CPU seconds by :func:`run_seconds`; returns
    the estimate."""
    from standoff.costs import check_cost as refuse_over
    from standoff.words import plural

    seconds = samples * run_seconds(model, name, rounds, options)
    refuse_over(
        f"a Monte Carlo forecast of {plural(samples, 'draw')} of the {name} model",
        work=seconds, work_limit=MAX_MONTE_CARLO_SECONDS,
        unit="CPU seconds (by an estimate in which every run goes to its round limit)",
        file=model.path,
        hint="draw fewer samples (--monte-carlo N with a smaller N), or lower the round "
        "limit (--rounds N); more --workers shorten the wait but not the CPU time",
    )
    return seconds


def _chunk(args: tuple) -> dict[str, list[float]]:
    from standoff.bargaining.registry import run_model

    model, name, rounds, options, seed_seq, n = args
    rng = np.random.default_rng(seed_seq)
    out: dict[str, list[float]] = {i.id: [] for i in model.issues}
    for _ in range(n):
        f = run_model(draw(model, rng), name, rounds, **options)
        for k, v in f.issues.items():
            out[k].append(v.forecast)
    return out


def monte_carlo(model: BargainingModel, name: str, samples: int, rounds: int | None = None,
                options: dict[str, Any] | None = None, seed: int = 1,
                workers: int | None = None) -> dict[str, Any]:
    """Forecast distribution of model ``name`` over ``samples`` draws (see module doc);
    refused first by :func:`check_cost` when the draws would take too long."""
    options = options or {}
    ranged = any(s.position_range or s.salience_range for i in model.issues for s in i.stances)
    if not ranged:
        raise ModelError(
            "a Monte Carlo forecast needs uncertain inputs, but no stance in the file gives a "
            "position_range or salience_range, so every draw would repeat the same forecast",
            file=model.path,
            hint="add e.g. 'position_range: [40, 60]' or 'salience_range: [0.3, 0.7]' to the "
                 "stances you are unsure of (docs/bargaining.md, Monte Carlo)",
        )
    if not 1 <= samples <= MAX_SAMPLES:
        raise ParameterError(
            f"{samples} draws: the number of draws must lie between 1 and {MAX_SAMPLES:,}",
            parameter="samples",
            hint="a few thousand draws settle the 5-95 % interval to about a percent",
        )
    check_cost(model, name, samples, rounds, options)
    sizes = [CHUNK] * (samples // CHUNK) + ([samples % CHUNK] if samples % CHUNK else [])
    seqs = np.random.SeedSequence(seed).spawn(len(sizes))
    jobs = [(model, name, rounds, options, sq, n) for sq, n in zip(seqs, sizes, strict=True)]
    workers = workers or min(os.cpu_count() or 1, len(jobs))
    if workers <= 1 or len(jobs) <= 1:
        parts = [_chunk(j) for j in jobs]
    else:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            parts = list(pool.map(_chunk, jobs))
    issues = {}
    for issue in model.issues:
        v = np.array([x for p in parts for x in p[issue.id]])
        hist, edges = np.histogram(v, bins=10, range=(issue.low, issue.high))
        issues[issue.id] = {
            "samples": int(v.size), "mean": float(v.mean()), "sd": float(v.std(ddof=0)),
            "p05": float(np.quantile(v, 0.05)), "p50": float(np.quantile(v, 0.5)),
            "p95": float(np.quantile(v, 0.95)), "min": float(v.min()), "max": float(v.max()),
            "histogram": {"edges": edges.tolist(), "counts": hist.tolist()},
        }
    return {"model": name, "samples": samples, "seed": seed, "ranged_inputs": ranged,
            "issues": issues}
