"""``standoff serve``: the command starts the workbench, prints its URL with the token, binds
the loopback address unless told otherwise (with a warning) and refuses a bad folder."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.cli_runner import run

ROOT = Path(__file__).resolve().parents[2]
URL = re.compile(r"open: (http://127\.0\.0\.1:(\d+)/\?token=([\w-]+))")


def test_serve_is_a_command():
    result = run("serve", "--help")
    assert result.code == 0
    assert "--port" in result.out and "--host" in result.out


def test_serve_refuses_a_missing_folder_or_a_file(tmp_path):
    missing = run("serve", str(tmp_path / "nowhere"))
    assert missing.code == 2
    assert "error: folder not found" in missing.err
    (tmp_path / "model.yaml").write_text("title: x\n")
    a_file = run("serve", str(tmp_path / "model.yaml"))
    assert a_file.code == 2
    assert "this is a file, not a folder" in a_file.err


@pytest.mark.parametrize("host, warned", [("127.0.0.1", False), ("0.0.0.0", True)])
def test_another_host_than_loopback_is_warned_about(folder, monkeypatch, host, warned):
    import uvicorn

    seen = {}

    def fake_run(self, sockets=None):
        seen["host"] = self.config.host

    monkeypatch.setattr(uvicorn.Server, "run", fake_run)
    result = run("serve", str(folder), "--host", host, "--port", "0")
    assert result.code == 0
    assert seen["host"] == host
    assert ("warning: listening on 0.0.0.0" in result.err) is warned


def test_serve_prints_a_url_whose_token_opens_the_api(folder):
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    process = subprocess.Popen(
        [sys.executable, "-m", "standoff", "serve", str(folder), "--port", "0"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        line = ""
        for _ in range(5):
            line = process.stdout.readline()
            if URL.search(line):
                break
        found = URL.search(line)
        assert found, f"no URL printed: {line!r}"
        url, port, token = found.groups()
        with urllib.request.urlopen(url, timeout=30) as page:
            assert page.status == 200
        api = f"http://127.0.0.1:{port}/api/models"
        with urllib.request.urlopen(f"{api}?token={token}", timeout=30) as answer:
            listed = [m["path"] for m in json.load(answer)["models"]]
        assert "elmira.yaml" in listed
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(api, timeout=30)
        assert refused.value.code == 401
    finally:
        process.terminate()
        process.wait(timeout=30)
