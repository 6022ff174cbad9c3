"""Solution concepts of the Graph Model for Conflict Resolution, one module each.

Every concept of the catalogue (:mod:`standoff.concepts`) but the coalition ones is a
function ``(conflict, dm) -> bool array over states`` (:func:`kernel`); they share the
reachability kernel in :mod:`standoff.stability.reachability`. Nash, GMR, SMR and SEQ are
also functions of plain data, ``(moves, ranks, dm)`` (:func:`rank_kernel`), where ``ranks``
may hold a batch of preference profiles over the same moves: analyses that vary
preferences (inverse analysis, robustness sweeps) call these. The slow, literal reference
implementation used to test them lives in :mod:`standoff.reference`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from types import MappingProxyType

import numpy as np

from standoff.concepts import INVERSE, STABILITY, Concept, resolve
from standoff.graph.conflict import Conflict
from standoff.graph.moves import UnilateralMoves
from standoff.stability.gmr import gmr_kernel, gmr_stable
from standoff.stability.limited_move import limited_move_concept, nonmyopic_stable
from standoff.stability.nash import nash_kernel, nash_stable
from standoff.stability.relational import rgmr_stable, rnash_stable, rseq_stable, rsmr_stable
from standoff.stability.seq import seq_kernel, seq_stable
from standoff.stability.sim import sim_stable
from standoff.stability.smr import smr_kernel, smr_stable

Kernel = Callable[[Conflict, int], np.ndarray]
"""A concept's function: ``(conflict, dm) -> bool array over states``."""

# The kernel of every individual and non-myopic concept of the catalogue
# (:mod:`standoff.concepts`), by key; L(h) kernels are built by :func:`limited_move_concept`.
_KERNELS: Mapping[str, Kernel] = MappingProxyType({
    "nash": nash_stable,
    "gmr": gmr_stable,
    "smr": smr_stable,
    "seq": seq_stable,
    "sim": sim_stable,
    "nm": nonmyopic_stable,
    "rnash": rnash_stable,
    "rgmr": rgmr_stable,
    "rsmr": rsmr_stable,
    "rseq": rseq_stable,
})


def kernel(concept: str | Concept) -> Kernel:
    """The function computing ``concept`` (a key or record of :mod:`standoff.concepts`) for
    one decision maker: ``kernel("seq")(conflict, dm)`` is the bool array of states SEQ
    stable for ``dm``. Coalition concepts are computed by
    :func:`standoff.stability.coalition.coalition_stable`. Raises
    :class:`~standoff.concepts.UnknownConceptError` for any other concept.

    >>> kernel("nash") is nash_stable, kernel("L2").__name__
    (True, 'l2_stable')
    """
    record = resolve(concept, STABILITY)
    if record.horizon is not None:
        return limited_move_concept(record.horizon)
    return _KERNELS[record.key]


RankKernel = Callable[[Sequence[UnilateralMoves], np.ndarray, int], np.ndarray]
"""A concept over plain data: ``(moves, ranks, dm) -> bool array over states`` (one row
per profile when ``ranks`` has shape ``(batch, decision makers, states)``)."""

_RANK_KERNELS: Mapping[str, RankKernel] = MappingProxyType({
    "nash": nash_kernel,
    "gmr": gmr_kernel,
    "smr": smr_kernel,
    "seq": seq_kernel,
})


def rank_kernel(concept: str | Concept) -> RankKernel:
    """The function computing ``concept`` from the compiled moves and a rank array:
    ``rank_kernel("gmr")(conflict.moves, ranks, dm)``. Defined for the concepts that
    inverse analysis supports (:data:`standoff.concepts.INVERSE`: Nash, GMR, SMR, SEQ);
    raises :class:`~standoff.concepts.UnknownConceptError` for any other.

    >>> rank_kernel("seq") is seq_kernel
    True
    """
    return _RANK_KERNELS[resolve(concept, INVERSE).key]


__all__ = ["Kernel", "RankKernel", "gmr_kernel", "gmr_stable", "kernel", "nash_kernel",
           "nash_stable", "nonmyopic_stable", "rank_kernel", "seq_kernel", "seq_stable",
           "sim_stable", "smr_kernel", "smr_stable", "rgmr_stable", "rnash_stable",
           "rseq_stable", "rsmr_stable"]
