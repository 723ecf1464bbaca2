"""The harvesters as the faces use them: one object a source, each a ``Harvester`` (``archive/summary.py``).

``update`` runs ``harvesters(...)`` in order (site → notes → YouTube → transcripts); a
``harvest …`` command runs one of them. Each object holds its options (the command's flags, the
offline demo's transports) and calls its library entry point, which takes the writer lock,
saves the run record and returns the source's ``RunSummary``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Sequence

from typing import TYPE_CHECKING

from archive.config import Settings
from archive.summary import Harvester, Progress, RunSummary, Section

if TYPE_CHECKING:
    import requests

    from archive.store import ArchiveStore

# The harvesters' modules (bs4, requests, the Google client…) are imported where a run needs
# them, so a command that harvests nothing (search, show) starts without them.

__all__ = ["Harvester", "NotesHarvest", "Progress", "RunSummary", "Section", "SiteHarvest", "TranscriptHarvest",
           "YouTubeHarvest", "harvesters"]

Sleep = Callable[[float], None]


@dataclass
class SiteHarvest:
    """The platform's case pages and the notes they link (``harvest site``)."""

    start_urls: Sequence[str] = ()
    sleep: Sleep | None = None
    session: requests.Session | None = None
    name: str = "site"

    def skip_reason(self, settings: Settings, store: ArchiveStore) -> str | None:
        """Nothing to crawl without start URLs."""
        return None if self.start_urls or settings.site.start_urls else "no start URLs (site.start_urls)"

    def run(self, settings: Settings, progress: Progress | None = None) -> RunSummary:
        """Crawl from the start URLs."""
        from archive.cases import harvest_site

        return harvest_site(settings, self.start_urls, progress=progress, sleep=self.sleep, session=self.session)


@dataclass
class NotesHarvest:
    """The notes archived case pages link, fetched again and read (``harvest notes``)."""

    sleep: Sleep | None = None
    name: str = "notes"

    def skip_reason(self, settings: Settings, store: ArchiveStore) -> str | None:
        """Always something to check: the archived cases' notes (none is fine)."""
        return None

    def run(self, settings: Settings, progress: Progress | None = None) -> RunSummary:
        """Fetch and read the notes."""
        from archive.cases import harvest_notes

        return harvest_notes(settings, progress=progress, sleep=self.sleep)


@dataclass
class YouTubeHarvest:
    """Channels' uploads through the Data API (``harvest youtube``)."""

    channels: Sequence[str] = ()
    full: bool = False
    sleep: Sleep | None = None
    api_key: str | None = None
    http: Any = None  # an httplib2-like transport (the offline demo's replay)
    name: str = "youtube"

    def skip_reason(self, settings: Settings, store: ArchiveStore) -> str | None:
        """Nothing to ask without a channel named by the flags, the config or a case page."""
        from archive.harvest import read_site_channels

        if self.channels or settings.youtube.channels or read_site_channels(store):
            return None
        return "no channels configured or linked from case pages"

    def run(self, settings: Settings, progress: Progress | None = None) -> RunSummary:
        """Harvest the channels."""
        from archive.harvest import harvest_youtube

        return harvest_youtube(settings, self.channels, full=self.full, progress=progress, sleep=self.sleep,
                               api_key=self.api_key, http=self.http)


@dataclass
class TranscriptHarvest:
    """Caption files from a folder, and the online provider if enabled (``harvest transcripts``)."""

    folder: str | None = None
    name: str = "transcripts"

    def skip_reason(self, settings: Settings, store: ArchiveStore) -> str | None:
        """Nothing to import without a folder or the online provider."""
        if self.folder or settings.transcripts.folder or settings.transcripts.online:
            return None
        return "no caption folder and the online provider is off"

    def run(self, settings: Settings, progress: Progress | None = None) -> RunSummary:
        """Import the captions."""
        from archive.transcripts import harvest_transcripts

        return harvest_transcripts(settings, self.folder, progress=progress)


def harvesters(*, full: bool = False, sleep: Sleep | None = None, session: requests.Session | None = None,
               api_key: str | None = None, http: Any = None) -> list[Harvester]:
    """Every source in the order ``update`` runs them (later ones read what earlier ones stored)."""
    return [SiteHarvest(sleep=sleep, session=session), NotesHarvest(sleep=sleep),
            YouTubeHarvest(full=full, sleep=sleep, api_key=api_key, http=http), TranscriptHarvest()]
