"""Every result record carries its provenance (issue 10): concepts, parameters, variant,
model and standoff version, frozen, and under a ``provenance`` key in its JSON."""

from __future__ import annotations

import dataclasses
import json

import pytest
from cli_runner import run
from conftest import EXAMPLES

import standoff
from standoff.analysis.claims import check_claims
from standoff.analysis.coalitions import analyze_coalitions
from standoff.analysis.inverse import inverse_analysis
from standoff.analysis.paths import status_quo_analysis
from standoff.analysis.variants import compile_variant
from standoff.bargaining import load_model, run_model
from standoff.provenance import Provenance

ELMIRA = EXAMPLES / "elmira.yaml"
ISTANBUL = EXAMPLES / "istanbul-2025" / "istanbul-2025.yaml"


@pytest.fixture(scope="module")
def elmira():
    return standoff.load(ELMIRA)


def _check(provenance, concepts, title, variant="base"):
    assert isinstance(provenance, Provenance)
    assert provenance.concepts == tuple(concepts)
    assert provenance.variant == variant
    assert provenance.title == title
    assert provenance.version == standoff.__version__
    with pytest.raises(dataclasses.FrozenInstanceError):
        provenance.variant = "other"  # type: ignore[misc]
    with pytest.raises(TypeError):
        provenance.parameters["x"] = 1  # type: ignore[index]
    doc = json.loads(json.dumps(provenance.to_dict()))
    assert doc["concepts"] == list(concepts) and doc["variant"] == variant
    assert doc["standoff_version"] == standoff.__version__


def test_graph_model_results_carry_provenance(elmira):
    title = elmira.title
    analysis = standoff.analyze(elmira, "nash,seq")
    _check(analysis.provenance, ("nash", "seq"), title)
    assert analysis.provenance.path == str(ELMIRA) or analysis.provenance.path.endswith(
        "elmira.yaml")
    assert analysis.to_dict()["provenance"] == analysis.provenance.to_dict()

    paths = status_quo_analysis(elmira, analysis, moves="any")
    _check(paths.provenance, ("nash", "seq"), title)
    assert paths.provenance.parameters["moves"] == "any"
    assert paths.provenance.parameters["start"] == paths.start
    assert paths.to_dict()["provenance"]["parameters"]["moves"] == "any"

    coalitions = analyze_coalitions(elmira, [["moe", "uniroyal"]])
    _check(coalitions.provenance, ("cnash", "cgmr", "csmr", "cseq"), title)
    assert coalitions.provenance.parameters["coalitions"] == (("moe", "uniroyal"),)
    assert coalitions.to_dict()["provenance"]["parameters"]["coalitions"] == [
        ["moe", "uniroyal"]]

    inverse = inverse_analysis(elmira, 9, ["moe"], "nash")
    _check(inverse.provenance, ("nash",), title)
    assert inverse.provenance.parameters["state"] == 9
    assert inverse.provenance.parameters["vary"] == ("moe",)
    assert inverse.to_dict()["provenance"]["parameters"]["vary"] == ["moe"]


def test_claims_and_variants_record_their_variant():
    spec = standoff.load(ISTANBUL).spec
    name = spec.variants[0].name
    conflict = compile_variant(spec, name)
    analysis = standoff.analyze(conflict)
    assert analysis.provenance.variant == name
    results = check_claims(analysis)
    assert results
    for result in results:
        _check(result.provenance, tuple(v.concept for v in result.verdicts
                                        if v.concept is not None), conflict.title, name)
        assert result.provenance.parameters["claim"] == result.id
        assert result.to_dict()["provenance"]["variant"] == name


def test_forecasts_carry_provenance():
    model = load_model(EXAMPLES / "bargaining" / "ec_emissions.yaml")
    forecast = run_model(model, "compromise")
    _check(forecast.provenance, ("compromise",), model.title, variant=None)
    assert forecast.to_json()["provenance"]["concepts"] == ["compromise"]


def test_cli_reads_the_variant_from_the_result():
    spec = standoff.load(ISTANBUL).spec
    name = spec.variants[0].name
    for command in (("analyze",), ("paths",), ("coalitions",)):
        out = run(*command, ISTANBUL, "--variant", name, "-f", "json")
        assert out.code == 0, out.err
        doc = json.loads(out.out)
        assert doc["variant"] == name == doc["provenance"]["variant"]
