"""The link rules: each finds one kind of link from one kind of evidence, and says how sure it is.

A rule is a function ``rule(links, world)``: it reads the archive's cases and videos and the
lookups over them (``world``, a ``World``) and adds links to ``links``, each with its
``Evidence`` (what it saw, in which field, the text, where) and a confidence. ``link_all``
(``index.linking.links``) runs the rules of ``RULES`` in their order, so a rule sees the links of
the rules before it (the channel rules ask what a video already has). People's decisions are a
step of the list too (``people_decided``): the rules after it see confirmed and rejected links,
and ``link_all`` applies the decisions once more at the end, to the links those rules added.
Whether a link counts (in search, the report, the links list) is one rule of its own,
``index.linking.links.is_accepted``: confirmed, or found and at least ``ACCEPT`` sure.

Adding a link rule is three steps:

1. write one function here, ``def my_rule(links: Links, world: World) -> None``, whose
   docstring says what evidence it reads and what confidence it gives, and which adds each link
   with ``links.add(source, target, confidence, Evidence("what it saw", field, text, position))``;
2. add it to ``RULES``, after the rules whose links it reads;
3. add a test of the links it makes (``link_all`` on a few ``CaseInfo`` and ``VideoInfo``, as in
   tests/test_link_rules.py), and one of a text it must not link.

A rule that needs more of a case or a video than ``CaseInfo`` or ``VideoInfo`` hold adds a field
there and fills it in ``index.linking.units._link_inputs``; a lookup over all cases that several
rules use goes on ``World``, as a cached property.

Nothing else: the index keeps no links between builds (each build runs every rule), and the
kept transcript passages are remade when this file changes (``index.linking.reuse`` hashes the
linking room's code). Bump ``MENTIONS_VERSION`` (``index.linking.mentions``) only when what counts
as a name mentioned changes (``index.linking.names``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Iterable, Iterator, Protocol

from index.linking.names import KnownText, NameFinder, find_each
from index.text.taxonomy import Taxonomy

# A case page that links a channel says where more films are, not that each is about the case: a
# channel one case alone links suggests its videos to that case (below ``ACCEPT``); a video there
# naming the case's company is placed with it (0.8). A shared channel (``World.shared_channels``:
# several cases link it, other cases link its videos, or it is the platform's own) suggests nothing.
CHANNEL_SUGGESTS = 0.4
CHANNEL_NAMES_COMPANY = 0.8
# How sure a company named in a video's field makes its link; a theme named there is 0.1 less sure
# (a theme word is more often said in passing than a company's name).
FIELD_CONFIDENCE = {"title": 0.9, "description": 0.8, "transcript": 0.6}
THEME_LESS = 0.1
# A video shares the themes of a case it is linked to, a little less sure than that link.
VIA_CASE = 0.9
# A web address in a text (a description linking a case, wherever the platform keeps its cases).
WEB_ADDRESS = re.compile(r"(?:https?://|www\.)[^\s<>\"'()\[\]]+", re.I)
# A case linked by its path alone (no host), in the platform's own layout.
CASE_URL = re.compile(r"/kennis/(?:kennisbank/)?([a-z0-9][a-z0-9-]*[a-z0-9])(?:/\d+)?/?(?=[\s?#\"'<)]|$)", re.I)
# The evidence of the names rule, which the channel rule reads back (the companies a video names).
NAME_MENTIONED = "name mentioned"


@dataclass(frozen=True)
class Evidence:
    """Why a link was made: which rule, which field, which text, where."""

    rule: str
    field: str
    text: str
    position: int | None = None

    def to_dict(self) -> dict[str, Any]:
        # What dataclasses.asdict gives, without its deep copy (a build writes tens of thousands).
        return {"rule": self.rule, "field": self.field, "text": self.text, "position": self.position}


@dataclass(frozen=True)
class CaseInfo:
    """What linking needs of a case."""

    slug: str
    title: str
    companies: tuple[str, ...]
    themes: tuple[str, ...]
    video_ids: tuple[str, ...]
    channels: tuple[str, ...]  # channel ids the case links (resolved)
    note_videos: tuple[tuple[str, str], ...] = ()  # (video id, note page) the case's attached notes link
    url: str = ""  # the case page's address (under /kennis/, /praktijk/ or wherever the site keeps it)


@dataclass(frozen=True)
class VideoInfo:
    """What linking needs of a video."""

    id: str
    channel_id: str
    title: str
    description: str
    transcript: "str | KnownText" = ""


class FoundLink(Protocol):
    """A link as a rule reads it back (``index.linking.links.Link``)."""

    source: str
    target: str
    confidence: float
    evidence: list[Evidence]
    status: str

    @property
    def accepted(self) -> bool: ...


class Links(Protocol):
    """What a rule writes into and reads back (``index.linking.links.LinkSet``)."""

    def add(self, source: str, target: str, confidence: float, evidence: Evidence) -> None: ...

    def of(self, source: str) -> list[FoundLink]: ...

    def targets(self, source: str, prefix: str) -> list[str]: ...

    def apply(self, decisions: dict[tuple[str, str], dict[str, Any]]) -> None: ...

    def __iter__(self) -> Iterator[FoundLink]: ...


def address_key(url: str) -> str:
    """An address as compared when a text links a page: without scheme, "www.", query, fragment
    and trailing slash, in lower case ("http://www.k.nl/praktijk/x/?a=1" → "k.nl/praktijk/x")."""
    url = url.strip().lower().split("#", 1)[0].split("?", 1)[0]
    url = re.sub(r"^[a-z][a-z0-9+.-]*://", "", url)
    return url.removeprefix("www.").rstrip("/.,;:")


class World:
    """What the rules read: the cases, videos, taxonomy and people's decisions, the finders of
    company and theme names, and lookups over the cases, each worked out when a rule first asks."""

    def __init__(self, cases: list[CaseInfo], videos: list[VideoInfo], taxonomy: Taxonomy,
                 decisions: dict[tuple[str, str], dict[str, Any]], company_names: NameFinder,
                 theme_names: NameFinder, own_channels: Iterable[str] = ()) -> None:
        self.cases = cases
        self.own_channels = frozenset(own_channels)  # the platform's own channel ids (configured)
        self.videos = videos
        self.taxonomy = taxonomy
        self.decisions = decisions
        self.company_names = company_names
        self.theme_names = theme_names

    @cached_property
    def by_slug(self) -> dict[str, CaseInfo]:
        """Each case by its slug."""
        return {c.slug: c for c in self.cases}

    @cached_property
    def by_url(self) -> dict[str, str]:
        """The slug of each case by its page's address (``address_key``)."""
        return {address_key(c.url): c.slug for c in self.cases if c.url}

    @cached_property
    def video_ids(self) -> set[str]:
        """The ids of the archive's videos (a case may link a video the archive does not hold)."""
        return {v.id for v in self.videos}

    @cached_property
    def channel_cases(self) -> dict[str, list[CaseInfo]]:
        """The cases that link each channel, in case order."""
        channel_cases: dict[str, list[CaseInfo]] = {}
        for case in self.cases:
            for channel in dict.fromkeys(case.channels):  # a page may link its channel by id and by handle
                channel_cases.setdefault(channel, []).append(case)
        return channel_cases

    @cached_property
    def shared_channels(self) -> set[str]:
        """The channels that are no one case's own: the platform's (``own_channels``), those several
        cases link, and those holding a video that the page or a note of a case not linking the
        channel links (a channel the platform's cases share, as its own channel in the site footer)."""
        shared = set(self.own_channels) | {channel for channel, on in self.channel_cases.items() if len(on) > 1}
        channel_of = {v.id: v.channel_id for v in self.videos}
        for case in self.cases:
            for video_id in (*case.video_ids, *(video_id for video_id, _page in case.note_videos)):
                channel = channel_of.get(video_id)
                if channel and channel not in case.channels:
                    shared.add(channel)
        return shared

    @cached_property
    def case_companies(self) -> dict[str, set[str]]:
        """The companies of each case (canonical names), by slug: hashing a CaseInfo hashes all its
        fields, and this is asked per video per case of its channel."""
        return {c.slug: {self.taxonomy.canonical("company", name) for name in c.companies} for c in self.cases}

    @cached_property
    def channel_company_cases(self) -> dict[str, dict[str, list[int]]]:
        """Per channel, the positions (in ``channel_cases``) of its cases naming each company: a
        video is compared with the cases naming a company it names, not with every case of its
        channel (100 per channel at the benchmark's L)."""
        out: dict[str, dict[str, list[int]]] = {}
        for channel, on_channel in self.channel_cases.items():
            positions = out[channel] = {}
            for position, case in enumerate(on_channel):
                for company in self.case_companies[case.slug]:
                    positions.setdefault(company, []).append(position)
        return out


# -- the rules, in the order they run ------------------------------------------------------------


def case_page_names(links: Links, world: World) -> None:
    """A case page's companies and themes: case → company and case → theme, confidence 1.0
    (evidence "case page", the field, the name as the page writes it)."""
    canonical = world.taxonomy.canonical
    for case in world.cases:
        for company in case.companies:
            links.add(f"case:{case.slug}", f"company:{canonical('company', company)}", 1.0,
                      Evidence("case page", "companies", company))
        for theme in case.themes:
            links.add(f"case:{case.slug}", f"theme:{canonical('theme', theme)}", 1.0,
                      Evidence("case page", "themes", theme))


def case_page_links_video(links: Links, world: World) -> None:
    """A case page that links or embeds an archived video: video → case, confidence 1.0 (evidence
    "case page links the video", the page's address)."""
    for case in world.cases:
        for video_id in case.video_ids:
            if video_id in world.video_ids:
                links.add(f"video:{video_id}", f"case:{case.slug}", 1.0,
                          Evidence("case page links the video", "case page", case.url or f"/kennis/{case.slug}/"))


def case_note_links_video(links: Links, world: World) -> None:
    """A note attached to a case whose page links an archived video: video → case, confidence 1.0
    (evidence "a note of the case links the video", the note's page)."""
    for case in world.cases:
        for video_id, note_page in case.note_videos:
            if video_id in world.video_ids:
                links.add(f"video:{video_id}", f"case:{case.slug}", 1.0,
                          Evidence("a note of the case links the video", "note", note_page))


def names_mentioned(links: Links, world: World) -> None:
    """A taxonomy name (or alias, or another way of writing a company's name) said in a video's
    title, description or transcript, as whole words outside web addresses: video → company,
    confidence 0.9, 0.8 or 0.6 by field (evidence "name mentioned", the words, their offset);
    video → theme 0.1 less (evidence "theme mentioned"). Each text is looked at once for both."""
    for video in world.videos:
        source = f"video:{video.id}"
        fields = {"title": video.title, "description": video.description, "transcript": video.transcript}
        for field_name, text in fields.items():
            if not text:
                continue
            companies_found, themes_found = find_each(text, (world.company_names, world.theme_names))
            confidence = FIELD_CONFIDENCE[field_name]
            for name, found in companies_found:
                for matched, pos in found:
                    links.add(source, f"company:{name}", confidence, Evidence(NAME_MENTIONED, field_name, matched, pos))
            for name, found in themes_found:
                for matched, pos in found:
                    links.add(source, f"theme:{name}", confidence - THEME_LESS,
                              Evidence("theme mentioned", field_name, matched, pos))


def description_links_case(links: Links, world: World) -> None:
    """A video description that links an archived case page (by its address, or by a path in the
    platform's /kennis/ layout): video → case, confidence 1.0 (evidence "description links the
    case", the address as written, its offset)."""
    for video in world.videos:
        for slug, written, position in _linked_cases(video.description, world.by_url, world.by_slug):
            links.add(f"video:{video.id}", f"case:{slug}", 1.0,
                      Evidence("description links the case", "description", written, position))


def _linked_cases(description: str, by_url: dict[str, str],
                  by_slug: dict[str, CaseInfo]) -> Iterable[tuple[str, str, int]]:
    """(slug, address as written, position) of each case a description links: by the address of
    an archived case page (whatever its path), or by a path in the platform's /kennis/ layout."""
    if "/" not in description:
        return
    addresses = []
    for match in WEB_ADDRESS.finditer(description):
        addresses.append(match.span())
        slug = by_url.get(address_key(match.group(0)))
        if slug is None and (path := CASE_URL.search(match.group(0))) and path.group(1).lower() in by_slug:
            slug = path.group(1).lower()  # the /kennis/ layout on a host or path the archive writes otherwise
        if slug is not None:
            yield slug, match.group(0), match.start()
    for match in CASE_URL.finditer(description):
        slug = match.group(1).lower()
        if slug in by_slug and not any(a <= match.start() < b for a, b in addresses):
            yield slug, match.group(0), match.start()


def channel_case_names_company(links: Links, world: World) -> None:
    """A video of a channel that a case links, naming one of that case's companies (``NAME_MENTIONED``
    links): video → case, confidence 0.8 (evidence "case links the channel; video names its
    company", the companies both name)."""
    for video in world.videos:
        source = f"video:{video.id}"
        on_channel = world.channel_cases.get(video.channel_id, [])
        by_company = world.channel_company_cases.get(video.channel_id, {})
        named = {link.target[len("company:"):] for link in links.of(source)
                 if link.target.startswith("company:") and any(e.rule == NAME_MENTIONED for e in link.evidence)}
        # Only the cases naming a company the video names are looked at, not every case of the channel.
        for position in sorted({position for name in named for position in by_company.get(name, ())}):
            case = on_channel[position]
            links.add(source, f"case:{case.slug}", CHANNEL_NAMES_COMPANY,
                      Evidence("case links the channel; video names its company", "title/description",
                               ", ".join(sorted(world.case_companies[case.slug] & named))))


def channel_of_cases(links: Links, world: World) -> None:
    """A video of a channel that one case alone links, and that is no shared channel
    (``World.shared_channels``): video → case, confidence 0.4, a suggestion for a person (evidence
    "case links the channel", the channel id). A page pointing at a channel ("more films on our
    channel") is no evidence that each of its videos is about the case; other evidence (the page
    links the video, the video names the case's company) places it.
    """
    for video in world.videos:
        on_channel = world.channel_cases.get(video.channel_id, [])
        if len(on_channel) == 1 and video.channel_id not in world.shared_channels:
            links.add(f"video:{video.id}", f"case:{on_channel[0].slug}", CHANNEL_SUGGESTS,
                      Evidence("case links the channel", "channel", video.channel_id))


def people_decided(links: Links, world: World) -> None:
    """People's decisions (``<data>/curation/links.json``): a confirmed link counts whatever its
    confidence, a rejected one never; a confirmed link no rule found is added, confidence 1.0
    (evidence "curated", the person's note)."""
    links.apply(world.decisions)


def themes_via_case(links: Links, world: World) -> None:
    """A video linked to a case (an accepted link, after people's decisions) shares the case's
    themes: video → theme, confidence 0.9 × that link's, or 0.9 when a person confirmed it
    (evidence "via the linked case", the slug). A suggestion gives no theme."""
    for link in list(links):
        if link.source.startswith("video:") and link.target.startswith("case:") and link.accepted:
            case = world.by_slug.get(link.target[5:])
            sure = 1.0 if link.status == "confirmed" else link.confidence
            for theme in case.themes if case else ():
                links.add(link.source, f"theme:{world.taxonomy.canonical('theme', theme)}", sure * VIA_CASE,
                          Evidence("via the linked case", "case", case.slug))


# The rules ``link_all`` runs, in this order: a rule reads the links of the rules above it.
RULES = [
    case_page_names,
    case_page_links_video,
    case_note_links_video,
    names_mentioned,
    description_links_case,
    channel_case_names_company,
    channel_of_cases,
    people_decided,
    themes_via_case,
]
