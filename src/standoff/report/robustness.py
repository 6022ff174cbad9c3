"""Views of a robustness result (:mod:`standoff.analysis.robustness`): plain text, Markdown
and the notebook's HTML, and the report section "How firm is each conclusion"."""

from __future__ import annotations

from html import escape

from standoff.concepts import label


def claim_line(c) -> str:
    """The head line of one claim's firmness: its verdict as written and in how many
    admissible profiles it holds (the same words in the CLI, the report and the workbench)."""
    f = c.firmness
    verdict = "holds" if f.base else "fails"
    return f"{c.id}: {verdict} as written; holds {f.phrase()}"


def has_source(result) -> bool:
    """Whether the model names a source text (premises are then called quoted or assumed)."""
    return bool(result.conflict.spec.sources)


def robustness_lines(result) -> list[str]:
    """The result in plain sentences, claim by claim, then equilibria."""
    p = result.provenance
    sourced = has_source(result)
    how = (f"{p['profiles']:,} admissible profile(s), every one evaluated" if p["exact"]
           else f"{p['profiles']:,} admissible profiles, {p['evaluated']:,} sampled "
           f"(seed {p['seed']})")
    lines = [f"How firm is each conclusion ({how}; concepts "
             f"{', '.join(label(c) for c in result.concepts)})."]
    if not p.get("enumeration_exact", True):
        lines.append("Note: a decision maker's weights declare several ranges; the orders "
                     "they admit were found on a grid and may be incomplete.")
    for c in result.claims:
        lines.append("")
        lines.append(claim_line(c))
        lines.extend(premise_lines(c.premises, c.firmness, sourced))
    if result.equilibria:
        lines.append("")
        lines.append("Equilibria:")
        for e in result.equilibria:
            f = e.firmness
            if f.of == 1 and f.exact:
                head = "an equilibrium"
            else:
                word = {"robust": "robustly", "possible": "possibly", "never": "never"}[f.word]
                head = (f"{word} an equilibrium ({f.holds:,} of {f.of:,}); "
                        f"{'an equilibrium' if f.base else 'not one'} as written")
            lines.append(f"  {label(e.concept)} {e.state + 1} ({e.pattern}): {head}; "
                         f"{e.premises.in_words(sourced)}")
    return lines


def premise_lines(pm, f, sourced: bool = True) -> list[str]:
    """The indented detail lines under a claim's firmness: example profiles where it holds
    and fails, the premises it rests on, premise sets sufficient on their own, the swaps that
    flip it, and its margin (``sourced``: call premises quoted or assumed)."""
    out = []
    if f.witness_holds and f.witness_fails and (f.witness_holds["preferences"]
                                                or f.witness_fails["preferences"]):
        out.append(f"  holds e.g. when {_reading(f.witness_holds)}")
        out.append(f"  fails e.g. when {_reading(f.witness_fails)}")
    out.append(f"  as written, the verdict {pm.in_words(sourced)}")
    if pm.sufficient:
        shown = ["{" + "; ".join(p.text for p in group) + "}" if group else
                 "no premise at all (the verdict stands with every premise dropped)"
                 for group in pm.sufficient[:3]]
        out.append(f"  sufficient on their own: {' or '.join(shown)}")
    if pm.swaps:
        out.append(f"  flipped by exchanging: {'; '.join(pm.swaps)}")
    if pm.margin is not None:
        m = pm.margin
        if m["steps"] is None:
            out.append(f"  margin: no change of one decision maker's ranking within "
                       f"{m['searched_up_to']} steps flips it")
        else:
            out.append(f"  margin: {m['steps']} step(s) in {m['dm']}'s ranking flip it")
    return out


def _reading(witness: dict) -> str:
    prefs = witness["preferences"]
    if not prefs:
        return "read as written"
    return "; ".join(f"{dm}: {text}" for dm, text in prefs.items())


def robustness_text(result) -> str:
    return "\n".join(robustness_lines(result)) + "\n"


def robustness_markdown(result) -> str:
    """The section "How firm is each conclusion" in Markdown (model text escaped)."""
    from standoff.report.markdown_text import md_text

    lines = ["## How firm is each conclusion", ""]
    for line in robustness_lines(result)[1:]:
        if not line:
            continue
        if line.startswith("  "):
            lines.append(f"  - {md_text(line.strip())}")
        else:
            lines.append(f"- {md_text(line)}")
    lines.insert(2, md_text(robustness_lines(result)[0]))
    lines.insert(3, "")
    return "\n".join(lines) + "\n"


def robustness_html(result) -> str:
    """The notebook view: a table of claims and equilibria with their firmness."""
    rows = []
    for c in result.claims:
        f = c.firmness
        rows.append(f"<tr><td>claim</td><td>{escape(c.id)}</td><td>"
                    f"{'holds' if f.base else 'fails'}</td><td>{f.holds:,} / {f.of:,}</td>"
                    f"<td>{escape(c.premises.in_words(has_source(result)))}</td></tr>")
    for e in result.equilibria:
        f = e.firmness
        rows.append(f"<tr><td>{escape(label(e.concept))} equilibrium</td><td>{e.state + 1} "
                    f"({escape(e.pattern)})</td><td>{'yes' if f.base else 'no'}</td><td>"
                    f"{f.holds:,} / {f.of:,}</td><td>"
                    f"{escape(e.premises.in_words(has_source(result)))}</td></tr>")
    head = escape(robustness_lines(result)[0])
    return (f"<p>{head}</p><table><thead><tr><th></th><th></th><th>as written</th>"
            "<th>holds in</th><th>rests on</th></tr></thead><tbody>" + "".join(rows)
            + "</tbody></table>")


# -- the report section "How firm is each conclusion" ----------------------------------------
FIRMNESS_TITLE = "How firm is each conclusion"


def report_robustness(content):
    """The robustness of the report's base model, or None when it declares no uncertainty
    (the section is then left out)."""
    conflict = content.base.conflict
    if not any(p.declares_uncertainty for p in conflict.spec.preferences):
        return None
    from standoff.analysis.robustness import robustness

    return robustness(conflict)


def _claim_paragraphs(result) -> list[tuple[str, list[str]]]:
    """Per claim: a headline sentence and the premise map in words."""
    out = []
    for c in result.claims:
        f = c.firmness
        head = (f"{c.id} {'holds' if f.base else 'fails'} as the model is written, and holds "
                f"{f.phrase()}.")
        out.append((head, premise_lines(c.premises, f, has_source(result))))
    return out


#: What the section says when the model declares no uncertainty.
NO_DECLARED_UNCERTAINTY = (
    "The model declares no uncertainty, so each verdict above rests on one reading of the "
    "preferences. Declare what the source leaves open (any_order groups, uncertain "
    "statements, weight ranges; docs/model-format.md) and run 'standoff robustness' for "
    "how firm each conclusion is and which premises carry it.")


def firmness_markdown(content) -> list[str]:
    """The section as Markdown lines (a short note when the model declares no
    uncertainty)."""
    from standoff.report.markdown_text import md_text

    result = report_robustness(content)
    if result is None:
        return [f"## {FIRMNESS_TITLE}", "", md_text(NO_DECLARED_UNCERTAINTY), ""]
    out = [f"## {FIRMNESS_TITLE}", "", md_text(robustness_lines(result)[0]), ""]
    for head, lines in _claim_paragraphs(result):
        out.append(f"- {md_text(head)}")
        out += [f"  - {md_text(line.strip())}" for line in lines]
    out.append("")
    return out


def firmness_html(content) -> list[str]:
    """The section as HTML parts (a short note when the model declares no uncertainty)."""
    result = report_robustness(content)
    head = f'<h2 id="firmness">{escape(FIRMNESS_TITLE)}</h2>'
    if result is None:
        return [head, f"<p>{escape(NO_DECLARED_UNCERTAINTY)}</p>"]
    out = [head, f"<p>{escape(robustness_lines(result)[0])}</p>", "<ul>"]
    for head, lines in _claim_paragraphs(result):
        items = "".join(f"<li>{escape(line.strip())}</li>" for line in lines)
        out.append(f"<li>{escape(head)}<ul>{items}</ul></li>")
    out.append("</ul>")
    return out


#: Above this many profiles, claims' firmness under a concept without a batched kernel
#: (SIM, L(h), NM: computed profile by profile) is sampled for ``standoff claims``.
CLAIMS_SLOW_LIMIT = 5_000


def claims_firmness(content) -> dict | None:
    """For ``standoff claims``: each claim's firmness over the base model's admissible
    profiles, under the concepts the claims are checked under ({id: Firmness}); None
    when the model declares no uncertainty."""
    conflict = content.base.conflict
    if not any(p.declares_uncertainty for p in conflict.spec.preferences):
        return None
    from standoff.analysis.admissible import profile_space
    from standoff.analysis.batch import BATCHED
    from standoff.analysis.robustness import robustness

    samples = None
    slow = any(k not in BATCHED for k in content.concepts)
    if slow and profile_space(conflict).size > CLAIMS_SLOW_LIMIT:
        samples = 2_000
    result = robustness(conflict, concepts=content.concepts, samples=samples, premises=False)
    return {c.id: c.firmness for c in result.claims}


def across_variants(results) -> list[dict]:
    """Per claim, over the set of variants (each variant with its own admissible
    profiles): the (variant, profile) pairs in which it holds, and per variant k of n."""
    out = []
    for k, first in enumerate(results[0].claims):
        entries = [r.claims[k].firmness for r in results]
        out.append({
            "claim": first.id,
            "holds": sum(f.holds for f in entries),
            "of": sum(f.of for f in entries),
            "exact": all(f.exact for f in entries),
            "variants": {r.conflict.spec.variant: {"holds": r.claims[k].firmness.holds,
                                                   "of": r.claims[k].firmness.of,
                                                   "base": r.claims[k].firmness.base}
                         for r in results},
        })
    return out


def across_variants_lines(results) -> list[str]:
    """Sentences for :func:`across_variants`."""
    lines = []
    for entry in across_variants(results):
        per = "; ".join(f"{name} {v['holds']:,}/{v['of']:,}"
                        for name, v in entry["variants"].items())
        lines.append(f"{entry['claim']}: holds in {entry['holds']:,} of {entry['of']:,} "
                     f"(variant, profile) pairs ({per})")
    return lines
