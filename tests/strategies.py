"""Hypothesis strategies: random option-form conflicts written as model-file dicts."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from standoff.model.expressions import parse


def _holds(statement: str, names: list[str], witness: dict[str, bool]) -> bool:
    """Whether ``statement`` is true for the option values ``witness``."""
    expr = parse(statement, lambda name, _position: names.index(name))
    return expr.evaluate([witness[n] for n in names])


def _false_at(statement: str, names: list[str], witness: dict[str, bool]) -> str:
    """``statement``, negated if it holds at ``witness``: an infeasibility statement that
    keeps the witness combination feasible."""
    return f"not ({statement})" if _holds(statement, names, witness) else statement


def _meet_group(draw, kind: str, group: list[str], witness: dict[str, bool]) -> None:
    """Change ``witness`` on ``group``'s options so that the group constraint holds."""
    taken = [n for n in group if witness[n]]
    if kind == "exactly_one" or (kind == "at_least_one" and not taken):
        keep = {draw(st.sampled_from(group))}
    elif kind == "at_most_one" and len(taken) > 1:
        keep = {draw(st.sampled_from(taken))}
    else:
        return
    for n in group:
        witness[n] = n in keep


@st.composite
def expressions(draw, names: list[str], depth: int = 2) -> str:
    """A random statement over ``names`` using not/and/or/if/iff and parentheses."""
    if depth == 0 or draw(st.integers(0, 2)) == 0:
        name = draw(st.sampled_from(names))
        return f"not {name}" if draw(st.booleans()) else name
    op = draw(st.sampled_from(["and", "or", "if", "iff"]))
    left = draw(expressions(names, depth - 1))
    right = draw(expressions(names, depth - 1))
    text = f"({left}) {op} ({right})"
    return f"not ({text})" if draw(st.integers(0, 4)) == 0 else text


@st.composite
def conflicts(
    draw, max_dms: int = 4, max_options: int = 8, product: bool = False
) -> dict[str, Any]:
    """A random model: 2-``max_dms`` DMs, up to ``max_options`` options, random move
    directions, feasibility groups, infeasible statements, at most one collapse, and
    preferences with ties (option prioritization or weights).

    The constraints are drawn around a random *witness* combination of options that they
    all accept (a group's options are adjusted to meet it, an infeasibility statement true
    there is negated), so every model has at least one feasible state and no test has to
    filter out infeasible models.

    With ``product=True`` every constraint concerns one decision maker's options and
    nothing collapses, so the state space is a product (the engine's implicit coset path);
    most decision makers then have only reversible options."""
    n_dms = draw(st.integers(2, max_dms))
    counts = []
    remaining = max_options
    for d in range(n_dms):
        top = min(3, remaining - (n_dms - d - 1))
        c = draw(st.integers(1, max(1, top)))
        counts.append(c)
        remaining -= c
    names: list[str] = []
    dms: dict[str, Any] = {}
    owned: list[list[str]] = []
    for d, c in enumerate(counts):
        options = {}
        reversible = product and draw(st.integers(0, 3)) > 0
        owned.append([])
        for _ in range(c):
            name = f"o{len(names)}"
            names.append(name)
            owned[-1].append(name)
            moves = "both" if reversible else draw(st.sampled_from(["both", "both", "take",
                                                                    "drop"]))
            options[name] = {"text": f"option {name}", "moves": moves}
        dms[f"dm{d}"] = {"name": f"Decision maker {d}", "options": options}
    witness = {n: draw(st.booleans()) for n in names}
    feasibility: dict[str, Any] = {}
    if product:
        for group_names in owned:
            if len(group_names) >= 2 and draw(st.integers(0, 2)) == 0:
                kind = draw(st.sampled_from(["exactly_one", "at_most_one", "at_least_one"]))
                feasibility.setdefault(kind, []).append(group_names)
                _meet_group(draw, kind, group_names, witness)
            elif draw(st.integers(0, 3)) == 0:
                feasibility.setdefault("infeasible", []).append(
                    _false_at(draw(expressions(group_names, 1)), names, witness)
                )
    elif len(names) >= 2 and draw(st.booleans()):
        kind = draw(st.sampled_from(["exactly_one", "at_most_one", "at_least_one"]))
        group = draw(st.lists(st.sampled_from(names), min_size=2, max_size=3, unique=True))
        feasibility[kind] = [group]
        _meet_group(draw, kind, group, witness)
    infeasible = [] if product else [
        _false_at(statement, names, witness)
        for statement in draw(st.lists(expressions(names, 1), max_size=2))
    ]
    if infeasible:
        feasibility["infeasible"] = infeasible
    if not product and draw(st.integers(0, 2)) == 0:
        lits = draw(st.lists(st.sampled_from(names), min_size=1, max_size=2, unique=True))
        parts = [f"not {n}" if draw(st.booleans()) else n for n in lits]
        feasibility["collapse"] = [" and ".join(parts)]
    preferences: dict[str, Any] = {}
    for d in range(n_dms):
        stmts = draw(st.lists(expressions(names), min_size=1, max_size=4))
        if draw(st.booleans()):
            preferences[f"dm{d}"] = {"prioritize": stmts}
        else:
            weights = [
                {"statement": s, "weight": draw(st.integers(-2, 3))} for s in stmts
            ]
            preferences[f"dm{d}"] = {"weights": weights}
    model: dict[str, Any] = {
        "format": "standoff/1",
        "title": "random conflict",
        "decision_makers": dms,
        "preferences": preferences,
    }
    if feasibility:
        model["feasibility"] = feasibility
    return model
