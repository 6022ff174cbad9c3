"""Importers for two public file formats of spatial bargaining data.

* **KTAB CSV** (KAPSARC Toolkit for Behavioral Analysis, spatial model of politics; format
  described in the KTAB documentation, ``examples/smp/doc``)::

      ScenarioName, "Description", <number of actors>, <number of dimensions>,
      Actor, Description, Power, Pstn1, Sal1, Pstn2, Sal2, ...
      XJ, Xi Jinping, 100, 30, 30, ...

  Positions are on a 0-100 scale, saliences 0-100 (divided by 100 here), power is the
  actor's capability.

* **decide TSV** (the tab-separated input of the decide exchange-model package): one record
  per line, the first field a tag: ``#O`` title, ``#/`` comment, ``#A actor name``,
  ``#P issue description``, ``#M issue point label`` (labelled scale points; the lowest
  and highest give the scale), ``#D actor issue position salience power`` with salience
  and power in [0, 1]. Power may differ per issue; it becomes the stance's capability.

Both readers were written from the format descriptions; every malformed line raises a
:class:`~standoff.errors.ModelError` naming the file, line and column. :func:`load_model`
reads any of these or a YAML/JSON bargaining file (:mod:`standoff.bargaining.inputs`).
"""

from __future__ import annotations

import math
from pathlib import Path

from standoff.bargaining.inputs import LIMIT, Actor, BargainingModel, Issue, Stance, load_yaml
from standoff.errors import ModelError
from standoff.model.files import MAX_DATA_BYTES, read_user_text


def _read_text(path: Path) -> str:
    """The text of a KTAB or decide file: a regular file of at most
    :data:`~standoff.model.files.MAX_DATA_BYTES`, read as UTF-8 or else as Latin-1."""
    return read_user_text(path, MAX_DATA_BYTES, what="data file", fallback_encoding="latin-1",
                          suffixes=(".csv", ".tsv", ".txt", ".yaml", ".yml", ".json"))


def sniff(path: Path) -> str:
    """Guess the format of ``path``: ``yaml``, ``ktab`` or ``decide``."""
    suffix = path.suffix.lower()
    if suffix in (".yaml", ".yml", ".json"):
        return "yaml"
    try:
        head = _read_text(path).lstrip()[:200]
    except ModelError:
        # let the reader the name suggests report the problem
        return {".csv": "ktab", ".tsv": "decide"}.get(suffix, "yaml")
    if head.startswith("#") and len(head) > 2 and head[2] in "\t ":
        return "decide"
    if suffix in (".tsv", ".txt") and "\t" in head:
        return "decide"
    if suffix == ".csv":
        return "ktab"
    return "yaml"


def _split(line: str, sep: str) -> list[tuple[str, int]]:
    """Split a line into (field, 1-based column) pairs, honouring double quotes."""
    out: list[tuple[str, int]] = []
    buf: list[str] = []
    start = 0
    quoted = False
    for i, ch in enumerate(line):
        if ch == '"':
            quoted = not quoted
            continue
        if ch == sep and not quoted:
            out.append(("".join(buf).strip(), start + 1))
            buf = []
            start = i + 1
            continue
        buf.append(ch)
    out.append(("".join(buf).strip(), start + 1))
    return out


def _number(field: tuple[str, int], what: str, file: str, line: int) -> float:
    text, col = field
    try:
        value = float(text)
    except ValueError:
        raise ModelError(
            f"{what} must be a number, found '{text}'", file=file, line=line, column=col,
            hint="use a plain decimal number with a '.' decimal point",
        ) from None
    if not math.isfinite(value) or abs(value) > LIMIT:
        raise ModelError(
            f"{what} must be a finite number of at most {LIMIT:g} in size, found '{text}'",
            file=file, line=line, column=col, hint="use a plain decimal number",
        )
    if value < 0 and what in ("power", "number of actors", "number of dimensions"):
        raise ModelError(
            f"{what} must not be negative, found '{text}'", file=file, line=line, column=col,
            hint="use a number of at least 0",
        )
    return value


# --------------------------------------------------------------------------------------
# KTAB CSV
# --------------------------------------------------------------------------------------


def load_ktab_csv(path: str | Path) -> BargainingModel:
    """Read a KTAB spatial-model CSV file (see the module docstring for the layout)."""
    p = Path(path)
    file = str(path)
    lines = _read_text(p).splitlines()
    numbered = [(k + 1, ln) for k, ln in enumerate(lines) if ln.strip()]
    if len(numbered) < 3:
        raise ModelError(
            "a KTAB CSV needs a scenario line, a header line and at least one actor",
            file=file, line=1, column=1, hint="see examples/bargaining/ktab_example.csv",
        )
    (l1, first), (l2, header), rows = numbered[0], numbered[1], numbered[2:]
    head = [f for f in _split(first, ",") if f[0] != ""]
    title = head[0][0] if head else p.stem
    description = head[1][0] if len(head) > 1 else ""
    declared_actors = declared_dims = None
    if len(head) >= 4:
        declared_actors = int(_number(head[2], "number of actors", file, l1))
        declared_dims = int(_number(head[3], "number of dimensions", file, l1))

    cols = _split(header, ",")
    while cols and cols[-1][0] == "":
        cols.pop()
    if len(cols) < 5 or (len(cols) - 3) % 2:
        raise ModelError(
            "the header must be: Actor, Description, Power, then a position and a salience "
            "column per dimension",
            file=file, line=l2, column=1, hint="e.g. 'Actor,Description,Power,Pstn1,Sal1'",
        )
    dims = [cols[3 + 2 * k][0] for k in range(len(cols[3:]) // 2)]
    if declared_dims is not None and declared_dims != len(dims):
        raise ModelError(
            f"the first line declares {declared_dims} dimensions but the header has {len(dims)}",
            file=file, line=l1, column=head[3][1],
            hint="make the declared count match the position/salience column pairs",
        )
    if len(set(dims)) != len(dims):
        raise ModelError("two dimensions have the same name", file=file, line=l2, column=1,
                         hint="rename the position columns")
    if declared_actors is not None and declared_actors != len(rows):
        raise ModelError(
            f"the first line declares {declared_actors} actors but {len(rows)} actor rows "
            "follow",
            file=file, line=l1, column=head[2][1],
            hint="make the declared count match the number of actor rows",
        )

    actors: list[Actor] = []
    stances: dict[str, list[Stance]] = {d: [] for d in dims}
    seen: set[str] = set()
    width = 3 + 2 * len(dims)
    for lineno, text in rows:
        fields = _split(text, ",")
        while fields and fields[-1][0] == "":
            fields.pop()
        if len(fields) != width:
            raise ModelError(
                f"expected {width} fields (actor, description, power and "
                f"{len(dims)} position/salience pairs), found {len(fields)}",
                file=file, line=lineno, column=1,
                hint="check for a missing or extra comma",
            )
        code = fields[0][0]
        if not code:
            raise ModelError("the actor code is empty", file=file, line=lineno, column=1,
                             hint="give every actor a short code")
        if code in seen:
            raise ModelError(f"actor '{code}' appears twice", file=file, line=lineno, column=1,
                             hint="give every actor a unique code")
        seen.add(code)
        power = _number(fields[2], "power", file, lineno)
        if power < 0:
            raise ModelError("power must not be negative", file=file, line=lineno,
                             column=fields[2][1], hint="use a non-negative influence")
        actors.append(Actor(id=code, name=fields[1][0] or code, capability=power))
        for k, dim in enumerate(dims):
            pf, sf = fields[3 + 2 * k], fields[4 + 2 * k]
            pos = _number(pf, f"position on {dim}", file, lineno)
            sal = _number(sf, f"salience on {dim}", file, lineno)
            if not 0 <= pos <= 100:
                raise ModelError(
                    f"position {pos:g} on {dim} is outside the KTAB scale 0-100",
                    file=file, line=lineno, column=pf[1], hint="rescale positions to 0-100",
                )
            if not 0 <= sal <= 100:
                raise ModelError(
                    f"salience {sal:g} on {dim} is outside 0-100",
                    file=file, line=lineno, column=sf[1],
                    hint="KTAB saliences are percentages; check for a typing slip",
                )
            stances[dim].append(Stance(actor=code, position=pos, salience=sal / 100.0,
                                       capability=power))
    if all(a.capability == 0 for a in actors):
        raise ModelError("every actor has power 0", file=file, line=rows[0][0], column=1,
                         hint="give at least one actor positive power")
    issues = tuple(
        Issue(id=d, name=d, low=0.0, high=100.0, stances=tuple(stances[d])) for d in dims
    )
    return BargainingModel(
        title=f"{title} {description}".strip(), actors=tuple(actors), issues=issues,
        source=file,
        path=file,
    )


# --------------------------------------------------------------------------------------
# decide TSV
# --------------------------------------------------------------------------------------


def load_decide_tsv(path: str | Path) -> BargainingModel:
    """Read a decide exchange-model tab-separated file (see the module docstring)."""
    p = Path(path)
    file = str(path)
    title = p.stem
    actor_names: dict[str, str] = {}
    issue_names: dict[str, str] = {}
    points: dict[str, list[tuple[float, str]]] = {}
    data: dict[str, dict[str, tuple[float, float, float, int]]] = {}
    first_power: dict[str, float] = {}

    for lineno, text in enumerate(_read_text(p).splitlines(), start=1):
        if not text.strip():
            continue
        fields = _split(text, "\t")
        while fields and fields[-1][0] == "":
            fields.pop()
        tag = fields[0][0]

        def need(n: int, layout: str, fields: list = fields, lineno: int = lineno) -> None:
            if len(fields) < n:
                raise ModelError(
                    f"a '{fields[0][0]}' line needs {n - 1} tab-separated fields: {layout}",
                    file=file, line=lineno, column=1,
                    hint="separate fields with tabs, not spaces",
                )

        if tag == "#O":
            if len(fields) > 1:
                title = fields[1][0]
        elif tag == "#/":
            continue
        elif tag == "#A":
            need(2, "actor id [full name]")
            aid = fields[1][0]
            if aid in actor_names:
                raise ModelError(f"actor '{aid}' is declared twice", file=file, line=lineno,
                                 column=fields[1][1], hint="declare each actor once")
            actor_names[aid] = fields[2][0] if len(fields) > 2 and fields[2][0] else aid
        elif tag == "#P":
            need(2, "issue id [description]")
            iid = fields[1][0]
            if iid in issue_names:
                raise ModelError(f"issue '{iid}' is declared twice", file=file, line=lineno,
                                 column=fields[1][1], hint="declare each issue once")
            issue_names[iid] = fields[2][0] if len(fields) > 2 and fields[2][0] else iid
            points[iid] = []
            data[iid] = {}
        elif tag == "#M":
            need(3, "issue point [label]")
            iid = fields[1][0]
            if iid not in issue_names:
                raise ModelError(f"scale point for undeclared issue '{iid}'", file=file,
                                 line=lineno, column=fields[1][1],
                                 hint="declare the issue with a '#P' line first")
            value = _number(fields[2], "scale point", file, lineno)
            points[iid].append((value, fields[3][0] if len(fields) > 3 else ""))
        elif tag == "#D":
            need(6, "actor issue position salience power")
            aid, iid = fields[1][0], fields[2][0]
            if aid not in actor_names:
                raise ModelError(f"unknown actor '{aid}'", file=file, line=lineno,
                                 column=fields[1][1],
                                 hint="declare the actor with an '#A' line; known: "
                                 + ", ".join(actor_names))
            if iid not in issue_names:
                raise ModelError(f"unknown issue '{iid}'", file=file, line=lineno,
                                 column=fields[2][1],
                                 hint="declare the issue with a '#P' line; known: "
                                 + ", ".join(issue_names))
            pos = _number(fields[3], "position", file, lineno)
            sal = _number(fields[4], "salience", file, lineno)
            power = _number(fields[5], "power", file, lineno)
            if not 0 <= sal <= 1:
                raise ModelError(f"salience {sal:g} is outside [0, 1]", file=file, line=lineno,
                                 column=fields[4][1], hint="decide saliences are shares 0-1")
            if power < 0:
                raise ModelError(f"power {power:g} is negative", file=file, line=lineno,
                                 column=fields[5][1], hint="power is a share 0-1")
            if aid in data[iid]:
                raise ModelError(f"a second position of '{aid}' on '{iid}'", file=file,
                                 line=lineno, column=1,
                                 hint="give each actor one '#D' line per issue")
            data[iid][aid] = (pos, sal, power, lineno)
            first_power.setdefault(aid, power)
        else:
            raise ModelError(f"unknown record tag '{tag}'", file=file, line=lineno, column=1,
                             hint="lines start with #O, #/, #A, #P, #M or #D")

    if not actor_names or not issue_names:
        raise ModelError("the file declares no actors ('#A') or no issues ('#P')", file=file,
                         line=1, column=1, hint="see examples/bargaining/decide_example.tsv")
    issues: list[Issue] = []
    for iid, name in issue_names.items():
        if not data[iid]:
            continue
        values = [v for v, _ in points[iid]]
        if values and min(values) == max(values):
            raise ModelError(
                f"issue '{iid}' has a single scale point ({values[0]:g}), so its scale has no "
                "length", file=file, line=1, column=1,
                hint=f"add '#M {iid} VALUE' lines for the lowest and highest points (with no "
                     "'#M' line at all the scale is 0-100)",
            )
        lo, hi = (min(values), max(values)) if values else (0.0, 100.0)
        stances = []
        for aid, (pos, sal, power, lineno) in data[iid].items():
            if not lo <= pos <= hi:
                raise ModelError(
                    f"position {pos:g} of '{aid}' is outside the scale [{lo:g}, {hi:g}] of "
                    f"'{iid}'", file=file, line=lineno, column=1,
                    hint="add '#M' scale points that cover the position",
                )
            stances.append(Stance(actor=aid, position=pos, salience=sal, capability=power))
        issues.append(Issue(id=iid, name=name, low=lo, high=hi, stances=tuple(stances),
                            labels=tuple(sorted(points[iid]))))
    if not issues:
        raise ModelError("no actor positions ('#D' lines) found", file=file, line=1, column=1,
                         hint="add '#D actor issue position salience power' lines")
    actors = tuple(
        Actor(id=a, name=n, capability=first_power.get(a, 0.0)) for a, n in actor_names.items()
    )
    if all(st.capability == 0 for iss in issues for st in iss.stances):
        raise ModelError("every power in the '#D' lines is 0, so no actor has any weight",
                         file=file, line=1, column=1, hint="give at least one actor power > 0")
    return BargainingModel(title=title, actors=actors, issues=tuple(issues), source=file,
                            path=file)


def load_model(path: str | Path, input_format: str = "auto") -> BargainingModel:
    """Read a bargaining model from YAML/JSON, a KTAB CSV or a decide TSV file.

    ``input_format`` is ``auto`` (by content and extension), ``yaml``, ``ktab`` or ``decide``.
    """
    fmt = input_format
    p = Path(path)
    if fmt == "auto":
        fmt = sniff(p)
    if fmt == "yaml":
        return load_yaml(p)
    if fmt == "ktab":
        return load_ktab_csv(p)
    if fmt == "decide":
        return load_decide_tsv(p)
    raise ModelError(
        f"unknown input format '{input_format}'", file=str(path),
        hint="use one of: auto, yaml, ktab, decide",
    )
