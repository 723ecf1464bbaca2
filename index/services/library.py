"""Library entry points of the index side: build, search, show. The CLI and the web call these.

The faces take what they need of the engine from here too: the search options, the query
language's errors and filter syntax, the bounds on a search's cost and the index's states
(``__all__`` lists them), so no face imports the engine itself.
"""

from __future__ import annotations

import gc
import logging
import re
from contextlib import contextmanager
from dataclasses import asdict, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterator, Literal, cast

from archive.config import Settings
from archive.errors import EXIT_OK, EXIT_PARTIAL, CaseArchiveError, ConfigError, NotFoundError
from archive.redact import redact
from archive.runs import save_run
from archive.store import utc_now
from archive.youtube_urls import watch_url
from index.engine import (FILTER, MAX_DEPTH, MAX_EXPORT, MAX_LIMIT, BuildReport, IndexCorrupt, IndexMissing,
                          KeptUnitsGone, Progress, QueryError, SearchBusy, SearchOptions, SearchStopped,
                          SearchResult, SearchTooCostly, current_generation, read_links, read_manifest, run_search,
                          set_costly_at_once, set_default_deadline, stop_all, write_index)
from index.linking.links import decide, is_accepted, load_decisions
from index.services.hints import Hint, search_hints
from index.text.taxonomy import Taxonomy, load_taxonomy, taxonomy_to_dict

if TYPE_CHECKING:
    from index.engine import Unit
    from index.linking.links import LinkSet
    from index.linking.reuse import Reuse

__all__ = [
    # this module's services
    "build", "search", "list_links", "link_status", "decide_link", "describe", "describe_video", "video_transcripts",
    "taxonomy_for", "filter_token", "files_in_use",
    # the engine's vocabulary the faces use, handed on on purpose
    "SearchOptions", "QueryError", "FILTER", "BuildReport", "Progress", "IndexMissing", "IndexCorrupt",
    "MAX_LIMIT", "MAX_EXPORT", "MAX_DEPTH", "SearchBusy", "SearchStopped", "SearchTooCostly",
    "set_default_deadline", "set_costly_at_once", "stop_all",
]

Decision = Literal["confirmed", "rejected"]
_NEEDS_QUOTES = re.compile(r'[\s()":]')

log = logging.getLogger(__name__)

# The archive readers (bs4, requests, the Google client…) are imported where they are used, so
# `casearchive search` starts without them.


def taxonomy_for(settings: Settings, path: Path | None = None) -> Taxonomy:
    """The curated taxonomy (flag > config/env), merged later with what the cases say."""
    return load_taxonomy(path or settings.taxonomy)


def build(settings: Settings, *, rebuild: bool = False, taxonomy_path: Path | None = None,
          progress: Progress | None = None, keep: bool = True) -> BuildReport:
    """Build or update the index from the archive; ``rebuild`` also parses every archived item again.

    An update keeps the passages of the transcripts that are as they were (index.linking.reuse) unless
    ``keep`` is false. The build holds the data directory's run lock (nested inside ``update``), and
    every build that gets it is recorded in ``runs/`` as an ``index`` run, failed ones too.
    """
    from archive.lock import writer_lock

    if not (Path(settings.data_dir) / "archive" / "catalog.sqlite").exists():  # checked before the lock makes a folder
        raise ConfigError(f"no archive in {settings.data_dir}: harvest first (casearchive harvest …), "
                          "or check --data / CASEARCHIVE_DATA")
    with writer_lock(settings, "index"):
        started = utc_now()
        try:
            report = _build(settings, rebuild=rebuild, taxonomy_path=taxonomy_path, progress=progress, keep=keep)
        except Exception as exc:
            code = exc.exit_code if isinstance(exc, CaseArchiveError) else EXIT_PARTIAL
            save_run(settings.data_dir, "index", {"error": redact(str(exc))}, started, code)
            raise
        save_run(settings.data_dir, "index", _run_record(report), started, EXIT_PARTIAL if report.failures else EXIT_OK)
        return report


def _run_record(report: BuildReport) -> dict[str, Any]:
    """A build's run summary, with the totals (new, changed, unchanged, failed) every run record has."""
    totals = {"new": report.added, "changed": report.updated, "unchanged": report.unchanged,
              "deleted": report.deleted, "failed": len(report.failures)}
    return {**report.to_dict(), "totals": totals}


def _build(settings: Settings, *, rebuild: bool, taxonomy_path: Path | None, progress: Progress | None,
           keep: bool) -> BuildReport:
    """``build`` under the lock: plan (files and reuse), make the units, write them; once more
    without reuse when what was to be kept is gone."""
    from index.linking.reuse import Reuse, read_reuse

    path = taxonomy_path or settings.taxonomy or _previous(settings, "taxonomy_path")
    corrections = settings.transcripts.corrections or _previous(settings, "corrections_path")
    settings = replace(settings, transcripts=replace(settings.transcripts,
                                                     corrections=str(corrections) if corrections else None))
    taxonomy = load_taxonomy(path)
    remembered: dict[str, Any] = {"taxonomy_path": str(Path(path).resolve()) if path else None,
                                  "corrections_path": str(Path(corrections).resolve()) if corrections else None}
    reuse = Reuse() if rebuild or not keep else read_reuse(current_generation(settings.data_dir))
    made = _make_units(settings, taxonomy, reuse, rebuild, progress)
    if made is None:
        return _build(settings, rebuild=rebuild, taxonomy_path=taxonomy_path, progress=progress, keep=False)
    units, links, problems = made
    del made
    remembered["taxonomy"] = taxonomy_to_dict(taxonomy)
    report = _write(settings, units, links, reuse, rebuild=rebuild, progress=progress, remembered=remembered)
    if report is not None:
        report.failures = problems
        return report
    del units, links
    return _build(settings, rebuild=rebuild, taxonomy_path=taxonomy_path, progress=progress, keep=False)


def _make_units(settings: Settings, taxonomy: Taxonomy, reuse: Reuse, rebuild: bool,
                progress: Progress | None) -> tuple[list[Unit], LinkSet, list[str]] | None:
    """The build's second step: read the archive and link it into units, links and the items that
    failed; None when a kept transcript's captions are gone (the build then reads every one)."""
    from archive.parse_cache import ParseCache, cache_path
    from archive.store import open_store
    from archive.transcripts import LazyReadFailed
    from index.linking.mentions import MentionCache, mentions_path
    from index.linking.sources import load_sources
    from index.linking.units import make_units

    # Reading the archive from the parse cache and making the units create millions of objects
    # that live until the build ends and hold no cycles: the collector would only walk them again
    # and again (at L it took half of the reading and a third of the linking). Parsing pages does
    # leave cycles (parse trees), so the collector stays on while reading unless there is a parse
    # cache to read from and this is not a rebuild. (If that cache's entries all miss, after an
    # upgrade, the trees wait for the collection below: at L a peak of about 1.4 GB, not 1.3.)
    collecting = gc.isenabled()
    if not rebuild and cache_path(settings.data_dir).exists():
        gc.disable()
    try:
        # The archive and the parse cache stay open while the units are made: the transcripts
        # kept from the live generation are read only if linking has to search them.
        with ParseCache(cache_path(settings.data_dir), refresh=rebuild) as cache, \
                open_store(settings.data_dir) as store:
            sources = load_sources(settings, taxonomy, cache, store=store, lazy=reuse.lazy(), progress=progress)
            problems = list(sources.problems)
            log.info("[index] parsed %d archived items, %d taken from the parse cache", cache.misses, cache.hits)
            gc.disable()
            mentions = MentionCache(mentions_path(settings.data_dir), refresh=rebuild)
            units, links = make_units(sources, taxonomy, load_decisions(settings.data_dir), mentions, reuse,
                                      progress)
        mentions.save()
        log.info("[index] name mentions: %s", ", ".join(f"{kind} {reused} texts remembered, {searched} searched"
                                                       for kind, (reused, searched) in mentions.summary().items()))
        if reuse.previous:
            log.info("[index] %d of %d transcripts kept as they were (%d passages not read, made or written)",
                     reuse.kept_transcripts, len(reuse.records), len(reuse.kept))
        del sources, mentions  # what the units do not hold is freed before the writer needs its memory
        gc.collect()
        return units, links, problems
    except LazyReadFailed as exc:  # a kept transcript's captions are gone (and not in the parse cache)
        log.warning("[index] %s; reading every transcript again", exc)
        return None
    finally:
        if collecting:
            gc.enable()


def _write(settings: Settings, units: list[Unit], links: LinkSet, reuse: Reuse, *, rebuild: bool,
           progress: Progress | None, remembered: dict[str, Any]) -> BuildReport | None:
    """The build's last step: write and publish the units as a generation; None when units it was
    to keep from the live generation are gone (the build then makes every unit again)."""
    from index.linking.reuse import REUSE_FILE

    # The units live until the end: the collector need not walk them again while the writer
    # allocates millions of short-lived postings (unless a caller froze objects of its own).
    freeze = gc.get_freeze_count() == 0
    if freeze:
        gc.freeze()
    try:
        return write_index(settings.data_dir, units, links, rebuild=rebuild, progress=progress,
                           extra_manifest=remembered, kept=reuse.kept, kept_from=reuse.generation,
                           files={REUSE_FILE: reuse.dump()})
    except KeptUnitsGone as exc:  # rare: another build published meanwhile, or the live index is broken
        # Not a problem of its own: a broken live index is said once, as the build's reason.
        log.info("[index] %s; making every unit again", exc)
        return None
    finally:
        if freeze:
            gc.unfreeze()


def files_in_use(settings: Settings) -> tuple[Path | None, Path | None]:
    """The taxonomy and correction list a plain ``index`` builds with: the configured ones, else the live index's."""
    from archive.transcripts import corrections_path

    return (settings.taxonomy or _previous(settings, "taxonomy_path"),
            corrections_path(settings) or _previous(settings, "corrections_path"))


def _previous(settings: Settings, key: str) -> Path | None:
    """A file the live index was built with (taxonomy, corrections), so a plain `index` keeps it."""
    live = current_generation(settings.data_dir)
    if live is None:
        return None
    try:
        previous = read_manifest(live, units=False).get(key)
    except CaseArchiveError:
        return None
    if previous and Path(previous).is_file():
        log.info("[index] using the %s of the previous build: %s", key.removesuffix("_path"), previous)
        return Path(previous)
    return None


class LibraryResult(SearchResult):
    """A search's answer with ``hints``: why it found nothing and what was maybe meant (``index.services.hints``)."""

    hints: list[Hint]


def search(settings: Settings, text: str, options: SearchOptions | None = None,
           taxonomy_path: Path | None = None) -> LibraryResult:
    """Search the live index with the query language; a search that finds nothing says why it may have."""
    # The index carries a snapshot of the taxonomy it was built with; a file named here adds to it.
    taxonomy = taxonomy_path or settings.taxonomy
    result = run_search(settings.data_dir, text, taxonomy, options)
    # Only an empty answer is looked into (a few small searches), so a search that finds costs nothing more.
    hints = search_hints(settings.data_dir, text, Path(taxonomy) if taxonomy else None) if not result["total"] else []
    return cast(LibraryResult, {**result, "hints": hints})


def filter_token(name: str, value: str) -> str:
    """``name:value``, quoted when the value has spaces or signs the query language would split on."""
    return f'{name}:"{value}"' if _NEEDS_QUOTES.search(value) else f"{name}:{value}"


def decide_link(settings: Settings, source: str, target: str, decision: Decision,
                note: str | None = None) -> dict[str, Any]:
    """Store a person's decision on a link (the stored row); it applies from the next index build."""
    return decide(settings.data_dir, source, target, decision, note)


def link_status(link: dict[str, Any]) -> str:
    """A link's status as people see it and ``links list --status`` takes it: a found link (stored
    as "auto") is accepted (it counts in search) or suggested (below the threshold, for a person)."""
    if link["status"] != "auto":
        return str(link["status"])  # confirmed or rejected by a person
    return "accepted" if is_accepted(link["status"], link["confidence"]) else "suggested"


def list_links(settings: Settings, status: str = "all", source: str | None = None) -> list[dict[str, Any]]:
    """The live index's links by status: accepted (counted), suggested (below the threshold), confirmed…"""
    def keep(row: dict[str, Any]) -> bool:
        counted = is_accepted(row["status"], row["confidence"])
        return {"all": True, "accepted": counted, "suggested": row["status"] == "auto" and not counted,
                "confirmed": row["status"] == "confirmed", "rejected": row["status"] == "rejected"}[status]

    return [row for row in read_links(settings.data_dir)
            if keep(row) and (source is None or row["source"] == source)]


def describe(settings: Settings, item_id: str, *, parse: bool = True) -> dict[str, Any]:
    """One case (slug) or video (``video:ID`` or the bare id) with its links and their evidence.

    ``parse=False`` (the web pages) reads the case, its notes and transcripts only from the parse
    cache the index build filled: a request never parses an archived item.
    """
    from archive.youtube_refs import VIDEO_ID

    links = read_links(settings.data_dir) if current_generation(settings.data_dir) else []
    text = item_id.strip()
    video_id = text[6:] if text.startswith("video:") else text if VIDEO_ID.match(text) else None
    data: dict[str, Any] | None = None
    if video_id is not None:
        try:
            data = describe_video(settings, video_id, parse=parse)
        except NotFoundError:
            if text.startswith("video:"):
                raise
    if data is None and video_id is None:
        data = _describe_case(settings, text.removeprefix("case:"), parse)
    elif data is None:
        try:
            data = _describe_case(settings, text, parse)
        except NotFoundError:
            raise NotFoundError(f"no archived case or video with id {text!r}") from None
    source = f"{data['kind']}:{data['id']}"
    data["links"] = [link for link in links if link["source"] == source]
    data["linked_from"] = [link for link in links if link["target"] == source]
    return data


def _describe_case(settings: Settings, case_id: str, parse: bool = True) -> dict[str, Any]:
    """A case as the index read it: from the build's parse cache (same inputs, so the same key)."""
    from archive.cases import describe_case

    taxonomy = load_taxonomy(settings.taxonomy or _previous(settings, "taxonomy_path"))
    known = {e.name: e.names() for e in taxonomy.entries("company")} or None
    with _parse_cache(settings, parse) as cache:
        if cache is None and not parse:
            raise NotFoundError(f"case {case_id}: the index has not read the archive yet (run `casearchive index`)")
        return describe_case(settings, case_id, known_companies=known, cache=cache)


@contextmanager
def _parse_cache(settings: Settings, parse: bool) -> Iterator[Any]:
    """The build's parse cache (``cached_only`` unless ``parse``), or None when there is none (a
    view never creates it, only reads it)."""
    from archive.parse_cache import ParseCache, cache_path

    if not cache_path(settings.data_dir).exists():
        yield None
        return
    with ParseCache(cache_path(settings.data_dir), cached_only=not parse) as cache:
        yield cache


def video_transcripts(settings: Settings, video_id: str, *, parse: bool = True) -> list[Any]:
    """One video's transcripts (``archive.transcripts.Transcript``) with the corrections the index
    was built with; ``parse=False`` gives only those the parse cache holds."""
    from archive.captions import load_corrections
    from archive.store import open_store
    from archive.transcripts import corrections_path, load_transcripts

    if not settings.transcripts.corrections:  # as ``build`` does: the list the live index was built with
        previous = _previous(settings, "corrections_path")
        settings = replace(settings, transcripts=replace(settings.transcripts,
                                                         corrections=str(previous) if previous else None))
    with _parse_cache(settings, parse) as cache, open_store(settings.data_dir) as store:
        if cache is None and not parse:
            return []
        return list(load_transcripts(store, load_corrections(corrections_path(settings)), cache=cache,
                                     video_id=video_id))


def describe_video(settings: Settings, video_id: str, *, parse: bool = True) -> dict[str, Any]:
    """A video's archived metadata, versions, availability and transcripts."""
    from archive.store import open_store
    from archive.youtube import NS_AVAILABILITY, NS_VIDEO, parse_video

    with open_store(settings.data_dir) as store:
        history = store.history(NS_VIDEO, video_id)
        availability = store.latest(NS_AVAILABILITY, video_id)
        if not history and availability is not None:
            # Seen only as "Private video"/"Deleted video" in a playlist: no metadata, but on record.
            state = store.read_json(availability)
            return {"kind": "video", "id": video_id, "title": "", "url": watch_url(video_id),
                    "active": state.get("active", True), "inactive_reason": state.get("reason"),
                    "inactive_since": state.get("since"), "metadata": False, "versions": [], "transcripts": []}
        if not history:
            raise NotFoundError(f"no archived video with id {video_id!r} (run `casearchive harvest youtube`?)")
        video = parse_video(store.read_json(history[-1]))
        state = store.read_json(availability) if availability else {"active": True}
        transcripts = [{"language": t.language, "kind": t.kind, "provider": t.provider, "fetched_at": t.fetched_at,
                        "passages": len(t.passages)} for t in video_transcripts(settings, video_id, parse=parse)]
        versions = [{"version": v.version, "fetched_at": v.fetched_at,
                     "title": parse_video(store.read_json(v)).title} for v in history]
    return {"kind": "video", **asdict(video), "url": watch_url(video_id), "metadata": True,
            "active": state.get("active", True), "inactive_reason": state.get("reason"),
            "inactive_since": None if state.get("active", True) else state.get("since"),
            "versions": versions, "transcripts": transcripts}
