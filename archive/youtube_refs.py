"""Parse the ways people write a YouTube channel or video: ids, @handles and every URL form."""

from __future__ import annotations

import html
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
    by_query = _channel_from_query(parts, parse_qs(query))
    if by_query is not None or head in QUERY_PATHS:
        return by_query
    if head not in RESERVED_PATHS and _is_name(parts[0]) and "." not in parts[0]:
        return ChannelRef("custom", parts[0])  # a bare vanity URL: youtube.com/NAME
    return None


# Pages that name a channel in their query, each with the parameters tried: the 2006–2011 profile
# page, the old subscribe button (subscription_center?add_user=), the RSS feed and the old
# "user uploads" player (embed?listType=user_uploads&list=NAME).
QUERY_PATHS = {"profile": (("user", "username"),), "subscription_center": (("add_user", "username"),),
               "feeds": (("channel_id", "id"), ("user", "username")), "embed": (("list", "username"),)}


def _channel_from_query(parts: list[str], query: dict[str, list[str]]) -> ChannelRef | None:
    """The channel a page of ``QUERY_PATHS`` names in its query (``/profile?user=N``, …), or None."""
    head = parts[0].lower()
    if head not in QUERY_PATHS or len(parts) > (2 if head == "feeds" else 1):
        return None
    if head == "feeds" and parts[1:] != ["videos.xml"] or head == "embed" and \
            (query.get("listType") or [""])[0] != "user_uploads":
        return None
    for name, kind in QUERY_PATHS[head]:
        value = (query.get(name) or [""])[0].strip()
        if kind == "id" and CHANNEL_ID.match(value):
            return ChannelRef("id", value)
        if kind == "username" and _is_name(value):
            return ChannelRef("username", value)
    return None


def _is_name(text: str) -> bool:
    """A user or custom name: letters (any script), digits and ``_ - .``, nothing else."""
    return bool(text) and len(text) <= 100 and all(
        ch.isalnum() or ch in "_-." or unicodedata.category(ch).startswith("M") for ch in text)


# The video half: every address form a page of 2008 to today uses for one video (see the README's
# "Video links and embeds"). Hosts: youtube.com with any subdomain (www, m, music, the 2008-era
# country ones such as nl.), youtu.be, youtube-nocookie.com and the Flash-era youtube.googleapis.com.
SHORT_HOSTS = {"youtu.be", "www.youtu.be"}
OTHER_VIDEO_HOSTS = {"youtube-nocookie.com", "www.youtube-nocookie.com", "youtube.googleapis.com"}
THUMBNAIL_HOST = re.compile(r"^(?:i\d?\.ytimg\.com|img\.youtube\.com)$")
# /PREFIX/ID forms: embed (iframes), v and e (Flash players), shorts, live; vi and vi_webp (thumbnails).
VIDEO_PATHS = frozenset({"embed", "v", "e", "shorts", "live", "vi", "vi_webp"})
# Paths where ``?v=ID`` names the video (``/?v=`` and the old ``/watch.php``, ``/movie`` included).
WATCH_PATHS = frozenset({"", "watch", "watch_popup", "watch.php", "movie", "ytscreeningroom"})
VIDEO_PARAMS = ("v", "vi")
START_PARAMS = ("t", "start", "time_continue")
# Query parameters by which a wrapper carries the address it leads to: YouTube's attribution_link
# (u), oembed (url), redirect (q), consent.youtube.com (continue); Google's /url (q, url); Drupal's
# /media/oembed (url); Outlook safe links (url); Facebook's l.php (u).
WRAPPER_PARAMS = ("u", "url", "q", "continue", "next", "target", "dest")
_LEADING_ID = re.compile(r"([A-Za-z0-9_-]{11})(?![A-Za-z0-9_-])(.*)", re.S)
MAX_WRAPPING = 3


def is_youtube_host(host: str) -> bool:
    """Whether a (lower-case) host serves YouTube pages or players."""
    return (host == "youtube.com" or host.endswith(".youtube.com") or host in SHORT_HOSTS
            or host in OTHER_VIDEO_HOSTS or bool(THUMBNAIL_HOST.match(host)))


def parse_youtube_url(url: str, _depth: int = 0) -> YouTubeRef | None:
    """Classify a URL as a YouTube channel, video or playlist reference, or None if it is not one."""
    url = _unescape(url.strip())
    try:
        parts = urlsplit(url if "://" in url or url.startswith("//") else "https://" + url)
        host = (parts.hostname or "").lower()
    except ValueError:
        return None
    query = parse_qs(parts.query)
    youtube = is_youtube_host(host)
    ref = (_video(host, parts.path, query, parts.fragment) if youtube else None) or _unwrap(query, host, _depth)
    if ref is not None or not youtube or host in SHORT_HOSTS or THUMBNAIL_HOST.match(host):
        return ref
    user_uploads = query.get("listType", [""])[0] == "user_uploads"  # list= is then a user name
    if "list" in query and PLAYLIST_ID.match(query["list"][0]) and not user_uploads:
        return YouTubeRef("playlist", query["list"][0])
    channel = _channel_from_path(parts.path, parts.query)
    return YouTubeRef("channel", str(channel), channel=channel) if channel is not None else None


def _unescape(url: str) -> str:
    """An address as written: HTML entities (``&amp;``, even twice) and a wholly percent-encoded one undone."""
    for _ in range(MAX_WRAPPING):
        if "&" not in url or ";" not in url:
            break
        url = html.unescape(url)
    if url[:8].lower() in ("http%3a%", "https%3a") or ("?" not in url and "%3f" in url.lower()):
        url = unquote(url)
    return url


def _video(host: str, path: str, query: dict[str, list[str]], fragment: str) -> YouTubeRef | None:
    """The video a YouTube address names by its path, its ``v`` parameter or its fragment."""
    segments = [p for p in unquote(path).split("/") if p]
    if host in SHORT_HOSTS:
        return _video_at(segments[0], query, fragment) if segments else None
    if len(segments) >= 2 and segments[0] in VIDEO_PATHS:
        if segments[0] == "embed" and segments[1] in ("videoseries", "live_stream"):
            return None  # a playlist's or a channel's live player: eleven letters, but no video id
        return _video_at(segments[1], query, fragment)
    if "/".join(segments[:1]) in WATCH_PATHS and len(segments) <= 1:
        for name in VIDEO_PARAMS:
            if name in query:
                return _video_at(query[name][0], query, fragment)
    # Old pages: ``#!v=ID``, ``#/watch?v=ID`` and a channel page's ``#p/u/1/ID``.
    inner = fragment.lstrip("!/")
    if inner.startswith(("v=", "watch?")):
        return _video_at(parse_qs(inner.partition("?")[2] or inner).get("v", [""])[0], query, "")
    if inner.startswith("p/"):
        return _video_at(inner.rsplit("/", 1)[-1], query, "")
    return None


def _video_at(text: str, query: dict[str, list[str]], fragment: str) -> YouTubeRef | None:
    """A video whose id starts ``text`` (11 characters, nothing of the id's alphabet after them),
    with a start time from the query, from Flash-era ``&start=`` after the id, or from ``#t=``."""
    match = _LEADING_ID.match(text)
    if match is None or (match.group(2) and match.group(2)[0] not in "&;?#"):
        return None
    extra = parse_qs(match.group(2)[1:]) if match.group(2) else {}
    fragment_query = parse_qs(fragment)
    start = None
    for source in (query, extra, fragment_query):
        for name in START_PARAMS:
            if start is None and name in source:
                start = _parse_start(source[name][0])
    return YouTubeRef("video", match.group(1), start=start)


def _unwrap(query: dict[str, list[str]], host: str, depth: int) -> YouTubeRef | None:
    """The YouTube reference a wrapper (redirect, share or consent link) leads to, if any."""
    if depth >= MAX_WRAPPING:
        return None
    for name in WRAPPER_PARAMS:
        for value in query.get(name, ()):
            if value.startswith("/") and not value.startswith("//") and is_youtube_host(host):
                value = "https://www.youtube.com" + value  # attribution_link?u=/watch?v=…
            if "." not in value.partition("/")[0] and "://" not in value:
                continue  # not an address (a search term, a token)
            ref = parse_youtube_url(value, depth + 1)
            if ref is not None and ref.kind == "video" and ref.start is None:
                # An address pasted unencoded into q= leaves its own &t= among the wrapper's parameters.
                starts = [_parse_start(query[n][0]) for n in START_PARAMS if n in query]
                ref = YouTubeRef("video", ref.value, start=next((s for s in starts if s is not None), None))
            if ref is not None:
                return ref
    return None


def _parse_start(value: str | None) -> int | None:
    """``t=90``, ``t=90s``, ``t=1m30s`` or ``t=1h2m3s`` as seconds."""
    if not value:
        return None
    match = re.fullmatch(r"(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)(?:\.\d+)?s?)?", value.strip())
    if not match or not any(match.groups()):
        return None
    h, m, s = (int(g or 0) for g in match.groups())
    return h * 3600 + m * 60 + s
