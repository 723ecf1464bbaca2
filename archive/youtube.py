"""YouTube Data API v3 harvester: a channel's uploads into the archive at minimal quota.

Cost: ``channels.list`` (1 unit) → the uploads playlist through ``playlistItems.list`` (1 unit a
page of 50) → ``videos.list`` (1 unit a batch of 50 ids). A full pass over N videos costs
1 + 2·⌈N/50⌉ units. An incremental run stops paging at the first known upload, unless the
playlist's size says something disappeared. ``search.list`` (100 units) is never used.

Each channel's pass (next page token, ids still to fetch) is saved after every call, so a run
stopped by the quota or a crash resumes where it stopped without paying twice.
"""

from __future__ import annotations

import json
import logging
from datetime import datetime, timedelta, timezone
from typing import Any, Iterable, Mapping
from urllib.parse import urlencode

from archive.errors import FetchError, NotFoundError, QuotaExceeded
from archive.quota import QuotaLedger
from archive.store import ArchiveStore, utc_now
from archive.summary import Failure, Progress
from archive.validate import InvalidValue
from archive.youtube_api import ApiResponse, YouTubeApi
from archive.youtube_refresh import plan_refresh
from archive.youtube_refs import ChannelRef
from archive.youtube_summary import ChannelSummary, HarvestSummary
from archive.youtube_videos import Video, parse_duration, parse_video, playlist_item_video

# Handed on: the modules that read archived videos take these from here, beside the namespaces.
__all__ = ["NS_AVAILABILITY", "NS_CHANNEL", "NS_RESPONSE", "NS_VIDEO", "ChannelSummary", "HarvestSummary", "Progress",
           "Video", "YouTubeHarvester", "parse_duration", "parse_video", "playlist_item_video"]

log = logging.getLogger(__name__)

NS_RESPONSE = "youtube.response"
NS_CHANNEL = "youtube.channel"
NS_VIDEO = "youtube.video"
NS_AVAILABILITY = "youtube.availability"

PAGE_SIZE = 50
VIDEO_PARTS = "snippet,contentDetails,statistics,status,topicDetails,liveStreamingDetails,localizations"
CHANNEL_PARTS = "snippet,contentDetails,statistics,brandingSettings"
# Parts of a resource that change without the content changing; they do not make a new version.
VOLATILE = ("etag", "statistics")


# -- storing what the API answered ------------------------------------------------------------


def _identity(resource: dict[str, Any]) -> bytes:
    """What makes a resource a new version: everything but its volatile parts."""
    stable = {k: v for k, v in resource.items() if k not in VOLATILE}
    return json.dumps(stable, sort_keys=True, ensure_ascii=False).encode()


def _json_bytes(value: Any) -> bytes:
    """A resource as the archive stores it: sorted, indented JSON."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False, indent=1).encode()


def _item_id(resource: Any) -> str:
    """An API item's id for a message, whatever its shape."""
    value = resource.get("id") if isinstance(resource, dict) else None
    return value[:64] if isinstance(value, str) else repr(value)[:40]


# -- the harvester ----------------------------------------------------------------------------


class YouTubeHarvester:
    """Harvests channels' uploads into an ArchiveStore through a YouTubeApi."""

    def __init__(
        self,
        store: ArchiveStore,
        api: YouTubeApi,
        ledger: QuotaLedger,
        *,
        full_pass_every_days: int = 7,
        refresh_days: int = 30,
        refresh_budget: int = 0,
        progress: Progress | None = None,
    ) -> None:
        self.store = store
        self.api = api
        self.ledger = ledger
        self.full_pass_every = timedelta(days=full_pass_every_days)
        self.refresh_after = timedelta(days=refresh_days)
        self.refresh_budget = refresh_budget  # videos.list calls a run may spend on re-checks
        self.progress = progress or (lambda label, done, total: None)
        self._fetched: set[str] = set()  # channels whose resource this run already fetched

    # The channel state lives in the archive's state table, one entry a channel.
    def _state(self, channel_id: str) -> dict[str, Any] | None:
        """A channel's saved state (known videos, the pass in progress), or None."""
        return self.store.get_state(f"youtube/channel/{channel_id}")

    def _save(self, state: dict[str, Any]) -> None:
        """Save a channel's state (after every API call, so a stop loses nothing)."""
        self.store.set_state(f"youtube/channel/{state['channel_id']}", state)

    def _call(self, resource: str, params: dict[str, Any], key: str | None = None) -> ApiResponse:
        """Call the API and archive the raw response before anything parses it."""
        response = self.api.call(resource, params)
        self.store.put(
            NS_RESPONSE,
            key or f"{response.method}?{urlencode(sorted(params.items()))}",
            response.body,
            url=response.url,
            method=response.method,
            params=response.params,
            status=response.status,
            content_type=response.content_type,
        )
        return response

    def known_channels(self) -> list[str]:
        """Ids of every channel harvested before."""
        return [name.rsplit("/", 1)[1] for name in self.store.state_names("youtube/channel/")]

    def resolve(self, ref: ChannelRef) -> str:
        """The channel id of a reference; a handle or user name costs one ``channels.list``."""
        if ref.kind == "id":
            return ref.value
        cached = self.store.get_state(f"youtube/resolve/{ref.kind}:{ref.value.lower()}")
        if cached:
            return cached
        resource = self._fetch_channel(ref)
        self.store.set_state(f"youtube/resolve/{ref.kind}:{ref.value.lower()}", resource["id"])
        return resource["id"]

    def _fetch_channel(self, ref: ChannelRef) -> dict[str, Any]:
        """Resolve a channel: its resource by id, handle or user name (a custom URL tries both); archived."""
        attempts: list[dict[str, str]] = {
            "id": [{"id": ref.value}],
            "handle": [{"forHandle": ref.value}],
            "username": [{"forUsername": ref.value}],
            # A /c/ custom URL has no API lookup; most became handles, older ones are user names.
            "custom": [{"forHandle": "@" + ref.value}, {"forUsername": ref.value}],
        }[ref.kind]
        for lookup in attempts:
            response = self._call("channels", {"part": CHANNEL_PARTS, **lookup})
            items = response.data.get("items") or []
            if items:
                resource = items[0]
                if not isinstance(resource.get("id"), str) or not resource["id"].startswith("UC"):
                    raise FetchError(f"YouTube API channels.list: the channel's id is not a channel id: "
                                     f"{_item_id(resource)}")
                self._fetched.add(resource["id"])
                self._store_channel(resource)
                return resource
        raise NotFoundError(f"YouTube channel not found: {ref}")

    def _store_channel(self, resource: dict[str, Any]) -> None:
        """Archive a channel resource and note its uploads list and title in its state."""
        self.store.put(NS_CHANNEL, resource["id"], _json_bytes(resource), identity=_identity(resource),
                       method="channels.list", content_type="application/json")
        state = self._state(resource["id"]) or {"channel_id": resource["id"], "known": {},
                                                "full_pass_at": None, "pass": None}
        uploads = ((resource.get("contentDetails") or {}).get("relatedPlaylists") or {}).get("uploads")
        state["uploads"] = uploads or "UU" + resource["id"][2:]
        state["title"] = (resource.get("snippet") or {}).get("title", "")
        self._save(state)

    def harvest(self, refs: Iterable[ChannelRef], *, full: bool = False, strict: bool = True,
                sources: Mapping[ChannelRef, list[str]] | None = None) -> HarvestSummary:
        """Harvest every channel; ``strict`` makes an unknown channel an error instead of a failure.

        ``sources`` names the pages that linked each reference: a failure lists them.
        """
        summary = HarvestSummary()
        sources = sources or {}
        targets: list[str] = []
        try:
            for ref in refs:
                try:
                    channel_id = self.resolve(ref)
                except FetchError as exc:  # the API is unreachable: a failure, not a usage error
                    summary.fail(str(ref), str(exc), sources.get(ref))
                    continue
                except NotFoundError as exc:
                    if strict:
                        raise
                    summary.add_unresolved(str(ref), str(exc), sources.get(ref))
                    continue
                if channel_id not in targets:
                    targets.append(channel_id)
            for channel_id in targets:
                channel = ChannelSummary(channel=channel_id)
                summary.channels.append(channel)
                try:
                    self._harvest_channel(channel, full=full)
                except (FetchError, NotFoundError) as exc:
                    if strict and isinstance(exc, NotFoundError):
                        raise
                    channel.error = str(exc)
                    pages = sources.get(ChannelRef("id", channel_id))
                    if isinstance(exc, NotFoundError):
                        summary.add_unresolved(channel_id, str(exc), pages)
                    else:
                        summary.fail(channel_id, str(exc), pages)
            if self.refresh_budget > 0:
                self._refresh(summary)
        except QuotaExceeded as exc:
            summary.stopped_by_quota = True
            summary.failed_items.append(Failure("", str(exc)))
            log.info("[youtube] quota exceeded; the next run resumes here: %s", exc)
        for channel in summary.channels:
            summary.failed_items.extend(channel.problems)
        summary.units = dict(self.ledger.run)
        return summary

    def _refresh(self, summary: HarvestSummary) -> None:
        """Re-check the stalest known videos: at most ``refresh_budget`` batches of 50 a run."""
        done = {c.channel: c for c in summary.channels if c.completed}
        states = {cid: state for cid in done if (state := self._state(cid)) is not None}
        cutoff = (datetime.now(timezone.utc) - self.refresh_after).replace(microsecond=0)
        for channel_id, ids in plan_refresh(states, cutoff.isoformat().replace("+00:00", "Z"),
                                            self.refresh_budget, PAGE_SIZE):
            log.info("[youtube] %s: re-checking %d videos not checked since %s", channel_id, len(ids), cutoff.date())
            self._fetch_videos(states[channel_id], ids, done[channel_id])
            done[channel_id].refreshed += len(ids)

    def _full_pass_due(self, state: dict[str, Any] | None) -> bool:
        """Whether a channel's last full pass is older than ``full_pass_every_days`` (or never was)."""
        if not state or not state.get("full_pass_at"):
            return True
        last = datetime.fromisoformat(state["full_pass_at"].replace("Z", "+00:00"))
        return datetime.now(timezone.utc) - last >= self.full_pass_every

    def _harvest_channel(self, summary: ChannelSummary, *, full: bool) -> None:
        """One channel: resume its interrupted pass, or start a full or incremental one."""
        state = self._state(summary.channel)
        if state and state.get("pass"):
            log.info("[youtube] %s: resuming the interrupted %s pass", summary.channel, state["pass"]["mode"])
        else:
            mode = "full" if full or self._full_pass_due(state) else "incremental"
            stale = mode == "full" and summary.channel not in self._fetched
            if state is None or stale or not state.get("uploads"):
                self._fetch_channel(ChannelRef("id", summary.channel))
                state = self._state(summary.channel)
            assert state is not None
            state["pass"] = {"mode": mode, "page_token": None, "pending": [], "seen": [],
                             "started_at": utc_now(), "total": None, "done_paging": False}
            self._save(state)
        summary.title = state.get("title", "")
        self._run_pass(state, summary)

    def _run_pass(self, state: dict[str, Any], summary: ChannelSummary) -> None:
        """A channel's pass: page through its uploads, fetch the new (or, in a full pass, all) videos."""
        run = state["pass"]
        summary.mode = run["mode"]
        seen = set(run["seen"])
        while True:
            while len(run["pending"]) >= PAGE_SIZE or (run["done_paging"] and run["pending"]):
                self._fetch_videos(state, run["pending"][:PAGE_SIZE], summary)
            if run["done_paging"]:
                break
            self._list_uploads_page(state, summary, seen)
        if run["mode"] == "full":
            self._reconcile(state, summary)
            state["full_pass_at"] = utc_now()
        state["playlist_total"] = run["total"]
        state["pass"] = None
        self._save(state)
        summary.completed = True

    def _list_uploads_page(self, state: dict[str, Any], summary: ChannelSummary, seen: set[str]) -> None:
        """Read one page of the uploads list: queue the videos to fetch, mark hidden ones, save the pass."""
        run = state["pass"]
        known: dict[str, dict[str, Any]] = state["known"]
        params: dict[str, Any] = {"part": "snippet,contentDetails,status", "playlistId": state["uploads"],
                                  "maxResults": PAGE_SIZE}
        if run["page_token"]:
            params["pageToken"] = run["page_token"]
        data = self._call("playlistItems", params).data
        total = (data.get("pageInfo") or {}).get("totalResults")
        if run["total"] is None:
            run["total"] = total
        stop = False
        for item in data.get("items") or []:
            try:
                video_id, hidden = playlist_item_video(item)
            except InvalidValue as exc:  # one bad entry; the rest of the list is read
                summary.problems.append(Failure(summary.channel, f"an uploads list entry is skipped: {exc}"))
                continue
            if not video_id:
                continue
            if hidden:
                if known.get(video_id, {}).get("active", True):
                    self._set_availability(state, video_id, False, hidden, summary)
                continue
            if video_id in seen:
                continue
            if run["mode"] == "incremental" and video_id in known:
                if self._playlist_consistent(state, total):
                    stop = True
                    break
                log.info("[youtube] %s: the uploads list changed size; doing a full pass", summary.channel)
                run["mode"] = summary.mode = "full"
            run["seen"].append(video_id)
            seen.add(video_id)
            if run["mode"] == "full" or video_id not in known:
                run["pending"].append(video_id)
        run["page_token"] = data.get("nextPageToken")
        run["done_paging"] = stop or not run["page_token"]
        self._save(state)
        # Hidden entries (private, deleted) are never "seen", and an incremental pass stops at the first
        # known video: once paging is done, the whole list is accounted for.
        done = total if run["done_paging"] and total is not None else len(run["seen"])
        self.progress(summary.title or summary.channel, done, total)

    def _playlist_consistent(self, state: dict[str, Any], total: int | None) -> bool:
        """Whether the playlist grew by exactly the new uploads (else something vanished)."""
        previous = state.get("playlist_total")
        new = sum(1 for v in state["pass"]["seen"] if v not in state["known"])
        return previous is None or total is None or total == previous + new

    def _fetch_videos(self, state: dict[str, Any], ids: list[str], summary: ChannelSummary) -> None:
        """Fetch up to 50 videos (one ``videos.list``), archive each, and mark the ones not returned inactive."""
        response = self._call("videos", {"part": VIDEO_PARTS, "id": ",".join(ids), "maxResults": PAGE_SIZE})
        returned = set()
        for resource in response.data.get("items") or []:
            try:
                parse_video(resource)
            except InvalidValue as exc:  # not archived: the index would have to leave it out anyway
                summary.problems.append(Failure(f"video {_item_id(resource)}", f"not archived: {exc}"))
                log.info("[youtube] video %s: not archived: %s", _item_id(resource), exc)
                returned.add(_item_id(resource))
                continue
            returned.add(resource["id"])
            result = self.store.put(NS_VIDEO, resource["id"], _json_bytes(resource), identity=_identity(resource),
                                    method="videos.list", content_type="application/json")
            setattr(summary, result.status, getattr(summary, result.status) + 1)
            if result.status == "changed":
                log.info("[youtube] %s: metadata changed; version %d kept beside the old", resource["id"],
                         result.version.version)
            privacy = (resource.get("status") or {}).get("privacyStatus")
            self._set_availability(state, resource["id"], privacy != "private", "private", summary)
        for video_id in ids:
            if video_id not in returned:
                self._set_availability(state, video_id, False, "unavailable", summary)
        checked = utc_now()  # when each video's metadata was last asked for (the refresh budget's clock)
        for video_id in ids:
            if video_id in state["known"]:
                state["known"][video_id]["checked_at"] = checked
        run = state.get("pass")
        if run:
            done = set(ids)
            run["pending"] = [v for v in run["pending"] if v not in done]
        self._save(state)

    def _set_availability(self, state: dict[str, Any], video_id: str, active: bool, reason: str,
                          summary: ChannelSummary) -> None:
        """Record a video turning inactive (or active again) as a version of its availability."""
        entry = state["known"].get(video_id)
        if entry is not None and entry["active"] == active:
            return
        if entry is None and active:
            state["known"][video_id] = {"active": True, "since": utc_now()}
            return
        body = {"video_id": video_id, "active": active, "reason": None if active else reason, "since": utc_now()}
        self.store.put(NS_AVAILABILITY, video_id, _json_bytes(body), content_type="application/json")
        state["known"][video_id] = {"active": active, "since": body["since"]}
        if entry is not None:
            if active:
                summary.reactivated += 1
            else:
                summary.deactivated += 1
                log.info("[youtube] %s: now inactive (%s); its archived data stays", video_id, reason)

    def _reconcile(self, state: dict[str, Any], summary: ChannelSummary) -> None:
        """After a full pass: ask for known videos that the uploads list no longer shows."""
        seen = set(state["pass"]["seen"])
        missing = [v for v, e in state["known"].items() if e["active"] and v not in seen]
        for start in range(0, len(missing), PAGE_SIZE):
            self._fetch_videos(state, missing[start:start + PAGE_SIZE], summary)
