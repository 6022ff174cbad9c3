"""One command line (issue 12): the same options on every command, help in sentences,
progress on a terminal only, Markdown without HTML entities, one CSV rule, and messages that
say what to fix (the violated constraint, the key meant, the passage nearest a quote).
"""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest
import typer
from cli_runner import run
from conftest import EXAMPLES, ROOT
from markdown_it import MarkdownIt

from standoff.bargaining.backtest import backtest
from standoff.bargaining.deu3 import ACTORS, load_deu3
from standoff.cli import _register, app
from standoff.report.markdown import md_text

ELMIRA = EXAMPLES / "elmira.yaml"
ISTANBUL = EXAMPLES / "istanbul-2025" / "istanbul-2025.yaml"
EC = EXAMPLES / "bargaining" / "ec_emissions.yaml"
DECIDE = EXAMPLES / "bargaining" / "decide_example.tsv"
KTAB = EXAMPLES / "bargaining" / "ktab_example.csv"
GMCR = ROOT / "tests" / "data" / "gmcr_plus"


def _deu3(tmp_path: Path) -> Path:
    """A DEU III file of two proposals (the layout of tests/bargaining/test_backtest.py)."""
    cols = ["prnr", "isnr", *(f"p{a}" for a, _ in ACTORS), *(f"s{a}" for a, _ in ACTORS),
            "rp", "out"]
    lines = ["\t".join(f'"{c}"' for c in cols)]
    for prnr, pos, sal, out in (("d1", {0: 100, 1: 0}, {0: 50, 1: 100}, 30),
                                ("d2", {3: 0, 4: 100}, {3: 100, 4: 0}, 60)):
        p, s = [""] * 30, [""] * 30
        for k, v in pos.items():
            p[k] = str(v)
        for k, v in sal.items():
            s[k] = str(v)
        lines.append("\t".join([f'"{prnr}"', f'"{prnr}i1"', *p, *s, "", str(out)]))
    path = tmp_path / "deu3.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _gmcr_file() -> Path:
    return sorted(GMCR.glob("*.gmcr"))[0]


#: Every command, as run on an example, with the format that makes its output a document.
def _commands(tmp_path: Path) -> dict[str, tuple[list[object], str]]:
    return {
        "analyze": (["analyze", ELMIRA], "json"),
        "check": (["check", ELMIRA], "json"),
        "states": (["states", ELMIRA], "json"),
        "explain": (["explain", ELMIRA, "1", "--dm", "moe"], "json"),
        "schema": (["schema"], "json"),
        "claims": (["claims", ISTANBUL], "json"),
        "paths": (["paths", ELMIRA], "json"),
        "coalitions": (["coalitions", ELMIRA], "json"),
        "inverse": (["inverse", ELMIRA, "--state", "5", "--vary", "lg"], "json"),
        "lookahead": (["lookahead", EXAMPLES / "chicken.yaml", "1", "--dm",
                       _first_dm(EXAMPLES / "chicken.yaml")], "json"),
        "forecast": (["forecast", EC], "json"),
        "zopa": (["zopa", EC], "json"),
        "backtest": (["backtest", "deu3", "--data", _deu3(tmp_path), "--models",
                      "compromise"], "json"),
        "export": (["export", ELMIRA], "graphml"),
        "import gmcr-plus": (["import", "gmcr-plus", _gmcr_file()], "yaml"),
        "robustness": (["robustness", ISTANBUL], "json"),
        "hypergame": (["hypergame", EXAMPLES / "hypergame_surprise.yaml"], "json"),
        "dilemmas": (["dilemmas", ISTANBUL], "json"),
        "hierarchy": (["hierarchy", EXAMPLES / "hierarchy" / "central-and-provinces.yaml"],
                      "json"),
    }


def _first_dm(model: Path) -> str:
    import standoff

    return standoff.load(model).dm_ids[0]


def _leaves() -> list[tuple[str, object]]:
    """Every command of the application, by its full name ("import gmcr-plus")."""
    _register()
    root = typer.main.get_command(app)

    def walk(command, name: str):
        if hasattr(command, "commands"):
            for sub_name, sub in command.commands.items():
                yield from walk(sub, f"{name} {sub_name}".strip())
        else:
            yield name, command

    return list(walk(root, ""))


# -- -o/--output and -f/--format on every command ----------------------------------------------


def test_every_command_is_covered_below(tmp_path):
    # report is tested below (its format comes from the file name too); serve starts the
    # workbench and writes no output (tests/web/test_serve.py)
    assert {name for name, _ in _leaves()} - {"report", "serve"} == set(_commands(tmp_path))


@pytest.mark.parametrize("name", ["analyze", "check", "states", "explain", "schema", "claims",
                                  "paths", "coalitions", "inverse", "lookahead", "forecast",
                                  "zopa", "backtest", "export", "import gmcr-plus",
                                  "dilemmas"])
def test_output_and_format_mean_the_same_on_every_command(tmp_path, name):
    """Before: check, states, explain, schema, claims, lookahead, zopa had no -o; forecast
    and backtest read -o as a model option; check, schema, forecast, zopa, backtest and
    import had no -f."""
    args, fmt = _commands(tmp_path)[name]
    printed = run(*args, "-f", fmt)
    assert printed.code == 0, printed.err
    target = tmp_path / f"out.{fmt}"
    written = run(*args, "-f", fmt, "-o", target)
    assert written.code == 0, written.err
    assert target.read_text(encoding="utf-8") == printed.out
    assert printed.out.strip()
    if fmt == "json":
        json.loads(printed.out)
    table = tmp_path / "out.txt"
    if fmt == "json" and name != "schema":  # the plain-text layout is table everywhere
        done = run(*args, "--format", "table", "--output", table)
        assert done.code == 0, done.err
        assert table.read_text(encoding="utf-8").strip()


def test_report_takes_format_and_output(tmp_path):
    target = tmp_path / "report.txt"  # an extension that names no format
    assert run("report", ELMIRA, "-o", target).code == 2
    done = run("report", ELMIRA, "-f", "markdown", "-o", target)
    assert done.code == 0, done.err
    assert target.read_text(encoding="utf-8").startswith("# ")


def test_text_is_still_accepted_for_table_by_the_bargaining_commands():
    assert run("forecast", EC, "-f", "text").out == run("forecast", EC, "-f", "table").out
    bad = run("forecast", EC, "-f", "html")
    assert bad.code == 2 and "choose table, json or csv" in bad.err


def test_bargaining_options_are_set_with_set(tmp_path):
    """-o used to be --option in forecast and backtest."""
    args = ["forecast", EC, "-m", "expected_utility", "--rounds", "3", "-f", "json"]
    short = run(*args, "-s", "stop=rounds")
    long = run(*args, "--set", "stop=rounds")
    old = run(*args, "--option", "stop=rounds")
    assert short.code == long.code == old.code == 0, (short.err, old.err)
    assert json.loads(short.out)["options"]["stop"] == "rounds"
    assert short.out == long.out == old.out
    assert "--option is now --set" in old.err and short.err == ""
    target = tmp_path / "f.json"
    assert run(*args, "-s", "stop=rounds", "-o", target).code == 0
    assert target.read_text(encoding="utf-8") == short.out
    bad = run("forecast", EC, "-s", "rounds")
    assert bad.code == 2 and "--set" in bad.err and "NAME=VALUE" in bad.err


# -- --version and help texts ------------------------------------------------------------------


def test_version():
    from standoff._version import __version__

    done = run("--version")
    assert done.code == 0 and done.out.strip() == f"standoff {__version__}"


def test_help_texts_are_sentences_and_flags_show_no_bool(monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")
    for name, command in _leaves():
        first = (command.help or "").strip().split("\n\n")[0]
        assert "\n" not in first, f"{name}: the summary is cut by a line break: {first!r}"
        assert first[:1].isupper() and first.endswith("."), f"{name}: {first!r}"
        for param in command.params:
            if getattr(param, "hidden", False) or param.name == "help":
                continue
            text = (param.help or "").strip()
            assert text[:1].isupper() and text.endswith((".", ")")), \
                f"{name} {param.name}: {text!r}"
        shown = run(*name.split(), "--help")
        assert shown.code == 0
        assert "<bool>" not in shown.out, f"{name} --help shows <bool>"
    top = run("--help")
    assert "<bool>" not in top.out and "located\n" not in top.out


def test_dash_h_is_help_on_every_command(monkeypatch):
    """``-h`` asks for help everywhere, as users of command lines expect (``lookahead``'s
    horizon is ``-H``), and no command gives ``-h`` another meaning."""
    monkeypatch.setenv("COLUMNS", "200")
    for name, command in _leaves():
        for param in command.params:
            if param.name != "help":
                assert "-h" not in getattr(param, "opts", []), f"{name} {param.name} takes -h"
        short, long = run(*name.split(), "-h"), run(*name.split(), "--help")
        assert short.code == 0 and short.out == long.out, name
    assert run("-h").out == run("--help").out


# -- check validates bargaining files ----------------------------------------------------------


@pytest.mark.parametrize("model", [EC, DECIDE, KTAB], ids=lambda p: p.name)
def test_check_validates_a_bargaining_only_file(model):
    """Before: exit 2, 'holds only a bargaining section' (YAML) or 'the file is empty'
    (decide TSV)."""
    done = run("check", model)
    assert done.code == 0, done.err
    assert f"{model}: bargaining: ok:" in done.out and " actors, " in done.out
    doc = json.loads(run("check", model, "-f", "json").out)
    assert doc["graph_model"] is None and doc["bargaining"]["actors"] >= 2


def test_check_reports_a_bad_bargaining_file_with_its_line(tmp_path):
    path = tmp_path / "b.yaml"
    path.write_text("bargaining:\n  title: t\n  actors:\n    - {id: A, capabilty: 1}\n"
                    "  issues:\n    - id: i\n      scale: [0, 1]\n      positions:\n"
                    "        A: {position: 0, salience: 1}\n", encoding="utf-8")
    done = run("check", path)
    assert done.code == 2 and done.err.startswith(f"{path}:4:")
    assert "did you mean 'capability'" in done.err


# -- progress on a terminal only ---------------------------------------------------------------


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_the_progress_bar_shows_at_once_on_a_terminal_and_names_the_step():
    from standoff.cli.common import ProgressBar

    screen = _Terminal()
    with ProgressBar("analysing", stream=screen) as progress:
        assert progress.bar is not None  # started before the first step is reported
        progress(0, 4, "SIM for moe")
        progress.bar.refresh()
        assert "SIM for moe" in screen.getvalue()


def test_no_progress_bar_in_a_pipe():
    from standoff.cli.common import ProgressBar

    pipe = io.StringIO()
    with ProgressBar("analysing", stream=pipe) as progress:
        progress(0, 4, "SIM for moe")
    assert progress.bar is None and pipe.getvalue() == ""
    done = run("analyze", ELMIRA)
    assert done.code == 0 and done.err == ""


def test_backtest_reports_each_proposal(tmp_path):
    calls = []
    backtest(load_deu3(_deu3(tmp_path)), ["compromise"],
             progress=lambda done, total, what: calls.append((done, total, what)))
    assert calls == [(0, 2, "d1"), (1, 2, "d2"), (2, 2, "done")]


# -- Markdown without entities, one CSV rule ---------------------------------------------------


def test_markdown_has_no_entities_and_shows_html_as_text():
    text = "a <script>alert(1)</script> <b>b</b> & --> &amp; x"
    md = md_text(text)
    assert "&lt;" not in md and "&gt;" not in md and "&amp;amp;" not in md
    html = MarkdownIt("commonmark", {"html": True}).render(md)
    assert "<script" not in html and "<b>" not in html and "<!--" not in html
    # the reader sees the text as written
    assert re.sub(r"<[^>]+>", "", html).strip() == (
        "a &lt;script&gt;alert(1)&lt;/script&gt; &lt;b&gt;b&lt;/b&gt; &amp; --&gt; "
        "&amp;amp; x")


def test_csv_has_a_byte_order_mark_in_a_file_only(tmp_path):
    from standoff.cli.common import csv_output

    for args in (["analyze", ELMIRA], ["states", ELMIRA], ["forecast", EC]):
        printed = run(*args, "-f", "csv")
        assert printed.code == 0 and not printed.out.startswith("\ufeff")
        target = tmp_path / "out.csv"
        assert run(*args, "-f", "csv", "-o", target).code == 0
        data = target.read_bytes()
        assert data.startswith(b"\xef\xbb\xbf") and data[3:].decode() == printed.out
    assert csv_output("a,b\n", Path("-")) == "a,b\n"


# -- messages ----------------------------------------------------------------------------------

TWO = """format: standoff/1
title: Two
decision_makers:
  a: {name: A, options: {go: {text: A goes}}}
  b: {name: B, options: {stop: {text: B stops}, wait: {text: B waits}}}
preferences:
  a: {prioritize: [go]}
  b: {prioritize: [stop]}
feasibility:
  at_most_one:
    - [b.stop, b.wait]
  infeasible:
    - go and stop
status_quo: [go, stop]
"""


def test_an_infeasible_status_quo_names_the_constraint_and_its_line(tmp_path):
    path = tmp_path / "m.yaml"
    path.write_text(TWO, encoding="utf-8")
    done = run("check", path)
    assert done.code == 2 and done.err.startswith(f"{path}:14:")
    assert "the status quo is not a feasible state" in done.err
    assert "the infeasible statement 'go and stop' (line 13)" in done.err
    assert "at_most_one" not in done.err  # the group it keeps is not blamed
    assert "correct the constraint at line 13" in done.err
    path.write_text(TWO.replace("[go, stop]", "[stop, wait]"), encoding="utf-8")
    done = run("check", path)
    assert "the at_most_one group [b.stop, b.wait] (line 11), of which it takes 2" in done.err


@pytest.mark.parametrize("written, meant, line", [
    ("  a: {name: A, options: {go: {text: A goes}}}",
     "  a: {name: A, options: {go: {text: A goes, movs: take}}}", "moves"),
    ("  a: {prioritize: [go]}", "  a: {prioritise: [go]}", "prioritize"),
    ("feasibility:", "feasability:", "feasibility"),
    ("  infeasible:", "  infeasibel:", "infeasible"),
    ("status_quo: [go, stop]", "status_quo: [go]\nvariants:\n  v: {descripton: x}",
     "description"),
])
def test_a_misspelt_key_gets_did_you_mean_at_any_depth(tmp_path, written, meant, line):
    """Before: only 'check the spelling; the keys allowed are listed in the docs'."""
    path = tmp_path / "m.yaml"
    path.write_text(TWO.replace(written, meant), encoding="utf-8")
    done = run("check", path)
    assert done.code == 2
    assert f"(did you mean '{line}'?)" in done.err and f"to '{line}'" in done.err


def test_a_quote_not_found_shows_the_nearest_passage(tmp_path):
    source = ("First line of the source.\n\nThe minister said that the talks\nwill resume "
              "in May, not before.\nLast line.\n")
    (tmp_path / "s.txt").write_text(source, encoding="utf-8")
    model = TWO.replace("status_quo: [go, stop]", "status_quo: [go]").replace(
        "  a: {prioritize: [go]}",
        "  a:\n    prioritize:\n      - {statement: go, source: s, quote: "
        "\"the talks will resume in June\"}") + "sources:\n  s: {title: S, file: s.txt}\n"
    path = tmp_path / "m.yaml"
    path.write_text(model, encoding="utf-8")
    done = run("check", path)
    assert done.code == 2 and "the quote is not in source 's'" in done.err
    found = re.search(r"closest passage \((\d+) % similar\) is at s\.txt line (\d+): "
                      r"'([^']*)'", done.err)
    assert found, done.err
    assert found.group(2) == "3" and found.group(3).startswith("the talks will resume in")
    assert 70 <= int(found.group(1)) < 100


def test_nearest_passage_measures_the_distance():
    from standoff.model.loader import nearest_passage

    exact = nearest_passage("one two\nthree four five\nsix", "three four five")
    assert exact is not None and exact.similarity == 1.0 and exact.line == 2
    near = nearest_passage("one two\nthree four five\nsix", "three for five")
    assert near is not None and near.line == 2 and 0.8 < near.similarity < 1.0
    assert nearest_passage("", "a quote") is None


def test_progress_moves_within_sim(monkeypatch):
    """The million-state SIM run showed one step per decision maker for a minute: SIM now
    reports each chunk of states it works through (chunks made small here)."""
    import standoff
    from standoff.stability import sim

    conflict = standoff.load(ELMIRA)
    whole = standoff.analyze(conflict, "sim").stable["sim"].copy()
    monkeypatch.setattr(sim, "CHUNK_COMBINATIONS", 4)
    conflict = standoff.load(ELMIRA)
    labels: list[str] = []
    result = standoff.analyze(conflict, "sim",
                              progress=lambda done, total, what: labels.append(what))
    assert (result.stable["sim"] == whole).all()
    parts = [x for x in labels if ", part " in x]
    assert parts and parts[0].startswith("SIM for ") and parts[-1] != parts[0]
    assert any(re.search(r"part 2 of \d+$", x) for x in parts)


def test_check_reads_the_bargaining_section_of_a_graph_model(tmp_path):
    """Before: 'ok' for the graph model, the broken bargaining section never read."""
    path = tmp_path / "both.yaml"
    path.write_text(ELMIRA.read_text(encoding="utf-8") + (
        "bargaining:\n  title: t\n  actors:\n    - {id: A, capability: 1}\n"
        "    - {id: B, capability: 1}\n  issues:\n    - id: i\n      scale: [0, 1]\n"
        "      positions:\n        A: {position: 0, salience: 1}\n"
        "        B: {position: 1, salince: 1}\n"), encoding="utf-8")
    done = run("check", path)
    line = 1 + path.read_text(encoding="utf-8").splitlines().index(
        "        B: {position: 1, salince: 1}")
    assert done.code == 2 and done.err.startswith(f"{path}:{line}:"), done.err
    assert "did you mean 'salience'" in done.err
    path.write_text(path.read_text(encoding="utf-8").replace("salince", "salience"),
                    encoding="utf-8")
    done = run("check", path)
    assert done.code == 0 and ": ok: 3 decision makers" in done.out
    assert "bargaining: ok: 2 actors, 1 issue (0 with a recorded outcome)" in done.out


def test_help_paragraphs_are_not_broken_at_the_source_line_length():
    """A command's help after its first paragraph used to keep the docstring's line breaks
    (typer's rich help does), breaking sentences mid-line; every line of a paragraph now
    runs to the terminal's width."""
    from standoff.cli import _register, app

    _register()
    for info in app.registered_commands:
        assert info.help is not None, info.callback
        for paragraph in info.help.split("\n\n"):
            assert "\n" not in paragraph, (info.name, paragraph)
