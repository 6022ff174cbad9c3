"""Compromise (weighted mean) and weighted median: hand-computed cases."""

from __future__ import annotations

import json

import numpy as np
import pytest

from standoff.bargaining import load_model, run_model
from standoff.bargaining.compromise import weighted_mean, weighted_median

from .conftest import EXAMPLES

GREECE = """
bargaining:
  title: Greece 2015 (blog estimates; clout and salience 0-100 rescaled)
  actors:
    - {id: Greece, capability: 100}
    - {id: USA, capability: 30}
    - {id: IMF, capability: 20}
    - {id: Juncker, capability: 10}
    - {id: Germany, capability: 100}
    - {id: France, capability: 70}
    - {id: Dijsselbloem, capability: 70}
    - {id: Tusk, capability: 70}
    - {id: Italy, capability: 50}
    - {id: ECB, capability: 20}
    - {id: Spain, capability: 20}
  issues:
    - id: deal
      positions:
        Greece: {position: 40, salience: 1.0}
        USA: {position: 60, salience: 1.0}
        IMF: {position: 70, salience: 1.0}
        Juncker: {position: 80, salience: 1.0}
        Germany: {position: 100, salience: 0.8}
        France: {position: 100, salience: 1.0}
        Dijsselbloem: {position: 100, salience: 0.4}
        Tusk: {position: 100, salience: 0.4}
        Italy: {position: 100, salience: 1.0}
        ECB: {position: 100, salience: 0.7}
        Spain: {position: 100, salience: 1.0}
"""


def test_weighted_mean_by_hand():
    # (1*0 + 3*100) / 4
    assert weighted_mean(np.array([0.0, 100.0]), np.array([1.0, 3.0])) == 75.0
    # zero weights fall back to the plain mean
    assert weighted_mean(np.array([10.0, 20.0]), np.zeros(2)) == 15.0


def test_weighted_median_by_hand():
    x = np.array([0.0, 50.0, 100.0])
    assert weighted_median(x, np.array([1.0, 1.0, 1.0])) == 50.0
    assert weighted_median(x, np.array([1.0, 1.0, 3.0])) == 100.0
    assert weighted_median(x, np.array([3.0, 1.0, 1.0])) == 0.0
    # exact tie at half the weight: midpoint of the median interval
    assert weighted_median(np.array([0.0, 100.0]), np.array([2.0, 2.0])) == 50.0
    assert weighted_median(np.array([10.0, 20.0, 30.0, 40.0]), np.ones(4)) == 25.0
    # repeated positions are merged
    assert weighted_median(np.array([5.0, 5.0, 9.0]), np.array([1.0, 1.0, 1.5])) == 5.0


def test_greece_blog_numbers(write):
    """The blog author's 82 (weighted mean) and 100 (weighted median), recomputed."""
    m = load_model(write("greece.yaml", GREECE))
    mean = run_model(m, "compromise").issues["deal"].forecast
    assert mean == pytest.approx(3_700_000 / 45_000)  # 82.2
    assert round(mean) == 82
    assert run_model(m, "median").issues["deal"].forecast == 100.0


def test_ec_emission_initial_mean_and_median():
    """Weighted mean 7.39 and median 7.0 recorded for the EC case."""
    m = load_model(EXAMPLES / "ec_emissions.yaml")
    assert run_model(m, "compromise").issues["timing"].forecast == pytest.approx(7.39, abs=0.005)
    assert run_model(m, "median").issues["timing"].forecast == 7.0


def test_forecast_json_shape(run):
    import json

    r = run("forecast", EXAMPLES / "ec_emissions.yaml", "--model", "compromise",
            "--format", "json")
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)
    assert data["model"] == "compromise"
    issue = data["issues"]["timing"]
    assert issue["forecast"] == pytest.approx(7.38996, abs=1e-4)
    assert issue["rounds"] == [[4.0, 7.0, 4.0, 4.0, 10.0, 10.0, 10.0, 7.0, 4.0, 7.0]]


def test_unknown_model_exits_2(run):
    r = run("forecast", EXAMPLES / "ec_emissions.yaml", "--model", "oracle")
    assert r.exit_code == 2
    assert r.output.startswith("command line: error: unknown model 'oracle'")
    assert "expected_utility" in r.output  # the choices


def test_static_table_shows_weights_and_the_zero_weight_fallback(run, write):
    """The compromise table lists each actor's weight; when every weight is 0 the forecast
    falls back to the unweighted mean, and the output says so."""
    r = run("forecast", EXAMPLES / "ec_emissions.yaml")
    assert r.exit_code == 0
    assert "weight (capability x salience)" in r.output and "0.144" in r.output  # UK .16 x .9
    path = write("zero.yaml", """bargaining:
  actors: [{id: A, capability: 1}, {id: B, capability: 3}]
  issues:
    - id: x
      positions:
        A: {position: 0, salience: 0}
        B: {position: 40, salience: 0}
""")
    r = run("forecast", path, "--format", "json")
    d = json.loads(r.output)["issues"]["x"]
    assert d["forecast"] == pytest.approx(20.0)
    assert "unweighted mean" in d["note"]
    r = run("forecast", path, "-m", "median")
    assert "note: every capability x salience weight is 0" in r.output
    assert "unweighted median" in r.output


def test_zero_weight_positions_do_not_end_a_median_tie():
    """A at 0 and C at 100 with equal weight tie over [0, 100]: the midpoint is 50, wherever
    a salience-0 actor B stands (it used to pull the answer to B's position)."""
    for b in (10.0, 90.0):
        x = np.array([0.0, b, 100.0])
        assert weighted_median(x, np.array([0.5, 0.0, 0.5])) == 50.0
