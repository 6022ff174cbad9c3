"""Review fixes: report hints, Markdown links and escaping, argument checks of the library,
bounded views of big results, and the report's counting words."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
from cli_runner import run
from conftest import EXAMPLES
from markdown_it import MarkdownIt

import standoff
from standoff.analysis.paths import status_quo_analysis
from standoff.report.content import build_report, evolution_of, model_in_words
from standoff.report.html import render_html
from standoff.report.markdown import render_markdown

DECIDE = EXAMPLES / "bargaining" / "decide_example.tsv"


def free_model(n_a: int, n_b: int, status_quo: bool = True, title: str = "Free") -> str:
    """Two decision makers with ``n_a`` and ``n_b`` free options: 2 ** (n_a + n_b) states."""
    lines = ["format: standoff/1", f"title: {title}", "decision_makers:"]
    for dm, n in (("a", n_a), ("b", n_b)):
        lines += [f"  {dm}:", f"    name: DM {dm}", "    options:"]
        lines += [f"      {dm}{k}: {{text: {dm} option {k}}}" for k in range(n)]
    lines += ["preferences:", "  a: {prioritize: [a0, not b0, a1]}",
              "  b: {prioritize: [b0, a1]}"]
    if status_quo:
        lines.append("status_quo: []")
    return "\n".join(lines) + "\n"


def load_text(tmp_path: Path, text: str, name: str = "model.yaml",
              max_states: int = standoff.DEFAULT_MAX_STATES) -> standoff.Conflict:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return standoff.load(path, max_states=max_states)


def markdown_html(text: str) -> str:
    """Markdown rendered as CommonMark with GitHub tables."""
    return MarkdownIt("commonmark").enable("table").render(text)


PD = """\
format: standoff/1
title: PD
decision_makers:
  p1: {name: Prisoner 1, options: {d1: {text: P1 defects}}}
  p2: {name: Prisoner 2, options: {d2: {text: P2 defects}}}
preferences:
  p1: {ranking: [d1 and not d2, not d1 and not d2, d1 and d2, not d1 and d2]}
  p2: {ranking: [d2 and not d1, not d1 and not d2, d1 and d2, not d2 and d1]}
status_quo: []
"""


@pytest.fixture(scope="module")
def pd_analysis(tmp_path_factory) -> standoff.Analysis:
    path = tmp_path_factory.mktemp("pd") / "pd.yaml"
    path.write_text(PD, encoding="utf-8")
    return standoff.analyze(standoff.load(path))


# -- 1. hints name the command that takes the option ----------------------------------------
def test_report_points_to_standoff_paths_for_the_paths_left_out(tmp_path):
    conflict = load_text(tmp_path, free_model(5, 4), "free model.yaml")
    content = build_report(conflict)
    assert evolution_of(content).paths_omitted > 0
    model = str(tmp_path / "free model.yaml")
    for text in (render_html(content), render_markdown(content, "free.svg")):
        assert "more reachable targets are left out" in text
        assert "(ask for them with --to)" not in text
        assert "standoff paths" in text and "--to STATE" in text
    assert f"standoff paths &#x27;{model}&#x27; --to STATE" in render_html(content)
    # the paths command keeps its own wording: there --to is an option of the command
    sq = status_quo_analysis(conflict, content.base.analysis)
    assert any("ask for them with --to" in s for s in sq.sentences())


def test_report_on_a_model_too_large_for_evolution_says_so(tmp_path):
    conflict = load_text(tmp_path, free_model(7, 6))
    assert conflict.state_count == 8192 and conflict.status_quo is not None
    content = build_report(conflict, ["nash"])
    page = render_html(content)
    evolution = page.split('id="evolution"')[1].split("<h2")[0]
    assert "no status quo" not in evolution
    assert "8,192 states" in evolution and "standoff paths" in evolution
    md = render_markdown(content, "x.svg")
    section = md.split("## Evolution from the status quo")[1].split("\n## ")[0]
    assert "standoff paths" in section


# -- 2. links in Markdown are valid CommonMark -----------------------------------------------
def test_markdown_image_links_to_a_file_name_with_spaces(pd_analysis, tmp_path):
    content = build_report(pd_analysis.conflict)
    md = render_markdown(content, "sp ace (1).svg")
    assert "](sp ace" not in md
    assert "](sp%20ace%20%281%29.svg)" in md
    assert '<img src="sp%20ace%20%281%29.svg"' in markdown_html(md)


def test_markdown_report_links_its_files_by_valid_destinations(tmp_path):
    out = tmp_path / "my report.md"
    result = run("report", EXAMPLES / "elmira.yaml", "-o", out)
    assert result.code == 0, result.err
    text = out.read_text(encoding="utf-8")
    assert "](my%20report.svg)" in text and "](my report.svg)" not in text
    out = tmp_path / "my bargaining.md"
    result = run("report", DECIDE, "-o", out)
    assert result.code == 0, result.err
    text = out.read_text(encoding="utf-8")
    targets = re.findall(r"!\[[^\]]*\]\(([^)]*)\)", text)
    assert targets and all(" " not in t and t.startswith("my%20bargaining.") for t in targets)
    for target in targets:  # each names a file written beside the report
        assert (tmp_path / target.replace("%20", " ")).exists()


# -- 3. model text is escaped in Markdown -----------------------------------------------------
INJECTED = """\
format: standoff/1
title: "Ti*tle* <b>bold</b> | pipe"
description: "Desc <script>alert(1)</script> and [link](http://x) & _em_"
view: "# not a heading"
sources:
  paper: {title: "A paper"}
decision_makers:
  p1:
    name: "P <b>1</b> | *star*"
    options:
      d1: {text: "P1 <i>defects</i> | a|b"}
  p2:
    name: P2
    options:
      d2: {text: "- P2 defects"}
preferences:
  p1:
    prioritize:
      - {statement: d1 and not d2, quote: "he said <img src=x onerror=alert(1)> | ok",
         source: paper}
  p2:
    prioritize:
      - {statement: d2, assumption: "1. it is <u>so</u>"}
status_quo: []
claims:
  c1: {check: no equilibrium has d1 and d2, text: "Claim <script>x</script> *e*",
       assumption: "x | y"}
variants:
  v1:
    description: "Variant <script>alert(1)</script>"
    assumption: "because <b>"
    preferences:
      p2: {prioritize: [not d2]}
"""


def test_markdown_report_escapes_model_text(tmp_path):
    content = build_report(load_text(tmp_path, INJECTED))
    md = render_markdown(content, "x.svg")
    for raw in ("<script", "<b>", "<i>", "<img", "<u>", "_em_", "*star*", "[link]"):
        assert not re.search(r"(?<!\\)" + re.escape(raw), md), raw  # escaped with a \\
    assert "Variant \\<script\\>alert(1)\\</script\\>" in md
    assert "&lt;" not in md and "&amp;" not in md  # no HTML entity in the Markdown
    html = markdown_html(md)
    tags = set(re.findall(r"<([a-z0-9]+)", html))
    assert not tags & {"script", "b", "i", "u", "a", "em"} - {"em"}
    assert "<a " not in html and "<script" not in html
    assert "Ti*tle* &lt;b&gt;bold&lt;/b&gt; | pipe</h1>" in html
    assert "<li># not a heading</li>" in html  # stays text, not a heading
    assert "<li>P2 (p2) decides: p2.d2: - P2 defects" in html  # not a nested list
    # the title with its | and the quote with its | keep every table row in shape
    for line in md.splitlines():
        if line.startswith("| where") or line.startswith("| DM") or line.startswith("| P "):
            assert len(re.findall(r"(?<!\\)\|", line)) == 4, line
    # emphasis written by the report itself still works
    assert "<strong>v1</strong>" in html
    # and the HTML report keeps escaping the same text
    page = render_html(content)
    assert "<script" not in page and "<b>1</b>" not in page and "<img" not in page
    assert "Variant &lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_markdown_helpers():
    from standoff.report.markdown import md_code, md_text

    assert md_text("a <b> & c") == r"a \<b\> \& c"
    assert md_text("x --> y &amp; <!-- z") == r"x --\> y \&amp; \<!-- z"
    assert md_text("x|y *z* snake_case _lead") == r"x\|y \*z\* snake_case \_lead"
    assert md_text("1. first") == r"1\. first" and md_text("- item") == r"\- item"
    assert md_text("two\nlines") == "two lines"
    assert md_code("a`b") == "``a`b``" and md_code("<b>") == "`<b>`"


def test_analyze_markdown_escapes_model_text(tmp_path):
    path = tmp_path / "m.yaml"
    path.write_text(INJECTED, encoding="utf-8")
    out = run("analyze", path, "-f", "markdown").out
    assert "<b>" not in out and "<i>" not in out and out.startswith("# Ti\\*tle\\* \\<b\\>")


# -- 4. Analysis checks its arguments -----------------------------------------------------------
@pytest.mark.parametrize("state", [0, -1, 5, 100])
def test_is_stable_refuses_a_state_that_does_not_exist(pd_analysis, state):
    with pytest.raises(ValueError, match=f"state {state} does not exist.*1 to 4"):
        pd_analysis.is_stable(state, "p1", "nash")
    with pytest.raises(KeyError):  # as explain() always did
        pd_analysis.is_stable(state, "p1", "nash")


@pytest.mark.parametrize("state", [True, False, 1.0, "1", None])
def test_is_stable_refuses_a_state_that_is_not_an_int(pd_analysis, state):
    with pytest.raises(TypeError, match="state is given by its number"):
        pd_analysis.is_stable(state, "p1", "nash")
    with pytest.raises(TypeError):
        pd_analysis.explain(state, "p1", "nash")


@pytest.mark.parametrize("dm", [-1, 2, 5])
def test_a_decision_maker_index_out_of_range_is_refused(pd_analysis, dm):
    with pytest.raises(ValueError, match=f"decision maker index {dm} does not exist"):
        pd_analysis.stable_states("nash", dm)
    with pytest.raises(ValueError, match="p1, p2"):
        pd_analysis.is_stable(1, dm, "nash")
    with pytest.raises(ValueError):
        pd_analysis.explain(1, dm, "nash")


def test_a_decision_maker_of_the_wrong_type_is_refused(pd_analysis):
    for dm in (True, 1.0, None):
        with pytest.raises(TypeError, match="decision maker"):
            pd_analysis.stable_states("nash", dm)
    with pytest.raises(KeyError, match="unknown decision maker 'zz'"):
        pd_analysis.stable_states("nash", "zz")


def test_valid_arguments_still_work(pd_analysis):
    a = pd_analysis
    assert a.stable_states("nash", 0) == a.stable_states("NASH", "p1") == [2, 4]
    assert a.stable_states("nash", np.int64(1)) == a.stable_states("nash", "Prisoner 2")
    assert a.is_stable(4, "p1", "nash") and a.is_stable(np.int32(4), 1, "nash")
    assert not a.is_stable(1, "p2", "nash")
    assert a.explain(4, 0, "nash").stable


def test_a_concept_that_was_not_computed_names_the_computed_ones(pd_analysis):
    for call in (lambda: pd_analysis.stable_states("l2", "p1"),
                 lambda: pd_analysis.is_stable(1, "p1", "l2"),
                 lambda: pd_analysis.equilibrium_mask("l2")):
        with pytest.raises(KeyError) as info:
            call()
        assert "'l2' was not computed" in str(info.value)
        assert "nash, gmr, smr, seq, sim" in str(info.value)
    with pytest.raises(ValueError, match="unknown concept 'zz'"):
        pd_analysis.stable_states("zz", "p1")
    with pytest.raises(TypeError, match="concept"):
        pd_analysis.stable_states(3, "p1")


# -- 5. analyze and load check their arguments -----------------------------------------------
def test_analyze_accepts_the_path_of_a_model(tmp_path):
    path = tmp_path / "pd.yaml"
    path.write_text(PD, encoding="utf-8")
    for given in (path, str(path)):
        result = standoff.analyze(given, "nash")
        assert result.equilibria == {"nash": [4]}


def test_analyze_refuses_what_is_not_a_conflict_or_a_path(pd_analysis):
    with pytest.raises(TypeError, match=r"analyze expects a Conflict from standoff\.load"):
        standoff.analyze(42)
    with pytest.raises(TypeError, match="analyze expects a Conflict"):
        standoff.analyze(pd_analysis)


def test_analyze_refuses_concepts_that_are_not_strings(pd_analysis):
    with pytest.raises(TypeError, match="concept must be a string.*not 5"):
        standoff.analyze(pd_analysis.conflict, concepts=["nash", 5])
    with pytest.raises(TypeError, match="concepts must be"):
        standoff.analyze(pd_analysis.conflict, concepts=5)


def test_load_checks_max_states(tmp_path):
    path = tmp_path / "pd.yaml"
    path.write_text(PD, encoding="utf-8")
    for bad in ("x", 2.5, True, None):
        with pytest.raises(TypeError, match="max_states must be an int"):
            standoff.load(path, max_states=bad)
    with pytest.raises(ValueError, match="at least 1"):
        standoff.load(path, max_states=0)
    with pytest.raises(TypeError, match="path of a model file"):
        standoff.load(3)
    assert standoff.load(path, max_states=4).state_count == 4


# -- 6. views of big results stay small -------------------------------------------------------
@pytest.fixture(scope="module")
def big_analysis(tmp_path_factory) -> standoff.Analysis:
    path = tmp_path_factory.mktemp("big") / "big.yaml"
    path.write_text(free_model(10, 10, title="Big"), encoding="utf-8")
    conflict = standoff.load(path, max_states=1 << 21)
    assert conflict.state_count == 1 << 20
    return standoff.analyze(conflict, "nash,gmr")


def test_repr_of_a_big_result_is_short(big_analysis):
    text = repr(big_analysis)
    assert len(text) < 2000
    assert "1,048,576 states" in text and "status quo 1" in text
    n_nash = len(big_analysis.equilibria["nash"])
    assert n_nash > 100 and f"of {n_nash:,} not shown" in text
    assert ".to_dict()" in text and ".to_frame()" in text
    assert len(re.findall(r"\d+", text)) < 150


def test_html_view_of_a_big_result_is_bounded(big_analysis):
    html = big_analysis._repr_html_()
    assert len(html) < 100_000
    assert html.count("<tr>") <= 101  # header and at most 100 states
    assert "1,048,576 states" in html and "1 (status quo)" in html
    assert f"{(1 << 20) - (html.count('<tr>') - 1):,} states are not shown" in html
    assert ".to_frame()" in html and ".to_dict()" in html


def test_small_results_are_shown_whole(pd_analysis):
    html = pd_analysis._repr_html_()
    assert html.count("<tr>") == 5 and "not shown" not in html
    assert repr(pd_analysis) == ("<Analysis of 'PD': 4 states, status quo 1; equilibria "
                                 "Nash [4]; GMR [1, 4]; SMR [1, 4]; SEQ [1, 4]; SIM [1, 4]>")


# -- 7. counting words --------------------------------------------------------------------------
def test_one_state_is_singular(tmp_path):
    text = PD.replace("status_quo: []", "feasibility:\n  infeasible: [d1 or d2]\n"
                      "status_quo: []")
    conflict = load_text(tmp_path, text)
    assert conflict.state_count == 1
    sentences = [s for _, group in model_in_words(conflict) for s in group]
    assert "This leaves 1 state." in sentences
    assert "This leaves 4 states." in [
        s for _, group in model_in_words(load_text(tmp_path, PD, "pd.yaml")) for s in group]


def test_claims_are_counted_apart_from_premises(tmp_path):
    text = PD + "claims:\n  c: {check: the status quo is an equilibrium, assumption: a}\n"
    content = build_report(load_text(tmp_path, text))
    page = render_html(content)
    assert "8 premises: 8 give no evidence. 1 claim: 1 is a modeller&#x27;s assumption." \
        in page
    assert "premises quote their source" not in page
    md = render_markdown(content, "x.svg")
    assert "8 premises: 8 give no evidence. 1 claim: 1 is a modeller's assumption." in md
