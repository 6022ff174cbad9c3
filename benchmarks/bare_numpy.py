"""A bare numpy compile and bare numpy stability passes for free-option product spaces.

This is the yardstick of issue 17: what plain numpy, written for exactly this shape of
model and nothing else, needs to turn a model file of ``benchmarks/scale.py`` into states
and preference ranks, and to answer Nash, GMR, SMR and (two decision makers) SEQ for every
state. standoff's compile and kernels are measured against it (``python
benchmarks/bare_numpy.py MODEL``), and ``tests/test_benchmark_baseline.py`` checks that it
agrees with standoff.

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
* SEQ for ``i`` (two decision makers, see :func:`seq_bare`): sort each of the opponent's
  lines by the opponent's rank, a suffix minimum of ``i``'s rank that skips ties, gather
  back, then a maximum along ``i``'s axis.
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


def seq_bare(r: np.ndarray, axis: int) -> np.ndarray:
    """SEQ for the decision maker on ``axis`` of a two-decision-maker product space;
    ``r`` holds both decision makers' rank views, shape ``(2, *axes)`` (``ranks`` reshaped).

    Definition (Fang, Hipel & Kilgour 1993, ch. 4; BRIEF §2): s = (x, y) is SEQ for i iff
    every improvement (x', y) of i, r_i(x', y) > r_i(x, y), is sanctioned by some
    improvement of the opponent j from (x', y): a state (x', y'') with r_j(x', y'') >
    r_j(x', y) and r_i(x', y'') <= r_i(x, y). With two decision makers j's legal
    sequences of improvements are single moves (j never moves twice in a row), so with

        floor(x', y) = min of r_i(x', y'') over y'' with r_j(x', y'') > r_j(x', y)
                       (+inf if there is none),

    s is unstable iff max over x' of min(r_i(x', y), floor(x', y)) > r_i(x, y) (x' = x
    never counts: min(r_i(s), ·) <= r_i(s)). ``floor`` is computed on j's lines sorted by
    r_j: a suffix minimum of r_i, read just past the end of each run of ties (states tied
    with (x', y) for j are no improvement).
    """
    if r.shape[0] != 2 or r.ndim != 3:
        raise ValueError("bare SEQ: only two decision makers")
    j_axis = 1 - axis
    i = 1 - axis  # decision maker d sits on axis 1 - d
    # j's lines along the last axis (contiguous rows), i's choices down axis 0
    ri = np.ascontiguousarray(np.moveaxis(r[i], j_axis, -1))
    rj = np.ascontiguousarray(np.moveaxis(r[1 - i], j_axis, -1))
    order = np.argsort(rj, axis=-1)
    rj_sorted = np.take_along_axis(rj, order, axis=-1)
    ri_sorted = np.take_along_axis(ri, order, axis=-1)
    big = np.iinfo(ri.dtype).max
    # after[p] = min of ri_sorted over positions > p (big past the end)
    after = np.full_like(ri_sorted, big)
    after[:, :-1] = np.minimum.accumulate(ri_sorted[:, ::-1], axis=-1)[:, ::-1][:, 1:]
    # floor[p] = after[last position of p's run of ties]: after is non-decreasing in p,
    # so a suffix minimum of "after at the end of each run" reads the nearest run end
    ends = np.ones_like(rj_sorted, dtype=bool)
    np.not_equal(rj_sorted[:, 1:], rj_sorted[:, :-1], out=ends[:, :-1])
    floor_sorted = np.minimum.accumulate(np.where(ends, after, big)[:, ::-1], axis=-1)[:, ::-1]
    floor = np.empty_like(floor_sorted)
    np.put_along_axis(floor, order, floor_sorted, axis=-1)
    best = np.minimum(ri, floor).max(axis=0, keepdims=True)
    return np.moveaxis(best <= ri, -1, j_axis).reshape(-1)


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
    if len(counts) == 2:
        view = ranks.reshape((2, *(1 << c for c in reversed(counts))))
        t, c = time.perf_counter(), time.process_time()
        for d in range(2):
            seq_bare(view, 1 - d)
        rows.append(("seq", time.perf_counter() - t, time.process_time() - c))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"bare numpy, {ranks.shape[1]:,} states, {len(counts)} DMs, peak RSS {peak:,.0f} MiB")
    for name, wall, cpu in rows:
        print(f"  {name:<8} {wall:8.3f} s wall {cpu:8.3f} s CPU")


if __name__ == "__main__":
    main()
