"""Forms over the YAML: the model's decision makers, options, preferences, status quo,
feasibility statements, claims and variants as fields, and edits of those fields written
back into the text.

The text stays the model: :func:`form_document` reads the fields from it, and
:func:`apply_change` makes one edit (rename, option text or direction, a new option, a
preference statement moved, a weight, the status quo; an infeasible statement or option
group added, changed or deleted; a claim or variant added, changed or deleted; a quote
replaced) with a round-trip YAML writer
(ruamel.yaml) that keeps comments, key order and flow style, so the YAML and the form show
the same model. Whether the result is a valid model is then checked as any text is.
"""

from __future__ import annotations

import io
from typing import Any

from standoff.errors import ModelError

MOVES = ("both", "take", "drop")
#: The feasibility entries the form edits: infeasible statements and option groups.
FEASIBILITY_KINDS = ("infeasible", "exactly_one", "at_most_one", "at_least_one")
#: A claim's fields in the form.
CLAIM_FIELDS = ("check", "text", "source", "quote", "assumption")
#: A variant's fields in the form (its preferences are edited in the YAML).
VARIANT_FIELDS = ("description", "extends", "source", "quote", "assumption")
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
    claims = []
    for claim_id, claim in _mapping(data.get("claims")).items():
        claim = _mapping(claim)
        claims.append({"id": str(claim_id), **{
            field: None if claim.get(field) is None else str(claim.get(field))
            for field in CLAIM_FIELDS}})
    variants = []
    for variant_name, variant in _mapping(data.get("variants")).items():
        variant = _mapping(variant)
        added = _mapping(_mapping(variant.get("feasibility")).get("add"))
        variants.append({
            "name": str(variant_name),
            **{field: None if variant.get(field) is None else str(variant.get(field))
               for field in VARIANT_FIELDS},
            "preferences": [str(dm) for dm in _mapping(variant.get("preferences"))],
            "feasibility": _feasibility_fields(added)})
    return {"decision_makers": dms, "preferences": preferences,
            "status_quo": None if quo is None else [str(x) for x in quo],
            "feasibility": _feasibility_fields(_mapping(data.get("feasibility"))),
            "claims": claims, "variants": variants}


def _feasibility_fields(section: dict) -> dict[str, list[Any]]:
    """The infeasible statements and the option groups of a feasibility section (or of a
    variant's ``feasibility: add:``)."""
    out: dict[str, list[Any]] = {}
    for kind in FEASIBILITY_KINDS:
        entries = section.get(kind)
        entries = entries if isinstance(entries, list) else []
        if kind == "infeasible":
            out[kind] = [{"statement": _statement_text(x), "evidence": isinstance(x, dict)}
                         for x in entries]
        else:
            out[kind] = [[str(o) for o in x] if isinstance(x, list) else [str(x)]
                         for x in entries]
    return out


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
    - ``set_status_quo``: ``options``, a list of option keys ``dm.option``;
    - ``add_feasibility``, ``set_feasibility``, ``delete_feasibility``: ``kind``
      (``infeasible``, ``exactly_one``, ``at_most_one``, ``at_least_one``), ``index`` (to
      set or delete), ``value`` (a statement; for a group a list of options or one text
      with commas) and optionally ``variant`` (then the variant's ``feasibility: add:``);
    - ``add_claim`` (``id``, ``check``, optional ``text``), ``set_claim`` (``id``,
      ``field``: check, text, source, quote or assumption; ``value``, empty to remove an
      optional field), ``delete_claim`` (``id``);
    - ``add_variant`` (``id``, ``description``), ``set_variant`` (``id``, ``field``:
      description, extends, source, quote or assumption; ``value``), ``delete_variant``
      (``id``);
    - ``set_quote``: ``path`` (the keys and positions of a quoted entry, as the evidence
      list gives them) and ``value``.

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
    elif op in ("add_feasibility", "set_feasibility", "delete_feasibility"):
        _edit_feasibility(data, name, op, change)
    elif op in ("add_claim", "set_claim", "delete_claim"):
        _edit_entry(data, name, op.removesuffix("_claim"), change, "claims", "claim",
                    CLAIM_FIELDS, "check")
    elif op in ("add_variant", "set_variant", "delete_variant"):
        _edit_entry(data, name, op.removesuffix("_variant"), change, "variants", "variant",
                    VARIANT_FIELDS, "description")
    elif op == "set_quote":
        _set_quote(data, name, change)
    else:
        raise ModelError(f"unknown form edit '{op}'", file="change",
                         hint="one of: " + ", ".join(OPERATIONS))
    return _dump(data)


#: Every edit the form makes (``change["op"]``).
OPERATIONS = ("set", "add_option", "move_preference", "set_weight", "set_status_quo",
              "add_feasibility", "set_feasibility", "delete_feasibility", "add_claim",
              "set_claim", "delete_claim", "add_variant", "set_variant", "delete_variant",
              "set_quote")


def _text_value(change: dict[str, Any], key: str = "value") -> str:
    value = change.get(key)
    if not isinstance(value, str) or not value.strip():
        raise ModelError(f"'{key}' must be text that is not empty", file="change",
                         hint="type it in the field and try again")
    return value.strip()


def _group_value(change: dict[str, Any]):
    """An option group: a list of option names, or one text of names separated by
    commas."""
    from ruamel.yaml.comments import CommentedSeq

    value = change.get("value")
    if isinstance(value, str):
        value = [part.strip() for part in value.split(",")]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ModelError("an option group is a list of options", file="change",
                         hint="e.g. 'russia.accept, russia.escalate'")
    names = [v.strip() for v in value if v.strip()]
    if len(names) < 2:
        raise ModelError("an option group needs at least two options", file="change",
                         hint="separate the options with commas: 'a.x, b.y'")
    group = CommentedSeq(names)
    group.fa.set_flow_style()
    return group


def _insert_section(data, key: str, value, after: tuple[str, ...]) -> None:
    """Put a new top-level section ``key`` after the first of ``after`` the model has (at
    the end when it has none)."""
    keys = list(data)
    places = [keys.index(k) + 1 for k in after if k in keys]
    if places:
        data.insert(max(places), key, value)
    else:
        data[key] = value


def _edit_feasibility(data, name: str, op: str, change: dict[str, Any]) -> None:
    """Add, change or delete an infeasible statement or an option group, in the model's
    ``feasibility:`` or (with ``variant``) in a variant's ``feasibility: add:``."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    kind = change.get("kind")
    if kind not in FEASIBILITY_KINDS:
        raise ModelError(f"unknown kind of feasibility entry '{kind}'", file="change",
                         hint="one of: " + ", ".join(FEASIBILITY_KINDS))
    variant = change.get("variant")
    if variant is None:
        owner, key = data, "feasibility"
    else:
        owner = _need(data, name, "variants", variant)
        feasibility = owner.get("feasibility")
        if op == "add_feasibility" and not isinstance(feasibility, dict):
            owner["feasibility"] = CommentedMap()
        owner = owner["feasibility"] if op == "add_feasibility" else \
            _need(data, name, "variants", variant, "feasibility")
        key = "add"
    section = owner.get(key) if isinstance(owner, dict) else None
    if op == "add_feasibility":
        value = _text_value(change) if kind == "infeasible" else _group_value(change)
        if not isinstance(section, dict):
            section = CommentedMap()
            if variant is None:
                _insert_section(data, "feasibility", section, ("decision_makers",))
            else:
                owner[key] = section
        if not isinstance(section.get(kind), list):
            section[kind] = CommentedSeq()
        section[kind].append(value)
        return
    where = ("feasibility",) if variant is None else ("variants", variant, "feasibility",
                                                       "add")
    entries = _need(data, name, *where, kind)
    index = change.get("index")
    if not isinstance(entries, list) or not isinstance(index, int) \
            or isinstance(index, bool) or not 0 <= index < len(entries):
        count = len(entries) if isinstance(entries, list) else 0
        raise ModelError(f"there is no {kind} entry {index} (there are {count})",
                         file="change", hint="refresh the form from the text and try again")
    if op == "set_feasibility":
        if kind != "infeasible":
            entries[index] = _group_value(change)
        elif isinstance(entries[index], dict):
            entries[index]["statement"] = _text_value(change)
        else:
            entries[index] = _text_value(change)
        return
    del entries[index]
    if not entries and isinstance(section, dict):
        del section[kind]
        if not section:
            del owner[key]
            if variant is not None and not owner:
                del data["variants"][variant]["feasibility"]


def _edit_entry(data, name: str, action: str, change: dict[str, Any], section_key: str,
                what: str, fields: tuple[str, ...], required: str) -> None:
    """Add, change a field of, or delete a claim or a variant (``{section_key: {id:
    {...}}}``). A new entry gets ``required`` (and ``text`` for a claim, if given)."""
    from ruamel.yaml.comments import CommentedMap

    entry_id = change.get("id")
    if not isinstance(entry_id, str) or not entry_id.strip():
        raise ModelError(f"a {what} needs an id", file="change",
                         hint="e.g. 'no-truce'" if what == "claim" else "e.g. 'hawkish'")
    entry_id = entry_id.strip()
    if action == "add":
        section = data.get(section_key)
        if isinstance(section, dict) and entry_id in section:
            raise ModelError(f"there is already a {what} '{entry_id}'", file="change",
                             hint="choose another id")
        entry = CommentedMap()
        entry[required] = _text_value(change, required)
        if what == "claim" and isinstance(change.get("text"), str) and change["text"].strip():
            entry["text"] = change["text"].strip()
        if not isinstance(section, dict):
            section = CommentedMap()
            after = ("claims", "status_quo", "preferences") if section_key == "variants" \
                else ("status_quo", "preferences")
            _insert_section(data, section_key, section, after)
        section[entry_id] = entry
        return
    entry = _need(data, name, section_key, entry_id)
    if action == "delete":
        del data[section_key][entry_id]
        if not data[section_key]:
            del data[section_key]
        return
    field = change.get("field")
    if field not in fields:
        raise ModelError(f"a {what} has no field '{field}' in the form", file="change",
                         hint="use one of: " + ", ".join(fields))
    value = change.get("value")
    if value is None or (isinstance(value, str) and not value.strip()):
        if field == required:
            raise ModelError(f"a {what} must have a {required}", file="change",
                             hint=f"type its {required}; delete the {what} to remove it")
        if field in entry:
            del entry[field]
        return
    if not isinstance(value, str):
        raise ModelError("the value must be text", file="change")
    entry[field] = value.strip()


def _set_quote(data, name: str, change: dict[str, Any]) -> None:
    """Replace the quote of the entry at ``path`` (keys and positions in the document)."""
    path = change.get("path")
    if not isinstance(path, list) or not path or not all(
            isinstance(p, str) or (isinstance(p, int) and not isinstance(p, bool))
            for p in path):
        raise ModelError("'path' must list the keys and positions of the quoted entry",
                         file="change", hint="take it from the evidence list")
    entry = data
    for k, part in enumerate(path):
        inside = (isinstance(entry, dict) and part in entry) or (
            isinstance(entry, list) and isinstance(part, int) and 0 <= part < len(entry))
        if not inside:
            where = ".".join(str(p) for p in path[: k + 1])
            raise ModelError(f"the model has no '{where}'", file=name,
                             hint="refresh the form from the text and try again")
        entry = entry[part]
    if not isinstance(entry, dict) or "quote" not in entry:
        raise ModelError("that entry has no quote", file="change",
                         hint="take the path from the evidence list")
    entry["quote"] = _text_value(change)
