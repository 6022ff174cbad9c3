"""The command line: analyze (all formats), check, states, explain, schema."""

from __future__ import annotations

import csv
import io
import json

from cli_runner import run
from conftest import EXAMPLES

ELMIRA = EXAMPLES / "elmira.yaml"


def test_analyze_json_has_the_fixed_shape():
    result = run("analyze", ELMIRA, "--format", "json")
    assert result.code == 0, result.err
    doc = json.loads(result.out)
    assert doc["format"] == "standoff-analysis/1"
    assert doc["title"] == "Elmira groundwater contamination"
    assert doc["decision_makers"] == ["moe", "uniroyal", "lg"]
    assert doc["options"][0]["id"] == "moe.modify" and doc["options"][0]["dm"] == "moe"
    assert [o["id"] for o in doc["options"]] == [
        "moe.modify", "uniroyal.delay", "uniroyal.accept", "uniroyal.abandon", "lg.insist"
    ]
    first = doc["states"][0]
    assert first["id"] == 1
    assert first["options"] == {
        "moe.modify": False, "uniroyal.delay": True, "uniroyal.accept": False,
        "uniroyal.abandon": False, "lg.insist": False,
    }
    # the collapsed state: options that are irrelevant there are null
    assert doc["states"][8]["options"] == {
        "moe.modify": None, "uniroyal.delay": None, "uniroyal.accept": None,
        "uniroyal.abandon": True, "lg.insist": None,
    }
    assert set(doc["stability"]) == {"nash", "gmr", "smr", "seq", "sim"}
    assert doc["stability"]["nash"]["lg"] == [5, 6, 7, 8, 9]
    assert doc["equilibria"]["nash"] == [5, 8, 9]
    assert doc["equilibria"]["gmr"] == [1, 4, 5, 8, 9]
    assert doc["status_quo"] == 1


def test_analyze_concepts_subset():
    doc = json.loads(run("analyze", ELMIRA, "-c", "seq,nash", "-f", "json").out)
    assert list(doc["stability"]) == ["seq", "nash"]
    assert doc["equilibria"] == {"seq": [5, 8, 9], "nash": [5, 8, 9]}


def test_analyze_table_marks_equilibria():
    result = run("analyze", ELMIRA)
    assert result.code == 0
    assert "Equilibria" in result.out
    assert "SEQ   5 (NYNNY), 8 (YNYNY), 9 (–––Y–)" in result.out
    assert "1 (status quo)" in result.out


def test_analyze_markdown():
    out = run("analyze", ELMIRA, "-f", "markdown").out
    assert out.startswith("# Elmira groundwater contamination")
    assert "| state | pattern | Nash moe |" in out
    assert "- **GMR**: 1 (NYNNN), 4 (YNYNN), 5 (NYNNY), 8 (YNYNY), 9 (–––Y–)" in out


def test_analyze_csv():
    rows = list(csv.DictReader(io.StringIO(run("analyze", ELMIRA, "-f", "csv").out)))
    assert len(rows) == 9
    assert rows[4]["state"] == "5" and rows[4]["pattern"] == "NYNNY"
    assert rows[4]["seq:equilibrium"] == "1" and rows[0]["seq:equilibrium"] == "0"
    assert rows[0]["gmr:lg"] == "1" and rows[0]["nash:lg"] == "0"


def test_analyze_output_file(tmp_path):
    out = tmp_path / "elmira.json"
    assert run("analyze", ELMIRA, "-f", "json", "-o", out).code == 0
    assert json.loads(out.read_text())["equilibria"]["sim"] == [5, 8, 9]


def test_check():
    result = run("check", ELMIRA)
    assert result.code == 0
    assert "9 states" in result.out and "24 unilateral moves" in result.out


def test_states_json():
    doc = json.loads(run("states", ELMIRA, "-f", "json").out)
    assert doc["states"][8]["pattern"] == "–––Y–"
    assert doc["states"][0]["taken"] == ["uniroyal.delay"]


def test_explain_stable_state_gives_the_sanction():
    result = run("explain", ELMIRA, "1", "--dm", "lg", "--concept", "gmr")
    assert result.code == 0
    assert "1 (NYNNN) is GMR stable for Local government" in result.out
    assert "Ontario Ministry of the Environment moves 5→6" in result.out


def test_explain_unstable_state_json():
    doc = json.loads(run("explain", ELMIRA, "1", "--dm", "lg", "--concept", "seq", "-f",
                         "json").out)
    assert doc["stable"] is False
    assert doc["improvements"] == [
        {"to": 5, "sanctioned": False, "sequence": [], "outcome": None, "counter_moves": []}
    ]


def test_explain_bad_arguments():
    assert run("explain", ELMIRA, "42", "--dm", "lg").code == 2
    result = run("explain", ELMIRA, "1", "--dm", "nobody")
    assert result.code == 2 and "unknown decision maker 'nobody'" in result.err


def test_schema_is_json_schema():
    doc = json.loads(run("schema").out)
    assert "decision_makers" in doc["properties"]


def test_every_example_analyses():
    for path in sorted(EXAMPLES.glob("*.yaml")):
        result = run("analyze", path, "-f", "json")
        assert result.code == 0, (path, result.err)


def test_large_model_table_shows_equilibria_and_status_quo_only(tmp_path):
    """Over 100 states the terminal table lists the status quo and the equilibria, and
    says so; CSV still lists every state."""
    options = "".join(f"      o{k}: {{text: option {k}}}\n" for k in range(4))
    model = tmp_path / "m.yaml"
    model.write_text(
        "format: standoff/1\ntitle: eight options\ndecision_makers:\n"
        f"  a:\n    name: A\n    options:\n{options}"
        + "  b:\n    name: B\n    options:\n"
        + "".join(f"      p{k}: {{text: option {k}}}\n" for k in range(4))
        + "preferences:\n  a: {prioritize: [o0, p0, o1]}\n  b: {prioritize: [p1, o2, p2]}\n"
        + "status_quo: []\n"
    )
    out = run("analyze", model, "-c", "nash").out
    assert "256 states" in out
    assert "The table shows the status quo and the equilibria" in out
    assert "1 (status quo)" in out
    rows = list(csv.DictReader(io.StringIO(run("analyze", model, "-c", "nash", "-f", "csv").out)))
    assert len(rows) == 256


def _wide_model(path, options: int, status_quo: int) -> None:
    """Decision maker a with ``options`` free options and b with one (2**(options+1)
    states); the status quo takes the options of a given by ``status_quo``'s bits."""
    import yaml

    names = [f"o{k}" for k in range(options)]
    path.write_text(yaml.safe_dump({
        "format": "standoff/1", "title": "Wide",
        "decision_makers": {"a": {"name": "A", "options": {n: {"text": n} for n in names}},
                            "b": {"name": "B", "options": {"x": {"text": "x"}}}},
        "preferences": {"a": {"prioritize": [f"a.{n}" for n in names]},
                        "b": {"prioritize": ["b.x"]}},
        "status_quo": [f"a.{n}" for k, n in enumerate(names) if status_quo >> k & 1],
    }))


def test_states_table_is_bounded_and_says_so(tmp_path):
    """A table or Markdown listing stops at 1,000 states (the status quo kept) and says how
    many there are; CSV and JSON list every state. (A table of the 1M-state reproducer
    tests/repro/20 took over 150 s and 2 GB before.)"""
    model = tmp_path / "wide.yaml"
    _wide_model(model, 10, status_quo=1023)  # state 1024 (b.x not taken)
    table = run("states", str(model))
    assert table.code == 0, table.err
    assert "The table lists 1,000 of 2,048 states" in " ".join(table.out.split())
    markdown = run("states", str(model), "--format", "markdown")
    rows = [line for line in markdown.out.splitlines() if line.startswith("| ")]
    ids = [row.split("|")[1].strip() for row in rows[1:]]
    assert ids == [str(k) for k in range(1, 1000)] + ["1024"]  # then the status quo
    assert "--format csv or json lists every state" in markdown.out
    listed = run("states", str(model), "--format", "csv")
    assert len(listed.out.strip().splitlines()) == 1 + 2048
    doc = json.loads(run("states", str(model), "--format", "json").out)
    assert [s["id"] for s in doc["states"]] == list(range(1, 2049))
