"""Channel and video references in every form people and pages write them."""

from __future__ import annotations

import pytest

from archive.errors import InputError
from archive.youtube_refs import ChannelRef, parse_channel, parse_youtube_url


@pytest.mark.parametrize("text, expected", [
    ("UC6XpRSGS236lYZmcCjkBE4g", ChannelRef("id", "UC6XpRSGS236lYZmcCjkBE4g")),
    (" @duurzaammeedoen ", ChannelRef("handle", "@duurzaammeedoen")),
    ("@kennisbank.sociale-innovatie_2", ChannelRef("handle", "@kennisbank.sociale-innovatie_2")),
    ("https://www.youtube.com/channel/UC6XpRSGS236lYZmcCjkBE4g", ChannelRef("id", "UC6XpRSGS236lYZmcCjkBE4g")),
    ("https://www.youtube.com/channel/UC6XpRSGS236lYZmcCjkBE4g/videos?view=0",
     ChannelRef("id", "UC6XpRSGS236lYZmcCjkBE4g")),
    ("youtube.com/@duurzaammeedoen/featured", ChannelRef("handle", "@duurzaammeedoen")),
    ("https://m.youtube.com/@duurzaammeedoen", ChannelRef("handle", "@duurzaammeedoen")),
    ("https://www.youtube.com/user/DuurzaamMeedoen", ChannelRef("username", "DuurzaamMeedoen")),
    ("https://www.youtube.com/c/DuurzaamMeedoen", ChannelRef("custom", "DuurzaamMeedoen")),
])
def test_channel_forms_are_recognised(text: str, expected: ChannelRef) -> None:
    assert parse_channel(text) == expected


@pytest.mark.parametrize("text, message", [
    ("@x", "not a valid YouTube handle"),
    ("@has space", "not a valid YouTube handle"),
    ("UC123", "not a YouTube channel"),
    ("https://vimeo.com/channels/staffpicks", "not a YouTube channel"),
    ("https://www.youtube.com/watch?v=dQw4w9WgXcQ", "not a YouTube channel URL"),
    ("https://www.youtube.com/", "not a YouTube channel URL"),
])
def test_malformed_channels_are_refused_with_a_reason(text: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        parse_channel(text)


@pytest.mark.parametrize("url, kind, value, start", [
    ("https://www.youtube.com/watch?v=gCfrL1spNxn", "video", "gCfrL1spNxn", None),
    ("https://www.youtube.com/watch?v=gCfrL1spNxn&t=95s", "video", "gCfrL1spNxn", 95),
    ("https://youtu.be/yVmihA_2O76?t=1m30s", "video", "yVmihA_2O76", 90),
    ("https://www.youtube.com/embed/UMFxFkM_R5K?start=42", "video", "UMFxFkM_R5K", 42),
    ("https://www.youtube-nocookie.com/embed/UMFxFkM_R5K", "video", "UMFxFkM_R5K", None),
    ("https://www.youtube.com/shorts/jp1vRt-1fjO", "video", "jp1vRt-1fjO", None),
    ("https://www.youtube.com/playlist?list=PLk3Sx9v0Qb2nL7Yd1cRw4Tg8mZp5HjEaF", "playlist",
     "PLk3Sx9v0Qb2nL7Yd1cRw4Tg8mZp5HjEaF", None),
    ("https://www.youtube.com/channel/UC6XpRSGS236lYZmcCjkBE4g", "channel", "UC6XpRSGS236lYZmcCjkBE4g", None),
    ("https://www.youtube.com/@kennisbanksocialeinnovatie", "channel", "@kennisbanksocialeinnovatie", None),
])
def test_youtube_urls_are_classified(url: str, kind: str, value: str, start: int | None) -> None:
    ref = parse_youtube_url(url)
    assert ref is not None
    assert (ref.kind, ref.value, ref.start) == (kind, value, start)


@pytest.mark.parametrize("url", [
    "https://www.kennisbanksocialeinnovatie.nl/kennis/", "https://youtu.be/", "mailto:info@example.nl",
    "https://www.youtube.com/watch?v=short", "http://[::1",
])
def test_other_urls_are_not_youtube_references(url: str) -> None:
    assert parse_youtube_url(url) is None
