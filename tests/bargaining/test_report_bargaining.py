"""The bargaining section of ``standoff report``: bargaining-only files, model files with
both a graph model and a ``bargaining:`` section, and the errors."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

from cli_runner import run as _cli

from standoff.report.html import SECTIONS

from .conftest import EXAMPLES, ROOT

SVG_NS = "{http://www.w3.org/2000/svg}"
VOID = {"meta", "br", "hr", "img", "input", "link", "col", "wbr"}


class _Page(HTMLParser):
    """h2/h3 ids, and a check that every non-void element is closed in order."""

    def __init__(self) -> None:
        super().__init__()
        self.h2: list[str] = []
        self.h3: list[str] = []
        self.stack: list[str] = []
        self.errors: list[str] = []
        self.tables = 0

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "h2":
            self.h2.append(a.get("id", ""))
        if tag == "h3":
            self.h3.append(a.get("id", ""))
        if tag == "table":
            self.tables += 1
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        pass

    def handle_endtag(self, tag):
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"unexpected </{tag}> (open: {self.stack[-3:]})")
            return
        self.stack.pop()


class _Result:
    def __init__(self, *args) -> None:
        r = _cli(*map(str, args))
        self.exit_code, self.output = r.code, r.out + r.err


def run(*args) -> _Result:
    """``standoff ARGS`` as the console script runs it (errors exit 2 without a traceback)."""
    return _Result(*args)


def _parse(page: str) -> _Page:
    p = _Page()
    p.feed(page)
    p.close()
    assert p.errors == [] and p.stack == [], (p.errors, p.stack)
    return p


def _svgs(page: str) -> list[ET.Element]:
    return [ET.fromstring(m) for m in re.findall(r"<svg\b.*?</svg>", page, re.S)]


def test_bargaining_only_html(tmp_path):
    out = tmp_path / "ec.html"
    r = run("report", EXAMPLES / "ec_emissions.yaml", "-o", out)
    assert r.exit_code == 0, r.output
    page = out.read_text(encoding="utf-8")
    p = _parse(page)
    assert p.h2 == ["bargaining"]
    # one issue: the exchange model has nothing to trade, so no rounds
    assert {"bargaining-forecasts", "bargaining-zopa", "bargaining-expected_utility",
            "bargaining-spatial"} <= set(p.h3)
    assert "bargaining-exchange" not in p.h3
    plots = _svgs(page)
    assert len(plots) == 2  # expected utility, spatial
    for svg in plots:
        assert svg.tag == f"{SVG_NS}svg" and svg.findall(f".//{SVG_NS}polyline")
    # the EC forecasts as the models give them, and the ZOPA table
    for name in ("compromise", "median", "exchange", "expected_utility", "spatial"):
        assert f"<th>{name}</th>" in page
    assert "9.96" in page  # expected utility, stopped after round 4 (docs/bargaining.md)
    assert "Zone of possible agreement" in page and "unanimity" in page


def test_bargaining_only_markdown_writes_plots(tmp_path):
    out = tmp_path / "soe.md"
    r = run("report", EXAMPLES / "ktab_china_soe.yaml", "-o", out)
    assert r.exit_code == 0, r.output
    text = out.read_text(encoding="utf-8")
    assert "## Bargaining over issues on a scale" in text
    assert "| Policy | 0-100 |" in text and "32.17" in text  # the spatial forecast
    assert "stopped after 13 steps" in text
    for name in ("exchange", "expected_utility", "spatial"):
        plot = tmp_path / f"soe.{name}.svg"
        assert f"]({plot.name})" in text
        assert ET.fromstring(plot.read_text(encoding="utf-8")).tag == f"{SVG_NS}svg"


def test_empty_zone_is_reported(tmp_path):
    out = tmp_path / "t.html"
    r = run("report", EXAMPLES / "trade_no_zone.yaml", "-o", out)
    assert r.exit_code == 0, r.output
    page = out.read_text(encoding="utf-8")
    _parse(page)
    assert "<td>empty</td>" in page


def test_ktab_csv_gets_a_bargaining_report(tmp_path):
    out = tmp_path / "k.html"
    r = run("report", EXAMPLES / "ktab_example.csv", "-o", out)
    assert r.exit_code == 0, r.output
    assert _parse(out.read_text(encoding="utf-8")).h2 == ["bargaining"]


def _with_bargaining(write) -> str:
    gmcr = (ROOT / "examples" / "prisoners_dilemma.yaml").read_text(encoding="utf-8")
    return gmcr + """
bargaining:
  title: Sharing the sentence
  actors: [{id: A, capability: 2}, {id: B}]
  issues:
    - id: years
      scale: [0, 10]
      status_quo: 5
      positions:
        A: {position: 2, salience: 0.9}
        B: {position: 8, salience: 0.5}
"""


def test_graph_model_with_bargaining_section(write, tmp_path):
    model = write("pd.yaml", _with_bargaining(write))
    out = tmp_path / "pd.html"
    r = run("report", model, "-o", out)
    assert r.exit_code == 0, r.output
    page = out.read_text(encoding="utf-8")
    p = _parse(page)
    keys = [key for key, _ in SECTIONS]
    assert p.h2[-1] == "bargaining" and p.h2[0] == "summary"
    assert p.h2[:-1] == [k for k in keys if k in p.h2]
    assert 'href="#bargaining"' in page
    svgs = _svgs(page)
    assert svgs[0].findall(f".//{SVG_NS}circle")  # the state graph is still first
    assert any(s.findall(f".//{SVG_NS}polyline") for s in svgs[1:])
    # the graph-model commands still read the file
    assert run("analyze", model).exit_code == 0
    md = tmp_path / "pd.md"
    r = run("report", model, "-o", md)
    assert r.exit_code == 0, r.output
    text = md.read_text(encoding="utf-8")
    assert "## State graph" in text and "## Bargaining over issues on a scale" in text
    assert (tmp_path / "pd.svg").is_file()


def test_bad_bargaining_section_is_located(write, tmp_path):
    text = _with_bargaining(write).replace("B: {position: 8", "C: {position: 8")
    model = write("bad.yaml", text)
    r = run("report", model, "-o", tmp_path / "bad.html")
    assert r.exit_code == 2
    line = next(k for k, ln in enumerate(text.splitlines(), 1) if "C: {position" in ln)
    assert f"bad.yaml:{line}:" in r.output and "unknown actor 'C'" in r.output
    assert "Traceback" not in r.output


def test_graph_commands_refuse_bargaining_only_files():
    r = run("analyze", EXAMPLES / "ec_emissions.yaml")
    assert r.exit_code == 2
    assert "only a bargaining section" in r.output and "standoff report" in r.output


def test_neither_graph_nor_bargaining(write, tmp_path):
    model = write("empty.yaml", "title: nothing here\n")
    r = run("report", model, "-o", tmp_path / "e.html")
    assert r.exit_code == 2
    assert "Traceback" not in r.output and "empty.yaml" in r.output
