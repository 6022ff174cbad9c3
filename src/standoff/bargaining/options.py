"""Named model options: frozen dataclasses parsed from ``NAME=VALUE`` strings."""

from __future__ import annotations

import dataclasses
import typing
from typing import Any, TypeVar

from standoff.errors import ModelError

T = TypeVar("T")


def parse_options(cls: type[T], given: dict[str, Any], model: str) -> T:
    """Build ``cls`` (a frozen dataclass) from ``given``; values may be strings.

    ``Literal`` fields accept only their listed values; numbers are converted; unknown
    names and bad values raise :class:`ModelError` naming the choices.
    """
    hints = typing.get_type_hints(cls)
    names = {f.name for f in dataclasses.fields(cls)}  # type: ignore[arg-type]
    values: dict[str, Any] = {}
    for key, raw in given.items():
        name = key.replace("-", "_")
        if name not in names:
            raise ModelError(f"unknown option '{key}' for the {model} model",
                             hint="options: " + ", ".join(sorted(names)))
        tp = hints[name]
        args = typing.get_args(tp)
        if typing.get_origin(tp) is typing.Literal:
            if raw not in args:
                raise ModelError(f"option {key}={raw!r} is not one of {', '.join(map(str, args))}",
                                 hint=f"choose a value for {key} from the list")
            values[name] = raw
            continue
        base = next((a for a in args if a is not type(None)), tp) if args else tp
        try:
            if base is bool and isinstance(raw, str):
                values[name] = raw.lower() in ("1", "true", "yes", "on")
            else:
                values[name] = base(raw)
        except (TypeError, ValueError):
            raise ModelError(f"option {key}={raw!r} must be a {base.__name__}",
                             hint="give a number") from None
    return cls(**values)


def describe(options: Any) -> dict[str, Any]:
    """The options as a plain dict (for JSON output and provenance)."""
    return dataclasses.asdict(options)
