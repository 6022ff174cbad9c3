"""The examples in the docstrings of the solution concepts run as tests (issue 10).

Each concept's public function in :mod:`standoff.stability` (``nash_stable``,
``gmr_stable``, ``smr_stable``, ``seq_stable``, ``sim_stable``, ``nonmyopic_stable``) and
each kernel over plain data shows its verdicts on Chicken (``examples/chicken.yaml``, read
relative to the repository root); the one Markdown table builder shows its escaping.
"""

from __future__ import annotations

import doctest
import importlib

import pytest
from conftest import ROOT

#: Module -> the functions whose docstrings must hold an example.
DOCUMENTED = {
    "standoff.stability.nash": ["nash_stable", "nash_kernel"],
    "standoff.stability.gmr": ["gmr_stable", "gmr_kernel"],
    "standoff.stability.smr": ["smr_stable", "smr_kernel"],
    "standoff.stability.seq": ["seq_stable", "seq_kernel"],
    "standoff.stability.sim": ["sim_stable"],
    "standoff.stability.limited_move": ["nonmyopic_stable"],
    "standoff.stability": ["kernel", "rank_kernel"],
    "standoff.report.markdown_text": ["markdown_table"],
    "standoff.cli": ["reflowed_help"],
    "standoff.report.html_text": ["html_table"],
}


@pytest.mark.parametrize("name", sorted(DOCUMENTED))
def test_docstring_examples_pass(name, monkeypatch):
    monkeypatch.chdir(ROOT)  # the examples name examples/chicken.yaml
    module = importlib.import_module(name)
    for function in DOCUMENTED[name]:
        assert ">>> " in (getattr(module, function).__doc__ or ""), f"{name}.{function}"
    result = doctest.testmod(module)
    assert result.attempted >= len(DOCUMENTED[name]) and result.failed == 0, result


def test_conflict_patterns_example_passes(monkeypatch):
    """The doctest of the method ``Conflict.patterns`` (a method, so not in DOCUMENTED)."""
    from standoff.graph.conflict import Conflict

    monkeypatch.chdir(ROOT)
    finder = doctest.DocTestFinder()
    runner = doctest.DocTestRunner()
    tests = finder.find(Conflict.patterns, "Conflict.patterns", globs={})
    assert tests and tests[0].examples
    for test in tests:
        runner.run(test)
    assert runner.summarize(verbose=False).failed == 0
