"""The model file format ``standoff/1``, as pydantic models.

This module checks the *shape* of a model file (which keys exist, their types). Meaning
(option names inside statements, rankings that cover every state, quotes found in their
sources) is checked by :mod:`standoff.model.loader`, which knows where each value sits in
the file. ``standoff schema`` prints the JSON Schema generated from these classes.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StrictInt, StrictStr


def _bool_as_text(value: object) -> object:
    """YAML reads a bare ``true``/``false`` as a boolean; in a statement it is the constant."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Source(_Strict):
    """A text that statements can quote: ``sources: {commentary: {title: ..., file: ...}}``."""

    title: StrictStr
    file: StrictStr | None = Field(
        None, description="Path of the text, relative to the model file; quotes are checked in it."
    )
    author: StrictStr | None = None
    date: StrictStr | None = None
    url: StrictStr | None = None
    note: StrictStr | None = None


class Evidence(_Strict):
    """A statement written long-hand, with the evidence for it.

    Either ``source`` + ``quote`` (a verbatim quote that must occur in the source's file) or
    ``assumption`` (the modeller's reason, when the source does not support the statement).
    """

    statement: Annotated[StrictStr | StrictInt, BeforeValidator(_bool_as_text)]
    source: StrictStr | None = None
    quote: StrictStr | None = None
    assumption: StrictStr | None = None
    weight: float | None = None
    note: StrictStr | None = None


Statement = Annotated[
    StrictStr | Evidence, Field(union_mode="left_to_right"), BeforeValidator(_bool_as_text)
]
RankingEntry = Annotated[
    StrictStr | StrictInt | Evidence,
    Field(union_mode="left_to_right"),
    BeforeValidator(_bool_as_text),
]
RankingItem = Annotated[
    StrictStr | StrictInt | Evidence | list[RankingEntry],
    Field(union_mode="left_to_right"),
    BeforeValidator(_bool_as_text),
]


class Option(_Strict):
    """A yes/no option of a decision maker."""

    text: StrictStr = Field(description="What taking the option means.")
    moves: Literal["both", "take", "drop"] = Field(
        "both",
        description="both: can be taken and given up; take: once taken never undone; "
        "drop: can only be given up.",
    )
    note: StrictStr | None = None


class DecisionMaker(_Strict):
    """A decision maker and the options it controls."""

    name: StrictStr
    description: StrictStr | None = None
    options: dict[StrictStr, Option] = Field(min_length=1)


class Feasibility(_Strict):
    """Which combinations of options can occur."""

    exactly_one: list[list[StrictStr]] = []
    at_most_one: list[list[StrictStr]] = []
    at_least_one: list[list[StrictStr]] = []
    infeasible: list[Statement] = []
    collapse: list[StrictStr] = []


class Preference(_Strict):
    """One decision maker's preferences: exactly one of the three GMCR II forms."""

    prioritize: list[Statement] | None = None
    weights: dict[StrictStr, float] | list[Evidence] | None = None
    ranking: list[RankingItem] | None = None
    note: StrictStr | None = None


class ModelFile(_Strict):
    """A conflict model, format ``standoff/1``."""

    format: Literal["standoff/1"]
    title: StrictStr
    description: StrictStr | None = None
    view: StrictStr | None = Field(
        None, description="Whose view of the conflict the model encodes."
    )
    sources: dict[StrictStr, Source] = {}
    decision_makers: dict[StrictStr, DecisionMaker] = Field(min_length=2)
    feasibility: Feasibility = Feasibility()
    preferences: dict[StrictStr, Preference]
    status_quo: list[StrictStr] | None = None
