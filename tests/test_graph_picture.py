"""The state graph as a picture that explains (issue 12): improvements drawn apart from
other moves, equilibria marked per concept, the evolution from the status quo highlighted,
a filter by decision maker, one picture per variant, large models cut down with a note; and
the same picture from the library (``analysis.plot()``, ``conflict.graph()``, ``.save``,
``to_networkx``)."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from model_builders import spec_from_dict

import standoff
from standoff.analysis.export import to_graphml
from standoff.analysis.paths import status_quo_analysis
from standoff.errors import ParameterError
from standoff.graph.picture import MAX_NODES, StateGraphPicture
from standoff.report.content import build_report
from standoff.report.html import render_html

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
SVG = "{http://www.w3.org/2000/svg}"
MOVE = re.compile(r"(?P<who>.+) improves: (?P<s>\d+) → (?P<t>\d+)")
GREY = re.compile(r"(?P<who>.+): move (?P<a>\d+) ↔ (?P<b>\d+), "
                  r"an improvement for nobody who makes it")
PATH = re.compile(r"evolution path from the status quo: (?P<s>\d+) → (?P<t>\d+)")


@pytest.fixture(scope="module")
def elmira():
    return standoff.analyze(standoff.load(EXAMPLES / "elmira.yaml"))


def titles(svg: str) -> list[str]:
    root = ET.fromstring(svg)
    return [t.text or "" for t in root.iter(f"{SVG}title")]


def matches(pattern: re.Pattern, svg: str) -> list[re.Match]:
    return [m for t in titles(svg) if (m := pattern.fullmatch(t))]


def improvements(analysis) -> set[tuple[int, int, int]]:
    """Every unilateral improvement (mover, from, to), 1-based states."""
    c = analysis.conflict
    out = set()
    for i, graph in enumerate(c.moves):
        for s in range(c.state_count):
            for t in graph.of(s):
                if c.ranks[i, int(t)] > c.ranks[i, s]:
                    out.add((i, s + 1, int(t) + 1))
    return out


def test_improvements_are_arrows_and_other_moves_grey(elmira):
    c = elmira.conflict
    names = {d.name: i for i, d in enumerate(c.spec.dms)}
    picture = elmira.plot()
    drawn = {(names[m["who"]], int(m["s"]), int(m["t"])) for m in matches(MOVE, picture.svg)}
    assert drawn == improvements(elmira)
    # every grey line joins states whose moves improve for nobody who makes them
    grey = matches(GREY, picture.svg)
    assert grey
    ui_pairs = {frozenset((s, t)) for _, s, t in improvements(elmira)}
    for m in grey:
        assert frozenset((int(m["a"]), int(m["b"]))) not in ui_pairs
    # arrows carry an arrowhead, grey lines are thinner and grey
    root = ET.fromstring(picture.svg)
    for path in root.iter(f"{SVG}path"):
        tip = path.find(f"{SVG}title")
        if tip is not None and MOVE.fullmatch(tip.text or ""):
            assert "marker-end" in path.attrib or "marker-start" in path.attrib
            assert path.get("stroke") != "#b5b5b5"
        elif tip is not None and GREY.match(tip.text or ""):
            assert path.get("stroke") == "#b5b5b5"


def test_equilibria_are_marked_per_concept(elmira):
    c = elmira.conflict
    picture = elmira.plot()
    node_tips = {int(t.split(" ", 1)[0]): t for t in titles(picture.svg)
                 if re.match(r"\d+ \(", t)}
    assert set(node_tips) == set(range(1, c.state_count + 1))
    for s in range(1, c.state_count + 1):
        under = [standoff.concepts.label(k) for k, v in elmira.equilibria.items() if s in v]
        if under:
            assert node_tips[s].endswith("equilibrium under " + ", ".join(under))
        else:
            assert node_tips[s].endswith("not an equilibrium")
    assert "status quo" in node_tips[c.status_quo + 1]
    text = "".join(ET.fromstring(picture.svg).itertext())
    assert "eq: GMR SMR" in text  # state 1 is a GMR and SMR equilibrium only


def test_the_evolution_from_the_status_quo_is_highlighted(elmira):
    picture = elmira.plot()
    drawn = {(int(m["s"]), int(m["t"])) for m in matches(PATH, picture.svg)}
    paths = status_quo_analysis(elmira.conflict, elmira)
    expected = {(step.source, step.target) for p in paths.paths for step in p.steps}
    assert drawn == expected and drawn
    assert not matches(PATH, elmira.plot(paths=False).svg)


def test_filter_by_decision_maker(elmira):
    c = elmira.conflict
    picture = elmira.plot(decision_makers="lg")
    movers = {m["who"] for m in matches(MOVE, picture.svg)}
    movers |= {w for m in matches(GREY, picture.svg) for w in m["who"].split(", ")}
    assert movers == {c.spec.dms[c.dm_index("lg")].name}
    assert "moves by Local government only" in "".join(ET.fromstring(picture.svg).itertext())
    with pytest.raises(KeyError):
        elmira.plot(decision_makers="nobody")


def large_analysis():
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
    return standoff.analyze(standoff.compile_model(spec_from_dict(data)))


@pytest.mark.parametrize("limit", [MAX_NODES, 12])
def test_a_large_model_is_cut_down_and_says_so(limit):
    analysis = large_analysis()
    c = analysis.conflict
    picture = analysis.plot(limit=limit)
    assert len(picture.shown) <= limit
    assert picture.left_out == c.state_count - len(picture.shown) > 0
    assert c.status_quo in picture.shown
    text = " ".join(ET.fromstring(picture.svg).itertext())
    assert f"Showing {len(picture.shown)} of {c.state_count} states" in text
    assert f"{picture.left_out} states and their moves are left out" in " ".join(text.split())
    # only drawn states appear as nodes
    nodes = {int(t.split(" ", 1)[0]) for t in titles(picture.svg) if re.match(r"\d+ \(", t)}
    assert nodes == {s + 1 for s in picture.shown}
    # cut down, the picture is laid out around the status quo
    assert "status quo" in text and "move away" in text


def test_one_picture_per_variant_in_the_report():
    content = build_report(standoff.load(EXAMPLES / "istanbul-2025" / "istanbul-2025.yaml"))
    page = render_html(content)
    assert page.count('class="state-graph"') == len(content.runs) > 1
    for run in content.runs[1:]:
        assert f"state graph — variant {run.name}" in page


def test_picture_in_a_notebook_and_in_files(elmira, tmp_path):
    picture = elmira.plot()
    assert isinstance(picture, StateGraphPicture)
    ET.fromstring(picture._repr_svg_())
    out = picture.save(tmp_path / "g.svg")
    assert out.read_text(encoding="utf-8") == picture.svg
    pytest.importorskip("matplotlib")
    assert (picture.save(tmp_path / "g.png")).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert (picture.save(tmp_path / "g.pdf")).read_bytes()[:5] == b"%PDF-"
    with pytest.raises(ParameterError, match=r"\.svg, \.png or \.pdf"):
        picture.save(tmp_path / "g.gif")
    with pytest.raises(ParameterError, match="layout"):
        elmira.plot(layout="circle")


def test_to_networkx_has_the_graphml_attributes(elmira):
    nx = pytest.importorskip("networkx")
    import io

    graph = elmira.to_networkx()
    assert graph is not None and graph.number_of_nodes() == elmira.conflict.state_count
    assert graph.number_of_edges() == elmira.conflict.move_count()
    from_file = nx.read_graphml(io.StringIO(to_graphml(elmira)))
    for s in graph.nodes:
        assert graph.nodes[s] == from_file.nodes[f"s{s}"]
    for s, t, data in graph.edges(data=True):
        assert data == {k: v for k, v in from_file.edges[f"s{s}", f"s{t}"].items() if k != "id"}
    # the picture's graph is the same graph
    assert nx.utils.graphs_equal(elmira.plot().to_networkx(), graph)


def test_conflict_graph_and_show_without_an_argument():
    conflict = standoff.load(EXAMPLES / "elmira.yaml")
    picture = conflict.graph()
    assert matches(MOVE, picture.svg) and not matches(PATH, picture.svg)
    assert "equilibrium under" not in picture.svg
    nx = pytest.importorskip("networkx")
    graph = conflict.to_networkx()
    assert isinstance(graph, nx.DiGraph) and graph.nodes[1]["status_quo"] is True
    table = conflict.show()
    text = str(table)
    assert "rank moe" in text and text.count("\n") >= conflict.state_count + 1
    assert "<table>" in table._repr_html_()
    frame = table.to_frame()
    assert list(frame.index) == list(range(1, conflict.state_count + 1))
    assert frame.loc[1, "status_quo"]
    assert conflict.show(0) == "1 (NYNNN)"


def test_pictures_on_one_page_do_not_share_ids():
    content = build_report(standoff.load(EXAMPLES / "istanbul-2025" / "istanbul-2025.yaml"))
    page = render_html(content)
    ids = re.findall(r'<marker id="([^"]+)"', page)
    assert ids and len(ids) == len(set(ids))


def test_marking_some_concepts_only(elmira):
    picture = elmira.plot(concepts="nash")
    node_tips = [t for t in titles(picture.svg) if re.match(r"\d+ \(", t)]
    marked = {int(t.split(" ", 1)[0]) for t in node_tips if "equilibrium under Nash" in t}
    assert marked == set(elmira.equilibria["nash"])
    assert not any("GMR" in t for t in node_tips)
