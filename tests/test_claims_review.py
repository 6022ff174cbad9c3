"""Claims and variants: defects found in review, each with the input that showed it.

The models are small: the Prisoner's Dilemma of examples/prisoners_dilemma.yaml (states
1 NN, 2 YN, 3 NY, 4 YY; its only Nash equilibrium is 4, and 1 is also an equilibrium under
GMR, SEQ and the limited-move concepts L(2) and NM), and a three-option model whose states
are re-numbered by a variant.
"""

from __future__ import annotations

import copy
import json
import re
import shutil
from pathlib import Path

import pytest
import yaml
from cli_runner import run
from model_builders import spec_from_dict

import standoff
from standoff.analysis.claims import check_claims
from standoff.analysis.variants import compile_variant

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
PD_FILE = EXAMPLES / "prisoners_dilemma.yaml"
ISTANBUL = EXAMPLES / "istanbul-2025"


def pd_data(claims: dict[str, str] | None = None) -> dict:
    """The Prisoner's Dilemma example as a dict, with the given claims."""
    data = yaml.safe_load(PD_FILE.read_text(encoding="utf-8"))
    if claims:
        data["claims"] = {k: {"check": v, "assumption": "test"} for k, v in claims.items()}
    return data


def write(tmp_path: Path, data: dict, name: str = "model.yaml") -> Path:
    """Write a model dict as YAML (keys in the order given) and return its path."""
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True,
                                   default_flow_style=None), encoding="utf-8")
    return path


def line_of(path: Path, text: str) -> int:
    """The 1-based number of the first line of ``path`` containing ``text``."""
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if text in line:
            return number
    raise AssertionError(f"{text!r} not in {path}")


def located_error(result, path: Path, line: int) -> str:
    """Assert a run ended with one located error at ``path:line`` and no traceback."""
    assert result.code == 2, result.out + result.err
    assert "Traceback" not in result.err
    assert result.err.count("error:") == 1, result.err
    assert re.search(rf"{re.escape(path.name)}:{line}:\d+: error: ", result.err), result.err
    return result.err


# -- 1: limited-move concepts ---------------------------------------------------------------
@pytest.mark.parametrize("concept", ["l2", "nm"])
def test_claims_and_report_under_limited_move_concepts(tmp_path, concept):
    path = write(tmp_path, pd_data({
        "cc": "some equilibrium has not p1.defect and not p2.defect",
        "sq": "the status quo is stable for p1",
        "dc": "p1.defect and not p2.defect is not an equilibrium",
    }))
    r = run("claims", path, "--concepts", concept)
    assert r.code == 0 and "Traceback" not in r.err, r.err
    label = concept.upper()
    # 1 (NN) is stable for each prisoner: a defection is anticipated to end at 4 (YY)
    assert f"Holds under {label}: 1 (NN) is an equilibrium and has not p1.defect" in r.out
    assert "is anticipated to end at 4 (YY)" in r.out
    assert "Traceback" not in run("report", path, "--concepts", concept, "-o",
                                  tmp_path / "r.html").err
    assert (tmp_path / "r.html").exists()


def test_a_claim_under_nm_in_the_model_file_gets_a_witness_from_the_line_of_play(tmp_path):
    path = write(tmp_path, pd_data({"sq": "the status quo is stable for p1 under nm",
                                    "dc": "p1.defect and not p2.defect is an equilibrium "
                                          "under l1"}))
    r = run("claims", path, "--format", "json")
    assert r.code == 0, r.err
    claims = {c["id"]: c for c in json.loads(r.out)["claims"]}
    (sq,) = claims["sq"]["variants"]["base"]["verdicts"]
    assert sq["holds"] and sq["concept"] == "nm"
    assert any("Moving to 2 (YN) is anticipated to end at 4 (YY)" in d for d in sq["details"])
    # L(1): 2 (YN) is not stable for Prisoner 2, who moves to 4 and stays there
    (dc,) = claims["dc"]["variants"]["base"]["verdicts"]
    assert not dc["holds"]
    assert dc["summary"] == "Fails under L1: 2 (YN) (p1.defect and not p2.defect) is not L1 " \
        "stable for Prisoner 2 (it is for Prisoner 1)."
    assert "Moving to 4 (YY) is anticipated to end at 4 (YY)" in dc["details"][0]


# -- 2: limited-move concepts need two decision makers ----------------------------------------
def test_a_claim_under_nm_with_three_decision_makers_is_refused_by_check_and_claims(tmp_path):
    folder = tmp_path / "ist"
    shutil.copytree(ISTANBUL, folder)
    path = folder / "istanbul-2025.yaml"
    text = path.read_text(encoding="utf-8")
    first = re.search(r"check: (no equilibrium has [^\n]*)", text)
    assert first is not None
    path.write_text(text.replace(first.group(0), first.group(0) + " under nm", 1),
                    encoding="utf-8")
    line = line_of(path, first.group(1) + " under nm")
    for command in ("check", "claims"):
        err = located_error(run(command, path), path, line)
        assert "'nm' (limited-move stability) is defined for two decision makers" in err
        assert "has 3 (russia, ukraine, us)" in err


# -- 3: claims about the status quo need one ------------------------------------------------
@pytest.mark.parametrize("check", [
    "the status quo is stable for p1",
    "the status quo is not stable for p1",
    "the status quo is an equilibrium",
    "the status quo is not an equilibrium under nash",
    "p1.defect is reachable from the status quo",
    "p1.defect is not reachable from the status quo by any moves",
])
def test_a_status_quo_claim_without_a_status_quo_is_a_located_error(tmp_path, check):
    data = pd_data({"ok": "no equilibrium has p1.defect and not p2.defect", "sq": check})
    del data["status_quo"]
    path = write(tmp_path, data)
    line = line_of(path, check)
    for command in ("check", "claims"):
        err = located_error(run(command, path), path, line)
        assert "the model states no status quo" in err
        assert "fix: add 'status_quo:'" in err


def test_is_not_an_equilibrium_holds_vacuously_for_an_empty_subject():
    data = pd_data({"empty": "p1.defect and not p1.defect is not an equilibrium under nash"})
    spec = spec_from_dict(data)
    (r,) = check_claims(standoff.analyze(standoff.compile_model(spec), ["nash"]))
    (v,) = r.verdicts
    assert r.holds and v.vacuous
    assert v.summary == ("Holds vacuously under Nash: no feasible state has p1.defect and not "
                         "p1.defect.")
    from standoff.analysis import claims

    assert "when X = ∅ it holds vacuously" in (claims.__doc__ or "")


# -- 4: the witness of a multi-DM stability claim names who leaves ----------------------------
@pytest.mark.parametrize("dms", ["every decision maker", "all", "p1 and p2"])
def test_the_witness_names_exactly_the_decision_makers_for_whom_it_fails(tmp_path, dms):
    path = write(tmp_path, pd_data({"c": f"p1.defect is stable for {dms} under gmr"}))
    r = run("claims", path, "--format", "json")
    (claim,) = json.loads(r.out)["claims"]
    (v,) = claim["variants"]["base"]["verdicts"]
    assert not v["holds"]
    assert v["summary"] == ("Fails under GMR: 2 (YN) (p1.defect) is not GMR stable for "
                            "Prisoner 2 (it is for Prisoner 1).")
    assert all("Prisoner 1 would gain" not in d for d in v["details"])
    assert "Prisoner 2 would gain by moving from 2 (YN) to 4 (YY)" in v["details"][0]


# -- 5: decision maker ids the claim language reserves ------------------------------------------
@pytest.mark.parametrize("dm_id", ["all", "everyone", "Everyone", "under"])
def test_a_decision_maker_id_the_claim_language_reserves_is_refused(tmp_path, dm_id):
    data = pd_data()
    text = yaml.safe_dump(data, sort_keys=False).replace("p1:", f"{dm_id}:") \
        .replace("p1.defect", f"{dm_id}.defect")
    path = tmp_path / "model.yaml"
    path.write_text(text, encoding="utf-8")
    err = located_error(run("check", path), path, line_of(path, f"  {dm_id}:"))
    assert f"'{dm_id}' cannot be used as a decision maker id" in err
    assert "fix: rename the decision maker" in err


# -- 6: rankings by state number in a variant that re-numbers the states ----------------------
RENUMBERED = {
    "format": "standoff/1",
    "title": "Re-numbered",
    "decision_makers": {
        "a": {"name": "Alpha", "options": {"x": {"text": "A does x"}, "y": {"text": "A does y"}}},
        "b": {"name": "Beta", "options": {"z": {"text": "B does z"}}},
    },
    "feasibility": {"at_most_one": [["x", "y"]]},
    "preferences": {"a": {"ranking": [3, 1, 2, 4, 5, 6]}, "b": {"prioritize": ["z", "x"]}},
    "status_quo": ["x"],
    "variants": {
        "noy": {"description": "y is impossible.", "assumption": "test",
                "feasibility": {"add": {"infeasible": ["y"]}}},
    },
}


def test_a_base_ranking_by_state_number_in_a_variant_that_changes_feasibility(tmp_path):
    path = write(tmp_path, RENUMBERED)
    line = line_of(path, "ranking:")
    for command in ("check", "claims"):
        err = located_error(run(command, path), path, line)
        assert "variant 'noy' changes feasibility" in err
        assert "the ranking of 'a' (in the model as written) names state 3" in err
        assert "write the ranking with statements" in err


def test_a_ranking_by_state_number_inherited_through_extends(tmp_path):
    data = copy.deepcopy(RENUMBERED)
    data["preferences"]["a"] = {"prioritize": ["x", "not z"]}
    data["variants"] = {
        "numbers": {"description": "Alpha ranks by number.", "assumption": "test",
                    "preferences": {"a": {"ranking": [1, 2, 3, 4, 5, 6]}}},
        "later": {"description": "And y is impossible.", "assumption": "test",
                  "extends": "numbers", "feasibility": {"add": {"infeasible": ["y"]}}},
    }
    path = write(tmp_path, data)
    err = located_error(run("check", path), path, line_of(path, "ranking:"))
    assert "variant 'later' changes feasibility" in err
    assert "given by variant 'numbers', which 'later' extends" in err


def test_a_state_number_a_variant_lacks_is_reported_with_the_variant_named(tmp_path):
    data = copy.deepcopy(RENUMBERED)
    data["preferences"]["a"] = {"prioritize": ["x", "not z"]}
    data["variants"] = {"bad": {"description": "Alpha ranks by number.", "assumption": "test",
                                "preferences": {"a": {"ranking": [1, 2, 3, 4, 5, 7]}}}}
    path = write(tmp_path, data)
    err = located_error(run("check", path), path, line_of(path, "ranking:"))
    assert "error: in variant 'bad': state 7 does not exist" in err
    # a ranking by statements is fine in a variant that changes feasibility
    data = copy.deepcopy(RENUMBERED)
    data["preferences"]["a"] = {"ranking": ["x and z", "x and not z", "z and not x and not y",
                                     "y and z", "y and not z", "not (x or y or z)"]}
    assert run("check", write(tmp_path, data, "fine.yaml")).code == 0


# -- 7: the library -------------------------------------------------------------------------------
def test_check_claims_labels_results_with_the_variant_analysed():
    conflict = standoff.load(ISTANBUL / "istanbul-2025.yaml")
    results = check_claims(standoff.analyze(compile_variant(conflict.spec, "maga"), ["nash"]))
    assert results and {r.variant for r in results} == {"maga"}
    assert {r.variant for r in check_claims(standoff.analyze(conflict, ["nash"]))} == {"base"}


def test_compile_variant_of_a_conflict_says_what_it_expects():
    conflict = standoff.load(ISTANBUL / "istanbul-2025.yaml")
    with pytest.raises(TypeError, match=r"expects a ModelSpec, not a Conflict.*conflict\.spec"):
        compile_variant(conflict, "maga")  # type: ignore[arg-type]


# -- 8: wording ---------------------------------------------------------------------------------
def test_trivial_verdicts_name_their_concept(tmp_path):
    path = write(tmp_path, pd_data({"e": "p1.defect and not p1.defect is stable for p1"}))
    (claim,) = json.loads(run("claims", path, "--format", "json").out)["claims"]
    summaries = [v["summary"] for v in claim["variants"]["base"]["verdicts"]]
    assert summaries[0] == "Fails trivially under Nash: no feasible state has p1.defect and " \
        "not p1.defect."
    assert len(set(summaries)) == len(summaries) == 5


def test_one_state_is_said_in_the_singular():
    spec = spec_from_dict(pd_data({"c": "no equilibrium has not p1.defect and not p2.defect "
                                        "under nash"}))
    (r,) = check_claims(standoff.analyze(standoff.compile_model(spec), ["nash"]))
    (v,) = r.verdicts
    assert "1 state" not in v.summary and "1 states" not in v.summary
    assert v.summary == ("Holds under Nash: the only state with not p1.defect and not "
                         "p2.defect, 1 (NN), is not an equilibrium (the only Nash equilibrium "
                         "is 4 (YY)).")


@pytest.mark.parametrize("check", ["the status quo is stable for p1 under",
                                   "no equilibrium has p1.defect under  "])
def test_nothing_after_under_gets_a_hint_listing_the_concepts(tmp_path, check):
    path = write(tmp_path, pd_data({"c": check}))
    err = located_error(run("check", path), path, line_of(path, "check:"))
    assert "'under' names no concept" in err
    assert "fix: list concepts after 'under', one or more of: nash, gmr, smr, seq, sim" in err
    assert "join statements" not in err
