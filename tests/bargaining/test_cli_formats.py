"""The bargaining commands accept the same format names as the GMCR commands."""

from __future__ import annotations

from pathlib import Path

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "bargaining"


def test_table_is_accepted_as_the_text_format(run):
    text = run("zopa", EXAMPLES / "trade_no_zone.yaml", "--format", "text")
    table = run("zopa", EXAMPLES / "trade_no_zone.yaml", "--format", "table")
    assert text.exit_code == 0 and table.exit_code == 0
    assert table.output == text.output
    assert run("zopa", EXAMPLES / "trade_no_zone.yaml", "--format", "csv").exit_code == 2


def test_long_runs_elide_middle_rounds_in_the_text_table(run):
    """Ten rounds do not fit an 80-column terminal: the table keeps the start, the first and
    the last rounds, marks the gap, and says where to find every round. Printed to a pipe,
    every round is shown."""
    from standoff.cli.bargaining import shown_rounds

    assert shown_rounds(5, 5) == [0, 1, 2, 3, 4]
    assert shown_rounds(11, 7) == [0, 1, 2, None, 8, 9, 10]
    assert shown_rounds(11, 1) == [0, None, 10]
    import io

    from standoff.bargaining import load_model, run_model
    from standoff.cli.bargaining import _print_forecast
    from standoff.cli.common import make_console

    model = load_model(EXAMPLES / "ec_emissions.yaml")
    result = run_model(model, "expected_utility", 10, stop="rounds")
    buffer = io.StringIO()
    _print_forecast(make_console(file=buffer, width=80), result, model)  # an 80-column terminal
    output = buffer.getvalue()
    header = next(ln for ln in output.splitlines() if "start" in ln)
    assert "r1 " in header and "r10" in header and "…" in header and "r5 " not in header
    assert "rounds in the middle not shown" in output
    # fixed decimals, one format for every cell: the round-10 median of the case file
    assert any(ln.split("│")[1].strip() == "median" and ln.split("│")[-2].strip() == "7.00"
               for ln in output.splitlines() if ln.count("│") > 2)
    # to a pipe or a file nothing is cut: every round is shown
    r = run("forecast", EXAMPLES / "ec_emissions.yaml", "--model", "expected_utility",
            "--rounds", "10", "-s", "stop=rounds")
    assert r.exit_code == 0, r.output
    header = next(ln for ln in r.output.splitlines() if "start" in ln)
    assert all(f"r{k} " in header for k in range(1, 10)) and "r10" in header
    assert "…" not in header and "not shown" not in r.output


def test_errors_name_the_file_even_when_it_cites_a_source(run, write):
    """A bargaining file's own ``source:`` is a citation, never the place of an error."""
    p = write("gap.yaml", """bargaining:
  source: Somebody (2020), Table 3
  actors: [{id: A}, {id: B}]
  issues:
    - id: one
      positions: {A: {position: 0, salience: 1}, B: {position: 100, salience: 1}}
    - id: two
      positions: {A: {position: 0, salience: 1}}
""")
    r = run("forecast", p, "--model", "spatial")
    assert r.exit_code == 2
    assert r.output.startswith(f"{p}: error:") and "Somebody" not in r.output


def test_forecast_csv_is_long_form_positions_by_round(run):
    """issue,round,actor,position rows (pandas-ready), then the forecast per issue; the
    same numbers as the JSON output."""
    import csv
    import io
    import json

    args = ("forecast", EXAMPLES / "ec_emissions.yaml", "-m", "expected_utility",
            "--rounds", "3", "-s", "stop=rounds")
    rows = list(csv.DictReader(io.StringIO(run(*args, "--format", "csv").output)))
    data = json.loads(run(*args, "--format", "json").output)["issues"]["timing"]
    assert len(rows) == 4 * 10 + 1
    be_round_2 = next(r for r in rows if r["round"] == "2" and r["actor"] == "BE")
    assert float(be_round_2["position"]) == data["rounds"][2][data["actors"].index("BE")]
    assert rows[-1]["round"] == "forecast" and float(rows[-1]["position"]) == data["forecast"]
    bad = run("zopa", EXAMPLES / "ec_emissions.yaml", "--format", "csv")
    assert bad.exit_code == 2 and "choose table or json" in bad.output
