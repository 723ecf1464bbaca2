"""Stored thumbnails in a real Chromium: before any click a results page, a case page and a video page ask
nothing of any host but this server (127.0.0.1), and after the click exactly the youtube-nocookie player
frame comes. The archive is the demo's, with thumbnails stored as ``harvest youtube`` stores them."""

from __future__ import annotations

import re
import shutil
from dataclasses import replace
from typing import Any, Iterator

import pytest

from archive.config import Settings
from archive.store import open_store
from archive.thumbnails import NS_THUMBNAIL
from archive.youtube import NS_VIDEO
from tests.fake_youtube import THUMBNAIL_JPEG
from tests.test_web import ALFA, SEED, web_demo  # noqa: F401  (web_demo is a fixture used here)
from tests.test_web_browser import (ARTIFACTS, CHROMIUM, browser, record_requests, serve_player_stub, served,  # noqa: F401
                                    shown_thumbnails, watch_problems)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="browser tests need Debian's chromium at /usr/bin/chromium"),
]
STORED_WIDTH = 16  # the JPEG fixture's width (the placeholder is 320)


@pytest.fixture(scope="module")
def stored(web_demo: Settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:  # noqa: F811
    """The demo's data with every video's thumbnail stored but one; the served address and that one's id."""
    data_dir = tmp_path_factory.mktemp("thumbs") / "data"
    shutil.copytree(web_demo.data_dir, data_dir)
    with open_store(data_dir) as store:
        videos = sorted(store.keys(NS_VIDEO))
        missing = next(v for v in videos if v != ALFA)
        for video_id in videos:
            if video_id != missing:
                store.put(NS_THUMBNAIL, video_id, THUMBNAIL_JPEG, url=f"https://i.ytimg.com/vi/{video_id}/mqdefault.jpg",
                          content_type="image/jpeg")
    with served(replace(web_demo, data_dir=data_dir)) as address:
        yield address, missing


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:  # noqa: F811
    """A fresh page whose requests are all recorded and none of which is cut off (the test checks them)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    tab.set_default_timeout(10_000)
    yield tab
    context.close()


@pytest.mark.parametrize("path", ["/?q=taakroulatie", f"/casus/{SEED}", f"/video/{ALFA}"])
def test_before_a_click_a_page_asks_only_this_server(page: Any, stored: tuple[str, str], path: str) -> None:
    site, missing = stored
    serve_player_stub(page)  # were anything to ask YouTube, the request would be seen, not sent
    seen = record_requests(page)
    problems = watch_problems(page)
    page.goto(site + path)
    shown = shown_thumbnails(page)
    assert shown, "no thumbnail on the page"
    elsewhere = [r.url for r in seen if not r.url.startswith(site + "/")]
    assert elsewhere == [], elsewhere
    for entry in shown:
        src, width = entry.rsplit(" ", 1)
        video = re.fullmatch(re.escape(site) + r"/thumbnails/([A-Za-z0-9_-]{11})\.jpg", src)
        assert video, src
        assert int(width) == (320 if video.group(1) == missing else STORED_WIDTH), entry  # the copy, or the placeholder
    assert page.locator("iframe").count() == 0 and not problems, problems


def test_after_the_click_exactly_the_privacy_enhanced_player_comes(page: Any, stored: tuple[str, str]) -> None:
    site, _ = stored
    serve_player_stub(page)
    seen = record_requests(page)
    page.goto(f"{site}/video/{ALFA}")
    page.wait_for_load_state("networkidle")
    poster = page.locator(".videohead .player.poster img.thumbnail")
    assert poster.get_attribute("src") == f"/thumbnails/{ALFA}.jpg"
    assert page.evaluate("document.querySelector('.videohead img.thumbnail').naturalWidth") == STORED_WIDTH
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "video-page-stored-thumbnail.png"))
    clicked = len(seen)
    page.locator(".videohead button.play").click()
    frame = page.locator(".videohead .player iframe")
    frame.wait_for()
    page.wait_for_load_state("networkidle")
    after = [r.url for r in seen[clicked:] if not r.url.startswith(site + "/")]
    assert after == [f"https://www.youtube-nocookie.com/embed/{ALFA}?start=0&autoplay=1"]
    assert page.locator("iframe").count() == 1


def test_a_results_page_with_stored_thumbnails(page: Any, stored: tuple[str, str]) -> None:
    site, _ = stored
    page.goto(f"{site}/?q=taakroulatie")
    shown = shown_thumbnails(page)
    assert sum(s.endswith(f" {STORED_WIDTH}") for s in shown) >= 3
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "thumbnails-stored.png"), full_page=True)
