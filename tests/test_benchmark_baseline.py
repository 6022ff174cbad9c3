"""The bare numpy baseline of the benchmarks agrees with standoff (issue 17).

``benchmarks/bare_numpy.py`` is the yardstick standoff's compile and product-space kernels
are measured against; it is only a fair yardstick if it computes the same thing. These
checks run it on small models written by the scale benchmark's own generator (same shapes
as the timed rows) and on a model with integer weights and ties.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import numpy as np
import pytest
import yaml

import standoff
from standoff.stability import gmr_stable, nash_stable, smr_stable

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


def _tied_model() -> dict:
    """Three decision makers, integer weights on few options: many tied states."""
    model = scale.make_model(scale.Case(3, 7, False, "nash"))
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


def test_bare_compile_refuses_constrained_models(tmp_path):
    path = tmp_path / "model.yaml"
    model = scale.make_model(scale.Case(3, 12, True, "nash"))
    path.write_text(yaml.safe_dump(model, sort_keys=False), encoding="utf-8")
    with pytest.raises(ValueError, match="only"):
        bare.compile_bare(path)
