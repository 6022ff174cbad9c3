"""The API of the workbench's Positions, Perceptions and Levels views and of the Bargaining
view's own runs, through FastAPI's TestClient: what each returns is the library's result
with the CLI's and the report's words (compared with them); bad input gets its status and
located message."""

from __future__ import annotations

import html
import xml.etree.ElementTree as ET

import pytest

import standoff
from standoff.analysis.dilemmas import analyse_dilemmas
from standoff.analysis.hypergame import analyse_hypergame
from standoff.bargaining import load_model, run_model
from standoff.report.levels import LEVEL_CONCEPTS, build_levels
from standoff.stability import kernel

from .test_api import error_of, read

ISTANBUL = "istanbul-2025/istanbul-2025.yaml"
STRUCTURED = "istanbul-2025/istanbul-2025-structured.yaml"
HIERARCHY = "hierarchy/central-and-provinces.yaml"
SURPRISE = "hypergame_surprise.yaml"
BARGAINING = "bargaining/ec_emissions.yaml"
SCRIPT_NAME = "<script>window.__pwned = 1</script>"
HANDLER_NAME = '<img src=x onerror="window.__pwned = 2">'


def post(client, url: str, folder, path: str, status: int = 200, **fields):
    response = client.post(url, json={"text": read(folder, path), "path": path, **fields})
    assert response.status_code == status, response.text
    return response.json()


def test_validate_says_which_sections_the_model_has(client, folder):
    expected = {ISTANBUL: {"confrontation": True, "perceptions": True, "hierarchy": False},
                STRUCTURED: {"confrontation": False, "perceptions": False, "hierarchy": True},
                HIERARCHY: {"confrontation": False, "perceptions": False, "hierarchy": True},
                SURPRISE: {"confrontation": False, "perceptions": True, "hierarchy": False},
                "elmira.yaml": {"confrontation": False, "perceptions": False,
                                "hierarchy": False}}
    for path, sections in expected.items():
        assert post(client, "/api/validate", folder, path)["sections"] == sections, path


# -- positions -------------------------------------------------------------------------------
def test_dilemmas_are_the_commands_with_the_reports_sentences(client, folder, monkeypatch):
    from tests.cli_runner import run

    doc = post(client, "/api/dilemmas", folder, ISTANBUL)
    conflict = standoff.load(folder / ISTANBUL)
    result = analyse_dilemmas(conflict)
    expected = result.to_dict()
    for key in ("reading", "card_table", "dilemmas", "acceptable", "summary", "definitions",
                "incompatible_positions", "acceptable_to_every_other_party"):
        assert doc[key] == expected[key], key
    assert doc["dilemmas"], "the Istanbul card table has dilemmas"
    assert doc["model_reading"] == doc["reading"] == "worst"
    assert doc["readings"] == ["worst", "best", "all"]
    assert doc["columns"] == [k for k in expected["card_table"][0]
                              if k not in ("option", "owner", "text")]
    assert [p["id"] for p in doc["parties"]] == expected["parties"]
    # each dilemma's line is the one 'standoff dilemmas' prints
    monkeypatch.chdir(folder)
    cli = run("dilemmas", ISTANBUL)
    assert cli.code == 0
    lines = [d["line"] for p in doc["by_party"] for d in p["dilemmas"]]
    assert len(lines) == len(expected["dilemmas"])
    for line in lines:
        assert f"- {line}\n" in cli.out
    for entry in doc["acceptability"]:
        for to in entry["to"]:
            assert to["acceptable"] == result.acceptable[
                (conflict.dm_index(entry["position_of"]), conflict.dm_index(to["party"]))]
    # the sentences are the report's positions section, word for word (HTML-escaped there)
    report = client.post("/api/report", json={"text": read(folder, ISTANBUL),
                                              "path": ISTANBUL}).text
    for line in doc["sentences"] + doc["evidence"]:
        assert html.escape(line) in report


@pytest.mark.parametrize("reading", ["best", "all"])
def test_the_reading_is_chosen(client, folder, reading):
    doc = post(client, "/api/dilemmas", folder, ISTANBUL, reading=reading)
    expected = analyse_dilemmas(standoff.load(folder / ISTANBUL), reading).to_dict()
    assert doc["reading"] == reading and doc["model_reading"] == "worst"
    assert doc["dilemmas"] == expected["dilemmas"]
    assert doc["acceptable"] == expected["acceptable"]
    assert f"under reading '{reading}' (the one chosen)" in doc["sentences"][-1]


def test_dilemmas_bad_input(client, folder):
    wrong = post(client, "/api/dilemmas", folder, ISTANBUL, 422, reading="median")
    assert error_of_doc(wrong)["message"].startswith("bad request: reading:")
    none = post(client, "/api/dilemmas", folder, "elmira.yaml", 422)
    assert error_of_doc(none)["message"] == ("the model has no 'confrontation:' section, so "
                                             "there are no positions to analyse")
    assert error_of_doc(none)["file"] == "elmira.yaml" and error_of_doc(none)["line"]
    broken = client.post("/api/dilemmas", json={"text": "confrontation: [\n"})
    assert broken.status_code == 422 and error_of(broken)["line"] is not None


def error_of_doc(doc: dict) -> dict:
    return doc["error"]


# -- perceptions -----------------------------------------------------------------------------
@pytest.mark.parametrize("path", [SURPRISE, ISTANBUL])
def test_hypergame_is_the_commands_with_the_reports_sentences(client, folder, path):
    doc = post(client, "/api/hypergame", folder, path)
    conflict = standoff.load(folder / path)
    expected = analyse_hypergame(conflict, "nash,gmr,smr,seq,sim").to_dict()
    assert doc["concepts"] == expected["concepts"]
    for shown, wanted in zip(doc["perceptions"], expected["perceptions"], strict=True):
        assert {k: shown[k] for k in wanted} == wanted
    report = client.post("/api/report", json={"text": read(folder, path), "path": path}).text
    sentences = [p["sentence"] for p in doc["perceptions"] if p["sentence"]] + doc["sentences"]
    assert sentences
    for line in sentences:
        assert html.escape(line) in report


def test_a_strategic_surprise_is_listed(client, folder):
    doc = post(client, "/api/hypergame", folder, SURPRISE, concepts=["nash"])
    assert list(doc["concepts"]) == ["nash"]
    result = analyse_hypergame(standoff.load(folder / SURPRISE), "nash")
    surprises = doc["concepts"]["nash"]["strategic_surprises"]
    assert [s["id"] - 1 for s in surprises] == [s for s, _ in result.surprises("nash")]
    assert surprises, "the example is built to have one"
    assert "Strategic surprises:" in doc["sentences"][0]


def test_hypergame_bad_input(client, folder):
    none = post(client, "/api/hypergame", folder, "elmira.yaml", 422)
    assert error_of_doc(none)["message"].startswith("the model has no 'perceptions:' section")
    unknown = post(client, "/api/hypergame", folder, SURPRISE, 422, concepts=["bogus"])
    assert error_of_doc(unknown)["message"].startswith("unknown concept 'bogus'")


# -- levels ----------------------------------------------------------------------------------
@pytest.mark.parametrize("path", [HIERARCHY, STRUCTURED])
def test_levels_are_the_reports_drawing_and_each_local_conflicts_verdicts(client, folder,
                                                                          path):
    from standoff.analysis.hierarchy import hierarchical_analysis

    doc = post(client, "/api/levels", folder, path)
    conflict = standoff.load(folder / path)
    section = build_levels(conflict, LEVEL_CONCEPTS)
    assert doc["svg"] == section.svg
    assert ET.fromstring(doc["svg"]).tag.endswith("svg")
    assert doc["consistency"] == list(section.consistency)
    analysis = hierarchical_analysis(conflict)
    assert [v["name"] for v in doc["local_conflicts"]] == [v.local.name
                                                           for v in analysis.locals]
    for shown, view in zip(doc["local_conflicts"], analysis.locals, strict=True):
        local = view.conflict
        assert shown["states"] == local.state_count == len(shown["stability"])
        assert shown["sentences"] == list(next(s for n, _, s in section.local
                                               if n == view.local.name))
        for key in LEVEL_CONCEPTS:
            for d, dm in enumerate(local.dm_ids):
                verdicts = kernel(key)(local, d)
                assert [row["stable"][key][dm] for row in shown["stability"]] == \
                    [bool(v) for v in verdicts]


def test_levels_escape_the_names_in_the_drawing(client, folder):
    text = read(folder, HIERARCHY)
    hostile = (text.replace("name: Central government", f"name: '{SCRIPT_NAME}'")
               .replace("title: The northern project", f"title: '{HANDLER_NAME}'"))
    assert hostile != text
    response = client.post("/api/levels", json={"text": hostile})
    assert response.status_code == 200
    doc = response.json()
    tree = ET.fromstring(doc["svg"])
    texts = " ".join(" ".join(tree.itertext()).split())  # lines wrapped in the boxes
    assert SCRIPT_NAME in texts and HANDLER_NAME in texts
    assert not [e for e in tree.iter() if e.tag.split("}")[-1] in ("script", "img")]
    assert not [a for e in tree.iter() for a in e.attrib if a.startswith("on")]
    assert doc["common_decision_makers"][0]["name"] == SCRIPT_NAME


def test_levels_bad_input(client, folder):
    flat = post(client, "/api/levels", folder, "elmira.yaml", 422)
    assert error_of_doc(flat)["message"] == "this model has no local conflicts"
    unknown = post(client, "/api/levels", folder, HIERARCHY, 422, concepts=["bogus"])
    assert error_of_doc(unknown)["message"].startswith("unknown concept 'bogus'")
    only_gmr = post(client, "/api/levels", folder, HIERARCHY, concepts=["gmr"])
    assert [c["key"] for c in only_gmr["local_conflicts"][0]["concepts"]] == ["gmr"]


# -- bargaining: one model with rounds and options ------------------------------------------
def test_a_bargaining_model_runs_with_rounds_and_options(client, folder):
    doc = post(client, "/api/bargaining/run", folder, BARGAINING, model="expected_utility",
               rounds=3, settings=["q=0.5", " tolerance = 0.02 "])
    model = load_model(folder / BARGAINING)
    forecast = run_model(model, "expected_utility", 3, q="0.5", tolerance="0.02")
    assert doc["model"] == "expected_utility" and doc["rounds_asked"] == 3
    assert doc["options"]["rounds"] == 3 and doc["options"]["q"] == 0.5
    assert doc["options"] == {k: v for k, v in forecast.options.items()}
    for panel in doc["issues"]:
        res = forecast.issues[panel["issue"]]
        assert panel["forecast"] == res.forecast
        assert panel["rounds"] == len(res.rounds) - 1 <= 3
        for a, series in enumerate(panel["series"]):
            assert series["positions"] == [row[a] for row in res.rounds]


@pytest.mark.parametrize(("fields", "args"), [
    ({"model": "exchange", "settings": ["foo=1"]}, ["-m", "exchange", "--set", "foo=1"]),
    ({"model": "exchange", "rounds": -1}, ["-m", "exchange", "--set", "rounds=-1"]),
    ({"model": "spatial", "settings": ["tolerance=lots"]},
     ["-m", "spatial", "--set", "tolerance=lots"]),
    ({"model": "compromise", "settings": ["q=1"]}, ["-m", "compromise", "--set", "q=1"]),
    ({"model": "nope"}, ["-m", "nope"]),
    ({"model": "exchange", "settings": ["rounds"]}, ["-m", "exchange", "--set", "rounds"]),
])
def test_bad_bargaining_options_get_the_forecast_commands_message(client, folder,
                                                                   monkeypatch, fields,
                                                                   args):
    from tests.cli_runner import run

    doc = post(client, "/api/bargaining/run", folder, BARGAINING, 422, **fields)
    monkeypatch.chdir(folder)
    cli = run("forecast", BARGAINING, *args)
    assert cli.code == 2
    message = cli.err.strip().splitlines()[0].split("error: ", 1)[1]
    assert error_of_doc(doc)["message"] == message


def test_bargaining_run_bad_request(client, folder):
    half = post(client, "/api/bargaining/run", folder, BARGAINING, 422, model="exchange",
                rounds=2.5)
    assert error_of_doc(half)["message"].startswith("bad request: rounds:")
    missing = post(client, "/api/bargaining/run", folder, BARGAINING, 422)
    assert error_of_doc(missing)["message"].startswith("bad request: model:")
    none = post(client, "/api/bargaining/run", folder, "elmira.yaml", 422, model="exchange")
    assert error_of_doc(none)["message"] == "the model has no bargaining section"


def test_the_new_endpoints_are_documented_and_need_the_token(client, folder):
    from fastapi.testclient import TestClient

    from standoff.web.app import create_app

    new = ("/api/dilemmas", "/api/hypergame", "/api/levels", "/api/bargaining/run")
    paths = client.get("/api/openapi.json").json()["paths"]
    for path in new:
        assert path in paths and paths[path]["post"]["summary"]
    with TestClient(create_app(folder, token="right"), base_url="http://127.0.0.1") as bare:
        for path in new:
            assert bare.post(path, json={"text": "x"}).status_code == 401
            wrong = bare.post(path, json={"text": "x"}, headers={"X-Standoff-Token": "no"})
            assert wrong.status_code == 401
