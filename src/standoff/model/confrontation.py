"""The ``confrontation:`` section of a model file: positions, the threatened future and
stated intentions over the model's options (drama theory's card table; docs/confrontation.md).

In the file::

    confrontation:
      reading: worst                 # how a future that leaves options open is judged
      positions:                     # per party (a decision maker id): the future it proposes
        russia:
          source: commentary         # evidence of the whole entry (optional)
          quote: "..."
          options:                   # option -> taken (true) / not taken (false)
            us.withdraw: true
            ukraine.strike:          # the long form, with evidence for this one value
              taken: false
              assumption: Why the modeller thinks so
      threatened_future:             # what happens if no position is accepted
        options: {russia.escalate: true, ukraine.accept: false}
      stated_intentions:             # optional: what a party says it will do if its
        russia:                      # position is not accepted (its own options only)
          options: {russia.escalate: true}

Options not listed in a future are *open*: the future is the set of feasible states that
agree with every listed value. The threatened future the analysis uses is
``threatened_future`` together with every party's stated intentions (a stated intention
that contradicts the threatened future is refused).

This module holds what the loader produces (:class:`ConfrontationSpec`) and the reader
that resolves names and reports located errors; what the card table *means* (dilemmas,
acceptability) is :mod:`standoff.analysis.dilemmas`. A variant's ``confrontation:``
replaces the model's as a whole.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from standoff.errors import ModelError

DocPath = tuple[str | int, ...]

#: The dilemmas standoff computes, in the order they are reported (docs/confrontation.md).
DILEMMA_NAMES = ("threat", "deterrence", "positioning", "inducement", "trust", "rejection")

#: How a future that leaves options open is compared with another (docs/confrontation.md):
#: ``worst``: by the worst state each leaves possible; ``best``: by the best; ``all``: every
#: state of the one is preferred to every state of the other.
READINGS = ("worst", "best", "all")


@dataclass(frozen=True)
class OptionValue:
    """One value of a future: option ``option`` (index) is taken (``taken``) or not."""

    option: int
    taken: bool
    evidence: Any  # standoff.model.loader.Evidence or None
    path: DocPath


@dataclass(frozen=True)
class FutureSpec:
    """A future: values for some options (the others open).

    ``party`` is the decision maker index whose position or stated intention this is
    (None for the threatened future); ``kind`` is ``position``, ``threatened future`` or
    ``stated intention``.
    """

    kind: str
    party: int | None
    values: tuple[OptionValue, ...]
    evidence: Any
    description: str | None
    path: DocPath

    def fixed(self) -> dict[int, bool]:
        """Option index -> taken, for every option this future fixes."""
        return {v.option: v.taken for v in self.values}


@dataclass(frozen=True)
class ConfrontationSpec:
    """A card table: the parties' positions, the threatened future, stated intentions.

    ``variant`` is ``base`` for the model's own section, else the variant's name.
    ``threatened`` is the threatened future as written; :meth:`threat` adds the stated
    intentions to it.
    """

    variant: str
    positions: tuple[FutureSpec, ...]
    threatened: FutureSpec
    intentions: tuple[FutureSpec, ...]
    reading: str
    evidence: Any
    description: str | None
    path: DocPath

    @property
    def parties(self) -> tuple[int, ...]:
        """The decision makers (indices) that state a position, in the order written."""
        return tuple(p.party for p in self.positions if p.party is not None)

    def position(self, party: int) -> FutureSpec | None:
        """The position of decision maker ``party`` (index), or None."""
        for p in self.positions:
            if p.party == party:
                return p
        return None

    def threat(self) -> dict[int, bool]:
        """The threatened future the analysis uses: as written plus stated intentions."""
        out = self.threatened.fixed()
        for intention in self.intentions:
            out.update(intention.fixed())
        return out


ErrorAt = Callable[[DocPath, str, str | None], ModelError]
Resolve = Callable[[str, DocPath], int]


def read_confrontation(
    section: Any, variant: str, path: DocPath, dm_ids: Sequence[str],
    owners: Sequence[int], option_keys: Sequence[str], resolve: Resolve, error: ErrorAt,
    evidence: Callable[[Any, DocPath], Any],
) -> ConfrontationSpec:
    """Resolve a validated ``confrontation:`` section (:class:`standoff.model.schema.
    Confrontation`): decision maker ids, option names (``resolve`` raises a located error
    for an unknown one), values given twice or both ways, stated intentions over other
    parties' options or against the threatened future. ``owners[k]`` is the decision maker
    index of option ``k``; ``evidence(item, path)`` checks an entry's evidence."""
    known = ", ".join(dm_ids)

    def party(dm_id: str, ppath: DocPath) -> int:
        if dm_id not in dm_ids:
            raise error(ppath, f"unknown decision maker '{dm_id}'",
                        f"use an id from 'decision_makers:' ({known})")
        return list(dm_ids).index(dm_id)

    def future(item: Any, kind: str, who: int | None, fpath: DocPath) -> FutureSpec:
        values: list[OptionValue] = []
        seen: dict[int, tuple[str, bool]] = {}
        for name, raw in item.options.items():
            vpath: DocPath = (*fpath, "options", name)
            index = resolve(name, vpath)
            if isinstance(raw, bool):
                taken, ev = raw, None
            else:
                taken, ev = raw.taken, evidence(raw, vpath)
            if index in seen:
                first, before = seen[index]
                key = option_keys[index]
                if before != taken:
                    raise error(vpath, f"this {kind} fixes option {key} to both values "
                                f"(taken as '{first if before else name}', not taken as "
                                f"'{name if before else first}')",
                                "a future either takes an option or not: keep one of the "
                                "two entries")
                raise error(vpath, f"this {kind} lists option {key} twice (as '{first}' and "
                            f"'{name}')", "list each option once")
            seen[index] = (name, taken)
            if kind == "stated intention" and who is not None and owners[index] != who:
                raise error(vpath, f"a stated intention of '{dm_ids[who]}' fixes option "
                            f"{option_keys[index]}, which belongs to "
                            f"'{dm_ids[owners[index]]}'",
                            f"list only options of '{dm_ids[who]}' here (what it says it "
                            "will do); what the others will do belongs in "
                            "'threatened_future:'")
            values.append(OptionValue(index, taken, ev, vpath))
        return FutureSpec(kind, who, tuple(values), evidence(item, fpath), item.description,
                          fpath)

    positions = tuple(
        future(item, "position", party(dm_id, (*path, "positions", dm_id)),
               (*path, "positions", dm_id))
        for dm_id, item in section.positions.items())
    threatened = future(section.threatened_future, "threatened future", None,
                        (*path, "threatened_future"))
    intentions = []
    written = threatened.fixed()
    for dm_id, item in section.stated_intentions.items():
        ipath: DocPath = (*path, "stated_intentions", dm_id)
        spec = future(item, "stated intention", party(dm_id, ipath), ipath)
        for v in spec.values:
            if v.option in written and written[v.option] != v.taken:
                word = "taken" if v.taken else "not taken"
                other = "taken" if written[v.option] else "not taken"
                raise error(v.path, f"'{dm_id}' states it will leave option "
                            f"{option_keys[v.option]} {word}, but the threatened future has "
                            f"it {other}",
                            "the threatened future is what the parties' stated intentions "
                            "add up to: make the two agree, or leave the option open in "
                            "'threatened_future:'")
        intentions.append(spec)
    return ConfrontationSpec(variant, positions, threatened, tuple(intentions),
                             section.reading, evidence(section, path), section.description,
                             path)
