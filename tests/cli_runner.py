"""Run the ``standoff`` command in-process, as the console script does."""

from __future__ import annotations

import contextlib
import io
import sys
from dataclasses import dataclass

from standoff.cli import main


@dataclass
class Run:
    code: int
    out: str
    err: str


def run(*args: str) -> Run:
    """Invoke ``standoff ARGS`` through :func:`standoff.cli.main`; capture output and exit code."""
    out, err = io.StringIO(), io.StringIO()
    argv = sys.argv
    sys.argv = ["standoff", *map(str, args)]
    code = 0
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                main()
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    finally:
        sys.argv = argv
    return Run(code, out.getvalue(), err.getvalue())
