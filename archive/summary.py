"""The harvester protocol and the run summary every harvester returns.

A harvester (the site crawl, the notes, YouTube, the transcripts) has a ``name``, says when it
has nothing to do (``skip_reason``), and ``run``s into a ``RunSummary``: the failures listed
(each with the item, why, and the pages that link it), the warnings, the quota units spent, a
stop by the quota, and the standard counts (``COUNTS``). A harvester's own facts (per channel,
per kind of page, per transcript outcome) are fields of its subclass and its ``to_dict``, the
JSON its run record keeps. ``update`` and the CLI read every harvester through ``sections``:
one ``Section`` a source, so they need no code per harvester.

The failed items are kept as ``Failure``s (item, reason, the pages linking it); ``failures`` are
their lines, as the run records, ``update`` and the CLI print them.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, ClassVar, Iterable, NamedTuple, Protocol

from archive.errors import EXIT_OK, EXIT_PARTIAL, EXIT_QUOTA

if TYPE_CHECKING:
    from archive.config import Settings
    from archive.store import ArchiveStore

log = logging.getLogger(__name__)

# The counts every source reports, in this order (a source may add its own after them).
COUNTS = ("fetched", "new", "changed", "unchanged", "failed", "deactivated")

Progress = Callable[[str, int, "int | None"], None]


def linked_from(pages: Iterable[str] | None) -> str:
    """The tail of a failure line that names the pages linking the item (empty if none)."""
    pages = list(pages or ())
    return f" (linked from {', '.join(pages)})" if pages else ""


def failure_line(item: str, reason: str, pages: Iterable[str] | None = None) -> str:
    """One failed item as the summaries list it: ``item: reason (linked from pages)``."""
    return f"{item + ': ' if item else ''}{reason}{linked_from(pages)}"


class Failure(NamedTuple):
    """One failed item: what it is (a URL, a channel, a video id, a file; empty for the run), why, where linked."""

    item: str
    reason: str
    pages: tuple[str, ...] = ()

    def __str__(self) -> str:
        return failure_line(self.item, self.reason, self.pages)


def exit_code_of(failures: Iterable[object], stopped_by_quota: bool) -> int:
    """A run's exit code (the README's "Exit codes"): 4 on a quota stop, 1 if items failed, else 0."""
    if stopped_by_quota:
        return EXIT_QUOTA
    return EXIT_PARTIAL if any(True for _ in failures) else EXIT_OK


@dataclass(frozen=True)
class Section:
    """What one source of a run did, in the one shape ``update`` and the CLI print and record."""

    name: str
    counts: dict[str, int]
    failures: list[str]
    note: str = ""
    units: dict[str, int] = field(default_factory=dict)
    stopped_by_quota: bool = False
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def exit_code(self) -> int:
        """0 done, 1 some items failed, 4 stopped by the quota."""
        return exit_code_of(self.failures, self.stopped_by_quota)

    @property
    def status(self) -> str:
        """done, failed (some items), or quota (stopped by it; the next run resumes)."""
        return "quota" if self.stopped_by_quota else "failed" if self.failures else "done"


@dataclass
class RunSummary:
    """What a harvester's run did; each harvester's summary extends it with its own facts."""

    name: ClassVar[str] = "harvest"
    failed_items: list[Failure] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    units: dict[str, int] = field(default_factory=dict)  # YouTube quota units spent, per method
    stopped_by_quota: bool = False

    @property
    def exit_code(self) -> int:
        """0 done, 1 some items failed, 4 stopped by the quota."""
        return exit_code_of(self.failed_items, self.stopped_by_quota)

    @property
    def failures(self) -> list[str]:
        """The failed items as the summaries list them, one line each."""
        return [str(failure) for failure in self.failed_items]

    def fail(self, item: str, reason: str, pages: Iterable[str] | None = None) -> str:
        """List a failed item with why and the pages that link it; the line is logged and returned."""
        failure = Failure(item, reason, tuple(pages or ()))
        log.info("[%s] %s", self.name, failure)  # the caller's summary lists it, once
        self.failed_items.append(failure)
        return str(failure)

    def totals(self) -> dict[str, int]:
        """The standard counts (``COUNTS``) and any of the source's own."""
        return dict.fromkeys(COUNTS, 0)

    def note(self) -> str:
        """A short remark for the run's summary line."""
        return ""

    def to_dict(self) -> dict[str, Any]:
        """The JSON form its run record and ``--format json`` keep."""
        return {"failures": list(self.failures), "warnings": list(self.warnings), "units": dict(self.units),
                "stopped_by_quota": self.stopped_by_quota}

    def sections(self) -> list[Section]:
        """The sources this run covered, one section each (the site crawl reads its notes too)."""
        return [Section(self.name, self.totals(), list(self.failures), self.note(), dict(self.units),
                        self.stopped_by_quota, self.to_dict())]


class Harvester(Protocol):
    """A source of raw material: says when it has nothing to do, and runs into a RunSummary."""

    name: str

    def skip_reason(self, settings: Settings, store: ArchiveStore) -> str | None:
        """Why this source has nothing to do with these settings and archive, or None to run it."""
        ...

    def run(self, settings: Settings, progress: Progress | None = None) -> RunSummary:
        """Harvest into the archive (under the writer lock), save the run record, return the summary."""
        ...
