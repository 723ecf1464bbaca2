"""What the pages ask of the internet, through FastAPI's test client: the API docs from local files,
the one frame origin the CSP allows (YouTube's privacy-enhanced player), click-to-play controls
in place of frames, thumbnails from this server (the archive's copies) and the local placeholder.
The browser tests (test_web_browser.py) show the same in Chromium with the network cut off."""

from __future__ import annotations

import base64
import hashlib
import re
from html.parser import HTMLParser
from typing import Iterator

import pytest
from fastapi.testclient import TestClient

from archive.config import Settings
from index.web import create_app
from tests.test_web import ALFA, EVIL, evil_client, web_demo  # noqa: F401  (fixtures used here)

PLAYER = "https://www.youtube-nocookie.com"


@pytest.fixture
def client(web_demo: Settings) -> Iterator[TestClient]:  # noqa: F811
    with TestClient(create_app(web_demo)) as test_client:
        yield test_client


class Tags(HTMLParser):
    """Each start tag of a page as (tag, attributes)."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[str] = []
        self._in_script = False
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script" and not dict(attrs).get("src")

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.scripts.append(data)
            self._in_script = False


def policy(header: str) -> dict[str, list[str]]:
    """A Content-Security-Policy header as {directive: sources}."""
    parts = (d.split() for d in header.split(";") if d.strip())
    return {p[0]: p[1:] for p in parts}


def test_pages_may_frame_only_the_privacy_enhanced_player(client: TestClient) -> None:
    for url in ("/", "/?q=taakroulatie", f"/video/{ALFA}", "/status", "/?q=%22open"):
        csp = policy(client.get(url).headers["content-security-policy"])
        assert csp["frame-src"] == [PLAYER], url
        assert csp["script-src"] == ["'self'"] and csp["style-src"] == ["'self'"], url
        assert csp["img-src"] == ["'self'", "data:"], url  # thumbnails too come from this server
        assert csp["default-src"] == ["'self'"] and csp["frame-ancestors"] == ["'none'"], url
        assert set(csp) == {"default-src", "img-src", "style-src", "script-src", "frame-src", "frame-ancestors",
                            "base-uri", "form-action"}, url


def test_the_api_docs_load_only_files_of_this_server(client: TestClient) -> None:
    page = client.get("/docs")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    tags = Tags(page.text)
    local = [a.get("src") or a.get("href") for t, a in tags.tags if t in ("script", "link") and (a.get("src") or
                                                                                              a.get("href"))]
    assert sorted(local) == ["/docs/static/favicon.png", "/docs/static/swagger-ui-bundle.js",
                             "/docs/static/swagger-ui.css"]
    assert "cdn." not in page.text and "http://" not in page.text and "https://" not in page.text
    for url, kind in zip(sorted(local), ("image/png", "text/javascript", "text/css")):
        asset = client.get(url)
        assert asset.status_code == 200 and asset.headers["content-type"].startswith(kind), url
        assert len(asset.content) > 1000, url
    assert b"SwaggerUIBundle" in client.get("/docs/static/swagger-ui-bundle.js").content
    assert client.get("/openapi.json").json()["paths"]["/api/search"]
    assert client.get("/redoc").status_code == 404  # it would load ReDoc from a CDN: not served


def test_the_api_docs_policy_admits_exactly_their_one_inline_script(client: TestClient) -> None:
    page = client.get("/docs")
    csp = policy(page.headers["content-security-policy"])
    scripts = Tags(page.text).scripts
    assert len(scripts) == 1 and "SwaggerUIBundle(" in scripts[0]
    digest = base64.b64encode(hashlib.sha256(scripts[0].encode()).digest()).decode()
    assert csp["script-src"] == ["'self'", f"'sha256-{digest}'"]
    assert "'unsafe-inline'" not in csp["script-src"] and csp["default-src"] == ["'self'"]
    assert "frame-src" not in csp and csp["img-src"] == ["'self'", "data:"] and csp["style-src"] == ["'self'"]
    assert '"validatorUrl": null' in scripts[0]  # Swagger UI asks no online validator about the document


def clip_cards(html: str) -> list[str]:
    """The HTML of each clip card of a result page."""
    return re.findall(r'<article class="card clip[^"]*".*?</article>', html, re.S)


def test_each_clip_card_has_a_play_button_at_its_moment_and_no_frame(client: TestClient) -> None:
    html = client.get("/?q=taakroulatie").text
    assert not [t for t, _ in Tags(html).tags if t == "iframe"]  # the player comes only with a click (static/app.js)
    cards = clip_cards(html)
    assert len(cards) >= 3
    for card in cards:
        video = re.search(r'href="/video/([A-Za-z0-9_-]{11})"', card).group(1)
        moment = re.search(r'class="ts" href="https://www\.youtube\.com/watch\?v=[^&]+&amp;t=(\d+)s"', card)
        start = int(moment.group(1)) if moment else 0
        buttons = re.findall(r'<button type="button" class="play" data-player="([^"]+)"', card)
        assert buttons == [f"{PLAYER}/embed/{video}?start={start}"], card
        assert f'<img class="thumbnail" src="/thumbnails/{video}.jpg"' in card
    alfa = next(c for c in cards if f"/video/{ALFA}" in c)
    assert "?start=0" not in alfa and f"{PLAYER}/embed/{ALFA}?start=71" in alfa  # the matching second, not 0


def test_the_video_page_plays_from_the_start_over_its_thumbnail(client: TestClient) -> None:
    html = client.get(f"/video/{ALFA}").text
    assert not [t for t, _ in Tags(html).tags if t == "iframe"]
    poster = re.search(r'<div class="player poster">(.*?)</div>', html, re.S).group(1)
    assert f'src="/thumbnails/{ALFA}.jpg"' in poster and "ytimg" not in html
    assert f'data-player="{PLAYER}/embed/{ALFA}?start=0"' in poster and ">▶ Afspelen</button>" in poster


def test_a_thumbnail_with_no_usable_address_is_the_placeholder(evil_client: TestClient) -> None:  # noqa: F811
    html = evil_client.get("/?q=taakroulatie").text
    card = next(c for c in clip_cards(html) if "EvilEvil123" in c)
    assert '<img class="thumbnail" src="/static/thumbnail.svg"' in card  # its thumbnail was javascript:…
    assert "javascript:" not in card and "<script>alert" not in card
    assert 'data-title="Video &lt;script&gt;alert(&#34;x&#34;)' in card  # the title escaped in the attribute
    placeholder = evil_client.get("/static/thumbnail.svg")
    assert placeholder.status_code == 200 and placeholder.headers["content-type"].startswith("image/svg+xml")
