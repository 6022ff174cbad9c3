"""Status quo analysis: reachable states and equilibria, shortest evolution paths.

Definition: :mod:`standoff.analysis.paths` (Li, Kilgour & Hipel 2005, JORS 56(6):699-707),
with legal sequences (a decision maker never moves twice in a row). Golden: Elmira
(Fang, Hipel & Kilgour 1993): from the status quo 1 the local government's improvement
1 -> 5 (insist) reaches equilibrium 5; with coalitions, MoE and Uniroyal then move 5 -> 8.
"""

from __future__ import annotations

import json

import pytest
from cli_runner import run
from conftest import EXAMPLES, example_count
from evolution_helpers import any_conflicts, compiled
from hypothesis import HealthCheck, given, settings

import standoff
import standoff.reference as ref
from standoff.analysis import analyze
from standoff.analysis.paths import (
    is_reachable,
    reachable_equilibria,
    reachable_states,
    select_states,
    shortest_path,
    status_quo_analysis,
)
from standoff.report.evolution import status_quo_markdown

ELMIRA = EXAMPLES / "elmira.yaml"


def test_elmira_cli_json_shape():
    out = run("paths", ELMIRA, "--format", "json")
    assert out.code == 0, out.err
    doc = json.loads(out.out)
    assert doc["status_quo"] == 1
    assert doc["paths"][0] == {
        "to": 5,
        "steps": [{"from": 1, "to": 5, "dm": "lg", "changed": ["lg.insist"],
                   "values": {"lg.insist": True}}],
    }
    assert doc["reachable_equilibria"]["seq"] == [5]
    assert doc["reachable_equilibria"]["gmr"] == [1, 5]
    assert doc["unreachable"] == [4, 8, 9]


def test_elmira_coalitions_reach_8():
    conflict = standoff.load(ELMIRA)
    path = shortest_path(conflict, 8, coalitions=True)
    assert path is not None and path.states == (1, 5, 8)
    last = path.steps[-1]
    assert last.movers == ("moe", "uniroyal")
    assert last.moves == (("moe", 5, 6), ("uniroyal", 6, 8))
    assert set(last.changed) == {"moe.modify", "uniroyal.delay", "uniroyal.accept"}
    assert shortest_path(conflict, 8) is None
    assert reachable_equilibria(conflict, coalitions=True)["seq"] == [5, 8]
    assert is_reachable(conflict, 9, moves="any") and not is_reachable(conflict, 9)


def test_library_api_and_views():
    conflict = standoff.load(ELMIRA)
    result = status_quo_analysis(conflict, analyze(conflict, "seq"), targets=[5, 8])
    assert [p.target for p in result.paths] == [5] and result.unreachable == (8,)
    assert "Local government moves to 5 (NYNNY) (lg.insist→Y)" in str(result)
    table = result.evolution_table(result.paths[0])
    assert table[-1] == ["moved", "", "lg"]
    assert "| lg.insist | N | Y\\* |" in status_quo_markdown(result)  # "*" escaped for Markdown
    assert select_states(conflict, "accept and insist") == [7, 8]
    assert select_states(conflict, "uniroyal.abandon") == [9]


def test_cli_to_expression_and_markdown():
    out = run("paths", ELMIRA, "--to", "modify and accept", "--coalitions", "-f", "json")
    doc = json.loads(out.out)
    assert [p["to"] for p in doc["paths"]] == [8] and doc["unreachable"] == [4]
    step = doc["paths"][0]["steps"][1]
    assert step["dm"] == "moe+uniroyal" and step["coalition"] == ["moe", "uniroyal"]
    md = run("paths", ELMIRA, "-f", "markdown")
    assert md.code == 0 and md.out.startswith("# Status quo analysis")
    assert run("paths", ELMIRA).code == 0


def test_cli_errors():
    no_sq = run("paths", EXAMPLES / "garrison.yaml")
    assert no_sq.code == 2 and "no status quo" in no_sq.err and "--from" in no_sq.err
    assert run("paths", EXAMPLES / "garrison.yaml", "--from", "1").code == 0
    bad = run("paths", ELMIRA, "--to", "nonsense and")
    assert bad.code == 2 and "Traceback" not in bad.err
    bad = run("paths", ELMIRA, "--moves", "any", "--coalitions")
    assert bad.code == 2 and "fix:" in bad.err


def _check_path(conflict, path, start, improving):
    at, last = start, None
    for step in path.steps:
        (dm,) = step.movers
        j = conflict.dm_index(dm)
        assert j != last and step.source - 1 == at
        assert step.target - 1 in set(conflict.moves[j].of(at).tolist())
        if improving:
            assert conflict.ranks[j, step.target - 1] > conflict.ranks[j, at]
        at, last = step.target - 1, j
    assert at == path.target - 1


@pytest.mark.slow
@settings(max_examples=example_count(60), deadline=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(any_conflicts(max_dms=3, max_options=6))
def test_reachability_and_shortest_paths_match_reference(model):
    conflict, reference = compiled(model)
    for start in {1, conflict.state_count}:
        for moves in ("ui", "any"):
            reach = reachable_states(conflict, moves, start)
            expected = ref.reachable_from(reference, start, moves)
            assert {int(s) + 1 for s in reach.nonzero()[0]} == expected
            for target in expected:
                path = shortest_path(conflict, target, moves, start)
                assert path is not None
                assert len(path.steps) == ref.shortest_path_length(reference, start, target,
                                                                   moves)
                _check_path(conflict, path, start - 1, moves == "ui")


@settings(max_examples=example_count(30), deadline=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(any_conflicts(max_dms=3, max_options=5))
def test_coalitional_reachability_matches_reference(model):
    conflict, reference = compiled(model)
    reach = reachable_states(conflict, "ui", 1, coalitions=True)
    expected = ref.reachable_by_coalitional_improvements(reference, 1)
    assert {int(s) + 1 for s in reach.nonzero()[0]} == expected
    for target in expected:
        path = shortest_path(conflict, target, start=1, coalitions=True)
        assert path is not None and path.target == target


def test_many_targets_get_paths_to_the_nearest_only(tmp_path):
    """With more reachable equilibria than MAX_PATHS, paths go to the nearest ones and the
    rest are counted (paths_omitted), not listed."""
    from standoff.analysis import analyze
    from standoff.analysis.paths import MAX_PATHS, status_quo_analysis

    options = "".join(f"      o{k}: {{text: option {k}}}\n" for k in range(7))
    model = tmp_path / "m.yaml"
    model.write_text(
        "format: standoff/1\ntitle: indifferent\ndecision_makers:\n"
        f"  a:\n    name: A\n    options:\n{options}"
        "  b:\n    name: B\n    options:\n      x: {text: x}\n"
        "preferences:\n  a: {prioritize: [o0]}\n  b: {ranking: [[true]]}\nstatus_quo: []\n"
    )
    conflict = standoff.load(model)
    result = status_quo_analysis(conflict, analyze(conflict, "nash"), moves="any")
    assert len(result.paths) == MAX_PATHS
    reachable_targets = [t for t in result.targets if t != result.start]
    assert result.paths_omitted == len(reachable_targets) - MAX_PATHS > 0
    assert max(len(p.steps) for p in result.paths) <= 2
    assert result.to_dict()["paths_omitted"] == result.paths_omitted


def test_markdown_escapes_model_text(tmp_path):
    """Names taken from the model cannot inject HTML into the Markdown view."""
    text = (EXAMPLES / "elmira.yaml").read_text(encoding="utf-8").replace(
        "title: Elmira groundwater contamination", 'title: "Elmira <script>x</script>"')
    path = tmp_path / "odd.yaml"
    path.write_text(text, encoding="utf-8")
    page = status_quo_markdown(standoff.analysis.paths.status_quo_analysis(standoff.load(path)))
    assert "<script>" not in page and "\\<script\\>" in page and "&lt;" not in page
