"""The library interface: load, analyze, explain, DataFrame and notebook views."""

from __future__ import annotations

import pytest
from conftest import EXAMPLES

import standoff


@pytest.fixture(scope="module")
def elmira():
    return standoff.analyze(standoff.load(EXAMPLES / "elmira.yaml"))


def test_result_is_a_frozen_record_with_provenance(elmira):
    assert elmira.version == standoff.__version__
    assert elmira.concepts == ("nash", "gmr", "smr", "seq", "sim")
    with pytest.raises(ValueError):
        elmira.stable["nash"][0, 0] = False  # read-only arrays
    with pytest.raises(TypeError):
        elmira.stable["extra"] = None  # read-only mapping


def test_stable_states_and_equilibria(elmira):
    assert elmira.stable_states("seq", "lg") == [2, 3, 5, 6, 7, 8, 9]
    assert elmira.equilibria["seq"] == [5, 8, 9]
    assert elmira.is_stable(5, "moe", "gmr")


def test_to_frame(elmira):
    frame = elmira.to_frame()
    assert list(frame.index) == list(range(1, 10))
    assert frame.loc[5, "pattern"] == "NYNNY"
    assert bool(frame.loc[5, "seq:equilibrium"]) and not bool(frame.loc[1, "seq:equilibrium"])
    assert frame["nash:lg"].sum() == 5


def test_html_repr(elmira):
    html = elmira._repr_html_()
    assert html.count("<tr>") == 10 and "<table>" in html


def test_explain_smr_lists_counter_moves(elmira):
    why = elmira.explain(1, "lg", "smr")
    assert why.stable
    (d,) = why.improvements
    assert d.improvement == 5 and d.outcome == 6 and d.counter_moves == (2,)
    assert "counter-moves" in str(why)


def test_explain_sim_names_the_simultaneous_reaction():
    result = standoff.analyze(standoff.load(EXAMPLES / "prisoners_dilemma.yaml"))
    why = result.explain(1, "p1", "sim")
    assert why.stable
    (d,) = why.improvements
    assert d.improvement == 2 and d.outcome == 4
    assert [(s.dm, s.source, s.target) for s in d.sequence] == [("p2", 1, 3)]


def test_unknown_concept_raises():
    with pytest.raises(ValueError, match="unknown concept"):
        standoff.analyze(standoff.load(EXAMPLES / "chicken.yaml"), "nash,xyz")


def test_load_errors_are_model_errors(tmp_path):
    path = tmp_path / "m.yaml"
    path.write_text("format: standoff/1\ntitle: x\n")
    with pytest.raises(standoff.ModelError) as info:
        standoff.load(path)
    assert info.value.line == 1 and "decision_makers" in info.value.message
