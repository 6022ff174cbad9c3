"""Decision makers typed by users resolve in one way everywhere (issue 16), and library
misuse raises TypeError/ValueError with a message.

Rule (:meth:`standoff.Conflict.dm_index`): ids first; a name only when it is no decision
maker's id and exactly one decision maker has it; a name shared by several decision makers
is refused with a located error listing them. ``tests/repro/06_name_collision.yaml`` has
decision maker ``a`` named "b" next to decision maker ``b``: ``b`` must mean ``b``.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cli_runner import run
from conftest import EXAMPLES
from hypothesis import given, settings
from hypothesis import strategies as st
from model_builders import spec_from_dict

import standoff
from standoff.analysis import explain
from standoff.analysis.claims import check_claim, check_claims
from standoff.analysis.paths import status_quo_analysis
from standoff.errors import LookupArgumentError

COLLISION = Path(__file__).parent / "repro" / "06_name_collision.yaml"


def two_dm_model(names: tuple[str, str], ids: tuple[str, str] = ("p", "q")) -> dict:
    """Two decision makers with one option each and the given names."""
    return {
        "format": "standoff/1",
        "title": "Names",
        "decision_makers": {
            ids[0]: {"name": names[0], "options": {"x": {"text": "X"}}},
            ids[1]: {"name": names[1], "options": {"y": {"text": "Y"}}},
        },
        "preferences": {ids[0]: {"prioritize": ["x"]}, ids[1]: {"prioritize": ["not y"]}},
        "status_quo": [],
    }


@pytest.fixture
def shared_name(tmp_path: Path) -> Path:
    """Decision makers ``p`` and ``q`` both named "Same"."""
    import yaml

    path = tmp_path / "shared.yaml"
    path.write_text(yaml.safe_dump(two_dm_model(("Same", "Same"))), encoding="utf-8")
    return path


def json_of(*args: object) -> dict:
    result = run(*map(str, args), "--format", "json")
    assert result.code == 0, result.err
    return json.loads(result.out)


# -- ids win over names ----------------------------------------------------------------------


def test_explain_dm_takes_the_id_over_another_decision_makers_name():
    assert json_of("explain", COLLISION, "1", "--dm", "b")["dm"] == "b"
    assert json_of("explain", COLLISION, "1", "--dm", "a")["dm"] == "a"
    # a name that is no id and belongs to one decision maker still works
    assert json_of("explain", COLLISION, "1", "--dm", "The real B")["dm"] == "b"


def test_lookahead_dm_takes_the_id():
    assert json_of("lookahead", COLLISION, "1", "--dm", "b")["dm"] == "b"


def test_inverse_vary_and_given_take_the_id():
    doc = json_of("inverse", COLLISION, "--state", "1", "--vary", "b",
                  "--given", "b prefers 1 to 2")
    assert doc["vary"] == ["b"]
    assert [g["dm"] for g in doc["given"]] == ["b"]


def test_coalition_takes_the_id():
    doc = json_of("coalitions", COLLISION, "--coalition", "a+b")
    assert [c["members"] for c in doc["coalitions"]] == [["a", "b"]]


def test_library_stable_states_and_is_stable_take_the_id():
    result = standoff.analyze(COLLISION)
    b = result.conflict.dm_ids.index("b")
    for concept in result.concepts:
        assert result.stable_states(concept, "b") == result.stable_states(concept, b)
        for state in range(1, result.conflict.state_count + 1):
            assert result.is_stable(state, "b", concept) == result.is_stable(state, b, concept)
    assert result.conflict.dm_index("b") == b
    assert result.conflict.dm_index("The real B") == b


# -- a name shared by several decision makers ------------------------------------------------


def test_a_shared_name_is_a_located_error_listing_both(shared_name: Path):
    for args, option in (
        (("explain", shared_name, "1", "--dm", "Same"), "--dm"),
        (("lookahead", shared_name, "1", "--dm", "Same"), "--dm"),
        (("inverse", shared_name, "--state", "1", "--vary", "Same"), "--vary"),
        (("coalitions", shared_name, "--coalition", "Same+p"), "--coalition"),
    ):
        result = run(*map(str, args))
        assert result.code == 2, (args, result.out)
        assert "Traceback" not in result.err
        assert result.err.startswith(f"{option}: error: 'Same' is the name of 2 decision "
                                     "makers: p (Same), q (Same)"), result.err
        assert "fix: give the id instead: p or q" in result.err
    # the ids themselves still work
    assert json_of("explain", shared_name, "1", "--dm", "q")["dm"] == "q"


def test_a_shared_name_is_refused_by_the_library(shared_name: Path):
    result = standoff.analyze(shared_name)
    for call in (lambda: result.conflict.dm_index("Same"),
                 lambda: result.stable_states("nash", "Same"),
                 lambda: result.is_stable(1, "Same", "nash")):
        with pytest.raises(LookupArgumentError, match=r"'Same' is the name of 2 decision "
                           r"makers: p \(Same\), q \(Same\)") as caught:
            call()
        assert isinstance(caught.value, KeyError) and isinstance(caught.value, ValueError)


WORDS = ["a", "b", "c", "Same"]


@settings(max_examples=60, deadline=None)
@given(st.permutations(["a", "b", "c"]).map(lambda p: tuple(p[:2])),
       st.tuples(st.sampled_from(WORDS), st.sampled_from(WORDS)),
       st.sampled_from(WORDS))
def test_dm_index_follows_the_rule(ids, names, query):
    """dm_index against the rule written out literally, on ids and names drawn from one
    small alphabet so that names collide with ids and with each other."""
    conflict = standoff.compile_model(spec_from_dict(two_dm_model(names, ids)))
    if query in ids:
        expected: int | None = ids.index(query)
    else:
        holders = [k for k, name in enumerate(names) if name == query]
        expected = holders[0] if len(holders) == 1 else None
    if expected is None:
        with pytest.raises(LookupArgumentError):
            conflict.dm_index(query)
    else:
        assert conflict.dm_index(query) == expected


# -- library misuse --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def chicken() -> standoff.Analysis:
    return standoff.analyze(EXAMPLES / "chicken.yaml")


def test_dm_index_refuses_bad_indices_with_a_message(chicken):
    conflict = chicken.conflict
    for bad in (-1, 2, 2**64):
        with pytest.raises(ValueError, match=f"decision maker index {bad} does not exist"):
            conflict.dm_index(bad)
    for bad in (True, None, 1.0):
        with pytest.raises(TypeError, match="a decision maker is given by its id"):
            conflict.dm_index(bad)
    assert conflict.dm_index(1) == 1


def test_conflict_state_methods_refuse_bad_indices(chicken):
    conflict = chicken.conflict
    n = conflict.state_count
    for method in (conflict.show, conflict.pattern, conflict.option_values, conflict.taken):
        for bad in (-1, n, 2**64):
            with pytest.raises(ValueError, match=f"state index {bad} does not exist"):
                method(bad)
        with pytest.raises(TypeError, match="0-based index"):
            method(True)
    with pytest.raises(ValueError, match="state index -1"):
        conflict.prefers(0, -1, 0)
    assert conflict.show(n - 1).startswith(f"{n} (")


def test_check_claims_refuses_what_is_not_an_analysis(chicken):
    for bad in (None, chicken.conflict, "examples/chicken.yaml"):
        with pytest.raises(TypeError, match="check_claims expects an Analysis"):
            check_claims(bad)
    with pytest.raises(TypeError, match="check_claim expects an Analysis"):
        check_claim("c1", None, None)  # type: ignore[arg-type]
    assert check_claims(chicken) == []


def test_explain_and_status_quo_analysis_refuse_bad_arguments(chicken):
    conflict = chicken.conflict
    with pytest.raises(TypeError, match="a state is given by its number"):
        explain(conflict, True, "p1", "nash")
    with pytest.raises(TypeError, match="a concept is given by its name"):
        explain(conflict, 1, "p1", 5)  # type: ignore[arg-type]
    for concept in ("nash", "l2"):
        with pytest.raises(ValueError, match="state 0 does not exist"):
            explain(conflict, 0, "p1", concept)
    with pytest.raises(TypeError, match="expects a Conflict"):
        status_quo_analysis(None)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="analysis must be an Analysis"):
        status_quo_analysis(conflict, conflict)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="start is a state number"):
        status_quo_analysis(conflict, chicken, start=True)
