"""Sweeps: verdicts under every admissible preference profile, counted with witnesses.

For a conflict whose model declares uncertainty (:mod:`standoff.analysis.admissible`),
:func:`sweep` evaluates, for each admissible profile, the stability of every state for
every decision maker under each concept, the equilibria, and each claim of the model, and
counts in how many profiles each verdict holds, keeping the first profile (in sweep order)
on each side as a witness.

* **Exact** when the number of profiles is at most ``limit`` (default
  :data:`EXACT_LIMIT`, 10^6): every profile once, in index order.
* **Sampled** otherwise, or when ``samples`` is given: ``samples`` profiles drawn
  uniformly with replacement (each decision maker's preference drawn uniformly and
  independently, which is uniform over the profiles) from ``numpy.random.default_rng
  (seed)``; each proportion gets a 95 % Wilson score interval.

Profiles are cut into chunks evaluated by :class:`~standoff.analysis.batch.BatchEngine`,
on one of these backends:

* ``serial``: in this process;
* ``processes``: a local process pool (fork) of ``workers`` processes (by default the
  machine's cores); used only when there is more than one chunk;
* ``dask``: a dask.distributed cluster: the one at ``scheduler`` (an address), or a
  ``LocalCluster`` of ``workers`` worker processes started and closed here (the optional
  extra ``pip install "standoff[distributed]"``).

Counts are sums and witnesses are the first position in sweep order, so the result is
identical whatever the backend, the number of workers and the chunking. Concepts and
claim forms without a batched evaluation (SIM, L(h), NM; claims about evolution from the
status quo) need the whole model and always run serially.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType

import numpy as np

from standoff.analysis.admissible import ProfileSpace
from standoff.analysis.batch import BATCHED, BatchEngine
from standoff.graph.conflict import Conflict
from standoff.model.claims_grammar import Claim

#: Largest number of profiles enumerated exactly; beyond it a sweep samples.
EXACT_LIMIT = 10**6
#: Samples drawn when a sweep must sample and no number is given.
DEFAULT_SAMPLES = 10_000
#: 97.5 % quantile of the standard normal distribution (95 % two-sided intervals).
Z95 = 1.959963984540054
_NONE = np.iinfo(np.int64).max

#: Claim forms evaluated from the stability arrays directly (the others, about evolution
#: from the status quo, are evaluated profile by profile through their claim form).
MASK_FORMS = ("no-equilibrium", "not-equilibrium", "every-equilibrium", "some-equilibrium",
              "equilibrium", "stable", "not-stable")


def wilson_interval(k: int, n: int, z: float = Z95) -> tuple[float, float]:
    """The Wilson score interval for a proportion k/n (95 % by default)."""
    if n == 0:
        return (0.0, 1.0)
    p = k / n
    denominator = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denominator
    low = 0.0 if k == 0 else max(0.0, centre - half)
    high = 1.0 if k == n else min(1.0, centre + half)
    return (low, high)


# -- claims over batches ---------------------------------------------------------------------
@dataclass(frozen=True)
class ClaimCheck:
    """What a sweep needs of one claim: its id, parsed claim and concepts."""

    id: str
    claim: Claim
    concepts: tuple[str | None, ...]


def claim_holds(check: ClaimCheck, conflict: Conflict, stable: dict[str, np.ndarray],
                ranks: np.ndarray, engine: BatchEngine | None = None) -> np.ndarray:
    """Per profile (shape (P, concepts)): whether the claim holds under each concept."""
    claim = check.claim
    p = ranks.shape[0]
    out = np.empty((p, len(check.concepts)), dtype=bool)
    if claim.form not in MASK_FORMS:  # evolution forms: through the claim form itself
        from standoff.analysis.claims import EVALUATORS
        from standoff.analysis.result import Analysis

        engine = engine or BatchEngine(conflict)
        evaluate = EVALUATORS[claim.form]
        for k in range(p):
            copy = engine.with_ranks(ranks[k])
            analysis = Analysis(copy, (), MappingProxyType({}))
            for c, concept in enumerate(check.concepts):
                out[k, c] = evaluate(claim, analysis, concept).holds
        return out
    from standoff.analysis.claims import select

    x = select(claim.subject, conflict)
    for c, concept in enumerate(check.concepts):
        assert concept is not None  # the mask forms are checked under concepts
        s = stable[concept]
        if claim.form in ("no-equilibrium", "not-equilibrium"):
            eq = s.all(axis=1)
            out[:, c] = ~(eq & x).any(axis=1)
        elif claim.form == "every-equilibrium":
            eq = s.all(axis=1)
            out[:, c] = ~(eq & ~x).any(axis=1)
        elif claim.form == "some-equilibrium":
            eq = s.all(axis=1)
            out[:, c] = (eq & x).any(axis=1)
        else:
            dms = list(claim.dms)
            if not x.any():
                out[:, c] = False
            elif claim.form == "not-stable":
                out[:, c] = ~s[:, dms][:, :, x].any(axis=(1, 2))
            else:
                out[:, c] = s[:, dms][:, :, x].all(axis=(1, 2))
    return out


# -- tallies ---------------------------------------------------------------------------------
def _first(mask: np.ndarray, positions: np.ndarray) -> np.ndarray:
    """Along axis 0: the first position where ``mask`` is True (``_NONE`` if never)."""
    hit = mask.any(axis=0)
    index = np.argmax(mask, axis=0)
    return np.where(hit, positions[index], _NONE)


@dataclass
class Tally:
    """Counts and first witnesses over the profiles seen so far (mergeable)."""

    profiles: int = 0
    stable: dict = field(default_factory=dict)  # concept -> [count, first yes, first no]
    equilibria: dict = field(default_factory=dict)  # concept -> [count, first yes, first no]
    claims: dict = field(default_factory=dict)  # id -> [count, yes, no, per concept counts]

    def add(self, key, table: dict, mask: np.ndarray, positions: np.ndarray) -> None:
        count = mask.sum(axis=0, dtype=np.int64)
        yes, no = _first(mask, positions), _first(~mask, positions)
        if key not in table:
            table[key] = [count, yes, no]
            return
        entry = table[key]
        entry[0] = entry[0] + count
        entry[1] = np.minimum(entry[1], yes)
        entry[2] = np.minimum(entry[2], no)

    def merge(self, other: Tally) -> None:
        self.profiles += other.profiles
        for mine, theirs in ((self.stable, other.stable), (self.equilibria, other.equilibria),
                             (self.claims, other.claims)):
            for key, (count, yes, no) in theirs.items():
                if key not in mine:
                    mine[key] = [count, yes, no]
                else:
                    mine[key][0] = mine[key][0] + count
                    mine[key][1] = np.minimum(mine[key][1], yes)
                    mine[key][2] = np.minimum(mine[key][2], no)


@dataclass(frozen=True)
class _Job:
    space: ProfileSpace
    concepts: tuple[str, ...]
    checks: tuple[ClaimCheck, ...]
    sampled: np.ndarray | None  # (positions, decision makers): each sample's digits


def _evaluate_chunk(job: _Job, engine: BatchEngine, own_cache: dict, lo: int,
                    hi: int) -> Tally:
    positions = np.arange(lo, hi, dtype=np.int64)
    digits = job.space.digits(positions) if job.sampled is None else job.sampled[lo:hi]
    dms = job.space.dms
    ranks = np.stack([dms[i].ranks[digits[:, i]] for i in range(len(dms))], axis=1)
    own_rows = []
    for i, d in enumerate(dms):
        if d.count <= hi - lo:  # the whole table, computed once and kept between chunks
            own_rows.append((d.ranks, digits[:, i], True))
        else:  # far more preferences than profiles here: only those drawn
            drawn, index = np.unique(digits[:, i], return_inverse=True)
            own_rows.append((d.ranks[drawn], index.reshape(-1), False))
    stable = engine.evaluate(ranks, job.concepts, own_rows, own_cache)
    tally = Tally(profiles=hi - lo)
    for concept in job.concepts:
        tally.add(concept, tally.stable, stable[concept], positions)
        tally.add(concept, tally.equilibria, np.asarray(stable[concept].all(axis=1)),
                  positions)
    for check in job.checks:
        per_concept = claim_holds(check, engine.conflict, stable, ranks, engine)
        tally.add(check.id, tally.claims, np.asarray(per_concept.all(axis=1)), positions)
        tally.add((check.id, "by concept"), tally.claims, per_concept, positions)
    return tally


# Worker state of a process pool (set in the parent before the pool forks).
_WORKER: dict = {}


def _worker_chunk(bounds: tuple[int, int]) -> Tally:
    job, engine = _WORKER["job"], _WORKER["engine"]
    return _evaluate_chunk(job, engine, _WORKER.setdefault("cache", {}), *bounds)


def chunk_size(conflict: Conflict, concepts: Sequence[str]) -> int:
    """Profiles per chunk: about 4 million booleans of stability per chunk."""
    cells = max(1, len(conflict.dm_ids) * conflict.state_count * max(1, len(concepts)))
    return int(max(1, min(8192, 4_000_000 // cells)))


@dataclass(frozen=True)
class Sweep:
    """The counted verdicts of a sweep (see :func:`sweep`)."""

    space: ProfileSpace
    concepts: tuple[str, ...]
    total: int
    exact: bool
    samples: int | None
    seed: int | None
    sampled: np.ndarray | None
    tally: Tally
    workers: str  # the backend used: serial, processes (n), dask ...
    chunk: int

    def profile_at(self, position: int) -> int | None:
        """The profile index of a sweep position (``None`` for no witness)."""
        if position == _NONE:
            return None
        if self.sampled is None:
            return int(position)
        return self.space.index(tuple(int(k) for k in self.sampled[position]))

    @property
    def evaluated(self) -> int:
        return self.tally.profiles


BACKENDS = ("serial", "processes", "dask")


def sweep(conflict: Conflict, space: ProfileSpace, concepts: Sequence[str],
          checks: Sequence[ClaimCheck] = (), samples: int | None = None,
          seed: int | None = 0, limit: int = EXACT_LIMIT, workers: int | None = 1,
          chunk: int | None = None,
          progress: Callable[[int, int], object] | None = None,
          backend: str | None = None, scheduler: str | None = None,
          engine: BatchEngine | None = None) -> Sweep:
    """Evaluate every admissible profile (or ``samples`` uniform draws; see the module
    docstring) under ``concepts``, counting stability, equilibria and claim verdicts."""
    total = space.size
    sampled = None
    if samples is not None or total > limit:
        count = int(samples if samples is not None else DEFAULT_SAMPLES)
        rng = np.random.default_rng(seed)
        # each sample as its decision makers' preference indices (a profile's index can
        # exceed 64 bits when there are many decision makers)
        sampled = np.stack([rng.integers(0, d.count, size=count) for d in space.dms], axis=1)
        n_positions = count
    else:
        n_positions = total
    job = _Job(space, tuple(concepts), tuple(checks), sampled)
    engine = engine if engine is not None else BatchEngine(conflict)
    size = chunk or chunk_size(conflict, concepts)
    bounds = [(lo, min(n_positions, lo + size)) for lo in range(0, n_positions, size)]
    tally = Tally()
    slow = any(c not in BATCHED for c in concepts) or any(
        getattr(ch.claim, "form", None) not in MASK_FORMS for ch in checks)
    if backend is None:
        backend = "dask" if scheduler is not None else "processes"
    if backend not in BACKENDS:
        raise ValueError(f"unknown backend '{backend}' (use one of: {', '.join(BACKENDS)})")
    n_workers = workers or os.cpu_count() or 1

    def merge(part: Tally) -> None:
        tally.merge(part)
        if progress is not None:
            progress(tally.profiles, n_positions)

    used = "serial"
    if slow or len(bounds) <= 1:
        backend = "serial"
    if backend == "dask":
        used = _run_dask(job, engine, bounds, merge, scheduler, n_workers)
    elif backend == "processes" and n_workers > 1 and _fork_available():
        import concurrent.futures
        import multiprocessing

        _WORKER.clear()
        _WORKER.update(job=job, engine=engine)
        context = multiprocessing.get_context("fork")
        with concurrent.futures.ProcessPoolExecutor(n_workers, mp_context=context) as pool:
            for part in pool.map(_worker_chunk, bounds):
                merge(part)
        _WORKER.clear()
        used = f"processes ({n_workers})"
    else:
        cache: dict = {}
        for lo, hi in bounds:
            merge(_evaluate_chunk(job, engine, cache, lo, hi))
    return Sweep(space, tuple(concepts), total, sampled is None, None if sampled is None
                 else n_positions, None if sampled is None else seed, sampled, tally,
                 used, size)


def _dask_chunk(bounds: tuple[int, int], job: _Job, engine: BatchEngine) -> Tally:
    """One chunk on a dask worker; the per-preference tables are kept on the worker's
    copy of the engine between chunks."""
    cache = engine.__dict__.setdefault("_sweep_tables", {})
    return _evaluate_chunk(job, engine, cache, *bounds)


def _run_dask(job: _Job, engine: BatchEngine, bounds, merge, scheduler: str | None,
              workers: int) -> str:
    """Evaluate the chunks on dask.distributed; returns a description of the backend."""
    try:
        from distributed import Client, LocalCluster, as_completed
    except ImportError:  # pragma: no cover - depends on the installation
        raise ImportError("the dask backend needs dask.distributed: "
                          "pip install \"standoff[distributed]\"") from None
    cluster = None
    if scheduler is not None:
        client = Client(scheduler)
        used = f"dask ({scheduler})"
    else:
        cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                               dashboard_address=None)
        client = Client(cluster)
        used = f"dask LocalCluster ({workers} workers)"
    try:
        job_data = client.scatter(job, broadcast=True)
        engine_data = client.scatter(engine, broadcast=True)
        futures = [client.submit(_dask_chunk, b, job_data, engine_data, pure=False)
                   for b in bounds]
        for future in as_completed(futures):
            merge(future.result())
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
    return used


def _fork_available() -> bool:
    import multiprocessing

    return "fork" in multiprocessing.get_all_start_methods() and os.name == "posix"
