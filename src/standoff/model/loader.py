"""Read a model file into a :class:`ModelSpec`: names resolved, statements parsed, evidence checked.

Every problem is raised as a located :class:`~standoff.errors.ModelError` (file, line,
column, what is wrong, how to fix it). Nothing about states is computed here; that is
:mod:`standoff.graph`'s job.
"""

from __future__ import annotations

import datetime
import difflib
import re
import types
import typing
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from standoff.concepts import UnknownConceptError
from standoff.errors import ModelError
from standoff.model import schema
from standoff.model.attitudes import AttitudeSpec, read_attitudes
from standoff.model.claims_grammar import RESERVED_DM_IDS, Claim, ClaimContext, parse_claim
from standoff.model.confrontation import ConfrontationSpec, read_confrontation
from standoff.model.expressions import Expr, ExpressionError, parse
from standoff.model.files import MAX_SOURCE_BYTES, read_user_text
from standoff.model.yamlio import Locations, load_document, parse_text

DocPath = tuple[str | int, ...]


@dataclass(frozen=True)
class OptionSpec:
    """One option: ``id`` as written, ``key`` = ``dm.id``, its owner's index, text, direction."""

    id: str
    key: str
    dm: int
    text: str
    moves: str


@dataclass(frozen=True)
class DecisionMakerSpec:
    id: str
    name: str
    options: tuple[int, ...]
    description: str | None = None


@dataclass(frozen=True)
class Evidence:
    """Where a statement comes from: a quoted source, or the modeller's assumption."""

    source: str | None = None
    quote: str | None = None
    assumption: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class StatementSpec:
    """A parsed statement (or, in a ranking, a state number) with its text and evidence."""

    text: str
    expr: Expr | None
    state: int | None
    weight: float | None
    evidence: Evidence | None
    path: DocPath
    #: Declared uncertainty: the preference may or may not include this statement.
    uncertain: bool = False
    #: Declared uncertainty: the weight lies in ``[low, high]``; ``weight`` is the midpoint.
    weight_range: tuple[float, float] | None = None


@dataclass(frozen=True)
class PreferenceSpec:
    """``kind`` is prioritize, weights or ranking. For a ranking each item is a tie class.

    ``any_order`` lists the declared groups of unknown internal order: indices into
    ``statements`` (prioritize) or into ``ranking`` (ranking), each group contiguous and
    in the order written (the base reading; docs/model-format.md).
    """

    kind: str
    statements: tuple[StatementSpec, ...] = ()
    ranking: tuple[tuple[StatementSpec, ...], ...] = ()
    path: DocPath = ()
    any_order: tuple[tuple[int, ...], ...] = ()

    @property
    def declares_uncertainty(self) -> bool:
        """Whether this preference declares any uncertainty (groups, uncertain, ranges)."""
        return bool(self.any_order) or any(
            s.uncertain or s.weight_range is not None for s in self.statements)


@dataclass(frozen=True)
class GroupConstraint:
    kind: str  # exactly_one | at_most_one | at_least_one
    options: tuple[int, ...]
    path: DocPath


@dataclass(frozen=True)
class CollapseSpec:
    text: str
    expr: Expr
    literals: tuple[tuple[int, bool], ...]
    path: DocPath


@dataclass(frozen=True)
class ClaimSpec:
    """A claim of the model file: its id, the sentence it formalises and its parsed check.

    ``claim`` is the parsed sentence (:mod:`standoff.model.claims_grammar`); its meaning
    over an analysis is :mod:`standoff.analysis.claims`.
    """

    id: str
    check: str
    claim: Claim
    text: str | None
    evidence: Evidence | None
    path: DocPath


@dataclass(frozen=True)
class VariantSpec:
    """A named variant: preferences replaced per decision maker, feasibility changed.

    ``preferences`` pairs a decision maker's index with its replacement preference;
    ``remove_groups`` / ``remove_infeasible`` index the model's own ``groups`` /
    ``infeasible`` constraints that the variant drops.
    """

    name: str
    description: str
    evidence: Evidence | None
    preferences: tuple[tuple[int, PreferenceSpec], ...]
    add_groups: tuple[GroupConstraint, ...]
    add_infeasible: tuple[StatementSpec, ...]
    remove_groups: tuple[int, ...]
    remove_infeasible: tuple[int, ...]
    path: DocPath
    extends: str | None = None
    #: Attitude entries that replace the model's (docs/structure.md).
    attitudes: tuple[AttitudeSpec, ...] = ()


BASE_VARIANT = "base"


@dataclass(frozen=True)
class PerceptionSpec:
    """How decision maker ``dm`` (its index) perceives the conflict in ``variant`` (``base``
    for the model's own ``perceptions:`` section; read by :mod:`standoff.model.perceptions`,
    analysed by :mod:`standoff.analysis.hypergame`).

    ``unknown_options`` are option indices it does not know exist, ``unrecognised`` the
    statements naming states it does not recognise, ``preferences`` pairs another decision
    maker's index with the preference ``dm`` attributes to it.
    """

    dm: int
    variant: str
    unknown_options: tuple[int, ...]
    unrecognised: tuple[StatementSpec, ...]
    preferences: tuple[tuple[int, PreferenceSpec], ...]
    evidence: Evidence | None
    description: str | None
    path: DocPath


@dataclass
class ModelSpec:
    """A validated model file with names resolved; the input of :func:`standoff.graph.compile`."""

    file: str
    title: str
    description: str | None
    view: str | None
    sources: dict[str, schema.Source]
    dms: tuple[DecisionMakerSpec, ...]
    options: tuple[OptionSpec, ...]
    groups: tuple[GroupConstraint, ...]
    infeasible: tuple[StatementSpec, ...]
    collapses: tuple[CollapseSpec, ...]
    preferences: tuple[PreferenceSpec, ...]
    status_quo: tuple[int, ...] | None
    locations: Locations
    raw: schema.ModelFile
    extra: dict[str, Any] = field(default_factory=dict)
    claims: tuple[ClaimSpec, ...] = ()
    variants: tuple[VariantSpec, ...] = ()
    #: The ``attitudes:`` entries as written (a variant's spec: the model's, then the
    #: variant's); :func:`standoff.model.attitudes.attitude_matrix` fills in the default.
    attitudes: tuple[AttitudeSpec, ...] = ()
    #: Perceptions of the model (variant ``base``) and of its variants (docs/hypergames.md).
    perceptions: tuple[PerceptionSpec, ...] = ()
    #: Card tables of the model (variant ``base``) and of its variants
    #: (docs/confrontation.md); :meth:`confrontation` picks the one of this spec's variant.
    confrontations: tuple[ConfrontationSpec, ...] = ()
    #: Work done once per spec and reused (the variants by name, resolved variants); not
    #: copied by ``dataclasses.replace``.
    cache: dict[str, Any] = field(default_factory=dict, init=False, repr=False,
                                  compare=False)

    @property
    def variant(self) -> str:
        """The variant this spec describes: ``base`` for the model as written."""
        return str(self.extra.get("variant", BASE_VARIANT))

    def variant_spec(self, name: str) -> VariantSpec | None:
        """The variant called ``name``, or None (looked up by name in constant time)."""
        indexed = self.cache.get("variants")
        if indexed is None or indexed[0] is not self.variants:
            by_name: dict[str, VariantSpec] = {}
            for v in self.variants:
                by_name.setdefault(v.name, v)
            indexed = self.cache["variants"] = (self.variants, by_name)
        return indexed[1].get(name)

    def error(self, path: DocPath, message: str, hint: str | None = None) -> ModelError:
        return self.locations.error(path, message, hint)

    def confrontation(self) -> ConfrontationSpec | None:
        """The card table of this spec's variant: the variant's own, else the one of the
        variant it extends (and so on), else the model's; None if there is none."""
        by_variant = {c.variant: c for c in self.confrontations}
        name: str | None = self.variant
        seen: set[str] = set()
        while name is not None and name != BASE_VARIANT and name not in seen:
            if name in by_variant:
                return by_variant[name]
            seen.add(name)
            v = self.variant_spec(name)
            name = v.extends if v is not None else None
        return by_variant.get(BASE_VARIANT)


_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "«": '"', "»": '"', "‘": "'",
                         "’": "'", "‚": "'", "`": "'"})


def normalise_text(text: str) -> str:
    """White space collapsed to single spaces and typographic quote marks made plain."""
    return re.sub(r"\s+", " ", text.translate(_QUOTES)).strip()


@dataclass(frozen=True)
class Passage:
    """The passage of a source text nearest to a quote that is not in it.

    Attributes:
        text: the passage, white space collapsed as in :func:`normalise_text`.
        line: the line of the source file it starts on (1-based).
        similarity: how alike quote and passage are, 0 to 1 (difflib's ratio of matching
            characters, ignoring case): 1 - similarity is how far the quote is from it.
    """

    text: str
    line: int
    similarity: float


#: Candidate passages compared character by character, after a fast word-count screen.
_PASSAGE_CANDIDATES = 8


def nearest_passage(source: str, quote: str) -> Passage | None:
    """The passage of ``source`` (a source file's text as read) closest to ``quote``.

    Passages are runs of as many words as the quote has (two more or fewer are tried
    too). Every run is screened by how many of the quote's words it holds (a sliding
    count, linear in the length of the source); the best few are compared with
    :class:`difflib.SequenceMatcher`, case ignored, and the most similar is returned with
    the line it starts on. ``None`` when the source has no words.
    """
    plain = source.translate(_QUOTES)
    spans = [(m.start(), m.group()) for m in re.finditer(r"\S+", plain)]
    wanted = normalise_text(quote).lower().split()
    if not spans or not wanted:
        return None
    words = [w.lower() for _, w in spans]
    size = min(len(wanted), len(words))
    need: dict[str, int] = {}
    for w in wanted:
        need[w] = need.get(w, 0) + 1
    # hits[i]: how many of the quote's words the run of ``size`` words at i holds (each
    # counted at most as often as the quote has it), from running counts per quote word
    kind = {w: k for k, w in enumerate(need)}
    ids = np.fromiter((kind.get(w, -1) for w in words), dtype=np.int64, count=len(words))
    hits = np.zeros(len(words) - size + 1, dtype=np.int64)
    for w, k in kind.items():
        running = np.concatenate(([0], np.cumsum(ids == k)))
        hits += np.minimum(running[size:] - running[:-size], need[w])
    scores = [(int(hits[i]), int(i)) for i in
              np.argsort(-hits, kind="stable")[:_PASSAGE_CANDIDATES]]
    target = " ".join(wanted)
    best: tuple[float, int, int] | None = None
    for _, start in scores:
        for length in {max(1, size - 2), size, size + 2}:
            end = min(len(words), start + length)
            ratio = difflib.SequenceMatcher(None, target, " ".join(words[start:end]),
                                            autojunk=False).ratio()
            if best is None or ratio > best[0]:
                best = (ratio, start, end)
    assert best is not None
    ratio, start, end = best
    line = plain.count("\n", 0, spans[start][0]) + 1
    return Passage(" ".join(w for _, w in spans[start:end]), line, ratio)


def quote_not_found(name: str, file: str, raw: str, quote: str) -> tuple[str, str]:
    """Message and hint for a quote not in source ``name`` (``raw``: the file's text)."""
    message = f"the quote is not in source '{name}'"
    hint = ("copy the words exactly from the source text (white space and the style of quote "
            "marks may differ; nothing else)")
    passage = nearest_passage(raw, quote)
    if passage is None:
        return message + f": {file} holds no text", hint
    shown = passage.text if len(passage.text) <= 200 else passage.text[:199] + "…"
    percent = round(100 * passage.similarity)
    return (f"{message}; the closest passage ({percent} % similar) is at {file} line "
            f"{passage.line}: '{shown}'", hint)


def _pydantic_error(exc: ValidationError, locs: Locations) -> ModelError:
    """Turn the most specific pydantic error into a located, readable ModelError."""
    best = None
    best_depth = -1
    for err in exc.errors():
        loc = err["loc"]
        if err["type"] == "extra_forbidden" and loc:
            # the last item is the key written in the file, whatever it looks like (a key
            # such as '[x](y)' would otherwise pass for one of pydantic's type markers)
            doc_path = (*(p for p in loc[:-1] if _is_doc_key(p, err)), loc[-1])
        else:
            doc_path = tuple(p for p in loc if _is_doc_key(p, err))
        depth = len(doc_path) + (1 if err["type"] == "extra_forbidden" else 0)
        if depth > best_depth:
            best, best_depth = (err, doc_path), depth
    assert best is not None
    err, path = best
    kind = err["type"]
    where = ".".join(str(p) for p in path) or "the top level"
    if kind == "extra_forbidden":
        key = path[-1]
        parent = path[:-1]
        message = f"unknown key '{key}' in {'.'.join(map(str, parent)) or 'the top level'}"
        allowed = keys_allowed(schema.ModelFile, err["loc"][:-1])
        close = difflib.get_close_matches(str(key), allowed, 1, 0.6)
        if close:
            return locs.error(path, f"{message} (did you mean '{close[0]}'?)",
                              f"rename '{key}' to '{close[0]}'")
        hint = ("check the spelling; the keys allowed here are " + ", ".join(allowed)
                if allowed else
                "check the spelling; the keys allowed are listed in docs/model-format.md")
        return locs.error(path, message, hint)
    if kind == "missing":
        return locs.error(
            path[:-1], f"missing required key '{path[-1]}'",
            f"add '{path[-1]}:' here (see docs/model-format.md)",
        )
    if kind == "literal_error":
        expected = err.get("ctx", {}).get("expected", "")
        return locs.error(path, f"{where}: {err['input']!r} is not allowed", f"use {expected}")
    if kind == schema.ERROR_TYPE:
        return locs.error(path, f"{where}: {err['msg']}", err.get("ctx", {}).get("hint"))
    if kind == "too_short":
        return _too_short(err, path, locs)
    is_key = bool(err["loc"]) and err["loc"][-1] == "[key]"
    value = err.get("input")
    if kind == "string_type" and (value is None or isinstance(value, _SCALARS)):
        return _not_text(value, path, is_key, locs)
    expected = _EXPECTED.get(kind)
    if expected is not None:
        return locs.error(path, f"{where} should be {expected}, not {_describe(value)}",
                          "see docs/model-format.md for what this key holds")
    return locs.error(path, f"{where}: {err['msg']}", "see docs/model-format.md for this key")


def _shapes(annotation: Any) -> list[Any]:
    """``annotation`` without ``Optional``, unions and ``Annotated``: the shapes a value
    may have (models, ``list[...]``, ``dict[...]``, plain types)."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _shapes(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        return [s for arg in typing.get_args(annotation) if arg is not type(None)
                for s in _shapes(arg)]
    return [annotation]


def _field_names(model: type[BaseModel]) -> dict[str, Any]:
    """The keys a model takes as written in a file (aliases where set), with their types."""
    return {(f.alias or name): f.annotation for name, f in model.model_fields.items()}


def keys_allowed(root: type[BaseModel], loc: Sequence[Any]) -> list[str]:
    """The keys the file schema ``root`` allows in the mapping at pydantic location ``loc``
    (the location of an unknown key without the key itself), to suggest the nearest one.

    The location is followed through nested models, lists (an index), mappings (a key
    chosen by the file) and unions (every member that has the next key); parts that name
    no key (pydantic's markers for a union member or a validator) are passed over."""
    current: list[Any] = [root]
    for part in loc:
        following: list[Any] = []
        for shape in (s for annotation in current for s in _shapes(annotation)):
            origin = typing.get_origin(shape)
            if isinstance(part, int) and origin in (list, tuple):
                following += [a for a in typing.get_args(shape) if a is not Ellipsis]
            elif isinstance(shape, type) and issubclass(shape, BaseModel):
                fields = _field_names(shape)
                if part in fields:
                    following.append(fields[part])
            elif isinstance(part, str) and origin is dict:
                following.append(typing.get_args(shape)[1])
        if following:
            current = following
    keys: list[str] = []
    for shape in (s for annotation in current for s in _shapes(annotation)):
        if isinstance(shape, type) and issubclass(shape, BaseModel):
            keys += [k for k in _field_names(shape) if k not in keys]
    return keys


_SCALARS = (bool, int, float, datetime.date)

#: What a value of a pydantic error type should have been, in words.
_EXPECTED = {
    "string_type": "text",
    "dict_type": "a mapping of keys to values (key: value)",
    "model_type": "a mapping of keys to values (key: value)",
    "model_attributes_type": "a mapping of keys to values (key: value)",
    "list_type": "a list ([a, b], or lines starting with '- ')",
    "float_type": "a number",
    "float_parsing": "a number",
    "int_type": "a whole number",
}

#: The names of mapping keys, by the shape of their path (``*`` matches any key).
_KEY_ROLES = (
    (("decision_makers", "*"), "decision maker id"),
    (("decision_makers", "*", "options", "*"), "option id"),
    (("preferences", "*"), "decision maker id"),
    (("sources", "*"), "source name"),
    (("claims", "*"), "claim id"),
    (("variants", "*"), "variant name"),
    (("variants", "*", "preferences", "*"), "decision maker id"),
    (("perceptions", "*"), "decision maker id"),
    (("perceptions", "*", "preferences", "*"), "decision maker id"),
    (("variants", "*", "perceptions", "*"), "decision maker id"),
    (("variants", "*", "perceptions", "*", "preferences", "*"), "decision maker id"),
    (("confrontation", "positions", "*"), "decision maker id"),
    (("confrontation", "stated_intentions", "*"), "decision maker id"),
    (("confrontation", "*", "options", "*"), "option id"),
    (("confrontation", "*", "*", "options", "*"), "option id"),
    (("variants", "*", "confrontation", "positions", "*"), "decision maker id"),
    (("variants", "*", "confrontation", "stated_intentions", "*"), "decision maker id"),
    (("variants", "*", "confrontation", "*", "options", "*"), "option id"),
    (("variants", "*", "confrontation", "*", "*", "options", "*"), "option id"),
)


def _describe(value: Any) -> str:
    """A value as the user wrote it, in words (for 'should be X, not Y')."""
    if value is None:
        return "an empty value"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return f"the number {value}"
    if isinstance(value, datetime.date):
        return f"the date {value}"
    if isinstance(value, str):
        return "text"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return type(value).__name__


def _key_role(path: DocPath) -> str:
    """What a mapping key at ``path`` names (``option id``, …), or ``key``."""
    for shape, role in _KEY_ROLES:
        if len(shape) == len(path) and all(a in ("*", b) for a, b in zip(shape, path,
                                                                          strict=True)):
            return role
    if len(path) >= 2 and path[-2] == "weights":
        return "weighted statement"
    return "key"


def _not_text(value: Any, path: DocPath, is_key: bool, locs: Locations) -> ModelError:
    """A scalar that YAML read as a number, boolean, date or null where a name or text is
    expected: say what it was read as and how to quote it."""
    if is_key and path and not isinstance(path[-1], int) and value is not None:
        path = (*path[:-1], value)  # pydantic names keys like 1.5 or true by their text
    elif is_key and path and value is None:
        path = (*path[:-1], None)  # type: ignore[arg-type]  # a null key, named 'None'
    written = (locs.key_texts if is_key else locs.texts).get(path)
    if written is None:
        written = "" if value is None else str(value).lower() if isinstance(value, bool) \
            else str(value)
    if value is None:
        read_as = "as empty (null)"
    elif isinstance(value, bool):
        read_as = "as true/false"
    elif isinstance(value, int | float):
        read_as = "as a number" + ("" if written == str(value) else f" ({value})")
    else:
        read_as = "as a date"
    quoted = f'"{written}"'
    if is_key:
        role = _key_role(path)
        message = f"the {role} {written or '(empty)'} was read {read_as}, not as a name"
        hint = f"put it in quotes: {quoted}"
        if role.endswith(("id", "name")) and (not _NAME.match(written)
                                              or written.lower() in _KEYWORDS):
            prefix = {"option id": "o_", "decision maker id": "dm_"}.get(role, "n_")
            hint = (f"quoting it ({quoted}) keeps it as text, but an id must also start with "
                    "a letter and not be a keyword: write e.g. "
                    f"{prefix}{re.sub(r'[^A-Za-z0-9_-]', '_', written)}")
        return locs.error(path, message, hint)
    where = ".".join(str(p) for p in path)
    return locs.error(path, f"{where}: {written or '(empty)'} was read {read_as}, but text is "
                      "expected here", f"if you mean the text, put it in quotes: {quoted}")


def _too_short(err: ErrorDetails, path: DocPath, locs: Locations) -> ModelError:
    """An empty or too short section, in the words of the model format."""
    value = err.get("input")
    found = list(value) if isinstance(value, dict | list) else []
    if path == ("decision_makers",):
        listed = ": " + ", ".join(map(str, found)) if found else ""
        return locs.error(
            path,
            f"a conflict needs at least two decision makers (found {len(found)}{listed})",
            "add the other party (or parties) under 'decision_makers:', each with a name "
            "and at least one option; one decision maker alone has no one to interact with",
        )
    if len(path) == 3 and path[0] == "decision_makers" and path[2] == "options":
        return locs.error(
            path,
            f"decision maker '{path[1]}' has no options; give it at least one",
            "add an option under 'options:', e.g. 'act: {text: What taking it means}' "
            "(a decision maker with no options cannot move)",
        )
    where = ".".join(str(p) for p in path) or "the top level"
    need = err.get("ctx", {}).get("min_length", 1)
    return locs.error(path, f"{where} needs at least {need} entr{'y' if need == 1 else 'ies'} "
                      f"(found {len(found)})", "add the missing entries here")


_TYPE_MARKERS = {"str", "int", "float", "bool", "Evidence", "list[...]", "dict[str,float]",
                 "list[Evidence]", "function-after", "union"}


def _is_doc_key(part: Any, err: ErrorDetails) -> bool:
    if isinstance(part, int):
        return True
    text = str(part)
    if text in _TYPE_MARKERS or text.startswith(("list[", "dict[", "literal[", "function-")):
        return False
    return not ("[" in text and "]" in text)


class _Names:
    """Resolve option names (``id`` or ``dm.id``) to indices, with helpful errors."""

    def __init__(self, options: tuple[OptionSpec, ...]) -> None:
        self.options = options
        self.by_key = {o.key: i for i, o in enumerate(options)}
        self.by_id: dict[str, list[int]] = {}
        for i, o in enumerate(options):
            self.by_id.setdefault(o.id, []).append(i)

    def __call__(self, name: str, position: int) -> int:
        if name in self.by_key:
            return self.by_key[name]
        found = self.by_id.get(name, [])
        if len(found) == 1:
            return found[0]
        if len(found) > 1:
            keys = " or ".join(self.options[i].key for i in found)
            raise ExpressionError(
                f"option '{name}' is ambiguous: it belongs to more than one decision maker",
                position,
                f"write {keys}",
            )
        close = [o.key for o in self.options if name.lower() in o.key.lower()][:5]
        known = close or [o.key for o in self.options][:12]
        raise ExpressionError(
            f"unknown option '{name}'",
            position,
            "known options include: " + ", ".join(known),
        )


def _parse_statement(
    text: str, path: DocPath, names: _Names, locs: Locations, what: str = "statement"
) -> Expr:
    try:
        return parse(text, names)
    except ExpressionError as exc:
        line, col = locs.find(path)
        pointer = f"{text}\n  {' ' * exc.position}^"
        raise ModelError(
            f"bad {what} '{text}': {exc.message} (at character {exc.position + 1})\n  {pointer}",
            file=locs.file,
            line=line,
            column=col,
            hint=exc.hint or "statements use option ids with not, and, or, if, iff and ()",
        ) from None


class _Reader:
    def __init__(self, model: schema.ModelFile, locs: Locations, base: Path) -> None:
        self.model = model
        self.locs = locs
        self.base = base
        self.source_texts: dict[str, str] = {}
        self.raw_texts: dict[str, str] = {}  # as read, for the lines of a nearest passage

    def source_text(self, name: str, path: DocPath) -> str | None:
        if name in self.source_texts:
            return self.source_texts[name]
        src = self.model.sources[name]
        if src.file is None:
            return None
        file = (self.base / src.file).resolve()
        try:
            text = read_user_text(file, MAX_SOURCE_BYTES, what="source text",
                                  suffixes=(".txt", ".md"))
        except ModelError as exc:
            if exc.message == "file not found":
                raise self.locs.error(
                    ("sources", name, "file"),
                    f"source file '{src.file}' of source '{name}' cannot be read: not found",
                    f"put the text at {file} or correct the path (relative to the model file)",
                ) from None
            where = f" ({file}, line {exc.line}, column {exc.column})" \
                if exc.line is not None else ""
            raise self.locs.error(
                ("sources", name, "file"),
                f"source file '{src.file}' of source '{name}' cannot be read{where}: "
                f"{exc.message}",
                exc.hint,
            ) from None
        self.raw_texts[name] = text
        self.source_texts[name] = normalise_text(text)
        return self.source_texts[name]

    def evidence(
        self, item: schema.Evidence | schema.Claim | schema.Variant | schema.Perception
        | schema.Future | schema.FutureOption | schema.Confrontation,
        path: DocPath
    ) -> Evidence | None:
        if item.source is None and item.quote is None and item.assumption is None:
            return None
        if item.quote is not None and item.source is None:
            raise self.locs.error(
                path, "a quote needs a source", "add 'source: NAME' naming an entry of 'sources:'"
            )
        if item.source is not None:
            if item.source not in self.model.sources:
                known = ", ".join(self.model.sources) or "none defined"
                raise self.locs.error(
                    (*path, "source"),
                    f"unknown source '{item.source}'",
                    f"define it under 'sources:' at the top (known: {known})",
                )
            if item.quote is not None:
                text = self.source_text(item.source, path)
                if text is not None and normalise_text(item.quote) not in text:
                    message, hint = quote_not_found(
                        item.source, str(self.model.sources[item.source].file),
                        self.raw_texts[item.source], item.quote)
                    raise self.locs.error((*path, "quote"), message, hint)
        return Evidence(item.source, item.quote, item.assumption, item.note)


def read_model(path: str | Path) -> ModelSpec:
    """Read and validate a model file; raise a located ModelError on any problem."""
    data, locs = load_document(path)
    return model_from_document(data, locs, Path(path).resolve().parent)


def read_model_text(text: str, name: str, base: Path) -> ModelSpec:
    """Validate model ``text`` as :func:`read_model` validates a file called ``name`` in the
    folder ``base`` (where relative source files are looked up); the same located errors.
    """
    data, locs = parse_text(text[1:] if text.startswith("\ufeff") else text, name)
    return model_from_document(data, locs, base)


def model_from_document(data: Any, locs: Locations, base: Path,
                        check: Callable[[schema.ModelFile], None] | None = None) -> ModelSpec:
    """The model of a parsed document (``data`` with its ``locs``): the top level checked,
    the schema validated, names resolved and statements parsed. ``check``, if given, sees
    the validated file before anything is resolved (the workbench refuses source files
    outside its folder there)."""
    if not isinstance(data, dict):
        raise locs.error((), "a model file must be a mapping of keys to values",
                         "start with 'format: standoff/1' (see examples/)")
    if data.get("format") not in (None, "standoff/1"):
        raise locs.error(("format",), f"unsupported format {data.get('format')!r}",
                         "this version of standoff reads 'format: standoff/1'")
    if "bargaining" in data and "decision_makers" not in data:
        raise locs.error(
            ("bargaining",),
            "this file holds only a bargaining section (issues on a scale), no decision makers "
            "or options to analyse",
            "use 'standoff forecast', 'standoff zopa' or 'standoff report' on it, or add "
            "'decision_makers:' and 'preferences:' for a graph-model analysis",
        )
    if "local_conflicts" in data:
        return _hierarchical(data, locs, base, check)
    try:
        model = schema.ModelFile.model_validate(data)
    except ValidationError as exc:
        raise _pydantic_error(exc, locs) from None
    if check is not None:
        check(model)
    return build_spec(model, locs, base, data)


def _hierarchical(data: dict, locs: Locations, base: Path,
                  check: Callable[[schema.ModelFile], None] | None) -> ModelSpec:
    """A hierarchical model (``local_conflicts:``, :mod:`standoff.model.hierarchy`): every
    local conflict validated as a model of its own, then the overall model, the explicit
    product, as one flat model whose ``extra`` holds the hierarchy (``hierarchy``) and the
    common decision makers' move groups (``move_groups``, read by the compiler)."""
    from standoff.model.hierarchy import flat_document, local_documents, move_groups

    local_specs = [(name, model_from_document(doc, sub, base, check))
                   for name, doc, sub in local_documents(data, locs)]
    doc, flat_locs, hierarchy = flat_document(data, locs, local_specs)
    spec = model_from_document(doc, flat_locs, base, check)
    spec.extra["hierarchy"] = hierarchy
    spec.extra["move_groups"] = move_groups(hierarchy, tuple(o.key for o in spec.options),
                                            tuple(d.id for d in spec.dms))
    return spec


def build_spec(
    model: schema.ModelFile, locs: Locations, base: Path, data: dict[str, Any]
) -> ModelSpec:
    """Resolve names and parse statements of an already shape-checked model."""
    reader = _Reader(model, locs, base)
    options: list[OptionSpec] = []
    dms: list[DecisionMakerSpec] = []
    for d, (dm_id, dm) in enumerate(model.decision_makers.items()):
        _check_name(dm_id, ("decision_makers", dm_id), locs, "decision maker id")
        _check_dm_not_reserved(dm_id, locs)
        idx = []
        for opt_id, opt in dm.options.items():
            _check_name(opt_id, ("decision_makers", dm_id, "options", opt_id), locs, "option id")
            idx.append(len(options))
            options.append(OptionSpec(opt_id, f"{dm_id}.{opt_id}", d, opt.text, opt.moves))
        dms.append(DecisionMakerSpec(dm_id, dm.name, tuple(idx), dm.description))
    names = _Names(tuple(options))

    groups = _groups(model.feasibility, ("feasibility",), names, locs)

    infeasible = tuple(
        _statement(item, ("feasibility", "infeasible", k), names, locs, reader)
        for k, item in enumerate(model.feasibility.infeasible)
    )
    collapses = []
    for k, text in enumerate(model.feasibility.collapse):
        cpath: DocPath = ("feasibility", "collapse", k)
        expr = _parse_statement(text, cpath, names, locs, "collapse statement")
        lits = expr.literals()
        if lits is None or len({o for o, _ in lits}) != len(lits):
            raise locs.error(
                cpath,
                f"collapse statement '{text}' must be options joined by 'and' (each maybe with "
                "'not')",
                "name the options that define the collapsed state, e.g. 'abandon' or "
                "'strike and not withdraw'; all other options become irrelevant there",
            )
        collapses.append(CollapseSpec(text, expr, tuple(lits), cpath))

    preferences = []
    for dm_id in model.preferences:
        if dm_id not in model.decision_makers:
            raise locs.error(("preferences", dm_id), f"unknown decision maker '{dm_id}'",
                             "use an id from 'decision_makers:' ("
                             + ", ".join(model.decision_makers) + ")")
    for dm_id in model.decision_makers:
        if dm_id not in model.preferences:
            raise locs.error(("preferences",), f"no preferences given for '{dm_id}'",
                             f"add '{dm_id}:' under 'preferences:' with prioritize, weights or "
                             "ranking")
        preferences.append(_preference(dm_id, model.preferences[dm_id], names, locs, reader, data))

    status_quo = None
    if model.status_quo is not None:
        taken: dict[int, str] = {}
        for k, name in enumerate(model.status_quo):
            index = _resolve_plain(name, ("status_quo", k), names, locs)
            if index in taken:
                twice = f"option '{name}' twice" if name == taken[index] else \
                    f"option {options[index].key} twice (as '{taken[index]}' and '{name}')"
                raise locs.error(
                    ("status_quo", k),
                    f"the status quo lists {twice}",
                    "list each option taken today once",
                )
            taken[index] = name
        status_quo = tuple(taken)
    for name in model.sources:
        if model.sources[name].file is not None:
            reader.source_text(name, ("sources", name))
    dm_ids = tuple(model.decision_makers)
    attitudes = read_attitudes(model.attitudes, dm_ids, ("attitudes",), locs.error,
                               reader.evidence)
    claims = _claims(model, names, locs, reader)
    reaches_base: set[str] = set()
    variants = tuple(
        _variant(vname, variant, model, names, locs, reader, data, tuple(groups), infeasible,
                 reaches_base)
        for vname, variant in model.variants.items()
    )
    _check_variant_state_numbers(variants, tuple(preferences), tuple(dms), locs)
    perceptions = _perceptions(model, names, locs, reader, data)
    confrontations = _confrontations(model, names, locs, reader, tuple(options))
    return ModelSpec(
        file=locs.file,
        title=model.title,
        description=model.description,
        view=model.view,
        sources=dict(model.sources),
        dms=tuple(dms),
        options=tuple(options),
        groups=tuple(groups),
        infeasible=infeasible,
        collapses=tuple(collapses),
        preferences=tuple(preferences),
        status_quo=status_quo,
        locations=locs,
        raw=model,
        claims=claims,
        variants=variants,
        attitudes=attitudes,
        perceptions=perceptions,
        confrontations=confrontations,
    )


def _groups(
    feasibility: schema.Feasibility | schema.FeasibilityChange,
    prefix: DocPath,
    names: _Names,
    locs: Locations,
) -> list[GroupConstraint]:
    """The exactly/at-most/at-least-one groups of a feasibility section, resolved."""
    groups = []
    for kind in ("exactly_one", "at_most_one", "at_least_one"):
        for g, group in enumerate(getattr(feasibility, kind)):
            gpath: DocPath = (*prefix, kind, g)
            idx: list[int] = []
            for k, name in enumerate(group):
                i = _resolve_plain(name, (*gpath, k), names, locs)
                if i in idx:
                    raise locs.error((*gpath, k), f"option '{name}' appears twice in this group",
                                     "list each option of a group once")
                idx.append(i)
            if len(idx) < 2 and kind != "at_least_one":
                raise locs.error(gpath, f"a {kind} group needs at least two options",
                                 "add the other options of the group, or remove it")
            groups.append(GroupConstraint(kind, tuple(idx), gpath))
    return groups


def claim_context(spec: ModelSpec) -> ClaimContext:
    """The claim parser's context for a model already read: its option names (``id`` or
    ``dm.id``), decision maker ids and whether it has a status quo. With it, a claim written
    for one model can be parsed against another (the comparison of a structured and a flat
    model, :mod:`standoff.analysis.comparison`). Card-table claims need a card table in the
    model or one of its variants, as when the model itself is read."""
    return ClaimContext(_Names(spec.options), tuple(d.id for d in spec.dms),
                        has_status_quo=spec.status_quo is not None,
                        has_confrontation=bool(spec.confrontations))


def _claims(
    model: schema.ModelFile, names: _Names, locs: Locations, reader: _Reader
) -> tuple[ClaimSpec, ...]:
    """Parse every claim's check sentence (the claim language of
    :mod:`standoff.model.claims_grammar`) and check its evidence."""
    if not model.claims:
        return ()
    ctx = ClaimContext(names, tuple(model.decision_makers),
                       has_status_quo=model.status_quo is not None,
                       has_confrontation=model.confrontation is not None or any(
                           v.confrontation is not None for v in model.variants.values()))
    out = []
    for claim_id, item in model.claims.items():
        path: DocPath = ("claims", claim_id)
        _check_name(claim_id, path, locs, "claim id")
        evidence = reader.evidence(item, path)
        cpath: DocPath = (*path, "check")
        try:
            claim = parse_claim(item.check, ctx)
        except (ExpressionError, UnknownConceptError) as exc:
            line, col = locs.find(cpath)
            position = exc.position or 0
            pointer = f"{item.check}\n  {' ' * position}^"
            message = (f"bad claim '{item.check}': {exc.message} (at character {position + 1})"
                       f"\n  {pointer}")
            hint = exc.hint or "see docs/claims.md for the claim language"
            if isinstance(exc, UnknownConceptError):
                raise exc.located(locs.file, line, col, hint, message) from None
            raise ModelError(message, file=locs.file, line=line, column=col,
                             hint=hint) from None
        out.append(ClaimSpec(claim_id, item.check, claim, item.text, evidence, path))
    return tuple(out)


def _variant(
    name: str,
    variant: schema.Variant,
    model: schema.ModelFile,
    names: _Names,
    locs: Locations,
    reader: _Reader,
    data: dict[str, Any],
    groups: tuple[GroupConstraint, ...],
    infeasible: tuple[StatementSpec, ...],
    reaches_base: set[str],
) -> VariantSpec:
    """Resolve one variant: its replacement preferences and its feasibility changes.

    ``reaches_base`` holds the variants already known to extend, through a chain of
    existing variants without a circle, the model as written; this variant's chain is
    followed only until it meets one of them (and its members are added), so checking
    the ``extends`` of every variant takes time linear in the number of variants.
    """
    path: DocPath = ("variants", name)
    _check_name(name, path, locs, "variant name")
    if name == BASE_VARIANT:
        raise locs.error(path, f"'{BASE_VARIANT}' is the name of the model as written",
                         "give the variant another name")
    evidence = reader.evidence(variant, path)
    prefs = []
    for dm_id, pref in variant.preferences.items():
        if dm_id not in model.decision_makers:
            raise locs.error((*path, "preferences", dm_id), f"unknown decision maker '{dm_id}'",
                             "use an id from 'decision_makers:' ("
                             + ", ".join(model.decision_makers) + ")")
        index = list(model.decision_makers).index(dm_id)
        prefs.append((index, _preference(dm_id, pref, names, locs, reader, data,
                                         path=(*path, "preferences", dm_id))))
    fpath: DocPath = (*path, "feasibility")
    add_groups = _groups(variant.feasibility.add, (*fpath, "add"), names, locs)
    add_infeasible = tuple(
        _statement(item, (*fpath, "add", "infeasible", k), names, locs, reader)
        for k, item in enumerate(variant.feasibility.add.infeasible)
    )
    remove_groups = []
    for g in _groups(variant.feasibility.remove, (*fpath, "remove"), names, locs):
        found = [k for k, b in enumerate(groups)
                 if b.kind == g.kind and set(b.options) == set(g.options)]
        if not found:
            raise locs.error(g.path, f"variant '{name}' removes a {g.kind} group that the "
                             "model does not have",
                             "copy the group from the model's 'feasibility:' section")
        remove_groups.append(found[0])
    remove_infeasible = []
    for k, item in enumerate(variant.feasibility.remove.infeasible):
        stmt = _statement(item, (*fpath, "remove", "infeasible", k), names, locs, reader)
        found = [j for j, b in enumerate(infeasible) if b.expr == stmt.expr]
        if not found:
            listed = "; ".join(b.text for b in infeasible) or "none"
            raise locs.error(stmt.path, f"variant '{name}' removes the infeasible statement "
                             f"'{stmt.text}', which the model does not have",
                             f"copy it from the model's 'feasibility: infeasible:' ({listed})")
        remove_infeasible.append(found[0])
    if variant.extends is not None:
        seen = [name]
        on_chain = {name}
        parent: str | None = variant.extends
        while parent is not None and parent not in reaches_base:
            if parent not in model.variants:
                known = ", ".join(v for v in model.variants if v != name) or "none"
                raise locs.error((*path, "extends"), f"variant '{name}' extends '{parent}', "
                                 "which is not a variant of this model",
                                 f"name another variant (known: {known})")
            if parent in on_chain:
                raise locs.error((*path, "extends"), "variants extend each other in a circle: "
                                 + " → ".join([*seen, parent]),
                                 "let one of them extend nothing")
            seen.append(parent)
            on_chain.add(parent)
            parent = model.variants[parent].extends
        reaches_base.update(seen)
    else:
        reaches_base.add(name)
    attitudes = read_attitudes(variant.attitudes, tuple(model.decision_makers),
                               (*path, "attitudes"), locs.error, reader.evidence)
    return VariantSpec(name, variant.description, evidence, tuple(prefs), tuple(add_groups),
                       add_infeasible, tuple(remove_groups), tuple(remove_infeasible), path,
                       variant.extends, attitudes)


def _check_variant_state_numbers(
    variants: tuple[VariantSpec, ...],
    preferences: tuple[PreferenceSpec, ...],
    dms: tuple[DecisionMakerSpec, ...],
    locs: Locations,
) -> None:
    """Refuse a ranking by state number used by a variant that changes feasibility.

    States are numbered anew in such a variant (model-format.md, "States and their
    numbers"), so ``ranking: [3, 1, ...]`` would silently name other states there. The
    preferences a variant uses are the model's, replaced by those of the variants it extends
    and then its own.
    """
    by_name = {v.name: v for v in variants}
    # per variant: whether it or a variant it extends changes feasibility, and the
    # preference each decision maker uses there with the variant that gave it (None: the
    # model as written); each is worked out once, from the variant it extends
    resolved: dict[str, tuple[bool, tuple[tuple[PreferenceSpec, str | None], ...]]] = {}
    for variant in variants:
        pending: list[VariantSpec] = []
        pending_names: set[str] = set()  # a guard: circles were refused before
        current: VariantSpec | None = variant
        while current is not None and current.name not in resolved \
                and current.name not in pending_names:
            pending.append(current)
            pending_names.add(current.name)
            current = by_name.get(current.extends) if current.extends else None
        for v in reversed(pending):
            if v.extends is not None and v.extends in resolved:
                changes, inherited = resolved[v.extends]
            else:
                changes, inherited = False, tuple((p, None) for p in preferences)
            used = list(inherited)
            for index, pref in v.preferences:
                used[index] = (pref, v.name)
            changes = changes or bool(v.add_groups or v.add_infeasible or v.remove_groups
                                      or v.remove_infeasible)
            resolved[v.name] = (changes, tuple(used))
        changes, used_here = resolved[variant.name]
        if not changes:
            continue
        for d, (pref, owner) in enumerate(used_here):
            numbered = [item for tie in pref.ranking for item in tie if item.state is not None]
            if not numbered:
                continue
            whose = "in the model as written" if owner is None else \
                ("given by the variant itself" if owner == variant.name
                 else f"given by variant '{owner}', which '{variant.name}' extends")
            item = numbered[0]
            raise locs.error(
                item.path,
                f"variant '{variant.name}' changes feasibility, so its states are numbered "
                f"anew, but the ranking of '{dms[d].id}' ({whose}) names state {item.state} "
                "by its number, which may be another state there",
                "write the ranking with statements (e.g. 'x and not z'), which mean the same "
                "states in every variant; 'standoff states MODEL' shows the options taken in "
                "each numbered state",
            )


def _check_dm_not_reserved(dm_id: str, locs: Locations) -> None:
    """Refuse a decision maker id that the claim language reads as one of its own words."""
    meaning = RESERVED_DM_IDS.get(dm_id.lower())
    if meaning is not None:
        words = ", ".join(sorted(RESERVED_DM_IDS))
        raise locs.error(
            ("decision_makers", dm_id),
            f"'{dm_id}' cannot be used as a decision maker id: claims read it as a word of the "
            f"claim language ({meaning})",
            f"rename the decision maker (e.g. dm_{dm_id.lower()}) here and wherever it is "
            f"used; the reserved ids are: {words}",
        )


_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_\-]*$")
_KEYWORDS = frozenset({"not", "and", "or", "if", "iff", "true", "false"})


def _check_name(name: str, path: DocPath, locs: Locations, what: str) -> None:
    if not _NAME.match(name) or name.lower() in _KEYWORDS:
        raise locs.error(
            path,
            f"'{name}' cannot be used as a {what}",
            "use letters, digits, '_' or '-', starting with a letter, and not a keyword "
            "(not, and, or, if, iff, true, false)",
        )


def _resolve_plain(name: str, path: DocPath, names: _Names, locs: Locations) -> int:
    try:
        return names(name.strip(), 0)
    except ExpressionError as exc:
        raise locs.error(path, exc.message, exc.hint) from None


def _statement(
    item: str | int | schema.Evidence,
    path: DocPath,
    names: _Names,
    locs: Locations,
    reader: _Reader,
    allow_state: bool = False,
    declared: bool = False,
) -> StatementSpec:
    evidence = None
    weight = None
    spath = path
    uncertain = False
    if isinstance(item, schema.Evidence):
        evidence = reader.evidence(item, path)
        weight = item.weight
        uncertain = bool(item.uncertain)
        if uncertain and not declared:
            raise locs.error((*path, "uncertain"),
                             "'uncertain: true' is allowed only on a statement of "
                             "'prioritize' or 'weights'",
                             "remove it; in a ranking, put states whose order is unknown in "
                             "an '- any_order: [...]' group")
        spath = (*path, "statement")
        item = item.statement
    weight, weight_range = _weight_and_range(weight)
    if not isinstance(item, str):  # a number (the schema admits no other value here)
        if not allow_state:
            raise locs.error(spath, f"a number ({item}) is not a statement",
                             "write a statement over options, e.g. 'accept and not modify'")
        return StatementSpec(str(item), None, item, weight, evidence, spath)
    expr = _parse_statement(item, spath, names, locs)
    return StatementSpec(item, expr, None, weight, evidence, spath, uncertain, weight_range)


def _weight_and_range(
    weight: float | list[float] | None,
) -> tuple[float | None, tuple[float, float] | None]:
    """A weight as written: a number, or a range ``[low, high]`` read at its midpoint (the
    base reading of declared uncertainty)."""
    if isinstance(weight, list):
        low, high = float(weight[0]), float(weight[1])
        return (low + high) / 2, (low, high)
    return weight, None


def _preference(
    dm_id: str,
    pref: schema.Preference,
    names: _Names,
    locs: Locations,
    reader: _Reader,
    data: dict[str, Any],
    path: DocPath | None = None,
) -> PreferenceSpec:
    path = path if path is not None else ("preferences", dm_id)
    given = [k for k in ("prioritize", "weights", "ranking") if getattr(pref, k) is not None]
    if len(given) != 1:
        raise locs.error(
            path,
            f"preferences of '{dm_id}' must use exactly one of prioritize, weights, ranking"
            + (f" (found {', '.join(given)})" if given else ""),
            "keep one form; option prioritization ('prioritize:') is the usual choice",
        )
    kind = given[0]
    if kind == "prioritize":
        assert pref.prioritize is not None
        if not pref.prioritize:
            raise locs.error((*path, kind), "the prioritize list is empty",
                             "list statements, most important first")
        stmts_p: list[StatementSpec] = []
        groups: list[tuple[int, ...]] = []
        for k, s in enumerate(pref.prioritize):
            if isinstance(s, schema.AnyOrder):
                _check_group(s.any_order, (*path, kind, k), locs, "statement")
                first = len(stmts_p)
                stmts_p.extend(
                    _statement(e, (*path, kind, k, "any_order", j), names, locs, reader,
                               declared=True)
                    for j, e in enumerate(s.any_order))
                groups.append(tuple(range(first, len(stmts_p))))
            else:
                stmts_p.append(_statement(s, (*path, kind, k), names, locs, reader,
                                          declared=True))
        if len(stmts_p) > 62:
            raise locs.error((*path, kind), "more than 62 prioritized statements",
                             "use 'weights:' for long lists")
        spec_p = PreferenceSpec(kind, statements=tuple(stmts_p), path=path,
                                any_order=tuple(groups))
        _check_declared_space(spec_p, dm_id, locs)
        return spec_p
    if kind == "weights":
        assert pref.weights is not None
        stmts_list = []
        if isinstance(pref.weights, dict):
            for text, w in pref.weights.items():
                stmt = _statement(text, (*path, kind, text), names, locs, reader)
                w_mid, w_range = _weight_and_range(w)
                assert w_mid is not None
                stmts_list.append(StatementSpec(stmt.text, stmt.expr, None, float(w_mid), None,
                                                stmt.path, False, w_range))
        else:
            for k, ev in enumerate(pref.weights):
                if ev.weight is None:
                    raise locs.error((*path, kind, k), "this weighted statement has no weight",
                                     "add 'weight: NUMBER'")
                stmts_list.append(_statement(ev, (*path, kind, k), names, locs, reader,
                                             declared=True))
        if not stmts_list:
            raise locs.error((*path, kind), "the weights list is empty",
                             "give at least one statement with a weight")
        spec_w = PreferenceSpec(kind, statements=tuple(stmts_list), path=path)
        _check_declared_space(spec_w, dm_id, locs)
        return spec_w
    assert pref.ranking is not None
    if not pref.ranking:
        raise locs.error((*path, kind), "the ranking is empty", "list the states, best first")
    items: list[tuple[StatementSpec, ...]] = []
    r_groups: list[tuple[int, ...]] = []
    for k, entry in enumerate(pref.ranking):
        if isinstance(entry, schema.AnyOrderRanking):
            _check_group(entry.any_order, (*path, kind, k), locs, "item")
            first = len(items)
            for j, item in enumerate(entry.any_order):
                items.append(_ranking_item(item, (*path, kind, k, "any_order", j), names,
                                           locs, reader))
            r_groups.append(tuple(range(first, len(items))))
        else:
            items.append(_ranking_item(entry, (*path, kind, k), names, locs, reader))
    spec_r = PreferenceSpec(kind, ranking=tuple(items), path=path, any_order=tuple(r_groups))
    _check_declared_space(spec_r, dm_id, locs)
    return spec_r


def _ranking_item(item: Any, ipath: DocPath, names: _Names, locs: Locations,
                  reader: _Reader) -> tuple[StatementSpec, ...]:
    """One ranking item: a state or statement, or a tie group (a nested list)."""
    if isinstance(item, list):
        if not item:
            raise locs.error(ipath, "an empty tie group", "remove it or list tied states")
        return tuple(
            _statement(e, (*ipath, j), names, locs, reader, allow_state=True)
            for j, e in enumerate(item)
        )
    return (_statement(item, ipath, names, locs, reader, allow_state=True),)


#: Largest declared space of one decision maker's preference: the product of the sizes of
#: its ``any_order`` groups' orders (k! each) and of 2 per ``uncertain`` statement. Larger
#: declarations are refused when the model is read (each is enumerated to find its
#: distinct preferences).
MAX_DECLARED_PREFERENCES = 100_000


def declared_count(pref: PreferenceSpec) -> int:
    """How many preferences a declaration spells out before duplicates are merged:
    the product of k! over ``any_order`` groups of k and 2 per ``uncertain`` statement
    (weight ranges are counted separately, by their order-changing thresholds)."""
    import math as _math

    count = 1
    for group in pref.any_order:
        count *= _math.factorial(len(group))
    for s in pref.statements:
        if s.uncertain:
            count *= 2
    return count


def _check_group(items: list[Any], path: DocPath, locs: Locations, what: str) -> None:
    if len(items) < 2:
        raise locs.error(
            (*path, "any_order"),
            f"an any_order group of {len(items)} {what}{'' if len(items) == 1 else 's'} "
            "declares nothing",
            f"list two or more {what}s whose relative order is unknown, or write the {what} "
            "on its own",
        )


def _check_declared_space(pref: PreferenceSpec, dm_id: str, locs: Locations) -> None:
    count = declared_count(pref)
    if count > MAX_DECLARED_PREFERENCES:
        raise locs.error(
            (*pref.path, pref.kind),
            f"the preferences of '{dm_id}' declare {count:,} admissible orders, more than "
            f"the limit of {MAX_DECLARED_PREFERENCES:,}",
            "split large any_order groups (a group of k statements has k! orders), mark "
            "fewer statements 'uncertain: true' (each doubles the count), or use a weight "
            "range instead",
        )


def _confrontations(
    model: schema.ModelFile, names: _Names, locs: Locations, reader: _Reader,
    options: tuple[OptionSpec, ...],
) -> tuple[ConfrontationSpec, ...]:
    """The card tables of the model and of its variants (``confrontation:`` sections, read
    as docs/confrontation.md describes; analysed by :mod:`standoff.analysis.dilemmas`)."""
    sections: list[tuple[str, DocPath, schema.Confrontation]] = []
    if model.confrontation is not None:
        sections.append((BASE_VARIANT, ("confrontation",), model.confrontation))
    for vname, variant in model.variants.items():
        if variant.confrontation is not None:
            sections.append((vname, ("variants", vname, "confrontation"),
                             variant.confrontation))
    return tuple(
        read_confrontation(section, vname, path, tuple(model.decision_makers),
                           tuple(o.dm for o in options), tuple(o.key for o in options),
                           lambda name, p: _resolve_plain(name, p, names, locs),
                           locs.error, reader.evidence)
        for vname, path, section in sections)


def _perceptions(
    model: schema.ModelFile, names: _Names, locs: Locations, reader: _Reader,
    data: dict[str, Any],
) -> tuple[PerceptionSpec, ...]:
    """Every perception of the model and of its variants (``perceptions:`` sections, read
    as docs/hypergames.md describes; analysed by :mod:`standoff.analysis.hypergame`), names
    resolved and checked. A variant's perception of a decision maker replaces the one it
    inherits; a ranking by state number is refused (perceived games number states anew)."""
    out = [
        _perception(dm_id, item, BASE_VARIANT, ("perceptions", dm_id), model, names, locs,
                    reader, data)
        for dm_id, item in model.perceptions.items()
    ]
    for vname, variant in model.variants.items():
        for dm_id, item in variant.perceptions.items():
            out.append(_perception(dm_id, item, vname, ("variants", vname, "perceptions",
                                                        dm_id),
                                   model, names, locs, reader, data))
    return tuple(out)


def _perception(
    dm_id: str, item: schema.Perception, variant: str, path: DocPath,
    model: schema.ModelFile, names: _Names, locs: Locations, reader: _Reader,
    data: dict[str, Any],
) -> PerceptionSpec:
    known = ", ".join(model.decision_makers)
    if dm_id not in model.decision_makers:
        raise locs.error(path, f"unknown decision maker '{dm_id}'",
                         f"use an id from 'decision_makers:' ({known})")
    dm = list(model.decision_makers).index(dm_id)
    evidence = reader.evidence(item, path)
    unknown: list[int] = []
    for k, name in enumerate(item.unknown_options):
        index = _resolve_plain(name, (*path, "unknown_options", k), names, locs)
        if index in unknown:
            raise locs.error((*path, "unknown_options", k),
                             f"option '{name}' is listed twice",
                             "list each unknown option once")
        unknown.append(index)
    unrecognised = tuple(
        _statement(s, (*path, "unrecognised_states", k), names, locs, reader)
        for k, s in enumerate(item.unrecognised_states)
    )
    prefs = []
    for other, pref in item.preferences.items():
        ppath: DocPath = (*path, "preferences", other)
        if other not in model.decision_makers:
            raise locs.error(ppath, f"unknown decision maker '{other}'",
                             f"use an id from 'decision_makers:' ({known})")
        if other == dm_id:
            raise locs.error(ppath, f"a perception lists the preferences '{dm_id}' "
                             "attributes to others, not its own",
                             f"give '{dm_id}''s own preferences under 'preferences:' (or in "
                             "a variant's 'preferences:')")
        spec = _preference(other, pref, names, locs, reader, data, path=ppath)
        for group in spec.ranking:
            for stmt in group:
                if stmt.state is not None:
                    raise locs.error(stmt.path, f"a perceived ranking names state {stmt.state} "
                                     "by its number",
                                     "write the state as a statement over options (e.g. "
                                     "'a.accept and not b.escalate'): states are numbered "
                                     "anew in a perceived game")
        prefs.append((list(model.decision_makers).index(other), spec))
    return PerceptionSpec(dm, variant, tuple(unknown), unrecognised, tuple(prefs), evidence,
                          item.description, path)
