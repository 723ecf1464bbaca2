"""The YouTube harvester against the local fake Data API: quota, paging, resume, faults."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from archive.config import load_settings
from archive.errors import AuthError, NotFoundError
from archive.harvest import harvest_youtube
from archive.runs import last_run
from archive.status import collect_status, inactive_videos
from archive.store import open_store
from archive.youtube import NS_RESPONSE, NS_VIDEO, parse_video
from tests.conftest import SEED_CHANNEL, dutch_video
from tests.fake_youtube import FakeChannel, FakeVideo, FakeYouTube


def harvest(*channels: str, full: bool = False):
    return harvest_youtube(load_settings(), channels or (SEED_CHANNEL,), full=full)


def video_ids_fetched(fake: FakeYouTube) -> list[str]:
    return [i for call in fake.calls("videos.list") for i in call["id"].split(",")]


def test_a_channel_of_120_videos_costs_exactly_7_units(youtube_env: FakeYouTube, seed_channel: FakeChannel,
                                                       data_dir: Path) -> None:
    summary = harvest()
    assert youtube_env.total_units == 7 == 1 + 2 * 3
    assert dict(youtube_env.units) == {"channels.list": 1, "playlistItems.list": 3, "videos.list": 3}
    assert summary.units == dict(youtube_env.units) and summary.exit_code == 0
    assert summary.total("new") == 120
    assert all(len(call["id"].split(",")) <= 50 for call in youtube_env.calls("videos.list"))
    assert "search.list" not in youtube_env.hits
    with open_store(data_dir) as store:
        assert store.count(NS_VIDEO) == 120
        video = parse_video(store.read_json(store.latest(NS_VIDEO, "vid00000120")))
        assert video.title == "Duurzaam meedoen: impressie 120" and video.language == "nl"
        # every raw response is archived: 1 channel + 3 pages + 3 batches
        assert store.count(NS_RESPONSE) == 7
        page = next(v for v in store.iter_latest(NS_RESPONSE) if v.method == "playlistItems.list")
        assert store.read_json(page)["kind"] == "youtube#playlistItemListResponse"
        assert "key" not in (page.params or {}) and "REDACTED" in (page.url or "")
    run = last_run(data_dir)
    assert run["command"] == "harvest youtube" and run["units_total"] == 7 and run["totals"]["new"] == 120


def test_second_run_with_three_new_uploads_costs_at_most_3_units(youtube_env: FakeYouTube,
                                                                 seed_channel: FakeChannel) -> None:
    harvest()
    youtube_env.units.clear()
    youtube_env.requests.clear()
    for n in (121, 122, 123):
        seed_channel.upload(dutch_video(n))
    summary = harvest()
    assert youtube_env.total_units <= 3
    assert sorted(video_ids_fetched(youtube_env)) == ["vid00000121", "vid00000122", "vid00000123"]
    assert summary.total("new") == 3 and summary.channels[0].mode == "incremental"


def test_an_unchanged_channel_costs_one_unit_per_incremental_run(youtube_env: FakeYouTube,
                                                                 seed_channel: FakeChannel) -> None:
    harvest()
    youtube_env.units.clear()
    summary = harvest()
    assert dict(youtube_env.units) == {"playlistItems.list": 1}
    assert summary.total("new") == 0 and summary.channels[0].completed


def test_quota_stop_after_4_units_resumes_without_fetching_anything_twice(
        youtube_env: FakeYouTube, seed_channel: FakeChannel, data_dir: Path) -> None:
    youtube_env.quota_limit = 4
    first = harvest()
    assert first.stopped_by_quota and first.exit_code == 4
    assert youtube_env.total_units == 4 and sum(first.units.values()) == 4
    assert "quotaExceeded" in first.failures[0]
    youtube_env.quota_limit = None
    second = harvest()
    assert second.exit_code == 0 and second.channels[0].completed
    assert youtube_env.total_units == 7
    fetched = video_ids_fetched(youtube_env)
    assert len(fetched) == len(set(fetched)) == 120
    tokens = [call.get("pageToken") for call in youtube_env.calls("playlistItems.list")]
    assert len(tokens) == len(set(tokens)) == 3
    assert len(youtube_env.calls("channels.list")) == 1
    with open_store(data_dir) as store:
        assert store.count(NS_VIDEO) == 120
    assert collect_status(data_dir)["quota_units_per_day"].popitem()[1]["total"] == 7


def test_quota_exceeded_is_not_retried(youtube_env: FakeYouTube, seed_channel: FakeChannel) -> None:
    youtube_env.quota_limit = 0
    summary = harvest()
    assert summary.stopped_by_quota
    assert sum(youtube_env.hits.values()) == 1


def test_server_errors_and_rate_limits_are_retried_and_the_run_succeeds(
        youtube_env: FakeYouTube, seed_channel: FakeChannel, monkeypatch: pytest.MonkeyPatch) -> None:
    waits: list[float] = []
    monkeypatch.setattr("archive.youtube_api.backoff_sleep", waits.append)
    youtube_env.fail_next(500, times=2)
    youtube_env.fail_next(429, method="playlistItems.list")
    youtube_env.fail_next(503, method="videos.list")
    youtube_env.fail_next(403, method="videos.list")  # 403 rateLimitExceeded
    summary = harvest()
    assert summary.exit_code == 0 and summary.total("new") == 120
    assert len(waits) == 5 and all(w > 0 for w in waits)
    assert youtube_env.total_units == 7  # refused requests cost nothing


def test_a_channel_whose_errors_outlast_the_retries_fails_and_resumes_next_run(
        youtube_env: FakeYouTube, seed_channel: FakeChannel) -> None:
    youtube_env.fail_next(500, times=10, method="videos.list")
    first = harvest()
    assert first.exit_code == 1 and "HTTP 500 backendError" in first.failures[0]
    second = harvest()
    assert second.exit_code == 0 and second.total("new") == 120


def test_invalid_key_is_an_auth_error_without_the_key(youtube_env: FakeYouTube, seed_channel: FakeChannel,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("YOUTUBE_API_KEY", "AIzaWrongKey1234567890")
    with pytest.raises(AuthError) as info:
        harvest()
    assert "API key not valid" in str(info.value) and "AIzaWrongKey" not in str(info.value)
    assert sum(youtube_env.hits.values()) == 1  # never retried


def test_an_unknown_channel_is_reported_by_name(youtube_env: FakeYouTube, seed_channel: FakeChannel) -> None:
    with pytest.raises(NotFoundError, match="@bestaatniet"):
        harvest("@bestaatniet")
    with pytest.raises(NotFoundError, match="channel not found: UCzzzzzzzzzzzzzzzzzzzzzz"):
        harvest("UCzzzzzzzzzzzzzzzzzzzzzz")


@pytest.mark.parametrize("ref", ["@duurzaammeedoen", "https://www.youtube.com/@DuurzaamMeedoen",
                                 "https://www.youtube.com/user/DuurzaamMeedoen",
                                 "https://www.youtube.com/c/duurzaammeedoen",
                                 f"https://www.youtube.com/channel/{SEED_CHANNEL}/videos"])
def test_every_channel_form_resolves_for_one_channels_list_unit(ref: str, youtube_env: FakeYouTube,
                                                               seed_channel: FakeChannel) -> None:
    summary = harvest(ref)
    assert summary.channels[0].channel == SEED_CHANNEL and summary.total("new") == 120
    assert youtube_env.total_units == 7
    youtube_env.units.clear()
    harvest(ref)  # the handle is remembered: no lookup again
    assert "channels.list" not in youtube_env.units


def test_deleted_and_privated_videos_become_inactive_and_keep_their_data(
        youtube_env: FakeYouTube, seed_channel: FakeChannel, data_dir: Path) -> None:
    harvest()
    by_id = {v.id: v for v in seed_channel.videos}
    by_id["vid00000050"].state = "removed"   # gone from the uploads list
    by_id["vid00000060"].state = "private"   # listed as "Private video"
    by_id["vid00000070"].state = "deleted"   # listed as "Deleted video"
    summary = harvest()
    assert summary.total("deactivated") == 3 and summary.exit_code == 0
    assert summary.channels[0].mode == "full"  # the list changed size, so the run looked at all of it
    with open_store(data_dir) as store:
        inactive = inactive_videos(store)
        assert set(inactive) == {"vid00000050", "vid00000060", "vid00000070"}
        assert inactive["vid00000060"]["reason"] == "private"
        assert inactive["vid00000050"]["since"].startswith("20")
        old = parse_video(store.read_json(store.latest(NS_VIDEO, "vid00000050")))
        assert old.title == "Duurzaam meedoen: impressie 50"
    status = collect_status(data_dir)
    assert status["videos"] == {"active": 117, "inactive": 3}
    # back online: active again
    by_id["vid00000060"].state = "public"
    again = harvest(full=True)
    assert again.total("reactivated") == 1
    with open_store(data_dir) as store:
        assert set(inactive_videos(store)) == {"vid00000050", "vid00000070"}


def test_title_and_description_changes_keep_the_old_version(youtube_env: FakeYouTube, seed_channel: FakeChannel,
                                                           data_dir: Path) -> None:
    harvest()
    video = seed_channel.videos[10]
    video.title = "Taakroulatie bij Alfa Laval (nieuwe titel)"
    video.views += 5000  # statistics alone never make a version
    seed_channel.videos[11].views += 10
    summary = harvest(full=True)
    assert summary.total("changed") == 1 and summary.total("unchanged") == 119
    with open_store(data_dir) as store:
        history = store.history(NS_VIDEO, video.id)
        titles = [parse_video(store.read_json(v)).title for v in history]
        assert titles == [f"Duurzaam meedoen: impressie {int(video.id[3:])}", video.title]
        assert len(store.history(NS_VIDEO, seed_channel.videos[11].id)) == 1


def test_live_upcoming_and_bare_videos_are_archived(youtube_env: FakeYouTube, data_dir: Path) -> None:
    channel = youtube_env.add_channel(FakeChannel("UCPtYgjmUhBel31iEl2hpChY", "Kennisbank Sociale Innovatie",
                                                  handle="@kennisbanksocialeinnovatie"))
    channel.videos = [
        FakeVideo("liveNOWvid1", "Live: netwerkbijeenkomst", live="live"),
        FakeVideo("upcomingv01", "Binnenkort: webinar zelfroosteren", live="upcoming"),
        FakeVideo("bareVideo01", "Zonder tags en taal", tags=None, language=None, description=""),
    ]
    summary = harvest("@kennisbanksocialeinnovatie")
    assert summary.total("new") == 3
    with open_store(data_dir) as store:
        videos = {v.key: parse_video(store.read_json(v)) for v in store.iter_latest(NS_VIDEO)}
    assert videos["liveNOWvid1"].live == "live" and videos["liveNOWvid1"].duration == 0
    assert videos["upcomingv01"].live == "upcoming"
    assert videos["bareVideo01"].tags == () and videos["bareVideo01"].language is None


def test_an_empty_channel_completes_for_two_units(youtube_env: FakeYouTube) -> None:
    youtube_env.add_channel(FakeChannel("UCemptyemptyemptyempty00", "Leeg kanaal"))
    summary = harvest("UCemptyemptyemptyempty00")
    assert summary.exit_code == 0 and summary.channels[0].completed
    assert youtube_env.total_units == 2


def test_channels_found_on_case_pages_are_harvested_when_none_are_given(
        youtube_env: FakeYouTube, seed_channel: FakeChannel, data_dir: Path) -> None:
    with open_store(data_dir) as store:
        store.set_state("site/channels", [f"https://www.youtube.com/channel/{SEED_CHANNEL}"])
    summary = harvest_youtube(load_settings(), ())
    assert [c.channel for c in summary.channels] == [SEED_CHANNEL]
    assert summary.total("new") == 120


def test_the_api_key_is_nowhere_in_the_archive(youtube_env: FakeYouTube, seed_channel: FakeChannel,
                                               data_dir: Path) -> None:
    youtube_env.fail_next(500)
    harvest()
    youtube_env.quota_limit = youtube_env.total_units
    harvest(full=True)
    import gzip
    key = youtube_env.api_key.encode()
    for path in data_dir.rglob("*"):
        if path.is_file():
            raw = path.read_bytes()
            assert key not in raw, path
            if path.suffix == ".gz":
                assert key not in gzip.decompress(raw), path
    assert json.dumps(last_run(data_dir)).find(youtube_env.api_key) == -1
