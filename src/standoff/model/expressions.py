"""Logical statements over options.

Grammar (lowest precedence first; ``and``/``or`` associate to the left)::

    statement := implication ( "iff" implication )*
    implication := disjunction ( "if" disjunction )*
    disjunction := conjunction ( "or" conjunction )*
    conjunction := negation ( "and" negation )*
    negation := "not" negation | "(" statement ")" | OPTION | "true" | "false"

``a if b`` is true when ``b`` is false or ``a`` is true (GMCR II's option-prioritization
convention, Fang, Hipel & Kilgour 1993, ch. 3); ``a iff b`` is true when both have the same
value. ``OPTION`` is an option id or ``dm.option``. ``if`` and ``iff`` associate to the left
too: ``a if b if c`` is ``(a if b) if c``.

A chain of one operator (``a iff b iff c ...``, however long) becomes one node with many
arguments, evaluated as a left fold, so a long flat chain costs no recursion. Nesting
(parentheses and ``not``) is refused beyond :data:`MAX_NESTING` levels with an
:class:`ExpressionError` at the parenthesis or ``not`` that goes too deep, so parsing and
evaluating stay far from Python's recursion limit.

Statements are parsed once into a small tree (:class:`Expr`) whose leaves are option
indices; they are evaluated either on one option vector (a tuple of booleans) or on a numpy
array of bit patterns (option ``k`` is bit ``k``) for all states at once.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

#: How deeply parentheses and ``not`` may nest in one statement.
MAX_NESTING = 25

KEYWORDS = frozenset({"not", "and", "or", "if", "iff", "true", "false"})
_NAME = r"[A-Za-z_][A-Za-z0-9_\-]*"
_TOKEN = re.compile(
    rf"\s*(?:(?P<paren>[()])|(?P<word>{_NAME}(?:\.{_NAME})?)|(?P<bad>\S))"
)


class ExpressionError(ValueError):
    """A statement that cannot be parsed or names something unknown.

    ``position`` is the 0-based character offset in the statement text.
    """

    def __init__(self, message: str, position: int, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.position = position
        self.hint = hint


@dataclass(frozen=True)
class Expr:
    """A parsed statement: ``op`` is one of var, const, not, and, or, if, iff.

    ``and``, ``or``, ``if`` and ``iff`` take two or more arguments, combined from the left:
    ``Expr("if", (a, b, c))`` is ``(a if b) if c`` and ``Expr("iff", (a, b, c))`` is
    ``(a iff b) iff c``.
    """

    op: str
    args: tuple[Expr, ...] = ()
    index: int = -1  # option index for ``var``
    value: bool = False  # for ``const``

    def options(self) -> set[int]:
        """Indices of the options this statement mentions."""
        if self.op == "var":
            return {self.index}
        out: set[int] = set()
        for a in self.args:
            out |= a.options()
        return out

    def evaluate(self, vector: Sequence[bool]) -> bool:
        """Truth value on one option vector (``vector[k]`` is option ``k``)."""
        op = self.op
        if op == "var":
            return bool(vector[self.index])
        if op == "const":
            return self.value
        if op == "not":
            return not self.args[0].evaluate(vector)
        if op == "and":
            return all(a.evaluate(vector) for a in self.args)
        if op == "or":
            return any(a.evaluate(vector) for a in self.args)
        value = self.args[0].evaluate(vector)
        for arg in self.args[1:]:
            right = arg.evaluate(vector)
            value = (value or not right) if op == "if" else value == right  # iff
        return value

    def evaluate_bits(self, patterns: np.ndarray) -> np.ndarray:
        """Truth values on an array of bit patterns (option ``k`` is bit ``k``)."""
        op = self.op
        if op == "var":
            return ((patterns >> np.uint64(self.index)) & np.uint64(1)).astype(bool)
        if op == "const":
            return np.full(patterns.shape, self.value, dtype=bool)
        if op == "not":
            return ~self.args[0].evaluate_bits(patterns)
        if op == "and":
            out = self.args[0].evaluate_bits(patterns)
            for a in self.args[1:]:
                out &= a.evaluate_bits(patterns)
            return out
        if op == "or":
            out = self.args[0].evaluate_bits(patterns)
            for a in self.args[1:]:
                out |= a.evaluate_bits(patterns)
            return out
        out = self.args[0].evaluate_bits(patterns)
        for a in self.args[1:]:
            right = a.evaluate_bits(patterns)
            out = (out | ~right) if op == "if" else out == right  # iff
        return out

    def literals(self) -> list[tuple[int, bool]] | None:
        """If the statement is a conjunction of literals, those (option, value) pairs."""
        if self.op == "var":
            return [(self.index, True)]
        if self.op == "not" and self.args[0].op == "var":
            return [(self.args[0].index, False)]
        if self.op == "and":
            out: list[tuple[int, bool]] = []
            for a in self.args:
                sub = a.literals()
                if sub is None:
                    return None
                out.extend(sub)
            return out
        return None

    def render(self, names: Sequence[str]) -> str:
        """The statement written back as text with the given option names."""
        op = self.op
        if op == "var":
            return names[self.index]
        if op == "const":
            return "true" if self.value else "false"
        if op == "not":
            inner = self.args[0]
            text = inner.render(names)
            return f"not {text}" if inner.op in ("var", "const", "not") else f"not ({text})"
        parts = []
        for a in self.args:
            text = a.render(names)
            # parentheses only where precedence needs them, so the text nests no deeper
            # than the statement it was parsed from
            bare = a.op in ("var", "const", "not") or _PRECEDENCE[a.op] > _PRECEDENCE[op]
            parts.append(text if bare else f"({text})")
        return f" {op} ".join(parts)


#: How tightly the binary operators bind (``not`` binds tighter than all of them).
_PRECEDENCE = {"iff": 0, "if": 1, "or": 2, "and": 3}

Resolver = Callable[[str, int], int]


def tokenize(text: str) -> list[tuple[str, str, int]]:
    """Split a statement into (kind, text, position) tokens."""
    tokens: list[tuple[str, str, int]] = []
    pos = 0
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None:  # only trailing white space is left
            break
        if m.group("paren"):
            tokens.append(("paren", m.group("paren"), m.start("paren")))
        elif m.group("word"):
            word = m.group("word")
            kind = "kw" if word.lower() in KEYWORDS else "name"
            tokens.append((kind, word.lower() if kind == "kw" else word, m.start("word")))
        elif m.group("bad"):
            ch = m.group("bad")
            hint = None
            if ch in "&|!~-":
                hint = "write logical operators as words: and, or, not"
            raise ExpressionError(f"unexpected character '{ch}'", m.start("bad"), hint)
        pos = m.end()
    return tokens


def parse(text: str, resolve: Resolver) -> Expr:
    """Parse a statement, turning option names into indices with ``resolve(name, position)``.

    ``resolve`` raises :class:`ExpressionError` for an unknown or ambiguous name.
    """
    if not isinstance(text, str):
        raise ExpressionError("a statement must be text", 0)
    tokens = tokenize(text)
    if not tokens:
        raise ExpressionError("the statement is empty", 0, "write an option id, e.g. 'accept'")
    parser = _Parser(tokens, resolve, len(text))
    expr = parser.statement()
    if parser.i < len(tokens):
        _, tok, pos = tokens[parser.i]
        raise ExpressionError(
            f"unexpected '{tok}' after a complete statement",
            pos,
            "join statements with 'and', 'or', 'if' or 'iff'",
        )
    return expr


class _Parser:
    def __init__(self, tokens: list[tuple[str, str, int]], resolve: Resolver, end: int) -> None:
        self.tokens = tokens
        self.resolve = resolve
        self.i = 0
        self.end = end
        self.depth = 0

    def deeper(self, position: int) -> None:
        """Enter one more level of nesting (a '(' or 'not' at ``position``)."""
        self.depth += 1
        if self.depth > MAX_NESTING:
            raise ExpressionError(
                f"the statement nests parentheses and 'not' more than {MAX_NESTING} levels "
                "deep",
                position,
                "simplify the statement: 'not not x' is x, and '((x))' is x",
            )

    def peek(self) -> tuple[str, str, int] | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def accept(self, kw: str) -> bool:
        tok = self.peek()
        if tok and tok[0] == "kw" and tok[1] == kw:
            self.i += 1
            return True
        return False

    def binary(self, kw: str, sub: Callable[[], Expr]) -> Expr:
        """A left-associative chain ``sub kw sub kw ...`` as one node with many arguments
        (a chain written in parentheses on the left, ``(a iff b) iff c``, joins it)."""
        left = sub()
        tok = self.peek()
        if tok is None or tok[:2] != ("kw", kw):
            return left
        args = list(left.args) if left.op == kw else [left]
        while self.accept(kw):
            args.append(sub())
        return Expr(kw, tuple(args))

    def statement(self) -> Expr:
        return self.binary("iff", self.implication)

    def implication(self) -> Expr:
        return self.binary("if", self.disjunction)

    def disjunction(self) -> Expr:
        return self.binary("or", self.conjunction)

    def conjunction(self) -> Expr:
        return self.binary("and", self.negation)

    def negation(self) -> Expr:
        tok = self.peek()
        if tok is None:
            raise ExpressionError(
                "the statement ends too early", self.end, "complete it with an option id"
            )
        kind, text, pos = tok
        if kind == "kw" and text == "not":
            self.i += 1
            self.deeper(pos)
            inner = self.negation()
            self.depth -= 1
            return Expr("not", (inner,))
        if kind == "kw" and text in ("true", "false"):
            self.i += 1
            return Expr("const", value=text == "true")
        if kind == "paren" and text == "(":
            self.i += 1
            self.deeper(pos)
            inner = self.statement()
            self.depth -= 1
            close = self.peek()
            if close is None or close[1] != ")":
                where = close[2] if close else self.end
                raise ExpressionError("missing ')'", where, "close every '(' with ')'")
            self.i += 1
            return inner
        if kind == "name":
            self.i += 1
            return Expr("var", index=self.resolve(text, pos))
        raise ExpressionError(
            f"expected an option id, 'not' or '(' but found '{text}'",
            pos,
            "an operator needs an option or a parenthesised statement on each side",
        )
