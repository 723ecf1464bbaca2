"""`casearchive demo`: the whole job on the shipped sample data, offline."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from archive.status import collect_status
from archive.youtube_replay import ReplayHttp, ReplayMismatch
from index.cli import cli
from index.demo import sample_root
from scripts.record_sample_youtube import record

RECORDING = sample_root() / "youtube" / "recording.json"


def test_demo_builds_an_archive_from_the_sample_data(tmp_path: Path) -> None:
    target = tmp_path / "demo"
    result = CliRunner().invoke(cli, ["--data", str(target), "demo"])
    assert result.exit_code == 0, result.output
    assert "sample data" in result.stdout and "youtube: new 7" in result.stdout
    status = collect_status(target)
    assert status["counts"] == {"channels": 2, "videos": 7}
    assert status["videos"]["inactive"] == 1  # the sample's private upload
    assert (target / "SAMPLE-DATA.txt").is_file()


def test_demo_runs_again_from_scratch(tmp_path: Path) -> None:
    target = tmp_path / "demo"
    for _ in range(2):
        assert CliRunner().invoke(cli, ["--data", str(target), "demo"]).exit_code == 0
    assert collect_status(target)["counts"]["videos"] == 7


def test_demo_refuses_a_directory_with_real_data(tmp_path: Path) -> None:
    real = tmp_path / "data"
    (real / "archive").mkdir(parents=True)
    result = CliRunner().invoke(cli, ["--data", str(real), "demo"])
    assert result.exit_code == 2 and "not a demo directory" in result.stderr
    assert (real / "archive").is_dir()


def test_the_shipped_recording_matches_the_sample_world_and_the_harvester() -> None:
    shipped = json.loads(RECORDING.read_text(encoding="utf-8"))
    fresh = record()
    assert [(r["method"], r["params"]) for r in shipped["responses"]] == [(r["method"], r["params"]) for r in fresh], \
        "the recording is out of date: run scripts/record_sample_youtube.py"
    assert [r["body"] for r in shipped["responses"]] == [r["body"] for r in fresh]


def test_the_replay_refuses_a_request_it_did_not_record() -> None:
    replay = ReplayHttp([{"method": "channels.list", "params": {"id": "UCa", "part": "snippet"}, "status": 200,
                          "body": {}}])
    with pytest.raises(ReplayMismatch, match="expected channels.list"):
        replay.request("http://x/youtube/v3/videos?id=abc&part=snippet&key=k&alt=json")
    with pytest.raises(ReplayMismatch, match="no answer"):
        replay.request("http://x/youtube/v3/videos?id=abc")
