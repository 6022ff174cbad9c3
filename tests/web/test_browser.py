"""End-to-end tests of the workbench in a real browser (headless Chromium via Selenium).

Each test serves a copy of the examples, drives the page as a user would and compares what
the page shows with what the library computes for the same text. Screenshots of the main
views go to tests/web/screenshots/ (not committed)."""

from __future__ import annotations

from pathlib import Path

import pytest

import standoff
from standoff.analysis import explain
from standoff.web.library import read_model_text

from .conftest import SCREENSHOTS, TOKEN

pytest.importorskip("selenium", reason="selenium is not installed (pip install '.[webtest]')")

from selenium.common.exceptions import NoAlertPresentException  # noqa: E402
from selenium.webdriver.common.action_chains import ActionChains  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402
from selenium.webdriver.support.ui import Select, WebDriverWait  # noqa: E402

WAIT = 60  # seconds: a hang guard, not a timing assertion


def analysed_count(driver) -> int:
    return int(driver.execute_script("return Number(document.body.dataset.analysed || 0)"))


def wait_analysed(driver, before: int) -> None:
    """Wait until the page has shown an analysis newer than ``before``."""
    WebDriverWait(driver, WAIT).until(lambda d: analysed_count(d) > before)


def open_page(driver, url: str, file: str | None = None) -> None:
    driver.get(f"{url}/?token={TOKEN}")
    WebDriverWait(driver, WAIT).until(
        lambda d: len(d.find_elements(By.CSS_SELECTOR, "#file-select option")) > 1)
    if file is not None:
        before = analysed_count(driver)
        Select(driver.find_element(By.ID, "file-select")).select_by_value(file)
        wait_analysed(driver, before)


def set_text(driver, text: str) -> None:
    """Replace the editor's text as a paste would (an input event follows)."""
    driver.execute_script(
        "const area = document.getElementById('editor'); area.value = arguments[0];"
        "area.dispatchEvent(new Event('input', {bubbles: true}));", text)


def tab(driver, name: str) -> None:
    driver.find_element(By.CSS_SELECTOR, f"#tabs button[data-tab='{name}']").click()


def shot(driver, name: str) -> Path:
    path = SCREENSHOTS / f"{name}.png"
    driver.save_screenshot(str(path))
    return path


def library_analysis(folder: Path, name: str, text: str):
    spec = read_model_text(text, name, folder)
    return standoff.analyze(standoff.compile_model(spec))


def page_stability(driver) -> dict[tuple[int, str, str], bool]:
    """The stability table as the page shows it: (state, concept, dm) → stable."""
    cells = driver.execute_script(
        "return [...document.querySelectorAll('#stability-table td[data-dm]')].map(td => "
        "[Number(td.closest('tr').dataset.state), td.dataset.concept, td.dataset.dm, "
        "td.textContent])")
    return {(s, c, d): text == "✓" for s, c, d, text in cells}


def library_stability(analysis) -> dict[tuple[int, str, str], bool]:
    c = analysis.conflict
    return {(s, concept, dm): analysis.is_stable(s, dm, concept)
            for s in range(1, c.state_count + 1) for concept in analysis.concepts
            for dm in c.dm_ids}


def test_open_elmira_shows_its_equilibria(server, browser):
    url, folder = server
    open_page(browser, url, "elmira.yaml")
    analysis = standoff.analyze(standoff.load(folder / "elmira.yaml"))
    shown = {row.get_attribute("data-concept"): row.find_element(By.CSS_SELECTOR, "td").text
             for row in browser.find_elements(By.CSS_SELECTOR, "#equilibria-table tr")}
    expected = {k: ", ".join(analysis.conflict.show(s - 1) for s in states) or "none"
                for k, states in analysis.equilibria.items()}
    assert shown == expected
    assert browser.find_element(By.ID, "model-title").text == analysis.conflict.title
    shot(browser, "overview-elmira")
    tab(browser, "rankings")
    shot(browser, "rankings-elmira")
    tab(browser, "stability")
    assert page_stability(browser) == library_stability(analysis)
    shot(browser, "stability-elmira")


def test_editing_a_preference_changes_the_stability_table(server, browser):
    url, folder = server
    open_page(browser, url, "elmira.yaml")
    tab(browser, "stability")
    before_table = page_stability(browser)
    original = (folder / "elmira.yaml").read_text()
    old = "prioritize: [modify iff accept, not abandon, not insist, delay iff not insist]"
    new = "prioritize: [not insist, delay, modify iff accept, not abandon]"
    assert old in original
    edited = original.replace(old, new)
    expected = library_stability(library_analysis(folder, "elmira.yaml", edited))
    assert expected != before_table  # the edit matters, so the table must change
    before = analysed_count(browser)
    set_text(browser, edited)
    wait_analysed(browser, before)
    assert page_stability(browser) == expected
    shot(browser, "stability-edited")


def test_a_typed_error_is_shown_at_its_line(server, browser):
    url, folder = server
    open_page(browser, url, "elmira.yaml")
    area = browser.find_element(By.ID, "editor")
    area.click()
    area.send_keys(Keys.CONTROL, Keys.END)
    area.send_keys(Keys.ENTER, "claims: {c1: {check: [")
    text = area.get_attribute("value")
    with pytest.raises(standoff.ModelError) as caught:
        read_model_text(text, "elmira.yaml", folder)
    error = caught.value
    assert error.line is not None
    WebDriverWait(browser, WAIT).until(
        lambda d: d.find_element(By.ID, "error-box").get_attribute("data-line") == str(error.line))
    marked = browser.find_elements(By.CSS_SELECTOR, "#gutter div.error")
    assert [m.get_attribute("data-line") for m in marked] == [str(error.line)]
    assert browser.find_element(By.ID, "error-message").text == error.message
    assert browser.find_element(By.ID, "error-fix").text == f"fix: {error.hint}"
    shot(browser, "editor-error")


def test_clicking_a_state_in_the_graph_explains_it(server, browser):
    url, folder = server
    open_page(browser, url, "elmira.yaml")
    tab(browser, "graph")
    conflict = standoff.load(folder / "elmira.yaml")
    state = conflict.status_quo + 1  # not SEQ stable for lg: the sentences name its move
    WebDriverWait(browser, WAIT).until(lambda d: d.execute_script(
        "return window.standoffWorkbench.graph.nodeCentre(arguments[0]) !== null", state))
    centre = browser.execute_script(
        "return window.standoffWorkbench.graph.nodeCentre(arguments[0])", state)
    graph = browser.find_element(By.ID, "graph")
    rect = graph.rect
    ActionChains(browser).move_to_element_with_offset(
        graph, int(centre["x"] - rect["x"] - rect["width"] / 2),
        int(centre["y"] - rect["y"] - rect["height"] / 2)).click().perform()
    sentences = [s for dm in conflict.dm_ids for s in explain(conflict, state, dm, "seq").sentences]
    WebDriverWait(browser, WAIT).until(
        lambda d: "SEQ" in d.find_element(By.ID, "explanation").text)
    shown = browser.find_element(
        By.CSS_SELECTOR, "#explanation div[data-concept='seq']").text
    for sentence in sentences:
        assert sentence in shown
    shot(browser, "graph-elmira")


def test_saving_writes_the_file_and_keeps_a_backup(server, browser):
    url, folder = server
    open_page(browser, url, "elmira.yaml")
    original = (folder / "elmira.yaml").read_text()
    edited = original.replace("title: Elmira groundwater contamination",
                              "title: Elmira, as edited in the workbench")
    before = analysed_count(browser)
    set_text(browser, edited)
    wait_analysed(browser, before)
    browser.find_element(By.ID, "save-button").click()
    WebDriverWait(browser, WAIT).until(
        lambda d: d.find_element(By.ID, "status").text.startswith("saved"))
    assert (folder / "elmira.yaml").read_text() == edited
    assert (folder / "elmira.yaml.bak").read_text() == original
    path = browser.find_element(By.ID, "path-input")
    path.clear()
    path.send_keys("copy-of-elmira.yaml")
    browser.find_element(By.ID, "save-button").click()
    WebDriverWait(browser, WAIT).until(
        lambda d: "copy-of-elmira.yaml" in d.find_element(By.ID, "status").text)
    assert (folder / "copy-of-elmira.yaml").read_text() == edited
    assert not list(folder.glob(".*.tmp"))


SCRIPT_NAME = "<script>window.__pwned = 1</script>"
HANDLER_NAME = '<img src=x onerror="window.__pwned = 2; alert(1)">'


def test_a_model_with_script_in_its_names_runs_no_script(server, browser):
    url, folder = server
    model = (folder / "prisoners_dilemma.yaml").read_text()
    spec = standoff.load(folder / "prisoners_dilemma.yaml").spec
    hostile = model.replace(f"title: {spec.title}", f"title: '{SCRIPT_NAME}'")
    for dm in spec.dms:
        hostile = hostile.replace(f"name: {dm.name}", f"name: '{HANDLER_NAME} {dm.id}'")
    assert SCRIPT_NAME in hostile and HANDLER_NAME in hostile
    # the newer views too: a claim, a variant, an infeasible statement's text and a
    # bargaining section (title, actor and issue names) carry the same names
    hostile += (
        f"claims:\n  c1: {{check: some equilibrium has p1.defect, text: '{SCRIPT_NAME}'}}\n"
        f"variants:\n  v1: {{description: '{HANDLER_NAME}'}}\n"
        "bargaining:\n"
        f"  title: '{SCRIPT_NAME}'\n"
        f"  actors: [{{id: a, name: '{HANDLER_NAME}', capability: 1}},\n"
        "           {id: b, name: B, capability: 1}]\n"
        f"  issues: [{{id: i, name: '{SCRIPT_NAME}', scale: [0, 10], positions: "
        "{a: {position: 0, salience: 1}, b: {position: 10, salience: 1}}}]\n"
        # a card table and a perception (the Positions and Perceptions tabs)
        "confrontation:\n  positions:\n"
        f"    p1: {{description: '{SCRIPT_NAME}', options: {{p1.defect: {{taken: false, "
        f"assumption: '{SCRIPT_NAME}'}}}}}}\n"
        "    p2: {options: {p2.defect: {taken: false, assumption: x}}}\n"
        "  threatened_future: {options: {p1.defect: {taken: true, assumption: x}, "
        "p2.defect: {taken: true, assumption: x}}}\n"
        f"perceptions:\n  p1: {{description: '{SCRIPT_NAME}', assumption: x, "
        "unknown_options: [p2.defect]}\n")
    (folder / "hostile.yaml").write_text(hostile)
    conflict = standoff.load(folder / "hostile.yaml")
    assert conflict.title == SCRIPT_NAME
    # and a hierarchical model with the same names (the Levels tab), opened at the end
    levels = (folder / "hierarchy" / "central-and-provinces.yaml").read_text()
    levels = (levels.replace("name: Central government", f"name: '{SCRIPT_NAME}'")
              .replace("title: The northern project", f"title: '{HANDLER_NAME}'"))
    (folder / "hostile-levels.yaml").write_text(levels)
    open_page(browser, url, "hostile.yaml")
    WebDriverWait(browser, WAIT).until(lambda d: d.find_elements(
        By.CSS_SELECTOR, "#positions #card-table") and d.find_elements(
        By.CSS_SELECTOR, "#perceptions .perceived"))
    for name in ("overview", "form", "stability", "rankings", "claims", "variants", "evidence",
                 "positions", "perceptions", "bargaining", "graph"):
        tab(browser, name)
    WebDriverWait(browser, WAIT).until(lambda d: d.find_elements(
        By.CSS_SELECTOR, "#bargaining svg.rounds-plot"))
    browser.execute_script("window.standoffWorkbench.graph.onState(1)")
    WebDriverWait(browser, WAIT).until(
        lambda d: HANDLER_NAME in d.find_element(By.ID, "explanation").text)
    with pytest.raises(NoAlertPresentException):
        browser.switch_to.alert.text  # noqa: B018
    assert browser.execute_script("return typeof window.__pwned") == "undefined"
    assert browser.execute_script(
        "return document.querySelectorAll('img, [onerror], main script').length") == 0
    tab(browser, "overview")
    assert browser.find_element(By.ID, "model-title").text == SCRIPT_NAME
    tab(browser, "rankings")
    assert HANDLER_NAME in browser.find_element(By.ID, "rankings").text
    tab(browser, "claims")
    assert SCRIPT_NAME in browser.find_element(By.ID, "claims").text
    tab(browser, "variants")
    assert HANDLER_NAME in browser.find_element(By.ID, "variants").text
    tab(browser, "bargaining")
    assert SCRIPT_NAME in browser.find_element(By.ID, "bargaining").text
    assert HANDLER_NAME in browser.find_element(By.CSS_SELECTOR, "#bargaining svg").text
    tab(browser, "positions")
    assert HANDLER_NAME in browser.find_element(By.ID, "positions").text  # in the dilemmas
    tab(browser, "perceptions")
    assert SCRIPT_NAME in browser.find_element(By.ID, "perceptions").text
    tab(browser, "form")
    names = browser.find_elements(By.CSS_SELECTOR, "#form input[data-field='name']")
    assert [n.get_attribute("value") for n in names] == [f"{HANDLER_NAME} {d.id}"
                                                        for d in spec.dms]
    shot(browser, "hostile-names")
    # a hierarchical model with the same names: the levels drawing is an image of the
    # report's (escaped) SVG, so nothing in it can run either
    before = int(browser.execute_script("return Number(document.body.dataset.levels || 0)"))
    Select(browser.find_element(By.ID, "file-select")).select_by_value("hostile-levels.yaml")
    WebDriverWait(browser, WAIT).until(lambda d: d.execute_script(
        "return Number(document.body.dataset.levels || 0)") > before)
    tab(browser, "levels")
    assert HANDLER_NAME in browser.find_element(By.ID, "levels").text
    picture = browser.find_element(By.ID, "levels-picture")
    assert picture.get_attribute("src").startswith("data:image/svg+xml")
    WebDriverWait(browser, WAIT).until(lambda d: d.execute_script(
        "const i = document.getElementById('levels-picture');"
        "return i.complete && i.naturalWidth > 0"))
    with pytest.raises(NoAlertPresentException):
        browser.switch_to.alert.text  # noqa: B018
    assert browser.execute_script("return typeof window.__pwned") == "undefined"
    assert browser.execute_script(
        "return document.querySelectorAll('img:not(#levels-picture), [onerror], "
        "main script').length") == 0


def test_reordering_a_preference_in_the_form_updates_yaml_and_table(server, browser):
    url, folder = server
    open_page(browser, url, "elmira.yaml")
    tab(browser, "form")
    WebDriverWait(browser, WAIT).until(
        lambda d: d.find_elements(By.CSS_SELECTOR, "#form ol[data-preferences='uniroyal'] li"))
    shot(browser, "form-elmira")
    before = analysed_count(browser)
    first = browser.find_element(By.CSS_SELECTOR, "#form ol[data-preferences='uniroyal'] li")
    first.find_element(By.CSS_SELECTOR, "button[title='move down']").click()
    wait_analysed(browser, before)
    text = browser.find_element(By.ID, "editor").get_attribute("value")
    assert "prioritize: [not abandon, modify iff accept, not insist, delay iff not insist]" \
        in text
    expected = library_stability(library_analysis(folder, "elmira.yaml", text))
    tab(browser, "stability")
    assert page_stability(browser) == expected
    items = browser.find_elements(By.CSS_SELECTOR, "#form ol[data-preferences='uniroyal'] li code")
    assert [i.get_attribute("textContent") for i in items][:2] == ["not abandon",
                                                                  "modify iff accept"]
