"""The thumbnails the web pages show: the archive's own copies, served from the site's origin.

``harvest youtube`` stores each video's thumbnail in the archive (``archive.thumbnails``); a page
points at ``/thumbnails/ID.jpg`` on its own server, so showing a page asks YouTube for nothing and
works offline. A video without a stored thumbnail gets the local placeholder.
"""

from __future__ import annotations

import logging
from pathlib import Path

from archive.config import Settings
from archive.errors import ArchiveCorrupt, NotFoundError
from archive.store import open_store
from archive.thumbnails import NS_THUMBNAIL
from archive.youtube_refs import VIDEO_ID, parse_youtube_url

log = logging.getLogger(__name__)

__all__ = ["PLACEHOLDER", "local_thumbnail", "stored_thumbnail"]

PLACEHOLDER = "/static/thumbnail.svg"


def local_thumbnail(address: object) -> str:
    """Where a page shows a video's thumbnail: ``/thumbnails/ID.jpg`` for the video that ``address``
    names (the archive's YouTube thumbnail address, or a video id); the placeholder for anything else."""
    text = str(address or "")
    if VIDEO_ID.fullmatch(text):
        return f"/thumbnails/{text}.jpg"
    ref = parse_youtube_url(text) if text.startswith(("https://", "http://")) else None
    if ref is None or ref.kind != "video" or not VIDEO_ID.fullmatch(ref.value):
        return PLACEHOLDER
    return f"/thumbnails/{ref.value}.jpg"


def stored_thumbnail(settings: Settings, name: str) -> tuple[bytes, str] | None:
    """The stored image (bytes, content type) of ``ID.jpg``; None when none is stored.

    NotFoundError when ``name`` is not an 11-character YouTube video id and ``.jpg``: nothing else
    is ever looked up, so no path can be named.
    """
    video_id = name.removesuffix(".jpg")
    if not name.endswith(".jpg") or not VIDEO_ID.fullmatch(video_id):
        raise NotFoundError(f"{name[:80]!r} is not a thumbnail (a YouTube video id and .jpg)")
    if not (Path(settings.data_dir) / "archive" / "catalog.sqlite").is_file():
        return None
    with open_store(settings.data_dir) as store:
        version = store.latest(NS_THUMBNAIL, video_id)
        if version is None:
            return None
        try:
            return store.read(version), version.content_type or "image/jpeg"
        except ArchiveCorrupt as exc:  # the placeholder stands in; the archive check names the blob
            log.warning("web: thumbnail of %s: %s", video_id, exc)
            return None
