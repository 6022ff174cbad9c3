"""Read YAML or JSON documents while remembering where every value came from.

:func:`load_document` returns plain Python data (dicts, lists, scalars) and a
:class:`Locations` map from a value's path (a tuple of keys and list indices) to its
1-based line and column, so later validation can point at the offending line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from standoff.errors import ModelError

Path_ = tuple[str | int, ...]


@dataclass
class Locations:
    """Where each value of a parsed document starts (1-based line and column)."""

    file: str
    spots: dict[Path_, tuple[int, int]] = field(default_factory=dict)

    def find(self, path: Path_) -> tuple[int | None, int | None]:
        """Line and column of ``path``, or of its nearest located ancestor."""
        p = tuple(path)
        while True:
            if p in self.spots:
                return self.spots[p]
            if not p:
                return (None, None)
            p = p[:-1]

    def error(self, path: Path_, message: str, hint: str | None = None) -> ModelError:
        """A :class:`ModelError` located at ``path``."""
        line, col = self.find(path)
        return ModelError(message, file=self.file, line=line, column=col, hint=hint)


class _Loader(yaml.SafeLoader):
    """Safe loader with YAML 1.2 booleans: only true/false, so an option called ``no``, ``on``
    or ``y`` stays a name. Documents are composed into nodes so marks are kept."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)
# YAML 1.2 also reads 1e6 and 2E-3 (no dot) as numbers; YAML 1.1 (PyYAML) reads them as text
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"^[-+]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)[eE][-+]?[0-9]+$"),
    list("-+0123456789."),
)


MAX_FILE_BYTES = 64 * 2**20
MAX_VALUES = 2_000_000
MAX_DEPTH = 100


def _to_python(node: yaml.Node, path: Path_, locs: Locations, loader: _Loader) -> Any:
    if len(locs.spots) > MAX_VALUES:
        raise locs.error(
            path,
            f"the document expands to more than {MAX_VALUES:,} values",
            "avoid repeated YAML aliases (*name); write the model out plainly",
        )
    if len(path) > MAX_DEPTH:
        raise locs.error(path, f"the document is nested more than {MAX_DEPTH} levels deep",
                         "a model file needs only a few levels of nesting")
    locs.spots[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
    if isinstance(node, yaml.MappingNode):
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            if isinstance(key, list | dict):
                raise locs.error(path, "a mapping key must be a plain name, not a list or mapping")
            if key in out:
                line = key_node.start_mark.line + 1
                raise ModelError(
                    f"duplicate key '{key}'",
                    file=locs.file,
                    line=line,
                    column=key_node.start_mark.column + 1,
                    hint="each key may appear once in a mapping; merge or rename the entries",
                )
            child = (*path, key)
            locs.spots[child] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            value = _to_python(value_node, child, locs, loader)
            locs.spots[child] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            out[key] = value
        return out
    if isinstance(node, yaml.SequenceNode):
        return [
            _to_python(item, (*path, i), locs, loader) for i, item in enumerate(node.value)
        ]
    return loader.construct_object(node, deep=True)


def parse_text(text: str, file: str) -> tuple[Any, Locations]:
    """Parse YAML (or JSON, which YAML reads too) text; raise :class:`ModelError` on bad syntax."""
    locs = Locations(file=file)
    if file.lower().endswith(".json") or text.lstrip().startswith(("{", "[")):
        # JSON is read as YAML (which keeps line numbers), but YAML does not allow tabs
        # where JSON does; in valid JSON a raw tab can only be white space between tokens.
        text = text.replace("\t", " ")
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            raise ModelError(
                "the file is empty", file=file, line=1, column=1,
                hint="start from an example in examples/ (see README)",
            )
        data = _to_python(node, (), locs, loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        col = mark.column + 1 if mark else None
        problem = exc.problem or exc.context or "invalid syntax"
        raise ModelError(
            f"YAML syntax error: {problem}",
            file=file,
            line=line,
            column=col,
            hint="check indentation, colons and quotes on this line; quote text that "
            "contains ':' or '#'",
        ) from None
    except yaml.YAMLError as exc:  # pragma: no cover - other parser failures
        raise ModelError(f"YAML syntax error: {exc}", file=file) from None
    finally:
        loader.dispose()
    return data, locs


def load_document(path: str | Path) -> tuple[Any, Locations]:
    """Read a YAML or JSON file, returning its data and where each value sits."""
    p = Path(path)
    shown = str(path)
    try:
        if p.is_file() and p.stat().st_size > MAX_FILE_BYTES:
            raise ModelError(
                f"the file is larger than {MAX_FILE_BYTES // 2**20} MiB",
                file=shown,
                hint="a model file is a description of a conflict, not data; check the path",
            )
        raw = p.read_bytes()
    except FileNotFoundError:
        raise ModelError(
            "file not found", file=shown, hint="check the path; run from the project folder"
        ) from None
    except IsADirectoryError:
        raise ModelError("this is a folder, not a model file", file=shown) from None
    except OSError as exc:
        raise ModelError(f"cannot read the file: {exc.strerror}", file=shown) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ModelError(
            f"the file is not UTF-8 text (byte {exc.start})",
            file=shown,
            hint="save the file as UTF-8",
        ) from None
    return parse_text(text, shown)
