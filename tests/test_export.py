"""``standoff export``: the state graph as GraphML and DOT, the verdicts as a tidy CSV, all
checked against the library's own results."""

from __future__ import annotations

import csv
import io
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from cli_runner import run

import standoff
from standoff.analysis.export import CSV_COLUMNS, to_dot, to_graphml, to_tidy_csv

ROOT = Path(__file__).resolve().parent.parent
ELMIRA = ROOT / "examples" / "elmira.yaml"
NS = {"g": "http://graphml.graphdrawing.org/xmlns"}
CONCEPTS = ("nash", "gmr", "smr", "seq", "sim")


def parse_graphml(text: str) -> tuple[dict, dict, list]:
    """``(graph data, {node id: {attr: typed value}}, [(source, target, {attr: value})])``."""
    root = ET.fromstring(text)
    keys = {k.get("id"): (k.get("attr.name"), k.get("attr.type"))
            for k in root.findall("g:key", NS)}

    def typed(data) -> tuple[str, object]:
        name, kind = keys[data.get("key")]
        value = data.text or ""
        if kind == "int":
            return name, int(value)
        if kind == "boolean":
            assert value in ("true", "false")
            return name, value == "true"
        return name, value

    graph = root.find("g:graph", NS)
    assert graph is not None and graph.get("edgedefault") == "directed"
    info = dict(typed(d) for d in graph.findall("g:data", NS))
    nodes = {n.get("id"): dict(typed(d) for d in n.findall("g:data", NS))
             for n in graph.findall("g:node", NS)}
    edges = [(e.get("source"), e.get("target"), dict(typed(d) for d in e.findall("g:data", NS)))
             for e in graph.findall("g:edge", NS)]
    return info, nodes, edges


@pytest.mark.parametrize("model", ["elmira.yaml", "garrison.yaml", "prisoners_dilemma.yaml"])
def test_graphml_matches_the_library(tmp_path, model):
    out = tmp_path / "g.graphml"
    result = run("export", ROOT / "examples" / model, "-o", out)
    assert result.code == 0, result.err
    conflict = standoff.load(ROOT / "examples" / model)
    analysis = standoff.analyze(conflict, CONCEPTS)
    info, nodes, edges = parse_graphml(out.read_text(encoding="utf-8"))
    assert info["title"] == conflict.title
    assert len(nodes) == conflict.state_count
    assert len(edges) == conflict.move_count()
    for s in range(conflict.state_count):
        node = nodes[f"s{s + 1}"]
        assert node["state"] == s + 1 and node["pattern"] == conflict.pattern(s)
        assert node["status_quo"] == (conflict.status_quo == s)
        for i, dm in enumerate(conflict.dm_ids):
            assert node[f"rank_{dm}"] == int(conflict.ranks[i, s])
            for concept in CONCEPTS:
                assert node[f"{concept}_{dm}"] == analysis.is_stable(s + 1, dm, concept)
        for concept in CONCEPTS:
            assert node[f"{concept}_equilibrium"] == (s + 1 in analysis.equilibria[concept])
    seen = set()
    for source, target, data in edges:
        s, t = int(source[1:]) - 1, int(target[1:]) - 1
        i = conflict.dm_index(data["mover"])
        assert t in conflict.moves[i].materialize().of(s).tolist()
        assert data["improvement"] == conflict.prefers(i, t, s)
        seen.add((i, s, t))
    assert len(seen) == len(edges)


def test_graphml_improvements_of_elmira():
    """Elmira's status quo 1: the local government improves by 1 -> 5 (insisting)."""
    analysis = standoff.analyze(standoff.load(ELMIRA))
    _, _, edges = parse_graphml(to_graphml(analysis))
    lg = {(a, b) for a, b, d in edges if d["mover"] == "lg" and d["improvement"]}
    assert ("s1", "s5") in lg and ("s5", "s1") not in lg


def hostile_model(tmp_path: Path) -> Path:
    model = tmp_path / "hostile.yaml"
    model.write_text(
        'format: standoff/1\n'
        'title: "a \\"quoted\\" title </data> & \\\\ back\\nslash"\n'
        'decision_makers:\n'
        '  a: {name: "=SUM(1,2) <b>", options: {x: {text: "X & \\"y\\""}}}\n'
        '  b: {name: "B\\u0001", options: {y: {text: Y}}}\n'
        'preferences:\n'
        '  a: {prioritize: [x]}\n'
        '  b: {prioritize: [not y]}\n'
        'status_quo: []\n', encoding="utf-8")
    return model


def test_model_text_is_escaped(tmp_path):
    model = hostile_model(tmp_path)
    analysis = standoff.analyze(standoff.load(model))
    info, nodes, _ = parse_graphml(to_graphml(analysis))
    assert info["title"] == 'a "quoted" title </data> & \\ back\nslash'
    assert len(nodes) == 4
    dot = to_dot(analysis)
    # every double quote belongs to a well-formed DOT string
    strings = re.compile(r'"(?:[^"\\]|\\.)*"')
    for line in dot.splitlines():
        assert '"' not in strings.sub("", line), line
    assert dot.startswith('digraph "a \\"quoted\\" title </data> & \\\\ back\\nslash" {')
    assert dot.count("->") == analysis.conflict.move_count()
    assert len(re.findall(r"^  s\d+ \[", dot, flags=re.M)) == 4


def test_dot_marks_equilibria_and_improvements():
    analysis = standoff.analyze(standoff.load(ELMIRA))
    dot = to_dot(analysis)
    nodes = dict(re.findall(r"^  (s\d+) \[(.*)\];$", dot, flags=re.M))
    everywhere = set.intersection(*(set(v) for v in analysis.equilibria.values()))
    assert everywhere  # Elmira: 5, 8, 9
    for s, attrs in nodes.items():
        assert ("peripheries=2" in attrs) == (int(s[1:]) in everywhere)
    improvements = re.findall(r"-> s\d+ \[.*improvement=true, color=black", dot)
    assert len(improvements) == sum(
        1 for i, g in enumerate(analysis.conflict.moves)
        for s in range(analysis.conflict.state_count) for t in g.materialize().of(s).tolist()
        if analysis.conflict.prefers(i, t, s))


def test_tidy_csv_has_one_row_per_state_dm_and_concept(tmp_path):
    out = tmp_path / "v.csv"
    result = run("export", ELMIRA, "-o", out, "--concepts", "nash,seq")
    assert result.code == 0, result.err
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # spreadsheets read it as UTF-8
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    conflict = standoff.load(ELMIRA)
    analysis = standoff.analyze(conflict, "nash,seq")
    assert tuple(rows[0]) == CSV_COLUMNS
    assert len(rows) == conflict.state_count * len(conflict.dm_ids) * 2
    for row in rows:
        state, dm, concept = int(row["state"]), row["decision_maker"], row["concept"]
        assert row["stable"] == str(analysis.is_stable(state, dm, concept)).lower()
        assert row["equilibrium"] == str(state in analysis.equilibria[concept]).lower()
        assert row["pattern"] == conflict.pattern(state - 1)
        assert int(row["rank"]) == conflict.ranks[conflict.dm_index(dm), state - 1]


def test_csv_with_variant_column():
    analysis = standoff.analyze(standoff.load(ELMIRA), "nash")
    text = to_tidy_csv(analysis, variant="base")
    assert text.splitlines()[0] == "variant," + ",".join(CSV_COLUMNS)
    assert all(line.startswith("base,") for line in text.splitlines()[1:])


def test_export_options(tmp_path):
    printed = run("export", ELMIRA, "-f", "dot")
    assert printed.code == 0 and printed.out.startswith("digraph")
    none = run("export", ELMIRA)
    assert none.code == 2 and "--format graphml, dot or csv" in none.err
    odd = run("export", ELMIRA, "-o", tmp_path / "x.txt")
    assert odd.code == 2 and "extension '.txt'" in odd.err
    same = run("export", ELMIRA, "-f", "csv", "-o", ELMIRA)
    assert same.code == 2 and "is the model file itself" in same.err
    bad = run("export", ELMIRA, "-f", "csv", "--concepts", "nosuch")
    assert bad.code == 2 and "Traceback" not in bad.err
    gv = tmp_path / "g.gv"
    assert run("export", ELMIRA, "-o", gv).code == 0
    assert gv.read_text(encoding="utf-8").startswith("digraph")


def test_export_of_a_variant(tmp_path):
    model = ROOT / "examples" / "istanbul-2025" / "istanbul-2025.yaml"
    conflict = standoff.load(model)
    names = [v.name for v in conflict.spec.variants]
    if not names:
        pytest.skip("the Istanbul example has no variants")
    out = tmp_path / "v.csv"
    result = run("export", model, "--variant", names[0], "-o", out, "-c", "nash")
    assert result.code == 0, result.err
    lines = out.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0].startswith("variant,") and lines[1].startswith(f"{names[0]},")
