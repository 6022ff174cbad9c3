"""Hostile inputs for the fuzz test and ``tools/fuzz.py``: mutated model files and command
lines for every ``standoff`` command.

A :class:`FuzzCase` is a model file (a mutation of one of the examples in ``examples/`` or of
the reproducers in ``tests/repro/``), the files beside it, and one command line. The
mutations are the classes of hostile input listed in issue 16: control characters, lone
surrogates and bytes that are not UTF-8, huge numbers, deep nesting (parentheses, ``iff``
chains, YAML flow collections), explicit YAML tags on bad values, duplicate keys, names that
collide with ids, Markdown / HTML / terminal / CSV-formula injection strings, missing and
wrong-typed fields, truncation, special files (``/dev/zero``, a FIFO, a folder) as the model
or as a source, and odd option values (``--max-states 0``, ``-1`` or huge, ``--horizon`` huge,
unknown concepts and decision makers, ...).

:func:`fuzz_cases` is a Hypothesis strategy; ``tools/fuzz.py`` drives the same strategy with
random bytes through Hypothesis's ``fuzz_one_input``.
"""

from __future__ import annotations

import copy
import json
import os
import re
import reprlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parents[1]
SEED_FOLDERS = (ROOT / "examples", ROOT / "examples" / "bargaining",
                ROOT / "examples" / "istanbul-2025", ROOT / "tests" / "repro")
MODEL_SUFFIXES = (".yaml", ".json", ".csv", ".tsv")
MAX_SEED_BYTES = 80_000
MODEL_NAME = "model"  # the mutated model is written as model<suffix> in the case folder
FIFO_NAME = "fifo"  # a case file of this name is created as a named pipe

GRAPH_COMMANDS = ("check", "analyze", "states", "explain", "claims", "report", "paths",
                  "coalitions", "inverse", "lookahead")
BARGAINING_COMMANDS = ("forecast", "zopa", "check", "report")
OTHER_COMMANDS = ("schema", "backtest")

CONTROL = ["\x00", "\x01", "\x07", "\x08", "\x0b", "\x0c", "\x1b", "\x7f", "\x85", "\u2028",
           "\u202e", "\ufeff", "\r"]
ESCAPES = ["\x1b[31mred\x1b[0m", "\x1b]0;title\x07", "\x1b[2J", "\x1b]8;;http://x\x1b\\link",
           "\x9b31m"]
INJECTIONS = ["<script>alert(1)</script>", "-->", "<!--", "| a | b |", "`code`", "**bold**",
              "[x](javascript:alert(1))", "</style><img src=x onerror=alert(1)>", "&amp;",
              "=HYPERLINK(\"http://x\",\"y\")", "=1+1", "+1", "-1", "@SUM(A1)", "\t=1",
              "${jndi:x}", "\\", "\"", "'", "\n# heading\n", "{{x}}", "%s%n", "..", "/",
              "A" * 5000]
SURROGATES = ["\ud800", "\udfff", "x\udc80y"]
NUMBERS: list[Any] = [0, -1, 1, 2**31, 2**63, -(2**63) - 1, 10**310, -(10**310), 1e308,
                      -1e308, float("inf"), float("-inf"), float("nan"), 0.5, 1e-320, True,
                      False]
YAML_TAGS = ["!!timestamp x", "!!bool maybe", "!!int \"\"", "!!int x", "!!float abc",
             "!!binary %%%", "!!null x", "!!str", "!!seq x", "!!map x", "!!set {a, b}",
             "!!omap [a]", "!!python/object:os.system x", "!local x", "!!merge x"]
RAW_BYTES = [b"\xff", b"\xfe\xff", b"caf\xe9", b"\xc3", b"\xed\xa0\x80", b"\x00",
             b"\xef\xbb\xbf", b"\r", b"\x1a"]
SPECIAL_PATHS = ["/dev/zero", "/dev/null", "/dev/urandom", FIFO_NAME, ".", "missing.yaml",
                 "", " "]
OUTPUT_NAMES = ["out.html", "out.md", "out.svg", "out.png", "out.txt", "out.json", "out.csv",
                "out", "missing/out.html", ".", "{MODEL}", "out.HTML", "out.md.svg"]
CONCEPT_WORDS = ["nash", "gmr", "smr", "seq", "sim", "l1", "l2", "l3", "l5000", "l0", "l-1",
                 "nm", "cnash", "cgmr", "csmr", "cseq", "foo", "", ",", "nash,nash", "NASH",
                 " nash ", "l99999999999999999999"]
INTEGERS = ["0", "-1", "1", "2", "3", "5", "7", "18", "100", "1000000", "2147483648",
            str(2**64), str(10**30), "1e3", "x", "", " 1"]


@dataclass
class Seed:
    """An input file to start from: its text, what it models and (when it parses as YAML or
    JSON and is small enough) its structure."""

    name: str
    suffix: str
    kind: str  # "graph" or "bargaining"
    raw: bytes
    data: Any = None
    ids: list[str] = field(default_factory=list)  # decision makers or actors
    extras: dict[str, bytes] = field(default_factory=dict)  # small files beside it


@dataclass
class FuzzCase:
    """One hostile run: files to write into an empty folder and the command line.

    ``argv`` may contain ``{DIR}`` (the folder) and ``{MODEL}`` (the model file's path)."""

    seed: str
    files: dict[str, bytes]
    argv: list[str]
    mutations: list[str]

    @property
    def model_name(self) -> str:
        return next(name for name in self.files if name.startswith(MODEL_NAME + "."))

    def materialise(self, folder: Path) -> list[str]:
        """Write the case's files into ``folder``; return the command line (without the
        program name) with the placeholders filled in."""
        for name, content in self.files.items():
            if name == FIFO_NAME:
                os.mkfifo(folder / name)
            else:
                (folder / name).write_bytes(content)
        model = str(folder / self.model_name)
        return [a.replace("{MODEL}", model).replace("{DIR}", str(folder)) for a in self.argv]

    def describe(self) -> str:
        """A readable summary for a failure message."""
        head = self.files[self.model_name][:400]
        return (f"seed {self.seed}; mutations {self.mutations}; command "
                f"{' '.join(map(repr, self.argv))}; model starts {head!r}")


def _kind(data: Any, suffix: str, text: str) -> str:
    if suffix in (".csv", ".tsv"):
        return "bargaining"
    if isinstance(data, dict) and "bargaining" in data:
        return "bargaining"
    if data is None and re.search(r"^bargaining:", text, re.MULTILINE):
        return "bargaining"
    return "graph"


def _ids(data: Any) -> list[str]:
    """Decision-maker ids of a graph model, or actor ids of a bargaining file."""
    if not isinstance(data, dict):
        return []
    if isinstance(data.get("decision_makers"), dict):
        return [str(k) for k in data["decision_makers"]]
    bargaining = data.get("bargaining")
    if isinstance(bargaining, dict) and isinstance(bargaining.get("actors"), list):
        return [str(a.get("id")) for a in bargaining["actors"] if isinstance(a, dict)]
    return []


def load_seeds() -> list[Seed]:
    """Every example and reproducer model file, with the small text files beside it."""
    seeds = []
    for folder in SEED_FOLDERS:
        extras = {p.name: p.read_bytes() for p in sorted(folder.glob("*.txt"))
                  if p.stat().st_size < 20_000}
        for path in sorted(folder.iterdir()):
            if path.suffix not in MODEL_SUFFIXES or path.stat().st_size > MAX_SEED_BYTES:
                continue
            raw = path.read_bytes()
            data = None
            text = raw.decode("utf-8", "replace")
            if path.suffix in (".yaml", ".json") and len(re.findall(r"\*\w", text)) < 20:
                try:  # the reproducers include files that do not parse: text mutations only
                    data = yaml.safe_load(text)
                except Exception:  # PyYAML fails in many ways on bad tags (issue 16)
                    data = None
            seeds.append(Seed(f"{folder.name}/{path.name}", path.suffix,
                              _kind(data, path.suffix, text), raw, data, _ids(data), extras))
    return seeds


SEEDS = load_seeds()


# -- structure mutations ----------------------------------------------------------------

def _paths(node: Any, prefix: tuple = (), limit: int = 4000) -> list[tuple]:
    """Paths (tuples of keys and indices) to every node under ``node``, breadth first."""
    found: list[tuple] = []
    queue = [(prefix, node)]
    while queue and len(found) < limit:
        path, value = queue.pop(0)
        found.append(path)
        if isinstance(value, dict):
            queue += [((*path, k), v) for k, v in value.items()]
        elif isinstance(value, list):
            queue += [((*path, i), v) for i, v in enumerate(value)]
    return found


def _get(node: Any, path: tuple) -> Any:
    for key in path:
        node = node[key]
    return node


def _set(root: Any, path: tuple, value: Any) -> Any:
    if not path:
        return value
    _get(root, path[:-1])[path[-1]] = value
    return root


def hostile_strings() -> st.SearchStrategy[str]:
    """Strings that have broken one program or another."""
    return st.one_of(
        st.sampled_from(CONTROL + ESCAPES + INJECTIONS + SURROGATES),
        st.text(st.characters(codec=None, exclude_categories=()), max_size=12),
        st.builds(lambda a, b: a + b, st.sampled_from(INJECTIONS), st.sampled_from(CONTROL)),
    )


def deep_statement(names: list[str]) -> st.SearchStrategy[str]:
    """Deeply nested or very long statements over ``names``."""
    name = st.sampled_from(names or ["x"])
    depth = st.sampled_from([50, 110, 300, 1000, 5000])
    return st.one_of(
        st.builds(lambda n, d: "(" * d + n + ")" * d, name, depth),
        st.builds(lambda n, d: " iff ".join([n] * d), name, depth),
        st.builds(lambda n, d: "not " * d + n, name, depth),
        st.builds(lambda n, d: " and ".join([n] * d), name, depth),
    )


def hostile_values(names: list[str]) -> st.SearchStrategy[Any]:
    """Values of the wrong size, type or content for any field."""
    scalars = st.one_of(hostile_strings(), st.sampled_from(NUMBERS), st.none(),
                        deep_statement(names), st.sampled_from(names or ["x"]))
    deep_list = st.sampled_from([30, 200]).map(_nested_list)  # deeper: text mutations
    return st.one_of(
        scalars,
        deep_list,
        st.lists(scalars, max_size=3),
        st.dictionaries(hostile_strings(), scalars, max_size=2),
        st.just([]), st.just({}),
    )


def _nested_list(depth: int) -> Any:
    value: Any = "x"
    for _ in range(depth):
        value = [value]
    return value


@st.composite
def structure_mutation(draw, data: Any, names: list[str]) -> tuple[Any, str]:
    """One change to a parsed model: a value replaced, a key removed or renamed, a list
    item duplicated, a name set to another decision maker's id, or a special source file."""
    paths = _paths(data)
    path = draw(st.sampled_from(paths))
    what = draw(st.sampled_from(["replace", "replace", "delete", "rename", "duplicate",
                                 "append", "collide", "source"]))
    target = _get(data, path)
    if what == "collide" and isinstance(data, dict) and isinstance(
            data.get("decision_makers"), dict) and len(data["decision_makers"]) >= 2:
        dms = data["decision_makers"]
        a, b = draw(st.lists(st.sampled_from(list(dms)), min_size=2, max_size=2, unique=True))
        if isinstance(dms[a], dict):
            dms[a]["name"] = b
            return data, f"name of {a} = id {b}"
    if what == "source" and isinstance(data, dict) and isinstance(data.get("sources"), dict):
        for source in data["sources"].values():
            if isinstance(source, dict):
                source["file"] = draw(st.sampled_from(SPECIAL_PATHS + ["latin1.txt"]))
                return data, f"source file {source['file']!r}"
    if what == "delete" and path:
        parent = _get(data, path[:-1])
        del parent[path[-1]]
        return data, f"delete {_short(path)}"
    if what == "rename" and path and isinstance(_get(data, path[:-1]), dict):
        parent = _get(data, path[:-1])
        new = draw(st.one_of(hostile_strings(), st.sampled_from(names or ["x"])))
        parent[new] = parent.pop(path[-1])
        return data, f"rename {_short(path)} to {new!r}"
    if what == "duplicate" and isinstance(target, list) and target:
        target.append(copy.deepcopy(target[draw(st.integers(0, len(target) - 1))]))
        return data, f"duplicate an item of {_short(path)}"
    if what == "append" and isinstance(target, str):
        extra = draw(hostile_strings())
        return _set(data, path, target + extra), f"append {extra!r} to {_short(path)}"
    value = draw(hostile_values(names))
    return _set(data, path, value), f"replace {_short(path)} with {_short(value)}"


def _short(value: Any) -> str:
    return reprlib.repr(value)


def _dump(data: Any, as_json: bool) -> str:
    """The structure as JSON or YAML text; values YAML/JSON cannot hold become strings."""
    if as_json:
        return json.dumps(data, default=str)
    try:
        return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
    except (yaml.YAMLError, ValueError, TypeError, RecursionError):
        return json.dumps(data, default=str)


# -- text and byte mutations ------------------------------------------------------------

@st.composite
def text_mutation(draw, text: str) -> tuple[str, str]:
    """One change to the file's text: a hostile string inserted, a line duplicated (duplicate
    keys), a YAML tag put before a value, a number made huge, deep flow nesting, or the
    text cut short."""
    what = draw(st.sampled_from(["insert", "duplicate", "tag", "number", "nest", "cut"]))
    lines = text.splitlines(keepends=True) or [""]
    if what == "duplicate":
        k = draw(st.integers(0, len(lines) - 1))
        lines.insert(k, lines[k])
        return "".join(lines), f"duplicate line {k + 1}"
    if what == "tag":
        values = [m.end() for m in re.finditer(r":[ \t]+(?=\S)", text)]
        if values:
            at = draw(st.sampled_from(values))
            tag = draw(st.sampled_from(YAML_TAGS))
            rest = re.match(r"[^\n]*", text[at:])
            end = at + (rest.end() if rest and draw(st.booleans()) else 0)
            return text[:at] + tag + " " + text[end:], f"tag {tag!r} at {at}"
    if what == "number":
        numbers = list(re.finditer(r"(?<![\w.])\d+(\.\d+)?(?![\w.])", text))
        if numbers:
            m = draw(st.sampled_from(numbers))
            new = draw(st.sampled_from(["9" * 400, "1e999", "-1e999", ".nan", "-0", "1e-400",
                                        str(2**64), "-" + "9" * 30, "0x7fffffffffffffff"]))
            return text[:m.start()] + new + text[m.end():], f"number {new[:12]!r}"
    if what == "nest":
        depth = draw(st.sampled_from([100, 1000, 20000]))
        at = draw(st.integers(0, len(text)))
        return text[:at] + "[" * depth + "]" * depth + text[at:], f"flow nesting {depth}"
    if what == "cut":
        at = draw(st.integers(0, len(text)))
        return text[:at], f"cut at {at}"
    at = draw(st.integers(0, len(text)))
    extra = draw(hostile_strings())
    return text[:at] + extra + text[at:], f"insert {extra[:20]!r} at {at}"


@st.composite
def byte_mutation(draw, raw: bytes) -> tuple[bytes, str]:
    """Bytes that are not UTF-8 (or a BOM, NUL, ...) inserted at a random offset."""
    at = draw(st.integers(0, len(raw)))
    extra = draw(st.sampled_from(RAW_BYTES))
    return raw[:at] + extra + raw[at:], f"bytes {extra!r} at {at}"


# -- command lines ----------------------------------------------------------------------

def _choice(draw, values: list[str], odd: list[str]) -> str:
    """Mostly a sensible value, sometimes an odd one."""
    if values and draw(st.integers(0, 3)) > 0:
        return draw(st.sampled_from(values))
    return draw(st.sampled_from(odd))


def _output(name: str) -> str:
    """An output path in the case folder, or the model file itself."""
    return name if name == "{MODEL}" else "{DIR}/" + name


def _encode(text: str) -> bytes:
    """UTF-8, keeping undecodable bytes as they were and lone surrogates as such."""
    try:
        return text.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        return text.encode("utf-8", "surrogatepass")


@st.composite
def command_line(draw, seed: Seed, command: str) -> list[str]:
    """Options for ``command`` on the model, with sensible and odd values."""
    ids = seed.ids or ["a"]
    odd_ids = ["", "nobody", "=1", ids[0].upper(), ids[0] + " ", "a+b", "1", "-1"]
    state = lambda: _choice(draw, ["1", "2", "3", "5"], INTEGERS)  # noqa: E731
    concepts = lambda: ",".join(  # noqa: E731
        draw(st.lists(st.sampled_from(CONCEPT_WORDS), min_size=1, max_size=3)))
    out = lambda: _output(draw(st.sampled_from(OUTPUT_NAMES)))  # noqa: E731
    args: list[str] = [command]
    optional: list[list[str]] = []
    if command not in OTHER_COMMANDS:
        args.append("{MODEL}")
    if command in GRAPH_COMMANDS:
        optional += [["--max-states", _choice(draw, ["1000", "4194304"], INTEGERS)]]
        if command != "inverse":
            optional += [["--all-variants"]]
        optional += [["--variant", _choice(draw, ["base", "maga", "v1"], odd_ids)]]
    fmt = ["-f", draw(st.sampled_from(["table", "json", "markdown", "csv", "html", ""]))]
    if command in ("analyze", "states"):
        optional += [fmt, ["-c", concepts()]]
        if command == "analyze":
            optional += [["-o", out()]]
    elif command == "explain" or command == "lookahead":
        args += [state(), "--dm", _choice(draw, ids, odd_ids)]
        optional += [fmt, ["--concept", concepts()], ["--horizon", _choice(
            draw, ["1", "2", "3"], INTEGERS)]]
        if command == "lookahead":
            optional = [o for o in optional if o[0] != "--concept"]
        else:
            optional = [o for o in optional if o[0] != "--horizon"]
    elif command == "claims":
        optional += [fmt, ["-c", concepts()], ["--strict"]]
    elif command == "report":
        args += ["-o", out()]
        optional += [["-c", concepts()]]
        if seed.kind == "bargaining":
            optional = [o for o in optional if o[0] not in ("--max-states", "--variant",
                                                            "--all-variants")]
    elif command == "paths":
        optional += [fmt, ["-c", concepts()], ["--coalitions"], ["--moves", draw(
            st.sampled_from(["ui", "any", "x"]))], ["--from", state()], ["-o", out()],
            ["--to", _choice(draw, ["1", "2", "3"], INTEGERS + [
                f"{ids[0]} and not {ids[-1]}", "((((", "x iff " * 50 + "x"])]]
    elif command == "coalitions":
        coalition = "+".join(draw(st.lists(st.sampled_from(ids + odd_ids), min_size=1,
                                           max_size=3)))
        optional += [fmt, ["--coalition", coalition], ["--explain", state()], ["--concept",
                     concepts()], ["-o", out()]]
    elif command == "inverse":
        args += ["--state", state(), "--vary", _choice(draw, ids, odd_ids)]
        optional += [fmt, ["-c", concepts()], ["--examples", _choice(draw, ["1", "3"],
                                                                     INTEGERS)],
                     ["--given", f"{_choice(draw, ids, odd_ids)} prefers {state()} to "
                                 f"{state()}"], ["--enumerate"], ["-o", out()]]
    elif command == "forecast":
        model = _choice(draw, ["compromise", "median", "exchange", "expected_utility",
                               "spatial"], ["", "foo", "COMPROMISE"])
        optional += [["-m", model], ["--rounds", _choice(draw, ["0", "1", "5"], INTEGERS)],
                     ["--format", draw(st.sampled_from(["text", "json", "csv", "x"]))],
                     ["--input-format", draw(st.sampled_from(["auto", "yaml", "ktab",
                                                              "decide", "x"]))],
                     ["--plot", "{DIR}/" + draw(st.sampled_from(["p.svg", "p.png", "p.txt",
                                                                 "missing/p.svg"]))],
                     ["--monte-carlo", draw(st.sampled_from(["0", "1", "3", "-1"])),
                      "--seed", draw(st.sampled_from(["0", "1", "-1", str(2**70)])),
                      "--workers", "1"],
                     ["--set", draw(st.sampled_from(["rounds=2", "x=1", "=", "noequals",
                                                  "victory=square", "rounds=-1",
                                                  "rounds=" + "9" * 40]))]]
    elif command == "zopa":
        optional += [["--format", draw(st.sampled_from(["text", "json", "x"]))],
                     ["--rule", draw(st.sampled_from(["unanimity", "qualified_majority",
                                                      "x"]))],
                     ["--threshold", draw(st.sampled_from(["0", "0.5", "1", "2", "-1",
                                                           "nan"]))],
                     ["--weight", draw(st.sampled_from(["capability", "count", "x"]))],
                     ["--veto", _choice(draw, ids, odd_ids)],
                     ["--max-coalitions", _choice(draw, ["1", "10"], INTEGERS)]]
    elif command == "backtest":
        args += [draw(st.sampled_from(["deu3", "x", ""])), "--data", "{MODEL}",
                 "--limit", draw(st.sampled_from(["1", "2", "0", "-1"]))]
        optional += [["--models", draw(st.sampled_from(["weighted_mean", "median_actor",
                                                        "x", ""]))],
                     ["--capability", draw(st.sampled_from(["equal", "gdp", "qmv", "x"]))]]
    chosen = draw(st.lists(st.sampled_from(range(len(optional))), max_size=3, unique=True)
                  ) if optional else []
    for k in chosen:
        args += optional[k]
    return args


# -- the case strategy ------------------------------------------------------------------

@st.composite
def fuzz_cases(draw) -> FuzzCase:
    """A seed file, up to three mutations of its structure, text or bytes, and a command
    line for a command that reads such a file (sometimes one that does not)."""
    seed = draw(st.sampled_from(SEEDS))
    mutations: list[str] = []
    raw = seed.raw
    suffix = seed.suffix
    pristine = draw(st.integers(0, 4)) == 0  # the file as it is: odd options only
    if not pristine and seed.data is not None and draw(st.integers(0, 2)) > 0:
        data = copy.deepcopy(seed.data)
        for _ in range(draw(st.integers(1, 3))):
            data, what = draw(structure_mutation(data, seed.ids))
            mutations.append(what)
        as_json = draw(st.booleans())
        suffix = ".json" if as_json else ".yaml"
        raw = _dump(data, as_json).encode("utf-8", "surrogatepass")
    for _ in range(0 if pristine else draw(st.integers(0, 2))):
        if draw(st.integers(0, 3)) == 0:
            raw, what = draw(byte_mutation(raw))
        else:
            text, what = draw(text_mutation(raw.decode("utf-8", "surrogateescape")))
            raw = _encode(text)
        mutations.append(what)
    commands = GRAPH_COMMANDS if seed.kind == "graph" else BARGAINING_COMMANDS
    if draw(st.integers(0, 9)) == 0:
        commands = GRAPH_COMMANDS + BARGAINING_COMMANDS + OTHER_COMMANDS
    command = draw(st.sampled_from(commands))
    argv = draw(command_line(seed, command))
    files = {f"{MODEL_NAME}{suffix}": raw, **seed.extras}
    if draw(st.integers(0, 14)) == 0:  # the model path itself is special
        special = draw(st.sampled_from(SPECIAL_PATHS))
        argv = [("{DIR}/" + special if not special.startswith("/") else special)
                if a == "{MODEL}" else a for a in argv]
        mutations.append(f"model path {special!r}")
    if any(FIFO_NAME in a for a in argv) or FIFO_NAME.encode() in raw:
        files[FIFO_NAME] = b""
    return FuzzCase(seed.name, files, argv, mutations)
