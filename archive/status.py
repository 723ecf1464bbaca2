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


def collect_status(data_dir: Path) -> dict[str, Any]:
    """A JSON-ready status report of a data directory."""
    if not (Path(data_dir) / "archive" / "catalog.sqlite").exists():
        return {"data_dir": str(data_dir), "archive": False, "counts": {}, "videos": {"active": 0, "inactive": 0},
                "last_run": last_run(data_dir), "quota_units_per_day": {}}
    with open_store(data_dir) as store:
        counts = {
            "cases": sum(1 for v in store.iter_latest(NS_PAGE) if v.meta.get("kind") == "case"),
            "notes": store.count(NS_ATTACHMENT),
            "channels": store.count(NS_CHANNEL),
            "videos": store.count(NS_VIDEO),
            "transcripts": store.count(NS_RAW),
        }
        inactive = inactive_videos(store)
        stored_inactive = sum(1 for v in inactive if store.latest(NS_VIDEO, v) is not None)
        quota = {day: {"total": sum(methods.values()), **methods} for day, methods in units_per_day(store).items()}
    return {
        "data_dir": str(data_dir),
        "archive": True,
        "counts": counts,
        "videos": {"active": counts["videos"] - stored_inactive, "inactive": len(inactive)},
        "last_run": last_run(data_dir),
        "quota_units_per_day": quota,
    }
