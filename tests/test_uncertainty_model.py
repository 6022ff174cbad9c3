"""Declared uncertainty in the model file (issue 11, section 1): schema, located errors and
the base reading (any_order groups in the order written, uncertain statements included,
weight ranges at their midpoint)."""

from __future__ import annotations

import copy

import numpy as np
import pytest
import yaml
from model_builders import spec_from_dict

from standoff.errors import ModelError
from standoff.graph import compile_model
from standoff.model import read_model
from standoff.model.loader import MAX_DECLARED_PREFERENCES, declared_count

BASE = {
    "format": "standoff/1",
    "title": "t",
    "decision_makers": {
        "a": {"name": "A", "options": {"x": {"text": "x"}, "z": {"text": "z"}}},
        "b": {"name": "B", "options": {"y": {"text": "y"}}},
    },
    "preferences": {
        "a": {"prioritize": ["x", "y", "z"]},
        "b": {"weights": [{"statement": "y", "weight": 2}, {"statement": "x", "weight": 1}]},
    },
}


def _with(**prefs):
    model = copy.deepcopy(BASE)
    model["preferences"].update(prefs)
    return model


def test_base_reading_equals_the_crisp_model():
    crisp = compile_model(spec_from_dict(BASE))
    declared = compile_model(spec_from_dict(_with(
        a={"prioritize": [{"any_order": ["x", "y"]},
                          {"statement": "z", "uncertain": True}]},
        b={"weights": [{"statement": "y", "weight": [1, 3]},
                       {"statement": "x", "weight": 1, "uncertain": True}]},
    )))
    assert np.array_equal(crisp.ranks, declared.ranks)
    pref_a, pref_b = declared.spec.preferences
    assert pref_a.any_order == ((0, 1),)
    assert pref_a.statements[2].uncertain
    assert pref_b.statements[0].weight == 2.0
    assert pref_b.statements[0].weight_range == (1.0, 3.0)
    assert declared_count(pref_a) == 4
    assert pref_a.declares_uncertainty and not crisp.spec.preferences[0].declares_uncertainty


def test_ranking_any_order_base_reading():
    crisp = compile_model(spec_from_dict(_with(
        b={"ranking": ["y and x", "y and not x", "x and not y", "not x and not y"]})))
    declared = compile_model(spec_from_dict(_with(
        b={"ranking": [{"any_order": ["y and x", "y and not x"]}, "x and not y",
                       "not x and not y"]})))
    assert np.array_equal(crisp.ranks, declared.ranks)
    assert declared.spec.preferences[1].any_order == ((0, 1),)


@pytest.mark.parametrize("pref, message", [
    ({"prioritize": [{"any_order": ["x"]}, "z"]}, "any_order group of 1 statement"),
    ({"prioritize": [{"any_order": []}, "z"]}, "any_order group of 0 statements"),
    ({"weights": [{"statement": "x", "weight": [3, 1]}]}, "low end above its high end"),
    ({"weights": [{"statement": "x", "weight": []}]}, "must have two numbers"),
    ({"weights": [{"statement": "x", "weight": [2, 2]}]}, "is a single number"),
    ({"weights": [{"statement": "x", "weight": [1, float("nan")]}]}, "finite number"),
    ({"weights": [{"statement": "x", "weight": [float("-inf"), 1]}]}, "finite number"),
    ({"weights": {"x": [5, 1]}}, "low end above its high end"),
    ({"ranking": [{"statement": "x", "uncertain": True}, "not x"]}, "'uncertain: true'"),
    ({"ranking": [{"any_order": ["x"]}, "not x"]}, "any_order group of 1 item"),
])
def test_bad_declarations_are_located_errors(pref, message, tmp_path):
    path = tmp_path / "m.yaml"
    path.write_text(yaml.safe_dump(_with(a=pref), sort_keys=False))
    with pytest.raises(ModelError) as info:
        read_model(path)
    assert message in info.value.message
    assert info.value.line is not None and info.value.hint


def test_declared_space_over_the_limit_is_refused_with_the_count():
    names = [f"o{k}" for k in range(9)]
    model = copy.deepcopy(BASE)
    model["decision_makers"]["a"]["options"] = {n: {"text": n} for n in names}
    model["preferences"]["a"] = {"prioritize": [{"any_order": names}]}
    model["preferences"]["b"] = {"prioritize": ["y"]}
    with pytest.raises(ModelError) as info:
        spec_from_dict(model)
    assert "362,880" in info.value.message  # 9!
    assert f"{MAX_DECLARED_PREFERENCES:,}" in info.value.message
    assert "split" in info.value.hint


def test_json_schema_describes_declared_uncertainty():
    from standoff.model.schema import ModelFile

    schema = ModelFile.model_json_schema()
    assert "AnyOrder" in schema["$defs"] and "AnyOrderRanking" in schema["$defs"]
    assert "uncertain" in schema["$defs"]["Evidence"]["properties"]
