"""The state graph picture of a report: :func:`standoff.analysis.plot.plot` (see
:mod:`standoff.graph.picture` for what it draws), kept under its old name for the report
and the ``report`` command."""

from __future__ import annotations

from standoff.analysis.plot import plot
from standoff.analysis.result import Analysis
from standoff.graph.picture import MAX_NODES
from standoff.graph.picture import StateGraphPicture as GraphPicture

__all__ = ["MAX_NODES", "GraphPicture", "state_graph_svg"]


def state_graph_svg(analysis: Analysis, limit: int = MAX_NODES,
                    title: str | None = None) -> GraphPicture:
    """Draw the state graph of an analysed conflict (equilibria, improvements, paths)."""
    return plot(analysis, limit=limit, title=title)
