"""The served folder: which model files it holds, and safe reads and writes inside it.

Every path comes from the browser relative to the folder. :meth:`Folder.resolve` refuses
absolute paths, ``..`` and anything that, once symbolic links are followed, lies outside
the folder. :meth:`Folder.save` writes atomically (a temporary file in the same folder, then
``os.replace``) and keeps the previous version as ``NAME.bak``; nothing is ever written
outside the folder.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from standoff.errors import ModelError

#: File name endings of model files.
MODEL_SUFFIXES = (".yaml", ".yml", ".json")
#: Ending added to the previous version of a saved file.
BACKUP_SUFFIX = ".bak"
#: At most this many files are listed.
MAX_LISTED_FILES = 1000


class PathRefused(ModelError):
    """A path the workbench will not read or write (outside the folder, not a model file)."""


@dataclass(frozen=True)
class Folder:
    """The folder named on the command line; every file the workbench touches is in it."""

    root: Path

    @classmethod
    def open(cls, folder: str | Path) -> Folder:
        """The folder, resolved; a :class:`ModelError` if it is not a folder."""
        path = Path(folder).expanduser()
        if not path.exists():
            raise ModelError("folder not found", file=str(folder),
                             hint="give an existing folder of model files, e.g. examples/")
        if not path.is_dir():
            raise ModelError("this is a file, not a folder", file=str(folder),
                             hint="give the folder that holds the model files, e.g. "
                             f"'standoff serve {path.parent or '.'}'")
        return cls(path.resolve())

    def resolve(self, relative: str) -> Path:
        """The absolute path of ``relative`` (a path inside the folder, ``/``-separated).

        Raises :class:`PathRefused` for an empty path, an absolute path, a ``..`` part, a
        backslash or NUL, and a path that leads outside the folder through a symbolic link.
        """
        shown = relative
        if not isinstance(relative, str) or not relative.strip():
            raise PathRefused("no file name given", file="path",
                              hint="give a path inside the served folder, e.g. elmira.yaml")
        if "\x00" in relative or "\\" in relative:
            raise PathRefused("the path contains a backslash or NUL character", file=shown,
                              hint="use '/' between folder names")
        pure = PurePosixPath(relative)
        if pure.is_absolute() or relative.startswith("~") or (
                len(relative) > 1 and relative[1] == ":"):
            raise PathRefused("absolute paths are refused", file=shown,
                              hint="give the path relative to the served folder")
        if ".." in pure.parts:
            raise PathRefused("'..' is refused: the workbench only reads and writes inside "
                              "the folder it serves", file=shown,
                              hint="give a path inside the served folder")
        target = (self.root / pure).resolve()
        if not target.is_relative_to(self.root):
            raise PathRefused("the path leads outside the served folder (through a symbolic "
                              "link)", file=shown,
                              hint="copy the file into the served folder instead")
        return target

    def relative(self, path: Path) -> str:
        """``path`` relative to the folder, ``/``-separated."""
        return path.relative_to(self.root).as_posix()

    def models(self) -> list[dict]:
        """The model files in the folder and its subfolders (hidden files, backups and
        links out of the folder left out), sorted by path."""
        found = []
        for dirpath, dirnames, filenames in os.walk(self.root, followlinks=False):
            dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
            for name in sorted(filenames):
                if name.startswith(".") or not name.lower().endswith(MODEL_SUFFIXES):
                    continue
                path = Path(dirpath) / name
                try:
                    real = path.resolve()
                    if not real.is_relative_to(self.root) or not real.is_file():
                        continue
                    stat = real.stat()
                except OSError:
                    continue
                found.append({"path": self.relative(path), "bytes": stat.st_size,
                              "modified": stat.st_mtime})
                if len(found) >= MAX_LISTED_FILES:
                    return found
        return found

    def read(self, relative: str, limit: int) -> str:
        """The text of a model file in the folder (UTF-8, at most ``limit`` bytes)."""
        path = self.resolve(relative)
        if not path.is_file():
            raise ModelError("file not found", file=relative,
                             hint="choose a file from the list, or save a new one")
        if path.stat().st_size > limit:
            raise ModelError(f"the file is larger than {limit // 2**20} MiB", file=relative,
                             hint="a model file is a description of a conflict, not data; "
                             "check the path")
        try:
            return path.read_bytes().decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ModelError(f"the file is not UTF-8 text (byte {exc.start})", file=relative,
                             hint="save the file as UTF-8") from None

    def save(self, relative: str, text: str) -> dict:
        """Write ``text`` to a model file in the folder, atomically, keeping the previous
        version as ``NAME.bak``. The folder the file goes in must already exist."""
        path = self.resolve(relative)
        if not path.name.lower().endswith(MODEL_SUFFIXES):
            raise PathRefused("only model files can be saved", file=relative,
                              hint="name the file NAME.yaml, NAME.yml or NAME.json")
        if path.is_dir():
            raise PathRefused("this is a folder, not a model file", file=relative,
                              hint="choose another file name")
        if not path.parent.is_dir():
            raise PathRefused(f"the folder '{self.relative(path.parent)}' does not exist",
                              file=relative, hint="create it first, or save in an existing "
                              "folder")
        data = text.encode("utf-8")
        backup = None
        if path.exists():
            backup = path.with_name(path.name + BACKUP_SUFFIX)
            _atomic_write(backup, path.read_bytes())
        _atomic_write(path, data)
        return {"path": self.relative(path), "bytes": len(data),
                "backup": None if backup is None else self.relative(backup)}


def _atomic_write(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that readers see the old or the new file, never half of
    one: a temporary file in the same folder, flushed to disk, then renamed over it."""
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp",
                                         dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        if path.exists():
            with contextlib.suppress(OSError):
                os.chmod(temporary, path.stat().st_mode & 0o777)
        else:
            os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
