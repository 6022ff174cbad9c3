"""A bare numpy compile and bare numpy stability passes for free-option product spaces.

This is the yardstick of issue 17: what plain numpy, written for exactly this shape of
model and nothing else, needs to turn a model file of ``benchmarks/scale.py`` into states
and preference ranks, and to answer Nash, GMR and SMR for every state. standoff's compile
and kernels are measured against it (``python benchmarks/bare_numpy.py MODEL``), and
``tests/test_benchmark_baseline.py`` checks that it agrees with standoff.

Scope (refused otherwise): every option is free (no feasibility constraints, every option
can be taken and dropped), preferences are ``weights`` whose statements are an option or a
conjunction of options (``a and b``), as the scale benchmark writes them.

Layout: with option ``k`` as bit ``k`` and each decision maker's options consecutive, the
state index *is* the bit pattern, and viewing a per-state array with shape
``(2^{n_last}, ..., 2^{n_first})`` puts decision maker ``d`` on axis ``D - 1 - d``.

* Scores: statements are evaluated on the axes they mention (a column of 2^{n_d} booleans
  per option), summed per group of axes, and the groups are broadcast-added once into the
  full array. Summation order differs from the statement order, so the scores can differ
  from a sequential sum in the last bits; the ranks agree unless two states' scores are
  within rounding of each other (the test checks agreement on the benchmark's models).
* Ranks: dense ranks (0 = least preferred) by one argsort of the scores.
* Nash for ``i``: ``rank`` equals the maximum along ``i``'s axis.
* GMR for ``i``: ``rank >= max over i's axis of (min over the other axes of rank)``.
* SMR for ``i``: ``rank >= min over the other axes of (max over i's axis of rank)``.
"""

from __future__ import annotations

import argparse
import resource
import time
from pathlib import Path

import numpy as np
import yaml


def load(path: Path) -> tuple[list[int], dict[str, int], list[list[tuple[list[str], float]]]]:
    """Option counts per decision maker, option name → bit, weighted statements per DM."""
    model = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    if model.get("feasibility"):
        raise ValueError("bare compile: only models without feasibility constraints")
    counts, bit = [], {}
    for dm in model["decision_makers"].values():
        options = dm["options"]
        for name, option in options.items():
            if isinstance(option, dict) and option.get("moves", "both") != "both":
                raise ValueError("bare compile: only options that can be taken and dropped")
            bit[name] = len(bit)
        counts.append(len(options))
    prefs = []
    for dm_id in model["decision_makers"]:
        items = model["preferences"][dm_id]["weights"]
        prefs.append([([n.strip() for n in it["statement"].split(" and ")], float(it["weight"]))
                      for it in items])
    return counts, bit, prefs


def compile_bare(path: Path, timings: dict | None = None) -> tuple[np.ndarray, np.ndarray]:
    """States (bit patterns, uint64) and ranks (decision makers × states, int32); CPU
    seconds of the score and rank steps are added to ``timings`` if given."""
    timings = {} if timings is None else timings
    counts, bit, prefs = load(path)
    n_dms = len(counts)
    offsets = np.cumsum([0, *counts])
    shape = tuple(1 << c for c in reversed(counts))
    m = 1 << int(offsets[-1])
    patterns = np.arange(m, dtype=np.uint64)

    def axis_of(k: int) -> int:
        d = int(np.searchsorted(offsets, k, side="right")) - 1
        return n_dms - 1 - d, k - int(offsets[d])

    def column(k: int) -> np.ndarray:
        axis, local = axis_of(k)
        values = (np.arange(shape[axis]) >> local) & 1
        view = [1] * n_dms
        view[axis] = shape[axis]
        return values.astype(bool).reshape(view)

    ranks = np.empty((n_dms, m), dtype=np.int32)
    for d, statements in enumerate(prefs):
        clock = time.process_time()
        groups: dict[tuple[int, ...], np.ndarray] = {}
        for names, weight in statements:
            sel = column(bit[names[0]])
            for name in names[1:]:
                sel = sel & column(bit[name])
            key = tuple(i for i in range(n_dms) if sel.shape[i] > 1)
            groups[key] = groups.get(key, 0.0) + np.where(sel, weight, 0.0)
        score = np.zeros(shape)
        for part in groups.values():
            score += part
        flat = score.reshape(-1)
        timings["scores"] = timings.get("scores", 0.0) + time.process_time() - clock
        clock = time.process_time()
        order = np.argsort(flat)
        ordered = flat[order]
        new = np.empty(m, dtype=bool)
        new[0] = True
        np.not_equal(ordered[1:], ordered[:-1], out=new[1:])
        ranks[d, order] = np.cumsum(new, dtype=np.int32) - 1
        timings["ranks"] = timings.get("ranks", 0.0) + time.process_time() - clock
    return patterns, ranks


def axes_view(ranks: np.ndarray, counts: list[int]) -> np.ndarray:
    return ranks.reshape(tuple(1 << c for c in reversed(counts)))


def nash_bare(r: np.ndarray, axis: int) -> np.ndarray:
    return (r == r.max(axis=axis, keepdims=True)).reshape(-1)


def gmr_bare(r: np.ndarray, axis: int) -> np.ndarray:
    others = tuple(a for a in range(r.ndim) if a != axis)
    security = r.min(axis=others).max()
    return (r >= security).reshape(-1)


def smr_bare(r: np.ndarray, axis: int) -> np.ndarray:
    others = tuple(a for a in range(r.ndim) if a != axis)
    level = r.max(axis=axis).min() if others else r.max()
    return (r >= level).reshape(-1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("model", type=Path)
    args = parser.parse_args()
    counts, _, _ = load(args.model)
    t0, c0 = time.perf_counter(), time.process_time()
    steps: dict = {}
    _, ranks = compile_bare(args.model, steps)
    rows = [("compile", time.perf_counter() - t0, time.process_time() - c0)]
    rows += [(f"  {k}", float("nan"), v) for k, v in steps.items()]
    for name, kernel in (("nash", nash_bare), ("gmr", gmr_bare), ("smr", smr_bare)):
        t, c = time.perf_counter(), time.process_time()
        for d in range(len(counts)):
            kernel(axes_view(ranks[d], counts), len(counts) - 1 - d)
        rows.append((name, time.perf_counter() - t, time.process_time() - c))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"bare numpy, {ranks.shape[1]:,} states, {len(counts)} DMs, peak RSS {peak:,.0f} MiB")
    for name, wall, cpu in rows:
        print(f"  {name:<8} {wall:8.3f} s wall {cpu:8.3f} s CPU")


if __name__ == "__main__":
    main()
