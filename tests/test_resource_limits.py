"""Resources refused before they are spent (issue 16): each analysis estimates its cost
before it allocates, and refuses with the estimate and a fix (exit code 2, no traceback);
out-of-range numbers on the command line are refused with the option and the range.

The reproducers are in ``tests/repro``. Tests that would allocate gigabytes on the old code
run in a child process under an address-space limit (so a regression fails, not the
machine), or check the refusal with the limits lowered on a small model.
"""

from __future__ import annotations

import resource
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from cli_runner import run
from conftest import EXAMPLES, ROOT
from evolution_helpers import any_conflicts, compiled
from hypothesis import HealthCheck, given, settings
from model_builders import reference_spec, spec_from_dict

import standoff
import standoff.reference as ref
from standoff.errors import CapacityError
from standoff.graph import compile_model
from standoff.graph.moves import CosetMoves
from standoff.stability import limited_move
from standoff.stability.limited_move import (
    anticipation,
    eventual_cycle,
    limited_move_stable,
    nonmyopic_stable,
)

REPRO = Path(__file__).resolve().parent / "repro"

#: Address space a child process may use: far below what the old code asked for.
CHILD_MEMORY = 3 * 2**30


def run_limited(*args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    """``python -m standoff ARGS`` in a child process limited to :data:`CHILD_MEMORY` of
    address space (the hang guard ``timeout`` is generous: it only catches runaways)."""

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (CHILD_MEMORY, CHILD_MEMORY))

    env = {"PYTHONPATH": str(Path(standoff.__file__).resolve().parents[1]),
           "PATH": "/usr/bin:/bin"}
    return subprocess.run([sys.executable, "-m", "standoff", *args], capture_output=True,
                          text=True, timeout=timeout, preexec_fn=limit, env=env, cwd=ROOT)


def assert_clean_refusal(out, *phrases: str) -> None:
    """Exit code 2, no traceback, and each phrase in the message."""
    assert out.code == 2, (out.code, out.err)
    assert "Traceback" not in out.err
    for phrase in phrases:
        assert phrase in out.err, (phrase, out.err)


# -- limited move and non-myopic ----------------------------------------------------------


def test_limited_move_on_a_million_states_answers_in_bounded_memory():
    """20_two_dms_20_options.yaml: 2 x 10 options, 1,048,576 states, 1,023 moves per state
    and decision maker. The old code listed every move (8 GiB at once); the moves are
    cosets of a product space, so the anticipation needs none of them listed."""
    out = run_limited("lookahead", str(REPRO / "20_two_dms_20_options.yaml"), "1", "--dm",
                      "a")
    assert out.returncode == 0, out.stderr[-2000:]
    first = out.stdout.splitlines()[0]
    assert first.startswith("1 (NNNNNNNNNNNNNNNNNNNN) is L(2) stable for A")
    assert out.stdout.count("Moving to ") == 1023


def _product_model(options: int, extra: dict | None = None) -> dict:
    """Two decision makers with ``options`` options each and interlocking priorities."""
    a = {f"a{k}": {"text": f"a{k}"} for k in range(options)}
    b = {f"b{k}": {"text": f"b{k}"} for k in range(options)}
    model = {
        "format": "standoff/1",
        "title": "product",
        "decision_makers": {"a": {"name": "A", "options": a},
                            "b": {"name": "B", "options": b}},
        "preferences": {
            "a": {"prioritize": [f"a{k} iff b{k}" for k in range(options)]},
            "b": {"prioritize": [f"not b{k} or a{k}" for k in range(options)]},
        },
    }
    model.update(extra or {})
    return model


def test_coset_moves_are_never_listed(monkeypatch):
    """L(h) and NM in a product space work on the cosets: listing the moves (what the old
    code did, 8 bytes per move and more) is never needed."""
    conflict = compile_model(spec_from_dict(_product_model(3)))
    assert all(isinstance(g, CosetMoves) for g in conflict.moves)

    def refuse(self):
        raise AssertionError("the moves were listed")

    monkeypatch.setattr(CosetMoves, "materialize", refuse)
    for h in (1, 2, 3, 4):
        for dm in (0, 1):
            limited_move_stable(conflict, dm, h)
    nonmyopic_stable(conflict, 0)
    monkeypatch.undo()
    assert_matches_reference(conflict, ref.build(reference_spec(conflict.spec)), (1, 2, 3, 4))


def assert_matches_reference(conflict, reference, horizons) -> None:
    """The anticipated outcome G_h of every state equals the reference's."""
    for h in horizons:
        table = ref.anticipation_table(reference, h)[h]
        engine = anticipation(conflict, h).outcome[h]
        for i, dm in enumerate(conflict.dm_ids):
            for s in range(conflict.state_count):
                assert engine[i, s] + 1 == table[(dm, s + 1)], (h, dm, s + 1)


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(any_conflicts(max_dms=2, max_options=5))
def test_sliced_moves_match_the_reference(model):
    """Explicit move graphs are walked a slice of sources at a time; with slices of three
    moves the anticipation still matches the reference at every horizon."""
    conflict, reference = compiled(model)
    if len(conflict.dm_ids) != 2:
        return
    old = limited_move.MOVES_PER_SLICE
    limited_move.MOVES_PER_SLICE = 3
    try:
        assert_matches_reference(conflict, reference, (1, 2, 3))
    finally:
        limited_move.MOVES_PER_SLICE = old


def test_long_horizon_is_refused_with_the_estimate(monkeypatch):
    conflict = standoff.load(EXAMPLES / "chicken.yaml")
    monkeypatch.setattr(limited_move, "MAX_ANTICIPATION_WORK", 100)
    with pytest.raises(CapacityError) as info:
        anticipation(conflict, 50)
    text = info.value.render()
    assert "L(50) for 4 states" in text and "over the limit of 100" in text
    assert "fix: use a smaller horizon" in text
    assert "limited_move_anticipation" not in conflict._cache  # nothing computed


def test_anticipation_memory_is_estimated_before_allocating(monkeypatch):
    import standoff.costs as costs
    from standoff.stability.limited_move import check_anticipation_cost

    conflict = standoff.load(EXAMPLES / "chicken.yaml")
    monkeypatch.setattr(costs, "memory_budget", lambda: 1000)
    with pytest.raises(CapacityError, match=r"would need about .* more than the 1000 B"):
        check_anticipation_cost(conflict, 100)


def test_nonmyopic_is_refused_at_the_first_horizon_over_the_limit(monkeypatch):
    conflict = standoff.load(EXAMPLES / "cuban_missile_crisis.yaml")
    first, period = eventual_cycle(standoff.load(EXAMPLES / "cuban_missile_crisis.yaml"))
    _, per_horizon = limited_move.anticipation_cost(conflict, 1)
    monkeypatch.setattr(limited_move, "MAX_ANTICIPATION_WORK", per_horizon)
    assert first + period > 1
    with pytest.raises(CapacityError) as info:
        nonmyopic_stable(conflict, 0)
    assert "NM for" in str(info.value) and "had not after 1 moves" in str(info.value)


def test_cli_refuses_a_long_horizon_on_a_big_model():
    out = run_limited("analyze", str(REPRO / "20_two_dms_20_options.yaml"), "--concepts",
                      "l200", timeout=120)
    assert out.returncode == 2 and "Traceback" not in out.stderr, out.stderr[-2000:]
    for phrase in ("L(200) for 1,048,576 states", "over the limit of",
                   "fix: use a smaller horizon"):
        assert phrase in out.stderr


@pytest.mark.parametrize("concept", ["l5000", "l0", "l" + "9" * 5000])
def test_horizon_out_of_range_is_a_range_error_not_unknown(concept):
    out = run("analyze", REPRO / "mini.yaml", "--concepts", concept)
    assert_clean_refusal(out, "--concepts: error:", "is out of range",
                         "computed for h from 1 to 1000", "use l1 to l1000, or nm")
    assert "unknown concept" not in out.err
    out = run("explain", REPRO / "mini.yaml", "1", "--dm", "a", "--concept", concept)
    assert_clean_refusal(out, "--concept: error:", "is out of range")


def test_lookahead_horizon_out_of_range_is_refused_at_once():
    out = run("lookahead", REPRO / "mini.yaml", "1", "--dm", "a", "--horizon", "1000000")
    assert_clean_refusal(out, "--horizon: error:", "from 1 to 1,000, not 1,000,000")
    out = run("lookahead", REPRO / "mini.yaml", "1", "--dm", "a", "--horizon", "0")
    assert_clean_refusal(out, "--horizon: error:", "from 1 to 1,000, not 0")


def test_claim_under_a_horizon_out_of_range(tmp_path):
    text = (REPRO / "mini.yaml").read_text() + (
        "claims:\n  c1:\n    text: t\n    check: state 4 is an equilibrium under l5000\n")
    path = tmp_path / "claim.yaml"
    path.write_text(text)
    out = run("claims", path)
    assert_clean_refusal(out, "claim.yaml:", "'l5000' is out of range: h = 5000")


def test_anticipation_is_stored_compactly():
    conflict = standoff.load(EXAMPLES / "chicken.yaml")
    a = anticipation(conflict, 3)
    assert all(x.dtype == np.int32 for x in a.outcome + a.choice)


# -- coalitions -----------------------------------------------------------------------------


@pytest.mark.parametrize("args", [("coalitions",), ("paths", "--coalitions")])
def test_twelve_decision_makers_are_refused_up_front(args):
    """09_twelve_dms.yaml: 4,083 coalitions of two or more (4,095 with singletons) over
    4,096 states. The old code grew to 4 GiB and crashed after a minute or more."""
    out = run_limited(args[0], str(REPRO / "09_twelve_dms.yaml"), *args[1:], timeout=120)
    assert out.returncode == 2, out.stderr[-2000:]
    assert "Traceback" not in out.stderr
    assert "over 4,096 states) would take about" in out.stderr
    assert "(coalition, state) pairs, over the limit of 100,000" in out.stderr
    assert "fix: " in out.stderr


def test_named_coalitions_of_many_decision_makers_are_analysed():
    out = run("coalitions", REPRO / "09_twelve_dms.yaml", "--coalition", "d0+d1", "--format",
              "json")
    assert out.code == 0, out.err
    assert '"members": [\n        "d0",\n        "d1"\n      ]' in out.out


def test_coalitions_are_counted_before_they_are_listed(monkeypatch):
    import standoff.analysis.coalitions as coalitions_module
    import standoff.analysis.paths as paths_module
    from standoff.analysis.coalitions import analyze_coalitions
    from standoff.analysis.paths import reachable_states

    conflict = standoff.load(REPRO / "09_twelve_dms.yaml")

    def refuse(*args, **kwargs):
        raise AssertionError("the coalitions were listed")

    monkeypatch.setattr(coalitions_module, "all_coalitions", refuse)
    monkeypatch.setattr(paths_module, "all_coalitions", refuse)
    with pytest.raises(CapacityError, match="4,083 coalitions"):
        analyze_coalitions(conflict)
    with pytest.raises(CapacityError, match="4,095 coalitions"):
        reachable_states(conflict, coalitions=True)


def test_coalition_reach_matrices_are_released_after_the_analysis():
    from standoff.analysis.coalitions import analyze_coalitions

    conflict = standoff.load(EXAMPLES / "garrison.yaml")
    analysis = analyze_coalitions(conflict)
    kept = [k for r in analysis.coalitions for k in r._engine._cache
            if isinstance(k, tuple) and k[0] == "matrix"]
    assert kept == []
    fresh = analyze_coalitions(standoff.load(EXAMPLES / "garrison.yaml"))
    for r, f in zip(analysis.coalitions, fresh.coalitions, strict=True):
        for concept in ("cnash", "cgmr", "csmr", "cseq"):
            for state in (1, 2, conflict.state_count):
                assert r.explain(state, concept).to_dict() == f.explain(state, concept).to_dict()


def test_paths_share_one_coalition_search(monkeypatch):
    """Every shortest path and the reachable set come from one search (the old code ran
    the whole search again for each target: 110 s instead of 9 for 5 decision makers)."""
    import standoff.analysis.paths as paths_module

    conflict = standoff.load(EXAMPLES / "elmira.yaml")
    built = []
    real = paths_module.CoalitionStability

    def counting(*args, **kwargs):
        built.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(paths_module, "CoalitionStability", counting)
    reach = paths_module.reachable_states(conflict, coalitions=True)
    groups = len(built)
    assert groups == 7 and reach.sum() > 1
    for target in np.flatnonzero(reach) + 1:
        assert paths_module.shortest_path(conflict, int(target), coalitions=True) is not None
    assert len(built) == groups


# -- bargaining models ----------------------------------------------------------------------


@pytest.mark.parametrize("model", ["expected_utility", "spatial"])
def test_a_thousand_actors_are_refused_with_the_estimate(model):
    """11_many_actors.yaml: the old code allocated actors³ floats (7.45 GiB) unchecked."""
    out = run_limited("forecast", str(REPRO / "11_many_actors.yaml"), "--model", model,
                      timeout=120)
    assert out.returncode == 2 and "Traceback" not in out.stderr, out.stderr[-2000:]
    for phrase in ("11_many_actors.yaml: error:", "with 1,000 actors",
                   "merge actors into fewer blocs"):
        assert phrase in out.stderr
    assert "would need about" in out.stderr or "vote cells" in out.stderr


def test_spatial_challenges_do_not_build_every_vote(monkeypatch):
    """Each actor's challenges need only the votes for and against it: a step weighs about
    actors³ votes for the positions' probabilities and twice actors³ for all challenges
    (one (observer, voter, position) array each), not actors⁴ (every vote once more per
    actor, as before)."""
    from standoff.bargaining import load_model, run_model
    from standoff.bargaining import spatial as spatial_module

    model = load_model(ROOT / "examples" / "bargaining" / "ec_emissions.yaml", "auto")
    actors = len(model.actors)
    cells = []
    real = spatial_module._vote

    def counting(du, capability, rule):
        cells.append(du.size)
        return real(du, capability, rule)

    monkeypatch.setattr(spatial_module, "_vote", counting)
    result = run_model(model, "spatial").to_json()
    steps = sum(f["steps"] for f in result["issues"].values())
    assert actors > 4 and steps > 0
    # three actors³ arrays per step and one for the forecast, plus the queue elections:
    # actor k's election weighs actors x (q_k + 1)² votes, q_k <= actors bargains in its
    # queue and at most 2 x actors in all queues together, so at most about 2 x actors³
    assert sum(cells) <= 5 * actors**3 * steps + actors**3
    assert sum(cells) < actors**4 * steps


def test_exchange_on_200_issues_is_unchanged_and_quick():
    """14_exchange_200_issues.yaml took 25 s (400 issues: 65 s) in a Python loop over
    every pair of actors and issues; the candidates are now found with arrays. The result
    is compared with a loop written out literally on a slice of the file."""
    from standoff.bargaining import load_model, run_model
    from standoff.bargaining.exchange import _candidates, _outcomes

    model = load_model(REPRO / "14_exchange_200_issues.yaml", "auto")
    result = run_model(model, "exchange").to_json()
    assert len(result["issues"]) == 200
    n, K = len(model.actors), 12
    rng = np.random.default_rng(7)
    x = rng.integers(0, 100, (n, K)).astype(float)
    s = rng.choice([0.0, 0.2, 0.5, 1.0], (n, K))
    c = np.ones((n, K))
    has = rng.random((n, K)) > 0.1
    width = np.full(K, 100.0)
    w = c * s
    W = np.where(has, w, 0.0).sum(axis=0)
    expected = _outcomes(x, w, has)
    got = sorted(zip(*(a.tolist() for a in _candidates(x, s, w, W, has, width, expected,
                                                         1e-6)), strict=True))
    want = []
    for i in range(n):
        for j in range(n):
            for k in range(K):
                for m in range(K):
                    if i == j or k == m or not (has[i, k] and has[j, k] and has[i, m]
                                                and has[j, m]):
                        continue
                    if s[i, k] * s[j, m] <= s[i, m] * s[j, k] + 1e-9:
                        continue
                    if ((x[i, k] - expected[k]) * (x[j, k] - expected[k]) >= -1e-9
                            or (x[i, m] - expected[m]) * (x[j, m] - expected[m]) >= -1e-9):
                        continue
                    if min(w[j, k], w[i, m], W[k], W[m]) <= 1e-9:
                        continue
                    a_max = w[j, k] * abs(x[i, k] - x[j, k]) / W[k] / width[k]
                    b_max = w[i, m] * abs(x[j, m] - x[i, m]) / W[m] / width[m]
                    ratio = (s[i, k] + s[j, k]) / (s[i, m] + s[j, m])
                    a, b = ((a_max, ratio * a_max) if ratio * a_max <= b_max
                            else (b_max / ratio, b_max))
                    gain = s[i, k] * a - s[i, m] * b
                    if gain > 1e-6:
                        want.append((gain, i, j, k, m, a, b))
    assert got == sorted(want) and want


def test_exchange_too_large_is_refused(monkeypatch):
    from standoff.bargaining import exchange as exchange_module
    from standoff.bargaining import load_model, run_model

    model = load_model(REPRO / "14_exchange_200_issues.yaml", "auto")
    monkeypatch.setattr(exchange_module, "MAX_EXCHANGE_COMBINATIONS", 10**6)
    with pytest.raises(CapacityError, match="6 actors and 200 issues"):
        run_model(model, "exchange")


def test_package_deal_on_500_issues_is_refused_before_the_programme():
    """19_zopa_qm_500_issues.yaml under a qualified majority: 15 s and more of dense
    simplex before; now refused at once with the size of the programme."""
    out = run("zopa", REPRO / "19_zopa_qm_500_issues.yaml", "--rule", "qualified_majority",
              "--threshold", "0.5")
    assert_clean_refusal(out, "19_zopa_qm_500_issues.yaml: error: the package deal over "
                         "500 issues", "tableau updates, over the limit", "fix: ")


# -- integer options on the command line -----------------------------------------------------


@pytest.mark.parametrize("value", ["0", "-3"])
@pytest.mark.parametrize("command", [("check",), ("analyze",), ("states",),
                                     ("explain", "1", "--dm", "a"), ("claims",),
                                     ("coalitions",), ("lookahead", "1", "--dm", "a")])
def test_max_states_below_one_is_a_usage_error(command, value):
    """mini.yaml with --max-states 0 ended in a ValueError traceback."""
    out = run(command[0], REPRO / "mini.yaml", *command[1:], f"--max-states={value}")
    assert out.code == 2 and "Traceback" not in out.err
    assert "--max-states" in out.err and "greater than or equal to 1" in out.err


def test_rounds_of_a_model_are_bounded_by_its_cost():
    out = run("forecast", ROOT / "examples" / "bargaining" / "ec_emissions.yaml", "--model",
              "expected_utility", "--rounds", "1000000000", "-o", "stop=rounds")
    assert_clean_refusal(out, "1,000,000,000 rounds", "over the limit")


def test_huge_ranking_counts_are_printed_without_converting_them_to_text():
    """Fuzzing found ``inverse --state 100 --vary d1`` on a 12-decision-maker model failing
    with ValueError: the number of rankings (a factorial of thousands of states) has more
    than the 4,300 digits Python will print. The count is now shown from its bit length."""
    import math

    from standoff.analysis.inverse import _big

    assert _big(math.factorial(2000)) == "about 3.3e+5735"
    assert _big(6_400_000_000_000_000) == "about 6.4e+15"
    assert _big(999_999_999_999) == "999,999,999,999"


def _constrained_model(collapse: bool = False) -> dict:
    """Two decision makers with 7 options each, two of them irreversible, and infeasible
    statements across the two (not a product space): 9,216 states whose moves the compiler
    holds as lattices (``LatticeMoves``), or, with a collapse, as explicit move lists."""
    dms = {
        d: {"name": d.upper(), "options": {
            f"{d}{k}": {"text": f"option {k}", "moves": "take" if k < 2 else "both"}
            for k in range(7)}}
        for d in "ab"
    }
    feasibility: dict = {"infeasible": ["a0 and b0", "a1 and not b1"]}
    if collapse:
        feasibility["collapse"] = ["a6 and b6"]
    return {
        "format": "standoff/1", "title": "constrained", "decision_makers": dms,
        "feasibility": feasibility,
        "preferences": {"a": {"prioritize": [f"a{k} iff b{k}" for k in range(7)]},
                        "b": {"prioritize": [f"b{k} or not a{k}" for k in range(7)]}},
    }


def _budget(monkeypatch, budget: int) -> None:
    from standoff import costs
    from standoff.graph import conflict as conflict_module
    from standoff.graph import states as states_module

    for module in (costs, conflict_module, states_module):
        monkeypatch.setattr(module, "memory_budget", lambda: budget)


def test_constrained_model_is_estimated_as_the_lattice_it_builds(monkeypatch):
    """The memory check counted explicit move lists (up to 2^7 − 1 targets per state and
    decision maker) for decision makers whose moves are held as lattices without lists, and
    refused constrained models that fit. With a budget below that old estimate and above
    the lattice's, the model compiles, and compiling plus Nash, GMR, SMR and SEQ stay within
    the budget; below the lattice's estimate it is still refused, as is the same model with
    a collapse (explicit moves) at the first budget."""
    import tracemalloc

    from standoff.analysis import analyze
    from standoff.graph.moves import LatticeMoves
    from standoff.graph.states import estimate_memory

    spec = spec_from_dict(_constrained_model())
    budget = 10 * 2**20
    m = compile_model(spec).state_count
    assert estimate_memory(spec, m) > budget  # the old estimate: explicit moves for both
    _budget(monkeypatch, budget)
    tracemalloc.start()
    try:
        conflict = compile_model(spec)
        assert all(isinstance(g, LatticeMoves) for g in conflict.moves)
        analyze(conflict, "nash,gmr,smr,seq")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak <= budget

    refused = "its moves could need up to|needing about"  # after or before enumerating
    _budget(monkeypatch, peak // 2)
    with pytest.raises(CapacityError, match=refused):
        compile_model(spec)
    _budget(monkeypatch, budget)
    with pytest.raises(CapacityError, match=refused):
        compile_model(spec_from_dict(_constrained_model(collapse=True)))


@pytest.mark.parametrize("command", ["analyze", "states"])
def test_a_json_listing_too_big_for_memory_is_refused_before_any_work(monkeypatch, command):
    """JSON listing every state is held whole (as UTF-8 bytes, twice: about 1.4 GB for
    ``analyze -f json`` on a 1M-state model, 20 options); it is refused, with CSV as the
    fix, when the estimate exceeds the memory budget, and CSV of the same rows is still
    written."""
    import standoff.analysis
    import standoff.costs as costs

    monkeypatch.setattr(costs, "memory_budget", lambda: 1_000)  # Elmira's 9 states: ~4 kB
    calls: list[object] = []
    real_analyze = standoff.analysis.analyze
    monkeypatch.setattr(standoff.analysis, "analyze",
                        lambda *a, **k: calls.append(a) or real_analyze(*a, **k))
    refused = run(command, str(EXAMPLES / "elmira.yaml"), "--format", "json")
    assert refused.code == 2, refused.err
    assert "as JSON for 9 states would need about" in refused.err
    assert "fix: use --format csv" in refused.err
    assert calls == []  # nothing analysed first
    listed = run(command, str(EXAMPLES / "elmira.yaml"), "--format", "csv")
    assert listed.code == 0 and len(listed.out.strip().splitlines()) == 1 + 9
    assert len(calls) == (1 if command == "analyze" else 0)  # the wrapper is what runs
