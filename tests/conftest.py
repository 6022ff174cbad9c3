"""Shared test helpers: paths to the examples and to the shared reference cases, and the
Hypothesis settings profiles.

Profiles (chosen with the environment variable ``HYPOTHESIS_PROFILE``, or pytest's
``--hypothesis-profile``; without either, ``ci`` when ``CI`` is set to ``true`` or ``1``,
else ``dev``):

- ``ci``: the same examples on every run (``derandomize``), no example database, no
  deadline, and a reproduction blob printed for every failure. Only ``too_slow`` is
  suppressed: it depends on the machine's load, not on the code under test.
- ``dev``: Hypothesis's defaults: random examples, failures remembered in ``.hypothesis/``.
- ``long``: random examples, 20 times as many per test (see :func:`example_count`), no
  deadline; started by hand (docs/testing.md).

Per-test ``@settings(...)`` inherit every field they do not set from the profile active when
the test module is imported, which is why the profile is loaded here, before any test module;
:func:`pytest_collection_modifyitems` checks that no test overrides ``derandomize`` or the
database.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
SHARED = ROOT.parent / "shared"
CASES = SHARED / "cases" / "gmcr"

#: Why a test that needs the shared reference cases is skipped when they are absent.
SHARED_REASON = (f"needs the shared reference cases in {CASES} (the project's ../shared "
                 "folder beside the repository; not part of a bare checkout)")
#: Mark for tests that read ``../shared``: skipped, saying why, when it is absent.
needs_shared = pytest.mark.skipif(not CASES.is_dir(), reason=SHARED_REASON)

LONG_RUN_FACTOR = 20
settings.register_profile(
    "ci",
    derandomize=True,
    database=None,
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("dev")
settings.register_profile("long", max_examples=100 * LONG_RUN_FACTOR, deadline=None)


def profile_name() -> str:
    """The Hypothesis profile this run uses: ``HYPOTHESIS_PROFILE``, else ``ci`` under CI."""
    chosen = os.environ.get("HYPOTHESIS_PROFILE", "").strip()
    if chosen:
        return chosen
    return "ci" if os.environ.get("CI", "").strip().lower() in ("true", "1") else "dev"


settings.load_profile(profile_name())


def example_count(count: int) -> int:
    """A test's number of examples under the active profile: ``count`` under ``ci`` and
    ``dev`` (whose default is Hypothesis's 100), scaled like the default under ``long``."""
    return max(1, count * settings.default.max_examples // 100)


def pytest_report_header(config: pytest.Config) -> str:
    return f"hypothesis profile: {settings.get_current_profile_name()}"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Refuse a Hypothesis test whose own settings differ from the profile's in
    ``derandomize`` or in whether an example database is used: under ``ci`` every test
    must draw the same examples on every run."""
    active = settings.default
    wrong = []
    for item in items:
        own = getattr(getattr(item, "obj", None), "_hypothesis_internal_use_settings", None)
        if own is None:
            continue
        if own.derandomize != active.derandomize or (
            (own.database is None) != (active.database is None)
        ):
            wrong.append(item.nodeid)
    if wrong:
        raise pytest.UsageError(
            "these Hypothesis tests override the profile's derandomize or database "
            f"(profile {settings.get_current_profile_name()!r}): {', '.join(wrong)}; "
            "fix: do not set derandomize or database in a test's @settings(...)"
        )


@pytest.fixture
def examples() -> Path:
    return EXAMPLES
