"""The opt-in online transcript provider: youtube-transcript-api (off unless transcripts.online).

It reads YouTube's own caption tracks through the undocumented watch-page / innertube player /
timedtext endpoints (not the Data API, whose ``captions.download`` needs the channel owner's
OAuth). Manual tracks are preferred over auto-generated ones, language by language in the
configured order (manual nl, auto nl, manual en, auto en). Calls are spaced by a delay, a run
asks at most a budget of videos, and a block by YouTube stops the run: every further request
would be blocked too. Refusals are outcomes, never crashes.
"""

from __future__ import annotations

import json
import logging
import time
from datetime import datetime, timedelta, timezone
from typing import Any, Callable, Sequence

import requests
from youtube_transcript_api import (
    CouldNotRetrieveTranscript,
    NoTranscriptFound,
    RequestBlocked,
    TranscriptsDisabled,
    VideoUnavailable,
    YouTubeTranscriptApi,
)

from archive.store import ArchiveStore
from archive.transcript_provider import (
    BLOCKED, DISABLED, FAILED, FOUND, NO_CAPTIONS, NS_RAW, OUTCOME_STATE, UNAVAILABLE, WRONG_LANGUAGE, ProviderResult,
    TranscriptSummary, record_result,
)
from archive.youtube import NS_AVAILABILITY, NS_VIDEO, Progress

log = logging.getLogger(__name__)

PROVIDER = "youtube-transcript-api"
# Answers that will not change soon; such a video is asked again only after this many days.
FINAL = {DISABLED: 30, NO_CAPTIONS: 30, WRONG_LANGUAGE: 30, UNAVAILABLE: 30}


class OnlineProvider:
    """youtube-transcript-api behind the provider protocol, rate limited."""

    name = PROVIDER

    def __init__(self, session: requests.Session | None = None, sleep: Callable[[float], None] = time.sleep,
                 delay: float = 2.0) -> None:
        self.api = YouTubeTranscriptApi(http_client=session or requests.Session())
        self.sleep = sleep
        self.delay = delay
        self._last: float | None = None

    def _wait(self) -> None:
        # Spacing between videos; one video costs three requests (page, player, timedtext).
        if self._last is not None:
            self.sleep(self.delay)
        self._last = time.monotonic()

    def fetch(self, video_id: str, languages: Sequence[str]) -> list[ProviderResult]:
        """The preferred track of one video, or the outcome that explains why there is none."""
        self._wait()
        base: dict[str, Any] = {"video_id": video_id, "provider": self.name}
        try:
            tracks = self.api.list(video_id)
            try:
                track = tracks.find_transcript(list(languages))
            except NoTranscriptFound:
                available = sorted({t.language_code for t in tracks})
                if not available:
                    return [ProviderResult(outcome=NO_CAPTIONS, detail="no caption tracks", **base)]
                return [ProviderResult(outcome=WRONG_LANGUAGE, detail=f"tracks: {', '.join(available)}", **base)]
            fetched = track.fetch()
        except RequestBlocked as exc:  # IpBlocked is a RequestBlocked too
            return [ProviderResult(outcome=BLOCKED, detail=type(exc).__name__, **base)]
        except TranscriptsDisabled:
            return [ProviderResult(outcome=DISABLED, detail="subtitles are disabled for this video", **base)]
        except VideoUnavailable:
            return [ProviderResult(outcome=UNAVAILABLE, detail="the video is unavailable", **base)]
        except CouldNotRetrieveTranscript as exc:
            return [ProviderResult(outcome=FAILED, detail=type(exc).__name__, **base)]
        except requests.RequestException as exc:
            return [ProviderResult(outcome=FAILED, detail=f"{type(exc).__name__}: {exc}"[:200], **base)]
        kind = "auto" if fetched.is_generated else "manual"
        body = {"provider": self.name, "video_id": video_id, "language": fetched.language,
                "language_code": fetched.language_code, "is_generated": fetched.is_generated,
                "snippets": fetched.to_raw_data()}
        # The track URL carries a signature and the caller's IP address; keep only what names it.
        source = f"https://www.youtube.com/api/timedtext?v={video_id}&lang={fetched.language_code}" + (
            "&kind=asr" if fetched.is_generated else "")
        return [ProviderResult(outcome=FOUND, language=fetched.language_code, kind=kind, format="ytt-json",
                               body=json.dumps(body, ensure_ascii=False, sort_keys=True, indent=1).encode(),
                               source=source, **base)]


def _due(outcome: dict[str, Any] | None, now: datetime) -> bool:
    if not outcome or outcome.get("outcome") not in FINAL:
        return True
    when = datetime.fromisoformat(outcome["at"].replace("Z", "+00:00"))
    return now - when >= timedelta(days=FINAL[outcome["outcome"]])


def videos_to_fetch(store: ArchiveStore, budget: int) -> list[str]:
    """Active archived videos that have no transcript yet and are due to be asked, at most ``budget``."""
    have = {key.split(".", 1)[0] for key in store.keys(NS_RAW)}
    now = datetime.now(timezone.utc)
    chosen: list[str] = []
    for video_id in store.keys(NS_VIDEO):
        if len(chosen) >= budget:
            break
        if video_id in have:
            continue
        availability = store.latest(NS_AVAILABILITY, video_id)
        if availability is not None and not store.read_json(availability).get("active", True):
            continue
        if _due(store.get_state(OUTCOME_STATE + video_id, {}).get(PROVIDER), now):
            chosen.append(video_id)
    return chosen


def harvest_online(store: ArchiveStore, provider: OnlineProvider, languages: Sequence[str], budget: int,
                   summary: TranscriptSummary, progress: Progress | None = None) -> str:
    """Ask the online provider for videos without a transcript; returns how the online part ended."""
    ids = videos_to_fetch(store, budget)
    for n, video_id in enumerate(ids, 1):
        results = provider.fetch(video_id, languages)
        for result in results:
            record_result(store, result, summary)
        if progress:
            progress("online transcripts", n, len(ids))
        if any(r.outcome == BLOCKED for r in results):
            log.warning("[transcripts] %s: YouTube blocks the online provider; %d videos left for the next run",
                        video_id, len(ids) - n)
            return f"stopped: blocked after {n} of {len(ids)} videos"
    return f"asked {len(ids)} videos"
