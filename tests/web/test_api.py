"""The workbench's JSON API, through FastAPI's TestClient: every endpoint, with good input
compared against the library and bad input (malformed YAML, huge bodies, path traversal,
symbolic links out of the folder, missing or wrong token) with its status and message."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest

import standoff
from standoff.analysis import explain
from standoff.analysis.claims import check_claims
from standoff.analysis.paths import status_quo_analysis
from standoff.web.app import MAX_BODY_BYTES, create_app
from standoff.web.library import MAX_FILE_BYTES

from .conftest import TOKEN

HANG_GUARD = 120  # seconds a job may take before the test gives up (not a timing check)


def error_of(response) -> dict:
    return response.json()["error"]


def read(folder: Path, name: str) -> str:
    return (folder / name).read_text(encoding="utf-8")


def wait_job(client, job_id: str) -> dict:
    deadline = time.monotonic() + HANG_GUARD
    while True:
        doc = client.get(f"/api/jobs/{job_id}").json()
        if doc["state"] != "running":
            return doc
        assert time.monotonic() < deadline, "the job did not finish"
        time.sleep(0.05)


# -- the session token and the host ---------------------------------------------------------
def test_every_api_call_needs_the_token(folder):
    from fastapi.testclient import TestClient

    app = create_app(folder, token=TOKEN)
    bare = TestClient(app, base_url="http://127.0.0.1")
    for method, url in [("get", "/api/models"), ("get", "/api/models/elmira.yaml"),
                        ("post", "/api/validate"), ("post", "/api/jobs"),
                        ("get", "/api/openapi.json"), ("put", "/api/models/x.yaml")]:
        missing = getattr(bare, method)(url)
        assert missing.status_code == 401
        assert error_of(missing)["message"] == "the session token is missing"
        wrong = getattr(bare, method)(url, headers={"X-Standoff-Token": "guess"})
        assert wrong.status_code == 401
        assert error_of(wrong)["message"] == "the session token is wrong"
    by_query = bare.get(f"/api/models?token={TOKEN}")
    assert by_query.status_code == 200
    assert bare.get("/").status_code == 200  # the page itself carries no data
    assert "text/html" in bare.get("/").headers["content-type"]


def test_a_random_token_is_made_when_none_is_given(folder):
    first, second = create_app(folder), create_app(folder)
    assert len(first.state.token) >= 24 and first.state.token != second.state.token


def test_a_foreign_host_header_is_refused(folder):
    from fastapi.testclient import TestClient

    app = create_app(folder, token=TOKEN)
    foreign = TestClient(app, base_url="http://attacker.example",
                         headers={"X-Standoff-Token": TOKEN})
    assert foreign.get("/api/models").status_code == 400


def test_openapi_lists_every_endpoint(client):
    paths = client.get("/api/openapi.json").json()["paths"]
    for path in ("/api/models", "/api/models/{path}", "/api/validate", "/api/analyze",
                 "/api/jobs", "/api/jobs/{job_id}", "/api/explain", "/api/graph",
                 "/api/report", "/api/form", "/api/form/apply"):
        assert path in paths


def test_the_page_and_its_scripts_are_served_without_any_cdn(client):
    page = client.get("/").text
    assert "/static/js/app.js" in page and "/static/vendor/cytoscape/cytoscape.min.js" in page
    assert "http://" not in page and "https://" not in page
    for asset in ("/static/js/app.js", "/static/js/graph.js", "/static/style.css",
                  "/static/vendor/cytoscape/cytoscape.min.js"):
        assert client.get(asset).status_code == 200


# -- the folder -----------------------------------------------------------------------------
def test_models_lists_model_files_only_inside_the_folder(client, folder, tmp_path):
    (folder / "notes.txt").write_text("not a model")
    (folder / ".hidden.yaml").write_text("format: standoff/1")
    (folder / "elmira.yaml.bak").write_text("old")
    outside = tmp_path / "outside.yaml"
    outside.write_text("format: standoff/1")
    (folder / "link-out.yaml").symlink_to(outside)
    listed = [m["path"] for m in client.get("/api/models").json()["models"]]
    assert "elmira.yaml" in listed and "istanbul-2025/istanbul-2025.yaml" in listed
    for absent in ("notes.txt", ".hidden.yaml", "elmira.yaml.bak", "link-out.yaml"):
        assert absent not in listed


def test_read_returns_the_file_text(client, folder):
    response = client.get("/api/models/elmira.yaml")
    assert response.status_code == 200
    assert response.json() == {"path": "elmira.yaml", "text": read(folder, "elmira.yaml")}


@pytest.mark.parametrize("path, message", [
    ("..%2F..%2Fetc%2Fpasswd", "'..' is refused"),
    ("istanbul-2025%2F..%2F..%2Fsecret.yaml", "'..' is refused"),
    ("%2Fetc%2Fpasswd", "absolute paths are refused"),
    ("~%2F.ssh%2Fid_rsa", "absolute paths are refused"),
    ("sub%5C..%5Cx.yaml", "backslash"),
])
def test_read_refuses_paths_outside_the_folder(client, path, message):
    response = client.get(f"/api/models/{path}")
    assert response.status_code == 403
    assert message in error_of(response)["message"]


def test_read_refuses_a_symbolic_link_out_of_the_folder(client, folder, tmp_path):
    secret = tmp_path / "secret.yaml"
    secret.write_text("password: hunter2")
    (folder / "innocent.yaml").symlink_to(secret)
    (folder / "linked-dir").symlink_to(tmp_path, target_is_directory=True)
    for path in ("innocent.yaml", "linked-dir/secret.yaml"):
        response = client.get(f"/api/models/{path}")
        assert response.status_code == 403
        assert "leads outside the served folder" in error_of(response)["message"]
        assert "hunter2" not in response.text


def test_read_of_a_missing_or_huge_file(client, folder):
    missing = client.get("/api/models/nothing-here.yaml")
    assert missing.status_code == 404
    assert error_of(missing)["message"] == "file not found"
    (folder / "huge.yaml").write_bytes(b"#" * (MAX_FILE_BYTES + 1))
    huge = client.get("/api/models/huge.yaml")
    assert huge.status_code == 413
    assert error_of(huge)["message"] == f"the file is larger than {MAX_FILE_BYTES // 2**20} MiB"


def test_save_writes_atomically_and_keeps_the_previous_version(client, folder):
    original = read(folder, "elmira.yaml")
    edited = original.replace("title: Elmira", "title: Edited Elmira")
    response = client.put("/api/models/elmira.yaml", json={"text": edited})
    assert response.status_code == 200
    assert response.json() == {"path": "elmira.yaml", "bytes": len(edited.encode()),
                               "backup": "elmira.yaml.bak"}
    assert read(folder, "elmira.yaml") == edited
    assert read(folder, "elmira.yaml.bak") == original
    new = client.put("/api/models/istanbul-2025/new.yaml", json={"text": "title: x\n"})
    assert new.status_code == 200 and new.json()["backup"] is None
    assert read(folder, "istanbul-2025/new.yaml") == "title: x\n"
    assert not [p for p in folder.rglob("*.tmp")]


@pytest.mark.parametrize("path, status, message", [
    ("..%2Fescaped.yaml", 403, "'..' is refused"),
    ("%2Ftmp%2Fescaped.yaml", 403, "absolute paths are refused"),
    ("script.py", 403, "only model files can be saved"),
    ("no-such-folder%2Fx.yaml", 403, "the folder 'no-such-folder' does not exist"),
    ("istanbul-2025", 403, "only model files can be saved"),
])
def test_save_refuses_paths_it_must_not_write(client, folder, path, status, message):
    before = sorted(p.name for p in folder.parent.rglob("*"))
    response = client.put(f"/api/models/{path}", json={"text": "format: standoff/1\n"})
    assert response.status_code == status
    assert message in error_of(response)["message"]
    assert sorted(p.name for p in folder.parent.rglob("*")) == before


def test_save_does_not_write_through_a_link_out_of_the_folder(client, folder, tmp_path):
    target = tmp_path / "elsewhere.yaml"
    target.write_text("untouched")
    (folder / "link.yaml").symlink_to(target)
    response = client.put("/api/models/link.yaml", json={"text": "overwritten"})
    assert response.status_code == 403
    assert target.read_text() == "untouched"


def test_save_refuses_text_larger_than_a_model_file(client, folder):
    text = "#" * (MAX_FILE_BYTES + 1)
    response = client.put("/api/models/big.yaml", json={"text": text})
    assert response.status_code == 413
    assert error_of(response)["message"] == \
        f"the file is larger than {MAX_FILE_BYTES // 2**20} MiB"
    assert not (folder / "big.yaml").exists()


def test_huge_request_bodies_are_refused(client, folder):
    body = json.dumps({"text": "#" * (MAX_BODY_BYTES + 10)})
    declared = client.put("/api/models/big.yaml", content=body,
                          headers={"Content-Type": "application/json"})
    assert declared.status_code == 413
    assert error_of(declared)["message"].startswith("the request is larger than")

    def chunks():  # no Content-Length: the bytes are counted as they arrive
        for _ in range(MAX_BODY_BYTES // 65536 + 2):
            yield b"#" * 65536

    streamed = client.post("/api/validate", content=chunks(),
                           headers={"Content-Type": "application/json"})
    assert streamed.status_code == 413
    assert not (folder / "big.yaml").exists()


# -- validation: the CLI's located errors ----------------------------------------------------
def test_validate_a_good_model(client, folder):
    response = client.post("/api/validate", json={"text": read(folder, "elmira.yaml"),
                                                  "path": "elmira.yaml"})
    conflict = standoff.load(folder / "elmira.yaml")
    body = response.json()
    assert response.status_code == 200 and body["ok"] and body["errors"] == []
    assert body["summary"]["states"] == conflict.state_count
    assert body["summary"]["moves"] == conflict.move_count()
    assert body["summary"]["status_quo"] == conflict.status_quo + 1


@pytest.mark.parametrize("broken", [
    "format: standoff/1\ntitle: [unclosed\n",                     # YAML syntax
    "format: standoff/1\ntitle: x\ndecision_makers: 3\n",         # schema
    None,                                                          # unknown option name
])
def test_validate_gives_the_cli_message(client, folder, monkeypatch, broken):
    from tests.cli_runner import run

    if broken is None:
        broken = read(folder, "elmira.yaml").replace("status_quo: [delay]",
                                                     "status_quo: [dleay]")
    (folder / "broken.yaml").write_text(broken)
    monkeypatch.chdir(folder)
    cli = run("check", "broken.yaml")
    assert cli.code == 2
    response = client.post("/api/validate", json={"text": broken, "path": "broken.yaml"})
    assert response.status_code == 200
    body = response.json()
    assert body["ok"] is False
    (error,) = body["errors"]
    assert error["text"] == cli.err.strip()
    assert error["line"] is not None


def test_validate_unsaved_text_names_it_untitled(client):
    response = client.post("/api/validate", json={"text": "title: [unclosed\n"})
    assert response.json()["errors"][0]["file"] == "untitled.yaml"


def test_validate_reads_evidence_sources_beside_the_model(client, folder):
    name = "istanbul-2025/istanbul-2025.yaml"
    text = read(folder, name)
    assert client.post("/api/validate", json={"text": text, "path": name}).json()["ok"]
    quote = "any proposal for a truce will sooner or later prove untenable"
    assert quote in text
    wrong = text.replace(quote, "a quote the commentary never wrote")
    error = client.post("/api/validate", json={"text": wrong, "path": name}).json()["errors"][0]
    assert error["message"].startswith("the quote is not in source 'commentary'; the closest ")


@pytest.mark.parametrize("body", [{}, {"text": 3}, {"path": "elmira.yaml"}])
def test_malformed_requests_say_what_is_wrong(client, body):
    response = client.post("/api/validate", json=body)
    assert response.status_code == 422
    assert error_of(response)["message"].startswith("bad request: text:")


def test_a_body_that_is_not_json(client):
    response = client.post("/api/validate", content=b"{not json",
                           headers={"Content-Type": "application/json"})
    assert response.status_code == 422
    assert error_of(response)["message"].startswith("bad request:")


def test_a_model_too_large_is_refused_with_the_cli_message(folder, monkeypatch):
    from fastapi.testclient import TestClient

    from tests.cli_runner import run

    options = "\n".join(f"      o{k}: {{text: option {k}}}" for k in range(8))
    text = ("format: standoff/1\ntitle: big\ndecision_makers:\n  a:\n    name: A\n"
            f"    options:\n{options}\n  b:\n    name: B\n    options:\n"
            "      p: {text: P}\npreferences:\n  a: {prioritize: [o1]}\n"
            "  b: {prioritize: [p]}\n")
    (folder / "big.yaml").write_text(text)
    monkeypatch.chdir(folder)
    cli = run("check", "big.yaml", "--max-states", "100")
    assert cli.code == 2
    monkeypatch.undo()  # back to the first folder: the worker processes start from it
    app = create_app(folder, token=TOKEN, max_states=100)
    client = TestClient(app, base_url="http://127.0.0.1", headers={"X-Standoff-Token": TOKEN})
    body = client.post("/api/validate", json={"text": text, "path": "big.yaml"}).json()
    assert body["errors"][0]["text"] == cli.err.strip()
    analysed = client.post("/api/analyze", json={"text": text, "path": "big.yaml"})
    assert analysed.status_code == 422
    assert error_of(analysed)["text"] == cli.err.strip()
    job = client.post("/api/jobs", json={"text": text, "path": "big.yaml"}).json()
    done = wait_job(client, job["id"])
    assert done["state"] == "failed" and done["error"]["text"] == cli.err.strip()
    app.state.jobs.shutdown()


# -- analysis --------------------------------------------------------------------------------
def test_analyze_matches_the_library(client, folder):
    doc = client.post("/api/analyze", json={"text": read(folder, "elmira.yaml"),
                                            "path": "elmira.yaml"}).json()
    conflict = standoff.load(folder / "elmira.yaml")
    analysis = standoff.analyze(conflict)
    assert doc["equilibria"] == analysis.equilibria
    assert [c["key"] for c in doc["concepts"]] == list(analysis.concepts)
    for row in doc["stability"]:
        assert row["pattern"] == conflict.pattern(row["state"] - 1)
        for concept in analysis.concepts:
            for dm in conflict.dm_ids:
                assert row["stable"][concept][dm] == analysis.is_stable(row["state"], dm,
                                                                        concept)
            assert row["equilibrium"][concept] == (row["state"] in analysis.equilibria[concept])
    for i, ranking in enumerate(doc["rankings"]):
        flat = [s for tie in ranking["ranking"] for s in tie]
        assert sorted(flat) == list(range(1, conflict.state_count + 1))
        ranks = [int(conflict.ranks[i, s - 1]) for s in flat]
        assert ranks == sorted(ranks, reverse=True)
        for tie in ranking["ranking"]:
            assert len({int(conflict.ranks[i, s - 1]) for s in tie}) == 1
    sq = status_quo_analysis(conflict, analysis)
    assert doc["evolution"]["text"] == sq.sentences()


def test_analyze_checks_claims_and_variants(client, folder):
    name = "istanbul-2025/istanbul-2025.yaml"
    doc = client.post("/api/analyze", json={"text": read(folder, name), "path": name}).json()
    conflict = standoff.load(folder / name)
    analysis = standoff.analyze(conflict)
    expected = {r.id: r.holds for r in check_claims(analysis, "base")}
    base = {c["id"]: c["variants"][0]["holds"] for c in doc["claims"]}
    assert base == expected
    assert doc["variants"][0]["name"] == "base"
    assert [v["name"] for v in doc["variants"][1:]] == [v.name for v in conflict.spec.variants]
    for claim in doc["claims"]:
        assert len(claim["variants"]) == len(doc["variants"])
        for verdict in claim["variants"][0]["verdicts"]:
            assert verdict["summary"]


def test_analyze_refuses_an_unknown_concept(client, folder):
    response = client.post("/api/analyze", json={"text": read(folder, "elmira.yaml"),
                                                 "concepts": ["nash", "bogus"]})
    assert response.status_code == 422
    assert "unknown concept 'bogus'" in error_of(response)["message"]


def test_a_job_reports_progress_and_its_result(client, folder):
    text = read(folder, "elmira.yaml")
    started = client.post("/api/jobs", json={"text": text, "path": "elmira.yaml"})
    assert started.status_code == 202
    done = wait_job(client, started.json()["id"])
    assert done["state"] == "done"
    assert done["progress"]["done"] == done["progress"]["total"] > 0
    direct = client.post("/api/analyze", json={"text": text, "path": "elmira.yaml"}).json()
    assert done["result"] == direct


def test_a_job_with_a_bad_model_fails_with_the_located_error(client):
    job = client.post("/api/jobs", json={"text": "title: [unclosed\n"}).json()
    done = wait_job(client, job["id"])
    assert done["state"] == "failed"
    assert done["error"]["line"] == 1 and done["error"]["file"] == "untitled.yaml"


def test_a_job_can_be_cancelled(client, folder):
    jobs = client.app.state.jobs
    job = client.post("/api/jobs", json={"text": read(folder, "elmira.yaml")}).json()
    cancelled = client.delete(f"/api/jobs/{job['id']}")
    assert cancelled.status_code == 200
    assert cancelled.json()["state"] in ("cancelled", "done")
    if cancelled.json()["state"] == "cancelled":
        process = jobs.get(job["id"]).process
        process.join(timeout=HANG_GUARD)
        assert not process.is_alive()
        assert client.get(f"/api/jobs/{job['id']}").json()["state"] == "cancelled"


def test_unknown_jobs(client):
    for response in (client.get("/api/jobs/nope"), client.delete("/api/jobs/nope")):
        assert response.status_code == 404
        assert error_of(response)["message"] == "no job 'nope'"


# -- explanations, graph, report ---------------------------------------------------------------
def test_explain_gives_the_cli_sentences(client, folder):
    conflict = standoff.load(folder / "elmira.yaml")
    doc = client.post("/api/explain", json={"text": read(folder, "elmira.yaml"),
                                            "path": "elmira.yaml", "state": 1}).json()
    assert doc["pattern"] == conflict.pattern(0)
    pairs = {(e["dm"], e["concept"]): e["text"] for e in doc["explanations"]}
    assert len(pairs) == len(conflict.dm_ids) * 5
    for (dm, concept), text in pairs.items():
        assert text == list(explain(conflict, 1, dm, concept).sentences)
    one = client.post("/api/explain", json={"text": read(folder, "elmira.yaml"), "state": 1,
                                            "dm": "lg", "concept": "seq"}).json()
    assert [e["text"] for e in one["explanations"]] == [pairs[("lg", "seq")]]


@pytest.mark.parametrize("fields, message", [
    ({"state": 99}, "state 99 does not exist"),
    ({"state": 0}, "state 0 does not exist"),
    ({"state": 1, "dm": "nobody"}, "unknown decision maker 'nobody'"),
    ({"state": 1, "concept": "bogus"}, "unknown concept 'bogus'"),
])
def test_explain_refuses_what_does_not_exist(client, folder, fields, message):
    response = client.post("/api/explain", json={"text": read(folder, "elmira.yaml"),
                                                 **fields})
    assert response.status_code == 422
    assert message in error_of(response)["message"]


def test_graph_has_every_move_with_its_mover_and_kind(client, folder):
    conflict = standoff.load(folder / "elmira.yaml")
    analysis = standoff.analyze(conflict)
    doc = client.post("/api/graph", json={"text": read(folder, "elmira.yaml")}).json()
    assert [n["id"] for n in doc["nodes"]] == list(range(1, conflict.state_count + 1))
    expected = set()
    for i, dm in enumerate(conflict.dm_ids):
        for s in range(conflict.state_count):
            for t in conflict.moves[i].of(s):
                expected.add((s + 1, int(t) + 1, dm, bool(conflict.ranks[i, t] >
                                                          conflict.ranks[i, s])))
    assert {(m["from"], m["to"], m["dm"], m["improvement"]) for m in doc["moves"]} == expected
    assert doc["equilibria"] == analysis.equilibria
    assert doc["status_quo"] == conflict.status_quo + 1
    sq = status_quo_analysis(conflict, analysis)
    assert set(doc["evolution"]["states"]) == {s for p in sq.paths for s in p.states}


def test_report_is_the_cli_report(client, folder, monkeypatch):
    from tests.cli_runner import run

    monkeypatch.chdir(folder)
    assert run("report", "elmira.yaml", "-o", "cli-report.html").code == 0
    response = client.post("/api/report", json={"text": read(folder, "elmira.yaml"),
                                                "path": "elmira.yaml"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert response.headers["content-disposition"] == 'attachment; filename="elmira.html"'
    assert response.text == (folder / "cli-report.html").read_text(encoding="utf-8")


def test_report_of_a_bad_model(client):
    response = client.post("/api/report", json={"text": "title: [unclosed\n"})
    assert response.status_code == 422
    assert error_of(response)["message"].startswith("YAML syntax error")


def test_nothing_outside_the_folder_changed(client, folder):
    outside = sorted(p.name for p in folder.parent.iterdir())
    client.put("/api/models/elmira.yaml", json={"text": "title: x\n"})
    client.put("/api/models/..%2Felmira.yaml", json={"text": "title: x\n"})
    assert sorted(p.name for p in folder.parent.iterdir()) == outside
    assert os.listdir(folder).count("elmira.yaml.bak") == 1


def test_evidence_sources_outside_the_folder_are_not_read(client, folder, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("the launch code is 1234")
    name = "istanbul-2025/istanbul-2025.yaml"
    text = read(folder, name)
    assert "file: commentary-2025-06-08.txt" in text
    leaking = text.replace("file: commentary-2025-06-08.txt", "file: ../../secret.txt")
    for response in (client.post("/api/validate", json={"text": leaking, "path": name}),
                     client.post("/api/jobs", json={"text": leaking, "path": name})):
        body = response.json()
        if "id" in body:
            body = wait_job(client, body["id"])
            error = body["error"]
        else:
            (error,) = body["errors"]
        assert error["message"] == ("source file '../../secret.txt' of source 'commentary' "
                                    "lies outside the folder the workbench serves")
        assert error["line"] == text.splitlines().index(
            next(x for x in text.splitlines() if "file: commentary" in x)) + 1
