"""Library entry points for the harvest commands: settings in, summary out."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Mapping, Sequence

from archive.config import Settings, read_api_key
from archive.errors import CaseArchiveError, ConfigError, InputError
from archive.lock import writer_lock
from archive.quota import QuotaLedger
from archive.runs import save_run
from archive.status import videos_phrase
from archive.summary import Failure
from archive.thumbnails import store_thumbnails
from archive.store import ArchiveStore, open_store, utc_now
from archive.youtube import HarvestSummary, Progress, YouTubeHarvester
from archive.youtube_api import YouTubeApi
from archive.youtube_refs import ChannelRef, parse_channel

log = logging.getLogger(__name__)

# State entry where the site harvester lists the channels that case pages link, each with the
# pages that link it: {"user/NAME": ["https://…/case-a"], …}. Older archives hold a plain list.
SITE_CHANNELS_STATE = "site/channels"
# Channel references that named no channel, with why and the pages that named them (``report``).
UNRESOLVED_STATE = "youtube/unresolved"
CONFIG_SOURCE = "the config (youtube.channels)"


def read_site_channels(store: ArchiveStore) -> dict[str, list[str]]:
    """The channel references case pages link, each with the pages that link it."""
    stored = store.get_state(SITE_CHANNELS_STATE, [])
    if isinstance(stored, dict):
        return {str(text): list(pages) for text, pages in stored.items()}
    return {str(text): [] for text in stored}  # the list of an older version: no pages recorded


def reference_key(text: str) -> ChannelRef | str:
    """What makes two channel references one: a name or handle in any case (an id as written)."""
    try:
        return parse_channel(text)
    except InputError:
        return text


def linked_unresolved(store: ArchiveStore, settings: Settings) -> dict[str, dict[str, Any]]:
    """The references that named no channel and that a page (with its pages now) or the config still names."""
    linked = {reference_key(text): pages for text, pages in read_site_channels(store).items()}
    typed = {reference_key(text) for text in settings.youtube.channels}
    entries = {}
    for text, entry in store.get_state(UNRESOLVED_STATE, {}).items():
        key = reference_key(text)
        if key in linked:
            entries[text] = {**entry, "pages": linked[key]}
        elif key in typed:
            entries[text] = entry
    return entries


@dataclass
class Targets:
    """The channels a harvest asks for, the pages that named each, and references that are none."""

    refs: list[ChannelRef] = field(default_factory=list)
    sources: dict[ChannelRef, list[str]] = field(default_factory=dict)
    bad: dict[str, tuple[str, list[str]]] = field(default_factory=dict)  # text → (reason, pages)

    def __bool__(self) -> bool:
        return bool(self.refs or self.bad)


def channel_targets(settings: Settings, explicit: Iterable[str], discovered: Mapping[str, Sequence[str]]) -> Targets:
    """The channels to harvest: the explicit ones, or the config's plus those found on case pages.

    A malformed channel the user typed (flag or config) raises InputError; one a page links is
    kept in ``bad`` with its pages, for the run to report while it goes on.
    """
    explicit = list(explicit)
    targets = Targets()
    typed = explicit or list(settings.youtube.channels)
    found = {} if explicit else discovered
    for text, pages in [*((t, [] if explicit else [CONFIG_SOURCE]) for t in typed), *found.items()]:
        try:
            ref = parse_channel(text)
        except InputError as exc:
            if text in typed:
                raise
            targets.bad[text] = (str(exc), list(pages))
            continue
        if ref not in targets.sources:
            targets.refs.append(ref)
        named_on = targets.sources.setdefault(ref, [])
        named_on.extend(page for page in pages if page not in named_on)
    return targets


def record_unresolved(store: ArchiveStore, summary: HarvestSummary) -> None:
    """Keep the references that named no channel this run (with why and where) for ``report``."""
    known = store.get_state(UNRESOLVED_STATE, {})
    now = utc_now()
    # A run stopped by the quota did not reach every reference: those keep what was known.
    entries = dict(known) if summary.stopped_by_quota else {}
    for problem in summary.unresolved:
        since = (known.get(problem["item"]) or {}).get("since", now)
        entries[problem["item"]] = {"reason": problem["reason"], "pages": problem["sources"], "since": since,
                                    "checked_at": now}
    store.set_state(UNRESOLVED_STATE, entries)


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
    channel_targets(settings, explicit, {})  # reject malformed input before anything else
    with writer_lock(settings, "harvest youtube"), open_store(settings.data_dir) as store:
        targets = channel_targets(settings, explicit, read_site_channels(store))
        if not targets:
            raise ConfigError(
                "no YouTube channels to harvest: pass --channel, list youtube.channels in the config, "
                "or harvest case pages that link channels first"
            )
        ledger = QuotaLedger(store)
        key = api_key or read_api_key(settings) if targets.refs else ""
        api = YouTubeApi(key, settings.youtube.api_url, ledger, retries=settings.youtube.retries,
                         sleep=sleep, http=http)
        harvester = YouTubeHarvester(store, api, ledger, full_pass_every_days=settings.youtube.full_pass_every_days,
                                     refresh_days=settings.youtube.refresh_days,
                                     refresh_budget=settings.youtube.refresh_budget, progress=progress)
        try:
            summary = harvester.harvest(targets.refs, full=full, strict=bool(explicit), sources=targets.sources)
        except CaseArchiveError as exc:
            # A run that stops on an error (a refused key, an unknown channel) is still on record.
            failed = HarvestSummary(units=dict(ledger.run), failed_items=[Failure("", str(exc))])
            save_run(settings.data_dir, "harvest youtube", failed.to_dict(), started, exc.exit_code)
            raise
        for text, (reason, pages) in targets.bad.items():
            summary.add_unresolved(text, reason, pages)
        if not explicit:
            record_unresolved(store, summary)
        if settings.youtube.thumbnails:  # a missing thumbnail is a warning: the videos are archived
            thumbnails = store_thumbnails(settings, store, progress)
            summary.thumbnails = thumbnails.to_dict()
            summary.warnings.extend(thumbnails.problems)
        summary.archived = videos_phrase(store)
    save_run(settings.data_dir, "harvest youtube", summary.to_dict(), started, summary.exit_code)
    return summary
