"""Shared test helpers: paths to the examples and to the shared reference cases."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
SHARED = ROOT.parent / "shared"
CASES = SHARED / "cases" / "gmcr"

#: Why a test that needs the shared reference cases is skipped when they are absent.
SHARED_REASON = (f"needs the shared reference cases in {CASES} (the project's ../shared "
                 "folder beside the repository; not part of a bare checkout)")
#: Mark for tests that read ``../shared``: skipped, saying why, when it is absent.
needs_shared = pytest.mark.skipif(not CASES.is_dir(), reason=SHARED_REASON)


@pytest.fixture
def examples() -> Path:
    return EXAMPLES
