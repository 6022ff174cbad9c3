"""Named model options: frozen dataclasses parsed from ``NAME=VALUE`` strings."""

from __future__ import annotations

import dataclasses
import math
import typing
from typing import TYPE_CHECKING, Any, TypeVar

from standoff.errors import COMMAND_LINE, ModelError

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

T = TypeVar("T", bound="DataclassInstance")  # an options dataclass


def option_error(message: str, hint: str | None = None) -> ModelError:
    """A problem in a command-line option (``--set NAME=VALUE``, ``--rounds``, ``--model``)."""
    return ModelError(message, file=COMMAND_LINE, hint=hint)

def parse_settings(pairs: list[str] | tuple[str, ...] | None) -> dict[str, str]:
    """``NAME=VALUE`` strings (``standoff forecast --set``, the workbench's settings) as a
    dict of names to values (both stripped); a string without ``=`` raises a
    :class:`ModelError` (file ``--set``). The values are checked by the model they are
    given to (:func:`parse_options`)."""
    out: dict[str, str] = {}
    for p in pairs or ():
        if "=" not in p:
            raise ModelError(f"'{p}' does not set an option", file="--set",
                             hint="write NAME=VALUE, e.g. --set rounds=3")
        k, v = p.split("=", 1)
        out[k.strip()] = v.strip()
    return out


_TRUE = ("1", "true", "yes", "on")
_FALSE = ("0", "false", "no", "off")


def bounded(default: Any, low: float | None = None, high: float | None = None) -> Any:
    """A dataclass field whose value must lie in ``[low, high]`` (either end optional)."""
    return dataclasses.field(default=default, metadata={"range": (low, high)})


def _range_text(low: float | None, high: float | None) -> str:
    if high is None:
        return f"at least {low:g}"
    if low is None:
        return f"at most {high:g}"
    return f"between {low:g} and {high:g}"


def parse_options(cls: type[T], given: dict[str, Any], model: str) -> T:
    """Build ``cls`` (a frozen dataclass) from ``given``; values may be strings.

    ``Literal`` fields accept only their listed values; numbers are converted; unknown
    names and bad values raise :class:`ModelError` naming the choices.
    """
    hints = typing.get_type_hints(cls)
    names = {f.name for f in dataclasses.fields(cls)}
    values: dict[str, Any] = {}
    for key, raw in given.items():
        name = key.replace("-", "_")
        if name not in names:
            raise option_error(f"unknown option '{key}' for the {model} model",
                             hint="options: " + ", ".join(sorted(names)))
        tp = hints[name]
        args = typing.get_args(tp)
        if typing.get_origin(tp) is typing.Literal:
            if raw not in args:
                choices = ", ".join(map(str, args))
                raise option_error(f"option {key}={raw!r} is not one of {choices}",
                                 hint=f"choose a value for {key} from the list")
            values[name] = raw
            continue
        base = next((a for a in args if a is not type(None)), tp) if args else tp
        if base is bool:
            values[name] = _boolean(key, raw)
            continue
        try:
            value = base(raw)
        except (TypeError, ValueError, OverflowError):
            kind = "a whole number" if base is int else "a number"
            raise option_error(f"option {key}={raw!r} must be {kind}",
                             hint=f"e.g. --set {key}={_example(cls, name)}") from None
        if isinstance(value, float) and not math.isfinite(value):
            raise option_error(f"option {key}={raw!r} must be a finite number",
                             hint=f"e.g. --set {key}={_example(cls, name)}")
        values[name] = value
    fields = {f.name: f for f in dataclasses.fields(cls)}
    for name, value in values.items():
        low, high = fields[name].metadata.get("range", (None, None))
        if (low is not None and value < low) or (high is not None and value > high):
            raise option_error(
                f"option {name}={value!r} is out of range: it must be {_range_text(low, high)}",
                hint=f"the default is {name}={fields[name].default!r}",
            )
    return cls(**values)


def _boolean(key: str, raw: Any) -> bool:
    if isinstance(raw, bool):
        return raw
    text = str(raw).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise option_error(f"option {key}={raw!r} must be true or false",
                     hint=f"e.g. --set {key}=false")


def _example(cls: type, name: str) -> Any:
    fields = {f.name: f for f in dataclasses.fields(cls)}
    return fields[name].default


def describe(options: Any) -> dict[str, Any]:
    """The options as a plain dict (for JSON output and provenance)."""
    return dataclasses.asdict(options)
