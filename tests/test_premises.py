"""Premise dependence and robustness margins (issue 11), checked literally.

* Critical premises: each premise is removed from the model *file* (the dict), the model is
  read, compiled and analysed again with the ordinary commands' code (``analyze``,
  ``check_claims``), and the verdicts compared.
* Minimal sufficient sets: the model keeping only the set is analysed literally; so is
  every set one premise smaller (which must not suffice).
* Margins: every ranking of a decision maker on a model of at most 6 states is
  enumerated; distances come from a breadth-first search over the "one state moves one
  slot" graph written here independently; the margin must be the smallest distance of a
  ranking that flips the verdict.
"""

from __future__ import annotations

import copy
import itertools

import numpy as np
import pytest
import yaml
from hypothesis import HealthCheck, assume, given, settings
from model_builders import spec_from_dict
from strategies import conflicts

from standoff.analysis import analyze
from standoff.analysis.batch import BatchEngine
from standoff.analysis.claims import check_claims
from standoff.analysis.premises import (
    Evaluator,
    Tracked,
    margins,
    premise_dependence,
    premises_of,
)
from standoff.analysis.robustness import _checks
from standoff.errors import ModelError
from standoff.graph import compile_model

CONCEPTS = ("nash", "gmr", "smr", "seq")


def _base_reading(data: dict) -> dict:
    """The model with declared uncertainty replaced by its base reading (groups flattened,
    uncertain flags dropped, ranges at their midpoint)."""
    data = copy.deepcopy(data)
    for pref in data["preferences"].values():
        if "prioritize" in pref:
            flat = []
            for item in pref["prioritize"]:
                flat.extend(item["any_order"] if isinstance(item, dict) and "any_order" in item
                            else [item])
            for item in flat:
                if isinstance(item, dict):
                    item.pop("uncertain", None)
            pref["prioritize"] = flat
    return data


def _istanbul(examples) -> tuple[dict, object]:
    folder = examples / "istanbul-2025"
    data = _base_reading(yaml.safe_load((folder / "istanbul-2025.yaml").read_text()))
    return data, folder


def _remove(data: dict, path: tuple) -> dict:
    out = copy.deepcopy(data)
    node = out
    cut = max(k for k, part in enumerate(path) if isinstance(part, int))
    for part in path[:cut]:
        node = node[part]
    del node[path[cut]]
    return out


def _premise_path(spec, premise) -> tuple:
    if premise.kind == "preference":
        return spec.preferences[premise.dm].statements[premise.index].path
    if premise.key.startswith("feasibility.group"):
        return spec.groups[premise.index].path
    return spec.infeasible[premise.index].path


def _literal_verdicts(data: dict, folder, claims, equilibria, base_conflict) -> list[bool]:
    spec = spec_from_dict(data, folder)
    conflict = compile_model(spec)
    analysis = analyze(conflict, list(CONCEPTS))
    results = {r.id: r.holds for r in check_claims(analysis, default_concepts=CONCEPTS)}
    out = [results[c] for c in claims]
    for concept, s in equilibria:
        pattern = np.array([base_conflict.space.patterns[s]], dtype=np.uint64)
        index = int(conflict.space.state_of(pattern)[0])
        out.append(index >= 0 and (index + 1) in analysis.equilibria[concept])
    return out


@pytest.fixture(scope="module")
def istanbul_dependence():
    from conftest import EXAMPLES

    data, folder = _istanbul(EXAMPLES)
    conflict = compile_model(spec_from_dict(data, folder))
    checks = _checks(conflict, None, CONCEPTS)
    analysis = analyze(conflict, list(CONCEPTS))
    equilibria = tuple((c, s - 1) for c in CONCEPTS for s in analysis.equilibria[c])
    evaluator = Evaluator(conflict, Tracked(checks, equilibria), CONCEPTS)
    return data, folder, conflict, checks, equilibria, premise_dependence(evaluator, 2)


def test_critical_premises_match_literal_removal(istanbul_dependence):
    data, folder, conflict, checks, equilibria, dep = istanbul_dependence
    claims = [c.id for c in checks]
    base = _literal_verdicts(data, folder, claims, equilibria, conflict)
    assert list(dep.base) == base
    for k, premise in enumerate(dep.premises):
        removed = _remove(data, _premise_path(conflict.spec, premise))
        after = _literal_verdicts(removed, folder, claims, equilibria, conflict)
        for v in range(len(base)):
            assert (k in dep.critical[v]) == (after[v] != base[v]), (premise.key, v)


def test_sufficient_sets_are_sufficient_and_minimal(istanbul_dependence):
    data, folder, conflict, checks, equilibria, dep = istanbul_dependence
    claims = [c.id for c in checks]
    base = _literal_verdicts(data, folder, claims, equilibria, conflict)
    paths = [_premise_path(conflict.spec, p) for p in dep.premises]

    def keep_only(kept):
        out = data
        for k in sorted(set(range(len(paths))) - set(kept), key=lambda k: paths[k],
                        reverse=True):
            out = _remove(out, paths[k])
        for pref in out["preferences"].values():  # no statement left: indifference
            if pref.get("prioritize") == []:
                pref["prioritize"] = ["true"]
        return out

    checked = 0
    for v in range(len(base)):
        for group in dep.sufficient[v][:2]:
            try:
                verdicts = _literal_verdicts(keep_only(group), folder, claims, equilibria,
                                             conflict)
            except ModelError:
                continue  # no feasible state left
            assert verdicts[v] == base[v]
            for smaller in itertools.combinations(group, len(group) - 1) if group else ():
                try:
                    fewer = _literal_verdicts(keep_only(smaller), folder, claims,
                                              equilibria, conflict)
                except ModelError:
                    continue
                assert fewer[v] != base[v]
            checked += 1
    assert checked > 0


def test_premises_are_marked_quoted_or_assumed(examples):
    data, folder = _istanbul(examples)
    spec = spec_from_dict(data, folder)
    premises = premises_of(spec)
    quoted = {p.text for p in premises if p.quoted}
    assumed = {p.text for p in premises if not p.quoted}
    assert "russia prefers not russia.accept" in quoted
    assert "russia prefers not russia.escalate" in assumed
    assert any(p.startswith("at most one of") for p in assumed)


# -- margins -------------------------------------------------------------------------------
def _weak_orders(m: int) -> list[tuple[int, ...]]:
    out = set()
    for values in itertools.product(range(m), repeat=m):
        distinct = sorted(set(values))
        out.add(tuple(distinct.index(v) for v in values))
    return sorted(out)


def _slot(order: tuple[int, ...], s: int) -> tuple[tuple[int, ...], int]:
    """The order of the other states (dense), and the slot of ``s`` among their classes:
    2c + 1 = tied with class c, 2c = in the gap just below class c."""
    others = [v for k, v in enumerate(order) if k != s]
    distinct = sorted(set(others))
    rest = tuple(distinct.index(v) for v in others)
    below = sum(1 for v in distinct if v < order[s])
    slot = 2 * below + (1 if order[s] in distinct else 0)
    return rest, slot


def _place(rest: tuple[int, ...], s: int, slot: int) -> tuple[int, ...]:
    """The order with the other states as ``rest`` and ``s`` at ``slot`` (see _slot)."""
    values = [2 * v + 1 for v in rest]
    values.insert(s, slot)
    distinct = sorted(set(values))
    return tuple(distinct.index(v) for v in values)


def _distances(orders, start) -> dict:
    """Breadth-first distances from ``start``: one step moves one state one slot."""
    dist = {start: 0}
    frontier = [start]
    while frontier:
        nxt = []
        for a in frontier:
            for s in range(len(a)):
                rest, slot = _slot(a, s)
                top = 2 * (max(rest) + 1) if rest else 0
                for new_slot in (slot - 1, slot + 1):
                    if 0 <= new_slot <= top:
                        b = _place(rest, s, new_slot)
                        if b not in dist:
                            dist[b] = dist[a] + 1
                            nxt.append(b)
        frontier = nxt
    assert set(dist) <= set(orders)
    return dist


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(conflicts(max_dms=2, max_options=3))
def test_margin_is_the_brute_force_minimum(model):
    spec = spec_from_dict(model)
    try:
        conflict = compile_model(spec)
    except ModelError:
        assume(False)
    m = conflict.state_count
    assume(2 <= m <= 5)
    analysis = analyze(conflict, list(CONCEPTS))
    tracked = Tracked((), tuple((c, s - 1) for c in CONCEPTS
                                for s in range(1, m + 1)))
    del analysis
    evaluator = Evaluator(conflict, tracked, CONCEPTS)
    steps = 3
    found = margins(evaluator, max_steps=steps)
    engine = BatchEngine(conflict)
    base_ranks = np.asarray(conflict.ranks, dtype=np.int64)
    base = evaluator.evaluate(conflict, engine, base_ranks[None])[0]
    orders = _weak_orders(m)
    best = [None] * tracked.size
    for d in range(len(conflict.dm_ids)):
        dist = _distances(orders, tuple(int(x) for x in base_ranks[d]))
        near = [o for o in orders if 0 < dist.get(o, steps + 1) <= steps]
        if not near:
            continue
        profiles = np.repeat(base_ranks[None], len(near), axis=0)
        profiles[:, d] = np.array(near)
        verdicts = evaluator.evaluate(conflict, engine, profiles)
        for v in range(tracked.size):
            for k in np.flatnonzero(verdicts[:, v] != base[v]):
                distance = dist[near[k]]
                if best[v] is None or distance < best[v]:
                    best[v] = distance
    for v in range(tracked.size):
        assert found[v].steps == best[v], tracked.equilibria[v]
        if found[v].steps is not None:
            witness = tuple(int(x) for x in found[v].ranks)
            d = found[v].dm
            assert _distances(orders, tuple(int(x) for x in base_ranks[d]))[witness] == \
                found[v].steps
