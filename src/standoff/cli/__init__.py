"""The ``standoff`` command line.

Commands are grouped in modules (``analysis`` for the graph model, ``bargaining`` for
issues on a scale); each registers its commands on the one :data:`app`. :func:`main` turns
every :class:`~standoff.errors.ModelError` into a one-paragraph message and exit code 2.
"""

from __future__ import annotations

import sys
from typing import Annotated

import typer
from typer.core import TyperOption

from standoff._version import __version__
from standoff.errors import CapacityError, ModelError

app = typer.Typer(
    name="standoff",
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
_registered = False


def _register() -> None:
    """Add the commands of every command module (each has ``register(app)``), once."""
    global _registered
    if _registered:
        return
    import importlib

    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(f"standoff.cli.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"standoff.cli.{name}":
                raise
            continue  # a command module not written yet
        module.register(app)
    _registered = True


def fail(error: ModelError | CapacityError) -> None:
    """Print ``error`` to standard error and exit with code 2 (an error about a library
    parameter is reported at the option that set it; control characters quoted from a
    model file shown as visible escapes, see :func:`standoff.output.terminal_text`)."""
    from standoff.cli.common import as_option_error
    from standoff.output import terminal_text

    sys.stderr.write(terminal_text(as_option_error(error).render()) + "\n")
    raise SystemExit(2)


def main() -> None:
    """Entry point of the console script."""
    _register()
    try:
        app()
    except (ModelError, CapacityError) as error:
        fail(error)
