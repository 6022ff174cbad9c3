"""Positions-by-round plots: SVG always, PNG with matplotlib, clear refusals otherwise."""

from __future__ import annotations

import builtins
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from standoff.bargaining import load_model, run_model
from standoff.bargaining.plot import rounds_svg

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "bargaining"
SVG = "{http://www.w3.org/2000/svg}"


def test_svg_has_one_line_per_actor_and_distinct_styles_beyond_ten():
    """The SOE case has 13 actors: the 11th to 13th reuse colours 1-3 with a dash."""
    f = run_model(load_model(EXAMPLES / "ktab_china_soe.yaml"), "spatial", None)
    root = ET.fromstring(rounds_svg(f))
    lines = root.findall(f"{SVG}polyline")
    assert len(lines) == 2 * 13  # two issues
    styles = {(ln.get("stroke"), ln.get("stroke-dasharray")) for ln in lines[:13]}
    assert len(styles) == 13
    # the legend fits in the panel: the last label lies above the panel's bottom
    labels = [t for t in root.findall(f"{SVG}text") if t.text == "WY"]
    assert float(labels[0].get("y")) < int(root.get("height")) / 2


def test_png_written_with_matplotlib(run, tmp_path):
    pytest.importorskip("matplotlib")
    out = tmp_path / "rounds.png"
    r = run("forecast", EXAMPLES / "ec_emissions.yaml", "--model", "expected_utility",
            "--plot", out)
    assert r.exit_code == 0, r.output
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_png_without_matplotlib_is_refused_cleanly(run, tmp_path, monkeypatch):
    real_import = builtins.__import__

    def no_matplotlib(name, *args, **kwargs):
        if name.startswith("matplotlib"):
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_matplotlib)
    out = tmp_path / "rounds.png"
    r = run("forecast", EXAMPLES / "ec_emissions.yaml", "--plot", out)
    assert r.exit_code == 2 and "Traceback" not in r.output
    assert r.output.startswith("--plot: error: writing a PNG plot needs matplotlib")
    assert "standoff[plot]" in r.output and not out.exists()


@pytest.mark.parametrize("name", ["rounds.pdf", "missing-folder/rounds.svg"])
def test_unwritable_plot_names_are_refused(run, tmp_path, name):
    out = tmp_path / name
    r = run("forecast", EXAMPLES / "ec_emissions.yaml", "--plot", out)
    assert r.exit_code == 2 and "Traceback" not in r.output
    assert r.output.startswith(f"{out}: error:") and not out.exists()
