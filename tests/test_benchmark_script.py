"""The scale benchmark script runs (quick mode) and prints its table.

Timings are not asserted here (speed targets live in benchmarks/README.md); this only
checks that anyone can rerun the benchmark.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

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
