"""The API of the workbench's newer views, through FastAPI's TestClient: evidence quotes
checked against their source, how firm each conclusion is, the bargaining models' positions
by round, and the form's edits of feasibility, claims, variants and quotes. Good input is
compared with the library and the CLI; bad input gets its status and located message."""

from __future__ import annotations

import pytest

import standoff
from standoff.analysis.claims import check_claims
from standoff.analysis.robustness import robustness
from standoff.bargaining import load_model
from standoff.report.content import build_bargaining
from standoff.report.robustness import robustness_lines
from standoff.web.library import read_model_text

from .test_api import error_of, read, wait_job

pytest.importorskip("ruamel.yaml", reason="the form needs the 'web' extra (ruamel.yaml)")

ISTANBUL = "istanbul-2025/istanbul-2025.yaml"
BARGAINING = "bargaining/ec_emissions.yaml"
QUOTE = "any proposal for a truce will sooner or later prove untenable"


def apply(client, text, change, status=200, path="elmira.yaml"):
    response = client.post("/api/form/apply", json={"text": text, "path": path,
                                                    "change": change})
    assert response.status_code == status, response.text
    return response.json()


# -- evidence -------------------------------------------------------------------------------
def test_every_quote_is_listed_and_found(client, folder):
    text = read(folder, ISTANBUL)
    doc = client.post("/api/evidence", json={"text": text, "path": ISTANBUL}).json()
    assert [s["name"] for s in doc["sources"]] == ["commentary"]
    assert doc["sources"][0]["readable"]
    assert len(doc["quotes"]) == text.count("quote:")
    assert all(q["found"] is True for q in doc["quotes"])
    claim = next(q for q in doc["quotes"] if q["where"] == "claims.truce-untenable")
    assert claim["quote"] == QUOTE and claim["source"] == "commentary"
    assert text.splitlines()[claim["line"] - 1].strip().startswith("quote:")


def test_a_quote_not_in_the_source_gets_the_check_commands_message(client, folder,
                                                                    monkeypatch):
    from tests.cli_runner import run

    text = read(folder, ISTANBUL).replace(QUOTE, "a truce is a fine idea")
    (folder / "istanbul-2025" / "wrong.yaml").write_text(text)
    monkeypatch.chdir(folder / "istanbul-2025")
    cli = run("check", "wrong.yaml")
    assert cli.code == 2
    doc = client.post("/api/evidence", json={"text": text,
                                             "path": "istanbul-2025/wrong.yaml"}).json()
    missing = [q for q in doc["quotes"] if q["found"] is False]
    assert [q["where"] for q in missing] == ["claims.truce-untenable"]
    # the CLI names the file as it was given; the workbench as its path in the folder
    assert missing[0]["text"].replace("istanbul-2025/wrong.yaml", "wrong.yaml") \
        == cli.err.strip()
    # every other quote is still checked (the check command stops at the first)
    assert sum(q["found"] is True for q in doc["quotes"]) == len(doc["quotes"]) - 1


def test_quotes_of_an_unknown_or_unreadable_source_are_not_checked(client, folder):
    text = read(folder, ISTANBUL).replace("file: commentary-2025-06-08.txt",
                                          "file: missing.txt")
    doc = client.post("/api/evidence", json={"text": text, "path": ISTANBUL}).json()
    assert "cannot be read" in doc["sources"][0]["problem"]
    assert {q["found"] for q in doc["quotes"]} == {None}
    unknown = read(folder, ISTANBUL).replace("source: commentary\n    quote: any proposal",
                                             "source: nowhere\n    quote: any proposal")
    doc = client.post("/api/evidence", json={"text": unknown, "path": ISTANBUL}).json()
    (item,) = [q for q in doc["quotes"] if q["source"] == "nowhere"]
    assert item["found"] is None and item["message"] == "unknown source 'nowhere'"


def test_evidence_refuses_sources_outside_the_folder_and_bad_input(client, folder, tmp_path):
    (tmp_path / "secret.txt").write_text(QUOTE)
    text = read(folder, ISTANBUL).replace("file: commentary-2025-06-08.txt",
                                          "file: ../../secret.txt")
    doc = client.post("/api/evidence", json={"text": text, "path": ISTANBUL}).json()
    assert "outside the folder" in doc["sources"][0]["problem"]
    assert {q["found"] for q in doc["quotes"]} == {None}
    bad = client.post("/api/evidence", json={"text": "title: [unclosed\n"})
    assert bad.status_code == 422 and error_of(bad)["line"] == 1
    refused = client.post("/api/evidence", json={"text": "title: x\n", "path": "../x.yaml"})
    assert refused.status_code == 403
    assert client.post("/api/evidence", json={"path": ISTANBUL}).status_code == 422


def test_a_quote_is_edited_through_the_form(client, folder):
    text = read(folder, ISTANBUL).replace(QUOTE, "a truce is a fine idea")
    doc = client.post("/api/evidence", json={"text": text, "path": ISTANBUL}).json()
    (missing,) = [q for q in doc["quotes"] if q["found"] is False]
    fixed = apply(client, text, {"op": "set_quote", "path": missing["path"], "value": QUOTE},
                  path=ISTANBUL)["text"]
    assert fixed == read(folder, ISTANBUL)
    apply(client, text, {"op": "set_quote", "path": ["claims", "nope"], "value": "x"}, 422,
          path=ISTANBUL)
    apply(client, text, {"op": "set_quote", "path": ["title"], "value": "x"}, 422,
          path=ISTANBUL)
    apply(client, text, {"op": "set_quote", "path": "claims", "value": "x"}, 422,
          path=ISTANBUL)


# -- firmness --------------------------------------------------------------------------------
def test_firmness_is_the_robustness_commands(client, folder, monkeypatch):
    from tests.cli_runner import run

    text = read(folder, ISTANBUL)
    doc = client.post("/api/robustness", json={"text": text, "path": ISTANBUL}).json()
    monkeypatch.chdir(folder / "istanbul-2025")
    cli = run("robustness", "istanbul-2025.yaml")
    assert cli.code == 0
    assert doc["lines"] == cli.out.rstrip("\n").split("\n")
    result = robustness(standoff.load(folder / ISTANBUL), premises=False)
    assert [c["id"] for c in doc["claims"]] == [c.id for c in result.claims]
    for shown, computed in zip(doc["claims"], result.claims, strict=True):
        assert (shown["holds"], shown["of"]) == (computed.firmness.holds, computed.firmness.of)
        assert shown["line"] in cli.out
        assert shown["phrase"] == computed.firmness.phrase()
    assert doc["declares_uncertainty"] is True


def test_firmness_runs_as_a_job_with_progress(client, folder):
    text = read(folder, ISTANBUL)
    started = client.post("/api/jobs", json={"text": text, "path": ISTANBUL,
                                             "task": "firmness"})
    assert started.status_code == 202
    done = wait_job(client, started.json()["id"])
    assert done["state"] == "done"
    assert done["progress"]["done"] == done["progress"]["total"] > 1
    direct = client.post("/api/robustness", json={"text": text, "path": ISTANBUL}).json()
    assert done["result"] == direct


def test_firmness_without_declared_uncertainty_and_bad_input(client, folder):
    text = read(folder, "elmira.yaml")
    doc = client.post("/api/robustness", json={"text": text, "path": "elmira.yaml"}).json()
    result = robustness(standoff.load(folder / "elmira.yaml"))
    assert doc["declares_uncertainty"] is False and doc["profiles"] == 1
    assert doc["lines"] == robustness_lines(result)
    bad = client.post("/api/robustness", json={"text": "title: [unclosed\n"})
    assert bad.status_code == 422 and error_of(bad)["line"] == 1
    wrong_task = client.post("/api/jobs", json={"text": text, "task": "mine bitcoin"})
    assert wrong_task.status_code == 422
    assert error_of(wrong_task)["message"].startswith("bad request: task:")


# -- bargaining ------------------------------------------------------------------------------
def test_bargaining_gives_every_models_positions_by_round(client, folder):
    text = read(folder, BARGAINING)
    doc = client.post("/api/bargaining", json={"text": text, "path": BARGAINING}).json()
    model = load_model(folder / BARGAINING)
    section = build_bargaining(model)
    assert doc["title"] == model.title
    assert [m["model"] for m in doc["models"]] == list(section.forecasts)
    for shown in doc["models"]:
        forecast = section.forecasts[shown["model"]]
        assert shown["dynamic"] == (shown["model"] in section.dynamic)
        for panel in shown["issues"]:
            res = forecast.issues[panel["issue"]]
            assert panel["forecast"] == res.forecast
            assert panel["rounds"] == len(res.rounds) - 1
            assert [s["actor"] for s in panel["series"]] == list(res.actors)
            for a, series in enumerate(panel["series"]):
                assert series["positions"] == [row[a] for row in res.rounds]
    assert any(m["dynamic"] for m in doc["models"])


def test_validate_knows_a_bargaining_model(client, folder):
    only = client.post("/api/validate", json={"text": read(folder, BARGAINING),
                                              "path": BARGAINING}).json()
    assert only == {"ok": True, "errors": [], "summary": None, "bargaining": True}
    graph = client.post("/api/validate", json={"text": read(folder, "elmira.yaml")}).json()
    assert graph["ok"] and graph["bargaining"] is False


def test_bargaining_bad_input(client, folder, monkeypatch):
    from tests.cli_runner import run

    none = client.post("/api/bargaining", json={"text": read(folder, "elmira.yaml")})
    assert none.status_code == 422
    assert error_of(none)["message"] == "the model has no bargaining section"
    broken = read(folder, BARGAINING).replace("salience: 0.8}", "salience: 7}", 1)
    (folder / "bargaining" / "broken.yaml").write_text(broken)
    monkeypatch.chdir(folder / "bargaining")
    cli = run("forecast", "broken.yaml")
    assert cli.code == 2
    response = client.post("/api/bargaining", json={"text": broken,
                                                    "path": "bargaining/broken.yaml"})
    assert response.status_code == 422
    error = error_of(response)
    assert error["line"] is not None
    assert error["text"].replace("bargaining/broken.yaml", "broken.yaml") == cli.err.strip()
    syntax = client.post("/api/bargaining", json={"text": "bargaining: [\n"})
    assert syntax.status_code == 422 and error_of(syntax)["line"] is not None


# -- forms: feasibility, claims, variants ----------------------------------------------------
def states_of(folder, text: str) -> int:
    return standoff.compile_model(read_model_text(text, "elmira.yaml", folder)).state_count


def test_feasibility_statements_are_added_edited_and_deleted(client, folder):
    text = read(folder, "elmira.yaml")
    before = states_of(folder, text)
    added = apply(client, text, {"op": "add_feasibility", "kind": "infeasible",
                                 "value": "modify and delay"})
    assert added["form"]["feasibility"]["infeasible"][-1] == {"statement": "modify and delay",
                                                              "evidence": False}
    assert states_of(folder, added["text"]) < before
    index = len(added["form"]["feasibility"]["infeasible"]) - 1
    edited = apply(client, added["text"], {"op": "set_feasibility", "kind": "infeasible",
                                           "index": index, "value": "modify and insist"})
    assert "- modify and insist" in edited["text"] and "modify and delay" not in edited["text"]
    group = apply(client, edited["text"], {"op": "add_feasibility", "kind": "at_most_one",
                                           "value": "modify, insist"})
    assert group["form"]["feasibility"]["at_most_one"] == [["modify", "insist"]]
    assert "# " in group["text"] and group["text"].count("#") == text.count("#")
    back = apply(client, group["text"], {"op": "delete_feasibility", "kind": "at_most_one",
                                         "index": 0})
    back = apply(client, back["text"], {"op": "delete_feasibility", "kind": "infeasible",
                                        "index": index})
    assert back["text"] == text


def test_feasibility_is_added_to_a_model_without_it(client, folder):
    text = read(folder, "prisoners_dilemma.yaml")
    assert "feasibility" not in text
    added = apply(client, text, {"op": "add_feasibility", "kind": "infeasible",
                                 "value": "true"}, path="prisoners_dilemma.yaml")
    # 'true' rules out every state: the model reads, and compiling it says so
    read_model_text(added["text"], "pd.yaml", folder)
    keys = [line.split(":")[0] for line in added["text"].splitlines()
            if line and not line.startswith((" ", "#", "-"))]
    assert keys.index("feasibility") == keys.index("decision_makers") + 1


@pytest.mark.parametrize("change", [
    {"op": "add_feasibility", "kind": "feasible", "value": "modify"},
    {"op": "add_feasibility", "kind": "infeasible", "value": "  "},
    {"op": "add_feasibility", "kind": "at_most_one", "value": "modify"},
    {"op": "set_feasibility", "kind": "infeasible", "index": 99, "value": "modify"},
    {"op": "delete_feasibility", "kind": "at_least_one", "index": 0},
    {"op": "add_feasibility", "kind": "infeasible", "value": "x", "variant": "nope"},
    {"op": "add_claim", "id": "", "check": "some equilibrium has modify"},
    {"op": "add_claim", "id": "c", "check": ""},
    {"op": "set_claim", "id": "nope", "field": "check", "value": "x"},
    {"op": "add_variant", "id": "v", "description": None},
    {"op": "delete_variant", "id": "nope"},
    {"op": "frobnicate"},
])
def test_edits_that_do_not_fit_are_refused(client, folder, change):
    text = read(folder, "elmira.yaml")
    error = apply(client, text, change, 422)["error"]
    assert error["message"] and error["text"]


def test_a_claim_is_added_edited_and_deleted_and_its_verdict_follows(client, folder):
    text = read(folder, "elmira.yaml")
    added = apply(client, text, {"op": "add_claim", "id": "modify-stable",
                                 "check": "some equilibrium has modify",
                                 "text": "MoE ends up modifying the order"})
    assert added["form"]["claims"] == [{"id": "modify-stable",
                                        "check": "some equilibrium has modify",
                                        "text": "MoE ends up modifying the order",
                                        "source": None, "quote": None, "assumption": None}]
    doc = client.post("/api/analyze", json={"text": added["text"]}).json()
    (claim,) = doc["claims"]
    analysis = standoff.analyze(standoff.compile_model(
        read_model_text(added["text"], "e.yaml", folder)))
    (expected,) = check_claims(analysis, "base")
    assert claim["holds"] == expected.holds
    assert claim["variants"][0]["verdict"] == expected.verdict_text
    assert doc["variants"][0]["claims"]["modify-stable"]["holds"] == claim["holds"]
    flipped = apply(client, added["text"], {"op": "set_claim", "id": "modify-stable",
                                            "field": "check",
                                            "value": "no equilibrium has modify"})
    again = client.post("/api/analyze", json={"text": flipped["text"]}).json()
    assert again["claims"][0]["check"] == "no equilibrium has modify"
    no_text = apply(client, flipped["text"], {"op": "set_claim", "id": "modify-stable",
                                              "field": "text", "value": ""})
    assert no_text["form"]["claims"][0]["text"] is None
    apply(client, added["text"], {"op": "add_claim", "id": "modify-stable", "check": "x"}, 422)
    gone = apply(client, added["text"], {"op": "delete_claim", "id": "modify-stable"})
    assert gone["text"] == text and gone["form"]["claims"] == []


def test_a_variant_is_added_edited_and_deleted(client, folder):
    text = read(folder, "elmira.yaml")
    added = apply(client, text, {"op": "add_variant", "id": "no-delay",
                                 "description": "MoE modifies only once Uniroyal stops delaying"})
    changed = apply(client, added["text"], {"op": "add_feasibility", "kind": "infeasible",
                                            "value": "modify and delay",
                                            "variant": "no-delay"})
    (variant,) = changed["form"]["variants"]
    assert variant["name"] == "no-delay" and variant["description"].startswith("MoE modifies")
    assert variant["feasibility"]["infeasible"] == [{"statement": "modify and delay",
                                                     "evidence": False}]
    doc = client.post("/api/analyze", json={"text": changed["text"]}).json()
    assert [v["name"] for v in doc["variants"]] == ["base", "no-delay"]
    assert doc["variants"][1]["states"] < doc["variants"][0]["states"]
    described = apply(client, changed["text"], {"op": "set_variant", "id": "no-delay",
                                                "field": "description",
                                                "value": "No modification while delaying"})
    assert described["form"]["variants"][0]["description"] == "No modification while delaying"
    apply(client, changed["text"], {"op": "set_variant", "id": "no-delay",
                                    "field": "preferences", "value": "x"}, 422)
    bare = apply(client, changed["text"], {"op": "delete_feasibility", "kind": "infeasible",
                                           "index": 0, "variant": "no-delay"})
    assert "feasibility" not in bare["text"].split("variants:")[1]
    gone = apply(client, bare["text"], {"op": "delete_variant", "id": "no-delay"})
    assert gone["text"] == text


def test_openapi_lists_the_new_endpoints(client):
    paths = client.get("/api/openapi.json").json()["paths"]
    for path in ("/api/evidence", "/api/robustness", "/api/bargaining"):
        assert path in paths


def test_the_new_endpoints_need_the_token(folder):
    from fastapi.testclient import TestClient

    from standoff.web.app import create_app

    with TestClient(create_app(folder, token="right"), base_url="http://127.0.0.1") as bare:
        for path in ("/api/evidence", "/api/robustness", "/api/bargaining"):
            assert bare.post(path, json={"text": "x"}).status_code == 401
