"""Transcripts: pluggable providers into the archive, and the archive's transcripts for the index.

Providers answer one question — *what captions does this video have in these languages?* —
with ``ProviderResult``s: a raw caption body to archive, or an outcome that explains why there
is none ("disabled", "blocked", "wrong language", "malformed file", …). Two providers exist:

- ``LocalFileProvider``: caption files named ``<videoId>.<lang>.vtt|srt`` in a folder (from
  YouTube Studio, yt-dlp, a subtitler). Kind "imported", or "auto" when the file has YouTube
  auto-captions' rolling lines and word timing tags.
- ``OnlineProvider`` (``archive/transcript_online.py``): youtube-transcript-api, opt-in.

Raw bodies go to namespace ``transcript.raw`` under ``<videoId>.<lang>.<kind>`` with their
provenance in ``meta`` (video_id, language, kind, provider, format, source); the latest outcome
per video and provider is kept in state ``transcripts/outcome/<videoId>`` for the report.

The index reads them back with ``load_transcripts(store, corrections)``: cleaned, corrected,
cut into passages — with no network.
"""

from __future__ import annotations

import logging
import re
import time
from array import array
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Container, Iterator, Mapping, Sequence

from archive.captions import CaptionError, Cue, Corrections, load_corrections, parse_captions, read_cues
from archive.config import Settings
from archive.errors import ArchiveCorrupt, CaseArchiveError, ConfigError
from archive.lock import writer_lock
from archive.parse_cache import NotCached, ParseCache, cache_key, newest_cached
from archive.passages import Passage, build_passages
from archive.runs import save_run
from archive.store import ArchiveStore, Version, open_store, utc_now
from archive.transcript_provider import (
    EMPTY, FAILED, FOUND, LOCAL, MALFORMED, NS_RAW, OUTCOME_STATE, PROVIDER_OFF, ProviderResult, TranscriptSummary,
    record_result,
)
from archive.youtube import NS_AVAILABILITY, NS_VIDEO, Progress

log = logging.getLogger(__name__)

# The preferred kind when a video has several transcripts in one language.
KIND_RANK = {"manual": 0, "imported": 1, "auto": 2}

# ``<id>.<lang>.<ext>``, or yt-dlp's default ``<title> [<id>].<lang>.<ext>`` (its output template
# ``%(title)s [%(id)s].%(ext)s``, subtitles adding ``.LANG``): the id is the last ``[…]`` of 11 id characters.
_FILE_NAME = re.compile(r"^(?:.*\[(?P<bracketed>[A-Za-z0-9_-]{11})\]|(?P<video>[A-Za-z0-9_-]+))"
                        r"\.(?P<lang>[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]+)*)\.(?P<ext>vtt|srt)$", re.IGNORECASE | re.S)
NAME_FORMS = "<videoId>.<lang>.vtt|srt or <title> [<videoId>].<lang>.vtt|srt"


class LocalFileProvider:
    """Caption files ``<videoId>.<lang>.vtt|srt`` (or yt-dlp's ``<title> [<videoId>].<lang>.vtt``) in one folder."""

    name = LOCAL

    def __init__(self, folder: Path) -> None:
        if not folder.is_dir():
            raise ConfigError(f"caption folder not found: {folder}")
        self.folder = folder
        self.files: dict[str, list[tuple[str, Path]]] = {}
        self.misnamed: list[Path] = []
        for path in sorted(folder.iterdir()):
            if not path.is_file() or path.suffix.lower() not in (".vtt", ".srt"):
                continue
            match = _FILE_NAME.match(path.name)
            if match is None:
                self.misnamed.append(path)
            else:
                self.files.setdefault(match["bracketed"] or match["video"], []).append((match["lang"], path))

    def video_ids(self) -> list[str]:
        """The video ids that have caption files in the folder."""
        return sorted(self.files)

    def fetch(self, video_id: str, languages: Sequence[str]) -> list[ProviderResult]:
        """Read and check every caption file of one video; malformed ones become outcomes."""
        results = []
        for lang, path in self.files.get(video_id, []):
            fmt = path.suffix.lower().lstrip(".")
            base: dict[str, Any] = {"video_id": video_id, "provider": self.name, "language": lang, "format": fmt,
                                    "source": path.name}
            try:
                body = path.read_bytes()
                caption = parse_captions(body, fmt)
            except CaptionError as exc:
                results.append(ProviderResult(outcome=EMPTY if exc.empty else MALFORMED, detail=str(exc), **base))
                continue
            except OSError as exc:
                results.append(ProviderResult(outcome=FAILED, detail=exc.strerror, **base))
                continue
            if languages and lang.split("-")[0].lower() not in languages:
                log.info("[transcripts] %s: %s is in %s, not a configured language; archived anyway",
                         video_id, path.name, lang)
            results.append(ProviderResult(outcome=FOUND, kind=caption.kind_hint or "imported", body=body, **base))
        return results


# -- harvesting -------------------------------------------------------------------------------


def _resolve(settings: Settings, path: str | Path) -> Path:
    """A path from the config is relative to the config file's folder; a flag's to the cwd."""
    path = Path(path).expanduser()
    if not path.is_absolute() and settings.config_file is not None:
        return settings.config_file.parent / path
    return path


def corrections_path(settings: Settings) -> Path | None:
    """The correction list the settings name, resolved (or None)."""
    return _resolve(settings, settings.transcripts.corrections) if settings.transcripts.corrections else None


def harvest_local(store: ArchiveStore, provider: LocalFileProvider, languages: Sequence[str],
                  summary: TranscriptSummary, progress: Progress | None = None) -> None:
    """Import every caption file of a folder; a bad file is reported and the others go on."""
    for path in provider.misnamed:
        summary.files += 1
        summary.outcomes[MALFORMED] += 1
        summary.fail(path.name, f"name is not {NAME_FORMS}")
    ids = provider.video_ids()
    for n, video_id in enumerate(ids, 1):
        if store.latest(NS_VIDEO, video_id) is None:
            summary.unknown_videos.append(video_id)
            log.warning("[transcripts] %s: not a harvested video (yet); its captions are archived anyway", video_id)
        for result in provider.fetch(video_id, languages):
            summary.files += 1
            record_result(store, result, summary)
        if progress:
            progress("caption files", n, len(ids))


def harvest_transcripts(
    settings: Settings,
    folder: str | Path | None = None,
    progress: Progress | None = None,
    *,
    sleep: Callable[[float], None] = time.sleep,
    session: Any = None,
) -> TranscriptSummary:
    """Import caption files (``folder`` or ``transcripts.folder``) and, when enabled, run the
    online provider; save the run summary. ``session`` is a requests.Session for the online one."""
    started = utc_now()
    config = settings.transcripts
    source = Path(folder).expanduser() if folder is not None else (
        _resolve(settings, config.folder) if config.folder else None)
    if source is None and not config.online:
        raise ConfigError("no caption folder (--from DIR or transcripts.folder) and the online provider is off "
                          "(transcripts.online = true)")
    local = LocalFileProvider(source) if source is not None else None
    load_corrections(corrections_path(settings))  # a broken correction list is a usage error now, not at reindex
    summary = TranscriptSummary()
    languages = tuple(lang.lower() for lang in config.languages)
    with writer_lock(settings, "harvest transcripts"), open_store(settings.data_dir) as store:
        if local is not None:
            harvest_local(store, local, languages, summary, progress)
        if config.online:
            from archive.transcript_online import OnlineProvider, harvest_online

            online = OnlineProvider(session=session, sleep=sleep, delay=config.online_delay)
            summary.online = harvest_online(store, online, languages, config.online_budget, summary, progress)
    save_run(settings.data_dir, "harvest transcripts", summary.to_dict(), started, summary.exit_code)
    return summary


# -- reading back for the index ---------------------------------------------------------------


@dataclass(frozen=True)
class Transcript:
    """One video's transcript in one language, as the index sees it.

    ``passages`` are cleaned, corrected and sentence-aligned; ``kind`` is manual, auto or
    imported; ``provider`` is "local" or "youtube-transcript-api"; ``fetched_at`` is when the
    raw captions were archived; ``key``/``version``/``seq`` name the archived raw item;
    ``origin`` is a hash of everything the passages are made from (the raw item, the correction
    list, the parser), the same as long as the passages are.
    """

    video_id: str
    language: str
    kind: str
    provider: str
    fetched_at: str
    source: str | None
    key: str
    version: int
    seq: int
    passages: Sequence[Passage]
    origin: str = ""

    @property
    def id(self) -> str:
        """``<videoId>.<lang>``: one transcript per video and language is indexed."""
        return f"{self.video_id}.{self.language}"

    def passage_id(self, n: int) -> str:
        """A stable id for the n-th passage (0-based) of this transcript."""
        return f"{self.id}#{n}"


# What the parse cache keeps of a transcript: its passages' texts, and apart from them the times
# of its passages and cues and the length of each cue's text (a passage's text is its cues' texts
# joined by spaces, so they are cut from it): the whole text is read without making every cue.
Packed = tuple[tuple[str, ...], tuple[bytes, bytes, bytes]]


def _pack(passages: Sequence[Passage]) -> Packed:
    times, counts, lengths = array("d"), array("I"), array("I")
    for passage in passages:
        if passage.text != " ".join(cue.text for cue in passage.cues):
            raise ValueError(f"a passage is not its cues' texts joined: {passage.text[:60]!r}")
        times.extend((passage.start, passage.end))
        counts.append(len(passage.cues))
        for cue in passage.cues:
            times.extend((cue.start, cue.end))
            lengths.append(len(cue.text))
    return tuple(p.text for p in passages), (times.tobytes(), counts.tobytes(), lengths.tobytes())


def _unpack(packed: Packed) -> tuple[Passage, ...]:
    texts, (times_bytes, counts_bytes, lengths_bytes) = packed
    times, counts, lengths = array("d"), array("I"), array("I")
    times.frombytes(times_bytes)
    counts.frombytes(counts_bytes)
    lengths.frombytes(lengths_bytes)
    passages = []
    at_time = at_cue = 0
    for text, count in zip(texts, counts):
        start, end = times[at_time], times[at_time + 1]
        at_time += 2
        cues, at = [], 0
        for length in lengths[at_cue:at_cue + count]:
            cues.append(Cue(times[at_time], times[at_time + 1], text[at:at + length]))
            at_time += 2
            at += length + 1
        at_cue += count
        passages.append(Passage(start, end, text, tuple(cues)))
    return tuple(passages)


class LazyReadFailed(CaseArchiveError):
    """A transcript's passages, read when first used (``LazyPassages``), could not be read."""


class LazyPassages(Sequence[Passage]):
    """A transcript's passages, parsed (or taken from the parse cache) when first used: an index
    update does not read the transcripts whose units it keeps as they are, and reads only the
    ``texts`` of those whose words it must look at again."""

    def __init__(self, video_id: str, read: Callable[[], Packed]) -> None:
        self._video_id = video_id
        self._read: Callable[[], Packed] | None = read
        self._packed: Packed = ((), (b"", b"", b""))
        self._passages: tuple[Passage, ...] | None = None

    @property
    def loaded(self) -> bool:
        return self._read is None

    @property
    def texts(self) -> tuple[str, ...]:
        """The passages' texts (their passages are not made)."""
        if self._read is not None:
            read, self._read = self._read, None
            try:
                self._packed = read()
            except (CaptionError, ArchiveCorrupt, KeyError) as exc:
                # Read eagerly, it would have been left out (load_transcripts): the caller starts again so.
                raise LazyReadFailed(f"{self._video_id}: the archived captions cannot be read: {exc}") from exc
        return self._packed[0]

    def _all(self) -> tuple[Passage, ...]:
        if self._passages is None:
            self._passages = _unpack(self._packed) if self.texts else ()
        return self._passages

    def __len__(self) -> int:
        return len(self._all())

    def __getitem__(self, index):  # type: ignore[no-untyped-def]
        return self._all()[index]

    def __iter__(self) -> Iterator[Passage]:
        return iter(self._all())


def preferred_versions(store: ArchiveStore) -> list[Version]:
    """The latest raw transcript of each video and language, of the best kind (manual > imported > auto)."""
    best: dict[tuple[str, str], Version] = {}
    for version in store.iter_latest(NS_RAW):
        ident = (version.meta.get("video_id", ""), version.meta.get("language", ""))
        held = best.get(ident)
        if held is None or KIND_RANK.get(version.meta.get("kind", ""), 9) < KIND_RANK.get(held.meta.get("kind", ""), 9):
            best[ident] = version
    return sorted(best.values(), key=lambda v: v.key)


def load_transcripts(store: ArchiveStore, corrections: Corrections | None = None,
                     since_seq: int = 0, cache: ParseCache | None = None,
                     lazy: Container[str] = (), problems: list[str] | None = None,
                     video_id: str | None = None) -> Iterator[Transcript]:
    """Every video's transcripts (one per language, the best kind), parsed into passages.

    Parsing runs here, at every reindex, so a changed correction list or cleaning rule applies
    to the whole archive (``cache`` keeps the passages of a raw item per correction list);
    ``since_seq`` limits the output to raw items archived after it (when the correction list
    changed, pass 0). A transcript that no longer parses is skipped with a warning (and listed
    in ``problems``). The
    passages of a transcript whose ``origin`` is in ``lazy`` are read only when first used
    (``LazyPassages``: the store, and the cache, must still be open then). ``video_id`` reads
    one video's transcripts only; a ``cached_only`` cache leaves out what it does not hold.
    """
    context = cache_key("transcript", corrections or {})
    for version in preferred_versions(store):
        if version.seq <= since_seq or video_id is not None and version.meta.get("video_id") != video_id:
            continue
        meta = version.meta

        def parse(version: Version = version) -> Packed:
            return _pack(tuple(build_passages(read_cues(store.read(version), version.meta["format"], corrections))))

        parts = (context, meta.get("format"), version.sha256)
        origin = cache.key(*parts) if cache is not None else cache_key(*parts)

        def read(parse: Callable[[], Packed] = parse, origin: str = origin) -> Packed:
            return cache.get_or_parse(origin, parse) if cache is not None else parse()

        passages: Sequence[Passage]
        if origin in lazy:
            if cache is not None:
                cache.keep(origin)
            passages = LazyPassages(meta.get("video_id", ""), read)
        else:
            try:
                passages = _unpack(read())
            except NotCached:  # a version the index has not read: the newest one it did read
                held = newest_cached(cache, store.history(NS_RAW, version.key),
                                     lambda v: (context, v.meta.get("format"), v.sha256))
                if held is None:
                    continue
                version, passages = held[0], _unpack(held[1])
                origin = cache.key(context, version.meta.get("format"), version.sha256)  # type: ignore[union-attr]
            except (CaptionError, ArchiveCorrupt, KeyError) as exc:
                if problems is None:
                    log.warning("[transcripts] %s: archived %s cannot be read: %s", meta.get("video_id"),
                                version.key, exc)
                else:  # the caller lists it, once
                    problems.append(f"{version.key}: the archived captions cannot be read: {exc}")
                continue
        yield Transcript(video_id=meta["video_id"], language=meta["language"], kind=meta["kind"],
                         provider=meta.get("provider", "local"), fetched_at=version.fetched_at,
                         source=meta.get("source"), key=version.key, version=version.version, seq=version.seq,
                         passages=passages, origin=origin)


def transcript_gaps(store: ArchiveStore, settings: Settings) -> dict[str, str]:
    """Videos without a transcript, each with why: the last recorded outcome, or "provider off"."""
    have = {key.split(".", 1)[0] for key in store.keys(NS_RAW)}
    gaps = {}
    for video_id in store.keys(NS_VIDEO):
        if video_id in have:
            continue
        availability = store.latest(NS_AVAILABILITY, video_id)
        if availability is not None and not store.read_json(availability).get("active", True):
            gaps[video_id] = "inactive"
            continue
        outcomes: Mapping[str, Mapping[str, Any]] = store.get_state(OUTCOME_STATE + video_id, {})
        latest = max(outcomes.values(), key=lambda o: o.get("at", ""), default=None)
        if latest is not None:
            gaps[video_id] = latest["outcome"]
        else:
            gaps[video_id] = "not fetched yet" if settings.transcripts.online else PROVIDER_OFF
    return gaps
