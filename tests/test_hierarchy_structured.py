"""The structured Istanbul model (issue 14, section 3), the comparison of a structured and a
flat model (standoff.analysis.comparison), the drawing of the levels (standoff.report.levels)
and their place in the report and in ``standoff hierarchy --compare``.

The comparison is tested on a pair of small models whose equilibria are worked out by hand
in :func:`test_comparison_of_a_pair_worked_out_by_hand`.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

from cli_runner import run

from standoff import load
from standoff.analysis.claims import check_claims, concepts_needed
from standoff.analysis.comparison import compare_conflicts
from standoff.analysis.hierarchy import hierarchical_analysis, inconsistencies, is_hierarchical
from standoff.analysis.result import analyze
from standoff.report.levels import levels_svg

ROOT = Path(__file__).resolve().parents[1]
STRUCTURED = ROOT / "examples" / "istanbul-2025" / "istanbul-2025-structured.yaml"
FLAT = ROOT / "examples" / "istanbul-2025" / "istanbul-2025.yaml"
SVG_NS = "{http://www.w3.org/2000/svg}"


# -- the structured Istanbul model --------------------------------------------------------

def test_structured_istanbul_reads_as_two_local_conflicts_sharing_the_us():
    conflict = load(STRUCTURED)
    assert is_hierarchical(conflict)
    analysis = hierarchical_analysis(conflict)
    h = analysis.hierarchy
    assert h.common == ("us",)
    assert [lc.name for lc in h.local_conflicts] == ["war", "domestic"]
    assert set(h.local_conflict("war").dm_ids) == {"russia", "ukraine", "us"}
    assert set(h.local_conflict("domestic").dm_ids) == {"us", "base", "globalists"}
    # the overall model is the product of the local ones
    sizes = [v.conflict.state_count for v in analysis.locals]
    assert conflict.state_count == sizes[0] * sizes[1]
    # the view it encodes is stated, and every premise cites a quote or is an assumption
    assert "commentary" in (conflict.spec.view or "").lower()
    for pref in conflict.spec.preferences:
        for statement in pref.statements:
            assert statement.evidence is not None, statement
    # the attitudes the text states are read into the overall model
    from standoff.stability.relational import attitudes

    e = attitudes(conflict)
    i = conflict.dm_index
    assert e[i("globalists"), i("russia")] == -1 and e[i("globalists"), i("us")] == -1
    assert e[i("base"), i("us")] == 1 and e[i("base"), i("russia")] == 0


def test_structured_istanbul_claims_have_the_verdicts_the_text_argues():
    conflict = load(STRUCTURED)
    concepts = concepts_needed([c.claim for c in conflict.spec.claims],
                               ("nash", "gmr", "smr", "seq"))
    results = {r.id: r for r in check_claims(analyze(conflict, concepts),
                                             default_concepts=("nash", "gmr", "smr", "seq"))}
    # "a truce is untenable", "one can only stay in or get out" (both halves), "the
    # globalists ... are maneuvering to ensure that Trump remains in the war"
    for claim in ("truce-untenable", "stay-in", "get-out", "globalists-keep-trump-in",
                  "globalists-maneuvering-stable"):
        assert results[claim].holds, (claim, results[claim].verdict_text)


def test_structured_istanbul_us_preferences_link_the_two_arenas():
    # the US administration's overall preference ties its conduct in the war to its stand at
    # home, so it disagrees with its local view of the war (where it has no preference
    # between staying in and getting out): the hierarchy command reports that
    analysis = hierarchical_analysis(load(STRUCTURED))
    found = inconsistencies(analysis, "us")
    assert "war" in found


def test_structured_istanbul_check_and_hierarchy_commands():
    assert run("check", STRUCTURED).code == 0
    result = run("hierarchy", STRUCTURED, "-f", "json")
    assert result.code == 0, result.err
    doc = json.loads(result.out)
    assert doc["common_decision_makers"] == ["us"]
    assert doc["consistent"] == {"us": False}


# -- the comparison -----------------------------------------------------------------------

_STRUCTURED_PAIR = """\
format: standoff/1
title: Pair, structured
common_decision_makers:
  c: {name: Centre}
local_conflicts:
  one:
    decision_makers:
      c: {options: {a: {text: A}}}
      x: {name: X, options: {xa: {text: XA}}}
    preferences:
      c: {prioritize: [not a]}
      x: {prioritize: [not xa]}
  two:
    decision_makers:
      c: {options: {b: {text: B}}}
      y: {name: Y, options: {yb: {text: YB}}}
    preferences:
      c: {prioritize: [not b]}
      y: {prioritize: [yb]}
overall_preferences:
  c: {prioritize: [a iff y.yb, not b]}
claims:
  c-takes-a:
    check: every equilibrium has c.a under nash
    assumption: test
  y-out:
    check: no equilibrium has y.yb under nash
    assumption: test
"""

_FLAT_PAIR = """\
format: standoff/1
title: Pair, flat
decision_makers:
  c: {name: Centre, options: {a: {text: A}}}
  x: {name: X, options: {xa: {text: XA}}}
preferences:
  c: {prioritize: [not a]}
  x: {prioritize: [not xa]}
claims:
  c-leaves-a:
    check: some equilibrium has not c.a under nash
    assumption: test
"""


def _pair(tmp_path: Path):
    s = tmp_path / "structured.yaml"
    f = tmp_path / "flat.yaml"
    s.write_text(_STRUCTURED_PAIR)
    f.write_text(_FLAT_PAIR)
    return s, f


def test_comparison_of_a_pair_worked_out_by_hand(tmp_path):
    """By hand. Flat: c and x each prefer not to take their one option, so the only Nash
    equilibrium is (a=N, xa=N). Structured: y always takes yb; x never takes xa; c wants a
    exactly when yb is taken and never b, so the only Nash equilibrium is a=Y, b=N, xa=N,
    yb=Y. On the shared options (c.a, x.xa) the structured equilibrium is (Y, N) and the
    flat one (N, N): neither has a counterpart. c.a is taken in every structured
    equilibrium and in no flat one; the claim about y cannot be written in the flat model."""
    s, f = _pair(tmp_path)
    cmp = compare_conflicts(load(s), load(f), ("nash",))
    assert cmp.names == ("structured", "flat")
    assert cmp.shared == ("c.a", "x.xa")
    assert cmp.own == {"structured": ("c.b", "y.yb"), "flat": ()}
    groups = {g.values: g for g in cmp.groups["nash"]}
    assert set(groups) == {(True, False), (False, False)}
    structured = cmp.analysis("structured").conflict
    flat = cmp.analysis("flat").conflict
    only_structured = groups[(True, False)]
    (s_eq,) = only_structured.states["structured"]
    assert dict(zip(structured.option_keys, structured.option_values(s_eq), strict=True)) \
        == {"c.a": True, "x.xa": False, "c.b": False, "y.yb": True}
    assert only_structured.states["flat"] == ()
    # why the flat model has none: its one state with a=Y, xa=N, where c would drop a
    assert "its one state with these values" in only_structured.why["flat"]
    assert "Centre would gain" in only_structured.why["flat"]
    only_flat = groups[(False, False)]
    (f_eq,) = only_flat.states["flat"]
    assert dict(zip(flat.option_keys, flat.option_values(f_eq), strict=True)) == \
        {"c.a": False, "x.xa": False}
    assert only_flat.states["structured"] == ()
    # four structured states have a=N, xa=N (b and yb free), none an equilibrium
    assert "none of its 4 states with these values" in only_flat.why["structured"]
    claims = {c.id: c for c in cmp.claims}
    assert claims["c-takes-a"].results["structured"].holds
    assert not claims["c-takes-a"].results["flat"].holds
    assert claims["c-leaves-a"].results["flat"].holds
    assert not claims["c-leaves-a"].results["structured"].holds
    assert claims["y-out"].results["flat"] is None
    assert "y.yb" in claims["y-out"].missing["flat"]
    assert claims["c-takes-a"].agree is False and claims["y-out"].agree is None


def test_comparison_matches_identical_models_state_for_state(tmp_path):
    # a model compared with itself: every equilibrium is matched by itself, every claim agrees
    _, f = _pair(tmp_path)
    cmp = compare_conflicts(load(f), load(f), ("nash", "gmr"))
    assert cmp.names == ("first", "second")
    for groups in cmp.groups.values():
        assert all(g.matched and g.states["first"] == g.states["second"] for g in groups)
    assert all(c.agree for c in cmp.claims)


def test_structured_and_flat_istanbul_compared():
    cmp = compare_conflicts(load(STRUCTURED), load(FLAT), ("nash", "gmr", "smr", "seq"))
    assert set(cmp.shared) == {"russia.accept", "russia.escalate", "ukraine.accept",
                               "ukraine.strike", "us.withdraw"}
    claims = {c.id: c for c in cmp.claims}
    # both models say a truce is untenable; written identically in both, listed once
    assert claims["truce-untenable"].origin == "structured and flat"
    assert all(r is not None and r.holds for r in claims["truce-untenable"].results.values())
    # "get out" is stable only where the struggle at home is part of the model
    assert claims["get-out"].results["structured"].holds
    assert not claims["get-out"].results["flat"].holds
    # the globalists are not in the flat model
    assert claims["globalists-keep-trump-in"].results["flat"] is None
    # the memoranda are a card table of the flat model only: its claims about them cannot
    # be written in the structured model (they were checked there and said to fail)
    for claim in ("memoranda-irreconcilable", "memoranda-incompatible"):
        assert claims[claim].results["structured"] is None
        assert claims[claim].results["flat"].holds
    # every flat Nash equilibrium has a structured counterpart with the same shared values
    for concept in ("nash", "seq"):
        for g in cmp.groups[concept]:
            if g.states["flat"]:
                assert g.states["structured"], (concept, cmp.values_text(g.values))


def test_hierarchy_compare_option(tmp_path):
    s, f = _pair(tmp_path)
    result = run("hierarchy", s, "--compare", f, "--concepts", "nash", "-f", "json")
    assert result.code == 0, result.err
    doc = json.loads(result.out)["comparison"]
    assert doc["models"] == ["structured", "flat"]
    assert doc["shared_options"] == ["c.a", "x.xa"]
    assert {tuple(sorted(g["states"]["flat"])) for g in doc["equilibria"]["nash"]} == \
        {(), (1,)}
    text = run("hierarchy", s, "--compare", f, "--concepts", "nash")
    assert text.code == 0 and "Compared with the flat model:" in text.out
    markdown = run("hierarchy", s, "--compare", f, "--concepts", "nash", "-f", "markdown")
    assert "## Compared with the flat model" in markdown.out
    missing = run("hierarchy", s, "--compare", tmp_path / "nowhere.yaml")
    assert missing.code == 2 and "Traceback" not in missing.err


# -- the drawing of the levels ------------------------------------------------------------

def _texts(svg: str) -> str:
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG_NS}svg"
    return " ".join("".join(t.itertext()) for t in root.iter(f"{SVG_NS}text"))


def test_levels_drawing_shows_every_local_conflict_and_decision_maker():
    conflict = load(STRUCTURED)
    h = hierarchical_analysis(conflict).hierarchy
    svg = levels_svg(h, {d.id: d.name for d in conflict.spec.dms})
    text = _texts(svg)
    for lc in h.local_conflicts:
        assert f"Local conflict {lc.name}" in text
    for dm in conflict.spec.dms:
        assert dm.name in text
    root = ET.fromstring(svg)
    assert [g.get("data-id") for g in root.iter(f"{SVG_NS}g") if g.get("class") == "local"] \
        == ["war", "domestic"]
    # one line from the US administration to each local conflict
    assert len(list(root.iter(f"{SVG_NS}line"))) == 2


_HOSTILE = _STRUCTURED_PAIR.replace(
    "c: {name: Centre}", "c: {name: '<script>alert(1)</script> & co'}").replace(
    "x: {name: X,", "x: {name: '\"x\" <b>',").replace(
    "  one:\n", "  one:\n    title: '<script>t</script>'\n")


def test_levels_drawing_escapes_names(tmp_path):
    path = tmp_path / "hostile.yaml"
    path.write_text(_HOSTILE)
    conflict = load(path)
    h = hierarchical_analysis(conflict).hierarchy
    svg = levels_svg(h, {d.id: d.name for d in conflict.spec.dms})
    assert "<script" not in svg and "<b>" not in svg
    text = _texts(svg)  # well-formed XML, and the names read back as written
    assert "<script>alert(1)</script> & co" in text
    assert '"x" <b>' in text and "<script>t</script>" in text


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.h2: list[str] = []
        self.scripts = 0

    def handle_starttag(self, tag, attrs):
        if tag == "h2":
            self.h2.append(dict(attrs).get("id", ""))
        if tag == "script":
            self.scripts += 1


def test_report_has_levels_and_comparison(tmp_path):
    out = tmp_path / "structured.html"
    result = run("report", STRUCTURED, "-o", out, "--compare", FLAT, "-c", "nash,seq")
    assert result.code == 0, result.err
    page = out.read_text(encoding="utf-8")
    p = _Page()
    p.feed(page)
    assert "levels" in p.h2 and "comparison" in p.h2 and p.scripts == 0
    levels = re.search(r'<svg[^>]*class="levels".*?</svg>', page, re.S)
    assert levels is not None
    text = _texts(levels.group(0))
    assert "Local conflict war" in text and "Local conflict domestic" in text
    assert "The globalists and the Deep State" in text
    # the comparison says which claim differs and why, in words
    assert "get-out" in page and "why they differ" in page
    assert "US administration would gain by moving" in page
    md = tmp_path / "structured.md"
    assert run("report", STRUCTURED, "-o", md, "--compare", FLAT, "-c", "nash").code == 0
    text_md = md.read_text(encoding="utf-8")
    assert "## Compared with the other model" in text_md
    assert "## Levels: the local conflicts and who links them" in text_md


def test_report_of_hostile_hierarchical_model_is_escaped(tmp_path):
    path = tmp_path / "hostile.yaml"
    path.write_text(_HOSTILE)
    out = tmp_path / "hostile.html"
    assert run("report", path, "-o", out, "-c", "nash").code == 0
    page = _Page()
    page.feed(out.read_text(encoding="utf-8"))
    assert page.scripts == 0 and "levels" in page.h2


def test_report_without_hierarchy_or_compare_has_neither_section(tmp_path):
    out = tmp_path / "flat.html"
    assert run("report", FLAT, "-o", out, "-c", "nash").code == 0
    page = _Page()
    page.feed(out.read_text(encoding="utf-8"))
    assert "levels" not in page.h2 and "comparison" not in page.h2


# -- attitudes in a hierarchical file -----------------------------------------------------

def test_attitude_toward_unknown_decision_maker_is_located(tmp_path):
    path = tmp_path / "model.yaml"
    path.write_text(_STRUCTURED_PAIR + "attitudes:\n  x:\n    nobody: '-'\n")
    result = run("check", path)
    assert result.code == 2
    line = len(_STRUCTURED_PAIR.splitlines()) + 3
    assert f"model.yaml:{line}" in result.err
    assert "unknown decision maker 'nobody'" in result.err and "Traceback" not in result.err
