"""The command line: output files that cannot be written, the formats of ``states`` and
``explain``, variants on ``paths``/``coalitions``/``inverse``/``lookahead``, and options
named as typed."""

from __future__ import annotations

import csv
import io
import json
import math
import sys
from pathlib import Path

import pytest
from cli_runner import run
from conftest import EXAMPLES

from standoff.cli.common import write_files
from standoff.errors import ModelError

ELMIRA = EXAMPLES / "elmira.yaml"
SYRIA = EXAMPLES / "syria_iraq.yaml"
ISTANBUL = EXAMPLES / "istanbul-2025" / "istanbul-2025.yaml"
DECIDE = EXAMPLES / "bargaining" / "decide_example.tsv"
VARIANTS = ["base", "maga", "hesitant", "strikes-need-us", "maga-strikes-need-us"]
LINUX = sys.platform.startswith("linux") and Path("/proc/self").is_dir()


def _refused(result, *needles: str) -> None:
    """Exit 2 with one located message and no traceback."""
    assert result.code == 2, (result.out, result.err)
    assert "Traceback" not in result.err
    assert result.err.startswith("--output: error: cannot write "), result.err
    assert "\n  fix: " in result.err
    for needle in needles:
        assert needle in result.err


# -- 1. output files -----------------------------------------------------------------------

WRITERS = [
    ("analyze", ELMIRA),
    ("analyze", ELMIRA, "-f", "json"),
    ("analyze", ELMIRA, "-f", "csv"),
    ("paths", ELMIRA),
    ("paths", ELMIRA, "-f", "json"),
    ("coalitions", ELMIRA),
    ("coalitions", ELMIRA, "-f", "markdown"),
    ("inverse", SYRIA, "--state", "2", "--vary", "syria"),
]


@pytest.mark.parametrize("args", WRITERS, ids=lambda a: " ".join(map(str, a[2:] or a[:1])))
def test_output_in_a_missing_folder_is_refused(tmp_path, args):
    target = tmp_path / "nodir" / "a.txt"
    result = run(*args, "-o", target)
    _refused(result, f"{target}: No such file or directory", "create the folder")
    assert not target.parent.exists()
    assert result.out == ""


@pytest.mark.parametrize("args", WRITERS[:1] + WRITERS[3:4] + WRITERS[5:6])
def test_output_that_is_a_folder_is_refused(tmp_path, args):
    result = run(*args, "-o", tmp_path)
    _refused(result, "Is a directory", "is a folder")


def test_output_under_a_file_is_refused(tmp_path):
    plain = tmp_path / "plain.txt"
    plain.write_text("keep", encoding="utf-8")
    result = run("analyze", ELMIRA, "-o", plain / "a.txt")
    _refused(result, "Not a directory", "is a file, not a folder")
    assert plain.read_text(encoding="utf-8") == "keep"


def test_output_is_written_once_when_it_can_be(tmp_path):
    table = tmp_path / "a.txt"
    result = run("analyze", ELMIRA, "-o", table)
    assert result.code == 0 and result.out == ""
    assert "SEQ   5 (NYNNY), 8 (YNYNY), 9 (–––Y–)" in table.read_text(encoding="utf-8")
    paths = tmp_path / "p.json"
    assert run("paths", ELMIRA, "-f", "json", "-o", paths).code == 0
    assert json.loads(paths.read_text(encoding="utf-8"))["status_quo"] == 1
    coalitions = tmp_path / "c.txt"
    assert run("coalitions", ELMIRA, "-o", coalitions).code == 0
    assert "coalition stability" in coalitions.read_text(encoding="utf-8")


def test_report_in_a_missing_folder_is_refused(tmp_path):
    target = tmp_path / "nodir" / "r.html"
    _refused(run("report", ELMIRA, "-o", target), "No such file or directory")


@pytest.mark.skipif(not LINUX, reason="needs /proc, where no file can be created")
def test_report_where_no_file_can_be_created_is_refused():
    result = run("report", ELMIRA, "-o", "/proc/standoff-report.html")
    _refused(result, "/proc/standoff-report.html", "check that files can be written")


def test_markdown_report_whose_graph_file_is_a_folder_is_refused(tmp_path):
    (tmp_path / "r.svg").mkdir()
    result = run("report", ELMIRA, "-o", tmp_path / "r.md")
    _refused(result, "r.svg (the state graph written beside the report): Is a directory")
    assert not (tmp_path / "r.md").exists()


def test_markdown_report_whose_plot_file_is_a_folder_writes_nothing(tmp_path):
    (tmp_path / "r.exchange.svg").mkdir()
    result = run("report", DECIDE, "-o", tmp_path / "r.md")
    _refused(result, "r.exchange.svg (the exchange plot written beside the report)")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.exchange.svg"]


def test_markdown_report_still_writes_its_files(tmp_path):
    result = run("report", ELMIRA, "-o", tmp_path / "r.md")
    assert result.code == 0, result.err
    assert (tmp_path / "r.svg").read_text(encoding="utf-8").startswith("<svg")
    assert "r.svg" in (tmp_path / "r.md").read_text(encoding="utf-8")


@pytest.mark.skipif(not LINUX, reason="needs /proc, where no file can be created")
def test_write_files_removes_what_it_created_when_a_later_write_fails(tmp_path):
    kept = tmp_path / "kept.txt"
    kept.write_text("old", encoding="utf-8")
    new = tmp_path / "new.svg"
    with pytest.raises(ModelError) as caught:
        write_files([(new, "<svg/>", " (a picture)"), (kept, "new", ""),
                     (Path("/proc/standoff-x.md"), "text", "")])
    assert caught.value.file == "--output"
    assert "cannot write /proc/standoff-x.md" in caught.value.message
    assert not new.exists()  # created by the failed call: removed again
    assert kept.exists()  # it was there before: left in place


# -- 2. states and explain formats ---------------------------------------------------------


def test_states_csv_has_the_table_columns():
    result = run("states", ELMIRA, "-f", "csv")
    assert result.code == 0, result.err
    rows = list(csv.reader(io.StringIO(result.out)))
    assert rows[0] == ["state", "pattern", "options taken", "moe", "uniroyal", "lg"]
    assert len(rows) == 10
    assert rows[2] == ["2", "YYNNN", "moe.modify, uniroyal.delay", "2", "3", "1"]
    assert rows[9][:3] == ["9", "–––Y–", "uniroyal.abandon"]
    assert "┃" not in result.out and "│" not in result.out


@pytest.mark.parametrize("name", ["elmira.yaml", "istanbul-2025/istanbul-2025.yaml",
                                  "istanbul-2025/istanbul-2025-structured.yaml"])
def test_states_csv_is_what_the_csv_module_writes_from_each_state(name):
    """The column-by-column CSV of ``states`` (lookup tables of the options taken, fields
    quoted by hand) is byte for byte what :mod:`csv` writes from the conflict's per-state
    accessors, on models with irrelevant options and with more than eight options (two
    or more lookup tables)."""
    from standoff import load
    from standoff.output import csv_text

    conflict = load(EXAMPLES / name)
    expected = io.StringIO()
    writer = csv.writer(expected, lineterminator="\n")
    writer.writerow(["state", "pattern", "options taken", *conflict.dm_ids])
    for s in range(conflict.state_count):
        writer.writerow([s + 1, conflict.pattern(s), csv_text(", ".join(conflict.taken(s))),
                         *conflict.ranks[:, s].tolist()])
    result = run("states", EXAMPLES / name, "-f", "csv")
    assert result.code == 0, result.err
    assert result.out == expected.getvalue()


def test_states_csv_with_variants_has_a_variant_column():
    rows = list(csv.reader(io.StringIO(run("states", ISTANBUL, "--all-variants",
                                           "-f", "csv").out)))
    assert rows[0][:3] == ["variant", "state", "pattern"]
    assert len(rows) == 1 + 3 * 18 + 2 * 15
    assert [r[0] for r in rows[1:]].count("strikes-need-us") == 15


def test_states_markdown_is_a_table():
    result = run("states", ELMIRA, "-f", "markdown")
    assert result.code == 0, result.err
    lines = result.out.splitlines()
    assert lines[0] == "# Elmira groundwater contamination: states"
    assert "| state | pattern | options taken | moe | uniroyal | lg |" in lines
    assert "| 9 | –––Y– | uniroyal.abandon | 0 | 4 | 0 |" in lines
    md = run("states", ISTANBUL, "--variant", "maga", "-f", "markdown").out
    assert md.startswith("# Istanbul talks") and "— variant maga: states" in md.splitlines()[0]


def test_explain_markdown_puts_patterns_in_code_spans():
    result = run("explain", ELMIRA, "4", "--dm", "lg", "--concept", "gmr", "-f", "markdown")
    assert result.code == 0, result.err
    assert result.out.startswith("4 (`YNYNN`) is GMR stable for Local government")
    assert "\n- Local government would gain by moving from 4 (`YNYNN`) to 8 (`YNYNY`)" \
        in result.out
    md = run("explain", ISTANBUL, "9", "--dm", "us", "--all-variants", "-f", "markdown").out
    assert "## Variant maga: " in md and "9 (`NYNYN`)" in md


def test_explain_refuses_csv():
    result = run("explain", ELMIRA, "1", "--dm", "lg", "-f", "csv")
    assert result.code == 2 and result.out == ""
    assert result.err.startswith("--format: error: explain writes")
    assert "CSV" in result.err and "fix: use --format table" in result.err


# -- 3. variants on paths, coalitions, inverse and lookahead -------------------------------


def test_paths_with_a_variant():
    base = json.loads(run("paths", ISTANBUL, "-f", "json").out)
    assert base["reachable_equilibria"]["nash"] == [9] and "variant" not in base
    result = run("paths", ISTANBUL, "--variant", "maga", "-f", "json")
    assert result.code == 0, result.err
    doc = json.loads(result.out)
    assert doc["variant"] == "maga"
    assert doc["reachable_equilibria"]["nash"] == [18]
    table = run("paths", ISTANBUL, "--variant", "maga").out
    assert table.startswith("Variant maga: Trump stands with his base")


def test_paths_with_all_variants():
    doc = json.loads(run("paths", ISTANBUL, "--all-variants", "-f", "json").out)
    assert doc["format"] == "standoff-variants/1"
    assert [v["variant"] for v in doc["variants"]] == VARIANTS
    assert doc["variants"][1]["paths"]["reachable_equilibria"]["nash"] == [18]
    assert doc["variants"][0]["description"] == "the model as written"
    table = run("paths", ISTANBUL, "--all-variants").out
    assert all(f"Variant {name}:" in table for name in VARIANTS)
    md = run("paths", ISTANBUL, "--all-variants", "-f", "markdown").out
    assert "— variant strikes-need-us\n" in md


def test_coalitions_with_a_variant_and_all_variants():
    doc = json.loads(run("coalitions", ISTANBUL, "--variant", "maga", "-f", "json").out)
    assert doc["variant"] == "maga" and doc["equilibria"]["cnash"] == [10, 13, 16, 18]
    doc = json.loads(run("coalitions", ISTANBUL, "--all-variants", "-f", "json").out)
    assert [v["variant"] for v in doc["variants"]] == VARIANTS
    assert doc["variants"][0]["coalitions"]["equilibria"]["cnash"] == [1, 4, 7, 8, 9]
    table = run("coalitions", ISTANBUL, "--all-variants")
    assert table.code == 0 and table.out.count("coalition stability") == 5
    explained = run("coalitions", ISTANBUL, "--explain", "7", "--variant", "hesitant")
    assert explained.out.startswith("Variant hesitant: ")
    assert "7 (NNNYN) is CNash stable" in explained.out


def test_coalitions_explain_a_state_missing_from_a_variant():
    result = run("coalitions", ISTANBUL, "--explain", "17", "--all-variants")
    assert result.code == 2
    assert "state 17 does not exist in variant strikes-need-us" in result.err


def test_inverse_with_a_variant():
    result = run("inverse", ISTANBUL, "--state", "7", "--vary", "us", "-c", "nash",
                 "--variant", "strikes-need-us", "-f", "json")
    assert result.code == 0, result.err
    doc = json.loads(result.out)
    assert doc["variant"] == "strikes-need-us"
    assert doc["rankings"] == math.factorial(15)  # the variant's 15 states, not the base's 18
    text = run("inverse", ISTANBUL, "--state", "7", "--vary", "us", "-c", "nash",
               "--variant", "maga-strikes-need-us").out
    assert text.startswith("Variant maga-strikes-need-us: ")
    assert "1,307,674,368,000 strict rankings" in text


def test_inverse_names_an_unknown_variant():
    result = run("inverse", ISTANBUL, "--state", "7", "--vary", "us", "--variant", "nope")
    assert result.code == 2 and result.err.startswith("--variant: error: ")
    assert "maga-strikes-need-us" in result.err


def test_variant_and_all_variants_together_are_refused():
    result = run("paths", ISTANBUL, "--variant", "maga", "--all-variants")
    assert result.code == 2 and "cannot be used together" in result.err


LOYAL = """
variants:
  loyal:
    description: Prisoner 1 would rather stay silent whatever the other does.
    assumption: A test variant.
    preferences:
      p1:
        ranking:
          - not p1.defect and not p2.defect
          - not p1.defect and p2.defect
          - p1.defect and not p2.defect
          - p1.defect and p2.defect
"""


@pytest.fixture
def pd_with_variant(tmp_path) -> Path:
    path = tmp_path / "pd.yaml"
    text = (EXAMPLES / "prisoners_dilemma.yaml").read_text(encoding="utf-8")
    path.write_text(text + LOYAL, encoding="utf-8")
    return path


def test_lookahead_with_a_variant(pd_with_variant):
    base = json.loads(run("lookahead", pd_with_variant, "2", "--dm", "p1", "-H", "1",
                          "-f", "json").out)
    assert base["stable"] is True and "variant" not in base
    result = run("lookahead", pd_with_variant, "2", "--dm", "p1", "-H", "1",
                 "--variant", "loyal", "-f", "json")
    assert result.code == 0, result.err
    doc = json.loads(result.out)
    assert doc["variant"] == "loyal" and doc["stable"] is False


def test_lookahead_with_all_variants(pd_with_variant):
    args = ("lookahead", pd_with_variant, "2", "--dm", "p1", "-H", "1", "--all-variants")
    text = run(*args).out
    assert text.startswith("Variant base: the model as written\n2 (YN) is L(1) stable")
    assert "\n\nVariant loyal: Prisoner 1 would rather stay silent" in text
    assert "2 (YN) is not L(1) stable for Prisoner 1" in text
    doc = json.loads(run(*args, "-f", "json").out)
    assert doc["format"] == "standoff-variants/1"
    assert [(v["variant"], v["lookahead"]["stable"]) for v in doc["variants"]] == [
        ("base", True), ("loyal", False)]


# -- 4. options named as typed ---------------------------------------------------------------


def test_explain_concept_error_names_the_concept_option():
    result = run("explain", ELMIRA, "1", "--dm", "lg", "--concept", "foo")
    assert result.code == 2
    assert result.err.startswith("--concept: error: unknown concept 'foo'")
    assert "--concepts" not in result.err
    assert "fix: e.g. --concept seq" in result.err


def test_explain_takes_one_concept():
    result = run("explain", ELMIRA, "1", "--dm", "lg", "--concept", "nash,gmr")
    assert result.code == 2 and result.err.startswith("--concept: error: ")


def test_analyze_concepts_error_still_names_concepts():
    result = run("analyze", ELMIRA, "--concepts", "foo")
    assert result.code == 2 and result.err.startswith("--concepts: error: ")
