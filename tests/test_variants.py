"""Variants: what they change, how every analysis command selects them, and their errors."""

from __future__ import annotations

import json

import pytest
from cli_runner import run
from conftest import EXAMPLES

import standoff
from standoff.analysis.variants import apply_variant, compile_variant, variant_names

ISTANBUL = EXAMPLES / "istanbul-2025" / "istanbul-2025.yaml"

MODEL = """\
format: standoff/1
title: variants
decision_makers:
  a:
    name: A
    options:
      go: {text: A goes}
      wait: {text: A waits}
  b:
    name: B
    options:
      stop: {text: B stops}
feasibility:
  at_most_one: [[go, wait]]
  infeasible: [go and stop]
preferences:
  a: {prioritize: [go, wait]}
  b: {prioritize: [stop]}
variants:
  free:
    description: Going and stopping can happen together.
    assumption: test
    feasibility:
      remove:
        infeasible: [a.go and b.stop]
  free-and-eager:
    description: As free, and B wants A to wait.
    assumption: test
    extends: free
    preferences:
      b: {prioritize: [wait, stop]}
    feasibility:
      add:
        exactly_one: [[go, wait]]
"""


def write(tmp_path, text=MODEL):
    path = tmp_path / "model.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_variants_replace_preferences_and_change_feasibility(tmp_path):
    conflict = standoff.load(write(tmp_path))
    assert variant_names(conflict.spec) == ("base", "free", "free-and-eager")
    assert conflict.state_count == 5  # 3 choices of A x 2 of B, minus go-and-stop
    free = compile_variant(conflict.spec, "free")
    assert free.state_count == 6 and free.spec.variant == "free"
    eager = compile_variant(conflict.spec, "free-and-eager")
    assert eager.state_count == 4  # A must go or wait; B free
    assert eager.spec.preferences[1].statements[0].text == "wait"
    assert eager.spec.preferences[0] is conflict.spec.preferences[0]
    # a variant's spec leads back to the base
    assert apply_variant(eager.spec, "base") is conflict.spec


@pytest.mark.parametrize(("old", "new", "phrase"), [
    ("infeasible: [a.go and b.stop]", "infeasible: [a.wait and b.stop]",
     "removes the infeasible statement 'a.wait and b.stop', which the model does not have"),
    ("    extends: free\n", "    extends: nothing\n", "which is not a variant"),
    ("      b: {prioritize: [wait, stop]}", "      c: {prioritize: [wait, stop]}",
     "unknown decision maker 'c'"),
    ("      b: {prioritize: [wait, stop]}", "      b: {prioritize: [wait, halt]}",
     "unknown option 'halt'"),
    ("  free-and-eager:", "  base:", "'base' is the name of the model as written"),
    ("        exactly_one: [[go, wait]]", "        exactly_one: [[go, wait, go]]",
     "appears twice"),
])
def test_variant_errors_are_located(tmp_path, old, new, phrase):
    text = MODEL.replace(old, new)
    first = new.strip().splitlines()[0]
    line = 1 + next(k for k, x in enumerate(text.splitlines()) if first in x)
    path = write(tmp_path, text)
    result = run("check", path)
    assert result.code == 2, result
    assert "Traceback" not in result.err
    assert result.err.startswith(f"{path}:{line}:"), result.err
    assert phrase in result.err and "fix:" in result.err


def test_a_variant_without_feasible_states_is_located(tmp_path):
    text = MODEL.replace("exactly_one: [[go, wait]]", "at_least_one: [[go]]\n"
                         "        infeasible: [go]")
    path = write(tmp_path, text)
    result = run("analyze", path, "--variant", "free-and-eager")
    assert result.code == 2
    assert result.err.startswith(f"{path}:26:"), result.err
    assert "in variant 'free-and-eager': no state is feasible" in result.err


def test_extends_cycle(tmp_path):
    text = MODEL.replace("  free:\n", "  free:\n    extends: free-and-eager\n")
    result = run("check", write(tmp_path, text))
    assert result.code == 2 and "in a circle" in result.err


def test_check_validates_every_variant():
    result = run("check", ISTANBUL)
    assert result.code == 0, result.err
    assert "variant strikes-need-us: ok" in result.out and "15 states" in result.out
    assert "7 claims" in result.out


def test_analyze_with_a_variant_and_with_all():
    doc = json.loads(run("analyze", ISTANBUL, "--variant", "maga", "-f", "json").out)
    assert doc["variant"] == "maga" and doc["equilibria"]["seq"] == [18]
    doc = json.loads(run("analyze", ISTANBUL, "--all-variants", "-f", "json").out)
    assert doc["format"] == "standoff-variants/1"
    names = [v["variant"] for v in doc["variants"]]
    assert names == ["base", "maga", "hesitant", "strikes-need-us", "maga-strikes-need-us"]
    assert doc["variants"][0]["analysis"]["equilibria"]["seq"] == [9]
    table = run("analyze", ISTANBUL, "--all-variants")
    assert table.code == 0 and "Variant hesitant:" in table.out
    csv_text = run("analyze", ISTANBUL, "--all-variants", "-f", "csv").out
    assert csv_text.startswith("variant,state,") and "\nmaga,18," in csv_text
    md = run("analyze", ISTANBUL, "--variant", "maga", "-f", "markdown").out
    assert "— variant maga" in md


def test_explain_and_states_take_variants():
    out = run("explain", ISTANBUL, "9", "--dm", "us", "--concept", "seq", "--all-variants").out
    assert "Variant maga" in out
    assert "US administration would gain by moving from 9 (NYNYN) to 18 (NYNYY)" in out
    doc = json.loads(run("explain", ISTANBUL, "9", "--dm", "us", "--variant", "maga",
                         "-f", "json").out)
    assert doc["variant"] == "maga" and doc["stable"] is False
    doc = json.loads(run("states", ISTANBUL, "--variant", "strikes-need-us", "-f", "json").out)
    assert len(doc["states"]) == 15
    doc = json.loads(run("states", ISTANBUL, "--all-variants", "-f", "json").out)
    assert [len(v["states"]) for v in doc["variants"]] == [18, 18, 18, 15, 15]


def test_unknown_variant_and_conflicting_flags():
    result = run("analyze", ISTANBUL, "--variant", "nope")
    assert result.code == 2 and "no variant 'nope'" in result.err
    assert "maga-strikes-need-us" in result.err
    result = run("claims", ISTANBUL, "--variant", "maga", "--all-variants")
    assert result.code == 2 and "cannot be used together" in result.err
