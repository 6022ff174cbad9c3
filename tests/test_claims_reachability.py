"""Claims about evolution from the status quo, and explanations of limited-move verdicts."""

from __future__ import annotations

import shutil

from cli_runner import run
from conftest import EXAMPLES

import standoff
from standoff.analysis.claims import check_claims

ELMIRA_CLAIMS = """
claims:
  insist-reachable:
    check: lg.insist is reachable from the status quo
    text: The local government can get its way by insisting.
  accepted-modified-not-reachable:
    check: modify and accept is not reachable from the status quo
    text: Improvements alone never bring a modified order that Uniroyal accepts.
  accepted-modified-by-any-moves:
    check: modify and accept is reachable from the status quo by any moves
    text: Some sequence of moves does.
"""


def _elmira_with_claims(tmp_path):
    path = tmp_path / "elmira.yaml"
    shutil.copy(EXAMPLES / "elmira.yaml", path)
    with path.open("a", encoding="utf-8") as f:
        f.write(ELMIRA_CLAIMS)
    return path


def test_reachability_claims_on_elmira(tmp_path):
    """Elmira (Fang, Hipel & Kilgour 1993): from the status quo 1, the only unilateral
    improvement is the local government's 1→5 (insist); from 5 nobody improves, so states
    with the order modified and accepted (4, 8) are reached only by other moves."""
    path = _elmira_with_claims(tmp_path)
    conflict = standoff.load(path)
    results = {r.id: r for r in check_claims(standoff.analyze(conflict))}
    insist = results["insist-reachable"].verdicts[0]
    assert insist.holds and insist.witnesses == (5,)
    assert "Local government moves to 5 (NYNNY)" in insist.details[0]
    blocked = results["accepted-modified-not-reachable"].verdicts[0]
    assert blocked.holds and set(blocked.witnesses) == {1, 5}
    anyway = results["accepted-modified-by-any-moves"].verdicts[0]
    assert anyway.holds and anyway.witnesses[0] in (4, 8)


def test_reachability_claim_rejects_under(tmp_path):
    path = _elmira_with_claims(tmp_path)
    text = path.read_text().replace(
        "check: lg.insist is reachable from the status quo",
        "check: lg.insist is reachable from the status quo under seq",
    )
    path.write_text(text)
    result = run("claims", path)
    assert result.code == 2 and "does not depend on a solution concept" in result.err


def test_explain_limited_move_uses_the_anticipated_line_of_play():
    """Chicken L2 (case file gmcr_chicken.json, L2 row: P1 stable only at 2): state 3 is
    not L2-stable for P1, because moving to 4 is expected to end at 2."""
    result = run("explain", EXAMPLES / "chicken.yaml", "3", "--dm", "p1", "--concept", "l2")
    assert result.code == 0
    assert "3 (NY) is not L(2) stable for Driver 1" in result.out
    assert "expecting to end at 2 (YN)" in result.out


def test_report_traces_evolution_from_the_status_quo(tmp_path):
    """The report's evolution section shows Elmira's path 1 → 5 (lg insists) as an
    evolution table, and says which equilibria are reachable."""
    out = tmp_path / "elmira.html"
    assert run("report", EXAMPLES / "elmira.yaml", "-o", out).code == 0
    html = out.read_text(encoding="utf-8")
    section = html.split('<h2 id="evolution">', 1)[1].split("<h2", 1)[0]
    assert "Path to 5 (NYNNY)" in section
    assert "<td>lg.insist</td><td>N</td><td>Y*</td>" in section
    assert "SEQ equilibria reachable: 5 (NYNNY)." in section
    md = tmp_path / "elmira.md"
    assert run("report", EXAMPLES / "elmira.yaml", "-o", md).code == 0
    assert "## Evolution from the status quo" in md.read_text(encoding="utf-8")
