"""The opt-in online provider against youtube-transcript-api's real HTTP exchanges, mocked with
``responses``: the watch page (INNERTUBE_API_KEY), the innertube player (captionTracks) and
the timedtext XML. Nothing reaches the network."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Iterator

import pytest
import requests
import responses

from archive.config import Settings, TranscriptSettings
from archive.store import open_store
from archive.transcript_online import PROVIDER
from archive.transcripts import NS_RAW, OUTCOME_STATE, harvest_transcripts, load_transcripts, transcript_gaps
from tests.test_transcripts_harvest import archive_videos

ONLINE = Path(__file__).parent / "fixtures" / "transcripts" / "online"
WATCH = "https://www.youtube.com/watch?v={}"
PLAYER = "https://www.youtube.com/youtubei/v1/player?key=AIzaSyAO_FJ2SlqU8Q4STEHLGCilw_Y9_11qcW8"
TIMEDTEXT = "https://www.youtube.com/api/timedtext"
VIDEO = "ZhyiA4uoRgn"


def player(name: str) -> Any:
    return json.loads((ONLINE / name).read_text(encoding="utf-8"))


def tracks(keep: set[str]) -> Any:
    """The captions player response with only the tracks whose vssId is in ``keep``."""
    data = player("player_captions.json")
    renderer = data["captions"]["playerCaptionsTracklistRenderer"]
    renderer["captionTracks"] = [t for t in renderer["captionTracks"] if t["vssId"] in keep]
    return data


@pytest.fixture
def youtube() -> Iterator[responses.RequestsMock]:
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock


def serve(mock: responses.RequestsMock, video_id: str, player_json: Any, *, timedtext: bool = True) -> None:
    """What YouTube answers for one video: the watch page, the player, and the caption XML."""
    mock.add(responses.GET, WATCH.format(video_id), body=(ONLINE / "watch_page.html").read_text(encoding="utf-8"),
             content_type="text/html; charset=utf-8")
    mock.add(responses.POST, PLAYER, json=player_json,
             match=[responses.matchers.json_params_matcher({"videoId": video_id}, strict_match=False)])
    if timedtext:
        mock.add(responses.GET, TIMEDTEXT, body=(ONLINE / "timedtext_nl.xml").read_text(encoding="utf-8"),
                 content_type="text/xml; charset=UTF-8")


def online_settings(data_dir: Path, **overrides: Any) -> Settings:
    return Settings(data_dir=data_dir, transcripts=TranscriptSettings(online=True, online_delay=0.5, **overrides))


def test_a_manual_dutch_track_is_preferred_and_archived(youtube: responses.RequestsMock, data_dir: Path) -> None:
    archive_videos(data_dir, VIDEO)
    serve(youtube, VIDEO, player("player_captions.json"))
    summary = harvest_transcripts(online_settings(data_dir), sleep=lambda s: None)
    assert summary.outcomes == {"found": 1} and summary.exit_code == 0
    asked = [c.request.url for c in youtube.calls if c.request.url.startswith(TIMEDTEXT)]
    assert len(asked) == 1 and "lang=nl" in asked[0] and "kind=asr" not in asked[0]
    with open_store(data_dir) as store:
        version = store.latest(NS_RAW, f"{VIDEO}.nl.manual")
        assert version is not None and version.meta["provider"] == PROVIDER
        assert version.url == f"https://www.youtube.com/api/timedtext?v={VIDEO}&lang=nl"  # no signature, no ip
        assert store.read_json(version)["snippets"][0]["text"].startswith("Ik ben Ingrid")
        (transcript,) = load_transcripts(store)
    assert (transcript.kind, transcript.provider) == ("manual", PROVIDER)
    text = " ".join(p.text for p in transcript.passages)
    assert "door de taakroulatie heb ik minder last van mijn rug" in text
    assert "'s middags" in text and "Muziek" not in text


def test_only_an_auto_generated_track_is_archived_as_auto(youtube: responses.RequestsMock, data_dir: Path) -> None:
    archive_videos(data_dir, VIDEO)
    serve(youtube, VIDEO, tracks({"a.nl", ".en"}))
    harvest_transcripts(online_settings(data_dir), sleep=lambda s: None)
    with open_store(data_dir) as store:
        assert store.keys(NS_RAW) == [f"{VIDEO}.nl.auto"]  # auto Dutch beats manual English


@pytest.mark.parametrize("answer, outcome, exit_code", [
    ("player_transcripts_disabled.json", "disabled", 0),
    ("player_video_unavailable.json", "unavailable", 0),
    ("player_request_blocked.json", "blocked", 1),
])
def test_refusals_are_recorded_outcomes(youtube: responses.RequestsMock, data_dir: Path, answer: str,
                                        outcome: str, exit_code: int) -> None:
    archive_videos(data_dir, VIDEO)
    serve(youtube, VIDEO, player(answer), timedtext=False)
    summary = harvest_transcripts(online_settings(data_dir), sleep=lambda s: None)
    assert summary.outcomes == {outcome: 1} and summary.exit_code == exit_code
    with open_store(data_dir) as store:
        assert store.keys(NS_RAW) == []
        assert store.get_state(OUTCOME_STATE + VIDEO)[PROVIDER]["outcome"] == outcome
        assert store.last_fetch(NS_RAW, VIDEO)["outcome"] == outcome
        assert transcript_gaps(store, online_settings(data_dir)) == {VIDEO: outcome}


def test_no_track_in_a_configured_language_is_wrong_language(youtube: responses.RequestsMock,
                                                             data_dir: Path) -> None:
    archive_videos(data_dir, VIDEO)
    serve(youtube, VIDEO, tracks({".en"}), timedtext=False)
    summary = harvest_transcripts(online_settings(data_dir, languages=("nl",)), sleep=lambda s: None)
    assert summary.outcomes == {"wrong language": 1}
    with open_store(data_dir) as store:
        assert store.get_state(OUTCOME_STATE + VIDEO)[PROVIDER]["detail"] == "tracks: en"


def test_an_ip_block_stops_the_run_and_leaves_the_rest_for_next_time(youtube: responses.RequestsMock,
                                                                     data_dir: Path) -> None:
    archive_videos(data_dir, "U8po-799Nks", "VOqg6YYZYn9")
    youtube.add(responses.GET, WATCH.format("U8po-799Nks"), status=429, body="<html>Too many requests</html>")
    summary = harvest_transcripts(online_settings(data_dir), sleep=lambda s: None)
    assert summary.outcomes == {"blocked": 1} and summary.exit_code == 1
    assert summary.online.startswith("stopped: blocked after 1 of 2")
    assert all("VOqg6YYZYn9" not in c.request.url for c in youtube.calls)


def test_a_connection_error_is_a_failed_outcome_not_a_crash(youtube: responses.RequestsMock, data_dir: Path) -> None:
    archive_videos(data_dir, VIDEO)
    youtube.add(responses.GET, WATCH.format(VIDEO), body=requests.exceptions.ConnectionError("network down"))
    summary = harvest_transcripts(online_settings(data_dir), sleep=lambda s: None)
    assert summary.outcomes == {"failed": 1} and "network down" in summary.failures[0]


def test_requests_are_spaced_and_the_budget_is_kept(youtube: responses.RequestsMock, data_dir: Path) -> None:
    ids = ["U8po-799Nks", "VOqg6YYZYn9", "ZhyiA4uoRgn"]
    archive_videos(data_dir, *ids)
    for video_id in ids:
        serve(youtube, video_id, player("player_transcripts_disabled.json"), timedtext=False)
    slept: list[float] = []
    summary = harvest_transcripts(online_settings(data_dir, online_budget=2), sleep=slept.append)
    assert summary.outcomes == {"disabled": 2} and slept == [0.5]
    # A final answer is not asked again next run; the video not yet asked is.
    again = harvest_transcripts(online_settings(data_dir, online_budget=2), sleep=slept.append)
    assert again.outcomes == {"disabled": 1}
    assert sum(1 for c in youtube.calls if c.request.url.startswith("https://www.youtube.com/watch")) == 3


def test_videos_with_a_transcript_are_not_asked_online(youtube: responses.RequestsMock, data_dir: Path) -> None:
    archive_videos(data_dir, VIDEO)
    serve(youtube, VIDEO, player("player_captions.json"))
    harvest_transcripts(online_settings(data_dir), sleep=lambda s: None)
    calls = len(youtube.calls)
    assert harvest_transcripts(online_settings(data_dir), sleep=lambda s: None).online == "asked 0 videos"
    assert len(youtube.calls) == calls
