"""Hierarchical models (``local_conflicts:``): reading, located errors, the product model,
the differential test against the same conflict written flat by hand, explanations that
name the local conflict of a move, and ``standoff hierarchy``.

The water-diversion case of He, Hipel & Kilgour (Water Resources Management 28, 2014) is not
a reference case here: its tables could not be read (docs/hierarchy.md says what could).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from cli_runner import run

from standoff import load
from standoff.analysis import explain
from standoff.analysis.hierarchy import hierarchical_analysis, inconsistencies, is_hierarchical
from standoff.stability import kernel

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "hierarchy" / "central-and-provinces.yaml"
FLAT = ROOT / "tests" / "data" / "hierarchy" / "central-and-provinces-flat.yaml"
CONCEPTS = ("nash", "gmr", "smr", "seq")


def variant_file(tmp_path: Path, old: str, new: str, name: str = "model.yaml") -> Path:
    """The example with ``old`` replaced by ``new`` (``old`` must occur once)."""
    text = EXAMPLE.read_text()
    assert text.count(old) == 1, old
    path = tmp_path / name
    path.write_text(text.replace(old, new))
    return path


def line_of(path: Path, fragment: str | tuple[str, int]) -> int:
    """The 1-based line of the first line of ``path`` containing ``fragment``; given as
    ``(line, n)``, the n-th line that is exactly ``line``."""
    lines = path.read_text().splitlines()
    if isinstance(fragment, tuple):
        whole, n = fragment
        return [k for k, line in enumerate(lines, 1) if line == whole][n - 1]
    for number, line in enumerate(lines, 1):
        if fragment in line:
            return number
    raise AssertionError(fragment)


def by_pattern(conflict) -> dict[str, int]:
    return {conflict.pattern(s): s for s in range(conflict.state_count)}


# -- reading ------------------------------------------------------------------------------

def test_overall_states_are_the_product_of_the_local_states():
    conflict = load(EXAMPLE)
    assert is_hierarchical(conflict)
    analysis = hierarchical_analysis(conflict)
    sizes = [view.conflict.state_count for view in analysis.locals]
    assert conflict.state_count == int(np.prod(sizes)) == 16
    seen = {tuple(analysis.local_states(s).values()) for s in range(conflict.state_count)}
    assert len(seen) == conflict.state_count  # every combination exactly once
    for s in range(conflict.state_count):
        taken = set(conflict.taken(s))
        for view in analysis.locals:
            local_taken = set(view.conflict.taken(int(view.local_state[s])))
            assert local_taken == taken & set(view.local.option_keys)
    assert conflict.status_quo == 0


def test_local_decision_makers_rank_as_in_their_local_conflict():
    analysis = hierarchical_analysis(load(EXAMPLE))
    overall = analysis.overall
    for view in analysis.locals:
        for dm in view.local.dm_ids:
            if dm == "centre":
                continue
            local_rank = view.conflict.ranks[view.conflict.dm_index(dm)][view.local_state]
            rank = overall.ranks[overall.dm_index(dm)]
            # the same order over the overall states
            assert np.array_equal(np.sign(rank[:, None] - rank[None, :]),
                                  np.sign(local_rank[:, None] - local_rank[None, :]))


def test_bare_option_names_mean_the_option_of_their_own_local_conflict(tmp_path):
    """Both provinces call their option 'support': in each local conflict the bare name is
    that conflict's option, also in the overall model (where it alone would be ambiguous)."""
    text = EXAMPLE.read_text().split("claims:")[0]
    for old, new in (("support_north: {text", "support: {text"),
                     ("support_south: {text", "support: {text"),
                     ("[support_north, not fund_north]", "[support, not fund_north]"),
                     ("[fund_north, not support_north]", "[fund_north, not support]"),
                     ("[support_south, not fund_south]", "[support, not fund_south]"),
                     ("support_south iff fund_south", "support iff fund_south"),
                     ("      support_north: 4", "      north_province.support: 4"),
                     ("      support_south: 4", "      south_province.support: 4")):
        assert old in text
        text = text.replace(old, new)
    path = tmp_path / "same-names.yaml"
    path.write_text(text)
    renamed, original = load(path), load(EXAMPLE)
    for dm in original.dm_ids:
        assert np.array_equal(renamed.ranks[renamed.dm_index(dm)],
                              original.ranks[original.dm_index(dm)]), dm


def test_common_moves_one_local_conflict_at_a_time(tmp_path):
    one = load(EXAMPLE)
    several = load(variant_file(tmp_path, "common_moves: one_local_conflict",
                                "common_moves: several_local_conflicts"))
    c = one.dm_index("centre")
    for s in range(one.state_count):
        for t in one.moves[c].of(s):
            changed = {key for key in one.option_keys
                       if (key in one.taken(s)) != (key in one.taken(int(t)))}
            assert changed in ({"centre.fund_north"}, {"centre.fund_south"})
    # with several local conflicts, a move may change both (NN -> YY)
    nn, yy = by_pattern(several)["NNNN"], by_pattern(several)["YYNN"]
    assert yy in set(several.moves[c].of(nn).tolist())
    assert yy not in set(one.moves[c].of(nn).tolist())


def test_consistency_of_the_overall_preferences(tmp_path):
    assert inconsistencies(hierarchical_analysis(load(EXAMPLE)), "centre") == {}
    # the centre now prefers, overall, to fund the north, against its local preference
    changed = variant_file(tmp_path, "not fund_north: 1", "fund_north: 1")
    found = inconsistencies(hierarchical_analysis(load(changed)), "centre")
    assert list(found) == ["north"] and found["north"]


# -- the differential test ------------------------------------------------------------------

def test_hierarchical_model_equals_the_flat_model_written_by_hand(tmp_path):
    """With ``several_local_conflicts`` the overall model *is* the option-form product, so
    every verdict of every concept (SIM included) equals the hand-written flat model's."""
    hierarchical = load(variant_file(tmp_path, "common_moves: one_local_conflict",
                                     "common_moves: several_local_conflicts"))
    flat = load(FLAT)
    assert hierarchical.option_keys == flat.option_keys
    assert hierarchical.state_count == flat.state_count
    order = [by_pattern(flat)[hierarchical.pattern(s)] for s in range(flat.state_count)]
    for concept in (*CONCEPTS, "sim"):
        for dm in flat.dm_ids:
            got = kernel(concept)(hierarchical, hierarchical.dm_index(dm))
            want = kernel(concept)(flat, flat.dm_index(dm))[order]
            assert np.array_equal(got, want), (concept, dm)


def test_one_local_conflict_at_a_time_agrees_with_the_flat_model_where_it_must():
    """With moves in one local conflict at a time the two models differ only in the common
    decision maker's moves; R1 and R3 (docs/hierarchy.md) say that the local decision
    makers' Nash, GMR and SMR verdicts and the centre's Nash verdicts must still agree."""
    hierarchical, flat = load(EXAMPLE), load(FLAT)
    order = [by_pattern(flat)[hierarchical.pattern(s)] for s in range(flat.state_count)]
    checks = [("nash", "centre")] + [(c, dm) for c in ("nash", "gmr", "smr")
                                     for dm in ("north_province", "south_province")]
    for concept, dm in checks:
        got = kernel(concept)(hierarchical, hierarchical.dm_index(dm))
        want = kernel(concept)(flat, flat.dm_index(dm))[order]
        assert np.array_equal(got, want), (concept, dm)


# -- explanations ---------------------------------------------------------------------------

def test_explanations_name_the_local_conflict_of_each_move():
    conflict = load(EXAMPLE)
    s = by_pattern(conflict)["YYNY"] + 1
    text = str(explain(conflict, s, "centre", "seq"))
    assert "centre.fund_north→N in local conflict north" in text
    assert "centre.fund_south→N in local conflict south" in text
    assert "Southern province moves 10→2 in local conflict south" in text
    result = run("explain", EXAMPLE, str(s), "--dm", "centre", "--concept", "gmr")
    assert result.code == 0 and "in local conflict" in result.out


def test_every_move_of_every_explanation_names_its_local_conflict():
    """Over every state, decision maker and concept with sanctions (GMR, SMR, SEQ, SIM):
    each sentence about an improvement names the local conflict of the improvement and of
    every sanctioning move."""
    conflict = load(EXAMPLE)
    moves_seen = 0
    for concept in ("gmr", "smr", "seq", "sim"):
        for dm in conflict.dm_ids:
            for state in range(1, conflict.state_count + 1):
                result = explain(conflict, state, dm, concept)
                for item, sentence in zip(result.improvements, result.sentences[1:],
                                          strict=True):
                    wanted = 1 + len(item.sequence)
                    moves_seen += len(item.sequence)
                    assert sentence.count(" in local conflict ") >= wanted, sentence
    assert moves_seen > 0


def test_flat_explanations_are_unchanged():
    text = str(explain(load(FLAT), 12, "centre", "seq"))
    assert "local conflict" not in text and "centre.fund_north→N" in text


# -- standoff hierarchy ---------------------------------------------------------------------

def test_hierarchy_command_prints_local_and_overall_stability():
    result = run("hierarchy", EXAMPLE)
    assert result.code == 0, result.err
    assert "Local conflict north" in result.out and "Local conflict south" in result.out
    assert "Overall model (16 states" in result.out
    assert "consistent with its local ones" in result.out


def test_hierarchy_command_markdown_draws_both_levels():
    result = run("hierarchy", EXAMPLE, "--format", "markdown")
    assert result.code == 0, result.err
    assert "## Local conflict north: The northern project" in result.out
    assert "## Local conflict south: The southern project" in result.out
    assert "## Overall model" in result.out
    overall = result.out.split("## Overall model")[1]
    rows = [line for line in overall.splitlines() if line.startswith("| ")][1:]
    assert len(rows) == 16
    analysis = hierarchical_analysis(load(EXAMPLE))
    for row in rows:
        cells = [c.strip() for c in row.strip("|").split("|")]
        s = int(cells[0]) - 1
        assert cells[2:4] == [str(v + 1) for v in analysis.local_states(s).values()]


def test_hierarchy_command_json_matches_the_engine():
    result = run("hierarchy", EXAMPLE, "--format", "json")
    assert result.code == 0, result.err
    doc = json.loads(result.out)
    analysis = hierarchical_analysis(load(EXAMPLE))
    overall = analysis.overall
    for concept in CONCEPTS:
        for dm in overall.dm_ids:
            verdicts = kernel(concept)(overall, overall.dm_index(dm))
            assert [row["stable"][concept][dm] for row in doc["overall"]] == verdicts.tolist()
    for row in doc["overall"]:
        s = row["state"] - 1
        assert row["local_states"] == {k: v + 1 for k, v in analysis.local_states(s).items()}
    assert doc["consistent"] == {"centre": True}
    north = doc["local_conflicts"][0]
    view = analysis.local("north")
    gmr = kernel("gmr")(view.conflict, view.conflict.dm_index("centre"))
    assert [row["stable"]["gmr"]["centre"] for row in north["states"]] == gmr.tolist()


def test_hierarchy_command_writes_its_output_file(tmp_path):
    """``-o FILE`` writes the same document to the file (and nothing to standard output);
    the model itself is refused as the output file."""
    out = tmp_path / "hierarchy.json"
    result = run("hierarchy", EXAMPLE, "--format", "json", "-o", str(out))
    assert result.code == 0, result.err
    assert result.out == ""
    assert json.loads(out.read_text())["consistent"] == {"centre": True}
    onto_model = run("hierarchy", EXAMPLE, "-o", str(EXAMPLE))
    assert onto_model.code == 2 and "it is the input file" in onto_model.err


def test_hierarchy_command_errors():
    unknown = run("hierarchy", EXAMPLE, "--local", "east")
    assert unknown.code == 2 and "unknown local conflict 'east'" in unknown.err
    assert "north, south" in unknown.err
    flat = run("hierarchy", FLAT)
    assert flat.code == 2 and "no local conflicts" in flat.err
    zero = run("hierarchy", EXAMPLE, "--max-states", "0")
    assert zero.code == 2 and "greater than or equal to 1" in zero.err
    assert "Traceback" not in zero.err


def test_claims_are_checked_over_the_overall_model():
    result = run("claims", EXAMPLE)
    assert result.code == 0, result.err
    assert "nash_is_local" in result.out and "provinces_can_be_bought" in result.out
    assert "fails" not in result.out.split("Variants:")[0].replace("fails: under none", "")


# -- located errors -------------------------------------------------------------------------

ERRORS = [
    # (old text, new text, fragment of the line the error is placed at, message fragment)
    ("local_conflicts: [north, south]", "local_conflicts: [north, east]",
     "local_conflicts: [north, east]", "unknown local conflict 'east'"),
    ("local_conflicts: [north, south]", "local_conflicts: [north, north]",
     "local_conflicts: [north, north]", "local conflict 'north' is listed twice"),
    ("      centre:\n        options:\n          fund_south:",
     "      treasury:\n        name: Treasury\n        options:\n          fund_south:",
     ("    decision_makers:", 2),
     "the common decision maker 'centre' is missing from local conflict 'south'"),
    ("      south_province:\n        name: Southern province",
     "      north_province:\n        name: Northern province",
     ("      north_province:", 2), "takes part in local conflicts 'north' and 'south' but is not a "
     "common decision maker"),
    ("fund_south: {text: Compensate the southern province}",
     "fund_north: {text: Compensate the southern province}",
     "fund_north: {text: Compensate the southern", "'centre' already has an option "
     "'fund_north'"),
    ("overall_preferences:\n  centre:", "overall_preferences:\n  north_province: {}\n  centre:",
     "north_province: {}", "'north_province' is a local decision maker"),
    ("    status_quo: []\n  south:", "  south:", "  north:", "has no status_quo"),
    ("      north_province: {prioritize: [fund_north, not support_north]}",
     "      north_province: {ranking: [fund_north, 1, true]}",
     "north_province: {ranking", "state number 1 in a local conflict's ranking"),
    ("common_moves: one_local_conflict", "common_moves: sometimes", "common_moves:",
     "unknown common_moves"),
    ("    title: The northern project", "    title: The northern project\n    variants: {}",
     "variants: {}", "unknown key 'variants' in local conflict 'north'"),
    ("  north_province: {prioritize: [fund_north, not support_north]}",
     "  north_province: {prioritize: [fund_north, not support_nort]}",
     "north_province: {prioritize", "support_nort"),
]


@pytest.mark.parametrize(("old", "new", "where", "message"), ERRORS)
def test_located_errors(tmp_path, old, new, where, message):
    if old.startswith("  north_province: {prioritize"):  # indented as in the file
        old, new = "    " + old, "    " + new
    path = variant_file(tmp_path, old, new)
    result = run("check", path)
    assert result.code == 2, result.out
    assert message in result.err
    assert f"{path}:{line_of(path, where)}:" in result.err
    assert "fix:" in result.err and "Traceback" not in result.err


def test_top_level_decision_makers_are_refused_at_their_line(tmp_path):
    path = variant_file(tmp_path, "common_moves: one_local_conflict",
                        "common_moves: one_local_conflict\ndecision_makers: {}")
    result = run("check", path)
    assert result.code == 2
    assert f"{path}:{line_of(path, 'decision_makers: {}')}:" in result.err
    assert "not a top-level key of a model with local_conflicts" in result.err


HOSTILE = [None, 5, "x", [], {}, [[1]], [{"a": 1}], True]


def test_every_hostile_value_is_a_located_error_or_a_model():
    """Each value of the example replaced in turn by each of :data:`HOSTILE`: the model is
    read and analysed, or refused with a located ModelError, never another exception."""
    import copy

    import yaml

    from standoff.errors import ModelError
    from standoff.graph import compile_model
    from standoff.model.loader import model_from_document
    from standoff.model.yamlio import Locations

    document = yaml.safe_load(EXAMPLE.read_text())

    def paths(value, path=()):
        yield path
        items = value.items() if isinstance(value, dict) else \
            enumerate(value) if isinstance(value, list) else ()
        for key, inner in items:
            yield from paths(inner, (*path, key))

    refused = 0
    for path in list(paths(document))[1:]:
        for hostile in HOSTILE:
            changed = copy.deepcopy(document)
            target = changed
            for key in path[:-1]:
                target = target[key]
            target[path[-1]] = hostile
            try:
                conflict = compile_model(model_from_document(changed, Locations("m.yaml"),
                                                             EXAMPLE.parent))
            except ModelError as error:
                refused += 1
                assert error.message and error.hint
                continue
            hierarchical_analysis(conflict)
    assert refused > 0
