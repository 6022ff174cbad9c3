"""Read YAML or JSON documents while remembering where every value came from.

:func:`load_document` returns plain Python data (dicts, lists, scalars) and a
:class:`Locations` map from a value's path (a tuple of keys and list indices) to its
1-based line and column, so later validation can point at the offending line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml
from yaml.composer import Composer
from yaml.constructor import SafeConstructor
from yaml.resolver import Resolver

from standoff.errors import ModelError
from standoff.model.files import MAX_MODEL_BYTES, read_user_text

Path_ = tuple[str | int, ...]

#: The largest model or bargaining file read (re-exported from :mod:`standoff.model.files`).
MAX_FILE_BYTES = MAX_MODEL_BYTES
#: The most values (lists, mappings and scalars; a mapping entry counts once) a document may
#: hold or expand to through aliases. Counted while the document is composed, before any
#: Python value is built; with libyaml a document at the limit is read in about a second
#: and under 100 MB, and a model file needs far fewer values.
MAX_VALUES = 100_000
MAX_DEPTH = 100
#: Where aliases are used is remembered for this many of them (for messages); a document
#: with more is still measured, its later aliases reported at the list or mapping using them.
MAX_ALIAS_MARKS = 100_000

_TOO_MANY_HINT = ("a model file needs far fewer values; check that this is the right file and "
                  "avoid repeated YAML aliases (*name)")


@dataclass
class Locations:
    """Where each value of a parsed document starts (1-based line and column).

    ``texts`` and ``key_texts`` keep the text as written of plain scalar values and mapping
    keys that YAML did not read as text (``0x10`` is read as the number 16, ``~`` as null),
    so a message can say what to quote.
    """

    file: str
    spots: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    texts: dict[Path_, str] = field(default_factory=dict)
    key_texts: dict[Path_, str] = field(default_factory=dict)

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


#: Where an alias (``*name``) is used: (id of the list or mapping holding it, position of the
#: entry there, whether it is a mapping key) -> (anchor name, line, column of the alias).
AliasUses = dict[tuple[int, int, bool], tuple[str, int, int]]


try:  # libyaml's event parser (part of PyYAML's wheels): about five times faster
    from yaml._yaml import CParser

    _LibyamlParser: type[CParser] | None = CParser
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    _LibyamlParser = None

if TYPE_CHECKING:
    # the mixin below is only ever combined with a full PyYAML loader (parser, composer,
    # constructor, resolver): type-check it as one
    _LoaderBase = yaml.SafeLoader
else:
    _LoaderBase = object


class _Counting(_LoaderBase):
    """Composing for standoff's loaders (mixed into a PyYAML loader class).

    Composing counts every node as it is made and refuses a document with more than
    :data:`MAX_VALUES` values or nested deeper than :data:`MAX_DEPTH` (PyYAML's composer
    would hit Python's recursion limit) at once, records where each alias is used, so that
    :func:`measure` can point at the alias that makes a document explode, and which scalars
    carry an explicit tag (``!!bool maybe``), for messages.
    """

    def __init__(self, stream: str, file: str = "<input>") -> None:
        super().__init__(stream)
        self.start_counting(file)

    def start_counting(self, file: str) -> None:
        """Set up the counts and records for a new document from ``file``."""
        self.file = file
        self.depth = 0
        self.composed = 0
        self.alias_uses: AliasUses = {}
        #: ids of the scalar nodes whose tag is written in the file (``!!bool maybe``)
        self.explicit_tags: set[int] = set()

    # types-PyYAML types ``anchor`` as a dict; PyYAML passes the anchor's name (or None)
    def compose_scalar_node(self, anchor: str | None) -> yaml.ScalarNode:  # type: ignore[override]
        """Compose a scalar, noting whether its tag was written explicitly."""
        event = self.peek_event()
        explicit = getattr(event, "tag", None) not in (None, "!")
        node = super().compose_scalar_node(anchor)  # type: ignore[arg-type]  # as above
        if explicit:
            self.explicit_tags.add(id(node))
        return node

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node | None:
        """Compose one node, noting alias uses and refusing excessive size or nesting."""
        event = self.peek_event()
        line, column = _event_position(event)
        is_key = index is None and isinstance(parent, yaml.MappingNode)
        if not is_key:
            # every value composed (or alias used) is at least one value of the loaded
            # document; a mapping entry's key and value count once together
            self.composed += 1
            if self.composed > MAX_VALUES:
                raise ModelError(
                    f"the document expands to more than {MAX_VALUES:,} values",
                    file=self.file, line=line, column=column, hint=_TOO_MANY_HINT,
                )
        if isinstance(event, yaml.AliasEvent):
            if parent is not None and len(self.alias_uses) < MAX_ALIAS_MARKS:
                self.alias_uses[(id(parent), len(parent.value), is_key)] = (
                    str(event.anchor), line or 0, column or 0,
                )
            return super().compose_node(parent, index)
        if self.depth > MAX_DEPTH:
            raise _too_deep(self.file, line, column)
        self.depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


def _event_position(event: yaml.Event | None) -> tuple[int | None, int | None]:
    """The 1-based line and column where a parser event starts (None where not known)."""
    mark = event.start_mark if event is not None else None
    if mark is None:
        return None, None
    return mark.line + 1, mark.column + 1


class _PureLoader(_Counting, yaml.SafeLoader):
    """The loader on PyYAML's pure-Python scanner and parser (used without libyaml)."""


if _LibyamlParser is not None:
    class _LibyamlLoader(_Counting, Composer, CParser, SafeConstructor, Resolver):
        """The loader on libyaml's scanner and parser, with PyYAML's own composer (so that
        nodes are counted as they are composed) and safe constructor."""

        def __init__(self, stream: str, file: str = "<input>") -> None:
            CParser.__init__(self, stream)
            SafeConstructor.__init__(self)
            Resolver.__init__(self)
            Composer.__init__(self)
            self.start_counting(file)

    _Loader: type = _LibyamlLoader
else:  # pragma: no cover - PyYAML built without libyaml
    _Loader = _PureLoader


def _yaml_12_numbers_and_booleans(loader: type) -> None:
    """YAML 1.2 booleans (only true/false, so an option called ``no``, ``on`` or ``y`` stays
    a name) and exponents without a dot (``1e6``) read as numbers, on ``loader``."""
    loader.yaml_implicit_resolvers = {  # type: ignore[attr-defined]
        first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:bool"]
        for first, resolvers in Resolver.yaml_implicit_resolvers.items()
    }
    loader.add_implicit_resolver(  # type: ignore[attr-defined]
        "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
        list("tTfF"),
    )
    # YAML 1.2 also reads 1e6 and 2E-3 (no dot) as numbers; YAML 1.1 (PyYAML) reads them as
    # text
    loader.add_implicit_resolver(  # type: ignore[attr-defined]
        "tag:yaml.org,2002:float",
        re.compile(r"^[-+]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)[eE][-+]?[0-9]+$"),
        list("-+0123456789."),
    )


for _cls in {_PureLoader, _Loader}:
    _yaml_12_numbers_and_booleans(_cls)


def _too_deep(file: str, line: int | None, column: int | None, via: str = "") -> ModelError:
    return ModelError(
        f"the document is nested more than {MAX_DEPTH} levels deep{via}",
        file=file, line=line, column=column,
        hint="a model file needs only a few levels of nesting",
    )


@dataclass
class Expansion:
    """The size of a composed document once every alias is expanded.

    Attributes:
        values: how many values (lists, mappings and scalars; a mapping entry counts once)
            the document expands to, i.e. how many Python objects loading it would build.
        depth: how deeply the expanded document is nested (a lone scalar has depth 1).
        nodes: how many distinct nodes were visited to find out: the work done, which
            grows with the length of the file, not with the expanded size.
    """

    values: int
    depth: int
    nodes: int


class _Measure:
    """Walk a node graph once per distinct node, memoising each node's expanded size.

    Aliases share node objects, so a node reached again is an alias use: its size is
    taken from the memo instead of being walked again. ``total`` counts values in document
    order, so the alias that pushes it over the limit is the one reported.
    """

    def __init__(self, file: str, aliases: AliasUses, max_values: int, max_depth: int) -> None:
        self.file = file
        self.aliases = aliases
        self.max_values = max_values
        self.max_depth = max_depth
        self.memo: dict[int, tuple[int, int]] = {}
        self.open: set[int] = set()
        self.total = 0

    def where(self, node: yaml.Node) -> tuple[int, int]:
        return node.start_mark.line + 1, node.start_mark.column + 1

    def alias(self, parent: yaml.Node, position: int, is_key: bool) -> tuple[str, int, int]:
        """``(description, line, column)`` of the alias at entry ``position`` of ``parent``
        (the place of ``parent`` if the loader did not record the alias)."""
        used = self.aliases.get((id(parent), position, is_key))
        if used is None:
            line, column = self.where(parent)
            return "an alias in the list or mapping here", line, column
        anchor, line, column = used
        return f"the alias *{anchor}", line, column

    def child(self, parent: yaml.Node, position: int, is_key: bool, node: yaml.Node,
              level: int) -> tuple[int, int]:
        """Size and depth of ``node``, the entry ``position`` of ``parent`` at ``level``."""
        key = id(node)
        if key in self.open:
            name, line, column = self.alias(parent, position, is_key)
            anchor_line, _ = self.where(node)
            raise ModelError(
                f"{name} is used inside the value it names (line {anchor_line}), so the "
                "document would be infinitely deep",
                file=self.file, line=line, column=column,
                hint="an alias may only repeat a value that is complete before it; write the "
                "value out instead",
            )
        if key not in self.memo:
            return self.visit(node, level)
        values, depth = self.memo[key]
        name, line, column = self.alias(parent, position, is_key)
        if level + depth - 1 > self.max_depth:
            raise _too_deep(self.file, line, column, f" (through {name})")
        self.total += values
        if self.total > self.max_values:
            anchor_line, _ = self.where(node)
            raise ModelError(
                f"the document expands to more than {self.max_values:,} values: {name} "
                f"repeats {values:,} values (defined on line {anchor_line})",
                file=self.file, line=line, column=column,
                hint="avoid repeated YAML aliases (*name); write the model out plainly",
            )
        return values, depth

    def visit(self, node: yaml.Node, level: int) -> tuple[int, int]:
        """Size and depth of a node met for the first time, at nesting ``level`` (0 = root)."""
        line, column = self.where(node)
        if level > self.max_depth:
            raise _too_deep(self.file, line, column)
        self.total += 1
        if self.total > self.max_values:
            raise ModelError(
                f"the document expands to more than {self.max_values:,} values",
                file=self.file, line=line, column=column, hint=_TOO_MANY_HINT,
            )
        before = self.total
        depth = 0
        self.open.add(id(node))
        if isinstance(node, yaml.MappingNode):
            for k, (key_node, value_node) in enumerate(node.value):
                if not isinstance(key_node, yaml.ScalarNode):
                    used = self.aliases.get((id(node), k, True))
                    key_line, key_column = used[1:] if used else self.where(key_node)
                    raise ModelError(
                        "a mapping key must be a plain name, not a list or mapping",
                        file=self.file, line=key_line, column=key_column,
                        hint="write the key as a name followed by ':'",
                    )
                _, d = self.child(node, k, False, value_node, level + 1)
                depth = max(depth, d)
        elif isinstance(node, yaml.SequenceNode):
            for k, item in enumerate(node.value):
                _, d = self.child(node, k, False, item, level + 1)
                depth = max(depth, d)
        self.open.discard(id(node))
        values = 1 + self.total - before
        self.memo[id(node)] = (values, depth + 1)
        return values, depth + 1


def measure(
    node: yaml.Node,
    file: str = "<input>",
    aliases: AliasUses | None = None,
    max_values: int = MAX_VALUES,
    max_depth: int = MAX_DEPTH,
) -> Expansion:
    """How large ``node`` (a composed document) becomes once its aliases are expanded.

    Each distinct node is visited once (aliases share node objects, so their sizes are
    memoised by node identity); nothing is constructed. Raises a located
    :class:`ModelError` as soon as the expanded document would exceed ``max_values``
    values or ``max_depth`` levels, or if an alias is used inside its own anchor's value;
    ``aliases`` (from the loader) lets the message point at the alias responsible.
    """
    walk = _Measure(file, aliases or {}, max_values, max_depth)
    values, depth = walk.visit(node, 0)
    return Expansion(values=values, depth=depth, nodes=len(walk.memo))


#: What a standard tag reads a scalar as, for messages about explicit tags (``!!bool x``).
_TAG_WORDS = {
    "tag:yaml.org,2002:bool": "true or false",
    "tag:yaml.org,2002:int": "a whole number",
    "tag:yaml.org,2002:float": "a number",
    "tag:yaml.org,2002:timestamp": "a date or time",
    "tag:yaml.org,2002:null": "an empty value",
    "tag:yaml.org,2002:binary": "base64-encoded bytes",
}
_TAG_PREFIX = "tag:yaml.org,2002:"


def _shown(text: str) -> str:
    return text if len(text) <= 40 else text[:37] + "..."


def surrogate_error(file: str, line: int | None, column: int | None) -> ModelError:
    """The error for a ``\\uD800``-``\\uDFFF`` escape: half of a UTF-16 pair, not a character."""
    return ModelError(
        "the text contains a \\u escape of a surrogate (U+D800 to U+DFFF), half of a "
        "UTF-16 pair, which is not a character",
        file=file, line=line, column=column,
        hint="write the character itself instead of its escape (e.g. save JSON with "
        "ensure_ascii=False), or remove the escape",
    )


def _scalar(node: yaml.Node, locs: Locations, loader: _Counting) -> Any:
    """The value of a scalar node. A scalar YAML cannot turn into a value (a number with
    thousands of digits, a date such as 2024-13-01, an explicit tag on a value it does not
    fit such as ``!!bool maybe``) or text holding a lone surrogate is a located error."""
    line, column = node.start_mark.line + 1, node.start_mark.column + 1
    try:
        value = loader.construct_object(node, deep=True)
    except (ValueError, OverflowError, TypeError, KeyError, IndexError, AttributeError) as exc:
        # the safe constructors fail in many ways on a value an explicit tag forces on
        # them (!!bool maybe: KeyError, !!int "": IndexError, !!timestamp x: AttributeError)
        text = str(node.value)
        hint = "correct the value, or put it in quotes to keep it as text"
        if node.tag.endswith(":int") and _PLAIN_INT.match(text):
            message = f"YAML cannot read the value '{_shown(text)}': a number with too many digits"
        elif node.tag in _TAG_WORDS:
            tag = "!!" + node.tag[len(_TAG_PREFIX):]
            reason = f": {exc}" if isinstance(exc, ValueError) and str(exc) else ""
            message = (f"YAML cannot read the value '{_shown(text)}' as {_TAG_WORDS[node.tag]} "
                       f"({tag}){reason}")
            if id(node) in loader.explicit_tags:
                hint = (f"correct the value, or remove the tag {tag} and put the value in "
                        "quotes to keep it as text")
        else:
            message = f"YAML cannot read the value '{_shown(text)}': {exc}"
        raise ModelError(message, file=locs.file, line=line, column=column,
                         hint=hint) from None
    if isinstance(value, str) and not value.isascii():
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise surrogate_error(locs.file, line, column) from None
    return value


#: A whole number as YAML's int resolver reads it (decimal digits, with sign and '_').
_PLAIN_INT = re.compile(r"^[-+]?[0-9][0-9_]*$")


def _to_python(node: yaml.Node, path: Path_, locs: Locations, loader: _Counting) -> Any:
    """Construct plain Python data from ``node``, recording where each value sits.

    :func:`measure` has already bounded the size and depth; the checks here are a backstop.
    """
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
            if not isinstance(key_node, yaml.ScalarNode):
                raise locs.error(path, "a mapping key must be a plain name, not a list or mapping")
            key = _scalar(key_node, locs, loader)
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
            if not isinstance(key, str) and not key_node.style:  # plain (None, or "" from libyaml)
                locs.key_texts[child] = key_node.value
            locs.spots[child] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            value = _to_python(value_node, child, locs, loader)
            locs.spots[child] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            out[key] = value
        return out
    if isinstance(node, yaml.SequenceNode):
        return [
            _to_python(item, (*path, i), locs, loader) for i, item in enumerate(node.value)
        ]
    value = _scalar(node, locs, loader)
    plain = not (isinstance(node, yaml.ScalarNode) and node.style)
    if not isinstance(value, str) and plain:
        locs.texts[path] = node.value
    return value


#: Characters YAML does not allow in a document (control characters other than tab and
#: line breaks, DEL, the C1 controls except NEL, surrogates, U+FFFE and U+FFFF).
_NOT_ALLOWED = re.compile(
    "[^\x09\x0A\x0D\x20-\x7E\x85\xA0-\uD7FF\uE000-\uFFFD\U00010000-\U0010FFFF]"
)


def _check_characters(text: str, file: str) -> None:
    """Refuse, at its line and column, the first character YAML does not allow."""
    found = _NOT_ALLOWED.search(text)
    if found is None:
        return
    start = found.start()
    line = text.count("\n", 0, start) + 1
    column = start - text.rfind("\n", 0, start)
    code = ord(found.group())
    what = "a lone surrogate" if 0xD800 <= code <= 0xDFFF else "the control character" \
        if code < 0xA0 else "the character"
    raise ModelError(
        f"the file contains {what} U+{code:04X}, which YAML does not allow",
        file=file, line=line, column=column,
        hint="remove it; inside double quotes it can be written as an escape "
        f"(\"\\x{code:02X}\")" if code < 0x100 else "remove it",
    )


def _within_text(text: str, line: int, column: int) -> tuple[int, int]:
    """``line``:``column`` (1-based) moved back onto the text: libyaml places an error at
    the end of the stream on the line after a last line that has no newline, which an
    editor cannot show; such a position becomes the end of the last line."""
    lines = text.split("\n")
    if text.endswith("\n"):
        lines.pop()
    if not lines:
        return 1, 1
    if line > len(lines):
        return len(lines), len(lines[-1]) + 1
    return line, column


def parse_text(text: str, file: str) -> tuple[Any, Locations]:
    """Parse YAML (or JSON, which YAML reads too) text; raise :class:`ModelError` on bad syntax,
    on characters YAML does not allow, and on a document too large or too deep (see the
    limits at the top of this module)."""
    locs = Locations(file=file)
    _check_characters(text, file)
    if file.lower().endswith(".json") or text.lstrip().startswith(("{", "[")):
        # JSON is read as YAML (which keeps line numbers), but YAML does not allow tabs
        # where JSON does; in valid JSON a raw tab can only be white space between tokens.
        text = text.replace("\t", " ")
    loader = _Loader(text, file)
    try:
        node = loader.get_single_node()
        if node is None:
            raise ModelError(
                "the file is empty", file=file, line=1, column=1,
                hint="start from an example in examples/ (see README)",
            )
        # size the document on its node graph first: an alias bomb is refused before a
        # single Python object is built for it
        measure(node, file, loader.alias_uses)
        data = _to_python(node, (), locs, loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        col = mark.column + 1 if mark else None
        if line is not None and col is not None:
            line, col = _within_text(text, line, col)
        problem = exc.problem or exc.context or "invalid syntax"
        if "Unicode character escape" in problem:  # libyaml: \uD800 and the like
            raise surrogate_error(file, line, col) from None
        if "maximum nesting depth" in problem:  # libyaml of PyYAML >= 6.0.4 stops at 1000
            raise _too_deep(file, line, col) from None
        raise ModelError(
            f"YAML syntax error: {problem}",
            file=file,
            line=line,
            column=col,
            hint="check indentation, colons and quotes on this line; quote text that "
            "contains ':' or '#'",
        ) from None
    except yaml.reader.ReaderError as exc:  # pragma: no cover - _check_characters comes first
        raise ModelError(f"YAML cannot read the file: {exc.reason}", file=file,
                         hint="remove control characters from the file") from None
    except yaml.YAMLError as exc:  # pragma: no cover - other parser failures
        raise ModelError(f"YAML syntax error: {exc}", file=file) from None
    finally:
        loader.dispose()
    return data, locs


def load_document(path: str | Path) -> tuple[Any, Locations]:
    """Read a YAML or JSON file, returning its data and where each value sits.

    The file is read with :func:`standoff.model.files.read_user_text`: a regular file of at
    most :data:`MAX_FILE_BYTES`, in UTF-8; anything else is a located :class:`ModelError`.
    """
    text = read_user_text(path, MAX_FILE_BYTES, what="model file")
    return parse_text(text, str(path))
