"""Zone of possible agreement: cases with answers worked out by hand."""

from __future__ import annotations

import json

import pytest

from standoff.bargaining import load_model
from standoff.bargaining.inputs import AgreementRule
from standoff.bargaining.package import simplex_max
from standoff.bargaining.zopa import zopa

from .conftest import EXAMPLES


def _model(write, body: str, name: str = "m.yaml"):
    return load_model(write(name, body))


def _ranges(*ranges, weights=None, rule=""):
    actors = "\n".join(
        f"    - {{id: {chr(65 + k)}, capability: {1.0 if weights is None else weights[k]}}}"
        for k in range(len(ranges))
    )
    pos = "\n".join(
        f"        {chr(65 + k)}: {{position: {(lo + hi) / 2}, salience: 0.5, "
        f"acceptable: [{lo}, {hi}]}}"
        for k, (lo, hi) in enumerate(ranges)
    )
    return f"""bargaining:
  actors:
{actors}
  issues:
    - id: x
      positions:
{pos}
{rule}"""


def test_empty_zone_gap_blocking_and_concession(write):
    z = zopa(_model(write, _ranges((0, 40), (60, 100))))
    x = z["issues"]["x"]
    assert x["zone"] is None
    assert x["gap"] == pytest.approx(20.0)
    assert x["blocking"] == ["A", "B"]
    assert x["conflicts"] == [{"below": "A", "above": "B", "gap": 20.0}]
    assert x["concession"]["amount"] == pytest.approx(10.0)
    assert x["concession"]["at"] == pytest.approx(50.0)
    assert x["concession"]["by"] == {"A": pytest.approx(10.0), "B": pytest.approx(10.0)}
    assert x["total_concession"]["amount"] == pytest.approx(20.0)
    assert z["joint"]["exists"] is False


def test_single_point_zone(write):
    x = zopa(_model(write, _ranges((0, 50), (50, 100))))["issues"]["x"]
    assert x["zone"] == [50.0, 50.0]
    assert x["gap"] == 0.0 and x["blocking"] == []


def test_interval_zone(write):
    x = zopa(_model(write, _ranges((0, 60), (40, 100), (30, 70))))["issues"]["x"]
    assert x["zone"] == [40.0, 60.0]


def test_three_ranges_only_outer_pair_conflicts(write):
    # C's range meets both A's and B's; only A and B fail to meet
    x = zopa(_model(write, _ranges((0, 30), (50, 100), (20, 60))))["issues"]["x"]
    assert x["zone"] is None and x["gap"] == pytest.approx(20.0)
    assert x["blocking"] == ["A", "B"]
    assert x["concession"]["at"] == pytest.approx(40.0)


STATUS_QUO = """bargaining:
  actors: [{id: A}, {id: B}]
  issues:
    - id: one
      status_quo: 50
      positions:
        A: {position: 0, salience: 0.9}
        B: {position: 100, salience: 0.1}
    - id: two
      status_quo: 50
      positions:
        A: {position: 100, salience: 0.1}
        B: {position: 0, salience: 0.9}
"""


def test_status_quo_ranges_and_package_deal(write):
    """Each issue alone: only the status quo (50) is acceptable to both. Across issues A
    gives way on 'two' and B on 'one' (A cares about 'one', B about 'two'): a package
    strictly better for both exists (logrolling)."""
    z = zopa(_model(write, STATUS_QUO))
    for iid in ("one", "two"):
        assert z["issues"][iid]["zone"] == [50.0, 50.0]
        assert z["issues"][iid]["status_quo_only"] is True
        assert z["issues"][iid]["range_source"] == {"A": "status_quo", "B": "status_quo"}
    pk = z["joint"]["package"]
    assert pk["exists"] is True
    # maximin: both gain equally. At x = (50 - d, 50 - d): gain = (0.9 - 0.1) d / 100
    # for each; the best d is 50 (x = 0 on both): gain 0.4.
    assert pk["maximin_gain"] == pytest.approx(0.4)
    assert pk["outcome"] == {"one": pytest.approx(0.0), "two": pytest.approx(0.0)}


def test_no_package_when_interests_coincide(write):
    body = STATUS_QUO.replace("salience: 0.1", "salience: 0.5").replace(
        "salience: 0.9", "salience: 0.5")
    pk = zopa(_model(write, body))["joint"]["package"]
    assert pk["exists"] is False
    assert pk["maximin_gain"] == pytest.approx(0.0, abs=1e-9)


def test_reservation_point_range(write):
    body = """bargaining:
  actors: [{id: A}, {id: B}]
  issues:
    - id: x
      positions:
        A: {position: 20, salience: 1, reservation: 50}
        B: {position: 90, salience: 1, reservation: 55}
"""
    x = zopa(_model(write, body))["issues"]["x"]
    assert x["ranges"] == {"A": [0.0, 50.0], "B": [55.0, 100.0]}
    assert x["gap"] == pytest.approx(5.0)


def test_two_level_example_files():
    z = zopa(load_model(EXAMPLES / "trade_two_level.yaml"))
    assert z["issues"]["tariff"]["zone"] == [35.0, 45.0]  # parliament raises B's floor to 35
    ph = z["issues"]["phase_in"]
    assert ph["zone"] is None  # A accepts at most 10 years, B's farm lobby at least 12
    assert ph["gap"] == pytest.approx(2.0)
    assert ph["concession"]["by"] == {"A": pytest.approx(1.0), "B/Farm lobby": pytest.approx(1.0)}
    assert z["joint"] == {**z["joint"], "exists": False, "failing_issues": ["phase_in"]}
    z2 = zopa(load_model(EXAMPLES / "trade_no_zone.yaml"))["issues"]["tariff"]
    assert z2["win_sets"]["B"] == [50.0, 80.0]
    assert z2["gap"] == pytest.approx(5.0)
    assert z2["conflicts"][0] == {"below": "A", "above": "B/Parliament", "gap": 5.0}


def test_empty_win_set_when_ratifier_and_negotiator_disagree(write):
    body = """bargaining:
  actors: [{id: A}, {id: B}]
  issues:
    - id: x
      positions:
        A: {position: 20, salience: 1, acceptable: [0, 30],
            ratifiers: [{name: Senate, acceptable: [40, 100]}]}
        B: {position: 35, salience: 1, acceptable: [0, 100]}
"""
    x = zopa(_model(write, body))["issues"]["x"]
    assert x["win_sets"]["A"] is None
    assert x["zone"] is None and x["gap"] == pytest.approx(10.0)
    assert x["blocking"] == ["A"]


def test_qualified_majority(write):
    m = _model(write, _ranges((0, 30), (20, 60), (50, 100), weights=[0.4, 0.35, 0.25]))
    rule = AgreementRule(rule="qualified_majority", threshold=0.6)
    x = zopa(m, rule)["issues"]["x"]
    # A+B on [20,30] (0.75), B+C on [50,60] (0.60)
    assert x["zones"] == [[20.0, 30.0], [50.0, 60.0]]
    assert x["zone"] == [20.0, 60.0] and x["connected"] is False
    veto_c = zopa(m, AgreementRule("qualified_majority", 0.6, veto=("C",)))["issues"]["x"]
    assert veto_c["zones"] == [[50.0, 60.0]]
    # 0.8 needs all three: A's ceiling 30 and C's floor 50 are 20 apart
    high = zopa(m, AgreementRule("qualified_majority", 0.8))["issues"]["x"]
    assert high["zone"] is None and high["gap"] == pytest.approx(20.0)
    assert high["concession"]["at"] == pytest.approx(40.0)
    assert high["blocking"] == ["A", "C"]
    # one vote each, two of three suffice
    count = zopa(m, AgreementRule("qualified_majority", 0.66, weight="count"))["issues"]["x"]
    assert count["zones"] == [[20.0, 30.0], [50.0, 60.0]]


def test_qualified_majority_from_file(write):
    body = _ranges((0, 30), (20, 60), (50, 100), weights=[0.4, 0.35, 0.25],
                   rule="  agreement: {rule: qualified_majority, threshold: 0.8}\n")
    x = zopa(_model(write, body))["issues"]["x"]
    assert x["zone"] is None


def test_zopa_cli_json_shape(run):
    r = run("zopa", EXAMPLES / "trade_two_level.yaml", "--format", "json")
    assert r.exit_code == 0, r.output
    d = json.loads(r.stdout)
    assert set(d["issues"]) == {"tariff", "phase_in"}
    for v in d["issues"].values():
        assert {"zone", "blocking", "gap"} <= set(v)
    assert d["issues"]["tariff"]["zone"] == [35.0, 45.0]
    assert d["joint"]["exists"] is False


def test_zopa_cli_rule_options(run):
    r = run("zopa", EXAMPLES / "trade_two_level.yaml", "--rule", "qualified_majority",
            "--threshold", "0.5", "--weight", "count", "--format", "json")
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["joint"]["exists"] is True
    r = run("zopa", EXAMPLES / "trade_two_level.yaml", "--veto", "Z")
    assert r.exit_code == 2 and "unknown veto player" in r.output
    r = run("zopa", EXAMPLES / "trade_two_level.yaml")
    assert r.exit_code == 0 and "phase_in" in r.stdout


def test_simplex_small_lps():
    import numpy as np

    s, z, v = simplex_max(np.array([3.0, 2.0]), np.array([[1.0, 1.0], [1.0, 0.0]]),
                          np.array([4.0, 2.0]))
    assert s == "optimal" and v == pytest.approx(10.0) and z.tolist() == [2.0, 2.0]
    # x >= 3 and x <= 2 : infeasible
    s, _, _ = simplex_max(np.array([1.0]), np.array([[-1.0], [1.0]]), np.array([-3.0, 2.0]))
    assert s == "infeasible"
    s, _, _ = simplex_max(np.array([1.0]), np.array([[-1.0]]), np.array([0.0]))
    assert s == "unbounded"
    # needs phase 1: x >= 1, y >= 1, x + y <= 3, max x + 2y  -> (1, 2) value 5
    s, z, v = simplex_max(np.array([1.0, 2.0]),
                          np.array([[-1.0, 0.0], [0.0, -1.0], [1.0, 1.0]]),
                          np.array([-1.0, -1.0, 3.0]))
    assert s == "optimal" and v == pytest.approx(5.0)
