"""The ``standoff`` command line.

Commands are grouped in modules (``analysis`` for the graph model, ``bargaining`` for
issues on a scale); each registers its commands on the one :data:`app`. :func:`main` turns
every :class:`~standoff.errors.ModelError` into a one-paragraph message and exit code 2.
"""

from __future__ import annotations

import inspect
import sys
from collections.abc import Sequence
from typing import Annotated

import typer
from typer.core import TyperOption

from standoff._version import __version__
from standoff.errors import CapacityError, ModelError

app = typer.Typer(
    name="standoff",
    context_settings={"help_option_names": ["-h", "--help"]},
    help="Strategic conflict analysis with the Graph Model for Conflict Resolution, and "
    "forecasts of bargaining over issues on a scale.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _show_version(value: bool) -> None:
    if value:
        typer.echo(f"standoff {__version__}")
        raise typer.Exit()


@app.callback()
def _options(
    version: Annotated[bool, typer.Option(
        "--version", help="Print the version of standoff and exit.", callback=_show_version,
        is_eager=True)] = False,
) -> None:
    """Options that come before the command."""


_option_type = TyperOption.display_type_rich


def _no_flag_type(self: TyperOption, ctx: typer.Context) -> str | None:
    """The value column of an option in the help: none for a flag (``--strict``,
    ``--help``), which takes no value; typer would show ``<bool>`` there."""
    if self.is_flag and not self.count:
        return None
    return _option_type(self, ctx)


# typer declares the method with its vendored, private click Context (typer._click), the
# base of the public typer.Context this function names
TyperOption.display_type_rich = _no_flag_type  # type: ignore[method-assign, assignment]


COMMAND_MODULES = ("analysis", "claims", "evolution", "bargaining", "interchange", "serve",
                   "robustness", "hypergame", "hierarchy", "confrontation")

#: The command module (of :data:`COMMAND_MODULES`) that defines each command: ``standoff
#: COMMAND ...`` imports that module only, not the others (and not what they import).
#: tests/test_startup.py checks this table against what the modules register.
COMMANDS = {
    "analyze": "analysis", "check": "analysis", "states": "analysis", "explain": "analysis",
    "schema": "analysis",
    "claims": "claims", "report": "claims",
    "paths": "evolution", "coalitions": "evolution", "inverse": "evolution",
    "lookahead": "evolution",
    "forecast": "bargaining", "zopa": "bargaining", "backtest": "bargaining",
    "export": "interchange", "import": "interchange",
    "serve": "serve",
    "robustness": "robustness",
    "hypergame": "hypergame",
    "hierarchy": "hierarchy",
    "dilemmas": "confrontation",
}
_registered: set[str] = set()


def _register(modules: Sequence[str] = COMMAND_MODULES) -> None:
    """Add the commands of the command ``modules`` (each has ``register(app)``) that are not
    added yet; the commands stay in the order of :data:`COMMAND_MODULES` whatever order the
    modules are added in, so the help lists them the same way."""
    import importlib

    for name in modules:
        if name in _registered:
            continue
        try:
            module = importlib.import_module(f"standoff.cli.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"standoff.cli.{name}":
                raise
            continue  # a command module not written yet
        module.register(app)
        _registered.add(name)
    for info in app.registered_commands:
        if info.help is None and info.callback is not None and info.callback.__doc__:
            info.help = reflowed_help(info.callback.__doc__)
    place = {f"standoff.cli.{name}": k for k, name in enumerate(COMMAND_MODULES)}
    app.registered_commands.sort(
        key=lambda info: place.get(getattr(info.callback, "__module__", ""), len(place)))


def reflowed_help(docstring: str) -> str:
    r"""A command's docstring as its help text: paragraphs kept, the line breaks inside each
    joined (typer's rich help keeps a docstring's line breaks after the first paragraph, so
    the text came out broken mid-sentence at the source's line length).

    >>> reflowed_help("Do a thing.\n\n    More about it,\n    on two lines.\n    ")
    'Do a thing.\n\nMore about it, on two lines.'
    """
    paragraphs = inspect.cleandoc(docstring).split("\n\n")
    return "\n\n".join(" ".join(line.strip() for line in p.splitlines() if line.strip())
                         for p in paragraphs)


def modules_needed(args: Sequence[str]) -> tuple[str, ...]:
    """The command modules a command line ``args`` (without the program name) needs: the
    module of the command it names (the first argument that is not an option), or every
    module when it names no known command (``--help``, no argument, a mistyped name: the
    help and the "no such command" message list every command)."""
    command = next((a for a in args if not a.startswith("-")), None)
    if command in COMMANDS:
        return (COMMANDS[command],)
    return COMMAND_MODULES


def fail(error: ModelError | CapacityError) -> None:
    """Print ``error`` to standard error and exit with code 2 (an error about a library
    parameter is reported at the option that set it; control characters quoted from a
    model file shown as visible escapes, see :func:`standoff.output.terminal_text`)."""
    from standoff.cli.common import as_option_error
    from standoff.output import terminal_text

    sys.stderr.write(terminal_text(as_option_error(error).render()) + "\n")
    raise SystemExit(2)


def main() -> None:
    """Entry point of the console script: registers the commands the command line needs
    (:func:`modules_needed`) and runs it."""
    _register(modules_needed(sys.argv[1:]))
    try:
        app()
    except (ModelError, CapacityError) as error:
        fail(error)
