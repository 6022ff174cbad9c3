"""The model file format ``standoff/1``, as pydantic models.

This module checks the *shape* of a model file (which keys exist, their types). Meaning
(option names inside statements, rankings that cover every state, quotes found in their
sources) is checked by :mod:`standoff.model.loader`, which knows where each value sits in
the file. ``standoff schema`` prints the JSON Schema generated from these classes.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

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


class Claim(_Strict):
    """A conclusion of the source, formalised: ``claims: {ID: {check: ..., quote: ...}}``.

    ``check`` is a sentence of the claim language (docs/claims.md), e.g.
    ``no equilibrium has russia.accept and ukraine.accept under seq``. The sentence the claim
    formalises is given by ``source`` + ``quote`` (checked like any quote), or by ``text``
    (the modeller's paraphrase) with an optional ``assumption``.
    """

    check: StrictStr = Field(description="The claim in the claim language (docs/claims.md).")
    text: StrictStr | None = Field(None, description="The claim in words, if not quoted.")
    source: StrictStr | None = None
    quote: StrictStr | None = None
    assumption: StrictStr | None = None
    note: StrictStr | None = None


class FeasibilityChange(_Strict):
    """Feasibility constraints a variant adds or removes (same keys as ``feasibility:``)."""

    exactly_one: list[list[StrictStr]] = []
    at_most_one: list[list[StrictStr]] = []
    at_least_one: list[list[StrictStr]] = []
    infeasible: list[Statement] = []


class VariantFeasibility(_Strict):
    """``add``: constraints joined to the model's; ``remove``: constraints of the model,
    written as in its ``feasibility:`` section, that the variant drops."""

    add: FeasibilityChange = FeasibilityChange()
    remove: FeasibilityChange = FeasibilityChange()


class Variant(_Strict):
    """A named alternative to the model: some decision makers' preferences replaced
    wholesale, and/or feasibility constraints added or removed (docs/claims.md)."""

    description: StrictStr = Field(description="What the variant supposes, in one sentence.")
    source: StrictStr | None = None
    quote: StrictStr | None = None
    assumption: StrictStr | None = None
    note: StrictStr | None = None
    extends: StrictStr | None = Field(
        None, description="Another variant whose changes this one starts from."
    )
    preferences: dict[StrictStr, Preference] = {}
    feasibility: VariantFeasibility = VariantFeasibility()


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
    claims: dict[StrictStr, Claim] = Field(
        {}, description="Conclusions of the source, checked by 'standoff claims'."
    )
    variants: dict[StrictStr, Variant] = Field(
        {}, description="Named alternatives (preferences replaced, feasibility changed)."
    )
    bargaining: dict[StrictStr, Any] | None = Field(
        None,
        description="Issues on a scale (actors, positions, saliences): validated by "
        "standoff.bargaining and used by 'forecast', 'zopa' and 'report' (docs/bargaining.md).",
    )
