"""Library entry points for the harvest commands: settings in, summary out."""

from __future__ import annotations

import logging
from typing import Any, Callable, Iterable

from archive.config import Settings, read_api_key
from archive.errors import CaseArchiveError, ConfigError
from archive.quota import QuotaLedger
from archive.runs import save_run
from archive.store import open_store, utc_now
from archive.youtube import HarvestSummary, Progress, YouTubeHarvester
from archive.youtube_api import YouTubeApi
from archive.youtube_refs import ChannelRef, parse_channel

log = logging.getLogger(__name__)

# State entry where the site harvester lists the channels that case pages link to.
SITE_CHANNELS_STATE = "site/channels"


def channel_targets(settings: Settings, explicit: Iterable[str], discovered: Iterable[str]) -> list[ChannelRef]:
    """The channels to harvest: the explicit ones, or the config's plus those found on case pages."""
    explicit = list(explicit)
    texts = explicit or [*settings.youtube.channels, *discovered]
    refs: list[ChannelRef] = []
    for text in texts:
        ref = parse_channel(text)
        if ref not in refs:
            refs.append(ref)
    return refs


def harvest_youtube(
    settings: Settings,
    channels: Iterable[str] = (),
    *,
    full: bool = False,
    progress: Progress | None = None,
    sleep: Callable[[float], None] | None = None,
    api_key: str | None = None,
    http: Any = None,
) -> HarvestSummary:
    """Harvest YouTube channels into the archive and save the run summary.

    ``api_key`` and ``http`` (an httplib2-like transport) are for the offline demo's replay.
    """
    started = utc_now()
    explicit = list(channels)
    channel_targets(settings, explicit, [])  # reject malformed input before anything else
    key = api_key or read_api_key(settings)
    with open_store(settings.data_dir) as store:
        refs = channel_targets(settings, explicit, store.get_state(SITE_CHANNELS_STATE, []))
        if not refs:
            raise ConfigError(
                "no YouTube channels to harvest: pass --channel, list youtube.channels in the config, "
                "or harvest case pages that link channels first"
            )
        ledger = QuotaLedger(store)
        api = YouTubeApi(key, settings.youtube.api_url, ledger, retries=settings.youtube.retries,
                         sleep=sleep, http=http)
        harvester = YouTubeHarvester(store, api, ledger, full_pass_every_days=settings.youtube.full_pass_every_days,
                                     refresh_days=settings.youtube.refresh_days,
                                     refresh_budget=settings.youtube.refresh_budget, progress=progress)
        try:
            summary = harvester.harvest(refs, full=full, strict=bool(explicit))
        except CaseArchiveError as exc:
            # A run that stops on an error (a refused key, an unknown channel) is still on record.
            failed = HarvestSummary(units=dict(ledger.run), failures=[str(exc)])
            save_run(settings.data_dir, "harvest youtube", failed.to_dict(), started, exc.exit_code)
            raise
    save_run(settings.data_dir, "harvest youtube", summary.to_dict(), started, summary.exit_code)
    return summary
