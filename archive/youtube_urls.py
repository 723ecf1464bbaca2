"""The YouTube addresses this tool writes: a video's watch page (at a second), its embed player,
its thumbnail, and a channel's page.

One home for them, so the index, the web pages, the exports and the harvest's records write one
form. The forms are YouTube's own: watch pages ``/watch?v=ID&t=Ns`` and the player
``/embed/ID?start=N`` (YouTube's player parameters), channel pages ``/channel/UC…``, ``/@handle``,
``/c/NAME`` and ``/user/NAME`` (support.google.com/youtube/answer/6180214, "Understand your
channel URLs"), thumbnails ``https://i.ytimg.com/vi/ID/hqdefault.jpg`` (as the Data API's
``snippet.thumbnails`` gives them; /work/shared/reference/youtube-api/). Reading addresses back is
``archive.youtube_refs``.

The web pages play a clip in the same player from YouTube's privacy-enhanced host,
``www.youtube-nocookie.com/embed/ID?start=N`` (support.google.com/youtube/answer/171780): it sets
no cookie before it plays.
"""

from __future__ import annotations

from archive.youtube_refs import ChannelRef, parse_channel

__all__ = ["SITE", "PLAYER_ORIGIN", "THUMBNAIL_ORIGIN", "channel_url", "embed_url", "player_url", "thumbnail_url",
           "watch_url"]

SITE = "https://www.youtube.com"
PLAYER_ORIGIN = "https://www.youtube-nocookie.com"  # the privacy-enhanced player (the web pages' CSP frames it)
THUMBNAIL_ORIGIN = "https://i.ytimg.com"  # the image host of thumbnails (the harvest stores them; pages never ask it)
# The path of each kind of channel reference on the site.
_CHANNEL_PATH = {"id": "channel/", "handle": "", "username": "user/", "custom": "c/"}


def watch_url(video_id: str, start: int | None = None) -> str:
    """A video's watch page, at ``start`` seconds when given ("…/watch?v=ID&t=95s")."""
    url = f"{SITE}/watch?v={video_id}"
    return url if start is None else f"{url}&t={int(start)}s"


def embed_url(video_id: str, start: int | None = None) -> str:
    """A video's embed player from the privacy-enhanced host, at ``start`` seconds when given
    ("https://www.youtube-nocookie.com/embed/ID?start=42"): what exports and the pages' embed code
    hand out, so a page that embeds a clip sets no YouTube cookie until it plays."""
    url = f"{PLAYER_ORIGIN}/embed/{video_id}"
    return url if start is None else f"{url}?start={int(start)}"


player_url = embed_url  # the pages' click-to-play player is that same address


def thumbnail_url(video_id: str, size: str = "hqdefault") -> str:
    """A video's thumbnail image (sizes as YouTube names them: default, mqdefault, hqdefault…)."""
    return f"{THUMBNAIL_ORIGIN}/vi/{video_id}/{size}.jpg"


def channel_url(channel: ChannelRef | str) -> str:
    """A channel's page, from a reference or what ``parse_channel`` reads (an id, @handle, stored
    form or URL): "…/channel/UC…", "…/@handle", "…/user/NAME", "…/c/NAME"."""
    ref = channel if isinstance(channel, ChannelRef) else parse_channel(channel)
    return f"{SITE}/{_CHANNEL_PATH[ref.kind]}{ref.value}"
