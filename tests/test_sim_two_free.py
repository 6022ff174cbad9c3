"""SIM for two freely moving decision makers (the suffix-minimum kernel of
``standoff.stability.sim._sim_two_cosets``) agrees with the literal reference, and its cost
check refuses what would not finish (issue 17)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import yaml
from cli_runner import run
from conftest import example_count
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from model_builders import reference_spec, spec_from_dict
from strategies import free_two_dm_conflicts

import standoff.reference as ref
from standoff.analysis import analyze
from standoff.graph import compile_model
from standoff.stability import sim as sim_module


@settings(max_examples=example_count(120), deadline=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(free_two_dm_conflicts())
def test_two_free_decision_makers_match_reference(model):
    spec = spec_from_dict(model)
    conflict = compile_model(spec)
    assert sim_module._two_free_dms(conflict)  # the fast path is the one under test
    reference = ref.build(reference_spec(spec))
    result = analyze(conflict, "sim")
    for dm in conflict.dm_ids:
        assert set(result.stable_states("sim", dm)) == ref.sim(reference, dm), dm


@settings(max_examples=example_count(60), deadline=None)
@given(arrays(np.uint16, st.tuples(st.integers(1, 40), st.integers(1, 5)),
              elements=st.integers(0, 9)))
def test_running_minimum_is_an_accumulated_minimum(values):
    out = np.empty_like(values)
    sim_module._running_minimum(values, out)
    assert (out == np.minimum.accumulate(values, axis=0)).all()


def _free_model(options_a: int, options_b: int) -> str:
    lines = ["format: standoff/1", "title: lopsided", "decision_makers:"]
    for dm, count in (("a", options_a), ("b", options_b)):
        lines += [f"  {dm}:", f"    name: {dm.upper()}", "    options:"]
        lines += [f"      {dm}{k}: {{text: option {k}}}" for k in range(count)]
    lines += ["preferences:",
              "  a: {prioritize: [" + ", ".join(f"a{k} iff b0" for k in range(options_a)) + "]}",
              "  b: {prioritize: [" + ", ".join(f"b{k} or a{k}" for k in range(options_b))
              + "]}"]
    return "\n".join(lines) + "\n"


def test_lopsided_two_free_decision_makers_are_refused_before_any_work(tmp_path):
    """17 options against 1: 131,072 choices of A against 2 of B, so the kernel would sweep
    131,072 × 131,072 × 2 rank table cells for A (minutes); refused, located, with a fix.
    The repro's 1,024 × 1,024 choices (tests/repro/20_two_dms_20_options.yaml) stay within
    the limit."""
    path = tmp_path / "lopsided.yaml"
    path.write_text(_free_model(17, 1), encoding="utf-8")
    conflict = compile_model(spec_from_dict(yaml.safe_load(path.read_text())))
    cells = sim_module.two_dm_cells(conflict, 0)
    assert cells > sim_module.MAX_TWO_DM_CELLS
    result = run("analyze", str(path), "--concepts", "sim")
    assert result.code == 2 and "Traceback" not in result.err
    assert str(path) in result.err and "SIM for a" in result.err
    assert f"{cells:.1e}" in result.err and "fix: leave SIM out" in result.err
    repro_path = Path(__file__).parent / "repro" / "20_two_dms_20_options.yaml"
    repro = compile_model(spec_from_dict(yaml.safe_load(repro_path.read_text())))
    for dm in range(2):
        sim_module.check_sim_cost(repro, dm)  # does not raise
