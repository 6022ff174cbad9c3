"""Claim forms about evolution from the status quo (status quo analysis).

* ``STATEMENT is reachable from the status quo``: some state where STATEMENT holds can be
  reached from the status quo by a legal sequence of unilateral improvements (Li, Kilgour &
  Hipel 2005; no decision maker moves twice in a row). The witness is a shortest path.
* ``STATEMENT is not reachable from the status quo``: the negation; the witness is the set
  of states that are reachable.

Add ``by any moves`` after ``status quo`` to allow any unilateral moves, not only
improvements. These forms use no solution concept (an ``under`` part is not allowed), and
need a model with a status quo (without one they are refused when the model is read).
"""

from __future__ import annotations

import re

from standoff.analysis.claims import Claim, ClaimForm, Verdict, register_form
from standoff.analysis.paths import reachable_states, shortest_path


def _evaluate(claim: Claim, analysis, concept, negated: bool) -> Verdict:
    c = analysis.conflict
    kind = "any" if re.search(r"by\s+any\s+moves?\s*$", claim.text.split(" under ")[0],
                              re.IGNORECASE) else "ui"
    how = "by any moves" if kind == "any" else "by unilateral improvements"
    if c.status_quo is None:  # refused when the model is read; kept for hand-built claims
        return Verdict(None, False, "Cannot be checked: the model states no status quo "
                       "(add 'status_quo:' to the model).")
    target = claim.subject.select(c)
    if not target.any():
        word = "Holds vacuously" if negated else "Fails trivially"
        return Verdict(None, negated, f"{word}: no feasible state has {claim.subject.text}.",
                       vacuous=negated)
    reach = reachable_states(c, moves=kind)
    hits = [int(s) for s in (reach & target).nonzero()[0]]
    if hits:
        paths = [shortest_path(c, s + 1, moves=kind) for s in hits]
        best = min((p for p in paths if p is not None), key=lambda p: len(p.steps))
        sentence = best.sentence(c)
        verdict = not negated
        head = (f"{'Holds' if verdict else 'Fails'}: {c.show(best.target - 1)}, which has "
                f"{claim.subject.text}, is reachable from the status quo {how}.")
        return Verdict(None, verdict, head, (sentence,), (best.target,))
    reached = [int(s) + 1 for s in reach.nonzero()[0]]
    shown = ", ".join(c.show(s - 1) for s in reached[:12])
    more = f" and {len(reached) - 12} more" if len(reached) > 12 else ""
    verdict = negated
    head = (f"{'Holds' if verdict else 'Fails'}: no state with {claim.subject.text} is "
            f"reachable from the status quo {how}.")
    return Verdict(None, verdict, head, (f"The states reachable {how} are {shown}{more}.",),
                   tuple(reached[:12]))


_I = re.IGNORECASE | re.DOTALL
_TAIL = r"\s+reachable\s+from\s+the\s+status\s+quo(?:\s+by\s+(?:unilateral\s+improvements|any" \
    r"\s+moves?))?"
register_form(ClaimForm(
    "not-reachable", "STATEMENT is not reachable from the status quo [by any moves]",
    re.compile(r"(?P<subject>.+?)\s+is\s+not" + _TAIL, _I),
    lambda claim, analysis, concept: _evaluate(claim, analysis, concept, negated=True),
    uses_concepts=False, subject_may_be_status_quo=False, needs_status_quo=True,
))
register_form(ClaimForm(
    "reachable", "STATEMENT is reachable from the status quo [by any moves]",
    re.compile(r"(?P<subject>.+?)\s+is" + _TAIL, _I),
    lambda claim, analysis, concept: _evaluate(claim, analysis, concept, negated=False),
    uses_concepts=False, subject_may_be_status_quo=False, needs_status_quo=True,
))
