"""The refresh budget: which known videos to re-check this run, stalest first, a slice a run.

Policy asks that stored API data be refreshed regularly; asking for every video at once would
spend a channel's worth of quota on one day. Instead each run re-checks a bounded number of
batches of the videos whose metadata was asked for longest ago, so every video comes round
within ``refresh_days`` when the budget covers the archive (budget·50·runs ≥ videos).
"""

from __future__ import annotations

from typing import Any, Mapping


def stale_videos(states: Mapping[str, Mapping[str, Any]], checked_before: str) -> list[tuple[str, str]]:
    """(channel id, video id) of active known videos last checked before the cutoff, stalest first."""
    rows = []
    for channel_id, state in states.items():
        for video_id, entry in (state.get("known") or {}).items():
            # Inactive videos are seen again by the periodic full pass, so the budget skips them.
            if not entry.get("active", True):
                continue
            checked = entry.get("checked_at") or ""  # never checked (older archives): stalest of all
            if checked < checked_before:
                rows.append((checked, channel_id, video_id))
    rows.sort()
    return [(channel_id, video_id) for _, channel_id, video_id in rows]


def plan_refresh(states: Mapping[str, Mapping[str, Any]], checked_before: str, budget: int,
                 batch_size: int = 50) -> list[tuple[str, list[str]]]:
    """At most ``budget`` batches of up to ``batch_size`` stale ids, one channel a batch."""
    batches: list[tuple[str, list[str]]] = []
    filling: dict[str, list[str]] = {}
    for channel_id, video_id in stale_videos(states, checked_before):
        batch = filling.get(channel_id)
        if batch is None or len(batch) >= batch_size:
            if len(batches) >= budget:
                continue  # no new batch, but another channel's open batch may still take its ids
            batch = filling[channel_id] = []
            batches.append((channel_id, batch))
        batch.append(video_id)
    return batches
