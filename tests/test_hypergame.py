"""First-level hypergames (issue 15, part 1): the ``perceptions:`` section, stability in each
decision maker's perceived game, hypergame equilibria, strategic surprises, and the
``standoff hypergame`` command (docs/hypergames.md)."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import standoff
from standoff.analysis import analyze
from standoff.analysis.hypergame import analyse_hypergame
from standoff.concepts import UnknownConceptError
from standoff.errors import ModelError
from standoff.graph import compile_model
from tests.cli_runner import run
from tests.model_builders import spec_from_dict
from tests.strategies import conflicts, expressions

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
CONCEPTS = ("nash", "gmr", "smr", "seq", "sim")
SMALL = settings(max_examples=25, deadline=None,
                 suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def chicken(perceptions: dict[str, Any] | None = None) -> dict[str, Any]:
    data = yaml.safe_load((EXAMPLES / "chicken.yaml").read_text(encoding="utf-8"))
    if perceptions is not None:
        data["perceptions"] = perceptions
    return data


def conflict_of(data: dict[str, Any]):
    return compile_model(spec_from_dict(data))


def write(tmp_path: Path, data: dict[str, Any], name: str = "model.yaml") -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


# -- a case worked by hand ------------------------------------------------------------------


def test_chicken_with_a_driver_who_does_not_know_the_other_can_drive_on():
    """Driver 1 does not know driver 2 can drive straight on, so it perceives two states:
    NN and YN (patterns: driver 1's option, then driver 2's). There it prefers YN (it drives
    on, the other swerves) to NN, so YN is Nash stable for it and NN is not. Driver 2 sees
    the whole game: at YN its only move is to YY (the crash, its worst state), so YN is Nash
    stable for it, and it is at NY too (its best state). So YN is the one hypergame Nash
    equilibrium, and NY, stable for driver 2, the only one who recognises it, is a strategic
    surprise for driver 1. In the model as written the Nash equilibria are YN and NY."""
    c = conflict_of(chicken({"p1": {"unknown_options": ["p2.straight"]}}))
    state = {c.pattern(s): s for s in range(c.state_count)}
    result = analyse_hypergame(c, "nash")
    assert result.recognised[0].tolist() == [c.pattern(s)[1] == "N"
                                             for s in range(c.state_count)]
    assert result.stable["nash"][0].tolist() == [s == state["YN"]
                                                 for s in range(c.state_count)]
    assert result.equilibria("nash") == [state["YN"]]
    assert sorted(result.equilibria_as_written("nash")) == sorted([state["YN"], state["NY"]])
    assert result.surprises("nash") == [(state["NY"], [0])]
    assert result.misperceiving() == [0]


def test_attributed_preferences_change_what_a_decision_maker_expects_under_seq():
    """SEQ, SIM, L(h) and NM read the opponents' preferences, so what driver 1 believes of
    driver 2 matters. Driver 1's verdicts in its perceived game are its verdicts in the
    model in which driver 2 really has the preferences driver 1 attributes to it (here:
    driver 2 prefers the crash to everything); driver 2 perceives the model as written."""
    believed = {"ranking": ["p1.straight and p2.straight", "p2.straight and not p1.straight",
                            "not p1.straight and not p2.straight",
                            "not p2.straight and p1.straight"]}
    c = conflict_of(chicken({"p1": {"preferences": {"p2": believed}}}))
    twin = chicken()
    twin["preferences"]["p2"] = believed
    other = conflict_of(twin)
    result = analyse_hypergame(c, ",".join(CONCEPTS))
    for key in CONCEPTS:
        mine = analyze(other, [key]).stable[key][0]
        assert result.stable[key][0].tolist() == mine.tolist()
        # driver 2 perceives the model as written
        assert result.stable[key][1].tolist() == result.stable_as_written[key][1].tolist()


# -- located errors -------------------------------------------------------------------------


@pytest.mark.parametrize(("perceptions", "message", "line_text"), [
    ({"p3": {"unknown_options": ["p2.straight"]}}, "unknown decision maker 'p3'", "p3:"),
    ({"p1": {"unknown_options": ["p2.swerve"]}}, "p2.swerve", "p2.swerve"),
    ({"p1": {"unknown_options": ["p2.straight", "p2.straight"]}}, "listed twice", None),
    ({"p1": {"unrecognised_states": ["p2.straight and p9.go"]}}, "p9.go", "p9.go"),
    ({"p1": {"preferences": {"p1": {"prioritize": ["p1.straight"]}}}}, "not its own", None),
    ({"p1": {"preferences": {"p7": {"prioritize": ["p1.straight"]}}}},
     "unknown decision maker 'p7'", "p7:"),
    ({"p1": {"preferences": {"p2": {"ranking": [1, 2, 3, 4]}}}}, "by its number", None),
    ({"p1": {"colour": "red"}}, "colour", "colour"),
])
def test_bad_perceptions_are_located_errors(tmp_path, perceptions, message, line_text):
    path = write(tmp_path, chicken(perceptions))
    result = run("check", path)
    assert result.code == 2
    assert message in result.err and "Traceback" not in result.err
    lines = path.read_text(encoding="utf-8").splitlines()
    located = f"{path}:"
    assert located in result.err
    if line_text is not None:
        number = next(k for k, line in enumerate(lines, 1) if line_text in line)
        assert f"{path}:{number}:" in result.err


def test_a_decision_maker_recognising_no_state_is_a_located_error(tmp_path):
    path = write(tmp_path, chicken({"p1": {"unrecognised_states": ["true"]}}))
    assert run("check", path).code == 0  # the model as written is fine
    result = run("hypergame", path)
    assert result.code == 2 and "Traceback" not in result.err
    assert "'p1' recognises no state" in result.err
    number = next(k for k, line in enumerate(path.read_text().splitlines(), 1)
                  if line.strip() == "p1:" and k > 20)
    assert f"{path}:{number}:" in result.err


def test_removing_states_in_a_model_with_collapse_is_refused_at_the_perception():
    data = chicken({"p1": {"unknown_options": ["p2.straight"]},
                    "p2": {"preferences": {"p1": {"prioritize": ["p1.straight"]}}}})
    data["feasibility"] = {"collapse": ["p1.straight and p2.straight"]}
    c = conflict_of(data)
    with pytest.raises(ModelError, match="cannot be combined with 'collapse:'") as caught:
        analyse_hypergame(c, "nash")
    assert caught.value.line is not None
    # attributed preferences alone are fine there
    del data["perceptions"]["p1"]
    assert analyse_hypergame(conflict_of(data), "nash").recognised.all()


def test_perceptions_in_variants_replace_and_inherit():
    data = chicken({"p1": {"unknown_options": ["p2.straight"]}})
    data["variants"] = {
        "aware": {"description": "driver 1 knows", "perceptions": {"p1": {}}},
        "aware_too": {"description": "extends aware", "extends": "aware"},
        "p2_blind": {"description": "driver 2 does not know driver 1 can drive on",
                     "perceptions": {"p2": {"unknown_options": ["p1.straight"]}}},
    }
    spec = spec_from_dict(data)
    from standoff.analysis.variants import compile_variant

    base = analyse_hypergame(compile_model(spec), "nash")
    assert base.recognised[0].sum() == 2 and base.recognised[1].all()
    for name in ("aware", "aware_too"):
        r = analyse_hypergame(compile_variant(spec, name), "nash")
        assert r.recognised.all()
        assert r.equilibria("nash") == r.equilibria_as_written("nash")
    r = analyse_hypergame(compile_variant(spec, "p2_blind"), "nash")
    assert r.recognised[0].sum() == 2 and r.recognised[1].sum() == 2  # both blind


def test_variant_perception_of_unknown_decision_maker_is_located(tmp_path):
    data = chicken()
    data["variants"] = {"v": {"description": "x", "perceptions": {"nobody": {}}}}
    path = write(tmp_path, data)
    result = run("check", path)
    assert result.code == 2 and "unknown decision maker 'nobody'" in result.err
    number = next(k for k, line in enumerate(path.read_text().splitlines(), 1)
                  if "nobody" in line)
    assert f"{path}:{number}:" in result.err


# -- the command ----------------------------------------------------------------------------


def test_hypergame_command_formats(tmp_path):
    model = EXAMPLES / "hypergame_surprise.yaml"
    table = run("hypergame", model, "-c", "nash,seq")
    assert table.code == 0, table.err
    assert "hypergame equilibria" in table.out and "strategic surprises" in table.out
    assert "defender does not know the option attacker.strike" in table.out
    out = tmp_path / "h.json"
    assert run("hypergame", model, "--format", "json", "-o", out).code == 0
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert set(doc["concepts"]) == set(CONCEPTS)
    conflict = standoff.load(model)
    result = analyse_hypergame(conflict)
    for key in CONCEPTS:
        assert [s["id"] - 1 for s in doc["concepts"][key]["hypergame_equilibria"]] == \
            result.equilibria(key)
        assert [(s["id"] - 1, s["not_recognised_by"]) for s in
                doc["concepts"][key]["strategic_surprises"]] == \
            [(s, [conflict.dm_ids[d] for d in who]) for s, who in result.surprises(key)]
    md = run("hypergame", model, "-f", "markdown", "-c", "gmr")
    assert md.code == 0 and md.out.startswith("# Surprise attack") and "| hypergame" in md.out


def test_hypergame_command_refuses_coalition_concepts_at_the_option():
    result = run("hypergame", EXAMPLES / "chicken.yaml", "-c", "cnash")
    assert result.code == 2 and "--concepts" in result.err and "Traceback" not in result.err
    with pytest.raises(UnknownConceptError):
        analyse_hypergame(standoff.load(EXAMPLES / "chicken.yaml"), "cnash")


def test_nm_needs_two_decision_makers():
    three = conflict_of(_three_dm_model())
    with pytest.raises(ModelError, match="two decision makers"):
        analyse_hypergame(three, "nm")


def _three_dm_model() -> dict[str, Any]:
    return {"format": "standoff/1", "title": "three",
            "decision_makers": {d: {"name": d, "options": {"x": {"text": "x"}}}
                                for d in ("a", "b", "c")},
            "preferences": {d: {"prioritize": [f"{d}.x"]} for d in ("a", "b", "c")}}


# -- properties -----------------------------------------------------------------------------


def _concepts_for(data: dict[str, Any]) -> tuple[str, ...]:
    return CONCEPTS + (("l2", "nm") if len(data["decision_makers"]) == 2 else ())


@SMALL
@given(conflicts(max_dms=3, max_options=5), st.data())
def test_identical_perceptions_reduce_to_the_model_as_written(data, draws):
    """Identical perceptions: every decision maker attributes to every other its preferences
    as written, and names as unrecognised only states matching ``false`` (none). Then every
    perceived game is the universal game, so for every concept the perceived stability, the
    hypergame equilibria and ``standoff.analyze`` agree, and there is no surprise."""
    data = copy.deepcopy(data)
    dms = list(data["decision_makers"])
    perceptions = {}
    for d in dms:
        p: dict[str, Any] = {"preferences": {o: data["preferences"][o] for o in dms if o != d}}
        if draws.draw(st.booleans()):
            p["unrecognised_states"] = ["false"]
        perceptions[d] = p
    data["perceptions"] = perceptions
    c = conflict_of(data)
    keys = _concepts_for(data)
    result = analyse_hypergame(c, keys)
    plain = analyze(c, list(keys))
    for key in keys:
        assert np.array_equal(result.stable[key], plain.stable[key])
        assert [s + 1 for s in result.equilibria(key)] == plain.equilibria[key]
        assert result.surprises(key) == []


@SMALL
@given(conflicts(max_dms=3, max_options=5), st.data())
def test_an_unrecognised_state_is_never_stable_for_that_decision_maker(data, draws):
    """A decision maker's unrecognised states (from a random statement, or a random
    unknown option) are exactly the states matching it, and none is reported stable for it
    under any concept, nor is any a hypergame equilibrium."""
    data = copy.deepcopy(data)
    dms = list(data["decision_makers"])
    names = [f"{d}.{o}" for d in dms for o in data["decision_makers"][d]["options"]]
    short = [o for d in dms for o in data["decision_makers"][d]["options"]]
    who = draws.draw(st.sampled_from(dms))
    statement = draws.draw(expressions(short, 1))
    unknown = draws.draw(st.lists(st.sampled_from(names), max_size=1))
    data["perceptions"] = {who: {"unrecognised_states": [statement],
                                 "unknown_options": unknown}}
    c = conflict_of(data)
    keys = _concepts_for(data)
    assume("collapse" not in data.get("feasibility", {}))
    try:
        result = analyse_hypergame(c, keys)
    except ModelError as error:
        assume("recognises no state" not in error.message)
        raise
    d = c.dm_index(who)
    expr = spec_from_dict(data).perceptions[0].unrecognised[0].expr
    unknown_index = [c.option_keys.index(k) for k in unknown]
    for s in range(c.state_count):
        values = [bool(v) for v in c.option_values(s)]
        hidden = expr.evaluate(values) or any(values[k] for k in unknown_index)
        assert result.recognised[d, s] == (not hidden)
    for key in keys:
        assert not result.stable[key][d, ~result.recognised[d]].any()
        for s in result.equilibria(key):
            assert result.recognised[:, s].all()


@SMALL
@given(conflicts(max_dms=3, max_options=5), st.data())
def test_removing_states_keeps_nash_stability_of_the_states_left(data, draws):
    """Monotonicity of Nash stability under state removal. Claim: if a decision maker i
    attributes no preferences, a state s that i recognises and that is Nash stable for i in
    the model as written is Nash stable for i in the game i perceives; hence every Nash
    equilibrium of the model as written that every decision maker recognises is a hypergame
    Nash equilibrium.

    Proof sketch: in the perceived game G_i, i's moves from s are the model's moves from s
    that end in a recognised state, so R_i(s) in G_i is a subset of R_i(s); i's ranks in
    G_i are its ranks as written restricted to the recognised states, which keeps every
    strict comparison. So R_i⁺(s) in G_i is a subset of R_i⁺(s), empty when the latter is.
    The corollary applies this to every decision maker."""
    data = copy.deepcopy(data)
    dms = list(data["decision_makers"])
    short = [o for d in dms for o in data["decision_makers"][d]["options"]]
    data["perceptions"] = {
        d: {"unrecognised_states": [draws.draw(expressions(short, 1))]}
        for d in draws.draw(st.lists(st.sampled_from(dms), unique=True, min_size=1))}
    c = conflict_of(data)
    assume("collapse" not in data.get("feasibility", {}))
    try:
        result = analyse_hypergame(c, "nash")
    except ModelError as error:
        assume("recognises no state" not in error.message)
        raise
    seen = result.recognised
    assert not (result.stable_as_written["nash"] & seen & ~result.stable["nash"]).any()
    everyone = seen.all(axis=0)
    written = set(result.equilibria_as_written("nash"))
    assert {s for s in written if everyone[s]} <= set(result.equilibria("nash"))


@SMALL
@given(conflicts(max_dms=3, max_options=5), st.data())
def test_attributed_preferences_do_not_change_nash_gmr_smr(data, draws):
    """Preferences a decision maker attributes to others leave its Nash, GMR and SMR
    verdicts unchanged (when it recognises every state).

    Proof sketch: Nash for i reads only R_i and i's preference; GMR and SMR read R_i, i's
    preference and the opponents' reachable set R_{N∖i}, which is made of moves, not
    preferences. The perceived game differs from the model only in the opponents'
    preferences, so these verdicts are the same. (SEQ, SIM, L(h) and NM read the opponents'
    preferences and may change.)"""
    data = copy.deepcopy(data)
    dms = list(data["decision_makers"])
    short = [o for d in dms for o in data["decision_makers"][d]["options"]]
    who = draws.draw(st.sampled_from(dms))
    believed = {o: {"prioritize": draws.draw(st.lists(expressions(short), min_size=1,
                                                      max_size=3))}
                for o in dms if o != who}
    data["perceptions"] = {who: {"preferences": believed}}
    c = conflict_of(data)
    result = analyse_hypergame(c, "nash,gmr,smr")
    for key in ("nash", "gmr", "smr"):
        assert np.array_equal(result.stable[key], result.stable_as_written[key])


def test_hypergame_command_takes_a_variant(tmp_path):
    data = chicken({"p1": {"unknown_options": ["p2.straight"]}})
    data["variants"] = {"aware": {"description": "driver 1 knows",
                                  "perceptions": {"p1": {}}}}
    path = write(tmp_path, data)
    base = json.loads(run("hypergame", path, "-f", "json", "-c", "nash").out)
    aware = run("hypergame", path, "-f", "json", "-c", "nash", "--variant", "aware")
    assert aware.code == 0, aware.err
    doc = json.loads(aware.out)
    assert doc["variant"] == "aware" and base["variant"] == "base"
    assert doc["concepts"]["nash"]["hypergame_equilibria"] == \
        doc["concepts"]["nash"]["equilibria_as_written"]
    assert base["concepts"]["nash"]["strategic_surprises"]
    unknown = run("hypergame", path, "--variant", "nope")
    assert unknown.code == 2 and "nope" in unknown.err and "Traceback" not in unknown.err
