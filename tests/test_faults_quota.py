"""The YouTube quota running out mid-run: exit 4, what was harvested is indexed, and the next run
resumes without asking for anything twice."""

from __future__ import annotations

import json
from collections import Counter

from archive.store import open_store
from archive.youtube import NS_VIDEO
from tests.update_world import World, result_ids, world  # noqa: F401 (the fixture)


def test_quota_stop_exits_4_indexes_what_it_has_and_resumes_without_repeats(world: World) -> None:
    world.youtube.quota_limit = 5  # the second channel's uploads are listed, its videos not fetched
    report = world.update()
    assert report.exit_code == 4
    summary = json.loads(report.summary_path.read_text(encoding="utf-8"))  # type: ignore[union-attr]
    assert summary["status"] == "quota" and summary["sources"]["youtube"]["status"] == "quota"
    assert summary["units"] == {"channels.list": 2, "playlistItems.list": 2, "videos.list": 1}
    assert report.step("transcripts").status == "done"  # type: ignore[union-attr]
    assert report.step("index").status == "done"  # type: ignore[union-attr]
    assert result_ids(world, "taakroulatie")  # the platform was indexed all the same
    with open_store(world.data_dir) as store:
        first = store.count(NS_VIDEO)
    assert 0 < first < 17

    world.youtube.quota_limit = None  # the next Pacific day
    again = world.update()
    assert again.exit_code == 0
    with open_store(world.data_dir) as store:
        assert store.count(NS_VIDEO) == 17
    asked = Counter(video for call in world.youtube.calls("videos.list") for video in call["id"].split(","))
    assert set(asked.values()) == {1}, "a video was fetched twice"
    channel_calls = [json.dumps(c, sort_keys=True) for c in world.youtube.calls("channels.list")]
    assert len(channel_calls) == len(set(channel_calls)) == 2
    # The resumed run paid for the missing batch and one new-upload check of the finished channel.
    assert again.step("youtube").units == {"videos.list": 1, "playlistItems.list": 1}  # type: ignore[union-attr]
