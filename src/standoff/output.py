"""What standoff writes, made safe: files replaced atomically, text made harmless for a
terminal, CSV cells made harmless for a spreadsheet.

* :func:`replace_files` writes finished contents to files. Each regular file is written to a
  temporary file in the same folder, flushed to disk, and only then renamed over the target
  (:func:`os.replace`), so an existing file is either left as it was or replaced whole: a
  write that fails or is interrupted (a full disk, a file-size limit, Ctrl-C) never leaves
  half a file. Several files (a Markdown report and its pictures) are all written to
  temporary files first and renamed only when every one is complete.
* :func:`terminal_text` shows control characters in model text as visible escapes
  (``\\x1b``), so a name cannot move the cursor, clear the screen or retitle the window.
* :func:`csv_text` prefixes a text cell that a spreadsheet would read as a formula with a
  single quote (the OWASP advice against CSV injection).
"""

from __future__ import annotations

import contextlib
import os
import re
import stat
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import BinaryIO

#: How ``-o`` names standard output (and standard error): written there, never replaced.
STANDARD_STREAMS = {
    "-": "stdout", "/dev/stdout": "stdout", "/dev/fd/1": "stdout", "/proc/self/fd/1": "stdout",
    "/dev/stderr": "stderr", "/dev/fd/2": "stderr", "/proc/self/fd/2": "stderr",
}


class WriteFailure(Exception):
    """A file could not be written; ``path`` is the path as given, ``reason`` why."""

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(f"cannot write {path}: {reason}")
        self.path = path
        self.reason = reason


def standard_stream(path: Path) -> str | None:
    """``"stdout"`` or ``"stderr"`` when ``path`` names one of them (``-``,
    ``/dev/stdout``…), else ``None``."""
    return STANDARD_STREAMS.get(str(path))


def is_special(path: Path) -> bool:
    """True for a standard stream, or an existing target that is not a regular file (a
    character device such as ``/dev/null``, a FIFO, a socket): those are written directly,
    since they cannot be replaced by renaming."""
    if standard_stream(path) is not None:
        return True
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return False
    return not stat.S_ISREG(mode) and not stat.S_ISDIR(mode)


def same_file(a: Path, b: Path) -> bool:
    """Whether ``a`` and ``b`` name the same file (through links, ``..`` or another
    spelling); paths that do not both exist are compared resolved."""
    try:
        return os.path.samefile(a, b)
    except OSError:
        return os.path.realpath(a) == os.path.realpath(b)


def _current_umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def _temporary_copy(target: Path, data: bytes) -> Path:
    """Write ``data`` to a new temporary file beside ``target`` (same folder, so renaming
    is atomic), with the target's permissions (or the usual ones for a new file), flushed to
    disk. Returns the temporary file's path; on any failure it is removed again."""
    prefix = f".{target.name[:80]}."
    fd, name = tempfile.mkstemp(prefix=prefix, suffix=".part", dir=target.parent)
    temp = Path(name)
    try:
        try:
            info = os.stat(target)
        except FileNotFoundError:
            os.fchmod(fd, 0o666 & ~_current_umask())
        else:
            os.fchmod(fd, stat.S_IMODE(info.st_mode))
            if hasattr(os, "fchown") and (info.st_uid, info.st_gid) != (os.getuid(), os.getgid()):
                with contextlib.suppress(OSError):
                    os.fchown(fd, info.st_uid, info.st_gid)
        _write_all(fd, data)
        os.fsync(fd)
    except BaseException:
        os.close(fd)
        with contextlib.suppress(OSError):
            temp.unlink()
        raise
    os.close(fd)
    return temp


def _sync_folder(folder: Path) -> None:
    """Flush a folder's entries (the rename) to disk, where the system allows it."""
    with contextlib.suppress(OSError, AttributeError):
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _write_stream(name: str, data: bytes) -> None:
    """Write to standard output or error as the program prints (flushing text first)."""
    stream = sys.stdout if name == "stdout" else sys.stderr
    stream.flush()
    buffer: BinaryIO | None = getattr(stream, "buffer", None)
    if buffer is not None:
        buffer.write(data)
        buffer.flush()
    else:  # a text stream without bytes underneath (e.g. captured output)
        stream.write(data.decode("utf-8"))
        stream.flush()


def write_standard_stream(name: str, data: bytes) -> None:
    """Write ``data`` to standard output (``name`` ``"stdout"``) or error (``"stderr"``) as
    the program prints, flushing the text written before."""
    _write_stream(name, data)


def replace_files(files: Sequence[tuple[Path, bytes]]) -> None:
    """Write each ``(path, data)``, replacing each regular file whole or not at all.

    Every regular target (new, or an existing regular file) gets a temporary file in its
    folder; only when all of them are written and flushed are they renamed over their
    targets, in order. A symbolic link is written through: the file it points to is
    replaced, the link kept. A standard stream (``-``, ``/dev/stdout``) or an existing
    target that is not a regular file (a device, a FIFO) is written directly, after the
    temporary files are complete. An existing file keeps its permission bits (and, where
    the system allows, its owner); a file we may not write is refused as before, not
    replaced. Any failure or interruption removes the temporary files not yet renamed and
    raises (:class:`WriteFailure` for an operating-system error).
    """
    temps: list[tuple[Path, Path | None]] = []  # (target, temporary file or None)
    try:
        for path, data in files:
            if is_special(path):
                temps.append((path, None))
                continue
            target = Path(os.path.realpath(path))
            try:
                if target.exists() and not os.access(target, os.W_OK):
                    raise PermissionError(13, os.strerror(13))
                temps.append((target, _temporary_copy(target, data)))
            except OSError as err:
                raise WriteFailure(path, err.strerror or str(err)) from None
        folders = []
        for k, ((path, data), (target, temp)) in enumerate(zip(files, temps, strict=True)):
            try:
                if temp is None:
                    stream = standard_stream(path)
                    if stream is not None:
                        _write_stream(stream, data)
                    else:
                        with open(path, "wb") as handle:
                            handle.write(data)
                    continue
                os.replace(temp, target)
            except OSError as err:
                raise WriteFailure(path, err.strerror or str(err)) from None
            temps[k] = (target, None)
            folders.append(target.parent)
        for folder in dict.fromkeys(folders):
            _sync_folder(folder)
    finally:
        for _, temp in temps:
            if temp is not None:
                with contextlib.suppress(OSError):
                    temp.unlink()


# -- text for a terminal ----------------------------------------------------------------------

#: C0 controls but tab and newline, DEL, the C1 controls, and lone surrogates (which
#: cannot be encoded); ESC starts every terminal escape sequence.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")


def _visible(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def terminal_text(text: str) -> str:
    """``text`` with every control character but newline and tab (ESC, CR, BEL, DEL, the
    C1 controls…) and every lone surrogate shown as a visible escape (``\\x1b``,
    ``\\ud800``): printed, it shows what the model says and cannot drive the terminal."""
    return _CONTROL.sub(_visible, text) if _CONTROL.search(text) else text


def has_control(text: str) -> bool:
    """Whether :func:`terminal_text` would change ``text``."""
    return _CONTROL.search(text) is not None


# -- JSON ---------------------------------------------------------------------------------------

#: Characters JSON may carry raw but a terminal may act on (DEL, C1 controls), that cannot
#: be encoded (lone surrogates), or that break JavaScript (U+2028, U+2029).
_JSON_RAW = re.compile("[\x7f-\x9f\ud800-\udfff\u2028\u2029]")


def json_text(document: object) -> str:
    """``document`` as indented JSON (non-ASCII text kept readable) with a final newline.
    JSON escapes the C0 controls itself; DEL, the C1 controls, lone surrogates and the
    line and paragraph separators are written as ``\\uXXXX`` escapes too, so the text is the
    same data and safe to print on a terminal."""
    import json

    text = json.dumps(document, indent=2, ensure_ascii=False)
    return _JSON_RAW.sub(lambda m: f"\\u{ord(m.group()):04x}", text) + "\n"


def json_string(text: str) -> str:
    """``text`` as a JSON string literal, exactly as :func:`json_text` writes it inside a
    document (quoted, C0 controls, quotes and backslashes escaped by :mod:`json`, then the
    :data:`_JSON_RAW` characters as ``\\uXXXX``).

    >>> json_string('a "b"\\u2028') == json_text('a "b"\\u2028').rstrip("\\n")
    True
    """
    import json

    quoted = json.dumps(text, ensure_ascii=False)
    return _JSON_RAW.sub(lambda m: f"\\u{ord(m.group()):04x}", quoted)


def json_spliced(document: object, parts: Mapping[str, Callable[[int], Iterable[str]]]) -> str:
    """:func:`json_text` of ``document`` in which each string value that is a key of
    ``parts`` (a placeholder, see :func:`splice_token`) is replaced by the text
    ``parts[key](indent)`` yields: JSON written by hand for a long value (a list of a million
    states), given the indentation of the line that holds the placeholder, so that the
    result is the text :func:`json_text` would write for the document with those values in
    place. Only the small document goes through :mod:`json`."""
    return "".join(_spliced_pieces(document, parts))


def json_spliced_utf8(document: object,
                      parts: Mapping[str, Callable[[int], Iterable[str]]]) -> bytes:
    """:func:`json_spliced` encoded in UTF-8, piece by piece: a long listing, whose patterns
    hold ``–`` (so that Python keeps its text at two bytes a character), is held as text
    one block at a time and whole only as bytes. JSON text from :func:`json_text` and
    :func:`json_string` has no lone surrogate, so it always encodes."""
    return b"".join(piece.encode("utf-8") for piece in _spliced_pieces(document, parts))


def _spliced_pieces(document: object,
                    parts: Mapping[str, Callable[[int], Iterable[str]]]) -> Iterator[str]:
    text = json_text(document)
    found = []
    for token in parts:
        at = text.find(f'"{token}"')
        if at < 0 or text.find(f'"{token}"', at + 1) >= 0:
            raise ValueError(f"placeholder {token} not found once in the JSON document")
        found.append((at, token))
    done = 0
    for at, token in sorted(found):
        line = text.rfind("\n", 0, at) + 1
        indent = line
        while text[indent] == " ":
            indent += 1
        yield text[done:at]
        yield from parts[token](indent - line)
        done = at + len(token) + 2
    yield text[done:]


def splice_token() -> str:
    """A fresh placeholder for :func:`json_spliced`: random, so that no text from a model
    can be mistaken for it."""
    import secrets

    return f"standoff-splice-{secrets.token_hex(16)}"


# -- CSV cells -----------------------------------------------------------------------------

#: What makes a spreadsheet read a cell as a formula (OWASP, "CSV injection").
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_text(value: object) -> str:
    """A text cell taken from the model (an id, a name, a variant) for a CSV file: control
    characters escaped as in :func:`terminal_text`, and a leading ``=``, ``+``, ``-``,
    ``@``, tab or carriage return prefixed with a single quote, so that a spreadsheet
    shows the text instead of evaluating it. Numbers the tool computes are written as
    numbers, not through this function (a negative position stays a number)."""
    text = str(value)
    if text.startswith(FORMULA_START):
        text = "'" + text
    return terminal_text(text)
