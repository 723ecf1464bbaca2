"""Parse the ways people write a YouTube channel or video: ids, @handles and every URL form."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal
from urllib.parse import parse_qs, unquote, urlsplit

from archive.errors import InputError

CHANNEL_ID = re.compile(r"^UC[A-Za-z0-9_-]{22}$")
VIDEO_ID = re.compile(r"^[A-Za-z0-9_-]{11}$")
PLAYLIST_ID = re.compile(r"^(PL|UU|LL|FL|OL)[A-Za-z0-9_-]{10,}$")
# Handles: 3–30 characters; letters (any script), digits, underscore, hyphen, period.
HANDLE = re.compile(r"^@[\w.\-·]{3,30}$")
YOUTUBE_HOSTS = {"youtube.com", "www.youtube.com", "m.youtube.com", "music.youtube.com",
                 "youtube-nocookie.com", "www.youtube-nocookie.com"}

ChannelKind = Literal["id", "handle", "username", "custom"]


@dataclass(frozen=True)
class ChannelRef:
    """A channel as the user or a page named it: how to ask the API for it."""

    kind: ChannelKind
    value: str

    def __str__(self) -> str:
        prefix = {"id": "", "handle": "", "username": "user/", "custom": "c/"}[self.kind]
        return prefix + self.value


@dataclass(frozen=True)
class YouTubeRef:
    """Any YouTube reference found in text: a channel, a video (with a start time) or a playlist."""

    kind: Literal["channel", "video", "playlist"]
    value: str
    channel: ChannelRef | None = None
    start: int | None = None


def _host(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


def parse_channel(text: str) -> ChannelRef:
    """Parse a channel id (UC…), an @handle, or a channel URL; raise InputError if it is none."""
    value = text.strip()
    if CHANNEL_ID.match(value):
        return ChannelRef("id", value)
    if value.startswith("@"):
        if HANDLE.match(value):
            return ChannelRef("handle", value)
        raise InputError(f"not a valid YouTube handle: {text!r} (3–30 letters, digits, _ - . after @)")
    url = value if "://" in value else "https://" + value
    if _host(url) not in YOUTUBE_HOSTS:
        raise InputError(
            f"not a YouTube channel: {text!r} (give a UC… channel id, an @handle or a channel URL)"
        )
    ref = _channel_from_path(unquote(urlsplit(url).path))
    if ref is None:
        raise InputError(f"not a YouTube channel URL: {text!r}")
    return ref


def _channel_from_path(path: str) -> ChannelRef | None:
    parts = [p for p in path.split("/") if p]
    if not parts:
        return None
    head = parts[0]
    if head == "channel" and len(parts) > 1 and CHANNEL_ID.match(parts[1]):
        return ChannelRef("id", parts[1])
    if head.startswith("@"):
        return ChannelRef("handle", head) if HANDLE.match(head) else None
    if head == "user" and len(parts) > 1:
        return ChannelRef("username", parts[1])
    if head == "c" and len(parts) > 1:
        return ChannelRef("custom", parts[1])
    return None


def parse_youtube_url(url: str) -> YouTubeRef | None:
    """Classify a URL as a YouTube channel, video or playlist reference, or None if it is not one."""
    try:
        parts = urlsplit(url if "://" in url else "https://" + url)
        host = (parts.hostname or "").lower()
    except ValueError:
        return None
    query = parse_qs(parts.query)
    start = _parse_start((query.get("t") or query.get("start") or [None])[0])
    segments = [p for p in unquote(parts.path).split("/") if p]
    if host in ("youtu.be", "www.youtu.be"):
        if segments and VIDEO_ID.match(segments[0]):
            return YouTubeRef("video", segments[0], start=start)
        return None
    if host not in YOUTUBE_HOSTS:
        return None
    if segments[:1] == ["watch"] and VIDEO_ID.match((query.get("v") or [""])[0]):
        return YouTubeRef("video", query["v"][0], start=start)
    if len(segments) >= 2 and segments[0] in ("embed", "shorts", "live", "v") and VIDEO_ID.match(segments[1]):
        if segments[1] != "videoseries":
            return YouTubeRef("video", segments[1], start=start)
    if "list" in query and PLAYLIST_ID.match(query["list"][0]):
        return YouTubeRef("playlist", query["list"][0])
    channel = _channel_from_path(parts.path)
    if channel is not None:
        return YouTubeRef("channel", str(channel), channel=channel)
    return None


def _parse_start(value: str | None) -> int | None:
    """``t=90``, ``t=90s`` or ``t=1m30s`` as seconds."""
    if not value:
        return None
    match = re.fullmatch(r"(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s?)?", value)
    if not match or not any(match.groups()):
        return None
    h, m, s = (int(g or 0) for g in match.groups())
    return h * 3600 + m * 60 + s
