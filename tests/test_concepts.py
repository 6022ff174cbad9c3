"""The concept catalogue (standoff.concepts): its records, resolve(), one error type for an
unknown concept from every entry point, and a conformance check over every entry.

Conformance (in the spirit of scikit-learn's estimator checks): every catalogue entry, and
limited-move L(h) at a few horizons, resolves and round-trips its key, has a kernel that
runs, agrees with the reference oracle of its family, and keeps the promises its record
makes (two decision makers, inverse analysis).
"""

from __future__ import annotations

import ast
import dataclasses
import doctest
import re
from pathlib import Path

import numpy as np
import pytest
from cli_runner import run
from conftest import EXAMPLES
from model_builders import reference_spec

import standoff
import standoff.concepts
import standoff.reference as ref
from standoff.analysis import analyze, explain
from standoff.analysis.claims import check_claims
from standoff.analysis.coalitions import analyze_coalitions
from standoff.analysis.inverse import inverse_analysis
from standoff.analysis.paths import reachable_equilibria, status_quo_analysis
from standoff.concepts import (
    CATALOGUE,
    COALITION,
    COALITIONS,
    EVERY,
    FAMILIES,
    INDIVIDUAL,
    INVERSE,
    MAX_LIMITED_MOVE_HORIZON,
    STABILITY,
    Concept,
    UnknownConceptError,
    check_decision_makers,
    limited_move,
    parse_concepts,
    resolve,
)
from standoff.errors import ModelError
from standoff.report.content import build_report
from standoff.stability import kernel
from standoff.stability.coalition import CoalitionStability, coalition_stable
from standoff.stability.limited_move import explain_concept

CHICKEN = EXAMPLES / "chicken.yaml"  # two decision makers, status quo 1
ELMIRA = EXAMPLES / "elmira.yaml"  # three decision makers

#: Every catalogue entry, and L(h) at the ends of its range and in between.
ALL = [*CATALOGUE.values(), limited_move(1), limited_move(2), limited_move(3),
       limited_move(MAX_LIMITED_MOVE_HORIZON)]


def _id(c: Concept) -> str:
    return c.key


# -- the module's own examples run as tests ---------------------------------------------------
def test_doctests_of_the_catalogue_pass():
    result = doctest.testmod(standoff.concepts, optionflags=doctest.ELLIPSIS)
    assert result.attempted >= 10 and result.failed == 0
    assert doctest.testmod(standoff.stability).failed == 0  # kernel()


def test_the_catalogue_example_in_the_docs_runs():
    docs = EXAMPLES.parent / "docs" / "concepts.md"
    result = doctest.testfile(str(docs), module_relative=False)
    assert result.attempted >= 3 and result.failed == 0


def test_the_catalogue_is_the_bottom_layer():
    """standoff.concepts imports nothing from standoff but standoff.errors (also inside
    functions), so every layer may read it."""
    tree = ast.parse(Path(standoff.concepts.__file__).read_text(encoding="utf-8"))
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            imported.add(node.module)
        elif isinstance(node, ast.Import):
            imported.update(a.name for a in node.names)
    assert {m for m in imported if m.split(".")[0] == "standoff"} == {"standoff.errors"}


# -- the catalogue is read-only and resolve() registers nothing --------------------------------
def test_catalogue_and_records_are_read_only():
    with pytest.raises(TypeError):
        CATALOGUE["x"] = CATALOGUE["nash"]  # type: ignore[index]
    with pytest.raises(dataclasses.FrozenInstanceError):
        CATALOGUE["nash"].label = "N"  # type: ignore[misc]


def test_resolving_limited_move_keys_changes_nothing():
    before = dict(CATALOGUE)
    assert resolve("l7").horizon == 7 and resolve("L7") == limited_move(7)
    analyze(standoff.load(CHICKEN), "l7")
    assert dict(CATALOGUE) == before and "l7" not in CATALOGUE
    assert not hasattr(standoff.stability, "known_concept")
    assert not hasattr(standoff.stability, "CONCEPTS")


def test_parse_concepts_reads_lists():
    assert [c.key for c in parse_concepts(" Nash ,SEQ,, l2,nash")] == ["nash", "seq", "l2"]
    assert [c.key for c in parse_concepts(None, INVERSE)] == ["nash", "gmr", "smr", "seq"]
    assert parse_concepts(["cgmr"], COALITIONS) == (CATALOGUE["cgmr"],)
    with pytest.raises(UnknownConceptError, match="no concept given"):
        parse_concepts(" , ")
    with pytest.raises(TypeError):
        parse_concepts(3)  # type: ignore[arg-type]


# -- the error --------------------------------------------------------------------------------
def test_unknown_concept_error_is_a_value_error_and_a_model_error():
    with pytest.raises(UnknownConceptError) as info:
        resolve("gmrr")
    err = info.value
    assert isinstance(err, ValueError) and isinstance(err, ModelError)
    assert err.key == "gmrr" and err.suggestion == "gmr"
    text = str(err)
    assert text.startswith("unknown concept 'gmrr'; did you mean 'gmr'?")
    for key in CATALOGUE:
        assert key in text
    assert f"l1 … l{MAX_LIMITED_MOVE_HORIZON}" in text


@pytest.mark.parametrize(("key", "phrase"), [
    ("l0", "out of range"),
    (f"l{MAX_LIMITED_MOVE_HORIZON + 1}", "out of range"),
    ("l" + "9" * 5000, "out of range"),
    ("l02", "did you mean 'l2'?"),
    ("cnash", "stability analysis does not take 'cnash'"),
])
def test_keys_close_to_a_concept_are_explained(key, phrase):
    with pytest.raises(UnknownConceptError) as info:
        resolve(key, STABILITY)
    assert phrase in str(info.value)
    if phrase == "out of range":
        assert "unknown" not in str(info.value)


# -- conformance over the catalogue -----------------------------------------------------------
@pytest.mark.parametrize("concept", ALL, ids=_id)
def test_record_is_complete_and_round_trips(concept):
    assert concept.family in FAMILIES
    assert concept.key == concept.key.lower() and concept.label and concept.citation
    assert concept.definition.endswith(".")
    for spelling in (concept.key, concept.key.upper(), f"  {concept.label} "):
        assert resolve(spelling) == concept
    assert resolve(concept) is concept
    assert (concept.horizon is not None) == (concept.key not in CATALOGUE)
    scopes = [s for s in (STABILITY, COALITIONS, INVERSE) if s.accepts(concept)]
    assert scopes, "every concept can be used somewhere"
    assert EVERY.accepts(concept)


def _oracle(concept: Concept, reference, conflict, who: tuple[int, ...]) -> set[int]:
    """The states the reference implementation finds stable for ``who`` (1-based)."""
    names = [conflict.dm_ids[i] for i in who]
    if concept.family == COALITION:
        return ref.coalition_stable(reference, names, concept.key)
    (dm,) = names
    states = range(1, conflict.state_count + 1)
    if concept.family == INDIVIDUAL:
        return getattr(ref, concept.key)(reference, dm)
    if concept.family == "relational":  # the example files have the default attitudes
        from standoff.reference import relational

        attitudes = relational.discrete_attitudes(reference)
        return relational.relational_stable(reference, attitudes, concept.key, dm)
    if concept.horizon is not None:
        return {s for s in states if ref.is_limited_move_stable(reference, dm, s, concept.horizon)}
    return {s for s in states if ref.is_nonmyopic_stable(reference, dm, s)}


@pytest.mark.parametrize("model", [CHICKEN, ELMIRA], ids=["chicken", "elmira"])
@pytest.mark.parametrize("concept", ALL, ids=_id)
def test_kernel_agrees_with_the_reference_oracle(concept, model):
    conflict = standoff.load(model)
    reference = ref.build(reference_spec(conflict.spec))
    n = len(conflict.dm_ids)
    if concept.needs_two_decision_makers and n != 2:
        with pytest.raises(ModelError, match="defined for two decision makers"):
            kernel(concept)(conflict, 0)
        return
    if concept.family == COALITION:
        groups = [(0, 1), tuple(range(n))]
        for members in groups:
            mask = coalition_stable(conflict, members, concept)
            assert mask.dtype == bool and mask.shape == (conflict.state_count,)
            found = {int(s) + 1 for s in np.flatnonzero(mask)}
            assert found == _oracle(concept, reference, conflict, members)
        return
    for i in range(n):
        mask = kernel(concept)(conflict, i)
        assert mask.dtype == bool and mask.shape == (conflict.state_count,)
        found = {int(s) + 1 for s in np.flatnonzero(mask)}
        assert found == _oracle(concept, reference, conflict, (i,)), conflict.dm_ids[i]


@pytest.mark.parametrize("concept", ALL, ids=_id)
def test_two_decision_maker_rule_is_kept(concept):
    three = standoff.load(ELMIRA)
    if concept.needs_two_decision_makers:
        check_decision_makers(concept, ("a", "b"))
        with pytest.raises(ModelError) as info:
            check_decision_makers(concept, three.dm_ids)
        assert "defined for two decision makers" in str(info.value)
        if STABILITY.accepts(concept):
            with pytest.raises(ModelError) as analysed:
                analyze(three, [concept.key])
            assert analysed.value.message == info.value.message
            assert analysed.value.file == three.spec.file
    else:
        check_decision_makers(concept, three.dm_ids)
        check_decision_makers(concept, ("a", "b"))


@pytest.mark.parametrize("concept", [c for c in ALL if c.family == INDIVIDUAL], ids=_id)
def test_inverse_flag_is_what_inverse_analysis_takes(concept):
    conflict = standoff.load(CHICKEN)
    if concept.inverse:
        result = inverse_analysis(conflict, 1, [conflict.dm_ids[0]], [concept.key])
        assert set(result.counts) == {concept.key}
    else:
        with pytest.raises(UnknownConceptError, match="inverse analysis does not take"):
            inverse_analysis(conflict, 1, [conflict.dm_ids[0]], [concept.key])


# -- one error type from every entry point ----------------------------------------------------
def _claims_model(tmp_path):
    text = CHICKEN.read_text(encoding="utf-8") + (
        "claims:\n  c1:\n    check: no equilibrium has p1.straight under nash, nsh\n")
    path = tmp_path / "claims.yaml"
    path.write_text(text, encoding="utf-8")
    return path, text.count("\n")


@pytest.fixture(scope="module")
def chicken():
    return standoff.load(CHICKEN)


LIBRARY_CALLS = {
    "analyze": lambda c: analyze(c, "nash,nsh"),
    "parse_concepts": lambda c: standoff.analysis.parse_concepts(["nsh"]),
    "Analysis.stable_states": lambda c: analyze(c, "nash").stable_states("nsh", 0),
    "explain": lambda c: explain(c, 1, 0, "nsh"),
    "Analysis.explain": lambda c: analyze(c, "nash").explain(1, 0, "nsh"),
    "explain_concept": lambda c: explain_concept(c, 1, 0, "nsh"),
    "kernel": lambda c: kernel("nsh"),
    "check_claims": lambda c: check_claims(analyze(c, "nash"), default_concepts=["nsh"]),
    "build_report": lambda c: build_report(c, ["nsh"]),
    "inverse_analysis": lambda c: inverse_analysis(c, 1, [c.dm_ids[0]], ["nsh"]),
    "status_quo_analysis": lambda c: status_quo_analysis(c, concepts="nsh"),
    "reachable_equilibria": lambda c: reachable_equilibria(c, concepts=["nsh"]),
    "coalition explain": lambda c: analyze_coalitions(c).coalitions[0].explain(1, "nsh"),
    "coalition_stable": lambda c: coalition_stable(c, [0, 1], "nsh"),
    "CoalitionStability.stable": lambda c: CoalitionStability(c, (0, 1)).stable("nsh"),
}


@pytest.mark.parametrize("call", LIBRARY_CALLS.values(), ids=LIBRARY_CALLS.keys())
def test_every_library_entry_point_raises_unknown_concept_error(call, chicken):
    with pytest.raises(UnknownConceptError) as info:
        call(chicken)
    assert str(info.value).startswith("unknown concept 'nsh'")
    if "nash" in re.findall(r"\w+", str(info.value).split("Known concepts:")[1]):
        assert "did you mean 'nash'?" in str(info.value)


def test_a_claim_naming_an_unknown_concept_is_refused_where_it_is_written(tmp_path):
    path, line = _claims_model(tmp_path)
    with pytest.raises(UnknownConceptError) as info:
        standoff.load(path)
    err = info.value
    assert err.file == str(path) and err.line == line and err.position is not None
    assert "did you mean 'nash'?" in err.message and "use concept keys: nash" in err.hint
    result = run("check", path)
    assert result.code == 2 and result.err.startswith(f"{path}:{line}:")
    assert "unknown concept 'nsh'; did you mean 'nash'?" in result.err


CLI_CALLS = {
    "analyze": ("analyze", CHICKEN, "--concepts", "nash,nsh"),
    "explain": ("explain", CHICKEN, "1", "--dm", "p1", "--concept", "nsh"),
    "paths": ("paths", CHICKEN, "--concepts", "nsh"),
    "claims": ("claims", CHICKEN, "--concepts", "nsh"),
    "report": ("report", CHICKEN, "-o", "{tmp}/r.html", "--concepts", "nsh"),
    "coalitions": ("coalitions", ELMIRA, "--explain", "1", "--concept", "nsh"),
    "inverse": ("inverse", CHICKEN, "--state", "1", "--vary", "p1", "--concepts", "nsh"),
}


@pytest.mark.parametrize("args", CLI_CALLS.values(), ids=CLI_CALLS.keys())
def test_every_command_taking_a_concept_refuses_an_unknown_one_alike(args, tmp_path):
    result = run(*(str(a).replace("{tmp}", str(tmp_path)) for a in args))
    option = next(a for a in args if str(a).startswith("--concept"))
    assert result.code == 2 and "Traceback" not in result.err
    assert result.err.startswith(f"{option}: error: unknown concept 'nsh'"), result.err
    assert "fix: e.g. " + option in result.err
    assert not list(tmp_path.iterdir())


@pytest.mark.parametrize(("args", "phrase"), [
    (("coalitions", ELMIRA, "--explain", "1", "--concept", "gmr"),
     "coalition analysis does not take 'gmr' (GMR); did you mean 'cgmr'?"),
    (("inverse", CHICKEN, "--state", "1", "--vary", "p1", "--concepts", "nash,sim"),
     "inverse analysis does not take 'sim' (SIM)"),
    (("analyze", CHICKEN, "--concepts", "cseq"),
     "stability analysis does not take 'cseq' (CSEQ); did you mean 'seq'?"),
])
def test_a_concept_of_another_analysis_is_refused_by_name(args, phrase):
    result = run(*args)
    assert result.code == 2 and phrase in result.err and "Traceback" not in result.err
