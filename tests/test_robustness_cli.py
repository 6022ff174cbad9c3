"""``standoff robustness`` and the report section "How firm is each conclusion" on the
Istanbul example, whose model declares the uncertainty its commentary names."""

from __future__ import annotations

import json

from cli_runner import run
from conftest import EXAMPLES

ISTANBUL = EXAMPLES / "istanbul-2025" / "istanbul-2025.yaml"
ELMIRA = EXAMPLES / "elmira.yaml"


def test_json_shape_and_every_claim_has_its_premise_map():
    result = run("robustness", ISTANBUL, "--format", "json", "--max-set-size", "2")
    assert result.code == 0, result.err
    doc = json.loads(result.out)
    assert set(doc) >= {"claims", "equilibria", "provenance"}
    claims = {c["claim"]: c for c in doc["claims"]}
    assert set(claims) == {"truce-untenable", "neither-satisfied", "us-can-exit",
                           "withdrawal-deescalates", "no-truce-soon",
                           "memoranda-irreconcilable", "memoranda-incompatible"}
    n = doc["provenance"]["profiles"]
    assert n > 1 and doc["provenance"]["exact"]
    for entry in claims.values():
        assert entry["of"] == n and 0 <= entry["holds"] <= n and entry["interval"] is None
        for side, present in (("holds", entry["holds"] > 0), ("fails", entry["holds"] < n)):
            assert (entry["witnesses"][side] is not None) == present
        for premise in entry["critical_premises"]:
            assert isinstance(premise["quoted"], bool) and premise["effect"]
    # Trump's hesitation is declared: whether the US can exit depends on it, and the
    # premise that carries the base verdict is the quoted "giving in to the neoconservatives"
    exit_claim = claims["us-can-exit"]
    assert 0 < exit_claim["holds"] < n
    assert "us.withdraw" in exit_claim["witnesses"]["holds"]["preferences"]["us"]
    assert [p["premise"] for p in exit_claim["critical_premises"]] == \
        ["us prefers not us.withdraw"]
    assert claims["truce-untenable"]["holds"] == n
    for entry in doc["equilibria"]:
        assert entry["concept"] in ("nash", "gmr", "smr", "seq") and entry["holds"] > 0


def test_table_and_markdown_say_how_firm_and_what_carries_it(tmp_path):
    table = run("robustness", ISTANBUL, "--claim", "us-can-exit", "--margin-steps", "0")
    assert table.code == 0, table.err
    assert "us-can-exit: fails as written; holds in" in table.out
    assert "quoted premise" in table.out
    out = tmp_path / "firm.md"
    md = run("robustness", ISTANBUL, "--format", "markdown", "-o", out)
    assert md.code == 0, md.err
    assert out.read_text().startswith("## How firm is each conclusion")


def test_sampling_is_reported_with_seed_and_interval():
    result = run("robustness", ISTANBUL, "--format", "json", "--samples", "300",
                 "--seed", "5", "--max-set-size", "0", "--margin-steps", "0")
    doc = json.loads(result.out)
    assert doc["provenance"]["exact"] is False and doc["provenance"]["seed"] == 5
    for entry in doc["claims"]:
        low, high = entry["interval"]
        assert entry["of"] == 300 and 0 <= low <= entry["holds"] / 300 <= high <= 1


def test_bad_arguments_are_located_errors():
    unknown = run("robustness", ISTANBUL, "--claim", "nope")
    assert unknown.code == 2 and "unknown claim 'nope'" in unknown.err
    assert "truce-untenable" in unknown.err and "Traceback" not in unknown.err
    samples = run("robustness", ISTANBUL, "--samples", "0")
    assert samples.code == 2 and "--samples" in samples.err
    writes_input = run("robustness", ISTANBUL, "-o", ISTANBUL)
    assert writes_input.code == 2 and "input file" in writes_input.err


def test_report_firmness_section(tmp_path):
    declared = run("report", ISTANBUL, "-o", tmp_path / "istanbul.md")
    assert declared.code == 0, declared.err
    text = (tmp_path / "istanbul.md").read_text()
    assert "## How firm is each conclusion" in text
    assert "us-can-exit fails as the model is written, and holds in" in text
    crisp = run("report", ELMIRA, "-o", tmp_path / "elmira.md")
    assert crisp.code == 0, crisp.err
    # a model that declares no uncertainty gets no empty section (answer-first reports)
    assert "How firm is each conclusion" not in (tmp_path / "elmira.md").read_text()


def test_claims_shows_the_firmness_of_each_verdict():
    table = run("claims", ISTANBUL)
    assert table.code == 0, table.err
    assert "firmness (declared uncertainty, model as written): holds in" in table.out
    doc = json.loads(run("claims", ISTANBUL, "--format", "json").out)
    for claim in doc["claims"]:
        firm = claim["firmness"]
        assert firm["of"] > 1 and 0 <= firm["holds"] <= firm["of"] and firm["exact"]
    crisp = json.loads(run("claims", ELMIRA, "--format", "json").out)
    assert all(c["firmness"] is None for c in crisp["claims"])


def test_workers_and_scheduler_exclude_each_other():
    both = run("robustness", ISTANBUL, "--workers", "2", "--scheduler", "tcp://x:1")
    assert both.code == 2 and "cannot be used together" in both.err


def test_all_variants_sums_over_variants_and_their_profiles():
    result = run("robustness", ISTANBUL, "--all-variants", "--format", "json",
                 "--max-set-size", "0", "--margin-steps", "0")
    assert result.code == 0, result.err
    doc = json.loads(result.out)
    names = [v["variant"] for v in doc["variants"]]
    assert names[0] == "base" and "maga" in names
    for entry in doc["across_variants"]:
        per = entry["variants"]
        assert entry["of"] == sum(v["of"] for v in per.values())
        assert entry["holds"] == sum(v["holds"] for v in per.values())
        one = next(c for c in doc["variants"][names.index("maga")]["claims"]
                   if c["claim"] == entry["claim"])
        assert per["maga"]["holds"] == one["holds"]
    both = run("robustness", ISTANBUL, "--all-variants", "--variant", "maga")
    assert both.code == 2 and "cannot be used together" in both.err
