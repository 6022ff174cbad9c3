"""The bare numpy baseline of the benchmarks agrees with standoff (issue 17).

``benchmarks/bare_numpy.py`` is the yardstick standoff's compile and product-space kernels
are measured against; it is only a fair yardstick if it computes the same thing. These
checks run it on small models written by the scale benchmark's own generator (same shapes
as the timed rows) and on models with integer weights and ties; the bare SEQ pass of two
decision makers is also checked against the literal reference (``standoff.reference``)
and, on random rank arrays with ties, against its definition state by state.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import numpy as np
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from model_builders import reference_spec, spec_from_dict

import standoff
import standoff.reference as ref
from standoff.stability import gmr_stable, nash_stable, seq_stable, smr_stable

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"


def _module(name: str):
    spec = importlib.util.spec_from_file_location(f"bench_{name}", BENCHMARKS / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


bare = _module("bare_numpy")
scale = _module("scale")


def _tied_model(dms: int = 3, options: int = 7) -> dict:
    """Integer weights on few options: many tied states."""
    model = scale.make_model(scale.Case(dms, options, False, "nash"))
    for d, pref in enumerate(model["preferences"].values()):
        pref["weights"] = [{"statement": "o0", "weight": 2}, {"statement": "o3 and o5",
                                                               "weight": -1 - d},
                           {"statement": f"o{d}", "weight": 1}]
    return model


CASES = {
    "2 DMs, 10 options": scale.make_model(scale.Case(2, 10, False, "nash")),
    "2 DMs, 13 options": scale.make_model(scale.Case(2, 13, False, "nash")),
    "3 DMs, 12 options": scale.make_model(scale.Case(3, 12, False, "nash")),
    "3 DMs, ties": _tied_model(),
    "2 DMs, ties": _tied_model(2, 9),
}


@pytest.mark.parametrize("name", list(CASES))
def test_bare_compile_and_kernels_agree_with_standoff(name, tmp_path):
    path = tmp_path / "model.yaml"
    path.write_text(yaml.safe_dump(CASES[name], sort_keys=False), encoding="utf-8")
    conflict = standoff.load(path)
    patterns, ranks = bare.compile_bare(path)
    np.testing.assert_array_equal(conflict.space.patterns, patterns)
    np.testing.assert_array_equal(conflict.ranks, ranks)
    counts, _, _ = bare.load(path)
    for d in range(len(counts)):
        view = bare.axes_view(ranks[d], counts)
        axis = len(counts) - 1 - d
        for kernel, concept in ((bare.nash_bare, nash_stable), (bare.gmr_bare, gmr_stable),
                                (bare.smr_bare, smr_stable)):
            np.testing.assert_array_equal(kernel(view, axis), concept(conflict, d))
        if len(counts) == 2:
            both = ranks.reshape((2, *view.shape))
            np.testing.assert_array_equal(bare.seq_bare(both, axis), seq_stable(conflict, d))


@pytest.mark.parametrize("model", [scale.make_model(scale.Case(2, 8, False, "nash")),
                                   _tied_model(2, 8)], ids=["strict", "ties"])
def test_bare_seq_agrees_with_the_reference(model, tmp_path):
    path = tmp_path / "model.yaml"
    path.write_text(yaml.safe_dump(model, sort_keys=False), encoding="utf-8")
    reference = ref.build(reference_spec(spec_from_dict(model)))
    counts, _, _ = bare.load(path)
    _, ranks = bare.compile_bare(path)
    both = ranks.reshape((2, *(1 << c for c in reversed(counts))))
    for d, dm in enumerate(model["decision_makers"]):
        stable = bare.seq_bare(both, 1 - d)
        assert {int(s) + 1 for s in np.flatnonzero(stable)} == ref.seq(reference, dm), dm


def _seq_by_definition(r: np.ndarray, axis: int) -> np.ndarray:
    """SEQ for the decision maker on ``axis`` of a 2-DM product space, state by state."""
    i = 1 - axis
    ri = np.moveaxis(r[i], axis, 0)  # ri[x, y]: i chooses x, the opponent j chooses y
    rj = np.moveaxis(r[1 - i], axis, 0)
    stable = np.ones(ri.shape, dtype=bool)
    for x, y in np.ndindex(ri.shape):
        for x1 in range(ri.shape[0]):
            if ri[x1, y] > ri[x, y] and not any(
                    rj[x1, y2] > rj[x1, y] and ri[x1, y2] <= ri[x, y]
                    for y2 in range(ri.shape[1])):
                stable[x, y] = False
    return np.moveaxis(stable, 0, axis).reshape(-1)


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 3), st.integers(1, 3), st.integers(1, 5), st.data())
def test_bare_seq_matches_its_definition(bits_1, bits_0, levels, data):
    """Random rank arrays with many ties (``levels`` distinct values at most)."""
    shape = (2, 1 << bits_1, 1 << bits_0)
    values = data.draw(st.lists(st.integers(0, levels - 1), min_size=int(np.prod(shape)),
                                max_size=int(np.prod(shape))))
    r = np.array(values, dtype=np.int32).reshape(shape)
    for axis in (0, 1):
        np.testing.assert_array_equal(bare.seq_bare(r, axis), _seq_by_definition(r, axis))


def test_bare_compile_refuses_constrained_models(tmp_path):
    path = tmp_path / "model.yaml"
    model = scale.make_model(scale.Case(3, 12, True, "nash"))
    path.write_text(yaml.safe_dump(model, sort_keys=False), encoding="utf-8")
    with pytest.raises(ValueError, match="only"):
        bare.compile_bare(path)
