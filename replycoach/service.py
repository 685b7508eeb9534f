"""The pre-send check over HTTP (FastAPI): JSON endpoints for help-desk tools and a web page.

    POST /v1/check    {draft, customer?, channel?, rules?, ignore?} -> exactly `check --format json`
    POST /v1/rewrite  {draft, customer?, channel?, rules?, ignore?} -> exactly `rewrite --format json`
    POST /v1/render   the same request -> {"report": ..., "html": highlighted findings}
    GET  /v1/rules    the loaded rules
    GET  /healthz     liveness
    GET  /            the web page agents use before they send

Every error is `{"code", "message"}` with the library's codes; no stack traces. Rule packs come
only from the server's own config: a request may narrow the loaded rules by id, never add any.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
import multiprocessing
import multiprocessing.connection
import os
import signal
import sys
import threading
import weakref
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from functools import lru_cache
from importlib import resources
from typing import Any, cast

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import HTMLResponse, JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field
from starlette.datastructures import Headers
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from . import __version__
from .coach import Coach
from .config import Config
from .errors import ReplycoachError
from .rules.loader import names_rule
from .workers import Worker, WorkerError, WorkerLost

__all__ = ["CheckRequest", "Checkers", "ServiceSettings", "create_app"]

API_KEY_HEADER = "X-API-Key"
_INTERNAL = "internal error; the server log has the details"


class ServiceSettings(BaseModel):
    """How the service runs: from `replycoach serve` options (the team config holds no service settings)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    max_body_bytes: int = Field(256_000, ge=1_000, description="Larger requests get 413.")
    cors_origins: tuple[str, ...] = Field(default=(), description="Origins allowed to call from a browser.")
    api_key: str | None = Field(None, description="If set, requests must send it in the X-API-Key header.")
    timeout: float = Field(10.0, gt=0, description="Seconds a check, rewrite or render may take (waiting for a "
                                                    "free check process included); then 504, or 503 if none was free.")
    checkers: int = Field(2, ge=1, le=64, description="Check processes: a slow request holds one, never the server.")
    recycle_mb: int = Field(256, ge=0, description="A check process whose memory grew by more than this is "
                                                   "replaced after its request.")


class CheckRequest(BaseModel):
    """A draft to check or rewrite."""

    model_config = ConfigDict(extra="forbid")
    draft: str = Field(description="The reply, plain text or HTML.")
    customer: str | None = Field(None, description="The customer message it answers.")
    channel: str | None = Field(None, description="email or chat, or a channel from the server's config.")
    rules: list[str] | None = Field(
        None, description="Run only these rule ids or id prefixes (from the server's loaded rules).")
    ignore: list[str] | None = Field(
        None, description="Turn these rule ids or id prefixes off for this request (after `rules` narrows).")


class ErrorBody(BaseModel):
    code: str
    message: str


def _error(status: int, code: str, message: str) -> JSONResponse:
    return JSONResponse(status_code=status, content={"code": code, "message": message})


def _status_of(err: ReplycoachError) -> int:
    return 400 if err.code.startswith(("RC2", "RC3")) else 422


def _coded(err: ReplycoachError) -> JSONResponse:
    return _error(_status_of(err), err.code, str(err))


def _selected(rule_ids: list[str], selection: tuple[str, ...]) -> list[str]:
    return [i for i in rule_ids if any(names_rule(s, i) for s in selection)]


# --- in a check process ---------------------------------------------------------------------

Answer = tuple[int, str, bool]  # HTTP status, JSON body, "replace me": this process grew too much


def _rss_mb() -> float:
    """This process's resident memory: its peak where /proc is missing, 0 where that is too."""
    try:
        with open("/proc/self/statm", "rb") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except (OSError, ValueError, IndexError, AttributeError):
        pass
    try:
        import resource
    except ImportError:  # Windows
        return 0.0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 2**20 if sys.platform == "darwin" else peak / 2**10


# How many new strings a check process may add to its vocabularies before it is replaced by a
# fresh one forked from the server, which forgets them: about 30 MB of strings, lexemes and
# tokenizer-cache entries, well under `recycle_mb` (the 3,361 corpus replies of benchmarks/ add
# 24,000 strings and 15 MB; a second pass over them adds none). Not spaCy's memory zone, which
# forgets in place: inside one the tokenizer caches nothing, and a check cost about a tenth more
# instructions (callgrind, 600 corpus checks).
WINDOW_STRINGS = 50_000


class _Growth:
    """The strings the vocabularies of a check process's Coaches have gained since each was ready."""

    def __init__(self) -> None:
        self._start: dict[int, tuple[Any, int]] = {}

    def watch(self, coach: Coach) -> Coach:
        strings = coach.nlp.vocab.strings
        self._start.setdefault(id(strings), (strings, len(strings)))
        return coach

    def strings(self) -> int:
        return sum(len(strings) - start for strings, start in self._start.values())


def _warmed(coach: Coach) -> Coach:
    """The Coach warmed up (`Coach.warm_up`): what is built on first use is built once, in the
    server, and shared by the check processes forked from it."""
    coach.warm_up()
    return coach


def _answerer(coach: Coach, recycle_mb: int) -> Callable[[tuple[str, dict[str, Any], tuple[str, ...]]], Answer]:
    """The function a check process runs for each request: (operation, request, rule selection)."""
    rule_ids = [r.id for r in coach.rules]
    start_mb = _rss_mb()
    growth = _Growth()
    growth.watch(coach)

    @lru_cache(maxsize=16)
    def narrowed(selection: tuple[str, ...]) -> Coach:
        """A Coach with only the selected rules (a few selections are common, so cache them)."""
        drop = tuple(i for i in rule_ids if i not in _selected(rule_ids, selection))
        return growth.watch(_warmed(Coach(config=coach.config.merged(disable=(*coach.config.disable, *drop)),
                                          rules=coach.rule_paths)))

    def answer(job: tuple[str, dict[str, Any], tuple[str, ...]]) -> Answer:
        operation, fields, selection = job
        try:
            body = _operate(narrowed(selection) if selection else coach, operation, fields)
            status = 200
        except ReplycoachError as err:
            status, body = _status_of(err), json.dumps(err.to_dict(), ensure_ascii=False)
        except Exception:
            logging.getLogger("replycoach.service").exception("%s failed", operation)
            status, body = 500, _body("RC500", _INTERNAL)
        worn = growth.strings() >= WINDOW_STRINGS or _rss_mb() - start_mb > recycle_mb
        return status, body, worn

    return answer


def _operate(coach: Coach, operation: str, fields: dict[str, Any]) -> str:
    args = {"customer": fields.get("customer"), "channel": fields.get("channel"), "ignore": fields.get("ignore", ())}
    if operation == "rewrite":
        return coach.rewrite(fields["draft"], **args).to_json()
    report = coach.check(fields["draft"], **args)
    if operation == "render":
        from .render_html import report_html

        return json.dumps({"report": report.to_dict(), "html": report_html(report, with_style=False)},
                          ensure_ascii=False)
    return report.to_json()


# --- in the server --------------------------------------------------------------------------

class _Idle:
    """The check processes free to take a request: handed to waiters in the order they came, on
    whichever event loop each waits (a test client runs each request on a loop of its own) or
    from any thread (a spawned process becomes ready in a starter thread)."""

    def __init__(self) -> None:
        self._free: deque[Worker] = deque()
        self._waiting: deque[tuple[asyncio.AbstractEventLoop, asyncio.Future[Worker]]] = deque()
        self._lock = threading.Lock()

    def put(self, worker: Worker) -> None:
        with self._lock:
            while self._waiting:
                loop, waiter = self._waiting.popleft()
                if not waiter.done():
                    try:
                        loop.call_soon_threadsafe(self._hand, waiter, worker)
                        return
                    except RuntimeError:  # that loop has closed: try the next waiter
                        continue
            self._free.append(worker)

    def _hand(self, waiter: asyncio.Future[Worker], worker: Worker) -> None:
        if waiter.done():  # timed out meanwhile: the worker goes to the next one
            self.put(worker)
        else:
            waiter.set_result(worker)

    def get_nowait(self) -> Worker | None:
        with self._lock:
            return self._free.popleft() if self._free else None

    async def get(self, timeout: float) -> Worker:
        """A free process, waiting at most `timeout` seconds: TimeoutError."""
        loop = asyncio.get_running_loop()
        with self._lock:
            if self._free:
                return self._free.popleft()
            waiter: asyncio.Future[Worker] = loop.create_future()
            self._waiting.append((loop, waiter))
        return await asyncio.wait_for(waiter, timeout)


class Checkers:
    """The check processes, forked from the server (spawned where forking is not available).

    A request waits at most `timeout` seconds in all: for a free process (else 503 RC503), then
    for its answer (else 504 RC504: the process is killed and replaced, since a thread could not
    be stopped and a check stuck in spaCy's C code holds the GIL of its whole process). Waiting
    is done on the event loop itself, which watches each busy process's pipe, so a request
    costs no thread hand-off. The server's own Coach never checks a draft, so a process forked
    as a replacement starts as fresh as the first ones.
    """

    def __init__(self, coach: Coach, settings: ServiceSettings) -> None:
        self.coach, self.settings = coach, settings
        self._fork = "fork" in multiprocessing.get_all_start_methods()
        self._context = multiprocessing.get_context("fork" if self._fork else "spawn")
        self._idle = _Idle()
        self._all: set[Worker] = set()
        self._lock = threading.Lock()
        self._started = self._closed = False

    def _new(self) -> Worker:
        args = ((self.coach, self.settings.recycle_mb) if self._fork else
                (self.coach.config, self.coach.rule_paths, self.settings.recycle_mb))
        worker = Worker(self._context, _answerer if self._fork else _spawned_answerer, args)
        self._all.add(worker)
        threading.Thread(target=self._when_ready, args=(worker,), daemon=True).start()
        return worker

    def _when_ready(self, worker: Worker) -> None:
        """Offer a worker to requests once it can answer: a spawned one takes seconds to build its
        Coach, which must not count against a request's budget."""
        try:
            worker.wait_ready(timeout=300)
        except (TimeoutError, WorkerLost, WorkerError) as err:
            if not self._closed:  # else the server stopped it on the way out
                logging.getLogger("replycoach.service").error("a check process did not start: %s", err)
            worker.stop()
            self._all.discard(worker)
            return
        self._idle.put(worker)

    def start(self) -> None:
        """Start the processes (from the event loop's thread: the kernel ties a child's
        death signal to the thread that forked it)."""
        with self._lock:
            if not self._started and not self._closed:
                self._started = True
                for _ in range(self.settings.checkers):
                    self._new()

    def replace(self, worker: Worker) -> None:
        worker.stop()
        self._all.discard(worker)
        if not self._closed:
            self._new()

    def pids(self) -> list[int | None]:
        return [w.pid for w in list(self._all)]

    def close(self) -> None:
        self._closed = True
        for worker in list(self._all):
            worker.stop()
        self._all.clear()

    async def _call(self, worker: Worker, job: tuple[str, dict[str, Any], tuple[str, ...]],
                    timeout: float) -> Answer:
        """Send `job` and wait on the loop for the answer or the process's end: TimeoutError, WorkerLost."""
        loop = asyncio.get_running_loop()
        worker.send(job)  # small, and the process is waiting to read it
        answered: asyncio.Future[None] = loop.create_future()
        handles = (worker.conn.fileno(), worker.process.sentinel)

        def wake() -> None:
            if not answered.done():
                answered.set_result(None)

        for handle in handles:
            loop.add_reader(handle, wake)
        try:
            await asyncio.wait_for(answered, timeout)
        finally:
            for handle in handles:
                loop.remove_reader(handle)
        return cast(Answer, worker.receive())

    async def run(self, job: tuple[str, dict[str, Any], tuple[str, ...]]) -> Response:
        self.start()
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.settings.timeout
        try:
            worker = await self._idle.get(self.settings.timeout)
        except TimeoutError:
            busy = f"all {self.settings.checkers} check processes are busy; try again shortly"
            return _json(503, _body("RC503", busy))
        try:
            status, body, worn = await self._call(worker, job, max(0.01, deadline - loop.time()))
        except TimeoutError:
            self.replace(worker)
            return _json(504, _body("RC504", f"the request took longer than {self.settings.timeout:g} s and was "
                                             "stopped; send a shorter draft"))
        except (WorkerLost, WorkerError) as err:
            logging.getLogger("replycoach.service").error("check process lost: %s", err)
            self.replace(worker)
            return _json(500, _body("RC500", _INTERNAL))
        except BaseException:  # cancelled mid-check: its answer would reach the next request
            self.replace(worker)
            raise
        if worn:
            self.replace(worker)
        else:
            self._idle.put(worker)
        return _json(status, body)


def _json(status: int, body: str) -> Response:
    return Response(body, status_code=status, media_type="application/json")


def _spawned_answerer(config: Config, rules: list[str], recycle_mb: int) -> Callable[..., Answer]:
    return _answerer(_warmed(Coach(config=config, rules=rules)), recycle_mb)


def _body(code: str, message: str) -> str:
    return json.dumps({"code": code, "message": message})


class _Guard:
    """The API key, then the body size: by Content-Length when sent, and always by counting the
    bytes as they arrive (a chunked body has no Content-Length), stopping at the limit.

    Then the short way for the three POST operations: a JSON body that parses and validates as a
    CheckRequest goes to `answer` straight from here, without FastAPI's routing, dependency
    solving and Request objects (together about a third of a server process's CPU per request,
    profiled under load). Anything else, a body that does not parse or validate included, goes on
    to FastAPI with the body replayed, so every error reply is FastAPI's own, as before."""

    def __init__(self, app: ASGIApp, settings: ServiceSettings,
                 answer: Callable[[str, CheckRequest], Awaitable[Response]] | None = None) -> None:
        self.app, self.settings, self.answer = app, settings, answer

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith("/v1/") or scope["method"] == "OPTIONS":
            await self.app(scope, receive, send)  # preflights carry no key
            return
        headers, limit = Headers(scope=scope), self.settings.max_body_bytes
        too_large = f"request body is over {limit} bytes"
        if self.settings.api_key and not hmac.compare_digest(headers.get(API_KEY_HEADER, ""), self.settings.api_key):
            await _error(401, "RC401", f"missing or wrong {API_KEY_HEADER} header")(scope, receive, send)
            return
        length = headers.get("content-length", "")
        if length.isdigit() and int(length) > limit:
            await _error(413, "RC413", too_large)(scope, receive, send)
            return
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:  # FastAPI passes an HTTPException on untouched: 413 RC413
                    raise StarletteHTTPException(413, detail=too_large)
            return message

        operation = _OPERATIONS.get(scope["path"]) if scope["method"] == "POST" else None
        if self.answer is None or operation is None or headers.get("content-type", "").lower() != "application/json":
            await self.app(scope, counted, send)
            return
        body = bytearray()
        while True:
            try:
                message = await counted()
            except StarletteHTTPException:
                await _error(413, "RC413", too_large)(scope, receive, send)
                return
            if message["type"] != "http.request":  # the client went away
                return
            body += message.get("body", b"")
            if not message.get("more_body", False):
                break
        request = _valid_request(bytes(body))
        if request is None:
            await self.app(scope, _replay(bytes(body), receive), send)
            return
        await (await self.answer(operation, request))(scope, receive, send)


_OPERATIONS = {"/v1/check": "check", "/v1/rewrite": "rewrite", "/v1/render": "render"}


def _valid_request(body: bytes) -> CheckRequest | None:
    """The body as FastAPI would read it for a CheckRequest (json.loads, then the model's
    validation), or None where FastAPI would answer with an error of its own."""
    try:
        return CheckRequest.model_validate(json.loads(body), from_attributes=True)
    except Exception:  # not JSON, not UTF-8, too deep, or not a valid request: FastAPI says which
        return None


def _replay(body: bytes, receive: Receive) -> Receive:
    """A `receive` that gives `body` whole, then whatever the client sends next (its disconnect)."""
    given = False

    async def replayed() -> Message:
        nonlocal given
        if given:
            return await receive()
        given = True
        return {"type": "http.request", "body": body, "more_body": False}

    return replayed


def _unparsable(cause: BaseException | None) -> str:
    """Why a body could not be parsed, for the RC400 message."""
    if isinstance(cause, UnicodeDecodeError):
        return "it is not valid UTF-8"
    if isinstance(cause, RecursionError):
        return "it is nested too deeply"
    if isinstance(cause, ValueError) and "digits" in str(cause):
        return "a number in it has too many digits"
    return "it is not JSON text"


def create_app(*, config: Config | None = None, rules: tuple[str, ...] = (),
               settings: ServiceSettings | None = None) -> FastAPI:
    """The FastAPI application. One Coach is built at start-up; check processes are forked from
    it on the first request."""
    settings = settings or ServiceSettings(api_key=os.environ.get("REPLYCOACH_API_KEY") or None)
    coach = _warmed(Coach(config=config, rules=list(rules)))
    rule_ids = [r.id for r in coach.rules]
    checkers = Checkers(coach, settings)

    def job(operation: str, request: CheckRequest) -> tuple[str, dict[str, Any], tuple[str, ...]]:
        selection: tuple[str, ...] = ()
        unknown = [s for s in (*(request.rules or ()), *(request.ignore or ())) if not _selected(rule_ids, (s,))]
        if unknown:
            raise ReplycoachError(f"unknown rule ids: {', '.join(unknown)}", code="RC206",
                                  remedy="GET /v1/rules lists the loaded rules")
        if request.rules:
            selection = tuple(sorted(set(request.rules)))
        fields = request.model_dump(include={"draft", "customer", "channel"})
        if request.ignore:  # as Coach.check(ignore=...) does, so the JSON is the library's and the CLI's
            running = _selected(rule_ids, selection or tuple(rule_ids))
            fields["ignore"] = _selected(running, tuple(request.ignore))
            if len(fields["ignore"]) == len(running):
                raise ReplycoachError("`ignore` leaves no rule to run", code="RC422",
                                      remedy="ignore fewer rules, or do not check this draft")
        return operation, fields, selection

    async def answer(operation: str, request: CheckRequest) -> Response:
        """What a check, rewrite or render request gets, whichever way it came in (see _Guard)."""
        try:
            work = job(operation, request)
        except ReplycoachError as err:
            return _coded(err)
        return await checkers.run(work)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        checkers.start()
        yield
        checkers.close()

    app = FastAPI(title="replycoach", version=__version__, lifespan=lifespan,
                  description="Tells a support agent, before they send, what in a reply will land badly.",
                  responses={400: {"model": ErrorBody}, 401: {"model": ErrorBody}, 413: {"model": ErrorBody},
                             422: {"model": ErrorBody}, 503: {"model": ErrorBody}, 504: {"model": ErrorBody}})
    app.state.checkers = checkers
    weakref.finalize(app, checkers.close)  # an app dropped without a shutdown (a test client) stops them too
    app.add_middleware(_Guard, settings=settings, answer=answer)
    if settings.cors_origins:  # added last, so it wraps the guard: its 401/413 stay readable cross-origin
        app.add_middleware(CORSMiddleware, allow_origins=list(settings.cors_origins),
                           allow_methods=["GET", "POST"], allow_headers=["Content-Type", API_KEY_HEADER])

    @app.exception_handler(ReplycoachError)
    async def coded(_: Request, err: ReplycoachError) -> JSONResponse:
        return _coded(err)

    @app.exception_handler(RequestValidationError)
    async def invalid(_: Request, err: RequestValidationError) -> JSONResponse:
        first = err.errors()[0] if err.errors() else {"loc": (), "msg": "invalid request"}
        field = ".".join(str(p) for p in first["loc"] if p != "body") or "body"
        return _error(422, "RC422", f"{field}: {first['msg']}")

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_: Request, err: StarletteHTTPException) -> JSONResponse:
        message = str(err.detail)
        if err.status_code == 400:  # FastAPI could not parse the body (its cause says why)
            message = f"the request body cannot be parsed: {_unparsable(err.__cause__)}"
        return _error(err.status_code, f"RC{err.status_code}", message)

    @app.exception_handler(Exception)
    async def internal(_: Request, err: Exception) -> JSONResponse:
        return _error(500, "RC500", _INTERNAL)

    @app.post("/v1/check", summary="Check a draft", response_model=None)
    async def check(request: CheckRequest) -> Response:
        return await answer("check", request)

    @app.post("/v1/rewrite", summary="Rewrite a draft", response_model=None)
    async def rewrite(request: CheckRequest) -> Response:
        return await answer("rewrite", request)

    @app.post("/v1/render", summary="Check a draft and render its findings as HTML", response_model=None)
    async def render(request: CheckRequest) -> Response:
        return await answer("render", request)

    @app.get("/v1/rules", summary="The loaded rules")
    def list_rules() -> list[dict[str, str]]:
        return [{"id": r.id, "kind": r.spec.kind, "category": r.category, "severity": r.severity.value,
                 "message": r.spec.message, "why": r.spec.why} for r in coach.rules]

    @app.get("/healthz", summary="Liveness")
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def page() -> HTMLResponse:
        return HTMLResponse(_page())

    return app


@lru_cache(maxsize=1)
def _page() -> str:
    from .models import CATEGORY_COLOURS
    from .render_html import STYLE

    html = resources.files("replycoach").joinpath("web/index.html").read_text(encoding="utf-8")
    colours = ";".join(f"--rc-{k}:{v}" for k, v in CATEGORY_COLOURS.items())
    return html.replace("/*REPORT_STYLE*/", STYLE).replace("/*CATEGORY_COLOURS*/", colours)


def app_from_environment() -> FastAPI:
    """The app `replycoach serve` runs in each worker, configured through REPLYCOACH_SERVE."""
    from .config import load_config

    options = json.loads(os.environ.get("REPLYCOACH_SERVE", "{}"))
    settings = ServiceSettings(cors_origins=tuple(options.pop("cors_origins", ())),
                               api_key=os.environ.get("REPLYCOACH_API_KEY") or None,
                               **{k: options[k] for k in ("max_body_bytes", "timeout", "checkers") if k in options})
    return create_app(config=load_config(options.get("config")), rules=tuple(options.get("rules", ())),
                      settings=settings)


# --- replycoach serve -----------------------------------------------------------------------

def serve(*, host: str, port: int, workers: int = 1, log_level: str = "info", access_log: bool = False) -> None:
    """Run the app from REPLYCOACH_SERVE's settings until Ctrl-C or SIGTERM. With workers > 1 the
    Coach is built once, here, and the server processes are forked from this one: they share it
    (and its compiled packs) copy-on-write, and accept on one listening socket. A server process
    that dies is replaced; none outlives this one. `access_log` writes a line per request to
    stderr: off by default, since formatting it cost a tenth of a server process's CPU per request."""
    import uvicorn

    config = uvicorn.Config(app_from_environment(), host=host, port=port, log_level=log_level,
                            access_log=access_log)
    if workers <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        config.workers = 1
        uvicorn.Server(config).run()
        return
    config.workers = workers
    sock = config.bind_socket()
    context = multiprocessing.get_context("fork")
    log = logging.getLogger("replycoach.service")
    stopping = False

    def start() -> multiprocessing.process.BaseProcess:
        process = context.Process(target=_server_process, args=(config, sock, os.getpid()),
                                  name="replycoach-server")
        process.start()  # not a daemon: a daemon may not start the check processes
        return process

    def stop(*_: object) -> None:
        nonlocal stopping
        stopping = True

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    servers = [start() for _ in range(workers)]
    try:
        while not stopping:
            for ended in multiprocessing.connection.wait([s.sentinel for s in servers], timeout=0.5):
                if stopping:
                    break
                gone = next(s for s in servers if s.sentinel == ended)
                gone.join()
                log.error("server process %s exited with %s; starting another", gone.pid, gone.exitcode)
                servers[servers.index(gone)] = start()
    finally:
        for server in servers:  # SIGTERM: each shuts down cleanly and stops its check processes
            if server.is_alive() and server.pid:
                os.kill(server.pid, signal.SIGTERM)
        for server in servers:
            server.join(10)
            if server.is_alive():
                server.kill()
                server.join()
        sock.close()
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _server_process(config: Any, sock: Any, parent_pid: int) -> None:
    """In a forked server process: serve on the shared socket until told to stop."""
    import uvicorn

    from .workers import die_with_parent

    die_with_parent(parent_pid)
    for sig in (signal.SIGINT, signal.SIGTERM):  # uvicorn installs its own while it serves
        signal.signal(sig, signal.SIG_DFL)
    uvicorn.Server(config).run(sockets=[sock])
