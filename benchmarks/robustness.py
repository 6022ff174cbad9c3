"""Speed of robustness sweeps (issue 11): profiles per second per core, and the time of
premise dependence on the Istanbul example.

Rows:

* Istanbul (18 states, 3 decision makers, the example's declared uncertainty): a sampled
  sweep of N profiles under Nash, GMR, SMR and SEQ together, then each concept alone;
* a generated 3-decision-maker, 512-state model (three options each, no constraints;
  each decision maker prioritizes five statements, four of them in an any_order group):
  the same;
* both again on a local process pool of 2 workers, and (with the ``distributed`` extra)
  on a dask LocalCluster of 2 worker processes, its start included (profiles per second
  per core = total rate / 2);
* premise dependence (critical premises, sufficient sets up to 3, adjacent swaps) and
  robustness margins (2 steps) for every Istanbul claim and equilibrium.

Sampling draws profiles with replacement, so N may exceed the number of distinct profiles:
each draw is evaluated (SEQ per profile; the own-preference concepts through their
per-preference tables, which is what a sweep does).

    python benchmarks/robustness.py            # the table in benchmarks/README.md
    python benchmarks/robustness.py --quick    # seconds, no dask rows; run by the tests
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from standoff.analysis.admissible import profile_space  # noqa: E402
from standoff.analysis.sweep import sweep  # noqa: E402
from standoff.graph import compile_model  # noqa: E402
from standoff.model import read_model  # noqa: E402

CONCEPTS = ("nash", "gmr", "smr", "seq")


def model_512() -> dict:
    """3 decision makers × 3 options, 512 states, declared uncertainty in every one."""
    dms, prefs = {}, {}
    names = [f"d{d}o{k}" for d in range(3) for k in range(3)]
    for d in range(3):
        own = names[3 * d:3 * d + 3]
        dms[f"d{d}"] = {"name": f"DM {d}", "options": {o: {"text": o} for o in own}}
        others = [n for n in names if n not in own]
        group = [own[0], f"not {others[d]}", f"{own[1]} and {others[d + 2]}",
                 f"not {own[2]} or {others[(d + 4) % 6]}"]
        prefs[f"d{d}"] = {"prioritize": [{"any_order": group}, f"{others[(d + 1) % 6]}",
                                         {"statement": own[2], "uncertain": True}]}
    return {"format": "standoff/1", "title": "512 states", "decision_makers": dms,
            "preferences": prefs}


def _conflict_512():
    import yaml

    from standoff.model.loader import build_spec
    from standoff.model.schema import ModelFile
    from standoff.model.yamlio import parse_text

    text = yaml.safe_dump(model_512(), sort_keys=False)
    parsed, locs = parse_text(text, "<512 states>")
    return compile_model(build_spec(ModelFile.model_validate(parsed), locs, ROOT, parsed))


def _rate(conflict, samples: int, concepts, workers: int = 1,
          backend: str = "processes") -> float:
    space = profile_space(conflict)
    start = time.perf_counter()
    run = sweep(conflict, space, concepts, samples=samples, seed=1, workers=workers,
                backend=backend)
    elapsed = time.perf_counter() - start
    return run.evaluated / elapsed


def _has_dask() -> bool:
    try:
        import distributed  # noqa: F401
    except ImportError:
        return False
    return True


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sample sizes")
    args = parser.parse_args()
    n_small, n_large = (4_000, 400) if args.quick else (100_000, 5_000)
    istanbul = compile_model(read_model(ROOT / "examples/istanbul-2025/istanbul-2025.yaml"))
    large = _conflict_512()
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python "
          f"{platform.python_version()}, {platform.system()}")
    print("| model | states | admissible profiles | concepts | workers | samples | "
          "profiles/s | per core |")
    print("|---|---|---|---|---|---|---|---|")
    for name, conflict, samples in (("Istanbul", istanbul, n_small),
                                    ("3 DMs, 512 states", large, n_large)):
        size = profile_space(conflict).size
        for concepts in (CONCEPTS, *((c,) for c in CONCEPTS)):
            rate = _rate(conflict, samples, concepts)
            print(f"| {name} | {conflict.state_count} | {size:,} | {'+'.join(concepts)} | 1 | "
                  f"{samples:,} | {rate:,.0f} | {rate:,.0f} |")
        rate = _rate(conflict, samples, CONCEPTS, workers=2)
        print(f"| {name} | {conflict.state_count} | {size:,} | {'+'.join(CONCEPTS)} | 2 | "
              f"{samples:,} | {rate:,.0f} | {rate / 2:,.0f} |")
        if _has_dask() and not args.quick:
            rate = _rate(conflict, samples, CONCEPTS, workers=2, backend="dask")
            print(f"| {name} | {conflict.state_count} | {size:,} | {'+'.join(CONCEPTS)} | "
                  f"2 (dask LocalCluster, incl. start) | {samples:,} | {rate:,.0f} | "
                  f"{rate / 2:,.0f} |")
    from standoff.analysis.robustness import robustness

    start = time.perf_counter()
    result = robustness(istanbul, premises=False)
    sweep_time = time.perf_counter() - start
    start = time.perf_counter()
    result = robustness(istanbul)
    total = time.perf_counter() - start
    print()
    print(f"Istanbul, every claim ({len(result.claims)}) and equilibrium "
          f"({len(result.equilibria)}): exact sweep of {result.run.total:,} profiles "
          f"{sweep_time:.2f} s; with premise dependence (sets up to 3, "
          f"{result.provenance['premises']['models_evaluated']:,} models) and margins "
          f"(2 steps) {total:.2f} s")


if __name__ == "__main__":
    main()
