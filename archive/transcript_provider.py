"""The transcript providers' shared protocol: what a provider answers, and how an answer is archived.

A provider (``LocalFileProvider`` in ``archive/transcripts.py``, ``OnlineProvider`` in
``archive/transcript_online.py``) answers with ``ProviderResult``s: a raw caption body, or an
outcome that says why there is none. ``record_result`` archives a body raw with its provenance,
or records the outcome, and counts it in the run's ``TranscriptSummary``. Both providers' modules
import this one, so neither needs the other.
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, ClassVar, Iterable, Protocol, Sequence

from archive.captions import CONTENT_TYPES
from archive.store import ArchiveStore, utc_now
from archive.summary import RunSummary

# The records keep the name they had before this module was split off.
log = logging.getLogger("archive.transcripts")

# The local provider's name: its results' sources are file names, not URLs.
LOCAL = "local"
NS_RAW = "transcript.raw"
OUTCOME_STATE = "transcripts/outcome/"

# Outcomes a provider reports for a video (the report shows them as the reason for a gap).
FOUND = "found"
NO_CAPTIONS = "no captions"
DISABLED = "disabled"
PROVIDER_OFF = "provider off"
BLOCKED = "blocked"
WRONG_LANGUAGE = "wrong language"
UNAVAILABLE = "unavailable"
MALFORMED = "malformed file"
EMPTY = "empty file"
FAILED = "failed"
# Outcomes that make the run "done, but some items failed" (exit code 1).
FAILURES = frozenset({MALFORMED, EMPTY, BLOCKED, FAILED})


@dataclass(frozen=True)
class ProviderResult:
    """One answer of a provider for a video: a caption body (outcome "found") or why there is none."""

    video_id: str
    outcome: str
    provider: str
    language: str | None = None
    kind: str | None = None
    body: bytes | None = None
    format: str | None = None
    source: str | None = None
    detail: str | None = None


class TranscriptProvider(Protocol):
    """A source of captions: given a video id and preferred languages, its results."""

    name: str

    def fetch(self, video_id: str, languages: Sequence[str]) -> list[ProviderResult]:
        """Every caption track this provider has for the video (or one outcome saying why none)."""
        ...


@dataclass
class TranscriptSummary(RunSummary):
    """What a transcript harvest did; ``exit_code`` is 1 when some items failed, else 0."""

    name: ClassVar[str] = "transcripts"
    files: int = 0
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    failed: int = 0
    online: str = "off"
    outcomes: Counter[str] = field(default_factory=Counter)
    unknown_videos: list[str] = field(default_factory=list)

    def fail(self, item: str, reason: str, pages: Iterable[str] | None = None) -> str:
        """List a failed item (a file, a video) and count it as failed."""
        self.failed += 1
        return super().fail(item, reason, pages)

    def totals(self) -> dict[str, int]:
        """The standard counts: every caption file or answer is fetched; none is deactivated."""
        return {"fetched": self.files, "new": self.new, "changed": self.changed, "unchanged": self.unchanged,
                "failed": self.failed, "deactivated": 0}

    def note(self) -> str:
        """How the online provider ended."""
        return f"online provider: {self.online}"

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready form for the run summary."""
        return {
            "source": "transcripts",
            "totals": {"files": self.files, "new": self.new, "changed": self.changed,
                       "unchanged": self.unchanged, "failed": self.failed},
            "outcomes": dict(sorted(self.outcomes.items())),
            "online": self.online,
            "failures": list(self.failures),
            "unknown_videos": list(self.unknown_videos),
        }


def record_result(store: ArchiveStore, result: ProviderResult, summary: TranscriptSummary) -> None:
    """Archive a found caption body raw (with provenance) or log the outcome; count it."""
    vid = result.video_id
    summary.outcomes[result.outcome] += 1
    if result.outcome == FOUND and result.body is not None and result.format and result.language and result.kind:
        meta = {"video_id": vid, "language": result.language, "kind": result.kind, "provider": result.provider,
                "format": result.format, "source": result.source}
        put = store.put(NS_RAW, f"{vid}.{result.language}.{result.kind}", result.body,
                        url=result.source if result.provider != LOCAL else None,
                        content_type=CONTENT_TYPES[result.format], meta=meta)
        setattr(summary, put.status, getattr(summary, put.status) + 1)
        log.info("[transcripts] %s: %s %s transcript (%s) %s", vid, result.language, result.kind,
                 result.provider, put.status)
    else:
        store.record_fetch(NS_RAW, vid, status=None, outcome=result.outcome, detail=result.detail)
        what = f"{result.source}: " if result.source else ""
        if result.outcome in FAILURES:
            detail = f" ({result.detail})" if result.detail and result.detail != result.outcome else ""
            summary.fail(vid, f"{what}{result.outcome}{detail}")
        else:
            log.info("[transcripts] %s: %s%s", vid, what, result.outcome)
    outcomes = store.get_state(OUTCOME_STATE + vid, {})
    outcomes[result.provider] = {"outcome": result.outcome, "detail": result.detail, "language": result.language,
                                 "kind": result.kind, "at": utc_now()}
    store.set_state(OUTCOME_STATE + vid, outcomes)
