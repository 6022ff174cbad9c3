"""Monte Carlo over input uncertainty: a distribution of forecasts.

A stance may give ``position_range: [lo, hi]`` and ``salience_range: [lo, hi]``. Each draw
replaces every such value by an independent uniform draw from its range (values without a
range stay fixed), runs the chosen model, and records the forecast on every issue. We report
the mean, standard deviation, 5/50/95 % quantiles and a 10-bin histogram over the scale.

Draws are split into fixed chunks of :data:`CHUNK` draws, each with its own seed spawned
from ``seed`` (``numpy.random.SeedSequence``), so results do not depend on the number of
worker processes. Chunks run in parallel on a standard-library process pool
(``concurrent.futures``); ``workers=1`` runs in this process.
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
    """Forecast distribution of model ``name`` over ``samples`` draws (see module doc)."""
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
