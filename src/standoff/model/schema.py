"""The model file format ``standoff/1``, as pydantic models.

This module checks the *shape* of a model file (which keys exist, their types). Meaning
(option names inside statements, rankings that cover every state, quotes found in their
sources) is checked by :mod:`standoff.model.loader`, which knows where each value sits in
the file. ``standoff schema`` prints the JSON Schema generated from these classes.
"""

from __future__ import annotations

import math
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    StrictInt,
    StrictStr,
    WithJsonSchema,
)
from pydantic_core import PydanticCustomError

#: Largest magnitude of a preference weight (``weights:``, ``weight:``). Scores are sums of
#: weights in 64-bit floats: sums of even millions of weights up to 1e12 stay far from
#: overflow (1e308 + 1e308 is infinite) and NaN or infinite weights are refused outright.
MAX_WEIGHT = 1e12

#: The error type of problems found by this module's own validators; the error's context
#: carries a ``hint`` (how to fix it), which :mod:`standoff.model.loader` prints.
ERROR_TYPE = "standoff_value"


def _bool_as_text(value: object) -> object:
    """YAML reads a bare ``true``/``false`` as a boolean; in a statement it is the constant."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


def _weight(value: object) -> object:
    """Accept a finite number of magnitude at most :data:`MAX_WEIGHT` as a weight.

    YAML's ``true``/``false``, quoted numbers, ``.nan``, ``.inf`` and huge numbers are
    refused with a message saying what to write instead.
    """
    bound = f"{MAX_WEIGHT:.0e}".replace("e+", "e")
    if isinstance(value, bool):
        raise PydanticCustomError(
            ERROR_TYPE, "a weight must be a number, not {value}",
            {"value": "true" if value else "false",
             "hint": "write a number, e.g. 2 or 0.5 (1 for true, 0 for false)"},
        )
    if isinstance(value, str):
        raise PydanticCustomError(
            ERROR_TYPE, "a weight must be a number, not the text '{value}'",
            {"value": value, "hint": "write the number without quotes, e.g. 2 or 0.5"},
        )
    if isinstance(value, float) and not math.isfinite(value):
        shown = ".nan (not a number)" if math.isnan(value) else \
            ("-.inf" if value < 0 else ".inf")
        raise PydanticCustomError(
            ERROR_TYPE, "a weight must be a finite number, not {shown}",
            {"shown": shown, "hint": "write a number, e.g. 2 or 0.5"},
        )
    if isinstance(value, int | float) and not -MAX_WEIGHT <= value <= MAX_WEIGHT:
        if isinstance(value, float) or abs(value) < 10**300:
            shown = f"{float(value):.3g}"
        else:
            shown = f"of about 10^{int(abs(value).bit_length() * math.log10(2))}"
        raise PydanticCustomError(
            ERROR_TYPE, "the weight {shown} is too large: weights must lie between "
            "-{bound} and {bound}",
            {"shown": shown, "bound": bound,
             "hint": "only the order of the scores matters; scale the weights down so "
             f"that each is at most {bound} in size"},
        )
    return value


Weight = Annotated[
    float,
    BeforeValidator(_weight),
    Field(description="A finite number between -1e12 and 1e12 (MAX_WEIGHT).",
          json_schema_extra={"minimum": -MAX_WEIGHT, "maximum": MAX_WEIGHT}),
]


def _weight_range(value: object) -> object:
    """Accept ``[low, high]``, two weights with ``low < high`` (declared uncertainty)."""
    if isinstance(value, list):
        if len(value) != 2:
            raise PydanticCustomError(
                ERROR_TYPE, "a weight range must have two numbers, [low, high], not {count}",
                {"count": len(value),
                 "hint": "write e.g. [1, 3] for a weight somewhere between 1 and 3, or a "
                 "single number for a known weight"},
            )
        low, high = (_weight(v) for v in value)
        if low > high:  # type: ignore[operator]
            raise PydanticCustomError(
                ERROR_TYPE, "the weight range [{low}, {high}] has its low end above its high "
                "end",
                {"low": low, "high": high, "hint": f"write [{high}, {low}]"},
            )
        if low == high:
            raise PydanticCustomError(
                ERROR_TYPE, "the weight range [{low}, {high}] is a single number",
                {"low": low, "high": high,
                 "hint": f"write the weight as the number {low}, or widen the range"},
            )
    return value


def _weight_or_range(value: object) -> object:
    """A weight (:func:`_weight`) or a range ``[low, high]`` (:func:`_weight_range`)."""
    if isinstance(value, list | tuple):
        return _weight_range(list(value))
    return _weight(value)


WeightOrRange = Annotated[
    float | list[float],
    BeforeValidator(_weight_or_range),
    Field(description="A weight (a finite number between -1e12 and 1e12), or declared "
          "uncertainty: a range [low, high] with low < high (docs/model-format.md)."),
]


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
    weight: WeightOrRange | None = None
    uncertain: StrictBool | None = Field(
        None, description="Declared uncertainty (prioritize, weights): the preference may or "
        "may not include this statement."
    )
    note: StrictStr | None = None


Statement = Annotated[
    StrictStr | Evidence, Field(union_mode="left_to_right"), BeforeValidator(_bool_as_text)
]


class AnyOrder(_Strict):
    """Declared uncertainty in ``prioritize``: statements whose relative order is unknown
    (every order of the group is admissible; the order written is the base reading)."""

    any_order: list[Statement]
    note: StrictStr | None = None


PrioritizeItem = Annotated[
    StrictStr | Evidence | AnyOrder, Field(union_mode="left_to_right"),
    BeforeValidator(_bool_as_text),
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


class AnyOrderRanking(_Strict):
    """Declared uncertainty in ``ranking``: items (states or tie groups) whose relative
    order is unknown; they keep their place as a block among the other items."""

    any_order: list[RankingItem]
    note: StrictStr | None = None


RankingOrGroup = Annotated[
    StrictStr | StrictInt | Evidence | list[RankingEntry] | AnyOrderRanking,
    Field(union_mode="left_to_right"),
    BeforeValidator(_bool_as_text),
]


#: The attitude symbols of ``attitudes:`` (Inohara, Hipel & Walker 2007): what each is read
#: as. Words and the numbers 1, 0 and -1 are accepted for the symbols.
ATTITUDE_SYMBOLS = {"+": "+", "0": "0", "-": "-", "positive": "+", "neutral": "0",
                    "negative": "-", "1": "+", "+1": "+", "-1": "-"}


def _attitude(value: object) -> object:
    """Read an attitude symbol: ``+``, ``0`` or ``-`` (or positive, neutral, negative; the
    numbers 1, 0, -1). Anything else is refused with a message saying what to write; a
    mapping passes through (the long form with evidence)."""
    hint = ("write '+' (positive), '0' (neutral) or '-' (negative), in quotes: YAML reads a "
            "bare - as the start of a list")
    if isinstance(value, bool):
        raise PydanticCustomError(
            ERROR_TYPE, "an attitude is +, 0 or -, not {value}",
            {"value": "true" if value else "false", "hint": hint})
    if isinstance(value, int | float):
        value = str(int(value)) if float(value).is_integer() else str(value)
    if isinstance(value, str):
        symbol = ATTITUDE_SYMBOLS.get(value.strip().lower())
        if symbol is None:
            raise PydanticCustomError(
                ERROR_TYPE, "'{value}' is not an attitude: an attitude is +, 0 or -",
                {"value": value[:40], "hint": hint})
        return symbol
    return value


AttitudeSymbol = Annotated[
    StrictStr,
    BeforeValidator(_attitude),
    WithJsonSchema({"enum": ["+", "0", "-", "positive", "neutral", "negative", 1, 0, -1,
                             "+1", "-1", "1"],
                    "description": "An attitude: + (positive), 0 (neutral), - (negative)."}),
]


class Attitude(_Strict):
    """An attitude written long-hand, with the evidence for it (as a statement's)."""

    attitude: AttitudeSymbol
    source: StrictStr | None = None
    quote: StrictStr | None = None
    assumption: StrictStr | None = None
    note: StrictStr | None = None


AttitudeEntry = Annotated[
    AttitudeSymbol | Attitude, Field(union_mode="left_to_right"), BeforeValidator(_attitude)
]
#: ``attitudes:``: for each decision maker, its attitude toward decision makers (itself
#: included); entries left out take the default (docs/structure.md).
Attitudes = dict[StrictStr, dict[StrictStr, AttitudeEntry]]


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
    """One decision maker's preferences: exactly one of the three GMCR II forms.

    Weights are finite numbers between -:data:`MAX_WEIGHT` and :data:`MAX_WEIGHT`.
    """

    prioritize: list[PrioritizeItem] | None = None
    weights: dict[StrictStr, WeightOrRange] | list[Evidence] | None = None
    ranking: list[RankingOrGroup] | None = None
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


class Perception(_Strict):
    """How one decision maker perceives the conflict (a first-level hypergame,
    docs/hypergames.md): options it does not know exist, states it does not recognise, and
    the preferences it attributes to other decision makers (each in one of the three
    preference forms; a decision maker left out is believed to have its preferences as
    written)."""

    description: StrictStr | None = None
    source: StrictStr | None = None
    quote: StrictStr | None = None
    assumption: StrictStr | None = None
    note: StrictStr | None = None
    unknown_options: list[StrictStr] = Field(
        [], description="Options (of any decision maker) this decision maker does not know "
        "exist; states where one of them is taken are outside the game it perceives.")
    unrecognised_states: list[Statement] = Field(
        [], description="Statements naming states this decision maker does not recognise.")
    preferences: dict[StrictStr, Preference] = Field(
        {}, description="Preferences it attributes to other decision makers.")


class FutureOption(_Strict):
    """One option value of a future written long-hand, with the evidence for it."""

    taken: StrictBool = Field(description="true: the option is taken in this future; "
                              "false: it is not.")
    source: StrictStr | None = None
    quote: StrictStr | None = None
    assumption: StrictStr | None = None
    note: StrictStr | None = None


FutureValue = Annotated[StrictBool | FutureOption, Field(union_mode="left_to_right")]


class Future(_Strict):
    """A future of the card table (docs/confrontation.md): values for some options, as
    option -> taken (true) or not taken (false); options not listed are open."""

    description: StrictStr | None = None
    source: StrictStr | None = None
    quote: StrictStr | None = None
    assumption: StrictStr | None = None
    note: StrictStr | None = None
    options: dict[StrictStr, FutureValue] = Field(
        min_length=1, description="Option -> true (taken) or false (not taken), or the "
        "long form {taken: ..., source/quote or assumption}.")


class Confrontation(_Strict):
    """Drama theory's card table over the model's options (docs/confrontation.md): each
    party's position, the threatened future, optional stated intentions; analysed by
    'standoff dilemmas'."""

    description: StrictStr | None = None
    source: StrictStr | None = None
    quote: StrictStr | None = None
    assumption: StrictStr | None = None
    note: StrictStr | None = None
    reading: Literal["worst", "best", "all"] = Field(
        "worst", description="How a future that leaves options open is compared: by its "
        "worst state (worst), its best state (best), or every state (all).")
    positions: dict[StrictStr, Future] = Field(
        min_length=1, description="Per party (a decision maker id): the future it proposes.")
    threatened_future: Future = Field(
        description="What happens if no position is accepted.")
    stated_intentions: dict[StrictStr, Future] = Field(
        {}, description="Per party: what it says it will do (its own options) if its "
        "position is not accepted.")


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
    attitudes: Attitudes = Field(
        {}, description="Attitudes that replace the model's, entry by entry "
        "(docs/structure.md)."
    )
    perceptions: dict[StrictStr, Perception] = Field(
        {}, description="Perceptions replaced per decision maker (docs/hypergames.md).")
    confrontation: Confrontation | None = Field(
        None, description="A card table that replaces the model's as a whole "
        "(docs/confrontation.md).")


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
    attitudes: Attitudes = Field(
        {}, description="Each decision maker's attitude (+, 0, -) toward each decision maker, "
        "itself included, for the relational concepts (docs/structure.md)."
    )
    claims: dict[StrictStr, Claim] = Field(
        {}, description="Conclusions of the source, checked by 'standoff claims'."
    )
    variants: dict[StrictStr, Variant] = Field(
        {}, description="Named alternatives (preferences replaced, feasibility changed)."
    )
    perceptions: dict[StrictStr, Perception] = Field(
        {}, description="How each decision maker perceives the conflict: a first-level "
        "hypergame, analysed by 'standoff hypergame' (docs/hypergames.md).",
    )
    confrontation: Confrontation | None = Field(
        None, description="Drama theory's card table: positions, the threatened future and "
        "stated intentions, analysed by 'standoff dilemmas' (docs/confrontation.md).",
    )
    bargaining: dict[StrictStr, Any] | None = Field(
        None,
        description="Issues on a scale (actors, positions, saliences): validated by "
        "standoff.bargaining and used by 'forecast', 'zopa' and 'report' (docs/bargaining.md).",
    )
