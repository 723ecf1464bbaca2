"""Parse the ways people write a YouTube channel or video: ids, @handles and every URL form."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Literal
from urllib.parse import parse_qs, unquote, urlsplit

from archive.errors import InputError

CHANNEL_ID = re.compile(r"^UC[A-Za-z0-9_-]{22}$")
VIDEO_ID = re.compile(r"^[A-Za-z0-9_-]{11}$")
PLAYLIST_ID = re.compile(r"^(PL|UU|LL|FL|OL)[A-Za-z0-9_-]{10,}$")
YOUTUBE_HOSTS = {"youtube.com", "www.youtube.com", "m.youtube.com", "music.youtube.com",
                 "youtube-nocookie.com", "www.youtube-nocookie.com"}
# First path segments that are YouTube's own pages, never a vanity channel name (yt-dlp's
# _RESERVED_NAMES, plus pages seen linked from the web: premium, gaming, redirect, …).
RESERVED_PATHS = frozenset("""
    channel c user playlist watch w v embed e live watch_popup clip shorts movies results search shared
    hashtag trending explore feed feeds browse oembed get_video_info iframe_api s source storefront oops
    index account t about upload signin logout redirect attribution_link premium gaming kids music news
    sports learning fashion podcasts gaming courses course view_play_list profile my_playlist playlists
    subscription_center set_account_language creators ads howyoutubeworks jobs new yt api live_chat
    """.split())

ChannelKind = Literal["id", "handle", "username", "custom"]
# How each kind is written when stored: a prefix that reads back as the same kind.
_PREFIX = {"id": "", "handle": "", "username": "user/", "custom": "c/"}


@dataclass(frozen=True)
class ChannelRef:
    """A channel as the user or a page named it: how to ask the API for it.

    ``str()`` is the stored form (``UC…``, ``@handle``, ``user/NAME``, ``c/NAME``) and parses back
    to an equal reference. Handles and names are compared without regard to letter case, as
    YouTube treats them; a channel id is case-sensitive and kept as written.
    """

    kind: ChannelKind
    value: str = field(compare=False)
    key: str = field(init=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "key", self.value if self.kind == "id" else self.value.lower())

    def __str__(self) -> str:
        return _PREFIX[self.kind] + self.value


@dataclass(frozen=True)
class YouTubeRef:
    """Any YouTube reference found in text: a channel, a video (with a start time) or a playlist."""

    kind: Literal["channel", "video", "playlist"]
    value: str
    channel: ChannelRef | None = None
    start: int | None = None


def _is_handle(text: str) -> bool:
    """``@`` and 3–30 letters (any script, with their combining marks), digits, ``_ - . ·``."""
    name = text[1:]
    return (text.startswith("@") and 3 <= len(name) <= 30
            and all(ch.isalnum() or ch in "_-.·" or unicodedata.category(ch).startswith("M") for ch in name))


def parse_channel(text: str) -> ChannelRef:
    """Parse a channel id (UC…), an @handle, a stored form (``user/NAME``) or a channel URL.

    Raises InputError, saying why, if the text is none of these.
    """
    value = text.strip()
    if CHANNEL_ID.match(value):
        return ChannelRef("id", value)
    if value.startswith("@"):
        handle = unquote(value)
        if _is_handle(handle):
            return ChannelRef("handle", handle)
        raise InputError(f"not a valid YouTube handle: {text!r} (3–30 letters, digits, _ - . after @)")
    if "://" not in value and not value.startswith("//"):
        # No scheme: "youtube.com/…" names its host; "user/NAME" (the stored form) is a bare path.
        head = value.lstrip("/").split("/")[0]
        if "." in head:
            value = "//" + value
        elif head.lower() in ("user", "c", "channel") or value.startswith("/"):
            value = "//youtube.com/" + value.lstrip("/")
    try:
        parts = urlsplit(value)
        host = (parts.hostname or "").lower()
    except ValueError:
        host = ""
    if host not in YOUTUBE_HOSTS:
        raise InputError(
            f"not a YouTube channel: {text!r} (give a UC… channel id, an @handle or a channel URL)"
        )
    ref = _channel_from_path(parts.path, parts.query)
    if ref is None:
        raise InputError(f"not a YouTube channel URL: {text!r}")
    return ref


def _channel_from_path(path: str, query: str = "") -> ChannelRef | None:
    """The channel a youtube.com path names (``/channel/UC…``, ``/@h``, ``/user/N``, ``/c/N``,
    ``/N``, any tab after it), or None for YouTube's own pages (``/watch``, ``/shorts/ID``, …)."""
    parts = [unquote(p) for p in path.split("/") if p]
    if not parts:
        return None
    head, name = parts[0].lower(), parts[1] if len(parts) > 1 else ""
    if head in ("channel", "browse") and CHANNEL_ID.match(name):
        return ChannelRef("id", name)
    if parts[0].startswith("@"):
        return ChannelRef("handle", parts[0]) if _is_handle(parts[0]) else None
    if head == "user" and _is_name(name):
        return ChannelRef("username", name)
    if head == "c" and _is_name(name):
        return ChannelRef("custom", name)
    if head == "profile":  # the 2006–2011 profile page: /profile?user=NAME
        user = (parse_qs(query).get("user") or [""])[0]
        return ChannelRef("username", user) if _is_name(user) else None
    if head not in RESERVED_PATHS and _is_name(parts[0]) and "." not in parts[0]:
        return ChannelRef("custom", parts[0])  # a bare vanity URL: youtube.com/NAME
    return None


def _is_name(text: str) -> bool:
    """A user or custom name: letters (any script), digits and ``_ - .``, nothing else."""
    return bool(text) and len(text) <= 100 and all(
        ch.isalnum() or ch in "_-." or unicodedata.category(ch).startswith("M") for ch in text)


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
    channel = _channel_from_path(parts.path, parts.query)
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
