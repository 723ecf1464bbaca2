"""Read everything the index needs from the archive alone (no network)."""

from __future__ import annotations

import logging
from contextlib import nullcontext
from typing import Any, Container

from archive.budget import limits
from archive.cases import iter_cases, iter_notes
from archive.config import Settings
from archive.captions import load_corrections
from archive.parse_cache import ParseCache, parse_with
from archive.site import NS_ATTACHMENT
from archive.status import inactive_videos
from archive.transcripts import corrections_path, load_transcripts, preferred_versions
from archive.store import ArchiveStore, open_store
from archive.validate import InvalidValue
from archive.youtube import NS_VIDEO, Video, parse_video
from archive.errors import InputError
from archive.youtube_refs import ChannelRef, parse_channel
from index.engine import Progress
from index.text.taxonomy import Taxonomy
from index.linking.units import NotePage, Sources

log = logging.getLogger(__name__)


def load_sources(settings: Settings, taxonomy: Taxonomy, cache: ParseCache | None = None, *,
                 store: ArchiveStore | None = None, lazy: Container[str] = (),
                 progress: Progress | None = None) -> Sources:
    """Parse the latest version of every archived case, note, video and transcript.

    With a ``cache``, an item parsed before with the same inputs is taken from it, and entries
    no item asked for are deleted at the end. The passages of the transcripts whose origin is in
    ``lazy`` are read when first used, from ``store`` (which the caller keeps open until then).
    ``progress`` hears of each item read (the case pages are counted; the rest have a total).
    """
    tick = progress or (lambda _label, _done, _total: None)
    sources = Sources()
    known = {e.name: e.names() for e in taxonomy.entries("company")}
    with nullcontext(store) if store is not None else open_store(settings.data_dir) as store:
        for _version, case in iter_cases(store, settings.site.selectors, known or None, cache,
                                          sources.problems):
            sources.cases.append(case)
            tick("reading case pages", len(sources.cases), None)
        sources.notes = _note_pages(store, sources.cases, cache, tick)
        sources.videos = _videos(store, cache, sources.problems, tick)
        sources.inactive = inactive_videos(store)
        corrections = load_corrections(corrections_path(settings))
        total = len(preferred_versions(store))  # a quick look at the catalog, before the slow parse
        for transcript in load_transcripts(store, corrections, cache=cache, lazy=lazy, problems=sources.problems):
            sources.transcripts.append(transcript)
            tick("reading transcripts", len(sources.transcripts), total)
        sources.channel_of_case_link = _resolved_channels(store)
    sources.own_channels = _own_channels(settings.youtube.own_channels, sources.channel_of_case_link)
    if cache is not None:
        cache.forget_unused()
    return sources


def _note_pages(store: ArchiveStore, cases: list[Any], cache: ParseCache | None, tick: Progress) -> list[NotePage]:
    """The pages with text of every archived note, each with the cases that attach the note."""
    attached: dict[str, list[tuple[str, str]]] = {}
    for case in cases:
        for attachment in case.attachments:
            attached.setdefault(attachment.url, []).append((case.id, attachment.text))
    pages = []
    total = store.count(NS_ATTACHMENT)
    for n, (_version, note) in enumerate(iter_notes(store, cache), 1):
        tick("reading archived notes", n, total)
        if note.status != "ok":
            continue
        on = attached.get(note.url, [])
        title = note.title or (on[0][1] if on and on[0][1] else note.url.rsplit("/", 1)[-1])
        for page in note.pages:
            if page.text.strip():
                pages.append(NotePage(url=note.url, title=title, page=page.number, text=page.text,
                                      case_slugs=tuple(dict.fromkeys(slug for slug, _ in on)),
                                      video_ids=tuple(link.id for link in page.youtube if link.kind == "video"),
                                      ocr=page.ocr))
    return pages


def _videos(store: ArchiveStore, cache: ParseCache | None, problems: list[str], tick: Progress) -> list[Video]:
    """Every archived video; one over the item budget or no longer valid is left out, listed in ``problems``."""
    videos = []
    item_bytes = limits().item_bytes
    total = store.count(NS_VIDEO)
    for n, version in enumerate(store.iter_latest(NS_VIDEO), 1):
        tick("reading videos", n, total)
        if item_bytes and version.size > item_bytes:  # one item over budget is left out, listed
            problems.append(f"video {version.key}: over budget: the API item is {version.size:,} "
                            f"bytes, over the budget of {item_bytes:,} (limits.item_bytes)")
            continue
        try:
            videos.append(parse_with(cache, ("video", version.sha256),
                                     lambda: parse_video(store.read_json(version))))  # noqa: B023 (called at once)
        except InvalidValue as exc:  # archived before it was checked: left out, listed
            problems.append(f"video {version.key}: left out: {exc}")
    return videos


def _resolved_channels(store: ArchiveStore) -> dict[str, str]:
    """The channel id of each channel link a case page may have (handle, user or custom name),
    as the YouTube harvester resolved them."""
    resolved = {}
    for name in store.state_names("youtube/resolve/"):
        kind, value = name.split("/", 2)[2].split(":", 1)
        if kind in ("handle", "username", "custom"):
            # Keyed by the stored form a case page's link has (``user/name``, ``c/name``, ``@name``).
            ref = ChannelRef(kind, value)  # type: ignore[arg-type]
            resolved[str(ref).lower()] = store.get_state(name)
    return resolved


def _own_channels(configured: tuple[str, ...], resolved: dict[str, str]) -> tuple[str, ...]:
    """The channel ids of ``youtube.own_channels`` (ids as they are, handles and names as the
    YouTube harvester resolved them); one that is no channel or not resolved yet is said and skipped."""
    ids = []
    for text in configured:
        try:
            ref = parse_channel(text)
        except InputError as exc:
            log.warning("[index] youtube.own_channels: %s", exc)
            continue
        channel_id = ref.value if ref.kind == "id" else resolved.get(str(ref).lower())
        if channel_id:
            ids.append(channel_id)
        else:
            log.warning("[index] youtube.own_channels: %s is not resolved yet (run casearchive harvest youtube)", text)
    return tuple(ids)
