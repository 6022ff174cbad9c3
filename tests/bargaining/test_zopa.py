"""Zone of possible agreement: cases with answers worked out by hand."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from standoff.bargaining import load_model
from standoff.bargaining.inputs import AgreementRule
from standoff.bargaining.package import minimal_winning_coalitions, simplex_max
from standoff.bargaining.zopa import zopa
from standoff.errors import ModelError

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


# --- package deals under a qualified majority -------------------------------------------


def _three(c_one: float, c_two: float, a_sal=(0.9, 0.1), b_sal=(0.1, 0.9),
           rule: str = "") -> str:
    """A and B as in STATUS_QUO (they logroll when their saliences differ); C's ideal point
    is (c_one, c_two) with salience 0.5 on both issues; status quo 50 on both."""
    return f"""bargaining:
  actors: [{{id: A}}, {{id: B}}, {{id: C}}]
  issues:
    - id: one
      status_quo: 50
      positions:
        A: {{position: 0, salience: {a_sal[0]}}}
        B: {{position: 100, salience: {b_sal[0]}}}
        C: {{position: {c_one}, salience: 0.5}}
    - id: two
      status_quo: 50
      positions:
        A: {{position: 100, salience: {a_sal[1]}}}
        B: {{position: 0, salience: {b_sal[1]}}}
        C: {{position: {c_two}, salience: 0.5}}
{rule}"""


TWO_OF_THREE = AgreementRule("qualified_majority", 0.6, weight="count")


def test_package_only_without_the_blocking_actor(write):
    """C's ideal is the status quo, so any package costs C: no package under unanimity.
    Two of three suffice: A and B logroll to (0, 0), each gaining
    (0.9 x 50 - 0.1 x 50) / 100 = 0.4 (the bound, since g_A + g_B <= 0.8); a coalition
    with C gains nothing (C's t* is 0 at the status quo)."""
    m = _model(write, _three(50, 50))
    una = zopa(m)["joint"]["package"]
    assert una["exists"] is False and una["maximin_gain"] == pytest.approx(0.0, abs=1e-9)
    assert una["coalition"] == ["A", "B", "C"] and una["outside"] == []
    pk = zopa(m, TWO_OF_THREE)["joint"]["package"]
    assert pk["exists"] is True
    assert pk["coalition"] == ["A", "B"] and pk["outside"] == ["C"]
    assert pk["coalitions_checked"] == 3
    assert pk["coalitions_with_package"] == [["A", "B"]]
    assert pk["maximin_gain"] == pytest.approx(0.4)
    assert pk["outcome"] == {"one": pytest.approx(0.0), "two": pytest.approx(0.0)}
    assert pk["coalition_weight"] == 2.0 and pk["weight_needed"] == pytest.approx(1.8)
    # C as a veto player must be in every coalition: {A, C} and {B, C}, neither gains
    veto = zopa(m, replace(TWO_OF_THREE, veto=("C",)))["joint"]["package"]
    assert veto["coalitions_checked"] == 2
    assert veto["exists"] is False and veto["coalitions_with_package"] == []
    assert veto["maximin_gain"] == pytest.approx(0.0, abs=1e-9)
    # the same rule from the file
    filed = _three(50, 50, rule="  agreement: {rule: qualified_majority, threshold: 0.6, "
                   "weight: count}\n")
    assert zopa(_model(write, filed, "f.yaml"))["joint"]["package"]["coalition"] == ["A", "B"]


def test_package_under_unanimity_and_majority(write):
    """C's ideal is (0, 0): every actor gains at (0, 0), so unanimity already has a package
    with t* = 0.4 (A and B's bound). Two of three do better with C: for {A, C}, x_one = 0
    and A's gain (40 + 0.1 x_two) / 100 equals C's (50 - 0.5 x_two) / 100 at
    x_two = 50/3, so t* = 5/12; {B, C} ties by symmetry and the first found is kept."""
    m = _model(write, _three(0, 0))
    una = zopa(m)["joint"]["package"]
    assert una["exists"] is True and una["maximin_gain"] == pytest.approx(0.4)
    pk = zopa(m, TWO_OF_THREE)["joint"]["package"]
    assert pk["exists"] is True
    assert pk["coalitions_with_package"] == [["A", "B"], ["A", "C"], ["B", "C"]]
    assert pk["coalition"] == ["A", "C"] and pk["outside"] == ["B"]
    assert pk["maximin_gain"] == pytest.approx(5 / 12)
    assert pk["outcome"] == {"one": pytest.approx(0.0), "two": pytest.approx(50 / 3)}
    assert pk["gains"] == {"A": pytest.approx(5 / 12), "C": pytest.approx(5 / 12)}


def test_no_package_under_any_rule(write):
    """Equal saliences: A and B's gains sum to zero (no logroll) and C loses from any move,
    so every coalition's t* is 0."""
    m = _model(write, _three(50, 50, a_sal=(0.5, 0.5), b_sal=(0.5, 0.5)))
    for rule in (AgreementRule(), TWO_OF_THREE,
                 AgreementRule("qualified_majority", 0.9, weight="count"),
                 AgreementRule("qualified_majority", 0.6, veto=("A",))):
        pk = zopa(m, rule)["joint"]["package"]
        assert pk["exists"] is False, rule
        assert pk["maximin_gain"] == pytest.approx(0.0, abs=1e-9)
        if rule.rule != "unanimity":
            assert pk["coalitions_with_package"] == []
    # a rule under which one actor passes alone is not a rule of agreement: A alone moves
    # the outcome to its ideal (0, 100) and gains 0.5
    alone = zopa(m, AgreementRule("qualified_majority", 0.3, weight="count"))
    pk = alone["joint"]["package"]
    assert pk["coalitions_checked"] == 3 and pk["coalition"] == ["A"]
    assert pk["maximin_gain"] == pytest.approx(0.5)


def test_minimal_winning_coalitions():
    w = [0.4, 0.35, 0.25]
    assert minimal_winning_coalitions(w, 0.6, [], 10) == [[0, 1], [0, 2], [1, 2]]
    assert minimal_winning_coalitions(w, 0.8, [], 10) == [[0, 1, 2]]
    assert minimal_winning_coalitions(w, 0.5, [], 10) == [[0, 1], [0, 2], [1, 2]]
    assert minimal_winning_coalitions(w, 0.3, [], 10) == [[0], [1]]  # 0.25 alone loses
    # weights 3, 1, 1, 1 and need 3: {0} alone, or the three light ones
    assert minimal_winning_coalitions([3, 1, 1, 1], 3, [], 10) == [[0], [1, 2, 3]]
    # veto player 1 is in every coalition; minimality concerns the others only
    assert minimal_winning_coalitions([3, 1, 1, 1], 3, [1], 10) == [[0, 1], [1, 2, 3]]
    assert minimal_winning_coalitions([1] * 6, 3, [], 19) is None  # C(6, 3) = 20
    assert len(minimal_winning_coalitions([1] * 6, 3, [], 20)) == 20


def _many(n: int) -> str:
    ids = [f"P{k}" for k in range(n)]
    pos = "\n".join(f"        {a}: {{position: {10 * k}, salience: 0.5}}"
                    for k, a in enumerate(ids))
    issues = "\n".join(f"""    - id: i{j}
      status_quo: 50
      positions:
{pos}""" for j in range(2))
    return f"""bargaining:
  actors: [{", ".join("{id: " + a + "}" for a in ids)}]
  issues:
{issues}
  agreement: {{rule: qualified_majority, threshold: 0.5, weight: count}}
"""


def test_too_many_coalitions_refused(write, run):
    path = write("many.yaml", _many(6))  # 3 of 6: C(6, 3) = 20 coalitions
    r = run("zopa", path, "--max-coalitions", "10")
    assert r.exit_code == 2
    assert "more than 10 minimal winning coalitions of 6 actors" in r.output
    assert "fix:" in r.output and "--max-coalitions" in r.output
    assert "Traceback" not in r.output
    # without strict (the report), the package is unknown with the same reason
    pk = zopa(load_model(path), max_coalitions=10)["joint"]["package"]
    assert pk["exists"] is None and "more than 10" in pk["note"]
    r = run("zopa", path, "--format", "json")
    assert r.exit_code == 0, r.output
    d = json.loads(r.stdout)
    assert d["joint"]["package"]["coalitions_checked"] == 20


def test_zopa_cli_package_coalition(write, run):
    path = write("three.yaml", _three(50, 50))
    r = run("zopa", path, "--rule", "qualified_majority", "--threshold", "0.6", "--weight",
            "count", "--format", "json")
    assert r.exit_code == 0, r.output
    d = json.loads(r.stdout)
    assert set(d["issues"]) == {"one", "two"}
    assert {"zone", "blocking", "gap"} <= set(d["issues"]["one"])
    assert "exists" in d["joint"]
    assert d["joint"]["package"]["exists"] is True
    assert d["joint"]["package"]["coalition"] == ["A", "B"]
    r = run("zopa", path, "--rule", "qualified_majority", "--threshold", "0.6", "--weight",
            "count")
    assert r.exit_code == 0, r.output
    assert "winning coalition A, B" in r.stdout


def test_disconnected_zone_is_shown_piece_by_piece(write, run):
    """The text table must not print the hull [20, 60] of two separate pieces as if every
    point between them were agreeable."""
    path = write("qm.yaml", _ranges((0, 30), (20, 60), (50, 100), weights=[0.4, 0.35, 0.25]))
    r = run("zopa", path, "--rule", "qualified_majority", "--threshold", "0.6")
    assert r.exit_code == 0, r.output
    assert "[20, 30] ∪" in r.output and "[50, 60]" in r.output
    assert "(disconnected)" in r.output and "[20, 60]" not in r.output


def test_threshold_flag_is_checked(run):
    r = run("zopa", EXAMPLES / "trade_two_level.yaml", "--threshold", "0.5")
    assert r.exit_code == 2 and "applies to --rule qualified_majority" in r.output
    r = run("zopa", EXAMPLES / "trade_two_level.yaml", "--rule", "qualified_majority",
            "--threshold", "0")
    assert r.exit_code == 2 and "must be above 0" in r.output


def test_concession_reads_as_a_sentence(run):
    r = run("zopa", EXAMPLES / "trade_no_zone.yaml")
    assert r.exit_code == 0
    assert "meet at 47.5: A gives 2.5, B/Parliament" in r.output


MIN1 = """bargaining:
  actors: [{id: A, capability: 2}, {id: B, capability: 1}]
  issues:
    - {id: i0, status_quo: 49, positions: {A: {position: 63, salience: 0.0}}}
    - {id: i1, status_quo: 10, positions: {B: {position: 19, salience: 0.6}}}
"""


def test_indifferent_coalition_passes_any_package_vacuously(write):
    """A alone wins at 55 % but cares about nothing (salience 0): it blocks no package, so a
    package exists, as it does under the stricter 90 % rule (found by a review: the weaker
    rule used to say no)."""
    m = _model(write, MIN1)
    loose = zopa(m, AgreementRule("qualified_majority", 0.55))["joint"]["package"]
    strict = zopa(m, AgreementRule("qualified_majority", 0.9))["joint"]["package"]
    assert loose["exists"] is True and loose["vacuous"] is True and loose["coalition"] == ["A"]
    assert strict["exists"] is True and not strict.get("vacuous")
    assert strict["outcome"]["i1"] == pytest.approx(19.0)


def test_package_existence_never_shrinks_as_the_threshold_falls(write):
    """A weaker rule cannot make a package impossible: for random small models, whenever a
    threshold admits a package, every lower threshold does too."""
    import random

    rng = random.Random(7)
    for case in range(80):
        actors = [f"A{k}" for k in range(rng.randint(2, 4))]
        caps = {a: rng.choice([1, 2, 3]) for a in actors}
        lines = ["bargaining:", "  actors:"]
        lines += [f"    - {{id: {a}, capability: {caps[a]}}}" for a in actors]
        lines.append("  issues:")
        indifferent = {a for a in actors if rng.random() < 0.3}  # salience 0 everywhere
        for k in range(2):
            sq = rng.randint(0, 100)
            lines += [f"    - id: i{k}", f"      status_quo: {sq}", "      positions:"]
            for a in actors:
                sal = 0.0 if a in indifferent else rng.choice([0.0, 0.2, 0.5, 1.0])
                lines.append(f"        {a}: {{position: {rng.randint(0, 100)}, salience: {sal}}}")
        m = _model(write, "\n".join(lines) + "\n", name=f"r{case}.yaml")
        found = [zopa(m, AgreementRule("qualified_majority", t))["joint"]["package"]["exists"]
                 for t in (0.3, 0.5, 0.7, 0.9, 1.0)]
        assert found == sorted(found, reverse=True), (case, found)


def test_ranges_must_lie_on_the_scale(write):
    body = _ranges((0, 30), (20, 60))
    bad = body.replace("acceptable: [0, 30]", "acceptable: [0, 130]")
    with pytest.raises(ModelError, match="acceptable end 130 is outside the scale"):
        _model(write, bad, name="bad.yaml")
