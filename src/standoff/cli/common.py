"""Helpers shared by the command modules."""

from __future__ import annotations

import contextlib
import errno
import io
import os
import re
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console, ConsoleOptions, RenderableType
from rich.segment import Segment
from rich.text import Text

from standoff.errors import ModelError, ParameterError
from standoff.output import (
    WriteFailure,
    has_control,
    is_special,
    replace_files,
    same_file,
    standard_stream,
    terminal_text,
    write_standard_stream,
)

#: Width of text written to a pipe or a file, which has no terminal to take a width from:
#: wide enough that no line is wrapped and no table cell is cut; tables still take only the
#: width they need.
FILE_WIDTH = 100_000


def safe_rich_text(text: Text) -> Text:
    """``text`` with its control characters shown as :func:`terminal_text` shows them,
    its styles kept."""
    if not has_control(text.plain):
        return text
    cuts = sorted({k for m in re.finditer(r"(?s).", text.plain) if has_control(m.group())
                   for k in (m.start(), m.end())})
    out = text.blank_copy()
    for piece in text.divide(cuts):
        if len(piece.plain) == 1 and has_control(piece.plain):
            shown = Text(terminal_text(piece.plain), style=piece.style)
            for span in piece.spans:
                shown.stylize(span.style)
            piece = shown
        out.append(piece)
    return out


class SafeConsole(Console):
    """A rich console for text from model files: markup and highlighting off (a name such
    as "[red]" is shown as written), and every control character in what it prints (ESC,
    CR, BEL, C1 controls…) shown as a visible escape (:func:`terminal_text`), so a title or
    name cannot drive the terminal. Strings and :class:`~rich.text.Text` are cleaned before
    layout (so tables keep their widths); any other text segment is cleaned as it is
    rendered. rich's own control segments (cursor moves of a progress bar) are kept."""

    def render_str(self, text: str, **kwargs: Any) -> Text:
        return super().render_str(terminal_text(text), **kwargs)

    def render(self, renderable: RenderableType,
               options: ConsoleOptions | None = None) -> Iterable[Segment]:
        if isinstance(renderable, Text):
            renderable = safe_rich_text(renderable)
        for segment in super().render(renderable, options):
            if segment.control is None and has_control(segment.text):
                segment = Segment(terminal_text(segment.text), segment.style)
            yield segment


def make_console(**kwargs: Any) -> Console:
    """The one console factory of the command line: a :class:`SafeConsole`, which prints
    model text literally (no rich markup) and with control characters made visible.

    On a terminal, text fits the terminal's width. Printed to a pipe or a file (no terminal,
    no ``width`` given), nothing is hard-wrapped: lines are as long as their text and tables
    as wide as their cells (:data:`FILE_WIDTH`), so no cell is cut to an ellipsis."""
    console = SafeConsole(markup=False, highlight=False, **kwargs)
    if "width" not in kwargs and not console.is_terminal:
        console.width = FILE_WIDTH
    return console


@contextlib.contextmanager
def spinner(what: str) -> Iterator[None]:
    """A spinner on standard error saying ``what`` is being done, on a terminal only (it
    is removed when the block ends); nothing in a pipe or a file."""
    if not sys.stderr.isatty():
        yield
        return
    with make_console(stderr=True).status(what):
        yield


def load_conflict(model: Path, max_states: int):
    """Load and compile a model file, with a spinner on a terminal (large models take a
    while to compile)."""
    from standoff import load

    with spinner(f"compiling {model} …"):
        return load(model, max_states=max_states)


def model_kind(model: Path) -> str:
    """``graph`` (a GMCR model), ``both`` (with a bargaining section) or ``bargaining``.

    KTAB CSV and decide TSV files, and YAML/JSON files with a ``bargaining:`` section but no
    decision makers (or whose top level is the section itself: actors and issues), are
    bargaining-only. Anything else goes to the graph-model loader, which reports what is
    missing.
    """
    from standoff.bargaining import importers
    from standoff.model.yamlio import load_document

    if importers.sniff(model) != "yaml":
        return "bargaining"
    data, _ = load_document(model)
    if not isinstance(data, dict):
        return "graph"
    if "bargaining" in data:
        return "both" if "decision_makers" in data else "bargaining"
    if "actors" in data and "issues" in data and "decision_makers" not in data:
        return "bargaining"
    return "graph"


def render_text(render: Callable[[Console], None], width: int = FILE_WIDTH) -> str:
    """What ``render`` prints on a console, as plain text (rendered in memory)."""
    buffer = io.StringIO()
    render(make_console(file=buffer, width=width))
    return buffer.getvalue()


def _cannot_write(path: Path, reason: str, option: str, what: str = "") -> ModelError:
    """The error for a file that cannot be written (``what`` says what the file is for)."""
    if reason == os.strerror(errno.EISDIR):
        hint = f"'{path}' is a folder: remove or rename it, or choose another {option} name"
    elif reason in (os.strerror(errno.ENOSPC), os.strerror(errno.EDQUOT),
                    os.strerror(errno.EFBIG)):
        hint = ("make room on the disk (or raise the file-size limit, 'ulimit -f') and run "
                "again; an existing file was left as it was")
    elif path.parent.exists() and not path.parent.is_dir():
        hint = f"'{path.parent}' is a file, not a folder: choose another {option} path"
    elif not path.parent.is_dir():
        hint = f"create the folder '{path.parent}' first, or choose another {option} file"
    else:
        hint = (f"check that files can be written in '{path.parent}', or choose another "
                f"{option} file")
    return ModelError(f"cannot write {path}{what}: {reason}", file=option, hint=hint)


def check_not_input(path: Path, inputs: Sequence[Path], option: str = "--output",
                    what: str = "") -> None:
    """Refuse an output ``path`` that is one of the ``inputs`` (the model being read), by
    any path to it: another spelling, a symbolic or a hard link (compared with
    :func:`os.path.samefile`, or resolved when one does not exist)."""
    if standard_stream(path) is not None:
        return
    for model in inputs:
        if same_file(path, model):
            raise ModelError(
                f"cannot write {path}{what}: it is the input file {model}", file=option,
                hint=f"choose another {option} file; writing there would replace the model")


def check_writable(paths: Sequence[Path | tuple[Path, str]], option: str = "--output",
                   inputs: Sequence[Path] = ()) -> None:
    """Refuse, before any work is done, output files that obviously cannot be written: a
    path that is a folder, whose folder does not exist, or that names one of ``inputs``
    (the model being read, also through a link or another spelling of its path). Items are
    paths or ``(path, what)`` pairs, ``what`` saying what the file is for (e.g. " (the state
    graph beside the report)"). Standard output (``-``, ``/dev/stdout``) and existing
    devices or FIFOs are always accepted."""
    for item in paths:
        path, what = item if isinstance(item, tuple) else (item, "")
        check_not_input(path, inputs, option, what)
        if is_special(path):
            continue
        if path.is_dir():
            raise _cannot_write(path, os.strerror(errno.EISDIR), option, what)
        parent = Path(os.path.realpath(path)).parent if path.is_symlink() else path.parent
        if not parent.exists():
            raise _cannot_write(path, os.strerror(errno.ENOENT), option, what)
        if not parent.is_dir():
            raise _cannot_write(path, os.strerror(errno.ENOTDIR), option, what)


#: A file to write: its path, its contents and what it is for ("" for the main output).
OutputFile = tuple[Path, str | bytes, str]


def _encoded(path: Path, data: str | bytes, option: str, what: str) -> bytes:
    """``data`` as UTF-8 bytes; text that cannot be encoded (a lone surrogate) is refused
    before any file is touched."""
    if isinstance(data, bytes):
        return data
    try:
        return data.encode("utf-8")
    except UnicodeEncodeError as err:
        bad = data[err.start]
        raise ModelError(
            f"cannot write {path}{what}: the text holds U+{ord(bad):04X}, a lone surrogate "
            "that UTF-8 cannot encode; nothing was written", file=option,
            hint="remove the character from the model file (it usually comes from a broken "
            "\\u escape in a JSON string)") from None


def write_files(files: Sequence[OutputFile], option: str = "--output",
                inputs: Sequence[Path] = ()) -> None:
    """Write finished contents to files, all or nothing as far as the system allows.

    Every file is checked (:func:`check_writable`, including that none is one of
    ``inputs``) and encoded first; then :func:`standoff.output.replace_files` writes each to
    a temporary file beside it and renames them over their targets only when all are
    complete. A failed or interrupted write leaves existing files as they were and no
    temporary file behind; it raises a :class:`ModelError` naming ``option`` and the path.
    """
    check_writable([(path, what) for path, _, what in files], option, inputs)
    encoded = [(path, _encoded(path, data, option, what)) for path, data, what in files]
    try:
        replace_files(encoded)
    except WriteFailure as err:
        what = next((w for p, _, w in files if p == err.path), "")
        raise _cannot_write(err.path, err.reason, option, what) from None


#: ``-o/--output FILE``: the output file, the same option on every command.
OutputOption = Annotated[Path | None, typer.Option(
    "--output", "-o", help="Write the output to this file instead of printing it.",
    show_default=False)]

#: Other spellings of a ``--format`` name, kept for compatibility: the bargaining commands
#: called the plain-text layout ``text``; every command now calls it ``table``.
FORMAT_ALIASES = {"text": "table"}


def parse_format(value: str, choices: Sequence[str], option: str = "--format") -> str:
    """The format named by ``value`` (a name of ``choices`` or an alias of
    :data:`FORMAT_ALIASES`, any case); anything else is an error located at ``option``."""
    name = value.strip().lower()
    name = FORMAT_ALIASES.get(name, name) if name not in choices else name
    if name not in choices:
        hint = (f"the only format here is {choices[0]}" if len(choices) == 1 else
                "choose " + ", ".join(choices[:-1]) + " or " + choices[-1])
        raise ModelError(f"unknown output format '{value}'", file=option, hint=hint)
    return name


def to_file(output: Path | None) -> bool:
    """Whether ``output`` names a regular file, new or existing (not standard output, ``-``,
    ``/dev/stdout``, a FIFO or a device, which stream to another program)."""
    return output is not None and not is_special(output)


#: The byte-order mark that starts a CSV file, so spreadsheets read it as UTF-8.
CSV_BOM = "\ufeff"


def csv_output(text: str, output: Path | None) -> str:
    """CSV ``text`` as it is written to ``output``: one rule for every CSV of the command
    line. Written to a file (``-o FILE.csv``) it starts with a UTF-8 byte-order mark, so a
    spreadsheet reads the en dash of an irrelevant option, or a name with accents, as UTF-8
    rather than in the system's code page; printed on standard output or written to a FIFO
    (for a pipe, another program) it has no mark."""
    return CSV_BOM + text if to_file(output) and not text.startswith(CSV_BOM) else text


def emit_csv(text: str, output: Path | None, option: str = "--output") -> None:
    """Print CSV ``text`` or write it to ``output`` with a byte-order mark
    (:func:`csv_output`)."""
    emit(csv_output(text, output), output, option)


class ProgressBar:
    """Progress of a long run on standard error, on a terminal only.

    A callable ``(done, total, label)``, the hook the engine and the backtest call before
    each step (a concept for one decision maker, a case). On a terminal (standard error is
    a TTY) the bar starts at once, so it is on the screen within a fraction of a second; its
    spinner and elapsed time keep moving while a long step runs (rich redraws it from its
    own thread), and it is removed when the run ends. Written to a pipe or a file, it prints
    nothing. Use it as a context manager: ``with ProgressBar("analysing") as progress:``.
    """

    def __init__(self, description: str = "working", stream: Any = None) -> None:
        self.description = description
        self.stream = stream
        self.bar: Any = None
        self.task: Any = None

    def __enter__(self) -> ProgressBar:
        stream = self.stream if self.stream is not None else sys.stderr
        if not stream.isatty():
            return self
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            SpinnerColumn,
            TextColumn,
            TimeElapsedColumn,
        )

        console = make_console(file=stream)
        self.bar = Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(),
                            MofNCompleteColumn(), TimeElapsedColumn(), console=console,
                            transient=True)
        self.bar.start()
        self.task = self.bar.add_task(self.description, total=None)
        return self

    def __call__(self, done: int, total: int, label: str) -> None:
        if self.bar is not None:
            self.bar.update(self.task, completed=done, total=total,
                            description=f"{self.description}: {label}")

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.stop()
            self.bar = None


def emit(text: str | bytes, output: Path | None, option: str = "--output") -> None:
    """Print ``text`` on standard output, or write it to ``output`` (atomically, see
    :func:`write_files`). ``text`` is data (JSON, CSV, Markdown) or text already made safe
    for a terminal, or such data already encoded in UTF-8; plain text with model text in it
    goes through :func:`emit_text`."""
    if isinstance(text, bytes):
        if output is None:
            write_standard_stream("stdout", text)
        else:
            write_files([(output, text, "")], option)
        return
    if output is None:
        sys.stdout.write(text)
    else:
        write_files([(output, text, "")], option)


def emit_text(text: str, output: Path | None, option: str = "--output") -> None:
    """Plain text for a reader (the table format): control characters from model text are
    shown as visible escapes (:func:`terminal_text`), on the terminal and in a file."""
    emit(terminal_text(text), output, option)


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
        conflict.dm_parameter(dm, "dm")
    except ParameterError as error:
        raise error.for_option("--dm") from None
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
