"""The JSON API: the same data as the pages, described by the OpenAPI document."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Header, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from archive.config import Settings
from index.services import browse
from index.services.library import MAX_DEPTH, MAX_LIMIT, QueryError, SearchOptions, decide_link, list_links, search
from index.web.curation import check_token
from index.web.querystate import MAX_QUERY_CHARS

router = APIRouter()


class ErrorBody(BaseModel):
    """What went wrong."""

    status: int
    message: str
    code: str | None = Field(None, description="what went wrong, one name per cause (e.g. only_excluded, bad_sort)")
    message_nl: str | None = Field(None, description="the message in Dutch, as the pages show it")


class ErrorResponse(BaseModel):
    """The one error shape of the API."""

    error: ErrorBody


class SearchResponse(BaseModel):
    """The object ``casearchive search --format json`` prints (the README's "The index and search")."""

    model_config = ConfigDict(extra="allow")
    query: str
    parsed: dict[str, Any]
    total: int
    index_built_at: str | None
    sort: str
    offset: int
    results: list[dict[str, Any]] = Field(description="id, kind, title, snippet, url, score, case_ids, companies, "
                                                      "themes, year, video_id, start, moments, more_moments, …")
    facets: dict[str, dict[str, int]] = Field(description="theme, company, case, sector, year, kind → {value: count}")


class Decision(BaseModel):
    """A person's decision on a suggested link."""

    source: str = Field(examples=["video:ZhyiA4uoRgn"], max_length=300)
    target: str = Field(examples=["case:duurzaam-meedoen-in-de-metalektro"], max_length=300)
    decision: Literal["confirmed", "rejected"]
    note: str | None = Field(default=None, max_length=500)


ERRORS: dict[int | str, dict[str, Any]] = {code: {"model": ErrorResponse} for code in (400, 404, 422, 429, 503)}


def settings_of(request: Request) -> Settings:
    """The app's (read-only) settings."""
    return request.app.state.settings


def check_query(q: str) -> str:
    """The query, refused early when it is absurdly long (the library limits it further)."""
    if len(q) > MAX_QUERY_CHARS:
        raise QueryError(f"the query is too long ({len(q)} characters)", "too_long", length=len(q),
                         limit=MAX_QUERY_CHARS)
    return q


@router.get("/healthz", tags=["service"], responses={503: {"model": ErrorResponse}},
            summary="200 when the live index is readable, 503 otherwise")
def healthz(request: Request) -> dict[str, Any]:
    """Health check for load balancers and timers."""
    return dict(browse.health(settings_of(request)))


@router.get("/api/search", tags=["search"], response_model=None, responses={200: {"model": SearchResponse}, **ERRORS},
            summary="Search with the query language (the twin of the search page)")
def api_search(request: Request,
               q: str = Query(description='words, "phrases", OR, -word, prefix*, fuzzy~, company:/theme:/case:/'
                                          'sector:/kind:/year:/lang:/caption: filters (also by their Dutch names '
                                          'bedrijf:/thema:/casus:/soort:/jaar:/taal:)'),
               limit: int = Query(10, ge=1, le=MAX_LIMIT), offset: int = Query(0, ge=0, le=MAX_DEPTH),
               sort: Literal["relevance", "date"] = "relevance",
               inactive: bool = Query(False,
                                      description="include videos that are no longer available")) -> JSONResponse:
    """The same object as ``casearchive search --format json``."""
    options = SearchOptions(limit=limit, offset=offset, sort=sort, include_inactive=inactive)
    return JSONResponse(search(settings_of(request), check_query(q), options))


@router.get("/api/cases/{slug}", tags=["pages"], responses=ERRORS, summary="A case with its notes and linked videos")
def api_case(request: Request, slug: str) -> dict[str, Any]:
    """The twin of the case page."""
    return browse.case_view(settings_of(request), slug)


@router.get("/api/videos/{video_id}", tags=["pages"], responses=ERRORS,
            summary="A video with its links, evidence and transcripts")
def api_video(request: Request, video_id: str) -> dict[str, Any]:
    """The twin of the video page."""
    return browse.video_view(settings_of(request), video_id)


@router.get("/api/companies/{name}", tags=["pages"], responses=ERRORS, summary="A company's cases and videos")
def api_company(request: Request, name: str) -> dict[str, Any]:
    """The twin of the company page (a search on ``company:"name"``)."""
    return browse.entity_view(settings_of(request), "company", name)


@router.get("/api/themes/{name}", tags=["pages"], responses=ERRORS, summary="A theme's cases and videos")
def api_theme(request: Request, name: str) -> dict[str, Any]:
    """The twin of the theme page (a search on ``theme:"name"``)."""
    return browse.entity_view(settings_of(request), "theme", name)


@router.get("/api/status", tags=["pages"], summary="Counts, last run, quota per day, items per run")
def api_status(request: Request) -> dict[str, Any]:
    """The twin of the status page."""
    return browse.status_view(settings_of(request))


@router.get("/api/links", tags=["curation"], responses=ERRORS, summary="Links of the live index with their evidence")
def api_links(request: Request,
              status: Literal["all", "accepted", "suggested", "confirmed", "rejected"] = "all",
              source: str | None = Query(None, max_length=300)) -> list[dict[str, Any]]:
    """The same rows as ``casearchive links list --format json``, status accepted, suggested, confirmed or rejected."""
    return browse.with_status(list_links(settings_of(request), status, source))


@router.post("/api/links/decisions", tags=["curation"], responses={**ERRORS, 403: {"model": ErrorResponse}},
             summary="Confirm or reject a link (needs the curation token as a Bearer token)")
def api_decide(request: Request, body: Decision,
               authorization: str | None = Header(None, description="Bearer <curation token>")) -> dict[str, Any]:
    """Stored where ``casearchive links`` stores decisions; it applies from the next index build."""
    check_token(request, (authorization or "").removeprefix("Bearer ").strip() or None)
    row = decide_link(settings_of(request), body.source, body.target, body.decision, body.note)
    return {**row, "applies": "from the next index build (casearchive index)"}
