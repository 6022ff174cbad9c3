"""Every result shows itself in a notebook (``_repr_html_``) and gives a DataFrame
(``to_frame()``) where a table makes sense; no raw dataclass dumps, no 17-digit floats;
``dir(standoff)`` is the public API (issue 12)."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

import standoff
from standoff.analysis.claims import ClaimResults
from standoff.bargaining import load_model, run_model
from standoff.bargaining.zopa import zopa
from standoff.words import significant

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
DUMP = re.compile(r"\b(Verdict|Deterrence|Step|IssueForecast|PathStep|EvolutionPath|"
                  r"CoalitionResult)\(")
LONG_FLOAT = re.compile(r"\d\.\d{6,}")


class _Checker(HTMLParser):
    """Collects the text of an HTML fragment and checks that tags are balanced."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.stack.append(tag)

    def handle_endtag(self, tag):
        assert self.stack and self.stack.pop() == tag, f"unbalanced </{tag}>"

    def handle_data(self, data):
        self.text.append(data)


def readable(fragment: str) -> str:
    """The text of a notebook view, after checking it is well formed and has no dumps."""
    checker = _Checker()
    checker.feed(fragment)
    assert not checker.stack, f"unclosed tags {checker.stack}"
    text = " ".join(checker.text)
    assert not DUMP.search(text), text
    assert not LONG_FLOAT.search(text), text
    return text


@pytest.fixture(scope="module")
def elmira():
    return standoff.analyze(standoff.load(EXAMPLES / "elmira.yaml"))


def test_explanation(elmira):
    ex = elmira.explain(1, "lg", "seq")
    frame = ex.to_frame()
    assert len(frame) == len(ex.improvements) > 0
    assert list(frame["improvement to"]) == [d.improvement for d in ex.improvements]
    text = readable(ex._repr_html_())
    assert "not stable for lg under SEQ" in text and ex.sentences[0] in text


def test_claim_results():
    conflict = standoff.load(EXAMPLES / "istanbul-2025" / "istanbul-2025.yaml")
    results = standoff.check_claims(standoff.analyze(conflict))
    assert isinstance(results, ClaimResults) and len(results) == len(conflict.spec.claims)
    frame = results.to_frame()
    assert list(frame["claim"]) == [r.id for r in results]
    assert list(frame["verdict"]) == [r.verdict_word for r in results]
    text = readable(results._repr_html_())
    for r in results:
        assert r.id in text
        one = r.to_frame()
        assert len(one) == len(r.verdicts)
        assert list(one["holds"]) == [v.holds for v in r.verdicts]
        assert r.verdict_word in readable(r._repr_html_())
    assert json.loads(json.dumps([r.to_dict() for r in results]))


def test_status_quo_paths(elmira):
    paths = standoff.status_quo_analysis(elmira.conflict, elmira)
    frame = paths.to_frame()
    assert len(frame) == sum(len(p.steps) for p in paths.paths) > 0
    first = paths.paths[0].steps[0]
    assert (frame.iloc[0]["from"], frame.iloc[0]["to"]) == (first.source, first.target)
    assert paths.sentences()[0] in readable(paths._repr_html_())


def test_coalitions(elmira):
    result = standoff.analyze_coalitions(elmira.conflict)
    frame = result.to_frame()
    assert list(frame["coalition"]) == [" + ".join(r.members) for r in result.coalitions]
    text = readable(result._repr_html_())
    assert f"Coalitions analysed: {len(result.coalitions)}" in text


def test_inverse_counts(elmira):
    result = standoff.inverse_analysis(elmira.conflict, 5, ["lg"], concepts="nash,gmr")
    frame = result.to_frame()
    assert list(frame["rankings where it is an equilibrium"]) == list(result.counts.values())
    for share, n in zip(frame["share (%)"], result.counts.values(), strict=True):
        assert share == round(100 * n / result.rankings, 1)
    readable(result._repr_html_())


@pytest.mark.parametrize("name", ["compromise", "expected_utility", "exchange"])
def test_forecasts_are_rounded(name):
    model = load_model(EXAMPLES / "bargaining" / "ec_emissions.yaml")
    forecast = run_model(model, name)
    frame = forecast.to_frame()
    raw = [v.forecast for v in forecast.issues.values()]
    assert list(frame["forecast"]) == [significant(x) for x in raw]
    text = readable(forecast._repr_html_())
    assert forecast.model in text


def test_zopa_view_says_when_the_input_gives_no_bounds():
    unbounded = zopa(load_model(EXAMPLES / "bargaining" / "ec_emissions.yaml"))
    assert "gives no bounds" in readable(unbounded._repr_html_())
    assert unbounded.to_frame().loc[0, "bounds"].startswith("none given")
    gap = zopa(load_model(EXAMPLES / "bargaining" / "trade_no_zone.yaml"))
    frame = gap.to_frame()
    assert frame.loc[0, "zone from"] is None and frame.loc[0, "gap"] > 0
    assert "No zone on" in readable(gap._repr_html_())
    # still the JSON shape it always was
    assert json.loads(json.dumps(gap)) == json.loads(json.dumps(dict(gap)))


def test_dir_shows_the_public_api():
    names = dir(standoff)
    assert names == sorted(standoff.__all__)
    assert all(hasattr(standoff, n) for n in names)
    assert "np" not in names and "Path" not in names and "PathLike" not in names
