"""Channel references in every form real pages use, and their stored form reading back the same."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

import pytest
from hypothesis import given
from hypothesis import strategies as st

from archive.errors import InputError
from archive.youtube_refs import RESERVED_PATHS, ChannelRef, parse_channel, parse_youtube_url

FIXTURES = Path(__file__).parent / "fixtures" / "channel_urls" / "channels.tsv"


def _rows() -> list[tuple[str, str, str, str]]:
    rows = []
    for line in FIXTURES.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            text, kind, value, source = line.split("\t")
            rows.append((text, kind, value, source))
    return rows


ROWS = _rows()


@pytest.mark.parametrize("text, kind, value, source", [r for r in ROWS if r[1] != "none"])
def test_real_channel_references_parse(text: str, kind: str, value: str, source: str) -> None:
    ref = parse_channel(text)
    assert (ref.kind, ref.value) == (kind, value), source
    assert parse_channel(str(ref)) == ref  # the stored form reads back as the same channel
    if text.startswith("@"):
        return  # typed, not linked: no URL to find on a page
    found = parse_youtube_url(text)  # a page linking it links the channel
    assert found is not None and found.kind == "channel" and found.channel == ref, source


@pytest.mark.parametrize("text, kind, value, source", [r for r in ROWS if r[1] == "none"])
def test_youtube_pages_that_are_not_channels_are_refused(text: str, kind: str, value: str, source: str) -> None:
    with pytest.raises(InputError):
        parse_channel(text)
    found = parse_youtube_url(text)
    assert found is None or found.kind != "channel", source


def test_the_fixtures_cover_every_kind_of_reference() -> None:
    kinds = {kind for _, kind, _, _ in ROWS}
    assert kinds == {"id", "handle", "username", "custom", "none"}
    assert all(source.strip() for *_, source in ROWS)


def test_stored_forms_of_the_old_harvester_parse() -> None:
    """What the site harvester stored before (``user/NAME``, ``c/NAME``) is a channel, not an error."""
    assert parse_channel("user/DuurzaamMeedoen") == ChannelRef("username", "DuurzaamMeedoen")
    assert parse_channel("c/DuurzaamMeedoen") == ChannelRef("custom", "DuurzaamMeedoen")
    assert parse_channel("/user/DuurzaamMeedoen/videos") == ChannelRef("username", "DuurzaamMeedoen")


def test_names_and_handles_ignore_letter_case_but_ids_do_not() -> None:
    assert parse_channel("https://WWW.YOUTUBE.COM/USER/NASAgovVideo") == parse_channel("youtube.com/user/nasagovvideo")
    assert parse_channel("@NotJustBikes") == parse_channel("https://m.youtube.com/@notjustbikes/videos")
    assert parse_channel("https://www.youtube.com/Channel/UCTwECeGqMZee77BjdoYtI2Q").value == "UCTwECeGqMZee77BjdoYtI2Q"
    assert parse_channel("UCTwECeGqMZee77BjdoYtI2Q") != parse_channel("UCTWECEGQMZEE77BJDOYTI2Q")
    assert str(parse_channel("youtube.com/c/ИгорьКлейнер")) == "c/ИгорьКлейнер"  # kept as written


@pytest.mark.parametrize("text", ["user/", "c/", "https://www.youtube.com/user/", "https://www.youtube.com/@x",
                                  "https://www.youtube.com/watch", "https://www.youtube.com/redirect?q=x",
                                  "https://www.youtube.com/attribution_link?u=/watch", "youtube.com/t/terms",
                                  "https://www.youtube.com/favicon.ico", "https://example.org/user/NAME"])
def test_non_channels_are_refused(text: str) -> None:
    with pytest.raises(InputError):
        parse_channel(text)


# -- every form, generated: parse(str(parse(x))) == parse(x) -----------------------------------

_NAME_CHARS = st.sampled_from(list("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.")
                              + list("éçşğüöäÇŞИгорьКлейнертстテスト조코딩虎智"))
_ID_CHARS = st.sampled_from(list("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-"))
IDS = st.text(_ID_CHARS, min_size=22, max_size=22).map(lambda s: "UC" + s)
NAMES = st.text(_NAME_CHARS, min_size=3, max_size=30).filter(
    lambda s: s.lower() not in RESERVED_PATHS and not s.startswith("."))


@st.composite
def channel_texts(draw: st.DrawFn) -> tuple[str, ChannelRef]:
    """A channel written in any of the ways pages write one, with the reference it names."""
    kind = draw(st.sampled_from(["id", "handle", "username", "custom", "vanity", "profile", "subscribe",
                                 "feed_user", "feed_id", "uploads"]))
    value = draw(IDS if kind in ("id", "feed_id") else NAMES.filter(lambda s: kind != "vanity" or "." not in s))
    case = draw(st.sampled_from([str, str.upper, str.lower, str.title]))
    encode = draw(st.booleans())
    name = quote(value, safe="") if encode else value
    path = {"id": f"/{case('channel')}/{value}", "handle": f"/@{name}", "username": f"/{case('user')}/{name}",
            "custom": f"/{case('c')}/{name}", "vanity": f"/{name}", "profile": "/profile",
            "subscribe": "/subscription_center", "feed_user": "/feeds/videos.xml", "feed_id": "/feeds/videos.xml",
            "uploads": draw(st.sampled_from(["/embed", "/embed/"]))}.get(kind, "")
    # Pages that name the channel in their query (old profile page, subscribe button, RSS feed, player).
    query = {"profile": f"?user={name}", "subscribe": f"?add_user={name}", "feed_user": f"?user={name}",
             "feed_id": f"?channel_id={value}",
             "uploads": draw(st.sampled_from([f"?listType=user_uploads&list={name}",
                                              f"?rel=0&listType=user_uploads&list={name}&autoplay=0"]))}.get(kind)
    if query is None:
        query = draw(st.sampled_from(["", "?view=0&sort=dd", "?si=x1"]))
        path += draw(st.sampled_from(["", "/", "/videos", "/featured", "/about", "/streams", "/playlists",
                                      "/shorts", "/live"]))
    host = case(draw(st.sampled_from(["youtube.com", "www.youtube.com", "m.youtube.com"])))
    scheme = draw(st.sampled_from(["https://", "http://", "", "//"]))
    text = scheme + host + path + query + draw(st.sampled_from(["", "#g/u", "#about"]))
    expected = {"id": "id", "feed_id": "id", "handle": "handle", "custom": "custom", "vanity": "custom"}.get(
        kind, "username")
    return text, ChannelRef(expected, "@" + value if kind == "handle" else value)  # type: ignore[arg-type]


@given(channel_texts())
def test_every_form_parses_and_its_stored_form_reads_back(case: tuple[str, ChannelRef]) -> None:
    text, expected = case
    ref = parse_channel(text)
    assert ref == expected
    assert parse_channel(str(ref)) == ref
    assert str(parse_channel(str(ref))) == str(ref)
    found = parse_youtube_url(text)  # a page linking it this way links the channel
    assert found is not None and found.channel == expected, found


@given(st.one_of(IDS, NAMES.map(lambda s: "@" + s)))
def test_bare_ids_and_handles_read_back(text: str) -> None:
    ref = parse_channel(text)
    assert str(ref) == text and parse_channel(str(ref)) == ref
