"""Video thumbnails kept in the archive, so the web pages show them without asking YouTube.

After a YouTube harvest, each archived video whose thumbnail is not stored yet gets it once, as
Tube Archivist keeps its own copy: the 320 px ``medium`` image of the Data API's
``snippet.thumbnails`` (``https://i.ytimg.com/vi/ID/mqdefault.jpg``; /work/shared/reference/youtube-api/
shows every video answer carrying it), else the next size. It is an archive item
(``youtube.thumbnail``, keyed by video id): written once through the store's atomic blob write,
never fetched again, and carried by ``export-archive`` like every other item.

The image host is asked with a client of its own: no API key, no query string (only the path the
API gave is kept), no redirect to another host. A thumbnail that cannot be had (404, a timeout,
an answer that is not a JPEG, PNG or WebP image) is a warning, not a failed item: the videos and
their metadata are archived and the pages show a placeholder, so the nightly run stays green; the
thumbnail is tried again the next run. A run fetches at most ``youtube.thumbnail_budget``.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any, Iterator
from urllib.parse import urlsplit

from archive.config import Settings
from archive.errors import ArchiveCorrupt, FetchError
from archive.http import PoliteClient
from archive.store import ArchiveStore
from archive.summary import Progress
from archive.youtube import NS_AVAILABILITY, NS_VIDEO
from archive.youtube_refs import THUMBNAIL_HOST, VIDEO_ID

log = logging.getLogger(__name__)

NS_THUMBNAIL = "youtube.thumbnail"
# The Data API's sizes, best first: medium is 320×180, what a card shows; maxres (1280 px) last.
SIZES = ("medium", "high", "default", "standard", "maxres")
# What an image starts with (its magic bytes); an answer that starts otherwise is not stored.
_MAGIC = ((b"\xff\xd8\xff", "image/jpeg"), (b"\x89PNG\r\n\x1a\n", "image/png"))
MAX_BYTES = 2_000_000  # a 320 px JPEG is ~10 kB; anything near this is not a thumbnail
# Seconds between two requests to the image host: none, one request at a time on one connection is
# already gentler than one page view of YouTube (a browser asks a CDN for dozens of thumbnails at once).
DELAY = 0.0
TIMEOUT = 10.0


def image_type(body: bytes) -> str | None:
    """The content type of a JPEG, PNG or WebP image by its first bytes; None for anything else."""
    if body[:4] == b"RIFF" and body[8:12] == b"WEBP":
        return "image/webp"
    return next((kind for magic, kind in _MAGIC if body.startswith(magic)), None)


def thumbnail_source(resource: Any) -> str | None:
    """The thumbnail address a ``youtube#video`` resource gives (medium size first) on YouTube's image host."""
    snippet = resource.get("snippet") if isinstance(resource, dict) else None
    thumbs = snippet.get("thumbnails") if isinstance(snippet, dict) else None
    if not isinstance(thumbs, dict):
        return None
    for size in SIZES:
        url = thumbs[size].get("url") if isinstance(thumbs.get(size), dict) else None
        if isinstance(url, str):
            parts = urlsplit(url)
            if parts.scheme in ("http", "https") and THUMBNAIL_HOST.match(parts.hostname or "") and parts.path:
                return url
    return None


def fetch_address(source: str, image_host: str) -> str:
    """Where to fetch a thumbnail: the API's path on ``image_host`` (a test server, or i.ytimg.com).

    Only the path is kept: no query, no user info, so nothing of the API request travels along.
    """
    return image_host.rstrip("/") + urlsplit(source).path


@dataclass
class ThumbnailRun:
    """What one pass over the missing thumbnails did: stored, missing (each with why), left for the next run."""

    stored: int = 0
    left: int = 0  # missing ones past the run's budget
    problems: list[str] = field(default_factory=list)  # "video ID: why (address)", one line each

    def to_dict(self) -> dict[str, Any]:
        """The JSON its run record keeps."""
        return {"stored": self.stored, "missing": len(self.problems), "left": self.left}


def _wanted(store: ArchiveStore) -> Iterator[tuple[str, str | None]]:
    """Each archived, still-available video without a stored thumbnail, with the address the API gave."""
    stored = set(store.keys(NS_THUMBNAIL))
    for video_id in store.keys(NS_VIDEO):
        if video_id in stored or not VIDEO_ID.match(video_id):
            continue
        availability = store.latest(NS_AVAILABILITY, video_id)
        version = store.latest(NS_VIDEO, video_id)
        try:
            if availability is not None and not store.read_json(availability).get("active", True):
                continue  # private or deleted: YouTube no longer shows its image either
            source = thumbnail_source(store.read_json(version)) if version is not None else None
        except (ArchiveCorrupt, ValueError):
            source = None
        yield video_id, source


def _fetch(client: PoliteClient, url: str) -> tuple[bytes, str]:
    """One thumbnail's bytes and type; FetchError saying why when it is not an image."""
    response = client.get(url)
    if response.status != 200:
        raise FetchError(f"HTTP {response.status}")
    kind = image_type(response.body)
    if kind is None:
        raise FetchError(f"not an image ({response.content_type or 'no content type'}, "
                         f"{len(response.body):,} bytes)")
    return response.body, kind


def _store_one(settings: Settings, store: ArchiveStore, client: PoliteClient, video_id: str,
               source: str | None) -> str | None:
    """Fetch and store one video's thumbnail; the problem line when it cannot be had."""
    if source is None:
        return f"video {video_id}: its metadata names no thumbnail on YouTube's image host"
    url = fetch_address(source, settings.youtube.thumbnail_url)
    try:
        body, kind = _fetch(client, url)
    except FetchError as exc:  # RefusedError too (too large, too slow, a redirect elsewhere)
        reason = str(exc).removeprefix(f"{url}: ")
        log.info("[youtube] video %s: thumbnail not stored: %s", video_id, reason)
        return f"video {video_id}: thumbnail not stored: {reason} ({url}); tried again next run"
    store.put(NS_THUMBNAIL, video_id, body, url=url, content_type=kind)
    return None


def store_thumbnails(settings: Settings, store: ArchiveStore, progress: Progress | None = None) -> ThumbnailRun:
    """Fetch and store the thumbnails archived videos lack, at most ``youtube.thumbnail_budget`` a run."""
    run = ThumbnailRun()
    wanted = list(_wanted(store))
    budget = settings.youtube.thumbnail_budget
    run.left = max(0, len(wanted) - budget)
    wanted = wanted[:budget]
    if not wanted:
        return run
    client = PoliteClient(settings.site.user_agent, delay=DELAY, retries=1, timeout=TIMEOUT,
                                    max_bytes=MAX_BYTES, total_timeout=TIMEOUT * 2)
    try:
        for done, (video_id, source) in enumerate(wanted, 1):
            problem = _store_one(settings, store, client, video_id, source)
            if problem:
                run.problems.append(problem)
            else:
                run.stored += 1
            if progress:
                progress("thumbnails", done, len(wanted))
    finally:
        client.close()
    return run
