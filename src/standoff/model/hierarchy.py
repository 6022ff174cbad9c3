"""Hierarchical models: local conflicts sharing common decision makers, read as one product model.

A *hierarchical graph model* (He, Kilgour & Hipel, INFOR 51(3), 2013; He, Hipel & Kilgour,
Water Resources Management 28, 2014; He's Waterloo thesis "Hierarchical Graph Models for
Conflict Resolution", 2015) has one or more *common decision makers* (CDMs) who take part in
two or more *local conflicts*, each with its own *local decision makers* (LDMs); a state of
the overall model combines one state of every local conflict, and a common decision maker's
preferences are over these combined states. What of those papers could be read, and what is
a reconstruction, is listed in docs/hierarchy.md.

This module works on the parsed document only (it never reads files and never builds a
:class:`~standoff.model.loader.ModelSpec`): :func:`local_documents` cuts every local conflict
out as a document of its own (the loader validates it as an ordinary model, so every error
is placed where it is written), and :func:`flat_document` writes the overall model as one
ordinary option-form document, the explicit product, with a :class:`Locations` that points
each of its values back to where it is written in the hierarchical file. The format is
described in docs/hierarchy.md::

    common_decision_makers:
      us: {name: US administration, local_conflicts: [war, domestic]}
    common_moves: one_local_conflict        # or several_local_conflicts
    local_conflicts:
      war: {decision_makers: ..., feasibility: ..., preferences: ..., status_quo: ...}
      domestic: {...}
    overall_preferences:                    # each common decision maker's, over combined states
      us: {prioritize: [...]}
    attitudes: {...}                        # optional, between any decision makers of the
                                            #   overall model (standoff.model.attitudes)
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from standoff.errors import ModelError
from standoff.model.yamlio import Locations

DocPath = tuple[str | int, ...]

#: The keys a hierarchical model may have at its top level.
TOP_KEYS = ("format", "title", "description", "view", "sources", "common_decision_makers",
            "common_moves", "local_conflicts", "overall_preferences", "attitudes", "claims")
#: The keys of one local conflict.
LOCAL_KEYS = ("title", "description", "decision_makers", "feasibility", "preferences",
              "status_quo")
#: How a common decision maker may move in the overall model.
COMMON_MOVES = ("one_local_conflict", "several_local_conflicts")
_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_-]*")
_FEASIBILITY_LISTS = ("exactly_one", "at_most_one", "at_least_one", "infeasible")


@dataclass(frozen=True)
class LocalConflict:
    """One local conflict: its name, title, decision makers and option keys (``dm.option``)
    in the order of its own file section; ``spec`` is its validated model (a ModelSpec)."""

    name: str
    title: str
    dm_ids: tuple[str, ...]
    option_keys: tuple[str, ...]
    spec: Any


@dataclass(frozen=True)
class Hierarchy:
    """The hierarchical structure kept with the overall (flat) model in
    ``ModelSpec.extra["hierarchy"]``.

    Attributes:
        local_conflicts: the local conflicts, in file order.
        common: the ids of the common decision makers.
        common_moves: ``one_local_conflict`` (a common decision maker's move changes its
            options in one local conflict only) or ``several_local_conflicts`` (any
            option-form move: it may change its options in several at once).
    """

    local_conflicts: tuple[LocalConflict, ...]
    common: tuple[str, ...]
    common_moves: str

    def local_conflict(self, name: str) -> LocalConflict:
        """The local conflict called ``name``; KeyError if there is none."""
        for lc in self.local_conflicts:
            if lc.name == name:
                return lc
        raise KeyError(name)

    def local_of_option(self, key: str) -> str:
        """The name of the local conflict an option (``dm.option``) belongs to."""
        for lc in self.local_conflicts:
            if key in lc.option_keys:
                return lc.name
        raise KeyError(key)


def _remap(locs: Locations, rules: list[tuple[DocPath, DocPath]]) -> Locations:
    """A :class:`Locations` for a document cut out of or built from ``locs``'s document:
    each rule ``(new, old)`` places every path that starts with ``old`` at ``new`` + rest.
    Later rules win where two give the same new path."""
    out = Locations(locs.file)
    for table_name in ("spots", "texts", "key_texts"):
        table = getattr(locs, table_name)
        target = getattr(out, table_name)
        for path, value in table.items():
            for new, old in rules:
                if tuple(path[:len(old)]) == old:
                    target[(*new, *path[len(old):])] = value
    return out


def _mapping(value: Any, path: DocPath, locs: Locations, what: str, fix: str) -> dict:
    if not isinstance(value, dict):
        raise locs.error(path, f"{what} must be a mapping", fix)
    return value


def _check_no_state_numbers(preferences: Any, path: DocPath, locs: Locations) -> None:
    """Refuse a state number in a local conflict's ranking: the overall model would read it
    as an overall state."""
    if not isinstance(preferences, dict):
        return
    for dm, preference in preferences.items():
        ranking = preference.get("ranking") if isinstance(preference, dict) else None
        if not isinstance(ranking, list):
            continue
        for k, item in enumerate(ranking):
            for j, entry in enumerate(item if isinstance(item, list) else [item]):
                statement = entry.get("statement") if isinstance(entry, dict) else entry
                if isinstance(statement, int) and not isinstance(statement, bool):
                    where = (*path, dm, "ranking", k) + ((j,) if isinstance(item, list) else ())
                    raise locs.error(
                        where, f"state number {statement} in a local conflict's ranking",
                        "rank by statements in a local conflict (state numbers would be "
                        "read as states of the overall model)")


def check_top_level(data: dict, locs: Locations) -> tuple[dict, dict]:
    """Check the top level of a hierarchical model; return its local conflicts and its
    common decision makers (both mappings by name)."""
    for key in data:
        if key in TOP_KEYS:
            continue
        if key in ("decision_makers", "preferences", "feasibility", "status_quo"):
            raise locs.error(
                (key,), f"'{key}' is not a top-level key of a model with local_conflicts",
                f"write '{key}' inside each local conflict; the common decision makers' "
                "preferences over the combined states go under 'overall_preferences'")
        if key == "variants":
            raise locs.error((key,), "variants are not supported in a model with "
                             "local_conflicts yet",
                             "write each alternative as a model file of its own")
        raise locs.error((key,), f"unknown key '{key}' in a model with local_conflicts",
                         "the keys are: " + ", ".join(TOP_KEYS))
    local = _mapping(data["local_conflicts"], ("local_conflicts",), locs, "'local_conflicts'",
                     "give each local conflict by name: 'local_conflicts: {war: {...}, "
                     "domestic: {...}}'")
    if len(local) < 2:
        raise locs.error(("local_conflicts",), "a hierarchical model needs at least two "
                         f"local conflicts, not {len(local)}",
                         "add another local conflict, or write an ordinary model with "
                         "'decision_makers:' at the top level")
    for name, body in local.items():
        path: DocPath = ("local_conflicts", name)
        if not isinstance(name, str) or not _NAME.fullmatch(name):
            raise locs.error(path, f"'{name}' is not a valid local conflict name",
                             "use letters, digits, '_' and '-', starting with a letter")
        _mapping(body, path, locs, f"local conflict '{name}'",
                 "give its decision_makers, feasibility, preferences and status_quo")
        for key in body:
            if key not in LOCAL_KEYS:
                raise locs.error((*path, key), f"unknown key '{key}' in local conflict "
                                 f"'{name}'",
                                 "the keys of a local conflict are: " + ", ".join(LOCAL_KEYS))
        _check_no_state_numbers(body.get("preferences"), (*path, "preferences"), locs)
        feasibility = body.get("feasibility")
        if isinstance(feasibility, dict) and feasibility.get("collapse"):
            raise locs.error((*path, "feasibility", "collapse"),
                             "'collapse' is not supported in a local conflict",
                             "a collapsed state would make the options of the other local "
                             "conflicts irrelevant; use 'infeasible' instead")
    moves = data.get("common_moves", COMMON_MOVES[0])
    if moves not in COMMON_MOVES:
        raise locs.error(("common_moves",), f"unknown common_moves {moves!r}",
                         "write one_local_conflict or several_local_conflicts")
    if "common_decision_makers" not in data:
        raise locs.error(("local_conflicts",), "no 'common_decision_makers' given",
                         "name the decision makers who take part in several local conflicts: "
                         "'common_decision_makers: {us: {name: ...}}'")
    common = _mapping(data["common_decision_makers"], ("common_decision_makers",), locs,
                      "'common_decision_makers'",
                      "give each by id: 'common_decision_makers: {us: {name: ...}}'")
    if not common:
        raise locs.error(("common_decision_makers",), "no common decision maker is given",
                         "name at least one decision maker who takes part in several local "
                         "conflicts")
    for dm, body in common.items():
        path = ("common_decision_makers", dm)
        _mapping(body, path, locs, f"common decision maker '{dm}'",
                 "give its name: '{dm}: {name: ...}'")
        for key in body:
            if key not in ("name", "description", "local_conflicts"):
                raise locs.error((*path, key), f"unknown key '{key}' for a common decision "
                                 "maker", "the keys are: name, description, local_conflicts")
        if not isinstance(body.get("name"), str):
            raise locs.error(path, f"common decision maker '{dm}' has no name",
                             f"add 'name: ...' under '{dm}'")
        listed = body.get("local_conflicts")
        if listed is None:
            continue
        if not isinstance(listed, list) or len(listed) < 2:
            raise locs.error((*path, "local_conflicts"),
                             "'local_conflicts' of a common decision maker must list at least "
                             "two local conflicts",
                             "list the local conflicts it takes part in, or leave the key out "
                             "(then it takes part in all)")
        for k, item in enumerate(listed):
            if not isinstance(item, str) or item not in local:
                raise locs.error((*path, "local_conflicts", k),
                                 f"unknown local conflict {item!r}",
                                 "use a name from 'local_conflicts:' ("
                                 + ", ".join(map(str, local)) + ")")
            if item in listed[:k]:
                raise locs.error((*path, "local_conflicts", k),
                                 f"local conflict '{item}' is listed twice",
                                 "list each local conflict once")
    return local, common


def local_documents(data: dict, locs: Locations) -> list[tuple[str, dict, Locations]]:
    """Every local conflict as a document of its own (``format``, its title, the model's
    ``sources``, and the common decision makers' names filled in), with its locations."""
    local, common = check_top_level(data, locs)
    check_membership(local, common, locs)
    out = []
    for name, body in local.items():
        doc: dict[str, Any] = {"format": "standoff/1",
                               "title": body.get("title", f"{data.get('title', '')}: {name}")}
        if "sources" in data:
            doc["sources"] = data["sources"]
        for key in LOCAL_KEYS[1:]:
            if key in body:
                doc[key] = body[key]
        dms = body.get("decision_makers")
        if isinstance(dms, dict):
            filled = {}
            for dm, entry in dms.items():
                if dm in common and isinstance(entry, dict):
                    given = entry.get("name")
                    if given is not None and given != common[dm]["name"]:
                        raise locs.error(
                            ("local_conflicts", name, "decision_makers", dm, "name"),
                            f"the common decision maker '{dm}' is named "
                            f"'{common[dm]['name']}' under common_decision_makers",
                            "leave out its name here, or give the same one")
                    entry = {"name": common[dm]["name"], **entry}
                filled[dm] = entry
            doc["decision_makers"] = filled
        rules: list[tuple[DocPath, DocPath]] = [((), ("local_conflicts", name)),
                                               (("sources",), ("sources",))]
        out.append((name, doc, _remap(locs, rules)))
    return out


_IDENTIFIER = re.compile(r"(?<![A-Za-z0-9_.-])([A-Za-z][A-Za-z0-9_-]*)(?![A-Za-z0-9_.-])")


def _qualifier(decision_makers: dict) -> dict[str, str]:
    """Each option id that names one option of a local conflict, with its ``dm.option``."""
    owners: dict[str, list[str]] = {}
    for dm, entry in decision_makers.items():
        for option in entry["options"]:
            owners.setdefault(option, []).append(dm)
    return {option: f"{dms[0]}.{option}" for option, dms in owners.items() if len(dms) == 1}


def _qualify(value: Any, table: dict[str, str]) -> Any:
    """A statement, a list of them, an evidence mapping or a ``weights`` mapping of a local
    conflict with every bare option name written ``dm.option``, so that it means the same
    in the overall model, where another local conflict may have an option of that name."""
    if isinstance(value, str):
        return _IDENTIFIER.sub(lambda m: table.get(m.group(1), m.group(1)), value)
    if isinstance(value, list):
        return [_qualify(item, table) for item in value]
    if isinstance(value, dict):
        if "statement" in value:
            return {**value, "statement": _qualify(value["statement"], table)}
        return {_qualify(key, table): item for key, item in value.items()}
    return value


def _qualify_preference(preference: Any, table: dict[str, str]) -> Any:
    if not isinstance(preference, dict):
        return preference
    return {key: _qualify(item, table) if key in ("prioritize", "weights", "ranking")
            else item for key, item in preference.items()}


def check_membership(local: dict, common: dict, locs: Locations) -> dict[str, str]:
    """Check who takes part in which local conflict, before any local conflict is read:
    every common decision maker in each local conflict it is declared for (and only
    there), no other decision maker in two local conflicts, no option id used twice by a
    common decision maker. Returns the first local conflict of each decision maker. (Parts
    that are not mappings are left for the local conflict's own validation to report.)"""
    where: dict[str, str] = {}
    option_home: dict[tuple[str, str], str] = {}
    for dm, body in common.items():
        for name in body.get("local_conflicts") or list(local):
            dms = local[name].get("decision_makers")
            if isinstance(dms, dict) and dm not in dms:
                raise locs.error(
                    ("local_conflicts", name, "decision_makers"),
                    f"the common decision maker '{dm}' is missing from local conflict "
                    f"'{name}'",
                    f"add '{dm}:' with its options in '{name}', or list only the local "
                    f"conflicts it takes part in under common_decision_makers.{dm}."
                    "local_conflicts")
    for name, body in local.items():
        dms = body.get("decision_makers")
        if not isinstance(dms, dict):
            continue
        lpath: DocPath = ("local_conflicts", name, "decision_makers")
        for dm, entry in dms.items():
            if dm in common:
                listed = common[dm].get("local_conflicts")
                if listed is not None and name not in listed:
                    raise locs.error(
                        (*lpath, dm),
                        f"the common decision maker '{dm}' takes part in '{name}' but it is "
                        f"not in its local_conflicts list",
                        f"add '{name}' to common_decision_makers.{dm}.local_conflicts")
                options = entry.get("options") if isinstance(entry, dict) else None
                for option in options if isinstance(options, dict) else ():
                    if (dm, option) in option_home:
                        raise locs.error(
                            (*lpath, dm, "options", option),
                            f"'{dm}' already has an option '{option}' in local conflict "
                            f"'{option_home[(dm, option)]}'",
                            "give a common decision maker's options different ids in each "
                            "local conflict")
                    option_home[(dm, option)] = name
            elif dm in where:
                raise locs.error(
                    (*lpath, dm),
                    f"decision maker '{dm}' takes part in local conflicts '{where[dm]}' and "
                    f"'{name}' but is not a common decision maker",
                    "declare it under 'common_decision_makers:' (with its preferences over "
                    "the combined states under 'overall_preferences:'), or rename one")
            where.setdefault(dm, name)
    return where


def flat_document(data: dict, locs: Locations, local_specs: list[tuple[str, Any]]
                  ) -> tuple[dict, Locations, Hierarchy]:
    """The overall model as one option-form document (the explicit product of the local
    conflicts), its locations, and the :class:`Hierarchy` kept with it.

    ``local_specs`` pairs each local conflict's name with its validated model. Raises a
    located :class:`~standoff.errors.ModelError` for a common decision maker missing from a
    local conflict it takes part in, a decision maker in several local conflicts who is not
    declared common, an option id a common decision maker uses in two local conflicts, and
    missing or misplaced overall preferences.
    """
    local, common = check_top_level(data, locs)
    where = check_membership(local, common, locs)
    doc: dict[str, Any] = {"format": "standoff/1", "title": data.get("title")}
    rules: list[tuple[DocPath, DocPath]] = [((), ())]
    for key in ("description", "view", "sources", "attitudes", "claims"):
        if key in data:
            doc[key] = data[key]
    dms: dict[str, dict] = {}
    feasibility: dict[str, list] = {key: [] for key in _FEASIBILITY_LISTS}
    preferences: dict[str, Any] = {}
    status_quo: list = []
    with_status_quo = [name for name, body in local.items() if "status_quo" in body]
    if with_status_quo and len(with_status_quo) != len(local):
        missing = next(name for name in local if name not in with_status_quo)
        raise locs.error(("local_conflicts", missing),
                         f"local conflict '{missing}' has no status_quo, but "
                         f"'{with_status_quo[0]}' has one",
                         "give a status_quo in every local conflict, or in none")
    locals_out = []
    specs = dict(local_specs)
    for name, body in local.items():
        lpath: DocPath = ("local_conflicts", name)
        table = _qualifier(body["decision_makers"])
        for dm, entry in body["decision_makers"].items():
            if dm not in dms:
                base = common.get(dm, entry)
                dms[dm] = {"name": base["name"], "options": {}}
                if base.get("description") is not None:
                    dms[dm]["description"] = base["description"]
                source = ("common_decision_makers", dm) if dm in common else \
                    (*lpath, "decision_makers", dm)
                rules.append((("decision_makers", dm), source))
            for option, value in entry["options"].items():
                dms[dm]["options"][option] = value
                rules.append((("decision_makers", dm, "options", option),
                              (*lpath, "decision_makers", dm, "options", option)))
            if dm not in common:
                preferences[dm] = _qualify_preference(body["preferences"][dm], table)
                rules.append((("preferences", dm), (*lpath, "preferences", dm)))
        for key in _FEASIBILITY_LISTS:
            for k, item in enumerate((body.get("feasibility") or {}).get(key, [])):
                rules.append((("feasibility", key, len(feasibility[key])),
                              (*lpath, "feasibility", key, k)))
                feasibility[key].append(_qualify(item, table))
        for k, item in enumerate(body.get("status_quo") or []):
            rules.append((("status_quo", len(status_quo)), (*lpath, "status_quo", k)))
            status_quo.append(_qualify(item, table))
        spec = specs[name]
        locals_out.append(LocalConflict(
            name, spec.title, tuple(d.id for d in spec.dms),
            tuple(o.key for o in spec.options), spec))
    overall = data.get("overall_preferences")
    if overall is None:
        raise locs.error(("common_decision_makers",), "no 'overall_preferences' given",
                         "give each common decision maker's preferences over the combined "
                         "states: 'overall_preferences: {" + next(iter(common)) +
                         ": {prioritize: [...]}}'")
    overall = _mapping(overall, ("overall_preferences",), locs, "'overall_preferences'",
                       "give them by common decision maker: 'overall_preferences: {us: ...}'")
    for dm in overall:
        if dm not in common:
            known = dm in where
            raise locs.error(
                ("overall_preferences", dm),
                f"'{dm}' is a local decision maker" if known else
                f"unknown common decision maker '{dm}'",
                f"its preferences are given in its local conflict ('{where[dm]}')" if known
                else "use an id from 'common_decision_makers:' (" + ", ".join(common) + ")")
    for dm in common:
        if dm not in overall:
            raise locs.error(("overall_preferences",),
                             f"no overall preferences given for '{dm}'",
                             f"add '{dm}:' under 'overall_preferences:' with prioritize, "
                             "weights or ranking over the options of all local conflicts")
        preferences[dm] = overall[dm]
        rules.append((("preferences", dm), ("overall_preferences", dm)))
    doc["decision_makers"] = dms
    doc["feasibility"] = {key: items for key, items in feasibility.items() if items}
    # the preferences in decision-maker order, as the loader reads them
    doc["preferences"] = {dm: preferences[dm] for dm in dms}
    if with_status_quo:  # every local conflict gives one (perhaps empty: nothing taken)
        doc["status_quo"] = status_quo
    hierarchy = Hierarchy(tuple(locals_out), tuple(common),
                          str(data.get("common_moves", COMMON_MOVES[0])))
    return doc, _remap(locs, rules), hierarchy


def move_groups(hierarchy: Hierarchy, option_keys: tuple[str, ...], dm_ids: tuple[str, ...]
                ) -> dict[int, tuple[int, ...]]:
    """For ``one_local_conflict`` moves: each common decision maker's index with one bit
    mask of its options per local conflict (a move changes options of one mask only).
    Empty for ``several_local_conflicts``."""
    if hierarchy.common_moves != "one_local_conflict":
        return {}
    groups: dict[int, tuple[int, ...]] = {}
    for dm in hierarchy.common:
        masks = []
        for lc in hierarchy.local_conflicts:
            mask = sum(1 << k for k, key in enumerate(option_keys)
                       if key in lc.option_keys and key.split(".", 1)[0] == dm)
            if mask:
                masks.append(mask)
        groups[dm_ids.index(dm)] = tuple(masks)
    return groups


__all__ = ["COMMON_MOVES", "Hierarchy", "LocalConflict", "ModelError", "flat_document",
           "local_documents", "move_groups"]
