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


def _register() -> None:
    from standoff.cli import analysis

    analysis.register(app)
    try:
        from standoff.cli import bargaining
    except ImportError:  # the bargaining commands are optional while under construction
        return
    bargaining.register(app)


def fail(error: ModelError | CapacityError) -> None:
    """Print ``error`` to standard error and exit with code 2."""
    sys.stderr.write(error.render() + "\n")
    raise SystemExit(2)


def main() -> None:
    """Entry point of the console script."""
    _register()
    try:
        app()
    except (ModelError, CapacityError) as error:
        fail(error)
