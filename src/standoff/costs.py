"""What an analysis may spend: the machine's memory budget, readable byte counts, and the one
check that refuses, before anything is allocated, work that would not fit or not finish
(used by the graph model's compiler, its analyses and the bargaining models alike)."""

from __future__ import annotations

import os

from standoff.errors import CapacityError

#: The largest state space a model may have unless the caller allows more (``max_states``):
#: 2^22 states. Kept here, beside the other limits, so the package facade can name it
#: without importing the compiler (and numpy).
DEFAULT_MAX_STATES = 1 << 22


def memory_budget() -> int:
    """Bytes a model may use: 80% of the machine's physical memory (8 GiB if unknown)."""
    try:
        total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        total = 10 * 2**30
    return int(total * 0.8)


def format_bytes(n: float) -> str:
    """A byte count for people: ``512.0 MiB``, ``3.2 GiB``, ``1.5e+06 TiB``."""
    for unit in ("B", "KiB", "MiB", "GiB"):
        if n < 1024:
            return f"{n:.1f} {unit}" if unit != "B" else f"{int(n)} B"
        n /= 1024
    return f"{n:,.1f} TiB" if n < 1e6 else f"{n:.1e} TiB"


def _count(n: float) -> str:
    """A large count for people: ``2,500,000`` up to a billion, ``3.4e+12`` beyond."""
    return f"{n:,.0f}" if n < 1e9 else f"{n:.1e}"


def check_cost(
    what: str,
    *,
    memory: float = 0,
    work: float = 0,
    work_limit: float | None = None,
    unit: str = "steps",
    file: str | None = None,
    hint: str,
) -> None:
    """Refuse a computation, before it starts, whose estimated cost is too large.

    ``what`` names the computation ("L(1000) for 1,048,576 states"); ``memory`` is its
    estimated peak in bytes, compared with :func:`memory_budget`; ``work`` its estimated
    count of ``unit`` (e.g. "state visits in Python"), compared with ``work_limit``. Raises
    :class:`CapacityError` (exit code 2 on the command line) with the estimate, the limit
    and ``hint`` (how to fix it). Every analysis that can grow beyond the machine calls
    this one check, so refusals read alike.
    """
    budget = memory_budget()
    if memory > budget:
        raise CapacityError(
            f"{what} would need about {format_bytes(memory)}, more than the "
            f"{format_bytes(budget)} this machine can give (80% of its memory)",
            file=file, hint=hint,
        )
    if work_limit is not None and work > work_limit:
        raise CapacityError(
            f"{what} would take about {_count(work)} {unit}, over the limit of "
            f"{_count(work_limit)}", file=file, hint=hint,
        )


