"""The harvester protocol: one RunSummary shape, and ``update`` running any harvester without code of its own."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, ClassVar

import pytest
from hypothesis import given
from hypothesis import strategies as st

import index.services.update as update_module
from archive.config import Settings, TranscriptSettings
from archive.errors import EXIT_OK, EXIT_PARTIAL, EXIT_QUOTA
from archive.store import open_store
from archive.summary import COUNTS, Failure, Harvester, Progress, RunSummary
from index.services.harvest import harvesters
from index.services.update import run_update, summary_lines

printable = st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=30)


@given(item=printable, reason=printable.filter(bool), pages=st.lists(printable.filter(bool), max_size=3))
def test_a_failed_item_is_one_line_with_its_item_reason_and_pages(item: str, reason: str, pages: list[str]) -> None:
    summary = RunSummary()
    line = summary.fail(item, reason, pages)
    assert summary.failures == [line] and summary.failed_items == [Failure(item, reason, tuple(pages))]
    assert line.startswith(f"{item}: {reason}" if item else reason)
    assert line.endswith(f" (linked from {', '.join(pages)})" if pages else reason)
    assert summary.exit_code == EXIT_PARTIAL


def test_the_exit_code_says_a_quota_stop_before_failed_items() -> None:
    summary = RunSummary()
    assert summary.exit_code == EXIT_OK and summary.sections()[0].status == "done"
    summary.fail("https://example.org/a.pdf", "HTTP 404: dead link")
    summary.stopped_by_quota = True
    assert summary.exit_code == EXIT_QUOTA and summary.sections()[0].status == "quota"
    assert list(summary.sections()[0].counts) == list(COUNTS)


def test_update_runs_the_harvesters_in_order_and_each_says_why_it_has_nothing_to_do(tmp_path: Path) -> None:
    names = [h.name for h in harvesters()]
    assert names == ["site", "notes", "youtube", "transcripts"]
    with open_store(tmp_path / "data") as store:
        reasons = {h.name: h.skip_reason(Settings(data_dir=tmp_path / "data"), store) for h in harvesters()}
    assert reasons == {"site": "no start URLs (site.start_urls)", "notes": None,
                       "youtube": "no channels configured or linked from case pages",
                       "transcripts": "no caption folder and the online provider is off"}


@dataclass
class PodcastSummary(RunSummary):
    """A source update has never heard of, with a fact of its own."""

    name: ClassVar[str] = "podcasts"
    episodes: int = 0

    def totals(self) -> dict[str, int]:
        return {**dict.fromkeys(COUNTS, 0), "fetched": self.episodes, "new": self.episodes,
                "failed": len(self.failed_items)}

    def to_dict(self) -> dict[str, Any]:
        return {"episodes": self.episodes, "failures": self.failures}


@dataclass
class PodcastHarvest:
    """A harvester that fetches two episodes and fails on a third."""

    name: str = "podcasts"
    runs: int = 0

    def skip_reason(self, settings: Settings, store: Any) -> str | None:
        return None

    def run(self, settings: Settings, progress: Progress | None = None) -> RunSummary:
        self.runs += 1
        summary = PodcastSummary(episodes=2)
        summary.fail("https://example.org/ep3.mp3", "HTTP 404: dead link", ["https://example.org/feed"])
        return summary


def test_a_new_harvester_is_a_step_of_update_without_code_of_its_own(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    podcasts = PodcastHarvest()
    plugged: list[Harvester] = [podcasts]
    monkeypatch.setattr(update_module, "harvesters", lambda **_: plugged)
    folder = tmp_path / "captions"
    folder.mkdir()
    settings = replace(Settings(data_dir=tmp_path / "data"), transcripts=TranscriptSettings(folder=str(folder)))
    report = run_update(settings)
    assert podcasts.runs == 1
    assert [s.name for s in report.steps] == ["podcasts", "index"]
    step = report.step("podcasts")
    assert step is not None and step.status == "failed" and step.exit_code == EXIT_PARTIAL
    assert step.counts["new"] == 2 and step.counts["failed"] == 1 and step.detail["episodes"] == 2
    assert report.exit_code == EXIT_PARTIAL
    assert report.to_dict()["failures"] == [
        "podcasts: https://example.org/ep3.mp3: HTTP 404: dead link (linked from https://example.org/feed)"]
    assert any(line.strip().startswith("podcasts") and "2 new" in line for line in summary_lines(report))
