"""Coverage and gaps: unlinked videos, cases without video, missing transcripts, recent changes."""

from __future__ import annotations

from typing import Any

from archive.config import Settings
from archive.harvest import linked_unresolved
from archive.runs import list_runs
from archive.status import archived_videos, inactive_videos, video_counts
from archive.store import open_store
from archive.transcripts import transcript_gaps
from index.engine import DocTitle, document_titles, live_manifest, read_links
from index.linking.links import is_accepted


def _title(videos: dict[str, DocTitle], video_id: str, inactive: dict[str, dict[str, Any]]) -> str:
    """A video's title as the index holds it; for one it does not hold, why it has none."""
    found = videos.get(f"video:{video_id}")
    if found and found["title"]:
        return found["title"]
    if video_id in inactive:  # a private or deleted video whose metadata was never public to us
        reason = inactive[video_id].get("reason")
        return f"(no title: video unavailable{f', {reason}' if reason else ''})"
    return "(no title: not in the index yet)"


def coverage_report(settings: Settings) -> dict[str, Any]:
    """What the archive and index cover, and where the gaps are (JSON-ready)."""
    manifest = live_manifest(settings.data_dir)
    videos = document_titles(settings.data_dir, "video")
    cases = document_titles(settings.data_dir, "case")
    links = read_links(settings.data_dir)
    accepted = [link for link in links if is_accepted(link["status"], link["confidence"])]
    linked_videos = {link["source"] for link in accepted
                     if link["source"].startswith("video:") and link["target"].startswith("case:")}
    cases_with_video = {link["target"] for link in accepted
                        if link["source"].startswith("video:") and link["target"].startswith("case:")}
    suggestions = [link for link in links
                   if link["status"] == "auto" and not is_accepted(link["status"], link["confidence"])]
    with open_store(settings.data_dir) as store:
        gaps = transcript_gaps(store, settings)
        # The videos counted and listed are the archive's, as ``status`` counts them; the index
        # gives their titles (a video it does not hold, such as a private one never fetched, has none).
        archived = archived_videos(store)
        inactive = inactive_videos(store)
        unresolved = linked_unresolved(store, settings)  # none that no page links any more
    runs = list_runs(settings.data_dir)
    latest: dict[str, dict[str, Any]] = {}
    for run in runs:
        latest[run["command"]] = run
    changes = [{"command": command, "finished_at": run.get("finished_at"), "exit_code": run.get("exit_code"),
                "totals": run.get("totals", {})} for command, run in sorted(latest.items())]
    return {
        "index_built_at": manifest.get("built_at"),
        "counts": {"cases": len(cases), "videos": len(archived), "units": len(manifest.get("units", {})),
                   "links": len(accepted), "suggestions": len(suggestions),
                   # every link the build found, as `index` counts them: counted + suggested + rejected
                   "links_found": len(links), "rejected": sum(link["status"] == "rejected" for link in links)},
        "videos": video_counts(archived),
        "videos_without_case": [{"id": vid, "title": _title(videos, vid, inactive), "active": active}
                                for vid, active in sorted(archived.items()) if f"video:{vid}" not in linked_videos],
        "cases_without_video": [{"id": cid[5:], "title": info["title"]}
                                for cid, info in sorted(cases.items()) if cid not in cases_with_video],
        "videos_without_transcript": [{"id": vid, "title": _title(videos, vid, inactive),
                                       "reason": reason} for vid, reason in sorted(gaps.items())],
        "weak_suggestions": [{"source": link["source"], "target": link["target"], "confidence": link["confidence"]}
                             for link in suggestions],
        "unresolved_channels": [{"reference": text, "reason": entry["reason"], "pages": entry["pages"],
                                 "since": entry.get("since"), "checked_at": entry.get("checked_at")}
                                for text, entry in sorted(unresolved.items())],
        "last_runs": changes,
    }
