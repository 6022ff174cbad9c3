"""Fuzz test: hostile model files and command lines through every command, in-process.

Each case (tests/fuzz_cases.py) is a mutation of an example or a reproducer and one
command line. Every run must end with exit code 0 or 2 (1 only for ``claims --strict``),
print no traceback and let no exception other than ``SystemExit`` escape. Each run is guarded
against hangs (an alarm after :data:`HANG_SECONDS` of CPU time, so a busy machine does
not set it off; a failure rather than a timing assertion: normal runs take well under a
second) and memory blow-ups (the address space is
capped at :data:`MEMORY_HEADROOM` above the test process's own while the command runs).

The number of cases follows the Hypothesis profile (about two minutes under ``ci``; see
docs/testing.md); ``tools/fuzz.py`` runs the same cases for longer, each in its own process.
"""

from __future__ import annotations

import contextlib
import io
import signal
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import example_count
from fuzz_cases import FuzzCase, fuzz_cases
from hypothesis import HealthCheck, Phase, given, settings

from standoff.cli import main

HANG_SECONDS = 30
MEMORY_HEADROOM = 2 * 1024**3

pytestmark = pytest.mark.fuzz


class Hang(BaseException):
    """Raised by the alarm when a command runs for more than :data:`HANG_SECONDS`.

    A ``BaseException`` so that no ``except Exception`` in the code under test hides it."""


def _address_space() -> int | None:
    """This process's virtual memory size in bytes (Linux), or None when unknown."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmSize:"):
                return int(line.split()[1]) * 1024
    except OSError:
        return None
    return None


@contextlib.contextmanager
def guarded(seconds: int, headroom: int) -> Iterator[None]:
    """Raise :class:`Hang` after ``seconds`` of this process's CPU time (user and system,
    ``ITIMER_PROF``: a busy machine stretches the wall clock, not the work, so the guard
    does not fire at random under load); cap the address space at ``headroom`` bytes above
    the current size (a blow-up then raises ``MemoryError``). Both are undone after."""
    import resource

    def alarm(signum, frame):
        raise Hang(f"still running after {seconds} CPU seconds")

    previous = signal.signal(signal.SIGPROF, alarm)
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    size = _address_space()
    if size is not None:
        cap = size + headroom
        if hard != resource.RLIM_INFINITY:
            cap = min(cap, hard)
        resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
    signal.setitimer(signal.ITIMER_PROF, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))
        signal.signal(signal.SIGPROF, previous)


@dataclass
class Outcome:
    code: int
    out: str
    err: str


def run_case(argv: list[str]) -> Outcome:
    """Run ``standoff ARGV`` in-process with standard output and error encoded as on a real
    pipe (UTF-8, strict for output), so that unencodable text fails as it would there."""
    out_bytes, err_bytes = io.BytesIO(), io.BytesIO()
    out = io.TextIOWrapper(out_bytes, encoding="utf-8", errors="strict", write_through=True)
    err = io.TextIOWrapper(err_bytes, encoding="utf-8", errors="backslashreplace",
                           write_through=True)
    saved = sys.argv, sys.stdout, sys.stderr
    sys.argv, sys.stdout, sys.stderr = ["standoff", *argv], out, err
    code = 0
    try:
        main()
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    finally:
        sys.argv, sys.stdout, sys.stderr = saved
    with contextlib.suppress(Exception):
        out.flush()
        err.flush()
    return Outcome(code, out_bytes.getvalue().decode("utf-8", "replace"),
                   err_bytes.getvalue().decode("utf-8", "replace"))


def check_case(case: FuzzCase) -> None:
    """Run one case in a fresh folder and assert that it ends cleanly."""
    with tempfile.TemporaryDirectory(prefix="standoff-fuzz-") as folder:
        argv = case.materialise(Path(folder))
        try:
            with guarded(HANG_SECONDS, MEMORY_HEADROOM):
                outcome = run_case(argv)
        except Hang:
            pytest.fail(f"hang: no answer within {HANG_SECONDS} CPU seconds; {case.describe()}")
        except MemoryError:
            pytest.fail(f"memory blow-up: over {MEMORY_HEADROOM >> 30} GiB; {case.describe()}")
        except Exception as exc:
            raise AssertionError(f"{type(exc).__name__} escaped: {exc!s:.300}; "
                                 f"{case.describe()}") from exc
    allowed = {0, 2, 1} if "--strict" in argv else {0, 2}
    assert "Traceback" not in outcome.err + outcome.out, (
        f"traceback printed; {case.describe()}\n{outcome.err[-3000:]}")
    assert outcome.code in allowed, (
        f"exit code {outcome.code}; {case.describe()}\n{outcome.err[-2000:]}")


@settings(max_examples=example_count(250), deadline=None,
          phases=(Phase.explicit, Phase.reuse, Phase.generate),
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                 HealthCheck.large_base_example])
@given(fuzz_cases())
def test_every_command_ends_cleanly_on_hostile_input(case):
    """Exit 0 or 2, no traceback, no escaping exception, no hang, bounded memory.

    Not shrunk (no shrink phase): a hang would be re-run for every shrinking step; the
    failure message names the seed, the mutations and the command line."""
    check_case(case)


def test_guard_turns_a_hang_into_a_failure():
    """The hang guard interrupts a computation that runs on (here an endless loop) with
    :class:`Hang` once it has used the CPU time allowed, and is lifted afterwards."""
    import time

    with pytest.raises(Hang), guarded(1, MEMORY_HEADROOM):
        while True:
            pass
    start = time.process_time()
    while time.process_time() - start < 1.2:  # past the old limit: no Hang any more
        pass


@pytest.mark.skipif(_address_space() is None, reason="needs /proc/self/status (Linux)")
def test_guard_turns_a_blow_up_into_memory_error():
    """Under the guard an allocation beyond the headroom raises MemoryError, and the limit
    is lifted afterwards."""
    with pytest.raises(MemoryError), guarded(HANG_SECONDS, 256 * 1024**2):
        bytearray(1024**3)
    assert len(bytearray(300 * 1024**2)) == 300 * 1024**2
