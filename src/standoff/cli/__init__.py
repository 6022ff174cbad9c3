"""The ``standoff`` command line.

Commands are grouped in modules (``analysis`` for the graph model, ``bargaining`` for
issues on a scale); each registers its commands on the one :data:`app`. :func:`main` turns
every :class:`~standoff.errors.ModelError` into a one-paragraph message and exit code 2.
"""

from __future__ import annotations

import sys

import typer

from standoff.errors import CapacityError, ModelError

app = typer.Typer(
    name="standoff",
    help="Strategic conflict analysis with the Graph Model for Conflict Resolution.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


COMMAND_MODULES = ("analysis", "claims", "evolution", "bargaining", "interchange", "serve",
                   "hierarchy")
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
