"""tools/fuzz.py: how runs are counted, and a short run end to end."""

from __future__ import annotations

import importlib.util
import json
import signal
import sys
from pathlib import Path

from conftest import ROOT


def _tool():
    spec = importlib.util.spec_from_file_location("fuzz_tool", ROOT / "tools" / "fuzz.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["fuzz_tool"] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


fuzz = _tool()


def _exited(code: int) -> int:
    """A wait status for a process that exited with ``code``."""
    return code << 8


TRACE = ('Traceback (most recent call last):\n  File "/x/src/standoff/cli/__init__.py", line 5,'
         ' in main\n  File "/x/src/standoff/model/yamlio.py", line 9, in _scalar\n'
         "KeyError: 'maybe'\n")


def test_runs_are_sorted_into_the_six_categories():
    classify = fuzz.classify
    assert classify(["check"], _exited(0), False, "", 0.1).category == "ok"
    refusal = "m.yaml:3:1: error: bad\n  fix: quote it\n"
    assert classify(["check"], _exited(2), False, refusal, 0.1).category == "clean refusal"
    usage = "Usage: standoff check [OPTIONS] {model}\nTry 'standoff check --help' for help.\n"
    assert classify(["check"], _exited(2), False, usage, 0.1).category == "usage error"
    found = classify(["check"], _exited(1), False, TRACE, 0.1)
    assert (found.category, found.signature) == ("traceback",
                                                 "KeyError at model/yamlio.py:_scalar")
    assert classify(["check"], _exited(0), False, TRACE, 0.1).category == "traceback"
    assert classify(["claims", "--strict"], _exited(1), False, "", 0.1).category == "ok"
    assert classify(["claims"], _exited(1), False, "", 0.1).category == "traceback"
    memory = TRACE.replace("KeyError: 'maybe'", "MemoryError")
    assert classify(["check"], _exited(1), False, memory, 0.1).category == "memory blow-up"
    assert classify(["check"], signal.SIGKILL, False, "", 0.1).category == "memory blow-up"
    late = classify(["paths"], None, True, "", 20.0, "repro/mini.yaml")
    assert (late.category, late.signature) == ("timeout", "timeout in paths on repro/mini.yaml")


def test_a_short_run_counts_every_case_and_writes_a_summary(tmp_path):
    out = tmp_path / "failures"
    fuzz.main(["--cases", "3", "--seed", "3", "--out", str(out), "--timeout", "30"])
    summary = json.loads((out / "summary.json").read_text())
    assert summary["runs"] == 3 and summary["seed"] == 3
    assert sum(summary["counts"].values()) == 3
    assert set(summary["counts"]) == set(fuzz.CATEGORIES)
    for failure in summary["distinct_failures"].values():
        for kept in failure["kept"]:
            assert (Path(kept) / "command.sh").is_file()
