"""The long lists of the JSON documents (one entry per state) written as text, column by
column, without a Python dict per state.

``standoff states -f json`` and ``standoff analyze -f json`` list every state. Built as
nested dicts (one per state, one more per state for its options or ranks) and serialised
by :mod:`json` with indentation (which runs in pure Python), a million states of 20
options took about 4 GB and half a minute. Here each state's entry is one ``%`` template
filled from columns (ids and ranks from numpy arrays through ``tolist()``, patterns from
:meth:`~standoff.graph.conflict.Conflict.patterns`, and the option part of each entry from
lookup tables over a few options at a time, as :func:`standoff.cli.analysis.taken_texts`
does for CSV); the entries are joined once and spliced into the small rest of the document
(:func:`standoff.output.json_spliced`). The bytes are those :func:`standoff.output.json_text`
writes for the dict-built document (``Analysis.to_dict()``, the states rows), which the
tests check byte for byte.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

import numpy as np

from standoff.output import json_string, splice_token

if TYPE_CHECKING:
    from standoff.analysis.result import Analysis
    from standoff.graph.conflict import Conflict

#: Options per lookup table: 2**(2*6) = 4096 texts for the analysis's true/false/null
#: entries, 2**6 for the options taken.
_CHUNK = 6


def _literal(text: str) -> str:
    """``text`` as a literal part of a ``%`` template."""
    return text.replace("%", "%%")


#: States per block of text: a listing is held as text one block at a time (and whole
#: only as UTF-8 bytes, :func:`standoff.output.json_spliced_utf8`).
BLOCK = 1 << 16


def _option_tables(conflict: Conflict, entry: Callable[[str, int], str],
                   with_irrelevant: bool) -> list[np.ndarray]:
    """For each group of :data:`_CHUNK` options, the texts of its combinations: the
    concatenation over the group of ``entry(key, value)`` (value 0 not taken, 1 taken, 2
    irrelevant; an empty text leaves the option out), indexed by the group's taken bits and,
    ``with_irrelevant``, its irrelevant bits above them."""
    keys = conflict.option_keys
    tables = []
    for first in range(0, len(keys), _CHUNK):
        chunk = keys[first:first + _CHUNK]
        width = len(chunk)
        size = 1 << (2 * width if with_irrelevant else width)
        tables.append(np.array(["".join(
            entry(k, 2 if code >> (width + b) & 1 else code >> b & 1)
            for b, k in enumerate(chunk)) for code in range(size)], dtype=object))
    return tables


def _option_texts(conflict: Conflict, tables: list[np.ndarray], states: slice,
                  with_irrelevant: bool) -> list[str]:
    """For every state of ``states``, its text from each of :func:`_option_tables`'
    ``tables``, concatenated."""
    irrelevant = conflict.space.irrelevant[states]
    taken = conflict.space.patterns[states] & ~irrelevant
    text = np.full(taken.shape[0], "", dtype=object)
    for k, table in enumerate(tables):
        first = k * _CHUNK
        width = min(_CHUNK, len(conflict.option_keys) - first)
        mask = np.uint64((1 << width) - 1)
        codes = ((taken >> np.uint64(first)) & mask).astype(np.intp)
        if with_irrelevant:
            codes |= ((irrelevant >> np.uint64(first)) & mask).astype(np.intp) << width
        text += table[codes]
    return text.tolist()


def _listing(conflict: Conflict, entries: Callable[[int], Callable[[slice], list[str]]]
             ) -> Callable[[int], Iterator[str]]:
    """A JSON list of one entry per state of ``conflict``: ``entries(indent)`` gives the
    writer of the entries of a block of states at the items' indentation. Given the
    indentation of the line that holds the list, it yields the text a block of
    :data:`BLOCK` states at a time (``[]`` when empty)."""

    def write(indent: int) -> Iterator[str]:
        m = conflict.state_count
        if not m:
            yield "[]"
            return
        block_entries = entries(indent + 2)
        yield "[\n"
        for start in range(0, m, BLOCK):
            block = ",\n".join(block_entries(slice(start, min(start + BLOCK, m))))
            yield block if not start else ",\n" + block
        yield "\n" + " " * indent + "]"

    return write


def int_list(values: Callable[[], list[int]]) -> Callable[[int], Iterator[str]]:
    """A JSON list of integers, one per line, as :func:`standoff.output.json_text` writes
    it at that indentation (``values`` is called only when the text is written)."""

    def write(indent: int) -> Iterator[str]:
        items = values()
        if not items:
            yield "[]"
            return
        pad = " " * (indent + 2)
        yield "[\n" + pad + (",\n" + pad).join(map(str, items)) + "\n" + " " * indent + "]"

    return write


def _states_template(conflict: Conflict, indent: int) -> str:
    """The ``%`` template of one entry of :func:`states_listing`: id, pattern, options
    taken, then each decision maker's rank."""
    p, q = " " * indent, " " * (indent + 2)
    dms = conflict.dm_ids
    if dms:
        rank = ("{\n" + ",\n".join(q + "  " + _literal(json_string(d)) + ": %d" for d in dms)
                + "\n" + q + "}")
    else:
        rank = "{}"
    return (p + "{\n" + q + '"id": %d,\n' + q + '"pattern": "%s",\n' + q
            + '"taken": %s,\n' + q + '"rank": ' + rank + "\n" + p + "}")


def _analysis_template(indent: int) -> str:
    """The ``%`` template of one entry of :func:`analysis_states_listing`: id, pattern,
    options."""
    p, q = " " * indent, " " * (indent + 2)
    return (p + "{\n" + q + '"id": %d,\n' + q + '"pattern": "%s",\n' + q
            + '"options": %s\n' + p + "}")


def states_listing(conflict: Conflict) -> Callable[[int], Iterator[str]]:
    """The ``states`` list of ``standoff states -f json``: per state ``id``, ``pattern``,
    ``taken`` (the keys of the options taken) and ``rank`` (each decision maker's rank)."""

    def entries(indent: int) -> Callable[[slice], list[str]]:
        q = " " * (indent + 2)
        sep = ",\n" + q + "  "
        closing = "\n" + q + "]"
        tables = _option_tables(conflict, lambda k, v: sep + json_string(k) if v == 1 else "",
                                with_irrelevant=False)
        template = _states_template(conflict, indent)

        def block(states: slice) -> list[str]:
            takens = ["[" + t[1:] + closing if t else "[]" for t in
                      _option_texts(conflict, tables, states, with_irrelevant=False)]
            return list(map(template.__mod__, zip(
                range(states.start + 1, states.stop + 1),
                conflict.patterns(np.arange(states.start, states.stop)), takens,
                *conflict.ranks[:, states].tolist(), strict=True)))

        return block

    return _listing(conflict, entries)


def analysis_states_listing(conflict: Conflict) -> Callable[[int], Iterator[str]]:
    """The ``states`` list of the ``standoff-analysis/1`` document: per state ``id``,
    ``pattern`` and ``options`` (each option true, false, or null where irrelevant)."""

    def entries(indent: int) -> Callable[[slice], list[str]]:
        q = " " * (indent + 2)
        sep = ",\n" + q + "  "
        values = ("false", "true", "null")
        closing = "\n" + q + "}"
        tables = _option_tables(
            conflict, lambda k, v: sep + json_string(k) + ": " + values[v],
            with_irrelevant=True)
        template = _analysis_template(indent)

        def block(states: slice) -> list[str]:
            if tables:
                options = ["{" + t[1:] + closing for t in
                           _option_texts(conflict, tables, states, with_irrelevant=True)]
            else:
                options = ["{}"] * (states.stop - states.start)
            return list(map(template.__mod__, zip(
                range(states.start + 1, states.stop + 1),
                conflict.patterns(np.arange(states.start, states.stop)), options,
                strict=True)))

        return block

    return _listing(conflict, entries)


def analysis_json_parts(result: Analysis) -> tuple[dict, dict[str, Callable[[int], Iterator[str]]]]:
    """The :meth:`~standoff.analysis.result.Analysis.to_dict` document of ``result`` with
    its long lists (the states, the stable states, the equilibria) left as placeholders, and
    the writers of their JSON text, for :func:`standoff.output.json_spliced`: the same bytes
    as ``json_text(result.to_dict())`` without a Python object per state."""
    c = result.conflict
    parts: dict[str, Callable[[int], Iterator[str]]] = {}

    def place(write: Callable[[int], Iterator[str]]) -> str:
        token = splice_token()
        parts[token] = write
        return token

    def ids(mask: np.ndarray) -> Callable[[], list[int]]:
        return lambda: (np.flatnonzero(mask) + 1).tolist()

    stability = {concept: {dm: place(int_list(ids(result.stable[concept][i])))
                           for i, dm in enumerate(c.dm_ids)}
                 for concept in result.concepts}
    equilibria = {concept: place(int_list(ids(result.equilibrium_mask(concept))))
                  for concept in result.concepts}
    return result.document(place(analysis_states_listing(c)), stability, equilibria), parts


# -- the size of the text, before it is written -------------------------------------------


def _utf8(text: str) -> int:
    return len(text.encode("utf-8", "surrogatepass"))


def _fixed_bytes(template: str) -> int:
    """UTF-8 bytes of a template without its ``%d``/``%s`` fields, with the ``,\\n`` that
    follows an entry."""
    return _utf8(template.replace("%d", "").replace("%s", "")) + 2


def _digit_total(m: int) -> int:
    """Characters of the numbers 1 to ``m`` written in decimal."""
    total, low = 0, 1
    while low <= m:
        total += m - low + 1
        low *= 10
    return total


def _bit_counts(bits: np.ndarray, width: int) -> list[int]:
    """For each of the ``width`` low bits, the number of values that have it set."""
    return [int(np.count_nonzero(bits & np.uint64(1 << b))) for b in range(width)]


def _pattern_bytes(conflict: Conflict) -> int:
    """UTF-8 bytes of every pattern: a letter a byte, ``–`` (irrelevant) three."""
    width = len(conflict.option_keys)
    return (conflict.state_count * width
            + 2 * sum(_bit_counts(conflict.space.irrelevant, width)))


def states_listing_bytes(conflict: Conflict, indent: int = 4) -> int:
    """An upper bound, close, of the UTF-8 bytes of :func:`states_listing` at ``indent``
    (the items' indentation is ``indent``), from the columns: the fixed text of each entry,
    the digits of the ids, the patterns, each option's key times the states that take it,
    and each decision maker's rank at the width of the widest."""
    m = conflict.state_count
    q = " " * (indent + 2)
    space = conflict.space
    taken = _bit_counts(space.patterns & ~space.irrelevant, len(conflict.option_keys))
    keys = sum(count * (3 + len(q) + 2 + _utf8(json_string(k)))
               for count, k in zip(taken, conflict.option_keys, strict=True))
    ranks = sum(m * len(str(int(abs(row).max(initial=0)))) + int(np.count_nonzero(row < 0))
                for row in conflict.ranks)
    return (m * (_fixed_bytes(_states_template(conflict, indent)) + 2 + len(q) + 1)
            + _digit_total(m) + _pattern_bytes(conflict) + keys + ranks + indent + 16)


def analysis_listing_bytes(conflict: Conflict, lists: int, indent: int = 4) -> int:
    """An upper bound of the UTF-8 bytes of the long lists of an analysis document: the
    states (:func:`analysis_states_listing` at ``indent``; each option's key and ``false``
    for every state) and ``lists`` lists of state ids (stable states, equilibria) as if
    every state were in each, their items indented by ``indent + 4``."""
    m = conflict.state_count
    q = " " * (indent + 2)
    options = m * sum(3 + len(q) + 2 + _utf8(json_string(k)) + 2 + 5
                      for k in conflict.option_keys)
    states = (m * (_fixed_bytes(_analysis_template(indent)) + 2 + len(q) + 1)
              + _digit_total(m) + _pattern_bytes(conflict) + options + indent + 16)
    return states + lists * (m * (indent + 4 + 2) + _digit_total(m) + indent + 16)
