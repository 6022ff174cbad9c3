"""Drama theory's card table (``confrontation:``) and dilemmas (docs/confrontation.md).

Truth tables: every dilemma predicate of :mod:`standoff.analysis.dilemmas` is checked
against a brute-force oracle written here from the definitions in docs/confrontation.md
(sets of states and Python loops, no bit masks), in a game of two yes/no options (one per
party; 4 states): every one of the 75 weak orders of each party (against a few orders of
the other), on card tables with fully specified and with partial futures, under each of
the three readings.
"""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import numpy as np
import pytest
import yaml

import standoff
from standoff.analysis.dilemmas import (
    PREDICATES,
    CardTable,
    Future,
    acceptable,
    analyse_dilemmas,
    incompatible,
    inducement_dilemma,
)
from standoff.errors import ModelError
from tests.cli_runner import run

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
ISTANBUL = EXAMPLES / "istanbul-2025" / "istanbul-2025.yaml"
ELMIRA = EXAMPLES / "elmira.yaml"

# -- the truth tables ------------------------------------------------------------------------
#: Two options: bit 0 belongs to party 0, bit 1 to party 1; states are the 4 patterns.
PATTERNS = np.arange(4, dtype=np.uint64)
OWN = (0b01, 0b10)


def _weak_orders(n: int) -> list[tuple[int, ...]]:
    """Every weak order of n states as utilities (equal utility: a tie)."""
    seen = set()
    for levels in itertools.product(range(n), repeat=n):
        used = sorted(set(levels))
        seen.add(tuple(used.index(x) for x in levels))  # normalise to 0..k-1
    return sorted(seen)


WEAK = _weak_orders(4)
STRICT = [p for p in itertools.permutations(range(4))]
assert len(WEAK) == 75 and len(STRICT) == 24


def _future(spec: dict[int, bool]) -> Future:
    return Future(sum(1 << k for k in spec), sum(1 << k for k, v in spec.items() if v))


#: Card tables: (position of 0, position of 1, threatened future) as option -> taken.
TABLES = [
    ({0: True, 1: False}, {0: False, 1: True}, {0: True, 1: True}),     # fully specified
    ({0: True, 1: True}, {0: True, 1: True}, {0: False, 1: False}),     # same position
    ({1: False}, {0: False}, {0: True, 1: True}),                       # each fixes the other
    ({0: True}, {1: True}, {}),                                         # each fixes its own
    ({0: False, 1: False}, {1: True}, {0: True}),                       # mixed
]


def _states(future: dict[int, bool]) -> list[int]:
    return [s for s in range(4) if all(bool(s >> k & 1) == v for k, v in future.items())]


def _oracle_prefers(u, reading: str, first: list[int], second: list[int]) -> bool:
    if not first or not second:
        return False
    if reading == "worst":
        return min(u[s] for s in first) > min(u[s] for s in second)
    if reading == "best":
        return max(u[s] for s in first) > max(u[s] for s in second)
    return all(u[s] > u[t] for s in first for t in second)


def _oracle_improves(u, reading: str, party: int, future: dict[int, bool]) -> bool:
    """Some choice of the party's own option, against the value the future fixes for it,
    keeping the other's value, is preferred to the future."""
    if party not in future:
        return False
    other = {k: v for k, v in future.items() if k != party}
    deviation = {**other, party: not future[party]}
    return _oracle_prefers(u, reading, _states(deviation), _states(future))


def _oracle(name: str, utilities, reading: str, table, p: int, o: int) -> bool:
    positions = {0: table[0], 1: table[1]}
    threat = table[2]
    up, uo = utilities[p], utilities[o]
    if name == "threat":
        return _oracle_prefers(up, reading, _states(positions[o]), _states(threat))
    if name == "deterrence":
        return _oracle_prefers(uo, reading, _states(threat), _states(positions[p]))
    if name == "positioning":
        return _oracle_prefers(up, reading, _states(positions[o]), _states(positions[p]))
    if name == "inducement":
        return _oracle_improves(up, reading, p, positions[p])
    if name == "trust":
        return _oracle_improves(uo, reading, o, positions[p])
    if name == "rejection":
        return _oracle_prefers(up, reading, _states(threat), _states(positions[o]))
    raise AssertionError(name)


#: Preference pairs: every weak order of one party against a few orders of the other, both
#: ways. Each predicate reads one party's preference only (the judge of its comparison or
#: the one who would defect), so every predicate meets every weak order of its judge.
OTHERS = (STRICT[0], STRICT[23], WEAK[0])
PAIRS = [*((w, o) for w in WEAK for o in OTHERS), *((o, w) for w in WEAK for o in OTHERS)]


@pytest.mark.parametrize("reading", ["worst", "best", "all"])
def test_every_dilemma_predicate_matches_its_definition_on_every_preference(reading):
    """Each predicate, and acceptability, equals the oracle for both parties, every card
    table of :data:`TABLES` and every preference pair of :data:`PAIRS`."""
    disagreements = []
    for table in TABLES:
        p0, p1, threat = table
        positions = {0: _future(p0), 1: _future(p1)}
        for u0, u1 in PAIRS:
            t = CardTable(PATTERNS, np.array([u0, u1]), OWN, positions, _future(threat),
                          reading)
            for p, o in ((0, 1), (1, 0)):
                for name, predicate in PREDICATES.items():
                    if predicate(t, p, o) != _oracle(name, (u0, u1), reading, table, p, o):
                        disagreements.append((name, p, u0, u1, table))
                expected = _oracle_prefers((u0, u1)[o], reading, _states(table[p]),
                                           _states(threat))
                if acceptable(t, p, o) != expected:
                    disagreements.append(("acceptable", p, u0, u1, table))
    assert disagreements == []


def test_incompatibility_truth_table():
    """Two positions are incompatible exactly when they fix some option both ways (every
    pattern is feasible here), over all 9 x 9 pairs of futures."""
    values = [None, True, False]
    for a0, a1, b0, b1 in itertools.product(values, repeat=4):
        pa = {k: v for k, v in ((0, a0), (1, a1)) if v is not None}
        pb = {k: v for k, v in ((0, b0), (1, b1)) if v is not None}
        t = CardTable(PATTERNS, np.zeros((2, 4)), OWN, {0: _future(pa), 1: _future(pb)},
                      _future({}))
        clash = any(k in pb and pb[k] != v for k, v in pa.items())
        assert incompatible(t, 0, 1) == clash == incompatible(t, 1, 0)


def test_properties_over_every_preference():
    """Deterrence is rejection seen from the other side; a position acceptable to a party is
    never rejected by it; 'all' implies 'worst' and 'best'; with fully specified futures the
    three readings agree."""
    full = TABLES[0]
    positions = {0: _future(full[0]), 1: _future(full[1])}
    for u0, u1 in PAIRS:
        utility = np.array([u0, u1])
        tables = {r: CardTable(PATTERNS, utility, OWN, positions, _future(full[2]), r)
                  for r in ("worst", "best", "all")}
        for name, predicate in PREDICATES.items():
            verdicts = {predicate(t, 0, 1) for t in tables.values()}
            assert len(verdicts) == 1, name
        for table in TABLES[1:]:
            partial = {r: CardTable(PATTERNS, utility, OWN,
                                    {0: _future(table[0]), 1: _future(table[1])},
                                    _future(table[2]), r) for r in ("worst", "best", "all")}
            for p, o in ((0, 1), (1, 0)):
                t = partial["worst"]
                assert PREDICATES["deterrence"](t, p, o) == PREDICATES["rejection"](t, o, p)
                assert not (acceptable(t, p, o) and PREDICATES["rejection"](t, o, p))
                for name in ("threat", "deterrence", "positioning", "rejection"):
                    if PREDICATES[name](partial["all"], p, o):
                        assert PREDICATES[name](partial["worst"], p, o)
                        assert PREDICATES[name](partial["best"], p, o)


def test_inducement_on_a_full_future_is_a_nash_improvement():
    """On a fully specified position the inducement dilemma is exactly 'the position is not
    Nash stable for its party' (moves in both directions), checked against standoff.analyze
    on Chicken for every state taken as the position."""
    conflict = standoff.load(EXAMPLES / "chicken.yaml")
    nash = standoff.analyze(conflict, "nash").stable["nash"]
    patterns = conflict.space.patterns
    assert all(o.moves == "both" for o in conflict.spec.options)
    full = (1 << len(conflict.option_keys)) - 1
    for s in range(conflict.state_count):
        for party in range(2):
            position = Future(full, int(patterns[s]))
            t = CardTable(patterns, np.asarray(conflict.ranks), conflict.own_masks,
                          {party: position, 1 - party: position}, position)
            assert inducement_dilemma(t, party, 1 - party) == (not nash[party, s])


# -- the model file --------------------------------------------------------------------------
def _model(confrontation: object, **extra: object) -> dict:
    return {
        "format": "standoff/1", "title": "two parties",
        "decision_makers": {
            "a": {"name": "A", "options": {"x": {"text": "A acts"}, "z": {"text": "A waits"}}},
            "b": {"name": "B", "options": {"y": {"text": "B acts"}}}},
        "preferences": {"a": {"prioritize": ["a.x", "not b.y"]},
                        "b": {"prioritize": ["b.y", "not a.x"]}},
        "confrontation": confrontation, **extra}


GOOD = {"positions": {"a": {"options": {"a.x": True, "b.y": False}},
                      "b": {"options": {"b.y": True, "a.x": False}}},
        "threatened_future": {"options": {"a.x": True, "b.y": True}}}


def _write(tmp_path: Path, data: dict) -> Path:
    path = tmp_path / "model.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


@pytest.mark.parametrize(("confrontation", "message", "line_text"), [
    ({**GOOD, "positions": {"c": {"options": {"a.x": True}}}},
     "unknown decision maker 'c'", "c:"),
    ({**GOOD, "positions": {"a": {"options": {"a.w": True}}}}, "unknown option 'a.w'",
     "a.w:"),
    ({**GOOD, "positions": {"a": {"options": {"a.x": True, "x": False}}}},
     "fixes option a.x to both values", "x: false"),
    ({**GOOD, "positions": {"a": {"options": {"a.x": True, "x": True}}}},
     "lists option a.x twice", "x: true"),
    ({**GOOD, "stated_intentions": {"a": {"options": {"b.y": False}}}},
     "which belongs to 'b'", "b.y: false"),
    ({**GOOD, "stated_intentions": {"a": {"options": {"a.x": False}}}},
     "but the threatened future has it taken", "a.x: false"),
    ({**GOOD, "positions": {"a": {"options": {}}}}, "at least 1", None),
    ({**GOOD, "reading": "average"}, "reading", "reading:"),
    ({**GOOD, "threatened_future": {"options": {"a.x": {"taken": True, "source": "nowhere"}}}},
     "unknown source 'nowhere'", "source: nowhere"),
    ({**GOOD, "colour": "red"}, "colour", "colour"),
])
def test_bad_confrontations_are_located_errors(tmp_path, confrontation, message, line_text):
    path = _write(tmp_path, _model(confrontation))
    result = run("check", path)
    assert result.code == 2, result.out
    assert message in result.err and "Traceback" not in result.err
    assert f"{path}:" in result.err
    if line_text is not None:
        lines = path.read_text(encoding="utf-8").splitlines()
        number = [k for k, line in enumerate(lines, 1)
                  if line.strip().startswith(line_text)][-1]
        assert f"{path}:{number}:" in result.err, result.err


def test_a_future_no_feasible_state_agrees_with_is_located(tmp_path):
    data = _model({**GOOD, "positions": {"a": {"options": {"a.x": True, "a.z": True}},
                                         "b": GOOD["positions"]["b"]}},
                  feasibility={"at_most_one": [["a.x", "a.z"]]})
    path = _write(tmp_path, data)
    assert run("check", path).code == 0
    result = run("dilemmas", path)
    assert result.code == 2 and "no feasible state agrees with this position" in result.err
    assert "fix:" in result.err and "Traceback" not in result.err


def test_a_variant_replaces_the_card_table_and_extending_variants_inherit_it(tmp_path):
    swapped = {**GOOD, "threatened_future": {"options": {"a.x": False, "b.y": False}}}
    data = _model(GOOD, variants={
        "calm": {"description": "Nobody acts if nobody agrees.", "assumption": "test",
                 "confrontation": swapped},
        "calmer": {"description": "As calm.", "assumption": "test", "extends": "calm"}})
    spec = standoff.load(_write(tmp_path, data)).spec
    from standoff.analysis.variants import compile_variant

    base = analyse_dilemmas(standoff.load(_write(tmp_path, data)))
    for name in ("calm", "calmer"):
        conflict = compile_variant(spec, name)
        section = conflict.spec.confrontation()
        assert section is not None and section.variant == "calm"
        result = analyse_dilemmas(conflict)
        assert result.table.threat != base.table.threat


def test_claims_about_the_card_table_need_one(tmp_path):
    data = _model(GOOD)
    del data["confrontation"]
    data["claims"] = {"c": {"check": "a has a threat dilemma with b", "text": "t"}}
    result = run("check", _write(tmp_path, data))
    assert result.code == 2 and "no 'confrontation:' section" in result.err
    data["claims"] = {"c": {"check": "a has a frightful dilemma", "text": "t"}}
    data["confrontation"] = GOOD
    result = run("check", _write(tmp_path, data))
    assert result.code == 2 and "not one of the claim forms" in result.err


def test_claims_about_the_card_table_are_checked(tmp_path):
    data = _model(GOOD, claims={
        "rej": {"check": "a has a rejection dilemma with b", "text": "t"},
        "any": {"check": "b has a rejection dilemma", "text": "t"},
        "no": {"check": "a has no threat dilemma", "text": "t"},
        "inc": {"check": "the positions of a and b are incompatible", "text": "t"},
        "comp": {"check": "the positions of a and b are compatible", "text": "t"},
        "none": {"check": "no position is acceptable to every other party", "text": "t"},
        "acc": {"check": "the position of a is acceptable to b", "text": "t"},
        "nacc": {"check": "the position of a is not acceptable to every other party",
                 "text": "t"}})
    result = run("claims", _write(tmp_path, data), "-f", "json")
    assert result.code == 0, result.err
    verdicts = {c["id"]: c["variants"]["base"]["holds"]
                for c in json.loads(result.out)["claims"]}
    # a ranks (x, not y) first; b ranks (y, not x) first; the threat (x, y) is each one's
    # second best and the other's position each one's worst
    assert verdicts == {"rej": True, "any": True, "no": True, "inc": True, "comp": False,
                        "none": True, "acc": False, "nacc": True}


# -- the command and the report --------------------------------------------------------------
def test_dilemmas_command_on_istanbul():
    result = run("dilemmas", ISTANBUL, "-f", "json")
    assert result.code == 0, result.err
    doc = json.loads(result.out)
    assert doc["parties"] == ["russia", "ukraine"] and doc["reading"] == "worst"
    assert ["russia", "ukraine"] in doc["incompatible_positions"]
    assert doc["acceptable_to_every_other_party"] == {"russia": False, "ukraine": False}
    rows = {r["option"]: r for r in doc["card_table"]}
    assert rows["us.withdraw"]["position of russia"] == "yes"
    assert rows["us.withdraw"]["position of ukraine"] == "no"
    assert rows["russia.escalate"]["threatened future"] == "yes (stated)"
    assert all("reconstruction" in doc["definitions"][d] for d in PREDICATES)
    text = run("dilemmas", ISTANBUL)
    assert text.code == 0 and "No position is acceptable to every other party." in text.out
    best = json.loads(run("dilemmas", ISTANBUL, "--reading", "best", "-f", "json").out)
    assert best["acceptable_to_every_other_party"]["ukraine"] is True


def test_dilemmas_without_a_card_table_say_how_to_add_one():
    result = run("dilemmas", ELMIRA)
    assert result.code == 2
    assert "no 'confrontation:' section" in result.err and "fix: add 'confrontation:'" in \
        result.err and "Traceback" not in result.err


def test_dilemmas_markdown_escapes_and_uses_one_table_builder(tmp_path):
    result = run("dilemmas", ISTANBUL, "-f", "markdown")
    assert result.code == 0
    assert "| option | position of russia | position of ukraine | threatened future |" \
        in result.out


def test_istanbul_claims_about_the_memoranda():
    conflict = standoff.load(ISTANBUL)
    results = {r.id: r for r in standoff.check_claims(standoff.analyze(conflict))}
    assert results["memoranda-irreconcilable"].holds
    assert results["memoranda-incompatible"].holds


def test_istanbul_report_says_what_follows_about_memoranda_and_perceptions(tmp_path):
    out = tmp_path / "istanbul.md"
    assert run("report", ISTANBUL, "-o", out).code == 0
    text = out.read_text(encoding="utf-8")
    section = text[text.index("## Positions and dilemmas (card table)"):
                   text.index("## Perceptions")]
    assert "No position is acceptable to every other party." in section
    assert "The positions of Russia and Ukraine are incompatible" in section
    assert "under reading 'best', the position of Ukraine is acceptable" in section
    perceptions = text[text.index("## Perceptions"):text.index("## The model in words")]
    assert "demonstrate submission to Trump" in perceptions
    assert "subjectively, would like to end this war" in perceptions
    assert "Under SEQ" in perceptions


def test_reports_without_the_sections_leave_them_out(tmp_path):
    out = tmp_path / "elmira.md"
    assert run("report", ELMIRA, "-o", out).code == 0
    text = out.read_text(encoding="utf-8")
    assert "## Positions and dilemmas" not in text and "## Perceptions" not in text


def test_model_error_is_raised_by_the_library_without_a_card_table():
    with pytest.raises(ModelError, match="no 'confrontation:' section"):
        analyse_dilemmas(standoff.load(ELMIRA))
