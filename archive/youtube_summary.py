"""What a YouTube harvest did: per channel, and for the whole run (a ``RunSummary``)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, ClassVar

from archive.summary import Failure, RunSummary, Section


@dataclass
class ChannelSummary:
    """What one channel's harvest did."""

    channel: str
    title: str = ""
    mode: str = "incremental"
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    deactivated: int = 0
    reactivated: int = 0
    failed: int = 0
    refreshed: int = 0
    completed: bool = False
    error: str | None = None
    problems: list[Failure] = field(default_factory=list)  # items refused, each with why (listed as failures)


@dataclass
class HarvestSummary(RunSummary):
    """What a whole YouTube harvest run did; ``exit_code`` follows the README's "Exit codes"."""

    name: ClassVar[str] = "youtube"
    channels: list[ChannelSummary] = field(default_factory=list)
    # References that named no channel: {"item": "user/NAME", "reason": …, "sources": [pages]}.
    unresolved: list[dict[str, Any]] = field(default_factory=list)
    archived: str = ""  # the archive's videos after the run, as ``status`` counts them
    # Thumbnails stored this run, missing (each a warning, tried again next run), left past the budget.
    thumbnails: dict[str, int] = field(default_factory=dict)

    def add_unresolved(self, item: str, reason: str, pages: list[str] | None) -> None:
        """A channel reference that names no channel: a failure item, listed with its pages."""
        self.fail("", reason, pages)  # the reason names the reference
        self.unresolved.append({"item": item, "reason": reason, "sources": list(pages or [])})

    def total(self, name: str) -> int:
        """A counter summed over all channels."""
        return sum(getattr(c, name) for c in self.channels)

    def totals(self) -> dict[str, int]:
        """The standard counts: a video fetched is new, changed or unchanged; every listed failure counts."""
        totals = {k: self.total(k) for k in ("new", "changed", "unchanged", "deactivated", "reactivated", "failed",
                                               "refreshed")}
        totals["failed"] += len(self.failures)  # every listed failure (a reference, a channel) counts
        return totals

    def note(self) -> str:
        """The archive's videos, the thumbnails stored and missing, and whether the quota stopped the run."""
        thumbs = ", ".join(f"{n} {what}" for what, n in self.thumbnails.items() if n)
        return "; ".join(filter(None, [f"archive: {self.archived}" if self.archived else "",
                                       f"thumbnails: {thumbs}" if thumbs else "",
                                       "stopped by the quota; the next run resumes" if self.stopped_by_quota else ""]))

    def sections(self) -> list[Section]:
        """One source; its counts as ``update`` lists them (fetched: new, changed or unchanged)."""
        totals = self.totals()
        counts = {k: totals[k] for k in ("new", "changed", "unchanged", "failed", "deactivated", "refreshed")}
        counts["fetched"] = totals["new"] + totals["changed"] + totals["unchanged"]
        return [Section(self.name, counts, list(self.failures), self.note(), dict(self.units),
                        self.stopped_by_quota, self.to_dict())]

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready form for the run summary."""
        return {
            "source": "youtube",
            "channels": [{**asdict(c), "problems": [str(p) for p in c.problems]} for c in self.channels],
            "totals": self.totals(),
            "units": dict(self.units),
            "units_total": sum(self.units.values()),
            "stopped_by_quota": self.stopped_by_quota,
            "failures": list(self.failures),
            "warnings": list(self.warnings),
            "unresolved": list(self.unresolved),
            "thumbnails": dict(self.thumbnails),
        }
