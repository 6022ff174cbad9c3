"""Attitudes between decision makers: the ``attitudes:`` section of a model file.

Inohara, Hipel & Walker (2007) J. Systems Science and Systems Engineering 16(2):181–201
give each decision maker *i* an attitude ``e_ij`` ∈ {+, 0, −} toward each decision maker
*j*, itself included (what could be read of the papers, and what could not, is listed in
docs/structure.md). In the file::

    attitudes:
      us:
        us: '+'          # positive toward itself
        russia: '0'      # neutral
        ukraine:         # the long form, with evidence
          attitude: '-'
          source: commentary
          quote: "..."

Symbols: ``+`` (positive: *i* wants what *j* wants), ``0`` (neutral: *j*'s preferences do
not matter to *i*), ``-`` (negative: *i* wants what *j* does not want); the words
positive, neutral, negative and the numbers 1, 0, -1 are read the same way. YAML reads a
bare ``-`` as a list, so the symbols are written in quotes.

**Default.** An entry left out takes the *discrete* attitudes of Inohara & Hipel (2009,
abstract): positive toward itself, neutral toward every other decision maker. Under them,
with strict preferences, the relational concepts coincide with Nash, GMR, SMR and SEQ
(Inohara & Hipel 2009, abstract), so a model without ``attitudes:`` means what it always
meant.

A variant's ``attitudes:`` replaces the entries it lists, one by one; the others stay as
in the model (or in the variant it extends).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from standoff.errors import ModelError

#: The value of each symbol in the attitude matrix.
VALUES = {"+": 1, "0": 0, "-": -1}
#: The symbol of each value, and its word.
SYMBOLS = {1: "+", 0: "0", -1: "-"}
WORDS = {1: "positive", 0: "neutral", -1: "negative"}

DocPath = tuple[str | int, ...]


@dataclass(frozen=True)
class AttitudeSpec:
    """One entry of ``attitudes:``: ``holder`` (index) has attitude ``value`` (+1, 0, -1)
    toward ``target`` (index); ``evidence`` is a :class:`standoff.model.loader.Evidence`
    or None; ``path`` locates the entry in the file."""

    holder: int
    target: int
    value: int
    evidence: Any
    path: DocPath


def default_matrix(n: int) -> np.ndarray:
    """The default attitudes of ``n`` decision makers: +1 toward itself, 0 toward the others
    (the discrete attitudes of Inohara & Hipel 2009)."""
    return np.eye(n, dtype=np.int8)


def attitude_matrix(n: int, entries: Sequence[AttitudeSpec]) -> np.ndarray:
    """The ``n`` × ``n`` matrix ``e[i, j]`` (+1, 0, -1): the default, then ``entries`` in
    order (a later entry for the same pair wins: variants come after the model). Read-only.
    """
    e = default_matrix(n)
    for a in entries:
        e[a.holder, a.target] = a.value
    e.setflags(write=False)
    return e


def read_attitudes(
    section: Mapping[str, Mapping[str, Any]],
    dm_ids: Sequence[str],
    prefix: DocPath,
    error: Callable[[DocPath, str, str | None], ModelError],
    evidence: Callable[[Any, DocPath], Any],
) -> tuple[AttitudeSpec, ...]:
    """Resolve an ``attitudes:`` section (already shape-checked: symbols are ``+``, ``0``,
    ``-`` or long-form entries) against the decision makers ``dm_ids``.

    ``prefix`` is the section's place in the file (``("attitudes",)`` or
    ``("variants", name, "attitudes")``); ``error(path, message, hint)`` builds a located
    error and ``evidence(item, path)`` checks a long-form entry's source and quote. Raises
    a located :class:`ModelError` for an attitude held by, or toward, a decision maker the
    model does not have.
    """
    known = ", ".join(dm_ids)
    out: list[AttitudeSpec] = []
    for holder, row in section.items():
        hpath: DocPath = (*prefix, holder)
        if holder not in dm_ids:
            raise error(hpath, f"attitudes of an unknown decision maker '{holder}'",
                        f"use an id from 'decision_makers:' ({known})")
        for target, entry in row.items():
            tpath: DocPath = (*hpath, target)
            if target not in dm_ids:
                raise error(tpath, f"attitude of '{holder}' toward an unknown decision maker "
                            f"'{target}'", f"use an id from 'decision_makers:' ({known})")
            if isinstance(entry, str):
                symbol, found = entry, None
            else:
                symbol, found = entry.attitude, evidence(entry, tpath)
            out.append(AttitudeSpec(dm_ids.index(holder), dm_ids.index(target),
                                    VALUES[symbol], found, tpath))
    return tuple(out)


def describe(e: np.ndarray, names: Sequence[str], i: int) -> str:
    """Decision maker ``i``'s attitudes in words, the others called by ``names``:
    ``"positive toward itself, negative toward Russia"`` (neutral attitudes toward others
    are left out; "neutral toward everyone, itself included" if all are neutral).

    >>> describe(np.array([[1, 0], [-1, 0]]), ["a", "b"], 1)
    'negative toward a, neutral toward itself'
    """
    parts = []
    for j, value in enumerate(e[i]):
        if value == 0 and j != i:
            continue
        toward = "itself" if j == i else names[j]
        parts.append(f"{WORDS[int(value)]} toward {toward}")
    if all(int(v) == 0 for v in e[i]):
        return "neutral toward everyone, itself included"
    return ", ".join(parts)


__all__ = ["SYMBOLS", "VALUES", "WORDS", "AttitudeSpec", "attitude_matrix", "default_matrix",
           "describe", "read_attitudes"]
