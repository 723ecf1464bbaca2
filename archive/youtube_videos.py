"""What the YouTube harvest reads of the Data API's resources (pure): a video, its duration, a playlist entry.

``archive/youtube.py`` checks every resource with these before it archives it; the index reads
archived videos back with ``parse_video``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from archive.validate import InvalidValue, count, part, text, texts, timestamp

# Titles YouTube shows, to anyone but the owner, for playlist entries whose video is gone.
HIDDEN_TITLES = {"Deleted video": "deleted", "Private video": "private"}


@dataclass(frozen=True)
class Video:
    """What the index and the CLI need of one ``youtube#video`` resource."""

    id: str
    channel_id: str
    channel_title: str
    title: str
    description: str
    published_at: str | None
    duration: int | None
    tags: tuple[str, ...]
    language: str | None
    thumbnail: str | None
    live: str
    privacy: str | None
    has_captions: bool
    view_count: int | None


_VIDEO_ID = re.compile(r"[\w-]{1,64}")
_DURATION = re.compile(r"^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$")


def parse_duration(text: str | None) -> int | None:
    """ISO 8601 durations as the API writes them (``PT21M7S``, ``P1DT2H``, ``P0D``) in seconds."""
    match = _DURATION.match(text or "")
    if not match or text in ("P", "PT"):
        return None
    days, hours, minutes, seconds = match.groups()
    return int(days or 0) * 86400 + int(hours or 0) * 3600 + int(minutes or 0) * 60 + int(float(seconds or 0))


def parse_video(resource: dict[str, Any]) -> Video:
    """A ``youtube#video`` resource (any subset of parts) as a Video; InvalidValue if a field is unusable."""
    if not isinstance(resource, dict):
        raise InvalidValue("the item is not an object")
    video_id = resource.get("id")
    if not isinstance(video_id, str) or not _VIDEO_ID.fullmatch(video_id):
        raise InvalidValue(f"the video id is not an id: {str(video_id)[:40]!r}")
    snippet, details = part(resource, "snippet"), part(resource, "contentDetails")
    status, stats = part(resource, "status"), part(resource, "statistics")
    thumbs: dict[str, Any] = snippet["thumbnails"] if isinstance(snippet.get("thumbnails"), dict) else {}
    best = next((thumbs[k]["url"] for k in ("high", "medium", "standard", "default", "maxres")
                 if isinstance(thumbs.get(k), dict) and isinstance(thumbs[k].get("url"), str)), None)
    language = snippet.get("defaultAudioLanguage") or snippet.get("defaultLanguage")
    return Video(
        id=video_id,
        channel_id=text(snippet.get("channelId"), "snippet.channelId", limit=64) or "",
        channel_title=text(snippet.get("channelTitle"), "snippet.channelTitle") or "",
        title=text(snippet.get("title"), "snippet.title") or "",
        description=text(snippet.get("description"), "snippet.description") or "",
        published_at=timestamp(snippet.get("publishedAt"), "snippet.publishedAt"),
        duration=parse_duration(text(details.get("duration"), "contentDetails.duration", default=None, limit=64)),
        tags=texts(snippet.get("tags"), "snippet.tags"),
        language=text(language, "snippet.defaultAudioLanguage", default=None, limit=64),
        thumbnail=best,
        live=text(snippet.get("liveBroadcastContent"), "snippet.liveBroadcastContent", default="none",
                  limit=64) or "none",
        privacy=text(status.get("privacyStatus"), "status.privacyStatus", default=None, limit=64),
        has_captions=details.get("caption") == "true",
        view_count=count(stats.get("viewCount"), "statistics.viewCount"),
    )


def playlist_item_video(item: dict[str, Any]) -> tuple[str | None, str | None]:
    """The video id of a playlist item, and why it is hidden (``deleted``/``private``) if it is.

    InvalidValue when a field the harvest reads is of the wrong type.
    """
    snippet = part(item, "snippet")
    video_id = part(item, "contentDetails").get("videoId") or part(snippet, "resourceId").get("videoId")
    if video_id is not None and (not isinstance(video_id, str) or not _VIDEO_ID.fullmatch(video_id)):
        raise InvalidValue(f"the playlist item's videoId is not an id: {str(video_id)[:40]!r}")
    privacy = text(part(item, "status").get("privacyStatus"), "status.privacyStatus", default=None, limit=64)
    hidden = HIDDEN_TITLES.get(text(snippet.get("title"), "snippet.title") or "")
    if privacy == "private":
        hidden = "private"
    elif privacy == "privacyStatusUnspecified":
        hidden = hidden or "deleted"
    return video_id, hidden
