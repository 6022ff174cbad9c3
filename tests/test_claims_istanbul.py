"""The Istanbul example: the commentary's claims, checked in every variant.

The verdicts below are what the model in examples/istanbul-2025 implies (it encodes the
commentary's view; see the model file for each premise's quote or assumption). They are
recorded here so that a change to the model or the engine that moves them is noticed.
"""

from __future__ import annotations

import json

import pytest
from cli_runner import run
from conftest import EXAMPLES

import standoff
from standoff.report.content import build_report

ISTANBUL = EXAMPLES / "istanbul-2025" / "istanbul-2025.yaml"
VARIANTS = ("base", "maga", "hesitant", "strikes-need-us", "maga-strikes-need-us")

# claim -> variant -> verdict (holds / fails under every concept, or the mixed text)
EXPECTED = {
    "truce-untenable": dict.fromkeys(VARIANTS, "holds"),
    "neither-satisfied": {
        "base": "holds under Nash, SEQ, SIM; fails under GMR, SMR",
        "maga": "holds under Nash; fails under GMR, SMR, SEQ, SIM",
        "hesitant": "holds under Nash, SEQ, SIM; fails under GMR, SMR",
        "strikes-need-us": "holds",
        "maga-strikes-need-us": "holds",
    },
    "us-can-exit": {"base": "fails", "maga": "holds", "hesitant": "holds",
                    "strikes-need-us": "fails", "maga-strikes-need-us": "holds"},
    "withdrawal-deescalates": {
        "base": "holds", "maga": "fails", "hesitant": "fails", "strikes-need-us": "holds",
        "maga-strikes-need-us": "holds under Nash, SEQ, SIM; fails under GMR, SMR",
    },
    "no-truce-soon": {
        "base": "holds under Nash, SEQ, SIM; fails under GMR, SMR",
        "maga": "holds",
        "hesitant": "holds under Nash, SEQ, SIM; fails under GMR, SMR",
        "strikes-need-us": "holds",
        "maga-strikes-need-us": "holds",
    },
}


@pytest.fixture(scope="module")
def content():
    return build_report(standoff.load(ISTANBUL))


def test_the_model_is_small_and_every_premise_has_evidence(content):
    from standoff.report.content import evidence_rows

    assert content.base.conflict.state_count <= 64
    rows = evidence_rows(content.spec)
    assert rows and all(r.kind in ("quote", "assumption") for r in rows)
    assert "commentary" in content.spec.view


def test_equilibria_per_variant(content):
    seq = {run.name: run.analysis.equilibria["seq"] for run in content.runs}
    assert seq == {"base": [9], "maga": [18], "hesitant": [9, 18], "strikes-need-us": [9],
                   "maga-strikes-need-us": [9, 10]}
    base = content.base.conflict
    assert base.pattern(8) == "NYNYN"  # Russia escalates, Ukraine strikes, the US stays
    assert base.status_quo == 6


@pytest.mark.parametrize("claim", list(EXPECTED))
def test_claim_verdicts(content, claim):
    got = {r.variant: r.verdict_text for r in content.claim_results(claim)}
    assert got == EXPECTED[claim]


def test_summaries_say_when_a_conclusion_depends_on_an_assumption(content):
    assert content.claim_summary("truce-untenable") == "holds in every variant"
    assert content.claim_summary("us-can-exit") == (
        "holds only in variants maga, hesitant, maga-strikes-need-us "
        "(fails in base, strikes-need-us)")


def test_witness_of_a_failing_claim_is_the_equilibrium_in_plain_language(content):
    (maga,) = [r for r in content.claim_results("withdrawal-deescalates") if r.variant == "maga"]
    seq = next(v for v in maga.verdicts if v.concept == "seq")
    assert seq.summary == ("Fails under SEQ: 18 (NYNYY) is an equilibrium and has us.withdraw "
                           "and russia.escalate.")
    assert seq.details[0] == (
        "SEQ equilibrium 18 (NYNYY): Russia escalates in response to the strikes on its "
        "nuclear triad; Ukraine continues deep strikes into Russia; The US exits the war and "
        "stops aiding Ukraine.")


def test_claims_command_table_json_markdown_and_strict():
    result = run("claims", ISTANBUL)
    assert result.code == 0, result.err
    assert "holds only in variants" in result.out
    assert ("Commentary on the Istanbul talks, dated 8 June 2025 holds that “any proposal for a "
            "truce") in result.out.replace("\n", " ")
    doc = json.loads(run("claims", ISTANBUL, "-f", "json").out)
    assert doc["format"] == "standoff-claims/1"
    first = doc["claims"][0]
    assert first["id"] == "truce-untenable" and first["summary"] == "holds in every variant"
    assert first["variants"]["maga"]["verdicts"][0]["concept"] == "nash"
    md = run("claims", ISTANBUL, "--variant", "base", "-f", "markdown").out
    assert md.startswith("# Claims:") and "| truce-untenable |" in md
    assert run("claims", ISTANBUL, "--strict").code == 1
    ok = run("claims", EXAMPLES / "elmira.yaml", "--strict")  # no claims: nothing fails
    assert ok.code == 0 and "states no claims" in ok.out
    single = json.loads(run("claims", ISTANBUL, "--variant", "maga", "-c", "seq",
                            "-f", "json").out)
    assert single["concepts"] == ["seq"]
    assert list(single["claims"][2]["variants"]) == ["maga"]


def test_a_quote_not_in_the_commentary_is_rejected(tmp_path):
    text = ISTANBUL.read_text(encoding="utf-8").replace(
        "quote: any proposal for a truce will sooner or later prove untenable",
        "quote: any proposal for a truce will soon prove untenable")
    (tmp_path / "commentary-2025-06-08.txt").write_text(
        (ISTANBUL.parent / "commentary-2025-06-08.txt").read_text(encoding="utf-8"),
        encoding="utf-8")
    path = tmp_path / "model.yaml"
    path.write_text(text, encoding="utf-8")
    line = 1 + next(k for k, x in enumerate(text.splitlines()) if "will soon prove" in x)
    result = run("check", path)
    assert result.code == 2
    assert result.err.startswith(f"{path}:{line}:")
    assert "the quote is not in source 'commentary'" in result.err
