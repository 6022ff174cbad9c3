"""Where a result came from: the provenance record every result of standoff carries.

A :class:`Provenance` says which solution concepts (or bargaining model) produced a result,
with which parameters, on which variant of which model, and with which standoff version.
It is frozen, and its :meth:`~Provenance.to_dict` is the ``provenance`` key of every JSON
document standoff writes for a result.

>>> p = Provenance(("nash", "seq"), {"moves": "ui"}, variant="base", title="Elmira")
>>> p.to_dict()["parameters"], p.to_dict()["variant"]
({'moves': 'ui'}, 'base')
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from standoff._version import __version__


def _frozen(value: Any) -> Any:
    """``value`` made immutable: lists and tuples as tuples, mappings read-only."""
    if isinstance(value, Mapping):
        return MappingProxyType({k: _frozen(v) for k, v in value.items()})
    if isinstance(value, list | tuple):
        return tuple(_frozen(v) for v in value)
    return value


def _plain(value: Any) -> Any:
    """``value`` as JSON data (tuples as lists, mappings as dicts)."""
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


@dataclass(frozen=True)
class Provenance:
    """How a result was computed.

    Attributes:
        concepts: the solution concept keys (catalogue keys, e.g. ``("nash", "seq")``), or
            the bargaining model's name.
        parameters: the other arguments that shaped the result (``moves``, ``start``,
            ``vary``...), read-only.
        variant: the model variant analysed (``base`` for the model as written), or None
            when the result does not come from a model file's variant.
        title: the model's title, if known.
        path: the model file, as the user named it, if known.
        version: the standoff version that computed the result.
    """

    concepts: tuple[str, ...]
    parameters: Mapping[str, Any] = field(default_factory=dict)
    variant: str | None = None
    title: str | None = None
    path: str | None = None
    version: str = __version__

    def __post_init__(self) -> None:
        object.__setattr__(self, "concepts", tuple(self.concepts))
        object.__setattr__(self, "parameters", _frozen(dict(self.parameters)))

    def to_dict(self) -> dict[str, Any]:
        """The ``provenance`` key of a result's JSON document."""
        return {
            "concepts": list(self.concepts),
            "parameters": _plain(self.parameters),
            "variant": self.variant,
            "model": {"title": self.title, "path": self.path},
            "standoff_version": self.version,
        }


def of_model(spec: Any, concepts: Iterable[str], **parameters: Any) -> Provenance:
    """The provenance of a result computed on the model ``spec`` (a
    :class:`~standoff.model.loader.ModelSpec`: its title, file and variant are read)."""
    return Provenance(tuple(concepts), parameters, variant=getattr(spec, "variant", None),
                      title=getattr(spec, "title", None), path=getattr(spec, "file", None))
