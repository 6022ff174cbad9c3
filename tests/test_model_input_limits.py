"""Hostile and mistaken model input: refused early, with one located message and a fix.

Covers alias bombs and deep nesting (refused on the composed node graph, before any Python
object is built), non-finite or huge preference weights, too few decision makers or
options, values YAML reads as numbers where names are expected, a status quo listed twice
or made infeasible by a variant, and a folder given instead of a model file.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
import yaml
from cli_runner import run

from standoff.errors import ModelError
from standoff.graph import compile_model
from standoff.model import yamlio
from standoff.model.loader import read_model

MODEL = """\
format: standoff/1
title: limits
decision_makers:
  a:
    name: A
    options:
      x: {text: A does x}
  b:
    name: B
    options:
      z: {text: B does z}
preferences:
  a: {prioritize: [x]}
  b: {prioritize: [z]}
"""


def write(tmp_path: Path, text: str, name: str = "model.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def refused(path: Path, line: int | None, *phrases: str, args: tuple[str, ...] = ()) -> str:
    """Run ``standoff check`` on ``path``: exit 2, no traceback, located at ``line``, a fix
    line and every phrase in the message. Returns the message."""
    result = run("check", *args, str(path))
    assert result.code == 2, result
    assert "Traceback" not in result.err
    where = f"{path}:{line}:" if line is not None else f"{path}:"
    assert result.err.startswith(where), result.err
    assert "\n  fix: " in result.err, result.err
    for phrase in phrases:
        assert phrase in result.err, result.err
    return result.err


# --- alias bombs and nesting ------------------------------------------------------------

def bomb_text(levels: int = 40) -> str:
    """``l0: &l0 [x, x]`` then ``lK: &lK [*lK-1, *lK-1]``: 2^levels values from a few lines."""
    lines = ["l0: &l0 [x, x]"]
    lines += [f"l{k}: &l{k} [*l{k - 1}, *l{k - 1}]" for k in range(1, levels)]
    return "\n".join(lines) + "\n"


def test_alias_bomb_is_refused_at_the_alias_that_explodes(tmp_path):
    err = refused(write(tmp_path, bomb_text()), None,
                  f"expands to more than {yamlio.MAX_VALUES:,} values", "the alias *l")
    # the message points at an alias use (line K+1 holds the aliases *lK-1) and names it
    first = err.splitlines()[0]
    line = int(first.split(":")[1])
    assert f"the alias *l{line - 2} repeats" in first, first
    assert f"(defined on line {line - 1})" in first, first


def test_alias_bomb_is_refused_before_any_object_is_constructed(monkeypatch):
    """Counting happens on the composed node graph: loading the bomb must not build a single
    Python object (before the fix millions were built, taking seconds and ~700 MB)."""
    constructed = 0
    original = yamlio._Loader.construct_object

    def counting(self, node, deep=False):
        nonlocal constructed
        constructed += 1
        assert constructed < 1000, "the loader is expanding the aliases"
        return original(self, node, deep=deep)

    monkeypatch.setattr(yamlio._Loader, "construct_object", counting)
    with pytest.raises(ModelError, match=f"expands to more than {yamlio.MAX_VALUES:,} values"):
        yamlio.parse_text(bomb_text(), "bomb.yaml")
    assert constructed == 0


def test_measure_counts_the_expansion_visiting_each_node_once():
    """The exact expanded size of a 2^41-value document, found by visiting ~120 nodes."""
    node = yaml.compose(bomb_text(), Loader=yaml.SafeLoader)
    size = 3  # l0: the list and its two scalars
    expected = 1 + size  # the top-level mapping and l0
    for _ in range(1, 40):
        size = 1 + 2 * size
        expected += size
    result = yamlio.measure(node, max_values=10**15)
    assert result.values == expected and result.values > 2**41
    assert result.depth == 42  # mapping, l39 ... l0, scalar
    assert result.nodes == 1 + 3 + 39  # the mapping, l0 and its scalars, l1 ... l39


def test_measure_matches_the_values_loading_builds():
    text = MODEL + "status_quo: &sq [x]\nclaims: {}\nvariants: {}\n"
    data, locs = yamlio.parse_text(text, "m.yaml")
    node = yaml.compose(text, Loader=yaml.SafeLoader)
    assert yamlio.measure(node).values == len(locs.spots)


def test_measure_refuses_past_the_limit_without_walking_further():
    node = yaml.compose(bomb_text(), Loader=yaml.SafeLoader)
    with pytest.raises(ModelError) as caught:
        yamlio.measure(node, file="b.yaml", max_values=100)
    assert caught.value.message.startswith("the document expands to more than 100 values")


def test_alias_used_inside_its_own_value_is_refused(tmp_path):
    refused(write(tmp_path, "a: &a [x, *a]\n"), 1,
            "the alias *a is used inside the value it names")
    err = refused(write(tmp_path, "a: &a [x, *a]\n"), 1)
    assert err.startswith(f"{tmp_path / 'model.yaml'}:1:11:"), err


def test_very_deep_nesting_is_refused_without_a_traceback(tmp_path):
    """PyYAML composes recursively: 5000 levels used to end in a RecursionError."""
    refused(write(tmp_path, "a: " + "[" * 5000 + "]" * 5000 + "\n"), 1,
            "nested more than 100 levels deep")


def test_deep_nesting_through_aliases_is_refused(tmp_path):
    lines = ["l0: &l0 [x]"] + [f"l{k}: &l{k} [*l{k - 1}]" for k in range(1, 150)]
    refused(write(tmp_path, "\n".join(lines) + "\n"), None,
            "nested more than 100 levels deep (through the alias *l")


def test_alias_of_a_list_as_a_mapping_key_is_refused_at_the_key(tmp_path):
    path = write(tmp_path, bomb_text(10) + "? *l9\n: value\n")
    err = refused(path, 11, "a mapping key must be a plain name")
    assert err.startswith(f"{path}:11:3:"), err


@pytest.mark.parametrize("value", ["9" * 5000, "2024-13-01"], ids=["long-int", "bad-date"])
def test_scalars_yaml_cannot_read_are_located(tmp_path, value):
    text = MODEL.replace("title: limits", f"title: {value}")
    refused(write(tmp_path, text), 2, "YAML cannot read the value", "quotes")


# --- preference weights -----------------------------------------------------------------

@pytest.mark.parametrize(
    ("weight", "phrase"),
    [
        (".nan", "not .nan"),
        (".inf", "not .inf"),
        ("-.inf", "not -.inf"),
        ("1e308", "the weight 1e+308 is too large"),
        ("-2e12", "the weight -2e+12 is too large"),
        pytest.param("1" + "0" * 400, "the weight of about 10^400 is too large", id="1e400-int"),
        ("true", "a weight must be a number, not true"),
        ("'3'", "not the text '3'"),
    ],
)
def test_bad_weight_is_refused_at_its_statement(tmp_path, weight, phrase):
    template = "a: {{weights: {{x: 1e6, not x: {}}}}}"
    at_bound = MODEL.replace("a: {prioritize: [x]}", template.format("-1e12"))
    assert run("check", str(write(tmp_path, at_bound, "ok.yaml"))).code == 0
    text = MODEL.replace("a: {prioritize: [x]}", template.format(weight))
    refused(write(tmp_path, text), 13, "preferences.a.weights.not x", phrase)


def test_bad_weight_in_the_long_form_is_refused(tmp_path):
    text = MODEL.replace(
        "a: {prioritize: [x]}",
        "a:\n    weights:\n      - {statement: x, weight: 1}\n"
        "      - {statement: not x, weight: .nan}",
    )
    refused(write(tmp_path, text), 16, "weights.1.weight: a weight must be a finite number")


@pytest.mark.parametrize("weight", [float("nan"), float("inf"), 1e308])
def test_compiling_refuses_a_bad_weight_set_in_code(tmp_path, weight):
    """The rank computation checks weights itself, for specs built without the loader."""
    text = MODEL.replace("a: {prioritize: [x]}", "a: {weights: {x: 1, not x: 2}}")
    spec = read_model(write(tmp_path, text))
    pref = spec.preferences[0]
    bad = dataclasses.replace(pref.statements[1], weight=weight)
    pref = dataclasses.replace(pref, statements=(pref.statements[0], bad))
    spec = dataclasses.replace(spec, preferences=(pref, *spec.preferences[1:]))
    with pytest.raises(ModelError, match="is not a finite number between"):
        compile_model(spec)


# --- too few decision makers or options ---------------------------------------------------

def test_one_decision_maker_is_explained(tmp_path):
    text = MODEL.replace("  b:\n    name: B\n    options:\n      z: {text: B does z}\n", "")
    text = text.replace("  b: {prioritize: [z]}\n", "")
    err = refused(write(tmp_path, text), 3,
                  "a conflict needs at least two decision makers (found 1: a)")
    assert "minimum number of entries" not in err
    assert "add the other party" in err


def test_no_decision_makers_is_explained(tmp_path):
    text = MODEL.split("decision_makers:")[0] + "decision_makers: {}\npreferences: {}\n"
    refused(write(tmp_path, text), 3, "at least two decision makers (found 0)")


def test_decision_maker_without_options_is_explained(tmp_path):
    text = MODEL.replace("    options:\n      z: {text: B does z}\n", "    options: {}\n")
    err = refused(write(tmp_path, text), 10,
                  "decision maker 'b' has no options; give it at least one")
    assert "minimum number of entries" not in err


# --- values read as numbers, duplicates, folders -----------------------------------------

def test_option_id_read_as_a_number_says_to_quote_it(tmp_path):
    text = MODEL.replace("z: {text: B does z}", "0x10: {text: hex}")
    err = refused(write(tmp_path, text), 11,
                  "the option id 0x10 was read as a number (16)", '"0x10"')
    assert "Input should be a valid string" not in err


def test_decision_maker_id_read_as_a_number_says_to_quote_it(tmp_path):
    text = MODEL.replace("  b:\n    name: B", "  12:\n    name: B")
    refused(write(tmp_path, text), 8, "the decision maker id 12 was read as a number", '"12"')


@pytest.mark.parametrize(
    ("value", "phrase"),
    [("0x10", "was read as a number (16)"), ("2024-01-01", "was read as a date"),
     ("~", "was read as empty (null)")],
)
def test_status_quo_value_read_as_non_text_says_to_quote_it(tmp_path, value, phrase):
    text = MODEL + f"status_quo: [{value}]\n"
    refused(write(tmp_path, text), 15, f"status_quo.0: {value} {phrase}", f'"{value}"')


def test_wrong_kind_of_section_is_described(tmp_path):
    text = MODEL.replace("title: limits", "title: [a, b]")
    err = refused(write(tmp_path, text), 2, "title should be text, not a list")
    assert "Input should be" not in err


@pytest.mark.parametrize(("listed", "phrase"), [
    ("[x, x]", "the status quo lists option 'x' twice"),
    ("[x, a.x]", "lists option a.x twice (as 'x' and 'a.x')"),
])
def test_option_listed_twice_in_the_status_quo_is_refused(tmp_path, listed, phrase):
    path = write(tmp_path, MODEL + f"status_quo: {listed}\n")
    err = refused(path, 15, phrase)
    assert err.startswith(f"{path}:15:17:"), err


def test_folder_instead_of_a_model_file_has_a_fix(tmp_path):
    refused(tmp_path, None, "this is a folder, not a model file", "give the path of a model file")
    model = write(tmp_path, MODEL)
    refused(tmp_path, None, "this is a folder", f"e.g. {model}")


# --- a status quo made infeasible by a variant --------------------------------------------

VARIANTS = MODEL + """\
status_quo: [x]
variants:
  v1:
    description: x becomes impossible
    feasibility:
      add:
        infeasible: [z, x]
  v2:
    description: starts from v1
    extends: v1
"""


def test_status_quo_excluded_by_a_variant_names_the_variant_and_its_constraint(tmp_path):
    path = write(tmp_path, VARIANTS)
    err = refused(path, 21, "in variant 'v1': the status quo (a.x) is not a feasible state",
                  "the infeasible statement 'x' it adds excludes it")
    assert err.startswith(f"{path}:21:25:"), err
    assert "shared by every variant" in err
    # in the model as written the old message stays, at the status quo
    text = MODEL + "feasibility: {infeasible: [x]}\nstatus_quo: [x]\n"
    err = refused(write(tmp_path, text, "base.yaml"), 16, "the status quo is not a feasible state")
    assert "in variant" not in err


def test_status_quo_excluded_through_an_extended_variant(tmp_path):
    refused(write(tmp_path, VARIANTS), 21, "in variant 'v2'",
            "added by variant 'v1' (which 'v2' extends)", args=("--variant", "v2"))


def test_status_quo_excluded_by_a_variant_group(tmp_path):
    text = VARIANTS.replace("infeasible: [z, x]", "at_least_one: [[z]]")
    refused(write(tmp_path, text), 21, "in variant 'v1'", "the at_least_one group [b.z]")
