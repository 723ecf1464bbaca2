"""What the archive holds: counts per kind, active and inactive videos, runs and quota."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from archive.quota import units_per_day
from archive.runs import last_run
from archive.store import ArchiveStore, open_store
from archive.site import NS_ATTACHMENT, NS_PAGE
from archive.transcripts import NS_RAW
from archive.youtube import NS_AVAILABILITY, NS_CHANNEL, NS_VIDEO


def inactive_videos(store: ArchiveStore) -> dict[str, dict[str, Any]]:
    """Videos whose latest availability record says inactive, with reason and date."""
    inactive = {}
    for version in store.iter_latest(NS_AVAILABILITY):
        record = store.read_json(version)
        if not record.get("active", True):
            inactive[version.key] = record
    return inactive


def archived_videos(store: ArchiveStore) -> dict[str, bool]:
    """Every video the archive knows, each with whether it is active: the one list that the video
    counts of ``status``, ``report`` and the web come from (videos = active + inactive).

    A video is known by its metadata or, when it was private or deleted before it was ever
    fetched, only by its availability record (a "Private video" entry of an uploads list).
    """
    inactive = inactive_videos(store)
    videos = {key: key not in inactive for key in store.keys(NS_VIDEO)}
    videos.update((key, key not in inactive) for key in store.keys(NS_AVAILABILITY))
    return videos


def video_counts(videos: dict[str, bool]) -> dict[str, int]:
    """How many of ``archived_videos`` are active and how many inactive."""
    active = sum(videos.values())
    return {"active": active, "inactive": len(videos) - active}


def videos_phrase(store: ArchiveStore) -> str:
    """The archive's videos as people read them, counted as ``status`` counts them."""
    counts = video_counts(archived_videos(store))
    return f"{sum(counts.values())} videos ({counts['active']} active, {counts['inactive']} inactive)"


def collect_status(data_dir: Path) -> dict[str, Any]:
    """A JSON-ready status report of a data directory."""
    if not (Path(data_dir) / "archive" / "catalog.sqlite").exists():
        return {"data_dir": str(data_dir), "archive": False, "counts": {}, "videos": video_counts({}),
                "last_run": last_run(data_dir), "quota_units_per_day": {}}
    with open_store(data_dir) as store:
        videos = archived_videos(store)
        counts = {
            "cases": sum(1 for v in store.iter_latest(NS_PAGE) if v.meta.get("kind") == "case"),
            "notes": store.count(NS_ATTACHMENT),
            "channels": store.count(NS_CHANNEL),
            "videos": len(videos),
            "transcripts": store.count(NS_RAW),
        }
        quota = {day: {"total": sum(methods.values()), **methods} for day, methods in units_per_day(store).items()}
    return {
        "data_dir": str(data_dir),
        "archive": True,
        "counts": counts,
        "videos": video_counts(videos),
        "last_run": last_run(data_dir),
        "quota_units_per_day": quota,
    }
