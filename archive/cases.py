"""Library entry points for the platform: harvest its cases and notes, read them back, describe one.

The CLI commands ``harvest site``, ``harvest notes`` and ``show`` call these; an indexer reads
the archive with ``iter_cases`` and ``iter_notes``, which parse the stored raw bytes offline.
"""

from __future__ import annotations

import difflib
import logging
import re
import time
from pathlib import Path
from typing import Any, Callable, Container, Iterable, Iterator, Mapping, Sequence

import requests

from archive.case_parser import Case, check_selectors
from archive.config import Settings
from archive.errors import ConfigError, NotFoundError, UnparseablePage
from archive.harvest import SITE_CHANNELS_STATE, reference_key
from archive.http import PoliteClient
from archive.lock import writer_lock
from archive.notes import Note, parse_note
from archive.ocr import INSTALL, cache_dir, ocr_cache
from archive.parse_cache import NotCached, ParseCache, cache_key, cache_path, newest_cached, parse_with
from archive.runs import save_run
from archive.site import NS_ATTACHMENT, NS_PAGE, STATE_GONE, Progress, SiteCrawler, SiteSummary, parse_case_safely
from archive.site_urls import case_aliases, case_id_from_url, check_start_url, same_host
from archive.store import ArchiveStore, Version, open_store, utc_now
from archive.summary import failure_line

log = logging.getLogger(__name__)

STATE_NOTES = "site/notes"
NEAREST = 3  # slugs suggested for a case id that is not archived
KnownNames = Mapping[str, Sequence[str]] | Sequence[str] | None


def iter_cases(store: ArchiveStore, selectors: Mapping[str, str] | None = None,
               known_companies: KnownNames = None, cache: ParseCache | None = None,
               problems: list[str] | None = None) -> Iterator[tuple[Version, Case]]:
    """Every archived case page (its newest version), parsed (or taken from the parse cache).

    A page that cannot be parsed is left out with a warning, and listed in ``problems``; a page
    gone from the platform (HTTP 404/410) is left out: its archived versions stay for ``show``.
    """
    context = cache_key("case", selectors or {}, known_companies)
    gone = store.get_state(STATE_GONE, {})
    for version in store.iter_latest(NS_PAGE):
        if version.meta.get("kind") == "case" and version.key not in gone:
            try:
                case = parse_with(cache, (context, version.key, version.sha256),
                                  lambda: _parse(store, version, selectors, known_companies))  # noqa: B023 (called at once)
            except _Unparseable as exc:
                if problems is None:
                    log.warning("[index] %s: %s; left out", version.key, exc)
                else:  # the caller lists it, once
                    problems.append(f"{version.key}: {exc}")
                continue
            yield version, case


class _Unparseable(Exception):
    """An archived case page that cannot be parsed (the message says why)."""


def _parse(store: ArchiveStore, version: Version, selectors: Mapping[str, str] | None,
           known_companies: KnownNames = None) -> Case:
    """An archived case page parsed; _Unparseable (saying why) if it cannot be."""
    case, why = parse_case_safely(store.read(version), version.key, selectors, known_companies)
    if case is None:
        raise _Unparseable(why)
    return case


def iter_notes(store: ArchiveStore, cache: ParseCache | None = None) -> Iterator[tuple[Version, Note]]:
    """Every archived attachment (its newest version), parsed into text per page or a failure."""
    for version in store.iter_latest(NS_ATTACHMENT):
        yield version, _read_note(store, version, cache)


def _note_key(version: Version) -> tuple[str | None, ...]:
    """The parse cache's key parts of an archived attachment."""
    return ("note", version.key, version.content_type, version.sha256)


def _read_note(store: ArchiveStore, version: Version, cache: ParseCache | None) -> Note:
    """An archived attachment parsed, or taken from the parse cache."""
    with ocr_cache(cache_dir(store.root.parent)):  # a scanned page is OCRed once, whatever the parse cache holds
        return parse_with(cache, _note_key(version), lambda: parse_note(store.read(version), version.key,
                                                                          version.content_type))


def update_site_channels(store: ArchiveStore, selectors: Mapping[str, str] | None = None,
                         parsed: Mapping[str, Case] | None = None, unparseable: Container[str] = (),
                         cache: ParseCache | None = None, known_companies: KnownNames = None) -> dict[str, list[str]]:
    """Record the channels linked from archived case pages, each with the pages that link it.

    Recorded afresh from every page's newest version, so a reference no page links any more
    (the page dropped it, or is gone from the platform) is dropped. A name or handle written in
    two letter cases is one reference, stored as first seen. ``parsed`` holds cases this run
    already parsed (by URL, with ``known_companies``): they are not parsed twice, and go into the
    parse ``cache``, from which the pages a later crawl does not reach are read (under the key
    ``iter_cases`` uses). ``unparseable`` the pages this run could not parse (and reported): left out.
    """
    parsed = parsed or {}
    context = cache_key("case", selectors or {}, known_companies)
    gone = store.get_state(STATE_GONE, {})
    spelling: dict[Any, str] = {}  # a reference's key → its first spelling
    channels: dict[str, list[str]] = {}
    for version in sorted(store.iter_latest(NS_PAGE), key=lambda v: v.key):
        if version.meta.get("kind") == "case" and version.key not in unparseable and version.key not in gone:
            case = _cached_case(store, version, selectors, known_companies, cache, context, parsed.get(version.key))
            for channel in case.channels if case is not None else ():
                text = spelling.setdefault(reference_key(channel), channel)
                pages = channels.setdefault(text, [])
                if version.key not in pages:
                    pages.append(version.key)
    channels = {text: sorted(pages) for text, pages in sorted(channels.items())}
    store.set_state(SITE_CHANNELS_STATE, channels)
    return channels


def _cached_case(store: ArchiveStore, version: Version, selectors: Mapping[str, str] | None,
                 known_companies: KnownNames, cache: ParseCache | None, context: str,
                 parsed: Case | None) -> Case | None:
    """A case page as parsed this run, or from the parse cache, or parsed; None (warned) if it cannot be."""
    def parse() -> Case:
        """This run's parse of the page, else a new one."""
        return parsed if parsed is not None else _parse(store, version, selectors, known_companies)

    try:
        return parse_with(cache, (context, version.key, version.sha256), parse)
    except _Unparseable as exc:
        log.warning("[site] %s: %s; left out", version.key, exc)
        return None


def read_notes(store: ArchiveStore, urls: Sequence[str], summary: SiteSummary,
               linked_from: Mapping[str, Sequence[str]] | None = None, progress: Progress | None = None) -> None:
    """Parse the archived attachments at ``urls``, count them and remember each one's outcome.

    ``linked_from`` names the case pages that link each note: a failure lists them.
    """
    linked_from = linked_from or {}
    outcomes = store.get_state(STATE_NOTES, {})
    for n, url in enumerate(urls, 1):
        if progress:  # reading a scan (OCR) takes seconds a page
            progress("reading notes", n, len(urls))
        version = store.latest(NS_ATTACHMENT, url)
        if version is None:
            continue  # its fetch failed, and is already counted as such
        with ocr_cache(cache_dir(store.root.parent)):
            note = parse_note(store.read(version), url, version.content_type)
        summary.warnings.extend(f"{url}: {line}" for line in note.skipped)
        outcomes[url] = {"status": note.status, "reason": note.reason, "pages": len(note.pages),
                         "type": note.type, "sha256": version.sha256, "checked_at": utc_now()}
        if note.status == "ok":
            summary.notes_read += 1
        elif (note.reason or "").endswith(INSTALL):  # nothing wrong with the note: this machine lacks Tesseract
            summary.notes_failed += 1
            summary.warnings.append(failure_line(url, f"note not read: {note.reason}", linked_from.get(url)))
        else:
            summary.notes_failed += 1
            summary.fail_item("attachment", url, f"note not read: {note.reason}", linked_from.get(url))
    store.set_state(STATE_NOTES, outcomes)


def _linking_pages(cases: Iterable[tuple[str, Case]]) -> dict[str, list[str]]:
    """For each attachment URL, the case pages that link it."""
    pages: dict[str, list[str]] = {}
    for url, case in cases:
        for attachment in case.attachments:
            pages.setdefault(attachment.url, []).append(url)
    return pages


def _client(settings: Settings, sleep: Callable[[float], None] | None,
            clock: Callable[[], float] | None, session: requests.Session | None = None) -> PoliteClient:
    """The polite HTTP client the site settings describe."""
    site = settings.site
    return PoliteClient(site.user_agent, delay=site.delay, retries=site.retries, timeout=site.timeout,
                        total_timeout=site.total_timeout, session=session, sleep=sleep or time.sleep,
                        clock=clock or time.monotonic)


def harvest_site(
    settings: Settings,
    start_urls: Sequence[str] = (),
    *,
    known_companies: KnownNames = None,
    progress: Progress | None = None,
    sleep: Callable[[float], None] | None = None,
    clock: Callable[[], float] | None = None,
    session: requests.Session | None = None,
) -> SiteSummary:
    """Crawl case pages and their notes from the start URLs (or the config's); save the run.

    ``session`` is a ``requests.Session`` to fetch through (the offline demo mounts a local one).
    """
    starts = [check_start_url(url) for url in (start_urls or settings.site.start_urls)]
    if not starts:
        raise ConfigError("no start URLs: pass --start URL or set site.start_urls in the config")
    check_selectors(settings.site.selectors)
    started = utc_now()
    with writer_lock(settings, "harvest site"), open_store(settings.data_dir) as store:
        crawler = SiteCrawler(store, _client(settings, sleep, clock, session), selectors=settings.site.selectors,
                              known_companies=known_companies, progress=progress,
                              max_pages=settings.site.max_pages)
        try:
            attachments = crawler.crawl(starts)
            crawler.fetch_attachments(attachments)
        finally:
            crawler.close()
        summary = crawler.summary
        read_notes(store, attachments, summary, _linking_pages(crawler.cases.items()), progress)
        with ParseCache(cache_path(settings.data_dir)) as cache:
            summary.channels = list(update_site_channels(store, settings.site.selectors, crawler.cases,
                                                         crawler.unparseable, cache, known_companies))
    save_run(settings.data_dir, "harvest site", summary.to_dict(), started, summary.exit_code)
    return summary


def harvest_notes(
    settings: Settings,
    *,
    progress: Progress | None = None,
    sleep: Callable[[float], None] | None = None,
    clock: Callable[[], float] | None = None,
) -> SiteSummary:
    """Fetch (conditionally) and read the notes that archived case pages link; save the run."""
    started = utc_now()
    with writer_lock(settings, "harvest notes"), open_store(settings.data_dir) as store:
        cases = [(version.key, case) for version, case in iter_cases(store, settings.site.selectors)]
        urls = list(dict.fromkeys(a.url for key, case in cases
                                  for a in case.attachments if same_host(a.url, key)))
        crawler = SiteCrawler(store, _client(settings, sleep, clock), selectors=settings.site.selectors,
                              progress=progress)
        try:
            crawler.fetch_attachments(urls)
        finally:
            crawler.close()
        summary = crawler.summary
        summary.notes_only = True
        read_notes(store, urls, summary, _linking_pages(cases), progress)
    save_run(settings.data_dir, "harvest notes", summary.to_dict(), started, summary.exit_code)
    return summary


def find_case(store: ArchiveStore, case_id: str, selectors: Mapping[str, str] | None = None,
              known_companies: KnownNames = None, cache: ParseCache | None = None) -> tuple[Version, Case]:
    """The archived case with this id (slug), old-layout numeric id or URL; NotFoundError if none.

    It is taken from the parse cache when the index build left it there (same key as
    ``iter_cases``); a page that cannot be parsed raises UnparseablePage with the reason.
    """
    wanted = case_id.strip()
    context = cache_key("case", selectors or {}, known_companies)
    for version in store.iter_latest(NS_PAGE):
        key = version.key
        if version.meta.get("kind") == "case" and wanted in (key, case_id_from_url(key), *case_aliases(key)):
            try:
                return version, parse_with(cache, (context, version.key, version.sha256),
                                           lambda: _parse(store, version, selectors, known_companies))  # noqa: B023 (called at once)
            except _Unparseable as exc:
                raise UnparseablePage(f"case {wanted}: {exc} ({key})") from None
            except NotCached:
                held = newest_cached(cache, store.history(NS_PAGE, key), lambda v: (context, v.key, v.sha256))
                if held is None:
                    raise NotFoundError(f"case {wanted} is archived but the index holds no reading of it "
                                        "(run `casearchive index`; a page it cannot read is listed there)") from None
                return held
    raise NotFoundError(f"no archived case with id {case_id!r}{_nearest_cases(store, wanted)}")


def _nearest_cases(store: ArchiveStore, wanted: str) -> str:
    """The tail of a "no such case" message: the archived slugs nearest to ``wanted`` (those holding
    each of its words, else the closest spellings), else how to list them, else how to get some."""
    slugs = sorted({case_id_from_url(v.key) for v in store.iter_latest(NS_PAGE) if v.meta.get("kind") == "case"})
    if not slugs:
        return " (run `casearchive harvest site` first?)"
    words = re.findall(r"\w+", wanted.casefold())
    near = [slug for slug in slugs if words and all(word in slug for word in words)]
    near = near or difflib.get_close_matches(wanted.casefold(), slugs, n=NEAREST, cutoff=0.6)
    if near:
        return f"; did you mean: {', '.join(near[:NEAREST])}?"
    return f"; {len(slugs)} cases are archived (list them: casearchive search kind:case)"


def describe_case(settings: Settings, case_id: str, *, known_companies: KnownNames = None,
                  cache: ParseCache | None = None) -> dict[str, Any]:
    """One case as a JSON-ready dict: every parsed field, its notes and its archive history.

    With a ``cache`` (the index build's), the page and its notes are read from it when it holds them.
    """
    if not (Path(settings.data_dir) / "archive" / "catalog.sqlite").exists():
        raise NotFoundError(f"no archive in {settings.data_dir} (run `casearchive harvest site` first)")
    with open_store(settings.data_dir) as store:
        version, case = find_case(store, case_id, settings.site.selectors, known_companies, cache)
        notes = []
        for attachment in case.attachments:
            stored = store.latest(NS_ATTACHMENT, attachment.url)
            try:
                note = _read_note(store, stored, cache) if stored else None
            except NotCached:  # a version the index has not read: the one it read, if any
                held = newest_cached(cache, store.history(NS_ATTACHMENT, attachment.url), _note_key)
                note = held[1] if held else None
            status = note.status if note else "not fetched" if stored is None else "not read by the index yet"
            notes.append({"url": attachment.url, "text": attachment.text, "type": attachment.type,
                          "archived": stored is not None,
                          "status": status,
                          "reason": note.reason if note else None,
                          "pages": len(note.pages) if note else 0,
                          "ocr_pages": [page.number for page in note.pages if page.ocr] if note else []})
        return {
            "kind": "case",
            **case.to_dict(),
            "notes": notes,
            "archive": {"versions": len(store.history(NS_PAGE, version.key)), "fetched_at": version.fetched_at,
                        "sha256": version.sha256, "last_fetch": store.last_fetch(NS_PAGE, version.key),
                        "gone": store.get_state(STATE_GONE, {}).get(version.key)},
        }
