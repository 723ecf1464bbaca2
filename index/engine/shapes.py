"""The shapes the engine answers in: TypedDicts of the plain dicts it returns, so the JSON the CLI and
the web give is the same dicts, described (``index.engine.interface`` hands them out)."""

from __future__ import annotations

from typing import Any, Literal, Required, TypedDict

Kind = Literal["case", "note", "video", "passage"]


class Hit(TypedDict, total=False):
    """One found unit as a result shows it; the keys after ``active`` only for the kinds that have them."""

    id: Required[str]  # a case's slug for a case hit, else the unit's id
    kind: Required[str]
    title: Required[str]
    snippet: Required[str]  # the best fragments, the query's words marked «so» (or <mark>, escaped, as HTML)
    url: Required[str]
    score: Required[float]
    case_ids: Required[list[str]]
    companies: Required[list[str]]
    themes: Required[list[str]]
    sectors: Required[list[str]]
    year: Required[int | None]
    date: Required[str | None]
    active: Required[bool]
    video_id: str  # a video or a passage
    thumbnail: str | None
    embed: str
    start: int  # a passage: the second its words are said
    end: float | None
    caption: str | None
    page: int | None  # a note page
    ocr: bool  # a note page whose text Tesseract read from a scan
    section: str  # a case section
    duration: int | None  # a video (seconds)
    channel_title: str | None
    inactive_reason: str | None


class GroupHit(Hit, total=False):
    """One result: a group (a video with its passages, a case with its sections, a note page) shown by
    its best hit, with the passages that say the words as its moments."""

    moments: Required[list[Hit]]
    more_moments: Required[int]


class ParsedText(TypedDict):
    """The query as understood: its words and its filters as people write them."""

    text: str
    filters: list[str]


class SearchResult(TypedDict):
    """What a search answers (``search --format json`` prints it; the web's /api/search returns it)."""

    query: str
    parsed: ParsedText
    total: int  # groups matched, not documents
    index_built_at: str | None
    sort: str
    offset: int
    results: list[GroupHit]
    facets: dict[str, dict[str, int]]  # facet → value → groups carrying it, most first
    partial: bool
    partial_reasons: list[dict[str, Any]]  # {"reason": "words" | "deadline", …}


class Manifest(TypedDict, total=False):
    """A generation's manifest; ``units`` (id → fingerprint) only when asked for."""

    schema_version: Required[int]
    built_at: Required[str]
    units: dict[str, str]
    taxonomy: dict[str, Any]
    taxonomy_path: str | None
    corrections_path: str | None


class LinkDict(TypedDict):
    """A link of the live generation with its evidence (``index.linking.links.Link.to_dict``)."""

    source: str
    target: str
    confidence: float
    status: str
    evidence: list[dict[str, Any]]


class DocTitle(TypedDict):
    """What a report needs of a case or video the index holds."""

    title: str
    active: bool


class Health(TypedDict):
    """The live index opens; when it was built."""

    status: Literal["ok"]
    index_built_at: str | None
