"""Monte Carlo over input ranges."""

from __future__ import annotations

import json

import pytest

from standoff.bargaining import load_model
from standoff.bargaining.montecarlo import MAX_SAMPLES, monte_carlo
from standoff.errors import ParameterError

RANGED = """bargaining:
  actors: [{id: A}, {id: B}]
  issues:
    - id: x
      positions:
        A: {position: 0, salience: 0.5}
        B: {position: 50, salience: 0.5, position_range: [40, 60]}
"""


def test_distribution_of_compromise(write):
    """Mean of A at 0 and B uniform on [40, 60] with equal weights: uniform on [20, 30]."""
    m = load_model(write("m.yaml", RANGED))
    mc = monte_carlo(m, "compromise", 400, seed=3, workers=1)
    d = mc["issues"]["x"]
    assert mc["ranged_inputs"] is True and d["samples"] == 400
    assert d["min"] >= 20 and d["max"] <= 30
    assert d["mean"] == pytest.approx(25, abs=0.5)
    assert d["sd"] == pytest.approx(10 / 12 ** 0.5, abs=0.3)
    assert sum(d["histogram"]["counts"]) == 400


def test_reproducible_across_workers(write):
    m = load_model(write("m.yaml", RANGED))
    a = monte_carlo(m, "compromise", 120, seed=7, workers=1)
    b = monte_carlo(m, "compromise", 120, seed=7, workers=2)
    assert a["issues"]["x"]["mean"] == b["issues"]["x"]["mean"]


def test_salience_range_and_cli(write, run):
    body = RANGED.replace("salience: 0.5}", "salience: 0.5, salience_range: [0.2, 0.8]}")
    p = write("m.yaml", body)
    r = run("forecast", p, "--monte-carlo", "60", "--workers", "1", "--format", "json")
    assert r.exit_code == 0, r.output
    d = json.loads(r.stdout)
    assert d["monte_carlo"]["issues"]["x"]["samples"] == 60
    assert d["issues"]["x"]["forecast"] == pytest.approx(25.0)
    bad = write("bad.yaml", RANGED.replace("[40, 60]", "[60, 40]"))
    r = run("forecast", bad)
    assert r.exit_code == 2 and "bad.yaml:7:" in r.output


def test_refused_without_ranges_or_with_too_many_draws(write, run):
    """No ranged input: every draw would repeat the base forecast, so the command refuses
    (exit 2, the file named, the fix given) instead of running N identical models."""
    fixed = write("fixed.yaml", RANGED.replace(", position_range: [40, 60]", "")
                  .replace("bargaining:\n", "bargaining:\n  source: A citation, not a file\n"))
    r = run("forecast", fixed, "--monte-carlo", "20", "--workers", "1")
    assert r.exit_code == 2
    assert r.output.startswith(f"{fixed}: error: a Monte Carlo forecast needs uncertain "
                                 "inputs")
    assert "position_range" in r.output and "Traceback" not in r.output
    m = load_model(write("m.yaml", RANGED))
    with pytest.raises(ParameterError, match="between 1 and") as caught:
        monte_carlo(m, "compromise", MAX_SAMPLES + 1, workers=1)
    assert caught.value.parameter == "samples" and "--" not in str(caught.value)
    r = run("forecast", write("m2.yaml", RANGED), "--monte-carlo", str(MAX_SAMPLES + 1))
    assert r.exit_code == 2 and r.output.startswith("--monte-carlo: error: "), r.output


def test_text_output_shows_quantiles_and_histogram(write, run):
    r = run("forecast", write("m.yaml", RANGED), "--monte-carlo", "100", "--workers", "1")
    assert r.exit_code == 0, r.output
    assert "Monte Carlo: 100 draws of compromise (seed 1)" in r.output
    line = next(ln for ln in r.output.splitlines() if ln.strip().startswith("x: mean"))
    assert "5–95%" in line
    # every draw lies in [20, 30], so only the histogram bins 20-30 and 30-40 can be filled
    spark = next(ln for ln in r.output.splitlines() if ln.strip().startswith("0 "))
    bars = spark.strip()[2:12]
    assert bars[:2] == "  " and bars[4:] == "      " and set(bars[2:4]) - {" "}


SPATIAL_12 = "bargaining:\n  actors: [" + ", ".join(f"{{id: A{k}}}" for k in range(12)) + """]
  issues:
    - id: x
      positions:
""" + "".join(f"        A{k}: {{position: {k * 9}, salience: 0.5}}\n" for k in range(11)) + (
    "        A11: {position: 55, salience: 0.5, position_range: [40, 60]}\n")


def test_cost_refused_before_any_draw(write, monkeypatch):
    """draws x one run's worst case is estimated first; over the limit nothing is drawn."""
    import standoff.bargaining.montecarlo as mc_module
    from standoff.errors import CapacityError

    m = load_model(write("m.yaml", SPATIAL_12))

    def never(args):
        raise AssertionError("a draw ran before the cost check")

    monkeypatch.setattr(mc_module, "_chunk", never)
    with pytest.raises(CapacityError, match="100,000 draws of the spatial model") as caught:
        monte_carlo(m, "spatial", 100_000, workers=1)
    assert "--monte-carlo N" in caught.value.hint
    one = mc_module.run_seconds(m, "spatial")
    assert mc_module.check_cost(m, "spatial", 10) == pytest.approx(10 * one)
    # fewer rounds, cheaper runs; the option and the argument are the same limit
    assert mc_module.run_seconds(m, "spatial", 5) < one
    assert mc_module.run_seconds(m, "spatial", options={"rounds": "5"}) == (
        mc_module.run_seconds(m, "spatial", 5))
    assert mc_module.run_seconds(m, "compromise") < one


def test_cost_refusal_on_the_command_line(write, run):
    p = write("m.yaml", SPATIAL_12)
    r = run("forecast", p, "--model", "spatial", "--monte-carlo", "100000")
    assert r.exit_code == 2
    assert f"{p}: error: a Monte Carlo forecast of 100,000 draws of the spatial model would " \
           "take about" in r.output
    assert "fix: draw fewer samples" in r.output and "Traceback" not in r.output
    ok = run("forecast", p, "--model", "spatial", "--monte-carlo", "20", "--workers", "1")
    assert ok.exit_code == 0, ok.output
