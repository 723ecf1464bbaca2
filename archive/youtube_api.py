"""A thin client over google-api-python-client: raw responses, classified errors, quota."""

from __future__ import annotations

import json
import logging
import socket
import time
from dataclasses import dataclass
from typing import Any, Callable
from urllib.parse import urlsplit

import httplib2
from googleapiclient.discovery import build
from googleapiclient.errors import HttpError
from googleapiclient.http import HttpRequest

from archive.errors import AuthError, FetchError, NotFoundError, QuotaExceeded
from archive.quota import QuotaLedger
from archive.net_errors import describe_network_error
from archive.redact import redact, register_secret

log = logging.getLogger(__name__)

QUOTA_REASONS = {"quotaExceeded", "dailyLimitExceeded", "dailyLimitExceededUnreg"}
AUTH_REASONS = {
    "keyInvalid", "keyExpired", "API_KEY_INVALID", "accessNotConfigured", "SERVICE_DISABLED",
    "ipRefererBlocked", "forbidden", "API_KEY_SERVICE_BLOCKED", "PERMISSION_DENIED",
}


@dataclass(frozen=True)
class ApiResponse:
    """A decoded API response together with the raw bytes it came from."""

    method: str
    params: dict[str, Any]
    url: str
    status: int
    content_type: str | None
    body: bytes
    data: dict[str, Any]


def error_reasons(content: bytes) -> tuple[list[str], str]:
    """The ``errors[].reason`` values and the message of a Google error body (robust to odd ones)."""
    try:
        payload = json.loads(content.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return [], content.decode("utf-8", "replace")[:200]
    error = payload.get("error") if isinstance(payload, dict) else None
    if not isinstance(error, dict):
        return [], str(error or "")[:200]
    reasons = [e.get("reason", "") for e in error.get("errors", []) if isinstance(e, dict)]
    reasons += [d.get("reason", "") for d in error.get("details", []) if isinstance(d, dict)]
    if error.get("status"):
        reasons.append(error["status"])
    return [r for r in reasons if r], str(error.get("message", ""))


def classify_http_error(exc: HttpError, method: str) -> Exception:
    """Turn the client's HttpError (whose text holds ``key=…``) into one of ours, redacted."""
    status = exc.resp.status
    reasons, message = error_reasons(exc.content or b"")
    # The API's messages are HTML-flavoured ("your <a href=…>quota</a>"); keep them readable.
    message = redact(message.replace('<a href="/youtube/v3/getting-started#quota">', "").replace("</a>", ""))
    first = reasons[0] if reasons else "error"
    text = f"YouTube API {method}: HTTP {status} {first}" + (f": {message}" if message else "")
    if QUOTA_REASONS & set(reasons):
        return QuotaExceeded(text)
    if AUTH_REASONS & set(reasons) or status in (401,):
        return AuthError(text + " (check YOUTUBE_API_KEY and that the Data API is enabled)")
    if status == 404:
        return NotFoundError(text)
    return FetchError(text)


def _shape_problem(data: Any) -> str | None:
    """What is wrong with the shape of a ``*.list`` answer (an object whose items are objects), if anything."""
    if not isinstance(data, dict):
        return f"a {type(data).__name__}, not an object"
    items = data.get("items")
    if items is not None and (not isinstance(items, list) or not all(isinstance(i, dict) for i in items)):
        return "its items are not a list of objects"
    return None


def backoff_sleep(seconds: float) -> None:
    """Wait between retries (a module function so that tests can replace it)."""
    time.sleep(seconds)


def _sleeping_request(sleep: Callable[[float], None]) -> type[HttpRequest]:
    """An HttpRequest whose retry backoff uses ``sleep`` (the library retries; tests need no wait)."""

    class Request(HttpRequest):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._sleep = sleep

    return Request


class YouTubeApi:
    """Calls the three list methods the harvester needs, each a quota-charged, archived fetch."""

    def __init__(
        self,
        api_key: str,
        api_url: str,
        ledger: QuotaLedger,
        *,
        retries: int = 5,
        timeout: float = 30.0,
        sleep: Callable[[float], None] | None = None,
        http: Any = None,
    ) -> None:
        register_secret(api_key)
        if not api_url.endswith("/"):
            api_url += "/"
        parts = urlsplit(api_url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise AuthError(f"the YouTube API URL is not an http(s) URL: {api_url}")
        self.api_url = api_url
        self._ledger = ledger
        self._retries = retries
        self._service = build(
            "youtube",
            "v3",
            developerKey=api_key,
            static_discovery=True,
            cache_discovery=False,
            client_options={"api_endpoint": api_url},
            http=http if http is not None else httplib2.Http(timeout=timeout),
            requestBuilder=_sleeping_request(sleep or (lambda seconds: backoff_sleep(seconds))),
        )

    def call(self, resource: str, params: dict[str, Any]) -> ApiResponse:
        """Run ``<resource>.list(**params)`` with retries; raise our errors, never HttpError."""
        method = f"{resource}.list"
        request = getattr(self._service, resource)().list(**params)
        captured: dict[str, Any] = {}
        postproc = request.postproc

        def capture(resp: Any, content: bytes) -> Any:
            captured.update(status=resp.status, content_type=resp.get("content-type"), body=content)
            return postproc(resp, content)

        request.postproc = capture
        url = redact(request.uri)
        try:
            data = request.execute(num_retries=self._retries)
        except HttpError as exc:
            error = classify_http_error(exc, method)
            if not isinstance(error, QuotaExceeded):
                # A rejected request still costs quota; one stopped by the quota does not.
                self._ledger.charge(method)
            raise error from None
        except (OSError, httplib2.HttpLib2Error, socket.timeout) as exc:
            host = urlsplit(self.api_url).netloc
            raise FetchError(f"YouTube API {method}: {host}: {redact(describe_network_error(exc))}") from None
        except ValueError as exc:  # a 200 whose body is not JSON (a proxy's page, a cut-off answer)
            self._ledger.charge(method)
            raise FetchError(f"YouTube API {method}: the answer is not valid JSON "
                             f"({redact(str(exc))[:120]}); next run") from None
        self._ledger.charge(method)
        if isinstance(data, str):  # the client library hands back a body that is not JSON as text
            raise FetchError(f"YouTube API {method}: the answer is not valid JSON "
                             f"({len(captured.get('body') or b''):,} bytes); next run")
        problem = _shape_problem(data)
        if problem:
            raise FetchError(f"YouTube API {method}: the answer is not a list response: {problem}; next run")
        return ApiResponse(
            method=method,
            params=dict(params),
            url=url,
            status=captured.get("status", 200),
            content_type=captured.get("content_type"),
            body=captured.get("body", b""),
            data=data,
        )
