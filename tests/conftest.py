"""Shared test helpers: paths to the examples and to the shared reference cases."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
CASES = ROOT.parent / "shared" / "cases" / "gmcr"


@pytest.fixture
def examples() -> Path:
    return EXAMPLES
