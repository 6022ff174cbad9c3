"""The scale benchmark script runs (quick mode) and prints its table.

Timings are not asserted here (speed targets live in benchmarks/README.md); this only
checks that anyone can rerun the benchmark.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[1] / "benchmarks" / "scale.py"


def test_quick_benchmark_prints_a_table():
    out = subprocess.run(
        [sys.executable, str(SCRIPT), "--quick", "--only", "3"],
        capture_output=True, text=True, timeout=300, check=True,
    ).stdout
    lines = [line for line in out.splitlines() if line.startswith("|")]
    assert lines[0].split("|")[1].strip() == "states"
    first = lines[2].split("|")
    assert first[1].strip() == "2,688" and first[2].strip() == "3" and first[4].strip() == "~30%"
    assert any("| seq " in line for line in lines) and any("| total " in line for line in lines)
    assert "dm3-opt12-constrained-s2026: verdicts equal to the bare numpy passes for: none" \
        in out


def test_the_benchmark_checks_its_verdicts_against_the_bare_passes(tmp_path):
    """On a free product row the timed verdicts are compared with the bare numpy passes,
    and a single wrong verdict stops the benchmark."""
    import numpy as np
    import yaml

    sys.path.insert(0, str(SCRIPT.parent))
    import scale

    import standoff

    case = scale.Case(2, 8, False, "nash,gmr,smr,seq")
    path = tmp_path / "model.yaml"
    path.write_text(yaml.safe_dump(scale.make_model(case)), encoding="utf-8")
    conflict = standoff.load(path)
    verdicts = {c: standoff.analyze(conflict, c).stable[c].copy()
                for c in ("nash", "gmr", "smr", "seq", "sim")}
    assert scale.check_against_bare(conflict, verdicts) == ["nash", "gmr", "smr", "seq"]
    for concept in ("nash", "gmr", "smr", "seq"):
        wrong = {k: v.copy() for k, v in verdicts.items()}
        wrong[concept][1, 7] = ~wrong[concept][1, 7]
        with pytest.raises(SystemExit, match=f"{concept} for decision maker 1"):
            scale.check_against_bare(conflict, wrong)
    assert np.array_equal(verdicts["nash"], standoff.analyze(conflict, "nash").stable["nash"])


@pytest.mark.slow
def test_quick_bargaining_benchmark_prints_a_table():
    """Every forecast model on both cases, and Monte Carlo on one worker and on all cores
    giving the same distribution (the chunks carry their own seeds), with draws per second."""
    script = SCRIPT.with_name("bargaining.py")
    out = subprocess.run(
        [sys.executable, str(script), "--quick"],
        capture_output=True, text=True, timeout=300, check=True,
    ).stdout
    rows = [[c.strip() for c in line.split("|")[1:-1]] for line in out.splitlines()
            if line.startswith("| ")]
    assert rows[0] == ["what", "case", "seconds", "CPU s", "peak MiB", "rate", "result"]
    forecasts = {(r[0], r[1]): r[6] for r in rows if r[0].startswith("forecast")}
    assert len(forecasts) == 10
    assert forecasts[("forecast --model compromise", "EC emissions")] == "forecast 7.39"
    assert forecasts[("forecast --model spatial", "China SOE (KTAB)")] == "forecast 32.17, 33.90"
    carlo = [r[6] for r in rows if r[0].startswith("monte carlo")]
    assert carlo and len(set(carlo)) == 1
    rates = [r[5] for r in rows if r[0].startswith("monte carlo")]
    assert all(rate.endswith("/s") and float(rate[:-2].replace(",", "")) > 0 for rate in rates)


def test_quick_robustness_benchmark_prints_a_table():
    """Sweeps on Istanbul and on the 512-state model, serial and pooled, and the premise
    dependence line (issue 11)."""
    script = SCRIPT.with_name("robustness.py")
    out = subprocess.run(
        [sys.executable, str(script), "--quick"],
        capture_output=True, text=True, timeout=300, check=True,
    ).stdout
    rows = [[c.strip() for c in line.split("|")[1:-1]] for line in out.splitlines()
            if line.startswith("| ") and not line.startswith("| model")]
    assert {r[0] for r in rows} == {"Istanbul", "3 DMs, 512 states"}
    assert {r[1] for r in rows} == {"18", "512"}
    assert all(float(r[6].replace(",", "")) > 0 for r in rows)
    assert "with premise dependence" in out
