"""The Form pane's API: fields read from the YAML, and edits written back into it with
comments and layout kept, each giving the model the library reads from the new text."""

from __future__ import annotations

import pytest

import standoff
from standoff.web.library import read_model_text

pytest.importorskip("ruamel.yaml", reason="the form needs the 'web' extra (ruamel.yaml)")


def elmira(folder) -> str:
    return (folder / "elmira.yaml").read_text()


def apply(client, text, change, status=200):
    response = client.post("/api/form/apply", json={"text": text, "path": "elmira.yaml",
                                                    "change": change})
    assert response.status_code == status, response.text
    return response.json()


def test_form_reads_the_model(client, folder):
    form = client.post("/api/form", json={"text": elmira(folder)}).json()
    spec = standoff.load(folder / "elmira.yaml").spec
    assert [d["id"] for d in form["decision_makers"]] == [d.id for d in spec.dms]
    assert [d["name"] for d in form["decision_makers"]] == [d.name for d in spec.dms]
    options = [(o["id"], o["text"], o["moves"]) for d in form["decision_makers"]
               for o in d["options"]]
    assert options == [(o.key.split(".")[1], o.text, o.moves) for o in spec.options]
    assert form["status_quo"] == ["delay"]
    uniroyal = next(p for p in form["preferences"] if p["dm"] == "uniroyal")
    assert uniroyal["form"] == "prioritize"
    assert [e["statement"] for e in uniroyal["entries"]][0] == "modify iff accept"


def test_moving_a_statement_reorders_the_prioritization(client, folder):
    text = elmira(folder)
    answer = apply(client, text, {"op": "move_preference", "dm": "uniroyal", "from": 2,
                                  "to": 0})
    new = answer["text"]
    assert "prioritize: [not insist, modify iff accept, not abandon, delay iff not insist]" \
        in new
    # everything else is as written: comments and all other lines
    assert [x for x in new.splitlines() if "uniroyal" not in x and "not insist" not in x] == \
        [x for x in text.splitlines() if "uniroyal" not in x and "not insist" not in x]
    spec = read_model_text(new, "elmira.yaml", folder)
    statements = [s.text for s in spec.preferences[1].statements]
    assert statements[0] == "not insist"


def test_editing_names_directions_options_and_status_quo(client, folder):
    text = elmira(folder)
    text = apply(client, text, {"op": "set", "dm": "lg", "field": "name",
                                "value": "Township of Woolwich"})["text"]
    text = apply(client, text, {"op": "set", "dm": "lg", "option": "insist", "field": "moves",
                                "value": "drop"})["text"]
    text = apply(client, text, {"op": "add_option", "dm": "moe", "option": "fine",
                                "text": "Fine Uniroyal"})["text"]
    answer = apply(client, text, {"op": "set_status_quo",
                                  "options": ["uniroyal.delay", "lg.insist"]})
    spec = read_model_text(answer["text"], "elmira.yaml", folder)
    assert spec.dms[2].name == "Township of Woolwich"
    assert spec.options[-1].moves == "drop"
    assert [o.key for o in spec.options if o.dm == 0] == ["moe.modify", "moe.fine"]
    assert sorted(spec.options[k].key for k in spec.status_quo) == ["lg.insist",
                                                                    "uniroyal.delay"]
    assert answer["form"]["status_quo"] == ["delay", "insist"]
    assert answer["text"].startswith("# Elmira groundwater contamination")


@pytest.mark.parametrize("change, message", [
    ({"op": "explode"}, "unknown form edit 'explode'"),
    ({"op": "set", "dm": "nobody", "field": "name", "value": "x"},
     "the model has no 'decision_makers.nobody'"),
    ({"op": "set", "dm": "lg", "option": "insist", "field": "moves", "value": "sideways"},
     "unknown move direction 'sideways'"),
    ({"op": "move_preference", "dm": "lg", "from": 0, "to": 99}, "positions must lie"),
    ({"op": "add_option", "dm": "moe", "option": "modify", "text": "again"},
     "moe already has an option 'modify'"),
    ({"op": "set_weight", "dm": "lg", "index": 0, "value": 3},
     "the model has no 'preferences.lg.weights'"),
])
def test_edits_that_do_not_fit_the_model(client, folder, change, message):
    answer = apply(client, elmira(folder), change, status=422)
    assert message in answer["error"]["message"]


def test_form_of_broken_yaml_gives_the_located_error(client):
    response = client.post("/api/form", json={"text": "title: [unclosed\n"})
    assert response.status_code == 422
    assert response.json()["error"]["line"] == 1
