"""Shared fixtures for the platform tests: the sample platform served over local HTTP."""

from __future__ import annotations

import re
import shutil
import time
from dataclasses import replace
from pathlib import Path
from typing import Any, Iterator
from urllib.parse import urlsplit

import pytest

from archive.config import Settings, SiteSettings
from archive.sample_server import SamplePlatformServer, sample_platform_dir

SEED_ID = "duurzaam-meedoen-in-de-metalektro"
OLD_PATH = "/nl/kennis/kennisbank/werkoverleg-nieuwe-stijl-bij-installatiebedrijf-de-groot/1187"


class FakeClock:
    """A monotonic clock that only moves when the code under test sleeps."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def page_path(case_id: str) -> str:
    """The URL path of a sample case page."""
    return OLD_PATH if case_id == "werkoverleg-nieuwe-stijl-bij-installatiebedrijf-de-groot" else f"/kennis/{case_id}/"


def read_page(case_id: str) -> bytes:
    """The stored HTML of a sample case page."""
    return (sample_platform_dir() / page_path(case_id).strip("/") / "index.html").read_bytes()


@pytest.fixture
def platform_copy(tmp_path: Path) -> Path:
    """A private copy of the sample platform that a test may change."""
    target = tmp_path / "platform"
    shutil.copytree(sample_platform_dir(), target)
    return target


@pytest.fixture
def server() -> Iterator[SamplePlatformServer]:
    """The sample platform served as it ships."""
    with SamplePlatformServer() as running:
        yield running


@pytest.fixture
def copy_server(platform_copy: Path) -> Iterator[SamplePlatformServer]:
    """The private copy of the sample platform, served."""
    with SamplePlatformServer(platform_copy) as running:
        yield running


class HostileSiteServer(SamplePlatformServer):
    """The sample server plus the ways a site leads a crawler astray: redirects, a drip, a trap.

    Invented forms (no public example needed: they are plain HTTP): a 30x to another port or
    path, a body sent one byte every few milliseconds (a "slow loris" answer), and a listing
    whose every page links a next page (calendars and faceted searches do this).
    """

    TRAP = re.compile(r"^/kalender/(?:page/(\d+)/)?$")

    def __init__(self, root: Path | None = None, trap_pages: int = 150) -> None:
        self.redirects: dict[str, tuple[int, str]] = {}
        self.drips: dict[str, tuple[bytes, float]] = {}
        self.trap_pages = trap_pages
        super().__init__(root)

    def redirect(self, path: str, location: str, status: int = 302) -> None:
        """Answer ``path`` with a redirect to ``location``."""
        self.redirects[path] = (status, location)

    def drip(self, path: str, body: bytes, every: float, head: bool = False) -> None:
        """Answer ``path`` with ``body`` one byte every ``every`` seconds (``head``: the headers too)."""
        self.drips[path] = (body, every, head)

    def _handler(self) -> type[Any]:
        base = super()._handler()
        server = self

        class Hostile(base):  # type: ignore[misc, valid-type]
            def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
                path = urlsplit(self.path).path
                trap = server.TRAP.match(path)
                if path in server.redirects or path in server.drips or trap:
                    with server._lock:
                        server.requests.append((path, dict(self.headers.items())))
                if path in server.redirects:
                    status, location = server.redirects[path]
                    self._send(status, b"", {"Location": location})
                elif path in server.drips:
                    self._drip(*server.drips[path])
                elif trap:
                    page = int(trap.group(1) or 1)
                    more = f'<a class="next page-numbers" href="/kalender/page/{page + 1}/">Volgende</a>'
                    body = f"<html><body><main><h1>Agenda {page}</h1>{more if page < server.trap_pages else ''}"
                    self._send(200, (body + "</main></body></html>").encode(), {"Content-Type": "text/html"})
                else:
                    super().do_GET()

            def _drip(self, body: bytes, every: float, head: bool) -> None:
                self.close_connection = True  # the client hangs up mid-answer: read no next request
                answer = (f"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: {len(body)}\r\n"
                          "X-Padding: " + "p" * 200 + "\r\n\r\n").encode()
                if not head:
                    self.wfile.write(answer)
                try:
                    for byte in answer + body if head else body:
                        self.wfile.write(bytes([byte]))
                        self.wfile.flush()
                        time.sleep(every)
                except OSError:  # the client gave up: that is the point
                    pass

        return Hostile


@pytest.fixture
def hostile_server() -> Iterator[HostileSiteServer]:
    """The sample platform served with redirects, drips and a trap on demand."""
    with HostileSiteServer() as running:
        yield running


def site_settings(data_dir: Path, server: SamplePlatformServer, *, old_layout: bool = True) -> Settings:
    """Settings that crawl the served sample platform with no delay of our own."""
    starts = (f"{server.url}/kennis/",) + ((f"{server.url}/nl/kennis/kennisbank/",) if old_layout else ())
    return replace(Settings(data_dir=data_dir), site=SiteSettings(start_urls=starts, delay=0.0, retries=2))
