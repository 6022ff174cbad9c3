"""Stokman & Van Oosten's equal-gain exchange: cases worked by hand."""

from __future__ import annotations

import pytest

from standoff.bargaining import load_model, run_model
from standoff.bargaining.exchange import ExchangeOptions, exchange

from .conftest import EXAMPLES

BODY = """bargaining:
  actors: [{{id: A}}, {{id: B}}]
  issues:
    - id: one
      positions:
        A: {{position: 0, salience: {a1}}}
        B: {{position: 100, salience: {b1}}}
    - id: two
      positions:
        A: {{position: 0, salience: {a2}}}
        B: {{position: 100, salience: {b2}}}
"""


def test_full_trade(write):
    """A cares about 'one' (0.8 vs 0.2), B about 'two'. O = (20, 80). A demands 'one':
    B's full move on 'one' shifts O_1 by 0.2 * 100 / 1 = 20 points; the equal-gain ratio is
    (0.8 + 0.2) / (0.2 + 0.8) = 1, and A's full move on 'two' also shifts O_2 by 20. Both
    gain 0.8 * 0.2 - 0.2 * 0.2 = 0.12 (scale fractions). Outcome (0, 100)."""
    m = load_model(write("m.yaml", BODY.format(a1=0.8, b1=0.2, a2=0.2, b2=0.8)))
    f = exchange(m)
    assert f.issues["one"].forecast == pytest.approx(0.0)
    assert f.issues["two"].forecast == pytest.approx(100.0)
    assert f.issues["one"].details["mean"] == [pytest.approx(20.0), pytest.approx(0.0)]
    (trade,) = f.issues["one"].details["exchanges"]
    assert trade["demander"] == "A" and trade["supplier"] == "B"
    assert trade["issue_demanded"] == "one" and trade["gain"] == pytest.approx(0.12)
    assert f.issues["one"].rounds == ((0.0, 100.0), (0.0, 0.0))


def test_partial_trade(write):
    """A: (0.8, 0.4), B: (0.2, 0.6). O = (20, 60). B's full move on 'one' shifts O_1 by 20;
    ratio (0.8 + 0.2) / (0.4 + 0.6) = 1, so O_2 must move 20, i.e. A moves 20 / 0.4 = 50
    points (less than the 100 allowed). Gains 0.8*0.2 - 0.4*0.2 = 0.6*0.2 - 0.2*0.2 = 0.08.
    Outcome (0, 80)."""
    m = load_model(write("m.yaml", BODY.format(a1=0.8, b1=0.2, a2=0.4, b2=0.6)))
    f = exchange(m)
    assert f.issues["one"].forecast == pytest.approx(0.0)
    assert f.issues["two"].forecast == pytest.approx(80.0)
    assert f.issues["two"].rounds[-1] == (pytest.approx(50.0), 100.0)
    assert f.issues["two"].details["exchanges"][0]["gain"] == pytest.approx(0.08)


def test_no_trade_when_interests_match(write):
    """Equal relative saliences: s_A1 / s_A2 = s_B1 / s_B2, nobody gains."""
    m = load_model(write("m.yaml", BODY.format(a1=0.5, b1=0.5, a2=0.5, b2=0.5)))
    f = exchange(m)
    assert f.issues["one"].forecast == pytest.approx(50.0)
    assert len(f.issues["one"].rounds) == 1


def test_no_trade_on_same_side(write):
    body = BODY.format(a1=0.8, b1=0.2, a2=0.2, b2=0.8).replace(
        "B: {position: 100, salience: 0.8}", "B: {position: 0, salience: 0.8}")
    f = exchange(load_model(write("m.yaml", body)))
    assert len(f.issues["two"].rounds) == 1


def test_single_issue_and_options(write):
    m = load_model(EXAMPLES / "ec_emissions.yaml")
    f = run_model(m, "exchange")
    assert f.issues["timing"].forecast == run_model(m, "compromise").issues["timing"].forecast
    assert ExchangeOptions.parse({"rounds": "2"}).rounds == 2
    m2 = load_model(EXAMPLES / "decide_example.tsv")
    f2 = run_model(m2, "exchange", rounds=1)
    assert len(f2.issues["budget"].rounds) <= 2


def test_exchange_text_output(run):
    r = run("forecast", EXAMPLES / "decide_example.tsv", "--model", "exchange")
    assert r.exit_code == 0, r.output
    assert "issue budget" in r.stdout and "issue parks" in r.stdout
