"""The workbench's web application: a JSON API over the library, and the page.

``create_app(folder)`` builds a FastAPI application serving one folder of model files. Every
``/api`` request must carry the session token (header ``X-Standoff-Token`` or query
``token=``); request bodies are limited in size; paths are checked by
:class:`~standoff.web.files.Folder`. The API is documented in docs/workbench.md and as
OpenAPI at ``/api/openapi.json``.
"""

from __future__ import annotations

import contextlib
import hashlib
import secrets
import threading
from collections import OrderedDict
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, Field

from standoff.errors import CapacityError, ModelError
from standoff.graph import DEFAULT_MAX_STATES
from standoff.web import library, panels, sections
from standoff.web.files import Folder, PathRefused
from standoff.web.jobs import Jobs, JobsFull

#: Largest request body accepted (a model file at its largest, JSON-escaped, fits).
MAX_BODY_BYTES = 2 * library.MAX_FILE_BYTES + 65536
#: Header that carries the session token.
TOKEN_HEADER = "X-Standoff-Token"
#: Compiled models kept between requests (keyed by their text).
CACHE_SIZE = 8

STATIC = resources.files("standoff.web") / "static"


class ModelText(BaseModel):
    """Model text from the editor, and the file it belongs to (None for a new model)."""

    text: str = Field(description="The model, YAML or JSON, as in the editor.")
    path: str | None = Field(None, description="The file in the folder it belongs to "
                             "(errors name it; evidence sources are read beside it).")


class AnalyzeRequest(ModelText):
    concepts: list[str] | None = Field(None, description="Concepts (default: nash, gmr, "
                                       "smr, seq, sim; claims add the ones they name).")


class JobRequest(AnalyzeRequest):
    task: Literal["analysis", "firmness"] = Field(
        "analysis", description="analysis: the workbench document; firmness: how firm each "
        "claim and equilibrium is (as 'standoff robustness').")


class ExplainRequest(ModelText):
    state: int = Field(description="State number (1-based).")
    dm: str | None = Field(None, description="Decision maker id (default: every one).")
    concept: str | None = Field(None, description="Concept (default: nash, gmr, smr, seq, "
                                "sim).")


class FormChange(ModelText):
    change: dict[str, Any] = Field(description="One edit: {op: set | add_option | "
                                   "move_preference | set_weight | set_status_quo, ...} "
                                   "(docs/workbench.md).")


class DilemmasRequest(ModelText):
    reading: Literal["worst", "best", "all"] | None = Field(
        None, description="How a future that leaves options open is compared: worst, best "
        "or all (as 'standoff dilemmas --reading'; default: the model's).")


class BargainingRunRequest(ModelText):
    model: str = Field(description="The bargaining model: compromise, median, exchange, "
                       "expected_utility or spatial (as 'standoff forecast --model').")
    rounds: int | None = Field(None, description="The number of rounds (as --rounds; "
                               "default: the model's).")
    settings: list[str] = Field(default_factory=list, description="Model options, each "
                                "NAME=VALUE (as 'standoff forecast --set NAME=VALUE').")


class SaveRequest(BaseModel):
    text: str = Field(description="The text to write.")


def _error(status: int, error: ModelError | dict[str, Any]) -> JSONResponse:
    doc = library.error_document(error) if isinstance(error, ModelError) else error
    return JSONResponse({"error": doc}, status_code=status)


def _plain_error(status: int, message: str, fix: str | None = None) -> JSONResponse:
    return _error(status, ModelError(message, file="request", hint=fix))


class _Guard:
    """ASGI middleware: the session token on every ``/api`` request, and the body size
    limit on every request (Content-Length checked first, streamed bytes counted too)."""

    def __init__(self, app, token: str, max_body: int) -> None:
        self.app = app
        self.token = token
        self.max_body = max_body

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope.get("path", "")
        if path.startswith("/api"):
            given = _token_of(scope)
            if given is None:
                await _plain_error(401, "the session token is missing",
                                   f"open the URL that 'standoff serve' printed (it ends in "
                                   f"?token=...), or send the header {TOKEN_HEADER}"
                                   )(scope, receive, send)
                return
            if not secrets.compare_digest(given.encode(), self.token.encode()):
                await _plain_error(401, "the session token is wrong",
                                   "open the URL that 'standoff serve' printed this time; "
                                   "the token changes at every start")(scope, receive, send)
                return
        for name, value in scope.get("headers", []):
            if name == b"content-length":
                try:
                    size = int(value)
                except ValueError:
                    size = self.max_body + 1
                if size > self.max_body:
                    await self._too_large(scope, receive, send)
                    return
        # read the whole body first (it is small by then), counting the bytes as they
        # arrive, so a body sent without Content-Length is limited too
        chunks: list[bytes] = []
        received = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                break
            chunk = message.get("body", b"")
            received += len(chunk)
            if received > self.max_body:
                await self._too_large(scope, receive, send)
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        sent = False

        async def replay():
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    async def _too_large(self, scope, receive, send) -> None:
        await _plain_error(413, f"the request is larger than {self.max_body // 2**20} MiB",
                           "a model file is at most "
                           f"{library.MAX_FILE_BYTES // 2**20} MiB")(scope, receive, send)


def _token_of(scope) -> str | None:
    for name, value in scope.get("headers", []):
        if name == TOKEN_HEADER.lower().encode():
            return value.decode("latin-1")
    from urllib.parse import parse_qs

    query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
    values = query.get("token")
    return values[0] if values else None


class _Compiled:
    """A small cache of compiled models, keyed by text, name, folder and size limit."""

    def __init__(self) -> None:
        self._items: OrderedDict[str, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, text: str, name: str, base: Path, max_states: int, root: Path):
        key = hashlib.sha256("\x00".join([text, name, str(base), str(max_states)])
                             .encode()).hexdigest()
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
        conflict = library.compile_text(text, name, base, max_states, root)
        with self._lock:
            self._items[key] = conflict
            while len(self._items) > CACHE_SIZE:
                self._items.popitem(last=False)
        return conflict


def create_app(folder: str | Path, token: str | None = None,
               max_states: int = DEFAULT_MAX_STATES,
               hosts: list[str] | None = None) -> FastAPI:
    """The workbench application serving ``folder``. ``token`` defaults to a fresh random
    one (``app.state.token``); ``hosts`` lists the Host header values accepted (default:
    the loopback names)."""
    from starlette.middleware.trustedhost import TrustedHostMiddleware

    served = Folder.open(folder)
    token = token or secrets.token_urlsafe(24)
    jobs = Jobs()
    compiled = _Compiled()
    @contextlib.asynccontextmanager
    async def lifespan(_app: FastAPI):
        jobs.warm()
        yield
        jobs.shutdown()

    app = FastAPI(
        title="standoff workbench", lifespan=lifespan,
        summary="A JSON API over standoff: validate, analyse, explain, graph, save, report.",
        docs_url=None, redoc_url=None, openapi_url="/api/openapi.json",
    )
    app.state.token = token
    app.state.folder = served
    app.state.jobs = jobs
    app.add_middleware(_Guard, token=token, max_body=MAX_BODY_BYTES)
    app.add_middleware(TrustedHostMiddleware, allowed_hosts=hosts or [
        "127.0.0.1", "localhost", "[::1]", "::1"])

    @app.exception_handler(RequestValidationError)
    async def _bad_request(request: Request, exc: RequestValidationError) -> JSONResponse:
        first = exc.errors()[0] if exc.errors() else {}
        where = ".".join(str(p) for p in first.get("loc", ()) if p != "body") or "body"
        return _error(422, ModelError(f"bad request: {where}: {first.get('msg', 'invalid')}",
                                      file="request",
                                      hint="see docs/workbench.md or /api/openapi.json for "
                                      "the fields this endpoint takes"))

    def located(text: str, path: str | None) -> tuple[str, Path]:
        """The name errors use and the folder evidence sources are read from."""
        if path is None:
            return library.model_name(None), served.root
        resolved = served.resolve(path)
        return path, resolved.parent

    def failure(error: ModelError) -> JSONResponse:
        if isinstance(error, PathRefused):
            return _error(403, error)
        if error.message == "file not found":
            return _error(404, error)
        if error.message.startswith("the file is larger than"):
            return _error(413, error)
        return _error(422, error)

    def conflict_of(body: ModelText):
        name, base = located(body.text, body.path)
        return compiled.get(body.text, name, base, max_states, served.root)

    @app.get("/", include_in_schema=False)
    def page() -> FileResponse:
        return FileResponse(str(STATIC / "index.html"), media_type="text/html",
                            headers={"Cache-Control": "no-store"})

    @app.get("/api/models", summary="List the model files in the folder")
    def list_models() -> dict[str, Any]:
        return {"folder": str(served.root), "models": served.models()}

    @app.get("/api/models/{path:path}", summary="Read a model file")
    def read_model(path: str):
        try:
            return {"path": path, "text": served.read(path, library.MAX_FILE_BYTES)}
        except ModelError as error:
            return failure(error)

    @app.put("/api/models/{path:path}", summary="Save a model file (atomic, with backup)")
    def save_model(path: str, body: SaveRequest):
        try:
            too_large = library.text_too_large(body.text, path)
            if too_large is not None:
                raise too_large
            return served.save(path, body.text)
        except ModelError as error:
            return failure(error)
        except OSError as error:
            return _error(500, ModelError(f"cannot write {path}: {error.strerror or error}",
                                          file=path, hint="check that files can be written "
                                          "in the served folder"))

    @app.post("/api/validate", summary="Validate model text (located errors as the CLI's)")
    def validate(body: ModelText):
        try:
            conflict = conflict_of(body)
        except PathRefused as error:
            return failure(error)
        except ModelError as error:
            try:
                name, _ = located(body.text, body.path)
                if panels.bargaining_only(body.text, name):
                    return {"ok": True, "errors": [], "summary": None, "bargaining": True}
                bargaining = panels.has_bargaining(body.text, name)
            except ModelError:
                bargaining = False
            return {"ok": False, "errors": [library.error_document(error)],
                    "bargaining": bargaining}
        return {"ok": True, "errors": [], "summary": library.summary(conflict),
                "bargaining": conflict.spec.raw.bargaining is not None,
                "sections": sections.sections_of(conflict)}

    @app.post("/api/analyze", summary="Analyse model text (synchronously)")
    def analyze(body: AnalyzeRequest):
        try:
            conflict = conflict_of(body)
            return library.numpy_free(
                library.workbench_document(conflict, body.concepts, max_states=max_states))
        except ValueError as error:
            return _error(422, ModelError(str(error), file="concepts", hint="e.g. nash,seq"))
        except ModelError as error:
            return failure(error)

    @app.post("/api/jobs", status_code=202, summary="Start an analysis in a worker process")
    def start_job(body: JobRequest):
        try:
            name, base = located(body.text, body.path)
            too_large = library.text_too_large(body.text, name)
            if too_large is not None:
                raise too_large
            if body.concepts is not None:
                from standoff.analysis import parse_concepts

                try:
                    parse_concepts(body.concepts)
                except ValueError as error:
                    raise ModelError(str(error), file="concepts", hint="e.g. nash,seq") \
                        from None
        except ModelError as error:
            return failure(error)
        try:
            task = panels.firmness_task if body.task == "firmness" else library.analysis_task
            job = jobs.start(task, {
                "text": body.text, "name": name, "base": str(base), "root": str(served.root),
                "concepts": body.concepts, "max_states": max_states})
        except JobsFull:
            return _plain_error(429, "too many analyses are running",
                                "cancel one (DELETE /api/jobs/ID) or wait for it to finish")
        return job.to_dict()

    @app.get("/api/jobs/{job_id}", summary="Poll a job: progress, then its result")
    def poll_job(job_id: str):
        job = jobs.get(job_id)
        if job is None:
            return _plain_error(404, f"no job '{job_id}'", "start one with POST /api/jobs")
        return job.to_dict()

    @app.delete("/api/jobs/{job_id}", summary="Cancel a job")
    def cancel_job(job_id: str):
        job = jobs.cancel(job_id)
        if job is None:
            return _plain_error(404, f"no job '{job_id}'", "start one with POST /api/jobs")
        return job.to_dict(with_result=False)

    @app.post("/api/explain", summary="Explain a state's stability (as 'standoff explain')")
    def explain(body: ExplainRequest):
        try:
            conflict = conflict_of(body)
            items = library.explanations(conflict, body.state, body.dm, body.concept)
        except ModelError as error:
            return failure(error)
        return {"state": body.state, "pattern": conflict.pattern(body.state - 1),
                "explanations": library.numpy_free(items)}

    @app.post("/api/graph", summary="The state graph: states, moves, equilibria, paths")
    def graph(body: AnalyzeRequest):
        from standoff.analysis import analyze as run

        try:
            conflict = conflict_of(body)
            analysis = run(conflict, body.concepts)
            evolution = library._evolution(conflict, analysis)
            return library.numpy_free(library.graph_document(analysis, evolution))
        except ValueError as error:
            return _error(422, ModelError(str(error), file="concepts", hint="e.g. nash,seq"))
        except ModelError as error:
            return failure(error)

    @app.post("/api/report", summary="The self-contained HTML report (as 'standoff report')",
              response_class=HTMLResponse)
    def report(body: AnalyzeRequest):
        try:
            conflict = conflict_of(body)
            html = library.report_html(conflict, body.concepts, max_states)
        except ValueError as error:
            return _error(422, ModelError(str(error), file="concepts", hint="e.g. nash,seq"))
        except (ModelError, CapacityError) as error:
            return failure(error)
        stem = Path(body.path or "untitled").stem or "report"
        safe = "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in stem)
        return Response(html, media_type="text/html; charset=utf-8", headers={
            "Content-Disposition": f'attachment; filename="{safe}.html"'})

    @app.post("/api/form", summary="The form's fields, read from the model text")
    def form(body: ModelText):
        from standoff.web.forms import form_document

        try:
            name, _ = located(body.text, body.path)
            return form_document(body.text, name)
        except ModelError as error:
            return failure(error)

    @app.post("/api/form/apply", summary="Make one form edit in the model text")
    def apply_form(body: FormChange):
        from standoff.web.forms import apply_change, form_document

        try:
            name, _ = located(body.text, body.path)
            text = apply_change(body.text, name, body.change)
            return {"text": text, "form": form_document(text, name)}
        except ModelError as error:
            return failure(error)

    @app.post("/api/evidence", summary="Every quote, checked against its source's text")
    def evidence(body: ModelText):
        try:
            name, base = located(body.text, body.path)
            return panels.evidence_document(body.text, name, base, served.root)
        except ModelError as error:
            return failure(error)

    @app.post("/api/robustness",
              summary="How firm each claim and equilibrium is (as 'standoff robustness')")
    def firmness(body: ModelText):
        try:
            return panels.firmness_document(conflict_of(body))
        except ModelError as error:
            return failure(error)

    @app.post("/api/bargaining",
              summary="The bargaining models on the bargaining section: positions by round")
    def bargaining(body: ModelText):
        try:
            name, _ = located(body.text, body.path)
            return panels.bargaining_document(panels.bargaining_model(body.text, name))
        except ModelError as error:
            return failure(error)

    @app.post("/api/bargaining/run",
              summary="One bargaining model with rounds and options (as 'standoff forecast')")
    def bargaining_run(body: BargainingRunRequest):
        try:
            name, _ = located(body.text, body.path)
            model = panels.bargaining_model(body.text, name)
            return panels.bargaining_run_document(model, body.model, body.rounds,
                                                  body.settings)
        except ModelError as error:
            return failure(error)

    @app.post("/api/dilemmas",
              summary="The card table and each party's dilemmas (as 'standoff dilemmas')")
    def dilemmas(body: DilemmasRequest):
        try:
            return sections.positions_document(conflict_of(body), body.reading)
        except ModelError as error:
            return failure(error)

    @app.post("/api/hypergame",
              summary="The game each decision maker perceives (as 'standoff hypergame')")
    def hypergame(body: AnalyzeRequest):
        try:
            return sections.perceptions_document(conflict_of(body), body.concepts,
                                                 max_states)
        except ValueError as error:
            return _error(422, ModelError(str(error), file="concepts", hint="e.g. nash,seq"))
        except ModelError as error:
            return failure(error)

    @app.post("/api/levels",
              summary="A hierarchical model's levels drawn, and each local conflict's "
              "stability table")
    def levels(body: AnalyzeRequest):
        try:
            return sections.levels_document(conflict_of(body), body.concepts)
        except ValueError as error:
            return _error(422, ModelError(str(error), file="concepts", hint="e.g. nash,seq"))
        except ModelError as error:
            return failure(error)

    app.mount("/static", StaticFiles(directory=str(STATIC)), name="static")
    return app
