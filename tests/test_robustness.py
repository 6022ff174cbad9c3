"""Robustness under declared uncertainty (issue 11): the fast sweep against a literal oracle.

The oracle enumerates the admissible preferences of each decision maker itself (every
permutation of each any_order group, every inclusion of each uncertain statement),
scores the states with the reference implementation's plain loops, merges preferences
that order the states alike, and runs :mod:`standoff.reference` on every profile. The
sweep (:mod:`standoff.analysis.sweep`, batched kernels) must count exactly the same
stable, equilibrium and claim verdicts.
"""

from __future__ import annotations

import copy
import dataclasses
import itertools
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from model_builders import reference_spec, spec_from_dict
from strategies import conflicts

import standoff.reference as ref
from standoff.analysis.admissible import profile_space
from standoff.analysis.robustness import robustness
from standoff.analysis.sweep import ClaimCheck, sweep, wilson_interval
from standoff.errors import ModelError
from standoff.graph import compile_model
from standoff.model.claims_grammar import ClaimContext, parse_claim

CONCEPTS = ("nash", "gmr", "smr", "seq", "sim")
LABELS = {"nash": "Nash", "gmr": "GMR", "smr": "SMR", "seq": "SEQ", "sim": "SIM"}


@st.composite
def uncertain_conflicts(draw):
    """A random conflict (tests/strategies.py) with declared uncertainty added: an
    any_order group and/or an uncertain statement in some decision makers' preferences."""
    model = draw(conflicts(max_dms=3, max_options=5))
    names = [o for d in model["decision_makers"].values() for o in d["options"]]
    for dm, pref in model["preferences"].items():
        if len(names) >= 2 and draw(st.integers(0, 3)) == 0:
            a, b = draw(st.lists(st.sampled_from(names), min_size=2, max_size=2, unique=True))
            items = [f"{a} and {b}", f"{a} and not {b}", f"not {a}"]
            first = draw(st.integers(0, 1))
            pref = {"ranking": [*items[:first], {"any_order": items[first:first + 2]},
                                *items[first + 2:]]}
        elif "prioritize" in pref:
            stmts = pref["prioritize"]
            if len(stmts) >= 2 and draw(st.booleans()):
                start = draw(st.integers(0, len(stmts) - 2))
                size = draw(st.integers(2, min(3, len(stmts) - start)))
                group = stmts[start:start + size]
                stmts = [*stmts[:start], {"any_order": group}, *stmts[start + size:]]
            if draw(st.booleans()):
                k = draw(st.integers(0, len(stmts) - 1))
                if isinstance(stmts[k], str):
                    stmts[k] = {"statement": stmts[k], "uncertain": True}
            pref["prioritize"] = stmts
        else:
            for item in pref["weights"]:
                if draw(st.integers(0, 2)) == 0:
                    item["uncertain"] = True
        model["preferences"][dm] = pref
    return model


def _oracle_readings(pref):
    """Every crisp reading of a declared preference: its statements (or, for a ranking,
    its items) in order."""
    stmts = list(pref.statements) if pref.kind != "ranking" else list(pref.ranking)
    groups = pref.any_order
    uncertain = [] if pref.kind == "ranking" else \
        [k for k, s in enumerate(stmts) if s.uncertain]
    readings = []
    for orders in itertools.product(*(itertools.permutations(g) for g in groups)):
        sequence = list(range(len(stmts)))
        for group, order in zip(groups, orders, strict=True):
            for position, item in zip(group, order, strict=True):
                sequence[position] = item
        for drop in itertools.product((False, True), repeat=len(uncertain)):
            gone = {k for k, d in zip(uncertain, drop, strict=True) if d}
            readings.append([stmts[k] for k in sequence if k not in gone])
    return readings


def _oracle_payoffs(spec, reference):
    """Per decision maker: the distinct payoff dicts (state id -> value) it may have."""
    out = []
    for pref in spec.preferences:
        seen, payoffs = set(), []
        for reading in _oracle_readings(pref):
            payoff = {}
            for s, vector in reference.vectors.items():
                if pref.kind == "ranking":
                    payoff[s] = -next(k for k, item in enumerate(reading)
                                      if any(st_.expr.evaluate(vector) for st_ in item))
                elif pref.kind == "prioritize":
                    payoff[s] = sum(2 ** (len(reading) - k) for k, st_ in
                                    enumerate(reading, start=1) if st_.expr.evaluate(vector))
                else:
                    payoff[s] = sum(st_.weight for st_ in reading if st_.expr.evaluate(vector))
            values = sorted(set(payoff.values()))
            signature = tuple(values.index(payoff[s]) for s in sorted(payoff))
            if signature not in seen:
                seen.add(signature)
                payoffs.append(payoff)
        out.append(payoffs)
    return out


SETTINGS = settings(max_examples=40, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@SETTINGS
@given(uncertain_conflicts(), st.data())
def test_sweep_matches_the_literal_oracle(model, data):
    spec = spec_from_dict(model)
    try:
        conflict = compile_model(spec)
    except ModelError:
        assume(False)
    space = profile_space(conflict)
    assume(space.size <= 64)
    reference = ref.build(reference_spec(spec))
    per_dm = _oracle_payoffs(spec, reference)
    assert tuple(len(p) for p in per_dm) == space.counts
    option = data.draw(st.sampled_from([o.key for o in spec.options]))
    ctx = ClaimContext(lambda name, pos: [o.key for o in spec.options].index(name),
                       tuple(d.id for d in spec.dms), False)
    texts = [f"no equilibrium has {option}", f"some equilibrium has not {option}",
             f"{option} is stable for {spec.dms[0].id}"]
    checks = [ClaimCheck(f"c{k}", parse_claim(t, ctx), CONCEPTS) for k, t in enumerate(texts)]
    run = sweep(conflict, space, CONCEPTS, checks)
    dms = [d.id for d in spec.dms]
    states = sorted(reference.vectors)
    stable_counts = {c: np.zeros((len(dms), len(states)), dtype=int) for c in CONCEPTS}
    eq_counts = {c: np.zeros(len(states), dtype=int) for c in CONCEPTS}
    claim_counts = dict.fromkeys(range(len(texts)), 0)
    subject = {s for s in states if reference.vectors[s][[o.key for o in spec.options]
                                                          .index(option)]}
    for combo in itertools.product(*per_dm):
        m = dataclasses.replace(reference, payoff=dict(zip(dms, combo, strict=True)))
        eqs = {}
        stables = {}
        for c in CONCEPTS:
            for i, dm in enumerate(dms):
                stable = getattr(ref, c)(m, dm)
                stables[(c, dm)] = stable
                for s in stable:
                    stable_counts[c][i, s - 1] += 1
            eqs[c] = ref.equilibria(m, LABELS[c])
            for s in eqs[c]:
                eq_counts[c][s - 1] += 1
        claim_counts[0] += all(not (eqs[c] & subject) for c in CONCEPTS)
        claim_counts[1] += all(eqs[c] - subject for c in CONCEPTS)
        claim_counts[2] += all(subject and subject <= stables[(c, dms[0])] for c in CONCEPTS)
    assert run.total == run.evaluated == int(np.prod([len(p) for p in per_dm]))
    for c in CONCEPTS:
        assert np.array_equal(run.tally.stable[c][0], stable_counts[c]), c
        assert np.array_equal(run.tally.equilibria[c][0], eq_counts[c]), c
    for k in range(len(texts)):
        assert int(run.tally.claims[f"c{k}"][0]) == claim_counts[k], texts[k]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(uncertain_conflicts())
def test_witnesses_are_profiles_on_their_side(model):
    spec = spec_from_dict(model)
    try:
        conflict = compile_model(spec)
    except ModelError:
        assume(False)
    space = profile_space(conflict)
    run = sweep(conflict, space, ("gmr", "seq"))
    from standoff.analysis.batch import BatchEngine

    engine = BatchEngine(conflict)
    for concept in ("gmr", "seq"):
        count, yes, no = run.tally.equilibria[concept]
        for s in range(conflict.state_count):
            for position, expected in ((yes[s], True), (no[s], False)):
                profile = run.profile_at(int(position))
                if profile is None:
                    assert count[s] == (0 if expected else run.evaluated)
                    continue
                stable = engine.evaluate(space.ranks(profile)[None], [concept])[concept][0]
                assert bool(stable[:, s].all()) is expected


EXAMPLES = ["chicken.yaml", "prisoners_dilemma.yaml", "elmira.yaml", "syria_iraq.yaml",
            "cuban_missile_crisis.yaml", "garrison.yaml", "istanbul-2025/istanbul-2025.yaml"]


@pytest.mark.parametrize("name", EXAMPLES)
def test_crisp_models_give_todays_verdicts(examples, name):
    from standoff.analysis import analyze
    from standoff.analysis.claims import check_claims
    from standoff.model import read_model

    conflict = compile_model(read_model(examples / name))
    result = robustness(conflict, premises=False)
    analysis = analyze(conflict, list(result.concepts))
    crisp = not conflict.spec.preferences or not any(
        p.declares_uncertainty for p in conflict.spec.preferences)
    assert result.run.exact and (result.run.total == 1) == crisp
    for concept in result.concepts:
        for i, dm in enumerate(conflict.dm_ids):
            for s in range(conflict.state_count):
                f = result.stability(concept, dm, s + 1)
                assert f.base == bool(analysis.stable[concept][i, s])
                if crisp:
                    assert f.of == 1 and f.holds == int(f.base)
        base_eq = {e.state + 1 for e in result.equilibria
                   if e.concept == concept and e.firmness.base}
        assert base_eq == set(analysis.equilibria[concept])
    today = {r.id: r.holds for r in check_claims(analysis, default_concepts=result.concepts)}
    assert {c.id: c.firmness.base for c in result.claims} == today
    if crisp:
        assert {c.id: c.firmness.holds == 1 for c in result.claims} == today


def _declared_istanbul(examples):
    from standoff.model import read_model

    return compile_model(read_model(examples / "istanbul-2025" / "istanbul-2025.yaml"))


def _three_groups():
    return {
        "format": "standoff/1", "title": "t",
        "decision_makers": {
            "a": {"name": "A", "options": {"x": {"text": "x"}, "w": {"text": "w"}}},
            "b": {"name": "B", "options": {"y": {"text": "y"}}},
            "c": {"name": "C", "options": {"z": {"text": "z"}}},
        },
        "preferences": {
            "a": {"prioritize": [{"any_order": ["x", "y", "z", "w"]}]},
            "b": {"prioritize": [{"any_order": ["not x", "y", "z"]}, "w"]},
            "c": {"prioritize": [{"any_order": ["z", "x and y", "not w"]}]},
        },
    }


def _same(a, b, concepts):
    for c in concepts:
        for table in ("stable", "equilibria"):
            x, y = getattr(a.tally, table)[c], getattr(b.tally, table)[c]
            assert all(np.array_equal(p, q) for p, q in zip(x, y, strict=True))
    assert a.tally.claims.keys() == b.tally.claims.keys()
    for key in a.tally.claims:
        assert all(np.array_equal(p, q) for p, q in
                   zip(a.tally.claims[key], b.tally.claims[key], strict=True))


def test_results_identical_whatever_workers_and_chunking():
    conflict = compile_model(spec_from_dict(_three_groups()))
    space = profile_space(conflict)
    concepts = ("nash", "gmr", "smr", "seq")
    serial = sweep(conflict, space, concepts)
    for workers, chunk in ((1, 7), (2, 50), (2, 333)):
        other = sweep(conflict, space, concepts, workers=workers, chunk=chunk)
        _same(serial, other, concepts)
    sampled = sweep(conflict, space, concepts, samples=500, seed=7, chunk=64)
    again = sweep(conflict, space, concepts, samples=500, seed=7, chunk=99, workers=2)
    assert not sampled.exact and sampled.evaluated == 500
    for c in concepts:
        assert all(np.array_equal(x, y) for x, y in
                   zip(sampled.tally.equilibria[c], again.tally.equilibria[c], strict=True))


def test_sampling_reports_a_wilson_interval_covering_the_exact_share():
    model = {
        "format": "standoff/1", "title": "t",
        "decision_makers": {
            "a": {"name": "A", "options": {"x": {"text": "x"}, "w": {"text": "w"}}},
            "b": {"name": "B", "options": {"y": {"text": "y"}, "v": {"text": "v"}}},
        },
        "preferences": {
            "a": {"prioritize": [{"any_order": ["x", "y", "not v", "w"]}]},
            "b": {"prioritize": [{"any_order": ["not x", "y", "v", "not w"]}]},
        },
    }
    conflict = compile_model(spec_from_dict(model))
    exact = robustness(conflict, premises=False)
    sampled = robustness(conflict, premises=False, samples=2000, seed=3)
    assert exact.run.exact and not sampled.run.exact
    for e_exact in exact.equilibria:
        match = [e for e in sampled.equilibria
                 if (e.concept, e.state) == (e_exact.concept, e_exact.state)]
        share = e_exact.firmness.holds / e_exact.firmness.of
        if match:
            low, high = match[0].firmness.interval
            assert low - 0.05 <= share <= high + 0.05
    assert wilson_interval(0, 10)[0] == 0.0 and wilson_interval(10, 10)[1] == 1.0
    beyond = robustness(conflict, premises=False, limit=10, margin_steps=0)
    assert not beyond.run.exact and beyond.run.evaluated == 10_000 and beyond.run.seed == 0


def test_weight_range_orders_are_exact():
    """One range: the orders found are exactly those a fine sweep of the weight finds, and
    every order found is produced by the weight its reading names."""
    model = {
        "format": "standoff/1", "title": "t",
        "decision_makers": {
            "a": {"name": "A", "options": {"x": {"text": "x"}, "w": {"text": "w"}}},
            "b": {"name": "B", "options": {"y": {"text": "y"}}},
        },
        "preferences": {
            "a": {"weights": [{"statement": "x", "weight": [0.5, 4]},
                              {"statement": "w", "weight": 1},
                              {"statement": "y", "weight": 2},
                              {"statement": "x and y", "weight": -1.5}]},
            "b": {"prioritize": ["y"]},
        },
    }
    conflict = compile_model(spec_from_dict(model))
    found = profile_space(conflict).dms[0]
    patterns = conflict.space.patterns

    def ranks_at(w):
        x, wv, y = (patterns & 1) > 0, (patterns & 2) > 0, (patterns & 4) > 0
        score = [Fraction(w) * int(a) + int(b) + 2 * int(c) - Fraction(3, 2) * int(a and c)
                 for a, b, c in zip(x, wv, y, strict=True)]
        values = sorted(set(score))
        return np.array([values.index(v) for v in score])

    grid = {ranks_at(Fraction(k, 400)).tobytes() for k in range(200, 1601)}
    assert {r.tobytes() for r in found.ranks} == grid
    assert found.exact


def test_library_result_views(examples):
    conflict = _declared_istanbul(examples)
    result = robustness(conflict)
    data = result.to_dict()
    assert set(data) >= {"claims", "equilibria", "provenance"}
    for entry in data["claims"]:
        assert set(entry) >= {"claim", "holds", "of", "exact", "interval", "witnesses",
                              "critical_premises", "sufficient_sets"}
        for p in entry["critical_premises"]:
            assert set(p) >= {"premise", "quoted", "effect"}
    frame = result.to_frame()
    assert len(frame) == len(result.claims) + len(result.equilibria)
    assert "<table" in result._repr_html_()
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.claims = ()  # type: ignore[misc]
    assert copy.copy(data["provenance"])["concepts"] == list(result.concepts)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(uncertain_conflicts())
def test_dense_reach_and_kernel_paths_agree(model):
    """GMR/SMR tables: the dense reach matrix and the per-preference reachability kernel
    (used above DENSE_REACH_LIMIT states) give the same verdicts."""
    import standoff.analysis.batch as batch

    spec = spec_from_dict(model)
    try:
        conflict = compile_model(spec)
    except ModelError:
        assume(False)
    space = profile_space(conflict)
    dense = batch.BatchEngine(conflict)
    saved = batch.DENSE_REACH_LIMIT
    batch.DENSE_REACH_LIMIT = 0
    try:
        kernel_path = batch.BatchEngine(conflict)
        for concept in ("gmr", "smr"):
            for i, d in enumerate(space.dms):
                assert np.array_equal(dense.own(concept, i, d.ranks),
                                      kernel_path.own(concept, i, d.ranks))
    finally:
        batch.DENSE_REACH_LIMIT = saved


def test_several_ranges_list_only_reachable_orders_and_say_so():
    """Two ranges in one decision maker's weights: the enumeration is not claimed exact,
    and every order it lists is the one its reading's weights produce."""
    model = {
        "format": "standoff/1", "title": "t",
        "decision_makers": {
            "a": {"name": "A", "options": {"x": {"text": "x"}, "w": {"text": "w"}}},
            "b": {"name": "B", "options": {"y": {"text": "y"}}},
        },
        "preferences": {
            "a": {"weights": [{"statement": "x", "weight": [0, 3]},
                              {"statement": "w", "weight": [1, 2]},
                              {"statement": "y", "weight": 1.5}]},
            "b": {"prioritize": ["y"]},
        },
    }
    conflict = compile_model(spec_from_dict(model))
    found = profile_space(conflict).dms[0]
    assert not found.exact and not profile_space(conflict).exact
    patterns = conflict.space.patterns
    x, w, y = ((patterns >> k) & 1 for k in range(3))
    for ranks, reading in zip(found.ranks[1:], found.readings[1:], strict=True):
        weights = dict(part.split(" = ") for part in reading.split("; "))
        wx = Fraction(weights["weight of 'x'"])
        ww = Fraction(weights["weight of 'w'"])
        score = [wx * int(a) + ww * int(b) + Fraction(3, 2) * int(c)
                 for a, b, c in zip(x, w, y, strict=True)]
        values = sorted(set(score))
        assert list(ranks) == [values.index(v) for v in score], reading
    result = robustness(conflict, premises=False)
    assert result.provenance["enumeration_exact"] is False
    from standoff.report.robustness import robustness_text

    assert "may be incomplete" in robustness_text(result)


def test_a_variant_supposition_is_a_premise(examples):
    from standoff.analysis.variants import compile_variant
    from standoff.model import read_model

    spec = read_model(examples / "istanbul-2025" / "istanbul-2025.yaml")
    conflict = compile_variant(spec, "maga")
    result = robustness(conflict, claims=["us-can-exit"], margin_steps=0)
    (claim,) = result.claims
    assert claim.firmness.base  # under the variant, the US can exit
    premises = [p for p, _ in claim.premises.critical]
    assert any(p.kind == "variant" and p.key == "variant.maga" and p.quoted for p in premises)


def test_dask_local_cluster_gives_the_serial_result():
    """A real LocalCluster with 2 worker processes (skipped without the extra)."""
    pytest.importorskip("distributed")
    conflict = compile_model(spec_from_dict(_three_groups()))
    space = profile_space(conflict)
    concepts = ("nash", "gmr", "smr", "seq")
    ctx = ClaimContext(lambda name, pos: [o.key for o in conflict.spec.options].index(name),
                       conflict.dm_ids, False)
    checks = [ClaimCheck("c", parse_claim("no equilibrium has a.x and b.y", ctx), concepts)]
    serial = sweep(conflict, space, concepts, checks, backend="serial")
    clustered = sweep(conflict, space, concepts, checks, workers=2, chunk=40,
                      backend="dask")
    assert clustered.workers.startswith("dask LocalCluster (2")
    _same(serial, clustered, concepts)


def test_profile_spaces_beyond_64_bits_are_sampled():
    """Six decision makers with 7! orders each: about 1.6e22 profiles, more than a 64-bit
    index holds; sampling draws each decision maker's preference and witnesses are exact
    Python integers."""
    names = [f"o{k}" for k in range(7)]
    dms = {f"d{k}": {"name": f"D{k}", "options": {names[k]: {"text": names[k]}}}
           for k in range(6)}
    dms["d5"]["options"]["o6"] = {"text": "o6"}
    prefs = {f"d{k}": {"prioritize": [{"any_order": [names[(k + j) % 7] if j % 2 else
                                                     f"not {names[(k + j) % 7]}"
                                                     for j in range(7)]}]}
             for k in range(6)}
    model = {"format": "standoff/1", "title": "t", "decision_makers": dms,
             "preferences": prefs}
    conflict = compile_model(spec_from_dict(model))
    space = profile_space(conflict)
    assert space.size > 2**63
    result = robustness(conflict, premises=False, samples=50, seed=2)
    assert not result.run.exact and result.run.evaluated == 50
    for e in result.equilibria:
        for witness in (e.firmness.witness_holds, e.firmness.witness_fails):
            if witness is not None:
                profile = witness["profile"]
                assert 0 <= profile < space.size
                assert space.index(space.digits_of(profile)) == profile
