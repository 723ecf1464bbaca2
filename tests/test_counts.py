"""Numbers that add up: ``status``, ``report`` and the web count the same videos, videos =
active + inactive, and ``show`` finds every video they count; and the channel rule on a world
where a second case starts linking a channel (a kept transcript follows its video's links)."""

from __future__ import annotations

import json
import shutil

from click.testing import CliRunner
from fastapi.testclient import TestClient

from archive.status import collect_status
from index.engine.build import read_links
from index.cli import cli
from index.services.demo import sample_root
from index.services.report import coverage_report
from index.web import create_app
from tests.fake_youtube import FakeChannel, FakeVideo
from tests.update_world import World, add_sentence, result_ids, world  # noqa: F401 (the fixture)

HENDRIKS = "leren-op-de-werkvloer-bij-bouwbedrijf-hendriks"
KINDEROPVANG = "teamleren-in-de-kinderopvang"
EXPLAINER = "pX4nV8cQ2tA"  # the platform channel's "Wat is sociale innovatie?": names no company
PASSAGE = f"passage:{EXPLAINER}:nl:0"  # its transcript's one passage
# Invented caption for the test: no public transcript of this (sample) video exists.
EXPLAINER_VTT = """WEBVTT

00:00:01.000 --> 00:00:06.000
Sociale innovatie begint vaak op een zeepkist in de kantine.
"""
INACTIVE = {"private", "deleted", "removed"}  # the fake's states the harvester must mark inactive


def unlinked_channel() -> FakeChannel:
    """A channel the config names and no case page links, with uploads in every state."""
    channel = FakeChannel("UCcountsUnlinked00000000", "Niet gelinkt kanaal", handle="@nietgelinkt")
    channel.videos = [
        FakeVideo("-counts0001", "Een id die met een streepje begint", caption=True),
        FakeVideo("cntActive02", "Gewoon een film"),
        FakeVideo("cntPrivat03", "Nooit openbaar", state="private"),
        FakeVideo("cntDelete04", "Al weg", state="deleted"),
        FakeVideo("cntLater005", "Later privé"),
        FakeVideo("cntRetitle6", "Eerste titel"),
        FakeVideo("cntGone0007", "Later verwijderd"),
    ]
    return channel


def configure(world: World, channel: FakeChannel) -> None:
    """Harvest ``channel`` too, and read captions from a copy of the sample's plus the explainer's."""
    world.youtube.add_channel(channel)
    captions = world.root / "captions"
    shutil.copytree(sample_root() / "captions", captions)
    (captions / f"{EXPLAINER}.nl.vtt").write_text(EXPLAINER_VTT, encoding="utf-8")
    text = world.config.read_text(encoding="utf-8").replace(str(sample_root() / "captions"), str(captions))
    world.config.write_text(text + f'\n[youtube]\nchannels = ["{channel.id}"]\n', encoding="utf-8")


def expected(world: World) -> dict[str, bool]:
    """Every upload of every fake channel (each was listed by the first run), active or not."""
    return {v.id: v.state not in INACTIVE for c in world.youtube.channels.values() for v in c.videos}


def cli_json(world: World, *args: str) -> object:
    result = CliRunner().invoke(cli, ["--data", str(world.data_dir), *args, "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def check_counts(world: World, without_case: set[str]) -> None:
    """status, report, /status and /api/status agree with the world and add up; show finds each id;
    the report lists ``without_case`` as the videos linked to no case."""
    videos = expected(world)
    active = sum(videos.values())
    status = cli_json(world, "status")
    report = cli_json(world, "report")
    assert status == collect_status(world.data_dir) and report["counts"] == coverage_report(world.settings)["counts"]
    with TestClient(create_app(world.settings)) as client:
        web = client.get("/api/status").json()["status"]
        page = client.get("/status").text
        for video_id in videos:  # the web's video page and its JSON twin find each counted video too
            assert client.get(f"/video/{video_id}").status_code == 200, video_id
            assert client.get(f"/api/videos/{video_id}").json()["video"]["id"] == video_id
    for counted in (status, report, web):
        assert counted["counts"]["videos"] == len(videos)
        assert counted["videos"] == {"active": active, "inactive": len(videos) - active}
    assert f"<th>video’s beschikbaar</th><td>{active}</td>" in page
    assert f"<th>niet meer beschikbaar</th><td>{len(videos) - active}</td>" in page
    for video_id, is_active in videos.items():
        shown = cli_json(world, "show", video_id)
        assert (shown["kind"], shown["id"], shown["active"]) == ("video", video_id, is_active)
    assert {v["id"] for v in report["videos_without_case"]} == without_case


def test_status_report_web_and_show_count_the_same_videos(world: World) -> None:
    channel = unlinked_channel()
    configure(world, channel)
    # Linked to no case: the unlinked channel's videos, and those never fetched (private or
    # deleted before the first run: the index holds no unit of them).
    hidden = {v.id for c in world.youtube.channels.values() for v in c.videos if v.state in INACTIVE}
    # And the platform channel's videos no case page links: the Hendriks case points at that
    # channel, but other cases embed its videos, so it is shared and places none of them.
    without_case = {v.id for v in channel.videos} | hidden | {EXPLAINER, "wL9dK3sF7hB"}
    assert world.update().exit_code == 0
    check_counts(world, without_case)
    by_id = {v.id: v for v in world.youtube.channels[channel.id].videos}
    by_id["cntLater005"].state = "private"
    by_id["cntGone0007"].state = "removed"
    by_id["cntRetitle6"].title = "Tweede titel"
    assert world.update(full=True).exit_code == 0
    check_counts(world, without_case)
    shown = cli_json(world, "show", "cntRetitle6")
    assert [v["title"] for v in shown["versions"]] == ["Eerste titel", "Tweede titel"]
    assert cli_json(world, "show", "cntGone0007")["inactive_reason"] == "unavailable"


def links_of(world: World, source: str) -> dict[str, float]:
    return {link["target"]: link["confidence"] for link in read_links(world.data_dir)
            if link["source"] == source and link["target"].startswith("case:")}


def test_a_channel_link_only_suggests_and_a_second_case_linking_it_suggests_nothing(world: World) -> None:
    configure(world, unlinked_channel())
    assert world.update().exit_code == 0
    # The platform channel is linked by the Hendriks case alone ("more films on our channel"), but
    # other cases embed its videos: a shared channel, so the explainer is no case's.
    assert links_of(world, f"video:{EXPLAINER}") == {}
    assert result_ids(world, f"zeepkist case:{HENDRIKS}") == [] and result_ids(world, "zeepkist") == [PASSAGE]
    # A channel of its own that the Hendriks case starts linking: each of its videos is suggested
    # to the case, counted nowhere.
    link = 'Meer films op <a href="https://www.youtube.com/@nietgelinkt">ons kanaal</a>.'
    add_sentence(world, HENDRIKS, link)
    assert world.update().exit_code == 0
    assert links_of(world, "video:cntActive02") == {f"case:{HENDRIKS}": 0.4}
    assert "cntActive02" not in {hit.split(":")[1] for hit in result_ids(world, f"case:{HENDRIKS}")}
    # A second case linking it: a channel two cases link suggests nothing.
    add_sentence(world, KINDEROPVANG, link)
    assert world.update().exit_code == 0
    assert links_of(world, "video:cntActive02") == {}
    # A video naming the Kinderopvang's company is linked to that case alone.
    assert links_of(world, "video:BKqFYY_kv5Z")[f"case:{KINDEROPVANG}"] >= 0.5
