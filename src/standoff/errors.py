"""Errors a user can act on.

Every problem with an input file is reported as a :class:`ModelError` that names the file,
the line and column (1-based, when known), what is wrong and how to fix it. The command line
prints it without a traceback and exits with code 2.
"""

from __future__ import annotations

from dataclasses import dataclass

#: The "file" of a problem in a command-line option rather than in an input file.
COMMAND_LINE = "command line"


@dataclass
class ModelError(Exception):
    """A problem in an input file, located and explained.

    Attributes:
        message: what is wrong, in one sentence.
        file: the file the problem is in (as the user named it), if any.
        line: 1-based line number, if known.
        column: 1-based column number, if known.
        hint: how to fix it.
    """

    message: str
    file: str | None = None
    line: int | None = None
    column: int | None = None
    hint: str | None = None

    def __post_init__(self) -> None:
        super().__init__(self.message)

    def __str__(self) -> str:
        return self.render()

    def render(self) -> str:
        """The message as printed by the command line: ``file:line:col: error: ...``."""
        where = self.file or "<input>"
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        text = f"{where}: error: {self.message}"
        if self.hint:
            text += f"\n  fix: {self.hint}"
        return text


class LookupArgumentError(KeyError, ValueError):
    """A library argument naming a state, decision maker or concept that does not exist
    (or that names several decision makers).

    It is both a :class:`KeyError` (as an unknown decision maker or state always was) and a
    :class:`ValueError`, so either may be caught. ``message`` says what is wrong and
    ``hint`` how to fix it; its text is the message followed by the hint.
    """

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message}; {self.hint}" if self.hint else self.message


class CapacityError(ModelError):
    """A model refused because its state space (or its moves) would not fit the limits.

    Raised before anything large is allocated; the message gives the estimated state count
    and memory.
    """


@dataclass
class ParameterError(ModelError):
    """A bad argument of a library function, named by its parameter.

    The library speaks of parameters, never of command-line options: ``parameter`` is the
    name of the argument at fault (``moves``), the message says what is wrong with it and
    the hint lists the values allowed. Printed by itself, the error is located at
    ``moves=``; the command line reports it at its own option instead
    (:meth:`for_option`, with one table of parameter → option in :mod:`standoff.cli.common`).

    >>> print(ParameterError("unknown kind of move 'all'", parameter="moves",
    ...                      hint="use one of: ui, any"))
    moves=: error: unknown kind of move 'all'
      fix: use one of: ui, any
    """

    parameter: str | None = None

    def __post_init__(self) -> None:
        if self.file is None and self.parameter is not None:
            self.file = f"{self.parameter}="
        super().__post_init__()

    def for_option(self, option: str) -> ModelError:
        """The same error located at the command-line option ``option`` (``--moves``)."""
        return ModelError(self.message, file=option, line=self.line, column=self.column,
                          hint=self.hint)


class NoFeasibleStateError(ModelError):
    """A model whose feasibility constraints exclude every state."""


class StatusQuoInfeasibleError(ModelError):
    """A model whose status quo is excluded by its feasibility constraints."""
