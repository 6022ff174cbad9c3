"""The package's layers point one way, and no two modules import each other.

The pipeline, bottom to top::

    base (errors, words, _version, concepts, provenance) → model → graph → stability → analysis
        → the package facade (standoff/__init__) → report → cli, web

``bargaining`` is a branch of its own: it may use the base and ``model`` (the file reader),
and is used only by ``report``, ``cli`` and ``web``. ``reference`` (the reference oracles the
tests compare against) uses the base only and is used by nothing in the package. ``cli`` and
``web`` stand beside each other: the one exception is the ``serve`` command (``cli.serve``),
which starts the workbench; nothing in ``web`` imports ``cli``.

Every ``import``/``from ... import`` in every module under ``src/standoff`` is read with
:mod:`ast`, wherever it is (module level, inside a function, under ``if TYPE_CHECKING:``), as
are ``importlib.import_module("...")`` calls with a string literal. A failure names each
offending ``file:line``. Run it alone with ``python -m pytest tests/test_layers.py``.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

SOURCE = Path(__file__).resolve().parents[1] / "src"
PACKAGE = "standoff"

#: The rank of each layer: a module may import modules of its own layer or of lower rank.
RANKS = {
    "base": 0,
    "model": 1,
    "graph": 2,
    "stability": 3,
    "analysis": 4,
    "facade": 5,
    "report": 6,
    "cli": 7,
    "web": 7,
}

#: Layers outside the pipeline, with the layers each may import.
BRANCHES = {
    "bargaining": {"base", "model", "bargaining"},
    "reference": {"base", "reference"},
}

#: Which layers may import a branch.
BRANCH_USERS = {
    "bargaining": {"bargaining", "report", "cli", "web"},
    "reference": {"reference"},
}

BASE_MODULES = {"errors", "words", "_version", "concepts", "output", "provenance", "costs"}


@dataclass(frozen=True)
class Import:
    """One import statement: the importing module, the module it names, where it is."""

    source: str
    target: str
    file: str
    line: int


def module_name(path: Path) -> str:
    parts = list(path.relative_to(SOURCE).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted((SOURCE / PACKAGE).rglob("*.py"))}


def layer(module: str) -> str:
    """The layer of a module of the package."""
    parts = module.split(".")
    if len(parts) == 1:
        return "facade"
    top = parts[1]
    if top == "__main__":
        return "cli"
    if top in BASE_MODULES:
        return "base"
    return top


def _resolve(name: str, known: dict[str, Path]) -> str | None:
    """The package module ``name`` refers to (the longest known prefix), or None for a
    module outside the package."""
    if name != PACKAGE and not name.startswith(PACKAGE + "."):
        return None
    while name not in known and "." in name:
        name = name.rsplit(".", 1)[0]
    return name if name in known else None


def imports(known: dict[str, Path]) -> list[Import]:
    """Every import of a package module by a package module."""
    out: list[Import] = []
    for source, path in known.items():
        is_package = path.name == "__init__.py"
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        rel = str(path.relative_to(SOURCE.parent))
        for node in ast.walk(tree):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    base = source.split(".")
                    if not is_package:
                        base = base[:-1]
                    base = base[: len(base) - (node.level - 1)]
                    stem = ".".join(base + ([node.module] if node.module else []))
                else:
                    stem = node.module or ""
                # ``from standoff.x import y`` imports the submodule ``y`` when there is one
                names = [f"{stem}.{alias.name}" if f"{stem}.{alias.name}" in known else stem
                         for alias in node.names]
            elif (isinstance(node, ast.Call) and node.args
                  and isinstance(node.args[0], ast.Constant)
                  and isinstance(node.args[0].value, str)
                  and (isinstance(node.func, ast.Attribute) and node.func.attr == "import_module"
                       or isinstance(node.func, ast.Name) and node.func.id == "import_module")):
                names = [node.args[0].value]
            for name in dict.fromkeys(names):
                target = _resolve(name, known)
                if target is not None and target != source:
                    out.append(Import(source, target, rel, node.lineno))
    return out


def allowed(source: str, target: str) -> bool:
    """Whether the layer of ``source`` may import the layer of ``target``."""
    a, b = layer(source), layer(target)
    if a == b:
        return True
    if b in BRANCHES:
        return a in BRANCH_USERS[b]
    if a in BRANCHES:
        return b in BRANCHES[a]
    if {a, b} == {"cli", "web"}:
        return source == "standoff.cli.serve"  # the command that starts the workbench
    return RANKS[b] <= RANKS[a]


def cycles(edges: list[Import]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan's algorithm)."""
    graph: dict[str, set[str]] = {}
    for e in edges:
        graph.setdefault(e.source, set()).add(e.target)
        graph.setdefault(e.target, set())
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_every_module_has_a_layer():
    known = modules()
    unknown = sorted({layer(m) for m in known} - set(RANKS) - set(BRANCHES))
    assert not unknown, f"modules in no layer: {unknown}; add them to tests/test_layers.py"


def test_the_import_reader_sees_every_kind_of_import(tmp_path, monkeypatch):
    """The reader finds module-level, function-level, relative and importlib imports."""
    folder = tmp_path / "standoff" / "model"
    folder.mkdir(parents=True)
    for name in ("__init__.py", "a.py"):
        (folder / name).write_text("", encoding="utf-8")
    (tmp_path / "standoff" / "__init__.py").write_text("", encoding="utf-8")
    (folder / "b.py").write_text("import standoff.model.a\n"
                                 "def f():\n    from . import a\n"
                                 "    from .. import model\n"
                                 "    importlib.import_module('standoff.model.a')\n",
                                 encoding="utf-8")
    monkeypatch.setattr(__import__(__name__), "SOURCE", tmp_path)
    found = imports(modules())
    assert [(i.target, i.line) for i in found if i.source == "standoff.model.b"] == [
        ("standoff.model.a", 1), ("standoff.model.a", 3), ("standoff.model", 4),
        ("standoff.model.a", 5)]


def test_no_import_points_up_the_pipeline():
    known = modules()
    bad = [f"{i.file}:{i.line}: {i.source} ({layer(i.source)}) imports {i.target} "
           f"({layer(i.target)})" for i in imports(known) if not allowed(i.source, i.target)]
    assert not bad, "imports pointing up the pipeline:\n" + "\n".join(bad)


def test_no_import_cycles():
    known = modules()
    edges = imports(known)
    found = cycles(edges)
    report = []
    for component in found:
        members = set(component)
        report.append("cycle: " + ", ".join(component))
        report += [f"  {e.file}:{e.line}: {e.source} imports {e.target}" for e in edges
                   if e.source in members and e.target in members]
    assert not found, "\n".join(report)
