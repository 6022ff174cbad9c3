"""Bargaining inputs: actors, issues on a scale, and each actor's stance on each issue.

A bargaining model is written as a ``bargaining:`` section of a model file (or a file of its
own whose top level is that section)::

    bargaining:
      title: EC small-car emission standards
      actors:
        - {id: NL, name: Netherlands, capability: 0.08}
        - {id: UK, capability: 0.16}
      issues:
        - id: timing
          scale: [4, 10]                 # lowest and highest point of the scale
          labels: {4: "1992", 10: "1998"}
          status_quo: 10                 # the outcome if there is no agreement (optional)
          outcome: 8.833                 # what actually happened (optional, for checking)
          positions:
            NL: {position: 4, salience: 0.8}
            UK: {position: 10, salience: 0.9, acceptable: [7, 10]}
      agreement: {rule: unanimity}       # who must agree (zone of possible agreement)

Per actor and issue (a *stance*): ``position`` on the scale; ``salience`` in [0, 1];
optionally ``capability`` (overrides the actor's capability on this issue), ``acceptable``
([lo, hi], the outcomes the actor prefers to no agreement), or ``reservation`` (the worst
outcome it accepts), ``ratifiers`` (domestic ratifiers, each with its own ``acceptable``
range: Putnam 1988's two-level game, see :mod:`standoff.bargaining.zopa`), and
``position_range`` / ``salience_range`` (uncertainty, used by
:mod:`standoff.bargaining.montecarlo`).

The file is validated with pydantic; every error names the file, line and column.
"""

from __future__ import annotations

import difflib
import math
import types
import typing
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Annotated, Any, Literal

import numpy as np
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
)

from standoff.errors import ModelError
from standoff.model.yamlio import Locations, load_document

# --------------------------------------------------------------------------------------
# Frozen records used by the models
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Ratifier:
    """A domestic ratifier of an actor (Putnam 1988): it must accept the deal too."""

    name: str
    acceptable: tuple[float, float]


@dataclass(frozen=True)
class Stance:
    """One actor's stance on one issue."""

    actor: str
    position: float
    salience: float
    capability: float
    acceptable: tuple[float, float] | None = None
    reservation: float | None = None
    ratifiers: tuple[Ratifier, ...] = ()
    position_range: tuple[float, float] | None = None
    salience_range: tuple[float, float] | None = None


@dataclass(frozen=True)
class Issue:
    """An issue on a one-dimensional scale and the stances taken on it."""

    id: str
    name: str
    low: float
    high: float
    stances: tuple[Stance, ...]
    labels: tuple[tuple[float, str], ...] = ()
    status_quo: float | None = None
    outcome: float | None = None

    @property
    def actors(self) -> list[str]:
        """Ids of the actors holding a position on this issue, in input order."""
        return [s.actor for s in self.stances]

    @property
    def width(self) -> float:
        """Length of the scale (1.0 if the scale is a single point)."""
        return (self.high - self.low) or 1.0

    def arrays(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Positions, saliences and capabilities of the actors, as float arrays."""
        x = np.array([s.position for s in self.stances], dtype=float)
        sal = np.array([s.salience for s in self.stances], dtype=float)
        cap = np.array([s.capability for s in self.stances], dtype=float)
        return x, sal, cap

    def with_values(self, positions: np.ndarray, saliences: np.ndarray | None = None) -> Issue:
        """A copy with new positions (and optionally saliences), same order as ``stances``."""
        sal = saliences if saliences is not None else [s.salience for s in self.stances]
        new = tuple(
            replace(s, position=float(p), salience=float(v))
            for s, p, v in zip(self.stances, positions, sal, strict=True)
        )
        return replace(self, stances=new)


@dataclass(frozen=True)
class Actor:
    """A party to the bargaining with its general capability (clout)."""

    id: str
    name: str
    capability: float


@dataclass(frozen=True)
class AgreementRule:
    """Who must accept an outcome for it to be agreed (zone of possible agreement).

    ``unanimity``: every actor with a stance on the issue (plus any listed veto player).
    ``qualified_majority``: the accepting actors must hold at least ``threshold`` of the
    total weight (``capability`` or ``count``), and every veto player must accept.
    """

    rule: Literal["unanimity", "qualified_majority"] = "unanimity"
    threshold: float = 1.0
    weight: Literal["capability", "count"] = "capability"
    veto: tuple[str, ...] = ()


@dataclass(frozen=True)
class BargainingModel:
    """Actors, issues and the agreement rule; immutable."""

    title: str
    actors: tuple[Actor, ...]
    issues: tuple[Issue, ...]
    agreement: AgreementRule = field(default_factory=AgreementRule)
    source: str | None = None  # the file's own "source" (a citation), or the file name
    path: str | None = None  # the file the model was read from, for error messages

    def actor(self, actor_id: str) -> Actor:
        """The actor with id ``actor_id``."""
        for a in self.actors:
            if a.id == actor_id:
                return a
        raise KeyError(actor_id)

    def issue(self, issue_id: str) -> Issue:
        """The issue with id ``issue_id``."""
        for i in self.issues:
            if i.id == issue_id:
                return i
        raise KeyError(issue_id)

    def replace_issues(self, issues: tuple[Issue, ...]) -> BargainingModel:
        """A copy with other issues (same actors and rule)."""
        return replace(self, issues=tuple(issues))


# --------------------------------------------------------------------------------------
# File schema (pydantic)
# --------------------------------------------------------------------------------------

_STRICT = ConfigDict(extra="forbid", strict=False, allow_inf_nan=False)

#: Largest magnitude accepted for a position, scale end or capability. Larger numbers are
#: almost surely typing slips, and squaring them in the models would overflow.
LIMIT = 1e9


def _real(value: Any) -> float:
    """A finite number of at most :data:`LIMIT` in magnitude (``true`` is not a number)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"must be a number, found {value!r}")
    if isinstance(value, int) and abs(value) > LIMIT:
        # a whole number too large for a float (300+ digits) would overflow float()
        digits = int(abs(value).bit_length() * math.log10(2)) + 1
        raise ValueError(f"a number of about {digits:,} digits is too large: numbers here "
                         f"must not exceed {LIMIT:g} in size")
    number = float(value)
    if not math.isfinite(number):
        raise ValueError("must be a finite number, not .nan or .inf")
    if abs(number) > LIMIT:
        raise ValueError(f"{number:g} is too large: numbers here must not exceed {LIMIT:g} in "
                         "size")
    return number


Real = Annotated[float, BeforeValidator(_real)]


def _pair(value: Any) -> tuple[float, float]:
    if not isinstance(value, list | tuple) or len(value) != 2:
        raise ValueError("must be a list of two numbers [low, high]")
    lo, hi = (_real(v) for v in value)
    if lo > hi:
        raise ValueError(f"the low end {lo:g} is above the high end {hi:g}")
    return lo, hi


class RatifierSpec(BaseModel):
    model_config = _STRICT
    name: str
    acceptable: tuple[float, float]

    @field_validator("acceptable", mode="before")
    @classmethod
    def _acc(cls, v: Any) -> tuple[float, float]:
        return _pair(v)


class StanceSpec(BaseModel):
    model_config = _STRICT
    position: Real
    salience: Annotated[Real, Field(ge=0.0, le=1.0)]
    capability: Annotated[Real, Field(ge=0.0)] | None = None
    acceptable: tuple[float, float] | None = None
    reservation: Real | None = None
    ratifiers: list[RatifierSpec] = Field(default_factory=list)
    position_range: tuple[float, float] | None = None
    salience_range: tuple[float, float] | None = None

    @field_validator("acceptable", "position_range", "salience_range", mode="before")
    @classmethod
    def _ranges(cls, v: Any) -> tuple[float, float] | None:
        return None if v is None else _pair(v)


class IssueSpec(BaseModel):
    model_config = _STRICT
    id: str
    name: str | None = None
    scale: tuple[float, float] = (0.0, 100.0)
    labels: dict[float, str] = Field(default_factory=dict)
    status_quo: Real | None = None
    outcome: Real | None = None
    positions: dict[str, StanceSpec]

    @field_validator("scale", mode="before")
    @classmethod
    def _scale(cls, v: Any) -> tuple[float, float]:
        lo, hi = _pair(v)
        if lo == hi:
            raise ValueError(f"the two ends are equal ({lo:g}): a scale needs a low and a "
                             "high end")
        return lo, hi


class ActorSpec(BaseModel):
    model_config = _STRICT
    id: str
    name: str | None = None
    capability: Annotated[Real, Field(ge=0.0)] = 1.0


class AgreementSpec(BaseModel):
    model_config = _STRICT
    rule: Literal["unanimity", "qualified_majority"] = "unanimity"
    threshold: float | None = Field(default=None, gt=0.0, le=1.0)
    weight: Literal["capability", "count"] = "capability"
    veto: list[str] = Field(default_factory=list)


class BargainingSpec(BaseModel):
    model_config = _STRICT
    title: str = "bargaining model"
    source: str | None = None
    actors: list[ActorSpec] = Field(min_length=1)
    issues: list[IssueSpec] = Field(min_length=1)
    agreement: AgreementSpec = Field(default_factory=AgreementSpec)


_HINTS = {
    "salience": "salience is a share in [0, 1]; divide a 0-100 salience by 100",
    "capability": "capability (clout) is a non-negative number",
    "extra_forbidden": "remove the key or check its spelling against docs/bargaining.md",
    "missing": "add the key; see examples/bargaining/ for a complete file",
    "scale": "write the scale as [low, high] with low below high, e.g. scale: [0, 100]",
    "acceptable": "write the range as [low, high] with low below high, e.g. [20, 60]",
    "position_range": "write the range as [low, high] with low below high, e.g. [20, 60]",
    "salience_range": "write the range as [low, high] inside [0, 1], e.g. [0.3, 0.7]",
    "threshold": "a qualified majority's threshold is a share of the weight in (0, 1], "
                 "e.g. threshold: 0.65",
    "actors": "list at least one actor: actors: [{id: A}, {id: B}]",
    "issues": "list at least one issue with an id and positions (examples/bargaining/)",
    "number": "write a plain number (no quotes, not true/false, .nan or .inf)",
}


def _fields_at(loc: tuple) -> list[str]:
    """The keys allowed at ``loc`` (a pydantic error location) in the file schema."""
    model: Any = BargainingSpec
    for part in loc:
        if not (isinstance(model, type) and issubclass(model, BaseModel)):
            return []
        if isinstance(part, str) and part in model.model_fields:
            model = model.model_fields[part].annotation
        else:
            continue
        while typing.get_origin(model) in (list, dict, typing.Union, types.UnionType):
            args = [a for a in typing.get_args(model) if a is not type(None)]
            model = args[-1]
    if isinstance(model, type) and issubclass(model, BaseModel):
        return list(model.model_fields)
    return []


def _pydantic_error(err: ValidationError, locs: Locations, prefix: tuple) -> ModelError:
    errors = err.errors()
    # a misspelt key shows up as "unknown key" and "missing key": report the spelling first
    first = next((e for e in errors if e["type"] == "extra_forbidden"), errors[0])
    path = (*prefix, *first["loc"])
    keys = [str(p) for p in first["loc"] if isinstance(p, str)]
    what = keys[-1] if keys else "the section"
    kind = first["type"]
    msg = first["msg"].removeprefix("Value error, ")
    if kind == "missing":
        where = ".".join(map(str, path[:-1])) or "the top level"
        message = f"'{first['loc'][-1]}' is required here ({where})"
        path = path[:-1]
    elif kind == "extra_forbidden":
        key = str(first["loc"][-1])
        message = f"unknown key '{key}'"
        close = difflib.get_close_matches(key, _fields_at(first["loc"][:-1]), 1, 0.6)
        if close:
            return locs.error(path, message + f" (did you mean '{close[0]}'?)",
                              f"rename '{key}' to '{close[0]}'")
    else:
        message = f"{what}: {msg[:1].lower() + msg[1:]}"
    hint = _HINTS.get(kind) or _HINTS.get(what)
    if hint is None and kind in ("float_parsing", "float_type", "finite_number", "value_error"):
        hint = _HINTS["number"]
    return locs.error(path, message, hint)


def from_data(data: Any, locs: Locations) -> BargainingModel:
    """Build a :class:`BargainingModel` from parsed YAML/JSON data, raising located errors."""
    prefix: tuple = ()
    if isinstance(data, dict) and "bargaining" in data:
        prefix = ("bargaining",)
        data = data["bargaining"]
    if not isinstance(data, dict):
        raise locs.error(
            prefix, "expected a 'bargaining:' mapping with actors and issues",
            "see examples/bargaining/ec_emissions.yaml",
        )
    try:
        spec = BargainingSpec.model_validate(data)
    except ValidationError as err:
        raise _pydantic_error(err, locs, prefix) from None

    actors: list[Actor] = []
    seen: dict[str, int] = {}
    for k, a in enumerate(spec.actors):
        if a.id in seen:
            raise locs.error(
                (*prefix, "actors", k, "id"), f"actor id '{a.id}' is used twice",
                "give every actor a unique id",
            )
        seen[a.id] = k
        actors.append(Actor(id=a.id, name=a.name or a.id, capability=a.capability))
    if all(a.capability == 0 for a in actors):
        raise locs.error((*prefix, "actors"), "every actor has capability 0",
                         "give at least one actor a positive capability")

    issues: list[Issue] = []
    issue_ids: set[str] = set()
    for k, isp in enumerate(spec.issues):
        ipath = (*prefix, "issues", k)
        if isp.id in issue_ids:
            raise locs.error((*ipath, "id"), f"issue id '{isp.id}' is used twice",
                             "give every issue a unique id")
        issue_ids.add(isp.id)
        lo, hi = isp.scale
        if not isp.positions:
            raise locs.error((*ipath, "positions"), f"issue '{isp.id}' has no positions",
                             "give at least one actor's position on the issue")

        def inside(value: float, path: tuple, what: str, lo: float = lo, hi: float = hi) -> None:
            if not lo <= value <= hi:
                raise locs.error(
                    path, f"{what} {value:g} is outside the scale [{lo:g}, {hi:g}]",
                    "move the value onto the scale or widen the issue's 'scale'",
                )

        if isp.status_quo is not None:
            inside(isp.status_quo, (*ipath, "status_quo"), "status quo")
        stances: list[Stance] = []
        for actor_id, st in isp.positions.items():
            spath = (*ipath, "positions", actor_id)
            if actor_id not in seen:
                raise locs.error(
                    spath, f"unknown actor '{actor_id}' on issue '{isp.id}'",
                    "declare the actor under 'actors:' or fix the id; known: "
                    + ", ".join(sorted(seen)),
                )
            inside(st.position, (*spath, "position"), "position")
            if st.reservation is not None:
                inside(st.reservation, (*spath, "reservation"), "reservation point")
            if st.acceptable is not None and not (
                st.acceptable[0] <= st.position <= st.acceptable[1]
            ):
                raise locs.error(
                    (*spath, "acceptable"),
                    f"the acceptable range {list(st.acceptable)} does not contain the actor's "
                    f"own position {st.position:g}",
                    "an actor accepts at least its own ideal point; widen the range",
                )
            if st.salience_range is not None and not (
                st.salience_range[0] >= 0 and st.salience_range[1] <= 1
            ):
                raise locs.error((*spath, "salience_range"), "salience_range must lie in [0, 1]",
                                 _HINTS["salience"])
            for key, rng in (("position_range", st.position_range),
                             ("acceptable", st.acceptable)):
                if rng is not None:
                    for end in rng:
                        inside(end, (*spath, key), f"the {key} end")
            for r, rat in enumerate(st.ratifiers):
                for end in rat.acceptable:
                    inside(end, (*spath, "ratifiers", r, "acceptable"),
                           f"ratifier {rat.name}'s acceptable end")
            for key, value in (("position_range", st.position), ("salience_range", st.salience)):
                rng = getattr(st, key)
                if rng is not None and not rng[0] <= value <= rng[1]:
                    what = key.split("_")[0]
                    raise locs.error(
                        (*spath, key),
                        f"the {key} {list(rng)} does not contain the stated {what} {value:g}",
                        f"the range says how unsure the {what} {value:g} is, so it must "
                        f"contain it; widen the range or move the {what}",
                    )
            cap = st.capability if st.capability is not None else actors[seen[actor_id]].capability
            stances.append(
                Stance(
                    actor=actor_id,
                    position=st.position,
                    salience=st.salience,
                    capability=cap,
                    acceptable=st.acceptable,
                    reservation=st.reservation,
                    ratifiers=tuple(Ratifier(r.name, r.acceptable) for r in st.ratifiers),
                    position_range=st.position_range,
                    salience_range=st.salience_range,
                )
            )
        issues.append(
            Issue(
                id=isp.id,
                name=isp.name or isp.id,
                low=lo,
                high=hi,
                stances=tuple(stances),
                labels=tuple(sorted(isp.labels.items())),
                status_quo=isp.status_quo,
                outcome=isp.outcome,
            )
        )

    ag = spec.agreement
    for k, v in enumerate(ag.veto):
        if v not in seen:
            raise locs.error((*prefix, "agreement", "veto", k), f"unknown veto player '{v}'",
                             "list actor ids declared under 'actors:'")
    if ag.rule == "qualified_majority" and ag.threshold is None:
        raise locs.error((*prefix, "agreement"), "a qualified majority needs a 'threshold'",
                         "add e.g. 'threshold: 0.65' (share of the total weight)")
    rule = AgreementRule(
        rule=ag.rule,
        threshold=ag.threshold if ag.threshold is not None else 1.0,
        weight=ag.weight,
        veto=tuple(ag.veto),
    )
    return BargainingModel(
        title=spec.title,
        actors=tuple(actors),
        issues=tuple(issues),
        agreement=rule,
        source=spec.source or locs.file,
        path=locs.file,
    )


def load_yaml(path: str | Path) -> BargainingModel:
    """Read a YAML or JSON bargaining file (a ``bargaining:`` section or the section alone)."""
    data, locs = load_document(path)
    return from_data(data, locs)
