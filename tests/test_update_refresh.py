"""The refresh budget: known videos are re-checked a bounded slice a run, stalest first."""

from __future__ import annotations

from dataclasses import replace

from archive.config import load_settings
from archive.harvest import harvest_youtube
from archive.store import open_store
from archive.youtube import NS_VIDEO
from archive.youtube_refresh import plan_refresh
from tests.conftest import SEED_CHANNEL
from tests.fake_youtube import FakeChannel, FakeYouTube

STATE = f"youtube/channel/{SEED_CHANNEL}"


def _age_every_video(data_dir: object) -> list[str]:
    """Pretend every video was last checked long ago, each a minute apart; the ids, stalest first."""
    with open_store(data_dir) as store:  # type: ignore[arg-type]
        state = store.get_state(STATE)
        ids = sorted(state["known"], reverse=True)  # an order unlike the upload order
        for n, video_id in enumerate(ids):
            state["known"][video_id]["checked_at"] = f"2020-01-01T{n // 60:02d}:{n % 60:02d}:00Z"
        store.set_state(STATE, state)
    return ids


def test_refresh_rechecks_the_stalest_videos_within_the_budget(youtube_env: FakeYouTube,
                                                               seed_channel: FakeChannel) -> None:
    settings = load_settings()
    harvest_youtube(settings, [SEED_CHANNEL])
    assert youtube_env.total_units == 7
    stalest = _age_every_video(settings.data_dir)
    seed_channel.videos[5].title = "Nieuwe titel na de montage"  # changed since it was harvested
    changed_id = seed_channel.videos[5].id

    before = youtube_env.total_units
    summary = harvest_youtube(settings, [SEED_CHANNEL])
    # One playlistItems page finds no new upload; the budget (2) buys two batches of 50 re-checks.
    assert youtube_env.total_units - before == 3
    assert summary.units == {"playlistItems.list": 1, "videos.list": 2}
    asked = [call["id"].split(",") for call in youtube_env.calls("videos.list")[-2:]]
    assert asked[0] + asked[1] == stalest[:100]
    assert summary.total("refreshed") == 100
    if changed_id in stalest[:100]:
        assert summary.total("changed") == 1
        with open_store(settings.data_dir) as store:
            assert len(store.history(NS_VIDEO, changed_id)) == 2  # the old title is kept

    before = youtube_env.total_units
    summary = harvest_youtube(settings, [SEED_CHANNEL])
    assert youtube_env.total_units - before == 2 and summary.total("refreshed") == 20
    assert youtube_env.calls("videos.list")[-1]["id"].split(",") == stalest[100:]

    before = youtube_env.total_units
    assert harvest_youtube(settings, [SEED_CHANNEL]).total("refreshed") == 0
    assert youtube_env.total_units - before == 1  # everything is fresh again: only the new-upload check


def test_refresh_budget_zero_turns_rechecks_off(youtube_env: FakeYouTube, seed_channel: FakeChannel) -> None:
    settings = load_settings()
    settings = replace(settings, youtube=replace(settings.youtube, refresh_budget=0))
    harvest_youtube(settings, [SEED_CHANNEL])
    _age_every_video(settings.data_dir)
    before = youtube_env.total_units
    harvest_youtube(settings, [SEED_CHANNEL])
    assert youtube_env.total_units - before == 1


def test_plan_refresh_skips_inactive_and_fills_batches_per_channel() -> None:
    states = {
        "UCa": {"known": {"a1": {"active": True, "checked_at": "2020-01-01T00:00:01Z"},
                          "a2": {"active": False, "checked_at": "2020-01-01T00:00:00Z"},
                          "a3": {"active": True, "checked_at": "2030-01-01T00:00:00Z"}}},
        "UCb": {"known": {"b1": {"active": True}, "b2": {"active": True, "checked_at": "2020-01-01T00:00:02Z"}}},
    }
    assert plan_refresh(states, "2025-01-01T00:00:00Z", budget=5) == [("UCb", ["b1", "b2"]), ("UCa", ["a1"])]
    assert plan_refresh(states, "2025-01-01T00:00:00Z", budget=1) == [("UCb", ["b1", "b2"])]
    assert plan_refresh(states, "2025-01-01T00:00:00Z", budget=2, batch_size=1) == [("UCb", ["b1"]),
                                                                                  ("UCa", ["a1"])]
    assert plan_refresh(states, "2025-01-01T00:00:00Z", budget=0) == []
