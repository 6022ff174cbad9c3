"""Library errors name parameters, the command line names its options (issue 10).

A bad argument of a library function raises :class:`~standoff.errors.ParameterError`
naming the parameter (``moves=``) and the values allowed, never a command-line option; the
command line reports the same error at the option that set the parameter, through one table
(:data:`standoff.cli.common.OPTION_OF_PARAMETER`). Variant compile errors are told apart by
their type, not by their text, and ``--variant NAME`` compiles only that variant.
"""

from __future__ import annotations

import copy

import pytest
from cli_runner import run
from conftest import EXAMPLES
from model_builders import spec_from_dict

import standoff
from standoff.analysis.coalitions import analyze_coalitions
from standoff.analysis.inverse import inverse_analysis, parse_given
from standoff.analysis.paths import select_states, shortest_path, status_quo_analysis
from standoff.analysis.variants import compile_variant, variant_conflicts
from standoff.cli.common import OPTION_OF_PARAMETER
from standoff.errors import (
    ModelError,
    NoFeasibleStateError,
    ParameterError,
    StatusQuoInfeasibleError,
)

ELMIRA = EXAMPLES / "elmira.yaml"


@pytest.fixture(scope="module")
def elmira():
    return standoff.load(ELMIRA)


def _calls(c):
    """(call, parameter) pairs: each call raises a ParameterError about ``parameter``."""
    return [
        (lambda: status_quo_analysis(c, moves="all"), "moves"),
        (lambda: status_quo_analysis(c, moves="any", coalitions=True), "moves"),
        (lambda: status_quo_analysis(c, start=10_000), "start"),
        (lambda: shortest_path(c, 10_000), "target"),
        (lambda: select_states(c, "10000"), "selector"),
        (lambda: select_states(c, "no_such_option"), "selector"),
        (lambda: inverse_analysis(c, 10_000, ["moe"]), "state"),
        (lambda: inverse_analysis(c, 1, []), "vary"),
        (lambda: inverse_analysis(c, 1, ["nobody"]), "vary"),
        (lambda: inverse_analysis(c, 1, ["moe"], given=[("nobody", 1, 2)]), "given"),
        (lambda: inverse_analysis(c, 1, ["moe"], given=[("moe", 1, 1)]), "given"),
        (lambda: parse_given("moe likes 1"), "given"),
        (lambda: analyze_coalitions(c, ["moe+nobody"]), "coalitions"),
        (lambda: compile_variant(c.spec, "nothing"), "name"),
        (lambda: variant_conflicts(c, ["nothing"]), "names"),
    ]


def test_library_errors_name_the_parameter_not_an_option(elmira):
    for call, parameter in _calls(elmira):
        with pytest.raises(ParameterError) as caught:
            call()
        error = caught.value
        assert error.parameter == parameter
        assert error.file == f"{parameter}="
        assert "--" not in error.render(), error.render()  # no command-line option named
        assert error.hint, error.render()
        assert parameter in OPTION_OF_PARAMETER  # the command line knows its option


def test_moves_error_lists_the_allowed_values(elmira):
    with pytest.raises(ParameterError) as caught:
        status_quo_analysis(elmira, moves="all")
    text = str(caught.value)
    assert text.startswith("moves=: error: unknown kind of move 'all'")
    assert "'ui'" in text and "'any'" in text


@pytest.mark.parametrize(("args", "start"), [
    (("paths", ELMIRA, "--from", "10000"), "--from: error: state 10000 does not exist"),
    (("paths", ELMIRA, "--to", "10000"), "--to: error: state 10000 does not exist"),
    (("paths", ELMIRA, "--moves", "any", "--coalitions"), "--moves: error: "),
    (("inverse", ELMIRA, "--state", "10000", "--vary", "moe"),
     "--state: error: state 10000 does not exist"),
    (("inverse", ELMIRA, "--state", "1", "--vary", "nobody"),
     "--vary: error: unknown decision maker 'nobody'"),
    (("inverse", ELMIRA, "--state", "1", "--vary", "moe", "--given", "moe likes 1"),
     "--given: error: cannot read the constraint"),
    (("coalitions", ELMIRA, "--coalition", "moe+nobody"),
     "--coalition: error: unknown decision maker 'nobody'"),
    (("analyze", ELMIRA, "--variant", "nothing"),
     "--variant: error: the model has no variant 'nothing'"),
])
def test_the_command_line_reports_them_at_its_option(args, start):
    result = run(*args)
    assert result.code == 2, result.err
    assert result.err.startswith(start), result.err
    assert "Traceback" not in result.err


MODEL = {
    "format": "standoff/1",
    "title": "Typed variant errors",
    "decision_makers": {
        "a": {"name": "A", "options": {"go": {"text": "A goes"}, "wait": {"text": "A waits"}}},
        "b": {"name": "B", "options": {"stop": {"text": "B stops"}}},
    },
    "preferences": {"a": {"prioritize": ["a.go"]}, "b": {"prioritize": ["b.stop"]}},
    "feasibility": {"infeasible": ["a.go and a.wait"]},
    "status_quo": ["a.go"],
    "variants": {
        "closed": {"description": "Going is ruled out.", "assumption": "a test",
                   "feasibility": {"add": {"infeasible": ["a.go"]}}},
        "nothing": {"description": "Nothing is feasible.", "assumption": "a test",
                    "feasibility": {"add": {"exactly_one": [["a.go", "a.wait"]],
                                            "infeasible": ["a.go", "a.wait"]}}},
    },
}


def test_variant_errors_are_typed_and_located():
    spec = spec_from_dict(copy.deepcopy(MODEL))
    with pytest.raises(ModelError) as caught:
        compile_variant(spec, "closed")
    assert "in variant 'closed': the status quo (a.go) is not a feasible state" in \
        caught.value.message
    assert caught.value.line is not None
    with pytest.raises(ModelError) as caught:
        compile_variant(spec, "nothing")
    assert caught.value.message.startswith("in variant 'nothing': no state is feasible")
    assert caught.value.line is not None


def test_the_graph_raises_typed_feasibility_errors():
    data = copy.deepcopy(MODEL)
    data["feasibility"] = {"infeasible": ["a.go"]}
    with pytest.raises(StatusQuoInfeasibleError):
        standoff.compile_model(spec_from_dict(data))
    data["feasibility"] = {"infeasible": ["a.go", "not a.go"]}
    del data["status_quo"]
    with pytest.raises(NoFeasibleStateError):
        standoff.compile_model(spec_from_dict(data))


def test_variant_option_does_not_compile_the_model_as_written(tmp_path):
    """The model as written has an infeasible status quo; a variant that removes the
    constraint excluding it can still be analysed with --variant."""
    import yaml

    data = copy.deepcopy(MODEL)
    data["feasibility"] = {"infeasible": ["a.go and a.wait", "a.go"]}
    data["variants"] = {"open": {"description": "Going is possible.", "assumption": "a test",
                                 "feasibility": {"remove": {"infeasible": ["a.go"]}}}}
    path = tmp_path / "model.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    assert run("analyze", path).code == 2  # the model as written does not compile
    result = run("analyze", path, "--variant", "open", "-f", "json")
    assert result.code == 0, result.err


@pytest.mark.parametrize("value", ["-1", "1001"])
def test_inverse_examples_is_range_checked(value):
    """``--examples`` takes 0 to 1,000 rankings; outside that it is refused at the option
    (it used to be passed on unchecked)."""
    result = run("inverse", ELMIRA, "--state", "1", "--vary", "moe", "--examples", value)
    assert result.code == 2, result.err
    assert "--examples" in result.err
    assert "Traceback" not in result.err
