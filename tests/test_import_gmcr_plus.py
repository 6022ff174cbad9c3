"""``standoff import gmcr-plus``: GMCR+ project files (written by hand from the format
description and the published case models) import into models that give the published
stability results; malformed files get located errors."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import numpy as np
import pytest
from cli_runner import run
from conftest import CASES, SHARED_REASON

import standoff
from standoff.errors import ModelError
from standoff.model.gmcr_plus import MAX_GMCR_BYTES, read_gmcr_plus
from standoff.model.yamlio import load_document

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).parent / "data" / "gmcr_plus"
CONCEPTS = ("nash", "gmr", "smr", "seq", "sim")
#: How the case files name the concepts.
CASE_KEY = {"nash": "Nash", "gmr": "GMR", "smr": "SMR", "seq": "SEQ", "sim": "SIM"}


def case(name: str) -> dict:
    """A reference case: the shared copy, else skip (the files are not in the repository)."""
    path = CASES / name
    if not path.is_file():
        pytest.skip(f"{SHARED_REASON}: {name} is not there")
    return json.loads(path.read_text(encoding="utf-8"))


def imported(tmp_path: Path, name: str) -> standoff.Conflict:
    """Import ``name`` through the command line and load the written model."""
    out = tmp_path / (Path(name).stem + ".yaml")
    result = run("import", "gmcr-plus", DATA / name, "-o", out)
    assert result.code == 0, result.err
    return standoff.load(out)


def rank_classes(conflict: standoff.Conflict, dm: int) -> list[list[int]]:
    """A decision maker's ranking as tie classes of state ids, best first."""
    ranks = conflict.ranks[dm]
    return [sorted(int(s) + 1 for s in np.flatnonzero(ranks == r))
            for r in sorted(set(ranks.tolist()), reverse=True)]


def as_classes(ranking: list) -> list[list[int]]:
    return [sorted(item) if isinstance(item, list) else [item] for item in ranking]


# -- GMCR+ state numbering, computed here independently of the importer ------------------


def gmcr_numbering(project: dict) -> dict[int, tuple[bool, ...]]:
    """GMCR+ state number -> option values in file option order (the format description:
    options ordered by decision maker, bit p = 2^p, feasible states numbered by value)."""
    order = [k for dm in project["decisionMakers"] for k in dm["options"]]
    n = len(project["options"])

    def holds(cond, values) -> bool:
        if isinstance(cond, dict):
            return any(holds(m, values) for m in cond["members"])
        return all(values[k] == (v == "Y") for k, v in cond)

    numbered = {}
    for value in range(1 << len(order)):
        values = [False] * n
        for p, k in enumerate(order):
            values[k] = bool(value >> p & 1)
        if not any(holds(c, values) for c in project["infeasibles"]):
            numbered[len(numbered) + 1] = tuple(values)
    return numbered


def state_values(conflict: standoff.Conflict, project: dict) -> dict[int, tuple[bool, ...]]:
    """Standoff state id -> option values in the GMCR+ file's option order (matched by the
    option text, which the importer keeps)."""
    texts = [o.text for o in conflict.spec.options]
    where = [texts.index(o["name"]) for o in project["options"]]
    return {s + 1: tuple(bool(conflict.option_values(s)[w]) for w in where)
            for s in range(conflict.state_count)}


# -- Elmira (12 states, manual rankings with ties, fwd/back directions) -----------------


def test_elmira_states_rankings_and_stability_match_the_case(tmp_path):
    expected = case("gmcr_elmira_gmcrplus_12state.json")
    conflict = imported(tmp_path, "elmira.gmcr")
    assert conflict.state_count == len(expected["states"])
    for state in expected["states"]:
        assert conflict.pattern(state["id"] - 1) == state["options"]
    names = [d.name for d in conflict.spec.dms]
    for dm, pref in expected["preferences"].items():
        assert rank_classes(conflict, names.index(dm)) == as_classes(pref["ranking"])
    result = standoff.analyze(conflict, CONCEPTS)
    computed = expected["computed_results"]
    for concept in CONCEPTS:
        assert result.equilibria[concept] == computed["equilibria"][CASE_KEY[concept]]
        for dm, states in computed["stable_per_dm"][CASE_KEY[concept]].items():
            assert result.stable_states(concept, names.index(dm)) == states, (concept, dm)


def test_elmira_state_numbers_are_gmcr_numbers(tmp_path):
    project = json.loads((DATA / "elmira.gmcr").read_text())
    conflict = imported(tmp_path, "elmira.gmcr")
    assert state_values(conflict, project) == gmcr_numbering(project)


def test_elmira_agrees_with_the_standard_nine_state_example(tmp_path):
    """The 12-state GMCR+ encoding against examples/elmira.yaml (Abandon collapsed): every
    Abandon state maps to the collapsed one, the others by pattern; rankings agree pairwise
    and every DM's stable states and the equilibria map onto the example's."""
    conflict = imported(tmp_path, "elmira.gmcr")
    nine = standoff.load(ROOT / "examples" / "elmira.yaml")
    by_pattern = {nine.pattern(s): s for s in range(nine.state_count)}
    collapsed = next(s for s in range(nine.state_count) if "–" in nine.pattern(s))
    to_nine = [collapsed if conflict.option_values(s)[3] else by_pattern[conflict.pattern(s)]
               for s in range(conflict.state_count)]
    assert sorted(set(to_nine)) == list(range(nine.state_count))
    for d in range(3):
        for a, b in itertools.combinations(range(conflict.state_count), 2):
            mine = np.sign(conflict.ranks[d, a] - conflict.ranks[d, b])
            theirs = np.sign(nine.ranks[d, to_nine[a]] - nine.ranks[d, to_nine[b]])
            assert mine == theirs, (d, a + 1, b + 1)
    mine, theirs = standoff.analyze(conflict, CONCEPTS), standoff.analyze(nine, CONCEPTS)
    for concept in CONCEPTS:
        assert {to_nine[s - 1] + 1 for s in mine.equilibria[concept]} == \
            set(theirs.equilibria[concept])
        for d in range(3):
            assert {to_nine[s - 1] + 1 for s in mine.stable_states(concept, d)} == \
                set(theirs.stable_states(concept, d))


# -- Prisoner's Dilemma (prioritized conditions) ----------------------------------------


def test_prisoners_dilemma_matches_the_example_and_the_case(tmp_path):
    conflict = imported(tmp_path, "prisoners.gmcr")
    assert [o.moves for o in conflict.spec.options] == ["both", "both"]
    result = standoff.analyze(conflict, CONCEPTS)
    # the case's GMCR+ numbering: 1 = (D,D), 2 = A cooperates, 3 = B cooperates, 4 = (C,C)
    gmcr = case("gmcr_prisoners_dilemma.json")["gmcr_py_results"]
    for concept in CONCEPTS:
        assert result.equilibria[concept] == gmcr["equilibria"][CASE_KEY[concept]]
        for d, states in enumerate(gmcr["stable_per_dm"][CASE_KEY[concept]].values()):
            assert result.stable_states(concept, d) == states
    # the standoff example encodes "defect": cooperating is not defecting
    example = standoff.load(ROOT / "examples" / "prisoners_dilemma.yaml")
    flip = {"Y": "N", "N": "Y"}
    to_example = {s: next(t for t in range(example.state_count)
                          if example.pattern(t) == "".join(flip[c] for c in conflict.pattern(s)))
                  for s in range(conflict.state_count)}
    theirs = standoff.analyze(example, CONCEPTS)
    for d in range(2):
        for s, t in itertools.product(range(4), repeat=2):
            assert (conflict.ranks[d, s] > conflict.ranks[d, t]) == \
                (example.ranks[d, to_example[s]] > example.ranks[d, to_example[t]])
        for concept in CONCEPTS:
            assert {to_example[s - 1] + 1 for s in result.stable_states(concept, d)} == \
                set(theirs.stable_states(concept, d))


# -- directions, compound conditions, prioritization weights ----------------------------


def test_directions_and_prioritized_weights_follow_the_format(tmp_path):
    project = json.loads((DATA / "directions.gmcr").read_text())
    conflict = imported(tmp_path, "directions.gmcr")
    numbering = gmcr_numbering(project)
    values = state_values(conflict, project)
    assert values == numbering
    state_of = {v: s for s, v in values.items()}
    direction = [o["permittedDirection"] for o in project["options"]]
    for d, dm in enumerate(project["decisionMakers"]):
        # moves from the format: change a non-empty subset of own options; fwd only N->Y,
        # back only Y->N; land on a feasible state
        expected = set()
        for s, v in numbering.items():
            for size in range(1, len(dm["options"]) + 1):
                for changed in itertools.combinations(dm["options"], size):
                    if any((direction[k] == "fwd" and v[k]) or (direction[k] == "back"
                                                                and not v[k])
                           for k in changed):
                        continue
                    w = tuple(not x if k in changed else x for k, x in enumerate(v))
                    if w in state_of:
                        expected.add((s, state_of[w]))
        graph = conflict.moves[d].materialize()
        got = {(int(a) + 1, int(b) + 1) for a, b in zip(graph.sources(), graph.targets,
                                                         strict=True)}
        assert got == expected
        # scores from the format: statement k (from 0) of K weighs 2^(K-1-k)

        def holds(cond, v) -> bool:
            if isinstance(cond, dict):
                return any(holds(m, v) for m in cond["members"])
            return all(v[k] == (x == "Y") for k, x in cond)

        prefs = dm["preferences"]
        score = {s: sum(2 ** (len(prefs) - 1 - k) for k, c in enumerate(prefs) if holds(c, v))
                 for s, v in numbering.items()}
        for s, t in itertools.product(numbering, repeat=2):
            assert (score[s] > score[t]) == bool(conflict.ranks[d, s - 1] >
                                                 conflict.ranks[d, t - 1])
    assert [o.moves for o in conflict.spec.options] == ["take", "drop", "both", "take"]


# -- what is not imported ---------------------------------------------------------------


def test_misperceptions_coalitions_and_unknown_keys_are_reported(tmp_path):
    out = tmp_path / "m.yaml"
    result = run("import", "gmcr-plus", DATA / "misperceptions_coalitions.gmcr", "-o", out)
    assert result.code == 0, result.err
    text = out.read_text(encoding="utf-8")
    header = text.split("format: standoff/1")[0]
    # misperceptions are imported as perceptions (issue 15), and the header says how
    assert "].misperceptions" not in result.err
    assert "'cooperate_a and cooperate_b' (state 4): imported as 'perceptions: a:" in " ".join(
        line.lstrip("# ") for line in header.splitlines())
    for where in (result.err, header):
        assert "coalitions" in where and "--coalition a+b" in where
        assert "version: not read" in where
        assert "options[1].colour: not read" in where
        assert "Observer" in where
    # each report names the line of the file
    assert "misperceptions_coalitions.gmcr:15: not imported: coalitions" in result.err
    assert "misperceptions_coalitions.gmcr on" in header or \
        "misperceptions_coalitions.gmcr by" in header
    # the rest is the Prisoner's Dilemma, unchanged (the model as written ignores perceptions)
    plain = imported(tmp_path, "prisoners.gmcr")
    model = standoff.load(out)
    assert model.dm_ids == ("a", "b")
    assert np.array_equal(model.ranks, plain.ranks)
    assert standoff.analyze(model).equilibria == standoff.analyze(plain).equilibria


# -- the written file -------------------------------------------------------------------


@pytest.mark.parametrize("name", ["elmira.gmcr", "prisoners.gmcr", "directions.gmcr",
                                  "misperceptions_coalitions.gmcr"])
def test_written_model_checks_and_round_trips(tmp_path, name):
    out = tmp_path / "model.yaml"
    assert run("import", "gmcr-plus", DATA / name, "-o", out).code == 0
    checked = run("check", out)
    assert checked.code == 0 and ": ok:" in checked.out
    data, _ = load_document(out)
    assert data == read_gmcr_plus(DATA / name).document
    assert out.read_text(encoding="utf-8").startswith(
        f"# Imported from the GMCR+ project file {name}")
    printed = run("import", "gmcr-plus", DATA / name)
    assert printed.code == 0 and printed.out == out.read_text(encoding="utf-8")


def test_ranking_items_are_option_patterns_not_numbers():
    doc = read_gmcr_plus(DATA / "elmira.gmcr").document
    first = doc["preferences"]["moe"]["ranking"][0]
    assert first == "not modify and not delay and accept and not abandon and insist"
    tie = doc["preferences"]["moe"]["ranking"][-1]
    assert isinstance(tie, list) and len(tie) == 4


def test_awkward_names_become_valid_unique_ids(tmp_path):
    project = {
        "program": "gmcr-py",
        "options": [{"name": "not", "permittedDirection": "both"},
                    {"name": "1e3", "permittedDirection": "both"},
                    {"name": "Ça va?", "permittedDirection": "both"},
                    {"name": "Ça va!", "permittedDirection": "both"}],
        "decisionMakers": [{"name": "all", "options": [0, 1], "preferences": [[[0, "Y"]]]},
                           {"name": "under", "options": [2, 3], "preferences": []}],
        "infeasibles": []}
    source = tmp_path / "odd.gmcr"
    source.write_text(json.dumps(project), encoding="utf-8")
    out = tmp_path / "odd.yaml"
    result = run("import", "gmcr-plus", source, "-o", out)
    assert result.code == 0, result.err
    conflict = standoff.load(out)
    assert [o.text for o in conflict.spec.options] == ["not", "1e3", "Ça va?", "Ça va!"]
    assert len({o.id for o in conflict.spec.options}) == 4
    assert conflict.state_count == 16
    assert (conflict.ranks[1] == 0).all()  # no preferences: every state tied


# -- malformed files --------------------------------------------------------------------

ELMIRA = (DATA / "elmira.gmcr").read_text(encoding="utf-8")


def located(tmp_path: Path, text: str, *expected: str, line: int | None = None,
            name: str = "bad.gmcr") -> str:
    """Import ``text``; assert exit 2, no traceback, the message and the line."""
    source = tmp_path / name
    source.write_text(text, encoding="utf-8")
    result = run("import", "gmcr-plus", source, "-o", tmp_path / "out.yaml")
    assert result.code == 2, result.err
    assert "Traceback" not in result.err and "fix:" in result.err
    for part in expected:
        assert part in result.err, result.err
    if line is not None:
        assert result.err.startswith(f"{source}:{line}:"), result.err
    assert not (tmp_path / "out.yaml").exists()
    return result.err


def line_of(text: str, needle: str) -> int:
    return text[: text.index(needle)].count("\n") + 1


def test_json_syntax_error_is_located(tmp_path):
    text = ELMIRA.replace('"fwd"},\n    {"name": "Delay"', '"fwd"}\n    {"name": "Delay"')
    err = located(tmp_path, text, "JSON syntax error", line=line_of(text, '{"name": "Delay"'))
    assert err.split(":")[2].strip().isdigit()  # a column too


def test_unknown_option_index_is_located(tmp_path):
    text = ELMIRA.replace('"options": [4]', '"options": [7]')
    located(tmp_path, text, "decisionMakers[2].options[0]: option 7 does not exist",
            "0 to 4", line=line_of(text, '"options": [7]'))


def test_bad_direction_is_located(tmp_path):
    text = ELMIRA.replace('"Insist", "permittedDirection": "both"',
                          '"Insist", "permittedDirection": "forward"')
    located(tmp_path, text, "options[4].permittedDirection", '"fwd"',
            line=line_of(text, '"forward"'))


def test_ranking_missing_a_state(tmp_path):
    text = ELMIRA.replace("[9, 3, 4, 10, 7, 1, 2, 8, [11, 5, 6, 12]]",
                          "[9, 3, 4, 10, 7, 1, 2, [11, 5, 6, 12]]")
    located(tmp_path, text, "leaves out state(s) 8 (YYNNY)",
            line=line_of(text, '"preferenceRanking": [9, 3, 4, 10, 7, 1, 2, [11'))


def test_ranking_state_twice_and_out_of_range(tmp_path):
    twice = ELMIRA.replace("[1, 4, 10, 7, [5, 11, 6, 12]", "[1, 4, 10, 7, [5, 11, 6, 1]")
    located(tmp_path, twice, "state 1 is ranked twice", "decisionMakers[1].preferenceRanking[0]")
    beyond = ELMIRA.replace("[9, 3, 7, 1, 10,", "[13, 3, 7, 1, 10,")
    located(tmp_path, beyond, "state 13 does not exist", "12 feasible states")


def test_bad_condition_value(tmp_path):
    text = ELMIRA.replace('[[1, "Y"], [2, "Y"]]', '[[1, "yes"], [2, "Y"]]')
    located(tmp_path, text, 'infeasibles[0][0][1]: the value should be "Y" or "N"',
            line=line_of(text, '"yes"'))


def test_manual_ranking_required_when_the_file_says_so(tmp_path):
    text = ELMIRA.replace('"options": [0],\n     "preferenceRanking"', '"options": [0],\n     "x"')
    located(tmp_path, text, "decisionMakers[0] (MoE): the file uses manual rankings")


@pytest.mark.parametrize("text, message", [
    ('{"program": "gmcr-py", "options": [], "decisionMakers": []}', "the project has no options"),
    ('{"program": "other", "options": []}', 'not by GMCR+ ("gmcr-py")'),
    ('[1, 2]', "a GMCR+ project is a JSON object"),
    ('{"program": "gmcr-py", "options": [{"name": "x"}, {"name": "y"}], '
     '"decisionMakers": [{"name": "A", "options": [0, 0]}]}', "already listed by this decision"),
    ('{"program": "gmcr-py", "options": [{"name": "x"}, {"name": "y"}], '
     '"decisionMakers": [{"name": "A", "options": [0]}, {"name": "B", "options": []}]}',
     "option 1 (\"y\") is listed by no decision maker"),
    ('{"program": "gmcr-py", "options": [{"name": "x"}], '
     '"decisionMakers": [{"name": "A", "options": [0]}, {"name": "B", "options": []}]}',
     "at least two decision makers with options"),
    ('{"options": [{"name": NaN}]}', "JSON syntax error"),
    ('{"program": "gmcr-py", "options": [{"name": "x"}, {"name": "y"}], '
     '"useManualPreferenceRanking": true, "useManualPreferenceVectors": false, '
     '"decisionMakers": [{"name": "A", "options": [0]}, {"name": "B", "options": [1]}]}',
     "useManualPreferenceVectors: says false"),
    ('{"program": "gmcr-py", "options": [{"name": "x"}, {"name": "y"}], '
     '"decisionMakers": [{"name": "A", "options": [0], "preferences": [{"members": []}]}, '
     '{"name": "B", "options": [1]}]}', '"compound": true'),
    ('{"program": "gmcr-py", "options": [{"name": "x"}, {"name": "y"}], '
     '"infeasibles": [[[0, "Y"]], [[0, "N"]]], "useManualPreferenceRanking": true, '
     '"decisionMakers": [{"name": "A", "options": [0], "preferenceRanking": []}, '
     '{"name": "B", "options": [1], "preferenceRanking": []}]}', "no feasible state"),
])
def test_malformed_projects(tmp_path, text, message):
    located(tmp_path, text, message)


def test_duplicate_key_is_located(tmp_path):
    text = ELMIRA.replace('"coalitions": null', '"coalitions": null,\n  "options": []')
    located(tmp_path, text, "duplicate key 'options'", line=line_of(text, '"options": []'))


def test_files_that_are_not_projects(tmp_path):
    located(tmp_path, "", "JSON syntax error")
    (tmp_path / "folder.gmcr").mkdir()
    result = run("import", "gmcr-plus", tmp_path / "folder.gmcr")
    assert result.code == 2 and "folder" in result.err
    result = run("import", "gmcr-plus", "/dev/null")
    assert result.code == 2 and "not a regular file" in result.err
    result = run("import", "gmcr-plus", tmp_path / "missing.gmcr")
    assert result.code == 2 and "file not found" in result.err
    big = tmp_path / "big.gmcr"
    big.write_bytes(b" " * (MAX_GMCR_BYTES + 1))
    result = run("import", "gmcr-plus", big)
    assert result.code == 2 and "larger than" in result.err
    latin = tmp_path / "latin.gmcr"
    latin.write_bytes(ELMIRA.replace("MoE", "Minist\xe8re").encode("latin-1"))
    result = run("import", "gmcr-plus", latin)
    assert result.code == 2 and "not UTF-8" in result.err
    for r in (result,):
        assert "Traceback" not in r.err


def test_output_never_overwrites_the_input(tmp_path):
    source = tmp_path / "e.gmcr"
    source.write_text(ELMIRA, encoding="utf-8")
    result = run("import", "gmcr-plus", source, "-o", source)
    assert result.code == 2 and "is the GMCR+ file itself" in result.err
    assert source.read_text(encoding="utf-8") == ELMIRA


def test_library_error_is_a_model_error(tmp_path):
    source = tmp_path / "x.gmcr"
    source.write_text('{"program": "gmcr-py", "options": 3}', encoding="utf-8")
    with pytest.raises(ModelError) as caught:
        read_gmcr_plus(source)
    assert caught.value.line == 1 and "options: should be a list" in caught.value.message


def test_misperceived_states_import_as_perceptions(tmp_path):
    """Issue 15: each DM's ``misperceptions`` become its ``unrecognised_states``, and the
    hypergame analysis never calls a misperceived state stable for that DM."""
    from standoff.analysis.hypergame import analyse_hypergame

    document = read_gmcr_plus(DATA / "misperceptions_coalitions.gmcr").document
    assert document["perceptions"] == {
        "a": {"unrecognised_states": ["cooperate_a and cooperate_b"]},
        "b": {"unrecognised_states": [
            "(not cooperate_a and not cooperate_b) or (cooperate_a and not cooperate_b)"]},
    }
    out = tmp_path / "m.yaml"
    assert run("import", "gmcr-plus", DATA / "misperceptions_coalitions.gmcr", "-o",
               out).code == 0
    conflict = standoff.load(out)
    result = analyse_hypergame(conflict, "nash,gmr,seq")
    patterns = {conflict.pattern(s): s for s in range(conflict.state_count)}
    a, b = conflict.dm_index("a"), conflict.dm_index("b")
    unseen = {a: [patterns["YY"]], b: [patterns["NN"], patterns["YN"]]}
    for dm, states in unseen.items():
        assert not result.recognised[dm, states].any()
        for key in ("nash", "gmr", "seq"):
            assert not result.stable[key][dm, states].any()
    # only NY is recognised by both, so no other state can be a hypergame equilibrium
    for key in ("nash", "gmr", "seq"):
        assert set(result.equilibria(key)) <= {patterns["NY"]}
