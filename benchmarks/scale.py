"""Scale benchmark: generate conflict models of growing size and time the analysis.

Usage::

    python benchmarks/scale.py            # the full table of issue #4 (minutes; ~16 GB peak)
    python benchmarks/scale.py --quick    # CI-sized versions of the same shapes (seconds)
    python benchmarks/scale.py --only 2   # one row of the table (1-based)
    python benchmarks/scale.py --curve    # time against states and moves as models grow

Every model is written as a model file (``benchmarks/models/*.yaml``, fixed seeds) so
anyone can rerun it with ``standoff analyze``. Preferences are "random strict": each
decision maker weighs every option and a random set of option pairs with random weights
(ties are possible but rare; the table reports the number of distinct ranks). Constrained
models add infeasible statements that couple options of different decision makers until
about 30% of the combinations are removed, and make a third of the options irreversible
(``moves: take`` or ``drop``).

The last rows are adversarial for the reachability fixed point (``shape="chain"``): the
two opponents of decision maker 1 each choose a number in binary (``w`` options each) and
prefer one answer to each choice of the other above everything: decision maker 2 wants its
number one above decision maker 3's, decision maker 3 wants its number equal to decision
maker 2's; below that answer, each prefers smaller numbers (so each has improvements to
about half its choices, and none that skips ahead). The only way forward is then one long
alternating chain (0, 0) → (1, 0) → (1, 1) → (2, 1) → … of ``2 (2^w - 1)`` moves, and
decision maker 1 (four free options) ranks the chain's end lowest, so every SEQ sanction
for decision maker 1 runs to the end of the chain: round by round iterations need as many
rounds as the chain has moves. The "chain" row is a free product space (implicit moves);
"chain, cut" removes the states where the two numbers are 1 and 3 modulo 4 (never on the
chain), which breaks the product (explicit moves).

Each model is analysed in a fresh subprocess, so the peak resident memory (``ru_maxrss``)
reported is that of the analysis alone (load + compile + the concepts listed).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import resource
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
MODELS = HERE / "models"


@dataclass(frozen=True)
class Case:
    dms: int
    options: int
    constrained: bool
    concepts: str
    seed: int = 2026
    shape: str = "random"  # or "chain" (the adversarial rows, see the module docstring)

    @property
    def name(self) -> str:
        kind = "constrained" if self.constrained else "free"
        if self.shape == "chain":
            return f"chain-dm{self.dms}-opt{self.options}-{kind}"
        return f"dm{self.dms}-opt{self.options}-{kind}-s{self.seed}"

    @property
    def constraint_label(self) -> str:
        if self.shape == "chain":
            return "chain, cut" if self.constrained else "chain"
        return "~30%" if self.constrained else "none"


FULL = [
    Case(2, 13, False, "nash,gmr,smr,seq,sim"),
    Case(3, 20, False, "nash,gmr,smr,seq"),
    Case(3, 20, True, "nash,gmr,smr,seq"),
    Case(4, 16, True, "nash,gmr,smr,seq,sim"),
    Case(2, 24, False, "nash,gmr"),
    Case(3, 20, False, "nash,gmr,smr,seq", shape="chain"),
    Case(3, 18, True, "nash,gmr,smr,seq", shape="chain"),
]
QUICK = [
    Case(2, 10, False, "nash,gmr,smr,seq,sim"),
    Case(3, 12, False, "nash,gmr,smr,seq"),
    Case(3, 12, True, "nash,gmr,smr,seq"),
    Case(4, 10, True, "nash,gmr,smr,seq,sim"),
    Case(2, 14, False, "nash,gmr"),
    Case(3, 12, False, "nash,gmr,smr,seq", shape="chain"),
    Case(3, 12, True, "nash,gmr,smr,seq", shape="chain"),
]

CHAIN_OWN_OPTIONS = 4  # decision maker 1's free options in the chain rows


def split(options: int, dms: int) -> list[int]:
    base, extra = divmod(options, dms)
    return [base + (1 if d < extra else 0) for d in range(dms)]


def _number(prefix: str, width: int, value: int) -> str:
    """The statement "the options ``prefix0..`` spell ``value`` in binary"."""
    return " and ".join(f"{prefix}{t}" if value >> t & 1 else f"not {prefix}{t}"
                        for t in range(width))


def make_chain_model(case: Case) -> dict:
    """The adversarial chain model of a ``shape="chain"`` case (module docstring)."""
    own = CHAIN_OWN_OPTIONS
    width = (case.options - own) // 2
    top = (1 << width) - 1

    def options(prefix: str, count: int) -> dict:
        return {f"{prefix}{t}": {"text": f"option {prefix}{t}"} for t in range(count)}

    def lower(prefix: str) -> list[dict]:  # below the chain's answer, smaller numbers first
        return [{"statement": f"{prefix}{t}", "weight": -(1 << t)} for t in range(width)]

    model: dict = {
        "format": "standoff/1",
        "title": f"Benchmark: a chain of {2 * top} improvements"
        + (", cut" if case.constrained else ""),
        "view": "Synthetic adversarial benchmark model (benchmarks/scale.py).",
        "decision_makers": {
            "dm0": {"name": "Decision maker 1", "options": options("c", own)},
            "dm1": {"name": "Decision maker 2", "options": options("a", width)},
            "dm2": {"name": "Decision maker 3", "options": options("b", width)},
        },
        "preferences": {
            "dm0": {"weights": [{"statement": f"c{t}", "weight": t + 1} for t in range(own)]
                    + [{"statement": f"{_number('a', width, top)} and "
                                     f"{_number('b', width, top)}", "weight": -1000}]},
            "dm1": {"weights": [{"statement": f"{_number('a', width, q + 1)} and "
                                              f"{_number('b', width, q)}", "weight": 2 * top + 2}
                                for q in range(top)] + lower("a")},
            "dm2": {"weights": [{"statement": f"{_number('a', width, q)} and "
                                              f"{_number('b', width, q)}", "weight": 2 * top + 2}
                                for q in range(top + 1)] + lower("b")},
        },
    }
    if case.constrained:
        model["feasibility"] = {"infeasible": ["a0 and not a1 and b0 and b1"]}
    return model


def make_model(case: Case) -> dict:
    """The model file of a benchmark case (deterministic for a given seed)."""
    if case.shape == "chain":
        return make_chain_model(case)
    rng = random.Random(case.seed * 1000 + case.dms * 100 + case.options)
    counts = split(case.options, case.dms)
    names: list[str] = []
    owner: list[int] = []
    dms = {}
    for d, count in enumerate(counts):
        options = {}
        for _ in range(count):
            name = f"o{len(names)}"
            moves = "both"
            if case.constrained and len(names) % 3 == 2:
                moves = rng.choice(["take", "drop"])
            options[name] = {"text": f"option {len(names) + 1}", "moves": moves}
            names.append(name)
            owner.append(d)
        dms[f"dm{d}"] = {"name": f"Decision maker {d + 1}", "options": options}
    model: dict = {
        "format": "standoff/1",
        "title": f"Benchmark: {case.dms} DMs, {case.options} options"
        + (", constrained" if case.constrained else ""),
        "view": "Synthetic benchmark model (benchmarks/scale.py).",
        "decision_makers": dms,
    }
    if case.constrained:
        # couple options of different DMs: "a and b" removes 1/4, "c and d and e" 1/8 ...
        statements = []
        removed = 0.0
        while removed < 0.29:
            size = 2 if removed < 0.2 else 3
            picked = rng.sample(range(len(names)), size)
            while len({owner[k] for k in picked}) < 2:
                picked = rng.sample(range(len(names)), size)
            statements.append(" and ".join(names[k] for k in picked))
            removed = 1 - (1 - removed) * (1 - 0.5**size)
        model["feasibility"] = {"infeasible": statements}
    preferences = {}
    for d in range(case.dms):
        weights = [{"statement": n, "weight": round(rng.uniform(-1, 1), 9)} for n in names]
        for _ in range(len(names)):
            a, b = rng.sample(names, 2)
            weights.append({"statement": f"{a} and {b}", "weight": round(rng.uniform(-1, 1), 9)})
        preferences[f"dm{d}"] = {"weights": weights}
    model["preferences"] = preferences
    return model


def write_model(case: Case) -> Path:
    MODELS.mkdir(exist_ok=True)
    path = MODELS / f"{case.name}.yaml"
    path.write_text(yaml.safe_dump(make_model(case), sort_keys=False), encoding="utf-8")
    return path


def run_one(path: Path, concepts: str, clock=time.perf_counter) -> dict:
    """Analyse one model in this process; return timings (s) and peak RSS (MiB)."""
    import numpy as np

    import standoff

    t0 = clock()
    conflict = standoff.load(path, max_states=1 << 25)
    t_load = clock() - t0
    times = {}
    verdicts = {}
    for concept in concepts.split(","):
        t = clock()
        verdicts[concept] = standoff.analyze(conflict, concept).stable[concept]
        times[concept] = clock() - t
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # before counting ranks
    distinct = min(len(np.unique(conflict.ranks[i])) for i in range(len(conflict.dm_ids)))
    return {
        "states": conflict.state_count,
        "moves": conflict.move_count(),
        "load": t_load,
        "concepts": times,
        "distinct_ranks": distinct,
        "peak_mib": peak,
        "checked": check_against_bare(conflict, verdicts),
    }


def check_against_bare(conflict, verdicts: dict) -> list[str]:
    """Compare the timed verdicts with the bare numpy passes of ``bare_numpy.py`` (run on
    standoff's ranks, after the timing) and exit with an error on any difference. Only free
    product spaces whose state number is the option bit pattern are in the passes' scope;
    returns the concepts checked (none for the other rows, whose kernels the hypothesis
    tests check against ``standoff.reference`` on small models)."""
    import numpy as np

    from standoff.graph.moves import CosetMoves

    sys.path.insert(0, str(HERE))
    import bare_numpy

    space = conflict.space
    free = space.product is not None and all(isinstance(g, CosetMoves) for g in conflict.moves)
    if not free or not np.array_equal(space.patterns, np.arange(space.size, dtype=np.uint64)):
        return []
    counts = [len(dm.options) for dm in conflict.spec.dms]
    kernels = {"nash": bare_numpy.nash_bare, "gmr": bare_numpy.gmr_bare,
               "smr": bare_numpy.smr_bare}
    checked = []
    for concept, stable in verdicts.items():
        for d in range(len(counts)):
            axis = len(counts) - 1 - d
            if concept in kernels:
                bare = kernels[concept](bare_numpy.axes_view(conflict.ranks[d], counts), axis)
            elif concept == "seq" and len(counts) == 2:
                view = conflict.ranks.reshape((2, *(1 << c for c in reversed(counts))))
                bare = bare_numpy.seq_bare(view, axis)
            else:
                break
            if not np.array_equal(bare, stable[d]):
                raise SystemExit(f"{concept} for decision maker {d}: standoff and the bare "
                                 f"numpy pass disagree on {int((bare != stable[d]).sum())} "
                                 "states")
        else:
            checked.append(concept)
    return checked


def measure(case: Case, cpu: bool = False) -> dict:
    path = write_model(case)
    out = subprocess.run(
        [sys.executable, __file__, "--run", str(path), "--concepts", case.concepts,
         *(["--cpu"] if cpu else [])],
        capture_output=True, text=True, check=False,
    )
    if out.returncode != 0:
        return {"error": (out.stderr or out.stdout).strip().splitlines()[-1]}
    return json.loads(out.stdout)


def print_table(rows: list[tuple[Case, dict]]) -> None:
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python "
          f"{platform.python_version()}, {platform.system()}")
    head = (f"| {'states':>10} | DMs | options | constrained | {'moves':>15} | concept | "
            f"{'seconds':>8} | peak RSS MiB |")
    print(head)
    print("|" + "|".join("-" * (len(c)) for c in head.split("|")[1:-1]) + "|")
    for case, r in rows:
        if "error" in r:
            print(f"| {'-':>10} | {case.dms:>3} | {case.options:>7} | "
                  f"{case.constraint_label:>11} | error: {r['error']} |")
            continue
        first = True
        for concept, seconds in [("load", r["load"]), *r["concepts"].items()]:
            label = "compile" if concept == "load" else concept
            states = f"{r['states']:,}" if first else ""
            moves = f"{r['moves']:,}" if first else ""
            peak = f"{r['peak_mib']:,.0f}" if first else ""
            print(f"| {states:>10} | {case.dms if first else '':>3} | "
                  f"{case.options if first else '':>7} | "
                  f"{case.constraint_label if first else '':>11} | "
                  f"{moves:>15} | {label:<7} | {seconds:8.2f} | {peak:>12} |")
            first = False
        total = r["load"] + sum(r["concepts"].values())
        print(f"| {'':>10} | {'':>3} | {'':>7} | {'':>11} | {'':>15} | {'total':<7} | "
              f"{total:8.2f} | {'':>12} |")
    print()
    for case, r in rows:
        if "error" not in r:
            checked = ", ".join(r["checked"]) or "none (outside the bare passes' scope)"
            print(f"{case.name}: verdicts equal to the bare numpy passes for: {checked}")


def print_curve() -> None:
    """Seconds per million moves (explicit path) and per million states (implicit path)."""
    print("| path | DMs | options | states | moves | seconds (compile + Nash, GMR, SEQ) |"
          " µs per 1k moves | µs per state |")
    print("|---|---|---|---|---|---|---|---|")
    cases = [("explicit", Case(3, k, True, "nash,gmr,seq")) for k in (12, 14, 16, 18, 20)]
    cases += [("implicit", Case(3, k, False, "nash,gmr,seq")) for k in (12, 14, 16, 18, 20)]
    for path, case in cases:
        r = measure(case)
        if "error" in r:
            print(f"| {path} | {case.dms} | {case.options} | error: {r['error']} |")
            continue
        total = r["load"] + sum(r["concepts"].values())
        print(f"| {path} | {case.dms} | {case.options} | {r['states']:,} | {r['moves']:,} | "
              f"{total:.2f} | {total / r['moves'] * 1e9:.2f} | {total / r['states'] * 1e6:.2f} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="small, CI-sized models")
    parser.add_argument("--only", type=int, help="run only this row (1-based)")
    parser.add_argument("--curve", action="store_true", help="time vs. size, 2 DMs")
    parser.add_argument("--cpu", action="store_true",
                        help="report CPU seconds of the analysing process instead of wall "
                        "seconds (steadier on a shared machine)")
    parser.add_argument("--run", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--concepts", default="nash,gmr,smr,seq,sim", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.run:
        clock = time.process_time if args.cpu else time.perf_counter
        print(json.dumps(run_one(args.run, args.concepts, clock)))
        return
    if args.curve:
        print_curve()
        return
    else:
        cases = QUICK if args.quick else FULL
        if args.only:
            cases = [cases[args.only - 1]]
    rows = []
    for case in cases:
        rows.append((case, measure(case, args.cpu)))
        print(f"  done {case.name}", file=sys.stderr)
    print_table(rows)


if __name__ == "__main__":
    main()
