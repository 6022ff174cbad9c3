"""Shared fixtures for the bargaining tests."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples" / "bargaining"
SHARED = ROOT.parent / "shared"


def _deu3_path() -> Path | None:
    env = os.environ.get("STANDOFF_DEU3")
    for cand in (env, SHARED / "data" / "deu3" / "deu3.csv"):
        if cand and Path(cand).is_file():
            return Path(cand)
    return None


@pytest.fixture(scope="session")
def app():
    """The standoff typer app with the bargaining commands registered."""
    import standoff.cli as cli

    cli._register()
    return cli.app


@pytest.fixture()
def run(app):
    """Invoke the command line; returns the click Result."""
    runner = CliRunner()

    def _run(*args: str):
        return runner.invoke(app, [str(a) for a in args])

    return _run


@pytest.fixture()
def write(tmp_path):
    """Write a text file under tmp_path and return its path."""

    def _write(name: str, text: str) -> Path:
        p = tmp_path / name
        p.write_text(text, encoding="utf-8")
        return p

    return _write


@pytest.fixture(scope="session")
def deu3_path() -> Path:
    p = _deu3_path()
    if p is None:
        pytest.skip(f"needs the DEU III data set: {SHARED / 'data' / 'deu3' / 'deu3.csv'} (the "
                    "project's ../shared folder beside the repository), or STANDOFF_DEU3 "
                    "set to a copy")
    return p
