"""The web server through FastAPI's test client: every page, its JSON twin, bad input and safety."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, Iterator

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from archive.config import Settings
from archive.ocr import engine as ocr_engine
from index.engine.build import write_index
from index.cli import cli
from index.services.demo import demo_settings, run_demo
from index.linking.links import LinkSet, load_decisions
from index.engine.schema import Unit
from index.web import create_app

SEED = "duurzaam-meedoen-in-de-metalektro"
ALFA = "ZhyiA4uoRgn"  # the sample's Alfa Laval video, with a transcript
TOKEN = "curation-token-for-tests-1234"
API_KEY = "AIzaSyTESTKEYthatmustneverappear000000"


@pytest.fixture(scope="session")
def web_demo(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """The demo's SAMPLE archive and index, built once for all web tests (read-only for them)."""
    data_dir = tmp_path_factory.mktemp("web") / "demo-data"
    run_demo(data_dir)
    return demo_settings(data_dir)


@pytest.fixture
def client(web_demo: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(web_demo)) as test_client:
        yield test_client


def api_twin_pairs() -> list[tuple[str, str]]:
    return [("/?q=taakroulatie", "/api/search?q=taakroulatie"),
            (f"/casus/{SEED}", f"/api/cases/{SEED}"),
            (f"/video/{ALFA}", f"/api/videos/{ALFA}"),
            ("/bedrijf/Alfa%20Laval", "/api/companies/Alfa%20Laval"),
            ("/thema/Duurzame%20inzetbaarheid", "/api/themes/Duurzame%20inzetbaarheid"),
            ("/status", "/api/status")]


@pytest.mark.parametrize(("page", "api"), api_twin_pairs())
def test_every_page_has_a_json_twin(client: TestClient, page: str, api: str) -> None:
    html = client.get(page)
    assert html.status_code == 200 and html.headers["content-type"].startswith("text/html")
    assert '<html lang="nl">' in html.text
    data = client.get(api)
    assert data.status_code == 200 and data.headers["content-type"] == "application/json"
    assert data.json()


def test_api_search_is_the_same_object_as_search_format_json(client: TestClient, web_demo: Settings) -> None:
    taxonomy = str(web_demo.taxonomy)
    cli_out = CliRunner().invoke(cli, ["--data", str(web_demo.data_dir), "search", "--format", "json", "--limit", "5",
                                       "--taxonomy", taxonomy, 'taakroulatie company:"Alfa Laval"'])
    assert cli_out.exit_code == 0, cli_out.output
    api = client.get("/api/search", params={"q": 'taakroulatie company:"Alfa Laval"', "limit": 5}).json()
    cli_json = json.loads(cli_out.output)
    assert api == {k: v for k, v in cli_json.items() if k != "rows"}  # the CLI adds the cited rows of an export
    assert {"query", "total", "index_built_at", "results", "facets"} <= set(api)


def test_search_page_shows_clip_cards_with_moments_and_an_embed(client: TestClient) -> None:
    page = client.get("/", params={"q": "taakroulatie"}).text
    assert "<mark>taakroulatie</mark>" in page
    card = page[page.index(f'href="/video/{ALFA}"'):]
    assert re.search(rf'href="https://www\.youtube\.com/watch\?v={ALFA}&amp;t=\d+s"', card)
    assert re.search(rf"https://www\.youtube-nocookie\.com/embed/{ALFA}\?start=\d+", card)
    assert f"/thumbnails/{ALFA}.jpg" in page and "4:44" in page  # thumbnail (this server's copy), m:ss
    assert f'href="/casus/{SEED}"' in page and 'href="/bedrijf/Alfa%20Laval"' in page
    # Only passages where the words are said are moments; this video says one of these words in five.
    many = client.get("/", params={"q": "werk OR rug OR taakroulatie OR competentiematrix"}).text
    assert "+1 meer momenten" in many


def test_facets_filter_by_click_and_keep_the_query_state(client: TestClient) -> None:
    page = client.get("/", params={"q": "taakroulatie", "sort": "date"}).text
    link = re.search(r'href="(/\?q=taakroulatie\+bedrijf%3A%22Alfa\+Laval%22&amp;sort=date)"', page)
    assert link, "a facet link adds the filter and keeps the sort order"
    narrowed = client.get(link.group(1).replace("&amp;", "&")).text
    assert 'bedrijf:&#34;Alfa Laval&#34; ✕' in narrowed or "bedrijf:&quot;Alfa Laval&quot; ✕" in narrowed
    assert re.search(r"<strong>\d+</strong> resultat", narrowed)


def test_the_year_histogram_is_svg_whose_bars_filter_by_year(client: TestClient) -> None:
    page = client.get("/", params={"q": "taakroulatie"}).text
    svg = page[page.index("<svg"):page.index("</svg>")]
    assert '<a href="/?q=taakroulatie+jaar%3A2013" class="bar-link">' in svg
    assert "<rect" in svg


def test_pages_of_results_and_sort_by_date(client: TestClient) -> None:
    first = client.get("/api/search", params={"q": "kind:video", "limit": 10}).json()
    assert first["total"] > 10, "the sample has enough passages to page"
    page2 = client.get("/", params={"q": "kind:video", "p": 2}).text
    assert "<strong>2</strong>" in page2 and 'rel="prev"' in page2
    by_date = client.get("/api/search", params={"q": "taakroulatie", "sort": "date"}).json()
    dates = [r["date"] or "" for r in by_date["results"]]
    assert dates == sorted(dates, reverse=True)


def test_the_empty_search_page_explains_the_query_language(client: TestClient) -> None:
    page = client.get("/").text
    assert "Zoek in het casearchief" in page and "company:" in page


@pytest.mark.parametrize("query", ['"taakroulatie', "(roulatie", "year:abc", "kind:boek", "x*", "onbekend:veld"])
def test_a_malformed_query_is_a_friendly_page_and_a_400(client: TestClient, query: str) -> None:
    page = client.get("/", params={"q": query})
    assert page.status_code == 400
    assert "Deze vraag kunnen we niet uitvoeren" in page.text and "Traceback" not in page.text
    api = client.get("/api/search", params={"q": query})
    assert api.status_code == 400
    assert set(api.json()) == {"error"} and api.json()["error"]["status"] == 400
    assert "\n" not in api.json()["error"]["message"]


def test_a_huge_query_is_refused_not_run(client: TestClient) -> None:
    for size in (600, 50_000):
        huge = "taakroulatie " * (size // 13)
        assert client.get("/", params={"q": huge}).status_code == 400
        api = client.get("/api/search", params={"q": huge})
        assert api.status_code == 400 and "too long" in api.json()["error"]["message"]


def test_bad_parameters_are_400_in_the_one_error_shape(client: TestClient) -> None:
    for url in ("/api/search", "/api/search?q=x&limit=abc", "/api/search?q=x&sort=best", "/?q=x&p=0"):
        response = client.get(url)
        assert response.status_code == 400, url
    assert client.get("/api/search?q=x&limit=0").json()["error"]["status"] == 400


def test_case_page_shows_text_notes_and_linked_videos_with_evidence(client: TestClient) -> None:
    page = client.get(f"/casus/{SEED}").text
    assert "<h1>Duurzaam meedoen in de Metalektro</h1>" in page
    assert "taakroulatie" in page and "Metalektro (HTSM)" in page and "multimedia" in page
    assert 'href="/thema/Duurzame%20inzetbaarheid"' in page
    assert re.search(r'href="https://kennisbank\.example/media/bijlagen/[^"]+\.pdf#page=2"', page)
    assert "Gekoppelde video’s (" in page and f'href="/video/{ALFA}"' in page
    assert "de casus linkt het kanaal en de video noemt het bedrijf" in page  # the evidence of a link, in Dutch
    data = client.get(f"/api/cases/{SEED}").json()
    assert data["case"]["id"] == SEED and ALFA in {v["video_id"] for v in data["videos"]}
    assert all(v["link"]["evidence"] for v in data["videos"])


def test_video_page_has_its_transcript_clickable_by_time(client: TestClient) -> None:
    page = client.get(f"/video/{ALFA}").text
    assert "Alfa Laval: taakroulatie en de competentiematrix" in page
    assert re.search(rf'<a class="ts" href="/video/{ALFA}\?t=25#speler">0:25</a>', page)  # played in the page
    assert f"https://www.youtube-nocookie.com/embed/{ALFA}?start=0" in page
    assert f'href="/casus/{SEED}">Duurzaam meedoen in de Metalektro</a>' in page
    data = client.get(f"/api/videos/{ALFA}").json()
    cues = [c for p in data["transcripts"][0]["passages"] for c in p["cues"]]
    assert cues and all(c["url"].endswith(f"&t={c['start']}s") for c in cues)


def test_company_and_theme_pages_list_cases_and_videos(client: TestClient) -> None:
    page = client.get("/bedrijf/Alfa Laval").text
    assert "Bedrijf: Alfa Laval" in page and f'href="/video/{ALFA}"' in page and f'href="/casus/{SEED}"' in page
    theme = client.get("/api/themes/Duurzame inzetbaarheid").json()
    assert theme["search"]["query"] == 'theme:"Duurzame inzetbaarheid"' and theme["search"]["total"] > 0


@pytest.mark.parametrize("url", ["/casus/bestaat-niet", "/api/cases/bestaat-niet", "/video/AAAAAAAAAAA",
                                 "/api/videos/AAAAAAAAAAA", "/bedrijf/Bestaat Niet BV", "/api/themes/Geen thema",
                                 "/nergens", "/api/nergens"])
def test_unknown_ids_are_404_in_both(client: TestClient, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 404
    if "/api/" in url:
        assert response.json()["error"]["status"] == 404
    else:
        assert "Niet gevonden" in response.text


@pytest.mark.parametrize("url", ["/casus/..%2F..%2F..%2Fetc%2Fpasswd", "/casus/.%2E", "/casus/..%5Cwin.ini",
                                 "/casus/Hoofdletters",
                                 "/api/cases/..%2Farchive%2Fcatalog.sqlite", "/video/..%2F..%2Fetc%2Fpasswd",
                                 "/api/videos/..%2F..%2Fxxxxx", "/video/abc", "/casus/%2e%2e%2f%2e%2e",
                                 "/bedrijf/..%2F..%2Fetc", "/api/companies/a%22%20OR%20b"])
def test_ids_with_path_tricks_are_refused_before_any_read(client: TestClient, url: str,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    def no_read(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("an invalid id reached the library")

    for name in ("describe", "search"):
        monkeypatch.setattr(f"index.services.browse.{name}", no_read)
    response = client.get(url)
    assert response.status_code in (400, 404)
    assert "root:" not in response.text and "SQLite" not in response.text


def test_status_page_draws_quota_and_runs_as_svg(client: TestClient) -> None:
    page = client.get("/status").text
    assert page.count("<svg") == 2 and "YouTube-quota per dag" in page and "harvest youtube" in page
    data = client.get("/api/status").json()
    # The demo's runs: site, youtube, transcripts, and its index build (83 units, 84 with the scan read by OCR).
    assert data["status"]["quota_units_per_day"] and [r["items"] for r in data["runs"]] == [
        27, 17, 4, 84 if ocr_engine() else 83]


def test_healthz_is_200_with_an_index_and_503_without(client: TestClient, tmp_path: Path) -> None:
    assert client.get("/healthz").json()["status"] == "ok"
    empty = TestClient(create_app(Settings(data_dir=tmp_path / "empty")))
    response = empty.get("/healthz")
    assert response.status_code == 503 and response.json()["error"]["status"] == 503
    page = empty.get("/", params={"q": "taakroulatie"})
    assert page.status_code == 503 and "De zoekindex is niet beschikbaar" in page.text


def test_the_openapi_document_describes_the_api(client: TestClient) -> None:
    doc = client.get("/openapi.json").json()
    assert {"/api/search", "/api/cases/{slug}", "/api/videos/{video_id}", "/api/status", "/healthz",
            "/api/links/decisions"} <= set(doc["paths"])
    assert "/casus/{slug}" not in doc["paths"]  # the pages are not the API


def test_exports_say_what_was_searched_and_when_the_index_was_built(client: TestClient) -> None:
    csv = client.get("/export", params={"q": "taakroulatie year:2013", "format": "csv"})
    assert csv.headers["content-type"].startswith("text/csv") and "attachment" in csv.headers["content-disposition"]
    lines = csv.text.removeprefix("\ufeff").splitlines()  # the site's CSV is Dutch, for Excel NL
    assert lines[0] == "# zoekvraag: taakroulatie year:2013" and lines[1] == "# filters: year:2013"
    assert lines[3].startswith("# index gebouwd op ") and lines[4].startswith("nr;soort;titel;adres")
    data = client.get("/export", params={"q": "taakroulatie year:2013", "format": "json"}).json()
    assert data["parsed"]["filters"] == ["year:2013"] and data["index_built_at"] \
        and len(data["results"]) == data["total"]
    assert client.get("/export", params={"q": '"open', "format": "csv"}).status_code == 400


def test_an_internal_error_is_a_500_without_a_traceback(web_demo: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: Any) -> None:
        raise RuntimeError("boom in /secret/path")

    monkeypatch.setattr("index.services.browse.collect_status", broken)
    with TestClient(create_app(web_demo), raise_server_exceptions=False) as test_client:
        api = test_client.get("/api/status")
        page = test_client.get("/status")
    assert api.status_code == 500 \
        and api.json() == {"error": {"status": 500, "message": "internal error (see the server log)"}}
    assert page.status_code == 500 and "Er ging iets mis" in page.text and "/secret/path" not in page.text


def test_pages_carry_a_content_security_policy(client: TestClient) -> None:
    headers = client.get("/").headers
    assert "script-src 'self'" in headers["content-security-policy"] and headers["x-content-type-options"] == "nosniff"


# -- escaping: titles and descriptions come from the internet -------------------------------------

EVIL = '<script>alert("x")</script><img src=x onerror=alert(1)>'


@pytest.fixture
def evil_client(tmp_path: Path) -> TestClient:
    """An index whose titles, texts, names and URLs are hostile."""
    units = [
        Unit(id="case:evil-case", kind="case", parent="case:evil-case", source="test:evil", title=f"Kwaad {EVIL}",
             content=f"taakroulatie {EVIL} taakroulatie", url="javascript:alert(1)", case_ids=["evil-case"],
             companies=[f"Evil {EVIL}"], themes=["Duurzame inzetbaarheid"], year=2013),
        Unit(id="video:EvilEvil123", kind="video", parent="video:EvilEvil123", source="test:evil",
             title=f"Video {EVIL}", content=f"taakroulatie {EVIL}", url="https://www.youtube.com/watch?v=EvilEvil123",
             case_ids=["evil-case"], year=2014, date="2014-02-01T00:00:00Z",
             extra={"video_id": "EvilEvil123", "thumbnail": "javascript:alert(2)", "duration": 61,
                    "channel_title": EVIL}),
    ]
    data_dir = tmp_path / "evil"
    write_index(data_dir, units, LinkSet())
    return TestClient(create_app(Settings(data_dir=data_dir)))


def test_hostile_titles_and_texts_are_escaped_on_every_page(evil_client: TestClient) -> None:
    for url in ("/?q=taakroulatie", "/?q=taakroulatie&sort=date", "/thema/Duurzame inzetbaarheid"):
        page = evil_client.get(url).text
        assert "<script>alert" not in page and "<img src=x" not in page, url
        assert "&lt;script&gt;alert(" in page
        assert "javascript:" not in page  # unsafe URLs become '#'
    api = evil_client.get("/api/search", params={"q": "taakroulatie"}).json()
    assert any(EVIL in r["title"] for r in api["results"])  # the API gives the data as it is


def test_a_hostile_video_title_is_escaped_on_the_video_page(client: TestClient,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    from index.services import browse

    real = browse.describe

    def hostile(settings: Settings, item_id: str, **options: Any) -> dict[str, Any]:
        data = real(settings, item_id, **options)
        return {**data, "title": EVIL, "description": EVIL, "channel_title": EVIL, "tags": [EVIL]}

    monkeypatch.setattr(browse, "describe", hostile)
    page = client.get(f"/video/{ALFA}").text
    assert "<script>alert" not in page and "&lt;script&gt;" in page


def test_no_secret_appears_on_any_page(web_demo: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("YOUTUBE_API_KEY", API_KEY)
    with TestClient(create_app(web_demo, curation_token=TOKEN)) as test_client:
        for page, api in api_twin_pairs() + [("/", "/openapi.json")]:
            for url in (page, api):
                body = test_client.get(url).text
                assert API_KEY not in body and TOKEN not in body, url


# -- curation ---------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def curation_demo(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """A demo archive of its own: curation writes decisions into it."""
    data_dir = tmp_path_factory.mktemp("curation") / "demo-data"
    run_demo(data_dir)
    return demo_settings(data_dir)


def test_curation_is_off_without_a_token(client: TestClient, web_demo: Settings) -> None:
    assert "Bevestigen" not in client.get(f"/casus/{SEED}").text
    form = {"token": "", "action": f"rejected|video:{ALFA}|case:{SEED}", "back": f"case:{SEED}"}
    assert client.post("/curatie", data=form).status_code == 403
    api = client.post("/api/links/decisions", json={"source": f"video:{ALFA}", "target": f"case:{SEED}",
                                                    "decision": "rejected"}, headers={"Authorization": "Bearer x"})
    assert api.status_code == 403 and api.json()["error"]["status"] == 403
    assert not load_decisions(web_demo.data_dir)


def test_curation_with_the_token_stores_the_decision_where_links_does(curation_demo: Settings) -> None:
    with TestClient(create_app(curation_demo, curation_token=TOKEN)) as test_client:
        page = test_client.get(f"/casus/{SEED}").text
        assert f'value="rejected|video:{ALFA}|case:{SEED}"' in page and 'name="token"' in page
        form = {"token": "wrong", "action": f"rejected|video:{ALFA}|case:{SEED}", "back": f"case:{SEED}"}
        assert test_client.post("/curatie", data=form).status_code == 403
        done = test_client.post("/curatie", data={**form, "token": TOKEN, "note": "alleen genoemd"},
                                follow_redirects=False)
        assert done.status_code == 303 and done.headers["location"] == f"/casus/{SEED}?opgeslagen=1"
        after = test_client.get(done.headers["location"]).text
        assert "Besluit opgeslagen" in after and "geldt vanaf de volgende indexbouw" in after
        api = test_client.post("/api/links/decisions", headers={"Authorization": f"Bearer {TOKEN}"},
                               json={"source": f"video:{ALFA}", "target": "company:Alfa Laval",
                                     "decision": "confirmed"})
        assert api.status_code == 200 and api.json()["decision"] == "confirmed"
        bad = test_client.post("/api/links/decisions", headers={"Authorization": f"Bearer {TOKEN}"},
                               json={"source": "elsewhere", "target": "case:x", "decision": "confirmed"})
        assert bad.status_code == 400
    decisions = load_decisions(curation_demo.data_dir)
    assert decisions[(f"video:{ALFA}", f"case:{SEED}")]["decision"] == "rejected"
    assert decisions[(f"video:{ALFA}", f"case:{SEED}")]["note"] == "alleen genoemd"
    assert decisions[(f"video:{ALFA}", "company:Alfa Laval")]["decision"] == "confirmed"


# -- the CLI ----------------------------------------------------------------------------------------

def test_serve_runs_uvicorn_with_the_token_from_the_named_variable(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    seen: dict[str, Any] = {}
    monkeypatch.setattr("uvicorn.Server.run", lambda server: seen.update(config=server.config))
    monkeypatch.setenv("MY_TOKEN", TOKEN)
    result = CliRunner().invoke(cli, ["--data", str(tmp_path), "serve", "--port", "8123",
                                      "--curation-token-env", "MY_TOKEN"])
    assert result.exit_code == 0, result.output
    assert seen["config"].host == "127.0.0.1" and seen["config"].port == 8123
    assert seen["config"].app.state.curation_token == TOKEN and TOKEN not in result.output
    assert "http://127.0.0.1:8123/" in result.output and "curation on" in result.output


def test_demo_ends_by_telling_how_to_open_the_site(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["--data", str(tmp_path / "demo-data"), "demo"])
    assert result.exit_code == 0, result.output
    tail = result.output.rstrip().splitlines()[-2:]
    assert "serve" in tail[0] and "http://127.0.0.1:8000/" in tail[1]


@pytest.mark.parametrize("path, status", [("/", 200), ("/?q=taakroulatie", 200), (f"/casus/{SEED}", 200),
                                          ("/api/search?q=taakroulatie", 200), ("/static/app.js", 200),
                                          ("/casus/bestaat-niet", 404)])
def test_head_is_answered_as_get_without_a_body(client: TestClient, path: str, status: int) -> None:
    """An uptime check (`curl -I /`) or a link checker asks HEAD; it got 405 from every page."""
    got, head = client.get(path), client.head(path)
    assert got.status_code == head.status_code == status and head.content == b""
    assert head.headers["content-type"] == got.headers["content-type"]
    assert head.headers.get("content-security-policy") == got.headers.get("content-security-policy")
    assert client.post("/").status_code == 405  # only HEAD is added, no other method
