"""Coalition analysis: coalitional improvements and CNash, CGMR, CSMR, CSEQ.

Definitions: :mod:`standoff.stability.coalition` (Inohara & Hipel 2008, Systems
Engineering 11(4):343-359). Golden: the 9-state Elmira model (Fang, Hipel & Kilgour 1993;
coalition results for every coalition recorded in shared/cases/gmcr/gmcr_elmira.json,
computed from the same definitions): MoE and Uniroyal can move together from equilibrium 5
to state 8, which both prefer, so 5 is not CNash for that coalition.
"""

from __future__ import annotations

import json

import numpy as np
import pytest
from cli_runner import run
from conftest import CASES, EXAMPLES, example_count, needs_shared
from evolution_helpers import any_conflicts, compiled
from hypothesis import HealthCheck, given, settings

import standoff
import standoff.reference as ref
from standoff.analysis import analyze
from standoff.analysis.coalitions import analyze_coalitions
from standoff.concepts import COALITIONS
from standoff.stability.coalition import coalition_stable

COALITION_CONCEPTS = COALITIONS.concept_keys()

ELMIRA = EXAMPLES / "elmira.yaml"


def test_elmira_moe_uniroyal_golden():
    result = analyze_coalitions(standoff.load(ELMIRA), [["moe", "uniroyal"]])
    (moe_uniroyal,) = result.coalitions
    assert moe_uniroyal.improvements == {2: [4], 5: [8], 6: [8]}
    assert 5 not in moe_uniroyal.stable["cnash"]
    why = moe_uniroyal.explain(5, "cnash")
    assert not why.stable
    assert why.moves[0].target == 8
    assert why.moves[0].sequence == (("moe", 5, 6), ("uniroyal", 6, 8))
    assert "5 (NYNNY)" in str(why) and "8 (YNYNY)" in str(why)


@needs_shared
def test_elmira_every_coalition_matches_the_case_file():
    recorded = json.loads((CASES / "gmcr_elmira.json").read_text())["computed_results"][
        "coalition_analysis_all_subsets"]
    result = analyze_coalitions(standoff.load(ELMIRA))
    ids = {"MoE": "moe", "Uniroyal": "uniroyal", "LG": "lg"}
    assert len(result.coalitions) == len(recorded) == 4
    for name, expected in recorded.items():
        members = [ids[p.strip()] for p in name.split("+")]
        r = result.coalition(members)
        assert r.to_dict()["improvements"] == expected["coalitional_improvements"], name
        assert r.stable["cnash"] == expected["CNash_stable"], name
        assert r.stable["cgmr"] == expected["CGMR_stable"], name


def test_cli_json_shape():
    out = run("coalitions", ELMIRA, "--format", "json")
    assert out.code == 0, out.err
    doc = json.loads(out.out)
    first = doc["coalitions"][0]
    assert first["members"] == ["moe", "uniroyal"]
    assert first["improvements"]["5"] == [8]
    for key in ("cnash", "cgmr", "csmr", "cseq"):
        assert isinstance(first[key], list)
    named = run("coalitions", ELMIRA, "--coalition", "uniroyal+moe", "-f", "json")
    assert [c["members"] for c in json.loads(named.out)["coalitions"]] == [["moe", "uniroyal"]]
    assert run("coalitions", ELMIRA, "-f", "markdown").out.startswith("# Coalition analysis")
    explained = run("coalitions", ELMIRA, "--coalition", "moe+lg", "--explain", "1",
                    "--concept", "cgmr")
    assert explained.code == 0 and "uniroyal 5→9" in explained.out


def test_cli_errors():
    bad = run("coalitions", ELMIRA, "--coalition", "moe+nobody")
    assert bad.code == 2 and "unknown decision maker 'nobody'" in bad.err and "fix:" in bad.err
    bad = run("coalitions", ELMIRA, "--explain", "1", "--concept", "cfoo")
    assert bad.code == 2 and "Traceback" not in bad.err


def test_singleton_coalitions_are_the_individual_concepts():
    conflict = standoff.load(EXAMPLES / "garrison.yaml")
    result = analyze(conflict, "nash,gmr,smr,seq")
    for i in range(len(conflict.dm_ids)):
        for coalition, individual in zip(COALITION_CONCEPTS, ("nash", "gmr", "smr", "seq"),
                                         strict=True):
            assert np.array_equal(coalition_stable(conflict, [i], coalition),
                                  result.stable[individual][i]), (coalition, i)


def test_grand_coalition_has_no_sanctions():
    conflict = standoff.load(ELMIRA)
    r = analyze_coalitions(conflict, [["moe", "uniroyal", "lg"]]).coalitions[0]
    assert r.stable["cnash"] == r.stable["cgmr"] == r.stable["csmr"] == r.stable["cseq"]


@pytest.mark.slow
@settings(max_examples=example_count(60), deadline=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(any_conflicts(max_dms=3, max_options=6))
def test_coalition_concepts_match_reference(model):
    conflict, reference = compiled(model)
    result = analyze_coalitions(conflict, min_size=1)
    for r in result.coalitions:
        for s in range(1, conflict.state_count + 1):
            expected = ref.coalitional_improvements(reference, r.members, s)
            assert set(r.improvements.get(s, [])) == expected, (r.members, s)
        for concept in COALITION_CONCEPTS:
            assert set(r.stable[concept]) == ref.coalition_stable(
                reference, r.members, concept), (r.members, concept)


@settings(max_examples=example_count(30), deadline=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(any_conflicts(max_dms=3, max_options=6))
def test_coalition_explanations_agree_with_verdicts(model):
    conflict, _ = compiled(model)
    result = analyze_coalitions(conflict)
    for r in result.coalitions:
        members = {conflict.dm_index(d) for d in r.members}
        for concept in COALITION_CONCEPTS:
            for s in range(1, conflict.state_count + 1):
                why = r.explain(s, concept)
                assert why.stable == (s in r.stable[concept])
                for move in why.moves:
                    at, last = s - 1, None
                    for dm, a, b in move.sequence:  # a legal sequence of members' moves
                        j = conflict.dm_index(dm)
                        assert j in members and j != last and a - 1 == at
                        assert b - 1 in set(conflict.moves[j].of(at).tolist())
                        at, last = b - 1, j
                    assert at == move.target - 1
                    if move.sanctioned and move.sanction:
                        assert all(conflict.dm_index(d) not in members
                                   for d, _, _ in move.sanction)


def test_all_states_reach_matrix_matches_the_search_from_each_state():
    """The all-states legal-sequence reach matrix (bitset fixed point) equals the
    breadth-first search from each state, for every coalition of Garrison (4 DMs) and
    with and without the improvement restriction."""
    from standoff.analysis.paths import all_coalitions
    from standoff.stability.sequences import all_legal_reach, legal_reach

    conflict = standoff.load(EXAMPLES / "garrison.yaml")
    for members in all_coalitions(conflict):
        for improving in (False, True):
            matrix = all_legal_reach(conflict, members, improving)
            for s in range(conflict.state_count):
                expected = legal_reach(conflict, members, s, improving).tolist()
                assert np.flatnonzero(matrix[s]).tolist() == expected


def test_coalition_analysis_too_large_to_search_is_refused_up_front(tmp_path):
    """2 decision makers x 7 free options: 16,384 states, over the bit-matrix limit, and
    a state-by-state search over 4.2 million moves. Refused at once (it used to run for
    hours), with the size of the work in the message."""
    from cli_runner import run

    dms = "\n".join(
        f"  d{d}:\n    name: D{d}\n    options:\n"
        + "\n".join(f"      o{d}_{k}: {{text: option {k}}}" for k in range(7))
        for d in range(2)
    )
    prefs = "\n".join(f"  d{d}:\n    prioritize: [o{d}_0, not o{1 - d}_1]" for d in range(2))
    path = tmp_path / "mid.yaml"
    path.write_text(f"format: standoff/1\ntitle: mid\ndecision_makers:\n{dms}\n"
                    f"preferences:\n{prefs}\n", encoding="utf-8")
    r = run("coalitions", str(path))
    assert r.code == 2 and "Traceback" not in r.err
    assert "from each of the 16,384 states over 4,161,536 moves" in r.err
