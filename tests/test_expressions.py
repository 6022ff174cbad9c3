"""Statements over options: grammar, precedence, and the two evaluators agreeing."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given
from strategies import expressions

from standoff.model.expressions import ExpressionError, parse

NAMES = ["a", "b", "c"]


def resolve(name: str, position: int) -> int:
    if name not in NAMES:
        raise ExpressionError(f"unknown option '{name}'", position)
    return NAMES.index(name)


def truth(text: str) -> list[bool]:
    expr = parse(text, resolve)
    return [expr.evaluate(v) for v in itertools.product([False, True], repeat=3)]


def test_if_means_consequent_unless_condition_false():
    # a if b  ==  a or not b
    assert truth("a if b") == truth("a or not b")


def test_iff():
    assert truth("a iff b") == [x == y for x, y, _ in itertools.product([0, 1], repeat=3)]


def test_precedence_not_and_or_if_iff():
    assert truth("not a and b or c") == truth("((not a) and b) or c")
    assert truth("a or b if c") == truth("(a or b) if c")
    assert truth("a iff b if c") == truth("a iff (b if c)")


def test_constants_and_qualified_names():
    assert truth("true") == [True] * 8
    assert truth("false or a") == truth("a")


@pytest.mark.parametrize(
    "text,message",
    [("", "empty"), ("a and", "ends too early"), ("a b", "unexpected 'b'"),
     ("(a", "missing ')'"), ("a & b", "unexpected character '&'"), ("d", "unknown option")],
)
def test_errors(text, message):
    with pytest.raises(ExpressionError, match=message.replace("(", r"\(").replace(")", r"\)")):
        parse(text, resolve)


def test_error_position_points_at_the_problem():
    with pytest.raises(ExpressionError) as info:
        parse("a and (b or", resolve)
    assert info.value.position == len("a and (b or")


@given(expressions(NAMES, depth=3))
def test_bitwise_evaluation_matches_one_vector_evaluation(text):
    expr = parse(text, resolve)
    patterns = np.arange(8, dtype=np.uint64)
    bits = expr.evaluate_bits(patterns)
    for p in range(8):
        vector = tuple(bool((p >> k) & 1) for k in range(3))
        assert bits[p] == expr.evaluate(vector)


@given(expressions(NAMES, depth=3))
def test_render_round_trips(text):
    expr = parse(text, resolve)
    again = parse(expr.render(NAMES), resolve)
    for v in itertools.product([False, True], repeat=3):
        assert expr.evaluate(v) == again.evaluate(v)


def test_literals_of_a_conjunction():
    assert parse("a and not c", resolve).literals() == [(0, True), (2, False)]
    assert parse("a or c", resolve).literals() is None
