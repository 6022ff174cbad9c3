"""Reports: HTML and Markdown for every example; sections, plain-language claims, SVG."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import pytest
from cli_runner import run
from conftest import EXAMPLES
from model_builders import spec_from_dict

import standoff
from standoff.report.html import SECTIONS
from standoff.report.svg import MAX_NODES, state_graph_svg

# every GMCR model in examples/ (examples/bargaining holds bargaining inputs, not GMCR models)
MODELS = sorted(p for p in EXAMPLES.rglob("*.yaml") if "bargaining" not in p.parts)
ISTANBUL = EXAMPLES / "istanbul-2025" / "istanbul-2025.yaml"
SVG_NS = "{http://www.w3.org/2000/svg}"


class _Outline(HTMLParser):
    """Collect h2 ids, and any external resource a page would fetch."""

    def __init__(self) -> None:
        super().__init__()
        self.h2: list[str] = []
        self.external: list[str] = []
        self.scripts = 0

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "h2":
            self.h2.append(a.get("id", ""))
        if tag == "script":
            self.scripts += 1
        for key in ("src", "href"):
            value = a.get(key) or ""
            if value and not value.startswith("#"):
                self.external.append(value)


def svg_of(page: str) -> ET.Element:
    """The state graph's SVG (a hierarchical model's report also draws its levels)."""
    match = re.search(r'<svg\b[^>]*class="state-graph".*?</svg>', page, re.S)
    assert match, "no SVG in the page"
    return ET.fromstring(match.group(0))


def test_every_example_is_covered():
    assert ISTANBUL in MODELS and len(MODELS) >= 7


@pytest.mark.parametrize("model", MODELS, ids=lambda p: p.stem)
def test_html_report_renders(model, tmp_path):
    out = tmp_path / "report.html"
    result = run("report", model, "-o", out)
    assert result.code == 0, result.err
    page = out.read_text(encoding="utf-8")
    outline = _Outline()
    outline.feed(page)
    keys = [key for key, _ in SECTIONS]
    # the sections in their order, the bottom line first; a section the model has nothing
    # for (claims, evidence, variants, a status quo) is left out, the others never
    assert outline.h2 == [k for k in keys if k in outline.h2]
    assert outline.h2[0] == "summary"
    assert {"model", "equilibria", "states", "stability", "graph"} <= set(outline.h2)
    assert outline.external == [] and outline.scripts == 0  # opens from disk, no network
    svg = svg_of(page)
    assert svg.tag == f"{SVG_NS}svg"
    assert svg.findall(f".//{SVG_NS}circle")


@pytest.mark.parametrize("model", MODELS, ids=lambda p: p.stem)
def test_markdown_report_renders(model, tmp_path):
    out = tmp_path / "report.md"
    result = run("report", model, "-o", out)
    assert result.code == 0, result.err
    text = out.read_text(encoding="utf-8")
    titles = dict(SECTIONS)
    positions = [text.find(f"## {title}\n") for _, title in SECTIONS]
    shown = [p for p in positions if p >= 0]
    assert shown == sorted(shown) and shown[0] == text.find(f"## {titles['summary']}\n")
    for key in ("model", "equilibria", "states", "stability", "graph"):
        assert f"## {titles[key]}\n" in text
    assert "](report.svg)" in text
    ET.fromstring((tmp_path / "report.svg").read_text(encoding="utf-8"))


def test_istanbul_report_in_plain_language(tmp_path):
    out = tmp_path / "istanbul.html"
    assert run("report", ISTANBUL, "-o", out).code == 0
    page = out.read_text(encoding="utf-8")
    # premises are attributed, never stated as fact
    assert "Commentary on the Istanbul talks, dated 8 June 2025 holds that:" in page
    assert ("Commentary on the Istanbul talks, dated 8 June 2025 holds that “Trump himself, "
            "subjectively, would like to end this war”") in page
    assert "assumption: The text does not say; we assume Ukraine prefers" in page
    # claims: verdicts per variant and witnesses built from explanations
    assert 'id="claim-truce-untenable"' in page
    assert "holds only in variants maga, hesitant, maga-strikes-need-us" in page
    assert "US administration would gain by moving from" in page
    assert "Fails under SEQ: 18 (NYNYY) is an equilibrium" in page
    # variants side by side and the status quo in the picture
    for name in ("base", "maga", "hesitant", "strikes-need-us", "maga-strikes-need-us"):
        assert f"<th>{name}</th>" in page
    svg = svg_of(page)
    titles = [t.text or "" for t in svg.iter(f"{SVG_NS}title")]
    assert any("status quo" in t and t.startswith("7 (NNNYN)") for t in titles)
    assert sum(1 for _ in svg.iter(f"{SVG_NS}path")) > 18


def test_large_graph_shows_equilibria_and_the_status_quo_neighbourhood():
    options = {f"o{k}": {"text": f"option {k}"} for k in range(4)}
    data = {
        "format": "standoff/1", "title": "large",
        "decision_makers": {"a": {"name": "A", "options": options},
                            "b": {"name": "B", "options": {"x": {"text": "x"},
                                                           "y": {"text": "y"}}}},
        "preferences": {"a": {"prioritize": ["o0", "o1 and b.x", "not o2"]},
                        "b": {"prioritize": ["x iff o0", "y"]}},
        "status_quo": [],
    }
    conflict = standoff.compile_model(spec_from_dict(data))
    assert conflict.state_count == 64 > MAX_NODES
    analysis = standoff.analyze(conflict)
    picture = state_graph_svg(analysis)
    assert len(picture.shown) <= MAX_NODES and picture.left_out == 64 - len(picture.shown)
    assert 0 in picture.shown  # the status quo
    assert set(int(t) for t in conflict.moves[1].of(0)) <= set(picture.shown)
    strongest = [s - 1 for s in analysis.equilibria["nash"]]
    assert set(strongest) <= set(picture.shown)
    assert f"Showing {len(picture.shown)} of 64 states" in picture.note
    assert "left out" in picture.note
    root = ET.fromstring(picture.svg)
    assert "left out" in "".join(root.itertext())


def test_report_needs_a_known_suffix(tmp_path):
    result = run("report", ISTANBUL, "-o", tmp_path / "report.pdf")
    assert result.code == 2 and "FILE.html or FILE.md" in result.err


def test_big_models_get_bounded_state_tables(tmp_path):
    """2 decision makers x 5 free options: 1,024 states. The state and stability tables show
    the status quo and equilibria only (at most 200 rows), say so, and name the commands
    that list everything; equilibria in words stop after 50 per concept."""
    from standoff.report.content import MAX_REPORT_EQUILIBRIA, MAX_REPORT_STATES

    dms = "\n".join(
        f"  d{d}:\n    name: D{d}\n    options:\n"
        + "\n".join(f"      o{d}_{k}: {{text: option {k}}}" for k in range(5))
        for d in range(2))
    prefs = "\n".join(f"  d{d}:\n    prioritize: [o{d}_0, not o{1 - d}_1]" for d in range(2))
    model = tmp_path / "big.yaml"
    model.write_text(f"format: standoff/1\ntitle: big\ndecision_makers:\n{dms}\n"
                     f"status_quo: []\npreferences:\n{prefs}\n", encoding="utf-8")
    out = tmp_path / "big.html"
    r = run("report", str(model), "-o", str(out), "--concepts", "nash")
    assert r.code == 0, r.err
    page = out.read_text(encoding="utf-8")
    assert "The model has 1,024 states; these tables show the status quo and equilibria" in page
    assert "--format csv" in page
    stability = page.split('id="stability"')[1].split("</table>")[0]
    assert stability.count("<tr") - 1 <= MAX_REPORT_STATES  # minus the header row
    assert "(status quo)" in stability
    nash = standoff.analyze(standoff.load(model), concepts="nash").equilibria["nash"]
    assert len(nash) > MAX_REPORT_EQUILIBRIA
    assert f"and {len(nash) - MAX_REPORT_EQUILIBRIA:,} more equilibri" in page
