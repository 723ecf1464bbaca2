"""Turn what the archive holds (cases, notes, videos, transcripts) into linked searchable units."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, Iterable, Mapping

from archive.passages import Passage
from archive.transcripts import LazyPassages, Transcript
from archive.youtube import Video
from archive.youtube_urls import watch_url
from index.linking.links import LinkSet, link_all
from index.linking.names import KnownText, NameFinder, name_finder
from index.linking.mentions import MentionCache, text_key
from index.linking.reuse import Reuse, TranscriptRecord, passage_context, said
from index.linking.rules import CaseInfo, VideoInfo
from index.engine import Progress, Unit, pack_cues
from index.text.taxonomy import Taxonomy, add_case_labels


@dataclass(frozen=True)
class NotePage:
    """One page of an attached note, with the cases that attach it."""

    url: str
    title: str
    page: int
    text: str
    case_slugs: tuple[str, ...]
    video_ids: tuple[str, ...] = ()  # the YouTube videos this page links
    ocr: bool = False  # the text was read from a scan by OCR (the web and the exports can say so)


@dataclass
class Sources:
    """Everything the index is built from, read from the archive (never the network)."""

    cases: list[Any] = field(default_factory=list)  # archive.case_parser.Case
    notes: list[NotePage] = field(default_factory=list)
    videos: list[Video] = field(default_factory=list)
    inactive: dict[str, dict[str, Any]] = field(default_factory=dict)
    channel_of_case_link: dict[str, str] = field(default_factory=dict)  # handle/url → channel id
    own_channels: tuple[str, ...] = ()  # the platform's own channel ids (youtube.own_channels, resolved)
    transcripts: list[Transcript] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # archived items left out, each with why


def _year(date: str | None) -> int | None:
    """The year of an ISO date ("2013-12-05…" → 2013), if it starts with one."""
    return int(date[:4]) if date and date[:4].isdigit() else None


def _case_channels(case: Any, resolve: dict[str, str]) -> tuple[str, ...]:
    """The channel ids a case page links (handles and names resolved through ``resolve``)."""
    channels = []
    for link in getattr(case, "youtube", ()):
        if link.kind == "channel":
            channel_id = link.id if link.id.startswith("UC") else resolve.get(link.id.lower())
            if channel_id:
                channels.append(channel_id)
    return tuple(channels)


def make_units(sources: Sources, taxonomy: Taxonomy, decisions: dict[tuple[str, str], dict[str, Any]] | None = None,
               mentions: MentionCache | None = None, reuse: Reuse | None = None,
               progress: Progress | None = None) -> tuple[list[Unit], LinkSet]:
    """Every unit with its links (cases, companies, themes, sector, year, kind, language, active);
    ``mentions`` remembers which names each text mentions, for the next build (index.linking.mentions).

    With ``reuse`` (index.linking.reuse), the passages of a transcript that is as it was in the live
    generation are not made: their ids go to ``reuse.kept``; ``reuse.records`` gets the record
    of every transcript, for the next build. ``progress`` hears of linking and of each transcript made.
    """
    tick = progress or (lambda _label, _done, _total: None)
    for case in sources.cases:
        add_case_labels(taxonomy, case.themes, case.sectors, case.companies)
    previous = reuse.previous if reuse is not None else {}
    case_infos, video_infos = _link_inputs(sources, previous)
    companies = name_finder(taxonomy, "company", mentions)
    tick("linking", 0, 0)  # the rules run over every case and video at once: nothing to count
    links = link_all(case_infos, video_infos, taxonomy, decisions, mentions, companies, sources.own_channels)
    units, video_units = _archive_units(sources, links, companies, taxonomy)
    for n, transcript in enumerate(sources.transcripts, 1):
        units.extend(_transcript_units(transcript, video_units.get(transcript.video_id), companies, reuse,
                                       previous.get(_ident(transcript)),
                                       links.rejected(f"video:{transcript.video_id}", "company:")))
        tick("making units", n, len(sources.transcripts))
    return units, links


def _link_inputs(sources: Sources, previous: Mapping[tuple[str, str], TranscriptRecord]
                 ) -> tuple[list[CaseInfo], list[VideoInfo]]:
    """What linking reads of the cases (with the videos their notes link) and the videos
    (with their transcripts' whole texts, not read when a record knows them)."""
    transcript_text = {transcript.video_id: _whole_text(transcript, previous.get(_ident(transcript)))
                       for transcript in sources.transcripts}
    note_videos: dict[str, list[tuple[str, str]]] = {}
    for note in sources.notes:
        for slug in note.case_slugs:
            note_videos.setdefault(slug, []).extend((video_id, f"{note.url}#page={note.page}")
                                                    for video_id in note.video_ids)
    case_infos = [CaseInfo(slug=c.id, title=c.title, companies=tuple(c.companies), themes=tuple(c.themes),
                           video_ids=tuple(row.id for row in c.youtube if row.kind == "video"),
                           channels=_case_channels(c, sources.channel_of_case_link),
                           note_videos=tuple(note_videos.get(c.id, ())), url=c.url) for c in sources.cases]
    video_infos = [VideoInfo(v.id, v.channel_id, v.title, f"{v.description}\n{' '.join(v.tags)}",
                             transcript_text.get(v.id, "")) for v in sources.videos]
    return case_infos, video_infos


def _archive_units(sources: Sources, links: LinkSet, companies: NameFinder, taxonomy: Taxonomy
                   ) -> tuple[list[Unit], dict[str, Unit]]:
    """The units of the cases (whole and per section), the note pages and the videos; and
    each video's unit by its id (its passages take from it)."""
    sectors_of_case = {c.id: [taxonomy.canonical("sector", s) for s in c.sectors] for c in sources.cases}
    units: list[Unit] = []
    for case in sources.cases:
        whole = _case_unit(case, links, taxonomy)
        units.append(whole)
        units.extend(_section_units(case, whole))
    case_by_slug = {c.id: c for c in sources.cases}
    for note in sources.notes:
        units.append(_note_unit(note, links, companies, sectors_of_case, case_by_slug))
    video_units: dict[str, Unit] = {}
    for video in sources.videos:
        unit = _video_unit(video, links, sources.inactive, sectors_of_case, taxonomy)
        video_units[video.id] = unit
        units.append(unit)
    return units, video_units


def _transcript_units(transcript: Transcript, parent: Unit | None, companies: NameFinder, reuse: Reuse | None,
                      record: TranscriptRecord | None, rejected: frozenset[str] = frozenset()) -> list[Unit]:
    """A transcript's passage units; none when its passages are kept as they were (with
    ``reuse``), and its record for the next build. A company whose link to the video a person
    rejected is in none of its passages, though one names it."""
    context = passage_context(parent, rejected)
    found = companies.found_in_this_build(record.key) if record is not None else None
    if (reuse is not None and record is not None and found is not None and record.origin == transcript.origin
            and record.kind == transcript.kind and record.context == context
            and said(found, companies.named) == record.said):
        _keep_passages(transcript, companies, reuse, record)
        return []
    text = " ".join(p.text for p in transcript.passages)
    key = text_key(text)
    # A passage is part of its transcript's text: when linking found no changed company in
    # that text, there is none in the passage either (no look for changed names in each).
    clear = companies.clear_of_changes(key)
    units = [_passage_unit(transcript, n, passage, parent, companies, clear, rejected)
             for n, passage in enumerate(transcript.passages)]
    if reuse is not None:
        reuse.records[_ident(transcript)] = TranscriptRecord(
            transcript.origin, transcript.kind, context, len(transcript.passages), key, not text,
            b"".join(text_key(p.text) for p in transcript.passages), said(companies.find(text), companies.named))
    return units


def _keep_passages(transcript: Transcript, companies: NameFinder, reuse: Reuse, record: TranscriptRecord) -> None:
    """A transcript as it was: its passages mention what they did, and take the same from their
    video, so their ids are kept (not made) and so is its record."""
    prefix = f"passage:{transcript.video_id}:{transcript.language}:"
    reuse.kept.extend(f"{prefix}{n}" for n in range(record.count))
    reuse.kept_transcripts += 1
    reuse.records[_ident(transcript)] = record
    if companies.same_as_remembered(record.key):  # the memo's passages stand as well
        companies.keep_remembered(record.passage_keys[at:at + 16]
                                  for at in range(0, len(record.passage_keys), 16))


def _ident(transcript: Transcript) -> tuple[str, str]:
    """A transcript's key in the reuse records: its video and language."""
    return transcript.video_id, transcript.language


def _whole_text(transcript: Transcript, record: TranscriptRecord | None) -> "str | KnownText":
    """A transcript's whole text (its passages joined), or, when the passages are not read yet and
    a record knows that text, a ``KnownText`` that reads them only if linking has to search it."""
    if (record is not None and record.origin == transcript.origin and isinstance(transcript.passages, LazyPassages)
            and not transcript.passages.loaded):
        passages = transcript.passages
        return KnownText(record.key, record.empty, lambda: " ".join(passages.texts))
    return " ".join(p.text for p in transcript.passages)


def _case_unit(case: Any, links: LinkSet, taxonomy: Taxonomy) -> Unit:
    """The unit of a whole case page, with the companies and themes linked to the case."""
    source = f"case:{case.id}"
    parts = [case.intro] + [
        "\n".join(filter(None, [section.heading] + [b.text for b in section.blocks])) for section in case.sections]
    return Unit(
        id=source, kind="case", parent=source, source=f"site.case:{case.id}", title=case.title,
        content="\n\n".join(p for p in parts if p), url=case.url, case_ids=[case.id],
        companies=links.targets(source, "company:"), themes=links.targets(source, "theme:"),
        sectors=sorted({taxonomy.canonical("sector", s) for s in case.sectors}), year=case.year,
        date=case.date or (f"{case.year}" if case.year else None), lang=case.language,
        extra={"sources": list(case.sources), "keywords": list(case.keywords),
               "sections": [s.heading for s in case.sections if s.heading],
               "attachments": [{"url": a.url, "text": a.text, "type": a.type} for a in case.attachments],
               "youtube": [{"kind": row.kind, "id": row.id, "url": row.url} for row in case.youtube]},
    )


def _section_units(case: Any, whole: Unit) -> list[Unit]:
    """One unit per headed section, so a hit can name the section where the words are."""
    units = []
    for n, section in enumerate(case.sections, 1):
        text = "\n".join(b.text for b in section.blocks if b.text)
        if not section.heading or not text:
            continue
        units.append(replace(whole, id=f"{whole.id}#{n}", content=f"{section.heading}\n{text}",
                             extra={"section": section.heading, "section_index": n}))
    return units


def _named(text: str, finder: NameFinder, within_clear: bool = False) -> list[str]:
    """The entries a finder finds in a text, in entry order."""
    return [name for name, _found in finder.find(text, within_clear)]


def _note_unit(note: NotePage, links: LinkSet, companies: NameFinder, sectors_of_case: dict[str, list[str]],
               case_by_slug: dict[str, Any]) -> Unit:
    """The unit of one page of a note: its cases' companies and themes, and the companies it names."""
    parent = f"case:{note.case_slugs[0]}" if note.case_slugs else f"note:{note.url}"
    # A note has no date or language of its own on the platform: it shares its case's.
    case = next((case_by_slug[s] for s in note.case_slugs if s in case_by_slug), None)
    case_companies = {c for slug in note.case_slugs for c in links.targets(f"case:{slug}", "company:")}
    # A company a person rejected for the note's cases is not the note's either, though it names it.
    rejected = set.intersection(*(set(links.rejected(f"case:{slug}", "company:")) for slug in note.case_slugs)) \
        if note.case_slugs else set()
    named = set(_named(note.text, companies)) - rejected
    themes = {t for slug in note.case_slugs for t in links.targets(f"case:{slug}", "theme:")}
    return Unit(
        id=f"note:{note.url}#page={note.page}", kind="note", parent=parent, source=f"site.note:{note.url}",
        title=f"{note.title} (p. {note.page})", content=note.text, url=f"{note.url}#page={note.page}",
        case_ids=list(note.case_slugs), companies=sorted(case_companies | named),
        themes=sorted(themes), sectors=sorted({s for slug in note.case_slugs for s in sectors_of_case.get(slug, [])}),
        year=case.year if case else None, date=(case.date or (str(case.year) if case.year else None)) if case else None,
        lang=case.language if case else None,
        extra={"page": note.page, "note_url": note.url, **({"ocr": True} if note.ocr else {})},
    )


def _video_unit(video: Video, links: LinkSet, inactive: dict[str, dict[str, Any]],
                sectors_of_case: dict[str, list[str]], taxonomy: Taxonomy) -> Unit:
    """The unit of a video: its linked cases, companies and themes, and the sectors they give."""
    source = f"video:{video.id}"
    case_ids = links.targets(source, "case:")
    companies = links.targets(source, "company:")
    sectors = {s for slug in case_ids for s in sectors_of_case.get(slug, [])}
    sectors |= {e.sector for c in companies if (e := taxonomy.lookup("company", c)) and e.sector}
    gone = inactive.get(video.id)
    return Unit(
        id=source, kind="video", parent=source, source=f"youtube.video:{video.id}", title=video.title,
        content="\n".join(filter(None, [video.description, " ".join(video.tags)])),
        url=watch_url(video.id), case_ids=case_ids, companies=companies,
        themes=links.targets(source, "theme:"), sectors=sorted(sectors), year=_year(video.published_at),
        date=(video.published_at or "")[:10] or None, lang=(video.language or "").split("-")[0] or None,
        active=gone is None,
        extra={"video_id": video.id, "thumbnail": video.thumbnail, "duration": video.duration,
               "channel_id": video.channel_id, "channel_title": video.channel_title,
               "published_at": video.published_at, "live": video.live,
               "inactive_reason": gone.get("reason") if gone else None,
               "inactive_since": gone.get("since") if gone else None},
    )


def _passage_unit(transcript: Transcript, n: int, passage: Passage, video: Unit | None,
                  companies: NameFinder, within_clear: bool = False, rejected: frozenset[str] = frozenset()) -> Unit:
    """The unit of one transcript passage: its video's links, and the companies it names itself
    but for those a person rejected for the video."""
    start = int(passage.start)
    own = [name for name in _named(passage.text, companies, within_clear) if name not in rejected]
    return Unit(
        id=f"passage:{transcript.video_id}:{transcript.language}:{n}", kind="passage",
        parent=f"video:{transcript.video_id}", source=f"transcript:{transcript.video_id}",
        title=video.title if video else transcript.video_id, content=passage.text,
        url=watch_url(transcript.video_id, start),
        case_ids=list(video.case_ids) if video else [],
        companies=sorted(set(video.companies if video else []) | set(own)),
        themes=list(video.themes) if video else [], sectors=list(video.sectors) if video else [],
        year=video.year if video else None, date=video.date if video else None, lang=transcript.language,
        caption=transcript.kind, active=video.active if video else True,
        extra={"video_id": transcript.video_id, "start": passage.start, "end": passage.end,
               "cues": pack_cues(passage.cues), "thumbnail": video.extra.get("thumbnail") if video else None},
    )


def iter_units_by_source(units: Iterable[Unit]) -> dict[str, list[Unit]]:
    """Units grouped by the archive item they come from."""
    grouped: dict[str, list[Unit]] = {}
    for unit in units:
        grouped.setdefault(unit.source, []).append(unit)
    return grouped
