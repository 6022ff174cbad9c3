#!/usr/bin/env python3
"""Long fuzz run: hostile model files and command lines through every ``standoff`` command,
each in its own process with a memory cap and a time limit.

The cases are those of the suite's fuzz test (tests/fuzz_cases.py: mutations of the examples
and of the reproducers in tests/repro/), drawn from random bytes through Hypothesis's
``fuzz_one_input``. Each run is a child process (forked from this one after the program is
imported, or with ``--spawn`` a fresh ``python -m standoff``) with its address space capped
(``RLIMIT_AS``, default 4 GiB), output files capped at 256 MiB and a wall-clock limit (default
20 s). Every run is counted as one of:

- ok: exit code 0 (or 1 for ``claims --strict``, a failed claim);
- clean refusal: exit code 2 with a message and no traceback;
- usage error: exit code 2 from the command-line parser (unknown option, bad value type);
- traceback: an exception escaped (a traceback, or another exit code);
- memory blow-up: ``MemoryError``, or killed by a signal under the memory cap;
- timeout: still running at the time limit (killed).

Each failing input is written to ``--out`` (default ``fuzz-failures/``), at most ``--keep``
per distinct failure (exception type and innermost standoff frame; a timeout by command and
seed file), as a folder with the input files, ``command.sh`` to rerun it, the error output
and a description. A summary with the counts and the distinct failures (with the commands
they occurred in) is printed and written to ``summary.json``.

    python tools/fuzz.py --minutes 60
    python tools/fuzz.py --cases 500 --seed 7 --out /tmp/fuzz
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import io
import json
import os
import random
import re
import shlex
import signal
import sys
import tempfile
import time
import traceback
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT / "tests")]

CATEGORIES = ("ok", "clean refusal", "usage error", "traceback", "memory blow-up", "timeout")
FAILURES = ("traceback", "memory blow-up", "timeout")
EXCEPTION_EXIT = 70  # the child's exit code when an exception escaped the command
OUTPUT_CAP = 256 * 1024**2


@dataclass
class Result:
    category: str
    signature: str
    code: int | None
    seconds: float
    err: str


def _limit_resources(memory: int) -> None:
    """In the child: cap address space, output file size and core dumps; own process
    group, so that a timeout kills everything the run started."""
    import resource

    os.setpgid(0, 0)
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_FSIZE, (OUTPUT_CAP, OUTPUT_CAP))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a too-big write fails with an error


def _child(argv: list[str], folder: Path, memory: int) -> None:
    """Run ``standoff ARGV`` in this (forked) process and leave with its exit code."""
    code = EXCEPTION_EXIT
    try:
        _limit_resources(memory)
        os.chdir(folder)
        os.environ["COLUMNS"] = "100"  # the same line width for every run
        for fd, name in ((1, "stdout.txt"), (2, "stderr.txt")):
            target = os.open(folder / name, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            os.dup2(target, fd)
            os.close(target)
        devnull = os.open(os.devnull, os.O_RDONLY)
        os.dup2(devnull, 0)
        # as on a UTF-8 terminal or pipe: output encoding errors are errors
        sys.stdout = io.TextIOWrapper(io.FileIO(1, "w", closefd=False), encoding="utf-8",
                                      errors="strict", line_buffering=True)
        sys.stderr = io.TextIOWrapper(io.FileIO(2, "w", closefd=False), encoding="utf-8",
                                      errors="backslashreplace", line_buffering=True)
        sys.argv = ["standoff", *argv]
        from standoff.cli import main

        try:
            main()
            code = 0
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    except BaseException:  # noqa: BLE001 - everything that escapes is the finding
        with contextlib.suppress(BaseException):
            traceback.print_exc()
        code = EXCEPTION_EXIT
    finally:
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(BaseException):
                stream.flush()
        os._exit(code if 0 <= code < 256 else EXCEPTION_EXIT)


def _start(argv: list[str], folder: Path, memory: int, spawn: bool) -> int:
    """Start the run; return the child's process id."""
    if not spawn:
        pid = os.fork()
        if pid == 0:
            _child(argv, folder, memory)
        return pid
    import subprocess

    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "PYTHONIOENCODING": "utf-8:strict",
           "COLUMNS": "100"}
    with open(folder / "stdout.txt", "wb") as out, open(folder / "stderr.txt", "wb") as err:
        process = subprocess.Popen(
            [sys.executable, "-m", "standoff", *argv], cwd=folder, env=env,
            stdin=subprocess.DEVNULL, stdout=out, stderr=err,
            preexec_fn=lambda: _limit_resources(memory))
    return process.pid


def _wait(pid: int, seconds: float) -> tuple[int | None, bool]:
    """(wait status, timed out); the child's process group is killed at the limit."""
    deadline = time.monotonic() + seconds
    pause = 0.002
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return status, False
        if time.monotonic() > deadline:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            return None, True
        time.sleep(pause)
        pause = min(pause * 2, 0.05)


def _innermost_frame(err: str) -> str:
    """The innermost traceback frame inside the standoff package, as ``file:function``."""
    frames = re.findall(r'File "([^"]*)", line \d+, in (\S+)', err)
    for path, function in reversed(frames):
        if "/standoff/" in path and "/tests/" not in path:
            return f"{path.split('/standoff/', 1)[1]}:{function}"
    return f"{Path(frames[-1][0]).name}:{frames[-1][1]}" if frames else "?"


def _exception_type(err: str) -> str:
    for line in reversed(err.strip().splitlines()):
        match = re.match(r"([A-Za-z_][\w.]*(Error|Exception|Interrupt|Exit|Warning|Hang)\b)",
                         line)
        if match:
            return match.group(1).rsplit(".", 1)[-1]
    return "?"


def classify(argv: list[str], status: int | None, timed_out: bool, err: str,
             seconds: float, seed: str = "?") -> Result:
    """Sort one run into :data:`CATEGORIES`, with a signature for distinct failures: the
    exception type and the innermost frame in standoff (the command is recorded apart); for
    a timeout, the command and the seed file."""
    command = argv[0] if argv else "?"
    if timed_out:
        return Result("timeout", f"timeout in {command} on {seed}", None, seconds, err)
    if os.WIFSIGNALED(status):
        number = os.WTERMSIG(status)
        return Result("memory blow-up", f"killed by signal {number} in {command}", None,
                      seconds, err)
    code = os.WEXITSTATUS(status)
    if "MemoryError" in err:
        return Result("memory blow-up", f"MemoryError at {_innermost_frame(err)}",
                      code, seconds, err)
    allowed = {0, 1, 2} if "--strict" in argv else {0, 2}
    if "Traceback (most recent call last)" in err or code not in allowed:
        kind = _exception_type(err) if "Traceback" in err else f"exit code {code}"
        return Result("traceback", f"{kind} at {_innermost_frame(err)}", code, seconds, err)
    if code == 2 and re.search(r"Usage: |Try '.*--help' for help", err):
        return Result("usage error", "", code, seconds, err)
    if code == 2:
        return Result("clean refusal", "", code, seconds, err)
    return Result("ok", "", code, seconds, err)


def _save(case, argv: list[str], folder: Path, result: Result, out: Path, number: int) -> Path:
    """Keep a failing input: its files, a command to rerun it, its error output."""
    slug = re.sub(r"[^A-Za-z0-9]+", "-", result.signature).strip("-")[:80]
    target = out / result.category.replace(" ", "-") / f"{number:06d}-{slug}"
    target.mkdir(parents=True, exist_ok=True)
    for name, content in case.files.items():
        if name != "fifo":
            (target / name).write_bytes(content)
    here = str(folder)
    shown = [a.replace(here, "$DIR") for a in argv]
    fifo = "mkfifo fifo 2>/dev/null\n" if "fifo" in case.files else ""
    (target / "command.sh").write_text(
        "#!/bin/sh\n# rerun from this folder, with PYTHONPATH pointing at the project's src\n"
        f"cd \"$(dirname \"$0\")\"; DIR=\"$PWD\"\n{fifo}"
        f"python -m standoff {' '.join(_shell_word(a) for a in shown)}\n")
    (target / "stderr.txt").write_text(result.err[-20000:], errors="backslashreplace")
    (target / "case.txt").write_text(f"{result.category}: {result.signature}\n"
                                     f"{case.describe()}\n", errors="backslashreplace")
    return target


def _shell_word(arg: str) -> str:
    if arg.startswith("$DIR"):
        return '"$DIR"' + shlex.quote(arg[4:]) if len(arg) > 4 else '"$DIR"'
    return shlex.quote(arg)


def _case_source(seed: int):
    """A function returning the next fuzz case, from random bytes through Hypothesis."""
    from fuzz_cases import fuzz_cases
    from hypothesis import HealthCheck, given, settings

    captured = []

    @settings(database=None, deadline=None, suppress_health_check=list(HealthCheck))
    @given(fuzz_cases())
    def capture(case):
        captured.append(case)

    rng = random.Random(seed)

    def next_case():
        while True:
            captured.clear()
            capture.hypothesis.fuzz_one_input(rng.randbytes(8192))
            if captured:
                return captured[-1]

    return next_case


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=None,
                        help="run this long (default: 10 minutes unless --cases is given)")
    parser.add_argument("--cases", type=int, default=None, help="run this many cases")
    parser.add_argument("--seed", type=int, default=None, help="random seed (default: time)")
    parser.add_argument("--out", type=Path, default=Path("fuzz-failures"),
                        help="folder for failing inputs (default: fuzz-failures)")
    parser.add_argument("--memory-gib", type=float, default=4.0,
                        help="address-space cap per run in GiB (default 4)")
    parser.add_argument("--timeout", type=float, default=20.0,
                        help="seconds per run before it counts as a timeout (default 20)")
    parser.add_argument("--keep", type=int, default=3,
                        help="failing inputs kept per distinct failure (default 3)")
    parser.add_argument("--spawn", action="store_true",
                        help="start a fresh interpreter per run instead of forking (slower)")
    args = parser.parse_args(argv)
    if args.memory_gib <= 0 or args.timeout <= 0 or (args.cases is not None and args.cases < 1):
        parser.error("--memory-gib, --timeout and --cases must be positive")
    if args.minutes is not None and args.minutes <= 0:
        parser.error("--minutes must be positive")
    minutes = args.minutes if args.minutes is not None else (None if args.cases else 10.0)
    seed = args.seed if args.seed is not None else int(time.time())
    memory = int(args.memory_gib * 1024**3)

    if not args.spawn:
        import standoff.cli

        standoff.cli._register()  # import every command module once, before forking
    next_case = _case_source(seed)
    args.out.mkdir(parents=True, exist_ok=True)
    counts = collections.Counter({c: 0 for c in CATEGORIES})
    distinct: dict[str, dict] = {}
    started = time.monotonic()
    last_report = started
    number = 0
    budget = f"{minutes:g} minutes" if minutes else f"{args.cases} cases"
    print(f"fuzz: seed {seed}, {budget}, {args.memory_gib:g} GiB and {args.timeout:g} s "
          f"per run, failing inputs in {args.out}/", flush=True)
    try:
        while True:
            if args.cases is not None and number >= args.cases:
                break
            if minutes is not None and time.monotonic() - started > minutes * 60:
                break
            case = next_case()
            number += 1
            with tempfile.TemporaryDirectory(prefix="standoff-fuzz-",
                                             ignore_cleanup_errors=True) as name:
                folder = Path(name)
                run_argv = case.materialise(folder)
                begin = time.monotonic()
                pid = _start(run_argv, folder, memory, args.spawn)
                status, timed_out = _wait(pid, args.timeout)
                seconds = time.monotonic() - begin
                err = (folder / "stderr.txt").read_text("utf-8", "replace") if (
                    folder / "stderr.txt").exists() else ""
                result = classify(case.argv, status, timed_out, err, seconds, case.seed)
                counts[result.category] += 1
                if result.category in FAILURES:
                    entry = distinct.setdefault(result.signature, {
                        "category": result.category, "count": 0, "commands": [], "kept": []})
                    entry["count"] += 1
                    if case.argv[0] not in entry["commands"]:
                        entry["commands"].append(case.argv[0])
                    if len(entry["kept"]) < args.keep:
                        saved = _save(case, run_argv, folder, result, args.out, number)
                        entry["kept"].append(str(saved))
            if time.monotonic() - last_report > 60:
                last_report = time.monotonic()
                print(f"  {number} runs, {_line(counts)}", flush=True)
    except KeyboardInterrupt:
        print("interrupted", flush=True)
    elapsed = time.monotonic() - started
    summary = {"seed": seed, "runs": number, "minutes": round(elapsed / 60, 2),
               "memory_gib": args.memory_gib, "timeout_s": args.timeout,
               "counts": dict(counts),
               "distinct_failures": dict(sorted(distinct.items(),
                                                key=lambda kv: -kv[1]["count"]))}
    (args.out / "summary.json").write_text(json.dumps(summary, indent=2))
    print(f"{number} runs in {elapsed / 60:.1f} minutes (seed {seed}): {_line(counts)}")
    for signature, entry in summary["distinct_failures"].items():
        print(f"  {entry['count']:5d}  {entry['category']}: {signature} "
              f"({', '.join(entry['commands'])})")
    return 1 if any(counts[c] for c in FAILURES) else 0


def _line(counts: collections.Counter) -> str:
    return ", ".join(f"{counts[c]} {c}" for c in CATEGORIES)


if __name__ == "__main__":
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # before numpy: fork safety, one core
    sys.exit(main())
