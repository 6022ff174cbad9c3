"""Import GMCR+ project files (``.gmcr``) as standoff/1 model documents.

GMCR+ (the Python/Tkinter GMCR tool) saves a conflict as one JSON object. This importer is
written from the description of that data in ``docs/import-export.md`` (the format as far as
an importer needs it); it does not use GMCR+'s code.

What is read, and how it is translated:

* ``options``: each becomes an option of the decision maker that lists it, with the GMCR+
  name as its text; ``permittedDirection`` ``fwd`` (may only be taken) becomes
  ``moves: take``, ``back`` (may only be given up) becomes ``moves: drop``, ``both`` stays
  ``both``.
* ``decisionMakers``: name and options. The options are written in GMCR+'s state-numbering
  order (decision makers in file order, each one's options in its list order), which is
  also standoff's bit order (the first option in the file is the least significant bit), so
  both programs number the feasible states the same: state N here is state N in GMCR+.
* ``infeasibles``: each condition becomes a ``feasibility: infeasible:`` statement.
* preferences: prioritized conditions (``preferences``) become ``prioritize`` statements;
  manual rankings (``preferenceRanking`` / ``preferenceVector``) become ``ranking`` items,
  each state written as the conjunction of its option values (so the item cannot be misread
  if states are renumbered), tie classes as nested lists. Which of the two is used follows
  ``useManualPreferenceRanking`` (``useManualPreferenceVectors`` in older files).

The weighting of prioritized conditions agrees: the GMCR+ description gives statement k of
K the weight 2^(K-1-k) (k counted from 0: 2^(K-1) for the first, 1 for the last), standoff
gives statement k of K the weight 2^(K-k) (k counted from 1: again 2^(K-1) for the first, 1
for the last). The weights are identical; were the GMCR+ k counted from 1, every weight
would be halved, a constant factor that changes no comparison of scores. Either way each
state gets the same order and the same ties, so the ``prioritize`` list is copied as written.

Misperceptions (the states a decision maker does not perceive) are imported as that
decision maker's ``perceptions: DM: unrecognised_states:`` (docs/hypergames.md), one
statement per condition, and a note says so.

What is not imported, and reported (in :attr:`GmcrPlusImport.not_imported`, in the YAML
header and on the command line): coalitions (standoff/1 has no fixed coalitions;
``standoff coalitions`` analyses them), decision makers without options (they cannot
move, so they are stable everywhere and change no equilibrium), keys the description does
not define ("not read"). GMCR+ files have no status quo, so the model has none.

Malformed files raise a located :class:`~standoff.errors.ModelError` (file, JSON line and
column, what is wrong, how to fix it).
"""

from __future__ import annotations

import datetime
import json
import os
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from standoff.errors import ModelError
from standoff.model import yamlio
from standoff.model.claims_grammar import RESERVED_DM_IDS
from standoff.model.expressions import KEYWORDS
from standoff.model.files import read_user_text

#: Largest .gmcr file read (GMCR+ projects are a few kilobytes).
MAX_GMCR_BYTES = 4 * 2**20
#: Most options for which feasible states are numbered (needed by manual rankings).
MAX_NUMBERED_OPTIONS = 22

_TOP_KEYS = ("program", "options", "decisionMakers", "infeasibles",
             "useManualPreferenceVectors", "useManualPreferenceRanking", "coalitions")
_OPTION_KEYS = ("name", "permittedDirection")
_DM_KEYS = ("name", "options", "preferences", "preferenceVector", "preferenceRanking",
            "misperceptions")
_COMPOUND_KEYS = ("compound", "members")
_DIRECTIONS = {"both": "both", "fwd": "take", "back": "drop"}
_FORMAT_DOC = "see docs/import-export.md for the .gmcr keys standoff reads"

Path_ = tuple[str | int, ...]


@dataclass
class GmcrPlusImport:
    """The result of reading a ``.gmcr`` file.

    Attributes:
        source: the file as named by the caller.
        document: the standoff/1 model document (plain dicts, lists and strings).
        not_imported: one sentence per part of the file that is not in ``document``
            (coalitions, keys not read, ...).
        not_imported_lines: the line of the file each of ``not_imported`` is about (None
            where unknown).
        notes: how parts of the file were translated (defaults assumed, state numbering).
        state_numbers: GMCR+ state number -> option pattern (Y/N in the model's option
            order), for the feasible states, when they were numbered (manual rankings, or
            at most :data:`MAX_NUMBERED_OPTIONS` options).
    """

    source: str
    document: dict[str, Any]
    not_imported: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    state_numbers: dict[int, str] = field(default_factory=dict)
    not_imported_lines: list[int | None] = field(default_factory=list)

    def to_yaml(self, date: datetime.date | None = None) -> str:
        """The model as YAML text, with a comment header naming the source file, the date
        of the import and what was not imported."""
        return _header(self, date or datetime.date.today()) + dump_yaml(self.document)


def read_gmcr_plus(path: str | Path) -> GmcrPlusImport:
    """Read a GMCR+ ``.gmcr`` project file and translate it into a standoff/1 model.

    Raises :class:`ModelError` (located at the JSON line and column) for a file that cannot
    be read, is not JSON, or does not follow the GMCR+ format.
    """
    shown = str(path)
    text = _read_capped(Path(path), shown)
    data, locs = _parse(text, shown)
    return _Importer(data, locs, Path(path)).run()


# -- reading ------------------------------------------------------------------------------


def _read_capped(path: Path, shown: str) -> str:
    """The file's text, read only if it is a regular file of at most MAX_GMCR_BYTES
    (through the one reader of user files, :func:`standoff.model.files.read_user_text`)."""
    return read_user_text(path, MAX_GMCR_BYTES, "GMCR+ project file", suffixes=(".gmcr",))


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def _parse(text: str, shown: str) -> tuple[Any, yamlio.Locations]:
    """Strict JSON parsing (located syntax errors), then the positions of every value."""
    try:
        data = json.loads(text, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        raise ModelError(f"JSON syntax error: {exc.msg}", file=shown, line=exc.lineno,
                         column=exc.colno,
                         hint="a .gmcr file is JSON as GMCR+ saves it: check the commas, "
                         "brackets, braces and quotes here") from None
    except ValueError as exc:  # NaN, Infinity
        raise ModelError(f"JSON syntax error: {exc}", file=shown,
                         hint="write a number or remove the value") from None
    except RecursionError:
        raise ModelError("the JSON is nested too deeply", file=shown,
                         hint="a .gmcr file needs only a few levels of nesting") from None
    try:
        # the YAML reader reads JSON too and remembers where each value sits, and refuses
        # duplicate keys and excessive nesting with a located message
        _, locs = yamlio.parse_text(text, shown)
    except ModelError as exc:
        if exc.message.startswith("YAML syntax error"):
            locs = yamlio.Locations(file=shown)  # valid JSON YAML cannot place: no positions
        else:
            raise
    return data, locs


def _where(path: Path_) -> str:
    """``decisionMakers[1].options[0]``: a JSON path as the user sees it."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "the top level"


def _kind(value: Any) -> str:
    """A JSON value's kind, in words."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return f"the number {value}"
    if isinstance(value, str):
        return f"the text {json.dumps(value, ensure_ascii=False)[:40]}"
    if isinstance(value, list):
        return "a list"
    return "an object"


def _slug(name: str, prefix: str) -> str:
    """An id made from a GMCR+ name: ASCII letters, digits and ``_``, lower case, starting
    with a letter and not a statement keyword."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "_", ascii_name.lower()).strip("_")
    if not slug or not slug[0].isalpha():
        slug = f"{prefix}{slug}" if slug else prefix.rstrip("_")
    slug = slug[:40].rstrip("_") or prefix.rstrip("_")
    return f"{prefix}{slug}" if slug in KEYWORDS else slug


# -- translating --------------------------------------------------------------------------


@dataclass
class _Option:
    index: int  # in the file's options list
    id: str
    text: str
    moves: str


class _Importer:
    def __init__(self, data: Any, locs: yamlio.Locations, path: Path) -> None:
        self.data = data
        self.locs = locs
        self.path = path
        self.not_imported: list[str] = []
        self.not_imported_lines: list[int | None] = []
        self.notes: list[str] = []
        self.perceptions: dict[str, Any] = {}
        self.used_ids: set[str] = set()

    def error(self, path: Path_, message: str, hint: str) -> ModelError:
        return self.locs.error(path, f"{_where(path)}: {message}", hint)

    def skip(self, path: Path_, text: str) -> None:
        """Record a part of the file that is not imported, and where it is."""
        self.not_imported.append(text)
        self.not_imported_lines.append(self.locs.find(path)[0])

    def not_read(self, obj: dict[str, Any], known: tuple[str, ...], path: Path_) -> None:
        for key in obj:
            if key not in known:
                self.skip((*path, key), f"{_where((*path, key))}: not read (the GMCR+ "
                          "format as standoff knows it has no such key)")

    def unique_id(self, name: str, prefix: str) -> str:
        base = _slug(name, prefix)
        if base in RESERVED_DM_IDS:
            base = f"{prefix}{base}"
        candidate, n = base, 2
        while candidate in self.used_ids:
            candidate, n = f"{base}_{n}", n + 1
        self.used_ids.add(candidate)
        return candidate

    def text_of(self, value: Any, path: Path_, what: str) -> str:
        if not isinstance(value, str) or not value.strip():
            raise self.error(path, f"the {what} should be non-empty text, not {_kind(value)}",
                             f"give the {what} as text in quotes")
        return " ".join(value.split())

    def list_at(self, obj: dict[str, Any], key: str, path: Path_, what: str,
                required: bool = True) -> list[Any]:
        if key not in obj or (obj[key] is None and not required):
            if required:
                raise self.locs.error(path, f"{_where(path)}: missing key \"{key}\" ({what})",
                                      f"add \"{key}\": [...]; {_FORMAT_DOC}")
            return []
        value = obj[key]
        if not isinstance(value, list):
            raise self.error((*path, key), f"should be a list ({what}), not {_kind(value)}",
                             f"write it as [...]; {_FORMAT_DOC}")
        return value

    # -- the file -------------------------------------------------------------------------
    def run(self) -> GmcrPlusImport:
        data = self.data
        if not isinstance(data, dict):
            raise self.error((), f"a GMCR+ project is a JSON object {{...}}, not {_kind(data)}",
                             "give a .gmcr file saved by GMCR+")
        program = data.get("program")
        if program is None:
            self.notes.append("the file does not say which program wrote it (no \"program\" "
                              "key); it was read as a GMCR+ project")
        elif program != "gmcr-py":
            raise self.error(("program",), f"this file was written by {_kind(program)}, not "
                             "by GMCR+ (\"gmcr-py\")",
                             "give a .gmcr project saved by GMCR+; for a standoff model use "
                             "'standoff check' instead")
        self.not_read(data, _TOP_KEYS, ())
        raw_options = self.list_at(data, "options", (), "the options")
        raw_dms = self.list_at(data, "decisionMakers", (), "the decision makers")
        if not raw_options:
            raise self.error(("options",), "the project has no options",
                             "add options in GMCR+ before importing")
        self.option_count = len(raw_options)
        options = [self.option(o, k) for k, o in enumerate(raw_options)]
        owners = self.owners(raw_dms)
        # standoff's option order: decision makers in file order, each one's options in its
        # list order (GMCR+'s state-numbering order)
        self.order = [k for _, listed in owners for k in listed]
        self.position = {k: p for p, k in enumerate(self.order)}
        # ids in file order: each decision maker's, then its options'
        self.ids: dict[int, str] = {}
        for d, (_, listed) in enumerate(owners):
            if listed:
                self.dm_ids[d] = self.unique_id(self.dm_names[d], "dm_")
                for k in listed:
                    self.ids[k] = options[k].id = self.unique_id(options[k].text, "o_")
        for k in range(len(raw_options)):
            if k not in self.position:
                raise self.error(("options", k), f"option {k} "
                                 f"({json.dumps(options[k].text, ensure_ascii=False)}) is "
                                 "listed by no decision maker",
                                 "in standoff every option belongs to a decision maker: add "
                                 f"{k} to the \"options\" list of the decision maker who "
                                 "controls it, or delete the option in GMCR+")
        self.infeasible = [self.condition(c, ("infeasibles", k))
                           for k, c in enumerate(self.list_at(data, "infeasibles", (),
                                                              "the infeasible conditions",
                                                              required=False))]
        manual = self.manual_flag()
        self.numbered: dict[int, int] | None = None  # GMCR+ state number -> bit pattern
        if len(self.order) <= MAX_NUMBERED_OPTIONS:
            self.numbered = self.number_states()
            if not self.numbered:
                raise self.error(("infeasibles",), "no feasible state: the infeasible "
                                 "conditions exclude every combination of options",
                                 "remove the condition that is too broad in GMCR+ (a "
                                 "condition lists what can NOT happen)")
        decision_makers: dict[str, Any] = {}
        preferences: dict[str, Any] = {}
        for d, (raw, listed) in enumerate(owners):
            if not listed:
                continue
            dm_id = self.dm_ids[d]
            decision_makers[dm_id] = {
                "name": self.dm_names[d],
                "options": {options[k].id: {"text": options[k].text, "moves": options[k].moves}
                            for k in listed},
            }
            preferences[dm_id] = self.preference(raw, d, manual)
            self.misperceptions(raw, d)
        if len(decision_makers) < 2:
            raise self.error(("decisionMakers",), "a conflict needs at least two decision "
                             f"makers with options (found {len(decision_makers)})",
                             "give each decision maker its options in GMCR+ before importing")
        self.coalitions(data.get("coalitions"))
        document: dict[str, Any] = {
            "format": "standoff/1",
            "title": self.path.stem or "Imported GMCR+ project",
            "description": f"Imported from the GMCR+ project file {self.path.name}.",
            "decision_makers": decision_makers,
        }
        if self.infeasible:
            document["feasibility"] = {"infeasible": self.infeasible}
        document["preferences"] = preferences
        if self.perceptions:
            document["perceptions"] = self.perceptions
        self.notes.append("GMCR+ files have no status quo, so the model has none: add "
                          "'status_quo: [options taken today]' for paths and reports")
        patterns = {}
        if self.numbered is not None:
            patterns = {n: self.pattern(v) for n, v in self.numbered.items()}
            self.notes.append("the options are in GMCR+'s state-numbering order, so state N "
                              "here is state N in GMCR+")
        return GmcrPlusImport(str(self.path), document, self.not_imported, self.notes,
                              patterns, self.not_imported_lines)

    def option(self, raw: Any, k: int) -> _Option:
        path: Path_ = ("options", k)
        if not isinstance(raw, dict):
            raise self.error(path, f"an option should be an object {{\"name\": ..., "
                             f"\"permittedDirection\": ...}}, not {_kind(raw)}",
                             "write the option as {\"name\": \"...\", \"permittedDirection\": "
                             "\"both\"}")
        self.not_read(raw, _OPTION_KEYS, path)
        text = self.text_of(raw.get("name"), (*path, "name"), "option's name")
        direction = raw.get("permittedDirection")
        if direction is None:
            direction = "both"
            self.notes.append(f"{_where(path)} ({text}) has no permittedDirection: it may be "
                              "taken and given up (both)")
        if direction not in _DIRECTIONS:
            raise self.error((*path, "permittedDirection"),
                             f"unknown direction {_kind(direction)}",
                             "use \"both\", \"fwd\" (may only be taken) or \"back\" (may only "
                             "be given up)")
        return _Option(k, "", text, _DIRECTIONS[direction])

    def owners(self, raw_dms: list[Any]) -> list[tuple[dict[str, Any], list[int]]]:
        """Each decision maker with the options it lists; ids are assigned here too."""
        owner_of: dict[int, int] = {}
        out = []
        self.dm_ids: list[str] = []
        self.dm_names: list[str] = []
        for d, raw in enumerate(raw_dms):
            path: Path_ = ("decisionMakers", d)
            if not isinstance(raw, dict):
                raise self.error(path, f"a decision maker should be an object {{\"name\": ..., "
                                 f"\"options\": [...]}}, not {_kind(raw)}",
                                 "write it as {\"name\": \"...\", \"options\": [0, 1]}")
            self.not_read(raw, _DM_KEYS, path)
            name = self.text_of(raw.get("name"), (*path, "name"), "decision maker's name")
            listed = []
            for j, k in enumerate(self.list_at(raw, "options", path, "its option indices")):
                kpath: Path_ = (*path, "options", j)
                self.check_index(k, kpath)
                if k in owner_of:
                    other = owner_of[k]
                    whose = "this decision maker" if other == d else \
                        f"decision maker {other} ({self.dm_names[other]})"
                    raise self.error(kpath, f"option {k} is already listed by {whose}",
                                     "an option belongs to one decision maker: list it once")
                owner_of[k] = d
                listed.append(k)
            self.dm_names.append(name)
            self.dm_ids.append("")
            out.append((raw, listed))
            if not listed:
                self.skip(
                    path, f"{_where(path)} ({name}) controls no options: it cannot move, so it is "
                    "stable at every state and changes no equilibrium; it is left out")
        return out

    def check_index(self, k: Any, path: Path_) -> None:
        if isinstance(k, bool) or not isinstance(k, int):
            raise self.error(path, f"an option is named by its index, a whole number, not "
                             f"{_kind(k)}", f"use 0 to {self.option_count - 1}, the position "
                             "of the option in the top-level \"options\" list")
        if not 0 <= k < self.option_count:
            raise self.error(path, f"option {k} does not exist (the file has "
                             f"{self.option_count} options, numbered 0 to "
                             f"{self.option_count - 1})",
                             "use the position of the option in the top-level \"options\" list")

    def option_id(self, k: int) -> str:
        """The standoff id of option ``k`` (ids are assigned before conditions are read)."""
        return self.ids[k]

    def manual_flag(self) -> bool | None:
        """``useManualPreferenceRanking`` (or the older ``useManualPreferenceVectors``)."""
        found = [(key, self.data[key]) for key in ("useManualPreferenceRanking",
                                                   "useManualPreferenceVectors")
                 if key in self.data and self.data[key] is not None]
        for key, value in found:
            if not isinstance(value, bool):
                raise self.error((key,), f"should be true or false, not {_kind(value)}",
                                 "true: the manual rankings are used; false: the prioritized "
                                 "conditions")
        if len(found) == 2 and found[0][1] != found[1][1]:
            raise self.error((found[1][0],), f"says {str(found[1][1]).lower()} but "
                             f"{found[0][0]} says {str(found[0][1]).lower()}",
                             f"keep one of them ({found[0][0]} is the current name)")
        return found[0][1] if found else None

    # -- conditions ----------------------------------------------------------------------
    def condition(self, raw: Any, path: Path_) -> str:
        """A GMCR+ condition as a standoff statement."""
        if isinstance(raw, dict):
            self.not_read(raw, _COMPOUND_KEYS, path)
            if raw.get("compound") is not True:
                raise self.error(path, "a condition written as an object must have "
                                 "\"compound\": true and \"members\"",
                                 "write a conjunction as [[OPTION, \"Y\"], ...] or a "
                                 "disjunction as {\"compound\": true, \"members\": [...]}")
            members = self.list_at(raw, "members", path, "the alternatives of the condition")
            parts = [self.condition(m, (*path, "members", j)) for j, m in enumerate(members)]
            if not parts:
                return "false"
            if len(parts) == 1:
                return parts[0]
            return " or ".join(p if re.fullmatch(r"(not )?[\w-]+", p) else f"({p})"
                               for p in parts)
        if not isinstance(raw, list):
            raise self.error(path, f"a condition should be a list of [OPTION, \"Y\" or \"N\"] "
                             f"pairs or a compound object, not {_kind(raw)}",
                             "write e.g. [[0, \"Y\"], [2, \"N\"]]")
        literals = []
        for j, lit in enumerate(raw):
            lpath: Path_ = (*path, j)
            if not isinstance(lit, list) or len(lit) != 2:
                found = _kind(lit) if not isinstance(lit, list) else f"a list of {len(lit)}"
                raise self.error(lpath, f"a condition's entry should be a pair [OPTION, \"Y\" "
                                 f"or \"N\"], not {found}",
                                 "write e.g. [0, \"Y\"] (option 0 taken) or [2, \"N\"] "
                                 "(option 2 not taken)")
            self.check_index(lit[0], (*lpath, 0))
            if lit[1] not in ("Y", "N"):
                raise self.error((*lpath, 1), f"the value should be \"Y\" or \"N\", not "
                                 f"{_kind(lit[1])}", "use \"Y\" (taken) or \"N\" (not taken)")
            name = self.option_id(lit[0])
            literals.append(name if lit[1] == "Y" else f"not {name}")
        return " and ".join(literals) if literals else "true"

    def mask(self, raw: Any, patterns: np.ndarray) -> np.ndarray:
        """Which bit patterns (in standoff's option order) match a (validated) condition."""
        if isinstance(raw, dict):
            out = np.zeros(patterns.shape, dtype=bool)
            for member in raw.get("members") or []:
                out |= self.mask(member, patterns)
            return out
        out = np.ones(patterns.shape, dtype=bool)
        for k, value in raw:
            bit = (patterns >> np.uint64(self.position[k])) & np.uint64(1)
            out &= (bit == 1) if value == "Y" else (bit == 0)
        return out

    def number_states(self) -> dict[int, int]:
        """GMCR+ state number -> bit pattern (option p of the numbering order is bit p)."""
        patterns = np.arange(1 << len(self.order), dtype=np.uint64)
        feasible = np.ones(patterns.shape, dtype=bool)
        for raw in self.list_at(self.data, "infeasibles", (), "", required=False):
            feasible &= ~self.mask(raw, patterns)
        return {n: int(v) for n, v in enumerate(patterns[feasible], start=1)}

    def pattern(self, value: int) -> str:
        return "".join("Y" if (value >> p) & 1 else "N" for p in range(len(self.order)))

    def conjunction(self, value: int) -> str:
        """The statement true in exactly the state with bit pattern ``value``."""
        return " and ".join(self.ids[k] if (value >> p) & 1 else f"not {self.ids[k]}"
                            for p, k in enumerate(self.order))

    # -- preferences ---------------------------------------------------------------------
    def preference(self, raw: dict[str, Any], d: int, manual: bool | None) -> dict[str, Any]:
        path: Path_ = ("decisionMakers", d)
        name = self.dm_names[d]
        prioritized = self.list_at(raw, "preferences", path, "prioritized conditions",
                                   required=False)
        ranking_key = next((k for k in ("preferenceRanking", "preferenceVector")
                            if raw.get(k) is not None), None)
        use_ranking = manual if manual is not None else (not prioritized
                                                         and ranking_key is not None)
        if use_ranking:
            if ranking_key is None:
                raise self.locs.error(path, f"{_where(path)} ({name}): the file uses manual "
                                      "rankings, but this decision maker has no "
                                      "\"preferenceRanking\"",
                                      "rank its states in GMCR+, or set "
                                      "\"useManualPreferenceRanking\": false to use the "
                                      "prioritized conditions")
            if prioritized:
                self.notes.append(f"{_where(path)} ({name}): the manual ranking is used, as "
                                  "the file says; its prioritized conditions are not")
            return {"ranking": self.ranking(raw[ranking_key], (*path, ranking_key), name)}
        if ranking_key is not None and manual is False:
            self.notes.append(f"{_where(path)} ({name}): the prioritized conditions are used, "
                              f"as the file says; its {ranking_key} is not")
        statements = [self.condition(c, (*path, "preferences", j))
                      for j, c in enumerate(prioritized)]
        if not statements:
            self.notes.append(f"{_where(path)} ({name}) states no preferences: all states "
                              "are equally preferred")
            return {"ranking": ["true"]}
        if len(statements) > 62:
            raise self.error((*path, "preferences"), f"{len(statements)} prioritized "
                             "conditions; standoff reads at most 62",
                             "merge conditions in GMCR+, or rank the states manually")
        return {"prioritize": statements}

    def ranking(self, raw: Any, path: Path_, name: str) -> list[Any]:
        if not isinstance(raw, list):
            raise self.error(path, f"should be a list of state numbers (best first), not "
                             f"{_kind(raw)}", "write e.g. [3, [1, 4], 2]")
        if self.numbered is None:
            raise self.error(path, f"a manual ranking over {len(self.order)} options cannot "
                             f"be numbered (standoff numbers states for at most "
                             f"{MAX_NUMBERED_OPTIONS} options)",
                             "use prioritized conditions in GMCR+ for a model this large")
        count = len(self.numbered)
        seen: dict[int, Path_] = {}
        items: list[Any] = []

        def state(value: Any, spath: Path_) -> str:
            if isinstance(value, bool) or not isinstance(value, int):
                raise self.error(spath, f"a ranked state should be a state number, not "
                                 f"{_kind(value)}", f"use numbers from 1 to {count}")
            if not 1 <= value <= count:
                raise self.error(spath, f"state {value} does not exist (the project has "
                                 f"{count} feasible states, numbered 1 to {count})",
                                 "rank the states again in GMCR+ after changing options or "
                                 "infeasible conditions")
            if value in seen:
                raise self.error(spath, f"state {value} is ranked twice (also at "
                                 f"{_where(seen[value])})",
                                 "rank each state once; equally preferred states go in one "
                                 "nested list")
            seen[value] = spath
            return self.conjunction(self.numbered[value])  # type: ignore[index]

        for j, item in enumerate(raw):
            ipath: Path_ = (*path, j)
            if isinstance(item, list):
                if not item:
                    raise self.error(ipath, "an empty tie class", "remove the empty list")
                group = [state(v, (*ipath, i)) for i, v in enumerate(item)]
                items.append(group if len(group) > 1 else group[0])
            else:
                items.append(state(item, ipath))
        missing = [n for n in range(1, count + 1) if n not in seen]
        if missing:
            shown = ", ".join(f"{n} ({self.pattern(self.numbered[n])})" for n in missing[:8])
            more = f" and {len(missing) - 8} more" if len(missing) > 8 else ""
            raise self.error(path, f"the ranking of {name} leaves out state(s) {shown}{more}",
                             "every feasible state must be ranked once; add the missing "
                             "states (a nested list makes a tie class)")
        return items

    def misperceptions(self, raw: dict[str, Any], d: int) -> None:
        path: Path_ = ("decisionMakers", d, "misperceptions")
        conditions = self.list_at(raw, "misperceptions", path[:-1], "misperceived states",
                                  required=False)
        if not conditions:
            return
        statements = [self.condition(c, (*path, j)) for j, c in enumerate(conditions)]
        states = ""
        if self.numbered is not None:
            values = np.array(list(self.numbered.values()), dtype=np.uint64)
            hit = np.zeros(values.shape, dtype=bool)
            for c in conditions:
                hit |= self.mask(c, values)
            numbers = [n + 1 for n in np.flatnonzero(hit)]
            states = (f" (state{'s' if len(numbers) > 1 else ''} "
                      + ", ".join(map(str, numbers[:20]))
                      + (", ..." if len(numbers) > 20 else "") + ")") if numbers \
                else " (no state)"
        self.perceptions[self.dm_ids[d]] = {"unrecognised_states": statements}
        self.notes.append(
            f"{_where(path)}: {self.dm_names[d]} misperceives the states where "
            + "; ".join(f"'{s}'" for s in statements) + f"{states}: imported as "
            f"'perceptions: {self.dm_ids[d]}: unrecognised_states:' (docs/hypergames.md). "
            "standoff removes these states from the game this decision maker perceives (it "
            "neither moves to or from them nor foresees others' moves there); 'standoff "
            "hypergame' analyses it, other commands use the model as written")

    def coalitions(self, raw: Any) -> None:
        if raw is None or raw == []:
            return
        path: Path_ = ("coalitions",)

        def name(v: Any) -> str:
            if isinstance(v, int) and not isinstance(v, bool) and 0 <= v < len(self.dm_ids):
                return self.dm_ids[v] or self.dm_names[v]
            if isinstance(v, str):
                return v
            return json.dumps(v, ensure_ascii=False)[:40]

        groups = []
        if isinstance(raw, list):
            for item in raw:
                members = item if isinstance(item, list) else [item]
                if len(members) > 1:
                    groups.append("+".join(name(m) for m in members))
        shown = ", ".join(groups) if groups else json.dumps(raw, ensure_ascii=False)[:80]
        hint = ("; standoff analyses coalitions with 'standoff coalitions MODEL"
                + "".join(f" --coalition {g}" for g in groups) + "'") if groups else ""
        self.skip(path, f"{_where(path)}: the fixed coalitions {shown} are not imported "
                  f"(standoff/1 has no fixed coalitions: the model's decision makers act "
                  f"alone){hint}")


# -- writing ------------------------------------------------------------------------------


class _Dumper(yaml.SafeDumper):
    """PyYAML's safe dumper, quoting any text standoff's YAML 1.2 reader would read as
    something else (e.g. ``1e3``, which YAML 1.1 writes bare)."""


_PROBE = yamlio._Loader("")


def _represent_text(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    tag = _PROBE.resolve(yaml.ScalarNode, value, (True, False))
    style = "'" if tag != "tag:yaml.org,2002:str" and "\n" not in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _represent_text)


def dump_yaml(document: dict[str, Any]) -> str:
    """A model document as block-style YAML in the key order given."""
    return yaml.dump(document, Dumper=_Dumper, sort_keys=False, allow_unicode=True,
                     default_flow_style=False, width=100)


def _comment(text: str) -> list[str]:
    """``text`` as YAML comment lines of at most about 96 characters."""
    import textwrap

    clean = "".join(ch if ch.isprintable() else " " for ch in text)
    return ["# " + line for line in textwrap.wrap(clean, 94, subsequent_indent="  ",
                                                  break_on_hyphens=False)] or ["#"]


def _header(result: GmcrPlusImport, date: datetime.date) -> str:
    lines = _comment(f"Imported from the GMCR+ project file {os.path.basename(result.source)} "
                     f"by 'standoff import gmcr-plus' on {date.isoformat()}.")
    lines += _comment("Preferences are as written in the file: prioritized conditions as "
                      "'prioritize' (GMCR+ and standoff weigh them alike), manual rankings as "
                      "'ranking' items, each state written out option by option.")
    if result.notes:
        lines.append("#")
        lines.append("# Notes:")
        for note in result.notes:
            lines += _comment("- " + note)
    lines.append("#")
    if result.not_imported:
        lines.append("# Not imported:")
        for item in result.not_imported:
            lines += _comment("- " + item)
    else:
        lines.append("# Not imported: nothing (every part of the file was read).")
    return "\n".join(lines) + "\n"
