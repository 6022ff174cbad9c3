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
    draw, max_dms: int = 4, max_options: int = 8, product: bool = False,
    constrained: bool = False,
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
    most decision makers then have only reversible options.

    With ``constrained=True`` nothing collapses, some option is irreversible, and an
    infeasibility statement couples options of two different decision makers, so the
    space is not a product (the engine's lattice path for constrained spaces)."""
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
    if constrained and not any(
        o["moves"] != "both" for d in dms.values() for o in d["options"].values()
    ):
        first = dms["dm0"]["options"][owned[0][0]]
        first["moves"] = draw(st.sampled_from(["take", "drop"]))
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
    if constrained:
        a, b = draw(st.sampled_from(owned[0])), draw(st.sampled_from(owned[-1]))
        pair = f"{'not ' if draw(st.booleans()) else ''}{a} and " \
               f"{'not ' if draw(st.booleans()) else ''}{b}"
        infeasible.append(_false_at(pair, names, witness))
    if infeasible:
        feasibility["infeasible"] = infeasible
    if not product and not constrained and draw(st.integers(0, 2)) == 0:
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


@st.composite
def offset_cancellations(draw) -> tuple[dict[str, Any], str, int]:
    """A conflict built so that two opponents' simultaneous improvements shift the state
    number by +k and -k, and the focal decision maker's stability hinges on that reaction.

    Returns ``(model, focal dm id, state number)``. Construction (states are numbered by
    increasing bit pattern, option 1 the least significant bit, nothing collapsed):

    * 3-4 decision makers; opponents ``A`` and ``B`` own options at bits ``p`` and ``q``;
      the focal decision maker ``C`` owns one option at a bit ``c`` above both (so it comes
      after ``A`` and ``B`` in file order); a fourth decision maker, if any, sits anywhere.
    * In the witness pattern ``v``, one of the bits ``p``/``q`` is off and the other on, so
      ``A``'s toggle moves the pattern up and ``B``'s down (or the reverse). Infeasible
      statements (one full pattern each, so they couple several decision makers' options)
      leave the same number of feasible patterns strictly between ``v`` and each target,
      so the two moves change the state number by exactly ``+k`` and ``-k``.
    * Preferences: each of ``A``, ``B`` prefers its toggle to ``v``; ``C`` likes its
      own toggle ``w`` best, the joint outcome ``x`` (``C``'s, ``A``'s and ``B``'s toggles
      together) no better than ``v``, and every other state better than ``v``. ``C`` has a
      single option, so ``w`` is its only improvement from ``v``, and the only reaction
      that sanctions it is the cancelling one: ``v`` is SIM stable for ``C``.
    """
    n_dms = draw(st.integers(3, 4))
    # role order in the file: A and B before C; a fourth decision maker D anywhere
    roles = draw(st.permutations(["A", "B"]))
    roles = [*roles, "C"]
    if n_dms == 4:
        roles.insert(draw(st.integers(0, 3)), "D")
    counts = {role: (1 if role == "C" else draw(st.integers(1, 2))) for role in roles}
    owned: dict[str, list[int]] = {}
    bit = 0
    for role in roles:
        owned[role] = list(range(bit, bit + counts[role]))
        bit += counts[role]
    n_bits = bit
    p = draw(st.sampled_from(owned["A"]))
    q = draw(st.sampled_from(owned["B"]))
    c = owned["C"][0]
    v = draw(st.integers(0, (1 << n_bits) - 1))
    a_goes_up = draw(st.booleans())
    v = (v & ~(1 << p)) | (1 << q) if a_goes_up else (v | (1 << p)) & ~(1 << q)
    u_a, u_b = v ^ (1 << p), v ^ (1 << q)
    w = v ^ (1 << c)
    x = w ^ (1 << p) ^ (1 << q)
    up, down = (u_a, u_b) if a_goes_up else (u_b, u_a)
    above = list(range(v + 1, up))  # strictly between v and the upward target
    below = list(range(down + 1, v))  # strictly between the downward target and v
    # c lies above p and q, so w and x fall outside both ranges; keep `kept` of each
    kept = draw(st.integers(0, min(len(above), len(below))))
    keep_above = set(draw(st.permutations(above))[:kept])
    keep_below = set(draw(st.permutations(below))[:kept])
    removed = [t for t in above if t not in keep_above] + [
        t for t in below if t not in keep_below
    ]
    # a few more infeasible patterns elsewhere, away from the witness
    protected = {v, u_a, u_b, w, x, *above, *below}
    elsewhere = [t for t in range(1 << n_bits) if t not in protected]
    if elsewhere:
        removed += draw(st.lists(st.sampled_from(elsewhere), max_size=2, unique=True))
    feasible = [t for t in range(1 << n_bits) if t not in set(removed)]
    number = {t: k + 1 for k, t in enumerate(feasible)}  # state numbers, as the loader numbers

    option_name = [f"o{k}" for k in range(n_bits)]

    def pattern_statement(t: int) -> str:
        return " and ".join(
            name if t >> k & 1 else f"not {name}" for k, name in enumerate(option_name)
        )

    def random_ranking(first: list[int], last: list[int]) -> list[Any]:
        """Every state once, best first: ``first`` on top, ``last`` at the bottom (in
        order), the rest shuffled into tie groups of one or two."""
        middle = draw(st.permutations([s for s in number.values() if s not in first + last]))
        items: list[Any] = [[s] for s in first]
        k = 0
        while k < len(middle):
            size = draw(st.integers(1, 2))
            items.append(list(middle[k : k + size]))
            k += size
        items += [[s] for s in last]
        return [item[0] if len(item) == 1 else item for item in items]

    dm_id = {role: f"dm{k}" for k, role in enumerate(roles)}
    dms: dict[str, Any] = {}
    for role in roles:
        options = {
            option_name[k]: {"text": f"option {option_name[k]}", "moves": "both"}
            for k in owned[role]
        }
        dms[dm_id[role]] = {"name": f"Decision maker {role}", "options": options}
    preferences: dict[str, Any] = {}
    for role in roles:
        if role == "A":
            ranking = random_ranking([number[u_a]], [])
        elif role == "B":
            ranking = random_ranking([number[u_b]], [])
        elif role == "C":
            bottom = [number[v], number[x]]
            ranking = random_ranking([number[w]], bottom)
            if draw(st.booleans()):  # x tied with v rather than below it
                ranking = [*ranking[:-2], bottom]
        else:
            ranking = random_ranking([], [])
        # states written as their patterns (the reference reads statements, not numbers)
        preferences[dm_id[role]] = {"ranking": [
            [pattern_statement(feasible[n - 1]) for n in item] if isinstance(item, list)
            else pattern_statement(feasible[item - 1])
            for item in ranking
        ]}
    model: dict[str, Any] = {
        "format": "standoff/1",
        "title": "offset cancellation",
        "decision_makers": dms,
        # never empty: p and q differ, so one range is longer than the other
        "feasibility": {"infeasible": [pattern_statement(t) for t in removed]},
        "preferences": preferences,
    }
    return model, dm_id["C"], number[v]



def _number(prefix: str, width: int, value: int) -> str:
    """The statement "the options ``prefix0..`` spell ``value`` in binary"."""
    return " and ".join(f"{prefix}{t}" if value >> t & 1 else f"not {prefix}{t}"
                        for t in range(width))


@st.composite
def chain_conflicts(draw) -> dict[str, Any]:
    """Adversarial shapes for the reachability fixed point (issue 17): decision makers
    ``dm1`` and ``dm2`` each choose a number in binary (``width`` options) and each prefers
    one answer to the other's number above everything (``dm1``: one above ``dm2``'s,
    ``dm2``: equal to ``dm1``'s), so their improvements form one long alternating chain
    (0, 0) → (1, 0) → (1, 1) → … of ``2 (2^width - 1)`` moves, and ``dm0`` ranks the
    chain's end lowest (benchmarks/scale.py, the "chain" rows). Drawn variations: the
    chain closes into a cycle (``dm1`` answers the top number with 0: one strongly
    connected component through every state of the chain), a cut that breaks the product
    structure (explicit moves), irreversible options, a random order below the answer
    (ties included), and a fourth decision maker."""
    width = draw(st.integers(1, 3))
    top = (1 << width) - 1
    own = draw(st.integers(1, 2))
    cycle = draw(st.booleans())
    directions = st.sampled_from(["both", "both", "both", "take", "drop"])

    def options(prefix: str, count: int) -> dict[str, Any]:
        return {f"{prefix}{t}": {"text": f"option {prefix}{t}", "moves": draw(directions)}
                for t in range(count)}

    def below(prefix: str) -> list[dict[str, Any]]:
        return [{"statement": f"{prefix}{t}", "weight": draw(st.integers(-3, 1))}
                for t in range(width)]

    answers_1 = [(q + 1, q) for q in range(top)] + ([(0, top)] if cycle else [])
    dms: dict[str, Any] = {
        "dm0": {"name": "Decision maker 0", "options": options("c", own)},
        "dm1": {"name": "Decision maker 1", "options": options("a", width)},
        "dm2": {"name": "Decision maker 2", "options": options("b", width)},
    }
    big = 4 * width + 4
    preferences: dict[str, Any] = {
        "dm0": {"weights": [{"statement": f"c{t}", "weight": t + 1} for t in range(own)]
                + [{"statement": f"{_number('a', width, top)} and {_number('b', width, top)}",
                    "weight": -big}]},
        "dm1": {"weights": [{"statement": f"{_number('a', width, x)} and "
                                          f"{_number('b', width, y)}", "weight": big}
                            for x, y in answers_1] + below("a")},
        "dm2": {"weights": [{"statement": f"{_number('a', width, q)} and "
                                          f"{_number('b', width, q)}", "weight": big}
                            for q in range(top + 1)] + below("b")},
    }
    if draw(st.booleans()):
        dms["dm3"] = {"name": "Decision maker 3", "options": options("d", 1)}
        preferences["dm3"] = {"prioritize": [draw(st.sampled_from(["d0", "not d0", "a0"]))]}
    model: dict[str, Any] = {
        "format": "standoff/1",
        "title": "chain conflict",
        "decision_makers": dms,
        "preferences": preferences,
    }
    if width >= 2 and draw(st.booleans()):
        model["feasibility"] = {"infeasible": ["a0 and not a1 and b0 and b1"]}
    return model


@st.composite
def free_two_dm_conflicts(draw) -> dict[str, Any]:
    """Two decision makers whose options all move freely, in a product space (the SIM
    kernel for two free decision makers): shapes from 1 × 1 to 4 × 2 options, lopsided ones
    included (one option against four), sometimes an ``at_most_one`` group within one
    decision maker (3, 4 or 5 choices rather than a power of two). Preferences are explicit
    rankings of every state with tie groups of random size, from none to every state in one
    group (a decision maker with no improvement anywhere)."""
    counts = draw(st.sampled_from([(1, 1), (1, 2), (2, 1), (1, 4), (4, 1), (2, 2), (2, 3),
                                   (3, 2), (3, 3), (4, 2), (2, 4)]))
    names = [f"o{k}" for k in range(sum(counts))]
    owned = [names[: counts[0]], names[counts[0]:]]
    dms = {
        f"dm{d}": {"name": f"Decision maker {d}",
                   "options": {n: {"text": f"option {n}", "moves": "both"} for n in own}}
        for d, own in enumerate(owned)
    }
    groups = [own for own in owned if len(own) >= 2 and draw(st.integers(0, 2)) == 0]

    def feasible(t: int) -> bool:
        return all(sum(t >> names.index(n) & 1 for n in g) <= 1 for g in groups)

    patterns = [t for t in range(1 << len(names)) if feasible(t)]

    def pattern_statement(t: int) -> str:
        return " and ".join(n if t >> k & 1 else f"not {n}" for k, n in enumerate(names))

    preferences: dict[str, Any] = {}
    for d in range(2):
        order = draw(st.permutations(patterns))
        largest = draw(st.sampled_from([1, 2, 3, len(order)]))
        ranking: list[Any] = []
        k = 0
        while k < len(order):
            size = draw(st.integers(1, largest))
            tie = [pattern_statement(t) for t in order[k : k + size]]
            ranking.append(tie[0] if len(tie) == 1 else tie)
            k += size
        preferences[f"dm{d}"] = {"ranking": ranking}
    model: dict[str, Any] = {
        "format": "standoff/1",
        "title": "two free decision makers",
        "decision_makers": dms,
        "preferences": preferences,
    }
    if groups:
        model["feasibility"] = {"at_most_one": groups}
    return model
