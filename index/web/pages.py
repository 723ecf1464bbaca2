"""The HTML pages (Dutch): each calls one service (browse or library) and renders a template."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import RedirectResponse, Response

from archive.errors import InputError, NotFoundError
from index.services import browse, export
from index.services.hints import nearest_videos, search_hints
from index.services.library import MAX_EXPORT, SearchOptions, decide_link, filter_token, search
from index.web import curation
from index.web.api import check_query, settings_of
from index.web.charts import bar_chart, year_histogram
from index.web.downloads import DUTCH
from index.web.dutch import command_label, nl_date, nl_datetime, nl_number, nl_short_date
from index.web.querystate import MAX_PAGE, PAGE_SIZE, SearchState

router = APIRouter(include_in_schema=False)
EXPORT_LIMIT = MAX_EXPORT
FACET_NAMES = {"kind": "Soort", "theme": "Thema's", "company": "Bedrijven", "sector": "Sectoren", "case": "Casussen",
               "year": "Jaren"}


def render(request: Request, template: str, context: dict[str, Any], status_code: int = 200) -> Response:
    """A page from its template; every value is escaped by the template engine."""
    context.setdefault("state", SearchState())
    context.setdefault("curation", curation.enabled(request))
    context.setdefault("case_titles", {})
    return request.app.state.templates.TemplateResponse(request, template, context, status_code=status_code)


def _state(q: str, sort: str, page: int, inactive: str | None) -> SearchState:
    return SearchState(q=check_query(q).strip(), sort=sort, page=page, inactive=bool(inactive))


@router.get("/")
def search_page(request: Request, q: str = "", sort: Literal["relevance", "date"] = "relevance",
                p: int = Query(1, ge=1, le=MAX_PAGE), inactief: str | None = None) -> Response:
    """The search page: one box, facets, year histogram, clip cards, pages."""
    state = _state(q, sort, p, inactief)
    if not state.q:
        return render(request, "search.html", {"state": state, "result": None})
    result = search(settings_of(request), state.q, SearchOptions(limit=PAGE_SIZE, offset=state.offset,
                                                                 sort=state.sort,  # type: ignore[arg-type]
                                                                 include_inactive=state.inactive, html=True))
    years = year_histogram(result["facets"].get("year", {}), lambda y: state.add("year", y))
    pages = min(MAX_PAGE, -(-result["total"] // PAGE_SIZE))
    return render(request, "search.html", {"state": state, "result": result, "years": years, "pages": pages,
                                           "facet_names": FACET_NAMES,
                                           "case_titles": browse.case_titles(settings_of(request))})


@router.get("/export")
def export_results(request: Request, q: str, format: Literal["csv", "json", "md"] = "csv",
                   sort: Literal["relevance", "date"] = "relevance", inactief: str | None = None) -> Response:
    """The result list (up to 500) as a download that names the query, filters and index build time."""
    state = _state(q, sort, 1, inactief)
    result = search(settings_of(request), state.q, SearchOptions(limit=EXPORT_LIMIT, sort=state.sort,  # type: ignore[arg-type]
                                                                 include_inactive=state.inactive))
    cited = export.citable(settings_of(request), dict(result))
    # CSV and Markdown in Dutch, the CSV for Excel NL (index.web.downloads); JSON as the API gives it (English keys).
    if format == "json":
        body, media = export.to_json(cited), "application/json"
    else:
        body, media = (export.to_csv(cited, DUTCH), "text/csv") if format == "csv" \
            else (export.to_markdown(cited, DUTCH), "text/markdown")
    return Response(body, media_type=f"{media}; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="casearchive-zoekresultaten.{format}"'})


@router.get("/casus/{slug}")
def case_page(request: Request, slug: str) -> Response:
    """A case: text, themes, sector, sources, notes and linked videos with evidence; an unknown one is a 404
    naming the nearest cases by title."""
    settings = settings_of(request)
    try:
        view = browse.case_view(settings, slug)
    except NotFoundError as exc:
        return _not_found(request, exc, _nearest(request, "case", slug), browse.case_titles(settings))
    return render(request, "case.html", view)


@router.get("/video/{video_id}")
def video_page(request: Request, video_id: str, t: str = "") -> Response:
    """A video: metadata, embed, links with evidence, and its transcript clickable by time; ``?t=SECONDS``
    sets the player (and the embed code) to start at that moment."""
    settings = settings_of(request)
    try:
        view = browse.video_view(settings, video_id)
    except NotFoundError as exc:
        near = nearest_videos(settings.data_dir, video_id)
        return _not_found(request, exc, list(near), near)
    return render(request, "video.html", {**view, "start": start_second(t, view["video"].get("duration"))})


def start_second(t: str, duration: Any) -> int:
    """The second a ``?t=`` asks to play from: a whole number of seconds, at most the video's duration;
    anything else (a word, a sign, a fraction) plays from the start rather than failing the page."""
    if not t.isascii() or not t.isdigit():
        return 0
    second = int(t) if len(t) <= 9 else 10 ** 9  # Python refuses to read a number of thousands of digits
    return min(second, int(duration)) if isinstance(duration, (int, float)) and duration > 0 else second


@router.get("/bedrijf/{name}")
def company_page(request: Request, name: str) -> Response:
    """A company's cases and videos."""
    return _entity_page(request, "company", name)


@router.get("/thema/{name}")
def theme_page(request: Request, name: str) -> Response:
    """A theme's cases and videos."""
    return _entity_page(request, "theme", name)


def _entity_page(request: Request, kind: Literal["company", "theme"], name: str) -> Response:
    """A company's or theme's page; one the archive does not know is a 404 naming the nearest known ones
    (the suggestions a search on it gets)."""
    settings = settings_of(request)
    try:
        view = browse.entity_view(settings, kind, name, html=True)
    except NotFoundError as exc:
        return _not_found(request, exc, _nearest(request, kind, name), {})
    return render(request, "entity.html", {**view, "case_titles": browse.case_titles(settings)})


def _nearest(request: Request, kind: str, name: str) -> list[str]:
    """The known cases, companies or themes nearest to an unknown one: the suggestions a search on it gets."""
    return [s for hint in search_hints(settings_of(request).data_dir, filter_token(kind, name), None)
            if hint["kind"] == kind for s in hint["suggestions"]]


def _not_found(request: Request, exc: NotFoundError, nearest: list[str], titles: dict[str, str]) -> Response:
    """The 404 page for an unknown case, video, company or theme, naming the nearest known ones, each by
    its title when ``titles`` has one."""
    return render(request, "error.html", {"status": 404, "message": browse.redact(str(exc)), "reason": "NotFoundError",
                                          "nearest": nearest, "titles": titles}, status_code=404)


@router.get("/favicon.ico")
def favicon() -> Response:
    """Browsers ask for /favicon.ico whatever the page says: the site's icon."""
    return RedirectResponse("/static/favicon.svg", status_code=301)


@router.get("/status")
def status_page(request: Request) -> Response:
    """Counts, last run, quota units per day and items per run."""
    data = browse.status_view(settings_of(request))
    quota = sorted(data["status"]["quota_units_per_day"].items())[-30:]
    charts = {
        "quota": bar_chart([(nl_short_date(day), units["total"], None,
                             f"{nl_date(day)}: {nl_number(units['total'])} eenheden") for day, units in quota]),
        "runs": bar_chart([(str(i + 1), run["items"], None, f"{command_label(run['command'])} "
                            f"({nl_datetime(run['finished_at'])}): {nl_number(run['items'])} items")
                           for i, run in enumerate(data["runs"])]),
    }
    return render(request, "status.html", {**data, "charts": charts})


@router.post("/curatie")
def curate(request: Request, token: str = Form("", max_length=500), action: str = Form(..., max_length=700),
           back: str = Form("", max_length=300), note: str = Form("", max_length=500)) -> Response:
    """Confirm or reject one link (``action`` = ``decision|source|target``); back to the page it came from."""
    curation.check_token(request, token)
    decision, _, link = action.partition("|")
    source, _, target = link.partition("|")
    if decision not in ("confirmed", "rejected"):
        raise InputError("the decision is confirmed or rejected")
    decide_link(settings_of(request), source, target, decision, note or None)  # type: ignore[arg-type]
    kind, _, ident = back.partition(":")
    if kind == "case" and browse.CASE_SLUG.match(ident):
        where = f"/casus/{ident}"
    elif kind == "video" and browse.VIDEO_ID.match(ident):
        where = f"/video/{ident}"
    else:
        where = "/"
    return RedirectResponse(f"{where}?opgeslagen=1", status_code=303)
