"""A local fake of the YouTube Data API v3: real JSON shapes, paging, errors and a quota meter.

It serves ``/youtube/v3/channels``, ``/playlistItems`` and ``/videos`` the way the real API does
for an API-key (non-owner) caller: ``youtube#…ListResponse`` envelopes with ``etag`` and
``pageInfo``; ``nextPageToken`` paging; private and deleted uploads as "Private video" /
"Deleted video" playlist entries; videos.list silently leaving out ids it will not show; error
bodies with ``errors[].reason``. Every answered request is charged to a per-method quota meter,
as Google charges it; ``quota_limit`` makes it answer ``quotaExceeded`` once spent, and
``fail_next`` injects 5xx/429 answers. Shapes follow the recorded responses in
``shared/reference/youtube-api``.

It is YouTube's image host too: the videos' ``snippet.thumbnails`` name ``https://i.ytimg.com/vi/ID/…``
as the real API does, and the harvest, pointed here (``CASEARCHIVE_YOUTUBE_THUMBNAIL_URL``), fetches
``/vi/ID/mqdefault.jpg`` from this server: a real JPEG (tests/fixtures/thumbnails/), or what
``thumbnail_answers`` says for a video (a 404, a page that is not an image). Images cost no quota.
"""

from __future__ import annotations

import base64
import hashlib
import json
import threading
from collections import Counter
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from archive.youtube_urls import thumbnail_url

THUMBNAIL_JPEG = (Path(__file__).parent / "fixtures" / "thumbnails" / "python.jpg").read_bytes()
VALID_PARTS = {
    "channels": {"id", "snippet", "contentDetails", "statistics", "brandingSettings", "status", "topicDetails",
                 "localizations", "contentOwnerDetails"},
    "playlistItems": {"id", "snippet", "contentDetails", "status"},
    "videos": {"id", "snippet", "contentDetails", "statistics", "status", "topicDetails", "liveStreamingDetails",
               "localizations", "player", "recordingDetails", "fileDetails", "processingDetails", "suggestions"},
}


@dataclass
class FakeVideo:
    """One upload. ``state``: public, unlisted, private, deleted (listed as "Deleted video") or removed."""

    id: str
    title: str
    description: str = ""
    published_at: str = "2013-11-20T10:15:00Z"
    tags: list[str] | None = None
    language: str | None = "nl"
    duration: str = "PT3M12S"
    live: str = "none"  # none | live | upcoming
    state: str = "public"
    caption: bool = False
    views: int = 100
    localizations: dict[str, dict[str, str]] | None = None
    # Fields of the videos.list item replaced as given, per part ({"snippet": {"title": 5}}): bad values.
    bad: dict[str, dict[str, Any]] | None = None


@dataclass
class FakeChannel:
    """A channel and its uploads, newest first."""

    id: str
    title: str
    handle: str | None = None
    username: str | None = None
    description: str = ""
    videos: list[FakeVideo] = field(default_factory=list)

    @property
    def uploads(self) -> str:
        return "UU" + self.id[2:]

    def upload(self, video: FakeVideo) -> None:
        """A new upload appears at the top of the uploads playlist."""
        self.videos.insert(0, video)


def etag(value: Any) -> str:
    digest = hashlib.sha1(json.dumps(value, sort_keys=True).encode()).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")[:27]


def page_token(offset: int) -> str:
    return "EAAa" + base64.urlsafe_b64encode(f"PT:{offset}".encode()).decode().rstrip("=")


def parse_page_token(token: str) -> int | None:
    try:
        raw = token[4:] + "=" * (-len(token[4:]) % 4)
        text = base64.urlsafe_b64decode(raw).decode()
    except (ValueError, UnicodeDecodeError):
        return None
    return int(text[3:]) if token.startswith("EAAa") and text.startswith("PT:") and text[3:].isdigit() else None


def error_body(code: int, reason: str, message: str, domain: str = "global", status: str | None = None,
               details: list[dict[str, Any]] | None = None, **extra: str) -> dict[str, Any]:
    error: dict[str, Any] = {"code": code, "message": message,
                             "errors": [{"message": message, "domain": domain, "reason": reason, **extra}]}
    if status:
        error["status"] = status
    if details:
        error["details"] = details
    return {"error": error}


QUOTA_EXCEEDED = (403, error_body(
    403, "quotaExceeded",
    'The request cannot be completed because you have exceeded your '
    '<a href="/youtube/v3/getting-started#quota">quota</a>.',
    domain="youtube.quota"))
KEY_INVALID = (400, error_body(
    400, "badRequest", "API key not valid. Please pass a valid API key.", status="INVALID_ARGUMENT",
    details=[{"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "API_KEY_INVALID",
              "domain": "googleapis.com", "metadata": {"service": "youtube.googleapis.com"}}]))
KEY_MISSING = (403, error_body(
    403, "forbidden", "The request is missing a valid API key.", status="PERMISSION_DENIED"))
FAILURES = {
    500: error_body(500, "backendError", "Internal error encountered.", status="INTERNAL"),
    503: error_body(503, "backendError", "The service is currently unavailable.", status="UNAVAILABLE"),
    429: error_body(429, "rateLimitExceeded", "Resource has been exhausted (e.g. check quota).",
                    status="RESOURCE_EXHAUSTED"),
    403: error_body(403, "rateLimitExceeded", "The request cannot be completed due to rate limiting.",
                    domain="youtube.quota"),
}


def _thumbnails(video_id: str) -> dict[str, Any]:
    sizes = {"default": ("default", 120, 90), "medium": ("mqdefault", 320, 180), "high": ("hqdefault", 480, 360),
             "standard": ("sddefault", 640, 480), "maxres": ("maxresdefault", 1280, 720)}
    return {k: {"url": thumbnail_url(video_id, name), "width": w, "height": h}
            for k, (name, w, h) in sizes.items()}


class FakeYouTube:
    """The fake API's world and its HTTP server (``with FakeYouTube() as yt: yt.url``)."""

    def __init__(self, api_key: str = "test-key-AIzaSyFAKE0123456789") -> None:
        self.api_key = api_key
        self.channels: dict[str, FakeChannel] = {}
        self.units: Counter[str] = Counter()
        self.hits: Counter[str] = Counter()  # every request, answered or refused
        self.quota_limit: int | None = None
        self.requests: list[tuple[str, dict[str, str]]] = []
        self._failures: list[tuple[str | None, int]] = []
        self._raw: list[tuple[str, bytes]] = []  # (method, body) answered with 200 as they are
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self.thumbnail_hits: Counter[str] = Counter()  # image path → times asked
        self.thumbnail_headers: list[dict[str, str]] = []  # the headers of every image request
        # A video's image answered otherwise: video id → (status, content type, body).
        self.thumbnail_answers: dict[str, tuple[int, str, bytes]] = {}

    # -- the world -------------------------------------------------------------------------

    def add_channel(self, channel: FakeChannel) -> FakeChannel:
        self.channels[channel.id] = channel
        return channel

    def fail_next(self, status: int, times: int = 1, method: str | None = None) -> None:
        """Answer the next ``times`` requests (of ``method``, e.g. "videos.list") with ``status``."""
        self._failures.extend([(method, status)] * times)

    def answer_raw(self, method: str, body: bytes, times: int = 1) -> None:
        """Answer the next ``times`` calls of ``method`` with 200 and ``body`` as it is (broken JSON)."""
        self._raw.extend([(method, body)] * times)

    @property
    def total_units(self) -> int:
        return sum(self.units.values())

    def calls(self, method: str) -> list[dict[str, str]]:
        """The parameters of every answered call of a method."""
        return [params for m, params in self.requests if m == method]

    # -- the server ------------------------------------------------------------------------

    @property
    def url(self) -> str:
        assert self._server is not None, "start() the fake first"
        return f"http://127.0.0.1:{self._server.server_address[1]}/"

    def start(self) -> "FakeYouTube":
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
                if self.path.startswith(("/vi/", "/vi_webp/")):
                    status, kind, data = fake.image(self.path, dict(self.headers))
                else:
                    status, body = fake.handle(self.path)
                    data = body if isinstance(body, bytes) else json.dumps(body, indent=2).encode()
                    kind = "application/json; charset=UTF-8"
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> "FakeYouTube":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- requests --------------------------------------------------------------------------

    def image(self, path: str, headers: dict[str, str]) -> tuple[int, str, bytes]:
        """The image host: ``/vi/ID/NAME.jpg`` is the JPEG fixture, unless ``thumbnail_answers`` says otherwise."""
        with self._lock:
            self.thumbnail_hits[path] += 1
            self.thumbnail_headers.append(headers)
        parts = urlsplit(path).path.split("/")
        video_id = parts[2] if len(parts) == 4 else ""
        if video_id in self.thumbnail_answers:
            return self.thumbnail_answers[video_id]
        known = any(v.id == video_id for c in self.channels.values() for v in c.videos)
        return (200, "image/jpeg", THUMBNAIL_JPEG) if known else (404, "text/html", b"<html>Not Found</html>")

    def handle(self, path: str) -> tuple[int, dict[str, Any]]:
        parts = urlsplit(path)
        params = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        resource = parts.path.rstrip("/").rsplit("/", 1)[-1]
        method = f"{resource}.list"
        with self._lock:
            self.hits[method] += 1
            if not parts.path.startswith("/youtube/v3/") or resource not in VALID_PARTS:
                return 404, error_body(404, "notFound", "Not Found")
            for i, (only, status) in enumerate(self._failures):
                if only in (None, method):
                    del self._failures[i]
                    return status, FAILURES[status]
            if "key" not in params:
                return KEY_MISSING
            if params["key"] != self.api_key:
                return KEY_INVALID
            if self.quota_limit is not None and self.total_units >= self.quota_limit:
                return QUOTA_EXCEEDED
            public = {k: v for k, v in params.items() if k != "key"}
            self.requests.append((method, public))
            self.units[method] += 1  # answered requests cost quota, failed ones included
            for i, (only, raw) in enumerate(self._raw):
                if only == method:
                    del self._raw[i]
                    return 200, raw  # type: ignore[return-value]
            parts_asked = set(filter(None, params.get("part", "").split(",")))
            if not parts_asked:
                return 400, error_body(400, "required", "Required parameter: part", location="part",
                                       locationType="parameter")
            unknown = parts_asked - VALID_PARTS[resource]
            if unknown:
                return 400, error_body(400, "unknownPart", f"'{sorted(unknown)[0]}'", domain="youtube.part",
                                       location="part", locationType="parameter")
            return getattr(self, f"_{resource}")(params, parts_asked)

    def _envelope(self, kind: str, items: list[dict[str, Any]], total: int, per_page: int,
                  **tokens: str | None) -> dict[str, Any]:
        body: dict[str, Any] = {"kind": f"youtube#{kind}ListResponse", "etag": etag(items)}
        body.update({k: v for k, v in tokens.items() if v})
        body["pageInfo"] = {"totalResults": total, "resultsPerPage": per_page}
        if items:  # the real API leaves "items" out when nothing matched
            body["items"] = items
        return body

    def _channels(self, params: dict[str, str], parts: set[str]) -> tuple[int, dict[str, Any]]:
        found = []
        if "id" in params:
            found = [self.channels[c] for c in params["id"].split(",") if c in self.channels]
        elif "forHandle" in params:
            handle = params["forHandle"].lstrip("@").lower()
            found = [c for c in self.channels.values() if (c.handle or "").lstrip("@").lower() == handle]
        elif "forUsername" in params:
            found = [c for c in self.channels.values() if (c.username or "").lower() == params["forUsername"].lower()]
        else:
            return 400, error_body(400, "missingRequiredParameter", "No filter selected. Expected one of: "
                                   "forHandle, forUsername, id, managedByMe, mine, mySubscribers, categoryId",
                                   domain="youtube.parameter", location="parameters.", locationType="other")
        items = [self._channel_item(c, parts) for c in found]
        return 200, self._envelope("channel", items, len(items), 5)

    def _channel_item(self, c: FakeChannel, parts: set[str]) -> dict[str, Any]:
        item: dict[str, Any] = {"kind": "youtube#channel", "id": c.id}
        if "snippet" in parts:
            item["snippet"] = {"title": c.title, "description": c.description,
                               "customUrl": (c.handle or "").lower() or None, "publishedAt": "2012-09-03T13:37:02Z",
                               "thumbnails": {"default": {"url": f"https://yt3.ggpht.com/{c.id}=s88", "width": 88,
                                                          "height": 88}},
                               "localized": {"title": c.title, "description": c.description}, "country": "NL"}
            if item["snippet"]["customUrl"] is None:
                del item["snippet"]["customUrl"]
        if "contentDetails" in parts:
            item["contentDetails"] = {"relatedPlaylists": {"likes": "", "uploads": c.uploads}}
        if "statistics" in parts:
            shown = [v for v in c.videos if v.state in ("public", "unlisted")]
            item["statistics"] = {"viewCount": str(sum(v.views for v in shown)), "subscriberCount": "132",
                                  "hiddenSubscriberCount": False, "videoCount": str(len(shown))}
        if "brandingSettings" in parts:
            item["brandingSettings"] = {"channel": {"title": c.title, "description": c.description}}
        item["etag"] = etag(item)
        return item

    def _playlistItems(self, params: dict[str, str], parts: set[str]) -> tuple[int, dict[str, Any]]:  # noqa: N802
        channel = next((c for c in self.channels.values() if c.uploads == params.get("playlistId")), None)
        if channel is None:
            return 404, error_body(
                404, "playlistNotFound",
                "The playlist identified with the request's <code>playlistId</code> parameter cannot be found.",
                domain="youtube.playlistItem", location="playlistId", locationType="parameter")
        per_page = int(params.get("maxResults", 5))
        if not 0 <= per_page <= 50:
            return 400, error_body(400, "invalidValue", "Invalid value for maxResults", domain="youtube.parameter")
        offset = 0
        if params.get("pageToken"):
            parsed = parse_page_token(params["pageToken"])
            if parsed is None:
                return 400, error_body(400, "invalidPageToken", "The request specifies an invalid page token.",
                                       domain="youtube.playlistItem", location="pageToken", locationType="parameter")
            offset = parsed
        listed = [v for v in channel.videos if v.state != "removed"]
        window = listed[offset:offset + per_page]
        items = [self._playlist_item(channel, v, offset + i, parts) for i, v in enumerate(window)]
        next_token = page_token(offset + per_page) if offset + per_page < len(listed) else None
        prev_token = page_token(max(0, offset - per_page)) if offset else None
        return 200, self._envelope("playlistItem", items, len(listed), per_page,
                                   nextPageToken=next_token, prevPageToken=prev_token)

    def _playlist_item(self, c: FakeChannel, v: FakeVideo, position: int, parts: set[str]) -> dict[str, Any]:
        hidden = {"private": ("Private video", "This video is private.", "private"),
                  "deleted": ("Deleted video", "This video is unavailable.", "privacyStatusUnspecified")}.get(v.state)
        item_id = base64.b64encode(f"{c.uploads}.{v.id}".encode()).decode()
        item: dict[str, Any] = {"kind": "youtube#playlistItem", "id": item_id}
        if "snippet" in parts:
            snippet: dict[str, Any] = {
                "publishedAt": v.published_at, "channelId": c.id,
                "title": hidden[0] if hidden else v.title, "description": hidden[1] if hidden else v.description,
                "thumbnails": {} if hidden else _thumbnails(v.id), "channelTitle": c.title,
                "playlistId": c.uploads, "position": position,
                "resourceId": {"kind": "youtube#video", "videoId": v.id},
            }
            if not hidden:
                snippet.update(videoOwnerChannelTitle=c.title, videoOwnerChannelId=c.id)
            item["snippet"] = snippet
        if "contentDetails" in parts:
            item["contentDetails"] = {"videoId": v.id} if hidden else {"videoId": v.id,
                                                                        "videoPublishedAt": v.published_at}
        if "status" in parts:
            item["status"] = {"privacyStatus": hidden[2] if hidden else v.state}
        item["etag"] = etag(item)
        return item

    def _videos(self, params: dict[str, str], parts: set[str]) -> tuple[int, dict[str, Any]]:
        ids = [i for i in params.get("id", "").split(",") if i]
        if not ids:
            return 400, error_body(400, "missingRequiredParameter", "No filter selected.",
                                   domain="youtube.parameter", location="parameters.", locationType="other")
        if len(ids) > 50:
            return 400, error_body(400, "invalidValue", "Invalid value for id: more than 50 ids.",
                                   domain="youtube.parameter")
        by_id = {v.id: (c, v) for c in self.channels.values() for v in c.videos}
        items = [self._video_item(*by_id[i], parts) for i in ids
                 if i in by_id and by_id[i][1].state in ("public", "unlisted")]
        return 200, self._envelope("video", items, len(items), len(items))

    def _video_item(self, c: FakeChannel, v: FakeVideo, parts: set[str]) -> dict[str, Any]:
        item: dict[str, Any] = {"kind": "youtube#video", "id": v.id}
        if "snippet" in parts:
            snippet: dict[str, Any] = {"publishedAt": v.published_at, "channelId": c.id, "title": v.title,
                                       "description": v.description, "thumbnails": _thumbnails(v.id),
                                       "channelTitle": c.title, "categoryId": "27", "liveBroadcastContent": v.live,
                                       "localized": {"title": v.title, "description": v.description}}
            if v.tags:
                snippet["tags"] = list(v.tags)
            if v.language:
                snippet["defaultAudioLanguage"] = v.language
            item["snippet"] = snippet
        if "contentDetails" in parts:
            item["contentDetails"] = {"duration": "P0D" if v.live != "none" else v.duration, "dimension": "2d",
                                      "definition": "hd", "caption": "true" if v.caption else "false",
                                      "licensedContent": False, "contentRating": {}, "projection": "rectangular"}
        if "status" in parts:
            item["status"] = {"uploadStatus": "processed", "privacyStatus": v.state, "license": "youtube",
                              "embeddable": True, "publicStatsViewable": True, "madeForKids": False}
        if "statistics" in parts:
            item["statistics"] = {"viewCount": str(v.views), "likeCount": str(v.views // 20),
                                  "favoriteCount": "0", "commentCount": str(v.views // 100)}
        if "topicDetails" in parts:
            item["topicDetails"] = {"topicCategories": ["https://en.wikipedia.org/wiki/Society"]}
        if "liveStreamingDetails" in parts and v.live != "none":
            details = {"scheduledStartTime": v.published_at}
            if v.live == "live":
                details.update(actualStartTime=v.published_at, concurrentViewers="12")
            item["liveStreamingDetails"] = details
        if "localizations" in parts and v.localizations:
            item["localizations"] = v.localizations
        for part, values in (v.bad or {}).items():
            item.setdefault(part, {}).update(values)
        item["etag"] = etag(item)
        return item
