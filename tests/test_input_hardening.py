"""Reading hostile input files ends in an answer or a located refusal (issue 16).

Uses the reproducers in ``tests/repro/``: control characters, lone surrogates, explicit
YAML tags on bad values, source files that are not UTF-8 or not regular files (``/dev/zero``,
a FIFO), deep and long statements, huge integers in bargaining files, alias and flow-list
documents past the value limit, long ``extends`` chains, and data files past their byte cap.
Each refusal must be exit code 2, ``file:line:col: error: ...`` with a fix, no traceback.
"""

from __future__ import annotations

import functools
import itertools
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from cli_runner import run
from hypothesis import given, settings
from hypothesis import strategies as st

import standoff
from standoff.analysis import variants as variant_analysis
from standoff.bargaining import deu3, importers
from standoff.errors import ModelError
from standoff.model import files, yamlio
from standoff.model.expressions import MAX_NESTING, ExpressionError, parse
from standoff.model.loader import read_model

REPRO = Path(__file__).resolve().parent / "repro"
SRC = Path(__file__).resolve().parents[1] / "src"
MINI = (REPRO / "mini.yaml").read_text(encoding="utf-8")

LOADERS = [yamlio._PureLoader]
if yamlio._LibyamlParser is not None:
    LOADERS.append(yamlio._LibyamlLoader)


@pytest.fixture(params=LOADERS, ids=lambda cls: cls.__name__)
def loader(request, monkeypatch):
    """Run the test with each YAML loader (pure Python, and libyaml where PyYAML has it)."""
    monkeypatch.setattr(yamlio, "_Loader", request.param)
    return request.param


def refused(*args: str, line: int | None = None, column: int | None = None,
            file: str | None = None) -> str:
    """Run ``standoff ARGS``; it must exit 2 with one located message and a fix line, no
    traceback. The file (by default the last argument) must open the message, with
    ``line`` and ``column`` if given."""
    result = run(*args)
    assert result.code == 2, result
    assert "Traceback" not in result.err and result.out == "", result
    where = f"{file or args[-1]}:"
    if line is not None:
        where += f"{line}:" + (f"{column}:" if column is not None else "")
    assert result.err.startswith(where), (where, result.err)
    assert "\n  fix: " in result.err, result.err
    return result.err


def line_and_column(text: str, index: int) -> tuple[int, int]:
    """1-based line and column of character ``index`` of ``text``."""
    return text.count("\n", 0, index) + 1, index - text.rfind("\n", 0, index)


def guarded(*args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """Run ``python -m standoff ARGS`` in a child with a memory cap and a generous time limit:
    the inputs here used to hang or read until memory ran out."""

    def cap_memory() -> None:  # pragma: no cover - runs in the child
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (2 * 2**30, 2 * 2**30))

    env = {**os.environ, "PYTHONPATH": str(SRC)}
    return subprocess.run([sys.executable, "-m", "standoff", *args], capture_output=True,
                          text=True, timeout=timeout, env=env, preexec_fn=cap_memory)


def assert_refusal(result: subprocess.CompletedProcess[str], file: str, *phrases: str) -> None:
    assert result.returncode == 2, result
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith(f"{file}:"), result.stderr
    assert "\n  fix: " in result.stderr
    for phrase in phrases:
        assert phrase in result.stderr, result.stderr


# --- characters YAML does not allow ------------------------------------------------------

def test_control_character_is_refused_at_its_line_and_column(loader):
    path = REPRO / "01_control_char.yaml"
    text = path.read_text(encoding="utf-8")
    line, column = line_and_column(text, text.index("\x01"))
    err = refused("check", str(path), line=line, column=column)
    assert "control character U+0001" in err


@pytest.mark.parametrize("char", ["\x00", "\x07", "\x1b", "\x7f", "\ufffe"])
def test_every_character_yaml_forbids_is_a_located_error(tmp_path, loader, char):
    path = tmp_path / "model.yaml"
    path.write_text(MINI.replace("title: Mini", f'title: "M{char}"'), encoding="utf-8")
    line, column = line_and_column(MINI, MINI.index("title: Mini") + len('title: "M'))
    err = refused("check", str(path), line=line, column=column)
    assert f"U+{ord(char):04X}" in err


def test_lone_surrogate_in_json_is_refused_at_load(loader):
    path = REPRO / "10_lone_surrogate.json"
    err = refused("check", str(path), line=1)
    assert "surrogate" in err and "ensure_ascii=False" in err
    # the commands that used to fail later, on output, refuse it the same way
    assert refused("explain", str(path), "1", "--dm", "a", line=1, file=str(path)) == err


def test_surrogate_pair_escapes_are_refused_with_the_same_message(tmp_path, loader):
    # json.dumps(..., ensure_ascii=True) writes characters beyond U+FFFF as such pairs
    path = tmp_path / "model.json"
    path.write_text('{"format": "standoff/1", "title": "T\\ud83d\\ude00"}', encoding="utf-8")
    assert "surrogate" in refused("check", str(path), line=1)


def test_surrogate_escape_in_yaml_double_quotes_is_refused(tmp_path, loader):
    path = tmp_path / "model.yaml"
    path.write_text(MINI.replace("name: A,", 'name: "A\\udc80",'), encoding="utf-8")
    line, _ = line_and_column(MINI, MINI.index("name: A,"))
    assert "surrogate" in refused("check", str(path), line=line)


# --- explicit tags on values that do not fit them ----------------------------------------

@pytest.mark.parametrize("name,tag,words", [
    ("21_bad_timestamp_tag.yaml", "!!timestamp", "a date or time"),
    ("21b_bad_bool_tag.yaml", "!!bool", "true or false"),
    ("21c_bad_int_tag.yaml", "!!int", "a whole number"),
])
def test_explicit_tag_on_a_bad_value_is_a_located_error(loader, name, tag, words):
    path = REPRO / name
    text = path.read_text(encoding="utf-8")
    line, column = line_and_column(text, text.index(tag))
    err = refused("check", str(path), line=line, column=column)
    assert f"as {words} ({tag})" in err
    assert f"remove the tag {tag}" in err


def test_implicit_bad_date_keeps_its_reason_and_asks_for_quotes(tmp_path, loader):
    path = tmp_path / "model.yaml"
    path.write_text(MINI.replace("title: Mini", "title: 2024-13-01"), encoding="utf-8")
    err = refused("check", str(path), line=2)
    assert "month must be in 1..12" in err and "quotes" in err and "remove the tag" not in err


# --- the files a model names, and the model path itself -----------------------------------

def test_latin1_source_file_is_named_with_the_bad_byte_located():
    path = REPRO / "04_latin1_source.yaml"
    text = path.read_text(encoding="utf-8")
    raw = (REPRO / "latin1.txt").read_bytes()
    bad = next(k for k in range(len(raw)) if raw[k] >= 0x80)
    line, column = line_and_column(text, text.index("file: latin1.txt"))
    err = refused("check", str(path), line=line, column=column)
    source_line = raw.count(b"\n", 0, bad) + 1
    source_column = bad - raw.rfind(b"\n", 0, bad)
    assert "source file 'latin1.txt' of source 's' cannot be read" in err
    assert f"line {source_line}, column {source_column})" in err
    assert "not UTF-8" in err and f"byte {raw[bad]:02X}" in err


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
def test_source_file_on_dev_zero_is_refused_before_reading():
    path = REPRO / "05_devzero_source.yaml"
    text = path.read_text(encoding="utf-8")
    line, column = line_and_column(text, text.index("file: /dev/zero"))
    result = guarded("check", str(path))
    assert_refusal(result, f"{path}:{line}:{column}", "character device",
                   "only regular files are read")


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
def test_model_path_on_dev_zero_is_refused_before_reading():
    assert_refusal(guarded("check", "/dev/zero"), "/dev/zero", "character device")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_fifo_as_model_or_source_file_is_refused_without_waiting(tmp_path):
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    assert_refusal(guarded("check", str(fifo)), str(fifo), "named pipe (FIFO)")
    model = tmp_path / "model.yaml"
    model.write_text((REPRO / "05_devzero_source.yaml").read_text(encoding="utf-8")
                     .replace("/dev/zero", str(fifo)), encoding="utf-8")
    assert_refusal(guarded("check", str(model)), f"{model}:6", "named pipe (FIFO)",
                   "source file")


def test_folder_as_model_is_refused_with_candidates():
    err = refused("check", str(REPRO))
    assert "this is a folder, not a model file" in err and "01_control_char.yaml" in err


def test_model_file_over_the_byte_cap_is_refused_unread(tmp_path, monkeypatch):
    monkeypatch.setattr(yamlio, "MAX_FILE_BYTES", 2048)
    path = tmp_path / "model.yaml"
    path.write_text(MINI + "#" * 4096 + "\n", encoding="utf-8")
    assert "larger than 2 KiB" in refused("check", str(path))


def test_reader_reads_at_most_one_byte_past_the_cap(tmp_path, monkeypatch):
    path = tmp_path / "big.txt"
    path.write_bytes(b"x" * 10_000)
    sizes: list[int] = []
    real_fdopen = os.fdopen

    def recording_fdopen(fd, *args, **kwargs):
        handle = real_fdopen(fd, *args, **kwargs)
        real_read = handle.read

        def read(size=-1):
            sizes.append(size)
            return real_read(size)

        handle.read = read
        return handle

    monkeypatch.setattr(files.os, "fdopen", recording_fdopen)
    with pytest.raises(ModelError, match="larger than 100 bytes"):
        files.read_user_bytes(path, 100)
    assert sizes == [101]


@pytest.mark.parametrize("bom", [b"", b"\xef\xbb\xbf"])
def test_decoding_error_gives_line_and_column_in_characters(tmp_path, bom):
    path = tmp_path / "source.txt"
    path.write_bytes(bom + b"ab\ncd\xc3\xa9f\xe9g")
    with pytest.raises(ModelError) as info:
        files.read_user_text(path, 1000)
    # line 2 holds 'c', 'd', 'e-acute' (two bytes), 'f', then the bad byte
    assert (info.value.line, info.value.column) == (2, 5)
    assert "E9" in info.value.message
    assert files.read_user_text(path, 1000, fallback_encoding="latin-1").endswith("\xe9g")


# --- bargaining data files ---------------------------------------------------------------

def test_huge_integer_in_a_bargaining_file_is_a_located_error():
    path = REPRO / "03_huge_int.yaml"
    text = path.read_text(encoding="utf-8")
    digits = max(len(word) for word in text.replace(",", " ").split())
    line, column = line_and_column(text, text.index("position: 1" + "0" * 50))
    err = refused("forecast", str(path), line=line, column=column)
    assert f"a number of about {digits} digits is too large" in err


@pytest.mark.parametrize("suffix,head", [(".csv", "Scenario, d, 2, 1\n"), (".tsv", "#O\tT\n")])
def test_data_files_over_the_byte_cap_are_refused(tmp_path, monkeypatch, suffix, head):
    monkeypatch.setattr(importers, "MAX_DATA_BYTES", 4096)
    path = tmp_path / f"data{suffix}"
    path.write_text(head + "#/ filler\n" * 1000, encoding="utf-8")
    err = refused("forecast", str(path))
    assert "larger than 4 KiB, the most read for a data file" in err


def test_data_file_on_a_fifo_is_refused(tmp_path):
    if not hasattr(os, "mkfifo"):
        pytest.skip("needs named pipes")
    fifo = tmp_path / "data.csv"
    os.mkfifo(fifo)
    assert_refusal(guarded("forecast", str(fifo)), str(fifo), "named pipe (FIFO)")


def test_deu3_copy_over_the_byte_cap_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(deu3, "MAX_DATA_BYTES", 1024)
    path = tmp_path / "deu3.csv"
    path.write_text("prnr\tisnr\n" + "1\t2\n" * 1000, encoding="utf-8")
    with pytest.raises(ModelError, match="larger than 1 KiB") as info:
        deu3.load_deu3(path)
    assert info.value.file == str(path)


def test_latin1_ktab_file_is_still_read_as_latin1(tmp_path):
    path = tmp_path / "k.csv"
    path.write_bytes("S, \"Caf\xe9\", 2, 1\nActor, Description, Power, Pstn1, Sal1\n"
                     "A, \xc9tat, 10, 20, 50\nB, b, 10, 80, 50\n".encode("latin-1"))
    model = importers.load_ktab_csv(path)
    assert [a.name for a in model.actors][0] == "\xc9tat"


# --- statements: long chains work, deep nesting is refused --------------------------------

NAMES = ["a", "b", "c"]


def resolve(name: str, position: int) -> int:
    return NAMES.index(name)


def test_deep_parentheses_are_refused_at_the_level_that_goes_too_deep(loader):
    path = REPRO / "02_deep_parens.yaml"
    text = path.read_text(encoding="utf-8")
    err = refused("check", str(path), line=line_and_column(text, text.index("((("))[0])
    assert f"more than {MAX_NESTING} levels" in err
    # the caret points at the parenthesis one past the limit
    statement = next(w for w in text.split('"') if w.startswith("((("))
    shown, pointer = err.splitlines()[1:3]
    assert pointer.index("^") - shown.index(statement) == MAX_NESTING
    assert f"(at character {MAX_NESTING + 1})" in err


def test_nesting_up_to_the_limit_parses_and_evaluates_under_a_low_recursion_limit():
    # the worst shape: every level a chain of all four operators, with 'not (' (two levels
    # of nesting) where they fit, so the tree is as deep as the limit allows
    text, nesting = "a", 0
    while nesting < MAX_NESTING:
        if MAX_NESTING - nesting >= 2:
            text, nesting = f"a iff b if c or b and not ({text})", nesting + 2
        else:
            text, nesting = f"a iff b if c or b and ({text})", nesting + 1
    expr = parse(text, resolve)
    with pytest.raises(ExpressionError, match="levels deep"):
        parse(f"not ({text})", resolve)
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(len(_frames()) + 400)
    try:
        vectors = list(itertools.product([False, True], repeat=3))
        patterns = np.arange(8, dtype=np.uint64)
        assert list(expr.evaluate_bits(patterns)) == [expr.evaluate(v[::-1]) for v in vectors]
        assert expr == parse(text, resolve) and hash(expr) == hash(parse(text, resolve))
        assert parse(expr.render(NAMES), resolve) == expr
    finally:
        sys.setrecursionlimit(limit)


def _frames() -> list[object]:
    frame, out = sys._getframe(), []
    while frame is not None:
        out.append(frame)
        frame = frame.f_back
    return out


def fold(op: str, values: list[bool]) -> bool:
    """A left-associative chain of ``if`` or ``iff``, worked out directly."""
    if op == "if":
        return functools.reduce(lambda left, right: left or not right, values)
    return functools.reduce(lambda left, right: left == right, values)


def test_long_iff_chain_of_the_reproducer_checks_and_analyses(loader):
    path = REPRO / "02b_long_iff.yaml"
    assert run("check", str(path)).code == 0
    spec = read_model(path)
    statement = spec.preferences[0].statements[0]
    terms = statement.text.split(" iff ")
    assert len(terms) >= 1000 and statement.expr is not None
    for x in (False, True):
        assert statement.expr.evaluate((x, False)) == fold("iff", [x] * len(terms))
    result = run("analyze", str(path))
    assert result.code == 0 and "Nash" in result.out


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(["if", "iff"]),
       st.lists(st.integers(0, 2), min_size=2, max_size=40),
       st.lists(st.booleans(), min_size=3, max_size=3))
def test_chains_of_if_and_iff_associate_to_the_left(op, operands, vector):
    values = [vector[k] for k in operands]
    flat = f" {op} ".join(NAMES[k] for k in operands)
    nested = NAMES[operands[0]]
    for k in operands[1:]:
        nested = f"({nested}) {op} {NAMES[k]}"
    expected = fold(op, values)
    for text in (flat, nested):
        expr = parse(text, resolve)
        assert expr.evaluate(vector) == expected
        pattern = np.array([sum(1 << k for k in range(3) if vector[k])], dtype=np.uint64)
        assert bool(expr.evaluate_bits(pattern)[0]) == expected
        assert parse(expr.render(NAMES), resolve).evaluate(vector) == expected


def test_thousand_term_if_chain_works():
    operands = [k % 3 for k in range(1000)]
    expr = parse(" if ".join(NAMES[k] for k in operands), resolve)
    for vector in itertools.product([False, True], repeat=3):
        assert expr.evaluate(vector) == fold("if", [vector[k] for k in operands])


def test_right_nested_if_keeps_its_grouping():
    for vector in itertools.product([False, True], repeat=3):
        a, b, c = vector
        assert parse("a if (b if c)", resolve).evaluate(vector) == (a or not (b or not c))


# --- YAML size limits: refused while composing ---------------------------------------------

def test_alias_reproducer_is_refused_before_values_are_built(loader, monkeypatch):
    constructed = 0
    original = loader.construct_object

    def counting(self, node, deep=False):
        nonlocal constructed
        constructed += 1
        return original(self, node, deep=deep)

    monkeypatch.setattr(loader, "construct_object", counting)
    err = refused("check", str(REPRO / "15_alias_2M_values.yaml"))
    assert f"expands to more than {yamlio.MAX_VALUES:,} values" in err and "*big" in err
    assert constructed == 0


def test_flow_list_past_the_value_limit_is_refused_at_the_value_that_passes_it(
        tmp_path, loader):
    """Counting happens while composing: the message points at the first value past the
    limit, and composing stops there (before the fix 1.9 M values took 40 s and 1.8 GB)."""
    count = yamlio.MAX_VALUES + 5_000
    text = MINI + "big: [" + ",".join(["1"] * count) + "]\n"
    composed: list[int] = []
    original = loader.compose_node

    def recording(self, parent, index):
        composed.append(1)
        return original(self, parent, index)

    loader_class = loader
    loader_class.compose_node = recording  # restored below
    try:
        with pytest.raises(ModelError) as info:
            yamlio.parse_text(text, "big.yaml")
    finally:
        del loader_class.compose_node
    # values composed before the list: everything in MINI (counted like parse_text does)
    before = yamlio.measure(yamlio._PureLoader(MINI).get_single_node()).values
    first = len(MINI) + len("big: [")
    index_in_list = yamlio.MAX_VALUES - before - 1  # the list itself is one value
    line, column = line_and_column(text, first + 2 * index_in_list)
    assert (info.value.line, info.value.column) == (line, column)
    assert len(composed) < yamlio.MAX_VALUES + 100


# --- long extends chains ------------------------------------------------------------------

def test_extends_chain_reproducer_checks_every_variant():
    result = run("check", str(REPRO / "13_extends_chain400.yaml"))
    assert result.code == 0 and "variant v399: ok" in result.out


def test_resolving_every_variant_of_a_chain_looks_each_up_a_bounded_number_of_times(
        monkeypatch):
    spec = read_model(REPRO / "13_extends_chain400.yaml")
    lookups = 0
    original = type(spec).variant_spec

    def counting(self, name):
        nonlocal lookups
        lookups += 1
        return original(self, name)

    monkeypatch.setattr(type(spec), "variant_spec", counting)
    names = [v.name for v in spec.variants]
    for name in names:
        variant_analysis.apply_variant(spec, name)
    assert lookups <= 2 * len(names)  # was about len(names)**2 / 2 (80,000 for 400)


def test_state_numbers_in_a_long_chain_are_checked_against_the_first_change(tmp_path):
    lines = [MINI.replace("b: {prioritize: [y]}", "b: {ranking: [2, 1, 3, 4]}"),
             "variants:\n",
             "  v0: {description: d, assumption: a, extends: v1}\n"]
    lines += [f"  v{k}: {{description: d, assumption: a, extends: v{k + 1}}}\n"
              for k in range(1, 299)]
    lines.append("  v299: {description: d, assumption: a, feasibility: {add: "
                 "{infeasible: [x and y]}}}\n")
    path = tmp_path / "chain.yaml"
    path.write_text("".join(lines), encoding="utf-8")
    err = refused("check", str(path))
    # v0, first in the file, extends (through 298 others) the variant that changes
    # feasibility, so it is the one reported
    assert "variant 'v0' changes feasibility" in err and "in the model as written" in err


def test_a_syntax_error_at_the_end_of_the_file_is_placed_on_its_last_line(tmp_path):
    """libyaml reports an unclosed flow at the end of a file with no final newline on the
    line after the last one; editors (and the workbench gutter) cannot show that line."""
    for ending in ("", "\n"):
        path = tmp_path / "eof.yaml"
        path.write_text("format: standoff/1\nclaims: {c1: {check: [" + ending)
        with pytest.raises(standoff.ModelError) as caught:
            standoff.load(path)
        assert (caught.value.line, caught.value.column) == (2, 23)


def test_an_unknown_key_that_looks_like_a_type_marker_is_located(tmp_path):
    """Fuzzing found an IndexError traceback for a top-level key such as '[x](y)': keys with
    brackets were taken for pydantic's type markers and dropped from the error's path."""
    path = tmp_path / "m.yaml"
    path.write_text("format: standoff/1\ntitle: M\ndecision_makers:\n"
                    "  a: {name: A, options: {x: {text: X}}}\n"
                    "  b: {name: B, options: {y: {text: Y}}}\n"
                    "preferences:\n  a: {prioritize: [x]}\n  b: {prioritize: [y]}\n"
                    '"[x](javascript:alert(1))": []\n')
    with pytest.raises(standoff.ModelError) as caught:
        standoff.load(path)
    assert caught.value.line == 9
    assert "[x](javascript:alert(1))" in caught.value.message
