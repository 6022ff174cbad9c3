"""Read a user's input file safely: a regular file only, size-capped, decoded with a located error.

Every file standoff reads on a user's behalf (model files, the source texts they cite as
evidence, KTAB CSV and decide TSV imports, the DEU III data) goes through
:func:`read_user_text`, so that a hostile or mistaken path ends in a located
:class:`~standoff.errors.ModelError` (exit code 2) within bounded time and memory:

* only a regular file is read: a folder, a device such as ``/dev/zero``, a named pipe (FIFO)
  or a socket is refused before a byte is read (the file is opened without blocking, so a
  FIFO with no writer cannot hang the program, and checked again once open);
* at most ``max_bytes + 1`` bytes are read, so a file larger than the cap is refused
  without being loaded (and a file that grows while it is read cannot exceed it);
* the bytes are decoded as UTF-8 (a leading byte-order mark is dropped); a byte that is not
  UTF-8 is reported by line and column, unless the caller names a fallback encoding.
"""

from __future__ import annotations

import codecs
import itertools
import os
import stat
from collections.abc import Iterable
from pathlib import Path

from standoff.errors import ModelError

#: The largest model file (YAML or JSON) read: a model describes a conflict and needs far
#: less; the YAML limits in :mod:`standoff.model.yamlio` bound the work within it.
MAX_MODEL_BYTES = 2 * 2**20
#: The largest source text (``sources: NAME: file:``) read to check quotes against.
MAX_SOURCE_BYTES = 8 * 2**20
#: The largest bargaining data file (KTAB CSV, decide TSV, the DEU III copy) read.
MAX_DATA_BYTES = 2**20

_MODEL_SUFFIXES = (".yaml", ".yml", ".json")


def size_text(size: int) -> str:
    """``size`` bytes in words: ``2 MiB``, ``512 KiB`` or ``100 bytes``."""
    if size >= 2**20 and size % 2**20 == 0:
        return f"{size // 2**20} MiB"
    if size >= 2**10 and size % 2**10 == 0:
        return f"{size // 2**10} KiB"
    return f"{size:,} bytes"


def _kind(mode: int) -> str | None:
    """What a file that is not a regular file is, in words (None for a regular file)."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def folder_hint(folder: Path, what: str, suffixes: Iterable[str] = _MODEL_SUFFIXES) -> str:
    """How to name a file instead of ``folder``, with up to three candidates found in it."""
    wanted = tuple(s.lower() for s in suffixes)
    try:
        found = sorted(itertools.islice(
            (f for f in folder.iterdir() if f.suffix.lower() in wanted and f.is_file()), 50))
    except OSError:
        found = []
    if not found:
        return f"give the path of a {what}, not of a folder"
    return f"give the path of the {what} itself, e.g. " + " or ".join(str(f) for f in found[:3])


def read_user_bytes(path: str | Path, max_bytes: int, what: str = "file",
                    suffixes: Iterable[str] = _MODEL_SUFFIXES) -> bytes:
    """The bytes of the regular file ``path``, at most ``max_bytes`` of them.

    ``what`` names the file in messages (``model file``, ``data file``); ``suffixes`` are
    the endings of candidate files suggested when ``path`` is a folder. Raises a
    :class:`ModelError` naming ``path`` if it does not exist, is not a regular file, cannot
    be read or is larger than ``max_bytes``.
    """
    shown = str(path)
    p = Path(path)
    try:
        # no blocking: opening a FIFO for reading would otherwise wait for a writer
        fd = os.open(p, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except FileNotFoundError:
        raise ModelError("file not found", file=shown,
                         hint="check the path; run from the project folder") from None
    except IsADirectoryError:
        raise ModelError(f"this is a folder, not a {what}", file=shown,
                         hint=folder_hint(p, what, suffixes)) from None
    except OSError as exc:
        if p.is_dir():  # Windows reports a folder as 'permission denied'
            raise ModelError(f"this is a folder, not a {what}", file=shown,
                             hint=folder_hint(p, what, suffixes)) from None
        raise ModelError(f"cannot open the file: {exc.strerror or exc}", file=shown,
                         hint="check the path and the file's permissions") from None
    try:
        kind = _kind(os.fstat(fd).st_mode)
        if kind == "a folder":
            raise ModelError(f"this is a folder, not a {what}", file=shown,
                             hint=folder_hint(p, what, suffixes))
        if kind is not None:
            raise ModelError(
                f"this is {kind}, not a regular file: only regular files are read",
                file=shown,
                hint=f"save the {what} to an ordinary file and give its path",
            )
        with os.fdopen(fd, "rb") as handle:
            fd = -1  # closed with the handle
            raw = handle.read(max_bytes + 1)
    except OSError as exc:
        raise ModelError(f"cannot read the file: {exc.strerror or exc}", file=shown,
                         hint="check the path and the file's permissions") from None
    finally:
        if fd >= 0:
            os.close(fd)
    if len(raw) > max_bytes:
        raise ModelError(
            f"the file is larger than {size_text(max_bytes)}, the most read for a {what}",
            file=shown,
            hint=f"a {what} this large is almost surely the wrong file; check the path",
        )
    return raw


def decode_error(raw: bytes, exc: UnicodeDecodeError, file: str) -> ModelError:
    """A located error for bytes of ``raw`` that are not UTF-8 (``exc`` from decoding
    ``raw`` as UTF-8; a byte-order mark already removed, as it is not a column)."""
    start = exc.start
    line = raw.count(b"\n", 0, start) + 1
    line_start = raw.rfind(b"\n", 0, start) + 1
    column = len(raw[line_start:start].decode("utf-8", errors="replace")) + 1
    bad = raw[start:exc.end].hex(" ").upper()
    return ModelError(
        f"the file is not UTF-8 text: byte{'s' if exc.end - start > 1 else ''} {bad} "
        "cannot be read as UTF-8 (perhaps the file was saved as Latin-1 or Windows-1252)",
        file=file, line=line, column=column,
        hint="save the file as UTF-8 (in most editors: 'Save as' and choose the encoding "
        "UTF-8)",
    )


def read_user_text(path: str | Path, max_bytes: int, what: str = "file",
                   fallback_encoding: str | None = None,
                   suffixes: Iterable[str] = _MODEL_SUFFIXES) -> str:
    """The text of the regular file ``path`` (see :func:`read_user_bytes`), decoded as UTF-8.

    A leading byte-order mark is dropped. Bytes that are not UTF-8 are a located
    :class:`ModelError` (line and column of the first bad byte) unless ``fallback_encoding``
    is given, in which case the whole file is decoded with it instead.
    """
    raw = read_user_bytes(path, max_bytes, what, suffixes)
    body = raw[len(codecs.BOM_UTF8):] if raw.startswith(codecs.BOM_UTF8) else raw
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as exc:
        if fallback_encoding is not None:
            try:
                return raw.decode(fallback_encoding)
            except UnicodeDecodeError:
                pass
        raise decode_error(body, exc, str(path)) from None
