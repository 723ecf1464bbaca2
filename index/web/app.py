"""The app factory: routes, templates, static files, one error shape, safety headers."""

from __future__ import annotations

import base64
import hashlib
import logging
import re
from importlib.resources import files
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.exceptions import HTTPException

from archive.config import Settings
from archive.errors import CaseArchiveError, InputError, LockHeld, NotFoundError, UnparseablePage
from index.services.browse import PLAYER_ORIGIN, embed_url, player_url, redact, said_once, use_settings
from index.services.export import clock_time  # the terminal's m:ss / h:mm:ss, so pages and exports read alike
from index.services.library import IndexCorrupt, IndexMissing, SearchBusy, SearchStopped
from index.services.thumbnails import local_thumbnail, stored_thumbnail
from index.web.curation import CurationRefused
from index.web.explain import as_html, as_plain, explain, explain_parameter
from index.web.dutch import FILTERS
from index.web.querystate import MAX_QUERY_CHARS, SearchState, chip_label, empty_tips, filter_tokens, titled_query

log = logging.getLogger(__name__)
HERE = Path(__file__).parent
# Pages load only our own CSS, script and images (thumbnails are the archive's copies, /thumbnails/ID.jpg);
# the one frame a page may hold is YouTube's privacy-enhanced player, put there when the user clicks play.
CSP = ("default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
       f"frame-src {PLAYER_ORIGIN}; frame-ancestors 'none'; base-uri 'none'; form-action 'self'")
# Swagger UI 5 (swagger-ui-dist's swagger-ui-bundle.js and swagger-ui.css, with a favicon) as the pinned
# fastapi-offline package ships it, so /docs works without the internet.
DOCS_FILES = Path(str(files("fastapi_offline") / "static"))
DOCS_STATIC = "/docs/static"
PLACEHOLDER_FILE = HERE / "static" / "thumbnail.svg"


def safe_url(url: Any) -> str:
    """The URL if it is http(s) or a local path; ``#`` for anything else (``javascript:``…)."""
    text = str(url or "")
    parts = urlsplit(text)
    if parts.scheme in ("http", "https") and parts.netloc:
        return text
    if not parts.scheme and not parts.netloc and text.startswith("/") and not text.startswith("//"):
        return text
    return "#"


def clock(seconds: Any) -> str:
    """Seconds as m:ss (or h:mm:ss); empty for none."""
    return "" if seconds is None else clock_time(int(seconds))


def _templates() -> Jinja2Templates:
    env = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape(default=True),
                      trim_blocks=True, lstrip_blocks=True)
    env.filters.update(safe_url=safe_url, said_once=said_once, clock=clock, filter_tokens=filter_tokens,
                       chip_label=chip_label, titled_query=titled_query, empty_tips=empty_tips,
                       local_thumbnail=local_thumbnail,
                       segment=lambda value: quote(str(value), safe=""), **FILTERS)
    env.globals.update(embed_url=embed_url, player_url=player_url)
    return Jinja2Templates(env=env)


def error_status(exc: Exception) -> int:
    """The HTTP status of one of our errors."""
    if isinstance(exc, NotFoundError):
        return 404
    if isinstance(exc, InputError):
        return 400
    if isinstance(exc, CurationRefused):
        return 403
    if isinstance(exc, UnparseablePage):  # the archived page is there but cannot be read: not a server fault
        return 422
    if isinstance(exc, SearchBusy):  # other costly searches hold every slot: try again soon
        return 429
    if isinstance(exc, (IndexMissing, IndexCorrupt, SearchStopped)):
        return 503
    if isinstance(exc, LockHeld):  # the decisions stayed locked far longer than a decision takes
        return 423
    return 500


def wants_json(request: Request) -> bool:
    """API paths answer JSON; pages answer HTML."""
    path = request.url.path
    return path.startswith("/api/") or path in ("/healthz", "/openapi.json")


def error_response(request: Request, status: int, message: str, reason: str | None = None,
                   explained: tuple[str, str] | None = None) -> Response:
    """One error shape: ``{"error": {"status", "message"}}`` for the API (with ``code`` and the Dutch
    ``message_nl`` when the error has them), a Dutch page for people."""
    message = redact(message)
    if wants_json(request):
        headers = {"Retry-After": "5"} if status == 429 else None
        body: dict[str, Any] = {"status": status, "message": message}
        if explained:
            body.update(code=explained[0], message_nl=as_plain(explained[1]))
        return JSONResponse({"error": body}, status_code=status, headers=headers)
    state = SearchState(q=request.query_params.get("q", "")[:MAX_QUERY_CHARS])
    return request.app.state.templates.TemplateResponse(
        request, "error.html", {"status": status, "message": message, "state": state, "reason": reason,
                                "explanation": as_html(explained[1]) if explained else None},
        status_code=status)


def docs_page(openapi_url: str) -> HTMLResponse:
    """Swagger UI over the OpenAPI document, every file from this server; its own CSP admits its one inline script."""
    page = get_swagger_ui_html(
        openapi_url=openapi_url, title="casearchive API",
        swagger_js_url=f"{DOCS_STATIC}/swagger-ui-bundle.js", swagger_css_url=f"{DOCS_STATIC}/swagger-ui.css",
        swagger_favicon_url=f"{DOCS_STATIC}/favicon.png",
        # no online validator: Swagger UI would send the document's address to validator.swagger.io
        swagger_ui_parameters={"validatorUrl": None})
    inline = re.findall(rb"<script>(.*?)</script>", page.body, re.S)
    hashes = " ".join(f"'sha256-{base64.b64encode(hashlib.sha256(s).digest()).decode()}'" for s in inline)
    # Nothing loads from anywhere but here (Swagger UI styles what it draws through the DOM, which CSP allows).
    page.headers["Content-Security-Policy"] = (
        f"default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self' {hashes}; "
        "frame-ancestors 'none'; base-uri 'none'; form-action 'self'")
    return page


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(CaseArchiveError)
    async def archive_error(request: Request, exc: CaseArchiveError) -> Response:
        status = error_status(exc)
        if status >= 500:
            log.error("web: %s: %s", type(exc).__name__, redact(str(exc)))
        return error_response(request, status, str(exc), getattr(exc, "reason", None) or type(exc).__name__,
                              explain(exc))

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> Response:
        message = exc.detail if isinstance(exc.detail, str) else "error"
        return error_response(request, exc.status_code, "not found" if exc.status_code == 404 else message)

    @app.exception_handler(RequestValidationError)
    async def bad_parameter(request: Request, exc: RequestValidationError) -> Response:
        first = exc.errors()[0] if exc.errors() else {}
        where = ".".join(str(p) for p in first.get("loc", ())[1:]) or "request"
        return error_response(request, 400, f"{where}: {first.get('msg', 'invalid value')}",
                              explained=explain_parameter(first))

    @app.exception_handler(Exception)
    async def internal_error(request: Request, exc: Exception) -> Response:
        log.exception("web: internal error on %s", request.url.path)
        return error_response(request, 500, "internal error (see the server log)")


def create_app(settings: Settings, *, curation_token: str | None = None) -> FastAPI:
    """The web app over one data directory; curation (confirm/reject links) only with a token."""
    from index.web.api import router as api_router
    from index.web.pages import router as page_router

    app = FastAPI(title="casearchive", version="1", description=(
        "Search the case archive: cases, notes, videos and transcript passages. Every page of the site "
        "has a JSON twin under /api; errors are `{\"error\": {\"status\", \"message\"}}`."),
        docs_url=None, redoc_url=None)  # /docs below serves Swagger UI from local files
    # Read-only configuration, set once here; requests share nothing else.
    app.state.settings = settings
    use_settings(settings)
    app.state.curation_token = curation_token or None
    app.state.templates = _templates()
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    app.mount(DOCS_STATIC, StaticFiles(directory=DOCS_FILES), name="docs-static")

    @app.get("/docs", include_in_schema=False)
    async def docs() -> HTMLResponse:
        return docs_page(app.openapi_url or "/openapi.json")

    @app.get("/thumbnails/{name}", include_in_schema=False)
    def thumbnail(name: str) -> Response:
        """A video's thumbnail from the archive; the placeholder while none is stored (404 for a bad id)."""
        found = stored_thumbnail(settings, name)
        if found is None:  # not cached long: the next harvest may store it
            return FileResponse(PLACEHOLDER_FILE, media_type="image/svg+xml", headers={"Cache-Control": "no-cache"})
        body, kind = found
        return Response(body, media_type=kind, headers={"Cache-Control": "public, max-age=86400"})

    app.include_router(api_router)
    app.include_router(page_router)
    _install_error_handlers(app)

    @app.middleware("http")
    async def safety_headers(request: Request, call_next: Any) -> Response:
        response: Response = await call_next(request)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        if response.headers.get("content-type", "").startswith("text/html"):
            response.headers.setdefault("Content-Security-Policy", CSP)  # /docs has set its own
        return response

    app.add_middleware(HeadAsGet)
    return app


class HeadAsGet:
    """HEAD answered as GET without the body (RFC 9110 §9.3.2): FastAPI's routes take GET alone, so an
    uptime check's ``curl -I /`` or a link checker's HEAD got 405."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def without_body(message: Any) -> None:
            if message["type"] == "http.response.body":
                message = {**message, "body": b""}
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, without_body)
