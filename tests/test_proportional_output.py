"""Witnesses and listings proportional to the answer (issue 17), checked by what is built,
not by timing: a reachability claim builds one evolution path (to the nearest state with its
statement), ``standoff paths`` names a bounded number of reachable equilibria and says how
many it leaves out, and ``explain`` looks only at the moves from the states it visits.
"""

from __future__ import annotations

import json

import numpy as np
import pytest
from cli_runner import run
from evolution_helpers import any_conflicts, compiled
from hypothesis import HealthCheck, given, settings

import standoff
from standoff.analysis import analyze, explain
from standoff.analysis.claims import check_claims
from standoff.analysis.paths import (
    MAX_LISTED,
    MAX_PATHS,
    nearest_path,
    reachable_states,
    shortest_path,
    status_quo_analysis,
)
from standoff.graph.moves import CosetMoves, MoveGraph
from standoff.stability.sequences import LegalSearch


def _wide_model(tmp_path, claims: str = "", constrained: bool = False):
    """A model whose answers are long: A's seven options are worth nothing to A but o0, B is
    indifferent, so from the status quo (nothing taken) every state is reachable by moves
    and every state with o0 is a Nash equilibrium (128); ``constrained`` removes a few
    states, so the moves are an explicit graph."""
    options = "".join(f"      o{k}: {{text: option {k}}}\n" for k in range(7))
    feasibility = "feasibility: {infeasible: [o5 and o6 and x]}\n" if constrained else ""
    path = tmp_path / "wide.yaml"
    path.write_text(
        "format: standoff/1\ntitle: wide\ndecision_makers:\n"
        f"  a:\n    name: A\n    options:\n{options}"
        "  b:\n    name: B\n    options:\n      x: {text: x}\n"
        "preferences:\n  a: {prioritize: [o0]}\n  b: {ranking: [[true]]}\n"
        f"{feasibility}status_quo: []\n{claims}", encoding="utf-8")
    return path


def _count_paths_built(monkeypatch) -> list[int]:
    """Count the evolution paths traced back through the breadth-first search."""
    built: list[int] = []
    original = LegalSearch.moves_to

    def counted(self, target):
        built.append(target)
        return original(self, target)

    monkeypatch.setattr(LegalSearch, "moves_to", counted)
    return built


def test_reachability_claim_builds_one_path(tmp_path, monkeypatch):
    """``o3 is reachable by any moves`` holds in half of the states, dozens reachable; the
    witness is a shortest path to the nearest one (fewest steps, then lowest number), and
    only that path is built (the old code built one to each reachable state and kept one)."""
    claims = ("claims:\n  o3-reachable:\n"
              "    check: o3 is reachable from the status quo by any moves\n")
    conflict = standoff.load(_wide_model(tmp_path, claims))
    analysis = analyze(conflict, "nash")
    target = np.array([conflict.option_values(s)[3] for s in range(conflict.state_count)],
                      dtype=bool)
    hits = np.flatnonzero(reachable_states(conflict, "any") & target)
    assert len(hits) > 10
    lengths = {int(s) + 1: len(shortest_path(conflict, int(s) + 1, "any").steps)
               for s in hits}
    nearest = min(lengths, key=lambda t: (lengths[t], t))
    built = _count_paths_built(monkeypatch)
    (result,) = check_claims(analysis)
    (verdict,) = result.verdicts
    assert verdict.holds and verdict.witnesses == (nearest,)
    assert len(built) == 1


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(any_conflicts(max_dms=3, max_options=5))
def test_nearest_path_is_the_nearest_of_all_shortest_paths(model):
    """:func:`nearest_path` gives what building a shortest path to every reachable target
    and keeping the shortest (lowest state number on ties) gave, for random targets."""
    conflict, _ = compiled(model)
    targets = np.arange(conflict.state_count) % 3 == 1
    for moves in ("ui", "any"):
        reach = reachable_states(conflict, moves, 1)
        paths = [shortest_path(conflict, int(s) + 1, moves, 1)
                 for s in np.flatnonzero(reach & targets)]
        found = nearest_path(conflict, targets, moves, 1)
        if not paths:
            assert found is None
            continue
        best = min(paths, key=lambda p: (len(p.steps), p.target))
        assert found is not None
        assert (found.target, found.steps) == (best.target, best.steps)


def test_paths_text_names_a_bounded_number_of_equilibria(tmp_path):
    """More reachable Nash equilibria than :data:`MAX_LISTED`: the text names that many and
    says how many there are in all; JSON still lists every one."""
    model = _wide_model(tmp_path)
    conflict = standoff.load(model)
    result = status_quo_analysis(conflict, analyze(conflict, "nash"), moves="any")
    reachable = result.reachable_equilibria["nash"]
    assert len(reachable) > MAX_LISTED
    text = run("paths", model, "--concepts", "nash", "--moves", "any")
    assert text.code == 0
    line = next(x for x in text.out.splitlines() if x.startswith("Nash equilibria reachable"))
    assert line.count(", ") == MAX_LISTED  # the names, then the count
    assert f"… ({len(reachable):,} in all; 'standoff paths --format json' lists every one)" \
        in line
    # the paths left out are said, in text and Markdown alike
    assert result.paths_omitted > 0 and len(result.paths) == MAX_PATHS
    assert result.omitted_sentence() in text.out
    markdown = run("paths", model, "--concepts", "nash", "--moves", "any", "--format",
                   "markdown")
    assert "more reachable targets are left out" in markdown.out
    doc = json.loads(run("paths", model, "--concepts", "nash", "--moves", "any", "--format",
                         "json").out)
    assert doc["reachable_equilibria"]["nash"] == reachable


@pytest.mark.parametrize("constrained", [False, True])
@pytest.mark.parametrize("concept", ["nash", "gmr", "smr", "seq", "sim"])
def test_explain_builds_no_whole_model_structure(tmp_path, monkeypatch, constrained, concept):
    """``explain`` reads the moves of the states it visits only: no decision maker's
    improvement graph and no SMR escape values for the whole model (which cost as much as
    the model's moves, and at two million states did not finish). The explanation is that
    of the verdicts computed for every state."""
    conflict = standoff.load(_wide_model(tmp_path, constrained=constrained))
    verdicts = analyze(conflict, concept).stable[concept]

    def whole_model(*args, **kwargs):
        raise AssertionError("explain built a whole-model structure")

    monkeypatch.setattr(MoveGraph, "improvements", whole_model)
    monkeypatch.setattr(CosetMoves, "improvements", whole_model)
    monkeypatch.setattr("standoff.stability.smr.escape_values", whole_model)
    conflict._cache.clear()
    for state in range(1, conflict.state_count + 1, 7):
        for i, dm in enumerate(conflict.dm_ids):
            assert explain(conflict, state, dm, concept).stable == bool(verdicts[i, state - 1])
