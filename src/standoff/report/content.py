"""What a report says, independent of how it is rendered (HTML, Markdown, terminal).

:func:`build_report` analyses the model and each selected variant and checks its claims;
the helpers below put the model into words. Text about a premise never states the
source's view as a fact: a quoted premise reads "<the source's title> holds that …", an
unsupported one "assumption: …".
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from standoff.analysis.claims import ClaimResult, check_claims, concepts_needed, variant_summary
from standoff.analysis.result import Analysis, analyze, parse_concepts
from standoff.analysis.variants import (
    base_spec,
    describe_variant,
    variant_conflicts,
    variant_names,
)
from standoff.concepts import label as concept_label
from standoff.graph.conflict import Conflict
from standoff.model.loader import Evidence, ModelSpec, PreferenceSpec, StatementSpec
from standoff.words import plural

if TYPE_CHECKING:
    from standoff.analysis.comparison import ModelComparison
    from standoff.bargaining.inputs import BargainingModel
    from standoff.report.levels import LevelsSection


@dataclass(frozen=True)
class VariantRun:
    """One variant analysed: its conflict, stability verdicts and claim verdicts."""

    name: str
    description: str
    conflict: Conflict
    analysis: Analysis
    claims: tuple[ClaimResult, ...]


@dataclass(frozen=True)
class ReportContent:
    """Everything a report shows: the model (``spec``, the base) and one run per variant."""

    spec: ModelSpec
    runs: tuple[VariantRun, ...]
    concepts: tuple[str, ...]
    bargaining: BargainingSection | None = None
    #: For a hierarchical model: the levels (drawing, local conflicts, consistency).
    levels: LevelsSection | None = None
    #: With ``standoff report --compare OTHER``: this model compared with the other one.
    comparison: ModelComparison | None = None

    @property
    def base(self) -> VariantRun:
        return self.runs[0]

    def claim_results(self, claim_id: str) -> list[ClaimResult]:
        """The results of one claim, one per variant run."""
        return [r for run in self.runs for r in run.claims if r.id == claim_id]

    def claim_summary(self, claim_id: str) -> str:
        """``holds in every variant`` / ``holds only in variants …`` / ``fails …``."""
        return variant_summary(self.claim_results(claim_id))

    @property
    def any_claim_fails(self) -> bool:
        return any(not r.holds for run in self.runs for r in run.claims)


def build_report(
    conflict: Conflict,
    concepts: Iterable[str] | None = None,
    variants: Sequence[str] | None = None,
    max_states: int | None = None,
    progress: Callable[[int, int, str], object] | None = None,
    compare: Conflict | None = None,
) -> ReportContent:
    """Analyse ``conflict`` and the named variants (default: every variant) under
    ``concepts`` (default: Nash, GMR, SMR, SEQ, SIM, plus any a claim names), and check the
    claims in each. An unknown concept raises
    :class:`~standoff.concepts.UnknownConceptError`. ``progress`` is called as
    :func:`~standoff.analysis.analyze` calls it, the label naming the variant first.

    A hierarchical model also gets its levels (:func:`standoff.report.levels.build_levels`);
    with ``compare``, the model as written is compared with that other model under the
    same concepts (:func:`standoff.analysis.comparison.compare_conflicts`)."""
    spec = base_spec(conflict.spec)
    default = parse_concepts(concepts)  # the catalogue's keys; DEFAULT_CONCEPTS for None
    needed = concepts_needed([c.claim for c in spec.claims], default)
    names = tuple(variants) if variants is not None else variant_names(spec)
    kwargs = {} if max_states is None else {"max_states": max_states}
    runs = []
    for name, variant_conflict in variant_conflicts(conflict, names, **kwargs).items():
        step = None if progress is None else (
            lambda done, total, what, name=name: progress(done, total, f"{name}: {what}"))
        analysis = analyze(variant_conflict, needed, progress=step)
        runs.append(VariantRun(name, describe_variant(spec, name), variant_conflict, analysis,
                               tuple(check_claims(analysis, name, default))))
    levels = comparison = None
    from standoff.analysis.hierarchy import is_hierarchical

    if is_hierarchical(conflict):
        from standoff.report.levels import build_levels

        levels = build_levels(conflict, default)
    if compare is not None:
        from standoff.analysis.comparison import compare_conflicts

        comparison = compare_conflicts(runs[0].conflict, compare, default)
    return ReportContent(spec, tuple(runs), needed, levels=levels, comparison=comparison)


MAX_EVOLUTION_STATES = 5000


def cli_model_name(spec: ModelSpec) -> str:
    """The model file as it would be typed on a command line (``MODEL`` when unknown)."""
    import shlex

    file = (spec.file or "").strip()
    if not file or file.startswith("<"):
        return "MODEL"
    return shlex.quote(file)


def paths_more_hint(spec: ModelSpec) -> str:
    """How a report's reader gets the evolution paths it leaves out: the ``standoff paths``
    command (``--to`` is its option, not the report's)."""
    return f"list them with: standoff paths {cli_model_name(spec)} --to STATE"


#: Reports of bigger models show only the status quo and equilibria in their state tables
MAX_REPORT_STATES = 200
#: Equilibria listed in words per concept before "and N more"
MAX_REPORT_EQUILIBRIA = 50


def report_states(run: VariantRun) -> tuple[list[int], str | None]:
    """The states (0-based) a report's state and stability tables show, and a note saying
    what is left out and how to get it (None when every state is shown)."""
    from standoff.analysis.result import shown_states

    c = run.conflict
    shown = shown_states(run.analysis, MAX_REPORT_STATES)
    if shown is None:
        return list(range(c.state_count)), None
    model = cli_model_name(c.spec)
    note = (f"The model has {c.state_count:,} states; these tables show the status quo and "
            f"equilibria only ({plural(len(shown), 'state')}). Every state: standoff states "
            f"{model} --format csv; every verdict: standoff analyze {model} --format csv.")
    return shown, note


def listed_equilibria(states: Sequence[int]) -> tuple[list[int], str]:
    """At most :data:`MAX_REPORT_EQUILIBRIA` equilibria (1-based) to describe in words, and
    "and N more" for the rest ("" when all are listed)."""
    head = list(states[:MAX_REPORT_EQUILIBRIA])
    rest = len(states) - len(head)
    return head, (f"and {plural(rest, 'more equilibrium', 'more equilibria')}" if rest else "")


def evolution_missing(content: ReportContent) -> str:
    """Why the report has no evolution section: no status quo, or a model too large (then
    the command that traces it)."""
    c = content.base.conflict
    if c.status_quo is None:
        return ("The model states no status quo, so there is no evolution to trace (add "
                "status_quo: to the model).")
    return (f"The model has {c.state_count:,} states, more than the "
            f"{MAX_EVOLUTION_STATES:,} this report traces evolution for; run: standoff paths "
            f"{cli_model_name(content.spec)}")


def evolution_of(content: ReportContent):
    """Status quo analysis of the base model (None without a status quo, or when the model
    is too large for a report)."""
    from standoff.analysis.paths import status_quo_analysis

    base = content.base
    if base.conflict.status_quo is None or base.conflict.state_count > MAX_EVOLUTION_STATES:
        return None
    return status_quo_analysis(base.conflict, base.analysis)


# -- the bottom line -------------------------------------------------------------------------
#: States listed by name in one sentence of the bottom line before "and N more".
MAX_BOTTOM_LINE_STATES = 8


@dataclass(frozen=True)
class BottomLine:
    """What a report says first, before any table.

    ``claims``: sentences on the claims (how many follow everywhere, which fail in the
    model as written and what they say, which depend on the variant or the concept), each
    in the words of the claims table (:func:`verdict_phrase`, :func:`variant_summary`);
    ``outcomes``: the equilibria of the model as written and where the status quo can
    move; ``missing``: one line saying what the model does not have (evidence, claims,
    variants, a status quo), or None.
    """

    claims: tuple[str, ...]
    outcomes: tuple[str, ...]
    missing: str | None


def _as_written(run: VariantRun) -> str:
    return "the model as written" if run.name == "base" else f"variant {run.name}"


def _states_listed(conflict: Conflict, states: Sequence[int]) -> str:
    """States (1-based) as ``9 (NYNYN), 18 (NYNYY)``, at most
    :data:`MAX_BOTTOM_LINE_STATES` of them, then "and N more"."""
    shown = [conflict.show(s - 1) for s in states[:MAX_BOTTOM_LINE_STATES]]
    rest = len(states) - len(shown)
    return ", ".join(shown) + (f" and {rest:,} more" if rest else "")


def _concepts_words(keys: Sequence[str], every: Sequence[str]) -> str:
    if len(keys) == len(every) and len(every) > 1:
        return "every concept"
    return ", ".join(concept_name(k) for k in keys)


def claims_bottom_line(content: ReportContent) -> list[str]:
    """The claims in a few sentences, each saying what the claims table says."""
    spec = content.spec
    if not spec.claims:
        return []
    base = content.base
    where = _as_written(base)
    everywhere, failing, depending = [], [], []
    for claim in spec.claims:
        results = content.claim_results(claim.id)
        words = {r.verdict_word for r in results}
        base_word = next(r.verdict_word for r in results if r.variant == base.name)
        if words == {"holds"}:
            everywhere.append(claim.id)
        elif base_word == "fails":
            failing.append(claim)
        else:
            depending.append(claim)
    scope = (f"under {', '.join(concept_name(k) for k in content.concepts)}"
             + (f", in {plural(len(content.runs), 'variant')}" if len(content.runs) > 1 else ""))
    counts = [f"{len(everywhere):,} "
              + ("follows" if len(everywhere) == 1 else "follow")
              + (" everywhere" if len(content.runs) > 1 else "") + " under every concept",
              f"{len(failing):,} {'fails' if len(failing) == 1 else 'fail'} in {where}"]
    if depending:
        counts.append(f"{len(depending):,} {'depends' if len(depending) == 1 else 'depend'} "
                      + ("on the variant or the concept" if len(content.runs) > 1
                         else "on the concept"))
    out = [f"{plural(len(spec.claims), 'claim')} checked {scope}: " + "; ".join(counts) + "."]
    if everywhere:
        out.append("Follows " + ("in every variant " if len(content.runs) > 1 else "")
                   + "under every concept: " + ", ".join(everywhere) + ".")
    for claim in failing:
        sentence = claim_sentence(spec, claim.id)
        text = (f"Fails in {where}: {claim.id} ({sentence[:1].upper() + sentence[1:]}) "
                f"fails under every concept checked there")
        if len(content.runs) > 1:
            text += f"; across variants it {content.claim_summary(claim.id)}"
        out.append(text + ".")
    for claim in depending:
        if len(content.runs) > 1:
            out.append(f"Depends on the variant or the concept: {claim.id} "
                       f"{content.claim_summary(claim.id)}.")
        else:
            r = content.claim_results(claim.id)[0]
            out.append(f"Depends on the concept: {claim.id} is {verdict_phrase(r)}.")
    return out


def outcomes_bottom_line(content: ReportContent) -> list[str]:
    """The equilibria of the model as written (grouped by the concepts they hold under) and
    where the status quo can move."""
    run = content.base
    c = run.conflict
    concepts = run.analysis.concepts
    where = _as_written(run)
    by_state: dict[int, list[str]] = {}
    for k in concepts:
        for s in run.analysis.equilibria[k]:
            by_state.setdefault(s, []).append(k)
    out = []
    if not by_state:
        out.append(f"Equilibria of {where}: none under "
                   f"{', '.join(concept_name(k) for k in concepts)}.")
    else:
        groups: dict[tuple[str, ...], list[int]] = {}
        for s, keys in sorted(by_state.items()):
            groups.setdefault(tuple(keys), []).append(s)
        parts = [f"{_states_listed(c, states)} under {_concepts_words(keys, concepts)}"
                 for keys, states in sorted(groups.items(), key=lambda kv: -len(kv[0]))]
        out.append(f"Equilibria of {where}: " + "; ".join(parts) + ".")
    if c.status_quo is None:
        return out
    from standoff.analysis.claims import state_in_words

    sq_text = f"The status quo is {state_in_words(c, c.status_quo)}."
    sq = evolution_of(content)
    if sq is None:
        out.append(f"{sq_text} {evolution_missing(content)}")
        return out
    at = sq.at_start
    if at:
        sq_text += f" It is itself an equilibrium under {_concepts_words(at, concepts)}."
    others = len(sq.reachable) - 1
    reach: dict[int, list[str]] = {}
    for k, states in sq.reachable_equilibria.items():
        for s in states:
            if s != sq.start:
                reach.setdefault(s, []).append(k)
    if others <= 0:
        move = f"No legal sequence of {sq.how} leads away from it."
    else:
        move = (f"Legal sequences of {sq.how} lead from it to "
                f"{plural(others, 'other state')}")
        if reach:
            shown = [f"{c.show(s - 1)} ({_concepts_words(keys, concepts)})"
                     for s, keys in sorted(reach.items())[:MAX_BOTTOM_LINE_STATES]]
            rest = len(reach) - len(shown)
            move += ("; the equilibria among them: " + ", ".join(shown)
                     + (f" and {rest:,} more" if rest else "") + ".")
        else:
            move += ", none of them an equilibrium."
    out.append(f"{sq_text} {move}")
    return out


def missing_line(content: ReportContent) -> str | None:
    """One line naming what the model does not have (evidence for its premises, claims,
    variants, a status quo), so that the report can leave those sections out; None when
    it has all of them."""
    spec = content.spec
    lacks = []
    if not has_evidence(content):
        lacks.append("no evidence for its premises (no quotes, no stated assumptions)")
    if not spec.claims:
        lacks.append("no claims to check")
    if len(variant_names(spec)) <= 1:
        lacks.append("no variants")
    if content.base.conflict.status_quo is None:
        lacks.append("no status quo")
    if not lacks:
        return None
    listed = lacks[0] if len(lacks) == 1 else ", ".join(lacks[:-1]) + " and " + lacks[-1]
    return f"This model has {listed}; the report leaves out the sections they would fill."


def bottom_line(content: ReportContent) -> BottomLine:
    """The report's opening summary (see :class:`BottomLine`)."""
    return BottomLine(tuple(claims_bottom_line(content)), tuple(outcomes_bottom_line(content)),
                      missing_line(content))


def has_evidence(content: ReportContent) -> bool:
    """Whether some premise or claim of the model cites a quote or states an assumption."""
    return any(r.kind != "none" for r in evidence_rows(content.spec))


# -- words -----------------------------------------------------------------------------------
def source_label(spec: ModelSpec, source: str | None) -> str:
    """How a source is named in running text: its ``title`` from ``sources:`` (``Commentary
    on the Istanbul talks, dated 8 June 2025``), never its id turned into words; ``the
    source`` when the id is unknown or missing. The title is written as given, so a sentence
    that starts with it keeps its capital."""
    if source is None:
        return "the source"
    entry = (getattr(spec, "sources", None) or {}).get(source)
    title = getattr(entry, "title", None)
    if isinstance(title, str) and title.strip():
        return " ".join(title.split())
    return "the source"


def verdict_phrase(result: ClaimResult) -> str:
    """One claim in one variant as the claims table says it, with the concepts when it is
    mixed: ``holds``, ``fails``, ``mixed (3/5): holds under Nash, SEQ, SIM; fails under GMR,
    SMR``."""
    word = result.verdict_word
    if word in ("holds", "fails"):
        return word
    return f"{word}: {result.verdict_text}"


def evidence_words(spec: ModelSpec, evidence: Evidence | None) -> str:
    """``the commentary holds that “…”``, ``assumption: …`` or ``no evidence given``."""
    if evidence is None:
        return "no evidence given"
    if evidence.quote is not None:
        return f"{source_label(spec, evidence.source)} holds that “{evidence.quote.strip()}”"
    if evidence.assumption is not None:
        return f"assumption: {evidence.assumption.strip()}"
    if evidence.source is not None:
        return f"from {source_label(spec, evidence.source)} (no quote given)"
    return "no evidence given"


def evidence_kind(evidence: Evidence | None) -> str:
    """``quote``, ``assumption`` or ``none``."""
    if evidence is None:
        return "none"
    if evidence.quote is not None:
        return "quote"
    if evidence.assumption is not None:
        return "assumption"
    return "none"


@dataclass(frozen=True)
class EvidenceRow:
    """One premise of the model and what supports it."""

    where: str
    statement: str
    kind: str  # quote | assumption | none
    support: str  # the quote, or the assumption's reason, or ""
    source: str | None
    note: str | None = None
    claim: bool = False  # a claim of the model (a conclusion), not a premise
    prose: bool = False  # the statement is prose (a variant's description), not an expression


def evidence_summary(rows: Sequence[EvidenceRow]) -> str:
    """How the premises and, separately, the claims are supported, in one or two sentences:
    ``3 premises: 1 quotes its source, 2 are the modeller's assumptions. 1 claim: …``."""
    out = []
    for noun, group in (("premise", [r for r in rows if not r.claim]),
                        ("claim", [r for r in rows if r.claim])):
        if not group:
            continue
        counts = {k: sum(r.kind == k for r in group) for k in ("quote", "assumption", "none")}
        parts = []
        if counts["quote"]:
            verb = "quotes its" if counts["quote"] == 1 else "quote their"
            parts.append(f"{counts['quote']:,} {verb} source")
        if counts["assumption"]:
            verb = "is a" if counts["assumption"] == 1 else "are the"
            parts.append(f"{counts['assumption']:,} {verb} modeller's assumption"
                         + ("" if counts["assumption"] == 1 else "s"))
        if counts["none"]:
            verb = "gives" if counts["none"] == 1 else "give"
            parts.append(f"{counts['none']:,} {verb} no evidence")
        out.append(f"{plural(len(group), noun)}: {', '.join(parts)}.")
    return " ".join(out)


def _preference_rows(spec: ModelSpec, dm: int, pref: PreferenceSpec, where: str
                     ) -> list[EvidenceRow]:
    rows = []
    items: list[StatementSpec]
    if pref.kind == "ranking":
        items = [s for group in pref.ranking for s in group]
    else:
        items = list(pref.statements)
    for k, stmt in enumerate(items, start=1):
        rows.append(_row(f"{where}, {pref.kind} item {k}", stmt.text, stmt.evidence))
    return rows


def _row(where: str, statement: str, evidence: Evidence | None,
         claim: bool = False, prose: bool = False) -> EvidenceRow:
    kind = evidence_kind(evidence)
    support = ""
    if evidence is not None:
        support = (evidence.quote if kind == "quote" else evidence.assumption) or ""
    return EvidenceRow(where, statement, kind, support.strip(),
                       evidence.source if evidence else None,
                       evidence.note if evidence else None, claim, prose)


def evidence_rows(spec: ModelSpec) -> list[EvidenceRow]:
    """Every premise with its evidence: preferences, infeasible statements, variants
    (and their preferences and constraints); then the claims (rows marked ``claim``)."""
    spec = base_spec(spec)
    rows: list[EvidenceRow] = []
    for d, pref in enumerate(spec.preferences):
        rows += _preference_rows(spec, d, pref, f"{spec.dms[d].name}'s preferences")
    for k, stmt in enumerate(spec.infeasible, start=1):
        rows.append(_row(f"infeasible statement {k}", stmt.text, stmt.evidence))
    for v in spec.variants:
        rows.append(_row(f"variant {v.name}", v.description, v.evidence, prose=True))
        for d, pref in v.preferences:
            rows += _preference_rows(spec, d, pref,
                                     f"variant {v.name}: {spec.dms[d].name}'s preferences")
        for k, stmt in enumerate(v.add_infeasible, start=1):
            rows.append(_row(f"variant {v.name}: added infeasible statement {k}", stmt.text,
                             stmt.evidence))
    for c in spec.claims:
        rows.append(_row(f"claim {c.id}", c.check, c.evidence, claim=True))
    return rows


def claim_sentence(spec: ModelSpec, claim_id: str) -> str:
    """The sentence a claim formalises, attributed: ``the commentary holds that “…”``."""
    for c in base_spec(spec).claims:
        if c.id == claim_id:
            if c.evidence is not None and c.evidence.quote is not None:
                return evidence_words(spec, c.evidence)
            if c.text:
                base = f"claim: {c.text.strip()}"
                if c.evidence is not None and c.evidence.assumption:
                    base += f" (assumption: {c.evidence.assumption.strip()})"
                return base
            return f"claim: {c.check}"
    raise KeyError(claim_id)


def _support(spec: ModelSpec, evidence: Evidence | None) -> str:
    """`` (the source holds that “…”)`` after a premise in words; nothing when the premise
    gives no evidence (the evidence section lists those, once)."""
    if evidence_kind(evidence) == "none" and (evidence is None or evidence.source is None):
        return ""
    return f" ({evidence_words(spec, evidence)})"


def option_direction(moves: str) -> str:
    return {"both": "can be taken and given up", "take": "once taken, never undone",
            "drop": "can only be given up"}[moves]


def model_in_words(conflict: Conflict) -> list[tuple[str, list[str]]]:
    """The model as (heading, sentences) pairs: whose view, who decides what, what can
    happen together, where things stand, what each wants."""
    spec = base_spec(conflict.spec)
    out: list[tuple[str, list[str]]] = []
    view = [spec.view.strip()] if spec.view else ["The model does not say whose view it "
                                                 "encodes."]
    if spec.description:
        view.append(spec.description.strip())
    out.append(("Whose view", view))
    dms = []
    for d in spec.dms:
        opts = "; ".join(
            f"{spec.options[k].key}: {spec.options[k].text} "
            f"({option_direction(spec.options[k].moves)})" for k in d.options
        )
        dms.append(f"{d.name} ({d.id}) decides: {opts}.")
    out.append(("Decision makers and their options", dms))
    feas = []
    words = {"exactly_one": "exactly one of", "at_most_one": "at most one of",
             "at_least_one": "at least one of"}
    for g in spec.groups:
        feas.append(f"{words[g.kind]} {', '.join(spec.options[k].key for k in g.options)}.")
    for stmt in spec.infeasible:
        feas.append(f"never: {stmt.text}{_support(spec, stmt.evidence)}.")
    for c in spec.collapses:
        feas.append(f"states with {c.text} merge into one; other options do not matter there.")
    if not feas:
        feas.append("Every combination of options can occur.")
    feas.append(f"This leaves {plural(conflict.state_count, 'state')}.")
    out.append(("What can happen together", feas))
    if conflict.status_quo is not None:
        from standoff.analysis.claims import state_in_words

        out.append(("The status quo", [state_in_words(conflict, conflict.status_quo) + "."]))
    prefs = []
    for d_index, pref in enumerate(spec.preferences):
        name = spec.dms[d_index].name
        if pref.kind == "ranking":
            prefs.append(f"{name} ranks the states directly, best first: "
                         + "; ".join(" = ".join(s.text for s in group) for group in pref.ranking)
                         + ".")
            continue
        form = "most important first" if pref.kind == "prioritize" else "with weights"
        items = []
        for stmt in pref.statements:
            w = f" [weight {stmt.weight:g}]" if pref.kind == "weights" and stmt.weight else ""
            items.append(f"{stmt.text}{w}{_support(spec, stmt.evidence)}")
        prefs.append(f"{name} prefers states where, {form}: " + "; ".join(items) + ".")
    out.append(("What each decision maker prefers", prefs))
    return out


def concept_name(key: str) -> str:
    return concept_label(key)


def equilibria_text(run: VariantRun, concept: str) -> str:
    """The equilibria of one run under one concept, as ``9 (NYNYN), 18 (NYNYY)``."""
    states = run.analysis.equilibria[concept]
    return ", ".join(run.conflict.show(s - 1) for s in states) or "none"


# --------------------------------------------------------------------------------------
# Bargaining over issues on a scale (a model file's ``bargaining:`` section)
# --------------------------------------------------------------------------------------

#: The models a report runs, in the order it shows them.
BARGAINING_MODELS = ("compromise", "median", "exchange", "expected_utility", "spatial")


@dataclass(frozen=True)
class BargainingSection:
    """What the bargaining section shows: every model's forecast, the rounds, the ZOPA.

    ``forecasts`` holds the models that ran (by name, in :data:`BARGAINING_MODELS` order);
    ``failures`` the ones that could not run on this input, with the reason; ``notes``
    how a model was run when it needed an adjustment; ``zopa`` the result of
    :func:`standoff.bargaining.zopa.zopa` under the file's agreement rule.
    """

    model: BargainingModel  # imported for type checking only (not at load time)
    forecasts: dict
    failures: dict[str, str]
    notes: dict[str, str]
    zopa: dict

    @property
    def dynamic(self) -> list[str]:
        """Models with more than one round of positions (worth a table and a plot)."""
        return [name for name, f in self.forecasts.items()
                if any(len(r.rounds) > 1 for r in f.issues.values())]


def build_bargaining(model) -> BargainingSection:
    """Run every model of :data:`BARGAINING_MODELS` and the ZOPA on a bargaining model.

    The spatial model treats all issues as one space only when every actor has a position
    on every issue; otherwise it runs issue by issue (noted in ``notes``). A model that
    cannot run is listed in ``failures`` instead of stopping the report.
    """
    from standoff.bargaining import run_model
    from standoff.bargaining.zopa import zopa
    from standoff.errors import ModelError

    forecasts: dict = {}
    failures: dict[str, str] = {}
    notes: dict[str, str] = {}
    everyone = {a.id for a in model.actors}
    complete = all(set(i.actors) == everyone for i in model.issues)
    for name in BARGAINING_MODELS:
        opts: dict[str, str] = {}
        if name == "spatial" and not complete:
            opts["dimensions"] = "separate"
            notes[name] = ("run one issue at a time: not every actor has a position on every "
                           "issue")
        try:
            forecasts[name] = run_model(model, name, **opts)
        except ModelError as err:
            failures[name] = err.message
    return BargainingSection(model, forecasts, failures, notes, zopa(model, model.agreement))


def zopa_rows(result: dict) -> list[list[str]]:
    """One row per issue of a ZOPA result: issue, zone, gap, blocking, smallest concession.

    A zone made of separate pieces (possible under a qualified majority, where different
    coalitions accept different outcomes) lists every piece; a zone on an issue the input
    gives no bounds for says so (it is the whole scale by default).
    """
    rows = []
    free = set(unbounded_issues(result))
    for iid, z in result["issues"].items():
        pieces = z.get("zones") or ([z["zone"]] if z["zone"] is not None else [])
        if z["zone"] is None:
            zone = "empty"
        else:
            zone = " ∪ ".join(f"[{lo:.4g}, {hi:.4g}]" for lo, hi in pieces)
            if len(pieces) > 1:
                zone += " (disconnected)"
            if z.get("status_quo_only"):
                zone += " (status quo only)"
            if iid in free:
                zone += " (no bounds given: the whole scale)"
        conc = z.get("concession")
        ctext = "" if not conc else (
            f"meet at {conc['at']:.4g}: "
            + ", ".join(f"{k} gives {v:.3g}" for k, v in conc["by"].items()))
        rows.append([iid, zone, f"{z['gap']:.4g}", ", ".join(z["blocking"]) or "-", ctext])
    return rows


def unbounded_issues(result: dict) -> list[str]:
    """The issues of a ZOPA result on which the input gives no bounds: no actor has an
    acceptable range, a reservation point or a status quo there and no ratifier limits
    it, so every actor's range is the whole scale and the zone is the scale by default."""
    return [iid for iid, z in result["issues"].items()
            if all(v == "unconstrained" for v in z.get("range_source", {}).values())
            and not any("/" in label for label in z.get("ranges", {}))]


def _inside(value: float, pieces: Sequence[Sequence[float]]) -> bool:
    return any(lo - 1e-9 <= value <= hi + 1e-9 for lo, hi in pieces)


def zopa_joint_sentence(result: dict) -> str:
    """Issue by issue, whether a joint zone exists, never claiming one where the input
    gives no bounds (:func:`unbounded_issues`)."""
    j = result["joint"]
    free = unbounded_issues(result)
    bounded = [i for i in result["issues"] if i not in free]
    no_bounds = ("no actor gives an acceptable range, a reservation point or a status quo, "
                 "so the zone is the whole scale by default")
    if not bounded:
        return f"The input gives no bounds: {no_bounds}; it says nothing about agreement."
    free_note = (f"; the input gives no bounds on {', '.join(free)} ({no_bounds})"
                 if free else "")
    if j["exists"]:
        where = f" on {', '.join(bounded)}" if free else ""
        return f"Issue by issue, a joint zone exists{where}{free_note}."
    return ("Issue by issue, a joint zone does not exist (it fails on "
            + ", ".join(j["failing_issues"]) + f"){free_note}.")


def zopa_forecast_sentences(result: dict, forecasts: dict) -> list[str]:
    """For each issue with a zone (and bounds), whether the models' forecasts lie in it:
    ``Every forecast on timing (…) lies outside the zone [4, 6].``"""
    out = []
    free = set(unbounded_issues(result))
    for iid, z in result["issues"].items():
        if z["zone"] is None or iid in free:
            continue
        pieces = z.get("zones") or [z["zone"]]
        values = {name: f.issues[iid].forecast for name, f in forecasts.items()
                  if iid in f.issues}
        outside = {n: v for n, v in values.items() if not _inside(v, pieces)}
        if not outside:
            continue
        zone = " ∪ ".join(f"[{lo:.4g}, {hi:.4g}]" for lo, hi in pieces)
        listed = ", ".join(f"{n} {v:.4g}" for n, v in outside.items())
        if len(outside) == len(values):
            out.append(f"Every forecast on {iid} ({listed}) lies outside the zone {zone}.")
        else:
            out.append(f"On {iid}, {plural(len(outside), 'forecast')} of {len(values)} "
                       f"({listed}) {'lies' if len(outside) == 1 else 'lie'} outside the "
                       f"zone {zone}.")
    return out


def zopa_sentences(result: dict, forecasts: dict | None = None) -> list[str]:
    """The across-issues part of a ZOPA result in words; with ``forecasts`` (model name →
    :class:`~standoff.bargaining.results.Forecast`), also where they fall outside a zone."""
    j = result["joint"]
    out = [zopa_joint_sentence(result)]
    if forecasts:
        out += zopa_forecast_sentences(result, forecasts)
    pk = j.get("package") or {}
    coalition = pk.get("coalition")
    everyone = not coalition or not pk.get("outside")
    who = ("every actor" if everyone
           else "every member of the coalition " + ", ".join(coalition or ()))
    if pk.get("exists") is True and pk.get("vacuous"):
        out.append(f"A package deal passes vacuously: {who} gives no salience to these "
                   "issues, so any package within their limits is accepted.")
    elif pk.get("exists") is True:
        out.append(f"A package deal that {who} strictly prefers to the status quo exists: "
                   + ", ".join(f"{k} = {v:.4g}" for k, v in pk["outcome"].items()) + ".")
    elif pk.get("exists") is False:
        rule = "for every actor" if everyone else "for the members of any winning coalition"
        out.append(f"No package deal is strictly better than the status quo {rule}.")
    elif pk.get("note"):
        out.append(f"The package deal was not searched: {pk['note']}")
    return out


def forecast_rows(section: BargainingSection) -> tuple[list[str], list[list[str]]]:
    """Header and rows of the forecasts table: one row per issue, one column per model."""
    names = list(section.forecasts)
    header = ["issue", "scale", "status quo", "outcome", *names]
    rows = []
    for issue in section.model.issues:
        row = [issue.name if issue.name == issue.id else f"{issue.id} ({issue.name})",
               f"{issue.low:g}-{issue.high:g}",
               "-" if issue.status_quo is None else f"{issue.status_quo:g}",
               "-" if issue.outcome is None else f"{issue.outcome:g}"]
        for name in names:
            res = section.forecasts[name].issues.get(issue.id)
            row.append("-" if res is None else f"{res.forecast:.4g}")
        rows.append(row)
    return header, rows


def round_rows(result) -> tuple[list[str], list[list[str]]]:
    """Header and rows of one issue's round table: actors by round, then median/mean rows."""
    n = len(result.rounds)
    header = ["actor", *("start" if r == 0 else f"r{r}" for r in range(n))]
    rows = [[actor, *(f"{result.rounds[r][a]:.4g}" for r in range(n))]
            for a, actor in enumerate(result.actors)]
    for key in ("median", "mean"):
        series = result.details.get(key)
        if isinstance(series, list) and len(series) == n:
            rows.append([f"({key})", *(f"{v:.4g}" for v in series)])
    return header, rows
