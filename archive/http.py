"""A polite HTTP client for the platform: one session, a per-host delay, retries, conditional GET.

Politeness a site owner would accept: a descriptive User-Agent, at most one request per host
every ``delay`` seconds (or the robots.txt Crawl-delay when that is larger), retries with
exponential backoff on 429/5xx and connection errors that honour ``Retry-After``, and
``If-None-Match`` / ``If-Modified-Since`` so an unchanged page costs one 304.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from datetime import datetime, timezone
from typing import Callable, Mapping
from urllib.parse import urlsplit
from urllib.robotparser import RobotFileParser

import requests

from archive.errors import FetchError

log = logging.getLogger(__name__)

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
# A Retry-After longer than this is not waited for: the item fails and the next run tries again.
MAX_RETRY_AFTER = 300.0
MAX_BYTES = 50_000_000


@dataclass(frozen=True)
class Response:
    """What a fetch returned: status, body and the headers the archive keeps."""

    url: str
    status: int
    body: bytes
    headers: Mapping[str, str] = field(default_factory=dict)

    @property
    def content_type(self) -> str | None:
        """The media type without parameters, lower case."""
        value = self.headers.get("Content-Type")
        return value.split(";")[0].strip().lower() if value else None

    @property
    def validators(self) -> dict[str, str]:
        """The ETag and Last-Modified headers, for the next conditional GET."""
        return {k: v for k, v in (("etag", self.headers.get("ETag")),
                                  ("last_modified", self.headers.get("Last-Modified"))) if v}


def host_of(url: str) -> str:
    """The scheme and network location of a URL (``https://example.org``)."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or an HTTP date), or None."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, (when - (now or datetime.now(timezone.utc))).total_seconds())


@dataclass(frozen=True)
class RobotsPolicy:
    """What a host's robots.txt allows our user agent, and the Crawl-delay it asks for."""

    parser: RobotFileParser | None
    user_agent: str

    def allowed(self, url: str) -> bool:
        """Whether robots.txt lets us fetch this URL (no robots.txt: everything)."""
        return self.parser is None or self.parser.can_fetch(self.user_agent, url)

    @property
    def crawl_delay(self) -> float | None:
        """The Crawl-delay in seconds, if robots.txt gives one."""
        if self.parser is None:
            return None
        delay = self.parser.crawl_delay(self.user_agent)
        return float(delay) if delay is not None else None


def parse_robots(text: str | None, user_agent: str) -> RobotsPolicy:
    """Parse robots.txt text; None (no file) allows everything."""
    if text is None:
        return RobotsPolicy(None, user_agent)
    parser = RobotFileParser()
    parser.parse(text.splitlines())
    return RobotsPolicy(parser, user_agent)


def disallow_all(user_agent: str) -> RobotsPolicy:
    """The policy for a host whose robots.txt could not be read (RFC 9309: assume disallowed)."""
    return parse_robots("User-agent: *\nDisallow: /\n", user_agent)


class PoliteClient:
    """One requests session with per-host spacing, retries and conditional GET."""

    def __init__(
        self,
        user_agent: str,
        *,
        delay: float = 1.0,
        retries: int = 3,
        timeout: float = 30.0,
        session: requests.Session | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        max_bytes: int = MAX_BYTES,
    ) -> None:
        self.user_agent = user_agent
        self.delay = delay
        self.retries = retries
        self.timeout = timeout
        self.max_bytes = max_bytes
        self.session = session or requests.Session()
        self.session.headers["User-Agent"] = user_agent
        self._sleep = sleep
        self._clock = clock
        self._host_delay: dict[str, float] = {}
        self._next_at: dict[str, float] = {}
        self._last_at: dict[str, float] = {}
        self.requests = 0

    def close(self) -> None:
        """Close the session's connections."""
        self.session.close()

    def set_crawl_delay(self, host: str, crawl_delay: float | None) -> None:
        """Space requests to ``host`` by the larger of our delay and its Crawl-delay."""
        self._host_delay[host] = max(self.delay, crawl_delay or 0.0)
        if host in self._last_at:  # the request that fetched robots.txt counts
            self._next_at[host] = self._last_at[host] + self._host_delay[host]

    def delay_for(self, host: str) -> float:
        """The spacing in seconds between two requests to ``host``."""
        return self._host_delay.get(host, self.delay)

    def _wait_turn(self, host: str) -> None:
        wait = self._next_at.get(host, float("-inf")) - self._clock()
        if wait > 0:
            self._sleep(wait)

    def _body(self, raw: requests.Response) -> bytes:
        """The response body, refused when it is larger than ``max_bytes`` (a video, a dump)."""
        chunks, size = [], 0
        for chunk in raw.iter_content(64 * 1024):
            size += len(chunk)
            if size > self.max_bytes:
                raise FetchError(f"{raw.url}: larger than {self.max_bytes // 1_000_000} MB, not archived")
            chunks.append(chunk)
        return b"".join(chunks)

    def get(self, url: str, *, etag: str | None = None, last_modified: str | None = None) -> Response:
        """GET a URL politely; 2xx, 304 and 4xx come back, 5xx/429/network errors are retried.

        Raises FetchError when the retries are spent or the server asks to wait too long.
        """
        host = host_of(url)
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        attempt = 0
        while True:
            self._wait_turn(host)
            problem: str
            retry_after: float | None = None
            try:
                self.requests += 1
                with self.session.get(url, headers=headers, timeout=self.timeout, allow_redirects=True,
                                      stream=True) as raw:
                    if raw.status_code not in RETRY_STATUSES:
                        return Response(raw.url or url, raw.status_code, self._body(raw), dict(raw.headers))
                    problem = f"HTTP {raw.status_code}"
                    retry_after = parse_retry_after(raw.headers.get("Retry-After"))
            except requests.RequestException as exc:
                problem = f"{type(exc).__name__}: {exc}"
            finally:
                self._last_at[host] = self._clock()
                self._next_at[host] = self._last_at[host] + self.delay_for(host)
            if attempt >= self.retries:
                raise FetchError(f"{url}: {problem} (gave up after {attempt + 1} attempts)")
            if retry_after is not None and retry_after > MAX_RETRY_AFTER:
                raise FetchError(f"{url}: {problem}, Retry-After {retry_after:.0f}s is too long; next run")
            backoff = max(self.delay_for(host), 1.0) * 2 ** attempt
            wait = max(backoff, retry_after or 0.0)
            log.info("[site] %s: %s, retry %d/%d in %.1fs", url, problem, attempt + 1, self.retries, wait)
            self._sleep(wait)
            attempt += 1
