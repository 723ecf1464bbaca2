"""The CLI as a user meets it: summaries, exit codes, one-line errors, no secrets."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from index.cli import cli
from tests.conftest import SEED_CHANNEL
from tests.fake_youtube import FakeChannel, FakeYouTube


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


def assert_one_line_error(result: Result, code: int, text: str) -> None:
    assert result.exit_code == code, result.output
    assert f"Error: {text}" in result.stderr
    assert "Traceback" not in result.output


def test_harvest_prints_a_summary_and_the_units_spent(youtube_env: FakeYouTube, seed_channel: FakeChannel) -> None:
    result = run("harvest", "youtube", "--channel", "@duurzaammeedoen")
    assert result.exit_code == 0, result.output
    assert "Duurzaam meedoen Metalektro" in result.stdout and "full" in result.stdout
    assert "Quota units spent: 7 (channels.list 1, playlistItems.list 3, videos.list 3)" in result.stdout
    row = next(line for line in result.stdout.splitlines() if SEED_CHANNEL in line)
    assert row.split()[-6:] == ["full", "120", "0", "0", "0", "yes"]


def test_quota_stop_exits_4_and_says_it_will_resume(youtube_env: FakeYouTube, seed_channel: FakeChannel) -> None:
    youtube_env.quota_limit = 2
    result = run("harvest", "youtube", "--channel", SEED_CHANNEL)
    assert result.exit_code == 4
    assert "next run resumes" in result.stderr and "quotaExceeded" in result.stderr
    youtube_env.quota_limit = None
    assert run("harvest", "youtube", "--channel", SEED_CHANNEL).exit_code == 0


def test_partial_failure_exits_1_and_lists_the_failure(youtube_env: FakeYouTube, seed_channel: FakeChannel,
                                                      data_dir: Path) -> None:
    other = youtube_env.add_channel(FakeChannel("UCPtYgjmUhBel31iEl2hpChY", "Kennisbank Sociale Innovatie"))
    assert other.videos == []
    (data_dir).mkdir(parents=True)
    config = data_dir.parent / "casearchive.toml"
    config.write_text(f'[youtube]\nchannels = ["{SEED_CHANNEL}", "UCPtYgjmUhBel31iEl2hpChY", "@verdwenen"]\n',
                      encoding="utf-8")
    result = run("--config", str(config), "harvest", "youtube")
    assert result.exit_code == 1, result.output
    assert "failed: YouTube channel not found: @verdwenen" in result.stderr
    assert SEED_CHANNEL in result.stdout and "UCPtYgjmUhBel31iEl2hpChY" in result.stdout


@pytest.mark.parametrize("args, text", [
    (["harvest", "youtube", "--channel", "@x"], "not a valid YouTube handle"),
    (["harvest", "youtube", "--channel", "https://vimeo.com/123"], "not a YouTube channel"),
    (["harvest", "youtube", "--channel", "@bestaatniet"], "YouTube channel not found: @bestaatniet"),
])
def test_bad_channel_input_exits_2_with_one_line(youtube_env: FakeYouTube, seed_channel: FakeChannel,
                                                args: list[str], text: str) -> None:
    assert_one_line_error(run(*args), 2, text)


def test_a_missing_key_exits_2_before_any_request(youtube_env: FakeYouTube, seed_channel: FakeChannel,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("YOUTUBE_API_KEY")
    assert_one_line_error(run("harvest", "youtube", "--channel", SEED_CHANNEL), 2, "no YouTube API key")
    assert sum(youtube_env.hits.values()) == 0


def test_an_invalid_key_exits_2_and_is_never_shown(youtube_env: FakeYouTube, seed_channel: FakeChannel,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("YOUTUBE_API_KEY", "AIzaSyNotTheRightKey000")
    result = run("-v", "harvest", "youtube", "--channel", SEED_CHANNEL)
    assert_one_line_error(result, 2, "YouTube API channels.list: HTTP 400 badRequest: API key not valid")
    assert "AIzaSyNotTheRightKey000" not in result.output


def test_an_unreadable_config_exits_2(tmp_path: Path) -> None:
    bad = tmp_path / "casearchive.toml"
    bad.write_text("[youtube\n", encoding="utf-8")
    assert_one_line_error(run("--config", str(bad), "status"), 2, f"{bad}: not valid TOML")
    assert_one_line_error(run("--config", str(tmp_path / "missing.toml"), "status"), 2, "config file not found")


def test_an_unreachable_api_exits_1_with_the_host(youtube_env: FakeYouTube, seed_channel: FakeChannel,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CASEARCHIVE_YOUTUBE_API_URL", "http://127.0.0.1:9/")
    result = run("harvest", "youtube", "--channel", SEED_CHANNEL)
    assert result.exit_code == 1
    assert "127.0.0.1:9: cannot reach the host (connection refused)" in result.stderr and "Errno" not in result.stderr
    assert youtube_env.api_key not in result.output


def test_retries_are_logged_without_the_key(youtube_env: FakeYouTube, seed_channel: FakeChannel) -> None:
    """A retry that then succeeds is quiet by default (cron mails nothing) and shown with -v, redacted."""
    youtube_env.fail_next(500, times=2)
    quiet = run("harvest", "youtube", "--channel", SEED_CHANNEL)
    assert quiet.exit_code == 0 and "retry" not in quiet.stderr
    youtube_env.fail_next(500, times=2)
    result = run("-v", "harvest", "youtube", "--channel", SEED_CHANNEL)
    assert result.exit_code == 0
    assert "retry 1 of 5" in result.stderr and "key=REDACTED" in result.stderr
    assert youtube_env.api_key not in result.output


def test_status_reports_counts_inactive_videos_runs_and_quota(youtube_env: FakeYouTube, seed_channel: FakeChannel,
                                                             data_dir: Path) -> None:
    empty = run("status")
    assert empty.exit_code == 0 and "No archive yet" in empty.stdout
    run("harvest", "youtube", "--channel", SEED_CHANNEL)
    seed_channel.videos[0].state = "private"
    run("harvest", "youtube", "--channel", SEED_CHANNEL)
    report = json.loads(run("status", "--format", "json").stdout)
    assert report["counts"] == {"cases": 0, "notes": 0, "channels": 1, "videos": 120, "transcripts": 0}
    assert report["videos"] == {"active": 119, "inactive": 1}
    assert report["last_run"]["command"] == "harvest youtube"
    assert report["last_run"]["totals"]["deactivated"] == 1
    (day, units), = report["quota_units_per_day"].items()
    assert units["total"] == youtube_env.total_units
    table = run("status").stdout
    assert "Videos: 120 (119 active, 1 inactive)" in table


def test_init_writes_a_config_that_loads_and_never_overwrites() -> None:
    first = run("init")
    assert first.exit_code == 0 and Path("casearchive.toml").is_file()
    assert run("status").exit_code == 0  # the written file is a valid config
    assert_one_line_error(run("init"), 2, "casearchive.toml exists")
    assert run("init", "--force").exit_code == 0


def test_the_console_entry_point_runs() -> None:
    result = subprocess.run([sys.executable, "-c", "from index.cli import main; main()", "--help"],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0 and "harvest" in result.stdout


def test_a_run_that_stops_on_an_error_is_still_on_record(youtube_env: FakeYouTube, seed_channel: FakeChannel,
                                                          data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from archive.runs import last_run

    monkeypatch.setenv("YOUTUBE_API_KEY", "AIzaSyNotTheRightKey000")
    assert run("harvest", "youtube", "--channel", SEED_CHANNEL).exit_code == 2
    record = last_run(data_dir)
    assert record["exit_code"] == 2 and "API key not valid" in record["failures"][0]
    assert "AIzaSyNotTheRightKey000" not in json.dumps(record)


def test_an_unreachable_api_while_resolving_a_handle_is_a_recorded_failure(
        youtube_env: FakeYouTube, seed_channel: FakeChannel, data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from archive.runs import last_run

    monkeypatch.setenv("CASEARCHIVE_YOUTUBE_API_URL", "http://127.0.0.1:9/")
    result = run("harvest", "youtube", "--channel", "@duurzaammeedoen")
    assert result.exit_code == 1 and "127.0.0.1:9: cannot reach the host (connection refused)" in result.stderr
    assert last_run(data_dir)["exit_code"] == 1
