"""Limited-move L(h) and non-myopic (NM) stability for two decision makers.

Definition and tie rule: :mod:`standoff.stability.limited_move` (Kilgour 1985; Fang, Hipel
& Kilgour 1993, ch. 5). Golden rows: the L1..L6 results recorded in the shared case files
(Prisoner's Dilemma and Chicken: Fang, Hipel & Kilgour 1989, EJOR 41(1):86-100; Cuban
Missile Crisis: GMCR+ example encoding of Fraser & Hipel 1984; Syria-Iraq 1975: Hipel,
Kilgour & Kinsara 2014), computed there with the 2-DM recursive anticipation G_h.
"""

from __future__ import annotations

import json

import numpy as np
import pytest
from cli_runner import run
from conftest import CASES, EXAMPLES
from evolution_helpers import any_conflicts, compiled
from hypothesis import HealthCheck, given, settings
from model_builders import spec_from_dict

import standoff
import standoff.reference as ref
from standoff.analysis import analyze
from standoff.errors import ModelError
from standoff.graph import compile_model
from standoff.stability.limited_move import (
    anticipation,
    explain_concept,
    explain_limited_move,
    limited_move_stable,
    nonmyopic_stable,
)

CASES_L = {
    "prisoners_dilemma": "gmcr_prisoners_dilemma.json",
    "chicken": "gmcr_chicken.json",
    "cuban_missile_crisis": "gmcr_cuban_missile_crisis.json",
    "syria_iraq": "gmcr_syria_iraq.json",
}


@pytest.mark.skipif(not CASES.exists(), reason="shared/cases/gmcr not present")
@pytest.mark.parametrize("example", sorted(CASES_L))
def test_l1_to_l6_reproduce_the_case_files(example):
    conflict = standoff.load(EXAMPLES / f"{example}.yaml")
    data = json.loads((CASES / CASES_L[example]).read_text())["computed_results"]
    result = analyze(conflict, ",".join(f"l{h}" for h in range(1, 7)))
    for h in range(1, 7):
        assert result.equilibria[f"l{h}"] == data["equilibria"][f"L{h}"], h
        recorded = list(data["stable_per_dm"][f"L{h}"].values())
        assert [result.stable_states(f"l{h}", dm) for dm in conflict.dm_ids] == recorded, h


def test_cuban_missile_crisis_golden():
    conflict = standoff.load(EXAMPLES / "cuban_missile_crisis.yaml")
    eq = analyze(conflict, "l2,l3,l4,l5,l6,nm").equilibria
    assert eq["l2"] == [5, 6, 7]
    assert all(eq[f"l{h}"] == [5, 6] for h in range(3, 7))
    assert eq["nm"] == [5, 6]


def test_l1_is_nash():
    for name in CASES_L:
        conflict = standoff.load(EXAMPLES / f"{name}.yaml")
        result = analyze(conflict, "nash,l1")
        assert np.array_equal(result.stable["nash"], result.stable["l1"])


def test_cli_json_names_limited_move_concepts():
    out = run("analyze", EXAMPLES / "cuban_missile_crisis.yaml", "--concepts", "l2,l3,nm",
              "--format", "json")
    assert out.code == 0, out.err
    doc = json.loads(out.out)
    assert set(doc["stability"]) == {"l2", "l3", "nm"}
    assert doc["equilibria"] == {"l2": [5, 6, 7], "l3": [5, 6], "nm": [5, 6]}
    assert doc["stability"]["l2"]["us"] == [5, 6, 7]


def test_more_than_two_decision_makers_is_refused():
    out = run("analyze", EXAMPLES / "elmira.yaml", "--concepts", "l2")
    assert out.code == 2
    assert "two decision makers" in out.err and "fix:" in out.err
    assert "Traceback" not in out.err
    with pytest.raises(ModelError):
        nonmyopic_stable(standoff.load(EXAMPLES / "elmira.yaml"), 0)


def test_bad_horizon_is_a_range_error():
    out = run("analyze", EXAMPLES / "chicken.yaml", "--concepts", "l0")
    assert out.code == 2 and "unknown concept" not in out.err
    assert "horizon must be from 1 to 1,000, not 0" in out.err


def _tie_model() -> dict:
    """a controls a1, a2 (at most one); b controls b1. From NNN, a's moves to YNN and NYN
    are equally good for a; b likes YNN better than NYN."""
    return {
        "format": "standoff/1",
        "title": "tie rule",
        "decision_makers": {
            "a": {"name": "A", "options": {"a1": {"text": "a1"}, "a2": {"text": "a2"}}},
            "b": {"name": "B", "options": {"b1": {"text": "b1"}}},
        },
        "feasibility": {"at_most_one": [["a1", "a2"]]},
        "preferences": {
            # states: 1 NNN, 2 YNN, 3 NYN, 4 NNY, 5 YNY, 6 NYY
            "a": {"ranking": [[2, 3], 5, 6, 1, 4]},
            "b": {"ranking": [2, 4, 3, 1, 5, 6]},
        },
    }


def test_tie_rule_mover_picks_the_outcome_its_opponent_likes_least():
    conflict = compile_model(spec_from_dict(_tie_model()))
    a = anticipation(conflict, 2)
    # G_1(a, 1): a gains by 1->2 or 1->3 (tied for a); b ranks 3 below 2, so 3.
    assert a.outcome[1][0, 0] == 2
    # B at 4 (NNY) could drop b1 to reach 1, but anticipates A then moves to 3, which B
    # ranks below 4: B stays, so 4 is L(2) stable for B. (Were A assumed to pick 2, B
    # would move.)
    assert limited_move_stable(conflict, 1, 2)[3]


def test_tie_rule_no_move_for_an_equally_good_outcome():
    model = _tie_model()
    model["preferences"]["a"] = {"ranking": [[1, 2, 3], 5, 6, 4]}
    conflict = compile_model(spec_from_dict(model))
    # a is indifferent between staying at 1 and moving to 2 or 3: it stays.
    assert limited_move_stable(conflict, 0, 1)[0]
    assert limited_move_stable(conflict, 0, 3)[0]


def test_explanation_gives_the_line_of_play():
    conflict = standoff.load(EXAMPLES / "chicken.yaml")
    why = explain_limited_move(conflict, 1, "p1", 3)
    assert why.stable
    (move,) = why.moves
    assert (move.move, move.outcome) == (2, 3)
    assert move.line == (("p1", 1, 2), ("p2", 2, 4), ("p1", 4, 3))
    assert "L(3) stable" in str(why)
    doc = why.to_dict()
    assert doc["concept"] == "l3" and doc["moves"][0]["line"][1] == {"dm": "p2", "from": 2,
                                                                      "to": 4}
    out = run("lookahead", EXAMPLES / "chicken.yaml", "3", "--dm", "p1", "--horizon", "2")
    assert out.code == 0 and "L(2)" in out.out
    unstable = explain_limited_move(conflict, 3, "p1", 2)
    assert not unstable.stable and unstable.chosen is not None
    assert explain_concept(conflict, 3, "p1", "l2").stable is False
    nm = explain_concept(conflict, 1, "p1", "nm")
    assert nm.stable == bool(nonmyopic_stable(conflict, 0)[0])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(any_conflicts(max_dms=2, max_options=6))
def test_limited_move_matches_reference(model):
    conflict, reference = compiled(model)
    for h in (1, 2, 3, 5):
        table = ref.anticipation_table(reference, h)[h]
        engine = anticipation(conflict, h).outcome[h]
        for i, dm in enumerate(conflict.dm_ids):
            for s in range(conflict.state_count):
                assert engine[i, s] + 1 == table[(dm, s + 1)], (h, dm, s + 1)
    for i, dm in enumerate(conflict.dm_ids):
        nm = nonmyopic_stable(conflict, i)
        for s in range(conflict.state_count):
            assert nm[s] == ref.is_nonmyopic_stable(reference, dm, s + 1), (dm, s + 1)
