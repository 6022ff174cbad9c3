"""Helpers shared by the command modules."""

from __future__ import annotations

import contextlib
import errno
import io
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from rich.console import Console

from standoff.errors import ModelError, ParameterError

#: Width of rich tables written to a file (a file has no terminal to take it from).
FILE_WIDTH = 200


def make_console(**kwargs: Any) -> Console:
    """A console that prints text literally: names from a model file such as "[red]" or
    "[/]" are shown as written, never read as rich markup (styles are passed explicitly)."""
    return Console(markup=False, highlight=False, **kwargs)


def load_conflict(model: Path, max_states: int):
    """Load and compile a model file, with a spinner on a terminal (large models take a
    while to compile)."""
    from standoff import load

    if not sys.stderr.isatty():
        return load(model, max_states=max_states)
    with make_console(stderr=True).status(f"compiling {model} …"):
        return load(model, max_states=max_states)


def render_text(render: Callable[[Console], None], width: int = FILE_WIDTH) -> str:
    """What ``render`` prints on a console, as plain text (rendered in memory)."""
    buffer = io.StringIO()
    render(make_console(file=buffer, width=width))
    return buffer.getvalue()


def _cannot_write(path: Path, reason: str, option: str, what: str = "") -> ModelError:
    """The error for a file that cannot be written (``what`` says what the file is for)."""
    if reason == os.strerror(errno.EISDIR):
        hint = f"'{path}' is a folder: remove or rename it, or choose another {option} name"
    elif path.parent.exists() and not path.parent.is_dir():
        hint = f"'{path.parent}' is a file, not a folder: choose another {option} path"
    elif not path.parent.is_dir():
        hint = f"create the folder '{path.parent}' first, or choose another {option} file"
    else:
        hint = (f"check that files can be written in '{path.parent}', or choose another "
                f"{option} file")
    return ModelError(f"cannot write {path}{what}: {reason}", file=option, hint=hint)


def check_writable(paths: Sequence[Path | tuple[Path, str]], option: str = "--output") -> None:
    """Refuse, before any work is done, output files that obviously cannot be written: a
    path that is a folder, or whose folder does not exist. Items are paths or
    ``(path, what)`` pairs, ``what`` saying what the file is for (e.g. " (the state graph
    beside the report)")."""
    for item in paths:
        path, what = item if isinstance(item, tuple) else (item, "")
        if path.is_dir():
            raise _cannot_write(path, os.strerror(errno.EISDIR), option, what)
        parent = path.parent
        if not parent.exists():
            raise _cannot_write(path, os.strerror(errno.ENOENT), option, what)
        if not parent.is_dir():
            raise _cannot_write(path, os.strerror(errno.ENOTDIR), option, what)


#: A file to write: its path, its contents and what it is for ("" for the main output).
OutputFile = tuple[Path, str | bytes, str]


def write_files(files: Sequence[OutputFile], option: str = "--output") -> None:
    """Write finished contents to files, each once, after checking them all.

    A write that fails raises a :class:`ModelError` naming ``option`` and the path, and the
    files this call created are removed again, so nothing is left half-written.
    """
    check_writable([(path, what) for path, _, what in files], option)
    created: list[Path] = []
    for path, data, what in files:
        existed = path.exists()
        try:
            if isinstance(data, bytes):
                path.write_bytes(data)
            else:
                path.write_text(data, encoding="utf-8")
        except OSError as err:
            for done in [*created, *([] if existed else [path])]:
                with contextlib.suppress(OSError):
                    done.unlink()
            raise _cannot_write(path, err.strerror or str(err), option, what) from None
        if not existed:
            created.append(path)


def emit(text: str, output: Path | None, option: str = "--output") -> None:
    """Print ``text`` on standard output, or write it to ``output``."""
    if output is None:
        sys.stdout.write(text)
    else:
        write_files([(output, text, "")], option)


def emit_rendered(render: Callable[[Console], None], output: Path | None,
                  option: str = "--output") -> None:
    """Print rich output on the terminal, or render it in memory and write it to
    ``output``."""
    if output is None:
        render(make_console(soft_wrap=False))
    else:
        emit(render_text(render), output, option)


def check_dm_and_state(conflict: Any, variant: str, dm: str, state: int,
                       labelled: bool, model: Path) -> None:
    """Refuse an unknown ``--dm`` or a ``STATE`` outside the (variant's) model, naming the
    variant when several are analysed (``labelled``)."""
    try:
        conflict.dm_index(dm)
    except KeyError:
        raise ModelError(f"unknown decision maker '{dm}'", file="--dm",
                         hint=f"use one of: {', '.join(conflict.dm_ids)}") from None
    if not 1 <= state <= conflict.state_count:
        where = f" in variant {variant}" if labelled else ""
        raise ModelError(f"state {state} does not exist{where}", file="STATE",
                         hint=f"states are numbered 1 to {conflict.state_count}; "
                         f"'standoff states {model}' lists them")


#: The command-line option of each library parameter that a command passes on from an
#: option: a :class:`~standoff.errors.ParameterError` about the parameter is reported at the
#: option (``--moves: error: ...``), not at ``moves=``.
OPTION_OF_PARAMETER = {
    "moves": "--moves",
    "start": "--from",
    "target": "--to",
    "selector": "--to",
    "state": "--state",
    "vary": "--vary",
    "given": "--given",
    "coalitions": "--coalition",
    "name": "--variant",
    "names": "--variant",
    "samples": "--monte-carlo",
}


def as_option_error(error: ModelError) -> ModelError:
    """``error`` as the command line reports it: a :class:`ParameterError` located at the
    option that set the parameter (:data:`OPTION_OF_PARAMETER`); any other error as it is."""
    if isinstance(error, ParameterError) and error.parameter in OPTION_OF_PARAMETER:
        return error.for_option(OPTION_OF_PARAMETER[error.parameter])
    return error
