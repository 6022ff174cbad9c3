"""Attitudes and relational stability (issue 14, section 2).

Definitions: :mod:`standoff.stability.relational` (a reconstruction; docs/structure.md says
what of Inohara, Hipel & Walker 2007 and Inohara & Hipel 2009 could be read). Checked here:

* the ``attitudes:`` section (model and variants): default, long form, located errors;
* the engine against the literal reference (:mod:`standoff.reference.relational`) on
  hypothesis-generated models with random attitudes;
* the two propositions of the Inohara & Hipel (2009) abstract, as properties (their
  hypotheses in each test's docstring), and the inclusions that follow from the
  definitions;
* the catalogue keys, explanations and claims ``under`` a relational concept.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import numpy as np
import pytest
import yaml
from cli_runner import run
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from model_builders import reference_spec, spec_from_dict
from strategies import conflicts

import standoff.reference as ref
from standoff.analysis import analyze
from standoff.analysis.claims import check_claims
from standoff.analysis.explain import explain
from standoff.analysis.variants import apply_variant
from standoff.concepts import CATALOGUE, RELATIONAL, STABILITY, parse_concepts, resolve
from standoff.errors import ModelError
from standoff.graph import compile_model
from standoff.model.attitudes import attitude_matrix
from standoff.reference import relational as rref
from standoff.stability import kernel
from standoff.stability.relational import attitudes

PD_FILE = Path(__file__).resolve().parents[1] / "examples" / "prisoners_dilemma.yaml"
RELATIONAL_KEYS = ("rnash", "rgmr", "rsmr", "rseq")
CONVENTIONAL = {"rnash": "nash", "rgmr": "gmr", "rsmr": "smr", "rseq": "seq"}
SYMBOLS = ("+", "0", "-")


def pd_data(**extra) -> dict:
    data = yaml.safe_load(PD_FILE.read_text(encoding="utf-8"))
    data.update(extra)
    return data


def write(tmp_path: Path, data: dict | str) -> Path:
    path = tmp_path / "model.yaml"
    text = data if isinstance(data, str) else yaml.safe_dump(data, sort_keys=False)
    path.write_text(text, encoding="utf-8")
    return path


def line_of(path: Path, text: str) -> int:
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if text in line:
            return number
    raise AssertionError(f"{text!r} not in {path}")


def located(result, path: Path, line: int) -> str:
    """Assert one located error at ``path:line``, exit code 2, no traceback."""
    assert result.code == 2, result.out + result.err
    assert "Traceback" not in result.err
    assert result.err.count("error:") == 1, result.err
    assert re.search(rf"{re.escape(path.name)}:{line}:\d+: error: ", result.err), result.err
    return result.err


# -- the catalogue -----------------------------------------------------------------------------
def test_catalogue_has_the_relational_concepts():
    assert [k for k, c in CATALOGUE.items() if c.family == RELATIONAL] == list(RELATIONAL_KEYS)
    assert [CATALOGUE[k].label for k in RELATIONAL_KEYS] == ["RNash", "RGMR", "RSMR", "RSEQ"]
    assert resolve(" RGMR ").key == "rgmr"
    assert [c.key for c in parse_concepts("rnash, rseq", STABILITY)] == ["rnash", "rseq"]
    assert all("Inohara" in CATALOGUE[k].citation for k in RELATIONAL_KEYS)
    assert all(kernel(k).__name__ == f"{k}_stable" for k in RELATIONAL_KEYS)


# -- the file format ---------------------------------------------------------------------------
def test_missing_entries_take_the_discrete_default():
    """Default (documented in docs/structure.md): + toward itself, 0 toward the others."""
    spec = spec_from_dict(pd_data(attitudes={"p1": {"p2": "-"}}))
    e = attitudes(compile_model(spec))
    assert e.tolist() == [[1, -1], [0, 1]]
    bare = attitudes(compile_model(spec_from_dict(pd_data())))
    assert bare.tolist() == [[1, 0], [0, 1]]


def test_symbols_words_numbers_and_the_long_form(tmp_path):
    text = PD_FILE.read_text(encoding="utf-8") + (
        "sources:\n  note: {title: A note, file: note.txt}\n"
        "attitudes:\n  p1:\n    p1: neutral\n    p2:\n      attitude: '-'\n"
        "      source: note\n      quote: the other prisoner is a rival\n"
        "  p2:\n    p1: +1\n    p2: 0\n")
    (tmp_path / "note.txt").write_text("For p1 the other prisoner is a rival.", "utf-8")
    path = write(tmp_path, text)
    spec = standoff_read(path)
    assert attitude_matrix(2, spec.attitudes).tolist() == [[0, -1], [1, 0]]
    long_form = [a for a in spec.attitudes if a.holder == 0 and a.target == 1][0]
    assert long_form.evidence.quote == "the other prisoner is a rival"


def standoff_read(path: Path):
    from standoff.model import read_model

    return read_model(path)


@pytest.mark.parametrize("attitudes_yaml, marker, message", [
    ("attitudes:\n  p3:\n    p1: '+'\n", "p3:", "attitudes of an unknown decision maker 'p3'"),
    ("attitudes:\n  p1:\n    russia: '+'\n", "russia:",
     "attitude of 'p1' toward an unknown decision maker 'russia'"),
    ("attitudes:\n  p1:\n    p2: '++'\n", "'++'", "'++' is not an attitude"),
    ("attitudes:\n  p1:\n    p2: true\n", "p2: true", "an attitude is +, 0 or -, not true"),
    ("attitudes:\n  p1:\n    p2: 2\n", "p2: 2", "'2' is not an attitude"),
    ("variants:\n  v:\n    description: d\n    attitudes:\n      p2:\n        p4: '0'\n",
     "p4:", "attitude of 'p2' toward an unknown decision maker 'p4'"),
    ("attitudes:\n  p1:\n    p2: {attitude: '-', quote: nowhere}\n", "p2: {",
     "a quote needs a source"),
])
def test_bad_attitudes_are_located_errors(tmp_path, attitudes_yaml, marker, message):
    path = write(tmp_path, PD_FILE.read_text(encoding="utf-8") + attitudes_yaml)
    err = located(run("check", path), path, line_of(path, marker))
    assert message in err
    assert "fix:" in err


def test_a_bare_dash_fails_in_yaml_and_the_fix_says_quote_it(tmp_path):
    path = write(tmp_path, PD_FILE.read_text(encoding="utf-8")
                 + "attitudes:\n  p1:\n    p2: '--'\n")
    err = located(run("check", path), path, line_of(path, "'--'"))
    assert "in quotes" in err


def test_variant_attitudes_replace_entries_one_by_one_along_extends():
    data = pd_data(
        attitudes={"p1": {"p2": "-"}, "p2": {"p1": "+"}},
        variants={
            "friendly": {"description": "p1 likes p2", "assumption": "test",
                         "attitudes": {"p1": {"p2": "+"}}},
            "selfless": {"description": "and p2 ignores itself", "assumption": "test",
                         "extends": "friendly", "attitudes": {"p2": {"p2": "0"}}},
        })
    spec = spec_from_dict(data)
    assert attitude_matrix(2, spec.attitudes).tolist() == [[1, -1], [1, 1]]
    friendly = apply_variant(spec, "friendly")
    assert attitude_matrix(2, friendly.attitudes).tolist() == [[1, 1], [1, 1]]
    selfless = apply_variant(spec, "selfless")
    assert attitude_matrix(2, selfless.attitudes).tolist() == [[1, 1], [1, 0]]
    assert attitude_matrix(2, apply_variant(selfless, "base").attitudes).tolist() == \
        [[1, -1], [1, 1]]


# -- engine against the literal reference --------------------------------------------------------
SETTINGS = settings(max_examples=60, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])


@st.composite
def models_with_attitudes(draw, max_dms: int = 3, max_options: int = 6):
    """A random conflict (tests/strategies.py) with random attitude entries, some left out."""
    model = draw(st.one_of(conflicts(max_dms=max_dms, max_options=max_options),
                           conflicts(max_dms=max_dms, max_options=max_options, product=True)))
    dms = list(model["decision_makers"])
    section: dict = {}
    for i in dms:
        for j in dms:
            if draw(st.integers(0, 3)):  # about one in four left to the default
                section.setdefault(i, {})[j] = draw(st.sampled_from(SYMBOLS))
    if section:
        model["attitudes"] = section
    return model


def compiled(model: dict):
    spec = spec_from_dict(model)
    try:
        return spec, compile_model(spec)
    except ModelError:
        assume(False)
        raise


def reference_attitudes(model: dict) -> dict[str, dict[str, str]]:
    """The documented default ("+" to itself, "0" to others) with the file's entries on top,
    computed without the engine."""
    dms = list(model["decision_makers"])
    e = {i: {j: "+" if i == j else "0" for j in dms} for i in dms}
    for i, row in model.get("attitudes", {}).items():
        e[i].update(row)
    return e


@SETTINGS
@given(models_with_attitudes())
def test_engine_matches_the_literal_reference(model):
    spec, conflict = compiled(model)
    reference = ref.build(reference_spec(spec))
    e = reference_attitudes(model)
    result = analyze(conflict, RELATIONAL_KEYS)
    for key in RELATIONAL_KEYS:
        for dm in conflict.dm_ids:
            assert set(result.stable_states(key, dm)) == \
                rref.relational_stable(reference, e, key, dm), (key, dm)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(models_with_attitudes(max_dms=3, max_options=5), st.data())
def test_explanations_agree_with_the_kernels(model, data):
    _, conflict = compiled(model)
    key = data.draw(st.sampled_from(RELATIONAL_KEYS))
    dm = data.draw(st.sampled_from(conflict.dm_ids))
    state = data.draw(st.integers(1, conflict.state_count))
    verdict = bool(kernel(key)(conflict, conflict.dm_index(dm))[state - 1])
    why = explain(conflict, state, dm, key)
    assert why.stable == verdict
    assert all(d.sanctioned == (d.outcome is not None) for d in why.improvements)


# -- the published propositions as properties ---------------------------------------------------
def strict(conflict, order: list[int]):
    """The conflict with every decision maker's ranking made strict (complete and
    anti-symmetric): ties broken by ``order``, a permutation of the states."""
    tie_break = np.asarray(order)
    ranks = np.empty_like(conflict.ranks)
    for i in range(ranks.shape[0]):
        by = np.lexsort((tie_break, conflict.ranks[i]))  # ascending: worst first
        ranks[i, by] = np.arange(conflict.state_count)
    return dataclasses.replace(conflict, ranks=ranks, _cache={})


def with_attitudes(conflict, entries: dict[str, dict[str, str]]):
    """The conflict with these attitudes (every pair given)."""
    data = pd_free_model(conflict, entries)
    spec = dataclasses.replace(conflict.spec, attitudes=data)
    return dataclasses.replace(conflict, spec=spec, _cache={})


def pd_free_model(conflict, entries):
    from standoff.model.attitudes import VALUES, AttitudeSpec

    ids = conflict.dm_ids
    return tuple(AttitudeSpec(ids.index(i), ids.index(j), VALUES[v], None, ())
                 for i, row in entries.items() for j, v in row.items())


def discrete(conflict):
    return {i: {j: "+" if i == j else "0" for j in conflict.dm_ids} for i in conflict.dm_ids}


def totally_neutral(conflict):
    return {i: {j: "0" for j in conflict.dm_ids} for i in conflict.dm_ids}


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(conflicts(max_dms=4, max_options=7), conflicts(max_dms=4, product=True)),
       st.randoms(use_true_random=False))
def test_discrete_attitudes_and_strict_preferences_give_the_conventional_concepts(model, rnd):
    """Inohara & Hipel (2009), abstract: "if decision makers' attitudes are discrete and
    decision makers' preferences are complete and anti-symmetric, then i) relational Nash
    stability is equivalent to Nash stability, ii) relational general metarationality is
    equivalent to general metarationality, iii) relational symmetric metarationality is
    equivalent to symmetric metarationality, and iv) relational sequential stability is
    equivalent to sequential stability".

    Hypotheses as implemented: every decision maker positive toward itself and neutral
    toward every other one (our reading of "discrete"; the paper's definition could not be
    read) and every ranking strict (ties broken at random). Checked on every state and
    decision maker."""
    _, conflict = compiled(model)
    order = list(range(conflict.state_count))
    rnd.shuffle(order)
    c = with_attitudes(strict(conflict, order), discrete(conflict))
    for i in range(len(c.dm_ids)):
        for key, plain in CONVENTIONAL.items():
            assert np.array_equal(kernel(key)(c, i), kernel(plain)(c, i)), (key, i)


@SETTINGS
@given(st.one_of(conflicts(max_dms=3, max_options=6), conflicts(max_dms=3, product=True)))
def test_the_strict_preference_hypothesis_matters_for_rnash(model):
    """With discrete attitudes but ties in the preferences, RNash may differ from Nash: a
    move to an equally preferred state is a relational improvement (the reason for the
    "anti-symmetric" hypothesis). RNash is then at most Nash, never more."""
    _, conflict = compiled(model)
    c = with_attitudes(conflict, discrete(conflict))
    for i in range(len(c.dm_ids)):
        rnash, nash = kernel("rnash")(c, i), kernel("nash")(c, i)
        assert not np.any(rnash & ~nash)
        ties = any(c.ranks[i, t] == c.ranks[i, s]
                   for s in range(c.state_count) for t in c.moves[i].of(s))
        if not ties:
            assert np.array_equal(rnash, nash)


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(conflicts(max_dms=4, max_options=7), conflicts(max_dms=4, product=True)))
def test_totally_neutral_attitudes(model):
    """Inohara & Hipel (2009), abstract: "under totally neutral attitudes of decision
    makers, i) relational Nash stability is equivalent to relational symmetric
    metarationality, and ii) relational general metarationality is equivalent to
    relational sequential stability".

    Hypothesis as implemented: every attitude neutral, toward itself included; preferences
    as generated (ties allowed: the abstract states no condition on them here)."""
    _, conflict = compiled(model)
    c = with_attitudes(conflict, totally_neutral(conflict))
    for i in range(len(c.dm_ids)):
        assert np.array_equal(kernel("rnash")(c, i), kernel("rsmr")(c, i))
        assert np.array_equal(kernel("rgmr")(c, i), kernel("rseq")(c, i))


def three_with_a_collapse() -> dict:
    """Three decision makers with one option each; taking o0 and o1 together collapses the
    state (o2 becomes irrelevant). Found by hypothesis as the smallest model in which a
    sanction can return to the very start state (through the collapsed state)."""
    dms = {f"dm{k}": {"name": f"Decision maker {k}",
                      "options": {f"o{k}": {"text": f"option o{k}"}}} for k in range(3)}
    return {"format": "standoff/1", "title": "collapse", "decision_makers": dms,
            "feasibility": {"collapse": ["o0 and o1"]},
            "preferences": {d: {"prioritize": ["o0"]} for d in dms}}


def test_a_sanction_can_return_to_the_start_through_a_collapsed_state():
    """Under totally neutral attitudes every state but the start is a relational
    improvement on it, so only a return to the start sanctions: RGMR then differs from
    RNash exactly where the others can bring the conflict back (via the collapsed state),
    and the engine agrees with the reference on it."""
    spec, conflict = compiled(three_with_a_collapse())
    c = with_attitudes(conflict, totally_neutral(conflict))
    reference = ref.build(reference_spec(spec))
    neutral = rref.totally_neutral_attitudes(reference)
    differs = False
    for i, dm in enumerate(c.dm_ids):
        for key in RELATIONAL_KEYS:
            mine = {int(s) + 1 for s in np.flatnonzero(kernel(key)(c, i))}
            assert mine == rref.relational_stable(reference, neutral, key, dm), (key, dm)
        differs |= not np.array_equal(kernel("rgmr")(c, i), kernel("rnash")(c, i))
    assert differs


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(conflicts(max_dms=4, max_options=6))
def test_totally_neutral_engine_matches_the_reference(model):
    """The case where returning to the start is the only sanction (collapses included)."""
    spec, conflict = compiled(model)
    c = with_attitudes(conflict, totally_neutral(conflict))
    reference = ref.build(reference_spec(spec))
    neutral = rref.totally_neutral_attitudes(reference)
    for i, dm in enumerate(c.dm_ids):
        for key in ("rgmr", "rseq"):
            mine = {int(s) + 1 for s in np.flatnonzero(kernel(key)(c, i))}
            assert mine == rref.relational_stable(reference, neutral, key, dm), (key, dm)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(conflicts(max_dms=3, max_options=5), conflicts(max_dms=3, product=True)),
       st.randoms(use_true_random=False))
def test_the_propositions_hold_in_the_reference_too(model, rnd):
    """Both propositions on the literal reference (same hypotheses as above)."""
    spec, conflict = compiled(model)
    reference = ref.build(reference_spec(spec))
    order = list(reference.states)
    rnd.shuffle(order)
    strict_ref = reference
    for dm in reference.dms:  # strict: ties broken by ``order``
        ranking = sorted(reference.states,
                         key=lambda s: (-reference.payoff[dm][s], order.index(s)))
        strict_ref = ref.with_ranking(strict_ref, dm, ranking)
    e = rref.discrete_attitudes(strict_ref)
    for dm in reference.dms:
        assert rref.relational_stable(strict_ref, e, "rnash", dm) == ref.nash(strict_ref, dm)
        assert rref.relational_stable(strict_ref, e, "rgmr", dm) == ref.gmr(strict_ref, dm)
        assert rref.relational_stable(strict_ref, e, "rsmr", dm) == ref.smr(strict_ref, dm)
        assert rref.relational_stable(strict_ref, e, "rseq", dm) == ref.seq(strict_ref, dm)
    neutral = rref.totally_neutral_attitudes(reference)
    for dm in reference.dms:
        assert rref.relational_stable(reference, neutral, "rnash", dm) == \
            rref.relational_stable(reference, neutral, "rsmr", dm)
        assert rref.relational_stable(reference, neutral, "rgmr", dm) == \
            rref.relational_stable(reference, neutral, "rseq", dm)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(models_with_attitudes(max_dms=4, max_options=7))
def test_inclusions_that_follow_from_the_definitions(model):
    """Not a published result but immediate from the definitions (as for Nash, GMR, SMR,
    SEQ): RNash ⊆ RSMR ⊆ RGMR and RNash ⊆ RSEQ ⊆ RGMR, for any attitudes."""
    _, conflict = compiled(model)
    result = analyze(conflict, RELATIONAL_KEYS)
    s = result.stable
    for i in range(len(conflict.dm_ids)):
        assert not np.any(s["rnash"][i] & ~s["rsmr"][i])
        assert not np.any(s["rsmr"][i] & ~s["rgmr"][i])
        assert not np.any(s["rnash"][i] & ~s["rseq"][i])
        assert not np.any(s["rseq"][i] & ~s["rgmr"][i])


# -- a worked case, explanations and claims -------------------------------------------------------
def test_prisoners_dilemma_with_mutual_sympathy():
    """Each prisoner positive toward both: a relational improvement must be at least as good
    for both, and in the Prisoner's Dilemma no unilateral move is (each helps one and hurts
    the other, or hurts both), so every state is stable under every relational concept,
    while Nash keeps only 4 (YY)."""
    spec = spec_from_dict(pd_data(attitudes={"p1": {"p2": "+"}, "p2": {"p1": "+"}}))
    result = analyze(compile_model(spec), ("nash", *RELATIONAL_KEYS))
    assert result.equilibria["nash"] == [4]
    for key in RELATIONAL_KEYS:
        assert result.equilibria[key] == [1, 2, 3, 4]


def test_prisoners_dilemma_with_a_spiteful_prisoner():
    """p1 negative toward p2: from 1 (NN) p1's defection (to 2, YN) is better for p1 and
    worse for p2, a relational improvement; p2's answer (to 4, YY) leaves p1 worse off than
    at 1, so 1 is RGMR stable for p1, with the sanction named."""
    spec = spec_from_dict(pd_data(attitudes={"p1": {"p2": "-"}}))
    conflict = compile_model(spec)
    why = explain(conflict, 1, "p1", "rgmr")
    assert why.stable
    [deterred] = why.improvements
    assert (deterred.improvement, deterred.outcome) == (2, 4)
    text = str(why)
    assert "relational improvement" in text
    assert "negative toward Prisoner 2" in text
    assert "worse than 1 for itself" in text
    assert not explain(conflict, 1, "p1", "rnash").stable


def test_explain_command_names_the_relational_improvement_and_the_sanction(tmp_path):
    path = write(tmp_path, pd_data(attitudes={"p1": {"p2": "-"}}))
    result = run("explain", path, "1", "--dm", "p1", "--concept", "rgmr")
    assert result.code == 0, result.err
    assert "is RGMR stable for Prisoner 1" in result.out
    assert "Prisoner 2 moves 2→4" in result.out
    json_run = run("explain", path, "1", "--dm", "p1", "--concept", "RSEQ", "-f", "json")
    assert json_run.code == 0, json_run.err
    assert '"concept": "rseq"' in json_run.out


def test_analyze_command_takes_relational_concepts(tmp_path):
    path = write(tmp_path, pd_data(attitudes={"p1": {"p2": "+"}, "p2": {"p1": "+"}}))
    result = run("analyze", path, "--concepts", "nash,rgmr", "-f", "json")
    assert result.code == 0, result.err
    assert '"rgmr"' in result.out
    unknown = run("analyze", path, "--concepts", "rgmx")
    assert unknown.code == 2 and "did you mean 'rgmr'" in unknown.err


def test_claims_under_relational_concepts(tmp_path):
    """Mutual sympathy makes 2 (YN) an equilibrium under RNash and RGMR, not under Nash."""
    claims = {
        "sympathy": {"check": "some equilibrium has p1.defect and not p2.defect under "
                              "rnash, rgmr", "assumption": "t"},
        "nash": {"check": "some equilibrium has p1.defect and not p2.defect under nash",
                 "assumption": "t"},
    }
    data = pd_data(attitudes={"p1": {"p2": "+"}, "p2": {"p1": "+"}}, claims=claims)
    conflict = compile_model(spec_from_dict(data))
    results = {r.id: r for r in check_claims(analyze(conflict, ("nash", "rnash", "rgmr")))}
    assert [v.concept for v in results["sympathy"].verdicts] == ["rnash", "rgmr"]
    assert results["sympathy"].holds
    assert not results["nash"].holds
    path = write(tmp_path, data)
    result = run("claims", path)
    assert result.code in (0, 1), result.err
    assert "RGMR" in result.out and "sympathy" in result.out


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                 HealthCheck.function_scoped_fixture])
@given(models_with_attitudes(max_dms=4, max_options=6))
def test_rsmr_without_the_reachability_matrix(monkeypatch, model):
    """Beyond MAX_MATRIX_STATES, RSMR settles open cases with one reachability minimum per
    state instead of the reachability matrix: both paths give the reference's answer."""
    import standoff.stability.relational as relational

    spec, conflict = compiled(model)
    reference = ref.build(reference_spec(spec))
    e = reference_attitudes(model)
    monkeypatch.setattr(relational, "MAX_MATRIX_STATES", 0)
    for i, dm in enumerate(conflict.dm_ids):
        mine = {int(s) + 1 for s in np.flatnonzero(relational.rsmr_stable(conflict, i))}
        assert mine == rref.relational_stable(reference, e, "rsmr", dm), dm


def test_a_variant_with_other_attitudes_changes_the_relational_verdicts(tmp_path):
    """Base: default attitudes (RNash = Nash here: the rankings are strict). Variant
    'sympathy': each prisoner positive toward the other, so no move is a relational
    improvement and every state is an RNash equilibrium."""
    data = pd_data(variants={"sympathy": {
        "description": "each prisoner cares for the other", "assumption": "test",
        "attitudes": {"p1": {"p2": "+"}, "p2": {"p1": "+"}}}})
    path = write(tmp_path, data)
    result = run("analyze", path, "--all-variants", "--concepts", "nash,rnash", "-f", "json")
    assert result.code == 0, result.err
    import json

    documents = json.loads(result.out)["variants"]
    by_variant = {d["variant"]: d["analysis"]["equilibria"] for d in documents}
    assert by_variant["base"]["rnash"] == by_variant["base"]["nash"] == [4]
    assert by_variant["sympathy"]["nash"] == [4]
    assert by_variant["sympathy"]["rnash"] == [1, 2, 3, 4]
    described = {d["variant"]: d["description"] for d in documents}
    assert described["sympathy"].endswith("(attitudes of p1, p2 changed)")


ISTANBUL_ATTITUDES = PD_FILE.parent / "istanbul-2025" / "istanbul-2025-attitudes.yaml"


def test_the_istanbul_attitudes_example_loads_with_evidence_for_every_attitude():
    """examples/istanbul-2025/istanbul-2025-attitudes.yaml: every attitude it states quotes
    the commentary (checked by the loader against the text), and the engine agrees with the
    literal reference on it under the four relational concepts."""
    spec = standoff_read(ISTANBUL_ATTITUDES)
    assert spec.attitudes
    assert all(a.evidence is not None and a.evidence.quote for a in spec.attitudes)
    conflict = compile_model(spec)
    e = attitudes(conflict)
    ids = conflict.dm_ids
    assert e[ids.index("globalists"), ids.index("russia")] == -1
    assert e[ids.index("base"), ids.index("us")] == 1
    reference = ref.build(reference_spec(spec))
    entries = {i: {j: {1: "+", 0: "0", -1: "-"}[int(e[a, b])] for b, j in enumerate(ids)}
               for a, i in enumerate(ids)}
    result = analyze(conflict, RELATIONAL_KEYS)
    for key in RELATIONAL_KEYS:
        for dm in ids:
            assert set(result.stable_states(key, dm)) == \
                rref.relational_stable(reference, entries, key, dm), (key, dm)
    verdicts = {r.id: r for r in check_claims(analyze(conflict, ("seq", *RELATIONAL_KEYS)))}
    assert {v.concept for v in verdicts["globalists-keep-trump-in"].verdicts} == \
        set(RELATIONAL_KEYS)
