"""Forms over the YAML: the model's decision makers, options, preferences and status quo as
fields, and edits of those fields written back into the text.

The text stays the model: :func:`form_document` reads the fields from it, and
:func:`apply_change` makes one edit (rename, option text or direction, a new option, a
preference statement moved, a weight, the status quo) with a round-trip YAML writer
(ruamel.yaml) that keeps comments, key order and flow style, so the YAML and the form show
the same model. Whether the result is a valid model is then checked as any text is.
"""

from __future__ import annotations

import io
from typing import Any

from standoff.errors import ModelError

MOVES = ("both", "take", "drop")
#: Preference forms, in the order a decision maker's entry is searched for them.
PREFERENCE_FORMS = ("prioritize", "ranking", "weights")


def _yaml():
    from ruamel.yaml import YAML

    yaml = YAML()
    yaml.preserve_quotes = True
    yaml.width = 4096  # never re-wrap a line (long flow mappings stay on one line)
    yaml.indent(mapping=2, sequence=4, offset=2)
    return yaml


def _load(text: str, name: str):
    """The document as round-trip data; the loader's located error for bad YAML."""
    from standoff.model.yamlio import parse_text

    parse_text(text, name)  # syntax errors and limits reported exactly as the CLI does
    data = _yaml().load(text)
    if not isinstance(data, dict):
        raise ModelError("a model file must be a mapping of keys to values", file=name,
                         line=1, column=1, hint="start with 'format: standoff/1' (see "
                         "examples/)")
    return data


def _dump(data) -> str:
    out = io.StringIO()
    _yaml().dump(data, out)
    return out.getvalue()


def _mapping(value) -> dict:
    return value if isinstance(value, dict) else {}


def _statement_text(item: Any) -> str:
    """A preference entry as one line: the statement (with its evidence left out)."""
    if isinstance(item, dict):
        return str(item.get("statement", ""))
    if isinstance(item, list):
        return " = ".join(_statement_text(x) for x in item)
    return str(item)


def form_document(text: str, name: str) -> dict[str, Any]:
    """The fields of the form: decision makers with their options, each one's preferences
    (form and entries, most important first) and the status quo."""
    data = _load(text, name)
    dms = []
    for dm_id, dm in _mapping(data.get("decision_makers")).items():
        dm = _mapping(dm)
        options = [{"id": str(opt_id), "text": str(_mapping(opt).get("text", "")),
                    "moves": str(_mapping(opt).get("moves", "both"))}
                   for opt_id, opt in _mapping(dm.get("options")).items()]
        dms.append({"id": str(dm_id), "name": str(dm.get("name", "")), "options": options})
    preferences = []
    for dm_id, pref in _mapping(data.get("preferences")).items():
        pref = _mapping(pref)
        form = next((f for f in PREFERENCE_FORMS if f in pref), None)
        entries: list[dict[str, Any]] = []
        if form == "weights" and isinstance(pref["weights"], dict):
            entries = [{"statement": str(k), "weight": v} for k, v in pref["weights"].items()]
        elif form == "weights" and isinstance(pref["weights"], list):
            entries = [{"statement": _statement_text(x), "weight": _mapping(x).get("weight")}
                       for x in pref["weights"]]
        elif form is not None and isinstance(pref[form], list):
            entries = [{"statement": _statement_text(x),
                        "evidence": isinstance(x, dict)} for x in pref[form]]
        preferences.append({"dm": str(dm_id), "form": form, "entries": entries})
    quo = data.get("status_quo")
    return {"decision_makers": dms, "preferences": preferences,
            "status_quo": None if quo is None else [str(x) for x in quo]}


def _need(data: Any, name: str, *path: object) -> Any:
    """The value at ``path`` in the document; a clear error when it is not there."""
    value = data
    for k, key in enumerate(path):
        if not isinstance(value, dict) or key not in value:
            where = ".".join(str(part) for part in path[: k + 1])
            raise ModelError(f"the model has no '{where}'", file=name,
                             hint="refresh the form from the text and try again")
        value = value[key]
    return value


def _dm_of_option(data, key: str) -> tuple[str, str]:
    """``(dm, option)`` for an option key ``dm.option``."""
    dm, _, option = key.partition(".")
    return dm, option


def apply_change(text: str, name: str, change: dict[str, Any]) -> str:
    """``text`` with one form edit made. ``change["op"]`` is one of:

    - ``set``: ``dm``, optional ``option``, ``field`` (``name`` of a decision maker; ``text``
      or ``moves`` of an option) and ``value``;
    - ``add_option``: ``dm``, ``option`` (a new id) and ``text``;
    - ``move_preference``: ``dm``, ``from`` and ``to`` (0-based positions in its
      prioritization or ranking);
    - ``set_weight``: ``dm``, ``index`` and ``value`` (a number);
    - ``set_status_quo``: ``options``, a list of option keys ``dm.option``.

    Raises :class:`ModelError` for an edit that does not fit the model.
    """
    data = _load(text, name)
    op = change.get("op")
    dm = change.get("dm")
    if op == "set":
        field, value = change.get("field"), change.get("value")
        if not isinstance(value, str):
            raise ModelError("the value must be text", file="change")
        if change.get("option") is None:
            if field != "name":
                raise ModelError(f"a decision maker has no field '{field}' in the form",
                                 file="change", hint="use field 'name'")
            _need(data, name, "decision_makers", dm)["name"] = value
        else:
            option = _need(data, name, "decision_makers", dm, "options", change["option"])
            if field == "text":
                option["text"] = value
            elif field == "moves":
                if value not in MOVES:
                    raise ModelError(f"unknown move direction '{value}'", file="change",
                                     hint="use both, take or drop")
                if value == "both" and "moves" in option:
                    del option["moves"]
                elif value != "both":
                    option["moves"] = value
            else:
                raise ModelError(f"an option has no field '{field}' in the form",
                                 file="change", hint="use field 'text' or 'moves'")
    elif op == "add_option":
        options = _need(data, name, "decision_makers", dm, "options")
        new, words = change.get("option"), change.get("text")
        if not isinstance(new, str) or not new.strip() or not isinstance(words, str):
            raise ModelError("a new option needs an id and a text", file="change",
                             hint="e.g. id 'withdraw', text 'Withdraw its forces'")
        if new in options:
            raise ModelError(f"{dm} already has an option '{new}'", file="change",
                             hint="choose another id")
        from ruamel.yaml.comments import CommentedMap

        entry = CommentedMap(text=words)
        entry.fa.set_flow_style()
        options[new.strip()] = entry
    elif op == "move_preference":
        pref = _need(data, name, "preferences", dm)
        form = next((f for f in ("prioritize", "ranking") if f in pref), None)
        if form is None or not isinstance(pref[form], list):
            raise ModelError(f"the preferences of {dm} are not an ordered list",
                             file="change", hint="only prioritize and ranking lists are "
                             "reordered; weights are set one by one")
        entries = pref[form]
        source, target = change.get("from"), change.get("to")
        if not all(isinstance(x, int) and 0 <= x < len(entries) for x in (source, target)):
            raise ModelError(f"positions must lie between 0 and {len(entries) - 1}",
                             file="change")
        entries.insert(target, entries.pop(source))
    elif op == "set_weight":
        weights = _need(data, name, "preferences", dm, "weights")
        index, value = change.get("index"), change.get("value")
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ModelError("a weight is a number", file="change")
        count = len(weights)
        if not isinstance(index, int) or not 0 <= index < count:
            raise ModelError(f"the weight's position must lie between 0 and {count - 1}",
                             file="change")
        if isinstance(weights, dict):
            weights[list(weights)[index]] = value
        else:
            weights[index]["weight"] = value
    elif op == "set_status_quo":
        keys = change.get("options")
        if not isinstance(keys, list) or not all(isinstance(k, str) for k in keys):
            raise ModelError("the status quo is a list of option keys (dm.option)",
                             file="change")
        ids = [str(o) for d in _mapping(data.get("decision_makers")).values()
               for o in _mapping(_mapping(d).get("options"))]
        written = []
        for key in keys:
            owner, option = _dm_of_option(data, key)
            _need(data, name, "decision_makers", owner, "options", option)
            written.append(option if ids.count(option) == 1 else key)
        from ruamel.yaml.comments import CommentedSeq

        quo = CommentedSeq(written)
        quo.fa.set_flow_style()
        data["status_quo"] = quo
    else:
        raise ModelError(f"unknown form edit '{op}'", file="change",
                         hint="one of: set, add_option, move_preference, set_weight, "
                         "set_status_quo")
    return _dump(data)
