"""Analyses run in worker processes, with progress and cancel.

Each job is one process (started by a fork server that has standoff imported already, so a
job starts in milliseconds). The worker sends ``("progress", done, total, label)`` messages
and finally ``("done", document)`` or ``("error", error document)`` over a pipe; a thread in
the server reads them into the job's record. Cancelling a job terminates its process, so a
long analysis never holds the server up and the page never freezes.
"""

from __future__ import annotations

import multiprocessing
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

#: Jobs that may run at once; starting more cancels nothing but is refused.
MAX_RUNNING = 2
#: Finished jobs kept for polling (the oldest are forgotten first).
MAX_KEPT = 32

Task = Callable[[dict[str, Any], Callable[[int, int, str], None]], dict[str, Any]]


#: Modules the fork server imports once, so that each job starts without importing them.
PRELOAD = ["standoff", "standoff.web.library", "standoff.analysis.claims",
           "standoff.analysis.paths", "standoff.analysis.variants", "standoff.report.content",
           "standoff.report.svg", "standoff.stability"]


def _nothing() -> None:
    """A process that does nothing (starts the fork server ahead of the first job)."""


def _context():
    """The fork-server context (with standoff preloaded) where the platform has one."""
    try:
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(PRELOAD)
        return ctx
    except ValueError:  # pragma: no cover - platforms without fork servers
        return multiprocessing.get_context("spawn")


def _worker(connection, task: Task, payload: dict[str, Any]) -> None:
    """Run ``task`` in the worker process, sending progress and the outcome."""
    from standoff.errors import ModelError
    from standoff.web.library import error_document, numpy_free

    last = [0.0]

    def progress(done: int, total: int, label: str) -> None:
        now = time.monotonic()
        if now - last[0] >= 0.1 or done >= total:
            last[0] = now
            connection.send(("progress", int(done), int(total), str(label)))

    try:
        connection.send(("done", numpy_free(task(payload, progress))))
    except ModelError as error:
        connection.send(("error", error_document(error)))
    except Exception as error:  # pragma: no cover - a defect, reported rather than hidden
        connection.send(("error", {"message": f"internal error: {error!r}", "file": None,
                                   "line": None, "column": None, "fix": None,
                                   "text": f"internal error: {error!r}", "kind": "internal"}))
    finally:
        connection.close()


@dataclass
class Job:
    """One analysis: its state (``running``, ``done``, ``failed``, ``cancelled``), progress
    and, once finished, its result or error."""

    id: str
    state: str = "running"
    done: int = 0
    total: int = 0
    label: str = "starting"
    result: dict[str, Any] | None = None
    error: dict[str, Any] | None = None
    started: float = field(default_factory=time.monotonic)
    finished: float | None = None
    process: Any = None

    def to_dict(self, with_result: bool = True) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id, "state": self.state,
                               "progress": {"done": self.done, "total": self.total,
                                            "label": self.label},
                               "seconds": round((self.finished or time.monotonic())
                                                - self.started, 3)}
        if with_result and self.state == "done":
            out["result"] = self.result
        if self.state == "failed":
            out["error"] = self.error
        return out


class JobsFull(Exception):
    """Too many jobs running already."""


class Jobs:
    """The server's jobs, by id."""

    def __init__(self) -> None:
        self._jobs: dict[str, Job] = {}
        self._lock = threading.Lock()
        self._ctx = _context()

    def start(self, task: Task, payload: dict[str, Any]) -> Job:
        """Start ``task(payload, progress)`` in a worker process; raise :class:`JobsFull`
        when :data:`MAX_RUNNING` jobs are running."""
        with self._lock:
            running = sum(1 for j in self._jobs.values() if j.state == "running")
            if running >= MAX_RUNNING:
                raise JobsFull
            job = Job(secrets.token_hex(8))
            self._jobs[job.id] = job
            self._forget_old()
        receiver, sender = self._ctx.Pipe(duplex=False)
        process = self._ctx.Process(target=_worker, args=(sender, task, payload), daemon=True)
        process.start()
        sender.close()
        job.process = process
        threading.Thread(target=self._follow, args=(job, receiver), daemon=True).start()
        return job

    def _follow(self, job: Job, receiver) -> None:
        """Read the worker's messages into ``job`` until it ends."""
        try:
            while True:
                try:
                    message = receiver.recv()
                except (EOFError, OSError):
                    break
                if message[0] == "progress":
                    _, job.done, job.total, job.label = message
                elif message[0] == "done":
                    job.result = message[1]
                    self._finish(job, "done")
                elif message[0] == "error":
                    job.error = message[1]
                    self._finish(job, "failed")
        finally:
            receiver.close()
            if job.process is not None:
                job.process.join(timeout=5)
            if job.state == "running":
                job.error = {"message": "the worker process ended without a result",
                             "text": "the worker process ended without a result",
                             "file": None, "line": None, "column": None, "fix": None,
                             "kind": "internal"}
                self._finish(job, "failed")

    def _finish(self, job: Job, state: str) -> None:
        with self._lock:
            if job.state == "running":
                job.state = state
                job.finished = time.monotonic()

    def _forget_old(self) -> None:
        finished = [j for j in self._jobs.values() if j.state != "running"]
        for job in sorted(finished, key=lambda j: j.started)[:-MAX_KEPT or None]:
            if len(self._jobs) <= MAX_KEPT:
                break
            del self._jobs[job.id]

    def warm(self) -> None:
        """Start the fork server now (in the background), so the first job starts fast."""

        def start() -> None:
            process = self._ctx.Process(target=_nothing, daemon=True)
            process.start()
            process.join()

        threading.Thread(target=start, daemon=True).start()

    def get(self, job_id: str) -> Job | None:
        return self._jobs.get(job_id)

    def cancel(self, job_id: str) -> Job | None:
        """Stop a running job (its process is terminated); a finished job is left as is."""
        job = self._jobs.get(job_id)
        if job is None:
            return None
        self._finish(job, "cancelled")
        if job.state == "cancelled" and job.process is not None and job.process.is_alive():
            job.process.terminate()
        return job

    def shutdown(self) -> None:
        """Terminate every running job."""
        for job in list(self._jobs.values()):
            if job.state == "running":
                self.cancel(job.id)
