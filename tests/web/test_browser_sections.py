"""End-to-end tests of the Positions, Perceptions and Levels tabs and of the Bargaining tab's
own runs in a real browser (headless Chromium via Selenium, as tests/web/test_browser.py).
What the page shows is compared with the library on the same file. Screenshots go to
tests/web/screenshots/."""

from __future__ import annotations

import pytest

import standoff
from standoff.analysis.dilemmas import analyse_dilemmas
from standoff.analysis.hierarchy import hierarchical_analysis
from standoff.bargaining import load_model, run_model

from .test_browser import WAIT, open_page, shot, tab
from .test_browser_panels import counter

pytest.importorskip("selenium", reason="selenium is not installed (pip install '.[webtest]')")

from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.ui import Select, WebDriverWait  # noqa: E402

ISTANBUL = "istanbul-2025/istanbul-2025.yaml"
STRUCTURED = "istanbul-2025/istanbul-2025-structured.yaml"
BARGAINING = "bargaining/ec_emissions.yaml"


def visible_tabs(driver) -> set[str]:
    return {b.get_attribute("data-tab") for b in driver.find_elements(
        By.CSS_SELECTOR, "#tabs button") if b.is_displayed()}


def test_istanbul_shows_its_card_table_dilemmas_and_perceptions(server, browser):
    url, folder = server
    open_page(browser, url, ISTANBUL)
    WebDriverWait(browser, WAIT).until(
        lambda d: counter(d, "positions") > 0 and counter(d, "perceptions") > 0)
    assert {"positions", "perceptions"} <= visible_tabs(browser)
    assert not {"levels", "bargaining"} & visible_tabs(browser)
    tab(browser, "positions")
    conflict = standoff.load(folder / ISTANBUL)
    result = analyse_dilemmas(conflict)
    rows = browser.find_elements(By.CSS_SELECTOR, "#card-table tbody tr")
    assert [r.get_attribute("data-option") for r in rows] == list(conflict.option_keys)
    heads = [th.text for th in browser.find_elements(By.CSS_SELECTOR, "#card-table thead th")]
    assert heads == ["option", "owner", "position of russia", "position of ukraine",
                     "threatened future"]
    expected = result.to_dict()["card_table"]
    for row, want in zip(rows, expected, strict=True):
        cells = [td.text for td in row.find_elements(By.CSS_SELECTOR, "td.card")]
        assert cells == [want[c] for c in heads[2:]]
    assert result.dilemmas
    for d in result.dilemmas:
        party, other = conflict.dm_ids[d.party], conflict.dm_ids[d.other]
        item = browser.find_element(By.CSS_SELECTOR, f".party-dilemmas[data-party='{party}'] "
                                    f"li[data-dilemma='{d.name}'][data-other='{other}']")
        assert item.text.endswith(f": {d.sentence}.")
    shot(browser, "positions-istanbul")
    # another reading: the page asks the server again and shows its answer
    before = counter(browser, "positions")
    Select(browser.find_element(By.ID, "positions-reading")).select_by_value("best")
    WebDriverWait(browser, WAIT).until(lambda d: counter(d, "positions") > before)
    best = analyse_dilemmas(conflict, "best").to_dict()
    shown = browser.find_element(By.ID, "positions-sentences").text
    for line in best["summary"]:
        assert line in shown
    assert "under reading 'best' (the one chosen)" in shown
    tab(browser, "perceptions")
    cards = browser.find_elements(By.CSS_SELECTOR, "#perceptions .perceived")
    assert [c.get_attribute("data-dm") for c in cards] == list(conflict.dm_ids)
    assert "Perceives the model as written." in cards[0].text  # Russia has no perception
    assert "attributes preferences of its own reading to" in cards[1].text
    concepts = [r.get_attribute("data-concept") for r in browser.find_elements(
        By.CSS_SELECTOR, "#hypergame-table tbody tr")]
    assert concepts == ["nash", "gmr", "smr", "seq", "sim"]
    shot(browser, "perceptions-istanbul")


def test_the_structured_istanbul_model_shows_its_levels(server, browser):
    url, folder = server
    open_page(browser, url, STRUCTURED)
    WebDriverWait(browser, WAIT).until(lambda d: counter(d, "levels") > 0)
    assert "levels" in visible_tabs(browser)
    assert not {"positions", "perceptions"} & visible_tabs(browser)
    tab(browser, "levels")
    WebDriverWait(browser, WAIT).until(lambda d: d.execute_script(
        "const i = document.getElementById('levels-picture');"
        "return i !== null && i.complete && i.naturalWidth > 0"))
    analysis = hierarchical_analysis(standoff.load(folder / STRUCTURED))
    tables = browser.find_elements(By.CSS_SELECTOR, "#levels table.local-stability")
    assert [t.get_attribute("data-local") for t in tables] == [v.local.name
                                                               for v in analysis.locals]
    for table, view in zip(tables, analysis.locals, strict=True):
        rows = table.find_elements(By.CSS_SELECTOR, "tbody tr")
        assert len(rows) == view.conflict.state_count
    shot(browser, "levels-istanbul-structured")
    # opening a flat model hides the tab and leaves it for the Overview
    open_page(browser, url, "elmira.yaml")
    assert "levels" not in visible_tabs(browser)
    assert browser.find_element(By.ID, "pane-overview").is_displayed()


def test_a_bargaining_model_runs_with_the_rounds_and_options_typed(server, browser):
    url, folder = server
    browser.get(f"{url}/?token=test-token-0123456789")
    WebDriverWait(browser, WAIT).until(
        lambda d: len(d.find_elements(By.CSS_SELECTOR, "#file-select option")) > 1)
    before = counter(browser, "bargaining")
    Select(browser.find_element(By.ID, "file-select")).select_by_value(BARGAINING)
    WebDriverWait(browser, WAIT).until(lambda d: counter(d, "bargaining") > before)
    Select(browser.find_element(By.ID, "bargaining-model")).select_by_value("expected_utility")
    settings = browser.find_element(By.ID, "bargaining-settings")
    settings.send_keys("q=7")  # out of range: the library's message is shown
    before = counter(browser, "bargainingRun")
    browser.find_element(By.ID, "bargaining-run-button").click()
    WebDriverWait(browser, WAIT).until(lambda d: counter(d, "bargainingRun") > before)
    shown = browser.find_element(By.ID, "bargaining-run-error").text
    assert "option q=7.0 is out of range" in shown and "fix:" in shown
    settings.clear()
    settings.send_keys("q=0.5")
    browser.find_element(By.ID, "bargaining-rounds").send_keys("2")
    before = counter(browser, "bargainingRun")
    browser.find_element(By.ID, "bargaining-run-button").click()
    WebDriverWait(browser, WAIT).until(lambda d: counter(d, "bargainingRun") > before)
    assert browser.find_element(By.ID, "bargaining-run-error").text == ""
    forecast = run_model(load_model(folder / BARGAINING), "expected_utility", 2, q="0.5")
    assert "your run; options in effect:" in browser.find_element(By.ID,
                                                                 "bargaining-options").text
    plots = browser.find_elements(By.CSS_SELECTOR, "#bargaining-plots svg.rounds-plot")
    assert [p.get_attribute("data-issue") for p in plots] == list(forecast.issues)
    for plot in plots:
        res = forecast.issues[plot.get_attribute("data-issue")]
        for line in plot.find_elements(By.CSS_SELECTOR, "polyline.series"):
            assert len(line.get_attribute("points").split()) == len(res.rounds) <= 3
    browser.execute_script("const panes = document.getElementById('panes');"
                           "panes.scrollTop = document.getElementById('bargaining-controls')"
                           ".offsetTop - 60")
    shot(browser, "bargaining-own-run")
