"""``casearchive update``, the scheduled job: every harvester, then the incremental index, as one run.

Site → notes → YouTube (the config's channels and those the case pages link) → transcripts →
index, under the data directory's run lock. Each harvester keeps its own resume state in the
archive (the YouTube pass saves its page token and pending ids after every call), so a crash
or a quota stop loses nothing. This module adds a journal of the run's steps: a run that died
after some steps finished cleanly is followed by one that skips those steps (for a few hours),
instead of crawling the platform again because the index build was killed. The index is built
from the archive whatever the harvesters managed, and published by one rename only when
complete (``index/engine/build.py``). One JSON summary per run goes to ``<data>/runs/``.
"""

from __future__ import annotations

import logging
import time
from functools import partial
from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Callable

import requests

from archive.config import Settings
from archive.errors import (
    EXIT_OK, EXIT_PARTIAL, EXIT_QUOTA, EXIT_USAGE, CaseArchiveError, ConfigError, storage_problem,
)
from archive.lock import writer_lock
from archive.redact import redact
from archive.runs import save_run
from archive.store import ArchiveStore, open_store, utc_now
from archive.summary import COUNTS
from index.services.harvest import Progress, RunSummary, harvesters
from index.services.library import build

log = logging.getLogger(__name__)

JOURNAL = "update/journal"
# Steps an interrupted run finished cleanly are not redone by a run starting within this window.
RESUME_WITHIN = timedelta(hours=6)


@dataclass
class StepResult:
    """What one step of the run did."""

    name: str
    status: str = "done"  # done | failed | quota | error | skipped | resumed
    exit_code: int = EXIT_OK
    seconds: float = 0.0
    counts: dict[str, int] = field(default_factory=dict)
    units: dict[str, int] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)
    note: str = ""
    detail: dict[str, Any] = field(default_factory=dict)


@dataclass
class UpdateReport:
    """A whole update run; ``exit_code`` follows the README's "Exit codes"."""

    started_at: str
    steps: list[StepResult] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    summary_path: Path | None = None

    @property
    def exit_code(self) -> int:
        """0 done, 1 some items failed, 2 a configuration problem, 4 stopped by the quota."""
        codes = {s.exit_code for s in self.steps}
        # A configuration problem needs a person; a quota stop only the next run; a failed item neither.
        for code in (EXIT_USAGE, EXIT_QUOTA):
            if code in codes:
                return code
        return EXIT_PARTIAL if codes - {EXIT_OK} else EXIT_OK

    def step(self, name: str) -> StepResult | None:
        """The result of a step by name."""
        return next((s for s in self.steps if s.name == name), None)

    def to_dict(self) -> dict[str, Any]:
        """The JSON run summary."""
        units: Counter[str] = Counter()
        for s in self.steps:
            units.update(s.units)
        return {
            "status": {EXIT_OK: "ok", EXIT_PARTIAL: "partial", EXIT_USAGE: "error",
                       EXIT_QUOTA: "quota"}[self.exit_code],
            "sources": {s.name: asdict(s) for s in self.steps},
            "units": dict(units),
            "units_total": sum(units.values()),
            "durations": {s.name: s.seconds for s in self.steps},
            "failures": [f"{s.name}: {f}" for s in self.steps for f in s.failures],
            "warnings": list(self.warnings),
        }


def _steps(summary: RunSummary, report: UpdateReport) -> list[StepResult]:
    """A harvester's summary as the run's steps, one a source it covered; its warnings (a page the
    parser read with a problem) join the run's, each once, named by the harvester as failures are."""
    for warning in summary.warnings:
        line = f"{summary.name}: {warning}"
        if line not in report.warnings:
            report.warnings.append(line)
    return [StepResult(part.name, part.status, part.exit_code, counts=dict(part.counts), units=dict(part.units),
                       failures=list(part.failures), note=part.note, detail=dict(part.details))
            for part in summary.sections()]


# -- the run ----------------------------------------------------------------------------------------


def _cutoff() -> str:
    """The oldest finish time of a step an interrupted run did that this run still takes as done."""
    return (datetime.now(timezone.utc) - RESUME_WITHIN).replace(microsecond=0).isoformat().replace("+00:00", "Z")


class _Run:
    """One update run: its steps, their timing and failures, and the journal."""

    def __init__(self, settings: Settings, store: ArchiveStore) -> None:
        self.settings, self.store = settings, store
        self.report = UpdateReport(started_at=utc_now())
        previous = store.get_state(JOURNAL) or {}
        self.resumable: dict[str, dict[str, Any]] = {}
        if previous and not previous.get("finished"):
            cutoff = _cutoff()
            self.resumable = {name: entry for name, entry in previous.get("steps", {}).items()
                              if entry.get("exit_code") == EXIT_OK and entry.get("finished_at", "") >= cutoff}
            log.warning("[update] the run started %s did not finish; this one goes on from it",
                        previous.get("started_at"))
        self.journal: dict[str, Any] = {"started_at": self.report.started_at, "finished": False,
                                        "steps": dict(self.resumable)}
        self.save_journal()

    def resumed(self, name: str) -> bool:
        """Record a step an interrupted run finished cleanly, and say so."""
        entry = self.resumable.get(name)
        if entry is None:
            return False
        self.add(StepResult(name, "resumed", note=f"done by the interrupted run at {entry['finished_at']}"))
        return True

    def add(self, step: StepResult) -> None:
        """Record a finished step in the report and the journal."""
        self.report.steps.append(step)
        if step.status not in ("resumed", "skipped"):
            self.journal["steps"][step.name] = {"finished_at": utc_now(), "exit_code": step.exit_code}
            self.save_journal()

    def save_journal(self) -> None:
        """Save the journal; a disk that refuses it is a warning (the next run then redoes the steps)."""
        try:
            self.store.set_state(JOURNAL, self.journal)
        except Exception as exc:
            problem = storage_problem(exc)
            if problem is None:
                raise
            if not any(problem in w for w in self.report.warnings):
                self.report.warnings.append(f"the run's journal was not saved: {problem}")

    def run(self, name: str, work: Callable[[], Any], to_steps: Callable[[Any], list[StepResult]]) -> Any:
        """Run one step; a known error or a bug is that step's failure, and the run goes on."""
        started = time.monotonic()
        result: Any = None
        try:
            result = work()
            steps = to_steps(result)
        except CaseArchiveError as exc:
            log.info("[update] %s: %s", name, redact(str(exc)))  # its failure line in the summary says it
            steps = [StepResult(name, "error", exc.exit_code or EXIT_PARTIAL, failures=[redact(str(exc))])]
        except Exception as exc:  # a bug or a full disk must not stop the other steps or the index
            problem = storage_problem(exc)
            # Its failure line says it; the traceback of a bug only with --debug.
            log.info("[update] %s: %s", name, problem or f"unexpected error: {type(exc).__name__}",
                     exc_info=problem is None and log.isEnabledFor(logging.DEBUG))
            steps = [StepResult(name, "error", EXIT_PARTIAL, failures=[
                problem or f"unexpected error: {type(exc).__name__}: {redact(str(exc))}"])]
        # Steps that came out of one call (site and its notes) share its time: counted once.
        steps[0].seconds = round(time.monotonic() - started, 3)
        for step in steps:
            self.add(step)
        return result

    def skip(self, name: str, why: str) -> None:
        """Record a step that has nothing to do."""
        self.add(StepResult(name, "skipped", note=why))


def check_configured(settings: Settings) -> None:
    """Refuse a run with no source configured and no archive to go on from."""
    sources = settings.site.start_urls or settings.youtube.channels or settings.transcripts.folder \
        or settings.transcripts.online
    if not sources and not (Path(settings.data_dir) / "archive" / "catalog.sqlite").exists():
        raise ConfigError("nothing to update: set site.start_urls, youtube.channels or transcripts.folder "
                          "in the config (see `casearchive init`)")


def run_update(
    settings: Settings,
    *,
    taxonomy_path: Path | None = None,
    full: bool = False,
    progress: Progress | None = None,
    sleep: Callable[[float], None] | None = None,
    session: requests.Session | None = None,
    api_key: str | None = None,
    http: Any = None,
) -> UpdateReport:
    """Harvest every source, then update the index, as one locked run; save and return its summary.

    ``session``, ``api_key`` and ``http`` are the harvesters' transports (the offline demo's
    loopback and replay); ``sleep`` replaces waiting between requests (tests).
    """
    check_configured(settings)
    with writer_lock(settings, "update"), open_store(settings.data_dir) as store:
        job = _Run(settings, store)
        for harvester in harvesters(full=full, sleep=sleep, session=session, api_key=api_key, http=http):
            # A step an earlier harvester covered (the site crawl reads its notes) is not run again.
            if job.report.step(harvester.name) is not None or job.resumed(harvester.name):
                continue
            why = harvester.skip_reason(settings, store)
            if why:
                job.skip(harvester.name, why)
            else:
                job.run(harvester.name, partial(harvester.run, settings, progress),
                        partial(_steps, report=job.report))
        job.run("index", lambda: build(settings, taxonomy_path=taxonomy_path, progress=progress),
                lambda built: [_index_step(built.to_dict(), job.report)])
        report = job.report
        job.journal["finished"] = True
        job.save_journal()
        report.summary_path = save_run(settings.data_dir, "update", report.to_dict(), report.started_at,
                                       report.exit_code)
    return report


def _index_step(built: dict[str, Any], report: UpdateReport) -> StepResult:
    """The index build as the run's last step; a failure a harvest step listed is not listed again."""
    counts = {k: built[k] for k in ("added", "updated", "deleted", "unchanged", "total")}
    if built["reason"].startswith("unreadable index"):
        report.warnings.append(f"index: the live index was unreadable and was rebuilt from the archive "
                               f"({built['reason']})")
    kind = "rebuilt" if built["rebuilt"] else "updated"
    # An item a harvest step already listed (a page it could not parse) is not listed twice.
    listed = {f.split(": ", 1)[0] for step in report.steps for f in step.failures}
    failures = [f for f in built.get("failures", []) if f.split(": ", 1)[0] not in listed]
    counts["failed"] = len(failures)
    return StepResult("index", "failed" if failures else "done", EXIT_PARTIAL if failures else EXIT_OK,
                      counts=counts, failures=failures, detail=built,
                      note=f"{kind} ({built['reason']}), {built['links']} links")


def summary_lines(report: UpdateReport) -> list[str]:
    """A short summary for people (the JSON file holds everything)."""
    words = {EXIT_OK: "done", EXIT_PARTIAL: "done, some items failed", EXIT_USAGE: "configuration error",
             EXIT_QUOTA: "stopped by the YouTube quota (the next run resumes)"}
    lines = [f"update {report.started_at}: {words[report.exit_code]} (exit code {report.exit_code})"]
    for step in report.steps:
        if step.name == "index" and "added" in step.counts:
            c = step.counts
            what = (f"{c['added']} added, {c['updated']} updated, {c['deleted']} deleted, "
                    f"{c['unchanged']} unchanged, {c.get('failed', 0)} failed; {c['total']} units")
        elif step.counts:
            # A source's own counts (pages skipped by robots.txt, notes read) as its command shows them.
            what = ", ".join([f"{step.counts.get(k, 0)} {k}" for k in COUNTS]
                             + [f"{n} {k}" for k, n in step.counts.items() if k not in COUNTS and n])
        else:
            what = step.status
        units = f"; {sum(step.units.values())} quota units" if step.units else ""
        note = f" [{step.note}]" if step.note else ""
        lines.append(f"  {step.name:<12} {what}{units}{note} ({step.seconds:.1f} s)")
    lines += [f"  warning: {w}" for w in report.warnings]
    failures = report.to_dict()["failures"]
    lines += [f"  failed: {f}" for f in failures[:20]]
    if len(failures) > 20:
        lines.append(f"  … and {len(failures) - 20} more failures in the summary file")
    if report.summary_path is not None:
        lines.append(f"Summary: {report.summary_path}")
    return lines
