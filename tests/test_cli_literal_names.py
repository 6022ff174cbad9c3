"""Names from a model file are printed as written, never read as terminal markup.

rich reads "[red]" or "[/]" as style tags; a title, decision maker, actor or issue that
contains square brackets used to crash the text output (MarkupError) or lose characters.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli_runner import run

ROOT = Path(__file__).resolve().parents[1]
TITLE = "Elmira [/] [red]x"
DM_NAME = "[bold]Uniroyal[/bold] [/]"


@pytest.fixture()
def odd_elmira(tmp_path):
    text = (ROOT / "examples" / "elmira.yaml").read_text(encoding="utf-8")
    text = text.replace("title: Elmira groundwater contamination", f'title: "{TITLE}"')
    text = text.replace("name: Uniroyal Chemical", f'name: "{DM_NAME}"')
    path = tmp_path / "odd.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("command", [
    ["analyze"], ["states"], ["claims"], ["paths"], ["coalitions"],
    ["explain", "@", "1", "--dm", "uniroyal"],
])
def test_gmcr_text_output_prints_names_literally(odd_elmira, command):
    args = [odd_elmira if a == "@" else a for a in command]
    if "@" not in command:
        args.append(odd_elmira)
    r = run(*args)
    assert r.code == 0, r.err
    assert "Traceback" not in r.out + r.err
    if command[0] in ("analyze", "states", "claims", "coalitions"):
        assert TITLE in r.out


def test_bargaining_text_output_prints_ids_literally(tmp_path):
    path = tmp_path / "odd.yaml"
    path.write_text("""bargaining:
  actors: [{id: "[/]"}, {id: "[red]B"}]
  issues:
    - id: "tariff[eu]"
      status_quo: 50
      positions:
        "[/]": {position: 10, salience: 0.5, acceptable: [0, 60]}
        "[red]B": {position: 90, salience: 0.5, acceptable: [40, 100]}
""", encoding="utf-8")
    for command in (["forecast", path], ["forecast", path, "-m", "exchange"], ["zopa", path]):
        r = run(*command)
        assert r.code == 0, r.err
        assert "tariff[eu]" in r.out
        if command[0] == "forecast":
            assert "[red]B" in r.out and "[/]" in r.out
