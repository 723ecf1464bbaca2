"""``casearchive update``: every step in one locked run, its summary, resumption and the refresh budget."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from archive.runs import list_runs
from archive.store import open_store
from index.cli import cli
from tests.update_world import World, answers, world  # noqa: F401 (the fixture)

STEPS = ["site", "notes", "youtube", "transcripts", "index"]


def test_update_harvests_every_source_then_indexes(world: World) -> None:
    report = world.update()
    assert report.exit_code == 0, report.to_dict()["failures"]
    assert [s.name for s in report.steps] == STEPS
    assert all(s.status == "done" for s in report.steps)
    summary = json.loads(report.summary_path.read_text(encoding="utf-8"))  # type: ignore[union-attr]
    assert summary["command"] == "update" and summary["exit_code"] == 0 and summary["status"] == "ok"
    sources = summary["sources"]
    assert sources["site"]["counts"]["new"] == 18 and sources["site"]["counts"]["failed"] == 0
    assert sources["notes"]["counts"]["new"] == 9 and sources["notes"]["counts"]["unreadable"] == 0
    # The channels came from the case pages: one handle resolved, then a full pass of each.
    assert sources["youtube"]["counts"]["new"] == 17
    assert summary["units"] == {"channels.list": 2, "playlistItems.list": 2, "videos.list": 2}
    assert sources["transcripts"]["counts"]["new"] == 4
    assert sources["index"]["counts"]["added"] > 50
    assert set(summary["durations"]) == set(STEPS)
    assert all(answers(world).values())


def test_second_update_is_incremental_and_cheap(world: World) -> None:
    world.update()
    before = world.youtube.total_units
    report = world.update()
    assert report.exit_code == 0
    counts = {s.name: s.counts for s in report.steps}
    assert counts["site"]["new"] == counts["site"]["changed"] == 0
    assert counts["site"]["unchanged"] == counts["site"]["fetched"]
    # One playlistItems page per channel finds nothing new; nothing is stale for the refresh.
    assert world.youtube.total_units - before == 2
    assert counts["index"]["added"] == counts["index"]["updated"] == counts["index"]["deleted"] == 0


def test_update_cli_prints_a_short_summary_and_exits_with_its_code(world: World) -> None:
    done = world.cli("update")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("update ") and "exit code 0" in lines[0]
    for step in STEPS:
        assert any(line.strip().startswith(step) for line in lines), step
    assert lines[-1].startswith("Summary: ") and Path(lines[-1].split(": ", 1)[1]).exists()
    as_json = world.cli("update", "--format", "json")
    assert as_json.returncode == 0
    assert json.loads(as_json.stdout)["status"] == "ok"


def test_update_with_nothing_configured_is_a_usage_error(data_dir: Path) -> None:
    result = CliRunner().invoke(cli, ["--data", str(data_dir), "update"])
    assert result.exit_code == 2
    assert "nothing to update" in result.output


def test_interrupted_run_does_not_redo_finished_steps(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    def killed(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt  # the run dies in the index step, as if stopped by a signal

    with monkeypatch.context() as patch:
        patch.setattr("index.services.update.build", killed)
        with pytest.raises(KeyboardInterrupt):
            world.update()
    listing = world.server.count("/kennis/")
    units = world.youtube.total_units
    report = world.update()
    assert report.exit_code == 0
    assert {s.name: s.status for s in report.steps} == {
        "site": "resumed", "notes": "resumed", "youtube": "resumed", "transcripts": "resumed", "index": "done"}
    assert world.server.count("/kennis/") == listing and world.youtube.total_units == units
    assert report.step("index").counts["added"] > 50  # type: ignore[union-attr]
    # A finished run leaves nothing to resume: the next one does every step again.
    assert all(s.status == "done" for s in world.update().steps)


def test_run_summaries_are_kept_per_run(world: World) -> None:
    world.update()
    world.update()
    updates = [r for r in list_runs(world.data_dir) if r["command"] == "update"]
    assert len(updates) == 2 and updates[0]["started_at"] <= updates[1]["started_at"]


def test_failed_steps_are_redone_by_the_next_run(world: World) -> None:
    world.server.fault("/kennis/", "close", 2)  # the listing fails: nothing to crawl
    first = world.update()
    assert first.exit_code == 1
    with open_store(world.data_dir) as store:
        journal = store.get_state("update/journal")
    assert journal["finished"] is True
    second = world.update()
    assert second.exit_code == 0 and second.step("site").status == "done"  # type: ignore[union-attr]
