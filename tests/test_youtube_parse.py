"""Parsing recorded Data API responses (real shapes from public repositories) and error bodies."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from archive.youtube import parse_duration, parse_video, playlist_item_video
from archive.youtube_api import error_reasons

FIXTURES = Path(__file__).parent / "fixtures" / "youtube"


def load(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def test_a_full_video_resource_is_parsed() -> None:
    video = parse_video(load("testdata__modeldata__videos__video_api_response.json")["items"][0])
    assert video.id == "D-lhorsDlUQ"
    assert video.title == "What are Actions on Google (Assistant on Air)"
    assert video.channel_id == "UC_x5XG1OV2P6uZZ5FSM9Ttw"
    assert video.duration == 21 * 60 + 7
    assert video.language == "en" and video.has_captions is True
    assert len(video.tags) == 20 and video.tags[0] == "Google"
    assert video.privacy == "public" and video.view_count == 7920
    assert video.thumbnail == "https://i.ytimg.com/vi/D-lhorsDlUQ/hqdefault.jpg"


def test_a_video_without_tags_language_or_content_details_is_parsed() -> None:
    video = parse_video(load("tests__data__video_metadata.json")["items"][0])
    assert video.id == "kNbhUWLH_yY"
    assert video.tags == () and video.language is None and video.description == ""
    assert video.duration is None and video.privacy is None and video.has_captions is False
    assert video.view_count == 10


def test_each_video_of_a_multi_item_response_is_parsed() -> None:
    items = load("tests__fixtures__video_response_1.json")["items"]
    videos = [parse_video(item) for item in items]
    assert [v.duration for v in videos] == [parse_duration(i["contentDetails"]["duration"]) for i in items]
    assert any(v.language is None for v in videos) and any(v.language for v in videos)


@pytest.mark.parametrize("text, seconds", [
    ("PT21M7S", 1267), ("PT1H2M3S", 3723), ("PT45S", 45), ("P1DT2H", 93600), ("P0D", 0), ("PT2M", 120),
    ("", None), ("PT", None), ("21:07", None), (None, None),
])
def test_iso_durations(text: str | None, seconds: int | None) -> None:
    assert parse_duration(text) == seconds


def test_playlist_items_give_their_video_ids() -> None:
    page = load("testdata__apidata__playlist_items__playlist_items_paged_1.json")
    assert playlist_item_video(page["items"][0]) == ("CvTApw9X8aA", None)
    with_details = load("tests__fixtures__playlist_item_response_snippet_content_details.json")["items"]
    assert all(playlist_item_video(item)[0] == item["contentDetails"]["videoId"] for item in with_details)


@pytest.mark.parametrize("title, privacy, reason", [
    ("Private video", "private", "private"),
    ("Deleted video", "privacyStatusUnspecified", "deleted"),
    ("Deleted video", None, "deleted"),
    ("Een gewone titel", "public", None),
])
def test_hidden_playlist_entries_are_recognised(title: str, privacy: str | None, reason: str | None) -> None:
    item: dict[str, Any] = {"snippet": {"title": title,
                                        "resourceId": {"kind": "youtube#video", "videoId": "abcdefghijk"}}}
    if privacy:
        item["status"] = {"privacyStatus": privacy}
    assert playlist_item_video(item) == ("abcdefghijk", reason)


def test_error_bodies_old_and_new_give_their_reasons() -> None:
    old = json.dumps(load("testdata__error_response.json")).encode()
    assert error_reasons(old) == (["keyInvalid"], "Bad Request")
    new = json.dumps(load("tests__fixtures__youtube_not_activated.json")).encode()
    reasons, message = error_reasons(new)
    assert reasons[:1] == ["accessNotConfigured"] and "SERVICE_DISABLED" in reasons
    assert message.startswith("YouTube Data API v3 has not been used")
    odd = json.dumps(load("testdata__error_response_simple.json")).encode()
    assert error_reasons(odd) == ([], "error message")
    assert error_reasons(b"<html>502 Bad Gateway</html>") == ([], "<html>502 Bad Gateway</html>")
