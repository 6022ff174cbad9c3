"""Start-up loads only what a command needs (issue 17), checked by what is imported, not by
timing: ``import standoff`` and ``standoff --help`` load neither numpy nor pydantic nor any
analysis module, ``standoff analyze`` loads no bargaining, claims, paths or report-writing
module and no pandas, jinja2 or networkx, and the public API still answers every name.

Each check runs in a fresh interpreter (a subprocess), since this test process has imported
much of the package already.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
import typer
from conftest import EXAMPLES, ROOT

import standoff
from standoff import cli

SRC = ROOT / "src"

#: Third-party packages no start-up path below may load.
NEVER = {"pandas", "jinja2", "networkx", "matplotlib", "scipy"}


def loaded_after(code: str) -> set[str]:
    """The modules (top-level packages, and every ``standoff.*`` module) loaded in a fresh
    interpreter after running ``code``."""
    probe = (f"{code}\nimport json, sys\n"
             "print(json.dumps(sorted(m for m in sys.modules if m.startswith('standoff') "
             "or '.' not in m)))")
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                         env=env, cwd=ROOT, timeout=120, check=True).stdout
    return set(json.loads(out.splitlines()[-1]))


def run_command(*args: str) -> str:
    """Python that runs ``standoff ARGS`` through the console script's entry point, its
    output discarded, and carries on (so the probe can list the modules loaded)."""
    return ("import contextlib, io, sys\n"
            f"sys.argv = ['standoff', *{list(args)!r}]\n"
            "from standoff.cli import main\n"
            "with contextlib.redirect_stdout(io.StringIO()):\n"
            "    try:\n"
            "        main()\n"
            "    except SystemExit as exit:\n"
            "        assert exit.code in (0, None), exit.code\n")


def test_import_standoff_loads_no_engine():
    loaded = loaded_after("import standoff")
    assert not loaded & ({"numpy", "pydantic", "yaml", "rich", "typer"} | NEVER)
    assert not {m for m in loaded if m.startswith(("standoff.analysis", "standoff.graph",
                                                   "standoff.model", "standoff.stability"))}


def test_subpackages_are_there_when_named():
    """As when the package imported them eagerly, ``import standoff`` is enough to reach a
    subpackage or an analysis module by its dotted name."""
    loaded = loaded_after(
        "import standoff\n"
        "assert callable(standoff.analysis.claims.check_claims)\n"
        "assert callable(standoff.analysis.paths.status_quo_analysis)\n"
        "assert callable(standoff.graph.picture.draw_state_graph)\n"
        "assert callable(standoff.stability.kernel)\n"
        "assert callable(standoff.analysis.explain)\n"
        "for missing in ('no_such_module', '_private'):\n"
        "    assert not hasattr(standoff, missing) and not hasattr(standoff.analysis, missing)")
    assert {"standoff.analysis.claims", "standoff.analysis.paths"} <= loaded


def test_help_loads_no_engine():
    loaded = loaded_after(run_command("--help"))
    assert "standoff.cli.analysis" in loaded  # the help lists every command
    assert not loaded & ({"numpy", "pydantic", "yaml"} | NEVER)
    engine = ("standoff.analysis", "standoff.graph", "standoff.model", "standoff.stability",
              "standoff.bargaining", "standoff.report", "standoff.web")
    assert not {m for m in loaded if m.startswith(engine)}


def test_analyze_loads_only_what_it_needs():
    loaded = loaded_after(run_command("analyze", str(EXAMPLES / "elmira.yaml")))
    assert {"standoff.analysis.result", "standoff.report.tables"} <= loaded
    assert not loaded & NEVER
    assert "xml" not in loaded  # xml.sax.saxutils pulled in urllib, http and ssl
    unneeded = {"standoff.analysis.claims", "standoff.analysis.paths",
                "standoff.analysis.inverse", "standoff.analysis.coalitions",
                "standoff.analysis.robustness", "standoff.report.html",
                "standoff.report.markdown", "standoff.web"}
    assert not loaded & unneeded
    assert not {m for m in loaded if m.startswith("standoff.bargaining")}
    # only the module of the command run, not the other command modules
    assert {m for m in loaded if m.startswith("standoff.cli.")} == {
        "standoff.cli.analysis", "standoff.cli.common"}


def test_public_api_answers_every_name():
    """Every name of ``__all__`` resolves (the lazy ones on first use), to what the defining
    module has, and ``from standoff import ...`` works for each. ``standoff.analysis.explain``
    stays the function though a submodule has that name too (a lazy package attribute would
    be replaced by the submodule when it is imported)."""
    import importlib

    importlib.import_module("standoff.analysis.explain")
    for name in standoff.__all__:
        value = getattr(standoff, name)
        module = standoff._LAZY.get(name)
        if module is not None:
            assert value is getattr(sys.modules[module], name)
    assert callable(standoff.analysis.explain) and not isinstance(standoff.analysis.explain,
                                                                   type(standoff))
    namespace: dict[str, object] = {}
    exec(f"from standoff import {', '.join(standoff.__all__)}", namespace)
    assert set(standoff.__all__) <= set(namespace)
    with pytest.raises(AttributeError, match="no attribute 'no_such_name'"):
        _ = standoff.no_such_name  # type: ignore[attr-defined]
    conflict = standoff.load(EXAMPLES / "elmira.yaml")
    assert isinstance(conflict, standoff.Conflict)
    assert standoff.DEFAULT_MAX_STATES == 1 << 22


def test_command_table_matches_the_command_modules():
    """:data:`standoff.cli.COMMANDS` (which module a command line imports) names, for every
    command a module registers, that module, and nothing else."""
    import importlib

    table: dict[str, str] = {}
    for name in cli.COMMAND_MODULES:
        scratch = typer.Typer()
        importlib.import_module(f"standoff.cli.{name}").register(scratch)
        for info in scratch.registered_commands:
            table[info.name] = name
        for group in scratch.registered_groups:
            table[group.name] = name
    assert table == cli.COMMANDS


def command_order(*batches: tuple[str, ...]) -> list[str]:
    """The commands of :data:`standoff.cli.app`, in order, after registering the command
    modules in ``batches`` one batch after another in a fresh interpreter."""
    code = ("import json, standoff.cli as cli\n"
            f"for batch in {list(batches)!r}:\n"
            "    cli._register(batch)\n"
            "print(json.dumps([i.name for i in cli.app.registered_commands]))")
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env=env, timeout=120, check=True).stdout
    return json.loads(out)


def test_one_command_module_then_all_keeps_the_help_order():
    """Registering the module of the command run first (as ``main`` does) and the others
    later lists the commands in the same order as registering all at once."""
    at_once = command_order(cli.COMMAND_MODULES)
    assert at_once[:2] == ["analyze", "check"]
    assert command_order(("evolution",), ("hierarchy", "analysis"), cli.COMMAND_MODULES) \
        == at_once


def test_the_command_line_names_the_module_it_needs():
    assert cli.modules_needed(["paths", "x.yaml"]) == ("evolution",)
    assert cli.modules_needed(["--version"]) == cli.COMMAND_MODULES
    assert cli.modules_needed(["--help"]) == cli.COMMAND_MODULES
    assert cli.modules_needed(["pathz"]) == cli.COMMAND_MODULES
    assert cli.modules_needed([]) == cli.COMMAND_MODULES
