"""The one builder of YouTube addresses: each form as YouTube writes it, and each read back by
``archive.youtube_refs`` as the video, start or channel it was built from.

Forms: YouTube's channel URL help (support.google.com/youtube/answer/6180214: /channel/UC…,
/@handle, /c/NAME, /user/NAME), the player's ``start`` parameter, and the Data API's thumbnails
(/work/shared/reference/youtube-api/). Ids and handles are the sample platform's
(archive/sample/) or the help page's (UCUZHFZ9jIKrLroW8LcyJEQQ, @youtubecreators, partnersupport).
"""

from __future__ import annotations

import pytest
from hypothesis import given, strategies as st

from archive.errors import InputError
from archive.youtube_refs import ChannelRef, parse_channel, parse_youtube_url
from archive.youtube_urls import channel_url, embed_url, player_url, thumbnail_url, watch_url

VIDEO = "ZhyiA4uoRgn"  # the sample's "Taakroulatie bij Alfa Laval"
VIDEO_IDS = st.text("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-",
                    min_size=11, max_size=11).filter(
    # /embed/live_stream?channel=… and /embed/videoseries?list=… are players of a channel and a list.
    lambda v: v not in ("live_stream", "videoseries"))


def test_a_watch_url_with_and_without_a_start_second() -> None:
    assert watch_url(VIDEO) == "https://www.youtube.com/watch?v=ZhyiA4uoRgn"
    assert watch_url(VIDEO, 95) == "https://www.youtube.com/watch?v=ZhyiA4uoRgn&t=95s"
    assert watch_url(VIDEO, 0) == "https://www.youtube.com/watch?v=ZhyiA4uoRgn&t=0s"


def test_an_embed_url_with_and_without_a_start_second() -> None:
    assert embed_url(VIDEO) == "https://www.youtube-nocookie.com/embed/ZhyiA4uoRgn"
    assert embed_url(VIDEO, 42) == "https://www.youtube-nocookie.com/embed/ZhyiA4uoRgn?start=42"
    assert embed_url(VIDEO, 0) == "https://www.youtube-nocookie.com/embed/ZhyiA4uoRgn?start=0"


def test_the_pages_player_is_the_embed_player_on_the_privacy_enhanced_host() -> None:
    assert player_url(VIDEO) == "https://www.youtube-nocookie.com/embed/ZhyiA4uoRgn"
    assert player_url(VIDEO, 71) == "https://www.youtube-nocookie.com/embed/ZhyiA4uoRgn?start=71"


def test_a_thumbnail_url_in_each_size() -> None:
    assert thumbnail_url(VIDEO) == "https://i.ytimg.com/vi/ZhyiA4uoRgn/hqdefault.jpg"
    assert thumbnail_url(VIDEO, "mqdefault") == "https://i.ytimg.com/vi/ZhyiA4uoRgn/mqdefault.jpg"


@pytest.mark.parametrize(("channel", "url"), [
    ("UCUZHFZ9jIKrLroW8LcyJEQQ", "https://www.youtube.com/channel/UCUZHFZ9jIKrLroW8LcyJEQQ"),
    ("@kennisbanksocialeinnovatie", "https://www.youtube.com/@kennisbanksocialeinnovatie"),
    ("@youtubecreators", "https://www.youtube.com/@youtubecreators"),
    ("user/partnersupport", "https://www.youtube.com/user/partnersupport"),
    ("c/YouTubeCreators", "https://www.youtube.com/c/YouTubeCreators"),
    ("https://www.youtube.com/channel/UC6XpRSGS236lYZmcCjkBE4g/videos",
     "https://www.youtube.com/channel/UC6XpRSGS236lYZmcCjkBE4g"),
])
def test_a_channel_url_from_an_id_handle_stored_form_or_url(channel: str, url: str) -> None:
    assert channel_url(channel) == url
    assert channel_url(parse_channel(channel)) == url
    assert parse_channel(url) == parse_channel(channel)  # the page it names is that channel's


def test_a_channel_url_from_a_reference_of_each_kind() -> None:
    assert channel_url(ChannelRef("username", "partnersupport")) == "https://www.youtube.com/user/partnersupport"
    assert channel_url(ChannelRef("custom", "YouTubeCreators")) == "https://www.youtube.com/c/YouTubeCreators"


def test_no_channel_url_for_what_is_no_channel() -> None:
    with pytest.raises(InputError):
        channel_url("@x")  # a handle has 3 to 30 characters


@given(VIDEO_IDS, st.one_of(st.none(), st.integers(0, 36_000)))
def test_every_built_video_url_reads_back_as_its_video_and_start(video_id: str, start: int | None) -> None:
    for url in (watch_url(video_id, start), embed_url(video_id, start), player_url(video_id, start)):
        ref = parse_youtube_url(url)
        assert ref is not None and (ref.kind, ref.value) == ("video", video_id), url
        assert (ref.start or None) == (start or None), url
