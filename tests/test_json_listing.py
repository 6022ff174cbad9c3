"""``states -f json`` and ``analyze -f json`` written column by column as text
(:mod:`standoff.report.json_listing`, :func:`standoff.output.json_spliced`): byte for byte
the JSON text of the documents built as a dict per state, which these tests keep as the
reference (``Analysis.to_dict()``, and the rows ``states`` used to build)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from cli_runner import run
from conftest import EXAMPLES
from hypothesis import given, settings
from hypothesis import strategies as st
from model_builders import spec_from_dict
from strategies import conflicts

from standoff.analysis import analyze
from standoff.analysis.variants import variant_conflicts, variant_names
from standoff.cli.analysis import states_json, variants_json
from standoff.graph import compile_model
from standoff.output import (
    json_spliced,
    json_spliced_utf8,
    json_string,
    json_text,
    splice_token,
)
from standoff.report.json_listing import (
    analysis_json_parts,
    analysis_listing_bytes,
    analysis_states_listing,
    int_list,
    states_listing,
    states_listing_bytes,
)

AWKWARD = """\
format: standoff/1
title: "T\\e]0;PWNED\\a\\e[2J \\"q\\" back\\\\slash \\u2028 \\u2029 é 中 \\x7f \\x85 %d %s"
decision_makers:
  a-1:
    name: "A\\r\\e[Kfake \\u2028"
    options:
      x_2: {text: "X \\"\\\\ \\u2028 \\x9b"}
      zz: {text: "Y\\tZ\\n"}
      z: {text: "Z"}
  b: {name: "B \\"%s\\"", options: {y: {text: "Y"}}}
feasibility:
  collapse: ["not x_2 and zz"]
preferences:
  a-1: {prioritize: [x_2]}
  b: {prioritize: [y]}
status_quo: []
variants:
  v-1:
    description: "desc \\"q\\" \\\\ \\x1b[2J \\u2028 %s"
    preferences:
      b: {prioritize: [not y]}
"""


def _state_rows(conflict) -> list[dict]:
    """The reference: the rows ``states -f json`` built, a dict per state."""
    states = range(conflict.state_count)
    keys = conflict.option_keys
    ranks = conflict.ranks[:, list(states)].T.tolist()
    return [{
        "id": s + 1,
        "pattern": pattern,
        "taken": [k for k, letter in zip(keys, pattern, strict=True) if letter == "Y"],
        "rank": dict(zip(conflict.dm_ids, rank, strict=True)),
    } for s, pattern, rank in zip(states, conflict.patterns(states), ranks, strict=True)]


def _states_reference(selected, variant) -> str:
    if len(selected) == 1 and variant is None:
        doc: dict = {"states": _state_rows(selected[0][1])}
    elif len(selected) == 1:
        doc = {"variant": variant, "states": _state_rows(selected[0][1])}
    else:
        doc = {"variants": [{"variant": name, "states": _state_rows(c)}
                            for name, c in selected]}
    return json_text(doc)


def _analysis_reference(results, variant) -> str:
    if len(results) == 1:
        doc = results[0][1].to_dict()
        if variant is not None:
            doc["variant"] = doc["provenance"]["variant"]
    else:
        doc = variants_json(results[0][1].conflict.title,
                            [(name, r.conflict, "analysis", r.to_dict())
                             for name, r in results])
    return json_text(doc)


def _models() -> list[Path]:
    found = []
    for path in sorted(EXAMPLES.rglob("*.yaml")):
        if "bargaining" in path.parts or "notebooks" in path.parts:
            continue
        found.append(path)
    return found


def _forms(path: Path) -> list[list[str]]:
    """The command-line forms to compare: the model, every variant, --all-variants."""
    from standoff import load

    names = variant_names(load(path).spec)
    forms = [[]]
    if len(names) > 1:
        forms += [["--all-variants"], *(["--variant", n] for n in names)]
    return forms


def _selected(path: Path, form: list[str]):
    from standoff import load

    conflict = load(path)
    if not form:
        return [("base", conflict)], None
    if form[0] == "--variant":
        return list(variant_conflicts(conflict, [form[1]]).items()), form[1]
    return list(variant_conflicts(conflict, variant_names(conflict.spec)).items()), None


@pytest.fixture(scope="module")
def awkward(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("awkward") / "awkward.yaml"
    path.write_text(AWKWARD, encoding="utf-8")
    return path


def _cases(awkward: Path):
    for path in [*_models(), awkward]:
        for form in _forms(path):
            yield path, form


def test_examples_are_found():
    names = {p.name for p in _models()}
    assert {"elmira.yaml", "istanbul-2025.yaml", "syria_iraq.yaml"} <= names


def test_states_json_is_the_dict_built_text(awkward):
    """``states -f json`` on every example (and every variant form) and on a model whose
    texts hold control characters, quotes, backslashes, non-ASCII, U+2028 and ``%``."""
    for path, form in _cases(awkward):
        selected, variant = _selected(path, form)
        expected = _states_reference(selected, variant)
        assert states_json(selected, variant) == expected.encode(), (path, form)
        result = run("states", path, "-f", "json", *form)
        assert result.code == 0, result.err
        assert result.out == expected, (path, form)


@pytest.mark.parametrize("concepts", ["nash,gmr,smr,seq,sim", "nash"])
def test_analyze_json_is_the_dict_built_text(awkward, concepts):
    """``analyze -f json`` likewise, the document spliced from the dict-built header and
    the text-built states, stable states and equilibria."""
    keys = tuple(concepts.split(","))
    for path, form in _cases(awkward):
        selected, variant = _selected(path, form)
        if form:
            results = [(name, analyze(c, keys)) for name, c in selected]
        else:  # the provenance the command line gives (the model's file)
            results = [("base", analyze(selected[0][1], keys))]
        result = run("analyze", path, "-f", "json", "--concepts", concepts, *form)
        assert result.code == 0, result.err
        doc = json.loads(result.out)
        expected = _analysis_reference(results, variant)
        assert json.loads(expected).keys() == doc.keys()
        from standoff.cli.analysis import analysis_json

        assert analysis_json(results, variant) == expected.encode(), (path, form)
        assert result.out == expected, (path, form)


def test_awkward_text_is_escaped(awkward):
    out = run("states", awkward, "-f", "json", "--all-variants").out
    assert "\x1b" not in out and "\u2028" not in out and "\x7f" not in out
    out = run("analyze", awkward, "-f", "json", "--all-variants").out
    assert "\x1b" not in out and "\u2028" not in out and "\x85" not in out
    assert "\\u2028" in out and "\\u001b" in out and "\\\\slash" in out and "中" in out
    assert json.loads(out)["title"].startswith("T\x1b]0;PWNED")


@settings(max_examples=60, deadline=None)
@given(st.one_of(conflicts(max_options=12), conflicts(max_options=8, product=True)),
       st.sampled_from([("nash",), ("nash", "gmr", "seq")]), st.sampled_from([1, 4, 6]),
       st.sampled_from([1, 5, 1 << 16]))
def test_random_conflicts_against_the_dict_built_text(model, keys, chunk, block):
    """Random models (collapsed options, infeasible states, up to 12 options; lookup tables
    of 1, 4 or 6 options, so several and a last partial one; blocks of 1, 5 or 65,536
    states) against the dict-built reference, for both listings."""
    from unittest import mock

    conflict = compile_model(spec_from_dict(model))
    result = analyze(conflict, keys)
    with (mock.patch("standoff.report.json_listing._CHUNK", chunk),
          mock.patch("standoff.report.json_listing.BLOCK", block)):
        assert states_json([("base", conflict)], None) == _states_reference(
            [("base", conflict)], None).encode()
        doc, parts = analysis_json_parts(result)
        assert json_spliced(doc, parts) == json_text(result.to_dict())
    for indent in (4, 8, 10):  # the estimates bound the text, the states' closely
        states = sum(len(t.encode()) for t in states_listing(conflict)(indent - 2))
        bound = states_listing_bytes(conflict, indent)
        assert states <= bound <= 1.25 * states + 64
        lists = len(keys) * (len(conflict.dm_ids) + 1)
        written = sum(len(t.encode()) for t in analysis_states_listing(conflict)(indent - 2))
        everything = np.ones(conflict.state_count, dtype=bool)
        written += lists * sum(len(t.encode()) for t in
                               int_list(lambda m=everything: (np.flatnonzero(m) + 1).tolist())(
                                   indent + 2))
        assert written <= analysis_listing_bytes(conflict, lists, indent) <= 1.5 * written + 64


@given(st.text())
def test_json_string_is_what_json_text_writes(text):
    assert json_string(text) == json_text(text)[:-1]
    assert json_text({"a": [text]}) == "{\n  \"a\": [\n    " + json_string(text) + "\n  ]\n}\n"


@given(st.lists(st.lists(st.integers(0, 10**6), max_size=5), max_size=4),
       st.recursive(st.none() | st.text(max_size=3) | st.integers(),
                    lambda inner: st.lists(inner, max_size=3)
                    | st.dictionaries(st.text(max_size=3), inner, max_size=3), max_leaves=8))
def test_spliced_int_lists_are_what_json_text_writes(lists, around):
    """Lists of integers spliced at any depth of a document, as :func:`json_text` writes
    them in place."""
    tokens = [splice_token() for _ in lists]
    parts = {t: int_list(lambda v=v: v) for t, v in zip(tokens, lists, strict=True)}
    doc = {"around": around, "deep": [{"x": [t]} for t in tokens]}
    full = {"around": around, "deep": [{"x": [v]} for v in lists]}
    assert json_spliced(doc, parts) == json_text(full)
    assert json_spliced_utf8(doc, parts) == json_text(full).encode()


def test_a_missing_placeholder_is_an_error():
    with pytest.raises(ValueError):
        json_spliced({"a": 1}, {splice_token(): int_list(lambda: [])})
