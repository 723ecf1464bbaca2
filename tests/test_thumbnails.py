"""Thumbnails kept in the archive: fetched once from the image host (the fake here), never with the API key;
one that cannot be had is a warning listed once, tried again next run, and the run goes on."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from archive.config import EXAMPLE_CONFIG, Settings, load_settings, parse_config
from archive.harvest import harvest_youtube
from archive.runs import last_run
from archive.store import open_store
from archive.thumbnails import NS_THUMBNAIL, fetch_address, image_type, thumbnail_source
from index.cli import cli
from index.services.thumbnails import local_thumbnail
from index.web import create_app
from tests.conftest import dutch_video
from tests.fake_youtube import THUMBNAIL_JPEG, FakeChannel, FakeYouTube

CHANNEL = "UCPtYgjmUhBel31iEl2hpChY"
FIXTURES = Path(__file__).parent / "fixtures" / "thumbnails"
REFERENCE = Path("/work/shared/reference/youtube-api")


@pytest.fixture
def channel(fake_youtube: FakeYouTube) -> FakeChannel:
    """A channel of six uploads."""
    small = FakeChannel(CHANNEL, "Kennisbank Sociale Innovatie")
    small.videos = [dutch_video(n) for n in range(6, 0, -1)]
    return fake_youtube.add_channel(small)


def ids(channel: FakeChannel) -> list[str]:
    return [v.id for v in channel.videos]


def harvest():
    return harvest_youtube(load_settings(), [CHANNEL])


def test_each_thumbnail_is_stored_once_and_never_fetched_again(youtube_env: FakeYouTube, channel: FakeChannel,
                                                               data_dir: Path) -> None:
    summary = harvest()
    assert summary.exit_code == 0 and summary.warnings == []
    assert summary.thumbnails == {"stored": 6, "missing": 0, "left": 0}
    assert "thumbnails: 6 stored" in summary.note()
    # The 320 px size the API names (medium), one request each.
    assert dict(youtube_env.thumbnail_hits) == {f"/vi/{v}/mqdefault.jpg": 1 for v in ids(channel)}
    with open_store(data_dir) as store:
        for video_id in ids(channel):
            version = store.latest(NS_THUMBNAIL, video_id)
            assert version is not None and version.content_type == "image/jpeg"
            assert store.read(version) == THUMBNAIL_JPEG
    units = youtube_env.total_units

    channel.upload(dutch_video(7))
    again = harvest()
    assert again.thumbnails == {"stored": 1, "missing": 0, "left": 0}
    assert youtube_env.thumbnail_hits["/vi/vid00000007/mqdefault.jpg"] == 1
    assert sum(youtube_env.thumbnail_hits.values()) == 7  # the six stored ones were not asked again
    assert youtube_env.total_units - units == 2  # images cost no quota (playlistItems + videos for the new one)


def test_the_image_host_never_sees_the_api_key(youtube_env: FakeYouTube, channel: FakeChannel) -> None:
    harvest()
    assert youtube_env.thumbnail_headers
    for path in youtube_env.thumbnail_hits:
        assert "?" not in path and youtube_env.api_key not in path
    for headers in youtube_env.thumbnail_headers:
        assert youtube_env.api_key not in json.dumps(headers)


def test_a_404_and_a_page_that_is_no_image_are_warnings_listed_once(youtube_env: FakeYouTube, channel: FakeChannel,
                                                                    data_dir: Path) -> None:
    gone, html = channel.videos[1].id, channel.videos[3].id
    youtube_env.thumbnail_answers[gone] = (404, "image/jpeg", THUMBNAIL_JPEG)  # i.ytimg.com's 404 has a body
    youtube_env.thumbnail_answers[html] = (200, "text/html", b"<!doctype html><title>Sorry</title>")
    summary = harvest()
    assert summary.exit_code == 0 and summary.failures == []  # the videos are archived; only images lack
    assert summary.thumbnails == {"stored": 4, "missing": 2, "left": 0}
    assert len(summary.warnings) == 2
    assert sum(gone in w for w in summary.warnings) == 1 and sum(html in w for w in summary.warnings) == 1
    assert any(gone in w and "HTTP 404" in w for w in summary.warnings)
    assert any(html in w and "not an image (text/html" in w for w in summary.warnings)
    run = last_run(data_dir)
    assert run is not None and run["exit_code"] == 0 and len(run["warnings"]) == 2
    with open_store(data_dir) as store:
        assert store.latest(NS_THUMBNAIL, gone) is None and store.latest(NS_THUMBNAIL, html) is None

    del youtube_env.thumbnail_answers[gone]  # back at YouTube: the next run stores it
    again = harvest()
    assert again.thumbnails == {"stored": 1, "missing": 1, "left": 0}
    assert [html in w for w in again.warnings] == [True]
    assert youtube_env.thumbnail_hits[f"/vi/{gone}/mqdefault.jpg"] == 2
    assert youtube_env.thumbnail_hits[f"/vi/{channel.videos[0].id}/mqdefault.jpg"] == 1


def test_an_unreachable_image_host_stops_nothing(youtube_env: FakeYouTube, channel: FakeChannel,
                                                 monkeypatch: pytest.MonkeyPatch, data_dir: Path) -> None:
    monkeypatch.setenv("CASEARCHIVE_YOUTUBE_THUMBNAIL_URL", "http://127.0.0.1:9/")
    monkeypatch.setattr("archive.http.time.sleep", lambda seconds: None)
    summary = harvest()
    assert summary.exit_code == 0 and summary.total("new") == 6
    assert len(summary.warnings) == 6 and all("127.0.0.1:9" in w for w in summary.warnings)


def test_the_budget_leaves_the_rest_for_the_next_run(youtube_env: FakeYouTube, channel: FakeChannel) -> None:
    Path("casearchive.toml").write_text("[youtube]\nthumbnail_budget = 4\n", encoding="utf-8")
    assert harvest().thumbnails == {"stored": 4, "missing": 0, "left": 2}
    assert harvest().thumbnails == {"stored": 2, "missing": 0, "left": 0}
    assert sum(youtube_env.thumbnail_hits.values()) == 6


def test_thumbnails_can_be_turned_off(youtube_env: FakeYouTube, channel: FakeChannel, data_dir: Path) -> None:
    Path("casearchive.toml").write_text("[youtube]\nthumbnails = false\n", encoding="utf-8")
    summary = harvest()
    assert summary.total("new") == 6 and summary.thumbnails == {}
    assert not youtube_env.thumbnail_hits
    with open_store(data_dir) as store:
        assert store.count(NS_THUMBNAIL) == 0


def test_the_cli_prints_each_missing_thumbnail_once_and_exits_0(youtube_env: FakeYouTube,
                                                                channel: FakeChannel) -> None:
    gone = channel.videos[2].id
    youtube_env.thumbnail_answers[gone] = (404, "text/html", b"")
    result = CliRunner().invoke(cli, ["harvest", "youtube", "--channel", CHANNEL])
    assert result.exit_code == 0, result.output
    lines = [line for line in result.stderr.splitlines() if gone in line]
    assert len(lines) == 1 and lines[0].startswith("warning: video ") and "HTTP 404" in lines[0]


def test_init_writes_the_switches_commented(tmp_path: Path) -> None:
    assert "# thumbnails = true" in EXAMPLE_CONFIG and '# thumbnail_url = "https://i.ytimg.com/"' in EXAMPLE_CONFIG
    on = parse_config(EXAMPLE_CONFIG.replace("# thumbnails = true", "thumbnails = true"), tmp_path / "c.toml")
    assert on.youtube.thumbnails is True and on.youtube.thumbnail_budget == 500


# -- the web serves the archive's copies --------------------------------------------------------------------

PLACEHOLDER = (Path(__file__).parent.parent / "index/web/static/thumbnail.svg").read_bytes()


def test_the_web_serves_the_stored_thumbnail_from_its_own_origin(youtube_env: FakeYouTube,
                                                                 channel: FakeChannel) -> None:
    youtube_env.thumbnail_answers[channel.videos[0].id] = (404, "text/html", b"")
    harvest()
    with TestClient(create_app(load_settings())) as client:
        stored = client.get(f"/thumbnails/{channel.videos[1].id}.jpg")
        assert stored.status_code == 200 and stored.headers["content-type"] == "image/jpeg"
        assert stored.content == THUMBNAIL_JPEG and "max-age" in stored.headers["cache-control"]
        assert stored.headers["x-content-type-options"] == "nosniff"
        for missing in (channel.videos[0].id, "zzzzzzzzzzz"):  # its image failed; a video never archived
            answer = client.get(f"/thumbnails/{missing}.jpg")
            assert answer.status_code == 200 and answer.headers["content-type"].startswith("image/svg+xml")
            assert answer.content == PLACEHOLDER and answer.headers["cache-control"] == "no-cache"


BAD_NAMES = ("short.jpg", "vid00000001", "vid00000001.png", "vid000000012.jpg", "vid0000000%21.jpg",
             "vid00000001%0A.jpg", "%2E%2E%2Farchive%2Fcatalog.sqlite", "..%2F..%2Fcasearchive.toml",
             "vid0000000%00.jpg", "x" * 5000 + ".jpg")


def test_a_name_that_is_no_video_id_is_404_not_a_file(youtube_env: FakeYouTube, channel: FakeChannel) -> None:
    harvest()
    with TestClient(create_app(load_settings()), raise_server_exceptions=False) as client:
        assert client.get("/thumbnails/vid00000001.jpg").content == THUMBNAIL_JPEG  # the right name is served
        for name in BAD_NAMES:
            answer = client.get(f"/thumbnails/{name}")
            assert answer.status_code == 404, (name, answer.status_code)
            assert answer.headers["content-type"].startswith("text/html") and "Traceback" not in answer.text
            assert b"SQLite" not in answer.content and answer.content != THUMBNAIL_JPEG


def test_a_restored_backup_serves_the_same_thumbnails(youtube_env: FakeYouTube, channel: FakeChannel,
                                                     data_dir: Path, tmp_path: Path) -> None:
    harvest()
    backup = tmp_path / "backup.tar.gz"
    runner = CliRunner()
    assert runner.invoke(cli, ["export-archive", str(backup)]).exit_code == 0
    restored = tmp_path / "restored"
    result = runner.invoke(cli, ["--data", str(restored), "import-archive", str(backup)])
    assert result.exit_code == 0, result.output
    hits = sum(youtube_env.thumbnail_hits.values())
    with TestClient(create_app(Settings(data_dir=restored))) as client:
        for video_id in ids(channel):
            answer = client.get(f"/thumbnails/{video_id}.jpg")
            assert answer.headers["content-type"] == "image/jpeg" and answer.content == THUMBNAIL_JPEG
    assert sum(youtube_env.thumbnail_hits.values()) == hits  # from the backup, not fetched again
    with open_store(restored) as store:
        assert sorted(store.keys(NS_THUMBNAIL)) == sorted(ids(channel))


def test_an_empty_data_directory_gets_the_placeholder(tmp_path: Path) -> None:
    with TestClient(create_app(Settings(data_dir=tmp_path / "none"))) as client:
        assert client.get("/thumbnails/abcdefghijk.jpg").content == PLACEHOLDER
    assert not (tmp_path / "none").exists()  # looking made no folder


def test_pages_point_at_this_servers_copy() -> None:
    assert local_thumbnail("https://i.ytimg.com/vi/ZhyiA4uoRgn/hqdefault.jpg") == "/thumbnails/ZhyiA4uoRgn.jpg"
    assert local_thumbnail("https://img.youtube.com/vi/ZhyiA4uoRgn/0.jpg") == "/thumbnails/ZhyiA4uoRgn.jpg"
    assert local_thumbnail("ZhyiA4uoRgn") == "/thumbnails/ZhyiA4uoRgn.jpg"
    for bad in (None, "", "javascript:alert(1)", "https://evil.example/x.jpg", "ZhyiA4uoRgn\n", "../../etc",
                "https://i.ytimg.com/vi/short/0.jpg"):
        assert local_thumbnail(bad) == "/static/thumbnail.svg", bad


# -- reading the API's answer and the image ----------------------------------------------------------------


def test_the_medium_size_is_chosen_from_real_api_answers() -> None:
    answers = sorted(REFERENCE.rglob("*video*.json"))
    chosen = []
    for path in answers:
        data = json.loads(path.read_text(encoding="utf-8"))
        for item in data.get("items", []) if isinstance(data, dict) else []:
            if isinstance(item, dict) and isinstance(item.get("snippet"), dict) and "thumbnails" in item["snippet"]:
                chosen.append(thumbnail_source(item))
    assert chosen, "no real video answer with thumbnails found"
    assert all(url and url.startswith("https://i.ytimg.com/vi/") and url.endswith("/mqdefault.jpg") for url in chosen)


def test_only_youtubes_image_host_is_taken_from_an_answer() -> None:
    def resource(**thumbs: str) -> dict:
        return {"snippet": {"thumbnails": {k: {"url": v} for k, v in thumbs.items()}}}

    assert thumbnail_source(resource(high="https://i.ytimg.com/vi/abcdefghijk/hqdefault.jpg",
                                     maxres="https://i.ytimg.com/vi/abcdefghijk/maxresdefault.jpg")) \
        == "https://i.ytimg.com/vi/abcdefghijk/hqdefault.jpg"
    assert thumbnail_source(resource(medium="https://evil.example/vi/abcdefghijk/mqdefault.jpg")) is None
    assert thumbnail_source(resource(medium="javascript:alert(1)")) is None
    assert thumbnail_source({"snippet": {"thumbnails": "no"}}) is None and thumbnail_source([]) is None
    assert fetch_address("https://user:pw@i.ytimg.com/vi/abcdefghijk/mqdefault.jpg?key=SECRET#x",
                         "http://127.0.0.1:8000/") == "http://127.0.0.1:8000/vi/abcdefghijk/mqdefault.jpg"


def test_images_are_known_by_their_first_bytes() -> None:
    assert image_type((FIXTURES / "python.jpg").read_bytes()) == "image/jpeg"
    assert image_type((FIXTURES / "python.webp").read_bytes()) == "image/webp"
    assert image_type(b"\x89PNG\r\n\x1a\n" + b"\0" * 20) == "image/png"
    for body in (b"", b"<html>", b"RIFF\0\0\0\0WAVE", b"\xff\xd8"):
        assert image_type(body) is None
