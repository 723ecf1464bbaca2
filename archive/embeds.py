"""Where a page or a note carries a YouTube address: in any attribute, as a player's bare id, in text.

Pages embed a video in many ways (the README's "Video links and embeds" lists them): an iframe's
``src``, or the attribute a consent manager or lazy loader moved it to (``data-src``,
``data-cookieblock-src``, ``data-src-cmplz``, ``uc-src``, ``data-lazy-src``…), a Flash
``<param value>``, a player stand-in that holds only the id (``<lite-youtube videoid>``,
``data-plyr-embed-id``, tarteaucitron's ``videoID``), JSON or HTML inside an attribute (Elementor's
``data-settings``, ``srcdoc``), or the bare address as text (CMS embed blocks). Rather than one rule
per vendor, every attribute is read: a value that mentions a YouTube host is an address (or holds
some), and the id attributes below count on an element that says it is a YouTube player.
"""

from __future__ import annotations

import re
from typing import Iterator
from urllib.parse import urljoin

from bs4 import Tag

from archive.youtube_refs import VIDEO_ID, parse_youtube_url
from archive.youtube_urls import watch_url

# Attributes that hold a bare video id on a player stand-in: lite-youtube (videoid), tarteaucitron
# (videoID, lower-cased by the parser), plyr (data-plyr-embed-id), WP Rocket (data-id), the
# "div.youtube[data-embed]" lazy pattern, jQuery Lazy's data-loader="yt" data-src, and the common
# data-video-id / data-youtube-id / data-ytid.
ID_ATTRIBUTES = ("videoid", "video-id", "data-videoid", "data-video-id", "data-youtube-id", "data-youtube",
                 "data-ytid", "data-yt-id", "data-embed", "data-embed-id", "data-plyr-embed-id", "data-id",
                 "data-vid", "data-src")
# An element says it is a YouTube player by its tag, an attribute's name, its class or id, or a
# value such as data-plyr-provider="youtube" / data-loader="yt".
_YOUTUBE_NAME = re.compile(r"youtu|(?:^|[-_\s])yt(?:$|[-_\s]|id)", re.I)
_HINT = re.compile(r"youtu|ytimg", re.I)
# A YouTube address in text, with or without a scheme; not part of a longer host or a percent-encoded one.
_ADDRESS = re.compile(
    r"(?<![\w@.%-])(?:(?:https?:)?//)?(?:[\w-]+\.)*(?:youtube(?:-nocookie|\.googleapis)?\.com|youtu\.be|ytimg\.com)"
    r"/[^\s<>\"'`()\[\]{}|\\^]+", re.I)
# Any address with a scheme, for wrappers that carry a YouTube address inside (google.com/url?q=…).
_ANY_URL = re.compile(r"https?://[^\s<>\"'`()\[\]{}|\\^]+", re.I)
_TRAILING = ".,;:!?'\"»”’*"


def addresses_in_text(text: str) -> list[str]:
    """The YouTube addresses written in a text, bare or inside a wrapper, in order, trailing punctuation off."""
    text = text.replace("\\/", "/")  # JSON in an attribute (Elementor's data-settings) escapes slashes
    found = [(m.start(), m.group(0)) for m in _ANY_URL.finditer(text) if _HINT.search(m.group(0))]
    spans = [(at, at + len(url)) for at, url in found]
    found += [(m.start(), m.group(0)) for m in _ADDRESS.finditer(text)
              if not any(a <= m.start() < b for a, b in spans)]
    return [url.rstrip(_TRAILING) for _, url in sorted(found)]


def is_player(tag: Tag) -> bool:
    """Whether an element says it is (or stands in for) a YouTube player."""
    if _YOUTUBE_NAME.search(tag.name):
        return True
    for name, value in tag.attrs.items():
        text = " ".join(value) if isinstance(value, list) else str(value)
        if _YOUTUBE_NAME.search(name) or (name in ("class", "id") and _YOUTUBE_NAME.search(text)):
            return True
        if text.strip().lower() in ("youtube", "yt"):
            return True
    return False


def tag_addresses(tag: Tag, base: str) -> Iterator[tuple[str, str]]:
    """The YouTube addresses one element carries in its attributes: (address, where) pairs."""
    for name, value in tag.attrs.items():
        text = (" ".join(value) if isinstance(value, list) else str(value)).strip()
        if not _HINT.search(text):
            continue
        # One address (a relative one, like Drupal's /media/oembed, made whole), else HTML (srcdoc),
        # CSS (style) or JSON (data-settings) with addresses inside.
        whole = urljoin(base, text) if text.startswith("/") and not text.startswith("//") else text
        if not re.search(r"[\s<{]", text) and parse_youtube_url(whole) is not None:
            yield whole, name
        else:
            for address in addresses_in_text(text):
                yield address, name
    player = None
    for name in ID_ATTRIBUTES:
        value = str(tag.get(name) or "").strip()
        if VIDEO_ID.match(value):
            player = is_player(tag) if player is None else player
            if player:
                yield watch_url(value), name


def carries_video(tag: Tag) -> bool:
    """Whether an element's own attributes name a YouTube video (not its text, not its children)."""
    for address, _ in tag_addresses(tag, ""):
        ref = parse_youtube_url(address)
        if ref is not None and ref.kind == "video":
            return True
    return False


def html_addresses(root: Tag, base: str) -> Iterator[tuple[str, str, Tag | None]]:
    """Every YouTube address under ``root``, in document order: (address, attribute, element), then the
    addresses written in its text (attribute ``""``, element None)."""
    for tag in root.find_all(True):
        for address, name in tag_addresses(tag, base):
            yield address, name, tag
    for address in addresses_in_text(root.get_text(" ")):
        yield address, "", None


def addresses_across_lines(text: str) -> list[str]:
    """The YouTube addresses in a text whose long addresses may be wrapped onto the next line (PDFs do
    that): an address that ends a line and is no reference on its own goes on with the next line's
    first word when that makes it one."""
    lines = text.splitlines()
    found: list[str] = []
    for number, line in enumerate(lines):
        here = addresses_in_text(line)
        ends_line = bool(here) and line.rstrip().endswith(here[-1])
        if ends_line and number + 1 < len(lines) and parse_youtube_url(here[-1]) is None:
            follow = (lines[number + 1].split() or [""])[0]
            joined = (here[-1] + follow).rstrip(_TRAILING)
            if follow and parse_youtube_url(joined) is not None:
                here[-1] = joined
        found.extend(here)
    return found
