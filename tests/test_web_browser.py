"""The site in a real headless Chromium (Debian's chromium, driven by Playwright): what people click."""

from __future__ import annotations

import re
import socket
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

import pytest

from archive.config import Settings
from index.web import create_app
from tests.test_web import ALFA, SEED, web_demo  # noqa: F401  (web_demo is a fixture used here)

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="browser tests need Debian's chromium at /usr/bin/chromium "
                                                     "(apt-get install chromium; .ci/run installs it)"),
]


@contextmanager
def served(settings: Settings) -> Iterator[str]:
    """The app over ``settings`` served by uvicorn on a free loopback port, in a thread; its address."""
    import uvicorn

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(create_app(settings), log_level="warning"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.02)
    assert server.started, "uvicorn did not start"
    yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    server.should_exit = True
    thread.join(timeout=10)
    sock.close()


@pytest.fixture(scope="module")
def site(web_demo: Settings) -> Iterator[str]:  # noqa: F811
    """The demo's app (no thumbnail stored: its videos are invented) on a loopback port, for this module."""
    with served(web_demo) as address:
        yield address


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Any, site: str) -> Iterator[Any]:
    """A fresh page that may load only our own site (anything else is cut off: tests stay offline)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True, base_url=site)
    context.route(re.compile(r"^(?!http://127\.0\.0\.1:).*"), lambda route: route.abort())
    tab = context.new_page()
    tab.set_default_timeout(10_000)
    yield tab
    context.close()


def test_search_from_the_box_shows_clip_cards(page: Any) -> None:
    page.goto("/")
    page.fill("input[name=q]", "taakroulatie")
    page.click("header button[type=submit]")
    page.wait_for_url(re.compile(r"/\?q=taakroulatie$"))
    assert page.locator("article.card").count() == 10
    assert page.locator("article.card mark").first.inner_text().lower() == "taakroulatie"
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "search-page.png"), full_page=True)


def test_clicking_a_facet_narrows_the_results(page: Any) -> None:
    page.goto("/?q=taakroulatie")
    before = int(page.locator(".summary strong").first.inner_text())
    page.locator('.facet[data-facet="company"] a', has_text="Alfa Laval").click()
    page.wait_for_url(re.compile(r"bedrijf%3A%22Alfa\+Laval%22"))
    after = int(page.locator(".summary strong").first.inner_text())
    assert 0 < after < before
    assert page.locator(".active-filters .chip").inner_text().startswith('bedrijf:"Alfa Laval"')
    assert page.input_value("input[name=q]") == 'taakroulatie bedrijf:"Alfa Laval"'


def test_a_clips_timestamp_link_points_at_the_moment(page: Any) -> None:
    page.goto("/?q=taakroulatie")
    card = page.locator("article.card", has=page.locator(f'h3 a[href="/video/{ALFA}"]'))
    moment = card.locator(".moments a.ts").first
    href = moment.get_attribute("href")
    assert re.fullmatch(rf"https://www\.youtube\.com/watch\?v={ALFA}&t=\d+s", href)
    seconds = int(href.rsplit("=", 1)[1][:-1])
    assert moment.inner_text() == f"▶ {seconds // 60}:{seconds % 60:02d}"
    embed = card.locator("input.embed-code").first.get_attribute("data-embed")
    assert re.fullmatch(rf"https://www\.youtube-nocookie\.com/embed/{ALFA}\?start=\d+", embed)


def test_a_case_opens_with_its_linked_videos(page: Any) -> None:
    page.goto("/?q=taakroulatie")
    page.locator(f'article.card h3 a[href="/casus/{SEED}"]').first.click()
    page.wait_for_url(f"**/casus/{SEED}")
    assert page.locator("h1").inner_text() == "Duurzaam meedoen in de Metalektro"
    linked = page.locator(".linked-videos .linked")
    assert linked.count() >= 5
    assert linked.locator(f'a[href="/video/{ALFA}"]').count() > 0
    assert "de casus linkt het kanaal" in page.locator(".linked-videos").inner_text()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "case-page.png"), full_page=True)


def test_the_result_list_exports_as_csv(page: Any) -> None:
    page.goto("/?q=taakroulatie+year%3A2013")
    with page.expect_download() as info:
        page.click("a.export-csv")
    download = info.value
    assert download.suggested_filename == "casearchive-zoekresultaten.csv"
    data = Path(download.path()).read_bytes()  # Dutch, for Excel NL: a BOM, ';' and CRLF
    assert data.startswith(b"\xef\xbb\xbf# zoekvraag: taakroulatie year:2013\r\n# filters: year:2013\r\n")
    text = data.decode("utf-8-sig")
    assert "# index gebouwd op " in text and "nr;soort;titel;adres" in text


def test_a_year_bar_filters_by_year(page: Any) -> None:
    page.goto("/?q=taakroulatie")
    page.locator('svg a.bar-link[href$="jaar%3A2014"]').click()
    page.wait_for_url(re.compile(r"jaar%3A2014$"))
    assert page.locator(".facet[data-facet=year] li").count() == 1


def test_a_bad_query_shows_a_friendly_message(page: Any) -> None:
    response = page.goto('/?q="open')
    assert response.status == 400
    assert "Deze vraag kunnen we niet uitvoeren" in page.locator("h1").inner_text()


# -- offline API docs, clips that play in the page, thumbnails that stand in ------------------------

PLAYER_STUB = ("<!doctype html><title>player</title><body style=\"background:#fff;font:20px sans-serif\">"
               "<p id=stub>stub player</p>")  # stands in for YouTube's player


def record_requests(page: Any) -> list[Any]:
    """Every request the page's context makes from now on (its frames' included), in order."""
    seen: list[Any] = []
    page.context.on("request", lambda request: seen.append(request))
    return seen


def serve_player_stub(page: Any) -> None:
    """Answer the privacy-enhanced player's address with a stub page (the test stays offline, the frame loads)."""
    page.route(re.compile(r"^https://www\.youtube-nocookie\.com/"),
               lambda route: route.fulfill(status=200, content_type="text/html", body=PLAYER_STUB))


def watch_problems(page: Any) -> list[str]:
    """Console errors and Content-Security-Policy violations of the page from now on."""
    problems: list[str] = []
    page.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" or "CSP" in msg.text else None)
    page.add_init_script("document.addEventListener('securitypolicyviolation', "
                         "e => console.log('CSP violation', e.violatedDirective, e.blockedURI))")
    return problems


def test_the_api_docs_render_and_run_with_the_network_off(page: Any, site: str) -> None:
    seen = record_requests(page)
    problems = watch_problems(page)
    page.goto("/docs")
    page.wait_for_selector(".opblock-summary-path")
    paths = page.locator(".opblock-summary-path").all_inner_texts()
    assert any(p.replace("\u200b", "") == "/api/search" for p in paths) and len(paths) >= 8
    assert page.locator(".info .title").inner_text().startswith("casearchive")
    page.locator(".opblock-summary", has_text="/api/search").first.click()  # the operation opens: the script runs
    page.click(".opblock.is-open button.try-out__btn")
    page.fill(".opblock.is-open input[placeholder=q]", "taakroulatie")
    page.click(".opblock.is-open button.execute")
    status = page.locator(".opblock.is-open .live-responses-table td.response-col_status:not(.col_header)")
    status.wait_for()
    assert status.inner_text() == "200"  # "Try it out" ran the search against this server
    assert not [r.url for r in seen if not r.url.startswith(site)], "a request left the machine"
    assert not problems, problems  # no CSP violation, no script failing to load
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "api-docs-offline.png"), full_page=False)


def test_a_clip_plays_in_the_page_from_its_moment_only_when_clicked(page: Any, site: str) -> None:
    serve_player_stub(page)
    seen = record_requests(page)
    page.goto("/?q=taakroulatie")
    page.wait_for_load_state("networkidle")
    card = page.locator("article.card", has=page.locator(f'h3 a[href="/video/{ALFA}"]'))
    card.scroll_into_view_if_needed()
    href = card.locator(".moments a.ts").first.get_attribute("href")
    seconds = int(href.rsplit("=", 1)[1][:-1])
    before = list(seen)
    # Before the click the page asked this server alone: its thumbnails are the archive's copies.
    assert not [r.url for r in before if not r.url.startswith(site + "/")], [r.url for r in before]
    assert any(re.search(r"/thumbnails/[A-Za-z0-9_-]{11}\.jpg$", r.url) for r in before)
    assert page.locator("iframe").count() == 0
    card.locator("button.play").click()
    frame = card.locator(".player iframe")
    frame.wait_for()
    src = frame.get_attribute("src")
    assert src == f"https://www.youtube-nocookie.com/embed/{ALFA}?start={seconds}&autoplay=1"
    assert frame.get_attribute("referrerpolicy") == "strict-origin-when-cross-origin"
    assert card.locator("button.play").count() == 0  # the control made way for the player
    # The CSP let the frame load: the stub player answered inside it.
    assert page.frame_locator(f'article.card iframe[src^="https://www.youtube-nocookie.com/embed/{ALFA}"]') \
        .locator("#stub").inner_text() == "stub player"
    assert [r.url for r in seen[len(before):] if not r.url.startswith(site + "/")] == [src]  # the player alone
    assert page.locator("iframe").count() == 1  # one clip plays, the other cards stay buttons
    ARTIFACTS.mkdir(exist_ok=True)
    card.screenshot(path=str(ARTIFACTS / "clip-playing.png"))


def test_the_video_page_plays_from_the_start_in_place_of_its_poster(page: Any, site: str) -> None:
    serve_player_stub(page)
    seen = record_requests(page)
    page.goto(f"/video/{ALFA}")
    page.wait_for_load_state("networkidle")
    assert not [r.url for r in seen if not r.url.startswith(site + "/")]  # nothing but this server before the click
    assert f"{site}/thumbnails/{ALFA}.jpg" in [r.url for r in seen]
    poster = page.locator(".videohead .player.poster")
    assert poster.locator("img.thumbnail").count() == 1
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "video-page-poster.png"))
    poster.locator("button.play").click()
    frame = page.locator(".videohead .player iframe")
    frame.wait_for()
    assert frame.get_attribute("src") == f"https://www.youtube-nocookie.com/embed/{ALFA}?start=0&autoplay=1"
    assert page.locator(".videohead .player img").count() == 0  # the poster made way for the player
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "video-page-playing.png"))


def shown_thumbnails(page: Any) -> list[str]:
    """The src of every thumbnail once each has been scrolled into view (lazy ones load then)."""
    for img in page.locator("img.thumbnail").all():
        img.scroll_into_view_if_needed()
    page.wait_for_load_state("networkidle")
    page.wait_for_function("[...document.querySelectorAll('img.thumbnail')].every(i => i.complete)")
    return page.eval_on_selector_all("img.thumbnail", "imgs => imgs.map(i => i.src + ' ' + i.naturalWidth)")


def test_a_video_without_a_stored_thumbnail_shows_the_local_placeholder(page: Any, site: str) -> None:
    page.goto("/?q=taakroulatie")  # the demo stores no thumbnail: /thumbnails/ID.jpg answers the placeholder
    shown = shown_thumbnails(page)
    assert len(shown) == page.locator("article.card.clip").count() >= 3
    assert all(re.fullmatch(re.escape(site) + r"/thumbnails/[A-Za-z0-9_-]{11}\.jpg 320", s) for s in shown), shown
    page.goto(f"/casus/{SEED}")
    assert all(s.endswith(".jpg 320") for s in shown_thumbnails(page))
    ARTIFACTS.mkdir(exist_ok=True)
    page.goto("/?q=taakroulatie")
    shown_thumbnails(page)
    page.screenshot(path=str(ARTIFACTS / "thumbnails-offline.png"))


def test_a_thumbnail_that_cannot_load_gives_way_to_the_placeholder(page: Any, site: str) -> None:
    page.route(re.compile(re.escape(site) + r"/thumbnails/"), lambda route: route.abort())  # the server gone
    page.goto("/?q=taakroulatie")
    shown = shown_thumbnails(page)
    assert len(shown) == page.locator("article.card.clip").count() >= 3
    assert all(s == f"{site}/static/thumbnail.svg 320" for s in shown), shown  # static/app.js put it there
    assert page.locator("img.placeholder").count() == len(shown)
