"""Input files: YAML schema, KTAB CSV and decide TSV importers, located errors (exit 2)."""

from __future__ import annotations

import pytest

from standoff.bargaining import load_model
from standoff.errors import ModelError

from .conftest import EXAMPLES

GOOD = """bargaining:
  actors:
    - {id: A, capability: 1}
    - {id: B, capability: 2}
  issues:
    - id: x
      scale: [0, 10]
      positions:
        A: {position: 2, salience: 0.5}
        B: {position: 8, salience: 0.5}
"""


def test_examples_load():
    m = load_model(EXAMPLES / "ec_emissions.yaml")
    assert len(m.actors) == 10 and m.issues[0].low == 4 and m.issues[0].outcome == 8.833
    k = load_model(EXAMPLES / "ktab_example.csv")
    assert [i.id for i in k.issues] == ["Size", "Fees"]
    assert k.issues[0].stances[0].salience == pytest.approx(0.7)
    assert k.actor("PA").capability == 60
    d = load_model(EXAMPLES / "decide_example.tsv")
    assert [i.id for i in d.issues] == ["budget", "parks"]
    assert (d.issues[1].low, d.issues[1].high) == (0, 50)
    assert d.issues[0].stances[1].capability == 0.6


def test_bare_section_and_json(write):
    import textwrap

    body = textwrap.dedent(GOOD.replace("bargaining:\n", ""))
    m = load_model(write("bare.yaml", body))
    assert m.issues[0].stances[1].capability == 2
    j = write("m.json", '{"bargaining": {"actors": [{"id": "A"}], "issues": [{"id": "x", '
                        '"positions": {"A": {"position": 5, "salience": 1}}}]}}')
    assert load_model(j).issues[0].stances[0].position == 5


YAML_ERRORS = [
    # (replace this, with this, expected message part, expected line)
    ("A: {position: 2, salience: 0.5}", "A: {position: 2, salience: 50}", "salience", 9),
    ("A: {position: 2, salience: 0.5}", "C: {position: 2, salience: 0.5}", "unknown actor 'C'", 9),
    ("A: {position: 2, salience: 0.5}", "A: {position: 12, salience: 0.5}", "outside the scale", 9),
    ("A: {position: 2, salience: 0.5}", "A: {position: 2, salince: 0.5}", "unknown key 'salince'",
     9),
    ("A: {position: 2, salience: 0.5}", "A: {position: 2, salience: 0.5, acceptable: [3, 6]}",
     "does not contain", 9),
    ("    - {id: B, capability: 2}", "    - {id: A, capability: 2}", "used twice", 4),
    ("    - {id: B, capability: 2}", "    - {id: B, capability: -2}", "capability", 4),
    ("      scale: [0, 10]", "      scale: [10, 0]", "scale", 7),
    ("      scale: [0, 10]", "      scale: [0, 10]\n      status_quo: 11", "status quo", 8),
    ("      scale: [0, 10]\n", "      scale: [0, 10\n", "YAML syntax error", 8),
    ("  issues:", "  agreement: {rule: qualified_majority}\n  issues:", "threshold", 5),
    ("  issues:", "  agreement: {veto: [Q]}\n  issues:", "unknown veto player", 5),
    # numbers must be finite, plain and of sane size (they are squared inside the models)
    ("A: {position: 2, salience: 0.5}", "A: {position: .nan, salience: 0.5}",
     "must be a finite number", 9),
    ("A: {position: 2, salience: 0.5}", "A: {position: 2, salience: .inf}",
     "must be a finite number", 9),
    ("A: {position: 2, salience: 0.5}", "A: {position: true, salience: 0.5}",
     "must be a number, found True", 9),
    ("    - {id: B, capability: 2}", "    - {id: B, capability: 1e308}", "too large", 4),
    ("    - {id: B, capability: 2}", "    - {id: B, capabilty: 2}",
     "did you mean 'capability'", 4),
    ("      scale: [0, 10]", "      scale: [5, 5]", "the two ends are equal", 7),
    ("      scale: [0, 10]", "      scale: [0, .inf]", "finite", 7),
    # uncertainty ranges lie on the scale and contain the stated value
    ("A: {position: 2, salience: 0.5}", "A: {position: 2, salience: 0.5, "
     "position_range: [3, 6]}", "does not contain the stated position 2", 9),
    ("A: {position: 2, salience: 0.5}", "A: {position: 2, salience: 0.5, "
     "position_range: [-3, 6]}", "outside the scale", 9),
    ("A: {position: 2, salience: 0.5}", "A: {position: 2, salience: 0.5, "
     "salience_range: [0.6, 0.9]}", "does not contain the stated salience 0.5", 9),
]


@pytest.mark.parametrize(("old", "new", "message", "line"), YAML_ERRORS)
def test_yaml_errors_are_located(write, run, old, new, message, line):
    assert old in GOOD
    path = write("bad.yaml", GOOD.replace(old, new))
    with pytest.raises(ModelError) as info:
        load_model(path)
    err = info.value
    assert err.file == str(path) and err.line == line, err.render()
    assert message in err.render()
    r = run("forecast", path)
    assert r.exit_code == 2
    assert f"bad.yaml:{line}:" in r.output and message in r.output
    assert "Traceback" not in r.output


def test_missing_key_is_located(write, run):
    path = write("bad.yaml", GOOD.replace("      positions:\n", "      position:\n"))
    r = run("zopa", path)
    assert r.exit_code == 2
    assert "bad.yaml:8:" in r.output and "unknown key 'position'" in r.output
    path = write("bad2.yaml", "bargaining:\n  actors: [{id: A}]\n")
    r = run("zopa", path)
    assert r.exit_code == 2 and "bad2.yaml:1:" in r.output and "'issues' is required" in r.output


def test_missing_file_exits_2(run, tmp_path):
    r = run("forecast", tmp_path / "nope.yaml")
    assert r.exit_code == 2 and "file not found" in r.output


KTAB = EXAMPLES / "ktab_example.csv"


@pytest.mark.parametrize(
    ("mutate", "message", "line"),
    [
        (lambda t: t.replace("60,80,70", "60,8O,70"), "must be a number, found '8O'", 3),
        (lambda t: t.replace("40,40,50,30,60", "40,40,50,30"), "expected 7 fields", 4),
        (lambda t: t.replace(",4,2,", ",5,2,"), "declares 5 actors", 1),
        (lambda t: t.replace(",4,2,", ",4,3,"), "declares 3 dimensions", 1),
        (lambda t: t.replace("20,10,90", "20,10,190"), "salience 190", 5),
        (lambda t: t.replace("50,90,40", "50,190,40"), "position 190", 6),
        (lambda t: t.replace("SHIP,", "PA,"), "appears twice", 6),
        (lambda t: t.replace("Actor,Description,Power,Size,SalSize,Fees,SalFees,",
                             "Actor,Description,Power,Size,SalSize,Fees,"), "header", 2),
    ],
)
def test_ktab_errors(write, run, mutate, message, line):
    path = write("bad.csv", mutate(KTAB.read_text()))
    r = run("forecast", path)
    assert r.exit_code == 2, r.output
    assert f"bad.csv:{line}:" in r.output and message in r.output


DECIDE = EXAMPLES / "decide_example.tsv"


@pytest.mark.parametrize(
    ("mutate", "message", "line"),
    [
        (lambda t: t.replace("#D\tLeft\tbudget", "#D\tLeftt\tbudget"), "unknown actor 'Leftt'",
         14),
        (lambda t: t.replace("#D\tLeft\tparks", "#D\tLeft\tpark"), "unknown issue 'park'", 17),
        (lambda t: t.replace("0\t0.3\t0.8", "0\t3\t0.8"), "salience 3 is outside", 15),
        (lambda t: t.replace("100\t0.9\t0.6", "100\tx\t0.6"), "salience must be a number", 14),
        (lambda t: t.replace("#D\tMayor\tparks", "#X\tMayor\tparks"), "unknown record tag", 16),
        (lambda t: t.replace("#D\tMayor\tparks\t20", "#D\tMayor\tparks\t70"), "outside the scale",
         16),
        (lambda t: t.replace("#D\tLeft\tparks\t10\t0.2\t0.6", "#D\tLeft\tparks\t10\t0.2"),
         "needs 5", 17),
        (lambda t: t.replace("#D\tLeft\tparks", "#D\tMayor\tparks"), "second position", 17),
        (lambda t: t.replace("100\t0.9\t0.6", "100\t0.9\tinf"), "must be a finite number",
         14),
        (lambda t: t.replace("100\t0.9\t0.6", "100\t0.9\t-1"), "must not be negative", 14),
    ],
)
def test_decide_errors(write, run, mutate, message, line):
    path = write("bad.tsv", mutate(DECIDE.read_text()))
    r = run("forecast", path)
    assert r.exit_code == 2, r.output
    assert f"bad.tsv:{line}:" in r.output and message in r.output


def test_input_format_flag(run, write):
    path = write("data.txt", DECIDE.read_text())
    r = run("forecast", path, "--input-format", "decide", "--format", "json")
    assert r.exit_code == 0, r.output
    r = run("forecast", path, "--input-format", "xml")
    assert r.exit_code == 2 and "unknown input format" in r.output


def test_yaml_1_2_exponent_numbers_are_numbers(write):
    """YAML 1.2 reads 1e3 as a number (PyYAML's YAML 1.1 would read it as text)."""
    m = load_model(write("m.yaml", GOOD.replace("capability: 2}", "capability: 2e0}")))
    assert m.actor("B").capability == 2.0


def test_decide_single_scale_point_is_refused(write, run):
    text = DECIDE.read_text()
    lines = [ln for ln in text.splitlines()
             if not (ln.startswith("#M\tparks") and not ln.startswith("#M\tparks\t0"))]
    path = write("one.tsv", "\n".join(lines) + "\n")
    r = run("forecast", path)
    assert r.exit_code == 2 and "single scale point" in r.output, r.output
