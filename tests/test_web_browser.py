"""The site in a real headless Chromium (Debian's chromium, driven by Playwright): what people click."""

from __future__ import annotations

import re
import socket
import threading
import time
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


@pytest.fixture(scope="module")
def site(web_demo: Settings) -> Iterator[str]:  # noqa: F811
    """The app served by uvicorn on a free loopback port, in a thread, for this module."""
    import uvicorn

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(create_app(web_demo), log_level="warning"))
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
def browser() -> Iterator[Any]:
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Any, site: str) -> Iterator[Any]:
    """A fresh page that may load only our own site (thumbnails from YouTube are cut off: tests stay offline)."""
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
    page.wait_for_url(re.compile(r"company%3A%22Alfa\+Laval%22"))
    after = int(page.locator(".summary strong").first.inner_text())
    assert 0 < after < before
    assert page.locator(".active-filters .chip").inner_text().startswith('company:"Alfa Laval"')
    assert page.input_value("input[name=q]") == 'taakroulatie company:"Alfa Laval"'


def test_a_clips_timestamp_link_points_at_the_moment(page: Any) -> None:
    page.goto("/?q=taakroulatie")
    card = page.locator("article.card", has=page.locator(f'h3 a[href="/video/{ALFA}"]'))
    moment = card.locator(".moments a.ts").first
    href = moment.get_attribute("href")
    assert re.fullmatch(rf"https://www\.youtube\.com/watch\?v={ALFA}&t=\d+s", href)
    seconds = int(href.rsplit("=", 1)[1][:-1])
    assert moment.inner_text() == f"▶ {seconds // 60}:{seconds % 60:02d}"
    embed = card.locator("input.embed-code").first.get_attribute("data-embed")
    assert re.fullmatch(rf"https://www\.youtube\.com/embed/{ALFA}\?start=\d+", embed)


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
    text = Path(download.path()).read_text(encoding="utf-8")
    assert text.startswith("# query: taakroulatie year:2013\n# filters: year:2013\n")
    assert "# index built at: 20" in text and "rank,kind,title,url" in text


def test_a_year_bar_filters_by_year(page: Any) -> None:
    page.goto("/?q=taakroulatie")
    page.locator('svg a.bar-link[href$="year%3A2014"]').click()
    page.wait_for_url(re.compile(r"year%3A2014$"))
    assert page.locator(".facet[data-facet=year] li").count() == 1


def test_a_bad_query_shows_a_friendly_message(page: Any) -> None:
    response = page.goto('/?q="open')
    assert response.status == 400
    assert "Deze vraag kunnen we niet uitvoeren" in page.locator("h1").inner_text()
