"""The pre-send check over HTTP (FastAPI): JSON endpoints for help-desk tools and a web page.

    POST /v1/check    {draft, customer?, channel?, rules?} -> exactly `check --format json`
    POST /v1/rewrite  {draft, customer?, channel?, rules?} -> exactly `rewrite --format json`
    POST /v1/render   the same request -> {"report": ..., "html": highlighted findings}
    GET  /v1/rules    the loaded rules
    GET  /healthz     liveness
    GET  /            the web page agents use before they send

Every error is `{"code", "message"}` with the library's codes; no stack traces. Rule packs come
only from the server's own config: a request may narrow the loaded rules by id, never add any.
"""

from __future__ import annotations

import hmac
import os
from functools import lru_cache
from importlib import resources
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import HTMLResponse, JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from . import __version__
from .coach import Coach
from .config import Config
from .errors import ReplycoachError

__all__ = ["CheckRequest", "ServiceSettings", "create_app"]

API_KEY_HEADER = "X-API-Key"


class ServiceSettings(BaseModel):
    """How the service runs: from `replycoach serve` options (the team config holds no service settings)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    max_body_bytes: int = Field(256_000, ge=1_000, description="Larger requests get 413.")
    cors_origins: tuple[str, ...] = Field(default=(), description="Origins allowed to call from a browser.")
    api_key: str | None = Field(None, description="If set, requests must send it in the X-API-Key header.")


class CheckRequest(BaseModel):
    """A draft to check or rewrite."""

    model_config = ConfigDict(extra="forbid")
    draft: str = Field(description="The reply, plain text or HTML.")
    customer: str | None = Field(None, description="The customer message it answers.")
    channel: str | None = Field(None, description="email or chat, or a channel from the server's config.")
    rules: list[str] | None = Field(
        None, description="Run only these rule ids or id prefixes (from the server's loaded rules).")


class ErrorBody(BaseModel):
    code: str
    message: str


def _error(status: int, code: str, message: str) -> JSONResponse:
    return JSONResponse(status_code=status, content={"code": code, "message": message})


def _status_of(err: ReplycoachError) -> int:
    return 400 if err.code.startswith(("RC2", "RC3")) else 422


def create_app(*, config: Config | None = None, rules: tuple[str, ...] = (),
               settings: ServiceSettings | None = None) -> FastAPI:
    """The FastAPI application. One Coach is built at start-up and shared by all requests."""
    settings = settings or ServiceSettings(api_key=os.environ.get("REPLYCOACH_API_KEY") or None)
    coach = Coach(config=config, rules=list(rules))
    rule_ids = [r.id for r in coach.rules]

    @lru_cache(maxsize=16)
    def narrowed(selection: tuple[str, ...]) -> Coach:
        """A Coach with only the selected rules (a few selections are common, so cache them)."""
        keep = [i for i in rule_ids if any(i == s or i.startswith(s + ".") for s in selection)]
        drop = tuple(i for i in rule_ids if i not in keep)
        return Coach(config=coach.config.merged(disable=(*coach.config.disable, *drop)),
                     rules=coach.rule_paths)

    def coach_for(request: CheckRequest) -> Coach:
        if not request.rules:
            return coach
        unknown = [s for s in request.rules if not any(i == s or i.startswith(s + ".") for i in rule_ids)]
        if unknown:
            raise ReplycoachError(f"unknown rule ids: {', '.join(unknown)}", code="RC206",
                                  remedy="GET /v1/rules lists the loaded rules")
        return narrowed(tuple(sorted(set(request.rules))))

    app = FastAPI(title="replycoach", version=__version__,
                  description="Tells a support agent, before they send, what in a reply will land badly.",
                  responses={400: {"model": ErrorBody}, 401: {"model": ErrorBody}, 413: {"model": ErrorBody},
                             422: {"model": ErrorBody}})
    @app.middleware("http")
    async def guard(request: Request, call_next: Any) -> Response:
        if request.url.path.startswith("/v1/") and request.method != "OPTIONS":  # preflights carry no key
            if settings.api_key and not hmac.compare_digest(
                    request.headers.get(API_KEY_HEADER, ""), settings.api_key):
                return _error(401, "RC401", f"missing or wrong {API_KEY_HEADER} header")
            length = request.headers.get("content-length")
            if length and length.isdigit() and int(length) > settings.max_body_bytes:
                return _error(413, "RC413", f"request body is over {settings.max_body_bytes} bytes")
        return await call_next(request)

    if settings.cors_origins:  # added last, so it wraps the guard: its 401/413 stay readable cross-origin
        app.add_middleware(CORSMiddleware, allow_origins=list(settings.cors_origins),
                           allow_methods=["GET", "POST"], allow_headers=["Content-Type", API_KEY_HEADER])

    @app.exception_handler(ReplycoachError)
    async def coded(_: Request, err: ReplycoachError) -> JSONResponse:
        return _error(_status_of(err), err.code, str(err))

    @app.exception_handler(RequestValidationError)
    async def invalid(_: Request, err: RequestValidationError) -> JSONResponse:
        first = err.errors()[0] if err.errors() else {"loc": (), "msg": "invalid request"}
        field = ".".join(str(p) for p in first["loc"] if p != "body") or "body"
        return _error(422, "RC422", f"{field}: {first['msg']}")

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_: Request, err: StarletteHTTPException) -> JSONResponse:
        return _error(err.status_code, f"RC{err.status_code}", str(err.detail))

    @app.exception_handler(Exception)
    async def internal(_: Request, err: Exception) -> JSONResponse:
        return _error(500, "RC500", "internal error; the server log has the details")

    @app.post("/v1/check", summary="Check a draft", response_model=None)
    def check(request: CheckRequest) -> Response:
        report = coach_for(request).check(request.draft, customer=request.customer, channel=request.channel)
        return Response(report.to_json(), media_type="application/json")

    @app.post("/v1/rewrite", summary="Rewrite a draft", response_model=None)
    def rewrite(request: CheckRequest) -> Response:
        result = coach_for(request).rewrite(request.draft, customer=request.customer, channel=request.channel)
        return Response(result.to_json(), media_type="application/json")

    @app.post("/v1/render", summary="Check a draft and render its findings as HTML")
    def render(request: CheckRequest) -> dict[str, Any]:
        from .render_html import report_html

        report = coach_for(request).check(request.draft, customer=request.customer, channel=request.channel)
        return {"report": report.to_dict(), "html": report_html(report, with_style=False)}

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
    from .render_html import CATEGORY_COLOURS, STYLE

    html = resources.files("replycoach").joinpath("web/index.html").read_text(encoding="utf-8")
    colours = ";".join(f"--rc-{k}:{v}" for k, v in CATEGORY_COLOURS.items())
    return html.replace("/*REPORT_STYLE*/", STYLE).replace("/*CATEGORY_COLOURS*/", colours)


def app_from_environment() -> FastAPI:
    """The app `replycoach serve` runs in each worker, configured through REPLYCOACH_SERVE."""
    import json

    from .config import load_config

    options = json.loads(os.environ.get("REPLYCOACH_SERVE", "{}"))
    settings = ServiceSettings(max_body_bytes=options.get("max_body_bytes", 256_000),
                               cors_origins=tuple(options.get("cors_origins", ())),
                               api_key=os.environ.get("REPLYCOACH_API_KEY") or None)
    return create_app(config=load_config(options.get("config")), rules=tuple(options.get("rules", ())),
                      settings=settings)
