"""Expected-utility model: a two-actor round worked by hand and the EC emission regression."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from standoff.bargaining import load_model, run_model
from standoff.bargaining.expected_utility import (
    EUOptions,
    forecast_issue,
    median_position,
)
from standoff.errors import ModelError

from .conftest import EXAMPLES

TWO = """bargaining:
  actors: [{id: A}, {id: B}]
  issues:
    - id: x
      scale: [0, 1]
      positions:
        A: {position: 0, salience: 1.0}
        B: {position: 1, salience: 0.5}
"""


def test_two_actor_round_by_hand(write):
    """Worked by hand (default options, Scholz et al. reading):
    votes v_A(A,B) = 1, v_B(A,B) = -0.5; all-pairs denominator 2*1 + 2*0.5 = 3, so
    P_AB = 1/3, P_BA = 1/6. Risk-neutral EU_AB = 2/3, EU_BA = -4/3, so r_A = -1, r_B = 1,
    R_A = 2, R_B = 0.5. Offer to B, both EUs with R_B: U_sq = 2 - 2 sqrt 2,
    e_AB = 2/3 - U_sq = 2 sqrt 2 - 4/3 > 0, e_BA = -4/3 - U_sq = 2 sqrt 2 - 10/3 < 0 and
    e_AB > |e_BA|: compromise, B moves to 1 - |e_BA / e_AB|. A gets no offer
    (e_BA with R_A = 2 is -4/3 - 1 < 0)."""
    m = load_model(write("two.yaml", TWO))
    f = forecast_issue(m.issues[0], EUOptions(rounds=1, stop="rounds"))
    r2 = 2 * math.sqrt(2)
    expected_b = 1 - (10 / 3 - r2) / (r2 - 4 / 3)
    assert f.rounds[0] == (0.0, 1.0)
    assert f.rounds[1][0] == 0.0
    assert f.rounds[1][1] == pytest.approx(expected_b)  # 0.66229
    assert f.details["offers_taken"][0] == [None, "compromise"]
    assert f.details["risk"][0] == pytest.approx([2.0, 0.5])
    # the median stays with A (weight 1 against 0.5); the weighted mean moves
    assert f.forecast == 0.0
    assert f.details["mean"][1] == pytest.approx(0.5 * expected_b / 1.5)


def test_pairwise_probability_by_hand(write):
    """With P_AB + P_BA = 1 (``probability=pairwise``): P_AB = 1 / 1.5 = 2/3; risk-neutral
    EU_AB = 0.5 (4 P - 2) + 0.5 * 2 - 0 = 2 P = 4/3."""
    from standoff.bargaining.expected_utility import expected_utilities

    m = load_model(write("two.yaml", TWO))
    x, s, c = m.issues[0].arrays()
    opt = EUOptions(probability="pairwise", vote_risk="neutral")
    eu = expected_utilities(x, c, s, np.ones(2), 0.0, 1.0, opt)
    assert eu[0, 1] == pytest.approx(4 / 3)
    assert eu[1, 0] == pytest.approx(4 * (1 / 3) - 2)  # s_A = 1, P_BA = 1/3


def test_median_options():
    x = np.array([0.0, 5.0, 10.0])
    c = np.array([1.0, 1.0, 3.0])
    s = np.array([1.0, 1.0, 0.2])
    assert median_position(x, c, s, "pairwise") == 5.0  # weights 1, 1, 0.6
    assert median_position(x, c, s, "capability_only") == 10.0  # weights 1, 1, 3
    assert median_position(np.array([0.0, 10.0]), np.ones(2), np.ones(2), "weighted_median") == 5.0


# Scholz, Calbert & Smith (2011) Table 2 as recorded in the case file (median and weighted
# mean after each round, rounds 1-8; the case file also records rounds 9-10 of a replication)
SCHOLZ_MEDIANS = [8.42, 9.61, 9.96, 9.96, 9.96, 7.47, 8.82, 9.67, 9.67, 7.0]
SCHOLZ_MEANS = [7.46, 7.55, 7.59, 7.36, 7.35, 7.41, 7.51, 7.57, 7.32, 7.24]


def test_ec_emission_round_table_regression():
    """All ten rounds of the recorded round table are reproduced to two decimals with the
    default (``scholz2011``) options. Published Table 2 prints 9.9 for the round-2 median,
    which we (like the replication recorded in the case file) compute as 9.61."""
    m = load_model(EXAMPLES / "ec_emissions.yaml")
    f = forecast_issue(m.issues[0], EUOptions(rounds=10, stop="rounds"))
    assert f.details["median"][0] == 7.0
    assert f.details["mean"][0] == pytest.approx(7.39, abs=0.005)
    assert np.round(f.details["median"][1:], 2).tolist() == SCHOLZ_MEDIANS
    assert np.round(f.details["mean"][1:], 2).tolist() == SCHOLZ_MEANS
    assert len(f.rounds) == 11


def test_ec_emission_forecast_with_stopping_rule():
    """Default stopping rule (median stable for one round): stops after round 4 at 9.96.
    BDM (1994) reported 8.35 rising to 9.05; the outcome was 8.833. We do not reproduce
    BDM's own numbers: our forecast errs by 1.13 years against the weighted mean's 1.44."""
    m = load_model(EXAMPLES / "ec_emissions.yaml")
    f = run_model(m, "expected_utility").issues["timing"]
    assert len(f.rounds) == 5
    assert f.forecast == pytest.approx(9.962, abs=0.001)
    actual = 8.833
    compromise = run_model(m, "compromise").issues["timing"].forecast
    assert abs(f.forecast - actual) < abs(compromise - actual)


def test_presets_and_option_errors():
    assert EUOptions.parse({"preset": "paper"}).probability == "pairwise"
    assert EUOptions.parse({"preset": "paper", "offer": "strongest"}).offer == "strongest"
    assert EUOptions.parse({"rounds": "3"}).rounds == 3
    with pytest.raises(ModelError, match="unknown preset"):
        EUOptions.parse({"preset": "nope"})
    with pytest.raises(ModelError, match="not one of"):
        EUOptions.parse({"offer": "best"})
    with pytest.raises(ModelError, match="unknown option"):
        EUOptions.parse({"colour": "red"})
    with pytest.raises(ModelError, match="must be a whole number"):
        EUOptions.parse({"rounds": "many"})


@pytest.mark.parametrize(("given", "message"), [
    ({"q": "nan"}, "must be a finite number"),
    ({"q": "2"}, "must be between 0 and 1"),
    ({"tolerance": "-1"}, "must be between 0 and 1"),
    ({"patience": "-3"}, "must be at least 1"),
    ({"rounds": "-1"}, "must be at least 0"),
    ({"capitulation": "maybe"}, "must be true or false"),
])
def test_option_values_are_range_checked(given, message):
    with pytest.raises(ModelError, match=message) as caught:
        EUOptions.parse(given)
    assert caught.value.file == "command line"


def test_booleans_read_both_ways():
    assert EUOptions.parse({"capitulation": "no"}).capitulation is False
    assert EUOptions.parse({"capitulation": "On"}).capitulation is True


def test_rounds_as_an_option_or_a_flag_but_not_both(run):
    ec = EXAMPLES / "ec_emissions.yaml"
    a = run("forecast", ec, "-m", "expected_utility", "-s", "rounds=3", "-s", "stop=rounds",
            "--format", "json")
    b = run("forecast", ec, "-m", "expected_utility", "--rounds", "3", "-s", "stop=rounds",
            "--format", "json")
    assert a.exit_code == 0 and a.output == b.output
    assert len(json.loads(a.output)["issues"]["timing"]["rounds"]) == 4
    both = run("forecast", ec, "-m", "expected_utility", "--rounds", "3", "-s", "rounds=2")
    assert both.exit_code == 2 and "given twice" in both.output
    static = run("forecast", ec, "-m", "compromise", "-s", "rounds=2")
    assert static.exit_code == 0, static.output


def test_forecast_cli_json_rounds_and_plot(run, tmp_path):
    svg = tmp_path / "rounds.svg"
    r = run("forecast", EXAMPLES / "ec_emissions.yaml", "--model", "expected_utility",
            "--rounds", "3", "-s", "stop=rounds", "--format", "json", "--plot", svg)
    assert r.exit_code == 0, r.output
    d = json.loads(r.stdout)
    assert d["model"] == "expected_utility"
    rounds = d["issues"]["timing"]["rounds"]
    assert len(rounds) == 4 and all(len(row) == 10 for row in rounds)
    assert d["issues"]["timing"]["forecast"] == pytest.approx(9.962, abs=0.001)
    text = svg.read_text()
    assert text.startswith("<svg") and text.count("<polyline") == 10
    import xml.dom.minidom

    xml.dom.minidom.parseString(text)


def test_bad_option_on_cli_exits_2(run):
    r = run("forecast", EXAMPLES / "ec_emissions.yaml", "-m", "expected_utility",
            "-s", "offer=best")
    assert r.exit_code == 2 and "not one of" in r.output
    r = run("forecast", EXAMPLES / "ec_emissions.yaml", "-m", "compromise", "-s", "x=1")
    assert r.exit_code == 2 and "takes no options" in r.output
