"""The one Whoosh schema for every searchable unit: case, note page, video, transcript passage."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import hashlib
import json
import re

from whoosh.analysis import CommaSeparatedTokenizer, Filter
from whoosh.fields import COLUMN, ID, NUMERIC, STORED, TEXT, Schema

from index.text.analysis import fold
from index.engine.analyzers import exact_analyzer, stemmed_analyzer

# Bump when the schema or the analysis changes: an index of another version is rebuilt.
# 9: the analyzers' classes moved to index.engine (a generation's TOC names them, so older ones do not open),
#    and a word that repeats one piece ("chowchow") is no compound;
# 8: no compound parts for words over 64 letters (7: 3-letter parts, nested parts).
SCHEMA_VERSION = 10  # 10: every apostrophe (’ ‘ ʼ ′) joins a word as the plain one does

# Query-language names → index fields.
FILTER_FIELDS = {
    "company": "companies", "theme": "themes", "case": "case_ids", "sector": "sectors",
    "kind": "kind", "year": "year", "lang": "lang", "caption": "caption", "active": "active",
}
FACETS = ("theme", "company", "case", "sector", "year", "kind")


def fold_label(text: str) -> str:
    """A label's index form: folded, with hyphens and similar joiners read as spaces."""
    return " ".join(re.sub(r"[-_/.]+", " ", fold(text)).split())


class LabelFoldFilter(Filter):
    """Fold label tokens with ``fold_label`` so "Alfa-Laval" and "alfa laval" are one value."""

    def __call__(self, tokens):  # type: ignore[no-untyped-def]
        for token in tokens:
            token.text = fold_label(token.text)
            yield token


def label_analyzer() -> Any:
    """Comma-separated labels (companies, themes…), each one folded term."""
    return CommaSeparatedTokenizer() | LabelFoldFilter()


def build_schema() -> Schema:
    """The schema; ``meta`` holds what results show (lists, urls, times) as one stored value."""
    return Schema(
        id=ID(stored=True, unique=True),
        kind=ID(stored=True),
        parent=ID(stored=True, sortable=True),
        source=ID(stored=True),
        # Phrases are matched in ``exact`` alone, so the stemmed fields keep no word positions.
        title=TEXT(analyzer=stemmed_analyzer(), stored=True, field_boost=2.0, phrase=False),
        content=TEXT(analyzer=stemmed_analyzer(), stored=True, phrase=False),
        exact=TEXT(analyzer=exact_analyzer(), phrase=True),
        case_ids=TEXT(analyzer=label_analyzer(), phrase=False),
        companies=TEXT(analyzer=label_analyzer(), phrase=False),
        themes=TEXT(analyzer=label_analyzer(), phrase=False),
        sectors=TEXT(analyzer=label_analyzer(), phrase=False),
        year=NUMERIC(int, bits=32, sortable=True),
        date=ID(sortable=True),
        lang=ID,
        caption=ID,
        active=ID,
        meta=STORED,
        # Per-document columns, so a search groups and counts facets over every hit without
        # loading (unpickling) each hit's stored fields: the group key, and the facet values.
        group=COLUMN(),
        facets=COLUMN(),
    )


@dataclass
class Unit:
    """One searchable unit, independent of Whoosh: what the build writes and results return."""

    id: str
    kind: str  # case | note | video | passage
    parent: str  # the group a result collapses into: case:<slug> or video:<id>
    source: str  # the archive item it was made from (namespace:key)
    title: str
    content: str
    url: str
    case_ids: list[str] = field(default_factory=list)
    companies: list[str] = field(default_factory=list)
    themes: list[str] = field(default_factory=list)
    sectors: list[str] = field(default_factory=list)
    year: int | None = None
    date: str | None = None
    lang: str | None = None
    caption: str | None = None
    active: bool = True
    extra: dict[str, Any] = field(default_factory=dict)  # video_id, start, page, thumbnail, cues…

    def to_fields(self) -> dict[str, Any]:
        """The Whoosh document of this unit."""
        doc: dict[str, Any] = {
            "id": self.id, "kind": self.kind, "parent": self.parent, "source": self.source,
            "title": self.title, "content": self.content, "exact": self._exact_text(),
            "case_ids": ",".join(self.case_ids), "companies": ",".join(self.companies),
            "themes": ",".join(self.themes), "sectors": ",".join(self.sectors),
            "active": "true" if self.active else "false",
            "date": self.date or "", "meta": self.meta(),
        }
        doc["group"] = (self.id if self.kind == "note" else self.parent).encode()
        doc["facets"] = json.dumps(self.facet_values(), ensure_ascii=False).encode()
        if self.year is not None:
            doc["year"] = self.year
        if self.lang:
            doc["lang"] = self.lang
        if self.caption:
            doc["caption"] = self.caption
        return doc

    def _exact_text(self) -> str:
        """What phrases and prefixes match: the title and the text, but of a passage only what is said
        (its title is its video's, which the video itself carries)."""
        return self.content if self.kind == "passage" else f"{self.title}\n{self.content}"

    def facet_values(self) -> dict[str, Any]:
        """What a search needs of a hit to group, sort by date and count facets (as in ``meta``)."""
        return {"kind": self.kind, "case_ids": self.case_ids, "companies": self.companies, "themes": self.themes,
                "sectors": self.sectors, "year": self.year, "date": self.date}

    def meta(self) -> dict[str, Any]:
        """The stored part a result is rendered from."""
        meta = {"url": self.url, "case_ids": self.case_ids, "companies": self.companies, "themes": self.themes,
                "sectors": self.sectors, "year": self.year, "date": self.date, "lang": self.lang,
                "caption": self.caption, "active": self.active, **self.extra}
        if "cues" in meta:
            meta["cues"] = pack_cues(meta["cues"])
        return meta


def fingerprint(unit: Unit) -> str:
    """A hash of everything a unit puts in the index: its fields (what it writes follows from them
    and the schema version)."""
    return hashlib.sha1(f"{SCHEMA_VERSION}\n{unit!r}".encode()).hexdigest()


def pack_cues(cues: Any) -> str:
    """A passage's cues as stored: "start end length" per cue, separated by ";". The passage's
    content is its cues' texts joined by spaces, so the texts are cut from it, not stored twice
    (nor kept in memory while a build writes)."""
    if isinstance(cues, str):
        return cues
    return ";".join(f"{start!r} {end!r} {len(text)}" for start, end, text in cues)


def cue_texts(content: str, packed: str) -> list[list[Any]]:
    """The cues of a passage hit again, [start, end, text], their texts cut from its content."""
    cues: list[list[Any]] = []
    at = 0
    for part in packed.split(";") if packed else ():
        start, end, length = part.split(" ")
        cues.append([float(start), float(end), content[at:at + int(length)]])
        at += int(length) + 1
    return cues
