"""The claim language: parsing with located errors, and verdicts on models small enough to
check by hand.

The hand-checked model is the Prisoner's Dilemma in option form (each prisoner may defect;
states 1 NN, 2 YN, 3 NY, 4 YY; each ranks: defect alone > both cooperate > both defect >
cooperate alone). Its only Nash equilibrium is 4 (both defect); under GMR both 1 and 4 are
equilibria (and under SEQ), since either prisoner's defection from 1 is sanctioned by
the other's.
"""

from __future__ import annotations

import copy
import re

import pytest
from cli_runner import run
from model_builders import spec_from_dict

import standoff
from standoff.analysis.claims import (
    Verdict,
    check_claims,
    register_form,
    select,
    unregister_form,
    variant_summary,
)
from standoff.analysis.variants import compile_variant
from standoff.errors import ModelError
from standoff.model.claims_grammar import ClaimContext, ClaimForm, parse_claim

PD = {
    "format": "standoff/1",
    "title": "Prisoner's Dilemma",
    "decision_makers": {
        "p1": {"name": "Prisoner 1", "options": {"defect": {"text": "Prisoner 1 defects"}}},
        "p2": {"name": "Prisoner 2", "options": {"defect": {"text": "Prisoner 2 defects"}}},
    },
    "preferences": {
        "p1": {"ranking": ["p1.defect and not p2.defect", "not p1.defect and not p2.defect",
                           "p1.defect and p2.defect", "not p1.defect and p2.defect"]},
        "p2": {"ranking": ["p2.defect and not p1.defect", "not p1.defect and not p2.defect",
                           "p1.defect and p2.defect", "not p2.defect and p1.defect"]},
    },
    "status_quo": [],
}


def pd(claims: dict, variants: dict | None = None) -> standoff.Conflict:
    data = copy.deepcopy(PD)
    data["claims"] = {k: {"check": v} for k, v in claims.items()}
    if variants:
        data["variants"] = variants
    return standoff.compile_model(spec_from_dict(data))


def verdicts(conflict: standoff.Conflict, concepts=("nash", "gmr", "seq")) -> dict:
    analysis = standoff.analyze(conflict, concepts)
    return {r.id: r for r in check_claims(analysis)}


def test_a_claim_that_holds():
    # mutual cooperation (state 1) is not a Nash equilibrium: each prisoner gains by defecting
    r = verdicts(pd({"c": "no equilibrium has not p1.defect and not p2.defect under nash"}))["c"]
    assert r.holds
    (v,) = r.verdicts
    assert v.concept == "nash" and v.witnesses == (1,)
    assert "the only state with" in v.summary
    assert "Prisoner 1 would gain by moving from 1 (NN) to 2 (YN)" in v.details[0]


def test_a_claim_that_fails_names_the_equilibrium_that_breaks_it():
    r = verdicts(pd({"c": "every equilibrium has not p1.defect under nash"}))["c"]
    assert not r.holds
    (v,) = r.verdicts
    assert v.witnesses == (4,)
    assert v.summary == ("Fails under Nash: 4 (YY) is an equilibrium without not p1.defect.")
    assert v.details[0] == ("Nash equilibrium 4 (YY): Prisoner 1 defects; Prisoner 2 "
                            "defects.")


def test_verdict_per_concept_with_the_gmr_sanction_as_witness():
    r = verdicts(pd({"c": "no equilibrium has not p1.defect and not p2.defect"}))["c"]
    by = {v.concept: v for v in r.verdicts}
    # 1 is GMR and SEQ stable: a defection from 1 is answered by the other's defection to 4
    # (itself an improvement for the one who answers), which is worse than 1
    assert by["nash"].holds and not by["seq"].holds and not by["gmr"].holds
    assert r.verdict_text == "holds under Nash; fails under GMR, SEQ"
    gmr = by["gmr"]
    assert gmr.witnesses == (1,)
    # the witness is the explanation: the defection is answered by the other's defection
    assert any("but Prisoner 2 moves 2→4, ending at 4 (YY)" in d for d in gmr.details)


def test_a_claim_that_depends_on_the_variant():
    variants = {
        "kind-p2": {
            "description": "Prisoner 2 never wants to defect.",
            "assumption": "A test variant.",
            "preferences": {"p2": {"prioritize": ["not p2.defect", "not p1.defect"]}},
        }
    }
    conflict = pd({"dd": "some equilibrium has p1.defect and p2.defect under nash"}, variants)
    base = verdicts(conflict)["dd"]
    assert base.holds and base.verdicts[0].witnesses == (4,)
    kind = standoff.analyze(compile_variant(conflict.spec, "kind-p2"), "nash")
    (r,) = check_claims(kind, "kind-p2")
    assert not r.holds
    assert r.verdicts[0].summary.startswith("Fails under Nash: the only state with")
    assert standoff.analyze(compile_variant(conflict.spec, "kind-p2"),
                            "nash").equilibria["nash"] == [2]
    assert variant_summary([base, r]) == "holds only in variant base (fails in kind-p2)"


def test_stability_forms_and_the_status_quo():
    conflict = pd({
        "sq": "the status quo is stable for p1 under nash",
        "sq-gmr": "the status quo is stable for p1, p2 under gmr",
        "dd": "p1.defect and p2.defect is an equilibrium under nash",
        "cc": "not p1.defect and not p2.defect is not an equilibrium under nash",
        "unstable": "p1.defect and not p2.defect is not stable for p2 under nash",
        # (D,C): Prisoner 1 is content, Prisoner 2 would leave: not an equilibrium
        "dc": "p1.defect and not p2.defect is not an equilibrium under nash",
        "dc-p1": "p1.defect and not p2.defect is not stable for p1 under nash",
    })
    r = verdicts(conflict)
    assert not r["sq"].holds
    assert "Prisoner 1 would gain by moving from 1 (NN) to 2 (YN)" in \
        r["sq"].verdicts[0].details[0]
    assert r["sq-gmr"].holds
    assert r["dd"].holds and r["cc"].holds and r["unstable"].holds
    assert r["dc"].holds and not r["dc-p1"].holds


def test_vacuous_and_empty_cases_are_said_plainly():
    variants = {"no-dd": {"description": "Both cannot defect.", "assumption": "test",
                          "feasibility": {"add": {"infeasible": ["p1.defect and p2.defect"]}}}}
    conflict = pd({"dd": "no equilibrium has p1.defect and p2.defect under nash"}, variants)
    v = compile_variant(conflict.spec, "no-dd")
    assert v.state_count == 3
    (r,) = check_claims(standoff.analyze(v, "nash"), "no-dd")
    assert r.holds and r.verdicts[0].vacuous
    assert "no feasible state has p1.defect and p2.defect" in r.verdicts[0].summary


CTX_CLAIMS = [
    ("no equilibrium has p1.defect under seq, nash", "no-equilibrium", ("seq", "nash")),
    ("Every equilibrium has p1.defect or p2.defect", "every-equilibrium", None),
    ("some   equilibrium has (p1.defect iff p2.defect)", "some-equilibrium", None),
    ("the status quo is stable for p1 and p2", "stable", None),
    ("p1.defect is not stable for every decision maker under gmr", "not-stable", ("gmr",)),
]


@pytest.mark.parametrize(("text", "form", "concepts"), CTX_CLAIMS)
def test_parse_forms(text, form, concepts):
    conflict = pd({"c": text})
    claim = conflict.spec.claims[0].claim
    assert claim.form == form and claim.concepts == concepts


def test_more_forms_can_be_registered():
    def evaluate(claim, analysis, concept):
        ok = bool(select(claim.subject, analysis.conflict).any())
        return Verdict(concept, ok, f"{'Holds' if ok else 'Fails'}: feasible.")

    form = register_form(ClaimForm("feasible", "STATEMENT is feasible",
                                   re.compile(r"(?P<subject>.+?)\s+is\s+feasible", re.I),
                                   uses_concepts=False), evaluate)
    try:
        r = verdicts(pd({"c": "p1.defect and p2.defect is feasible"}))["c"]
        assert r.holds and r.verdicts[0].concept is None
        with pytest.raises(ModelError, match="does not depend on a solution concept"):
            pd({"c": "p1.defect is feasible under nash"})
    finally:
        unregister_form(form.name)


# -- located errors --------------------------------------------------------------------------
MODEL = """\
format: standoff/1
title: claims
sources:
  text: {title: A text, file: text.txt}
decision_makers:
  a:
    name: A
    options:
      go: {text: A goes}
  b:
    name: B
    options:
      stop: {text: B stops}
preferences:
  a: {prioritize: [go]}
  b: {prioritize: [stop]}
claims:
  first:
    source: text
    quote: nobody will stop
    check: no equilibrium has go and stop
"""


def write(tmp_path, text):
    (tmp_path / "text.txt").write_text("We hold that nobody will stop.\n", encoding="utf-8")
    path = tmp_path / "model.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_valid_claims_model(tmp_path):
    result = run("check", write(tmp_path, MODEL))
    assert result.code == 0, result.err
    assert "1 claim" in result.out


@pytest.mark.parametrize(("old", "new", "line", "phrases"), [
    ("quote: nobody will stop", "quote: everybody will stop", 20,
     ["the quote is not in source 'text'"]),
    ("has go and stop", "has go and halt", 21, ["unknown option 'halt'", "at character 27"]),
    ("has go and stop", "has go and stop under nash, zen", 21,
     ["unknown concept 'zen'", "use concept keys: nash"]),
    ("no equilibrium has go and stop", "go is stable for c", 21, ["unknown decision maker 'c'"]),
    ("no equilibrium has go and stop", "go should be stable", 21,
     ["not one of the claim forms", "no equilibrium has STATEMENT"]),
    ("no equilibrium has go and stop", "no equilibrium has the status quo", 21,
     ["the status quo cannot be used here"]),
    ("has go and stop", "has go and (stop", 21, ["missing ')'"]),
])
def test_bad_claims_are_located(tmp_path, old, new, line, phrases):
    path = write(tmp_path, MODEL.replace(old, new))
    result = run("check", path)
    assert result.code == 2
    assert "Traceback" not in result.err
    assert result.err.startswith(f"{path}:{line}:"), result.err
    assert "fix:" in result.err
    for phrase in phrases:
        assert phrase in result.err, result.err


def test_parse_claim_reports_positions():
    from standoff.model.expressions import ExpressionError

    def resolve(name, pos):
        if name != "x":
            raise ExpressionError(f"unknown option '{name}'", pos)
        return 0

    ctx = ClaimContext(resolve, ("d",))
    with pytest.raises(ExpressionError) as info:
        parse_claim("no equilibrium has x and y", ctx)
    assert info.value.position == len("no equilibrium has x and ")
