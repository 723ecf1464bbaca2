"""A polite HTTP client for the platform: one session, a per-host delay, retries, conditional GET.

Politeness a site owner would accept: a descriptive User-Agent, at most one request per host
every ``delay`` seconds (or the robots.txt Crawl-delay when that is larger), retries with
exponential backoff on 429/5xx and connection errors that honour ``Retry-After``, and
``If-None-Match`` / ``If-Modified-Since`` so an unchanged page costs one 304.

Bounded too: redirects are followed by hand, each hop checked by the caller's rule (a hop it
refuses is never requested), and a response must arrive whole within ``total_timeout`` seconds
and ``max_bytes`` bytes besides the per-read ``timeout`` (a server dripping one byte a second
would otherwise hold a page for ever). The body is read against that deadline; the status line
and headers, which http.client reads in one call, are guarded by a watchdog that shuts the
connection's socket when the deadline passes.
"""

from __future__ import annotations

import logging
import socket
import threading
import time
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from datetime import datetime, timezone
from typing import Any, Callable, Mapping
from urllib.parse import urljoin, urlsplit
from urllib.robotparser import RobotFileParser

import requests
import requests.adapters
import urllib3
import urllib3.connection

from archive.errors import FetchError
from archive.net_errors import describe_network_error

log = logging.getLogger(__name__)

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
# A Retry-After longer than this is not waited for: the item fails and the next run tries again.
MAX_RETRY_AFTER = 300.0
MAX_BYTES = 50_000_000
TOTAL_TIMEOUT = 120.0
MAX_REDIRECTS = 5
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
# Why a redirect target is refused (or None to follow it); the default keeps to the same host.
RedirectRule = Callable[[str], "str | None"]


class RefusedError(FetchError):
    """A fetch our own bounds refused: a redirect out of scope, an answer too slow or too large."""


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


_answer = threading.local()  # .deadline: when the answer being read must be complete (monotonic)


class _Watched:
    """A connection whose socket is shut when its answer's headers outlast the deadline."""

    sock: socket.socket | None

    def getresponse(self, *args: Any, **kwargs: Any) -> Any:
        """Read the status line and headers, cut off at the thread's answer deadline."""
        deadline = getattr(_answer, "deadline", None)
        if deadline is None:
            return super().getresponse(*args, **kwargs)  # type: ignore[misc]
        watchdog = threading.Timer(max(0.0, deadline - time.monotonic()), self._cut)
        watchdog.daemon = True
        watchdog.start()
        try:
            return super().getresponse(*args, **kwargs)  # type: ignore[misc]
        finally:
            watchdog.cancel()

    def _cut(self) -> None:
        """Shut the socket: the blocked read returns and the request fails."""
        try:
            if self.sock is not None:
                self.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass


class _Connection(_Watched, urllib3.connection.HTTPConnection):
    pass


class _TLSConnection(_Watched, urllib3.connection.HTTPSConnection):
    pass


class _Pool(urllib3.HTTPConnectionPool):
    ConnectionCls = _Connection


class _TLSPool(urllib3.HTTPSConnectionPool):
    ConnectionCls = _TLSConnection


class _WatchedAdapter(requests.adapters.HTTPAdapter):
    """requests' adapter with connections whose headers are read against the answer deadline."""

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {"http": _Pool, "https": _TLSPool}


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
        total_timeout: float = TOTAL_TIMEOUT,
    ) -> None:
        self.user_agent = user_agent
        self.delay = delay
        self.retries = retries
        self.timeout = timeout
        self.max_bytes = max_bytes
        self.total_timeout = total_timeout
        self.session = session or requests.Session()
        self.session.headers["User-Agent"] = user_agent
        for prefix in ("http://", "https://"):
            self.session.mount(prefix, _WatchedAdapter())
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

    def _body(self, raw: requests.Response, deadline: float) -> bytes:
        """The response body, read as it arrives; refused past ``max_bytes`` or the deadline."""
        chunks: list[bytes] = []
        size = 0
        while True:
            remaining = deadline - time.monotonic()  # wall time: the injected clock is for spacing
            try:
                if remaining <= 0:
                    raise urllib3.exceptions.ReadTimeoutError(None, raw.url, "deadline")  # type: ignore[arg-type]
                _set_read_timeout(raw.raw, min(self.timeout, remaining))
                chunk = raw.raw.read1(64 * 1024, decode_content=True)
            except urllib3.exceptions.ReadTimeoutError:
                if time.monotonic() < deadline:
                    raise  # the per-read timeout: retried like any network error
                raise RefusedError(f"{raw.url}: not complete within {self.total_timeout:g}s "
                                   "(site.total_timeout), not archived") from None
            if not chunk:
                return b"".join(chunks)
            size += len(chunk)
            if size > self.max_bytes:
                raise RefusedError(f"{raw.url}: larger than {self.max_bytes:,} bytes, not archived")
            chunks.append(chunk)

    def get(self, url: str, *, etag: str | None = None, last_modified: str | None = None,
            follow: RedirectRule | None = None) -> Response:
        """GET a URL politely, following redirects that ``follow`` allows (default: same host).

        2xx, 304 and 4xx come back; 5xx/429/network errors are retried. Raises FetchError when
        the retries are spent or the server asks to wait too long, RefusedError when a redirect
        leaves what ``follow`` allows or the answer exceeds its time or size budget.
        """
        follow = follow or (lambda target: None if _same_site(target, url) else "another host")
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        current = url
        for _ in range(MAX_REDIRECTS + 1):
            response = self._get_once(current, headers)
            location = response.headers.get("Location") if response.status in REDIRECT_STATUSES else None
            if not location:
                return response
            target = urljoin(current, location.strip())
            reason = follow(target)
            if reason:
                raise RefusedError(f"{url}: redirect to {target} refused: {reason}")
            log.info("[site] %s: HTTP %d, redirected to %s", current, response.status, target)
            current = target
        raise RefusedError(f"{url}: more than {MAX_REDIRECTS} redirects, not followed")

    def _get_once(self, url: str, headers: Mapping[str, str]) -> Response:
        """One GET (no redirects followed) with its retries."""
        host = host_of(url)
        attempt = 0
        while True:
            self._wait_turn(host)
            problem: str
            retry_after: float | None = None
            try:
                self.requests += 1
                deadline = _answer.deadline = time.monotonic() + self.total_timeout
                read_timeout = min(self.timeout, self.total_timeout)
                with self.session.get(url, headers=headers, timeout=read_timeout, allow_redirects=False,
                                      stream=True) as raw:
                    if raw.status_code not in RETRY_STATUSES:
                        return Response(url, raw.status_code, self._body(raw, deadline), dict(raw.headers))
                    problem = f"HTTP {raw.status_code}"
                    retry_after = parse_retry_after(raw.headers.get("Retry-After"))
            except (requests.RequestException, urllib3.exceptions.HTTPError) as exc:
                if time.monotonic() >= deadline:  # the watchdog cut the headers off
                    raise RefusedError(f"{url}: no answer within {self.total_timeout:g}s "
                                       "(site.total_timeout), not archived") from None
                problem = describe_network_error(exc)  # requests' own text is three exceptions deep
                log.debug("[site] %s: %s: %s", url, type(exc).__name__, exc)
            finally:
                _answer.deadline = None
                self._last_at[host] = self._clock()
                self._next_at[host] = self._last_at[host] + self.delay_for(host)
            if attempt >= self.retries:
                raise FetchError(f"{url}: {problem} (gave up after {attempt + 1} attempt{'s' if attempt else ''})")
            if retry_after is not None and retry_after > MAX_RETRY_AFTER:
                raise FetchError(f"{url}: {problem}, Retry-After {retry_after:.0f}s is too long; next run")
            backoff = max(self.delay_for(host), 1.0) * 2 ** attempt
            wait = max(backoff, retry_after or 0.0)
            log.info("[site] %s: %s, retry %d/%d in %.1fs", url, problem, attempt + 1, self.retries, wait)
            self._sleep(wait)
            attempt += 1


def _same_site(target: str, url: str) -> bool:
    """The default redirect rule: the same host and port (http → https allowed)."""
    parts = urlsplit(target)
    return parts.scheme in ("http", "https") and parts.netloc.lower() == urlsplit(url).netloc.lower()


def _set_read_timeout(raw: Any, seconds: float) -> None:
    """Bound the next socket read by ``seconds`` (so the last read cannot outlast the deadline)."""
    sock = getattr(getattr(raw, "connection", None), "sock", None)
    if sock is not None:
        sock.settimeout(max(seconds, 0.001))
