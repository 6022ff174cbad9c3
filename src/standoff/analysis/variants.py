"""Variants: named alternatives to a model, compiled and analysed side by side.

A variant (``variants:`` in the model file; docs/claims.md) is the model as written with

1. the preferences of each decision maker it lists **replaced wholesale** by the ones it
   gives (any of the three forms, with evidence like any statement);
2. the feasibility constraints under ``feasibility: add:`` **added** to the model's (groups
   and ``infeasible`` statements);
3. the model's own constraints listed under ``feasibility: remove:`` **removed** (written
   as in the model: a group matches a group of the same kind over the same options; a
   statement matches an ``infeasible`` statement that parses to the same expression);
4. the entries of its ``attitudes:`` **replacing** the model's for the same pair of
   decision makers, one by one (docs/structure.md).

Everything else (decision makers, options, move directions, ``collapse``, status quo,
claims) is shared. The model as written is the variant called ``base``. A variant that
changes feasibility can have fewer or more states than the base, so state *numbers* may
differ between variants; option *patterns* do not, and side-by-side views compare them.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence

import numpy as np

from standoff.errors import (
    ModelError,
    NoFeasibleStateError,
    ParameterError,
    StatusQuoInfeasibleError,
)
from standoff.graph import DEFAULT_MAX_STATES, Conflict, compile_model
from standoff.graph.states import group_ok
from standoff.model.loader import BASE_VARIANT, ModelSpec, VariantSpec


def variant_names(spec: ModelSpec) -> tuple[str, ...]:
    """``base`` followed by the model's variants, in file order."""
    return (BASE_VARIANT, *(v.name for v in spec.variants))


def _require_spec(spec: object, function: str) -> None:
    """Raise :class:`TypeError` unless ``spec`` is a :class:`ModelSpec`."""
    if isinstance(spec, ModelSpec):
        return
    if isinstance(spec, Conflict):
        raise TypeError(f"{function}() expects a ModelSpec, not a Conflict: pass the "
                        f"conflict's spec, e.g. {function}(conflict.spec, name)")
    raise TypeError(f"{function}() expects a ModelSpec (standoff.read_model(path), or "
                    f"conflict.spec), not {type(spec).__name__}")


def base_spec(spec: ModelSpec) -> ModelSpec:
    """The model as written (undoing a variant if ``spec`` is one)."""
    _require_spec(spec, "base_spec")
    return spec.extra.get("base", spec)


def apply_variant(spec: ModelSpec, name: str) -> ModelSpec:
    """The spec of variant ``name`` (``base`` returns the model as written).

    Raises :class:`KeyError` for an unknown name (the CLI turns it into a message) and
    :class:`TypeError` if ``spec`` is not a :class:`ModelSpec`.
    """
    _require_spec(spec, "apply_variant")
    base = base_spec(spec)
    if name == BASE_VARIANT:
        return base
    preferences, removed_groups, removed_infeasible, added_groups, added_infeasible, \
        attitudes = _resolve(base, name)
    groups = tuple(g for k, g in enumerate(base.groups) if k not in removed_groups)
    infeasible = tuple(s for k, s in enumerate(base.infeasible) if k not in removed_infeasible)
    return dataclasses.replace(
        base,
        preferences=tuple(preferences),
        groups=groups + added_groups,
        infeasible=infeasible + added_infeasible,
        attitudes=base.attitudes + attitudes,
        extra={**base.extra, "variant": name, "base": base},
    )


_Resolved = tuple[tuple, frozenset[int], frozenset[int], tuple, tuple, tuple]


def _resolve(base: ModelSpec, name: str) -> _Resolved:
    """What variant ``name`` of the model as written ``base`` amounts to: the preferences
    used, the indices of the model's groups and infeasible statements removed, the groups
    and statements added, the attitude entries of the chain (first the one it extends).
    Raises :class:`KeyError` for an unknown name.

    Each variant is resolved once, from the variant it extends, and remembered in
    ``base.cache``, so resolving every variant of a long ``extends`` chain takes time linear
    in its length rather than quadratic.
    """
    memo: dict[str, _Resolved] = base.cache.setdefault("resolved variants", {})
    pending: list[VariantSpec] = []
    seen: set[str] = set()
    current: str | None = name
    while current is not None and current not in memo:
        variant = base.variant_spec(current)
        if variant is None or current in seen:  # unknown, or (guard) a circle
            raise KeyError(current)
        pending.append(variant)
        seen.add(current)
        current = variant.extends
    for variant in reversed(pending):
        if variant.extends is None:
            start: _Resolved = (tuple(base.preferences), frozenset(), frozenset(), (), (), ())
        else:
            start = memo[variant.extends]
        preferences = list(start[0])
        for index, pref in variant.preferences:
            preferences[index] = pref
        memo[variant.name] = (
            tuple(preferences),
            start[1] | frozenset(variant.remove_groups),
            start[2] | frozenset(variant.remove_infeasible),
            start[3] + variant.add_groups,
            start[4] + variant.add_infeasible,
            start[5] + variant.attitudes,
        )
    return memo[name]


def variant_chain(spec: ModelSpec, name: str) -> list[VariantSpec]:
    """The variants applied for ``name``, first the one it extends (recursively), last
    itself. Raises :class:`KeyError` for an unknown name."""
    base = base_spec(spec)
    chain: list[VariantSpec] = []
    current: str | None = name
    while current is not None:
        variant = base.variant_spec(current)
        if variant is None:
            raise KeyError(current)
        chain.append(variant)
        current = variant.extends
    return chain[::-1]


def unknown_variant(spec: ModelSpec, name: str, parameter: str = "name") -> ParameterError:
    """The error for a variant name (the argument ``parameter``) naming no variant of the
    model."""
    known = ", ".join(variant_names(spec))
    return ParameterError(f"the model has no variant '{name}'", parameter=parameter,
                          hint=f"use one of: {known}")


def compile_variant(spec: ModelSpec, name: str,
                    max_states: int = DEFAULT_MAX_STATES) -> Conflict:
    """Compile variant ``name`` of a model (``spec`` is a :class:`ModelSpec`, e.g.
    ``conflict.spec``; anything else raises :class:`TypeError`). Problems the variant causes
    (no feasible state, a ranking that no longer covers every state) are reported at the
    variant's lines, or with the variant named."""
    _require_spec(spec, "compile_variant")
    try:
        variant_model = apply_variant(spec, name)
    except KeyError:
        raise unknown_variant(spec, name) from None
    try:
        return compile_model(variant_model, max_states=max_states)
    except NoFeasibleStateError as exc:
        variant = base_spec(spec).variant_spec(name)
        if variant is None:
            raise
        line, column = spec.locations.find(variant.path)
        raise ModelError(f"in variant '{name}': {exc.message}", file=exc.file, line=line,
                         column=column, hint="check the variant's 'feasibility: add:' "
                         "constraints") from None
    except StatusQuoInfeasibleError:
        if base_spec(spec).variant_spec(name) is None or variant_model.status_quo is None:
            raise
        raise _status_quo_error(spec, name, variant_model.status_quo) from None
    except ModelError as exc:
        if base_spec(spec).variant_spec(name) is None:
            raise
        if exc.message.startswith(f"in variant '{name}'"):
            raise
        raise dataclasses.replace(exc, message=f"in variant '{name}': {exc.message}") \
            from None


def _status_quo_error(spec: ModelSpec, name: str, status_quo: tuple[int, ...]) -> ModelError:
    """The status quo (feasible in the model as written) is excluded by variant ``name``:
    point at the constraint the variant (or one it extends) adds that excludes it."""
    base = base_spec(spec)
    pattern = np.array([sum(1 << k for k in status_quo)], dtype=np.uint64)
    taken = ", ".join(base.options[k].key for k in status_quo) or "no option"
    chain = variant_chain(base, name)
    culprit: tuple[VariantSpec, tuple[str | int, ...], str] | None = None
    for variant in reversed(chain):
        for group in variant.add_groups:
            mask = sum(1 << k for k in group.options)
            if not bool(group_ok(pattern, group.kind, mask)[0]):
                listed = ", ".join(base.options[k].key for k in group.options)
                culprit = (variant, group.path, f"{group.kind} group [{listed}]")
                break
        for stmt in variant.add_infeasible if culprit is None else ():
            if stmt.expr is not None and bool(stmt.expr.evaluate_bits(pattern)[0]):
                culprit = (variant, stmt.path, f"infeasible statement '{stmt.text}'")
                break
        if culprit is not None:
            break
    if culprit is None:
        owner = chain[-1]
        where: tuple[str | int, ...] = (*owner.path, "feasibility")
        what = "feasibility changes"
    else:
        owner, where, what = culprit
    line, column = base.locations.find(where)
    adder = "it adds" if owner.name == name else \
        f"added by variant '{owner.name}' (which '{name}' extends)"
    return ModelError(
        f"in variant '{name}': the status quo ({taken}) is not a feasible state: "
        f"the {what} {adder} excludes it",
        file=base.file, line=line, column=column,
        hint="the status quo is shared by every variant; change this constraint so that it "
        "allows the status quo, or correct 'status_quo:' if it is wrong",
    )


def variant_conflicts(conflict_or_spec: Conflict | ModelSpec,
                      names: Iterable[str] | None = None,
                      max_states: int = DEFAULT_MAX_STATES) -> dict[str, Conflict]:
    """``{variant name: compiled conflict}`` for the given names (default: base and every
    variant). A compiled base conflict passed in is reused."""
    if isinstance(conflict_or_spec, Conflict):
        spec = conflict_or_spec.spec
        given: Conflict | None = conflict_or_spec
    else:
        spec, given = conflict_or_spec, None
    wanted: Sequence[str] = tuple(names) if names is not None else variant_names(spec)
    known = variant_names(base_spec(spec))
    for name in wanted:  # before anything is compiled
        if name not in known:
            raise unknown_variant(spec, name, "names")
    out = {}
    for name in wanted:
        if given is not None and given.spec.variant == name:
            out[name] = given
        else:
            out[name] = compile_variant(spec, name, max_states)
    return out


def describe_variant(spec: ModelSpec, name: str) -> str:
    """One line saying what the variant changes (for tables and reports)."""
    base = base_spec(spec)
    if name == BASE_VARIANT:
        return "the model as written"
    v = base.variant_spec(name)
    if v is None:
        raise KeyError(name)
    parts = []
    if v.preferences:
        parts.append("preferences of " + ", ".join(base.dms[i].id for i, _ in v.preferences)
                     + " replaced")
    if v.add_groups or v.add_infeasible:
        parts.append(f"{len(v.add_groups) + len(v.add_infeasible)} constraint(s) added")
    if v.remove_groups or v.remove_infeasible:
        parts.append(f"{len(v.remove_groups) + len(v.remove_infeasible)} constraint(s) removed")
    if v.attitudes:
        parts.append("attitudes of " + ", ".join(dict.fromkeys(
            base.dms[a.holder].id for a in v.attitudes)) + " changed")
    if v.extends:
        parts.insert(0, f"starts from variant {v.extends}")
    return f"{v.description} ({'; '.join(parts) or 'no change'})"


__all__ = ["BASE_VARIANT", "VariantSpec", "apply_variant", "base_spec", "compile_variant",
           "describe_variant", "unknown_variant", "variant_chain", "variant_conflicts",
           "variant_names"]
