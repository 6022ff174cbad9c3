"""The answer first (issue 12): reports and summaries that say what the tables say.

The report opens with the bottom line; one verdict word per claim and variant is used by the
claims table, the sentences and the report; wide tables scroll in their own container; a
textbook model gets one line on what it lacks instead of empty sections; sources are named
by title. The command-line summaries (coalitions, paths, zopa, forecast, explain, inverse)
say exactly what was computed, and text to a pipe is never wrapped or cut.
"""

from __future__ import annotations

import json
import re
import shutil
from html.parser import HTMLParser

import pytest
from cli_runner import run
from conftest import EXAMPLES

import standoff
from standoff.report.content import build_report

ISTANBUL = EXAMPLES / "istanbul-2025" / "istanbul-2025.yaml"
ELMIRA = EXAMPLES / "elmira.yaml"
CHICKEN = EXAMPLES / "chicken.yaml"
EC = EXAMPLES / "bargaining" / "ec_emissions.yaml"
TITLE = "Commentary on the Istanbul talks, dated 8 June 2025"


@pytest.fixture(scope="module")
def istanbul():
    return build_report(standoff.load(ISTANBUL))


# -- one verdict word ------------------------------------------------------------------------
def test_no_sentence_calls_a_mixed_variant_failed(istanbul):
    """neither-satisfied holds under 3 of 5 concepts in base: the table says mixed (3/5),
    and so must the sentence across variants (it used to say "fails in base, …")."""
    results = istanbul.claim_results("neither-satisfied")
    base = next(r for r in results if r.variant == "base")
    assert base.verdict_word == "mixed (3/5)"
    summary = istanbul.claim_summary("neither-satisfied")
    assert "mixed in base (3/5)" in summary
    for claim in istanbul.spec.claims:
        summary = istanbul.claim_summary(claim.id)
        failed = summary.split("fails in ", 1)[1] if "fails in " in summary else ""
        for r in istanbul.claim_results(claim.id):
            named_failed = re.search(rf"(^|[ ,]){re.escape(r.variant)}(,|\)|;|$)", failed)
            assert bool(named_failed) == (r.verdict_word == "fails"), (claim.id, r.variant)
            if r.verdict_word.startswith("mixed"):
                assert f"{r.variant} {r.verdict_word.removeprefix('mixed ')}" in summary


def test_claims_command_sentences_match_its_table():
    out = run("claims", ISTANBUL).out
    across = out.split("Across variants:", 1)[1].split("\n\n", 1)[0]
    assert "neither-satisfied: holds only in variants strikes-need-us, maga-strikes-need-us " \
        "(mixed in base (3/5), maga (1/5), hesitant (3/5))" in across
    assert "fails in base, maga" not in across
    assert "[base] mixed (3/5): holds under Nash, SEQ, SIM; fails under GMR, SMR" in out


def test_report_bold_verdict_matches_the_table(tmp_path):
    out = tmp_path / "r.html"
    assert run("report", ISTANBUL, "-o", out).code == 0
    page = out.read_text(encoding="utf-8")
    verdicts = re.findall(r"<b>(.*?)</b>\.</p>", page)
    assert any("mixed in maga-strikes-need-us (3/5)" in v for v in verdicts)
    assert not any("fails in maga, hesitant, maga-strikes-need-us" in v for v in verdicts)


# -- the bottom line -------------------------------------------------------------------------
class _Headings(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.h2: list[str] = []
        self.tables = 0
        self.wrapped = 0
        self._stack: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "h2":
            self.h2.append(a.get("id", ""))
        if tag == "table":
            self.tables += 1
            self.wrapped += bool(self._stack) and self._stack[-1] == "scroll"
        if tag == "div":
            self._stack.append(a.get("class") or "")

    def handle_endtag(self, tag):
        if tag == "div" and self._stack:
            self._stack.pop()


@pytest.mark.parametrize("model", [ISTANBUL, ELMIRA], ids=["istanbul", "elmira"])
def test_html_report_opens_with_the_bottom_line(model, tmp_path):
    out = tmp_path / "r.html"
    assert run("report", model, "-o", out).code == 0
    page = out.read_text(encoding="utf-8")
    parsed = _Headings()
    parsed.feed(page)
    assert parsed.h2[0] == "summary"
    summary = page[page.index('id="summary"'):page.index("<h2", page.index('id="summary"'))]
    assert page.index('id="summary"') < page.index("<table")
    for later in ("states", "stability"):
        assert parsed.h2.index(later) > parsed.h2.index("summary")
    if "claims" in parsed.h2:
        assert parsed.h2.index("claims") < parsed.h2.index("states")
    assert "Equilibria of the model as written" in summary
    assert "The status quo is" in summary
    assert parsed.tables and parsed.wrapped == parsed.tables  # every table scrolls alone
    if model == ISTANBUL:
        assert "Fails in the model as written: us-can-exit" in summary
        assert "Trump can only choose to exit the war" in summary
        assert "3 depend on the variant or the concept" in summary


def test_istanbul_bottom_line_agrees_with_the_claims_command(istanbul):
    """The claim the bottom line says fails in the base model is the one `standoff claims`
    marks fails in its base column."""
    from standoff.report.content import bottom_line

    failing = [c.id for c in istanbul.spec.claims
               if istanbul.claim_results(c.id)[0].verdict_word == "fails"]
    assert failing == ["us-can-exit"]
    table = run("claims", ISTANBUL, "--variant", "base").out
    row = next(ln for ln in table.splitlines() if "us-can-exit" in ln and "│" in ln)
    assert row.split("│")[2].strip() == "fails"
    line = bottom_line(istanbul)
    assert sum("Fails in the model as written: us-can-exit" in t for t in line.claims) == 1
    assert line.missing is None


def test_markdown_report_opens_with_the_bottom_line(tmp_path):
    out = tmp_path / "r.md"
    assert run("report", ISTANBUL, "-o", out).code == 0
    text = out.read_text(encoding="utf-8")
    heads = re.findall(r"^## (.+)$", text, re.M)
    assert heads[:2] == ["Bottom line", "Claims"]
    assert heads.index("Claims") < heads.index("States") < heads.index(
        "Stability per decision maker and concept")
    top = text.split("## Claims", 1)[0]
    assert "Fails in the model as written: us-can-exit" in top
    assert "| mixed (3/5) |" in text


def test_textbook_model_gets_one_line_not_empty_sections(tmp_path):
    out = tmp_path / "r.html"
    assert run("report", ELMIRA, "-o", out).code == 0
    page = out.read_text(encoding="utf-8")
    parsed = _Headings()
    parsed.feed(page)
    assert not {"evidence", "claims", "variants"} & set(parsed.h2)
    assert "no evidence given" not in page
    assert ("This model has no evidence for its premises (no quotes, no stated assumptions), "
            "no claims to check and no variants") in page
    md = tmp_path / "r.md"
    assert run("report", ELMIRA, "-o", md).code == 0
    text = md.read_text(encoding="utf-8")
    assert "## Claims" not in text and "no evidence given" not in text
    assert "The model states no claims" not in text


def test_sources_are_named_by_title_not_id(tmp_path):
    out = tmp_path / "r.html"
    assert run("report", ISTANBUL, "-o", out).code == 0
    page = out.read_text(encoding="utf-8")
    assert f"{TITLE} holds that" in page
    assert not re.search(r"\b[Tt]he commentary holds that", page)
    claims = run("claims", ISTANBUL, "--variant", "base").out
    assert f"truce-untenable: {TITLE} holds that “any proposal" in claims


# -- command-line summaries ------------------------------------------------------------------
def test_text_to_a_pipe_is_not_wrapped_or_cut():
    out = run("claims", ISTANBUL).out
    header = next(ln for ln in out.splitlines() if "claim" in ln and "┃" in ln)
    assert "hesitant" in header and "maga-strikes-need-us" in header and "…" not in out
    assert "mixed (3/5)" in out.split("holds:", 1)[0]
    assert max(len(ln) for ln in out.splitlines()) > 80  # one line per sentence
    across = out.split("Across variants:", 1)[1].splitlines()
    line = next(ln for ln in across if ln.startswith("  us-can-exit:"))
    assert line.endswith("(fails in base, strikes-need-us)")


def test_coalitions_says_which_coalitions_were_analysed():
    out = run("coalitions", ELMIRA).out
    assert "stable for every coalition" not in out
    assert ("States stable for each of the 4 coalitions analysed (moe + uniroyal; moe + lg; "
            "uniroyal + lg; moe + uniroyal + lg); not analysed: single decision makers") in out
    # a state listed there need not be stable for a decision maker alone
    conflict = standoff.load(ELMIRA)
    analysis = standoff.analyze(conflict, ["nash"])
    line = next(ln for ln in out.splitlines() if ln.strip().startswith("CNash"))
    listed = [int(x) for x in re.findall(r"(\d+) \(", line)]
    assert any(s not in analysis.equilibria["nash"] for s in listed)
    md = run("coalitions", ELMIRA, "-f", "markdown").out
    assert "stable for each coalition listed above" in md


def test_paths_puts_unreachable_targets_on_one_line():
    out = run("paths", ISTANBUL).out
    assert "cannot be reached" not in out
    lines = [ln for ln in out.splitlines() if ln.startswith("Not reachable")]
    assert lines == ["Not reachable by unilateral improvements: 1 (NNNNN), 3 (NYNNN), "
                     "4 (NNYNN), 6 (NYYNN)."]
    md = run("paths", ISTANBUL, "-f", "markdown").out
    assert "Not reachable by unilateral improvements: 1 (NNNNN)" in md


def test_zopa_without_bounds_claims_no_zone():
    out = run("zopa", EC).out
    assert "a joint zone exists" not in out
    assert "The input gives no bounds" in out and "(no bounds given: the whole scale)" in out
    bounded = run("zopa", EXAMPLES / "bargaining" / "trade_two_level.yaml").out
    assert "gives no bounds" not in bounded


def test_zopa_says_when_every_forecast_lies_outside_the_zone(tmp_path):
    from standoff.bargaining import load_model, run_model
    from standoff.bargaining.zopa import zopa
    from standoff.report.content import zopa_sentences

    path = tmp_path / "far.yaml"
    path.write_text("""bargaining:
  title: forecasts far from the zone
  actors:
    - {id: A, capability: 1.0}
    - {id: B, capability: 1.0}
  issues:
    - id: x
      scale: [0, 100]
      positions:
        A: {position: 10, salience: 0.9, acceptable: [0, 55]}
        B: {position: 90, salience: 0.1, acceptable: [45, 100]}
""", encoding="utf-8")
    model = load_model(path)
    forecasts = {name: run_model(model, name) for name in ("compromise", "median")}
    result = zopa(model)
    sentences = zopa_sentences(result, forecasts)
    assert sentences[0] == "Issue by issue, a joint zone exists."
    assert sentences[1] == "Every forecast on x (compromise 18, median 10) lies outside the " \
        "zone [45, 55]."
    # without forecasts (the zopa command), only the zone is described
    assert zopa_sentences(result) == sentences[:1]


def test_forecast_shows_title_outcome_and_why_it_stopped():
    out = run("forecast", EC, "--model", "expected_utility").out
    assert out.splitlines()[0] == "EC small-car emission standards (Bueno de Mesquita 1994)"
    assert "issue timing: forecast 9.962, recorded outcome 8.833" in out
    stop = next(ln for ln in out.splitlines() if ln.startswith("stopped after"))
    assert stop.startswith("stopped after 4 rounds: stable: the median moved less than")
    doc = json.loads(run("forecast", EC, "--model", "expected_utility", "--format",
                         "json").out)
    assert doc["issues"]["timing"]["steps"] == 4
    exchange = run("forecast", EC, "--model", "exchange").out
    assert "nothing to exchange it for" in exchange and "weighted mean" in exchange


def test_explain_nm_is_answered_as_nm():
    out = run("explain", CHICKEN, "1", "--dm", "p1", "--concept", "nm").out
    first = out.splitlines()[0]
    assert first.startswith("1 (NN) is NM (non-myopically) stable for Driver 1")
    assert not re.match(r"1 \(NN\) is (not )?L\(\d+\) stable", first)
    doc = json.loads(run("explain", CHICKEN, "1", "--dm", "p1", "--concept", "nm",
                         "-f", "json").out)
    assert doc["concept"] == "nm"
    # a stated horizon is still L(h)
    assert re.match(r"1 \(NN\) is (not )?L\(2\) stable",
                    run("explain", CHICKEN, "1", "--dm", "p1", "--concept", "l2").out)


def test_lines_of_play_show_each_states_pattern():
    out = run("explain", CHICKEN, "1", "--dm", "p1", "--concept", "l3").out
    assert "(p1 1→2 (YN), p2 2→4 (YY), p1 4→3 (NY))" in out


def test_nash_witnesses_say_the_clause_once():
    out = run("explain", ELMIRA, "2", "--dm", "uniroyal", "--concept", "nash").out
    lines = out.strip().splitlines()
    assert len(lines) == 3
    assert "does not consider sanctions" in lines[0]
    assert not any("sanction" in ln for ln in lines[1:])
    claims = run("claims", ISTANBUL, "--variant", "base").out
    assert "under Nash stability sanctions are not considered" not in claims


def test_inverse_refuses_only_the_costly_concept():
    r = run("inverse", ELMIRA, "--state", "9", "--vary", "lg")
    assert r.code == 0, r.err
    assert "is an equilibrium under Nash for" in r.out and "under SMR for" in r.out
    refused = next(ln for ln in r.out.splitlines() if ln.startswith("SEQ: not counted"))
    assert "--concepts nash,gmr,smr" in refused
    assert "vary fewer decision makers" not in refused  # only one is varied
    doc = json.loads(run("inverse", ELMIRA, "--state", "9", "--vary", "lg", "-f", "json").out)
    assert set(doc["counts"]) == {"nash", "gmr", "smr"} and set(doc["refused"]) == {"seq"}
    alone = run("inverse", ELMIRA, "--state", "9", "--vary", "lg", "--concepts", "seq")
    assert alone.code == 2 and "counting SEQ" in alone.err


# -- the page in a browser -------------------------------------------------------------------
@pytest.mark.parametrize("model", [ISTANBUL, ELMIRA], ids=["istanbul", "elmira"])
def test_report_fits_1280_pixels_in_a_browser(model, tmp_path):
    """Rendered in headless Chromium at 1280 px, nothing widens the page (the stability
    grid scrolls in its own container) and the bottom line is on the first screen."""
    webdriver = pytest.importorskip("selenium.webdriver")
    browser = shutil.which("chromium") or shutil.which("chromium-browser") \
        or shutil.which("google-chrome")
    if browser is None:
        pytest.skip("no Chromium or Chrome on this machine")
    out = tmp_path / "report.html"
    assert run("report", model, "-o", out).code == 0
    options = webdriver.ChromeOptions()
    options.binary_location = browser
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--window-size=1280,1000"):
        options.add_argument(arg)
    driver_path = shutil.which("chromedriver")
    service = webdriver.ChromeService(executable_path=driver_path) if driver_path else None
    try:
        driver = webdriver.Chrome(options=options, service=service)
    except Exception as err:  # a browser that cannot start here is not a report defect
        pytest.skip(f"Chromium could not start: {err}")
    try:
        driver.set_window_size(1280, 1000)
        driver.get(out.as_uri())
        width = driver.execute_script("return document.documentElement.scrollWidth")
        assert width <= 1280
        top = driver.execute_script(
            "return document.getElementById('summary').getBoundingClientRect().top")
        height = driver.execute_script("return window.innerHeight")
        assert top < height
        grid = driver.execute_script(
            "const t = document.querySelector('#stability ~ .scroll table');"
            "return [t.scrollWidth, t.parentElement.clientWidth];")
        assert grid[1] <= 1280
        assert driver.get_screenshot_as_png()[:4] == b"\x89PNG"
    finally:
        driver.quit()
