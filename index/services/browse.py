"""What each web page shows, as one JSON-ready dict: the page renders it and its /api twin returns it.

Each function checks the id it is given, then calls the library (or reads the archive's catalog
of videos, runs and status); nothing here parses an archived page or transcript (the library
reads those from the parse cache the index build filled).

The web also takes from here the few rules of the archive and of linking that its pages apply
(``__all__`` lists them): secrets kept out of messages, the parsers' budgets, YouTube's URLs and
id form, calendar dates and a link's evidence said once; so the web face imports no archive
module but its configuration and errors.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, Literal

from archive.budget import use_limits
from archive.config import Settings
from archive.errors import InputError, NotFoundError
from archive.redact import redact
from archive.runs import list_runs
from archive.status import collect_status
from archive.store import open_store
from archive.validate import calendar_date
from archive.youtube import NS_AVAILABILITY, NS_VIDEO, parse_video
from archive.youtube_refs import VIDEO_ID
from archive.youtube_urls import PLAYER_ORIGIN, embed_url, player_url, watch_url
from index.engine import Health, current_generation, document_titles, index_health
from index.services import titles
from index.linking.links import load_decisions, said_once
from index.services.library import (SearchOptions, describe, filter_token, link_status, search,
                                    video_transcripts)

# The one set of link status names of the CLI, the pages and the API (stored links say "auto" for the first two).
LINK_STATUSES = ("accepted", "suggested", "confirmed", "rejected")

if TYPE_CHECKING:
    from archive.transcripts import Transcript

__all__ = [
    # the page data
    "health", "case_view", "video_view", "entity_view", "status_view", "unavailable_title", "run_items",
    "case_titles", "show_view", "with_status", "LINK_STATUSES",
    "check_case_slug", "check_video_id", "check_entity_name", "use_settings", "CASE_SLUG", "VIDEO_ID", "Entity",
    # rules of the archive and of linking the pages apply, handed on on purpose
    "redact", "calendar_date", "embed_url", "said_once",
    "player_url", "PLAYER_ORIGIN",  # the pages' click-to-play player
]

CASE_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,199}$")
ENTITY_NAME = re.compile(r'^[^"\x00-\x1f\x7f/\\]{1,120}$')  # no quotes: the name goes into a filter
ENTITY_LIMIT = 200
RUNS_SHOWN = 30
Entity = Literal["company", "theme"]


def use_settings(settings: Settings) -> None:
    """Make the settings' budgets the ones every parser checks in this process (the server's)."""
    use_limits(settings.limits)


def check_case_slug(slug: str) -> str:
    """The slug if it can be a case id; NotFoundError otherwise (never a path to read)."""
    if not CASE_SLUG.match(slug):
        raise NotFoundError(f"{slug[:80]!r} is not a case id (lower-case letters, digits and hyphens)")
    return slug


def check_video_id(video_id: str) -> str:
    """The id if it is a YouTube video id (11 of A-Z a-z 0-9 _ -); NotFoundError otherwise."""
    if not VIDEO_ID.match(video_id):
        raise NotFoundError(f"{video_id[:80]!r} is not a YouTube video id (11 letters, digits, _ or -)")
    return video_id


def check_entity_name(name: str) -> str:
    """A company or theme name that can go into a filter; InputError otherwise."""
    name = " ".join(name.split())
    if not ENTITY_NAME.match(name):
        raise InputError("a name has 1 to 120 characters and no quotes, slashes or control characters")
    return name


def health(settings: Settings) -> Health:
    """The health check's data: the live index opens, built when (IndexMissing/IndexCorrupt otherwise)."""
    return index_health(settings.data_dir)


def _video_summaries(settings: Settings, video_ids: list[str]) -> dict[str, dict[str, Any]]:
    """Title, thumbnail, duration and availability of archived videos, from one store session."""
    found: dict[str, dict[str, Any]] = {}
    with open_store(settings.data_dir) as store:
        for video_id in video_ids:
            version = store.latest(NS_VIDEO, video_id)
            if version is None:
                continue
            video = parse_video(store.read_json(version))
            availability = store.latest(NS_AVAILABILITY, video_id)
            state = store.read_json(availability) if availability else {"active": True}
            found[video_id] = {"video_id": video_id, "title": video.title, "thumbnail": video.thumbnail,
                               "duration": video.duration, "published_at": video.published_at,
                               "url": watch_url(video_id),
                               "active": state.get("active", True), "inactive_reason": state.get("reason")}
    return found


def unavailable_title(video_id: str) -> str:
    """What a page calls a video whose metadata was never archived (private or deleted)."""
    return f"Video {video_id} (niet beschikbaar)"


def _pending(settings: Settings, links: list[dict[str, Any]]) -> dict[str, str]:
    """Stored decisions on these links that the live index does not show yet (``source|target``)."""
    decisions = load_decisions(settings.data_dir)
    pending = {}
    for link in links:
        decision = decisions.get((link["source"], link["target"]))
        if decision and decision["decision"] != link["status"]:
            pending[f"{link['source']}|{link['target']}"] = decision["decision"]
    return pending


def with_status(links: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Links with the status names ``links list --status`` takes (accepted, suggested, confirmed, rejected)."""
    return [{**link, "status": link_status(link)} for link in links]


def case_view(settings: Settings, slug: str) -> dict[str, Any]:
    """The case page's data: a case, its notes' page links, the videos linked to it with the evidence."""
    case = describe(settings, f"case:{check_case_slug(slug)}", parse=False)
    pending = _pending(settings, case["links"] + case["linked_from"])
    case["links"], case["linked_from"] = with_status(case["links"]), with_status(case["linked_from"])
    incoming = [row for row in case["linked_from"] if row["source"].startswith("video:")]
    summaries = _video_summaries(settings, [row["source"][6:] for row in incoming])
    videos = [{**summaries.get(row["source"][6:],
                               {"video_id": row["source"][6:], "title": unavailable_title(row["source"][6:])}),
               "link": row} for row in incoming]
    videos.sort(key=lambda v: (-v["link"]["confidence"], v["title"]))
    # The pages read from a scan come with the note as the index build read it (its parse cache).
    notes = [{**note, "page_urls": [f"{note['url']}#page={n}" for n in range(1, (note.get("pages") or 0) + 1)],
              "ocr": bool(note.get("ocr_pages"))} for note in case["notes"]]
    return {"case": {**case, "notes": notes}, "videos": videos, "pending_decisions": pending}


def case_titles(settings: Settings) -> dict[str, str]:
    """Every case's title by slug, as the live index holds it (none before the first build)."""
    return {slug: title for slug, title in titles.case_titles(settings.data_dir).items() if title}


def _transcript_data(video_id: str, transcript: Transcript) -> dict[str, Any]:
    """One transcript as the video page shows it: passages of cues, each with its moment's URL."""
    return {"language": transcript.language, "kind": transcript.kind, "provider": transcript.provider,
            "fetched_at": transcript.fetched_at,
            "passages": [{"start": int(p.start), "end": int(p.end), "url": watch_url(video_id, int(p.start)),
                          "cues": [{"start": int(c.start), "text": c.text,
                                    "url": watch_url(video_id, int(c.start))} for c in p.cues]}
                         for p in transcript.passages]}


def video_view(settings: Settings, video_id: str) -> dict[str, Any]:
    """The video page's data: a video, its links (with the cases' titles) and its transcripts, cue by cue."""
    video = describe(settings, f"video:{check_video_id(video_id)}", parse=False)
    if not video["title"]:  # a private or deleted video never fetched has no metadata, so no title
        video["title"] = unavailable_title(video_id)
    titles = case_titles(settings)
    transcripts = video_transcripts(settings, video_id, parse=False)
    pending = _pending(settings, video["links"])
    video["links"], video["linked_from"] = with_status(video["links"]), with_status(video["linked_from"])
    return {
        "video": video,
        "case_titles": {row["target"][5:]: titles[row["target"][5:]] for row in video["links"]
                        if row["target"].startswith("case:") and row["target"][5:] in titles},
        "transcripts": [_transcript_data(video_id, t) for t in transcripts],
        "pending_decisions": pending,
    }


def entity_view(settings: Settings, kind: Entity, name: str, html: bool = False) -> dict[str, Any]:
    """The company or theme page's data: its cases and videos (the search ``company:"X"`` / ``theme:"X"``)."""
    name = check_entity_name(name)
    result = search(settings, filter_token(kind, name),
                    SearchOptions(limit=ENTITY_LIMIT, include_inactive=True, html=html))
    if not result["total"]:
        raise NotFoundError(f"no case or video is linked to the {kind} {name!r}")
    return {"kind": kind, "name": name, "search": result}


def run_items(run: dict[str, Any]) -> int:
    """How many items a run handled, whatever its command (new + changed + unchanged + failed)."""
    if isinstance(run.get("fetched"), int):
        return int(run["fetched"])
    counted = ("new", "changed", "unchanged", "failed")
    if isinstance(run.get("totals"), dict):
        return sum(int(run["totals"].get(k) or 0) for k in counted)
    if isinstance(run.get("counts"), dict):  # the site harvest counts per item kind
        return sum(int(c.get(k) or 0) for c in run["counts"].values() if isinstance(c, dict) for k in counted)
    return 0


def status_view(settings: Settings) -> dict[str, Any]:
    """The status page's data: counts, last run, quota per day, and the latest runs with their item counts."""
    runs = list_runs(settings.data_dir)[-RUNS_SHOWN:]
    return {"status": collect_status(settings.data_dir),
            "runs": [{"command": r.get("command"), "started_at": r.get("started_at"),
                      "finished_at": r.get("finished_at"), "exit_code": r.get("exit_code"),
                      "items": run_items(r)} for r in runs]}


def show_view(settings: Settings, item_id: str) -> dict[str, Any]:
    """``show``'s data: the case or video (``library.describe``) and the titles of the cases and videos
    its links name, by ``kind:id`` (from the live index)."""
    data = describe(settings, item_id)
    data["links"], data["linked_from"] = with_status(data["links"]), with_status(data["linked_from"])
    named = {row["target"] for row in data["links"]} | {row["source"] for row in data["linked_from"]}
    titles: dict[str, str] = {}
    if current_generation(settings.data_dir) is not None and named:
        titles.update({f"case:{slug}": title for slug, title in case_titles(settings).items()})
        if any(n.startswith("video:") for n in named):
            videos = document_titles(settings.data_dir, "video")  # by unit id, "video:ID"
            titles.update({unit: doc["title"] for unit, doc in videos.items() if doc["title"]})
        titles = {n: titles[n] for n in named if n in titles}
    return {**data, "titles": titles}
