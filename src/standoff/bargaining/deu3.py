"""Loader for the DEU III dataset of EU legislative decisions (positions on a 0-100 scale).

Dataset: Arregui & Perarnaud (2021), "A new dataset on legislative decision-making in the
European Union: the DEU III dataset" (doi:10.34810/data53); its design follows Thomson,
Stokman, Achen & König (eds.) (2006), *The European Union Decides*. We read the
tab-separated copy of ``blksv/predictioneers_game`` (see ``data/deu3/README.md`` of the
shared folder): a header, a line of GDP figures per actor added by that copy's author (not
part of DEU III), then one row per issue with the positions ``p*`` and saliences ``s*`` of
the Commission, the Parliament and 28 member states, the reference point ``rp`` and the
outcome ``out``.

Treatment of missing values (stated in every backtest):

* an actor with no recorded position on an issue takes no part in it;
* a recorded position with no salience gets salience 50 (the scale midpoint; 54 cells of the
  copy, all on scored issues; the backtest's note gives the count); a salience of 0 is kept
  (the actor then has no weight in weighted models);
* capability is ``equal`` (1 for every actor, the default), ``gdp`` (the copy's GDP line),
  or ``qmv`` (member states' Council votes under the Treaty of Nice, with the Commission
  and the Parliament given the largest state's 29 votes - our assumption);
* issues are grouped by proposal (``prnr``); only issues with an outcome are scored, but
  every issue of a proposal takes part in the exchange model.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from standoff.bargaining.inputs import Actor, BargainingModel, Issue, Stance
from standoff.errors import COMMAND_LINE, ModelError
from standoff.model.files import MAX_DATA_BYTES, read_user_text

#: actor column suffixes in file order, and readable ids
ACTORS: tuple[tuple[str, str], ...] = (
    ("com", "COM"), ("ep", "EP"), ("at", "AT"), ("be", "BE"), ("bu", "BG"), ("cr", "HR"),
    ("cy", "CY"), ("cz", "CZ"), ("dk", "DK"), ("ee", "EE"), ("fi", "FI"), ("fr", "FR"),
    ("de", "DE"), ("el", "EL"), ("hu", "HU"), ("ie", "IE"), ("it", "IT"), ("lv", "LV"),
    ("lt", "LT"), ("lu", "LU"), ("mt", "MT"), ("nl", "NL"), ("pl", "PL"), ("pt", "PT"),
    ("ro", "RO"), ("si", "SI"), ("sk", "SK"), ("es", "ES"), ("se", "SE"), ("uk", "UK"),
)

#: Council votes under the Treaty of Nice (EU-27, Croatia 7 from 2013)
NICE_VOTES = {
    "DE": 29, "FR": 29, "IT": 29, "UK": 29, "ES": 27, "PL": 27, "RO": 14, "NL": 13,
    "BE": 12, "CZ": 12, "EL": 12, "HU": 12, "PT": 12, "AT": 10, "BG": 10, "SE": 10,
    "DK": 7, "IE": 7, "LT": 7, "SK": 7, "FI": 7, "HR": 7, "CY": 4, "EE": 4, "LV": 4,
    "LU": 4, "SI": 4, "MT": 3, "COM": 29, "EP": 29,
}

CAPABILITIES = ("equal", "gdp", "qmv")
MISSING_SALIENCE = 50.0


@dataclass(frozen=True)
class DEUDataset:
    """Proposals (each a bargaining model of its issues) and how the data were treated."""

    path: str
    proposals: tuple[BargainingModel, ...]
    capability: str
    treatment: str

    @property
    def scored_issues(self) -> int:
        """Number of issues with a recorded outcome."""
        return sum(1 for p in self.proposals for i in p.issues if i.outcome is not None)


def find_data(explicit: str | Path | None = None) -> Path:
    """Locate ``deu3.csv``: ``explicit``, else ``../shared/data/deu3/deu3.csv`` from the
    working directory or from the project root."""
    cands: list[Path] = []
    if explicit:
        cands.append(Path(explicit))
    rel = Path("shared") / "data" / "deu3" / "deu3.csv"
    cands += [Path.cwd().parent / rel, Path(__file__).resolve().parents[3].parent / rel,
              Path.cwd() / rel]
    for c in cands:
        if c.is_file():
            return c
    raise ModelError(
        "the DEU III data file was not found", file=str(cands[0]),
        hint="pass --data PATH/deu3.csv or set STANDOFF_DEU3",
    )


def _float(text: str, file: str, line: int, column: str) -> float | None:
    text = text.strip().strip('"')
    if text in ("", "NA", "."):
        return None
    try:
        value = float(text)
    except ValueError:
        raise ModelError(f"column '{column}' must be a number, found '{text}'", file=file,
                         line=line, hint="fix or empty the cell") from None
    if not math.isfinite(value):
        raise ModelError(f"column '{column}' must be a finite number, found '{text}'",
                         file=file, line=line, hint="fix the cell, or leave it empty (missing)")
    return value


def load_deu3(path: str | Path, capability: str = "equal") -> DEUDataset:
    """Read the DEU III copy; see the module docstring for the treatment of missing values."""
    file = str(path)
    if capability not in CAPABILITIES:
        raise ModelError(f"unknown capability '{capability}'", file=COMMAND_LINE,
                         hint="use one of: " + ", ".join(CAPABILITIES))
    lines = read_user_text(path, MAX_DATA_BYTES, what="data file",
                           suffixes=(".csv", ".tsv")).splitlines()
    if not lines:
        raise ModelError("the file is empty", file=file, line=1)
    header = [h.strip().strip('"') for h in lines[0].split("\t")]
    col = {h: k for k, h in enumerate(header)}
    needed = ["prnr", "isnr", "rp", "out"] + [f"{p}{a}" for a, _ in ACTORS for p in "ps"]
    missing = [c for c in needed if c not in col]
    if missing:
        raise ModelError("missing columns: " + ", ".join(missing), file=file, line=1,
                         hint="this reader expects the tab-separated DEU III copy")
    gdp: dict[str, float] = {}
    groups: dict[str, list[tuple[int, list[str]]]] = {}
    for lineno, text in enumerate(lines[1:], start=2):
        if not text.strip():
            continue
        cells = text.split("\t")
        if len(cells) < len(header):
            raise ModelError(f"expected {len(header)} tab-separated cells, found {len(cells)}",
                             file=file, line=lineno, hint="check for a lost tab")
        prnr = cells[col["prnr"]].strip().strip('"')
        if not prnr:  # the copy's GDP line
            for a, aid in ACTORS:
                v = _float(cells[col[f"p{a}"]], file, lineno, f"p{a}")
                gdp[aid] = v if v is not None else 0.0
            continue
        groups.setdefault(prnr, []).append((lineno, cells))
    if capability == "gdp" and not gdp:
        raise ModelError("capability 'gdp' needs the GDP line, which this file lacks", file=file,
                         line=2, hint="use --capability equal or qmv")
    caps = {aid: {"equal": 1.0, "gdp": gdp.get(aid, 0.0), "qmv": float(NICE_VOTES[aid])}
            [capability] for _, aid in ACTORS}

    proposals = []
    filled = 0  # recorded positions without a salience, given MISSING_SALIENCE
    for prnr, rows in groups.items():
        issues = []
        for lineno, cells in rows:
            stances = []
            for a, aid in ACTORS:
                pos = _float(cells[col[f"p{a}"]], file, lineno, f"p{a}")
                if pos is None:
                    continue
                sal = _float(cells[col[f"s{a}"]], file, lineno, f"s{a}")
                if sal is None:
                    sal = MISSING_SALIENCE
                    filled += 1
                for value, what in ((pos, f"p{a}"), (sal, f"s{a}")):
                    if not 0 <= value <= 100:
                        raise ModelError(f"{what} = {value:g} is outside 0-100", file=file,
                                         line=lineno, hint="DEU III values lie on 0-100")
                stances.append(Stance(actor=aid, position=pos, salience=sal / 100.0,
                                      capability=caps[aid]))
            if not stances:
                continue
            out = _float(cells[col["out"]], file, lineno, "out")
            rp = _float(cells[col["rp"]], file, lineno, "rp")
            for recorded, what in ((out, "out"), (rp, "rp")):
                if recorded is not None and not 0 <= recorded <= 100:
                    raise ModelError(f"{what} = {recorded:g} is outside 0-100", file=file,
                                     line=lineno, hint="DEU III values lie on 0-100")
            iid = cells[col["isnr"]].strip().strip('"')
            issues.append(Issue(id=iid, name=iid, low=0.0, high=100.0, stances=tuple(stances),
                                status_quo=rp, outcome=out))
        if issues:
            proposals.append(BargainingModel(
                title=prnr, actors=tuple(Actor(aid, aid, caps[aid]) for _, aid in ACTORS),
                issues=tuple(issues), source=file))
    treatment = (
        f"DEU III ({Path(file).name}): actors without a recorded position are left out of an "
        f"issue; {filled} recorded position{'s' if filled != 1 else ''} without a salience "
        f"{'were' if filled != 1 else 'was'} given salience {MISSING_SALIENCE:g}; "
        f"salience 0 is kept; capability = {capability}"
        + (" (GDP line of the copy, not part of DEU III)" if capability == "gdp" else "")
        + (" (Nice Council votes; Commission and Parliament 29, an assumption)"
           if capability == "qmv" else "")
        + "; issues are grouped by proposal; only issues with an outcome are scored."
    )
    dataset = DEUDataset(path=file, proposals=tuple(proposals), capability=capability,
                         treatment=treatment)
    if dataset.scored_issues == 0:
        raise ModelError("no issue in the file has both positions and an outcome, so there is "
                         "nothing to score", file=file,
                         hint="pass the full DEU III copy (deu3.csv)")
    return dataset


def outcomes(dataset: DEUDataset) -> np.ndarray:
    """Recorded outcomes of the scored issues, in dataset order."""
    return np.array([i.outcome for p in dataset.proposals for i in p.issues
                     if i.outcome is not None], dtype=float)
