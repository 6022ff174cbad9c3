"""The state graph with its verdicts as data: node attributes, the size check, networkx.

One source for every view of the state graph with verdicts: the GraphML and DOT export
(:mod:`standoff.analysis.export`), ``Analysis.to_networkx()`` and the picture's
``to_networkx()`` (:mod:`standoff.analysis.plot`). Node attributes: those of every state
(:func:`standoff.graph.picture.state_attributes`: ``state``, ``pattern``, ``taken``,
``status_quo``, ``rank_DM``), then for every concept computed ``CONCEPT_DM`` (stable for
that decision maker) and ``CONCEPT_equilibrium``. Edge attributes: ``mover`` and
``improvement``.

The analysis is taken by its interface (:class:`Verdicts`), so that this module need not
import :mod:`standoff.analysis.result`, which uses it.
"""

from __future__ import annotations

from typing import Any, Protocol

import numpy as np

from standoff.concepts import label as concept_label
from standoff.errors import CapacityError
from standoff.graph.picture import (
    networkx_graph,
    state_attribute_names,
    state_attributes,
    state_moves,
)

#: Most moves written to a GraphML or DOT file or a networkx graph (a picture of more is
#: unreadable and the file would be hundreds of megabytes); the CSV has no edges and no
#: such limit.
MAX_EXPORT_MOVES = 1_000_000


class Verdicts(Protocol):
    """What these functions need of an :class:`~standoff.analysis.result.Analysis`."""

    @property
    def conflict(self) -> Any: ...

    @property
    def concepts(self) -> tuple[str, ...]: ...

    @property
    def stable(self) -> Any: ...

    def equilibrium_mask(self, concept: str) -> np.ndarray: ...


def check_moves(result: Verdicts, what: str) -> None:
    """A :class:`CapacityError` when the graph has more than :data:`MAX_EXPORT_MOVES`."""
    count = result.conflict.move_count()
    if count > MAX_EXPORT_MOVES:
        raise CapacityError(
            f"the state graph has {count:,} moves, more than the {MAX_EXPORT_MOVES:,} a "
            f"{what} export writes",
            file=result.conflict.spec.file,
            hint="export the verdicts as CSV (--format csv), which has one row per state, "
            "decision maker and concept and no edges",
        )


def attribute_names(result: Verdicts) -> list[tuple[str, str, str]]:
    """``(name, GraphML type, description)`` of every node attribute, in order."""
    c = result.conflict
    names = state_attribute_names(c)
    for concept in result.concepts:
        label = concept_label(concept)
        names += [(f"{concept}_{dm}", "boolean", f"{label} stable for {dm}") for dm in c.dm_ids]
        names.append((f"{concept}_equilibrium", "boolean", f"{label} equilibrium"))
    return names


def node_values(result: Verdicts) -> list[dict[str, object]]:
    """The attributes of every state, as :func:`attribute_names` names them."""
    c = result.conflict
    equilibria = {k: result.equilibrium_mask(k) for k in result.concepts}
    rows = state_attributes(c)
    for s, row in enumerate(rows):
        for concept in result.concepts:
            for i, dm in enumerate(c.dm_ids):
                row[f"{concept}_{dm}"] = bool(result.stable[concept][i, s])
            row[f"{concept}_equilibrium"] = bool(equilibria[concept][s])
    return rows


def to_networkx(result: Verdicts) -> Any:
    """The state graph as a networkx ``DiGraph`` with the attributes of the GraphML export:
    nodes are the state numbers (1-based), edges carry ``mover`` and ``improvement``, the
    graph ``title`` and ``concepts``. Needs networkx (``pip install 'standoff[graph]'``);
    a :class:`CapacityError` beyond :data:`MAX_EXPORT_MOVES` moves."""
    check_moves(result, "networkx")
    c = result.conflict
    return networkx_graph({"title": c.title, "concepts": ",".join(result.concepts)},
                          node_values(result), state_moves(c), c.dm_ids)
