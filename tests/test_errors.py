"""Bad input: one clear message with file, line, column and a fix; exit code 2; no traceback."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from cli_runner import run

MINIMAL = """\
format: standoff/1
title: two options
decision_makers:
  a:
    name: A
    options:
      go: {text: A goes}
  b:
    name: B
    options:
      stop: {text: B stops}
preferences:
  a: {prioritize: [go]}
  b: {prioritize: [stop]}
"""


def write(tmp_path: Path, text: str, name: str = "model.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def check_error(path: Path, line: int | None, *phrases: str, command: str = "check") -> str:
    result = run(command, str(path))
    assert result.code == 2, result
    assert "Traceback" not in result.err
    where = f"{path}:{line}:" if line is not None else f"{path}:"
    assert result.err.startswith(where), result.err
    assert "fix:" in result.err
    for phrase in phrases:
        assert phrase in result.err, result.err
    return result.err


def test_minimal_model_is_valid(tmp_path):
    result = run("check", str(write(tmp_path, MINIMAL)))
    assert result.code == 0, result
    assert "4 states" in result.out


def test_yaml_syntax_error(tmp_path):
    path = write(tmp_path, MINIMAL.replace("go: {text: A goes}", "go: {text: A goes"))
    check_error(path, 8, "YAML syntax error")


def test_unknown_key(tmp_path):
    path = write(tmp_path, MINIMAL.replace("title:", "titel:"))
    check_error(path, 2, "unknown key 'titel'")


def test_unknown_key_in_option(tmp_path):
    path = write(tmp_path, MINIMAL.replace("{text: A goes}", "{text: A goes, move: take}"))
    check_error(path, 7, "unknown key 'move'")


def test_bad_move_direction(tmp_path):
    path = write(tmp_path, MINIMAL.replace("{text: A goes}", "{text: A goes, moves: once}"))
    err = check_error(path, 7, "'once' is not allowed")
    assert "both" in err and "take" in err


def test_missing_required_key(tmp_path):
    path = write(tmp_path, MINIMAL.replace("title: two options\n", ""))
    check_error(path, 1, "missing required key 'title'")


def test_unknown_option_in_statement(tmp_path):
    path = write(tmp_path, MINIMAL.replace("prioritize: [go]", "prioritize: [og]"))
    check_error(path, 13, "unknown option 'og'", "known options include")


def test_ambiguous_option(tmp_path):
    text = MINIMAL.replace("stop: {text: B stops}", "go: {text: B goes}").replace(
        "prioritize: [stop]", "prioritize: [b.go]"
    )
    check_error(write(tmp_path, text), 13, "ambiguous", "write a.go or b.go")


def test_bad_expression(tmp_path):
    path = write(tmp_path, MINIMAL.replace("prioritize: [go]", "prioritize: [go and]"))
    check_error(path, 13, "ends too early")


def test_symbolic_operator_hint(tmp_path):
    path = write(tmp_path, MINIMAL.replace("prioritize: [go]", "prioritize: ['go & stop']"))
    check_error(path, 13, "unexpected character '&'", "and, or, not")


def test_unbalanced_parenthesis(tmp_path):
    path = write(tmp_path, MINIMAL.replace("prioritize: [go]", "prioritize: ['(go or stop']"))
    check_error(path, 13, "missing ')'")


def test_ranking_misses_a_state(tmp_path):
    text = MINIMAL.replace(
        "a: {prioritize: [go]}", "a:\n    ranking: [go and stop, go and not stop, stop and not go]"
    )
    check_error(write(tmp_path, text), 14, "does not place state(s) 1 (NN)")


def test_ranking_repeats_a_state(tmp_path):
    text = MINIMAL.replace(
        "a: {prioritize: [go]}", "a:\n    ranking: [go, stop, not go and not stop]"
    )
    check_error(write(tmp_path, text), 14, "state 4 (YY) is selected by item 1 and again by item 2")


def test_ranking_state_number_out_of_range(tmp_path):
    text = MINIMAL.replace("a: {prioritize: [go]}", "a:\n    ranking: [1, 2, 3, [4, 5]]")
    check_error(write(tmp_path, text), 14, "state 5 does not exist")


def test_no_feasible_state(tmp_path):
    text = MINIMAL + "feasibility:\n  infeasible: [go or not go]\n"
    check_error(write(tmp_path, text), 15, "no state is feasible")


def test_quote_not_in_source(tmp_path):
    (tmp_path / "source.txt").write_text("They said: “we will go” today.\n", encoding="utf-8")
    text = MINIMAL.replace(
        "a: {prioritize: [go]}",
        "a:\n    prioritize:\n      - {statement: go, source: src, quote: \"we go now\"}",
    ) + "sources:\n  src: {title: A source, file: source.txt}\n"
    check_error(write(tmp_path, text), 15, "the quote is not in source 'src'")


def test_quote_found_despite_quote_marks_and_spacing(tmp_path):
    (tmp_path / "source.txt").write_text("They said: “we will\n go” today.\n", encoding="utf-8")
    text = MINIMAL.replace(
        "a: {prioritize: [go]}",
        "a:\n    prioritize:\n      - {statement: go, source: src, quote: 'said: \"we will go\"'}",
    ) + "sources:\n  src: {title: A source, file: source.txt}\n"
    result = run("check", str(write(tmp_path, text)))
    assert result.code == 0, result


def test_unknown_source(tmp_path):
    text = MINIMAL.replace(
        "a: {prioritize: [go]}",
        "a:\n    prioritize:\n      - {statement: go, source: nowhere, quote: x}",
    )
    check_error(write(tmp_path, text), 15, "unknown source 'nowhere'")


def test_missing_source_file(tmp_path):
    text = MINIMAL + "sources:\n  src: {title: A source, file: missing.txt}\n"
    check_error(write(tmp_path, text), 16, "cannot be read")


def test_infeasible_status_quo(tmp_path):
    text = MINIMAL + "feasibility:\n  at_most_one: [[go, stop]]\nstatus_quo: [go, stop]\n"
    check_error(write(tmp_path, text), 17, "status quo is not a feasible state")


def test_unknown_option_in_status_quo(tmp_path):
    check_error(write(tmp_path, MINIMAL + "status_quo: [run]\n"), 15, "unknown option 'run'")


def test_preferences_for_unknown_dm(tmp_path):
    text = MINIMAL + "  c: {prioritize: [go]}\n"
    check_error(write(tmp_path, text), 15, "unknown decision maker 'c'")


def test_missing_preferences(tmp_path):
    text = MINIMAL.replace("  b: {prioritize: [stop]}\n", "")
    check_error(write(tmp_path, text), 12, "no preferences given for 'b'")


def test_two_preference_forms(tmp_path):
    text = MINIMAL.replace("a: {prioritize: [go]}", "a: {prioritize: [go], ranking: [go]}")
    check_error(write(tmp_path, text), 13, "exactly one of prioritize, weights, ranking")


def test_duplicate_key(tmp_path):
    text = MINIMAL.replace("title: two options\n", "title: two options\ntitle: again\n")
    check_error(write(tmp_path, text), 3, "duplicate key 'title'")


def test_collapse_must_be_a_conjunction(tmp_path):
    text = MINIMAL + "feasibility:\n  collapse: [go or stop]\n"
    check_error(write(tmp_path, text), 16, "must be options joined by 'and'")


def test_missing_file():
    result = run("check", "does/not/exist.yaml")
    assert result.code == 2
    assert result.err.startswith("does/not/exist.yaml: error: file not found")


def test_not_utf8(tmp_path):
    path = tmp_path / "model.yaml"
    path.write_bytes(b"title: \xff\xfe\n")
    result = run("check", str(path))
    assert result.code == 2 and "not UTF-8" in result.err


def test_state_space_too_large_is_refused_before_allocation(tmp_path):
    options = "".join(f"      o{k}: {{text: t}}\n" for k in range(30))
    text = MINIMAL.replace("      go: {text: A goes}\n", options).replace(
        "prioritize: [go]", "prioritize: [o1]"
    )
    result = run("analyze", str(write(tmp_path, text)))
    assert result.code == 2
    assert "Traceback" not in result.err
    assert re.search(r"up to 2,147,483,648 states \(estimated memory [\d,.e+]+ (?:[KMGT]i)?B\)",
                     result.err)
    assert "--max-states" in result.err


def test_max_states_option_lowers_the_limit(tmp_path):
    path = write(tmp_path, MINIMAL)
    result = run("analyze", str(path), "--max-states", "3")
    assert result.code == 2 and "over the limit of 3 states" in result.err
    assert run("analyze", str(path), "--max-states", "4").code == 0


def test_unknown_concept(tmp_path):
    result = run("analyze", str(write(tmp_path, MINIMAL)), "--concepts", "nash,foo")
    assert result.code == 2 and "unknown concept 'foo'" in result.err


@pytest.mark.parametrize("bad", ["- just\n- a list\n", "format: standoff/2\ntitle: x\n"])
def test_not_a_model(tmp_path, bad):
    result = run("check", str(write(tmp_path, bad)))
    assert result.code == 2 and "Traceback" not in result.err


def test_error_leaves_no_output_file(tmp_path):
    path = write(tmp_path, MINIMAL.replace("prioritize: [go]", "prioritize: [og]"))
    out = tmp_path / "out.json"
    result = run("analyze", str(path), "--format", "json", "-o", str(out))
    assert result.code == 2 and not out.exists()


def test_alias_bomb_is_refused(tmp_path):
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for k in range(1, 9):
        prev = f"*a{k - 1}"
        lines.append(f"a{k}: &a{k} [{', '.join([prev] * 10)}]")
    result = run("check", str(write(tmp_path, "\n".join(lines) + "\n")))
    assert result.code == 2 and "expands to more than" in result.err
    assert "Traceback" not in result.err


def test_deep_nesting_is_refused(tmp_path):
    result = run("check", str(write(tmp_path, "a: " + "[" * 300 + "]" * 300 + "\n")))
    assert result.code == 2 and "Traceback" not in result.err


def test_model_whose_moves_would_not_fit_in_memory_is_refused(tmp_path, monkeypatch):
    import standoff.graph.conflict as conflict_module

    monkeypatch.setattr(conflict_module, "memory_budget", lambda: 100)
    text = MINIMAL.replace("{text: A goes}", "{text: A goes, moves: take}")
    result = run("analyze", str(write(tmp_path, text)))
    assert result.code == 2 and "Traceback" not in result.err
    assert "its moves could need up to" in result.err and "100 B available" in result.err


def test_raising_the_state_limit_does_not_skip_the_memory_check(tmp_path):
    """3 decision makers x 15 free options: 2^45 states. With --max-states raised past it,
    the memory estimate (checked before anything is allocated) still refuses the model."""
    dms = "\n".join(
        f"  d{d}:\n    name: D{d}\n    options:\n"
        + "\n".join(f"      o{d}_{k}: {{text: option {k}}}" for k in range(15))
        for d in range(3)
    )
    prefs = "\n".join(f"  d{d}:\n    prioritize: [o{d}_0]" for d in range(3))
    text = f"format: standoff/1\ntitle: huge\ndecision_makers:\n{dms}\npreferences:\n{prefs}\n"
    result = run("check", str(write(tmp_path, text)), "--max-states", str(10**17))
    assert result.code == 2 and "Traceback" not in result.err
    assert "35,184,372,088,832 states" in result.err
    assert "a larger --max-states cannot help" in result.err
    # the usual refusal states a realistic estimate: free options store no moves
    result = run("check", str(write(tmp_path, text)))
    assert result.code == 2 and "estimated memory 4,352.0 TiB" in result.err


def test_byte_counts_read_naturally():
    from standoff.costs import format_bytes

    assert format_bytes(100) == "100 B"
    assert format_bytes(512 * 2**20) == "512.0 MiB"
    assert format_bytes(3 * 2**40) == "3.0 TiB"
    assert format_bytes(2**60) == "1.0e+06 TiB"


def test_sim_that_would_not_finish_is_refused(tmp_path, monkeypatch):
    import standoff.stability.sim as sim_module

    monkeypatch.setattr(sim_module, "MAX_COMBINATIONS", 3)
    text = MINIMAL.replace("preferences:", "  c:\n    name: C\n    options:\n      wait: "
                           "{text: C waits}\npreferences:") + "  c: {prioritize: [wait]}\n"
    result = run("analyze", str(write(tmp_path, text)), "--concepts", "sim")
    assert result.code == 2 and "Traceback" not in result.err
    assert "SIM for" in result.err and "--concepts nash,gmr,smr,seq" in result.err


def test_sim_refusal_for_two_freely_moving_dms(tmp_path, monkeypatch):
    import standoff.stability.sim as sim_module

    # 2 choices each: per choice of the focal decision maker, a sweep of 2 × 2 cells
    # plus the fixed cost of one column step
    cells = 2 * (2 * 2 + sim_module.COLUMN_STEP_CELLS)
    monkeypatch.setattr(sim_module, "MAX_TWO_DM_CELLS", cells - 1)
    result = run("analyze", str(write(tmp_path, MINIMAL)), "--concepts", "sim")
    assert result.code == 2 and f"would take about {cells:,} rank table cells" in result.err
    monkeypatch.setattr(sim_module, "MAX_TWO_DM_CELLS", cells)
    assert run("analyze", str(write(tmp_path, MINIMAL)), "--concepts", "sim").code == 0


def test_slow_general_sim_is_refused_before_any_work():
    """Issue 17: 65,536 states, 2 decision makers, a third of the options irreversible
    (explicit moves, the general SIM kernel): about 2·10^8 tests of an improvement against
    the opponent's per decision maker. The old check (2·10^9 combinations) let it run for
    half a minute without a word; now standoff.costs refuses it, located, with a fix."""
    model = Path(__file__).parent / "data" / "sim_two_dms_irreversible.yaml"
    result = run("analyze", str(model), "--concepts", "sim")
    assert result.code == 2 and "Traceback" not in result.err
    assert str(model) in result.err and "SIM for dm0" in result.err
    assert "over the limit of 100,000,000" in result.err
    assert "fix: leave SIM out" in result.err


def test_json_models_are_read_including_tab_indentation(tmp_path):
    import json

    import yaml

    data = yaml.safe_load(MINIMAL)
    for indent in (2, "\t", None):
        path = tmp_path / "model.json"
        path.write_text(json.dumps(data, indent=indent))
        assert run("check", str(path)).code == 0
    bad = json.dumps(data, indent="\t").replace('"title"', '"titel"')
    path = tmp_path / "bad.json"
    path.write_text(bad)
    result = run("check", str(path))
    assert result.code == 2 and result.err.startswith(f"{path}:3:") and "'titel'" in result.err
